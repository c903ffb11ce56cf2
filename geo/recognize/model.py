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

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import geo.recognize.model_file as model_file

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
    return model_file.dump({
        "format": FORMAT, "version": VERSION, "features": model.features, "threshold": model.threshold,
        "projection": model.projection.round(6).tolist(), "info": model.info,
        "first": model.passes.first.model_to_string(), "second": model.passes.second.model_to_string(),
    })


def load_passes(data: dict, n_features: int) -> TwoPass:
    """Both boosters of a model file's JSON, checked against its feature count."""
    passes = TwoPass(model_file.booster(data["first"]), model_file.booster(data["second"]))
    if (passes.first.num_feature(), passes.second.num_feature()) != (n_features, n_features + len(SECOND_PASS)):
        raise ValueError("its boosters and feature list disagree")
    return passes


def load_model_file(path: Path | str | None = None) -> RecognizerModel:
    def build(data: dict) -> RecognizerModel:
        features = list(data["features"])
        return RecognizerModel(load_passes(data, len(features)), np.asarray(data["projection"], dtype=np.float32),
                               features, float(data["threshold"]), dict(data.get("info", {})))

    path = Path(path) if path is not None else DEFAULT_PATH
    return model_file.load(path, what="recognizer model", fmt=FORMAT, version=VERSION, rebuild=REBUILD,
                           default=DEFAULT_PATH, build=build)
