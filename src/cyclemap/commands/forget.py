"""`cyclemap forget`: delete what cyclemap keeps about a chat or a relationship, or everything."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import _read_options, friendly_errors, input_options
from ..errors import UsageError
from ..model import Turn
from .passphrase import passphrase_option


@click.command("forget")
@input_options
@click.argument("chats", nargs=-1, type=click.Path(path_type=Path))
@click.option("--relationship", metavar="NAME", help="Delete everything saved under this relationship label (answers, and the web app's data).")
@click.option("--all", "everything", is_flag=True, help="Delete the whole data folder's contents (asks first).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@passphrase_option
@friendly_errors
def forget(chats: tuple[Path, ...], relationship: str | None, everything: bool, yes: bool,
           format_name: str, dayfirst: bool | None, chat: str | None, owner: str | None) -> None:
    """Delete what cyclemap stores about a chat or a relationship, or (--all) everything it stores.

    Naming a chat deletes the labels cached for its turns; --relationship deletes
    saved safety checks, assessments and the web app's data for it. Your own
    files (the chat export, a corrections file, a report) are never touched.

    \b
    Examples:
      cyclemap forget "WhatsApp Chat with Alex.txt"
      cyclemap forget --relationship us
      cyclemap forget --all --yes
    """
    from ..ingest import read_turns
    from ..paths import data_dir
    from ..privacy import stores

    if everything:
        if chats or relationship:
            raise UsageError("--all deletes everything; do not name a chat or a relationship with it")
        folder = data_dir()
        if not yes:
            _confirm(f"Delete everything cyclemap keeps in {folder}? This cannot be undone")
        counts, left = stores.wipe_all()
        click.echo(f"deleted: {_counts(counts)}; encryption settings and your help-resources copy removed")
        if left:
            click.echo(f"left in {folder}: {len(left)} file(s) cyclemap did not create ({', '.join(p.name for p in left[:5])})")
        return
    if not chats and not relationship:
        raise UsageError("name a chat, a --relationship, or --all", hint="see 'cyclemap forget --help'")
    if relationship and not yes:
        _confirm(f"Delete everything saved for the relationship {relationship!r}? This cannot be undone")
    conversations: list[list[Turn]] = []
    for path in chats:
        grouped: dict[str | None, list[Turn]] = {}
        for turn in read_turns(path, format_name, _read_options(dayfirst, chat, owner)):
            grouped.setdefault(turn.conversation, []).append(turn)
        conversations.extend(grouped.values())
    counts = stores.forget(relationship=relationship, conversations=conversations)
    click.echo(f"deleted: {_counts(counts)}")


def _confirm(question: str) -> None:
    """Ask; no answer (a script without --yes) or anything but yes deletes nothing."""
    try:
        agreed = click.confirm(question, err=True)
    except click.Abort:
        agreed = False
    if not agreed:
        raise UsageError("not confirmed; nothing was deleted", hint="answer y, or add --yes in scripts")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} from {name}" for name, count in counts.items()) or "nothing was stored"
