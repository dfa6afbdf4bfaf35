"""Printable practice sheets: a time-out agreement, the couple's phrases for the cycle, step cards.

The words live in ``data/practice.json`` (so they can be reviewed and
translated without touching code). Each sheet renders as plain text or as
one self-contained HTML page with print CSS: no external URL, no script,
every value escaped.

    from cyclemap.practice import sheet, render_html, render_text
    page = render_html(sheet("timeout", names=("Sam", "Alex")))
"""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources as package_files
from typing import Any

from .errors import UsageError

#: The sheets, in the order ``all`` prints them.
TOOLS: tuple[str, ...] = ("timeout", "phrases", "cards")
DEFAULT_NAMES = ("Partner A", "Partner B")
BLANK = "____"


@dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[str, ...]
    check: bool = False  # tick boxes, to choose the phrases that fit
    card: bool = False  # a card to cut out

    def to_json(self) -> dict[str, Any]:
        return {"heading": self.heading, "items": list(self.items), "check": self.check, "card": self.card}


@dataclass(frozen=True)
class Sheet:
    """One printable practice sheet, with the partners' names filled in."""

    tool: str
    title: str
    intro: str
    sections: tuple[Section, ...]
    names: tuple[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "title": self.title, "intro": self.intro, "names": list(self.names),
                "sections": [s.to_json() for s in self.sections]}


@cache
def _content() -> dict[str, Any]:
    path = package_files.files("cyclemap") / "data" / "practice.json"
    return json.loads(path.read_text(encoding="utf-8"))


def parse_names(value: str | None) -> tuple[str, str]:
    """"Sam,Alex" -> ("Sam", "Alex"); None -> the neutral defaults."""
    if not value:
        return DEFAULT_NAMES
    names = [n.strip() for n in value.split(",")]
    if len(names) != 2 or not all(names):
        raise UsageError(f"--names takes two names separated by a comma, got {value!r}", hint="e.g. --names Sam,Alex")
    if any(len(n) > 60 for n in names):
        raise UsageError("a name in --names is longer than 60 characters")
    return names[0], names[1]


def sheet(tool: str, names: Sequence[str] | None = None) -> Sheet:
    """The sheet ``tool`` (one of TOOLS) with ``names`` (two) filled in."""
    content = _content()
    if tool not in TOOLS:
        raise UsageError(f"unknown practice sheet {tool!r}", hint=f"choose one of: {', '.join(TOOLS)}, all")
    a, b = tuple(names) if names else DEFAULT_NAMES
    fill = {"a": a, "b": b}

    def put(text: str) -> str:
        return text.replace("{a}", fill["a"]).replace("{b}", fill["b"])

    raw = content[tool]
    sections = tuple(
        Section(put(s["heading"]), tuple(put(i) for i in s["items"]), bool(s.get("check")), bool(s.get("card")))
        for s in raw["sections"]
    )
    return Sheet(tool, put(raw["title"]), put(raw["intro"]), sections, (a, b))


def sheets(tool: str, names: Sequence[str] | None = None) -> list[Sheet]:
    """One sheet, or every sheet for ``tool == "all"``."""
    return [sheet(t, names) for t in TOOLS] if tool == "all" else [sheet(tool, names)]


def render_text(pages: Sheet | Sequence[Sheet], width: int = 78) -> str:
    """Plain text, wrapped to ``width``; blanks stay as ____ to write on."""
    pages = [pages] if isinstance(pages, Sheet) else list(pages)
    lines: list[str] = []
    for page in pages:
        if lines:
            lines += ["", "-" * width, ""]
        lines += [page.title.upper(), ""]
        lines += textwrap.wrap(page.intro, width)
        for section in page.sections:
            lines += ["", section.heading, "=" * len(section.heading) if section.card else "-" * len(section.heading)]
            for item in section.items:
                mark = "[ ] " if section.check else "- "
                lines += textwrap.wrap(item, width, initial_indent=mark, subsequent_indent=" " * len(mark))
    return "\n".join(lines) + "\n"


_CSS = """
body { font: 12pt/1.45 Georgia, "Times New Roman", serif; color: #222; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 .3em; }
h2 { font-size: 1.1em; margin: 1.3em 0 .4em; border-bottom: 1px solid #bbb; }
p.intro { font-style: italic; }
ul { padding-left: 1.3em; } li { margin: .3em 0; }
ul.check { list-style: none; padding-left: 0; } ul.check li::before { content: "\\2610\\00a0\\00a0"; }
.blank { display: inline-block; min-width: 8em; border-bottom: 1px solid #444; }
section.card { border: 1px dashed #777; border-radius: 6px; padding: .2em 1em .6em; margin: 1em 0; page-break-inside: avoid; }
section.card h2 { border: 0; }
article + article { page-break-before: always; break-before: page; }
footer { margin-top: 2em; font-size: .85em; color: #666; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } footer { display: none; } }
"""


def _item_html(text: str) -> str:
    """Escaped text with each ____ as a line to write on."""
    return '<span class="blank">&nbsp;</span>'.join(html.escape(part) for part in text.split(BLANK))


def render_html(pages: Sheet | Sequence[Sheet]) -> str:
    """One self-contained HTML page (inline CSS, print-ready, no scripts, no external URLs)."""
    pages = [pages] if isinstance(pages, Sheet) else list(pages)
    title = html.escape(pages[0].title if len(pages) == 1 else "Practice sheets")
    parts = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{title}</title>", f"<style>{_CSS}</style>", "</head>", "<body>"]
    for page in pages:
        parts.append(f'<article class="sheet {html.escape(page.tool)}">')
        parts.append(f"<h1>{html.escape(page.title)}</h1>")
        parts.append(f'<p class="intro">{html.escape(page.intro)}</p>')
        for section in page.sections:
            parts.append('<section class="card">' if section.card else "<section>")
            parts.append(f"<h2>{html.escape(section.heading)}</h2>")
            parts.append('<ul class="check">' if section.check else "<ul>")
            parts += [f"<li>{_item_html(item)}</li>" for item in section.items]
            parts += ["</ul>", "</section>"]
        parts.append("</article>")
    parts += ["<footer>Made with cyclemap, on this computer. Print it, fill it in together.</footer>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


__all__ = ["DEFAULT_NAMES", "Section", "Sheet", "TOOLS", "parse_names", "render_html", "render_text", "sheet", "sheets"]
