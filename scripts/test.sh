#!/usr/bin/env bash
# test.sh - everything `make test` runs, in order: unit, API and browser tests
# on the -Werror build, then unit and API tests again (the API tests on both
# backends) under AddressSanitizer and UndefinedBehaviorSanitizer, then each
# fuzz target for a short time.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s ===\n' "$*"; }
step "unit tests"
make --no-print-directory test-unit
step "API tests on SQLite"
make --no-print-directory test-sqlite
step "API tests on PostgreSQL"
make --no-print-directory test-pg
step "browser tests"
make --no-print-directory test-web
step "unit and API tests under ASan+UBSan"
make --no-print-directory test-asan
step "API tests on PostgreSQL under ASan+UBSan"
make --no-print-directory test-asan-pg
step "fuzzing (${FUZZ_SECONDS:-12} s per target)"
make --no-print-directory test-fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-12}"
step "all tests passed"
