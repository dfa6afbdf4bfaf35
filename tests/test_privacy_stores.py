"""Forget and export: every store cyclemap keeps, through one registry; nothing else touched."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from cyclemap.moves.cache import LabelCache
from cyclemap.privacy import stores
from cyclemap.privacy.records import load_records, save_record
from cyclemap.vault import Vault


pytestmark = pytest.mark.usefixtures("data_home")  # every test in its own data folder


@pytest.fixture
def two_chats(tmp_path):
    one = tmp_path / "one.jsonl"
    two = tmp_path / "two.jsonl"
    one.write_text("".join(json.dumps({"speaker": s, "text": t}) + "\n" for s, t in
                           [("Sam", "you never answer me"), ("Alex", "I was at work"), ("Sam", "whatever")]))
    two.write_text("".join(json.dumps({"speaker": s, "text": t}) + "\n" for s, t in
                           [("Kim", "dinner at 8?"), ("Lee", "sounds good"), ("Kim", "great")]))
    return one, two


def cache_rows(data_home) -> int:
    with sqlite3.connect(data_home / "label-cache.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM labels").fetchone()[0]


def test_forgetting_a_chat_deletes_its_cached_labels_and_no_others(cli, data_home, two_chats):
    one, two = two_chats
    for chat in two_chats:
        assert cli("classify", "--fast", str(chat)).exit_code == 0
    assert cache_rows(data_home) == 6
    result = cli("forget", str(one))
    assert result.exit_code == 0, result.stderr
    assert "3 from label-cache" in result.stdout
    assert cache_rows(data_home) == 3
    assert one.exists() and two.exists()  # the user's own files are never touched


def test_forgetting_a_relationship_deletes_its_saved_answers_only(cli, data_home):
    save_record("safety-check", {"answers": {}}, person="Sam", relationship="us")
    save_record("assessment", {"answers": {}}, person="Alex", relationship="us")
    save_record("assessment", {"answers": {}}, person="Kim", relationship="them")
    refused = cli("forget", "--relationship", "us", input="n\n")
    assert refused.exit_code == 1 and "nothing was deleted" in refused.stderr
    assert len(load_records()) == 3
    result = cli("forget", "--relationship", "us", "--yes")
    assert "2 from records" in result.stdout
    assert [r.relationship for _, r in load_records()] == ["them"]


def test_forget_all_asks_then_removes_only_what_cyclemap_made(cli, data_home, two_chats):
    cli("classify", "--fast", str(two_chats[0]))
    cli("resources", "--init")
    save_record("safety-check", {"answers": {}}, person="Sam")
    (data_home / "my-notes.txt").write_text("not cyclemap's", encoding="utf-8")
    assert cli("forget", "--all").exit_code == 1  # no answer: nothing deleted
    assert (data_home / "label-cache.sqlite").exists()
    result = cli("forget", "--all", input="y\n")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in data_home.iterdir()) == ["my-notes.txt"]
    assert "did not create" in result.stdout
    (data_home / "my-notes.txt").unlink()
    cli("classify", "--fast", str(two_chats[0]))
    assert cli("forget", "--all", "--yes").exit_code == 0
    assert not data_home.exists()


def test_forget_needs_something_to_forget(cli):
    result = cli("forget")
    assert result.exit_code == 1 and "name a chat, a --relationship, or --all" in result.stderr


def test_export_gives_everything_as_one_json_document(cli, data_home, two_chats, tmp_path):
    cli("classify", "--fast", str(two_chats[0]))
    save_record("safety-check", {"answers": {"afraid": "no"}}, person="Sam", relationship="us")
    target = tmp_path / "mine.json"
    assert cli("export", "-o", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o077 == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["cyclemap_export"] == 1 and data["encrypted"] is False
    assert data["stores"]["label-cache"]["data"]["rows"] == 3
    assert data["stores"]["records"]["data"][0]["payload"] == {"answers": {"afraid": "no"}}
    again = cli("export", "-o", str(target))
    assert again.exit_code == 1 and "does not overwrite" in again.stderr


def test_a_store_registered_by_the_web_app_is_forgotten_and_exported(cli):
    calls = []
    store = stores.Store(
        "test-web", "a database",
        forget_relationship=lambda rel: calls.append(("forget", rel)) or 4,
        export_user=lambda person: {"person": person, "notes": ["kept in the web app"]},
        wipe=lambda: calls.append(("wipe", None)) or 1,
    )
    stores.register_store(store)
    try:
        with pytest.raises(RuntimeError):
            stores.register_store(store)
        assert "4 from test-web" in cli("forget", "--relationship", "us", "--yes").stdout
        exported = json.loads(cli("export", "--person", "Sam").stdout)
        assert exported["stores"]["test-web"]["data"] == {"person": "Sam", "notes": ["kept in the web app"]}
        cli("forget", "--all", "--yes")
        assert calls == [("forget", "us"), ("wipe", None)]
    finally:
        stores.unregister_store("test-web")


def test_a_sealed_cache_hides_keys_and_values_and_still_serves(tmp_path):
    vault = Vault.create("pass", tmp_path, n=2**10)
    cache = LabelCache(tmp_path / "c.sqlite", vault=vault)
    cache.put_many("m", [(b"k" * 32, [0.25, 0.75])])
    assert cache.get_many("m", [b"k" * 32]) == {b"k" * 32: [0.25, 0.75]}
    cache.close()
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        key, value = db.execute("SELECT key, value FROM labels").fetchone()
    assert key != b"k" * 32 and b"0.25" not in bytes(value)
    with pytest.raises(Exception, match="encrypted"):
        LabelCache(tmp_path / "c.sqlite", vault=None)
    plain = LabelCache(tmp_path / "p.sqlite", vault=None)
    plain.put_many("m", [(b"k" * 32, [0.5])])
    plain.close()
    resealed = LabelCache(tmp_path / "p.sqlite", vault=vault)  # plain labels dropped, not mixed in
    assert resealed.get_many("m", [b"k" * 32]) == {}
    shutil.rmtree(tmp_path / "data", ignore_errors=True)
