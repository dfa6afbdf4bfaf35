"""Can cyclemap read this turn's words? Only emoji, another language, a pasted document: not really.

The move models were trained on English chat and speech. On a message in
Spanish or Chinese they still return a move, with a confidence that means
nothing; on a message of only emoji they read the turns around it (a 👍 after
a complaint can close it down, as the codebook's rule 2 says) but not the
emoji themselves. This module says, cheaply and without a model, which turns
those are, so the labeller can give them a low confidence and say why. A message
of thousands of characters (a letter, a pasted document) is also far from what
the models learned from: its reading is kept, at a low confidence.

Language is told by script (most letters outside the Latin alphabet) or, for
Latin-script languages, by their short function words ("que", "pas", "nicht"),
which English text almost never holds several of. Single words ("gracias") and
English with a foreign name or phrase in it stay English: the bar is several
foreign function words and clearly fewer English ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from ..codebook import Move
from .label import Evidence, MoveLabel

#: How the evidence of a turn in another language, or of only emoji, begins (the analysis counts them by it).
NOT_ENGLISH = "not written in English"
ONLY_EMOJI = "only emoji"
NOT_READ = (NOT_ENGLISH, ONLY_EMOJI)
#: The most confidence a turn in another language gets (an empty message gets 0.3).
UNREADABLE_CONFIDENCE = 0.25
#: The most an emoji-only or very long turn gets: its move is a guess, not a reading of its words.
EMOJI_CONFIDENCE = 0.4
#: Characters beyond which a message is far outside what the models learned from (chat
#: messages and spoken turns, the longest under 500 characters): a letter, a pasted document.
LONG_MESSAGE = 3000

_LETTER = re.compile(r"[^\W\d_]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_A-Za-z]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Words that are frequent in English and in no language below (ambiguous ones are left out of both).
_ENGLISH = frozenset("""
the you your you're i i'm i've i'll it it's is are was were to and of that this what why not don't
can't won't didn't doesn't isn't with for have has had just we they he she them there then been would
will can could get got go going know think want need love sorry okay ok yeah yes please never always
about from at but if how when where who all any really because like did do does my our us be an
""".split())

_LANGUAGES = {
    "Spanish": """que qué por porque pero para con los las el lo esto eso esta está estás estoy siempre nunca
        nada también mi tu tú yo te se del una muy cuando cómo hablar quiero puedes tienes hay ahora sí bien
        gracias mismo siento razón ya donde dónde todo otra vez hacer haces sabes nos les es y de la en
        contigo conmigo ella él usted vas voy eres soy""",
    "Portuguese": """você não eu que por para com uma um isso isto está estou sempre nunca nada também muito
        porque mas meu minha te se do da dos das em é obrigado obrigada sim tudo quero falar agora""",
    "French": """je tu il elle nous vous les des est pas pour avec mais que qui ce ça c'est j'ai suis toi
        moi pourquoi jamais toujours rien sais fais ne le la et un une du au dans sur très oui merci
        parler veux peux tout""",
    "German": """ich du nicht und ist das der ein eine mit auf mir dich dir mich warum immer nie nichts wie
        wir sie es hast habe auch aber noch schon ja nein bitte danke doch mal reden willst""",
    "Italian": """non che sono sei io tu mi ti perché sempre mai niente anche il lo gli della del una un è
        questo quello cosa grazie sì ciao voglio parlare""",
    "Dutch": """ik jij je niet een het is dat wat waarom altijd nooit niets ook maar mij mijn jou jouw
        wil praten nu""",
}
# Words that are also everyday English (or its names) never count as foreign.
_ALSO_ENGLISH = frozenset("""
die was so man also will am an in on as do me a i o no so to he be us real fin son sin come per con
solo ma mal via pan hat war bald gift kind rat arm hand see here mist rock bin is it wat
""".split())
_FOREIGN = {name: frozenset(words.split()) - _ENGLISH - _ALSO_ENGLISH for name, words in _LANGUAGES.items()}
#: Every foreign function word, also as split() leaves it before punctuation ("ahora."), for the quick look.
_ANY_FOREIGN = frozenset(w + end for w in frozenset().union(*_FOREIGN.values())
                         for end in ("", ".", ",", "!", "?", ";", ":", "..."))

#: Scripts named for the reader; the first word of a letter's Unicode name.
_SCRIPTS = {
    "CJK": "Chinese or Japanese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
    "ARABIC": "Arabic", "HEBREW": "Hebrew", "CYRILLIC": "a language written in Cyrillic", "GREEK": "Greek",
    "DEVANAGARI": "Hindi or another language written in Devanagari",
    "THAI": "Thai", "BENGALI": "Bengali", "TAMIL": "Tamil", "GEORGIAN": "Georgian", "ARMENIAN": "Armenian",
}


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why a turn's words cannot be read: ``kind`` and a sentence for its evidence."""

    kind: Literal["emoji", "language", "long"]
    reason: str

    def label(self, move: Move, cue: str | None, confidence: float,
              safety: tuple[str, ...] = (), safety_evidence: tuple[Evidence, ...] = ()) -> MoveLabel:
        """The label such a turn gets, from the model's reading of it; safety flags are kept as found.

        Only emoji: the model's move stands (a 👍 after a complaint closes it down, by the
        codebook's rule 2, and the model reads the turns before it), at a low confidence.
        A very long message: its move stands too, at a low confidence (the models learned
        from chat-length messages). Another language: ``neutral`` at a lower one; a move
        read from words the models were never taught would be made up.
        """
        if self.kind in ("emoji", "long"):
            return MoveLabel(move, cue, min(confidence, EMOJI_CONFIDENCE),
                             (Evidence(self.reason), *safety_evidence), safety)
        return MoveLabel(Move.NEUTRAL, None, min(confidence, UNREADABLE_CONFIDENCE),
                         (Evidence(self.reason), *safety_evidence), safety)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("LATIN") or not name:
        return "LATIN"
    return name.split(" ", 1)[0]


