"""Word (.docx) transcripts as therapists keep them: one paragraph per line, 'Name: text'.

Only the document body is read (paragraphs and table cells in order), through
the same safe archive access as every zip, and parsed with the plain-text
transcript rules. Tracked deletions are skipped: they are not what was said.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source
from .transcript import is_headed, is_stamped, looks_like_transcript, turns_from_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT = "word/document.xml"


def _deleted_texts(root: ElementTree.Element) -> set[int]:
    return {id(t) for deletion in root.iter(f"{W}del") for t in deletion.iter()}


def paragraphs(source: Source) -> list[str]:
    data = source.read_bytes()
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise source.error(f"document XML is damaged: {error}", line=error.position[0]) from None
    except (LookupError, ValueError) as error:  # an XML declaration naming an unknown or multi-byte encoding
        raise source.error(f"document XML declares an encoding it cannot be read in ({error})", line=1) from None
    deleted = _deleted_texts(root)
    lines: list[str] = []
    for paragraph in root.iter(f"{W}p"):
        texts = []
        for node in paragraph.iter():
            if id(node) in deleted:
                continue
            if node.tag == f"{W}t" and node.text:
                texts.append(node.text)
            elif node.tag == f"{W}tab":
                texts.append("\t")
            elif node.tag in (f"{W}br", f"{W}cr"):
                texts.append("\n")
        lines.extend("".join(texts).split("\n"))
    return lines


@register
class DocxReader(Reader):
    name = "docx"
    title = "Word (.docx) transcript with 'Name: text' paragraphs"
    example = "Therapist: What happened on Sunday?\nSam: I asked if we could talk and Alex left the room."

    def sniff(self, sample: Sample) -> float:
        if not sample.is_zip or DOCUMENT not in sample.members:
            return 0.0
        try:
            lines = paragraphs(Source(sample.path, DOCUMENT))[:60]
        except Exception:  # noqa: BLE001 - a damaged document is reported when read
            return 0.3
        return max(0.3, looks_like_transcript(lines) + 0.4)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        lines = paragraphs(Source(path, DOCUMENT))
        yield from turns_from_lines(enumerate(lines, start=1), stamped=is_stamped(lines[:200]),
                                    headed=is_headed(lines[:200]))
