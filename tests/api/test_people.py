"""People: GET/POST /api/v1/people, GET/PATCH /api/v1/people/{id}, and who
may do what to whom."""
from ahtest import (API, PASSWORD, as_obj, assert_error, audit_items,
                    create_person, list_all, login_as, mentions_id, ok, unique_email)

PERSON_FIELDS = {"id", "email", "name", "department", "manager_id", "role", "leader",
                 "timezone", "active", "created_at", "updated_at"}


def people_with_email(client, email):
    return [p for p in list_all(client, API + "/people") if p["email"] == email]


def test_lead_creates_a_member(server, lead):
    email = unique_email("new")
    r = lead.post(API + "/people", {"email": email, "name": "Nora New",
                                    "department": "Sales", "password": PASSWORD})
    assert r.status == 201, r
    p = r.json
    assert PERSON_FIELDS <= set(p), "missing %s" % (PERSON_FIELDS - set(p))
    assert p["email"] == email and p["name"] == "Nora New" and p["department"] == "Sales"
    assert p["role"] == "member"  # the default
    assert p["leader"] is False and p["active"] is True
    assert p["timezone"] == "UTC"  # the default
    assert p["manager_id"] is None
    for secret in ("password", "password_hash", "hash"):
        assert secret not in p
    assert PASSWORD not in r.raw.decode()
    assert ok(lead.get("%s/people/%d" % (API, p["id"]))) == p
    # the new person can sign in with the password the lead set
    assert login_as(server, email).id == p["id"]


def test_create_with_every_optional_field(lead):
    boss = create_person(lead)
    p = create_person(lead, role="pro", department="Support", manager_id=boss["id"],
                      leader=True, timezone="Europe/Berlin")
    assert (p["role"], p["department"], p["manager_id"], p["leader"], p["timezone"]) == \
        ("pro", "Support", boss["id"], True, "Europe/Berlin")


def test_duplicate_email_is_409_and_stores_nothing(lead):
    p = create_person(lead)
    r = lead.post(API + "/people", {"email": p["email"], "name": "Second Copy",
                                    "password": PASSWORD})
    assert_error(r, 409, "conflict")
    same = people_with_email(lead, p["email"])
    assert len(same) == 1 and same[0]["name"] == p["name"]


def test_bad_email_is_422(lead):
    for email in ("not-an-email", "two@@example.com", "@example.com", "spaces in@example.com"):
        r = lead.post(API + "/people", {"email": email, "name": "Bad Email",
                                        "password": PASSWORD})
        assert_error(r, 422, "invalid")
        assert people_with_email(lead, email) == []


def test_password_shorter_than_10_is_422(lead):
    email = unique_email("short")
    r = lead.post(API + "/people", {"email": email, "name": "Short Pw", "password": "123456789"})
    assert_error(r, 422, "invalid")
    assert people_with_email(lead, email) == []


def test_name_at_cap_and_past_it(lead):
    assert create_person(lead, name="n" * 200)["name"] == "n" * 200
    r = lead.post(API + "/people", {"email": unique_email(), "name": "n" * 201,
                                    "password": PASSWORD})
    assert_error(r, 422, "invalid")


def test_email_cap_is_254_bytes(lead):
    domain = "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"
    at_cap = "a" * 64 + "@" + domain
    assert len(at_cap) == 254
    assert create_person(lead, email=at_cap)["email"] == at_cap
    past = "a" * 64 + "@d" + domain
    r = lead.post(API + "/people", {"email": past, "name": "Long Mail", "password": PASSWORD})
    assert_error(r, 422, "invalid")


def test_password_cap_is_256_bytes(server, lead):
    p = create_person(lead, password="p" * 256)
    assert login_as(server, p["email"], "p" * 256).id == p["id"]
    r = lead.post(API + "/people", {"email": unique_email(), "name": "Long Pw",
                                    "password": "p" * 257})
    assert_error(r, 422, "invalid")


def test_unknown_role_is_refused(lead):
    r = lead.post(API + "/people", {"email": unique_email(), "name": "Role Less",
                                    "role": "overlord", "password": PASSWORD})
    assert_error(r, 422, "invalid")


