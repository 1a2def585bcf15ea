#!/usr/bin/env bash
# bench.sh - the allhands benchmark, run by `make bench` (after scripts/deps.sh bench).
#
# Builds an optimized allhands, fills a database with the demo company through the bulk path
# (timed), serves it on a free loopback port with 2 worker threads and drives four endpoints with
# wrk: ticket creation, reads by id, the 50-row queue page and queue claims. Then runs the bare
# floor (../shared/floor/floor.sh: libmicrohttpd + SQLite + jansson and nothing else) on the same
# number of tickets, and prints each figure beside the floor's, as a ratio, and against its target.
# Between the two, bench/mail_bench.sh measures email: mail-in (one process a message), import
# mbox, and the outbox sent to a local SMTP server; and repeated questions: the list of groups
# (wrk), and BENCH_GROUP_N (10000) questions arriving on top of the million the demo grouped,
# placed by `allhands groups run`, which times each. Writes bench/results.json.
#
# BACKEND=pg runs the same four wrk runs against PostgreSQL instead (section "PostgreSQL" below):
# a throwaway cluster (scripts/pg-cluster.sh), the demo company generated into it (timed: made in
# a scratch SQLite file by the bulk path and copied in with COPY), then (1) one server and (2) two servers on the same database behind HAProxy, with a
# double-claim check after each claim run. No floor (it is SQLite-only). Writes bench/results-pg.json.
#
# Environment (all optional):
#   BACKEND         sqlite (default) or pg
#   BENCH_TICKETS   tickets to generate (default 1000000)
#   BENCH_PEOPLE    people in the demo company (default 5000, at least 40)
#   BENCH_WEEKS     weeks of queue sessions in it (default 104; SQLite)
#   BENCH_DURATION  wrk duration of each run (default 10s)
#   BENCH_FLOOR     0 skips the floor (quick runs while developing; no ratios then; SQLite only)
#   BENCH_DB        an existing demo database to use instead of generating one (it is copied,
#                   not changed; generation time is then not measured; SQLite only)
#   BENCH_OUT       where to write the JSON (default bench/results.json; pg: bench/results-pg.json)
#   BENCH_STRICT    1: exit 1 when a run had errors or a target is missed
#   FLOOR_DIR       the floor's directory (default <repo>/../shared/floor)
#   MAIL_IN_N, MAIL_DEMO_N, MAIL_MBOX_N, MAIL_SEND_N   sizes of the mail runs (bench/mail_bench.sh;
#                   default 10000, 1000, 50000, 2000; SQLite only)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
FLOOR=$(cd "${FLOOR_DIR:-$REPO/../shared/floor}" && pwd)
export FLOOR_DIR=$FLOOR # claim.lua finds report.lua through it
BACKEND=${BACKEND:-sqlite}
case "$BACKEND" in
sqlite)
    N_TICKETS=${BENCH_TICKETS:-1000000}
    OUT=${BENCH_OUT:-$REPO/bench/results.json}
    ;;
pg)
    N_TICKETS=${BENCH_TICKETS:-1000000}
    OUT=${BENCH_OUT:-$REPO/bench/results-pg.json}
    ;;
*) echo "bench: BACKEND must be sqlite or pg, not $BACKEND" >&2; exit 2 ;;
esac
PEOPLE=${BENCH_PEOPLE:-5000}
WEEKS=${BENCH_WEEKS:-104} # weeks of measured queue time: two years, about 2M sessions
DURATION=${BENCH_DURATION:-10s}
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
# PostgreSQL only: the servers, the HAProxy and the cluster this run started
PG_SPIDS=()
PROXY_PID=
PG_STARTED=
stop_pg_servers() {
    local pid
    for pid in "${PG_SPIDS[@]}" $PROXY_PID; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PG_SPIDS[@]}" $PROXY_PID; do
        wait "$pid" 2>/dev/null || true
    done
    PG_SPIDS=()
    PROXY_PID=
}
cleanup() {
    stop_server
    stop_pg_servers
    if [ -n "$PG_STARTED" ]; then
        "$REPO/scripts/pg-cluster.sh" stop || true
        PG_STARTED=
    fi
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

# an API token for person $1 in the database $DB
token() {
    local t
    t=$("$BIN" user token --db "$DB" --email "$1" --name bench 2>>"$WORK/cli.log") ||
        die "user token for $1 failed: $(tail -3 "$WORK/cli.log")"
    case "$t" in aht_*) echo "$t" ;; *) die "user token for $1 printed no token" ;; esac
}

# ---- 1. an optimized build ----
cd "$REPO"
if [ ! -f build-release/build.ninja ]; then
    log "configuring build-release"
    meson setup build-release -Dbuildtype=release -Dtests=disabled >&2
fi
ninja -C build-release >&2

# ---- 1b. the style check and routing on 200 rules each, no server (bench/lint_bench.c) ----
log "lint_bench: ah_style_check of a 2 KB reply, ah_router_apply of a ticket, 20000 calls each"
LINT_R=$(build-release/lint_bench) || die "lint_bench failed"
python3 - "$LINT_R" <<'PY'
import sys
fig = {l.split()[0]: dict(p.split("=", 1) for p in l.split()[1:]) for l in sys.argv[1].splitlines()}
rows = [("lint median us", fig["LINT"]["median_us"], 200), ("lint p99 us", fig["LINT"]["p99_us"], None),
        ("route median us", fig["ROUTE"]["median_us"], 50), ("route p99 us", fig["ROUTE"]["p99_us"], None)]
