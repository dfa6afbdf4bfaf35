"""Importing a chat: read, label and analyse it in a background thread, with progress.

Everything an import stores (its turns, its analysis) is written in one transaction
at the end, so a failure half-way leaves only the import's row saying what went
wrong, never half a chat. The upload itself is deleted once read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..analysis import analyze_rows
from ..classify import LabelledTurn, classify_stream, input_turns, open_cache
from ..codebook import Move
from ..errors import CyclemapError
from ..ingest import ReadOptions
from ..model import Turn
from ..moves.labeller import Correction, Labeller
from ..report.unread import with_emoji_count
from .documents import summary_of
from .models import ImportJob, Relationship, StoredTurn, now

log = logging.getLogger(__name__)  # never logs message text or names: only ids and counts

#: Above this many turns the fast model labels the chat (a 100,000-message history stays minutes, not hours).
FAST_ABOVE = 20_000
#: Permutations for the p-values; the app favours a quick answer, the CLI's analyze does 1000.
PERMUTATIONS = 200
PROGRESS_EVERY = 2048
#: Corrections on chats longer than this are re-read in the background (a 100,000-message chat takes minutes).
SYNC_TURNS = 5000
INSERT_CHUNK = 5000


def _labeller(total: int) -> Labeller:
    return Labeller(fast=total > FAST_ABOVE, cache=open_cache(True))


class _Collect:
    """Keeps each labelled turn's stored form while the analysis streams over them."""

    def __init__(self, import_id: int) -> None:
        self.import_id = import_id
        self.rows: list[dict[str, Any]] = []

    def watch(self, rows: Iterable[LabelledTurn]) -> Iterator[LabelledTurn]:
        for row in rows:
            self.rows.append({
                "import_id": self.import_id, "position": len(self.rows), "kind": row.turn.kind, "data": row.turn.to_json(),
                "move": str(row.label.move), "cue": row.label.cue, "safety": list(row.label.safety),
            })
            yield row


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()  # the upload's own folder, now empty
    except OSError:
        pass


class ImportWarnings:
    """What the readers had to guess while reading an upload ("each row is read as a separate
    message"), for the import's page: each once, the upload's path written as the file's name.

    Readers' warnings name the file and how it was read, never a message's words, and never hold a
    traceback; they are cut to one short line each, and a few at most are kept."""

    LIMIT = 5
    LENGTH = 300

    def __init__(self, path: Path, filename: str) -> None:
        self.path, self.filename = str(path), filename
        self.lines: list[str] = []

    def __call__(self, message: str) -> None:
        line = " ".join(message.replace(self.path, self.filename).split())[: self.LENGTH]
        if line and line not in self.lines and len(self.lines) < self.LIMIT:
            self.lines.append(line)

    def text(self) -> str | None:
        """The warnings, one a line, as the import's message; None when the reading guessed nothing."""
        return "\n".join(self.lines) or None


