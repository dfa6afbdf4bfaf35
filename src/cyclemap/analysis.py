"""``cyclemap analyze``: from a chat to one document describing its cycle.

The steps: read the turns, label them (or keep the codes they carry), turn
them into coded sequences with the timing events, then read the sequential
statistics, the pattern and roles per pair, the episodes with their topics,
the trends, role reversals by period and by topic, and the safety findings.
The document's shape is described by ``schemas/analysis.schema.json``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from . import __version__
from .classify import LabelledTurn, classify_stream, input_turns, load_corrections, open_cache
from .cycle.coded import CodedTurn
from .cycle.coding import coded_sequences
from .cycle.episodes import find_episodes
from .cycle.patterns import find_patterns, role_reversals
from .cycle.trends import trends
from .ingest import ReadOptions
from .moves.labeller import Labeller
from .moves.label import Evidence
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


class _Tally:
    """What the analysis needs from the labelled turns besides the coded sequences,
    gathered while they stream past (so no turn is kept twice)."""

    def __init__(self) -> None:
        self.turns = 0
        self.given_codes = 0
        self.findings: list[SafetyFinding] = []

    def watch(self, rows: Iterable[LabelledTurn]) -> Iterable[LabelledTurn]:
        for row in rows:
            self.turns += 1
            if any(e.reason in ("coded input", "corrected by a person") for e in row.label.evidence):
                self.given_codes += 1
            if row.label.safety:
                evidence = tuple(e for e in row.label.evidence if e.reason.startswith("safety"))
                if not evidence:  # flags given with coded input count as clear
                    evidence = tuple(Evidence(f"safety: {f} (clear)", "given with the input") for f in row.label.safety)
                self.findings.append(SafetyFinding(row.turn.id, row.turn.speaker, row.label.safety, evidence, self.turns))
            yield row


def _safety(findings: list[SafetyFinding], country: str | None = None) -> dict[str, Any]:
    flags = Counter(flag for f in findings for flag in f.flags)
    flagged = conversation_flagged(findings)
    return {
        "flagged": flagged,
        "flags": dict(flags),
        "turns": [f.to_json() for f in findings],
        "resources": help_resources(country) if flagged else [],
        "note": (
            "Signs of danger were found. What happens here may not be a shared dance, and couple "
            "exercises are not the right next step; please look at the help resources."
            if flagged
            else "The safety screen found no clear signs of violence, control, self-harm or fear."
            + (f" ({len(findings)} turn(s) came near; a therapist may want to look.)" if findings else "")
        ),
    }


def _groups_by_period(flat: list[CodedTurn], unit: str) -> dict[str, list[CodedTurn]]:
    groups: dict[str, list[CodedTurn]] = defaultdict(list)
    keys: dict[object, str] = {}  # the period of each day, worked out once per day
    for turn in flat:
        if turn.time is not None:
            day = turn.time.date()
            key = keys.get(day)
            if key is None:
                key = keys[day] = (
                    f"{turn.time:%Y-%m}" if unit == "month"
                    else f"{turn.time.isocalendar().year}-W{turn.time.isocalendar().week:02d}"
                )
            groups[key].append(turn)
    return dict(sorted(groups.items()))


def _coarsen(groups: dict[str, list[CodedTurn]], most: int = MAX_ROLE_PERIODS) -> dict[str, list[CodedTurn]]:
    """Merge consecutive periods into at most ``most`` spans (years of weeks would be hundreds)."""
    if len(groups) <= most:
        return groups
    keys = list(groups)
    size = -(-len(keys) // most)
    merged: dict[str, list[CodedTurn]] = {}
    for start in range(0, len(keys), size):
        span = keys[start:start + size]
        merged[f"{span[0]}..{span[-1]}"] = [t for key in span for t in groups[key]]
    return merged


def _groups_by_topic(flat: list[CodedTurn], report) -> dict[str, list[CodedTurn]]:
    groups: dict[str, list[CodedTurn]] = defaultdict(list)
    for episode in report.episodes:
        start, end = episode.start.position, episode.end.position
        groups[episode.topic.coarse].extend(flat[start:end + 1])
    return dict(groups)


def _reading(report) -> dict[str, Any]:
    """A period's or topic's reading without its statistics tables (the whole chat has those)."""
    data = report.to_json()
    for pair in data["pairs"]:
        pair.pop("statistics", None)
    return data


class EpisodeDocuments(Sequence[dict[str, Any]]):
    """The episodes' JSON objects, each made when it is read, never all at once.

    A long chat has tens of thousands of episodes; the command line streams
    them to its output (:func:`write_json`) instead of holding every object.
    Not a list: ``json.dumps`` refuses it rather than writing it wrongly.
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


