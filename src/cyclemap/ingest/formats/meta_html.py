"""Instagram and Facebook Messenger chats in the HTML of Meta's "Download Your Information".

HTML is the download's default format, so many people have only this. A
conversation is ``messages/inbox/<name>_<id>/message_1.html`` (then
``message_2.html`` …), each message a block, **newest first**::

    <div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder">
      <h2 class="_3-95 _2pim _a6-h _a6-i">Sam</h2>
      <div class="_3-95 _a6-p"><div><div></div><div>home yet?</div><div></div><div></div></div></div>
      <div class="_3-94 _a6-o">Mar 10, 2026 11:50 pm</div>
    </div>

Older downloads (before 2023) name the sender in a ``<div>`` rather than an
``<h2>`` and put a comma after the year (``Dec 05, 2021, 10:41 PM``);
Facebook's 2019–2022 pages use ``_2lej`` / ``_2lek`` / ``_2let`` / ``_2lem``
for the same four parts. The class names are Meta's machine-made ones, so the
reader knows them all but relies on the block's shape.

What the reader decides:

* **Text** is the second inner ``<div>`` of the content (the later ones hold
  a duplicate copy, the media and the reactions); ``<br>`` is a line break.
* **Media**: a block with no text but a photo, video, audio or file link is
  a media turn naming the files.
* **Notices** nobody typed ("Liked a message", "Reacted ❤ to your
  message", "… unsent a message") are system lines.
* **Times** are the page's: local clock times, no zone. A date in another
  language, which the page may carry, leaves the time empty (with a warning).
* **Order**: messages come oldest first; ``message_2.html`` and later
  siblings are read too when given ``message_1.html`` or the folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from ...errors import InputError
from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from .english_months import ENGLISH_MONTHS

_PART_NAME = re.compile(r"^message_(\d+)\.html?$")
# The four parts of a message block, in the new (_a6-) and old (_2le-) class names.
_BLOCK = ("_a6-g", "_2lej")
_SENDER = ("_a6-h", "_2lek")
_CONTENT = ("_a6-p", "_2let")
_DATE = ("_a6-o", "_2lem")
_SNIFF = re.compile(r'class="[^"]*\b(?:_a6-g|_2lej)\b')
_DATE_TEXT = re.compile(
    r"(?P<mon>[A-Za-z]{3,9})\.? (?P<day>\d{1,2}),? (?P<year>\d{4}),?\s+(?:at\s+)?"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
)
_NOTICE = re.compile(
    r"^(?:Liked a message|Reacted .{1,12} to your message|.{1,80} unsent a message|You unsent a message)\.?$",
    re.DOTALL,
)
_MEDIA_TAGS = ("img", "video", "audio")
_MAX_DEPTH = 400  # deeper nesting than any real page: hostile input


@dataclass
class _Element:
    tag: str
    classes: tuple[str, ...]
    children: list[_Element | str] = field(default_factory=list)
    href: str | None = None

    def has(self, names: tuple[str, ...]) -> bool:
        return any(name in self.classes for name in names)

    def elements(self) -> list[_Element]:
        return [child for child in self.children if isinstance(child, _Element)]

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag == "br":
                parts.append("\n")
            elif child.tag not in ("ul", "style", "script"):  # a <ul> holds the reactions
                parts.append(child.text())
        return "".join(parts)

    def find(self, names: tuple[str, ...]) -> _Element | None:
        for child in self.elements():
            if child.has(names):
                return child
            found = child.find(names)
            if found is not None:
                return found
        return None

    def media(self) -> list[str]:
        found: list[str] = []
        for child in self.elements():
            if child.tag in _MEDIA_TAGS or (child.tag == "a" and child.href and "/" in child.href):
                uri = child.href or ""
                found.append(PurePosixPath(uri).name or child.tag)
            found.extend(child.media())
        return found


_VOID = frozenset({"br", "img", "meta", "link", "hr", "input", "source", "base", "wbr"})


class _Tree(HTMLParser):
    """A small tree of the page: enough to find message blocks and their parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", ())
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = tuple((values.get("class") or "").split())
        href = values.get("href") or values.get("src")
        element = _Element(tag, classes, href=href)
        self.stack[-1].children.append(element)
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        element = _Element(tag, tuple((values.get("class") or "").split()), href=values.get("href") or values.get("src"))
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _blocks(root: _Element) -> Iterator[_Element]:
    for child in root.elements():
        if child.has(_BLOCK):
            yield child
        else:
            yield from _blocks(child)


