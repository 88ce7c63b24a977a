#!/usr/bin/env python3
"""Writes the UBJSON fixtures: XGBoost boosters saved both as `.ubj` (Universal Binary JSON) and as `.json`, with
xgboost's own predictions, which riskd must reproduce bit for bit from either file.

    python3 -m venv .venv && .venv/bin/pip install xgboost-cpu==3.1.3 numpy==2.4.6
    .venv/bin/python training/make_xgboost_ubj_fixtures.py

Tests/InferenceTests/Fixtures/xgb_ubj_*: a binary model with missing values and named features, a multiclass
model (per-class base score), and a model with a categorical split (int32 category arrays). Each has
`<name>.model.ubj`, `<name>.model.json` (the same booster) and `<name>.expected.json` (rows, margins and predictions
from xgboost, which predicts identically from both files; asserted here).

Tests/ModelToolsTests/Fixtures/disk-xgb/: a model version directory as an operator would publish it (docs/model-format.md):
`model.ubj`, a `manifest.json` naming the features and `samples.json` with xgboost's predictions for
`riskd model validate`.
"""
import json
import os

import numpy as np
import xgboost as xgb

INFERENCE = os.path.join("Tests", "InferenceTests", "Fixtures")
VERSION_DIR = os.path.join("Tests", "ModelToolsTests", "Fixtures", "disk-xgb")
RNG = np.random.default_rng(20261202)
NAMES = ["smart_5_raw", "smart_187_raw", "smart_197_raw", "temperature_c", "power_on_hours", "read_error_rate"]


def data(n, features, missing):
    x = RNG.normal(size=(n, features))
    logit = x[:, 0] - 0.8 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3] - 0.4
    x[RNG.random(x.shape) < missing] = np.nan
    return x, logit


def predictions(path, rows):
    booster = xgb.Booster(model_file=path)
    booster.set_param({"nthread": 1})
    return booster.inplace_predict(rows, predict_type="margin"), booster.inplace_predict(rows)


def write(name, booster, rows):
    ubj = os.path.join(INFERENCE, f"{name}.model.ubj")
    text = os.path.join(INFERENCE, f"{name}.model.json")
    booster.save_model(ubj)
    booster.save_model(text)
    margins, predicted = predictions(ubj, rows)
    json_margins, json_predicted = predictions(text, rows)
    assert np.array_equal(margins, json_margins) and np.array_equal(predicted, json_predicted)
    assert predicted.dtype == np.float32
    document = {
        "model": os.path.basename(ubj), "format": "xgboost-ubj", "xgboost": xgb.__version__,
        "rows": [[None if np.isnan(v) else float(v) for v in row] for row in rows],
        "margins": [[float(v) for v in np.atleast_1d(row)] for row in margins],
        "predictions": [[float(v) for v in np.atleast_1d(row)] for row in predicted],
    }
    with open(os.path.join(INFERENCE, f"{name}.expected.json"), "w") as handle:
        json.dump(document, handle, separators=(",", ":"), allow_nan=False)
    print(name, len(rows), "rows")


def train(params, x, y, rounds, **matrix):
    return xgb.train({"eta": 0.3, "seed": 7, "nthread": 1, **params},
                     xgb.DMatrix(x, label=y, missing=np.nan, **matrix), num_boost_round=rounds)


def main():
    os.makedirs(VERSION_DIR, exist_ok=True)
    x, logit = data(3000, len(NAMES), 0.2)
    y = (logit + RNG.logistic(size=len(x)) > 0).astype(int)
    binary = train({"objective": "binary:logistic", "max_depth": 5}, x, y, 40, feature_names=NAMES)
    rows, _ = data(200, len(NAMES), 0.2)
    write("xgb_ubj_binary", binary, rows)

    y = np.digitize(logit + RNG.normal(scale=0.5, size=len(x)), [-0.7, 0.7])
    multi = train({"objective": "multi:softprob", "num_class": 3, "max_depth": 4}, x, y, 20)
    write("xgb_ubj_multiclass", multi, rows)

    categorical = x.copy()
    categorical[:, 0] = RNG.integers(0, 12, size=len(x))
    y = ((categorical[:, 0] % 3 == 0) ^ (logit > 0)).astype(int)
    model = train({"objective": "binary:logistic", "max_depth": 4, "max_cat_to_onehot": 1}, categorical, y, 20,
                  feature_types=["c"] + ["q"] * (len(NAMES) - 1), enable_categorical=True)
    cat_rows = rows.copy()
    cat_rows[:, 0] = RNG.integers(0, 14, size=len(rows)).astype(float)
    write("xgb_ubj_categorical", model, cat_rows)

    # The publishable version directory: the binary model, its manifest and parity samples.
    path = os.path.join(VERSION_DIR, "model.ubj")
    binary.save_model(path)
    _, predicted = predictions(path, rows[:50])
    samples = {"rows": [{"features": {name: (None if np.isnan(v) else float(v)) for name, v in zip(NAMES, row)},
                         "prediction": float(p)} for row, p in zip(rows[:50], predicted)]}
    with open(os.path.join(VERSION_DIR, "samples.json"), "w") as handle:
        json.dump(samples, handle, separators=(",", ":"), allow_nan=False)
    manifest = {"description": "Disk failure risk from SMART attributes (fixture)", "task": "binary",
                "features": [{"name": name, "metric": name, "aggregation": "last"} for name in NAMES],
                "lineage": {"trainer": "training/make_xgboost_ubj_fixtures.py", "xgboost": xgb.__version__}}
    with open(os.path.join(VERSION_DIR, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()
