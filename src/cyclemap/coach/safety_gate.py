"""Safety before coaching: when the screen fires on a draft or its context, no advice to soften.

The labeller has already run the safety screen (:mod:`cyclemap.safety`) on every turn it read;
this module turns those flags into the check's answer: a :class:`SafetyNotice` with help
resources when the screen fires (its own rule: one clear sign, or a cluster of possible ones),
a short note when only a possible sign of danger was seen, and nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Turn
from ..moves.label import Evidence, MoveLabel
from ..resources import help_resources
from ..safety import SafetyFinding, conversation_flagged, phrase_evidence


@dataclass(frozen=True)
class SafetyNotice:
    """What the safety screen found, and where to turn; shown instead of any coaching."""

    flags: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    resources: tuple[dict[str, str], ...]
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"flags": list(self.flags), "evidence": [e.to_json() for e in self.evidence],
                "resources": [dict(r) for r in self.resources], "note": self.note}


#: Flags whose explicit phrase alone fires the screen in a check: a draft is a message to the partner, and
#: a threat of harm or of self-harm in it is never a figure of speech worth the risk of coaching softening.
#: Control and fear phrases ("who were you texting?", "I'm scared to tell you") also fit pursuits and soft
#: bids, so for those the screen's own rule decides.
PHRASE_ALONE = ("violence", "self_harm")
#: A possible (not clear) sign is mentioned in the note for these flags; the screen reads many ordinary
#: pursuits ("hello?? answer me") as possible control, and saying so every time would only alarm.
MENTION_POSSIBLE = ("violence", "self_harm", "fear")


def safety_findings(dialogue: Sequence[Turn], labels: Sequence[MoveLabel]) -> list[SafetyFinding]:
    """The screen's flags on each turn (from the labeller), plus PHRASE_ALONE phrases as clear signs."""
    findings = []
    for i, (turn, label) in enumerate(zip(dialogue, labels, strict=True)):
        flags = list(label.safety)
        evidence = [e for e in label.evidence if e.reason.startswith("safety")]
        for flag, phrase in phrase_evidence(turn.text).items():
            if flag in PHRASE_ALONE and flag not in flags:
                flags.append(flag)
                evidence.append(Evidence(f"safety: {flag} (clear)", phrase.text, phrase.start, phrase.end))
        if flags:
            findings.append(SafetyFinding(turn.id, turn.speaker, tuple(flags), tuple(evidence), i))
    return findings


def safety_notice(findings: Sequence[SafetyFinding], country: str | None) -> tuple[SafetyNotice | None, str]:
    """The notice when the screen fires on the draft or its context; else a note on near misses."""
    if not findings:
        return None, ""
    flags = tuple(dict.fromkeys(flag for f in findings for flag in f.flags))
    named = ", ".join(f.replace("_", "-") for f in flags)
    if not conversation_flagged(findings):
        if not set(flags) & set(MENTION_POSSIBLE):
            return None, ""
        return None, (f" The safety screen noticed a possible sign of {named} but nothing clear; if you are "
                      "ever afraid of your partner, or of hurting yourself, `cyclemap resources` lists where to turn.")
    note = (f"The safety screen found signs of {named}. What happens here may not be a shared dance, and "
            "softening your message is not the right advice; please look at the help resources, and talk to "
            "someone you trust.")
    evidence = tuple(e for f in findings for e in f.evidence)
    return SafetyNotice(flags, evidence, tuple(help_resources(country)), note), ""
