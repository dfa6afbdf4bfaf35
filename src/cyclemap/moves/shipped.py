"""The models that ship with cyclemap, registered under their versioned names."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .encoder import EncoderModel
from .fast import FastModel
from .registry import register_model

register_model("encoder.v1")(EncoderModel)


def _fast_folder() -> Path:
    return Path(str(resources.files("cyclemap.moves") / "weights" / "fast-v1"))


@register_model("fast.v1")
class ShippedFastModel(FastModel):
    """fast.v1 with the weights trained on the corpus; ``fit`` trains anew if given data."""

    pretrained = True

    def fit(self, dialogues=(), labels=()):  # type: ignore[override]
        if dialogues:
            return super().fit(dialogues, labels)
        loaded = FastModel.load(_fast_folder())
        self.vocabulary_, self.weights_ = loaded.vocabulary_, loaded.weights_
        self.dense_weights_, self.bias_ = loaded.dense_weights_, loaded.bias_
        return self
