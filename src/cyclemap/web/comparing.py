"""Who compares self-assessment scores with whom: pair by pair, each partner choosing each other one.

Two partners' scores go side by side only when each of them chose the other. A choice names
partners (their user ids, kept as ``compare_with`` in the entry's sealed data), so nobody who joins
the space later is ever included without being ticked by name.

Ticks saved before choices named anyone (``consent_compare`` alone, no ``compare_with``) were
given to "put my scores beside my partner's", in a space of two (or of one, before the partner
joined). Such a tick covers the space's first two partners, the couple it was given in, and
nobody who joined after them: a third partner is compared with them only once ticked by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .models import Member, PrivateEntry


def chosen(entry: PrivateEntry | None, partners: Sequence[Member]) -> set[int]:
    """The partners (user ids) whose scores this assessment entry agreed to be put beside.

    ``partners`` are the space's partners in the order they joined.
    """
    if entry is None or not entry.consent_compare:
        return set()
    everyone = {m.user_id for m in partners} - {entry.user_id}
    named = entry.data.get("compare_with")
    if named is not None:
        return {int(u) for u in named} & everyone
    couple = {m.user_id for m in partners[:2]}  # a tick from the two-partner days: that couple only
    return couple - {entry.user_id} if entry.user_id in couple else set()


def choice_from_form(consent: bool, named: Sequence[str], me: int, partners: Sequence[Member]) -> list[int] | None:
    """What a submitted form agrees to, as user ids to store in ``compare_with``.

    Partners ticked by name count; one plain ``consent`` tick means every partner in the space
    now. Before anyone else has joined there is nobody to name: ``None`` (store no list), so
    the tick covers the first partner to join, the one "my partner" meant.
    """
    others = [m.user_id for m in partners if m.user_id != me]
    # Only plain ASCII digits: "²".isdigit() is true but int("²") fails (a hostile form must not give a 500).
    picked = sorted({int(v) for v in named if str(v).isascii() and str(v).isdecimal()} & set(others))
    if consent and not named:
        if not others:
            return None
        picked = others
    return picked


def agreed(consent: bool, choice: list[int] | None) -> bool:
    """Whether the entry agrees to any comparison at all (the ``consent_compare`` column)."""
    return bool(choice) or (consent and choice is None)


def partner_choices(entry: PrivateEntry | None, me: int, partners: Sequence[Member]) -> list[dict[str, Any]]:
    """Every other partner with whether this person chose them: the page's one tick box each."""
    mine = chosen(entry, partners)
    return [{"id": m.user_id, "name": m.display_name, "chosen": m.user_id in mine} for m in partners if m.user_id != me]
