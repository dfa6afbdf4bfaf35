"""blend.v3's codebook rules on turns that name no speaker (JSON Lines without a speaker, say)."""

from __future__ import annotations

import json

from cyclemap.moves import rules

from .test_blend_v3 import chat, move_of, uniform


def test_a_stage_direction_beside_a_turn_with_no_speaker_still_reads_as_said_to_someone_else():
    turns = chat((None, "you always do this"), ("Alex", "(to Dana) put your shoes on please"))
    assert move_of(rules.correct(uniform(1), turns, [1], {})[0]) == "neutral"


def test_classify_with_blend_v3_reads_a_chat_with_an_unnamed_speaker(cli, data_home, tmp_path):
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in [
        {"speaker": None, "text": "you never listen"},
        {"speaker": "Sam", "text": "(to Alex) two coffees please"},
        {"speaker": "Sam", "text": "ok."},
    ]), encoding="utf-8")
    result = cli("classify", "--model", "blend.v3", "--no-cache", str(path))
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
