"""Check a draft before sending it: which move it makes, why, and softer ways to say it.

The flow of one check:

1. the safety screen reads the draft and the messages before it; when it
   fires, the answer is the safety notice and help resources, never advice to
   soften (a conversation with danger in it is not a shared dance);
2. cyclemap's own classifier reads the draft in its context (move, cue,
   confidence, evidence);
3. a pursuit or a withdrawal gets candidates written from templates that keep
   the draft's topic, names and request (:mod:`.compose`); the classifier
   reads every candidate, and only those read as ``soften``, with no safety
   flag, no blame word and the topic kept, are offered (two or three, of
   different kinds);
4. a draft that is already soft, or neutral, is said to be so and not
   rewritten.

Everything runs on this machine; nothing is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..codebook import Move
from ..errors import UsageError
from ..model import Turn
from ..moves.label import Evidence, MoveLabel
from ..moves.labeller import Labeller
from .blame import aimed_blame, blame_words
from .compose import Candidate, candidates
from .safety_gate import SafetyNotice, safety_findings, safety_notice
from .understand import DraftReading, content_words, partner_topic, read_draft

#: At most this many alternatives are offered.
MAX_ALTERNATIVES = 3

CUE_MEANING = {
    "criticize": "blame or an absolute about the partner",
    "demand": "pressure to talk or act now",
    "interrogate": "pressing or accusing questions",
    "reassure_seek": "an anxious bid for reassurance",
    "complain_response": "frustration at the partner's reply",
    "contact": "repeated bids for a reply",
    "escalate": "raised hostility",
    "shutdown": "closing the conversation down",
    "deflect": "moving away from the topic",
    "exit": "leaving with no plan to come back",
    "minimize": "making the issue smaller to drop it",
    "defend": "defending in a way that ends the topic",
    "appease": "giving in to make it stop",
    "vulnerable": "your own feelings or needs, without blame",
    "name_overwhelm": "naming the overwhelm while staying, or with a plan to come back",
    "name_cycle": "naming the pattern as the shared problem",
    "reassure": "comfort and presence",
    "repair": "an apology with ownership, or an offer to reconnect",
    "validate": "acknowledging the partner's feelings",
    "invite": "a calm invitation to talk",
}


@dataclass(frozen=True)
class Alternative:
    """A softer way to say the draft, as cyclemap's classifier reads it."""

    text: str
    move: str
    cue: str | None
    confidence: float
    kind: str  # e.g. "feeling+need+request", "overwhelm+time+reassurance"

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "move": self.move, "cue": self.cue,
                "confidence": round(self.confidence, 4), "kind": self.kind}


@dataclass(frozen=True)
class MessageCheck:
    """The answer of one check. ``move`` is None when the draft could not be judged (empty, not English)."""

    draft: str
    move: str | None
    cue: str | None
    confidence: float
    evidence: tuple[Evidence, ...]
    alternatives: list[Alternative]
    already_soft: bool
    safety: SafetyNotice | None
    note: str
    reading: DraftReading = field(default_factory=DraftReading)
    engine: str = "offline"

    def to_json(self) -> dict[str, Any]:
        return {
            "move": self.move,
            "cue": self.cue,
            "confidence": round(self.confidence, 4),
            "evidence": [e.to_json() for e in self.evidence],
            "alternatives": [a.to_json() for a in self.alternatives],
            "already_soft": self.already_soft,
            "safety": self.safety.to_json() if self.safety else None,
            "note": self.note,
            "kept": self.reading.to_json(),
            "engine": self.engine,
        }


_LOCK = threading.Lock()
_DEFAULT: Labeller | None = None


def default_labeller() -> Labeller:
    """The default model, loaded once per process (no label cache: drafts are never stored)."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            labeller = Labeller()
            labeller.model  # noqa: B018 - load the weights now, not inside the first check
            _DEFAULT = labeller
        return _DEFAULT


def _dialogue(context: Sequence[str], text: str) -> list[Turn]:
    """The context messages (oldest first, the last one from the partner) then the draft."""
    turns = []
    for back, said in enumerate(reversed(context), start=1):
        speaker = "partner" if back % 2 else "me"
        turns.append(Turn(id=f"c{back}", time=None, speaker=speaker, text=said))
    turns.reverse()
    turns.append(Turn(id="draft", time=None, speaker="me", text=text))
    return turns


def _passes(label: MoveLabel, candidate: Candidate, reading: DraftReading) -> bool:
    """Soften to the classifier, no safety flag, no blame word, the draft's topic words kept."""
    if label.move is not Move.SOFTEN or label.safety or blame_words(candidate.text):
        return False
    lower = candidate.text.lower()
    kept = all(word in lower for word in reading.topic_words)
    kept = kept and all(word in lower for word in content_words(reading.request))
    return kept and (reading.addressed is None or reading.addressed in candidate.text)


