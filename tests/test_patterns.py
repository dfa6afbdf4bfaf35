"""Patterns and roles: hand-worked decisions, simulated couples, periods and topics, three partners."""

from __future__ import annotations

import json
from math import sqrt

import pytest

from cyclemap.codebook import Pattern
from cyclemap.cycle.patterns import find_patterns, role_reversals

from .test_sequential import INDEPENDENT, PURSUE_WITHDRAW, coded, markov, same


def swap(answers: dict) -> dict:
    """The same couple with the partners' parts exchanged."""
    return {"A": answers["B"], "B": answers["A"]}


def both(answers: dict[str, list[float]]) -> dict:
    return {"A": answers, "B": answers}


MUTUAL_PURSUIT = both(
    {
        "pursue": [0.8, 0.05, 0, 0.15],
        "withdraw": [0.3, 0.1, 0.05, 0.55],
        "soften": [0.05, 0, 0.1, 0.85],
        "neutral": [0.2, 0.02, 0.03, 0.75],
    }
)
MUTUAL_WITHDRAWAL = both(
    {
        "pursue": [0.1, 0.3, 0.05, 0.55],
        "withdraw": [0.02, 0.8, 0, 0.18],
        "soften": [0.05, 0, 0.1, 0.85],
        "neutral": [0.02, 0.2, 0.03, 0.75],
    }
)
# Tension is answered by softening about 40% of the time, from either side.
SOFTENED = {
    "A": {
        "pursue": [0.2, 0, 0.3, 0.5],
        "withdraw": [0.4, 0, 0.4, 0.2],
        "soften": [0.05, 0, 0.2, 0.75],
        "neutral": [0.3, 0, 0.05, 0.65],
    },
    "B": {
        "pursue": [0, 0.4, 0.4, 0.2],
        "withdraw": [0, 0.1, 0.3, 0.6],
        "soften": [0, 0.05, 0.2, 0.75],
        "neutral": [0, 0.1, 0.05, 0.85],
    },
}
# The pursue-withdraw cycle is there, but soften answers a fifth of the tension.
SOFTENED_CYCLE = {
    "A": {
        "pursue": [0.3, 0, 0.1, 0.6],
        "withdraw": [0.7, 0, 0.2, 0.1],
        "soften": [0.05, 0, 0.15, 0.8],
        "neutral": [0.3, 0, 0.05, 0.65],
    },
    "B": {
        "pursue": [0, 0.65, 0.25, 0.1],
        "withdraw": [0, 0.1, 0.1, 0.8],
        "soften": [0, 0.05, 0.15, 0.8],
        "neutral": [0, 0.1, 0.05, 0.85],
    },
}
CALM = {"A": same([0.02, 0.02, 0.06, 0.9]), "B": same([0.02, 0.02, 0.06, 0.9])}


# --------------------------------------------------------------------------- hand-worked


def test_a_hand_worked_pursue_withdraw_decision():
    # A:pursue B:withdraw A:pursue B:neutral A:neutral B:neutral, 20 times (120 events).
    sequence = coded(
        [
            ("A", "pursue"),
            ("B", "withdraw"),
            ("A", "pursue"),
            ("B", "neutral"),
            ("A", "neutral"),
            ("B", "neutral"),
        ]
        * 20
    )
    report = find_patterns(sequence, permutations=200)
    pair = report.pairs[("A", "B")]
    # A -> B, lag 1: pursue row [0, 20, 0, 20], neutral row [0, 0, 0, 20]; N = 60, n_+withdraw = 20.
    #   pursue -> withdraw: e = 40*20/60 = 13.33; z = 6.667 / sqrt(13.33 * (2/3) * (1/3)) = 3.873;
    #   a=20 b=20 c=0 d=20 -> Q = 400/400 = 1. Contingent.
    # B -> A, lag 1: withdraw row [20, 0, 0, 0], neutral row [19, 0, 0, 20] (19: across blocks); N = 59.
    #   withdraw -> pursue: e = 20*39/59 = 13.22; z = 6.78 / sqrt(13.22 * (20/59) * (39/59)) = 3.94;
    #   a=20 b=0 c=19 d=20 -> Q = 1. Contingent: the reverse contingency holds too.
    assert pair.pattern is Pattern.PURSUE_WITHDRAW and report.pattern is Pattern.PURSUE_WITHDRAW
    forward, back = pair.evidence
    assert (forward.giver, forward.move, forward.receiver, forward.answer) == ("A", "pursue", "B", "withdraw")
    assert forward.z == pytest.approx(20 / 3 / sqrt(40 / 3 * 2 / 9)) == pytest.approx(3.873, abs=1e-3)
    assert back.z == pytest.approx((20 - 20 * 39 / 59) / sqrt(20 * 39 / 59 * 20 / 59 * 39 / 59))
    assert forward.q == back.q == 1.0 and forward.level == back.level == "contingent"
    # Tension: givers that pursue or withdraw = 40 (A) + 20 (B) of 119 exchanges.
    assert pair.tension_share == pytest.approx(60 / 119)
    # Confidence = strength x data x consistency:
    #   strength = weakest sqrt(Q * min(1, z/4)) = sqrt(3.873/4) = .984
    #   data = n/(n+10) for the fewest moves behind an answer (B's 20 withdrawals) = 20/30
    #   consistency: the contingencies hold in each third of the conversation -> factor 1
    assert pair.consistency == 1.0
    assert pair.confidence == pytest.approx(sqrt(forward.z / 4) * 20 / 30)
    # Roles: A pursues 2/3 of A's events and never withdraws; B withdraws 1/3 and never pursues,
    # and the cycle never runs the other way round: asymmetry 1.
    assert (pair.pursuer, pair.withdrawer) == ("A", "B")
    assert pair.role_confidence == pytest.approx(pair.confidence)
    # Evidence exchanges: real turns, the full loop A pursue -> B withdraw -> A pursue.
    assert 2 <= len(pair.exchanges) <= 3
    for exchange in pair.exchanges:
        assert [(t.speaker, t.move) for t in exchange] == [
            ("A", "pursue"),
            ("B", "withdraw"),
            ("A", "pursue"),
        ]
        assert exchange[0].text == sequence[exchange[0].index].text
        assert exchange[0].turn_id == f"t{exchange[0].index}"


