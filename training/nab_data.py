"""NAB CPU-utilisation series -> riskd telemetry rows with rolling-window features and window labels.

Every file is one host (entity). Telemetry: metric `cpu_utilization` (percent), timestamp = the file's
wall-clock time read as UTC (Unix seconds). A row per point, as of its own timestamp; features come from
riskd_features.py over the points with t <= T (the same semantics as riskd's Features module). Label = 1
when T lies inside one of NAB's labelled anomaly windows (labels/combined_windows.json), as NAB scores it.
"""
from __future__ import annotations

import calendar
import json
import os
import time

import numpy as np
import pandas as pd

from riskd_features import EntitySeries, FeatureSpec, evaluate

METRIC = "cpu_utilization"
M15, H1, D1 = 900.0, 3600.0, 86400.0
FEATURES = [
    FeatureSpec("cpu_last_10m", METRIC, "last", 600.0),
    FeatureSpec("cpu_mean_15m", METRIC, "mean", M15),
    FeatureSpec("cpu_max_15m", METRIC, "max", M15),
    FeatureSpec("cpu_slope_15m", METRIC, "slope", M15),
    FeatureSpec("cpu_mean_1h", METRIC, "mean", H1),
    FeatureSpec("cpu_max_1h", METRIC, "max", H1),
    FeatureSpec("cpu_slope_1h", METRIC, "slope", H1),
    FeatureSpec("cpu_stddev_1h", METRIC, "stddev", H1),
    FeatureSpec("cpu_mean_1d", METRIC, "mean", D1),
    FeatureSpec("cpu_stddev_1d", METRIC, "stddev", D1),
]
NAMES = [f.name for f in FEATURES]
# Every CPU-utilisation series in the bundled NAB copy (percent, 5-minute CloudWatch samples).
FILES = [
    "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_53ea38.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv",
    "realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv",
    "realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv",
    "realKnownCause/cpu_utilization_asg_misconfiguration.csv",
]


def seconds(stamp: str) -> float:
    return float(calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S")))


def load(data_dir: str) -> pd.DataFrame:
    """All rows of all files: file, timestamp (s), value, label, window id (-1 outside), features."""
    windows = json.load(open(os.path.join(data_dir, "labels", "combined_windows.json")))
    frames = []
    for name in FILES:
        raw = pd.read_csv(os.path.join(data_dir, name))
        ts = np.array([seconds(s) for s in raw["timestamp"]])
        values = raw["value"].astype(float).values
        limits = [(seconds(a), seconds(b)) for a, b in windows[name]]
        window = np.full(len(ts), -1)
        for i, (a, b) in enumerate(limits):
            window[(ts >= a) & (ts <= b)] = i
        series = EntitySeries()
        for t, v in zip(ts, values):
            series.add(METRIC, float(t), float(v))
        times, vals = series.series(METRIC)  # riskd's ingestion rules: sorted, last write wins per timestamp
        # As of T only points with t <= T count, and evaluate() cuts the window at T, so the whole series can
        # be passed: same values as a series that has only received the points up to T.
        feats = [[evaluate(f.aggregation, times, vals, float(t) - f.window_seconds, float(t)) for f in FEATURES]
                 for t in ts]
        frame = pd.DataFrame(feats, columns=NAMES)
        frame.insert(0, "file", name)
        frame.insert(1, "timestamp", ts)
        frame.insert(2, "value", values)
        frame.insert(3, "label", (window >= 0).astype(int))
        frame.insert(4, "window", window)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def windows_of(data_dir: str, name: str):
    windows = json.load(open(os.path.join(data_dir, "labels", "combined_windows.json")))
    return [(seconds(a), seconds(b)) for a, b in windows[name]]
