"""A person may correct a turn's move without naming a cue; everything downstream follows it."""

from __future__ import annotations

import json
from importlib import resources

SAMPLE = resources.files("cyclemap") / "samples" / "WhatsApp Chat with Alex.txt"


def test_a_correction_with_a_move_and_no_cue_is_applied(cli, tmp_path):
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_text(json.dumps({"turn": "2", "move": "soften"}) + "\n", encoding="utf-8")
    result = cli("classify", str(SAMPLE), "--corrections", str(corrections), "--no-cache")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    corrected = next(row for row in rows if row["id"] == "2")
    assert corrected["move"] == "soften"
    assert corrected["cue"] is None
    assert corrected["evidence"][0]["reason"] == "corrected by a person"


def test_a_correction_whose_cue_belongs_to_another_move_is_refused(cli, tmp_path):
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_text(json.dumps({"turn": "2", "move": "soften", "cue": "stonewall"}) + "\n", encoding="utf-8")
    result = cli("classify", str(SAMPLE), "--corrections", str(corrections), "--no-cache")
    assert result.exit_code == 1
    assert "corrections.jsonl:1:" in result.stderr and "soften" in result.stderr
