"""Parse a stream of documents on every core: a pool of worker processes, results in order.

Each worker process builds one `Geoparser` when it starts (it loads the language model and
opens the gazetteer index once) and then parses chunks of documents, batching the model's
inference inside each chunk. The parent reads the input, hands out chunks, and yields the
results in input order. At most `2 * workers` chunks are in flight, so the input is read
only as fast as the workers parse it: an input of any size never sits in memory, and
neither does the output.

    >>> from geo.parallel import parse_parallel
    >>> for result in parse_parallel(documents, workers=4):   # input order
    ...     ...

`workers=1`, and inputs too small to be worth starting a pool for, run in this process.
The gazetteer index is built (if it is stale) once, here, before any worker starts; the
workers open the same SQLite file read-only and share it through the OS page cache.
"""
from __future__ import annotations

import copy
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Any

from geo.errors import GeoError
from geo.types import Document, ParseResult

CHUNK_SIZE = 16  # documents per task: big enough to batch the model, small enough to keep order cheap
BATCH_SIZE = 16  # documents per model batch inside a chunk (Geoparser.parse_many)
START_METHOD = "spawn"  # safe everywhere (no fork of a threaded parent); workers load the model once
# spaCy's vocabulary keeps every new word it meets, so a worker that reads a long stream of news
# slowly grows; a fresh worker replaces it after this many chunks (~8,000 documents), which
# keeps memory flat however long the input, for a model reload (~3 s) per retirement.
MAX_CHUNKS_PER_WORKER = 500


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def parse_parallel(
    documents: Iterable[Document],
    *,
    workers: int | None = None,
    geoparser: Any = None,
    on_error: str = "fail",
    chunk_size: int = CHUNK_SIZE,
    batch_size: int = BATCH_SIZE,
    start_method: str | None = None,
) -> Iterator[ParseResult]:
    """Parse `documents` with `workers` processes (default: all cores); yield results in order.

    `geoparser` (default: a new `Geoparser()`) is the configuration: its gazetteer,
    recogniser and resolver settings go to every worker, which rebuilds it there (the
    gazetteer reopens the same index file; the language model loads once per worker, with
    the first chunk that needs it). The same parser does the work when no pool is started.
    """
    from geo.pipeline import Geoparser

    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    # Opening the gazetteer here builds a stale index once, before any worker starts, and
    # reports a bad gazetteer file as a clean error.
    geoparser = geoparser if geoparser is not None else Geoparser()
    it = iter(documents)
    # Peek: an input of at most two chunks is parsed here, sooner than a pool could start.
    head = list(islice(it, 2 * chunk_size)) if workers > 1 else []
    if workers == 1 or len(head) < 2 * chunk_size:
        yield from geoparser.parse_many(chain(head, it), batch_size=batch_size, on_error=on_error)
        return
    yield from _pooled(chain(head, it), workers, portable(geoparser), on_error, chunk_size,
                       batch_size, start_method or START_METHOD)


def portable(geoparser: Any) -> Any:
    """A copy of `geoparser` that pickles small: without a language model it loaded itself
    (each worker loads its own), but with one it was given explicitly."""
    clone = copy.copy(geoparser)
    if hasattr(clone, "_languages"):
        clone._languages = {}  # other languages' recognisers load again in the worker, when needed
    recognizer = getattr(geoparser, "recognizer", None)
    loaded = {"nlp", "model", "featurizer"} & set(vars(recognizer)) if recognizer is not None else set()
    if loaded:
        recognizer = copy.copy(recognizer)
        if "nlp" in loaded and vars(recognizer)["nlp"] is not getattr(recognizer, "_nlp", None):
            del recognizer.nlp  # the cached default model: the worker loads it again
        for name in loaded - {"nlp"}:  # the trained model, read again from its file (or `_model`)
            delattr(recognizer, name)
        clone.recognizer = recognizer
    return clone


def _pooled(
    documents: Iterator[Document], workers: int, geoparser: Any, on_error: str,
    chunk_size: int, batch_size: int, start_method: str,
) -> Iterator[ParseResult]:
    context = multiprocessing.get_context(start_method)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(geoparser, os.getpid()),
        max_tasks_per_child=MAX_CHUNKS_PER_WORKER if start_method != "fork" else None,
    )
    pending: deque[Future] = deque()
    try:
        for chunk, error in _chunks(documents, chunk_size):
            if chunk:
                pending.append(pool.submit(_parse_chunk, chunk, batch_size, on_error))
            if error is not None:
                # A bad input stops the run, after the results of every document before it.
                while pending:
                    yield from _results(pending.popleft())
                raise error
            if len(pending) >= 2 * workers:
                yield from _results(pending.popleft())
        while pending:
            yield from _results(pending.popleft())
    finally:
        # Normal end, an error, or a consumer that stopped early (closed generator; Ctrl-C or
        # SIGTERM, wherever it struck): chunks still in flight have no reader any more, so
        # their workers are ended now rather than waited for.
        # The executor's own thread fails the futures of ended workers and cancels the rest:
        # cancelling them from here too races it (Python 3.11 raises InvalidStateError in that
        # thread, and a worker may outlive the run).
        if pending:
            _stop_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes at once (the executor has no public way to)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.terminate()
        except (OSError, ValueError, AttributeError):
            pass  # gone already


def _chunks(documents: Iterator[Document], size: int) -> Iterator[tuple[list[Document], GeoError | None]]:
    """Chunks of `size` documents; a reader error comes with the documents read before it."""
    while True:
        chunk: list[Document] = []
        try:
            for document in documents:
                chunk.append(document)
                if len(chunk) == size:
                    break
        except GeoError as exc:
            yield chunk, exc
            return
        if not chunk:
            return
        yield chunk, None


def _results(future: Future) -> list[ParseResult]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise GeoError(
            "a worker process died (out of memory?); try fewer --workers"
        ) from None


# -- in the worker processes ---------------------------------------------------------------

_parser: Any = None


def _init_worker(geoparser: Any, parent: int) -> None:
    global _parser
    # Ctrl-C goes to the whole process group: let the parent alone decide how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed outright (SIGKILL, OOM killer) cannot stop its pool: do not outlive it.
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    _parser = geoparser  # unpickled here: the gazetteer index is open; the model loads lazily
    # One core per worker: numpy's OpenBLAS (the model's matrix products) would otherwise
    # start a thread per core in every worker, and the workers would fight over the cores
    # (1,000 LGL documents, 2 workers: 88.6 docs/s steady with its threads, 97.4 without).
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def _exit_with(parent: int, every: float = 1.0) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _parse_chunk(documents: list[Document], batch_size: int, on_error: str) -> list[ParseResult]:
    return list(_parser.parse_many(documents, batch_size=batch_size, on_error=on_error))
