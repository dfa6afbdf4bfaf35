"""Shared fixtures: paths to checked-in data, a CLI runner and a private data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyclemap.cli import main

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
# Another project's sample exports, read in place (never copied into the repo).
SHARED = TESTS.parent.parent / "shared"
PEERS = SHARED / "fixtures" / "peers"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def peers() -> Path:
    if not PEERS.is_dir():
        pytest.skip("../shared/fixtures/peers is not beside this checkout")
    return PEERS


class Cli:
    """Runs the real command line in-process and keeps stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(main, list(args), input=input, catch_exceptions=False)

    def parse(self, *args: str) -> list[dict]:
        result = self(*(["parse", *args]))
        assert result.exit_code == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]


def parsed_rows(cli: Cli, path: Path, *args: str) -> list[tuple]:
    """(time, speaker, kind, text) of every turn `cyclemap parse` writes (the import-coverage tests)."""
    return [(t["time"], t["speaker"], t["kind"], t["text"]) for t in cli.parse(str(path), *args)]


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder of the test's own, and none of the user's cyclemap settings."""
    home = tmp_path / "data"
    monkeypatch.setenv("CYCLEMAP_HOME", str(home))
    for name in ("CYCLEMAP_PASSPHRASE", "CYCLEMAP_COUNTRY"):
        monkeypatch.delenv(name, raising=False)
    return home
