"""A chat read again from the label cache: the very output of a cold run, with no model and no screen run.

The default model's readings are kept by block (the turns it read together) and the safety screen's
findings beside them, as numbers and character offsets only (moves/cache.py, moves/screen_cache.py).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import cyclemap.classify as classify_module
import cyclemap.moves.labeller as labeller_module
from cyclemap.classify import classify_stream, input_turns, load_corrections
from cyclemap.moves import screen_cache
from cyclemap.moves.cache import LabelCache
from cyclemap.moves.label import Evidence
from cyclemap.moves.labeller import Labeller
from cyclemap.vault import Vault

TEXTS = [
    "can you pick up milk on the way home?",
    "sure",
    "you NEVER listen to me. why do I even bother talking to you",
    "I need a minute, I can't do this right now",
    "if you leave me I will kill myself",
    "please don't say that. I'm here, I'm not going anywhere",
    "he checks my phone every night and I'm scared of what he'll do when he gets home",
    "I'm sorry I snapped. can we talk after dinner?",
    "whatever",
    "this traffic is killing me lol",
    "I'll be back at 8",
    "ok.",
]


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CYCLEMAP_HOME", str(home))
    monkeypatch.delenv("CYCLEMAP_PASSPHRASE", raising=False)
    return home


def write_chat(path: Path, count: int) -> Path:
    rows = [{"id": f"t{i}", "speaker": "Sam" if i % 2 else "Alex", "text": TEXTS[i % len(TEXTS)] + ("" if i < len(TEXTS) else f" ({i})"),
             "time": f"2025-03-01T{8 + i // 60:02d}:{i % 60:02d}:00"} for i in range(count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def lines(path: Path, cache: LabelCache | None, corrections: Path | None = None,
          fast: bool = False) -> tuple[list[str], Labeller]:
    labeller = Labeller(cache=cache, fast=fast)
    fixes = load_corrections(corrections) if corrections else None
    return [row.to_json_line() for row in classify_stream(input_turns(path), labeller, fixes)], labeller


@pytest.fixture
def no_screen(monkeypatch):
    """Makes any safety screening fail the test (a warm run must take every finding from the cache)."""
    def refuse(*args, **kwargs):
        raise AssertionError("the safety screen ran on a chat read again")

    def switch() -> None:
        monkeypatch.setattr(labeller_module, "screen_block", refuse)
        monkeypatch.setattr(labeller_module, "screen_long", refuse)

    return switch


@pytest.mark.parametrize("fast", [False, True], ids=["default model (by block)", "fast model (by turn)"])
def test_a_second_run_is_the_cold_run_without_the_model_or_the_screen(tmp_path, no_screen, fast):
    chat = write_chat(tmp_path / "chat.jsonl", 24)
    cold, _ = lines(chat, None, fast=fast)
    assert any('"safety": ["' in line for line in cold)  # the chat has flagged turns to keep
    first, _ = lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None), fast=fast)
    no_screen()
    again, labeller = lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None), fast=fast)
    assert first == cold and again == cold
    assert labeller.computed == 0 and labeller._model is None


def test_appended_messages_give_what_a_cold_run_of_the_longer_chat_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(classify_module, "BLOCK", 8)  # several blocks; the last one grows
    chat = write_chat(tmp_path / "chat.jsonl", 21)
    cache = tmp_path / "c.sqlite"
    lines(chat, LabelCache(cache, vault=None))
    longer = write_chat(tmp_path / "chat.jsonl", 30)
    cold, _ = lines(longer, None)
    warm, labeller = lines(longer, LabelCache(cache, vault=None))
    assert warm == cold
    # The two full blocks of 8 came from the cache; the last block is read again with the new turns.
    assert 0 < labeller.computed < 30 - 8
    with sqlite3.connect(cache) as db:  # the shorter last block it grew from is gone: 8, 8, 8 and 6 turns
        assert db.execute("SELECT COUNT(*) FROM blocks").fetchone()[0] == 4


def test_corrections_apply_over_cached_labels_and_findings(tmp_path, no_screen):
    chat = write_chat(tmp_path / "chat.jsonl", 12)
    fixes = tmp_path / "fixes.jsonl"
    fixes.write_text(json.dumps({"turn": "t4", "move": "soften", "cue": "vulnerable"}) + "\n", encoding="utf-8")
    cold, _ = lines(chat, None, fixes)
    lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None))
    no_screen()
    warm, _ = lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None), fixes)
    assert warm == cold
    assert json.loads(warm[4])["move"] == "soften" and json.loads(warm[4])["safety"]  # corrected, still flagged


def test_a_sealed_cache_keeps_no_words_and_serves_the_same_output(tmp_path, no_screen):
    chat = write_chat(tmp_path / "chat.jsonl", 12)
    vault = Vault.create("pass", tmp_path, n=2**10)
    cold, _ = lines(chat, None)
    first, _ = lines(chat, LabelCache(tmp_path / "c.sqlite", vault=vault))
    no_screen()
    again, _ = lines(chat, LabelCache(tmp_path / "c.sqlite", vault=vault))
    assert first == again == cold
    raw = (tmp_path / "c.sqlite").read_bytes()
    for words in (b"kill myself", b"scared", b"checks my phone", b"Sam", b"self_harm", b"safety:"):
        assert words not in raw
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        (findings,) = db.execute("SELECT findings FROM blocks").fetchone()
    assert b"[[" not in bytes(findings)  # sealed, not readable numbers


def test_the_plain_cache_holds_numbers_and_offsets_never_the_flagged_words(tmp_path):
    chat = write_chat(tmp_path / "chat.jsonl", 12)
    lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None))
    raw = (tmp_path / "c.sqlite").read_bytes()
    for words in (b"kill myself", b"scared", b"checks my phone", b"milk", b"safety:", b"self_harm"):
        assert words not in raw


def test_a_changed_screen_is_run_again_not_read_from_the_cache(tmp_path, monkeypatch):
    chat = write_chat(tmp_path / "chat.jsonl", 12)
    lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None))
    screened = []
    real = labeller_module.screen_block
    monkeypatch.setattr(labeller_module, "screen_block", lambda items: screened.append(len(items)) or real(items))
    monkeypatch.setattr(labeller_module, "screen_version", lambda: "a newer screen")
    warm, labeller = lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None))
    assert screened and labeller.computed == 0  # the labels still came from the cache; the findings did not
    assert warm == lines(chat, None)[0]


def test_forget_and_export_cover_the_blocks(tmp_path):
    chat = write_chat(tmp_path / "chat.jsonl", 12)
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"speaker": "Kim", "text": "dinner at 8?"}) + "\n", encoding="utf-8")
    cache = LabelCache(tmp_path / "c.sqlite", vault=None)
    lines(chat, cache)
    lines(other, cache)
    exported = cache.export()
    assert exported["rows"] == 13 and sum(len(b) for b in exported["blocks"].values()) == 2
    found = [b["findings"] for bs in exported["blocks"].values() for b in bs if b["findings"]]
    assert found  # the flagged turns' findings, as numbers
    from cyclemap.moves.cache import window_keys

    turns = [t for t, _ in input_turns(chat)]
    assert cache.forget(window_keys(turns)) == 12
    assert cache.export()["rows"] == 1  # the other chat stays


@pytest.mark.parametrize("evidence", [
    (("violence",), (Evidence("safety: violence (clear)", "kill", 5, 9),)),
    (("fear",), (Evidence("safety: fear (possible)", "the model's reading of the turn (0.87)"),)),
    (("fear", "control"), (Evidence("safety: fear (possible)", "the wording of the turn (0.05)"),
                           Evidence("safety: control (possible)",
                                    "the meaning of the whole message, read by the safety encoder (1.00)"))),
    ((), ()),
])
def test_findings_pack_to_numbers_and_back(evidence):
    text = "I'll kill you if you go"
    packed = screen_cache.pack(evidence, text)
    assert packed is not None and re.fullmatch(r"[\[\]0-9, -]*", json.dumps(packed))  # numbers only
    assert screen_cache.unpack(packed, text) == evidence


def test_findings_that_cannot_be_given_back_exactly_are_not_stored():
    text = "I'll kill you if you go"
    assert screen_cache.pack((("violence",), (Evidence("safety: violence (clear)", "KILL", 5, 9),)), text) is None
    assert screen_cache.pack((("violence",), (Evidence("not a safety reason", "kill", 5, 9),)), text) is None
    assert screen_cache.pack((("violence",), (Evidence("safety: violence (clear)", "a hint (0.5)"),)), text) is None


def test_the_screen_version_follows_the_screens_settings(monkeypatch):
    from cyclemap import safety

    before = screen_cache.screen_version()
    assert screen_cache.screen_version() == before  # stable within a run and between runs
    monkeypatch.setitem(safety.MODEL_THRESHOLDS, "fear", 0.123)
    assert screen_cache.screen_version() != before


@pytest.mark.parametrize("damage", ["rows", "findings"])
def test_a_damaged_block_is_computed_again_not_a_crash(tmp_path, damage):
    """A cache row of the wrong shape, or findings that no longer parse (a disk error, a hand edit):
    the block is read and screened again, and the output is the cold run's."""
    from cyclemap.moves.cache import _array_bytes

    chat = write_chat(tmp_path / "chat.jsonl", 12)
    cold, _ = lines(chat, None)
    lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None))
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        if damage == "rows":
            db.execute("UPDATE blocks SET rows = ?", [_array_bytes(np.zeros((3, 2), np.float32))])
        else:
            db.execute("UPDATE blocks SET findings = ?", ["[[999,[1]]"])
    again, labeller = lines(chat, LabelCache(tmp_path / "c.sqlite", vault=None))
    assert again == cold
    assert labeller.computed == (12 if damage == "rows" else 0)
