"""Everyday group-chat words that once raised a *clear* flag on their own (a clear flag puts the safety
notice on the whole conversation): a goodbye to the group, sharing holiday pictures, telling everyone
about a party. The threats those patterns are for must still be found."""

from __future__ import annotations

import pytest

from cyclemap.safety import screen_turn


@pytest.mark.parametrize("text", [
    "bye everyone!",
    "goodbye everyone, off to bed",
    "I'll send everyone the invite",
    "I'll share the pics with everyone",
    "I'll tell everyone about the party",
    "send the photos to your mum she will love them",
])
def test_everyday_group_words_raise_no_clear_flag(text: str) -> None:
    # the move model sees nothing: words decide. The wording model may still call "goodbye everyone"
    # a *possible* sign (one possible sign does not flag a conversation); no words may make it clear.
    _, evidence = screen_turn(text, [0.0] * 4)
    assert not [e for e in evidence if "(clear)" in e.reason], evidence


@pytest.mark.parametrize(("text", "flag"), [
    ("goodbye everyone, I love you, I am sorry", "self_harm"),
    ("goodbye forever", "self_harm"),
    ("I will send your nudes to everyone", "control"),
    ("I'll send the videos to your boss", "control"),
    ("or i send the pics to ur wife", "control"),
    ("I'll tell everyone what you did", "control"),
    ("i will show your family the messages", "control"),
])
def test_the_threats_those_words_were_for_are_still_found(text: str, flag: str) -> None:
    assert flag in screen_turn(text, [0.0] * 4)[0]
