#!/usr/bin/env bash
# Every riskd benchmark in one go; writes bench/README.md (see bench/compare/run.sh for what runs).
exec bash "$(cd "$(dirname "$0")" && pwd)/compare/run.sh" "$@"
