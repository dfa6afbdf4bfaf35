"""Measure lexicon changes (new families, new guards) set by set, and decide each by leave-one-set-out.

    .venv/bin/python bench/safety_families_cv.py CANDIDATES.json [--fast] [--show]

``CANDIDATES.json`` holds ``{"families": [...], "guards": {...}, "attach": {guard: [family ids]},
"context_guards": [...], "replace_families": {id: family}, "variants": {name: {"families": [...], "guards": {...}}}}``; each top-level candidate (a family, or a guard with the
families it is attached to) is added alone to the shipped lexicon (``data/safety_patterns.json``) and the
screen re-run exactly as ``bench/safety_screen.py`` runs it (the move model's cached readings, the wording
model, the safety encoder and its veto in the default mode) on every set the team may tune on:
corpus/safety/{tuning,report,report2,train_extra,train_extra2}.jsonl and the corpus dev/test/heldout splits
(``--with-train``: the train split too; never corpus/blind or corpus/report3). Per candidate and set: flagged turns newly caught / lost, hard
negatives newly flagged / cleared (all unflagged turns for the corpus splits).

Leave one set out: a candidate is kept for a held-out set when, on the OTHER sets, it catches more than it
loses and adds no net false alarm; the held-out set's figure under those choices is then read.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import safety_screen  # noqa: E402
from safety_probs import load  # noqa: E402

import cyclemap.safety_lexicon as SL  # noqa: E402
from cyclemap.moves.labeller import FAST  # noqa: E402
from cyclemap.moves.registry import DEFAULT_MODEL  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETS = {"tuning": "corpus/safety/tuning.jsonl", "report": "corpus/safety/report.jsonl",
        "report2": "corpus/safety/report2.jsonl", "extra": "corpus/safety/train_extra.jsonl",
        "extra2": "corpus/safety/train_extra2.jsonl", "dev": "corpus/dev.jsonl", "test": "corpus/test.jsonl",
        "heldout": "corpus/heldout/safety.jsonl"}
if "--with-train" in sys.argv:  # the corpus train split too (slow the first time: the move model reads it)
    SETS["train"] = "corpus/train.jsonl"


def shipped() -> dict:
    return json.loads((ROOT / "src/cyclemap/data/safety_patterns.json").read_text(encoding="utf-8"))


def use(data: dict) -> None:
    """Make ``data`` the lexicon every module of the screen reads."""
    lex = SL.compile_lexicon(data)

    def patched() -> SL.Lexicon:
        return lex

    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "lexicon", None) is not None and module.__name__.startswith("cyclemap"):
            if callable(module.lexicon) and getattr(module.lexicon, "__name__", "") in ("lexicon", "patched"):
                module.lexicon = patched


def run(rows_by_set: dict, data: dict) -> dict[str, list[bool]]:
    use(data)
    return {name: [bool(flags) for flags, _ in safety_screen.screen(rows)] for name, rows in rows_by_set.items()}


def with_candidate(base: dict, cands: dict, kind: str, key: str) -> dict:
    data = copy.deepcopy(base)
    for name, guard in cands.get("support_guards", {}).items():  # guards a candidate family names
        data["guards"].setdefault(name, guard)
    if kind == "family":
        fam = next(f for f in cands["families"] if f["id"] == key)
        data["families"].append(fam)
        data["gate"]["words"] = sorted(set(data["gate"]["words"]) | set(fam.get("gate_words", [])))
    elif kind == "replace":
        fam = cands["replace_families"][key]
        data["families"] = [fam if f["id"] == fam["id"] else f for f in data["families"]]
        data["gate"]["words"] = sorted(set(data["gate"]["words"]) | set(fam.get("gate_words", [])))
    elif kind == "variant":  # several families or guards replaced at once (a guard's words narrowed ...)
        spec = cands["variants"][key]
        for fam in spec.get("families", []):
            data["families"] = [fam if f["id"] == fam["id"] else f for f in data["families"]]
        data["guards"].update(spec.get("guards", {}))
    else:
        data["guards"][key] = cands["guards"][key]
        for f in data["families"]:
            if f["id"] in cands.get("attach", {}).get(key, []) and key not in f["guards"]:
                f["guards"].append(key)
        if key in cands.get("context_guards", []):
            data["context_guards"].append(key)
    for f in data["families"]:
        f.pop("gate_words", None)
    return data


def delta(rows, before: list[bool], after: list[bool]) -> tuple[int, int, int, int]:
    caught = sum(1 for r, b, a in zip(rows, before, after, strict=True) if r.gold and a and not b)
    lost = sum(1 for r, b, a in zip(rows, before, after, strict=True) if r.gold and b and not a)
    neg = [(r, b, a) for r, b, a in zip(rows, before, after, strict=True) if not r.gold]
    fa_up = sum(1 for _, b, a in neg if a and not b)
    fa_down = sum(1 for _, b, a in neg if b and not a)
    return caught, lost, fa_up, fa_down


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", type=Path)
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--show", action="store_true", help="print each changed turn")
    parser.add_argument("--only", nargs="*", help="candidate keys to measure")
    parser.add_argument("--with-train", action="store_true", help="also the corpus train split")
    args = parser.parse_args(argv)
    safety_screen.ENCODER = not args.fast
    model = FAST if args.fast else DEFAULT_MODEL
    rows_by_set = {n: load(ROOT / p, model) for n, p in SETS.items() if (ROOT / p).exists()}
    cands = json.loads(args.candidates.read_text(encoding="utf-8"))
    base = shipped()
    run(rows_by_set, base)  # once to warm every lazy import and memo: the first run reads a few turns differently
    before = run(rows_by_set, base)
    keys = [("family", f["id"]) for f in cands.get("families", [])] + \
           [("replace", k) for k in cands.get("replace_families", {})] + [("guard", g) for g in cands.get("guards", {})] + \
        [("variant", v) for v in cands.get("variants", {})]
    if args.only:
        keys = [k for k in keys if k[1] in args.only]
    table: dict[str, dict[str, tuple[int, int, int, int]]] = {}
    for kind, key in keys:
        after = run(rows_by_set, with_candidate(base, cands, kind, key))
        table[key] = {}
        for name, rows in rows_by_set.items():
            table[key][name] = d = delta(rows, before[name], after[name])
            if args.show:
                for r, b, a in zip(rows, before[name], after[name], strict=True):
                    if a != b:
                        tag = ("+CATCH" if a else "-LOST") if r.gold else ("+FA" if a else "-FA")
                        print(f"  {key:24s} {name:8s} {tag:6s} {r.text[:120]}")
        cells = "  ".join(f"{n} +{c}/-{l} fa+{u}/-{d}" for n, (c, l, u, d) in table[key].items() if any((c, l, u, d)))
        print(f"{kind:7s} {key:26s} {cells or 'no change'}", flush=True)
    print("\nleave one set out (kept when the other sets gain catches and no net false alarm):")
    for held_out in rows_by_set:
        kept = []
        for key, per in table.items():
            others = [v for n, v in per.items() if n != held_out]
            gain = sum(c - l for c, l, _, _ in others)
            fa = sum(u - d for _, _, u, d in others)
            if (gain > 0 and fa <= 0) or (gain >= 0 and fa < 0):
                kept.append(key)
        c, l, u, d = (sum(table[k][held_out][i] for k in kept) for i in range(4))
        print(f"  {held_out:8s} kept {len(kept)}/{len(table)}: caught +{c} -{l}, false alarms +{u} -{d}  ({', '.join(kept)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
