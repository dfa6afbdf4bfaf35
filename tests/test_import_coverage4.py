"""Fourth survey of other projects' export samples (docs/import-coverage.md, "Fourth survey").

Each fixture is our own (invented names and text, the structure of the
outside sample that showed the quirk); the outside files stay outside the
repository.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import FIXTURES, Cli
from .conftest import parsed_rows as rows


def refused(cli: Cli, path: Path, *args: str) -> str:
    """The one-line error of a command that must refuse the file."""
    result = cli("parse", str(path), *args)
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert str(path) in result.stderr
    return result.stderr


# --- WhatsApp -------------------------------------------------------------------------


def test_whatsapp_ios_calls_are_system_lines_that_keep_the_caller(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_calls_and_poll.txt")
    calls = [(speaker, kind, text) for _, speaker, kind, text in got[1:] if "call" in text.lower()]
    assert calls == [
        ("Robin", "message", "can you call me when you're out?"),
        ("Kai", "system", "Voice call. 12 min."),
        ("Robin", "system", "Missed video call. Tap to call back."),
        ("Kai", "system", "Video call, No answer"),
        ("Kai", "message", "Video call, tonight?"),  # the words alone are someone's message
    ]


def test_whatsapp_poll_is_media_of_its_author(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_calls_and_poll.txt")
    poll = [row for row in got if row[3].startswith("POLL:")]
    assert [(speaker, kind) for _, speaker, kind, _ in poll] == [("Robin", "media")]
    assert "Dinner on Friday" in poll[0][3]
    assert got[-1][1:3] == ("Kai", "message")


def test_whatsapp_marked_group_created_under_the_group_name_is_a_system_line(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_marked_group_created.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), (None, "system"), ("Mira", "message"), ("Jonas", "message"),
    ]


def test_whatsapp_old_ios_lines_with_a_colon_after_the_seconds(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "old_ios_colon.txt")
    assert got[0] == ("2016-10-14T20:11:05", "Noor", "message", "ben je al thuis?")
    assert [(speaker, kind) for _, speaker, kind, _ in got[2:5]] == [("Stef", "media"), ("Noor", "message"), ("Stef", "media")]
    assert got[-1][1:] == ("Noor", "message", "mooi: waar is dat?")


# --- Speech-to-text services ------------------------------------------------------------


def test_deepgram_utterances_are_turns_with_numbered_speakers(cli):
    got = cli.parse(str(FIXTURES / "segments" / "deepgram.json"))
    assert [(t["speaker"], t["text"], t["offset"]) for t in got] == [
        ("Speaker 0", "Can we talk about Sunday?", 0.4),
        ("Speaker 1", "Not right now.", 2.2),
        ("Speaker 0", "Later then.", 3.5),
    ]


def test_deepgram_words_without_utterances_are_grouped_by_speaker(cli):
    words = rows(cli, FIXTURES / "segments" / "quirks" / "deepgram_words_only.json")
    utterances = rows(cli, FIXTURES / "segments" / "deepgram.json")
    assert words == utterances


def test_amazon_transcribe_items_become_turns_and_punctuation_joins_its_word(cli):
    got = cli.parse(str(FIXTURES / "segments" / "transcribe.json"))
    assert [(t["speaker"], t["text"], t["offset"]) for t in got] == [
        ("spk_0", "I waited all evening.", 0.5),
        ("spk_1", "I know, sorry.", 2.6),
    ]
    # Older output names the speakers only in speaker_labels, matched by start time.
    assert rows(cli, FIXTURES / "segments" / "quirks" / "transcribe_labels_apart.json") == rows(
        cli, FIXTURES / "segments" / "transcribe.json"
    )


def test_amazon_transcribe_without_speaker_labels_is_refused_in_one_line(cli, tmp_path):
    data = json.loads((FIXTURES / "segments" / "quirks" / "transcribe_labels_apart.json").read_text(encoding="utf-8"))
    del data["results"]["speaker_labels"]
    path = tmp_path / "asrOutput.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "without speaker names" in refused(cli, path)


# --- WeChat and QQ ------------------------------------------------------------------------


def test_wechat_export_headers_media_and_notices(cli):
    got = rows(cli, FIXTURES / "wechat" / "memotrace.txt")
    assert got[0] == ("2024-05-10T21:03:11", "小林", "message", "你到家了吗？")
    assert got[2][3] == "刚到，今天加班到很晚\n明天再说好吗"
    assert [(speaker, kind) for _, speaker, kind, _ in got[3:]] == [
        ("阿哲", "media"), ("小林", "system"), ("小林", "message"), ("阿哲", "system"),
    ]  # a photo; a recalled message and a pat keep who did them


def test_qq_export_preamble_accounts_and_system_messages(cli):
    got = rows(cli, FIXTURES / "wechat" / "qq.txt")
    assert [(time, speaker, kind) for time, speaker, kind, _ in got] == [
        ("2019-03-02T20:12:45", "小林", "message"),
        ("2019-03-02T20:30:02", "阿哲", "message"),
        ("2019-03-02T20:31:10", None, "system"),
        ("2019-03-02T20:33:47", "小林", "media"),
    ]


def test_stamped_chat_log_with_the_words_on_the_header_line(cli):
    got = rows(cli, FIXTURES / "wechat" / "one_line.txt")
    assert [speaker for _, speaker, _, _ in got] == ["Lena", "Lena", "Marco", "Lena"]
    assert got[2][3] == "sorry, the meeting ran late\nI'll be there by nine"
    assert got[3][3] == "ok"  # after a full-width colon


def test_wechat_shared_chat_record_with_dotted_names(cli):
    got = rows(cli, FIXTURES / "wechat" / "shared_record.txt")
    assert [(time, speaker, kind) for time, speaker, kind, _ in got] == [
        ("2024-05-10T21:03:00", "小林", "message"),
        ("2024-05-10T22:15:00", "阿哲", "message"),
        ("2024-05-10T22:16:00", "阿哲", "media"),
    ]
    assert got[1][3] == "刚到，今天加班到很晚\n\n明天再说好吗"


# --- Skype / Teams Free -----------------------------------------------------------------


def test_skype_export_with_several_conversations_asks_which(cli):
    path = FIXTURES / "skype" / "messages.json"
    message = refused(cli, path)
    assert "2 conversations" in message and "Robin K" in message and "Hiking crew" in message
    assert "Quiet One" not in message  # a conversation without messages is not offered


def test_skype_conversation_oldest_first_without_markup(cli):
    got = rows(cli, FIXTURES / "skype" / "messages.json", "--chat", "robin")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        ("Robin K", "message", "https://example.org/plan did you read it?"),
        ("Sam P", "message", "you never listen"),
        ("Sam P", "media", "sunset.jpg"),
        ("Robin K", "system", "missed call"),
        ("Sam P", "system", "deleted a message"),
        ("Robin K", "message", "that is not fair & you know it"),  # the quoted message is not Robin's words
        ("Sam P", "message", "I'm sorry :) talk tomorrow?"),  # the owner's name from their other messages
    ]
    assert got[0][0] == "2024-03-04T20:58:00+00:00"


def test_skype_group_member_changes_are_no_ones_message(cli):
    got = rows(cli, FIXTURES / "skype" / "messages.json", "--chat", "Hiking crew")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [("Robin K", "message"), (None, "system")]


# --- Telegram -----------------------------------------------------------------------------


def test_telegram_messages_copied_from_the_desktop_app(cli):
    result = cli("parse", str(FIXTURES / "telegram_text" / "copied.txt"))
    assert result.exit_code == 0 and "guessed" not in result.stderr  # dotted dates are day-first
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(t["time"], t["speaker"], t["kind"], t["text"]) for t in got] == [
        ("2024-07-02T19:05:00", "Mira", "message", "are you coming home for dinner?"),
        ("2024-07-02T19:41:00", "Jonas", "message", "running late, sorry"),  # "[In reply to Mira]" is Telegram's note
        ("2024-07-02T19:41:00", "Jonas", "media", "[Photo]"),
        ("2024-07-02T21:13:00", "Mira", "message", "ok.\nI ate already"),
    ]


def test_telegram_copied_text_in_month_first_locale(cli):
    got = rows(cli, FIXTURES / "telegram_text" / "copied_us.txt")
    assert [time for time, _, _, _ in got] == ["2024-07-02T19:05:00", "2024-07-22T19:41:00"]


def test_telegram_messages_list_saved_on_its_own(cli):
    got = cli.parse(str(FIXTURES / "telegram" / "quirks" / "messages_only.json"))
    assert [(t["speaker"], t["kind"], t["reply_to"]) for t in got] == [
        ("Lea", "message", None), ("Tom", "media", None), ("Tom", "message", "501"),
    ]


# --- JSON dumps and sheets -------------------------------------------------------------------


def test_json_dump_of_messages_with_sender_text_and_ts(cli):
    got = rows(cli, FIXTURES / "json_messages" / "dump.json")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        ("Taylor", "message"), ("Jordan", "message"), ("Taylor", "message"), ("Taylor", "media"),
    ]
    assert got[0][0] == "2025-12-01T10:00:00+00:00"


def test_json_list_with_author_objects_and_epoch_milliseconds(cli):
    got = rows(cli, FIXTURES / "json_messages" / "list_epoch.json")
    assert got[0] == ("2024-12-01T12:00:00+00:00", "Ana", "message", "home yet?")
    assert [speaker for _, speaker, _, _ in got] == ["Ana", "Ben", "Ana"]


def test_json_objects_without_sender_or_text_are_refused_in_one_line(cli, tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"messages": [{"value": 1}, {"value": 2}]}), encoding="utf-8")
    assert "no sender and text" in refused(cli, path, "--format", "json-messages")


def test_csv_from_an_sms_app_with_date_and_time_columns_and_directions(cli):
    got = rows(cli, FIXTURES / "generic" / "quirks" / "sms_app_date_time_direction.csv", "--owner", "Kim")
    assert got == [
        ("2016-11-02T17:24:12", "Kim", "message", "are you coming?"),
        ("2016-11-02T17:36:23", "Jamie", "message", "yes, 10 min"),
        ("2016-11-02T17:40:00", "Kim", "message", "ok"),
    ]


def test_kakaotalk_date_in_the_first_brackets_is_not_a_speaker(cli):
    got = rows(cli, FIXTURES / "kakaotalk" / "quirks" / "dated_brackets.txt")
    assert [(time, speaker) for time, speaker, _, _ in got] == [
        ("2025-07-15T12:40:00", "민지"), ("2025-07-15T12:52:00", "준호"), ("2025-07-16T09:05:00", "민지"),
    ]


# --- Old phones' text backups ---------------------------------------------------------------


def test_nokia_suite_export_needs_a_number_and_reads_oldest_first(cli):
    path = FIXTURES / "phone_backups" / "nokia.csv"
    assert "2 numbers" in refused(cli, path)
    got = rows(cli, path, "--chat", "5550001", "--owner", "Kim")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("+4915550001", "home at 8?\nI'm cooking"),
        ("+4915550001", "you said you'd call"),
        ("Kim", "sorry, still at work"),
        ("Kim", "the meeting ran late"),
    ]  # the draft is left out


def test_vmessage_backup_decodes_quoted_printable_and_leaves_drafts_out(cli, tmp_path):
    path = FIXTURES / "phone_backups" / "texts.vmsg"
    got = rows(cli, path)
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("+3165550101", "leaving work now"),
        ("+3165550101", "where are you? dinner is getting cold, café closes at 9"),
        ("Me", "on my way 😊"),
    ]
    bare_cr = tmp_path / "backup.vmsg"  # some phones end lines with a bare carriage return
    bare_cr.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    assert rows(cli, bare_cr) == got


# --- WhatsApp in more languages ----------------------------------------------------------------


def test_whatsapp_polish_placeholders_deleted_messages_and_attachments(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_pl.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), ("Ola", "message"), ("Ola", "media"), ("Bartek", "system"), ("Bartek", "media"),
        ("Bartek", "message"),
    ]


def test_whatsapp_turkish_ios_placeholders_and_silenced_calls(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_tr.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), ("Deniz", "message"), ("Emre", "media"), ("Emre", "media"), ("Emre", "system"),
        ("Emre", "message"),
    ]


def test_whatsapp_indonesian_attachments_and_deleted_messages(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_id.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), ("Rina", "message"), ("Rina", "media"), ("Budi", "system"), ("Budi", "message"),
    ]
    assert got[1][0] == "2024-03-14T21:03:00"


# --- VK ---------------------------------------------------------------------------------------


def test_vk_archive_pages_in_windows_1251_read_oldest_first_with_the_owner_named(cli):
    folder = FIXTURES / "vk" / "archive"
    got = rows(cli, folder, "--owner", "Ana")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        ("Лиза Ким", "message"), ("Ana", "message"), ("Лиза Ким", "message"), ("Лиза Ким", "media"), ("Ana", "message"),
    ]
    assert got[1][0] == "2021-07-14T18:30:44"  # "(ред.)", the edit note, is not part of the time
    assert got[2][3] == "ты опять не ответила Ане про субботу"  # "[id1|Ане]" is how VK writes a mention
    assert got[4][3] == "прости, я правда не заметила\nдавай завтра поговорим"
    assert rows(cli, folder / "messages50.html", "--owner", "Ana") == got  # one page brings its siblings


def test_vkopt_export(cli):
    got = rows(cli, FIXTURES / "vk" / "vkopt.html")
    assert got == [
        ("2019-03-01T20:00:00", "Mira", "message", "are you still angry?\nplease say something"),
        ("2019-03-01T20:07:30", "Tom", "message", "😔 a bit. give me an hour"),
        ("2019-03-01T20:10:00", "Tom", "media", "[photo1_2] (640x480)"),
    ]


def test_whatsapp_old_ios_twelve_hour_lines_with_a_colon_after_the_meridiem(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "old_ios_colon_12h.txt")
    assert got == [
        ("2016-03-14T21:05:10", "Lena", "message", "did you get my message?"),
        ("2016-03-14T21:31:44", "Sam", "message", "yes, sorry: the train was late"),
        ("2016-03-15T07:02:03", "Lena", "message", "ok"),
    ]


def test_json_dump_prefers_display_names_and_names_the_owner(cli):
    got = rows(cli, FIXTURES / "json_messages" / "from_me.json", "--owner", "Robin")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("Jules", "are we still on for tonight?"),  # "sender_name", not the number in "sender"
        ("Robin", "yes, 8pm"),  # "is_from_me": the phone's owner
    ]


# --- Plain-text transcripts ---------------------------------------------------------------------


def test_transcript_with_the_time_in_brackets_after_the_name(cli):
    got = cli.parse(str(FIXTURES / "transcripts" / "quirks" / "rev_stamps.txt"))
    assert [(t["speaker"], t["text"], t["offset"]) for t in got] == [
        ("Dana", "You said you'd be home by six.", 3.0),  # "Dana (00:00:03):" with the words below
        ("Lee", "I know. The train stopped twice.", 7.0),
        ("Dana", "And you couldn't text?", 62.0),  # the words on the same line
        ("Lee", "My phone was dead.", 65.0),  # a range of times
    ]


def test_markdown_transcript_with_bold_names(cli):
    got = rows(cli, FIXTURES / "transcripts" / "quirks" / "markdown_bold.md")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        (None, "system", "# Tuesday evening"),
        ("Dana", "message", "You said you'd be home by six."),
        ("Lee", "message", "I know, I'm sorry."),
        ("Dana", "message", "It's fine. Next time call."),
    ]


def test_a_stamped_line_after_plain_ones_is_a_new_turn_not_part_of_the_last(cli, tmp_path):
    path = tmp_path / "meeting.txt"
    path.write_text(
        "Speaker 1: Goedemorgen allemaal.\nSpeaker 2: Zullen we beginnen?\ndat lijkt me goed\n"
        "Speaker 1 (00:01:10): Ja, het eerste punt is de planning.\n",
        encoding="utf-8",
    )
    got = rows(cli, path)
    assert [speaker for _, speaker, _, _ in got] == ["Speaker 1", "Speaker 2", "Speaker 1"]
    assert got[1][3] == "Zullen we beginnen?\ndat lijkt me goed"


def test_whatsapp_dotted_times_with_a_colon_after_the_seconds(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "dotted_time_colon_after.txt")
    assert got == [
        ("2018-06-13T21:25:15", "Ana", "message", "where are you"),
        ("2018-06-13T21:26:02", "Bo", "message", "on my way"),
    ]


def test_whatsapp_spaced_dotted_dates_without_a_separator_need_a_name_after_the_time(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "dotted_spaced_no_separator.txt")
    assert got == [
        ("2018-06-13T21:25:15", "Ana", "message", "idemo?\n14. 6. 2018. 09:02:11 the whole day"),
        ("2018-06-14T09:03:00", "Bo", "message", "ok then"),
    ]


def test_stamped_irc_style_logs_read_nicks_and_leave_client_notices_to_no_one(cli):
    got = rows(cli, FIXTURES / "wechat" / "irc_style.log")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        ("robin", "message", "are you still up?"),
        ("kai", "message", "yes. sorry, was on a call"),
        (None, "system", "-!- robin has quit (Quit: good night)"),
        ("kai", "message", "morning, can we talk later?"),  # WeeChat's tab-separated layout
    ]


def test_whatsapp_message_not_yet_decrypted_is_a_system_line_of_its_sender(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "waiting_for_message.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        ("Jo", "message"), ("Sam", "system"), ("Sam", "message"), ("Jo", "message"),
    ]


def test_whatsapp_web_export_with_untimed_notices_and_same_line_captions(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "web_export.txt")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        (None, "system", "Robin added Kai"),  # "[…] - Robin added Kai"
        ("Robin", "message", "can you call me when you're out?"),
        ("You", "message", "the queue at the pharmacy"),  # a caption: words to read
        ("You", "message", "Pharmacy closes at 10 tonight"),  # "[Forwarded] " is the app's note
        ("Robin", "media", "Poll: Dinner?\n    - Thai place\n    - Cook at home"),
        ("Robin", "media", "Location: 52.37, 4.89 - https://maps.google.com/?q=52.37,4.89"),
        ("Robin", "system", "This message was deleted by admin Robin"),
        ("You", "message", "ok, cook at home then"),
    ]
    assert got[0][0] == "2025-03-14T20:58:02"
