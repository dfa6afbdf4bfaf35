"""What one `--fast` process hands the other about a block's texts (cyclemap.moves.shared_memo) is what the
other would have worked out itself: the same wording readings, bit for bit, and the same lexicon scans."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from cyclemap import safety_text
from cyclemap.memo import BoundedMemo
from cyclemap.moves import screening, shared_memo
from cyclemap.safety_lexicon import lexicon

TEXTS = [
    "ok", "love you", "If you walk out that door I swear I will hurt you", "he checks my phone every night",
    "this traffic is killing me", "ok", "I'm scared of what he'll do when he gets home", "caf\u00e9 later? \u2764\ufe0f",
    "lol I'll kill you if you spoil the finale", "where are you?", "x" * 500,
]


@pytest.fixture
def fresh(monkeypatch):  # noqa: ANN001, ANN201
    """Empty memos for the wording model and the lexicon (put back afterwards)."""
    model = safety_text.model()
    if model is None:
        pytest.skip("no wording model installed")
    monkeypatch.setitem(screening._memo, "model", model)
    monkeypatch.setitem(screening._memo, "rows", BoundedMemo(screening.MEMO_SIZE, screening.MEMO_LENGTH))
    lex = lexicon()
    saved = lex._scans
    object.__setattr__(lex, "_scans", BoundedMemo(1000, 400))
    yield model
    object.__setattr__(lex, "_scans", saved)


def _read(texts: list[str]) -> tuple[list, list]:
    """Each text's wording row and scan, worked out here (filling this process's memos)."""
    rows = screening._wording(texts)
    return rows, [lexicon().scan(t) for t in texts]


def test_what_is_handed_over_is_what_would_be_worked_out(fresh) -> None:  # noqa: ANN001
    rows, scans = _read(TEXTS)
    payload = pickle.loads(pickle.dumps(shared_memo.collect(TEXTS)))  # as it crosses between processes
    assert payload is not None
    # the other process: empty memos, then what was handed over
    screening._memo["rows"] = BoundedMemo(screening.MEMO_SIZE, screening.MEMO_LENGTH)
    object.__setattr__(lexicon(), "_scans", BoundedMemo(1000, 400))
    named = shared_memo.inject(TEXTS, payload)
    assert named == {i for i, t in enumerate(TEXTS) if len(t) <= 400 and TEXTS.index(t) == i}
    memo = screening._memo["rows"]
    for text, row in zip(TEXTS, rows, strict=True):
        if len(text) <= 400:
            kept = memo[text]
            assert kept.dtype == np.float32 and np.array_equal(kept, row) and kept.tobytes() == row.tobytes()
    again_rows, again_scans = _read(TEXTS)  # read from the memos now
    assert [r.tobytes() for r in again_rows] == [r.tobytes() for r in rows]
    assert again_scans == scans
    assert any(hits for hits, _ in scans)  # the comparison covers texts the lexicon flags


def test_positions_already_sent_are_not_sent_back(fresh) -> None:  # noqa: ANN001
    _read(TEXTS)
    payload = shared_memo.collect(TEXTS, leave_out={0, 1, 2})
    assert payload is not None
    _, row_at, _, empty, hits = payload
    assert not {0, 1, 2} & (set(row_at) | set(empty) | {p for p, _, _ in hits})
    assert 5 not in row_at  # "ok" again: each distinct text once


def test_readings_of_another_wording_model_are_not_taken(fresh) -> None:  # noqa: ANN001
    _read(TEXTS)
    version, row_at, found, empty, hits = shared_memo.collect(TEXTS)
    screening._memo["rows"] = BoundedMemo(screening.MEMO_SIZE, screening.MEMO_LENGTH)
    shared_memo.inject(TEXTS, ("another", row_at, found, empty, hits))
    assert len(screening._memo["rows"]) == 0
    assert shared_memo.inject(TEXTS, None) == set()
