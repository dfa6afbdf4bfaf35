"""KakaoTalk chat history (the ``.txt`` of "Export chat" / 대화 내보내기).

KakaoTalk writes two layouts, each in the app's language.

The computer layout (Windows, macOS text) gives each day a ruled heading and
each message its name and clock time in brackets::

    Sam 님과 카카오톡 대화
    저장한 날짜 : 2024-03-11 22:14:03

    --------------- 2024년 3월 11일 월요일 ---------------
    [Sam] [오후 9:04] 전화한다며
    [Alex] [오후 9:09] 운전 중이었어
    지금 할게
    Jordan님이 들어왔습니다.

    --------------- Monday, March 11, 2024 ---------------
    [Sam] [9:04 PM] you said you would call

The phone layout puts the full date on every line, ``name : text`` after it::

    2024년 3월 11일 오후 9:04, Sam : 전화한다며
    2024. 3. 11. 오후 9:09, Alex : 운전 중이었어
    2024. 3. 11. 오후 9:10: Alex님이 Jordan님을 초대했습니다.
    Mar 11, 2024 at 21:04, Sam : you said you would call
    March 11, 2024, 9:04 PM, Sam : you said you would call

What the reader decides:

* **Lines.** A bracketed or dated line with a name is a message; later lines
  without one belong to it. A dated line without ``name :`` (the app writes
  ``time: notice``) and a computer-layout line announcing someone joining,
  leaving or being invited is a ``system`` line without a speaker.
* **Times.** Dates are year-first or written with the month's name, so there
  is no day/month guess. ``오전``/``오후`` and ``AM``/``PM`` give 12 h clocks.
  Times are naive local times. A line that is only a date is a day heading.
* **Media and deletions.** A text that is only the app's placeholder
  (``사진``, ``동영상``, ``이모티콘``, ``Photo``, ``사진 3장``, ``파일: x.pdf``) is
  ``media``; a deleted message (``삭제된 메시지입니다.``) is a ``system`` line
  that keeps its sender, because who took words back matters to the cycle.
* **Header.** The title, the save date and anything before the first message
  or heading are the export's own and are skipped.

Streaming: one pass, constant memory. The computer's CSV (``Date,User,Message``)
is read by the ``csv`` reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from ...model import Turn, TurnKind
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from .english_months import ENGLISH_MONTHS

#: The longest message (all its lines) the reader accepts, in characters.
MAX_MESSAGE_CHARS = 1024 * 1024

_MONTHS = ENGLISH_MONTHS
# Any of the app's date spellings; _date() reads the fields.
_DATE = (
    r"(?:\d{4}년\s*\d{1,2}월\s*\d{1,2}일"
    r"|\d{4}\.\s*\d{1,2}\.\s*\d{1,2}\.?"
    r"|\d{4}[-/]\d{1,2}[-/]\d{1,2}"
    r"|(?:[A-Za-z]{3,9},\s*)?[A-Za-z]{3,9}\.?\s+\d{1,2},\s*\d{4})"
)
_CLOCK = r"(?:(?:오전|오후)\s*\d{1,2}:\d{2}|\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?\s?[Mm]\.?)?)"
_WEEKDAY = r"(?:\s*,?\s*(?:[월화수목금토일]요일|[A-Za-z]{3,9}day))?"
_PC_LINE = re.compile(rf"^\[(?P<name>[^\[\]\n]{{1,200}})\]\s?\[(?P<clock>{_CLOCK})\]\s?(?P<text>.*)$")
_PC_HEADING = re.compile(r"^-{3,}\s*(?P<date>.+?)\s*-{3,}$")
_PHONE_LINE = re.compile(
    rf"^(?P<date>{_DATE}){_WEEKDAY}[\s,]+(?:at\s+)?(?P<clock>{_CLOCK})(?P<sep>\s*[,:])\s?(?P<rest>.*)$"
)
_DATE_ONLY = re.compile(rf"^(?P<date>{_DATE}){_WEEKDAY}(?:[\s,]+(?:at\s+)?{_CLOCK})?\s*$")
_SAY = re.compile(r"^(?P<name>.{1,200}?) : (?P<text>.*)$", re.DOTALL)

_HEADER = re.compile(
    r"(님과 카카오톡 대화|카카오톡 대화$|^저장한 날짜\s*:|^Date Saved\s*:|^KakaoTalk Chats with |"
    r"with KakaoTalk Chats$|^Talk_\d{4}\.\d{1,2}\.\d{1,2}[ _]\d)"
)
_NOTICE = re.compile(
    r"(님이 (?:들어왔습니다|나갔습니다|퇴장했습니다)\.?$|님을 (?:초대했습니다|초대하였습니다|내보냈습니다)\.?$"
    r"|^\S.{0,80} (?:left|joined) this chatroom\.?$|^\S.{0,80} invited \S.{0,200}\.$)"
)
_MEDIA = re.compile(
    r"^(?:사진|동영상|이모티콘|음성메시지|보이스톡|사진 \d{1,4}장|파일: .+|Photo|Photos|Video|Emoticons?|"
    r"Voice Message|Photo \d{1,4}|\d{1,4} photos|File: .+)$"
)
_DELETED = re.compile(
    r"^(?:삭제된 메시지입니다\.?|This message (?:has been|was) deleted\.?|The message has been deleted\.?|"
    r"Deleted message\.?)$"
)


def _date(text: str) -> date | None:
    """The calendar day any of KakaoTalk's date spellings names, or None."""
    text = text.strip()
    found = re.match(r"(\d{4})\D{1,3}?(\d{1,2})\D{1,3}?(\d{1,2})", text)
    if found is None:
        named = re.search(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s*(\d{4})", text)
        if named is None or named[1].lower() not in _MONTHS:
            return None
        fields = (int(named[3]), _MONTHS[named[1].lower()], int(named[2]))
    else:
        fields = (int(found[1]), int(found[2]), int(found[3]))
    try:
        return date(*fields)
    except ValueError:
        return None


def _clock(text: str) -> tuple[int, int] | None:
    found = re.search(r"(\d{1,2}):(\d{2})", text)
    if found is None:
        return None
    hour, minute = int(found[1]), int(found[2])
    lowered = text.lower().replace(".", "").replace(" ", "")
    pm = "오후" in text or lowered.endswith("pm")
    if ("오전" in text or "오후" in text or lowered.endswith(("am", "pm"))) and hour <= 12:
        hour = hour % 12 + (12 if pm else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _kind(text: str) -> TurnKind:
    if _DELETED.match(text.strip()):
        return "system"
    if _MEDIA.match(text.strip()):
        return "media"
    return "message"


class _Turns:
    """Collects lines into turns: one per heading line, later lines joined to it."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.current: tuple[datetime | None, str | None, TurnKind | None] | None = None
        self.parts: list[str] = []
        self.size = self.count = self.started = 0

    def start(self, number: int, time: datetime | None, speaker: str | None, text: str,
              kind: TurnKind | None = None) -> Turn | None:
        done = self.finish()
        self.current, self.parts = (time, speaker, kind), [text]
        self.size, self.started = len(text), number
        return done

    def add(self, line: str) -> None:
        if self.current is None:
            return
        self.parts.append(line)
        self.size += len(line) + 1
        if self.size > MAX_MESSAGE_CHARS:
            raise self.source.error(f"message longer than {MAX_MESSAGE_CHARS:,} characters", line=self.started)

    def finish(self) -> Turn | None:
        if self.current is None:
            return None
        time, speaker, kind = self.current
        while len(self.parts) > 1 and not self.parts[-1].strip():  # the blank line before a heading
            self.parts.pop()
        text = "\n".join(self.parts)
        self.current, self.parts = None, []
        self.count += 1
        return Turn(str(self.count), time, speaker, text, kind or _kind(text))


def _read(source: Source) -> Iterator[Turn]:
    turns = _Turns(source)
    day: date | None = None
    seen = False
    for number, raw in source.iter_lines():
        line = strip_marks(raw).rstrip("\r")
        stripped = line.strip()
        if not seen and (not stripped or _HEADER.search(stripped)):
            continue  # the export's title and save date
        done: Turn | None = None
        heading = _PC_HEADING.match(stripped) or _DATE_ONLY.match(stripped)
        pc = _PC_LINE.match(line) if heading is None else None
        phone = _PHONE_LINE.match(line) if heading is None and pc is None else None
        if heading is not None:
            found = _date(heading["date"])
            if found is None:
                if seen:
                    turns.add(line)
                continue
            day, seen = found, True
            done = turns.finish()
        elif pc is not None:
            clock = _clock(pc["clock"])
            if clock is None:  # a message line with a time that cannot exist: never guess whose it is
                raise source.error(f"impossible time {pc['clock']!r}", line=number)
            name, text = pc["name"].strip(), pc["text"]
            # "[2025년 7월 15일] [12:40] name : text": a date in the first brackets, not a name.
            dated = _date(name) if " : " in text else None
            said = _SAY.match(text) if dated else None
            if dated is not None and said is not None:
                day, name, text = dated, said["name"].strip(), said["text"]
            time = datetime(day.year, day.month, day.day, *clock) if day and clock else None
            done = turns.start(number, time, name, text)
            seen = True
        elif phone is not None and (_date(phone["date"]) is None or _clock(phone["clock"]) is None):
            # Shaped like a message but with a date or time that cannot exist: joining it to the
            # message above would give one person's words to another.
            raise source.error(f"impossible date or time {phone['date']!r} {phone['clock']!r}", line=number)
        elif phone is not None:
            when, clock = _date(phone["date"]), _clock(phone["clock"])
            assert when is not None and clock is not None
            day, seen = when, True
            time = datetime(when.year, when.month, when.day, *clock)
            said = _SAY.match(phone["rest"]) if phone["sep"].strip() == "," else None
            if said is None:
                done = turns.start(number, time, None, phone["rest"], "system")
            else:
                done = turns.start(number, time, said["name"].strip(), said["text"])
        elif seen and turns.current is not None and turns.current[1] is not None and _NOTICE.search(stripped):
            last = turns.current[0]
            done = turns.start(number, last, None, stripped, "system")
            # A notice is one line; what follows it is not part of it.
            if done is not None:
                yield done
            done = turns.finish()
        elif seen:
            turns.add(line)
        if done is not None:
            yield done
    last = turns.finish()
    if last is not None:
        yield last
    elif not seen:
        raise source.error(
            "no KakaoTalk message in the file",
            hint="expected lines like '[Sam] [오후 9:04] text' or '2024. 3. 11. 오후 9:04, Sam : text'",
        )


@register
class KakaoTalkReader(Reader):
    name = "kakaotalk"
    title = "KakaoTalk chat export (.txt, computer or phone layout, Korean or English)"
    example = (
        "Sam 님과 카카오톡 대화\n"
        "저장한 날짜 : 2024-03-11 22:14:03\n\n"
        "--------------- 2024년 3월 11일 월요일 ---------------\n"
        "[Sam] [오후 9:04] 전화한다며"
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        lines = [strip_marks(line).strip() for line in sample.text.splitlines()[:40]]
        lines = [line for line in lines if line]
        # The title or save date, not a dated line that happens to end with those words.
        if any(_HEADER.search(line) and not line[:1].isdigit() and line[:1] != "[" for line in lines[:4]):
            return 0.95
        body = lines[:20]
        if not body:
            return 0.0
        pc = sum(1 for line in body if _PC_LINE.match(line))
        phone = sum(
            1 for line in body
            if (found := _PHONE_LINE.match(line)) and found["sep"].strip() == "," and " : " in found["rest"]
        )
        # Header-less pieces: most lines must be KakaoTalk's own.
        if max(pc, phone) >= max(2, len(body) // 2):
            return 0.7
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _read(Source(path))
