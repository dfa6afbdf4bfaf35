"""The safety screen's lexicon: pattern families read from ``data/safety_patterns.json``.

A family is one idea of the codebook ("a threat of harm aimed at a person",
"someone went through the partner's phone") written as a few regular
expressions over *normalised* text, with the guards that tell a figure of
speech, a film or a joke from the real thing. Keeping the families in a data
file keeps them reviewable: a counsellor can read what is looked for and why
without reading Python.

Normalisation makes one pattern cover many spellings: lower case, accents
dropped, apostrophes removed ("I'll" and "ill" and "Ill" all become ``ill``),
letters repeated three times or more cut to two ("pleeease"), fillers of
speech ("um", "uh") and punctuation other than sentence ends turned to
spaces. Every normalised character remembers where it came from, so evidence
names the exact words of the original turn.

Macros (``<YOU>``, ``<I_WILL>`` ...) are written once in the data file and
expanded into every pattern; every pattern is wrapped in word boundaries.

The scan runs on every turn of a chat, so it is built for speed without
changing what it finds (``tests/test_safety_speed.py`` compares it with the
lexicon as it was): a turn is first read as plain words, each word's
contribution is cached (:class:`~cyclemap.safety_anchors.TokenGate`), and
only the few turns whose words could complete some pattern are normalised and
searched; plain ASCII (curly apostrophes allowed) skips the Unicode steps,
and other text is normalised by ``str.translate`` and regular expressions
rather than character by character. A text met again (most chats repeat their
short messages) takes its normalised form, scan and context from a bounded memo.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, reduce
from importlib import resources
from operator import or_

from .memo import BoundedMemo
from .regex_trie import twin
from .safety_anchors import SEPARATORS, TokenGate

_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"
_SENTENCE_ENDS = ".!?\n"
_NO_APOSTROPHES = {ord(c): None for c in _APOSTROPHES}
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
_ASCII_TABLE.update({ord(c): None for c in _APOSTROPHES})  # curly ones too: "don’t" is plain text
_SPACES = re.compile(r"(?:(?<=[ \n])|^) +")
# The same, with the sentence ends kept by normalisation also turned to spaces: text.split() then gives words.
_WORDS_TABLE = {**_ASCII_TABLE, **{ord(c): " " for c in SEPARATORS}}
#: Distinct words remembered by the lexicon's word cache before it starts again (a few MB at most).
WORD_CACHE_SIZE = 200_000
_TRIPLES = re.compile(r"([^ ])\1\1+")


def _plain(text: str) -> bool:
    """True for ASCII text, apostrophes of any kind allowed ("don’t"): its fast paths give the same
    result as the Unicode steps (an apostrophe is dropped either way)."""
    return text.isascii() or text.translate(_NO_APOSTROPHES).isascii()


#: A chat repeats its short messages ("ok", "love you", "where are you?"): what the screen reads of a
#: text (its normalised form, its scan, whether it names a game or a film) is remembered for this many
#: distinct texts of at most MEMO_LENGTH characters (a few MB), then forgotten all at once.
MEMO_SIZE = 50_000
MEMO_LENGTH = 400


def _new_memo() -> BoundedMemo:
    """A memo of the sizes above, read when it is made (so a test can shrink them)."""
    return BoundedMemo(MEMO_SIZE, MEMO_LENGTH)


_NORMALISED = _new_memo()


def normalised_text(text: str) -> str:
    """The same text as ``normalise(text).text``, faster for plain ASCII (no map back kept)."""
    found = _NORMALISED.get(text)
    return found if found is not None else _NORMALISED.keep(text, _normalised_text(text))


def _normalised_text(text: str) -> str:
    if not _plain(text):
        return _normalised_unicode_text(text)
    out = _TRIPLES.sub(r"\1\1", _drop_spaces(text.lower().translate(_ASCII_TABLE)))
    if _has_fillers(out):
        out = _SPACES.sub("", _FILLERS_SPACE.sub("", out))
    return out.rstrip(" ")


def _drop_spaces(text: str) -> str:
    """``_SPACES.sub("", text)``; most texts have no space to drop, which three substring tests show."""
    if "  " in text or "\n " in text or text.startswith(" "):
        return _SPACES.sub("", text)
    return text


def _has_fillers(text: str) -> bool:
    """``_FILLERS.search(text)``, as a bool; every filler holds one of these pairs of letters."""
    return ("um" in text or "uh" in text or "rm" in text or "mm" in text) and _FILLERS.search(text) is not None


# Plain ASCII: each character's normalised form, or None for an apostrophe (dropped).
_ASCII_CHAR: dict[str, str | None] = {c: c.translate(_ASCII_TABLE) or None for c in [*map(chr, range(128)), *_APOSTROPHES]}


def _normalise_ascii(text: str) -> tuple[list[str], list[int]]:
    """``normalise``'s characters and their sources for plain ASCII, without the Unicode steps (speed only:
    for ASCII, lower case and the table give each character's form in one look-up)."""
    chars: list[str] = []
    source: list[int] = []
    form = _ASCII_CHAR
    append, at = chars.append, source.append
    for i, c in enumerate(text.lower()):
        d = form[c]
        if d is None:
            continue
        if d == " ":
            if not chars or chars[-1] in " \n":
                continue
        elif len(chars) >= 2 and chars[-1] == d and chars[-2] == d:
            continue
        append(d)
        at(i)
    return chars, source


