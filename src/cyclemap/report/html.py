"""The report as HTML: a whole page, or the body the web app embeds."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .svg import pair_map_svg
from .view import build_view


@lru_cache(maxsize=1)
def _env() -> Environment:
    # Autoescape always on: names and messages can hold any text, including markup.
    return Environment(
        loader=PackageLoader("cyclemap.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The report's CSS (all rules scoped to ``.cm-report``), for pages that embed :func:`render_body`."""
    return (resources.files("cyclemap.report") / "templates" / "report.css").read_text(encoding="utf-8")


def _body(view: dict[str, Any]) -> Markup:
    return Markup(_env().get_template("body.html.j2").render(v=view))


def render_body(doc: dict[str, Any], *, title: str | None = None) -> str:
    """The report's content as an HTML fragment (``<article class="cm-report">``); style it with :func:`stylesheet`."""
    return str(_body(build_view(doc, title)))


def render_html(doc: dict[str, Any], *, title: str | None = None) -> str:
    """One self-contained page: inline CSS and SVG, no script, no external URL of any kind."""
    view = build_view(doc, title)
    return _env().get_template("page.html.j2").render(v=view, css=Markup(stylesheet()), body=_body(view))


def cycle_map_svg(doc: dict[str, Any]) -> str:
    """The cycle map(s) as SVG: one loop per pair with a tense pattern, or '' when there is none to draw."""
    view = build_view(doc)
    if view["flagged"]:
        return ""  # no "shared dance" picture where the safety screen fired
    return "\n".join(str(m["svg"]) for m in view["maps"])


__all__ = ["render_body", "render_html", "cycle_map_svg", "stylesheet", "pair_map_svg"]
