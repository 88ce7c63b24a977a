#!/usr/bin/env python3
"""Build Tests/RiskServiceTests/Fixtures/e2e_disk_failure.json for riskd's end-to-end test.

python3 training/make_e2e_fixture.py [--models models] [--data /work/shared/data/backblaze]

For a few drives from the held-out TEST slice (as-of days after the calibration slice), the fixture holds
the raw telemetry points a client would send (every point with as_of - 30d < t <= as_of, i.e. the longest
feature window, so riskd's default as-of = the entity's latest timestamp equals as_of), the feature vector
from riskd_features.py (null = missing), the model's raw score (native library, or training/riskd_export.py's forest walk for riskd-json), and
p0/p1/p and the interval [lower, upper] from training/calibration.py with the manifest's calibration block. One drive has
its smart_194_raw points removed to exercise a missing metric (the panel itself has no gaps).
A small synthetic series exercises every aggregation (incl. a counter reset for `rate`).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backblaze as bb  # noqa: E402
import disk_data as tr  # noqa: E402
from calibration import VennAbers  # noqa: E402
from riskd_export import predict_riskd_forest  # noqa: E402
from riskd_features import AGGREGATIONS, EntitySeries, FeatureSpec, evaluate  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "RiskServiceTests", "Fixtures", "e2e_disk_failure.json")
DROPPED_METRIC = "smart_194_raw"


def nullable(x: float):
    return None if math.isnan(x) else x


def pick_entities(panel: bb.Panel, rows, test):
    """Deterministic picks: failing drives with the highest / a middling score, a clean survivor, a drive
    with reallocated sectors that survives, and a drive whose smart_194_raw is dropped."""
    last = test.sort_values(["entity", "as_of"]).groupby("entity").tail(1)  # latest as-of per drive
    pos = last[last.label == 1].sort_values("smart_197_raw_last_1d", ascending=False, kind="stable")
    neg = last[last.label == 0]
    picks = [("failing_drive_pending_sectors", pos.iloc[0]),
             ("failing_drive", pos.iloc[len(pos) // 2]),
             ("healthy_drive", neg[(neg.smart_5_raw_last_1d == 0) & (neg.smart_197_raw_last_1d == 0)].iloc[0]),
             ("surviving_drive_reallocated_sectors", neg[neg.smart_5_raw_last_1d > 0].iloc[0]),
             ("healthy_drive_missing_smart_194", neg[neg.smart_5_raw_last_1d == 0].iloc[-1])]
    return picks


def write_drift_vectors(panel, rows, data_dir: str) -> None:
    """In-distribution feature vectors (population-weighted rows of held-out drives during the training period)
    and a genuine shift (Seagate ST8000DM002, 2019) for the Swift retraining-trigger test."""
    import drift
    held = tr.same_period_held_out(panel, rows)
    inside = drift.population_sample(held, tr.NAMES, 4000, tr.SEED + 11)
    shifted = bb.snapshot_features(os.path.join(data_dir, "seagate_ST8000DM002_2019_lastday_raw.csv"), tr.FEATURES)
    shifted = shifted[np.random.RandomState(tr.SEED + 12).choice(len(shifted), size=200, replace=False)]
    as_json = lambda m: [[nullable(float(v)) for v in row] for row in m]  # noqa: E731
    path = os.path.join(ROOT, "Tests", "RiskServiceTests", "Fixtures", "drift_vectors.json")
    with open(path, "w") as fh:
        json.dump({"description": "training/make_e2e_fixture.py: in_distribution = population-weighted rows of drives "
                                  "held out from training, same period; shifted = Seagate ST8000DM002 2019 last-day "
                                  "snapshots (null = missing)",
                   "feature_names": tr.NAMES, "in_distribution": as_json(inside), "shifted": as_json(shifted)},
                  fh, allow_nan=False)
        fh.write("\n")


def write_host_vectors(models_dir: str, nab_dir: str) -> None:
    """End-to-end vectors for the bundled host-cpu model: a day of CPU points ending at the highest-scoring
    moment inside an anomaly window and at a typical moment outside one, with features, score and interval."""
    import nab_data as nd
    name, version = "host-cpu", "1"
    mdir = os.path.join(models_dir, name, version)
    manifest = json.load(open(os.path.join(mdir, "manifest.json")))
    document = json.load(open(os.path.join(mdir, manifest["artifact"]["file"])))
    c = manifest["calibration"]
    calibrator = VennAbers(c["scores"], c["labels"], c["negative_weight"], c["interval"]["z"],
                           c["interval"]["design_effect"], c["score_grid"])
    specs = [FeatureSpec(f["name"], f["metric"], f["aggregation"], float(f["window_seconds"])) for f in manifest["features"]]
    longest = max(s.window_seconds for s in specs)
    source = "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv"
    rows = nd.load(nab_dir)
    rows = rows[rows.file == source].reset_index(drop=True)
    scores = np.array([predict_riskd_forest(document, x) for x in rows[nd.NAMES].values])
    inside = rows.label.values == 1
    later = rows.timestamp.values >= rows.timestamp.values[0] + longest
    peak = int(np.flatnonzero(inside & later)[np.argmax(scores[inside & later])])
    outside = np.flatnonzero(~inside & later)
    typical = int(outside[np.argsort(scores[outside], kind="stable")[len(outside) // 2]])
    entities = []
    for role, i in (("inside_anomaly_window", peak), ("normal_period", typical)):
        t = float(rows.timestamp[i])
        window = rows[(rows.timestamp > t - longest) & (rows.timestamp <= t)]
        points = [{"metric": nd.METRIC, "timestamp": float(ts), "value": float(v)}
                  for ts, v in zip(window.timestamp, window.value)]
        series = EntitySeries()
        for p in points:
            series.add(p["metric"], p["timestamp"], p["value"])
        feats = series.features(specs, t)
        score = predict_riskd_forest(document, feats)
        cal = calibrator.calibrate(score)
        entities.append({"role": role, "entity": f"nab-825cc2-{role}", "as_of": t, "label": int(rows.label[i]),
                         "points": points, "features": {s.name: nullable(v) for s, v in zip(specs, feats)},
                         "raw_score": score,
                         "venn_abers": {"p0": cal.p0, "p1": cal.p1, "p": cal.p, "lower": cal.lower, "upper": cal.upper}})
    path = os.path.join(ROOT, "Tests", "RiskServiceTests", "Fixtures", "e2e_host_cpu.json")
    with open(path, "w") as fh:
        json.dump({"description": f"riskd end-to-end vectors for the bundled {name} model from NAB {source} "
                                  "(generated by training/make_e2e_fixture.py)",
                   "model": {"name": name, "version": version, "artifact_sha256": manifest["artifact"]["sha256"]},
                   "feature_names": [s.name for s in specs], "entities": entities}, fh, indent=1, allow_nan=False)
        fh.write("\n")


def write_interval_vectors() -> None:
    """Vectors for Sources/Inference's VennAbersCalibrator with every CalibrationIntervalOptions knob set:
    prior correction, Wilson interval with a design effect, and the 2^-32 tie grid (ties, near-ties within
    1e-17 of a calibration score, scores outside the calibration range)."""
    rng = np.random.RandomState(7)
    cases = []
    for name, n, neg_w, z, deff in (("weighted_ties", 300, 19.692307692307693, 1.6448536269514722, 3.5),
                                   ("small_unweighted", 12, 1.0, 1.959963984540054, 1.0)):
        scores = np.round(rng.beta(1, 8, size=n), 3)  # rounding makes many exact ties
        labels = (rng.uniform(size=n) < scores * 3).astype(int)
        labels[0], labels[1] = 0, 1
        tests = sorted(np.round(rng.uniform(-0.05, 1.05, size=25), 4).tolist()
                       + scores[:10].tolist() + [float(scores[2]) + 1e-17, float(scores[3]) - 1e-17])
        va = VennAbers(scores.tolist(), labels.tolist(), neg_w, z, deff)
        out = [va.calibrate(t) for t in tests]
        cases.append({"name": name, "scores": scores.tolist(), "labels": labels.tolist(), "negative_weight": neg_w,
                      "z": z, "design_effect": deff, "score_grid": 4294967296.0, "tests": tests,
                      **{k: [getattr(c, k) for c in out] for k in ("p0", "p1", "p", "lower", "upper")}})
    path = os.path.join(ROOT, "Tests", "InferenceTests", "Fixtures", "venn_abers_interval_vectors.json")
    with open(path, "w") as fh:
        json.dump({"description": "training/calibration.py outputs (generated by training/make_e2e_fixture.py)",
                   "cases": cases}, fh, indent=1, allow_nan=False)
        fh.write("\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=os.path.join(ROOT, "models"))
    ap.add_argument("--data", default="/work/shared/data/backblaze")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--version", default="2")
    args = ap.parse_args()
    mdir = os.path.join(args.models, "disk-failure", args.version)
    manifest = json.load(open(os.path.join(mdir, "manifest.json")))
    specs = [FeatureSpec(f["name"], f["metric"], f["aggregation"], float(f["window_seconds"]))
             for f in manifest["features"]]
    assert [s.name for s in specs] == tr.NAMES
    longest = max(s.window_seconds for s in specs)
    artifact = os.path.join(mdir, manifest["artifact"]["file"])
    assert bb.sha256_file(artifact) == manifest["artifact"]["sha256"]
    fmt = manifest["artifact"]["format"]
    if fmt == "xgboost-json":
        import xgboost as xgb
        booster = xgb.Booster()
        booster.load_model(artifact)
        predict = lambda x: float(booster.predict(xgb.DMatrix(np.array([x], dtype=float),
                                                             feature_names=tr.NAMES, missing=np.nan))[0])
    else:
        document = json.load(open(artifact))
        predict = lambda x: predict_riskd_forest(document, x)
    c = manifest["calibration"]
    calibrator = VennAbers(c["scores"], c["labels"], c["negative_weight"], c["interval"]["z"],
                           c["interval"]["design_effect"])

    panel = bb.load_panel(os.path.join(args.data, bb.PANEL), tr.METRICS)
    rows = tr.build_rows(panel)
    test = tr.split(panel, rows)[2]  # held-out test drives, the same slice as train.py
    long = panel.long
    entities = []
    for role, row in pick_entities(panel, rows, test):
        e, t = row.entity, float(row.as_of)
        pts = long[(long.entity == e) & (long.timestamp > t - longest) & (long.timestamp <= t)]
        if role.endswith("missing_smart_194"):
            pts = pts[pts.metric != DROPPED_METRIC]
        points = [{"metric": m, "timestamp": float(ts), "value": float(v)}
                  for m, ts, v in zip(pts.metric, pts.timestamp, pts.value)]
        series = EntitySeries()
        for p in points:
            series.add(p["metric"], p["timestamp"], p["value"])
        assert series.latest_timestamp() == t
        feats = series.features(specs)  # default as-of = latest timestamp
        assert feats == series.features(specs, t) or all(
            (a == b) or (math.isnan(a) and math.isnan(b)) for a, b in zip(feats, series.features(specs, t)))
        score = predict(feats)
        cal = calibrator.calibrate(score)
        entities.append({
            "role": role, "entity": e, "drive_model": panel.model[e], "as_of": t,
            "label_failure_within_horizon": int(row.label),
            "points": points,
            "features": {s.name: nullable(v) for s, v in zip(specs, feats)},
            "missing_feature_count": int(sum(math.isnan(v) for v in feats)),
            "raw_score": score,
            "venn_abers": {"p0": cal.p0, "p1": cal.p1, "p": cal.p, "lower": cal.lower, "upper": cal.upper},
        })

    # Every aggregation over a small irregular series with a counter reset (values as a counter).
    ts = [1000.0, 1060.0, 1090.0, 1200.0, 1500.0, 1510.0]
    vs = [5.0, 7.5, 9.0, 2.0, 4.0, 4.5]
    aggs = []
    for window in (30.0, 200.0, 600.0, 1000.0):
        for a in AGGREGATIONS:
            aggs.append({"aggregation": a, "window_seconds": window, "as_of": 1510.0,
                         "value": nullable(evaluate(a, ts, vs, 1510.0 - window, 1510.0))})
    aggs.append({"aggregation": "mean", "window_seconds": 100.0, "as_of": 1400.0,
                 "value": nullable(evaluate("mean", ts, vs, 1300.0, 1400.0))})
    # A window holding one point: change-describing aggregations are missing, never 0.
    for a in ("delta", "slope", "rate"):
        aggs.append({"aggregation": a, "window_seconds": 5.0, "as_of": 1510.0,
                     "value": nullable(evaluate(a, ts, vs, 1505.0, 1510.0))})

    fixture = {
        "description": ("riskd end-to-end vectors for the bundled disk-failure model. Generated by "
                        "training/make_e2e_fixture.py; do not edit by hand. Entities are from the held-out test "
                        "slice. Features: riskd_features.py (null = missing). raw_score: native library predict or the "
                        "riskd-json forest walk. venn_abers: training/calibration.py with the manifest's calibration "
                        "block (interval = [lower, upper])."),
        "model": {"name": "disk-failure", "version": args.version, "artifact_sha256": manifest["artifact"]["sha256"],
                  "format": fmt},
        "feature_names": [s.name for s in specs],
        "tolerances": {"features_rel": 1e-12, "raw_score_abs": 1e-6, "venn_abers_abs": 1e-9},
        "entities": entities,
        "aggregation_vectors": {"timestamps": ts, "values": vs, "cases": aggs},
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(fixture, fh, indent=1, allow_nan=False)
        fh.write("\n")
    # The same aggregation vectors for the Swift Features module's own tests.
    vectors = os.path.join(ROOT, "Tests", "FeaturesTests", "Fixtures", "aggregation_vectors.json")
    os.makedirs(os.path.dirname(vectors), exist_ok=True)
    with open(vectors, "w") as fh:
        json.dump({"description": "WindowAggregator vectors from training/riskd_features.py "
                                  "(generated by training/make_e2e_fixture.py; null = missing)",
                   **fixture["aggregation_vectors"]}, fh, indent=1, allow_nan=False)
        fh.write("\n")
    write_interval_vectors()
    write_drift_vectors(panel, rows, args.data)
    write_host_vectors(args.models, os.path.join(os.path.dirname(args.data.rstrip("/")), "nab"))
    for ent in entities:
        print(ent["role"], ent["entity"], len(ent["points"]), "points, missing", ent["missing_feature_count"],
              "score", round(ent["raw_score"], 4), ent["venn_abers"])
    print("wrote", args.out)


if __name__ == "__main__":
    main()
