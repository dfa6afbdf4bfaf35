"""Web app, on SQLite and PostgreSQL: what the therapist sees changes only when every partner
agrees (withdrawal by any one at once); changing one's password; the assessment compared
pair by pair in a space of three partners."""

from __future__ import annotations

import json

import pytest

from tests.web_support import (  # noqa: F401 - fixtures
    PASSWORD, SHORT_CHAT, Couple, Person, app, couple, db_url, home, import_chat, invite, join, postgres,
)


def _lee_sees(couple: Couple, page: str) -> int:
    return couple.lee.get(f"/r/{couple.rid}{page}").status_code


def test_sharing_waits_for_every_partner_and_any_one_can_withdraw_it(couple: Couple) -> None:
    rid = couple.rid
    import_chat(couple.sam, rid, SHORT_CHAT)
    asked = couple.sam.post(f"/r/{rid}/shares", {"report": "on"}, headers={"Accept": "application/json"}).json()
    assert asked["shared_with_therapist"]["report"] is False
    assert asked["sharing"]["report"] == {"shared": False, "you": True, "waiting_for": ["Alex"]}
    assert _lee_sees(couple, "/report") == 403  # Sam alone cannot show it
    assert "waiting for Alex to agree" in couple.sam.get(f"/r/{rid}").text
    assert "asked for by another partner" in couple.alex.get(f"/r/{rid}").text
    # Alex alone cannot share what Sam did not ask for either.
    couple.alex.post(f"/r/{rid}/shares", {"report": "on", "trends": "on"})
    assert _lee_sees(couple, "/report") == 200 and "Alex" in couple.lee.get(f"/r/{rid}/report").text
    assert _lee_sees(couple, "/trends") == 403
    # Withdrawal by either partner hides it at once, whatever the other chose.
    couple.alex.post(f"/r/{rid}/shares", {"trends": "on"})
    assert _lee_sees(couple, "/report") == 403
    assert couple.sam.json(f"/r/{rid}")["sharing"]["report"] == {"shared": False, "you": True, "waiting_for": ["Alex"]}


def test_a_partner_who_joins_later_must_agree_too(couple: Couple) -> None:
    rid = couple.rid
    for partner in (couple.sam, couple.alex):
        partner.post(f"/r/{rid}/shares", {"practice": "on"})
    assert _lee_sees(couple, "/practice") == 200
    kai = join(couple.app, invite(couple.sam, rid), "kai", "Kai")
    assert _lee_sees(couple, "/practice") == 403  # Kai has agreed to nothing yet
    kai.post(f"/r/{rid}/shares", {"practice": "on"})
    assert _lee_sees(couple, "/practice") == 200


def test_one_partner_alone_cannot_share_before_the_other_has_joined(app) -> None:
    # Sam imports a chat that holds the invited partner's messages; until that partner joins and agrees,
    # the therapist sees nothing of it, whatever Sam ticks.
    sam = Person(app)
    sam.get("/setup")
    sam.post("/setup", {"username": "sam", "password": PASSWORD, "password2": PASSWORD})
    rid = sam.post("/relationships", {"name": "Sam and Alex", "display_name": "Sam"}, headers={"Accept": "application/json"}).json()["id"]
    lee = join(app, invite(sam, rid, "therapist"), "drlee", "Dr Lee")
    import_chat(sam, rid, SHORT_CHAT)
    invite(sam, rid)  # Alex is invited, not yet joined
    sam.post(f"/r/{rid}/shares", {"report": "on"})
    assert lee.get(f"/r/{rid}/report").status_code == 403
    alex = join(app, invite(sam, rid), "alex", "Alex")
    alex.post(f"/r/{rid}/shares", {"report": "on"})
    assert lee.get(f"/r/{rid}/report").status_code == 200


def test_a_therapist_cannot_change_what_is_shared(couple: Couple) -> None:
    response = couple.lee.post(f"/r/{couple.rid}/shares", {"report": "on"})
    assert response.status_code == 403
    assert couple.sam.json(f"/r/{couple.rid}")["shared_with_therapist"]["report"] is False


