"""WhatsApp chat exports: the ``.txt`` file, or the ``.zip`` the app shares.

Every message starts with a header line; lines that do not are the message's
continuation lines (kept, joined with "\\n")::

    12/03/2023, 21:04 - Sam: you said you would call          (Android)
    [12/03/2023, 21:04:11] Sam: you said you would call        (iOS)
    3/12/23, 9:04 PM - Sam: you said you would call            (Android, US)
    2023-03-12 21:04 - Sam: you said you would call            (year first)
    12-03-16 21:04:11: Sam: you said you would call            (old iOS, about 2016)

Dates come in every locale's order and separator (``/ . -``, two- or
four-digit years), times in 24 h or 12 h clocks (``PM``, ``p. m.``,
``nachm.``, ``午後`` ...; an ordinary, no-break or narrow no-break space
before the meridiem), with or without seconds. The words WhatsApp writes
itself (media placeholders, system lines) are in :mod:`.whatsapp_locale`.

What the reader decides:

* **Date order.** ``ReadOptions.dayfirst`` (``--dayfirst``/``--monthfirst``)
  decides when given, and a date impossible in that order is an error naming
  its line. Otherwise a first, cheap pass looks at the dates: a first field
  above 12 means day-first, a second field above 12 month-first, and so does
  an attachment's file name that gives the line's date in one order only
  (``00000001-PHOTO-2024-01-02-…``, ``IMG-20240102-WA0001.jpg``; the pass
  stops as soon as one decides; a later date that disagrees is an error
  naming its line). If none decides, the direction the dates run in decides
  (exports run forward in time); if that ties too, the reader guesses
  day-first and warns. Year-first dates are always year-month-day.
* **Start.** Blank lines may come before the first message; anything else
  there is an error naming its line.
* **Speaker.** The text up to the first ": " after the header (so a name
  cannot hold ": "; a name followed by ":" and no space, as in
  ``Sam:.``, is still a speaker). iOS's "~ Name" (a contact not in the
  address book) gives "Name"; direction marks around phone numbers go.
* **System lines** (``kind="system"``): a header with no "Name: " (Android),
  or a known notice under a name (iOS writes "Alex: Messages and calls are
  end-to-end encrypted", group events under the group's name). Chat events
  (encryption, group changes, security codes, disappearing messages) have
  ``speaker=None``. Events of one person keep the speaker: a deleted message
  ("This message was deleted", "You deleted this message") and a missed call,
  because who deleted or who called matters to the cycle. Older iOS
  exports write group events unmarked under the group's or the actor's
  name; :mod:`.whatsapp_events` finds them.
* **Media** (``kind="media"``, speaker kept): placeholders such as
  ``<Media omitted>`` or ``image omitted`` and attachments such as
  ``IMG-20230101-WA0001.jpg (file attached)``, in the languages of
  :mod:`.whatsapp_locale`; a caption on the next lines stays in the text.
* **Zip archives.** The chat is the ``.txt`` member named like one
  (``_chat.txt``, ``WhatsApp Chat with ….txt``, ``WhatsApp-Chat mit ….txt``)
  or else the only ``.txt`` that starts like a WhatsApp export; media members
  are ignored. With several chats, ``ReadOptions.chat`` (``--chat``) picks by
  part of the member's name.
* **Text** is as written, without direction marks and byte-order marks
  (which may start any line), and without the "<This message was edited>"
  note the app appends to an edited message. Ids are the 1-based message numbers; times are
  naive local times.

Streaming: two passes over the file (a zip member is opened twice), constant
memory in the number of messages; a single message may hold at most
:data:`MAX_MESSAGE_CHARS` characters.

:meth:`WhatsAppReader.write` writes Android lines (day-first, 24 h). Reading
them back gives the same turns when every turn has a time (it is written to
the minute; the times run forward, or the date order is passed), names are
trimmed, hold no ": ", line break or quotation mark and do not start with
"~", and texts hold no carriage return, direction mark or continuation line
that looks like a message header. Texts that read as WhatsApp's own
placeholders or notices come back as media or system turns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from ...errors import InputError, UsageError
from ...memo import BoundedMemo
from ...model import Turn, TurnKind
from .. import archive
from ..registry import Reader, Sample, register
from ..source import DIRECTION_MARKS, ReadOptions, Source, strip_marks
from . import whatsapp_locale as words
from .whatsapp_events import GroupEvents

#: The longest message (all its lines) the reader accepts, in characters.
MAX_MESSAGE_CHARS = 16 * 1024 * 1024
#: How many lines at the top of a file may come before the first header for
#: detection to still call it WhatsApp (reading then says what is wrong).
SNIFF_LINES = 5

_LEAD = f"[{DIRECTION_MARKS}]*"
# iOS writes the year of the phone's calendar: "2565 BE" (Thai Buddhist), "R4" (Japanese, Reiwa 4).
_YEAR_LAST = r"\d{1,4}(?:[\s\u00a0\u202f]BE)?|[RH]\d{1,2}"

# The header of any message, in any locale. Named pieces let the reader build
# a faster pattern for the shape of one file (see _fast_header).
_HEADER = re.compile(
    rf"{_LEAD}(?P<open>\[)?{_LEAD}"
    # Arabic Android puts a right-to-left mark before each "/" and writes "،" for ",".
    r"(?P<a>\d{1,4})(?P<sep>\u200f?[./-]\s?)(?P<b>\d{1,2})(?P=sep)(?P<c>" + _YEAR_LAST + ")"
    rf"(?P<mid>\.?(?:[,،]\s?|\s)(?:(?:{words.DATE_TIME_WORDS})\s)?)"
    rf"(?:(?P<pre>{words.MERIDIEM_BEFORE})\s?)?"
    r"(?P<h>\d{1,2})(?P<tsep>[:.])(?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?"
    rf"(?:(?P<gap>\s?)(?P<post>{words.MERIDIEM_AFTER}))?"
    # Old iOS (about 2016) wrote "28-09-16 11:20:19: Sam: text": a colon after the seconds (or "PM");
    # some locales "13. 6. 2018. 21:25:15 Sam: text", a space (then a name and ": ").
    r"(?P<end>(?(open)\]\s?|(?:\s[-–]\s|(?(s)(?::\s|\s(?=[^\s:\[\]][^:\n]{0,60}:\s))|(?!)))))"
    r"(?P<body>.*)",
)
_FIELDS = ("a", "b", "c", "h", "mi", "s", "pre", "post", "sep")

# iOS in Vietnamese writes the time first: "[21:41:35, 3/27/22] Sam: text". Such a file's lines
# are read with the two swapped (see _DateFirst), so one header pattern serves every locale.
_TIME_FIRST = re.compile(
    rf"(?P<lead>{_LEAD}\[?)(?P<time>\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?(?:\s?(?:{words.MERIDIEM_AFTER}))?)"
    r",\s(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})(?P<close>\]|\s[-–]\s)"
)


def _date_first(line: str) -> str:
    """A time-first header with its date put first; any other line unchanged."""
    found = _TIME_FIRST.match(line)
    if found is None:
        return line
    return f"{found['lead']}{found['date']}, {found['time']}{found['close']}{line[found.end():]}"


class _DateFirst:
    """A time-first file's :class:`Source`, giving its lines date first."""

    def __init__(self, source: Source) -> None:
        self._source = source

    def __getattr__(self, name: str):  # error(), label, …: the file's own
        return getattr(self._source, name)

    def iter_lines(self) -> Iterator[tuple[int, str]]:
        for number, line in self._source.iter_lines():
            yield number, _date_first(line)


