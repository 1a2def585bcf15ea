/* test_queue.c - src/domain/queue.c on a fresh SQLite file per test: "next"
 * picks the nearest deadline a person may work, claims it with a lease, gives
 * it back on a second click, and lets go on done, release, skip or expiry. */
#include <string.h>

#include "core/limits.h"
#include "domain/ctx.h"
#include "domain/people.h"
#include "domain/queue.h"
#include "domain/ticket.h"
#include "fixture.h"

#define HOUR (60 * MINUTE)

/* The shared fixture, then the people each queue test starts with. */
struct queue_fx {
    struct fx fx;
    struct ah_person ann, bob, pro; /* ann and bob are members */
};

static int setup(void **state)
{
    struct queue_fx *qf;

    if (fx_setup(state, sizeof(*qf), "queue"))
        return -1;
    qf = *state;
    fx_default_tier(&qf->fx, 1);
    qf->ann = fx_person(&qf->fx, "ann@example.com", "ann@example.com", AH_ROLE_MEMBER, NULL);
    qf->bob = fx_person(&qf->fx, "bob@example.com", "bob@example.com", AH_ROLE_MEMBER, NULL);
    qf->pro = fx_person(&qf->fx, "pro@example.com", "pro@example.com", AH_ROLE_PRO, NULL);
    return 0;
}

/* A ticket that came in at cx->now, opened by the command line. */
static int64_t open_ticket(struct fx *f, const char *subject, int priority, int tier)
{
    struct ah_error err = {0};
    struct ah_ticket_input in;
    struct ah_ticket t = {0};
    struct fx_actor was = fx_as_system(f);

    ah_ticket_input_init(&in);
    in.subject = ah_str_c(subject);
    in.body = AH_STR_LIT("Please help");
    in.requester_email = AH_STR_LIT("cust@customer.example");
    in.priority = priority;
    in.tier = tier;
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    fx_restore(f, was);
    return t.id;
}

/* "next" as person p, who is done with done; the ticket id or 0 for none. */
static int64_t next(struct fx *f, const struct ah_person *p, int64_t done)
{
    struct ah_error err = {0};
    struct ah_ticket t = {0};
    struct ah_message *msgs = NULL;
    size_t n = 0;
    bool found = true;

    fx_as(f, p);
    assert_ok(ah_queue_next(&f->cx, done, &t, &msgs, &n, &found, &err));
    if (!found)
        return 0;
    assert_int_equal(t.assignee_id, p->id);
    assert_true(t.claim_until > f->cx.now);
    assert_true(n >= 1); /* the thread comes along */
    assert_int_equal(msgs[0].ticket_id, t.id);
    return t.id;
}

/* ---- picking ---- */

static void test_queue_next_empty_queue(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    struct ah_error err = {0};
    struct ah_ticket t;
    struct ah_message *msgs = NULL;
    size_t n = 0;
    bool found = true;

    fx_as(f, &qf->ann);
    assert_ok(ah_queue_next(&f->cx, 0, &t, &msgs, &n, &found, &err));
    assert_false(found);
    fx_as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_queue_next(&f->cx, 0, &t, &msgs, &n, &found, &err));
}

static void test_queue_next_picks_urgent_before_low(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t low = open_ticket(f, "low", AH_PRIO_LOW, 0);
    int64_t normal = open_ticket(f, "normal", AH_PRIO_NORMAL, 0);
    int64_t urgent = open_ticket(f, "urgent", AH_PRIO_URGENT, 0);
    int64_t high = open_ticket(f, "high", AH_PRIO_HIGH, 0);

    assert_int_equal(next(f, &qf->ann, 0), urgent);
    assert_int_equal(next(f, &qf->bob, 0), high);
    assert_int_equal(next(f, &qf->ann, urgent), normal);
    assert_int_equal(next(f, &qf->ann, normal), urgent); /* done returned it to the queue */
    assert_int_equal(next(f, &qf->bob, high), normal);
    assert_int_equal(next(f, &qf->bob, normal), high);
    (void)low;
}

static void test_queue_next_picks_earliest_due_not_priority(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t old_low, new_urgent, twin_a, twin_b;

    /* a low ticket two days old is due before an urgent one that just came in */
    f->cx.now = T0 - 47 * HOUR - 30 * MINUTE;
    old_low = open_ticket(f, "old low", AH_PRIO_LOW, 0); /* due T0 + 30 min */
    f->cx.now = T0;
    new_urgent = open_ticket(f, "new urgent", AH_PRIO_URGENT, 0); /* due T0 + 1 h */
    assert_int_equal(next(f, &qf->ann, 0), old_low);
    assert_int_equal(next(f, &qf->bob, 0), new_urgent);
    /* equal deadlines: the older ticket first */
    twin_a = open_ticket(f, "twin a", AH_PRIO_NORMAL, 0);
    twin_b = open_ticket(f, "twin b", AH_PRIO_NORMAL, 0);
    assert_int_equal(fx_reload(f, twin_a).due_at, fx_reload(f, twin_b).due_at);
    assert_int_equal(next(f, &qf->ann, old_low), twin_a);
}

