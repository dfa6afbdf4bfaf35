"""WeChat and QQ text exports, and other logs stamped with a full date and time.

WeChat has no export of its own; the tools people use (MemoTrace/留痕,
WeChatMsg, wechat-exporter) and QQ's message manager write one header line
per message, the words on the lines below it::

    2024-03-01 09:12:03 小明
    早上好呀，周末准备去哪里玩

    2024-03-01 09:13:20 阿康
    [图片]

WeChat's own "share chat record" text puts a dotted name line above a
Chinese date line (``·小明`` then ``2024年3月1日 09:12``). QQ adds the
account to the name (``小明(12345678)``, ``小明<x@qq.com>``) and a preamble
(``消息记录…``, ``消息分组:``, ``消息对象:``, ruled lines); TIM writes
``2026-09-15 上午 08:00:00 Alice(1)``. Some tools put the name first
(``小明 2024-03-01 09:12:03``), and many chat logs keep the words on the
header line: ``2024-03-01 09:12:03 小明: 早上好``, IRC clients'
``2024-03-01 09:12:03 <sam> hi`` and WeeChat's tab-separated lines.

What the reader decides:

* **Turns.** A header opens a message; the lines under it up to the next
  header are its text (blank lines around it dropped). The date is always
  year first, so there is no order to guess.
* **Speakers.** The name, without QQ's account number or address. QQ's
  ``系统消息`` is a system line, and so is a header whose "name" is a
  sentence or starts with a sign (``-!- sam has quit``, ``* sam waves``).
* **Media.** A message that is only a placeholder (``[图片]``, ``[语音]``,
  ``[表情]``, ``[Photo]`` …) is ``media``.
* **Notices.** "X撤回了一条消息" (a recalled message) and "X拍了拍Y" (a pat)
  are system lines that keep who did it; joining, leaving and "you can now
  chat" notices are system lines of the chat.
* **Preamble.** QQ's header lines are skipped; any other text before the
  first message is kept as one system line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ...model import Turn, TurnKind
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

MAX_MESSAGE_CHARS = 1024 * 1024

_DATE = r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})"
_CLOCK = r"(?:(?P<pre>上午|下午)\s*)?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s?(?P<post>[AaPp]\.?[Mm]\.?))?"
# "2024-03-01 09:12:03 小明" or "… 小明: words"; not WhatsApp's "2024-03-01 09:12 - Sam: words".
# (greedy to the last non-space: a lazy "\S.*?" before "\s*$" takes quadratic time on a long run of spaces)
_DATE_FIRST = re.compile(rf"^{_DATE}\s+{_CLOCK}\s+(?P<rest>(?![-–]\s)\S(?:.*\S)?)\s*$")
# "小明 2024-03-01 09:12:03"
_NAME_FIRST = re.compile(rf"^(?P<rest>\S.{{0,60}}?)\s+{_DATE}\s+{_CLOCK}\s*$")
# WeChat's shared chat record: "·小明" on one line, "2024年3月1日 09:12" on the next.
_DOT_NAME = re.compile(r"^·\s?(?P<rest>\S.{0,60})$")
_CN_DATE = re.compile(r"^(?P<y>\d{4})年(?P<mo>\d{1,2})月(?P<d>\d{1,2})日\s*" + _CLOCK + r"\s*$")
# QQ writes the account after the name.
_ACCOUNT = re.compile(r"\s*(?:\(\d+\)|<[^<>@\s]+@[^<>\s]+>|\([^()\s]+@[^()\s]+\))$")
# "小明: words" on the header line (a full-width colon too); IRC clients' "<sam> words" and
# "sam\twords" (WeeChat, irssi logs).
_INLINE = re.compile(
    r"^(?:(?P<name>(?:[^\W_]|[+~])[^:：\t()]{0,39}?)\s?[:：]\s?|<(?P<nick>[^<>\s]{1,40})>\s|(?P<tabbed>[^\t]{1,40})\t)(?P<text>.*)$"
)
_NAME_START = re.compile(r"[^\W_]|[+~]")  # "* sam waves", "-!- sam has quit": no one's name
_QQ_PREAMBLE = re.compile(r"^(?:={10,}|消息记录（.*|消息分组\s*[:：].*|消息对象\s*[:：].*)$")
_MEDIA = re.compile(
    r"\[(?:图片|照片|语音|视频|表情|动画表情|文件|链接|位置|地理位置|名片|卡片消息|小程序|音乐|语音通话|视频通话"
    r"|Photo|Image|Picture|Sticker|Emoji|Voice|Audio|Video|File|Link|Location|Contact Card)\]"
    r"(?: [^\s/\\]{1,120}\.\w{1,6})?",  # "[图片] 图片_1.jpg": the file's name after the placeholder
    re.IGNORECASE,
)
# Notices of one person's act: who did it matters (a recalled message, a pat).
# The whole text is the notice ('"小林" 撤回了一条消息', '我拍了拍"小林"'): someone's words that only hold the
# word ("I patted your back and you walked off", "我拍了拍你的肩膀，你都不理我") stay a message.
_WHO = r'(?:"[^"\n]{1,40}"|[^\s"，。！？、,.!?；;:：]{1,20})'
_OWN_NOTICE = re.compile(
    rf"{_WHO}\s?(?:撤回了一条消息|recalled a message)\.?"
    rf"|{_WHO}\s?(?:拍了拍|patted)\s?{_WHO}(?:\s?[^\s，。！？、,.!?；;]{{1,12}})?\.?"
)
# Notices of the chat itself.
_CHAT_NOTICE = re.compile(
    r"^(?:.{0,60}(?:加入了群聊|退出了群聊|被移出群聊|修改群名为|修改了群名称|邀请.{1,60}加入了群聊)"
    r"|你已添加了.{1,60}现在可以开始聊天了。?|以上是打招呼的内容|.{0,60}开启了朋友验证.*)$"
)
_SYSTEM_NAMES = frozenset({"系统消息", "系统提示", "System"})


def _header(line: str) -> re.Match[str] | None:
    return _DATE_FIRST.match(line) or _NAME_FIRST.match(line)


def _time(found: re.Match[str]) -> datetime | None:
    hour = int(found["h"])
    meridiem = found["pre"] or found["post"] or ""
    if meridiem and hour <= 12:
        hour = hour % 12 + (12 if meridiem in ("下午",) or meridiem[:1].lower() == "p" else 0)
    try:
        return datetime(
            int(found["y"]), int(found["mo"]), int(found["d"]), hour, int(found["mi"]), int(found["s"] or 0)
        )
    except ValueError:
        return None


def _name(raw: str) -> str:
    return _ACCOUNT.sub("", raw).strip()


def _kind(speaker: str | None, text: str) -> tuple[str | None, TurnKind]:
    if speaker is None or speaker in _SYSTEM_NAMES:
        return None, "system"
    if len(text) <= 200:
        if _MEDIA.fullmatch(text):
            return speaker, "media"
        if _CHAT_NOTICE.match(text):
            return None, "system"
        if _OWN_NOTICE.fullmatch(text):
            return speaker, "system"
    return speaker, "message"


def _turns(source: Source) -> Iterator[Turn]:
    count = 0
    preamble: list[str] = []
    current: tuple[datetime | None, str | None] | None = None
    parts: list[str] = []
    size = started = 0

    def flush() -> Turn:
        nonlocal count
        count += 1
        while parts and not parts[-1].strip():
            parts.pop()
        while parts and not parts[0].strip():
            parts.pop(0)
        time, name = current  # type: ignore[misc]
        text = "\n".join(parts)
        speaker, kind = _kind(name, text)
        return Turn(str(count), time, speaker, text, kind)

    pending: str | None = None  # a "·Name" line, a header if a date line follows
    for number, raw in source.iter_lines():
        line = strip_marks(raw).rstrip()
        named = pending
        pending = None
        if named is not None:
            found = _CN_DATE.match(line)
            if found is None:  # not a shared record's header after all: the line was text
                if current is not None:
                    parts.append(named)
                elif named.strip():
                    preamble.append(named.strip())
        else:
            found = _header(line)
        if found is None and _DOT_NAME.match(line):
            pending = line
            continue
        if found is None:
            if current is None:
                if line.strip() and not _QQ_PREAMBLE.match(line.strip()):
                    preamble.append(line.strip())
                continue
            parts.append(line)
            size += len(line) + 1
            if size > MAX_MESSAGE_CHARS:
                raise source.error("message longer than 1 MiB", line=started, hint="this does not look like a chat log")
            continue
        time = _time(found)
        if time is None:
            raise source.error(f"impossible date or time in {line[:40]!r}", line=number)
        if current is None and preamble:
            count += 1
            yield Turn(str(count), None, None, "\n".join(preamble), "system")
            preamble = []
        if current is not None:
            yield flush()
        rest = found["rest"] if named is None else named[1:].strip()
        inline = _INLINE.match(rest) if found.re is _DATE_FIRST else None
        if inline and inline["text"]:
            name = inline["name"] or inline["nick"] or inline["tabbed"]
            current, parts = (time, _name(name.strip())), [inline["text"]]
        elif len(rest) > 40 or len(rest.split()) > 5 or not _NAME_START.match(rest):  # the log's own line
            current, parts = (time, None), [rest]
        else:
            current, parts = (time, _name(rest)), []
        size, started = 0, number
    if pending is not None and current is not None:
        parts.append(pending)
    if current is None:
        raise source.error("no message in this chat log", hint="each message starts with a line like '2024-03-01 09:12:03 Name'")
    yield flush()


def score(text: str) -> float:
    """How sure the start of a file is a stamped chat log."""
    lines = [strip_marks(line).rstrip() for line in text.splitlines()[:80]]
    content = [line for line in lines if line.strip() and not _QQ_PREAMBLE.match(line.strip())]
    if len(content) < 2:
        return 0.0
    shared = sum(1 for line, after in zip(content[:40], content[1:41]) if _DOT_NAME.match(line) and _CN_DATE.match(after))
    headers = sum(1 for line in content[:40] if _header(line)) + 2 * shared
    if headers >= 2 and headers * 4 >= min(len(content), 40):
        return 0.6
    return 0.0


@register
class WeChatReader(Reader):
    name = "wechat"
    title = "WeChat or QQ text export, or a chat log with a full date on each header ('2024-03-01 09:12:03 Name')"
    example = "2024-03-01 09:12:03 小明\n早上好呀，周末准备去哪里玩\n\n2024-03-01 09:13:20 阿康\n[图片]"

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip or b"\x00" in sample.head[:4096]:
            return 0.0
        if sample.text.lstrip()[:1] in ("{", "[", "<"):
            return 0.0
        return score(sample.text)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _turns(Source(path))
