/* test_queue.c - src/domain/queue.c on a fresh SQLite file per test: "next"
 * picks the nearest deadline a person may work, claims it with a lease, gives
 * it back on a second click, and lets go on done, release, skip or expiry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/limits.h"
#include "domain/ctx.h"
#include "domain/people.h"
#include "domain/queue.h"
#include "domain/ticket.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define MINUTE (60 * 1000LL)
#define HOUR (60 * MINUTE)

#define assert_code(want, expr)                                                               \
    do {                                                                                      \
        enum ah_err got_ = (expr);                                                            \
        if (got_ != (want))                                                                   \
            fail_msg("%s: want %s, got %s (%s)", #expr, ah_err_name(want), ah_err_name(got_), \
                     got_ ? err.msg : "");                                                    \
    } while (0)
#define assert_ok(expr) assert_code(AH_OK, expr)

struct fx {
    char dir[256];
    char path[300];
    struct ah_store *store;
    struct ah_arena arena;
    struct ah_settings settings;
    struct ah_ctx cx;
    struct ah_person ann, bob, pro; /* ann and bob are members */
};

static void as(struct fx *f, const struct ah_person *p)
{
    f->cx.actor = p;
    f->cx.system = false;
}

static void as_system(struct fx *f)
{
    f->cx.actor = NULL;
    f->cx.system = true;
}

static struct ah_person make(struct fx *f, const char *email, enum ah_role role)
{
    struct ah_error err = {0};
    struct ah_person_input in;
    struct ah_person out = {0};

    ah_person_input_init(&in);
    in.email = ah_str_c(email);
    in.name = ah_str_c(email);
    in.role = (int)role;
    as_system(f);
    if (ah_people_create(&f->cx, &in, &out, &err))
        print_error("make %s: %s\n", email, err.msg);
    return out;
}

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    const char *tmp = getenv("TMPDIR");
    struct ah_error err = {0};
    int from, to;

    snprintf(f->dir, sizeof(f->dir), "%s/ah_queue_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/allhands.db", f->dir);
    ah_arena_init(&f->arena);
    ah_settings_default(&f->settings);
    *state = f;
    if (ah_store_open(f->path, true, &f->store, &err) ||
        ah_store_migrate(f->store, &from, &to, &err)) {
        print_error("setup: %s\n", err.msg);
        return -1;
    }
    f->cx = (struct ah_ctx){
        .store = f->store, .arena = &f->arena, .system = true, .now = T0, .settings = &f->settings};
    f->ann = make(f, "ann@example.com", AH_ROLE_MEMBER);
    f->bob = make(f, "bob@example.com", AH_ROLE_MEMBER);
    f->pro = make(f, "pro@example.com", AH_ROLE_PRO);
    return f->pro.id ? 0 : -1;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    char p[320];

    if (!f)
        return 0;
    ah_store_close(f->store);
    ah_arena_release(&f->arena);
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* A ticket that came in at cx->now, opened by the command line. */
static int64_t open_ticket(struct fx *f, const char *subject, int priority, int tier)
{
    struct ah_error err = {0};
    struct ah_ticket_input in;
    struct ah_ticket t = {0};
    const struct ah_person *actor = f->cx.actor;
    bool system = f->cx.system;

    ah_ticket_input_init(&in);
    in.subject = ah_str_c(subject);
    in.body = AH_STR_LIT("Please help");
    in.requester_email = AH_STR_LIT("cust@customer.example");
    in.priority = priority;
    in.tier = tier;
    as_system(f);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    f->cx.actor = actor;
    f->cx.system = system;
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

    as(f, p);
    assert_ok(ah_queue_next(&f->cx, done, &t, &msgs, &n, &found, &err));
    if (!found)
        return 0;
    assert_int_equal(t.assignee_id, p->id);
    assert_true(t.claim_until > f->cx.now);
    assert_true(n >= 1); /* the thread comes along */
    assert_int_equal(msgs[0].ticket_id, t.id);
    return t.id;
}

static struct ah_ticket reload(struct fx *f, int64_t id)
{
    struct ah_error err = {0};
    struct ah_ticket t = {0};

    assert_ok(ah_store_ticket_get(f->store, id, &f->arena, &t, &err));
    return t;
}

/* ---- picking ---- */

static void test_queue_next_empty_queue(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_ticket t;
    struct ah_message *msgs = NULL;
    size_t n = 0;
    bool found = true;

    as(f, &f->ann);
    assert_ok(ah_queue_next(&f->cx, 0, &t, &msgs, &n, &found, &err));
    assert_false(found);
    as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_queue_next(&f->cx, 0, &t, &msgs, &n, &found, &err));
}

