"""Review V9 of this session's readers (c5aa615) and warning-sign families (5574e71).

Each test names what a person would see before the fix: an everyday message (directions, a running
app, leaving work early) raising a clear safety flag, so the chat's safety notice is shown; a thrown
glass that 'hit me in the face' read as an idiom; a chat-model file with nobody's words read as an
empty chat, silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyclemap.safety import conversation_flagged, screen_text
from cyclemap.safety_lexicon import lexicon
from tests.web_support import home  # noqa: F401 - fixture (a data folder of the test's own)

# Everyday messages a couple sends that share words with the S9 families (directions, apps, work, travel).
EVERYDAY = [
    "what's the quickest way to go to yours from the station?",
    "easiest way to go is the 38 bus",
    "I was looking up painless ways to remove a splinter",
    "googling the quickest way to end it with the gym membership",
    "I installed an app to track my runs",
    "I installed the app to watch the match tonight",
    "they made me leave work early because of the snow",
    "they made me quit my course because I failed the exam",
    "they won't allow me to leave work before 6",
    "work has kept me on a short leash this week",
    "she made me leave work early to get the kids",
    "I'll hit you up later",
    "I've packed a bag for when I go into labour",
    "got my suitcase by the door for the airport tomorrow",
]

# The published signs the same families were written for: they stay found, at their level.
SIGNS = [
    ("I've been googling painless ways to die", "sh_plan_means"),
    ("I looked up how many pills it would take to die", "sh_plan_means"),
    ("what's the quickest way to die", "sh_plan_means"),
    ("easiest way to end it.", "sh_plan_means"),
    ("I was reading up on painless methods", "sh_plan_means"),
    ("she installed an app so she can read my messages", "control_passwords_apps"),
    ("he installed an app to track my location", "control_passwords_apps"),
    ("he changed all my passwords", "control_passwords_apps"),
    ("he won't allow me to see my friends", "control_permission_duluth"),
    ("she made me quit my job", "control_permission_duluth"),
    ("he made me leave my job", "control_permission_duluth"),
    ("he tells me who I can talk to", "control_permission_duluth"),
    ("he keeps me on a short leash", "control_permission_duluth"),
    ("I packed a bag and hid it at my sister's for when I leave him", "fear_safety_planning"),
    ("I keep a bag by the door for when I finally go", "fear_safety_planning"),
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_messages_raise_no_flag(text: str) -> None:
    hits, _ = lexicon().scan(text)
    assert hits == [], hits
    assert not conversation_flagged(screen_text(text))  # no safety notice for directions or a running app


@pytest.mark.parametrize("text,family", SIGNS)
def test_the_published_signs_stay_found(text: str, family: str) -> None:
    hits, _ = lexicon().scan(text)
    assert family in {h.family for h in hits}, hits


def test_a_glass_that_hit_me_in_the_face_is_no_idiom() -> None:
    # The idiom guard ("it just hit me") held the clear sign before: only a possible one was left.
    hits, _ = lexicon().scan("he threw a glass at me and it hit me in the face")
    assert any(h.family == "harm_done" and h.level == "clear" for h in hits), hits
    assert lexicon().scan("it just hit me how much I love you") == ([], [])  # the idiom itself stays unflagged


def _lines(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("rows", [
    [{"role": "system", "content": "You are a helpful assistant."}, {"role": "system", "content": "Be brief."}],
    [{"messages": [{"role": "system", "content": "Be kind."}, {"role": "tool", "content": "42"}]}],
    [{"messages": [{"role": "user", "content": None}]}],
])
def test_a_chat_model_file_with_nobody_s_words_is_refused_on_one_line(cli, tmp_path: Path, rows: list[dict]) -> None:
    # Read as an empty chat before: exit 0, nothing written, nothing said.
    path = _lines(tmp_path / "prompts.jsonl", rows)
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert str(path) in result.stderr and "no message" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_chat_model_file_with_spoken_lines_still_reads(cli, tmp_path: Path) -> None:
    path = _lines(tmp_path / "chat.jsonl", [{"role": "system", "content": "x"}, {"role": "user", "content": "hi"},
                                            {"role": "assistant", "content": "hello"}])
    result = cli("parse", str(path))
    assert result.exit_code == 0
    assert [json.loads(line)["speaker"] for line in result.stdout.splitlines()] == ["user", "assistant"]


def test_the_import_note_shows_a_marked_up_file_name_as_text(home, tmp_path: Path) -> None:  # noqa: F811
    # The note names the file as uploaded: a name holding markup is shown as text, never run as a page's markup.
    pytest.importorskip("fastapi")
    from tests.web_support import Couple, make_app, wait_for_import

    app = make_app(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    try:
        couple = Couple(app)
        name = '<img src=x onerror="alert(1)">.csv'
        sheet = "text,label\n" + "".join(f'"{m}",0\n' for m in ("ok see you at eight", "I am tired of this"))
        response = couple.sam.upload(couple.rid, content=sheet.encode(), name=name)
        assert response.status_code == 202, response.text[:300]
        job = wait_for_import(couple.sam, couple.rid, response.json()["id"])
        assert job["status"] == "done", job
        page = couple.sam.get(f"/r/{couple.rid}/import").text
        assert "each row is read as a separate message" in page
        assert "<img src=x" not in page and "&lt;img src=x" in page
        assert str(home) not in page
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()


def test_eval_reads_labelled_examples_as_classify_reads_them(cli, tmp_path: Path) -> None:
    # Three writers' labelled examples ("label" on every line): 'parse' and 'classify' read each line as a message of
    # its own; 'eval' read them as one conversation of three people, so its score was for another reading.
    from cyclemap.evaluation.labelled import read_labelled

    rows = [{"speaker": who, "text": text, "move": move, "label": "benign"} for who, text, move in [
        ("u1", "why didn't you call", "pursue"), ("u2", "I need some space", "withdraw"),
        ("u3", "sorry, I snapped", "soften"), ("u1", "see you at eight", "neutral")]]
    path = _lines(tmp_path / "examples.jsonl", rows)
    parsed = [row["conversation"] for row in cli.parse(str(path))]
    assert len(set(parsed)) == 4  # each line its own conversation
    assert [row.turn.conversation for row in read_labelled(path)] == parsed


def test_a_phone_sheet_with_a_direction_column_stays_one_conversation(cli, tmp_path: Path) -> None:
    # "Type,Name,Message" names the contact on every row and says who sent it in "Type": two writers. Counted
    # by the name column alone it looked like one writer's list, and each row was read as a message of its own.
    path = tmp_path / "phone.csv"
    path.write_text("Type,Name,Message\nIncoming,Alex,why did you not call\nOutgoing,Alex,I was in a meeting\n"
                    "Incoming,Alex,you always say that\n", encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code == 0 and "separate message" not in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["speaker"] for row in rows] == ["Alex", "Me", "Alex"]
    assert {row["conversation"] for row in rows} == {None}


def test_a_phone_dump_marking_the_owner_s_messages_stays_one_conversation(cli, tmp_path: Path) -> None:
    # "is_from_me" marks the owner's rows: two writers, even where every row names the contact.
    path = tmp_path / "messages.json"
    path.write_text(json.dumps([
        {"sender": "Alex", "text": "why did you not call", "is_from_me": False},
        {"sender": "Alex", "text": "I was in a meeting", "is_from_me": True},
        {"sender": "Alex", "text": "you always say that", "is_from_me": False}]), encoding="utf-8")
    result = cli("parse", str(path), "--owner", "Sam")
    assert result.exit_code == 0 and "separate message" not in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["speaker"] for row in rows] == ["Alex", "Sam", "Alex"]
    assert {row["conversation"] for row in rows} == {None}


@pytest.mark.parametrize("content", ['text,move\n"you never answer",pursue\n', '[{"text": "you never answer", "move": "pursue"}]\n'])
def test_eval_on_a_sheet_or_a_json_list_says_what_it_reads(cli, tmp_path: Path, content: str) -> None:
    # 'parse' and 'classify' read these shapes now; 'eval' said "broken JSON line: Expecting value".
    path = tmp_path / "labelled.csv"
    path.write_text(content, encoding="utf-8")
    result = cli("eval", "--model", "keywords.v1", str(path))
    assert result.exit_code == 1
    assert f"{path}:1:" in result.stderr and "JSON Lines" in result.stderr and "move" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["he hit me and it just hit me how bad this is",
                                  "he hit me last night, it hit me how scared I am"])
def test_an_idiom_beside_a_blow_does_not_hide_it(text: str) -> None:
    # The idiom guard reads the whole sentence: "it just hit me" beside "he hit me" held the blow, and the chat
    # raised no flag at all.
    hits, _ = lexicon().scan(text)
    assert any(h.family == "harm_done" and h.level == "clear" for h in hits), hits
    assert conversation_flagged(screen_text(text))
