"""Other tools' names for a turn's fields: the CSV reader's columns, and the keys of JSON rows.

Matched case-insensitively by the readers; the first name found wins, so ``text`` is taken before
``message`` when a sheet has both.
"""

from __future__ import annotations

COLUMNS: dict[str, tuple[str, ...]] = {
    "speaker": ("speaker", "author", "sender", "from", "name", "user", "participant", "sender_name", "author_name"),
    "text": ("text", "message", "content", "body", "utterance", "msg", "message_text"),
    "time": ("time", "timestamp", "date", "datetime", "sent", "created_at"),
    "id": ("id", "message_id", "utterance_id"),
    "kind": ("kind", "type"),
    "reply_to": ("reply_to", "in_reply_to", "parent"),
    "conversation": ("conversation", "conversation_id", "chat", "thread"),
}