def parse_time(text: str) -> datetime | None:
    """'Mar 10, 2026 11:50 pm' or 'Dec 05, 2021, 10:41 PM' -> naive local time; None otherwise."""
    match = _DATE_TEXT.search(text)
    if match is None:
        return None
    month = ENGLISH_MONTHS.get(match.group("mon").lower())
    if month is None:
        return None
    hour = int(match.group("h"))
    meridiem = (match.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    if meridiem and hour <= 12:
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    try:
        return datetime(
            int(match.group("year")), month, int(match.group("day")), hour, int(match.group("mi")), int(match.group("s") or 0)
        )
    except ValueError:
        return None


@dataclass
class _Message:
    sender: str | None
    time: datetime | None
    text: str
    media: list[str]


def _message(block: _Element) -> _Message | None:
    sender_element = block.find(_SENDER)
    content = block.find(_CONTENT)
    date = block.find(_DATE)
    if content is None or date is None:  # followers and likes pages share the block, not the date line
        return None
    sender = strip_marks(sender_element.text()).strip() if sender_element else None
    inner = content.elements()
    parts = inner[0].elements() if len(inner) == 1 and inner[0].tag == "div" else []
    if len(parts) >= 2:
        text = parts[1].text()  # the later parts repeat it, or hold media and reactions
        media = [name for part in parts[2:] for name in part.media()]
    else:
        text = content.text()
        media = content.media()
    text = strip_marks(text).strip()
    media = list(dict.fromkeys(media))  # a photo is both a link and an image
    return _Message(sender or None, parse_time(date.text()), text, media)


def _part_files(path: Path) -> list[Path]:
    """message_1.html, message_2.html … of the conversation ``path`` belongs to, in number order."""
    folder = path if path.is_dir() else path.parent
    if not path.is_dir() and not _PART_NAME.match(path.name):
        return [path]
    parts = [p for p in folder.iterdir() if p.is_file() and _PART_NAME.match(p.name)]
    return sorted(parts, key=lambda p: int(_PART_NAME.match(p.name).group(1)))  # type: ignore[union-attr]


def _read_messages(file: Path) -> list[_Message]:
    source = Source(file)
    tree = _Tree()
    try:
        tree.feed(source.read_text())
        tree.close()
    except (AssertionError, RecursionError) as error:  # html.parser gives up on some broken markup
        raise source.error(f"cannot read this HTML page ({type(error).__name__})") from None
    messages = [m for m in (_message(block) for block in _blocks(tree.root)) if m is not None]
    timed = [m.time for m in messages if m.time is not None]
    if len(timed) > 1 and timed[0] > timed[-1]:
        messages.reverse()  # Meta writes each page newest first
    return messages


def _turn(message: _Message, index: int) -> Turn:
    if message.text and _NOTICE.match(message.text):
        notice = message.text
        if message.sender and not notice.startswith(("You ", message.sender)):
            notice = f"{message.sender} {notice[0].lower()}{notice[1:]}"
        return Turn(str(index), message.time, None, notice, "system")
    if message.text:
        return Turn(str(index), message.time, message.sender, message.text, "message")
    if message.media:
        return Turn(str(index), message.time, message.sender, ", ".join(message.media), "media")
    return Turn(str(index), message.time, message.sender, "", "message")


@register
class MetaHtmlReader(Reader):
    name = "meta-html"
    title = "Instagram or Facebook Messenger in Meta's HTML download (message_1.html)"
    example = (
        '<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder"><h2 class="_3-95 _2pim _a6-h _a6-i">Sam</h2>\n'
        '  <div class="_3-95 _a6-p"><div><div></div><div>home yet?</div><div></div><div></div></div></div>\n'
        '  <div class="_3-94 _a6-o">Mar 10, 2026 11:50 pm</div></div>'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_zip:
            return 0.0
        if sample.is_dir:
            if "message_1.html" not in sample.members:
                return 0.0
            head = sample.member_head("message_1.html").decode("utf-8", errors="replace")
            return 0.9 if _SNIFF.search(head) else 0.0
        text = sample.text
        if "<" not in text[:200] or not _SNIFF.search(text):
            return 0.0
        return 0.95

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        messages: list[_Message] = []
        # message_1 holds the newest messages: read the oldest page first.
        for file in reversed(_part_files(path)):
            messages.extend(_read_messages(file))
        if not messages:
            raise InputError(path, "no messages on this page", hint="open message_1.html of a conversation")
        if any(m.time is None for m in messages) and any(m.time is not None for m in messages):
            options.warn(f"{path}: some message dates are not in English; those messages have no time")
        for index, message in enumerate(messages, start=1):
            yield _turn(message, index)
