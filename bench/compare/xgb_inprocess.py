"""XGBoost's own predictor, in process, on the same model and rows as the HTTP runs: the floor a
model server is measured against.

usage: xgb_inprocess.py <version_dir> <body.json> [seconds]
Prints rows/s for repeated inplace_predict calls on the body's rows (one thread), e.g. at batch 64.
"""

import json
import sys
import time

import numpy as np
import xgboost as xgb

from model_features import feature_names


def main() -> None:
    version_dir, body_path = sys.argv[1:3]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
    names = feature_names(version_dir)
    booster = xgb.Booster(params={"nthread": 1})
    booster.load_model(f"{version_dir}/model.json")
    instances = json.load(open(body_path))["instances"]
    rows = np.array(
        [[np.nan if i["features"].get(n) is None else i["features"][n] for n in names] for i in instances],
        dtype=np.float32,
    )
    for _ in range(200):
        booster.inplace_predict(rows)
    calls = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(100):
            booster.inplace_predict(rows)
        calls += 100
    elapsed = time.perf_counter() - start
    print(f"{calls * len(rows) / elapsed:.0f}")


if __name__ == "__main__":
    main()
