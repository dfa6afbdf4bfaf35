"""`cyclemap export`: everything cyclemap stores (about a person), as one JSON document."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..cli import friendly_errors
from ..errors import UsageError
from .passphrase import passphrase_option


@click.command("export")
@click.option("--person", metavar="NAME", help="Only what belongs to this person where a store knows (saved answers, web app).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this new file (owner-only) instead of stdout.")
@passphrase_option
@friendly_errors
def export(person: str | None, output: Path | None) -> None:
    """Print all the data cyclemap stores as one JSON document: yours to keep or to inspect.

    Decrypted if the data folder is encrypted (you give the passphrase), so keep
    the file somewhere private.

    \b
    Examples:
      cyclemap export > my-cyclemap-data.json
      cyclemap export --person Sam -o sam.json
    """
    from ..privacy import stores

    text = json.dumps(stores.export(person), ensure_ascii=False, indent=1)
    if output is None:
        click.echo(text)
        return
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"{output} exists; cyclemap does not overwrite files", hint="choose a new name") from None
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    click.echo(f"written: {output}", err=True)
