"""The program (issue 5), through the real API on a server with a test clock:
the policy (leads only, audited), totality (everyone required, exemptions
only from a lead, never to oneself, always with an end), measured queue time
(idle cut, a session split at the week boundary, DST weeks in Europe/Berlin
and America/New_York), pro-rating for a start mid-week and a half-exempt
week, planned blocks, the iCalendar feed, lead corrections, and the test
clock's own rules. Runs on SQLite and on PostgreSQL."""
import subprocess

import pytest

from ahtest import (API, BIN, Client, assert_error, audit_items, base_env, clock_server,
                    create_person, ok, set_clock, token_client, unique_email)

MONDAY = "2026-11-23T08:00:00Z"  # a Monday: 09:00 in Berlin


@pytest.fixture
def clocked(tmp_path):
    """A server with a test clock, its lead, and an admin to move the clock."""
    srv, lead, admin = clock_server(tmp_path / "clock")
    yield srv, lead, admin
    srv.cleanup()


def person(srv, lead, tz="Europe/Berlin", start="2026-01-05", **fields):
    p = create_person(lead, timezone=tz, start_date=start, **fields)
    return token_client(srv, p["email"]), p


def ledger(c, pid, week=None, weeks=1):
    q = "?weeks=%d" % weeks + ("&week=%s" % week if week else "")
    return ok(c.get("%s/people/%d/ledger%s" % (API, pid, q)))["weeks"]


