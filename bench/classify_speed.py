"""Benchmark: turns per second and peak memory of `cyclemap classify`, default and --fast.

    .venv/bin/python bench/classify_speed.py [--size 100000]

Writes a realistic WhatsApp export with the WhatsApp benchmark's generator,
its messages drawn from the corpus's 13,000 turns (so the encoder cannot lean
on a few repeated phrases),
then runs the real command line on it (file reading included, label cache
off, output to /dev/null) in both modes, and once more in the default mode
with the cache on, twice, to show what a second run costs.
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


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one command."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen([str(CYCLEMAP), *args], stdout=sink, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"cyclemap {' '.join(args)} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "WhatsApp Chat with Alex.txt"
        corpus = Path(__file__).resolve().parent.parent / "corpus" / "cyclemap-corpus.jsonl"
        texts = tuple(
            row["text"] for row in map(json.loads, corpus.read_text(encoding="utf-8").splitlines())
            if ": " not in row["text"][:40]  # a WhatsApp line cannot start a continuation with "Name: "
        )
        generate(path, args.size, phrases=texts)
        env = dict(os.environ, CYCLEMAP_HOME=str(Path(folder) / "home"))
        print(f"{args.size:,} messages, {path.stat().st_size / 2**20:.1f} MiB;"
              f" load average {os.getloadavg()[0]:.1f} on 2 cores (noisy when high)")
        for label, extra in (("default", []), ("--fast", ["--fast"])):
            seconds, rss = run(["classify", "--no-cache", *extra, str(path)], env)
            print(f"  {label:<22} {seconds:7.1f} s  {args.size / seconds:9,.0f} turns/s  peak RSS {rss:6.0f} MiB")
        first, _ = run(["classify", str(path)], env)
        second, rss = run(["classify", str(path)], env)
        print(f"  default, cache cold    {first:7.1f} s")
        print(f"  default, cache warm    {second:7.1f} s  {args.size / second:9,.0f} turns/s  peak RSS {rss:6.0f} MiB")


if __name__ == "__main__":
    main()
