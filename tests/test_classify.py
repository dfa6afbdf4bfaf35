"""`cyclemap classify`: one labelled line per input turn, in order, with evidence; cached; corrected."""

from __future__ import annotations

import json

import pytest

from cyclemap.classify import classify_stream, input_turns
from cyclemap.codebook import CUES, Move
from cyclemap.moves.cache import LabelCache
from cyclemap.moves.labeller import Labeller


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CYCLEMAP_HOME", str(home))
    return home


def write_turns(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS = [
    {"speaker": "Sam", "text": "can you pick up milk on the way home?", "time": "2025-03-01T17:00:00", "mine": 1},
    {"speaker": "Alex", "text": "sure", "time": "2025-03-01T17:02:00"},
    {"speaker": "Sam", "text": "you NEVER listen to me. why do I even bother talking to you", "time": "2025-03-01T21:00:00"},
    {"speaker": "Alex", "text": "", "time": "2025-03-01T21:05:00"},
    {"speaker": "Sam", "text": "😢😢😢", "time": "2025-03-01T21:06:00"},
    {"speaker": "Alex", "text": "x" * 100_000, "time": "2025-03-01T21:07:00"},
    {"speaker": "Sam", "text": "Je ne sais pas pourquoi tu fais ça.", "time": "2025-03-01T21:08:00"},
]


@pytest.mark.parametrize("mode", [[], ["--fast"]])
def test_one_output_line_per_input_turn_in_order(tmp_path, cli, mode):
    path = write_turns(tmp_path / "turns.jsonl", ROWS)
    result = cli("classify", str(path), *mode)
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in out] == [r["text"] for r in ROWS]
    assert out[0]["mine"] == 1  # the input's own fields are kept
    for row in out:
        assert row["move"] in {m.value for m in Move}
        assert row["cue"] is None if row["move"] == "neutral" else CUES[row["cue"]].value == row["move"]
        assert 0.0 <= row["confidence"] <= 1.0
        assert isinstance(row["evidence"], list) and isinstance(row["safety"], list)
    assert out[3]["move"] == "neutral" and out[3]["confidence"] < 0.5  # empty text


def test_a_chat_export_is_classified_too(cli, fixtures):
    result = cli("classify", "--fast", str(fixtures / "transcripts" / "session.txt"))
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["kind"] == "system" and rows[0]["move"] == "neutral"
    assert [r["text"] for r in rows] == [t["text"] for t in cli.parse(str(fixtures / "transcripts" / "session.txt"))]


def test_evidence_points_into_the_text(tmp_path):
    path = write_turns(tmp_path / "turns.jsonl", ROWS[:3])
    rows = list(classify_stream(input_turns(path), Labeller(fast=True)))
    blame = rows[2]
    assert blame.label.move is Move.PURSUE
    spans = [e for e in blame.label.evidence if e.start is not None]
    assert spans and all(blame.turn.text[e.start:e.end] == e.text for e in spans)


def test_missing_field_and_broken_line_name_the_line(tmp_path, cli):
    path = write_turns(tmp_path / "turns.jsonl", [ROWS[0], {"speaker": "Alex"}])
    result = cli("classify", "--fast", "--format", "jsonl", str(path))
    assert result.exit_code == 1 and f"{path}:2: missing field 'text'" in result.stderr
    path.write_text(json.dumps(ROWS[0]) + "\n{oops\n", encoding="utf-8")
    result = cli("classify", "--fast", "--format", "jsonl", str(path))
    assert result.exit_code == 1 and f"{path}:2: broken JSON line" in result.stderr


def test_cache_makes_a_second_run_and_appended_messages_cheap(tmp_path):
    path = write_turns(tmp_path / "turns.jsonl", ROWS[:3])
    cache = LabelCache(tmp_path / "cache.sqlite")
    first = Labeller(fast=True, cache=cache)
    labels = [r.label for r in classify_stream(input_turns(path), first)]
    assert first.computed == 3
    again = Labeller(fast=True, cache=cache)
    assert [r.label.move for r in classify_stream(input_turns(path), again)] == [l.move for l in labels]
    assert again.computed == 0
    write_turns(path, ROWS[:3] + [{"speaker": "Alex", "text": "ok.", "time": "2025-03-01T21:30:00"}])
    appended = Labeller(fast=True, cache=cache)
    list(classify_stream(input_turns(path), appended))
    assert appended.computed == 1


def test_cache_holds_no_message_text(tmp_path):
    path = write_turns(tmp_path / "turns.jsonl", ROWS[:3])
    cache = LabelCache(tmp_path / "cache.sqlite")
    list(classify_stream(input_turns(path), Labeller(fast=True, cache=cache)))
    cache.close()
    raw = (tmp_path / "cache.sqlite").read_bytes()
    assert b"milk" not in raw and b"Sam" not in raw


def test_corrections_override_the_model(tmp_path, cli):
    path = write_turns(tmp_path / "turns.jsonl", [dict(r, id=f"t{i}") for i, r in enumerate(ROWS[:3])])
    fixes = write_turns(tmp_path / "fixes.jsonl", [{"turn": "t1", "move": "withdraw", "cue": "shutdown", "note": "tense"}])
    result = cli("classify", "--fast", str(path), "--corrections", str(fixes))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert (rows[1]["move"], rows[1]["cue"], rows[1]["confidence"]) == ("withdraw", "shutdown", 1.0)
    assert rows[1]["evidence"][0]["reason"] == "corrected by a person"
    bad = write_turns(tmp_path / "bad.jsonl", [{"turn": "t1", "move": "withdraw", "cue": "criticize"}])
    result = cli("classify", "--fast", str(path), "--corrections", str(bad))
    assert result.exit_code == 1 and f"{bad}:1:" in result.stderr


