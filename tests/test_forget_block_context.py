"""`cyclemap forget CHAT` leaves nothing of the chat in the label cache, however many blocks it was read in.

A long chat is labelled in blocks, each re-reading the few messages before it as context; those
context turns are keyed by their shorter windows and must be forgotten too.
"""

from __future__ import annotations

import json

import cyclemap.classify as classify_module
from cyclemap.moves.cache import LabelCache

TEXTS = [
    "can you pick up milk on the way home?",
    "sure",
    "you never listen to me",
    "I need a minute",
    "I'm sorry I snapped. can we talk after dinner?",
    "whatever",
    "I'll be back at 8",
]


def test_forget_deletes_the_context_turns_of_every_block(cli, data_home, tmp_path, monkeypatch):
    monkeypatch.setattr(classify_module, "BLOCK", 5)  # 23 turns: five blocks, four with context before them
    chat = tmp_path / "chat.jsonl"
    chat.write_text("".join(
        json.dumps({"time": f"2024-03-0{1 + i // 10}T{10 + i % 10}:00:00", "speaker": "Sam" if i % 2 else "Alex",
                    "text": f"{TEXTS[i % len(TEXTS)]} ({i})"}) + "\n"
        for i in range(23)
    ), encoding="utf-8")
    assert cli("classify", "--fast", str(chat)).exit_code == 0
    cache = LabelCache(data_home / "label-cache.sqlite", vault=None)
    try:
        assert cache.export()["rows"] > 23  # the context turns' own windows are cached too
        result = cli("forget", str(chat))
        assert result.exit_code == 0, result.stderr
        exported = cache.export()
        assert exported["rows"] == 0 and not exported["screens"]
    finally:
        cache.close()


def test_export_without_a_cache_has_the_same_shape_as_with_one(cli, data_home):
    result = cli("export")
    assert result.exit_code == 0, result.stderr
    cache = json.loads(result.stdout)["stores"]["label-cache"]["data"]
    assert cache["rows"] == 0 and cache["screens"] == {} and cache["blocks"] == {}
