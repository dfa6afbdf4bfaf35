"""Trends over ISO weeks or calendar months: is the cycle loosening?

Each written turn with a time falls in the period of its own (local) date, so
turns out of order or around a clock change land where their stamp says and
nothing needs sorting; turns without a time are left out, and the report says
how many. Silence and burst events are not turns: they count in the episodes,
not in the move shares.

The change test looks at two series over the periods that have at least
``MIN_PERIOD_TURNS`` turns: the share of ``pursue`` + ``withdraw`` and the
share of ``soften`` among all turns. For each, the Mann–Kendall statistic
S = sum over i < j of sign(x_j - x_i) measures a monotonic trend over the
periods in time order; its two-sided p-value comes from permuting the
periods (all orders when there are at most ``EXACT_UP_TO``, else
``PERMUTATIONS`` random ones with a fixed seed; the normal approximation
with the tie correction beyond ``NORMAL_ABOVE`` periods). A series moves
when p < ``ALPHA_EACH`` (0.05 split over the two series) and the mean of its
last third differs from the mean of its first third by at least
``MIN_CHANGE``. The verdict:

- ``loosening``: tension falls or softening rises, and neither moves the other way;
- ``tightening``: tension rises or softening falls, and neither moves the other way;
- ``no clear change``: nothing moves, or the two disagree;
- ``not enough data``: fewer than ``MIN_PERIODS`` periods with enough turns.
"""

from __future__ import annotations

import calendar
import itertools
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from typing import Any, Literal

import numpy as np

from ..codebook import Move
from .coded import CodedSequence
from .columns import DAY_US, NAIVE, NEUTRAL, NO_TIME, CodedColumns, columns_of
from .episodes import EpisodeReport, _since_at, find_episodes

Unit = Literal["week", "month"]

MIN_PERIOD_TURNS = 10  # a period with fewer turns says too little to be in the test
MIN_PERIODS = 6  # with fewer, no order of periods can be significant
ALPHA_EACH = 0.025  # 0.05 over the two series (Bonferroni)
MIN_CHANGE = 0.03  # three percentage points between the first and last third
EXACT_UP_TO = 7  # 7! = 5040 orders: enumerate them all
PERMUTATIONS = 4999
NORMAL_ABOVE = 60
Verdict = Literal["loosening", "tightening", "no clear change", "not enough data"]


@dataclass(frozen=True, slots=True)
class Shares:
    """How a set of turns splits over the moves."""

    turns: int
    pursue: float
    withdraw: float
    soften: float
    neutral: float

    @property
    def tension(self) -> float:
        return self.pursue + self.withdraw

    @classmethod
    def of_counts(cls, n: int, counts: Sequence[int]) -> Shares:
        """From the number of turns and the counts of pursue, withdraw, soften, neutral."""
        share = (lambda c: c / n) if n else (lambda c: 0.0)
        return cls(n, *(share(c) for c in counts))

    @classmethod
    def of(cls, moves: Sequence[str]) -> Shares:
        n = len(moves)
        count = Counter(moves)
        share = (lambda m: count[m] / n) if n else (lambda m: 0.0)
        return cls(n, share(Move.PURSUE), share(Move.WITHDRAW), share(Move.SOFTEN), share(Move.NEUTRAL))

    def to_json(self) -> dict[str, Any]:
        return {"turns": self.turns, "pursue": round(self.pursue, 4), "withdraw": round(self.withdraw, 4),
                "soften": round(self.soften, 4), "neutral": round(self.neutral, 4)}


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """One ISO week or calendar month."""

    period: str  # "2025-W09" or "2025-03"
    first_day: date
    last_day: date
    overall: Shares
    by_speaker: dict[str, Shares]
    episodes: int
    episodes_per_week: float
    median_repair: timedelta | None  # from the start of an episode to the soften that ended it

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period, "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(), "overall": self.overall.to_json(),
            "by_speaker": {k: v.to_json() for k, v in self.by_speaker.items()},
            "episodes": self.episodes, "episodes_per_week": round(self.episodes_per_week, 3),
            "median_repair_seconds": self.median_repair.total_seconds() if self.median_repair else None,
        }


