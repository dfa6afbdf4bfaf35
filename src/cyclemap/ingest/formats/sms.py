"""Android text messages saved by SMS Backup & Restore (SyncTech) as XML.

The app writes every conversation of the phone into one file::

    <smses count="2" backup_set="…" backup_date="1672686072000" type="full">
      <sms protocol="0" address="+15555550123" date="1672686072000" type="1"
           body="home yet?" readable_date="Jan 2, 2023 8:01:12 PM" contact_name="Alex" … />
      <mms date="1672686200000" msg_box="2" address="+15555550123" contact_name="Alex" …>
        <parts><part seq="0" ct="text/plain" text="on the bus" … /><part ct="image/jpeg" cl="IMG_1.jpg" data="…"/></parts>
        <addrs><addr address="+15555550123" type="151" charset="106"/></addrs>
      </mms>
    </smses>

``sms/@type`` is 1 received, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued;
``mms/@msg_box`` 1 received, 2 sent, 3 draft, 4 outbox. ``date`` is
milliseconds since 1970 (UTC); ``readable_date`` the phone's local clock. A
group MMS has ``address="+1…~+1…"`` and ``contact_name="Alex, Sam"``; its
sender is the ``addr`` of type 137. The phone owner is only ever "me": the
owner's name comes from ``--owner`` (default "Me"). Drafts are left out, and so is a
message repeated to the millisecond (merged backups hold some twice).

Times: the UTC instant from ``date``, shown at the phone's own UTC offset when
``readable_date`` (English format, as the app writes by default) reveals it;
otherwise in UTC. Both are reproducible on any machine.

Several conversations in one backup: choose one with ``--chat`` (a contact
name or a phone number). The app escapes an emoji as a UTF-16 surrogate pair
(``&#55357;&#56832;``), which XML parsers refuse; such pairs are joined back
into the character before parsing.

Shape learned from SyncTech's "Fields in XML backup files" page and from
backups shown in other projects' tests.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

CHUNK_BYTES = 1024 * 1024
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SENT = {"2", "4", "5", "6"}  # sent, outbox, failed, queued: the owner wrote them
_DRAFT = "3"
_FROM = "137"  # PduHeaders.FROM in an MMS addr
_NULL = {"", "null"}
_UNKNOWN_NAMES = {"", "null", "(Unknown)"}
_CHAR_REF = re.compile(rb"&#(x[0-9A-Fa-f]+|[0-9]+);")
_READABLE_FORMATS = (
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y %H:%M:%S",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %I:%M:%S %p",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
)


# --- Bytes the app writes that XML parsers refuse ------------------------------------


def _code_point(reference: bytes) -> int:
    return int(reference[1:], 16) if reference[:1] in (b"x", b"X") else int(reference)


def join_surrogates(data: bytes) -> bytes:
    """``&#55357;&#56832;`` (a UTF-16 pair, invalid XML) -> ``&#128512;``; a lone half -> U+FFFD."""
    out = []
    position = 0
    high: re.Match[bytes] | None = None  # a high half waiting for its partner

    def replace(match: re.Match[bytes], text: bytes) -> None:
        nonlocal position
        out.append(data[position : match.start()] + text)
        position = match.end()

    for match in _CHAR_REF.finditer(data):
        value = _code_point(match.group(1))
        if high is not None:
            if 0xDC00 <= value <= 0xDFFF and match.start() == high.end():
                pair = 0x10000 + ((_code_point(high.group(1)) - 0xD800) << 10) + (value - 0xDC00)
                out.append(data[position : high.start()] + b"&#%d;" % pair)
                position, high = match.end(), None
                continue
            replace(high, b"&#65533;")
            high = None
        if 0xD800 <= value <= 0xDBFF:
            high = match
        elif 0xDC00 <= value <= 0xDFFF:
            replace(match, b"&#65533;")
    if high is not None:
        replace(high, b"&#65533;")
    out.append(data[position:])
    return b"".join(out)


_TAIL_REFERENCE = re.compile(rb"&#(x[0-9A-Fa-f]+|[0-9]+);\Z")


def _split_point(data: bytes) -> int:
    """Where to cut a chunk so that no reference, and no surrogate pair, is torn apart."""
    cut = len(data)
    amp = data.rfind(b"&", max(0, cut - 16))
    if amp >= 0 and b";" not in data[amp:]:
        cut = amp  # an unfinished reference waits for the next chunk
    tail = _TAIL_REFERENCE.search(data, max(0, cut - 16), cut)
    if tail and 0xD800 <= _code_point(tail.group(1)) <= 0xDBFF:
        cut = tail.start()  # a high half waits for its partner
    return cut


def _safe_chunks(source: Source) -> Iterator[bytes]:
    """The file in chunks the XML parser accepts: surrogate pairs joined, no DTD."""
    carry = overlap = b""
    with source.open_binary() as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            data = carry + chunk
            cut = _split_point(data) if chunk else len(data)
            data, carry = data[:cut], data[cut:]
            seen = overlap + data
            if b"<!DOCTYPE" in seen or b"<!ENTITY" in seen:
                raise source.error(
                    "the XML declares entities; refusing it",
                    hint="SMS Backup & Restore never writes a DOCTYPE",
                )
            overlap = data[-16:]
            if data:
                yield join_surrogates(data)
            if not chunk:
                return


