"""Eighth survey of other projects' files (docs/import-coverage.md, "Eighth survey").

Each fixture is our own (invented names and text, the structure of the outside sample that
showed the quirk); the outside files stay outside the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import FIXTURES
from .conftest import parsed_rows as rows

QUIRKS = FIXTURES / "whatsapp" / "quirks"


# --- Part A (1): the words sent with a picture are a message -------------------------------------


def test_whatsapp_android_caption_is_the_words_of_a_message(cli):
    # "IMG-….jpg (file attached)" then "look what you did…" was one media turn: the words went unread.
    got = rows(cli, QUIRKS / "android_captions.txt")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        ("Robin", "message", "are you still at the office?"),
        ("Kai", "message", "look what you did to the kitchen"),  # caption on the line below
        ("Kai", "message", "and the sink too"),  # caption on the same line
        ("Robin", "media", "DOC-20250522-WA0009.pdf (file attached)\ncleaning rota.pdf"),  # a document's name
        ("Robin", "media", "VID-20250522-WA0010.mp4 (file attached)"),  # no caption
        ("Kai", "message", "you never asked me"),
    ]


def test_whatsapp_ios_caption_after_the_attachment_is_the_words_of_a_message(cli):
    got = rows(cli, QUIRKS / "ios_captions.txt")
    assert [(speaker, kind, text) for _, speaker, kind, text in got] == [
        ("Robin", "message", "are you still at the office?"),
        ("Kai", "message", "look what you did to the kitchen"),  # "<attached: …> look what…"
        ("Kai", "message", "and the sink too"),
        ("Robin", "media", "<attached: 00000033-PHOTO-2025-05-22-19-55-01.jpg>"),
        ("Kai", "message", "you never asked me"),
    ]
    assert got[1][0] == "2025-05-22T19:52:10"


def test_a_caption_is_classified_as_a_move(cli, data_home):
    result = cli("classify", "--fast", str(QUIRKS / "android_captions.txt"))
    assert result.exit_code == 0, result.stderr
    labels = [json.loads(line) for line in result.stdout.splitlines()]
    caption = labels[1]
    assert caption["text"] == "look what you did to the kitchen"
    assert "not a message" not in json.dumps(caption["evidence"])  # read as words, not skipped as media


# --- Part A (3): times under other tools' names -----------------------------------------------------


def test_json_messages_with_meshtastic_rx_time_have_times(cli):
    # "rx_time" (seconds) and "rx_iso": the times were not read, the messages had none.
    got = rows(cli, FIXTURES / "json_messages" / "quirks" / "rx_time_clock.json")
    assert [(time, speaker) for time, speaker, _, _ in got] == [
        ("2025-11-26T18:00:00+00:00", "!a1b2c3d4"),
        ("2025-11-26T18:07:00+00:00", "!e5f6a7b8"),
        ("2025-11-26T18:15:00+00:00", "!a1b2c3d4"),
    ]


def test_slack_ts_string_with_a_fraction_is_seconds_not_milliseconds(cli):
    # "1764180000.000100" was divided by 1000 (its length looked like milliseconds): 21 January 1970.
    got = rows(cli, FIXTURES / "json_messages" / "quirks" / "slack_ts_string.json")
    assert [time[:19] for time, *_ in got] == ["2025-11-26T18:00:00", "2025-11-26T18:05:00"]


def test_sheet_with_a_ts_column_has_times(cli):
    got = rows(cli, FIXTURES / "generic" / "quirks" / "ts_column.csv")
    assert [(time[:19], speaker) for time, speaker, _, _ in got] == [
        ("2025-11-26T18:00:00", "Robin"), ("2025-11-26T18:05:00", "Kai"), ("2025-11-26T18:06:00", "Robin"),
    ]


def _lines(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    return path


def test_json_lines_with_twitch_wall_ts_and_created_at_have_times(cli, tmp_path):
    # Twitch's "ts" counts seconds into the stream (0.9): not a date; "wall_ts" is the clock.
    twitch = _lines(tmp_path / "chat.jsonl", [
        {"ts": 0.912, "wall_ts": 1764180000.5, "user": "Robin", "text": "you said you'd be online"},
        {"ts": 65.2, "wall_ts": 1764180065.0, "user": "Kai", "text": "I'm here now"},
    ])
    assert [(time[:19], speaker) for time, speaker, _, _ in rows(cli, twitch)] == [
        ("2025-11-26T18:00:00", "Robin"), ("2025-11-26T18:01:05", "Kai"),
    ]
    created = _lines(tmp_path / "created.jsonl", [
        {"created_at": "2025-11-26T18:00:00Z", "author": "Robin", "text": "are you coming?"},
        {"created_at": "2025-11-26T18:03:00Z", "author": "Kai", "text": "in a bit"},
    ])
    assert [time for time, *_ in rows(cli, created)] == ["2025-11-26T18:00:00+00:00", "2025-11-26T18:03:00+00:00"]


def test_a_stream_offset_alone_is_no_date(cli, tmp_path):
    # Only "ts" seconds into a stream: no times rather than January 1970.
    path = _lines(tmp_path / "chat.jsonl", [
        {"ts": 0.9, "user": "Robin", "text": "you said you'd be online"},
        {"ts": 65.2, "user": "Kai", "text": "I'm here now"},
    ])
    assert [time for time, *_ in rows(cli, path)] == [None, None]


# --- Part A (2): a thread copied out of Slack -------------------------------------------------------

TRANSCRIPTS = FIXTURES / "transcripts" / "quirks"


def test_a_copied_slack_thread_reads_one_turn_per_heading(cli):
    # "Robin (Home) - 9:40 PM" headings, the words below: refused as "no known chat format".
    turns = cli.parse(str(TRANSCRIPTS / "slack_thread_copy.txt"))
    assert [(t["speaker"], t["text"]) for t in turns] == [
        ("Robin", "are you still at the office? you said you'd be back by eight"),  # the role is not the name
        ("Kai", "I know, I'm sorry. The release went wrong."),
        ("Robin", "you always say that"),
        ("Kai", "can we talk when I'm home?"),
    ]
    assert [t["offset"] for t in turns] == [78000, 78720, 78780, 79500]  # 9:40 PM … as seconds into the day
    assert {t["time"] for t in turns} == {None}  # the copy has no date


def test_a_copied_slack_thread_past_midnight_keeps_running_forward(cli):
    turns = cli.parse(str(TRANSCRIPTS / "slack_thread_two_spaces.txt"))
    assert [(t["speaker"], t["offset"]) for t in turns] == [("Robin Lee", 86280), ("Kai", 86460)]


def test_otter_headings_without_am_pm_stay_offsets_into_the_recording(cli, tmp_path):
    path = tmp_path / "otter.txt"
    path.write_text("Speaker 1  10:30\nyou never listen\n\nSpeaker 2  10:41\nI am listening\n", encoding="utf-8")
    assert [(t["speaker"], t["offset"]) for t in cli.parse(str(path))] == [("Speaker 1", 630), ("Speaker 2", 641)]


# --- Part B: what the eighth survey found ------------------------------------------------------------


def test_a_json_list_of_chat_model_conversations_reads_each_as_a_conversation(cli):
    # A support team's dataset: [{"messages": [{"role": "user"/"agent", "text"}]}]: refused as no known format.
    got = cli.parse(str(FIXTURES / "json_messages" / "quirks" / "chat_model_conversations.json"))
    assert [(t["conversation"], t["speaker"], t["text"]) for t in got] == [
        ("call-1", "user", "you said the engineer would come this morning"),
        ("call-1", "agent", "I'm sorry, the visit moved to the afternoon"),  # "agent" was left out
        ("call-1", "customer", "nobody told me"),  # any role, once the conversation has a chat model's shape
        ("chat-2", "user", "can we talk about the bill?"),
        ("chat-2", "agent", "of course, what is wrong with it?"),
    ]


def test_a_json_list_of_chat_model_messages_is_one_conversation(cli, tmp_path):
    path = tmp_path / "chat.json"
    path.write_text(json.dumps([
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "why didn't you call?"},
        {"role": "assistant", "content": "I was in a meeting"},
    ]), encoding="utf-8")
    assert [(speaker, text) for _, speaker, _, text in rows(cli, path)] == [
        ("user", "why didn't you call?"), ("assistant", "I was in a meeting"),
    ]


def test_chat_model_lines_keep_a_role_no_model_uses(cli, tmp_path):
    path = _lines(tmp_path / "support.jsonl", [{"id": "t1", "messages": [
        {"role": "user", "content": "the parcel never came"}, {"role": "agent", "content": "let me check"}]}])
    assert [(speaker, text) for _, speaker, _, text in rows(cli, path)] == [
        ("user", "the parcel never came"), ("agent", "let me check"),
    ]


def test_names_alone_on_their_lines_keep_colons_in_the_words(cli):
    # "Brent:" / blank / 'Repeat after me: "Hi Brent"': the words were read as a speaker "Repeat after me".
    turns = cli.parse(str(TRANSCRIPTS / "names_on_their_own_lines.txt"))
    assert [(t["speaker"], t["text"]) for t in turns] == [
        ("Robin", 'you promised: "home by nine"'),
        ("Kai", "I know. Note: the train was late"),
        ("Robin", "again?"),
    ]


def test_discord_csv_with_dd_mon_yy_dates(cli):
    # DiscordChatExporter's older CSV writes "14-Feb-21 09:58 PM": the file was refused at row 2.
    got = rows(cli, FIXTURES / "generic" / "quirks" / "discord_worded_dates.csv")
    assert [(time, speaker) for time, speaker, _, _ in got] == [
        ("2021-02-14T21:58:00", "Robin#0420"), ("2021-02-14T22:31:00", "Kai#7781"), ("2021-02-15T00:05:00", "Robin#0420"),
    ]


def test_whatsapp_finnish_media_not_included_is_media(cli):
    # "<Mediaa ei sisällytetty>" ("media not included") was read as Kai's words.
    got = rows(cli, QUIRKS / "android_fi_media_not_included.txt")
    assert [(speaker, kind) for _, speaker, kind, _ in got] == [
        (None, "system"), ("Robin", "message"), ("Kai", "media"), ("Kai", "message"),
    ]
    assert got[1][0] == "2026-09-01T10:05:00"  # "1.9.2026 klo 10.05"
