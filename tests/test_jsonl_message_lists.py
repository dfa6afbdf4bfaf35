"""JSON Lines that other tools write: another key for the speaker, and lists of separate messages.

A list of messages with one writer (or none named), no times and no conversations is not a
conversation: nobody answers anybody. Each line is read as a conversation of its own, so a
danger sign or a move is never carried over from an unrelated line before it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


MESSAGES = [
    "he hit me again last night",
    "send me a pic of your new haircut!",
    "why won't you answer me?? answer me",
    "I'm scared of where this is going if we keep arguing",
    "ok",
]


def _classify(cli, path: Path) -> list[dict]:
    result = cli("classify", str(path), "--no-cache")
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_text_only_lines_are_separate_messages_by_an_unnamed_writer(tmp_path, cli, data_home):
    turns = cli.parse(str(_write(tmp_path / "messages.jsonl", [{"text": t} for t in MESSAGES])))
    assert [t["text"] for t in turns] == MESSAGES
    assert {t["speaker"] for t in turns} == {"unnamed"}
    assert len({t["conversation"] for t in turns}) == len(MESSAGES)


@pytest.mark.parametrize("speaker_key", ["speaker", None])
def test_a_list_of_messages_reads_each_as_if_alone(tmp_path, cli, data_home, speaker_key):
    """Classifying the list gives, line for line, what classifying each message alone gives."""
    rows = [{"text": t} if speaker_key is None else {speaker_key: "A", "text": t} for t in MESSAGES]
    together = _classify(cli, _write(tmp_path / "list.jsonl", rows))
    assert len(together) == len(MESSAGES)
    for index, row in enumerate(rows):
        alone = _classify(cli, _write(tmp_path / f"alone{index}.jsonl", [row]))[0]
        for key in ("move", "cue", "safety"):
            assert together[index][key] == alone[key], (MESSAGES[index], key)
    assert together[0]["safety"] == ["violence"]


def test_the_warning_says_how_the_list_was_read(tmp_path, cli, data_home):
    result = cli("parse", str(_write(tmp_path / "list.jsonl", [{"speaker": "A", "text": t} for t in MESSAGES])))
    assert result.exit_code == 0
    assert "each line is read as a separate message" in result.stderr


def test_two_speakers_stay_one_conversation(tmp_path, cli):
    rows = [{"speaker": "Sam", "text": "you never call"}, {"speaker": "Alex", "text": "I was at work"},
            {"speaker": "Sam", "text": "you could have texted"}]
    turns = cli.parse(str(_write(tmp_path / "chat.jsonl", rows)))
    assert [t["conversation"] for t in turns] == [None, None, None]


def test_one_speaker_with_times_stays_one_conversation(tmp_path, cli):
    rows = [{"speaker": "Sam", "text": t, "time": f"2024-03-02T19:0{i}:00"} for i, t in enumerate(MESSAGES)]
    turns = cli.parse(str(_write(tmp_path / "burst.jsonl", rows)))
    assert {t["conversation"] for t in turns} == {None}


def test_another_tools_speaker_key_is_read(tmp_path, cli):
    rows = [{"sender": "Sam", "text": "you never call"}, {"sender": "Alex", "text": "I was at work"}]
    turns = cli.parse(str(_write(tmp_path / "chat.jsonl", rows)))
    assert [t["speaker"] for t in turns] == ["Sam", "Alex"]
    assert [t["text"] for t in turns] == ["you never call", "I was at work"]


def test_a_line_without_that_key_is_named(tmp_path, cli):
    path = _write(tmp_path / "chat.jsonl", [{"sender": "Sam", "text": "hi"}, {"text": "who is this"}])
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}:2: missing field 'sender'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_transcript_segments_without_speakers_are_not_taken_for_messages(tmp_path, cli):
    path = _write(tmp_path / "segments.jsonl", [{"start": 0.0, "end": 2.5, "text": "you never listen"},
                                                {"start": 2.6, "end": 4.0, "text": "I do"}])
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert "no known chat format" in result.stderr


def test_eval_reads_a_list_of_messages_as_classify_does(tmp_path, cli, data_home):
    """`eval` scores the same reading `classify` gives: each message of a one-writer list alone."""
    labelled = [
        {"speaker": "A", "text": "he hit me again last night", "move": "neutral", "safety": ["violence"]},
        {"speaker": "A", "text": "send me a pic of your new haircut!", "move": "neutral", "hard_negative": True},
        {"speaker": "A", "text": "why won't you answer me?? answer me", "move": "pursue", "cue": "demand"},
        {"speaker": "A", "text": "I'm scared of where this is going if we keep arguing", "move": "neutral",
         "hard_negative": True},
        {"speaker": "A", "text": "ok", "move": "neutral"},
    ]
    listed = _write(tmp_path / "list.jsonl", labelled)
    apart = _write(tmp_path / "apart.jsonl", [{**row, "conversation": f"m{i}"} for i, row in enumerate(labelled)])
    scores = []
    for path in (listed, apart):
        result = cli("eval", str(path), "--json")
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        scores.append((report["conversations"], report["safety"], report["scores"]))
    assert scores[0] == scores[1]
    assert scores[0][0] == len(labelled)


def test_many_writers_without_a_clock_are_separate_messages(tmp_path, cli):
    """Six or more people, no times, no conversations: a gathered list, each line read alone."""
    many = [{"speaker": f"writer{i}", "text": t} for i, t in enumerate(MESSAGES + ["fine", "later"])]
    turns = cli.parse(str(_write(tmp_path / "many.jsonl", many)))
    assert len({t["conversation"] for t in turns}) == len(many)
    few = [{"speaker": ("Sam", "Alex", "Kai")[i % 3], "text": t} for i, t in enumerate(MESSAGES)]
    turns = cli.parse(str(_write(tmp_path / "three.jsonl", few)))
    assert {t["conversation"] for t in turns} == {None}  # three people talking: one conversation


def test_messages_with_repeated_ids_stay_apart(tmp_path, cli):
    """A list's own ids may repeat (or all be 1): each line is still its own conversation."""
    rows = [{"id": 1, "text": t} for t in MESSAGES]
    turns = cli.parse(str(_write(tmp_path / "ids.jsonl", rows)))
    assert len({t["conversation"] for t in turns}) == len(MESSAGES)
