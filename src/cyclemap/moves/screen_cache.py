"""The safety screen's findings in the label cache: numbers only, and never outliving the screen.

A turn's screen (:func:`cyclemap.moves.screening.screen_block`, or
:func:`~cyclemap.moves.long_screen.screen_long` for a very long message) reads
only the turn's text and the move model's flag outputs, and both are fixed by
the label cache's key (model version and window hash: the text is the
window's last). So a chat read again need not be screened again: its findings
are kept beside the labels, keyed by the same window plus :func:`screen_version`,
a digest of everything the screen reads (its code, its data files, its bars as
loaded), so any change to the screen makes the stored findings unused.

What is stored holds no words: each flag as its index, each piece of evidence
as (flag, level, start, end) character offsets into the turn's own text, or a
template number and the probability for "the model's reading of the turn
(0.87)". The words are cut from the turn again when read. A finding that cannot
be written so (evidence naming normalised words, say) is not stored: that turn
is screened again, as before. Reading back gives the very tuple the screen gave
(:func:`encode` checks it before anything is stored).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ..codebook import SafetyFlag
from .label import Evidence

FLAGS: tuple[str, ...] = tuple(f.value for f in SafetyFlag)
LEVELS = ("clear", "possible")
#: Evidence given as a reading, not words: the move model's, the wording model's and the safety encoder's
#: probability (never add to the middle: stored findings name them by place).
TEMPLATES = (
    "the model's reading of the turn ({})",
    "the wording of the turn ({})",
    "the meaning of the whole message, read by the safety encoder ({})",
)
_REASON = re.compile(r"safety: ([a-z_-]+) \((clear|possible)\)")
_READINGS = [re.compile(re.escape(t).replace(re.escape("{}"), r"(\d\.\d\d)")) for t in TEMPLATES]
Screened = tuple[tuple[str, ...], tuple[Evidence, ...]]

#: The modules whose code decides a turn's flags (their source is part of the version).
SCREEN_MODULES = (
    "cyclemap.safety", "cyclemap.safety_lexicon", "cyclemap.safety_anchors", "cyclemap.safety_text",
    "cyclemap.safety_encoder", "cyclemap.safety_spelling", "cyclemap.moves.screening", "cyclemap.moves.long_screen",
    "cyclemap.moves.readable", "cyclemap.moves.screen_cache", "cyclemap.moves.label", "cyclemap.moves.labeller",
)
#: Weight folders of models the screen runs (beside ``data/safety*``, which holds the wording model's).
SCREEN_WEIGHTS = ("safety-encoder-",)
_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}  # (path, mtime, size) -> digest: read each file once


def pack(screened: Screened, text: str) -> list | None:
    """The findings as a list of numbers (``[]``: nothing found), or None when they cannot be given back
    exactly from the numbers and the turn's text."""
    flags, evidence = screened
    if not flags and not evidence:
        return []
    try:
        items: list[list[int]] = []
        for item in evidence:
            match = _REASON.fullmatch(item.reason)
            if match is None:
                return None
            flag, level = FLAGS.index(match[1]), LEVELS.index(match[2])
            if item.start is not None and item.end is not None and 0 <= item.start <= item.end <= len(text) \
                    and text[item.start:item.end] == item.text:
                items.append([flag, level, item.start, item.end])
            elif item.start is None and item.end is None and (found := _reading(item.text)) is not None:
                template, hundredths = found
                items.append([flag, level, -1 - template, hundredths])
            elif item.start == item.end == 0 and item.text and (where := _normalised_text(text).find(item.text)) >= 0:
                # The wording model's strongest words, when they cannot be mapped back to the turn: named in
                # the turn's normalised form, found there again.
                items.append([flag, level, _NORMALISED, where, where + len(item.text)])
            else:
                return None
        packed = [[FLAGS.index(f) for f in flags], items]
    except ValueError:  # a flag or level the codebook does not have
        return None
    return packed if unpack(packed, text) == screened else None


