"""``safety_text.v1``: a learned reading of one message's words for the four safety flags.

The lexicon names the wording the team thought of; danger is also written in
words nobody listed ("he kneeled on my ribs", "the notes are in the drawer").
This model reads the normalised text (as the lexicon normalises it: lower case,
no accents, apostrophes or fillers) as hashed word unigrams and bigrams plus
character 3-5-grams, and scores each flag with its own logistic regression.
Trained by ``train/train_safety_text.py``; weights in ``data/safety-text-<version>.npz`` (``VERSION``
picks one: v1, or v2 trained also on ``corpus/safety/train_extra2.jsonl`` with cross-validated bars).

Every feature is the hash of a substring, so a whole batch of messages is
hashed at once with NumPy (prefix sums of a polynomial hash): a few
microseconds per message, cheap enough to run on every turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import numpy as np

from .safety_lexicon import normalise, normalised_text

NAME = "safety_text.v1"  # the default VERSION's name
FLAGS: tuple[str, ...] = ("violence", "control", "self_harm", "fear")
BITS = 18  # 262,144 buckets x 4 flags in float16: 2 MB
CHAR_NS = (3, 4, 5)
_MASK64 = (1 << 64) - 1
_P = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_P_INV = pow(_P, -1, 1 << 64)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads the hash over the top bits, which pick the bucket
_SALT = {n: np.uint64((n * 0x632BE59BD9B4E019) & _MASK64) for n in (*CHAR_NS, 101, 102)}
_SEP = 0  # between messages in a batch
_NON_WORD = np.zeros(256, bool)
_NON_WORD[[_SEP, ord(" "), ord("\n"), ord("."), ord("!"), ord("?")]] = True
_powers: list[np.ndarray] = [np.ones(1, np.uint64), np.ones(1, np.uint64)]


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**j and P**-j modulo 2**64 for j < n (grown on demand; uint64 arrays wrap as wanted)."""
    if len(_powers[0]) < n:
        size = max(n, 2 * len(_powers[0]), 4096)
        one = np.ones(1, np.uint64)
        _powers[0] = np.cumprod(np.concatenate([one, np.full(size - 1, _P, np.uint64)]), dtype=np.uint64)
        _powers[1] = np.cumprod(np.concatenate([one, np.full(size - 1, _P_INV, np.uint64)]), dtype=np.uint64)
    return _powers[0], _powers[1]


@dataclass(frozen=True)
class Features:
    """The hashed features of a batch: bucket, owning message, byte span in ``data``, and each message's scale."""

    buckets: np.ndarray
    owners: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    scale: np.ndarray  # 1/sqrt(features) per message: long messages do not score higher for length alone
    data: bytes


def normalised(text: str) -> str:
    """The text as the model reads it: the lexicon's normalisation, padded with a space each side."""
    return f" {normalised_text(text)} "


def featurise(texts: Sequence[str], bits: int = BITS) -> Features:
    """Hashed word 1-2-grams and character 3-5-grams of every text, all at once."""
    data = b"\x00".join([normalised(t).encode("utf-8") for t in texts])
    b = np.frombuffer(data, np.uint8)
    length = len(b)
    pw, ipw = _power_tables(length + 1)
    seps = np.zeros(length + 1, np.int64)
    np.cumsum(b == _SEP, out=seps[1:])  # message number of each position
    code = b.astype(np.uint64) + np.uint64(1)
    # A character n-gram's hash, sum of code[j] * P**(j - start), built up n by n over contiguous slices
    # (the same numbers as prefix differences, without gathering: speed only).
    hashes_l, starts_l, ends_l = [], [], []
    gram = None
    for n in range(1, max(CHAR_NS) + 1):
        if n > length:
            break
        term = code[n - 1:] * pw[n - 1] if n > 1 else code
        gram = term.copy() if gram is None else gram[: length - n + 1] + term
        if n in CHAR_NS:
            keep = seps[n:] == seps[: length - n + 1]  # not across two messages
            left = np.flatnonzero(keep)
            hashes_l.append((gram[keep] ^ _SALT[n]) * _MIX)
            starts_l.append(left)
            ends_l.append(left + n)
    word = ~_NON_WORD[b]
    edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
    w_start = np.flatnonzero(edges == 1)
    w_end = np.flatnonzero(edges == -1)
    same = seps[w_start[1:]] == seps[w_start[:-1]]  # a word pair within one message
    p_start, p_end = w_start[:-1][same], w_end[1:][same]
    if len(w_start):
        prefix = np.zeros(length + 1, np.uint64)
        np.cumsum(code * pw[:length], out=prefix[1:])
        for (start, end), salt in (((w_start, w_end), _SALT[101]), ((p_start, p_end), _SALT[102])):
            hashes_l.append((((prefix[end] - prefix[start]) * ipw[start]) ^ salt) * _MIX)
            starts_l.append(start)
            ends_l.append(end)
    if hashes_l:
        hashes = np.concatenate(hashes_l)
        starts = np.concatenate(starts_l)
        ends = np.concatenate(ends_l)
    else:
        hashes = np.zeros(0, np.uint64)
        starts = ends = np.zeros(0, np.int64)
    buckets = (hashes >> np.uint64(64 - bits)).view(np.int64)  # below 2**bits: the same numbers
    owners = seps[starts]
    counts = np.bincount(owners, minlength=len(texts)).astype(np.float32)
    scale = 1.0 / np.sqrt(np.maximum(counts, 1.0))
    return Features(buckets, owners, starts, ends, scale, data)


