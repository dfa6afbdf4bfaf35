"""The analysis read a block at a time gives what reading everything at once gives.

A long chat's steps (trends, episodes, periods) read their columns in blocks so
that memory stays bounded; here the blocks are made tiny, so every block edge
(a conversation change, a clock going backwards, a speaker first seen in a later
block) is crossed many times, and the result must not change by a character.
(Memory and speed themselves are measured by bench/analyze_speed.py, never here.)
"""

from __future__ import annotations

import io
import json
import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from cyclemap.codebook import Move
from cyclemap.cycle import episodes as episodes_module
from cyclemap.cycle import trends as trends_module
from cyclemap.cycle.coded import CodedTurn
from cyclemap.cycle.columns import columns_of
from cyclemap.cycle.episodes import find_episodes
from cyclemap.cycle.sequential import pair_statistics
from cyclemap.cycle.trends import trends

MOVES = (Move.PURSUE, Move.WITHDRAW, Move.SOFTEN, Move.NEUTRAL)


def _chat(seed: int, turns: int = 900, aware: bool = True) -> list[CodedTurn]:
    """Three conversations over months: some times missing, some aware, a clock that jumps back."""
    rng = random.Random(seed)
    now = datetime(2024, 3, 1, 9, 0)
    out = []
    for i in range(turns):
        now += timedelta(minutes=rng.choice((1, 3, 20, 90, 300, 2000)))
        if rng.random() < 0.02:
            now -= timedelta(hours=5)  # time runs backwards here
        time: datetime | None = now
        if aware and rng.random() < 0.5:
            time = now.replace(tzinfo=timezone(timedelta(hours=rng.choice((1, 2)))))
        if rng.random() < 0.05:
            time = None
        speaker = rng.choice(("Sam", "Alex", "Jo") if i > turns // 2 else ("Sam", "Alex"))
        move = rng.choices(MOVES, weights=(3, 2, 2, 4))[0]
        source = "turn" if rng.random() > 0.1 or not out else rng.choice(("silence", "burst"))
        out.append(CodedTurn(i, speaker, move, "criticize" if move is Move.PURSUE else None, time,
                             f"the rent and the kids {i}", conversation=("a", "b", "c")[i * 3 // turns],
                             source=source, turn_id=str(i), confidence=rng.random()))
    return out


def _trends_json(cols) -> str:
    return json.dumps(trends(cols, "week").to_json())


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("aware", [True, False])
def test_trends_read_in_tiny_blocks_are_the_same(monkeypatch, seed, aware):
    cols = columns_of(_chat(seed, aware=aware))
    whole = _trends_json(cols)
    report = json.loads(whole)
    assert report["periods"] and any("backwards" in note for note in report["notes"])
    for size in (1, 2, 7, 64):
        monkeypatch.setattr(trends_module, "_CHUNK", size)
        assert _trends_json(cols) == whole
    # and the straightforward reading of every position (used when conversations interleave)
    monkeypatch.setattr(trends_module, "_in_order", lambda cols: False)
    assert _trends_json(cols) == whole


def test_interleaved_conversations_still_give_trends():
    chat = _chat(4, turns=200)
    mixed = [t for pair in zip(chat[::2], chat[1::2]) for t in pair][::-1]  # conversations interleave
    report = trends(columns_of(mixed), "week")
    assert sum(p.overall.turns for p in report.periods) == report.overall.turns > 0


def _episodes_json(cols) -> str:
    report = find_episodes(cols)
    return json.dumps({"notes": report.notes, "summary": report.summary,
                       "episodes": [e.to_json() for e in report.episodes]})


@pytest.mark.parametrize("seed", [1, 2])
def test_episodes_found_in_tiny_blocks_are_the_same(monkeypatch, seed):
    cols = columns_of(_chat(seed))
    whole = _episodes_json(cols)
    assert json.loads(whole)["episodes"]
    for size in (1, 3, 50):
        monkeypatch.setattr(episodes_module, "_CHUNK", size)
        assert _episodes_json(cols) == whole


def _by_hand(turns: list[CodedTurn], giver: str, receiver: str, lag: int) -> list[list[int]]:
    counts = np.zeros((4, 4), int)
    for x, y in zip(turns, turns[lag:]):
        if x.speaker == giver and y.speaker == receiver and x.conversation == y.conversation:
            counts[MOVES.index(x.move), MOVES.index(y.move)] += 1
    return counts.tolist()


@pytest.mark.parametrize("people", [2, 3, 6])
def test_lag_tables_from_small_pair_codes_match_counts_by_hand(people):
    """One-byte pair codes (up to three partners) and two-byte ones (more) count every pair, within conversations."""
    rng = random.Random(people)
    names = [f"p{k}" for k in range(people)]
    turns = [CodedTurn(i, rng.choice(names), rng.choice(MOVES), None, None, "x", conversation=str(i // 700))
             for i in range(5000)]  # long enough to count a row at a time
    tables = pair_statistics(turns, lags=(1, 3), permutations=20, seed=2)
    for giver, receiver in [("p0", "p1"), (names[-1], "p0")]:
        for table in tables[(giver, receiver)]:
            assert [list(row) for row in table.counts] == _by_hand(turns, giver, receiver, table.lag)
            assert table.permutations == 20 and all(cell.p is not None for cell in table.cells if cell.count)
    short = turns[:300]  # and a short sequence, counted all at once
    assert [list(r) for r in pair_statistics(short, lags=(2,), permutations=0)[("p0", "p1")][0].counts] == \
        _by_hand(short, "p0", "p1", 2)


def _periods_by_sorting(cols, unit: str, most: int) -> dict[str, list[int]]:
    """The periods' positions the straightforward way: sort every timed event by its period's key."""
    keys: dict[int, str] = {}
    for position in range(len(cols)):
        moment = cols.time(position)
        if moment is not None:
            day = moment.replace(tzinfo=None).date()
            keys[position] = f"{day:%Y-%m}" if unit == "month" else f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"
    names = sorted(set(keys.values()))
    groups = {name: [p for p in sorted(keys) if keys[p] == name] for name in names}
    if len(groups) <= most:
        return groups
    size = -(-len(names) // most)
    return {f"{names[a]}..{names[min(a + size, len(names)) - 1]}": [p for name in names[a:a + size] for p in groups[name]]
            for a in range(0, len(names), size)}


@pytest.mark.parametrize("unit", ["week", "month"])
@pytest.mark.parametrize("most", [12, 5, 2])
def test_periods_made_when_read_hold_the_same_events(monkeypatch, unit, most):
    from cyclemap import analysis

    cols = columns_of(_chat(7, turns=600))
    expected = _periods_by_sorting(cols, unit, most)
    for size in (5, 1 << 18):
        monkeypatch.setattr(analysis, "_CHUNK", size)
        groups = analysis._coarsen(analysis._groups_by_period(cols, unit), most)
        assert list(groups) == list(expected)
        assert {name: groups[name].tolist() for name in groups} == expected


def test_a_document_read_in_tiny_blocks_is_the_same(monkeypatch, tmp_path):
    from cyclemap import analysis
    from cyclemap.analysis import analyze_rows, write_json
    from cyclemap.classify import LabelledTurn
    from cyclemap.model import Turn
    from cyclemap.moves.label import MoveLabel

    rows = [LabelledTurn(Turn(t.turn_id, t.time, t.speaker, t.text, conversation=t.conversation),
                         MoveLabel(t.move, t.cue, t.confidence)) for t in _chat(8, turns=800) if t.source == "turn"]

    def document() -> str:
        out = io.StringIO()
        write_json(analyze_rows(iter(rows), permutations=10, lazy_episodes=True), out)
        return out.getvalue()

    whole = document()
    assert json.loads(whole)["episodes"] and json.loads(whole)["trends"]["periods"]
    for module in (analysis, episodes_module, trends_module):
        monkeypatch.setattr(module, "_CHUNK", 3)
    assert document() == whole


@pytest.mark.parametrize("n", [9, 40, 200])
def test_mann_kendall_summed_in_parts_is_the_same(monkeypatch, n):
    rng = np.random.default_rng(n)
    values = np.round(rng.random(n), 2).tolist()  # ties too
    whole = trends_module.mann_kendall(values, seed=3)
    monkeypatch.setattr(trends_module, "_PAIRS_AT_ONCE", 10)
    assert trends_module.mann_kendall(values, seed=3) == whole
    s = sum((b > a) - (b < a) for k, a in enumerate(values) for b in values[k + 1:])
    assert whole[0] == s
