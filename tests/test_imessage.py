"""imessage-exporter text output: read receipts, tapbacks, attachments, replies, edits, events."""

from __future__ import annotations

import pytest

from cyclemap.ingest import detect


def rows(turns: list[dict]) -> list[tuple]:
    return [(t["id"], t["time"], t["speaker"], t["kind"], t["text"]) for t in turns]


def test_exporter_1x_output(fixtures, cli):
    turns = cli.parse(str(fixtures / "imessage" / "+15555550123.txt"))
    assert rows(turns) == [
        ("1", "2023-01-02T20:01:12", "+15555550123", "message", "home yet?"),
        ("2", "2023-01-02T20:03:40", "Me", "message", "on the bus"),  # read receipt and reactions left out
        ("3", "2023-01-02T20:04:02", "+15555550123", "message", "ok.\n\nI waited an hour though"),
        ("4", "2023-01-02T20:05:41", "Me", "media", "IMG_2041.HEIC"),
        ("5", "2023-01-02T22:12:00", "Me", "message", "sorry ❤️"),
    ]


def test_exporter_2x_output(fixtures, cli):
    turns = cli.parse(str(fixtures / "imessage" / "Alex.txt"), "--owner", "Sam")
    assert rows(turns) == [
        ("1", "2024-03-03T09:15:00", "Alex", "message", "are we still on for dinner?"),
        ("2", "2024-03-03T09:20:31", "Sam", "message", "yes, 7pm"),
        ("3", "2024-03-03T09:30:00", "Alex", "message", "running 10 min late"),  # the last edit
        ("4", "2024-03-03T09:40:00", None, "system", "Sam named the conversation Dinner plans"),
        ("5", "2024-03-03T09:41:00", "Alex", "message", "look at this place"),
        ("6", "2024-03-03T09:42:00", "Alex", "media", "Audio Message.caf"),
        ("7", "2024-03-03T09:50:00", None, "system", "Sam unsent a message"),
        ("8", "2024-03-03T10:05:00", None, "system", "Alex left the conversation."),
    ]
    # The reply's copy inside its parent's block links it to that parent.
    assert [t["reply_to"] for t in turns] == [None, "1", None, None, None, None, None, None]


def test_owner_defaults_to_me(fixtures, cli):
    turns = cli.parse(str(fixtures / "imessage" / "Alex.txt"))
    assert turns[1]["speaker"] == "Me"
    assert turns[3]["text"] == "You named the conversation Dinner plans"


def test_body_line_that_looks_like_a_date_stays_in_the_body(tmp_path, cli):
    path = tmp_path / "Alex.txt"
    path.write_text(
        "Jan 05, 2021 10:30:00 AM\nAlex\nremember\nJan 05, 2021 10:30:00 AM was great\n\n",
        encoding="utf-8",
    )
    assert [t["text"] for t in cli.parse(str(path))] == ["remember\nJan 05, 2021 10:30:00 AM was great"]


@pytest.mark.parametrize("name", ["+15555550123.txt", "Alex.txt"])
def test_detected_as_imessage(fixtures, name):
    assert detect(fixtures / "imessage" / name).name == "imessage"


def test_text_before_the_first_message_names_the_line(tmp_path, cli):
    path = tmp_path / "Alex.txt"
    path.write_text("Jan 05, 2021  9:30:00 AM\nAlex\nhi\n\nnot a message\n", encoding="utf-8")
    # Text after a blank line that starts no message belongs to the message before: no error.
    assert len(cli.parse(str(path))) == 1
    path.write_text("exported by hand\nJan 05, 2021  9:30:00 AM\nAlex\nhi\n", encoding="utf-8")
    result = cli("parse", "--format", "imessage", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: expected an imessage-exporter time line" in result.stderr
    assert "Traceback" not in result.stderr


def test_not_utf8_names_the_line(tmp_path, cli):
    path = tmp_path / "Alex.txt"
    path.write_bytes(b"Jan 05, 2021  9:30:00 AM\nAlex\ncaf\xe9\n")
    result = cli("parse", "--format", "imessage", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: not valid UTF-8" in result.stderr