@dataclass(frozen=True)
class Strongest:
    """The words behind a reading: as written (``start:end`` of the text) and in the normalised text."""

    words: str
    start: int
    end: int
    norm_start: int
    norm_end: int


#: The longest text read at once: the model learned from messages under 500 characters.
WINDOW = 600


def windows_at(text: str, size: int = WINDOW) -> list[tuple[int, str]]:
    """(offset, piece) of ``text`` in overlapping pieces of at most ``size`` characters, cut at spaces
    where possible (a quarter of each piece overlaps the next, so no phrase is only ever seen cut in two)."""
    out, start = [], 0
    while True:
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start + size // 2, end)
            end = space if space > start else end
        out.append((start, text[start:end]))
        if end >= len(text):
            return out
        start = max(start + 1, end - size // 4)


def windows(text: str, size: int = WINDOW) -> list[str]:
    """The pieces of :func:`windows_at`, without their offsets."""
    return [text] if len(text) <= size else [piece for _, piece in windows_at(text, size)]


@dataclass(frozen=True)
class SafetyTextModel:
    """Per flag: a weight per hashed bucket and a bias; ``bars`` are its tuned thresholds."""

    weights: np.ndarray  # (2**bits, 4)
    bias: np.ndarray  # (4,)
    bars: dict

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 4) probabilities in FLAGS order; a text longer than WINDOW by its strongest window."""
        if not texts:
            return np.zeros((0, len(FLAGS)), np.float32)
        if any(len(t) > WINDOW for t in texts):
            return self._windowed(texts)
        f = featurise(texts, int(np.log2(len(self.weights))))
        columns = self._columns
        scores = np.empty((len(texts), len(FLAGS)), np.float32)
        for k in range(len(FLAGS)):
            # one flag's weights are one contiguous row: the gather stays in cache (same sums, same order)
            scores[:, k] = np.bincount(f.owners, weights=columns[k][f.buckets], minlength=len(texts))
        scores = scores * f.scale[:, None] + self.bias
        # Clipped: a huge score (a 100,000-character message) would overflow exp; the probability is 0 or 1 anyway.
        return 1.0 / (1.0 + np.exp(-np.clip(scores, -60.0, 60.0)))

    @cached_property
    def _columns(self) -> np.ndarray:
        """The weights flag by flag, (4, 2**bits), each flag's row contiguous (speed only)."""
        return np.ascontiguousarray(self.weights.T, dtype=np.float32)

    def _windowed(self, texts: Sequence[str]) -> np.ndarray:
        # A sum of feature weights over 1/sqrt(features) grows with a text's length: 100,000
        # characters of small talk would read as a threat. Each window is message-sized, and
        # a threat anywhere in a long text still shows in its own window.
        pieces: list[str] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            parts = windows(text)
            pieces.extend(parts)
            owners.extend([i] * len(parts))
        found = np.zeros((len(texts), len(FLAGS)), np.float32)
        np.maximum.at(found, np.asarray(owners), self.probabilities(pieces))
        return found

    def strongest(self, text: str, flag: str) -> Strongest:
        """The words (a word or a word pair) that push ``flag`` up most."""
        memo: dict = self.__dict__.setdefault("_strongest_memo", {})  # a chat repeats its messages (speed only)
        found = memo.get((text, flag))
        if found is None:
            found = self._strongest(text, flag)
            if len(text) <= 400:
                if len(memo) >= 20_000:
                    memo.clear()
                memo[(text, flag)] = found
        return found

    def _strongest(self, text: str, flag: str) -> Strongest:
        k = FLAGS.index(flag)
        f = featurise([text], int(np.log2(len(self.weights))))
        weight = self.weights[f.buckets, k].astype(np.float32)
        word = ~_NON_WORD[np.frombuffer(f.data, np.uint8)]
        edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
        spans = list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))
        candidates = spans + [(a[0], b[1]) for a, b in zip(spans, spans[1:])]
        if not candidates:
            return Strongest("", 0, 0, 0, 0)
        # A span's share: the features lying within it (and the space either side).
        best = candidates[_best_span(candidates, f.starts, f.ends, weight)]
        norm = normalise(text)
        lead = len(f.data[: best[0]].decode("utf-8", "ignore")) - 1  # the padding space
        tail = len(f.data[: best[1]].decode("utf-8", "ignore")) - 1
        lead, tail = max(lead, 0), min(tail, len(norm.text))
        if norm.text != normalised(text)[1:-1] or not norm.source:  # cannot map back: name the normalised words
            return Strongest(normalised(text)[lead + 1:tail + 1], 0, 0, lead, tail)
        start, end = norm.span(lead, tail)
        return Strongest(text[start:end], start, end, lead, tail)


