"""An output never overwrites an input.

`geo extract a.jsonl -o a.jsonl` or `geo map notes/ -o notes/map.html` would lose an article,
or read last run's map as an article next time. Both are refused before any work, by path
(resolved, so `./a.txt` is `a.txt`) and by file (a hard or symbolic link to an input is the
input).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from geo.errors import OutputError
from geo.inputs.fetch import is_url
from geo.inputs.read import TEXT_SUFFIXES


def refuse_overwriting_inputs(outputs: Sequence[str | Path], inputs: Iterable[str | Path]) -> None:
    """OutputError when an output is one of the inputs, or lies in an input folder that reads
    files of its kind."""
    named = [Path(i) for i in inputs if str(i) != "-" and not is_url(str(i))]
    for output in map(Path, outputs):
        for given in named:
            if _same_file(output, given):
                raise OutputError(f"{output}: the output is one of the inputs ({given}): refusing to overwrite it")
            if given.is_dir() and output.suffix.lower() in TEXT_SUFFIXES and _inside(output, given):
                raise OutputError(f"{output}: the output lies in the input folder {given}, which is read for "
                                  f"{output.suffix} files: write it elsewhere")


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def _inside(path: Path, folder: Path) -> bool:
    return folder.resolve() in path.resolve().parents
