"""The queue: POST /api/v1/queue/next, /release, /skip and GET /api/v1/queue.

Each test runs on a server of its own, so the queue holds exactly the
tickets the test made and "nothing left" (204) is exact.
"""
import time

import pytest

from ahtest import (API, assert_error, create_ticket, get_ticket, list_all,
                    login_lead, new_person, ok, ticket_ids)


def nxt(client, done=None):
    """POST /queue/next; the claimed ticket id, or None on 204."""
    body = {} if done is None else {"done": done}
    r = client.post(API + "/queue/next", body)
    if r.status == 204:
        assert r.raw == b"", "204 with a body: %r" % r
        return None
    assert r.status == 200, r
    assert "messages" in r.json and r.json["messages"], "next must include the thread"
    assert r.json["claimed_until"] is not None
    return r.json["id"]


def queue_ids(client):
    return ticket_ids(list_all(client, API + "/queue"))


def team(srv, n_members=1, role="member"):
    lead = login_lead(srv)
    return lead, [new_person(srv, lead, role=role)[0] for _ in range(n_members)]


def test_next_on_an_empty_queue_is_204(start_server):
    lead, (a,) = team(start_server(name="queue-empty"))
    assert nxt(a) is None
    r = a.post(API + "/queue/next")  # no body at all
    assert r.status == 204, r
    assert queue_ids(a) == []


def test_next_gives_the_most_urgent_first(start_server):
    lead, people = team(start_server(name="queue-order"), 4)
    low = create_ticket(lead, priority="low")["id"]
    time.sleep(0.02)
    normal_1 = create_ticket(lead, priority="normal")["id"]
    time.sleep(0.02)
    normal_2 = create_ticket(lead, priority="normal")["id"]
    time.sleep(0.02)
    urgent = create_ticket(lead, priority="urgent")["id"]
    want = [urgent, normal_1, normal_2, low]  # urgent before low; earlier due first
    assert queue_ids(people[0]) == want
    assert [nxt(p) for p in people] == want
    assert queue_ids(people[0]) == []  # all claimed


def test_next_twice_without_done_returns_the_same_ticket(start_server):
    lead, (a, b) = team(start_server(name="queue-idem"), 2)
    first = create_ticket(lead, priority="urgent")["id"]
    create_ticket(lead, priority="low")
    assert nxt(a) == first
    assert nxt(a) == first
    r = a.post(API + "/queue/next")  # without a body, too
    assert r.status == 200 and r.json["id"] == first, r
    assert nxt(b) != first, "a claimed ticket went to a second person"


def test_next_with_done_moves_on_and_the_previous_returns_to_the_queue(start_server):
    lead, (a, b) = team(start_server(name="queue-done"), 2)
    t1 = create_ticket(lead, priority="urgent")["id"]
    t2 = create_ticket(lead, priority="low")["id"]
    assert nxt(a) == t1
    assert nxt(a, done=t1) == t2
    assert t1 in queue_ids(b)
    assert nxt(b) == t1  # back in the queue, and still the most urgent
    assert get_ticket(lead, t1)["assignee_id"] in (None, b.id)


def test_release_returns_the_ticket_to_the_queue(start_server):
    lead, (a, b) = team(start_server(name="queue-release"), 2)
    t = create_ticket(lead)["id"]
    assert nxt(a) == t
    assert nxt(b) is None
    r = a.post(API + "/queue/release")
    assert r.status == 204, r
    assert nxt(b) == t
    r = b.post(API + "/queue/release", {"ticket_id": t})
    assert r.status == 204, r
    assert nxt(a) == t  # released, not skipped: offered again
    got = get_ticket(lead, t)
    assert got["status"] == "new" and got["message_count"] == 1


def test_release_without_a_claim_is_refused(start_server):
    lead, (a,) = team(start_server(name="queue-release-none"))
    t = create_ticket(lead)["id"]
    assert_error(a.post(API + "/queue/release", {"ticket_id": t}), 404, "not_found")
    assert_error(a.post(API + "/queue/release"), 404, "not_found")
    assert t in queue_ids(a)