def test_export_says_what_one_agreed_to_share_and_forget_removes_it(couple: Couple) -> None:
    couple.sam.post(f"/r/{couple.rid}/shares", {"trends": "on"})
    spaces = couple.sam.client.get("/me/export").json()["spaces"]
    assert next(s for s in spaces if s["relationship"] == "Sam and Alex")["agreed_to_share"] == ["trends"]
    assert couple.alex.post(f"/r/{couple.rid}/forget", {"confirm": "Sam and Alex"}).status_code == 200
    assert all(s["relationship"] != "Sam and Alex" for s in couple.sam.client.get("/me/export").json()["spaces"])


def test_changing_the_password_needs_the_current_one_and_signs_out_other_browsers(couple: Couple) -> None:
    elsewhere = Person(couple.app)
    elsewhere.sign_in("alex")
    assert elsewhere.get("/").url.path == "/"
    page = couple.alex.get("/account/password")
    assert page.status_code == 200 and "Current password" in page.text
    wrong = couple.alex.post("/account/password", {"current": "not my password", "password": "a new password", "password2": "a new password"})
    assert wrong.status_code == 400 and "Nothing was changed" in wrong.text
    short = couple.alex.post("/account/password", {"current": PASSWORD, "password": "short", "password2": "short"})
    assert short.status_code == 400 and "at least" in short.text
    differ = couple.alex.post("/account/password", {"current": PASSWORD, "password": "a new password", "password2": "another one!"})
    assert differ.status_code == 400 and "differ" in differ.text
    assert elsewhere.get("/").url.path == "/"  # nothing changed yet
    forged = couple.alex.client.post("/account/password", data={"current": PASSWORD, "password": "hijacked pw", "password2": "hijacked pw"})
    assert forged.status_code == 403  # no CSRF token
    changed = couple.alex.post("/account/password", {"current": PASSWORD, "password": "a new password", "password2": "a new password"},
                               headers={"Accept": "application/json"})
    assert changed.status_code == 200 and changed.json()["other_sessions_ended"] == 1
    assert couple.alex.get("/").url.path == "/"  # this browser stays signed in
    assert elsewhere.get("/").url.path == "/login"  # the other one is signed out
    again = Person(couple.app)
    assert again.post("/login", {"username": "alex", "password": PASSWORD}).status_code == 401
    again.sign_in("alex", "a new password")


def test_the_new_password_is_stored_as_an_argon2_hash(couple: Couple) -> None:
    couple.sam.post("/account/password", {"current": PASSWORD, "password": "a new password", "password2": "a new password"})
    from sqlalchemy import select

    from cyclemap.web.models import User

    with couple.app.state.web.sessions() as db:
        stored = db.scalars(select(User.password_hash).where(User.username == "sam")).one()
    assert stored.startswith("$argon2id$") and "a new password" not in stored


def test_three_partners_compare_pair_by_pair_with_whoever_agreed(couple: Couple) -> None:
    assessment = pytest.importorskip("cyclemap.assessment")
    rid = couple.rid
    kai = join(couple.app, invite(couple.sam, rid), "kai", "Kai")
    url = f"/r/{rid}/assessment"

    def answer(person: Person, value: int, consent: bool) -> None:
        form = {item.id: str(value) for item in assessment.ITEMS}
        person.post(url, {**form, "consent": "on"} if consent else form)

    answer(couple.sam, 8, True)
    answer(couple.alex, 3, False)
    answer(kai, 5, True)
    sam = couple.sam.json(url)["comparison"]
    assert sam["waiting"] is False and [c["partner"] for c in sam["comparisons"]] == ["Kai"]
    assert sam["waiting_for"] == ["Alex"] and "Alex" not in json.dumps(sam["comparisons"])  # none of Alex's scores
    assert "Side by side with Kai" in couple.sam.get(url).text and "Not compared yet with Alex" in couple.sam.get(url).text
    answer(couple.alex, 3, True)
    sam = couple.sam.json(url)["comparison"]
    assert [c["partner"] for c in sam["comparisons"]] == ["Alex", "Kai"] and sam["waiting_for"] == []
    kai_view = kai.json(url)["comparison"]
    assert [c["partner"] for c in kai_view["comparisons"]] == ["Sam", "Alex"]
    assert all("answers" not in c for c in kai_view["comparisons"])  # scores side by side, never the answers
