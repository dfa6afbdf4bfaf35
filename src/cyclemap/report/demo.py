"""``cyclemap demo``: the bundled sample conversations, analysed end to end into reports."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Template
from markupsafe import Markup

from .html import stylesheet
from .write import write_report

INDEX_NAME = "cyclemap-demo-report.html"

_INDEX = Template(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>cyclemap demo</title><style>body{margin:0}{{ css }}</style></head>
<body><article class="cm-report" lang="en">
<header><h1>cyclemap demo</h1>
<p class="meta">Sample conversations written for the project, each analysed on this computer into its own report.</p></header>
<section aria-labelledby="samples-h"><h2 id="samples-h">The samples</h2>
{% for r in reports %}<div class="card"><h3><a href="{{ r.href }}">{{ r.name }}</a></h3>
<p>{{ r.turns }} messages between {{ r.people }}.</p><p class="shape">{{ r.shape }}</p></div>
{% endfor %}</section>
<section aria-labelledby="limits-h"><h2 id="limits-h">What cyclemap cannot see</h2>
<p>Tone of voice, what happened offline, the history behind a message. A report is a reading of words, not a diagnosis.</p></section>
</article></body></html>
""",
    autoescape=True,
)


@dataclass(frozen=True)
class DemoReport:
    sample: Path
    report: Path
    document: dict[str, Any]


def _listed(names: list[str]) -> str:
    return "nobody" if not names else names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-") or "sample"


def write_demo(
    samples: Iterable[Path], out: Path, analyze: Callable[[Path], dict[str, Any]]
) -> tuple[Path, list[DemoReport]]:
    """Analyse each sample with ``analyze`` and write its report into ``out``, with an index page."""
    from .words import shape

    if not out.exists():
        out.mkdir(parents=True)
        out.chmod(0o700)  # the reports can hold private words; here they are samples, but keep the habit
    done = []
    for sample in samples:
        document = analyze(sample)
        report = write_report(document, out / f"cyclemap-demo-{_slug(sample.name)}.html", title=f"Demo: {sample.stem}")
        done.append(DemoReport(sample, report, document))
    rows = [{
        "href": r.report.name, "name": r.sample.stem, "turns": r.document.get("turns", 0),
        "people": _listed(r.document.get("participants") or []),
        "shape": ("The safety screen found signs of danger: please read the report's first section."
                  if (r.document.get("safety") or {}).get("flagged")
                  else shape(r.document.get("overall") or {}, r.document.get("participants") or [])),
    } for r in done]
    index = out / INDEX_NAME
    partial = index.with_name(f".{index.name}.partial")
    partial.write_text(_INDEX.render(css=Markup(stylesheet()), reports=rows), encoding="utf-8")
    partial.chmod(0o600)
    partial.replace(index)
    return index, done
