"""Signal Desktop chats from sigtop (JSON) and signal-export (chat.md, data.json, old index.md)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from cyclemap.ingest import detect

SIGTOP = "signal/sigtop/Alex (+15555550123).json"
EXPORT = "signal/signal-export/Alex"


def rows(turns: list[dict]) -> list[tuple]:
    return [(t["time"], t["speaker"], t["kind"], t["text"]) for t in turns]


def test_sigtop_json(fixtures, cli):
    turns = cli.parse(str(fixtures / SIGTOP), "--owner", "Sam")
    assert rows(turns) == [
        ("2023-03-04T18:00:00.001000+00:00", "+15555550123", "message", "are you still at work?"),
        ("2023-03-04T18:40:00.002000+00:00", "Sam", "message", "yes, sorry\nbig deadline"),
        ("2023-03-04T18:42:00.003000+00:00", "+15555550123", "message", "you always say that"),
        ("2023-03-04T18:43:00.004000+00:00", "Sam", "media", "desk.jpg"),
        ("2023-03-04T18:44:00.005000+00:00", "+15555550123", "media", "🙄"),  # a sticker
        ("2023-03-04T19:00:00+00:00", None, "system", "call"),
        ("2023-03-05T08:00:00+00:00", None, "system", "safety number changed"),
        # Newer Signal keeps only the sender's service id, no phone number.
        ("2023-03-05T08:01:00.008000+00:00", "10fd0d18-115c-427d-9616-ded1d31cfc6c", "message", "morning"),
        ("2023-03-05T08:02:00.009000+00:00", None, "system", "Sam deleted a message"),
    ]
    assert turns[0]["id"] == "83daabbc-e7d8-45ef-ae53-3e4a83003e1b"
    # The quote names the quoted message by its sent_at; the reply points at that message's id.
    assert turns[2]["reply_to"] == turns[1]["id"] == "1d58b5da-058e-40e2-86c5-201d050f9a5b"


def test_sigtop_owner_defaults_to_me(fixtures, cli):
    assert cli.parse(str(fixtures / SIGTOP))[1]["speaker"] == "Me"


EXPORTED = [
    ("2023-03-04T19:00:00", "Alex", "message", "are you still at work?"),
    ("2023-03-04T19:40:00", "Sam", "message", "yes, sorry\nbig deadline"),  # reaction line dropped
    ("2023-03-04T19:42:00", "Alex", "message", "you always say that"),  # quoted text dropped
    ("2023-03-04T19:43:00", "Sam", "media", "desk.jpg"),
    ("2023-03-04T19:44:00", "Alex", "media", "🙄"),
]


def test_signal_export_markdown(fixtures, cli):
    turns = cli.parse(str(fixtures / EXPORT / "chat.md"), "--owner", "Sam")
    assert rows(turns) == [
        *EXPORTED,
        ("2023-03-04T19:45:10", "Alex", "message", "look: [this](https://example.org) and"),
        ("2023-03-04T20:00:00", None, "system", "Sam: Outgoing voice call (accepted, 4m 2s)"),
        ("2023-03-05T09:02:00", None, "system", "Sam deleted a message"),
    ]


def test_signal_export_json_lines(fixtures, cli):
    turns = cli.parse(str(fixtures / EXPORT / "data.json"), "--owner", "Sam")
    assert rows(turns) == [*EXPORTED, ("2023-03-05T09:02:00", None, "system", "Sam deleted a message")]


def test_signal_export_chat_folder_prefers_data_json(fixtures, cli):
    assert cli.parse(str(fixtures / EXPORT), "--owner", "Sam") == cli.parse(
        str(fixtures / EXPORT / "data.json"), "--owner", "Sam"
    )


def test_signal_export_2021_index_md(fixtures, cli):
    turns = cli.parse(str(fixtures / "signal" / "signal-export-2021" / "Alex" / "index.md"))
    assert rows(turns) == [
        ("2021-05-01T09:15:00", "Alex", "message", "coffee?"),
        ("2021-05-01T09:20:00", "Me", "message", "can't, running late"),
        ("2021-05-01T09:21:00", "Me", "media", "IMG_0042.jpg"),
        ("2021-05-01T09:30:00", "Alex", "message", "ok\nlater then"),
    ]


def test_peer_sample_gives_chat_miners_messages(peers, cli):
    # chat-miner's sample is signal-export's markdown from before 2.0: "[2019-12-24, 12:23] Name: text".
    folder = peers / "chat-miner" / "signal"
    assert detect(folder / "test_export.txt").name == "signal-export"
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    expected = sorted((m["timestamp"], m["author"], m["message"]) for m in target)
    turns = cli.parse(str(folder / "test_export.txt"))
    got = [
        (datetime.fromisoformat(t["time"]).isoformat(), t["speaker"], " ".join(t["text"].split()))
        for t in turns
    ]
    assert got == expected
    assert turns[1]["text"] == "Hello\nJane!"  # the line break kept


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (SIGTOP, "signal-sigtop"),
        (EXPORT, "signal-export"),
        (EXPORT + "/chat.md", "signal-export"),
        (EXPORT + "/data.json", "signal-export"),
        ("signal/signal-export-2021/Alex/index.md", "signal-export"),
        ("signal/signal-export-2021/Alex", "signal-export"),
    ],
)
def test_detected(fixtures, path, name):
    assert detect(fixtures / path).name == name


def test_markdown_detected_without_its_file_name(fixtures, tmp_path):
    # Two trailing spaces on every message mark signal-export, even renamed.
    path = tmp_path / "alex.txt"
    path.write_bytes((fixtures / EXPORT / "chat.md").read_bytes())
    assert detect(path).name == "signal-export"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[]", "no messages in this export"),
        ('{"messages": []}', "the top level is not a list of messages"),
        ("[1]", "message 1 is not a JSON object"),
        ('[{"body": "hi"}]', "message 1 has no type or no sent_at"),
    ],
)
def test_sigtop_json_of_the_wrong_shape(tmp_path, cli, content, expected):
    path = tmp_path / "Alex.json"
    path.write_text(content, encoding="utf-8")
    result = cli("parse", "--format", "signal-sigtop", str(path))
    assert result.exit_code == 1
    assert f"{path}: " in result.stderr and expected in result.stderr


def test_signal_export_broken_json_line(tmp_path, cli):
    path = tmp_path / "data.json"
    path.write_text(
        '{"date": "2023-03-04T19:00:00", "sender": "Alex", "body": "hi  "}\n{"date": "2023-03-04T19',
        encoding="utf-8",
    )
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}:2: broken JSON line" in result.stderr


def test_signal_export_markdown_with_a_preamble(tmp_path, cli):
    path = tmp_path / "chat.md"
    path.write_text("# my notes\n[2023-03-04 19:00:00] Alex: hi  \n", encoding="utf-8")
    result = cli("parse", "--format", "signal-export", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: expected a signal-export line" in result.stderr
