"""Build the blind evaluation JSON Lines files from the hand-written sources.

The sources in ``source/`` are a compact, human-editable notation (one turn or
message per line) so that a reviewer can read the labels next to the words.
Run ``python corpus/blind/build.py`` to regenerate the ``*.jsonl`` files and
print counts; it also validates every label against the codebook (v1.1).
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "source"

CUES = {
    "pursue": {"criticize", "demand", "interrogate", "reassure_seek",
               "complain_response", "contact", "escalate"},
    "withdraw": {"shutdown", "deflect", "exit", "minimize", "defend", "appease"},
    "soften": {"vulnerable", "name_overwhelm", "name_cycle", "reassure", "repair",
               "validate", "invite"},
    "neutral": set(),
}
FLAGS = {"violence", "control", "self_harm", "fear"}
SHORT = {"P": "pursue", "W": "withdraw", "S": "soften", "N": "neutral"}


def parse_label(code: str, where: str) -> tuple[str, str | None, list[str], bool]:
    """'P:criticize+control!' -> (move, cue, flags, hard_negative)."""
    hard = code.endswith("!")
    code = code.rstrip("!")
    flags: list[str] = []
    if "+" in code:
        code, *flags = code.split("+")
    move_s, _, cue = code.partition(":")
    move = SHORT.get(move_s)
    if move is None:
        sys.exit(f"{where}: unknown move {move_s!r}")
    cue_v = cue or None
    if move == "neutral" and cue_v is not None:
        sys.exit(f"{where}: neutral takes no cue")
    if move != "neutral" and cue_v not in CUES[move]:
        sys.exit(f"{where}: cue {cue_v!r} is not a {move} cue")
    for f in flags:
        if f not in FLAGS:
            sys.exit(f"{where}: unknown flag {f!r}")
    return move, cue_v, flags, hard


def parse_gap(g: str) -> timedelta:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", g.strip())
    if not m:
        raise ValueError(g)
    n, unit = float(m.group(1)), m.group(2) or "m"
    return {"s": timedelta(seconds=n), "m": timedelta(minutes=n),
            "h": timedelta(hours=n), "d": timedelta(days=n)}[unit]


def read_blocks(path: Path):
    """Yield (header, [(lineno, line)]) per '=== ' block."""
    header, lines = None, []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=== "):
            if header is not None:
                yield header, lines
            header, lines = (no, line[4:]), []
        else:
            lines.append((no, line))
    if header is not None:
        yield header, lines


def build_dialogues(kind: str) -> list[dict]:
    rows: list[dict] = []
    for path in sorted(SRC.glob(f"{kind}*.txt")):
        for (hno, head), lines in read_blocks(path):
            parts = [p.strip() for p in head.split("|")]
            conv = parts[0]
            start = datetime.fromisoformat(parts[1]) if kind == "chat" else None
            t = start
            for i, (no, line) in enumerate(lines, 1):
                where = f"{path.name}:{no}"
                if kind == "chat":
                    speaker, gap, code, text = line.split("|", 3)
                    t = t + parse_gap(gap)  # type: ignore[operator]
                    time = t.isoformat()
                else:
                    speaker, code, text = line.split("|", 2)
                    time = None
                move, cue, flags, hard = parse_label(code.strip(), where)
                rows.append({
                    "conversation": conv, "id": f"{conv}-{i:03d}",
                    "speaker": speaker.strip(), "time": time, "text": text.strip(),
                    "move": move, "cue": cue, "safety": flags,
                    "hard_negative": hard, "medium": kind,
                })
    return rows


def build_safety() -> list[dict]:
    rows: list[dict] = []
    n = 0
    for path in sorted(SRC.glob("safety*.txt")):
        for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path.name}:{no}"
            speaker, code, style, text = line.split("|", 3)
            move, cue, flags, _ = parse_label(code.strip(), where)
            positive = bool(flags)
            n += 1
            rows.append({
                "conversation": f"s-{n:04d}", "speaker": speaker.strip(),
                "text": text.strip(), "move": move, "cue": cue, "safety": flags,
                "hard_negative": not positive,
                "kind": "positive" if positive else "hard_negative",
                "style": style.strip(),
            })
    return rows


def build_drafts() -> list[dict]:
    rows: list[dict] = []
    for path in sorted(SRC.glob("drafts*.txt")):
        for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path.name}:{no}"
            code, style, words, text = line.split("|", 3)
            move, cue, _, _ = parse_label(code.strip(), where)
            if move not in ("pursue", "withdraw"):
                sys.exit(f"{where}: drafts are protest or shutdown messages")
            topic = [w.strip() for w in words.split(",") if w.strip()]
            for w in topic:
                if w.lower() not in text.lower():
                    sys.exit(f"{where}: topic word {w!r} not in the draft")
            rows.append({"text": text.strip(), "move": move, "cue": cue,
                         "topic_words": topic, "style": style.strip()})
    return rows


def write(name: str, rows: list[dict]) -> None:
    with open(HERE / name, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    chat, speech = build_dialogues("chat"), build_dialogues("speech")
    safety, drafts = build_safety(), build_drafts()
    for name, rows in [("chat.jsonl", chat), ("speech.jsonl", speech),
                       ("safety.jsonl", safety), ("drafts.jsonl", drafts)]:
        write(name, rows)
    for name, rows in [("chat", chat), ("speech", speech)]:
        convs = Counter(r["conversation"] for r in rows)
        print(f"{name}: {len(rows)} turns, {len(convs)} conversations, "
              f"turns/conv {min(convs.values())}-{max(convs.values())}")
        print("  moves:", dict(Counter(r["move"] for r in rows)))
        print("  cues:", dict(Counter(f"{r['move']}/{r['cue']}" for r in rows if r["cue"])))
        print("  flagged turns:", sum(bool(r["safety"]) for r in rows),
              "hard negatives:", sum(r["hard_negative"] for r in rows))
    print(f"safety: {len(safety)} messages;", dict(Counter(r["kind"] for r in safety)))
    print("  flags:", dict(Counter(f for r in safety for f in r["safety"])))
    print("  styles:", dict(Counter(r["style"] for r in safety)))
    print("  moves:", dict(Counter(r["move"] for r in safety)))
    print(f"drafts: {len(drafts)};", dict(Counter(r["move"] for r in drafts)))


if __name__ == "__main__":
    main()
