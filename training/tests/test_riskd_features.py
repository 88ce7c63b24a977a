"""Checks of riskd_features.py against the semantics in docs/model-format.md (python3 -m unittest)."""
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from riskd_features import EntitySeries, FeatureSpec, compute_features, evaluate  # noqa: E402

T = [10.0, 20.0, 30.0, 40.0]
V = [1.0, 3.0, 2.0, 6.0]


class WindowTests(unittest.TestCase):
    def test_window_excludes_start_includes_end(self):
        self.assertEqual(evaluate("count", T, V, 10.0, 30.0), 2.0)   # 20, 30 (10 excluded)
        self.assertEqual(evaluate("last", T, V, 10.0, 30.0), 2.0)

    def test_empty_window_is_missing_except_count(self):
        self.assertEqual(evaluate("count", T, V, 40.0, 50.0), 0.0)
        for a in ("last", "mean", "min", "max", "sum", "stddev", "delta", "slope", "rate"):
            self.assertTrue(math.isnan(evaluate(a, T, V, 40.0, 50.0)), a)

    def test_aggregations(self):
        self.assertEqual(evaluate("mean", T, V, 0, 40), 3.0)
        self.assertEqual(evaluate("min", T, V, 0, 40), 1.0)
        self.assertEqual(evaluate("max", T, V, 0, 40), 6.0)
        self.assertEqual(evaluate("sum", T, V, 0, 40), 12.0)
        self.assertEqual(evaluate("delta", T, V, 0, 40), 5.0)
        self.assertAlmostEqual(evaluate("stddev", T, V, 0, 40), math.sqrt((4 + 0 + 1 + 9) / 4))
        self.assertEqual(evaluate("stddev", T, V, 30, 40), 0.0)     # single point
        self.assertAlmostEqual(evaluate("slope", T, V, 0, 40), 0.14)  # least squares: 70 / 500

    def test_delta_slope_and_rate_need_two_points(self):
        self.assertTrue(math.isnan(evaluate("delta", T, V, 30, 40)))
        self.assertTrue(math.isnan(evaluate("slope", T, V, 30, 40)))
        self.assertTrue(math.isnan(evaluate("rate", T, V, 30, 40)))

    def test_rate_treats_a_drop_as_counter_reset(self):
        # increases: +2, reset to 2 counts 2, +4 -> 8 over 30 s
        self.assertAlmostEqual(evaluate("rate", T, V, 0, 40), 8.0 / 30.0)

    def test_slope_is_stable_at_unix_timestamps(self):
        base = 1.7e9
        self.assertAlmostEqual(evaluate("slope", [base + t for t in T], V, base, base + 40), 0.14, places=9)


class EntityTests(unittest.TestCase):
    def test_default_as_of_is_latest_timestamp_over_all_metrics(self):
        pts = [("e", "a", 10, 1), ("e", "a", 20, 2), ("e", "b", 100, 5)]
        specs = [FeatureSpec("a_last", "a", "last", 50), FeatureSpec("b_count", "b", "count", 50)]
        f = compute_features(pts, specs)["e"]
        self.assertTrue(math.isnan(f[0]))   # T = 100, a's points are older than the window
        self.assertEqual(f[1], 1.0)
        self.assertEqual(compute_features(pts, specs, as_of=20)["e"], [2.0, 0.0])

    def test_same_timestamp_replaces_and_non_finite_is_dropped(self):
        s = EntitySeries()
        s.add("a", 10, 1)
        s.add("a", 10, 7)
        s.add("a", 20, float("nan"))
        self.assertEqual(s.series("a"), ([10.0], [7.0]))


if __name__ == "__main__":
    unittest.main()
