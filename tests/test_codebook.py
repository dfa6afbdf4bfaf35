"""The label set in code is exactly the shared codebook's."""

from __future__ import annotations

import re

import pytest

from cyclemap.codebook import CUES, LabelError, Move, Pattern, SafetyFlag, check_label, cues_of

from .conftest import SHARED


def codebook_text() -> str:
    path = SHARED / "CODEBOOK.md"
    if not path.is_file():
        pytest.skip("../shared/CODEBOOK.md is not beside this checkout")
    return path.read_text(encoding="utf-8")


def test_every_cue_of_the_codebook_belongs_to_the_same_move_here():
    sections = re.split(r"^### `(\w+)`", codebook_text(), flags=re.M)
    found: dict[str, str] = {}
    for move, body in zip(sections[1::2], sections[2::2], strict=True):
        table = body.split("\n## ")[0]
        for cue in re.findall(r"^\| `(\w+)` \|", table, flags=re.M):
            found[cue] = move
    assert found == {cue: move.value for cue, move in CUES.items()}
    assert set(found.values()) | {"neutral"} == {m.value for m in Move}


def test_safety_flags_and_patterns_match_the_codebook():
    text = codebook_text()
    flags_section = text.split("## Safety flags")[1].split("\n## ")[0]
    assert set(re.findall(r"^\| `(\w+)` \|", flags_section, flags=re.M)) == {f.value for f in SafetyFlag}
    patterns_section = text.split("## Patterns")[1]
    assert set(re.findall(r"^\| `([\w-]+)` \|", patterns_section, flags=re.M)) == {p.value for p in Pattern}


def test_check_label_accepts_codebook_labels_and_names_the_problem_otherwise():
    check_label("pursue", "criticize")
    check_label("neutral", None)
    check_label("soften", "vulnerable", ["fear"])
    with pytest.raises(LabelError, match="does not belong to move 'withdraw'"):
        check_label("withdraw", "criticize")
    with pytest.raises(LabelError, match="unknown move 'attack'"):
        check_label("attack", None)
    with pytest.raises(LabelError, match="needs a cue"):
        check_label("pursue", None)
    with pytest.raises(LabelError, match="unknown safety flag"):
        check_label("neutral", None, ["danger"])
    check_label("pursue", None, require_cue=False)


def test_neutral_has_no_cues_and_each_move_has_its_own():
    assert cues_of("neutral") == ()
    assert len(cues_of("pursue")) == 7 and len(cues_of("withdraw")) == 6 and len(cues_of("soften")) == 7
