"""Messenger and Instagram (Meta "Download Your Information"): mojibake, merging, time order."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyclemap.ingest import detect
from cyclemap.ingest.formats.meta import has_mojibake, repair_mojibake


def rows(turns: list[dict]) -> list[tuple]:
    return [(t["id"], t["time"], t["speaker"], t["kind"], t["text"]) for t in turns]


def test_old_export_mojibake_repaired_and_put_in_time_order(fixtures, cli):
    path = fixtures / "meta" / "old_mojibake" / "message_1.json"
    assert "Zo\\u00c3\\u00ab" in path.read_text(encoding="utf-8")  # what Meta wrote
    assert rows(cli.parse(str(path))) == [
        ("1", "2022-03-04T18:00:00+00:00", "Zoë Martin", "message", "Tu es où ? Je t'attends 😊"),
        ("2", "2022-03-04T18:20:00+00:00", "Sam Leclerc", "message", "Désolé, réunion…"),
        ("3", "2022-03-04T18:21:00+00:00", "Zoë Martin", "media", "274857266_101.jpg"),
        ("4", "2022-03-04T18:22:00+00:00", "Sam Leclerc", "message", "Sam Leclerc sent a link."),
        ("5", "2022-03-04T18:30:00+00:00", None, "system", "Zoë called you."),
        ("6", "2022-03-04T18:31:00+00:00", None, "system", "Sam Leclerc unsent a message"),
        ("7", "2022-03-04T18:32:00+00:00", "Sam Leclerc", "media", "audioclip16464186.mp4"),
    ]


def test_new_clean_utf8_export_is_not_touched(fixtures, cli):
    turns = cli.parse(str(fixtures / "meta" / "clean_utf8" / "message_1.json"))
    assert rows(turns) == [
        ("1", "2024-05-01T09:00:00+00:00", "Zoë Martin", "message", "Bonne journée 😊 café ?"),
        # Would "repair" to "é" on its own; the export holds real UTF-8 elsewhere, so it is left as typed.
        (
            "2",
            "2024-05-01T09:05:00+00:00",
            "Sam Leclerc",
            "message",
            "I typed Ã© on purpose, to see what happens",
        ),
    ]


def test_parts_of_one_thread_are_merged_in_time_order(fixtures, cli):
    folder = fixtures / "meta" / "multi"
    expected = [
        ("1", "2021-07-10T20:00:00+00:00", "Alex", "message", "leaving work now"),
        ("2", "2021-07-10T20:30:00+00:00", "Sam", "message", "are you coming?"),
        # Same millisecond: the file's newest-first order, undone, decides.
        ("3", "2021-07-10T21:00:00+00:00", "Alex", "message", "first at nine"),
        ("4", "2021-07-10T21:00:00+00:00", "Sam", "message", "second at nine"),
        ("5", "2021-07-10T21:05:00+00:00", "Alex", "message", "goodnight"),
    ]
    assert rows(cli.parse(str(folder))) == expected
    assert rows(cli.parse(str(folder / "message_1.json"))) == expected  # siblings merged in
    assert rows(cli.parse(str(folder / "message_2.json"))) == expected


def test_instagram_export(fixtures, cli):
    turns = cli.parse(str(fixtures / "meta" / "instagram" / "message_1.json"))
    assert rows(turns) == [
        ("1", "2023-08-12T21:58:00+00:00", "Sam", "message", "you went quiet… everything ok? 💛"),
        ("2", "2023-08-12T22:00:00+00:00", None, "system", "jo.rivera liked a message"),
        ("3", "2023-08-12T22:09:00+00:00", "Sam", "media", "https://www.instagram.com/reel/Cabc123/"),
        ("4", "2023-08-12T22:10:00+00:00", None, "system", "jo.rivera reacted 😂 to your message"),
    ]


def test_messenger_end_to_end_encrypted_export(fixtures, cli):
    turns = cli.parse(str(fixtures / "meta" / "e2ee" / "alex.json"))
    assert rows(turns) == [
        ("1", "2024-02-10T12:00:00+00:00", "Alex", "message", "did you see my message?"),
        ("2", "2024-02-10T12:30:00+00:00", "Sam", "media", "img_2024.jpg"),
        (
            "3",
            "2024-02-10T12:31:00+00:00",
            "Sam",
            "message",
            "sorry, was driving — naïve of me to answer later",
        ),
        ("4", "2024-02-10T12:40:00+00:00", None, "system", "Alex unsent a message"),
    ]


def test_folder_of_many_threads_asks_for_one(fixtures, tmp_path, cli):
    inbox = tmp_path / "inbox"
    for thread in ("alex_987", "jo_123"):
        (inbox / thread).mkdir(parents=True)
        (inbox / thread / "message_1.json").write_text(
            (fixtures / "meta" / "multi" / "message_2.json").read_text(encoding="utf-8"), encoding="utf-8"
        )
    result = cli("parse", "--format", "meta", str(inbox))
    assert result.exit_code == 1
    assert f"{inbox}: this folder holds 2 conversations (alex_987, jo_123)" in result.stderr


def test_peer_sample_gives_chat_miners_messages(peers, cli):
    folder = peers / "chat-miner" / "instagram"
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    expected = sorted((m["timestamp"], m["author"], " ".join(m["message"].split())) for m in target)
    turns = cli.parse(str(folder / "test_export.json"))
    got = [
        (
            datetime.fromisoformat(t["time"]).astimezone(UTC).replace(tzinfo=None).isoformat(),
            t["speaker"],
            " ".join(t["text"].split()),
        )
        for t in turns
    ]
    assert got == expected  # chat-miner wrote UTC as naive times


def test_repair_mojibake():
    assert repair_mojibake("Ã©tÃ© ð\x9f\x98\x8a") == "été 😊"
    assert repair_mojibake("café") == "café"  # latin-1 that is not UTF-8 bytes: unchanged
    assert repair_mojibake("😊") == "😊"


def test_has_mojibake_decides_for_the_whole_export():
    assert has_mojibake([{"content": "Ã©tÃ©"}, {"content": "plain"}])
    assert not has_mojibake([{"content": "Ã©tÃ©"}, {"content": "real 😊"}])
    assert not has_mojibake([{"content": "naïve café"}])
    assert not has_mojibake([{"content": "ascii only"}])


@given(st.text())
def test_any_text_survives_metas_encoding(text):
    mangled = text.encode("utf-8").decode("latin-1")  # what the old export writes
    assert has_mojibake([mangled]) == (not text.isascii())
    assert repair_mojibake(mangled) == text


@pytest.mark.parametrize(
    "path",
    [
        "meta/old_mojibake/message_1.json",
        "meta/old_mojibake",
        "meta/multi",
        "meta/multi/message_2.json",
        "meta/clean_utf8/message_1.json",
        "meta/instagram/message_1.json",
        "meta/e2ee/alex.json",
    ],
)
def test_detected_as_meta(fixtures, path):
    assert detect(fixtures / path).name == "meta"


def test_peer_sample_detected_as_meta(peers):
    assert detect(peers / "chat-miner" / "instagram" / "test_export.json").name == "meta"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"participants": [], "messages": []}', "no messages in this conversation"),
        ('{"participants": []}', "no 'messages' list"),
        ('{"messages": [{"content": "hi"}]}', "message 1 has no sender_name or no timestamp_ms"),
        ('{"messages": ["hi"]}', "message 1 is not a JSON object"),
        ("[]", "no 'messages' list"),
    ],
)
def test_json_of_the_wrong_shape(tmp_path, cli, content, expected):
    path = tmp_path / "message_1.json"
    path.write_text(content, encoding="utf-8")
    result = cli("parse", "--format", "meta", str(path))
    assert result.exit_code == 1
    assert f"{path}: " in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