def test_labels_do_not_depend_on_block_boundaries(tmp_path, monkeypatch):
    import cyclemap.classify as module

    rows = [{"speaker": "Sam" if i % 3 else "Alex", "text": f"message {i} about the {['car', 'kids', 'rent'][i % 3]}?"} for i in range(40)]
    path = write_turns(tmp_path / "turns.jsonl", rows)
    whole = [r.label.move for r in classify_stream(input_turns(path), Labeller(fast=True))]
    monkeypatch.setattr(module, "BLOCK", 7)
    blocked = [r.label.move for r in classify_stream(input_turns(path), Labeller(fast=True))]
    assert blocked == whole


def test_corrections_export_as_training_rows_with_context(tmp_path, cli):
    from cyclemap.evaluation import read_labelled

    path = write_turns(tmp_path / "turns.jsonl", [dict(r, id=f"t{i}") for i, r in enumerate(ROWS[:3])])
    fixes = write_turns(tmp_path / "fixes.jsonl", [{"turn": "t2", "move": "pursue", "cue": "criticize"}])
    out = tmp_path / "training.jsonl"
    result = cli("classify", "--fast", str(path), "--corrections", str(fixes), "--export-corrections", str(out))
    assert result.exit_code == 0, result.stderr
    rows = read_labelled(out)
    assert [(r.turn.id, r.move, r.cue) for r in rows] == [("t2", "pursue", "criticize")]
    record = json.loads(out.read_text(encoding="utf-8"))
    assert [c["text"] for c in record["context"]] == [ROWS[0]["text"], ROWS[1]["text"]]
    again = cli("classify", "--fast", str(path), "--corrections", str(fixes), "--export-corrections", str(out))
    assert again.exit_code == 1 and "does not overwrite" in again.stderr


def test_block_context_looks_past_media_and_system_lines(tmp_path, monkeypatch):
    import cyclemap.classify as module

    rows = [{"speaker": "A" if i % 2 else "B", "text": f"what time is dinner {i}"} for i in range(8)]
    rows += [{"speaker": "A", "text": "why didn't you answer me?? where were you"}]
    rows += [{"speaker": "A", "text": "<Media omitted>", "kind": "media"} for _ in range(3)]
    rows += [{"speaker": "B", "text": "fine"}]
    path = write_turns(tmp_path / "turns.jsonl", rows)
    whole = [r.label for r in classify_stream(input_turns(path), Labeller(fast=True))]
    monkeypatch.setattr(module, "BLOCK", 12)  # the reply starts a new block right after three media turns
    blocked = [r.label for r in classify_stream(input_turns(path), Labeller(fast=True))]
    assert [(l.move, l.cue) for l in blocked] == [(l.move, l.cue) for l in whole]


def test_cached_labels_never_outlive_their_weights(tmp_path, monkeypatch):
    from cyclemap.moves.shipped import ShippedFastModel

    path = write_turns(tmp_path / "turns.jsonl", ROWS[:3])
    cache = LabelCache(tmp_path / "cache.sqlite")
    list(classify_stream(input_turns(path), Labeller(fast=True, cache=cache)))
    monkeypatch.setattr(ShippedFastModel, "version", lambda self: "fast.v1:retrained")
    again = Labeller(fast=True, cache=cache)
    list(classify_stream(input_turns(path), again))
    assert again.computed == 3


def test_a_correction_without_conversation_applies_and_unused_ones_are_reported(tmp_path, cli):
    rows = [dict(r, id=f"t{i}", conversation="c1") for i, r in enumerate(ROWS[:3])]
    path = write_turns(tmp_path / "turns.jsonl", rows)
    fixes = write_turns(tmp_path / "fixes.jsonl", [
        {"turn": "t1", "move": "withdraw", "cue": "shutdown"},
        {"turn": "t99", "move": "soften", "cue": "repair"},
    ])
    result = cli("classify", "--fast", str(path), "--corrections", str(fixes))
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[1]["move"] == "withdraw"
    assert "1 correction(s) matched no message turn" in result.stderr and "t99" in result.stderr


def test_interleaved_conversations_are_refused(tmp_path, cli):
    rows = [{"conversation": c, "speaker": s, "text": "hi"} for c, s in [("x", "A"), ("y", "B"), ("x", "A")]]
    result = cli("classify", "--fast", str(write_turns(tmp_path / "turns.jsonl", rows)))
    assert result.exit_code == 1 and "not consecutive" in result.stderr


def test_an_empty_input_is_an_error_not_an_empty_result(tmp_path, cli):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    result = cli("classify", "--fast", "--format", "jsonl", str(path))
    assert result.exit_code == 1 and "no turns" in result.stderr


def test_a_long_repetitive_message_is_read_in_linear_time(tmp_path, cli):
    path = write_turns(tmp_path / "turns.jsonl", [{"speaker": "A", "text": "the gun show. " * 20_000}])
    result = cli("classify", "--fast", str(path))
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1


def test_a_failed_export_leaves_no_file(tmp_path, cli):
    path = write_turns(tmp_path / "turns.jsonl", [dict(ROWS[0], id="t0"), {"speaker": "B"}])
    fixes = write_turns(tmp_path / "fixes.jsonl", [{"turn": "t0", "move": "neutral"}])
    out = tmp_path / "training.jsonl"
    result = cli("classify", "--fast", "--format", "jsonl", str(path), "--corrections", str(fixes), "--export-corrections", str(out))
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixes.jsonl", "home", "turns.jsonl"] or not out.exists()
    assert not out.exists()
