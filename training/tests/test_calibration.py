"""training/calibration.py against independent references: weighted isotonic regression (scikit-learn) with the
test point added, and textbook Wilson intervals."""
import math

import numpy as np
from sklearn.isotonic import IsotonicRegression

from calibration import GRID, VennAbers, snap, wilson


def brute_force(scores, labels, neg_w, s, label):
    x = np.append(scores, s)
    y = np.append(labels, label).astype(float)
    w = np.append(np.where(np.asarray(labels) == 1, 1.0, neg_w), 1.0)
    return IsotonicRegression().fit(x, y, sample_weight=w).predict([s])[0]


def test_p0_p1_equal_weighted_isotonic_regression_with_the_test_point():
    rng = np.random.RandomState(3)
    scores = np.round(rng.beta(1, 6, size=150), 2)  # many ties
    labels = (rng.uniform(size=150) < scores * 2).astype(int)
    va = VennAbers(scores, labels, negative_weight=7.5, z=None, score_grid=None)
    for s in list(scores[:15]) + list(rng.uniform(0, 1, size=15)):
        c = va.calibrate(s)
        assert math.isclose(c.p0, brute_force(scores, labels, 7.5, s, 0), abs_tol=1e-12)
        assert math.isclose(c.p1, brute_force(scores, labels, 7.5, s, 1), abs_tol=1e-12)
        assert c.lower == c.p0 and c.upper == c.p1


def test_wilson_matches_textbook_values():
    lo, hi = wilson(0, 10, 1.959963984540054)
    assert lo == 0 and math.isclose(hi, 0.2775327998628899, rel_tol=1e-12)
    lo, hi = wilson(5, 10, 1.959963984540054)
    assert math.isclose(lo, 0.2365930, abs_tol=1e-7) and math.isclose(hi, 0.7634070, abs_tol=1e-7)


def test_scores_one_ulp_apart_share_a_cell():
    scores, labels = [0.1, 0.2, 0.3, 0.3, 0.7], [0, 0, 1, 0, 1]
    va = VennAbers(scores, labels, 3.0)
    assert va.calibrate(0.3) == va.calibrate(np.nextafter(0.3, 1)) == va.calibrate(np.nextafter(0.3, 0))
    assert snap(0.3) == math.floor(0.3 * GRID + 0.5) / GRID


def test_interval_contains_p0_p1_and_narrows_with_more_evidence():
    rng = np.random.RandomState(5)
    scores = rng.uniform(size=400)
    labels = (rng.uniform(size=400) < scores / 4).astype(int)
    small = VennAbers(scores[:100], labels[:100], 1.0, design_effect=1.0).calibrate(0.5)
    large = VennAbers(scores, labels, 1.0, design_effect=1.0).calibrate(0.5)
    for c in (small, large):
        assert c.lower <= c.p0 <= c.p <= c.p1 <= c.upper
    assert large.upper - large.lower < small.upper - small.lower
