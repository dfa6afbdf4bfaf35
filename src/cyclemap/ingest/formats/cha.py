"""CHAT transcripts (``.cha``): TalkBank's format for CHILDES, CABank and other corpora of talk.

Conversation researchers keep recorded conversations (couples among them,
in CABank) in this format::

    @UTF8
    @Begin
    @Participants:	SAM Sam Partner, ALX Alex Partner
    *SAM:	you said you'd call . \x150_2300\x15
    %com:	sighs
    *ALX:	I was (.) driving . \x152300_4100\x15
    @End

What the reader decides:

* **Utterances.** Each ``*CODE:`` line starts one; a line starting with a
  tab continues the line above it. Dependent tiers (``%mor``, ``%com`` …)
  and headers (``@…``) are annotations, not speech.
* **Speakers.** The name ``@Participants`` gives the code, else its role
  (``Target_Child`` reads "Target Child"), else the code itself.
* **Offsets.** A time bullet (``\\x15start_end\\x15``, milliseconds) gives
  the utterance's start in seconds from the start of the recording.
* **Text.** The transcription marks are removed so the words read as said:
  ``[…]`` annotations, ``<…>`` scope brackets, pauses ``(.)`` ``(1.3)``,
  unintelligible ``xxx``, omitted words ``0v``, events ``&=laughs``,
  fragments ``&+fr``, terminators such as ``+...``, ``‡`` and ``„``, and
  the CA symbols for overlap, pitch and lengthening (``⌈ ⌉ ⌊ ⌋ ↑ ⇗ ≋``,
  ``whi:le``). An utterance with no words left (only ``xxx .`` or ``0 .``)
  is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source

_UTTERANCE = re.compile(r"^\*(?P<code>[A-Za-z0-9_+-]{1,12}):\s?(?P<text>.*)$")
_BULLET = re.compile(r"\x15(?:[^\x15\n]*?)(?P<start>\d+)_(?P<end>\d+)\x15")
_STRAY_BULLET = re.compile(r"\x15[^\x15\n]*\x15?")
_ANNOTATION = re.compile(r"\[[^\]\n]*\]")
_PAUSE = re.compile(r"\((?:\.+|\d+(?::\d+)?(?:\.\d*)?)\)")
# Whole tokens that are marks, not words: unintelligible, omitted, events,
# fragments, terminators and linkers ("+...", "+/.", "+<", "+,", "+≋").
_MARK_TOKEN = re.compile(r"^(?:xxx|yyy|www|0\S*|&[=+*]\S*|\+[./!?\"^,<+≋≈]*|[‡„])$")
# CA transcription symbols (overlap, pitch, tempo, voice quality) and CHAT's
# own linkers: dropped from inside words too.
_CA_SYMBOLS = re.compile("[⌈⌉⌊⌋↑↓⇗↗→↘⇘∆∇°▁▔☺♋⁇∬Ϋ∲§∾⁑⤴⤶∙Ἡʔʕ≋≈↫∮]")
_LENGTHENING = re.compile(r"(?<=[^\W\d_]):+")  # "whi:le", "hm::"
_WORD_MARK = re.compile(r"@[a-z]+(?::[a-z]+)?\b")  # "gato@s:spa", "abc@l"
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.?!,;])")
_ROLES_WITH_NAMES = 3


def speech(text: str) -> str:
    """The words of a CHAT main tier, without transcription marks."""
    text = _STRAY_BULLET.sub(" ", _BULLET.sub(" ", text))
    text = _ANNOTATION.sub(" ", text)
    text = _PAUSE.sub(" ", text).replace("<", " ").replace(">", " ")
    text = _CA_SYMBOLS.sub("", text)
    words = []
    for token in text.split():
        if _MARK_TOKEN.match(token):
            continue
        token = token.lstrip("&-").replace("_", " ")  # "&-uh" is a filler said aloud
        token = _WORD_MARK.sub("", _LENGTHENING.sub("", token))
        token = token.replace("(", "").replace(")", "")  # "(th)at": a sound left out
        if token:
            words.append(token)
    joined = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(words)).strip()
    return "" if not any(ch.isalnum() for ch in joined) else joined


def _participants(value: str) -> dict[str, str]:
    """Code -> the name to show, from '@Participants: CHI Eve Target_Child , MOT Sue Mother'."""
    names: dict[str, str] = {}
    for part in value.split(","):
        fields = part.split()
        if not fields:
            continue
        code = fields[0]
        if len(fields) >= _ROLES_WITH_NAMES:
            names[code] = " ".join(fields[1:-1]).replace("_", " ")
        elif len(fields) == 2:
            names[code] = fields[1].replace("_", " ")
        else:
            names[code] = code
    return names


_MAX_MS_DIGITS = 12  # over 30 years of recording: a longer number is no time (and would overflow a float)


def _offset(text: str) -> float | None:
    bullet = _BULLET.search(text)
    if bullet is None or len(bullet.group("start")) > _MAX_MS_DIGITS:
        return None
    return int(bullet.group("start")) / 1000


def _logical_lines(source: Source) -> Iterator[tuple[int, str]]:
    """Lines with their tab-started continuations joined on, numbered by their first line."""
    current: tuple[int, str] | None = None
    for number, line in source.iter_lines():
        if line.startswith("\t") and current is not None:
            current = (current[0], f"{current[1]} {line.strip()}")
            continue
        if current is not None:
            yield current
        current = (number, line) if line.strip() else None
    if current is not None:
        yield current


def _turns(source: Source) -> Iterator[Turn]:
    names: dict[str, str] = {}
    count = 0
    for number, line in _logical_lines(source):
        line = line.lstrip("\ufeff")
        if line.startswith("@"):
            head, _, value = line.partition(":")
            if head.strip().lower() == "@participants":
                names.update(_participants(value))
            continue
        match = _UTTERANCE.match(line)
        if match is None:
            continue  # dependent tiers (%mor, %com …) and stray lines are annotation
        said = speech(match.group("text"))
        if not said:
            continue
        code = match.group("code")
        count += 1
        yield Turn(str(count), None, names.get(code, code), said, offset=_offset(match.group("text")))
    if count == 0:
        raise source.error(
            "no utterance in this CHAT file",
            hint="a CHAT transcript has lines like '*SAM:\tyou said you would call .'",
        )


def _score(text: str) -> float:
    head = text.lstrip("\ufeff")
    if not head.startswith("@"):
        return 0.0
    if "@Begin" in head[:2000] and ("@Participants" in head or re.search(r"^\*\w+:", head, re.M)):
        return 0.95
    if head.startswith("@UTF8") and re.search(r"^\*\w+:", head, re.M):
        return 0.9
    return 0.0


@register
class ChaReader(Reader):
    name = "cha"
    title = "CHAT transcript (.cha) from TalkBank, CHILDES or CABank"
    example = (
        "@Begin\n"
        "@Participants:\tSAM Sam Partner, ALX Alex Partner\n"
        "*SAM:\tyou said you'd call .\n"
        "*ALX:\tI was (.) driving .\n"
        "@End"
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        return _score(sample.text)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _turns(Source(path))
