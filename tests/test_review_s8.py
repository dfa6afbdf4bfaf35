"""Review of this session's JSON Lines changes (b0cab12 and the readers' aliases) and of blend.v4.

Each test is something a user would notice: a chat whose names vanish, a server log read as a
chat, an output row with a key the input never had, an error that no longer names the line.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from cyclemap.ingest.formats import jsonl
from cyclemap.ingest.source import ReadOptions, Source


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_chat_whose_first_line_names_nobody_is_refused_not_read_without_names(tmp_path, cli):
    """A heading line without a speaker, then a named chat: the names must not all become 'unnamed'."""
    path = _write(tmp_path / "chat.jsonl", [
        {"text": "Chat started"},
        {"speaker": "Sam", "text": "you never call"},
        {"speaker": "Alex", "text": "I was at work"},
    ])
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}:2:" in result.stderr
    assert "null for system lines" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_later_line_under_another_speaker_key_is_refused_too(tmp_path, cli):
    path = _write(tmp_path / "chat.jsonl", [{"text": "hello"}, {"text": "hi"}, {"sender": "Sam", "text": "hey"}])
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}:3:" in result.stderr


def test_classify_output_rows_keep_the_input_keys_and_add_no_id(tmp_path, cli, data_home):
    rows = [{"speaker": "P01", "text": "you never call me back"}, {"speaker": "P01", "text": "I was at work"}]
    result = cli("classify", str(_write(tmp_path / "list.jsonl", rows)), "--no-cache")
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(row)[:2] for row in out] == [["speaker", "text"]] * 2
    assert all("id" not in row for row in out)


def test_server_logs_with_a_logger_name_and_a_message_are_not_chats(tmp_path, cli):
    logs = {
        "python-json-logger": [{"asctime": "2024-01-01 00:00:00,123", "name": "uvicorn.error",
                                "levelname": "INFO", "message": "Started server process"}] * 2,
        "bunyan": [{"name": "myapp", "hostname": "h1", "pid": 123, "level": 30, "msg": "hi",
                    "time": "2012-02-07T23:44:22.919Z", "v": 0}] * 2,
        "app log": [{"timestamp": "2024-01-01T00:00:00Z", "level": "INFO", "user": "alice", "message": "login ok"},
                    {"timestamp": "2024-01-01T00:00:01Z", "level": "WARN", "user": "bob", "message": "bad password"}],
    }
    for name, rows in logs.items():
        result = cli("parse", str(_write(tmp_path / "log.jsonl", rows)))
        assert result.exit_code == 1, name
        assert "no known chat format" in result.stderr, name


def test_a_null_text_on_the_first_line_is_named_not_an_unknown_format(tmp_path, cli):
    path = _write(tmp_path / "chat.jsonl", [{"speaker": "A", "text": None}, {"speaker": "B", "text": "x"}])
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: text must be a string" in result.stderr


def test_a_long_list_of_one_writers_messages_is_not_held_in_memory(tmp_path):
    """20,000 separate messages: the reader streams them (a million-line list must not need gigabytes)."""
    path = tmp_path / "list.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for index in range(20_000):
            handle.write(json.dumps({"speaker": "A", "text": f"message {index} about the weekend plans"}) + "\n")
    warnings: list[str] = []
    tracemalloc.start()
    try:
        count, conversations = 0, set()
        for _, turn, _ in jsonl.read_lines(Source(path), ReadOptions(warn=warnings.append)):
            count += 1
            conversations.add(turn.conversation)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000 and len(conversations) == 20_000
    assert len(warnings) == 1
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_a_list_that_turns_into_a_chat_late_is_still_one_chat(tmp_path):
    rows = [{"speaker": "Sam", "text": f"line {i}"} for i in range(50)] + [{"speaker": "Alex", "text": "what?"}]
    turns = [turn for _, turn, _ in jsonl.read_lines(Source(_write(tmp_path / "c.jsonl", rows)), ReadOptions())]
    assert len(turns) == 51
    assert {t.conversation for t in turns} == {None}


def test_another_tools_conversation_key_keeps_its_chats_apart(tmp_path, cli):
    rows = [{"sender": "Sam" if i % 2 else "Alex", "text": f"line {i}", "conversation_id": f"c{i // 3}"}
            for i in range(6)]
    turns = cli.parse(str(_write(tmp_path / "chats.jsonl", rows)))
    assert [t["conversation"] for t in turns] == ["c0"] * 3 + ["c1"] * 3


def test_one_writers_lines_with_timestamps_are_not_called_timeless(tmp_path, cli):
    rows = [{"sender": "Sam", "text": f"line {i}", "timestamp": f"2024-03-02T19:0{i}:00"} for i in range(3)]
    result = cli("parse", str(_write(tmp_path / "burst.jsonl", rows)))
    assert result.exit_code == 0
    assert "no times" not in result.stderr
    assert {json.loads(line)["conversation"] for line in result.stdout.splitlines()} == {None}


def test_a_list_with_a_broken_line_gives_the_error_alone(tmp_path, cli):
    path = tmp_path / "list.jsonl"
    path.write_text('{"speaker": "A", "text": "one"}\n\n{"speaker": "A", "text": "two"}\n{"speaker": "A"}\n')
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"cyclemap: error: {path}:4: missing field 'text'"]
