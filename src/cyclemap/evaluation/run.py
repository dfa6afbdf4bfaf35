"""``cyclemap eval``: a model (or a predictions file) against labelled turns, beside the baselines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..moves import MoveLabel, make_model
from ..moves.registry import DEFAULT_MODEL, MoveModel
from .labelled import LabelledTurn, group_dialogues, read_labelled, read_predictions
from .metrics import Scores, calibration, cue_scores, score

BASELINES = ("majority.v1", "keywords.v1")


@dataclass
class EvalReport:
    path: str
    turns: int
    conversations: int
    system: str  # the model name or the predictions file
    scores: Scores
    baselines: dict[str, Scores] = field(default_factory=dict)
    has_cues: bool = True
    safety: dict | None = None
    calibration: dict | None = None

    def to_json(self) -> dict:
        return {
            "data": self.path,
            "turns": self.turns,
            "conversations": self.conversations,
            "system": self.system,
            "scores": self.scores.to_json(),
            "baselines": {name: s.to_json() for name, s in self.baselines.items()},
            "safety": self.safety,
            "calibration": self.calibration,
        }


def _gold_labels(rows: list[LabelledTurn]) -> list[MoveLabel]:
    from ..codebook import Move, cues_of

    # Fitting needs full labels; a row coded by move only gets the move's first cue.
    return [MoveLabel(Move(r.move), r.cue or (cues_of(r.move)[0] if r.move != "neutral" else None)) for r in rows]


def predict_with(model: MoveModel, dialogues: list[list[LabelledTurn]]) -> list[MoveLabel]:
    """Labels as users get them: shipped models through the full labeller (with the safety screen)."""
    turns = [[row.turn for row in dialogue] for dialogue in dialogues]
    if model.pretrained:
        from ..moves.labeller import Labeller

        labeller = Labeller(model=model)  # the shipped weights, never the data scored
        return [label for labels in labeller.label(turns) for label in labels]
    if not model.is_fitted():
        model.fit(turns, [_gold_labels(d) for d in dialogues])
    return [label for labels in model.predict(turns) for label in labels]


def safety_scores(rows: list[LabelledTurn], predicted: list[MoveLabel]) -> dict | None:
    """Recall per flag, and false alarms on hard negatives; None when the data has no flags."""
    if not any(r.safety for r in rows):
        return None
    from ..codebook import SafetyFlag

    result: dict = {"per_flag": {}}
    for flag in (f.value for f in SafetyFlag):
        gold = [flag in r.safety for r in rows]
        made = [flag in p.safety for p in predicted]
        hits = sum(1 for g, m in zip(gold, made, strict=True) if g and m)
        result["per_flag"][flag] = {
            "support": sum(gold),
            "recall": round(hits / sum(gold), 4) if sum(gold) else None,
            "precision": round(hits / sum(made), 4) if sum(made) else None,
        }
    flagged = [bool(r.safety) for r in rows]
    caught = sum(1 for r, p in zip(rows, predicted, strict=True) if r.safety and p.safety)
    result["any_flag_recall"] = round(caught / sum(flagged), 4)
    hard = [p for r, p in zip(rows, predicted, strict=True) if r.hard_negative]
    result["hard_negatives"] = len(hard)
    result["hard_negative_false_alarm_rate"] = round(sum(1 for p in hard if p.safety) / len(hard), 4) if hard else None
    unflagged = [p for r, p in zip(rows, predicted, strict=True) if not r.safety]
    result["false_alarm_rate_all_unflagged"] = round(sum(1 for p in unflagged if p.safety) / len(unflagged), 4) if unflagged else None
    return result


def _scores(rows: list[LabelledTurn], predicted: list[tuple[str, str | None]]) -> Scores:
    result = score([r.move for r in rows], [p[0] for p in predicted])
    result.per_cue = cue_scores([r.cue for r in rows], [p[1] for p in predicted])
    return result


def _pairs(labels: list[MoveLabel]) -> list[tuple[str, str | None]]:
    return [(str(label.move), label.cue) for label in labels]


def evaluate(
    path: str | Path,
    *,
    model: str | MoveModel | None = None,
    predictions: str | Path | None = None,
    baselines: bool = True,
) -> EvalReport:
    """Score a model or a predictions file on ``path`` (labelled JSON Lines)."""
    rows = read_labelled(path)
    dialogues = group_dialogues(rows)
    safety = None
    reliability = None
    if predictions is not None:
        predicted = read_predictions(predictions, len(rows))
        system = str(predictions)
    else:
        if model is None:
            model = DEFAULT_MODEL
        instance = make_model(model) if isinstance(model, str) else model
        labels = predict_with(instance, dialogues)
        predicted = _pairs(labels)
        system = instance.name
        safety = safety_scores(rows, labels)
        reliability = calibration(
            [label.confidence for label in labels],
            [str(label.move) == row.move for label, row in zip(labels, rows, strict=True)],
        )
    report = EvalReport(
        path=str(path),
        turns=len(rows),
        conversations=len(dialogues),
        system=system,
        scores=_scores(rows, predicted),
        has_cues=any(r.cue for r in rows),
        safety=safety,
        calibration=reliability,
    )
    if baselines:
        for name in BASELINES:
            # The majority baseline learns its class from the evaluated data itself:
            # an optimistic floor, documented as such.
            report.baselines[name] = _scores(rows, _pairs(predict_with(make_model(name), dialogues)))
    return report
