"""The fast model's features for a whole block of turns at once, with NumPy instead of per-token Python.

:func:`cyclemap.moves.fast.turn_tokens` and ``context_tokens`` say what the
features are; building their strings ("@other:why you") and looking each one
up costs more than the model itself. Here a block's texts are lowered and cut
into words with one regular-expression scan, each word becomes a number with
one dictionary look-up, and word pairs, the "same speaker / other speaker"
marks and the truncations are done on arrays. The vocabulary is split once
into tables (word -> feature, pair of words -> feature) per mark.

The result is the same list of feature indices, in the same order, as the
straightforward path, so the summed weights (and so the labels) are
bit-for-bit the same: ``tests/test_fast_features.py`` checks it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import repeat

import numpy as np

from ..model import Turn

#: Words of a turn, and of the turn before, that the model reads (as in moves.fast).
OWN_WORDS = 80
CONTEXT_WORDS = 40
_SEP = "\x00"  # between turns in a block; a token of its own for the word pattern
_MARKS = ("", "@same:", "@other:")
# moves.fast's word pattern (case-insensitive) as it acts on lowered text, case-sensitive, which
# is about twice as fast: under re.IGNORECASE, [a-z] also takes these four letters.
_FOLDS = "\u0130\u0131\u017f\u212a"
LOWERED_WORD = re.compile(rf"[a-z0-9'{_FOLDS}]+|[?!]|[^\sa-z0-9'?!.,;:\"(){_FOLDS}]")


def _length_token(length: int) -> str:
    return f"#len{min(length, 12) if length < 12 else (20 if length < 30 else 40)}"


_SPECIAL = frozenset([_length_token(n) for n in range(OWN_WORDS + 1)] + ["#caps", "#??", "#empty", "@start"])


def caps(text: str) -> bool:
    """Whether most of the turn's letters are capitals (the ``#caps`` feature of moves.fast)."""
    letters = sum(map(str.isalpha, text))
    return letters >= 4 and sum(map(str.isupper, text)) / letters > 0.7


_ASCII_ALPHA = np.array([chr(c).isalpha() for c in range(128)])
_ASCII_UPPER = np.array([chr(c).isupper() for c in range(128)])


def caps_many(texts: Sequence[str], joined: str) -> np.ndarray:
    """``caps`` of every text at once; ``joined`` is the texts joined by one separator character.

    Letters and capitals are counted per code point (as str.isalpha and str.isupper
    do), through a table for ASCII and a look-up per distinct other code point.
    """
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    alpha = np.zeros(len(points), bool)
    upper = np.zeros(len(points), bool)
    low = points < 128
    alpha[low] = _ASCII_ALPHA[points[low]]
    upper[low] = _ASCII_UPPER[points[low]]
    if not low.all():
        high = ~low
        distinct, where = np.unique(points[high], return_inverse=True)
        chars = [chr(c) for c in distinct.tolist()]
        alpha[high] = np.array([c.isalpha() for c in chars])[where]
        upper[high] = np.array([c.isupper() for c in chars])[where]
    lengths = np.fromiter(map(len, texts), np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - lengths - 1  # each text's first code point in ``joined``
    ends = starts + lengths
    letters_seen = np.r_[0, np.cumsum(alpha)]  # letters before each code point
    capitals_seen = np.r_[0, np.cumsum(upper)]
    letters = letters_seen[ends] - letters_seen[starts]
    capitals = capitals_seen[ends] - capitals_seen[starts]
    with np.errstate(divide="ignore", invalid="ignore"):
        return (letters >= 4) & (capitals / np.maximum(letters, 1) > 0.7)


class PairTable:
    """Non-negative int keys to int values, looked up many at once: open addressing with linear probing,
    in NumPy (a miss is -1)."""

    _MIX = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, items: Sequence[tuple[int, int]]) -> None:
        bits = 4
        while (1 << bits) < 4 * len(items):  # at most a quarter full: most look-ups take one probe
            bits += 1
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        self.keys = np.full(1 << bits, -1, np.int64)
        self.values = np.full(1 << bits, -1, np.int64)
        keys, values = self.keys, self.values
        slots = self._slots(np.array([k for k, _ in items], np.int64)).tolist() if items else []
        for (key, value), slot in zip(items, slots):
            while keys[slot] != -1 and keys[slot] != key:
                slot = (slot + 1) & self.mask
            if keys[slot] == -1:  # a key given twice keeps its first value (as a sorted search would find it)
                keys[slot], values[slot] = key, value

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * self._MIX) >> self.shift).astype(np.int64)

    def get(self, wanted: np.ndarray) -> np.ndarray:
        """The value of each key in ``wanted`` (int64, none negative), -1 where absent."""
        wanted = np.asarray(wanted, np.int64)
        found = np.full(len(wanted), -1, np.int64)
        active = np.arange(len(wanted))
        slots = self._slots(wanted)
        while len(active):
            keys = self.keys[slots]
            hit = keys == wanted[active]
            found[active[hit]] = self.values[slots[hit]]
            going = ~hit & (keys != -1)  # neither found nor an empty slot: probe the next one
            active, slots = active[going], (slots[going] + 1) & self.mask
        return found


