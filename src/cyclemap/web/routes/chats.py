"""Chats: import (upload, progress), the report, and label correction."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...codebook import CUES, Move
from ...errors import CyclemapError
from ...ingest import detect
from ..access import member_of
from ..auth import SESSION_COOKIE, new_token, session_user
from ..deps import LoginNeeded, get_db, signed_in
from ..imports import SYNC_TURNS, reanalyse
from ..models import ImportJob, StoredTurn, User
from ..pages import render, trusted, wants_json
from .common import done

router = APIRouter()
PAGE = 50
MOVES = tuple(m.value for m in Move)


def cue_choices() -> list[dict[str, str]]:
    """Every (move, cue) a person can pick, grouped by move, in the codebook's order."""
    choices = [{"value": "neutral", "move": "neutral", "label": "neutral"}]
    for cue, move in CUES.items():
        choices.append({"value": f"{move.value}:{cue}", "move": move.value, "label": f"{move.value}: {cue.replace('_', ' ')}"})
    return choices


def _job_json(rid: int, job: ImportJob) -> dict[str, Any]:
    percent = int(100 * job.done / job.total) if job.total else 0
    return {
        "id": job.id, "file": job.filename, "status": job.status, "done": job.done, "total": job.total,
        "percent": percent if job.status != "done" else 100, "message": job.message,
        "url": f"/r/{rid}/imports/{job.id}", "report": f"/r/{rid}/report?import={job.id}",
    }


@router.get("/r/{rid}/import")
def import_page(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    jobs = db.scalars(select(ImportJob).where(ImportJob.relationship_id == rid).order_by(ImportJob.id.desc())).all()
    limit_mb = request.app.state.web.upload_limit // (1024 * 1024)
    return render(request, "import.html", {"imports": [_job_json(rid, j) for j in jobs], "limit_mb": limit_mb}, space=space)


def _upload_target(uploads: Path, name: str) -> Path:
    folder = uploads / new_token()
    folder.mkdir(mode=0o700)
    return folder / name


@router.post("/r/{rid}/import")
async def upload(rid: int, request: Request, name: str = "chat.txt") -> Response:
    """The file is the request body (the page's drop zone sends it so), streamed to the data folder."""
    state = request.app.state.web

    def check() -> None:
        with state.sessions() as db:
            user = session_user(db, request.cookies.get(SESSION_COOKIE))
            if user is None:
                raise LoginNeeded()
            member_of(db, user, rid, partner_only=True)

    await run_in_threadpool(check)
    limit = state.upload_limit
    too_big = f"This file is larger than {limit // (1024 * 1024)} MB, the most cyclemap takes at once. Nothing was stored."
    if int(request.headers.get("content-length") or 0) > limit:
        raise HTTPException(413, too_big)
    filename = Path(name.replace("\\", "/")).name.strip()[:200] or "chat.txt"
    if filename.startswith("."):
        filename = "chat" + filename
    path = _upload_target(state.uploads, filename)
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as handle:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, too_big)
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise HTTPException(400, "The file is empty. Nothing was stored.")
        job_id = await run_in_threadpool(_register, request, rid, path, filename, digest.hexdigest(), size)
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    with state.sessions() as db:
        job = db.get(ImportJob, job_id)
        data = _job_json(rid, job)
    state.runner.submit(job_id, path)
    if wants_json(request):
        return render(request, "import_status.html", data, status=202)
    return render(request, "import_status.html", data, status=202, rid=rid, fragment=True)


def _register(request: Request, rid: int, path: Path, filename: str, sha: str, size: int) -> int:
    state = request.app.state.web
    try:
        detect(path)
    except CyclemapError as error:
        message = str(error).replace(str(path), filename)
        raise HTTPException(400, f"{message}. Nothing was stored.") from None
    with state.sessions() as db:
        earlier = db.scalars(
            select(ImportJob).where(ImportJob.relationship_id == rid, ImportJob.sha256 == sha, ImportJob.status != "failed")
        ).first()
        if earlier is not None:
            raise HTTPException(409, f"This chat was imported already ({earlier.filename}, {earlier.created_at:%Y-%m-%d}). Nothing new was stored.")
        user = session_user(db, request.cookies.get(SESSION_COOKIE))
        job = ImportJob(relationship_id=rid, uploaded_by=user.id if user else None, filename=filename, sha256=sha, size=size)
        db.add(job)
        db.commit()
        return job.id


def _job(db: Session, rid: int, iid: int) -> ImportJob:
    job = db.get(ImportJob, iid)
    if job is None or job.relationship_id != rid:
        raise HTTPException(404, "There is no such import in this space.")
    return job