l, r = fig["LINT"], fig["ROUTE"]
print(f"lint and routing: {l['rules']} rules ({l['phrases']} phrases, {l['regexes']} regexes), "
      f"{l['bytes']}-byte reply and {r['bytes']}-byte ticket, {l['runs']} calls each, no server")
print("| figure          | allhands | target | met |")
print("|-----------------|----------|--------|-----|")
for name, v, t in rows:
    met = "-" if t is None else ("yes" if float(v) <= t else "NO")
    print(f"| {name:<15} | {float(v):>8.1f} | {'<= ' + str(t) if t else '-':>6} | {met:>3} |")
print()
PY

# ==== PostgreSQL (BACKEND=pg): the same runs, with one and with two servers on one database ====
if [ "$BACKEND" = pg ]; then
    [ -z "${BENCH_DB:-}" ] || die "BENCH_DB is SQLite-only; BACKEND=pg always generates its data"
    for tool in psql haproxy; do
        command -v "$tool" >/dev/null || die "$tool is missing (BACKEND=pg scripts/deps.sh bench installs it)"
    done

    # CPU seconds of the PostgreSQL cluster: the postmaster, its live backends and those that ended
    pg_cpu_seconds() {
        python3 - "$(head -1 "$PGCLUSTER_DIR/data/postmaster.pid")" <<'PY'
import os, sys
pm = sys.argv[1]
def stat(pid):
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
f = stat(pm)
total = sum(int(x) for x in f[11:15])  # utime stime cutime cstime
for p in os.listdir("/proc"):
    if p.isdigit() and p != pm:
        c = stat(p)
        if c and c[1] == pm:
            total += int(c[11]) + int(c[12])
print(total / os.sysconf("SC_CLK_TCK"))
PY
    }
    sum_cpu() { # PID... -> their CPU seconds added up
        local pid total=0
        for pid in "$@"; do
            total=$(python3 -c "import sys; print(float(sys.argv[1]) + float(sys.argv[2]))" "$total" "$(cpu_seconds "$pid")")
        done
        echo "$total"
    }
    delta() { python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$1" "$2"; }
    wait_healthy() { # URL LOG [PID]
        local _
        for _ in $(seq 300); do
            curl -sf -o /dev/null "$1/healthz" && return 0
            [ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || die "$(basename "$2" .log) exited: $(tail -5 "$2")"
            sleep 0.1
        done
        die "$1 did not become healthy in 30s: $(tail -5 "$2")"
    }

    # ---- pg 2. a throwaway cluster, a database, and the demo company generated into it ----
    log "starting a throwaway PostgreSQL cluster"
    # sized like a server given to PostgreSQL: the 2 GB database fits in its buffers (24 GB RAM here)
    CLUSTER_ENV=$(PGCLUSTER_SETTINGS="shared_buffers=3GB effective_cache_size=8GB work_mem=16MB maintenance_work_mem=512MB max_wal_size=4GB" \
        "$REPO/scripts/pg-cluster.sh" start) || die "scripts/pg-cluster.sh start failed"
    eval "$CLUSTER_ENV"
    PG_STARTED=1
    psql "$AH_TEST_PG/postgres" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE bench" >&2 ||
        die "CREATE DATABASE failed"
    DB=$AH_TEST_PG/bench
    PG_VERSION=$(psql "$DB" -qAtc "SHOW server_version")
    log "generating $N_TICKETS tickets, $PEOPLE people into PostgreSQL $PG_VERSION (SQLite scratch file, then COPY)"
    t0=$(now)
    "$BIN" demo --db "$DB" --people "$PEOPLE" --tickets "$N_TICKETS" --messages 5 >"$WORK/demo.log" 2>&1 ||
        die "demo failed: $(tail -5 "$WORK/demo.log")"
    t1=$(now)
    GEN_S=$(delta "$t0" "$t1")
    log "generated in ${GEN_S}s"
    psql "$DB" -qAt -c "VACUUM ANALYZE" >&2
    DB_BYTES=$(psql "$DB" -qAtc "SELECT pg_database_size('bench')")

    # ---- pg 3. credentials, as for SQLite ----
    PRO_TOKEN=$(token pro@demo.allhands.test)
    AUTH="Authorization:Bearer $PRO_TOKEN"
    : >"$WORK/tokens"
    for i in $(seq "$FIRST_PERSON" $((FIRST_PERSON + CLAIMERS - 1))); do
        token "person$i@demo.allhands.test" >>"$WORK/tokens"
    done

    # claim.lua with a log: each claimer writes "C <id> <us>" when a 200 hands it a ticket and
    # "R <id> <us>" when it sends the request that gives it back (CLOCK_MONOTONIC, one clock for
    # every thread); the check below finds any ticket two claimers held at once by these clocks
    cat >"$WORK/claim_logged.lua" <<'LUA'
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } ah_bench_ts;
int clock_gettime(int clk, ah_bench_ts *ts);
]]
local ts = ffi.new("ah_bench_ts")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end
dofile(os.getenv("AH_CLAIM_LUA"))
local claim_init, claim_request, claim_response = init, request, response
local log
init = function(args)
  claim_init(args)
  log = io.open(string.format("%s.%d", os.getenv("AH_CLAIM_LOG"), tid), "w")
  log:setvbuf("line")
