"""The trained models' one file format: gzipped JSON with LightGBM boosters as text.

The recognizer and the ranker each ship one such file in their stage's `data/` folder. Both
are read the same way: anything missing, corrupt, of another format or version, or made for
other features is a `ModelError` naming the command that rebuilds it, never a traceback.
Written with sorted keys and no timestamp, so that the same seed gives the same bytes.
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from geo.errors import ModelError, described

T = TypeVar("T")


def dump(data: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(data, sort_keys=True).encode("utf-8"), mtime=0)


def load(path: Path, *, what: str, fmt: str, version: int, rebuild: str, default: Path,
         build: Callable[[dict[str, Any]], T]) -> T:
    """`build(data)` of the file's JSON; any failure is one `ModelError` line with `rebuild`."""
    hint = f"rebuild it with `{rebuild}`" + ("" if path == default else f" --output {path}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{what} {path}: cannot read it ({exc.strerror or exc}); {hint}") from None
    try:
        data = json.loads(gzip.decompress(raw))
        if not isinstance(data, dict) or data.get("format") != fmt:
            raise ValueError(f"not a geo {what}")
        if data.get("version") != version:
            raise ValueError(f"model format {data.get('version')}, this geo reads {version}")
        return build(data)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"{what} {path} is corrupt or from another geo: {described(exc)}; {hint}") from None


def booster(text: str):
    """A LightGBM booster from its text; lightgbm is imported only when a model is loaded."""
    import lightgbm

    return lightgbm.Booster(model_str=text)
