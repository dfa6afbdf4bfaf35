"""`cyclemap assess`: the private self-assessment, asked in the terminal or scored from a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..cli import friendly_errors
from ..errors import InputError, UsageError
from .passphrase import passphrase_option


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg}", line=error.lineno) from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read: {error}") from None


def _answers_from(path: Path) -> dict[str, Any]:
    """{"sp1": 7, ...} or {"answers": {...}} from a JSON file."""
    data = _read_json(path)
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise InputError(path, "expected a JSON object of item id to answer (1-9)", hint='e.g. {"sp1": 7, "sp2": 4}')
    return data


def _answer_sets(path: Path) -> list[dict[str, Any]]:
    """One answer set per line (JSON Lines), for consistency across many people."""
    sets = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read: {error}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(path, f"not valid JSON: {error.msg}", line=number) from None
        if isinstance(data, dict) and isinstance(data.get("answers"), dict):
            data = data["answers"]
        if not isinstance(data, dict):
            raise InputError(path, "each line must be a JSON object of item id to answer", line=number)
        sets.append(data)
    return sets


def _ask() -> dict[str, int]:
    from ..assessment import ITEMS, QUESTION, SCALE_MAX, SCALE_MIN

    click.echo("This is private: answer alone, for yourself. Nothing is stored unless you add --save,\n"
               "and your answers are never shown to your partner.\n", err=True)
    click.echo(f"{QUESTION}\n{SCALE_MIN} = very unlikely, 5 = sometimes, {SCALE_MAX} = very likely.\n", err=True)
    answers = {}
    for number, item in enumerate(ITEMS, 1):
        answers[item.id] = click.prompt(f"{number}/{len(ITEMS)}. {item.text}",
                                        type=click.IntRange(SCALE_MIN, SCALE_MAX), err=True)
    return answers


def _print_scores(result: Any) -> None:
    labels = {
        "self_pursue_partner_withdraw": "I press, my partner steps back",
        "partner_pursue_self_withdraw": "my partner presses, I step back",
        "constructive": "we talk things through",
        "mutual_avoidance": "we both let hard things slide",
    }
    for name, label in labels.items():
        value = result.scores[name]
        shown = "not enough answers" if value is None else f"{value:.1f} / 9"
        click.echo(f"  {label:<36} {shown}")
    click.echo()
    for line in result.reading():
        click.echo(line)


@click.command("assess")
@click.option("--answers", "answers_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Score a saved JSON file of answers ({item id: 1-9}) instead of asking.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON (your answers are not in it).")
@click.option("--save", is_flag=True, help="Keep your answers and scores in your data folder (owner-only). Default: nothing is stored.")
@click.option("--person", metavar="NAME", help="With --save: whose answers these are.")
@click.option("--relationship", metavar="NAME", help="With --save: a label for the relationship (for 'cyclemap forget --relationship').")
@click.option("--compare", "compare_files", nargs=2, type=click.Path(path_type=Path, dir_okay=False),
              metavar="MINE.json THEIRS.json", help="Compare two results of 'assess --json' (needs --both-agree).")
@click.option("--both-agree", is_flag=True, help="With --compare: both partners have agreed to see the comparison.")
@click.option("--consistency", "consistency_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Cronbach's alpha per scale from JSON Lines of many people's answers (for therapists and researchers).")
@click.option("--items", "list_items", is_flag=True, help="List the items and exit.")
@passphrase_option
@friendly_errors
def assess(answers_file: Path | None, as_json: bool, save: bool, person: str | None, relationship: str | None,
           compare_files: tuple[Path, Path] | None, both_agree: bool, consistency_file: Path | None,
           list_items: bool) -> None:
    """The private self-assessment: which side of the pursue-withdraw dance you tend to take.

    You rate how likely each of 24 statements is when a problem comes up
    between you (1-9). Scores: I press / my partner steps back, my partner
    presses / I step back, talking things through, and both letting hard
    things slide (docs/assessment.md explains the scoring). Take it alone.

    \b
    Examples:
      cyclemap assess                         # asks the questions here
      cyclemap assess --json > mine.json      # scores only, to share if you want
      cyclemap assess --answers answers.json --save --person Sam
      cyclemap assess --compare mine.json theirs.json --both-agree
    """
    from .. import assessment

    if list_items:
        for number, item in enumerate(assessment.ITEMS, 1):
            click.echo(f"{item.id:<4} {number:>2}. {item.text}{'  (reverse-scored)' if item.reverse else ''}")
        return
    if compare_files:
        if not both_agree:
            raise assessment.ConsentError("comparing needs both partners' agreement",
                                          hint="when you both agree, add --both-agree")
        mine, theirs = (assessment.AssessmentScores.from_json(_read_json(p)) for p in compare_files)
        result = assessment.compare(mine, theirs, a_consents=True, b_consents=True, names=("you", "your partner"))
        if as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
            return
        for view in result.views:
            a, b = view["you"], view["your partner"]
            shown = " / ".join("-" if v is None else f"{v:.1f}" for v in (a, b))
            click.echo(f"{view['about']:<40} you / your partner: {shown}  ({view['note']})")
        return
    if consistency_file is not None:
        rows = assessment.consistency(_answer_sets(consistency_file))
        if as_json:
            click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
            return
        for row in rows:
            value = "n/a" if row.alpha is None else f"{row.alpha:.2f}"
            click.echo(f"{row.scale:<32} alpha {value}  ({row.items} items; {row.note})")
        return
    if (person or relationship) and not save:
        raise UsageError("--person and --relationship only make sense with --save")
    answers = _answers_from(answers_file) if answers_file else _ask()
    try:
        result = assessment.score(answers)
    except UsageError as error:
        if answers_file is None:
            raise
        raise InputError(answers_file, str(error)) from None
    stored = None
    if save:
        from ..privacy.records import save_record

        payload = {"answers": assessment.check_answers(answers), "scores": result.to_json(), "version": assessment.VERSION}
        stored = save_record("assessment", payload, person=person, relationship=relationship).id
    if as_json:
        click.echo(json.dumps({**result.to_json(), "saved": stored is not None}, ensure_ascii=False))
        return
    click.echo()
    _print_scores(result)
    click.echo()
    click.echo("Your answers were saved in your data folder." if stored else "Nothing was saved.")