end
request = function()
  if held then log:write(string.format("R %d %d\n", held, now_us())) end
  return claim_request()
end
response = function(status, headers, body)
  claim_response(status, headers, body)
  if status == 200 and held then log:write(string.format("C %d %d\n", held, now_us())) end
end
LUA

    # pg_run SETUP NAME WRK-ARGS...: one wrk run against $BASE; prints its fields as run() does,
    # with the CPU of the servers, of PostgreSQL and of the proxy (if any) during the run
    pg_run() {
        local setup=$1 name=$2 s0 s1 p0 p1 x0 x1
        shift 2
        log "wrk: $setup $name ($DURATION)"
        s0=$(sum_cpu "${PG_SPIDS[@]}")
        p0=$(pg_cpu_seconds)
        x0=0
        [ -z "$PROXY_PID" ] || x0=$(cpu_seconds "$PROXY_PID")
        AH_CLAIM_LUA=$REPO/bench/claim.lua AH_CLAIM_LOG=$WORK/claimlog_$setup \
            wrk -d"$DURATION" --latency --timeout 10s "$@" >"$WORK/wrk_${setup}_$name.txt" 2>&1 ||
            die "wrk $setup $name failed: $(tail -5 "$WORK/wrk_${setup}_$name.txt")"
        local pid
        for pid in "${PG_SPIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null || die "a server died during $setup $name: $(tail -5 "$WORK"/server_*.log)"
        done
        s1=$(sum_cpu "${PG_SPIDS[@]}")
        p1=$(pg_cpu_seconds)
        x1=0
        [ -z "$PROXY_PID" ] || x1=$(cpu_seconds "$PROXY_PID")
        local f=$WORK/wrk_${setup}_$name.txt
        grep -q '^RESULT ' "$f" || die "wrk $setup $name printed no RESULT: $(tail -5 "$f")"
        echo "$(sed -n 's/^RESULT //p' "$f") $(sed -n 's/^CLAIMS //p' "$f" |
            sed 's/\([a-z]*\)=/claims_\1=/g') $(sed -n 's/^CLAIMS_STATUS \([0-9]*\) \([0-9]*\)$/claims_status_\1=\2/p' \
            "$f" | tr '\n' ' ') server_cpu_s=$(delta "$s0" "$s1") pg_cpu_s=$(delta "$p0" "$p1") proxy_cpu_s=$(delta "$x0" "$x1")"
    }

    # double_claims SETUP: prints "double_claims=N multi_held=M logged_claims=K"
    #  N: pairs of claimers that held one ticket at the same time by the claimers' clocks: a claimer
    #     holds a ticket from the 200 that gave it until it sends the request that gives it back;
    #     if B's 200 for a ticket arrives before A sent that ticket back, both held it at once
    #  M: people holding more than one claimed ticket in the database after the run (psql)
    double_claims() {
        local setup=$1 multi
        multi=$(psql "$DB" -qAt -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM (SELECT assignee_id FROM tickets
            WHERE claim_until IS NOT NULL GROUP BY assignee_id HAVING count(*) > 1) m") || die "psql check failed"
        python3 - "$WORK/claimlog_$setup" "$multi" <<'PY'
import glob, sys
prefix, multi = sys.argv[1], int(sys.argv[2])
holds = {}  # ticket -> [(start, end, claimer)]
logged = 0
for path in glob.glob(prefix + ".*"):
    who = path.rsplit(".", 1)[1]
    open_ = {}  # ticket -> start: what this claimer holds now
    for line in open(path):
        kind, tid, t = line.split()
        tid, t = int(tid), int(t)
        if kind == "C":
            logged += 1
            open_.setdefault(tid, t)  # the same ticket handed again to its holder: one hold
        elif tid in open_:
            holds.setdefault(tid, []).append((open_.pop(tid), t, who))
    for tid, start in open_.items():
        holds.setdefault(tid, []).append((start, float("inf"), who))
doubles = 0
for spans in holds.values():
    spans.sort()
    end = -1
    for start, stop, who in spans:
        if start < end:
            doubles += 1
        end = max(end, stop)
print(f"double_claims={doubles} multi_held={multi} logged_claims={logged}")
PY
    }

    # pg_setup SETUP: the four runs against $BASE, then the double-claim check and the peak RSS
    pg_setup() {
        local setup=$1 r pid rss=0 rss_max=0 kb
        for path in /api/v1/tickets/1 "/api/v1/queue?limit=50"; do
            code=$(curl -s -o "$WORK/check.json" -w '%{http_code}' -H "${AUTH/:/: }" "$BASE$path")
            [ "$code" = 200 ] || die "GET $path answered $code: $(head -c 300 "$WORK/check.json")"
        done
        r="R_${setup}_"
        local v # (an assignment of its own, so that a failed run stops the bench under set -e)
        v=$(pg_run "$setup" read -t2 -c32 -s "$FLOOR/get_ticket.lua" "$BASE" -- "$N_TICKETS" /api/v1/tickets/ "$AUTH")
        printf -v "${r}read" '%s' "$v"
        v=$(pg_run "$setup" queue -t2 -c32 -s "$FLOOR/get_path.lua" "$BASE/api/v1/queue?limit=50" -- "$AUTH")
        printf -v "${r}queue" '%s' "$v"
        v=$(pg_run "$setup" create -t2 -c32 -s "$FLOOR/post_ticket.lua" "$BASE/api/v1/tickets" -- limit "$AUTH")
        printf -v "${r}create" '%s' "$v"
        v=$(pg_run "$setup" claim -t"$CLAIMERS" -c"$CLAIMERS" -s "$WORK/claim_logged.lua" "$BASE/api/v1/queue/next" -- "$WORK/tokens")
        printf -v "${r}claim" '%s' "$v"
        v=$(double_claims "$setup")
        printf -v "${r}doubles" '%s' "$v"
        for pid in "${PG_SPIDS[@]}"; do
            kb=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
            rss=$((rss + kb))
            [ "$kb" -le "$rss_max" ] || rss_max=$kb
        done
        printf -v "${r}rss" '%s' "rss_kb_sum=$rss rss_kb_max=$rss_max"
        export "${r}read" "${r}queue" "${r}create" "${r}claim" "${r}doubles" "${r}rss"
    }

    start_pg_server() { # NAME PORT
        log "server $1 on 127.0.0.1:$2 with $THREADS threads"
        ALLHANDS_LOG_LEVEL=warn "$BIN" serve --db "$DB" --listen "127.0.0.1:$2" --threads "$THREADS" \
            >"$WORK/server_$1.log" 2>&1 &
        PG_SPIDS+=($!)
        wait_healthy "http://127.0.0.1:$2" "$WORK/server_$1.log" "$!"
    }
    server_logs() {
        local f
        for f in "$WORK"/server_*.log; do
            if [ -s "$f" ]; then
                log "$(basename "$f") (warnings and errors), last lines:"
                tail -5 "$f" >&2
            fi
        done
    }

    # ---- pg 4a. one server ----
    P1=$(free_port)
    start_pg_server one "$P1"
    BASE=http://127.0.0.1:$P1
    pg_setup one
    server_logs
    stop_pg_servers

    # ---- pg 4b. two servers on the same database, behind HAProxy on a third loopback port ----
    P1=$(free_port)
    start_pg_server a "$P1"
    P2=$(free_port)
    start_pg_server b "$P2"
    P3=$(free_port)
    cat >"$WORK/haproxy.cfg" <<EOF
global
    maxconn 1024
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout queue 30s
frontend bench
    bind 127.0.0.1:$P3
    default_backend allhands
backend allhands
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 1s fall 3 rise 1
    server a 127.0.0.1:$P1 check
    server b 127.0.0.1:$P2 check
EOF
    haproxy -c -q -f "$WORK/haproxy.cfg" >&2 || die "haproxy -c refused $WORK/haproxy.cfg"
    log "HAProxy on 127.0.0.1:$P3 in front of both (round robin, 1 thread)"
    haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
    PROXY_PID=$!
    BASE=http://127.0.0.1:$P3
    wait_healthy "$BASE" "$WORK/haproxy.log" "$PROXY_PID"
    pg_setup two
    server_logs
    stop_pg_servers

    # ---- pg 5. the report ----
    export LOAD_BEFORE N_TICKETS PEOPLE DURATION THREADS CLAIMERS GEN_S DB_BYTES OUT PG_VERSION
    COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    export COMMIT
    python3 - <<'PY'
import datetime, json, os, platform

E = os.environ

def kv(s):
    return {k: float(v) for k, v in (p.split("=", 1) for p in s.split())}

def run(setup, name):
    r = kv(E[f"R_{setup}_{name}"])
    out = {"rps": r["rps"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
           "requests": int(r["requests"]), "non2xx": int(r["non2xx"]),
           "sockerr": int(r["sockerr"]), "server_cpu_s": r["server_cpu_s"],
           "postgres_cpu_s": r["pg_cpu_s"]}
    if setup == "two":
        out["haproxy_cpu_s"] = r["proxy_cpu_s"]
    n = r["requests"]
    out["server_cpu_us_per_req"] = round(1e6 * r["server_cpu_s"] / n, 1) if n else None
    out["postgres_cpu_us_per_req"] = round(1e6 * r["pg_cpu_s"] / n, 1) if n else None
    if "claims_claims" in r:
        out["rps"] = r["claims_rps"]
        out["requests_per_s"] = r["rps"]
        out["claims"] = int(r["claims_claims"])
        out["empty_204"] = int(r["claims_empty"])
        out["other_status"] = int(r["claims_other"])
        out["other_statuses"] = {k[len("claims_status_"):]: int(v) for k, v in r.items()
                                 if k.startswith("claims_status_")}
        d = kv(E[f"R_{setup}_doubles"])
        out["double_claims"] = int(d["double_claims"])
        out["people_holding_several"] = int(d["multi_held"])
        out["logged_claims"] = int(d["logged_claims"])
    out["errors"] = out["sockerr"] + (out["other_status"] if "other_status" in out
                                      else out["non2xx"])
    return out

def setup(name):
    s = {r: run(name, r) for r in ("create", "read", "queue", "claim")}
    rss = kv(E[f"R_{name}_rss"])
    s["max_rss_kb"] = int(rss["rss_kb_max"])
    s["rss_kb_all_servers"] = int(rss["rss_kb_sum"])
    return s

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None

one, two = setup("one"), setup("two")
MB = 1024 * 1024
gen_s, db_bytes = float(E["GEN_S"]), int(E["DB_BYTES"])
doubles = lambda s: s["claim"]["double_claims"] + s["claim"]["people_holding_several"]
# figure, value(setup), target (op, value) or None, format, run (for errors)
rows = [
    ("create/s", lambda s: s["create"]["rps"], (">=", 3000), "{:.0f}", "create"),
    ("read/s", lambda s: s["read"]["rps"], (">=", 10000), "{:.0f}", "read"),
    ("queue page/s", lambda s: s["queue"]["rps"], None, "{:.0f}", "queue"),
    ("queue p50 ms", lambda s: s["queue"]["p50_ms"], None, "{:.2f}", None),
    ("queue p99 ms", lambda s: s["queue"]["p99_ms"], ("<=", 30), "{:.2f}", None),
    ("claims/s", lambda s: s["claim"]["rps"], (">=", 2000), "{:.0f}", "claim"),
    ("double claims", doubles, ("==", 0), "{:d}", None),
    ("RSS MB (per server)", lambda s: s["max_rss_kb"] / 1024, None, "{:.1f}", None),
]

def met(target, a):
    if not target or a is None:
        return None
    op, v = target
    return a >= v if op == ">=" else a <= v if op == "<=" else a == v

figures, table = {}, []
for name, f, target, fmt, run_name in rows:
    a1, a2 = f(one), f(two)
    m1, m2 = met(target, a1), met(target, a2)
    e1 = one[run_name]["errors"] if run_name else None
    e2 = two[run_name]["errors"] if run_name else None
    figures[name] = {"one_server": a1, "two_servers": a2,
                     "target": f"{target[0]} {target[1]}" if target else None,
                     "met_one": m1, "met_two": m2, "floor": None}
    if run_name:
        figures[name]["errors_one"], figures[name]["errors_two"] = e1, e2
    yn = lambda m: "-" if m is None else ("yes" if m else "NO")
    er = lambda e: "-" if e is None else (str(e) if e == 0 else f"{e} !")
    table.append([name, fmt.format(a1), fmt.format(a2), "n/a",
                  f"{target[0]} {target[1]}" if target else "-",
                  "-" if m1 is None else f"{yn(m1)} / {yn(m2)}",
                  "-" if e1 is None else f"{er(e1)} / {er(e2)}"])
for name, v, fmt in (("db size MB", db_bytes / MB, "{:.1f}"), ("generation s", gen_s, "{:.1f}")):
    figures[name] = {"value": v, "target": None}
    table.append([name, fmt.format(v), "(same db)", "n/a", "-", "-", "-"])

errors_total = sum(s[r]["errors"] for s in (one, two) for r in ("create", "read", "queue", "claim"))
targets_met = all(v[k] for v in figures.values() for k in ("met_one", "met_two")
                  if v.get(k) is not None)
machine = {
    "nproc": os.cpu_count(),
    "cpu": cpu_model(),
    "kernel": platform.release(),
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "loadavg_before": E["LOAD_BEFORE"],
    "loadavg_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
}
try:
    machine["mem_total_kb"] = int(next(l.split()[1] for l in open("/proc/meminfo")
                                       if l.startswith("MemTotal")))
except (OSError, StopIteration):
    pass
result = {
    "backend": "postgresql",
    "config": {"tickets": int(E["N_TICKETS"]), "people": int(E["PEOPLE"]),
               "duration": E["DURATION"], "server_threads": int(E["THREADS"]),
               "postgresql": E["PG_VERSION"],
               "two_servers": "two `allhands serve` on one database behind HAProxy (round robin, "
                              "nbthread 1), all on this machine",
               "wrk": "-t2 -c32 (claims: -t%s -c%s, one person per connection)"
                      % (E["CLAIMERS"], E["CLAIMERS"]),
               "commit": E["COMMIT"]},
    "machine": machine,
    "generation_s": gen_s,
    "db_bytes": db_bytes,
    "one_server": one,
    "two_servers": two,
    "floor": None,
    "floor_note": "not run: the floor is SQLite-only",
    "figures": figures,
    "targets_met": targets_met,
    "errors": errors_total,
    "double_claims": doubles(one) + doubles(two),
    "clean": errors_total == 0,
}
os.makedirs(os.path.dirname(os.path.abspath(E["OUT"])), exist_ok=True)
with open(E["OUT"], "w") as fh:
    json.dump(result, fh, indent=2)
    fh.write("\n")

head = ["figure", "1 server", "2 servers", "floor", "target", "met 1 / 2", "errors 1 / 2"]
w = [max(len(str(r[i])) for r in [head] + table) for i in range(len(head))]
line = lambda r: "| " + " | ".join(str(c).rjust(w[i]) if i else str(c).ljust(w[i])
                                   for i, c in enumerate(r)) + " |"
print()
print(f"allhands bench, PostgreSQL {E['PG_VERSION']}: {E['N_TICKETS']} tickets, {E['PEOPLE']} people, "
      f"{E['DURATION']} per run, {machine['nproc']} CPUs, load {machine['loadavg_before']} -> "
      f"{machine['loadavg_after']}, {machine['date']}")
print(line(head))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in table:
    print(line(r))
print("floor: n/a - not run for PostgreSQL (the floor is SQLite-only); 2 servers: behind HAProxy")
print()
print("per run:  rps  p50 ms  p99 ms  non2xx  sockerr  CPU us/request: servers  postgres")
for sname, s in (("1 server", one), ("2 servers", two)):
    print(f" {sname}")
    for r in ("create", "read", "queue", "claim"):
        x = s[r]
        print(f"  {r:<7} {x['rps']:>8.0f} {x['p50_ms']:>7.2f} {x['p99_ms']:>7.2f} {x['non2xx']:>7} "
              f"{x['sockerr']:>8}  {x['server_cpu_us_per_req'] or 0:>8.1f} "
              f"{x['postgres_cpu_us_per_req'] or 0:>8.1f}")
    c = s["claim"]
    print(f"  claims: {c['claims']} claimed (200), {c['empty_204']} queue empty (204), "
          f"{c['other_status']} other"
          + (" (" + ", ".join(f"{n} x {k}" for k, n in sorted(c["other_statuses"].items())) + ")"
             if c["other_statuses"] else "")
          + f"; {c['double_claims']} tickets held by two claimers at once, "
          f"{c['people_holding_several']} people holding more than one")
print()
if errors_total:
    print(f"WARNING: {errors_total} failed requests (non-2xx, socket errors): the figures are suspect")
if result["double_claims"]:
    print(f"WARNING: {result['double_claims']} double claims")
print("targets: " + ("all met" if targets_met else "NOT all met") + f"; written to {E['OUT']}")
PY

    echo "mail: not run on PostgreSQL (bench/mail_bench.sh measures mail-in, import mbox and mail-send on SQLite: make bench)"
    if [ "${BENCH_STRICT:-0}" = 1 ]; then
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["clean"] and r["targets_met"] and not r["double_claims"] else 1)' "$OUT"
    fi
    exit 0
fi

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
    log "generating $N_TICKETS tickets, $PEOPLE people, $WEEKS weeks of queue time"
    t0=$(now)
    "$BIN" demo --db "$DB" --people "$PEOPLE" --tickets "$N_TICKETS" --messages 5 --weeks "$WEEKS" \
        >"$WORK/demo.log"
    t1=$(now)
    GEN_S=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))" "$t0" "$t1")
    log "generated in ${GEN_S}s"
