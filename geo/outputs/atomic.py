"""Outputs appear whole or not at all.

Every file geo writes goes to a temporary file in the target's folder first and is renamed
over the target only once complete, so an interrupted run (Ctrl-C, kill, full disk, an error
half-way) leaves the old file, or none, never half of a new one.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from geo.errors import OutputError


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", **open_args: object) -> Iterator[IO]:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    if "b" not in mode:
        open_args.setdefault("encoding", "utf-8")
        open_args.setdefault("newline", "")
    try:
        # A replaced file keeps its mode; a new one is readable by all (mkstemp's 0600 would
        # hide a published map).
        file_mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        with os.fdopen(fd, mode, **open_args) as handle:  # type: ignore[call-overload]
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, file_mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
