"""Deference: levels, tiers and routing rules, the reserve, reply review, the
style guide and lint, training and pairing, escalation and saved replies.

Every test here runs on a server whose company keeps the product's default
tier (2: pros only, until a rule or a pro says 1), unlike the older tests'.
"""
import pytest

from ahtest import (API, PASSWORD, Server, assert_error, clock_server, create_person,
                    login_as, login_lead, ok, set_clock, token_client, unique)


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("ah-deference"), name="deference")
    s.init(default_tier=None).start()
    yield s
    s.stop()
    s.cleanup()


@pytest.fixture(scope="module")
def lead(srv):
    return login_lead(srv)


def person(srv, lead, role="member", level="tier1"):
    p = create_person(lead, role=role, level=level)
    c = login_as(srv, p["email"])
    c.person = p
    return c


def ticket(client, subject=None, body="Hello, the export button does nothing.", **fields):
    req = {"subject": subject or "Export broken " + unique("s"), "body": body,
           "requester_email": "carla-%s@customer.example" % unique("c"),
           "requester_name": "Carla Customer"}
    req.update(fields)
    return ok(client.post(API + "/tickets", req), 201)


def reply(client, t, body, **extra):
    req = {"kind": "reply", "body": body, "seen_message_id": t["last_message_id"]}
    req.update(extra)
    return client.post("%s/tickets/%d/messages" % (API, t["id"]), req)


def thread(client, tid):
    return ok(client.get("%s/tickets/%d" % (API, tid)))


def style_rule(lead, **fields):
    body = {"name": "r-" + unique("x").lower().replace("_", "-"), "kind": "phrase",
            "severity": "warn", "why": "Say it plainly."}
    body.update(fields)
    return ok(lead.post(API + "/style-rules", body), 201)


# ---- tiers: a member never reaches a tier-2 ticket ----

def test_default_tier_is_2_and_members_cannot_reach_it_through_any_endpoint(srv, lead):
    member = person(srv, lead)
    word = unique("zebrafish").lower()
    t = ticket(lead, subject="Billing dispute %s" % word)
    assert t["tier"] == 2
    tid = t["id"]
    # open
    assert_error(member.get("%s/tickets/%d" % (API, tid)), 404, "not_found")
    # list and search
    assert tid not in [i["id"] for i in ok(member.get(API + "/tickets?limit=200"))["items"]]
    assert ok(member.get(API + "/tickets?q=" + word))["items"] == []
    assert [i["id"] for i in ok(lead.get(API + "/tickets?q=" + word))["items"]] == [tid]
    assert_error(member.get(API + "/tickets?tier=2"), 403, "forbidden")
    # the queue and claiming
    assert tid not in [i["id"] for i in ok(member.get(API + "/queue?limit=200"))["items"]]
    r = member.post(API + "/queue/next")
    assert r.status == 204 or r.json["id"] != tid
    if r.status == 200:
        ok(member.post(API + "/queue/release", {}), 204)
    assert_error(member.patch("%s/tickets/%d" % (API, tid), {"assignee_id": member.person["id"]}),
                 404, "not_found")
    # reply, note, escalate, lint against it, a macro rendered for it
    r = member.post("%s/tickets/%d/messages" % (API, tid),
                    {"kind": "reply", "body": "Hi", "seen_message_id": t["last_message_id"]})
    assert_error(r, 404, "not_found")
    assert_error(member.post("%s/tickets/%d/escalate" % (API, tid), {"note": "x"}), 404,
                 "not_found")
    assert_error(member.post(API + "/lint", {"text": "hi", "ticket_id": tid}), 404, "not_found")
    pro = person(srv, lead, role="pro")
    m = ok(pro.post(API + "/macros", {"name": "Hello", "body": "Hi {{customer.name}}"}), 201)
    assert_error(member.post("%s/macros/%d/render" % (API, m["macro"]["id"]), {"ticket_id": tid}),
                 404, "not_found")
    # nothing changed for the pros
    after = thread(lead, tid)
    assert after["message_count"] == 1 and after["assignee_id"] is None
    # a pro makes it tier 1: now the member sees it
    ok(pro.patch("%s/tickets/%d" % (API, tid), {"tier": 1}))
    assert thread(member, tid)["tier"] == 1
    assert_error(member.patch("%s/tickets/%d" % (API, tid), {"tier": 2}), 403, "forbidden")


