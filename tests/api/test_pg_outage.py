"""PostgreSQL outage: the cluster stopped and started again (the same data
directory, the same port) under a running server.

- /healthz answers 503 {"status":"unavailable",...} while PostgreSQL is down
  and 200 again once it is back;
- during a burst of ticket creations from several threads, PostgreSQL is
  stopped and started: clients get 503 "unavailable" meanwhile (no other
  5xx, no dropped connections), the server reconnects by itself, and every
  creation that got a 201 is there afterwards, none twice;
- the server process survives it and /metrics still answers.

Runs only in PostgreSQL mode with the cluster's directory known: AH_TEST_PG
and PGCLUSTER_DIR, as scripts/test-pg.sh (make test-pg) sets them. The
cluster is the whole session's: every test here brings it back up in a
finally block before it returns, and the outage lasts about a second.
"""
import http.client
import os
import re
import subprocess
import threading
import time

import pytest

import ahtest
from ahtest import API, REPO, Client, assert_error, list_all, login_lead, unique

PGCLUSTER_DIR = (os.environ.get("PGCLUSTER_DIR") or "").strip()
SCRIPT = REPO / "scripts" / "pg-cluster.sh"

pytestmark = pytest.mark.skipif(
    not (ahtest.PG_MODE and PGCLUSTER_DIR),
    reason="PostgreSQL outage tests need AH_TEST_PG (a PostgreSQL cluster) and "
           "PGCLUSTER_DIR (its directory, to stop and start it with "
           "scripts/pg-cluster.sh); run them with `make test-pg`")

CLUSTER_TIMEOUT = 60.0  # seconds for pg-cluster.sh stop-server / start-server
RECOVER_TIMEOUT = 20.0  # seconds for the server to answer 200 again once PG is back
WRITERS = 6
BURST = 3.0  # seconds of writing, at least
STOP_AT = 1.0  # seconds into the burst
DOWN_FOR = 1.0  # seconds between the stop and the start
AFTER_START = 1.0  # seconds the burst goes on, at least, once PostgreSQL is back


# -- the cluster ----------------------------------------------------------------

def _cluster(cmd):
    env = dict(os.environ, PGCLUSTER_DIR=PGCLUSTER_DIR)
    p = subprocess.run([str(SCRIPT), cmd], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, env=env, timeout=CLUSTER_TIMEOUT)
    assert p.returncode == 0, "pg-cluster.sh %s exited %d: %s%s" % (
        cmd, p.returncode, p.stdout, p.stderr)


def pg_stop():
    _cluster("stop-server")


def pg_start():
    _cluster("start-server")


@pytest.fixture
def cluster():
    """Stop/start of the session's cluster; whatever happens, it is running
    again when the test returns."""
    try:
        yield
    finally:
        pg_start()


# -- helpers ------------------------------------------------------------------

def wait_for(what, predicate, timeout, step=0.05):
    """Calls predicate() until it returns something true (returned) or
    timeout seconds pass (AssertionError naming what and the last value)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = predicate()
        except (OSError, http.client.HTTPException) as e:
            last = e
        if last and not isinstance(last, Exception):
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("%s: not within %.0f s; last: %r" % (what, timeout, last))
        time.sleep(step)


def healthz(srv):
    return Client(srv).get("/healthz")


def unavailable_health_body(r):
    """Whether a 503 of /healthz has the health body (status "unavailable"),
    not only the API's error body."""
    return (r.headers.get("Content-Type", "").startswith("application/json")
            and isinstance(r.json, dict) and r.json.get("status") == "unavailable")


def healthy(srv):
    r = healthz(srv)
    return r if r.status == 200 else None


def after_recovery(call, what, timeout=RECOVER_TIMEOUT):
    """call() once PostgreSQL is back: a 503 "unavailable" (a worker whose
    connection died with the old cluster and is renewed on its next call) is
    retried until timeout; any other answer is returned. Returns (response,
    number of 503s on the way)."""
    deadline = time.monotonic() + timeout
    n503 = 0
    while True:
        r = call()
        if r.status != 503:
            return r, n503
        assert_error(r, 503, "unavailable")
        n503 += 1
        assert time.monotonic() < deadline, \
            "%s: still 503 %.0f s after PostgreSQL came back: %r" % (what, timeout, r)
        time.sleep(0.05)


def unavailable_total(srv):
    r = Client(srv).get("/metrics")
    assert r.status == 200, "/metrics: %r" % r
    assert r.headers.get("Content-Type", "").startswith("text/plain"), r
    m = re.search(r"(?m)^allhands_db_unavailable_total(?:\{[^}]*\})? (\S+)$",
                  r.raw.decode("utf-8", "replace"))
    assert m, "/metrics has no allhands_db_unavailable_total"
    return float(m.group(1))


