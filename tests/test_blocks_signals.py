"""Stopping a long `classify --fast` (Ctrl-C or `kill`) ends its helper process too: no stray process
keeps the terminal's pipes open, no traceback from the helper, no warning about leaked semaphores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TEXTS = ["you said you would call", "ok", "where are you?", "I just need a minute", "love you",
         "can we talk tonight?", "fine.", "why do you always do this", "I'm tired", "see you at 6"]


def _long_chat(path: Path, count: int = 150_000) -> Path:
    lines = []
    for number in range(count):
        minutes = number * 3
        day, hour, minute = 1 + (minutes // 1440) % 28, (minutes // 60) % 24, minutes % 60
        month = 1 + (minutes // (1440 * 28)) % 12
        speaker = ("Sam", "Alex")[number % 2]
        lines.append(f"{day:02d}/{month:02d}/2023, {hour:02d}:{minute:02d} - {speaker}: {TEXTS[number % len(TEXTS)]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the helper process")
@pytest.mark.parametrize("stop,code", [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 130)])
def test_stopping_a_long_run_ends_the_helper_too(tmp_path: Path, stop: signal.Signals, code: int) -> None:
    chat = _long_chat(tmp_path / "chat.txt")
    env = dict(os.environ, CYCLEMAP_HOME=str(tmp_path / "home"), CYCLEMAP_PROCESSES="2")
    run = subprocess.Popen(
        [sys.executable, "-m", "cyclemap", "classify", "--fast", "--no-cache", str(chat)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), start_new_session=True,
    )
    helpers: list[int] = []
    deadline = time.monotonic() + 120
    while not helpers and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        helpers = _children(run.pid)
    if not helpers:
        run.kill()
        pytest.skip("the run ended before a helper process started (one core, or a very fast machine)")
    time.sleep(1.0)  # let the helper take blocks
    if run.poll() is not None:
        pytest.skip("the run ended before it could be stopped")
    if stop == signal.SIGINT:
        os.killpg(run.pid, stop)  # Ctrl-C in a terminal reaches every process of the group
    else:
        run.send_signal(stop)  # `kill PID` reaches the command alone
    _, errors = run.communicate(timeout=120)
    assert run.returncode == code, errors
    assert "Traceback" not in errors and "leaked" not in errors, errors
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in helpers), "the helper process outlived the command"
