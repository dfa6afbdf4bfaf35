"""Fifth survey of other projects' export samples (docs/import-coverage.md, "Fifth survey").

Each fixture is our own (invented names and text, the structure of the
outside sample that showed the quirk); the outside files stay outside the
repository.
"""

from __future__ import annotations

from .conftest import FIXTURES
from .conftest import parsed_rows as rows

# --- WhatsApp -------------------------------------------------------------------------


def test_whatsapp_ios_attachment_names_settle_an_ambiguous_date_order(cli):
    # Every date fits both orders; "00000001-AUDIO-2024-01-02-…" says 2 January.
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_attachment_dates.txt")
    assert {time[:10] for time, *_ in got} == {"2024-01-02"}
    assert [kind for _, _, kind, _ in got] == ["message", "media", "message", "media", "message"]


def test_whatsapp_android_attachment_names_settle_an_ambiguous_date_order(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_attachment_dates.txt")
    assert {time[:10] for time, *_ in got} == {"2024-03-05"}


def test_whatsapp_attachment_date_does_not_override_the_order_asked_for(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_attachment_dates.txt", "--dayfirst")
    assert {time[:10] for time, *_ in got} == {"2024-05-03"}


# --- Telegram -------------------------------------------------------------------------


def test_telegram_media_type_without_a_file_is_media(cli):
    # Some tools write Telegram's messages without the "file" key: the media type alone says it.
    got = rows(cli, FIXTURES / "telegram" / "quirks" / "media_type_without_file.json")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        ("Robin", "message", "you said you'd call back"),
        ("Kai", "media", "voice message"),
        ("Kai", "media", "video message"),
        ("Robin", "message", "again?"),  # a caption stays words to classify
        ("Robin", "message", "I'm going to sleep"),
    ]


def test_whatsapp_ios_is_a_contact_notice_and_shared_location(cli):
    # iOS marks "X is a contact." and a shared place with a left-to-right mark.
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_contact_and_location.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"),
        (None, "system"),
        ("Robin", "message"),
        ("Kai", "media"),
        ("Kai", "message"),
        ("Robin", "message"),  # the same words typed by a person stay a message
    ]


# --- Transcripts ----------------------------------------------------------------------


def test_zoom_saved_meeting_chat_names_the_sender_not_from_or_to(cli):
    got = cli.parse(str(FIXTURES / "transcripts" / "quirks" / "zoom_saved_chat.txt"))
    assert [(t["speaker"], t["text"]) for t in got] == [
        ("Robin Hale", "are you joining tonight or not?"),
        ("Kai Moreno", "sorry, running late again"),
        ("Robin Hale", "you always say that\nit would be nice to know in advance"),
    ]
    assert [t["offset"] for t in got] == [68531.0, 68980.0, 69002.0]


def test_zoom_older_one_line_chat(cli):
    got = cli.parse(str(FIXTURES / "transcripts" / "quirks" / "zoom_saved_chat_old.txt"))
    assert [(t["speaker"], t["text"]) for t in got] == [
        ("Robin Hale", "are you joining tonight or not?"),
        ("Kai Moreno", "sorry: running late again"),
    ]


def test_whatsapp_russian_subject_with_a_colon_and_deleted_message(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_ru_subject.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"),
        (None, "system"),  # "Лена создала группу «Мы: план на выходные»" is no speaker "Лена создала группу «Мы"
        (None, "system"),
        ("Лена", "message"),
        ("Лена", "message"),
        ("Дима", "system"),  # "Вы удалили это сообщение": who deleted still matters
        ("Дима", "message"),
    ]


def test_whatsapp_russian_ios_calls_and_omitted_image(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_ru_calls_media.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        ("Лена", "message"),
        ("Лена", "system"),
        ("Дима", "media"),
        ("Дима", "system"),
        ("Лена", "message"),  # the word typed by a person stays a message
    ]


def test_whatsapp_ios_call_lasting_hours_and_minutes_is_a_system_line(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_call_hours.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        ("Robin", "message"), ("Kai", "system"), ("Robin", "message"),
    ]


# --- Encodings ------------------------------------------------------------------------


def test_a_utf16_file_is_named_as_such_with_how_to_convert_it(cli):
    # Windows Notepad's "Unicode" (UTF-16 with a byte-order mark) re-saves a chat this way.
    path = FIXTURES / "whatsapp" / "quirks" / "android_utf16.txt"
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    result = cli("parse", str(path))
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and str(path) in message
    assert "UTF-16 text file" in message and "save the file again as UTF-8" in message


def test_whisperx_bracketed_speakers_in_subtitles(cli):
    got = cli.parse(str(FIXTURES / "transcripts" / "quirks" / "whisperx_speakers.srt"))
    assert [(t["speaker"], t["text"], t["offset"]) for t in got] == [
        ("SPEAKER_00", "you said you would be home by seven", 1.2),
        ("SPEAKER_01", "I know. I lost track of time.", 4.1),
        ("SPEAKER_00", "[Music]: that is not an answer", 7.0),
    ]


def test_whisperx_bracketed_speakers_in_plain_text(cli):
    got = cli.parse(str(FIXTURES / "transcripts" / "quirks" / "whisperx_speakers.txt"))
    assert [t["speaker"] for t in got] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"]
    assert got[1]["text"] == "I know. I lost track of time."


# --- LINE -----------------------------------------------------------------------------


def test_line_export_without_tabs_or_title(cli):
    # "19:02 Robin Hale 今日は…": a name of two words, told apart by how every line of Robin's starts.
    got = rows(cli, FIXTURES / "line" / "quirks" / "spaced_no_title.txt")
    assert got == [
        ("2026-02-14T19:02:00", "Robin Hale", "message", "今日は何時に帰る？"),
        ("2026-02-14T19:40:00", "Robin Hale", "message", "返事してね"),
        ("2026-02-14T21:15:00", "Kai", "message", "まだ会社"),
        ("2026-02-14T21:15:00", "Kai", "media", "スタンプ"),
        ("2026-02-14T21:16:00", "Robin Hale", "message", "わかった\nでも連絡はほしかった"),
        ("2026-02-15T08:03:00", "Kai", "message", "ごめん"),
        ("2026-02-15T08:04:00", None, "system", "Kaiがグループに参加しました"),
    ]
