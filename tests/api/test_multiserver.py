"""Several servers on one PostgreSQL database, the way deploy/ runs them: two
`allhands serve` processes on the same database, and for the queue test a
real HAProxy (round robin, health checks on /healthz) in front of them.

- 64 people working the queue through HAProxy empty 2,000 tickets: each one
  handed out exactly once, none lost, and both servers did part of the work;
- a session made on one server works on the other (who am I, a CSRF-checked
  write, logging out);
- a claim's lease taken through one server ends, the ticket returns to the
  queue exactly once, and then exactly one other person gets it, through
  either server.

PostgreSQL only (AH_TEST_PG, as `make test-pg` sets it): a SQLite database is
one file on one machine, served by one process. Needs haproxy (Debian
`haproxy`, installed by `scripts/deps.sh test`; or AH_TEST_HAPROXY=path).
Everything listens on 127.0.0.1; every process here is stopped by its PID.
"""
import os
import re
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import ahtest
from ahtest import (API, PASSWORD, Client, Server, ServerError, create_person, create_ticket,
                    drain_queue, free_port, get_ticket, list_all, login_as, login_lead, ok, unique)

pytestmark = pytest.mark.skipif(
    not ahtest.PG_MODE,
    reason="several servers share one PostgreSQL database: set AH_TEST_PG (make test-pg); "
           "SQLite is one machine, one server")

HAPROXY = os.environ.get("AH_TEST_HAPROXY") or shutil.which("haproxy") or "/usr/sbin/haproxy"
PROXY_START_TIMEOUT = 10.0

WORKERS = 64
TICKETS = 2000
SETUP_THREADS = 8  # for making people, tokens and tickets
DRAIN_DEADLINE = 40.0  # seconds for 64 people to empty the queue
LEASE_WAIT = 10.0  # seconds for a 1 s lease to be returned by the upkeep


class HAProxy:
    """haproxy -db (foreground) over servers, round robin, checking /healthz;
    listens on a free loopback port. Has .port, so a Client can use it."""

    def __init__(self, workdir, servers):
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.servers = servers
        self.port = None
        self.proc = None
        self.log = None

    def config(self):
        lines = [
            "global",
            "    maxconn 1024",
            "defaults",
            "    mode http",
            "    timeout connect 2s",
            "    timeout client 30s",
            "    timeout server 30s",
            "    timeout queue 30s",
            "    retries 2",
            "    option redispatch",
            "frontend allhands",
            "    bind 127.0.0.1:%d" % self.port,
            "    default_backend allhands",
            "backend allhands",
            "    balance roundrobin",
            "    option httpchk GET /healthz",
            "    http-check expect status 200",
            "    default-server inter 1s fall 3 rise 1",
        ]
        for i, srv in enumerate(self.servers):
            lines.append("    server s%d 127.0.0.1:%d check" % (i, srv.port))
        return "\n".join(lines) + "\n"

    def start(self):
        if not os.path.exists(HAPROXY):
            raise ServerError("no haproxy at %s: `scripts/deps.sh test` installs it "
                              "(or set AH_TEST_HAPROXY)" % HAPROXY)
        for attempt in range(3):  # a port taken between probe and bind: retry
            self.port = free_port()
            cfg = self.dir / "haproxy.cfg"
            cfg.write_text(self.config())
            check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(cfg)], capture_output=True,
                                   text=True, timeout=10)
            if check.returncode != 0:
                raise ServerError("haproxy -c refused the test config:\n%s%s"
                                  % (check.stdout, check.stderr))
            self.log = self.dir / ("haproxy-%d.log" % attempt)
            with open(self.log, "wb") as out:
                self.proc = subprocess.Popen([HAPROXY, "-f", str(cfg), "-db"],
                                             stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=subprocess.STDOUT)
            if self._wait_ready():
                return self
            self.stop()
        raise ServerError("haproxy did not answer /healthz within %.0f s:\n%s"
                          % (PROXY_START_TIMEOUT, self.log.read_text(errors="replace")[-4000:]))

    def _wait_ready(self):
        deadline = time.monotonic() + PROXY_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if Client(self).get("/healthz", auth=False).status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stop(self):
        """SIGTERM to the haproxy this started, SIGKILL if it does not go."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=ahtest.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=ahtest.STOP_TIMEOUT)
        self.proc = None


@pytest.fixture
def cluster(tmp_path):
    """cluster.pair(lease_a=None, lease_b=None) -> (a, b): two running servers
    on one database (a made it and drops it); cluster.proxy(a, b) -> a
    running HAProxy in front of them. All stopped after the test, the proxy
    first."""
    started = []

    class Cluster:
        @staticmethod
        def pair(lease_a=None, lease_b=None):
            a = Server(tmp_path / "a", name="multi-a", lease_seconds=lease_a)
            started.append(a)
            a.init().start()
            b = Server(tmp_path / "b", name="multi-b", lease_seconds=lease_b, db=a.db)
            started.append(b)
            b.start()
            return a, b

        @staticmethod
        def proxy(*servers):
            p = HAProxy(tmp_path / "haproxy", list(servers))
            started.append(p)
            return p.start()

    yield Cluster
    errors = []
    for thing in reversed(started):  # proxy, then b, then a (which drops the database)
        try:
            if isinstance(thing, Server):
                thing.cleanup()
            else:
                thing.stop()
        except ServerError as e:
            errors.append(e)
    if errors:
        raise errors[0]


def metric(srv, name):
    """The value of an unlabelled counter in srv's /metrics (0 if absent)."""
    r = Client(srv).get("/metrics", auth=False)
    assert r.status == 200, r
    m = re.search(r"(?m)^%s (\d+)$" % re.escape(name), r.raw.decode())
    return int(m.group(1)) if m else 0


