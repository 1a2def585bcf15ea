"""The weekly digest (issue 8, parts 7 and 8), on a server with a test clock:
a week is generated through the real API (tickets, replies by members and
pros, reviews, escalations, a route-back, a launch, kudos, a repeated
question whose fix ships), then every figure of the digest is computed again
here from the raw API data and compared. Its SVG charts parse as XML, its
tables download as CSV, and once the week is over it goes to the leads
through the mail outbox to a real SMTP server on loopback. SQLite and
PostgreSQL."""
import csv
import datetime
import io
import math
import xml.etree.ElementTree as ET

import pytest

from ahtest import (API, LEAD_EMAIL, Server, TEST_CLOCK_ENV, assert_error, create_person,
                    ok, set_clock, token_client, unique, wait_for)
from mailservers import SmtpServer

MONDAY = datetime.datetime(2031, 3, 3, tzinfo=datetime.timezone.utc)  # ISO 2031-W10
WEEK = "2031-W10"
SUPPORT = "support@digest.test"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def ms(s):
    """An API time (ISO, maybe with fractions) in ms since the epoch, None for null."""
    if s is None:
        return None
    return int(datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)


def nearest_rank(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[max(1, math.ceil(p * len(v))) - 1]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with SmtpServer() as smtp:
        env = dict(TEST_CLOCK_ENV)
        env.update({"ALLHANDS_MAIL_ADDRESS": SUPPORT, "ALLHANDS_SMTP_URL": smtp.url,
                    "ALLHANDS_SMTP_USER": smtp.user, "ALLHANDS_SMTP_PASSWORD": smtp.password,
                    "ALLHANDS_MAIL_CA_FILE": smtp.cafile})
        srv = Server(tmp_path_factory.mktemp("ah-digest"), name="digest", env=env,
                     args=["--test-clock"])
        srv.init()
        srv.add_user("admin@example.com", "Ada Admin", role="admin")
        srv.start()
        lead = token_client(srv, LEAD_EMAIL)
        admin = token_client(srv, "admin@example.com")
        set_clock(admin, iso(MONDAY - datetime.timedelta(days=2)))
        ok(lead.patch(API + "/policy", {"timezone": "UTC", "week_start": 1}))
        yield srv, lead, admin, smtp
        srv.stop()
        srv.cleanup()


def person(srv, lead, role="member", **fields):
    p = create_person(lead, role=role, **fields)
    c = token_client(srv, p["email"])
    return c


def at(admin, day, hour, minute=0):
    set_clock(admin, iso(MONDAY + datetime.timedelta(days=day, hours=hour, minutes=minute)))


def ticket(c, subject, body=None, **fields):
    req = {"subject": subject, "body": body or subject,
           "requester_email": "%s@customer.example" % unique("c").lower()}
    req.update(fields)
    return ok(c.post(API + "/tickets", req), 201)


def reply(c, tid, text, **extra):
    t = ok(c.get("%s/tickets/%d" % (API, tid)))
    body = {"kind": "reply", "body": text, "seen_message_id": t["last_message_id"]}
    body.update(extra)
    return c.post("%s/tickets/%d/messages" % (API, tid), body)


def generate_week(srv, lead, admin):
    """A week of work through the API; returns the people made."""
    eng = person(srv, lead, department="Engineering")
    sales = person(srv, lead, department="Sales")
    trainee = person(srv, lead, department="Engineering", level="trainee")
    pro = person(srv, lead, role="pro", department="Support")
    pro2 = person(srv, lead, role="pro", department="Support")
    # Monday: an hour in the queue, a repeated question, some ordinary tickets
    at(admin, 0, 9)
    ok(lead.post("%s/people/%d/sessions" % (API, eng.person["id"]),
                 {"start": iso(MONDAY + datetime.timedelta(hours=7)),
                  "end": iso(MONDAY + datetime.timedelta(hours=8, minutes=30)),
                  "reason": "Worked the queue before the clock was on"}), 201)
    q = "The Quibbleflux export button does nothing when I click it"
    rep = [ticket(lead, q, tags=["export"])["id"]]
    t_low = ticket(lead, "How do I change my avatar?", priority="low")["id"]
    t_urg = ticket(lead, "Everything is down for us", priority="urgent")["id"]
    t_late = ticket(lead, "Invoice copy for March please", priority="high")["id"]
    at(admin, 0, 10)
    rep.append(ticket(lead, "Quibbleflux export button does nothing")["id"])
    ok(reply(eng, t_low, "Open Profile, then Avatar, and pick a picture."), 201)
    at(admin, 0, 11)
    ok(reply(pro, t_urg, "We are on it; the status page has the details."), 201)
    ok(pro.patch("%s/tickets/%d" % (API, t_urg), {"status": "solved"}))
    at(admin, 0, 12)
    ok(reply(sales, rep[0], "Thanks! Engineering is looking at the export."), 201)
    # Tuesday: a trainee's replies held for review: approved, edited, returned
    at(admin, 1, 9)
    tr = [ticket(lead, "Trainee question %d about seats" % i)["id"] for i in range(3)]
    rvs = [ok(reply(trainee, tid, "Here is how seats work, number %d." % i), 202)["review"]
           for i, tid in enumerate(tr)]
    at(admin, 1, 10)
    ok(pro.post("%s/reviews/%d/approve" % (API, rvs[0]["id"]), {}))
    ok(pro.post("%s/reviews/%d/approve" % (API, rvs[1]["id"]),
                {"body": "Here is how seats work: each person takes one."}))
    ok(pro.post("%s/reviews/%d/return" % (API, rvs[2]["id"]),
                {"comment": "Say which plan they are on first."}))
    # Wednesday: escalations (one made urgent), a route-back, a launch
    at(admin, 2, 9)
    e1 = ok(sales.post(API + "/escalations", {
        "customer_email": "vip@bigco.example", "text": "Our renewal depends on the export.",
        "channel": "email", "why": "Largest account"}), 201)
    ok(eng.post(API + "/escalations", {"customer_email": "dev@startup.example",
                                         "text": "API keys expire too fast.",
                                         "channel": "chat"}), 201)
    ok(pro.patch("%s/tickets/%d" % (API, e1["ticket_id"]), {"priority": "urgent"}))
    rb_ticket = ticket(lead, "Where is the Gantt view you promised?")["id"]
    ok(pro.post("%s/tickets/%d/route-backs" % (API, rb_ticket),
                {"person_id": sales.person["id"], "cause": "promise",
                 "reason": "Promised on a call", "assign": False}), 201)
    ok(eng.post(API + "/launches", {"title": "New export", "day": "2031-03-05",
                                    "changes": "Exports move to a background job.",
                                    "impact": "Questions about where the file went.",
                                    "tags": ["export"]}), 201)
    at(admin, 2, 10)
    ticket(lead, "Where did my export file go?", tags=["export"])
    # Thursday: a fix for the repeated question ships; it is asked again
    at(admin, 3, 9)
    gid = wait_for("grouped", lambda: ok(lead.get("%s/tickets/%d/similar" % (
        API, rep[0])))["group"])["id"]
    fix = ok(lead.put("%s/groups/%d/fix" % (API, gid),
                      {"title": "Export button", "owner_id": eng.person["id"]}))
    ok(lead.patch("%s/fixes/%d" % (API, fix["id"]), {"state": "shipped"}))
    at(admin, 3, 10)
    rep.append(ticket(lead, "The Quibbleflux export button still does nothing")["id"])
    wait_for("after fix", lambda: ok(lead.get("%s/tickets/%d/similar" % (
        API, rep[-1])))["after_fix"])
    # Friday: kudos, a late first response, solutions
    at(admin, 4, 15)
    ok(reply(pro2, t_late, "Here is the March invoice."), 201)
    thread = ok(lead.get("%s/tickets/%d" % (API, t_low)))
    rid = [m for m in thread["messages"] if m["kind"] == "reply"][0]["id"]
    ok(pro.post("%s/tickets/%d/kudos" % (API, t_low),
                {"message_id": rid, "text": "Short and exactly right."}), 201)
    ok(pro.patch("%s/tickets/%d" % (API, t_low), {"status": "solved"}))
    ok(pro.patch("%s/tickets/%d" % (API, rep[0]), {"status": "solved"}))
    return {"eng": eng, "sales": sales, "pro": pro, "gid": gid}


def all_pages(c, path):
    out, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        page = ok(c.get(path + sep + "limit=200" + ("&cursor=%s" % cursor if cursor else "")))
        out += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return out


def test_digest_figures_equal_the_raw_data(world):
    srv, lead, admin, smtp = world
    made = generate_week(srv, lead, admin)
    # the week is over
    at(admin, 7, 8)
    d = ok(lead.get(API + "/digest?week=" + WEEK))
    assert d["week"] == WEEK and d["in_progress"] is False
    start, end = ms(d["start"]), ms(d["end"])
    now = ms(iso(MONDAY + datetime.timedelta(days=7, hours=8)))

    people = {p["id"]: p for p in all_pages(lead, API + "/people")}
    tickets = all_pages(lead, API + "/tickets")
    threads = {t["id"]: ok(lead.get("%s/tickets/%d" % (API, t["id"]))) for t in tickets}

    # who answered: replies written in the week, by members
    replies = [(m, t) for t in threads.values() for m in t["messages"]
               if m["kind"] == "reply" and start <= ms(m["created_at"]) < end]
    member = {pid for pid, p in people.items() if p["role"] == "member"}
    answered = {t["id"] for m, t in replies}
    by_members = {t["id"] for m, t in replies if m["author_id"] in member}
    assert d["answered"]["replies"] == len(replies)
    assert d["answered"]["member_replies"] == sum(m["author_id"] in member for m, _ in replies)
    assert d["answered"]["tickets"] == len(answered)
    assert d["answered"]["by_members"] == len(by_members)

    # queue health: first responses and solutions in the week, wall-clock
    fr = [ms(t["first_response_at"]) - ms(t["created_at"]) for t in tickets
          if t["first_response_at"] and start <= ms(t["first_response_at"]) < end]
    solved = [ms(t["solved_at"]) - ms(t["created_at"]) for t in tickets
              if t["solved_at"] and start <= ms(t["solved_at"]) < end]
    h = d["health"]
    assert h["responses"] == len(fr) and h["solved"] == len(solved)
    assert h["first_response_median_s"] == nearest_rank(fr, 0.5) // 1000
    assert h["first_response_p90_s"] == nearest_rank(fr, 0.9) // 1000
    assert h["resolution_median_s"] == nearest_rank(solved, 0.5) // 1000
    assert h["resolution_p90_s"] == nearest_rank(solved, 0.9) // 1000
    upto = min(end, now)
    due = [t for t in tickets if start <= ms(t["due_at"]) < end]
    missed = [t for t in due if (t["first_response_at"] and
                                 ms(t["first_response_at"]) > ms(t["due_at"])) or
              (not t["first_response_at"] and ms(t["due_at"]) < upto)]
    rdue = [t for t in tickets if start <= ms(t["resolve_due_at"]) < end]
    rmissed = [t for t in rdue if (t["solved_at"] and ms(t["solved_at"]) > ms(t["resolve_due_at"]))
               or (not t["solved_at"] and ms(t["resolve_due_at"]) < upto)]
    assert h["breaches"] == {"first_response_due": len(due), "first_response_missed": len(missed),
                             "resolution_due": len(rdue), "resolution_missed": len(rmissed)}
    assert missed, "the generated week has a late first response"
    backlog = {1: [0] * 4, 2: [0] * 4}
    for t in tickets:
        if t["status"] in ("new", "open", "pending"):
            age = upto - ms(t["created_at"])
            k = 0 if age < 86400000 else 1 if age < 3 * 86400000 else \
                2 if age < 7 * 86400000 else 3
            backlog[t["tier"]][k] += 1
    for row in h["backlog"]:
        assert [row["under_1d"], row["1d_3d"], row["3d_7d"], row["7d_plus"]] == \
            backlog[row["tier"]], row

    # reviews: approved as written, edited, returned
    reviews = [r for r in all_pages(lead, API + "/reviews")
               if r["decided_at"] and start <= ms(r["decided_at"]) < end]
    assert d["reviews"] == {
        "approved": sum(r["status"] == "approved" and (r["final_body"] in (None, r["body"]))
                        for r in reviews),
        "edited": sum(r["status"] == "approved" and r["final_body"] not in (None, r["body"])
                      for r in reviews),
        "returned": sum(r["status"] == "returned" for r in reviews)}
    assert d["reviews"]["edited"] == 1 and d["reviews"]["returned"] == 1

    # escalations by filer and department, and the urgent ones
    escs = [e for e in all_pages(lead, API + "/escalations")
            if start <= ms(e["created_at"]) < end]
    assert d["escalations"]["filed"] == len(escs) == 2
    assert d["escalations"]["urgent"] == sum(e["ticket"]["priority"] == "urgent" for e in escs)
    deps = {x["department"]: x["filed"] for x in d["escalations"]["by_department"]}
    assert deps == {"Sales": 1, "Engineering": 1}

    # route-backs, launches and their cost, kudos
    assert d["route_backs"] == [{"department": "Sales", "promises": 1, "changes": 0}]
    launch = d["launches"][0]
    cost = [t for t in tickets if "export" in t["tags"] and
            ms(iso(datetime.datetime(2031, 3, 5, tzinfo=datetime.timezone.utc))) <=
            ms(t["created_at"]) < ms(iso(datetime.datetime(2031, 3, 12,
                                                              tzinfo=datetime.timezone.utc)))]
    assert launch["title"] == "New export" and launch["tickets"] == len(cost) >= 1
    kudos = [k for k in all_pages(lead, API + "/kudos?person=all")
             if start <= ms(k["created_at"]) < end]
    assert [k["id"] for k in d["kudos"]] == [k["id"] for k in kudos]

    # repeated questions: this week's counts, and the ticket after the fix
    top = d["questions"][0]
    assert top["group"]["id"] == made["gid"] and top["this_week"] == 3
    assert top["after_fix"] == 1 and d["after_fix"] == 1
    assert d["regressions"][0]["fix"] == "Export button"
    grp = ok(lead.get("%s/groups/%d" % (API, made["gid"])))
    assert grp["trend"][-2]["tickets"] == top["this_week"]  # the digest's week, last week now

    # the program: as the compliance report says
    comp = ok(lead.get(API + "/reports/compliance?week=" + WEEK))
    assert d["program"]["required"] == comp["totality"]["required"]
    assert d["program"]["met"] == comp["totality"]["met"]
    worked = sum(p["worked_minutes"] for p in comp["people"])
    assert d["program"]["worked_minutes"] == worked and worked >= 60

    # departments add up to the totals
    assert sum(x["replies"] for x in d["departments"]) == d["answered"]["replies"]
    assert sum(x["responses"] for x in d["departments"]) == h["responses"]


def business_ms(a, b, start_h=9, end_h=17):
    """Milliseconds of [a, b) within Monday to Friday, start_h to end_h UTC."""
    total, day = 0, datetime.datetime.fromtimestamp(a / 1000, datetime.timezone.utc).replace(
        hour=0, minute=0, second=0, microsecond=0)
    while day.timestamp() * 1000 < b:
        if day.weekday() < 5:
            lo = max(a, int((day + datetime.timedelta(hours=start_h)).timestamp() * 1000))
            hi = min(b, int((day + datetime.timedelta(hours=end_h)).timestamp() * 1000))
            total += max(0, hi - lo)
        day += datetime.timedelta(days=1)
    return total


def test_business_hours_when_set(world):
    srv, lead, admin, smtp = world
    assert_error(lead.patch(API + "/policy", {"business_start": "25:00"}), 422, "invalid")
    assert_error(lead.patch(API + "/policy", {"business_days": ["funday"]}), 422, "invalid")
    assert_error(lead.patch(API + "/policy", {"business_start": "18:00"}), 422, "invalid")
    pol = ok(lead.patch(API + "/policy", {"business_days": ["mon", "tue", "wed", "thu", "fri"],
                                          "business_start": "09:00", "business_end": "17:00"}))
    assert pol["business_days"] == ["mon", "tue", "wed", "thu", "fri"]
    try:
        d = ok(lead.get(API + "/digest?week=" + WEEK))
        assert d["business_hours"] is True
        start, end = ms(d["start"]), ms(d["end"])
        tickets = all_pages(lead, API + "/tickets")
        fr = [business_ms(ms(t["created_at"]), ms(t["first_response_at"])) for t in tickets
              if t["first_response_at"] and start <= ms(t["first_response_at"]) < end]
        solved = [business_ms(ms(t["created_at"]), ms(t["solved_at"])) for t in tickets
                  if t["solved_at"] and start <= ms(t["solved_at"]) < end]
        h = d["health"]
        assert h["first_response_median_s"] == nearest_rank(fr, 0.5) // 1000
        assert h["first_response_p90_s"] == nearest_rank(fr, 0.9) // 1000
        assert h["resolution_median_s"] == nearest_rank(solved, 0.5) // 1000
        assert h["resolution_p90_s"] == nearest_rank(solved, 0.9) // 1000
    finally:
        ok(lead.patch(API + "/policy", {"business_days": []}))


def test_charts_are_svg_and_tables_are_csv(world):
    srv, lead, admin, smtp = world
    d = ok(lead.get(API + "/digest?week=" + WEEK))
    for name in d["charts"]:
        r = lead.get(API + "/digest/chart?name=%s&week=%s" % (name, WEEK))
        assert r.status == 200 and r.headers["content-type"].startswith("image/svg+xml")
        root = ET.fromstring(r.raw)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", name
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert_error(lead.get(API + "/digest/chart?name=pie&week=" + WEEK), 400, "bad_request")
    for name in d["tables"]:
        r = lead.get(API + "/digest?format=csv&table=%s&week=%s" % (name, WEEK))
        assert r.status == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(r.raw.decode("utf-8"))))
        assert rows and all(len(row) == len(rows[0]) for row in rows), name
    deps = list(csv.DictReader(io.StringIO(lead.get(
        API + "/digest?format=csv&table=departments&week=" + WEEK).raw.decode())))
    assert [x["department"] for x in deps] == [x["department"] for x in d["departments"]]
    page = lead.get(API + "/digest?format=html&week=" + WEEK)
    assert page.status == 200 and b"<svg" in page.raw and WEEK.encode() in page.raw
    assert_error(lead.get(API + "/digest?week=2031-W99"), 400, "bad_request")
    assert_error(lead.get(API + "/digest?format=pdf"), 400, "bad_request")


