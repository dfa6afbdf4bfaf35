"""Measure a fine-tuned safety encoder (train/train_safety_encoder.py) against the current screen.

    .venv/bin/python bench/safety_encoder_eval.py FOLDER [--epoch-file] [--json OUT] [--budget 0.05]

FOLDER holds model.int8.onnx, tokenizer.json and validation.npz (the training script's held-out
grouped fold of the TRAINING data). The encoder's per-flag bars are chosen on that fold only:

- ``alone``: the most flagged rows caught while the encoder's false alarms on the fold's hard
  negatives stay at or under the budget (5%);
- ``or``: the encoder OR the current screen, the most caught while the combination's false alarms
  on the fold's hard negatives stay at or under max(budget, the screen's own);
- ``avg``: the screen with the wording model's probabilities replaced by the mean of the wording
  model's and the encoder's (the wording model's rule and guards; bars for the mean chosen as for
  ``or``, on the fold's train_extra2 rows, which the shipped wording model v1 never saw).

Then every variant is read, per message, on corpus/safety/report.jsonl, report2.jsonl and the corpus
dev and test splits (never trained or tuned on here): recall of any flag, per flag, false alarms on
hard negatives and on all unflagged turns. The encoder reads each message alone (no context).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from safety_probs import load  # noqa: E402

from cyclemap.moves.registry import DEFAULT_MODEL  # noqa: E402
from cyclemap.safety import FLAGS, decide, scan  # noqa: E402
from cyclemap.safety_text import model as text_model  # noqa: E402
from cyclemap.safety_text import text_probabilities  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETS = ("corpus/safety/report.jsonl", "corpus/safety/report2.jsonl", "corpus/dev.jsonl", "corpus/test.jsonl")
GRID = np.round(np.arange(0.99, 0.04, -0.01), 2)


class OnnxSafetyEncoder:
    """The exported model read with ONNX Runtime and NumPy (what a shipped module would do)."""

    def __init__(self, folder: Path, max_tokens: int = 64) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(folder / "model.int8.onnx"), options,
                                                    providers=["CPUExecutionProvider"])

    def probabilities(self, texts: list[str], batch: int = 64) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), len(FLAGS)), np.float32)
        for start in range(0, len(order), batch):
            chosen = order[start:start + batch]
            width = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), width), np.int64)
            mask = np.zeros((len(chosen), width), np.int64)
            for row, i in enumerate(chosen):
                ids[row, :len(encodings[i].ids)] = encodings[i].ids
                mask[row, :len(encodings[i].ids)] = 1
            out[chosen] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


def choose_bars(probs: np.ndarray, gold: np.ndarray, hard: np.ndarray, base: np.ndarray, budget: float) -> np.ndarray:
    """Per-flag bars, lowered greedily (best catches per new false alarm) while the false alarms of
    ``base | any(probs >= bars)`` on hard negatives stay at or under max(budget, base's own)."""
    limit = max(budget, float(base[hard].mean()) if hard.any() else 0.0)
    return greedy_bars(probs, gold, hard, base, lambda made: made[hard].mean() <= limit)


def greedy_bars(probs: np.ndarray, gold: np.ndarray, hard: np.ndarray, base: np.ndarray,
                within: Callable[[np.ndarray], bool]) -> np.ndarray:
    """Per-flag bars (1.01: off) for ``base | any(probs >= bars)``, lowered one step at a time where it
    catches most per new false alarm on ``hard``, while ``within(fired)`` holds."""
    flagged = gold.any(1)
    bars = np.full(len(FLAGS), 1.01)

    def fired(b: np.ndarray) -> np.ndarray:
        return base | (probs >= b).any(1)

    current = fired(bars)
    while True:
        best = None
        for k in range(len(FLAGS)):
            for value in GRID[GRID < bars[k]]:
                trial = bars.copy()
                trial[k] = value
                made = fired(trial)
                if not within(made):
                    break
                gain = int((made & flagged).sum() - (current & flagged).sum())
                cost = int((made & hard).sum() - (current & hard).sum())
                if gain > 0 and (best is None or gain / (cost + 1) > best[0]):
                    best = (gain / (cost + 1), k, value)
        if best is None:
            return bars
        bars[best[1]] = best[2]
        current = fired(bars)


def figures(made_flags: list[set], rows) -> dict:
    gold = [set(r.gold) for r in rows]
    flagged = [i for i, g in enumerate(gold) if g]
    hard = [i for i, r in enumerate(rows) if r.hard_negative]
    clean = [i for i, g in enumerate(gold) if not g]
    out = {"recall": round(sum(bool(made_flags[i]) for i in flagged) / max(1, len(flagged)), 3),
           "fa_hard": round(sum(bool(made_flags[i]) for i in hard) / max(1, len(hard)), 3),
           "fa_all": round(sum(bool(made_flags[i]) for i in clean) / max(1, len(clean)), 3),
           "caught": sum(bool(made_flags[i]) for i in flagged), "flagged": len(flagged),
           "alarms": sum(bool(made_flags[i]) for i in hard), "hard": len(hard)}
    for k, flag in enumerate(FLAGS):
        idx = [i for i, g in enumerate(gold) if flag in g]
        out[flag] = round(sum(flag in made_flags[i] for i in idx) / max(1, len(idx)), 2) if idx else None
    return out


def screen_flags(rows, wording: np.ndarray | None, clear: list | None = None) -> list[set]:
    """The screen's flags per row; ``clear`` (a list) receives whether each row has a clear sign."""
    scans = [scan(r.text) for r in rows]
    out = []
    for i, (r, (h, g)) in enumerate(zip(rows, scans, strict=True)):
        if wording is None:
            flags, evidence = decide(h, g, r.probabilities)
        else:
            flags, evidence = decide(h, g, r.probabilities, text=r.text, text_probabilities=wording[i])
        out.append(set(flags))
        if clear is not None:
            clear.append(any(e.reason.endswith("(clear)") for e in evidence))
    return out


VETO_GRID = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)


