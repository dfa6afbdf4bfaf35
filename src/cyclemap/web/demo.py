"""``cyclemap serve --demo``: a space with the bundled sample already imported.

Two sample partners, Riley and Jordan (the names in the sample chat); the browser
opens signed in as Riley through a one-time link. The demo lives in its own
database (``demo.sqlite3`` in the data folder), apart from a couple's real one.
"""

from __future__ import annotations

import secrets
import shutil
from importlib import resources

from fastapi import FastAPI
from sqlalchemy import func, select

from .auth import hash_password, new_token, token_hash
from .models import ImportJob, Member, Relationship, Setting, User

SAMPLE = "WhatsApp Chat with Jordan.txt"
LOGIN_KEY = "demo_login"


def prepare_demo(app: FastAPI) -> tuple[str, dict[str, str]]:
    """Make the demo space on first start; a one-time sign-in path, and the accounts made now."""
    state = app.state.web
    made: dict[str, str] = {}
    with state.sessions() as db:
        if db.scalar(select(func.count(User.id))) == 0:
            for name in ("riley", "jordan"):
                made[name] = secrets.token_urlsafe(9)
                db.add(User(username=name, password_hash=hash_password(made[name]), is_owner=name == "riley"))
            db.flush()
            users = {u.username: u for u in db.scalars(select(User))}
            space = Relationship(name="Riley and Jordan (sample)")
            db.add(space)
            db.flush()
            for name in ("riley", "jordan"):
                db.add(Member(relationship_id=space.id, user_id=users[name].id, role="partner", display_name=name.title()))
            sample = resources.files("cyclemap") / "samples" / SAMPLE
            copy = state.uploads / new_token() / SAMPLE
            copy.parent.mkdir(mode=0o700)
            with resources.as_file(sample) as path:
                shutil.copyfile(path, copy)
            import hashlib

            job = ImportJob(relationship_id=space.id, uploaded_by=users["riley"].id, filename=SAMPLE,
                            sha256=hashlib.sha256(copy.read_bytes()).hexdigest(), size=copy.stat().st_size)
            db.add(job)
            db.commit()
            job_id, folder = job.id, copy.parent
            state.runner.run(job_id, copy)  # before the browser opens: the report is there at once
            shutil.rmtree(folder, ignore_errors=True)
        token = new_token()
        row = db.get(Setting, LOGIN_KEY) or Setting(key=LOGIN_KEY, value="")
        row.value = token_hash(token)
        db.add(row)
        db.commit()
        space_id = db.scalar(select(Relationship.id).order_by(Relationship.id))
    return f"/demo-login/{token}?next=/r/{space_id}/report", made


def use_demo_login(db, token: str) -> User | None:
    """The demo's owner, once, for the link the browser opened; None for any other token."""
    row = db.get(Setting, LOGIN_KEY)
    if row is None or not row.value or not secrets.compare_digest(row.value, token_hash(token)):
        return None
    row.value = ""  # one time only
    db.commit()
    return db.scalars(select(User).where(User.is_owner.is_(True))).first()


__all__ = ["prepare_demo", "use_demo_login"]