# ---- routing rules ----

def test_routing_rule_sets_tier_and_tags_on_arrival_and_order_matters(srv, lead):
    word = unique("passwd").lower()
    a = ok(lead.post(API + "/routing-rules", {
        "name": "Password resets are safe", "match_kind": "phrase",
        "pattern": "reset my %s" % word, "set_tier": 1, "add_tags": ["password"]}), 201)
    b = ok(lead.post(API + "/routing-rules", {
        "name": "Enterprise customers go to pros", "if_domain": "bigcorp.example",
        "set_tier": 2, "set_priority": "high", "add_tags": ["enterprise"]}), 201)
    assert a["position"] < b["position"]
    body = "Please reset my %s, I am locked out" % word.upper()
    t1 = ticket(lead, body=body)
    assert t1["tier"] == 1 and t1["tags"] == ["password"]
    # both match: the later rule's tier wins, tags add up
    t2 = ticket(lead, body=body, requester_email="it@eu.BigCorp.example")
    assert (t2["tier"], t2["priority"], sorted(t2["tags"])) == (2, "high", ["enterprise", "password"])
    # the other order: the password rule has the last word on the tier
    items = ok(lead.request("PUT", API + "/routing-rules/order", {"ids": [b["id"], a["id"]]}))["items"]
    assert [i["id"] for i in items][-2:] == [b["id"], a["id"]]
    t3 = ticket(lead, body=body, requester_email="it@eu.bigcorp.example")
    assert t3["tier"] == 1 and t3["priority"] == "high"
    # the try-it box says the same without making a ticket
    res = ok(lead.post(API + "/routing-rules/test", {"subject": "x", "body": body,
                                                      "requester_email": "a@bigcorp.example"}))
    assert res["tier"] == 1 and res["matched"][-2:] == [b["id"], a["id"]]
    # a regular expression, case-insensitive and UTF-8 aware
    ok(lead.post(API + "/routing-rules", {
        "name": "Refunds", "match_kind": "regex", "match_in": "subject",
        "pattern": r"\bremboursement\s+n[°o]\s*\d+", "add_tags": ["refund"], "set_tier": 1}), 201)
    t4 = ticket(lead, subject="REMBOURSEMENT n° 4471 — été", body="Merci")
    assert "refund" in t4["tags"] and t4["tier"] == 1
    for rid in (a["id"], b["id"]):
        assert lead.delete("%s/routing-rules/%d" % (API, rid)).status == 204


def test_bad_regex_is_refused_with_pcre2_error_and_offset_and_not_stored(srv, lead):
    before = ok(lead.get(API + "/routing-rules"))["items"]
    r = lead.post(API + "/routing-rules", {"name": "broken", "match_kind": "regex",
                                           "pattern": "refund (now|later", "set_tier": 1})
    err = assert_error(r, 422, "invalid")
    assert "PCRE2" in err["message"] and "parenthes" in err["message"]
    assert err["field"] == "pattern" and err["offset"] == 17
    assert ok(lead.get(API + "/routing-rules"))["items"] == before
    r = lead.post(API + "/style-rules", {"name": "broken-style", "kind": "regex",
                                         "pattern": "a{2,1}", "severity": "warn", "why": "x"})
    err = assert_error(r, 422, "invalid")
    assert err["field"] == "pattern" and isinstance(err["offset"], int)
    names = [x["name"] for x in ok(lead.get(API + "/style-rules"))["items"]]
    assert "broken-style" not in names


def test_members_cannot_write_rules(srv, lead):
    member = person(srv, lead)
    pro = person(srv, lead, role="pro")
    assert_error(member.get(API + "/routing-rules"), 403, "forbidden")
    assert_error(pro.post(API + "/routing-rules", {"name": "x", "set_tier": 1}), 403,
                 "forbidden")
    assert_error(pro.post(API + "/style-rules", {"name": "x", "kind": "phrase", "pattern": "x",
                                                 "severity": "tip", "why": "x"}), 403,
                 "forbidden")


# ---- the style guide and lint ----

