"""The estimator contract every move model follows, and versioned registered names.

Models follow scikit-learn's conventions: keyword-only ``__init__`` that only
stores parameters, ``fit`` returns ``self``, learned state in attributes
ending in ``_``, ``predict`` refuses to run unfitted. A registered name such
as ``keywords.v1`` never changes meaning; a new behaviour gets a new version.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

import numpy as np

from ..errors import UsageError
from ..model import Turn
from .classes import CLASSES
from .label import MoveLabel

#: One conversation: its turns in order (the context a model may use is the turns before each).
Dialogue = Sequence[Turn]


class NotFittedError(RuntimeError):
    """predict() was called before fit()."""


class MoveModel(ABC):
    """Labels every turn of every conversation with a :class:`MoveLabel`."""

    #: The registered, versioned name.
    name: ClassVar[str]
    #: True for models that ship trained: ``fit()`` with no data loads their weights.
    pretrained: ClassVar[bool] = False

    @abstractmethod
    def fit(self, dialogues: Sequence[Dialogue], labels: Sequence[Sequence[MoveLabel]]) -> MoveModel:
        """Learn from labelled conversations; returns self."""

    @abstractmethod
    def predict(self, dialogues: Sequence[Dialogue]) -> list[list[MoveLabel]]:
        """One label per turn, conversation by conversation; no side effects."""

    def predict_rows(self, requests: Sequence[tuple[Dialogue, Sequence[int]]]) -> list[np.ndarray]:
        """For each (turns, row indices): rows of the 21 class probabilities then 4 flag columns.

        This default reads whole conversations and gives one-hot rows; models
        with probabilities override it and read only what the rows need.
        """
        labels = self.predict([turns for turns, _ in requests])
        out = []
        for (_, rows), read in zip(requests, labels, strict=True):
            matrix = np.zeros((len(rows), len(CLASSES) + 4), np.float32)
            for k, i in enumerate(rows):
                matrix[k, CLASSES.index(read[i].cue or "neutral")] = 1.0
            out.append(matrix)
        return out

    def version(self) -> str:
        """Name and, for shipped models, a digest of the weights: what the label cache is keyed by,
        so labels computed with older weights are never served for newer ones."""
        return self.name

    def is_fitted(self) -> bool:
        """Whether learned state (attributes ending in ``_``) exists, as scikit-learn checks."""
        return any(key.endswith("_") and not key.startswith("_") for key in vars(self))

    def _check_fitted(self, attribute: str) -> None:
        if not hasattr(self, attribute):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit() first")


#: The model ``eval`` and ``classify`` use when none is named.
DEFAULT_MODEL = "blend.v5"  # blend.v1's recipe on encoder.v1s (static scales: labels independent of batching)

M = TypeVar("M", bound=type[MoveModel])
_MODELS: dict[str, Callable[[], MoveModel]] = {}


def register_model(name: str) -> Callable[[M], M]:
    """Class decorator: make a model available under a versioned name."""

    def decorate(cls: M) -> M:
        if name in _MODELS:
            raise RuntimeError(f"two models are called {name!r}")
        _MODELS[name] = cls
        return cls

    return decorate


def _load_builtin() -> None:
    from . import baselines, shipped  # noqa: F401  (register their models)
    from . import blend_v3  # noqa: F401  (blend.v3: blend.v1 + codebook rules)
    from . import blend_v4  # noqa: F401  (blend.v4: blend.v1 + the move-to-move pattern)


def available_models() -> list[str]:
    _load_builtin()
    return sorted(_MODELS)


def make_model(name: str) -> MoveModel:
    """A new, unfitted instance of the model registered under ``name``."""
    _load_builtin()
    if name not in _MODELS:
        raise UsageError(f"unknown model {name!r}", hint=f"known models: {', '.join(sorted(_MODELS))}")
    return _MODELS[name]()