# --- Messages -------------------------------------------------------------------------


@dataclass
class _Message:
    thread: tuple[str, ...]
    label: str
    time: datetime | None
    speaker: str
    text: str
    kind: str


def _key(address: str) -> str:
    """A phone number compared by its last ten digits, so '+1 555-…' matches '555…'."""
    digits = re.sub(r"\D", "", address)
    return digits[-10:] if len(digits) >= 7 else address.strip().casefold()


def _time(element: ET.Element) -> datetime | None:
    """The UTC instant, at the phone's own offset when readable_date shows it."""
    stamp = element.get("date", "")
    if not stamp.isascii() or not stamp.isdigit():
        return None
    try:
        instant = _EPOCH + timedelta(milliseconds=int(stamp))
    except OverflowError:  # found by fuzzing: a date millions of years away is as unreadable as none
        return None
    readable = re.sub(r"[\u00a0\u202f\s]+", " ", element.get("readable_date", "")).strip()
    for pattern in _READABLE_FORMATS:
        try:
            local = datetime.strptime(readable, pattern)
        except ValueError:
            continue
        offset = local - instant.replace(tzinfo=None, microsecond=0)
        minutes = offset.total_seconds() / 60
        if minutes % 15 == 0 and abs(minutes) <= 14 * 60:
            return instant.astimezone(timezone(offset))
    return instant


def _address(element: ET.Element) -> str:
    """The other side's numbers, ``~``-joined as the backup writes them. An MMS kept without
    its ``address`` (other projects' test files) names them in its addrs: the sender (type 137)
    of what came in, the recipients (151) of what went out."""
    address = element.get("address")
    if address or element.tag != "mms":
        return address or ""
    wanted = "151" if element.get("msg_box") in _SENT else _FROM
    found = [a.get("address", "") for a in element.iter("addr") if a.get("type") == wanted]
    return "~".join(address for address in found if address)


def _names_by_key(element: ET.Element) -> dict[str, str]:
    """A group's numbers mapped to its contact names, when the two lists line up."""
    addresses = [a for a in _address(element).split("~") if a]
    names = [n.strip() for n in element.get("contact_name", "").split(",")]
    if len(addresses) != len(names) or any(n in _UNKNOWN_NAMES for n in names):
        return {}
    return {_key(address): name for address, name in zip(addresses, names)}


def _label(element: ET.Element) -> str:
    name = element.get("contact_name", "")
    return name if name not in _UNKNOWN_NAMES else (_address(element) or "?").replace("~", ", ")


def _is_number(label: str) -> bool:
    """Whether a label is only a phone number (the backup knew no contact name)."""
    return bool(re.fullmatch(r"[+\d\s().,~\-]+", label))


def _thread(element: ET.Element) -> tuple[str, ...]:
    return tuple(sorted({_key(a) for a in _address(element).split("~") if a}))


def sms_message(element: ET.Element, owner: str) -> _Message | None:
    kind = element.get("type", "1")
    if kind == _DRAFT or not (element.get("address") or element.get("body")):
        return None  # a draft, or an empty <sms/> (nobody, nothing said)
    sender = owner if kind in _SENT else _label(element)
    body = element.get("body") or ""
    return _Message(_thread(element), _label(element), _time(element), sender, body, "message")


def _mms_sender(element: ET.Element, owner: str) -> str:
    if element.get("msg_box") in _SENT:
        return owner
    if len(_thread(element)) == 1:
        # One-to-one: what came in came from the other person, whatever the
        # addr types say (some phones list the owner's number as type 137).
        return _label(element)
    names = _names_by_key(element)
    for addr in element.iter("addr"):
        if addr.get("type") == _FROM and addr.get("address"):
            return names.get(_key(addr.get("address", "")), addr.get("address", ""))
    return _label(element)


def mms_message(element: ET.Element, owner: str) -> _Message | None:
    if element.get("msg_box") == _DRAFT:
        return None
    texts, media = [], []
    for part in element.iter("part"):
        content_type = (part.get("ct") or "").lower()
        if content_type == "text/plain":
            if part.get("text") not in (None, *_NULL):
                texts.append(part.get("text", ""))
        elif content_type != "application/smil":
            name = next(
                (part.get(k) for k in ("name", "cl", "fn") if part.get(k) not in (None, *_NULL)), None
            )
            media.append(PurePosixPath(name).name if name else content_type or "attachment")
    text, kind = (
        ("\n".join(texts), "message") if texts else (", ".join(media), "media" if media else "message")
    )
    return _Message(
        _thread(element), _label(element), _time(element), _mms_sender(element, owner), text, kind
    )


