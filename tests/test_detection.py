"""Every export is recognised from its content as its own format, and never as another's."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyclemap.errors import UnknownFormatError
from cyclemap.ingest import detect

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PEERS = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "peers" / "chat-miner"

# Fixture folder (or peer folder) -> the readers that may claim its files.
FAMILIES = {
    "whatsapp": {"whatsapp"},
    "telegram": {"telegram"},
    "meta": {"meta"},
    "instagram": {"meta"},
    "signal": {"signal-sigtop", "signal-export"},
    "discord": {"discord", "discord-txt"},
    "imessage": {"imessage"},
    "sms": {"sms"},
    "transcripts": {"transcript", "webvtt", "srt"},
    "generic": {"csv", "convokit"},
    "line": {"line"},
    "google_chat": {"google-chat"},
    "telegram_html": {"telegram-html"},
    "kakaotalk": {"kakaotalk"},
    "hangouts": {"hangouts"},
    "slack": {"slack"},
    "cha": {"cha"},
    "meta_html": {"meta-html"},
    "segments": {"segments"},
    "wechat": {"wechat"},
    "skype": {"skype"},
    "telegram_text": {"telegram-text"},
    "json_messages": {"json-messages"},
    "phone_backups": {"nokia-csv", "vmsg"},
    "vk": {"vk-html"},
}
NOT_EXPORTS = {"target.json", "README.md", "LICENSE", "_make.py"}


def exports(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name not in NOT_EXPORTS)


CASES = exports(FIXTURES) + exports(PEERS)


@pytest.mark.parametrize("path", CASES, ids=lambda p: "/".join(p.parts[-3:]))
def test_each_export_is_detected_as_its_own_format(path):
    family = next(part for part in path.parts if part in FAMILIES)
    try:
        found = detect(path).name
    except UnknownFormatError:
        found = None
    # A helper file inside an export folder (signal-export's data.json beside chat.md) may be
    # nobody's; a chat file must be its own format's.
    assert found is None or found in FAMILIES[family], f"{path} taken for {found}"


def test_most_exports_are_recognised():
    recognised = 0
    for path in CASES:
        try:
            detect(path)
            recognised += 1
        except UnknownFormatError:
            pass
    assert recognised >= len(CASES) - 3
