"""Third survey of other projects' export samples (docs/import-coverage.md, "Third survey").

Each fixture is our own (invented names and text, the structure of the
outside sample that showed the quirk); the outside files stay outside the
repository.
"""

from __future__ import annotations

from .conftest import FIXTURES
from .conftest import parsed_rows as rows

# --- WhatsApp -------------------------------------------------------------------------


def test_whatsapp_view_once_null_is_media_and_the_timer_notice_is_no_ones_message(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_view_once_null.txt")
    assert got[2][1:3] == ("Kai", "media")  # "null": a view-once photo, not the word "null"
    assert got[4][1:3] == (None, "system")  # "Kai: Kai updated the message timer …"
    # Kai's photo caption "look what I found" is Kai's words (eighth survey)
    assert [speaker for _, speaker, kind, _ in got if kind == "message"] == ["Robin", "Kai", "Robin", "Robin"]


def test_whatsapp_unmarked_ios_events_under_the_people_they_concern_are_system_lines(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_unmarked_own_events.txt")
    assert [kind for _, _, kind, _ in got[:5]] == ["system"] * 5  # added, added, changed the icon …
    assert [(speaker, kind) for _, speaker, kind, _ in got[5:]] == [
        ("Kai", "message"), ("Robin", "message"), ("Kai", "message"),
    ]


def test_whatsapp_a_name_in_an_ordinary_message_stays_a_message(cli, tmp_path):
    chat = tmp_path / "chat.txt"
    chat.write_text(
        "[14.03.24, 18:20:12] Kai: Robin added the receipts to the shared folder\n"
        "[14.03.24, 18:21:00] Robin: I left Kai a note on the table\n",
        encoding="utf-8",
    )
    assert [(speaker, kind) for _, speaker, kind, _ in rows(cli, chat)] == [("Kai", "message"), ("Robin", "message")]


# --- Telegram -------------------------------------------------------------------------


def test_telegram_two_chats_with_one_name_ask_for_the_id(cli):
    path = FIXTURES / "telegram" / "quirks" / "same_name_chats.json"
    result = cli("parse", str(path), "--chat", "Kai")
    assert result.exit_code != 0
    assert "2 chats" in result.stderr and "7, 8" in result.stderr and "Traceback" not in result.stderr
    got = rows(cli, path, "--chat", "8")
    assert [text for _, _, _, text in got] == ["Kai, the invoice is attached", "thanks, will check"]


# --- Captions ---------------------------------------------------------------------------


def test_webvtt_speakers_in_parentheses_and_a_line_of_spaces_inside_a_cue(cli):
    got = rows(cli, FIXTURES / "transcripts" / "quirks" / "parenthesised_speakers.vtt")
    assert [speaker for _, speaker, _, _ in got] == ["Robin Hale", "Kai Moreno"]
    assert got[0][3].endswith("before you left for work.")
    assert "(Laughs)" in got[1][3]  # a sound is not a speaker


# --- CHAT (.cha) --------------------------------------------------------------------------


def test_cha_transcript_reads_participants_offsets_and_plain_words(cli):
    turns = cli.parse(str(FIXTURES / "cha" / "session.cha"))
    assert [t["speaker"] for t in turns] == ["Therapist", "Robin", "Kai", "Robin", "Kai"]
    assert [t["offset"] for t in turns] == [0.0, 2.1, 6.9, 8.3, 11.9]
    assert turns[1]["text"] == "I asked if we could talk and you just left the room."  # marks and continuation
    assert turns[3]["text"] == "a minute turned into the whole evening."  # &=sighs and [>] are notation
    assert all("xxx" not in t["text"] for t in turns)  # an unintelligible-only line is dropped


def test_cha_file_without_utterances_is_a_one_line_error(cli, tmp_path):
    empty = tmp_path / "empty.cha"
    empty.write_text("@UTF8\n@Begin\n@Participants:\tROB Robin Partner\n*ROB:\txxx .\n@End\n", encoding="utf-8")
    result = cli("parse", str(empty))
    assert result.exit_code != 0 and "no utterance" in result.stderr and "Traceback" not in result.stderr


# --- Meta HTML --------------------------------------------------------------------------


def test_meta_html_pages_read_oldest_first_with_media_and_notices(cli):
    got = rows(cli, FIXTURES / "meta_html" / "inbox" / "robin_kai_4821" / "message_1.html")
    assert [(time, speaker, kind) for time, speaker, kind, _ in got] == [
        ("2026-03-10T17:40:00", "Robin Hale", "message"),  # message_2.html: the older page
        ("2026-03-10T18:15:00", "Kai Moreno", "message"),
        ("2026-03-10T23:50:00", "Robin Hale", "message"),
        ("2026-03-10T23:52:00", "Robin Hale", "media"),
        ("2026-03-11T06:58:00", "Kai Moreno", "message"),
        ("2026-03-11T07:02:00", None, "system"),  # "Liked a message"
    ]
    assert got[2][3] == "you said you'd call & you didn't"
    assert got[4][3] == "sorry, I fell asleep\ntalk at breakfast?"  # once, without the page's copy or reactions


def test_meta_html_older_facebook_page(cli):
    got = rows(cli, FIXTURES / "meta_html" / "old_facebook" / "message_1.html")
    assert got == [
        ("2021-12-05T22:37:00", "Robin Hale", "message", "why won't you answer me?"),
        ("2021-12-05T22:41:00", "Kai Moreno", "message", "I did answer, check your phone"),
    ]


# --- CSV ----------------------------------------------------------------------------------


def test_csv_with_worded_dates_and_12_hour_clock(cli):
    got = rows(cli, FIXTURES / "generic" / "quirks" / "worded_dates.csv")
    assert [time for time, _, _, _ in got] == ["2025-03-12T21:04:11", "2025-03-12T21:31:02", "2025-03-13T00:05:40"]


def test_csv_numeric_dates_take_one_order_for_the_whole_file(cli):
    got = rows(cli, FIXTURES / "generic" / "quirks" / "month_first_dates.csv")
    # "03/13/2025" shows the sheet is month-first, so "03/04/2025" is 4 March, not 3 April.
    assert [time for time, _, _, _ in got] == ["2025-03-04T21:04:00", "2025-03-04T21:31:00", "2025-03-13T08:02:00"]


# --- LINE -----------------------------------------------------------------------------------


def test_line_day_heading_without_a_blank_line_before_it(cli):
    got = rows(cli, FIXTURES / "line" / "quirks" / "no_blank_before_day.txt")
    assert [(time, speaker) for time, speaker, _, _ in got] == [
        ("2025-02-28T23:40:00", "Robin"),
        ("2025-02-28T23:58:00", "Kai"),
        ("2025-03-01T00:12:00", "Robin"),  # the heading right after Kai's message starts a new day
        ("2025-03-01T00:15:00", "Kai"),
    ]
    assert got[1][3] == "yes, sorry\n2025/03/01(Sat)\nis the deadline"  # inside quotes a date is just text


# --- Speaker-diarised JSON ------------------------------------------------------------------


def test_whisperx_segments_join_one_speakers_run_and_keep_offsets(cli):
    turns = cli.parse(str(FIXTURES / "segments" / "whisperx.json"))
    assert [(t["speaker"], t["offset"]) for t in turns] == [
        ("SPEAKER_00", 0.52), ("SPEAKER_01", 3.1), ("SPEAKER_00", 7.2),
    ]
    assert turns[1]["text"] == "I know. The meeting ran late and my phone died."


def test_assemblyai_utterances_count_milliseconds(cli):
    turns = cli.parse(str(FIXTURES / "segments" / "assemblyai.json"))
    assert [(t["speaker"], t["offset"], t["text"]) for t in turns] == [
        ("A", 0.48, "Are you coming to dinner?"), ("B", 2.21, "I am, just running late."),
    ]


def test_whisper_segments_without_speakers_are_a_one_line_error(cli, tmp_path):
    plain = tmp_path / "whisper.json"
    plain.write_text('{"text": " Hi. Hello.", "segments": [{"start": 0.0, "end": 1.0, "text": " Hi."},'
                     ' {"start": 1.2, "end": 2.0, "text": " Hello."}]}', encoding="utf-8")
    result = cli("parse", str(plain))
    assert result.exit_code != 0 and "without speaker names" in result.stderr and "Traceback" not in result.stderr


def test_whatsapp_hebrew_notices_deleted_and_edited_messages(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_he.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"),  # the encryption notice, not a message from the chat's title
        ("נועה", "message"),
        ("איתי", "system"),  # a deleted message keeps who deleted it
        ("איתי", "message"),
        (None, "system"),  # "X removed Y", under Y's name
        ("נועה", "media"),
        ("איתי", "message"),
    ]
    assert got[3][3] == "הישיבה התארכה, סליחה"  # the app's "edited" note goes


def test_telegram_reply_to_a_post_in_another_chat_is_not_a_reply_here(cli):
    turns = cli.parse(str(FIXTURES / "telegram" / "quirks" / "reply_to_channel_post.json"))
    assert [t["reply_to"] for t in turns] == [None, "10", None]


def test_whatsapp_ios_spanish_call_edited_note_and_named_document(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_es_mx.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"),
        ("Mariana Ruiz", "message"),
        ("Tomás", "system"),  # "Llamada, Sin respuesta": a call nobody answered, and who called
        ("Tomás", "message"),
        ("Mariana Ruiz", "media"),  # "<name>.xlsx documento omitido"
        ("Mariana Ruiz", "message"),
    ]
    assert got[3][3] == "Perdón, salí tarde"  # "<Se editó este mensaje.>" is the app's note


def test_whatsapp_group_settings_events_under_their_actor(cli, tmp_path):
    chat = tmp_path / "chat.txt"
    chat.write_text(
        "[14/03/24 18.20.12] Kai: Kai turned on admin approval to join this group\n"
        "[14/03/24 18.20.30] ~ Noor: ~ Noor changed the settings so only admins can edit the group settings\n"
        "[14/03/24 18.21.00] Kai: welcome everyone\n",
        encoding="utf-8",
    )
    assert [(speaker, kind) for _, speaker, kind, _ in rows(cli, chat)] == [
        (None, "system"), (None, "system"), ("Kai", "message"),
    ]


# --- Messenger end-to-end encrypted download -----------------------------------------------


def test_messenger_e2ee_unsent_text_and_placeholder_notice_are_system_lines(cli):
    got = rows(cli, FIXTURES / "meta" / "quirks" / "e2ee_unsent_and_notice.json")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"),  # "type": "placeholder": the app's notice
        ("Robin Hale", "message"),
        (None, "system"),  # "User unsent a message"
        ("Kai Moreno", "message"),
    ]
    assert got[2][3] == "Kai Moreno unsent a message"


def test_csv_row_split_by_an_unquoted_comma_names_the_cause(cli, tmp_path):
    sheet = tmp_path / "chat.csv"
    sheet.write_text("Sender,Date,Message\nRobin,Mar 12, 2025 9:04 PM,you said you would call\n", encoding="utf-8")
    result = cli("parse", str(sheet))
    assert result.exit_code != 0
    assert "chat.csv:2" in result.stderr and "4 cells but the header 3" in result.stderr


def test_meta_html_followers_page_is_not_a_chat(cli, tmp_path):
    page = tmp_path / "followers_1.html"
    page.write_text(
        '<html><body><main><div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder"><div class="_a6-p"><div><div>'
        '<a target="_blank" href="https://www.instagram.com/robin.example">robin.example</a></div>'
        "<div>Jul 25, 2026 1:28 pm</div></div></div></div></main></body></html>",
        encoding="utf-8",
    )
    result = cli("parse", str(page))
    assert result.exit_code != 0 and "no messages" in result.stderr and "Traceback" not in result.stderr
