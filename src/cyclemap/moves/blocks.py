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

On Linux the helper is forked once this process has loaded the model, the lexicon
and the wording model (it needs them for its own first block anyway): the helper
starts with all of it instead of importing and building it again, about a second
of CPU on a 2-core machine where both cores are busy. Elsewhere, or where this
process already runs other Python threads, it is spawned clean as before. Either
way it labels with the same code and data.
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
import warnings
from collections.abc import Iterator, Mapping, Sequence
from concurrent import futures
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..model import Turn
from . import shared_memo
from .label import Evidence, MoveLabel
from .labeller import FAST, Correction, Labeller

#: Blocks the helper may hold at once: enough that it never waits while this process labels a block of
#: its own (this one also reads the file and writes the output, so the helper should take more blocks).
IN_FLIGHT = 4
_FORCE = False  # tests: use the helper even outside the command
#: How the helper is started: None chooses (fork where safe, else spawn); tests may name one.
START_METHOD: str | None = None


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
            self.ready = warm(*self.key, model=self.labeller.model)
        if self._usable():
            outputs = None
            if self.labeller.cache is not None:  # the cache is read and written here only
                outputs = self.labeller.outputs([turns], wanted)
            known = _collect([t.text for t in turns])  # what this process already read of the block's texts
            try:
                future = _state["pool"].submit(_label, self.labeller.model_name, self.labeller.explain,
                                               _pack_turns(turns), dict(wanted), skip, outputs, known)
                self.busy.append(future)
                return future
            except (BrokenProcessPool, RuntimeError):
                _state["broken"] = True
        return self.label_here(turns, wanted, skip)

    def result(self, handle: Any, turns: Sequence[Turn], wanted: Mapping[tuple[int, int], Correction], skip: int) -> list[MoveLabel]:
        try:
            found = handle.result()
            if isinstance(handle, Done):
                return found
            labels, learned = found
            _inject([t.text for t in turns], learned)  # what the helper read of the block's texts
            return _unpack_labels(labels)
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
_state: dict[str, Any] = {"pool": None, "broken": False, "ready": {}, "method": None, "started": False}


def warm(model_name: str, explain: bool, model: Any = None) -> Future | None:
    """Start the helper (if need be) loading a model: a future done once it can take blocks, or None.

    ``model``: this process's loaded model of that name, if it has one (a forked helper shares it)."""
    found = _state["ready"].get((model_name, explain))
    if found is None:
        pool = _pool()
        if pool is None:
            return None
        try:
            if not _state["started"] and _state["method"] == "fork":
                _load_here(model_name, explain, model)  # the forked helper starts with it all loaded
            # the helper is started here: it never sees Ctrl-C, even while starting
            with _sigint_ignored(), _forking():
                found = _state["ready"][(model_name, explain)] = pool.submit(_warm, model_name, explain)
            _state["started"] = True
        except (BrokenProcessPool, RuntimeError):
            _state["broken"] = True
    return found


def _load_here(model_name: str, explain: bool, model: Any) -> None:
    """Load in this process what the helper needs before its first block (``_warm``'s work), so that a
    forked helper inherits it. Not through ``_helper_labeller``: this process keeps its own screen settings."""
    from ..safety import screen_turn
    from ..safety_lexicon import lexicon

    labeller = _labellers.get((model_name, explain))
    if labeller is None:
        labeller = _labellers[(model_name, explain)] = Labeller(model=model_name, explain=explain)
        if model is not None:
            labeller._model = model  # the same weights: loaded once, read by both processes
    labeller.outputs([[Turn("warm", None, "a", "warm up")]])  # the model and its tables (fast.py)
    screen_turn("warm up", None)  # the lexicon and the wording model
    lexicon().in_context("warm up")  # and its context check (built on first use)


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Around the first submit, where a fork-started pool forks: what this process has buffered for stdout
    and stderr is written out first (else the helper, flushing its copy as it exits, would write it again),
    and Python 3.12's warning about forking a process with threads is not shown: the Python threads were
    counted (one), and a native one is NumPy's OpenBLAS pool, which makes itself safe across fork."""
    if _state["method"] != "fork" or _state["started"]:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        yield


def _start_method() -> str:
    """fork on Linux when this is the only Python thread (a thread holding a lock at the fork would leave
    the helper a lock nobody releases); else spawn."""
    if START_METHOD is not None:
        return START_METHOD
    if (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1):
        return "fork"
    return "spawn"


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
            # fork: the helper starts with what this process loaded; spawn: it starts clean
            _state["method"] = _start_method()
            _state["pool"] = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context(_state["method"]), initializer=_follow_parent,
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
    if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked helper has its parent's handler: not its own
    from . import screening

    screening._broken = True  # the helper never starts a helper of its own
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


def _label(model_name: str, explain: bool, turns: list[tuple], wanted: dict, skip: int, outputs: list | None,
           known: shared_memo.Payload | None = None) -> tuple[list[tuple], shared_memo.Payload | None]:
    """The block's labels, and what this process read of its texts that the parent did not send."""
    dialogue = _unpack_turns(turns)
    texts = [t.text for t in dialogue]
    sent = _inject(texts, known)
    labels = _helper_labeller(model_name, explain).label([dialogue], wanted, outputs=outputs)[0][skip:]
    return _pack_labels(labels), _collect(texts, sent)


def _collect(texts: list[str], leave_out: set[int] | frozenset[int] = frozenset()) -> shared_memo.Payload | None:
    """``shared_memo.collect``; nothing where it fails (speed only: each process reads what it lacks)."""
    try:
        return shared_memo.collect(texts, leave_out)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        return None


def _inject(texts: list[str], payload: shared_memo.Payload | None) -> set[int]:
    try:
        return shared_memo.inject(texts, payload)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        return set()


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
