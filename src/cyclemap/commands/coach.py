"""`cyclemap check`: which move a draft makes, why, and softer ways to say it."""

from __future__ import annotations

import json
import sys

import click

from ..cli import friendly_errors


@click.command("check")
@click.argument("draft")
@click.option("--context", "context", multiple=True, metavar="TEXT",
              help="A message before the draft, oldest first, the last one your partner's (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print move, cue, evidence, alternatives and notes as JSON.")
@click.option("--country", metavar="CODE", help="Country (ISO code) for the help resources, if the safety screen fires.")
@click.option("--llm", is_flag=True,
              help="Also ask your own local language model (configured in the data folder; see docs/coach.md).")
@friendly_errors
def check(draft: str, context: tuple[str, ...], as_json: bool, country: str | None, llm: bool) -> None:
    """Check a message before you send it: the move it makes, why, and softer alternatives.

    Every alternative is itself read as soften by cyclemap's own classifier and
    keeps your topic and request. Nothing is stored, and nothing leaves this machine. Give "-"
    as DRAFT to read it from standard input.

    \b
    Examples:
      cyclemap check "you never help with the dishes"
      cyclemap check "fine." --context "we need to talk about last night"
      cyclemap check --json "why didn't you text me back??"
      pbpaste | cyclemap check -
    """
    from ..coach import check_message

    if draft == "-":
        draft = sys.stdin.read()
    result = check_message(draft, context=context, country=country, engine="llm" if llm else "offline")
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    if result.move is not None:
        cue = f" ({result.cue})" if result.cue else ""
        click.echo(click.style(f"{result.move}{cue}", bold=True) + f"  confidence {result.confidence:.2f}")
        for item in result.evidence:
            said = f' "{item.text}"' if item.reason == "words" else f" {item.text}"
            click.echo(f"  why: {item.reason}:{said}")
    click.echo(result.note)
    if result.safety is not None:
        click.echo()
        for resource in result.safety.resources:
            click.echo(f"- {resource['name']}: {resource['contact']} ({resource['what']})")
        return
    if result.alternatives:
        click.echo()
        click.echo(click.style("Softer ways to say it:", bold=True))
        for number, alternative in enumerate(result.alternatives, 1):
            click.echo(f"  {number}. {alternative.text}")
            click.echo(f"     ({alternative.kind}; read as {alternative.move}/{alternative.cue}, "
                       f"{alternative.confidence:.2f})")
