"""Second survey of other projects' export samples (docs/import-coverage.md, second table).

Formats no reader knew before: KakaoTalk (computer and phone layouts, Korean
and English), Google Hangouts' Hangouts.json, DiscordChatExporter's plain
text. Each fixture is our own (invented names and text, the structure of
the outside samples); the outside files stay outside the repository.
"""

from __future__ import annotations

import pytest

from .conftest import FIXTURES
from .conftest import parsed_rows as rows

# --- KakaoTalk -------------------------------------------------------------------------


def test_kakaotalk_computer_layout_in_korean_reads_speakers_days_and_12h_times(cli):
    got = rows(cli, FIXTURES / "kakaotalk" / "pc_ko.txt")
    assert [(time, speaker, kind) for time, speaker, kind, _ in got] == [
        ("2024-03-10T21:04:00", "민지", "message"),
        ("2024-03-10T21:31:00", "준호", "message"),
        ("2024-03-10T21:32:00", "민지", "media"),  # 사진: a photo
        ("2024-03-10T21:33:00", "민지", "system"),  # a deleted message keeps who deleted it
        ("2024-03-11T00:05:00", "준호", "message"),  # 오전 12:05 is just after midnight
        ("2024-03-11T00:05:00", None, "system"),  # someone joined
        ("2024-03-11T07:40:00", "민지", "message"),
    ]
    assert got[1][3] == "미안 회의가 길어졌어\n지금 끝났어\n내일 얘기하자"


def test_kakaotalk_computer_layout_in_english(cli):
    got = rows(cli, FIXTURES / "kakaotalk" / "pc_en.txt")
    assert [speaker for _, speaker, _, _ in got] == ["Robin", "Kai", "Robin", "Kai", "Robin"]
    assert got[1][3] == "sorry, the meeting ran late\nI'm out now"
    assert got[2][2] == "media"
    assert got[3][0] == "2024-03-11T00:05:00"


@pytest.mark.parametrize("name", ["phone_ko.txt", "phone_en.txt"])
def test_kakaotalk_phone_layout_dates_every_line_and_marks_notices(cli, name):
    got = rows(cli, FIXTURES / "kakaotalk" / name)
    assert got[0][1:3] == (None, "system")  # "…: Robin invited Kai." has no "name :"
    assert [speaker for _, speaker, kind, _ in got if kind != "system"][:2] == [got[1][1], got[2][1]]
    assert got[2][0].endswith("T21:31:00") and "\n" in got[2][3]  # the second line joins its message
    assert got[3][0].startswith("2024-03-11T00:05")


def test_kakaotalk_text_containing_the_name_separator_stays_whole(cli):
    got = rows(cli, FIXTURES / "kakaotalk" / "phone_ko.txt")
    assert got[-1][1:] == ("민지", "message", "응 잤어 : 푹")


def test_kakaotalk_without_any_message_is_refused_on_one_line(cli, tmp_path):
    path = tmp_path / "KakaoTalk_empty.txt"
    path.write_text("민지 님과 카카오톡 대화\n저장한 날짜 : 2024-03-11 22:14:03\n\n", encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code != 0
    assert "no KakaoTalk message" in result.stderr and "Traceback" not in result.stderr


# --- Google Hangouts ---------------------------------------------------------------------


def test_hangouts_reads_one_chat_in_time_order_with_calls_and_photos(cli):
    got = rows(cli, FIXTURES / "hangouts" / "Hangouts.json")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        ("Robin", "message", "you said you would call"),  # Takeout lists events unsorted
        ("Kai", "message", "sorry, the meeting ran late\nI'm out now"),
        ("Robin", "media", "photo"),
        ("Kai", "system", "started a call"),
        ("Robin", "message", "ok, talk tomorrow"),
    ]
    assert got[0][0] == "2014-10-22T17:46:40+00:00"


def test_hangouts_with_several_chats_names_them_and_chat_picks_one(cli):
    path = FIXTURES / "hangouts" / "Hangouts_2014.json"
    result = cli("parse", str(path))
    assert result.exit_code != 0
    assert "2 chats" in result.stderr and "Weekend plans" in result.stderr and "Kai & Robin" in result.stderr
    got = rows(cli, path, "--chat", "weekend")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [("Kai", "message"), (None, "system")]
    assert [speaker for _, speaker, _, _ in rows(cli, path, "--chat", "robin")] == ["Robin", "Kai"]


