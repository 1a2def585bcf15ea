"""Background work when a server dies: two `allhands serve` processes, A and B,
on one PostgreSQL database, both with 1 s claim leases. Lease expiry runs in
each server's upkeep (every second) but, on PostgreSQL, only on the server
that wins a transaction-level advisory lock, so it runs exactly once across
servers.

- several people claim tickets through A and B, then A is killed with
  SIGKILL at once: B returns every claim (each ticket back in the queue
  exactly once), B's allhands_leases_expired_total equals the number of
  claims, and then each ticket goes to exactly one other person;
- A killed and started again a few times while B keeps running (the kills
  land before, around and after the leases' end): every lease that ran out
  is counted exactly once over all the processes' counters.

PostgreSQL only (AH_TEST_PG, as `make test-pg` sets it). Everything listens
on 127.0.0.1; every process here is stopped by its PID.
"""
import collections
import re
import threading
import time
from datetime import datetime, timezone

import pytest

import ahtest
from ahtest import (API, Client, Server, ServerError, create_person, create_ticket, get_ticket,
                    list_all, login_lead, unique)

pytestmark = pytest.mark.skipif(
    not ahtest.PG_MODE,
    reason="background work across several servers on one PostgreSQL database: set "
           "AH_TEST_PG (make test-pg); SQLite is one machine, one server")

LEASE = 1  # ALLHANDS_LEASE_SECONDS of both servers
RETURN_WAIT = 6.0  # seconds after the kill for B to return every claim
UPKEEP_SETTLE = 1.5  # more than one upkeep round (every 1 s)


@pytest.fixture
def servers(tmp_path):
    """servers.b() -> B, running, made the database (and drops it);
    servers.a() -> a new A process on B's database (Server(..., db=url)).
    Everything started is stopped after the test, B last."""
    started = []

    class Servers:
        @staticmethod
        def b():
            b = Server(tmp_path / "b", name="bg-b", lease_seconds=LEASE)
            started.append(b)
            return b.init().start()

        @staticmethod
        def a(db):
            a = Server(tmp_path / ("a%d" % len(started)), name="bg-a%d" % len(started),
                       lease_seconds=LEASE, db=db)
            started.append(a)
            return a.start()

    yield Servers
    errors = []
    for srv in reversed(started):  # the A processes, then B (which drops the database)
        try:
            srv.cleanup()
        except ServerError as e:
            errors.append(e)
    if errors:
        raise errors[0]


def expired_total(srv):
    """allhands_leases_expired_total in srv's /metrics (0 if absent)."""
    r = Client(srv).get("/metrics", auth=False)
    assert r.status == 200, r
    m = re.search(r"(?m)^allhands_leases_expired_total (\d+)$", r.raw.decode())
    return int(m.group(1)) if m else 0


def logged_returns(srv, log):
    """The claims srv's upkeep logged as returned in one serve log (the
    `event=queue.expired returned=N` lines, each written with one write(2)
    after the commit, so a SIGKILL leaves them whole)."""
    text = log.read_text(errors="replace")
    return sum(int(n) for n in re.findall(r"event=queue\.expired returned=(\d+)", text))


def epoch(stamp):
    """A "YYYY-MM-DDTHH:MM:SS.mmmZ" time as seconds since the epoch."""
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=timezone.utc).timestamp()


def token_people(srv, lead, n):
    """n members made through the API, each with a token from `allhands user
    token`: [(Person, token)]."""
    people = [create_person(lead, role="member") for _ in range(n)]
    return [(p, srv.token_for(p["email"])) for p in people]


def claim(srv, token):
    """POST /queue/next as token through srv: the claimed Ticket (200)."""
    r = Client(srv, token=token).post(API + "/queue/next")
    assert r.status == 200, "next through %s: %r" % (srv.name, r)
    assert r.json["claimed_until"] is not None, r
    return r.json


def queue_ids(client):
    return [t["id"] for t in list_all(client, API + "/queue")]


def wait_all_back(client, want, deadline, what):
    """Polls GET /queue until it holds exactly the ticket ids want (bounded)."""
    while True:
        ids = queue_ids(client)
        if sorted(ids) == sorted(want):
            return ids
        assert time.monotonic() < deadline, "%s: the queue holds %s, want %s" % (
            what, sorted(ids), sorted(want))
        time.sleep(0.1)


