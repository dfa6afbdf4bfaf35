"""Each partner's own area: self-assessment, safety check, private notes, message check.

Everything here is read and written filtered by the signed-in person's id: another
partner, or a therapist, has no URL that reaches it (they get a 403, and their own
page shows only their own entries). A draft checked here is never stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import CyclemapError
from ..access import Space, member_of
from ..comparing import agreed, choice_from_form, chosen, partner_choices
from ..deps import get_db, signed_in
from ..models import PrivateEntry, User
from ..pages import render
from .common import clean_text, done

router = APIRouter()
DRAFT_LIMIT = 10_000
NOTE_LIMIT = 5_000


def _latest(db: Session, rid: int, user_id: int, kind: str) -> PrivateEntry | None:
    return db.scalars(select(PrivateEntry).where(
        PrivateEntry.relationship_id == rid, PrivateEntry.user_id == user_id, PrivateEntry.kind == kind,
    ).order_by(PrivateEntry.id.desc())).first()


# -- message check --------------------------------------------------------------

@router.get("/r/{rid}/check")
def check_page(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    return render(request, "check.html", {"draft": "", "result": None, "safety_flagged": space.flagged}, space=space)


@router.post("/r/{rid}/check")
def check(
    rid: int, request: Request, draft: str = Form(""), context: str = Form(""),
    db: Session = Depends(get_db), user: User = Depends(signed_in),
) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    draft = clean_text(draft, DRAFT_LIMIT, "draft")
    context = clean_text(context, DRAFT_LIMIT, "message you are answering")
    try:
        from ...coach import check_message
    except ImportError:
        raise HTTPException(503, "The message check is not part of this version of cyclemap.") from None
    result = check_message(draft, context=[context] if context else [], country=space.relationship.country).to_json()
    if space.flagged:  # the safety screen governs: no softening suggestions here
        result["alternatives"] = []
    data = {"draft": draft, "result": result, "safety_flagged": space.flagged}
    fragment = request.headers.get("hx-request") == "true"
    return render(request, "check.html", data, space=space, fragment=fragment)


# -- safety check ---------------------------------------------------------------

def _safety_questions() -> list[dict[str, Any]]:
    from ...safety_check import QUESTIONS

    return [{"id": q.id, "text": q.text, "area": q.area} for q in QUESTIONS]


@router.get("/r/{rid}/safety-check")
def safety_page(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    latest = _latest(db, rid, user.id, "safety_check")
    data = {"questions": _safety_questions(), "result": latest.data.get("result") if latest else None,
            "answered_on": latest.created_at.date().isoformat() if latest else None}
    return render(request, "safety_check.html", data, space=space,
                  own_notice=bool(data["result"] and data["result"].get("concern")))  # the result says it, with resources


@router.post("/r/{rid}/safety-check")
async def safety_check(rid: int, request: Request) -> Response:
    form = await request.form()
    answers = {q["id"]: str(form.get(q["id"]) or "prefer_not_to_say") for q in _safety_questions()}
    return await _run_sync(request, lambda db, user: _save_safety(request, db, user, rid, answers))


def _save_safety(request: Request, db: Session, user: User, rid: int, answers: dict[str, str]) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    from ...safety_check import evaluate

    result = evaluate(answers, country=space.relationship.country).to_json()
    db.add(PrivateEntry(relationship_id=rid, user_id=user.id, kind="safety_check", data={"answers": answers, "result": result}))
    db.commit()
    return done(request, f"/r/{rid}/safety-check", {"result": result})


# -- self-assessment --------------------------------------------------------------

def _assessment():
    try:
        from ... import assessment
    except ImportError:
        return None
    return assessment


def _scale(module) -> list[tuple[int, str]]:
    """The answer scale (1-9), with the module's words on the anchors."""
    labels = getattr(module, "SCALE_LABELS", {})
    return [(value, labels.get(value, "")) for value in range(module.SCALE_MIN, module.SCALE_MAX + 1)]


