"""Nokia Suite's message export (a ``.csv`` without a header row).

Nokia Suite (and PC Suite before it) saves every text of the phone, newest
first, one row each::

    "sms","READ,RECEIVED","+33650000001","","","2015.06.24 15:39","","sorry, running late"
    "sms","SENT,READ","","+33650000001","","2015.06.24 15:26","","ok, see you at 8"

Fields: the kind of message, its state (``RECEIVED`` or ``SENT``; ``DRAFT``
rows were never sent and are left out), the sender's number (received), the
recipient's number (sent), two empty fields around the time, and the text.
The file holds every conversation of the phone: ``--chat`` picks one by
(part of) the number; the owner's texts are ``--owner`` (default "Me").

Shape seen in an SMS converter's test data (athg2sms).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from .phone_threads import Text, one_thread
from .table import csv_rows

_ROW = re.compile(r'^"(?:sms|mms)","[A-Z, ]*(?:RECEIVED|SENT|DRAFT)[A-Z, ]*","')
_TIME = re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2}) (?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?")
_TIME_DMY = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}) (?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?")


def _time(value: str) -> datetime | None:
    found = _TIME.fullmatch(value.strip()) or _TIME_DMY.fullmatch(value.strip())
    if found is None:
        return None
    try:
        return datetime(int(found["y"]), int(found["m"]), int(found["d"]), int(found["h"]), int(found["mi"]), int(found["s"] or 0))
    except ValueError:
        return None


def _texts(source: Source) -> list[Text]:
    texts = []
    with source.text_stream() as stream:
        rows = csv.reader(stream)
        for row in csv_rows(rows, source):
            if len(row) < 8 or row[0] not in ("sms", "mms"):
                raise source.error(
                    f"not a Nokia Suite message row ({len(row)} cells)", line=rows.line_num,
                    hint='each row looks like "sms","SENT,READ","","+331234","","2015.06.24 15:26","","text"',
                )
            state = row[1].upper()
            if "DRAFT" in state:
                continue
            sent = "SENT" in state
            contact = (row[3] if sent else row[2]).strip() or (row[2] if sent else row[3]).strip()
            time = _time(row[5])
            if row[5].strip() and time is None:
                raise source.error(f"unreadable time {row[5]!r}", line=rows.line_num)
            texts.append(Text(contact or "unknown", sent, time, strip_marks(row[7]), len(texts)))
    return texts


@register
class NokiaCsvReader(Reader):
    name = "nokia-csv"
    title = "Nokia Suite / PC Suite message export (.csv rows \"sms\",\"SENT,READ\",…; --chat NUMBER, --owner NAME)"
    example = '"sms","READ,RECEIVED","+33650000001","","","2015.06.24 15:39","","sorry, running late"'

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        lines = [line for line in sample.text.splitlines()[:20] if line.strip()]
        return 0.9 if lines and _ROW.match(lines[0].lstrip("\ufeff")) else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        return one_thread(_texts(source), source, options, "Nokia Suite export")
