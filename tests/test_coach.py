"""The coach: every alternative reads as soften, keeps the topic, carries no blame; safety comes first."""

from __future__ import annotations

import json

import pytest

from cyclemap.coach import blame_words, check_message, default_labeller
from cyclemap.coach.understand import read_draft
from cyclemap.model import Turn


@pytest.fixture(scope="module")
def labeller():
    return default_labeller()


def read_alone(labeller, text: str):
    """How cyclemap's default classifier reads a text on its own (an independent second reading)."""
    return labeller.label([[Turn(id="1", time=None, speaker="me", text=text)]])[0][0]


PURSUITS = {
    "you never help with the dishes": ("dishes",),
    "why didn't you text me back??": ("text",),
    "Sam, you forgot my birthday AGAIN": ("birthday", "Sam"),
    "ur always on ur phone, every single night": ("phone",),
}


@pytest.mark.parametrize(("draft", "kept"), PURSUITS.items())
def test_pursuit_alternatives_read_as_soften_keep_the_topic_and_carry_no_blame(labeller, draft, kept):
    result = check_message(draft, labeller=labeller)
    assert result.move == "pursue"
    assert 2 <= len(result.alternatives) <= 3
    assert len({a.kind for a in result.alternatives}) == len(result.alternatives)  # different kinds, not one reworded
    for alternative in result.alternatives:
        assert read_alone(labeller, alternative.text).move == "soften", alternative.text
        assert alternative.move == "soften"
        assert blame_words(alternative.text) == [], alternative.text
        for word in kept:
            assert word.lower() in alternative.text.lower(), (word, alternative.text)


def test_a_pursuit_keeps_its_concrete_request():
    result = check_message("you never help with the dishes")
    assert any("help with the dishes" in a.text for a in result.alternatives)
    assert result.evidence and any("never" in e.text.lower() for e in result.evidence)


@pytest.mark.parametrize(("draft", "context"), [
    ("whatever", ["we need to talk about the money"]),
    ("I'm going for a walk", []),
    ("it's fine, do what you want", ["you never listen to me"]),
])
def test_withdrawal_alternatives_name_the_overwhelm_and_a_time_to_come_back(labeller, draft, context):
    result = check_message(draft, context=context, labeller=labeller)
    assert result.move == "withdraw"
    assert result.alternatives
    for alternative in result.alternatives:
        assert read_alone(labeller, alternative.text).move == "soften"
        assert blame_words(alternative.text) == []
        text = alternative.text.lower()
        assert any(time in text for time in ("minutes", "half an hour", "an hour", "tomorrow")), text


def test_a_withdrawal_before_sleep_comes_back_in_the_morning():
    result = check_message("I'm going to bed.", context=["you always do this"])
    assert result.alternatives
    assert all("tomorrow" in a.text for a in result.alternatives)


def test_an_already_soft_draft_is_left_as_it_is():
    result = check_message("I miss you. Can we have dinner together tonight? I want to hear about your day.")
    assert result.already_soft
    assert result.alternatives == []
    assert "already" in result.note


def test_blame_inside_a_feeling_is_still_rewritten():
    """Codebook rule 1: "I'm lonely because you never talk to me" is a pursuit, whatever the model says."""
    result = check_message("I'm lonely because you never talk to me")
    assert not result.already_soft
    assert result.alternatives
    assert all("never" not in a.text.lower() for a in result.alternatives)


def test_a_neutral_draft_is_not_rewritten():
    result = check_message("can we get milk on the way home?")
    assert result.move == "neutral"
    assert result.alternatives == []
    assert "nothing to soften" in result.note


@pytest.mark.parametrize("draft", ["if you leave tonight I'll kill myself", "I'm going to hurt you if you walk out"])
def test_the_safety_screen_replaces_the_coaching(draft):
    result = check_message(draft)
    assert result.safety is not None
    assert result.alternatives == []
    assert result.safety.resources
    assert "shared dance" in result.note


def test_danger_in_the_context_also_stops_the_coaching():
    result = check_message("you never listen to me", context=["if you walk out I'll hurt you"])
    assert result.safety is not None
    assert result.alternatives == []


def test_an_empty_draft_gets_an_explanation():
    for draft in ("", "   \n"):
        result = check_message(draft)
        assert result.move is None and result.alternatives == []
        assert "empty" in result.note


def test_another_language_is_named_and_not_rewritten():
    result = check_message("No quiero hablar de esto ahora, déjame en paz por favor")
    assert result.move is None
    assert result.alternatives == []
    assert "English" in result.note


@pytest.mark.parametrize("sentence", [
    "You never help with the dishes and I am tired of asking again and again. ",
    "you never help with the dishes ",  # no punctuation at all: the request must not run on
])
def test_a_10000_character_draft_gets_a_sensible_answer(sentence):
    draft = (sentence * 400)[:10_000]
    result = check_message(draft)
    assert result.move == "pursue"
    assert "long message" in result.note
    assert result.alternatives
    assert all(len(a.text) < 400 for a in result.alternatives)
    assert all("dishes" in a.text for a in result.alternatives)


