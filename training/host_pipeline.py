"""Host CPU anomaly model from NAB: supervised random forest vs unsupervised isolation forest, both served by
riskd's forest engine, compared by leave-one-host-out evaluation with NAB's standard-profile scoring.

Pre-registered criterion (also in training/README.md): ship the mode with the higher NAB normalised score over
the 11 CPU files, each file scored by a model that never saw it (supervised: trained on the other 10 files'
labels; unsupervised: fitted on the other 10 files without labels), after Venn-Abers calibration cross-fitted
by file and one corpus-wide threshold as NAB's optimiser chooses it. A tie goes to the higher out-of-fold ROC
AUC.
"""
from __future__ import annotations

import os

import numpy as np

import evaluation as ev
import nab_data as nd
import nab_score as ns
from calibration import VennAbers
from riskd_export import export_isolation_forest, export_sklearn_model

SEED = 20140214
Z = 1.6448536269514722
MAX_CAL_POINTS = 4000


def make(mode: str):
    if mode == "supervised_random_forest":
        from sklearn.ensemble import RandomForestClassifier
        return RandomForestClassifier(n_estimators=40, max_depth=8, min_samples_leaf=50, max_features=0.5,
                                      max_samples=0.2, random_state=SEED, n_jobs=2)
    from sklearn.ensemble import IsolationForest
    return IsolationForest(n_estimators=100, max_samples=256, random_state=SEED)


def fit(mode: str, frame):
    usable = frame.dropna(subset=nd.NAMES)  # the first rows of a series lack slope / stddev
    model = make(mode)
    if mode == "supervised_random_forest":
        return model.fit(usable[nd.NAMES].values, usable.label.values)
    return model.fit(usable[nd.NAMES].values)


def raw_scores(mode: str, model, frame) -> np.ndarray:
    X = frame[nd.NAMES].values
    if mode == "supervised_random_forest":
        model.set_params(n_jobs=1)  # tree outputs added in tree order, like riskd
        return model.predict_proba(X)[:, 1]
    # log2 of sklearn's anomaly score = the exported forest's output. sklearn's isolation forest takes no NaN;
    # only the first rows of a series (inside NAB's probationary period) have missing features.
    return np.log2(-model.score_samples(np.nan_to_num(X, nan=0.0)))


def design_effect(frame) -> float:
    from disk_pipeline import design_effect as clustered
    day = (frame.timestamp // 86400).astype(int).astype(str)
    return clustered(frame.file + "/" + day, frame.label)


def leave_one_host_out(rows, mode: str) -> np.ndarray:
    out = np.empty(len(rows))
    for name in nd.FILES:
        m = (rows.file == name).values
        out[m] = raw_scores(mode, fit(mode, rows[~m]), rows[m])
    return out


def crossfit_calibration(rows, scores, deff):
    """Each file's calibrated risk from Venn-Abers fitted on the other files' out-of-fold scores."""
    out = {k: np.empty(len(rows)) for k in ("p0", "p1", "p", "lower", "upper")}
    rng = np.random.RandomState(SEED)
    for name in nd.FILES:
        m = (rows.file == name).values
        pool = np.flatnonzero(~m)
        keep = np.sort(rng.choice(pool, size=min(MAX_CAL_POINTS, len(pool)), replace=False))
        va = VennAbers(scores[keep], rows.label.values[keep], 1.0, Z, deff)
        for k, v in va.calibrate_many(scores[m]).items():
            out[k][m] = v
    return out


def nab_evaluate(rows, risk, data_dir) -> dict:
    files = {}
    for name in nd.FILES:
        m = (rows.file == name).values
        window, weight, scored = ns.row_weights(rows.timestamp.values[m], nd.windows_of(data_dir, name))
        files[name] = (risk[m], window, weight, scored)
    result = ns.corpus(files)
    published = {}
    for detector, per_file in ns.PUBLISHED.items():
        published[detector] = {"per_file": per_file, **ns.normalise(per_file, files)}
    return {"ours": result, "published": published}


def run(data_dir: str, out_dir: str) -> dict:
    rows = nd.load(data_dir)
    deff = design_effect(rows)
    modes = ("supervised_random_forest", "unsupervised_isolation_forest")
    results = {}
    for mode in modes:
        oof = leave_one_host_out(rows, mode)
        calibrated = crossfit_calibration(rows, oof, deff)
        results[mode] = {
            "oof_scores": oof, "calibrated": calibrated,
            "nab": nab_evaluate(rows, calibrated["p"], data_dir),
            "rows": ev.bootstrap_by_drive(rows.file, rows.label, calibrated["p"], np.ones(len(rows)), SEED),
        }
        print(f"{mode}: NAB normalised {results[mode]['nab']['ours']['normalised']:.1f}, ROC AUC "
              f"{results[mode]['rows'].get('roc_auc', float('nan')):.3f}", flush=True)
    chosen = max(modes, key=lambda k: (results[k]["nab"]["ours"]["normalised"], results[k]["rows"]["roc_auc"]))
    print(f"host model chosen by the pre-registered criterion: {chosen}", flush=True)

    os.makedirs(out_dir, exist_ok=True)
    model = fit(chosen, rows)
    if chosen == "supervised_random_forest":
        export_sklearn_model(model, nd.NAMES, os.path.join(out_dir, "model.riskd.json"))
    else:
        export_isolation_forest(model, nd.NAMES, os.path.join(out_dir, "model.riskd.json"))
    oof = results[chosen]["oof_scores"]
    keep = np.sort(np.random.RandomState(SEED + 1).choice(len(rows), size=MAX_CAL_POINTS, replace=False))
    coverage = ev.coverage_cells(rows.label.values, np.ones(len(rows)), results[chosen]["calibrated"]["p"],
                                 results[chosen]["calibrated"]["lower"], results[chosen]["calibrated"]["upper"],
                                 Z, deff)
    coverage["summary"] = {"deciles": coverage["summary"](coverage["deciles"], 0.9),
                           "interval_cells": coverage["summary"](coverage["interval_cells"], 0.9)}
    tiers = {"l1": {"risk": 0.5}, "l3": {"lower": 0.8}}
    return {"rows": rows, "results": results, "chosen": chosen, "model": model, "design_effect": deff, "tiers": tiers,
            "cal_index": keep, "cal_scores": oof[keep], "cal_labels": rows.label.values[keep],
            "coverage": coverage, "base_rate": float(rows.label.mean())}