def analyze_rows(
    rows: Iterable[LabelledTurn], *, permutations: int = PERMUTATIONS, seed: int = 0, country: str | None = None,
    lazy_episodes: bool = False,
) -> dict[str, Any]:
    """The analysis document for labelled turns (see the module docstring).

    ``lazy_episodes``: ``document["episodes"]`` is an :class:`EpisodeDocuments` (made
    on reading) instead of a list, for callers that only stream the document out.
    """
    tally = _Tally()
    sequences = coded_sequences(tally.watch(rows))
    conversations = [seq for seq in sequences.values() if seq]
    flat = [turn for seq in conversations for turn in seq]
    overall = find_patterns(conversations, permutations=permutations, seed=seed)
    episodes = find_episodes(flat)
    span_days = 0.0
    timed = [t.time.replace(tzinfo=None) for t in flat if t.time is not None]
    if timed:
        span_days = (max(timed) - min(timed)).total_seconds() / 86400
    unit = "month" if span_days > 120 else "week"
    trend = trends(flat, unit, episodes=episodes, seed=seed)
    periods = _coarsen(_groups_by_period(flat, unit))
    topics = _groups_by_topic(flat, episodes)
    per_conversation = []
    if len(conversations) > 1:
        for name, seq in list(sequences.items())[:MAX_CONVERSATIONS]:
            report = find_patterns([seq], label=name, permutations=min(permutations, PART_PERMUTATIONS), seed=seed)
            per_conversation.append(report.to_json())
    # Each period and topic read once, without examples; the same readings give the reversals.
    period_reports = {k: find_patterns([v], label=k, permutations=PART_PERMUTATIONS, seed=seed, detail=False) for k, v in periods.items()}
    topic_reports = {k: find_patterns([v], label=k, permutations=PART_PERMUTATIONS, seed=seed, detail=False) for k, v in topics.items()}
    by_period = role_reversals(period_reports) if len(period_reports) > 1 else []
    by_topic = role_reversals(topic_reports) if len(topic_reports) > 1 else []
    people = overall.participants
    moves = Counter((t.speaker, str(t.move)) for t in flat if t.source == "turn")
    document = overall.to_json()
    return {
        "$schema": SCHEMA_ID,
        "cyclemap_version": __version__,
        "participants": list(people),
        "turns": tally.turns,
        "coded_events": len(flat),
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
        "safety": _safety(tally.findings, country),
        "notes": list(episodes.notes) + list(trend.notes),
        "source": {"turns_with_given_codes": tally.given_codes},
    }


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def write_json(document: dict[str, Any], handle: IO[str]) -> None:
    """Write ``json.dumps(document, ensure_ascii=False)`` and a newline to ``handle``, piece by piece.

    The same text, without ever holding all of it: a long chat's document is
    mostly its episodes, so those are encoded (in C) one at a time.
    """
    encode = _ENCODER.encode
    if not all(isinstance(key, str) for key in document):  # keys the encoder would convert
        handle.write(encode(document) + "\n")
        return
    handle.write("{")
    for number, (key, value) in enumerate(document.items()):
        handle.write((", " if number else "") + encode(key) + ": ")
        if isinstance(value, EpisodeDocuments) or (isinstance(value, list) and len(value) > 64):
            handle.write("[")
            for k, item in enumerate(value):
                handle.write((", " if k else "") + encode(item))
            handle.write("]")
        else:
            handle.write(encode(value))
    handle.write("}\n")


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
