"""Web app, on SQLite and PostgreSQL: a partner who agreed to compare self-assessment scores
"with my partner" is never compared with someone who joins the space later, until they tick
that person by name; ticks saved before choices named anyone keep covering only the couple
they were given in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.web_support import (  # noqa: F401 - fixtures
    PASSWORD, Couple, Person, app, couple, db_url, home, invite, join, postgres,
)


@pytest.fixture
def assessment():
    return pytest.importorskip("cyclemap.assessment")


def _url(couple: Couple) -> str:
    return f"/r/{couple.rid}/assessment"


def _answers(assessment, value: int) -> dict[str, str]:
    return {item.id: str(value) for item in assessment.ITEMS}


def _ids(person: Person, url: str) -> dict[str, int]:
    return {p["name"]: p["id"] for p in person.json(url)["partners"]}


def _save(person: Person, url: str, answers: dict[str, str], **extra: Any) -> None:
    response = person.post(url, {**answers, **extra}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text[:300]


def _compared_with(person: Person, url: str) -> list[str]:
    comparison = person.json(url)["comparison"] or {}
    return [c["partner"] for c in comparison.get("comparisons", [])]


def test_a_newcomer_is_compared_only_once_ticked_by_name(couple: Couple, assessment) -> None:
    url = _url(couple)
    # Sam and Alex, alone in the space, each tick the one box the page shows them.
    assert "Put my scores beside Alex's, if Alex agrees too" in couple.sam.get(url).text
    _save(couple.sam, url, _answers(assessment, 8), compare_with=str(_ids(couple.sam, url)["Alex"]))
    _save(couple.alex, url, _answers(assessment, 3), consent="on")
    assert _compared_with(couple.sam, url) == ["Alex"]
    kai = join(couple.app, invite(couple.sam, couple.rid), "kai", "Kai")
    _save(kai, url, _answers(assessment, 6), consent="on")  # Kai agrees with everyone there
    sam = couple.sam.json(url)["comparison"]
    assert [c["partner"] for c in sam["comparisons"]] == ["Alex"]
    assert sam["not_chosen"] == ["Kai"] and "Kai" not in json.dumps(sam["comparisons"])
    kai_view = kai.json(url)["comparison"]
    assert kai_view["waiting"] is True and kai_view["waiting_for"] == ["Sam", "Alex"]
    assert "8.0" not in json.dumps(kai.json(url))  # none of Sam's scores reach Kai
    page = couple.sam.get(url).text
    assert "You have not chosen to compare with Kai" in page and "Side by side with Kai" not in page
    # Sam ticks Kai by name (and keeps Alex): now Sam and Kai see each other's scores, Alex still not Kai's.
    ids = _ids(couple.sam, url)
    received = couple.sam.client.post(url, data={**_answers(assessment, 8), "csrf": couple.sam.token(),
                                                 "compare_with": [str(ids["Alex"]), str(ids["Kai"])]})
    assert received.status_code == 200
    assert _compared_with(couple.sam, url) == ["Alex", "Kai"]
    assert _compared_with(kai, url) == ["Sam"]
    assert _compared_with(couple.alex, url) == ["Sam"]
    assert [p["name"] for p in couple.sam.json(url)["partners"] if p["chosen"]] == ["Alex", "Kai"]


def test_ticks_saved_before_choices_named_anyone_cover_only_the_first_couple(couple: Couple, assessment) -> None:
    from cyclemap.web.models import PrivateEntry, User
    from sqlalchemy import select

    url = _url(couple)
    kai = join(couple.app, invite(couple.sam, couple.rid), "kai", "Kai")
    # As the app stored them before: a bare consent flag, no list of whom it was meant for.
    with couple.app.state.web.sessions() as db:
        for name, value in (("sam", 8), ("alex", 3), ("kai", 6)):
            user_id = db.scalars(select(User.id).where(User.username == name)).one()
            answers = {item.id: value for item in assessment.ITEMS}
            db.add(PrivateEntry(relationship_id=couple.rid, user_id=user_id, kind="assessment", consent_compare=True,
                                data={"answers": answers, "result": assessment.score(answers).to_json()}))
        db.commit()
    assert _compared_with(couple.sam, url) == ["Alex"]
    assert _compared_with(couple.alex, url) == ["Sam"]
    assert kai.json(url)["comparison"] is None  # Kai's old tick named nobody: Kai chooses again
    assert all(not p["chosen"] for p in kai.json(url)["partners"])
    page = kai.get(url).text
    assert 'name="compare_with"' in page and "Someone who joins later is compared with you only once you tick them here" in page


def test_a_tick_given_before_the_partner_joined_covers_that_partner(app, assessment) -> None:
    sam = Person(app)
    sam.get("/setup")
    sam.post("/setup", {"username": "sam", "password": PASSWORD, "password2": PASSWORD})
    rid = sam.post("/relationships", {"name": "Sam and Alex", "display_name": "Sam"}, headers={"Accept": "application/json"}).json()["id"]
    url = f"/r/{rid}/assessment"
    assert "once they join" in sam.get(url).text
    _save(sam, url, _answers(assessment, 8), consent="on")
    alex = join(app, invite(sam, rid), "alex", "Alex")
    _save(alex, url, _answers(assessment, 3), consent="on")
    assert _compared_with(sam, url) == ["Alex"] and _compared_with(alex, url) == ["Sam"]
    kai = join(app, invite(sam, rid), "kai", "Kai")
    _save(kai, url, _answers(assessment, 6), consent="on")
    assert _compared_with(sam, url) == ["Alex"] and _compared_with(kai, url) == []


def test_unticking_everyone_compares_with_nobody(couple: Couple, assessment) -> None:
    url = _url(couple)
    _save(couple.sam, url, _answers(assessment, 8), consent="on")
    _save(couple.alex, url, _answers(assessment, 3), consent="on")
    assert _compared_with(couple.alex, url) == ["Sam"]
    _save(couple.sam, url, _answers(assessment, 8))  # the box left empty
    assert couple.sam.json(url)["comparison"] is None
    assert couple.alex.json(url)["comparison"] == {"waiting": True}


def test_a_hostile_partner_choice_is_ignored_not_a_server_error() -> None:
    # "²".isdigit() is true but int("²") fails: such a form value must simply choose nobody.
    from types import SimpleNamespace

    from cyclemap.web.comparing import choice_from_form

    partners = [SimpleNamespace(user_id=1), SimpleNamespace(user_id=2)]
    assert choice_from_form(False, ["²", "２", "-2", "2 ", "2"], me=1, partners=partners) == [2]  # type: ignore[arg-type]
    assert choice_from_form(False, ["²"], me=1, partners=partners) == []  # type: ignore[arg-type]