def parallel(fn, items, threads=SETUP_THREADS):
    """[fn(x) for x in items] from a few threads (bounded: each fn call is)."""
    with ThreadPoolExecutor(max_workers=threads) as ex:
        return list(ex.map(fn, items))


def token_people(srv, lead, n, role="member"):
    """n people made by lead through the API, each with an API token from
    `allhands user token` (tokens: 64 password logins from one address would
    meet the login rate limit): [(Person, token)]."""
    people = parallel(lambda _: create_person(lead, role=role, password=PASSWORD), range(n))
    tokens = parallel(lambda p: srv.token_for(p["email"]), people)
    return list(zip(people, tokens))


def test_64_people_through_haproxy_empty_2000_tickets_each_handed_out_once(cluster):
    a, b = cluster.pair()
    proxy = cluster.proxy(a, b)
    lead = login_lead(proxy)
    workers = [(p, Client(proxy, token=tok)) for p, tok in token_people(a, lead, WORKERS)]
    per = [TICKETS // SETUP_THREADS + (1 if i < TICKETS % SETUP_THREADS else 0)
           for i in range(SETUP_THREADS)]
    created = [t["id"] for chunk in parallel(
        lambda n: [create_ticket(lead, subject="Load " + unique()) for _ in range(n)], per)
        for t in chunk]
    assert len(set(created)) == TICKETS
    claims_before = metric(a, "allhands_queue_claims_total") + \
        metric(b, "allhands_queue_claims_total")

    claims = drain_queue(workers, created, DRAIN_DEADLINE)
    assert len([p for p in claims if claims[p]]) > WORKERS // 4, "a few people got everything"

    # both servers handed tickets out, and together exactly one claim each
    by_server = [metric(s, "allhands_queue_claims_total") for s in (a, b)]
    assert all(n > 0 for n in by_server), "HAProxy sent every claim to one server: %s" % by_server
    assert sum(by_server) - claims_before == TICKETS, by_server

    # the queue is empty for everyone, through either server
    assert ok(lead.get(API + "/queue"))["items"] == []
    for srv in (a, b):
        assert Client(srv, token=workers[0][1].token).post(API + "/queue/next").status == 204
    # and every ticket is its replier's, pending, with the reply after the question
    owner = {tid: pid for pid, ids in claims.items() for tid in ids}
    pending = {t["id"]: t for t in list_all(lead, API + "/tickets?status=pending")}
    assert set(pending) == set(created)
    wrong = [(tid, t["assignee_id"], owner[tid]) for tid, t in pending.items()
             if (t["assignee_id"], t["message_count"]) != (owner[tid], 2)]
    assert not wrong, "ticket, assignee, replier: %s" % wrong[:10]


