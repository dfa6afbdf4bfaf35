"""Accounts and spaces: first start, sign in and out, relationship spaces, invitations,
what a couple shares with a therapist, a person's own export, forgetting a space."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth import (
    MIN_PASSWORD, SESSION_COOKIE, end_session, find_user, hash_password, new_token, start_session,
    token_hash, verify_password,
)
from ..access import member_of
from ..deps import View, current_view, get_db, signed_in
from ..models import ROLES, SHAREABLE, ImportJob, Invitation, Member, Relationship, User
from ..pages import render
from ..sharing import recompute as recompute_shares
from ..sharing import set_agreement, sharing_state
from .common import USERNAME, attempt_keys, clean_text, done, keep_signed_in, safe_next

router = APIRouter()

AREA_NAMES = {
    "report": "the report and its statistics",
    "cycle_map": "the cycle map you wrote together",
    "practice": "the practice log",
    "trends": "the trends over time",
}


def _signed_in_response(request: Request, db: Session, user: User, url: str) -> Response:
    return keep_signed_in(done(request, url, {"ok": True, "user": user.username}), start_session(db, user))


def _new_account(db: Session, username: str, password: str, password2: str | None) -> User:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise HTTPException(400, "A user name is 2 to 40 letters, digits, dots, dashes or underscores.")
    if len(password) < MIN_PASSWORD:
        raise HTTPException(400, f"A password needs at least {MIN_PASSWORD} characters.")
    if password2 is not None and password2 != password:
        raise HTTPException(400, "The two passwords differ.")
    if find_user(db, username) is not None:
        raise HTTPException(400, "That user name is taken; choose another.")
    user = User(username=username, password_hash=hash_password(password))
    db.add(user)
    db.flush()
    return user


@router.get("/")
def home(request: Request, db: Session = Depends(get_db), view: View = Depends(current_view)) -> Response:
    if view.user is None:
        has_users = db.scalar(select(func.count(User.id))) > 0
        return RedirectResponse("/login" if has_users else "/setup", status_code=303)
    rows = db.execute(
        select(Relationship, Member).join(Member, Member.relationship_id == Relationship.id)
        .where(Member.user_id == view.user.id).order_by(Relationship.id)
    ).all()
    spaces = [{"id": r.id, "name": r.name, "role": m.role, "url": f"/r/{r.id}"} for r, m in rows]
    return render(request, "home.html", {"user": view.user.username, "relationships": spaces})


@router.get("/setup")
def setup_page(request: Request, db: Session = Depends(get_db), view: View = Depends(current_view)) -> Response:
    if db.scalar(select(func.count(User.id))) > 0:
        return RedirectResponse("/", status_code=303)
    return render(request, "setup.html", {"setup": True})


@router.post("/setup")
def setup(
    request: Request, username: str = Form(...), password: str = Form(...), password2: str = Form(...),
    db: Session = Depends(get_db),
) -> Response:
    if db.scalar(select(func.count(User.id))) > 0:
        raise HTTPException(403, "This app already has an owner; sign in instead.")
    user = _new_account(db, username, password, password2)
    user.is_owner = True
    db.commit()
    return _signed_in_response(request, db, user, "/")


@router.get("/login")
def login_page(request: Request, next: str = "/", view: View = Depends(current_view)) -> Response:
    return render(request, "login.html", {"next": safe_next(next)})


@router.post("/login")
def login(
    request: Request, username: str = Form(...), password: str = Form(...), next: str = Form("/"),
    db: Session = Depends(get_db), view: View = Depends(current_view),
) -> Response:
    limiter = request.app.state.web.limiter
    keys = attempt_keys(request, username)
    wait = limiter.wait_seconds(*keys)
    if wait:
        minutes = max(1, round(wait / 60))
        return render(request, "login.html", {"next": safe_next(next), "error": f"Too many attempts. Please wait about {minutes} minute(s) and try again."}, status=429)
    user = find_user(db, username)
    if user is None or not verify_password(user.password_hash, password):
        limiter.failed(*keys)
        return render(request, "login.html", {"next": safe_next(next), "error": "That user name and password do not match."}, status=401)
    limiter.succeeded(keys[0])
    return _signed_in_response(request, db, user, safe_next(next))


@router.post("/logout")
def logout(request: Request, db: Session = Depends(get_db)) -> Response:
    end_session(db, request.cookies.get(SESSION_COOKIE))
    response = done(request, "/login", {"ok": True})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/relationships")
def create_relationship(
    request: Request, name: str = Form(...), role: str = Form("partner"), display_name: str = Form(""),
    country: str = Form(""), db: Session = Depends(get_db), user: User = Depends(signed_in),
) -> Response:
    name = clean_text(name, 120, "name")
    if not name or role not in ROLES:
        raise HTTPException(400, "Give the space a name, and say whether you are a partner or the therapist.")
    relationship = Relationship(name=name, country=clean_text(country, 8, "country").upper() or None)
    db.add(relationship)
    db.flush()
    db.add(Member(relationship_id=relationship.id, user_id=user.id, role=role,
                  display_name=clean_text(display_name, 80, "name") or user.username))
    db.commit()
    return done(request, f"/r/{relationship.id}", {"id": relationship.id, "url": f"/r/{relationship.id}"})


def _overview(db: Session, space, user: User) -> dict:
    imports = db.scalars(select(ImportJob).where(ImportJob.relationship_id == space.id).order_by(ImportJob.id.desc())).all()
    return {
        "id": space.id,
        "name": space.relationship.name,
        "you": {"role": space.member.role, "name": space.member.display_name},
        "members": [{"name": m.display_name, "role": m.role} for m in space.members],
        "imports": [
            {"id": i.id, "file": i.filename, "status": i.status, "turns": i.total, "url": f"/r/{space.id}/imports/{i.id}"}
            for i in imports
        ] if (space.is_partner or space.shared.get("report")) else [],
        "shared_with_therapist": {area: bool(space.shared.get(area)) for area in SHAREABLE},
        "sharing": sharing_state(db, space.id, user.id) if space.is_partner else None,
        "safety_flagged": space.flagged,
    }


@router.get("/r/{rid}")
def overview(rid: int, request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid)
    return render(request, "overview.html", _overview(db, space, user), space=space, areas=AREA_NAMES, full_notice=True)


@router.post("/r/{rid}/invitations")
def invite(rid: int, request: Request, role: str = Form("partner"), db: Session = Depends(get_db),
           user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    if role not in ROLES:
        raise HTTPException(400, "An invitation is for a partner or a therapist.")
    token = new_token()
    db.add(Invitation(relationship_id=rid, token_hash=token_hash(token), role=role, created_by=user.id))
    db.commit()
    link = str(request.base_url).rstrip("/") + f"/join/{token}"
    data = _overview(db, space, user) | {"invitation": {"role": role, "link": link}}
    return render(request, "overview.html", data, space=space, areas=AREA_NAMES)


def _invitation(db: Session, token: str) -> Invitation:
    invitation = db.scalars(select(Invitation).where(Invitation.token_hash == token_hash(token))).first()
    if invitation is None or invitation.used_by is not None:
        raise HTTPException(404, "This invitation link is not valid, or it was used already. Ask for a new one.")
    return invitation


@router.get("/join/{token}")
def join_page(token: str, request: Request, db: Session = Depends(get_db), view: View = Depends(current_view)) -> Response:
    invitation = _invitation(db, token)
    relationship = db.get(Relationship, invitation.relationship_id)
    return render(request, "join.html", {"relationship": relationship.name, "role": invitation.role, "signed_in": view.user is not None},
                  token=token)


@router.post("/join/{token}")
def join(
    token: str, request: Request, display_name: str = Form(""), username: str = Form(""), password: str = Form(""),
    password2: str | None = Form(None), db: Session = Depends(get_db), view: View = Depends(current_view),
) -> Response:
    invitation = _invitation(db, token)
    user = view.user
    if user is None:
        user = _new_account(db, username, password, password2)
    if db.scalars(select(Member).where(Member.relationship_id == invitation.relationship_id, Member.user_id == user.id)).first():
        raise HTTPException(400, "You are already in this space.")
    db.add(Member(relationship_id=invitation.relationship_id, user_id=user.id, role=invitation.role,
                  display_name=clean_text(display_name, 80, "name") or user.username))
    invitation.used_by = user.id
    db.flush()
    recompute_shares(db, invitation.relationship_id)  # a new partner has agreed to nothing yet
    db.commit()
    url = f"/r/{invitation.relationship_id}"
    if view.user is None:
        return _signed_in_response(request, db, user, url)
    return done(request, url, {"ok": True, "url": url})


@router.post("/r/{rid}/shares")
def set_shares(
    rid: int, request: Request, report: str | None = Form(None), cycle_map: str | None = Form(None),
    practice: str | None = Form(None), trends: str | None = Form(None),
    db: Session = Depends(get_db), user: User = Depends(signed_in),
) -> Response:
    """This partner's agreement, area by area: an area is shown once every partner agreed, and hidden
    as soon as any one of them withdraws (:mod:`..sharing`)."""
    member_of(db, user, rid, partner_only=True)
    given = {"report": report, "cycle_map": cycle_map, "practice": practice, "trends": trends}
    chosen = {area for area, value in given.items() if value in ("on", "true", "1", "yes")}
    shared = set_agreement(db, rid, user.id, chosen)
    db.commit()
    return done(request, f"/r/{rid}", {"shared_with_therapist": shared, "sharing": sharing_state(db, rid, user.id)})


@router.get("/me/export")
def export_me(request: Request, db: Session = Depends(get_db), user: User = Depends(signed_in)) -> Response:
    """Everything stored about this person, as JSON (their own entries; shared spaces they are in)."""
    from ..privacy import export_user

    return JSONResponse(export_user(db, user.id), headers={"Content-Disposition": 'attachment; filename="cyclemap-my-data.json"'})


@router.post("/r/{rid}/forget")
def forget(rid: int, request: Request, confirm: str = Form(""), db: Session = Depends(get_db),
           user: User = Depends(signed_in)) -> Response:
    space = member_of(db, user, rid, partner_only=True)
    if confirm.strip() != space.relationship.name:
        raise HTTPException(400, "To delete everything stored about this space, type its name exactly. Nothing was deleted.")
    from ..privacy import forget_relationship_in

    forget_relationship_in(db, rid)
    return done(request, "/", {"ok": True, "deleted": rid})


@router.get("/demo-login/{token}")
def demo_login(token: str, request: Request, next: str = "/", db: Session = Depends(get_db),
               view: View = Depends(current_view)) -> Response:
    from ..demo import use_demo_login

    user = use_demo_login(db, token)
    if user is None:
        raise HTTPException(404, "This sign-in link was used already. Sign in with the demo account instead.")
    return _signed_in_response(request, db, user, safe_next(next))
