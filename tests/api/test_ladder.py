"""The consequence ladder, the compliance report, coverage and webhooks, on
a server with a test clock (issue 5). Three weeks are replayed through the
real API: someone behind three weeks in a row is reminded once, their manager
is told once, and they are listed on the leadership report once; a real HTTP
receiver on loopback gets each event signed with HMAC-SHA256, and events
queued while it is down arrive once it is back. Runs on SQLite and PostgreSQL.

The weeks are in 2030, after any real "now" the server starts with: at start
it runs the ladder for the real last week, which must not be one of these."""
import datetime
import hashlib
import hmac
import json
import subprocess
import time

import pytest

from ahtest import (API, BIN, Client, Receiver, assert_error, base_env, clock_server,
                    create_person, ok, set_clock, token_client, wait_for)

WEEK1 = datetime.date(2030, 1, 7)  # a Monday: ISO 2030-W02
DEADLINE = 20.0  # seconds for the upkeep (every second) to do something


def label(d):
    y, w, _ = d.isocalendar()
    return "%04d-W%02d" % (y, w)


@pytest.fixture
def world(tmp_path):
    srv, lead, admin = clock_server(tmp_path / "ladder")
    ok(lead.patch(API + "/policy", {"timezone": "UTC", "week_start": 1}))
    # the lead and the admin join the program after the weeks replayed here
    for c in (lead, admin):
        ok(lead.patch(API + "/people/%d" % c.person["id"], {"start_date": "2031-01-06"}))
    yield srv, lead, admin
    srv.cleanup()


def inbox(c):
    return ok(c.get(API + "/notifications?limit=200"))["items"]


