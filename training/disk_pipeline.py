"""Fit, choose, export, calibrate and evaluate the disk-failure model; returns everything the manifest and the
model card need. Split and row semantics: disk_data.py; families and the choice rule: model_search.py."""
from __future__ import annotations

import os

import numpy as np

import backblaze as bb
import disk_data as dd
import evaluation as ev
import model_search as ms
from calibration import VennAbers

NOMINAL = 0.9
Z = 1.6448536269514722  # two-sided 90 %
# Tier policy on the population scale, chosen on cross-fitted calibration outputs: l1 (ticket) = the lowest risk
# whose alerts were right at least 1 time in 10; l3 (page) = the lowest interval LOWER bound right 1 in 2.
L1_PRECISION = 0.1
L3_PRECISION = 0.5
FALLBACK_RULES = [("smart_197_raw_last_1d", "pending (unstable) sectors present"),
                  ("smart_5_raw_last_1d", "reallocated sectors present")]


def export(family: str, model, out_dir: str):
    """Writes the artifact riskd loads natively; returns (file, format, native raw scorer)."""
    names = dd.NAMES
    if family == "xgboost":
        import xgboost as xgb
        booster = model.get_booster().copy()
        booster.feature_names = names
        booster.save_model(os.path.join(out_dir, "model.json"))
        native = xgb.Booster()
        native.load_model(os.path.join(out_dir, "model.json"))
        return "model.json", "xgboost-json", lambda X: native.predict(
            xgb.DMatrix(X[names].values, feature_names=names, missing=np.nan)).astype(float)
    from riskd_export import export_sklearn_model
    export_sklearn_model(model, names, os.path.join(out_dir, "model.riskd.json"))
    return "model.riskd.json", "riskd-json", lambda X: ms.predict(model, X[names])


def design_effect(entities, y) -> float:
    """Variance of the slice's failure rate under resampling of drives over its binomial variance (>= 1)."""
    entities, y = np.asarray(entities), np.asarray(y, dtype=float)
    codes = np.unique(entities, return_inverse=True)[1]
    n_c = np.bincount(codes).astype(float)
    y_c = np.bincount(codes, weights=y)
    r = y.sum() / len(y)
    clusters = len(n_c)
    cluster_var = clusters / (clusters - 1) * np.sum((y_c - r * n_c) ** 2) / len(y) ** 2
    binomial_var = r * (1 - r) / len(y)
    return float(max(1.0, cluster_var / binomial_var))


def negative_weight(frame) -> float:
    """The prior correction: mean inverse sampling probability of negatives over that of positives."""
    y, w = frame.label.values, frame.weight.values
    return float(w[y == 0].mean() / w[y == 1].mean())


def crossfit(cal, scores, deff, folds=5):
    """Calibration outputs on the calibration slice itself, each drive's rows calibrated on the other drives."""
    drives = np.array(sorted(cal.entity.unique()))
    fold_of = dict(zip(np.random.RandomState(dd.SEED).permutation(drives), np.arange(len(drives)) % folds))
    fold = cal.entity.map(fold_of).values
    out = {k: np.empty(len(cal)) for k in ("p0", "p1", "p", "lower", "upper")}
    for f in range(folds):
        m = fold == f
        va = VennAbers(scores[~m], cal.label.values[~m], negative_weight(cal), Z, deff)
        for k, v in va.calibrate_many(scores[m]).items():
            out[k][m] = v
    return out


def weighted_precision(y, w, flag):
    return float(np.sum(w[flag] * y[flag]) / np.sum(w[flag])) if flag.any() else None


def tier_choice(cal, c):
    y, w = cal.label.values, cal.weight.values
    grid = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
    l1 = next((r for r in grid if (c["p"] >= r).any() and weighted_precision(y, w, c["p"] >= r) >= L1_PRECISION),
              grid[-1])
    l3 = next((r for r in (0.05, 0.1, 0.2, 0.3, 0.5) if r > l1 and (c["lower"] >= r).any()
               and weighted_precision(y, w, c["lower"] >= r) >= L3_PRECISION), 0.5)
    return {"l1": {"risk": l1}, "l3": {"lower": l3}}


def tier_report(frame, p, lower, tiers):
    y, w = frame.label.values, frame.weight.values
    out = {}
    for name, flag in (("l1", p >= tiers["l1"]["risk"]), ("l3", lower >= tiers["l3"]["lower"])):
        out[name] = {"alerts": int(flag.sum()), "precision": weighted_precision(y, w, flag),
                     "recall": float(np.sum(w[flag] * y[flag]) / np.sum(w * y))}
    return out


