"""Backblaze daily SMART panel -> long-format telemetry + failure labels.

Each CSV row is one drive-day snapshot. Telemetry: entity = serial_number, metric = the SMART column
name (e.g. smart_5_raw), timestamp = the day's 00:00:00 UTC in Unix seconds, value = the raw value
(empty or non-numeric cells produce no point). Label for an as-of time T: 1 when the drive's failure
day F (the row with failure = 1) satisfies T < F <= T + horizon, else 0.
"""
from __future__ import annotations

import calendar
import hashlib
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import pandas as pd

PANEL = "backblaze_2013-04-10_2013-05-19_panel.csv"
DAY = 86400
HORIZON_SECONDS = 7 * DAY
# derive_panel.py keeps every drive with failure = 1 in the window and the other drives whose serial's SHA-1
# starts with a byte < 13: a healthy drive is in the panel with probability 13/256.
HEALTHY_SAMPLING_RATE = 13 / 256


def in_healthy_sample(serial: str) -> bool:
    return hashlib.sha1(serial.encode()).digest()[0] < 13


def vendor(model: str) -> str:
    """Drive vendor / model family from Backblaze's model string (Seagate models carry no vendor prefix)."""
    head = model.split()[0]
    if " " in model:
        return "HGST" if head == "HGST" else head.capitalize() if head != "WDC" else "WDC"
    return "Seagate" if model.startswith("ST") else head


def day_seconds(date: str) -> int:
    return calendar.timegm(time.strptime(date, "%Y-%m-%d"))


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Panel:
    long: pd.DataFrame                  # columns entity, metric, timestamp, value
    failure_time: Dict[str, int]         # entity -> failure day (seconds)
    row_times: Dict[str, List[int]]      # entity -> sorted days with a snapshot
    model: Dict[str, str]                # entity -> drive model
    weight: Dict[str, float]             # entity -> inverse sampling probability (1 or 256/13)
    first_day: int
    last_day: int


def load_panel(path: str, metrics: List[str]) -> Panel:
    df = pd.read_csv(path, dtype={"serial_number": str, "model": str, "date": str})
    df["timestamp"] = df["date"].map(day_seconds)
    long_parts = []
    for m in metrics:
        part = pd.DataFrame({"entity": df["serial_number"], "metric": m, "timestamp": df["timestamp"],
                             "value": pd.to_numeric(df[m], errors="coerce")})
        long_parts.append(part.dropna(subset=["value"]))
    long = pd.concat(long_parts, ignore_index=True).sort_values(["entity", "metric", "timestamp"],
                                                                kind="stable").reset_index(drop=True)
    failed = df[df["failure"] == 1]
    failure_time = dict(zip(failed["serial_number"], failed["timestamp"].astype(int)))
    row_times = {e: sorted(g.astype(int).tolist()) for e, g in df.groupby("serial_number")["timestamp"]}
    model = dict(zip(df["serial_number"], df["model"]))
    weight = {}
    for e in row_times:
        if e in failure_time:
            weight[e] = 1.0
        elif in_healthy_sample(e):
            weight[e] = 1.0 / HEALTHY_SAMPLING_RATE
        else:
            raise ValueError(f"{e}: neither failed nor in the 13/256 healthy sample; the sampling design changed")
    return Panel(long, failure_time, row_times, model, weight, int(df["timestamp"].min()),
                 int(df["timestamp"].max()))


def snapshot_features(path: str, features) -> "np.ndarray":
    """Feature vectors (one per drive, as of its last day) from a file of daily rows such as the 2019
    Backblaze extracts: a genuine distribution shift (other drive models, other years) for drift tests."""
    import numpy as np
    from riskd_features import EntitySeries
    df = pd.read_csv(path, dtype={"serial_number": str, "date": str})
    df["timestamp"] = df["date"].map(day_seconds)
    metrics = sorted({f.metric for f in features})
    out = []
    for _, group in df.sort_values(["serial_number", "timestamp"]).groupby("serial_number", sort=True):
        series = EntitySeries()
        for m in metrics:
            if m in group:
                for t, v in zip(group["timestamp"], pd.to_numeric(group[m], errors="coerce")):
                    if v == v:
                        series.add(m, float(t), float(v))
        out.append(series.features(features, float(group["timestamp"].max())))
    return np.array(out, dtype=float)


def label(failure_time: Optional[int], as_of: float, horizon: float = HORIZON_SECONDS) -> int:
    return int(failure_time is not None and as_of < failure_time <= as_of + horizon)
