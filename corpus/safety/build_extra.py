"""Build ``train_extra.jsonl``: the hand-written core of ``train_extra.txt`` plus generated variants.

    python corpus/safety/build_extra.py

Training data only, for ``train/train_safety_text.py`` (the learned safety-text signal).
The variants add breadth the core cannot: other people and names in the same sentence
frames, texting spellings (``u``, ``ur``, ``2nite``, dropped apostrophes, typos) and
speech fillers. Seeded: the same file every run. Never used to measure the screen.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGS = {"violence", "control", "self_harm", "fear"}

WHO = ["he", "she", "my husband", "my wife", "my boyfriend", "my girlfriend", "my partner", "my ex",
       "Kemal", "Aisha", "Tom", "Deepa", "Marco", "Yusuf", "Chloe", "Bongani", "Mei", "Jakub", "Rosa", "Olu"]
HARM = ["hit me", "slapped me", "punched me", "shoved me into the door", "grabbed me by the throat",
        "kicked me", "threw a plate at me", "pulled my hair", "pinned me against the wall", "choked me",
        "twisted my wrist", "pushed me off the bed", "hit me with a shoe", "dragged me across the floor"]
WHEN = ["last night", "again", "this morning", "when I said no", "in front of the kids", "on my birthday",
        "because dinner was late", "after the party", "", "for the third time this month"]
THREAT = ["I'll hurt you", "I will break your arm", "I'll make you regret it", "you'll end up in hospital",
          "I'll smash your head in", "you won't walk out of here", "I'll kill you", "you'll get what's coming"]
IF = ["if you leave", "if you talk to him again", "if you tell anyone", "if you go to your mum's",
      "if you embarrass me again", "if you call the police", "if you're late again", "if you say no to me"]
CONTROL = ["checks my phone every night", "takes all my money", "won't let me see my friends",
           "tracks my location all day", "has my passport", "decides what I wear", "won't let me work",
           "makes me ask before I spend anything", "reads my emails", "locks me in when he goes out",
           "says I can't go out without her", "took my car keys so I can't leave", "controls the bank account",
           "makes me send photos of where I am", "gives me a curfew", "threatens to take the kids if I leave",
           "says he'll report me to immigration", "says she'll post my private photos"]
ORDER = ["give me your phone", "send me your location", "you're not going out tonight", "be home by eight",
         "you don't need to see your friends", "hand over your bank card", "tell me your passwords",
         "you're not allowed to talk to him", "turn your location back on", "you'll ask me before you spend a penny"]
SCARED = ["I'm scared of", "I'm terrified of", "I'm afraid of", "I'm frightened of", "I'm so scared of", "honestly I'm scared of"]
OBJ = ["him", "her", "my husband", "my wife", "my boyfriend", "my girlfriend", "my partner", "what he'll do", "what she'll do"]
SELF = ["I want to die", "I'm going to end it", "I don't want to be here anymore", "I've been cutting myself",
        "I'm thinking about killing myself", "everyone would be better off without me", "I can't go on",
        "I have the pills ready", "this is goodbye", "I won't be around much longer", "I wish I was dead"]
SELF_TAIL = ["", "tonight", "I'm sorry", "please don't be angry", "I mean it this time", "tell mum I love her", "I'm so tired"]
FIGURE = ["this {x} is killing me", "I could murder a {x}", "I'm dying for a {x}", "the {x} nearly killed me",
          "I'm going to kill this {x}", "I'd kill for a {x}", "that {x} was brutal", "I'm scared of the {x} lol",
          "I'm terrified of the {x}", "the {x} destroyed me today"]
X = ["hangover", "commute", "cup of tea", "workout", "deadline", "spreadsheet", "heat", "pizza", "exam",
     "presentation", "hill", "queue", "nap", "report", "cold", "spider", "dentist", "traffic", "burger", "essay"]
CALM = ["where were you? I was worried", "I need some space tonight", "you never listen", "can we talk later?",
        "I'm upset that you forgot", "please text when you land", "I'm angry but I still love you",
        "I'm scared we're growing apart", "you always do this", "let's take a break and talk tomorrow",
        "send me your location so I can pick you up", "I'm locking up, what time are you home?",
        "I checked the bank, we're fine this month", "your mum called, ring her back"]
CALM_TAIL = ["", "x", "love you", "ok?", "no rush", "😊", "please", "honestly"]
SOFT = ["I don't want to disappear on you.", "I'm not going anywhere.", "I won't vanish on you.", "I'm not leaving you.",
        "I don't want to shut you out.", "I'm not giving up on us.", "I'm sorry for everything tonight.",
        "I need to sleep, I'm done for today.", "I can't do this conversation right now.", "I'm tired of fighting with you."]
SOFT_TAIL = ["Can we talk tomorrow morning?", "Give me an hour and I'll come back.", "I love you.", "Let's pause for tonight.",
             "I'm feeling flooded right now.", "I'll text you when I wake up.", "", "We're okay."]
SUBS = [(r"\byou\b", "u"), (r"\byour\b", "ur"), (r"\byou're\b", "ur"), (r"\btonight\b", "2nite"),
        (r"\bplease\b", "pls"), (r"\bbecause\b", "bc"), (r"\bgoing to\b", "gonna"), (r"\bwant to\b", "wanna"),
        (r"\bsomeone\b", "sum1"), (r"\bright now\b", "rn"), (r"\bdon't\b", "dont"), (r"\bI'm\b", "im"),
        (r"\bthe\b", "da"), (r"\bknow\b", "kno"), (r"\bwith\b", "w"), (r"\bagain\b", "agn")]
FILLERS = ["um", "uh", "like", "you know", "erm", "I mean"]


def texting(text: str, rng: random.Random) -> str:
    out = text.lower()
    for pattern, short in SUBS:
        if rng.random() < 0.7:
            out = re.sub(pattern, short, out, flags=re.IGNORECASE)
    out = out.replace("'", "") if rng.random() < 0.7 else out
    if rng.random() < 0.3 and len(out) > 8:  # one typo: two letters swapped
        i = rng.randrange(1, len(out) - 2)
        out = out[:i] + out[i + 1] + out[i] + out[i + 2:]
    return out.rstrip(".")


def speech(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(0, len(words) + 1)
        words.insert(i, rng.choice(FILLERS) + ",")
    return " ".join(words)


def generated(rng: random.Random) -> list[tuple[list[str], str, str]]:
    out: list[tuple[list[str], str, str]] = []
    for _ in range(90):
        out.append((["violence"], "gen", f"{rng.choice(WHO)} {rng.choice(HARM)} {rng.choice(WHEN)}".strip()))
    for _ in range(50):
        a, b = rng.choice(IF), rng.choice(THREAT)
        out.append((["violence"], "gen", f"{a} {b}" if rng.random() < 0.5 else f"{b} {a}"))
    for _ in range(70):
        out.append((["control"], "gen", f"{rng.choice(WHO)} {rng.choice(CONTROL)}"))
    for _ in range(40):
        out.append((["control"], "gen", rng.choice(ORDER) + rng.choice(["", ". now", ", I mean it", " or else", ". not asking"])))
    for _ in range(60):
        out.append((["fear"], "gen", f"{rng.choice(SCARED)} {rng.choice(OBJ)}" + rng.choice(["", " when he drinks", " tonight", ", I don't know what to do", " and I can't tell anyone"])))
    for _ in range(60):
        out.append((["self_harm"], "gen", f"{rng.choice(SELF)} {rng.choice(SELF_TAIL)}".strip()))
    for _ in range(150):
        out.append(([], "gen", rng.choice(FIGURE).format(x=rng.choice(X)) + rng.choice(["", " lol", " haha", " 😂", " honestly", ""])))
    for _ in range(120):
        out.append(([], "gen", f"{rng.choice(CALM)} {rng.choice(CALM_TAIL)}".strip()))
    for _ in range(60):  # soft bids that borrow a goodbye's words: "I don't want to disappear on you"
        out.append(([], "gen", f"{rng.choice(SOFT)} {rng.choice(SOFT_TAIL)}".strip()))
    return out


def main() -> None:
    rng = random.Random(20261125)
    core: list[tuple[list[str], str, str]] = []
    for line in (HERE / "train_extra.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, style, text = line.split("|", 2)
            core.append(([] if label == "hn" else label.split(","), style, text.strip()))
    rows = list(core)
    for flags, style, text in core:  # a texting and a speech variant of a share of the core
        if style not in ("texting", "speech", "other") and rng.random() < 0.5:
            rows.append((flags, "texting", texting(text, rng)))
        if style not in ("texting", "speech", "other") and rng.random() < 0.25:
            rows.append((flags, "speech", speech(text, rng)))
    rows += generated(rng)
    seen: set[str] = set()
    with (HERE / "train_extra.jsonl").open("w", encoding="utf-8") as out:
        for n, (flags, style, text) in enumerate(rows):
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            assert set(flags) <= FLAGS, text
            out.write(json.dumps({
                "conversation": f"train_extra-{n + 1:04d}", "turn": 0, "speaker": "A", "text": text,
                "move": "neutral", "cue": None, "safety": flags, "hard_negative": not flags,
                "kind": "positive" if flags else "hard_negative", "style": style,
                "medium": "speech" if style == "speech" else "chat", "split": "train_extra"}, ensure_ascii=False) + "\n")
    print(len(seen), "rows")


if __name__ == "__main__":
    main()
