"""LINE chat history (the ``.txt`` the app's "Export chat history" saves).

A title and a save date, then one heading per day and tab-separated lines
under it::

    [LINE] Chat history with Sam
    Saved on: 2024/01/15 10:30

    2024/01/14(Sun)
    21:04	Sam	you said you would call
    21:09	Alex	"I was driving
    I'll call now"
    21:10	Alex	[Sticker]
    21:12	Sam joined the group

What the reader decides:

* **Lines.** "time, name, text" is a message; "time, text" (two columns) a
  notice of the chat (``kind="system"``, no speaker). A message written over
  several lines is quoted, its later lines have no time: they are joined to
  it and the quotes around the whole message go (``""`` inside is ``"``).
* **Times.** The heading gives the day (``2024/01/14(Sun)``, ``2024.01.14
  Sunday``, ``Sun, 14/01/2024``, ``2024/01/14（日）`` ...), each line the clock
  time, 24 h or 12 h (``9:04PM``, ``9:04 PM``, ``下午09:04``, ``午後9:04``).
  Day-first or month-first headings are told apart by their weekday, then by
  a field above 12, then by the direction the days run in; ``--dayfirst`` or
  ``--monthfirst`` decide when given. Times are naive local times.
* **Media and calls.** A text that is only a bracketed placeholder
  (``[Sticker]``, ``[Photo]``, ``[写真]``, ``[貼圖]``) is ``media``; a call
  line (``☎ Missed call``, ``☎ Call time 0:35``) is a ``system`` line that
  keeps its caller, because who called matters to the cycle.
* **Title.** ``[LINE] Chat history with …`` in any language; the lines
  before the first heading are the export's own and are skipped.

Streaming: two passes (the first reads only the headings), constant memory.

Some exports (LINE in Japanese or Chinese on some phones, seen in other
projects' fixtures) have no tabs and may have no title: ``2023.09.07
Thursday`` then ``17:08 Sam hello``. There a name may hold spaces, so a
third pass counts how each timed line starts: the speaker is the longest
run of one to three words that every line starting with its first word
shares, seen at least twice (else the first word). Bare placeholders
(``スタンプ``, ``写真`` ...) are media there. A line with a time and one
word is a notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from ...model import Turn, TurnKind
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

#: The longest message (all its lines) the reader accepts, in characters.
MAX_MESSAGE_CHARS = 1024 * 1024

_TITLE = re.compile(r"^\[LINE\]\s?\S")
_DATE = re.compile(
    r"^(?:(?P<pre>[^\d\t]{1,12}?),?\s*)?"
    r"(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
    r"\s*(?:[(（]\s*(?P<paren>[^\d\t()（）]{1,12})\s*[)）]|(?P<post>[^\d\t()（）:]{1,16}))?\s*$"
)
_MERIDIEM_BEFORE = r"上午|下午|午前|午後|오전|오후"
_CLOCK = re.compile(
    rf"^(?P<pre>{_MERIDIEM_BEFORE})?\s?(?P<h>\d{{1,2}}):(?P<m>\d{{2}})"
    r"(?:\s?(?P<post>[AaPp]\.?\s?[Mm]\.?))?\t(?P<rest>.*)$"
)
# Exports without tabs: "17:08 Sam hello" (the name then the text, one space apart).
_SPACED_CLOCK = re.compile(
    rf"^(?P<pre>{_MERIDIEM_BEFORE})?\s?(?P<h>\d{{1,2}}):(?P<m>\d{{2}})"
    r"(?:\s?(?P<post>[AaPp]\.?\s?[Mm]\.?))? (?P<rest>\S.*)$"
)
# What such exports write, without brackets, in place of a sticker, photo, video or file.
_BARE_MEDIA = frozenset({"スタンプ", "写真", "動画", "ファイル", "GIF", "貼圖", "照片", "影片", "檔案"})
_UNSENT = frozenset({"メッセージの送信を取り消しました"})
_PM = {"pm", "p.m.", "下午", "午後", "오후"}
_MEDIA = re.compile(r"^\[[^\[\]\n]{1,24}\]$")
_CALL = "☎"

# Weekday words of the headings, Monday = 0, in the languages LINE exports in.
_WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        "mon monday 月 月曜日 一 週一 星期一 월 월요일 จันทร์ lun lunes lundi seg segunda",
        "tue tues tuesday 火 火曜日 二 週二 星期二 화 화요일 อังคาร mar martes mardi ter terça",
        "wed wednesday 水 水曜日 三 週三 星期三 수 수요일 พุธ mié miércoles mercredi qua quarta",
        "thu thur thurs thursday 木 木曜日 四 週四 星期四 목 목요일 พฤหัสบดี พฤหัส jue jueves jeudi qui quinta",
        "fri friday 金 金曜日 五 週五 星期五 금 금요일 ศุกร์ vie viernes vendredi sex sexta",
        "sat saturday 土 土曜日 六 週六 星期六 토 토요일 เสาร์ sáb sábado samedi sab",
        "sun sunday 日 日曜日 天 週日 星期日 星期天 일 일요일 อาทิตย์ dom domingo dimanche",
    )
):
    for _name in _names.split():
        _WEEKDAYS[_name] = _index


def _weekday(word: str | None) -> int | None:
    if not word:
        return None
    return _WEEKDAYS.get(word.strip(" .,").lower())


def _year(text: str) -> int:
    value = int(text)
    return 2000 + value if len(text) <= 2 else value


def _day(a: str, b: str, c: str, order: str) -> date | None:
    """The date the fields mean in ``order``, or None when impossible."""
    try:
        if order == "ymd":
            return date(_year(a), int(b), int(c))
        if order == "dmy":
            return date(_year(c), int(b), int(a))
        return date(_year(c), int(a), int(b))
    except ValueError:
        return None


def _heading(line: str) -> re.Match[str] | None:
    return _DATE.match(strip_marks(line).strip())


def _named_day(found: re.Match[str] | None) -> bool:
    """Whether a heading names its weekday: enough to trust it without a blank line before it."""
    return found is not None and _weekday(found["pre"] or found["paren"] or found["post"]) is not None


def _open_quote(parts: list[str]) -> bool:
    """Whether the message read so far is a quoted multi-line one still waiting for its closing quote."""
    if not parts or not parts[0].startswith('"'):
        return False
    text = "\n".join(parts).rstrip()
    return len(text) < 2 or not text.endswith('"')


def _order(source: Source, options: ReadOptions) -> str:
    """First pass: the headings' field order, from their weekdays, values and sequence."""
    votes = {"dmy": 0, "mdy": 0}
    possible = {"dmy": True, "mdy": True}
    last: dict[str, date | None] = {"dmy": None, "mdy": None}
    backwards = {"dmy": 0, "mdy": 0}
    seen = False
    after_blank = True
    for _, line in source.iter_lines():
        found = _heading(line) if "\t" not in line else None
        if not (after_blank or not seen or _named_day(found)):
            found = None
        after_blank = not strip_marks(line).strip()
        if found is None:
            continue
        seen = True
        a, b, c = found["a"], found["b"], found["c"]
        if len(a) > 2:
            return "ymd"
        weekday = _weekday(found["pre"] or found["paren"] or found["post"])
        for order in votes:
            day = _day(a, b, c, order)
            if day is None:
                possible[order] = False
                continue
            if weekday is not None and day.weekday() == weekday:
                votes[order] += 1
            if last[order] is not None and day < last[order]:  # type: ignore[operator]
                backwards[order] += 1
            last[order] = day
    if not seen:
        raise source.error("no LINE day heading (such as '2024/01/15(Mon)') in the file")
    if options.dayfirst is not None:
        return "dmy" if options.dayfirst else "mdy"
    for decide in (possible, votes):
        if decide["dmy"] != decide["mdy"]:
            return "dmy" if decide["dmy"] > decide["mdy"] else "mdy"
    if backwards["dmy"] != backwards["mdy"]:
        return "dmy" if backwards["dmy"] < backwards["mdy"] else "mdy"
    options.warn(f"{source.label}: every day heading fits both day-first and month-first; guessed day-first")
    return "dmy"


