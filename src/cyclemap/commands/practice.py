"""`cyclemap practice`: printable practice sheets (time-out agreement, phrases, cards)."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import friendly_errors
from ..errors import UsageError


@click.command("practice")
@click.argument("tool", type=click.Choice(["timeout", "phrases", "cards", "all"]), default="all")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file: .html for a printable page, anything else for plain text.")
@click.option("--names", metavar="A,B", help="The two partners' names, to fill in the sheets.")
@click.option("--html", "as_html", is_flag=True, help="Print the HTML page to standard output instead of text.")
@friendly_errors
def practice(tool: str, output: Path | None, names: str | None, as_html: bool) -> None:
    """Print practice sheets: a time-out agreement, your phrases for the cycle, step cards.

    TOOL is timeout, phrases, cards or all (the default). The HTML page is
    self-contained and print-ready (no scripts, nothing fetched).

    \b
    Examples:
      cyclemap practice timeout --names Sam,Alex
      cyclemap practice cards -o cards.html       # then print it from your browser
      cyclemap practice all -o sheets.txt
    """
    from ..practice import parse_names, render_html, render_text, sheets

    pages = sheets(tool, parse_names(names))
    if output is None:
        click.echo(render_html(pages) if as_html else render_text(pages), nl=False)
        return
    if output.exists():
        raise UsageError(f"{output} exists; cyclemap does not overwrite files", hint="choose a new name")
    if not output.parent.is_dir():
        raise UsageError(f"folder {output.parent} does not exist", hint="create it, or choose another file")
    html_out = as_html or output.suffix.lower() in (".html", ".htm")
    output.write_text(render_html(pages) if html_out else render_text(pages), encoding="utf-8")
    click.echo(f"wrote {output}", err=True)
