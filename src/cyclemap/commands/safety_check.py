"""`cyclemap safety-check`: the private per-partner safety check, asked in the terminal."""

from __future__ import annotations

import json

import click

from ..cli import friendly_errors
from .passphrase import passphrase_option

_CHOICES = {"y": "yes", "n": "no", "s": "prefer_not_to_say"}


@click.command("safety-check")
@click.option("--country", metavar="CODE", help="Country (ISO code, e.g. GB) for the help resources; default: $CYCLEMAP_COUNTRY or a neutral list.")
@click.option("--save", is_flag=True, help="Keep your answers in your data folder (owner-only; encrypted if you use a passphrase). Default: nothing is stored.")
@click.option("--person", metavar="NAME", help="With --save: whose answers these are (for 'cyclemap export --person').")
@click.option("--relationship", metavar="NAME", help="With --save: a label for the relationship (for 'cyclemap forget --relationship').")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (no answers in it).")
@passphrase_option
@friendly_errors
def safety_check(country: str | None, save: bool, person: str | None, relationship: str | None, as_json: bool) -> None:
    """A few private questions about fear, injury, threats and control; for one partner, alone.

    Answer each with y (yes), n (no) or s (prefer not to say). Your answers are
    shown to no one and stored nowhere unless you add --save. Take it where
    your partner cannot see the screen.

    \b
    Examples:
      cyclemap safety-check --country GB
      cyclemap safety-check --save --person Sam --relationship us
    """
    from ..safety_check import QUESTIONS, evaluate
    from ..safety_check import save as save_answers

    if not as_json:
        click.echo("This check is private. Answer for yourself: y = yes, n = no, s = prefer not to say.\n", err=True)
    answers = {}
    for number, question in enumerate(QUESTIONS, 1):
        reply = click.prompt(f"{number}. {question.text}", type=click.Choice(list(_CHOICES), case_sensitive=False),
                             show_choices=True, err=True)
        answers[question.id] = _CHOICES[reply.lower()]
    result = evaluate(answers, country)
    stored = save_answers(answers, result, person=person, relationship=relationship) if save else None
    if as_json:
        click.echo(json.dumps({**result.to_json(), "saved": stored is not None}, ensure_ascii=False))
        return
    click.echo()
    click.echo(result.message)
    click.echo()
    for resource in result.resources:
        click.echo(f"- {resource['name']}: {resource['contact']} ({resource['what']})")
    click.echo()
    click.echo("Your answers were saved in your data folder." if stored else "Nothing was saved.")
