"""Practice sheets: filled-in names, printable self-contained HTML, plain text, safe file writing."""

from __future__ import annotations

import re

import pytest

from cyclemap.errors import UsageError
from cyclemap.practice import TOOLS, parse_names, render_html, render_text, sheet, sheets


@pytest.mark.parametrize("tool", TOOLS)
def test_each_sheet_renders_as_text_with_the_names(tool):
    text = render_text(sheet(tool, ("Sam", "Alex")))
    assert sheet(tool).title.upper() in text
    if tool == "timeout":
        assert "Sam" in text and "Alex" in text
        assert "twenty minutes" in text and "come back" in text.lower()
    assert "{a}" not in text and "{b}" not in text


def test_the_cards_cover_both_sides_and_say_roles_are_not_fixed():
    page = sheet("cards")
    headings = [s.heading for s in page.sections]
    assert any("pressing" in h for h in headings) and any("shutting down" in h for h in headings)
    assert "never to a person" in page.intro


def test_the_html_is_self_contained_and_print_ready():
    page = render_html(sheets("all", ("Sam", "Alex")))
    assert "@media print" in page
    assert not re.search(r"https?://|<script|<link|src=", page)
    assert page.count("<article") == len(TOOLS)


def test_names_are_escaped_in_html():
    page = render_html(sheet("timeout", parse_names("<b>Sam</b>,Alex")))
    assert "<b>Sam</b>" not in page
    assert "&lt;b&gt;Sam&lt;/b&gt;" in page


@pytest.mark.parametrize("bad", ["Sam", "Sam,", ",Alex", "A,B,C"])
def test_bad_names_are_refused(bad):
    with pytest.raises(UsageError):
        parse_names(bad)


def test_cli_writes_html_and_never_overwrites(cli, tmp_path):
    target = tmp_path / "cards.html"
    result = cli("practice", "cards", "-o", str(target), "--names", "Sam,Alex")
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = cli("practice", "cards", "-o", str(target))
    assert again.exit_code == 1
    assert "does not overwrite" in again.stderr


def test_cli_prints_text_by_default_and_refuses_bad_names(cli):
    result = cli("practice", "phrases")
    assert result.exit_code == 0
    assert "[ ]" in result.stdout
    bad = cli("practice", "--names", "Sam")
    assert bad.exit_code == 1
    assert bad.stderr.count("\n") == 1