class ImportRunner:
    """One background worker: imports run one at a time, pages keep answering meanwhile."""

    def __init__(self, sessions: sessionmaker[Session], warm: Callable[[int], None] | None = None) -> None:
        self.sessions = sessions
        self.warm = warm  # called with an import's id once it is done: prepares its pages before anyone asks
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cyclemap-import")
        self.lock = threading.Lock()
        self.pending: set[int] = set()  # imports whose corrections wait to be read into the analysis
        self.current: int | None = None

    def submit(self, import_id: int, path: Path) -> Future:
        return self.pool.submit(self.run, import_id, path)

    def updating(self, import_id: int) -> bool:
        with self.lock:
            return import_id in self.pending or import_id == self.current

    def request_reanalysis(self, import_id: int, country: str | None) -> None:
        """Read a long chat's corrections into its analysis in the worker; many corrections, one run."""
        with self.lock:
            queued = import_id in self.pending
            self.pending.add(import_id)
        if not queued:
            self.pool.submit(self._reanalyse, import_id, country)

    def _reanalyse(self, import_id: int, country: str | None) -> None:
        with self.lock:
            self.pending.discard(import_id)
            self.current = import_id
        try:
            with self.sessions() as db:
                job = db.get(ImportJob, import_id)
                if job is not None and job.status == "done":
                    reanalyse(db, job, country)
                    db.commit()
            if self.warm is not None:
                self.warm(import_id)
        except Exception as error:  # noqa: BLE001 - the worker's edge; the old figures stay until the next correction
            log.error("re-reading import %s failed: %s", import_id, type(error).__name__)
        finally:
            with self.lock:
                self.current = None

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _set(self, import_id: int, **values: Any) -> None:
        with self.sessions.begin() as db:
            db.execute(update(ImportJob).where(ImportJob.id == import_id).values(**values))

    def run(self, import_id: int, path: Path) -> None:
        try:
            with self.sessions() as db:
                job = db.get(ImportJob, import_id)
                if job is None:
                    return
                relationship = db.get(Relationship, job.relationship_id)
                country = relationship.country if relationship else None
            self._set(import_id, status="running")  # total 0: still counting the messages
            warnings = ImportWarnings(path, job.filename)
            total = sum(1 for _ in input_turns(path, "auto", ReadOptions(warn=warnings)))
            if total == 0:
                raise CyclemapError("the file holds no messages")
            self._set(import_id, status="running", total=total, done=0)
            seen = [0]

            def progress(count: int) -> None:
                seen[0] += count
                if seen[0] % PROGRESS_EVERY < count or seen[0] >= total:
                    self._set(import_id, done=min(seen[0], total))

            collect = _Collect(import_id)
            rows = classify_stream(input_turns(path, "auto", ReadOptions(warn=warnings)), _labeller(total), progress=progress)
            document = analyze_rows(collect.watch(rows), permutations=PERMUTATIONS, country=country)
            document = with_emoji_count(document, lambda: (Turn.from_json(row["data"]) for row in collect.rows))
            document["source"].update(file=job.filename)
            _discard(path)  # read: only the messages are kept, never the file
            with self.sessions.begin() as db:
                for start in range(0, len(collect.rows), INSERT_CHUNK):
                    db.execute(insert(StoredTurn), collect.rows[start:start + INSERT_CHUNK])
                db.execute(update(ImportJob).where(ImportJob.id == import_id).values(
                    status="done", done=total, document=document, summary=summary_of(document),
                    flagged=bool(document["safety"]["flagged"]),
                    finished_at=now(), message=warnings.text(),  # a finished import's message: how it was read
                ))
            log.info("import %s done: %s turns", import_id, total)
            if self.warm is not None:
                self.warm(import_id)
        except CyclemapError as error:
            self._fail(import_id, str(error).replace(str(path), "the file"))
        except Exception as error:  # noqa: BLE001 - the worker's edge: the page says so, no traceback
            log.error("import %s failed: %s", import_id, type(error).__name__)  # never the message: it may quote the chat
            self._fail(import_id, f"cyclemap could not read this file ({type(error).__name__}); please report it")
        finally:
            _discard(path)

    def _fail(self, import_id: int, message: str) -> None:
        with self.sessions.begin() as db:
            db.execute(delete(StoredTurn).where(StoredTurn.import_id == import_id))
            db.execute(update(ImportJob).where(ImportJob.id == import_id).values(
                status="failed", message=message, finished_at=now(),
            ))


def reanalyse(db: Session, job: ImportJob, country: str | None = None) -> dict[str, Any]:
    """The analysis again from the stored turns, with the moves people corrected (cached labels: quick)."""
    stored = db.scalars(select(StoredTurn).where(StoredTurn.import_id == job.id).order_by(StoredTurn.position)).all()
    pairs = [(Turn.from_json(row.data), None) for row in stored]
    fixes = {
        (row.data.get("conversation"), str(row.data["id"])): Correction(Move(row.fix_move), row.fix_cue)
        for row in stored if row.fix_move
    }
    rows = classify_stream(pairs, _labeller(len(pairs)), fixes)
    document = analyze_rows(rows, permutations=PERMUTATIONS, country=country)
    document = with_emoji_count(document, lambda: (turn for turn, _given in pairs))
    document["source"].update(file=job.filename, corrections=len(fixes))
    job.document, job.summary = document, summary_of(document)
    job.flagged = bool(document["safety"]["flagged"])
    job.revision += 1
    return document
