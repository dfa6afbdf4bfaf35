"""A faster twin of a regular expression for yes/no questions: "does it match anywhere in this text?".

Python's engine tries every alternative of an alternation at every position of
a text: a guard of the safety lexicon (hundreds of words and phrases) costs tens
of microseconds per turn even where none occurs. The twin is the same pattern
with every alternation of plain words rewritten as a trie ("kill|kick|kiss" as
``ki(?:ll|ck|ss)``), so the engine follows one branch per character.

The twin matches exactly the same (start, end) spans as the original, as a set:
rewriting ``a|b`` as a trie changes only the order in which alternatives are
tried, never which strings they match, and lookarounds and repeats are copied
as they are. The order decides *which* match ``search`` returns, so the twin is
only for questions whose answer is a yes or no (``bool(twin.search(text))``).
A construct it does not know gives no twin (None): the caller keeps the original.
``tests/test_regex_trie.py`` checks it against the originals on random texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

try:  # the standard library's own parser of regular expressions (internal, stable since 3.11)
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - a Python without it: no twins, the originals are used
    _p = _c = None  # type: ignore[assignment]


class _Unknown(Exception):
    """A construct the twin does not copy: no twin."""


def _literal(code: int) -> str:
    return re.escape(chr(code))


def _in_class(code: int) -> str:
    """One character inside a class, escaped by its code where it is not a plain letter or digit."""
    if code < 128 and chr(code).isalnum():
        return chr(code)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _charset(items) -> str:  # noqa: ANN001 - a parsed character class
    out, negate = [], False
    for op, arg in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            out.append(_in_class(arg))
        elif op is _c.RANGE:
            out.append(_in_class(arg[0]) + "-" + _in_class(arg[1]))
        elif op is _c.CATEGORY and arg in _CATEGORIES:
            out.append(_CATEGORIES[arg])
        else:
            raise _Unknown(op)
    return "[" + ("^" if negate else "") + "".join(out) + "]"


def _word(items) -> str | None:  # noqa: ANN001 - a parsed sequence
    """The plain string a sequence matches, if it is only literal characters."""
    if all(op is _c.LITERAL for op, _ in items):
        return "".join(chr(arg) for _, arg in items)
    return None


def _alternatives(branch) -> list:  # noqa: ANN001 - a parsed BRANCH argument
    """A branch's alternatives, with alternatives that are themselves a bare branch spliced in."""
    out = []
    for items in branch[1]:
        if len(items) == 1 and items[0][0] is _c.BRANCH:
            out.extend(_alternatives(items[0][1]))
        elif (len(items) == 1 and items[0][0] is _c.SUBPATTERN and items[0][1][0] is None
              and not items[0][1][1] and not items[0][1][2] and len(items[0][1][3]) == 1
              and items[0][1][3][0][0] is _c.BRANCH):
            out.extend(_alternatives(items[0][1][3][0][1]))
        else:
            out.append(items)
    return out


def trie(words: Iterable[str]) -> str:
    """One alternation shaped like a trie: the regex engine follows one branch per character."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [_literal(ord(ch)) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(tree)


def _emit(items) -> str:  # noqa: ANN001 - a parsed sequence
    out = []
    for op, arg in items:
        if op is _c.LITERAL:
            out.append(_literal(arg))
        elif op is _c.IN:
            out.append(_charset(arg))
        elif op is _c.NOT_LITERAL:
            out.append("[^" + _in_class(arg) + "]")
        elif op is _c.ANY:
            out.append(".")  # the same "." (no DOTALL: see ``twin``)
        elif op is _c.BRANCH:
            alternatives = _alternatives(arg)
            words = [w for w in (_word(a) for a in alternatives) if w is not None]
            pieces = [_emit(a) for a in alternatives if _word(a) is None]
            if "" in words:
                pieces.append("")  # the empty alternative
            words = list(dict.fromkeys(w for w in words if w))
            if words:
                pieces.insert(0, trie(words))
            out.append("(?:" + "|".join(pieces) + ")")
        elif op is _c.SUBPATTERN:
            group, add, remove, body = arg
            if group is not None or add or remove:
                raise _Unknown(op)  # groups are numbered, flags scoped: not copied
            out.append("(?:" + _emit(body) + ")")
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            low, high, body = arg
            top = "" if high is _c.MAXREPEAT else str(high)
            out.append("(?:" + _emit(body) + "){" + f"{low},{top}" + "}" + ("?" if op is _c.MIN_REPEAT else ""))
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            direction, body = arg
            out.append("(?" + ("<" if direction < 0 else "") + ("=" if op is _c.ASSERT else "!") + _emit(body) + ")")
        elif op is _c.AT and arg in _ANCHORS:
            out.append(_ANCHORS[arg])
        else:
            raise _Unknown(op)
    return "".join(out)


_CATEGORIES = {} if _c is None else {
    _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W", _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s", _c.CATEGORY_NOT_SPACE: r"\S",
}
_ANCHORS = {} if _c is None else {
    _c.AT_END: "$", _c.AT_BEGINNING: "^", _c.AT_BOUNDARY: r"\b", _c.AT_NON_BOUNDARY: r"\B",
    _c.AT_BEGINNING_STRING: r"\A", _c.AT_END_STRING: r"\Z",
}


def twin(source: str, flags: int = 0) -> re.Pattern[str] | None:
    """The yes/no twin of ``re.compile(source, flags)``, or None where it cannot be made.

    Only for str patterns whose flags change nothing the twin copies (no IGNORECASE, MULTILINE, DOTALL,
    VERBOSE: ``.`` and case are not copied)."""
    if _p is None or flags & ~re.UNICODE:
        return None
    try:
        parsed = _p.parse(source, flags)
        if parsed.state.groups > 1:  # numbered groups (and references to them) are not copied
            return None
        return re.compile(_emit(parsed), flags)
    except (_Unknown, re.error, RecursionError, AttributeError):
        return None