def test_members_cannot_read_or_subscribe(world):
    srv, lead, admin, smtp = world
    member = person(srv, lead)
    assert_error(member.get(API + "/digest?week=" + WEEK), 403, "forbidden")
    assert ok(member.get(API + "/digest/subscription"))["subscribed"] is False
    assert_error(member.request("PUT", API + "/digest/subscription", {"subscribed": True}), 403,
                 "forbidden")
    assert ok(lead.get(API + "/digest/subscription"))["subscribed"] is True
    assert_error(admin.get(API + "/digest?week=" + WEEK), 403, "forbidden")
    page = lead.get(API + "/digest?format=html&week=" + WEEK)
    assert "style-src 'unsafe-inline'" in page.headers["content-security-policy"]
    assert "script" not in page.headers["content-security-policy"]


def test_the_digest_goes_out_through_the_outbox(world):
    srv, lead, admin, smtp = world
    # the week ended: the upkeep queues it once for every subscriber (the lead;
    # the admin runs people, not the program, and does not get it), and the
    # mailer sends it to the SMTP server
    subject = "The week in support: " + WEEK

    def got():
        return [(e, m) for e, m, raw in smtp.messages() if m["Subject"] == subject]
    wait_for("the digest mail", lambda: len(got()) >= 1, deadline=30)
    to = sorted(a for e, _ in got() for a in e["rcpt_tos"])
    assert to == [LEAD_EMAIL]
    msg = got()[0][1]
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert "<svg" in html and "Repeated questions" in html
    assert WEEK in text
    # once: a restart does not send the same week again
    srv.restart()
    at(admin, 7, 9)
    import time
    time.sleep(3)
    assert len(got()) == 1
