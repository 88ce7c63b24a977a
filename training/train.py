#!/usr/bin/env python3
"""Train riskd's bundled disk-failure model: Backblaze drive failure within 7 days, with probabilities for the
real fleet (the panel sub-samples healthy drives), drive-disjoint splits, a budgeted search over three
families, a Venn-Abers + Wilson interval, and a model card.

python training/train.py                      # reproduce the bundled versions (verifies, never overwrites)
python training/train.py --new-version        # publish a retrain as the next version

A published version is never overwritten: when models/<name>/<version> exists, the pipeline trains into a
scratch directory and checks that the artifact and the manifest (except trained_at / code_version) are
identical, exiting 1 if not.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backblaze as bb  # noqa: E402
import disk_data as dd  # noqa: E402
import disk_pipeline as dp  # noqa: E402
import drift  # noqa: E402
import host_pipeline as hp  # noqa: E402
import nab_data as nd  # noqa: E402
import model_card  # noqa: E402
from calibration import GRID  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DISK = ("disk-failure", "2")
HOST = ("host-cpu", "1")
VOLATILE = ("trained_at", "code_version")


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d")


def finite_or_none(x):
    return float(x) if np.isfinite(x) else None


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return "unknown"


def disk_manifest(r: dict, data_path: str) -> dict:
    import sklearn
    import xgboost as xgb
    train, cal, test, b = r["train"], r["cal"], r["test"], r["bounds"]
    names = dd.NAMES
    splits = (f"train: {train.entity.nunique()} drives, T {iso(b['train'][0])}..{iso(b['train'][1])}, {len(train)} rows, "
              f"{int(train.label.sum())} failing rows; gap 7 days (= horizon); calibration: {cal.entity.nunique()} other "
              f"drives, T {iso(b['held_out'][0])}..{iso(b['held_out'][1])}, {len(cal)} rows, {int(cal.label.sum())} failing "
              f"rows; test: {test.entity.nunique()} other drives, same days, {len(test)} rows, {int(test.label.sum())} "
              "failing rows. Time-based CV inside training: fit T <= v-7d, validate T in [v, v+2d], "
              f"v = {', '.join(iso(v) for _, _, v in r['folds'])}.")
    return {
        "schema_version": 1,
        "description": "Backblaze drive failure within 7 days, population-calibrated (2013 SMART panel; features "
                       "from daily SMART snapshots)",
        "task": "binary",
        "horizon_seconds": dd.H,
        "artifact": {"file": r["artifact"], "format": r["format"], "sha256": r["artifact_sha256"]},
        "model_card": "MODEL_CARD.md",
        "features": [f.to_json() for f in dd.FEATURES],
        "min_feature_fraction": 0.5,
        "calibration": {"method": "venn_abers", "scores": [float(x) for x in r["cal_scores"]],
                        "labels": [int(x) for x in cal.label.values], "negative_weight": r["negative_weight"],
                        "score_grid": GRID,
                        "interval": {"method": "wilson", "z": dp.Z, "level": dp.NOMINAL,
                                     "design_effect": r["design_effect"]}},
        "population": {"base_rate": r["base_rate"], "healthy_sampling_rate": bb.HEALTHY_SAMPLING_RATE,
                       "correction": "inverse-inclusion-probability weights for every metric; prior correction in "
                                     "calibration (negatives weigh calibration.negative_weight)"},
        "training_range": {n: {"min": finite_or_none(np.nanmin(train[n].values)),
                               "max": finite_or_none(np.nanmax(train[n].values))} for n in names},
        "reference": r["reference"],
        "drift": r["drift"],
        "tiers": r["tiers"],
        "fallback": r["fallback"],
        "lineage": {
            "training_data": f"backblaze/{bb.PANEL} (Backblaze Hard Drive Test Data, derived panel; see data README)",
            "training_data_sha256": bb.sha256_file(data_path),
            "code_version": git_commit(),
            "trained_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "splits": splits,
            "excluded_systems": r["excluded"],
            "model_choice": {"criterion": "highest mean time-based CV ROC AUC (population-weighted)",
                             "chosen": r["chosen"], "search": r["search"]},
            "metrics": {"test_raw_all_models": r["test_raw"], "test_calibrated": r["test_calibrated"],
                        "other_files_2019": r["other_files"],
                        "coverage": r["coverage"], "tiers": r["tier_report"], "groups": r["groups"]},
            "libraries": {"xgboost": xgb.__version__, "scikit-learn": sklearn.__version__, "numpy": np.__version__,
                          "python": sys.version.split()[0]},
            "seed": dd.SEED,
        },
    }


def build_disk(data_dir: str, out_dir: str) -> dict:
    data_path = os.path.join(data_dir, bb.PANEL)
    panel = bb.load_panel(data_path, dd.METRICS)
    rows = dd.build_rows(panel)
    r = dp.run(panel, rows, out_dir)
    r["other_files"] = dp.other_files(r["model"], data_dir)
    r.update(drift_reference(r, panel, rows, data_dir))
    r["artifact_sha256"] = bb.sha256_file(os.path.join(out_dir, r["artifact"]))
    manifest = disk_manifest(r, data_path)
    with open(os.path.join(out_dir, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, allow_nan=False)
        fh.write("\n")
    with open(os.path.join(out_dir, "MODEL_CARD.md"), "w") as fh:
        fh.write(model_card.disk_card(DISK[0], DISK[1], manifest, r))
    return r


def drift_reference(r: dict, panel, rows, data_dir: str) -> dict:
    """Population-weighted reference distributions (what the fleet looks like, not the failure-enriched
    panel) and retraining thresholds calibrated on them; checked on held-out drives of the same period, on
    the later held-out period, and on a genuine shift (Seagate ST8000DM002, 2019)."""
    import pandas as pd
    names = dd.NAMES
    population = drift.population_sample(r["train"], names, 20000, dd.SEED)
    rng = np.random.RandomState(dd.SEED + 1)
    features = {n: drift.reference_block(population[:, j], rng) for j, n in enumerate(names)}
    cal = r["cal"].assign(score=r["cal_scores"])
    scores = drift.population_sample(cal, ["score"], 20000, dd.SEED + 2)[:, 0]
    references = [features[n] for n in names]
    same_period = dd.same_period_held_out(panel, rows)
    drives = np.random.RandomState(dd.SEED + 6).permutation(sorted(same_period.entity.unique()))
    half = same_period.entity.isin(drives[: len(drives) // 2])
    thresholds = drift.calibrate(
        population, references, names, dd.SEED,
        drift.population_sample(same_period[half], names, 20000, dd.SEED + 3),
        drift.population_sample(same_period[~half], names, 20000, dd.SEED + 7))
    later = drift.population_sample(pd.concat([r["cal"], r["test"]]), names, 20000, dd.SEED + 4)
    shifted = bb.snapshot_features(os.path.join(data_dir, "seagate_ST8000DM002_2019_lastday_raw.csv"), dd.FEATURES)
    checks = {"held_out_period_may_2013": later, "seagate_ST8000DM002_2019": shifted}
    limits = drift.threshold_vector(thresholds, names)
    thresholds["alarm_rate"] = {k: drift.false_alarm_rate(
        drift.all_statistics(v, references, drift.CHECK_DRAWS, drift.MIN_SAMPLES, dd.SEED + 5), limits)
        for k, v in checks.items()}
    return {"reference": {"features": features, "score": drift.reference_block(scores, rng, with_sample=False)},
            "drift": thresholds}


def files_sha256(paths) -> str:
    import hashlib
    h = hashlib.sha256()
    for path in paths:
        h.update(os.path.basename(path).encode() + b"\0" + bb.sha256_file(path).encode() + b"\n")
    return h.hexdigest()


def build_host(data_dir: str, out_dir: str) -> dict:
    r = hp.run(data_dir, out_dir)
    rows, names = r["rows"], nd.NAMES
    rng = np.random.RandomState(hp.SEED + 2)
    chosen = r["results"][r["chosen"]]
    artifact = "model.riskd.json"
    paths = [os.path.join(data_dir, f) for f in nd.FILES] + [os.path.join(data_dir, "labels", "combined_windows.json")]
    strip = lambda d: {k: v for k, v in d.items() if k not in ("oof_scores", "calibrated")}  # noqa: E731
    manifest = {
        "schema_version": 1,
        "description": "Host CPU anomaly (inside a NAB-labelled anomaly window), from 5-minute CPU utilisation; "
                       f"{r['chosen'].replace('_', ' ')}",
        "task": "binary",
        "artifact": {"file": artifact, "format": "riskd-json",
                     "sha256": bb.sha256_file(os.path.join(out_dir, artifact))},
        "model_card": "MODEL_CARD.md",
        "features": [f.to_json() for f in nd.FEATURES],
        "min_feature_fraction": 0.5,
        "calibration": {"method": "venn_abers", "scores": [float(x) for x in r["cal_scores"]],
                        "labels": [int(x) for x in r["cal_labels"]], "negative_weight": 1.0, "score_grid": GRID,
                        "interval": {"method": "wilson", "z": hp.Z, "level": 0.9, "design_effect": r["design_effect"]}},
        "population": {"base_rate": r["base_rate"], "correction": "none: NAB series are complete, not sub-sampled"},
        "training_range": {n: {"min": finite_or_none(np.nanmin(rows[n].values)),
                               "max": finite_or_none(np.nanmax(rows[n].values))} for n in names},
        "reference": {"features": {n: drift.reference_block(rows[n].values.astype(float), rng) for n in names},
                      "score": drift.reference_block(chosen["oof_scores"], rng, with_sample=False)},
        "tiers": r["tiers"],
        "fallback": {"rules": [], "default_risk": round(r["base_rate"], 5)},
        "lineage": {
            "training_data": "nab (Numenta Anomaly Benchmark, commit ea702d75, MIT): CPU files + combined_windows.json",
            "files": nd.FILES,
            "training_data_sha256": files_sha256(paths),
            "code_version": git_commit(),
            "trained_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "splits": "leave one host (file) out; calibration cross-fitted by file; shipped model fitted on all files, "
                      "calibrated on a uniform sample of the out-of-fold scores",
            "model_choice": {"criterion": "higher NAB normalised score (standard profile), leave one host out",
                             "chosen": r["chosen"]},
            "metrics": {"modes": {k: strip(v) for k, v in r["results"].items()}, "coverage": r["coverage"]},
            "seed": hp.SEED,
        },
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, allow_nan=False)
        fh.write("\n")
    with open(os.path.join(out_dir, "MODEL_CARD.md"), "w") as fh:
        fh.write(model_card.host_card(HOST[0], HOST[1], manifest, r))
    return r


def comparable(manifest: dict) -> dict:
    m = json.loads(json.dumps(manifest))
    for k in VOLATILE:
        m["lineage"].pop(k, None)
    return m


def publish_or_verify(models: str, name: str, version: str, build) -> bool:
    target = os.path.join(models, name, version)
    if not os.path.exists(target):
        build(target)
        print(f"published {target}", flush=True)
        return True
    with tempfile.TemporaryDirectory() as scratch:
        build(scratch)
        same = all(open(os.path.join(scratch, f), "rb").read() == open(os.path.join(target, f), "rb").read()
                   for f in os.listdir(scratch) if f != "manifest.json")
        same = same and comparable(json.load(open(os.path.join(scratch, "manifest.json")))) == comparable(
            json.load(open(os.path.join(target, "manifest.json"))))
    print(f"{target}: {'reproduced' if same else 'DIFFERS from the published version (not overwritten)'}", flush=True)
    return same


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data")
    ap.add_argument("--models", default=os.path.join(ROOT, "models"))
    ap.add_argument("--new-version", action="store_true", help="publish a retrain as the next version")
    args = ap.parse_args()
    t0 = time.time()
    builds = {DISK: lambda out: build_disk(os.path.join(args.data, "backblaze"), out),
              HOST: lambda out: build_host(os.path.join(args.data, "nab"), out)}
    ok = True
    for (name, version), build in builds.items():
        if args.new_version:
            existing = [int(v) for v in os.listdir(os.path.join(args.models, name)) if v.isdigit()]
            version = str(max(existing, default=0) + 1)
        ok = publish_or_verify(args.models, name, version, build) and ok
    print(f"done in {time.time() - t0:.1f}s", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
