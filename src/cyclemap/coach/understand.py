"""Reading a draft the way a person would before rewriting it: topic, names, request, time.

No parser and no model here: a handful of patterns that find what a softer
message must keep. "you never help with the dishes" has the topic "the dishes"
and the request "help with the dishes"; "Sam, why didn't you call me" has the
name "Sam" (said to the partner) and the request "call me". What is not found
is left out rather than guessed, and the alternatives fall back to plainer
wording ("can we talk about this?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blame import blame_words

# Texting shorthand, expanded only for reading (the draft itself is never changed).
_SHORTHAND = {
    "u": "you", "ur": "your", "r": "are", "ya": "you", "pls": "please", "plz": "please", "bc": "because",
    "cuz": "because", "coz": "because", "2nite": "tonight", "tonite": "tonight", "2day": "today",
    "2moro": "tomorrow", "tmrw": "tomorrow", "im": "I'm", "ive": "I've", "dont": "don't", "didnt": "didn't",
    "cant": "can't", "wont": "won't", "youre": "you're", "doesnt": "doesn't", "isnt": "isn't",
    "wasnt": "wasn't", "havent": "haven't", "wouldnt": "wouldn't", "couldnt": "couldn't", "thx": "thanks",
    "rn": "right now", "w/": "with", "abt": "about", "tho": "though", "ppl": "people", "msg": "message",
    "txt": "text", "b4": "before", "y": "why", "wat": "what", "wut": "what", "ok": "okay", "k": "okay",
}
#: Words that end a noun phrase or a request (and never start a topic on their own).
FUNCTION_WORDS = frozenset("""
a an the and or but so if then than that this these those there here it its it's is are was were be been being
am do does did done doing have has had having i i'm i've i'd i'll me my mine myself you you're you've you'd you'll
your yours yourself we we're our ours us they them their he she him her his hers to of in on at by for with from
about into onto over under again ever even just really not no never always all any some something anything nothing
everything one ones what why who whom when where how which while because as like too very much more most can can't
could couldn't would wouldn't should shouldn't will won't shall may might must don't doesn't didn't isn't aren't
wasn't weren't haven't hasn't hadn't ok okay yes yeah no nope fine whatever well oh ah um lol haha omg wow please
thanks sorry up down out off back now then today tonight tomorrow yesterday later still already also only
get got go going gone come coming came make made take took say said tell told let want need know think feel
seriously literally honestly actually basically once time times every each other another same own
two three four five six seven eight nine ten right wrong hard easy late early enough
""".split())
#: Words that may lead a topic ("the dishes", "your phone", "my birthday").
DETERMINERS = frozenset("the your my our this that these those his her their".split())
#: Determiners that may start a topic ("that" and "those" are mostly pronouns or adverbs: "is it that hard").
_TOPIC_LEADS = DETERMINERS - {"that", "those"}
#: Blame or heat that must not travel into a softer message with the topic.
_TOPIC_NOISE = frozenset("""
stupid damn damned bloody freaking fucking effing goddamn precious beloved stupid-ass dumb ridiculous
pathetic useless lazy selfish whole entire single little
""".split())
_TIME_WORDS = re.compile(
    r"\b(tonight|today|tomorrow(?: morning| night| evening)?|this (?:morning|afternoon|evening|weekend|week)|"
    r"after (?:work|dinner|lunch|school)|at dinner|on (?:the )?weekend|this saturday|this sunday|"
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
# "you never X", "why didn't you X", "you need to X": X is what the person is asking for.
_REQUEST_LEADS = re.compile(
    r"\b(?:you|u)\s+(?:(?:never|don't|dont|didn't|didnt|won't|wont|can't|cant|couldn't|wouldn't|refuse to|"
    r"forgot to|forget to|keep forgetting to|always forget to|never even|don't even|didn't even|can't even|"
    r"need to|have to|should|could at least|could|must|promised to|said you'd|said you would)\s+)+"
    r"|\bwhy (?:don't|dont|didn't|didnt|can't|cant|won't|wont|couldn't|wouldn't) (?:you|u)\s+(?:ever\s+|even\s+|just\s+)*"
    r"|\b(?:can|could|will|would) (?:you|u) (?:please\s+|just\s+|pls\s+)*"
    r"|\bplease\s+(?:just\s+)*(?=\w)"
    r"|\bi (?:need|want|just want|just need) (?:you|u) to\s+"
    r"|\b(?:is it so hard|would it kill you|was it so hard) to\s+",
    re.IGNORECASE,
)
_REQUEST_STOP = re.compile(
    r"[.,;:!?\n]|\b(?:all (?:day|night|week|evening)|last night|yesterday|today|this morning)\b"
    r"|\b(?:you|never|always|and|but|because|cause|cuz|bc|when|while|so|or|if|like i|like you|ever since|"
    r"for once|for a change|for one|like a normal|like an adult|like everyone|anymore|again|lol|omg|seriously)\b",
    re.IGNORECASE,
)
_IRREGULAR_PAST = {
    "came": "come", "said": "say", "told": "tell", "took": "take", "did": "do", "made": "make", "went": "go",
    "got": "get", "forgot": "forget", "thought": "think", "paid": "pay", "bought": "buy", "brought": "bring",
    "left": "leave", "sent": "send", "met": "meet", "put": "put", "let": "let", "kept": "keep", "gave": "give",
    "wrote": "write", "saw": "see", "heard": "hear", "spent": "spend", "ate": "eat", "rang": "ring",
}
#: Proposals that cannot become a kind request as they stand.
_NOT_A_REQUEST = frozenset("care give a listen understand be shut stop leave get lie bother".split())
_OTHER_REQUEST = {
    # "stop ignoring me": what the person asks for is the opposite
    "ignoring me": "talk with me", "ignoring my messages": "answer my messages",
    "ignoring my texts": "answer my texts", "yelling": "talk with me more quietly",
    "shouting": "talk with me more quietly", "walking away": "stay and talk with me",
    "being on your phone": "put your phone down for a while",
}
_REPHRASE = {"listen to a word": "listen to me", "listen to a single word": "listen to me",
             "do something around the house": "help around the house", "do something": "help"}
_NAME = re.compile(r"\b[A-Z][a-z]+(?:'s)?\b")
_NOT_NAMES = frozenset("""
I I'm I've I'd I'll Im OK Ok Okay Yes No Yeah Nope Fine Why What When Where Who How Can Could Would Will Should
Please Sorry Thanks Thank Hey Hi Hello Oh Well So But And Or Then The This That These Those You Your You're
We We're Our It It's Is Are Do Does Did Don't Didn't Just Really Seriously Honestly Actually Whatever Never
Always Every Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
August September October November December God Christmas Easter Lol Omg Wow Not Im Its Babe Baby Honey Love Dear
Sweetheart Darling Mum Mom Dad Sure Maybe Now Today Tonight Tomorrow Yesterday Here There Let Look Listen Stop
""".split())
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*|[0-9]+")
_LATIN_LETTERS = re.compile(r"[A-Za-z]")
_LETTERS = re.compile(r"[^\W\d_]")
_ENGLISH_HINTS = frozenset("""
i you me my your we our it is are was the a an and but to of in on at that this not do don't can just what
why when so be have with for about always never again am i'm you're it's
""".split())
#: The first part of a very long draft is what gets read for topic and request.
READ_LIMIT = 2000


@dataclass(frozen=True)
class DraftReading:
    """What a softer message must keep from the draft."""

    topic: str | None = None
    request: str | None = None
    names: tuple[str, ...] = ()
    addressed: str | None = None  # a name the draft says to the partner ("Sam, ...")
    when: str | None = None
    english: bool = True
    words: int = 0
    long: bool = False
    topic_words: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        return {
            "topic": self.topic, "request": self.request, "names": list(self.names), "addressed": self.addressed,
            "when": self.when, "english": self.english, "words": self.words, "long": self.long,
        }


def _expand(text: str) -> str:
    """Texting shorthand written out, so the patterns read "u never" as "you never"."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        return _SHORTHAND.get(word.lower(), word)

    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"(?<![\w'])[A-Za-z0-9/]+(?![\w'])", swap, text)


