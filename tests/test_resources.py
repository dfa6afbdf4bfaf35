"""Help resources: a neutral default, a country setting, and a copy the user can edit."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CYCLEMAP_COUNTRY", raising=False)
    return tmp_path / "home"


def test_neutral_default_and_country_lists(cli):
    default = cli("resources").stdout
    assert "emergency number" in default
    uk = cli("resources", "--country", "gb").stdout
    assert "999" in uk and "Samaritans" in uk
    assert cli("resources", "--country", "ZZ").stdout == default  # unknown country: the neutral list


def test_the_users_edited_copy_wins(cli, data_home):
    result = cli("resources", "--init")
    copy = data_home / "help_resources.json"
    assert str(copy) in result.stdout
    data = json.loads(copy.read_text(encoding="utf-8"))
    data["default"] = [{"name": "Our clinic", "contact": "0123 456", "what": "ask for Dr Rivera"}]
    copy.write_text(json.dumps(data), encoding="utf-8")
    assert "Our clinic: 0123 456" in cli("resources").stdout
    cli("resources", "--init")  # never overwrites the edited copy
    assert "Our clinic" in copy.read_text(encoding="utf-8")


def test_a_broken_copy_is_named(cli, data_home):
    data_home.mkdir(parents=True, exist_ok=True)
    (data_home / "help_resources.json").write_text("{oops", encoding="utf-8")
    result = cli("resources")
    assert result.exit_code == 1 and "help_resources.json:1:" in result.stderr


def test_flagged_analysis_shows_the_resources_instead_of_a_dance(tmp_path, cli):
    rows = [
        {"speaker": "Dan", "text": "give me your phone. now. who were you texting", "move": "pursue", "cue": "demand", "safety": ["control"]},
        {"speaker": "Mia", "text": "please. I'm scared of what you'll do", "move": "soften", "cue": "vulnerable", "safety": ["fear"]},
    ]
    path = tmp_path / "coded.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = cli("analyze", "--country", "US", "--permutations", "0", str(path)).stdout
    assert out.startswith("SAFETY:") and "988" in out and "1-800-799-7233" in out
    document = json.loads(cli("analyze", "--json", "--permutations", "0", str(path)).stdout)
    assert document["safety"]["flagged"] and document["safety"]["resources"]
