"""Benchmark: turns per second and peak memory of `cyclemap classify`, default and --fast.

    .venv/bin/python bench/classify_speed.py [--size 100000]

Writes a realistic WhatsApp export with the WhatsApp benchmark's generator,
its messages drawn from the corpus's 13,000 turns (so the encoder cannot lean
on a few repeated phrases),
then runs the real command line on it (file reading included, label cache
off, output to /dev/null) in both modes, and once more in the default mode
with the cache on, twice, to show what a second run costs.

``--fast`` labels a long chat on two cores (cyclemap.moves.blocks): its CPU
figure is both processes' (the helper is the command's child); ``--processes 1``
times it on one (CYCLEMAP_PROCESSES=1).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whatsapp_parse import corpus_texts, generate  # noqa: E402

CYCLEMAP = Path(sys.executable).parent / "cyclemap"


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds (wall), peak RSS (MiB) and CPU seconds (user + system) of one command.

    On a shared machine the wall time depends on the others' load; the CPU time much less so.
    The split between the command and its helper process is kept in ``LAST_SPLIT`` (see ``_watch``).
    """
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen([str(CYCLEMAP), *args], stdout=sink, env=env)
        watched: dict[int, tuple[float, float]] = {}
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(process.pid, watched, stop), daemon=True)
        watcher.start()
        _, status, usage = os.wait4(process.pid, 0)
        stop.set()
        watcher.join()
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"cyclemap {' '.join(args)} failed with status {status}")
    main_cpu, main_rss = watched.pop(process.pid, (0.0, 0.0))
    LAST_SPLIT[:] = [main_cpu, main_rss, sum(c for c, _ in watched.values()), max((r for _, r in watched.values()), default=0.0)]
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


#: The last run's (command CPU s, command peak RSS MiB, helper CPU s, helper peak RSS MiB), read from /proc
#: every 50 ms while it runs: the CPU figures are the last readings (a little below the totals).
LAST_SPLIT: list[float] = []


def _watch(pid: int, found: dict[int, tuple[float, float]], stop: threading.Event) -> None:
    """CPU seconds and peak RSS of the command and its children, from /proc (Linux; nothing elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    while not stop.wait(0.05):
        try:
            names = [int(e) for e in os.listdir("/proc") if e.isdigit()]
        except OSError:
            return
        for other in names:
            try:
                fields = Path(f"/proc/{other}/stat").read_text().rsplit(")", 1)[1].split()
                if other != pid and int(fields[1]) != pid:
                    continue
                status = Path(f"/proc/{other}/status").read_text()
            except (OSError, IndexError, ValueError):
                continue
            peak = next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM")), 0.0)
            cpu = (int(fields[11]) + int(fields[12])) / tick
            old_cpu, old_peak = found.get(other, (0.0, 0.0))
            found[other] = (max(cpu, old_cpu), max(peak, old_peak))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--modes", default="default,fast", help="which of default,fast to time (comma-separated)")
    parser.add_argument("--no-cache-runs", action="store_true", help="skip the two default-mode runs with the label cache")
    parser.add_argument("--processes", choices=("1", "2"), help="CYCLEMAP_PROCESSES for the runs (default: the command's own)")
    args = parser.parse_args()
    modes = set(args.modes.split(","))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "WhatsApp Chat with Alex.txt"
        generate(path, args.size, phrases=corpus_texts())
        env = dict(os.environ, CYCLEMAP_HOME=str(Path(folder) / "home"))
        if args.processes:
            env["CYCLEMAP_PROCESSES"] = args.processes
        print(f"{args.size:,} messages, {path.stat().st_size / 2**20:.1f} MiB;"
              f" load average {os.getloadavg()[0]:.1f} on 2 cores (noisy when high)")
        for label, extra in (("default", []), ("--fast", ["--fast"])):
            if label.strip("-") not in modes:
                continue
            load = os.getloadavg()[0]
            seconds, rss, cpu = run(["classify", "--no-cache", *extra, str(path)], env)
            print(f"  {label:<22} {seconds:7.1f} s  {args.size / seconds:9,.0f} turns/s  peak RSS {rss:6.0f} MiB"
                  f"  | CPU {cpu:6.1f} s = {args.size / cpu:9,.0f} turns per CPU-second  (load {load:.1f})")
            if LAST_SPLIT and LAST_SPLIT[2]:
                print(f"  {'':<22} command CPU {LAST_SPLIT[0]:5.1f} s, peak RSS {LAST_SPLIT[1]:4.0f} MiB;"
                      f" helper CPU {LAST_SPLIT[2]:5.1f} s, peak RSS {LAST_SPLIT[3]:4.0f} MiB")
        if args.no_cache_runs or "default" not in modes:
            return
        first, _, _ = run(["classify", str(path)], env)
        second, rss, cpu = run(["classify", str(path)], env)
        print(f"  default, cache cold    {first:7.1f} s")
        print(f"  default, cache warm    {second:7.1f} s  {args.size / second:9,.0f} turns/s  peak RSS {rss:6.0f} MiB"
              f"  | CPU {cpu:6.1f} s")


if __name__ == "__main__":
    main()
