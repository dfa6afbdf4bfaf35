"""One view, two faces: every page renders as HTML, or as JSON when asked
(``Accept: application/json`` or ``?format=json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),  # people's messages are always text, never markup
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda value: "" if value is None else f"{100 * float(value):.0f}%"
    from ..resources import help_resources

    env.globals["safety_resources"] = help_resources
    return env


def wants_json(request: Request) -> bool:
    if request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def render(request: Request, template: str, data: dict[str, Any], status: int = 200, **context: Any) -> Response:
    """``data`` is the page's content (also its JSON); ``context`` only helps the template."""
    if wants_json(request):
        return JSONResponse(data, status_code=status)
    env: Environment = request.app.state.web.templates
    view = getattr(request.state, "view", None)
    html = env.get_template(template).render(request=request, data=data, view=view, **context)
    return HTMLResponse(html, status_code=status)


def trusted(html: str) -> Markup:
    """HTML built by cyclemap's own report renderer, which escapes every message itself."""
    return Markup(html)