def choose(scored: Sequence[tuple[Candidate, MoveLabel]], reading: DraftReading) -> list[Alternative]:
    """The most confident passing candidate of each kind, most confident first."""
    best: dict[str, Alternative] = {}
    for candidate, label in scored:
        if not _passes(label, candidate, reading):
            continue
        current = best.get(candidate.kind)
        if current is None or label.confidence > current.confidence:
            best[candidate.kind] = Alternative(candidate.text, str(label.move), label.cue, label.confidence, candidate.kind)
    # the person's own model, when they asked for it, first; then the most confident
    ranked = sorted(best.values(), key=lambda a: (not a.kind.startswith("local-model"), -a.confidence))
    return ranked[:MAX_ALTERNATIVES]


def _first_wordings(written: Sequence[Candidate]) -> list[Candidate]:
    first: dict[str, Candidate] = {}
    for candidate in written:
        first.setdefault(candidate.kind, candidate)
    return list(first.values())


def _alternatives(
    labeller: Labeller, context: Sequence[str], reading: DraftReading, written: Sequence[Candidate],
    scored: Sequence[tuple[Candidate, MoveLabel]] = (),
) -> list[Alternative]:
    """Read the first wording of each kind; read the others only for kinds whose first one failed.

    ``scored``: candidates already read (with the draft, in the same run of the model).
    """
    done = list(scored)
    batch = [] if done else _first_wordings(written)
    while True:
        if batch:
            labels = labeller.label([_dialogue(context, c.text) for c in batch])
            done.extend((c, ls[-1]) for c, ls in zip(batch, labels, strict=True))
        passed = {c.kind for c, label in done if _passes(label, c, reading)}
        tried = {c.text for c, _ in done}
        batch = [c for c in written if c.kind not in passed and c.text not in tried]
        batch = list({c.kind: c for c in reversed(batch)}.values())  # the next wording of each failed kind
        if not batch:
            return choose(done, reading)


def _plan(label: MoveLabel, blame: Sequence[str]) -> tuple[str, str | None] | None:
    """The move and cue to rewrite from, or None when there is nothing to rewrite."""
    if label.move in (Move.NEUTRAL, Move.SOFTEN):
        # codebook rule 1: blame wins, even when the model reads the whole as neutral or soft
        return ("pursue", "criticize") if blame else None
    return str(label.move), label.cue


_FAST: Labeller | None = None


def _guess(dialogue: list[Turn]) -> MoveLabel:
    """The fast model's reading of the draft: a guess of the plan, so that the draft and its likely
    alternatives go through the default model in ONE run (a run costs about the same for one text as for
    eight). When the guess is wrong the right candidates are read in a second run: the answer is the same."""
    global _FAST
    with _LOCK:
        if _FAST is None:
            _FAST = Labeller(fast=True)
    return _FAST.label([dialogue])[0][-1]


def _evidence(label: MoveLabel) -> tuple[Evidence, ...]:
    return tuple(e for e in label.evidence if not e.reason.startswith("safety"))


