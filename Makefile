# allhands - the two commands a new user needs are `make run` and `make test`.
# Everything else here is what they are made of.
.PHONY: run test build deps deps-test test-unit test-api test-sqlite test-pg test-web test-asan \
	test-asan-pg test-fuzz fuzz bench clean

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DB         ?= data/allhands.db
LISTEN     ?= 127.0.0.1:8080
PYTHON     ?= /usr/bin/python3
FUZZ_SECONDS ?= 12

run: deps build
	@if [ ! -f $(DB) ]; then ./$(BUILD)/allhands demo --db $(DB); fi
	@echo ""
	@echo "allhands is starting on http://$(LISTEN)"
	@echo "  sign in as the demo lead:   lead@demo.allhands.test   / allhands-demo"
	@echo "  sign in as a demo member:   member@demo.allhands.test / allhands-demo"
	@echo "  (also pro@ and admin@demo.allhands.test, same password; Ctrl+C stops)"
	@echo ""
	@exec ./$(BUILD)/allhands serve --db $(DB) --listen $(LISTEN)

deps:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dbuildtype=debug

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Dtests=disabled -Db_lundef=false

test: deps-test build
	@scripts/test.sh

test-unit: build
	meson test -C $(BUILD) --print-errorlogs

test-api: build
	AH_PWHASH_FAST=1 ALLHANDS_BIN=$(CURDIR)/$(BUILD)/allhands $(PYTHON) -m pytest -q -p no:cacheprovider tests/api

# the API suite on one backend: SQLite files, or a throwaway PostgreSQL cluster
test-sqlite: test-api

test-pg: build
	@scripts/deps.sh test
	scripts/test-pg.sh $(PYTHON) $(CURDIR)/$(BUILD)/allhands

test-web: build
	cd tests/web && (npm ci --no-audit --no-fund --silent >/dev/null || npm install --no-audit --no-fund --silent) \
	  && ALLHANDS_BIN=$(CURDIR)/$(BUILD)/allhands node --test --test-concurrency=1 *.spec.js

test-asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  meson test -C $(ASAN_BUILD) --print-errorlogs
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  AH_PWHASH_FAST=1 ALLHANDS_BIN=$(CURDIR)/$(ASAN_BUILD)/allhands AH_SANITIZED=1 \
	  $(PYTHON) -m pytest -q -p no:cacheprovider tests/api

# the API suite on PostgreSQL under the sanitizers: the PostgreSQL store's code
# runs only there
test-asan-pg: $(ASAN_BUILD)/build.ninja
	@scripts/deps.sh test
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 AH_SANITIZED=1 \
	  scripts/test-pg.sh $(PYTHON) $(CURDIR)/$(ASAN_BUILD)/allhands

test-fuzz: $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_BUILD)

# make fuzz FUZZ_SECONDS=600: each target for that long, reporting executions
fuzz: deps-test $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_BUILD)

# make bench BACKEND=pg: the same runs on a throwaway PostgreSQL cluster, one and two servers
BACKEND ?= sqlite
bench:
	@BACKEND=$(BACKEND) scripts/deps.sh bench
	@BACKEND=$(BACKEND) bench/bench.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) build-release
