#!/usr/bin/env bash
# mail_bench.sh - the email figures of the allhands benchmark; bench/bench.sh runs it, and it
# runs alone too:  bench/mail_bench.sh [BIN]   (BIN default: build-release/allhands)
#
#  1. mail-in: MAIL_IN_N (10000) varied messages (bench/mailgen.py), each piped into its own
#     `allhands mail-in --db DB` process, one after another, as an MTA does, against a fresh
#     database (`allhands init`); a small C driver (posix_spawn, stdin from the file) times them.
#     With MAIL_DEMO_DB set (bench.sh: its demo database, after the wrk runs) the first
#     MAIL_DEMO_N (1000) of them go into that database too (it is changed: tickets are added).
#  2. `allhands import mbox` of MAIL_MBOX_N (50000) messages (mboxrd) into a fresh database,
#     then the same file again (the idempotent second run: everything "stored before").
#  3. the outbox: MAIL_SEND_N (2000) tickets imported from an mbox, a reply posted to each through
#     the API (`allhands serve` without ALLHANDS_SMTP_URL, so the replies wait in the outbox),
#     then `allhands mail-send` drains it into a local SMTP server (aiosmtpd, plain SMTP on a free
#     loopback port) that counts what it takes.
#
# Mail-in runs with ALLHANDS_MAIL_ADDRESS=support@bench.test, ALLHANDS_ATTACHMENTS in the work
# directory and the default per-sender limits (the generator's senders stay far below them).
# Every mail-in must exit 0, every import must store all and refuse none, every reply must be
# taken and every queued mail sent and received; anything else is counted in "errors", printed
# loudly, and the script exits 1 (after writing its figures).
#
# Environment (all optional): MAIL_OUT (write the figures there as JSON), MAIL_DEMO_DB,
# MAIL_IN_N, MAIL_DEMO_N, MAIL_MBOX_N, MAIL_SEND_N.
# Prints a table of the three figures on stdout; progress on stderr.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$REPO/build-release/allhands}
IN_N=${MAIL_IN_N:-10000}
DEMO_N=${MAIL_DEMO_N:-1000}
MBOX_N=${MAIL_MBOX_N:-50000}
SEND_N=${MAIL_SEND_N:-2000}
DEMO_DB=${MAIL_DEMO_DB:-}
LEAD=lead@bench.test

log() { echo "mail_bench: $*" >&2; }
die() { log "$*"; exit 2; }

[ -x "$BIN" ] || die "no allhands at $BIN (build it first)"
[ -z "$DEMO_DB" ] || [ -f "$DEMO_DB" ] || die "MAIL_DEMO_DB=$DEMO_DB does not exist"
[ "$DEMO_N" -le "$IN_N" ] || DEMO_N=$IN_N
for tool in python3 cc; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh bench installs it)"
done
# the SMTP server needs aiosmtpd, which Debian's python3-aiosmtpd puts in /usr/bin/python3's
# path (a python3 earlier in PATH, e.g. pyenv's, may not have it)
SMTP_PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import aiosmtpd' 2>/dev/null; then
        SMTP_PY=$(command -v "$p")
        break
    fi