def unpack(packed: list, text: str) -> Screened:
    """The findings :func:`pack` gave, their words cut from ``text`` again."""
    if not packed:
        return _NOTHING
    flags, items = packed
    evidence = []
    for flag, level, start, end, *more in items:
        reason = f"safety: {FLAGS[flag]} ({LEVELS[level]})"
        if start >= 0:
            evidence.append(Evidence(reason, text[start:end], start, end))
        elif start == _NORMALISED:
            evidence.append(Evidence(reason, _normalised_text(text)[end:more[0]], 0, 0))
        else:
            evidence.append(Evidence(reason, TEMPLATES[-1 - start].format(f"{end // 100}.{end % 100:02d}")))
    return tuple(FLAGS[f] for f in flags), tuple(evidence)


def encode(screened: Screened, text: str) -> str | None:
    """:func:`pack` as JSON text."""
    packed = pack(screened, text)
    return None if packed is None else json.dumps(packed, separators=(",", ":"))


def decode(value: str, text: str) -> Screened:
    """The findings :func:`encode` wrote, their words cut from ``text`` again."""
    return _NOTHING if value == "[]" else unpack(json.loads(value), text)


_NORMALISED = -100  # evidence named in the turn's normalised form (offsets into it)


def _reading(text: str) -> tuple[int, int] | None:
    """(template number, probability in hundredths) of a reading's evidence, or None."""
    for number, pattern in enumerate(_READINGS):
        match = pattern.fullmatch(text)
        if match is not None:
            return number, int(match[1].replace(".", ""))
    return None


def _normalised_text(text: str) -> str:
    from ..safety_text import normalised

    return normalised(text)


_NOTHING: Screened = ((), ())


def screen_version() -> str:
    """A digest of everything the screen reads: any change to it leaves earlier findings unused.

    The screen's code, its data files (``data/safety*``: patterns, thresholds, the wording model's weights
    and bars, the safety encoder's bars) and model weights (``moves/weights/safety-encoder-*``), and the
    settings as imported (bars, versions), so a bar changed at run time (a benchmark, a test) counts too.
    Nothing is loaded for it: a chat read again from the cache never loads the screen's models.
    """
    import importlib

    digest = hashlib.sha256(b"cyclemap screen cache 1\0")
    modules = {name: importlib.import_module(name) for name in SCREEN_MODULES}
    for name, module in modules.items():
        digest.update(name.encode() + b"\0" + _file_digest(Path(module.__file__ or "")).encode())
    package = resources.files("cyclemap")
    files = [Path(str(e)) for e in package.joinpath("data").iterdir() if e.name.startswith("safety")]
    for folder in package.joinpath("moves", "weights").iterdir():
        if folder.name.startswith(SCREEN_WEIGHTS) and folder.is_dir():
            files.extend(Path(str(e)) for e in folder.iterdir() if e.is_file())
    root = Path(str(package))
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + _file_digest(path).encode())
    safety, safety_text = modules["cyclemap.safety"], modules["cyclemap.safety_text"]
    settings: dict[str, Any] = {
        "model": safety.MODEL_THRESHOLDS, "support": safety.SUPPORT_THRESHOLDS, "guarded": safety.GUARDED_THRESHOLDS,
        "clear": safety.CLEAR_THRESHOLD, "phrase": safety.PHRASE_THRESHOLD,
        "long": modules["cyclemap.moves.readable"].LONG_MESSAGE, "stretch": modules["cyclemap.moves.long_screen"].STRETCH,
        "text": [safety_text.VERSION, list(safety_text.VERSIONS)],
        "encoder": getattr(modules["cyclemap.safety_encoder"], "VERSION", None),
        "spelling": getattr(modules["cyclemap.safety_encoder"], "SPELLING", None),
    }
    digest.update(json.dumps(settings, sort_keys=True, default=repr).encode())
    return digest.hexdigest()[:32]


def _file_digest(path: Path) -> str:
    try:
        status = path.stat()
    except OSError:
        return "missing"
    key = (str(path), status.st_mtime_ns, status.st_size)
    found = _FILE_DIGESTS.get(key)
    if found is None:
        found = _FILE_DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def screen_values(items: Sequence[tuple[bytes, Screened, str]]) -> list[tuple[bytes, str | None]]:
    """(key, value to store) for each (key, findings, turn text); None where they cannot be stored exactly."""
    return [(key, encode(screened, text)) for key, screened, text in items]
