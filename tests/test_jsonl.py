"""The JSON Lines interchange format: what `cyclemap parse` writes, it reads back."""

from __future__ import annotations

import json


def test_parse_jsonl_keeps_turns_in_order(tmp_path, cli):
    path = tmp_path / "turns.jsonl"
    rows = [
        {"speaker": "Sam", "text": "you said you'd call", "time": "2024-03-02T19:04:00"},
        {"speaker": "Alex", "text": "line one\nline two", "time": "2024-03-02T19:07:00"},
        {"speaker": None, "text": "Alex left", "kind": "system"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    turns = cli.parse(str(path))
    assert [t["speaker"] for t in turns] == ["Sam", "Alex", None]
    assert turns[1]["text"] == "line one\nline two"
    assert turns[2]["kind"] == "system"
    assert turns[0]["time"] == "2024-03-02T19:04:00"


def test_broken_line_is_named(tmp_path, cli):
    path = tmp_path / "turns.jsonl"
    path.write_text('{"speaker": "Sam", "text": "hi"}\n{"speaker": "Alex", "text": "cut of\n', encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}:2:" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_field_is_named(tmp_path, cli):
    path = tmp_path / "turns.jsonl"
    path.write_text('{"speaker": "Sam", "text": "hi"}\n{"speaker": "Alex"}\n', encoding="utf-8")
    result = cli("parse", "--format", "jsonl", str(path))
    assert result.exit_code == 1
    assert f"{path}:2: missing field 'text'" in result.stderr
