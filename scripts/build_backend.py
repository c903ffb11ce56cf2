"""setuptools' build backend, plus the gazetteer index compiled when geo is installed.

The first geo command after `pip install -e .` would otherwise spend seconds compiling
`gazetteer.csv` into its SQLite index (issue 22). Installing does it instead, once, into the
package (`geo.gazetteer.index.prebuild`; the file is not in git). pyproject.toml names this
module (`backend-path`); everything but the editable build is setuptools' own.

Only the editable install, the README's: geo reads `gazetteer.csv` from the checkout, which a
wheel does not carry. The index is compiled in a child process of the same Python, from the
checkout and the standard library alone (the build environment has nothing else). If that
fails, the install goes on and the first run compiles the index as it always could.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (every other hook, unchanged)

ROOT = Path(__file__).resolve().parent.parent


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    index_gazetteer()
    return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)


def index_gazetteer() -> bool:
    """Compile the shipped gazetteer's index (a no-op when it is current); False if it failed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from geo.gazetteer.index import prebuild; prebuild()"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"geo: the gazetteer index was not built at install ({exc}); the first run builds it",
              file=sys.stderr)
        return False
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"geo: the gazetteer index was not built at install ({last}); the first run builds it",
              file=sys.stderr)
        return False
    return True
