"""Clock changes in wall-clock times: a reply sent three minutes later can read as an hour later.

Chat exports give local wall-clock times without a time zone. On the night the
clocks go forward, 01:58 to 03:01 is three minutes, not sixty-three, and a
"silence" read from it would be made up. Without the zone, cyclemap cannot
know whether a clock changed; it knows the nights when the common rules change
them (Europe, North America, Australia and New Zealand) and, for a span that
takes in such a night's early hours, allows for the hour that may not have passed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

HOUR = 3600.0


def _sunday(year: int, month: int, nth: int) -> date:
    """The ``nth`` Sunday of the month (``nth`` -1: the last one)."""
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
    return last - timedelta(days=(last.weekday() - 6) % 7)


def spring_forward_nights(year: int) -> tuple[date, ...]:
    """The Sundays the clocks go forward under the common rules."""
    return (
        _sunday(year, 3, -1),  # Europe: last Sunday of March (01:00 UTC: 01:00 to 04:00 local)
        _sunday(year, 3, 2),  # United States and Canada: second Sunday of March, 02:00
        _sunday(year, 10, 1),  # Australia (south-east): first Sunday of October, 02:00
        _sunday(year, 9, -1),  # New Zealand: last Sunday of September, 02:00
    )


def skipped_seconds(earlier: datetime, later: datetime) -> float:
    """An hour when a naive span takes in the early hours of a night the clocks may go forward, else 0.

    Aware times already measure real time, so nothing is allowed for them.
    """
    if earlier.tzinfo is not None or later.tzinfo is not None or later <= earlier:
        return 0.0
    for year in range(earlier.year, later.year + 1):
        for night in spring_forward_nights(year):
            start = datetime(night.year, night.month, night.day, 1)
            if earlier < start + timedelta(hours=3) and later > start:
                return HOUR
    return 0.0
