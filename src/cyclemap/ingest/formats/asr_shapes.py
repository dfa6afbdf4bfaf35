"""Cloud speech-to-text results, turned into the segment lists :mod:`.segments` reads.

Two services write their speakers somewhere else than a ``segments`` list:

* **Deepgram** (``diarize=true``)::

      {"metadata": {…}, "results": {"channels": [{"alternatives": [{"transcript": …,
        "words": [{"word": "hey", "punctuated_word": "Hey,", "start": 1.0, "speaker": 0}, …]}]}],
        "utterances": [{"start": 1.0, "end": 1.5, "transcript": "Hey, there.", "speaker": 0}]}}

  The ``utterances`` (when asked for) are the segments; otherwise the words
  of the first channel, grouped by speaker. Speakers are numbers: "Speaker 0".

* **Amazon Transcribe** (``ShowSpeakerLabels``)::

      {"jobName": …, "results": {"transcripts": […], "speaker_labels": {"segments": [
        {"speaker_label": "spk_0", "items": [{"start_time": "4.87", …}]}]},
        "items": [{"start_time": "4.87", "speaker_label": "spk_0", "type": "pronunciation",
                   "alternatives": [{"content": "I've"}]}, {"type": "punctuation", …}]}}

  Each word is an item; newer output names its speaker on the item, older
  output only in ``speaker_labels`` (matched by start time). Punctuation joins
  the word before it. Channel identification (``channel_labels``) names the
  channel ("ch_0") instead.

Shapes learned from the services' documentation examples and other projects'
tests quoting them.
"""

from __future__ import annotations

import math
from typing import Any

#: One segment as :mod:`.segments` reads it.
Segment = dict[str, Any]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _label(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value)


def is_deepgram(data: Any) -> bool:
    results = _dict(data).get("results")
    return isinstance(results, dict) and isinstance(results.get("channels"), list)


def is_transcribe(data: Any) -> bool:
    results = _dict(data).get("results")
    return isinstance(results, dict) and isinstance(results.get("items"), list) and "transcripts" in results


def deepgram_segments(data: dict[str, Any]) -> list[Segment]:
    results = _dict(data.get("results"))
    utterances = [u for u in _list(results.get("utterances")) if isinstance(u, dict)]
    if utterances:
        return [_deepgram_speaker(dict(u)) for u in utterances]
    segments: list[Segment] = []
    for word in _list(_first_alternative(results).get("words")):
        if not isinstance(word, dict):
            continue
        text = word.get("punctuated_word") or word.get("word")
        if isinstance(text, str):
            segments.append(_deepgram_speaker({"start": word.get("start"), "speaker": word.get("speaker"), "text": text}))
    return segments


def _first_alternative(results: dict[str, Any]) -> dict[str, Any]:
    channels = _list(results.get("channels"))
    alternatives = _list(_dict(channels[0]).get("alternatives")) if channels else []
    return _dict(alternatives[0]) if alternatives else {}


def _deepgram_speaker(segment: Segment) -> Segment:
    speaker = segment.get("speaker")
    if isinstance(speaker, int) and not isinstance(speaker, bool):
        segment["speaker"] = f"Speaker {speaker}"  # Deepgram numbers its speakers from 0
    return segment


def transcribe_segments(data: dict[str, Any]) -> list[Segment]:
    results = _dict(data.get("results"))
    by_start = _labels_by_start(results.get("speaker_labels"), "segments", "speaker_label")
    by_start.update(_labels_by_start(results.get("channel_labels"), "channels", "channel_label"))
    segments: list[Segment] = []
    for item in _list(results.get("items")):
        if not isinstance(item, dict):
            continue
        alternatives = _list(item.get("alternatives"))
        content = _dict(alternatives[0]).get("content") if alternatives else None
        if not isinstance(content, str):
            continue
        if item.get("type") == "punctuation" and segments:
            segments[-1]["text"] += content  # "hour" + "." -> "hour."
            continue
        start = item.get("start_time")
        speaker = _label(item.get("speaker_label")) or _label(item.get("channel_label")) or by_start.get(str(start))
        segments.append({"start": _seconds(start), "speaker": speaker, "text": content})
    return segments


def _labels_by_start(section: Any, key: str, label_key: str) -> dict[str, str]:
    """start_time -> label, from speaker_labels.segments or channel_labels.channels."""
    found: dict[str, str] = {}
    for group in _list(_dict(section).get(key)):
        if not isinstance(group, dict):
            continue
        for item in _list(group.get("items")):
            if isinstance(item, dict) and item.get("start_time") is not None:
                label = _label(item.get(label_key)) or _label(group.get(label_key))
                if label is not None:
                    found[str(item["start_time"])] = label
    return found


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)  # Transcribe writes seconds as strings: "4.87"
    except (TypeError, ValueError, OverflowError):
        return None
    return seconds if math.isfinite(seconds) else None
