"""Internal escalations, route-backs, launch heads-ups and kudos (issue 8,
parts 3 to 6), through the real API and `allhands mail-in`, on SQLite and
PostgreSQL: the filer of an escalation cannot set its priority or tier (on
any endpoint), follows it and is told once when it is solved, and the report
counts it for their department; a member's reply on a ticket routed back to
them is held for review whatever their level; a launch shows beside the
tickets it touches and counts what it cost; kudos reach the person and their
manager."""
import datetime

import pytest

from ahtest import API, Server, assert_error, login_lead, ok, person_client, unique
from test_mail import mail_in, message

ESCALATIONS = "escalations@company.example"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("ah-feedback"), name="feedback",
               env={"ALLHANDS_ESCALATION_ADDRESS": ESCALATIONS})
    s.init().start()
    yield s
    s.stop()
    s.cleanup()


@pytest.fixture(scope="module")
def lead(srv):
    return login_lead(srv)


person = person_client


def inbox(c, kind):
    return [n for n in ok(c.get(API + "/notifications?limit=200"))["items"] if n["kind"] == kind]


def escalate(c, **fields):
    body = {"customer_email": "%s@customer.example" % unique("c").lower(),
            "customer_name": "Dana Customer", "text": "Our invoices are wrong again.\nPlease fix.",
            "channel": "chat", "why": "Our biggest account; renewal next week."}
    body.update(fields)
    return c.post(API + "/escalations", body)


def ticket(c, subject="The export is broken", tags=None, **fields):
    body = {"subject": subject, "body": "Hello, the export does nothing.",
            "requester_email": "%s@customer.example" % unique("r").lower()}
    if tags:
        body["tags"] = tags
    body.update(fields)
    return ok(c.post(API + "/tickets", body), 201)


def reply(c, t, text):
    t = ok(c.get("%s/tickets/%d" % (API, t["id"])))
    return c.post("%s/tickets/%d/messages" % (API, t["id"]),
                  {"kind": "reply", "body": text, "seen_message_id": t["last_message_id"]})


# ---- internal escalations ----

def test_filer_cannot_triage_follows_and_is_told_once(srv, lead):
    sales = person(srv, lead, department="Sales")
    pro = person(srv, lead, role="pro")
    # the form takes no priority and no tier: the support team sets them
    assert_error(escalate(sales, priority="urgent"), 400, "bad_request")
    assert_error(escalate(sales, tier=1), 400, "bad_request")
    assert_error(escalate(sales, channel="carrier pigeon"), 422, "invalid")
    assert_error(escalate(sales, text="   "), 422, "invalid")
    e = ok(escalate(sales, subject="Invoices wrong for Acme"), 201)
    assert e["filer_id"] == sales.person["id"] and e["channel"] == "chat"
    assert e["ticket"]["subject"] == "Invoices wrong for Acme"
    assert e["ticket"]["priority"] == "normal" and e["told_at"] is None
    tid = e["ticket_id"]
    t = ok(pro.get("%s/tickets/%d" % (API, tid)))
    assert t["source"] == "escalation"
    # the filer cannot set its priority or tier on the ticket either
    for patch in ({"priority": "urgent"}, {"tier": 2}):
        assert_error(sales.patch("%s/tickets/%d" % (API, tid), patch), 403, "forbidden")
    assert_error(sales.post("%s/tickets/%d/escalate" % (API, tid), {"note": "to the pros!"}),
                 403, "forbidden")
    # nor label a plain ticket an escalation, which records no filer
    assert_error(sales.post(API + "/tickets", {"subject": "x", "body": "y",
                                               "source": "escalation"}), 422, "invalid")
    # ... even when the filer is a pro
    pro_filer = person(srv, lead, role="pro", department="Sales")
    e2 = ok(escalate(pro_filer), 201)
    for patch in ({"priority": "urgent"}, {"tier": 2}):
        assert_error(pro_filer.patch("%s/tickets/%d" % (API, e2["ticket_id"]), patch), 403,
                     "forbidden")
    # support judges: urgent
    ok(pro.patch("%s/tickets/%d" % (API, tid), {"priority": "urgent"}))
    # the filer follows it, and only theirs
    mine = ok(sales.get(API + "/escalations?mine=1"))["items"]
    assert [x["id"] for x in mine] == [e["id"]] and mine[0]["ticket"]["priority"] == "urgent"
    assert_error(sales.get(API + "/escalations"), 403, "forbidden")
    assert ok(sales.get("%s/escalations/%d" % (API, e["id"])))["ticket"]["status"] == "new"
    other = person(srv, lead)
    assert_error(other.get("%s/escalations/%d" % (API, e["id"])), 404, "not_found")
    assert {x["id"] for x in ok(pro.get(API + "/escalations?limit=200"))["items"]} >= {
        e["id"], e2["id"]}
    # solved: told once, even when solved again
    ok(pro.patch("%s/tickets/%d" % (API, tid), {"status": "solved"}))
    ok(pro.patch("%s/tickets/%d" % (API, tid), {"status": "open"}))
    ok(pro.patch("%s/tickets/%d" % (API, tid), {"status": "solved"}))
    told = inbox(sales, "escalation.solved")
    assert len(told) == 1 and "#%d" % tid in told[0]["body"]
    assert ok(sales.get("%s/escalations/%d" % (API, e["id"])))["told_at"]
    # the report counts them by filer and department, and the urgent ones
    rep = ok(lead.get(API + "/reports/escalations"))
    deps = {d["department"]: d for d in rep["by_department"]}
    assert deps["Sales"]["filed"] >= 2 and deps["Sales"]["urgent"] >= 1
    filers = {f["person_id"]: f for f in rep["by_filer"]}
    assert filers[sales.person["id"]]["filed"] == 1
    assert filers[sales.person["id"]]["urgent"] == 1
    assert_error(sales.get(API + "/reports/escalations"), 403, "forbidden")
    assert_error(lead.get(API + "/reports/escalations?week=soon"), 400, "bad_request")


