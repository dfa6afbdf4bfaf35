"""Privacy walls of the web app: every relationship route refuses another account; each
partner's private answers stay theirs; a therapist sees only what the couple shared."""

from __future__ import annotations

import json

import pytest

from tests.web_support import (  # noqa: F401 - fixtures
    SHORT_CHAT, Couple, Person, all_routes, app, couple, db_url, home, import_chat, postgres,
)

#: Routes no relationship owns (sign-in, first start, one's own account, invitations by token).
PUBLIC = {"/", "/setup", "/login", "/logout", "/relationships", "/me/export", "/account/password", "/report.css", "/favicon.ico",
          "/join/{token}", "/demo-login/{token}"}
#: Pages a therapist may open once the couple shares the area.
SHAREABLE_PAGES = {"/r/{rid}": None, "/r/{rid}/report": "report", "/r/{rid}/imports/{iid}": "report",
                   "/r/{rid}/cycle-map": "cycle_map", "/r/{rid}/practice": "practice", "/r/{rid}/trends": "trends"}


def _call(person: Person, method: str, path: str):
    if path.endswith("/import") and method == "POST":
        return person.client.post(path, content=SHORT_CHAT.read_bytes(),
                                  headers={"X-CSRF-Token": person.token(), "Content-Type": "application/octet-stream"})
    if method == "GET":
        return person.get(path)
    return person.post(path, {"choice": "neutral", "text": "x", "kind": "caught", "draft": "hi", "confirm": "Sam and Alex",
                              "role": "partner", "moves": "x"})


def _walk(couple: Couple, iid: int) -> list[tuple[str, str, str]]:
    routes = [(m, p) for m, p in all_routes(couple.app) if p not in PUBLIC and not p.startswith("/static")]
    assert len(routes) >= 20, routes  # the walk must see the whole app
    return [(m, p, p.replace("{rid}", str(couple.rid)).replace("{iid}", str(iid)).replace("{position}", "1")) for m, p in routes]


def test_every_route_refuses_another_account(couple: Couple) -> None:
    iid = import_chat(couple.sam, couple.rid, SHORT_CHAT)
    secret = "we argued about the holiday money"
    couple.sam.post(f"/r/{couple.rid}/notes", {"text": secret})
    walked = _walk(couple, iid)
    for method, pattern, path in walked:
        response = _call(couple.casey, method, path)
        assert response.status_code in (403, 404), (method, pattern, response.status_code)
        assert "Sam and Alex" not in response.text and secret not in response.text, (method, pattern)
    signed_out = Person(couple.app)
    for method, pattern, path in walked:
        response = _call(signed_out, method, path)
        assert response.status_code in (401, 403) or response.url.path == "/login", (method, pattern)
    # Nothing the stranger tried changed anything.
    assert couple.sam.json(f"/r/{couple.rid}")["name"] == "Sam and Alex"
    assert [n["text"] for n in couple.sam.json(f"/r/{couple.rid}/notes")["notes"]] == [secret]


def test_therapist_sees_only_what_was_shared(couple: Couple) -> None:
    iid = import_chat(couple.sam, couple.rid, SHORT_CHAT)
    couple.sam.post(f"/r/{couple.rid}/practice", {"kind": "caught", "note": "our private practice note"})
    walked = _walk(couple, iid)
    for method, pattern, path in walked:
        if method == "GET" and pattern == "/r/{rid}":
            continue  # the space's front page: names and roles only
        response = _call(couple.lee, method, path)
        assert response.status_code == 403, (method, pattern, response.status_code)
        assert "our private practice note" not in response.text
    assert couple.lee.json(f"/r/{couple.rid}")["imports"] == []
    couple.alex.post(f"/r/{couple.rid}/shares", {"report": "on", "practice": "on"})
    assert couple.lee.get(f"/r/{couple.rid}/report").status_code == 403  # shown only once both partners agree
    couple.sam.post(f"/r/{couple.rid}/shares", {"report": "on", "practice": "on"})
    for method, pattern, path in walked:
        response = _call(couple.lee, method, path)
        area = SHAREABLE_PAGES.get(pattern, "private")
        if method == "GET" and area in (None, "report", "practice"):
            assert response.status_code == 200, pattern
        else:
            assert response.status_code == 403, (method, pattern, response.status_code)
    assert "our private practice note" in couple.lee.get(f"/r/{couple.rid}/practice").text
    assert "Riley" not in couple.lee.get(f"/r/{couple.rid}/report").text  # the short sample is Sam and Alex's
    assert "Alex" in couple.lee.get(f"/r/{couple.rid}/report").text


def test_partner_never_sees_the_other_partners_private_answers(couple: Couple) -> None:
    rid = couple.rid
    note = "I feel lonely when the phone comes out at dinner"
    couple.sam.post(f"/r/{rid}/notes", {"text": note})
    couple.sam.post(f"/r/{rid}/safety-check", {"watched": "yes", "afraid": "no"})
    couple.sam.post(f"/r/{rid}/cycle-map", {"fear": "that I am too much for you"})  # not agreed
    assert "Please read this first" in couple.sam.get(f"/r/{rid}/check").text  # Sam's own answers govern Sam's pages
    pages = ["", "/notes", "/safety-check", "/cycle-map", "/check", "/practice", "/trends", "/report", "/assessment"]
    for page in pages:
        for view in (couple.alex.get(f"/r/{rid}{page}").text, json.dumps(couple.alex.json(f"/r/{rid}{page}"))):
            assert note not in view and "too much for you" not in view, page
            assert "Some of your answers" not in view, page
            assert "Please read this first" not in view, page  # Sam's answers do not even show as a banner
    assert couple.alex.json(f"/r/{rid}/safety-check")["result"] is None
    mine = couple.sam.json(f"/r/{rid}/safety-check")["result"]
    assert mine["concern"] and mine["areas"] == ["control"]


