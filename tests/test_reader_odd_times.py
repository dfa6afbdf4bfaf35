"""Transcript readers given impossible times: the words are read, the time is left empty, no internal error."""

from __future__ import annotations

import json


def test_cha_time_bullet_too_long_for_a_float_leaves_the_offset_empty(cli, tmp_path):
    path = tmp_path / "huge.cha"
    path.write_text(
        "@UTF8\n@Begin\n@Participants:\tSAM Sam Partner, ALX Alex Partner\n"
        f"*SAM:\tyou said you'd call . \x15{'9' * 400}_1\x15\n"
        "*ALX:\tI was driving . \x152300_4100\x15\n@End\n",
        encoding="utf-8",
    )
    turns = cli.parse(str(path))
    assert [(t["speaker"], t["text"], t["offset"]) for t in turns] == [
        ("Sam", "you said you'd call.", None), ("Alex", "I was driving.", 2.3),
    ]


def test_segments_with_huge_nan_or_infinite_starts_leave_the_offset_empty(cli, tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(
        '{"segments": [{"start": 1' + "0" * 400 + ', "speaker": "A", "text": " Can we talk?"},'
        ' {"start": NaN, "speaker": "B", "text": " Not now."},'
        ' {"start": Infinity, "speaker": "A", "text": " When then?"},'
        ' {"start": 4.5, "speaker": "B", "text": " Tonight."}]}',
        encoding="utf-8",
    )
    result = cli("parse", str(path))
    assert result.exit_code == 0, result.stderr
    # strict JSON out: no NaN or Infinity for a tool downstream to choke on
    turns = [json.loads(line, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
             for line in result.stdout.splitlines()]
    assert [(t["speaker"], t["offset"]) for t in turns] == [("A", None), ("B", None), ("A", None), ("B", 4.5)]
