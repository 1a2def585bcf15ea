#!/usr/bin/env bash
# bench.sh - the allhands benchmark, run by `make bench` (after scripts/deps.sh bench).
#
# Builds an optimized allhands, fills a database with the demo company through the bulk path
# (timed), serves it on a free loopback port with 2 worker threads and drives four endpoints with
# wrk: ticket creation, reads by id, the 50-row queue page and queue claims. Then runs the bare
# floor (../shared/floor/floor.sh: libmicrohttpd + SQLite + jansson and nothing else) on the same
# number of tickets, and prints each figure beside the floor's, as a ratio, and against its target.
# Writes bench/results.json.
#
# Environment (all optional):
#   BENCH_TICKETS   tickets to generate (default 1000000)
#   BENCH_PEOPLE    people in the demo company (default 5000, at least 40)
#   BENCH_DURATION  wrk duration of each run (default 10s)
#   BENCH_FLOOR     0 skips the floor (quick runs while developing; no ratios then)
#   BENCH_DB        an existing demo database to use instead of generating one (it is copied,
#                   not changed; generation time is then not measured)
#   BENCH_OUT       where to write the JSON (default bench/results.json)
#   BENCH_STRICT    1: exit 1 when a run had errors or a target is missed
#   FLOOR_DIR       the floor's directory (default <repo>/../shared/floor)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
FLOOR=$(cd "${FLOOR_DIR:-$REPO/../shared/floor}" && pwd)
export FLOOR_DIR=$FLOOR # claim.lua finds report.lua through it
N_TICKETS=${BENCH_TICKETS:-1000000}
PEOPLE=${BENCH_PEOPLE:-5000}
DURATION=${BENCH_DURATION:-10s}
OUT=${BENCH_OUT:-$REPO/bench/results.json}
THREADS=2      # server worker threads, as the floor's pool
CLAIMERS=32    # people claiming at once: one wrk thread and one connection each
FIRST_PERSON=8 # demo people person8@... and up are ordinary staff
BIN=$REPO/build-release/allhands

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$PEOPLE" -ge $((FIRST_PERSON + CLAIMERS)) ] || die "BENCH_PEOPLE must be at least $((FIRST_PERSON + CLAIMERS))"
for tool in wrk curl python3 meson ninja; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh bench installs it)"
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/allhands-bench.XXXXXX")
SPID=
stop_server() {
    if [ -n "$SPID" ]; then
        kill "$SPID" 2>/dev/null || true
        wait "$SPID" 2>/dev/null || true
        SPID=
    fi
}
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
file_size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# CPU seconds (user + system) used so far by process $1
cpu_seconds() {
    python3 - "$1" <<'PY'
import os, sys
f = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print((int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK"))
PY
}

# ---- 1. an optimized build ----
cd "$REPO"
if [ ! -f build-release/build.ninja ]; then
    log "configuring build-release"
    meson setup build-release -Dbuildtype=release -Dtests=disabled >&2
fi
ninja -C build-release >&2

# ---- 2. the data, through the bulk path ----
DB=$WORK/bench.db
if [ -n "${BENCH_DB:-}" ]; then
    [ -f "$BENCH_DB" ] || die "BENCH_DB=$BENCH_DB does not exist"
    log "copying $BENCH_DB (generation not timed)"
    cp "$BENCH_DB" "$DB"
    [ ! -f "$BENCH_DB-wal" ] || cp "$BENCH_DB-wal" "$DB-wal"
    N_TICKETS=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select max(id) from tickets").fetchone()[0])' "$DB")
    PEOPLE=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from people").fetchone()[0])' "$DB")
    GEN_S=null
    # the pages in use (a copied file may carry free pages from whatever was done to it)
    DB_BYTES=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); q=lambda p: c.execute("pragma "+p).fetchone()[0]; print((q("page_count")-q("freelist_count"))*q("page_size"))' "$DB")
else
    log "generating $N_TICKETS tickets, $PEOPLE people"
    t0=$(now)
    "$BIN" demo --db "$DB" --people "$PEOPLE" --tickets "$N_TICKETS" --messages 5 >"$WORK/demo.log"
    t1=$(now)
    GEN_S=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))" "$t0" "$t1")
    log "generated in ${GEN_S}s"
