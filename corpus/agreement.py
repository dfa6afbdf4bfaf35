"""The second, independent labelling pass and the agreement between the two passes.

    python3 corpus/agreement.py select      # write blind copies of the sample to corpus/agreement/blind/
    python3 corpus/agreement.py compare     # kappa and macro-F1 between the passes; list disagreements

The sample is a fixed set of whole conversations spread over every author
(picked by a hash of the id, so it does not depend on who wrote first). The
second coders see the same conversations with every label replaced by `?`,
and fill them in by the codebook without seeing the first pass. `compare`
aligns the passes turn by turn, reports the agreement on moves, cues and
safety flags, and writes every disagreement with its context to
`corpus/agreement/disagreements.md` for adjudication. The adjudicated labels
(`corpus/agreement/adjudicated.tsv`) are what the corpus finally carries.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

from build import Conversation, read_source, read_tree  # noqa: E402

from cyclemap.evaluation.metrics import cohen_kappa, score  # noqa: E402

AGREEMENT = ROOT / "agreement"
BLIND = AGREEMENT / "blind"
SECOND = AGREEMENT / "second"
TARGET_TURNS = 1150
PER_FILE = 12


def _rank(conversation_id: str) -> str:
    return hashlib.sha256(f"agreement:{conversation_id}".encode()).hexdigest()


def select(conversations: list[Conversation], target: int = TARGET_TURNS) -> list[Conversation]:
    """Whole conversations, round-robin over authors in hash order, until ``target`` turns."""
    by_author: dict[str, list[Conversation]] = defaultdict(list)
    for conversation in conversations:
        by_author[conversation.id.split("-")[0]].append(conversation)
    queues = {author: sorted(items, key=lambda c: _rank(c.id)) for author, items in sorted(by_author.items())}
    chosen: list[Conversation] = []
    total = 0
    while total < target and any(queues.values()):
        for author in list(queues):
            if not queues[author] or total >= target:
                continue
            conversation = queues[author].pop(0)
            if len(conversation.turns) > 60:  # keep the sample to many couples, not a few long scenes
                continue
            chosen.append(conversation)
            total += len(conversation.turns)
    return sorted(chosen, key=lambda c: _rank(c.id))


def _blind_text(conversation: Conversation) -> str:
    lines = [f"=== id: {conversation.id}", f"medium: {conversation.medium}"]
    previous = conversation.start
    if conversation.start:
        lines.append(f"start: {conversation.start:%Y-%m-%d %H:%M}")
    lines.append("---")
    from datetime import datetime

    for turn in conversation.turns:
        prefix = ""
        if turn["time"]:
            moment = datetime.fromisoformat(turn["time"])
            gap = int((moment - previous).total_seconds()) if previous else 0
            previous = moment
            prefix = f"[+{gap}s] "
        lines.append(f"{prefix}{turn['speaker']}: {turn['text']} || ?")
    return "\n".join(lines) + "\n"


def write_blind(chosen: list[Conversation]) -> None:
    BLIND.mkdir(parents=True, exist_ok=True)
    for old in BLIND.glob("*.txt"):
        old.unlink()
    for index in range(0, len(chosen), PER_FILE):
        part = chosen[index:index + PER_FILE]
        text = "\n".join(_blind_text(c) for c in part)
        (BLIND / f"{index // PER_FILE + 1:03d}.txt").write_text(text, encoding="utf-8")


def _label(turn: dict) -> str:
    return turn["move"] + (f"/{turn['cue']}" if turn["cue"] else "")


def compare(first: dict[str, Conversation], second: list[Conversation]) -> dict:
    gold_moves, other_moves, gold_cues, other_cues = [], [], [], []
    flag_pairs: list[tuple[bool, bool]] = []
    disagreements = []
    changed: list[str] = []
    compared = 0
    for conversation in second:
        original = first.get(conversation.id)
        if original is None:
            raise SystemExit(f"second pass has {conversation.id}, which the first pass does not")
        if [t["text"] for t in original.turns] != [t["text"] for t in conversation.turns]:
            # The author revised the conversation after the blind copy was made:
            # the passes no longer see the same turns, so it is left out.
            changed.append(conversation.id)
            continue
        compared += 1
        for index, (a, b) in enumerate(zip(original.turns, conversation.turns, strict=True)):
            gold_moves.append(a["move"])
            other_moves.append(b["move"])
            gold_cues.append(a["cue"] or "-")
            other_cues.append(b["cue"] or "-")
            flag_pairs.append((bool(a["safety"]), bool(b["safety"])))
            if _label(a) != _label(b) or sorted(a["safety"]) != sorted(b["safety"]):
                context = original.turns[max(0, index - 3):index]
                disagreements.append((conversation.id, index, context, a, b))
    moves = score(gold_moves, other_moves)
    cue_kappa = cohen_kappa(gold_cues, other_cues)
    both = sum(1 for a, b in flag_pairs if a and b)
    either = sum(1 for a, b in flag_pairs if a or b)
    return {
        "conversations": compared,
        "left_out_revised_after_blind_copy": changed,
        "turns": len(gold_moves),
        "move_kappa": round(moves.kappa, 4),
        "move_macro_f1": round(moves.macro_f1, 4),
        "move_accuracy": round(moves.accuracy, 4),
        "cue_kappa": round(cue_kappa, 4),
        "cue_agreement": round(sum(1 for a, b in zip(gold_cues, other_cues) if a == b) / len(gold_cues), 4),
        "safety_flag_jaccard": round(both / either, 4) if either else None,
        "disagreements": len(disagreements),
        "per_move_f1": {k: round(v.f1, 4) for k, v in moves.per_class.items()},
        "confusion_first_rows_second_columns": moves.confusion,
    }, disagreements


def write_disagreements(disagreements: list) -> None:
    lines = ["# Disagreements between the first and second labelling pass", ""]
    for conversation_id, index, context, a, b in disagreements:
        lines.append(f"## {conversation_id} turn {index}")
        for turn in context:
            lines.append(f"    {turn['speaker']}: {turn['text']}  [{_label(turn)}]")
        lines.append(f"  > {a['speaker']}: {a['text']}")
        flags_a = " ".join(f"!{f}" for f in a["safety"])
        flags_b = " ".join(f"!{f}" for f in b["safety"])
        lines.append(f"  first: {_label(a)} {flags_a}".rstrip())
        lines.append(f"  second: {_label(b)} {flags_b}".rstrip())
        lines.append("")
    (AGREEMENT / "disagreements.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["select", "compare"])
    parser.add_argument("--force", action="store_true", help="select again even though second-pass files exist")
    args = parser.parse_args(argv)
    conversations = read_tree(ROOT / "src")
    if args.command == "select":
        if any(SECOND.rglob("*.txt")) and not args.force:
            print("second-pass files exist; a new blind sample would no longer match them (use --force)", file=sys.stderr)
            return 1
        chosen = select(conversations)
        write_blind(chosen)
        print(f"{len(chosen)} conversations, {sum(len(c.turns) for c in chosen)} turns -> {BLIND}")
        return 0
    second: list[Conversation] = []
    for path in sorted(SECOND.rglob("*.txt")):
        second.extend(read_source(path))
    if not second:
        print(f"no second-pass files under {SECOND}", file=sys.stderr)
        return 1
    result, disagreements = compare({c.id: c for c in conversations}, second)
    write_disagreements(disagreements)
    (AGREEMENT / "agreement.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
