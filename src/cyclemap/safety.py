"""The safety screen: signs of violence, coercive control, self-harm or fear of a partner.

The pursue-withdraw frame assumes a relationship that is fundamentally safe.
Where a turn shows danger, cyclemap must not call it a shared dance nor coach
the frightened person to soften. The screen reads each turn two ways:

- the **lexicon** (``data/safety_patterns.json``, read by :mod:`.safety_lexicon`):
  families of patterns for what the codebook counts (threats direct and veiled,
  harm done, monitoring, isolating, money, coercive threats, suicidal
  statements and goodbyes, fear of the partner), in texting and speech
  spellings and a few other languages, each with guards for figures of speech,
  films and games, sport, cooking and obvious jokes. A *clear* family raises its
  flag on its own; a *possible* family needs the model's support.
- the move model's four flag probabilities (trained on flagged turns and on hard
  negatives such as "this traffic is killing me"), which catch what no pattern
  names; their bars live in ``data/safety_thresholds.json`` and are tuned by
  ``bench/safety_tune.py`` on the corpus dev split and ``corpus/safety/tuning.jsonl``.
- the learned **wording** model (:mod:`.safety_text`, ``safety_text.v1``): the message's own
  words and letter sequences, scored per flag, for the long tail of wording no pattern
  names; it raises a flag on its own bar (higher where a guard holds) and names the
  words that weighed most as its evidence; and a possible family or the move model alone
  raises a flag only when the wording model reaches its ``corroborate`` bar.

Missing danger costs more than a false alarm, so the bars are set for recall;
guards keep the false alarms on figures of speech down. Every flag comes with
evidence: the words that matched, or the model's reading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .codebook import SafetyFlag
from .moves.label import Evidence
from .safety_lexicon import Hit, lexicon, normalise
from .safety_text import model as _text_model
from .safety_text import text_probabilities as _text_probabilities

FLAGS: tuple[str, ...] = tuple(f.value for f in SafetyFlag)


@lru_cache(maxsize=1)
def _thresholds() -> dict:
    raw = resources.files("cyclemap").joinpath("data/safety_thresholds.json").read_text(encoding="utf-8")
    return json.loads(raw)


#: A flag is raised when the model's probability reaches its bar here, with no words to back it.
MODEL_THRESHOLDS: dict[str, float] = dict(_thresholds()["model"])
#: ... or when a *possible* family of the lexicon matched and the model reaches this lower bar.
SUPPORT_THRESHOLDS: dict[str, float] = dict(_thresholds()["support"])
#: ... but when a guard held a match of the flag (a film, a joke, "this traffic is killing me"), the model
#: alone must reach this higher bar.
GUARDED_THRESHOLDS: dict[str, float] = dict(_thresholds()["guarded"])
#: No model probability is too low for a clear family of the lexicon: the words alone raise the flag
#: (the labeller may skip the screen only below this bar, so it is 0).
PHRASE_THRESHOLD = 0.0
#: A flag is *clear* when the model is this sure, or a clear family backs it; otherwise *possible*.
CLEAR_THRESHOLD: float = _thresholds()["clear"]
#: A conversation is flagged on one clear sign, or on this many possible signs of one flag ...
CLUSTER = 3
#: ... within this many turns (one stray possible sign in a long, safe chat is not enough:
#: per turn the screen errs toward caution, per conversation it must not cry wolf).
CLUSTER_WINDOW = 10


def _evidence(flag: str, level: str, hit: Hit) -> Evidence:
    return Evidence(f"safety: {flag} ({level})", hit.text, hit.start, hit.end)


def phrase_evidence(text: str) -> dict[str, Evidence]:
    """The first words of a *clear* family found for each flag (what raises a flag with no model)."""
    hits, _ = lexicon().scan(text)
    found: dict[str, Evidence] = {}
    for hit in hits:
        if hit.level == "clear" and hit.flag not in found:
            found[hit.flag] = Evidence(f"safety: {hit.flag}", hit.text, hit.start, hit.end)
    return found


def screen_turn(
    text: str, probabilities: Sequence[float] | None, text_probabilities: Sequence[float] | None = None
) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    """Flags for one turn from the lexicon, the model's flag probabilities and the wording model's.

    ``probabilities`` None means no model reading: the lexicon (and the wording model) decide, a clear
    family's words raise a clear flag and a possible family's a possible one. ``text_probabilities``
    (in FLAGS order) is the wording model's reading when it was computed for a batch; None reads it here.
    """
    if text_probabilities is None:
        batch = _text_probabilities([text])
        text_probabilities = None if batch is None else batch[0]
    hits, held = lexicon().scan(text)
    model_fires = probabilities is not None and any(p >= MODEL_THRESHOLDS[f] for f, p in zip(FLAGS, probabilities, strict=True))
    text_fires = text_probabilities is not None and _reaches(text_probabilities, _text_bars()["bar"])
    if not hits and not model_fires and not text_fires:
        return (), ()  # no words and no reading that could raise a flag (most turns)
    # The context check (a film, a joke, an errand named anywhere) only matters where a model alone
    # reaches a bar: skip it otherwise (most turns), as it costs more than the lexicon itself.
    if (model_fires or text_fires) and lexicon().in_context(text):
        held = [*held, _CONTEXT]
    return decide(hits, held, probabilities, text=text, text_probabilities=text_probabilities)


def _reaches(probabilities: Sequence[float], bars: dict[str, float]) -> bool:
    """Whether some flag's probability reaches its bar (the bars looked up once, not per flag)."""
    return any(p >= bars[f] for f, p in zip(FLAGS, probabilities, strict=True))


