"""Group events that older iOS exports write as if someone had said them.

Since about 2021 iOS starts its own notices with a left-to-right mark, which
is how :mod:`.whatsapp` tells them from messages. Older iOS exports have no
mark and put group events under a name, like a message::

    [29/11/2018, 10:50:41] Hiking Club: Messages and calls are end-to-end encrypted. …
    [29/11/2018, 10:50:41] Sam: Sam created this group
    [29/11/2018, 10:50:41] Hiking Club: Sam added you

Two rules, both narrow on purpose (a message read as a notice is lost to
the analysis, which is worse than a notice read as a message):

* **The chat's title.** The name the encryption notice stands under is the
  chat's title. While that name has sent nothing but group events, its lines
  that read as group events (:data:`whatsapp_locale.CHAT_EVENT`) are system
  lines. In a one-to-one chat the title is the other person, whose first
  ordinary message ends the rule.
* **Creating the group.** "Sam: Sam created this group": the speaker's own
  name, then the words for creating a group.
* **One's own event.** "Sam: ~ Sam changed the group icon", "Sam: Sam updated
  the message timer": the speaker's own name (iOS may add "~ "), then the
  words of a group event (:data:`whatsapp_locale.CHAT_EVENT`) right after it.
* **Being added.** "Ali: Leon added Ali", "Ali: Leon hat Ali hinzugefügt.":
  a short line naming the speaker last, with the words of a group event.
"""

from __future__ import annotations

import re

from ...model import TurnKind
from . import whatsapp_locale as words

#: "created this group" and its translations, right after the creator's name.
CREATED = re.compile(
    r"(?:created (?:this |the )?group|hat (?:die|diese) gruppe|cre[óo] (?:el|este) grupo|a cr[ée]{2} (?:le|ce) groupe"
    r"|criou (?:o|este) grupo|ha creato (?:il|questo) gruppo|heeft (?:de |deze )?groep)",
    re.IGNORECASE,
)


class GroupEvents:
    """Reads one export's unmarked iOS group events; one per file, in line order."""

    def __init__(self) -> None:
        self.title: str | None = None
        self._title_spoke = False  # the title sent an ordinary message: a person, not a group

    def notice(self, name: str | None, text: str) -> None:
        """A system line under ``name``: the encryption notice names the chat's title."""
        # Marked notices (newer iOS) need no rule: the mark already says what they are.
        if self.title is None and name and not text.startswith("\u200e") and words.ENCRYPTION.match(text):
            self.title = name

    def kind(self, speaker: str, text: str) -> tuple[str | None, TurnKind]:
        """Speaker and kind of a line that reads as a message."""
        if speaker == self.title and not self._title_spoke:
            if len(text) < 300 and words.CHAT_EVENT.search(text):
                return None, "system"
            self._title_spoke = True
        elif text.startswith(speaker) and text[len(speaker) : len(speaker) + 1] == " ":
            if CREATED.match(text, len(speaker) + 1):
                return None, "system"
        if len(text) < 300 and speaker in text and _own_event(speaker, text):
            return None, "system"
        return speaker, "message"


def _own_event(speaker: str, text: str) -> bool:
    """Whether ``text`` under ``speaker`` is a group event about the speaker, not something they wrote."""
    bare = text[2:] if text.startswith("~ ") else text
    if bare.startswith(speaker + " ") and (
        words.CHAT_EVENT.match(bare, len(speaker) + 1) or CREATED.match(bare, len(speaker) + 1)
    ):
        return True
    added = re.fullmatch(rf"\S.{{0,80}}?\s(?:~\s)?{re.escape(speaker)}(?:\s\w+)?\.?", text)
    return added is not None and words.CHAT_EVENT.search(text) is not None
