"""`classify --fast` on two cores writes exactly what one core writes: every label, cue, confidence,
evidence, safety finding and timing event, in input order. (Speed: bench/classify_speed.py, never here.)"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cyclemap import classify as classify_module
from cyclemap.classify import classify_stream
from cyclemap.codebook import Move
from cyclemap.model import Turn
from cyclemap.moves import blocks, screening
from cyclemap.moves.cache import LabelCache
from cyclemap.moves.labeller import Correction, Labeller

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "cyclemap-corpus.jsonl"
# Turns the safety screen must flag, and harmless look-alikes it must not, among ordinary chat.
PHRASES = [
    "you said you would call", "ok", "where are you?", "I'm tired", "why do you always do this",
    "I just need a minute", "love you", "I don't want to fight", "fine.", "can we talk tonight?",
    "If you walk out that door I swear I will hurt you", "he checks my phone every night",
    "I don't want to be here anymore", "I'm scared of what he'll do when he gets home",
    "this traffic is killing me", "lol I'll kill you if you spoil the finale", "\U0001f602\U0001f602",
    "pleeease answer me!!!", "WHY WOULD YOU DO THAT", "caf\u00e9 later? \u2764\ufe0f",
]


def _texts() -> list[str]:
    texts = list(PHRASES)
    if CORPUS.exists():
        rows = CORPUS.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in rows[::3]]
    return texts


def _chat(count: int, conversation: str | None = None, seed: int = 3) -> list[tuple[Turn, None]]:
    """A couple's chat: replies within minutes, pauses of hours, a few photos and system lines."""
    rng = random.Random(seed)
    texts = _texts()
    now = datetime(2024, 3, 1, 8, 0)
    turns = []
    for number in range(count):
        now += timedelta(minutes=rng.choice((0.5, 1, 3, 20, 240, 900)))
        roll = rng.random()
        kind, text = ("media", "<Media omitted>") if roll < 0.04 else ("message", rng.choice(texts))
        speaker = None if roll > 0.995 else rng.choice(("Sam", "Alex"))
        if speaker is None:
            kind, text = "system", "Sam changed this group's icon"
        turns.append((Turn(str(number + 1), now, speaker, text, kind, conversation=conversation), None))
    return turns


def _lines(pairs, labeller: Labeller, corrections=None) -> list[str]:  # noqa: ANN001
    return [row.to_json_line() for row in classify_stream(pairs, labeller, corrections)]


@pytest.fixture
def helper(monkeypatch):  # noqa: ANN001, ANN201
    """The helper process, allowed outside the command and warmed up, counting the blocks it takes."""
    monkeypatch.setattr(blocks, "_FORCE", True)
    monkeypatch.setattr(screening, "_broken", screening._broken)  # put back: two processes switch it off
    monkeypatch.setattr(classify_module, "BLOCK", 300)  # many blocks from a short chat
    ready = blocks.warm(Labeller(fast=True).model_name, True)
    if ready is None:
        pytest.skip("no helper process can be started here")
    ready.result(timeout=300)
    taken = []
    original = blocks.PoolRunner.submit

    def counting(self, *args):  # noqa: ANN001, ANN002, ANN202
        handle = original(self, *args)
        taken.append(not isinstance(handle, blocks.Done))
        return handle

    monkeypatch.setattr(blocks.PoolRunner, "submit", counting)
    return taken


def test_two_processes_write_what_one_writes(helper, monkeypatch) -> None:  # noqa: ANN001
    pairs = _chat(2500, "a") + _chat(40, "b", seed=4) + _chat(900, "c", seed=5)
    fixes = {("a", "7"): Correction(Move.PURSUE, None, "I was pressing here"), (None, "12"): Correction(Move.WITHDRAW, None)}
    together = _lines(pairs, Labeller(fast=True), fixes)
    assert any(helper), "the helper labelled no block: the comparison would prove nothing"
    assert not all(helper)  # and this process labelled some itself
    monkeypatch.setattr(blocks, "_FORCE", False)
    alone = _lines(pairs, Labeller(fast=True), fixes)
    assert together == alone
    flagged = [json.loads(line) for line in alone if '"safety": []' not in line]
    assert flagged, "the chat holds turns the screen flags: the comparison covers safety findings"
    assert any(json.loads(line)["events"] for line in alone)  # and timing events


def test_with_the_label_cache_the_helper_gets_the_model_rows(helper, monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    pairs = _chat(2000, None, seed=6)
    first = _lines(pairs, Labeller(fast=True, cache=LabelCache(tmp_path / "cache.sqlite", vault=None)))
    assert any(helper)
    again = Labeller(fast=True, cache=LabelCache(tmp_path / "cache.sqlite", vault=None))
    second = _lines(pairs, again)
    assert again.computed == 0  # every reading came from the cache
    monkeypatch.setattr(blocks, "_FORCE", False)
    assert first == second == _lines(pairs, Labeller(fast=True))


def test_a_helper_that_cannot_run_changes_nothing(helper, monkeypatch) -> None:  # noqa: ANN001
    pairs = _chat(1200, None, seed=8)
    monkeypatch.setitem(blocks._state, "broken", True)
    assert _lines(pairs, Labeller(fast=True)) == _lines(pairs, Labeller(fast=True, cache=None))
    assert not any(helper)  # every block was labelled here


def test_programs_using_the_library_never_start_a_process() -> None:
    assert type(blocks.runner_for(Labeller(fast=True))) is blocks.Runner


def test_rows_before_a_broken_line_go_out_as_one_process_writes_them(helper, monkeypatch) -> None:  # noqa: ANN001
    pairs = _chat(2600, None, seed=9)

    def broken():  # noqa: ANN202
        yield from pairs
        raise ValueError("line 2601: impossible date")

    def written() -> list[str]:
        lines = []
        with pytest.raises(ValueError, match="impossible date"):
            for row in classify_stream(broken(), Labeller(fast=True)):
                lines.append(row.to_json_line())
        return lines

    together = written()
    assert any(helper)
    monkeypatch.setattr(blocks, "_FORCE", False)
    alone = written()
    assert together == alone
    assert len(alone) > 2000  # the blocks before the break were written