def _time_first(source: Source) -> bool:
    """Whether the file's first header writes the time before the date."""
    for count, (_, line) in enumerate(source.iter_lines()):
        if _HEADER.match(line):
            return False
        if _TIME_FIRST.match(line) and _HEADER.match(_date_first(line)):
            return True
        if count >= SNIFF_LINES:
            return False
    return False


def _fast_header(first: re.Match[str]) -> re.Pattern[str]:
    """The header pattern of one file, with its separators fixed: about twice as fast.

    Lines it misses (a byte-order mark, a stray shape) still go through _HEADER.
    """
    g = first.group
    sep, tsep = re.escape(g("sep")), re.escape(g("tsep"))
    parts = [r"\[" if g("open") else ""]
    parts.append(rf"(?P<a>\d{{1,4}})(?P<sep>{sep})(?P<b>\d{{1,2}}){sep}")
    parts.append(rf"(?P<c>{_YEAR_LAST}){re.escape(g('mid'))}")
    parts.append(rf"(?P<pre>{words.MERIDIEM_BEFORE})\s?" if g("pre") else "(?P<pre>)")
    parts.append(rf"(?P<h>\d{{1,2}}){tsep}(?P<mi>\d{{2}})")
    parts.append(rf"{tsep}(?P<s>\d{{2}})" if g("s") else "(?P<s>)")
    parts.append(rf"{re.escape(g('gap'))}(?P<post>{words.MERIDIEM_AFTER})" if g("post") else "(?P<post>)")
    guard = r"(?=[^\s:\[\]][^:\n]{0,60}:\s)" if not g("end").strip() else ""  # a bare space: a name must follow
    parts.append(re.escape(g("end")) + guard + "(?P<body>.*)")
    return re.compile("".join(parts))


