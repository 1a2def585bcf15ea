"""Messages: POST /api/v1/tickets/{id}/messages, the send check (no reply over
a message its writer has not seen), notes, and the ticket state a reply sets."""
import pytest

from ahtest import API, assert_error, create_ticket, get_ticket, ok


def write(client, ticket_id, body, kind="reply", seen=None, **extra):
    req = {"kind": kind, "body": body}
    if seen is not None:
        req["seen_message_id"] = seen
    req.update(extra)
    return client.post("%s/tickets/%d/messages" % (API, ticket_id), req)


def thread(client, ticket_id):
    return [(m["id"], m["kind"], m["body"]) for m in get_ticket(client, ticket_id)["messages"]]


def test_reply_with_current_seen_id_is_201_and_ticket_becomes_pending(lead, pro):
    t = create_ticket(lead)
    first = t["last_message_id"]
    r = write(pro, t["id"], "Hi Carla, please try resetting your password.", seen=first)
    assert r.status == 201, r
    m = r.json
    assert (m["kind"], m["author_id"], m["ticket_id"]) == ("reply", pro.id, t["id"])
    assert m["author_name"] == pro.person["name"]
    assert m["body"] == "Hi Carla, please try resetting your password."
    got = get_ticket(lead, t["id"])
    assert got["status"] == "pending"
    assert got["message_count"] == 2 and got["last_message_id"] == m["id"]
    assert [x["id"] for x in got["messages"]] == [first, m["id"]]  # oldest first
    assert got["first_response_at"] is not None


def test_reply_refused_when_thread_changed(lead, pro):
    t = create_ticket(lead)
    seen = t["last_message_id"]
    m2 = ok(write(lead, t["id"], "Lead answers first.", seen=seen), 201)
    m3 = ok(write(lead, t["id"], "And adds a detail.", seen=m2["id"]), 201)
    before = get_ticket(lead, t["id"])

    r = write(pro, t["id"], "Stale reply written before reading the thread.", seen=seen)
    assert_error(r, 409, "conflict")
    newer = r.error.get("messages")
    assert isinstance(newer, list), "409 must list the newer messages: %r" % r
    assert [m["id"] for m in newer] == [m2["id"], m3["id"]]
    assert [m["body"] for m in newer] == ["Lead answers first.", "And adds a detail."]

    after = get_ticket(lead, t["id"])
    assert after["messages"] == before["messages"], "the refused reply was stored"
    for k in ("status", "message_count", "last_message_id", "updated_at"):
        assert after[k] == before[k], k

    # having read them, the writer may send
    ok(write(pro, t["id"], "Now up to date.", seen=m3["id"]), 201)


def test_own_newer_message_does_not_conflict(lead, pro):
    t = create_ticket(lead)
    seen = t["last_message_id"]
    a = ok(write(pro, t["id"], "First part.", seen=seen), 201)
    b = ok(write(pro, t["id"], "Second part, same screen.", seen=seen), 201)
    assert [i for i, _, _ in thread(lead, t["id"])] == [seen, a["id"], b["id"]]


@pytest.mark.server_bug("a made-up seen_message_id above the newest message passes the check")
def test_seen_id_must_be_a_message_of_the_thread(lead, pro):
    other = create_ticket(lead)
    t = create_ticket(lead)
    newer_elsewhere = create_ticket(lead)["last_message_id"]
    assert newer_elsewhere > t["last_message_id"]
    for seen in (987654321, newer_elsewhere, other["last_message_id"]):
        r = write(pro, t["id"], "Claims to have seen %d." % seen, seen=seen)
        assert r.status in (409, 422), "seen_message_id %d is not in the thread: %r" % (seen, r)
        assert_error(r, r.status, {409: "conflict", 422: "invalid"}[r.status])
    assert len(thread(lead, t["id"])) == 1


def test_note_is_kind_note_not_a_reply(lead, pro):
    t = create_ticket(lead)
    r = write(pro, t["id"], "Internal: customer is on the legacy plan.", kind="note")
    assert r.status == 201, r
    assert r.json["kind"] == "note"
    got = get_ticket(lead, t["id"])
    assert got["messages"][-1]["kind"] == "note"
    assert [k for _, k, _ in thread(lead, t["id"])] == ["customer", "note"]
    assert got["status"] == t["status"] == "new", "a note is not a reply"
    assert got["first_response_at"] is None, "a note is not a first response"


def test_reply_sets_the_status_it_is_given(lead, pro):
    t = create_ticket(lead)
    ok(write(pro, t["id"], "This is fixed now.", seen=t["last_message_id"], status="solved"), 201)
    assert get_ticket(lead, t["id"])["status"] == "solved"


def test_reply_needs_seen_message_id(lead, pro):
    t = create_ticket(lead)
    # well-formed, but a reply must say what its writer saw
    assert_error(write(pro, t["id"], "Blind reply."), 422, "invalid")
    assert len(thread(lead, t["id"])) == 1


def test_kind_body_and_caps(lead, pro):
    t = create_ticket(lead)
    seen = t["last_message_id"]
    assert_error(write(pro, t["id"], "From the customer?", kind="customer", seen=seen),
                 422, "invalid")
    assert_error(write(pro, t["id"], "", seen=seen), 422, "invalid")
    assert_error(write(pro, t["id"], "x" * 131073, seen=seen), 422, "invalid")
    assert_error(write(pro, t["id"], 42, seen=seen), 400, "bad_request")
    assert_error(write(pro, t["id"], "ok", seen="12"), 400, "bad_request")
    assert_error(write(pro, t["id"], "ok", seen=seen, mood="happy"), 400, "bad_request")
    assert len(thread(lead, t["id"])) == 1
    m = ok(write(pro, t["id"], "x" * 131072, seen=seen), 201)  # at the cap
    assert len(m["body"]) == 131072


def test_body_is_stored_verbatim(lead, pro):
    t = create_ticket(lead)
    body = "<b>bold</b> & 'quotes' \"double\" \\ back\nline two\ttab 日本語 😀 </script>"
    m = ok(write(pro, t["id"], body, seen=t["last_message_id"]), 201)
    assert m["body"] == body
    assert thread(lead, t["id"])[-1] == (m["id"], "reply", body)


def test_member_cannot_write_to_tier_2_or_unknown_tickets(lead, member):
    t = create_ticket(lead, tier=2)
    assert_error(write(member, t["id"], "Let me help.", seen=t["last_message_id"]),
                 404, "not_found")
    assert_error(write(member, t["id"], "A note.", kind="note"), 404, "not_found")
    assert len(thread(lead, t["id"])) == 1
    assert_error(write(lead, 987654321, "Nobody there.", seen=1), 404, "not_found")