# -- the tests ------------------------------------------------------------------

def test_healthz_503_while_postgres_is_down(start_server, cluster):
    srv = start_server(name="pg-outage-health")
    lead = login_lead(srv)
    r = healthz(srv)
    assert r.status == 200 and r.json == {"status": "ok", "database": "ok"}, r

    wrong_body = []  # 503s without {"status":"unavailable",...}
    metrics_down = []  # /metrics answers other than 200 while PostgreSQL is down
    try:
        pg_stop()
        # every answer while it is down is a prompt 503, never a hang; asked
        # often enough that every worker thread answers some
        down_until = time.monotonic() + 1.0
        seen = 0
        while time.monotonic() < down_until or seen < 8 * srv.threads:
            t = time.monotonic()
            r = healthz(srv)
            took = time.monotonic() - t
            assert r.status == 503, "healthz while PostgreSQL is down: want 503, got %r" % r
            assert took < 7.0, "healthz took %.1f s while PostgreSQL was down" % took
            if not unavailable_health_body(r):
                wrong_body.append(r)
            seen += 1
            # /metrics does not need the database: it answers all along
            m = Client(srv).get("/metrics")
            if m.status != 200:
                metrics_down.append(m)
            time.sleep(0.02)
        # an API request answers 503 "unavailable" too
        assert_error(lead.get(API + "/tickets?limit=1"), 503, "unavailable")
    finally:
        pg_start()

    r = wait_for("healthz 200 after PostgreSQL came back", lambda: healthy(srv),
                 RECOVER_TIMEOUT)
    assert r.json == {"status": "ok", "database": "ok"}, r
    assert srv.running, "the server exited during the outage:\n" + srv.log_tail()
    # the API works again, on every worker (a dead connection is renewed)
    late503 = 0
    for _ in range(4 * srv.threads):
        r, n = after_recovery(lambda: lead.get(API + "/tickets?limit=1"), "list tickets")
        assert r.status == 200, "list tickets after the outage: %r" % r
        late503 += n
    print("healthz while down: %d answers, %d without the health body; /metrics not 200: "
          "%d; 503s after healthz was 200 again: %d" % (seen, len(wrong_body),
                                                        len(metrics_down), late503))
    # the contract of /healthz, asserted last so that recovery is tested too
    assert not wrong_body, (
        "%d of %d healthz 503s while PostgreSQL was down had no "
        "{\"status\":\"unavailable\",...} body; first: %r" % (len(wrong_body), seen,
                                                              wrong_body[0]))
    assert not metrics_down, (
        "%d of %d /metrics requests while PostgreSQL was down did not answer 200; "
        "first: %r" % (len(metrics_down), seen, metrics_down[0]))
    unavailable_total(srv)  # and after