def test_a_server_killed_holding_claims_the_other_returns_each_once(servers):
    b = servers.b()
    a = servers.a(b.db)
    lead = login_lead(b)
    n = 5
    people = token_people(b, lead, n + 8)
    holders, others = people[:n], people[n:]
    created = [create_ticket(lead, subject="Background " + unique())["id"] for _ in range(n)]
    before = expired_total(b)

    # five people claim, through A and B in turn; A dies right after
    held = [claim((a, b)[i % 2], tok) for i, (_, tok) in enumerate(holders)]
    a_log = a.log_paths[-1]
    a.kill()
    killed_at = time.time()
    killed_mono = time.monotonic()
    assert sorted(t["id"] for t in held) == sorted(created), "each claim a ticket of its own"
    first_due = min(epoch(t["claimed_until"]) for t in held)

    # B returns every claim, each ticket once
    ids = wait_all_back(lead, created, killed_mono + RETURN_WAIT,
                        "%.0f s after A was killed" % RETURN_WAIT)
    twice = [tid for tid, k in collections.Counter(ids).items() if k > 1]
    assert not twice, "in the queue more than once: %s" % twice
    for tid in created:
        t = get_ticket(lead, tid)
        assert (t["assignee_id"], t["claimed_until"], t["status"]) == (None, None, "new"), t

    # counted once: by B alone when A died before any lease could end
    returned_b = expired_total(b) - before
    if killed_at < first_due:
        assert returned_b == n, "B returned %d claims, %d were held" % (returned_b, n)
    else:  # a slow machine: A lived past the first lease's end and may have done some
        returned_a = logged_returns(a, a_log)
        assert returned_a + returned_b == n, "A returned %d, B %d; %d were held" % (
            returned_a, returned_b, n)
    time.sleep(UPKEEP_SETTLE)  # B's upkeep ran again: nothing more to return
    assert expired_total(b) - before == returned_b, "B returned a claim twice"
    assert sorted(queue_ids(lead)) == sorted(created)

    # each ticket goes to exactly one other person: eight ask at once, through
    # B and a new A on the same database
    a2 = servers.a(b.db)
    racers = [(p, Client((b, a2)[i % 2], token=tok)) for i, (p, tok) in enumerate(others)]
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
    assert all(getattr(r, "status", None) == 204 for r in rest.values()), rest
    by_ticket = collections.defaultdict(list)
    for pid, r in got.items():
        by_ticket[r.json["id"]].append((epoch(r.json["claimed_until"]), pid))
    assert sorted(by_ticket) == sorted(created), "handed out: %s" % dict(by_ticket)
    for tid, claims in by_ticket.items():
        claims.sort()
        # a second hand-out is only right once the first lease has ended
        for (until1, p1), (until2, p2) in zip(claims, claims[1:]):
            assert until2 - until1 >= LEASE - 0.0005, \
                "ticket %d went to %d and %d within one lease" % (tid, p1, p2)

    # each winner answers through the other server: the ticket is theirs
    winners = {}
    for tid, claims in by_ticket.items():
        pid = claims[-1][1]
        r = got[pid]
        client = next(c for p, c in racers if p["id"] == pid)
        other_srv = a2 if client.server is b else b
        rr = Client(other_srv, token=client.token).post(
            "%s/tickets/%d/messages" % (API, tid),
            {"kind": "reply", "body": "Mine now.", "seen_message_id": r.json["last_message_id"]})
        assert rr.status == 201, rr
        winners[tid] = pid
    for tid, pid in winners.items():
        t = get_ticket(lead, tid)
        assert (t["assignee_id"], t["status"], t["claimed_until"]) == (pid, "pending", None), t
    assert queue_ids(lead) == []
    for srv in (a2, b):
        assert Client(srv, token=holders[0][1]).post(API + "/queue/next").status == 204


def test_a_server_killed_again_and_again_nothing_runs_twice(servers):
    b = servers.b()
    url = b.db
    lead = login_lead(b)
    # the kill lands (seconds after the round's claims) before the leases end,
    # around their end (A's upkeep may be mid-round), and after
    delays = (0.0, 0.95, 2.2)
    per_round = 3
    people = token_people(b, lead, per_round * len(delays))  # new holders each round
    tickets = [create_ticket(lead, subject="Again " + unique())["id"] for _ in range(per_round)]
    b_before = expired_total(b)

    leases = 0  # claims taken: nobody touches them, so each lease runs out
    a_counts = []  # per A process: (read from /metrics before the kill, logged)
    for rnd, delay in enumerate(delays):
        a = servers.a(url)
        mine = people[rnd * per_round:(rnd + 1) * per_round]
        held = [claim((a, b)[i % 2], tok) for i, (_, tok) in enumerate(mine)]
        assert sorted(t["id"] for t in held) == sorted(tickets), "round %d" % rnd
        leases += len(held)
        time.sleep(delay)
        read = expired_total(a)
        log = a.log_paths[-1]
        a.kill()
        early = time.time() < min(epoch(t["claimed_until"]) for t in held)
        # the log line follows the counter: both are lower bounds of A's count,
        # the log also holds what A returned between the read and the kill
        a_counts.append((read, logged_returns(a, log)))
        if early:  # A died before any lease of its life could end: it returned none
            assert max(a_counts[-1]) == 0, "round %d: %s" % (rnd, a_counts)
        # B finishes what A left, before the next round claims: a claim would
        # return a lease that ran out itself, not the upkeep
        wait_all_back(lead, tickets, time.monotonic() + RETURN_WAIT,
                      "round %d, %.0f s after the kill" % (rnd, RETURN_WAIT))
    time.sleep(UPKEEP_SETTLE)  # B's upkeep runs again: nothing more to return
    assert sorted(queue_ids(lead)) == sorted(tickets)
    for tid in tickets:
        t = get_ticket(lead, tid)
        assert (t["assignee_id"], t["claimed_until"]) == (None, None), t

    by_b = expired_total(b) - b_before
    by_a = [max(read, logged) for read, logged in a_counts]
    assert by_b + sum(by_a) == leases, (
        "%d leases ran out; returned by B %d, by the A processes %s (read, logged: %s)"
        % (leases, by_b, by_a, a_counts))
