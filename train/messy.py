"""Surface noise that makes a training turn look like real texting or a speech transcript.

The corpus was written to order and is tidier than real chats: full words,
final punctuation, few typos. Training on noisy copies teaches a model that
"u r never home lol" and "you're never home." are the same move, so it does
not lean on one author's style. The meaning of the turn is never changed:
only spelling, case, punctuation, fillers and emoji.

Used by ``train_moves.py`` (encoder.v2) and ``train_fast.py`` (fast.v2); seeded.
"""

from __future__ import annotations

import random
import re

# Whole-word texting abbreviations (lower-case keys; applied case-insensitively).
ABBREVIATIONS = {
    "you": "u", "your": "ur", "you're": "ur", "are": "r", "because": "bc", "okay": "ok",
    "please": "pls", "people": "ppl", "tonight": "tonite", "going to": "gonna", "want to": "wanna",
    "though": "tho", "really": "rly", "probably": "prob", "tomorrow": "tmrw", "what": "wat",
    "don't know": "dunno", "i don't know": "idk", "to be honest": "tbh", "at the moment": "atm",
    "be right back": "brb", "on my way": "omw", "thanks": "thx", "something": "smth", "love": "luv",
    "i'm": "im", "don't": "dont", "can't": "cant", "won't": "wont", "it's": "its", "that's": "thats",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + r")\b", re.I)
TEXT_TAGS = ["lol", "lmao", "haha", "tbh", "fr", "ngl", "smh", "omg"]
EMOJI = ["😂", "🙄", "😭", "🙂", "😅", "❤️", "👍", "😬", "🤷", "💀", "😤", "🥺"]
FILLERS = ["um", "uh", "like", "you know", "I mean", "so", "well", "okay so", "erm"]


def _typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: a dropped, doubled or swapped letter."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1:]
    if kind < 0.7:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1:]


def texting(text: str, rng: random.Random) -> str:
    """Lower case, little punctuation, abbreviations, a typo, maybe an emoji or 'lol'."""
    out = text.lower() if rng.random() < 0.7 else text
    if rng.random() < 0.6:
        out = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(0).lower()] if rng.random() < 0.7 else m.group(0), out)
    if rng.random() < 0.6:
        out = re.sub(r"[.,;:](?=\s|$)", "", out)
        out = out.replace("'", "") if rng.random() < 0.5 else out
    words = out.split(" ")
    if rng.random() < 0.4 and words:
        k = rng.randrange(len(words))
        words[k] = _typo(words[k], rng)
    out = " ".join(words)
    roll = rng.random()
    if roll < 0.15:
        out = f"{out} {rng.choice(TEXT_TAGS)}"
    elif roll < 0.3:
        out = f"{out} {rng.choice(EMOJI)}"
    return out.strip()


def speech(text: str, rng: random.Random) -> str:
    """An automatic-transcript look: fillers, a false start, a repeated word, no final mark."""
    words = text.split(" ")
    if len(words) > 2 and rng.random() < 0.6:
        k = rng.randrange(len(words))
        words.insert(k, rng.choice(FILLERS) + ",")
    if len(words) > 1 and rng.random() < 0.4:
        k = rng.randrange(len(words))
        if words[k].isalpha():
            words[k] = f"{words[k]}- {words[k]}"
    out = " ".join(words)
    if rng.random() < 0.5:
        out = out.rstrip(".!")
    if rng.random() < 0.3:
        out = out.lower()
    return out


def light(text: str, rng: random.Random) -> str:
    """encoder.v1's noise: lower case (15%) or no final punctuation (10%)."""
    roll = rng.random()
    if roll < 0.15:
        return text.lower()
    if roll < 0.25:
        return text.rstrip(".!?")
    return text


def messy(text: str, rng: random.Random, rate: float = 0.35) -> str:
    """With probability ``rate`` a texting or transcript version of ``text``, else encoder.v1's light noise."""
    if not text.strip() or rng.random() >= rate:
        return light(text, rng)
    return texting(text, rng) if rng.random() < 0.6 else speech(text, rng)