def _form(c: str) -> tuple[str, ...]:
    """What one character of a turn becomes: lower case, no accent or apostrophe, punctuation a space."""
    if c in _APOSTROPHES:
        return ()
    out = []
    for d in unicodedata.normalize("NFKD", c.lower()):
        if unicodedata.combining(d) or d in "\ufe0f\u200d":
            continue
        if not _KEEP.match(d) or d in "_<>":
            d = " "
        elif d.isspace():
            d = "\n" if d == "\n" else " "
        out.append(d)
    return tuple(out)


#: Each character's form, worked out once (a chat uses a few hundred distinct characters).
_FORMS: dict[str, tuple[str, ...]] = {}


def _normalise_unicode(text: str) -> tuple[list[str], list[int]]:
    """``normalise``'s characters and their sources for any text, each character's form cached."""
    chars: list[str] = []
    source: list[int] = []
    forms = _FORMS
    if len(forms) > 50_000:
        forms.clear()
    for i, c in enumerate(text):
        form = forms.get(c)
        if form is None:
            form = forms[c] = _form(c)
        for d in form:
            # "soooo" -> "soo", "!!!" -> "!!": one pattern for every drawn-out spelling
            if len(chars) >= 2 and chars[-1] == d and chars[-2] == d and d != " ":
                continue
            if d == " " and (not chars or chars[-1] in " \n"):
                continue
            chars.append(d)
            source.append(i)
    return chars, source


#: Each character's form as one string, for ``str.translate`` (grown as characters are met; speed only).
_FORM_TABLE: dict[int, str] = {}


def _normalised_unicode_text(text: str) -> str:
    """``normalise(text).text`` without the map back: each character's form by ``str.translate``, then the
    same steps as ``normalise`` in C (spaces after a space or a line break go, runs of three or more of
    one character are cut to two; as ``normalise`` does it one character at a time)."""
    table = _FORM_TABLE
    if len(table) > 50_000:
        table.clear()
    for c in set(text):
        if ord(c) not in table:
            table[ord(c)] = "".join(_form(c))
    out = _TRIPLES.sub(r"\1\1", _drop_spaces(text.translate(table)))
    if _has_fillers(out):  # speech fillers go, each with one space after it
        out = _FILLERS_SPACE.sub("", out)
    return out.rstrip(" ")


#: The last few texts' ``normalise`` (with its map back): the screen of a flagged turn asks for it several times
#: (the lexicon's match, the wording model's strongest words, their guards). Small: each holds a map.
_NORMALISE_MEMO = BoundedMemo(256, MEMO_LENGTH)


def normalise(text: str) -> Normalised:
    """Lower case, no accents or apostrophes, no fillers, single spaces; with a map back."""
    found = _NORMALISE_MEMO.get(text)
    return found if found is not None else _NORMALISE_MEMO.keep(text, _normalise(text))


