"""Agreement between gold labels and predictions: accuracy, P/R/F1, macro-F1, Cohen's kappa.

Pure functions over two equal-length sequences of labels, so the same code
scores a model against the corpus and one human coder against another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..codebook import CUES, Move

MOVES: tuple[str, ...] = tuple(move.value for move in Move)


@dataclass(frozen=True)
class ClassScore:
    precision: float
    recall: float
    f1: float
    support: int  # gold count
    predicted: int


@dataclass
class Scores:
    n: int
    accuracy: float
    macro_f1: float
    kappa: float
    per_class: dict[str, ClassScore]
    confusion: dict[str, dict[str, int]]
    labels: tuple[str, ...]
    per_cue: dict[str, ClassScore] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "kappa": round(self.kappa, 4),
            "per_move": {k: _class_json(v) for k, v in self.per_class.items()},
            "per_cue": {k: _class_json(v) for k, v in self.per_cue.items()},
            "confusion": {"rows_gold_columns_predicted": list(self.labels), "matrix": self.confusion},
        }


def _class_json(score: ClassScore) -> dict:
    return {
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "support": score.support,
        "predicted": score.predicted,
    }


def class_scores(gold: Sequence[str], predicted: Sequence[str], label: str) -> ClassScore:
    true_positive = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
    support = sum(1 for g in gold if g == label)
    made = sum(1 for p in predicted if p == label)
    precision = true_positive / made if made else 0.0
    recall = true_positive / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClassScore(precision, recall, f1, support, made)


def cohen_kappa(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """(p_o - p_e) / (1 - p_e); 1.0 when both sides use one identical label throughout."""
    n = len(gold)
    if n == 0:
        raise ValueError("kappa of no items")
    observed = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / n
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    expected = sum(gold_counts[label] * predicted_counts[label] for label in gold_counts) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def score(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = MOVES) -> Scores:
    """Scores over ``labels``; macro-F1 averages the labels that occur in gold or predictions."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    if not gold:
        raise ValueError("nothing to score")
    per_class = {label: class_scores(gold, predicted, label) for label in labels}
    present = [s for s in per_class.values() if s.support or s.predicted]
    confusion = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    return Scores(
        n=len(gold),
        accuracy=sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / len(gold),
        macro_f1=sum(s.f1 for s in present) / len(present),
        kappa=cohen_kappa(gold, predicted),
        per_class=per_class,
        confusion=confusion,
        labels=tuple(labels),
    )


def cue_scores(gold: Sequence[str | None], predicted: Sequence[str | None]) -> dict[str, ClassScore]:
    """Per-cue P/R/F1; a neutral turn has no cue (None) and counts as a miss or a false alarm."""
    gold_cues = ["-" if c is None else c for c in gold]
    predicted_cues = ["-" if c is None else c for c in predicted]
    return {cue: class_scores(gold_cues, predicted_cues, cue) for cue in CUES}


def calibration(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> dict:
    """Reliability by confidence bin and the expected calibration error (ECE).

    A calibrated model is right about 80% of the time on turns it gives 0.8.
    """
    if len(confidences) != len(correct) or not confidences:
        raise ValueError("one confidence per prediction is needed")
    table = []
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences) if low <= c < high or (b == bins - 1 and c == 1.0)]
        if not members:
            continue
        mean_confidence = sum(confidences[i] for i in members) / len(members)
        accuracy = sum(1 for i in members if correct[i]) / len(members)
        error += len(members) / len(confidences) * abs(mean_confidence - accuracy)
        table.append({"bin": f"{low:.1f}-{high:.1f}", "n": len(members),
                      "mean_confidence": round(mean_confidence, 4), "accuracy": round(accuracy, 4)})
    return {"ece": round(error, 4), "bins": table}
