"""Plain-text transcripts: ``Name: text`` lines, optionally stamped ``[hh:mm:ss]``.

Otter.ai and similar tools write a heading per turn instead, the words on
the lines below it: ``Speaker 1  0:03`` (two spaces or a tab before the
time). Rev and others put the time in brackets after the name, with the
words on the same line or below: ``Speaker 1 (00:15): words``,
``Speaker 1 (00:00:00):``, ``**Sam (00:02)**``; Markdown transcripts may
bold the name (``**Sam:** words``). Zoom's saved meeting chat writes
``10:05:30 From Sam to Everyone:`` with the words on the next line (older
versions ``10:05:30 From  Sam : words``). WhisperX writes ``[SPEAKER_00]: words``. A label ending in a digit before a colon and a digit (``we met at
10:30``) is a clock, not a speaker.

This is how therapists, researchers and transcription tools most often write
a conversation down. A thread copied out of Slack has a heading per message too
(``Sam (Design) - 10:30 AM``). A line without a speaker continues the turn before it
(a long utterance wrapped over lines); lines before the first speaker (a
title, a date) are kept as a system turn so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

# "[00:01:02]", "[1:02]", "(00:01:02.5)" or "00:01:02 " before the speaker.
STAMP = r"(?:[\[(](?P<stamp>\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?)[\])]|(?P<bare>\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?))"
# A speaker label: short, starting with a letter, no sentence punctuation.
SPEAKER = r"(?P<speaker>[^\W\d_][\w .'’\-()&/]{0,38}?)"
# Chinese and Japanese write the colon full-width: "小明：你好".
SPEAKER_LINE = re.compile(rf"^\s*(?:{STAMP}\s*)?{SPEAKER}\s*(?::\s?|：\s*)(?P<text>.*)$")
# Otter.ai and tools like it: "Speaker 1  0:03" alone on a line, the words below it.
OTTER_LINE = re.compile(rf"^\s*{SPEAKER}(?:\s{{2,}}|\t)(?P<at>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)\s*$")
# A thread copied out of Slack: "Sam Lee  10:30 AM" or "Sam (Design) - 10:30 AM" alone on a line, the
# words below. The clock has no date: it becomes the turn's offset (seconds since midnight); a role in
# brackets after the name is not part of it. Only with AM/PM: "Speaker 1  10:30" is Otter's offset.
SLACK_LINE = re.compile(
    r"^\s*(?P<speaker>[^\W\d_][\w .'’\-&/]{0,38}?)(?:\s*\([^()\n]{1,30}\))?(?:\s+[-–]\s+|\s{2,}|\t)"
    r"(?P<h>\d{1,2}):(?P<m>[0-5]\d)\s?(?P<ampm>[AaPp])\.?[Mm]\.?\s*$"
)
# Rev, Descript and many transcription tools: the time after the name, "Speaker 1 (00:15): words",
# "Speaker 1 (00:00:00):" alone on a line, "**Sam (00:02)**" in Markdown, or a range "(00:01,500 – 00:05,200)".
_CLOCK = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?"
NAME_THEN_STAMP = re.compile(
    rf"^\s*(?:\*\*)?(?P<speaker>[^\W\d_][\w .'’\-&/]{{0,38}}?)\s*[\[(](?P<at>{_CLOCK})(?:\s*[-–]\s*{_CLOCK})?[\])]"
    r"\s*(?P<bold>\*\*)?\s*(?P<colon>:)?\s*(?:\*\*)?\s*(?P<text>.*)$"
)
# Zoom's saved meeting chat: "10:05:30 From Sam to Everyone:" then the words on the next line
# (a tab before them), or, in older versions, "10:05:30\t From  Sam : words" on one line.
ZOOM_LINE = re.compile(
    r"^\s*(?P<bare>\d{1,2}:\d{2}:\d{2})\s+From\s+(?P<speaker>[^\W\d_][^:]{0,60}?)"
    r"(?:\s+to\s+[^:]{1,80}?)?\s*:\s?(?P<text>.*)$"
)
# WhisperX and other diarising tools write the speaker in brackets: "[SPEAKER_00]: words".
BRACKETED_NAME = re.compile(r"^\s*\[(?P<speaker>[^\W\d_][\w .'’\-]{0,38}?)\]\s*:\s?(?P<text>.*)$")
# Markdown transcripts: "**Sam:** words" or "**Sam**: words".
BOLD_NAME = re.compile(rf"^\s*\*\*{SPEAKER}\s*(?::\s*\*\*|\*\*\s*:)\s*(?P<text>.*)$")
# A dated divider between days, as chats copied out of an app write it: "----- 2024-03-02 23:04 -----".
DIVIDER = re.compile(r"^\s*[-=—─]{3,}\s*(?P<label>[^-=—─\s].*?)\s*[-=—─]{3,}\s*$")
_DIVIDER_DATE = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")


def divider_day(line: str) -> date | None:
    """The day a dated divider line opens, or None for any other line."""
    divider = DIVIDER.match(line)
    found = _DIVIDER_DATE.search(divider.group("label")) if divider else None
    if found is None:
        return None
    try:
        return date(int(found["y"]), int(found["m"]), int(found["d"]))
    except ValueError:
        return None


def _clock_on(day: date | None, line: str) -> datetime | None:
    """Under a dated divider, an Otter-style heading's "23:04" is the clock, not an offset."""
    heading = OTTER_LINE.match(line) if day is not None else None
    if heading is None or day is None:
        return None
    parts = [int(part) for part in heading.group("at").split(":")]
    if parts[0] > 23 or parts[1] > 59 or len(parts) == 3 and parts[2] > 59:
        return None
    return datetime.combine(day, time(*parts))


