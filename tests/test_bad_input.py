"""Bad input gets one clear line naming the file (and line), a non-zero exit, and no traceback."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest


def assert_one_line_error(result, path, line: int | None = None) -> str:
    assert result.exit_code == 1, result.stdout
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "Traceback" not in message
    assert message.startswith("cyclemap: error: ")
    where = f"{path}:{line}:" if line else str(path)
    assert where in message
    return message


def test_unknown_format(tmp_path, cli):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\nmilk\neggs\n", encoding="utf-8")
    message = assert_one_line_error(cli("parse", str(path)), path)
    assert "no known chat format" in message
    assert "cyclemap formats" in message


def test_missing_file(tmp_path, cli):
    path = tmp_path / "nope.txt"
    assert "no such file" in assert_one_line_error(cli("parse", str(path)), path)


def test_empty_file(tmp_path, cli):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert_one_line_error(cli("parse", str(path)), path)


def test_huge_sparse_binary_file_is_refused_quickly(tmp_path, cli):
    path = tmp_path / "huge.bin"
    with open(path, "wb") as handle:
        handle.truncate(2 * 1024**3)  # 2 GB of zeros, sparse on disk
    message = assert_one_line_error(cli("parse", str(path)), path)
    assert "binary file" in message


def test_two_gigabyte_json_is_refused_not_loaded(tmp_path, cli):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.write(b'{"speaker": "Sam", "text": "hi"}\n')
        handle.truncate(2 * 1024**3)
    result = cli("parse", "--format", "convokit", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr


def test_fifty_megabyte_line(tmp_path, cli):
    path = tmp_path / "long.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"speaker": "Sam", "text": "hi"}\n{"speaker": "Sam", "text": "')
        handle.write(b"a" * (50 * 1024 * 1024))
        handle.write(b'"}\n')
    message = assert_one_line_error(cli("parse", str(path)), path, line=2)
    assert "longer than" in message


def test_wrong_encoding_names_the_line(tmp_path, cli):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        b'{"speaker": "Sam", "text": "ok"}\n' + '{"speaker": "Zoë", "text": "café"}\n'.encode("latin-1")
    )
    message = assert_one_line_error(cli("parse", str(path)), path, line=2)
    assert "UTF-8" in message


def test_zip_with_escaping_member_names(tmp_path, cli):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../evil.txt", "Sam: hi\nAlex: hello\n")
    message = assert_one_line_error(cli("parse", str(path)), path)
    assert "outside the archive" in message
    assert not (tmp_path.parent / "evil.txt").exists()


def test_truncated_zip(tmp_path, cli):
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("chat.txt", "Sam: hi\nAlex: hello\n" * 500)
    path = tmp_path / "cut.zip"
    path.write_bytes(whole.read_bytes()[: os.path.getsize(whole) // 2])
    message = assert_one_line_error(cli("parse", str(path)), path)
    assert "truncated" in message or "no known chat format" in message


def test_zip_bomb_is_refused(tmp_path, cli):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("chat.txt", b"\0" * (64 * 1024 * 1024))
    message = assert_one_line_error(cli("parse", str(path)), path)
    assert "zip bomb" in message


def test_deeply_nested_json(tmp_path, cli):
    path = tmp_path / "nested.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr


def test_json_cut_in_half_names_the_line(tmp_path, cli):
    rows = [json.dumps({"speaker": "Sam", "text": f"message {i}"}) for i in range(10)]
    path = tmp_path / "cut.jsonl"
    text = "\n".join(rows)
    path.write_text(text[: len(text) // 2 + 7], encoding="utf-8")  # mid-line
    assert_one_line_error(cli("parse", str(path)), path, line=6)


def test_unknown_format_name(tmp_path, cli):
    path = tmp_path / "a.jsonl"
    path.write_text('{"speaker": "Sam", "text": "hi"}\n', encoding="utf-8")
    result = cli("parse", "--format", "fax", str(path))
    assert result.exit_code == 1
    assert "unknown format 'fax'" in result.stderr
    assert "whatsapp" in result.stderr or "jsonl" in result.stderr


@pytest.mark.parametrize("content", [b"\xff\xfe\x00\x00garbage", b"PK\x03\x04not really a zip"])
def test_garbage_never_shows_a_traceback(tmp_path, cli, content):
    path = tmp_path / "garbage.bin"
    path.write_bytes(content)
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr


def test_input_file_is_never_changed(tmp_path, cli, fixtures):
    path = tmp_path / "session.txt"
    original = (fixtures / "transcripts" / "session.txt").read_bytes()
    path.write_bytes(original)
    assert cli("parse", str(path)).exit_code == 0
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.txt"]


@pytest.mark.parametrize(
    ("fixture", "format_name"),
    [
        ("discord/dm.json", "auto"),
        ("meta/old_mojibake/message_1.json", "auto"),
        ("signal/sigtop/Alex (+15555550123).json", "auto"),
        ("telegram/single/result.json", "telegram"),
    ],
)
def test_a_real_export_cut_in_half_names_the_line_where_it_ends(fixtures, tmp_path, cli, fixture, format_name):
    text = (fixtures / fixture).read_text(encoding="utf-8")
    path = tmp_path / Path(fixture).name
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    message = assert_one_line_error(cli("parse", "--format", format_name, str(path)), path)
    assert f"{path}:{text[: len(text) // 2].count(chr(10)) + 1}: JSON ends early" in message


def test_zip_with_a_corrupt_deflate_stream(fixtures, tmp_path, cli):
    """Found by the fuzz test: one flipped byte made zlib raise where a clean error was due."""
    data = bytearray((fixtures / "whatsapp" / "ios_en.zip").read_bytes()[:837])
    data[28] = 1
    path = tmp_path / "chat.zip"
    path.write_bytes(bytes(data))
    result = cli("parse", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert str(path) in result.stderr
