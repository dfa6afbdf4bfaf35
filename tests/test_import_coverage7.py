"""Seventh survey of other projects' files (docs/import-coverage.md, "Seventh survey").

Each fixture is our own (invented names and text, the structure of the outside sample that
showed the quirk); the outside files stay outside the repository. JSON Lines fixtures are
written by their tests: no fixture folder belongs to the JSON Lines reader (tests/test_detection.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .conftest import parsed_rows as rows

SEPARATE = "is read as a separate message"
WORDS = ["you never answer when I call, why?", "I need some space tonight", "sorry, I know I snapped at you"]


def _lines(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    return path


# --- Part A: lists of messages that name nobody -----------------------------------------------


def test_a_sheet_of_messages_without_a_speaker_reads_each_row_alone(cli):
    # A dataset's "text,label" sheet was refused as "no known chat format".
    path = FIXTURES / "generic" / "quirks" / "messages_without_speaker.csv"
    result = cli("parse", str(path))
    assert result.exit_code == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(t["speaker"], t["text"]) for t in turns] == [("unnamed", w) for w in WORDS]
    assert len({t["conversation"] for t in turns}) == 3  # nobody answers anybody
    assert f"each row {SEPARATE}" in result.stderr


def test_a_json_list_of_messages_without_a_speaker_reads_each_item_alone(cli):
    path = FIXTURES / "json_messages" / "quirks" / "messages_without_speaker.json"
    result = cli("parse", str(path))
    assert result.exit_code == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(t["speaker"], t["text"]) for t in turns] == [("unnamed", w) for w in WORDS]
    assert len({t["conversation"] for t in turns}) == 3
    assert f"each item {SEPARATE}" in result.stderr


def test_a_list_of_messages_is_classified_as_if_each_were_alone(cli, data_home, tmp_path):
    """A danger sign in one row does not colour the next: each row is its own dialogue."""
    sheet = tmp_path / "safety.csv"
    sheet.write_text('text\n"he hit me again last night"\n"send me a pic of your new haircut!"\n', encoding="utf-8")
    result = cli("classify", str(sheet), "--fast", "--no-cache")
    assert result.exit_code == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert got[0]["safety"] == ["violence"] and got[1]["safety"] == []
    assert got[0]["conversation"] != got[1]["conversation"]


def test_a_sheet_with_times_but_no_speaker_stays_one_chat(cli, tmp_path):
    sheet = tmp_path / "diary.csv"
    sheet.write_text("time,text\n2025-03-14T21:02:00,home late again\n2025-03-14T21:40:00,he did not call\n",
                     encoding="utf-8")
    result = cli("parse", str(sheet))
    assert result.exit_code == 0 and SEPARATE not in result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["conversation"] for t in turns] == [None, None]
    assert [t["time"] for t in turns] == ["2025-03-14T21:02:00", "2025-03-14T21:40:00"]


def test_a_json_list_of_one_writers_messages_is_separate_too(cli, tmp_path):
    """The same rule as JSON Lines: one writer and no clock is a list, not a conversation."""
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps([{"author": "Robin", "text": w} for w in WORDS]), encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code == 0 and SEPARATE in result.stderr
    assert len({json.loads(line)["conversation"] for line in result.stdout.splitlines()}) == 3


@pytest.mark.parametrize("name, content", [
    ("numbers.csv", "a,b,c\n1,2,3\n4,5,6\n"),
    ("server.csv", "timestamp,level,text\n2025-03-14T21:02:00,INFO,started\n"),
    ("events.json", '[{"level": "info", "text": "started"}, {"level": "info", "text": "stopped"}]'),
    ("segments.json", '[{"start": 0.0, "end": 1.5, "text": "hello"}, {"start": 1.5, "end": 3.0, "text": "hi"}]'),
    ("server.jsonl", '{"message": "started"}\n{"message": "stopped"}\n'),
    ("prompts.jsonl", '{"prompt": "hello", "completion": "hi"}\n'),
])
def test_files_that_are_not_chats_still_stop_with_one_line(cli, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and name in result.stderr and "Traceback" not in result.stderr


# --- Part A: JSON Lines in the chat-model shape ----------------------------------------------


def test_chat_model_lines_read_roles_as_speakers_and_leave_instructions_out(cli, tmp_path):
    path = _lines(tmp_path / "chat.jsonl", [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": WORDS[0]},
        {"role": "assistant", "content": [{"type": "text", "text": WORDS[1]}]},
        {"role": "tool", "content": "{\"ok\": true}"},
        {"role": "user", "content": WORDS[2]},
    ])
    result = cli("parse", str(path))
    assert result.exit_code == 0 and SEPARATE not in result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(t["speaker"], t["text"]) for t in turns] == [("user", WORDS[0]), ("assistant", WORDS[1]),
                                                          ("user", WORDS[2])]
    assert {t["conversation"] for t in turns} == {None}


def test_each_line_of_messages_is_one_conversation(cli, tmp_path):
    path = _lines(tmp_path / "dialogues.jsonl", [
        {"id": "d1", "messages": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": WORDS[0]},
                                  {"role": "assistant", "content": WORDS[1]}]},
        {"messages": [{"role": "user", "content": WORDS[2]}, {"role": "assistant", "content": None,
                                                              "tool_calls": [{"id": "x"}]}]},
        {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]},
    ])
    got = [(t["conversation"], t["speaker"], t["text"]) for t in cli.parse(str(path))]
    assert got == [("d1", "user", WORDS[0]), ("d1", "assistant", WORDS[1]), ("chat-2", "user", WORDS[2]),
                   ("chat-3", "human", "hi"), ("chat-3", "gpt", "hello")]


def test_one_roles_messages_alone_are_a_list_of_messages(cli, tmp_path):
    path = _lines(tmp_path / "prompts.jsonl", [{"role": "user", "content": w} for w in WORDS])
    result = cli("parse", str(path))
    assert result.exit_code == 0 and f"each line {SEPARATE}" in result.stderr
    assert len({json.loads(line)["conversation"] for line in result.stdout.splitlines()}) == 3


def test_chat_model_lines_classify_with_the_line_kept(cli, data_home, tmp_path):
    path = _lines(tmp_path / "chat.jsonl", [{"role": "user", "content": WORDS[0]},
                                            {"role": "assistant", "content": WORDS[1]}])
    result = cli("classify", str(path), "--fast", "--no-cache")
    assert result.exit_code == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(g["role"], g["move"]) for g in got][0] == ("user", "pursue")
    assert len(got) == 2


def test_a_line_that_is_no_chat_message_is_named(cli, tmp_path):
    path = _lines(tmp_path / "mixed.jsonl", [{"role": "user", "content": "hi"}, {"event": "click"}])
    result = cli("parse", str(path))
    assert result.exit_code != 0 and "mixed.jsonl:2:" in result.stderr and result.stderr.count("\n") == 1


def test_chat_model_turns_with_text_are_read_too(cli, tmp_path):
    # A vision dataset's {"id", "turns": [{"role", "text"}]} lines were refused ("Extra data").
    path = _lines(tmp_path / "conversations.jsonl", [
        {"id": "fixture-1", "images": ["red.png"], "turns": [{"role": "user", "text": WORDS[0]},
                                                            {"role": "assistant", "text": WORDS[1]}]},
    ])
    got = [(t["conversation"], t["speaker"], t["text"]) for t in cli.parse(str(path))]
    assert got == [("fixture-1", "user", WORDS[0]), ("fixture-1", "assistant", WORDS[1])]


# --- Part B: the seventh survey's misreadings -----------------------------------------------


def test_json_dump_of_several_chats_keeps_each_messages_chat(cli):
    # An iMessage database dump names each message's "chat": it was read as one chat of everyone.
    turns = cli.parse(str(FIXTURES / "json_messages" / "quirks" / "two_chats.json"))
    assert [t["conversation"] for t in turns] == ["chat-robin-kai", "chat-robin-kai", "chat-book-club",
                                                  "chat-robin-kai"]


def test_telethon_messages_name_their_sender_by_account_number(cli):
    # {"sender_id": 10, "message": …}: refused as "no known chat format".
    got = rows(cli, FIXTURES / "json_messages" / "quirks" / "telethon_messages.json")
    assert got == [("2025-03-14T21:02:00+00:00", "10", "message", "you said you'd be home by nine"),
                   ("2025-03-14T21:40:00+00:00", "11", "message", "traffic was awful, sorry")]


def test_a_message_of_only_an_attachment_is_media(cli):
    # A Discord message list: an empty "content" with a picture was an empty message.
    got = rows(cli, FIXTURES / "json_messages" / "quirks" / "attachment_only.json")
    assert got[1][1:] == ("kai_r", "media", "traffic.jpg")


def test_whatsapp_ambiguous_dates_that_run_day_to_day(cli):
    # "12/01/25" then "12/02/25" were read day-first (12 January, then a month later) with a warning;
    # the chat moves to the next morning only when read month-first.
    result = cli("parse", str(FIXTURES / "whatsapp" / "quirks" / "ambiguous_dates_next_day.txt"))
    assert result.exit_code == 0 and "guessed" not in result.stderr
    times = [json.loads(line)["time"] for line in result.stdout.splitlines()]
    assert times == ["2025-12-01T21:02:00", "2025-12-01T21:40:00", "2025-12-02T08:10:00", "2025-12-02T19:45:00"]


def test_telegram_service_message_without_an_action_keeps_its_words(cli):
    got = rows(cli, FIXTURES / "telegram" / "quirks" / "service_without_action.json")
    assert got[1] == ("2025-03-14T21:05:00", None, "system", "Kai joined")  # was "service message"


@pytest.mark.parametrize("name, speakers", [
    ("author_name_content.csv", ["robin", "kai", "robin"]),  # a Discord bot's sheet: "author_name", "content"
    ("message_text_column.csv", ["Robin", "Kai"]),  # "sender", "message_text"
])
def test_sheets_with_other_names_for_speaker_and_words(cli, name, speakers):
    got = rows(cli, FIXTURES / "generic" / "quirks" / name)
    assert [speaker for _, speaker, _, _ in got] == speakers
    assert got[0][3] == "you said you'd be home by nine"


def test_sms_backup_merged_twice_says_each_message_once(cli):
    # The same message twice (a merged backup) was two turns; an empty <sms/> was a chat named "?".
    got = rows(cli, FIXTURES / "sms" / "quirks" / "merged_duplicates.xml")
    assert [(speaker, text) for _, speaker, _, text in got] == [
        ("Robin", "you said you'd be home by nine"), ("Me", "traffic was awful"), ("Robin", "ok"),
    ]


@pytest.mark.parametrize("name", ["examples.jsonl", "examples.csv"])
def test_labelled_examples_by_a_few_writers_are_separate_messages(cli, tmp_path, name):
    # A test set of labelled messages by three writers read as one conversation of three people.
    rows_ = [{"id": f"m{i}", "label": label, "user": user, "text": text} for i, (label, user, text) in enumerate([
        ("benign", "U_ROBIN", WORDS[0]), ("benign", "U_KAI", WORDS[1]), ("malicious", "U_NEW", WORDS[2])])]
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("id,label,user,text\n" + "".join(f'{r["id"]},{r["label"]},{r["user"]},"{r["text"]}"\n'
                                                          for r in rows_), encoding="utf-8")
    else:
        _lines(path, rows_)
    result = cli("parse", str(path))
    assert result.exit_code == 0 and "labelled examples" in result.stderr and SEPARATE in result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["speaker"] for t in turns] == ["U_ROBIN", "U_KAI", "U_NEW"]
    assert len({t["conversation"] for t in turns}) == 3


def test_a_couples_conversation_labelled_turn_by_turn_stays_one_conversation(cli, tmp_path):
    # Two people taking turns, each turn labelled: reading them apart would take every turn's context away.
    path = _lines(tmp_path / "labelled.jsonl", [
        {"speaker": "Sam", "text": "why didn't you call", "label": "pursue"},
        {"speaker": "Alex", "text": "I don't want to talk about it", "label": "withdraw"},
        {"speaker": "Sam", "text": "you never want to talk", "label": "pursue"},
    ])
    result = cli("parse", str(path))
    assert result.exit_code == 0 and SEPARATE not in result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(turns) == 3 and len({t["conversation"] for t in turns}) == 1


def test_a_chat_model_conversation_longer_than_the_sniffed_head_is_still_found(cli, tmp_path):
    long = "why didn't you call " * 4000  # 80 kB: more than detection reads of a file
    path = _lines(tmp_path / "long.jsonl", [{"conversations": [{"from": "human", "value": long},
                                                               {"from": "gpt", "value": "sorry"}]}])
    got = [(t["speaker"], len(t["text"])) for t in cli.parse(str(path))]
    assert got == [("human", len(long)), ("gpt", 5)]


@pytest.mark.parametrize("name", ["coded.jsonl", "coded.csv"])
def test_a_therapy_transcript_coded_by_the_codebook_stays_one_conversation(cli, tmp_path, name):
    # Three people (a therapist and a couple), each turn coded with the codebook's moves: a coded
    # conversation, not a data set of examples; reading it apart would take every turn's context away.
    coded = [("Therapist", "what happens when Sam goes quiet?", "neutral"),
             ("Alex", "I keep asking and asking, why won't you answer", "pursue"),
             ("Sam", "I just shut down, I don't want to talk about it", "withdraw")]
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("speaker,text,label\n" + "".join(f'{s},"{t}",{label}\n' for s, t, label in coded),
                        encoding="utf-8")
    else:
        _lines(path, [{"speaker": s, "text": t, "label": label} for s, t, label in coded])
    result = cli("parse", str(path))
    assert result.exit_code == 0 and SEPARATE not in result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(turns) == 3 and len({t["conversation"] for t in turns}) == 1
