"""A freshly trained encoder folder can be measured before it ships, and blend.v1 keeps its parts."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from cyclemap.moves.encoder import EncoderModel, weights_dir
from cyclemap.moves.registry import make_model

SHIPPED = Path(str(resources.files("cyclemap.moves") / "weights" / "encoder-v1"))


def test_a_candidate_folder_is_read_from_its_absolute_path(tmp_path):
    # train/eval_encoder.py points the model at a training run's output folder.
    assert weights_dir(str(tmp_path)) == tmp_path
    assert weights_dir("encoder-v1") == SHIPPED


def test_the_same_weights_elsewhere_get_the_same_cache_key():
    """Labels cached for the shipped weights are the labels of those weights, wherever they are read from."""
    assert EncoderModel(weights=str(SHIPPED)).version() == EncoderModel().version()


def test_blend_v1_still_blends_encoder_v1_with_fast_v1():
    """Its cache key names its parts: cached readings made before this release stay valid."""
    parts = make_model("blend.v1").version().split(":")
    assert parts[0] == "blend.v1"
    assert parts[1] == "encoder.v1" and parts[3] == "fast.v1"
    assert parts[5:] == ["0.5", "1.4"]
