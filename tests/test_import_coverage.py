"""Quirks found by reading other projects' real export samples (docs/import-coverage.md).

Each fixture here is our own: invented names and text in the structure of
an outside file that a reader got wrong. The outside files themselves stay
outside the repository (their licences are theirs).
"""

from __future__ import annotations

import pytest

from cyclemap.ingest import ReadOptions, read_turns
from cyclemap.ingest.registry import detect

from .conftest import FIXTURES
from .conftest import parsed_rows as rows

# --- WhatsApp: older iOS group events written under a name (whatsapp-chat-parser-go) ----


def test_older_ios_group_events_under_the_group_name_are_system_lines(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_group_title.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"),  # the encryption notice, under the group's name
        (None, "system"),  # "Priya: Priya created this group"
        (None, "system"),  # "Allotment Crew: Priya added you"
        ("Priya", "message"),
        ("Tomas", "message"),
        ("Priya", "message"),
        (None, "system"),  # "Allotment Crew: Tomas changed the subject to …"
        ("Tomas", "message"),  # a person's message that names an event stays a message
    ]
    assert got[2][3] == "Priya added you"
    speakers = {speaker for _, speaker, _, _ in got if speaker}
    assert "Allotment Crew" not in speakers  # the group is not a person in the chat


def test_older_ios_one_to_one_chat_keeps_the_other_persons_messages(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_one_to_one_title.txt")
    assert got[0][1:3] == (None, "system")
    assert [(speaker, kind) for _, speaker, kind, _ in got[1:]] == [
        ("Dana", "message"),
        ("Wren", "message"),
        ("Dana", "message"),  # "I left the keys …": the title is a person once they have spoken
        ("Wren", "message"),
    ]


# --- SMS Backup & Restore: a received MMS in a one-to-one thread (sms-backup-restore-parser) --


def test_received_mms_in_a_one_to_one_thread_is_from_the_other_person(cli):
    got = rows(cli, FIXTURES / "sms" / "quirks" / "mms_one_to_one.xml")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("Noor Haddad", "are you coming to dinner?"),
        ("Noor Haddad", "I saved you a plate"),  # its addr of type 137 is another number
        ("Me", "running late, sorry"),
    ]


# --- WebVTT: Microsoft Teams' unpadded timings (webvtt-py) ---------------------------------


def test_teams_vtt_with_unpadded_timings_reads_every_voice(cli):
    got = cli.parse(str(FIXTURES / "transcripts" / "quirks" / "teams_short_timings.vtt"))
    assert [(t["speaker"], t["offset"]) for t in got] == [
        ("Mara Lindqvist", 1.0),
        ("Joel Okafor", 3.1),
        ("Mara Lindqvist", 62.5),
    ]
    assert got[1]["text"] == "Now? I am in the middle of something."


# --- LINE chat history (a format other projects read and cyclemap did not) -----------------

LINE = FIXTURES / "line"


def test_line_export_is_detected_and_read_with_its_quirks(cli):
    assert detect(LINE / "line_en.txt").name == "line"
    assert rows(cli, LINE / "line_en.txt") == [
        ("2024-01-14T21:04:00", "Ren", "message", "you said you would call"),
        ("2024-01-14T21:09:00", "Haru", "message", 'I was driving\nI\'ll call now\n\nsay "sorry" for me'),
        ("2024-01-14T21:10:00", "Haru", "media", "[Sticker]"),
        ("2024-01-14T21:12:00", "Ren", "system", "☎ Missed call"),
        ("2024-01-14T21:15:00", None, "system", "Ren unsent a message."),
        # a date inside a message is text, not a new day
        ("2024-01-15T08:02:00", "Haru", "message", "morning\n2024/01/15 was a long day"),
    ]


def test_line_month_first_headings_are_told_by_their_weekday(cli):
    assert rows(cli, LINE / "line_us_12h.txt") == [
        ("2025-11-03T08:15:00", "Sol", "message", "can we talk tonight?"),  # Mon, 11/03/2025
        ("2025-11-03T20:20:00", "Ivo", "message", "maybe later"),
        ("2025-11-04T00:05:00", "Sol", "message", "still up?"),  # 12:05AM is just after midnight
    ]


