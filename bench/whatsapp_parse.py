"""Benchmark: how fast cyclemap reads WhatsApp exports, and in how much memory.

    .venv/bin/python bench/whatsapp_parse.py [--sizes 100000,1000000] [--keep DIR]

Writes realistic Android exports (a couple, occasional group members,
multi-line messages, media, system lines, day-and-night timestamps) with the
reader's own ``write()``, then times ``cyclemap parse`` on each: through the
library (iterating the turns) and through the command line writing JSON Lines
to /dev/null, with the command's peak resident memory.

On the smallest size it also times whatstk's ``df_from_whatsapp`` with
auto-detection, if a scratch virtual environment holds it. whatstk is GPL, so
it never enters this project's dependencies; make the scratch venv with::

    python3 -m venv /tmp/whatstk-venv && /tmp/whatstk-venv/bin/pip install whatstk
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from cyclemap.ingest import read_turns
from cyclemap.ingest.registry import get_reader
from cyclemap.model import Turn

WHATSTK_PYTHON = Path(os.environ.get("WHATSTK_VENV", "/tmp/whatstk-venv")) / "bin" / "python"

COUPLE = ("Sam", "Alex")
GUESTS = ("\u202a+44 7700 900123\u202c", "Jo Bloggs", "Mum")
PHRASES = (
    "you said you would call",
    "I was driving",
    "ok",
    "can we talk tonight?",
    "I'm tired",
    "why do you always do this",
    "I just need a minute",
    "love you \u2764\ufe0f",
    "where are you?",
    "running late, sorry",
    "fine.",
    "did you see my message?",
    "can you pick up milk",
    "\U0001f602\U0001f602",
    "I don't want to fight",
    "we need to talk about the weekend",
    "sure",
    "haha yes",
    "what time?",
    "I feel like you don't listen to me",
    "I'm here, I just got overwhelmed",
    "goodnight \U0001f319",
)
SYSTEM = (
    "Your security code with Alex changed. Tap to learn more.",
    "Sam changed this group's icon",
    "Mum left",
    "Sam added Mum",
)


def _messages(count: int, seed: int, phrases: tuple[str, ...] = PHRASES) -> Iterator[Turn]:
    """A chat of ``count`` turns, in time order, that looks like a couple's."""
    PHRASES = phrases  # noqa: N806 - the module's list unless the caller brings its own
    rng = random.Random(seed)
    now = datetime(2019, 1, 1, 8, 0)
    for number in range(1, count + 1):
        # Bursts of replies within minutes, pauses of hours, nights of silence.
        gap = rng.choice((0.5, 1, 2, 3, 10, 45, 180, 600))
        now += timedelta(minutes=rng.expovariate(1 / gap))
        if now.hour < 7:
            now = now.replace(hour=7, minute=rng.randrange(60))
        roll = rng.random()
        speaker = rng.choice(GUESTS) if roll < 0.05 else COUPLE[rng.random() < 0.5]
        kind, text = "message", rng.choice(PHRASES)
        if roll > 0.995:
            speaker, kind, text = None, "system", rng.choice(SYSTEM)
        elif roll > 0.99:
            kind, text = "system", "This message was deleted"
        elif roll > 0.94:
            kind, text = "media", "<Media omitted>"
        elif roll > 0.93:
            kind, text = (
                "media",
                f"IMG-{now:%Y%m%d}-WA{number % 10000:04d}.jpg (file attached)\n{rng.choice(PHRASES)}",
            )
        elif roll > 0.86:
            text = "\n".join(rng.choice(PHRASES) for _ in range(rng.randint(2, 5)))
        elif roll > 0.6:
            text = " ".join(rng.choice(PHRASES) for _ in range(rng.randint(2, 4)))
        yield Turn(str(number), now, speaker, text, kind)  # type: ignore[arg-type]


def corpus_texts() -> tuple[str, ...]:
    """The corpus's turn texts (never the blind sets), as phrases for a generated chat; a WhatsApp line
    cannot start a continuation with "Name: ", so texts that would look like one are left out."""
    corpus = Path(__file__).resolve().parent.parent / "corpus" / "cyclemap-corpus.jsonl"
    return tuple(
        row["text"] for row in map(json.loads, corpus.read_text(encoding="utf-8").splitlines())
        if ": " not in row["text"][:40]
    )


def generate(path: Path, count: int, seed: int = 7, phrases: tuple[str, ...] = PHRASES) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(
            "01/01/2019, 08:00 - Messages and calls are end-to-end encrypted. No one outside of this chat,"
            " not even WhatsApp, can read or listen to them. Tap to learn more.\n"
        )
        get_reader("whatsapp").write(_messages(count - 1, seed, phrases), handle)


def time_library(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    count = sum(1 for _ in read_turns(path, "auto"))
    return time.perf_counter() - start, count


def time_cli(path: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MiB) of `cyclemap parse PATH > /dev/null`."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen([sys.executable, "-m", "cyclemap", "parse", str(path)], stdout=sink)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix in every earlier child.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"cyclemap parse failed on {path} (exit {child.returncode})")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KiB


_WHATSTK_SCRIPT = """
import json, sys, time
from whatstk import df_from_whatsapp
start = time.perf_counter()
frame = df_from_whatsapp(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(frame)}))
"""


def time_whatstk(path: Path) -> dict | None:
    if not WHATSTK_PYTHON.exists():
        return None
    done = subprocess.run(
        [str(WHATSTK_PYTHON), "-c", _WHATSTK_SCRIPT, str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"  whatstk failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(folder: Path, sizes: list[int]) -> None:
    for index, size in enumerate(sizes):
        path = folder / f"WhatsApp Chat with Alex ({size}).txt"
        generate(path, size)
        print(f"{size:,} messages, {path.stat().st_size / 2**20:.1f} MiB")
        lib_seconds, count = time_library(path)
        print(
            f"  cyclemap library : {lib_seconds:7.2f} s  ({count:,} turns, {count / lib_seconds:,.0f} turns/s)"
        )
        cli_seconds, peak = time_cli(path)
        print(f"  cyclemap parse   : {cli_seconds:7.2f} s  (CLI to /dev/null, peak RSS {peak:.0f} MiB)")
        if index == 0:
            theirs = time_whatstk(path)
            if theirs is None:
                print(f"  whatstk          : skipped (no {WHATSTK_PYTHON}; see this script's docstring)")
            else:
                print(
                    f"  whatstk          : {theirs['seconds']:7.2f} s  (df_from_whatsapp, auto-detection,"
                    f" {theirs['rows']:,} rows)"
                )
                print(
                    f"  ratio            : whatstk / cyclemap library = {theirs['seconds'] / lib_seconds:.1f}x,"
                    f" whatstk / cyclemap parse CLI = {theirs['seconds'] / cli_seconds:.1f}x"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated message counts")
    parser.add_argument("--keep", type=Path, help="write the exports here and keep them")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        bench(args.keep, sizes)
        return
    with tempfile.TemporaryDirectory(prefix="cyclemap-bench-") as folder:
        bench(Path(folder), sizes)


if __name__ == "__main__":
    main()