def test_member_can_read_people_but_not_write(member, lead):
    items = ok(member.get(API + "/people"))["items"]
    assert lead.id in [p["id"] for p in items]
    assert ok(member.get("%s/people/%d" % (API, lead.id)))["email"] == lead.person["email"]

    email = unique_email("sneaky")
    r = member.post(API + "/people", {"email": email, "name": "Sneaky", "password": PASSWORD})
    assert_error(r, 403, "forbidden")
    assert people_with_email(lead, email) == []

    target = create_person(lead)
    r = member.patch("%s/people/%d" % (API, target["id"]), {"name": "Renamed"})
    assert_error(r, 403, "forbidden")
    assert ok(lead.get("%s/people/%d" % (API, target["id"])))["name"] == target["name"]

    # nor promote themself
    r = member.patch("%s/people/%d" % (API, member.id), {"role": "lead"})
    assert_error(r, 403, "forbidden")
    assert ok(lead.get("%s/people/%d" % (API, member.id)))["role"] == "member"


def test_lead_updates_a_person(lead):
    p = create_person(lead)
    r = lead.patch("%s/people/%d" % (API, p["id"]),
                   {"name": "Pat Patched", "department": "Finance", "timezone": "Asia/Tokyo"})
    got = ok(r)
    assert (got["name"], got["department"], got["timezone"]) == \
        ("Pat Patched", "Finance", "Asia/Tokyo")
    assert ok(lead.get("%s/people/%d" % (API, p["id"]))) == got


def test_only_admin_grants_admin(server, lead):
    p = create_person(lead)
    r = lead.patch("%s/people/%d" % (API, p["id"]), {"role": "admin"})
    assert_error(r, 403, "forbidden")
    assert ok(lead.get("%s/people/%d" % (API, p["id"])))["role"] == "member"

    email = unique_email("would-be-admin")
    r = lead.post(API + "/people", {"email": email, "name": "Would Be", "role": "admin",
                                    "password": PASSWORD})
    assert_error(r, 403, "forbidden")
    assert people_with_email(lead, email) == []

    admin_email = unique_email("admin")
    server.add_user(admin_email, "Ada Admin", role="admin")
    admin = login_as(server, admin_email)
    got = ok(admin.patch("%s/people/%d" % (API, p["id"]), {"role": "admin"}))
    assert got["role"] == "admin"
    # and only admin takes it away again
    r = lead.patch("%s/people/%d" % (API, p["id"]), {"role": "member"})
    assert_error(r, 403, "forbidden")
    assert ok(admin.patch("%s/people/%d" % (API, p["id"]), {"role": "member"}))["role"] == "member"


def test_role_change_is_audited_with_before_and_after(lead):
    p = create_person(lead)
    assert ok(lead.patch("%s/people/%d" % (API, p["id"]), {"role": "pro"}))["role"] == "pro"
    hits = [e for e in audit_items(lead)
            if mentions_id(e["target"], p["id"])
            and as_obj(e["before"]).get("role") == "member"
            and as_obj(e["after"]).get("role") == "pro"]
    assert len(hits) == 1, "no audit entry member -> pro for person %d" % p["id"]
    assert hits[0]["actor_id"] == lead.id
    assert isinstance(hits[0]["action"], str) and hits[0]["action"]
    assert isinstance(hits[0]["at"], str)


def test_unknown_person_is_404(lead):
    assert_error(lead.get(API + "/people/987654321"), 404, "not_found")
    assert_error(lead.patch(API + "/people/987654321", {"name": "Ghost"}), 404, "not_found")


def test_patch_unknown_field_is_400(lead):
    p = create_person(lead)
    r = lead.patch("%s/people/%d" % (API, p["id"]), {"email_verified": True})
    assert_error(r, 400, "bad_request")
    r = lead.patch("%s/people/%d" % (API, p["id"]), {"leader": "yes"})
    assert_error(r, 400, "bad_request")
    assert ok(lead.get("%s/people/%d" % (API, p["id"]))) == p


def test_people_list_pages_cover_everyone_once(lead):
    made = {create_person(lead, name="Pager %d" % i)["id"] for i in range(5)}
    seen = [p["id"] for p in list_all(lead, API + "/people", limit=2)]
    assert len(seen) == len(set(seen)), "a person appeared on two pages"
    assert made <= set(seen)
