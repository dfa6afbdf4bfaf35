"""Telegram Desktop's HTML export (``messages.html``, ``messages2.html`` …), its default format.

Each message is a ``div``; the reader keeps the few parts that say who wrote
what and when::

    <div class="message default clearfix" id="message12">
      <div class="body">
        <div class="pull_right date details" title="12.03.2023 21:04:11 UTC+01:00">21:04</div>
        <div class="from_name">Sam</div>
        <div class="text">you said you would call<br>twice</div>
      </div>
    </div>
    <div class="message default clearfix joined" id="message13"> … (same sender, no from_name)
    <div class="message service" id="message14"><div class="body details">Sam pinned a message</div></div>

What the reader decides:

* **Speaker.** The message's ``from_name``; a "joined" message (the app's
  run of messages by one sender) takes the sender before it. A forwarded
  message keeps its forwarder as the speaker (the original author is in a
  nested ``forwarded body``, which is ignored) and its forwarded text.
* **Time.** The date ``title``: ``dd.mm.yyyy hh:mm:ss`` with ``UTC+hh:mm``
  (an aware time) or, in older exports, without (naive local time).
* **Text.** ``<br>`` is a line break, tags go, entities are decoded; the
  "In reply to" line, reactions and details are not part of the text.
* **Kinds.** A message with no text and a ``media_wrap`` is ``media`` (its
  text the media's title, such as "Voice message", or "photo"); a service
  message is ``system`` without a speaker, at the time of the message
  before it (the HTML gives service messages no time of their own), except
  the day dividers, which are skipped. A reply names the message it answers
  (``reply_to``).
* **Files.** ``messages.html`` is read with the ``messages2.html`` …
  beside it, in number order; a folder is read through the one chat's
  ``messages*.html`` it holds.

Streaming: the HTML is fed to the parser in blocks; finished messages are
yielded as they close. Shape learned from Telegram Desktop's
``export_output_html.cpp`` and the samples other projects test with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from ...errors import InputError
from ...model import Turn, TurnKind
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

#: The longest message text the reader accepts, in characters.
MAX_MESSAGE_CHARS = 1024 * 1024
_BLOCK = 64 * 1024
_PAGE = re.compile(r"messages(\d*)\.html$")
_STAMP = re.compile(
    r"(?P<d>\d{2})\.(?P<mo>\d{2})\.(?P<y>\d{4}) (?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"(?: UTC(?P<zh>[+-]\d{2}):(?P<zm>\d{2}))?"
)
_DAY_DIVIDER = re.compile(r"^\d{1,2}\.? \S+ \d{4}$|^\S+ \d{1,2}, \d{4}$")
_IGNORED_SPANS = ("details", "reactions")


def _time(title: str | None) -> datetime | None:
    found = _STAMP.search(title or "")
    if found is None:
        return None
    stamp = datetime(
        int(found["y"]), int(found["mo"]), int(found["d"]), int(found["h"]), int(found["mi"]), int(found["s"])
    )
    if found["zh"] is None:
        return stamp
    hours = int(found["zh"])
    minutes = int(found["zm"]) * (-1 if found["zh"].startswith("-") else 1)
    return stamp.replace(tzinfo=timezone(timedelta(hours=hours, minutes=minutes)))


class _Message:
    def __init__(self, service: bool, joined: bool, ident: str) -> None:
        self.service, self.joined, self.ident = service, joined, ident
        self.title: str | None = None
        self.name: list[str] = []
        self.text: list[str] = []
        self.media_title: list[str] = []
        self.media = False
        self.reply_to: str | None = None
        self.size = 0


class _Parser(HTMLParser):
    """Collects finished messages; one per export page sequence."""

    def __init__(self, source: Source) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.stack: list[str] = []  # one role per open div or span
        self.message: _Message | None = None
        self.done: list[_Message] = []

    def flush(self) -> None:
        if self.message is not None:
            self.done.append(self.message)
            self.message = None

    def _role(self, tag: str, classes: set[str], attrs: dict[str, str | None]) -> str:
        message = self.message
        if tag == "span":
            return "ignore" if classes & set(_IGNORED_SPANS) else "other"
        if "message" in classes and ("default" in classes or "service" in classes):
            self.flush()
            self.message = _Message("service" in classes, "joined" in classes, attrs.get("id") or "")
            return "message"
        if message is None:
            return "other"
        if "forwarded" in classes:
            return "forwarded"
        if "reply_to" in classes:
            return "reply"
        if "reactions" in classes:
            return "ignore"
        if "date" in classes and "details" in classes and message.title is None:
            message.title = attrs.get("title")
            return "ignore"
        if "from_name" in classes:
            return "from" if "forwarded" not in self.stack else "ignore"
        if "media_wrap" in classes:
            message.media = True
            return "media"
        if "title" in classes and "media" in self.stack:
            return "media_title"
        if "text" in classes:
            return "text"
        if message.service and "body" in classes:
            return "service_text"
        return "other"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._add("\n", from_markup=True)
            return
        if tag == "a" and self.message is not None:
            if "media" in self.stack:
                self.message.media = True
            elif "reply" in self.stack:  # <a href="#go_to_message101">this message</a>
                target = re.search(r"go_to_message(\d+)", dict(attrs).get("href") or "")
                self.message.reply_to = target.group(1) if target else None
        if tag not in ("div", "span"):
            return
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        self.stack.append(self._role(tag, classes, values))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("div", "span") and self.stack:
            role = self.stack.pop()
            if role == "message":
                self.flush()

    def handle_data(self, data: str) -> None:
        self._add(data, from_markup=False)

    def _add(self, data: str, *, from_markup: bool) -> None:
        message = self.message
        if message is None:
            return
        target = None
        for role in reversed(self.stack):
            if role == "other":
                continue
            target = role
            break
        if target in ("text", "service_text"):
            message.text.append(data)  # the exporter's layout newlines sit at the ends: stripped later
        elif target == "from":
            message.name.append(data)
        elif target == "media_title":
            message.media_title.append(data)
        else:
            return
        message.size += len(data)
        if message.size > MAX_MESSAGE_CHARS:
            raise self.source.error(f"message longer than {MAX_MESSAGE_CHARS:,} characters ({message.ident})")


def _pages(path: Path) -> list[Path]:
    """The export's pages in order: messages.html, messages2.html, …"""
    if path.is_dir():
        found = sorted({p.parent for p in path.rglob("messages*.html") if _PAGE.search(p.name)})
        if not found:
            raise InputError(path, "no messages.html in this folder")
        if len(found) > 1:
            names = ", ".join(str(p.relative_to(path)) for p in found[:5])
            raise InputError(path, f"this folder holds {len(found)} Telegram chats: {names}", hint="pass one chat's folder")
        folder = found[0]
    elif path.name == "messages.html":
        folder = path.parent
    else:
        return [path]
    pages = [p for p in folder.iterdir() if p.is_file() and _PAGE.fullmatch(p.name)]
    return sorted(pages, key=lambda p: int(_PAGE.fullmatch(p.name)[1] or 1))  # type: ignore[index]


