"""The registry of everything cyclemap stores about a couple, so one call forgets or exports it all.

A :class:`Store` is a name and up to four callables; each is optional:

    forget_relationship(relationship) -> int    delete what is kept about one relationship
    forget_conversations(conversations) -> int  delete what is kept about these chats' turns
    export_user(person or None) -> JSON value   all that is kept about a person (None: everything)
    wipe() -> int                               delete everything this store keeps

Built in: the label cache and the saved records. The web app registers its
database when it is imported (any module named in :data:`PLUGINS` that exists
is imported the first time the registry is listed, and calls
:func:`register_store`). ``cyclemap forget`` and ``cyclemap export`` go through
:func:`forget`, :func:`export` and :func:`wipe_all` here.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import vault as vault_module
from ..model import Turn
from ..paths import data_dir
from . import records
from .logs import LogId, get_logger

#: Modules that register stores of their own when imported (if they exist).
PLUGINS: tuple[str, ...] = ("cyclemap.web.privacy",)
#: Files in the data folder that hold settings rather than data about a couple; removed last by wipe_all.
SETTINGS_FILES = ("help_resources.json", vault_module.FILE_NAME)
CACHE_FILES = ("label-cache.sqlite", "label-cache.sqlite-journal", "label-cache.sqlite-wal", "label-cache.sqlite-shm")

log = get_logger(__name__)

if TYPE_CHECKING:
    from ..moves.cache import LabelCache


@dataclass(frozen=True)
class Store:
    """One place cyclemap keeps data, and how to forget or export it."""

    name: str
    description: str
    forget_relationship: Callable[[str], int] | None = None
    forget_conversations: Callable[[Sequence[Sequence[Turn]]], int] | None = None
    export_user: Callable[[str | None], Any] | None = None
    wipe: Callable[[], int] | None = None


_STORES: dict[str, Store] = {}
_PLUGINS_LOADED = False


def register_store(store: Store, *, replace: bool = False) -> Store:
    """Make ``store`` part of forget and export; a second store of the same name needs ``replace``."""
    if store.name in _STORES and not replace:
        raise RuntimeError(f"a store called {store.name!r} is already registered")
    _STORES[store.name] = store
    return store


def unregister_store(name: str) -> None:
    _STORES.pop(name, None)


def stores() -> list[Store]:
    """Every registered store, the built-in ones first."""
    global _PLUGINS_LOADED
    if not _PLUGINS_LOADED:
        _PLUGINS_LOADED = True
        for module in PLUGINS:
            try:
                found = importlib.util.find_spec(module) is not None
            except ModuleNotFoundError:  # its parent package is absent
                found = False
            if found:
                try:
                    importlib.import_module(module)
                except ModuleNotFoundError as error:
                    if (error.name or "").startswith("cyclemap"):
                        raise
                    # The web app's optional dependencies are not installed: it cannot have stored anything
                    # through this install; a database left from another is listed by wipe_all.
                    log.info("store plugin %s skipped: an optional dependency is missing", LogId(module))
    return list(_STORES.values())


# -- the built-in stores -------------------------------------------------------


def _cache() -> LabelCache:
    from ..moves.cache import LabelCache

    return LabelCache()


def _cache_path() -> Path:
    return data_dir() / CACHE_FILES[0]


def _cache_forget_conversations(conversations: Sequence[Sequence[Turn]]) -> int:
    if not _cache_path().exists():
        return 0
    cache = _cache()
    try:
        # One call for all conversations: forget scans the stored blocks once, not once per chat.
        return cache.forget([key for turns in conversations for key in _conversation_keys(turns)])
    finally:
        cache.close()


def _conversation_keys(turns: Sequence[Turn]) -> list[bytes]:
    """Every window key the labeller may have stored for one conversation's turns.

    Each message turn is keyed by its window among the conversation's messages. A long chat is read in
    blocks (:func:`cyclemap.classify.classify_stream`, every BLOCK turns), each after the CONTEXT messages
    before it: those messages are read again with windows that start at the block, so keys of their own.
    """
    from ..classify import BLOCK
    from ..moves.cache import window_keys
    from ..moves.context import CONTEXT

    messages = [t for t in turns if t.kind == "message"]
    keys = window_keys(messages)
    before = 0  # message turns before the block boundary
    for start in range(0, len(turns), BLOCK):
        if start:
            context = messages[max(0, before - CONTEXT):before]
            if len(context) == CONTEXT:  # (fewer: the block's context is the chat's start, keyed above)
                keys.extend(window_keys(context))
        before += sum(1 for t in turns[start:start + BLOCK] if t.kind == "message")
    return keys


def _cache_export(person: str | None) -> Any:
    if not _cache_path().exists():
        return {"sealed": vault_module.is_encrypted(), "rows": 0, "models": {}, "screens": {}, "blocks": {}}
    cache = _cache()
    try:
        return cache.export()
    finally:
        cache.close()


def _cache_wipe() -> int:
    removed = 0
    for name in CACHE_FILES:
        path = data_dir() / name
        if path.exists():
            path.unlink()
            removed += 1
    return removed


register_store(Store(
    "label-cache",
    "label-cache.sqlite: the move model's numbers per turn or per block of turns, and the safety screen's "
    "findings as numbers, keyed by hashes of the turns and their context; no text",
    forget_conversations=_cache_forget_conversations,
    export_user=_cache_export,
    wipe=_cache_wipe,
))
register_store(Store(
    "records",
    "records/: safety checks, assessments and other answers a person chose to save, one file each",
    forget_relationship=records.forget_relationship,
    export_user=records.export_user,
    wipe=records.wipe,
))


# -- what the commands call ----------------------------------------------------


def forget(*, relationship: str | None = None, conversations: Sequence[Sequence[Turn]] = ()) -> dict[str, int]:
    """Delete what every store keeps about a relationship and/or these conversations; counts by store."""
    counts: dict[str, int] = {}
    for store in stores():
        count = 0
        if relationship is not None and store.forget_relationship is not None:
            count += store.forget_relationship(relationship)
        if conversations and store.forget_conversations is not None:
            count += store.forget_conversations(conversations)
        counts[store.name] = count
        log.info("forget: %d item(s) deleted from %s", count, LogId(store.name))
    return counts


def export(person: str | None = None) -> dict[str, Any]:
    """Everything stored (about ``person``, where a store knows whose data is whose) as one JSON document."""
    return {
        "cyclemap_export": 1,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data_folder": str(data_dir()),
        "encrypted": vault_module.is_encrypted(),
        "person": person,
        "stores": {
            store.name: {"description": store.description, "data": store.export_user(person)}
            for store in stores() if store.export_user is not None
        },
    }


def wipe_all() -> tuple[dict[str, int], list[Path]]:
    """Delete everything cyclemap keeps; counts by store, and what was left (files cyclemap did not make).

    Only files cyclemap knows are removed, so a data folder pointed by mistake at
    a folder with other files in it loses none of them.
    """
    counts = {store.name: store.wipe() for store in stores() if store.wipe is not None}
    folder = data_dir()
    for name in SETTINGS_FILES:
        (folder / name).unlink(missing_ok=True)
    left = sorted(folder.iterdir())
    if not left:
        folder.rmdir()
    return counts, left


__all__ = ["Store", "export", "forget", "register_store", "stores", "unregister_store", "wipe_all"]
