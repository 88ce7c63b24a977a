"""Writes the wrk POST bodies (1 row and 64 rows) using the model's feature names.

usage: make_bodies.py <models_dir> <model_name> <out_dir>
Values are deterministic (seeded) with ~10% nulls so the missing-value path is exercised.
"""

import json
import os
import random
import sys

from model_features import feature_names, latest_version_dir


def instance(rng: random.Random, names: list[str]) -> dict:
    return {"features": {n: (None if rng.random() < 0.1 else round(rng.uniform(0, 100), 3)) for n in names}}


def main() -> None:
    models_dir, model, out_dir = sys.argv[1:4]
    names = feature_names(latest_version_dir(models_dir, model))
    rng = random.Random(42)
    for rows in (1, 64):
        with open(os.path.join(out_dir, f"body-{rows}.json"), "w") as f:
            json.dump({"instances": [instance(rng, names) for _ in range(rows)]}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