def _turn(
    message: _Message, index: int, last_speaker: str | None, last_time: datetime | None
) -> tuple[Turn | None, str | None]:
    text = strip_marks("".join(message.text)).strip()
    ident = message.ident.removeprefix("message") or str(index)
    if message.service:
        if not text or message.ident.startswith("message-") or _DAY_DIVIDER.match(text):
            return None, None  # a day divider (and it ends the sender's run)
        # Service messages carry no time in the HTML; the one before them is the closest known.
        return Turn(ident, last_time, None, text, "system"), None
    name = " ".join("".join(message.name).split()) or None
    speaker = name or (last_speaker if message.joined else None)
    kind: TurnKind = "message"
    if not text and message.media:
        kind = "media"
        text = " ".join("".join(message.media_title).split()) or "photo"
    return Turn(ident, _time(message.title), speaker, text, kind, reply_to=message.reply_to), speaker


def _sniff_text(text: str) -> float:
    head = text[:_BLOCK]
    if "<title>Exported Data</title>" in head and 'class="message ' in head:
        return 0.9
    if 'class="message default clearfix' in head and 'class="pull_right date details"' in head:
        return 0.8
    return 0.0


@register
class TelegramHtmlReader(Reader):
    name = "telegram-html"
    title = "Telegram Desktop HTML export (messages.html, messages2.html …; the app's default)"
    example = (
        '<div class="message default clearfix" id="message12"><div class="body">\n'
        '  <div class="pull_right date details" title="12.03.2023 21:04:11 UTC+01:00">21:04</div>\n'
        '  <div class="from_name">Sam</div><div class="text">you said you would call</div></div></div>'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_zip:
            return 0.0
        if sample.is_dir:
            pages = [m for m in sample.members if _PAGE.search(m.replace("\\", "/").rsplit("/", 1)[-1])]
            if not pages:
                return 0.0
            head = sample.member_head(sorted(pages, key=len)[0]).decode("utf-8", errors="replace")
            return _sniff_text(head)
        return _sniff_text(sample.text)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        index = 0
        last: str | None = None
        last_time: datetime | None = None
        for page in _pages(path):
            source = Source(page)
            parser = _Parser(source)
            with source.text_stream() as stream:
                while True:
                    try:
                        block = stream.read(_BLOCK)
                    except UnicodeDecodeError as error:
                        raise source.error(
                            f"not valid UTF-8 near byte {error.start + 1} of a block",
                            hint="export the chat again",
                        ) from None
                    if block:
                        parser.feed(block)
                    else:
                        parser.close()
                        parser.flush()
                    for message in parser.done:
                        index += 1
                        try:
                            turn, last = _turn(message, index, last, last_time)
                        except ValueError:  # a date or UTC offset that cannot exist (99.99.2024, UTC+99:00)
                            raise source.error(
                                f"message {message.ident.removeprefix('message') or index} has an impossible "
                                f"time ({message.title!r})", hint="export the chat again",
                            ) from None
                        if turn is not None:
                            last_time = turn.time or last_time
                            yield turn
                    parser.done.clear()
                    if not block:
                        break
        if index == 0:
            raise InputError(path, "no Telegram message in this file", hint="is this a Telegram messages.html?")