fi
[ -n "${DB_BYTES:-}" ] || DB_BYTES=$(($(file_size "$DB") + $(file_size "$DB-wal")))

# the program's figures read the week that ended last (REPORT_WEEK); the ladder for the week
# before it has run, as a server running all along would have (the report's streaks build on it)
read -r REPORT_WEEK PREV_WEEK < <(python3 -c '
import datetime
m = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday() + 7)
lab = lambda d: "%04d-W%02d" % d.isocalendar()[:2]
print(lab(m), lab(m - datetime.timedelta(weeks=1)))')
"$BIN" report week --db "$DB" --week "$PREV_WEEK" >"$WORK/ladder.log" 2>&1 ||
    die "report week failed: $(tail -3 "$WORK/ladder.log")"
SESSIONS=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from work_sessions").fetchone()[0])' "$DB")

# ---- 3. credentials: a pro for reads, queue and creation; 32 people for claims ----
PRO_TOKEN=$(token pro@demo.allhands.test)
LEAD_AUTH="Authorization:Bearer $(token lead@demo.allhands.test)"
LEDGER_ID=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select id from people where email = ?", ("person100@demo.allhands.test",)).fetchone()[0])' "$DB")
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
# the program: one lead reading the week's compliance report, a person's ledger, and the
# heartbeat of someone clocked in (what every open "My week" tab sends)
REPORT_R=$(run report -t1 -c1 -s "$FLOOR/get_path.lua" "$BASE/api/v1/reports/compliance?week=$REPORT_WEEK" -- "$LEAD_AUTH")
LEDGER_R=$(run ledger -t1 -c1 -s "$FLOOR/get_path.lua" "$BASE/api/v1/people/$LEDGER_ID/ledger" -- "$LEAD_AUTH")
curl -sf -o /dev/null -X POST -H "${AUTH/:/: }" "$BASE/api/v1/clock/in" || die "clock in failed"
BEAT_R=$(run heartbeat -t2 -c32 -s "$FLOOR/post_empty.lua" "$BASE/api/v1/clock/heartbeat" -- "$AUTH")
# the reply box: POST /lint of a 2 KB draft against a guide of 200 rules (the starter guide and
# generated ones, about 85% phrases), as a lead writes them through the API
python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
words = ["refund", "invoice", "export", "password", "outage", "billing", "upgrade", "downgrade",
         "webhook", "token", "import", "invite", "seat", "plan", "trial", "storage", "backup"]