static void test_queue_next_picks_urgent_before_low(void **state)
{
    struct fx *f = *state;
    int64_t low = open_ticket(f, "low", AH_PRIO_LOW, 0);
    int64_t normal = open_ticket(f, "normal", AH_PRIO_NORMAL, 0);
    int64_t urgent = open_ticket(f, "urgent", AH_PRIO_URGENT, 0);
    int64_t high = open_ticket(f, "high", AH_PRIO_HIGH, 0);

    assert_int_equal(next(f, &f->ann, 0), urgent);
    assert_int_equal(next(f, &f->bob, 0), high);
    assert_int_equal(next(f, &f->ann, urgent), normal);
    assert_int_equal(next(f, &f->ann, normal), urgent); /* done returned it to the queue */
    assert_int_equal(next(f, &f->bob, high), normal);
    assert_int_equal(next(f, &f->bob, normal), high);
    (void)low;
}

static void test_queue_next_picks_earliest_due_not_priority(void **state)
{
    struct fx *f = *state;
    int64_t old_low, new_urgent, twin_a, twin_b;

    /* a low ticket two days old is due before an urgent one that just came in */
    f->cx.now = T0 - 47 * HOUR - 30 * MINUTE;
    old_low = open_ticket(f, "old low", AH_PRIO_LOW, 0); /* due T0 + 30 min */
    f->cx.now = T0;
    new_urgent = open_ticket(f, "new urgent", AH_PRIO_URGENT, 0); /* due T0 + 1 h */
    assert_int_equal(next(f, &f->ann, 0), old_low);
    assert_int_equal(next(f, &f->bob, 0), new_urgent);
    /* equal deadlines: the older ticket first */
    twin_a = open_ticket(f, "twin a", AH_PRIO_NORMAL, 0);
    twin_b = open_ticket(f, "twin b", AH_PRIO_NORMAL, 0);
    assert_int_equal(reload(f, twin_a).due_at, reload(f, twin_b).due_at);
    assert_int_equal(next(f, &f->ann, old_low), twin_a);
}

static void test_queue_member_never_gets_tier2(void **state)
{
    struct fx *f = *state;
    int64_t t2 = open_ticket(f, "hard", AH_PRIO_URGENT, 2);
    int64_t t1 = open_ticket(f, "easy", AH_PRIO_LOW, 1);

    assert_int_equal(next(f, &f->ann, 0), t1);
    /* only tier 2 is left: nothing for members, even after the lease */
    assert_int_equal(next(f, &f->bob, 0), 0);
    f->cx.now = T0 + 2 * f->settings.lease_ms;
    assert_int_equal(next(f, &f->bob, 0), t1);
    assert_int_equal(next(f, &f->ann, 0), 0);
    assert_int_equal(next(f, &f->pro, 0), t2);
}

static void test_queue_pro_gets_tier2_first_when_due(void **state)
{
    struct fx *f = *state;
    int64_t t1 = open_ticket(f, "easy", AH_PRIO_LOW, 1);
    int64_t t2 = open_ticket(f, "hard", AH_PRIO_URGENT, 2);

    assert_int_equal(next(f, &f->pro, 0), t2);
    assert_int_equal(next(f, &f->ann, 0), t1);
}

/* ---- claims ---- */

static void test_queue_next_twice_returns_same_ticket(void **state)
{
    struct fx *f = *state;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);
    int64_t until;

    assert_int_equal(next(f, &f->ann, 0), a);
    until = reload(f, a).claim_until;
    assert_true(until == T0 + f->settings.lease_ms);
    /* a double click takes one ticket, and a second "next" is no renewal */
    f->cx.now = T0 + MINUTE;
    assert_int_equal(next(f, &f->ann, 0), a);
    assert_true(reload(f, a).claim_until == until);
    assert_int_equal(reload(f, b).assignee_id, 0);
    /* done naming something else than what is held changes nothing */
    assert_int_equal(next(f, &f->ann, b), a);
    assert_int_equal(reload(f, b).assignee_id, 0);
}

static void test_queue_next_skips_claimed(void **state)
{
    struct fx *f = *state;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);

    assert_int_equal(next(f, &f->ann, 0), a);
    assert_int_equal(next(f, &f->bob, 0), b);
    assert_int_equal(next(f, &f->pro, 0), 0);
    assert_int_equal(reload(f, a).assignee_id, f->ann.id);
    assert_int_equal(reload(f, b).assignee_id, f->bob.id);
}