def test_line_dayfirst_option_overrides_the_weekday(cli):
    got = rows(cli, LINE / "line_us_12h.txt", "--dayfirst")
    assert got[0][0] == "2025-03-11T08:15:00"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("line_ja.txt", [("2024-02-03T23:43:00", "陽菜", "media"), ("2024-02-03T23:47:00", "蓮", "message")]),
        ("line_zh.txt", [("2024-01-05T09:15:00", "小雨", "message"), ("2024-01-05T13:02:00", "阿杰", "media")]),
    ],
)
def test_line_exports_in_other_languages(cli, name, expected):
    assert [row[:3] for row in rows(cli, LINE / name)] == expected


def test_line_title_without_day_headings_is_a_one_line_error(cli, tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("[LINE] Chat history with Ren\nSaved on: 2024/01/15 10:30\n\nhello\n", encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code != 0
    assert "no LINE day heading" in result.stderr
    assert "Traceback" not in result.stderr


def test_line_reader_streams_turns_through_the_library(tmp_path):
    turns = list(read_turns(LINE / "line_en.txt", options=ReadOptions()))
    assert [t.id for t in turns] == ["1", "2", "3", "4", "5", "6"]
    assert all(t.time is not None for t in turns)


# --- Otter.ai-style transcripts: "Name  0:03" headings, the words below ---------------------


def test_otter_style_transcript_reads_names_offsets_and_wrapped_words(cli):
    got = cli.parse(str(FIXTURES / "transcripts" / "quirks" / "otter.txt"))
    assert [(t["speaker"], t["kind"], t["offset"]) for t in got] == [
        (None, "system", None),  # the title line above the first heading
        ("Mara Lindqvist", "message", 3.0),
        ("Joel Okafor", "message", 9.0),
        ("Mara Lindqvist", "message", 3731.0),  # 1:02:11
    ]
    assert got[2]["text"] == "I guess. I just need a minute first.\nIt has been a long week."


def test_an_ordinary_line_with_a_time_is_not_an_otter_heading():
    from cyclemap.ingest.formats.transcript import split_speaker

    assert split_speaker("Meeting at 10:30")[0] is None
    assert split_speaker("Sam: see you at 10:30") == ("Sam", "see you at 10:30", None)


# --- SMS: --chat with part of a contact's name ---------------------------------------------


def test_sms_chat_option_accepts_a_unique_part_of_a_name(cli, tmp_path):
    path = tmp_path / "sms.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="2">\n'
        '  <sms address="+15550101" date="1672689600000" type="1" body="hi" contact_name="Noor Haddad" />\n'
        '  <sms address="+15550202" date="1672689700000" type="1" body="yo" contact_name="Ivo Petrov" />\n'
        "</smses>\n",
        encoding="utf-8",
    )
    assert [t["speaker"] for t in cli.parse(str(path), "--chat", "noor")] == ["Noor Haddad"]
    result = cli("parse", str(path), "--chat", "o")  # in both names: not a choice
    assert result.exit_code != 0
    assert "no conversation with 'o'" in result.stderr


# --- Subtitles with nobody speaking: a clear error, not one nameless turn (webvtt-py) --------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("film.vtt", "WEBVTT\n\n00:00:00.500 --> 00:00:07.000\nThe tide came in\n\n00:00:07.000 --> 00:00:09.000\nand went out\n"),
        ("film.srt", "1\n00:00:00,500 --> 00:00:07,000\nThe tide came in\n\n2\n00:00:07,000 --> 00:00:09,000\nand went out\n"),
    ],
)
def test_captions_without_any_speaker_are_a_one_line_error(cli, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code != 0
    assert "captions without speaker names" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


# --- Google Chat from Takeout (a format other projects read and cyclemap did not) ----------


def test_google_chat_takeout_messages_are_read_with_aware_times(cli):
    path = FIXTURES / "google_chat" / "messages.json"
    assert detect(path).name == "google-chat"
    assert rows(cli, path) == [
        ("2024-03-01T21:58:02+00:00", "Ines Moreau", "message", "are you coming home for dinner?"),
        ("2024-03-01T23:40:19+00:00", "Theo Brandt", "message", "sorry, stuck at work\nI'll explain later"),
        ("2024-03-02T00:05:44+00:00", "Ines Moreau", "media", "plate.jpg"),  # 12:05 AM is after midnight
    ]


def test_google_chat_message_with_an_unreadable_date_names_it(cli, tmp_path):
    path = tmp_path / "messages.json"
    path.write_text(
        '{"messages": [{"creator": {"name": "Ines"}, "created_date": "sometime", "text": "hi"}]}',
        encoding="utf-8",
    )
    result = cli("parse", str(path))
    assert result.exit_code != 0
    assert "message 1: unreadable created_date 'sometime'" in result.stderr
    assert "Traceback" not in result.stderr


# --- WhatsApp: the "<This message was edited>" note (seen in other projects' samples) ----------


def test_whatsapp_edited_note_is_taken_off_the_end_of_the_text(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "edited_marker.txt")
    assert [text for _, _, _, text in got] == [
        "you said you would call",
        "I was driving\nI'll call now",
        "what does <This message was edited> even mean",  # inside a message it is the writer's words
    ]


# --- WhatsApp: Czech and Russian words, Czech dates without a comma ---------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "android_cs.txt",  # "23.03.22 13:31 - ": no comma, two-digit year
            [(None, "system"), ("Petr", "media"), ("Jana", "media"), ("Jana", "message")],
        ),
        (
            "android_ru.txt",
            [(None, "system"), ("Пётр", "media"), ("Анна", "media"), ("Анна", "system"), ("Анна", "message")],
        ),
    ],
)
def test_whatsapp_czech_and_russian_placeholders_and_notices(cli, name, expected):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / name)
    assert [(speaker, kind) for _, speaker, kind, _ in got] == expected
    assert got[1][0] == "2022-03-23T13:32:00"


