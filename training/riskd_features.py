"""Reference implementation of riskd's feature semantics (Swift `Features` module, WindowAggregator).

Training computes every feature through this file so that serving and training agree. The arithmetic
is done point by point in time order with plain Python floats (IEEE double, same operation order as
WindowAggregator.swift) -- no numpy reductions, whose pairwise summation would round differently.

Semantics (docs/model-format.md, "features[]"):
- a series is a list of (timestamp seconds, value), sorted by time, one value per timestamp
  (last write wins), non-finite values dropped;
- features are evaluated as of T (default: the entity's latest timestamp over all its metrics);
- a window of W seconds covers points with T - W < t <= T;
- empty window -> NaN (missing), except count -> 0; slope and rate need >= 2 points (slope also
  distinct times, rate a positive time span), else NaN.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

AGGREGATIONS = ("last", "mean", "min", "max", "sum", "count", "stddev", "delta", "slope", "rate")
NAN = float("nan")


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    metric: str
    aggregation: str
    window_seconds: float

    def to_json(self) -> dict:
        return {"name": self.name, "metric": self.metric, "aggregation": self.aggregation,
                "window_seconds": self.window_seconds}


def _sum(values: Sequence[float], start: int, end: int) -> float:
    total = 0.0
    for i in range(start, end):
        total += values[i]
    return total


def evaluate(aggregation: str, timestamps: Sequence[float], values: Sequence[float],
             start_exclusive: float, end_inclusive: float) -> float:
    """One aggregation over the points with start_exclusive < t <= end_inclusive (timestamps sorted)."""
    start = bisect.bisect_right(timestamps, start_exclusive)
    end = bisect.bisect_right(timestamps, end_inclusive)
    n = end - start
    if aggregation == "count":
        return float(max(n, 0))
    if n <= 0:
        return NAN
    if aggregation == "last":
        return float(values[end - 1])
    if aggregation == "sum":
        return _sum(values, start, end)
    if aggregation == "mean":
        return _sum(values, start, end) / float(n)
    if aggregation == "min":
        m = math.inf
        for i in range(start, end):
            m = min(m, values[i])
        return m
    if aggregation == "max":
        m = -math.inf
        for i in range(start, end):
            m = max(m, values[i])
        return m
    if aggregation == "stddev":
        mean = _sum(values, start, end) / float(n)
        sq = 0.0
        for i in range(start, end):
            sq += (values[i] - mean) * (values[i] - mean)
        return math.sqrt(sq / float(n))
    if aggregation == "delta":
        if n < 2:
            return NAN  # one point has no change: missing, never 0
        return float(values[end - 1] - values[start])
    if aggregation == "slope":
        if n < 2:
            return NAN
        mt = 0.0
        mv = 0.0
        for i in range(start, end):
            mt += timestamps[i]
            mv += values[i]
        mt /= float(n)
        mv /= float(n)
        cov = 0.0
        var = 0.0
        for i in range(start, end):
            dt = timestamps[i] - mt
            cov += dt * (values[i] - mv)
            var += dt * dt
        return cov / var if var > 0 else NAN
    if aggregation == "rate":
        if n < 2:
            return NAN
        span = timestamps[end - 1] - timestamps[start]
        if not span > 0:
            return NAN
        inc = 0.0
        for i in range(start + 1, end):
            step = values[i] - values[i - 1]
            inc += step if step >= 0 else values[i]
        return inc / span
    raise ValueError(f"unknown aggregation {aggregation!r}")


class EntitySeries:
    """All metric series of one entity, built from long-format points with riskd's ingestion rules."""

    def __init__(self) -> None:
        self._points: Dict[str, Dict[float, float]] = {}
        self._sorted: Dict[str, Tuple[List[float], List[float]]] = {}

    def add(self, metric: str, timestamp: float, value: float) -> None:
        t = float(timestamp)
        v = float(value)
        if not (math.isfinite(t) and math.isfinite(v)):
            return  # riskd rejects non-finite values
        self._points.setdefault(metric, {})[t] = v  # same timestamp: last write wins
        self._sorted.pop(metric, None)

    def series(self, metric: str) -> Tuple[List[float], List[float]]:
        if metric not in self._sorted:
            pts = sorted(self._points.get(metric, {}).items())
            self._sorted[metric] = ([p[0] for p in pts], [p[1] for p in pts])
        return self._sorted[metric]

    def latest_timestamp(self) -> Optional[float]:
        latest = [max(p) for p in self._points.values() if p]
        return max(latest) if latest else None

    def features(self, specs: Sequence[FeatureSpec], as_of: Optional[float] = None) -> List[float]:
        t = self.latest_timestamp() if as_of is None else float(as_of)
        if t is None:
            return [0.0 if s.aggregation == "count" else NAN for s in specs]
        out = []
        for s in specs:
            ts, vs = self.series(s.metric)
            out.append(evaluate(s.aggregation, ts, vs, t - s.window_seconds, t))
        return out


def entities_from_long(points: Iterable[Tuple[str, str, float, float]]) -> Dict[str, EntitySeries]:
    """Long-format rows (entity, metric, timestamp, value) -> per-entity series."""
    out: Dict[str, EntitySeries] = {}
    for entity, metric, ts, value in points:
        out.setdefault(entity, EntitySeries()).add(metric, ts, value)
    return out


def compute_features(points: Iterable[Tuple[str, str, float, float]], specs: Sequence[FeatureSpec],
                     as_of: Optional[float] = None) -> Dict[str, List[float]]:
    """Feature vector per entity (NaN = missing) as of `as_of` or each entity's latest timestamp."""
    return {e: s.features(specs, as_of) for e, s in entities_from_long(points).items()}
