"""Shared fixtures: the shipped disk-failure version re-scored on its own held-out slices (no retraining)."""
import json
import os
import sys

import numpy as np
import pytest

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TRAINING)
sys.path.insert(0, TRAINING)
DATA = os.environ.get("RISKD_DATA", "/work/shared/data")


def pytest_sessionfinish(session, exitstatus):
    """No collected tests is a failure, never pytest's exit code 5."""
    if exitstatus == 5:
        session.exitstatus = 1


@pytest.fixture(scope="session")
def disk():
    import backblaze as bb
    import disk_data as dd
    import train as tr
    from calibration import VennAbers
    from riskd_export import predict_riskd_forest

    name, version = tr.DISK
    directory = os.path.join(ROOT, "models", name, version)
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    panel = bb.load_panel(os.path.join(DATA, "backblaze", bb.PANEL), dd.METRICS)
    rows = dd.build_rows(panel)
    train, cal, test, bounds, excluded = dd.split(panel, rows)
    document = json.load(open(os.path.join(directory, manifest["artifact"]["file"])))
    score = lambda frame: np.array([predict_riskd_forest(document, x) for x in frame[dd.NAMES].values])  # noqa: E731
    c = manifest["calibration"]
    calibrator = VennAbers(c["scores"], c["labels"], c["negative_weight"], c["interval"]["z"],
                           c["interval"]["design_effect"], c["score_grid"])
    test_scores = score(test)
    return {"manifest": manifest, "directory": directory, "panel": panel, "rows": rows, "train": train, "cal": cal, "test": test,
            "bounds": bounds, "excluded": excluded, "cal_scores": score(cal), "test_scores": test_scores,
            "test_out": calibrator.calibrate_many(test_scores), "calibrator": calibrator}
