"""A quick, exact "can this pattern match here?" test for the phrase lists, before the regex runs.

Python's regular expressions try every alternative of a long alternation at
every position of a text, so a cue's phrase list costs tens of microseconds
per turn even where none of its phrases occurs (most turns). Every phrase,
though, holds some fixed words ("you never", "fault", "?"). This module reads
a compiled pattern's structure once and finds, for the whole alternation, a
few literal strings of which any match must contain at least one; a plain
substring search for them (C speed) then rules most texts out.

It never changes a result: where it cannot prove what a match must contain
(an alternative made only of character classes, a construct it does not know,
or a text with one of the few letters that case-insensitive matching folds
into ASCII), it answers "maybe" and the regex decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

try:  # the standard library's own parser of regular expressions (internal, stable since 3.11)
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - a Python without it: no prefilter, same results
    _p = _c = None  # type: ignore[assignment]

#: Letters that re.IGNORECASE matches to ASCII letters although they do not lower to them.
_FOLDS = ("\u0130", "\u0131", "\u017f", "\u212a")
#: Literal strings shorter than this do not narrow a search enough to be worth it.
_MIN_LENGTH = 1


def _required(items) -> frozenset[str] | None:  # noqa: ANN001 - a parsed sequence
    """Strings of which any match of the parsed sequence ``items`` holds at least one, or None."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and all(len(s) >= _MIN_LENGTH for s in found):
            if best is None or min(map(len, found)) > min(map(len, best)):
                best = found

    def close_run() -> None:
        if run:
            consider(frozenset(["".join(run)]))
            run.clear()

    for op, arg in items:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        if op is _c.AT:  # zero width: the letters around it are next to each other in the match
            continue
        close_run()
        if op is _c.SUBPATTERN:
            if not arg[1] and not arg[2]:  # a group that changes flags (case) is left to the regex
                consider(_required(arg[-1]))
        elif op is _c.BRANCH:
            parts = [_required(branch) for branch in arg[1]]
            if all(parts):
                consider(frozenset().union(*parts))  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
            consider(_required(arg[2]))
    close_run()
    return best


class Prefilter:
    """``may_match(text)``: False only where ``pattern`` surely finds nothing in ``text``."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.ignorecase = bool(pattern.flags & re.IGNORECASE)
        needles: frozenset[str] | None = None
        if _p is not None:
            try:
                needles = _required(_p.parse(pattern.pattern, pattern.flags))
            except Exception:  # noqa: BLE001 - an unknown construct: no prefilter
                needles = None
        if needles is not None and not all(s.isascii() for s in needles):
            needles = None  # case folding outside ASCII is not worth proving
        self.needles: tuple[str, ...] | None = (
            None if needles is None else tuple(sorted({s.lower() if self.ignorecase else s for s in needles}))
        )

    def may_match(self, text: str, lowered: str | None = None) -> bool:
        """``lowered``: ``text.lower()`` if the caller has it."""
        if self.needles is None:
            return True
        if self.ignorecase:
            if not text.isascii() and any(f in text for f in _FOLDS):
                return True
            text = lowered if lowered is not None else text.lower()
        return any(map(text.__contains__, self.needles))  # map over a method: a C loop


def _splittable(part: str, flags: int) -> Prefilter | None:
    """The prefilter of one alternative, or None when it cannot be searched on its own safely
    (it may match the empty string, or refers to a group by number)."""
    if _p is None:
        return None
    try:
        parsed = _p.parse(part, flags)
    except Exception:  # noqa: BLE001
        return None
    if parsed.getwidth()[0] == 0 or "(?P=" in part or re.search(r"\\[1-9]", part):
        return None
    return Prefilter(re.compile(part, flags))


class Alternation:
    """``|``-joined phrases that find the same matches as the joined pattern, faster.

    The joined pattern tries every phrase at every position of a text. Here each
    phrase is searched on its own, and only where its fixed words occur; the
    leftmost start wins and, at one start, the phrase listed first, which is
    exactly how the joined pattern chooses. Falls back to the joined pattern
    where a phrase cannot be searched alone.
    """

    def __init__(self, parts: Sequence[str], flags: int = 0) -> None:
        self.pattern = re.compile("|".join(f"(?:{p})" for p in parts), flags)
        filters = [_splittable(p, flags) for p in parts]
        self.split = bool(parts) and all(f is not None for f in filters)
        self.parts = [re.compile(p, flags) for p in parts] if self.split else []
        self.ignorecase = bool(flags & re.IGNORECASE)
        # per phrase, the fixed words one of which it needs (None: searched in every text)
        self.needles = [None if f is None or f.needles is None else frozenset(f.needles) for f in filters]
        self.all_needles = tuple(sorted(set().union(*(n for n in self.needles if n is not None))))
        self.always = any(n is None for n in self.needles)

    def _candidates(self, text: str, lowered: str | None) -> list:
        """Per phrase: None (to be searched) or False (its fixed words are not in the text)."""
        if self.ignorecase:
            if not text.isascii() and any(f in text for f in _FOLDS):
                return [None] * len(self.parts)
            text = text.lower() if lowered is None else lowered
        present = set(filter(text.__contains__, self.all_needles))  # one substring search per word
        if not present and not self.always:
            return [False] * len(self.parts)
        return [None if n is None or not n.isdisjoint(present) else False for n in self.needles]

    def _next(self, text: str, lowered: str | None, at: int, found: list) -> re.Match[str] | None:
        """The joined pattern's first match at or after ``at``; ``found`` caches each phrase's."""
        best: re.Match[str] | None = None
        for index, part in enumerate(self.parts):
            match = found[index]
            if match is False:  # its fixed words are not in the text, or it has no match left
                continue
            if match is None or match.start() < at:
                match = found[index] = part.search(text, at) or False
                if match is False:
                    continue
            if best is None or match.start() < best.start():  # ties: the phrase listed first
                best = match
        return best

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """As ``pattern.finditer(text)`` for patterns that never match the empty string."""
        if not self.split:
            yield from self.pattern.finditer(text)
            return
        found = self._candidates(text, None)
        if not any(f is None for f in found):
            return
        at = 0
        while at <= len(text):
            match = self._next(text, None, at, found)
            if match is None:
                return
            yield match
            at = match.end()

    def search(self, text: str, lowered: str | None = None) -> re.Match[str] | None:
        if not self.split:
            return self.pattern.search(text)
        return self._next(text, lowered, 0, self._candidates(text, lowered))
