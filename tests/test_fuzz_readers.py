"""Hostile input: every reader, fed damaged copies of real exports, fails only with a clean error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyclemap.errors import CyclemapError
from cyclemap.ingest import ReadOptions, read_turns, readers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = sorted(
    p for p in FIXTURES.rglob("*")
    if p.is_file() and not p.name.startswith("_") and p.suffix != ".py" and p.stat().st_size < 200_000
)


def mutate(data: bytes, cut: int, flips: list[tuple[int, int]], junk: bytes, where: int) -> bytes:
    """Truncate, flip bytes and splice junk into ``data``."""
    data = bytearray(data[: max(1, cut % (len(data) + 1))])
    for position, value in flips:
        if data:
            data[position % len(data)] = value
    position = where % (len(data) + 1)
    return bytes(data[:position]) + junk + bytes(data[position:])


def read_all(path: Path, format: str) -> None:
    options = ReadOptions(chat=None, owner=None)
    try:
        for _ in read_turns(path, format, options):
            pass
    except CyclemapError:
        pass  # a clean, explained refusal is the only acceptable failure


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(min_value=0, max_value=1 << 20),
    flips=st.lists(st.tuples(st.integers(min_value=0, max_value=1 << 20), st.integers(0, 255)), max_size=6),
    junk=st.binary(max_size=40),
    where=st.integers(min_value=0, max_value=1 << 20),
)
def test_damaged_exports_never_crash_a_reader(tmp_path, sample, cut, flips, junk, where):
    target = tmp_path / sample.name
    target.write_bytes(mutate(sample.read_bytes(), cut, flips, junk, where))
    read_all(target, "auto")


@pytest.mark.parametrize("name", sorted(readers()))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_every_reader_forced_on_noise_fails_cleanly(tmp_path, name, content):
    target = tmp_path / "noise.dat"
    target.write_bytes(content)
    read_all(target, name)


def test_sample_list_covers_every_reader_family():
    families = {p.parent.name for p in SAMPLES} | {p.parent.parent.name for p in SAMPLES}
    assert {"whatsapp", "telegram", "meta", "signal", "discord", "imessage", "sms", "transcripts", "generic"} <= families
