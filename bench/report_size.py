"""Benchmark: the report of a 100,000-message export (size, render time in Chromium) and a typical PDF.

    .venv/bin/python bench/report_size.py [--size 100000] [--fast | --default-model]

Writes a WhatsApp export with the WhatsApp benchmark's generator (messages
drawn from the corpus), analyses it (the fast model by default: the default
model on 100,000 turns takes minutes and does not change the report's size
much), writes the HTML report and measures:

- its size on disk (goal: under 5 MB);
- how long headless Chromium (Debian's) takes to load and lay it out: the
  navigation's loadEventEnd and a forced layout after it (goal: under 2 s);
  best and median of 5 loads in a fresh page each;
- the page count of the PDF of a typical chat (the bundled 3-month sample).

A benchmark, not a test: the machine is shared, so figures are noisy.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whatsapp_parse import corpus_texts, generate  # noqa: E402

from cyclemap.analysis import analyze  # noqa: E402
from cyclemap.report import write_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TYPICAL = ROOT / "src" / "cyclemap" / "samples" / "WhatsApp Chat with Jordan.txt"


def chromium_load_seconds(url: str, runs: int = 5) -> list[float]:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, DESKTOP, chromium_path

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport=DESKTOP)
            started = time.perf_counter()
            page.goto(url, wait_until="load")
            page.evaluate("document.body.getBoundingClientRect().height")  # force layout
            times.append(time.perf_counter() - started)
            page.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--default-model", action="store_true", help="label with the default model, not --fast")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="also copy the big report into DIR, to look at")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        chat = Path(folder) / "WhatsApp Chat with Alex.txt"
        generate(chat, args.size, phrases=corpus_texts())
        started = time.perf_counter()
        doc = analyze(chat, fast=not args.default_model, cache=False, permutations=200)
        analysed = time.perf_counter() - started
        was_flagged = doc["safety"]["flagged"]
        doc["safety"]["flagged"] = False  # measure the full report (a flagged one leaves the map out)
        started = time.perf_counter()
        report = write_report(doc, Path(folder) / "report.html")
        rendered = time.perf_counter() - started
        size = report.stat().st_size
        print(f"{args.size:,} messages ({chat.stat().st_size / 2**20:.1f} MiB export); "
              f"{len(doc['episodes']):,} tense stretches (safety screen fired: {was_flagged}); analysis {analysed:.1f} s ({'default' if args.default_model else 'fast'} model)")
        print(f"  report.html: {size / 1e6:.2f} MB (goal < 5 MB), written in {rendered:.2f} s")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(report, args.keep / "report-100k.html")
        loads = chromium_load_seconds(report.as_uri())
        print(f"  Chromium load + layout: best {min(loads):.2f} s, median {statistics.median(loads):.2f} s "
              f"over {len(loads)} loads (goal < 2 s)")
        typical = analyze(TYPICAL, cache=False, permutations=200)
        typical["safety"]["flagged"] = False  # measure the full report's length, whatever the screen says
        pdf = write_report(typical, Path(folder) / "typical.pdf")
        from pypdf import PdfReader

        print(f"  PDF of {TYPICAL.name} ({typical['turns']} messages): {len(PdfReader(str(pdf)).pages)} pages, "
              f"{pdf.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
