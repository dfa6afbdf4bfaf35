"""`cyclemap eval` on the safety sets: their `kind` says what kind of example a line is
(`positive`, `hard_negative`), read from one table, and counted as hard negatives even when
the line has no `hard_negative` field; a line whose two fields disagree stops, named."""

from __future__ import annotations

import json

import pytest

from cyclemap.evaluation.labelled import EXAMPLE_KINDS, read_labelled


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


SAFETY_SET = [
    {"conversation": "s1", "turn": 0, "speaker": "A", "text": "he shoved me into the wall", "move": "neutral",
     "safety": ["violence"], "kind": "positive"},
    {"conversation": "s2", "turn": 0, "speaker": "A", "text": "this traffic is killing me", "move": "neutral",
     "safety": [], "kind": "hard_negative"},
    {"conversation": "s3", "turn": 0, "speaker": "A", "text": "the boss will murder me if I'm late", "move": "neutral",
     "safety": [], "kind": "hard_negative", "hard_negative": True},
    {"conversation": "s4", "turn": 0, "speaker": "A", "text": "sent a photo", "move": "neutral", "kind": "media"},
]


def test_eval_counts_the_hard_negatives_a_safety_set_names_by_kind(tmp_path, cli, data_home) -> None:
    path = _write(tmp_path / "safety.jsonl", SAFETY_SET)
    result = cli("eval", str(path), "--model", "keywords.v1", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["safety"]["hard_negatives"] == 2
    assert "false alarms on 2 hard negatives" in cli("eval", str(path), "--model", "keywords.v1").stdout


def test_every_example_kind_reads_as_a_message_and_turn_kinds_stay(tmp_path) -> None:
    rows = read_labelled(_write(tmp_path / "safety.jsonl", SAFETY_SET))
    assert [r.turn.kind for r in rows] == ["message", "message", "message", "media"]
    assert [r.hard_negative for r in rows] == [False, True, True, False]
    assert set(EXAMPLE_KINDS) == {"positive", "hard_negative"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"kind": "hard_negative", "hard_negative": False}, "kind 'hard_negative' disagrees with hard_negative False"),
        ({"kind": "positive", "hard_negative": True}, "kind 'positive' disagrees with hard_negative True"),
        ({"kind": 7}, "kind must be a string"),
    ],
)
def test_a_line_whose_kind_does_not_fit_is_named(tmp_path, cli, row, message) -> None:
    bad = {"speaker": "A", "text": "hello", "move": "neutral", **row}
    path = _write(tmp_path / "safety.jsonl", [SAFETY_SET[0], bad])
    result = cli("eval", str(path), "--model", "keywords.v1")
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert f"{path}:2: {message}" in result.stderr


def test_a_kind_of_the_files_own_reads_as_a_message_and_is_kept(tmp_path, cli, data_home) -> None:
    """Another team's safety set names its examples' ideas in ``kind`` ("veiled-threat"): that is not
    a turn kind, so the line is a message to label, and the field goes out as it came in."""
    rows = [{"speaker": "A", "text": "you will be sorry if you go to that party", "kind": "veiled-threat"},
            {"speaker": "A", "text": "<photo>", "kind": "Photo"},
            {"speaker": None, "text": "Sam joined", "kind": "notice"}]
    path = _write(tmp_path / "theirs.jsonl", rows)
    result = cli("classify", str(path))
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["kind"] for o in out] == ["veiled-threat", "Photo", "notice"]
    assert out[0]["safety"] and out[0]["move"] in {"pursue", "neutral"}
    assert out[1]["move"] == "neutral" and out[2]["move"] == "neutral"
    labelled = read_labelled(_write(tmp_path / "labelled.jsonl", [{**rows[0], "move": "pursue", "cue": "escalate",
                                                                   "safety": ["violence"]}]))
    assert labelled[0].turn.kind == "message"