def test_starter_guide_is_there_from_init(srv, lead):
    rules = ok(lead.get(API + "/style-rules"))["items"]
    assert len(rules) >= 8
    sev = {r["severity"] for r in rules}
    assert sev == {"block", "warn", "tip"}
    assert any("data-loss" in r["tags"] for r in rules)
    assert ok(lead.post(API + "/style-rules/starter"))["added"] == 0


def test_lint_offsets_on_emoji_accents_and_cjk(srv, lead):
    style_rule(lead, name="no-kaput", pattern="kaput", severity="warn", why="Say what broke.")
    style_rule(lead, name="no-zenzen", pattern="全然", severity="tip", why="Too strong.")
    text = "😀 Café — it is KAPUT, 全然 kaput!"
    hits = ok(lead.post(API + "/lint", {"text": text}))["hits"]
    mine = [h for h in hits if h["rule"] in ("no-kaput", "no-zenzen")]
    assert [h["rule"] for h in mine] == ["no-kaput", "no-zenzen", "no-kaput"]
    utf16 = text.encode("utf-16-le")
    raw = text.encode("utf-8")
    for h in mine:
        # UTF-16 code units, as a browser's string indexes
        assert utf16[2 * h["start"]:2 * h["end"]].decode("utf-16-le").lower() in ("kaput", "全然")
        assert raw[h["byte_start"]:h["byte_end"]].decode("utf-8") == h["match"]
    assert mine[0]["start"] == 16 and mine[0]["end"] == 21  # 😀 is two code units
    assert mine[0]["byte_start"] == 21


def test_block_hit_refuses_a_member_and_writes_nothing(srv, lead):
    member = person(srv, lead)
    pro = person(srv, lead, role="pro")
    style_rule(lead, name="no-promise-" + unique("d").lower(), pattern="we promise",
               severity="block", why="We do not promise dates.", better="Say what you know now.")
    t = ticket(lead, tier=1)
    before = thread(lead, t["id"])
    r = reply(member, t, "Good news: we PROMISE it ships soon.")
    err = assert_error(r, 422, "invalid")
    assert err["rule"].startswith("no-promise-") and "blocks this reply" in err["message"]
    assert err["hits"][0]["match"] == "PROMISE" or err["hits"][0]["match"].lower() == "we promise"
    after = thread(lead, t["id"])
    assert after["message_count"] == before["message_count"]
    assert after["status"] == before["status"] and after["assignee_id"] is None
    assert after["messages"] == before["messages"]
    # a pro must give a reason, and it is audited
    assert_error(reply(pro, t, "We promise it ships."), 422, "invalid")
    r = reply(pro, t, "We promise it ships.", override_reason="Legal approved this wording")
    assert r.status == 201, r
    audit = ok(lead.get(API + "/audit?limit=20"))["items"]
    assert any(a["action"] == "reply.style_override" for a in audit)
    # hits are counted per rule and per person
    hits = ok(lead.get(API + "/style-hits"))
    assert any(p["person_id"] == pro.person["id"] and p["overrides"] == 1 for p in hits["people"])


# ---- reply review ----

def test_trainee_reply_is_held_until_a_pro_approves_it(srv, lead):
    trainee = person(srv, lead, level="trainee")
    pro = person(srv, lead, role="pro")
    t = ticket(lead, tier=1)
    r = reply(trainee, t, "Hello Carla, the export works again after a refresh.")
    assert r.status == 202, r
    rv = r.json["review"]
    assert rv["status"] == "held" and rv["author_id"] == trainee.person["id"]
    # not in the thread, not sent: the ticket says "in review"
    th = thread(lead, t["id"])
    assert th["message_count"] == 1 and th["in_review"] is True
    assert all(m["kind"] != "reply" for m in th["messages"])
    queue = ok(pro.get(API + "/reviews?status=held"))["items"]
    assert rv["id"] in [q["id"] for q in queue]
    assert all(queue[i]["created_at"] <= queue[i + 1]["created_at"] for i in range(len(queue) - 1))
    assert_error(trainee.post("%s/reviews/%d/approve" % (API, rv["id"])), 403, "forbidden")
    got = ok(pro.post("%s/reviews/%d/approve" % (API, rv["id"])))
    assert got["review"]["status"] == "approved" and got["review"]["final_body"] is None
    th = thread(lead, t["id"])
    assert th["in_review"] is False and th["status"] == "pending"
    sent = [m for m in th["messages"] if m["kind"] == "reply"]
    assert len(sent) == 1 and sent[0]["author_id"] == trainee.person["id"]
    assert sent[0]["body"] == "Hello Carla, the export works again after a refresh."
    assert_error(pro.post("%s/reviews/%d/approve" % (API, rv["id"])), 409, "conflict")


