"""Sixth survey of other projects' export samples (docs/import-coverage.md, "Sixth survey").

Each fixture is our own (invented names and text, the structure of the
outside sample that showed the quirk); the outside files stay outside the
repository.
"""

from __future__ import annotations

import json

from .conftest import FIXTURES
from .conftest import parsed_rows as rows

# --- Discord ----------------------------------------------------------------------------


def test_discord_plain_text_without_its_preamble_is_read_as_discord(cli):
    # Other tools' tests keep only the "[time] author" blocks; WhatsApp read them as nameless notices.
    got = rows(cli, FIXTURES / "discord" / "quirks" / "dce_plain_no_preamble.txt")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        ("robin.h", "message", "you said you'd be home by nine"),
        ("kai_r", "media", "sleepy_cat"),
        ("kai_r", "message", "traffic was awful\nsorry"),
        ("robin.h", "media", "dinner.jpg"),
        ("robin.h", "message", "it went cold"),  # the reactions are not words
    ]
    assert [time for time, *_ in got][::4] == ["2025-03-14T21:02:00", "2025-03-14T21:41:00"]


def test_discord_json_with_only_its_messages_keeps_nicknames_stickers_and_replies(cli):
    result = cli.parse(str(FIXTURES / "discord" / "quirks" / "messages_only.json"))
    assert [(t["speaker"], t["kind"], t["text"]) for t in result] == [
        ("Robin", "message", "you said you'd be home by nine"),
        ("Kai", "media", "sleepy_cat"),
        ("Kai", "message", "traffic was awful"),
        ("Robin", "media", "dinner.jpg"),
    ]
    assert result[2]["reply_to"] == "501"


# --- Telegram ---------------------------------------------------------------------------


def test_telegram_export_cut_down_to_its_chats_list(cli):
    # {"chats": {"list": [...]}} without "about" or "personal_information" was refused as
    # "no list of messages in this JSON document".
    got = rows(cli, FIXTURES / "telegram" / "quirks" / "chats_list_only.json")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("Robin", "you said you'd be home by nine"),
        ("Kai", "traffic was awful"),
        ("Robin", "ok"),
    ]


# --- SMS Backup & Restore -----------------------------------------------------------------


def test_mms_without_its_address_joins_its_senders_conversation(cli):
    # An MMS kept without its address attribute names its sender only in <addrs> (type 137):
    # it was a separate nameless conversation "?" that --chat could not choose.
    got = rows(cli, FIXTURES / "sms" / "quirks" / "mms_without_address.xml")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("Me", "you said you'd be home by nine"),
        ("Kai Reyes", "traffic was awful"),
        ("Kai Reyes", "look who I met"),
    ]


# --- WhatsApp ---------------------------------------------------------------------------


def test_whatsapp_android_media_placeholders_in_more_languages(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_media_more_languages.txt")
    placeholders = [kind for _, _, kind, text in got if text.startswith("<")]
    assert placeholders == ["media"] * 12
    assert {kind for _, _, kind, text in got if not text.startswith("<")} == {"message"}


def test_whatsapp_encryption_notice_and_deleted_messages_in_more_languages(cli):
    # The Swedish notice under the contact's name was Kai's first message; deleted messages in
    # Swedish, Finnish, Japanese, Korean, Chinese, Ukrainian, Greek and Vietnamese were words.
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_notices_more_languages.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), ("Robin", "message"),
        *[(who, "system") for who in ["Kai", "Robin"] * 4],
        ("Kai", "message"),
    ]


def test_whatsapp_ios_years_of_the_thai_and_japanese_calendars(cli):
    # "[3/14/2568 BE, …]" and "[3/14/R7, …]" (an iPhone set to those calendars) were
    # "a file in no known chat format".
    thai = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_buddhist_era_suffix.txt")
    assert [time for time, *_ in thai] == [
        "2025-03-14T21:02:11", "2025-03-14T21:16:40", "2025-03-14T21:17:02", "2025-03-14T21:18:30",
        "2025-03-15T08:30:00",
    ]
    # the fourth is a shared place
    assert [kind for _, _, kind, _ in thai] == ["message", "message", "media", "media", "message"]
    japanese = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_japanese_era.txt")
    assert [time for time, *_ in japanese] == [
        "2018-12-31T23:59:00", "2025-03-14T21:02:11", "2025-03-14T21:16:40",
    ]


