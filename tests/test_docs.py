"""Every command is documented: in the README and with examples in its --help."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyclemap.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_each_command_is_in_the_readme_and_shows_examples(cli, name):
    assert f"cyclemap {name}" in README or f"./dev {name}" in README, f"README does not mention cyclemap {name}"
    result = cli(name, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
