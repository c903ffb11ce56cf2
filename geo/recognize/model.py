"""The trained place-or-not model: one versioned file, loaded without any network.

Two passes, one sense per story: the first booster scores every candidate from its own
evidence; the second reads the same evidence plus what the first said of the same name
elsewhere in the document (`same_name_evidence`), so that "Georgia" said of a person three
times is a person the fourth time too. The file (gzipped JSON) holds both boosters as text,
the word-vector projection the features use, the decision threshold, the feature names it
was trained on, and a note of what it was trained on. Anything missing, corrupt or made for other features is a
`ModelError` that names the command that rebuilds it, never a traceback.
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geo.errors import ModelError, described

FORMAT = "geo-recognizer"
VERSION = 2  # 2: two passes
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "recognizer.json.gz"
REBUILD = "geo train recognizer"


SECOND_PASS = ["same_name_max", "same_name_mean", "same_name_count"]


@dataclass
class TwoPass:
    first: Any  # lightgbm.Booster over the features
    second: Any  # lightgbm.Booster over the features + SECOND_PASS

    def predict(self, rows: np.ndarray, names: Sequence[str], threads: int = 1) -> np.ndarray:
        """Place probabilities of candidates of ONE document; `names`: each candidate's text."""
        return self.predict_many([rows], [names], threads)[0]

    def predict_many(self, rows: Sequence[np.ndarray], names: Sequence[Sequence[str]], threads: int = 1
                     ) -> list[np.ndarray]:
        """The same for several documents at once (one call into LightGBM per pass: a call
        costs about a millisecond whatever its size)."""
        ends = np.cumsum([len(r) for r in rows])
        if not ends.size or not ends[-1]:
            return [np.zeros(len(r)) for r in rows]
        x = np.vstack(rows)
        first = np.split(self.first.predict(x, num_threads=threads), ends[:-1])
        evidence = np.vstack([same_name_evidence(n, s) for n, s in zip(names, first)])
        return np.split(self.second.predict(np.hstack([x, evidence]), num_threads=threads), ends[:-1])


def same_name_evidence(names: Sequence[str], scores: np.ndarray) -> np.ndarray:
    """For each candidate: the highest and mean first-pass score of the other candidates of
    the same name (case aside) in the document, and how many there are (-1, -1, 0: none)."""
    out = np.zeros((len(names), len(SECOND_PASS)), dtype=np.float32)
    by_name: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        by_name.setdefault(name.lower(), []).append(i)
    for rows in by_name.values():
        for i in rows:
            others = [scores[j] for j in rows if j != i]
            out[i] = (max(others), sum(others) / len(others), len(others)) if others else (-1.0, -1.0, 0.0)
    return out


@dataclass
class RecognizerModel:
    passes: TwoPass
    projection: np.ndarray  # word vector (300) -> a few dimensions
    features: list[str]
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    def predict_many(self, rows: Sequence[np.ndarray], names: Sequence[Sequence[str]]) -> list[np.ndarray]:
        return self.passes.predict_many(rows, names)


def payload(model: RecognizerModel) -> bytes:
    data = {
        "format": FORMAT, "version": VERSION, "features": model.features, "threshold": model.threshold,
        "projection": model.projection.round(6).tolist(), "info": model.info,
        "first": model.passes.first.model_to_string(), "second": model.passes.second.model_to_string(),
    }
    return gzip.compress(json.dumps(data, sort_keys=True).encode("utf-8"), mtime=0)


def read_payload(path: Path, fmt: str, version: int, rebuild: str, is_default: bool, what: str) -> dict:
    """The JSON of a gzipped model file of format `fmt` and `version`, or a one-line
    `ModelError` that names the command that rebuilds it (shared with the other languages'
    model, `geo.recognize.languages.learned`)."""
    hint = f"rebuild it with `{rebuild}`" + ("" if is_default else f" --output {path}")
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
    except Exception as exc:
        raise ModelError(f"{what} {path} is corrupt or from another geo: {described(exc)}; {hint}") from None
    data["_hint"] = hint
    return data


def load_passes(data: dict, n_features: int) -> TwoPass:
    """Both boosters of a model file's JSON, checked against its feature count."""
    import lightgbm

    passes = TwoPass(lightgbm.Booster(model_str=data["first"]), lightgbm.Booster(model_str=data["second"]))
    if (passes.first.num_feature(), passes.second.num_feature()) != (n_features, n_features + len(SECOND_PASS)):
        raise ValueError("its boosters and feature list disagree")
    return passes


def load_model_file(path: Path | str | None = None) -> RecognizerModel:
    path = Path(path) if path is not None else DEFAULT_PATH
    data = read_payload(path, FORMAT, VERSION, REBUILD, path == DEFAULT_PATH, "recognizer model")
    try:
        features = list(data["features"])
        passes = load_passes(data, len(features))
        projection = np.asarray(data["projection"], dtype=np.float32)
        model = RecognizerModel(passes, projection, features, float(data["threshold"]), dict(data.get("info", {})))
    except Exception as exc:
        raise ModelError(f"recognizer model {path} is corrupt or from another geo: {described(exc)}; "
                         f"{data['_hint']}") from None
    return model
