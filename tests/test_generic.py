"""Generic formats researchers move data with: CSV sheets and ConvoKit corpora."""

from __future__ import annotations

import json

from cyclemap.ingest import detect


def test_csv_with_other_tools_column_names_and_semicolons(fixtures, cli):
    path = fixtures / "generic" / "sheet.csv"
    assert detect(path).name == "csv"
    turns = cli.parse(str(path))
    assert [(t["speaker"], t["text"], t["time"]) for t in turns] == [
        ("Sam", "you said you'd call; again", "2024-03-02T19:04:00"),
        ("Alex", "I was in a meeting,\r\nit ran over", "2024-03-02T19:07:00"),
    ]


def test_csv_without_text_column_is_refused(tmp_path, cli):
    path = tmp_path / "sheet.csv"
    path.write_text("speaker,when\nSam,today\n", encoding="utf-8")
    result = cli("parse", "--format", "csv", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: no text column" in result.stderr


def test_csv_bad_time_names_the_line(tmp_path, cli):
    path = tmp_path / "sheet.csv"
    path.write_text("time,speaker,text\n2024-01-01T10:00,Sam,hi\nyesterday,Alex,hello\n", encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}:3:" in result.stderr


def test_convokit_utterances_from_convokit(fixtures, cli):
    path = fixtures / "generic" / "utterances.jsonl"
    assert detect(path).name == "convokit"
    turns = cli.parse(str(path))
    assert [(t["speaker"], t["conversation"], t["reply_to"]) for t in turns] == [
        ("sam", "u0", None),
        ("alex", "u0", "u0"),
        ("sam", "u2", None),
    ]
    assert turns[0]["time"] == "2024-03-02T19:04:00+00:00"
    assert turns[2]["time"] is None


def test_parse_output_converts_to_convokit_and_back(fixtures, tmp_path, cli):
    from cyclemap.ingest import ReadOptions, readers

    turns = list(readers()["transcript"].read(fixtures / "transcripts" / "kitchen.txt", ReadOptions()))
    path = tmp_path / "utterances.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        readers()["convokit"].write(turns, handle)
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert {"id", "speaker", "conversation_id", "reply_to", "timestamp", "text", "meta"} <= set(first)
    assert [t["text"] for t in cli.parse(str(path))] == [t.text for t in turns]
