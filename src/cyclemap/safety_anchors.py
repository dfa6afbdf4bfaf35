"""Anchors: literal words every match of a pattern must contain, to skip patterns that cannot match.

The lexicon has about 25 families of long alternations; trying each on every
turn costs a fraction of a millisecond. Each family's regular expression is
read once (with the standard library's parser) to find the sets of literal
strings of which every match must contain at least one each ("kill" *and*
one of "you", "him" ...). Correctness does not depend on the choice: a set
is only used when it is provably required.

:class:`TokenGate` is the first step the lexicon takes on every turn: it
reads a turn as words, remembers what each distinct word can contribute
(most words of a chat recur), and needs every required set of a pattern
before the pattern is searched. Its conditions ignore which word follows
which, so they never rule out a pattern that can match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .regex_trie import trie

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

Anchors = frozenset[str]


def _best(candidates: list[Anchors]) -> Anchors | None:
    """The most selective required set: its shortest string as long as possible, then the fewest strings."""
    useful = [c for c in candidates if c and all(s.strip() for s in c)]
    if not useful:
        return None
    return max(useful, key=lambda c: (min(len(s.strip()) for s in c), -len(c)))


def _required(items) -> Anchors | None:  # noqa: ANN001 - a parsed sub-pattern
    candidates: list[Anchors] = []
    run = ""
    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append(frozenset({run}))
            run = ""
        if op is _c.SUBPATTERN:
            inner = _required(av[-1])
            if inner:
                candidates.append(inner)
        elif op is _c.BRANCH:
            alternatives = [_required(a) for a in av[1]]
            if all(alternatives):
                candidates.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            inner = _required(av[2])
            if inner:
                candidates.append(inner)
    if run:
        candidates.append(frozenset({run}))
    return _best(candidates)


#: A choice between alternatives multiplies their required sets; beyond this many, keep one set each.
_MAX_CLAUSES = 64


def _all_required(items) -> list[Anchors]:  # noqa: ANN001 - a parsed sub-pattern
    """Every required set a sequence proves: a match contains one string of *each* of them.

    Where the sequence chooses between alternatives ("out you" or "tell everyone"), each alternative's
    sets are combined: a set from each, joined, is required ({"out", "tell"} and {"you", "everyone"}).
    """
    found: list[Anchors] = []
    run = ""
    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        if run:
            found.append(frozenset({run}))
            run = ""
        if op is _c.SUBPATTERN:
            found.extend(_all_required(av[-1]))
        elif op is _c.BRANCH:
            found.extend(_either(av[1]))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            found.extend(_all_required(av[2]))
    if run:
        found.append(frozenset({run}))
    return [c for c in dict.fromkeys(found) if c and all(s.strip() for s in c)]


def _either(alternatives) -> list[Anchors]:  # noqa: ANN001 - parsed alternatives
    """The required sets of a choice: one string of each alternative's sets, in every combination."""
    each = [_all_required(a) for a in alternatives]
    if not all(each):
        return []  # an alternative requires nothing: neither does the choice
    size = 1
    for sets in each:
        size *= len(sets)
    if size > _MAX_CLAUSES:
        best = [_best(sets) for sets in each]
        return [frozenset().union(*best)] if all(best) else []  # type: ignore[arg-type]
    combined: list[Anchors] = [frozenset()]
    for sets in each:
        combined = [c | s for c in combined for s in sets]
    return combined


def required_sets(pattern: str, min_length: int = 2) -> list[Anchors]:
    """Sets of literal strings of which every match of ``pattern`` holds one string *each*: the best set
    first, then the others whose strings all have ``min_length`` letters (shorter ones are everywhere)."""
    parsed = _p.parse(pattern)
    best = _required(parsed)
    if best is None:
        return []
    rest = [c for c in _all_required(parsed) if c != best and min(len(s.strip()) for s in c) >= min_length]
    return [best, *dict.fromkeys(rest)]


#: What separates the words of normalised text (spaces and the sentence ends normalisation keeps).
SEPARATORS = " .!?\n"
_SEPARATOR = re.compile("[" + re.escape(SEPARATORS) + "]")


