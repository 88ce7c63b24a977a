#!/usr/bin/env python3
"""Train riskd's bundled default model: Backblaze drive failure within 7 days.

python3 training/train.py --data /work/shared/data/backblaze --out models

Rows: one per (drive, as-of day T) where the drive reported on T, T is before its failure day, and
T + horizon is inside the panel (label fully observed). Features come from the long-format telemetry
through riskd_features.py (the same semantics riskd's Swift Features module implements), using only
points with t <= T. Label = failure in (T, T + 7 days].

Time-based scheme (by as-of date; a purge of one horizon between fit and later slices so no training
label looks into a later slice):
  train  T in [first, TRAIN_END]          -> model fit (and expanding-window CV for model choice)
  cal    T in [TRAIN_END + 7d, CAL_END]   -> Venn-Abers calibration scores, tier choice
  test   T in [CAL_END + 1d, last - 7d]   -> final evaluation only
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backblaze as bb  # noqa: E402
from riskd_features import FeatureSpec, entities_from_long  # noqa: E402

SEED = 20130410
DAY = bb.DAY
H = bb.HORIZON_SECONDS
METRICS = ["smart_1_raw", "smart_5_raw", "smart_9_raw", "smart_194_raw", "smart_197_raw"]
W1, W7, W30 = 1 * DAY, 7 * DAY, 30 * DAY
FEATURES = [
    FeatureSpec("smart_5_raw_last_1d", "smart_5_raw", "last", W1),
    FeatureSpec("smart_5_raw_delta_7d", "smart_5_raw", "delta", W7),
    FeatureSpec("smart_5_raw_delta_30d", "smart_5_raw", "delta", W30),
    FeatureSpec("smart_5_raw_max_30d", "smart_5_raw", "max", W30),
    FeatureSpec("smart_197_raw_last_1d", "smart_197_raw", "last", W1),
    FeatureSpec("smart_197_raw_delta_7d", "smart_197_raw", "delta", W7),
    FeatureSpec("smart_197_raw_max_30d", "smart_197_raw", "max", W30),
    FeatureSpec("smart_1_raw_last_1d", "smart_1_raw", "last", W1),
    FeatureSpec("smart_1_raw_slope_7d", "smart_1_raw", "slope", W7),
    FeatureSpec("smart_9_raw_last_1d", "smart_9_raw", "last", W1),
    FeatureSpec("smart_194_raw_last_1d", "smart_194_raw", "last", W1),
    FeatureSpec("smart_194_raw_max_7d", "smart_194_raw", "max", W7),
    FeatureSpec("smart_194_raw_mean_30d", "smart_194_raw", "mean", W30),
]
NAMES = [f.name for f in FEATURES]
MAX_CAL_POINTS = 2000
# Tier policy: l1 (ticket) = lowest calibrated risk whose alerts were right at least 1 time in 4 on the held-out
# calibration slice; l3 (page) = lowest interval LOWER bound whose alerts were right at least 7 times in 10.
L1_PRECISION = 0.25
L3_PRECISION = 0.7
FALLBACK_RULES = [("smart_197_raw_last_1d", "pending (unstable) sectors present"),
                  ("smart_5_raw_last_1d", "reallocated sectors present")]


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d")


def build_rows(panel: bb.Panel) -> pd.DataFrame:
    ents = entities_from_long(panel.long[["entity", "metric", "timestamp", "value"]].itertuples(index=False))
    last_asof = panel.last_day - H
    recs = []
    for e in sorted(ents):
        series = ents[e]
        fail = panel.failure_time.get(e)
        for t in panel.row_times[e]:
            if t > last_asof or (fail is not None and t >= fail):
                continue
            recs.append([e, t, bb.label(fail, t)] + series.features(FEATURES, t))
    return pd.DataFrame(recs, columns=["entity", "as_of", "label"] + NAMES)


def make_models():
    import lightgbm as lgb
    import xgboost as xgb
    from sklearn.ensemble import RandomForestClassifier
    return {
        "random_forest": lambda: RandomForestClassifier(n_estimators=200, max_depth=6, min_samples_leaf=5,
                                                         random_state=SEED, n_jobs=2),
        "xgboost": lambda: xgb.XGBClassifier(n_estimators=200, max_depth=3, learning_rate=0.03, subsample=0.8,
                                             colsample_bytree=0.8, min_child_weight=20, reg_lambda=1.0,
                                             objective="binary:logistic", eval_metric="logloss",
                                             random_state=SEED, n_jobs=2, tree_method="hist"),
        "lightgbm": lambda: lgb.LGBMClassifier(n_estimators=150, max_depth=4, num_leaves=16, learning_rate=0.05,
                                               subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
                                               min_child_samples=20, random_state=SEED, n_jobs=2,
                                               deterministic=True, force_row_wise=True, verbose=-1),
    }


def scores(y, p) -> dict:
    from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
    y = np.asarray(y)
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    out = {"n": int(len(y)), "positives": int(y.sum()), "brier": float(brier_score_loss(y, p)),
           "log_loss": float(log_loss(y, p, labels=[0, 1]))}
    if 0 < y.sum() < len(y):
        out["pr_auc"] = float(average_precision_score(y, p))
        out["roc_auc"] = float(roc_auc_score(y, p))
    return out


def predict_raw(model, X: pd.DataFrame) -> np.ndarray:
    return model.predict_proba(X)[:, 1]


def venn_abers(cal_s, cal_y, test_s):
    import warnings
    from venn_abers import VennAbers
    warnings.filterwarnings("ignore", message="All-NaN slice encountered")  # benign, inside venn_abers
    va = VennAbers()
    va.fit(np.column_stack([1 - cal_s, cal_s]), np.asarray(cal_y))
    p_prime, p0p1 = va.predict_proba(np.column_stack([1 - test_s, test_s]))
    return p0p1[:, 0], p0p1[:, 1], p_prime[:, 1]


def crossfit_venn_abers(s, y, folds=5):
    """Honest Venn-Abers outputs on the calibration slice itself (each fold calibrated on the others)."""
    rng = np.random.RandomState(SEED)
    fold = rng.permutation(len(s)) % folds
    p0, p1, p = np.empty(len(s)), np.empty(len(s)), np.empty(len(s))
    for k in range(folds):
        m = fold == k
        p0[m], p1[m], p[m] = venn_abers(s[~m], y[~m], s[m])
    return p0, p1, p


def calibration_table(y, p0, p1, p, bins=(0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 1.0000001)):
    rows = []
    idx = np.digitize(p, bins) - 1
    for b in range(len(bins) - 1):
        m = idx == b
        if not m.any():
            continue
        obs = float(np.mean(y[m]))
        lo, hi = float(np.mean(p0[m])), float(np.mean(p1[m]))
        rows.append({"bin": [bins[b], min(bins[b + 1], 1.0)], "n": int(m.sum()), "positives": int(y[m].sum()),
                     "mean_p": float(np.mean(p[m])), "mean_p0": lo, "mean_p1": hi, "observed": obs,
                     "observed_in_interval": bool(lo <= obs <= hi)})
    return rows


def precision_recall_at(y, flag):
    n = int(flag.sum())
    tp = int(y[flag].sum())
    return {"alerts": n, "alert_fraction": n / len(y), "precision": (tp / n) if n else None,
            "recall": tp / max(int(y.sum()), 1)}


def reference_block(values: np.ndarray, rng, k=10, with_sample=True) -> dict:
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return {"edges": [0.0, 1.0], "proportions": [0.0], "mean": 0.0, "std": 0.0, "sample": []}
    edges = np.unique(np.quantile(v, np.linspace(0, 1, k + 1)))
    if len(edges) < 2:
        edges = np.array([edges[0], edges[0] + 1.0])
    counts, _ = np.histogram(v, bins=edges)
    out = {"edges": [float(x) for x in edges], "proportions": [float(c) / len(v) for c in counts],
           "mean": float(np.mean(v)), "std": float(np.std(v))}
    if with_sample:
        out["sample"] = [float(x) for x in rng.choice(v, size=min(300, len(v)), replace=False)]
    return out


def finite_or_none(x):
    return float(x) if np.isfinite(x) else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="disk-failure")
    ap.add_argument("--version", default="1")
    args = ap.parse_args()
    t0 = time.time()
    import lightgbm as lgb
    import sklearn
    import xgboost as xgb
    import venn_abers as va_pkg

    path = os.path.join(args.data, bb.PANEL)
    panel = bb.load_panel(path, METRICS)
    rows = build_rows(panel)
    print(f"rows {len(rows)} positives {int(rows.label.sum())} drives {rows.entity.nunique()} "
          f"({time.time() - t0:.1f}s)", flush=True)

    first = panel.first_day
    last_asof = panel.last_day - H
    train_end = first + 14 * DAY                  # 2013-04-24
    cal_start, cal_end = train_end + H, train_end + H + 5 * DAY  # 2013-05-01 .. 05-06
    test_start = cal_end + DAY                    # 2013-05-07 .. 05-12
    train = rows[rows.as_of <= train_end]
    cal = rows[(rows.as_of >= cal_start) & (rows.as_of <= cal_end)]
    test = rows[(rows.as_of >= test_start) & (rows.as_of <= last_asof)]
    for n, d in (("train", train), ("cal", cal), ("test", test)):
        print(f"{n}: {iso(d.as_of.min())}..{iso(d.as_of.max())} rows {len(d)} pos {int(d.label.sum())} "
              f"failing drives {d[d.label == 1].entity.nunique()}", flush=True)

    # Expanding-window CV on the pre-test period for model choice: fit on T <= v - H, validate T in [v, v+4d].
    models = make_models()
    cv_folds = []
    for v in (first + 14 * DAY, first + 18 * DAY, first + 22 * DAY):
        fit = rows[rows.as_of <= v - H]
        val = rows[(rows.as_of >= v) & (rows.as_of <= min(v + 3 * DAY, cal_end))]
        cv_folds.append((fit, val, f"fit<= {iso(v - H)} val {iso(v)}..{iso(min(v + 3 * DAY, cal_end))}"))
    cv = {}
    for name, make in models.items():
        per = []
        for fit, val, desc in cv_folds:
            m = make().fit(fit[NAMES], fit.label)
            s = scores(val.label.values, predict_raw(m, val[NAMES]))
            s["fold"] = desc
            per.append(s)
        cv[name] = {"folds": per, "mean_pr_auc": float(np.mean([p["pr_auc"] for p in per])),
                    "mean_brier": float(np.mean([p["brier"] for p in per])),
                    "mean_log_loss": float(np.mean([p["log_loss"] for p in per]))}
        print(f"CV {name}: PR-AUC {cv[name]['mean_pr_auc']:.4f} Brier {cv[name]['mean_brier']:.5f} "
              f"logloss {cv[name]['mean_log_loss']:.4f}", flush=True)
    best_overall = max(cv, key=lambda k: cv[k]["mean_pr_auc"])
    # Export: the natively loadable GBT (xgboost-json / lightgbm-text) with the lowest CV log-loss -- a proper
    # scoring rule, and the calibrated probability is what riskd serves; PR-AUC differences between the GBTs
    # are within fold-to-fold noise (about 15 failing drives per fold).
    chosen = min(("xgboost", "lightgbm"), key=lambda k: cv[k]["mean_log_loss"])
    print(f"best by CV PR-AUC: {best_overall}; exported (native riskd format): {chosen}", flush=True)

    # Final fit on the train slice; every model also evaluated on test for the report.
    test_raw = {}
    fitted = {}
    for name, make in models.items():
        fitted[name] = make().fit(train[NAMES], train.label)
        test_raw[name] = scores(test.label.values, predict_raw(fitted[name], test[NAMES]))
    model = fitted[chosen]

    out_dir = os.path.join(args.out, args.name, args.version)
    os.makedirs(out_dir, exist_ok=True)
    if chosen == "xgboost":
        booster = model.get_booster().copy()  # the sklearn wrapper keeps names off its booster
        booster.feature_names = NAMES
        artifact, fmt = "model.json", "xgboost-json"
        booster.save_model(os.path.join(out_dir, artifact))
        native = xgb.Booster()
        native.load_model(os.path.join(out_dir, artifact))
        raw = lambda X: native.predict(xgb.DMatrix(X[NAMES].values, feature_names=NAMES, missing=np.nan))
    else:
        artifact, fmt = "model.txt", "lightgbm-text"
        model.booster_.save_model(os.path.join(out_dir, artifact))
        native = lgb.Booster(model_file=os.path.join(out_dir, artifact))
        raw = lambda X: native.predict(X[NAMES].values)
    for other in ("model.json", "model.txt"):
        if other != artifact and os.path.exists(os.path.join(out_dir, other)):
            os.remove(os.path.join(out_dir, other))
    assert np.allclose(raw(test), predict_raw(model, test[NAMES]), atol=1e-6)

    # Calibration slice: raw scores of the saved artifact; at most MAX_CAL_POINTS (uniform subsample
    # keeps the base rate, which Venn-Abers needs to stay calibrated).
    rng = np.random.RandomState(SEED)
    cal_s_all, cal_y_all = raw(cal), cal.label.values.astype(int)
    keep = np.sort(rng.choice(len(cal), size=min(MAX_CAL_POINTS, len(cal)), replace=False))
    cal_s, cal_y = cal_s_all[keep], cal_y_all[keep]
    test_s, test_y = raw(test), test.label.values.astype(int)
    p0, p1, p = venn_abers(cal_s, cal_y, test_s)
    p0f, p1f, pf = venn_abers(cal_s_all, cal_y_all, test_s)
    test_metrics = {"raw": scores(test_y, test_s), "venn_abers": scores(test_y, p),
                    "venn_abers_full_cal": scores(test_y, pf),
                    "mean_interval_width": float(np.mean(p1 - p0)),
                    "calibration_bins": calibration_table(test_y, p0, p1, p)}
    bins = test_metrics["calibration_bins"]
    test_metrics["bins_observed_in_interval"] = f"{sum(b['observed_in_interval'] for b in bins)}/{len(bins)}"
    print("test raw", test_metrics["raw"], "\ntest VA", test_metrics["venn_abers"], flush=True)
    for b in bins:
        print("  ", b, flush=True)

    # Tiers from the calibration slice (cross-fitted VA so the choice is honest), checked on test.
    c0, c1, cp = crossfit_venn_abers(cal_s, cal_y)
    l1 = next((r for r in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
               if (cp >= r).any() and cal_y[cp >= r].mean() >= L1_PRECISION), 0.3)
    l3 = next((r for r in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
               if (c0 >= r).any() and cal_y[c0 >= r].mean() >= L3_PRECISION and r > l1), max(0.6, l1 + 0.1))
    tiers = {"l1": {"risk": l1}, "l3": {"lower": l3}}
    tier_eval = {"calibration_slice": {"l1": precision_recall_at(cal_y, cp >= l1), "l3": precision_recall_at(cal_y, c0 >= l3)},
                 "test": {"l1": precision_recall_at(test_y, p >= l1), "l3": precision_recall_at(test_y, p0 >= l3)}}
    print("tiers", tiers, json.dumps(tier_eval), flush=True)

    # Fallback rules: empirical failure rate (label rate) in the training rows.
    rules, matched = [], np.zeros(len(train), dtype=bool)
    for feat, reason in FALLBACK_RULES:
        m = (train[feat].values > 0) & ~matched
        rate = float(train.label.values[train[feat].values > 0].mean())
        rules.append({"feature": feat, "op": ">", "value": 0, "risk": round(rate, 4),
                      "reason": f"{reason} (training failure-within-7d rate {rate:.3f}, n={int((train[feat].values > 0).sum())})"})
        matched |= m
    base_rate = float(train.label.mean())
    clean_rate = float(train.label.values[~matched].mean())

    ref_rng = np.random.RandomState(SEED + 1)
    reference = {"features": {n: reference_block(train[n].values.astype(float), ref_rng) for n in NAMES},
                 "score": reference_block(cal_s_all, ref_rng, with_sample=False)}
    training_range = {n: {"min": finite_or_none(np.nanmin(train[n].values)),
                          "max": finite_or_none(np.nanmax(train[n].values))} for n in NAMES}
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    except OSError:
        commit = "unknown"
    manifest = {
        "schema_version": 1,
        "description": "Backblaze drive failure within 7 days (2013 SMART panel; features from daily SMART snapshots)",
        "task": "binary",
        "horizon_seconds": H,
        "artifact": {"file": artifact, "format": fmt, "sha256": bb.sha256_file(os.path.join(out_dir, artifact))},
        "features": [f.to_json() for f in FEATURES],
        "min_feature_fraction": 0.5,
        "calibration": {"method": "venn_abers", "scores": [float(x) for x in cal_s], "labels": [int(x) for x in cal_y]},
        "training_range": training_range,
        "reference": reference,
        "tiers": tiers,
        "fallback": {"rules": rules, "default_risk": round(base_rate, 4)},
        "lineage": {
            "training_data": f"backblaze/{bb.PANEL} (Backblaze Hard Drive Test Data, derived panel; see data README)",
            "training_data_sha256": bb.sha256_file(path),
            "code_version": commit,
            "trained_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "cv_scheme": ("rows = (drive, as-of day T), label = failure in (T, T+7d]; features use points t <= T only. "
                          f"train T {iso(train.as_of.min())}..{iso(train_end)}; purge 7d; calibration T "
                          f"{iso(cal_start)}..{iso(cal_end)}; test T {iso(test_start)}..{iso(last_asof)}. Model choice by "
                          "expanding-window CV on the pre-test period (fit T <= v-7d, validate T in [v, v+3d]). "
                          "Same drives appear in several slices (entity overlap); a failed drive has no rows after failing."),
            "model_choice": {"best_by_cv_pr_auc": best_overall, "exported": chosen,
                             "reason": "lowest CV log-loss among the GBTs riskd loads natively (xgboost-json, lightgbm-text); sklearn RF is reported for comparison but has no native riskd format"},
            "metrics": {"cv": cv, "test_raw_all_models": test_raw, "test": test_metrics, "tiers": tier_eval,
                        "fallback": {"base_rate": base_rate, "rate_no_rule_matched": clean_rate},
                        "rows": {"train": len(train), "calibration": len(cal), "calibration_kept": len(cal_s),
                                 "test": len(test)}},
            "libraries": {"xgboost": xgb.__version__, "lightgbm": lgb.__version__, "scikit-learn": sklearn.__version__,
                          "numpy": np.__version__, "pandas": pd.__version__,
                          "venn-abers": getattr(va_pkg, "__version__", "1.5.4"), "python": sys.version.split()[0]},
            "seed": SEED,
        },
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, allow_nan=False)
        fh.write("\n")
    print(f"wrote {out_dir} ({time.time() - t0:.1f}s)", flush=True)


if __name__ == "__main__":
    main()