def test_edited_approval_keeps_both_versions(srv, lead):
    trainee = person(srv, lead, level="trainee")
    pro = person(srv, lead, role="pro")
    t = ticket(lead, tier=1)
    rv = ok(reply(trainee, t, "fixed it"), 202)["review"]
    edited = "Hello Carla, we fixed the export: please try again."
    got = ok(pro.post("%s/reviews/%d/approve" % (API, rv["id"]), {"body": edited}))
    assert got["review"]["body"] == "fixed it" and got["review"]["final_body"] == edited
    again = ok(pro.get("%s/reviews/%d" % (API, rv["id"])))
    assert (again["body"], again["final_body"]) == ("fixed it", edited)
    sent = [m for m in thread(lead, t["id"])["messages"] if m["kind"] == "reply"]
    assert [m["body"] for m in sent] == [edited]


def test_return_keeps_the_draft_for_the_member_with_the_comment(srv, lead):
    trainee = person(srv, lead, level="trainee")
    pro = person(srv, lead, role="pro")
    t = ticket(lead, tier=1)
    rv = ok(reply(trainee, t, "Try turning it off and on."), 202)["review"]
    assert_error(pro.post("%s/reviews/%d/return" % (API, rv["id"]), {"comment": "  "}), 422,
                 "invalid")
    back = ok(pro.post("%s/reviews/%d/return" % (API, rv["id"]),
                       {"comment": "Name the setting they need to change."}))["review"]
    assert back["status"] == "returned"
    mine = ok(trainee.get(API + "/reviews?status=returned&ticket_id=%d" % t["id"]))["items"]
    assert [(m["body"], m["comment"]) for m in mine] == [
        ("Try turning it off and on.", "Name the setting they need to change.")]
    assert thread(lead, t["id"])["message_count"] == 1
    # a member sees only their own reviews
    other = person(srv, lead)
    assert ok(other.get(API + "/reviews?ticket_id=%d" % t["id"]))["items"] == []
    assert_error(other.get("%s/reviews/%d" % (API, rv["id"])), 404, "not_found")
    # the reviews count in both ledgers
    led = ok(pro.get("%s/people/%d/ledger" % (API, pro.person["id"])))
    assert led["weeks"][-1]["reviews"]["given"] == 1
    led = ok(lead.get("%s/people/%d/ledger" % (API, trainee.person["id"])))
    assert led["weeks"][-1]["reviews"]["returned"] == 1


def test_junior_sample_is_deterministic(srv, lead):
    ok(lead.patch(API + "/policy", {"review_first": 2, "review_rate_percent": 0}))
    try:
        junior = person(srv, lead, level="junior")
        statuses = []
        for i in range(4):
            t = ticket(lead, tier=1)
            statuses.append(reply(junior, t, "Answer number %d for you." % i).status)
        # the first two always, then none at a 0% sample
        assert statuses == [202, 202, 201, 201]
        passed = ok(lead.get(API + "/reviews?status=passed&author_id=%d" % junior.person["id"]))
        assert len(passed["items"]) == 2
    finally:
        ok(lead.patch(API + "/policy", {"review_first": 20, "review_rate_percent": 25}))


# ---- levels and training ----