static void test_queue_member_never_gets_tier2(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t t2 = open_ticket(f, "hard", AH_PRIO_URGENT, 2);
    int64_t t1 = open_ticket(f, "easy", AH_PRIO_LOW, 1);

    assert_int_equal(next(f, &qf->ann, 0), t1);
    /* only tier 2 is left: nothing for members, even after the lease */
    assert_int_equal(next(f, &qf->bob, 0), 0);
    f->cx.now = T0 + 2 * f->settings.lease_ms;
    assert_int_equal(next(f, &qf->bob, 0), t1);
    assert_int_equal(next(f, &qf->ann, 0), 0);
    assert_int_equal(next(f, &qf->pro, 0), t2);
}

static void test_queue_pro_gets_tier2_first_when_due(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t t1 = open_ticket(f, "easy", AH_PRIO_LOW, 1);
    int64_t t2 = open_ticket(f, "hard", AH_PRIO_URGENT, 2);

    assert_int_equal(next(f, &qf->pro, 0), t2);
    assert_int_equal(next(f, &qf->ann, 0), t1);
}

/* ---- claims ---- */

static void test_queue_next_twice_returns_same_ticket(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);
    int64_t until;

    assert_int_equal(next(f, &qf->ann, 0), a);
    until = fx_reload(f, a).claim_until;
    assert_true(until == T0 + f->settings.lease_ms);
    /* a double click takes one ticket, and a second "next" is no renewal */
    f->cx.now = T0 + MINUTE;
    assert_int_equal(next(f, &qf->ann, 0), a);
    assert_true(fx_reload(f, a).claim_until == until);
    assert_int_equal(fx_reload(f, b).assignee_id, 0);
    /* done naming something else than what is held changes nothing */
    assert_int_equal(next(f, &qf->ann, b), a);
    assert_int_equal(fx_reload(f, b).assignee_id, 0);
}

static void test_queue_next_skips_claimed(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);

    assert_int_equal(next(f, &qf->ann, 0), a);
    assert_int_equal(next(f, &qf->bob, 0), b);
    assert_int_equal(next(f, &qf->pro, 0), 0);
    assert_int_equal(fx_reload(f, a).assignee_id, qf->ann.id);
    assert_int_equal(fx_reload(f, b).assignee_id, qf->bob.id);
}

static void test_queue_next_done_releases_and_claims_another(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);
    struct ah_ticket ta;

    assert_int_equal(next(f, &qf->ann, 0), a);
    f->cx.now = T0 + MINUTE;
    assert_int_equal(next(f, &qf->ann, a), b);
    ta = fx_reload(f, a);
    assert_int_equal(ta.assignee_id, 0);
    assert_int_equal(ta.claim_until, 0);
    assert_true(ta.updated_at == T0 + MINUTE);
    /* a is back in the queue for the others */
    assert_int_equal(next(f, &qf->bob, 0), a);
}

static void test_queue_next_done_with_the_last_ticket(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);

    assert_int_equal(next(f, &qf->ann, 0), a);
    /* nothing else: the queue is empty for ann, and she holds nothing */
    assert_int_equal(next(f, &qf->ann, a), 0);
    assert_int_equal(fx_reload(f, a).assignee_id, 0);
    assert_int_equal(next(f, &qf->bob, 0), a);
}

static void test_queue_release(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);

    assert_int_equal(next(f, &qf->ann, 0), a);
    fx_as(f, &qf->ann);
    assert_code(AH_E_NOT_FOUND, ah_queue_release(&f->cx, b, &err)); /* not hers */
    assert_non_null(strstr(err.msg, "no claim"));
    assert_int_equal(fx_reload(f, a).assignee_id, qf->ann.id);
    assert_ok(ah_queue_release(&f->cx, a, &err));
    assert_int_equal(fx_reload(f, a).assignee_id, 0);
    assert_int_equal(fx_reload(f, a).claim_until, 0);
    assert_code(AH_E_NOT_FOUND, ah_queue_release(&f->cx, a, &err));
    assert_code(AH_E_NOT_FOUND, ah_queue_release(&f->cx, 0, &err));
    /* id 0 releases whatever is held */
    assert_int_equal(next(f, &qf->ann, 0), a);
    fx_as(f, &qf->ann);
    assert_ok(ah_queue_release(&f->cx, 0, &err));
    assert_int_equal(fx_reload(f, a).assignee_id, 0);
    /* bob cannot release ann's claim */
    assert_int_equal(next(f, &qf->ann, 0), a);
    fx_as(f, &qf->bob);
    assert_code(AH_E_NOT_FOUND, ah_queue_release(&f->cx, a, &err));
    assert_int_equal(fx_reload(f, a).assignee_id, qf->ann.id);
}

