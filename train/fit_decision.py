"""Choose per-move decision offsets for a blend by grouped cross-validation on dev (NumPy alone).

    .venv/bin/python train/fit_decision.py dump corpus/dev.jsonl corpus/heldout/moves-chat.jsonl ...
    .venv/bin/python train/fit_decision.py cv [--repeats 10]
    .venv/bin/python train/fit_decision.py check FILE.jsonl ... [--offsets a,b,c,d]
    .venv/bin/python train/fit_decision.py fit [--model v1|v2] [--neutral-only]

Why: every blend picks the move with the highest calibrated probability. Macro-F1 weighs the four
moves alike, so the F1-optimal decision may favour the rarer moves a little (a move is read as
neutral more often than the reverse). The decision here is ``argmax(log P(move) + offset[move])``,
offsets chosen by coordinate ascent over a small grid to maximise macro-F1; the confidence a user
sees stays the calibrated P of the chosen move.

``dump`` reads each file once through blend.v1 and blend.v2's parts (the whole file in one call, as
``cyclemap eval`` does) and keeps the readings in ``--cache`` (default /tmp/cyclemap-m8). ``cv``
measures, on dev only, the macro-F1 of each decision rule by grouped CV (folds by conversation,
repeated with new fold assignments), paired against argmax on the very same readings; for blend.v2
the combiner is refitted inside every fold, and its offsets are chosen on out-of-fold readings of
the training folds only (nested). ``check`` applies fixed offsets to other files' readings (never
to choose). The lead's blind sets must never be passed here; the test split only once, at the end.

Result (2026-11-26, docs/model-card.md): no gain; the offsets were not shipped. Dev, 5-fold grouped CV x 20,
paired against argmax on the same readings: blend.v1 with offsets -0.0001, with a neutral threshold
-0.0011; blend.v2 (nested) -0.0020 and +0.0009.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cyclemap.evaluation.labelled import group_dialogues, read_labelled  # noqa: E402
from cyclemap.evaluation.metrics import calibration, score  # noqa: E402
from cyclemap.moves.classes import CLASSES, MOVES, move_probabilities  # noqa: E402
from cyclemap.moves.stacked import Combiner  # noqa: E402

CACHE = Path("/tmp/cyclemap-m8")
#: Offsets tried for each move, in log-probability (exp(0.6) = 1.8 times the odds).
GRID = np.round(np.arange(-0.6, 0.61, 0.05), 2)
NEUTRAL = MOVES.index("neutral")


def decide(moves: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Index of the chosen move per row of (turns x 4) move probabilities: argmax(log P + offset)."""
    return (np.log(np.clip(moves, 1e-9, 1.0)) + offsets).argmax(axis=1)


def _forbidden(path: Path) -> bool:
    return bool({"blind", "report3"} & set(path.parts))


def dump(paths: list[Path], cache: Path) -> None:
    from cyclemap.moves.shipped import BlendModel, StackedBlendModel

    v1 = BlendModel().fit()
    v2 = StackedBlendModel()
    v2._parts()
    v2.fit()
    cache.mkdir(parents=True, exist_ok=True)
    width = len(CLASSES)
    for path in paths:
        if _forbidden(path):
            raise SystemExit("the lead's blind sets are for the lead's measurement only")
        dialogues = group_dialogues(read_labelled(path))
        turns = [[r.turn for r in d] for d in dialogues]
        requests = [(t, range(len(t))) for t in turns]
        rows = np.concatenate(v1.predict_rows(requests))
        parts = v2._features(requests)
        v2_rows = np.concatenate(v2.predict_rows(requests))
        y = np.array([MOVES.index(r.move) for d in dialogues for r in d])
        group = np.concatenate([[c] * len(d) for c, d in enumerate(dialogues)])
        np.savez(cache / f"{path.stem}.npz", y=y, group=group, v1=rows[:, :width],
                 x=np.concatenate([p[0] for p in parts]), v2=v2_rows[:, :width])
        print(f"{path}: {len(y)} turns")


def macro_f1(y: np.ndarray, predicted: np.ndarray) -> float:
    f1 = []
    for k in range(len(MOVES)):
        tp = np.sum((y == k) & (predicted == k))
        gold, made = np.sum(y == k), np.sum(predicted == k)
        if gold or made:
            f1.append(2 * tp / (gold + made))
    return float(np.mean(f1))


def fit_offsets(moves: np.ndarray, y: np.ndarray, *, neutral_only: bool = False, rounds: int = 3) -> np.ndarray:
    """Coordinate ascent over GRID: the offsets (neutral's fixed at 0) that maximise macro-F1 on (moves, y).

    Ties keep the offset nearest 0 (a change must earn its place). ``neutral_only``: one shared offset
    for the three moves against neutral (a neutral threshold).
    """
    logp = np.log(np.clip(moves, 1e-9, 1.0))
    offsets = np.zeros(len(MOVES))
    order = np.argsort(np.abs(GRID), kind="stable")
    best = macro_f1(y, (logp + offsets).argmax(1))
    others = [k for k in range(len(MOVES)) if k != NEUTRAL]
    for _ in range(rounds):
        changed = False
        for k in ([None] if neutral_only else others):
            for value in GRID[order]:
                trial = offsets.copy()
                if k is None:
                    trial[others] = value
                else:
                    trial[k] = value
                got = macro_f1(y, (logp + trial).argmax(1))
                if got > best + 1e-9:
                    best, offsets, changed = got, trial, True
        if not changed or neutral_only:
            break
    return offsets


