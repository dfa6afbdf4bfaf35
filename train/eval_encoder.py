"""Measure an encoder candidate fresh from train_moves.py before it ships (NumPy + cyclemap only).

    .venv/bin/python train/eval_encoder.py /tmp/encoder-v2 [--fast fast.v2] [--json out.json]

Prints, for the candidate alone and blended with a fast model (the blend.v1 recipe:
class probabilities averaged, then sharpened), dev macro-F1 over a grid of encoder
weights, the sharpening power that calibrates the blend best on dev, and the flag
head's usefulness: AUC per flag on the dev split (turns in their conversations) and
on the single messages of corpus/safety/report.jsonl, and the recall at bars that
keep false alarms at or below 5%. Choices are made on dev only; report.jsonl is
measured, and bars set on it are marked as such (the brief asks for both).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cyclemap.codebook import SafetyFlag  # noqa: E402
from cyclemap.evaluation import group_dialogues, read_labelled  # noqa: E402
from cyclemap.evaluation.metrics import score  # noqa: E402
from cyclemap.moves.classes import CLASSES, labels_from_class_probs  # noqa: E402
from cyclemap.moves.encoder import EncoderModel  # noqa: E402
from cyclemap.moves.registry import make_model  # noqa: E402

FLAGS = [f.value for f in SafetyFlag]
WIDTH = len(CLASSES)
FALSE_ALARMS = 0.05


def rows_of(model, dialogues) -> np.ndarray:
    turns = [[r.turn for r in d] for d in dialogues]
    return np.concatenate(model.predict_rows([(t, range(len(t))) for t in turns]))


def macro_f1(classes: np.ndarray, gold: list[str]) -> float:
    predicted = [str(label.move) for label in labels_from_class_probs(classes)]
    return score(gold, predicted).macro_f1


def blend(deep: np.ndarray, shallow: np.ndarray, weight: float, sharpen: float) -> np.ndarray:
    mixed = (weight * deep + (1 - weight) * shallow) ** sharpen
    return mixed / mixed.sum(1, keepdims=True)


def ece(classes: np.ndarray, gold: list[str], bins: int = 10) -> float:
    """Expected calibration error of the move confidence (the labels' confidence)."""
    labels = labels_from_class_probs(classes)
    confidence = np.array([label.confidence for label in labels])
    right = np.array([str(label.move) == g for label, g in zip(labels, gold, strict=True)], float)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            total += inside.mean() * abs(confidence[inside].mean() - right[inside].mean())
    return float(total)


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    positives, negatives = scores[labels], scores[~labels]
    if not len(positives) or not len(negatives):
        return float("nan")
    greater = (positives[:, None] > negatives[None, :]).sum() + 0.5 * (positives[:, None] == negatives[None, :]).sum()
    return float(greater / (len(positives) * len(negatives)))


def bar_for(negatives: np.ndarray, rate: float = FALSE_ALARMS) -> float:
    """The lowest bar that raises the flag on at most ``rate`` of these negatives."""
    if not len(negatives):
        return 0.0
    values = np.sort(negatives)[::-1]
    allowed = int(np.floor(rate * len(values)))
    return float(np.nextafter(values[allowed], 1.0)) if allowed < len(values) else 0.0


def joint_bars(negative_sets: list[np.ndarray], rate: float = FALSE_ALARMS) -> np.ndarray:
    """Per-flag bars, each at the same per-flag false-alarm rate, chosen so that ANY flag is
    raised on at most ``rate`` of every set of negatives (rows: messages, columns: flags)."""
    lo, hi = 0.0, rate
    for _ in range(30):  # bisect on the per-flag rate
        mid = (lo + hi) / 2
        bars = np.array([max(bar_for(n[:, k], mid) for n in negative_sets) for k in range(len(FLAGS))])
        if all((n >= bars).any(1).mean() <= rate for n in negative_sets):
            lo = mid
        else:
            hi = mid
    return np.array([max(bar_for(n[:, k], lo) for n in negative_sets) for k in range(len(FLAGS))])


def flag_figures(dev_flags, dev_gold, report_flags, report_gold, report_hard) -> dict:
    out: dict = {"per_flag": {}}
    dev_negatives = dev_flags[~dev_gold.any(1)]
    bars_dev = dict(zip(FLAGS, joint_bars([dev_negatives]).tolist(), strict=True))
    bars_both = dict(zip(FLAGS, joint_bars([dev_negatives, report_flags[report_hard]]).tolist(), strict=True))
    for k, flag in enumerate(FLAGS):
        dev_pos = dev_gold[:, k]
        rep_pos = report_gold[:, k]
        out["per_flag"][flag] = {
            "dev_auc": round(auc(dev_flags[:, k], dev_pos), 4),
            "dev_support": int(dev_pos.sum()),
            "report_auc": round(auc(report_flags[:, k], rep_pos), 4),
            "report_auc_vs_hard_negatives": round(auc(report_flags[rep_pos | report_hard, k], rep_pos[rep_pos | report_hard]), 4),
            "report_support": int(rep_pos.sum()),
        }
    for label, bars in (("bars_set_on_dev_only", bars_dev), ("bars_set_on_dev_and_report_hard_negatives", bars_both)):
        b = np.array([bars[f] for f in FLAGS])
        rep_raised = report_flags >= b
        dev_raised = dev_flags >= b
        out[label] = {
            "bars": {f: round(v, 4) for f, v in bars.items()},
            "report_recall_per_flag": {f: round(float(rep_raised[report_gold[:, k], k].mean()), 4)
                                       for k, f in enumerate(FLAGS) if report_gold[:, k].any()},
            "report_any_flag_recall": round(float(rep_raised[report_gold.any(1)].any(1).mean()), 4),
            "report_hard_negative_false_alarms": round(float(rep_raised[report_hard].any(1).mean()), 4),
            "dev_any_flag_recall": round(float(dev_raised[dev_gold.any(1)].any(1).mean()), 4),
            "dev_unflagged_false_alarms": round(float(dev_raised[~dev_gold.any(1)].any(1).mean()), 4),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="an encoder folder (absolute path) or a shipped one (encoder-v1)")
    parser.add_argument("--fast", default="fast.v2", help="the fast model to blend with")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args()
    folder = str(Path(args.folder).resolve()) if "/" in args.folder else args.folder

    encoder = EncoderModel(weights=folder).fit()
    fast = make_model(args.fast).fit()
    dev = group_dialogues(read_labelled(ROOT / "corpus" / "dev.jsonl"))
    report = group_dialogues(read_labelled(ROOT / "corpus" / "safety" / "report.jsonl"))
    gold = [r.move for d in dev for r in d]

    deep, shallow = rows_of(encoder, dev), rows_of(fast, dev)
    result: dict = {"candidate": folder, "fast": args.fast, "dev_encoder_alone": round(macro_f1(deep[:, :WIDTH], gold), 4)}
    # Sharpening changes decisions too (a move's probability is a sum of its cues'), so both
    # are chosen together: the best dev macro-F1 (to 3 places), then the best calibration.
    grid = {}
    for weight in (0.3, 0.4, 0.5, 0.6, 0.7):
        for sharpen in (1.0, 1.2, 1.4, 1.6, 1.8):
            mixed = blend(deep[:, :WIDTH], shallow[:, :WIDTH], weight, sharpen)
            grid[(weight, sharpen)] = (macro_f1(mixed, gold), ece(mixed, gold))
    result["dev_blend_grid"] = {f"w{w}_s{s}": {"macro_f1": round(f, 4), "ece": round(e, 4)} for (w, s), (f, e) in grid.items()}
    weight, sharpen = max(grid, key=lambda k: (round(grid[k][0], 3), -grid[k][1]))
    result["chosen"] = {"encoder_weight": weight, "sharpen": sharpen,
                        "dev_macro_f1": round(grid[(weight, sharpen)][0], 4), "dev_ece": round(grid[(weight, sharpen)][1], 4)}

    dev_gold = np.array([[f in r.safety for f in FLAGS] for d in dev for r in d])
    report_rows = rows_of(encoder, report)
    report_gold = np.array([[f in r.safety for f in FLAGS] for d in report for r in d])
    report_hard = np.array([r.hard_negative for d in report for r in d])
    result["flags"] = flag_figures(deep[:, WIDTH:], dev_gold, report_rows[:, WIDTH:], report_gold, report_hard)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