fi
[ -n "${DB_BYTES:-}" ] || DB_BYTES=$(($(file_size "$DB") + $(file_size "$DB-wal")))

# ---- 3. credentials: a pro for reads, queue and creation; 32 people for claims ----
token() {
    local t
    t=$("$BIN" user token --db "$DB" --email "$1" --name bench 2>>"$WORK/cli.log") ||
        die "user token for $1 failed: $(tail -3 "$WORK/cli.log")"
    case "$t" in aht_*) echo "$t" ;; *) die "user token for $1 printed no token" ;; esac
}
PRO_TOKEN=$(token pro@demo.allhands.test)
AUTH="Authorization:Bearer $PRO_TOKEN"
: >"$WORK/tokens"
for i in $(seq "$FIRST_PERSON" $((FIRST_PERSON + CLAIMERS - 1))); do
    token "person$i@demo.allhands.test" >>"$WORK/tokens"
done

# ---- 4. the server ----
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
log "serving on $BASE with $THREADS threads"
ALLHANDS_LOG_LEVEL=warn "$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --threads "$THREADS" \
    >"$WORK/server.log" 2>&1 &
SPID=$!
for _ in $(seq 300); do
    curl -sf -o /dev/null "$BASE/healthz" && break
    kill -0 "$SPID" 2>/dev/null || die "the server exited: $(tail -5 "$WORK/server.log")"
    sleep 0.1
done
curl -sf -o /dev/null "$BASE/healthz" || die "the server did not become healthy in 30s"
# one request of each kind by hand, so a broken setup fails here and not as a wall of non-2xx
for path in /api/v1/tickets/1 "/api/v1/queue?limit=50"; do
    code=$(curl -s -o "$WORK/check.json" -w '%{http_code}' -H "${AUTH/:/: }" "$BASE$path")
    [ "$code" = 200 ] || die "GET $path answered $code: $(head -c 300 "$WORK/check.json")"
done

# ---- 5. the load ----
# run NAME WRK-ARGS...: one wrk run; prints its RESULT (and CLAIMS) fields plus the server's CPU
run() {
    local name=$1 c0 c1
    shift
    log "wrk: $name ($DURATION)"
    c0=$(cpu_seconds "$SPID")
    wrk -d"$DURATION" --latency --timeout 10s "$@" >"$WORK/wrk_$name.txt" 2>&1 ||
        die "wrk $name failed: $(tail -5 "$WORK/wrk_$name.txt")"
    kill -0 "$SPID" 2>/dev/null || die "the server died during $name: $(tail -5 "$WORK/server.log")"
    c1=$(cpu_seconds "$SPID")
    grep -q '^RESULT ' "$WORK/wrk_$name.txt" || die "wrk $name printed no RESULT: $(tail -5 "$WORK/wrk_$name.txt")"
    echo "$(sed -n 's/^RESULT //p' "$WORK/wrk_$name.txt") $(sed -n 's/^CLAIMS //p' "$WORK/wrk_$name.txt" |
        sed 's/\([a-z]*\)=/claims_\1=/g') $(sed -n 's/^CLAIMS_STATUS \([0-9]*\) \([0-9]*\)$/claims_status_\1=\2/p' \
        "$WORK/wrk_$name.txt" | tr '\n' ' ') server_cpu_s=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$c0" "$c1")"
}
# shellcheck disable=SC2162 # "read" is the run's name, not the builtin
READ_R=$(run read -t2 -c32 -s "$FLOOR/get_ticket.lua" "$BASE" -- "$N_TICKETS" /api/v1/tickets/ "$AUTH")
QUEUE_R=$(run queue -t2 -c32 -s "$FLOOR/get_path.lua" "$BASE/api/v1/queue?limit=50" -- "$AUTH")
CREATE_R=$(run create -t2 -c32 -s "$FLOOR/post_ticket.lua" "$BASE/api/v1/tickets" -- limit "$AUTH")
CLAIM_R=$(run claim -t"$CLAIMERS" -c"$CLAIMERS" -s "$REPO/bench/claim.lua" "$BASE/api/v1/queue/next" -- "$WORK/tokens")
RSS_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$SPID/status")
stop_server
if [ -s "$WORK/server.log" ]; then
    log "server log (warnings and errors), last lines:"
    tail -5 "$WORK/server.log" >&2
