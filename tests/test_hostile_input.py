"""Hostile input, through every reader: zip bombs, escaping archive names, 100,000-level JSON,
gigantic lines, NUL bytes, wrong encodings and files cut short each get one line naming the
file (and the line, where there is one), a non-zero exit, no traceback, and the input unchanged."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from cyclemap.ingest import readers
from cyclemap.ingest.source import MAX_LINE_BYTES

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHAT_TEXT = (FIXTURES / "whatsapp" / "android_en.txt").read_text(encoding="utf-8")
READERS = ["auto", *sorted(readers())]


def _nul(path: Path) -> None:
    path.write_bytes(b"12/03/2024, 20:15 - Sam: hi\n" + b"\x00" * 5000 + b"\n12/03/2024, 20:16 - Alex: ok\n")


def _latin1(path: Path) -> None:
    path.write_bytes("12/03/2024, 20:15 - Zoë: on se voit au café ?\n".encode("latin-1") * 3)


def _utf16(path: Path) -> None:
    path.write_bytes(CHAT_TEXT[:2000].encode("utf-16"))


def _giant_line(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.write(b"12/03/2024, 20:15 - Sam: hi\n12/03/2024, 20:16 - Alex: ")
        handle.write(b"a" * (MAX_LINE_BYTES + 1024))
        handle.write(b"\n")


def _nested_json(path: Path) -> None:
    path.write_text('{"messages": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")


def _nested_object(path: Path) -> None:
    path.write_text('{"a":' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")


def _truncated_json(path: Path) -> None:
    text = (FIXTURES / "telegram" / "single" / "result.json").read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 3], encoding="utf-8")


def _truncated_xml(path: Path) -> None:
    text = (FIXTURES / "sms" / "sms-alex.xml").read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with Sam.txt", b"\0" * (48 * 1024 * 1024))


def _zip_escape(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../../etc/cron.d/WhatsApp Chat with Sam.txt", CHAT_TEXT)


def _zip_absolute(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("/tmp/WhatsApp Chat with Sam.txt", CHAT_TEXT)


def _zip_truncated(path: Path) -> None:
    data = (FIXTURES / "whatsapp" / "android_en.zip").read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "nul-bytes": ("chat.txt", _nul),
    "latin-1": ("chat.txt", _latin1),
    "utf-16": ("chat.txt", _utf16),
    "giant-line": ("chat.txt", _giant_line),
    "nested-json-array": ("result.json", _nested_json),
    "nested-json-object": ("message_1.json", _nested_object),
    "truncated-json": ("result.json", _truncated_json),
    "truncated-xml": ("sms.xml", _truncated_xml),
    "zip-bomb": ("chat.zip", _zip_bomb),
    "zip-escaping-name": ("chat.zip", _zip_escape),
    "zip-absolute-name": ("chat.zip", _zip_absolute),
    "zip-truncated": ("chat.zip", _zip_truncated),
}
# Content a reader may legitimately read: text that happens to be valid in its format.
# A transcript forced on any UTF-8 text reads the lines before a first 'Name:' as one system line.
READABLE = {("nul-bytes", "transcript"), ("nul-bytes", "whatsapp"), ("nul-bytes", "auto")} | {
    (case, "transcript") for case in ("nested-json-array", "nested-json-object", "truncated-json", "truncated-xml")
}


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    made = {}
    for case, (name, make) in CASES.items():
        folder = tmp_path_factory.mktemp(case)
        make(folder / name)
        made[case] = folder / name
    return made


def _state(path: Path) -> tuple[list[str], str, int]:
    return sorted(p.name for p in path.parent.iterdir()), hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_gets_one_clean_line(cli, hostile_files, case, reader):
    path = hostile_files[case]
    before = _state(path)
    result = cli("parse", "--format", reader, str(path))
    assert _state(path) == before, "the input changed"
    if (case, reader) in READABLE and result.exit_code == 0:
        return
    message = result.stderr.strip()
    assert result.exit_code == 1, (result.exit_code, message)
    assert len(message.splitlines()) == 1 and message.startswith("cyclemap: error: "), message
    assert "Traceback" not in message and "internal error" not in message, message
    assert str(path) in message, message


@pytest.mark.parametrize(("case", "reader", "line"), [
    ("giant-line", "whatsapp", 2), ("giant-line", "transcript", 2), ("giant-line", "imessage", 2),
    ("latin-1", "whatsapp", 1), ("latin-1", "transcript", 1), ("latin-1", "imessage", 1),
])
def test_line_errors_name_the_line(cli, hostile_files, case, reader, line):
    path = hostile_files[case]
    result = cli("parse", "--format", reader, str(path))
    assert f"{path}:{line}:" in result.stderr, result.stderr


def test_zip_bomb_and_escaping_names_are_called_what_they_are(cli, hostile_files, tmp_path):
    assert "zip bomb" in cli("parse", str(hostile_files["zip-bomb"])).stderr
    assert "outside the archive" in cli("parse", str(hostile_files["zip-escaping-name"])).stderr
    assert "outside the archive" in cli("parse", str(hostile_files["zip-absolute-name"])).stderr
    assert not Path("/etc/cron.d/WhatsApp Chat with Sam.txt").exists()


@pytest.mark.parametrize("command", ["classify", "analyze", "summary"])
def test_every_reading_command_refuses_hostile_input_the_same_way(cli, hostile_files, command, tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "data"))
    for case in ("zip-bomb", "nested-json-array", "giant-line"):
        result = cli(command, str(hostile_files[case]))
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert str(hostile_files[case]) in result.stderr and "internal error" not in result.stderr


# -- found by fuzzing (bench/fuzz/fuzz_readers.py); each was an internal error before ------------


def _zip_with(tmp_path: Path, patch: Callable[[bytearray], None], name: str = "WhatsApp Chat with Sam.txt") -> Path:
    path = tmp_path / "chat.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, CHAT_TEXT[:3000])
    data = bytearray(path.read_bytes())
    patch(data)
    path.write_bytes(bytes(data))
    return path


def _central(data: bytearray) -> int:
    return data.index(b"PK\x01\x02")


def _encrypted(data: bytearray) -> None:
    data[6] |= 1  # local header: general purpose flag, bit 0 = encrypted
    data[_central(data) + 8] |= 1  # central directory: the same flag


def _future_version(data: bytearray) -> None:
    data[_central(data) + 6] = 235  # version needed to extract: 23.5


@pytest.mark.parametrize(("patch", "words"), [(_encrypted, "password-protected"), (_future_version, "not a complete zip")],
                         ids=["encrypted-member", "zip-version-23.5"])
def test_zips_python_cannot_open_get_a_clean_line(cli, tmp_path, patch, words):
    path = _zip_with(tmp_path, patch)
    result = cli("parse", "--format", "whatsapp", str(path))
    assert result.exit_code == 1 and words in result.stderr and str(path) in result.stderr, result.stderr


def test_a_zip_member_with_an_empty_name(cli, tmp_path):
    import struct

    path = tmp_path / "chat.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x", "Sam: hi\n")
    data = bytearray(path.read_bytes())
    central = _central(data)
    # Drop the one-byte name from both headers and move the central directory's recorded offset.
    del data[central + 46]
    struct.pack_into("<H", data, central + 28, 0)
    del data[30]
    struct.pack_into("<H", data, 26, 0)
    end = data.index(b"PK\x05\x06")
    size, offset = struct.unpack_from("<II", data, end + 12)
    struct.pack_into("<II", data, end + 12, size - 1, offset - 1)
    path.write_bytes(bytes(data))
    assert [i.filename for i in zipfile.ZipFile(path).infolist()] == [""]
    result = cli("parse", str(path))
    assert result.exit_code == 1 and "empty name" in result.stderr and str(path) in result.stderr, result.stderr


def test_signal_markdown_with_an_impossible_date_names_the_line(cli, tmp_path):
    path = tmp_path / "chat.md"
    path.write_text("[2020-01-17, 21:49] John Doe: Hello\n[2019-13-24, 12:23] Jane: Hello John!\n", encoding="utf-8")
    result = cli("parse", "--format", "signal-export", str(path))
    assert result.exit_code == 1 and f"{path}:2: impossible date" in result.stderr, result.stderr


@pytest.mark.parametrize("reader", ["sms", "auto"])
@pytest.mark.parametrize("encoding", ["UTF-4", "UTF-16"])
def test_xml_declaring_an_encoding_it_cannot_be_read_in(cli, tmp_path, reader, encoding):
    path = tmp_path / "sms.xml"
    path.write_text(f'<?xml version="1.0" encoding="{encoding}"?>\n<smses count="0"></smses>\n', encoding="utf-8")
    result = cli("parse", "--format", reader, str(path))
    assert result.exit_code == 1 and "internal error" not in result.stderr and str(path) in result.stderr, result.stderr


def test_sms_dates_beyond_any_calendar_are_read_as_unknown(cli, tmp_path):
    path = tmp_path / "sms.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="2">\n'
        '<sms address="+15555550123" date="99999999999999999999999" type="1" body="hi" contact_name="Alex" />\n'
        '<sms address="+15555550123" date="\u00b2\u00b3" type="2" body="hello" contact_name="Alex" />\n'
        "</smses>\n", encoding="utf-8")
    result = cli("parse", "--format", "sms", "--owner", "Sam", str(path))
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.exit_code == 0 or str(path) in result.stderr, result.stderr
