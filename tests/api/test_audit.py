"""The audit log: GET /api/v1/audit, readable by lead and admin only."""
from ahtest import (API, Client, as_obj, assert_error, audit_items, create_person, login_as, ok,
                    mentions_id, quote, unique_email)

ENTRY_FIELDS = {"id", "at", "actor_id", "action", "target", "before", "after"}


def test_lead_reads_the_audit_log(lead):
    p = create_person(lead)
    page = ok(lead.get(API + "/audit"))
    assert isinstance(page["items"], list) and "next_cursor" in page
    for e in page["items"]:
        assert ENTRY_FIELDS <= set(e), "missing %s in %r" % (ENTRY_FIELDS - set(e), e)
    made = [e for e in audit_items(lead) if mentions_id(e["target"], p["id"])]
    assert made, "creating person %d left no audit entry" % p["id"]
    assert any(e["actor_id"] == lead.id for e in made)


def test_admin_reads_the_audit_log(server):
    email = unique_email("admin")
    server.add_user(email, "Ada Admin", role="admin")
    ok(login_as(server, email).get(API + "/audit"))


def test_member_and_pro_may_not_read_the_audit_log(member, pro):
    assert_error(member.get(API + "/audit"), 403, "forbidden")
    assert_error(pro.get(API + "/audit"), 403, "forbidden")


def test_audit_log_needs_a_session(server):
    assert_error(Client(server).get(API + "/audit"), 401, "unauthenticated")


def test_audit_pages_cover_every_entry_once(lead):
    people = [create_person(lead) for _ in range(5)]
    seen, cursor = [], None
    for _ in range(200):
        page = ok(lead.get(API + "/audit?limit=2" + ("&cursor=" + quote(cursor) if cursor else "")))
        assert len(page["items"]) <= 2
        seen.extend(e["id"] for e in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    else:
        raise AssertionError("audit paging does not end")
    assert len(seen) == len(set(seen)), "an entry appeared on two pages"
    assert sorted(seen) == sorted(e["id"] for e in audit_items(lead))
    for p in people:
        assert any(mentions_id(e["target"], p["id"]) for e in audit_items(lead))


def test_role_change_records_before_and_after(lead):
    p = create_person(lead)
    ok(lead.patch("%s/people/%d" % (API, p["id"]), {"role": "pro", "leader": True}))
    e = [e for e in audit_items(lead) if mentions_id(e["target"], p["id"])
         and as_obj(e["after"]).get("role") == "pro"]
    assert e, "no audit entry for the role change of person %d" % p["id"]
    assert as_obj(e[0]["before"]).get("role") == "member"
    assert e[0]["actor_id"] == lead.id
