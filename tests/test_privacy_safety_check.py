"""The private safety check: one person's answers, their own result, stored only when asked."""

from __future__ import annotations

import json
import re

import pytest

from cyclemap.errors import UsageError
from cyclemap.safety_check import AREAS, QUESTIONS, Answer, evaluate

ALL_NO = {q.id: "no" for q in QUESTIONS}
SOFTENING_ADVICE = re.compile(r"\b(try to soften|be more vulnerable|reach out to your partner|share your feelings with)\b", re.I)


pytestmark = pytest.mark.usefixtures("data_home")  # every test in its own data folder


def test_questions_cover_fear_injury_threats_and_control_in_plain_words():
    assert {q.area for q in QUESTIONS} == set(AREAS) == {"fear", "injury", "threats", "control"}
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    for question in QUESTIONS:
        assert question.text.endswith("?") and len(question.text) < 160
        assert "partner" in question.text


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_any_yes_is_a_concern_that_steps_out_of_couple_work(question):
    result = evaluate({**ALL_NO, question.id: "yes"}, country="GB")
    assert result.concern
    assert result.areas == (question.area,)
    assert "may not be a shared dance" in result.message
    assert "couple exercises" in result.message and "not the right next step" in result.message
    assert not SOFTENING_ADVICE.search(result.message)
    assert any("0808 2000 247" in r["contact"] for r in result.resources)


def test_the_urgent_question_puts_emergency_help_first():
    result = evaluate({**ALL_NO, "afraid_now": Answer.YES})
    assert result.urgent and result.message.startswith("If you may be in danger now, contact emergency services")


def test_all_no_is_no_concern_but_help_stays_visible():
    result = evaluate(ALL_NO)
    assert not result.concern and result.areas == () and not result.urgent
    assert "Nothing you answered" in result.message
    assert result.resources  # the neutral default list


def test_skipping_is_allowed_and_said_gently():
    result = evaluate({"afraid": "prefer_not_to_say"})  # the rest unanswered
    assert not result.concern
    assert result.skipped == len(QUESTIONS) and result.answered == 0
    assert "chose not to answer" in result.message


def test_areas_are_listed_once_in_order_and_the_result_holds_no_answers():
    result = evaluate({**ALL_NO, "watched": "y", "cut_off": "yes", "hurt": True})
    assert result.areas == ("injury", "control")
    assert "injury and control" in result.message
    data = result.to_json()
    assert set(data) == {"concern", "areas", "message", "resources", "urgent", "answered", "skipped"}
    assert "watched" not in json.dumps(data)


def test_unknown_questions_and_answers_are_refused():
    with pytest.raises(UsageError, match="unknown safety-check question"):
        evaluate({"partner_b_afraid": "yes"})
    with pytest.raises(UsageError, match="not yes, no or prefer_not_to_say"):
        evaluate({"afraid": "maybe"})


def _answers(*replies: str) -> str:
    return "\n".join(replies) + "\n"


def test_cli_asks_privately_and_stores_nothing_by_default(cli, data_home):
    result = cli("safety-check", "--country", "US", input=_answers("n", "n", "y", "n", "n", "n", "n"))
    assert result.exit_code == 0, result.stderr
    assert "not the right next step" in result.stdout
    assert "1-800-799-7233" in result.stdout
    assert "Nothing was saved." in result.stdout
    assert not (data_home / "records").exists()


def test_cli_json_reports_the_result_without_the_answers(cli):
    result = cli("safety-check", "--json", input=_answers(*["n"] * len(QUESTIONS)))
    data = json.loads(result.stdout)
    assert data["concern"] is False and data["saved"] is False
    assert "answers" not in data


def test_cli_saves_one_persons_answers_owner_only_when_asked(cli, data_home):
    replies = _answers("s", "n", "n", "n", "y", "n", "n")
    result = cli("safety-check", "--save", "--person", "Sam", "--relationship", "us", input=replies)
    assert "saved in your data folder" in result.stdout
    files = list((data_home / "records").iterdir())
    assert len(files) == 1 and (files[0].stat().st_mode & 0o077) == 0
    assert "Sam" not in files[0].name and "us" not in files[0].name
    saved = json.loads(files[0].read_text(encoding="utf-8"))
    assert saved["person"] == "Sam" and saved["relationship"] == "us" and saved["kind"] == "safety-check"
    assert saved["payload"]["answers"]["threatened"] == "yes"
    assert saved["payload"]["answers"]["afraid"] == "prefer_not_to_say"


def test_a_second_partner_never_sees_the_first_partners_answers(cli):
    cli("safety-check", "--save", "--person", "Sam", "--relationship", "us", input=_answers("y", *["n"] * 6))
    cli("safety-check", "--save", "--person", "Alex", "--relationship", "us", input=_answers(*["n"] * 7))
    alex = json.loads(cli("export", "--person", "Alex").stdout)["stores"]["records"]["data"]
    assert [r["person"] for r in alex] == ["Alex"]
    assert all(r["payload"]["answers"]["afraid"] == "no" for r in alex)