def choose_veto(probs: np.ndarray, gold: np.ndarray, hard: np.ndarray, base: np.ndarray, clear: np.ndarray,
                budget: float) -> tuple[float, np.ndarray]:
    """``veto``: the screen's findings with only *possible* signs stand when the encoder's highest
    probability reaches the veto bar; the encoder adds its own (bars as for ``or``). The veto bar is the
    one of VETO_GRID that catches the most on the fold within max(budget, the screen's own false alarms)."""
    limit = max(budget, float(base[hard].mean()))
    best = None
    for veto in VETO_GRID:
        kept = base & (clear | (probs.max(1) >= veto))
        bars = choose_bars(probs, gold, hard, kept, limit)
        made = kept | (probs >= bars).any(1)
        caught, alarms = int((made & gold.any(1)).sum()), int((made & hard).sum())
        if best is None or (caught - alarms, -veto) > (best[0], -best[1]):
            best = (caught - alarms, veto, bars)
    assert best is not None
    return best[1], best[2]


def _as_jsonl(texts, gold, hard, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i, (t, g, h) in enumerate(zip(texts, gold, hard, strict=True)):
            handle.write(json.dumps({"conversation": f"val-{i}", "turn": 0, "speaker": "A", "text": str(t),
                                     "move": "neutral", "cue": None, "hard_negative": bool(h),
                                     "safety": [f for f, x in zip(FLAGS, g, strict=True) if x]}) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--epoch", help="validation column to choose bars on (default: the last)")
    parser.add_argument("--budget", type=float, default=0.05)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    encoder = OnnxSafetyEncoder(args.folder)
    wm = text_model()
    val = np.load(args.folder / "validation.npz")
    epochs = sorted(k for k in val.files if k.startswith("epoch"))
    column = args.epoch or epochs[-1]
    texts = [str(t) for t in val["texts"]]
    gold, hard, splits = val["gold"].astype(bool), val["hard"].astype(bool), val["splits"]
    # The int8 graph's reading of the fold (the bars must fit what ships, not torch's fp32).
    p_val = encoder.probabilities(texts)
    torch_diff = float(np.abs(p_val - val[column]).max())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "validation.jsonl"
        _as_jsonl(texts, gold, hard, path)
        vrows = load(path, DEFAULT_MODEL)
    w_val = text_probabilities(texts)
    clear_val: list = []
    base_val = np.array([bool(f) for f in screen_flags(vrows, w_val, clear_val)])
    none = np.zeros(len(texts), bool)
    bars = {"alone": choose_bars(p_val, gold, hard, none, args.budget),
            "or": choose_bars(p_val, gold, hard, base_val, args.budget)}
    veto, bars["veto"] = choose_veto(p_val, gold, hard, base_val, np.array(clear_val), args.budget)
    fresh = np.array([s == "train_extra2" for s in splits])
    # avg: the screen without the wording model, then the mean's bars on train_extra2 rows (unseen by v1)
    base_nowording = np.array([bool(f) for f in screen_flags(vrows, None)])
    avg_val = (p_val + w_val) / 2
    bars["avg"] = choose_bars(avg_val[fresh], gold[fresh], hard[fresh], base_nowording[fresh], args.budget)
    fold = {"column": column, "int8_vs_torch_max_abs_diff": round(torch_diff, 4),
            "veto_bar": veto, "bars": {k: dict(zip(FLAGS, v.round(2).tolist(), strict=True)) for k, v in bars.items()},
            "screen": figures([{"x"} if b else set() for b in base_val], vrows)}
    kept = base_val & (np.array(clear_val) | (p_val.max(1) >= veto))
    for name, b in (("alone", None), ("or", base_val), ("veto", kept)):
        made = (p_val >= bars[name]).any(1) | (b if b is not None else none)
        fold[name] = figures([{"x"} if m else set() for m in made], vrows)
    print(json.dumps(fold))
    report = {"validation": fold, "sets": {}}
    for name in SETS:
        rows = load(ROOT / name, DEFAULT_MODEL)
        rtexts = [r.text for r in rows]
        p = encoder.probabilities(rtexts)
        w = text_probabilities(rtexts)
        clear: list = []
        screen = screen_flags(rows, w, clear)
        enc_v = [{f for f, x, bar in zip(FLAGS, pr, bars["veto"], strict=True) if x >= bar} for pr in p]
        vetoed = [(s if (c or pr.max() >= veto) else set()) | e for s, c, pr, e in zip(screen, clear, p, enc_v, strict=True)]
        enc = [{f for f, x, bar in zip(FLAGS, pr, bars["alone"], strict=True) if x >= bar} for pr in p]
        enc_or = [{f for f, x, bar in zip(FLAGS, pr, bars["or"], strict=True) if x >= bar} for pr in p]
        ored = [s | e for s, e in zip(screen, enc_or, strict=True)]
        avg_bars = {**wm.bars, "bar": dict(zip(FLAGS, bars["avg"].tolist(), strict=True)),
                    "guarded": {f: min(1.01, b + 0.15) for f, b in zip(FLAGS, bars["avg"].tolist(), strict=True)}}
        scans = [scan(t) for t in rtexts]
        avg = [set(decide(h, g, r.probabilities, text=r.text, text_probabilities=(pr + wr) / 2, text_bars=avg_bars)[0])
               for r, (h, g), pr, wr in zip(rows, scans, p, w, strict=True)]
        result = {"screen": figures(screen, rows), "encoder": figures(enc, rows), "screen_or_encoder": figures(ored, rows),
                  "screen_avg_wording": figures(avg, rows), "screen_veto_or_encoder": figures(vetoed, rows)}
        report["sets"][name] = result
        print(name)
        for variant, f in result.items():
            per = " ".join(f"{flag} {f[flag]}" for flag in FLAGS if f[flag] is not None)
            print(f"  {variant:20s} recall {f['recall']:.3f} ({f['caught']}/{f['flagged']})  FA hard {f['fa_hard']:.3f} "
                  f"({f['alarms']}/{f['hard']})  FA all {f['fa_all']:.3f}  | {per}")
        if args.show_errors and "report" in name:
            for r, s, o in zip(rows, screen, ored, strict=True):
                if o and not s:
                    print(f"    {'NEW CATCH' if r.gold else 'NEW ALARM'} {','.join(sorted(o))} | {r.text[:120]}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
