"""`cyclemap eval`: scores checked against hand-worked tables; bad files stop with the line named."""

from __future__ import annotations

import json

import pytest

from cyclemap.evaluation.metrics import cohen_kappa, score


def test_scores_match_a_hand_worked_table():
    gold = ["pursue", "pursue", "pursue", "withdraw", "withdraw", "neutral", "neutral", "neutral", "neutral", "soften"]
    pred = ["pursue", "pursue", "neutral", "withdraw", "neutral", "neutral", "neutral", "pursue", "neutral", "soften"]
    result = score(gold, pred)
    assert result.accuracy == pytest.approx(0.7)
    # pursue: tp 2, predicted 3, gold 3 -> P = R = F1 = 2/3
    assert result.per_class["pursue"].f1 == pytest.approx(2 / 3)
    # withdraw: tp 1, predicted 1, gold 2 -> P 1, R .5, F1 2/3
    assert result.per_class["withdraw"].precision == pytest.approx(1.0)
    assert result.per_class["withdraw"].f1 == pytest.approx(2 / 3)
    # neutral: tp 3, predicted 5, gold 4 -> P .6, R .75, F1 2/3
    assert result.per_class["neutral"].f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert result.per_class["soften"].f1 == pytest.approx(1.0)
    assert result.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 2 * 0.6 * 0.75 / 1.35 + 1) / 4)
    # p_o = .7; p_e = (3*3 + 2*1 + 4*5 + 1*1) / 100 = .32; kappa = .38 / .68
    assert result.kappa == pytest.approx(0.38 / 0.68)
    assert result.confusion["pursue"]["neutral"] == 1
    assert result.confusion["neutral"]["pursue"] == 1


def test_kappa_extremes():
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == pytest.approx(1.0)
    assert cohen_kappa(["a", "a", "b", "b"], ["b", "b", "a", "a"]) == pytest.approx(-1.0)


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS = [
    {"conversation": "c1", "speaker": "Sam", "text": "you never call", "move": "pursue", "cue": "criticize"},
    {"conversation": "c1", "speaker": "Alex", "text": "fine.", "move": "withdraw", "cue": "shutdown"},
    {"conversation": "c1", "speaker": "Sam", "text": "I miss you", "move": "soften", "cue": "vulnerable"},
    {"conversation": "c2", "speaker": "Jo", "text": "milk?", "move": "neutral"},
]


def test_eval_with_predictions_prints_scores_and_baselines(tmp_path, cli):
    labelled = write_jsonl(tmp_path / "gold.jsonl", ROWS)
    predicted = write_jsonl(tmp_path / "pred.jsonl", [{"move": r["move"]} for r in ROWS])
    result = cli("eval", str(labelled), "--predictions", str(predicted), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["scores"]["accuracy"] == 1.0
    assert report["scores"]["kappa"] == 1.0
    assert report["conversations"] == 2
    assert set(report["baselines"]) == {"majority.v1", "keywords.v1"}
    text = cli("eval", str(labelled), "--predictions", str(predicted)).stdout
    assert "macro-F1" in text and "confusion matrix" in text and "baseline keywords.v1" in text


def test_eval_runs_a_registered_model(tmp_path, cli):
    labelled = write_jsonl(tmp_path / "gold.jsonl", ROWS)
    report = json.loads(cli("eval", str(labelled), "--model", "keywords.v1", "--json").stdout)
    assert report["system"] == "keywords.v1"
    assert report["scores"]["per_move"]["pursue"]["support"] == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"speaker": "Sam", "text": "x", "move": "attack"}, "unknown move 'attack'"),
        ({"speaker": "Sam", "text": "x", "move": "pursue", "cue": "shutdown"}, "cue 'shutdown' does not belong"),
        ({"speaker": "Sam", "text": "x"}, "missing field 'move'"),
        ({"speaker": "Sam", "move": "neutral"}, "missing field 'text'"),
    ],
)
def test_bad_labelled_line_is_named(tmp_path, cli, bad, message):
    labelled = write_jsonl(tmp_path / "gold.jsonl", [*ROWS[:2], bad])
    result = cli("eval", str(labelled))
    assert result.exit_code == 1
    assert f"{labelled}:3: {message}" in result.stderr


def test_broken_line_and_wrong_length_predictions(tmp_path, cli):
    labelled = write_jsonl(tmp_path / "gold.jsonl", ROWS)
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(ROWS[0]) + "\n{not json\n", encoding="utf-8")
    result = cli("eval", str(broken))
    assert result.exit_code == 1 and f"{broken}:2: broken JSON line" in result.stderr
    short = write_jsonl(tmp_path / "pred.jsonl", [{"move": "neutral"}] * 3)
    result = cli("eval", str(labelled), "--predictions", str(short))
    assert result.exit_code == 1
    assert "has 3 predictions for 4 labelled turns" in result.stderr
    assert result.stdout == ""


def test_unknown_model_is_refused(tmp_path, cli):
    labelled = write_jsonl(tmp_path / "gold.jsonl", ROWS)
    result = cli("eval", str(labelled), "--model", "oracle.v9")
    assert result.exit_code == 1 and "unknown model 'oracle.v9'" in result.stderr


def test_calibration_table_by_hand():
    from cyclemap.evaluation.metrics import calibration

    result = calibration([0.95, 0.85, 0.82, 0.35, 0.31], [True, True, False, True, False])
    bins = {row["bin"]: row for row in result["bins"]}
    assert bins["0.8-0.9"]["n"] == 2 and bins["0.8-0.9"]["accuracy"] == 0.5
    assert bins["0.9-1.0"]["accuracy"] == 1.0
    # ECE = (1*|.95-1| + 2*|.835-.5| + 2*|.33-.5|) / 5
    assert result["ece"] == pytest.approx((0.05 + 2 * 0.335 + 2 * 0.17) / 5, abs=1e-4)


def test_shipped_fast_model_reports_safety_and_calibration(tmp_path, cli):
    rows = [
        {"conversation": "c1", "speaker": "Sam", "text": "if you go to that party I swear you'll regret it", "move": "pursue", "cue": "escalate", "safety": ["violence"]},
        {"conversation": "c1", "speaker": "Alex", "text": "this traffic is killing me lol", "move": "neutral", "hard_negative": True},
        {"conversation": "c1", "speaker": "Sam", "text": "ok see you at 6", "move": "neutral"},
    ]
    labelled = write_jsonl(tmp_path / "gold.jsonl", rows)
    report = json.loads(cli("eval", str(labelled), "--model", "fast.v1", "--json").stdout)
    assert report["safety"]["per_flag"]["violence"]["support"] == 1
    assert report["safety"]["hard_negatives"] == 1
    assert sum(b["n"] for b in report["calibration"]["bins"]) == 3
