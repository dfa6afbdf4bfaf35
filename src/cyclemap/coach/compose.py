"""Softer alternatives, composed from varied templates that keep the draft's own topic and request.

For a pursuit: the feeling and the need underneath, then a clear, kind request
("I've been feeling alone with the dishes lately. I'd love us to feel like a
team. Could you help with the dishes tonight?"). For a withdrawal: the
overwhelm named, a time to come back, reassurance ("I'm flooded right now and
I want to get this right. Give me twenty minutes and I'll come back to talk
about the money. I'm not going anywhere.").

This module only writes candidates; :mod:`cyclemap.coach.check` keeps those the
classifier reads as ``soften`` and that carry no blame words. Several
wordings of each kind are written so that one that passes usually exists,
and the choice among them varies with the draft, so the voice is not always
the same.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from .understand import DraftReading


@dataclass(frozen=True)
class Candidate:
    """One written alternative before the classifier has read it."""

    text: str
    kind: str


# --- pursuit: what is underneath, per cue -------------------------------------------------------
# {topic} is always used where singular and plural read alike ("about the dishes", "with your phone").
_FEELING: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # cue: (with a topic, without one)
    "criticize": (
        ("I've been feeling a bit alone lately, especially around {topic}.",
         "When it comes to {topic}, I've been feeling tired and a bit alone.",
         "I feel hurt about {topic}, and a bit lonely with it."),
        ("I've been feeling a bit alone lately.", "I feel hurt and a bit lonely right now."),
    ),
    "demand": (
        ("I care a lot about {topic}, and I get worried it will slip away if we don't talk.",
         "I feel anxious about {topic} and I don't want it to get lost."),
        ("I feel anxious right now, and I don't want this to get lost.", "I'm worried, and this matters to me."),
    ),
    "interrogate": (
        ("I feel unsure about {topic}, and my mind starts racing when I don't know what happened.",
         "I'm feeling a bit lost about {topic}, and I'd like to understand."),
        ("I feel unsure, and my mind starts racing when I don't know what happened.",
         "I'm feeling a bit lost right now, and I'd like to understand."),
    ),
    "reassure_seek": (
        ("I'm feeling a bit insecure, and I keep thinking about {topic}.",
         "I feel unsure about us right now, and {topic} is on my mind."),
        ("I'm feeling a bit insecure about us right now.", "I feel unsure about us, and I miss feeling close to you."),
    ),
    "complain_response": (
        ("I'm feeling a bit lost in this talk about {topic}, and I really want us to understand each other.",
         "I feel hurt and a bit alone with {topic} right now."),
        ("I'm feeling a bit lost in this conversation, and I really want us to understand each other.",
         "I feel hurt and a bit alone right now."),
    ),
    "contact": (
        ("I miss you, and I feel anxious when I don't hear from you about {topic}.",
         "I feel a bit lonely about {topic}, and I miss you."),
        ("I miss you, and I feel anxious when I don't hear from you.", "I feel a bit lonely right now, and I miss you."),
    ),
    "escalate": (
        ("I'm really hurt about {topic}, and I'm too upset to say it well right now.",
         "I feel so hurt about {topic}, and I don't want to say things I don't mean."),
        ("I'm really hurt, and I'm too upset to say this well right now.",
         "I feel so hurt, and I don't want to say things I don't mean."),
    ),
}
_NEED: dict[str, tuple[str, ...]] = {
    "criticize": ("I'd love us to feel like a team on this.", "What I need is to feel that we're in this together."),
    "demand": ("I need to know we'll come back to it.", "I need to know it matters to you too."),
    "interrogate": ("I just want to understand.", "I need to feel close to you again."),
    "reassure_seek": ("I need to hear that we're okay.", "I need to feel close to you."),
    "complain_response": ("I need to feel heard.", "What I need is to feel that you understand me."),
    "contact": ("I need to know you're there.", "I'd love to hear from you."),
    "escalate": ("I want us to be on the same side again.", "I need us to be close again."),
}
_REQUEST = ("Could you {request} {when}?", "Would you {request} {when}? It would mean a lot to me.",
            "It would really help me if you could {request} {when}.")
_TOPIC_REQUEST = ("Could we talk about {topic} {when}?", "Can we find some time to talk about {topic} {when}?")
_PLAIN_REQUEST = ("Could we talk {when}?", "Can we find some time to talk {when}?")
#: What a pursuit asks for when the draft names no request or topic, per cue.
_CUE_REQUEST: dict[str, tuple[str, ...]] = {
    "contact": ("Could you send me a quick message when you can?", "Could you call me when you get a moment?"),
    "reassure_seek": ("Could you tell me we're okay, and give me a hug when you get home?",
                      "Could you hold me for a bit when you get home?"),
    "interrogate": ("Could you tell me what happened, when you're ready?", "Would you tell me how it was for you?"),
}
_WHEN = ("tonight", "when you get a chance", "later today")
_INVITE = ("I want to hear how it is for you too.", "I'd love to hear what it's like for you.")
_CYCLE = ("I think we're slipping into our old loop{about}, and I don't want that for us.",
          "This feels like our old pattern{about} again, and I'd rather we faced it together.")

# --- withdrawal: overwhelm, a time to come back, reassurance ------------------------------------
_OVERWHELM = ("I'm feeling flooded right now, and I don't want to say something I don't mean.",
              "This is a lot for me right now, and I want to get it right.",
              "I'm overwhelmed right now and I need a moment to settle.")
_COME_BACK = ("Can we pause for {duration} and come back to {topic_or_this} {comeback}?",
              "Give me {duration}, and I'll come back {comeback} so we can talk about {topic_or_this}.",
              "I need {duration}; {comeback}, I want to talk about {topic_or_this} properly.")
_REASSURE = ("I'm not going anywhere.", "I love you, and we're okay.", "I care about you, and about this.")
_VALIDATE = ("I can see you care about {topic_or_this}, and I do too.",
             "I hear you, and I don't want to brush {topic_or_this} aside.")
_STAY = ("I'm not shutting you out.", "I don't want to disappear on you.")
_DURATIONS = ("twenty minutes", "half an hour", "an hour")


def _pick(options: Sequence[str], seed: int, k: int = 0) -> str:
    return options[(seed + k) % len(options)]


def _tidy(text: str) -> str:
    """One space between words, no space before punctuation, each sentence with a capital."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([?.!,;])", r"\1", text)
    return re.sub(r"(^|[.?!]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def _address(reading: DraftReading, text: str) -> str:
    """Keep a name the draft said to the partner: "Sam, ..."."""
    if not reading.addressed:
        return text
    keep_capital = re.match(r"I\b", text) is not None  # "I", "I'm", "I've" keep their capital
    return f"{reading.addressed}, {text if keep_capital else text[0].lower() + text[1:]}"


def pursuit_candidates(reading: DraftReading, cue: str | None, seed: int) -> list[Candidate]:
    """Feeling and need underneath plus a clear, kind request, in three kinds and several wordings."""
    cue = cue if cue in _FEELING else "criticize"
    topic = reading.topic
    with_topic, without_topic = _FEELING[cue]
    feelings = with_topic if topic else without_topic
    when = reading.when or _pick(_WHEN, seed)
    if reading.request:
        requests = [r.format(request=reading.request, when=when) for r in _REQUEST]
    elif topic:
        requests = [r.format(topic=topic, when=when) for r in _TOPIC_REQUEST]
    elif cue in _CUE_REQUEST:
        requests = list(_CUE_REQUEST[cue])
    else:
        requests = [r.format(when=when) for r in _PLAIN_REQUEST]
    about = f" about {topic}" if topic else ""
    out: list[Candidate] = []
    for k in range(2):
        feeling = _pick(feelings, seed, k).format(topic=topic)
        need = _pick(_NEED[cue], seed, k)
        request = _pick(requests, seed, k)
        out.append(Candidate(_tidy(f"{feeling} {need} {request}"), "feeling+need+request"))
        if reading.request or not topic:
            invite = f"{request} {_pick(_INVITE, seed, k)}"
        else:
            invite = f"Can we talk about {topic} {when}? {_pick(_INVITE, seed, k)}"
        out.append(Candidate(_tidy(f"{feeling} {invite}"), "feeling+invite"))
        cycle = _pick(_CYCLE, seed, k).format(about=about)
        out.append(Candidate(_tidy(f"{cycle} {need} {request}"), "name_cycle+need+request"))
    return [Candidate(_address(reading, c.text), c.kind) for c in out]


def withdrawal_candidates(reading: DraftReading, cue: str | None, seed: int, draft: str = "") -> list[Candidate]:
    """The overwhelm named, a time to come back and reassurance, in three kinds and several wordings."""
    topic_or_this = reading.topic or "this"
    late = re.search(r"\b(bed|sleep|tired|night)\b", draft, re.IGNORECASE)
    out: list[Candidate] = []
    for k in range(2):
        duration = "a night's sleep" if late else _pick(_DURATIONS, seed, k)
        comeback = "tomorrow morning" if late else (reading.when or "after that")
        overwhelm = _pick(_OVERWHELM, seed, k)
        come_back = _pick(_COME_BACK, seed, k).format(duration=duration, topic_or_this=topic_or_this, comeback=comeback)
        reassure = _pick(_REASSURE, seed, k)
        out.append(Candidate(_tidy(f"{overwhelm} {come_back} {reassure}"), "overwhelm+time+reassurance"))
        validate = _pick(_VALIDATE, seed, k).format(topic_or_this=topic_or_this)
        out.append(Candidate(_tidy(f"{validate} {overwhelm} {come_back}"), "validate+overwhelm+time"))
        stay = _pick(_STAY, seed, k)
        out.append(Candidate(_tidy(f"{stay} {overwhelm} {come_back} {reassure}"), "stay+overwhelm+time+reassurance"))
    return [Candidate(_address(reading, c.text), c.kind) for c in out]


def candidates(reading: DraftReading, move: str, cue: str | None, draft: str) -> list[Candidate]:
    """All candidates for a pursuit or a withdrawal (none for other moves)."""
    seed = zlib.crc32(draft.encode("utf-8", "replace"))  # the same draft always gets the same wording
    if move == "pursue":
        found = pursuit_candidates(reading, cue, seed)
        if cue == "escalate":  # heat this high: naming the overwhelm is the other way out
            found += withdrawal_candidates(reading, "shutdown", seed, draft)[:2]
        return found
    if move == "withdraw":
        return withdrawal_candidates(reading, cue, seed, draft)
    return []
