#!/usr/bin/env python3
"""Exports scikit-learn models that have no native artifact format to riskd-json (model.riskd.json), the
format read by Sources/Inference/RiskdJSONLoader.swift (schema in docs/model-format.md).

Supported: LogisticRegression (logistic link), LinearRegression/Ridge/Lasso (identity link), optionally inside a
Pipeline preceded by SimpleImputer(strategy="mean"|"median"|"constant") and/or StandardScaler; and
RandomForestClassifier/ExtraTreesClassifier (binary; leaf value = P(class 1)) and
RandomForestRegressor/ExtraTreesRegressor (leaf value = mean target), with missing_go_to_left per node. A
threshold of null means +infinity (sklearn splits "only missing values go right" at +inf).
"""
import json

import numpy as np
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

FORESTS_CLASSIFY = (RandomForestClassifier, ExtraTreesClassifier)
FORESTS_REGRESS = (RandomForestRegressor, ExtraTreesRegressor)


def _linear(model, feature_names):
    imputer = scaler = None
    if isinstance(model, Pipeline):
        steps = [step for _, step in model.steps]
        model = steps[-1]
        for step in steps[:-1]:
            if isinstance(step, SimpleImputer):
                imputer = step
            elif isinstance(step, StandardScaler):
                scaler = step
            else:
                raise ValueError(f"unsupported pipeline step {type(step).__name__}")
    if isinstance(model, LogisticRegression):
        if model.coef_.shape[0] != 1:
            raise ValueError("only binary LogisticRegression is supported")
        task, link, coef, intercept = "binary", "logistic", model.coef_[0], model.intercept_[0]
    elif isinstance(model, (LinearRegression, Ridge, Lasso)):
        task, link = "regression", "identity"
        coef, intercept = np.ravel(model.coef_), float(np.ravel([model.intercept_])[0])
    else:
        raise ValueError(f"unsupported model {type(model).__name__}")
    n = len(feature_names)
    if len(coef) != n:
        raise ValueError(f"model has {len(coef)} coefficients, {n} feature names given")
    linear = {"coefficients": [float(c) for c in coef], "intercept": float(intercept), "link": link}
    if scaler is not None:
        mean = scaler.mean_ if scaler.with_mean else np.zeros(n)
        scale = scaler.scale_ if scaler.with_std else np.ones(n)
        linear["scaler"] = {"mean": [float(v) for v in mean], "scale": [float(v) for v in scale]}
    if imputer is not None:
        linear["imputation"] = [float(v) for v in imputer.statistics_]
    return {"model_type": "linear", "task": task, "linear": linear}


def _forest(model):
    classify = isinstance(model, FORESTS_CLASSIFY)
    if classify and len(model.classes_) != 2:
        raise ValueError("only binary forest classifiers are supported")
    trees = []
    for estimator in model.estimators_:
        t = estimator.tree_
        if classify:
            totals = t.value[:, 0, :].sum(axis=1)
            values = t.value[:, 0, 1] / np.where(totals > 0, totals, 1)
        else:
            values = t.value[:, 0, 0]
        missing = getattr(t, "missing_go_to_left", np.zeros(t.node_count, dtype=np.uint8))
        leaf = t.children_left == -1
        trees.append({
            "left": [int(v) for v in t.children_left],
            "right": [int(v) for v in t.children_right],
            "feature": [int(v) if not is_leaf else -1 for v, is_leaf in zip(t.feature, leaf)],
            # sklearn uses +inf for "all values left, only NaN right"; JSON has no infinity: null stands for it.
            "threshold": [None if np.isposinf(v) and not is_leaf else (float(v) if not is_leaf else 0.0)
                          for v, is_leaf in zip(t.threshold, leaf)],
            "missing_left": [int(v) for v in missing],
            "value": [float(v) if is_leaf else 0.0 for v, is_leaf in zip(values, leaf)],
        })
    return {"model_type": "forest", "task": "binary" if classify else "regression",
            "forest": {"aggregation": "mean", "trees": trees}}


def export_sklearn_model(model, feature_names, path):
    """Writes `model` to `path` as riskd-json; raises ValueError for anything riskd cannot serve exactly."""
    feature_names = [str(name) for name in feature_names]
    if isinstance(model, FORESTS_CLASSIFY + FORESTS_REGRESS):
        if model.n_features_in_ != len(feature_names):
            raise ValueError(f"model has {model.n_features_in_} features, {len(feature_names)} names given")
        body = _forest(model)
    else:
        body = _linear(model, feature_names)
    document = {"format": "riskd-json", "format_version": 1, "model_type": body.pop("model_type"),
                "task": body.pop("task"), "feature_names": feature_names, **body}
    with open(path, "w") as handle:
        json.dump(document, handle, separators=(",", ":"), allow_nan=False)


def predict_riskd_forest(document: dict, x) -> float:
    """Scores one feature vector (NaN = missing) with a riskd-json forest the way riskd does: feature values
    are compared as float32 (sklearn's tree dtype) with `x <= threshold`, NaN follows missing_left, and the
    leaf values are summed in tree order and divided by the tree count."""
    total = 0.0
    for tree in document["forest"]["trees"]:
        node = 0
        while tree["left"][node] != -1:
            value = x[tree["feature"][node]]
            threshold = tree["threshold"][node]
            if np.isnan(value):
                go_left = bool(tree["missing_left"][node])
            else:
                go_left = threshold is None or float(np.float32(value)) <= threshold
            node = tree["left"][node] if go_left else tree["right"][node]
        total += tree["value"][node]
    return total / len(document["forest"]["trees"])


def export_isolation_forest(model, feature_names, path):
    """Writes a fitted sklearn IsolationForest as a riskd-json forest whose mean leaf value is log2 of
    sklearn's anomaly score s = 2^(-E[h(x)] / c(max_samples)) (higher = more anomalous), so riskd's ordinary
    forest walk serves it: each leaf holds -(depth + c(leaf samples) - 1) / c(max_samples), with the tree's
    feature indices mapped through estimators_features_. Returns the document."""
    from sklearn.ensemble._iforest import _average_path_length
    normaliser = float(_average_path_length([model.max_samples_])[0])
    trees = []
    for estimator, features, depths, path_lengths in zip(
            model.estimators_, model.estimators_features_, model._decision_path_lengths,
            model._average_path_length_per_tree):
        t = estimator.tree_
        leaf = t.children_left == -1
        missing = getattr(t, "missing_go_to_left", np.zeros(t.node_count, dtype=np.uint8))
        values = -(depths + path_lengths - 1.0) / normaliser
        trees.append({
            "left": [int(v) for v in t.children_left],
            "right": [int(v) for v in t.children_right],
            "feature": [int(features[v]) if not is_leaf else -1 for v, is_leaf in zip(t.feature, leaf)],
            "threshold": [None if np.isposinf(v) and not is_leaf else (float(v) if not is_leaf else 0.0)
                          for v, is_leaf in zip(t.threshold, leaf)],
            "missing_left": [int(v) for v in missing],
            "value": [float(v) if is_leaf else 0.0 for v, is_leaf in zip(values, leaf)],
        })
    document = {"format": "riskd-json", "format_version": 1, "model_type": "forest", "task": "binary",
                "feature_names": [str(n) for n in feature_names], "forest": {"aggregation": "mean", "trees": trees}}
    with open(path, "w") as handle:
        json.dump(document, handle, separators=(",", ":"), allow_nan=False)
    return document