def _folds(groups: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    ids = np.unique(groups)
    assignment = dict(zip(ids, rng.permutation(len(ids)) % k, strict=True))
    return np.array([assignment[g] for g in groups])


def cv(cache: Path, repeats: int, folds: int) -> None:
    data = np.load(cache / "dev.npz")
    y, group, v1, x = data["y"], data["group"], move_probabilities(data["v1"]), data["x"]
    rng = np.random.default_rng(2026)
    results: dict[str, list[float]] = {}
    eces: dict[str, list[float]] = {}
    chosen: dict[str, list[np.ndarray]] = {}

    def record(name: str, predicted: np.ndarray, moves: np.ndarray) -> None:
        results.setdefault(name, []).append(macro_f1(y, predicted))
        confidence = moves[np.arange(len(y)), predicted]
        eces.setdefault(name, []).append(calibration(confidence.tolist(), (predicted == y).tolist())["ece"])

    for repeat in range(repeats):
        fold = _folds(group, folds, rng)
        pred = {name: np.zeros(len(y), int) for name in ("v1", "v1+offsets", "v1+neutral", "v2", "v2+offsets", "v2+neutral")}
        v2_oof = np.zeros((len(y), len(MOVES)))
        for k in range(folds):
            held, train = fold == k, fold != k
            # blend.v1: nothing is fitted on dev but the offsets
            for name, neutral_only in (("v1+offsets", False), ("v1+neutral", True)):
                offsets = fit_offsets(v1[train], y[train], neutral_only=neutral_only)
                chosen.setdefault(name, []).append(offsets)
                pred[name][held] = decide(v1[held], offsets)
            pred["v1"][held] = v1[held].argmax(1)
            # blend.v2: the combiner is fitted on the training folds; its offsets on out-of-fold readings of them
            combiner = Combiner.fit(x[train], y[train])
            v2_oof[held] = combiner(x[held])
            inner = np.zeros((int(train.sum()), len(MOVES)))
            inner_fold = _folds(group[train], folds - 1, rng)
            for j in range(folds - 1):
                part = inner_fold == j
                inner[part] = Combiner.fit(x[train][~part], y[train][~part])(x[train][part])
            for name, neutral_only in (("v2+offsets", False), ("v2+neutral", True)):
                offsets = fit_offsets(inner, y[train], neutral_only=neutral_only)
                chosen.setdefault(name, []).append(offsets)
                pred[name][held] = decide(v2_oof[held], offsets)
            pred["v2"][held] = v2_oof[held].argmax(1)
        for name, p in pred.items():
            record(name, p, v2_oof if name.startswith("v2") else v1)
        print(f"repeat {repeat + 1}: " + ", ".join(f"{n} {results[n][-1]:.4f}" for n in pred), flush=True)
    print(f"\ndev, {folds}-fold grouped CV x {repeats} (macro-F1 mean ± sd over repeats; ECE of the calibrated P)")
    for name in results:
        base = "v2" if name.startswith("v2") else "v1"
        gain = np.array(results[name]) - np.array(results[base])
        line = (f"{name:12s} {np.mean(results[name]):.4f} ± {np.std(results[name]):.4f}  "
                f"paired gain {gain.mean():+.4f} (min {gain.min():+.4f}, max {gain.max():+.4f})  ECE {np.mean(eces[name]):.4f}")
        if name in chosen:
            offsets = np.array(chosen[name])
            line += "  offsets mean " + ",".join(f"{v:+.2f}" for v in offsets.mean(0))
        print(line)


def check(paths: list[Path], cache: Path, offsets: np.ndarray, which: str) -> None:
    for path in paths:
        if _forbidden(path):
            raise SystemExit("the lead's blind sets are for the lead's measurement only")
        data = np.load(cache / f"{path.stem}.npz")
        y, moves = data["y"], move_probabilities(data[which])
        for name, predicted in (("argmax", moves.argmax(1)), ("offsets", decide(moves, offsets))):
            result = score([MOVES[i] for i in y], [MOVES[i] for i in predicted])
            confidence = moves[np.arange(len(y)), predicted]
            ece = calibration(confidence.tolist(), (predicted == y).tolist())["ece"]
            per = " ".join(f"{m} {result.per_class[m].f1:.3f}" for m in MOVES)
            print(f"{path.stem:14s} {which} {name:8s} macro-F1 {result.macro_f1:.4f} acc {result.accuracy:.4f} "
                  f"kappa {result.kappa:.3f} ECE {ece:.4f} | {per} | changed {int(np.sum(predicted != moves.argmax(1)))}")


def fit(cache: Path, out: Path | None, which: str, neutral_only: bool) -> np.ndarray:
    data = np.load(cache / "dev.npz")
    offsets = fit_offsets(move_probabilities(data[which]), data["y"], neutral_only=neutral_only)
    print("offsets", dict(zip(MOVES, offsets.round(2).tolist(), strict=True)))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "decision.json").write_text(json.dumps(
            {"moves": list(MOVES), "offsets": offsets.round(4).tolist(),
             "chosen": f"train/fit_decision.py fit: coordinate ascent over {GRID.min()}..{GRID.max()} on dev"},
            indent=1) + "\n")
        print(f"saved to {out / 'decision.json'}")
    return offsets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("dump", "cv", "check", "fit"))
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--offsets", default="0,0,0,0", help="per move, in the order " + ",".join(MOVES))
    parser.add_argument("--model", choices=("v1", "v2"), default="v1")
    parser.add_argument("--neutral-only", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.step == "dump":
        dump(args.files, args.cache)
    elif args.step == "cv":
        cv(args.cache, args.repeats, args.folds)
    elif args.step == "check":
        check(args.files, args.cache, np.array([float(v) for v in args.offsets.split(",")]), args.model)
    else:
        fit(args.cache, args.out, args.model, args.neutral_only)


if __name__ == "__main__":
    main()
