"""DiscordChatExporter JSON: DMs and server channels, replies, attachments, notices, bad input."""

from __future__ import annotations

import pytest

from cyclemap.ingest import detect


def rows(turns: list[dict]) -> list[tuple]:
    return [(t["id"][-2:], t["time"], t["speaker"], t["kind"], t["text"]) for t in turns]


def test_direct_messages(fixtures, cli):
    turns = cli.parse(str(fixtures / "discord" / "dm.json"))
    assert rows(turns) == [
        ("01", "2023-01-02T20:01:12.345000+01:00", "Sam", "message", "you said you'd call"),
        ("02", "2023-01-02T20:09:30.100000+01:00", "Alex", "message", "I was in a meeting,\nit ran over"),
        ("03", "2023-01-02T20:10:00+01:00", "Alex", "media", "IMG_2041.jpg"),
        ("04", "2023-01-02T20:11:00+01:00", "Sam", "media", "Wumpus wave"),  # a sticker
        ("05", "2023-01-02T20:15:00+01:00", None, "system", "Sam started a call that lasted 12 minutes."),
        ("06", "2023-01-02T20:30:00+01:00", None, "system", "Alex pinned a message."),
        ("07", "2023-01-02T20:31:00+01:00", "Sam", "message", "ok 🙂"),  # direction mark removed
    ]
    assert turns[0]["id"] == "500000000000000001"
    assert turns[1]["reply_to"] == "500000000000000001"
    # The pin notice also references a message, but it is no reply.
    assert [t["reply_to"] for t in turns].count(None) == 6


def test_server_channel_uses_nicknames(fixtures, cli):
    turns = cli.parse(str(fixtures / "discord" / "server_channel.json"))
    assert rows(turns) == [
        ("01", "2023-02-14T08:00:00+00:00", None, "system", "Jo (she/her) joined the server."),
        ("02", "2023-02-14T08:01:00+00:00", "Jo (she/her)", "message", "hi you two"),
        (
            "03",
            "2023-02-14T08:01:05+00:00",
            "Carl-bot",
            "media",
            "https://example.org/welcome",
        ),  # an embed only
    ]


def test_name_when_there_is_no_nickname(tmp_path, cli):
    path = tmp_path / "dm.json"
    path.write_text(
        '{"guild": {"id": "0", "name": "Direct Messages"}, "channel": {"id": "1", "name": "x"}, "messages": ['
        '{"id": "9", "type": "Default", "timestamp": "2023-01-02T20:01:12Z", "content": "hi",'
        ' "author": {"id": "3", "name": "sam.k", "nickname": null}}]}',
        encoding="utf-8",
    )
    assert [(t["speaker"], t["time"]) for t in cli.parse(str(path))] == [
        ("sam.k", "2023-01-02T20:01:12+00:00")
    ]


@pytest.mark.parametrize("name", ["dm.json", "server_channel.json"])
def test_detected_as_discord(fixtures, name):
    assert detect(fixtures / "discord" / name).name == "discord"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"guild": {}, "channel": {}, "messages": []}', "no messages in this export"),
        ('{"guild": {}, "channel": {}}', "no 'messages' list"),
        ('{"guild": {}, "channel": {}, "messages": [7]}', "message 1 is not a JSON object"),
        (
            '{"guild": {}, "channel": {}, "messages": [{"id": "1", "timestamp": "yesterday"}]}',
            "message 1 has a timestamp that is not ISO 8601",
        ),
    ],
)
def test_json_of_the_wrong_shape(tmp_path, cli, content, expected):
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    result = cli("parse", "--format", "discord", str(path))
    assert result.exit_code == 1
    assert f"{path}: " in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
