"""The web app says how it read a file when the reader had to decide something.

A list of separate messages (a sheet of single messages, no speaker, no time) is read as one
conversation per message; on the command line a warning says so, and the import page must say
it too, naming the file as uploaded (not the upload's path), quoting no message, no traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web_support import Couple, home, make_app, wait_for_import  # noqa: F401 - fixture

MESSAGES = ["why won't you answer me", "ok see you at eight", "I am tired of this"]


@pytest.fixture
def couple(home) -> Iterator[Couple]:  # noqa: F811 - the fixture imported above
    """Sam and Alex's space on SQLite (the warning is the app's, not the database's)."""
    app = make_app(f"sqlite:///{home.parent / 'app.sqlite3'}")
    try:
        yield Couple(app)
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()


def _import(couple: Couple, name: str, content: bytes) -> dict[str, Any]:
    response = couple.sam.upload(couple.rid, content=content, name=name)
    assert response.status_code == 202, response.text[:300]
    job = wait_for_import(couple.sam, couple.rid, response.json()["id"])
    assert job["status"] == "done", job
    return job


def test_a_list_of_separate_messages_is_said_on_the_import_page(couple: Couple, home) -> None:
    sheet = "text,label\n" + "".join(f'"{m}",0\n' for m in MESSAGES)
    job = _import(couple, "safety-set.csv", sheet.encode())
    assert job["message"] == ("safety-set.csv: labelled examples with no times and no conversations: "
                              "each row is read as a separate message")
    page = couple.sam.get(f"/r/{couple.rid}/import").text
    note = re.search(r'<p class="note import-warning" role="note">(.*?)</p>', page)
    assert note is not None and "each row is read as a separate message" in note.group(1)
    assert "safety-set.csv" in note.group(1)
    assert str(home) not in page and "uploads" not in note.group(1)  # the name as uploaded, not the path
    assert not any(m in note.group(1) or m.replace("'", "&#39;") in note.group(1) for m in MESSAGES)
    assert "Traceback" not in page


def test_a_chat_read_without_guessing_has_no_note(couple: Couple) -> None:
    chat = "time,speaker,text\n2024-03-02T19:04:00,Sam,you said you'd call\n2024-03-02T19:07:00,Alex,I was busy\n"
    job = _import(couple, "chat.csv", chat.encode())
    assert job["message"] is None
    assert "import-warning" not in couple.sam.get(f"/r/{couple.rid}/import").text
