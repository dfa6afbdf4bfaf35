"""Review of session 7's changes (V7): what a user would have noticed in the new readers and the veto.

Each test failed (or, for the two speed findings, took minutes) before its fix.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyclemap.model import Turn


def _speakers(cli, path: Path) -> list[str | None]:
    return [turn["speaker"] for turn in cli.parse(str(path))]


# --- transcript.py: "Name (00:15): words" must not turn a clock in someone's words into a speaker -------


def test_a_clock_in_brackets_inside_a_sentence_is_not_a_new_speaker(cli, tmp_path):
    path = tmp_path / "talk.txt"
    path.write_text(
        "Sam: can we talk tonight?\nAlex: I have work, maybe later\nSam: you always say that\n"
        "call me back at (10:30) please\nAlex: fine\n",
        encoding="utf-8",
    )
    got = cli.parse(str(path))
    assert [t["speaker"] for t in got] == ["Sam", "Alex", "Sam", "Alex"]
    assert got[2]["text"] == "you always say that\ncall me back at (10:30) please"


def test_rev_and_markdown_stamps_still_name_the_speaker(cli, tmp_path):
    path = tmp_path / "rev.txt"
    path.write_text(
        "Dana (00:00:03):\nYou said six.\n\nLee (00:00:07): The train stopped.\n"
        "**Dana (00:00:09)** And you couldn't text?\nLee (00:01:05 - 00:01:09): My phone was dead.\n",
        encoding="utf-8",
    )
    got = cli.parse(str(path))
    assert [(t["speaker"], t["text"]) for t in got] == [
        ("Dana", "You said six."),
        ("Lee", "The train stopped."),
        ("Dana", "And you couldn't text?"),
        ("Lee", "My phone was dead."),
    ]


# --- wechat.py: a long run of spaces in a stamped line (was quadratic: minutes for 50,000 spaces) -----------


def test_a_stamped_line_with_a_long_run_of_spaces_is_read_at_once(cli, tmp_path):
    path = tmp_path / "log.txt"
    gap = " " * 50_000
    path.write_text(f"2024-03-01 09:12:03 Sam: so{gap}quiet\n2024-03-01 09:13:03 Alex: sorry\n", encoding="utf-8")
    got = cli.parse(str(path))
    assert [(t["speaker"], t["text"]) for t in got] == [("Sam", f"so{gap}quiet"), ("Alex", "sorry")]


# --- skype.py ------------------------------------------------------------------------------------------


def _skype(tmp_path: Path, conversation: dict) -> Path:
    path = tmp_path / "messages.json"
    path.write_text(json.dumps({"userId": "8:live:sam", "exportDate": "2025-03-01T20:34",
                                "conversations": [conversation]}), encoding="utf-8")
    return path


def _message(content: str) -> dict:
    return {"id": "1", "from": "8:live:alex", "displayName": "Alex", "originalarrivaltime": "2024-03-04T11:20:34Z",
            "messagetype": "RichText", "content": content}


def test_a_skype_member_count_of_infinity_is_no_internal_error(cli, tmp_path):
    # json reads 1e999 as infinity; int(inf) raised OverflowError: "internal error ... please report it"
    path = tmp_path / "messages.json"
    text = json.dumps({"userId": "8:live:sam", "conversations": [
        {"id": "19:group", "displayName": "Us", "threadProperties": {"membercount": 7},
         "MessageList": [_message("home yet?")]}]}).replace('"membercount": 7', '"membercount": 1e999')
    path.write_text(text, encoding="utf-8")
    got = cli.parse(str(path))
    assert [(t["speaker"], t["text"]) for t in got] == [("Alex", "home yet?")]


def test_skype_quotes_are_still_left_out_and_unclosed_ones_read_at_once(cli, tmp_path):
    quoted = '<quote author="sam"><legacyquote>[1:02] </legacyquote>you said six</quote>I know, sorry'
    got = cli.parse(str(_skype(tmp_path, {"id": "8:live:alex", "displayName": "Alex",
                                          "MessageList": [_message(quoted)]})))
    assert [t["text"] for t in got] == ["I know, sorry"]
    # 20,000 "<quote>" with no end took a lazy search quadratic time (minutes at 50,000)
    (tmp_path / "messages.json").unlink()
    got = cli.parse(str(_skype(tmp_path, {"id": "8:live:alex", "displayName": "Alex",
                                          "MessageList": [_message("<quote>" * 20_000 + "still here")]})))
    assert [t["text"] for t in got] == ["still here"]


# --- json_messages.py: an impossible epoch says so, not "[Errno 75] Value too large" ------------------------


def test_an_impossible_epoch_time_is_named_as_such(cli, tmp_path):
    path = tmp_path / "chat.json"
    path.write_text(json.dumps([{"sender": "Sam", "text": "hi", "time": -1e18}]), encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code != 0
    assert str(path) in result.stderr and "out of range" in result.stderr
    assert "Errno" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- the veto: only the very first message of a conversation is "lone", whatever the block -----------------


def test_only_the_first_message_of_a_long_chat_is_read_as_lone(monkeypatch):
    pytest.importorskip("onnxruntime")
    from cyclemap import classify
    from cyclemap.moves import labeller as labeller_module
    from cyclemap.moves.labeller import Labeller

    if labeller_module.make_model(labeller_module.DEFAULT).pretrained is False:
        pytest.skip("no default model installed")
    calls: list[list[tuple[str, bool]]] = []

    def record(items, screened, wording=None, lone=None):
        calls.append(list(zip((text for text, _ in items), lone or [False] * len(items), strict=True)))
        return list(screened)

    monkeypatch.setattr(labeller_module, "add_encoder_findings", record)
    monkeypatch.setattr(classify, "BLOCK", 6)  # blocks after the first re-read earlier turns as context
    turns = [Turn(id=str(i), time=None, speaker="AB"[i % 2], text=f"message {i}", conversation="c")
             for i in range(20)]
    labelled = list(classify.classify_stream(((t, None) for t in turns), Labeller()))
    assert [row.turn.id for row in labelled] == [str(i) for i in range(20)]
    assert len(calls) == 4  # blocks of 6, 6, 6 and 2 turns, each after its context turns
    for number, call in enumerate(calls):
        block = call[-6:] if number < 3 else call[-2:]  # the block's own turns come after its context
        assert [text for text, _ in block] == [f"message {i}" for i in range(6 * number, min(6 * number + 6, 20))]
        # "message 0" alone was read with no earlier turn; a later block's first turn had its context
        assert [is_lone for _, is_lone in block] == [number == 0 and i == 0 for i in range(len(block))]


# --- whatsapp_locale.py: WhatsApp Web's same-line caption must not swallow a message naming a file ----------


def test_a_message_that_names_an_attached_file_mid_sentence_is_still_a_message(cli, tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text(
        "[3/14/25, 8:58:02 PM] Robin: I sent you the report.pdf (file attached) yesterday, did you even open it?\n"
        "[3/14/25, 8:58:40 PM] Robin: IMG_1.jpg (file attached) the queue at the pharmacy\n"
        "[3/14/25, 8:59:02 PM] Kai: not yet\n",
        encoding="utf-8",
    )
    got = cli.parse(str(path))
    assert [(t["speaker"], t["kind"]) for t in got] == [("Robin", "message"), ("Robin", "message"), ("Kai", "message")]
    assert got[1]["text"] == "the queue at the pharmacy"  # the picture's caption, without its placeholder


# --- wechat.py: a message that only holds the word "patted" / "拍了拍" is someone's words, not a notice -------


def test_a_message_mentioning_a_pat_is_a_message_and_the_notice_is_not(cli, tmp_path):
    path = tmp_path / "log.txt"
    path.write_text(
        "2024-03-01 09:12:03 Sam: you never listen. I patted your back and you walked off\n"
        "2024-03-01 09:13:03 小明: 我拍了拍你的肩膀，你都不理我\n"
        '2024-03-01 09:14:03 阿康\n"阿康" 拍了拍 "小明"\n\n'
        '2024-03-01 09:15:03 小明\n"小明" 撤回了一条消息\n',
        encoding="utf-8",
    )
    got = cli.parse(str(path))
    assert [(t["speaker"], t["kind"]) for t in got] == [
        ("Sam", "message"), ("小明", "message"), ("阿康", "system"), ("小明", "system"),
    ]


# --- table.py: a direction column renames the owner's rows only where the speaker column is the contact ------


def test_a_sender_column_keeps_its_names_beside_a_sent_received_column(cli, tmp_path):
    path = tmp_path / "texts.csv"
    path.write_text("time,type,from,text\n2024-03-01 09:12:03,received,Alex,can we talk?\n"
                    "2024-03-01 09:13:03,sent,Sam,later\n", encoding="utf-8")
    assert _speakers(cli, path) == ["Alex", "Sam"]  # not "Me": the "from" column names who wrote it
    phone = tmp_path / "phone.csv"  # an SMS app's export: the contact's name on every row
    phone.write_text("Date,Time,Type,Number,Name,Message\n2016-11-02,17:24:12,out,+15550100,Jamie,are you coming?\n"
                     '2016-11-02,17:36:23,in,+15550100,Jamie,"yes, 10 min"\n', encoding="utf-8")
    assert _speakers(cli, phone) == ["Me", "Jamie"]
