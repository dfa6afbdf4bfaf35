"""Episodes: tense stretches, their endings, repair times, hot moments and topics."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from cyclemap.codebook import Move
from cyclemap.cycle.coded import CodedTurn
from cyclemap.cycle.episodes import Ending, episode_topic, find_episodes, turn_tension, words

START = datetime(2025, 3, 1, 19, 0)
Row = tuple  # (speaker, move, cue, text) or (..., minutes from START)


def coded(rows: list[Row], *, timed: bool = True, conversation: str | None = None) -> list[CodedTurn]:
    """Rows -> coded turns; without minutes, turns are one minute apart."""
    out = []
    for i, row in enumerate(rows):
        speaker, move, cue, text, *rest = row
        minute = rest[0] if rest else i
        source = "silence" if text == "<silence>" else "burst" if text == "<burst>" else "turn"
        out.append(CodedTurn(
            index=i, speaker=speaker, move=Move(move), cue=cue,
            time=START + timedelta(minutes=minute) if timed else None, text=text,
            conversation=conversation, source=source, turn_id=f"t{i}" if source == "turn" else None,
        ))
    return out


DISHES = [
    ("Sam", "pursue", "criticize", "You never help with the dishes, the kitchen is a mess"),
    ("Alex", "withdraw", "shutdown", "whatever"),
    ("Sam", "pursue", "escalate", "I'm sick of cleaning up after you"),
    ("Alex", "soften", "validate", "You're right, I get why that hurts. I'll do the dishes tonight"),
    ("Sam", "neutral", None, "ok"),
    ("Sam", "neutral", None, "what's for dinner?"),
]


def only(report):
    assert len(report.episodes) == 1, report.to_json()
    return report.episodes[0]


# --- finding and ending ---------------------------------------------------

def test_a_fight_softened_by_validation():
    ep = only(find_episodes(coded(DISHES)))
    assert (ep.start.turn_id, ep.end.turn_id) == ("t0", "t3")  # trailing small talk is not part of it
    assert ep.participants == ["Sam", "Alex"]
    assert ep.ending is Ending.SOFTENED
    assert ep.peak.turn_id == "t2"  # the escalation
    assert ep.repair_from_start == timedelta(minutes=3)
    assert ep.repair_from_peak == timedelta(minutes=1)
    assert ep.closing_soften is not None and ep.closing_soften.turn_id == "t3"


def test_a_softening_answered_by_a_softening_is_a_repair():
    rows = DISHES[:4] + [("Sam", "soften", "vulnerable", "Thank you. I just feel alone with it sometimes")]
    ep = only(find_episodes(coded(rows)))
    assert ep.ending is Ending.REPAIRED
    assert ep.end.turn_id == "t4"
    assert ep.repair_from_start == timedelta(minutes=3)  # the first soften that ended it


def test_a_softening_followed_by_re_escalation_does_not_end_it():
    rows = [
        ("Sam", "pursue", "criticize", "You always forget"),
        ("Alex", "soften", "repair", "I'm sorry, that's on me"),
        ("Sam", "pursue", "escalate", "Sorry isn't enough, I'm done with this"),
        ("Alex", "withdraw", "exit", "I'm going out"),
    ]
    ep = only(find_episodes(coded(rows)))
    assert ep.ending is Ending.EXIT
    assert ep.repair_from_start is None
    kinds = {m.kind: m.point.turn_id for m in ep.hot_moments}
    assert kinds["first_soften"] == "t1"
    assert "repair" not in kinds


def test_the_chat_stopping_mid_fight_is_an_exit():
    rows = [("Sam", "pursue", "demand", "We need to talk now"), ("Alex", "withdraw", "shutdown", "no")]
    ep = only(find_episodes(coded(rows)))
    assert (ep.ending, ep.closed_by) == (Ending.EXIT, "end")


def test_a_silence_event_after_pursuit_ends_in_silence():
    rows = [
        ("Sam", "pursue", "interrogate", "Why didn't you call?", 0),
        ("Sam", "pursue", "contact", "hello??", 2),
        ("Alex", "withdraw", None, "<silence>", 2),
        ("Alex", "neutral", None, "morning", 60 * 14),  # the next day
    ]
    ep = only(find_episodes(coded(rows)))
    assert ep.ending is Ending.SILENCE
    assert ep.closed_by == "gap"
    assert ep.participants == ["Sam", "Alex"]
    assert ep.end.source == "silence"


def test_long_quiet_after_tension_is_silence_and_splits_two_fights():
    fight = [
        ("Sam", "pursue", "criticize", "You spent all our money again", 0),
        ("Alex", "withdraw", "defend", "I needed it, it's not my fault", 1),
        ("Sam", "pursue", "criticize", "You always say that", 2),
        # four hours later, another fight
        ("Alex", "pursue", "criticize", "You never ask how my day was", 242),
        ("Sam", "withdraw", "minimize", "it's not a big deal", 243),
        ("Alex", "pursue", "escalate", "It's a big deal to me!", 244),
        ("Sam", "soften", "name_cycle", "We're in our loop again. I do want to hear about your day", 250),
    ]
    report = find_episodes(coded(fight))
    assert [e.ending for e in report.episodes] == [Ending.SILENCE, Ending.SOFTENED]
    assert [e.start.turn_id for e in report.episodes] == ["t0", "t3"]
    assert report.episodes[1].repair_from_start == timedelta(minutes=8)
    assert report.episodes[1].repair_from_peak == timedelta(minutes=6)
    assert report.summary == "2 tense stretches found: 1 ended in silence, 1 softened"


def test_a_new_day_after_an_hour_of_quiet_splits():
    rows = [
        ("Sam", "pursue", "criticize", "You never listen", 4 * 60 + 30),  # 23:30
        ("Alex", "withdraw", "shutdown", "fine", 4 * 60 + 31),
        ("Sam", "pursue", "criticize", "See, you never listen", 6 * 60 + 40),  # 01:40 next day
        ("Alex", "withdraw", "shutdown", "ok", 6 * 60 + 41),
    ]
    report = find_episodes(coded(rows))
    assert len(report.episodes) == 2
    # across midnight within a few minutes is one stretch
    rows_close = [(*r[:4], 4 * 60 + 55 + i * 3) for i, r in enumerate(rows)]
    assert len(find_episodes(coded(rows_close)).episodes) == 1


def test_tension_that_fades_into_small_talk_is_unresolved():
    rows = [
        ("Sam", "pursue", "criticize", "You left the bins out again"),
        ("Alex", "withdraw", "deflect", "haha anyway did you see the game"),
        ("Sam", "pursue", "complain_response", "That's all you have to say?"),
        ("Alex", "neutral", None, "what time is dinner"),
        ("Sam", "neutral", None, "seven"),
        ("Alex", "neutral", None, "great"),
        ("Sam", "neutral", None, "see you then"),
    ]
    ep = only(find_episodes(coded(rows)))
    assert (ep.ending, ep.closed_by) == (Ending.UNRESOLVED, "calm")
    assert ep.end.turn_id == "t2"


def test_without_times_turn_distance_splits_and_repair_time_is_unknown():
    calm = [("Sam", "neutral", None, "hi"), ("Alex", "neutral", None, "hey")] * 3
    rows = DISHES[:4] + calm + DISHES[:2] + [("Sam", "pursue", "criticize", "you never help")]
    report = find_episodes(coded(rows, timed=False))
    assert [e.ending for e in report.episodes] == [Ending.SOFTENED, Ending.EXIT]
    assert all(e.repair_from_start is None and e.repair_from_peak is None for e in report.episodes)
    assert not report.timed
    assert any("no times" in n for n in report.notes)


def test_a_single_sharp_line_is_a_blip_not_an_episode():
    rows = [("Sam", "pursue", "criticize", "you forgot again"), ("Alex", "neutral", None, "on it"),
            ("Sam", "neutral", None, "thx"), ("Alex", "neutral", None, "np")]
    report = find_episodes(coded(rows))
    assert report.episodes == []
    assert report.summary == "no tense stretches found"
    assert any("brief moment" in n for n in report.notes)


def test_episodes_never_cross_conversations():
    one = coded(DISHES[:3], conversation="a")
    two = [CodedTurn(i, t.speaker, t.move, t.cue, t.time, t.text, "b", t.source, f"b{i}")
           for i, t in enumerate(coded(DISHES[:3]))]
    report = find_episodes(one + two)
    assert [(e.conversation, e.start.turn_id, e.closed_by) for e in report.episodes] == [
        ("a", "t0", "end"), ("b", "b0", "end")]


# --- intensity and hot moments --------------------------------------------

def test_escalation_weighs_more_and_confidence_scales():
    def one(move, cue, confidence=1.0):
        return turn_tension(CodedTurn(0, "Sam", Move(move), cue, None, "x", confidence=confidence))

    assert one("pursue", "escalate") > one("pursue", "criticize") > one("pursue", "contact")
    assert one("pursue", "escalate", 0.5) == pytest.approx(one("pursue", "escalate") / 2)
    assert one("soften", "repair") < 0 == one("neutral", None)


def test_the_curve_stays_between_zero_and_one_and_peaks_at_escalation():
    rows = [("Sam", "pursue", "escalate", "I'M DONE"), ("Alex", "withdraw", "exit", "bye")] * 6
    ep = only(find_episodes(coded(rows)))
    assert all(0.0 <= v <= 1.0 for v in ep.curve)
    assert ep.peak.move is Move.PURSUE and ep.peak.cue == "escalate"
    low = only(find_episodes([
        CodedTurn(i, t.speaker, t.move, t.cue, t.time, t.text, confidence=0.6, turn_id=t.turn_id)
        for i, t in enumerate(coded(rows))
    ]))
    assert max(low.curve) < max(ep.curve)


def test_hot_moments_name_the_turns_where_the_cycle_turned():
    ep = only(find_episodes(coded(DISHES)))
    moments = {m.kind: (m.point.turn_id, m.text) for m in ep.hot_moments}
    assert moments["pursue_withdraw"] == ("t1", "whatever")
    assert moments["peak"] == ("t2", "I'm sick of cleaning up after you")
    assert moments["repair"][0] == "t3"  # the first softening, which also ended it
    assert "first_soften" not in moments


def test_a_burst_counts_as_pursuit():
    rows = [
        ("Sam", "pursue", "contact", "where are you", 0),
        ("Sam", "pursue", "contact", "??", 1),
        ("Sam", "pursue", "contact", "answer me", 2),
        ("Sam", "pursue", "contact", "<burst>", 2),
        ("Alex", "soften", "reassure", "Sorry love, I was driving. I'm here", 20),
    ]
    ep = only(find_episodes(coded(rows)))
    assert ep.ending is Ending.SOFTENED
    assert ep.repair_from_start == timedelta(minutes=20)


# --- topic ----------------------------------------------------------------

def test_topic_keywords_come_from_the_episode_against_the_chat():
    calm = [("Sam", "neutral", None, "dinner at seven?"), ("Alex", "neutral", None, "dinner sounds good")] * 3
    rows = calm + [
        ("Sam", "pursue", "criticize", "You spent the rent money on a new phone"),
        ("Alex", "withdraw", "defend", "It was my money, I pay the rent too"),
        ("Sam", "pursue", "interrogate", "Then why is the rent late? Why the phone?"),
    ]
    ep = only(find_episodes(coded(rows)))
    assert ep.topic.keywords[0] == "rent"
    assert set(ep.topic.keywords) <= {"rent", "money", "phone", "spent", "late", "pay"}
    assert ep.topic.coarse == "money"
    assert "rent" in ep.topic.matched


def test_topic_without_known_keywords_is_other_and_stop_words_never_rank():
    topic = episode_topic(["I just don't know why you would do that to me"],
                          ["I just don't know why you would do that to me", "hello"])
    assert topic.coarse == "other"
    assert topic.keywords == []  # only stop-words
    assert words("You're ALWAYS on your Phone!!") == ["phone"]


@pytest.mark.parametrize("texts, coarse", [
    (["your mother called again", "every weekend at your parents"], "family/in-laws"),
    (["you're on instagram all night"], "phones/screens"),
    (["who were you texting, do you even trust me, are you lying"], "jealousy/trust"),
    (["the kids need picking up from school"], "kids"),
    (["your boss, your job, always work"], "work"),
    (["we never have sex anymore, you never touch me"], "sex/intimacy"),
    (["we never spend an evening together"], "time together"),
    (["who booked the flights for the holiday?"], "plans/holidays"),
    (["the laundry and the dishes"], "chores"),
])
def test_coarse_topics(texts, coarse):
    assert episode_topic(texts, texts).coarse == coarse


def test_kidding_is_not_about_kids():
    assert episode_topic(["you're kidding me"], ["you're kidding me"]).coarse == "other"


# --- odd input: a plain answer, never an exception ------------------------

def test_empty_input():
    report = find_episodes([])
    assert report.episodes == [] and report.events == 0
    assert report.summary == "no tense stretches found (the input has no turns)"
    json.dumps(report.to_json())


def test_one_message():
    report = find_episodes(coded([("Sam", "pursue", "escalate", "I'm done")]))
    assert report.episodes == []
    assert report.summary == "no tense stretches found"


def test_only_neutral_turns():
    rows = [("Sam", "neutral", None, "milk?"), ("Alex", "neutral", None, "got it")] * 10
    report = find_episodes(coded(rows))
    assert report.episodes == [] and report.notes[0] == "no tense stretches found"


def test_one_speaker_is_a_one_sided_episode():
    rows = [("Sam", "pursue", "contact", "hello??"), ("Sam", "pursue", "reassure_seek", "do you even care?"),
            ("Sam", "pursue", "escalate", "fine, I'm done with this")]
    report = find_episodes(coded(rows))
    ep = only(report)
    assert ep.participants == ["Sam"]
    assert any("one person" in n for n in report.notes)
    assert "pursue_withdraw" not in {m.kind for m in ep.hot_moments}


def test_times_missing_in_places():
    turns = coded(DISHES)
    turns = [CodedTurn(t.index, t.speaker, t.move, t.cue, None if t.index in (0, 3) else t.time,
                       t.text, turn_id=t.turn_id) for t in turns]
    report = find_episodes(turns)
    ep = only(report)
    assert ep.ending is Ending.SOFTENED
    assert ep.repair_from_start is None  # the soften has no time
    assert any("2 turn(s) have no time" in n for n in report.notes)


def test_times_out_of_order_or_a_clock_going_back_never_crash():
    # a daylight-saving fall-back: naive local time goes from 02:50 back to 02:05
    rows = [
        ("Sam", "pursue", "criticize", "You never text back", 7 * 60 + 50),
        ("Alex", "withdraw", "shutdown", "k", 7 * 60 + 55),
        ("Sam", "pursue", "escalate", "Unbelievable", 7 * 60 + 5),
        ("Alex", "soften", "repair", "I'm sorry, I should have texted. I'm here now", 7 * 60 + 10),
    ]
    report = find_episodes(coded(rows))
    ep = only(report)
    assert ep.ending is Ending.SOFTENED
    assert ep.repair_from_start is None  # 02:10 minus 02:50 is not a repair time
    assert ep.repair_from_peak == timedelta(minutes=5)
    assert any("backwards" in n for n in report.notes)


def test_aware_and_naive_times_mixed():
    turns = coded(DISHES)
    aware = datetime(2025, 3, 1, 19, 3, tzinfo=__import__("datetime").timezone.utc)
    turns[3] = CodedTurn(3, "Alex", Move.SOFTEN, "validate", aware, turns[3].text, turn_id="t3")
    ep = only(find_episodes(turns))
    assert ep.repair_from_start == timedelta(minutes=3)


def test_unknown_move_is_read_as_neutral():
    turns = coded(DISHES)
    turns.append(CodedTurn(6, "Sam", "grumble", None, None, "hm"))  # type: ignore[arg-type]
    report = find_episodes(turns)
    assert len(report.episodes) == 1
    assert any("outside the codebook" in n for n in report.notes)


def test_to_json_is_plain_json():
    report = find_episodes(coded(DISHES))
    data = json.loads(json.dumps(report.to_json()))
    ep = data["episodes"][0]
    assert ep["ending"] == "softened"
    assert ep["start"]["turn_id"] == "t0" and ep["end"]["time"] == "2025-03-01T19:03:00"
    assert ep["repair_seconds_from_start"] == 180.0
    assert ep["topic"]["coarse"] == "chores"
    assert ep["curve"]["intensity"] == [0.425, 0.562, 0.781, 0.0]
    assert len(ep["curve"]["turn_ids"]) == len(ep["curve"]["moves"]) == 4
