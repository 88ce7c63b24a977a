"""NAB's scoring method, standard profile (numenta/NAB nab/sweeper.py, config/profiles.json), reimplemented
so our detectors are scored exactly as NAB scores its published reference detectors.

Per file: the first min(floor(0.15 n), 750) rows are probationary (not scored). A detection inside a labelled
window scores tp_weight * S(p) / S(-1), where p = -(right - i + 1) / width is the relative position and
S(x) = 2 / (1 + exp(5x)) - 1 (earlier = better); only a window's best detection counts and a window without one
costs fn_weight. A detection outside windows costs fp_weight * S(d) with d = |i - previous window's right end| /
(its width - 1), or fp_weight when no window precedes it. One threshold per detector for the whole corpus
(NAB's optimiser); normalised score = 100 (S - S_null) / (S_perfect - S_null), where the null detector never
detects (-fn_weight per window) and the perfect one detects every window at its first row (+tp_weight).
"""
from __future__ import annotations

import math

import numpy as np

STANDARD = {"tp_weight": 1.0, "fn_weight": 1.0, "fp_weight": 0.11}
PROBATION_PERCENT = 0.15

# Published per-file raw scores (standard profile) of NAB's reference detectors on the bundled CPU files, from
# numenta/NAB results/<detector>/<detector>_standard_scores.csv (numenta at commit 0767135, windowedGaussian at
# commit 487c0f9), each at the threshold NAB optimised for that detector on its whole 58-file corpus.
PUBLISHED = {
    "numenta (HTM)": {
        "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv": 1.38603136566,
        "realAWSCloudwatch/ec2_cpu_utilization_53ea38.csv": 1.30436980287,
        "realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv": 1.71603136566,
        "realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv": 0.807346411729,
        "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv": 0.955724313387,
        "realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv": 0.875727409493,
        "realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv": -0.44,
        "realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv": -1.12276900965,
        "realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv": -0.141984317169,
        "realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv": 1.71242101575,
        "realKnownCause/cpu_utilization_asg_misconfiguration.csv": -0.573048875912,
    },
    "windowedGaussian": {
        "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv": -1.266678759349383,
        "realAWSCloudwatch/ec2_cpu_utilization_53ea38.csv": -0.14142319611668508,
        "realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv": -2.0,
        "realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv": -1.0,
        "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv": -1.0,
        "realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv": 0.8606718242697022,
        "realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv": -1.3200000000000003,
        "realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv": 0.6387577917723906,
        "realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv": -0.13844919792440225,
        "realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv": -0.13844919792440225,
        "realKnownCause/cpu_utilization_asg_misconfiguration.csv": -1.11,
    },
}


def scaled_sigmoid(x: float) -> float:
    if x >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * x)) - 1.0


def row_weights(timestamps, limits, profile=STANDARD):
    """Per row: (window index or -1, weighted score if detected here, scored?)."""
    n = len(timestamps)
    ts = list(timestamps)
    probation = min(math.floor(PROBATION_PERCENT * n), PROBATION_PERCENT * 5000)
    max_tp = scaled_sigmoid(-1.0)
    window = np.full(n, -1)
    weight = np.zeros(n)
    current, right, width, prev_right, prev_width = None, None, None, None, None
    pending = list(limits)
    for i, t in enumerate(ts):
        if pending and t == pending[0][0]:
            current = pending.pop(0)
            right = ts.index(current[1])
            width = float(right - i + 1)
        if current is not None:
            window[i] = len(limits) - len(pending) - 1
            weight[i] = scaled_sigmoid(-(right - i + 1) / width) * profile["tp_weight"] / max_tp
        else:
            distance = 3.0 if prev_right is None else abs(prev_right - i) / float(prev_width - 1)
            weight[i] = scaled_sigmoid(distance) * profile["fp_weight"]
        if current is not None and t == current[1]:
            prev_right, prev_width, current = i, width, None
    scored = np.arange(n) >= probation
    return window, weight, scored


def file_score(scores, window, weight, scored, threshold, profile=STANDARD) -> float:
    detected = scored & (np.asarray(scores) >= threshold)
    windows = sorted(set(window[scored & (window >= 0)]))
    total = 0.0
    for w in windows:
        hits = detected & (window == w)
        total += float(weight[hits].max()) if hits.any() else -profile["fn_weight"]
    return total + float(weight[detected & (window < 0)].sum())


def corpus(files: dict, profile=STANDARD) -> dict:
    """files: name -> (scores, window, weight, scored). Best single threshold and per-file scores."""
    pooled = np.concatenate([f[0][f[3]] for f in files.values()])
    # Quantiles of the scores, plus a threshold above every score (never detect), where NAB's sweep starts.
    candidates = np.append(np.unique(np.quantile(pooled, np.linspace(0.5, 1.0, 1001))), np.inf)
    best = max(candidates, key=lambda th: sum(file_score(*f, th, profile) for f in files.values()))
    per_file = {name: file_score(*f, best, profile) for name, f in files.items()}
    threshold = float(best) if np.isfinite(best) else None  # None: the best is never to detect
    return {"threshold": threshold, "per_file": per_file, **normalise(per_file, files, profile)}


def normalise(per_file: dict, files: dict, profile=STANDARD) -> dict:
    windows = sum(len(set(f[1][f[3] & (f[1] >= 0)])) for f in files.values())
    raw = float(sum(per_file.values()))
    null, perfect = -profile["fn_weight"] * windows, profile["tp_weight"] * windows
    return {"raw": raw, "normalised": 100.0 * (raw - null) / (perfect - null), "windows": windows}