def test_escalation_by_mail_from_a_colleague(srv, lead):
    founder = person(srv, lead, department="Founders")
    body = ("Can someone look at this? They are upset.\n\n"
            "---------- Forwarded message ---------\n"
            "From: Erin Angry <erin@bigcustomer.example>\n"
            "Date: Tue, 24 Nov 2026 at 09:12\n"
            "Subject: Your app lost my data\n\n"
            "I imported 4,000 contacts and 300 are gone.\n")
    raw = message("Fwd: Your app lost my data", body=body,
                  frm="Founder <%s>" % founder.person["email"], to=ESCALATIONS)
    mail_in(srv, raw, check=0)
    mail_in(srv, raw, check=0)  # the same message again: stored once
    mine = ok(founder.get(API + "/escalations?mine=1"))["items"]
    assert len(mine) == 1 and mine[0]["channel"] == "email"
    assert mine[0]["ticket"]["subject"] == "Your app lost my data"
    assert "upset" in mine[0]["why"]
    t = ok(lead.get("%s/tickets/%d" % (API, mine[0]["ticket_id"])))
    assert t["requester"]["email"] == "erin@bigcustomer.example"
    assert t["requester"]["name"] == "Erin Angry"
    # someone who is not a colleague cannot file one; nor one with no customer in it
    stranger = message("Fwd: hello", body=body, frm="Mallory <mallory@evil.example>",
                       to=ESCALATIONS)
    assert mail_in(srv, stranger).returncode == 65
    bare = message("urgent!!", body="Please call them back.",
                   frm="Founder <%s>" % founder.person["email"], to=ESCALATIONS)
    p = mail_in(srv, bare)
    assert p.returncode == 65 and b"customer" in p.stderr


# ---- route-back ----

def test_route_back_reply_is_held_whatever_the_level(srv, lead):
    seller = person(srv, lead, department="Sales", level="tier1")
    pro = person(srv, lead, role="pro")
    t = ticket(pro, subject="Where is the Gantt view you promised?", tier=2)
    assert_error(seller.get("%s/tickets/%d" % (API, t["id"])), 404, "not_found")
    assert_error(seller.post("%s/tickets/%d/route-backs" % (API, t["id"]),
                             {"person_id": seller.person["id"], "cause": "promise",
                              "reason": "x"}), 403, "forbidden")
    assert_error(pro.post("%s/tickets/%d/route-backs" % (API, t["id"]),
                          {"person_id": seller.person["id"], "cause": "rumour",
                           "reason": "x"}), 422, "invalid")
    rb = ok(pro.post("%s/tickets/%d/route-backs" % (API, t["id"]),
                     {"person_id": seller.person["id"], "cause": "promise",
                      "reason": "Promised the Gantt view for November on the sales call"}), 201)
    assert rb["department"] == "Sales" and rb["cause"] == "promise"
    assert inbox(seller, "route_back")
    # the tier-2 ticket is theirs to follow up
    got = ok(seller.get("%s/tickets/%d" % (API, t["id"])))
    assert got["assignee_id"] == seller.person["id"]
    r = reply(seller, t, "Sorry, I got ahead of the roadmap: the Gantt view ships in Q1.")
    assert r.status == 202, r
    assert r.json["review"]["status"] == "held"
    held = ok(pro.get(API + "/reviews?status=held&limit=200"))["items"]
    assert any(x["ticket_id"] == t["id"] for x in held)
    listed = ok(pro.get("%s/tickets/%d/route-backs" % (API, t["id"])))["items"]
    assert [x["id"] for x in listed] == [rb["id"]]
    rep = ok(lead.get(API + "/reports/route-backs"))
    assert {d["department"]: d for d in rep["by_department"]}["Sales"]["promises"] >= 1