def _conditions(anchor: str) -> tuple[str, ...]:
    """What the words of a text must show for ``anchor`` to occur in it, as tagged strings (none when
    the anchor is only separators: then nothing is required).

    "kill" needs a word holding "kill" (``s:kill``); "dont me" a word ending in "dont" (``e:dont``) and
    one starting with "me" (``b:me``); " the " the word "the" (``w:the``). Which word follows which is
    not checked: the conditions are necessary, not sufficient.
    """
    pieces = _SEPARATOR.split(anchor)
    if len(pieces) == 1:
        return (f"s:{anchor}",)
    found = [f"e:{pieces[0]}"] if pieces[0] else []
    found += [f"w:{p}" for p in pieces[1:-1] if p]
    if pieces[-1]:
        found.append(f"b:{pieces[-1]}")
    return tuple(dict.fromkeys(found))


#: The most frequent words of chat: a condition most of them meet ("ends in you") is met in most turns,
#: so it makes a poor trigger. Only the choice of trigger (speed) depends on this list.
_COMMON = frozenset(
    "i you u me my the a an to and or but so it its is im am are was be been have has had do does did dont "
    "not no yes yeah ok okay just that this what when where why how who if then than there here with for "
    "of on in at by from up out about get got go going gonna want know think like love can cant could "
    "would will wont should really now all some any one more time back home need tell say said see come "
    "your ur we us our they them he she him her his let make take feel sorry please thanks fine good".split()
)


@lru_cache(maxsize=None)
def _commonness(condition: str) -> tuple[int, int]:
    """(how many common words meet the condition, minus its length): lower is a rarer condition."""
    kind, piece = condition[:2], condition[2:]
    test = {"s:": lambda w: piece in w, "e:": lambda w: w.endswith(piece), "b:": lambda w: w.startswith(piece),
            "w:": lambda w: w == piece}[kind]
    return sum(map(test, _COMMON)), -len(piece)


#: Sets per pattern in the first pass (one AND of ints per region): the rest are checked one by one.
_REGIONS = 4