# --- Dates and times ----------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """How to read one file's dates, decided before its messages are read."""

    order: str  # "dmy", "mdy" or "ymd"
    fast: re.Pattern[str]
    why: str  # said in errors: how the order was chosen


def _year(text: str) -> int:
    if text[0] in "RH":  # the Japanese calendar's eras: Reiwa 1 is 2019, Heisei 1 is 1989
        return (2018 if text[0] == "R" else 1988) + int(text[1:])
    value = int(text[:4].rstrip())  # "2565 BE": the era's letters follow the number
    if value >= 2400:  # a phone set to the Thai Buddhist calendar: 2567 is 2024
        return value - 543
    return 2000 + value if len(text) <= 2 else value  # WhatsApp began in 2009


def _ymd(a: str, b: str, c: str, order: str) -> tuple[int, int, int]:
    if order == "dmy":
        return _year(c), int(b), int(a)
    if order == "mdy":
        return _year(c), int(a), int(b)
    return _year(a), int(b), int(c)


def _hour(hour: int, meridiem: str) -> int:
    """24 h hour from a 12 h clock: 12:05 AM is 00:05, 12:05 PM is 12:05."""
    if not meridiem or hour > 12:  # "15:55 PM" happens; the hour already says it
        return hour
    return hour % 12 + (12 if words.is_pm(meridiem) else 0)


def _time(fields: tuple[str, ...], plan: _Plan, source: Source, line: int) -> datetime:
    a, b, c, h, mi, s, pre, post, sep = fields
    year, month, day = _ymd(a, b, c, plan.order)
    try:
        return datetime(year, month, day, _hour(int(h), pre or post), int(mi), int(s or 0))
    except ValueError:
        raise source.error(
            f"impossible date or time {a}{sep}{b}{sep}{c} {h}:{mi} for {plan.why}",
            line=line,
            hint=_ORDER_HINT.get(plan.order, "the file looks damaged"),
        ) from None


_ORDER_HINT = {
    "dmy": "if the dates are month-first, pass --monthfirst",
    "mdy": "if the dates are day-first, pass --dayfirst",
}


# iOS names an attachment by the message's own time, Android by the day it arrived.
_FILE_DATE = re.compile(r"\b\d{8}-[A-Z]+-(20\d\d)-(\d\d)-(\d\d)-|\b[A-Z]{3,4}-(20\d\d)(\d\d)(\d\d)-WA\d")


