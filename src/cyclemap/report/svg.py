"""The report's drawings as inline SVG: the cycle map, the episode timeline, the trend.

Every value that comes from a chat is escaped here (names and quotes can hold
anything); each drawing has a <title> and a <desc> and the page beside it
carries the same content as text, so nothing is only in a picture.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

ENDING_COLOURS = {  # all at least 4.5:1 on white
    "repaired": "#1a7336", "softened": "#1f5fa8", "exit": "#a34f00",
    "silence": "#595959", "unresolved": "#7a2fd0",
}
PRESS = "#a34f00"
PULL = "#1f5fa8"
SOFT = "#1a7336"
INK = "#1d1d1f"


def _short(text: str, most: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(" ".join((text or "").split()), width=width, break_long_words=True) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = _short(lines[-1], width - 1) + ("" if lines[-1].endswith("…") else "…")
    return lines


def _text(x: float, y: float, content: str, *, size: int = 13, weight: str = "normal", anchor: str = "middle",
          style: str = "normal", fill: str = INK) -> str:
    return (f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" font-weight="{weight}" font-style="{style}" '
            f'text-anchor="{anchor}" fill="{fill}">{escape(content)}</text>')


def _node(x: int, y: int, node: dict[str, Any], colour: str) -> list[str]:
    out = [f'<rect x="{x}" y="{y}" width="280" height="150" rx="16" fill="#ffffff" stroke="{colour}" stroke-width="3"/>']
    cy = y + 28
    out.append(_text(x + 140, cy, _short(node["name"], 24), size=17, weight="bold"))
    cy += 22
    out.append(_text(x + 140, cy, node["verb"], size=15, weight="bold", fill=colour))
    for line in _lines(node["doing"], 38, 2):
        cy += 18
        out.append(_text(x + 140, cy, line, size=12))
    if node.get("quote"):
        cy += 6
        for line in _lines(f"“{node['quote']}”", 36, 2):
            cy += 18
            out.append(_text(x + 140, cy, line, size=13, style="italic"))
    return out


def pair_map_svg(cycle: dict[str, Any], uid: str) -> Markup:
    """The loop for one pair: top partner's move leads to the other's, and back round."""
    top, bottom = cycle["nodes"]
    colours = [PRESS if n["move"] == "pursue" else PULL if n["move"] == "withdraw" else INK for n in (top, bottom)]
    marker = f"arrow-{uid}"
    parts = [
        f'<svg class="cycle-map" viewBox="0 0 400 470" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">',
        f'<title id="{uid}-t">{escape(cycle["title"])}</title>',
        f'<desc id="{uid}-d">{escape(cycle["sentence"])}</desc>',
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker></defs>',
        f'<path d="M330,160 C395,200 395,260 330,300" fill="none" stroke="{INK}" stroke-width="2.5" marker-end="url(#{marker})"/>',
        f'<path d="M70,300 C5,260 5,200 70,160" fill="none" stroke="{INK}" stroke-width="2.5" marker-end="url(#{marker})"/>',
        _text(330, 212, _short(cycle["down"], 34), size=13, anchor="end"),
        _text(70, 258, _short(cycle["up"], 34), size=13, anchor="start"),
    ]
    parts += _node(60, 10, top, colours[0])
    parts += _node(60, 310, bottom, colours[1])
    parts.append("</svg>")
    return Markup("".join(parts))


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


MAX_DOTS = 300  # beyond this, one dot per stretch is a blot: bars of counts per span of time instead
BARS = 40


def _stacked_bars(xs: list[float], episodes: list[dict[str, Any]], left: float, top: float,
                  plot_w: float, plot_h: float) -> list[str]:
    """How many stretches began in each of BARS spans of time, stacked by how they ended."""
    counts = [dict.fromkeys(ENDING_COLOURS, 0) for _ in range(BARS)]
    for x, episode in zip(xs, episodes):
        ending = episode.get("ending") if episode.get("ending") in ENDING_COLOURS else "unresolved"
        counts[min(int(x * BARS), BARS - 1)][ending] += 1
    highest = max(sum(c.values()) for c in counts) or 1
    width = plot_w / BARS
    out = []
    for i, bar in enumerate(counts):
        base = top + plot_h
        for ending, count in bar.items():
            if count:
                height = count / highest * plot_h
                base -= height
                out.append(f'<rect x="{left + i * width + 1:.1f}" y="{base:.1f}" width="{width - 2:.1f}" '
                           f'height="{height:.1f}" fill="{ENDING_COLOURS[ending]}"/>')
    return out


def timeline_svg(episodes: list[dict[str, Any]], caption: str) -> Markup:
    """Each tense stretch as a dot: when it happened (across) and how hot it got (up), coloured by its end.

    With more than MAX_DOTS stretches, bars instead: how many began in each span of time.
    """
    width, height, left, right, top, bottom = 480, 200, 48, 12, 14, 36
    times = [_when(e["start"].get("time")) for e in episodes]
    timed = [t for t in times if t is not None]
    if len(timed) == len(episodes) and timed and max(timed) > min(timed):
        lo, span = min(timed), (max(timed) - min(timed)).total_seconds()
        xs = [(t - lo).total_seconds() / span for t in timed]  # type: ignore[operator]
        first, last = (f"{t.day} {t:%b %Y}" for t in (min(timed), max(timed)))
    else:  # no times: in order
        n = max(len(episodes) - 1, 1)
        xs = [i / n for i in range(len(episodes))]
        first, last = "first", "last"
    plot_w, plot_h = width - left - right, height - top - bottom
    many = len(episodes) > MAX_DOTS
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" aria-labelledby="tl-t tl-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">',
        '<title id="tl-t">Tense stretches over time</title>',
        f'<desc id="tl-d">{escape(caption)}</desc>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#767676"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#767676"/>',
        _text(left - 6, top + 10, "more" if many else "hot", size=15, anchor="end"),
        _text(left - 6, top + plot_h, "0" if many else "mild", size=15, anchor="end"),
        _text(left, height - 12, first, size=15, anchor="start"),
        _text(width - right, height - 12, last, size=15, anchor="end"),
    ]
    if many:
        parts += _stacked_bars(xs, episodes, left, top, plot_w, plot_h)
        parts.append("</svg>")
        return Markup("".join(parts))
    radius, opacity = (7, 0.85) if len(episodes) <= 100 else (5, 0.6)
    for x, episode in zip(xs, episodes):
        intensity = float(episode.get("peak", {}).get("intensity") or 0.0)
        cx, cy = left + x * plot_w, top + (1 - min(max(intensity, 0.0), 1.0)) * plot_h
        colour = ENDING_COLOURS.get(episode.get("ending"), INK)
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="{colour}" fill-opacity="{opacity}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_svg(labels: list[str], series: list[tuple[str, str, list[float]]], caption: str) -> Markup:
    """Lines of shares per period (e.g. pressing or pulling back, softening)."""
    width, height, left, right, top, bottom = 480, 200, 48, 12, 14, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([v for _, _, values in series for v in values] + [0.05])
    n = max(len(labels) - 1, 1)
    parts = [
        f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" aria-labelledby="tr-t tr-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">',
        '<title id="tr-t">The cycle over time</title>',
        f'<desc id="tr-d">{escape(caption)}</desc>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#767676"/>',
        _text(left - 6, top + 10, f"{round(100 * highest)}%", size=15, anchor="end"),
        _text(left - 6, top + plot_h, "0%", size=15, anchor="end"),
    ]
    if labels:
        parts.append(_text(left, height - 12, labels[0], size=15, anchor="start"))
        parts.append(_text(width - right, height - 12, labels[-1], size=15, anchor="end"))
    for i, (_name, colour, values) in enumerate(series):
        points = " ".join(f"{left + k / n * plot_w:.1f},{top + (1 - v / highest) * plot_h:.1f}" for k, v in enumerate(values))
        dash = ' stroke-dasharray="7 4"' if i else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3"{dash}/>')
    parts.append("</svg>")
    return Markup("".join(parts))
