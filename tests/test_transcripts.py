"""Transcripts: plain text, WebVTT, SRT and Word documents, as therapists and tools write them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cyclemap.ingest import detect

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def write_docx(path: Path, paragraphs: list[str], deleted: str | None = None) -> Path:
    """A minimal but complete Word document, as Word and LibreOffice write the parts."""
    body = []
    for text in paragraphs:
        runs = "".join(
            f'<w:r><w:t xml:space="preserve">{part}</w:t></w:r>' for part in text.split("|")
        )
        if deleted and text.startswith("Sam"):
            runs += f'<w:del w:id="1" w:author="T"><w:r><w:delText>{deleted}</w:delText><w:t>{deleted}</w:t></w:r></w:del>'
        body.append(f"<w:p>{runs}</w:p>")
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", document)
    return path


def test_plain_transcript_with_stamps_and_wrapped_lines(fixtures, cli):
    turns = cli.parse(str(fixtures / "transcripts" / "session.txt"))
    assert turns[0]["kind"] == "system"
    assert turns[0]["speaker"] is None
    assert turns[0]["text"].startswith("Session 4")
    said = [(t["speaker"], t["text"], t["offset"]) for t in turns[1:]]
    assert said[0] == ("Therapist", "What happened on Sunday?", 3.0)
    assert said[2] == ("Alex", "I didn't leave, I went to get the laundry.\nIt had been beeping for ten minutes.", 12.0)
    assert said[4][2] == 62.5
    assert all(t["time"] is None for t in turns)


def test_plain_transcript_without_stamps_keeps_every_speaker(fixtures, cli):
    turns = cli.parse(str(fixtures / "transcripts" / "kitchen.txt"))
    assert [t["speaker"] for t in turns] == ["PRIYA", "JONAS", "PRIYA", "JONAS", "Mum (on speaker)"]
    assert turns[2]["text"] == "oh. right. sorry 😅"


def test_webvtt_voice_tags_merge_consecutive_cues_and_strip_markup(fixtures, cli):
    turns = cli.parse(str(fixtures / "transcripts" / "teams.vtt"))
    assert [(t["speaker"], t["text"]) for t in turns] == [
        ("Sam Rivera", "Can we talk about Sunday? Because I still feel & think about it."),
        ("Alex", "I'm really tired tonight."),
        ("Sam Rivera", "You're always tired."),
        ("Alex", "Okay."),
    ]
    assert turns[0]["offset"] == 1.0
    assert turns[1]["offset"] == 7.4


def test_webvtt_with_name_prefixes(fixtures, cli):
    turns = cli.parse(str(fixtures / "transcripts" / "zoom.vtt"))
    assert [(t["speaker"], t["text"]) for t in turns] == [
        ("Therapist", "Where would you like to start?"),
        ("Jordan", "The phone thing. Again. Every night."),
    ]


def test_srt_with_crlf_and_wrapped_caption(fixtures, cli):
    turns = cli.parse(str(fixtures / "transcripts" / "call.srt"))
    assert [(t["speaker"], t["text"]) for t in turns] == [
        ("Sam", "You said you would call."),
        ("Alex", "I was in a meeting, it ran over."),
        ("Sam", "It always runs over."),
    ]
    assert turns[1]["offset"] == 3.9


def test_docx_transcript_reads_paragraphs_and_skips_tracked_deletions(tmp_path, cli):
    path = write_docx(
        tmp_path / "session.docx",
        ["Session 2", "Therapist: |How was the week?", "Sam: Hard. We had the same fight.", "Alex: Twice."],
        deleted=" (inaudible)",
    )
    turns = cli.parse(str(path))
    assert [(t["speaker"], t["text"]) for t in turns] == [
        (None, "Session 2"),
        ("Therapist", "How was the week?"),
        ("Sam", "Hard. We had the same fight."),
        ("Alex", "Twice."),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("session.txt", "transcript"), ("kitchen.txt", "transcript"), ("teams.vtt", "webvtt"),
     ("zoom.vtt", "webvtt"), ("call.srt", "srt")],
)
def test_detected_from_content_not_extension(fixtures, tmp_path, name, expected):
    renamed = tmp_path / "export.dat"
    renamed.write_bytes((fixtures / "transcripts" / name).read_bytes())
    assert detect(renamed).name == expected


def test_webvtt_block_without_timing_is_named(tmp_path, cli):
    path = tmp_path / "bad.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>hi</v>\n\nthis is not a cue\n", encoding="utf-8")
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert f"{path}:6:" in result.stderr


def test_damaged_docx_is_reported(tmp_path, cli):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body><w:p>")
    result = cli("parse", str(path))
    assert result.exit_code == 1
    assert "document XML is damaged" in result.stderr
    assert "Traceback" not in result.stderr
