"""Timing events are read against each person's own baseline."""

from __future__ import annotations

from datetime import datetime, timedelta

from cyclemap.model import Turn
from cyclemap.timing import timing_events

START = datetime(2025, 3, 1, 9, 0)


def chat(rows: list[tuple[int, str, str]]) -> tuple[list[Turn], list[str]]:
    """(minutes from start, speaker, move) -> turns and moves."""
    turns = [Turn(str(i), START + timedelta(minutes=m), who, "text") for i, (m, who, _) in enumerate(rows)]
    return turns, [move for _, _, move in rows]


def test_long_silence_after_a_pursuit_is_a_withdrawal_event():
    rows = []
    minute = 0
    for _ in range(6):  # Alex usually answers within 2 minutes
        rows += [(minute, "Sam", "neutral"), (minute + 2, "Alex", "neutral")]
        minute += 10
    rows += [(minute, "Sam", "pursue"), (minute + 180, "Alex", "neutral")]
    events = timing_events(*chat(rows))
    assert [(e.kind, e.speaker, e.after) for e in events] == [("silence", "Alex", 12)]
    assert "3.0 h" in events[0].evidence


def test_a_slow_replier_is_not_withdrawing():
    rows = []
    minute = 0
    for _ in range(6):  # Alex always takes about four hours
        rows += [(minute, "Sam", "neutral"), (minute + 240, "Alex", "neutral")]
        minute += 300
    rows += [(minute, "Sam", "pursue"), (minute + 250, "Alex", "neutral")]
    assert [e for e in timing_events(*chat(rows)) if e.kind == "silence"] == []


def test_burst_is_relative_to_the_persons_usual_run():
    calm = [(i * 5, "Sam" if i % 2 == 0 else "Alex", "neutral") for i in range(12)]
    burst = [(70, "Sam", "pursue"), (71, "Sam", "pursue"), (73, "Sam", "pursue"), (75, "Sam", "pursue"), (90, "Alex", "neutral")]
    events = timing_events(*chat(calm + burst))
    assert [(e.kind, e.speaker, e.after) for e in events] == [("burst", "Sam", 15)]


def test_someone_who_always_writes_in_runs_of_four_is_not_bursting():
    rows = []
    minute = 0
    for _ in range(8):
        rows += [(minute + k, "Sam", "neutral") for k in range(4)] + [(minute + 6, "Alex", "neutral")]
        minute += 20
    assert [e for e in timing_events(*chat(rows)) if e.kind == "burst"] == []


def test_no_times_no_events():
    turns = [Turn("1", None, "Sam", "where are you"), Turn("2", None, "Alex", "here")]
    assert timing_events(turns, ["pursue", "neutral"]) == []