def test_a_one_way_contingency_is_not_a_pursue_withdraw_pattern():
    # A's pursuit is always met by B's withdrawal, but B's withdrawal is met by A's neutral turn.
    sequence = coded([("A", "pursue"), ("B", "withdraw"), ("A", "neutral"), ("B", "neutral")] * 25)
    pair = find_patterns(sequence, permutations=100).pairs[("A", "B")]
    assert pair.pattern is None
    assert "without a clear sequential pattern" in pair.reason
    assert pair.pursuer is None and pair.confidence == 0.0


# --------------------------------------------------------------------------- simulated couples


@pytest.mark.parametrize(
    ("answers", "pattern"),
    [
        (PURSUE_WITHDRAW, Pattern.PURSUE_WITHDRAW),
        (MUTUAL_PURSUIT, Pattern.MUTUAL_PURSUIT),
        (MUTUAL_WITHDRAWAL, Pattern.MUTUAL_WITHDRAWAL),
        (SOFTENED, Pattern.SOFTENED),
        (CALM, Pattern.CALM),
    ],
    ids=lambda v: v.value if isinstance(v, Pattern) else "",
)
def test_simulated_couples_get_their_pattern(answers, pattern):
    for seed in (1, 2, 3):
        report = find_patterns(markov(400, answers, seed=seed), permutations=200, seed=seed)
        assert report.pattern is pattern, report.reason
        assert report.confidence > 0.6
        json.dumps(report.to_json())
        if pattern is not Pattern.CALM:
            assert report.pairs[("A", "B")].exchanges  # real exchanges behind the reading
        if Pattern.PURSUE_WITHDRAW not in (pattern, report.pairs[("A", "B")].underlying):
            assert report.pursuer is None and report.withdrawer is None


def test_roles_follow_the_data_not_the_name():
    report = find_patterns(markov(400, PURSUE_WITHDRAW, seed=4), permutations=200)
    assert (report.pursuer, report.withdrawer) == ("A", "B")
    assert report.pairs[("A", "B")].role_confidence > 0.6
    swapped = find_patterns(markov(400, swap(PURSUE_WITHDRAW), seed=4), permutations=200)
    assert swapped.pattern is Pattern.PURSUE_WITHDRAW
    assert (swapped.pursuer, swapped.withdrawer) == ("B", "A")


def test_a_softened_cycle_still_names_the_cycle_beneath():
    pair = find_patterns(markov(600, SOFTENED_CYCLE, seed=5), permutations=200).pairs[("A", "B")]
    assert pair.pattern is Pattern.SOFTENED
    assert pair.underlying is Pattern.PURSUE_WITHDRAW
    assert (pair.pursuer, pair.withdrawer) == ("A", "B")
    assert pair.evidence[0].answer == "soften" and pair.evidence[0].probability >= 0.15


def test_tension_without_contingency_is_no_pattern():
    # Both partners pursue or withdraw often, but no move depends on the one before.
    report = find_patterns(markov(600, INDEPENDENT, seed=6), permutations=200)
    assert report.pattern is None
    assert "without a clear sequential pattern" in report.reason


def test_more_data_gives_more_confidence():
    short = find_patterns(markov(80, PURSUE_WITHDRAW, seed=7), permutations=200)
    long = find_patterns(markov(1600, PURSUE_WITHDRAW, seed=7), permutations=200)
    assert long.pattern is Pattern.PURSUE_WITHDRAW
    assert short.pattern is None or short.confidence < long.confidence


# --------------------------------------------------------------------------- not enough


