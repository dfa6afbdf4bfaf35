"""A bounded text -> result memo for the per-turn hot paths: a chat repeats its short messages
("ok", "love you", "where are you?"), so what is worked out from a text is remembered for a while."""

from __future__ import annotations

from typing import Any


class BoundedMemo(dict):
    """Remembers results of texts of at most ``longest`` characters, ``size`` of them at most; then
    forgets all at once (cheaper than an LRU, and the results are exact either way)."""

    def __init__(self, size: int = 50_000, longest: int = 400) -> None:
        super().__init__()
        self.size, self.longest = size, longest

    def keep(self, text: str, value: Any) -> Any:
        """``value``, remembered for ``text`` if the text is short enough."""
        if len(text) <= self.longest:
            if len(self) >= self.size:
                self.clear()
            self[text] = value
        return value
