"""A short plain-words reading of an analysis, for the terminal."""

from __future__ import annotations

from typing import Any

PATTERN_WORDS = {
    "pursue-withdraw": "when {p} presses, {w} pulls back; when {w} pulls back, {p} presses harder",
    "mutual-pursuit": "both of you press at the same time: attack meets counter-attack",
    "mutual-withdrawal": "both of you step back when it gets tense, and the distance grows",
    "softened": "when it gets tense, a softer move often answers it",
    "calm": "little tension either way",
}


def shape_sentence(overall: dict[str, Any]) -> str:
    """The cycle in the language of the cycle: never 'X is the problem'."""
    pattern = overall.get("pattern")
    if pattern is None:
        return overall.get("reason") or "not enough conflict to see a pattern"
    words = PATTERN_WORDS.get(pattern, pattern)
    if pattern == "pursue-withdraw" and overall.get("pursuer") and overall.get("withdrawer"):
        words = words.format(p=overall["pursuer"], w=overall["withdrawer"])
    elif pattern == "pursue-withdraw":
        words = "one presses and the other pulls back, and each move feeds the other"
    return f"{words} (confidence {overall.get('confidence', 0):.2f})"


def summary_lines(document: dict[str, Any]) -> list[str]:
    lines = []
    safety = document["safety"]
    if safety["flagged"]:
        lines.append("SAFETY: " + safety["note"])
        for resource in safety.get("resources", []):
            lines.append(f"  - {resource['name']}: {resource['contact']} ({resource['what']})")
        lines.append("")
    people = ", ".join(document["participants"]) or "nobody"
    lines.append(f"{document['source']['file']}: {document['turns']} turn{'' if document['turns'] == 1 else 's'}; partners: {people}")
    lines.append("The cycle: " + shape_sentence(document["overall"]))
    for pair in document["pairs"]:
        if len(document["pairs"]) > 1:
            lines.append(f"  {' and '.join(pair['pair'])}: {pair['pattern'] or 'no clear pattern'} - {pair['reason']}")
    summary = document.get("episodes_summary")
    if summary:
        lines.append(f"Tense stretches: {summary}")
    change = document["trends"].get("change") or {}
    if change.get("verdict"):
        lines.append(f"Over time: {change['verdict']} - {change.get('reason', '')}")
    lines.append("This is a reading of words, not of tone or history, and no diagnosis.")
    return lines
