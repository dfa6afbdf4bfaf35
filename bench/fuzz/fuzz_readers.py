"""Coverage-guided fuzzing of every reader with atheris (libFuzzer), for minutes rather than the
test suite's seconds. Not a test: run it, and report what it finds.

    .venv/bin/pip install atheris        # a dev tool only; not a dependency of cyclemap
    .venv/bin/python bench/fuzz/fuzz_readers.py -max_total_time=300 -rss_limit_mb=2048

The first input byte chooses the reader (or detection), the rest is the file. The seed corpus
is the project's fixtures and the peers' sample exports. Anything but a clean CyclemapError
(one line; naming the file when it is an InputError) is a crash, saved by libFuzzer as
crash-<hash> in the working folder. At the end it prints executions, coverage and crashes.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["cyclemap"]):
    from cyclemap.errors import CyclemapError, InputError
    from cyclemap.ingest import ReadOptions, read_turns, readers

    NAMES = ["auto", *sorted(readers())]  # imports every format module, instrumented

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = [".txt", ".json", ".zip", ".xml", ".csv", ".jsonl", ".srt", ".vtt", ".docx", ".md"]
WORK = Path(tempfile.mkdtemp(prefix="cyclemap-fuzz-"))
STATS = {"runs": 0, "clean_errors": 0, "turns": 0, "started": time.time()}


def one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    name = NAMES[data[0] % len(NAMES)]
    path = WORK / f"input{SUFFIXES[data[1] % len(SUFFIXES)]}"
    path.write_bytes(data[2:])
    STATS["runs"] += 1
    if STATS["runs"] % 20_000 == 0:
        report()
    try:
        for turn in read_turns(path, name, ReadOptions()):
            turn.to_json()
            STATS["turns"] += 1
    except CyclemapError as error:
        STATS["clean_errors"] += 1
        text = str(error)
        if "\n" in text or (isinstance(error, InputError) and str(path) not in text):
            raise AssertionError(f"an error that is not one line naming the file: {text!r}") from None
    except RecursionError:
        raise


def seeds(folder: Path) -> None:
    """Write the seed corpus (one file per fixture, prefixed with the reader byte and suffix byte)."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [p for base in (ROOT / "tests" / "fixtures", ROOT.parent / "shared" / "fixtures" / "peers")
               if base.is_dir() for p in base.rglob("*") if p.is_file() and p.stat().st_size < 100_000]
    for number, source in enumerate(sorted(sources)):
        suffix = SUFFIXES.index(source.suffix) if source.suffix in SUFFIXES else 0
        (folder / f"seed-{number}").write_bytes(bytes([0, suffix]) + source.read_bytes())


def report() -> None:
    elapsed = time.time() - STATS["started"]
    print(f"fuzz: {STATS['runs']:,} inputs in {elapsed:.0f} s ({STATS['runs'] / max(elapsed, 1):.0f}/s), "
          f"{STATS['clean_errors']:,} clean errors, {STATS['turns']:,} turns read", file=sys.stderr)


if __name__ == "__main__":
    import atexit

    corpus = WORK / "corpus"
    seeds(corpus)
    atexit.register(report)
    sys.setrecursionlimit(10_000)
    atheris.Setup([sys.argv[0], *sys.argv[1:], str(corpus)], one_input)
    os.environ.setdefault("CYCLEMAP_HOME", str(WORK / "data"))
    atheris.Fuzz()