# Words that end in a colon at the start of ordinary prose, not speakers; and the fields of a
# transcript's heading ("Date: 2026-07-06", "Attendees: …"), which stay with its title.
NOT_SPEAKERS = frozenset({
    "note", "notes", "ps", "p.s", "re", "subject", "http", "https", "warning", "todo",
    "date", "time", "attendees", "participants", "present", "location", "duration", "title", "topic",
    "meeting", "agenda", "recorded", "recording", "transcript", "language", "speakers",
    "时间", "日期", "地点", "人物", "标题", "主题", "备注", "注意", "注",
})


def stamp_seconds(stamp: str) -> float:
    """'01:02:03.5' -> 3723.5; '1:02' -> 62."""
    seconds = 0.0
    for part in stamp.replace(",", ".").split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def split_speaker(line: str) -> tuple[str | None, str, float | None]:
    """Split a transcript line into (speaker, text, offset); speaker None when there is none."""
    heading = OTTER_LINE.match(line)
    if heading:  # before "Name: text", which would read "Speaker 1  0:03" as "Speaker 1  0" saying "03"
        speaker = heading.group("speaker").strip()
        if speaker.lower() not in NOT_SPEAKERS and len(speaker.split()) <= 4:
            return speaker, "", stamp_seconds(heading.group("at"))
    slack = SLACK_LINE.match(line)
    if slack and int(slack["h"]) <= 12:
        speaker = slack.group("speaker").strip()
        if speaker.lower() not in NOT_SPEAKERS and len(speaker.split()) <= 4:
            hour = int(slack["h"]) % 12 + (12 if slack["ampm"] in "Pp" else 0)
            return speaker, "", float(hour * 3600 + int(slack["m"]) * 60)
    zoom = ZOOM_LINE.match(line)
    if zoom and len(zoom.group("speaker").split()) <= 4:  # before "Name: text", which would name "From Sam"
        return zoom.group("speaker").strip(), zoom.group("text"), stamp_seconds(zoom.group("bare"))
    stamped = NAME_THEN_STAMP.match(line)
    if stamped and stamped.group("text").strip() and not (stamped.group("colon") or stamped.group("bold")):
        stamped = None  # words straight after the time: "call me at (10:30) please" is what someone said
    if stamped:  # before "Name: text", which would read "Speaker 1 (00:15): hi" as a clock
        speaker = stamped.group("speaker").strip()
        if speaker.lower() not in NOT_SPEAKERS and len(speaker.split()) <= 4:
            return speaker, stamped.group("text"), stamp_seconds(stamped.group("at"))
    bracketed = BRACKETED_NAME.match(line)
    if bracketed and bracketed.group("speaker").strip().lower() not in NOT_SPEAKERS:
        if len(bracketed.group("speaker").split()) <= 4:
            return bracketed.group("speaker").strip(), bracketed.group("text"), None
    bold = BOLD_NAME.match(line)
    if bold and bold.group("speaker").strip().lower() not in NOT_SPEAKERS and len(bold.group("speaker").split()) <= 4:
        return bold.group("speaker").strip(), bold.group("text"), None
    match = SPEAKER_LINE.match(line)
    if not match:
        return None, line, None
    speaker = match.group("speaker").strip()
    if speaker.lower() in NOT_SPEAKERS or len(speaker.split()) > 4:
        return None, line, None
    if speaker[-1:].isdigit() and match.group("text")[:1].isdigit():  # "we met at 10:30" is a clock
        return None, line, None
    stamp = match.group("stamp") or match.group("bare")
    return speaker, match.group("text"), stamp_seconds(stamp) if stamp else None


def is_stamped(lines: Iterable[str]) -> bool:
    """Whether most speaker lines carry a time stamp (then an unstamped 'Couple: ...'
    line at the top is a header, not somebody speaking)."""
    stamped = unstamped = 0
    for line in lines:
        speaker, _, offset = split_speaker(line)
        if speaker is not None:
            if offset is None:
                unstamped += 1
            else:
                stamped += 1
    return stamped > 0 and stamped >= 4 * unstamped


