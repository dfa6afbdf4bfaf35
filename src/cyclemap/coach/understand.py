"""Reading a draft the way a person would before rewriting it: topic, names, request, time.

No parser and no model here: a handful of patterns that find what a softer
message must keep. "you never help with the dishes" has the topic "the dishes"
and the request "help with the dishes"; "Sam, why didn't you call me" has the
name "Sam" (said to the partner) and the request "call me". A topic keeps up to
two phrases as the draft joins them ("your phone at dinner", "Christmas with
your family"), looks through "your half of" and "forgetting" to what they are
about, and keeps named people ("Sophie") and counts ("the 4 times I called").
What is not found is left out rather than guessed, and the alternatives fall
back to plainer wording ("can we talk about this?").
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
    english = sum(w in _ENGLISH_HINTS for w in words)
    # Common words of the languages nearest in script ("¿Por qué nunca me escuchas?"):
    # where they outnumber English ones, the draft is not English, however short.
    foreign = sum(w in _OTHER_LANGUAGE_HINTS for w in words)
    if foreign >= 2 and foreign > english:
        return False
    if len(words) < 4:
        return True  # too short to tell; "ok" and "k" are English enough
    return english / len(words) >= 0.2


#: Frequent function words of Spanish, Portuguese, French, German, Italian and Dutch that are not English words.
_OTHER_LANGUAGE_HINTS = frozenset("""
por qué que porque nunca siempre nada eres estás estoy tengo tienes quiero puedes hablar contigo conmigo
pero muy también cuando dónde cómo los las una del al mí tú usted ellos nosotros esto eso
você não sempre nunca estou está quero falar comigo contigo porque também muito isso aqui agora
pourquoi jamais toujours rien tu es suis veux peux parler avec moi toi mais très aussi quand où comment
les des une est pas ne je vous nous c'est
warum nie immer nichts du bist ich bin will kannst reden mit mir dich aber sehr auch wenn wo wie
nicht das ist ein eine und sprichst redest
perché mai sempre niente sei sono voglio parlare con te ma molto anche quando dove come non
waarom nooit altijd niets jij ben ik wil praten met mij maar heel ook wanneer waar hoe niet
""".split()) - frozenset("""
me a i in no on so to we he as an be do go if is it my of or us am at by up
come will bin ben hoe heel con ma te al mai dove pas des es est ne sei
""".split())


#: Heads that only point at what they hold: "your half of the guest list" is about the guest list.
_CONTAINERS = frozenset("""
half part share end cost rest side middle start beginning bit price amount conversation fight argument talk
discussion energy strength patience
""".split())
#: Occasions and events: a topic even without "the" ("at dinner", "Christmas with your family").
_EVENTS = frozenset("""
dinner lunch breakfast brunch christmas thanksgiving easter birthday anniversary wedding party holiday
holidays vacation weekend funeral recital graduation concert date valentine's
""".split())
_MEALS = frozenset("dinner lunch breakfast brunch".split())
#: Words ending in -ing that are things, not doings ("the wedding", not "missing").
_NOUN_ING = frozenset("""
wedding meeting morning evening ceiling building thing something nothing everything spring ring clothing
housing painting savings earring earrings shopping
""".split())
#: Words that say how much or how long, not what: a phrase of only these is no topic.
_WEAK = frozenset("time times way lot bit moment minute minutes point reason idea stuff "
                  "second hour hours week weeks home problem problems subject fault issue".split())
#: Prepositions that join two parts of one topic ("the car keys in the kitchen").
_LINKS = frozenset("with at in on for to about during from".split())
_PREPOSITIONS = _LINKS | {"through", "over"}
#: Words after which a name at a sentence start is still a person ("Mia was waiting").
_NAME_VERBS = frozenset("""
is was has had said says keeps kept texted texts called calls told asked wants wanted and thinks thought
""".split())
#: Words that end a phrase without being function words ("your brother's loan anymore").
_PHRASE_STOPS = frozenset("anymore alone yourself again together without before after since until instead".split())
_PUNCTUATION = frozenset(".,;:!?")
_TOKENS = re.compile(r"[A-Za-z][A-Za-z'’-]*|[0-9]+|[.,;:!?]")


def clean_phrase(words: list[str]) -> str:
    return " ".join(w for w in words if w.lower() not in _TOPIC_NOISE)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int  # one past the last token used
    words: tuple[str, ...]
    bare_event: bool = False
    count: bool = False

    @property
    def content(self) -> tuple[str, ...]:
        skip = DETERMINERS | FUNCTION_WORDS | _LINKS | {"of"}
        return tuple(w.lower() for w in self.words if w.lower() not in skip)


def _is_name(tokens: list[str], i: int, addressed: str | None) -> bool:
    """A capital that marks a person or place: not at a sentence start unless a verb follows ("Mia was")."""
    token = tokens[i]
    bare = token[:-2] if token.lower().endswith("'s") else token
    if not bare[:1].isupper() or bare in _NOT_NAMES or bare == addressed or bare.lower() in _EVENTS:
        return False
    if bare.isupper() and len(bare) > 1:  # shouting, not a name
        return False
    if i == 0 or tokens[i - 1] in ".!?":
        return i + 1 < len(tokens) and tokens[i + 1].lower() in _NAME_VERBS
    return True


def _phrase(tokens: list[str], i: int, depth: int = 0) -> tuple[list[str], int, bool]:
    """The noun phrase starting at token i: its words, the index after it, and whether "whole" was dropped."""
    words: list[str] = []
    dropped = False
    if i < len(tokens) and tokens[i].lower() in _TOPIC_LEADS | {"a", "an", "another"}:
        words.append(tokens[i])
        i += 1
    while i < len(tokens) and len(words) < 5:
        word = tokens[i]
        low = word.lower()
        if low in ("whole", "entire"):  # "the whole dinner": how long; the dinner is still the topic
            dropped = True
            i += 1
            continue
        if word in _PUNCTUATION or low in _PHRASE_STOPS or (low in FUNCTION_WORDS and not low.endswith("'s")):
            break
        if word.isupper() and len(word) > 1:  # shouting: "AGAIN", "NOW"
            break
        if words and low.endswith("ed") and len(word) > 4 and any(w.lower() not in DETERMINERS for w in words):
            break  # "your flight landed": the verb ends the phrase
        words.append(word)
        i += 1
    content = [w for w in words if w.lower() not in DETERMINERS | {"a", "an", "another"}]
    if content and depth < 3 and i + 1 < len(tokens) and tokens[i].lower() in ("of", "about", "for"):
        if content[-1].lower() in _CONTAINERS:  # "your half of the guest list": the guest list
            return _phrase(tokens, i + 1, depth + 1)
    if content and depth < 3 and i + 1 < len(tokens) and tokens[i].lower() == "of" and len(words) < 4:
        inner, after, _ = _phrase(tokens, i + 1, depth + 1)  # "the state of the kitchen"
        if [w for w in inner if w.lower() not in DETERMINERS]:
            return [*words, "of", *inner], after, dropped
    if words and words[0].lower() in ("a", "an", "another"):
        words = words[1:]  # "another fight" on its own is not a thing to keep
    return words, i, dropped


_COUNT_UNITS = frozenset("times hours minutes days weeks months texts calls messages".split())


def _count(tokens: list[str], i: int) -> _Span | None:
    """"I called you 4 times" -> "the 4 times I called": a count the person lived through, kept as said."""
    if not (tokens[i].isdigit() and i + 1 < len(tokens) and tokens[i + 1].lower() in _COUNT_UNITS):
        return None
    back = i - 1
    if back >= 0 and tokens[back].lower() in ("you", "u"):
        back -= 1
    if back < 1 or tokens[back - 1] not in ("I", "i", "I've") or tokens[back].lower() in FUNCTION_WORDS:
        return None
    return _Span(i, i + 2, ("the", tokens[i], tokens[i + 1].lower(), "I", tokens[back].lower()), count=True)


def _start(tokens: list[str], i: int, addressed: str | None) -> int | None:
    """Where a topic phrase starts at or just after token i, if one does."""
    low = tokens[i].lower()
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    if low in _TOPIC_LEADS or _is_name(tokens, i, addressed) or low in _EVENTS:
        return i
    if (following and low.endswith("ing") and low not in _NOUN_ING and low not in FUNCTION_WORDS
            and following.lower() not in FUNCTION_WORDS | _TOPIC_NOISE and following not in _PUNCTUATION
            and not following.isupper() and not following.lower().endswith("ly")):
        return i + 1  # "leaving wet towels on the bed": what is done to is the topic
    if following and low in _PREPOSITIONS:
        j = i + 1
        if following.lower().endswith("ing") and following.lower() not in _NOUN_ING:
            j += 1  # "for missing our anniversary": the anniversary
        if j >= len(tokens):
            return None
        word = tokens[j].lower()
        if word in _TOPIC_LEADS or word in _EVENTS or _is_name(tokens, j, addressed):
            return j
        if low in ("about", "with", "for") and word not in FUNCTION_WORDS and word not in _PUNCTUATION:
            return j  # "help with dishes"
    return None


def _spans(tokens: list[str], addressed: str | None) -> list[_Span]:
    """Every content noun phrase, named person, event and count of a draft, in order."""
    found: list[_Span] = []
    i = 0
    while i < len(tokens):
        count = _count(tokens, i)
        if count is not None:
            found.append(count)
            i = count.end
            continue
        start = _start(tokens, i, addressed)
        if start is None:
            i += 1
            continue
        if _is_name(tokens, start, addressed) and not tokens[start].lower().endswith("'s"):
            end = start + 1  # "Sophie", "New York"
            while end < len(tokens) and _is_name(tokens, end, addressed) and len(tokens[end]) > 1:
                end += 1
            words, dropped = tokens[start:end], False
        else:
            words, end, dropped = _phrase(tokens, start)
        i = max(end, start + 1)
        if dropped and words and words[0].lower() == "the" and words[-1].lower() in _MEALS:
            words = words[1:]  # "the whole dinner" -> "dinner"
        words = [w for w in words if w.lower() not in _TOPIC_NOISE]
        span = _Span(start, i, tuple(words), bare_event=bool(words) and words[0].lower() in _EVENTS)
        content = span.content
        if not content or all(w in _WEAK or w in _CONTAINERS for w in content):
            continue
        if len(content) == 1 and len(content[0]) < 3:
            continue
        if dropped and content[-1] not in _EVENTS:  # "the whole evening": how long, not what
            continue
        if not blame_words(" ".join(words)):
            found.append(span)
    return found


def find_topic(text: str, addressed: str | None = None) -> str | None:
    """Up to two content noun phrases, as the draft joins them.

    "the dishes"; "your phone at dinner"; "Christmas with your family"; "the
    wedding guest list" (from "your half of the wedding guest list"); "our
    anniversary" (from "missing our anniversary"); "Sophie".
    """
    tokens = _TOKENS.findall(text.replace("’", "'"))
    spans = _spans(tokens, addressed)
    if not spans:
        return None
    first = spans[0]
    topic = clean_phrase(list(first.words))
    if topic.endswith("'s"):  # "at your sister's": a place
        topic += " place"
    second = next((s for s in spans[1:] if not set(s.content) & set(first.content)), None)
    if second is None:
        return topic
    other = clean_phrase(list(second.words))
    if other.endswith("'s"):
        other += " place"
    gap = [t.lower() for t in tokens[first.end:second.start]]
    if len(gap) == 1 and gap[0] in _LINKS:
        return f"{topic} {gap[0]} {other}"  # "the car keys in the kitchen"
    if second.bare_event and other.lower() in _MEALS:
        return f"{topic} at {other}"  # "your phone at dinner"
    if first.count:
        return f"{topic} about {other}"  # "the 3 times I asked about the shower"
    return f"{topic} and {other}"


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
    names, addressed = find_names(head)
    topic = find_topic(expanded, addressed)
    request = find_request(expanded)
    when = _TIME_WORDS.search(expanded)
    return DraftReading(
        topic=topic, request=request, names=names, addressed=addressed,
        when=when.group(0).lower() if when else None, english=True, words=words, long=long,
        topic_words=content_words(topic),
    )