class _OrderVote:
    """Evidence for day-first or month-first from the dates seen so far."""

    def __init__(self) -> None:
        self.decided: tuple[str, int] | None = None  # (order, line that showed it)
        self._last: dict[str, tuple[int, int, int]] = {}
        self.backwards = {"dmy": 0, "mdy": 0}
        self.days = {"dmy": 0, "mdy": 0}  # days the dates move forward in all, read each way

    def add(self, a: str, b: str, c: str, line: int) -> None:
        first, second = int(a), int(b)
        if first > 12 and second <= 12:
            self.decided = ("dmy", line)
        elif second > 12 and first <= 12:
            self.decided = ("mdy", line)
        for order in self.backwards:  # exports run forward in time
            key = _ymd(a, b, c, order)
            if order in self._last and key < self._last[order]:
                self.backwards[order] += 1
            elif order in self._last and key != self._last[order]:
                self.days[order] += _days_between(self._last[order], key)
            self._last[order] = key

    def attachment(self, a: str, b: str, c: str, body: str, line: int) -> None:
        """An attachment's file name holds its date ("00000001-PHOTO-2024-01-02-…", "IMG-20240102-WA…")."""
        named = _FILE_DATE.search(body) if "20" in body else None
        if named is None or self.decided:
            return
        date = tuple(int(x) for x in named.group(1, 2, 3) if x) or tuple(int(x) for x in named.group(4, 5, 6))
        fits = [order for order in ("dmy", "mdy") if _ymd(a, b, c, order) == date]
        if len(fits) == 1:  # a == b fits both and says nothing
            self.decided = (fits[0], line)

    def by_sequence(self) -> str | None:
        dmy, mdy = self.backwards["dmy"], self.backwards["mdy"]
        if dmy != mdy:
            return "dmy" if dmy < mdy else "mdy"
        # Neither runs backwards: a chat moves from one day to the next far more often than from one
        # month to the next on the same day ("12/01/25" then "12/02/25": 1 to 2 December, not January
        # to February). Only a clear difference decides: a month's more travel, four times the other's.
        near, far = sorted(self.days.values())
        if far - near >= _MONTH_OF_DAYS and far >= 4 * near:
            return "dmy" if self.days["dmy"] == near else "mdy"
        return None


#: How much further one reading of a chat's dates must travel before the nearer reading is taken.
_MONTH_OF_DAYS = 28


def _days_between(earlier: tuple[int, int, int], later: tuple[int, int, int]) -> int:
    """Days from one (year, month, day) to a later one; a date no calendar has counts as a month."""
    try:
        return (date(*later) - date(*earlier)).days
    except ValueError:
        return _MONTH_OF_DAYS


def _plan(source: Source, options: ReadOptions) -> _Plan:
    """First pass: the header shape and the date order, stopping once both are known."""
    fast: re.Pattern[str] | None = None
    vote = _OrderVote()
    for number, line in source.iter_lines():
        match = (fast.match(line) if fast else None) or _HEADER.match(line)
        if match is None:
            bare = strip_marks(line).strip() if fast is None else ""
            if bare and not words.PREAMBLE.fullmatch(bare):  # WhatsApp Web writes the notice with no time
                raise source.error(
                    "text before the first WhatsApp message",
                    line=number,
                    hint="a WhatsApp export starts with a line like '12/03/2023, 21:04 - Name: text'; "
                    "remove what comes before it, or pass --format",
                )
            continue
        if fast is None:
            fast = _fast_header(match)
            if len(match["a"]) > 2:
                return _Plan("ymd", fast, "year-month-day dates")
            if options.dayfirst is not None:
                forced = "--dayfirst" if options.dayfirst else "--monthfirst"
                return _Plan("dmy" if options.dayfirst else "mdy", fast, f"{forced} as asked")
        vote.add(match["a"], match["b"], match["c"], number)
        vote.attachment(match["a"], match["b"], match["c"], match["body"], number)
        if vote.decided:
            order, shown = vote.decided
            what = "day-first" if order == "dmy" else "month-first"
            return _Plan(order, fast, f"{what} dates (as line {shown} shows)")
    if fast is None:
        raise source.error("no WhatsApp message in the file", hint="is this the exported chat?")
    return _undecided(vote, fast, source, options)


