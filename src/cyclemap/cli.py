"""The command line: a thin face over the library.

Each command parses its options, calls one library function and prints the
result. Errors from the library (:class:`~cyclemap.errors.CyclemapError`)
are translated here, once, into a one-line message and a non-zero exit.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import CyclemapError, InputError, UsageError
from .ingest import ReadOptions, read_turns, readers
from .summary import ChatSummary, summarize

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 1  # the input (or the options) cannot be used
EXIT_INTERNAL = 70  # a fault of cyclemap's own


def _fail(message: str, code: int) -> None:
    click.echo(f"cyclemap: error: {message}", err=True)
    sys.exit(code)


def friendly_errors(command: F) -> F:
    """Turn library errors into one line on stderr; never show a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CyclemapError as error:
            _fail(str(error), EXIT_INPUT)
        except BrokenPipeError:
            sys.stderr.close()  # the reader of our output went away (e.g. `| head`)
            sys.exit(0)
        except MemoryError:
            _fail("out of memory; try a smaller file or --fast", EXIT_INTERNAL)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:  # noqa: BLE001 - the edge: one line, never a traceback
            _fail(f"internal error ({type(error).__name__}: {error}); please report it", EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


class TurnProgress:
    """A one-line count of turns read, on stderr, only when a person is watching."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.done = 0
        self.shown = 0
        self.live = sys.stderr.isatty()

    def __call__(self, count: int) -> None:
        self.done += count
        if self.live and self.done - self.shown >= 1000:
            self.shown = self.done
            click.echo(f"\r{self.what}: {self.done:,} turns", nl=False, err=True)

    def close(self) -> None:
        if self.live and self.shown:
            click.echo(f"\r{self.what}: {self.done:,} turns, done.", err=True)


def _warn(message: str) -> None:
    click.echo(f"cyclemap: warning: {message}", err=True)


def _read_options(dayfirst: bool | None, chat: str | None, owner: str | None) -> ReadOptions:
    return ReadOptions(dayfirst=dayfirst, chat=chat, owner=owner, warn=_warn)


def input_options(command: F) -> F:
    """The options every command that reads a chat shares."""
    command = click.option("--owner", metavar="NAME", help="The phone owner's name, for SMS backups that only say 'me'.")(command)
    command = click.option("--chat", metavar="NAME", help="Which chat to take from an export that holds many (Telegram full export).")(command)
    command = click.option(
        "--dayfirst/--monthfirst",
        default=None,
        help="Date order when the file cannot tell (e.g. only 01/02/24-style dates). Default: infer.",
    )(command)
    command = click.option(
        "--format",
        "format_name",
        default="auto",
        show_default=True,
        metavar="auto|NAME",
        help="The export format; 'auto' detects it from the content. See 'cyclemap formats'.",
    )(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cyclemap")
def main() -> None:
    """cyclemap: see the pursue-withdraw cycle in a couple's own conversations.

    Everything runs on this machine; nothing is sent anywhere.

    \b
    Examples:
      cyclemap demo                              # try it on the bundled samples
      cyclemap analyze "WhatsApp Chat with Sam.txt"   # the cycle, in plain words
      cyclemap classify chat.txt > labelled.jsonl     # every turn's move and why
      cyclemap parse "WhatsApp Chat with Sam.zip" > chat.jsonl
      cyclemap formats                           # which chat exports it reads
      cyclemap eval corpus/test.jsonl            # how good the move model is
    """


@main.command()
@input_options
@click.argument("path", type=click.Path(path_type=Path))
@friendly_errors
def parse(path: Path, format_name: str, dayfirst: bool | None, chat: str | None, owner: str | None) -> None:
    """Read a chat export or transcript and write its turns as JSON Lines.

    One JSON object per message, in conversation order, with id, time (ISO
    8601, naive local time where the export has no zone), speaker (null for
    system lines), text (exactly as written), kind (message, media or system),
    reply_to and conversation.

    \b
    Examples:
      cyclemap parse "WhatsApp Chat with Alex.txt" > chat.jsonl
      cyclemap parse result.json --format telegram --chat "Alex"
      cyclemap parse chat.txt --dayfirst | jq -r .text
    """
    out = sys.stdout
    for turn in read_turns(path, format_name, _read_options(dayfirst, chat, owner)):
        out.write(json.dumps(turn.to_json(), ensure_ascii=False))
        out.write("\n")
    out.flush()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="List the formats as JSON.")
@friendly_errors
def formats(as_json: bool) -> None:
    """List the formats cyclemap reads, with an example of each.

    \b
    Example:
      cyclemap formats
    """
    known = readers()
    if as_json:
        rows = [{"name": r.name, "title": r.title, "example": r.example, "writable": r.writable} for r in known.values()]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for reader in known.values():
        click.echo(click.style(reader.name, bold=True) + f"  {reader.title}" + ("  [read and write]" if reader.writable else ""))
        for line in reader.example.splitlines():
            click.echo(f"    {line}")
        click.echo()


def _print_summary(name: str, summary: ChatSummary) -> None:
    click.echo(click.style(name, bold=True))
    span = ""
    if summary.first and summary.last:
        span = f", {summary.first:%Y-%m-%d} to {summary.last:%Y-%m-%d}"
    click.echo(f"  {summary.turns} turns ({summary.system} system lines){span}")
    for person in sorted(summary.people.values(), key=lambda p: -p.messages):
        when = ""
        if person.busiest_hour is not None:
            when = f", most often around {person.busiest_hour:02d}:00"
        click.echo(
            f"  {person.name}: {person.messages} messages, {person.words} words"
            f"{f', {person.media} media' if person.media else ''}{when}"
        )


@main.command()
@input_options
@click.argument("path", type=click.Path(path_type=Path))
@friendly_errors
def summary(path: Path, format_name: str, dayfirst: bool | None, chat: str | None, owner: str | None) -> None:
    """Print who wrote how much and when.

    \b
    Example:
      cyclemap summary "WhatsApp Chat with Alex.txt"
    """
    _print_summary(path.name, summarize(read_turns(path, format_name, _read_options(dayfirst, chat, owner))))


def sample_paths() -> list[Path]:
    """The sample conversations bundled with the package."""
    folder = resources.files("cyclemap") / "samples"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.is_file() and not p.name.startswith(("_", ".")) and p.name != "README.md")


@main.command()
@input_options
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--fast", is_flag=True, help="The fast model: for very long histories and batch research, less accurate.")
@click.option("--model", metavar="NAME", help="A registered model by name (see 'cyclemap eval --list-models').")
@click.option("--corrections", type=click.Path(path_type=Path), help="JSON Lines of {'turn': id, 'move', 'cue'} that override labels.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the label cache in the data folder.")
@click.option("--export-corrections", "export_to", type=click.Path(path_type=Path),
              help="Also write the corrected turns, with their context, as labelled training data to this file.")
@friendly_errors
def classify(
    path: Path, format_name: str, dayfirst: bool | None, chat: str | None, owner: str | None,
    fast: bool, model: str | None, corrections: Path | None, no_cache: bool, export_to: Path | None,
) -> None:
    """Label every turn with its move, cue, confidence, evidence and safety flags.

    PATH is any chat cyclemap reads, or JSON Lines of turns ({"speaker", "text"},
    optional "time" and "conversation"; turns of one conversation consecutive).
    Writes one JSON line per input turn, in the same order, adding move, cue,
    confidence, evidence, safety and the timing events (silence, burst) the
    turn completes. Labels are cached in the data folder, so a chat read again,
    or with new messages appended, costs only the new turns.

    \b
    Examples:
      cyclemap classify "WhatsApp Chat with Alex.txt" > labelled.jsonl
      cyclemap classify turns.jsonl --fast
      cyclemap classify chat.txt --corrections my-corrections.jsonl
    """
    from .classify import classify_stream, input_turns, load_corrections, open_cache
    from .moves.labeller import Labeller

    fixes = load_corrections(corrections) if corrections else {}
    if export_to is not None:
        if not corrections:
            raise UsageError("--export-corrections needs --corrections")
        if export_to.exists():
            raise UsageError(f"{export_to} exists; cyclemap does not overwrite files", hint="choose a new name")
    cache = open_cache(not no_cache)
    labeller = Labeller(fast=fast, model=model, cache=cache)
    out = sys.stdout
    pairs = input_turns(path, format_name, _read_options(dayfirst, chat, owner))
    rows = _require_turns(classify_stream(pairs, labeller, fixes, warn=_warn), path)
    if export_to is not None:
        rows = _tee_corrections(rows, export_to)
    for row in rows:
        out.write(row.to_json_line())
        out.write("\n")
    out.flush()


def _require_turns(rows, path: Path):
    """Pass rows through; an input with no turns at all is an error, never a silent empty result."""
    count = 0
    for row in rows:
        count += 1
        yield row
    if count == 0:
        raise InputError(path, "no turns to classify", hint="is the file empty?")


def _tee_corrections(rows, path: Path):
    """Pass rows through while writing the corrected ones as training data.

    Written to a temporary file beside the target and renamed at the end, so a
    failure half-way leaves nothing behind.
    """
    from .classify import CorrectionExporter

    if not path.parent.is_dir():
        raise UsageError(f"folder {path.parent} does not exist", hint="create it, or choose another file")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            exporter = CorrectionExporter(handle)
            for row in rows:
                exporter.feed(row)
                yield row
        if path.exists():
            raise UsageError(f"{path} exists; cyclemap does not overwrite files", hint="choose a new name")
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)


@main.command()
@input_options
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--fast", is_flag=True, help="The fast model: for very long histories and batch research, less accurate.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole analysis as one JSON document (schemas/analysis.schema.json).")
@click.option("--corrections", type=click.Path(path_type=Path), help="JSON Lines of {'turn': id, 'move', 'cue'} that override labels.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the label cache in the data folder.")
@click.option("--country", metavar="CODE", help="Country (ISO code, e.g. GB) for the help resources shown if the safety screen fires.")
@click.option("--permutations", type=click.IntRange(0, 100_000), default=None,
              help="Permutations for the p-values of the sequential statistics (0: none). Default 1000, 200 with --fast.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write the report: report.html (one self-contained page) or report.pdf. Never the input file.")
@friendly_errors
def analyze(
    path: Path, format_name: str, dayfirst: bool | None, chat: str | None, owner: str | None,
    fast: bool, as_json: bool, corrections: Path | None, no_cache: bool, country: str | None,
    permutations: int | None, output: Path | None = None,
) -> None:
    """Find the cycle in a chat: patterns and roles, statistics, episodes, trends, safety.

    PATH is any chat cyclemap reads, or JSON Lines of turns; turns that carry
    a "move" (coded by hand or by another tool) keep it.

    \b
    Examples:
      cyclemap analyze "WhatsApp Chat with Alex.txt"
      cyclemap analyze chat.txt --fast --json > analysis.json
      cyclemap analyze coded-sessions.jsonl --json
      cyclemap analyze "WhatsApp Chat with Alex.txt" -o report.html   # or report.pdf
    """
    from .analysis import analyze as run_analysis
    from .report.terminal import TerminalProgress, print_summary
    from .report.write import check_target

    if output is not None:
        check_target(output, [path])  # before the long part: never the input, a known suffix
    if permutations is None:
        permutations = 200 if fast else 1000
    progress = TerminalProgress("labelling")
    document = run_analysis(
        path, fast=fast, format=format_name, options=_read_options(dayfirst, chat, owner),
        corrections=corrections, cache=not no_cache, permutations=permutations, progress=progress,
        country=country, lazy_episodes=as_json and output is None,  # streamed out, never all held
    )
    progress.close()
    from .report.unread import emoji_counted

    # The report and summary say so plainly when most messages are emoji only; the JSON stays as analysed.
    shown = document if as_json and output is None else emoji_counted(document, path, format_name, _read_options(dayfirst, chat, owner))
    if output is not None:
        from .report import write_report

        click.echo(f"report written to {write_report(shown, output, protect=[path])}", err=as_json)
    if as_json:
        from .analysis import write_json

        write_json(document, sys.stdout)  # streamed: a long chat's document is large
    elif output is None:
        print_summary(shown, sys.stdout)


@main.command("resources")
@click.option("--country", metavar="CODE", help="Country (ISO code, e.g. US, GB); default: $CYCLEMAP_COUNTRY or a neutral list.")
@click.option("--init", "make_copy", is_flag=True, help="Copy the list into your data folder so you can edit it.")
@friendly_errors
def resources_command(country: str | None, make_copy: bool) -> None:
    """Show the help resources cyclemap points to when the safety screen fires.

    \b
    Examples:
      cyclemap resources --country GB
      cyclemap resources --init      # then edit the file it names
    """
    from .resources import help_resources, init_user_copy

    if make_copy:
        click.echo(f"your editable copy: {init_user_copy()}")
    for resource in help_resources(country):
        click.echo(f"- {resource['name']}: {resource['contact']} ({resource['what']})")


@main.command("eval")
@click.argument("labelled", type=click.Path(path_type=Path))
@click.option("--predictions", type=click.Path(path_type=Path), help="A JSON Lines file with one {'move': ...} per labelled turn, same order.")
@click.option("--model", metavar="NAME", help="A registered model to run (see --list-models). Default: the shipped default model.")
@click.option("--list-models", is_flag=True, help="List the registered models and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@friendly_errors
def eval_command(labelled: Path, predictions: Path | None, model: str | None, list_models: bool, as_json: bool) -> None:
    """Score move labels against a labelled JSON Lines file, beside two baselines.

    Prints accuracy, macro-F1 over the four moves, Cohen's kappa, per-move and
    per-cue precision/recall/F1 and the confusion matrix, for the model or the
    predictions file and, on the same data, a majority-class and a keyword
    baseline.

    \b
    Examples:
      cyclemap eval corpus/dev.jsonl
      cyclemap eval corpus/test.jsonl --model keywords.v1 --json
      cyclemap eval coded.jsonl --predictions predicted.jsonl
    """
    from .evaluation import evaluate
    from .evaluation.text import format_report
    from .moves import available_models

    if list_models:
        click.echo("\n".join(available_models()))
        return
    if predictions is not None and model is not None:
        raise UsageError("give --predictions or --model, not both")
    report = evaluate(labelled, model=model, predictions=predictions)
    click.echo(json.dumps(report.to_json(), indent=2) if as_json else format_report(report))


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports. Default: 'demo' in cyclemap's data folder.")
@friendly_errors
def demo(out_dir: Path | None = None) -> None:
    """Run cyclemap on the bundled sample conversations, into reports you can open.

    Prints who wrote what and the cycle of each sample, and writes one HTML
    report per sample with an index page, cyclemap-demo-report.html.

    \b
    Examples:
      cyclemap demo
      cyclemap demo --out ./demo-reports
    """
    from .analysis import analyze as run_analysis
    from .analysis_text import summary_lines
    from .paths import data_dir
    from .report.demo import write_demo

    def analyze_one(path: Path) -> dict[str, Any]:
        _print_summary(path.name, summarize(read_turns(path, "auto", _read_options(None, None, None))))
        document = run_analysis(path, options=_read_options(None, None, None), cache=False, permutations=200)
        for line in summary_lines(document)[1:]:
            click.echo(f"  {line}")
        click.echo()
        return document

    index, _ = write_demo(sample_paths(), out_dir or data_dir() / "demo", analyze_one)
    click.echo(f"The reports: {index.resolve().as_uri()}")


from .commands.export import export as _export_command  # noqa: E402
from .commands.forget import forget as _forget_command  # noqa: E402
from .commands.passphrase import passphrase_option  # noqa: E402
from .commands.safety_check import safety_check as _safety_check_command  # noqa: E402

main.add_command(_safety_check_command)
main.add_command(_forget_command)
main.add_command(_export_command)
from .commands.coach import check as _check_command  # noqa: E402

main.add_command(_check_command)
from .commands.practice import practice as _practice_command  # noqa: E402
from .commands.assess import assess as _assess_command  # noqa: E402

main.add_command(_practice_command)
main.add_command(_assess_command)
from .commands.serve import serve as _serve_command  # noqa: E402 - the web app; its heavy imports are lazy

main.add_command(_serve_command)
for _name in ("classify", "analyze"):  # they use the label cache, which encryption covers
    passphrase_option(main.commands[_name])

if __name__ == "__main__":  # pragma: no cover
    main()
