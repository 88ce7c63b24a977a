"""Weighted inductive Venn-Abers with a binomial interval over the calibration cell.

This is the reference for Sources/Inference/VennAbersCalibrator.swift; both follow the same steps in the
same order so they give the same numbers:

1. Tie rule: every score is snapped to the grid 2^-32 (``floor(s * 2^32 + 0.5) / 2^32``) before it is
   compared; calibration points with equal snapped scores form one group, and a test score equal to a
   group's snapped score is pooled with that group (for label 0 and label 1 alike). A difference of 1e-16
   between two scorers therefore cannot flip an interval unless it straddles a grid midpoint.
2. Prior correction: the calibration slice over-represents failures (healthy drives are sub-sampled), so every
   negative calibration point weighs ``negative_weight`` (mean negative weight / mean positive weight of
   the slice's inverse sampling probabilities) and every positive 1. Groups sum positive weight P,
   negative weight N, positive rows k and negative rows m.
3. Venn-Abers: for the gap a test score falls in, pool-adjacent-violators over the groups' weighted means
   P / (P + N) with the test point (weight 1 = one population unit) inserted as label 0 (-> p0) and label
   1 (-> p1). The point estimate is p1 / (1 - p0 + p1).
4. Interval: the block holding the test point (its k, m, P, N) gives a Wilson score interval at level
   ``z`` on the *row* counts divided by the design effect (rows of one drive are correlated), mapped to
   the population scale by the block's mean weights: r -> r*a / (r*a + (1 - r)*b), a = P/k, b = N/m. The
   lower bound comes from the label-0 block, the upper bound from the label-1 block, so the interval
   always contains [p0, p1].
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import numpy as np

GRID = 4294967296.0  # 2^32


def snap(score: float, grid: float | None = GRID) -> float:
    return score if grid is None else math.floor(score * grid + 0.5) / grid


def wilson(k: float, n: float, z: float) -> Tuple[float, float]:
    """Wilson score interval for k successes in n trials (n may be fractional; n = 0 -> [0, 1])."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = p + z2 / (2.0 * n)
    spread = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def to_population(r: float, k: float, m: float, pos_w: float, neg_w: float) -> float:
    a = pos_w / k if k > 0 else 1.0
    b = neg_w / m if m > 0 else 1.0
    numerator = r * a
    denominator = numerator + (1.0 - r) * b
    return numerator / denominator if denominator > 0 else 0.0


@dataclass(frozen=True)
class Calibrated:
    p0: float
    p1: float
    p: float
    lower: float
    upper: float


class VennAbers:
    def __init__(self, scores: Sequence[float], labels: Sequence[int], negative_weight: float = 1.0,
                 z: float | None = 1.6448536269514722, design_effect: float = 1.0, score_grid: float | None = GRID):
        """z = None gives plain Venn-Abers ([lower, upper] = [p0, p1]); score_grid = None compares raw scores."""
        self.grid = score_grid
        weights = [1.0 if int(y) == 1 else float(negative_weight) for y in labels]
        self.z, self.design_effect = z, float(design_effect)
        order = sorted(range(len(scores)), key=lambda i: snap(float(scores[i]), self.grid))
        groups: List[List[float]] = []  # [score, P, N, k, m]
        for i in order:
            s, y, w = snap(float(scores[i]), self.grid), int(labels[i]), float(weights[i])
            if not groups or groups[-1][0] != s:
                groups.append([s, 0.0, 0.0, 0.0, 0.0])
            g = groups[-1]
            if y == 1:
                g[1] += w
                g[3] += 1.0
            else:
                g[2] += w
                g[4] += 1.0
        self.scores = [g[0] for g in groups]
        self.body = [g[1:] for g in groups]
        self.calibration_size = len(scores)
        self._cells = {}

    def cell(self, gap: int, label: int):
        """The test point's block for `gap` and `label` (memoised; Swift precomputes every gap)."""
        key = (gap, label)
        if key not in self._cells:
            self._cells[key] = self._fit(self.body, gap, label)
        return self._cells[key]

    @staticmethod
    def _fit(body, gap: int, label: int):
        """PAV over the groups with one test point (weight 1) before group `gap`; the test point's block."""
        stack: List[List[float]] = []  # [P, N, k, m]
        test = -1

        def push(block):
            stack.append(block)
            while len(stack) >= 2:
                a, b = stack[-2], stack[-1]
                # Violation when the earlier block's weighted mean exceeds the later one's.
                if not (a[0] * (b[0] + b[1]) > b[0] * (a[0] + a[1])):
                    break
                a[0] += b[0]
                a[1] += b[1]
                a[2] += b[2]
                a[3] += b[3]
                stack.pop()

        for position in range(len(body) + 1):
            if position == gap:
                push([1.0, 0.0, 1.0, 0.0] if label == 1 else [0.0, 1.0, 0.0, 1.0])
                test = len(stack) - 1
            if position < len(body):
                push(list(body[position]))
            test = min(test, len(stack) - 1)
        return tuple(stack[test])

    def _bound(self, cell, lower: bool) -> float:
        pos_w, neg_w, k, m = cell
        if self.z is None:
            return pos_w / (pos_w + neg_w)
        r_low, r_high = wilson(k / self.design_effect, (k + m) / self.design_effect, self.z)
        return to_population(r_low if lower else r_high, k, m, pos_w, neg_w)

    def _insertion(self, s: float, including_equal: bool) -> int:
        low, high = 0, len(self.scores)
        while low < high:
            middle = (low + high) // 2
            if self.scores[middle] < s or (including_equal and self.scores[middle] == s):
                low = middle + 1
            else:
                high = middle
        return low

    def calibrate(self, score: float) -> Calibrated:
        if math.isnan(score):
            c0, c1 = self.cell(0, 0), self.cell(len(self.scores), 1)
        else:
            s = snap(float(score), self.grid)
            c0 = self.cell(self._insertion(s, True), 0)
            c1 = self.cell(self._insertion(s, False), 1)
        p0 = c0[0] / (c0[0] + c0[1])
        p1 = c1[0] / (c1[0] + c1[1])
        return Calibrated(p0, p1, p1 / (1.0 - p0 + p1), self._bound(c0, True), self._bound(c1, False))

    def calibrate_many(self, scores) -> dict:
        out = [self.calibrate(float(s)) for s in scores]
        return {f: np.array([getattr(c, f) for c in out]) for f in ("p0", "p1", "p", "lower", "upper")}
