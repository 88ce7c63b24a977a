"""Feature names of a model in the riskd model repository (shared by the FastAPI app and the body generator).

Order of preference: manifest.json ("features": list of names or of {"name": ...}), then the XGBoost
model's own feature_names. Falls back to f0..f{n-1} when the model has no names.
"""

import json
import os


def latest_version_dir(models_dir: str, name: str) -> str:
    base = os.path.join(models_dir, name)
    versions = sorted(int(v) for v in os.listdir(base) if v.isdigit())
    if not versions:
        raise SystemExit(f"no versions under {base}")
    return os.path.join(base, str(versions[-1]))


def feature_names(version_dir: str) -> list[str]:
    manifest = os.path.join(version_dir, "manifest.json")
    if os.path.exists(manifest):
        with open(manifest) as f:
            features = json.load(f).get("features")
        if isinstance(features, list) and features:
            return [x["name"] if isinstance(x, dict) else str(x) for x in features]
    with open(os.path.join(version_dir, "model.json")) as f:
        learner = json.load(f)["learner"]
    names = learner.get("feature_names") or []
    if names:
        return names
    count = int(learner["learner_model_param"]["num_feature"])
    return [f"f{i}" for i in range(count)]