with open(os.path.join(work, "rules.jsonl"), "w") as f:
    for i in range(190):
        w = words[i % len(words)]
        if i % 7 == 0:
            rule = {"kind": "regex", "pattern": r"\b%s\w*\s+(is|was)\s+broken%d\b" % (w, i)}
        else:
            rule = {"kind": "phrase", "pattern": "the %s thing %d" % (w, i)}
        rule.update(name="bench-%d" % i, severity=("warn", "tip", "block")[i % 3],
                    why="Generated for the benchmark.")
        f.write(json.dumps(rule) + "\n")
text = ("Hi Dana,\n\nThanks for writing in about the export. I looked at your account and the "
        "CSV export stopped because the file grew past the limit for your plan. You can split "
        "it by month: open Reports, choose Export, and pick a month at a time. Café owners "
        "often do this at the end of the quarter. \U0001F600 ")
while len(text.encode()) < 2000:
    text += "We keep your data safe, and the export will be ready in a few minutes. "
json.dump({"text": text[:2048], "ticket_id": 1}, open(os.path.join(work, "lint.json"), "w"))
PY
LINT_RULES=0
while read -r rule; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "${LEAD_AUTH/:/: }" \
        -H 'Content-Type: application/json' --data "$rule" "$BASE/api/v1/style-rules")
    case $code in 201 | 409) ;; *) die "POST /style-rules answered $code for $rule" ;; esac
    LINT_RULES=$((LINT_RULES + 1))
