"""Population-weighted metrics, bootstrap confidence intervals by drive, interval coverage per cell and
per-group calibration. Weights are inverse sampling probabilities, so every figure is for the fleet."""
from __future__ import annotations

import numpy as np

from calibration import to_population, wilson

BOOTSTRAP = 400


def weighted_metrics(y, p, w) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score
    y, p, w = np.asarray(y), np.asarray(p, dtype=float), np.asarray(w, dtype=float)
    observed = float(np.sum(w * y) / np.sum(w))
    predicted = float(np.sum(w * p) / np.sum(w))
    out = {"rows": int(len(y)), "positives": int(y.sum()), "observed_rate": observed, "mean_predicted": predicted,
           "calibration_in_the_large": predicted / observed if observed > 0 else None,
           "brier": float(np.sum(w * (p - y) ** 2) / np.sum(w))}
    if 0 < y.sum() < len(y):
        out["roc_auc"] = float(roc_auc_score(y, p, sample_weight=w))
        out["pr_auc"] = float(average_precision_score(y, p, sample_weight=w))
    return out


def bootstrap_by_drive(entities, y, p, w, seed: int, baseline_rate: float | None = None, b: int = BOOTSTRAP) -> dict:
    """Point metrics plus 95 % percentile intervals from resampling whole drives (rows of one drive are
    correlated, so resampling rows would understate the uncertainty)."""
    entities, y, p, w = np.asarray(entities), np.asarray(y), np.asarray(p, dtype=float), np.asarray(w, dtype=float)
    codes = np.unique(entities, return_inverse=True)[1]
    n_drives = codes.max() + 1
    rows_of = [np.flatnonzero(codes == d) for d in range(n_drives)]
    point = weighted_metrics(y, p, w)
    if baseline_rate is not None:
        point["brier_constant_base_rate"] = float(np.sum(w * (baseline_rate - y) ** 2) / np.sum(w))
    rng = np.random.RandomState(seed)
    draws = {k: [] for k in point if isinstance(point[k], float)}
    for _ in range(b):
        idx = np.concatenate([rows_of[d] for d in rng.randint(0, n_drives, n_drives)])
        if y[idx].sum() == 0:
            continue
        m = weighted_metrics(y[idx], p[idx], w[idx])
        if baseline_rate is not None:
            m["brier_constant_base_rate"] = float(np.sum(w[idx] * (baseline_rate - y[idx]) ** 2) / np.sum(w[idx]))
        for k in draws:
            if m.get(k) is not None:
                draws[k].append(m[k])
    point["ci95"] = {k: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))] for k, v in draws.items() if v}
    point["drives"] = int(n_drives)
    return point


def coverage_cells(y, w, p, lower, upper, z: float, design_effect: float, min_rows: int = 30) -> dict:
    """Coverage of the interval per risk decile and per interval cell (rows sharing one [lower, upper]).

    A cell's observed failure rate is its population-weighted label mean. `coverage` is the share of the cell's
    rows whose interval contains that rate (all rows of an interval cell share one interval, so 0 or 1).
    A decile mixes rows of different risk, and its own observed rate is a noisy estimate (a decile of 360
    drive-days may expect well under one failing drive), so deciles also get `consistent`: whether the
    decile's observed-rate Wilson interval (same z, the test slice's design effect, mapped to the population
    by the decile's weights) overlaps [mean lower, mean upper], the decile's interval for its mean risk."""
    y, w, p = np.asarray(y), np.asarray(w, dtype=float), np.asarray(p, dtype=float)
    lower, upper = np.asarray(lower), np.asarray(upper)

    def cell(mask, name):
        observed = float(np.sum(w[mask] * y[mask]) / np.sum(w[mask]))
        covered = (lower[mask] <= observed) & (observed <= upper[mask])
        k, m = float(y[mask].sum()), float((1 - y[mask]).sum())
        pos_w, neg_w = float(np.sum(w[mask] * y[mask])), float(np.sum(w[mask] * (1 - y[mask])))
        r_lo, r_hi = wilson(k / design_effect, (k + m) / design_effect, z)
        obs_lo, obs_hi = to_population(r_lo, k, m, pos_w, neg_w), to_population(r_hi, k, m, pos_w, neg_w)
        mean_lower, mean_upper = float(np.mean(lower[mask])), float(np.mean(upper[mask]))
        return {"cell": name, "rows": int(mask.sum()), "positives": int(y[mask].sum()), "observed_rate": observed,
                "observed_interval": [obs_lo, obs_hi],
                "mean_risk": float(np.sum(w[mask] * p[mask]) / np.sum(w[mask])),
                "mean_lower": mean_lower, "mean_upper": mean_upper, "coverage": float(np.mean(covered)),
                "consistent": bool(obs_lo <= mean_upper and mean_lower <= obs_hi)}

    order = np.argsort(p, kind="stable")
    deciles = []
    for d, chunk in enumerate(np.array_split(order, 10)):
        mask = np.zeros(len(y), dtype=bool)
        mask[chunk] = True
        deciles.append(cell(mask, f"decile {d + 1}"))
    pairs = {}
    for i, key in enumerate(zip(lower, upper)):
        pairs.setdefault(key, []).append(i)
    intervals = []
    for (lo, hi), idx in sorted(pairs.items()):
        mask = np.zeros(len(y), dtype=bool)
        mask[idx] = True
        intervals.append(cell(mask, f"[{lo:.3g}, {hi:.3g}]"))

    def summary(cells, nominal):
        big = [c for c in cells if c["rows"] >= min_rows]
        ok = [c for c in big if c["coverage"] >= nominal]
        consistent = [c for c in big if c["consistent"]]
        return {"cells_with_min_rows": len(big), "cells_at_or_above_nominal": len(ok),
                "fraction": len(ok) / len(big) if big else None, "consistent": len(consistent),
                "fraction_consistent": len(consistent) / len(big) if big else None}

    return {"deciles": deciles, "interval_cells": intervals, "min_rows": min_rows, "summary": summary}


def group_table(groups, y, p, w, flag_ratio: float = 1.5) -> list:
    """Per group (vendor, model family): rows, failing drives, observed vs predicted rate, ROC AUC, flag."""
    from sklearn.metrics import roc_auc_score
    groups, y, p, w = np.asarray(groups), np.asarray(y), np.asarray(p, dtype=float), np.asarray(w, dtype=float)
    out = []
    for g in sorted(set(groups)):
        m = groups == g
        observed = float(np.sum(w[m] * y[m]) / np.sum(w[m]))
        predicted = float(np.sum(w[m] * p[m]) / np.sum(w[m]))
        ratio = predicted / observed if observed > 0 else None
        flag = ""
        if ratio is None:
            flag = "no failures observed" if predicted > 0 else ""
        elif ratio > flag_ratio:
            flag = f"over-predicted {ratio:.2f}x"
        elif ratio < 1 / flag_ratio:
            flag = f"under-predicted {1 / ratio:.2f}x"
        auc = float(roc_auc_score(y[m], p[m], sample_weight=w[m])) if 0 < y[m].sum() < m.sum() else None
        out.append({"group": str(g), "rows": int(m.sum()), "positives": int(y[m].sum()), "observed_rate": observed,
                    "mean_predicted": predicted, "ratio": ratio, "roc_auc": auc, "flag": flag})
    return out
