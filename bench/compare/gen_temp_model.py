"""XGBoost models for the harness: the issue's reference shape (300 trees, depth 6, 30 features) or a
small SMART-like one.

usage: gen_temp_model.py <out_version_dir> [features] [trees]
  default: 12 SMART-like features, 100 trees; with features > 12 the names are feature_00, feature_01, ...
"""

import os
import sys

import numpy as np
import xgboost as xgb

SMART = [
    "smart_5_raw", "smart_9_raw", "smart_187_raw", "smart_188_raw", "smart_194_raw", "smart_197_raw",
    "smart_198_raw", "smart_199_raw", "smart_5_delta_7d", "smart_197_max_24h", "read_errors_rate_1h", "age_days",
]


def main() -> None:
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else len(SMART)
    trees = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    names = SMART if count == len(SMART) else [f"feature_{i:02d}" for i in range(count)]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 100, size=(20000, count)).astype(np.float32)
    x[rng.random(x.shape) < 0.1] = np.nan
    weights = rng.normal(0, 0.03, count)
    logit = np.nan_to_num(x) @ weights + rng.normal(0, 1, len(x))
    y = (logit > np.median(logit)).astype(np.float32)
    booster = xgb.train(
        {"objective": "binary:logistic", "max_depth": 6, "eta": 0.05, "nthread": 2},
        xgb.DMatrix(x, label=y, feature_names=names),
        num_boost_round=trees,
    )
    booster.save_model(os.path.join(out, "model.json"))


if __name__ == "__main__":
    main()
