"""Small chats written for the model tests: a fight that escalates, then repairs."""

from __future__ import annotations

from datetime import datetime, timedelta

from cyclemap.model import Turn

START = datetime(2025, 3, 1, 17)


def chat(lines: list[tuple[str, str]], start: datetime = START) -> list[Turn]:
    """Turns four minutes apart, from (speaker, text) pairs."""
    return [Turn(id=str(i), time=start + timedelta(minutes=4 * i), speaker=s, text=t) for i, (s, t) in enumerate(lines)]


FIGHT = chat([
    ("Sam", "can you pick up milk on the way home?"),
    ("Alex", "sure"),
    ("Sam", "you NEVER listen to me. why do I even bother talking to you"),
    ("Alex", "I need a minute, I can't do this right now"),
    ("Sam", "there it is again. you always walk away"),
    ("Alex", "ok"),
    ("Sam", "I'm sorry I snapped. can we talk after dinner?"),
    ("Alex", "yeah. I'm sorry too"),
])