# --- Telegram Desktop's HTML export (its default; other projects read it, cyclemap did not) --

TELEGRAM_HTML = FIXTURES / "telegram_html" / "ChatExport_2024-05-02"
TELEGRAM_HTML_TURNS = [
    ("101", "2024-05-01T21:04:11+02:00", "Nadia Bell", "message", "you said you would call\ntwice & then nothing"),
    ("102", "2024-05-01T21:05:40+02:00", "Nadia Bell", "message", "are you ok? example.org"),  # joined: same sender
    ("103", "2024-05-01T22:30:02+02:00", "Omar Kaya", "message", "sorry, I fell asleep"),
    ("104", "2024-05-01T22:30:30+02:00", "Omar Kaya", "media", "Voice message"),
    # a service message has no time in the HTML: the one before it stands in
    ("105", "2024-05-01T22:30:30+02:00", None, "system", 'Nadia Bell pinned "sorry, I fell asleep"'),
    ("106", "2024-05-02T08:12:00+02:00", "Nadia Bell", "message", "Picnic on Saturday?"),  # forwarded
    ("107", "2024-05-02T08:12:30+02:00", "Nadia Bell", "media", "photo"),
]


@pytest.mark.parametrize("path", [TELEGRAM_HTML, TELEGRAM_HTML / "messages.html"], ids=["folder", "first page"])
def test_telegram_html_export_reads_every_page_in_order(cli, path):
    assert detect(path).name == "telegram-html"
    got = cli.parse(str(path))
    assert [(t["id"], t["time"], t["speaker"], t["kind"], t["text"]) for t in got] == TELEGRAM_HTML_TURNS
    assert got[2]["reply_to"] == "101"  # "In reply to this message" is a link, not text


def test_telegram_html_later_page_reads_alone(cli):
    got = cli.parse(str(TELEGRAM_HTML / "messages2.html"))
    assert [t["id"] for t in got] == ["105", "106", "107"]


def test_telegram_html_folder_with_two_chats_is_a_one_line_error(cli, tmp_path):
    for name in ("ChatExport_a", "ChatExport_b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "messages.html").write_bytes((TELEGRAM_HTML / "messages.html").read_bytes())
    result = cli("parse", str(tmp_path))
    assert result.exit_code != 0
    assert "holds 2 Telegram chats" in result.stderr
    assert "Traceback" not in result.stderr