class TokenGate:
    """Which of many patterns can match a normalised text, from what its distinct words show.

    Every required set of every pattern is one bit, met by any anchor of one condition ("kill"); every
    condition of the anchors of several words ("i will") is one bit of a second mask. A word's
    ``word_info`` (computed once per distinct word, cached by the caller) holds both masks' bits and, in
    a few regions of one bit per pattern, which of each pattern's rarest sets it meets. For a turn (the
    OR of its words) a first pass ANDs the regions (a few int operations for all patterns); only the
    patterns left are checked set by set.
    """

    def __init__(self, patterns: list[str]) -> None:
        self.sets = [required_sets(p) for p in patterns]
        set_bits: dict[str, int] = {}  # condition -> the sets its anchor of one word meets
        part_bits: dict[str, int] = {}  # condition -> its bit as part of anchors of several words
        several: dict[int, list[int]] = {}  # set bit -> its anchors of several words, as part_bits masks
        n = len(patterns)
        region_bits: dict[str, int] = {}  # condition -> its bits in the first-pass regions (below)
        free = [0] * _REGIONS  # region k: the patterns with fewer than k + 1 sets in the regions
        self._need: list[int] = []
        bit = 0
        for i, sets in enumerate(self.sets):
            need = 0
            scored: list[tuple[tuple[int, int], set[str]]] = []
            for anchors in sets:
                wanted = [_conditions(a) for a in anchors]
                if not all(wanted):  # an anchor of separators only: this set is always met
                    continue
                for conditions in wanted:
                    if len(conditions) == 1:
                        set_bits[conditions[0]] = set_bits.get(conditions[0], 0) | (1 << bit)
                    else:
                        mask = 0
                        for c in conditions:
                            mask |= part_bits.setdefault(c, 1 << len(part_bits))
                        several.setdefault(bit, []).append(mask)
                need |= 1 << bit
                bit += 1
                keys = [min(cs, key=_commonness) for cs in wanted]
                scored.append(((sum(_commonness(k)[0] for k in keys), -min(len(k) for k in keys)), set(keys)))
            self._need.append(need)
            # The first pass: the pattern's rarest sets in chat, each in its own region, each met by a word
            # with the rarest condition of one of its anchors (an anchor that occurs meets all of its
            # conditions, so this never rules a match out; which sets go first is speed only).
            scored.sort(key=lambda item: item[0])
            for k in range(_REGIONS):
                if k < len(scored):
                    for c in scored[k][1]:
                        region_bits[c] = region_bits.get(c, 0) | 1 << (k * n + i)
                else:
                    free[k] |= 1 << i
        # One int per word, so a turn is one OR per word: sets | several-word parts << P | patterns << T.
        self._p_shift = bit
        self._all_sets = (1 << bit) - 1
        self._t_shift = bit + len(part_bits)
        #: Bits used by ``word_info``'s int (callers may put their own above it).
        self.width = self._t_shift + _REGIONS * n
        self._n = n
        self._free = free
        self._region_bits = region_bits
        self._set_bits = set_bits
        self._part_bits = part_bits
        self._several = {b: tuple(masks) for b, masks in several.items()}
        self._several_mask = sum(1 << b for b in several)
        known = set(set_bits) | set(part_bits) | set(region_bits)
        inside = {c[2:] for c in known if c.startswith("s:")}
        self._inside = {w: tuple("s:" + w[:k] for k in range(1, len(w) + 1) if w[:k] in inside) for w in inside}
        self._inside_scan = re.compile("(?=(" + trie(inside) + "))") if inside else None
        self._ends = {c[2:] for c in known if c.startswith("e:")}
        self._begins = {c[2:] for c in known if c.startswith("b:")}
        self._words = {c[2:] for c in known if c.startswith("w:")}

    def word_info(self, word: str) -> int:
        """One normalised word's bits: of the sets it meets, of the conditions of several-word anchors it
        meets, of the patterns it triggers (packed in one int, see ``candidates``)."""
        met: set[str] = set()
        if self._inside_scan is not None:
            for found in self._inside_scan.findall(word):
                met.update(self._inside[found])
        n = len(word)
        met.update("e:" + word[k:] for k in range(n) if word[k:] in self._ends)
        met.update("b:" + word[:k] for k in range(1, n + 1) if word[:k] in self._begins)
        if word in self._words:
            met.add("w:" + word)
        sets = parts = triggered = 0
        for condition in met:
            sets |= self._set_bits.get(condition, 0)
            parts |= self._part_bits.get(condition, 0)
            triggered |= self._region_bits.get(condition, 0)
        return sets | parts << self._p_shift | triggered << self._t_shift

    def candidates(self, bits: int) -> list[int]:
        """Indexes (ascending) of the patterns whose every required set is met, from the OR of a turn's
        words' ``word_info`` (the patterns it names as triggered, plus those never triggered, are checked)."""
        n = self._n
        regions = bits >> self._t_shift
        triggered = (1 << n) - 1
        for k, free in enumerate(self._free):
            triggered &= regions >> (k * n) | free
        if not triggered:
            return []
        parts = bits >> self._p_shift
        unmet = ~bits & self._all_sets
        hard = unmet & ~self._several_mask  # unmet sets that no several-word anchor can meet
        soft = unmet & self._several_mask
        need, several = self._need, self._several
        met_later: dict[int, bool] = {}  # a soft set's verdict, worked out once per turn
        out = []
        while triggered:
            low = triggered & -triggered
            triggered ^= low
            i = low.bit_length() - 1
            if need[i] & hard:
                continue
            missing = need[i] & soft
            while missing:
                low = missing & -missing
                missing ^= low
                verdict = met_later.get(low)
                if verdict is None:
                    verdict = False
                    for m in several[low.bit_length() - 1]:
                        if m & parts == m:
                            verdict = True
                            break
                    met_later[low] = verdict
                if not verdict:
                    break
            else:
                out.append(i)
        return out
