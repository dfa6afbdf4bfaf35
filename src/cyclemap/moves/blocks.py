"""Label the blocks of a long chat on two cores: this process and one helper, results kept in order.

``classify_stream`` labels a chat block by block, each block with the turns
before it as context, so a block's labels depend only on what it is given: it
can be labelled anywhere. Here a second process (started once, with nothing
but cyclemap imported, and only under the ``cyclemap`` command) labels every
block it has room for while this process reads the file, labels the blocks the
helper has no room for, and writes the results out in input order. The labels
are the very labels one process gives (``tests/test_blocks.py``).

It pays only on long inputs with the ``--fast`` model, whose blocks are cheap
to send: the helper is started when the first full block is ready, and used
only once it has loaded the models, so a short chat never waits for it. Where
the helper cannot run, or dies, this process labels everything itself: the same
result, on one core; where it is slow (others use the cores), this process
labels the oldest block itself rather than wait. With a label cache, the cache
is read and written here and the helper gets the model's rows with each block.
``CYCLEMAP_PROCESSES=1`` turns it off (a busy shared machine may gain nothing).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import multiprocessing
import multiprocessing.connection
import operator
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent import futures
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..model import Turn
from .label import Evidence, MoveLabel
from .labeller import FAST, Correction, Labeller

#: Blocks the helper may hold at once: enough that it never waits while this process labels a block of
#: its own (this one also reads the file and writes the output, so the helper should take more blocks).
IN_FLIGHT = 4
_FORCE = False  # tests: use the helper even outside the command


class Done:
    """A block labelled here: its result is ready."""

    __slots__ = ("labels",)

    def __init__(self, labels: list[MoveLabel]) -> None:
        self.labels = labels

    def done(self) -> bool:
        return True

    def result(self) -> list[MoveLabel]:
        return self.labels


class Runner:
    """Labels blocks in this process, one after the other (what a library caller gets)."""

    def __init__(self, labeller: Labeller) -> None:
        self.labeller = labeller
        self.block_seconds = 0.0  # how long this process took for its last block

    def label_here(self, turns: Sequence[Turn], wanted: Mapping[tuple[int, int], Correction], skip: int) -> Done:
        started = time.perf_counter()
        done = Done(self.labeller.label([turns], wanted)[0][skip:])
        self.block_seconds = time.perf_counter() - started
        return done

    def wait(self, handle: Any) -> bool:
        """Wait for a block about as long as this process would take to label it; True if it is done."""
        return handle.done()

    def submit(self, turns: Sequence[Turn], wanted: Mapping[tuple[int, int], Correction], skip: int, full: bool) -> Any:
        """A handle with ``done()`` and ``result()``: the labels of ``turns[skip:]``."""
        return self.label_here(turns, wanted, skip)

    def result(self, handle: Any, turns: Sequence[Turn], wanted: Mapping[tuple[int, int], Correction], skip: int) -> list[MoveLabel]:
        return handle.result()

    def steal(self, handle: Any) -> bool:
        """Take back a block the helper has not started (at the end of the input, so this process
        labels it rather than wait); True when taken back."""
        return False


class PoolRunner(Runner):
    """Sends blocks to the helper process while it has room; labels the others here.

    With a label cache, this process reads the cache and runs the move model (the cache lives here);
    the helper gets the model's rows with the block and does the rest (the safety screen, evidence).
    """

    def __init__(self, labeller: Labeller) -> None:
        super().__init__(labeller)
        from . import screening

        screening._broken = True  # the screen's own helper (CYCLEMAP_PROCESSES=2) would be a third process
        self.busy: list[Future] = []
        self.key = (labeller.model_name, labeller.explain)
        self.ready: Future | None = _state["ready"].get(self.key)  # blocks go to the helper once it is done

    def _usable(self) -> bool:
        if _state["broken"] or self.ready is None or not self.ready.done():
            return False
        if self.ready.cancelled() or self.ready.exception() is not None:
            _state["broken"] = True
            return False
        self.busy = [f for f in self.busy if not f.done()]
        return len(self.busy) < IN_FLIGHT

    def submit(self, turns: Sequence[Turn], wanted: Mapping[tuple[int, int], Correction], skip: int, full: bool) -> Any:
        if self.ready is None and full:  # a full block: the chat is long enough for the helper to pay
            self.ready = warm(*self.key)
        if self._usable():
            outputs = None
            if self.labeller.cache is not None:  # the cache is read and written here only
                outputs = self.labeller.outputs([turns], wanted)
            try:
                future = _state["pool"].submit(_label, self.labeller.model_name, self.labeller.explain,
                                               _pack_turns(turns), dict(wanted), skip, outputs)
                self.busy.append(future)
                return future
            except (BrokenProcessPool, RuntimeError):
                _state["broken"] = True
        return self.label_here(turns, wanted, skip)

    def result(self, handle: Any, turns: Sequence[Turn], wanted: Mapping[tuple[int, int], Correction], skip: int) -> list[MoveLabel]:
        try:
            found = handle.result()
            return found if isinstance(handle, Done) else _unpack_labels(found)
        except BrokenProcessPool:  # the helper died: label the block here, as it would have
            _state["broken"] = True
            return self.label_here(turns, wanted, skip).labels

    def steal(self, handle: Any) -> bool:
        return isinstance(handle, Future) and handle.cancel()

    def wait(self, handle: Any) -> bool:
        if handle.done():
            return True
        # The helper may be slow (others use the machine's cores): after about a block's time here, this
        # process labels the block itself rather than sit idle (the same labels; the helper's are dropped).
        futures.wait([handle], timeout=max(self.block_seconds, 0.05))
        return handle.done()


#: The one helper process (started on first need, shared by every chat this process labels), and its
#: warm-up per (model name, explain).
_state: dict[str, Any] = {"pool": None, "broken": False, "ready": {}}


def warm(model_name: str, explain: bool) -> Future | None:
    """Start the helper (if need be) loading a model: a future done once it can take blocks, or None."""
    found = _state["ready"].get((model_name, explain))
    if found is None:
        pool = _pool()
        if pool is None:
            return None
        try:
            with _sigint_ignored():  # the helper is started here: it never sees Ctrl-C, even while starting
                found = _state["ready"][(model_name, explain)] = pool.submit(_warm, model_name, explain)
        except (BrokenProcessPool, RuntimeError):
            _state["broken"] = True
    return found


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while a process is started, so the process starts with it ignored (an ignored signal
    stays ignored across exec, and Python leaves it so). Ctrl-C is the parent's to report; the helper's
    initializer ignores it too, but a Ctrl-C before that (while it imports NumPy) would print a traceback."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is None:
        yield  # not ours to change (or not one Python could put back)
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _pool() -> ProcessPoolExecutor | None:
    if _state["pool"] is None and not _state["broken"]:
        try:
            # spawn: the helper starts clean (no copy of this process's threads or open files)
            _state["pool"] = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_follow_parent,
            )
            atexit.register(_state["pool"].shutdown, wait=False, cancel_futures=True)
            _exit_cleanly_on_sigterm()
        except (OSError, ValueError, RuntimeError):
            _state["broken"] = True
    return _state["pool"]


def _exit_cleanly_on_sigterm() -> None:
    """``kill`` (SIGTERM) unwinds like an exit, so the helper is shut down and its semaphores
    released, instead of the process vanishing and Python's resource tracker warning about them."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(128 + signal.SIGTERM))