@dataclass(frozen=True, slots=True)
class SeriesTest:
    """A Mann–Kendall trend test of one share over the periods."""

    name: str
    values: list[float]
    s: int
    tau: float
    p_value: float
    method: Literal["exact permutation", "permutation", "normal approximation"]
    first_third: float
    last_third: float
    direction: Literal["up", "down", "flat"]

    @property
    def change(self) -> float:
        return self.last_third - self.first_third

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "values": [round(v, 4) for v in self.values], "s": self.s,
                "tau": round(self.tau, 4), "p_value": round(self.p_value, 5), "method": self.method,
                "first_third": round(self.first_third, 4), "last_third": round(self.last_third, 4),
                "change": round(self.change, 4), "direction": self.direction}


@dataclass(frozen=True, slots=True)
class ChangeTest:
    """Is the cycle loosening? The plain verdict and the figures behind it."""

    verdict: Verdict
    reason: str
    periods_used: list[str]
    tension: SeriesTest | None
    soften: SeriesTest | None

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reason": self.reason, "periods_used": self.periods_used,
                "tension": self.tension.to_json() if self.tension else None,
                "soften": self.soften.to_json() if self.soften else None}


@dataclass(frozen=True, slots=True)
class TrendReport:
    unit: Unit
    periods: list[PeriodStats]
    overall: Shares
    by_speaker: dict[str, Shares]
    change: ChangeTest
    notes: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "overall": self.overall.to_json(),
                "by_speaker": {k: v.to_json() for k, v in self.by_speaker.items()},
                "periods": [p.to_json() for p in self.periods], "change": self.change.to_json(),
                "notes": self.notes}


# --- periods --------------------------------------------------------------

def period_of(day: date, unit: Unit) -> tuple[str, date, date]:
    """Label, first and last day of the ISO week or calendar month holding ``day``."""
    if unit == "week":
        iso = day.isocalendar()
        first = date.fromisocalendar(iso.year, iso.week, 1)
        return f"{iso.year}-W{iso.week:02d}", first, first + timedelta(days=6)
    last = calendar.monthrange(day.year, day.month)[1]
    return f"{day.year}-{day.month:02d}", day.replace(day=1), day.replace(day=last)


def _backwards(cols: CodedColumns, timed: np.ndarray) -> int:
    """How often a timed turn comes before the conversation's previous timed turn."""
    if len(timed) < 2:
        return 0
    conversation = cols.conversation[timed]
    if np.all(conversation[1:] >= conversation[:-1]):  # conversations one after another: already in order
        order = timed
    else:
        order = timed[np.argsort(conversation, kind="stable")]
    del conversation
    later, earlier = order[1:], order[:-1]
    same = cols.conversation[later] == cols.conversation[earlier]
    if cols.aware:
        aware = (cols.offset[later] != NAIVE) & (cols.offset[earlier] != NAIVE)
        instants = cols.instants()
        before = np.where(aware, instants[later] < instants[earlier], cols.wall[later] < cols.wall[earlier])
    else:
        before = cols.wall[later] < cols.wall[earlier]
    return int(np.count_nonzero(same & before))


def _shares(cols: CodedColumns, positions: np.ndarray) -> tuple[Shares, dict[str, Shares]]:
    """The move shares of the turns at ``positions``, overall and by speaker (in order of first turn)."""
    speakers = cols.speaker[positions]
    found, first = np.unique(speakers, return_index=True)
    # speaker * 4 + move (outside the codebook: neutral), in the speakers' own small integers
    pairs = speakers * 4 + np.minimum(cols.move[positions], NEUTRAL)
    del speakers
    counts = np.bincount(pairs, minlength=(int(found.max()) + 1) * 4 if len(found) else 0)
    del pairs
    by_speaker = {}
    overall = Shares.of_counts(len(positions), counts.reshape(-1, 4).sum(axis=0).tolist() if len(counts) else [0] * 4)
    for speaker in found[np.argsort(first)].tolist():
        row = counts[speaker * 4:speaker * 4 + 4].tolist()
        by_speaker[cols.speakers[speaker]] = Shares.of_counts(sum(row), row)
    return overall, by_speaker