class FeatureTables:
    """A fast model's vocabulary as arrays: word -> id, and per mark (own, same, other) the
    feature of each word and of each pair of words."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        parsed: list[tuple[int, tuple[str, ...], int]] = []
        # 0: a word the vocabulary does not know (this key is no token), 1: the separator
        words: dict[str, int] = {"<unknown word>": 0, _SEP: 1}
        self.special: dict[str, int] = {}
        for token, feature in vocabulary.items():
            if token in _SPECIAL:
                self.special[token] = feature
                continue
            mark = 0
            for m in (1, 2):
                if token.startswith(_MARKS[m]):
                    mark, token = m, token[len(_MARKS[m]):]
                    break
            parts = tuple(token.split(" ")) if " " in token else (token,)
            if len(parts) > 2 or "" in parts:
                continue  # not a token the tokeniser can produce
            for part in parts:
                words.setdefault(part, len(words))
            parsed.append((mark, parts, feature))
        self.words = words
        self.size = len(words)
        self.single = np.full((3, self.size), -1, np.int64)
        pairs: list[list[tuple[int, int]]] = [[], [], []]
        for mark, parts, feature in parsed:
            if len(parts) == 1:
                self.single[mark, words[parts[0]]] = feature
            else:
                pairs[mark].append((words[parts[0]] * self.size + words[parts[1]], feature))
        self.pair_keys, self.pair_features = [], []
        for mark in range(3):
            table = np.array(sorted(pairs[mark]), np.int64).reshape(-1, 2)
            self.pair_keys.append(table[:, 0].copy())
            self.pair_features.append(table[:, 1].copy())
        # every mark's pairs in one hash table, key (mark, first word, second word): a look-up is a probe or
        # two into a small table instead of a binary search (speed only: the same features)
        self.pair_table = PairTable(
            [(mark * self.size * self.size + key, feature)
             for mark in range(3) for key, feature in zip(self.pair_keys[mark].tolist(), self.pair_features[mark].tolist())]
        )
        self.length = np.array(
            [self.special.get(_length_token(n), -1) for n in range(OWN_WORDS + 1)], np.int64
        )

    def _pairs(self, mark: int | np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The feature of each (first, second) word pair under ``mark`` (one mark, or one per pair), or -1."""
        if not len(first):
            return np.full(len(first), -1, np.int64)
        return self.pair_table.get((mark * self.size + first) * self.size + second)

    def rows(self, turns: Sequence[Turn], rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray] | None:
        """For each row index: its feature indices (flat, row after row) and how many each row has.

        None when a text holds the block separator (then the caller takes the plain path).
        """
        n = len(turns)
        texts = [t.text for t in turns]
        joined = _SEP.join(texts)
        if joined.count(_SEP) != n - 1:
            return None
        tokens = LOWERED_WORD.findall(joined.lower())
        ids = np.fromiter(map(self.words.get, tokens, repeat(0)), np.int64, count=len(tokens))
        sep = ids == 1
        owner = np.cumsum(sep)[~sep]  # the turn each word belongs to
        ids = ids[~sep]
        counts = np.bincount(owner, minlength=n)
        starts = np.cumsum(counts) - counts
        position = np.arange(len(ids)) - starts[owner]
        rows = np.asarray(rows, np.int64)
        slot = np.full(n + 1, -1, np.int64)  # turn index -> output row (or -1)
        slot[rows] = np.arange(len(rows))
        same = np.zeros(n, bool)  # whether turn i+1 is by the speaker of turn i
        if n > 1:
            speakers = [t.speaker for t in turns]
            same[:-1] = [a == b for a, b in zip(speakers, speakers[1:])]
        following = np.r_[ids[1:], 0]
        paired = np.r_[owner[1:] == owner[:-1], False] if len(ids) else np.zeros(0, bool)

        sections: list[tuple[np.ndarray, np.ndarray]] = []  # (output row, feature), in the model's order
        # the turn's own words, then its word pairs
        own = slot[owner]
        keep = (own >= 0) & (position < OWN_WORDS)
        sections.append((own[keep], self.single[0, ids[keep]]))
        keep_pair = (own >= 0) & paired & (position + 1 < OWN_WORDS)
        sections.append((own[keep_pair], self._pairs(0, ids[keep_pair], following[keep_pair])))
        # surface marks, one per turn at most
        wanted = rows
        length = np.minimum(counts[wanted], OWN_WORDS)
        sections.append((np.arange(len(rows)), self.length[length]))
        capital = np.flatnonzero(caps_many(texts, joined)[rows])
        marks = [(i, self.special.get("#caps", -1)) for i in capital.tolist()]
        marks_q = [(i, self.special.get("#??", -1)) for i, r in enumerate(rows.tolist()) if texts[r].count("?") >= 2]
        empty = np.flatnonzero(counts[wanted] == 0)
        for found in (marks, marks_q):
            table = np.array(found, np.int64).reshape(-1, 2)
            sections.append((table[:, 0], table[:, 1]))
        sections.append((empty, np.full(len(empty), self.special.get("#empty", -1), np.int64)))
        # the turn before: its words, then its pairs, marked by who said it; the first turn: @start
        later = slot[owner + 1]
        mark = np.where(same[owner], 1, 2)
        keep = (later >= 0) & (position < CONTEXT_WORDS)
        sections.append((later[keep], self.single[mark[keep], ids[keep]]))
        keep_pair = (later >= 0) & paired & (position + 1 < CONTEXT_WORDS)
        found = self._pairs(mark[keep_pair], ids[keep_pair], following[keep_pair])
        sections.append((later[keep_pair], found))
        if slot[0] >= 0:
            sections.append((np.array([slot[0]]), np.array([self.special.get("@start", -1)], np.int64)))

        owners = np.concatenate([s[0] for s in sections]).astype(np.int64)
        features = np.concatenate([s[1] for s in sections]).astype(np.int64)
        known = features >= 0
        owners, features = owners[known], features[known]
        order = np.argsort(owners, kind="stable")  # row by row, each row's sections in order
        return features[order].astype(np.int32), np.bincount(owners, minlength=len(rows))