def test_the_json_has_the_contract_fields():
    data = json.loads(json.dumps(check_message("hello?? answer me").to_json()))
    assert {"move", "cue", "evidence", "alternatives", "already_soft", "safety", "note"} <= set(data)
    assert all({"text", "move", "confidence", "kind"} <= set(a) for a in data["alternatives"])


def test_reading_a_draft_finds_topic_request_and_names():
    reading = read_draft("Sam, u never help with the dishes")
    assert reading.topic == "the dishes"
    assert reading.request == "help with the dishes"
    assert reading.addressed == "Sam"


def test_blame_words_are_found():
    assert blame_words("you're so lazy, you always do this")
    assert blame_words("I feel alone with the dishes. Could you help tonight?") == []


def test_cli_check_prints_the_move_and_alternatives(cli):
    result = cli("check", "you never help with the dishes")
    assert result.exit_code == 0
    assert "pursue" in result.stdout
    assert "Softer ways to say it" in result.stdout


def test_cli_check_json_with_context(cli):
    result = cli("check", "--json", "fine.", "--context", "we need to talk about last night")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["move"] == "withdraw"
    assert data["alternatives"]


def test_cli_check_reads_standard_input(cli):
    result = cli("check", "--json", "-", input="why didn't you call me back??")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["move"] == "pursue"


def test_cli_check_shows_resources_when_the_safety_screen_fires(cli):
    result = cli("check", "I want to die, there's no point anymore")
    assert result.exit_code == 0
    assert "Softer ways" not in result.stdout
    assert "Emergency" in result.stdout or "emergency" in result.stdout


def test_the_local_model_option_needs_a_configuration_on_this_machine(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))
    missing = cli("check", "--llm", "you never help with the dishes")
    assert missing.exit_code == 1
    assert "no local language model is configured" in missing.stderr
    (tmp_path / "home").mkdir(exist_ok=True)
    (tmp_path / "home" / "coach_llm.json").write_text('{"endpoint": "https://api.example.com/v1", "model": "m"}')
    remote = cli("check", "--llm", "you never help with the dishes")
    assert remote.exit_code == 1
    assert "not on this machine" in remote.stderr


def test_the_offline_engine_is_the_default():
    assert check_message("you never help with the dishes").engine == "offline"


@pytest.mark.parametrize(("draft", "topic"), [
    ("you were on your phone the whole dinner", "your phone at dinner"),  # two topics
    ("you still haven't done your half of the wedding guest list", "the wedding guest list"),  # "X of Y"
    ("thanks for missing our anniversary. again.", "our anniversary"),  # the object after a gerund
    ("so we're spending Christmas with your family AGAIN", "Christmas with your family"),  # an occasion
    ("who is Sophie and why is she texting you at midnight", "Sophie"),  # a third person by name
    ("I called you 4 times and you never picked up", "the 4 times I called"),  # a count
    ("why do you always leave the car keys in the kitchen", "the car keys in the kitchen"),
    ("I can't do this conversation about the cost of the new car right now", "the new car"),
])
def test_the_topic_keeps_what_a_real_draft_is_about(draft, topic):
    assert read_draft(draft).topic == topic


def test_the_topic_leaves_out_durations_the_partner_and_blame():
    assert read_draft("you spent the whole evening on your laptop again").topic == "your laptop"
    assert read_draft("Sam, you forgot my birthday AGAIN").topic == "my birthday"  # Sam is who it is said to
    assert read_draft("oh great, so the car is my problem now").topic == "the car"


@pytest.mark.parametrize(("draft", "kept"), [
    ("you were on your phone the whole dinner", ("phone", "dinner")),
    ("you still haven't done your half of the wedding guest list", ("wedding guest list",)),
    ("who is Sophie and why is she texting you at midnight", ("Sophie",)),
])
def test_alternatives_keep_a_fuller_topic_and_still_read_as_soften(labeller, draft, kept):
    result = check_message(draft, labeller=labeller)
    assert result.move == "pursue"
    assert len(result.alternatives) >= 2
    for alternative in result.alternatives:
        assert read_alone(labeller, alternative.text).move == "soften", alternative.text
        assert blame_words(alternative.text) == [], alternative.text
        assert all(word.lower() in alternative.text.lower() for word in kept), alternative.text


@pytest.mark.parametrize("draft", ["¿Por qué nunca me escuchas?", "Warum redest du nie mit mir?", "Pourquoi tu ne me parles jamais?"])
def test_a_short_draft_in_another_language_gets_no_english_rewrite(draft):
    result = check_message(draft)
    assert result.alternatives == []
    assert "English" in result.note


@pytest.mark.parametrize("draft", ["come on, will you just answer me", "why do you never listen to me"])
def test_english_drafts_with_words_shared_by_other_languages_are_still_read(draft):
    result = check_message(draft)
    assert result.move == "pursue"
    assert result.alternatives