static void test_queue_skip_excludes_for_that_person(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);

    assert_int_equal(next(f, &qf->ann, 0), a);
    fx_as(f, &qf->ann);
    assert_ok(ah_queue_skip(&f->cx, a, AH_STR_LIT("  needs a billing person  "), &err));
    assert_int_equal(fx_reload(f, a).assignee_id, 0);
    /* ann is offered b, then nothing; a stays in the queue for bob */
    assert_int_equal(next(f, &qf->ann, 0), b);
    assert_int_equal(next(f, &qf->ann, b), 0);
    assert_int_equal(next(f, &qf->bob, 0), a);
    assert_int_equal(next(f, &qf->bob, a), b);
    /* never again for ann, even when a is the only ticket left */
    assert_int_equal(next(f, &qf->bob, b), a);
    fx_as(f, &qf->bob);
    assert_ok(ah_queue_release(&f->cx, 0, &err));
    assert_int_equal(next(f, &qf->ann, 0), b);
    assert_int_equal(next(f, &qf->ann, b), 0);
}

static void test_queue_skip_refusals(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);
    char reason[AH_MAX_REASON + 2];

    assert_int_equal(next(f, &qf->ann, 0), a);
    fx_as(f, &qf->ann);
    assert_code(AH_E_INVALID, ah_queue_skip(&f->cx, a, AH_STR_LIT(""), &err));
    assert_code(AH_E_INVALID, ah_queue_skip(&f->cx, a, AH_STR_LIT(" \t\n"), &err));
    assert_code(AH_E_INVALID, ah_queue_skip(&f->cx, 0, AH_STR_LIT("why"), &err));
    assert_code(AH_E_NOT_FOUND, ah_queue_skip(&f->cx, b, AH_STR_LIT("not mine"), &err));
    memset(reason, 'r', sizeof(reason));
    reason[AH_MAX_REASON + 1] = '\0';
    assert_code(AH_E_INVALID, ah_queue_skip(&f->cx, a, ah_str_c(reason), &err));
    assert_int_equal(fx_reload(f, a).assignee_id, qf->ann.id); /* still held */
    reason[AH_MAX_REASON] = '\0';
    assert_ok(ah_queue_skip(&f->cx, a, ah_str_c(reason), &err));
    assert_int_equal(fx_reload(f, a).assignee_id, 0);
    fx_as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_queue_skip(&f->cx, a, AH_STR_LIT("x"), &err));
}

/* ---- leases ---- */

static void test_queue_expired_lease_returns_ticket(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t lease = f->settings.lease_ms;
    int64_t returned = -1;

    assert_int_equal(next(f, &qf->ann, 0), a);
    /* the last millisecond of the lease: still ann's */
    f->cx.now = T0 + lease - 1;
    assert_int_equal(next(f, &qf->bob, 0), 0);
    /* the lease is over: the ticket is anyone's again */
    f->cx.now = T0 + lease;
    assert_int_equal(next(f, &qf->bob, 0), a);
    assert_int_equal(fx_reload(f, a).assignee_id, qf->bob.id);
    assert_true(fx_reload(f, a).claim_until == T0 + 2 * lease);
    /* and ann no longer holds it */
    assert_int_equal(next(f, &qf->ann, 0), 0);
    f->cx.now = T0 + 3 * lease;
    assert_ok(ah_queue_expire(&f->cx, &returned, &err));
    assert_int_equal(returned, 1);
    assert_int_equal(fx_reload(f, a).assignee_id, 0);
    assert_ok(ah_queue_expire(&f->cx, &returned, &err));
    assert_int_equal(returned, 0);
}

static void test_queue_expired_lease_same_person_gets_it_back(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);

    f->settings.lease_ms = 5 * MINUTE; /* the setting, not a constant */
    assert_int_equal(next(f, &qf->ann, 0), a);
    assert_true(fx_reload(f, a).claim_until == T0 + 5 * MINUTE);
    f->cx.now = T0 + 5 * MINUTE;
    assert_int_equal(next(f, &qf->ann, 0), a);
    assert_true(fx_reload(f, a).claim_until == T0 + 10 * MINUTE);
}

