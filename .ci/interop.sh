#!/usr/bin/env bash
# Interoperability tests: real client libraries from PyPI (pinned in Tests/Interop/requirements.txt)
# against the real riskd binary on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import ensurepip" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
venv=.venv-interop
[ -x "$venv/bin/pytest" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r Tests/Interop/requirements.txt
swift build --product riskd >/dev/null
RISKD_BIN="$(swift build --show-bin-path)/riskd" "$venv/bin/pytest" -q -p no:cacheprovider Tests/Interop