def _best_span(candidates: Sequence[tuple[int, int]], starts: np.ndarray, ends: np.ndarray, weight: np.ndarray) -> int:
    """The index of the first span whose share (the float32 sum of the weights of the features lying within it,
    and the space either side) is largest: ``max(range(n), key=share)``.

    Speed only, and exact: every span's share is first bounded at once (a float64 sum, and how far any
    float32 summation order can stray from it); only the spans whose bounds reach the best one's are summed
    as ``share`` does, in their order.
    """
    def share(i: int) -> float:
        low, high = candidates[i]
        return float(weight[(starts >= low - 1) & (ends <= high + 1)].sum())

    wide = weight.astype(np.float64)
    if len(candidates) < 3 or not np.isfinite(wide).all():
        return max(range(len(candidates)), key=share)
    bounds = np.asarray(candidates, np.int64)
    inside = ((starts[None, :] >= bounds[:, :1] - 1) & (ends[None, :] <= bounds[:, 1:] + 1)).astype(np.float64)
    total = inside @ wide
    size = inside.sum(axis=1)
    # |float32 sum - exact| <= g(n) * sum|w| for any order (g(n) = n u / (1 - n u)); the float64 sum strays far less,
    # bounded the same way with its own u; the margin is doubled for good measure.
    def gamma(u: float) -> np.ndarray:
        return size * u / np.maximum(1.0 - size * u, 0.5)

    slack = 2.0 * (gamma(2.0 ** -24) + gamma(2.0 ** -53)) * (inside @ np.abs(wide)) + 1e-300
    contenders = np.flatnonzero(total + slack >= np.max(total - slack)).tolist()
    if len(contenders) == 1:
        return contenders[0]
    return max(contenders, key=share)


#: The version the screen uses (``data/safety-text-<VERSION>.npz`` and ``.json``); another installed one
#: is used when its weights are missing. Benchmarks may set it to compare versions (v2, trained with
#: corpus/safety/train_extra2, did not beat v1 on the single-message report sets: docs/safety-screen.md).
VERSION = "v1"
VERSIONS: tuple[str, ...] = ("v1",)  # v2 (train_extra2) did not win: `train/train_safety_text.py --version v2` rebuilds it


def model(version: str | None = None) -> SafetyTextModel | None:
    """The shipped model (``VERSION``, or ``version``), or None when no weights are installed (the screen then skips it)."""
    wanted = version or VERSION
    for candidate in (wanted, *(v for v in VERSIONS if v != wanted and version is None)):
        found = _load(candidate)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=4)
def _load(version: str) -> SafetyTextModel | None:
    import json

    folder = resources.files("cyclemap").joinpath("data")
    weights = folder.joinpath(f"safety-text-{version}.npz")
    if not weights.is_file():
        return None
    with weights.open("rb") as handle, np.load(handle) as arrays:
        w, bias = arrays["weights"].astype(np.float32), arrays["bias"].astype(np.float32)
    bars = json.loads(folder.joinpath(f"safety-text-{version}.json").read_text(encoding="utf-8"))
    return SafetyTextModel(w, bias, bars)


def text_probabilities(texts: Sequence[str]) -> np.ndarray | None:
    """The shipped model's flag probabilities for each text, or None without a model."""
    m = model()
    return None if m is None or not m.bars.get("enabled", True) else m.probabilities(texts)