def test_levels_change_by_pros_and_leads_only_after_the_modules(srv, lead):
    trainee = person(srv, lead, level="trainee")
    member = person(srv, lead)
    pro = person(srv, lead, role="pro")
    pid = trainee.person["id"]
    mod = ok(lead.post(API + "/modules", {"title": "Our voice " + unique("m"),
                                          "body": "# Hello\n\nBe **kind**. <script>x</script>",
                                          "position": 1, "level": "trainee"}), 201)
    assert "<strong>kind</strong>" in mod["html"] and "<script>" not in mod["html"]
    assert_error(member.patch("%s/people/%d" % (API, pid), {"level": "junior"}), 403,
                 "forbidden")
    err = assert_error(pro.patch("%s/people/%d" % (API, pid), {"level": "junior"}), 422,
                       "invalid")
    assert mod["id"] in err["missing"]
    tr = ok(trainee.get("%s/people/%d/training" % (API, pid)))
    assert mod["id"] in tr["missing"] and tr["can_promote"] is False
    done = ok(trainee.post("%s/modules/%d/complete" % (API, mod["id"])))
    assert done["done"] is True
    assert ok(pro.patch("%s/people/%d" % (API, pid), {"level": "junior"}))["level"] == "junior"
    audit = ok(lead.get(API + "/audit?limit=10"))["items"]
    assert any(a["action"] == "person.update" and a["target"] == "person:%d" % pid and
               "junior" in str(a["after"]) for a in audit)
    ok(lead.delete("%s/modules/%d" % (API, mod["id"])), 204)