def test_ladder_steps_once_and_webhooks_arrive_signed(world):
    srv, lead, admin = world
    receiver = Receiver()
    try:
        hook = ok(admin.post(API + "/webhooks", {"url": receiver.url}), 201)
        secret = hook["secret"]
        assert secret.startswith("whsec_")
        assert "secret" not in ok(admin.get(API + "/webhooks"))["items"][0]
        assert_error(lead.post(API + "/webhooks", {"url": receiver.url}), 403, "forbidden")
        assert_error(admin.post(API + "/webhooks", {"url": "ftp://x"}), 422, "invalid")

        boss = create_person(lead, timezone="UTC", start_date="2030-01-07", name="Bo Boss")
        slack = create_person(lead, timezone="UTC", start_date="2030-01-07",
                              manager_id=boss["id"], name="Sam Slack", department="Sales")
        founder = create_person(lead, timezone="UTC", start_date="2030-01-07", leader=True,
                                name="Fay Founder", department="Leadership")
        f = token_client(srv, founder["email"])
        s = token_client(srv, slack["email"])
        b = token_client(srv, boss["email"])

        events = []
        for week in range(3):
            monday = WEEK1 + datetime.timedelta(weeks=week)
            # the founder works a full 8 hours in the week; Sam does nothing
            set_clock(admin, "%sT09:00:00Z" % monday.isoformat())
            ok(lead.post(API + "/people/%d/sessions" % founder["id"], {
                "start": "%sT00:30:00Z" % monday.isoformat(),
                "end": "%sT08:30:00Z" % monday.isoformat(), "reason": "phones"}), 201)
            if week == 2:
                receiver.up = False  # the receiver is down as the third week ends
            # the week ends: the upkeep runs the ladder for it
            set_clock(admin, "%sT00:30:00Z" % (monday + datetime.timedelta(weeks=1)).isoformat())
            kinds = {0: "ladder.remind", 1: "ladder.manager", 2: "ladder.report"}
            want = kinds[week]
            to = b if week == 1 else s
            wait_for(want, lambda: any(n["kind"] == want and n["subject_id"] == slack["id"]
                                       for n in inbox(to)))
            if week < 2:
                events.append(wait_for("event " + want, lambda: [
                    e for e in receiver.got
                    if json.loads(e[1])["type"] == want
                    and json.loads(e[1])["person_id"] == slack["id"]]))

        # each step exactly once
        mine = [n["kind"] for n in inbox(s) if n["subject_id"] == slack["id"]]
        assert sorted(mine) == ["ladder.remind", "ladder.report"]
        assert [n["kind"] for n in inbox(b) if n["subject_id"] == slack["id"]] == [
            "ladder.manager"]
        assert not [n for n in inbox(f)]  # the founder met it every week

        # the report for the third week: Sam on the leadership report
        rep = ok(lead.get(API + "/reports/compliance?week=%s"
                          % label(WEEK1 + datetime.timedelta(weeks=2))))
        people = {p["person_id"]: p for p in rep["people"]}
        assert people[slack["id"]]["status"] == "behind"
        assert people[slack["id"]]["weeks_behind"] == 3
        assert people[slack["id"]]["ladder"] == "leadership_report"
        assert rep["people"][0]["person_id"] == founder["id"]  # leaders first
        assert people[founder["id"]]["status"] == "met"
        assert rep["totality"]["required"] == 3 and rep["totality"]["met"] == 1
        sales = [d for d in rep["departments"] if d["department"] == "Sales"][0]
        assert (sales["required"], sales["behind"]) == (1, 1)
        by_boss = [m for m in rep["managers"] if m["manager_id"] == boss["id"]][0]
        assert by_boss["name"] == "Bo Boss" and by_boss["behind"] == 1
        assert rep["in_progress"] is False and rep["timezone"] == "UTC"
        assert rep["first_day"] == (WEEK1 + datetime.timedelta(weeks=2)).isoformat()
        # the week under way: nobody is on a step of the ladder before it ends
        now = ok(lead.get(API + "/reports/compliance?week=%s"
                          % label(WEEK1 + datetime.timedelta(weeks=3))))
        assert now["in_progress"] is True
        assert all(p["ladder"] is None for p in now["people"])
        # leaders read it, members do not
        ok(f.get(API + "/reports/compliance"))
        assert_error(s.get(API + "/reports/compliance"), 403, "forbidden")
        csv = lead.get(API + "/reports/compliance?format=csv&week=%s"
                       % label(WEEK1 + datetime.timedelta(weeks=2)))
        assert csv.status == 200 and b"Sam Slack" in csv.raw and b"leadership_report" in csv.raw
        assert "compliance-2030-W04.csv" in csv.headers["Content-Disposition"]

        # the event queued while the receiver was down arrives once it is back
        pending = wait_for("a failed attempt", lambda: [
            h for h in ok(admin.get(API + "/webhooks"))["items"] if h["pending"] > 0])
        assert pending
        receiver.up = True
        t = ok(Client(srv).get("/healthz"))["test_clock"]
        for _ in range(12):  # the clock moves on past the backoff
            t = ok(admin.request("PUT", API + "/test/clock", {"advance_seconds": 60}))["now"]
            if [e for e in receiver.got if json.loads(e[1])["type"] == "ladder.report"
                    and json.loads(e[1])["person_id"] == slack["id"]]:
                break
            time.sleep(1.2)
        events.append(wait_for("the report event", lambda: [
            e for e in receiver.got if json.loads(e[1])["type"] == "ladder.report"
            and json.loads(e[1])["person_id"] == slack["id"]]))
        assert ok(admin.get(API + "/webhooks"))["items"][0]["pending"] == 0

        # every event: signed over its body with the webhook's secret, sent once
        for batch in events:
            assert len(batch) == 1, batch
            headers, body = batch[0]
            sig = headers.get("X-Allhands-Signature")
            want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            assert sig == want
            assert headers.get("X-Allhands-Event") == json.loads(body)["type"]
        ids = [json.loads(b)["id"] for _, b in receiver.got]
        assert len(ids) == len(set(ids))

        # on demand from the command line (on the real clock): a week that has not
        # ended is refused; the last one runs once, however often it is asked
        def report(*args):
            return subprocess.run([str(BIN), "report", "week", "--db", str(srv.db)] + list(args),
                                  capture_output=True, text=True, env=base_env(), timeout=60)
        p = report("--week", label(WEEK1 + datetime.timedelta(weeks=2)))
        assert p.returncode == 1 and "has not ended yet" in p.stderr
        for _ in range(2):
            p = report()
            assert p.returncode == 0, p.stderr
            assert "had run for this week already" in p.stdout, p.stdout
        assert sorted(n["kind"] for n in inbox(s)) == ["ladder.remind", "ladder.report"]

        # the inbox: marked read, only by its owner
        n = inbox(s)[0]
        assert_error(b.post(API + "/notifications/%d/read" % n["id"]), 404, "not_found")
        assert s.post(API + "/notifications/%d/read" % n["id"]).status == 204
        assert [x for x in inbox(s) if x["id"] == n["id"]][0]["read_at"]
    finally:
        receiver.stop()


