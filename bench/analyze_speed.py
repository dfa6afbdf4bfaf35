"""Benchmark: `cyclemap analyze --fast --json` from file to JSON, against the chat-analytics CLI.

    .venv/bin/python bench/analyze_speed.py [--sizes 100000,1000000] [--keep DIR] [--default]

Writes realistic WhatsApp exports with the WhatsApp benchmark's generator, their
messages drawn from the corpus's turns, then, for each size, times the real
command line (classification included, output to /dev/null) and reports wall
time and peak resident memory (the child's own rusage, Linux KiB -> MiB):

* ``analyze --fast --json`` with a fresh data folder (cold label cache),
* on the smallest size, the chat-analytics CLI on the same file in the same
  run, and the ratio (chat-analytics seconds / cyclemap seconds),
* with ``--default``, on the smallest size, the default (accurate) mode twice
  with the label cache on: the first run fills it, the second reads it.

chat-analytics (AGPL) is never a dependency of this project; it is run only if
installed in a scratch folder (``$CHAT_ANALYTICS_DIR``, default /tmp/ca)::

    mkdir -p /tmp/ca && cd /tmp/ca && npm install chat-analytics

The machine is shared and noisy: run it when it is quiet, and report the load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whatsapp_parse import generate  # noqa: E402

CYCLEMAP = Path(sys.executable).parent / "cyclemap"
CHAT_ANALYTICS = Path(os.environ.get("CHAT_ANALYTICS_DIR", "/tmp/ca"))


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command, its output thrown away."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, env=env, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage
        errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {errors.strip()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def corpus_texts() -> tuple[str, ...]:
    corpus = Path(__file__).resolve().parent.parent / "corpus" / "cyclemap-corpus.jsonl"
    return tuple(
        row["text"] for row in map(json.loads, corpus.read_text(encoding="utf-8").splitlines())
        if ": " not in row["text"][:40]  # a WhatsApp line cannot start a continuation with "Name: "
    )


def chat_analytics(path: Path, out: Path) -> tuple[float, float] | None:
    tool = CHAT_ANALYTICS / "node_modules" / ".bin" / "chat-analytics"
    if not tool.exists():
        return None
    return timed([str(tool), "-p", "whatsapp", "-i", str(path), "-o", str(out)], cwd=CHAT_ANALYTICS)


def bench(folder: Path, sizes: list[int], default_mode: bool) -> None:
    texts = corpus_texts()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores; figures are noisy when it is high)")
    for number, size in enumerate(sizes):
        path = folder / f"whatsapp-chat-{size}.txt"  # chat-analytics reads its -i as a glob: no brackets
        if not path.exists():
            generate(path, size, phrases=texts)
        print(f"{size:,} messages, {path.stat().st_size / 2**20:.1f} MiB")
        env = dict(os.environ, CYCLEMAP_HOME=str(folder / f"home-{size}"))
        ours, rss = timed([str(CYCLEMAP), "analyze", "--fast", "--json", str(path)], env)
        print(f"  cyclemap analyze --fast --json : {ours:7.1f} s  peak RSS {rss:6.0f} MiB")
        if number == 0:
            theirs = chat_analytics(path, folder / "chat-analytics.html")
            if theirs is None:
                print(f"  chat-analytics                 : skipped (not installed in {CHAT_ANALYTICS})")
            else:
                print(f"  chat-analytics                 : {theirs[0]:7.1f} s  peak RSS {theirs[1]:6.0f} MiB")
                print(f"  ratio chat-analytics / cyclemap: {theirs[0] / ours:.2f}x")
            if default_mode:
                first, rss = timed([str(CYCLEMAP), "analyze", "--json", str(path)], env)
                second, rss2 = timed([str(CYCLEMAP), "analyze", "--json", str(path)], env)
                print(f"  default mode, cache cold       : {first:7.1f} s  peak RSS {rss:6.0f} MiB")
                print(f"  default mode, cache warm       : {second:7.1f} s  peak RSS {rss2:6.0f} MiB")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated message counts")
    parser.add_argument("--keep", type=Path, help="write the exports (and data folders) here and keep them")
    parser.add_argument("--default", action="store_true", help="also time the default mode, cache cold and warm")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        bench(args.keep, sizes, args.default)
        return
    with tempfile.TemporaryDirectory(prefix="cyclemap-analyze-bench-") as folder:
        bench(Path(folder), sizes, args.default)


if __name__ == "__main__":
    main()