def beat(admin, c, minutes, every=5):
    """Moves the clock on by `minutes` with a heartbeat every `every` minutes."""
    for _ in range(minutes // every):
        set_clock(admin, advance=every * 60)
        ok(c.post(API + "/clock/heartbeat"))


def test_test_clock_needs_both_flags(tmp_path, server, lead):
    # a normal server has no test clock: the route answers 404
    assert_error(lead.request("PUT", API + "/test/clock", {"advance_seconds": 60}), 404,
                 "not_found")
    assert "test_clock" not in ok(Client(server).get("/healthz"))
    # --test-clock alone is refused at start
    p = subprocess.run([str(BIN), "serve", "--test-clock", "--db", str(tmp_path / "x.db")],
                       capture_output=True, text=True, env=base_env(), timeout=30)
    assert p.returncode == 2 and "ALLHANDS_ALLOW_TEST_CLOCK" in p.stderr


def test_test_clock_is_announced_and_admin_only(clocked):
    srv, lead, admin = clocked
    assert_error(lead.request("PUT", API + "/test/clock", {"now": MONDAY}), 403, "forbidden")
    assert set_clock(admin, MONDAY) == "2026-11-23T08:00:00.000Z"
    assert ok(Client(srv).get("/healthz"))["test_clock"] == "2026-11-23T08:00:00.000Z"
    assert set_clock(admin, advance=90) == "2026-11-23T08:01:30.000Z"
    assert "server.test_clock" in srv.log_tail()


def test_policy_is_the_leads(clocked):
    srv, lead, admin = clocked
    member, _ = person(srv, lead)
    got = ok(member.get(API + "/policy"))
    assert got["weekly_minutes"] == 480 and got["idle_timeout_seconds"] == 600
    assert (got["ladder_remind_weeks"], got["ladder_manager_weeks"],
            got["ladder_report_weeks"]) == (1, 2, 3)
    assert got["max_exemption_weeks"] == 12 and got["cadence"] == "weekly"
    assert_error(member.patch(API + "/policy", {"weekly_minutes": 60}), 403, "forbidden")
    assert_error(admin.patch(API + "/policy", {"weekly_minutes": 60}), 403, "forbidden")
    for bad in ({"idle_timeout_seconds": 5}, {"week_start": 9}, {"timezone": "Mars/Base"},
                {"ladder_remind_weeks": 3, "ladder_manager_weeks": 2},
                {"cadence": "daily"}, {"weekly_minutes": -1}):
        assert_error(lead.patch(API + "/policy", bad), 422, "invalid")
    got = ok(lead.patch(API + "/policy", {"weekly_minutes": 240, "timezone": "Europe/Berlin"}))
    assert got["weekly_minutes"] == 240 and got["timezone"] == "Europe/Berlin"
    assert ok(member.get(API + "/policy"))["weekly_minutes"] == 240
    # (the one `allhands init --default-tier` wrote has no actor)
    rows = [a for a in audit_items(lead)
            if a["action"] == "policy.update" and a["actor_id"] is not None]
    assert len(rows) == 1  # the refused changes wrote nothing
    assert rows[0]["before"]["weekly_minutes"] == 480 and rows[0]["after"]["weekly_minutes"] == 240


def test_everyone_is_required(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    founder = create_person(lead, timezone="Europe/Berlin", start_date="2025-01-06", leader=True)
    pro = create_person(lead, role="pro", timezone="UTC", start_date="2025-01-06")
    # the lead and the admin were made today (the real today): they started earlier
    people = [founder, pro] + [ok(lead.patch(API + "/people/%d" % pid, {"start_date": "2025-01-06"}))
                               for pid in (lead.id, admin.id)]
    assert people[3]["role"] == "admin" and people[2]["role"] == "lead"
    for p in people:
        w = ledger(lead, p["id"])[0]
        assert w["week"] == "2026-W48"
        assert w["required_minutes"] == 480, (p["email"], w)


def test_exemptions_are_granted_by_a_lead_with_an_end(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    member, m = person(srv, lead)
    _, other = person(srv, lead)
    body = {"person_id": other["id"], "reason": "parental leave", "ends_on": "2026-12-20"}
    assert_error(member.post(API + "/exemptions", body), 403, "forbidden")
    assert_error(admin.post(API + "/exemptions", body), 403, "forbidden")
    r = lead.post(API + "/exemptions", dict(body, person_id=lead.id))
    assert_error(r, 403, "forbidden")
    assert "themselves" in r.json["error"]["message"]
    r = lead.post(API + "/exemptions", {"person_id": other["id"], "reason": "leave"})
    assert_error(r, 422, "invalid")
    assert "end date" in r.json["error"]["message"]
    r = lead.post(API + "/exemptions", dict(body, ends_on="2027-03-01"))  # 14 weeks
    assert_error(r, 422, "invalid")
    assert "12 weeks" in r.json["error"]["message"]
    assert_error(lead.post(API + "/exemptions", dict(body, reason=" ")), 422, "invalid")
    assert_error(lead.post(API + "/exemptions", dict(body, starts_on="2026-11-01")), 422,
                 "invalid")
    e = ok(lead.post(API + "/exemptions", body), 201)
    assert (e["starts_on"], e["ends_on"], e["granted_by"]) == ("2026-11-23", "2026-12-20",
                                                               lead.id)
    # visible to everyone, on the ledger, in the audit log
    listed = ok(member.get(API + "/exemptions?person_id=%d" % other["id"]))["items"]
    assert [x["id"] for x in listed] == [e["id"]]
    w = ledger(lead, other["id"])[0]
    assert w["exempt_days"] == 7 and w["required_minutes"] == 0 and w["met"]
    assert any(a["action"] == "exemption.grant" for a in audit_items(lead))
    # ended early by a lead: required again from today on
    set_clock(admin, "2026-11-25T10:00:00Z")  # Wednesday
    assert_error(member.post(API + "/exemptions/%d/end" % e["id"]), 403, "forbidden")
    ended = ok(lead.post(API + "/exemptions/%d/end" % e["id"]))
    assert ended["ends_on"] == "2026-11-24" and ended["ended_by"] == lead.id
    w = ledger(lead, other["id"])[0]
    assert w["exempt_days"] == 2 and w["required_minutes"] == (480 * 5 + 3) // 7
    assert any(a["action"] == "exemption.end" for a in audit_items(lead))
    assert_error(lead.post(API + "/exemptions/%d/end" % e["id"]), 409, "conflict")
    assert m["start_date"] == "2026-01-05"


def test_start_mid_week_and_half_exempt_week(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    _, new = person(srv, lead, start="2026-11-25")  # a Wednesday
    w = ledger(lead, new["id"])[0]
    assert w["enrolled_days"] == 5 and w["required_minutes"] == (480 * 5 + 3) // 7
    _, half = person(srv, lead)
    ok(lead.post(API + "/exemptions", {"person_id": half["id"], "reason": "conference",
                                       "ends_on": "2026-11-25"}), 201)  # Mon-Wed
    w = ledger(lead, half["id"])[0]
    assert w["exempt_days"] == 3 and w["required_minutes"] == (480 * 4 + 3) // 7


def test_idle_time_never_counts(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    c, p = person(srv, lead)
    st = ok(c.post(API + "/clock/in"))
    assert st["clocked_in"] and st["session"]["started_at"] == "2026-11-23T08:00:00.000Z"
    assert_error(c.post(API + "/clock/in"), 409, "conflict")
    beat(admin, c, 20)  # 20 minutes of activity
    set_clock(admin, advance=45 * 60)  # then 45 minutes away: past the 10-minute timeout
    st = ok(c.get(API + "/clock"))
    assert not st["clocked_in"]
    assert st["session"]["ended_at"] == "2026-11-23T08:20:00.000Z"
    assert ledger(c, p["id"])[0]["worked_minutes"] == 20
    # the upkeep ends an idle session even with no request from its owner
    ok(c.post(API + "/clock/in"))
    beat(admin, c, 10)
    set_clock(admin, advance=30 * 60)
    for _ in range(50):
        if not ok(lead.get(API + "/people/%d/sessions" % p["id"]))["items"][-1]["ended_at"] is None:
            break
        import time
        time.sleep(0.1)
    sessions = ok(lead.get(API + "/people/%d/sessions" % p["id"]))["items"]
    assert [s["worked_seconds"] for s in sessions] == [1200, 600]
    assert ledger(c, p["id"])[0]["worked_minutes"] == 30
    # clocking out ends it now
    ok(c.post(API + "/clock/in"))
    beat(admin, c, 5)
    set_clock(admin, advance=120)
    st = ok(c.post(API + "/clock/out"))
    assert not st["clocked_in"] and st["session"]["worked_seconds"] == 420
    assert_error(c.post(API + "/clock/out"), 409, "conflict")


def test_a_session_across_the_week_boundary_is_split(clocked):
    srv, lead, admin = clocked
    set_clock(admin, "2026-11-29T22:30:00Z")  # Sunday 23:30 in Berlin
    c, p = person(srv, lead)
    ok(c.post(API + "/clock/in"))
    beat(admin, c, 60)  # to Monday 00:30
    ok(c.post(API + "/clock/out"))
    w48, w49 = ledger(c, p["id"], week="2026-W48", weeks=2)
    assert (w48["week"], w49["week"]) == ("2026-W48", "2026-W49")
    assert w48["worked_minutes"] == 30 and w49["worked_minutes"] == 30
    assert w48["end"] == w49["start"] == "2026-11-29T23:00:00.000Z"


@pytest.mark.parametrize("tz,week,change,hours", [
    ("Europe/Berlin", "2026-W13", "2026-03-28T23:30:00Z", 167),    # 29 March, clocks forward
    ("Europe/Berlin", "2026-W43", "2026-10-24T23:30:00Z", 169),    # 25 October, clocks back
    ("America/New_York", "2026-W10", "2026-03-08T06:30:00Z", 167),  # 8 March
    ("America/New_York", "2026-W44", "2026-11-01T05:30:00Z", 169),  # 1 November
])
def test_dst_weeks(clocked, tz, week, change, hours):
    srv, lead, admin = clocked
    set_clock(admin, change)  # half an hour before the change, local
    c, p = person(srv, lead, tz=tz)
    ok(c.post(API + "/clock/in"))
    beat(admin, c, 120)  # two real hours, across the change
    ok(c.post(API + "/clock/out"))
    w = ledger(c, p["id"], week=week)[0]
    assert w["hours_in_week"] == hours
    assert w["worked_minutes"] == 120  # real time, whatever the wall clock did


def test_blocks_plan_the_week(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    c, p = person(srv, lead)
    b = ok(c.post(API + "/blocks", {"start": "2026-11-24T09:00", "end": "2026-11-24T13:00"}), 201)
    assert b["start"] == "2026-11-24T08:00:00.000Z" and b["local_start"] == "2026-11-24T09:00"
    assert_error(c.post(API + "/blocks", {"start": "2026-11-24T12:00", "end": "2026-11-24T14:00"}),
                 409, "conflict")
    assert_error(c.post(API + "/blocks", {"start": "2026-11-20T09:00", "end": "2026-11-20T10:00"}),
                 422, "invalid")
    assert_error(c.post(API + "/blocks", {"start": "2026-11-24T15:00", "end": "2026-11-24T14:00"}),
                 422, "invalid")
    assert_error(c.post(API + "/blocks", {"start": "tomorrow", "end": "2026-11-24T14:00"}),
                 422, "invalid")
    ok(c.post(API + "/blocks", {"start": "2026-11-26T14:00:00Z", "end": "2026-11-26T16:00:00Z"}),
       201)
    week = ok(c.get(API + "/blocks"))
    assert week["week"] == "2026-W48" and len(week["items"]) == 2
    w = ledger(c, p["id"])[0]
    assert w["planned_minutes"] == 360 and w["required_minutes"] == 480
    moved = ok(c.patch(API + "/blocks/%d" % b["id"],
                       {"start": "2026-11-24T10:00", "end": "2026-11-24T12:00"}))
    assert moved["minutes"] == 120
    # someone else's block is not yours to change; a started one is fixed
    other, _ = person(srv, lead)
    assert_error(other.delete(API + "/blocks/%d" % b["id"]), 404, "not_found")
    set_clock(admin, "2026-11-24T09:30:00Z")
    assert_error(c.delete(API + "/blocks/%d" % b["id"]), 409, "conflict")
    # the lead sees anyone's plan
    assert len(ok(lead.get(API + "/blocks?person_id=%d" % p["id"]))["items"]) == 2


def test_calendar_feed(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    c, p = person(srv, lead)
    for day in (24, 25):
        ok(c.post(API + "/blocks", {"start": "2026-11-%dT09:00" % day,
                                    "end": "2026-11-%dT11:30" % day}), 201)
    cal = ok(c.post(API + "/calendar"), 201)
    anon = Client(srv)
    r = anon.get(cal["path"])
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/calendar")
    raw = r.raw
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in l and b"\r" not in l for l in lines)
    assert all(len(l) <= 75 for l in lines)
    unfolded = raw.replace(b"\r\n ", b"").decode()
    uids = [l for l in unfolded.split("\r\n") if l.startswith("UID:")]
    assert len(uids) == 2 and all(u.endswith("@allhands") for u in uids)
    assert "DTSTART:20261124T080000Z" in unfolded
    # the same feed again: the same UIDs, so clients update instead of duplicating
    assert [l for l in anon.get(cal["path"]).raw.replace(b"\r\n ", b"").decode().split("\r\n")
            if l.startswith("UID:")] == uids
    new = ok(c.post(API + "/calendar"), 201)
    assert anon.get(cal["path"]).status == 404  # rotated
    assert anon.get(new["path"]).status == 200
    assert anon.get(API + "/calendar.ics?token=ahc_" + "x" * 43).status == 404
    assert anon.get(API + "/calendar.ics").status == 404


def test_leads_correct_time_with_a_reason(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    c, p = person(srv, lead)
    body = {"start": "2026-11-23T06:00:00Z", "end": "2026-11-23T07:30:00Z",
            "reason": "worked the phones, forgot to clock in"}
    assert_error(c.post(API + "/people/%d/sessions" % p["id"], body), 403, "forbidden")
    assert_error(lead.post(API + "/people/%d/sessions" % p["id"], dict(body, reason="")), 422,
                 "invalid")
    assert_error(lead.post(API + "/people/%d/sessions" % p["id"],
                           dict(body, end="2026-11-23T09:00:00Z")), 422, "invalid")
    s = ok(lead.post(API + "/people/%d/sessions" % p["id"], body), 201)
    assert s["source"] == "manual" and s["worked_seconds"] == 5400
    fixed = ok(lead.patch(API + "/sessions/%d" % s["id"],
                          dict(body, end="2026-11-23T07:00:00Z", reason="it was an hour")))
    assert fixed["worked_seconds"] == 3600
    assert ledger(c, p["id"])[0]["worked_minutes"] == 60
    actions = [a["action"] for a in audit_items(lead)]
    assert "work.add" in actions and "work.correct" in actions
    # a member sees their own sessions, not someone else's
    other, _ = person(srv, lead)
    assert_error(other.get(API + "/people/%d/sessions" % p["id"]), 403, "forbidden")
    assert_error(other.get(API + "/people/%d/ledger" % p["id"]), 403, "forbidden")


def test_ledger_csv_and_activity(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    c, p = person(srv, lead)
    t = ok(c.post(API + "/tickets", {"subject": "help", "body": "please",
                                     "requester_email": unique_email("cust"),
                                     "requester_name": "Cus Tomer"}), 201)
    for i in range(2):
        ok(c.post(API + "/tickets/%d/messages" % t["id"],
                  {"kind": "reply", "body": "answer %d" % i,
                   "seen_message_id": ok(c.get(API + "/tickets/%d" % t["id"]))["messages"][-1]["id"]}),
           201)
    w = ledger(c, p["id"])[0]
    assert w["replies"] == 2 and w["tickets"] == 1
    r = c.get(API + "/people/%d/ledger?format=csv&weeks=2" % p["id"])
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = r.raw.decode().split("\r\n")
    assert rows[0].startswith("week,first_day,required_minutes")
    assert rows[1].split(",")[0] == "2026-W47" and rows[2].split(",")[0] == "2026-W48"
    assert rows[2].split(",")[5:7] == ["1", "2"] and rows[2].split(",")[8] == "behind"
    assert rows[0].endswith(",escalations,reviews_given,replies_held,replies_approved,"
                            "replies_returned")
    assert_error(c.get(API + "/people/%d/ledger?week=2026-W54" % p["id"]), 400, "bad_request")
    assert_error(c.get(API + "/people/%d/ledger?weeks=500" % p["id"]), 400, "bad_request")


def test_weeks_per_year_cadence(clocked):
    srv, lead, admin = clocked
    set_clock(admin, MONDAY)
    ok(lead.patch(API + "/policy", {"cadence": "weeks_per_year", "weeks_per_year": 1,
                                    "onboarding_week": True}))
    c, p = person(srv, lead, tz="UTC", start="2026-11-02")  # started this year
    year = ok(c.get(API + "/support-weeks"))
    assert year["year"] == 2026 and year["cadence"] == "weeks_per_year"
    assert (year["required"], year["booked"]) == (2, 0)  # one a year, one for onboarding
    assert year["onboarding"] == {"by": "2026-12-02", "booked": False}
    # nothing is asked of a week nobody booked
    assert ledger(c, p["id"])[0]["required_minutes"] == 0
    assert ok(c.post(API + "/support-weeks", {"week": "2026-W48"}), 201)["first_day"] == "2026-11-23"
    assert_error(c.post(API + "/support-weeks", {"week": "2026-W48"}), 409, "conflict")
    assert_error(c.post(API + "/support-weeks", {"week": "2026-W40"}), 422, "invalid")
    assert_error(c.post(API + "/support-weeks", {"week": "next"}), 422, "invalid")
    w48, w49 = ledger(c, p["id"], week="2026-W48", weeks=2)
    assert w48["required_minutes"] == 2400 and w49["required_minutes"] == 0
    year = ok(c.get(API + "/support-weeks"))
    assert year["booked"] == 1 and year["onboarding"]["booked"] is True
    assert [i["week"] for i in year["items"]] == ["2026-W48"]
    # a booked week can be cancelled until it begins
    assert_error(c.delete(API + "/support-weeks?week=2026-W48"), 409, "conflict")
    ok(c.post(API + "/support-weeks", {"week": "2026-W50"}), 201)
    assert c.delete(API + "/support-weeks?week=2026-W50").status == 204
    assert_error(c.delete(API + "/support-weeks?week=2026-W50"), 404, "not_found")
    # the report shows booked against asked, and the booked week as required
    rep = ok(lead.get(API + "/reports/compliance?week=2026-W48"))
    me = [x for x in rep["people"] if x["person_id"] == p["id"]][0]
    assert me["support_weeks"] == {"year": 2026, "required": 2, "booked": 1,
                                   "onboarding_booked": True}
    assert me["status"] == "behind" and me["required_minutes"] == 2400
    other, _ = person(srv, lead)
    assert_error(other.get(API + "/support-weeks?person_id=%d" % p["id"]), 403, "forbidden")
