"""Timed-caption transcripts: WebVTT with ``<v Name>`` voice tags, and SRT with ``Name:`` prefixes.

Caption tools split one utterance over many short cues; consecutive cues of
the same speaker are joined into one turn (the codebook's unit), starting at
the first cue's time. Captions where nobody is named (film subtitles) are an
error: there is no conversation to read. Timings may be unpadded, as
Microsoft Teams writes them (``0:0:1.0 --> 0:0:3.250``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from .transcript import split_speaker, stamp_seconds

# Microsoft Teams writes unpadded stamps ("0:0:1.0 --> 0:0:3.250"), so the
# minutes and seconds fields take one digit or two.
TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3})"
)
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+)>(?P<text>.*?)(?:</v>|(?=<v[\s.])|$)", re.S)
TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>")


@dataclass
class Cue:
    start: float
    speaker: str | None
    text: str
    line: int


def _clean(text: str) -> str:
    """Caption markup is not part of what was said; entities are."""
    return html.unescape(TAG.sub("", text)).replace("\u00a0", " ").strip()


# Some caption tools put the speaker on a line of its own, in parentheses or
# brackets, before what they said: "(Sam Lee)" then the words.
LABEL = re.compile(r"[(\[](?P<name>[^()\[\]\n]{1,60})[)\]]")
# Sound descriptions look like labels but name nobody: "(Laughs)", "[MUSIC]".
_SOUNDS = re.compile(
    r"(?:laugh\w*|music\w*|applause|inaudible|crosstalk|silence|sigh\w*|pause|noise|cough\w*"
    r"|chuckl\w*|unintelligible|background \w+|phone \w+|door \w+)\b.*",
    re.IGNORECASE,
)


def _label(text: str) -> str | None:
    """The name on a "(Sam Lee)" line, or None when the line is not one."""
    named = LABEL.fullmatch(text)
    if named is None:
        return None
    name = named.group("name").strip()
    words = name.split()
    if not 1 <= len(words) <= 4 or _SOUNDS.match(name) or (name.isupper() and len(name) > 3):
        return None
    if any(word[0].islower() for word in words):  # "(softly)", "(to Sam)": stage directions
        return None
    return name


def _cue_parts(payload: str, start: float, line: int, voice_tags: bool) -> list[Cue]:
    if voice_tags and "<v" in payload:
        return [
            Cue(start, m.group("name").strip(), _clean(m.group("text")), line)
            for m in VOICE.finditer(payload)
            if _clean(m.group("text"))
        ]
    cues = []
    label: str | None = None  # a "(Name)" line names the lines after it, until the next one
    lines = [_clean(text) for text in payload.split("\n")]
    for index, text in enumerate(lines):
        name = _label(text) if any(lines[index + 1 :]) else None  # a label names the words after it
        if name is not None:
            label = name
            continue
        if text in ("-", "--"):  # a bare dialogue dash before the next speaker's label
            continue
        if text.startswith("- "):  # dialogue dash: a new, unnamed speaker turn
            text = text[2:]
        speaker, said, _ = split_speaker(text)
        if speaker is None and label is not None:
            speaker, said = label, text
        cues.append(Cue(start, speaker, said.strip() if speaker else text, line))
    return [cue for cue in cues if cue.text]


def _blocks(source: Source) -> Iterator[tuple[int, list[str], bool]]:
    """Blocks of non-blank lines: (first line number, lines, ended by a line of spaces)."""
    block: list[str] = []
    first = 0
    for number, raw in source.iter_lines():
        line = strip_marks(raw)
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block, bool(line)
            block = []
    if block:
        yield first, block, False


def _cues(source: Source, voice_tags: bool) -> Iterator[Cue]:
    last: tuple[float, int] | None = None  # the cue a line of spaces may have interrupted
    for first, block, soft_end in _blocks(source):
        for index, line in enumerate(block):
            timing = TIMING.match(line)
            if timing:
                start = stamp_seconds(timing.group("start"))
                payload = "\n".join(block[index + 1:])
                yield from _cue_parts(payload, start, first + index, voice_tags)
                last = (start, first + index) if soft_end else None
                break
        else:
            head = block[0].strip().upper()
            if head.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
                last = None
                continue
            if block[0].strip().isdigit() and len(block) == 1:
                last = None
                continue
            if last is not None:
                # A line holding only spaces does not end a WebVTT cue: its text goes on.
                yield from _cue_parts("\n".join(block), last[0], last[1], voice_tags)
                last = last if soft_end else None
                continue
            raise source.error("caption block without a timing line ('00:00:01.000 --> 00:00:02.000')", line=first)


def _turns(cues: Iterator[Cue], source: Source) -> Iterator[Turn]:
    current: Cue | None = None
    count = 0
    for cue in cues:
        same = current is not None and (cue.speaker == current.speaker or cue.speaker is None)
        if current is not None and same:
            current.text = f"{current.text} {cue.text}"
            continue
        if current is not None:
            count += 1
            yield Turn(id=str(count), time=None, speaker=current.speaker, text=current.text, offset=current.start)
        current = Cue(cue.start, cue.speaker, cue.text, cue.line)
    if current is not None and count == 0 and current.speaker is None:
        # Film or video subtitles: words without anyone saying them are not a conversation.
        raise source.error(
            "captions without speaker names",
            hint="cyclemap needs who said what: WebVTT <v Name> voice tags or 'Name: text' lines",
        )
    if current is not None:
        count += 1
        yield Turn(id=str(count), time=None, speaker=current.speaker, text=current.text, offset=current.start)


@register
class WebVttReader(Reader):
    name = "webvtt"
    title = "WebVTT captions with <v Name> voice tags (Teams, Zoom, transcription tools)"
    example = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Sam>Can we talk about Sunday?</v>"

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        return 0.95 if sample.text.lstrip().startswith("WEBVTT") else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        yield from _turns(_cues(source, voice_tags=True), source)


@register
class SrtReader(Reader):
    name = "srt"
    title = "SRT subtitles with 'Name:' prefixes"
    example = "1\n00:00:01,000 --> 00:00:04,000\nSam: Can we talk about Sunday?"

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        lines = [line.strip() for line in sample.text.splitlines()[:6] if line.strip()]
        if len(lines) >= 2 and lines[0].isdigit() and TIMING.match(lines[1]) and "," in lines[1].split("-->")[0]:
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        yield from _turns(_cues(source, voice_tags=False), source)
