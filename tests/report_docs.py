"""Analysis documents for the report tests: a real one from a bundled sample, and variants of it.

The variants (hostile names, a safety flag, one speaker, nothing at all) are made from
the real document, so they test the report's rendering, not the classifier.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "samples"
JORDAN = SAMPLES / "WhatsApp Chat with Jordan.txt"
TRIAD = SAMPLES / "WhatsApp Chat with Maya, Theo & Kai.txt"

HOSTILE_A = '<script>window.pwned=1</script>Sam<img src="x" onerror="window.pwned=2">'
HOSTILE_B = "דנה &amp; علي 🌹"
LONG_WORD = "Supercalifragilisticexpialidocious" * 6


@lru_cache(maxsize=4)
def _analysed(path: Path) -> str:
    from cyclemap.analysis import analyze

    return json.dumps(analyze(path, cache=False, permutations=20), ensure_ascii=False)


def real_doc(path: Path = JORDAN) -> dict[str, Any]:
    """A fresh copy of the analysis of a bundled sample (analysed once per session).

    Its safety finding is set to clear: these tests are about rendering, and the
    safety screen (tested on its own) must not decide which report they see.
    """
    doc = json.loads(_analysed(path))
    doc["safety"] = {"flagged": False, "flags": {}, "turns": [], "resources": [],
                     "note": "The safety screen found no clear signs of violence, control, self-harm or fear."}
    return doc


def renamed(doc: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    text = json.dumps(doc, ensure_ascii=False)
    for old, new in names.items():
        text = text.replace(old, json.dumps(new, ensure_ascii=False)[1:-1])
    return json.loads(text)


def hostile_doc() -> dict[str, Any]:
    """The Riley/Jordan analysis with markup, entities, RTL text, emoji and a very long word in it."""
    doc = renamed(real_doc(), {"Riley": HOSTILE_A, "Jordan": HOSTILE_B})
    said = [m for e in doc["episodes"] for m in e["hot_moments"]
            if m["move"] in ("pursue", "withdraw") and m["kind"] != "first_soften" and m["source"] == "turn"]
    hottest = max(said, key=lambda m: m["intensity"])
    hottest["text"] = f"{LONG_WORD} <b>not bold</b> &lt;tag&gt; مرحبا كيف حالك 😀"
    doc["source"]["file"] = "<i>chat</i>.txt"
    return doc


def flagged_doc() -> dict[str, Any]:
    from cyclemap.resources import help_resources

    doc = real_doc()
    doc["safety"] = {
        "flagged": True,
        "flags": {"violence": 1},
        "turns": [{"turn": "46", "speaker": "Riley", "flags": ["violence"], "evidence": []}],
        "resources": help_resources(None),
        "note": "Signs of danger were found. What happens here may not be a shared dance, and couple "
                "exercises are not the right next step; please look at the help resources.",
    }
    return doc


def one_speaker_doc() -> dict[str, Any]:
    doc = copy.deepcopy(real_doc())
    doc.update(participants=["Riley"], pairs=[], episodes=[], episodes_summary="no tense stretches found",
               moves={"Riley": doc["moves"]["Riley"]})
    doc["overall"] = {"pattern": None, "pursuer": None, "withdrawer": None, "confidence": 0.0,
                      "reason": "only one person writes"}
    return doc


def empty_doc() -> dict[str, Any]:
    doc = one_speaker_doc()
    doc.update(participants=[], turns=0, moves={}, periods=[], topics=[], trends={"unit": "week", "periods": []})
    return doc