def test_whatsapp_ios_japanese_placeholders_place_and_security_code(cli):
    # As an iPhone in Japanese writes them: every one of these was a message of its sender.
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_ja_placeholders.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), ("ロビン", "message"), ("佐藤", "media"), ("佐藤", "media"), ("佐藤", "media"),
        (None, "system"), ("佐藤", "message"),
    ]


def test_whatsapp_ios_vietnamese_time_first_headers(cli):
    # "[21:02:11, 3/14/25] Robin: …" was "a file in no known chat format".
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_vi_time_first.txt")
    assert [(time, speaker, kind) for time, speaker, kind, _ in got] == [
        ("2025-03-14T21:00:00", None, "system"),
        ("2025-03-14T21:02:11", "Robin", "message"),
        ("2025-03-14T21:16:40", "Kai", "media"),
        ("2025-03-14T21:17:02", "Kai", "media"),
        ("2025-03-14T21:18:30", None, "system"),
        ("2025-03-14T21:20:00", "Kai", "message"),
    ]


def test_whatsapp_ios_placeholders_in_thai_ukrainian_portuguese_french_and_russian(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_th_uk_pt_placeholders.txt")
    assert [kind for _, _, kind, _ in got] == ["media"] * 9 + ["message"]


def test_whatsapp_android_document_whose_name_lost_its_extension(cli):
    # "DOC-…-WA0004. (file attached)" then the document's title was read as Kai's words.
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_doc_without_extension.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        ("Robin", "message"), ("Kai", "media"), ("Kai", "message"),
    ]


def test_whatsapp_file_saved_again_through_windows_1252_is_restored(cli):
    # "â€ŽMessages and calls…" (a direction mark as Windows-1252 shows its bytes) was Kai's message.
    path = FIXTURES / "whatsapp" / "quirks" / "ios_double_encoded.txt"
    assert "â€Ž" in path.read_text(encoding="utf-8")
    got = rows(cli, path)
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), ("Robin", "message"), ("Kai Reyes", "message"), ("Kai Reyes", "media"),
    ]
    assert got[1][3] == "you said you'd be home by nine 😤"
    assert got[2][3] == "traffic was awful, désolé"


def test_real_accents_and_scripts_are_not_taken_for_double_encoding(cli, tmp_path):
    # One quoted "Ã©" is what someone wrote, not a file saved through the wrong encoding.
    text = "Café crème, naïve façade · Grüße · Привет · 😊 · the menu said Ã© for é"
    path = tmp_path / "chat.txt"
    path.write_text(f"14/03/2025, 21:02 - Robin: {text}\n14/03/2025, 21:03 - Kai: ok\n", encoding="utf-8")
    assert rows(cli, path)[0][3] == text


def test_whatsapp_marks_written_out_as_escapes(cli):
    # A script wrote "\u202f" and "\u200e" as six characters each; the lines were unreadable.
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_escaped_marks.txt")
    assert got == [
        ("2025-03-14T21:02:11", "Robin", "message", "you said you'd be home by nine"),
        ("2025-03-14T21:16:40", "Kai", "media", "image omitted"),
        ("2025-03-14T21:17:02", "Kai", "message", "traffic was awful"),
    ]


# --- Transcripts ------------------------------------------------------------------------


def test_transcript_heading_fields_are_not_speakers_and_wrapped_turns_are_read(cli):
    got = rows(cli, FIXTURES / "transcripts" / "quirks" / "heading_and_wrapped_turns.txt")
    assert [speaker for _, speaker, _, _ in got] == [None, "Robin", "Kai", "Counsellor", "Robin"]
    assert got[0][2] == "system" and "Date: 2025-03-14" in got[0][3]
    assert got[1][3].endswith("what the silence means.")


