"""A message whose date or time cannot exist stops the read with one line naming the file (and the
line, where the format has lines), never an internal error, and never gives one person's words to
another by joining the line to the message above. Each case damages one of our own fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _damaged(tmp_path: Path, fixture: str, old: str, new: str) -> Path:
    source = FIXTURES / fixture
    if source.is_dir():
        target = tmp_path / source.name
        shutil.copytree(source, target)
        page = target / "messages.html"
    else:
        target = page = tmp_path / source.name
        shutil.copyfile(source, target)
    text = page.read_text(encoding="utf-8")
    assert old in text, f"{fixture} no longer has {old!r}"
    page.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


CASES = [
    # (fixture, what to damage, the damage, the line the error names or None, words in the error)
    ("telegram_html/ChatExport_2024-05-02", "01.05.2024 21:04:11", "99.99.2024 21:04:11", None, "impossible time"),
    ("telegram_html/ChatExport_2024-05-02", "21:04:11 UTC+02:00", "21:04:11 UTC+99:00", None, "impossible time"),
    ("line/line_en.txt", "21:04\tRen", "25:99\tRen", 5, "impossible time of day"),
    ("kakaotalk/phone_en.txt", "Mar 10, 2024 at 21:04, Robin", "Mar 10, 2024 at 29:04, Robin", 5, "impossible"),
    ("kakaotalk/pc_en.txt", "[Robin] [9:04 PM]", "[Robin] [25:00 PM]", 5, "impossible time"),
]


@pytest.mark.parametrize("fixture,old,new,line,words", CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_an_impossible_time_is_a_one_line_error_naming_the_file(tmp_path, data_home, cli, fixture, old, new, line, words) -> None:
    path = _damaged(tmp_path, fixture, old, new)
    result = cli("classify", "--fast", str(path))
    assert result.exit_code not in (0, 70), result.output  # 70 is cyclemap's "internal error"
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert words in message, message
    assert path.name in message, message
    if line is not None:
        assert f":{line}:" in message, message


def test_the_undamaged_fixtures_still_read(data_home, cli) -> None:
    for fixture in {case[0] for case in CASES}:
        result = cli("classify", "--fast", str(FIXTURES / fixture))
        assert result.exit_code == 0, (fixture, result.output)
        assert result.stdout.count('"move"') >= 3
