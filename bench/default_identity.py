"""Check: does the default mode still write the same bytes? (speed work must not change a label)

    .venv/bin/python bench/default_identity.py --save /tmp/d7/ref        # before a change
    .venv/bin/python bench/default_identity.py --compare /tmp/d7/ref     # after it

Runs ``cyclemap classify --no-cache`` (the default model) in this process on: the 20,000-turn
WhatsApp chat bench/classify_speed.py times (same generator, same seed), every file under
tests/fixtures, corpus/safety/*.jsonl, the corpus dev and test splits and corpus/heldout/*.jsonl.
Each file's stdout, stderr and exit code are kept; ``--compare`` names every file whose output
differs and how many lines do. The blind sets (corpus/blind, corpus/report3) are never read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from whatsapp_parse import corpus_texts, generate

from cyclemap.cli import main as cli


def inputs(scratch: Path, size: int) -> list[tuple[str, Path]]:
    """(name, path) of every input, the generated chat first."""
    chat = scratch / "WhatsApp Chat with Alex.txt"
    generate(chat, size, phrases=corpus_texts())
    found = [(f"generated-{size}", chat)]
    found += [(str(p.relative_to(ROOT)), p) for p in sorted((ROOT / "tests" / "fixtures").rglob("*"))
              if p.is_file() and p.suffix != ".py"]
    for pattern in ("safety/*.jsonl", "dev.jsonl", "test.jsonl", "heldout/*.jsonl"):
        found += [(str(p.relative_to(ROOT)), p) for p in sorted((ROOT / "corpus").glob(pattern))]
    return found


def run(path: Path) -> str:
    result = CliRunner().invoke(cli, ["classify", "--no-cache", str(path)], catch_exceptions=False)
    return f"exit {result.exit_code}\n--- stderr\n{result.stderr}--- stdout\n{result.stdout}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", type=Path)
    action.add_argument("--compare", type=Path)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--only", help="only inputs whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CYCLEMAP_HOME"] = str(Path(folder) / "home")
        differing, checked = [], 0
        started = time.perf_counter()
        for name, path in inputs(Path(folder), args.size):
            if args.only and args.only not in name:
                continue
            out = run(path)
            key = name.replace("/", "__")
            checked += 1
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / key).write_text(out, encoding="utf-8")
                continue
            if not (args.compare / key).exists():  # a file added since the reference was saved
                print(f"NEW {name}: no reference output")
                continue
            reference = (args.compare / key).read_text(encoding="utf-8")
            if reference != out:
                lines = sum(a != b for a, b in zip(reference.splitlines(), out.splitlines(), strict=False))
                lines += abs(len(reference.splitlines()) - len(out.splitlines()))
                differing.append(name)
                print(f"DIFFERS {name}: {lines} line(s)")
        if args.compare:
            print(f"{checked} inputs, {len(differing)} differ ({time.perf_counter() - started:.0f} s)")
            sys.exit(1 if differing else 0)
        print(f"saved {checked} outputs to {args.save} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
