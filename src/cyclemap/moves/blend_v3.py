"""blend.v3: blend.v1 with the codebook rules of ``rules.py`` applied to its class probabilities.

blend.v1's two models are unchanged (same weights, same averaging and sharpening); the rules only
move probability on the few turns a codebook rule decides (a turn said to a third party, a
minimal reply, a mock apology). The extra work is a few regular expressions per turn and, for
minimal replies only, the fast model's reading of the turn before.
"""

from __future__ import annotations

import numpy as np

from . import rules as codebook_rules
from .classes import CLASSES, move_probabilities
from .context import CONTEXT, context_features
from .registry import register_model
from .shipped import BlendModel
from .stacked import rewindow, windowed_dense


@register_model("blend.v3")
class RuledBlendModel(BlendModel):
    """blend.v1 plus codebook rules (``moves/rules.py``) as corrections over its class probabilities."""

    name = "blend.v3"
    #: Rules applied, in order (a later blend may change them).
    RULES: tuple[codebook_rules.Rule, ...] = codebook_rules.RULES

    def version(self) -> str:
        rules = ",".join(f"{r.name}@{r.factor:g}" for r in self.RULES)
        return f"{super().version()}:rules={rules}"

    def _previous_readings(self, requests) -> list[dict[int, np.ndarray]]:
        """Per request: the fast model's move probabilities of turn i-1 for each row i a rule may need,
        recomputed as if the chat began at the edge of the cache window (as blend.v2 does)."""
        wanted = [codebook_rules.needs_previous(turns, list(rows), self.RULES) for turns, rows in requests]
        out: list[dict[int, np.ndarray]] = [{} for _ in requests]
        asked = [(k, turns, rows) for k, ((turns, _), rows) in enumerate(zip(requests, wanted, strict=True)) if rows]
        if not asked:
            return out
        readings = self.fast_.predict_rows([(turns, [i - 1 for i in rows]) for _, turns, rows in asked])
        width = len(CLASSES)
        for (k, turns, rows), read in zip(asked, readings, strict=True):
            # each earlier turn's own context features, from the few turns before it only (a long chat's
            # block must not cost a pass over the whole chat)
            full = np.stack([context_features(turns[max(0, i - 1 - CONTEXT): i])[-1] for i in rows])
            probs = rewindow(read[:, :width], full, windowed_dense(full, 1), self.fast_.dense_weights_)
            out[k] = dict(zip(rows, move_probabilities(probs), strict=True))
        return out

    def predict_rows(self, requests):  # type: ignore[override]
        blended = super().predict_rows(requests)
        previous = self._previous_readings(requests)
        width = len(CLASSES)
        for (turns, rows), matrix, before in zip(requests, blended, previous, strict=True):
            rows = list(rows)
            if codebook_rules.candidates(turns, rows, self.RULES):
                matrix[:, :width] = codebook_rules.correct(matrix[:, :width], turns, rows, before, self.RULES)
        return blended
