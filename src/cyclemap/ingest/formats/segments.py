"""Speaker-diarised transcript JSON: WhisperX and the pipelines built like it, AssemblyAI.

Speech-to-text tools that tell speakers apart write one JSON document of
segments, each with a start, a speaker label and the words::

    {"segments": [{"start": 0.5, "end": 2.1, "speaker": "SPEAKER_00", "text": " Can we talk?"},
                  {"start": 2.3, "end": 4.0, "speaker": "SPEAKER_01", "text": " Not now."}]}

Also read: a bare list of such segments, AssemblyAI's ``{"utterances":
[{"speaker": "A", "start": 500, "text": …}]}`` (times in milliseconds), and
Deepgram's and Amazon Transcribe's results (:mod:`.asr_shapes`).

What the reader decides:

* **Turns.** Consecutive segments of one speaker are one turn (tools cut a
  long utterance into many segments), starting at the first one's
  ``start`` (seconds from the start of the recording).
* **Speakers** are the labels as written (``SPEAKER_00``, ``A``); rename them
  with ``cyclemap`` options downstream, not here.
* **No speakers.** Plain Whisper output (segments without ``speaker``) has no
  one saying anything: a one-line error, as for captions without names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from . import asr_shapes

_SNIFF_OBJECT = re.compile(r'^\{.{0,4000}?"(?:segments|utterances)"\s*:\s*\[', re.DOTALL)
_SNIFF_LIST = re.compile(r'^\[\s*\{[^{}]{0,2000}?"speaker"\s*:', re.DOTALL)
_TEXT_KEYS = ("text", "transcript")


def _segments(data: Any) -> tuple[list[Any], float] | None:
    """The segment list and the factor that turns its starts into seconds."""
    if isinstance(data, list):
        return data, 1.0
    if asr_shapes.is_deepgram(data):
        return asr_shapes.deepgram_segments(data), 1.0
    if asr_shapes.is_transcribe(data):
        return asr_shapes.transcribe_segments(data), 1.0
    if isinstance(data, dict):
        if isinstance(data.get("segments"), list):
            return data["segments"], 1.0
        if isinstance(data.get("utterances"), list):
            return data["utterances"], 0.001  # AssemblyAI counts milliseconds
    return None


def _text(segment: dict[str, Any]) -> str:
    for key in _TEXT_KEYS:
        if isinstance(segment.get(key), str):
            return strip_marks(segment[key]).strip()
    return ""


def _start(segment: dict[str, Any], scale: float) -> float | None:
    value = segment.get("start")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value) * scale
    except OverflowError:  # an integer too large for a float: no time
        return None
    return round(seconds, 3) if math.isfinite(seconds) else None  # NaN, Infinity: no time (and no NaN in JSON out)


def _turns(source: Source) -> Iterator[Turn]:
    found = _segments(source.load_json())
    if found is None:
        raise source.error("no 'segments' list in this transcript JSON")
    segments, scale = found
    current: tuple[str, float | None, list[str]] | None = None
    count = named = 0
    for segment in segments:
        if not isinstance(segment, dict):
            raise source.error("a segment is not a JSON object")
        text = _text(segment)
        if not text:
            continue
        raw = segment.get("speaker")
        speaker = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
        if speaker:
            named += 1
        if current is not None and speaker == current[0]:
            current[2].append(text)
            continue
        if current is not None:
            count += 1
            yield Turn(str(count), None, current[0] or None, " ".join(current[2]), offset=current[1])
        current = (speaker, _start(segment, scale), [text])
    if current is not None and named == 0:
        raise source.error(
            "transcript without speaker names",
            hint="run the transcription with speaker diarisation (e.g. WhisperX --diarize)",
        )
    if current is None:
        raise source.error("no words in this transcript")
    yield Turn(str(count + 1), None, current[0] or None, " ".join(current[2]), offset=current[1])


@register
class SegmentsReader(Reader):
    name = "segments"
    title = "Speaker-diarised transcript JSON (WhisperX, AssemblyAI, Deepgram, Amazon Transcribe)"
    example = (
        '{"segments": [{"start": 0.5, "end": 2.1, "speaker": "SPEAKER_00", "text": " Can we talk?"},\n'
        '              {"start": 2.3, "end": 4.0, "speaker": "SPEAKER_01", "text": " Not now."}]}'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        text = sample.text.lstrip()
        if _SNIFF_OBJECT.match(text) and '"start"' in text and any(f'"{k}"' in text for k in _TEXT_KEYS):
            return 0.8
        if _SNIFF_LIST.match(text) and '"start"' in text and '"text"' in text:
            return 0.7
        if text.startswith("{") and '"results"' in text:
            if '"channels"' in text and '"alternatives"' in text:  # Deepgram
                return 0.75
            if '"transcripts"' in text and ('"items"' in text or '"speaker_labels"' in text):  # Amazon Transcribe
                return 0.75
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _turns(Source(path))
