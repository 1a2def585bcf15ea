"""API tokens: POST/GET/DELETE /api/v1/tokens and Bearer authentication."""
import time

import pytest

from ahtest import (API, Client, assert_error, create_ticket, ok, unique)


def make_token(client, name=None):
    r = client.post(API + "/tokens", {"name": name or unique("script-")})
    assert r.status == 201, r
    return r.json


def test_token_is_shown_once_and_works_as_bearer(server, lead):
    name = unique("ci-script-")
    t = make_token(lead, name)
    assert t["name"] == name
    assert isinstance(t["id"], int)
    assert t["token"].startswith("aht_") and len(t["token"]) > 20
    assert isinstance(t["created_at"], str)

    listing = ok(lead.get(API + "/tokens"))
    mine = [i for i in listing["items"] if i["id"] == t["id"]]
    assert len(mine) == 1 and mine[0]["name"] == name
    assert "last_used_at" in mine[0]
    for item in listing["items"]:
        assert "token" not in item, "the list must not show tokens: %r" % item
    assert t["token"] not in lead.get(API + "/tokens").raw.decode()
    assert t["token"][4:] not in lead.get(API + "/tokens").raw.decode()


    bearer = Client(server, token=t["token"])
    me = ok(bearer.get(API + "/session"))
    assert me["person"]["id"] == lead.id


def token_item(client, token_id):
    items = [i for i in ok(client.get(API + "/tokens"))["items"] if i["id"] == token_id]
    assert len(items) == 1
    return items[0]


@pytest.mark.server_bug("a new token's last_used_at is its created_at, not null")
def test_last_used_at_is_null_until_the_token_is_used(server, lead):
    t = make_token(lead)
    assert token_item(lead, t["id"])["last_used_at"] is None, "never used, yet 'last used'"
    time.sleep(0.01)
    ok(Client(server, token=t["token"]).get(API + "/session"))
    assert token_item(lead, t["id"])["last_used_at"] > t["created_at"]


def test_bearer_writes_need_no_csrf(server, lead):
    bearer = Client(server, token=make_token(lead)["token"])
    ticket = create_ticket(bearer)  # POST without X-CSRF-Token
    assert ticket["requester"]["email"].endswith("@example.org")
    r = bearer.patch("%s/tickets/%d" % (API, ticket["id"]), {"priority": "high"})
    assert ok(r)["priority"] == "high"


def test_revoked_token_is_refused(server, lead):
    t = make_token(lead)
    bearer = Client(server, token=t["token"])
    ok(bearer.get(API + "/session"))
    r = lead.delete("%s/tokens/%d" % (API, t["id"]))
    assert r.status == 204, r
    assert_error(bearer.get(API + "/session"), 401, "unauthenticated")
    assert_error(bearer.get(API + "/tickets"), 401, "unauthenticated")
    ids = [i["id"] for i in ok(lead.get(API + "/tokens"))["items"]]
    assert t["id"] not in ids


def test_revoking_an_unknown_token_is_404(lead):
    assert_error(lead.delete(API + "/tokens/987654321"), 404, "not_found")


def test_nobody_revokes_another_persons_token(server, lead, member):
    t = make_token(lead)
    assert t["id"] not in [i["id"] for i in ok(member.get(API + "/tokens"))["items"]]
    r = member.delete("%s/tokens/%d" % (API, t["id"]))
    assert_error(r, 404, "not_found")  # another's token is not even visible
    ok(Client(server, token=t["token"]).get(API + "/session"))  # still works


def test_token_keeps_the_persons_role(server, member):
    bearer = Client(server, token=make_token(member)["token"])
    r = bearer.post(API + "/people", {"email": "x-%s@example.com" % unique(),
                                      "name": "Not Allowed", "password": "long-enough-1"})
    assert_error(r, 403, "forbidden")
    assert_error(bearer.get(API + "/audit"), 403, "forbidden")


def test_token_needs_a_name(lead):
    assert_error(lead.post(API + "/tokens", {}), 400, "bad_request")
    assert_error(lead.post(API + "/tokens", {"name": 7}), 400, "bad_request")
    assert_error(lead.post(API + "/tokens", {"name": "x" * 201}), 422, "invalid")
    assert make_token(lead, "y" * 200)["name"] == "y" * 200  # at the cap


def test_forged_token_is_401(server):
    for tok in ("aht_" + "A" * 43, "aht_", "not-a-token"):
        assert_error(Client(server, token=tok).get(API + "/session"), 401, "unauthenticated")
