#!/usr/bin/env bash
# test-pg.sh PYTHON BIN - the API test suite against a throwaway PostgreSQL
# cluster (scripts/pg-cluster.sh), stopped and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/pg-cluster.sh start)"
trap 'scripts/pg-cluster.sh stop' EXIT
AH_PWHASH_FAST=1 ALLHANDS_BIN="$2" "$1" -m pytest -q -p no:cacheprovider tests/api
