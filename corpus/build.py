"""Check and compile the hand-written corpus sources into labelled JSON Lines.

    python3 corpus/build.py --check corpus/src/a1      # validate, print counts
    python3 corpus/build.py                            # compile everything

The authoring format is described in corpus/AUTHORING.md. Compiling writes
corpus/cyclemap-corpus.jsonl (one labelled turn per line) and the splits
corpus/{train,dev,test}.jsonl, split by conversation with a fixed hash so a
conversation never moves between splits when others are added.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

from cyclemap.codebook import CUES, LabelError, Move, SafetyFlag, check_label  # noqa: E402

GAP = re.compile(r"^\[\+(\d+(?:\.\d+)?)(s|m|h|d)\]\s*")
GAP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TURN = re.compile(r"^(?P<speaker>[^:|]{1,60}?):\s?(?P<text>.*?)\s*\|\|\s*(?P<label>.+?)\s*$")
SPLIT_SHARES = (("test", 15), ("dev", 15), ("train", 70))


class SourceError(ValueError):
    """A line of a corpus source that does not follow AUTHORING.md."""


@dataclass
class Conversation:
    id: str
    medium: str = ""
    start: datetime | None = None
    tags: list[str] = field(default_factory=list)
    turns: list[dict] = field(default_factory=list)
    source: str = ""


def _parse_label(raw: str) -> tuple[str, str | None, list[str], bool]:
    parts = raw.split()
    main, extras = parts[0], parts[1:]
    move, _, cue = main.partition("/")
    flags: list[str] = []
    hard = False
    for extra in extras:
        if not extra.startswith("!"):
            raise SourceError(f"unexpected {extra!r} after the label (flags start with '!')")
        if extra == "!hard":
            hard = True
        else:
            flags.append(extra[1:])
    try:
        check_label(move, cue or None, flags)
    except LabelError as error:
        raise SourceError(str(error)) from None
    if hard and flags:
        raise SourceError("a turn is either flagged or a hard negative ('!hard'), not both")
    return move, cue or None, flags, hard


def read_source(path: Path) -> list[Conversation]:
    """Parse one source file; raise SourceError naming the file and line."""
    conversations: list[Conversation] = []
    current: Conversation | None = None
    in_header = False
    clock: datetime | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path}:{number}"
        stripped = line.strip()
        try:
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("==="):
                match = re.match(r"^===\s*id:\s*([a-z0-9]+-\d{4})\s*$", stripped)
                if not match:
                    raise SourceError("a conversation starts with '=== id: <author>-<4 digits>'")
                current = Conversation(id=match.group(1), source=f"{path.parent.name}/{path.name}")
                conversations.append(current)
                in_header = True
                continue
            if current is None:
                raise SourceError("text before the first '=== id:' line")
            if in_header:
                if stripped == "---":
                    in_header = False
                    if current.medium not in ("chat", "speech"):
                        raise SourceError("header needs 'medium: chat' or 'medium: speech'")
                    if current.medium == "chat" and current.start is None:
                        raise SourceError("a chat needs 'start: YYYY-MM-DD HH:MM'")
                    clock = current.start
                    continue
                key, _, value = stripped.partition(":")
                key, value = key.strip(), value.strip()
                if key == "medium":
                    current.medium = value
                elif key == "start":
                    current.start = datetime.strptime(value, "%Y-%m-%d %H:%M")
                elif key == "tags":
                    current.tags = [t.strip() for t in value.split(";") if t.strip()]
                else:
                    raise SourceError(f"unknown header {key!r} (medium, start, tags)")
                continue
            time = None
            body = stripped
            gap = GAP.match(body)
            if current.medium == "chat":
                if not gap:
                    raise SourceError("a chat turn starts with a gap like [+3m]")
                assert clock is not None
                clock = clock + timedelta(seconds=float(gap.group(1)) * GAP_UNITS[gap.group(2)])
                time = clock.isoformat(timespec="seconds")
                body = body[gap.end():]
            elif gap:
                raise SourceError("a speech turn has no [+gap]")
            turn = TURN.match(body)
            if not turn:
                raise SourceError("a turn is 'Speaker: text || label'")
            if "||" in turn.group("text"):
                raise SourceError("the text may not contain '||'")
            if not turn.group("text").strip():
                raise SourceError("empty turn text")
            move, cue, flags, hard = _parse_label(turn.group("label"))
            current.turns.append(
                {
                    "conversation": current.id,
                    "turn": len(current.turns),
                    "time": time,
                    "speaker": turn.group("speaker").strip(),
                    "text": turn.group("text"),
                    "move": move,
                    "cue": cue,
                    "safety": flags,
                    "hard_negative": hard,
                }
            )
        except (SourceError, ValueError) as error:
            raise SourceError(f"{where}: {error}") from None
    for conversation in conversations:
        if not conversation.turns:
            raise SourceError(f"{path}: conversation {conversation.id} has no turns")
    return conversations


def read_tree(root: Path) -> list[Conversation]:
    files = sorted(root.rglob("*.txt")) if root.is_dir() else [root]
    conversations: list[Conversation] = []
    seen: dict[str, str] = {}
    for path in files:
        for conversation in read_source(path):
            if conversation.id in seen:
                raise SourceError(
                    f"{path}: id {conversation.id} already used in {seen[conversation.id]}"
                )
            seen[conversation.id] = str(path)
            conversations.append(conversation)
    return conversations


ADJUDICATED = ROOT / "agreement" / "adjudicated.tsv"


def apply_adjudication(conversations: list[Conversation], path: Path = ADJUDICATED) -> int:
    """Replace first-pass labels by the adjudicated ones (conversation, turn, label, reason)."""
    if not path.is_file():
        return 0
    by_id = {c.id: c for c in conversations}
    changed = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 3:
            raise SourceError(f"{path}:{number}: expected conversation, turn, label, reason separated by tabs")
        conversation = by_id.get(fields[0])
        if conversation is None or not fields[1].isdigit() or int(fields[1]) >= len(conversation.turns):
            raise SourceError(f"{path}:{number}: no turn {fields[1]} in conversation {fields[0]}")
        try:
            move, cue, flags, hard = _parse_label(fields[2])
        except SourceError as error:
            raise SourceError(f"{path}:{number}: {error}") from None
        turn = conversation.turns[int(fields[1])]
        if (turn["move"], turn["cue"], turn["safety"]) != (move, cue, flags):
            changed += 1
        turn.update(move=move, cue=cue, safety=flags, hard_negative=hard or turn["hard_negative"] and not flags)
    return changed


def split_of(conversation_id: str) -> str:
    """A stable split by a hash of the conversation id (70/15/15)."""
    bucket = int(hashlib.sha256(conversation_id.encode()).hexdigest(), 16) % 100
    edge = 0
    for name, share in SPLIT_SHARES:
        edge += share
        if bucket < edge:
            return name
    raise AssertionError("shares add up to 100")


def counts(conversations: list[Conversation]) -> dict[str, Counter]:
    table: dict[str, Counter] = {
        "move": Counter(),
        "cue": Counter(),
        "flag": Counter(),
        "medium": Counter(),
        "other": Counter(),
    }
    for conversation in conversations:
        table["medium"][conversation.medium] += 1
        for turn in conversation.turns:
            table["move"][turn["move"]] += 1
            if turn["cue"]:
                table["cue"][turn["cue"]] += 1
            for flag in turn["safety"]:
                table["flag"][flag] += 1
            if turn["hard_negative"]:
                table["other"]["hard_negative"] += 1
    return table


def print_counts(conversations: list[Conversation]) -> None:
    table = counts(conversations)
    turns = sum(len(c.turns) for c in conversations)
    print(f"conversations: {len(conversations)}  turns: {turns}  media: {dict(table['medium'])}")
    print("moves:", ", ".join(f"{m.value} {table['move'][m.value]}" for m in Move))
    print("cues: ", ", ".join(f"{cue} {table['cue'][cue]}" for cue in CUES))
    print("flags:", ", ".join(f"{f.value} {table['flag'][f.value]}" for f in SafetyFlag))
    print("hard negatives:", table["other"]["hard_negative"])


def compile_corpus(conversations: list[Conversation], out_dir: Path) -> None:
    files = {name: (out_dir / f"{name}.jsonl").open("w", encoding="utf-8") for name, _ in SPLIT_SHARES}
    whole = (out_dir / "cyclemap-corpus.jsonl").open("w", encoding="utf-8")
    try:
        for conversation in sorted(conversations, key=lambda c: c.id):
            split = split_of(conversation.id)
            for turn in conversation.turns:
                row = dict(turn, medium=conversation.medium, tags=conversation.tags, split=split)
                line = json.dumps(row, ensure_ascii=False) + "\n"
                whole.write(line)
                files[split].write(line)
    finally:
        whole.close()
        for handle in files.values():
            handle.close()


def compile_heldout(folder: Path, out_folder: Path | None = None) -> None:
    """Each held-out source file becomes a JSON Lines file beside it (never part of any split)."""
    for path in sorted(folder.glob("*.txt")):
        with ((out_folder or folder) / f"{path.stem}.jsonl").open("w", encoding="utf-8") as handle:
            for conversation in read_source(path):
                for turn in conversation.turns:
                    row = dict(turn, medium=conversation.medium, tags=conversation.tags, split="heldout")
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def markdown_stats(conversations: list[Conversation]) -> str:
    """Sizes and label counts per split, for the data card (written to corpus/STATS.md)."""
    splits = {name: [c for c in conversations if split_of(c.id) == name] for name, _ in SPLIT_SHARES}
    splits["all"] = conversations
    names = ["train", "dev", "test", "all"]
    tables = {name: counts(subset) for name, subset in splits.items()}
    lines = [
        "# Corpus statistics",
        "",
        "Written by `python3 corpus/build.py`; do not edit by hand.",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
        "| conversations | " + " | ".join(str(len(splits[n])) for n in names) + " |",
        "| turns | " + " | ".join(str(sum(len(c.turns) for c in splits[n])) for n in names) + " |",
        "| chat conversations | " + " | ".join(str(tables[n]["medium"]["chat"]) for n in names) + " |",
        "| speech conversations | " + " | ".join(str(tables[n]["medium"]["speech"]) for n in names) + " |",
    ]
    for move in Move:
        lines.append(f"| move `{move.value}` | " + " | ".join(str(tables[n]["move"][move.value]) for n in names) + " |")
    for cue, move in CUES.items():
        lines.append(f"| cue `{cue}` ({move.value}) | " + " | ".join(str(tables[n]["cue"][cue]) for n in names) + " |")
    for flag in SafetyFlag:
        lines.append(f"| flag `{flag.value}` | " + " | ".join(str(tables[n]["flag"][flag.value]) for n in names) + " |")
    lines.append("| hard negatives | " + " | ".join(str(tables[n]["other"]["hard_negative"]) for n in names) + " |")
    authors = Counter(c.id.split("-")[0] for c in conversations)
    lines += ["", "Conversations per author brief: " + ", ".join(f"{a} {n}" for a, n in sorted(authors.items())), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", metavar="PATH", help="only validate PATH (a file or folder) and print counts")
    args = parser.parse_args(argv)
    try:
        if args.check:
            conversations = read_tree(Path(args.check))
            print_counts(conversations)
            return 0
        conversations = read_tree(ROOT / "src")
        changed = apply_adjudication(conversations)
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"adjudication changed {changed} first-pass labels")
    compile_corpus(conversations, ROOT)
    compile_heldout(ROOT / "heldout")
    (ROOT / "STATS.md").write_text(markdown_stats(conversations), encoding="utf-8")
    print_counts(conversations)
    for name, _ in SPLIT_SHARES:
        subset = [c for c in conversations if split_of(c.id) == name]
        print(f"{name}: {len(subset)} conversations, {sum(len(c.turns) for c in subset)} turns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
