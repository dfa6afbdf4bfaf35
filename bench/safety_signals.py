"""Dump every reading the default-mode safety screen makes, per message, for offline rule search.

    .venv/bin/python bench/safety_signals.py OUT_DIR [--encoder FOLDER ...] [--fold corpus/safety/encoder_v1_fold.npz]

For the encoder's held-out fold (as ``bench/safety_encoder_bars.py`` rebuilds it), the report and tuning
sets and the corpus dev/test/heldout splits (never corpus/blind or corpus/report3), writes
``OUT_DIR/NAME.npz`` with, per row: gold flags, hard negative, CV group, conversation and position, the
screen's flags and clear levels WITHOUT the encoder, the lexicon's unheld clear and possible hits per
flag, whether a guard held anything, the move model's and the wording model's flag probabilities, the
encoder gate, and each encoder's probabilities (every row read, batched as the runtime does).
``bench/safety_veto.py`` searches rules on these files.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "train"))

import safety_screen  # noqa: E402
from safety_encoder_bars import _fold_jsonl  # noqa: E402
from safety_probs import load  # noqa: E402

from cyclemap.moves.registry import DEFAULT_MODEL  # noqa: E402
from cyclemap.safety import FLAGS  # noqa: E402
from cyclemap.safety_encoder import SafetyEncoder, gated, settings  # noqa: E402
from cyclemap.safety_lexicon import lexicon  # noqa: E402
from cyclemap.safety_text import text_probabilities  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETS = {"report": "corpus/safety/report.jsonl", "report2": "corpus/safety/report2.jsonl",
        "tuning": "corpus/safety/tuning.jsonl", "dev": "corpus/dev.jsonl", "test": "corpus/test.jsonl",
        "heldout": "corpus/heldout/safety.jsonl"}


def _train_positions() -> dict[str, int]:
    """Each corpus train-split text's turn number in its conversation (first seen): the fold reads those
    turns alone, but in a chat the move model reads them after their earlier turns."""
    out: dict[str, int] = {}
    for line in (ROOT / "corpus/train.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.setdefault(r["text"], int(r["turn"]))
    return out


def dump(path: Path, groups: list[str] | None, encoders: dict[str, SafetyEncoder]) -> dict:
    rows = load(path, DEFAULT_MODEL)
    texts = [r.text for r in rows]
    safety_screen.ENCODER = False
    base = safety_screen.screen(rows)
    wording = np.asarray(text_probabilities(texts), np.float32)
    scans = [lexicon().scan(r.text) for r in rows]  # as the encoder's gate reads it (no context marker)
    out = {
        "gold": np.array([[f in r.gold for f in FLAGS] for r in rows], bool).reshape(-1, 4),
        "hard": np.array([r.hard_negative for r in rows], bool),
        "conv": np.array([str(r.conversation) for r in rows]),
        "pos": np.array([r.position for r in rows]),
        # the move model read the turn with no earlier turn (the first message of its conversation)
        "lone": np.array([r.position == 0 and not (groups and g.startswith("train:")) for r, g in
                          zip(rows, groups or [""] * len(rows), strict=True)]),
        "groups": np.array(groups if groups is not None else [f"{path.name}:{r.conversation}" for r in rows]),
        "texts": np.array(texts),
        "base": np.array([[f in flags for f in FLAGS] for flags, _ in base], bool).reshape(-1, 4),
        "base_clear": np.array([[any(e.reason == f"safety: {f} (clear)" for e in ev) for f in FLAGS] for _, ev in base],
                               bool).reshape(-1, 4),
        "lex_clear": np.array([[any(h.flag == f and h.level == "clear" for h in hits) for f in FLAGS] for hits, _ in scans],
                              bool).reshape(-1, 4),
        "lex_possible": np.array([[any(h.flag == f and h.level == "possible" for h in hits) for f in FLAGS]
                                  for hits, _ in scans], bool).reshape(-1, 4),
        "held": np.array([bool(held) for _, held in scans], bool),
        "move": np.array([r.probabilities for r in rows], np.float32).reshape(-1, 4),
        "wording": wording.reshape(-1, 4),
    }
    config = settings()
    lex_touched = [bool(hits or held) for hits, held in scans]
    out["gate"] = np.array([gated(config, w, r.probabilities, t) for r, w, t in zip(rows, wording, lex_touched, strict=True)])
    for name, model in encoders.items():
        out[f"enc_{name}"] = model.probabilities(texts)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--encoder", action="append", default=[], help="NAME=FOLDER (default: v1=the shipped one)")
    parser.add_argument("--fold", type=Path, default=ROOT / "corpus/safety/encoder_v1_fold.npz")
    parser.add_argument("--only", nargs="*", help="set names to dump")
    args = parser.parse_args(argv)
    config = settings()
    assert config is not None
    specs = args.encoder or [f"v1={ROOT / 'src/cyclemap/moves/weights/safety-encoder-v1'}"]
    encoders = {n: SafetyEncoder(Path(f), config) for n, f in (s.split("=", 1) for s in specs)}
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = args.only or ["fold", *SETS]
    for name in wanted:
        if name == "fold":
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "fold.jsonl"
                groups = _fold_jsonl(args.fold, path)
                data = dump(path, groups, encoders)
        else:
            if not (ROOT / SETS[name]).exists():
                continue
            data = dump(ROOT / SETS[name], None, encoders)
        np.savez(args.out / f"{name}.npz", **data)
        print(name, len(data["gold"]), "rows", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
