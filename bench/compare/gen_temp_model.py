"""Temporary XGBoost model for the harness while models/disk-failure is not in the repo yet.

usage: gen_temp_model.py <out_version_dir>   (writes model.json there; 12 SMART-like features, 100 trees)
"""

import os
import sys

import numpy as np
import xgboost as xgb

FEATURES = [
    "smart_5_raw", "smart_9_raw", "smart_187_raw", "smart_188_raw", "smart_194_raw", "smart_197_raw",
    "smart_198_raw", "smart_199_raw", "smart_5_delta_7d", "smart_197_max_24h", "read_errors_rate_1h", "age_days",
]


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 100, size=(5000, len(FEATURES))).astype(np.float32)
    x[rng.random(x.shape) < 0.1] = np.nan
    logit = 0.04 * np.nan_to_num(x[:, 0]) + 0.03 * np.nan_to_num(x[:, 5]) - 4 + rng.normal(0, 1, 5000)
    y = (logit > 0).astype(np.float32)
    booster = xgb.train(
        {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "nthread": 2},
        xgb.DMatrix(x, label=y, feature_names=FEATURES),
        num_boost_round=100,
    )
    booster.save_model(os.path.join(out, "model.json"))


if __name__ == "__main__":
    main()
