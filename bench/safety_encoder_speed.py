"""Benchmark: what share of `cyclemap classify` (default mode) the safety encoder's pass costs.

    .venv/bin/python bench/safety_encoder_speed.py [--size 20000] [--no-spelling]

Writes the same WhatsApp chat as ``bench/classify_speed.py`` (messages drawn from the corpus),
runs ``cyclemap classify --no-cache`` in-process and times, in CPU seconds, the whole command and the
encoder's pass (``safety_encoder.add_findings``: the repair of slips, the gate and the reading of the texts
that pass it).
On a shared machine wall-clock figures swing with the others' load; the encoder's *share* of the CPU
time much less, so it is the figure to read: turns/s with the encoder ~= turns/s without / (1 + share).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whatsapp_parse import corpus_texts, generate  # noqa: E402



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--no-spelling", action="store_true", help="without the repair of slips (safety_spelling)")
    args = parser.parse_args()
    texts = corpus_texts()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "WhatsApp Chat with Alex.txt"
        generate(path, args.size, phrases=texts)
        os.environ["CYCLEMAP_HOME"] = str(Path(folder) / "home")
        import cyclemap.moves.labeller as labeller
        import cyclemap.safety_encoder as safety_encoder
        from click.testing import CliRunner

        from cyclemap.cli import main as cli

        spent = {"cpu": 0.0, "read": 0, "flagged": 0}
        add_findings = safety_encoder.add_findings
        probabilities = safety_encoder.SafetyEncoder.probabilities

        def counting(self, batch, *a, **k):  # noqa: ANN001, ANN202
            spent["read"] += len(batch)
            return probabilities(self, batch, *a, **k)

        def timed(items, screened, *a, **k):  # noqa: ANN001, ANN202
            started = time.process_time()
            out = add_findings(items, screened, *a, **k)
            spent["cpu"] += time.process_time() - started
            spent["flagged"] += sum(1 for before, after in zip(screened, out, strict=True) if before != after)
            return out

        safety_encoder.SPELLING = not args.no_spelling
        safety_encoder.SafetyEncoder.probabilities = counting
        labeller.add_encoder_findings = timed
        load = os.getloadavg()[0]
        started = time.process_time()
        result = CliRunner().invoke(cli, ["classify", "--no-cache", str(path)])
        total = time.process_time() - started
        if result.exit_code != 0:
            raise SystemExit(f"classify failed: {result.output[-400:]}")
    print(f"{args.size:,} turns (load {load:.1f} on 2 cores: noisy): command {total:.1f} CPU s; encoder pass "
          f"{spent['cpu']:.2f} s = {100 * spent['cpu'] / total:.1f}% (model loading included); texts read "
          f"{spent['read']:,} ({100 * spent['read'] / args.size:.1f}% of turns); turns it flagged {spent['flagged']:,}")


if __name__ == "__main__":
    main()
