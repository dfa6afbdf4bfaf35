"""Grouped cross-validation of the safety encoder's rules: its gate, its bars, and a veto (issue 7, S7).

    .venv/bin/python bench/safety_signals.py /tmp/sig [--encoder v2=DIR ...]     # once: every reading, per row
    .venv/bin/python bench/safety_veto.py /tmp/sig [--encoder v1] [--pool fold,report,report2] [--seeds 3]

Rules searched (on the rows written by ``bench/safety_signals.py``):

- **gate**: which unflagged turns the encoder reads (a lexicon match, the wording model at ``w``, or at
  ``w2`` with the move model at ``m``); the wider, the more it can add and the more it costs;
- **bars**: per flag, chosen greedily (most catches per new false alarm) while each pool file's false alarms
  on hard negatives stay at or under max(4%, the screen's own), as ``bench/safety_encoder_bars.py`` does;
- **veto**: a turn whose every flag was raised by the move or wording model alone (no lexicon hit of that
  flag) is dropped when the encoder's highest probability is under a bar chosen on the training folds
  (most catches less two per hard-negative false alarm), optionally only for messages of N words or more
  (a short turn's danger is often carried by its context, which the encoder does not see).

Per setting: the cross-validated figures on the pool (5 grouped folds, ``--seeds`` shuffles), then the
bars chosen on the whole pool read on the check sets (tuning, dev, test, heldout; never corpus/blind or
corpus/report3), with the share of turns the encoder must read (gate + veto: its cost).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from safety_encoder_eval import greedy_bars as greedy  # noqa: E402  (one bar search for every bench)

CHECK = ("tuning", "dev", "test", "heldout")


def gate(d: dict, w1: float, w2: float, m2: float) -> np.ndarray:
    lexicon = d["lex_clear"].any(1) | d["lex_possible"].any(1) | d["held"]
    w, m = d["wording"].max(1), d["move"].max(1)
    return lexicon | (w >= w1) | ((w >= w2) & (m >= m2))


LONE_ONLY = False  # --lone-only: veto only turns the move model read with no earlier turn


def model_only(d: dict, min_words: int) -> np.ndarray:
    """Turns whose every flag was raised by the move or wording model alone (no lexicon hit of that flag)."""
    backed = d["base"] & (d["lex_clear"] | d["lex_possible"])
    words = np.array([len(t.split()) for t in d["texts"]])
    found = d["base"].any(1) & ~backed.any(1) & (words >= min_words)
    return found & d["lone"] if LONE_ONLY else found


class Rule:
    def __init__(self, data: dict[str, dict], pool: list[str], enc: str, gate_at: tuple[float, float, float],
                 vetoes: list[float], min_words: int, budget: float = 0.04, respend: bool = False, slack: float = 0.0) -> None:
        self.data, self.pool, self.enc, self.gate_at = data, pool, enc, gate_at
        self.vetoes, self.min_words, self.budget, self.respend = vetoes, min_words, budget, respend
        self.slack = slack

        def cat(f: Callable[[dict], np.ndarray]) -> np.ndarray:
            return np.concatenate([f(data[n]) for n in pool])

        self.gates = cat(lambda d: gate(d, *gate_at))
        self.p = cat(lambda d: d[enc])
        self.vetoable = cat(lambda d: model_only(d, min_words))
        self.gold, self.hard, self.groups = cat(lambda d: d["gold"]), cat(lambda d: d["hard"]), cat(lambda d: d["groups"])
        self.base = cat(lambda d: d["base"].any(1))
        self.source = np.concatenate([[n] * len(data[n]["gold"]) for n in pool])

    def fit(self, idx: np.ndarray) -> tuple[float, np.ndarray]:
        best = None
        for veto in self.vetoes:
            base = self.base[idx] & ~(self.vetoable[idx] & (self.p[idx].max(1) < veto))
            p = np.where((~base & self.gates[idx])[:, None], self.p[idx], 0.0)
            source, hard = self.source[idx], self.hard[idx]
            # respend: the false alarms a veto removes may be spent again by the encoder's own findings
            own = self.base[idx] if self.respend else base
            limits = {s: max(self.budget, float(own[(source == s) & hard].mean()) + self.slack) for s in np.unique(source)}
            bars = greedy(p, self.gold[idx], hard, base,
                          lambda made: all(made[(source == s) & hard].mean() <= lim for s, lim in limits.items()))
            made = base | (p >= bars).any(1)
            score = int(made[self.gold[idx].any(1)].sum()) - 2 * int(made[hard].sum())
            if best is None or score > best[0]:
                best = (score, veto, bars)
        assert best is not None
        return best[1], best[2]

    def apply(self, d: dict, veto: float, bars: np.ndarray) -> tuple[np.ndarray, float]:
        """(flagged per row, share of turns the encoder reads) for one signals file."""
        vetoable = model_only(d, self.min_words)
        base = d["base"].any(1) & ~(vetoable & (d[self.enc].max(1) < veto))
        gates = gate(d, *self.gate_at) & ~d["base"].any(1)
        made = base | (gates & (d[self.enc] >= bars).any(1))
        return made, float((gates | (vetoable if veto > 0 else False)).mean())

    def cross_validate(self, seeds: int) -> dict[str, np.ndarray]:
        totals = {n: np.zeros(4, int) for n in self.pool}
        idx_all = np.arange(len(self.source))
        for seed in range(seeds):
            unique = np.unique(self.groups)
            assign = dict(zip(unique, np.random.default_rng(seed).integers(0, 5, len(unique)), strict=True))
            fold = np.array([assign[g] for g in self.groups])
            fired = np.zeros(len(self.source), bool)
            for k in range(5):
                train, test = idx_all[fold != k], idx_all[fold == k]
                veto, bars = self.fit(train)
                base = self.base[test] & ~(self.vetoable[test] & (self.p[test].max(1) < veto))
                fired[test] = base | (self.gates[test] & ~base & (self.p[test] >= bars).any(1))
            for n in self.pool:
                s = self.source == n
                g, h = self.gold[s].any(1), self.hard[s]
                totals[n] += [fired[s][g].sum(), g.sum(), fired[s][h].sum(), h.sum()]
        return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("signals", type=Path)
    parser.add_argument("--encoder", default="v1")
    parser.add_argument("--pool", default="fold,report,report2")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--gates", default="0.5/0.2/0.4,0.3/0.1/0.3,0.2/0.1/0.2,0/0/0")
    parser.add_argument("--vetoes", default="0;0,0.02,0.05,0.1,0.2,0.3,0.5")
    parser.add_argument("--min-words", default="0,6")
    parser.add_argument("--respend", action="store_true", help="budget: the screen's own false alarms before the veto")
    parser.add_argument("--slack", type=float, default=0.0, help="false alarms the encoder may add (share of hard negatives)")
    parser.add_argument("--lone-only", action="store_true", help="veto only turns read with no earlier turn")
    args = parser.parse_args(argv)
    global LONE_ONLY
    LONE_ONLY = args.lone_only
    names = {p.stem for p in args.signals.glob("*.npz")}
    data = {n: dict(np.load(args.signals / f"{n}.npz")) for n in names}
    pool = [n for n in args.pool.split(",") if n in data]
    for gate_text in args.gates.split(","):
        gate_at = tuple(float(x) for x in gate_text.split("/"))
        for veto_text in args.vetoes.split(";"):
            vetoes = [float(x) for x in veto_text.split(",")]
            for min_words in ([0] if vetoes == [0.0] else [int(x) for x in args.min_words.split(",")]):
                rule = Rule(data, pool, f"enc_{args.encoder}", gate_at, vetoes, min_words, respend=args.respend, slack=args.slack)  # type: ignore[arg-type]
                totals = rule.cross_validate(args.seeds)
                veto, bars = rule.fit(np.arange(len(rule.source)))
                print(f"gate {gate_text} veto {veto_text} (words>={min_words}): CV " + "  ".join(
                    f"{n} {t[0] / t[1]:.3f}/{t[2] / t[3]:.3f}" for n, t in totals.items()))
                checks = []
                for n in CHECK:
                    if n in data:
                        d = data[n]
                        made, read = rule.apply(d, veto, bars)
                        g, h = d["gold"].any(1), d["hard"]
                        checks.append(f"{n} {made[g].mean():.3f}/{made[h].mean():.3f}/{made[~g].mean():.3f} read {read:.3f}")
                print(f"    whole pool: veto {veto} bars {bars.round(2).tolist()} | " + " | ".join(checks), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