def test_coverage_counts_people_per_hour(world):
    srv, lead, admin = world
    set_clock(admin, "2030-01-06T12:00:00Z")  # a Sunday: the blocks are next week
    a = token_client(srv, create_person(lead, timezone="UTC", start_date="2029-12-02")["email"])
    b = token_client(srv, create_person(lead, timezone="Europe/Berlin",
                                        start_date="2029-12-02")["email"])
    ok(a.post(API + "/blocks", {"start": "2030-01-07T09:00", "end": "2030-01-07T10:30"}), 201)
    ok(a.post(API + "/blocks", {"start": "2030-01-07T10:30", "end": "2030-01-07T11:00"}), 201)
    ok(b.post(API + "/blocks", {"start": "2030-01-07T11:00", "end": "2030-01-07T12:00"}), 201)
    cov = ok(lead.get(API + "/coverage?week=2030-W02"))
    assert cov["timezone"] == "UTC" and len(cov["hours"]) == 168
    by = {h["local"]: h["planned"] for h in cov["hours"]}
    # Berlin 11:00 is 10:00 UTC: both people then; a's two blocks in one hour count once
    assert by["2030-01-07T09:00"] == 1 and by["2030-01-07T10:00"] == 2
    assert by["2030-01-07T11:00"] == 0 and by["2030-01-07T08:00"] == 0
    assert_error(a.get(API + "/coverage"), 403, "forbidden")


def test_ladder_started_late_takes_each_step_once(world):
    """A company that turns the program on with someone long behind: the
    first run finds every step passed and takes each once; the next week's
    run adds nothing, because the run of weeks behind is the same."""
    srv, lead, admin = world
    boss = create_person(lead, timezone="UTC", start_date="2030-01-07")
    late = create_person(lead, timezone="UTC", start_date="2030-01-07",
                         manager_id=boss["id"])
    c, b = token_client(srv, late["email"]), token_client(srv, boss["email"])
    set_clock(admin, "2030-02-04T00:30:00Z")  # four weeks on: the ladder runs for 2030-W05
    wait_for("three steps", lambda: len([n for n in inbox(c)
                                         if n["subject_id"] == late["id"]]) == 2)
    wait_for("the manager told", lambda: [n for n in inbox(b)
                                          if n["subject_id"] == late["id"]])
    set_clock(admin, "2030-02-11T00:30:00Z")  # a week later: the same run of weeks behind

    def fifth():
        rep = ok(lead.get(API + "/reports/compliance?week=2030-W06"))
        return [p for p in rep["people"] if p["person_id"] == late["id"]
                and p["weeks_behind"] == 5]
    wait_for("the week's run", fifth)
    time.sleep(2.5)  # the run is one transaction; two more rounds of the upkeep besides
    mine = sorted(n["kind"] for n in inbox(c) if n["subject_id"] == late["id"])
    assert mine == ["ladder.remind", "ladder.report"]
    assert [n["kind"] for n in inbox(b) if n["subject_id"] == late["id"]] == ["ladder.manager"]


def test_a_receiver_that_hangs_holds_nothing_up(world):
    """A receiver that takes requests and never answers: each delivery gives
    up after 5 s, the rest of that round waits for the next, the upkeep goes
    on with its other work meanwhile, and once the receiver answers again
    every event arrives, once."""
    srv, lead, admin = world
    receiver = Receiver()
    receiver.hang = 8.0
    try:
        ok(admin.post(API + "/webhooks", {"url": receiver.url}), 201)
        people = [create_person(lead, timezone="UTC", start_date="2030-01-07")
                  for _ in range(3)]
        worker = token_client(srv, people[0]["email"])
        set_clock(admin, "2030-01-13T12:00:00Z")
        ok(worker.post(API + "/clock/in"))
        set_clock(admin, "2030-01-14T00:30:00Z")  # the ladder runs for 2030-W02: 3 reminders
        wait_for("a hung delivery", lambda: receiver.hung >= 1)
        # the upkeep is not stuck behind it: it ends the idle session meanwhile (the
        # lead's reads do not touch the worker's session; only the upkeep can)
        def ended():
            items = ok(lead.get(API + "/people/%d/sessions?week=2030-W02"
                                % people[0]["id"]))["items"]
            return items and items[0]["ended_at"]
        wait_for("the idle cut", ended, deadline=12.0)
        receiver.hang = 0.0
        for _ in range(20):  # past the backoff of the one that timed out
            if len(receiver.got) >= 3:
                break
            set_clock(admin, advance=60)
            time.sleep(1.0)
        got = wait_for("three reminders", lambda: receiver.got if len(receiver.got) >= 3 else None)
        ids = sorted(json.loads(b)["person_id"] for _, b in got)
        assert ids == sorted(p["id"] for p in people)
        time.sleep(1.5)
        assert len(receiver.got) == 3  # none twice
    finally:
        receiver.hang = 0.0
        receiver.stop()
