"""Telegram Desktop's result.json: one chat, the full export (--chat), old exports, bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cyclemap.ingest import detect

SINGLE = "telegram/single/result.json"
FULL = "telegram/full/result.json"
OLD = "telegram/old_2020/result.json"


def rows(turns: list[dict]) -> list[tuple]:
    return [(t["id"], t["time"], t["speaker"], t["kind"], t["text"]) for t in turns]


def test_single_chat_as_written(fixtures, cli):
    turns = cli.parse(str(fixtures / SINGLE))
    assert rows(turns) == [
        ("101", "2023-01-02T19:58:03", None, "system", "Sam called (missed)"),
        ("102", "2023-01-02T20:01:12", "Sam", "message", "home yet?"),
        # Entities (bold, link) flattened back to the text that was typed.
        (
            "103",
            "2023-01-02T20:03:40",
            "Alex",
            "message",
            "on the bus, 15 min — see https://maps.example.org/r/42",
        ),
        ("104", "2023-01-02T20:04:02", "Sam", "message", "ok.\nI waited an hour though"),
        ("105", "2023-01-02T20:05:30", "Alex", "message", "the traffic"),  # a photo with a caption
        ("106", "2023-01-02T20:05:41", "Alex", "media", "photo_2@02-01-2023_20-05-41.jpg"),
        ("107", "2023-01-02T20:06:15", "Sam", "media", "voice message"),  # file not included
        ("108", "2023-01-02T20:07:00", "Alex", "media", "🙏"),  # a sticker stands for its emoji
        ("109", "2023-01-02T20:09:45", "Sam", "message", "Don't forget the bins!"),  # direction mark removed
        ("111", "2023-01-02T20:12:00", None, "system", "Alex pinned a message"),
    ]
    assert turns[3]["reply_to"] == "103"
    assert all(t["reply_to"] is None for t in turns if t["id"] != "104")


def test_unsupported_messages_are_left_out_with_a_warning(fixtures, cli):
    result = cli("parse", str(fixtures / SINGLE))
    assert result.exit_code == 0
    assert "left out 1 message(s) Telegram exported as 'unsupported'" in result.stderr


def test_full_export_needs_a_chat_name(fixtures, cli):
    path = fixtures / FULL
    result = cli("parse", str(path))
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert f"{path}: this full Telegram export holds 4 chats:" in message
    assert "'Alex', 'Book club', 'Saved Messages', 'Old neighbours'" in message
    assert "--chat NAME" in message


def test_full_export_reads_the_named_chat(fixtures, cli):
    path = str(fixtures / FULL)
    assert [t["text"] for t in cli.parse(path, "--chat", "Alex")][:2] == ["Sam called (missed)", "home yet?"]
    group = cli.parse(path, "--chat", "book club")  # names match without regard to case
    assert rows(group) == [
        ("1", "2022-11-20T10:00:00", None, "system", "Sam created the group «Book club» with Alex, Jo"),
        ("2", "2022-11-20T10:00:05", None, "system", "Sam added Robin, Deleted Account"),
        ("3", "2022-11-20T10:01:00", "Jo", "message", "hi all"),
        # A deleted account has no name; its id keeps its turns apart from everyone else's.
        ("4", "2022-11-20T10:02:00", "user4444444444", "message", "who is this?"),
    ]
    assert [t["text"] for t in cli.parse(path, "--chat", "Old neighbours")] == ["moving out!"]  # a left chat
    assert [t["text"] for t in cli.parse(path, "--chat", "5555555555")][2] == "hi all"  # or by chat id


def test_full_export_unknown_chat_lists_the_names(fixtures, cli):
    path = fixtures / FULL
    result = cli("parse", "--chat", "Robin", str(path))
    assert result.exit_code == 1
    assert f"{path}: no chat called 'Robin' in this export; it holds 'Alex', 'Book club'" in result.stderr


def test_export_from_before_2021_without_unixtime(fixtures, cli):
    turns = cli.parse(str(fixtures / OLD))
    assert rows(turns) == [
        ("5", "2020-06-01T07:30:00", "Alex", "message", "morning ☀️"),
        ("6", "2020-06-01T07:45:10", "Sam", "message", "call me @alex when you can"),
        ("7", "2020-06-01T09:00:00", None, "system", "Sam called (312 s)"),
    ]
    assert turns[1]["reply_to"] == "5"


def test_export_folder_and_zip(fixtures, tmp_path, cli):
    import zipfile

    folder = fixtures / "telegram" / "single"
    assert detect(folder).name == "telegram"
    assert len(cli.parse(str(folder))) == 10
    archive = tmp_path / "Telegram Export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(fixtures / SINGLE, "ChatExport_2023-01-05/result.json")
    assert detect(archive).name == "telegram"
    assert [t["text"] for t in cli.parse(str(archive))][1] == "home yet?"


def test_peer_samples_give_chat_miners_messages(peers, cli):
    folder = peers / "chat-miner" / "telegram"
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    expected = sorted((m["timestamp"], m["author"], m["message"]) for m in target)
    for name, extra in (("test_single_export.json", ()), ("test_batch_export.json", ("--chat", "Chatname"))):
        turns = cli.parse(str(folder / name), *extra)
        # Only date_unixtime here, so times are UTC; chat-miner wrote them as naive UTC.
        got = [
            (
                datetime.fromisoformat(t["time"]).astimezone(UTC).replace(tzinfo=None).isoformat(),
                t["speaker"],
                t["text"],
            )
            for t in turns
        ]
        assert [(time, who) for time, who, _ in got] == [(time, who) for time, who, _ in expected]
        # Telegram joins entities with no separator (real exports carry the spaces as plain
        # parts; this sample leaves them out, and chat-miner adds one), so compare without spaces.
        assert ["".join(text.split()) for *_, text in got] == ["".join(text.split()) for *_, text in expected]


@pytest.mark.parametrize("path", [SINGLE, FULL, OLD])
def test_detected_as_telegram(fixtures, path):
    assert detect(fixtures / path).name == "telegram"


def test_peer_samples_detected_as_telegram(peers):
    for name in ("test_single_export.json", "test_batch_export.json"):
        assert detect(peers / "chat-miner" / "telegram" / name).name == "telegram"


def test_truncated_export_is_still_detected_and_refused(fixtures, tmp_path, cli):
    text = (fixtures / SINGLE).read_text(encoding="utf-8")
    path = tmp_path / "result.json"
    path.write_text(text[:2000], encoding="utf-8")
    result = cli("parse", str(path))  # auto: the head still looks like Telegram
    assert result.exit_code == 1
    assert f"{path}:" in result.stderr and "JSON ends early" in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[1, 2, 3]", "the top level is not a JSON object"),
        ('{"name": "x"}', "no 'messages' list and no 'chats' list"),
        ('{"name": "Alex", "messages": [1]}', "message 1 is not a JSON object"),
        ('{"about": "", "personal_information": {}, "chats": {"about": "", "list": []}}', "holds no chats"),
    ],
)
def test_json_of_the_wrong_shape(tmp_path, cli, content, expected):
    path = tmp_path / "result.json"
    path.write_text(content, encoding="utf-8")
    result = cli("parse", "--format", "telegram", str(path))
    assert result.exit_code == 1
    assert f"{path}: " in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_chat_without_messages_is_no_silent_empty_result(tmp_path, cli):
    path = tmp_path / "result.json"
    path.write_text('{"name": "Alex", "type": "personal_chat", "id": 1, "messages": []}', encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}: chat 'Alex' has no messages" in result.stderr