def _undecided(vote: _OrderVote, fast: re.Pattern[str], source: Source, options: ReadOptions) -> _Plan:
    """The order when no date has a field above 12."""
    order = vote.by_sequence()
    if order is not None:
        what = "day-first" if order == "dmy" else "month-first"
        return _Plan(order, fast, f"{what} dates (the order in which they run)")
    options.warn(
        f"{source.label}: every date fits both day-first and month-first; "
        "guessed day-first; pass --monthfirst if wrong"
    )
    return _Plan("dmy", fast, "day-first dates (a guess)")


# --- Speakers and kinds --------------------------------------------------------

_TILDE_SPACES = (" ", "\u00a0", "\u202f")
_MARK = re.compile(f"[{DIRECTION_MARKS}]")
_NOTICE_KINDS: dict[str | None, tuple[TurnKind, bool]] = {
    "media": ("media", True),
    "own": ("system", True),
    "chat": ("system", False),
}


def _unmarked(text: str) -> str:
    """strip_marks, skipping the copy for the many texts without marks."""
    return strip_marks(text) if _MARK.search(text) else text


def _speaker(head: str) -> str | None:
    """The speaker a "Name" before ": " names, or None when the line is a group event."""
    if any(q in head for q in words.SUBJECT_QUOTES) and words.SUBJECT_EVENT.search(head):
        return None  # 'Sam changed the subject to "Re: dinner"'
    name = _unmarked(head).strip()
    if name[:1] == "~" and name[1:2] in _TILDE_SPACES:  # iOS: not in the address book
        name = name[2:].strip()
    return name or None


class _Speakers(dict[str, "str | None"]):
    """_speaker, remembered: a chat has few names and many lines."""

    def __missing__(self, head: str) -> str | None:
        if len(self) > 10_000:  # a group of strangers; stay bounded
            self.clear()
        name = self[head] = _speaker(head)
        return name


def _kind(text: str) -> tuple[TurnKind, bool]:
    """What a text under a speaker is, and whether the speaker is kept."""
    if len(text) > 300:  # placeholders and notices are short; captions come on later lines
        return "message", True
    found = _KINDS.get(text)
    if found is None:  # a chat repeats its short messages: each distinct text is matched once (speed only)
        found = _KINDS.keep(text, _read_kind(text))
    return found


_KINDS = BoundedMemo(longest=300)


def _read_kind(text: str) -> tuple[TurnKind, bool]:
    clean = _unmarked(text)
    notice = words.NOTICE.fullmatch(clean)
    if notice:
        return _NOTICE_KINDS[notice.lastgroup]
    if text.startswith("\u200e") and words.CHAT_EVENT.search(clean):  # iOS marks its notices
        return "system", False
    if (clean[:1] == "<" or " (" in clean) and words.MEDIA_WITH_CAPTION.match(clean):
        return "media", True
    return "message", True


def _bare_colon(body: str) -> int:
    """Where "Name:" ends in a body without ": " (``Sam:.``), or -1."""
    colon = body.find(":")
    if colon <= 0:
        return -1
    after = body[colon + 1 : colon + 3]
    if after[:1].isdigit() and body[colon - 1].isdigit():  # a time: "at 10:30"
        return -1
    if after == "//":  # a link
        return -1
    return colon


def _split(body: str, speakers: _Speakers) -> tuple[str | None, TurnKind, str]:
    """Speaker, kind and first line of text of a header's body."""
    colon = body.find(": ")
    width = 2
    if colon < 0:
        colon, width = _bare_colon(body), 1
    if body[:2] == "- ":  # WhatsApp Web: "[3/14/25, 8:58:02 PM] - Robin added Kai"
        return None, "system", body[2:]
    speaker = speakers[body[:colon]] if colon > 0 else None
    if speaker is None:
        return None, "system", body
    text = body[colon + width :]
    if text[:1] == "[":
        text = words.FORWARDED.sub("", text, count=1)
    kind, keep = _kind(text)
    return (speaker if keep else None), kind, text


# --- Reading --------------------------------------------------------------------


