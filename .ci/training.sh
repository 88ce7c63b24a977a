#!/usr/bin/env bash
# The training pipeline in a fresh venv from training/requirements.lock: its pytest suite (held-out calibration,
# disjointness, interval coverage), then train.py, which retrains every bundled model in a scratch directory and
# fails unless the artifacts, manifests (except trained_at / code_version) and model cards are identical.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import ensurepip" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r training/requirements.lock
"$venv/bin/python" -m pytest -q training   # conftest turns "no tests collected" (exit 5) into a failure
"$venv/bin/python" training/train.py
