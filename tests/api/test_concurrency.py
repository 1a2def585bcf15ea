"""Concurrency: many people working the queue at once never get the same
ticket, and two replies over the same message cannot both go through.

People here sign in with API tokens from `allhands user token`: 32 logins
from one address within a minute would hit the login rate limit.
"""
import threading

from ahtest import (API, Client, PASSWORD, create_person, create_ticket, drain_queue, get_ticket,
                    login_lead, unique)

MEMBERS = 32
TICKETS = 300
DEADLINE = 40.0  # seconds for the whole queue to drain


def bearer_people(srv, lead, n, role):
    people = [create_person(lead, role=role, password=PASSWORD) for _ in range(n)]
    return [(p, Client(srv, token=srv.token_for(p["email"]))) for p in people]


def create_tickets(lead_client, n, threads=4):
    """n tier-1 tickets made from several threads; returns their ids."""
    ids, errors, lock = [], [], threading.Lock()

    def work(count):
        for _ in range(count):
            try:
                t = create_ticket(lead_client, subject="Queue load " + unique())
                with lock:
                    ids.append(t["id"])
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
                return

    per = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]
    ts = [threading.Thread(target=work, args=(c,)) for c in per]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert not errors, errors[:3]
    assert len(ids) == n
    return ids


def test_32_members_drain_the_queue_each_ticket_handed_out_once(start_server):
    srv = start_server(name="concurrency")
    lead = login_lead(srv)
    created = create_tickets(lead, TICKETS)
    workers = bearer_people(srv, lead, MEMBERS, "member")

    claims = drain_queue(workers, created, DEADLINE)
    assert len([p for p in claims if claims[p]]) > 1, "one person got everything"

    # every ticket is now the replier's and pending, with two messages
    owner = {tid: pid for pid, ids in claims.items() for tid in ids}
    for tid in created[:: max(1, TICKETS // 30)]:
        t = get_ticket(lead, tid)
        assert (t["assignee_id"], t["status"], t["message_count"]) == (owner[tid], "pending", 2)


def test_simultaneous_replies_over_the_same_message_one_wins(start_server):
    srv = start_server(name="reply-race")
    lead = login_lead(srv)
    writers = bearer_people(srv, lead, 8, "pro")
    for round_ in range(3):
        t = create_ticket(lead)
        results, gate = [], threading.Barrier(len(writers))

        def write(person, client):
            gate.wait(10)
            r = client.post("%s/tickets/%d/messages" % (API, t["id"]),
                            {"kind": "reply", "body": "Reply from %d" % person["id"],
                             "seen_message_id": t["last_message_id"]})
            results.append((person["id"], r))

        ts = [threading.Thread(target=write, args=w) for w in writers]
        for th in ts:
            th.start()
        for th in ts:
            th.join(30)
        statuses = sorted(r.status for _, r in results)
        assert statuses == [201] + [409] * (len(writers) - 1), \
            "round %d: %s" % (round_, [(p, r) for p, r in results if r.status != 409])
        for _, r in results:
            if r.status == 409:
                assert r.error["code"] == "conflict"
        winner = [r.json for _, r in results if r.status == 201][0]
        thread = get_ticket(lead, t["id"])["messages"]
        assert [m["id"] for m in thread] == [t["last_message_id"], winner["id"]]
