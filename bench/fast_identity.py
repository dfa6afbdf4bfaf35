"""Check: does ``classify --fast`` still write the same bytes? (speed work must not change a label)

    .venv/bin/python bench/fast_identity.py --save /tmp/f8/ref        # before a change
    .venv/bin/python bench/fast_identity.py --compare /tmp/f8/ref     # after it

Runs ``cyclemap classify --no-cache --fast`` on: the 30,000- and 100,000-turn WhatsApp chats
bench/classify_speed.py times (same generator, same seed) through the real command, on one process
and on two (CYCLEMAP_PROCESSES=1 and 2: the two-process path is only taken under the command), and
in this process on every file under tests/fixtures, corpus/safety/*.jsonl, the corpus train, dev
and test splits and corpus/heldout/*.jsonl. ``--default`` runs the default model instead (on the
files only, and a 20,000-turn chat, in this process): the check for the default mode's speed work too.
The blind sets (corpus/blind, corpus/report3) are never read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from whatsapp_parse import corpus_texts, generate  # noqa: E402

from cyclemap.cli import main as cli  # noqa: E402

CYCLEMAP = Path(sys.executable).parent / "cyclemap"


def files() -> list[tuple[str, Path]]:
    found = [(str(p.relative_to(ROOT)), p) for p in sorted((ROOT / "tests" / "fixtures").rglob("*"))
             if p.is_file() and p.suffix != ".py"]
    for pattern in ("safety/*.jsonl", "train.jsonl", "dev.jsonl", "test.jsonl", "heldout/*.jsonl"):
        found += [(str(p.relative_to(ROOT)), p) for p in sorted((ROOT / "corpus").glob(pattern))]
    return found


def run_here(path: Path, extra: list[str]) -> str:
    result = CliRunner().invoke(cli, ["classify", "--no-cache", *extra, str(path)], catch_exceptions=False)
    return f"exit {result.exit_code}\n--- stderr\n{result.stderr}--- stdout\n{result.stdout}"


def run_command(path: Path, extra: list[str], processes: str) -> str:
    env = dict(os.environ, CYCLEMAP_PROCESSES=processes)
    done = subprocess.run([str(CYCLEMAP), "classify", "--no-cache", *extra, str(path)], env=env,
                          capture_output=True, text=True, check=False)
    return f"exit {done.returncode}\n--- stderr\n{done.stderr}--- stdout\n{done.stdout}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", type=Path)
    action.add_argument("--compare", type=Path)
    parser.add_argument("--default", action="store_true", help="the default model instead of --fast")
    parser.add_argument("--sizes", default=None, help="generated chat sizes (comma-separated)")
    parser.add_argument("--only", help="only inputs whose name contains this")
    args = parser.parse_args()
    extra = [] if args.default else ["--fast"]
    sizes = [int(s) for s in (args.sizes or ("20000" if args.default else "30000,100000")).split(",") if s]
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CYCLEMAP_HOME"] = str(Path(folder) / "home")
        jobs: list[tuple[str, object]] = []
        for size in sizes:
            chat = Path(folder) / f"chat-{size}" / "WhatsApp Chat with Alex.txt"
            chat.parent.mkdir()
            generate(chat, size, phrases=corpus_texts())
            if args.default:
                jobs.append((f"generated-{size}", lambda c=chat: run_here(c, extra)))
            else:
                for processes in ("1", "2"):
                    jobs.append((f"generated-{size}-p{processes}", lambda c=chat, p=processes: run_command(c, extra, p)))
        jobs += [(name, lambda p=path: run_here(p, extra)) for name, path in files()]
        differing, checked = [], 0
        started = time.perf_counter()
        for name, job in jobs:
            if args.only and args.only not in name:
                continue
            out = job()  # type: ignore[operator]
            key = name.replace("/", "__")
            checked += 1
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / key).write_text(out, encoding="utf-8")
                continue
            reference_path = args.compare / key
            if not reference_path.exists():
                print(f"NEW {name}: no reference output")
                continue
            reference = reference_path.read_text(encoding="utf-8")
            if name.startswith("generated") and not args.default:
                # both process counts must give the one-process reference
                reference = (args.compare / key.rsplit("-p", 1)[0].__add__("-p1")).read_text(encoding="utf-8")
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