done <"$WORK/rules.jsonl"
LINT_RULES=$(curl -sf -H "${LEAD_AUTH/:/: }" "$BASE/api/v1/style-rules" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
LINTAPI_R=$(run lint -t2 -c32 -s "$REPO/bench/lint.lua" "$BASE/api/v1/lint" -- "$WORK/lint.json" "$AUTH")
# repeated questions: the list a lead opens, biggest groups first with their trends
GROUPS_R=$(run groups -t1 -c1 -s "$FLOOR/get_path.lua" "$BASE/api/v1/groups?limit=50" -- "$LEAD_AUTH")
RSS_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$SPID/status")
stop_server
if [ -s "$WORK/server.log" ]; then
    log "server log (warnings and errors), last lines:"
    tail -5 "$WORK/server.log" >&2
fi

# ---- 5a. repeated questions: 10,000 questions arrive on top of the million tickets the demo
# grouped (bench/groups_heldout.tsv and tests/groups/questions.tsv, cycled, with a made-up word
# each so that they are not all the same); `allhands groups run` places them and times each ----
GROUP_N=${BENCH_GROUP_N:-10000}
python3 - "$DB" "$GROUP_N" "$REPO" <<'PY'
import random, sqlite3, sys, time
db, n, repo = sqlite3.connect(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
texts = []
for path in ("bench/groups_heldout.tsv", "tests/groups/questions.tsv"):
    with open("%s/%s" % (repo, path), encoding="utf-8") as f:
        texts += [line.rstrip("\n").split("\t", 1)[1] for line in list(f)[1:]]
rng = random.Random(8)
cust = db.execute("select id from customers limit 1").fetchone()[0]
now = int(time.time() * 1000)
for i in range(n):
    text = rng.choice(texts) + " " + rng.choice(["asap", "today", "again", "still", "now"])
    t = now - (n - i) * 1000
    tid = db.execute("insert into tickets (subject, requester_id, status, priority, tier, source,"
                     " due_at, resolve_due_at, created_at, updated_at) values"
                     " (?, ?, 0, 2, 1, 'web', ?, ?, ?, ?)",
                     (text[:200], cust, t + 3600000, t + 86400000, t, t)).lastrowid
    db.execute("insert into messages (ticket_id, kind, body, created_at) values (?, 0, ?, ?)",
               (tid, text, t))
db.commit()
PY
log "groups: assigning $GROUP_N arriving questions"
"$BIN" groups run --db "$DB" >"$WORK/groups.log" 2>&1 || die "groups run failed: $(tail -3 "$WORK/groups.log")"
GROUP_P50_US=$(sed -n 's/.* \([0-9]*\) us median.*/\1/p' "$WORK/groups.log")
GROUP_P99_US=$(sed -n 's/.*, \([0-9]*\) us at p99.*/\1/p' "$WORK/groups.log")
GROUPS_TOTAL=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from question_groups where status < 2").fetchone()[0])' "$DB")
[ -n "$GROUP_P50_US" ] && [ -n "$GROUP_P99_US" ] || die "groups run printed no timings: $(cat "$WORK/groups.log")"

# ---- 5b. email (bench/mail_bench.sh): mail-in, one process a message, into a fresh database and
# MAIL_DEMO_N (1000) of the same messages into this demo database (its wrk runs are over; it
# only gains tickets); import mbox, twice; the outbox drained into a local SMTP server ----
MAIL_JSON=$WORK/mail.json
MAIL_RC=0
MAIL_DEMO_DB=$DB MAIL_OUT=$MAIL_JSON "$REPO/bench/mail_bench.sh" "$BIN" || MAIL_RC=$?
# 1: it ran, and counted errors (in its JSON); anything else: it could not run
[ "$MAIL_RC" -le 1 ] && [ -s "$MAIL_JSON" ] || die "bench/mail_bench.sh failed (exit $MAIL_RC)"
[ "$MAIL_RC" = 0 ] || log "ERROR: the mail bench counted errors (above): its figures are suspect"

# ---- 6. the floor, in the same run ----
FLOOR_JSON=null
if [ "${BENCH_FLOOR:-1}" != 0 ]; then
    log "running the floor on $N_TICKETS tickets (loads its own data)"
    FLOOR_JSON=$("$FLOOR/floor.sh" "$N_TICKETS" "$DURATION") || die "floor.sh failed"
fi

# ---- 7. the report ----
export LOAD_BEFORE N_TICKETS PEOPLE DURATION THREADS CLAIMERS GEN_S DB_BYTES RSS_KB FLOOR_JSON OUT
export READ_R QUEUE_R CREATE_R CLAIM_R REPORT_R LEDGER_R BEAT_R LINTAPI_R LINT_RULES SESSIONS REPORT_WEEK
export MAIL_JSON GROUPS_R GROUP_N GROUP_P50_US GROUP_P99_US GROUPS_TOTAL
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
    "report": run("REPORT_R"),
    "ledger": run("LEDGER_R"),
    "heartbeat": run("BEAT_R"),
    "lint": run("LINTAPI_R"),
    "lint_rules": int(E["LINT_RULES"]),
    "sessions": int(E["SESSIONS"]),
    "report_week": E["REPORT_WEEK"],
    "max_rss_kb": int(E["RSS_KB"]),
    "db_bytes": int(E["DB_BYTES"]),
    "generation_s": None if E["GEN_S"] == "null" else float(E["GEN_S"]),
    "mail": json.load(open(E["MAIL_JSON"])),  # bench/mail_bench.sh
    "groups": run("GROUPS_R"),
    "group_assign": {"tickets": int(E["GROUP_N"]), "p50_us": float(E["GROUP_P50_US"]),
                     "p99_us": float(E["GROUP_P99_US"]), "groups": int(E["GROUPS_TOTAL"])},
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
    ("report p50 ms", ah["report"]["p50_ms"], None, None, "{:.1f}", None),
    ("report p99 ms", ah["report"]["p99_ms"], None, ("<=", 100), "{:.1f}", "report"),
    ("ledger p50 ms", ah["ledger"]["p50_ms"], None, None, "{:.2f}", None),
    ("ledger p99 ms", ah["ledger"]["p99_ms"], None, ("<=", 5), "{:.2f}", "ledger"),
    ("heartbeat/s", ah["heartbeat"]["rps"], None, (">=", 5000), "{:.0f}", "heartbeat"),
    ("lint/s (%d rules)" % ah["lint_rules"], ah["lint"]["rps"], None, (">=", 5000), "{:.0f}",
     "lint"),
    ("lint p99 ms", ah["lint"]["p99_ms"], None, None, "{:.2f}", None),
    ("work sessions", ah["sessions"], None, None, "{:.0f}", None),
    ("RSS MB", ah["max_rss_kb"] / 1024, (fl(["max_rss_kb"]) or 0) / 1024 or None, ("<=", 64),
     "{:.1f}", None),
    ("db size MB", ah["db_bytes"] / MB, None, None, "{:.1f}", None),
    ("generation s", ah["generation_s"], None, None, "{:.1f}", None),
    ("mail-in msg/s", ah["mail"]["mail_in"]["per_s"], None, (">=", 500), "{:.0f}",
     "mail.mail_in"),
    ("import mbox msg/s", ah["mail"]["import"]["per_s"], None, (">=", 5000), "{:.0f}",
     "mail.import"),
    ("re-import mbox s", ah["mail"]["import_again"]["printed_s"], None, None, "{:.1f}",
     "mail.import_again"),
    ("mail-send msg/s", ah["mail"]["send"]["per_s"], None, (">=", 200), "{:.0f}", "mail.send"),
    ("group assign p50 ms", ah["group_assign"]["p50_us"] / 1000, None, ("<=", 1), "{:.3f}",
     None),
    ("group assign p99 ms", ah["group_assign"]["p99_us"] / 1000, None, ("<=", 5), "{:.3f}",
     None),
    ("groups list p50 ms", ah["groups"]["p50_ms"], None, ("<=", 20), "{:.2f}", "groups"),
    ("question groups", ah["group_assign"]["groups"], None, None, "{:.0f}", None),
]

def run_errors(run_name):  # "claim", or a path into ah: "mail.send"
    v = ah
    for k in run_name.split("."):
        v = v[k]
    return v["errors"]

figures, table = {}, []
for name, a, f, target, fmt, run_name in rows:
    ratio = round(a / f, 3) if a is not None and f else None
    met = None
    if target and a is not None:
        met = a >= target[1] if target[0] == ">=" else a <= target[1]
    errors = run_errors(run_name) if run_name else None
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

errors_total = sum(ah[r]["errors"] for r in ("create", "read", "queue", "claim", "report",
                                             "ledger", "heartbeat", "lint", "mail", "groups"))
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
    print(f"WARNING: {errors_total} failed requests (non-2xx, socket errors) or mail errors: "
          "the figures are suspect")
m = ah["mail"]
print(f"mail: mail-in {m['mail_in']['messages']} messages into a fresh database, p50 "
      f"{m['mail_in']['p50_ms']:.1f} ms a message"
      + (f"; {m['mail_in_demo_db']['messages']} into this demo database: "
         f"{m['mail_in_demo_db']['per_s']:.0f}/s, p50 {m['mail_in_demo_db']['p50_ms']:.1f} ms"
         if m["mail_in_demo_db"] else "")
      + f"; import mbox {m['import']['messages']} messages in {m['import']['printed_s']:.1f} s "
      f"({m['import']['wall_s']:.1f} s wall), again in {m['import_again']['printed_s']:.1f} s; "
      f"mail-send {m['send']['sent']} to SMTP, {m['send']['smtp_received']} received")
print("targets: " + ("all met" if targets_met else "NOT all met") + f"; written to {E['OUT']}")
PY

if [ "${BENCH_STRICT:-0}" = 1 ]; then
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["clean"] and r["targets_met"] else 1)' "$OUT"
fi
