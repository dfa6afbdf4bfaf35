"""The `--fast` helper process labels the same whether it is forked (Linux: it starts with what this
process loaded) or spawned clean: the rows are those one process writes. (Speed: bench/classify_speed.py.)"""

from __future__ import annotations

import multiprocessing
import sys
import threading

import pytest

from cyclemap import classify as classify_module
from cyclemap.moves import blocks, screening
from cyclemap.moves.labeller import Labeller
from tests.test_blocks import _chat, _lines


@pytest.fixture(params=["fork", "spawn"])
def started(request, monkeypatch):  # noqa: ANN001, ANN201
    """A fresh helper process, started the given way, allowed outside the command; the blocks it took."""
    method = request.param
    if method not in multiprocessing.get_all_start_methods() or (method == "fork" and not sys.platform.startswith("linux")):
        pytest.skip(f"no {method} here")
    if method == "fork" and threading.active_count() > 1:
        pytest.skip("other threads run in this test process: the command would spawn here too")
    monkeypatch.setattr(blocks, "_state", {"pool": None, "broken": False, "ready": {}, "method": None, "started": False})
    monkeypatch.setattr(blocks, "_labellers", {})
    monkeypatch.setattr(blocks, "START_METHOD", method)
    monkeypatch.setattr(blocks, "_FORCE", True)
    monkeypatch.setattr(screening, "_broken", screening._broken)  # put back: two processes switch it off
    monkeypatch.setattr(classify_module, "BLOCK", 300)  # many blocks from a short chat
    taken: list[bool] = []
    original = blocks.PoolRunner.submit

    def counting(self, *args):  # noqa: ANN001, ANN002, ANN202
        handle = original(self, *args)
        if blocks._state["ready"]:  # wait for the helper once, so that it surely takes blocks
            next(iter(blocks._state["ready"].values())).result(timeout=300)
        taken.append(not isinstance(handle, blocks.Done))
        return handle

    monkeypatch.setattr(blocks.PoolRunner, "submit", counting)
    yield method, taken
    pool = blocks._state["pool"]
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def test_the_helper_writes_what_one_process_writes(started, monkeypatch) -> None:  # noqa: ANN001
    method, taken = started
    pairs = _chat(2400, "a", seed=11) + _chat(700, "b", seed=12)
    together = _lines(pairs, Labeller(fast=True))
    assert blocks._state["method"] == method
    assert any(taken), "the helper labelled no block: the comparison would prove nothing"
    monkeypatch.setattr(blocks, "_FORCE", False)
    alone = _lines(pairs, Labeller(fast=True))
    assert together == alone
    assert any('"safety": []' not in line for line in alone)  # the comparison covers safety findings


def test_a_forked_helper_is_chosen_only_where_it_is_safe(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(blocks, "START_METHOD", None)
    chosen = blocks._start_method()
    if sys.platform.startswith("linux"):
        assert chosen == ("fork" if threading.active_count() == 1 else "spawn")
    else:
        assert chosen == "spawn"


def test_the_command_in_two_processes_writes_what_one_writes(tmp_path) -> None:  # noqa: ANN001
    """The real command (a fresh process with one thread: on Linux its helper is forked) against one process.
    The in-process test above skips the fork where the test run has other threads; this one never does."""
    import json
    import os
    import subprocess

    path = tmp_path / "chat.jsonl"
    pairs = _chat(7000, None, seed=21)
    path.write_text("".join(json.dumps(turn.to_json()) + "\n" for turn, _ in pairs), encoding="utf-8")
    outputs = []
    for processes in ("2", "1"):
        env = {**os.environ, "CYCLEMAP_HOME": str(tmp_path / f"home{processes}"), "CYCLEMAP_PROCESSES": processes}
        done = subprocess.run([sys.executable, "-m", "cyclemap", "classify", str(path), "--fast", "--no-cache"],
                              capture_output=True, text=True, env=env, timeout=600, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count("\n") == 7000