def _foreign_script(head: str) -> str | None:
    """The script most letters are written in, when that is not the Latin alphabet."""
    others = _NON_ASCII_LETTER.findall(head)  # found at C speed; most turns have none or a few accents
    if not others:
        return None
    counts: dict[str, int] = {"LATIN": len(_ASCII_LETTER.findall(head))}
    for char in others:
        script = _script(char)
        counts[script] = counts.get(script, 0) + 1
    script, count = max(counts.items(), key=lambda kv: kv[1])
    if script == "LATIN" or count * 2 < sum(counts.values()):
        return None
    # Words have letters side by side; kaomoji and symbols borrow single letters as drawings
    # ("¯\\_(ツ)_/¯", "ಠ_ಠ", "π"): those are read like emoji, not as another language.
    if not any(_script(a) == script and _script(b) == script for a, b in zip(head, head[1:])
               if a.isalpha() and b.isalpha()):
        return None
    return _SCRIPTS.get(script, "a script other than the Latin alphabet")


def _foreign_words(text: str) -> str | None:
    """The Latin-script language the text is in, when it is clearly not English."""
    lower = text.lower()
    marks = 2 * (("¿" in text) + ("¡" in text))  # Spanish's opening marks say it on their own
    # A quick look first (most turns are English), at C speed: are two foreign function words there
    # at all, before counting properly?
    if not marks and len(_ANY_FOREIGN.intersection(lower.split())) < 2:
        return None
    words = [w.replace("’", "'") for w in _WORD.findall(lower)]
    if not words:
        return None
    kinds = set(words)  # distinct words: "da da da" is one word said three times
    english = len(kinds & _ENGLISH)
    best, score = "", 0
    for name, vocabulary in _FOREIGN.items():
        hits = len(kinds & vocabulary)
        if hits > score:
            best, score = name, hits
    score += marks
    # Several foreign function words, few English ones, and a fair share of the turn.
    if score >= 2 and score > 2 * english and score * 5 >= len(words):
        return best or "Spanish"
    return None


def unreadable(text: str) -> Unreadable | None:
    """Why cyclemap cannot read ``text``'s words, or None when it can (empty text is the caller's case)."""
    if len(text) <= LONG_MESSAGE and text.isascii() and len(_ANY_FOREIGN.intersection(text.lower().split())) < 2:
        return None  # most turns: chat-length English, read in a microsecond (no emoji is ASCII)
    if not text.strip():
        return None
    head = text[:2000]  # a long message shows its language in its first lines
    if head.isascii():  # most turns: Latin letters or none, and no emoji (checked at C speed)
        return (_language(_foreign_words(head)) or _long(text)) if _LETTER.search(head) else None
    if not _LETTER.search(head):
        if any(c.isdigit() for c in head):
            return None
        if any(unicodedata.category(c) in ("So", "Sk", "Co") for c in head):
            return Unreadable("emoji", f"{ONLY_EMOJI}: cyclemap reads words, so this is a guess from the turns around it")
        return None  # "???", "…": punctuation the codebook reads as a move
    return _language(_foreign_script(head) or _foreign_words(head)) or _long(text)


def _language(name: str | None) -> Unreadable | None:
    if name is None:
        return None
    return Unreadable("language", f"{NOT_ENGLISH} (it looks like {name}): "
                                  "cyclemap reads English only, so it is left neutral")


def _long(text: str) -> Unreadable | None:
    if len(text) <= LONG_MESSAGE:
        return None
    return Unreadable("long", f"a very long message ({len(text):,} characters): cyclemap learned from "
                              "chat-length messages, so this reading is uncertain")
