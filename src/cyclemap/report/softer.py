"""What a softer move could have sounded like, for a hot moment.

The coach (``cyclemap.coach.check_message``) writes these where it is
installed; without it, a short line per move from the codebook's soften cues
stands in. Never used when the safety screen fired: nobody who may be at risk
is coached to soften.
"""

from __future__ import annotations

from typing import Any

#: Used when the coach is not available: one gentle example per move.
_FALLBACK = {
    "pursue": "I miss you and I get scared when we drift. Can we find ten minutes tonight to talk?",
    "withdraw": "I'm feeling flooded and I want to get this right. Can we pause and come back to it at eight?",
}


def _texts(alternatives: Any) -> list[str]:
    out = []
    for item in alternatives or []:
        if isinstance(item, str):
            text = item
        elif isinstance(item, dict):
            text = item.get("text") or ""
        else:
            text = getattr(item, "text", "") or ""
        if text.strip():
            out.append(text.strip())
    return out


def softer_alternatives(text: str, move: str) -> list[str]:
    """Up to two softer ways of saying ``text`` (the coach's where it exists)."""
    try:
        from ..coach import check_message  # written by another part of the project; optional
    except ImportError:
        check_message = None
    if check_message is not None:
        try:
            found = _texts(check_message(text).alternatives)
        except Exception:  # noqa: BLE001 - a coach fault must not break the report
            found = []
        if found:
            return found[:2]
    fallback = _FALLBACK.get(move)
    return [fallback] if fallback else []
