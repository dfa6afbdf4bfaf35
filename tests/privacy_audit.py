"""Run cyclemap in a subprocess that records every attempt to use the network (Python audit hooks).

A tiny ``sitecustomize`` on PYTHONPATH installs ``sys.addaudithook`` before any
cyclemap code runs; the hook appends one JSON line per network event (connect,
bind, name lookups, an internet socket created, urllib or http.client use) to
the file named by $CYCLEMAP_AUDIT_LOG, and a first line saying it was on, so a
test can tell "no events" from "the hook never ran".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SITECUSTOMIZE = '''
import json, os, sys
_LOG = os.environ.get("CYCLEMAP_AUDIT_LOG")
_NET = {"socket.connect", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
        "socket.gethostbyaddr", "socket.getnameinfo", "socket.sendto", "socket.sendmsg", "urllib.Request",
        "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open"}
_WRITES = bool(os.environ.get("CYCLEMAP_AUDIT_WRITES"))
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_busy = []
def _note(event, detail):
    _busy.append(1)  # our own write to the log is not an event
    try:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(json.dumps([event, detail]) + "\\n")
    finally:
        _busy.pop()
def _written(path):
    if hasattr(path, "__fspath__") or isinstance(path, (str, bytes)):  # not a file descriptor
        _note("write", os.path.abspath(os.fsdecode(os.fspath(path))))
def _hook(event, args):
    if _busy:
        return
    if _WRITES and event == "open" and len(args) > 2 and isinstance(args[2], int) and args[2] & _WRITE_FLAGS:
        _written(args[0])
    elif _WRITES and event in ("os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.chmod", "shutil.copyfile"):
        _written(args[1] if event in ("os.rename", "os.replace", "shutil.copyfile") else args[0])
    elif _WRITES and event == "sqlite3.connect":
        _written(args[0])
    elif event in _NET:
        _note(event, repr(args)[:300])
    elif event == "socket.__new__" and len(args) > 1 and args[1] in (2, 10):  # AF_INET, AF_INET6
        _note(event, repr(args[1:])[:300])
if _LOG:
    _note("audit.on", sys.argv[0] if sys.argv else "")
    sys.addaudithook(_hook)
'''

ROOT = Path(__file__).resolve().parent.parent


def write_hook(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return folder


def audited_env(hook_dir: Path, log: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(base if base is not None else os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(hook_dir), str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["CYCLEMAP_AUDIT_LOG"] = str(log)
    env.pop("CYCLEMAP_PASSPHRASE", None)
    return env


def run(args: list[str], env: dict[str, str], *, cwd: Path | None = None, input: str | None = None,
        prefix: list[str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    command = [*(prefix or []), sys.executable, *args]
    return subprocess.run(command, env=env, cwd=cwd, input=input, capture_output=True, text=True, timeout=timeout)


def events(log: Path) -> list[tuple[str, str]]:
    if not log.exists():
        return []
    return [tuple(json.loads(line)) for line in log.read_text(encoding="utf-8").splitlines()]


def network_events(log: Path) -> list[tuple[str, str]]:
    found = events(log)
    assert any(event == "audit.on" for event, _ in found), "the audit hook never ran"
    return [(event, detail) for event, detail in found if event not in ("audit.on", "write")]


def written_paths(log: Path) -> set[Path]:
    """Every path the process opened for writing, created, renamed, removed or chmod-ed (needs CYCLEMAP_AUDIT_WRITES)."""
    return {Path(detail) for event, detail in events(log) if event == "write"}