def fallback(train):
    y, w = train.label.values, train.weight.values
    rules = []
    for feat, reason in FALLBACK_RULES:
        m = train[feat].values > 0
        rate = float(np.sum(w[m] * y[m]) / np.sum(w[m]))
        rules.append({"feature": feat, "op": ">", "value": 0, "risk": round(rate, 5),
                      "reason": f"{reason} (population failure-within-7d rate {rate:.4f} in training, n={int(m.sum())})"})
    base = float(np.sum(w * y) / np.sum(w))
    return {"rules": rules, "default_risk": round(base, 5)}, base


OTHER_FILES = {"seagate_ST8000DM002_2019": "seagate_ST8000DM002_2019_lastday_raw.csv",
               "toshiba_MQ01ABF050_2019": "toshiba_MQ01ABF050_2019_last10days_raw.csv"}


def other_files(model, data_dir: str) -> dict:
    """Ranking on the 2019 extracts (one vector per drive as of its last day; label = the drive failed / was
    relabelled failing): the model's raw score against the simple SMART rule (reallocated + pending sectors)."""
    import pandas as pd
    from sklearn.metrics import roc_auc_score
    out = {}
    for name, file in OTHER_FILES.items():
        path = os.path.join(data_dir, file)
        X = bb.snapshot_features(path, dd.FEATURES)
        failed = pd.read_csv(path, dtype={"serial_number": str}).groupby("serial_number").failure.max().sort_index()
        y = failed.values.astype(int)
        frame = pd.DataFrame(X, columns=dd.NAMES)
        rule = np.nan_to_num(frame.smart_5_raw_last_1d.values) + np.nan_to_num(frame.smart_197_raw_last_1d.values)
        out[name] = {"drives": int(len(y)), "failing": int(y.sum()),
                     "roc_auc_model": float(roc_auc_score(y, ms.predict(model, frame))),
                     "roc_auc_smart_rule": float(roc_auc_score(y, rule))}
    return out


def run(panel: bb.Panel, rows, out_dir: str) -> dict:
    train, cal, test, bounds, excluded = dd.split(panel, rows)
    names = dd.NAMES
    folds = dd.cv_folds(train, bounds["train"][1])
    search = ms.search(folds, names, dd.SEED)
    chosen = ms.choose(search)
    print(f"chosen by the pre-registered criterion: {chosen}", flush=True)

    fallback_policy, base_rate = fallback(train)
    fitted = {f: ms.make(f, search[f]["params"], dd.SEED).fit(train[names], train.label) for f in search}
    test_raw = {f: ev.bootstrap_by_drive(test.entity, test.label, ms.predict(m, test[names]), test.weight,
                                         dd.SEED) for f, m in fitted.items()}
    os.makedirs(out_dir, exist_ok=True)
    artifact, fmt, raw = export(chosen, fitted[chosen], out_dir)
    cal_s, test_s = raw(cal), raw(test)
    assert np.allclose(test_s, ms.predict(fitted[chosen], test[names]), atol=1e-6)

    deff = design_effect(cal.entity, cal.label)
    neg_w = negative_weight(cal)
    va = VennAbers(cal_s, cal.label.values, neg_w, Z, deff)
    out = va.calibrate_many(test_s)
    calibrated = ev.bootstrap_by_drive(test.entity, test.label, out["p"], test.weight, dd.SEED, baseline_rate=base_rate)
    test_deff = design_effect(test.entity, test.label)
    coverage = ev.coverage_cells(test.label.values, test.weight.values, out["p"], out["lower"], out["upper"], Z,
                                 test_deff)
    coverage["test_design_effect"] = test_deff
    coverage["summary"] = {"deciles": coverage["summary"](coverage["deciles"], NOMINAL),
                           "interval_cells": coverage["summary"](coverage["interval_cells"], NOMINAL)}
    tiers = tier_choice(cal, crossfit(cal, cal_s, deff))
    return {
        "train": train, "cal": cal, "test": test, "bounds": bounds, "excluded": excluded, "folds": folds,
        "search": search, "chosen": chosen, "model": fitted[chosen], "artifact": artifact, "format": fmt,
        "cal_scores": cal_s, "test_scores": test_s, "design_effect": deff, "negative_weight": neg_w, "calibrator": va, "test_out": out,
        "test_raw": test_raw, "test_calibrated": calibrated, "coverage": coverage, "tiers": tiers,
        "tier_report": {"test": tier_report(test, out["p"], out["lower"], tiers)},
        "fallback": fallback_policy, "base_rate": base_rate,
        "groups": {"vendor": ev.group_table(test.vendor, test.label, out["p"], test.weight),
                   "drive_model": ev.group_table(test.drive_model, test.label, out["p"], test.weight)},
    }
