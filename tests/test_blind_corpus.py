"""The blind evaluation set stays readable and consistently labelled.

It checks only the data's integrity; nothing here reads cyclemap's predictions.
"""
from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

BLIND = Path(__file__).resolve().parent.parent / "corpus" / "blind"

pytestmark = pytest.mark.skipif(not (BLIND / "chat.jsonl").exists(),
                                reason="blind corpus not present")


def _rows(name: str) -> list[dict]:
    return [json.loads(x) for x in (BLIND / name).read_text(encoding="utf-8").splitlines()]


def test_blind_files_validate(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(BLIND / "validate.py"), run_name="__main__")
    assert "all files valid" in capsys.readouterr().out


def test_blind_sets_are_big_enough_to_measure() -> None:
    chat, speech = _rows("chat.jsonl"), _rows("speech.jsonl")
    safety, drafts = _rows("safety.jsonl"), _rows("drafts.jsonl")
    assert len({r["conversation"] for r in chat}) >= 25
    assert len({r["conversation"] for r in speech}) >= 15
    assert sum(r["kind"] == "positive" for r in safety) >= 250
    assert sum(r["kind"] == "hard_negative" for r in safety) >= 250
    assert len(drafts) >= 80
    for rows in (chat, speech):
        assert {r["move"] for r in rows} == {"pursue", "withdraw", "soften", "neutral"}
