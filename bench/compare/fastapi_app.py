"""FastAPI + uvicorn + XGBoost baseline with the same predict contract as riskd.

POST /v1/models/{name}/predict
  {"instances": [{"features": {"<name>": <number|null>}}]} -> {"model", "version", "predictions": [{"risk": p}]}

Loads <RISKD_MODELS_DIR>/<BENCH_MODEL>/<highest version>/model.json once per worker.
Run: uvicorn fastapi_app:app --workers $(nproc)   (bench/compare/run.sh does this)
"""

import math
import os

import numpy as np
import xgboost as xgb
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from model_features import feature_names, latest_version_dir

MODELS_DIR = os.environ.get("RISKD_MODELS_DIR", "models")
MODEL_NAME = os.environ.get("BENCH_MODEL", "disk-failure")

_version_dir = latest_version_dir(MODELS_DIR, MODEL_NAME)
VERSION = os.path.basename(_version_dir)
FEATURES = feature_names(_version_dir)
INDEX = {name: i for i, name in enumerate(FEATURES)}
BOOSTER = xgb.Booster()
BOOSTER.load_model(os.path.join(_version_dir, "model.json"))
BOOSTER.set_param({"nthread": 1})  # one worker per core; no oversubscription inside a worker

app = FastAPI()


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


@app.post("/v1/models/{name}/predict")
async def predict(name: str, request: Request):
    if name != MODEL_NAME:
        return _error(404, "model_not_found", f"no model named {name}")
    try:
        body = await request.json()
        instances = body["instances"]
        rows = np.full((len(instances), len(FEATURES)), np.nan, dtype=np.float32)
        for r, instance in enumerate(instances):
            for key, value in instance["features"].items():
                column = INDEX.get(key)
                if column is not None and value is not None:
                    rows[r, column] = float(value)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return _error(400, "invalid_request", f"bad predict body: {error}")
    matrix = xgb.DMatrix(rows, missing=math.nan, feature_names=FEATURES)
    risks = BOOSTER.predict(matrix)
    return {
        "model": MODEL_NAME,
        "version": VERSION,
        "predictions": [{"risk": float(p)} for p in risks],
    }


@app.get("/livez")
async def livez():
    return {"status": "ok"}
