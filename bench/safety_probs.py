"""The model's flag probabilities for every turn of a labelled JSONL file, cached in /tmp.

Shared by ``safety_screen.py`` (figures) and ``safety_tune.py`` (thresholds): the
model reads each turn in its conversation exactly as ``analyze`` does (three turns
of context), and its four flag columns are kept, so the screen can be re-scored
under new thresholds without re-running the encoder.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cyclemap.evaluation.labelled import group_dialogues, read_labelled
from cyclemap.moves.classes import CLASSES
from cyclemap.moves.labeller import Labeller

CACHE = Path(os.environ.get("CYCLEMAP_BENCH_CACHE", Path(tempfile.gettempdir()) / "cyclemap-safety-bench"))


@dataclass(frozen=True)
class Row:
    conversation: str | None
    position: int  # the turn's place in its conversation
    text: str
    gold: tuple[str, ...]
    hard_negative: bool
    style: str
    probabilities: tuple[float, ...]  # in safety.FLAGS order


def _styles(path: Path) -> dict[int, str]:
    """Each line's ``style`` (or ``medium``), by line number (from 1, as the reader counts)."""
    out = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            data = json.loads(line)
            out[number] = str(data.get("style") or data.get("medium") or "")
    return out


def load(path: str | Path, model: str) -> list[Row]:
    """Every labelled turn of ``path`` with ``model``'s flag probabilities."""
    path = Path(path)
    rows = read_labelled(path)
    dialogues = group_dialogues(rows)
    labeller = Labeller(model=model)
    digest = hashlib.sha256(path.read_bytes() + labeller.cache_name.encode()).hexdigest()[:20]
    cached = CACHE / f"{digest}.npy"
    if cached.exists():
        flags = np.load(cached)
    else:
        outputs = labeller._outputs([[r.turn for r in d] for d in dialogues])
        flags = np.concatenate([o[:, len(CLASSES):] for o in outputs]) if outputs else np.zeros((0, 4))
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(cached, flags)
    styles = _styles(path)
    out: list[Row] = []
    k = 0
    for dialogue in dialogues:
        for position, r in enumerate(dialogue):
            out.append(Row(r.turn.conversation, position, r.turn.text, r.safety, r.hard_negative,
                           styles.get(r.line, ""), tuple(float(x) for x in flags[k])))
            k += 1
    return out