fi

# ---- 6. the floor, in the same run ----
FLOOR_JSON=null
if [ "${BENCH_FLOOR:-1}" != 0 ]; then
    log "running the floor on $N_TICKETS tickets (loads its own data)"
    FLOOR_JSON=$("$FLOOR/floor.sh" "$N_TICKETS" "$DURATION") || die "floor.sh failed"
fi

# ---- 7. the report ----
export LOAD_BEFORE N_TICKETS PEOPLE DURATION THREADS CLAIMERS GEN_S DB_BYTES RSS_KB FLOOR_JSON OUT
export READ_R QUEUE_R CREATE_R CLAIM_R
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
export COMMIT
python3 - <<'PY'
import datetime, json, os, platform, subprocess

E = os.environ

def kv(s):
    return {k: float(v) for k, v in (p.split("=", 1) for p in s.split())}

def run(name):
    r = kv(E[name])
    out = {"rps": r["rps"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
           "requests": int(r["requests"]), "non2xx": int(r["non2xx"]),
           "sockerr": int(r["sockerr"]), "server_cpu_s": r["server_cpu_s"]}
    out["server_cpu_us_per_req"] = (round(1e6 * r["server_cpu_s"] / r["requests"], 1)
                                    if r["requests"] else None)
    if "claims_claims" in r:
        # every 200 is one real claim; 204 (queue empty) and anything else are not
        out["rps"] = r["claims_rps"]
        out["requests_per_s"] = r["rps"]
        out["claims"] = int(r["claims_claims"])
        out["empty_204"] = int(r["claims_empty"])
        out["other_status"] = int(r["claims_other"])
        out["other_statuses"] = {k[len("claims_status_"):]: int(v) for k, v in r.items()
                                 if k.startswith("claims_status_")}
    # for claims every status but 200 and 204 is a failure; wrk's non2xx (>= 400) are among them
    out["errors"] = out["sockerr"] + (out["other_status"] if "other_status" in out
                                      else out["non2xx"])
    return out

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None

ah = {
    "create": run("CREATE_R"),
    "read": run("READ_R"),
    "queue": run("QUEUE_R"),
    "claim": run("CLAIM_R"),
    "max_rss_kb": int(E["RSS_KB"]),
    "db_bytes": int(E["DB_BYTES"]),
    "generation_s": None if E["GEN_S"] == "null" else float(E["GEN_S"]),
}
floor = json.loads(E["FLOOR_JSON"])

def fl(path):
    if floor is None:
        return None
    v = floor
    for k in path:
        v = v.get(k) if isinstance(v, dict) else None
    return v

MB = 1024 * 1024
# figure, allhands value, floor value, target (op, value) or None, unit format
rows = [
    ("create/s", ah["create"]["rps"], fl(["create", "rps"]), (">=", 6000), "{:.0f}", "create"),
    ("read/s", ah["read"]["rps"], fl(["read", "rps"]), (">=", 25000), "{:.0f}", "read"),
    ("queue page/s", ah["queue"]["rps"], fl(["queue", "rps"]), (">=", 9000), "{:.0f}", "queue"),
    ("queue p50 ms", ah["queue"]["p50_ms"], fl(["queue", "p50_ms"]), None, "{:.2f}", None),
    ("queue p99 ms", ah["queue"]["p99_ms"], fl(["queue", "p99_ms"]), ("<=", 20), "{:.2f}", None),
    ("claims/s", ah["claim"]["rps"], fl(["claim", "rps"]), (">=", 6000), "{:.0f}", "claim"),
    ("RSS MB", ah["max_rss_kb"] / 1024, (fl(["max_rss_kb"]) or 0) / 1024 or None, ("<=", 64),
     "{:.1f}", None),
    ("db size MB", ah["db_bytes"] / MB, None, None, "{:.1f}", None),
    ("generation s", ah["generation_s"], None, None, "{:.1f}", None),
]

figures, table = {}, []
for name, a, f, target, fmt, run_name in rows:
    ratio = round(a / f, 3) if a is not None and f else None
    met = None
    if target and a is not None:
        met = a >= target[1] if target[0] == ">=" else a <= target[1]
    errors = ah[run_name]["errors"] if run_name else None
    figures[name] = {"allhands": a, "floor": f, "ratio": ratio,
                     "target": f"{target[0]} {target[1]}" if target else None, "met": met}
    if run_name:
        figures[name]["errors"] = errors
    table.append([
        name,
        "-" if a is None else fmt.format(a),
        "-" if f is None else fmt.format(f),
        "-" if ratio is None else f"{ratio:.2f}",
        f"{target[0]} {target[1]}" if target else "-",
        "-" if met is None else ("yes" if met else "NO"),
        "-" if errors is None else (str(errors) if errors == 0 else f"{errors} !"),
    ])

errors_total = sum(ah[r]["errors"] for r in ("create", "read", "queue", "claim"))
targets_met = all(v["met"] for v in figures.values() if v["met"] is not None)
machine = {
    "nproc": os.cpu_count(),
    "cpu": cpu_model(),
    "kernel": platform.release(),
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    # a shared machine: other work running beside the bench shows here
    "loadavg_before": E["LOAD_BEFORE"],
    "loadavg_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
}
try:
    machine["mem_total_kb"] = int(next(l.split()[1] for l in open("/proc/meminfo")
                                       if l.startswith("MemTotal")))
except (OSError, StopIteration):
    pass
result = {
    "config": {"tickets": int(E["N_TICKETS"]), "people": int(E["PEOPLE"]),
               "duration": E["DURATION"], "server_threads": int(E["THREADS"]),
               "wrk": "-t2 -c32 (claims: -t%s -c%s, one person per connection)"
                      % (E["CLAIMERS"], E["CLAIMERS"]),
               "commit": E["COMMIT"]},
    "machine": machine,
    "allhands": ah,
    "floor": floor,
    "figures": figures,
    "targets_met": targets_met,
    "errors": errors_total,
    "clean": errors_total == 0,
}
os.makedirs(os.path.dirname(os.path.abspath(E["OUT"])), exist_ok=True)
with open(E["OUT"], "w") as fh:
    json.dump(result, fh, indent=2)
    fh.write("\n")

head = ["figure", "allhands", "floor", "ratio", "target", "met", "errors"]
w = [max(len(str(r[i])) for r in [head] + table) for i in range(len(head))]
line = lambda r: "| " + " | ".join(str(c).rjust(w[i]) if i else str(c).ljust(w[i])
                                   for i, c in enumerate(r)) + " |"
print()
print(f"allhands bench: {E['N_TICKETS']} tickets, {E['PEOPLE']} people, {E['DURATION']} per run, "
      f"{machine['nproc']} CPUs, load {machine['loadavg_before']} -> {machine['loadavg_after']}, "
      f"{machine['date']}")
print(line(head))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in table:
    print(line(r))
print()
print("per run:  rps  p50 ms  p99 ms  non2xx  sockerr  server CPU us/request")
for r in ("create", "read", "queue", "claim"):
    x = ah[r]
    print(f"  {r:<7} {x['rps']:>8.0f} {x['p50_ms']:>7.2f} {x['p99_ms']:>7.2f} {x['non2xx']:>7} "
          f"{x['sockerr']:>8}  {x['server_cpu_us_per_req'] or 0:>8.1f}")
if "claims" in ah["claim"]:
    c = ah["claim"]
    print(f"  claims: {c['claims']} claimed (200), {c['empty_204']} queue empty (204), "
          f"{c['other_status']} other"
          + (" (" + ", ".join(f"{n} x {k}" for k, n in sorted(c["other_statuses"].items())) + ")"
             if c["other_statuses"] else ""))
print()
if errors_total:
    print(f"WARNING: {errors_total} failed requests (non-2xx, socket errors): the figures are suspect")
print("targets: " + ("all met" if targets_met else "NOT all met") + f"; written to {E['OUT']}")
PY

if [ "${BENCH_STRICT:-0}" = 1 ]; then
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["clean"] and r["targets_met"] else 1)' "$OUT"
fi
