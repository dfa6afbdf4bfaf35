"""Check that the blind JSON Lines files parse and carry the agreed fields.

Run ``python corpus/blind/validate.py``; exits non-zero naming file and line on
the first problem, otherwise prints counts per label.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CUES = {
    "pursue": {"criticize", "demand", "interrogate", "reassure_seek",
               "complain_response", "contact", "escalate"},
    "withdraw": {"shutdown", "deflect", "exit", "minimize", "defend", "appease"},
    "soften": {"vulnerable", "name_overwhelm", "name_cycle", "reassure", "repair",
               "validate", "invite"},
    "neutral": {None},
}
FLAGS = {"violence", "control", "self_harm", "fear"}
FIELDS = {
    "chat.jsonl": ["conversation", "id", "speaker", "time", "text", "move", "cue",
                   "safety", "hard_negative", "medium"],
    "speech.jsonl": ["conversation", "id", "speaker", "time", "text", "move", "cue",
                     "safety", "hard_negative", "medium"],
    "safety.jsonl": ["conversation", "speaker", "text", "move", "cue", "safety",
                     "hard_negative", "kind", "style"],
    "drafts.jsonl": ["text", "move", "cue", "topic_words", "style"],
}


def fail(where: str, msg: str) -> None:
    sys.exit(f"{where}: {msg}")


def check(name: str) -> list[dict]:
    rows, ids, last_time = [], set(), {}
    for no, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        where = f"{name}:{no}"
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(where, f"not JSON ({exc})")
        missing = [f for f in FIELDS[name] if f not in r]
        if missing:
            fail(where, f"missing {missing}")
        if r["move"] not in CUES or r["cue"] not in CUES[r["move"]]:
            fail(where, f"bad move/cue {r['move']}/{r['cue']}")
        if not isinstance(r["text"], str) or not r["text"].strip():
            fail(where, "empty text")
        if "safety" in r and (not isinstance(r["safety"], list) or set(r["safety"]) - FLAGS):
            fail(where, f"bad safety {r['safety']}")
        key = r.get("id") or r.get("conversation")
        if key is not None and name != "drafts.jsonl":
            if key in ids:
                fail(where, f"duplicate id {key}")
            ids.add(key)
        if name in ("chat.jsonl", "speech.jsonl"):
            if r["medium"] != name.split(".")[0]:
                fail(where, "wrong medium")
            if name == "chat.jsonl":
                t = datetime.fromisoformat(r["time"])
                prev = last_time.get(r["conversation"])
                if prev and t < prev:
                    fail(where, "time goes backwards")
                last_time[r["conversation"]] = t
            elif r["time"] is not None:
                fail(where, "speech time should be null")
        if name == "safety.jsonl":
            if (r["kind"] == "positive") != bool(r["safety"]) or r["hard_negative"] == bool(r["safety"]):
                fail(where, "kind / hard_negative / safety disagree")
        if name == "drafts.jsonl":
            if r["move"] not in ("pursue", "withdraw"):
                fail(where, "drafts must be pursue or withdraw")
            for w in r["topic_words"]:
                if w.lower() not in r["text"].lower():
                    fail(where, f"topic word {w!r} missing from text")
        rows.append(r)
    return rows


def main() -> None:
    for name in FIELDS:
        rows = check(name)
        convs = {r["conversation"] for r in rows if "conversation" in r}
        print(f"{name}: {len(rows)} rows, {len(convs)} conversations; moves "
              f"{dict(sorted(Counter(r['move'] for r in rows).items()))}")
        flags = Counter(f for r in rows for f in r.get("safety", []))
        if flags:
            print(f"  safety flags {dict(sorted(flags.items()))}; hard negatives "
                  f"{sum(bool(r.get('hard_negative')) for r in rows)}")
    print("all files valid")


if __name__ == "__main__":
    main()