def looks_english(text: str) -> bool:
    """Mostly Latin letters and some of the commonest English words (cyclemap reads English only)."""
    letters = _LETTERS.findall(text)
    if not letters:
        return True  # nothing but digits or emoji: nothing to judge
    latin = len(_LATIN_LETTERS.findall(text)) / len(letters)
    if latin < 0.6:
        return False
    words = [w.lower() for w in _WORDS.findall(_expand(text))]
    if len(words) < 4:
        return True  # too short to tell; "ok" and "k" are English enough
    return sum(w in _ENGLISH_HINTS for w in words) / len(words) >= 0.2


def clean_phrase(words: list[str]) -> str:
    return " ".join(w for w in words if w.lower() not in _TOPIC_NOISE)


def find_topic(text: str) -> str | None:
    """The first noun phrase that carries content: "the dishes", "your phone", "Sam's party"."""
    tokens = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    best: str | None = None
    for i, token in enumerate(tokens):
        low = token.lower()
        lead = low in _TOPIC_LEADS or (token[0].isupper() and low.endswith("'s") and i > 0)
        after_prep = low in ("about", "with", "for") and i + 1 < len(tokens)
        if not (lead or after_prep):
            continue
        start = i if lead else i + 1
        phrase = [tokens[start]] if lead else []
        j = start + 1 if lead else start
        while j < len(tokens) and len(phrase) < 4:
            word = tokens[j]
            if word.lower() in FUNCTION_WORDS and not word.lower().endswith("'s"):
                break
            if word.isupper() and len(word) > 1:  # shouting: "AGAIN", "NOW"
                break
            if phrase and word.lower().endswith("ed") and len(word) > 4 and any(
                w.lower() not in DETERMINERS for w in phrase
            ):  # "your flight landed": the verb ends the phrase
                break
            phrase.append(word)
            j += 1
        if any(w.lower() in ("whole", "entire") for w in phrase):  # "the whole evening": how long, not what
            continue
        content = [w for w in phrase if w.lower() not in DETERMINERS and w.lower() not in _TOPIC_NOISE]
        if not content or all(w.lower() in FUNCTION_WORDS for w in content):
            continue
        if len(content) == 1 and len(content[0]) < 3:
            continue
        candidate = clean_phrase(phrase)
        if candidate.endswith("'s"):  # "at your sister's": a place
            candidate += " place"
        if lead and phrase[0].lower() in ("this", "that", "these", "those") and len(content) == 0:
            continue
        best = candidate
        break
    return best


