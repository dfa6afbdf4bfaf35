"""The safety lexicon as it was before the speed work (safety_anchors.py and safety_lexicon.py verbatim),
kept as the reference that tests/test_safety_speed.py and bench/safety_speed.py compare the shipped
lexicon with. Not used at run time."""
# ruff: noqa
from __future__ import annotations
# --- safety_anchors.py (before) ---


import re
from collections.abc import Iterable

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


def required_anchors(pattern: str) -> Anchors | None:
    """Literal strings one of which every match of ``pattern`` contains; None when none can be proved."""
    return _required(_p.parse(pattern))


def _trie(words: Iterable[str]) -> str:
    """One alternation shaped like a trie: the regex engine follows one branch per character."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(tree)


class AnchorIndex:
    """Which of many patterns can match a text, from one scan for their anchors."""

    def __init__(self, patterns: list[str]) -> None:
        anchor_sets = [required_anchors(p) for p in patterns]
        self.always = frozenset(i for i, a in enumerate(anchor_sets) if a is None)
        owners: dict[str, set[int]] = {}
        for i, anchors in enumerate(anchor_sets):
            for anchor in anchors or ():
                owners.setdefault(anchor, set()).add(i)
        # A longer anchor found at a position also means every anchor that is its prefix is there.
        self._owners = {
            word: frozenset().union(*(owners[word[:k]] for k in range(1, len(word) + 1) if word[:k] in owners))
            for word in owners
        }
        self._scan = re.compile("(?=(" + _trie(owners) + "))") if owners else None

    def candidates(self, text: str) -> frozenset[int]:
        """Indexes of the patterns that may match ``text`` (all others certainly do not)."""
        found = set(self.always)
        if self._scan is not None:
            for match in self._scan.finditer(text):
                word = match.group(1)
                if word:
                    found |= self._owners[word]
        return frozenset(found)

# --- safety_lexicon.py (before) ---


import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"
_SENTENCE_ENDS = ".!?\n"
_KEEP = re.compile(r"[\w\s.!?<>]|[^\x00-\x7f]")  # letters, digits, space, sentence ends, emoji
_FILLERS = re.compile(r"(?<![a-z0-9])(?:u+m+|u+h+|e+r+m+|hmm+|mm+)(?![a-z0-9])")
_FILLERS_SPACE = re.compile(_FILLERS.pattern + " ?")
_MACRO = re.compile(r"<([A-Z_0-9]+)>")
_BOUNDARY_BEFORE = r"(?<![a-z0-9])"
_BOUNDARY_AFTER = r"(?![a-z0-9])"


@dataclass(frozen=True)
class Normalised:
    """A turn's normalised text and, for each of its characters, the index it came from."""

    text: str
    source: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span for normalised characters ``start:end``."""
        if start >= end:
            return 0, 0
        return self.source[start], self.source[end - 1] + 1

    def sentence(self, start: int, end: int) -> str:
        """The normalised sentence holding ``start:end`` with the sentences either side of it: guards
        look only there ("you used all the hot water. I'm going to kill you"), not across a long turn."""
        left = start
        for _ in range(2):
            left = max(self.text.rfind(c, 0, max(left - 1, 0)) for c in _SENTENCE_ENDS) + 1 if left > 0 else 0
        right = end
        for _ in range(2):
            rights = [i for i in (self.text.find(c, right + 1) for c in _SENTENCE_ENDS) if i >= 0]
            right = min(rights) if rights else len(self.text)
        return self.text[left:right]


_ASCII_TABLE: dict[int, str | None] = {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) in ".!?\n ")}
_ASCII_TABLE.update({ord(c): None for c in _APOSTROPHES if c.isascii()})
_SPACES = re.compile(r"(?:(?<=[ \n])|^) +")
_TRIPLES = re.compile(r"([^ ])\1\1+")


def normalised_text(text: str) -> str:
    """The same text as ``normalise(text).text``, faster for plain ASCII (no map back kept)."""
    if not text.isascii():
        return normalise(text).text
    out = _TRIPLES.sub(r"\1\1", _SPACES.sub("", text.lower().translate(_ASCII_TABLE)))
    if _FILLERS.search(out):
        out = _SPACES.sub("", _FILLERS_SPACE.sub("", out))
    return out.rstrip(" ")


def normalise(text: str) -> Normalised:
    """Lower case, no accents or apostrophes, no fillers, single spaces; with a map back."""
    chars: list[str] = []
    source: list[int] = []
    for i, c in enumerate(text):
        if c in _APOSTROPHES:
            continue
        for d in unicodedata.normalize("NFKD", c.lower()):
            if unicodedata.combining(d) or d in "\ufe0f\u200d":
                continue
            if not _KEEP.match(d) or d in "_<>":
                d = " "
            elif d.isspace():
                d = "\n" if d == "\n" else " "
            # "soooo" -> "soo", "!!!" -> "!!": one pattern for every drawn-out spelling
            if len(chars) >= 2 and chars[-1] == d and chars[-2] == d and d != " ":
                continue
            if d == " " and (not chars or chars[-1] in " \n"):
                continue
            chars.append(d)
            source.append(i)
    joined = "".join(chars)
    # Speech fillers go ("I'm, um, scared of him" reads as "im scared of him").
    keep = [True] * len(joined)
    for m in _FILLERS.finditer(joined):
        for k in range(m.start(), min(m.end() + 1, len(joined))):
            if k < m.end() or joined[k] == " ":
                keep[k] = False
    chars = [c for c, k in zip(joined, keep, strict=True) if k]
    source = [s for s, k in zip(source, keep, strict=True) if k]
    while chars and chars[-1] == " ":
        chars.pop()
        source.pop()
    return Normalised("".join(chars), tuple(source), text)


@dataclass(frozen=True)
class Family:
    """One idea of the codebook: its flag, how sure a match makes us, its patterns and guards."""

    id: str
    flag: str
    level: str  # "clear": enough on its own; "possible": needs the model's support
    pattern: re.Pattern[str]
    guards: tuple[str, ...]
    parts: tuple[re.Pattern[str], ...] = ()  # each pattern of the family on its own (searched one by one)


@dataclass(frozen=True)
class Guard:
    """Words that show a match is a figure of speech, a story, a game or a joke."""

    id: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None  # words that cancel the guard ("not joking", "fr")


@dataclass(frozen=True)
class Hit:
    """One family matched in a turn: the original words and where they are."""

    family: str
    flag: str
    level: str
    text: str
    start: int
    end: int


_TOKENS = re.compile(r"[^\W\d_]+")
_NO_APOSTROPHES = {ord(c): None for c in _APOSTROPHES}


def _fold(word: str) -> str:
    """A word without accents ("contraseña" -> "contrasena"), as the patterns spell it."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Lexicon:
    families: tuple[Family, ...]
    guards: dict[str, Guard]
    gate_words: frozenset[str] = frozenset()
    gate_marks: tuple[str, ...] = ()
    context: tuple[str, ...] = ()  # guards that, anywhere in a turn, raise the model's bars for every flag
    index: AnchorIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Speed only: one scan for the families' required words, then only those families are searched.
        parts = [(k, part) for k, f in enumerate(self.families) for part in (f.parts or (f.pattern,))]
        object.__setattr__(self, "_parts", parts)
        object.__setattr__(self, "index", AnchorIndex([part.pattern for _, part in parts]))

    def in_context(self, text: str) -> bool:
        """True when the turn names a game, a film, a sport or a figure of speech (see ``context_guards``)."""
        norm = normalised_text(text)
        return any(self.guards[name].pattern.search(norm) and not (
            self.guards[name].unless and self.guards[name].unless.search(norm)) for name in self.context)

    def gated_out(self, text: str) -> bool:
        """True when no pattern can match (no gate word or mark): most turns, at the cost of one scan."""
        if not self.gate_words:
            return False
        lowered = text.lower().translate(_NO_APOSTROPHES)  # "can't" is the token "cant", as patterns spell it
        if not self.gate_words.isdisjoint(_TOKENS.findall(lowered)):
            return False
        if not lowered.isascii():
            if not self.gate_words.isdisjoint(_fold(w) for w in _TOKENS.findall(lowered)):
                return False
            return not any(mark in text for mark in self.gate_marks)
        return True

    def guarded(self, family: Family, norm: Normalised, start: int, end: int) -> bool:
        sentence = norm.sentence(start, end)
        for name in family.guards:
            guard = self.guards[name]
            if guard.pattern.search(sentence) and not (guard.unless and guard.unless.search(norm.text)):
                return True
        return False

    def scan(self, text: str) -> tuple[list[Hit], list[Hit]]:
        """(hits, guarded hits): every family's first match in ``text``, split by whether a guard held."""
        hits: list[Hit] = []
        held: list[Hit] = []
        if self.gated_out(text):
            return hits, held
        norm = Normalised(normalised_text(text), (), text)
        if not norm.text:
            return hits, held
        possible = self.index.candidates(norm.text)
        by_family: dict[int, list[re.Pattern[str]]] = {}
        for i in sorted(possible):
            k, part = self._parts[i]
            by_family.setdefault(k, []).append(part)
        if not any(part.search(norm.text) for parts in by_family.values() for part in parts):
            return hits, held
        norm = normalise(text)  # a match: now the map back to the original words is needed
        for k in sorted(by_family):
            family = self.families[k]
            # Leftmost first; at one place, the family's patterns in their order (as one alternation would).
            matches = sorted(
                ((m.start(), order, m.end()) for order, part in enumerate(by_family[k]) for m in part.finditer(norm.text))
            )
            chosen: Hit | None = None
            was_guarded: Hit | None = None
            for m_start, _, m_end in matches:
                start, end = norm.span(m_start, m_end)
                hit = Hit(family.id, family.flag, family.level, text[start:end], start, end)
                if self.guarded(family, norm, m_start, m_end):
                    was_guarded = was_guarded or hit
                    continue
                chosen = hit
                break
            if chosen is not None:
                hits.append(chosen)
            elif was_guarded is not None:
                held.append(was_guarded)
        return hits, held


