"""vMessage files (``.vmsg``): the text backups of Windows Phone (Lumia), Nokia and many Android phones.

One block per text, the other person's number in a little vCard::

    BEGIN:VMSG
    VERSION: 1.1
    BEGIN:VCARD
    TEL:+33650000001
    END:VCARD
    BEGIN:VBODY
    X-BOX:INBOX
    X-READ:READ
    Date:2016/11/07 14:51:14
    Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:I'm on my way =F0=9F=98=8A
    END:VBODY
    END:VMSG

What the reader decides:

* **Who.** ``X-BOX:INBOX`` is the contact (its number); ``SENDBOX``,
  ``OUTBOX`` and ``SENT`` are the owner (``--owner``, default "Me"); drafts
  are left out. A file with texts to several numbers needs ``--chat``.
* **Text.** The ``Subject`` value or the body's own lines; quoted-printable
  text is decoded (soft line breaks joined, ``=C3=A9`` as "é").
* **Time.** ``Date:`` in ``2016/11/07 14:51:14``, ``2016-11-07 …`` or
  ``07.11.2016 …``; naive local time.

Shape seen in an SMS converter's test data (athg2sms).
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from .phone_threads import Text, one_thread

_DATE = re.compile(
    r"(?:(?P<y>\d{4})[/.-](?P<m>\d{1,2})[/.-](?P<d>\d{1,2})|(?P<d2>\d{1,2})[./](?P<m2>\d{1,2})[./](?P<y2>\d{4}))"
    r"[ T](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
)
_SENT_BOXES = frozenset({"SENDBOX", "OUTBOX", "SENT", "SENTBOX"})
_MAX_LINES = 100_000  # one text's lines; a longer "text" is not a vMessage


def _time(value: str) -> datetime | None:
    found = _DATE.search(value)
    if found is None:
        return None
    year, month, day = (found["y"], found["m"], found["d"]) if found["y"] else (found["y2"], found["m2"], found["d2"])
    try:
        return datetime(int(year), int(month), int(day), int(found["h"]), int(found["mi"]), int(found["s"] or 0))
    except ValueError:
        return None


def _decode(lines: list[str], quoted: bool) -> str:
    if not quoted:
        return "\n".join(lines)
    raw = "\n".join(lines).replace("=\n", "")  # soft line breaks
    return quopri.decodestring(raw.encode("utf-8", errors="replace")).decode("utf-8", errors="replace")


def _lines(source: Source) -> Iterator[tuple[int, str]]:
    """The file's lines; some phones end them with a bare carriage return."""
    for number, raw in source.iter_lines():
        for part in raw.split("\r"):
            yield number, strip_marks(part)


def _texts(source: Source) -> list[Text]:
    texts: list[Text] = []
    block: dict[str, str] | None = None
    body: list[str] = []
    quoted = in_body = False
    started = 0
    for number, line in _lines(source):
        upper = line.strip().upper()
        if upper == "BEGIN:VMSG":
            block, body, quoted, in_body, started = {}, [], False, False, number
            continue
        if block is None:
            if line.strip():
                raise source.error("text outside a BEGIN:VMSG … END:VMSG block", line=number)
            continue
        if upper == "END:VMSG":
            box = block.get("X-BOX", "INBOX").upper()
            if "DRAFT" not in box:
                text = _decode(body, quoted).strip()
                texts.append(Text(block.get("TEL", "unknown") or "unknown", box in _SENT_BOXES,
                                  _time(block.get("DATE", "")), text, len(texts)))
            block = None
            continue
        if upper == "BEGIN:VBODY":
            in_body = True
            continue
        if upper == "END:VBODY":
            in_body = False
            continue
        key, colon, value = line.partition(":")
        name = key.split(";", 1)[0].strip().upper()
        if not in_body:
            if colon and name == "TEL" and "TEL" not in block:
                block["TEL"] = value.strip()
            continue
        if colon and name in ("X-BOX", "X-READ", "X-SIMID", "X-LOCKED", "X-TYPE", "DATE") and not body:
            block[name] = value.strip()
        elif colon and name == "SUBJECT" and not body:
            quoted = "QUOTED-PRINTABLE" in key.upper()
            body.append(value)
        else:
            body.append(line)
        if len(body) > _MAX_LINES:
            raise source.error("a text longer than 100,000 lines", line=started)
    if block is not None:
        raise source.error("the last text has no END:VMSG (file cut off?)", line=started)
    return texts


@register
class VMessageReader(Reader):
    name = "vmsg"
    title = "vMessage text backup (.vmsg: Lumia, Nokia, Android phones; --chat NUMBER, --owner NAME)"
    example = "BEGIN:VMSG\nVERSION: 1.1\nBEGIN:VCARD\nTEL:+33650000001\nEND:VCARD\nBEGIN:VBODY\nX-BOX:INBOX\nDate:2016/11/07 14:51:14\nSubject:on my way\nEND:VBODY\nEND:VMSG"

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        head = sample.text.lstrip()[:4000].upper()
        return 0.95 if head.startswith("BEGIN:VMSG") and "BEGIN:VBODY" in head else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        return one_thread(_texts(source), source, options, "vMessage file")