def trends(sequence: CodedSequence | CodedColumns, unit: Unit = "week", *, episodes: EpisodeReport | None = None,
           seed: int = 0) -> TrendReport:
    """Move shares, episodes and repair times per period, and whether the cycle is loosening.

    ``episodes`` may be passed when already found for the same sequence.
    Never raises on odd times: missing ones are skipped, backwards ones are
    counted, and ``notes`` says so.
    """
    if unit not in ("week", "month"):
        raise ValueError(f"unit must be 'week' or 'month', got {unit!r}")
    cols = sequence if isinstance(sequence, CodedColumns) else columns_of(sequence)
    turn = cols.source == 0
    has_time = cols.wall != NO_TIME
    turns = int(np.count_nonzero(turn))
    timed = np.flatnonzero(turn & has_time)
    notes: list[str] = []
    if not turns:
        notes.append("the input has no turns")
    elif not len(timed):
        notes.append("no turn has a time, so there are no weeks or months to compare")
    elif len(timed) < turns:
        notes.append(f"{turns - len(timed)} of {turns} turns have no time and are left out")
    if backwards := _backwards(cols, timed):
        notes.append(f"time runs backwards at {backwards} place(s) (a clock change or an out-of-order "
                     "export); each turn is counted in the period of its own time")

    periods_of_day: dict[int, tuple[str, date, date]] = {}

    def period_at(day: int) -> tuple[str, date, date]:
        found = periods_of_day.get(day)
        if found is None:
            found = periods_of_day[day] = period_of(date.fromordinal(_ORDINAL_1970 + day), unit)
        return found

    buckets: dict[str, list[np.ndarray]] = {}
    bounds: dict[str, tuple[date, date]] = {}
    timed_days = cols.wall[timed] // DAY_US
    unique_days, inverse = np.unique(timed_days, return_inverse=True)
    labels = [period_at(int(day)) for day in unique_days.tolist()]
    spans = {label: (first, last) for label, first, last in labels}
    names = list(spans)
    label_index = {name: k for k, name in enumerate(names)}
    of_day = np.array([label_index[label] for label, _, _ in labels], np.int64)
    turn_label = of_day[inverse] if len(timed) else np.zeros(0, np.int64)
    order = np.argsort(turn_label, kind="stable")
    cuts = np.searchsorted(turn_label[order], np.arange(len(names) + 1))
    for k, name in enumerate(names):
        buckets[name] = [timed[order[cuts[k]:cuts[k + 1]]]]
        bounds[name] = spans[name]

    report = episodes if episodes is not None else find_episodes(cols)
    by_period: dict[str, list[float | None]] = {}  # each episode's repair time, in seconds
    undated = 0
    for start, repair in _episode_starts(cols, report):
        if start is None:
            undated += 1
            continue
        label, first, last = period_at(start)
        by_period.setdefault(label, []).append(repair)
        bounds.setdefault(label, (first, last))
        buckets.setdefault(label, [])
    if undated and len(timed):
        notes.append(f"{undated} episode(s) have no time and are left out of the periods")

    periods = []
    for label in sorted(buckets, key=lambda k: bounds[k][0]):
        first, last = bounds[label]
        eps = by_period.get(label, [])
        repairs = [r for r in eps if r is not None]
        positions = buckets[label][0] if buckets[label] else np.zeros(0, np.int64)
        overall, by_speaker = _shares(cols, positions)
        periods.append(PeriodStats(
            period=label, first_day=first, last_day=last,
            overall=overall,
            by_speaker=by_speaker,
            episodes=len(eps),
            episodes_per_week=len(eps) * 7 / ((last - first).days + 1),
            median_repair=timedelta(seconds=median(repairs)) if repairs else None,
        ))
    overall, by_speaker = _shares(cols, timed)
    return TrendReport(unit, periods, overall, by_speaker, change_test(periods, unit, seed=seed), notes)


_ORDINAL_1970 = date(1970, 1, 1).toordinal()


def _episode_starts(cols: CodedColumns, report: EpisodeReport) -> Iterator[tuple[int | None, float | None]]:
    """Each episode's start day (days since 1970; None: no time) and repair time in seconds (None: none)."""
    index = report.index
    if index is None or len(index) != len(report.episodes):
        for ep in report.episodes:
            start = ep.start_time
            repair = ep.repair_from_start.total_seconds() if ep.repair_from_start is not None else None
            yield (None if start is None else start.date().toordinal() - _ORDINAL_1970), repair
        return
    for k in range(len(index)):
        at, closer = int(index.start_time[k]), int(index.closer[k])
        if at < 0:
            yield None, None
            continue
        repair = _since_at(cols, closer, at)
        yield int(cols.wall[at]) // DAY_US, (repair.total_seconds() if repair is not None else None)


