"""Bad input through the CLI, end to end (issues 4 and 5): what cyclemap cannot read gets a low
confidence that says why, malformed input one line naming the line, and too little to read a
plain sentence, never a made-up pattern."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta
from html import unescape

import pytest


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))


def write_turns(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def classify(cli, path, *mode):
    result = cli("classify", *mode, str(path))
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def report_text(cli, path, tmp_path):
    out = tmp_path / "report.html"
    result = cli("analyze", "--permutations", "20", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = re.sub(r"(?s)<style.*?</style>", "", out.read_text(encoding="utf-8"))
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def analyze_json(cli, path):
    result = cli("analyze", "--json", "--permutations", "20", str(path))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


CANNOT_READ = [
    {"speaker": "Sam", "text": "you never listen to me, you always do this"},
    {"speaker": "Alex", "text": "😢😢😢"},
    {"speaker": "Sam", "text": "¿Por qué nunca me escuchas? Siempre haces lo mismo."},
    {"speaker": "Alex", "text": "No quiero hablar de esto ahora."},
    {"speaker": "Sam", "text": "你为什么从来不听我说话？"},
    {"speaker": "Alex", "text": "🙄"},
]


@pytest.mark.parametrize("mode", [[], ["--fast"]])
def test_what_cyclemap_cannot_read_gets_a_low_confidence_that_says_why(tmp_path, cli, mode):
    out = classify(cli, write_turns(tmp_path / "turns.jsonl", CANNOT_READ), *mode)
    english, tears, spanish, spanish_reply, chinese, eyes = out
    assert english["move"] == "pursue" and english["confidence"] > 0.5  # English is read as before
    for emoji in (tears, eyes):
        assert emoji["confidence"] <= 0.4
        assert emoji["evidence"][0]["reason"].startswith("only emoji")
    for row, language in ((spanish, "Spanish"), (spanish_reply, "Spanish"), (chinese, "Chinese")):
        assert (row["move"], row["cue"]) == ("neutral", None)
        assert row["confidence"] <= 0.25
        assert "not written in English" in row["evidence"][0]["reason"] and language in row["evidence"][0]["reason"]


def _long_ordinary_letter(length: int = 100_000) -> str:
    sentences = [
        "The weather turned grey again this afternoon.", "I finished the report for work and sent it off.",
        "We still need milk, eggs and bread for the weekend.", "My sister called about the garden party in June.",
        "The train was twenty minutes late, as usual.", "I started the book you lent me and I like it so far.",
        "The cat slept on the sofa all morning.", "Remember the dentist on Thursday at ten.",
        "I moved the boxes from the hall into the spare room.", "The new bakery on the corner sells good rye bread.",
        "Work was quiet today, so I tidied my desk.", "I watered the tomatoes and the basil on the balcony.",
    ]
    rng = random.Random(7)
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(sentences))
    return " ".join(words)[:length]


@pytest.mark.parametrize("mode", [[], ["--fast"]])
def test_a_hundred_thousand_character_message_gets_a_label_and_no_alarm_from_its_length(tmp_path, cli, mode):
    letter = _long_ordinary_letter()
    rows = [{"speaker": "Sam", "text": letter}, {"speaker": "Alex", "text": "thanks for the news!"}]
    long, reply = classify(cli, write_turns(tmp_path / "turns.jsonl", rows), *mode)
    assert len(long["text"]) == 100_000
    assert long["confidence"] <= 0.4 and long["evidence"][0]["reason"].startswith("a very long message (100,000 characters)")
    assert long["safety"] == [] and reply["safety"] == []  # a long ordinary letter is not a danger sign


def test_a_threat_inside_a_hundred_thousand_characters_is_still_found(tmp_path, cli):
    letter = _long_ordinary_letter()
    text = letter[:50_000] + " If you leave me tonight I will kill you, I swear. " + letter[50_000:99_900]
    (row,) = classify(cli, write_turns(tmp_path / "turns.jsonl", [{"speaker": "Sam", "text": text}]), "--fast")
    assert "violence" in row["safety"]
    assert any(e["reason"].startswith("safety: violence") and "kill you" in e["text"] for e in row["evidence"])


@pytest.mark.parametrize(
    ("texts", "said"),
    [
        (["¿Por qué nunca me escuchas?", "No quiero hablar de esto ahora.", "Siempre haces lo mismo.",
          "Déjame en paz, por favor."], "Spanish"),
        (["你为什么从来不听我说话？", "我不想谈这个。", "你总是这样。", "别管我。"], "Chinese"),
        (["😡😡", "🙄", "😢", "👍"], "emoji"),
    ],
)
def test_a_chat_cyclemap_cannot_read_gets_no_pattern_not_a_calm_one(tmp_path, cli, texts, said):
    rows = [{"speaker": ["Ana", "Luis"][i % 2], "text": texts[i % 4], "time": f"2025-03-01T21:{i:02d}:00"} for i in range(40)]
    path = write_turns(tmp_path / "turns.jsonl", rows)
    document = analyze_json(cli, path)
    assert document["overall"]["pattern"] is None
    assert "cannot read" in document["overall"]["reason"]
    assert all(pair["pattern"] is None for pair in document["pairs"])
    assert document["source"]["turns_not_read"] == 40
    plainly = "Most of these messages are emoji only" if said == "emoji" else "Most of these messages are not in English"
    assert plainly in report_text(cli, path, tmp_path)


EVERYDAY = [
    "can you pick up milk on the way home?", "sure, anything else?", "bread too please", "got it",
    "the train is running ten minutes late", "no rush, dinner is at 7", "did you book the dentist?",
    "yes, Thursday at 10", "great, thanks", "mum called, she says hi", "say hi back!", "will do",
    "shall we watch the film tonight?", "yes, the one with the dog", "I'll make popcorn",
]


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([{"speaker": "Sam", "text": "anyone there?"}], "1 message from Sam"),
        ([{"speaker": "Sam", "text": t} for t in ("one", "two", "three")], "Only Sam writes in this conversation"),
        ([{"speaker": None, "text": "Sam joined", "kind": "system"}], "There are no messages from anyone"),
        ([{"speaker": ["Sam", "Alex"][i % 2], "text": EVERYDAY[i % len(EVERYDAY)], "time": f"2025-03-01T17:{i:02d}:00"}
          for i in range(30)], "no tense stretches"),
    ],
    ids=["one message", "one speaker", "only system lines", "all neutral"],
)
def test_too_little_to_read_gives_a_plainly_worded_report(tmp_path, cli, rows, words):
    text = report_text(cli, write_turns(tmp_path / "turns.jsonl", rows), tmp_path)
    assert words in text and "Nothing to draw here" in text
    assert "The cycle map of" not in text  # no loop is drawn from nothing


@pytest.mark.parametrize("args", [["--json"], ["-o", "report.html"]], ids=["json", "report"])
@pytest.mark.parametrize(
    ("second", "message"),
    [('{"speaker": "Alex"}', "missing field 'text'"), ("{oops", "broken JSON line")],
    ids=["missing field", "broken line"],
)
def test_malformed_json_lines_name_the_line_in_analyze(tmp_path, cli, monkeypatch, args, second, message):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "turns.jsonl"
    path.write_text('{"speaker": "Sam", "text": "hi"}\n' + second + "\n", encoding="utf-8")
    result = cli("analyze", "--format", "jsonl", *args, str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:2: {message}" in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "report.html").exists()


def _pressed_then_answered(day: datetime, answered: str) -> list[dict]:
    """A couple who answer within two minutes; at 01:58 Sam presses, Alex answers at ``answered``."""
    rows = [{"speaker": ["Sam", "Alex"][i % 2], "text": ["where are you?", "here, was driving"][i % 2],
             "time": (day - timedelta(hours=6) + timedelta(minutes=2 * i)).isoformat()} for i in range(40)]
    rows.append({"speaker": "Sam", "text": "why aren't you answering me?? answer me", "time": f"{day:%Y-%m-%d}T01:58:00"})
    rows.append({"speaker": "Alex", "text": "sorry, I'm here", "time": f"{day:%Y-%m-%d}T{answered}"})
    return rows


@pytest.mark.parametrize("mode", [[], ["--fast"]])
def test_the_night_the_clocks_go_forward_makes_no_silence(tmp_path, cli, mode):
    # 30 March 2025, Europe: 01:58 to 03:01 on the wall clock is three minutes.
    dst = classify(cli, write_turns(tmp_path / "dst.jsonl", _pressed_then_answered(datetime(2025, 3, 30), "03:01:00")), *mode)
    assert dst[-2]["move"] == "pursue"
    assert all(e["event"] != "silence" for row in dst for e in row.get("events", []))
    # The same wall-clock hour a week earlier really was an hour: there the silence stands.
    week = classify(cli, write_turns(tmp_path / "week.jsonl", _pressed_then_answered(datetime(2025, 3, 23), "03:01:00")), *mode)
    assert [e["event"] for e in week[-1].get("events", [])] == ["silence"]


@pytest.mark.parametrize("text", [
    "te quiero babe, I'm sorry I yelled", "déjà vu again, you did the same thing", "Going to La Casa del Sol tonight",
    "Oui oui. Tu as raison. As always", "café at 5?", "😂😂 you're ridiculous", "???", "...", "gracias",
    "da radio said lorry crashed on da motorway, take da back roads",
    "¯\\_(ツ)_/¯", "ಠ_ಠ", "ᕕ( ᐛ )ᕗ", "π is 3.14", "whatever ¯\\_(ツ)_/¯",  # kaomoji borrow letters as drawings
])
def test_english_with_a_foreign_word_or_an_emoji_is_still_read(text):
    from cyclemap.moves.readable import unreadable

    assert unreadable(text) is None


def test_the_demo_summary_of_one_message_says_one_turn(tmp_path, data_home):
    from cyclemap.analysis import analyze
    from cyclemap.analysis_text import summary_lines

    document = analyze(write_turns(tmp_path / "turns.jsonl", [{"speaker": "Sam", "text": "anyone there?"}]), cache=False)
    assert ": 1 turn; partners: Sam" in summary_lines(document)[0]