def test_export_holds_ones_own_data_and_forget_deletes_the_space(couple: Couple) -> None:
    rid = couple.rid
    couple.sam.post(f"/r/{rid}/notes", {"text": "sam's own note"})
    couple.alex.post(f"/r/{rid}/notes", {"text": "alex's own note"})
    exported = couple.sam.client.get("/me/export").json()
    text = json.dumps(exported)
    assert exported["user"] == "sam" and "sam's own note" in text and "alex's own note" not in text
    refused = couple.alex.post(f"/r/{rid}/forget", {"confirm": "not the name"})
    assert refused.status_code == 400 and "Nothing was deleted" in refused.text
    assert couple.alex.post(f"/r/{rid}/forget", {"confirm": "Sam and Alex"}).status_code == 200
    assert couple.sam.get(f"/r/{rid}").status_code == 404
    assert "alex's own note" not in json.dumps(couple.alex.client.get("/me/export").json())


def test_the_privacy_registry_forgets_and_exports_the_app_database(home) -> None:
    stores = pytest.importorskip("cyclemap.privacy.stores")
    from cyclemap.web.db import default_url

    from tests.web_support import make_app

    app = make_app(default_url())
    try:
        couple = Couple(app)
        couple.sam.post(f"/r/{couple.rid}/notes", {"text": "kept in the app database"})
        names = [s.name for s in stores.stores()]
        assert "web-app" in names
        exported = stores.export("sam")
        assert "kept in the app database" in json.dumps(exported["stores"]["web-app"])
        counts = stores.forget(relationship="Sam and Alex")
        assert counts["web-app"] > 0
        assert couple.sam.get(f"/r/{couple.rid}").status_code == 404
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()


def test_assessment_scores_are_compared_only_when_both_agree(couple: Couple) -> None:
    assessment = pytest.importorskip("cyclemap.assessment")
    url = f"/r/{couple.rid}/assessment"
    sam_answers = {item.id: (9 if item.scale in ("sp", "pw") and not item.reverse else 1) for item in assessment.ITEMS}
    alex_answers = {item.id: 5 for item in assessment.ITEMS}
    couple.sam.post(url, {**{k: str(v) for k, v in sam_answers.items()}, "consent": "on"})
    couple.alex.post(url, {k: str(v) for k, v in alex_answers.items()})  # Alex does not agree (yet)
    sam_view = couple.sam.json(url)
    assert sam_view["result"]["scores"]["self_pursue_partner_withdraw"] == 9.0
    assert sam_view["comparison"] == {"waiting": True}
    alex_view = couple.alex.json(url)
    assert alex_view["answers"] == alex_answers and alex_view["comparison"] is None
    assert "9.0" not in json.dumps(alex_view)  # none of Sam's scores
    couple.alex.post(url, {**{k: str(v) for k, v in alex_answers.items()}, "consent": "on"})
    both = couple.alex.json(url)["comparison"]
    assert both["waiting"] is False and both["scores"]["Sam"]["self_pursue_partner_withdraw"] == 9.0
    assert "answers" not in both  # scores side by side, never the answers behind them
    assert couple.sam.json(url)["answers"] == sam_answers
    bad = couple.sam.post(url, {"sp1": "12"})
    assert bad.status_code == 400 and "Nothing was saved" in bad.text


def test_an_encrypted_data_folder_seals_messages_and_answers_in_the_database(home, monkeypatch) -> None:
    pytest.importorskip("cryptography")
    import sqlite3

    from tests.web_support import make_app

    monkeypatch.setenv("CYCLEMAP_PASSPHRASE", "three words here")
    database = home.parent / "sealed.sqlite3"
    app = make_app(f"sqlite:///{database}")
    try:
        couple = Couple(app)
        import_chat(couple.sam, couple.rid, SHORT_CHAT)
        couple.sam.post(f"/r/{couple.rid}/notes", {"text": "a note sealed at rest"})
        couple.sam.post(f"/r/{couple.rid}/practice", {"kind": "caught", "note": "practice sealed too"})
        assert "a note sealed at rest" in couple.sam.get(f"/r/{couple.rid}/notes").text  # read back through the vault
        assert couple.sam.json(f"/r/{couple.rid}/report")["analysis"]["participants"] == ["Sam", "Alex"]
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()
    raw = b"".join(path.read_bytes() for path in home.parent.glob("sealed.sqlite3*"))
    first_message = SHORT_CHAT.read_text(encoding="utf-8").splitlines()[1].split(": ", 1)[1][:20]
    for secret in (b"a note sealed at rest", b"practice sealed too", first_message.encode()):
        assert secret not in raw, secret
    with sqlite3.connect(database) as connection:  # the plain columns are still there: names, dates, moves
        assert connection.execute("select count(*) from turns").fetchone()[0] > 0
