"""A long chat is analysed from compact columns: the same codes, times, quotes and document as from objects.

(Memory and speed themselves are measured by bench/analyze_speed.py, never here.)
"""

from __future__ import annotations

import io
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest

from cyclemap.analysis import analyze, write_json
from cyclemap.classify import classify_stream, input_turns
from cyclemap.codebook import Move
from cyclemap.cycle.coded import CodedTurn
from cyclemap.cycle.coding import coded_columns, coded_sequences
from cyclemap.cycle.columns import columns_of
from cyclemap.cycle.episodes import find_episodes
from cyclemap.moves.labeller import Labeller

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "analysis.schema.json").read_text())
SAMPLES = ROOT / "src" / "cyclemap" / "samples"


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))


def _same(turn: CodedTurn, other: CodedTurn) -> None:
    assert (turn.index, turn.speaker, str(turn.move), turn.cue, turn.conversation, turn.source, turn.turn_id) == (
        other.index, other.speaker, str(other.move), other.cue, other.conversation, other.source, other.turn_id)
    assert turn.confidence == other.confidence
    assert (turn.time and turn.time.isoformat()) == (other.time and other.time.isoformat())
    if turn.source != "turn" or str(turn.move) != "neutral":  # neutral texts are never quoted, so not kept
        assert turn.text == other.text


@pytest.mark.parametrize("name", ["WhatsApp Chat with Jordan.txt", "WhatsApp Chat with Maya, Theo & Kai.txt"])
def test_columns_hold_what_the_coded_sequences_hold(name):
    labeller = Labeller(fast=True, cache=None, explain=False)
    rows = list(classify_stream(input_turns(SAMPLES / name), labeller))
    flat = [turn for sequence in coded_sequences(rows).values() for turn in sequence]
    cols = coded_columns(rows)
    assert len(cols) == len(flat) > 0
    assert any(turn.source != "turn" for turn in flat)  # timing events are among them, in their places
    for position, turn in enumerate(flat):
        _same(cols.coded_turn(position), turn)


def test_times_keep_their_offsets_and_gaps():
    zone = timezone(timedelta(hours=2))
    times = [datetime(2025, 3, 30, 1, 30), datetime(2025, 3, 30, 3, 5, tzinfo=zone), None,
             datetime(2025, 3, 30, 1, 50, 7, 250, tzinfo=timezone.utc), datetime(1965, 5, 1, 12, 0)]
    turns = [CodedTurn(i, "Sam" if i % 2 else "Alex", Move.PURSUE, None, t, f"t{i}", turn_id=str(i))
             for i, t in enumerate(times)]
    cols = columns_of(turns)
    assert [cols.time(i) and cols.time(i).isoformat() for i in range(len(turns))] == [
        t and t.isoformat() for t in times]
    # aware with aware: the true elapsed time; naive with aware: the wall clocks
    assert cols.seconds_between(3, 1) == (times[3] - times[1]).total_seconds() == 2707.00025
    assert cols.seconds_between(1, 0) == 95 * 60


def _long_chat(path: Path, turns: int = 4000, seed: int = 7) -> tuple[Path, dict[str, str]]:
    """Coded turns over two conversations and a year, with fights, repairs, silences and safety flags."""
    rng = random.Random(seed)
    texts = {"pursue": ["why do you never answer me", "you always do this", "we need to talk about the rent"],
             "withdraw": ["fine. whatever", "I can't do this now", "leave it"],
             "soften": ["I'm sorry, I hear you", "you're right, let's try again", "I love you, come here"],
             "neutral": ["ok", "on my way", "dinner at 7?"]}
    cues = {"pursue": "criticize", "withdraw": "shutdown", "soften": "validate", "neutral": None}
    rows, said = [], {}
    now = datetime(2024, 1, 1, 8, 0)
    for i in range(turns):
        now += timedelta(minutes=rng.choice((1, 2, 5, 30, 240, 900)))
        move = rng.choices(list(texts), weights=(3, 2, 2, 4))[0]
        text = f"{rng.choice(texts[move])} ({i})"
        row = {"id": f"m{i}", "conversation": "home" if i < turns // 2 else "trip", "time": now.isoformat(),
               "speaker": "Sam" if rng.random() < 0.5 else "Alex", "text": text, "move": move, "cue": cues[move],
               "safety": ["fear"] if i % 997 == 5 else []}
        said[row["id"]] = text
        rows.append(row)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path, said


def test_a_long_chat_streams_the_same_valid_document(tmp_path):
    path, said = _long_chat(tmp_path / "long.jsonl")
    lazy = analyze(path, cache=False, permutations=20, lazy_episodes=True)
    full = analyze(path, cache=False, permutations=20)
    streamed = io.StringIO()
    write_json(lazy, streamed)
    assert streamed.getvalue() == json.dumps(full, ensure_ascii=False) + "\n"
    document = json.loads(streamed.getvalue())
    jsonschema.validate(document, SCHEMA)
    assert len(document["episodes"]) > 100
    assert document["episodes_summary"].startswith(f"{len(document['episodes'])} tense stretches found")
    assert len(document["safety"]["turns"]) == 5 and document["safety"]["flagged"]
    assert len(document["periods"]) <= 12 and document["trends"]["unit"] == "month"
    # every quote is the person's own words, read back from the compressed columns
    quotes = [(m["turn_id"], m["text"]) for e in document["episodes"] for m in e["hot_moments"]]
    quotes += [(t["turn_id"], t["text"]) for pair in document["pairs"] for ex in pair["exchanges"] for t in ex]
    timing = ("replied after", "in a row with no reply")  # a silence or burst is described, not quoted
    assert all(said[turn_id] == text or any(words in text for words in timing) for turn_id, text in quotes)
    assert sum(said[turn_id] == text for turn_id, text in quotes) > 300


def test_episodes_are_made_when_read_and_compare_as_a_list():
    turns = [CodedTurn(i, "Sam" if i % 2 else "Alex", Move.PURSUE if i % 3 else Move.WITHDRAW, None,
                       datetime(2025, 1, 1, 9) + timedelta(minutes=i), f"line {i}", turn_id=str(i))
             for i in range(12)]
    report = find_episodes(turns)
    assert len(report.episodes) == 1
    assert report.episodes == [report.episodes[0]] and report.episodes[-1].start.turn_id == "0"
    assert [e.number for e in report.episodes[0:5]] == [1]
