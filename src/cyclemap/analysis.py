"""``cyclemap analyze``: from a chat to one document describing its cycle.

The steps: read the turns, label them (or keep the codes they carry), turn
them into coded sequences with the timing events, then read the sequential
statistics, the pattern and roles per pair, the episodes with their topics,
the trends, role reversals by period and by topic, and the safety findings.
The document's shape is described by ``schemas/analysis.schema.json``.

Memory stays bounded on a long chat: the labelled turns stream into compact
columns (:mod:`.cycle.columns`) and are dropped; every reading works on the
columns; episodes and safety findings are made (or decoded) only when the
document is written (:func:`write_json`), one at a time.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import __version__
from .classify import LabelledTurn, classify_stream, input_turns, load_corrections, open_cache
from .cycle.coding import coded_columns
from .cycle.columns import DAY_US, NO_TIME, CodedColumns, StringColumn, give_back, own_pages
from .cycle.episodes import EpisodeReport, find_episodes
from .cycle.patterns import find_patterns, role_reversals
from .cycle.sequential import CodedView
from .cycle.trends import trends
from .ingest import ReadOptions
from .moves.labeller import Labeller
from .moves.label import Evidence
from .moves.readable import NOT_READ
from .resources import help_resources
from .safety import SafetyFinding, conversation_flagged

SCHEMA_ID = "https://cyclemap.invalid/schemas/analysis/1"
#: Permutations for the p-values of the whole chat; periods and topics use fewer.
PERMUTATIONS = 1000
PART_PERMUTATIONS = 0  # roles by period and topic: the contingencies, without p-values
#: Role reversals are read over at most this many spans of time.
MAX_ROLE_PERIODS = 12
#: Conversations read one by one (a researcher's many transcripts); more are pooled only.
MAX_CONVERSATIONS = 500


class _Found:
    """What deciding on the whole chat reads from a finding (see ``conversation_flagged``)."""

    __slots__ = ("flags", "clear", "position")

    def __init__(self, flags: tuple[str, ...], clear: bool, position: int) -> None:
        self.flags, self.clear, self.position = flags, clear, position


class Findings:
    """The safety findings of a chat: the few facts the decision needs, and each one's JSON, compressed.

    A long chat can have a hundred thousand turns that came near; held as
    objects with their evidence they would take more than the chat's codes.
    """

    def __init__(self) -> None:
        self.light: list[_Found] = []
        self._texts = StringColumn()
        self._pending: list[str] = []

    def append(self, finding: SafetyFinding) -> None:
        self.add(finding.turn_id, finding.speaker, finding.flags, finding.evidence, finding.position)

    def add(self, turn_id: str, speaker: str | None, flags: tuple[str, ...], evidence: tuple[Evidence, ...],
            position: int) -> None:
        """What :meth:`append` keeps of ``SafetyFinding(turn_id, speaker, flags, evidence, position)``,
        without making the finding (a long chat has a hundred thousand)."""
        clear = any(e.reason.endswith("(clear)") for e in evidence)  # SafetyFinding.clear
        self.light.append(_Found(flags, clear, position))
        self._pending.append(_ENCODER.encode({  # SafetyFinding.to_json()
            "turn": turn_id, "speaker": speaker, "flags": list(flags), "clear": clear,
            "evidence": [e.to_json() for e in evidence],
        }))
        if len(self._pending) >= 1024:
            self._texts.extend(self._pending)
            self._pending = []

    def __len__(self) -> int:
        return len(self.light)

    def fragments(self) -> Iterator[str]:
        for k in range(len(self._texts)):
            yield self._texts[k]  # type: ignore[misc]
        yield from self._pending


class _Tally:
    """What the analysis needs from the labelled turns besides the coded sequences,
    gathered while they stream past (so no turn is kept twice)."""

    def __init__(self) -> None:
        self.turns = 0
        self.given_codes = 0
        self.not_read = 0  # messages in another language, or only emoji: their words were not read
        self.findings = Findings()

    def see(self, row: LabelledTurn) -> None:
        self.turns += 1
        label = row.label
        if label.evidence and any(e.reason in ("coded input", "corrected by a person") for e in label.evidence):
            self.given_codes += 1
        elif label.evidence and label.evidence[0].reason.startswith(NOT_READ):
            self.not_read += 1
        if label.safety:
            evidence = tuple(e for e in label.evidence if e.reason.startswith("safety"))
            if not evidence:  # flags given with coded input count as clear
                evidence = tuple(Evidence(f"safety: {f} (clear)", "given with the input") for f in label.safety)
            self.findings.add(row.turn.id, row.turn.speaker, label.safety, evidence, self.turns)

    def watch(self, rows: Iterable[LabelledTurn]) -> Iterable[LabelledTurn]:
        for row in rows:
            self.see(row)
            yield row


def _safety(findings: Findings, country: str | None = None, lazy: bool = False) -> dict[str, Any]:
    flags = Counter(flag for f in findings.light for flag in f.flags)
    flagged = conversation_flagged(findings.light)  # type: ignore[arg-type]
    return {
        "flagged": flagged,
        "flags": dict(flags),
        "turns": FindingDocuments(findings) if lazy else [json.loads(f) for f in findings.fragments()],
        "resources": help_resources(country) if flagged else [],
        "note": (
            "Signs of danger were found. What happens here may not be a shared dance, and couple "
            "exercises are not the right next step; please look at the help resources."
            if flagged
            else "The safety screen found no clear signs of violence, control, self-harm or fear."
            + (f" ({len(findings)} turn(s) came near; a therapist may want to look.)" if findings else "")
        ),
    }


_CHUNK = 1 << 18  # events read at once by the steps here


class PeriodGroups(Mapping[str, np.ndarray]):
    """The positions of the timed events of each period (ISO week or month), periods in order of their key.

    Each event's period is kept as one small number (2 bytes an event); a period's
    positions are made when asked for, so only one period's are held at a time.
    """

    def __init__(self, cols: CodedColumns, unit: str) -> None:
        days: set[int] = set()
        n = len(cols)
        for lo in range(0, n, _CHUNK):
            wall = cols.wall[lo:lo + _CHUNK]
            days.update(np.unique(wall[wall != NO_TIME] // DAY_US).tolist())
        ordered = sorted(days)
        keys = [_period_key(number, unit) for number in ordered]
        self.names = sorted(set(keys))
        rank_of = {name: k for k, name in enumerate(self.names)}
        day_rank = np.array([rank_of[key] for key in keys], np.int64)
        day_list = np.array(ordered, np.int64)
        self.rank = np.empty(n, np.int16 if len(self.names) < 2**15 else np.int32)  # -1: no time
        for lo in range(0, n, _CHUNK):
            wall = cols.wall[lo:lo + _CHUNK]
            timed = wall != NO_TIME
            rank = np.full(len(wall), -1, self.rank.dtype)
            rank[timed] = day_rank[np.searchsorted(day_list, wall[timed] // DAY_US)]
            self.rank[lo:lo + len(wall)] = rank
        self._spans = [(k, k) for k in range(len(self.names))]

    def coarsen(self, most: int) -> PeriodGroups:
        """Consecutive periods merged into at most ``most`` spans (years of weeks would be hundreds)."""
        if len(self._spans) > most:
            size = -(-len(self.names) // most)
            self._spans = [(a, min(a + size, len(self.names)) - 1) for a in range(0, len(self.names), size)]
        return self

    def _name(self, span: tuple[int, int]) -> str:
        a, b = span
        return self.names[a] if a == b and len(self._spans) == len(self.names) else f"{self.names[a]}..{self.names[b]}"

    def __iter__(self) -> Iterator[str]:
        return (self._name(span) for span in self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __getitem__(self, name: str) -> np.ndarray:
        for span in self._spans:
            if self._name(span) == name:
                a, b = span
                rank = self.rank
                positions = np.flatnonzero((rank >= a) & (rank <= b)) if a != b else np.flatnonzero(rank == a)
                # period after period (as the periods were merged), each in order
                return positions[np.argsort(rank[positions], kind="stable")] if a != b else positions
        raise KeyError(name)


def _period_key(day_number: int, unit: str) -> str:
    day = date.fromordinal(_ORDINAL_1970 + day_number)
    return f"{day:%Y-%m}" if unit == "month" else f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"


def _groups_by_period(cols: CodedColumns, unit: str) -> PeriodGroups:
    """The positions of the timed events of each period (ISO week or month), periods in order of their key."""
    return PeriodGroups(cols, unit)


_ORDINAL_1970 = date(1970, 1, 1).toordinal()


def _coarsen(groups: PeriodGroups, most: int = MAX_ROLE_PERIODS) -> PeriodGroups:
    """Merge consecutive periods into at most ``most`` spans (years of weeks would be hundreds)."""
    return groups.coarsen(most)


class TopicGroups(Mapping[str, np.ndarray]):
    """The events of every episode of each coarse topic, episode after episode, made when asked for."""

    def __init__(self, report: EpisodeReport) -> None:
        self._index = report.index
        self._names = list(dict.fromkeys(self._index.coarse)) if self._index is not None else []

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._names:
            raise KeyError(name)
        index = self._index
        chosen = np.array([k for k, coarse in enumerate(index.coarse) if coarse == name], np.int64)
        first, last = index.first[chosen], index.last[chosen]
        lengths = last - first + 1
        starts = np.cumsum(lengths) - lengths  # where each episode's events begin in the result
        return np.repeat(first - starts, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


def _groups_by_topic(report: EpisodeReport) -> TopicGroups:
    """The events of every episode of each coarse topic, episode after episode."""
    return TopicGroups(report)


def _conversation_views(cols: CodedColumns, most: int) -> Iterator[tuple[str | None, CodedView]]:
    """Each conversation seen (empty ones too), in order, as one view; at most ``most``."""
    order = np.argsort(cols.conversation, kind="stable")
    cuts = np.searchsorted(cols.conversation[order], np.arange(len(cols.conversations) + 1))
    for k, name in enumerate(cols.conversations[:most]):
        yield name, CodedView.one(cols, order[cuts[k]:cuts[k + 1]])


def _reading(report) -> dict[str, Any]:
    """A period's or topic's reading without its statistics tables (the whole chat has those)."""
    data = report.to_json()
    for pair in data["pairs"]:
        pair.pop("statistics", None)
    return data


class LazyDocuments(Sequence[dict[str, Any]]):
    """A list of JSON objects made when read, never all at once; :func:`write_json` streams it.

    Not a list: ``json.dumps`` refuses it rather than writing it wrongly.
    """

    def fragments(self) -> Iterator[str]:
        """Each item as JSON text, in order."""
        encode = _ENCODER.encode
        return (encode(item) for item in self)


class EpisodeDocuments(LazyDocuments):
    """The episodes' JSON objects, each made when it is read.

    A long chat has tens of thousands of episodes; the command line streams
    them to its output (:func:`write_json`) instead of holding every object.
    """

    def __init__(self, episodes: Sequence[Any]) -> None:
        self._episodes = episodes

    def __len__(self) -> int:
        return len(self._episodes)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [e.to_json() for e in self._episodes[index]]
        return self._episodes[index].to_json()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (e.to_json() for e in self._episodes)


class FindingDocuments(LazyDocuments):
    """The safety findings' JSON objects, kept as JSON text until read."""

    def __init__(self, findings: Findings) -> None:
        self._findings = findings

    def __len__(self) -> int:
        return len(self._findings)

    def __getitem__(self, index):  # type: ignore[override]
        items = list(self)
        return items[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (json.loads(f) for f in self._findings.fragments())

    def fragments(self) -> Iterator[str]:
        return self._findings.fragments()


def analyze_rows(
    rows: Iterable[LabelledTurn], *, permutations: int = PERMUTATIONS, seed: int = 0, country: str | None = None,
    lazy_episodes: bool = False,
) -> dict[str, Any]:
    """The analysis document for labelled turns (see the module docstring).

    ``lazy_episodes``: ``document["episodes"]`` is an :class:`EpisodeDocuments` (made
    on reading) instead of a list, for callers that only stream the document out.
    """
    tally = _Tally()
    cols = coded_columns(rows, watch=tally.see)
    whole = CodedView.whole(cols)
    overall = find_patterns(whole, permutations=permutations, seed=seed)
    conversations = len(whole.run_bounds())
    del whole  # two numbers an event
    give_back()  # each step's temporaries (arrays of the chat's length) go back before the next
    own_pages()  # ... and from here on, as soon as they are freed
    episodes = find_episodes(cols)
    give_back()
    span_days = 0.0
    walls = _wall_range(cols)
    if walls is not None:
        span_days = timedelta(microseconds=walls[1] - walls[0]).total_seconds() / 86400
    unit = "month" if span_days > 120 else "week"
    trend = trends(cols, unit, episodes=episodes, seed=seed)
    give_back()
    periods = _coarsen(_groups_by_period(cols, unit))
    topics = _groups_by_topic(episodes)
    per_conversation = []
    if conversations > 1:
        for name, view in _conversation_views(cols, MAX_CONVERSATIONS):
            report = find_patterns(view, label=name, permutations=min(permutations, PART_PERMUTATIONS), seed=seed)
            per_conversation.append(report.to_json())
    # Each period and topic read once, without examples; the same readings give the reversals.
    period_reports = {k: find_patterns(CodedView.one(cols, v), label=k, permutations=PART_PERMUTATIONS, seed=seed,
                                       detail=False) for k, v in periods.items()}
    topic_reports = {k: find_patterns(CodedView.one(cols, v), label=k, permutations=PART_PERMUTATIONS, seed=seed,
                                      detail=False) for k, v in topics.items()}
    del periods, topics
    by_period = role_reversals(period_reports) if len(period_reports) > 1 else []
    by_topic = role_reversals(topic_reports) if len(topic_reports) > 1 else []
    people = overall.participants
    counts = _move_counts(cols)
    moves = {(cols.speakers[k], code): int(counts[k * 5 + i]) for k in range(len(cols.speakers))
             for i, code in enumerate(("pursue", "withdraw", "soften", "neutral"))}
    document = overall.to_json()
    if tally.not_read and 2 * tally.not_read > int(counts.sum()):
        _unread(document)  # a "calm" reading of words cyclemap could not read would be made up
    return {
        "$schema": SCHEMA_ID,
        "cyclemap_version": __version__,
        "participants": list(people),
        "turns": tally.turns,
        "coded_events": len(cols),
        "moves": {person: {m: moves[(person, m)] for m in ("pursue", "withdraw", "soften", "neutral")} for person in people},
        "overall": document["overall"],
        "pairs": document["pairs"],
        "conversations": per_conversation,
        "periods": [_reading(r) for r in period_reports.values()],
        "topics": [_reading(r) for r in topic_reports.values()],
        "episodes": EpisodeDocuments(episodes.episodes) if lazy_episodes else [e.to_json() for e in episodes.episodes],
        "episodes_summary": episodes.summary,
        "trends": trend.to_json(),
        "role_reversals": {
            "by_period": [r.to_json() for r in by_period],
            "by_topic": [r.to_json() for r in by_topic],
        },
        "safety": _safety(tally.findings, country, lazy=lazy_episodes),
        "notes": list(episodes.notes) + list(trend.notes),
        "source": {"turns_with_given_codes": tally.given_codes, "turns_not_read": tally.not_read},
    }


def _wall_range(cols: CodedColumns) -> tuple[int, int] | None:
    """The earliest and latest wall-clock time (microseconds), a block at a time; None without times."""
    low = high = None
    for lo in range(0, len(cols), _CHUNK):
        wall = cols.wall[lo:lo + _CHUNK]
        wall = wall[wall != NO_TIME]
        if len(wall):
            low = int(wall.min()) if low is None else min(low, int(wall.min()))
            high = int(wall.max()) if high is None else max(high, int(wall.max()))
    return None if low is None else (low, high)


def _move_counts(cols: CodedColumns) -> np.ndarray:
    """Written turns by speaker and move (speaker * 5 + move), a block at a time."""
    counts = np.zeros((len(cols.speakers) + 1) * 5, np.int64)
    for lo in range(0, len(cols), _CHUNK):
        written = cols.source[lo:lo + _CHUNK] == 0
        keys = cols.speaker[lo:lo + _CHUNK][written].astype(np.int64) * 5 + cols.move[lo:lo + _CHUNK][written]
        counts += np.bincount(keys, minlength=len(counts))
    return counts


def _unread(document: dict[str, Any]) -> None:
    """No pattern, overall or for any pair, when cyclemap could not read most messages' words."""
    reason = ("not enough to see a pattern: most messages are not in English or are only emoji, "
              "which cyclemap cannot read")
    for reading in (document["overall"], *document["pairs"]):
        reading.update(pattern=None, confidence=0.0, reason=reason, pursuer=None, withdrawer=None)


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def write_json(document: dict[str, Any], handle: IO[str]) -> None:
    """Write ``json.dumps(document, ensure_ascii=False)`` and a newline to ``handle``, piece by piece.

    The same text, without ever holding all of it: a long chat's document is
    mostly its episodes and safety findings (:class:`LazyDocuments`), so those
    are encoded (in C) one at a time.
    """
    if not all(isinstance(key, str) for key in document):  # keys the encoder would convert
        handle.write(_ENCODER.encode(document) + "\n")
        return
    _write(document, handle)
    handle.write("\n")


def _write(value: Any, handle: IO[str]) -> None:
    encode = _ENCODER.encode
    if isinstance(value, LazyDocuments) or (isinstance(value, list) and len(value) > 64):
        handle.write("[")
        items = value.fragments() if isinstance(value, LazyDocuments) else map(encode, value)
        for k, item in enumerate(items):
            handle.write((", " if k else "") + item)
        handle.write("]")
    elif isinstance(value, dict) and all(isinstance(key, str) for key in value) and _holds_lazy(value):
        handle.write("{")
        for number, (key, item) in enumerate(value.items()):
            handle.write((", " if number else "") + encode(key) + ": ")
            _write(item, handle)
        handle.write("}")
    else:
        handle.write(encode(value))


def _holds_lazy(value: dict[str, Any]) -> bool:
    """Whether a part of ``value`` is worth writing piece by piece."""
    return any(
        isinstance(item, LazyDocuments) or (isinstance(item, list) and len(item) > 64)
        or (isinstance(item, dict) and _holds_lazy(item))
        for item in value.values()
    )


def analyze(
    path: Path,
    *,
    fast: bool = False,
    format: str = "auto",
    options: ReadOptions | None = None,
    corrections: Path | None = None,
    cache: bool = True,
    permutations: int = PERMUTATIONS,
    progress: Callable[[int], None] | None = None,
    country: str | None = None,
    lazy_episodes: bool = False,
) -> dict[str, Any]:
    """Read, label and analyse one chat file (or JSON Lines of turns, coded or not).

    ``lazy_episodes``: see :func:`analyze_rows` (for a caller that streams the document out).
    """
    # The document quotes no label evidence (only safety evidence), so none is searched for.
    labeller = Labeller(fast=fast, cache=open_cache(cache), explain=False)
    fixes = load_corrections(corrections) if corrections else {}
    rows = classify_stream(input_turns(path, format, options), labeller, fixes, progress,
                           warn=options.warn if options else None)
    document = analyze_rows(rows, permutations=permutations, country=country, lazy_episodes=lazy_episodes)
    document["source"].update(file=path.name, model=labeller.model_name)
    return document
