"""One conversation out of a phone's message backup that holds everyone's texts.

Old phones' exports (Nokia Suite CSV, vMessage files) list every text of the
phone in one file, each with the other person's number. A couple's chat is
the texts with one number: ``--chat`` picks it by a unique part of the
number; a file with texts to one number only needs no choice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from ...model import Turn
from ..source import ReadOptions, Source


@dataclass(frozen=True)
class Text:
    """One text message: the other person's number, whether the owner sent it, when, what."""

    contact: str
    sent: bool
    time: datetime | None
    text: str
    order: int  # place in the file, for texts with the same time


def one_thread(texts: list[Text], source: Source, options: ReadOptions, what: str) -> Iterator[Turn]:
    """The turns of the one conversation the file holds or ``--chat`` names, oldest first."""
    if not texts:
        raise source.error(f"no text message in this {what}")
    contacts = sorted({t.contact for t in texts})
    if options.chat:
        wanted = options.chat.replace(" ", "")
        chosen = [c for c in contacts if wanted in c.replace(" ", "")]
        if len(chosen) != 1:
            raise source.error(
                f"--chat {options.chat!r} matches {len(chosen) or 'none'} of the numbers in this {what}",
                hint="its conversations are with " + ", ".join(contacts[:8]),
            )
    elif len(contacts) > 1:
        raise source.error(
            f"this {what} holds texts with {len(contacts)} numbers: " + ", ".join(contacts[:5])
            + (" …" if len(contacts) > 5 else ""),
            hint="choose one with --chat NUMBER (a unique part of it is enough)",
        )
    else:
        chosen = contacts
    owner = options.owner or "Me"
    thread = [t for t in texts if t.contact == chosen[0]]
    dated = [t.time for t in thread if t.time is not None]
    tie = -1 if len(dated) > 1 and dated[0] > dated[-1] else 1  # newest first: texts of one minute too
    thread.sort(key=lambda t: (t.time or datetime.min, tie * t.order))
    for count, t in enumerate(thread, start=1):
        yield Turn(str(count), t.time, owner if t.sent else t.contact, t.text, "message", conversation=None)
