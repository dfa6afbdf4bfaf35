"""``cyclemap eval``: a model (or a predictions file) against labelled turns, beside the baselines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..moves import MoveLabel, make_model
from ..moves.registry import DEFAULT_MODEL, MoveModel
from .labelled import LabelledTurn, group_dialogues, read_labelled, read_predictions
from .metrics import Scores, cue_scores, score

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

    def to_json(self) -> dict:
        return {
            "data": self.path,
            "turns": self.turns,
            "conversations": self.conversations,
            "system": self.system,
            "scores": self.scores.to_json(),
            "baselines": {name: s.to_json() for name, s in self.baselines.items()},
        }


def _gold_labels(rows: list[LabelledTurn]) -> list[MoveLabel]:
    from ..codebook import Move, cues_of

    # Fitting needs full labels; a row coded by move only gets the move's first cue.
    return [MoveLabel(Move(r.move), r.cue or (cues_of(r.move)[0] if r.move != "neutral" else None)) for r in rows]


def predict_with(model: MoveModel, dialogues: list[list[LabelledTurn]]) -> list[tuple[str, str | None]]:
    turns = [[row.turn for row in dialogue] for dialogue in dialogues]
    if not model.is_fitted():
        if model.pretrained:
            model.fit()  # the shipped weights; never the data being scored
        else:
            model.fit(turns, [_gold_labels(d) for d in dialogues])
    return [(str(label.move), label.cue) for labels in model.predict(turns) for label in labels]


def _scores(rows: list[LabelledTurn], predicted: list[tuple[str, str | None]]) -> Scores:
    result = score([r.move for r in rows], [p[0] for p in predicted])
    result.per_cue = cue_scores([r.cue for r in rows], [p[1] for p in predicted])
    return result


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
    if predictions is not None:
        predicted = read_predictions(predictions, len(rows))
        system = str(predictions)
    else:
        if model is None:
            model = DEFAULT_MODEL
        instance = make_model(model) if isinstance(model, str) else model
        predicted = predict_with(instance, dialogues)
        system = instance.name
    report = EvalReport(
        path=str(path),
        turns=len(rows),
        conversations=len(dialogues),
        system=system,
        scores=_scores(rows, predicted),
        has_cues=any(r.cue for r in rows),
    )
    if baselines:
        for name in BASELINES:
            # The majority baseline learns its class from the evaluated data itself:
            # an optimistic floor, documented as such.
            report.baselines[name] = _scores(rows, predict_with(make_model(name), dialogues))
    return report