static void test_queue_reply_turns_claim_into_assignment(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);
    struct ah_message_input in = {.kind = AH_MSG_REPLY,
                                  .body = AH_STR_LIT("On it"),
                                  .has_seen = true,
                                  .seen_message_id = fx_reload(f, a).last_message_id,
                                  .status = -1};
    struct ah_message out, *newer;
    size_t nnewer;
    struct ah_ticket ta;

    assert_int_equal(next(f, &qf->ann, 0), a);
    fx_as(f, &qf->ann);
    assert_ok(ah_ticket_write(&f->cx, a, &in, &out, &newer, &nnewer, &err));
    ta = fx_reload(f, a);
    assert_int_equal(ta.assignee_id, qf->ann.id);
    assert_int_equal(ta.claim_until, 0);
    /* no longer a claim: "next" moves on, and expiry does not take it away */
    assert_int_equal(next(f, &qf->ann, 0), b);
    f->cx.now = T0 + 10 * f->settings.lease_ms;
    assert_int_equal(next(f, &qf->bob, 0), b);
    assert_int_equal(fx_reload(f, a).assignee_id, qf->ann.id);
}

static void test_queue_explicit_assignment_outlives_lease(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    struct ah_ticket_patch p;
    struct ah_ticket out;

    assert_int_equal(next(f, &qf->ann, 0), a);
    /* ann takes the ticket she holds for good: an explicit assignment ends
     * the claim, so the lease no longer applies */
    fx_as(f, &qf->ann);
    ah_ticket_patch_init(&p);
    p.has_assignee = true;
    p.assignee_id = qf->ann.id;
    assert_ok(ah_ticket_update(&f->cx, a, &p, &out, &err));
    f->cx.now = T0 + 2 * f->settings.lease_ms;
    assert_int_equal(next(f, &qf->bob, 0), 0);
    assert_int_equal(fx_reload(f, a).assignee_id, qf->ann.id);
}

static void test_queue_list(void **state)
{
    struct queue_fx *qf = *state;
    struct fx *f = &qf->fx;
    struct ah_error err = {0};
    int64_t urgent = open_ticket(f, "urgent", AH_PRIO_URGENT, 0);
    int64_t high = open_ticket(f, "high", AH_PRIO_HIGH, 0);
    int64_t normal = open_ticket(f, "normal", AH_PRIO_NORMAL, 0);
    int64_t low = open_ticket(f, "low", AH_PRIO_LOW, 0);
    int64_t hard = open_ticket(f, "hard", AH_PRIO_URGENT, 2);
    struct ah_queue_filter fl = {.limit = 50};
    struct ah_ticket *items;
    size_t n;

    assert_int_equal(next(f, &qf->bob, 0), urgent); /* claimed: not listed */
    assert_int_equal(next(f, &qf->ann, 0), high);
    fx_as(f, &qf->ann);
    assert_ok(ah_queue_skip(&f->cx, high, AH_STR_LIT("no"), &err)); /* skipped by ann */
    assert_ok(ah_queue_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, normal);
    assert_int_equal(items[1].id, low);
    /* bob sees high; pro sees the tier-2 ticket first */
    fx_as(f, &qf->bob);
    assert_ok(ah_queue_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, high);
    fx_as(f, &qf->pro);
    assert_ok(ah_queue_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 4);
    assert_int_equal(items[0].id, hard);
    /* paging by (due, id) */
    fl.limit = 2;
    assert_ok(ah_queue_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 2);
    fl.after_due = items[1].due_at;
    fl.after_id = items[1].id;
    assert_int_equal(items[1].id, high);
    assert_ok(ah_queue_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, normal);
    assert_int_equal(items[1].id, low);
    /* a solved ticket leaves the queue */
    {
        struct ah_ticket_patch p;
        struct ah_ticket out;

        ah_ticket_patch_init(&p);
        p.status = AH_STATUS_SOLVED;
        assert_ok(ah_ticket_update(&f->cx, low, &p, &out, &err));
    }
    fl = (struct ah_queue_filter){.limit = 50};
    assert_ok(ah_queue_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 3);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_queue_next_empty_queue),
        T(test_queue_next_picks_urgent_before_low),
        T(test_queue_next_picks_earliest_due_not_priority),
        T(test_queue_member_never_gets_tier2),
        T(test_queue_pro_gets_tier2_first_when_due),
        T(test_queue_next_twice_returns_same_ticket),
        T(test_queue_next_skips_claimed),
        T(test_queue_next_done_releases_and_claims_another),
        T(test_queue_next_done_with_the_last_ticket),
        T(test_queue_release),
        T(test_queue_skip_excludes_for_that_person),
        T(test_queue_skip_refusals),
        T(test_queue_expired_lease_returns_ticket),
        T(test_queue_expired_lease_same_person_gets_it_back),
        T(test_queue_reply_turns_claim_into_assignment),
        T(test_queue_explicit_assignment_outlives_lease),
        T(test_queue_list),
    };

    return cmocka_run_group_tests_name("queue", tests, fx_crypto_setup, NULL);
}
