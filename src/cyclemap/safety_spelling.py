"""Spelling repair for the safety screen: "he grabbd my neck" read as "he grabbed my neck".

The lexicon's patterns name words as they are spelled; one slip of a key ("strangeld", "thretened",
"suicidle") and a clear family no longer matches. Before the default mode's second reading of an
unflagged turn (:func:`cyclemap.safety_encoder.add_findings`), each word of four letters or more that is
not a known word is mapped to a *key word* of the lexicon within one edit (a letter dropped, added,
changed, or two swapped), when exactly one such key word is nearest.

- *Known words*: the safety encoder tokenizer's whole-word vocabulary (about 22,000 English words), the
  words the patterns spell (texting forms such as "goin", "finna"), and contractions written without
  their apostrophe ("didnt", "youre"). A known word is never changed, so "kiss" never becomes "kill".
- *Key words* (``data/safety-spelling.json``, built by ``train/build_safety_spelling.py`` from the
  patterns and from the words the lexicon matched in the training sets, never the report or measurement
  sets): the words a pattern needs ("grabbed", "threatened", "suicide").

The repaired text keeps a map back, so evidence still names the writer's own characters
(:meth:`Respelled.span`). Only the default mode uses it; ``--fast`` and ``screen_text(draft)`` with no
model read the words as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .memo import BoundedMemo
from .moves.label import Evidence

#: Words shorter than this are never repaired: short words have too many neighbours ("hit", "hut", "hot").
MIN_LENGTH = 4
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
# The words :meth:`Speller.repair` may change: letters only, MIN_LENGTH or more, no apostrophe in them.
_LONG_WORD = re.compile(r"(?<![A-Za-z'\u2019])[A-Za-z]{%d,}(?![A-Za-z'\u2019])" % MIN_LENGTH)
# Contractions as texting writes them (no apostrophe): words, not slips.
_CONTRACTIONS = frozenset(
    "dont cant wont didnt doesnt isnt wasnt arent werent havent hasnt hadnt wouldnt couldnt shouldnt mustnt "
    "aint youre theyre were youve theyve weve ive youll theyll well ill youd theyd hed shed id im hes shes "
    "thats whats whos wheres theres heres lets its ya yall gonna wanna gotta kinda sorta dunno lemme gimme "
    "tryna finna imma ima cuz coz tho thru "
    # texting spellings of their own (not slips of another word)
    "nite tonite tmrw tmrrw smth sumthin nothin somethin srsly prolly rlly thnx thanx plzz plss luvv bruh "
    "lmao lmfao omfg whatevs wassup sooo cya laters".split())


@dataclass(frozen=True)
class Respelled:
    """A text with some words repaired, and where each repaired word came from in the original."""

    text: str
    original: str
    changes: tuple[tuple[int, int, int, int], ...]  # (start, end) in text, (start, end) in original

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's span for ``text[start:end]``: a repaired word maps to the word as written."""
        return self._position(start, False), self._position(end, True)

    def _position(self, at: int, is_end: bool) -> int:
        shift = 0
        for new_start, new_end, old_start, old_end in self.changes:
            if at <= new_start:
                break
            if at < new_end:
                return old_end if is_end else old_start  # inside a repaired word: the whole word as written
            shift = old_end - new_end
        return at + shift


@dataclass(frozen=True)
class Speller:
    """Known words and key words; :meth:`respell` repairs a text (each distinct word worked out once)."""

    known: frozenset[str]
    keys: tuple[str, ...]  # most useful first: the first of several equally near keys wins
    #: Words a doubled or swapped letter may be repaired towards (the tokenizer's vocabulary and the keys):
    #: not every known word, since the dictionaries' rare and foreign words only guard against repairs.
    targets: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        index: dict[str, list[str]] = {}
        for key in self.keys:
            for variant in {key, *_deletions(key)}:
                index.setdefault(variant, []).append(key)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_rank", {k: i for i, k in enumerate(self.keys)})
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_texts", BoundedMemo())

    def repair(self, word: str) -> str | None:
        """The key word a lower-case ``word`` is one slip away from, or None (known, short, or no such key)."""
        cache: dict = self._cache  # type: ignore[attr-defined]
        if word in cache:
            return cache[word]
        found = None
        if len(word) >= MIN_LENGTH and word not in self.known and word.isascii() and "'" not in word \
                and "\u2019" not in word:
            index: dict = self._index  # type: ignore[attr-defined]
            near = {k for variant in (word, *_deletions(word)) for k in index.get(variant, ())}
            near = [k for k in near if _one_edit(word, k)]
            if near:
                rank: dict = self._rank  # type: ignore[attr-defined]
                found = min(near, key=rank.__getitem__)
            else:
                # Any known word, but only by the surest slips: a letter typed twice ("behaave", "turnning")
                # or two neighbours swapped ("rtouble"); a dropped or changed letter has too many neighbours.
                near = {w for w in (*_undoubled(word), *_swapped(word)) if w in self.targets}
                found = min(near) if len(near) == 1 else None
        if len(cache) > 100_000:
            cache.clear()
        cache[word] = found
        return found

    def respell(self, text: str) -> Respelled | None:
        """``text`` with its slips repaired, or None when no word needed it (most texts)."""
        memo: BoundedMemo = self._texts  # type: ignore[attr-defined]
        found = memo.get(text, memo)
        if found is not memo:  # a chat repeats its short messages
            return found
        # Speed only: most texts' words are all known, which one pass over the lower-case words shows.
        if self.known.issuperset(_LONG_WORD.findall(text.lower())):
            return memo.keep(text, None)
        return memo.keep(text, self._respell(text))

    def _respell(self, text: str) -> Respelled | None:
        pieces: list[str] = []
        changes: list[tuple[int, int, int, int]] = []
        last = 0
        length = 0
        for m in _WORD.finditer(text):
            word = m.group()
            fixed = self.repair(word.lower())
            if fixed is None:
                continue
            if word[0].isupper() and not _sentence_start(text, m.start()):
                continue  # a name ("Kile", "Gunn"), not a slip
            pieces.append(text[last:m.start()])
            length += m.start() - last
            changes.append((length, length + len(fixed), m.start(), m.end()))
            pieces.append(fixed)
            length += len(fixed)
            last = m.end()
        if not changes:
            return None
        pieces.append(text[last:])
        return Respelled("".join(pieces), text, tuple(changes))


