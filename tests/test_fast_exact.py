"""The F6 speed work on `classify --fast` changes no output: each faster step gives exactly what the step
it replaced gave (kept here as the reference). Speed itself: bench/classify_speed.py, never here."""

from __future__ import annotations

import re
import signal
from datetime import datetime, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyclemap import safety_lexicon, safety_text
from cyclemap.codebook import Move
from cyclemap.model import Turn
from cyclemap.moves import blocks
from cyclemap.moves.fast_features import PairTable
from cyclemap.moves.label import Evidence, MoveLabel

# Characters that stress normalisation and hashing: spaces, fillers' letters, accents, emoji, the batch separator.
TEXT = st.text(alphabet=st.sampled_from(list(" \n\t.!?'umhrea kilyo\u00e9\u00a0\U0001f602\x00ABC,")), max_size=40)


def _reference_featurise(texts: list[str], bits: int = safety_text.BITS) -> safety_text.Features:
    """safety_text.featurise as it was before F6: every n-gram hashed by prefix differences."""
    data = b"\x00".join(safety_text.normalised(t).encode("utf-8") for t in texts)
    b = np.frombuffer(data, np.uint8)
    length = len(b)
    pw, ipw = safety_text._power_tables(length + 1)
    prefix = np.zeros(length + 1, np.uint64)
    np.cumsum((b.astype(np.uint64) + np.uint64(1)) * pw[:length], out=prefix[1:])
    seps = np.zeros(length + 1, np.int64)
    np.cumsum(b == safety_text._SEP, out=seps[1:])
    starts_l, ends_l, salts = [], [], []
    for n in safety_text.CHAR_NS:
        left = np.arange(max(length - n + 1, 0))
        left = left[seps[left + n] == seps[left]]
        starts_l.append(left)
        ends_l.append(left + n)
        salts.append(np.full(len(left), safety_text._SALT[n]))
    word = ~safety_text._NON_WORD[b]
    edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
    w_start, w_end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    starts_l.append(w_start)
    ends_l.append(w_end)
    salts.append(np.full(len(w_start), safety_text._SALT[101]))
    same = seps[w_start[1:]] == seps[w_start[:-1]]
    starts_l.append(w_start[:-1][same])
    ends_l.append(w_end[1:][same])
    salts.append(np.full(int(same.sum()), safety_text._SALT[102]))
    starts = np.concatenate(starts_l).astype(np.int64)
    ends = np.concatenate(ends_l).astype(np.int64)
    hashes = (prefix[ends] - prefix[starts]) * ipw[starts]
    hashes = (hashes ^ np.concatenate(salts).astype(np.uint64)) * safety_text._MIX
    buckets = (hashes >> np.uint64(64 - bits)).astype(np.int64)
    owners = seps[starts]
    counts = np.bincount(owners, minlength=len(texts)).astype(np.float32)
    return safety_text.Features(buckets, owners, starts, ends, 1.0 / np.sqrt(np.maximum(counts, 1.0)), data)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, max_size=6))
def test_the_wording_models_features_are_those_of_prefix_differences(texts: list[str]) -> None:
    found, expected = safety_text.featurise(texts), _reference_featurise(texts)
    for name in ("buckets", "owners", "starts", "ends", "scale"):
        assert np.array_equal(getattr(found, name), getattr(expected, name)), name
        assert getattr(found, name).dtype == getattr(expected, name).dtype, name
    assert found.data == expected.data


def test_the_wording_models_readings_of_real_messages_are_unchanged() -> None:
    model = safety_text.model()
    if model is None:
        pytest.skip("no wording model installed")
    texts = ["I'm going to kill you", "ok", "", "see you at six 😂", "he said he'd hurt me if I left", "um, fine..."]
    buckets = _reference_featurise(texts, int(np.log2(len(model.weights))))
    assert np.array_equal(safety_text.featurise(texts, int(np.log2(len(model.weights)))).buckets, buckets.buckets)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 2**40), st.integers(0, 10**6), max_size=60), st.lists(st.integers(0, 2**40), max_size=40))