def test_creations_survive_postgres_restart(start_server, cluster):
    srv = start_server(name="pg-outage-burst")
    lead = login_lead(srv)
    r = lead.post(API + "/tokens", {"name": "pg-outage"})
    assert r.status == 201, r
    token = r.json["token"]
    run = unique("Outage")  # in every subject of this burst
    unavailable_before = unavailable_total(srv)

    results, lock = [], threading.Lock()  # (sent, status, subject, response)
    transport = []  # exceptions: the server dropped a connection or hung
    done = threading.Event()
    t0 = time.monotonic()

    def write(n):
        c = Client(srv, token=token)
        i = 0
        while not done.is_set():
            subject = "%s %d-%d %s" % (run, n, i, unique())
            i += 1
            sent = time.monotonic() - t0
            try:
                r = c.post(API + "/tickets", {"subject": subject,
                                              "body": "Keep me, %d-%d" % (n, i)})
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    transport.append((sent, subject, repr(e)))
                continue
            with lock:
                results.append((sent, r.status, subject, r))
            if r.status == 503:
                time.sleep(0.01)  # a client backing off a little

    threads = [threading.Thread(target=write, args=(n,), daemon=True) for n in range(WRITERS)]
    phases = {}
    try:
        for t in threads:
            t.start()
        time.sleep(STOP_AT)
        phases["stop"] = time.monotonic() - t0
        pg_stop()
        phases["stopped"] = time.monotonic() - t0
        time.sleep(DOWN_FOR)
        phases["start"] = time.monotonic() - t0
        pg_start()
        phases["started"] = time.monotonic() - t0
        # writing goes on for a while with PostgreSQL back (stopping a
        # cluster under writes takes a moment, so BURST alone may not do)
        time.sleep(max(BURST - phases["started"], AFTER_START))
        phases["end"] = time.monotonic() - t0
    finally:
        done.set()
        pg_start()  # no-op if it is running
        for t in threads:
            t.join(2 * ahtest.REQUEST_TIMEOUT)
    hung = [t for t in threads if t.is_alive()]
    assert not hung, "%d writers still waiting on the server" % len(hung)

    def summary():
        counts = {}
        for sent, status, _, _ in results:
            when = ("before" if sent < phases["stop"] else
                    "after" if sent > phases["started"] else "during")
            counts[(when, status)] = counts.get((when, status), 0) + 1
        return ("phases (s) %s, answers by (sent before/during/after the outage, status) "
                "%s, transport errors %d" % ({k: round(v, 2) for k, v in phases.items()},
                                             dict(sorted(counts.items())), len(transport)))

    # while it was down: 503 "unavailable", nothing else
    assert not transport, "connections dropped or timed out (%s): %s" % (summary(), transport[:5])
    other = [(round(s, 2), r) for s, status, _, r in results if status not in (201, 503)]
    assert not other, "answers other than 201 and 503 (%s): %s" % (summary(), other[:5])
    for _, status, _, r in results:
        if status == 503:
            assert_error(r, 503, "unavailable")
    n503 = sum(1 for _, status, _, _ in results if status == 503)
    assert n503 > 0, "no 503 while PostgreSQL was down (%s)" % summary()
    acked = [(r.json["id"], subject) for _, status, subject, r in results if status == 201]
    assert any(s < phases["stop"] for s, status, _, _ in results if status == 201), \
        "nothing was acknowledged before the stop (%s)" % summary()
    # the server reconnects by itself, under the burst
    assert any(s > phases["started"] for s, status, _, _ in results if status == 201), \
        "nothing was acknowledged in the %.1f s after PostgreSQL came back (%s)" % (
            phases["end"] - phases["started"], summary())
    ids = [tid for tid, _ in acked]
    assert len(set(ids)) == len(ids), "two 201s with one id (%s)" % summary()

    # the server is healthy again
    wait_for("healthz 200 after PostgreSQL came back", lambda: healthy(srv), RECOVER_TIMEOUT)
    r, late_create = after_recovery(lambda: lead.post(API + "/tickets", {
        "subject": "%s-after %s" % (run, unique()), "body": "After the outage"}),
        "create a ticket")
    assert r.status == 201, "create a ticket after the outage: %r" % r

    # every 201 is there, with its subject
    missing, wrong = [], []
    late_gets = 0
    for tid, subject in acked:
        r, n = after_recovery(lambda: lead.get("%s/tickets/%d" % (API, tid)), "get ticket")
        late_gets += n
        if r.status == 404:
            missing.append(tid)
        elif r.status != 200 or r.json.get("subject") != subject:
            wrong.append((tid, subject, r))
    assert not missing, "%d of %d acknowledged tickets lost (%s): %s" % (
        len(missing), len(acked), summary(), missing[:20])
    assert not wrong, "acknowledged tickets changed: %s" % wrong[:5]

    # none twice: each acknowledged subject is listed exactly once, and no
    # subject of the burst (acknowledged or not) more than once
    listed = {}
    for t in list_all(lead, API + "/tickets", max_pages=1000):
        if t["subject"].startswith(run + " "):
            listed[t["subject"]] = listed.get(t["subject"], 0) + 1
    twice = {s: n for s, n in listed.items() if n > 1}
    assert not twice, "tickets created more than once: %s" % list(twice.items())[:10]
    unlisted = [s for _, s in acked if s not in listed]
    assert not unlisted, "acknowledged tickets missing from the list: %s" % unlisted[:10]
    # a 503 may have come from a COMMIT whose outcome was unknown; such a
    # ticket may be there (once), but never one nobody asked for
    asked = {subject for _, _, subject, _ in results} | {s for _, s, _ in transport}
    strangers = [s for s in listed if s not in asked]
    assert not strangers, "tickets nobody created: %s" % strangers[:10]

    print("burst: %s; 503s after healthz was 200 again: create %d, gets %d" % (
        summary(), late_create, late_gets))

    # (c) the server survived and still reports
    assert srv.running, "the server exited during the outage:\n" + srv.log_tail()
    unavailable_after = unavailable_total(srv)
    assert unavailable_after - unavailable_before >= n503, \
        "allhands_db_unavailable_total grew by %g, clients saw %d 503s" % (
            unavailable_after - unavailable_before, n503)
