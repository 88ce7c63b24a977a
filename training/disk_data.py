"""Disk-failure rows, features and the drive-disjoint, time-gapped splits.

Rows: one per (drive, as-of day T) where the drive reported on T, T is before its failure day, and
T + horizon is inside the panel. Features come from riskd_features.py using only points with t <= T.

Splits (every drive is in exactly one of them, and there is a gap of one horizon after training):
  train  train drives,       T in [first, TRAIN_END]            -> model fit, time-based CV, search
  cal    calibration drives, T in [TRAIN_END + 7d, last - 7d]    -> weighted Venn-Abers, tiers
  test   test drives,        T in [TRAIN_END + 7d, last - 7d]    -> evaluation only
A failing drive belongs to train when it failed by TRAIN_END + 7d (its positive rows are training days),
otherwise to calibration or test (alternating in a seeded shuffle); healthy drives are shuffled 2:1:1.
Row weights are inverse inclusion probabilities of the whole design: panel sampling (healthy 13/256) times
slice assignment (train: early failing 1, healthy 1/2; cal/test: late failing 1/2, healthy 1/4), so each
slice estimates the fleet of its period.
Calibration and test are contemporaneous but share no drive: a further 7-day gap between them would
leave 5 as-of days for the test.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

import backblaze as bb
from riskd_features import FeatureSpec, entities_from_long

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
# Drive families with too few drives in the panel to validate anything (1-2 drives each): excluded from every
# slice and listed in the model card; the model is not meant for them.
MIN_DRIVES_PER_VENDOR = 10


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
            recs.append([e, t, bb.label(fail, t), panel.weight[e], bb.vendor(panel.model[e]), panel.model[e]]
                        + series.features(FEATURES, t))
    return pd.DataFrame(recs, columns=["entity", "as_of", "label", "weight", "vendor", "drive_model"] + NAMES)


def excluded_vendors(panel: bb.Panel) -> dict:
    counts = pd.Series({e: bb.vendor(m) for e, m in panel.model.items()}).value_counts()
    return {v: int(n) for v, n in counts.items() if n < MIN_DRIVES_PER_VENDOR}


def assign_drives(panel: bb.Panel, train_end: int, seed: int = SEED) -> dict:
    """entity -> ('train' | 'cal' | 'test', probability of that assignment given the drive's failure time)."""
    rng = np.random.RandomState(seed)
    held_start = train_end + H
    out = {}  # entity -> (slice, probability of that assignment)
    late_failures = sorted(e for e, f in panel.failure_time.items() if f > held_start)
    for e, f in panel.failure_time.items():
        if f <= held_start:
            out[e] = ("train", 1.0)
    for i, e in enumerate(rng.permutation(late_failures)):
        out[e] = ("cal" if i % 2 == 0 else "test", 0.5)
    healthy = sorted(e for e in panel.row_times if e not in panel.failure_time)
    for i, e in enumerate(rng.permutation(healthy)):
        where = ("train", "train", "cal", "test")[i % 4]
        out[e] = (where, 0.5 if where == "train" else 0.25)
    return out


def split(panel: bb.Panel, rows: pd.DataFrame):
    first, last_asof = panel.first_day, panel.last_day - H
    train_end = first + 14 * DAY
    held_start = train_end + H
    excluded = excluded_vendors(panel)
    rows = rows[~rows.vendor.isin(excluded)]
    assigned = assign_drives(panel, train_end)
    where = rows.entity.map(lambda e: assigned[e][0])
    rows = rows.assign(weight=rows.weight / rows.entity.map(lambda e: assigned[e][1]))
    train = rows[(where == "train") & (rows.as_of <= train_end)]
    cal = rows[(where == "cal") & (rows.as_of >= held_start) & (rows.as_of <= last_asof)]
    test = rows[(where == "test") & (rows.as_of >= held_start) & (rows.as_of <= last_asof)]
    bounds = {"train": (first, train_end), "held_out": (held_start, last_asof)}
    return train, cal, test, bounds, excluded


def same_period_held_out(panel: bb.Panel, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of the calibration and test drives during the training period: in-distribution data from drives
    the reference never saw (for checking drift false alarms). Weights as in `split`."""
    train_end = panel.first_day + 14 * DAY
    rows = rows[~rows.vendor.isin(excluded_vendors(panel))]
    assigned = assign_drives(panel, train_end)
    held = rows.entity.map(lambda e: assigned[e][0] != "train") & (rows.as_of <= train_end)
    rows = rows[held]
    return rows.assign(weight=rows.weight / rows.entity.map(lambda e: assigned[e][1]))


def cv_folds(train: pd.DataFrame, train_end: int):
    """Expanding-window folds inside the training slice: fit T <= v - 7d, validate T in [v, v + 2d]."""
    folds = []
    for back in (6, 4, 2):
        v = train_end - back * DAY
        fit = train[train.as_of <= v - H]
        val = train[(train.as_of >= v) & (train.as_of <= v + 2 * DAY)]
        folds.append((fit, val, v))
    return folds
