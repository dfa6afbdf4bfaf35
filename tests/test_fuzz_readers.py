"""Hostile input: every reader, fed damaged copies of real exports, fails only with a clean error.

Three kinds of input: byte-level damage to this project's fixtures, noise forced
through each reader, and structure-aware mutations (JSON nodes replaced, retyped,
dropped; lines dropped, repeated, swapped, spliced) of another project's sample
exports (../shared/fixtures/peers) forced through each reader. Examples are
derandomized so every run tests the same inputs; a failure is a real finding
(add it to tests/test_bad_input.py or tests/test_hostile_input.py once fixed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyclemap.errors import CyclemapError, InputError
from cyclemap.ingest import ReadOptions, read_turns, readers

from .conftest import PEERS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PEER_FILES = sorted(
    p for p in PEERS.rglob("*") if p.is_file() and p.name not in ("LICENSE", "README.md")
) if PEERS.is_dir() else []
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
        for turn in read_turns(path, format, options):
            json.dumps(turn.to_json())  # every turn read is a well-formed turn
    except CyclemapError as error:
        # A clean, explained refusal is the only acceptable failure: one line, naming the file.
        assert "\n" not in str(error), str(error)
        if isinstance(error, InputError):
            assert str(path) in str(error), str(error)


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
@settings(max_examples=50, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_every_reader_forced_on_noise_fails_cleanly(tmp_path, name, content):
    target = tmp_path / "noise.dat"
    target.write_bytes(content)
    read_all(target, name)


def test_sample_list_covers_every_reader_family():
    families = {p.parent.name for p in SAMPLES} | {p.parent.parent.name for p in SAMPLES}
    assert {"whatsapp", "telegram", "meta", "signal", "discord", "imessage", "sms", "transcripts", "generic"} <= families


# -- structure-aware mutations of the peers' sample exports ------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**64) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def _nodes(value: Any, path: tuple = (), found: list | None = None, limit: int = 3000) -> list[tuple]:
    """Paths to (a bounded number of) the nodes of a JSON document."""
    found = [] if found is None else found
    if len(found) >= limit:
        return found
    found.append(path)
    if isinstance(value, dict):
        for key, child in value.items():
            _nodes(child, (*path, key), found, limit)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _nodes(child, (*path, index), found, limit)
    return found


def _replace(doc: Any, path: tuple, new: Any, delete: bool = False) -> Any:
    if not path:
        return new
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return doc


@st.composite
def json_mutation(draw, doc: Any) -> Any:
    for _ in range(draw(st.integers(1, 4))):
        paths = _nodes(doc)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        node = doc
        for step in path:
            node = node[step]
        action = draw(st.sampled_from(["value", "retype", "delete", "duplicate", "empty"]))
        if action == "delete" and path:
            doc = _replace(doc, path, None, delete=True)
        elif action == "retype":
            doc = _replace(doc, path, str(node) if not isinstance(node, str) else draw(st.sampled_from([0, [], {}, None])))
        elif action == "duplicate" and isinstance(node, list) and node:
            node.extend(node[: draw(st.integers(1, 3))])
        elif action == "empty":
            doc = _replace(doc, path, type(node)() if isinstance(node, (list, dict, str)) else None)
        else:
            doc = _replace(doc, path, draw(JSON_VALUES))
    return doc


@st.composite
def line_mutation(draw, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        j = draw(st.integers(0, max(0, len(lines) - 1)))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "insert", "splice", "cut"]))
        if action == "drop" and len(lines) > 1:
            del lines[i]
        elif action == "repeat":
            lines.insert(i, lines[j])
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "insert":
            lines.insert(i, draw(st.text(max_size=60)).encode("utf-8", "surrogatepass"))
        elif action == "splice" and lines[i]:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.binary(max_size=12)) + lines[i][at:]
        elif action == "cut":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
    return b"\n".join(lines)


@st.composite
def peer_mutation(draw) -> tuple[str, bytes]:
    sample = draw(st.sampled_from(PEER_FILES))
    data = sample.read_bytes()
    if sample.suffix == ".json":
        doc = draw(json_mutation(json.loads(data)))
        return sample.name, json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    return sample.name, draw(line_mutation(data))


@pytest.mark.skipif(not PEER_FILES, reason="../shared/fixtures/peers is not beside this checkout")
@pytest.mark.parametrize("name", ["auto", *sorted(readers())])
@settings(max_examples=50, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutated=peer_mutation() if PEER_FILES else st.just(("absent", b"")))  # skipped then; st.nothing() breaks collection
def test_every_reader_on_mutated_peer_exports_fails_cleanly(tmp_path, name, mutated):
    file_name, content = mutated
    target = tmp_path / file_name
    target.write_bytes(content)
    read_all(target, name)