@pytest.mark.parametrize(
    ("sequence", "reason"),
    [
        ([], "no turns"),
        (coded([("A", "pursue")]), "only one partner speaks"),
        (coded([("A", "pursue"), ("A", "withdraw")] * 20), "only one partner speaks"),
        (coded([("A", "pursue"), ("B", "withdraw")] * 4), "not enough exchanges between A and B"),
        (coded([("A", "neutral"), ("B", "neutral")] * 3), "not enough exchanges"),
    ],
    ids=["empty", "one-message", "one-speaker", "short", "short-all-neutral"],
)
def test_too_little_data_says_so_plainly(sequence, reason):
    report = find_patterns(sequence, permutations=50)
    assert report.pattern is None and report.pursuer is None and report.confidence == 0.0
    assert "not enough" in report.reason and reason in report.reason
    json.dumps(report.to_json())


def test_a_long_all_neutral_conversation_is_calm_not_a_made_up_pattern():
    report = find_patterns(coded([("A", "neutral"), ("B", "neutral")] * 30), permutations=50)
    assert report.pattern is Pattern.CALM
    assert report.reason.startswith("not enough conflict to see a pattern: 0%")


def test_few_tense_moves_are_not_enough_conflict():
    # 6 pursue/withdraw turns; 5 of them are answered by the other partner (the last turn is not):
    # 5 of 29 exchanges (17%) is above calm, but 5 tense events are too few to read.
    rows = [("A", "neutral"), ("B", "neutral")] * 12 + [("A", "pursue"), ("B", "withdraw")] * 3
    report = find_patterns(coded(rows), permutations=50)
    assert report.pattern is None
    assert report.pairs[("A", "B")].tension_share == pytest.approx(5 / 29)
    assert "not enough conflict to see a pattern: 5 pursue/withdraw events" in report.reason


# --------------------------------------------------------------------------- pairs, periods, topics


def test_three_partners_are_read_pair_by_pair():
    # A pursues with B, and withdraws with C: roles belong to a pair, not to a person.
    with_b = markov(400, PURSUE_WITHDRAW, seed=8, conversation="A+B")
    with_c = markov(400, swap(PURSUE_WITHDRAW), seed=9, conversation="A+C", speakers=("A", "C"))
    calm_bc = markov(200, CALM, seed=10, conversation="B+C", speakers=("B", "C"))
    report = find_patterns([with_b, with_c, calm_bc], permutations=200)
    assert report.participants == ("A", "B", "C")
    assert set(report.pairs) == {("A", "B"), ("A", "C"), ("B", "C")}
    ab, ac, bc = report.pairs[("A", "B")], report.pairs[("A", "C")], report.pairs[("B", "C")]
    assert (ab.pattern, ab.pursuer, ab.withdrawer) == (Pattern.PURSUE_WITHDRAW, "A", "B")
    assert (ac.pattern, ac.pursuer, ac.withdrawer) == (Pattern.PURSUE_WITHDRAW, "C", "A")
    assert bc.pattern is Pattern.CALM
    assert "read pair by pair" in report.reason
    assert report.pattern is Pattern.PURSUE_WITHDRAW  # a pair in conflict before the calm one
    assert len(report.to_json()["pairs"]) == 3


def test_role_reversal_across_periods_and_topics():
    periods = {
        "spring": markov(400, PURSUE_WITHDRAW, seed=11),
        "summer": markov(400, CALM, seed=12),  # no roles: skipped when looking for swaps
        "autumn": markov(400, swap(PURSUE_WITHDRAW), seed=13),
        "winter": markov(400, swap(PURSUE_WITHDRAW), seed=14),
    }
    (reversal,) = role_reversals(periods, permutations=200)
    assert reversal.pair == ("A", "B")
    assert reversal.roles == {
        "spring": ("A", "B"),
        "summer": None,
        "autumn": ("B", "A"),
        "winter": ("B", "A"),
    }
    assert reversal.swaps == (("spring", "autumn"),) and reversal.reversed
    assert reversal.by_pursuer() == {"A": ["spring"], "B": ["autumn", "winter"]}
    json.dumps(reversal.to_json())

    topics = {"money": markov(400, PURSUE_WITHDRAW, seed=15), "chores": markov(400, PURSUE_WITHDRAW, seed=16)}
    (steady,) = role_reversals(topics, permutations=200)
    assert not steady.reversed and steady.by_pursuer() == {"A": ["money", "chores"]}


def test_with_no_contrast_to_test_the_reading_falls_back_on_rates():
    # Both attack almost all the time: pursuit follows pursuit about 90% of the time, but so does
    # everything else, so z is near 0. "Both pursue" is what dominates: mutual-pursuit, by rates.
    attack = {"A": same([0.9, 0, 0, 0.1]), "B": same([0.9, 0, 0, 0.1])}
    report = find_patterns(markov(300, attack, seed=17), permutations=200)
    assert report.pattern is Pattern.MUTUAL_PURSUIT
    assert "by how often, not more than expected" in report.reason
    (forward, back) = report.pairs[("A", "B")].evidence
    assert forward.level == back.level == "frequent" and abs(forward.z) < 1.96
    # Strength is half the rate (.45), so the reading is held loosely.
    assert report.confidence < 0.5
