"""The shipped disk-failure version, re-scored with its own artifact and manifest on the held-out drives:
disjoint time-gapped splits, population probabilities, and interval coverage."""
import os

import numpy as np

import backblaze as bb
import disk_data as dd
import evaluation as ev


def test_splits_are_disjoint_by_drive_with_a_horizon_gap(disk):
    train, cal, test = disk["train"], disk["cal"], disk["test"]
    sets = [set(train.entity), set(cal.entity), set(test.entity)]
    assert all(len(s) > 100 for s in sets)
    assert not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])
    # No training label (failure in (T, T + 7d]) looks past the first held-out as-of day.
    assert train.as_of.max() + dd.H <= min(cal.as_of.min(), test.as_of.min())
    assert not set(train.vendor) & set(disk["excluded"]) and not set(test.vendor) & set(disk["excluded"])


def test_manifest_scores_are_the_artifacts_scores_on_the_calibration_drives(disk):
    c = disk["manifest"]["calibration"]
    assert c["labels"] == [int(v) for v in disk["cal"].label.values]
    assert np.allclose(c["scores"], disk["cal_scores"], rtol=0, atol=1e-12)
    assert disk["manifest"]["artifact"]["sha256"] == bb.sha256_file(
        os.path.join(disk["directory"], disk["manifest"]["artifact"]["file"]))


def test_sampling_design_and_prior_correction_are_recorded(disk):
    m, cal, train = disk["manifest"], disk["cal"], disk["train"]
    assert m["population"]["healthy_sampling_rate"] == 13 / 256
    y, w = cal.label.values, cal.weight.values
    assert np.isclose(m["calibration"]["negative_weight"], w[y == 0].mean() / w[y == 1].mean())
    base = np.sum(train.weight * train.label) / np.sum(train.weight)
    assert np.isclose(m["population"]["base_rate"], base)
    assert base < 0.01 < train.label.mean()  # the sample over-represents failures; the population does not


def test_calibration_in_the_large_on_the_reweighted_test_slice(disk):
    test, p = disk["test"], disk["test_out"]["p"]
    observed = np.sum(test.weight * test.label) / np.sum(test.weight)
    predicted = np.sum(test.weight * p) / np.sum(test.weight)
    assert 0.67 <= predicted / observed <= 1.5, (predicted, observed)


def test_brier_beats_the_constant_population_base_rate(disk):
    test, p = disk["test"], disk["test_out"]["p"]
    w, y = test.weight.values, test.label.values
    base = disk["manifest"]["population"]["base_rate"]
    assert np.sum(w * (p - y) ** 2) < np.sum(w * (base - y) ** 2)


def test_interval_coverage_per_cell_at_the_nominal_level(disk):
    test, out, m = disk["test"], disk["test_out"], disk["manifest"]
    nominal = m["calibration"]["interval"]["level"]
    assert nominal == 0.9
    cov = ev.coverage_cells(test.label.values, test.weight.values, out["p"], out["lower"], out["upper"],
                            m["calibration"]["interval"]["z"], m["lineage"]["metrics"]["coverage"]["test_design_effect"])
    cells = cov["summary"](cov["interval_cells"], nominal)
    assert cells["cells_with_min_rows"] >= 5
    assert cells["cells_at_or_above_nominal"] >= 0.9 * cells["cells_with_min_rows"]
    deciles = cov["summary"](cov["deciles"], nominal)
    assert deciles["cells_with_min_rows"] == 10 and deciles["consistent"] >= 9
    assert np.all(out["lower"] <= out["p"]) and np.all(out["p"] <= out["upper"])


def test_intervals_are_wider_where_calibration_evidence_is_thin(disk):
    out = disk["test_out"]
    width = out["upper"] - out["lower"]
    top = out["p"] >= np.quantile(out["p"], 0.99)
    assert np.median(width[top]) > 10 * np.median(width[~top])
