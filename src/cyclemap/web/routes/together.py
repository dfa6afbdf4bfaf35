"""What a couple does together: the cycle map, the practice log, the trends."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import Space, member_of
from ..deps import get_db, signed_in
from ..models import CycleMapEntry, ImportJob, PracticeEntry, User, now
from ..pages import render
from .common import clean_text, done

router = APIRouter()

#: Each partner's side of the map; the questions are offered, never stated as facts.
MAP_FIELDS = {
    "moves": "What do I do when it gets tense between us?",
    "feel": "What might I feel underneath, that the other may not see?",
    "fear": "What might I be afraid of in that moment?",
    "need": "What do I long for from the other then?",
}
PROMPTS = {
    "pursuer": [
        "Could it be that pressing harder comes from a fear of not mattering to the other?",
        "Is there a fear of drifting apart behind the questions and the complaints?",
    ],
    "withdrawer": [
        "Could going quiet be a way to keep things from getting worse?",
        "Is there a fear of failing, of never getting it right, behind the silence?",
    ],
}
PRACTICE_KINDS = {"caught": "We caught it: we saw our cycle starting and named it", "repaired": "We repaired: we came back to each other after it"}
FIELD_LIMIT = 2000


def _map_data(db: Session, space: Space, user: User) -> dict[str, Any]:
    entries = {e.user_id: e for e in db.scalars(select(CycleMapEntry).where(CycleMapEntry.relationship_id == space.id))}
    partners = space.partners()
    together = len(partners) >= 2 and all(p.user_id in entries and entries[p.user_id].agreed for p in partners)
    sides = []
    for partner in partners:
        entry = entries.get(partner.user_id)
        mine = partner.user_id == user.id
        visible = mine or together  # another partner's side only once everyone agreed
        sides.append({
            "name": partner.display_name, "mine": mine, "agreed": bool(entry and entry.agreed),
            "written": entry is not None, "answers": (entry.data if entry else {}) if visible else None,
        })
    return {"together": together, "sides": sides, "fields": MAP_FIELDS, "prompts": PROMPTS}


@router.get("/r/{rid}/cycle-map")
def cycle_map(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, area="cycle_map")
    data = _map_data(db, space, user)
    if not space.is_partner and not data["together"]:
        raise HTTPException(403, "The partners have not finished and agreed to their cycle map yet.")
    if space.flagged:
        data = {"safety_flagged": True, "sides": [s for s in data["sides"] if s["mine"]], "together": False}
    return render(request, "cycle_map.html", data, space=space)


@router.post("/r/{rid}/cycle-map")
def save_cycle_map(
    rid: int, request: Request, moves: str = Form(""), feel: str = Form(""), fear: str = Form(""), need: str = Form(""),
    agreed: str | None = Form(None), db: Session = Depends(get_db), user: User = Depends(signed_in),
) -> Response:
    member_of(db, user, rid, partner_only=True)
    answers = {key: clean_text(value, FIELD_LIMIT, "answer") for key, value in
               {"moves": moves, "feel": feel, "fear": fear, "need": need}.items()}
    entry = db.get(CycleMapEntry, (rid, user.id)) or CycleMapEntry(relationship_id=rid, user_id=user.id, data={})
    entry.data, entry.agreed, entry.updated_at = answers, agreed in ("on", "true", "1", "yes"), now()
    db.add(entry)
    db.commit()
    return done(request, f"/r/{rid}/cycle-map", {"ok": True, "agreed": entry.agreed})


def _practice(db: Session, space: Space) -> list[dict[str, Any]]:
    names = {m.user_id: m.display_name for m in space.members}
    rows = db.scalars(select(PracticeEntry).where(PracticeEntry.relationship_id == space.id)
                      .order_by(PracticeEntry.happened_on.desc(), PracticeEntry.id.desc())).all()
    return [{"kind": r.kind, "note": r.note, "date": r.happened_on.isoformat(), "by": names.get(r.user_id, "someone")} for r in rows]


@router.get("/r/{rid}/practice")
def practice(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, area="practice")
    data = {"entries": _practice(db, space), "kinds": PRACTICE_KINDS, "today": date.today().isoformat(),
            "safety_flagged": space.flagged}
    return render(request, "practice.html", data, space=space)


@router.post("/r/{rid}/practice")
def add_practice(
    rid: int, request: Request, kind: str = Form(...), note: str = Form(""), happened_on: str = Form(""),
    db: Session = Depends(get_db), user: User = Depends(signed_in),
) -> Response:
    member_of(db, user, rid, partner_only=True)
    if kind not in PRACTICE_KINDS:
        raise HTTPException(400, "Choose 'we caught it' or 'we repaired'. Nothing was saved.")
    try:
        when = date.fromisoformat(happened_on) if happened_on else date.today()
    except ValueError:
        raise HTTPException(400, "The date is not a date (YYYY-MM-DD). Nothing was saved.") from None
    db.add(PracticeEntry(relationship_id=rid, user_id=user.id, kind=kind, note=clean_text(note, FIELD_LIMIT, "note"), happened_on=when))
    db.commit()
    return done(request, f"/r/{rid}/practice", {"ok": True})


@router.get("/r/{rid}/trends")
def trends(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, area="trends")
    jobs = db.scalars(select(ImportJob).where(ImportJob.relationship_id == rid, ImportJob.status == "done").order_by(ImportJob.id)).all()
    chats = []
    cache = request.app.state.web.documents
    for job in jobs:
        trend = cache.rendered(job, "trends", lambda job=job: cache.document(db, job).get("trends") or {})
        chats.append({
            "file": job.filename, "unit": trend.get("unit"), "change": trend.get("change", {}).get("verdict"),
            "reason": trend.get("change", {}).get("reason"),
            "periods": [
                {"period": p.get("period"), "tension": round(p["overall"].get("pursue", 0) + p["overall"].get("withdraw", 0), 4),
                 "soften": p["overall"].get("soften", 0), "episodes": p.get("episodes"), "turns": p["overall"].get("turns")}
                for p in trend.get("periods", [])
            ],
        })
    practice_by_month: dict[str, dict[str, int]] = {}
    if space.is_partner or space.shared.get("practice"):
        for entry in db.scalars(select(PracticeEntry).where(PracticeEntry.relationship_id == rid)):
            month = practice_by_month.setdefault(f"{entry.happened_on:%Y-%m}", {"caught": 0, "repaired": 0})
            month[entry.kind] = month.get(entry.kind, 0) + 1
    data = {"chats": chats, "practice_by_month": dict(sorted(practice_by_month.items()))}
    return render(request, "trends.html", data, space=space)
