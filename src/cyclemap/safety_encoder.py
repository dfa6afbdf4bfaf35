"""The safety encoder: a second reading of what a message means, for the default mode's safety screen.

The lexicon and the wording model (:mod:`.safety_text`) read words; on wording nobody on the team
wrote ("I've started keeping my bag packed by the door", "he has to okay anything over ten pounds")
they miss what a fine-tuned sentence encoder still reads. ``safety_encoder.v1`` is all-MiniLM-L6-v2
fine-tuned end to end on single safety messages (``train/train_safety_encoder.py``), with a four-way
sigmoid head (violence, control, self-harm, fear) inside the int8 ONNX graph
(``moves/weights/safety-encoder-v1/``). Its bars (``data/safety-encoder-v1.json``) were chosen on the
int8 graph's own outputs, read exactly as here (batches of one length band, at most 48 tokens), so
its drift from the float32 model does not matter (``bench/safety_encoder_bars.py``).

It runs in the default mode only, and only where it can change a finding: on a turn the screen left
unflagged whose wording model or lexicon already sees something (the *gate*: a lexicon match, held by a
guard or not; the wording model at ``wording`` or more; or at ``wording_with_move`` with the move model
at ``move``). Most turns of a chat pass no gate, so a long chat costs little more than before
(``bench/classify_speed.py``). A message it raises is a *possible* sign (never a clear one alone: the
conversation rule needs three within ten turns), with the model's probability as its evidence.

It also gives a **second opinion** (the *veto*, since 2026-11-26, S7): on a turn the move model read with no
earlier turn (the first message of a conversation, or a lone draft), whose every flag was raised by the move
model's or the wording model's reading alone (no pattern of that flag matched), the flags are dropped when
the encoder reads every flag under ``veto.lone``. Read alone, a message gets flag outputs from the move model
that cry wolf ("I'm parked outside your work, no rush"); the encoder was fine-tuned on exactly such single
messages. Turns with earlier turns keep the move model's reading: their danger is often carried by the
context, which the encoder does not see (``bench/safety_veto.py``).

It also **supports possible families** (S9): a *possible* family of the lexicon raises its flag only with a
model's support, and on a single message the move model's flag outputs are low; on a turn left unflagged, a
possible family's flag is raised (a possible sign, with the family's words as evidence) when the encoder reads
that flag at ``support.possible`` or more. Such a turn already passes the gate (the lexicon matched), so this
reads nothing more.

Dynamic int8 quantizes a batch's activations together, so a probability can move by a few hundredths
with the messages read beside it (as the move model's encoder does); the bars leave room for that.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .moves.label import Evidence

VERSION = "v1"
FLAGS: tuple[str, ...] = ("violence", "control", "self_harm", "fear")
Screened = tuple[tuple[str, ...], tuple[Any, ...]]
#: Repair one-letter slips of the lexicon's key words before the encoder's reading (safety_spelling.py).
SPELLING = True
GATE_REPAIRED = True


class SafetyEncoder:
    """Tokenizer + int8 ONNX graph: four flag probabilities per text, read in length-sorted batches."""

    def __init__(self, folder: Path, settings: dict, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.settings = settings
        self.bars: dict[str, float] = dict(settings["bar"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(settings.get("max_tokens", 48)))
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        # One thread: the other core is the screen's or another helper's (moves/blocks.py).
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(folder / "model.int8.onnx"), options,
                                                    providers=["CPUExecutionProvider"])

    def probabilities(self, texts: Sequence[str], batch: int = 32) -> np.ndarray:
        """(len(texts), 4) probabilities in FLAGS order; each distinct text read once per call.

        Nothing is remembered across calls: int8 readings depend a little on a text's batch mates, so
        a text met in an earlier block must be read again with this block's, exactly as a cold run
        (which the label cache replays block by block) reads it."""
        out = np.zeros((len(texts), len(FLAGS)), np.float32)
        wanted = list(dict.fromkeys(texts))
        if not wanted:
            return out
        read: dict[str, np.ndarray] = {}
        encodings = self.tokenizer.encode_batch(wanted)
        order = sorted(range(len(wanted)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch):
            chosen = order[start:start + batch]
            width = max(1, max(len(encodings[i].ids) for i in chosen))
            ids = np.zeros((len(chosen), width), np.int64)
            mask = np.zeros((len(chosen), width), np.int64)
            for row, i in enumerate(chosen):
                tokens = encodings[i].ids
                ids[row, :len(tokens)] = tokens
                mask[row, :len(tokens)] = 1
            rows = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for row, i in enumerate(chosen):
                read[wanted[i]] = rows[row]
        for k, text in enumerate(texts):
            out[k] = read[text]
        return out

    def gated(self, wording: Sequence[float] | None, move: Sequence[float] | None, lexicon_touched: bool) -> bool:
        """Whether a turn the screen left unflagged is worth reading (see the module docstring)."""
        return gated(self.settings, wording, move, lexicon_touched)


def gated(settings: dict, wording: Sequence[float] | None, move: Sequence[float] | None, lexicon_touched: bool) -> bool:
    """The gate of ``settings`` (``data/safety-encoder-v1.json``) for one turn: a lexicon match (held by a
    guard or not), or the wording model's and the move model's readings of the flags the encoder can raise."""
    gate = settings["gate"]
    if lexicon_touched and gate.get("lexicon", True):
        return True
    # Only the flags the encoder can raise (a bar above 1 never fires) are looked at.
    live = [k for k, flag in enumerate(FLAGS) if settings["bar"][flag] <= 1.0]
    w = max((wording[k] for k in live), default=0.0) if wording is not None and len(wording) else 0.0
    m = max((move[k] for k in live), default=0.0) if move is not None and len(move) else 0.0
    return w >= gate["wording"] or (w >= gate["wording_with_move"] and m >= gate["move"])


def _folder() -> Path:
    return Path(str(resources.files("cyclemap.moves") / "weights" / f"safety-encoder-{VERSION}"))


@lru_cache(maxsize=1)
def settings() -> dict | None:
    """The bars and gate (``data/safety-encoder-v1.json``), or None when the encoder is switched off
    (``"enabled": false``) or its weights are missing: the screen then runs without it."""
    data = resources.files("cyclemap").joinpath(f"data/safety-encoder-{VERSION}.json")
    if not data.is_file() or not (_folder() / "model.int8.onnx").is_file():
        return None
    found = json.loads(data.read_text(encoding="utf-8"))
    return found if found.get("enabled", True) else None


@lru_cache(maxsize=1)
def encoder() -> SafetyEncoder | None:
    """The shipped encoder (loaded on first need: a chat with no turn past the gate never loads it), or None."""
    found = settings()
    return None if found is None else SafetyEncoder(_folder(), found)


def add_findings(items: Sequence[tuple[str, Sequence[float] | None]], screened: Sequence[Screened],
                 wording: Sequence[Sequence[float]] | None = None, lone: Sequence[bool] | None = None) -> list[Screened]:
    """The screen's findings (``screened``, one per (text, move-model flag probabilities) of ``items``),
    with the encoder's possible signs added on unflagged turns that pass its gate, and, on ``lone`` turns
    (read by the move model with no earlier turn), the flags of a model's reading alone dropped where the
    encoder reads no flag at its ``veto`` bar (see the module docstring).

    ``wording``: the wording model's rows for the texts, when already read (else read here, from the
    screen's memo). ``lone`` None: no turn is lone (no veto). Returns ``screened`` unchanged when no
    encoder is installed.
    """
    if SPELLING and items:
        # Slips of a key ("he grabbd my neck"): the unflagged turns' repaired words screened again (safety_spelling.py).
        from .safety_spelling import add_findings as add_repaired

        screened = add_repaired(items, screened)
    config = settings()
    out = list(screened)
    if config is None or not items:
        return out
    from .safety_lexicon import lexicon

    scan = lexicon().scan
    veto_bar = float(config.get("veto", {}).get("lone", 0.0))
    doubtful = [i for i in range(len(items)) if veto_bar > 0 and lone is not None and lone[i] and screened[i][0]
                and _reading_alone(screened[i], scan(items[i][0])[0])
                and not (SPELLING and (fixed := _repaired_text(items[i][0])) is not None
                         and not _reading_alone(screened[i], scan(fixed)[0]))]  # a pattern matched once repaired
    open_turns = [i for i, (flags, _) in enumerate(screened) if not flags and items[i][0].strip()]
    if not open_turns and not doubtful:
        return out
    if wording is None:
        from .moves.screening import _wording  # the screen's memo: the block's rows are there already

        rows = _wording([items[i][0] for i in open_turns])
        wording_of = dict(zip(open_turns, rows, strict=True)) if rows is not None else {}
    else:
        wording_of = {i: wording[i] for i in open_turns}
    chosen = []
    repaired = _repaired_text if SPELLING and GATE_REPAIRED else None
    for i in open_turns:
        text, move = items[i]
        hits, held = scan(text)
        if not (hits or held) and repaired is not None and (fixed := repaired(text)) is not None:
            hits, held = scan(fixed)  # the lexicon touches the words once their slips are repaired
        if gated(config, wording_of.get(i), move, bool(hits or held)):
            chosen.append(i)
    model = encoder() if chosen or doubtful else None
    if model is None:
        return out
    # Two calls: int8 readings move a little with their batch mates, so the turns the gate passes are read
    # together as they were before the veto existed, and the doubtful ones apart.
    if doubtful:
        for i, row in zip(doubtful, model.probabilities([items[i][0] for i in doubtful]), strict=True):
            if float(row.max()) < veto_bar:
                out[i] = ((), ())
    probabilities = model.probabilities([items[i][0] for i in chosen]) if chosen else []
    support = float(config.get("support", {}).get("possible", 1.01))
    for i, row in zip(chosen, probabilities, strict=True):
        found = {flag: Evidence(f"safety: {flag} (possible)", f"the meaning of the whole message, read by the safety "
                                f"encoder ({p:.2f})") for flag, p in zip(FLAGS, row, strict=True) if p >= model.bars[flag]}
        if support <= 1.0:
            # A possible family waits for a model's support; on a single message the move model reads low, and
            # the encoder, fine-tuned on single messages, is the better judge (S9, bench/safety_support.py).
            for hit in scan(items[i][0])[0]:
                if hit.level == "possible" and hit.flag not in found and float(row[FLAGS.index(hit.flag)]) >= support:
                    found[hit.flag] = Evidence(f"safety: {hit.flag} (possible)", hit.text, hit.start, hit.end)
        if found:
            flags = tuple(f for f in FLAGS if f in found)
            out[i] = (flags, tuple(found[f] for f in flags))
    return out


def _repaired_text(text: str) -> str | None:
    from .safety_spelling import speller

    spell = speller()
    found = spell.respell(text) if spell is not None else None
    return None if found is None else found.text


def _reading_alone(found: Screened, hits: Sequence[Any]) -> bool:
    """Whether a turn's flags were all raised by a model's reading alone: flags, and no pattern of any of them
    matched (a possible family backed by the move model counts as a pattern)."""
    flags = found[0]
    matched = {h.flag for h in hits}
    return bool(flags) and not matched.intersection(flags)
