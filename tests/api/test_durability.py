"""Durability: a ticket the server acknowledged (201) survives the server
being killed (SIGKILL) in the middle of a burst of writes."""
import http.client
import threading
import time

from ahtest import API, Client, get_ticket, list_all, login_lead, unique

WRITERS = 4
BURST = 1.5  # seconds of writing
KILL_AT = 0.75  # seconds into the burst


def test_acknowledged_tickets_survive_sigkill(start_server):
    srv = start_server(name="durability")
    lead = login_lead(srv)
    r = lead.post(API + "/tokens", {"name": "durability"})
    assert r.status == 201, r
    token = r.json["token"]

    acked, lock = [], threading.Lock()
    errors = []
    t0 = time.monotonic()

    def write(n):
        c = Client(srv, token=token)
        for i in range(100000):
            if time.monotonic() - t0 > BURST:
                return
            subject = "Durable %d-%d %s" % (n, i, unique())
            try:
                r = c.post(API + "/tickets",
                           {"subject": subject, "body": "Keep me, %d-%d" % (n, i)})
            except (OSError, http.client.HTTPException):
                return  # the server is gone: this one was never acknowledged
            if r.status == 201:
                with lock:
                    acked.append((r.json["id"], subject))
            else:
                errors.append(repr(r))
                return

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(KILL_AT)
    with lock:
        before_kill = len(acked)
    srv.kill()
    for t in threads:
        t.join(30)
    assert not errors, errors[:3]
    assert before_kill > 0, "nothing was acknowledged before the kill"
    assert len({i for i, _ in acked}) == len(acked), "two acknowledgements with one id"

    srv.start()  # the same database, a new process
    lead = login_lead(srv)
    health = Client(srv).get("/healthz")
    assert health.status == 200 and health.json["database"] == "ok", health
    missing, wrong = [], []
    for tid, subject in acked:
        r = lead.get("%s/tickets/%d" % (API, tid))
        if r.status == 404:
            missing.append(tid)
        elif r.status != 200 or r.json["subject"] != subject:
            wrong.append((tid, subject, r))
    assert not missing, "%d of %d acknowledged tickets lost: %s" % (
        len(missing), len(acked), missing[:20])
    assert not wrong, wrong[:5]
    # and the database still takes writes
    r = lead.post(API + "/tickets", {"subject": "After the crash", "body": "Still here"})
    assert r.status == 201, r
    assert get_ticket(lead, r.json["id"])["messages"][0]["body"] == "Still here"
    assert r.json["id"] not in {i for i, _ in acked}
    assert len(list_all(lead, API + "/tickets?q=Durable")) >= len(acked)
