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


_CHUNK = 1 << 18  # events read at once: temporaries of a long chat stay a few MB


def _instants(cols: CodedColumns, part: slice | np.ndarray) -> np.ndarray:
    """:meth:`CodedColumns.instants` of some events only."""
    wall = cols.wall[part]
    if not cols.aware:
        return wall
    offset = cols.offset[part]
    return np.where(offset != NAIVE, wall - offset.astype(np.int64) * 1_000_000, wall)


def _in_order(cols: CodedColumns) -> bool:
    """Whether the conversations come one after another (as a chat read from a file gives them)."""
    conversation, n = cols.conversation, len(cols)
    return all(bool(np.all(conversation[lo + 1:min(n, lo + _CHUNK + 1)] >= conversation[lo:min(n, lo + _CHUNK + 1) - 1]))
               for lo in range(0, max(n - 1, 0), _CHUNK))


class _Tally:
    """Timed turns counted by period and speaker, read a block of events at a time (see :func:`_tally`)."""

    def __init__(self) -> None:
        self.turns = 0  # written turns
        self.timed = 0
        self.backwards = 0
        self.days: list[np.ndarray] = []  # each block's distinct days
        self.counts: dict[tuple[int, int], np.ndarray] = {}  # (day, speaker) -> counts of the 4 moves
        self.first: dict[tuple[int, int], int] = {}  # (day, speaker) -> position of its first turn


