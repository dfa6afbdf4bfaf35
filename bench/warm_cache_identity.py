"""Check: a chat read again from the label cache gives byte for byte what a cold run gives.

    .venv/bin/python bench/warm_cache_identity.py FILE_OR_FOLDER... [--strip-codes] [--skip-analyze]

For each chat (a folder: every file in it, recursively), runs the real command line in this process
(``classify`` and ``analyze --json``, default mode) and compares the outputs with a run without the
cache (``--no-cache``):

* ``warm``: the cache filled by one run, then read by the next (labels and safety findings);
* ``append``: the cache filled from the chat's first 60% of lines, then the whole chat read;
* ``correct``: with a corrections file for two turns, the cache warm;
* ``vault``: all of the above in an encrypted data folder (``CYCLEMAP_PASSPHRASE``).

``--strip-codes`` drops ``move``, ``cue`` and ``safety`` from JSON Lines input first (coded input
skips the model and the screen; the corpus's files carry codes). Inputs that are not chats (the
command refuses them) are counted as skipped. The safety encoder remembers nothing across calls (its int8
readings move a little with a text's batch mates), so runs in one process read as separate commands do.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from cyclemap.cli import main as cyclemap

PASSPHRASE = "warm cache identity check"


def run(home: Path, *args: str, vault: bool = False) -> tuple[int, str]:
    env = {"CYCLEMAP_HOME": str(home), "CYCLEMAP_PASSPHRASE": PASSPHRASE if vault else None}
    result = CliRunner().invoke(cyclemap, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout


def strip_codes(path: Path, folder: Path) -> Path:
    target = folder / path.name
    with path.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for line in source:
            if line.strip():
                row = json.loads(line)
                for name in ("move", "cue", "safety"):
                    row.pop(name, None)
                row.setdefault("text", "")
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return target


def corrections_for(labelled: str, folder: Path) -> Path | None:
    rows = [json.loads(line) for line in labelled.splitlines()]
    chosen = [r for r in rows if r.get("kind") == "message"][1:4:2]
    if not chosen:
        return None
    path = folder / "corrections.jsonl"
    path.write_text("".join(json.dumps({"turn": r["id"], "conversation": r.get("conversation"), "move": "soften"}) + "\n"
                            for r in chosen), encoding="utf-8")
    return path


def check(path: Path, folder: Path, analyze: bool) -> tuple[list[str], int]:
    """The failed comparisons for one chat, and the number made (-1: not a chat)."""
    failures: list[str] = []
    made = 0
    cold_home = folder / "cold"
    code, cold = run(cold_home, "classify", "--no-cache", str(path))
    if code != 0 or not cold:
        return [], -1
    cold_json = run(cold_home, "analyze", "--json", "--no-cache", str(path))[1] if analyze else ""
    fixes = corrections_for(cold, folder)
    cold_fixed = run(cold_home, "classify", "--no-cache", "--corrections", str(fixes), str(path))[1] if fixes else ""
    lines = path.read_bytes().splitlines(keepends=True)
    prefix = folder / f"prefix{path.suffix}"
    prefix.write_bytes(b"".join(lines[: max(1, len(lines) * 6 // 10)]))

    def same(name: str, got: str, want: str) -> None:
        nonlocal made
        made += 1
        if got != want:
            failures.append(f"{path}: {name}")

    for vault in (False, True):
        tag = "vault " if vault else ""
        home = folder / f"warm-{vault}"
        same(f"{tag}warm: first run", run(home, "classify", str(path), vault=vault)[1], cold)
        same(f"{tag}warm: second run", run(home, "classify", str(path), vault=vault)[1], cold)
        if analyze:
            same(f"{tag}warm: analyze --json", run(home, "analyze", "--json", str(path), vault=vault)[1], cold_json)
        if fixes:
            same(f"{tag}correct", run(home, "classify", "--corrections", str(fixes), str(path), vault=vault)[1], cold_fixed)
        home = folder / f"append-{vault}"
        run(home, "classify", str(prefix), vault=vault)
        if analyze:
            same(f"{tag}append: analyze --json", run(home, "analyze", "--json", str(path), vault=vault)[1], cold_json)
        same(f"{tag}append: classify", run(home, "classify", str(path), vault=vault)[1], cold)
    return failures, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--strip-codes", action="store_true", help="drop move, cue and safety from JSON Lines input")
    parser.add_argument("--skip-analyze", action="store_true", help="compare classify only")
    args = parser.parse_args()
    files = sorted(p for root in args.paths for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file())
    os.environ.pop("CYCLEMAP_PASSPHRASE", None)
    failures: list[str] = []
    checked = skipped = made = 0
    for path in files:
        with tempfile.TemporaryDirectory(prefix="cyclemap-warm-") as scratch:
            folder = Path(scratch)
            source = strip_codes(path, folder) if args.strip_codes and path.suffix == ".jsonl" else path
            found, count = check(source, folder, not args.skip_analyze)
        if count < 0:
            skipped += 1
            continue
        checked += 1
        made += count
        failures.extend(found)
        print(f"{'ok  ' if not found else 'DIFF'} {path} ({count} comparisons)", flush=True)
    print(f"{checked} chats, {made} comparisons, {len(failures)} different, {skipped} inputs skipped (not chats)")
    for failure in failures:
        print("  different:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