def test_skip_is_never_offered_again_to_that_person(start_server):
    lead, (a, b) = team(start_server(name="queue-skip"), 2)
    t = create_ticket(lead)["id"]
    assert nxt(a) == t
    r = a.post(API + "/queue/skip", {"ticket_id": t, "reason": "needs billing knowledge"})
    assert r.status == 204, r
    assert nxt(a) is None
    assert t not in queue_ids(a)
    assert nxt(b) == t  # another person still gets it
    b.post(API + "/queue/release")
    assert nxt(a) is None  # still not for a, even when it is free again


def test_skip_needs_a_reason(start_server):
    lead, (a,) = team(start_server(name="queue-skip-reason"))
    t = create_ticket(lead)["id"]
    assert nxt(a) == t
    assert_error(a.post(API + "/queue/skip", {"ticket_id": t, "reason": ""}), 422, "invalid")
    assert_error(a.post(API + "/queue/skip", {"ticket_id": t, "reason": "r" * 501}),
                 422, "invalid")
    assert_error(a.post(API + "/queue/skip", {"ticket_id": t, "reason": 5}), 400, "bad_request")
    assert nxt(a) == t  # still held: nothing was skipped
    r = a.post(API + "/queue/skip", {"ticket_id": t, "reason": "r" * 500})  # at the cap
    assert r.status == 204, r


def test_claim_lease_expires(start_server):
    srv = start_server(lease_seconds=1, name="queue-lease")
    lead, (a, b) = team(srv, 2)
    t = create_ticket(lead)["id"]
    assert nxt(a) == t
    assert nxt(b) is None
    time.sleep(2.5)
    assert nxt(b) == t, "the idle claim did not return to the queue"


def test_member_never_gets_tier_2(start_server):
    srv = start_server(name="queue-tier")
    lead, (member,) = team(srv)
    pro = new_person(srv, lead, role="pro")[0]
    hard = create_ticket(lead, priority="urgent", tier=2)["id"]
    easy = create_ticket(lead, priority="low")["id"]
    assert queue_ids(member) == [easy]
    assert queue_ids(pro) == [hard, easy]
    assert nxt(member) == easy
    assert nxt(member, done=easy) is None  # the tier-2 ticket is never offered
    assert nxt(pro) == hard


@pytest.mark.server_bug("next answers 404 for ever once the held ticket became tier 2")
def test_held_ticket_raised_to_tier_2_leaves_the_member(start_server):
    srv = start_server(name="queue-raised")
    lead, (member,) = team(srv)
    t = create_ticket(lead, priority="urgent")["id"]
    assert nxt(member) == t
    assert ok(lead.patch("%s/tickets/%d" % (API, t), {"tier": 2}))["tier"] == 2
    # the member may no longer see it: next must not answer with it, nor fail
    assert nxt(member) is None
    easy = create_ticket(lead, priority="low")["id"]
    assert nxt(member) == easy


def test_reply_makes_the_ticket_yours_and_next_moves_on(start_server):
    lead, (a, b) = team(start_server(name="queue-reply"), 2)
    t1 = create_ticket(lead, priority="urgent")
    t2 = create_ticket(lead, priority="low")["id"]
    assert nxt(a) == t1["id"]
    r = a.post("%s/tickets/%d/messages" % (API, t1["id"]),
               {"kind": "reply", "body": "On it.", "seen_message_id": t1["last_message_id"]})
    assert r.status == 201, r
    got = get_ticket(lead, t1["id"])
    assert got["assignee_id"] == a.id and got["status"] == "pending"
    assert nxt(a) == t2  # the reply ended the claim
    assert nxt(b) is None  # t1 is a's, t2 is claimed
    assert t1["id"] not in queue_ids(b)