def _turns(source: Source, plan: _Plan) -> Iterator[Turn]:
    """Second pass: one turn per header, continuation lines appended."""
    fast, general = plan.fast.match, _HEADER.match
    count = 0
    last_fields: tuple[str, ...] = ()
    last_time = datetime.min
    current: tuple[datetime, str | None, TurnKind] | None = None
    parts: list[str] = []
    size = started = 0
    speakers = _Speakers()
    events = GroupEvents()  # older iOS group events written under a name
    for number, line in source.iter_lines():
        match = fast(line) or general(line)
        if match is None:
            if current is not None:
                parts.append(line)
                size += len(line) + 1
                if size > MAX_MESSAGE_CHARS:
                    raise source.error(
                        f"message longer than {MAX_MESSAGE_CHARS:,} characters",
                        line=started,
                        hint="this does not look like a chat export",
                    )
            continue
        if current is not None:
            count += 1
            yield _turn(count, current, parts)
        fields = match.group(*_FIELDS)
        if fields != last_fields:  # messages often share a minute
            last_time, last_fields = _time(fields, plan, source, number), fields
        speaker, kind, first = _split(match["body"], speakers)
        if kind == "message" and speaker is not None:
            speaker, kind = events.kind(speaker, first)
        elif events.title is None and speaker is None and kind == "system":
            body = match["body"]
            colon = body.find(": ")
            if colon > 0:
                events.notice(speakers[body[:colon]], body[colon + 2 :])
        current = (last_time, speaker, kind)
        parts, size, started = [first], len(first), number
    if current is not None:
        yield _turn(count + 1, current, parts)


def _turn(count: int, current: tuple[datetime, str | None, TurnKind], parts: list[str]) -> Turn:
    time, speaker, kind = current
    if kind == "message" and len(parts) > 1 and _is_poll(parts):
        kind = "media"
    elif kind == "media" and speaker is not None:
        caption = _caption(parts)
        if caption:  # the words sent with a picture are a message to read, as Telegram's reader does
            kind, parts = "message", [caption]
    text = parts[0] if len(parts) == 1 else "\n".join(parts)
    if text.endswith(">"):  # "… <This message was edited>": the app's note, not the writer's words
        text = words.EDITED.sub("", text)
    return Turn(str(count), time, speaker, _unmarked(text), kind)


def _caption(parts: list[str]) -> str:
    """The words a person sent with a file: after its placeholder on the same line, or on the
    lines below ("IMG-….jpg (file attached)" then "look at this"); "" when there are none. A line
    that is only a file's name (Android writes a document's name under it) is not a caption."""
    match = words.CAPTIONED.match(_unmarked(parts[0]))
    if match is None:  # a shared place, a contact, a view-once "null": no caption
        return ""
    lines = [_unmarked(parts[0])[match.end() :], *parts[1:]]
    while lines and (not lines[0].strip() or words.FILE_NAME.fullmatch(_unmarked(lines[0]).strip())):
        lines.pop(0)
    return "\n".join(lines).strip()


def _is_poll(parts: list[str]) -> bool:
    """"POLL:" then "OPTION: … (1 vote)" lines: the app's poll, not someone's words."""
    return words.POLL.match(_unmarked(parts[0])) is not None and any(
        words.POLL_OPTION.match(_unmarked(line)) for line in parts[1:]
    )


# --- Zip archives -----------------------------------------------------------------


def _is_text_member(name: str) -> bool:
    pure = PurePosixPath(name)
    return pure.suffix.lower() == ".txt" and not pure.name.startswith("._") and "__MACOSX" not in pure.parts


def _named_like_chat(name: str) -> bool:
    base = PurePosixPath(name).name.casefold()
    return base == "_chat.txt" or "whatsapp" in base  # "WhatsApp Chat with …", "WhatsApp-Chat mit …"


def _candidates(names: Iterable[str], chat: str | None) -> list[str]:
    """Text members that may be the chat, the likeliest first."""
    texts = [n for n in names if _is_text_member(n)]
    if chat:
        texts = [n for n in texts if chat.casefold() in PurePosixPath(n).name.casefold()]
    return sorted(texts, key=lambda n: not _named_like_chat(n))[:50]


