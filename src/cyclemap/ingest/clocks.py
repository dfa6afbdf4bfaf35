"""When a message was sent, under the names other tools give it in JSON and JSON Lines rows.

``COLUMNS["time"]`` holds the usual names; these are the rest, tried after them: Slack's and
Twitch's ``ts`` (Twitch also writes ``wall_ts``), Meshtastic's ``rx_time``/``rx_iso``, Telegram's
``date_unixtime``, ``sent_at`` … A value under one of these names that is no date is skipped, not
an error: the name may mean something else in that tool (Twitch's ``ts`` counts seconds into the
stream).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .columns import COLUMNS

#: Other tools' names for when a message was sent, in the order they are tried.
CLOCKS: tuple[str, ...] = (
    "wall_ts", "rx_iso", "rx_time", "date_unixtime", "ts", "sent_at", "created", "time_sent", "sent_time",
    "created_time", "send_time", "unix_time", "timestamp_ms", "date_sent",
)
#: As seconds since 1970 this is March 1973: a smaller number counts seconds into a stream or a
#: recording, not a date.
_FIRST_DATE = 100_000_000


def read_clock(value: Any, dayfirst: bool = True) -> datetime | None:
    """A value under one of :data:`CLOCKS` as a time, or None when it is no date."""
    from .formats.table import parse_time  # the readers' shared parser (a late import: table imports columns)

    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            if abs(value) < _FIRST_DATE:
                return None
            return datetime.fromtimestamp(value / 1000 if value > 100_000_000_000 else value, tz=UTC)
        if isinstance(value, str) and value.strip():
            return parse_time(value, dayfirst)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def other_clock(row: Mapping[str, Any], dayfirst: bool = True, names: tuple[str, ...] = CLOCKS) -> datetime | None:
    """The first value under ``names`` (any case) that reads as a date, or None."""
    lowered = {key.lower(): value for key, value in row.items() if isinstance(key, str)}
    for name in names:
        if name in lowered:
            found = read_clock(lowered[name], dayfirst)
            if found is not None:
                return found
    return None


#: Every name of a clock a JSON Lines row may carry besides cyclemap's own ``time``.
LINE_CLOCKS: tuple[str, ...] = (*(name for name in COLUMNS["time"] if name != "time"), *CLOCKS)