def _parse_error(source: Source, error: ET.ParseError, at_end: bool) -> Exception:
    reason = str(error).split(":")[0]
    what = "XML ends early (file cut off?)" if at_end else f"invalid XML: {reason}"
    return source.error(what, line=error.position[0], hint="make a new backup with SMS Backup & Restore")


def _events(parser: ET.XMLPullParser, source: Source) -> Iterator[tuple[str, ET.Element]]:
    # The pull parser keeps a syntax error from feed() and raises it here.
    try:
        yield from parser.read_events()  # type: ignore[misc]
    except ET.ParseError as error:
        raise _parse_error(source, error, at_end=False) from None


def read_backup(source: Source, owner: str) -> list[_Message]:
    """Every message in the backup, streamed so that megabytes of MMS photos stay on disk."""
    parser = ET.XMLPullParser(events=("start", "end"))
    messages: list[_Message] = []
    seen: set[tuple] = set()  # merged backups repeat messages: the same one twice is said once
    root: ET.Element | None = None
    for chunk in _safe_chunks(source):
        try:
            parser.feed(chunk)
        except (LookupError, ValueError) as error:  # found by fuzzing: encoding="UTF-4", or "UTF-16" in UTF-8
            raise source.error(f"the XML declares an encoding it cannot be read in ({error})", line=1) from None
        for event, element in _events(parser, source):
            if root is None:
                root = element
                if root.tag != "smses":
                    raise source.error(
                        f"an XML file of <{root.tag}>, not an SMS Backup & Restore message backup (<smses>)"
                    )
            elif event == "end" and element.tag in ("sms", "mms"):
                message = (sms_message if element.tag == "sms" else mms_message)(element, owner)
                key = None if message is None else (message.thread, message.time, message.speaker, message.text)
                if message is not None and key not in seen:
                    seen.add(key)
                    messages.append(message)
                root.clear()  # forget what was read, MMS data and all
    try:
        parser.close()
    except ET.ParseError as error:
        raise _parse_error(source, error, at_end=True) from None
    if root is None:
        raise source.error("no XML in this file")
    return messages


def choose_thread(messages: list[_Message], source: Source, options: ReadOptions) -> list[_Message]:
    """The conversation ``--chat`` names, or the only one the backup holds."""
    labels: dict[tuple[str, ...], str] = {}
    for message in messages:
        known = labels.setdefault(message.thread, message.label)
        if _is_number(known) and not _is_number(message.label):  # a contact's name beats their number
            labels[message.thread] = message.label
    if options.chat:
        wanted = options.chat.casefold()
        wanted_key = _key(options.chat)
        chosen = [t for t, label in labels.items() if label.casefold() == wanted or t == (wanted_key,)]
        if not chosen:  # part of a name ("Noor" for "Noor Haddad"), when only one holds it
            partial = [t for t, label in labels.items() if wanted in label.casefold()]
            chosen = partial if len(partial) == 1 else []
        if not chosen:
            shown = ", ".join(repr(label) for label in list(labels.values())[:5])
            raise source.error(
                f"no conversation with {options.chat!r} in this backup; it holds {shown}",
                hint="pass a contact name or phone number with --chat",
            )
        return [m for m in messages if m.thread == chosen[0]]
    if len(labels) > 1:
        names = list(labels.values())
        shown = ", ".join(repr(label) for label in names[:5]) + (
            f" and {len(names) - 5} more" if len(names) > 5 else ""
        )
        raise source.error(
            f"this backup holds {len(names)} conversations: {shown}",
            hint="choose one with --chat and a contact name or phone number",
        )
    return messages


@register
class SmsBackupReader(Reader):
    name = "sms"
    title = "Android SMS/MMS backup from SMS Backup & Restore (XML; --chat NAME, --owner NAME)"
    example = (
        '<smses count="1">\n  <sms address="+15555550123" date="1672686072000" type="1" body="home yet?"\n'
        '       readable_date="Jan 2, 2023 8:01:12 PM" contact_name="Alex" />\n</smses>'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        head = sample.text.lstrip()
        if not head.startswith("<"):
            return 0.0
        return 0.95 if re.search(r"<smses[\s>]", head) else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        messages = read_backup(source, options.owner or "Me")
        if not messages:
            raise source.error("no text messages in this backup")
        chosen = choose_thread(messages, source, options)
        # The app writes all SMS, then all MMS: put them back in time order.
        chosen.sort(key=lambda m: m.time or _EPOCH)
        # One contact: a message that only knew their number is theirs under the name the others give.
        one = chosen[0].thread if len({m.thread for m in chosen}) == 1 and len(chosen[0].thread) == 1 else ()
        name = next((m.label for m in chosen if not _is_number(m.label)), None) if one else None
        for index, message in enumerate(chosen, start=1):
            speaker = message.speaker
            if name and _is_number(speaker) and (_key(speaker),) == one:
                speaker = name
            yield Turn(
                str(index),
                message.time,
                strip_marks(speaker),
                strip_marks(message.text),
                message.kind,
            )  # type: ignore[arg-type]
