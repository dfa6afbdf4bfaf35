"""The self-assessment: scoring with reverse items by hand, alpha by hand, consent before comparing."""

from __future__ import annotations

import json

import pytest

from cyclemap.assessment import (
    ITEMS, MAIN_SCALES, AssessmentScores, ConsentError, compare, consistency, cronbach_alpha, score,
)
from cyclemap.errors import UsageError

# Worked by hand (reverse items count as 10 - x):
#   sp: 8, 6, 7, sp4 2 -> 8           mean 29/4 = 7.25
#   pw: 5, 4, 6, pw4 6 -> 4           mean 19/4 = 4.75   self-pursue/partner-withdraw = 48/8 = 6.0
#   pp: 3, 2, 3, pp4 8 -> 2           mean 10/4 = 2.5
#   sw: 6, 5, 8, sw4 3 -> 7           mean 26/4 = 6.5    partner-pursue/self-withdraw = 36/8 = 4.5
#   cc: 4, 5, 6, cc4 7 -> 3, 5        mean 23/5 = 4.6
#   ma: 6, 7, ma3 2 -> 8              mean 21/3 = 7.0
HAND = {
    "sp1": 8, "sp2": 6, "sp3": 7, "sp4": 2, "pw1": 5, "pw2": 4, "pw3": 6, "pw4": 6,
    "pp1": 3, "pp2": 2, "pp3": 3, "pp4": 8, "sw1": 6, "sw2": 5, "sw3": 8, "sw4": 3,
    "cc1": 4, "cc2": 5, "cc3": 6, "cc4": 7, "cc5": 5, "ma1": 6, "ma2": 7, "ma3": 2,
}


def test_the_items_cover_the_structure_with_reverse_items():
    assert len({i.id for i in ITEMS}) == len(ITEMS) == len(HAND)
    for scale in ("sp", "pw", "pp", "sw", "cc", "ma"):
        items = [i for i in ITEMS if i.scale == scale]
        assert len(items) >= 3
        assert any(i.reverse for i in items), scale


def test_scoring_with_reverse_items_matches_the_hand_worked_example():
    result = score(HAND)
    assert result.scores["self_pursue"] == 7.25
    assert result.scores["partner_withdraw"] == 4.75
    assert result.self_pursue_partner_withdraw == 6.0
    assert result.partner_pursue_self_withdraw == 4.5
    assert result.constructive == 4.6
    assert result.mutual_avoidance == 7.0
    assert result.balance == 1.5
    assert "pursuing side" in " ".join(result.reading())
    assert "slide" in " ".join(result.reading())


def test_a_scale_is_scored_from_three_of_four_items_but_not_from_two():
    three = {k: v for k, v in HAND.items() if k != "sp1"}
    assert score(three).scores["self_pursue"] == pytest.approx((6 + 7 + 8) / 3, abs=0.01)
    two = {k: v for k, v in HAND.items() if k not in ("sp1", "sp2")}
    assert score(two).scores["self_pursue"] is None
    assert score(two).skipped == ("sp1", "sp2")
    assert score({}).self_pursue_partner_withdraw is None


@pytest.mark.parametrize("bad", [{"sp1": 0}, {"sp1": 10}, {"sp1": "5"}, {"sp1": True}, {"sp1": 4.5}, {"xx9": 5}])
def test_bad_answers_are_refused(bad):
    with pytest.raises(UsageError):
        score(bad)


def test_alpha_matches_a_hand_worked_example():
    # item variances 5/3, 19/12, 11/12 (sum 25/6); totals 6, 8, 10, 14 have variance 35/3;
    # alpha = 3/2 * (1 - (25/6) / (35/3)) = 3/2 * (1 - 5/14) = 27/28
    matrix = [[1, 2, 3], [2, 3, 3], [3, 3, 4], [4, 5, 5]]
    assert cronbach_alpha(matrix) == pytest.approx(27 / 28)


