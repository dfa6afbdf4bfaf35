"""The models that ship with cyclemap, registered under their versioned names."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from .encoder import EncoderModel, weights_digest
from .fast import FastModel
from .registry import MoveModel, register_model
from .stacked import LOOK_BACK, Combiner, combiner_features, cue_shares, earlier_moves

register_model("encoder.v1")(EncoderModel)


@register_model("encoder.v1s")
class StaticEncoderModel(EncoderModel):
    """encoder.v1 with its activations quantised statically: the same int8 weights and context head,
    each activation's scale fixed once on train-split texts (``train/export_static_encoder.py``)
    instead of measured per ONNX batch. A turn's vector, and so its label, no longer depends on the
    turns encoded beside it (byte for byte: alone, in a batch of 64, in any batch).
    """

    name = "encoder.v1s"

    def __init__(self, *, weights: str = "encoder-v1s", threads: int = 0) -> None:
        super().__init__(weights=weights, threads=threads)


def _fast_folder(folder: str = "fast-v1") -> Path:
    return Path(str(resources.files("cyclemap.moves") / "weights" / folder))


@register_model("fast.v1")
class ShippedFastModel(FastModel):
    """fast.v1 with the weights trained on the corpus; ``fit`` trains anew if given data."""

    pretrained = True
    #: The weights folder under moves/weights.
    folder = "fast-v1"

    def version(self) -> str:
        folder = _fast_folder(self.folder)
        return f"{self.name}:{weights_digest(folder / 'vocabulary.json', folder / 'weights.npz')}"

    def fit(self, dialogues=(), labels=()):  # type: ignore[override]
        if dialogues:
            return super().fit(dialogues, labels)
        loaded = FastModel.load(_fast_folder(self.folder))
        self.vocabulary_, self.weights_ = loaded.vocabulary_, loaded.weights_
        self.dense_weights_, self.bias_ = loaded.dense_weights_, loaded.bias_
        return self


@register_model("fast.v2")
class ShippedFastModelV2(ShippedFastModel):
    """fast.v1's features and training, on the corpus plus two noisy copies of it (texting
    style: lower case, abbreviations, typos, emoji; transcript style: fillers, false starts;
    ``train/messy.py``) and a vocabulary of words seen at least 4 times: the same speed,
    less reliance on tidy spelling (dev macro-F1 0.697 -> 0.711; on dev made messy 0.681 -> 0.699).
    """

    name = "fast.v2"
    folder = "fast-v2"


@register_model("blend.v1")
class BlendModel(MoveModel):
    """The encoder and the fast model together: their class probabilities averaged with a
    weight chosen on the dev split (0.4 to 0.6 scored alike; 0.5 it is), and the encoder's
    safety flags (the fast model's read single words like "scared" as fear). The two read turns
    differently (a fine-tuned sentence encoder; words and the turn before), so their mistakes
    differ and the blend is more often right than either.
    """

    name = "blend.v1"
    pretrained = True
    #: The encoder (class and weights folder) and the fast model (a later blend changes them).
    ENCODER_MODEL: type[EncoderModel] = EncoderModel
    ENCODER_FOLDER = "encoder-v1"
    FAST_MODEL: type[ShippedFastModel] = ShippedFastModel
    #: Share of the encoder in the blend (the rest is the fast model's), chosen on dev.
    ENCODER_WEIGHT = 0.5
    #: Averaging two calibrated models flattens the result; raising it to this power (and
    #: renormalising) calibrates the blend again (dev: expected calibration error 0.096 -> 0.010).
    SHARPEN = 1.4

    def __init__(self, *, encoder_weight: float | None = None) -> None:
        self.encoder_weight = encoder_weight

    def fit(self, dialogues=(), labels=()):  # type: ignore[override]
        self.encoder_ = self.ENCODER_MODEL(weights=self.ENCODER_FOLDER).fit()
        self.fast_ = self.FAST_MODEL().fit()
        self.weight_ = self.ENCODER_WEIGHT if self.encoder_weight is None else self.encoder_weight
        return self

    def version(self) -> str:
        parts = (self.ENCODER_MODEL(weights=self.ENCODER_FOLDER).version(), self.FAST_MODEL().version(), self.ENCODER_WEIGHT, self.SHARPEN)
        return f"{self.name}:" + ":".join(str(p) for p in parts)

    def predict_rows(self, requests):  # type: ignore[override]
        self._check_fitted("encoder_")
        from .classes import CLASSES

        width = len(CLASSES)
        out = []
        for deep, shallow in zip(self.encoder_.predict_rows(requests), self.fast_.predict_rows(requests), strict=True):
            blended = np.empty_like(deep)
            mixed = (self.weight_ * deep[:, :width] + (1 - self.weight_) * shallow[:, :width]) ** self.SHARPEN
            blended[:, :width] = mixed / mixed.sum(axis=1, keepdims=True)
            blended[:, width:] = deep[:, width:]
            out.append(blended)
        return out

    def predict(self, dialogues):  # type: ignore[override]
        from .classes import CLASSES, labels_from_class_probs

        rows = self.predict_rows([(turns, range(len(turns))) for turns in dialogues])
        return [labels_from_class_probs(r[:, : len(CLASSES)]) for r in rows]


@register_model("blend.v5")
class StaticBlendModel(BlendModel):
    """blend.v1's recipe (fast.v1, weight 0.5, sharpening 1.4, the encoder's safety flags) on
    encoder.v1s: a turn's label depends only on its window, never on which other turns were
    encoded in the same batch (blend.v1 changed 27-37 of 2,002 dev moves with the batching).
    """

    name = "blend.v5"
    ENCODER_MODEL = StaticEncoderModel
    ENCODER_FOLDER = "encoder-v1s"


@register_model("blend.v2")
class StackedBlendModel(MoveModel):
    """encoder.v1 and fast.v2 read by a small combiner fitted on the dev split (``stacked.py``).

    The combiner sees both models' move probabilities of the turn, the fast model's readings of
    the two turns before it (by the same speaker or the other) and the context features, and
    gives the move; the cue is the most likely of that move's cues by the two models' average.
    Safety flags are encoder.v1's, exactly as in blend.v1 (the safety screen's thresholds hold).
    ``fit`` with no data loads the shipped combiner; with labelled dialogues it fits a new one.
    """

    name = "blend.v2"
    pretrained = True
    folder = "blend-v2"

    def __init__(self, *, l2: float = 1e-2) -> None:
        self.l2 = l2

    def _parts(self) -> None:
        if not hasattr(self, "encoder_"):
            self.encoder_ = EncoderModel().fit()
            self.fast_ = ShippedFastModelV2().fit()

    def fit(self, dialogues=(), labels=()):  # type: ignore[override]
        from .classes import MOVES

        self._parts()
        if dialogues:
            x = self._features([(turns, range(len(turns))) for turns in dialogues])
            x = np.concatenate([f for f, _, _, _ in x])
            y = np.array([MOVES.index(str(label.move)) for row in labels for label in row])
            self.combiner_ = Combiner.fit(x, y, l2=self.l2)
        else:
            with np.load(_fast_folder(self.folder) / "combiner.npz") as arrays:
                self.combiner_ = Combiner(dict(arrays))
        return self

    def version(self) -> str:
        combiner = _fast_folder(self.folder) / "combiner.npz"
        parts = (EncoderModel().version(), ShippedFastModelV2().version(), weights_digest(combiner))
        return f"{self.name}:" + ":".join(parts)

    def _features(self, requests):
        """Per request: (combiner input, encoder classes, fast classes, encoder flags) for its rows."""
        from .classes import CLASSES
        from .context import context_features

        width = len(CLASSES)
        deep_rows = self.encoder_.predict_rows(requests)
        # the fast model also reads the LOOK_BACK turns before each row
        wanted = [sorted({j for i in rows for j in range(max(0, i - LOOK_BACK), i + 1)})
                  for _, rows in requests]
        shallow_rows = self.fast_.predict_rows(
            [(turns, w) for (turns, _), w in zip(requests, wanted, strict=True)]
        )
        out = []
        for (turns, rows), deep, w, shallow in zip(requests, deep_rows, wanted, shallow_rows, strict=True):
            rows = list(rows)
            at = {j: shallow[k, :width] for k, j in enumerate(w)}
            features = context_features(turns)
            own = np.stack([at[i] for i in rows]) if rows else np.zeros((0, width), np.float32)
            earlier = earlier_moves(features, rows, at, self.fast_.dense_weights_)
            x = combiner_features(deep[:, :width], own, earlier, features[rows])
            out.append((x, deep[:, :width], own, deep[:, width:]))
        return out

    def predict_rows(self, requests):  # type: ignore[override]
        from .classes import CLASS_MOVE

        self._check_fitted("combiner_")
        out = []
        for x, deep, shallow, flags in self._features(requests):
            if not len(x):
                out.append(np.zeros((0, deep.shape[1] + flags.shape[1]), np.float32))
                continue
            moves = self.combiner_(x)
            classes = moves[:, CLASS_MOVE] * cue_shares(deep, shallow)
            out.append(np.concatenate([classes, flags], axis=1).astype(np.float32))
        return out

    def predict(self, dialogues):  # type: ignore[override]
        from .classes import CLASSES, labels_from_class_probs

        rows = self.predict_rows([(turns, range(len(turns))) for turns in dialogues])
        return [labels_from_class_probs(r[:, : len(CLASSES)]) for r in rows]