def check_message(
    draft: str,
    *,
    context: Sequence[str] = (),
    labeller: Labeller | None = None,
    country: str | None = None,
    engine: str = "offline",
) -> MessageCheck:
    """Which move ``draft`` makes, why, and two or three softer alternatives.

    ``context``: the messages before the draft, oldest first, the last one
    from the partner (they change how a short reply reads, and the safety
    screen reads them too). ``labeller``: the model to use (default: the
    shipped default model, loaded once). ``country``: for the help resources.
    ``engine``: "offline" (the default) or "llm", which also asks the user's own local model
    (:mod:`.llm`; its alternatives pass the same filter).
    """
    if not isinstance(draft, str):
        raise TypeError("draft must be a string")
    if engine not in ("offline", "llm"):
        raise UsageError(f"unknown engine {engine!r}", hint="offline or llm")
    llm_config = None
    if engine == "llm":
        from .llm import load_config

        llm_config = load_config()  # a missing or off-machine configuration is an error before anything runs
    labeller = labeller or default_labeller()
    context = [c for c in context if isinstance(c, str)]
    reading = read_draft(draft)
    if reading.english and reading.topic is None and context and draft.strip():
        # "fine." after "we need to talk about the rent": the rent is what the answer is about
        topic, words = partner_topic(context[-1])
        if topic:
            reading = replace(reading, topic=topic, topic_words=words)
    dialogue = _dialogue(context, draft)
    blame = aimed_blame(draft)
    guessed: tuple[str, str | None] | None = None
    early: list[Candidate] = []
    if reading.english and draft.strip():
        guessed = _plan(_guess(dialogue), blame)
        if guessed is not None:
            early = _first_wordings(candidates(reading, *guessed, draft))
    first_run = labeller.label([dialogue, *(_dialogue(context, c.text) for c in early)])
    labels = first_run[0]
    safety, near_note = safety_notice(safety_findings(dialogue, labels), country)
    label = labels[-1]
    if safety is not None:
        return MessageCheck(draft, str(label.move) if draft.strip() else None, label.cue, label.confidence,
                            _evidence(label), [], False, safety, safety.note, reading)
    if not draft.strip():
        return MessageCheck(draft, None, None, 0.0, (), [], False, None,
                            "The draft is empty: write the message you are thinking of sending, and cyclemap "
                            "will say which move it makes and offer softer ways to say it." + near_note, reading)
    if not reading.english:
        return MessageCheck(
            draft, None, None, 0.0, (), [], False, None,
            "This draft does not look like English. cyclemap's classifier and its rewrites know only English, so "
            "it cannot say which move this makes or write alternatives, and its safety phrases are English too. "
            "What it can say: a softer message names the feeling and the need underneath (\"I miss you\", \"I'm "
            "overwhelmed\") and asks for one clear, kind thing, or gives a time to come back." + near_note,
            reading)
    move, cue = str(label.move), label.cue
    size = f"{reading.words:,} words" if reading.words > 1 else f"{len(draft):,} characters"
    long_note = (f" It is a long message ({size}): cyclemap read its beginning for the topic and "
                 "request, and the alternatives are short on purpose, since long messages are hard to take in "
                 "during a conflict.") if reading.long else ""
    if label.move is Move.SOFTEN and not blame:
        return MessageCheck(
            draft, move, cue, label.confidence, _evidence(label), [], True, None,
            f"This already reads as softening ({cue}: {CUE_MEANING.get(cue or '', '')}). "
            "Send it as it is; there is nothing to rewrite." + near_note + long_note, reading)
    plan = _plan(label, blame)
    if plan is None:
        return MessageCheck(
            draft, move, cue, label.confidence, _evidence(label), [], False, None,
            "This reads as neutral: no pursuit or withdrawal in it, so there is nothing to soften."
            + near_note + long_note, reading)
    rewrite_move, rewrite_cue = plan
    heads_up = ""
    if label.move in (Move.NEUTRAL, Move.SOFTEN):  # not a protest to the model, but blame is in it
        heads_up = (f"cyclemap reads this as {move}, but it has words that usually land as blame "
                    f"({', '.join(dict.fromkeys(blame))}). ")
    written = candidates(reading, rewrite_move, rewrite_cue, draft)
    scored = [(c, ls[-1]) for c, ls in zip(early, first_run[1:], strict=True)] if plan == guessed else []
    llm_note = ""
    if llm_config is not None:
        from .llm import WHAT_IS_SENT, llm_candidates

        try:
            extra = llm_candidates(draft, rewrite_move, rewrite_cue, llm_config)
            written = [*written, *(Candidate(c.text, f"local-model-{i}") for i, c in enumerate(extra, 1))]
            llm_note = f" Your local model at {llm_config.endpoint} was asked too (sent: {WHAT_IS_SENT})."
        except UsageError as error:
            llm_note = f" {error}; these are the offline alternatives."
    alternatives = _alternatives(labeller, context, reading, written, scored)
    if rewrite_move == "pursue":
        why = (f"This reads as pursuit ({rewrite_cue}: {CUE_MEANING.get(rewrite_cue or '', '')}). Underneath a "
               "protest there is usually a feeling and a need; the alternatives say those and ask for one clear, "
               "kind thing.")
    else:
        why = (f"This reads as withdrawal ({rewrite_cue}: {CUE_MEANING.get(rewrite_cue or '', '')}). The "
               "alternatives stay: they name the overwhelm, give a time to come back, and reassure.")
    if not alternatives:
        why += (" None of the alternatives cyclemap wrote read as softening to its own classifier, so none are "
                "shown; try saying the feeling underneath and one clear request in your own words.")
    return MessageCheck(draft, move, cue, label.confidence, _evidence(label), alternatives, False, None,
                        heads_up + why + near_note + long_note + llm_note, reading, engine)
