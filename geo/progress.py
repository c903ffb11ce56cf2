"""A progress bar on stderr for long runs: documents done and the rate, nothing else.

It stays out of the way: off when stderr is not a terminal (pipes, CI logs, cron), off with
`--quiet`, and even when on it only appears once a run has taken a couple of seconds, so
short runs print nothing. It draws with tqdm (which spaCy installs anyway), imported only
when a bar may show.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")
DELAY = 2.0  # seconds of work before the bar appears


def wanted(stream: IO[str] | None = None, *, quiet: bool = False) -> bool:
    """Whether to draw a bar: not quiet and `stream` (default stderr) is a terminal."""
    stream = stream if stream is not None else sys.stderr
    if quiet or stream is None:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def progress(
    items: Iterable[T], *, enabled: bool | None = None, unit: str = "doc",
    desc: str = "", stream: IO[str] | None = None, delay: float = DELAY,
) -> Iterator[T]:
    """`items`, unchanged and as lazily; counts them on a bar when `enabled` (default: `wanted()`)."""
    stream = stream if stream is not None else sys.stderr
    if enabled is None:
        enabled = wanted(stream)
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    bar = tqdm(total=None, desc=desc or None, unit=unit, file=stream, delay=delay,
               dynamic_ncols=True, smoothing=0.05, mininterval=0.5)
    try:
        for item in items:
            yield item
            bar.update(1)
    finally:
        bar.close()
