"""S3's safety sets: ``train_extra2`` (training, many voices) and ``report2`` (held out from it, never
trained or tuned on). The held-out promise is what makes report2's figures honest, so it is checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAFETY = ROOT / "corpus" / "safety"


def _rows(name: str) -> list[dict]:
    path = SAFETY / f"{name}.jsonl"
    if not path.exists():
        pytest.skip(f"corpus/safety/{name}.jsonl absent")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def test_train_extra2_is_large_and_covers_every_flag_and_voice() -> None:
    rows = _rows("train_extra2")
    positives = [r for r in rows if r["safety"]]
    negatives = [r for r in rows if r["hard_negative"]]
    assert len(positives) >= 800 and len(negatives) >= 800
    for flag in ("violence", "control", "self_harm", "fear"):
        assert sum(flag in r["safety"] for r in positives) >= 150, flag
    styles = {r["style"] for r in positives}
    assert {"texting", "speech", "nonnative", "older", "terse", "long", "euphemistic", "indirect"} <= styles
    assert all(not (r["safety"] and r["hard_negative"]) for r in rows)


def test_report2_is_built_verbatim_and_shares_no_line_with_any_training_set() -> None:
    report = _rows("report2")
    source = [line for line in (SAFETY / "report2.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    assert [r["text"] for r in report] == [line.split("|", 2)[2].strip() for line in source]
    assert sum(bool(r["safety"]) for r in report) >= 120 and sum(r["hard_negative"] for r in report) >= 120
    trained = {_key(r["text"]) for name in ("train_extra2", "train_extra", "tuning") for r in _rows(name)}
    assert not [r["text"] for r in report if _key(r["text"]) in trained]