# --- DiscordChatExporter plain text ------------------------------------------------------


def test_discord_plain_text_reads_messages_and_attachments(cli):
    got = rows(cli, FIXTURES / "discord" / "dce_plain.txt")
    assert got == [
        ("2024-01-15T21:04:00", "robin", "message", "you said you would call"),
        ("2024-01-15T21:09:00", "kai", "message", "sorry, the meeting ran late\nI'm out now"),
        ("2024-01-15T21:10:00", "kai", "media", "photo.png"),  # reactions are not words
    ]


def test_discord_plain_text_day_first_dates_and_call_notices(cli):
    got = rows(cli, FIXTURES / "discord" / "dce_plain_dayfirst.txt")
    assert [(time, kind) for time, _, kind, _ in got] == [
        ("2024-01-15T21:04:00", "message"),
        ("2024-01-15T21:05:00", "system"),
        ("2024-01-15T21:09:00", "media"),
    ]
    assert got[1][1] == "robin"  # who started the call is kept


# --- WhatsApp in Arabic, Persian and Thai --------------------------------------------------


def test_whatsapp_arabic_android_digits_marks_and_comma(cli):
    """Arabic-Indic digits, a right-to-left mark before each '/', '،' and ص/م (as chat-export's test shows)."""
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_ar.txt")
    assert [(time, speaker, kind) for time, speaker, kind, _ in got] == [
        ("2022-04-24T14:07:00", "سارة", "message"),
        ("2022-04-24T14:08:00", "عمر", "message"),
        ("2022-04-25T09:00:00", "سارة", "media"),
    ]
    assert got[1][3] == "كنت في اجتماع\nسأتصل الآن"


def test_whatsapp_persian_digits_year_first_and_media_placeholder(cli):
    """The shape of a real Persian export quoted in rwhatsapp issue 28."""
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "android_fa.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), ("نگار", "message"), ("آرش", "media"), ("آرش", "message"),
    ]
    assert got[-1][0] == "2021-05-31T09:05:00"


def test_whatsapp_thai_buddhist_years_become_common_era(cli):
    got = rows(cli, FIXTURES / "whatsapp" / "quirks" / "ios_th_buddhist.txt")
    assert [time for time, _, _, _ in got] == [
        "2024-03-12T21:04:05", "2024-03-12T21:07:10", "2024-03-13T08:00:00",
    ]


# --- Slack --------------------------------------------------------------------------------


def test_slack_export_folder_needs_a_channel_and_names_them(cli):
    result = cli("parse", str(FIXTURES / "slack" / "export"))
    assert result.exit_code != 0
    assert "2 conversations" in result.stderr and "general" in result.stderr and "weekend" in result.stderr


def test_slack_channel_reads_people_by_name_in_time_order(cli):
    got = rows(cli, FIXTURES / "slack" / "export", "--chat", "general")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        (None, "system", "@Kai Moreno has joined the channel"),
        ("Robin", "message", "you said you would call <3"),  # display name; entities decoded
        ("Kai Moreno", "message", "sorry @Robin, the meeting ran late\nI'm out now"),  # no display name: real name
        ("Robin", "media", "IMG_2041.jpg"),
        ("Robin", "message", "see the menu?"),  # the next day's file, link label kept
    ]
    assert got[1][0] == "2024-01-15T19:04:00.000200+00:00"


def test_slack_zipped_export_and_a_lone_day_file(cli, tmp_path):
    import zipfile

    archive = tmp_path / "Team Slack export Jan 15 2024.zip"
    root = FIXTURES / "slack" / "export"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(root.rglob("*.json")):
            handle.write(path, path.relative_to(root).as_posix())
    assert [t[3] for t in rows(cli, archive, "--chat", "week")] == ["who's bringing food?"]
    lone = rows(cli, root / "general" / "2024-01-15.json")
    assert [speaker for _, speaker, _, _ in lone] == [None, "Robin", "Kai Moreno", "Robin"]  # from user_profile
