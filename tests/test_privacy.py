"""Privacy by design: no network at run time, nothing written outside the data folder, owner-only."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "samples"
CHAT = SAMPLES / "WhatsApp Chat with Alex.txt"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"cyclemap tried to use the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize(
    "args",
    [
        ["parse", str(CHAT)],
        ["summary", str(CHAT)],
        ["classify", str(CHAT)],
        ["classify", "--fast", str(CHAT)],
        ["demo"],
        ["formats"],
    ],
)
def test_commands_open_no_connection(cli, no_network, tmp_path, monkeypatch, args):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "data"))
    result = cli(*args)
    assert result.exit_code == 0, result.stderr


def test_cli_runs_in_a_network_namespace_with_no_network(tmp_path):
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "--net", "--fork", "true"], capture_output=True).returncode != 0:
        pytest.skip("this machine cannot make a network namespace (needs root and util-linux's unshare)")
    env = dict(os.environ, CYCLEMAP_HOME=str(tmp_path / "data"))
    command = [unshare, "--net", "--fork", sys.executable, "-m", "cyclemap", "classify", str(CHAT)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == sum(1 for _ in __import__("cyclemap").read_turns(CHAT))


def test_everything_stored_stays_in_an_owner_only_data_folder(tmp_path, cli, monkeypatch):
    home = tmp_path / "home"
    data = tmp_path / "somewhere" / "cyclemap-data"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CYCLEMAP_HOME", str(data))
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(CHAT, work / "chat.txt")
    monkeypatch.chdir(work)
    assert cli("classify", "chat.txt").exit_code == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in data.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert sorted(p.name for p in work.iterdir()) == ["chat.txt"]
    assert list(home.iterdir()) == []