def test_pairing_minutes_count_toward_the_members_week(srv, lead):
    member = person(srv, lead)
    pro = person(srv, lead, role="pro")
    before = ok(member.get("%s/people/%d/ledger" % (API, member.person["id"])))["weeks"][-1]
    now = ok(pro.get(API + "/session"))
    assert "person" in now
    import datetime
    start = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=50))
    p = ok(pro.post(API + "/pairings", {"member_id": member.person["id"],
                                        "started_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                        "minutes": 45, "notes": "Refund flow"}), 201)
    assert p["minutes"] == 45
    after = ok(member.get("%s/people/%d/ledger" % (API, member.person["id"])))["weeks"][-1]
    assert after["worked_minutes"] - before["worked_minutes"] in (45,) or \
        after["worked_minutes"] >= before["worked_minutes"] + 44
    assert_error(member.post(API + "/pairings", {"member_id": pro.person["id"],
                                                 "started_at": "2026-01-01T00:00:00Z",
                                                 "minutes": 10}), 403, "forbidden")


# ---- escalation ----

def test_member_escalates_to_the_pros_and_it_counts(srv, lead):
    member = person(srv, lead)
    pro = person(srv, lead, role="pro")
    t = ticket(lead, tier=1)
    assert_error(member.post("%s/tickets/%d/escalate" % (API, t["id"]), {"note": ""}), 422,
                 "invalid")
    e = ok(member.post("%s/tickets/%d/escalate" % (API, t["id"]),
                       {"note": "Looks like a data bug in their account"}))
    assert e["tier"] == 2 and e["assignee_id"] is None
    assert_error(member.get("%s/tickets/%d" % (API, t["id"])), 404, "not_found")
    th = thread(pro, t["id"])
    assert th["messages"][-1]["kind"] == "note"
    assert "data bug" in th["messages"][-1]["body"]
    assert_error(pro.post("%s/tickets/%d/escalate" % (API, t["id"]), {"note": "x"}), 409,
                 "conflict")
    led = ok(member.get("%s/people/%d/ledger" % (API, member.person["id"])))["weeks"][-1]
    assert led["escalations"] == 1


# ---- saved replies ----

def test_macro_placeholders_and_style_check(srv, lead):
    pro = person(srv, lead, role="pro")
    member = person(srv, lead)
    assert_error(member.post(API + "/macros", {"name": "x", "body": "y"}), 403, "forbidden")
    err = assert_error(pro.post(API + "/macros", {"name": "Bad", "body": "Hi {{customer.nmae}}"}),
                       422, "invalid")
    assert "customer.nmae" in err["message"]
    got = ok(pro.post(API + "/macros", {
        "name": "Refund sent " + unique("m"),
        "body": "Hi {{customer.name}}, ticket {{ticket.id}} ({{ticket.subject}}): just wait. "
                "— {{agent.name}}"}), 201)
    assert any(h["rule"] == "no-just-simply" or h["match"].lower() == "just"
               for h in got["hits"])
    t = ticket(lead, tier=1, subject="Where is my refund")
    out = ok(member.post("%s/macros/%d/render" % (API, got["macro"]["id"]),
                         {"ticket_id": t["id"]}))
    assert out["body"].startswith("Hi Carla Customer, ticket %d (Where is my refund)" % t["id"])
    assert out["body"].endswith(member.person["name"])
    assert any(h["match"].lower() == "just" for h in out["hits"])


# ---- the reserve ----

def test_reserve_holds_young_tier1_tickets_from_pros_while_a_member_works(tmp_path):
    srv, lead, admin = clock_server(tmp_path)
    try:
        srv.add_user("m@example.com", "Mo Member", role="member")
        srv.add_user("p@example.com", "Pia Pro", role="pro")
        member = token_client(srv, "m@example.com")
        pro = token_client(srv, "p@example.com")
        ok(lead.patch(API + "/policy", {"reserve_on": True, "reserve_age_minutes": 30}))
        young = ticket(lead, tier=1, priority="urgent")
        # nobody clocked in: the pro gets it
        got = pro.post(API + "/queue/next")
        assert got.status == 200 and got.json["id"] == young["id"]
        ok(pro.post(API + "/queue/release", {}), 204)
        # a member clocks in: the pro's next passes over it
        assert member.post(API + "/clock/in").status in (200, 201)
        r = pro.post(API + "/queue/next")
        assert r.status == 204, r
        # the member gets it
        r = member.post(API + "/queue/next")
        assert r.status == 200 and r.json["id"] == young["id"]
        ok(member.post(API + "/queue/release", {}), 204)
        # 31 minutes later it is old enough for anyone
        set_clock(admin, advance=31 * 60)
        assert member.post(API + "/clock/heartbeat").status in (200, 204)
        r = pro.post(API + "/queue/next")
        assert r.status == 200 and r.json["id"] == young["id"], r
        ok(pro.post(API + "/queue/release", {}), 204)
        # a new young one, and the member clocks out: pros get it at once
        fresh = ticket(lead, tier=1, priority="urgent")
        member.post(API + "/clock/out")
        r = pro.post(API + "/queue/next")
        assert r.status == 200 and r.json["id"] in (young["id"], fresh["id"])
    finally:
        srv.stop()
        srv.cleanup()


def test_juniors_ready_for_tier1_are_suggested(srv, lead):
    ok(lead.patch(API + "/policy", {"promote_approved": 1, "promote_clean_days": 14}))
    try:
        pro = person(srv, lead, role="pro")
        ready = person(srv, lead, level="junior")
        not_yet = person(srv, lead, level="junior")
        for who in (ready, not_yet):
            t = ticket(lead, tier=1)
            rv = ok(reply(who, t, "Here is what happened and what we did."), 202)["review"]
            ok(pro.post("%s/reviews/%d/approve" % (API, rv["id"])))
        t = ticket(lead, tier=1)
        rv = ok(reply(not_yet, t, "Not sure, sorry."), 202)["review"]
        ok(pro.post("%s/reviews/%d/return" % (API, rv["id"]), {"comment": "Find out first."}))
        assert_error(ready.get(API + "/levels/suggestions"), 403, "forbidden")
        items = ok(pro.get(API + "/levels/suggestions"))["items"]
        ids = [i["person"]["id"] for i in items]
        assert ready.person["id"] in ids and not_yet.person["id"] not in ids
        mine = [i for i in items if i["person"]["id"] == ready.person["id"]][0]
        assert (mine["approved"], mine["returned"], mine["person"]["level"]) == (1, 0, "junior")
    finally:
        ok(lead.patch(API + "/policy", {"promote_approved": 20, "promote_clean_days": 14}))


def test_escalations_are_in_the_compliance_report(srv, lead):
    member = person(srv, lead)
    t = ticket(lead, tier=1)
    ok(member.post("%s/tickets/%d/escalate" % (API, t["id"]), {"note": "Needs a refund decision"}))
    week = ok(lead.get(API + "/reports/compliance?week=" + _this_week()))
    row = [p for p in week["people"] if p["person_id"] == member.person["id"]][0]
    assert row["escalations"] == 1


def _this_week():
    import datetime
    y, w, _ = datetime.datetime.now(datetime.timezone.utc).isocalendar()
    return "%d-W%02d" % (y, w)