done
[ -n "$SMTP_PY" ] || die "no python3 with aiosmtpd (scripts/deps.sh bench installs python3-aiosmtpd)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/allhands-mail.XXXXXX")
SERVE_PID=
SMTP_PID=
stop_pid() { # VAR: stops the process whose PID is in $VAR (one this script started)
    local pid=${!1}
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        printf -v "$1" '%s' ""
    fi
}
cleanup() {
    stop_pid SERVE_PID
    stop_pid SMTP_PID
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
since() { python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$1" "$(now)"; }
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
sql() { # DB QUERY: the first column of the first row
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$1" "$2"
}
fresh_db() { # PATH: a new database with its lead
    printf 'bench-password-%s\n' "$RANDOM$RANDOM" |
        "$BIN" init --db "$1" --email "$LEAD" --name "Bench Lead" >"$WORK/init.log" 2>&1 ||
        die "init $1 failed: $(tail -3 "$WORK/init.log")"
}

export ALLHANDS_MAIL_ADDRESS=support@bench.test
export ALLHANDS_LOG_LEVEL=warn
unset ALLHANDS_SMTP_URL ALLHANDS_IMAP_URL ALLHANDS_MAIL_ACK ALLHANDS_DB ALLHANDS_MAIL_SENDER_PER_HOUR \
    ALLHANDS_MAIL_TICKETS_PER_HOUR ALLHANDS_MAIL_MAX_BYTES ALLHANDS_MAIL_MAX_ATTACHMENT_BYTES

# ---- the messages (three generators at once) and the driver ----
log "generating $IN_N messages, an mbox of $MBOX_N and one of $SEND_N (bench/mailgen.py)"
t0=$(now)
python3 "$REPO/bench/mailgen.py" files "$WORK/in" "$IN_N" --tag in --seed 1 2>"$WORK/gen_in.log" &
G1=$!
python3 "$REPO/bench/mailgen.py" mbox "$WORK/bulk.mbox" "$MBOX_N" --tag mbox --seed 2 2>"$WORK/gen_mbox.log" &
G2=$!
python3 "$REPO/bench/mailgen.py" mbox "$WORK/send.mbox" "$SEND_N" --tag send --seed 3 --new-only \
    2>"$WORK/gen_send.log" &
G3=$!
# spawnloop LIST LOG CMD ARGS...: CMD once per file in LIST, stdin from the file, one at a time
cat >"$WORK/spawnloop.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    FILE *list;
    char path[4096];
    size_t n = 0, cap = 1024, failed = 0;
    double *ms = malloc(cap * sizeof(*ms)), t0, t1;
    int log;

    if (argc < 4 || !(list = fopen(argv[1], "r")) ||
        (log = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
        fprintf(stderr, "usage: spawnloop LIST LOG CMD ARGS...\n");
        return 2;
    }
    t0 = now();
    while (fgets(path, sizeof(path), list)) {
        posix_spawn_file_actions_t fa;
        pid_t pid;
        int st, e;
        double s = now();

        path[strcspn(path, "\n")] = '\0';
        if (!*path)
            continue;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, path, O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, log, 2);
        e = posix_spawn(&pid, argv[3], &fa, NULL, argv + 3, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (e) {
            fprintf(stderr, "spawnloop: %s: %s\n", argv[3], strerror(e));
            return 2;
        }
        if (waitpid(pid, &st, 0) < 0) {
            perror("spawnloop: waitpid");
            return 2;
        }
        if (n == cap)
            ms = realloc(ms, (cap *= 2) * sizeof(*ms));
        ms[n++] = (now() - s) * 1e3;
        if ((!WIFEXITED(st) || WEXITSTATUS(st) != 0) && failed++ < 20)
            fprintf(stderr, "spawnloop: FAILED %s: %s %d\n", path,
                    WIFEXITED(st) ? "exit" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    }
    t1 = now();
    if (!n) {
        fprintf(stderr, "spawnloop: no files in %s\n", argv[1]);
        return 2;
    }
    qsort(ms, n, sizeof(*ms), cmp);
    printf("n=%zu failed=%zu wall_s=%.3f per_s=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", n,
           failed, t1 - t0, (double)n / (t1 - t0), ms[n / 2], ms[n * 99 / 100], ms[n - 1]);
    return 0;
}
C
cc -O2 -std=c11 -Wall -Wextra -o "$WORK/spawnloop" "$WORK/spawnloop.c" || die "cannot compile the driver"
for g in "$G1:in" "$G2:mbox" "$G3:send"; do
    wait "${g%%:*}" || die "mailgen ${g#*:} failed: $(tail -3 "$WORK/gen_${g#*:}.log")"
done
log "generated in $(since "$t0")s: $(cat "$WORK/gen_in.log"); $(cat "$WORK/gen_mbox.log")"

ERRORS=0
# spawn_kv NAME: the driver's "k=v ..." line into shell variables NAME_k
spawn_kv() {
    local kv
    for kv in $2; do
        printf -v "$1_${kv%%=*}" '%s' "${kv#*=}"
    done
}
count_failures() { # WHAT N LOG: count and show mail-in failures loudly
    if [ "$2" != 0 ]; then
        ERRORS=$((ERRORS + $2))
        log "ERROR: $1: $2 mail-in processes did not exit 0; first of them and their stderr:"
        grep FAILED "$WORK/spawn_$1.err" | head -5 >&2 || true
        tail -5 "$3" >&2 || true
    fi
}

# ---- 1. mail-in, one process per message, on a fresh database ----
DB1=$WORK/mailin.db
fresh_db "$DB1"
BEFORE=$(sql "$DB1" "select count(*) from messages")
log "mail-in: $IN_N messages, one process each, into a fresh database"
R=$(ALLHANDS_ATTACHMENTS=$WORK/files "$WORK/spawnloop" "$WORK/in/list" "$WORK/mailin.log" \
    "$BIN" mail-in --db "$DB1" 2>"$WORK/spawn_in.err") || die "driver failed: $(tail -3 "$WORK/spawn_in.err")"
spawn_kv IN "$R"
count_failures in "$IN_failed" "$WORK/mailin.log"
IN_MSGS=$(($(sql "$DB1" "select count(*) from messages") - BEFORE))
IN_TICKETS=$(sql "$DB1" "select count(*) from tickets")
IN_ATTACH=$(sql "$DB1" "select count(*) from attachments")
IN_BYTES=$(du -sb "$WORK/in" | cut -f1)
if [ "$IN_MSGS" != "$IN_N" ]; then
    log "ERROR: mail-in: $IN_N messages in, $IN_MSGS stored"
    ERRORS=$((ERRORS + 1))
fi
log "mail-in: $IN_per_s messages/s ($IN_wall_s s; p50 $IN_p50_ms ms, p99 $IN_p99_ms ms a message;" \
    "$IN_TICKETS tickets, $IN_ATTACH attachments)"

# ... and the first MAIL_DEMO_N of them into the big database
DEMO_JSON=null
if [ -n "$DEMO_DB" ]; then
    DEMO_TICKETS=$(sql "$DEMO_DB" "select max(id) from tickets")
    head -n "$DEMO_N" "$WORK/in/list" >"$WORK/demo.list"
    log "mail-in: $DEMO_N of them into $DEMO_DB ($DEMO_TICKETS tickets)"
    R=$(ALLHANDS_ATTACHMENTS=$WORK/files-demo "$WORK/spawnloop" "$WORK/demo.list" "$WORK/mailin_demo.log" \
        "$BIN" mail-in --db "$DEMO_DB" 2>"$WORK/spawn_demo.err") ||
        die "driver failed: $(tail -3 "$WORK/spawn_demo.err")"
    spawn_kv DEMO "$R"
    count_failures demo "$DEMO_failed" "$WORK/mailin_demo.log"
    log "mail-in into the demo database: $DEMO_per_s messages/s (p50 $DEMO_p50_ms ms, p99 $DEMO_p99_ms ms)"
    DEMO_JSON="{\"messages\": $DEMO_n, \"failed\": $DEMO_failed, \"wall_s\": $DEMO_wall_s, \"per_s\": $DEMO_per_s,
      \"p50_ms\": $DEMO_p50_ms, \"p99_ms\": $DEMO_p99_ms, \"max_ms\": $DEMO_max_ms, \"tickets_before\": $DEMO_TICKETS}"
fi

# ---- 2. import mbox, twice ----
# import_run NAME DB FILE EXPECT_STORED EXPECT_BEFORE: runs it, checks its counts, prints JSON
import_run() {
    local name=$1 db=$2 file=$3 t last
    t=$(now)
    "$BIN" import mbox "$file" --db "$db" >"$WORK/import_$name.out" 2>"$WORK/import_$name.err" ||
        die "import mbox ($name) failed: $(tail -3 "$WORK/import_$name.err")"
    t=$(since "$t")
    last=$(tail -1 "$WORK/import_$name.out")
    python3 - "$last" "$t" "$4" "$5" <<'PY'
import json, re, sys
last, wall, want_stored, want_before = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
m = re.fullmatch(r"import: (\d+) stored, (\d+) stored before, (\d+) refused \(([\d.]+) s, (\d+) messages/s\)", last)
if not m:
    sys.exit(f"mail_bench: the import printed no summary: {last!r}")
stored, before, refused = int(m[1]), int(m[2]), int(m[3])
n = stored + before + refused
print(json.dumps({"messages": n, "stored": stored, "stored_before": before, "refused": refused,
                  "printed_s": float(m[4]), "per_s": int(m[5]), "wall_s": wall,
                  "wall_per_s": round(n / wall, 1) if wall else None,
                  "errors": int(stored != want_stored) + int(before != want_before) + refused}))
PY
}
jget() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

DB2=$WORK/import.db
fresh_db "$DB2"
MBOX_BYTES=$(stat -c %s "$WORK/bulk.mbox")
log "import mbox: $MBOX_N messages ($((MBOX_BYTES / 1048576)) MB) into a fresh database"
IMPORT1=$(ALLHANDS_ATTACHMENTS=$WORK/files-import import_run first "$DB2" "$WORK/bulk.mbox" "$MBOX_N" 0) ||
    die "import mbox: $(tail -3 "$WORK/import_first.err")"
log "import mbox: $(tail -1 "$WORK/import_first.out") (wall $(jget "$IMPORT1" wall_s) s)"
IMPORT2=$(ALLHANDS_ATTACHMENTS=$WORK/files-import import_run again "$DB2" "$WORK/bulk.mbox" 0 "$MBOX_N") ||
    die "import mbox again: $(tail -3 "$WORK/import_again.err")"
log "import mbox again: $(tail -1 "$WORK/import_again.out") (wall $(jget "$IMPORT2" wall_s) s)"
for j in "$IMPORT1" "$IMPORT2"; do
    e=$(jget "$j" errors)
    if [ "$e" != 0 ]; then
        log "ERROR: import mbox: not every message stored once (or some refused): $j"
        ERRORS=$((ERRORS + e))
    fi
done

# ---- 3. the outbox: tickets, a reply to each through the API, then mail-send to SMTP ----
DB3=$WORK/send.db
fresh_db "$DB3"
export ALLHANDS_ATTACHMENTS=$WORK/files-send
IMPORT3=$(import_run send "$DB3" "$WORK/send.mbox" "$SEND_N" 0) || die "import of the tickets to answer failed"
[ "$(jget "$IMPORT3" errors)" = 0 ] || die "import of $SEND_N tickets to answer: $IMPORT3"
TOKEN=$("$BIN" user token --db "$DB3" --email "$LEAD" --name bench 2>"$WORK/token.err") ||
    die "user token failed: $(tail -3 "$WORK/token.err")"
case "$TOKEN" in aht_*) ;; *) die "user token printed no token" ;; esac
PORT=$(free_port)
log "replying to $SEND_N tickets through the API (serve on 127.0.0.1:$PORT, no SMTP: they wait in the outbox)"
"$BIN" serve --db "$DB3" --listen "127.0.0.1:$PORT" --threads 2 >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
REPLIES=$(python3 - "$PORT" "$TOKEN" "$SEND_N" "$SERVE_PID" <<'PY'
import http.client, json, os, sys, time
port, token, n, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for _ in range(300):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        if r.status == 200:
            break
    except OSError:
        pass
    os.kill(pid, 0)  # the server exited: stop here
    time.sleep(0.1)
else:
    sys.exit("mail_bench: the server did not become healthy in 30s")
h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
body = ("Hello,\n\nThanks for your message. We looked at your account and found what went wrong: "
        "the nightly job stopped early. It runs again now, and your data is complete. If anything "
        "still looks off, answer this email and we will look again.\n\nBest regards,\nSupport")
errors, ok, first = 0, 0, None
t0 = time.monotonic()
for tid in range(1, n + 1):
    c.request("GET", f"/api/v1/tickets/{tid}", headers=h)
    r = c.getresponse()
    data = r.read()
    if r.status != 200:
        errors += 1
        first = first or f"GET /api/v1/tickets/{tid}: {r.status} {data[:200]!r}"
        continue
    last = json.loads(data)["last_message_id"]
    c.request("POST", f"/api/v1/tickets/{tid}/messages", headers=h,
              body=json.dumps({"kind": "reply", "body": body, "seen_message_id": last}))
    r = c.getresponse()
    data = r.read()
    if r.status != 201:
        errors += 1
        first = first or f"POST /api/v1/tickets/{tid}/messages: {r.status} {data[:200]!r}"
    else:
        ok += 1
if first:
    print(f"mail_bench: ERROR: {errors} replies not taken; the first: {first}", file=sys.stderr)
print(f"replies={ok} reply_errors={errors} reply_s={time.monotonic() - t0:.2f}")
PY
) || die "posting the replies failed: $(tail -3 "$WORK/serve.log")"
stop_pid SERVE_PID
spawn_kv REP "$REPLIES"
QUEUED=$(sql "$DB3" "select count(*) from mail_out where sent_at is null and failed_at is null")
log "$REP_replies replies posted in $REP_reply_s s, $QUEUED mails waiting in the outbox"
ERRORS=$((ERRORS + REP_reply_errors))

SPORT=$(free_port)
"$SMTP_PY" - "$SPORT" "$WORK/smtp.ready" "$WORK/smtp.count" >"$WORK/smtp.log" 2>&1 <<'PY' &
import signal, sys
from aiosmtpd.controller import Controller

port, ready, count = int(sys.argv[1]), sys.argv[2], sys.argv[3]

class Counter:
    messages = recipients = size = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.recipients += len(envelope.rcpt_tos)
        self.size += len(envelope.original_content or b"")
        return "250 OK"

# the controller's threads inherit the mask: SIGTERM waits for sigwait below
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
h = Counter()
c = Controller(h, hostname="127.0.0.1", port=port, server_hostname="smtp.bench.test")
c.start()
open(ready, "w").write("ready\n")
signal.sigwait({signal.SIGTERM, signal.SIGINT})
c.stop()
with open(count, "w") as f:
    f.write(f"smtp_messages={h.messages} smtp_recipients={h.recipients} smtp_bytes={h.size}\n")
PY
SMTP_PID=$!
for _ in $(seq 100); do
    [ ! -f "$WORK/smtp.ready" ] || break
    kill -0 "$SMTP_PID" 2>/dev/null || die "the SMTP server exited: $(tail -5 "$WORK/smtp.log")"
    sleep 0.1
done
[ -f "$WORK/smtp.ready" ] || die "the SMTP server did not start in 10s: $(tail -5 "$WORK/smtp.log")"
log "mail-send: the outbox to aiosmtpd on 127.0.0.1:$SPORT (plain SMTP)"
t=$(now)
ALLHANDS_SMTP_URL=smtp://127.0.0.1:$SPORT ALLHANDS_SMTP_TLS=0 "$BIN" mail-send --db "$DB3" \
    >"$WORK/send.out" 2>"$WORK/send.err" || die "mail-send failed: $(tail -3 "$WORK/send.err")"
SEND_WALL=$(since "$t")
# give the server the signal, then read what it counted
kill "$SMTP_PID" 2>/dev/null || true
wait "$SMTP_PID" 2>/dev/null || true
SMTP_PID=
[ -f "$WORK/smtp.count" ] || die "the SMTP server wrote no count: $(tail -5 "$WORK/smtp.log")"
spawn_kv SMTP "$(cat "$WORK/smtp.count")"
SENT_LINE=$(tail -1 "$WORK/send.out")
log "$SENT_LINE (wall $SEND_WALL s); the SMTP server took $SMTP_smtp_messages"
read -r SENT SEND_FAILED SEND_S SEND_PER_S < <(python3 - "$SENT_LINE" <<'PY'
import re, sys
m = re.fullmatch(r"mail-send: (\d+) sent, (\d+) failed \(([\d.]+) s, (\d+)/s\)", sys.argv[1])
print(*(m.groups() if m else ("null",) * 4))
PY
)
[ "$SENT" != null ] || die "mail-send printed no summary: $SENT_LINE"
if [ "$SENT" != "$SEND_N" ] || [ "$SEND_FAILED" != 0 ] || [ "$SMTP_smtp_messages" != "$SEND_N" ]; then
    log "ERROR: mail-send: $SEND_N replies queued, $SENT sent, $SEND_FAILED failed," \
        "$SMTP_smtp_messages received by the SMTP server"
    ERRORS=$((ERRORS + 1 + SEND_FAILED))
fi

# ---- the figures ----
export IN_N IN_n IN_failed IN_wall_s IN_per_s IN_p50_ms IN_p99_ms IN_max_ms IN_MSGS IN_TICKETS IN_ATTACH IN_BYTES
export DEMO_JSON IMPORT1 IMPORT2 IMPORT3 MBOX_N MBOX_BYTES SEND_N REP_replies REP_reply_errors REP_reply_s
export QUEUED SENT SEND_FAILED SEND_S SEND_PER_S SEND_WALL SMTP_smtp_messages SMTP_smtp_recipients
python3 - "${MAIL_OUT:-}" <<'PY' || { log "ERROR: the mail runs had errors (above)"; exit 1; }
import json, os, sys

E = os.environ
i, f = lambda k: int(E[k]), lambda k: float(E[k])
res = {
    "mail_in": {"messages": i("IN_n"), "failed": i("IN_failed"), "wall_s": f("IN_wall_s"),
                "per_s": f("IN_per_s"), "p50_ms": f("IN_p50_ms"), "p99_ms": f("IN_p99_ms"),
                "max_ms": f("IN_max_ms"), "stored": i("IN_MSGS"), "tickets": i("IN_TICKETS"),
                "attachments": i("IN_ATTACH"), "bytes": i("IN_BYTES"),
                "database": "fresh (allhands init), one process a message, one after another"},
    "mail_in_demo_db": json.loads(E["DEMO_JSON"]),
    "import": dict(json.loads(E["IMPORT1"]), bytes=i("MBOX_BYTES")),
    "import_again": json.loads(E["IMPORT2"]),
    "send": {"tickets": i("SEND_N"), "replies": i("REP_replies"),
             "reply_errors": i("REP_reply_errors"), "replies_s": f("REP_reply_s"),
             "queued": i("QUEUED"), "sent": i("SENT"), "failed": i("SEND_FAILED"),
             "printed_s": f("SEND_S"), "per_s": f("SEND_PER_S"), "wall_s": f("SEND_WALL"),
             "smtp_received": i("SMTP_smtp_messages"),
             "smtp_recipients": i("SMTP_smtp_recipients")},
}
# what does not add up, by part (bench.sh shows each beside its figure)
m, d, s = res["mail_in"], res["mail_in_demo_db"], res["send"]
m["errors"] = m["failed"] + int(m["stored"] != m["messages"])
if d:
    d["errors"] = d["failed"]
s["errors"] = (s["reply_errors"] + s["failed"] + int(s["sent"] != s["tickets"])
               + int(s["smtp_received"] != s["tickets"]))
res["errors"] = (m["errors"] + (d["errors"] if d else 0) + res["import"]["errors"]
                 + res["import_again"]["errors"] + s["errors"])
# figure, value, target
rows = [("mail-in messages/s", res["mail_in"]["per_s"], 500),
        ("import mbox messages/s", res["import"]["per_s"], 5000),
        ("mail-send messages/s", res["send"]["per_s"], 200)]
res["figures"] = {n: {"value": v, "target": f">= {t}", "met": v >= t} for n, v, t in rows}
if sys.argv[1]:
    with open(sys.argv[1], "w") as fh:
        json.dump(res, fh, indent=2)
        fh.write("\n")
im, im2 = res["import"], res["import_again"]
print(f"mail: mail-in {m['messages']} messages ({m['bytes'] // 1024} KB, fresh database), "
      f"import mbox {im['messages']} ({im['bytes'] // 1048576} MB), mail-send {s['sent']} replies")
print("| figure                 | allhands | target  | met |")
print("|------------------------|----------|---------|-----|")
for n, v, t in rows:
    print(f"| {n:<22} | {v:>8.0f} | {'>= ' + str(t):>7} | {'yes' if v >= t else 'NO':>3} |")
print(f"mail-in: p50 {m['p50_ms']:.1f} ms, p99 {m['p99_ms']:.1f} ms a message, {m['wall_s']:.1f} s in all"
      + (f"; into the demo database ({res['mail_in_demo_db']['tickets_before']} tickets): "
         f"{res['mail_in_demo_db']['per_s']:.0f}/s, p50 {res['mail_in_demo_db']['p50_ms']:.1f} ms"
         if res["mail_in_demo_db"] else ""))
print(f"import: {im['printed_s']:.1f} s ({im['wall_s']:.1f} s wall, {im['wall_per_s']:.0f}/s); "
      f"again (all stored before): {im2['printed_s']:.1f} s ({im2['per_s']}/s)")
print(f"mail-send: {s['sent']} sent, {s['failed']} failed in {s['printed_s']:.2f} s; "
      f"the SMTP server took {s['smtp_received']}")
if res["errors"]:
    print(f"WARNING: {res['errors']} mail errors (see above): the mail figures are suspect")
print()
sys.exit(1 if res["errors"] else 0)
PY
[ "$ERRORS" = 0 ] || { log "ERROR: $ERRORS errors"; exit 1; }