def is_headed(lines: Iterable[str]) -> bool:
    """Whether the speakers' names stand alone on their lines ("Sam:", the words below) for at least
    half of the speaker lines and twice or more: then "Note: …" inside the words is not a new speaker."""
    headings = labelled = 0
    for line in lines:
        speaker, text, offset = split_speaker(line)
        if speaker is not None and offset is None:
            labelled += 1
            headings += not text.strip()
    return headings >= 2 and headings * 2 >= labelled


def turns_from_lines(lines: Iterable[tuple[int, str]], *, stamped: bool = False, headed: bool = False) -> Iterator[Turn]:
    """Group (number, line) pairs into turns; shared by the text and DOCX readers.

    With ``stamped``, lines before the first stamped speaker line are a header. With ``headed``
    (:func:`is_headed`), only a name alone on its line opens a turn.
    """
    speaker: str | None = None
    parts: list[str] = []
    offset: float | None = None
    clock: datetime | None = None
    day: date | None = None  # from the last dated divider
    preamble: list[str] = []
    count = 0
    pending_blank = 0
    last_offset, midnights = 0.0, 0  # a copied Slack thread's clock going back half a day: past midnight

    def flush() -> Turn:
        nonlocal count, last_offset, midnights
        count += 1
        at = offset
        if at is not None:
            if at + midnights * 86_400 < last_offset - 43_200:
                midnights += 1
            at = last_offset = at + midnights * 86_400
        return Turn(id=str(count), time=clock, speaker=speaker, text="\n".join(parts), offset=at)

    for _number, raw in lines:
        line = strip_marks(raw)
        if not line.strip():
            pending_blank += 1
            continue
        opens = divider_day(line)
        if opens is not None:  # a new day: never words of the turn before it
            if speaker is not None:
                yield flush()
            preamble, speaker, day, pending_blank = [*preamble, line.strip()], None, opens, 0
            continue
        who, text, when = split_speaker(line)
        if stamped and speaker is None and when is None:
            who = None
            text = line
        elif headed and speaker is not None and when is None and text.strip():
            who, text = None, line  # "Repeat after me: …" under a "Sam:" heading is Sam's words
        if who is None:
            if speaker is None:
                preamble.append(line.strip())
            elif parts == [""]:  # the first words under an Otter-style "Name  0:03" line
                parts = [line.strip()]
            else:
                parts.extend([""] * min(pending_blank, 1))  # keep paragraph breaks inside a turn
                parts.append(line.strip())
            pending_blank = 0
            continue
        if speaker is None and preamble:
            count += 1
            yield Turn(id=str(count), time=None, speaker=None, text="\n".join(preamble), kind="system")
            preamble = []
        if speaker is not None:
            yield flush()
        speaker, parts, offset, pending_blank = who, [text.strip()], when, 0
        clock = _clock_on(day, line)
        if clock is not None:
            offset = None
    if speaker is not None:
        yield flush()
    elif preamble:
        count += 1
        yield Turn(id=str(count), time=None, speaker=None, text="\n".join(preamble), kind="system")


def looks_like_transcript(lines: list[str]) -> float:
    """Share of non-blank lines that start with a speaker label, scaled to a score."""
    content = [line for line in lines if line.strip()]
    if len(content) < 2:
        return 0.0
    headings = sum(1 for line in content if OTTER_LINE.match(line) or ZOOM_LINE.match(line) or SLACK_LINE.match(line))
    if headings >= 2 and headings * 5 >= len(content):  # Otter- or Zoom-style: one heading per turn
        return 0.5
    labelled = [split_speaker(line)[0] for line in content]
    named = [name for name in labelled if name]
    if len(named) < 2 or len(set(named)) < 2 and len(named) < 4:
        return 0.0
    share = len(named) / len(content)
    # Turns hard-wrapped over several lines, a blank line between them: count paragraphs instead.
    starts = [line for before, line in zip(["", *lines], lines) if line.strip() and not before.strip()]
    if len(starts) >= 3:
        share = max(share, sum(1 for line in starts if split_speaker(line)[0]) / len(starts))
    return 0.5 * share if share >= 0.5 else 0.0


@register
class PlainTranscriptReader(Reader):
    name = "transcript"
    title = "Plain-text transcript: 'Name: text' lines, optional [hh:mm:ss] stamps"
    example = "[00:00:03] Therapist: What happened on Sunday?\n[00:00:07] Sam: I asked if we could talk and Alex left the room."

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip or b"\x00" in sample.head[:4096]:
            return 0.0
        lines = sample.text.splitlines()[:60]
        if lines and lines[0].strip().upper().startswith("WEBVTT"):
            return 0.0
        return looks_like_transcript(lines[:-1] if len(sample.head) >= 64 * 1024 else lines)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        head = []
        for _number, line in source.iter_lines():
            head.append(line)
            if len(head) >= 200:
                break
        yield from turns_from_lines(source.iter_lines(), stamped=is_stamped(head), headed=is_headed(head))