# ---- launch heads-ups ----

def test_launch_shows_beside_its_tickets_and_counts_its_cost(srv, lead):
    eng = person(srv, lead, department="Engineering")
    pro = person(srv, lead, role="pro")
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    tag = "billing-%s" % unique("t").lower()
    bad = {"title": "New invoices", "day": "2026-13-40", "changes": "x", "impact": "y",
           "tags": [tag]}
    assert_error(eng.post(API + "/launches", bad), 422, "invalid")
    assert_error(eng.post(API + "/launches", dict(bad, day=today, tags=[])), 422, "invalid")
    assert_error(eng.post(API + "/launches", dict(bad, day=today, readiness="ready")), 422,
                 "invalid")
    ln = ok(eng.post(API + "/launches", {
        "title": "New invoice layout", "day": today,
        "changes": "Invoices move to a new layout with the VAT number on top.",
        "impact": "Expect questions from accountants for a week.", "tags": [tag]}), 201)
    assert ln["readiness"] == "unjudged" and ln["tags"] == [tag]
    assert_error(eng.patch("%s/launches/%d" % (API, ln["id"]), {"readiness": "ready"}), 403,
                 "forbidden")
    judged = ok(pro.patch("%s/launches/%d" % (API, ln["id"]), {
        "readiness": "not_ready", "missing": ["saved_reply", "training"],
        "note": "No saved reply for the new VAT field yet."}))
    assert judged["readiness"] == "not_ready"
    assert judged["missing"] == ["saved_reply", "training"]
    assert inbox(eng, "launch.readiness")
    hit = ticket(pro, subject="Where did the VAT number go?", tags=[tag])
    miss = ticket(pro, subject="Unrelated question", tags=["other"])
    beside = ok(pro.get("%s/tickets/%d/launches" % (API, hit["id"])))["items"]
    assert [x["id"] for x in beside] == [ln["id"]]
    assert ok(pro.get("%s/tickets/%d/launches" % (API, miss["id"])))["items"] == []
    got = ok(pro.get("%s/launches/%d" % (API, ln["id"])))
    assert got["cost"]["tickets"] == 1 and got["cost"]["recent"][0]["id"] == hit["id"]
    assert ln["id"] in [x["id"] for x in ok(eng.get(API + "/launches"))["items"]]


# ---- kudos ----

def test_kudos_reach_the_person_and_their_manager(srv, lead):
    manager = person(srv, lead, department="Engineering")
    eng = person(srv, lead, role="pro", department="Engineering",
                 manager_id=manager.person["id"])
    member = person(srv, lead)
    pro = person(srv, lead, role="pro")
    t = ticket(pro)
    ok(reply(eng, t, "Fixed: the export now includes archived rows."), 201)
    thread = ok(pro.get("%s/tickets/%d" % (API, t["id"])))
    rid = [m for m in thread["messages"] if m["kind"] == "reply"][-1]["id"]
    cid = [m for m in thread["messages"] if m["kind"] == "customer"][0]["id"]
    assert_error(member.post("%s/tickets/%d/kudos" % (API, t["id"]), {"message_id": rid}), 422,
                 "invalid")
    assert_error(eng.post("%s/tickets/%d/kudos" % (API, t["id"]),
                          {"message_id": rid, "text": "me!"}), 422, "invalid")
    assert_error(member.post("%s/tickets/%d/kudos" % (API, t["id"]),
                             {"message_id": cid, "text": "nice"}), 422, "invalid")
    k = ok(member.post("%s/tickets/%d/kudos" % (API, t["id"]),
                       {"message_id": rid, "text": "Clear and kind, and it fixed it."}), 201)
    assert k["person_id"] == eng.person["id"] and "archived rows" in k["quote"]
    assert_error(member.post("%s/tickets/%d/kudos" % (API, t["id"]),
                             {"message_id": rid, "text": "again"}), 409, "conflict")
    # a customer's thanks, turned into kudos by a pro (not by a member)
    assert_error(member.post("%s/tickets/%d/kudos" % (API, t["id"]),
                             {"message_id": rid, "customer_message_id": cid}), 403, "forbidden")
    k2 = ok(pro.post("%s/tickets/%d/kudos" % (API, t["id"]),
                     {"message_id": rid, "customer_message_id": cid}), 201)
    assert k2["from_customer"] is True and k2["text"]
    assert len(inbox(eng, "kudos")) == 2 and len(inbox(manager, "kudos")) == 2
    mine = ok(eng.get(API + "/kudos?person=me"))["items"]
    assert {x["id"] for x in mine} == {k["id"], k2["id"]}
    assert {x["id"] for x in ok(manager.get("%s/kudos?person=%d" % (
        API, eng.person["id"])))["items"]} == {k["id"], k2["id"]}
    assert_error(member.get("%s/kudos?person=%d" % (API, eng.person["id"])), 403, "forbidden")
