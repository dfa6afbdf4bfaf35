"""encoder.v1s / blend.v5: a turn reads the same whatever else is encoded beside it (issue 4)."""

from __future__ import annotations

import random
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from cyclemap.moves.cache import LabelCache
from cyclemap.moves.labeller import Labeller
from cyclemap.moves.registry import DEFAULT_MODEL, available_models, make_model

from .sample_chats import FIGHT, chat

WEIGHTS = Path(str(resources.files("cyclemap.moves") / "weights"))
WORDS = ("you never listen to me why do I even bother I need a minute can we talk after dinner "
         "sorry I snapped ok sure pick up milk on the way home there it is again always walk away "
         "lol 😂 WHAT are you DOING tonight I'm scared when you go quiet").split()


def texts(count: int, seed: int) -> list[str]:
    """Texts of every length from one word to past the encoder's 64 tokens."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 80))) for _ in range(count)]






@pytest.fixture(scope="module")
def static():
    return make_model("encoder.v1s").fit()


pytestmark = pytest.mark.usefixtures("data_home")  # conftest's: a data folder of each test's own


def test_a_text_reads_the_same_alone_and_in_any_batch_of_64(static):
    batch = texts(64, seed=1)
    together = static.encoder_.encode(batch)
    shuffled = list(reversed(batch))
    for i in (0, 7, 31, 63):
        alone = static.encoder_.encode([batch[i]])[0]
        assert alone.tobytes() == together[i].tobytes()
        assert alone.tobytes() == static.encoder_.encode(shuffled)[63 - i].tobytes()
        assert alone.tobytes() == static.encoder_.encode([batch[i]] + texts(63, seed=i + 2))[0].tobytes()
    assert np.array_equal(static.encoder_.encode(batch, batch=1), together)


def test_a_chats_labels_do_not_depend_on_the_other_chats_read_with_it():
    model = make_model("blend.v5").fit()
    others = [chat([("Sam", t), ("Alex", u)]) for t, u in zip(texts(30, 5), texts(30, 6), strict=True)]
    alone = model.predict_rows([(FIGHT, range(len(FIGHT)))])[0]
    among = model.predict_rows([(c, range(len(c))) for c in [*others, FIGHT]])[-1]
    assert alone.tobytes() == among.tobytes()
    labels = model.predict([FIGHT])[0]
    assert str(labels[2].move) == "pursue" and str(labels[3].move) == "withdraw"


def test_it_keeps_encoder_v1_tokenizer_and_head_and_reads_like_it(static):
    """Only the activation scales changed: tokenizer and head are encoder.v1's, vectors stay close."""
    for name in ("tokenizer.json", "head.npz"):
        assert (WEIGHTS / "encoder-v1s" / name).read_bytes() == (WEIGHTS / "encoder-v1" / name).read_bytes()
    old = make_model("encoder.v1").fit().encoder_.encode(texts(16, seed=9))
    new = static.encoder_.encode(texts(16, seed=9))
    cosine = (old * new).sum(1) / np.linalg.norm(old, axis=1) / np.linalg.norm(new, axis=1)
    assert cosine.min() > 0.9


def test_blend_v5_is_the_default_and_blend_v1_stays_registered_unchanged():
    assert DEFAULT_MODEL == "blend.v5"
    assert {"blend.v1", "blend.v5", "encoder.v1", "encoder.v1s"} <= set(available_models())
    parts = make_model("blend.v5").version().split(":")
    assert parts[0] == "blend.v5" and parts[1] == "encoder.v1s" and parts[3] == "fast.v1"
    assert parts[5:] == ["0.5", "1.4"]  # blend.v1's recipe
    assert make_model("blend.v1").version().split(":")[1] == "encoder.v1"


def test_a_warm_cache_of_blend_v1_never_replays_for_blend_v5(tmp_path):
    """Same turns, same cache file: blend.v5 reads them itself, then serves its own from the cache."""
    old_name, new_name = Labeller(model="blend.v1").cache_name, Labeller(model="blend.v5").cache_name
    assert new_name != old_name
    cache = LabelCache(tmp_path / "cache.sqlite", vault=None)
    warm = Labeller(model="blend.v1", cache=cache)
    warm.label([FIGHT])
    assert warm.computed == len(FIGHT)
    fresh = Labeller(model="blend.v5", cache=cache)
    first = fresh.label([FIGHT])[0]
    assert fresh.computed == len(FIGHT)
    again = Labeller(model="blend.v5", cache=cache)
    assert [(str(x.move), x.cue) for x in again.label([FIGHT])[0]] == [(str(x.move), x.cue) for x in first]
    assert again.computed == 0


def test_the_same_rows_on_one_thread_and_on_two():
    from cyclemap.moves.shipped import StaticEncoderModel

    rows = (FIGHT, range(len(FIGHT)))
    one = StaticEncoderModel(threads=1).fit().predict_rows([rows])[0]
    two = StaticEncoderModel(threads=2).fit().predict_rows([rows])[0]
    assert one.shape == (len(FIGHT), 25) and np.array_equal(one, two)