def test_copied_chat_with_dated_dividers_has_clock_times(cli):
    # "Robin  21:02" under "----- 2025-03-14 21:02 -----" is a clock time, not 21 minutes 2 seconds
    # into a recording; the next divider is not part of the message above it.
    result = cli.parse(str(FIXTURES / "transcripts" / "quirks" / "dated_dividers.txt"))
    messages = [t for t in result if t["kind"] == "message"]
    assert [(t["time"], t["speaker"], t["text"]) for t in messages] == [
        ("2025-03-14T21:02:00", "Robin", "you said you'd be home by nine"),
        ("2025-03-14T21:16:00", "Kai", "traffic was awful"),
        ("2025-03-14T21:17:00", "Robin", "ok"),
        ("2025-03-15T08:30:00", "Kai", "morning, sorry about last night"),
    ]
    assert all(t["offset"] is None for t in messages)
    assert [t["kind"] for t in result].count("system") == 2


def test_transcript_with_full_width_colons(cli):
    got = rows(cli, FIXTURES / "transcripts" / "quirks" / "fullwidth_colon.txt")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("小林", "你说九点前到家的\n这都十点了"),
        ("阿凯", "路上太堵了"),
        ("小林", "好吧"),
    ]


# --- Slack ------------------------------------------------------------------------------


def test_slack_day_file_names_people_from_their_profiles_and_mentions(cli):
    # Without users.json a person kept their id ("U07ROBIN") on every message but the one
    # that carried a profile; a mention "<@U09KAI|kai>" names them too.
    got = rows(cli, FIXTURES / "slack" / "quirks" / "2025-03-14.json")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        (None, "@Robin has joined the channel"),
        ("Robin", "you said you'd be home by nine"),
        ("Robin", "it's ten"),
        ("kai", "traffic was awful @Robin"),
        ("U11SAM", "@kai you there?"),  # never named anywhere: the id is all there is
    ]


def test_slack_api_answer_saved_to_a_file_reads_oldest_first(cli):
    # {"ok": true, "messages": [...]} (conversations.history, newest first) was read by the generic
    # JSON reader: newest first, dated January 1970, the join a message of Kai's.
    got = rows(cli, FIXTURES / "slack" / "quirks" / "conversations_history.json")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        ("Robin", "message"), (None, "system"), ("U09KAI", "message"),
    ]
    assert [time for time, *_ in got] == sorted(time for time, *_ in got)


# --- Chat datasets ----------------------------------------------------------------------


def test_json_lines_dataset_with_utterances(cli, tmp_path):
    # A dataset line {"speaker", "utterance"} was "a file in no known chat format".
    path = tmp_path / "dialogues.jsonl"
    lines = [
        ("A", "You said you'd be home by nine."),
        ("B", "Traffic was awful."),
        ("A", "You could have texted."),
    ]
    rows_written = [{"dialog_id": "d7", "speaker": s, "utterance": u, "emotion": "neutral"} for s, u in lines]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows_written), encoding="utf-8")
    assert [(speaker, text) for _, speaker, _, text in rows(cli, path)] == lines


def test_json_dataset_with_its_dialogue_under_context(cli):
    got = rows(cli, FIXTURES / "json_messages" / "quirks" / "dataset_context.json")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("A", "You said you'd be home by nine."),
        ("B", "Traffic was awful."),
        ("A", "You could have texted."),
    ]


def test_outside_classify_and_analyze_run_on_the_new_fixtures(cli, data_home):
    for path in [
        FIXTURES / "discord" / "quirks" / "dce_plain_no_preamble.txt",
        FIXTURES / "transcripts" / "quirks" / "dated_dividers.txt",
        FIXTURES / "whatsapp" / "quirks" / "ios_double_encoded.txt",
    ]:
        result = cli("analyze", "--fast", "--json", str(path))
        assert result.exit_code == 0, result.stderr
        assert "Traceback" not in result.stderr
