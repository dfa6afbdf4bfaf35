"""Property: every writable format gives back exactly the turns written to it."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyclemap.ingest import ReadOptions, readers
from cyclemap.model import Turn

NAMES = st.sampled_from(["Sam", "Alex", "Ana María", "+44 7700 900123", "Jo 🌈", "李雷", "O'Neil"])
TEXTS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=200)
TIMES = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
)


@st.composite
def conversations(draw) -> list[Turn]:
    turns = []
    for index in range(draw(st.integers(min_value=1, max_value=12))):
        kind = draw(st.sampled_from(["message", "message", "media", "system"]))
        speaker = None if kind == "system" and draw(st.booleans()) else draw(NAMES)
        turns.append(
            Turn(
                id=f"m{index}",
                time=draw(TIMES),
                speaker=speaker,
                text=draw(TEXTS),
                kind=kind,
                reply_to=draw(st.one_of(st.none(), st.just("m0"))),
                conversation=draw(st.one_of(st.none(), st.just("c1"))),
            )
        )
    return turns


def writable_names() -> list[str]:
    return [name for name, reader in readers().items() if reader.writable and name != "whatsapp"]


def test_the_researchers_formats_are_writable():
    assert {"jsonl", "csv", "convokit"} <= set(writable_names())


@pytest.mark.parametrize("name", writable_names())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turns=conversations())
def test_write_then_read_gives_the_same_turns(tmp_path, name, turns):
    reader = readers()[name]
    buffer = io.StringIO(newline="")
    reader.write(turns, buffer)
    path = tmp_path / f"roundtrip.{name}"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    back = list(reader.read(path, ReadOptions()))
    if name == "convokit":  # ConvoKit gives every turn a conversation
        for turn in turns:
            turn.conversation = turn.conversation or turns[0].id
    assert back == turns