def test_a_session_made_on_one_server_works_on_the_other(cluster):
    a, b = cluster.pair()
    lead_a = login_lead(a)
    person = create_person(lead_a, role="member")
    on_a = login_as(a, person["email"])  # POST /api/v1/session on a

    on_b = Client(b)  # the same cookie and CSRF token, sent to b
    on_b.cookies = dict(on_a.cookies)
    on_b.csrf = on_a.csrf
    me = ok(on_b.get(API + "/session"))
    assert me["person"]["id"] == person["id"]
    assert me["csrf"] == on_a.csrf

    # a write on b checks the CSRF token of the session a made
    body = {"subject": "Made on b " + unique(), "body": "Hello from the other server.",
            "requester_email": "customer-%s@example.org" % unique("c"),
            "requester_name": "Carla Customer"}
    r = on_b.post(API + "/tickets", body, csrf=False)
    assert r.status == 403, "a cookie write without X-CSRF-Token: %r" % r
    r = on_b.post(API + "/tickets", body, headers={"X-CSRF-Token": "0" * len(on_a.csrf)},
                  csrf=False)
    assert r.status == 403, "a cookie write with a wrong X-CSRF-Token: %r" % r
    made = ok(on_b.post(API + "/tickets", body), 201)
    assert get_ticket(on_a, made["id"])["subject"] == body["subject"]

    # logging out on b ends the session on a too
    r = on_b.delete(API + "/session")
    assert r.status in (200, 204), r
    assert on_a.get(API + "/session").status == 401
    assert Client(b).get(API + "/session", headers={
        "Cookie": "; ".join("%s=%s" % kv for kv in on_a.cookies.items())}).status == 401


def test_a_lease_taken_on_one_server_expires_and_the_ticket_returns_once(cluster):
    # a gives 1 s leases; b the default: the lease is a row, not a server's memory
    a, b = cluster.pair(lease_a=1)
    lead = login_lead(b)
    (holder, holder_tok), *others = token_people(b, lead, 7)
    tid = create_ticket(lead)["id"]

    t0 = time.monotonic()
    r = Client(a, token=holder_tok).post(API + "/queue/next")
    assert r.status == 200 and r.json["id"] == tid, r
    assert r.json["claimed_until"] is not None
    early = Client(b, token=others[0][1]).post(API + "/queue/next")
    seen = get_ticket(lead, tid)
    if time.monotonic() - t0 < 0.9:  # the 1 s lease surely still held
        assert early.status == 204, "b handed out a ticket a holds: %r" % early
        assert seen["assignee_id"] == holder["id"] and seen["claimed_until"] is not None

    # nobody touches the claim: an upkeep (a's or b's) returns it
    deadline = time.monotonic() + LEASE_WAIT
    while True:
        seen = get_ticket(lead, tid)
        if seen["claimed_until"] is None:
            break
        assert time.monotonic() < deadline, "the lease did not end within %.0f s: %r" % (
            LEASE_WAIT, seen)
        time.sleep(0.1)
    assert seen["assignee_id"] is None and seen["status"] == "new", seen
    time.sleep(2.5)  # both servers' upkeep ran again (every second)
    returned = [metric(s, "allhands_leases_expired_total") for s in (a, b)]
    assert sum(returned) == 1, "claims returned by a, b: %s (one was due)" % returned
    assert tid in [t["id"] for t in list_all(Client(a, token=others[0][1]), API + "/queue")]

    # six other people ask at once, three on each server: exactly one gets it
    racers = [(p, Client((a, b)[i % 2], token=tok)) for i, (p, tok) in enumerate(others[:6])]
    gate = threading.Barrier(len(racers))
    results = {}

    def race(person, client):
        try:
            gate.wait(10)
            results[person["id"]] = client.post(API + "/queue/next")
        except Exception as e:  # noqa: BLE001 - reported below
            results[person["id"]] = e

    threads = [threading.Thread(target=race, args=rc) for rc in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a racer hung"
    got = {pid: r for pid, r in results.items() if getattr(r, "status", None) == 200}
    rest = {pid: r for pid, r in results.items() if pid not in got}
    assert len(got) == 1, "after the lease ended the ticket went to %d people: %r" % (
        len(got), results)
    assert all(getattr(r, "status", None) == 204 for r in rest.values()), rest
    (winner_id, won), = got.items()
    assert won.json["id"] == tid

    # the winner answers it through the other server: it is theirs, out of the queue
    winner = next(c for p, c in racers if p["id"] == winner_id)
    other_srv = b if winner.server is a else a
    reply = Client(other_srv, token=winner.token).post(
        "%s/tickets/%d/messages" % (API, tid),
        {"kind": "reply", "body": "Got it.", "seen_message_id": won.json["last_message_id"]})
    assert reply.status == 201, reply
    seen = get_ticket(lead, tid)
    assert (seen["assignee_id"], seen["status"], seen["claimed_until"]) == (
        winner_id, "pending", None), seen
    # and nobody else, the first holder included, gets it through either server
    for (p, tok) in [(holder, holder_tok)] + [(p, c.token) for p, c in racers
                                                if p["id"] != winner_id]:
        for srv in (a, b):
            r = Client(srv, token=tok).post(API + "/queue/next")
            assert r.status == 204, "%d on %s: %r" % (p["id"], srv.name, r)