def _sentence_start(text: str, at: int) -> bool:
    """Whether the word at ``at`` opens a sentence (nothing but spaces since the last sentence end)."""
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?\n"


def _undoubled(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(1, len(word)) if word[i] == word[i - 1]]


def _swapped(word: str) -> list[str]:
    return [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1) if word[i] != word[i + 1]]


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(len(word))]


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one letter dropped, added, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]


def _vocabulary(path: Path) -> set[str]:
    """The tokenizer's whole words (not word pieces), lower case."""
    vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    return {w for w in vocab if w.isalpha() and w.isascii()}


@lru_cache(maxsize=1)
def speller() -> Speller | None:
    """The shipped speller, or None when its data file or the tokenizer is missing or it is switched off."""
    data = resources.files("cyclemap").joinpath("data/safety-spelling.json")
    tokenizer = Path(str(resources.files("cyclemap.moves") / "weights" / "safety-encoder-v1" / "tokenizer.json"))
    if not data.is_file() or not tokenizer.is_file():
        return None
    settings = json.loads(data.read_text(encoding="utf-8"))
    if not settings.get("enabled", True):
        return None
    keys = tuple(settings["keys"])
    targets = frozenset(_vocabulary(tokenizer) | _CONTRACTIONS | set(keys))
    return Speller(targets | set(settings.get("known", ())), keys, targets)


Screened = tuple[tuple[str, ...], tuple]


def add_findings(items: Sequence[tuple[str, Sequence[float] | None]], screened: Sequence[Screened]) -> list[Screened]:
    """The screen's findings with, on each turn with no clear sign whose words needed repair, the screen of the
    repaired text (the same move-model reading), its evidence mapped back to the words as written: on an
    unflagged turn whatever it finds, on a turn with possible signs only a clear one (added to them)."""
    out = list(screened)
    spell = speller()
    if spell is None:
        return out
    from .safety import FLAGS, screen_turn

    for i, ((text, move), (flags, evidence)) in enumerate(zip(items, screened, strict=True)):
        if not text.strip() or any(e.reason.endswith("(clear)") for e in evidence):
            continue
        repaired = spell.respell(text)
        if repaired is None:
            continue
        found, found_evidence = screen_turn(repaired.text, move)
        mapped = tuple(_mapped(e, repaired) for e in found_evidence)
        if not flags:
            if found:
                out[i] = (found, mapped)
        elif any(e.reason.endswith("(clear)") for e in mapped):
            # A clear sign found once the slip is repaired (a conversation is flagged on one): kept with the
            # possible signs already there, flags in the screen's order.
            clear = [e for e in mapped if e.reason.endswith("(clear)")]
            named = {f for f in FLAGS for e in clear if e.reason.startswith(f"safety: {f} ")}
            kept = [e for e in evidence if not any(e.reason.startswith(f"safety: {f} ") for f in named)]
            out[i] = (tuple(f for f in FLAGS if f in named or f in flags), tuple(clear + kept))
    return out


def _mapped(evidence: Evidence, repaired: Respelled) -> Evidence:
    """Evidence on the repaired text, pointing at the original's characters (a reading has no span to map)."""
    if evidence.start is None or evidence.end is None or evidence.start == evidence.end:
        return evidence
    start, end = repaired.span(evidence.start, evidence.end)
    return Evidence(evidence.reason, repaired.original[start:end], start, end)