def runner_for(labeller: Labeller) -> Runner:
    """Two processes where they pay and are safe, else one."""
    if labeller.model_name == FAST and labeller._model is None and _helper_allowed():
        return PoolRunner(labeller)
    return Runner(labeller)


def _helper_allowed() -> bool:
    """Only under the ``cyclemap`` command: a started process imports the main module again, which is
    safe for the command (its main module is guarded) but not for any program using the library."""
    if _FORCE:
        return True
    if os.environ.get("CYCLEMAP_PROCESSES", "2") == "1" or (os.cpu_count() or 1) < 2:
        return False
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == "cyclemap.__main__" or os.path.basename(getattr(main, "__file__", "") or "") == "cyclemap"


# -- in the helper process ---------------------------------------------------------------------------------


def _follow_parent() -> None:
    """The helper lives and dies with the command: Ctrl-C is the parent's to report (no second
    traceback), and if the parent is killed outright (SIGTERM, SIGKILL: no atexit) the helper exits
    too, closing the stdout/stderr it inherited so a pipeline reading them ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait_for_parent() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=wait_for_parent, name="cyclemap-follow-parent", daemon=True).start()

_labellers: dict[tuple[str, bool], Labeller] = {}


def _helper_labeller(model_name: str, explain: bool) -> Labeller:
    found = _labellers.get((model_name, explain))
    if found is None:
        from . import screening

        screening._broken = True  # the helper never starts a helper of its own
        found = _labellers[(model_name, explain)] = Labeller(model=model_name, explain=explain)
    return found


def _warm(model_name: str, explain: bool) -> bool:
    """Load the models and the lexicon before the first block comes."""
    from ..safety import screen_turn

    labeller = _helper_labeller(model_name, explain)
    labeller.model  # noqa: B018 - loads the weights
    screen_turn("warm up", None)
    return True


def _label(model_name: str, explain: bool, turns: list[tuple], wanted: dict, skip: int, outputs: list | None) -> list[tuple]:
    labels = _helper_labeller(model_name, explain).label([_unpack_turns(turns)], wanted, outputs=outputs)[0][skip:]
    return _pack_labels(labels)


# -- between the processes -----------------------------------------------------------------------------------
# Turns and labels cross as plain tuples: pickling slotted dataclasses runs Python code per object (their
# __getstate__ and __setstate__), tuples of strings, numbers and datetimes are pickled in C (speed only: the
# objects rebuilt are equal to those sent).

_TURN_FIELDS = tuple(f.name for f in dataclasses.fields(Turn))
_turn_row = operator.attrgetter(*_TURN_FIELDS)


def _pack_turns(turns: Sequence[Turn]) -> list[tuple]:
    return list(map(_turn_row, turns))


def _unpack_turns(rows: Sequence[tuple]) -> list[Turn]:
    return [Turn(*row) for row in rows]


def _pack_labels(labels: Sequence[MoveLabel]) -> list[tuple]:
    rows: dict[int, tuple] = {}  # one tuple per distinct piece of evidence (pickled once, then referred to)

    def row(item: Evidence) -> tuple:
        found = rows.get(id(item))
        if found is None:
            found = rows[id(item)] = (item.reason, item.text, item.start, item.end)
        return found

    return [(label.move, label.cue, label.confidence, tuple(map(row, label.evidence)), label.safety) for label in labels]


def _unpack_labels(rows: Sequence[tuple]) -> list[MoveLabel]:
    evidence: dict[tuple, Evidence] = {}
    out = []
    for move, cue, confidence, items, safety in rows:
        pieces = []
        for item in items:
            found = evidence.get(item)
            if found is None:
                found = evidence[item] = Evidence(*item)
            pieces.append(found)
        out.append(MoveLabel(move, cue, confidence, tuple(pieces), safety))
    return out
