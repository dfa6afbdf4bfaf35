"""Choose the safety encoder's bars (data/safety-encoder-v1.json) on the int8 graph's own outputs.

    .venv/bin/python bench/safety_encoder_bars.py FOLD.npz [--write] [--seeds 3] [--version v2] [--folder DIR]

``FOLD.npz``: the grouped fold that ``train/train_safety_encoder.py`` held out and wrote as
``OUT/validation.npz`` (texts, gold flags, hard negatives, source split) — the encoder never trained on
it. The tuning pool is that fold plus ``corpus/safety/report.jsonl`` and ``report2.jsonl`` (never trained
on; tuning sets since 2026-11-26). The screen runs as in the default mode; the encoder adds its findings
only on turns the screen left unflagged that pass its gate (``safety_encoder.py``), so a bar only adds
catches. Per flag, bars are lowered greedily (most catches per new false alarm) while each pool file's
false alarms on hard negatives stay at or under max(4%, the screen's own without the encoder).

Prints grouped cross-validated figures (5 folds, the fold's groups: a train_extra2 line with its
variants, a corpus conversation, a tuning line; a report line is its own group; ``--seeds`` repeats),
then the bars chosen on the whole pool and the figures on every set with them; ``--write`` stores them.
Never reads corpus/blind or corpus/report3.

An encoder trained on part of the report sets (``safety_encoder.v2``, ``--with-report``) holds out the rest
of their lines in its fold (rows whose split is ``report``/``report2``): the pool is then that fold alone,
never a report line it trained on. ``--version``/``--folder`` read another encoder than the shipped one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "train"))

import safety_screen  # noqa: E402
from safety_encoder_eval import greedy_bars  # noqa: E402  (one search for both benches)
from safety_probs import load  # noqa: E402

from cyclemap.moves.registry import DEFAULT_MODEL  # noqa: E402
from cyclemap.safety import FLAGS  # noqa: E402
from cyclemap.safety_encoder import SafetyEncoder, encoder  # noqa: E402
from cyclemap.safety_encoder import settings as shipped_settings  # noqa: E402
from cyclemap.safety_lexicon import lexicon  # noqa: E402
from cyclemap.safety_text import text_probabilities  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POOL = ("fold", "corpus/safety/report.jsonl", "corpus/safety/report2.jsonl")
CHECK = ("corpus/safety/tuning.jsonl", "corpus/dev.jsonl", "corpus/test.jsonl", "corpus/heldout/safety.jsonl")
BUDGET = 0.04


def _fold_jsonl(npz: Path, out: Path) -> list[str]:
    """The fold as a labelled JSONL file (each message its own conversation) and each row's CV group."""
    from safety_groups import group

    val = np.load(npz)
    extra2 = {}
    for line in (ROOT / "corpus/safety/train_extra2.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        extra2.setdefault(r["text"], group({**r, "split": "train_extra2"}))
    split_of = {}
    for line in (ROOT / "corpus/train.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        split_of.setdefault(r["text"], f"train:{r['conversation']}")
    groups = []
    with out.open("w", encoding="utf-8") as handle:
        for i, (t, g, h, s) in enumerate(zip(val["texts"], val["gold"], val["hard"], val["splits"], strict=True)):
            text = str(t)
            handle.write(json.dumps({"conversation": f"fold-{i}", "turn": 0, "speaker": "A", "text": text, "move": "neutral",
                                     "cue": None, "hard_negative": bool(h),
                                     "safety": [f for f, x in zip(FLAGS, g, strict=True) if x]}) + "\n")
            groups.append(f"te2:{extra2.get(text, i)}" if s == "train_extra2" else split_of.get(text, f"{s}:{i}"))
    return groups


MODEL: list = []  # --folder: the encoder to read instead of the shipped one


def signals(path: Path, groups: list[str] | None = None) -> dict:
    """Per row: gold, hard negative, the screen's flags without the encoder, the gate, the encoder's row."""
    rows = load(path, DEFAULT_MODEL)
    texts = [r.text for r in rows]
    safety_screen.ENCODER = False
    base = np.array([bool(flags) for flags, _ in safety_screen.screen(rows)])
    safety_screen.ENCODER = True
    model = MODEL[0] if MODEL else encoder()
    assert model is not None, "no safety encoder installed"
    wording = text_probabilities(texts)
    scan = lexicon().scan
    gate = np.array([model.gated(w, r.probabilities, any(scan(r.text))) for r, w in zip(rows, wording, strict=True)])
    return {"gold": np.array([[f in r.gold for f in FLAGS] for r in rows]), "hard": np.array([r.hard_negative for r in rows]),
            "base": base, "gate": gate, "enc": model.probabilities(texts),
            "groups": np.array(groups if groups is not None else [f"{path.name}:{r.conversation}" for r in rows])}


def choose(p: np.ndarray, gold: np.ndarray, hard: np.ndarray, source: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Per-flag bars (1.01: off), lowered greedily while each source's hard-negative false alarms stay in budget."""
    limits = {s: max(BUDGET, float(base[(source == s) & hard].mean())) for s in np.unique(source) if ((source == s) & hard).any()}
    return greedy_bars(p, gold, hard, base,
                       lambda made: all(made[(source == s) & hard].mean() <= limit for s, limit in limits.items()))


def made(d: dict, bars: np.ndarray) -> np.ndarray:
    return d["base"] | ((d["enc"] >= bars).any(1) & d["gate"])


def line(name: str, d: dict, flags: np.ndarray) -> str:
    g, h = d["gold"].any(1), d["hard"]
    return (f"  {name:34s} recall {flags[g].mean():.3f} ({flags[g].sum()}/{g.sum()})  FA hard {flags[h].mean():.3f} "
            f"({flags[h].sum()}/{h.sum()})  FA all unflagged {flags[~g].mean():.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fold", type=Path)
    parser.add_argument("--write", action="store_true", help="store the bars in data/safety-encoder-v1.json")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--version", help="which data/safety-encoder-VERSION.json to write (default: the shipped one)")
    parser.add_argument("--folder", type=Path, help="read this encoder folder instead of the shipped one")
    args = parser.parse_args(argv)
    import cyclemap.safety_encoder as module

    version = args.version or module.VERSION
    if args.folder:
        config = shipped_settings() or json.loads((ROOT / f"src/cyclemap/data/safety-encoder-{version}.json").read_text("utf-8"))
        MODEL.append(SafetyEncoder(args.folder, config))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fold.jsonl"
        groups = _fold_jsonl(args.fold, path)
        data = {"fold": signals(path, groups)}
    # A fold holding report lines comes from an encoder trained on the others: they stay out of the pool.
    reports_in_fold = bool(set(np.load(args.fold)["splits"].tolist()) & {"report", "report2"})
    for name in (() if reports_in_fold else POOL[1:]) + CHECK:
        if (ROOT / name).exists():
            data[name] = signals(ROOT / name)
    pool = [n for n in POOL if n in data]
    cat = {k: np.concatenate([np.where(data[n]["gate"][:, None], data[n]["enc"], 0.0) if k == "enc" else data[n][k]
                              for n in pool]) for k in ("gold", "hard", "base", "enc", "groups")}
    source = np.concatenate([[n] * len(data[n]["gold"]) for n in pool])
    print("grouped cross-validation (bars chosen on four folds, read on the fifth), screen -> screen + encoder:")
    totals = {n: np.zeros(4, int) for n in pool}
    for seed in range(args.seeds):
        unique = np.unique(cat["groups"])
        assign = dict(zip(unique, np.random.default_rng(seed).integers(0, 5, len(unique)), strict=True))
        fold = np.array([assign[g] for g in cat["groups"]])
        fired = np.zeros(len(source), bool)
        for k in range(5):
            train, test = fold != k, fold == k
            bars = choose(cat["enc"][train], cat["gold"][train], cat["hard"][train], source[train], cat["base"][train])
            fired[test] = cat["base"][test] | (cat["enc"][test] >= bars).any(1)
        for n in pool:
            s = source == n
            g, h = cat["gold"][s].any(1), cat["hard"][s]
            totals[n] += [fired[s][g].sum(), g.sum(), fired[s][h].sum(), h.sum()]
    for n in pool:
        d = data[n]
        caught, flagged, alarms, hard = totals[n]
        print(line(n + " (screen)", d, d["base"]))
        print(f"  {n + ' (CV, ' + str(args.seeds) + ' seeds)':34s} recall {caught / flagged:.3f}  FA hard {alarms / hard:.3f}")
    bars = choose(cat["enc"], cat["gold"], cat["hard"], source, cat["base"])
    print("bars on the whole pool:", dict(zip(FLAGS, bars.round(2).tolist(), strict=True)))
    for n, d in data.items():
        print(line(n + " (screen)", d, d["base"]))
        print(line(n + " (+ encoder)", d, made(d, bars)))
        print(f"  {'':34s} gate passes {(d['gate'] & ~d['base']).mean():.3f} of turns the screen left unflagged")
    if args.write:
        target = ROOT / f"src/cyclemap/data/safety-encoder-{version}.json"
        settings = json.loads(target.read_text(encoding="utf-8"))
        settings["bar"] = dict(zip(FLAGS, [float(b) for b in bars.round(2)], strict=True))
        target.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        print(f"written to {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
