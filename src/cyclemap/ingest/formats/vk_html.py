"""VK (VKontakte) messages as HTML: the official data archive, or a VkOpt export.

**The archive** ("Your data" on vk.com) holds ``messages/<peer id>/messages0.html``,
``messages50.html`` … per conversation, in windows-1251, newest first::

    <div class="message" data-id="4512">
      <div class="message__header"><a href="https://vk.com/id334240417">Ilya K</a>, 14 июл 2021 в 11:17:48</div>
      <div>home yet?<div class="kludges"><div class="attachment">
        <div class="attachment__description">Фотография</div></div></div></div>
    </div>

The owner's own messages have no link ("Вы, 14 июл 2021 в 11:18:02"); an
edited one ends with "(ред.)". English archives write "You, 14 Jul 2021 at
11:18:02 (edited)".

**VkOpt** (a browser extension people use to save one dialogue) writes one
``msg_item`` per message: ``<div class="from"><b>Name</b> … <a>2018.01.21
11:05:13</a></div><div class="msg_body">…</div>``.

What the reader decides:

* **Speakers.** The name as written; the owner's "Вы"/"You" is ``--owner``
  (default "Me").
* **Text.** ``<br>`` is a line break, emoji images give their character,
  tags go. A message with only attachments is ``media`` (its text the
  attachments' descriptions).
* **Times.** Naive local times; oldest first. For the archive, the folder (or
  any one page of it) gives every ``messages*.html`` page of that conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

_PAGE = re.compile(r"^messages(\d+)\.html?$")
_MONTHS = {
    **{m: i for i, m in enumerate(("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"), 1)},
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)},
}
_WORDED = re.compile(r"(?P<d>\d{1,2}) (?P<mon>[^\W\d_]{3,4})\.? (?P<y>\d{4}) (?:в|at) (?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?")
_NUMERIC = re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2}) (?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?")
_MENTION = re.compile(r"\[(?:id|club|public)\d+\|([^\[\]|]{1,100})\]")  # "[id42|Sam]" is how VK writes "@Sam"
_OWNER_WORDS = frozenset({"вы", "you", "ви", "ты"})
_SNIFF = re.compile(r'class="(?:message__header|msg_item)"|<title>VK Messages')
_MAX_DEPTH = 400


@dataclass
class _Message:
    ident: str = ""
    header: list[str] = field(default_factory=list)
    linked: bool = False
    body: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


class _Page(HTMLParser):
    """Collects the messages of one page, in either layout."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.messages: list[_Message] = []
        self.stack: list[str] = []  # the role each open element plays: "", "header", "body", "attachment", …
        self.current: _Message | None = None

    def _role(self) -> str:
        return next((role for role in reversed(self.stack) if role), "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            self._empty(tag, attrs)
            return
        if len(self.stack) > _MAX_DEPTH:
            raise ValueError("nested too deeply")
        classes = (dict(attrs).get("class") or "").split()
        role = ""
        if "message" in classes or "msg_item" in classes:
            self.current = _Message(ident=dict(attrs).get("data-id") or dict(attrs).get("id") or "")
            self.messages.append(self.current)
            role = "message"
        elif self.current is not None:
            if "message__header" in classes or "from" in classes:
                role = "header"
            elif "kludges" in classes or "attacments" in classes:
                role = "kludges"
            elif "attachment__description" in classes or "attacment" in classes:
                role = "attachment"
            elif "msg_body" in classes or (tag == "div" and self._role() == "message" and self.current.header):
                role = "body"
            elif tag == "a" and self._role() == "header":
                self.current.linked = True
        self.stack.append(role)

    def _empty(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        role = self._role()
        if self.current is None:
            return
        if tag == "br" and role == "body":
            self.current.body.append("\n")
        elif tag == "img" and role == "body" and "emoji" in (dict(attrs).get("class") or ""):
            self.current.body.append(dict(attrs).get("alt") or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._empty(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "hr", "meta", "link", "input") or not self.stack:
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.current is None:
            return
        role = self._role()
        if role == "header":
            self.current.header.append(data)
        elif role == "body":
            self.current.body.append(data)
        elif role == "attachment":
            self.current.attachments.append(data.strip())


def _time(header: str) -> datetime | None:
    found = _WORDED.search(header)
    if found is not None:
        month = _MONTHS.get(found["mon"].lower()[:3])
        if month is None:
            return None
        values = (int(found["y"]), month, int(found["d"]))
    else:
        found = _NUMERIC.search(header)
        if found is None:
            return None
        values = (int(found["y"]), int(found["m"]), int(found["d"]))
    try:
        return datetime(*values, int(found["h"]), int(found["mi"]), int(found["s"] or 0))
    except ValueError:
        return None


def _speaker(message: _Message, owner: str) -> str | None:
    header = " ".join(" ".join(message.header).split())
    name = header.split(",", 1)[0].strip() if "," in header else ""
    if not name:  # VkOpt: "Name @handle 2018.01.21 11:05:13"
        name = _NUMERIC.split(header, maxsplit=1)[0].split(" @", 1)[0].strip()
    if name.casefold() in _OWNER_WORDS and not message.linked:
        return owner
    return strip_marks(name) or None


def _pages(path: Path) -> list[Path]:
    folder = path if path.is_dir() else path.parent
    pages = sorted((p for p in folder.iterdir() if _PAGE.match(p.name)), key=lambda p: int(_PAGE.match(p.name)[1]))
    if path.is_dir() or _PAGE.match(path.name):
        return pages or [path]
    return [path]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")  # the archive's pages are windows-1251


def _turns(path: Path, options: ReadOptions) -> Iterator[Turn]:
    owner = options.owner or "Me"
    read: list[tuple[datetime | None, int, Turn]] = []
    for page in _pages(path):
        source = Source(page)
        parser = _Page()
        try:
            parser.feed(_decode(source.read_bytes()))
            parser.close()
        except (ValueError, AssertionError):
            raise source.error("this HTML page is damaged or nested too deeply") from None
        for message in parser.messages:
            header = " ".join(" ".join(message.header).split())
            if not header:
                continue
            time = _time(header)
            text = _MENTION.sub(r"\1", strip_marks("".join(message.body))).strip()
            kind = "message"
            if not text and message.attachments:
                kind, text = "media", ", ".join(a for a in message.attachments if a) or "attachment"
            turn = Turn(message.ident or str(len(read) + 1), time, _speaker(message, owner), text, kind)  # type: ignore[arg-type]
            read.append((time, len(read), turn))
    if not read:
        raise Source(path).error("no VK message in this page", hint="pass a messages*.html page of the VK archive")
    dated = [t for t, _, _ in read if t is not None]
    newest_first = len(dated) > 1 and dated[0] > dated[-1]
    if len(dated) == len(read):
        read.sort(key=lambda item: (item[0], -item[1] if newest_first else item[1]))
    elif newest_first:
        read.reverse()
    for _, _, turn in read:
        yield turn


@register
class VkHtmlReader(Reader):
    name = "vk-html"
    title = "VK messages: the vk.com data archive's messages*.html (or its folder), or a VkOpt export"
    example = (
        '<div class="message" data-id="4512"><div class="message__header">'
        '<a href="https://vk.com/id1">Ilya K</a>, 14 июл 2021 в 11:17:48</div><div>home yet?</div></div>'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_zip:
            return 0.0
        if sample.is_dir:
            pages = [m for m in sample.members if _PAGE.match(m.rsplit("/", 1)[-1]) and "/" not in m]
            if not pages:
                return 0.0
            head = sample.member_head(pages[0]).decode("cp1251", errors="replace")
            return 0.9 if _SNIFF.search(head) else 0.0
        text = sample.head.decode("utf-8", errors="ignore") if b"\xd0" in sample.head[:2000] else sample.head.decode("cp1251", errors="replace")
        return 0.9 if _SNIFF.search(text) else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _turns(path, options)
