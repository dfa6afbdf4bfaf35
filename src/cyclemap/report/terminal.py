"""The analysis in the terminal, with rich: a few lines in the cycle's language.

Colour and boxes only when a person is watching; piped or redirected, the
same words come out as plain text (rich detects it).
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from ..analysis_text import summary_lines
from .unread import EMOJI_LINE, mostly_emoji


def print_summary(doc: dict[str, Any], file: TextIO | None = None) -> None:
    """Print the plain-words reading of ``doc`` (safety first when it fired)."""
    console = Console(file=file, highlight=False, soft_wrap=True)
    lines = summary_lines(doc)
    emoji = mostly_emoji(doc)
    if emoji:  # say plainly why no cycle was read, rather than "not English or emoji"; no map to point to
        lines = [EMOJI_LINE if line.startswith("The cycle:") else line for line in lines]
    show_hint = not doc["safety"]["flagged"] and not emoji
    hint = "For the cycle map and the hot moments: cyclemap analyze FILE -o report.html"
    if not console.is_terminal:  # plain text for pipes, files and tests: the same words, no styling
        for line in lines:
            console.print(Text(line))
        if show_hint:
            console.print(Text(hint))
        return
    safety, rest = [], lines
    if doc["safety"]["flagged"]:
        cut = lines.index("") if "" in lines else 1
        safety, rest = lines[:cut], lines[cut + 1:]
        console.print(Panel(Text("\n".join(safety)), title="Please read this first", border_style="red"))
    for line in rest:
        head, sep, tail = line.partition(": ")
        if sep and head in ("The cycle", "Tense stretches", "Over time"):
            console.print(f"[bold]{escape(head)}:[/bold] {escape(tail)}")
        elif line.startswith("This is a reading"):
            console.print(Text(line, style="dim"))
        else:
            console.print(Text(line))
    if show_hint:
        console.print(Text(hint, style="dim"))


class TerminalProgress:
    """A progress line on stderr for long files: turns labelled so far and the rate.

    Same contract as the CLI's ``TurnProgress`` (``__call__(count)``, ``close()``);
    shown only when stderr is a terminal and the file is long (1,000 turns or more),
    so short runs, pipes and tests see nothing.
    """

    SHOW_AFTER = 1000

    def __init__(self, what: str, file: TextIO | None = None) -> None:
        self.what = what
        self.done = 0
        self.console = Console(file=file or sys.stderr)
        self.live = self.console.is_terminal
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, count: int) -> None:
        self.done += count
        if not self.live or self.done < self.SHOW_AFTER:
            return
        if self._progress is None:
            self._progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed:,} turns"), TimeElapsedColumn(),
                console=self.console, transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.what, total=None, completed=self.done)
        assert self._task is not None
        self._progress.update(self._task, completed=self.done)

    def close(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=self.done, description=f"{self.what}: done")
            self._progress.stop()
