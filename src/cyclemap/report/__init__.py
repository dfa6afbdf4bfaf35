"""The report: a self-contained HTML page (or PDF) with the cycle map, and the terminal summary.

Public API::

    render_html(doc, title=None) -> str     one page: inline CSS and SVG, no script, no URL
    render_body(doc, title=None) -> str     the same content as a fragment (the web app embeds it)
    stylesheet() -> str                     the CSS for render_body's fragment
    cycle_map_svg(doc) -> str               the cycle map(s) alone
    write_report(doc, path, ...) -> Path    .html or .pdf by suffix, never over an input
    print_summary(doc, file=None)           the terminal summary (imports rich)

``doc`` is the analysis document of ``cyclemap analyze --json``.
"""

from __future__ import annotations

from typing import Any

from .html import cycle_map_svg, render_body, render_html, stylesheet
from .view import build_view
from .write import write_report


def print_summary(doc: dict[str, Any], file=None) -> None:
    from .terminal import print_summary as _print  # rich is only needed here

    _print(doc, file)


__all__ = ["render_html", "render_body", "stylesheet", "cycle_map_svg", "write_report", "print_summary", "build_view"]
