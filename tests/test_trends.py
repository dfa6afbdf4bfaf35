"""Trends over weeks and months, and the test that says whether the cycle is loosening."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from cyclemap.codebook import Move
from cyclemap.cycle.coded import CodedTurn
from cyclemap.cycle.trends import mann_kendall, period_of, trends

CUE = {"pursue": "criticize", "withdraw": "shutdown", "soften": "validate", "neutral": None}
MONDAY = datetime(2025, 1, 6, 19, 0)  # ISO week 2025-W02


def turn(i: int, speaker: str, move: str, time: datetime | None, text: str = "text") -> CodedTurn:
    return CodedTurn(i, speaker, Move(move), CUE[move], time, text, turn_id=f"t{i}")


def couple(weeks: int, tension: tuple[float, float], soften: tuple[float, float], *, seed: int,
           days_per_week: int = 4, turns_per_day: int = 12) -> list[CodedTurn]:
    """A simulated couple whose shares of pursue+withdraw and soften drift linearly over the weeks."""
    rng = np.random.default_rng(seed)
    out: list[CodedTurn] = []
    for week in range(weeks):
        f = week / max(1, weeks - 1)
        t_share = tension[0] + f * (tension[1] - tension[0])
        s_share = soften[0] + f * (soften[1] - soften[0])
        probs = [t_share / 2, t_share / 2, s_share, 1 - t_share - s_share]
        for day in range(days_per_week):
            start = MONDAY + timedelta(weeks=week, days=day * 2)
            for k in range(turns_per_day):
                move = str(rng.choice(["pursue", "withdraw", "soften", "neutral"], p=probs))
                out.append(turn(len(out), "Sam" if k % 2 == 0 else "Alex", move,
                                start + timedelta(minutes=3 * k)))
    return out


# --- the change test ------------------------------------------------------

def test_a_couple_whose_cycle_loosens_over_three_months():
    report = trends(couple(13, tension=(0.5, 0.15), soften=(0.05, 0.3), seed=1))
    assert len(report.periods) == 13
    change = report.change
    assert change.verdict == "loosening", change.reason
    assert change.tension.direction == "down" and change.soften.direction == "up"
    assert change.tension.last_third < change.tension.first_third - 0.2
    assert change.tension.method == "permutation" and change.tension.p_value < 0.01
    assert change.reason.startswith("over 13 weeks: pursue+withdraw fell from")


def test_a_steady_couple_shows_no_clear_change():
    for seed in range(5):
        change = trends(couple(13, tension=(0.35, 0.35), soften=(0.1, 0.1), seed=seed)).change
        assert change.verdict == "no clear change", (seed, change.reason)


def test_a_couple_whose_cycle_tightens():
    change = trends(couple(13, tension=(0.15, 0.5), soften=(0.3, 0.05), seed=2)).change
    assert change.verdict == "tightening", change.reason


def test_three_months_by_month_is_not_enough_data():
    report = trends(couple(13, tension=(0.5, 0.15), soften=(0.05, 0.3), seed=1), unit="month")
    assert [p.period for p in report.periods] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert report.change.verdict == "not enough data"
    assert "at least 6 are needed" in report.change.reason
    assert report.change.reason.startswith("4 months have at least")


def test_one_busy_week_is_said_in_the_singular():
    report = trends(couple(1, tension=(0.5, 0.5), soften=(0.1, 0.1), seed=4))
    assert report.change.verdict == "not enough data"
    assert report.change.reason.startswith("1 week has at least"), report.change.reason


def test_sparse_weeks_are_left_out_of_the_test():
    turns = couple(8, tension=(0.5, 0.15), soften=(0.05, 0.3), seed=3, days_per_week=1, turns_per_day=4)
    change = trends(turns).change
    assert change.verdict == "not enough data"
    assert change.periods_used == []


# --- per period figures ---------------------------------------------------

def test_shares_per_partner_and_overall_per_week():
    week1 = ["pursue", "withdraw", "pursue", "soften"]  # Sam, Alex, Sam, Alex
    week2 = ["neutral", "soften", "soften", "neutral"]
    turns = [turn(i, "Sam" if i % 2 == 0 else "Alex", m, MONDAY + timedelta(minutes=i))
             for i, m in enumerate(week1)]
    turns += [turn(4 + i, "Sam" if i % 2 == 0 else "Alex", m, MONDAY + timedelta(days=7, minutes=i))
              for i, m in enumerate(week2)]
    report = trends(turns)
    first, second = report.periods
    assert (first.period, first.first_day) == ("2025-W02", date(2025, 1, 6))
    assert first.last_day == date(2025, 1, 12)
    assert (first.overall.pursue, first.overall.withdraw, first.overall.soften) == (0.5, 0.25, 0.25)
    assert first.by_speaker["Sam"].pursue == 1.0
    assert first.by_speaker["Alex"].withdraw == 0.5 and first.by_speaker["Alex"].soften == 0.5
    assert second.overall.soften == 0.5 and second.overall.tension == 0.0
    assert report.overall.turns == 8 and report.by_speaker["Sam"].turns == 4
    assert first.episodes == 1 and first.episodes_per_week == 1.0
    assert first.median_repair == timedelta(minutes=3)  # softened at the fourth minute
    assert second.episodes == 0 and second.median_repair is None


def test_median_repair_and_episodes_per_month():
    turns: list[CodedTurn] = []
    for day, minutes in [(0, 2), (3, 10), (6, 4)]:  # three fights in January, repaired after 2, 10, 4 minutes
        start = MONDAY + timedelta(days=day)
        for k, (who, move, at) in enumerate([("Sam", "pursue", 0), ("Alex", "withdraw", 1),
                                             ("Sam", "pursue", 1), ("Alex", "soften", minutes)]):
            turns.append(turn(len(turns), who, move, start + timedelta(minutes=at)))
    report = trends(turns, unit="month")
    (jan,) = report.periods
    assert jan.period == "2025-01" and jan.episodes == 3
    assert jan.median_repair == timedelta(minutes=4)
    assert jan.episodes_per_week == pytest.approx(3 * 7 / 31)


def test_iso_weeks_across_the_new_year():
    assert period_of(date(2024, 12, 30), "week")[0] == "2025-W01"
    assert period_of(date(2027, 1, 1), "week")[0] == "2026-W53"
    assert period_of(date(2024, 2, 10), "month") == ("2024-02", date(2024, 2, 1), date(2024, 2, 29))


# --- odd input ------------------------------------------------------------

def test_empty_input():
    report = trends([])
    assert report.periods == [] and report.change.verdict == "not enough data"
    assert report.notes == ["the input has no turns"]
    json.dumps(report.to_json())


def test_one_message():
    report = trends([turn(0, "Sam", "pursue", MONDAY)])
    assert len(report.periods) == 1 and report.change.verdict == "not enough data"


def test_no_times_at_all():
    report = trends([turn(i, "Sam", "neutral", None) for i in range(20)])
    assert report.periods == [] and report.change.verdict == "not enough data"
    assert report.notes == ["no turn has a time, so there are no weeks or months to compare"]


def test_turns_without_time_are_skipped_and_said_so():
    turns = couple(13, tension=(0.5, 0.15), soften=(0.05, 0.3), seed=1)
    turns = [t if t.index % 10 else CodedTurn(t.index, t.speaker, t.move, t.cue, None, t.text) for t in turns]
    report = trends(turns)
    assert report.notes[0].endswith(f"of {len(turns)} turns have no time and are left out")
    assert report.change.verdict == "loosening"


def test_out_of_order_and_a_clock_going_back_an_hour():
    # naive local times around a fall-back night, and a line exported out of order
    times = [datetime(2025, 10, 26, 2, 50), datetime(2025, 10, 26, 2, 5), datetime(2025, 10, 26, 2, 20),
             datetime(2025, 11, 3, 9, 0), datetime(2025, 10, 27, 9, 0)]
    turns = [turn(i, "Sam" if i % 2 == 0 else "Alex", "pursue" if i < 3 else "neutral", t)
             for i, t in enumerate(times)]
    report = trends(turns)
    assert [(p.period, p.overall.turns) for p in report.periods] == [
        ("2025-W43", 3), ("2025-W44", 1), ("2025-W45", 1)]
    assert any("backwards at 2 place(s)" in n for n in report.notes)


def test_one_speaker_only():
    turns = [turn(i, "Sam", "neutral", MONDAY + timedelta(days=i)) for i in range(10)]
    report = trends(turns)
    assert list(report.by_speaker) == ["Sam"]
    assert report.change.verdict == "not enough data"


def test_only_neutral_turns_for_months_is_no_clear_change():
    turns = [turn(i, "Sam" if i % 2 else "Alex", "neutral", MONDAY + timedelta(hours=6 * i))
             for i in range(400)]
    change = trends(turns).change
    assert change.verdict == "no clear change"
    assert change.tension.p_value == 1.0 and change.tension.s == 0


def test_unknown_unit_is_refused_plainly():
    with pytest.raises(ValueError, match="unit must be 'week' or 'month'"):
        trends([], unit="year")  # type: ignore[arg-type]


def test_to_json_is_plain_json():
    data = json.loads(json.dumps(trends(couple(13, (0.5, 0.15), (0.05, 0.3), seed=1)).to_json()))
    assert data["change"]["verdict"] == "loosening"
    assert data["periods"][0]["period"] == "2025-W02"
    assert set(data["periods"][0]["overall"]) == {"turns", "pursue", "withdraw", "soften", "neutral"}


# --- Mann–Kendall ---------------------------------------------------------

def test_mann_kendall_exact_for_few_periods():
    s, tau, p, method = mann_kendall([1, 2, 3, 4, 5])
    assert (s, tau, method) == (10, 1.0, "exact permutation")
    assert p == pytest.approx(2 / 120)  # only the sorted and reversed orders are as extreme


def test_mann_kendall_normal_approximation_for_many_periods():
    rising = np.arange(80) + np.random.default_rng(0).normal(0, 5, 80)
    s, _, p, method = mann_kendall(rising)
    assert method == "normal approximation" and s > 0 and p < 1e-6
    assert mann_kendall([3.0] * 80)[2] == 1.0


def test_mann_kendall_is_reproducible():
    values = list(np.random.default_rng(5).normal(size=20))
    assert mann_kendall(values, seed=3) == mann_kendall(values, seed=3)