_E_VERBS = frozenset("like love care share hate move promise arrive save notice close use type phone smile bake "
                     "change charge organise organize arrange argue believe continue decide include invite".split())


def _base_form(verb: str) -> str:
    """A past form turned back into the base form ("called" -> "call"); other words unchanged."""
    low = verb.lower()
    if low in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[low]
    if low.endswith("ied") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith("ed") and len(low) > 4:
        stem = low[:-2]
        if stem + "e" in _E_VERBS:
            return stem + "e"
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsfz":
            return stem[:-1]  # "stopped" -> "stop"
        return stem
    return verb


def find_request(text: str) -> str | None:
    """What the draft asks the partner to do, in base form: "help with the dishes"."""
    for phrase, wanted in _OTHER_REQUEST.items():
        if re.search(rf"\b(?:stop|quit) {phrase}\b", text, re.IGNORECASE):
            return wanted
    for lead in _REQUEST_LEADS.finditer(text):
        rest = text[lead.end():]
        stop = _REQUEST_STOP.search(rest)
        chunk = rest[: stop.start()] if stop else rest
        words = chunk.split()[:8]
        while words and words[0].lower() in ("ever", "even", "just", "once", "actually", "bother", "to", "at", "least"):
            words = words[1:]
        while words and words[-1].lower() in FUNCTION_WORDS - {"me", "us", "up", "out", "back", "home", "down", "off"}:
            words = words[:-1]
        if not words or words[0].lower() in _NOT_A_REQUEST or words[0].lower() in FUNCTION_WORDS:
            continue
        if len(words) > 1 and words[0].lower() == "never":
            words = words[1:]
        words[0] = _base_form(words[0])
        request = " ".join(words)
        request = re.sub(r"\banything\b", "something", request)
        request = re.sub(r"\bever\b\s*", "", request).strip()
        for said, meant in _REPHRASE.items():
            request = re.sub(rf"\b{said}\b", meant, request)
        request = clean_phrase(request.split())
        return request if request and not blame_words(request) else None
    on = re.search(r"\b(?:you're|you are|ur|youre) (?:always |constantly |never off |glued to )?(?:on|glued to) (your \w+)", text, re.IGNORECASE)
    if on:
        return f"put {on.group(1)} down for a while"
    return None


def find_names(text: str) -> tuple[tuple[str, ...], str | None]:
    """Names written with a capital (not at a sentence start), and the one said to the partner."""
    names: list[str] = []
    addressed = None
    vocative = re.match(r"\s*([A-Z][a-z]+)\s*[,!:]", text) or re.search(r",\s*([A-Z][a-z]+)\s*[.!?]*\s*$", text)
    if vocative and vocative.group(1) not in _NOT_NAMES:
        addressed = vocative.group(1)
        names.append(addressed)
    for match in _NAME.finditer(text):
        word = match.group(0)
        bare = word[:-2] if word.endswith("'s") else word
        if bare in _NOT_NAMES or bare in names:
            continue
        before = text[: match.start()].rstrip()
        if not before or before[-1] in ".!?\n":  # a sentence start: a capital says nothing
            continue
        names.append(bare)
    return tuple(names), addressed


def content_words(phrase: str | None) -> tuple[str, ...]:
    """The words of a phrase a rewrite must keep (not "the", not "your")."""
    if not phrase:
        return ()
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", phrase)
    return tuple(w.lower() for w in words if w.lower() not in FUNCTION_WORDS and w.lower() not in DETERMINERS)


_FLIP = {"my": "your", "your": "my", "mine": "yours", "yours": "mine", "me": "you", "you": "me"}


def partner_topic(message: str) -> tuple[str | None, tuple[str, ...]]:
    """The topic of the partner's message, in the drafter's words ("your sister's" -> "my sister's")."""
    reading = read_draft(message)
    if not reading.topic:
        return None, ()
    words = reading.topic.split()
    flipped = [_FLIP.get(w.lower(), w) for w in words]
    return " ".join(flipped), reading.topic_words


def read_draft(draft: str) -> DraftReading:
    """The topic, request, names and time of a draft (its first READ_LIMIT characters)."""
    words = len(draft.split())
    long = len(draft) > READ_LIMIT
    head = draft[:READ_LIMIT]
    english = looks_english(head)
    if not english or not head.strip():
        return DraftReading(english=english, words=words, long=long)
    expanded = _expand(head)
    topic = find_topic(expanded)
    request = find_request(expanded)
    names, addressed = find_names(head)
    when = _TIME_WORDS.search(expanded)
    return DraftReading(
        topic=topic, request=request, names=names, addressed=addressed,
        when=when.group(0).lower() if when else None, english=True, words=words, long=long,
        topic_words=content_words(topic),
    )
