"""Reference distributions and retraining-trigger thresholds that don't cry wolf.

The service (Sources/Monitoring/Drift) fires a retraining trigger when, over its window of recent predictions
(at least `min_samples`), any feature's PSI or |mean shift %| against the manifest's reference exceeds its
threshold. Fixed defaults (PSI 0.2, 10 %) fire on in-distribution data for skewed SMART features, so the
thresholds here are calibrated per feature: draw many in-distribution samples of exactly `min_samples` rows
from the reference population, compute the service's statistics on each (same binning, epsilon and NaN
rules as DriftStatistics.swift / FeatureDrift.swift), and pick one common quantile level so that the
chance that *any* statistic breaches is at most the target false-alarm rate. A fresh bootstrap and held-out
drives check the rate.
"""
from __future__ import annotations

import numpy as np

PSI_EPSILON = 1e-4  # DriftStatistics.psiEpsilon
MIN_SAMPLES = 200
TARGET_FALSE_ALARM = 0.01
CALIBRATION_DRAWS = 4000
CHECK_DRAWS = 2000
FLOORS = [0.2, 10.0]  # RetrainingTriggerPolicy defaults: PSI, mean shift %


def population_sample(frame, names, size: int, seed: int) -> np.ndarray:
    """Rows drawn with probability proportional to their inverse-sampling weight: what the fleet looks like."""
    rng = np.random.RandomState(seed)
    w = frame.weight.values / frame.weight.values.sum()
    return frame[names].values[rng.choice(len(frame), size=size, replace=True, p=w)].astype(float)


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


def statistics(samples: np.ndarray, reference: dict) -> tuple[np.ndarray, np.ndarray]:
    """PSI and |mean shift %| of each row of `samples` (draws x n values of one feature) against `reference`;
    NaN values are skipped, an all-missing sample has no statistic (0 here: it cannot breach)."""
    edges = np.asarray(reference["edges"])
    p = np.maximum(np.asarray(reference["proportions"]), PSI_EPSILON)
    k = len(edges) - 1
    finite = np.isfinite(samples)
    n = finite.sum(axis=1)
    bins = np.clip(np.searchsorted(edges, np.where(finite, samples, edges[0]), side="right") - 1, 0, k - 1)
    counts = np.zeros((samples.shape[0], k))
    for b in range(k):
        counts[:, b] = np.sum(finite & (bins == b), axis=1)
    q = np.maximum(counts / np.maximum(n, 1)[:, None], PSI_EPSILON)
    psi = np.where(n > 0, np.sum((q - p) * np.log(q / p), axis=1), 0.0)
    mean = np.where(n > 0, np.nansum(np.where(finite, samples, 0.0), axis=1) / np.maximum(n, 1), reference["mean"])
    if reference["mean"] != 0:
        shift = np.abs(100 * (mean - reference["mean"]) / abs(reference["mean"]))
    else:
        shift = np.zeros(len(mean))  # the service reports no percent shift for a zero reference mean
    return psi, shift


def all_statistics(population: np.ndarray, references: list, draws: int, n: int, seed: int) -> np.ndarray:
    """(draws, 2 * features): PSI and |mean shift %| per feature for `draws` samples of `n` rows."""
    rng = np.random.RandomState(seed)
    idx = rng.randint(0, len(population), size=(draws, n))
    columns = []
    for j, ref in enumerate(references):
        psi, shift = statistics(population[:, j][idx], ref)
        columns += [psi, shift]
    return np.column_stack(columns)


def false_alarm_rate(stats: np.ndarray, thresholds: np.ndarray) -> float:
    return float(np.mean(np.any(stats > thresholds[None, :], axis=1)))


def threshold_vector(result: dict, names: list) -> np.ndarray:
    return np.array([v for n in names for v in (result["features"][n]["psi"],
                                                 result["features"][n]["mean_shift_percent"])])


def calibrate(population: np.ndarray, references: list, names: list, seed: int, other_drives: np.ndarray,
              held_out: np.ndarray):
    """`population`: the reference's own rows; `other_drives`: in-distribution rows of drives the reference never
    saw (half the draws come from each, so the thresholds allow for the reference's own sampling error);
    `held_out`: further unseen drives, used only to check the false-alarm rate."""
    half = CALIBRATION_DRAWS // 2
    stats = np.vstack([all_statistics(population, references, half, MIN_SAMPLES, seed),
                       all_statistics(other_drives, references, half, MIN_SAMPLES, seed + 7)])
    level = None
    for q in np.linspace(0.99, 0.99999, 200):
        thresholds = np.quantile(stats, q, axis=0)
        if false_alarm_rate(stats, thresholds) <= TARGET_FALSE_ALARM / 4:
            level = float(q)
            break
    if level is None:
        level, thresholds = 1.0, stats.max(axis=0)
    # Never more sensitive than the service's fixed defaults: a statistically detectable 1 degree C seasonal
    # temperature rise is not a reason to retrain.
    thresholds = np.maximum(thresholds, np.tile(FLOORS, len(names)))
    check = all_statistics(population, references, CHECK_DRAWS, MIN_SAMPLES, seed + 1)
    result = {
        "min_samples": MIN_SAMPLES,
        "target_false_alarm_rate": TARGET_FALSE_ALARM,
        "quantile_level": level,
        "false_alarm_rate_fresh_bootstrap": false_alarm_rate(check, thresholds),
        "features": {name: {"psi": float(thresholds[2 * j]), "mean_shift_percent": float(thresholds[2 * j + 1])}
                     for j, name in enumerate(names)},
        "method": f"{CALIBRATION_DRAWS} population-weighted bootstrap samples of {MIN_SAMPLES} rows (half from the "
                  "training drives, half from half of the other drives in the training period); one quantile level "
                  "for every PSI and |mean shift %| so that P(any breach) <= target / 4, never below "
                  f"the service defaults (PSI {FLOORS[0]}, {FLOORS[1]} %); checked on {CHECK_DRAWS} fresh samples",
    }
    result["false_alarm_rate_same_period_held_out_drives"] = false_alarm_rate(
        all_statistics(held_out, references, CHECK_DRAWS, MIN_SAMPLES, seed + 2), thresholds)
    return result