def test_the_pair_table_finds_what_a_dictionary_finds(items: dict[int, int], extra: list[int]) -> None:
    table = PairTable(sorted(items.items()))
    wanted = [*items, *extra]
    assert table.get(np.array(wanted, np.int64)).tolist() == [items.get(k, -1) for k in wanted]


def test_the_pair_table_keeps_the_first_value_of_a_key_given_twice() -> None:
    assert PairTable([(5, 1), (5, 2), (7, 3)]).get(np.array([5, 7, 6])).tolist() == [1, 3, -1]


# Weights as the wording model holds them (float16 values), with ties and cancellations.
WEIGHTS = st.lists(st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e-4, -1e-4, 3.0, 65504.0, -65504.0, 2.0**-24, 0.3330078125]),
                   min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(WEIGHTS, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), min_size=1, max_size=12), st.data())
def test_the_strongest_span_is_the_first_with_the_largest_float32_share(weights, spans, data) -> None:
    weight = np.array(weights, np.float32)
    n = len(weight)
    starts = np.array(data.draw(st.lists(st.integers(0, 40), min_size=n, max_size=n)), np.int64)
    ends = starts + np.array(data.draw(st.lists(st.integers(1, 8), min_size=n, max_size=n)), np.int64)
    candidates = [(a, a + width) for a, width in spans]

    def share(s: tuple[int, int]) -> float:  # the reading before F6
        return float(weight[(starts >= s[0] - 1) & (ends <= s[1] + 1)].sum())

    expected = candidates.index(max(candidates, key=share))
    assert safety_text._best_span(candidates, starts, ends, weight) == expected


SPACY = st.text(alphabet=st.sampled_from(list(" \n\tumhre.ax")), max_size=30)


@settings(max_examples=400, deadline=None)
@given(SPACY)
def test_the_quick_space_and_filler_tests_agree_with_the_patterns(text: str) -> None:
    assert safety_lexicon._drop_spaces(text) == safety_lexicon._SPACES.sub("", text)
    assert safety_lexicon._has_fillers(text) == (safety_lexicon._FILLERS.search(text) is not None)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_a_remembered_normalisation_is_the_one_worked_out(text: str) -> None:
    assert safety_lexicon.normalise(text) == safety_lexicon._normalise(text)
    assert safety_lexicon.normalise(text) == safety_lexicon.normalise(text)


def test_a_familys_joined_pattern_acts_as_the_compiled_one() -> None:
    family = safety_lexicon.lexicon().families[0]
    source = family.pattern.pattern
    compiled = re.compile(source)
    for text in ("", "i will kill you", "see you at six", "im going to hurt him"):
        assert bool(family.pattern.search(text)) == bool(compiled.search(text))
        assert [m.span() for m in family.pattern.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert family.pattern == compiled and family.pattern.flags == compiled.flags


def test_turns_and_labels_cross_to_the_helper_unchanged() -> None:
    turns = [
        Turn("1", datetime(2024, 3, 1, 9, 30), "Sam", "where are you??", "message", "0", "c1", 1.5),
        Turn("2", datetime(2024, 3, 1, 9, 31, tzinfo=timezone.utc), None, "Sam left", "system"),
        Turn("3", None, "Alex", "", "media"),
    ]
    assert blocks._unpack_turns(blocks._pack_turns(turns)) == turns
    shared = Evidence("model", "the turn as a whole")
    labels = [
        MoveLabel(Move.PURSUE, "contact", 0.8125, (Evidence("words", "where are you", 0, 13), shared)),
        MoveLabel(Move.NEUTRAL, None, 1.0, (shared,)),
        MoveLabel(Move.WITHDRAW, "shutdown", 0.5, (Evidence("safety: fear (clear)", "scared", 3, 9),), ("fear",)),
        MoveLabel(Move.NEUTRAL, None, 0.3, ()),
    ]
    back = blocks._unpack_labels(blocks._pack_labels(labels))
    assert back == labels
    assert [type(e) for label in back for e in label.evidence] == [Evidence] * 4
    assert back[0].evidence[1] is back[1].evidence[0]  # shared evidence stays shared


def test_starting_the_helper_leaves_ctrl_c_to_this_process() -> None:
    before = signal.getsignal(signal.SIGINT)
    with blocks._sigint_ignored():
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is before
