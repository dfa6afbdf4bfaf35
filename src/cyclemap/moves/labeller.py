"""Label every turn of a conversation: the model, the cache, corrections, evidence and safety.

This is the one call the CLI, the analysis and the web app use. System lines
and media are ``neutral`` and are left out of the context the model sees (a
photo is not a reply); every message turn gets the model's label, unless a
person corrected it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..codebook import Move, SafetyFlag
from ..memo import BoundedMemo
from ..model import Turn
from ..safety import MODEL_THRESHOLDS, PHRASE_THRESHOLD
from ..safety_encoder import add_findings as add_encoder_findings
from .cache import LabelCache, block_id, window_keys
from .classes import CLASSES, decode
from .evidence import explain
from .label import Evidence, MoveLabel
from .long_screen import screen_long
from .readable import LONG_MESSAGE, unreadable
from .registry import DEFAULT_MODEL as DEFAULT
from .registry import MoveModel, make_model
from .screen_cache import Screened, screen_values, screen_version
from .screen_cache import decode as decode_screen
from .screen_cache import pack as pack_screen
from .screen_cache import unpack as unpack_screen
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


@dataclass
class _Reading:
    """The model's rows for a call's conversations, the safety findings kept for them by (conversation,
    message position), whether those are all there are (``complete``: no turn needs screening), and what
    stores the findings screened now (and the rows, for a block) once the labels are made."""

    outputs: Sequence[np.ndarray]
    found: dict[tuple[int, int], Screened] = field(default_factory=dict)
    complete: bool = False
    save: Callable[[list[tuple[int, int, Screened]]], None] | None = None


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
        self._screen_version: str | None = None

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

    @property
    def screen_version(self) -> str:
        """The digest of the safety screen the cached findings must match (:mod:`.screen_cache`)."""
        if self._screen_version is None:
            self._screen_version = screen_version()
        return self._screen_version

    @property
    def reads_in_blocks(self) -> bool:
        """Whether the cache keeps this model's readings by block (see :mod:`.cache`): every model but the
        fast ones, which read each turn on its own (their numbers do not depend on the turns beside it)."""
        return not self.model_name.startswith("fast.")

    def _outputs(self, dialogues: Sequence[Sequence[Turn]]) -> list[np.ndarray]:
        """Per conversation, rows of 21 class probabilities then 4 flag probabilities."""
        return self._read(dialogues).outputs

    def _read(self, dialogues: Sequence[Sequence[Turn]], screens: bool = False) -> _Reading:
        """The model's rows per conversation (message turns only), from the cache where it has them;
        with ``screens``, also the safety findings the cache kept for them."""
        if self.cache is None:  # no keys to compute, every row to predict
            return _Reading(self._predict_all(dialogues))
        if self.reads_in_blocks:
            return self._read_block(dialogues, screens)
        return self._read_rows(dialogues, screens)

    def _read_block(self, dialogues: Sequence[Sequence[Turn]], screens: bool) -> _Reading:
        """All conversations' rows as one block: read whole from the cache, or all predicted together."""
        assert self.cache is not None
        keys = [window_keys(turns) for turns in dialogues]
        flat = [k for ks in keys for k in ks]
        if not flat:
            return _Reading(self._predict_all(dialogues))
        name, version = self.cache_name, self.screen_version
        block = block_id(keys)
        stored, findings = self.cache.read_block(name, block, version)
        if stored is not None and (stored.ndim != 2 or stored.shape != (len(flat), len(CLASSES) + len(FLAGS))):
            stored, findings = None, None  # a damaged row: computed again (and stored over), never a crash
        sizes = np.cumsum([0, *map(len, keys)])
        if stored is not None:
            rows = stored
            outputs = [rows[a:b] for a, b in zip(sizes[:-1], sizes[1:], strict=True)] if len(keys) > 1 else [rows]
        else:
            outputs = self._predict_all(dialogues)
            rows = np.concatenate(outputs) if len(outputs) > 1 else outputs[0]
        found: dict[tuple[int, int], Screened] = {}
        if findings is not None and screens:
            positions = [(d, p) for d, ks in enumerate(keys) for p in range(len(ks))]
            try:
                for index, packed in json.loads(findings):
                    d, p = positions[index]
                    found[(d, p)] = unpack_screen(packed, dialogues[d][p].text)
            except (ValueError, TypeError, IndexError, KeyError):  # damaged findings: screened again
                found, findings = {}, None
        cache = self.cache

        def save(fresh: list[tuple[int, int, Screened]]) -> None:
            packed = []
            for d, p, screened in sorted(fresh, key=lambda f: (f[0], f[1])):
                item = pack_screen(screened, dialogues[d][p].text)
                if item is None:  # cannot be stored exactly: the block is screened again when read
                    packed = None
                    break
                if item:
                    packed.append([int(sizes[d]) + p, item])
            cache.put_block(name, block, flat, rows, version,
                            None if packed is None else json.dumps(packed, separators=(",", ":")))

        if not screens:  # the rows only (``outputs``): stored now, to be screened when labelled
            if stored is None:
                cache.put_block(name, block, flat, rows, version, None)
            return _Reading(outputs)
        if findings is not None:
            return _Reading(outputs, found, complete=True)
        # no findings kept: screened in full (as a cold run screens), then the block is stored with them
        return _Reading(outputs, save=save)

    def _read_rows(self, dialogues: Sequence[Sequence[Turn]], screens: bool) -> _Reading:
        """Rows by window key: the cached ones read, only the others predicted."""
        assert self.cache is not None
        width = len(CLASSES) + len(FLAGS)
        keys = [window_keys(turns) for turns in dialogues]
        version = self.screen_version if screens else None
        cached, stored = self.cache.read(self.cache_name, (k for ks in keys for k in ks), version)
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
        if new_items:
            self.cache.put_many(self.cache_name, new_items)
        if version is None:
            return _Reading(outputs)
        found = {(d, p): decode_screen(stored[k], dialogues[d][p].text)
                 for d, ks in enumerate(keys) for p, k in enumerate(ks) if k in stored}
        cache, name = self.cache, self.cache_name

        def save(fresh: list[tuple[int, int, Screened]]) -> None:
            cache.put_screens(name, version, screen_values([(keys[d][p], screened, dialogues[d][p].text)
                                                            for d, p, screened in fresh]))

        return _Reading(outputs, found, save=save)

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
        if _all_coded(messages, corrections):
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
        source = _Reading(outputs) if outputs is not None else None
        if source is None:
            if self.cache is not None and not _all_coded(messages, corrections):
                # The screen's findings come with the labels: a chat read again is not screened again.
                source = self._read(message_dialogues, screens=True)
            else:
                source = _Reading(self.outputs(dialogues, corrections))
        outputs = source.outputs
        fresh_screens: list[tuple[int, int, Screened]] = []
        result: list[list[MoveLabel]] = []
        for d, (turns, idx, rows) in enumerate(zip(dialogues, messages, outputs, strict=True)):
            # message turns get their label below; the others share one label per kind
            labels: list[MoveLabel] = [_NOT_A_MESSAGE.get(t.kind, _NOT_A_MESSAGE["system"]) for t in turns]
            decoded = decode(rows[:, : len(CLASSES)]) if len(rows) else ([], [], [])
            readings = list(zip(*decoded, strict=True))
            message_turns = message_dialogues[d]
            # findings kept from an earlier run (the same turns, model and screen)
            screens = {p: found for (e, p), found in source.found.items() if e == d} if source.found else {}
            need: list[int] = []
            long: list[int] = []
            if not source.complete and len(rows):  # (complete: every finding was kept; a turn not named had none)
                # Below every bar of the safety screen, the screen cannot raise a flag: skip its phrase search.
                need = np.flatnonzero(rows[:, len(CLASSES):].max(axis=1) >= _SCREEN_BAR).tolist()
                # A very long message (a letter, a pasted document) is far beyond what the models learned: the move
                # model's flag outputs are no reading of it; it is screened stretch by stretch (moves/long_screen.py).
                long = [p for p, t in enumerate(message_turns) if len(t.text) > LONG_MESSAGE and p not in screens]
                if long or screens:
                    skipped = set(long).union(screens)
                    need = [p for p in need if p not in skipped]
            flag_rows = rows[:, len(CLASSES):].tolist() if need else []
            items = [(message_turns[p].text, flag_rows[p]) for p in need]
            screened = screen_block(items) if items else []
            if items and self.model_name == DEFAULT:  # the default mode also reads the meaning (cyclemap/safety_encoder.py)
                screened = add_encoder_findings(items, screened, lone=[p == 0 for p in need])  # p 0: no earlier turn
            computed = dict(zip(need, screened, strict=True))
            if long:
                computed.update((p, screen_long(message_turns[p].text)) for p in long)
            fresh_screens.extend((d, p, found) for p, found in computed.items())
            screens.update(computed)
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
        if source.save is not None:
            source.save(fresh_screens)
        return result


def _all_coded(messages: Sequence[Sequence[int]], corrections: Mapping[tuple[int, int], Correction]) -> bool:
    """Every message carries its move and flags (coded input): nothing for the model to read."""
    return all((d, i) in corrections and corrections[(d, i)].safety is not None
               for d, idx in enumerate(messages) for i in idx)


_READ = BoundedMemo()  # text -> unreadable(text), speed only


def _unreadable(text: str):  # noqa: ANN202 - as readable.unreadable
    found = _READ.get(text, _READ)
    return _READ.keep(text, unreadable(text)) if found is _READ else found