def _text_bars() -> dict:
    m = _text_model()
    return m.bars if m is not None else {}


def _text_guarded(text: str, flag: str, norm_start: int, norm_end: int) -> bool:
    """True when a guard of the flag's families holds around the wording model's strongest words
    (the same figure-of-speech, film, sport and joke guards as the lexicon's)."""
    lex = lexicon()
    names = {name for family in lex.families if family.flag == flag for name in family.guards}
    norm = normalise(text)
    if norm_end <= norm_start or not norm.text:
        return False
    sentence = norm.sentence(norm_start, norm_end)
    return any(lex.guards[n].pattern.search(sentence) and not (lex.guards[n].unless and lex.guards[n].unless.search(norm.text))
               for n in names)


def _text_finding(flag: str, k: int, held: Sequence[Hit], text: str | None, text_probabilities: Sequence[float],
                  bars: dict) -> Evidence | None:
    """The wording model's finding for one flag, or None: its bar, or its guarded bar where a guard holds."""
    probability = float(text_probabilities[k])
    if probability < bars["bar"][flag]:
        return None
    guarded = any(h.flag in (flag, "*") for h in held)
    m = _text_model()
    strongest = m.strongest(text, flag) if (m is not None and text) else None
    if not guarded and strongest is not None and text:
        guarded = _text_guarded(text, flag, strongest.norm_start, strongest.norm_end)
    if guarded and probability < bars["guarded"][flag]:
        return None
    level = "clear" if probability >= bars["clear"] and not guarded else "possible"
    reason = f"safety: {flag} ({level})"
    if strongest is None or not strongest.words:
        return Evidence(reason, f"the wording of the turn ({probability:.2f})")
    return Evidence(reason, strongest.words, strongest.start, strongest.end)


def scan(text: str) -> tuple[list[Hit], list[Hit]]:
    """The lexicon's hits and guarded hits; a turn in the context of a game, a film or a figure of
    speech also gets a guarded hit for every flag ("*"), so the model alone needs its guarded bar."""
    hits, held = lexicon().scan(text)
    if lexicon().in_context(text):
        held = [*held, _CONTEXT]
    return hits, held


#: A guarded "hit" for every flag: the turn names a game, a film, a joke or an errand.
_CONTEXT = Hit("context", "*", "possible", "", 0, 0)