static void test_queue_next_done_releases_and_claims_another(void **state)
{
    struct fx *f = *state;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);
    struct ah_ticket ta;

    assert_int_equal(next(f, &f->ann, 0), a);
    f->cx.now = T0 + MINUTE;
    assert_int_equal(next(f, &f->ann, a), b);
    ta = reload(f, a);
    assert_int_equal(ta.assignee_id, 0);
    assert_int_equal(ta.claim_until, 0);
    assert_true(ta.updated_at == T0 + MINUTE);
    /* a is back in the queue for the others */
    assert_int_equal(next(f, &f->bob, 0), a);
}

static void test_queue_next_done_with_the_last_ticket(void **state)
{
    struct fx *f = *state;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);

    assert_int_equal(next(f, &f->ann, 0), a);
    /* nothing else: the queue is empty for ann, and she holds nothing */
    assert_int_equal(next(f, &f->ann, a), 0);
    assert_int_equal(reload(f, a).assignee_id, 0);
    assert_int_equal(next(f, &f->bob, 0), a);
}

static void test_queue_release(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);

    assert_int_equal(next(f, &f->ann, 0), a);
    as(f, &f->ann);
    assert_code(AH_E_NOT_FOUND, ah_queue_release(&f->cx, b, &err)); /* not hers */
    assert_non_null(strstr(err.msg, "no claim"));
    assert_int_equal(reload(f, a).assignee_id, f->ann.id);
    assert_ok(ah_queue_release(&f->cx, a, &err));
    assert_int_equal(reload(f, a).assignee_id, 0);
    assert_int_equal(reload(f, a).claim_until, 0);
    assert_code(AH_E_NOT_FOUND, ah_queue_release(&f->cx, a, &err));
    assert_code(AH_E_NOT_FOUND, ah_queue_release(&f->cx, 0, &err));
    /* id 0 releases whatever is held */
    assert_int_equal(next(f, &f->ann, 0), a);
    as(f, &f->ann);
    assert_ok(ah_queue_release(&f->cx, 0, &err));
    assert_int_equal(reload(f, a).assignee_id, 0);
    /* bob cannot release ann's claim */
    assert_int_equal(next(f, &f->ann, 0), a);
    as(f, &f->bob);
    assert_code(AH_E_NOT_FOUND, ah_queue_release(&f->cx, a, &err));
    assert_int_equal(reload(f, a).assignee_id, f->ann.id);
}

static void test_queue_skip_excludes_for_that_person(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);

    assert_int_equal(next(f, &f->ann, 0), a);
    as(f, &f->ann);
    assert_ok(ah_queue_skip(&f->cx, a, AH_STR_LIT("  needs a billing person  "), &err));
    assert_int_equal(reload(f, a).assignee_id, 0);
    /* ann is offered b, then nothing; a stays in the queue for bob */
    assert_int_equal(next(f, &f->ann, 0), b);
    assert_int_equal(next(f, &f->ann, b), 0);
    assert_int_equal(next(f, &f->bob, 0), a);
    assert_int_equal(next(f, &f->bob, a), b);
    /* never again for ann, even when a is the only ticket left */
    assert_int_equal(next(f, &f->bob, b), a);
    as(f, &f->bob);
    assert_ok(ah_queue_release(&f->cx, 0, &err));
    assert_int_equal(next(f, &f->ann, 0), b);
    assert_int_equal(next(f, &f->ann, b), 0);
}

static void test_queue_skip_refusals(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);
    char reason[AH_MAX_REASON + 2];

    assert_int_equal(next(f, &f->ann, 0), a);
    as(f, &f->ann);
    assert_code(AH_E_INVALID, ah_queue_skip(&f->cx, a, AH_STR_LIT(""), &err));
    assert_code(AH_E_INVALID, ah_queue_skip(&f->cx, a, AH_STR_LIT(" \t\n"), &err));
    assert_code(AH_E_INVALID, ah_queue_skip(&f->cx, 0, AH_STR_LIT("why"), &err));
    assert_code(AH_E_NOT_FOUND, ah_queue_skip(&f->cx, b, AH_STR_LIT("not mine"), &err));
    memset(reason, 'r', sizeof(reason));
    reason[AH_MAX_REASON + 1] = '\0';
    assert_code(AH_E_INVALID, ah_queue_skip(&f->cx, a, ah_str_c(reason), &err));
    assert_int_equal(reload(f, a).assignee_id, f->ann.id); /* still held */
    reason[AH_MAX_REASON] = '\0';
    assert_ok(ah_queue_skip(&f->cx, a, ah_str_c(reason), &err));
    assert_int_equal(reload(f, a).assignee_id, 0);
    as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_queue_skip(&f->cx, a, AH_STR_LIT("x"), &err));
}

/* ---- leases ---- */