def _tally(cols: CodedColumns) -> _Tally:
    """Turns, timed turns, backwards steps and move counts by (day, speaker): what :func:`trends` reads
    of every turn, a block at a time (no array of the chat's length). Conversations must come one
    after another (:func:`_in_order`)."""
    found = _Tally()
    n = len(cols)
    last: tuple[int, int] | None = None  # conversation and instant of the previous timed turn
    for lo in range(0, n, _CHUNK):
        hi = min(n, lo + _CHUNK)
        turn = cols.source[lo:hi] == 0
        found.turns += int(np.count_nonzero(turn))
        timed = np.flatnonzero(turn & (cols.wall[lo:hi] != NO_TIME))
        del turn
        if not len(timed):
            continue
        timed += lo
        found.timed += len(timed)
        conversation = cols.conversation[timed]
        wall = cols.wall[timed]
        # backwards: a timed turn before the previous timed turn of its conversation (instants when both are aware)
        if cols.aware:
            offset = cols.offset[timed]
            aware = offset != NAIVE
            instants = np.where(aware, wall - offset.astype(np.int64) * 1_000_000, wall)
        if last is not None:
            if cols.aware:
                both = last[2] and bool(aware[0])
                earlier = last[3] if both else last[1]
                now = int(instants[0]) if both else int(wall[0])
            else:
                earlier, now = last[1], int(wall[0])
            found.backwards += int(last[0] == int(conversation[0]) and now < earlier)
        same = conversation[1:] == conversation[:-1]
        if cols.aware:
            both = aware[1:] & aware[:-1]
            before = np.where(both, instants[1:] < instants[:-1], wall[1:] < wall[:-1])
        else:
            before = wall[1:] < wall[:-1]
        found.backwards += int(np.count_nonzero(same & before))
        last = (int(conversation[-1]), int(wall[-1]), bool(aware[-1]) if cols.aware else False,
                int(instants[-1]) if cols.aware else 0)
        del conversation, same, before
        days = wall // DAY_US
        del wall
        unique, inverse = np.unique(days, return_inverse=True)
        found.days.append(unique)
        speakers = len(cols.speakers)
        key = inverse.astype(np.int64) * speakers + cols.speaker[timed]
        distinct, first, which = np.unique(key, return_index=True, return_inverse=True)
        moves = np.minimum(cols.move[timed], NEUTRAL)  # outside the codebook: neutral
        counts = np.bincount(which * 4 + moves, minlength=len(distinct) * 4).reshape(-1, 4)
        for k, code in enumerate(distinct.tolist()):
            day, speaker = int(unique[code // speakers]), code % speakers
            if (day, speaker) in found.counts:
                found.counts[(day, speaker)] += counts[k]
            else:
                found.counts[(day, speaker)] = counts[k].copy()
                found.first[(day, speaker)] = int(timed[first[k]])
    return found


def _shares_of(cols: CodedColumns, entry: dict[int, list]) -> tuple[Shares, dict[str, Shares]]:
    """:func:`_shares` from counts by speaker (``speaker -> [counts of the 4 moves, first position]``)."""
    total = np.zeros(4, np.int64)
    for counts, _ in entry.values():
        total += counts
    by_speaker = {cols.speakers[speaker]: Shares.of_counts(int(counts.sum()), counts.tolist())
                  for speaker, (counts, _) in sorted(entry.items(), key=lambda item: item[1][1])}
    return Shares.of_counts(int(total.sum()), total.tolist()), by_speaker


def _merge(into: dict[int, list], speaker: int, counts: np.ndarray, first: int) -> None:
    if speaker in into:
        into[speaker][0] = into[speaker][0] + counts
        into[speaker][1] = min(into[speaker][1], first)
    else:
        into[speaker] = [counts, first]


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
    found: _Tally | None = None
    if _in_order(cols):  # a block at a time, counts by day and speaker
        found = _tally(cols)
        turns, timed_count, backwards = found.turns, found.timed, found.backwards
        timed = np.zeros(0, np.int64)
    else:  # conversations interleaved (coded turns given out of order): the positions themselves
        turn = cols.source == 0
        has_time = cols.wall != NO_TIME
        turns = int(np.count_nonzero(turn))
        timed = np.flatnonzero(turn & has_time)
        timed_count, backwards = len(timed), _backwards(cols, timed)
    notes: list[str] = []
    if not turns:
        notes.append("the input has no turns")
    elif not timed_count:
        notes.append("no turn has a time, so there are no weeks or months to compare")
    elif timed_count < turns:
        notes.append(f"{turns - timed_count} of {turns} turns have no time and are left out")
    if backwards:
        notes.append(f"time runs backwards at {backwards} place(s) (a clock change or an out-of-order "
                     "export); each turn is counted in the period of its own time")

    periods_of_day: dict[int, tuple[str, date, date]] = {}

    def period_at(day: int) -> tuple[str, date, date]:
        found = periods_of_day.get(day)
        if found is None:
            found = periods_of_day[day] = period_of(date.fromordinal(_ORDINAL_1970 + day), unit)
        return found

    buckets: dict[str, tuple[Shares, dict[str, Shares]] | None] = {}  # each period's shares
    bounds: dict[str, tuple[date, date]] = {}
    if found is not None:
        unique_days = np.unique(np.concatenate(found.days)) if found.days else np.zeros(0, np.int64)
        label_of = {day: period_at(day)[0] for day in unique_days.tolist()}
        by_label: dict[str, dict[int, list]] = {}
        everyone: dict[int, list] = {}
        for (day, speaker), counts in found.counts.items():
            _merge(by_label.setdefault(label_of[day], {}), speaker, counts, found.first[(day, speaker)])
            _merge(everyone, speaker, counts, found.first[(day, speaker)])
        for day in unique_days.tolist():
            label, first, last = period_at(day)
            if label not in buckets:
                buckets[label] = _shares_of(cols, by_label[label])
                bounds[label] = (first, last)
        whole = _shares_of(cols, everyone)
    else:
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
            buckets[name] = _shares(cols, timed[order[cuts[k]:cuts[k + 1]]])
            bounds[name] = spans[name]
        whole = _shares(cols, timed)

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
        buckets.setdefault(label, None)
    if undated and timed_count:
        notes.append(f"{undated} episode(s) have no time and are left out of the periods")

    periods = []
    for label in sorted(buckets, key=lambda k: bounds[k][0]):
        first, last = bounds[label]
        eps = by_period.get(label, [])
        repairs = [r for r in eps if r is not None]
        overall, by_speaker = buckets[label] or _shares(cols, np.zeros(0, np.int64))
        periods.append(PeriodStats(
            period=label, first_day=first, last_day=last,
            overall=overall,
            by_speaker=by_speaker,
            episodes=len(eps),
            episodes_per_week=len(eps) * 7 / ((last - first).days + 1),
            median_repair=timedelta(seconds=median(repairs)) if repairs else None,
        ))
    overall, by_speaker = whole
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

_PAIRS_AT_ONCE = 1 << 20  # pairs of values compared in one array (8 MB); more are summed a row at a time


def _s_of(rows: np.ndarray) -> np.ndarray:
    """Mann–Kendall S of each row.

    Every pair at once while that is small; else one earlier value against all later ones at a
    time (a decade of weeks is hundreds of values: millions of pairs). The signs are whole
    numbers, so both sums are exact and the same.
    """
    n = rows.shape[1]
    if rows.shape[0] * n * (n - 1) // 2 <= _PAIRS_AT_ONCE:
        i, j = np.triu_indices(n, 1)
        return np.sign(rows[:, j] - rows[:, i]).sum(axis=1)
    total = np.zeros(rows.shape[0])
    for i in range(n - 1):
        total += np.sign(rows[:, i + 1:] - rows[:, i:i + 1]).sum(axis=1)
    return total


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