@router.get("/r/{rid}/assessment")
def assessment_page(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    module = _assessment()
    if module is None:
        return render(request, "assessment.html", {"available": False}, space=space)
    latest = _latest(db, rid, user.id, "assessment")
    data = {
        "available": True, "question": module.QUESTION,
        "items": [{"id": item.id, "text": item.text} for item in module.ITEMS], "scale": _scale(module),
        "answers": latest.data.get("answers") if latest else {}, "result": latest.data.get("result") if latest else None,
        "consent": bool(latest and latest.consent_compare), "comparison": _comparison(db, space, user, module),
        "partners": partner_choices(latest, user.id, space.partners()),
    }
    return render(request, "assessment.html", data, space=space)


def _comparison(db: Session, space: Space, user: User, module) -> dict[str, Any] | None:
    """Scores (never answers) side by side with every other partner, pair by pair, where both chose each other.

    Nothing until this partner agreed to compare with someone; ``waiting`` until at least one pair
    is agreed. ``waiting_for`` names the partners this person chose who have not (yet) answered and
    chosen them; ``not_chosen`` the partners this person has not ticked (a newcomer, say). The first
    comparison's fields are also at the top level (with two partners, the only one).
    """
    partners = space.partners()
    mine = _latest(db, space.id, user.id, "assessment")
    mine_with = chosen(mine, partners)
    others = [p for p in partners if p.user_id != user.id]
    if mine is None or not mine.consent_compare or (others and not mine_with):
        return None
    me = space.member.display_name
    comparisons, waiting_for, not_chosen = [], [], []
    for partner in others:
        if partner.user_id not in mine_with:
            not_chosen.append(partner.display_name)
            continue
        theirs = _latest(db, space.id, partner.user_id, "assessment")
        if user.id not in chosen(theirs, partners):
            waiting_for.append(partner.display_name)
            continue
        names = (me, partner.display_name if partner.display_name != me else f"{partner.display_name} (2)")
        result = module.compare(mine.data["answers"], theirs.data["answers"], a_consents=True, b_consents=True, names=names)
        comparisons.append({"partner": partner.display_name, **result.to_json()})
    if not comparisons:
        if len(partners) <= 2:
            return {"waiting": True}
        return {"waiting": True, "waiting_for": waiting_for, "not_chosen": not_chosen}
    return {"waiting": False, **comparisons[0], "comparisons": comparisons, "waiting_for": waiting_for, "not_chosen": not_chosen}


@router.post("/r/{rid}/assessment")
async def save_assessment(rid: int, request: Request) -> Response:
    received = await request.form()
    form = {**dict(received), "compare_with": [str(v) for v in received.getlist("compare_with")]}
    return await _run_sync(request, lambda db, user: _store_assessment(request, db, user, rid, form))


def _store_assessment(request: Request, db: Session, user: User, rid: int, form: dict[str, Any]) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    module = _assessment()
    if module is None:
        raise HTTPException(503, "The self-assessment is not part of this version of cyclemap.")
    answers: dict[str, int] = {}
    for item in module.ITEMS:
        raw = form.get(item.id)
        if raw in (None, ""):
            continue
        if not str(raw).isdigit() or not module.SCALE_MIN <= int(raw) <= module.SCALE_MAX:
            raise HTTPException(400, "An answer is not one of the choices. Nothing was saved.")
        answers[item.id] = int(raw)
    if not answers:
        raise HTTPException(400, "Answer at least one statement. Nothing was saved.")
    try:
        result = module.score(answers).to_json()
    except CyclemapError as error:
        raise HTTPException(400, f"{error}. Nothing was saved.") from None
    # Each partner is chosen by name; a plain tick means the partners in the space now, never later ones.
    ticked = form.get("consent") in ("on", "true", "1", "yes")
    choice = choice_from_form(ticked, form.get("compare_with") or [], user.id, space.partners())
    data: dict[str, Any] = {"answers": answers, "result": result}
    if choice is not None:
        data["compare_with"] = choice
    consent = agreed(ticked, choice)
    db.add(PrivateEntry(relationship_id=rid, user_id=user.id, kind="assessment", consent_compare=consent, data=data))
    db.commit()
    return done(request, f"/r/{rid}/assessment", {"result": result, "consent": consent})


# -- private notes -----------------------------------------------------------------

@router.get("/r/{rid}/notes")
def notes_page(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    rows = db.scalars(select(PrivateEntry).where(
        PrivateEntry.relationship_id == rid, PrivateEntry.user_id == user.id, PrivateEntry.kind == "note",
    ).order_by(PrivateEntry.id.desc())).all()
    notes = [{"text": r.data.get("text", ""), "date": r.created_at.date().isoformat()} for r in rows]
    return render(request, "notes.html", {"notes": notes}, space=space)


@router.post("/r/{rid}/notes")
def add_note(rid: int, request: Request, text: str = Form(...), db: Session = Depends(get_db),
             user: User = Depends(signed_in)) -> Response:
    member_of(db, user, rid, partner_only=True)
    text = clean_text(text, NOTE_LIMIT, "note")
    if not text:
        raise HTTPException(400, "The note is empty. Nothing was saved.")
    db.add(PrivateEntry(relationship_id=rid, user_id=user.id, kind="note", data={"text": text}))
    db.commit()
    return done(request, f"/r/{rid}/notes", {"ok": True})


async def _run_sync(request: Request, work) -> Response:
    """Database work for the handlers that read a free-form form (async), off the event loop."""
    from starlette.concurrency import run_in_threadpool

    from ..auth import SESSION_COOKIE, session_user
    from ..deps import LoginNeeded, current_view

    def run() -> Response:
        with request.app.state.web.sessions() as db:
            current_view(request, db)
            user = session_user(db, request.cookies.get(SESSION_COOKIE))
            if user is None:
                raise LoginNeeded()
            return work(db, user)

    return await run_in_threadpool(run)
