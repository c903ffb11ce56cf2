"""The trained ranker: which of a mention's gazetteer candidates the story means, if any.

Two LightGBM passes over the candidates of one story. The first scores each candidate from
what it is and how it was found (`geo.resolve.features.OWN`); the second adds how it agrees
with the rest of the story, computed from the first pass's view of every other name
(`Context`). A mention whose best candidate scores under `threshold` gets no place: a
missing marker is better than a wrong one. The file is rebuilt by `geo train resolver`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import geo.recognize.model_file as model_file
from geo.resolve.features import CONTEXT, OWN, Context
from geo.resolve.retrieve import LOOSE

FORMAT = "geo-ranker"
VERSION = 1
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "ranker.json.gz"
REBUILD = "geo train resolver"
LOOSE_MIN_SUPPORT = 0.1  # share of the story's other names behind a loose match's country
UNSUPPORTED = 0.01  # what an unsupported loose match's score is multiplied by: under any threshold


@dataclass
class RankerModel:
    first: Any  # lightgbm.Booster over OWN
    second: Any  # lightgbm.Booster over OWN + CONTEXT
    threshold: float = 0.1
    info: dict[str, Any] = field(default_factory=dict)

    def scores(self, own: np.ndarray, context: Context) -> tuple[np.ndarray, np.ndarray]:
        """(first-pass, final) probability of every candidate row of one story.

        One rule stays a rule, because the dev corpora hold too few cases to learn it from (40
        names matched only loosely, 6 of them right): a loose or near-miss spelling counts
        only in a country the story's other names point at. Across the world, a loose key
        collides with some town's name ("Ras al-Ain" folds like Rasina, Serbia)."""
        if not len(own):
            return np.zeros(0), np.zeros(0)
        first = self.first.predict(own, num_threads=1)
        rows = context.rows(first)
        final = self.second.predict(np.hstack([own, rows]), num_threads=1)
        guessed = own[:, OWN.index("match")] >= LOOSE
        # Scaled down rather than zeroed, so that `geo resolve` still ranks them.
        final[guessed & (rows[:, CONTEXT.index("country_support")] < LOOSE_MIN_SUPPORT)] *= UNSUPPORTED
        return first, final

    def explain(self, own: np.ndarray, context: Context) -> np.ndarray:
        """Each feature's share of each row's final score (SHAP values, log-odds), for
        `geo resolve`: what decided."""
        first = self.first.predict(own, num_threads=1)
        return self.second.predict(np.hstack([own, context.rows(first)]), pred_contrib=True, num_threads=1)


def payload(model: RankerModel) -> bytes:
    return model_file.dump({
        "format": FORMAT, "version": VERSION, "own": OWN, "context": CONTEXT, "threshold": model.threshold,
        "info": model.info, "first": model.first.model_to_string(), "second": model.second.model_to_string(),
    })


def load_ranker(path: Path | str | None = None) -> RankerModel:
    def build(data: dict[str, Any]) -> RankerModel:
        if data["own"] != OWN or data["context"] != CONTEXT:
            raise ValueError("it was trained on other features")
        first, second = model_file.booster(data["first"]), model_file.booster(data["second"])
        if (first.num_feature(), second.num_feature()) != (len(OWN), len(OWN) + len(CONTEXT)):
            raise ValueError("its boosters and feature list disagree")
        return RankerModel(first, second, float(data["threshold"]), dict(data.get("info", {})))

    return model_file.load(Path(path) if path is not None else DEFAULT_PATH, what="resolver model",
                           fmt=FORMAT, version=VERSION, rebuild=REBUILD, default=DEFAULT_PATH, build=build)
