"""The gradient-boosting settings every trained model of geo shares, and the one fit call.

Deterministic on CPU: LightGBM's deterministic mode, row-wise histograms, a fixed seed and
two threads (the machines geo is measured on have two cores).
"""
from __future__ import annotations

import numpy as np

PARAMS = {
    "objective": "binary", "learning_rate": 0.1, "num_leaves": 31, "min_data_in_leaf": 20,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "deterministic": True, "force_row_wise": True, "num_threads": 2, "verbose": -1,
}


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray, *, seed: int, rounds: int, **params):
    import lightgbm

    data = lightgbm.Dataset(x, y, weight=weight, free_raw_data=True)
    return lightgbm.train({**PARAMS, **params, "seed": seed}, data, num_boost_round=rounds)