def _expand(pattern: str, macros: dict[str, str], depth: int = 0) -> str:
    if depth > 5:
        raise ValueError(f"macros nest too deeply in {pattern!r}")
    expanded = _MACRO.sub(lambda m: "(?:" + macros[m.group(1)] + ")", pattern)
    return _expand(expanded, macros, depth + 1) if _MACRO.search(expanded) else expanded


def compile_lexicon(data: dict) -> Lexicon:
    """Build the lexicon from the data file's object (raises ValueError on an unknown macro or guard)."""
    macros: dict[str, str] = data.get("macros", {})
    guards = {}
    for name, spec in data.get("guards", {}).items():
        pattern = re.compile(_BOUNDARY_BEFORE + "(?:" + _expand("|".join(spec["patterns"]), macros) + ")" + _BOUNDARY_AFTER)
        unless = spec.get("unless")
        guards[name] = Guard(name, pattern, re.compile(_BOUNDARY_BEFORE + "(?:" + "|".join(unless) + ")" + _BOUNDARY_AFTER) if unless else None)
    families = []
    for spec in data["families"]:
        for name in spec.get("guards", []):
            if name not in guards:
                raise ValueError(f"family {spec['id']} names an unknown guard {name!r}")
        try:
            expanded = [_expand(p, macros) for p in spec["patterns"]]
            pattern = re.compile(_BOUNDARY_BEFORE + "(?:" + "|".join(f"(?:{p})" for p in expanded) + ")" + _BOUNDARY_AFTER)
            parts = tuple(re.compile(_BOUNDARY_BEFORE + "(?:" + p + ")" + _BOUNDARY_AFTER) for p in expanded)
        except (KeyError, re.error) as error:
            raise ValueError(f"family {spec['id']}: {error}") from None
        families.append(Family(spec["id"], spec["flag"], spec["level"], pattern, tuple(spec.get("guards", [])), parts))
    gate = data.get("gate", {})
    return Lexicon(tuple(families), guards, frozenset(gate.get("words", ())), tuple(gate.get("marks", ())),
                   tuple(data.get("context_guards", ())))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon (read once)."""
    raw = resources.files("cyclemap").joinpath("data/safety_patterns.json").read_text(encoding="utf-8")
    return compile_lexicon(json.loads(raw))
