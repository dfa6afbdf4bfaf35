"""The plain-text view of an evaluation, as ``cyclemap eval`` prints it."""

from __future__ import annotations

from ..codebook import CUES
from .metrics import Scores
from .run import EvalReport


def _row(name: str, scores: Scores) -> str:
    return f"  {name:<28} {scores.accuracy:>8.3f} {scores.macro_f1:>9.3f} {scores.kappa:>7.3f}"


def format_report(report: EvalReport) -> str:
    lines = [
        f"{report.path}: {report.turns} turns in {report.conversations} conversations",
        "",
        f"  {'system':<28} {'accuracy':>8} {'macro-F1':>9} {'kappa':>7}",
        _row(report.system, report.scores),
    ]
    for name, scores in report.baselines.items():
        lines.append(_row(f"baseline {name}", scores))
    lines += ["", f"per move ({report.system}):", f"  {'move':<18} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    for move, s in report.scores.per_class.items():
        lines.append(f"  {move:<18} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}")
    labels = report.scores.labels
    lines += ["", "confusion matrix (rows: gold, columns: predicted):", "  " + " " * 10 + "".join(f"{p:>10}" for p in labels)]
    for gold in labels:
        lines.append(f"  {gold:<10}" + "".join(f"{report.scores.confusion[gold][p]:>10}" for p in labels))
    if report.has_cues:
        lines += ["", "per cue:", f"  {'cue':<18} {'move':<9} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
        for cue, s in report.scores.per_cue.items():
            lines.append(f"  {cue:<18} {CUES[cue].value:<9} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}")
    if report.calibration:
        lines += ["", f"calibration (expected calibration error {report.calibration['ece']:.3f}):",
                  f"  {'confidence':<10} {'turns':>6} {'mean conf.':>10} {'accuracy':>9}"]
        for row in report.calibration["bins"]:
            lines.append(f"  {row['bin']:<10} {row['n']:>6} {row['mean_confidence']:>10.3f} {row['accuracy']:>9.3f}")
    if report.safety:
        safety = report.safety
        lines += ["", "safety screen:", f"  {'flag':<12} {'recall':>7} {'precision':>9} {'support':>8}"]
        for flag, s in safety["per_flag"].items():
            recall = "-" if s["recall"] is None else f"{s['recall']:.3f}"
            precision = "-" if s["precision"] is None else f"{s['precision']:.3f}"
            lines.append(f"  {flag:<12} {recall:>7} {precision:>9} {s['support']:>8}")
        lines.append(f"  any flag recall {safety['any_flag_recall']:.3f}")
        if safety["hard_negative_false_alarm_rate"] is not None:
            lines.append(
                f"  false alarms on {safety['hard_negatives']} hard negatives: {safety['hard_negative_false_alarm_rate']:.3f}"
            )
    return "\n".join(lines)