def _clock(found: re.Match[str]) -> tuple[int, int]:
    hour, minute = int(found["h"]), int(found["m"])
    meridiem = (found["pre"] or found["post"] or "").replace(" ", "").lower()
    if meridiem and hour <= 12:
        hour = hour % 12 + (12 if meridiem in _PM else 0)
    return hour, minute


def _unquoted(text: str) -> str:
    """A multi-line message without the quotes LINE puts around it."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"' and "\n" in text:
        return text[1:-1].replace('""', '"')
    return text


def _kind(speaker: str | None, text: str) -> tuple[str | None, TurnKind]:
    if speaker is None:
        return None, "system"
    if text.startswith(_CALL) or text in _UNSENT:
        return speaker, "system"
    if _MEDIA.match(text) or text in _BARE_MEDIA:
        return speaker, "media"
    return speaker, "message"


class _SpacedNames:
    """Where the name ends on the lines of an export without tabs (see the module's notes)."""

    _LIMIT = 200_000  # distinct beginnings counted; a bound on memory, far above any chat's names

    def __init__(self) -> None:
        self.starts: dict[str, int] = {}

    def add(self, rest: str) -> None:
        words = rest.split(" ")
        for size in range(1, min(3, len(words) - 1) + 1):
            key = " ".join(words[:size])
            if key in self.starts or len(self.starts) < self._LIMIT:
                self.starts[key] = self.starts.get(key, 0) + 1

    def split(self, rest: str) -> tuple[str | None, str]:
        words = rest.split(" ")
        if len(words) == 1:
            return None, rest  # a time and one word: the app's notice
        first = self.starts.get(words[0], 0)
        size = 1
        for longer in range(2, min(3, len(words) - 1) + 1):
            if first >= 2 and self.starts.get(" ".join(words[:longer]), 0) == first:
                size = longer
        return " ".join(words[:size]), " ".join(words[size:])


def _spaced_names(source: Source) -> _SpacedNames | None:
    """Pass over an export's timed lines; None when it has tabs (the usual layout)."""
    names = _SpacedNames()
    for _, raw in source.iter_lines():
        line = strip_marks(raw)
        if _CLOCK.match(line):
            return None
        found = _SPACED_CLOCK.match(line)
        if found:
            names.add(found["rest"])
    return names if names.starts else None


def _turns(source: Source, order: str, spaced: _SpacedNames | None = None) -> Iterator[Turn]:
    """Second pass: one turn per timed line, untimed lines joined to it."""
    day: date | None = None
    current: tuple[datetime, str | None] | None = None
    parts: list[str] = []
    size = count = started = 0
    after_blank = True
    for number, raw in source.iter_lines():
        line = strip_marks(raw)
        # A day heading follows a blank line; a date alone inside a message does not. Files
        # edited by hand may drop that blank line: a heading with its weekday still counts
        # there, unless a quoted multi-line message is still open.
        heading = _heading(line) if "\t" not in line else None
        if not (after_blank or day is None or (_named_day(heading) and not _open_quote(parts))):
            heading = None
        after_blank = not line.strip()
        if heading is not None:
            day = _day(heading["a"], heading["b"], heading["c"], order)
            if day is None:
                raise source.error(f"impossible date {line.strip()!r} for {order} day headings", line=number)
            continue
        found = _CLOCK.match(line) if spaced is None else _SPACED_CLOCK.match(line)
        if found is None or day is None:
            if current is not None:
                parts.append(raw)
                size += len(raw) + 1
                if size > MAX_MESSAGE_CHARS:
                    raise source.error(f"message longer than {MAX_MESSAGE_CHARS:,} characters", line=started)
            continue
        if current is not None:
            count += 1
            yield _turn(count, current, parts)
        hour, minute = _clock(found)
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise source.error(f"impossible time of day {hour}:{minute:02d}", line=number)
        if spaced is not None:
            name, said = spaced.split(found["rest"])
            columns = [name or "", said] if name else [said]
        else:
            columns = found["rest"].split("\t", 1)
        speaker = columns[0].strip() if len(columns) == 2 else None
        current = (datetime(day.year, day.month, day.day, hour, minute), speaker or None)
        parts = [columns[-1]]
        size, started = len(columns[-1]), number
    if current is not None:
        yield _turn(count + 1, current, parts)


def _turn(count: int, current: tuple[datetime, str | None], parts: list[str]) -> Turn:
    time, speaker = current
    while len(parts) > 1 and not parts[-1].strip():  # the blank line before the next day
        parts.pop()
    text = _unquoted(strip_marks("\n".join(parts)))
    speaker, kind = _kind(speaker, text)
    return Turn(str(count), time, speaker, text, kind)


@register
class LineReader(Reader):
    name = "line"
    title = "LINE chat history (.txt from 'Export chat history', any language)"
    example = (
        "[LINE] Chat history with Sam\n"
        "Saved on: 2024/01/15 10:30\n\n"
        "2024/01/14(Sun)\n"
        "21:04\tSam\tyou said you would call"
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        lines = [strip_marks(line).strip() for line in sample.text.splitlines()[:40]]
        for line in lines[:3]:
            if line:
                if _TITLE.match(line):
                    return 0.95
                break
        # No title (an excerpt, or an export without one): a weekday heading first, then timed lines.
        content = [line for line in lines if line]
        if content and _named_day(_heading(content[0])):
            timed = sum(1 for line in content[1:] if _CLOCK.match(line) or _SPACED_CLOCK.match(line))
            if timed >= 2 and timed * 2 >= len(content) - 1:
                return 0.6
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        order = _order(source, options)
        return _turns(source, order, _spaced_names(source))
