"""Encryption at rest: sealed with a passphrase, refused with a wrong one, nothing readable on disk."""

from __future__ import annotations

import json

import pytest

from cyclemap.vault import FILE_NAME, Vault, VaultError

SAMPLE = "WhatsApp Chat with Alex.txt"


pytestmark = pytest.mark.usefixtures("data_home")  # every test in its own data folder


@pytest.fixture
def chat():
    from cyclemap.cli import sample_paths

    return next(p for p in sample_paths() if p.name == SAMPLE)


def test_seal_and_open_round_trip_and_refuse_tampering(tmp_path):
    vault = Vault.create("a long passphrase", tmp_path, n=2**10)
    blob = vault.seal(b"I'm scared of what you'll do", context=b"note")
    assert b"scared" not in blob
    assert vault.open(blob, context=b"note") == b"I'm scared of what you'll do"
    assert vault.seal(b"same") != vault.seal(b"same")  # fresh nonce every time
    with pytest.raises(VaultError):
        vault.open(blob, context=b"another place")
    with pytest.raises(VaultError):
        vault.open(blob[:-1] + bytes([blob[-1] ^ 1]), context=b"note")
    assert (tmp_path / FILE_NAME).stat().st_mode & 0o077 == 0


def test_unlock_with_the_right_passphrase_and_a_clear_error_for_a_wrong_one(tmp_path):
    sealed = Vault.create("right horse", tmp_path, n=2**10).seal(b"x")
    assert Vault.unlock("right horse", tmp_path).open(sealed) == b"x"
    with pytest.raises(VaultError, match="wrong passphrase"):
        Vault.unlock("wrong horse", tmp_path)
    with pytest.raises(VaultError, match="already exists"):
        Vault.create("right horse", tmp_path, n=2**10)
    settings = json.loads((tmp_path / FILE_NAME).read_text())
    assert "right horse" not in json.dumps(settings) and settings["kdf"] == "scrypt"


def test_keyed_hashes_differ_by_passphrase(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = Vault.create("one", tmp_path / "a", n=2**10)
    two = Vault.create("two", tmp_path / "b", n=2**10)
    assert one.keyed_hash(b"k") != two.keyed_hash(b"k") and len(one.keyed_hash(b"k")) == 32


def test_a_damaged_settings_file_is_named(tmp_path):
    (tmp_path / FILE_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(Exception, match=str(tmp_path / FILE_NAME)):
        Vault.unlock("x", tmp_path)


def test_cli_encrypts_the_label_cache_and_saved_answers(cli, chat, data_home, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_PASSPHRASE", "correct horse battery")
    first = cli("classify", str(chat))
    assert first.exit_code == 0, first.stderr
    cli("safety-check", "--save", "--person", "Sam", input="y\n" + "n\n" * 6)
    assert (data_home / FILE_NAME).exists()
    records = list((data_home / "records").iterdir())
    assert [p.suffix for p in records] == [".sealed"]
    assert b"Sam" not in records[0].read_bytes() and b"afraid" not in records[0].read_bytes()
    # Cached labels still serve a second run, and give the same moves.
    def moves(output: str) -> list[tuple[str, str]]:
        return [(row["move"], row["cue"]) for row in map(json.loads, output.splitlines())]

    assert moves(cli("classify", str(chat)).stdout) == moves(first.stdout)
    exported = json.loads(cli("export").stdout)
    assert exported["encrypted"] is True
    assert exported["stores"]["records"]["data"][0]["person"] == "Sam"
    assert exported["stores"]["label-cache"]["data"]["rows"] > 0


def test_cli_refuses_a_wrong_or_missing_passphrase_in_one_line(cli, chat, tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_PASSPHRASE", "correct horse battery")
    assert cli("classify", str(chat)).exit_code == 0
    monkeypatch.setenv("CYCLEMAP_PASSPHRASE", "wrong horse")
    wrong = cli("classify", str(chat))
    assert wrong.exit_code == 1 and "wrong passphrase" in wrong.stderr and len(wrong.stderr.splitlines()) == 1
    monkeypatch.delenv("CYCLEMAP_PASSPHRASE")
    missing = cli("export")
    assert missing.exit_code == 1 and "is encrypted" in missing.stderr
    assert cli("classify", "--no-cache", str(chat)).exit_code == 0  # the cache can always be skipped
    phrase = tmp_path / "phrase.txt"
    phrase.write_text("correct horse battery\n", encoding="utf-8")
    assert cli("classify", "--passphrase-file", str(phrase), str(chat)).exit_code == 0
    assert cli("export", "--passphrase-file", str(phrase)).exit_code == 0


def test_turning_encryption_on_seals_what_was_saved_before(cli, data_home, monkeypatch):
    cli("safety-check", "--save", "--person", "Sam", input="n\n" * 7)
    assert [p.suffix for p in (data_home / "records").iterdir()] == [".json"]
    monkeypatch.setenv("CYCLEMAP_PASSPHRASE", "now encrypted")
    assert cli("export").exit_code == 0
    assert [p.suffix for p in (data_home / "records").iterdir()] == [".sealed"]
