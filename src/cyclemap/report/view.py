"""From an analysis document to what the report shows: plain data, in plain words.

The templates only lay this out; every choice (what to quote, how many rows,
what to leave out when the safety screen fired) is made here, where it can be
tested without HTML.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from ..codebook import CUES
from . import unread, words
from .softer import softer_alternatives
from .unread import most_unread, mostly_emoji
from .svg import ENDING_COLOURS, MAX_DOTS, PRESS, PULL, SOFT, pair_map_svg, timeline_svg, trend_svg

#: Rows of the episode table and hot moments shown; the JSON has them all.
MAX_EPISODE_ROWS = 40
MAX_HOT = 5
MAX_TURNED = 3
MAX_QUOTE = 160
MAX_CONVERSATION_ROWS = 50
TENSE = ("pursue-withdraw", "mutual-pursuit", "mutual-withdrawal")


def _when(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{moment:%d %b %Y, %H:%M}".lstrip("0")


def _clip(text: str, most: int = MAX_QUOTE) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _said(doc: dict[str, Any], pair: dict[str, Any]) -> list[dict[str, Any]]:
    """The quoted turns between one pair (its example exchanges, its episodes' hot moments).

    With three or more partners, only episodes between exactly these two count, so a
    quote addressed to someone else never lands on this pair's map.
    """
    names = set(pair["pair"])
    alone = len(doc.get("participants") or []) <= 2
    seen: set[tuple[str | None, str]] = set()
    out = []

    def add(speaker: str | None, move: str | None, cue: str | None, text: str, source: str | None) -> None:
        if not speaker or not text or (speaker, text) in seen:
            return
        # A timing event (a silence, a burst) is cyclemap's description, not a person's words.
        timing = words.is_timing(text, source)
        seen.add((speaker, text))
        out.append({"speaker": speaker, "move": move, "cue": cue, "text": text, "timing": timing})

    for exchange in pair.get("exchanges") or []:
        for turn in exchange:
            add(turn.get("speaker"), turn.get("move"), turn.get("cue"), turn.get("text", ""), turn.get("source"))
    for episode in doc.get("episodes", []):
        involved = set(episode.get("participants") or [])
        if not (involved <= names if alone else involved == names):
            continue
        for moment in episode.get("hot_moments", []):
            add(moment.get("speaker"), moment.get("move"), moment.get("cue"), moment.get("text", ""), moment.get("source"))
    return out


def _node(pair: dict[str, Any], said: list[dict[str, Any]], me: str, other: str, move: str, role: str) -> dict[str, Any]:
    moves = ("pursue", "withdraw") if move == "either" else (move,)
    mine = [s for s in said if s["speaker"] == me and s["move"] in moves]
    quotes = [s for s in mine if not s["timing"]]
    # Quotes of a few words read best on a map: "ok" says less than "you always go quiet when it's money".
    quotes.sort(key=lambda s: (len(s["text"].split()) < 3, len(s["text"]) > 90, len(s["text"])))
    timing = [s for s in mine if s["timing"]]
    cues = Counter(s["cue"] for s in mine if s.get("cue") and CUES.get(s["cue"]) in moves)  # only these moves' own cues
    doing = ", ".join(words.CUE_WORDS.get(c, c) for c, _ in cues.most_common(3))
    mine_here = (pair.get("shares") or {}).get(me) or {}
    share = ""
    if mine_here.get("events") and all(mine_here.get(m) is not None for m in moves):
        share = f"{round(100 * sum(mine_here[m] for m in moves))}% of {me}'s moves with {other}"
    return {
        "name": me,
        "move": move,
        "verb": words.MOVE_VERBS.get(move, "presses or pulls back"),
        "doing": doing or ("goes quiet" if move == "withdraw" else "presses for an answer"),
        "share": share,
        "quote": quotes[0]["text"] if quotes else "",
        "examples": [_clip(q["text"]) for q in quotes[:3]],
        "timing": [t["text"] for t in timing[:1]],
        "questions": words.underlying_questions(role, me, other),
    }


def _cycle(doc: dict[str, Any], pair: dict[str, Any], index: int) -> dict[str, Any] | None:
    """The loop for one pair, or None when this pair shows no tense pattern to draw."""
    pattern = pair.get("pattern")
    said = _said(doc, pair)
    a, b = pair["pair"]
    if pattern not in TENSE:
        return None
    if pattern == "pursue-withdraw" and not (pair.get("pursuer") and pair.get("withdrawer")):
        # The loop is there but the roles change hands: nobody is drawn as "the pursuer".
        nodes = [_node(pair, said, a, b, "either", "either"), _node(pair, said, b, a, "either", "either")]
        down, up = f"then {b} answers the other way", f"then {a} answers the other way"
    elif pattern == "pursue-withdraw":
        p, w = pair["pursuer"], pair["withdrawer"]
        nodes = [_node(pair, said, p, w, "pursue", "pursuer"), _node(pair, said, w, p, "withdraw", "withdrawer")]
        down, up = f"then {w} pulls back", f"then {p} presses harder"
    elif pattern == "mutual-pursuit":
        nodes = [_node(pair, said, a, b, "pursue", "both-press"), _node(pair, said, b, a, "pursue", "both-press")]
        down, up = f"then {b} presses back", f"then {a} presses harder"
    else:
        nodes = [_node(pair, said, a, b, "withdraw", "both-withdraw"), _node(pair, said, b, a, "withdraw", "both-withdraw")]
        down, up = f"then {b} steps back too", f"then {a} steps further back"
    sentence = words.shape(pair, [a, b])
    cycle = {
        "names": f"{a} and {b}",
        "title": f"The cycle map of {a} and {b}",
        "sentence": sentence,
        "how_sure": words.confidence_words(pair.get("confidence")),
        "reason": pair.get("reason", ""),
        "role_reason": pair.get("role_reason") or "",
        "nodes": nodes,
        "down": down,
        "up": up,
    }
    cycle["svg"] = pair_map_svg(cycle, f"map{index}")
    return cycle


def _hot(doc: dict[str, Any], coach: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The hottest quoted moments (with softer alternatives, unless coaching is off) and the moments that turned it."""
    hot, turned, seen = [], [], set()
    for episode in doc.get("episodes", []):
        for moment in episode.get("hot_moments", []):
            text = moment.get("text", "")
            if not text or words.is_timing(text, moment.get("source")):  # only people's own words are quoted
                continue
            key = (episode.get("conversation"), moment.get("turn_id"), moment.get("kind") in ("first_soften", "repair"))
            if key in seen:
                continue
            seen.add(key)
            item = {
                "speaker": moment.get("speaker") or "", "text": _clip(text, 400), "move": moment.get("move"),
                "intensity": float(moment.get("intensity") or 0.0), "why": moment.get("why", ""),
                "when": _when((episode.get("peak") or {}).get("time") if moment.get("kind") == "peak" else episode["start"].get("time")),
                "topic": (episode.get("topic") or {}).get("coarse", ""),
            }
            (turned if moment.get("kind") in ("first_soften", "repair") else hot).append(item)
    hot.sort(key=lambda m: -m["intensity"])
    hot = [m for m in hot if m["move"] in ("pursue", "withdraw")][:MAX_HOT]
    for moment in hot:
        moment["verb"] = words.MOVE_VERBS.get(moment["move"], "")
        moment["alternatives"] = softer_alternatives(moment["text"], moment["move"]) if coach else []
    return hot, turned[-MAX_TURNED:]


def _episodes(doc: dict[str, Any]) -> dict[str, Any] | None:
    episodes = doc.get("episodes") or []
    if not episodes:
        return None
    summary = doc.get("episodes_summary") or f"{len(episodes)} tense stretches"
    rows = []
    for episode in episodes[-MAX_EPISODE_ROWS:]:
        rows.append({
            "number": episode.get("number"),
            "when": _when(episode["start"].get("time")) or f"turn {episode['start'].get('turn_id')}",
            "who": " and ".join(episode.get("participants") or []),
            "topic": (episode.get("topic") or {}).get("coarse", ""),
            "intensity": round(100 * float((episode.get("peak") or {}).get("intensity") or 0)),
            "ending": words.ENDINGS.get(episode.get("ending"), episode.get("ending")),
            "colour": ENDING_COLOURS.get(episode.get("ending"), "#1d1d1f"),
        })
    endings = Counter(e.get("ending") for e in episodes)
    return {
        "summary": summary,
        "svg": timeline_svg(episodes, summary),
        "rows": rows,
        "hidden": max(len(episodes) - MAX_EPISODE_ROWS, 0),
        "bars": len(episodes) > MAX_DOTS,
        "legend": [{"ending": words.ENDINGS[k], "colour": ENDING_COLOURS[k], "count": endings.get(k, 0)}
                   for k in ENDING_COLOURS],
    }


def _trends(doc: dict[str, Any]) -> dict[str, Any] | None:
    trends = doc.get("trends") or {}
    periods = trends.get("periods") or []
    change = trends.get("change") or {}
    if len(periods) < 2:
        return None
    labels = [p["period"] for p in periods]
    tension = [float(p["overall"].get("pursue", 0)) + float(p["overall"].get("withdraw", 0)) for p in periods]
    soften = [float(p["overall"].get("soften", 0)) for p in periods]
    verdict = change.get("verdict") or "not enough data"
    caption = f"{words.VERDICTS.get(verdict, verdict)} {change.get('reason', '')}".strip()
    rows = [{
        "period": p["period"], "turns": p["overall"].get("turns", 0), "tension": words.percent(t),
        "soften": words.percent(s), "episodes": p.get("episodes", 0),
    } for p, t, s in zip(periods, tension, soften)]
    return {
        "verdict": verdict,
        "headline": words.VERDICTS.get(verdict, verdict),
        "reason": change.get("reason", ""),
        # A line over two or three points says more than it knows; the table is enough then.
        "svg": trend_svg(labels, [("pressing or pulling back", PRESS, tension), ("softening", SOFT, soften)], caption)
        if len(periods) >= 4 else "",
        "rows": rows,
        "unit": trends.get("unit", "period"),
    }


def _table(table: dict[str, Any]) -> dict[str, Any]:
    cells = {(c["given"], c["target"]): c for c in table.get("cells") or []}
    body = []
    for i, given in enumerate(table["rows"]):
        row = []
        for j, target in enumerate(table["columns"]):
            cell = cells.get((given, target), {})
            count = (table.get("counts") or [[None] * len(table["columns"])] * len(table["rows"]))[i][j]
            bits = [str(count) if count is not None else "–"]
            if cell.get("probability") is not None:
                bits.append(f"P {cell['probability']:.2f}")
            if cell.get("z") is not None:
                bits.append(f"z {cell['z']:.2f}")
            if cell.get("q") is not None:
                bits.append(f"Q {cell['q']:.2f}")
            if cell.get("p") is not None:
                bits.append(f"p {cell['p']:.3f}")
            row.append({"text": " · ".join(bits), "note": cell.get("reason") or "", "strong": (cell.get("z") or 0) >= 1.96})
        body.append({"given": given, "cells": row})
    giver, receiver = table.get("giver"), table.get("receiver")
    caption = f"lag {table['lag']}: " + (f"{giver}'s move, then {receiver}'s answer" if giver else "any move, then the next")
    return {"caption": caption, "columns": table["columns"], "rows": body, "total": table.get("total"),
            "reason": table.get("reason") or ""}


def _statistics(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for pair in doc.get("pairs", []):
        out.append({
            "names": " and ".join(pair["pair"]),
            "pattern": pair.get("pattern") or "none",
            "confidence": pair.get("confidence"),
            "reason": pair.get("reason", ""),
            "role_reason": pair.get("role_reason") or "",
            "evidence": [e for e in pair.get("evidence") or []],
            "tables": [_table(t) for t in pair.get("statistics") or []],
        })
    return out


def _readings(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for item in items[:MAX_CONVERSATION_ROWS]:
        overall = item.get("overall") or {}
        roles = ""
        if overall.get("pursuer") and overall.get("withdrawer"):
            roles = f"{overall['pursuer']} presses, {overall['withdrawer']} pulls back"
        rows.append({"label": str(item.get("label", "")), "pattern": overall.get("pattern") or "none",
                     "roles": roles, "reason": overall.get("reason", "")})
    return rows


def _state(doc: dict[str, Any]) -> tuple[str, str]:
    """Whether there is anything to draw, and a kind sentence when there is not."""
    people = doc.get("participants") or []
    overall = doc.get("overall") or {}
    if not doc.get("turns") or not people:
        return "empty", "There are no messages from anyone in this file, so there is nothing to show."
    if len(people) < 2:
        who = people[0] if people else "one person"
        return "one", (f"Only {who} writes in this conversation. The cycle lives between two people, "
                       "so there is no cycle to draw here.")
    if mostly_emoji(doc):
        return "emoji", unread.EMOJI_KIND
    if most_unread(doc):
        return "unread", ("Most of these messages are not in English or are only emoji, and cyclemap reads "
                          "English words only, so it has no cycle to draw and has made no judgement about them.")
    if overall.get("pattern") in (None, "calm") and not doc.get("episodes"):
        return "quiet", ("cyclemap found no tense stretches in these messages, so there is no cycle to draw. "
                         "That can simply mean these chats are mostly about everyday things.")
    return "full", ""


def build_view(doc: dict[str, Any], title: str | None = None) -> dict[str, Any]:
    """Everything the report shows, decided here."""
    people = list(doc.get("participants") or [])
    source = doc.get("source") or {}
    safety = doc.get("safety") or {}
    flagged = bool(safety.get("flagged"))
    state, kind = _state(doc)
    overall = doc.get("overall") or {}
    maps, quiet_pairs = [], []
    for index, pair in enumerate(doc.get("pairs") or []):
        cycle = _cycle(doc, pair, index)
        if cycle is not None:
            maps.append(cycle)
        else:
            quiet_pairs.append({"names": " and ".join(pair["pair"]), "reason": pair.get("reason", "")})
    coach = not flagged  # nobody who may be at risk is coached to soften
    hot, turned = _hot(doc, coach)
    moves = doc.get("moves") or {}
    return {
        # Where the screen fired, even the title does not speak of a shared cycle.
        "title": title or f"{'What cyclemap found in' if flagged else 'The cycle in'} {source.get('file') or 'your conversation'}",
        "file": source.get("file") or "",
        "model": source.get("model") or "",
        "version": doc.get("cyclemap_version", ""),
        "turns": f"{doc.get('turns', 0):,}",
        "messages_word": "message" if doc.get("turns") == 1 else "messages",
        "people": people,
        "people_line": ", ".join(people[:-1]) + (f" and {people[-1]}" if len(people) > 1 else "".join(people)),
        "state": state,
        "kind": kind,
        "heading": unread.EMOJI_HEADING if state == "emoji" else "Nothing to draw here",
        "flagged": flagged,
        "safety": {
            "note": safety.get("note", ""),
            "resources": safety.get("resources") or [],
            "turns": safety.get("turns") or [],
        },
        "summary": {
            "sentence": words.shape(overall, people),
            "how_sure": words.confidence_words(overall.get("confidence")) if overall.get("pattern") else "",
            "reason": overall.get("reason", ""),
            "why_not": words.sentence(overall.get("reason", "")) if not overall.get("pattern") else "",
            "pattern": overall.get("pattern"),
        },
        "maps": maps,
        "quiet_pairs": quiet_pairs if len(people) > 2 else [],
        "moves": [{"name": p, **{m: moves.get(p, {}).get(m, 0) for m in ("pursue", "withdraw", "soften", "neutral")}}
                  for p in people],
        "episodes": _episodes(doc),
        "hot": hot,
        "turned": turned,
        "trends": _trends(doc),
        "statistics": _statistics(doc),
        "periods": _readings(doc.get("periods") or []),
        "topics": _readings(doc.get("topics") or []),
        "conversations": _readings(doc.get("conversations") or []),
        "notes": list(doc.get("notes") or []),
        "cannot_see": words.CANNOT_SEE,
        "not_a_diagnosis": words.NOT_A_DIAGNOSIS,
        "colours": {"press": PRESS, "pull": PULL, "soft": SOFT},
    }


__all__ = ["build_view"]