def _score(text: str) -> float:
    """How sure the start of a file is a WhatsApp export."""
    lines = [line for line in text.splitlines()[: SNIFF_LINES + 3] if strip_marks(line).strip()]
    while lines and words.PREAMBLE.fullmatch(strip_marks(lines[0]).strip()):
        lines = lines[1:]  # WhatsApp Web's export opens with untimed notices
    for index, line in enumerate(lines[:SNIFF_LINES]):
        match = _HEADER.match(line) or _HEADER.match(_date_first(line))
        if match is None:
            continue
        if match["open"] and not match["s"] and len(match["a"]) > 2 and match["sep"] == "-":
            return 0.4  # "[2019-12-24, 12:23] Name:" is how Signal exports look
        if not match["open"] and not match["end"].strip() and len(match["a"]) > 2:
            return 0.5  # "2024-03-01 09:12:03 Name: text" is any chat log's line; WhatsApp never wrote it
        return 0.9 if index == 0 else 0.6
    return 0.0


def _chat_member(path: Path, options: ReadOptions) -> str:
    names = archive.member_names(path)
    found = [n for n in _candidates(names, options.chat) if _score(_head(path, n)) > 0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(
            path,
            "no WhatsApp chat in this zip archive"
            + (f" whose name holds {options.chat!r}" if options.chat else ""),
            hint="the chat is a .txt file such as '_chat.txt' or 'WhatsApp Chat with Sam.txt'",
        )
    raise InputError(
        path,
        f"this zip archive holds {len(found)} WhatsApp chats: {', '.join(found[:5])}",
        hint="pass --chat with part of the file name of the one to read",
    )


def _head(path: Path, member: str) -> str:
    with archive.open_member(path, member) as handle:
        return handle.read(16 * 1024).decode("utf-8", errors="replace").lstrip("\ufeff")


# --- The reader -------------------------------------------------------------------------


@register
class WhatsAppReader(Reader):
    name = "whatsapp"
    title = "WhatsApp chat export (.txt, or the .zip the app shares; Android and iOS, any language)"
    example = (
        "12/03/2023, 21:04 - Sam: you said you would call\n"
        "[12/03/2023, 21:09:42] Alex: I was driving\n"
        "3/12/23, 9:12 PM - Sam: <Media omitted>"
    )
    writable = True

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir:
            return 0.0
        if not sample.is_zip:
            return _score(sample.text)
        for member in _candidates(sample.members, None):
            try:
                head = sample.member_head(member, 16 * 1024).decode("utf-8", errors="replace")
            except InputError:  # a damaged member: let the reader that claims the zip say so
                continue
            score = _score(head.lstrip("\ufeff"))
            if score:
                return score
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path, _chat_member(path, options)) if archive.is_zip(path) else Source(path)
        if _time_first(source):
            source = _DateFirst(source)  # type: ignore[assignment]
        plan = _plan(source, options)
        return _turns(source, plan)

    def write(self, turns: Iterable[Turn], handle: IO[str]) -> None:
        """Android lines, ``DD/MM/YYYY, HH:MM - Name: text``; system lines without a name."""
        for turn in turns:
            handle.write(_line(turn))


def _line(turn: Turn) -> str:
    time = turn.time
    if time is None:
        raise UsageError(f"turn {turn.id} has no time, and every WhatsApp line needs one")
    stamp = f"{time.day:02d}/{time.month:02d}/{time.year:04d}, {time.hour:02d}:{time.minute:02d} - "
    if turn.speaker is None:
        return f"{stamp}{turn.text}\n"
    if ": " in turn.speaker or "\n" in turn.speaker:
        raise UsageError(
            f"turn {turn.id}: the name {turn.speaker!r} holds ': ' or a line break, "
            "which a WhatsApp line cannot carry"
        )
    return f"{stamp}{turn.speaker}: {turn.text}\n"
