"""Nothing written outside the data folder: each command runs in a sandbox whose HOME, XDG_*
folders, TMPDIR, working folder and data folder are all watched; the only new files may be in
the data folder (folders 0700, files 0600) and what the command was asked to write."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from cyclemap import read_turns

from . import privacy_audit as audit

SAMPLES = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "samples"
CHAT = SAMPLES / "WhatsApp Chat with Alex.txt"
XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR")


def _options(command: str) -> set[str]:
    from cyclemap.cli import main

    found = main.commands.get(command)
    return {opt for p in found.params for opt in getattr(p, "opts", [])} if found else set()


def scenarios() -> list[tuple[str, list[str], str | None, list[str]]]:
    """(name, arguments with {in}/{out} folders, stdin, outputs the command was asked to write)."""
    chat = "{in}/chat.txt"
    found = [
        ("parse", ["parse", chat], None, []),
        ("summary", ["summary", chat], None, []),
        ("classify", ["classify", chat], None, []),
        ("classify-corrections", ["classify", "--fast", chat, "--corrections", "{in}/fixes.jsonl",
                                  "--export-corrections", "{out}/training.jsonl"], None, ["training.jsonl"]),
        ("analyze-json", ["analyze", "--json", "--permutations", "50", chat], None, []),
        ("safety-check", ["safety-check", "--save", "--person", "Sam"], "y\n" + "n\n" * 6, []),
        ("resources-init", ["resources", "--init"], None, []),
        ("export", ["export", "-o", "{out}/export.json"], None, ["export.json"]),
        ("forget", ["forget", chat], None, []),
        ("forget-all", ["forget", "--all", "--yes"], None, []),
    ]
    if "-o" in _options("analyze"):  # the report, where it is built
        found.append(("analyze-report", ["analyze", "--permutations", "50", chat, "-o", "{out}/report.html"],
                      None, ["report.html"]))
    if _options("check"):  # the coach, where it is built
        found.append(("check", ["check", "you never listen to me"], None, []))
    return found


def snapshot(root: Path) -> dict[Path, tuple[bool, int, str]]:
    """Every path under root: (is a folder, mode, content digest for files)."""
    found = {}
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        digest = "" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        found[path] = (path.is_dir(), stat.S_IMODE(info.st_mode), digest)
    return found


@pytest.fixture(scope="module")
def hook(tmp_path_factory) -> Path:
    return audit.write_hook(tmp_path_factory.mktemp("audit-hook"))


@pytest.mark.parametrize(("name", "args", "stdin", "outputs"), scenarios(), ids=[s[0] for s in scenarios()])
def test_a_command_writes_only_to_the_data_folder_and_what_it_was_asked(hook, tmp_path, name, args, stdin, outputs):
    box = tmp_path / "box"
    folders = {key: box / key.lower() for key in ("HOME", "TMPDIR", *XDG)}
    inputs, work, out, data = box / "in", box / "work", box / "out", box / "data" / "cyclemap"
    for folder in [*folders.values(), inputs, work, out]:
        folder.mkdir(parents=True)
    (inputs / "chat.txt").write_bytes(CHAT.read_bytes())
    first = next(t for t in read_turns(CHAT) if t.kind == "message")
    (inputs / "fixes.jsonl").write_text(json.dumps({"turn": first.id, "move": "soften", "cue": "reassure"}) + "\n", encoding="utf-8")
    for path in inputs.iterdir():
        path.chmod(0o444)
    inputs.chmod(0o555)
    if name.startswith("forget"):  # something stored to forget
        (data / "records").mkdir(parents=True, mode=0o700)
        data.chmod(0o700)
        (data / "records" / "0.json").write_text(json.dumps({"kind": "k", "payload": {}}))
        (data / "records" / "0.json").chmod(0o600)
    before = snapshot(box)
    log = tmp_path / "audit.jsonl"
    env = audit.audited_env(hook, log)
    env.update({key: str(path) for key, path in folders.items()})
    env.update(CYCLEMAP_HOME=str(data), CYCLEMAP_AUDIT_WRITES="1", PYTHONDONTWRITEBYTECODE="1")
    argv = [a.replace("{in}", str(inputs)).replace("{out}", str(out)) for a in args]
    result = audit.run(["-m", "cyclemap", *argv], env, cwd=work, input=stdin)
    assert result.returncode == 0, result.stderr
    after = snapshot(box)

    allowed = {out / o for o in outputs}
    new = {p for p in after if p not in before}
    changed = {p for p in after if p in before and after[p] != before[p] and not p.is_relative_to(data)}
    made_for_data = set(data.parents)  # the data folder's parents may be created with it
    assert {p for p in new if not p.is_relative_to(data) and p not in allowed | made_for_data} == set()
    assert changed == set(), "files outside the data folder changed (inputs must never change)"
    assert {p for p in before if p not in after and not p.is_relative_to(data)} == set()
    for path in (p for p in after if p.is_relative_to(data)):
        is_dir, mode, _ = after[path]
        assert mode == (0o700 if is_dir else 0o600), f"{path} has mode {oct(mode)}"
    for path in allowed:
        assert path.exists() and after[path][1] & 0o077 == 0 if name == "export" else path.exists()

    # What the process itself opened for writing, anywhere on the machine (Python-level writes).
    allowed_roots = (data, out)
    stray = {p for p in audit.written_paths(log)
             if not any(p == r or p.is_relative_to(r) for r in allowed_roots)
             and p != Path(os.devnull) and p not in made_for_data}
    assert stray == set()
