"""The default model gives the same numbers however many threads ONNX Runtime splits its work over, and
with its threads waiting asleep rather than spinning (moves/encoder.py): a chat's labels do not depend
on the machine's cores or on how busy they are. (Speed: bench/classify_speed.py, never here.)"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from cyclemap.model import Turn
from cyclemap.moves.encoder import EncoderModel

TEXTS = [
    "you said you would call", "ok", "where are you?", "I'm tired", "why do you always do this",
    "I just need a minute, I'm not going anywhere", "love you", "fine.", "can we talk tonight?",
    "WHY WOULD YOU DO THAT", "I feel like you don't listen to me when I tell you about my day at work",
    "haha yes", "\U0001f602\U0001f602", "sorry, that wasn't fair of me",
] * 6


def _turns() -> list[Turn]:
    start = datetime(2024, 3, 1, 8, 0)
    return [Turn(str(i), start + timedelta(minutes=3 * i), ("Sam", "Alex")[i % 2], f"{text} {i // 14}")
            for i, text in enumerate(TEXTS)]


def test_the_same_rows_on_one_thread_and_on_two() -> None:
    turns = _turns()
    one = EncoderModel(threads=1).fit().predict_rows([(turns, range(len(turns)))])[0]
    two = EncoderModel(threads=2).fit().predict_rows([(turns, range(len(turns)))])[0]
    assert one.shape == (len(turns), 25)
    assert np.array_equal(one, two)  # to the bit: every confidence and flag the same

