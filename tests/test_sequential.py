"""Lag-sequential statistics: checked against hand-worked tables and simulated couples."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cyclemap.codebook import Move
from cyclemap.cycle.coded import CodedTurn
from cyclemap.cycle.sequential import (
    CODES,
    conversation_statistics,
    lag_table,
    pair_statistics,
    table_from_counts,
)
from cyclemap.errors import UsageError

MOVES = ("pursue", "withdraw", "soften", "neutral")


def coded(rows: list[tuple[str, str]], conversation: str | None = None) -> list[CodedTurn]:
    """(speaker, move) -> a coded sequence."""
    return [
        CodedTurn(
            i, who, Move(move), None, None, f"{who}: {move} #{i}", conversation=conversation, turn_id=f"t{i}"
        )
        for i, (who, move) in enumerate(rows)
    ]


def markov(
    n: int,
    answers: dict[str, dict[str, list[float]]],
    *,
    seed: int,
    conversation: str | None = None,
    speakers: tuple[str, ...] = ("A", "B"),
) -> list[CodedTurn]:
    """A simulated couple: partners take turns; each move depends on the previous event.

    ``answers[speaker][previous move]`` gives the probabilities of the speaker's
    next move over (pursue, withdraw, soften, neutral): a first-order Markov
    chain, the discrete cousin of the Gottman-Murray influence functions.
    ``speakers`` names who plays the parts "A" and "B".
    """
    rng = np.random.default_rng(seed)
    rows, previous = [], "neutral"
    for i in range(n):
        part = "AB"[i % 2]
        previous = MOVES[rng.choice(4, p=answers[part][previous])]
        rows.append((speakers[i % 2], previous))
    return coded(rows, conversation)


def same(probabilities: list[float]) -> dict[str, list[float]]:
    return {move: probabilities for move in MOVES}


# A pursues now and then and always after B's withdrawal; B withdraws after A's pursuit with p = .8.
PURSUE_WITHDRAW = {
    "A": {
        "pursue": [0.3, 0, 0.05, 0.65],
        "withdraw": [0.8, 0, 0.05, 0.15],
        "soften": [0.1, 0, 0.1, 0.8],
        "neutral": [0.3, 0, 0.05, 0.65],
    },
    "B": {
        "pursue": [0, 0.8, 0.05, 0.15],
        "withdraw": [0, 0.1, 0.05, 0.85],
        "soften": [0, 0.05, 0.1, 0.85],
        "neutral": [0, 0.1, 0.05, 0.85],
    },
}
# The same base rates in spirit, but every move is drawn without regard to what came before.
INDEPENDENT = {"A": same([0.3, 0.1, 0.1, 0.5]), "B": same([0.1, 0.3, 0.1, 0.5])}


# --------------------------------------------------------------------------- hand-worked


def test_statistics_match_a_hand_worked_table():
    #            pursue withdraw soften neutral | n_i+
    # pursue        20      40      10     30   | 100
    # withdraw      10      10      10     20   |  50
    # soften         5       5      10      5   |  25
    # neutral        5       5       5     10   |  25
    # n_+j          40      60      35     65   | N = 200
    table = table_from_counts([[20, 40, 10, 30], [10, 10, 10, 20], [5, 5, 10, 5], [5, 5, 5, 10]])
    assert table.total == 200 and table.row_total("pursue") == 100 and table.column_total("withdraw") == 60

    # pursue -> withdraw: P = 40/100 = .4; e = 100*60/200 = 30
    # z = (40-30) / sqrt(30 * (1-60/200) * (1-100/200)) = 10 / sqrt(10.5) = 3.0861
    # 2x2: a = 40, b = 100-40 = 60, c = 60-40 = 20, d = 200-100-60+40 = 80
    # Q = (40*80 - 60*20) / (40*80 + 60*20) = 2000/4400 = 5/11
    cell = table.cell("pursue", "withdraw")
    assert (cell.count, cell.probability, cell.expected) == (40, pytest.approx(0.4), pytest.approx(30.0))
    assert cell.z == pytest.approx(10 / 10.5**0.5)
    assert cell.q == pytest.approx(5 / 11)
    assert cell.reason is None and cell.p is None  # no permutations asked for

    # pursue -> pursue: e = 100*40/200 = 20 = f, so z = 0; a=20 b=80 c=20 d=80 -> ad = bc -> Q = 0
    assert table.cell("pursue", "pursue").z == pytest.approx(0.0)
    assert table.cell("pursue", "pursue").q == pytest.approx(0.0)

    # neutral -> neutral: e = 25*65/200 = 8.125
    # z = 1.875 / sqrt(8.125 * .675 * .875) = 1.875 / sqrt(4.798828125) = 0.85592
    # a=10 b=15 c=55 d=200-25-65+10=120: Q = (1200-825)/(1200+825) = 375/2025 = .185185
    cell = table.cell("neutral", "neutral")
    assert cell.z == pytest.approx(1.875 / 4.798828125**0.5) == pytest.approx(0.85592, abs=1e-5)
    assert cell.q == pytest.approx(375 / 2025)

    # withdraw -> neutral: e = 50*65/200 = 16.25; z = 3.75 / sqrt(16.25*.675*.75) = 1.30744
    # a=20 b=30 c=45 d=105: Q = (2100-1350)/(2100+1350) = 750/3450 = .217391
    cell = table.cell("withdraw", "neutral")
    assert cell.z == pytest.approx(1.30744, abs=1e-5)
    assert cell.q == pytest.approx(750 / 3450)

    # soften -> soften: e = 25*35/200 = 4.375 < 5 -> no z, no Q; P = 10/25 = .4 is still given
    cell = table.cell("soften", "soften")
    assert cell.z is None and cell.q is None and cell.probability == pytest.approx(0.4)
    assert "expected count 4.38 is below 5" in cell.reason


def test_a_coded_sequence_gives_the_hand_counted_tables():
    # A:pursue B:withdraw A:neutral B:neutral, 25 times (100 events, one conversation).
    sequence = coded([("A", "pursue"), ("B", "withdraw"), ("A", "neutral"), ("B", "neutral")] * 25)
    ab = lag_table(sequence, "A", "B", 1)
    # A -> B at lag 1: A's pursue is always followed by B's withdraw (25), A's neutral by B's neutral (25).
    assert ab.counts == ((0, 25, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 25))
    # pursue -> withdraw: n_i+ = 25, n_+j = 25, N = 50, e = 12.5, P = 1
    # z = 12.5 / sqrt(12.5 * .5 * .5) = 7.0711; a=25 b=0 c=0 d=25 -> Q = 1
    cell = ab.cell("pursue", "withdraw")
    assert cell.probability == 1.0 and cell.expected == 12.5
    assert cell.z == pytest.approx(12.5 / (12.5 * 0.25) ** 0.5) and cell.q == 1.0
    # B -> A: withdraw -> neutral inside each block (25), neutral -> pursue across blocks (24).
    assert lag_table(sequence, "B", "A", 1).counts == ((0,) * 4, (0, 0, 0, 25), (0,) * 4, (24, 0, 0, 0))
    # Partners alternate, so at lag 2 A is followed by A: no A -> B transitions at all.
    assert lag_table(sequence, "A", "B", 2).total == 0
    assert lag_table(sequence, "A", "B", 2).reason == "no transitions at lag 2"
    # Lag 3: A:pursue -> B:neutral (25), A:neutral -> B:withdraw (24).
    assert lag_table(sequence, "A", "B", 3).counts == ((0, 0, 0, 25), (0,) * 4, (0,) * 4, (0, 24, 0, 0))
    # Any -> any at lag 1 counts every adjacent pair: 99.
    assert lag_table(sequence, None, None, 1).total == 99


def test_lags_never_cross_from_one_conversation_into_the_next():
    first = coded([("A", "pursue"), ("B", "withdraw")], "c1")
    second = coded([("A", "neutral"), ("B", "neutral")], "c2")
    # B:withdraw (end of c1) -> A:neutral (start of c2) must not be counted.
    assert lag_table([first, second], "B", "A", 1).total == 0
    assert lag_table(first + second, "B", "A", 1).total == 0  # a flat list is cut on `conversation`
    assert lag_table([first, second], "A", "B", 1).total == 2
    # Pooled = the sum of the per-conversation tables.
    per = conversation_statistics([first, second], lags=(1,), permutations=0)
    assert set(per) == {"c1", "c2"}
    pooled = np.asarray(pair_statistics([first, second], lags=(1,), permutations=0)[("A", "B")][0].counts)
    summed = sum(np.asarray(per[c][("A", "B")][0].counts) for c in per)
    assert (pooled == summed).all()


# --------------------------------------------------------------------------- small counts


def test_small_counts_give_none_with_a_reason_never_a_number():
    sequence = coded([("A", "pursue"), ("B", "withdraw"), ("A", "neutral"), ("B", "neutral")] * 3)
    table = lag_table(sequence, "A", "B", 1, permutations=50)
    cell = table.cell("pursue", "withdraw")
    assert cell.count == 3  # counted, but nothing estimated from three transitions
    assert (cell.probability, cell.z, cell.q, cell.p) == (None, None, None, None)
    assert cell.reason == "too few transitions from pursue (3; fewer than 10) to estimate"
    empty = table.cell("soften", "neutral")
    assert empty.probability is None and "too few transitions from soften (0" in empty.reason


def test_a_code_that_fills_the_table_has_nothing_to_contrast_with():
    # A only ever pursues: every row but pursue is empty; n_i+ = N, so no z and no Q.
    sequence = coded([("A", "pursue"), ("B", "withdraw"), ("A", "pursue"), ("B", "neutral")] * 10)
    cell = lag_table(sequence, "A", "B", 1).cell("pursue", "withdraw")
    assert cell.probability == pytest.approx(0.5) and cell.z is None and cell.q is None
    assert "only code" in cell.reason


@pytest.mark.parametrize(
    "sequence",
    [
        [],
        [[]],
        coded([("A", "pursue")]),
        coded([("A", "pursue"), ("A", "withdraw"), ("A", "neutral")] * 5),
        coded([("A", "neutral"), ("B", "neutral")] * 3),
    ],
    ids=["empty", "empty-conversation", "one-message", "one-speaker", "all-neutral"],
)
def test_degenerate_inputs_give_empty_or_none_results_not_errors(sequence):
    stats = pair_statistics(sequence, permutations=20)
    for tables in stats.values():
        for table in tables:
            json.dumps(table.to_json())
            assert all(cell.z is None and cell.q is None for cell in table.cells)
    table = lag_table(sequence, "A", "B", 1, permutations=20)
    assert all(cell.z is None for cell in table.cells)
    conversation_statistics(sequence, permutations=5)


def test_bad_arguments_are_named():
    with pytest.raises(UsageError, match="lags must be whole numbers"):
        pair_statistics([], lags=(0,))
    with pytest.raises(UsageError, match="permutations must be 0 or more"):
        lag_table([], "A", "B", permutations=-1)


# --------------------------------------------------------------------------- simulated couples


def test_a_simulated_pursue_withdraw_couple_shows_the_contingency():
    sequence = markov(600, PURSUE_WITHDRAW, seed=1)
    stats = pair_statistics(sequence, permutations=500, seed=3)
    pw = stats[("A", "B")][0].cell("pursue", "withdraw")
    assert pw.probability == pytest.approx(0.8, abs=0.08)
    assert pw.z > 8 and pw.q > 0.85
    assert pw.p == pytest.approx(1 / 501)  # no permutation came near
    back = stats[("B", "A")][0].cell("withdraw", "pursue")  # the reverse contingency
    assert back.z > 5 and back.q > 0.7
    # Pursuit is not followed by pursuit from the other side more than expected.
    assert stats[("A", "B")][0].cell("pursue", "neutral").z < -5


def test_an_independent_couple_shows_no_contingency():
    sequence = markov(2000, INDEPENDENT, seed=2)
    table = pair_statistics(sequence, lags=(1,), permutations=200)[("A", "B")][0]
    for cell in table.cells:
        assert cell.z is not None and abs(cell.z) < 3.3  # 16 cells, none beyond chance
        assert abs(cell.q) < 0.4  # Q is noisy where expected counts are near 5-10
    pw = table.cell("pursue", "withdraw")
    assert pw.probability == pytest.approx(0.3, abs=0.05)  # B's base rate, whatever A did
    assert abs(pw.z) < 2 and abs(pw.q) < 0.15


def test_permutation_p_values_are_roughly_uniform_without_a_contingency():
    p_values = []
    for seed in range(150):
        table = lag_table(markov(200, INDEPENDENT, seed=1000 + seed), "A", "B", 1, permutations=99, seed=seed)
        p_values.append(table.cell("pursue", "withdraw").p)
    p = np.array(p_values)
    # Counts are discrete and ties count as "as extreme", so the test is a little conservative
    # (mean p about .55 rather than .5): never more false alarms than its level.
    assert (p <= 0.05).mean() < 0.1  # a valid test: no more false alarms than its level (and some slack)
    assert 0.3 < (p <= 0.5).mean() < 0.7
    assert 0.4 < p.mean() < 0.65


def test_permutations_are_seeded_and_keep_each_partners_codes():
    sequence = markov(300, PURSUE_WITHDRAW, seed=4)
    one = lag_table(sequence, "B", "A", 1, permutations=100, seed=7)
    two = lag_table(sequence, "B", "A", 1, permutations=100, seed=7)
    assert [c.p for c in one.cells] == [c.p for c in two.cells]
    other = lag_table(sequence, "B", "A", 1, permutations=100, seed=8)
    assert [c.p for c in one.cells] != [c.p for c in other.cells]
    # Shuffling within each partner keeps B's base rates: B never pursues, so B:pursue never
    # appears in any permutation and its row stays empty (p None, with the small-count reason).
    assert one.cell("pursue", "neutral").p is None


# --------------------------------------------------------------------------- pairs


def test_three_partners_are_read_pair_by_pair():
    # A -> B -> C -> A, repeated: each directed pair has its own table.
    sequence = coded([("A", "pursue"), ("B", "withdraw"), ("C", "neutral")] * 12)
    stats = pair_statistics(sequence, lags=(1, 2), permutations=0)
    assert set(stats) == {(a, b) for a in "ABC" for b in "ABC" if a != b}
    assert stats[("A", "B")][0].counts[0] == (0, 12, 0, 0)  # A:pursue -> B:withdraw at lag 1
    assert stats[("B", "A")][0].total == 0  # B is never followed by A at lag 1 ...
    assert stats[("B", "A")][1].counts[1] == (11, 0, 0, 0)  # withdraw row: all answered by A's pursue
    assert stats[("B", "A")][1].total == 11  # ... but is at lag 2: B:withdraw -> A:pursue
    assert stats[("B", "A")][1].cell("withdraw", "pursue").count == 11
    assert stats[("C", "A")][0].cell("neutral", "pursue").count == 11
    with_self = pair_statistics(sequence, lags=(3,), permutations=0, self_pairs=True)
    assert with_self[("A", "A")][0].cell("pursue", "pursue").count == 11


def test_tables_serialise_to_json():
    table = lag_table(markov(200, PURSUE_WITHDRAW, seed=5), "A", "B", 1, permutations=20, seed=1)
    data = json.loads(json.dumps(table.to_json()))
    assert data["rows"] == list(CODES) and data["permutations"] == 20 and data["seed"] == 1
    assert len(data["cells"]) == 16 and {"count", "expected", "probability", "z", "q", "p", "reason"} <= set(
        data["cells"][0]
    )
