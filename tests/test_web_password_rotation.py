"""Web app, on SQLite and PostgreSQL: after a password change the browser that changed it stays
signed in under a fresh session token; the old token (a copied cookie) and every other browser
of that person are signed out, and other people's sessions are untouched."""

from __future__ import annotations

from tests.web_support import PASSWORD, Couple, Person, app, couple, db_url, home, postgres  # noqa: F401 - fixtures

NEW = "a new password"


def _with_cookie(app, token: str) -> Person:
    """A browser that carries someone's session cookie (as a copied cookie would)."""
    person = Person(app)
    person.client.cookies.set("cm_session", token)
    return person


def test_changing_the_password_replaces_this_browsers_session_token(couple: Couple) -> None:
    old = couple.alex.client.cookies.get("cm_session")
    assert old and _with_cookie(couple.app, old).get("/").url.path == "/"  # the copy works before the change
    changed = couple.alex.post("/account/password", {"current": PASSWORD, "password": NEW, "password2": NEW},
                               headers={"Accept": "application/json"})
    assert changed.status_code == 200
    fresh = couple.alex.client.cookies.get("cm_session")
    assert fresh and fresh != old
    set_cookie = changed.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "strict" in set_cookie.lower()
    # This browser stays signed in and can go on using forms with the new token it was given.
    assert couple.alex.get("/").url.path == "/"
    couple.alex.csrf = changed.json()["csrf"]
    saved = couple.alex.post(f"/r/{couple.rid}/notes", {"text": "still me"}, headers={"Accept": "application/json"})
    assert saved.status_code == 200
    # A copy of the old cookie opens nothing any more.
    assert _with_cookie(couple.app, old).get("/").url.path == "/login"
    assert _with_cookie(couple.app, old).get(f"/r/{couple.rid}/notes").url.path == "/login"


def test_every_other_session_of_that_person_ends_and_nobody_elses(couple: Couple) -> None:
    phone, laptop = Person(couple.app), Person(couple.app)
    phone.sign_in("alex")
    laptop.sign_in("alex")
    changed = couple.alex.post("/account/password", {"current": PASSWORD, "password": NEW, "password2": NEW},
                               headers={"Accept": "application/json"})
    assert changed.json()["other_sessions_ended"] == 2
    assert phone.get("/").url.path == "/login" and laptop.get("/").url.path == "/login"
    assert couple.sam.get("/").url.path == "/"  # Sam's own session is not Alex's to end
    assert couple.alex.get("/").url.path == "/"


def test_a_form_page_after_the_change_carries_a_working_token(couple: Couple) -> None:
    # The browser way: the form redirects home, and the next page's forms work under the new session.
    changed = couple.sam.post("/account/password", {"current": PASSWORD, "password": NEW, "password2": NEW},
                              follow_redirects=False)
    assert changed.status_code == 303 and changed.headers["location"] == "/"
    couple.sam.get(f"/r/{couple.rid}/notes")
    assert couple.sam.post(f"/r/{couple.rid}/notes", {"text": "a note"}).status_code == 200
    assert "a note" in couple.sam.get(f"/r/{couple.rid}/notes").text
