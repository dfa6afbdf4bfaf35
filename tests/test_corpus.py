"""The labelled corpus: valid by the codebook, large and varied enough, split by conversation."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from cyclemap.codebook import CUES, SafetyFlag
from cyclemap.evaluation import read_labelled

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def load_build():
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_build"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with (CORPUS / "cyclemap-corpus.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_compiled_corpus_is_up_to_date_with_its_sources(tmp_path):
    build = load_build()
    conversations = build.read_tree(CORPUS / "src")
    build.apply_adjudication(conversations)
    build.compile_corpus(conversations, tmp_path)
    assert build.markdown_stats(conversations) == (CORPUS / "STATS.md").read_text(encoding="utf-8")
    for name in ("cyclemap-corpus", "train", "dev", "test"):
        fresh = (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8")
        assert fresh == (CORPUS / f"{name}.jsonl").read_text(encoding="utf-8"), f"run python3 corpus/build.py ({name})"
    build.compile_heldout(CORPUS / "heldout", tmp_path)
    for path in (CORPUS / "heldout").glob("*.txt"):
        fresh = (tmp_path / f"{path.stem}.jsonl").read_text(encoding="utf-8")
        assert fresh == (CORPUS / "heldout" / f"{path.stem}.jsonl").read_text(encoding="utf-8"), path.name


def test_corpus_reaches_the_sizes_the_models_need(rows):
    conversations = {row["conversation"] for row in rows}
    assert len(rows) >= 10_000
    assert len(conversations) >= 600
    cues = Counter(row["cue"] for row in rows if row["cue"])
    assert {cue: cues[cue] for cue in CUES if cues[cue] < 100} == {}
    flags = Counter(flag for row in rows for flag in row["safety"])
    assert {flag.value: flags[flag.value] for flag in SafetyFlag if flags[flag.value] < 300} == {}
    assert sum(1 for row in rows if row["hard_negative"]) >= 1000
    assert {row["medium"] for row in rows} == {"chat", "speech"}


def test_heldout_set_shares_no_conversation_with_the_corpus(rows):
    heldout = {r.turn.conversation for p in (CORPUS / "heldout").glob("*.jsonl") for r in read_labelled(p)}
    assert heldout and not heldout & {row["conversation"] for row in rows}


def test_splits_never_share_a_conversation():
    seen: dict[str, str] = {}
    for split in ("train", "dev", "test"):
        for row in read_labelled(CORPUS / f"{split}.jsonl"):
            conversation = row.turn.conversation
            assert seen.setdefault(conversation, split) == split, conversation


def test_every_corpus_file_reads_as_labelled_data():
    rows = read_labelled(CORPUS / "cyclemap-corpus.jsonl")
    assert all(row.move in ("pursue", "withdraw", "soften", "neutral") for row in rows)
