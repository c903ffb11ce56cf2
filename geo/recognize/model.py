"""The trained place-or-not model: one versioned file, loaded without any network.

The file (gzipped JSON) holds a LightGBM booster as text, the word-vector projection the
features use, the decision threshold, the feature names it was trained on, and a note of
what it was trained on. Anything missing, corrupt or made for other features is a
`ModelError` that names the command that rebuilds it, never a traceback.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geo.errors import ModelError, described

FORMAT = "geo-recognizer"
VERSION = 1
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "recognizer.json.gz"
REBUILD = "geo train recognizer"


@dataclass
class RecognizerModel:
    booster: Any  # lightgbm.Booster
    projection: np.ndarray  # word vector (300) -> a few dimensions
    features: list[str]
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    def predict(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        return self.booster.predict(rows, num_threads=1)


def payload(model: RecognizerModel) -> bytes:
    data = {
        "format": FORMAT, "version": VERSION, "features": model.features, "threshold": model.threshold,
        "projection": model.projection.round(6).tolist(), "info": model.info,
        "booster": model.booster.model_to_string(),
    }
    return gzip.compress(json.dumps(data, sort_keys=True).encode("utf-8"), mtime=0)


def load_model_file(path: Path | str | None = None) -> RecognizerModel:
    path = Path(path) if path is not None else DEFAULT_PATH
    hint = f"rebuild it with `{REBUILD}`" + ("" if path == DEFAULT_PATH else f" --output {path}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"recognizer model {path}: cannot read it ({exc.strerror or exc}); {hint}") from None
    try:
        data = json.loads(gzip.decompress(raw))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a geo recognizer model")
        if data.get("version") != VERSION:
            raise ValueError(f"model format {data.get('version')}, this geo reads {VERSION}")
        import lightgbm

        booster = lightgbm.Booster(model_str=data["booster"])
        projection = np.asarray(data["projection"], dtype=np.float32)
        features = list(data["features"])
        if booster.num_feature() != len(features):
            raise ValueError("its booster and feature list disagree")
        model = RecognizerModel(booster, projection, features, float(data["threshold"]), dict(data.get("info", {})))
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"recognizer model {path} is corrupt or from another geo: {described(exc)}; {hint}") from None
    return model
