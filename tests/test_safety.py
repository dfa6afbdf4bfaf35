"""The safety screen: direct and indirect signs fire, figures of speech do not, and the evidence names the words.

A representative sample only (the full sets are measured by bench/safety_screen.py). These run the
lexicon alone (``screen_text`` with no model), which is what fires on its own; the model's bars are
checked through ``decide``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cyclemap import safety
from cyclemap.safety import FLAGS, SafetyFinding, conversation_flagged, decide, phrase_evidence, screen_text
from cyclemap.safety_lexicon import Lexicon, compile_lexicon, lexicon, normalise, normalised_text

ROOT = Path(__file__).resolve().parent.parent

FIRES = {
    "violence": [
        "if you go I swear I'll hurt you",  # direct threat
        "you shoved me into the door",  # harm done
        "you'd be sorry if you went to that party",  # the indirect threat
        "don't make me do something we'll both regret",
        "I know where your sister lives",
        "ima beat ur ass when u get back",  # texting
        "And then he, um, he grabbed me by the neck.",  # speech with a filler
        "I told the nurse I slipped in the shower",  # a cover story
        "Il m'a frappée devant les enfants",
    ],
    "control": [
        "give me your phone now, I want to see who you've been texting",
        "He checks my phone every night before bed",  # checking the other's phone
        "you're not allowed to see your sister anymore",  # forbidding family
        "It's me or your mother. Choose.",
        "one call to immigration and you're gone",
        "I'll tell your parents you're gay if you go",
        "you'll never see the kids again if you leave",
        "gimme ur phone rn",
        "she takes my wages and gives me twenty quid a week",
    ],
    "self_harm": [
        "I want to kill myself",
        "you'd all be better off without me",
        "I'll be gone and then you'll see",  # the indirect goodbye
        "this is the last message you'll get from me",
        "kms",
        "im gonna unalive myself",
        "I've been saving up my sleeping pills",
        "its only 9 floors",
        "Me quiero morir",
    ],
    "fear": [
        "I'm scared of what you'll do",
        "I'm walking on eggshells all the time",
        "I'm afraid to come home tonight",
        "I don't feel safe with you anymore",
        "he'll kill me if he finds out I told you",
        "im so scared of him rn",
        "Um, I'm, uh, terrified of him",
        "J'ai peur de toi",
    ],
}

CALM = [
    "this traffic is killing me",  # the codebook's figure of speech
    "my feet are killing me in these heels",
    "I'll kill you if you eat the last slice 😂",  # an obvious joke
    "lol I'm gonna murder you for spoiling the finale",
    "that film where he kills his wife was so dark",  # a film
    "the villain strangles the detective in episode 4",
    "I got punched in the face at boxing, fine though",  # sport
    "gonna destroy you at mario kart later",
    "can you sharpen the knife? I need to chop the onions",  # cooking
    "my boss will kill me if this report is late",  # a work deadline
    "I'm scared of spiders, you know that",  # fear, but not of the partner
    "I get scared when you go quiet for days",  # a soft bid cyclemap coaches
    "I'm terrified of losing you",
    "send me a pic of the dress! want to see",
    "what's the netflix password again?",
    "I won't be around tomorrow, work trip till Thursday",
    "I took two paracetamol for the headache",
    "keep this up and I'm gone, I mean it",  # an ultimatum is a pursuit, not a safety flag
    "see you at six",
    "",
]


@pytest.mark.parametrize(("flag", "text"), [(f, t) for f, texts in FIRES.items() for t in texts])
def test_direct_and_indirect_signs_fire_with_the_words_as_evidence(flag, text):
    findings = screen_text(text)
    assert findings, text
    assert flag in findings[0].flags
    evidence = next(e for e in findings[0].evidence if e.reason.startswith(f"safety: {flag}"))
    assert evidence.start is not None and evidence.text
    assert text[evidence.start:evidence.end] == evidence.text  # the exact words of the message


@pytest.mark.parametrize("text", CALM)
def test_figures_of_speech_films_jokes_and_soft_bids_do_not_fire(text):
    assert screen_text(text) == []


def test_evidence_names_the_threatening_words():
    finding = screen_text("honestly, if you walk out that door I swear I will hurt you")[0]
    assert finding.flags == ("violence",)
    assert "hurt you" in finding.evidence[0].text
    assert finding.clear  # words alone make a clear sign: the conversation is flagged
    assert conversation_flagged([finding])


def test_a_guard_is_cancelled_by_sincerity():
    assert screen_text("lol") == []
    assert screen_text("gonna kms lol") == []  # a joke between calm partners
    assert "self_harm" in screen_text("lol no im not joking, gonna kms")[0].flags


def test_a_possible_sign_needs_the_models_support():
    hits, held = safety.scan("please don't be angry, I'll fix it")
    assert [h.flag for h in hits] == ["fear"] and hits[0].level == "possible"
    assert decide(hits, held, [0.0, 0.0, 0.0, 0.0])[0] == ()
    flags, evidence = decide(hits, held, [0.0, 0.0, 0.0, 0.95])
    assert flags == ("fear",) and evidence[0].text == "please don't be angry"


def test_the_model_alone_needs_a_higher_bar_where_a_film_or_a_joke_is_named():
    bar, guarded = safety.MODEL_THRESHOLDS["control"], safety.GUARDED_THRESHOLDS["control"]
    assert guarded > bar
    reading = [0.0, (bar + guarded) / 2, 0.0, 0.0]
    plain = decide(*safety.scan("where were you"), reading)[0]
    joking = decide(*safety.scan("where were you lol"), reading)[0]
    assert plain == ("control",) and joking == ()


def test_conversation_rule_one_clear_or_a_cluster_of_possible_signs():
    def possible(position: int) -> SafetyFinding:
        return SafetyFinding(str(position), "A", ("control",), (safety.Evidence("safety: control (possible)", "x"),), position)

    assert conversation_flagged([]) is False
    assert conversation_flagged([possible(0), possible(4)]) is False
    assert conversation_flagged([possible(0), possible(4), possible(9)]) is True
    assert conversation_flagged([possible(0), possible(9), possible(20)]) is False


def test_phrase_evidence_keeps_its_shape_for_the_coach():
    found = phrase_evidence("I swear I'll kill you")
    assert set(found) == {"violence"}
    assert found["violence"].reason == "safety: violence"


def test_screen_text_can_read_a_draft_with_the_fast_model():
    findings = screen_text("you'd be sorry if you went", model="fast.v1")
    assert findings and "violence" in findings[0].flags


def test_normalising_keeps_a_map_back_to_the_original_words():
    text = "I’LL   Kill\u00a0YOU!!!"
    norm = normalise(text)
    assert norm.text == "ill kill you!!" == normalised_text(text)
    start = norm.text.index("kill")
    assert text[slice(*norm.span(start, start + 8))] == "Kill\u00a0YOU"


def test_the_data_file_is_well_formed():
    raw = json.loads((ROOT / "src/cyclemap/data/safety_patterns.json").read_text(encoding="utf-8"))
    for family in raw["families"]:
        assert family["flag"] in FLAGS and family["level"] in ("clear", "possible"), family["id"]
        assert family["comment"].strip(), family["id"]
        assert set(family.get("guards", [])) <= set(raw["guards"]), family["id"]
    for name in raw["context_guards"]:
        assert name in raw["guards"]
    every = lexicon()
    for family in every.families:  # no pattern may match an empty turn or plain words
        assert not family.pattern.search(""), family.id
        assert not family.pattern.search("see you at six for dinner"), family.id
    for guard in every.guards.values():
        assert not guard.pattern.search(""), guard.id
    with pytest.raises(ValueError, match="unknown guard"):
        compile_lexicon({"families": [{"id": "x", "flag": "fear", "level": "clear", "patterns": ["a"], "guards": ["nope"]}]})


def test_thresholds_cover_every_flag():
    assert set(safety.MODEL_THRESHOLDS) == set(safety.SUPPORT_THRESHOLDS) == set(safety.GUARDED_THRESHOLDS) == set(FLAGS)
    assert safety.PHRASE_THRESHOLD == 0.0  # the labeller may never skip a turn the words alone would flag


def _texts() -> list[str]:
    texts = []
    for name in ("corpus/cyclemap-corpus.jsonl", "corpus/heldout/safety.jsonl", "corpus/safety/tuning.jsonl",
                 "corpus/safety/report.jsonl"):
        path = ROOT / name
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def test_the_gate_never_hides_a_match():
    """The gate (a cheap word check) only skips turns the full search would find nothing in."""
    texts = _texts() + [t for ts in FIRES.values() for t in ts] + CALM
    shipped = lexicon()
    ungated = Lexicon(shipped.families, shipped.guards)
    for text in texts:
        assert shipped.scan(text) == ungated.scan(text), text


def test_the_safety_sets_are_built_from_their_text_files():
    for name in ("tuning", "report"):
        source = ROOT / "corpus" / "safety" / f"{name}.txt"
        built = ROOT / "corpus" / "safety" / f"{name}.jsonl"
        if not source.exists():
            pytest.skip("safety sets absent")
        lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
        rows = [json.loads(line) for line in built.read_text(encoding="utf-8").splitlines()]
        assert [r["text"] for r in rows] == [line.split("|", 2)[2].strip() for line in lines]
        positives = [r for r in rows if r["kind"] == "positive"]
        negatives = [r for r in rows if r["kind"] == "hard_negative"]
        assert len(positives) >= 200 and len(negatives) >= 200
        assert all(r["safety"] for r in positives) and all(r["hard_negative"] and not r["safety"] for r in negatives)
        assert all(re.fullmatch(r"[a-z_]+", r["style"]) for r in rows)
