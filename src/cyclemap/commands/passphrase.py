"""The --passphrase-file option every command that touches the stores shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..vault import use_passphrase_file


def _use(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    use_passphrase_file(value)


def passphrase_option(command: Any) -> Any:
    """``--passphrase-file FILE``: unlock (or turn on) encryption of the data folder; else $CYCLEMAP_PASSPHRASE.

    Works on a function or on a built click command; a command that has the option already is left as it is.
    """
    if isinstance(command, click.Command) and any(p.name == "passphrase_file" for p in command.params):
        return command
    return click.option(
        "--passphrase-file",
        type=click.Path(path_type=Path, dir_okay=False),
        expose_value=False,
        callback=_use,
        is_eager=True,
        help="Encrypt the data folder with the passphrase on this file's first line "
             "(default: $CYCLEMAP_PASSPHRASE; see docs/privacy.md).",
    )(command)