@router.get("/r/{rid}/imports/{iid}")
def import_status(rid: int, iid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    member_of(db, user, rid, area="report")
    job = _job(db, rid, iid)
    fragment = request.headers.get("hx-request") == "true"
    return render(request, "import_status.html", _job_json(rid, job), rid=rid, fragment=fragment)


def _chosen(db: Session, rid: int, iid: int | None) -> ImportJob | None:
    if iid is not None:
        job = _job(db, rid, iid)
        return job if job.status == "done" else None
    return db.scalars(
        select(ImportJob).where(ImportJob.relationship_id == rid, ImportJob.status == "done").order_by(ImportJob.id.desc())
    ).first()


def report_html(document: dict[str, Any]) -> str | None:
    """The report's body from cyclemap.report (helper H3's renderer) when it is installed."""
    try:
        from ...report import render_body
    except ImportError:
        return None
    return render_body(document)


@router.get("/r/{rid}/report")
def report(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, area="report")
    iid = request.query_params.get("import")
    job = _chosen(db, rid, int(iid) if iid and iid.isdigit() else None)
    if job is None:
        return render(request, "report.html", {"import": None, "analysis": None}, space=space)
    cache = request.app.state.web.documents
    document = cache.document(db, job)
    if wants_json(request):
        return render(request, "report.html", {"import": _job_json(rid, job), "analysis": document})
    from ...analysis_text import summary_lines

    body = cache.rendered(job, "report", lambda: report_html(document))
    return render(request, "report.html", {"import": _job_json(rid, job), "analysis": document}, space=space,
                  body=trusted(body) if body is not None else None, lines=summary_lines(document),
                  own_notice=body is not None and document.get("safety", {}).get("flagged", False))


def _stats(document: dict[str, Any]) -> dict[str, Any]:
    from ...analysis_text import shape_sentence

    return {"moves": document.get("moves", {}), "shape": shape_sentence(document.get("overall", {})),
            "turns": document.get("turns", 0)}


def _turn_json(row: StoredTurn) -> dict[str, Any]:
    move, cue = (row.fix_move, row.fix_cue) if row.fix_move else (row.move, row.cue)
    return {
        "position": row.position, "id": row.data.get("id"), "speaker": row.data.get("speaker"),
        "time": row.data.get("time"), "text": row.data.get("text"), "kind": row.data.get("kind"),
        "move": move, "cue": cue, "model_move": row.move, "model_cue": row.cue, "corrected": row.fix_move is not None,
        "choice": move if move == "neutral" or not cue else f"{move}:{cue}",
    }


@router.get("/r/{rid}/turns")
def turns(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    params = request.query_params
    iid = params.get("import")
    job = _chosen(db, rid, int(iid) if iid and iid.isdigit() else None)
    if job is None:
        return render(request, "turns.html", {"import": None, "turns": [], "stats": None}, space=space)
    page = max(1, int(params["page"])) if params.get("page", "").isdigit() else 1
    query = select(StoredTurn).where(StoredTurn.import_id == job.id, StoredTurn.kind == "message")
    move = params.get("move")
    if move in MOVES:
        query = query.where(func.coalesce(StoredTurn.fix_move, StoredTurn.move) == move)
    count = db.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.scalars(query.order_by(StoredTurn.position).offset((page - 1) * PAGE).limit(PAGE)).all()
    data = {
        "import": _job_json(rid, job), "page": page, "pages": max(1, -(-count // PAGE)), "count": count,
        "move": move if move in MOVES else None, "turns": [_turn_json(r) for r in rows],
        "stats": _stats(job.summary or {}) | {"updating": request.app.state.web.runner.updating(job.id)},
    }
    return render(request, "turns.html", data, space=space, choices=cue_choices())


@router.post("/r/{rid}/imports/{iid}/turns/{position}")
def correct(
    rid: int, iid: int, position: int, request: Request, choice: str = Form(...),
    db: Session = Depends(get_db), user: User = Depends(signed_in),
) -> Response:
    """Change a turn's move (and cue); the analysis is read again so every figure follows."""
    space = member_of(db, user, rid, partner_only=True)
    job = _job(db, rid, iid)
    if job.status != "done":
        raise HTTPException(409, "This import is not finished yet; try again when it is.")
    row = db.scalars(select(StoredTurn).where(StoredTurn.import_id == iid, StoredTurn.position == position)).first()
    if row is None or row.kind != "message":
        raise HTTPException(404, "There is no such message in this import.")
    move, _, cue = choice.partition(":")
    if move not in MOVES or (move == "neutral" and cue) or (move != "neutral" and CUES.get(cue) is not Move(move)):
        raise HTTPException(400, "Choose one of the listed moves. Nothing was changed.")
    if move == row.move and (cue or None) == row.cue:
        row.fix_move = row.fix_cue = row.fixed_by = None  # back to what the model read
    else:
        row.fix_move, row.fix_cue, row.fixed_by = move, cue or None, user.id
    runner = request.app.state.web.runner
    if job.total > SYNC_TURNS:  # a long chat: the figures follow in the background, in a minute or two
        db.commit()
        runner.request_reanalysis(job.id, space.relationship.country)
        data = {"turn": _turn_json(row), "stats": _stats(job.summary or {}) | {"updating": True}}
    else:
        document = reanalyse(db, job, space.relationship.country)
        db.commit()
        data = {"turn": _turn_json(row), "stats": _stats(document)}
    if request.headers.get("hx-request") == "true" and not wants_json(request):
        return render(request, "turn_row.html", data, space=space, choices=cue_choices(), t=data["turn"], oob=True,
                      rid=rid, iid=iid)
    return done(request, f"/r/{rid}/turns?import={iid}", data)


