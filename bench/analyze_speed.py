"""Benchmark: `cyclemap analyze --fast --json` from file to JSON, against the chat-analytics CLI.

    .venv/bin/python bench/analyze_speed.py [--sizes 100000,1000000] [--keep DIR] [--default] [--classify]

Writes realistic WhatsApp exports with the WhatsApp benchmark's generator, their
messages drawn from the corpus's turns, then, for each size, times the real
command line (classification included, output to /dev/null) and reports wall
time, CPU time (user + system) and peak resident memory (the child's own
rusage, Linux KiB -> MiB):

* ``analyze --fast --json`` with a fresh data folder (cold label cache),
* with ``--classify``, ``classify --fast`` on the same file (fresh data folder):
  the difference is what the analysis after labelling costs,
* on the smallest size, the chat-analytics CLI on the same file in the same
  run, and the ratio (chat-analytics seconds / cyclemap seconds),
* with ``--default``, on the smallest size, the default (accurate) mode twice
  with the label cache on (a fresh data folder): the first run fills it, the
  second reads it; then ``analyze --fast --json`` again with a fresh data folder,
  right after, so the warm run and the --fast run meet the same load, and the
  two side by side (issue 5: the warm run must be no slower than --fast).

chat-analytics (AGPL) is never a dependency of this project; it is run only if
installed in a scratch folder (``$CHAT_ANALYTICS_DIR``, default /tmp/ca)::

    mkdir -p /tmp/ca && cd /tmp/ca && npm install chat-analytics

The machine is shared and noisy: run it when it is quiet, and report the load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whatsapp_parse import corpus_texts, generate  # noqa: E402

CYCLEMAP = Path(sys.executable).parent / "cyclemap"
CHAT_ANALYTICS = Path(os.environ.get("CHAT_ANALYTICS_DIR", "/tmp/ca"))


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one command, its output thrown away."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, env=env, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage
        errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {errors.strip()[-500:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def chat_analytics(path: Path, out: Path) -> tuple[float, float, float] | None:
    tool = CHAT_ANALYTICS / "node_modules" / ".bin" / "chat-analytics"
    if not tool.exists():
        return None
    return timed([str(tool), "-p", "whatsapp", "-i", str(path), "-o", str(out)], cwd=CHAT_ANALYTICS)


def bench(folder: Path, sizes: list[int], default_mode: bool, classify: bool = False) -> None:
    texts = corpus_texts()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores; figures are noisy when it is high)")
    for number, size in enumerate(sizes):
        path = folder / f"whatsapp-chat-{size}.txt"  # chat-analytics reads its -i as a glob: no brackets
        if not path.exists():
            generate(path, size, phrases=texts)
        print(f"{size:,} messages, {path.stat().st_size / 2**20:.1f} MiB")
        env = dict(os.environ, CYCLEMAP_HOME=str(folder / f"home-{size}"))
        ours, rss, cpu = timed([str(CYCLEMAP), "analyze", "--fast", "--json", str(path)], env)
        print(f"  cyclemap analyze --fast --json : {ours:7.1f} s  CPU {cpu:7.1f} s  peak RSS {rss:6.0f} MiB"
              f"  (load {os.getloadavg()[0]:.1f})")
        if classify:
            env = dict(os.environ, CYCLEMAP_HOME=str(folder / f"home-classify-{size}"))
            wall, rss, cpu_classify = timed([str(CYCLEMAP), "classify", "--fast", str(path)], env)
            print(f"  cyclemap classify --fast       : {wall:7.1f} s  CPU {cpu_classify:7.1f} s  peak RSS {rss:6.0f} MiB")
            print(f"  analysis after labelling       : CPU {cpu - cpu_classify:7.1f} s (difference)")
        if number == 0:
            theirs = chat_analytics(path, folder / "chat-analytics.html")
            if theirs is None:
                print(f"  chat-analytics                 : skipped (not installed in {CHAT_ANALYTICS})")
            else:
                print(f"  chat-analytics                 : {theirs[0]:7.1f} s  CPU {theirs[2]:7.1f} s  "
                      f"peak RSS {theirs[1]:6.0f} MiB")
                print(f"  ratio chat-analytics / cyclemap: {theirs[0] / ours:.2f}x")
            if default_mode:
                compare_default(folder, path, size)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def compare_default(folder: Path, path: Path, size: int) -> None:
    """The default mode cold and warm, then --fast (fresh data folder), each with the load it met."""
    home = folder / f"home-default-{size}"
    if home.exists():
        shutil.rmtree(home)
    env = dict(os.environ, CYCLEMAP_HOME=str(home))
    fast_env = dict(os.environ, CYCLEMAP_HOME=str(folder / f"home-fast-again-{size}"))
    shutil.rmtree(fast_env["CYCLEMAP_HOME"], ignore_errors=True)
    runs = [("default mode, cache cold", ["analyze", "--json"], env),
            ("default mode, cache warm", ["analyze", "--json"], env),
            ("--fast, fresh cache (after)", ["analyze", "--fast", "--json"], fast_env)]
    figures = []
    for name, arguments, environment in runs:
        load = os.getloadavg()[0]
        wall, rss, cpu = timed([str(CYCLEMAP), *arguments, str(path)], environment)
        figures.append((wall, cpu))
        print(f"  {name:<31}: {wall:7.1f} s  CPU {cpu:7.1f} s  peak RSS {rss:6.0f} MiB  (load {load:.1f} before)")
    (warm, warm_cpu), (fast, fast_cpu) = figures[1], figures[2]
    print(f"  warm default / --fast          : wall {warm / fast:.2f}x, CPU {warm_cpu / fast_cpu:.2f}x"
          f"  ({'warm no slower' if warm <= fast else 'warm SLOWER'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["100000,1000000"], help="message counts (commas or spaces)")
    parser.add_argument("--keep", type=Path, help="write the exports (and data folders) here and keep them")
    parser.add_argument("--default", action="store_true", help="also time the default mode, cache cold and warm")
    parser.add_argument("--classify", action="store_true", help="also time classify --fast (labelling alone)")
    args = parser.parse_args()
    sizes = [int(s) for s in ",".join(args.sizes).split(",") if s]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        bench(args.keep, sizes, args.default, args.classify)
        return
    with tempfile.TemporaryDirectory(prefix="cyclemap-analyze-bench-") as folder:
        bench(Path(folder), sizes, args.default, args.classify)


if __name__ == "__main__":
    main()
