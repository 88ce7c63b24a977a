#!/usr/bin/env python3
"""Writes Tests/InferenceTests/Fixtures/xgb_exact_*: XGBoost models and xgboost's own raw margins and
predictions for them, which riskd must reproduce bit for bit (Tests/InferenceTests/XGBoostExactParityTests.swift
compares with ==). Run from the repository root in a venv with xgboost from PyPI:

    python3 -m venv .venv && .venv/bin/pip install xgboost numpy
    .venv/bin/python training/make_xgboost_exact_fixtures.py

Cases: depths 2 to 8, 10-30 % missing values, binary:logistic with the intercept xgboost estimates from the data
(base_score "[p]", xgboost >= 3.1), with base_score given (0.5 and 0.3), the same model with base_score in the
older scalar form "p" (xgboost < 3.1), leaves scaled so margins pass the sigmoid's float32 clamp (|m| > 88.7),
count:poisson (log link), multi:softprob with a per-class intercept, and 150 features (wider than riskd's block
buffer). Rows: random rows with NaNs plus rows
that put a feature exactly on a threshold, on its float32 neighbours and on doubles between two float32s.
Every expected value is xgboost's float32 output written as the exact double; NaN inputs are written as null.
"""
import json
import os

import numpy as np
import xgboost as xgb

OUT = os.path.join("Tests", "InferenceTests", "Fixtures")
RNG = np.random.default_rng(20261201)
FEATURES = 8


def data(n, missing, features=FEATURES):
    x = RNG.normal(size=(n, features))
    logit = x[:, 0] - 0.8 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3] - 0.4
    x[RNG.random(x.shape) < missing] = np.nan
    return x, logit


def thresholds(model):
    booster = model["learner"]["gradient_booster"]
    result = set()
    for tree in booster["model"]["trees"]:
        for node, left in enumerate(tree["left_children"]):
            if left != -1:
                result.add((tree["split_indices"][node], tree["split_conditions"][node]))
    return sorted(result)


def edge_rows(model, count, missing, features=FEATURES, edges=40, digits=None):
    """`count` random rows, then 6 rows around each of `edges` thresholds; `digits` rounds the random values
    (not the threshold neighbours) to keep a wide fixture small."""
    rows, _ = data(count, missing, features)
    template = RNG.normal(size=features)
    if digits is not None:
        rows, template = np.round(rows, digits), np.round(template, digits)
    rows = [list(row) for row in rows]
    template = list(template)
    for feature, threshold in thresholds(model)[::3][:edges]:
        f32 = np.float32(threshold)
        up = np.nextafter(f32, np.float32(np.inf))
        down = np.nextafter(f32, np.float32(-np.inf))
        for value in [float(f32), float(up), float(down), float(f32) + (float(up) - float(f32)) / 2,
                      float(np.nextafter(float(f32), np.inf)), float(np.nextafter(float(f32), -np.inf))]:
            row = list(template)
            row[feature] = value
            rows.append(row)
    rows.append([np.nan] * features)
    return np.array(rows, dtype=np.float64)


def write(name, booster, rows, save=True):
    path = os.path.join(OUT, f"{name}.model.json")
    if save:
        booster.save_model(path)
    reloaded = xgb.Booster(model_file=path)
    reloaded.set_param({"nthread": 1})
    margins = reloaded.inplace_predict(rows, predict_type="margin")
    predictions = reloaded.inplace_predict(rows)
    # The DMatrix path must agree bit for bit (it does for gbtree).
    matrix = xgb.DMatrix(rows, missing=np.nan)
    assert np.array_equal(margins, reloaded.predict(matrix, output_margin=True))
    assert np.array_equal(predictions, reloaded.predict(matrix))
    assert margins.dtype == np.float32 and predictions.dtype == np.float32
    document = {
        "model": os.path.basename(path), "format": "xgboost-json", "xgboost": xgb.__version__,
        "rows": [[None if np.isnan(v) else float(v) for v in row] for row in rows],
        "margins": [[float(v) for v in np.atleast_1d(row)] for row in margins],
        "predictions": [[float(v) for v in np.atleast_1d(row)] for row in predictions],
    }
    with open(os.path.join(OUT, f"{name}.expected.json"), "w") as handle:
        json.dump(document, handle, separators=(",", ":"), allow_nan=False)
    print(name, len(rows), "rows; base_score", json.load(open(path))["learner"]["learner_model_param"]["base_score"])


def edit(name, booster, rows, change):
    """Saves `booster`, applies `change` to its JSON and lets xgboost load and predict the edited model."""
    path = os.path.join(OUT, f"{name}.model.json")
    booster.save_model(path)
    with open(path) as handle:
        model = json.load(handle)
    change(model)
    with open(path, "w") as handle:
        json.dump(model, handle, separators=(",", ":"))
    write(name, xgb.Booster(model_file=path), rows, save=False)


def train(params, label, rounds, missing, n=4000, features=FEATURES):
    x, logit = data(n, missing, features)
    y = {"binary": (logit + RNG.logistic(size=n) > 0).astype(int),
         "count": RNG.poisson(np.exp(np.clip(logit, -3, 3) / 2)),
         "multi": np.digitize(logit + RNG.normal(scale=0.5, size=n), [-0.7, 0.7])}[label]
    return xgb.train({"eta": 0.3, "seed": 7, "nthread": 1, **params}, xgb.DMatrix(x, label=y, missing=np.nan),
                     num_boost_round=rounds)


def main():
    for depth, rounds, missing in [(2, 20, 0.1), (4, 60, 0.2), (6, 60, 0.3), (8, 20, 0.1)]:
        booster = train({"objective": "binary:logistic", "max_depth": depth}, "binary", rounds, missing)
        rows = edge_rows(json.loads(booster.save_raw("json")), 120, missing)
        write(f"xgb_exact_depth{depth}", booster, rows)
        if depth == 4:
            def scalar(model):
                score = model["learner"]["learner_model_param"]["base_score"]
                model["learner"]["learner_model_param"]["base_score"] = score.strip("[]")
            edit("xgb_exact_scalar_base_score", booster, rows, scalar)

            def scaled(model):
                for tree in model["learner"]["gradient_booster"]["model"]["trees"]:
                    tree["split_conditions"] = [
                        float(np.float32(v) * np.float32(40)) if left == -1 else v
                        for v, left in zip(tree["split_conditions"], tree["left_children"])]
            edit("xgb_exact_saturated", booster, rows, scaled)
    for score in (0.5, 0.3):
        booster = train({"objective": "binary:logistic", "max_depth": 5, "base_score": score}, "binary", 50, 0.15)
        write(f"xgb_exact_base_score_{int(score * 10)}", booster,
              edge_rows(json.loads(booster.save_raw("json")), 150, 0.15))
    booster = train({"objective": "count:poisson", "max_depth": 4}, "count", 40, 0.1)
    write("xgb_exact_poisson", booster, edge_rows(json.loads(booster.save_raw("json")), 150, 0.1))
    booster = train({"objective": "multi:softprob", "num_class": 3, "max_depth": 4}, "multi", 30, 0.1)
    write("xgb_exact_multiclass", booster, edge_rows(json.loads(booster.save_raw("json")), 150, 0.1))
    # More features than fit riskd's 1 KiB block buffer: one row per block, the buffer on the heap.
    booster = train({"objective": "binary:logistic", "max_depth": 4, "colsample_bynode": 0.5}, "binary", 15, 0.2,
                    features=150)
    write("xgb_exact_wide", booster,
          edge_rows(json.loads(booster.save_raw("json")), 20, 0.2, features=150, edges=8, digits=3))


if __name__ == "__main__":
    main()