# --- the change test ------------------------------------------------------

def _s_of(rows: np.ndarray) -> np.ndarray:
    """Mann–Kendall S of each row."""
    i, j = np.triu_indices(rows.shape[1], 1)
    return np.sign(rows[:, j] - rows[:, i]).sum(axis=1)


def mann_kendall(values: Sequence[float], *, seed: int = 0) -> tuple[int, float, float, str]:
    """S, Kendall's tau (against time order), two-sided p-value and the method used."""
    x = np.round(np.asarray(values, dtype=float), 12)  # float noise is not a trend
    n = len(x)
    if n < 2:
        return 0, 0.0, 1.0, "exact permutation"
    s = int(_s_of(x[None, :])[0])
    tau = s / (n * (n - 1) / 2)
    if n > NORMAL_ABOVE:
        ties = np.unique(x, return_counts=True)[1]
        var = (n * (n - 1) * (2 * n + 5) - float(np.sum(ties * (ties - 1) * (2 * ties + 5)))) / 18
        z = (s - np.sign(s)) / math.sqrt(var) if var > 0 else 0.0
        return s, tau, math.erfc(abs(z) / math.sqrt(2)), "normal approximation"
    if n <= EXACT_UP_TO:
        perms = np.array(list(itertools.permutations(x)))
        return s, tau, float(np.mean(np.abs(_s_of(perms)) >= abs(s))), "exact permutation"
    rng = np.random.default_rng(seed)
    hits = 0
    for start in range(0, PERMUTATIONS, 1000):  # in chunks to keep memory small
        rows = rng.permuted(np.tile(x, (min(1000, PERMUTATIONS - start), 1)), axis=1)
        hits += int(np.sum(np.abs(_s_of(rows)) >= abs(s)))
    return s, tau, (hits + 1) / (PERMUTATIONS + 1), "permutation"


def _series(name: str, values: list[float], seed: int) -> SeriesTest:
    s, tau, p, method = mann_kendall(values, seed=seed)
    k = max(1, len(values) // 3)
    first, last = float(np.mean(values[:k])), float(np.mean(values[-k:]))
    direction: Literal["up", "down", "flat"] = "flat"
    if p < ALPHA_EACH and abs(last - first) >= MIN_CHANGE:
        if s > 0 and last > first:
            direction = "up"
        elif s < 0 and last < first:
            direction = "down"
    return SeriesTest(name, values, s, tau, p, method, first, last, direction)  # type: ignore[arg-type]


def _describe(t: SeriesTest) -> str:
    verb = {"up": "rose", "down": "fell", "flat": "went"}[t.direction]
    return f"{t.name} {verb} from {t.first_third:.0%} to {t.last_third:.0%} of turns (p = {t.p_value:.3f})"


def change_test(periods: Sequence[PeriodStats], unit: Unit = "week", *, seed: int = 0) -> ChangeTest:
    """Whether the share of pursue+withdraw and the share of soften move over the periods."""
    used = [p for p in periods if p.overall.turns >= MIN_PERIOD_TURNS]
    noun, verb = (unit, "has") if len(used) == 1 else (f"{unit}s", "have")
    if len(used) < MIN_PERIODS:
        return ChangeTest("not enough data",
                          f"{len(used)} {noun} {verb} at least {MIN_PERIOD_TURNS} timed turns; "
                          f"at least {MIN_PERIODS} are needed to tell a change from chance",
                          [p.period for p in used], None, None)
    tension = _series("pursue+withdraw", [p.overall.tension for p in used], seed)
    soften = _series("soften", [p.overall.soften for p in used], seed + 1)
    looser = tension.direction == "down" or soften.direction == "up"
    tighter = tension.direction == "up" or soften.direction == "down"
    verdict: Verdict = ("loosening" if looser and not tighter else
                        "tightening" if tighter and not looser else "no clear change")
    why = f"over {len(used)} {noun}: {_describe(tension)}; {_describe(soften)}"
    if looser and tighter:
        why += " (the two point different ways)"
    return ChangeTest(verdict, why, [p.period for p in used], tension, soften)
