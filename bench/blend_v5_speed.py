"""`cyclemap classify` on the speed benchmark's chat with blend.v1 and blend.v5 each as THE default
model, alternated (paired).

    .venv/bin/python bench/blend_v5_speed.py [--size 20000] [--rounds 2]

The same generated WhatsApp file as bench/classify_speed.py, label cache off, output to /dev/null, one
process (CYCLEMAP_PROCESSES=1). Each model runs as the default (a wrapper sets DEFAULT_MODEL before the
command starts), because the default mode has stages a model named with --model skips (the safety
encoder). The two take turns so that other programs' load falls on both alike. CPU seconds (user +
system) are the steadier figure on the shared 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import classify_speed  # noqa: E402
from whatsapp_parse import corpus_texts, generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "WhatsApp Chat with Alex.txt"
        generate(path, args.size, phrases=corpus_texts())
        env = dict(os.environ, CYCLEMAP_HOME=str(Path(folder) / "home"), CYCLEMAP_PROCESSES="1")
        wrapper = Path(folder) / "cyclemap-as-default"
        wrapper.write_text(
            f"#!{sys.executable}\nimport sys\nimport cyclemap.moves.registry as registry\n"
            "registry.DEFAULT_MODEL = sys.argv.pop(1)\nfrom cyclemap.cli import main\nmain()\n", encoding="utf-8"
        )
        wrapper.chmod(0o755)
        classify_speed.CYCLEMAP = wrapper
        for _ in range(args.rounds):
            for model in ("blend.v1", "blend.v5"):
                load = os.getloadavg()[0]
                seconds, rss, cpu = classify_speed.run([model, "classify", "--no-cache", str(path)], env)
                print(f"  {model}  {seconds:6.1f} s  {args.size / seconds:5.0f} turns/s  peak RSS {rss:5.0f} MiB"
                      f"  | CPU {cpu:5.1f} s  (load {load:.1f})", flush=True)


if __name__ == "__main__":
    main()
