"""Choose ``safety_text.v2``'s bars by cross-validation on its training data (used by train_safety_text.py).

The wording model plays two parts in the screen (``safety.decide``): on its own it raises a flag at its
``bar`` (its ``guarded`` bar where a guard holds), and it must *corroborate* what the move model alone or a
*possible* family of the lexicon found, at its ``corroborate`` bar: the move model reads single messages
poorly ("ur not goin 2 believe wat happened at work" reaches 0.84 for control), the wording model has read
thousands of them. Both sets of bars are chosen on out-of-fold readings (each message read by a model that
never saw it nor its variants) of the tuning set, train_extra2 and the corpus train split, for the whole
screen: the most flagged turns caught while the false alarms on each single-message file's hard negatives
stay at or under ``LIMIT`` and the wording model adds at most ``ADD_ALL`` of the train split's ordinary
turns. Neither the dev split nor any report set is read.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ("violence", "control", "self_harm", "fear")
LIMIT = 0.05  # hard negatives of each single-message file: the goal, or the screen's rate without the model if higher
ADD_ALL = 0.01  # the train split's unflagged turns the wording model may add
PENALTY = 2.0  # a flagged hard negative must be paid for by two more caught flagged turns
BAR_GRID = [1.01, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2]
CORR_GRID = [0.0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]
GUARD_STEP = 0.15  # a guarded reading needs this much more (as in v1)


class Table:
    """What the rule needs of every row that has an out-of-fold reading, per flag (rows x 4 arrays)."""

    def __init__(self, model, rows: list[dict], oof: np.ndarray) -> None:
        import sys

        sys.path.insert(0, str(ROOT / "bench"))
        from safety_probs import load

        from cyclemap.moves.registry import DEFAULT_MODEL
        from cyclemap.safety import GUARDED_THRESHOLDS, MODEL_THRESHOLDS, SUPPORT_THRESHOLDS, _text_guarded, scan

        keep = [i for i in range(len(rows)) if not np.isnan(oof[i]).any()]
        files = {"tuning": "corpus/safety/tuning.jsonl", "train_extra2": "corpus/safety/train_extra2.jsonl",
                 "train": "corpus/train.jsonl"}
        move: dict[tuple[str, str, str], tuple[float, ...]] = {}
        for split, name in files.items():
            for r in load(ROOT / name, DEFAULT_MODEL):
                move[(split, str(r.conversation), r.text)] = r.probabilities
        self.rows = [rows[i] for i in keep]
        self.source = np.array([r.get("split") or "train" for r in self.rows])
        self.text = oof[keep].astype(np.float64)
        self.move = np.array([move[(r.get("split") or "train", str(r["conversation"]), r["text"])] for r in self.rows])
        n = len(self.rows)
        self.clear = np.zeros((n, 4), bool)
        self.possible = np.zeros((n, 4), bool)
        self.held = np.zeros((n, 4), bool)
        self.tguard = np.zeros((n, 4), bool)
        for i, r in enumerate(self.rows):
            hits, held = scan(r["text"])
            for k, flag in enumerate(FLAGS):
                self.clear[i, k] = any(h.flag == flag and h.level == "clear" for h in hits)
                self.possible[i, k] = any(h.flag == flag and h.level == "possible" for h in hits)
                self.held[i, k] = any(h.flag in (flag, "*") for h in held)
                if self.held[i, k]:
                    self.tguard[i, k] = True
                elif self.text[i, k] >= min(BAR_GRID):
                    s = model.strongest(r["text"], flag)
                    self.tguard[i, k] = _text_guarded(r["text"], flag, s.norm_start, s.norm_end)
        mbar = np.array([MODEL_THRESHOLDS[f] for f in FLAGS])
        gbar = np.array([GUARDED_THRESHOLDS[f] for f in FLAGS])
        sbar = np.array([SUPPORT_THRESHOLDS[f] for f in FLAGS])
        # the lexicon's possible families and the move model alone: what the wording model must corroborate
        self.needs_corroboration = (self.possible & (self.move >= sbar)) | (self.move >= np.where(self.held, gbar, mbar))
        self.gold = np.array([bool(r.get("safety")) for r in self.rows])
        self.hard = np.array([bool(r.get("hard_negative")) for r in self.rows])

    def fired(self, bar: np.ndarray, corr: np.ndarray, use_text: bool = True) -> np.ndarray:
        """(rows,) any flag raised under the bars (``use_text`` False: the screen without the wording model)."""
        if not use_text:
            return (self.clear | self.needs_corroboration).any(1)
        own = self.text >= np.where(self.tguard, np.minimum(1.01, bar + GUARD_STEP), bar)
        return (self.clear | (self.needs_corroboration & (self.text >= corr)) | own).any(1)


def choose_bars_cv(model, rows: list[dict], oof: np.ndarray) -> dict:
    """Greedy, one flag's (bar, corroborate) pair at a time: the change that most raises caught flagged turns
    minus ``PENALTY`` times the hard negatives flagged, while every limit holds."""
    table = Table(model, rows, oof)
    singles = [s for s in ("tuning", "train_extra2") if (table.source == s).any()]
    split = table.source == "train"
    clean = split & ~table.gold
    base_fired = table.fired(np.full(4, 1.01), np.zeros(4), use_text=False)

    def rates(fired: np.ndarray) -> dict[str, float]:
        out = {s: float((fired & table.hard & (table.source == s)).sum() / max((table.hard & (table.source == s)).sum(), 1))
               for s in singles}
        out["train split, unflagged (added)"] = float(((fired & ~base_fired) & clean).sum() / max(clean.sum(), 1))
        return out

    base = rates(base_fired)
    # Never worse than the screen without the wording model, and within the goal where that screen already is.
    limits = {s: max(LIMIT, base[s]) for s in singles} | {"train split, unflagged (added)": ADD_ALL}

    def score(bar: np.ndarray, corr: np.ndarray) -> tuple[float, int, dict] | None:
        fired = table.fired(bar, corr)
        found = rates(fired)
        if any(found[k] > limits[k] + 1e-9 for k in limits):
            return None
        caught = int((fired & table.gold).sum())
        return caught - PENALTY * int((fired & table.hard).sum()), caught, found

    bar, corr = np.full(4, 1.01), np.zeros(4)
    value, caught, found = score(bar, corr)
    print(f"  without the wording model: caught {caught} of {int(table.gold.sum())}, false alarms {found}; limits {limits}", flush=True)
    while True:
        best = None
        for k in range(4):
            for b, c in itertools.product(BAR_GRID, CORR_GRID):
                if (b, c) == (bar[k], corr[k]) or c >= b:
                    continue
                tb, tc = bar.copy(), corr.copy()
                tb[k], tc[k] = b, c
                trial = score(tb, tc)
                if trial is not None and trial[0] > value + 1e-9 and (best is None or trial[0] > best[0][0]):
                    best = (trial, tb, tc)
        if best is None:
            break
        (value, caught, found), bar, corr = best
        print(f"  bar {bar.tolist()} corroborate {corr.tolist()}: caught {caught}, false alarms {found}", flush=True)
    return {
        "bar": {f: float(v) for f, v in zip(FLAGS, bar, strict=True)},
        "guarded": {f: round(float(min(1.01, v + GUARD_STEP)), 2) for f, v in zip(FLAGS, bar, strict=True)},
        "corroborate": {f: float(v) for f, v in zip(FLAGS, corr, strict=True)},
    }