def decide(
    hits: Sequence[Hit], held: Sequence[Hit], probabilities: Sequence[float] | None, bars: dict | None = None,
    *, text: str | None = None, text_probabilities: Sequence[float] | None = None, text_bars: dict | None = None,
) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    """The screen's rule, from the lexicon's hits (and guarded hits) and the model's probabilities.

    ``bars`` overrides the thresholds (keys ``model``, ``support``, ``guarded``, ``clear``), for tuning;
    ``text_bars`` the wording model's (``bar``, ``guarded``, ``clear``, and ``corroborate``: what it must
    reach for a possible family or the move model alone to count). Where neither the lexicon nor the
    move model raises a flag, the wording model's ``text_probabilities`` may (its evidence needs ``text``).
    """
    text_bars = text_bars or _text_bars()
    model_bars = bars["model"] if bars else MODEL_THRESHOLDS
    support_bars = bars["support"] if bars else SUPPORT_THRESHOLDS
    guarded_bars = bars["guarded"] if bars else GUARDED_THRESHOLDS
    clear_bar = bars["clear"] if bars else CLEAR_THRESHOLD
    flags: list[str] = []
    evidence: list[Evidence] = []
    # The wording model must agree (reach its ``corroborate`` bar) before a possible family or the move
    # model alone raises a flag: on single messages the move model cries wolf ("ur not goin 2 believe
    # wat happened at work"), and the wording model was trained on thousands of them.
    corroborate = text_bars.get("corroborate", {}) if text_probabilities is not None and text_bars else {}
    for k, flag in enumerate(FLAGS):
        probability = None if probabilities is None else float(probabilities[k])
        clear_hit = next((h for h in hits if h.flag == flag and h.level == "clear"), None)
        possible_hit = next((h for h in hits if h.flag == flag and h.level == "possible"), None)
        agreed = float(text_probabilities[k]) >= corroborate.get(flag, 0.0) if corroborate else True
        if clear_hit is not None:
            flags.append(flag)
            evidence.append(_evidence(flag, "clear", clear_hit))
        elif not agreed:
            pass  # only the wording model's own bar (below) can still raise the flag
        elif possible_hit is not None and (probability is None or probability >= support_bars[flag]):
            flags.append(flag)
            sure = probability is not None and probability >= clear_bar
            evidence.append(_evidence(flag, "clear" if sure else "possible", possible_hit))
        elif probability is not None:
            guarded = any(h.flag in (flag, "*") for h in held)
            if probability >= (guarded_bars if guarded else model_bars)[flag]:
                flags.append(flag)
                level = "clear" if probability >= clear_bar else "possible"
                evidence.append(Evidence(f"safety: {flag} ({level})", f"the model's reading of the turn ({probability:.2f})"))
        if (not flags or flags[-1] != flag) and text_probabilities is not None and text_bars:
            found = _text_finding(flag, k, held, text, text_probabilities, text_bars)
            if found is not None:
                flags.append(flag)
                evidence.append(found)
    return tuple(flags), tuple(evidence)


def screen_text(text: str, *, model: str | None = None) -> list[SafetyFinding]:
    """Screen one piece of text on its own, such as a draft message in the coach.

    Returns one :class:`SafetyFinding` (with the flags and the words that raised them) or none.
    ``model`` None uses the lexicon alone (instant, no model loaded); a registered model name
    ("fast.v1", or the default model) also reads the text with that model's flag outputs (the default model
    also with the safety encoder, :mod:`.safety_encoder`). Pass the result to
    :func:`conversation_flagged` to decide whether to show the safety notice.
    """
    probabilities: Sequence[float] | None = None
    if model is not None and text.strip():
        from .model import Turn
        from .moves.classes import CLASSES

        rows = _labeller(model)._outputs([[Turn(id="draft", time=None, speaker=None, text=text)]])
        probabilities = rows[0][0, len(CLASSES):].tolist()
    flags, evidence = screen_turn(text, probabilities)
    if model is not None and probabilities is not None and _is_default(model):
        # the default mode also reads the draft's meaning (safety_encoder.py), as the labeller does
        from .safety_encoder import add_findings

        ((flags, evidence),) = add_findings([(text, probabilities)], [(flags, evidence)], lone=[True])  # a draft alone
    return [SafetyFinding("draft", None, flags, evidence, 0)] if flags else []


def _is_default(model: str) -> bool:
    from .moves.registry import DEFAULT_MODEL

    return model == DEFAULT_MODEL


@lru_cache(maxsize=2)
def _labeller(model: str):  # noqa: ANN202 - a Labeller, imported late (it imports this module)
    """One labeller per model name: a draft screened twice does not load the weights twice."""
    from .moves.labeller import Labeller

    return Labeller(model=model)


def conversation_flagged(findings: Sequence[SafetyFinding]) -> bool:
    """One clear sign, or CLUSTER possible signs of one flag within CLUSTER_WINDOW turns."""
    if any(f.clear for f in findings):
        return True
    for flag in FLAGS:
        positions = [f.position for f in findings if flag in f.flags]
        for i in range(len(positions) - CLUSTER + 1):
            if positions[i + CLUSTER - 1] - positions[i] < CLUSTER_WINDOW:
                return True
    return False


@dataclass(frozen=True)
class SafetyFinding:
    """One flagged turn of a conversation."""

    turn_id: str
    speaker: str | None
    flags: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    position: int = 0  # the turn's place in the input, for clusters

    @property
    def clear(self) -> bool:
        return any(e.reason.endswith("(clear)") for e in self.evidence)

    def to_json(self) -> dict:
        return {
            "turn": self.turn_id,
            "speaker": self.speaker,
            "flags": list(self.flags),
            "clear": self.clear,
            "evidence": [e.to_json() for e in self.evidence],
        }
