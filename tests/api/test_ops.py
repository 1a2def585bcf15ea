"""Operations: GET /healthz, GET /metrics (Prometheus text format), and the
headers every response carries."""
import re
import sqlite3
import time

import pytest

from ahtest import API, Client, assert_error, login_lead, ok

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
LABELS = r"\{(?:%s(?:,%s)*,?)?\}" % (LABEL, LABEL)
VALUE = r"(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?Inf|NaN)"
SAMPLE = re.compile(r"^(%s)(%s)? (%s)(?: -?\d+)?$" % (NAME, LABELS, VALUE))


def parse_metrics(text):
    """{(name, labels): value} of a Prometheus text exposition; asserts that
    every line is a comment or `name{labels} value`."""
    samples = {}
    for n, line in enumerate(text.split("\n"), 1):
        if line == "" or line.startswith("#"):
            if line.startswith("# TYPE "):
                assert re.match(r"^# TYPE %s (counter|gauge|histogram|summary|untyped)$"
                                % NAME, line), "line %d: bad TYPE: %r" % (n, line)
            continue
        m = SAMPLE.match(line)
        assert m, "line %d is not `name{labels} value`: %r" % (n, line)
        key = (m.group(1), m.group(2) or "")
        assert key not in samples, "line %d repeats a sample: %r" % (n, line)
        samples[key] = float(m.group(3))
    return samples


def request_count(samples):
    """The sum of every allhands_ request counter."""
    return sum(v for (name, _), v in samples.items()
               if name.startswith("allhands_") and "request" in name
               and (name.endswith("_total") or name.endswith("_count")))


def metrics(server):
    r = Client(server).get("/metrics")
    assert r.status == 200, r
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("text/plain"), ctype
    return parse_metrics(r.raw.decode("utf-8"))


def test_healthz(server):
    r = Client(server).get("/healthz")
    assert r.status == 200, r
    assert r.headers.get("Content-Type", "").startswith("application/json")
    assert r.json == {"status": "ok", "database": "ok"}


def test_metrics_parse_and_count_requests(server):
    before = metrics(server)
    names = {name for name, _ in before}
    assert any(n.startswith("allhands_") for n in names), sorted(names)
    assert any(n.startswith("allhands_") and "request" in n for n in names), \
        "no allhands_ request counter in %s" % sorted(names)
    c = Client(server)
    for _ in range(5):
        ok(c.get("/healthz"))
    for _ in range(3):
        assert c.get(API + "/tickets").status == 401
    after = metrics(server)
    assert request_count(after) - request_count(before) >= 8, \
        "request counters went %s -> %s" % (request_count(before), request_count(after))


def test_every_response_carries_security_headers(server, lead):
    for r in (Client(server).get("/healthz"), lead.get(API + "/session"),
              Client(server).get(API + "/tickets"), Client(server).get(API + "/nope"),
              Client(server).get("/metrics")):
        csp = r.headers.get("Content-Security-Policy")
        assert csp, "no Content-Security-Policy on %r" % r
        assert "unsafe-inline" not in csp.split("script-src", 1)[-1].split(";")[0], csp
        assert r.headers.get("X-Content-Type-Options") == "nosniff", r


def test_unknown_route_is_json_404(server, lead):
    for path in (API + "/nope", API + "/tickets/1/nope"):
        assert_error(Client(server).get(path), 404, "not_found")
        assert_error(lead.get(path), 404, "not_found")


@pytest.mark.sqlite_only("holds the SQLite file's write lock with sqlite3")
def test_busy_database_is_503_and_recovers(start_server):
    """Another process holds the write lock past the server's busy timeout
    (5 s): writes answer 503 unavailable, reads go on, and once the lock is
    gone the server writes again."""
    srv = start_server(name="busy")
    lead = login_lead(srv)
    ok(lead.post(API + "/tickets", {"subject": "Before the lock", "body": "b"}), 201)
    holder = sqlite3.connect(str(srv.db), timeout=1, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        t0 = time.monotonic()
        r = lead.post(API + "/tickets", {"subject": "While locked", "body": "b"})
        assert_error(r, 503, "unavailable")
        assert time.monotonic() - t0 < 12
        ok(lead.get(API + "/tickets?limit=1"))  # readers are not blocked (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    ok(lead.post(API + "/tickets", {"subject": "After the lock", "body": "b"}), 201)
    subjects = [t["subject"] for t in ok(lead.get(API + "/tickets"))["items"]]
    assert subjects == ["After the lock", "Before the lock"]
    samples = metrics(srv)
    assert samples.get(("allhands_db_unavailable_total", ""), 1) >= 1


def test_sigterm_stops_the_server_cleanly(start_server):
    srv = start_server(name="sigterm")
    ok(Client(srv).get("/healthz"))
    t0 = time.monotonic()
    assert srv.stop() == 0, "serve should exit 0 on SIGTERM:\n" + srv.log_tail(2000)
    assert time.monotonic() - t0 < 5