def _normalise(text: str) -> Normalised:
    chars, source = _normalise_ascii(text) if _plain(text) else _normalise_unicode(text)
    joined = "".join(chars)
    if not _FILLERS.search(joined):  # most turns: no fillers to drop
        while chars and chars[-1] == " ":
            chars.pop()
            source.pop()
        return Normalised("".join(chars), tuple(source), text)
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

    def __post_init__(self) -> None:
        # Speed only: a turn's words (each looked up once, then cached) show which parts' required words
        # are all there; only those parts are searched, and most turns search none (see TokenGate).
        parts = [(k, part) for k, f in enumerate(self.families) for part in (f.parts or (f.pattern,))]
        object.__setattr__(self, "_parts", parts)
        object.__setattr__(self, "_gate", TokenGate([part.pattern for _, part in parts]))
        object.__setattr__(self, "_word_cache", {})
        object.__setattr__(self, "_scans", _new_memo())  # text -> (hits, guarded hits), as tuples
        object.__setattr__(self, "_contexts", _new_memo())  # text -> in_context(text)
        object.__setattr__(self, "_context_quick", None)  # built on first use (see _context_twin)

    def _word(self, raw: str) -> int:
        """For one word of a turn (lower case, no apostrophes): what it shows the patterns (its normalised
        spelling's bits, see :class:`TokenGate`) and, in the bit above them, whether it is a gate word.
        Cached: the words of a chat recur, so after the first few hundred turns nearly all are known."""
        cache: dict = self._word_cache  # type: ignore[attr-defined]
        if len(cache) >= WORD_CACHE_SIZE:
            cache.clear()
        gate = not self.gate_words or not self.gate_words.isdisjoint(_TOKENS.findall(raw))
        bits = self._gate.word_info(_TRIPLES.sub(r"\1\1", raw)) | gate << self._gate.width  # type: ignore[attr-defined]
        cache[raw] = bits
        return bits

    def _candidates(self, words: list[str], gate: bool) -> list[int] | None:
        """Indexes of the parts that may match a turn of these words; None when the gate holds it out."""
        known = list(map(self._word_cache.get, words))  # type: ignore[attr-defined]
        if None in known:
            known = [self._word(raw) if bits is None else bits for raw, bits in zip(words, known, strict=True)]
        bits = reduce(or_, known, 0)
        if not gate and not bits >> self._gate.width:  # type: ignore[attr-defined]
            return None
        return self._gate.candidates(bits)  # type: ignore[attr-defined]

    def in_context(self, text: str) -> bool:
        """True when the turn names a game, a film, a sport or a figure of speech (see ``context_guards``)."""
        found = self._contexts.get(text)  # type: ignore[attr-defined]
        if found is None:
            found = self._contexts.keep(text, self._in_context(text))  # type: ignore[attr-defined]
        return found

    def _in_context(self, text: str) -> bool:
        norm = normalised_text(text)
        quick = self._context_twin()
        if quick is not False:
            found = quick.search(norm)
            if found is None:
                return False  # no context guard's words anywhere: one search instead of one per guard
            if found.lastgroup is not None:
                guard = self.guards[self.context[int(found.lastgroup[1:])]]
                if not (guard.unless and guard.unless.search(norm)):
                    return True  # that guard's words are here, and nothing cancels it
        return any(self.guards[name].pattern.search(norm) and not (
            self.guards[name].unless and self.guards[name].unless.search(norm)) for name in self.context)

    def _context_twin(self) -> re.Pattern[str] | bool:
        """One pattern matching wherever some context guard's pattern matches (their union, its word lists
        as tries: :mod:`cyclemap.regex_trie`), a named group per guard, or False where it cannot be made.
        Speed only, and exact: no match means no guard matches; a match names a guard that does."""
        found = self._context_quick
        if found is None:
            found = False
            inner = []
            for name in self.context:  # each guard is _BOUNDARY_BEFORE (?: its words ) _BOUNDARY_AFTER
                source = self.guards[name].pattern.pattern
                if not (source.startswith(_BOUNDARY_BEFORE + "(?:") and source.endswith(")" + _BOUNDARY_AFTER)):
                    break
                words = twin(source[len(_BOUNDARY_BEFORE) + 3: -len(_BOUNDARY_AFTER) - 1])
                if words is None:
                    break
                inner.append(words.pattern)
            else:
                if inner:  # group gK: the K-th context guard matched there (which one, not where: any order)
                    joined = "|".join(f"(?P<g{k}>{s})" for k, s in enumerate(inner))
                    found = re.compile(_BOUNDARY_BEFORE + "(?:" + joined + ")" + _BOUNDARY_AFTER)
            object.__setattr__(self, "_context_quick", found)
        return found

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
        found = self._scans.get(text)  # type: ignore[attr-defined]
        if found is None:
            hits, held = self._scan(text)
            found = self._scans.keep(text, (tuple(hits), tuple(held)))  # type: ignore[attr-defined]
        return list(found[0]), list(found[1])

    def _scan(self, text: str) -> tuple[list[Hit], list[Hit]]:
        hits: list[Hit] = []
        held: list[Hit] = []
        if _plain(text):
            # Most turns end here: their words, each looked up once in a cache, rule out every part.
            possible = self._candidates(text.lower().translate(_WORDS_TABLE).split(), False)
            if not possible:
                return hits, held
            norm = Normalised(normalised_text(text), (), text)
        else:
            if self.gated_out(text):
                return hits, held
            norm = Normalised(normalised_text(text), (), text)
            possible = self._candidates(norm.text.translate(_WORDS_TABLE).split(), True)
        if not norm.text or not possible:
            return hits, held
        by_family: dict[int, list[re.Pattern[str]]] = {}
        for i in possible:
            k, part = self._parts[i]  # type: ignore[attr-defined]
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


class _LazyPattern:
    """A regular expression compiled on first use, then acting as the compiled pattern (``search``,
    ``finditer``, ``pattern`` ...). Speed only: a family's joined pattern is read by tests and tools, not
    by the scan, and compiling it costs as much as all its parts."""

    __slots__ = ("_source", "_compiled")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled

    def __getattr__(self, name: str):  # noqa: ANN204 - whatever the compiled pattern has
        return getattr(self._get(), name)

    def __eq__(self, other: object) -> bool:
        return self._get() == (other._get() if isinstance(other, _LazyPattern) else other)

    def __hash__(self) -> int:
        return hash(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


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
            # the family as one alternation: compiled on first use (the scan searches the parts)
            pattern = _LazyPattern(_BOUNDARY_BEFORE + "(?:" + "|".join(f"(?:{p})" for p in expanded) + ")" + _BOUNDARY_AFTER)
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
