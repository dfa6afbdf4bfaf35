"""`cyclemap analyze`: one documented JSON document; plain results for conversations with little to read."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "analysis.schema.json").read_text())
SAMPLE = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "samples" / "WhatsApp Chat with Alex.txt"


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))


def analyze_json(cli, *args: str) -> dict:
    result = cli("analyze", "--json", "--permutations", "50", *args)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    return document


def write_turns(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("mode", "model"), [([], "blend.v5"), (["--fast"], "fast.v2")])
def test_sample_chat_gives_a_valid_document(cli, mode, model):
    document = analyze_json(cli, *mode, str(SAMPLE))
    assert document["participants"] == ["Sam", "Alex"]
    assert set(document["moves"]) == {"Sam", "Alex"}
    assert document["source"]["model"] == model


def test_a_vulnerable_bid_is_not_a_safety_alarm(cli):
    """"I get scared when you go quiet" is the codebook's own soften example, not fear of a partner."""
    document = analyze_json(cli, str(SAMPLE))
    assert document["safety"]["flagged"] is False


def coded_couple(conversations: int = 6, length: int = 40, seed: int = 3) -> list[dict]:
    """Sam pursues, Alex withdraws after it (and the reverse), coded by hand."""
    rng = random.Random(seed)
    rows = []
    start = datetime(2025, 1, 6, 19, 0)
    for c in range(conversations):
        move = "neutral"
        for i in range(length):
            speaker = "Sam" if i % 2 == 0 else "Alex"
            if speaker == "Sam":
                move = "pursue" if (move == "withdraw" or rng.random() < 0.3) else "neutral"
            else:
                move = "withdraw" if (move == "pursue" and rng.random() < 0.85) else "neutral"
            cue = {"pursue": "criticize", "withdraw": "shutdown", "neutral": None}[move]
            time = start + timedelta(days=7 * c, minutes=3 * i)
            rows.append({"conversation": f"c{c}", "speaker": speaker, "text": f"turn {i}", "time": time.isoformat(),
                         "move": move, "cue": cue, "safety": []})
    return rows


def test_coded_input_is_analysed_with_its_own_codes(tmp_path, cli):
    path = write_turns(tmp_path / "coded.jsonl", coded_couple())
    document = analyze_json(cli, str(path))
    assert document["source"]["turns_with_given_codes"] == 240
    assert document["overall"]["pattern"] == "pursue-withdraw"
    assert (document["overall"]["pursuer"], document["overall"]["withdrawer"]) == ("Sam", "Alex")
    lag1 = next(t for t in document["pairs"][0]["statistics"] if t["giver"] == "Sam" and t["lag"] == 1)
    assert lag1["rows"] == ["pursue", "withdraw", "soften", "neutral"]
    assert len(document["conversations"]) == 6


@pytest.mark.parametrize(
    "rows",
    [
        [{"speaker": "Sam", "text": "anyone there?"}],
        [{"speaker": "Sam", "text": "one"}, {"speaker": "Sam", "text": "two"}, {"speaker": "Sam", "text": "three"}],
        [{"speaker": None, "text": "Sam joined", "kind": "system"}, {"speaker": None, "text": "Alex left", "kind": "system"}],
        [{"speaker": "Sam" if i % 2 else "Alex", "text": "ok", "move": "neutral", "safety": []} for i in range(30)],
    ],
    ids=["one message", "one speaker", "only system lines", "all neutral"],
)
def test_little_to_read_gives_a_plain_result(tmp_path, cli, rows):
    document = analyze_json(cli, "--fast", str(write_turns(tmp_path / "turns.jsonl", rows)))
    assert document["overall"]["pattern"] in (None, "calm")
    assert document["overall"]["reason"]
    assert document["pairs"] == [] or document["pairs"][0]["pattern"] in (None, "calm")


def test_times_out_of_order_missing_and_a_daylight_saving_jump(tmp_path, cli):
    times = ["2025-10-26T02:30:00", "2025-10-26T02:10:00", None, "2025-10-26T01:50:00", "2025-10-25T23:00:00"]
    rows = [{"speaker": ["Sam", "Alex"][i % 2], "text": f"where are you?? {i}", "time": t} for i, t in enumerate(times * 6)]
    document = analyze_json(cli, "--fast", str(write_turns(tmp_path / "turns.jsonl", rows)))
    assert isinstance(document["notes"], list)


def test_analyze_prints_a_plain_summary_without_json(cli):
    result = cli("analyze", "--fast", "--permutations", "20", str(SAMPLE))
    assert result.exit_code == 0, result.stderr
    assert "The cycle:" in result.stdout and "no diagnosis" in result.stdout
    assert " is the problem" not in result.stdout


def test_bad_coded_input_names_the_line(tmp_path, cli):
    path = write_turns(tmp_path / "coded.jsonl", [{"speaker": "Sam", "text": "x", "move": "attack"}])
    result = cli("analyze", "--json", str(path))
    assert result.exit_code == 1 and f"{path}:1:" in result.stderr


def test_a_long_safe_chat_with_fights_does_not_cry_wolf(cli):
    jordan = SAMPLE.parent / "WhatsApp Chat with Jordan.txt"
    document = analyze_json(cli, str(jordan))
    assert document["safety"]["flagged"] is False
    assert document["overall"]["pattern"] == "pursue-withdraw"
    assert document["trends"]["change"]["verdict"] == "loosening"


def test_clear_danger_flags_the_conversation_and_says_so(tmp_path, cli):
    rows = [
        {"speaker": "Dan", "text": "where were you. send me a photo of where you are right now", "time": "2025-03-01T21:00:00"},
        {"speaker": "Mia", "text": "at Jess's, I told you this morning", "time": "2025-03-01T21:02:00"},
        {"speaker": "Dan", "text": "you're not going to her place again. give me your phone when you get home", "time": "2025-03-01T21:03:00"},
        {"speaker": "Mia", "text": "please don't be angry, I'm scared of what you'll do when I get back", "time": "2025-03-01T21:10:00"},
        {"speaker": "Dan", "text": "if you make me come get you I swear I'll hurt you", "time": "2025-03-01T21:11:00"},
    ]
    result = cli("analyze", "--permutations", "20", str(write_turns(tmp_path / "chat.jsonl", rows)))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("SAFETY:")
    assert "may not be a shared dance" in result.stdout
    document = analyze_json(cli, str(tmp_path / "chat.jsonl"))
    assert document["safety"]["flagged"] is True
    assert {"violence", "control"} <= set(document["safety"]["flags"])
