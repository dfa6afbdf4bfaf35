"""SMS Backup & Restore XML: sent and received SMS, MMS, emoji pairs, local offsets, --chat."""

from __future__ import annotations

import pytest

from cyclemap.ingest import detect
from cyclemap.ingest.formats.sms import join_surrogates

ALEX = "sms/sms-alex.xml"
PHONE = "sms/sms-phone.xml"


def rows(turns: list[dict]) -> list[tuple]:
    return [(t["id"], t["time"], t["speaker"], t["kind"], t["text"]) for t in turns]


def test_one_conversation(fixtures, cli):
    turns = cli.parse(str(fixtures / ALEX), "--owner", "Sam")
    # The phone's clock (readable_date) shows its offset from the UTC stamp: -05:00.
    assert rows(turns) == [
        ("1", "2023-01-02T20:01:12-05:00", "Alex", "message", "home yet?"),
        (
            "2",
            "2023-01-02T20:03:40.345000-05:00",
            "Sam",
            "message",
            "on the bus 😊",
        ),  # a surrogate pair joined
        ("3", "2023-01-02T20:04:02-05:00", "Alex", "message", "ok.\nI waited an hour though"),
        # the draft is left out
        ("4", "2023-01-02T20:05:41-05:00", "Alex", "media", "IMG_2041.jpg"),  # MMS with a photo only
        ("5", "2023-01-02T20:06:00-05:00", "Sam", "message", "sorry & see you soon"),  # MMS text part
    ]


def test_owner_defaults_to_me(fixtures, cli):
    assert cli.parse(str(fixtures / ALEX))[1]["speaker"] == "Me"


def test_whole_phone_needs_a_chat(fixtures, cli):
    path = fixtures / PHONE
    result = cli("parse", str(path))
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert f"{path}: this backup holds 4 conversations: 'Alex', 'Mum', '227898', 'Alex, Jo'" in message
    assert "--chat" in message


def test_chat_by_name_or_number(fixtures, cli):
    path = str(fixtures / PHONE)
    mum = [("Mum", "call your mother"), ("Me", "will do")]
    assert [(t["speaker"], t["text"]) for t in cli.parse(path, "--chat", "mum")] == mum
    # "(555) 555-0777" and "+15555550777" are one conversation.
    assert [(t["speaker"], t["text"]) for t in cli.parse(path, "--chat", "+1 555 555 0777")] == mum


def test_group_mms_names_each_sender(fixtures, cli):
    turns = cli.parse(str(fixtures / PHONE), "--chat", "Alex, Jo", "--owner", "Sam")
    assert rows(turns) == [
        ("1", "2023-01-03T12:00:00-05:00", "Jo", "message", "lunch, you two?"),
        ("2", "2023-01-03T12:01:00-05:00", "Sam", "message", "yes!"),
    ]


def test_unknown_chat_lists_the_conversations(fixtures, cli):
    path = fixtures / PHONE
    result = cli("parse", "--chat", "Robin", str(path))
    assert result.exit_code == 1
    assert f"{path}: no conversation with 'Robin' in this backup; it holds 'Alex', 'Mum'" in result.stderr


def test_time_in_utc_when_the_readable_date_is_not_understood(tmp_path, cli):
    path = tmp_path / "sms.xml"
    path.write_text(
        '<smses count="1"><sms address="+15555550123" date="1672707672000" type="1" body="hi"'
        ' readable_date="2 janv. 2023 20:01:12" contact_name="Alex" /></smses>',
        encoding="utf-8",
    )
    assert cli.parse(str(path))[0]["time"] == "2023-01-03T01:01:12+00:00"


def test_join_surrogates():
    assert join_surrogates(b"a &#55357;&#56842; b") == b"a &#128522; b"
    assert join_surrogates(b"&#xD83D;&#xDE0A;") == b"&#128522;"
    assert join_surrogates(b"lone &#55357; and &#56842;") == b"lone &#65533; and &#65533;"
    assert join_surrogates(b"&#55357;&#55357;&#56842;") == b"&#65533;&#128522;"
    assert join_surrogates(b"plain &amp; &#233;") == b"plain &amp; &#233;"


def test_detected_as_sms(fixtures):
    assert detect(fixtures / ALEX).name == "sms"
    assert detect(fixtures / PHONE).name == "sms"


def test_xml_cut_in_half_names_file_and_line(fixtures, tmp_path, cli):
    data = (fixtures / ALEX).read_bytes()
    path = tmp_path / "sms.xml"
    path.write_bytes(data[: len(data) // 2])
    result = cli("parse", str(path))
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    last_line = data[: len(data) // 2].count(b"\n") + 1
    assert f"{path}:{last_line}: XML ends early" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '<calls count="1"><call number="+1" duration="3" date="1" type="1" /></calls>',
            "an XML file of <calls>",
        ),
        ('<smses count="1">\n<sms body="a < b" /></smses>', ":2: invalid XML: not well-formed"),
        ('<smses count="0"></smses>', "no text messages in this backup"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE smses [<!ENTITY a "aaaa">]>\n<smses>&a;</smses>',
            "declares entities",
        ),
    ],
)
def test_xml_of_the_wrong_shape(tmp_path, cli, content, expected):
    path = tmp_path / "sms.xml"
    path.write_text(content, encoding="utf-8")
    result = cli("parse", "--format", "sms", str(path))
    assert result.exit_code == 1
    assert str(path) in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("size", [5, 7, 11, 13, 64])
def test_chunk_boundaries_do_not_tear_characters(fixtures, cli, monkeypatch, size):
    from cyclemap.ingest.formats import sms

    expected = cli.parse(str(fixtures / ALEX))
    monkeypatch.setattr(sms, "CHUNK_BYTES", size)
    assert cli.parse(str(fixtures / ALEX)) == expected
