"""The web app as a couple uses it, on SQLite and on a real PostgreSQL: first start,
signing in, importing (with its bad inputs), the report, corrections, the pages
together, and that every page is also JSON."""

from __future__ import annotations

import re

from tests.web_support import (  # noqa: F401 - fixtures
    PASSWORD, SHORT_CHAT, Couple, Person, app, couple, db_url, home, import_chat, make_app, postgres,
)

TRACEBACK = re.compile(r"Traceback|File \"/|line \d+, in ")


def test_first_start_makes_the_owner_once(app) -> None:
    visitor = Person(app)
    assert visitor.get("/").url.path == "/setup"
    response = visitor.post("/setup", {"username": "Sam", "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200 and "Your spaces" in response.text
    late = Person(app)
    assert late.get("/").url.path == "/login"  # no second owner
    response = late.post("/setup", {"username": "eve", "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 403


def test_setup_refuses_a_short_password_and_stores_nothing(app) -> None:
    visitor = Person(app)
    response = visitor.post("/setup", {"username": "sam", "password": "short", "password2": "short"})
    assert response.status_code == 400 and "at least 8 characters" in response.text
    assert visitor.get("/").url.path == "/setup"


def test_sign_in_out_and_wrong_password(couple: Couple) -> None:
    person = Person(couple.app)
    response = person.post("/login", {"username": "alex", "password": "wrong password"})
    assert response.status_code == 401 and "do not match" in response.text
    person.sign_in("alex")
    assert "Sam and Alex" in person.get("/").text
    person.post("/logout")
    assert person.get(f"/r/{couple.rid}").url.path == "/login"


def test_login_attempts_are_limited(couple: Couple) -> None:
    person = Person(couple.app)
    for _ in range(5):
        assert person.post("/login", {"username": "alex", "password": "nope nope"}).status_code == 401
    response = person.post("/login", {"username": "alex", "password": PASSWORD})  # even the right one waits now
    assert response.status_code == 429 and "Too many attempts" in response.text


def test_import_to_report(couple: Couple, home) -> None:
    iid = import_chat(couple.sam, couple.rid)
    assert list((home / "uploads").iterdir()) == []  # only the messages are kept, not the file
    page = couple.sam.get(f"/r/{couple.rid}/report")
    assert page.status_code == 200
    assert "Riley" in page.text and "Jordan" in page.text
    assert "What cyclemap cannot see" in page.text
    data = couple.sam.json(f"/r/{couple.rid}/report?format=json")
    assert data["import"]["id"] == iid
    assert data["analysis"]["participants"] == ["Riley", "Jordan"]
    assert data["analysis"]["overall"]["pattern"] == "pursue-withdraw"


def test_duplicate_import_is_refused(couple: Couple) -> None:
    import_chat(couple.sam, couple.rid, SHORT_CHAT)
    again = couple.alex.upload(couple.rid, SHORT_CHAT)
    assert again.status_code == 409 and "imported already" in again.json()["error"]
    imports = couple.sam.json(f"/r/{couple.rid}")["imports"]
    assert len(imports) == 1


def test_wrong_file_type_is_refused_and_nothing_stored(couple: Couple, home) -> None:
    response = couple.sam.upload(couple.rid, content=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, name="holiday.png")
    assert response.status_code == 400
    assert "holiday.png" in response.json()["error"] and "Nothing was stored" in response.json()["error"]
    assert couple.sam.json(f"/r/{couple.rid}")["imports"] == []
    assert list((home / "uploads").iterdir()) == []  # the upload itself is gone too


def test_empty_file_is_refused(couple: Couple) -> None:
    response = couple.sam.upload(couple.rid, content=b"", name="chat.txt")
    assert response.status_code == 400 and "empty" in response.json()["error"]


def test_huge_upload_is_refused_before_anything_is_stored(db_url, home) -> None:
    app = make_app(db_url, upload_limit=1024)
    try:
        couple = Couple(app)
        response = couple.sam.upload(couple.rid, content=b"x" * 5000, name="chat.txt")
        assert response.status_code == 413 and "larger than" in response.json()["error"]
        assert couple.sam.json(f"/r/{couple.rid}")["imports"] == []
        assert list((home / "uploads").iterdir()) == []
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()


def test_a_correction_changes_the_figures(couple: Couple) -> None:
    iid = import_chat(couple.sam, couple.rid, SHORT_CHAT)
    page = couple.sam.json(f"/r/{couple.rid}/turns?import={iid}&move=neutral")
    turn = page["turns"][0]
    speaker = turn["speaker"]
    before = page["stats"]["moves"][speaker]
    response = couple.sam.post(f"/r/{couple.rid}/imports/{iid}/turns/{turn['position']}", {"choice": "pursue:criticize"},
                               headers={"Accept": "application/json"})
    assert response.status_code == 200
    after = response.json()["stats"]["moves"][speaker]
    assert after["pursue"] == before["pursue"] + 1 and after["neutral"] == before["neutral"] - 1
    report = couple.sam.json(f"/r/{couple.rid}/report")["analysis"]
    assert report["moves"][speaker]["pursue"] == after["pursue"]  # the report follows too
    assert report["source"]["corrections"] == 1
    # Choosing the model's own reading again undoes the correction.
    couple.sam.post(f"/r/{couple.rid}/imports/{iid}/turns/{turn['position']}", {"choice": "neutral"})
    assert couple.sam.json(f"/r/{couple.rid}/report")["analysis"]["moves"][speaker] == before


def test_a_correction_with_an_unknown_move_changes_nothing(couple: Couple) -> None:
    iid = import_chat(couple.sam, couple.rid, SHORT_CHAT)
    before = couple.sam.json(f"/r/{couple.rid}/report")["analysis"]["moves"]
    for choice in ("shout", "pursue", "neutral:criticize", "soften:criticize", ""):
        response = couple.sam.post(f"/r/{couple.rid}/imports/{iid}/turns/1", {"choice": choice})
        assert response.status_code == 400, choice
        assert not TRACEBACK.search(response.text)
    assert couple.sam.json(f"/r/{couple.rid}/report")["analysis"]["moves"] == before


def test_forged_requests_are_refused_and_change_nothing(couple: Couple) -> None:
    # No token, a token of another session, and a token in the wrong place.
    bare = couple.alex.client.post(f"/r/{couple.rid}/notes", data={"text": "forged"})
    assert bare.status_code == 403 and "did not come from this app" in bare.text
    stolen = couple.alex.client.post(f"/r/{couple.rid}/notes", data={"text": "forged", "csrf": couple.sam.token()})
    assert stolen.status_code == 403
    upload = couple.alex.client.post(f"/r/{couple.rid}/import", content=SHORT_CHAT.read_bytes(),
                                     headers={"Content-Type": "application/octet-stream"})
    assert upload.status_code == 403
    assert "forged" not in couple.alex.get(f"/r/{couple.rid}/notes").text
    assert couple.alex.json(f"/r/{couple.rid}")["imports"] == []


def test_cookies_are_httponly_and_samesite_strict(app) -> None:
    visitor = Person(app)
    response = visitor.post("/setup", {"username": "sam", "password": PASSWORD, "password2": PASSWORD}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "cm_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_every_page_is_also_json(couple: Couple) -> None:
    import_chat(couple.sam, couple.rid, SHORT_CHAT)
    for page in ("", "/report", "/turns", "/cycle-map", "/practice", "/trends", "/safety-check", "/notes", "/check", "/import", "/assessment"):
        html = couple.sam.get(f"/r/{couple.rid}{page}")
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html"), page
        data = couple.sam.json(f"/r/{couple.rid}{page}")
        assert isinstance(data, dict) and data, page


def test_cycle_map_side_by_side_only_when_both_agree(couple: Couple) -> None:
    url = f"/r/{couple.rid}/cycle-map"
    couple.sam.post(url, {"moves": "I send more messages", "fear": "that I do not matter to you", "agreed": "on"})
    couple.alex.post(url, {"moves": "I go quiet", "fear": "that I will make it worse"})
    alex_view = couple.alex.json(url)
    assert not alex_view["together"]
    assert "that I do not matter to you" not in couple.alex.get(url).text  # Alex has not agreed yet
    couple.alex.post(url, {"moves": "I go quiet", "fear": "that I will make it worse", "agreed": "on"})
    both = couple.alex.get(url).text
    assert "that I do not matter to you" in both and "that I will make it worse" in both


def test_practice_log_and_trends(couple: Couple) -> None:
    import_chat(couple.sam, couple.rid)
    couple.alex.post(f"/r/{couple.rid}/practice", {"kind": "caught", "note": "named it at dinner", "happened_on": "2025-03-02"})
    couple.sam.post(f"/r/{couple.rid}/practice", {"kind": "repaired", "happened_on": "2025-03-09"})
    log = couple.sam.json(f"/r/{couple.rid}/practice")["entries"]
    assert [e["kind"] for e in log] == ["repaired", "caught"] and log[1]["by"] == "Alex"
    trends = couple.sam.json(f"/r/{couple.rid}/trends")
    assert trends["practice_by_month"] == {"2025-03": {"caught": 1, "repaired": 1}}
    chat = trends["chats"][0]
    assert chat["unit"] == "week" and len(chat["periods"]) >= 10 and chat["change"]  # the sample spans 14 weeks
    assert "Over time" in couple.sam.get(f"/r/{couple.rid}/trends").text
    bad = couple.sam.post(f"/r/{couple.rid}/practice", {"kind": "caught", "happened_on": "yesterday-ish"})
    assert bad.status_code == 400 and "Nothing was saved" in bad.text
    assert len(couple.sam.json(f"/r/{couple.rid}/practice")["entries"]) == 2


def test_message_check_offers_softer_ways(couple: Couple) -> None:
    response = couple.sam.post(f"/r/{couple.rid}/check", {"draft": "you never help with the dishes"}, headers={"Accept": "application/json"})
    result = response.json()["result"]
    assert result["move"] == "pursue" and len(result["alternatives"]) >= 2
    page = couple.sam.post(f"/r/{couple.rid}/check", {"draft": "x" * 10_001})
    assert page.status_code == 400 and "too long" in page.text


def test_half_finished_forms_give_a_clear_message(couple: Couple) -> None:
    for path, data in [("/relationships", {}), (f"/r/{couple.rid}/practice", {}), (f"/r/{couple.rid}/notes", {}),
                       ("/login", {"username": "sam"}), (f"/r/{couple.rid}/invitations", {"role": "boss"})]:
        response = couple.sam.post(path, data)
        assert response.status_code in (400, 401), path
        assert not TRACEBACK.search(response.text), path
        assert "Nothing was saved" in response.text or "not valid" in response.text or "invitation" in response.text, path


def test_a_safety_flag_replaces_coaching_everywhere(couple: Couple, tmp_path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text(
        "01/03/2025, 20:00 - Sam: where were you\n"
        "01/03/2025, 20:01 - Alex: at Jo's\n"
        "01/03/2025, 20:02 - Sam: give me your phone. you're not allowed to see Jo again\n"
        "01/03/2025, 20:03 - Sam: if you go out again you'll regret it, I swear I'll hurt you\n"
        "01/03/2025, 20:04 - Alex: please don't hurt me, I'm scared of you\n"
        "01/03/2025, 20:05 - Sam: you'd be sorry if you left. show me your phone\n",
        encoding="utf-8",
    )
    import_chat(couple.sam, couple.rid, chat)
    assert couple.sam.json(f"/r/{couple.rid}/report")["analysis"]["safety"]["flagged"]
    for person in (couple.sam, couple.alex):
        page = person.get(f"/r/{couple.rid}/check").text
        assert "Please read this first" in page and "softer ways to say the same thing" not in page
        result = person.post(f"/r/{couple.rid}/check", {"draft": "you never listen to me"}, headers={"Accept": "application/json"}).json()
        assert result["result"]["alternatives"] == []
        assert "set aside" in person.get(f"/r/{couple.rid}/cycle-map").text
        assert "set aside" in person.get(f"/r/{couple.rid}/practice").text


def test_errors_never_show_a_traceback(couple: Couple) -> None:
    for path in ("/r/abc", "/r/999999", f"/r/{couple.rid}/imports/999", f"/r/{couple.rid}/report?import=999",
                 f"/r/{couple.rid}/turns?page=-1&import=x", "/join/not-a-token", "/nowhere", "/demo-login/nope"):
        response = couple.sam.get(path)
        assert response.status_code in (200, 400, 404, 422), path
        assert not TRACEBACK.search(response.text), path
        assert "<h1>" in response.text


def test_demo_opens_with_the_sample_imported(home) -> None:
    from cyclemap.web.demo import prepare_demo

    app = make_app(f"sqlite:///{home.parent / 'demo.sqlite3'}")
    try:
        path, accounts = prepare_demo(app)
        assert set(accounts) == {"riley", "jordan"}
        person = Person(app)
        page = person.get(path)
        assert page.url.path.endswith("/report") and "Riley" in page.text and "cycle map" in page.text.lower()
        assert person.get(path).status_code == 404  # the sign-in link works once
        again, made = prepare_demo(app)  # a second start keeps the demo, makes no new accounts
        assert made == {} and again != path
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()


def test_migrations_match_the_models(db_url) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cyclemap.web.db import make_engine, migrate
    from cyclemap.web.models import Base

    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)  # a second start changes nothing
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_one_partners_typos_do_not_lock_the_other_out(couple: Couple) -> None:
    for _ in range(6):
        Person(couple.app).post("/login", {"username": "alex", "password": "nope nope"})
    sam = Person(couple.app)
    assert sam.sign_in("sam").status_code == 200  # same address (this machine), another account


def test_corrections_on_a_long_chat_are_read_in_the_background(couple: Couple, monkeypatch) -> None:
    from cyclemap.web.routes import chats

    monkeypatch.setattr(chats, "SYNC_TURNS", 10)  # the short sample counts as long here
    iid = import_chat(couple.sam, couple.rid, SHORT_CHAT)
    turns = couple.sam.json(f"/r/{couple.rid}/turns?import={iid}&move=neutral")["turns"]
    speaker = turns[0]["speaker"]
    before = couple.sam.json(f"/r/{couple.rid}/report")["analysis"]["moves"][speaker]
    for turn in [t for t in turns if t["speaker"] == speaker][:2]:
        response = couple.sam.post(f"/r/{couple.rid}/imports/{iid}/turns/{turn['position']}", {"choice": "soften:validate"},
                                   headers={"Accept": "application/json"})
        assert response.status_code == 200 and response.json()["stats"]["updating"] is True
    couple.app.state.web.runner.pool.submit(lambda: None).result(timeout=120)  # the worker has caught up
    after = couple.sam.json(f"/r/{couple.rid}/report")["analysis"]["moves"][speaker]
    assert after["soften"] == before["soften"] + 2 and after["neutral"] == before["neutral"] - 2
    assert couple.sam.json(f"/r/{couple.rid}/turns?import={iid}")["stats"]["updating"] is False


def test_serve_refuses_an_unknown_database_in_one_line(cli, home) -> None:
    result = cli("serve", "--database", "mysql://someone@somewhere/db", "--no-browser", "--port", "0")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "unsupported database 'mysql'" in result.stderr


def test_postgres_urls_are_read_with_psycopg() -> None:
    from cyclemap.web.db import normalise_url

    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
