"""A chat written mostly in emoji: the terminal, the HTML report and the web report say plainly
why there is no cycle map (most messages are emoji only, which cyclemap cannot read as moves),
kindly, instead of a bare "nothing to draw"; the --json document stays as analysed."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

EMOJI = ["😠", "🙄", "😤😤", "👍", "🤷", "😡😡😡", "😶", "🙃", "❤️", "👋", "😢", "🙏"]
WORDS = ["why won't you talk to me about this", "you always do this", "I need a minute", "fine."]
PLAIN = "Most of these messages are emoji only"
NO_DRAW = "Nothing to draw here"


def _chat(folder: Path, emoji_share: int = 3) -> Path:
    """WhatsApp text: ``emoji_share`` emoji-only messages for every worded one, Sam and Alex in turn."""
    lines, k = [], 0
    for i in range(40):
        text = WORDS[i % len(WORDS)] if i % (emoji_share + 1) == 0 else EMOJI[k % len(EMOJI)]
        k += text in EMOJI
        lines.append(f"14/03/2024, {20 + i // 60:02d}:{i % 60:02d} - {'Sam' if i % 2 == 0 else 'Alex'}: {text}")
    path = folder / "WhatsApp Chat with Alex.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _visible(html: str) -> str:
    html = re.sub(r"(?s)<style.*?</style>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def chat(tmp_path: Path, data_home) -> Path:
    return _chat(tmp_path)


def test_the_terminal_says_most_messages_are_emoji_only(cli, chat: Path) -> None:
    result = cli("analyze", "--permutations", "20", str(chat))
    assert result.exit_code == 0, result.stderr
    assert "most messages are emoji only, which cyclemap cannot read as moves" in result.stdout
    assert "not in English" not in result.stdout
    assert "-o report.html" not in result.stdout  # no cycle map to point to


def test_the_html_report_says_why_instead_of_nothing_to_draw(cli, chat: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = cli("analyze", "--permutations", "20", str(chat), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    text = _visible(html)
    assert "Most messages here are emoji only" in text and PLAIN in text
    assert "an emoji on its own does not say which move it is" in text
    assert "says nothing about how the two of you get on" in text  # no verdict on the couple
    assert NO_DRAW not in text and 'class="cycle-map"' not in html


def test_the_json_document_is_left_as_analysed(cli, chat: Path) -> None:
    result = cli("analyze", "--json", "--permutations", "20", str(chat))
    document = json.loads(result.stdout)
    assert document["source"]["turns_not_read"] == 30 and "turns_only_emoji" not in document["source"]
    assert document["overall"]["pattern"] is None


def test_a_chat_mostly_in_another_language_is_not_called_emoji(cli, tmp_path: Path, data_home) -> None:
    rows = [{"speaker": ["Ana", "Luis"][i % 2], "text": t, "time": f"2025-03-01T21:{i:02d}:00"}
            for i, t in enumerate(["¿Por qué nunca me escuchas?", "No quiero hablar de esto ahora.",
                                   "Siempre haces lo mismo.", "Déjame en paz, por favor."] * 10)]
    path = tmp_path / "turns.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "report.html"
    assert cli("analyze", "--permutations", "20", str(path), "-o", str(out)).exit_code == 0
    text = _visible(out.read_text(encoding="utf-8"))
    assert "not in English" in text and PLAIN not in text


def test_a_few_emoji_change_nothing(cli, tmp_path: Path, data_home) -> None:
    path = _chat(tmp_path, emoji_share=0)  # every message worded
    result = cli("analyze", "--permutations", "20", str(path))
    assert result.exit_code == 0 and "emoji only" not in result.stdout


def test_the_web_report_says_most_messages_are_emoji_only(tmp_path: Path, data_home) -> None:
    from tests.web_support import Couple, import_chat, make_app

    app = make_app(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    try:
        couple = Couple(app)
        import_chat(couple.sam, couple.rid, _chat(tmp_path))
        text = _visible(couple.sam.get(f"/r/{couple.rid}/report").text)
        assert "Most messages here are emoji only" in text and PLAIN in text and NO_DRAW not in text
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()