def test_alpha_is_none_when_it_cannot_be_computed():
    assert cronbach_alpha([[1, 2, 3]]) is None  # one person
    assert cronbach_alpha([[1], [2], [3]]) is None  # one item
    assert cronbach_alpha([[4, 4], [4, 4], [4, 4]]) is None  # no variance
    assert cronbach_alpha([[1, 2], [None, 3], [3, 4]]) == pytest.approx(1.0)  # incomplete row left out


def test_consistency_explains_when_there_are_too_few_people():
    rows = consistency([HAND])
    assert [r.scale for r in rows] == list(MAIN_SCALES)
    assert all(r.alpha is None and "at least 2" in r.note for r in rows)
    many = [HAND, {k: min(9, v + 1) for k, v in HAND.items()}, {k: max(1, v - 2) for k, v in HAND.items()}]
    assert all(r.alpha is not None for r in consistency(many))


@pytest.mark.parametrize(("a", "b"), [(False, True), (True, False), (False, False)])
def test_compare_refuses_without_both_agreeing(a, b):
    with pytest.raises(ConsentError):
        compare(score(HAND), score(HAND), a_consents=a, b_consents=b)


def test_compare_shows_scores_and_views_never_answers():
    other = {k: 10 - v for k, v in HAND.items()}
    result = compare(HAND, other, a_consents=True, b_consents=True, names=("Sam", "Alex"))
    text = json.dumps(result.to_json())
    assert not any(f'"{item.id}"' in text for item in ITEMS)
    assert result.views[0]["about"] == "Sam pressing, Alex stepping back"
    assert result.views[0]["Sam"] == 6.0 and result.views[0]["Alex"] == score(other).partner_pursue_self_withdraw


def test_scores_round_trip_through_json_without_answers():
    data = score(HAND).to_json()
    assert not any(item.id in data["scores"] for item in ITEMS)
    assert AssessmentScores.from_json(data).scores == score(HAND).scores


def test_cli_asks_in_the_terminal_and_stores_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))
    answers = "\n".join(str(HAND[i.id]) for i in ITEMS) + "\n"
    result = cli("assess", "--json", input=answers)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["scores"]["self_pursue_partner_withdraw"] == 6.0
    assert data["saved"] is False
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.json"))


def test_cli_re_asks_out_of_range_answers(cli):
    answers = "12\n" + "\n".join(str(HAND[i.id]) for i in ITEMS) + "\n"
    result = cli("assess", "--json", input=answers)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["scores"]["constructive"] == 4.6


def test_cli_saves_only_when_asked(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(HAND), encoding="utf-8")
    result = cli("assess", "--answers", str(path), "--save", "--person", "Sam")
    assert result.exit_code == 0
    assert "saved" in result.stdout
    saved = list((tmp_path / "home").rglob("*.json"))
    assert len(saved) == 1 and "Sam" not in saved[0].name


def test_cli_bad_answers_file_names_the_file(cli, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text('{"sp1": 12}', encoding="utf-8")
    result = cli("assess", "--answers", str(path))
    assert result.exit_code == 1
    assert str(path) in result.stderr and "1 to 9" in result.stderr
    path.write_text("{not json", encoding="utf-8")
    broken = cli("assess", "--answers", str(path))
    assert broken.exit_code == 1 and f"{path}:1" in broken.stderr


def test_cli_compare_needs_both_to_agree(cli, tmp_path):
    mine, theirs = tmp_path / "mine.json", tmp_path / "theirs.json"
    mine.write_text(json.dumps(score(HAND).to_json()), encoding="utf-8")
    theirs.write_text(json.dumps(score({k: 10 - v for k, v in HAND.items()}).to_json()), encoding="utf-8")
    refused = cli("assess", "--compare", str(mine), str(theirs))
    assert refused.exit_code == 1 and "agree" in refused.stderr
    shown = cli("assess", "--compare", str(mine), str(theirs), "--both-agree")
    assert shown.exit_code == 0
    assert "you pressing, your partner stepping back" in shown.stdout