static void test_queue_expired_lease_returns_ticket(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t lease = f->settings.lease_ms;
    int64_t returned = -1;

    assert_int_equal(next(f, &f->ann, 0), a);
    /* the last millisecond of the lease: still ann's */
    f->cx.now = T0 + lease - 1;
    assert_int_equal(next(f, &f->bob, 0), 0);
    /* the lease is over: the ticket is anyone's again */
    f->cx.now = T0 + lease;
    assert_int_equal(next(f, &f->bob, 0), a);
    assert_int_equal(reload(f, a).assignee_id, f->bob.id);
    assert_true(reload(f, a).claim_until == T0 + 2 * lease);
    /* and ann no longer holds it */
    assert_int_equal(next(f, &f->ann, 0), 0);
    f->cx.now = T0 + 3 * lease;
    assert_ok(ah_queue_expire(&f->cx, &returned, &err));
    assert_int_equal(returned, 1);
    assert_int_equal(reload(f, a).assignee_id, 0);
    assert_ok(ah_queue_expire(&f->cx, &returned, &err));
    assert_int_equal(returned, 0);
}

static void test_queue_expired_lease_same_person_gets_it_back(void **state)
{
    struct fx *f = *state;
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);

    f->settings.lease_ms = 5 * MINUTE; /* the setting, not a constant */
    assert_int_equal(next(f, &f->ann, 0), a);
    assert_true(reload(f, a).claim_until == T0 + 5 * MINUTE);
    f->cx.now = T0 + 5 * MINUTE;
    assert_int_equal(next(f, &f->ann, 0), a);
    assert_true(reload(f, a).claim_until == T0 + 10 * MINUTE);
}

static void test_queue_reply_turns_claim_into_assignment(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    int64_t b = open_ticket(f, "b", AH_PRIO_HIGH, 0);
    struct ah_message_input in = {.kind = AH_MSG_REPLY,
                                  .body = AH_STR_LIT("On it"),
                                  .has_seen = true,
                                  .seen_message_id = reload(f, a).last_message_id,
                                  .status = -1};
    struct ah_message out, *newer;
    size_t nnewer;
    struct ah_ticket ta;

    assert_int_equal(next(f, &f->ann, 0), a);
    as(f, &f->ann);
    assert_ok(ah_ticket_write(&f->cx, a, &in, &out, &newer, &nnewer, &err));
    ta = reload(f, a);
    assert_int_equal(ta.assignee_id, f->ann.id);
    assert_int_equal(ta.claim_until, 0);
    /* no longer a claim: "next" moves on, and expiry does not take it away */
    assert_int_equal(next(f, &f->ann, 0), b);
    f->cx.now = T0 + 10 * f->settings.lease_ms;
    assert_int_equal(next(f, &f->bob, 0), b);
    assert_int_equal(reload(f, a).assignee_id, f->ann.id);
}

static void test_queue_explicit_assignment_outlives_lease(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t a = open_ticket(f, "a", AH_PRIO_URGENT, 0);
    struct ah_ticket_patch p;
    struct ah_ticket out;

    assert_int_equal(next(f, &f->ann, 0), a);
    /* ann takes the ticket she holds for good: an explicit assignment ends
     * the claim, so the lease no longer applies */
    as(f, &f->ann);
    ah_ticket_patch_init(&p);
    p.has_assignee = true;
    p.assignee_id = f->ann.id;
    assert_ok(ah_ticket_update(&f->cx, a, &p, &out, &err));
    f->cx.now = T0 + 2 * f->settings.lease_ms;
    assert_int_equal(next(f, &f->bob, 0), 0);
    assert_int_equal(reload(f, a).assignee_id, f->ann.id);
}

static void test_queue_list(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t urgent = open_ticket(f, "urgent", AH_PRIO_URGENT, 0);
    int64_t high = open_ticket(f, "high", AH_PRIO_HIGH, 0);
    int64_t normal = open_ticket(f, "normal", AH_PRIO_NORMAL, 0);
    int64_t low = open_ticket(f, "low", AH_PRIO_LOW, 0);
    int64_t hard = open_ticket(f, "hard", AH_PRIO_URGENT, 2);
    struct ah_queue_filter fl = {.limit = 50};
    struct ah_ticket *items;
    size_t n;

    assert_int_equal(next(f, &f->bob, 0), urgent); /* claimed: not listed */
    assert_int_equal(next(f, &f->ann, 0), high);
    as(f, &f->ann);
    assert_ok(ah_queue_skip(&f->cx, high, AH_STR_LIT("no"), &err)); /* skipped by ann */
    assert_ok(ah_queue_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, normal);
    assert_int_equal(items[1].id, low);
    /* bob sees high; pro sees the tier-2 ticket first */
    as(f, &f->bob);
    assert_ok(ah_queue_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, high);
    as(f, &f->pro);
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

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

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
    struct ah_error err = {0};

    if (ah_crypto_init(&err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
