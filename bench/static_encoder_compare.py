"""Compare encoder variants (ONNX files) with the shipped encoder.v1, paired, on the same batches.

    .venv/bin/python bench/static_encoder_compare.py VARIANT.onnx [...] [--speed 20000] [--no-score]

For each variant (``train/export_static_encoder.py`` writes them; "shipped" is encoder.v1's own
file): how close its vectors are to encoder.v1's on the dev split, macro-F1 of the encoder alone
and of blend.v1's recipe on it (dev, held-out chat, held-out speech; the whole file encoded in one
call, as ``eval`` does), how many dev moves (blend) change when the same turns are encoded one
conversation per call or one turn per call, whether vectors are byte-identical alone and in a
batch of 64, and the CPU seconds of ``TurnEncoder.encode`` on the first N turns of the speed
benchmark's generated chat (CPU time of all threads; the machine is shared, wall time is noisier).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "train"))
sys.path.insert(0, str(ROOT / "bench"))

from cyclemap.evaluation.metrics import score  # noqa: E402
from cyclemap.moves.classes import CLASSES, MOVES, move_probabilities  # noqa: E402
from cyclemap.moves.context import context_features  # noqa: E402
from cyclemap.moves.encoder import EncoderModel  # noqa: E402
from cyclemap.moves.shipped import BlendModel  # noqa: E402
from train_fast import load  # noqa: E402

SHIPPED = ROOT / "src" / "cyclemap" / "moves" / "weights" / "encoder-v1"
FILES = {"dev": ROOT / "corpus" / "dev.jsonl", "held-out chat": ROOT / "corpus" / "heldout" / "moves-chat.jsonl",
         "held-out speech": ROOT / "corpus" / "heldout" / "moves-speech.jsonl"}


def candidate(onnx_file: Path) -> EncoderModel:
    """encoder.v1's tokenizer, head and meta around another ONNX file (a temporary folder)."""
    if onnx_file.resolve() == (SHIPPED / "encoder.int8.onnx").resolve():
        return EncoderModel(weights=str(SHIPPED)).fit()
    folder = Path(tempfile.mkdtemp(prefix="q9-"))
    for name in ("tokenizer.json", "head.npz", "meta.json"):
        os.symlink(SHIPPED / name, folder / name)
    os.symlink(onnx_file.resolve(), folder / "encoder.int8.onnx")
    return EncoderModel(weights=str(folder)).fit()


def speed_texts(count: int) -> list[str]:
    from whatsapp_parse import corpus_texts, generate

    from cyclemap.ingest import read_turns

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chat.txt"
        generate(path, count, phrases=corpus_texts())
        return [t.text for t in read_turns(path, "auto")][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="+", type=Path)
    parser.add_argument("--speed", type=int, default=0, help="also time encode() on this many bench-chat turns")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-score", action="store_true")
    args = parser.parse_args()
    blend = BlendModel().fit()
    width = len(CLASSES)
    data = {}
    for label, path in FILES.items():
        turns, labels = load(path)
        fast = np.concatenate([r[:, :width] for r in blend.fast_.predict_rows([(t, range(len(t))) for t in turns])])
        data[label] = (turns, [str(x.move) for row in labels for x in row], [context_features(t) for t in turns], fast)
    reference = blend.encoder_.encoder_.encode([x.text for t in data["dev"][0] for x in t])
    texts = speed_texts(args.speed) if args.speed else []

    def read(model: EncoderModel, label: str, how: str = "whole") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        turns, _, features, fast = data[label]
        conversations = [[x.text for x in t] for t in turns]
        if how == "whole":
            flat = model.encoder_.encode([s for c in conversations for s in c])
            cut = np.cumsum([0] + [len(c) for c in conversations])
            vectors = [flat[a:b] for a, b in zip(cut[:-1], cut[1:], strict=True)]
        elif how == "conversation":
            vectors = [model.encoder_.encode(c) for c in conversations]
        else:
            vectors = [model.encoder_.encode(c, batch=1) for c in conversations]
        deep = np.concatenate([model.head_(v, f)[0] for v, f in zip(vectors, features, strict=True)])
        mixed = (blend.weight_ * deep + (1 - blend.weight_) * fast) ** blend.SHARPEN
        return (move_probabilities(deep).argmax(1), move_probabilities(mixed / mixed.sum(1, keepdims=True)).argmax(1),
                np.concatenate(vectors))

    for variant in args.variants:
        model = candidate(variant)
        size = variant.stat().st_size / 2**20
        print(f"== {variant} ({size:.1f} MiB)", flush=True)
        if not args.no_score:
            for label in FILES:
                gold = data[label][1]
                alone, mixed, vectors = read(model, label)
                line = f"  {label:16s} encoder {score(gold, [MOVES[i] for i in alone]).macro_f1:.4f}  blend {score(gold, [MOVES[i] for i in mixed]).macro_f1:.4f}"
                if label == "dev":
                    cos = (vectors * reference).sum(1) / np.linalg.norm(vectors, axis=1) / np.linalg.norm(reference, axis=1)
                    line += f"  cos to encoder.v1 mean {cos.mean():.5f} min {cos.min():.4f}"
                    whole = (mixed, vectors)
                print(line, flush=True)
            for how in ("conversation", "turn"):
                _, mixed, vectors = read(model, "dev", how)
                same = int((vectors == whole[1]).all(1).sum())
                print(f"  dev one {how} per call: blend moves unlike whole-file {int((mixed != whole[0]).sum())} of {len(mixed)}; "
                      f"vectors byte-identical {same} of {len(vectors)}", flush=True)
        for _ in range(args.repeat if texts else 0):
            load1 = os.getloadavg()[0]
            started, wall = time.process_time(), time.perf_counter()
            model.encoder_.encode(texts)
            print(f"  encode {len(texts)} bench-chat turns: CPU {time.process_time() - started:.1f} s, "
                  f"wall {time.perf_counter() - wall:.1f} s (load {load1:.2f})", flush=True)


if __name__ == "__main__":
    main()
