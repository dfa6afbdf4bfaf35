"""Label every turn of a conversation: the model, the cache, corrections, evidence and safety.

This is the one call the CLI, the analysis and the web app use. System lines
and media are ``neutral`` and are left out of the context the model sees (a
photo is not a reply); every message turn gets the model's label, unless a
person corrected it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..codebook import Move, SafetyFlag
from ..memo import BoundedMemo
from ..model import Turn
from ..safety import MODEL_THRESHOLDS, PHRASE_THRESHOLD
from .cache import LabelCache, window_keys
from .classes import CLASSES, decode
from .evidence import explain
from .label import Evidence, MoveLabel
from .long_screen import screen_long
from .readable import LONG_MESSAGE, unreadable
from .registry import DEFAULT_MODEL as DEFAULT
from .registry import MoveModel, make_model
from .screening import screen_block

FAST = "fast.v2"
FLAGS = tuple(f.value for f in SafetyFlag)
#: No flag probability below this can raise a flag, whatever phrases the turn holds.
_SCREEN_BAR = min(PHRASE_THRESHOLD, *MODEL_THRESHOLDS.values())
#: Media and system lines all get the same label: made once.
_NOT_A_MESSAGE = {
    kind: MoveLabel(Move.NEUTRAL, None, 1.0, (Evidence(f"{kind} line, not a message"),)) for kind in ("media", "system")
}


@dataclass(frozen=True)
class Correction:
    """A person's override of one turn's move."""

    move: Move
    cue: str | None
    note: str = ""
    reason: str = "corrected by a person"
    safety: tuple[str, ...] | None = None  # flags given with coded input


class Labeller:
    """Labels conversations with one model, reusing cached readings of unchanged turns."""

    def __init__(
        self, *, fast: bool = False, model: str | MoveModel | None = None, cache: LabelCache | None = None,
        explain: bool = True,
    ) -> None:
        """``model``: a registered name, or a model instance (a pretrained one is fitted if it is not yet).

        ``explain=False`` leaves out the word and context evidence of the model's labels (safety
        evidence and corrections stay): for callers that read only the moves, such as the analysis.
        """
        self.explain = explain
        self._model: MoveModel | None = None
        if isinstance(model, MoveModel):
            self._model = model if model.is_fitted() or not model.pretrained else model.fit()
            model = model.name
        self.model_name = model or (FAST if fast else DEFAULT)
        self.cache = cache
        self._cache_name: str | None = None
        self.computed = 0  # turns the model actually read (the rest came from the cache)

    @property
    def cache_name(self) -> str:
        """The model's name and weights digest: cached labels never outlive their weights."""
        if self._cache_name is None:
            # An unfitted instance knows its version: a chat read again from the cache then never
            # loads the model's weights at all.
            self._cache_name = (self._model or make_model(self.model_name)).version()
        return self._cache_name

    @property
    def model(self) -> MoveModel:
        if self._model is None:
            model = make_model(self.model_name)
            self._model = model.fit() if model.pretrained else model
        return self._model

    def _outputs(self, dialogues: Sequence[Sequence[Turn]]) -> list[np.ndarray]:
        """Per conversation, rows of 21 class probabilities then 4 flag probabilities."""
        width = len(CLASSES) + len(FLAGS)
        if self.cache is None:  # no keys to compute, every row to predict
            return self._predict_all(dialogues)
        keys = [window_keys(turns) for turns in dialogues]
        cached = self.cache.get_many(self.cache_name, (k for ks in keys for k in ks))
        requests = [(turns, [i for i, k in enumerate(ks) if k not in cached]) for turns, ks in zip(dialogues, keys, strict=True)]
        todo = [r for r, (_, rows) in enumerate(requests) if rows]
        fresh = dict(zip(todo, self.model.predict_rows([requests[r] for r in todo]), strict=True)) if todo else {}
        outputs: list[np.ndarray] = []
        new_items: list[tuple[bytes, list[float]]] = []
        for r, ks in enumerate(keys):
            rows = np.zeros((len(ks), width), np.float32)
            for i, k in enumerate(ks):
                if k in cached:
                    rows[i] = cached[k]
            if r in fresh:
                missing = requests[r][1]
                rows[missing] = fresh[r]
                new_items.extend((ks[i], rows[i].tolist()) for i in missing)
                self.computed += len(missing)
            outputs.append(rows)
        if self.cache is not None and new_items:
            self.cache.put_many(self.cache_name, new_items)
        return outputs

    def _predict_all(self, dialogues: Sequence[Sequence[Turn]]) -> list[np.ndarray]:
        requests = [(turns, list(range(len(turns)))) for turns in dialogues]
        todo = [r for r, (_, rows) in enumerate(requests) if rows]
        fresh = dict(zip(todo, self.model.predict_rows([requests[r] for r in todo]), strict=True)) if todo else {}
        self.computed += sum(len(turns) for turns in dialogues)
        width = len(CLASSES) + len(FLAGS)
        return [fresh.get(r, np.zeros((0, width), np.float32)) for r in range(len(dialogues))]

    def outputs(
        self, dialogues: Sequence[Sequence[Turn]], corrections: Mapping[tuple[int, int], Correction] | None = None,
    ) -> list[np.ndarray]:
        """The model's rows for each conversation's message turns, as ``label`` reads them (cache included)."""
        corrections = corrections or {}
        messages = [[i for i, t in enumerate(turns) if t.kind == "message"] for turns in dialogues]
        if all((d, i) in corrections and corrections[(d, i)].safety is not None
               for d, idx in enumerate(messages) for i in idx):
            # Every message carries its move and flags (coded input): nothing for the model to read.
            width = len(CLASSES) + len(FLAGS)
            return [np.zeros((len(idx), width), np.float32) for idx in messages]
        return self._outputs([[turns[i] for i in idx] for turns, idx in zip(dialogues, messages, strict=True)])

    def label(
        self,
        dialogues: Sequence[Sequence[Turn]],
        corrections: Mapping[tuple[int, int], Correction] | None = None,
        outputs: Sequence[np.ndarray] | None = None,
    ) -> list[list[MoveLabel]]:
        """One label per turn, conversation by conversation.

        ``corrections`` maps (conversation index, turn index) to a person's
        correction; it replaces the model's move and cue. ``outputs``: the model's
        rows for each conversation's message turns, when already read (``_outputs``).
        """
        corrections = corrections or {}
        messages = [[i for i, t in enumerate(turns) if t.kind == "message"] for turns in dialogues]
        message_dialogues = [[turns[i] for i in idx] for turns, idx in zip(dialogues, messages, strict=True)]
        if outputs is None:
            outputs = self.outputs(dialogues, corrections)
        result: list[list[MoveLabel]] = []
        for d, (turns, idx, rows) in enumerate(zip(dialogues, messages, outputs, strict=True)):
            # message turns get their label below; the others share one label per kind
            labels: list[MoveLabel] = [_NOT_A_MESSAGE.get(t.kind, _NOT_A_MESSAGE["system"]) for t in turns]
            decoded = decode(rows[:, : len(CLASSES)]) if len(rows) else ([], [], [])
            readings = list(zip(*decoded, strict=True))
            message_turns = message_dialogues[d]
            # Below every bar of the safety screen, the screen cannot raise a flag: skip its phrase search.
            need = np.flatnonzero(rows[:, len(CLASSES):].max(axis=1) >= _SCREEN_BAR).tolist() if len(rows) else []
            flag_rows = rows[:, len(CLASSES):].tolist() if len(rows) else []
            # A very long message (a letter, a pasted document) is far beyond what the models learned: the move
            # model's flag outputs are no reading of it; it is screened stretch by stretch (moves/long_screen.py).
            long = [p for p, t in enumerate(message_turns) if len(t.text) > LONG_MESSAGE]
            if long:
                skipped = set(long)
                need = [p for p in need if p not in skipped]
            screens = dict(zip(need, screen_block([(message_turns[p].text, flag_rows[p]) for p in need]), strict=True))
            if long:
                screens.update((p, screen_long(message_turns[p].text)) for p in long)
            previous: MoveLabel | None = None
            for position, (turn_index, (move, cue, confidence)) in enumerate(zip(idx, readings, strict=True)):
                text = message_turns[position].text
                flags, flag_evidence = screens.get(position, ((), ()))
                correction = corrections.get((d, turn_index)) if corrections else None
                if correction is not None:
                    if correction.safety is not None:  # coded input brings its own flags
                        flags, flag_evidence = correction.safety, ()
                    reading = MoveLabel(correction.move, correction.cue, 1.0,
                                        (Evidence(correction.reason, correction.note), *flag_evidence), flags)
                elif not text.strip():
                    reading = MoveLabel(Move.NEUTRAL, None, 0.3, (Evidence("empty message"),), flags)
                elif (why := _unreadable(text)) is not None:  # only emoji, or not English: low confidence, and why
                    reading = why.label(move, cue, float(confidence), flags, tuple(flag_evidence))
                elif self.explain:
                    evidence = explain(message_turns, position, move, cue, previous)
                    reading = MoveLabel(move, cue, float(confidence), (*evidence, *flag_evidence), flags)
                else:  # the caller reads moves and safety only (the analysis): no words to point at
                    reading = MoveLabel(move, cue, float(confidence), tuple(flag_evidence), flags)
                labels[turn_index] = reading
                previous = reading
            result.append(labels)
        return result


_READ = BoundedMemo()  # text -> unreadable(text), speed only


def _unreadable(text: str):  # noqa: ANN202 - as readable.unreadable
    found = _READ.get(text, _READ)
    return _READ.keep(text, unreadable(text)) if found is _READ else found
