/* test_ticket.c - src/domain/ticket.c on a fresh SQLite file per test: SLA
 * due times, visibility by tier, privileged changes and their audit rows,
 * tags, the send check on replies, and search text made safe for FTS5. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "domain/audit.h"
#include "domain/ctx.h"
#include "domain/people.h"
#include "domain/review.h"
#include "domain/ticket.h"
#include "fixture.h"

/* The shared fixture, then the people each ticket test starts with. */
struct ticket_fx {
    struct fx fx;
    struct ah_person member, member2, pro, lead;
};

static int setup(void **state)
{
    struct ticket_fx *tf;

    if (fx_setup(state, sizeof(*tf), "ticket"))
        return -1;
    tf = *state;
    fx_default_tier(&tf->fx, 1);
    tf->member = fx_person(&tf->fx, "member@example.com", "Mia Member", AH_ROLE_MEMBER, NULL);
    tf->member2 = fx_person(&tf->fx, "member2@example.com", "Max Member", AH_ROLE_MEMBER, NULL);
    tf->pro = fx_person(&tf->fx, "pro@example.com", "Pat Pro", AH_ROLE_PRO, NULL);
    tf->lead = fx_person(&tf->fx, "lead@example.com", "Lee Lead", AH_ROLE_LEAD, NULL);
    return 0;
}

static struct ah_ticket_input ticket_input(const char *subject, const char *body)
{
    struct ah_ticket_input in;

    ah_ticket_input_init(&in);
    in.subject = ah_str_c(subject);
    in.body = ah_str_c(body);
    in.requester_email = AH_STR_LIT("cora@customer.example");
    in.requester_name = AH_STR_LIT("Cora Customer");
    return in;
}

/* A ticket opened by the command line (any tier), cx's actor kept. */
static struct ah_ticket open_ticket(struct fx *f, const char *subject, const char *body,
                                    int priority, int tier)
{
    struct ah_error err = {0};
    struct ah_ticket_input in = ticket_input(subject, body);
    struct ah_ticket t = {0};
    struct fx_actor was = fx_as_system(f);

    in.priority = priority;
    in.tier = tier;
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    fx_restore(f, was);
    return t;
}

static struct ah_audit_entry last_audit(struct fx *f)
{
    struct ah_error err = {0};
    struct ah_audit_entry *items = NULL;
    size_t n = 0;

    assert_ok(ah_store_audit_list(f->store, 0, 1, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    return items[0];
}

/* A customer's message arriving by mail: straight into the store. */
static int64_t customer_writes(struct fx *f, int64_t ticket, const char *body)
{
    struct ah_error err = {0};
    struct ah_message m = {
        .ticket_id = ticket, .kind = AH_MSG_CUSTOMER, .body = body, .created_at = f->cx.now};

    assert_ok(ah_store_message_insert(f->store, &m, &err));
    return m.id;
}

static struct ah_message_input message(enum ah_msg_kind kind, const char *body, int64_t seen)
{
    struct ah_message_input in = {.kind = kind,
                                  .body = ah_str_c(body),
                                  .has_seen = seen >= 0,
                                  .seen_message_id = seen,
                                  .status = -1};

    return in;
}

/* ---- create ---- */

static void test_ticket_create_sets_due_from_priority(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};

    f->settings.sla_first_ms[AH_PRIO_URGENT] = 5 * MINUTE; /* the settings rule, not constants */
    for (int p = AH_PRIO_URGENT; p <= AH_PRIO_LOW; p++) {
        struct ah_ticket t;

        f->cx.now = T0 + p * 1000;
        t = open_ticket(f, "Subject", "Body", p, 0);
        assert_int_equal(t.priority, p);
        if (t.due_at != f->cx.now + f->settings.sla_first_ms[p])
            fail_msg("priority %d: due_at %lld", p, (long long)(t.due_at - f->cx.now));
        assert_true(t.resolve_due_at == f->cx.now + f->settings.sla_resolve_ms[p]);
        assert_true(t.created_at == f->cx.now);
    }
    {
        struct ah_ticket t = open_ticket(f, "Default", "Body", -1, 0);

        assert_int_equal(t.priority, AH_PRIO_NORMAL);
        assert_true(t.due_at == f->cx.now + f->settings.sla_first_ms[AH_PRIO_NORMAL]);
    }
    (void)err;
}

static void test_ticket_create_fields(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket_input in = ticket_input("Printer on fire", "It is really on fire");
    struct ah_ticket t, again;
    struct ah_message *msgs;
    size_t n;

    in.source = AH_STR_LIT("email");
    fx_as(f, &tf->member);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    assert_true(t.id > 0);
    assert_string_equal(t.subject, "Printer on fire");
    assert_string_equal(t.requester_email, "cora@customer.example");
    assert_string_equal(t.requester_name, "Cora Customer");
    assert_int_equal(t.status, AH_STATUS_NEW);
    assert_int_equal(t.tier, 1);
    assert_string_equal(t.source, "email");
    assert_string_equal(t.tags, "");
    assert_int_equal(t.assignee_id, 0);
    assert_int_equal(t.message_count, 1);
    assert_int_equal(t.first_response_at, 0);
    assert_ok(ah_ticket_get(&f->cx, t.id, &t, &msgs, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(msgs[0].id, t.last_message_id);
    assert_int_equal(msgs[0].kind, AH_MSG_CUSTOMER);
    assert_int_equal(msgs[0].author_id, 0);
    assert_string_equal(msgs[0].author_name, "Cora Customer");
    assert_string_equal(msgs[0].body, "It is really on fire");
    /* the same customer again is the same requester */
    in.requester_email = AH_STR_LIT("CORA@customer.example");
    assert_ok(ah_ticket_create(&f->cx, &in, &again, NULL, &err));
    assert_int_equal(again.requester_id, t.requester_id);
    assert_string_equal(again.source, "email");
}

static void test_ticket_create_requester_defaults_to_actor(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket_input in = ticket_input("Laptop", "Mine is broken");
    struct ah_ticket t;

    in.requester_email = AH_STR_NULL;
    in.requester_name = AH_STR_NULL;
    fx_as(f, &tf->member);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    assert_string_equal(t.requester_email, "member@example.com");
    assert_string_equal(t.requester_name, "Mia Member");
    assert_string_equal(t.source, "api");
    /* the command line is nobody: it must name the requester */
    fx_as_system(f);
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    fx_as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
}

static void test_ticket_create_invalid_input(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket_input in;
    struct ah_ticket t;
    struct ah_ticket_filter fl = {.limit = 50};
    struct ah_ticket *items;
    size_t n;

    fx_as(f, &tf->member);
    in = ticket_input("", "body");
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    assert_non_null(strstr(err.msg, "subject"));
    in = ticket_input("  \t ", "body");
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in = ticket_input("subject", " \n ");
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    assert_non_null(strstr(err.msg, "body"));
    in = ticket_input("subject", "body");
    in.body = AH_STR_NULL;
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in = ticket_input("subject", "body");
    in.source = AH_STR_LIT("fax");
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in = ticket_input("subject", "body");
    in.requester_email = AH_STR_LIT("not an email");
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    fx_as(f, &tf->pro);
    in = ticket_input("subject", "body");
    in.tier = 3;
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in.tier = -1;
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    /* nothing was stored */
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 0);
}

static void test_ticket_create_caps(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket_input in = ticket_input("s", "b");
    struct ah_ticket t;

    fx_as(f, &tf->member);
    in.subject = fx_repeat(f, 's', AH_MAX_SUBJECT);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    assert_int_equal(strlen(t.subject), AH_MAX_SUBJECT);
    in.subject = fx_repeat(f, 's', AH_MAX_SUBJECT + 1);
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in.subject = AH_STR_LIT("s");
    in.body = fx_repeat(f, 'b', AH_MAX_MESSAGE_BODY);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in.body = fx_repeat(f, 'b', AH_MAX_MESSAGE_BODY + 1);
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in.body = AH_STR_LIT("b");
    in.requester_name = fx_repeat(f, 'n', AH_MAX_NAME);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in.requester_email = AH_STR_LIT("other@customer.example");
    in.requester_name = fx_repeat(f, 'n', AH_MAX_NAME + 1);
    assert_code(AH_E_INVALID, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
}

static void test_ticket_create_tier_only_by_pro(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket_input in = ticket_input("Database down", "All of it");
    struct ah_ticket t;

    in.tier = 2;
    fx_as(f, &tf->member);
    assert_code(AH_E_FORBIDDEN, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in.tier = 1; /* even the default tier: classifying is for pros */
    assert_code(AH_E_FORBIDDEN, ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    in.tier = 2;
    fx_as(f, &tf->pro);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    assert_int_equal(t.tier, 2);
    fx_as(f, &tf->lead);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    assert_int_equal(t.tier, 2);
}

/* ---- visibility ---- */

static void test_ticket_member_cannot_see_tier2(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t1 = open_ticket(f, "Tier one", "easy", -1, 1);
    struct ah_ticket t2 = open_ticket(f, "Tier two", "hard", -1, 2);
    struct ah_ticket got;
    struct ah_message *msgs = NULL;
    size_t n = 0;
    struct ah_ticket_filter fl = {.limit = 50};
    struct ah_ticket *items;
    struct ah_ticket_patch p;
    struct ah_message_input in = message(AH_MSG_NOTE, "psst", -1);
    struct ah_message out;
    char missing[AH_ERROR_MSG_MAX], hidden[AH_ERROR_MSG_MAX];

    fx_as(f, &tf->member);
    assert_code(AH_E_NOT_FOUND, ah_ticket_get(&f->cx, t2.id, &got, &msgs, &n, &err));
    snprintf(hidden, sizeof(hidden), "%s", err.msg);
    /* hidden reads exactly like missing */
    assert_code(AH_E_NOT_FOUND, ah_ticket_get(&f->cx, t2.id + 1000, &got, &msgs, &n, &err));
    snprintf(missing, sizeof(missing), "ticket %lld does not exist", (long long)t2.id);
    assert_string_equal(hidden, missing);
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, t1.id);
    fl.tier = 2;
    assert_code(AH_E_FORBIDDEN, ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    ah_ticket_patch_init(&p);
    p.status = AH_STATUS_OPEN;
    assert_code(AH_E_NOT_FOUND, ah_ticket_update(&f->cx, t2.id, &p, &got, &err));
    assert_code(AH_E_NOT_FOUND, ah_ticket_write(&f->cx, t2.id, &in, &out, &msgs, &n, &err));
    assert_int_equal(fx_reload(f, t2.id).status, AH_STATUS_NEW);
    assert_int_equal(fx_reload(f, t2.id).message_count, 1);

    fx_as(f, &tf->pro);
    assert_ok(ah_ticket_get(&f->cx, t2.id, &got, &msgs, &n, &err));
    assert_int_equal(n, 1);
    fl.tier = 0;
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, t2.id);
}

static void test_ticket_get_missing(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket got;
    struct ah_message *msgs;
    size_t n;

    fx_as(f, &tf->lead);
    assert_code(AH_E_NOT_FOUND, ah_ticket_get(&f->cx, 12345, &got, &msgs, &n, &err));
    assert_non_null(strstr(err.msg, "12345"));
    fx_as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_ticket_get(&f->cx, 12345, &got, &msgs, &n, &err));
}

/* ---- update ---- */

static void test_ticket_member_cannot_set_tier(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Tier one", "easy", -1, 1);
    struct ah_ticket_patch p;
    struct ah_ticket out;
    size_t audit = fx_count_audit(f);

    ah_ticket_patch_init(&p);
    p.tier = 2;
    p.status = AH_STATUS_OPEN;
    fx_as(f, &tf->member);
    assert_code(AH_E_FORBIDDEN, ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_non_null(strstr(err.msg, "tier"));
    /* nothing of the patch was applied */
    assert_int_equal(fx_reload(f, t.id).tier, 1);
    assert_int_equal(fx_reload(f, t.id).status, AH_STATUS_NEW);
    assert_int_equal(fx_count_audit(f), audit);
    /* the same tier is no change, so no permission is needed */
    p.tier = 1;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_int_equal(out.status, AH_STATUS_OPEN);
    assert_int_equal(fx_count_audit(f), audit);
}

static void test_ticket_member_cannot_reassign(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_ticket_patch p;
    struct ah_ticket out;
    size_t audit = fx_count_audit(f);

    fx_as(f, &tf->member);
    ah_ticket_patch_init(&p);
    p.has_assignee = true;
    p.assignee_id = tf->member2.id; /* to someone else */
    assert_code(AH_E_FORBIDDEN, ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_int_equal(fx_reload(f, t.id).assignee_id, 0);
    /* taking an unassigned ticket and letting go of it are not privileged */
    p.assignee_id = tf->member.id;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_int_equal(out.assignee_id, tf->member.id);
    assert_int_equal(fx_reload(f, t.id).assignee_id, tf->member.id);
    p.assignee_id = 0;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_int_equal(fx_reload(f, t.id).assignee_id, 0);
    assert_int_equal(fx_count_audit(f), audit);
    /* but not someone else's ticket: neither taking it nor dropping it */
    fx_as(f, &tf->member2);
    p.assignee_id = tf->member2.id;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    fx_as(f, &tf->member);
    p.assignee_id = tf->member.id;
    assert_code(AH_E_FORBIDDEN, ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    p.assignee_id = 0;
    assert_code(AH_E_FORBIDDEN, ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_int_equal(fx_reload(f, t.id).assignee_id, tf->member2.id);
}

static void test_ticket_pro_reassign_audited(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_ticket_patch p;
    struct ah_ticket out;
    struct ah_audit_entry e;
    json_t *before, *after;
    char target[64];

    fx_as(f, &tf->pro);
    f->cx.now = T0 + 9 * MINUTE;
    ah_ticket_patch_init(&p);
    p.has_assignee = true;
    p.assignee_id = tf->member.id;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_int_equal(out.assignee_id, tf->member.id);
    assert_int_equal(fx_reload(f, t.id).assignee_id, tf->member.id);
    e = last_audit(f);
    snprintf(target, sizeof(target), "ticket:%lld", (long long)t.id);
    assert_string_equal(e.action, "ticket.update");
    assert_string_equal(e.target, target);
    assert_int_equal(e.actor_id, tf->pro.id);
    assert_true(e.at == T0 + 9 * MINUTE);
    before = json_loads(e.before, 0, NULL);
    after = json_loads(e.after, 0, NULL);
    assert_non_null(before);
    assert_non_null(after);
    assert_true(json_is_null(json_object_get(before, "assignee_id")));
    assert_int_equal(json_integer_value(json_object_get(after, "assignee_id")), tf->member.id);
    assert_int_equal(json_object_size(before), 1);
    assert_int_equal(json_object_size(after), 1);
    json_decref(before);
    json_decref(after);
}

static void test_ticket_pro_tier_change_audited(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_ticket_patch p;
    struct ah_ticket out;
    struct ah_audit_entry e;
    json_t *before, *after;

    /* a member holds it; moving it to tier 2 takes it from them */
    fx_as(f, &tf->member);
    ah_ticket_patch_init(&p);
    p.has_assignee = true;
    p.assignee_id = tf->member.id;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    fx_as(f, &tf->pro);
    ah_ticket_patch_init(&p);
    p.tier = 2;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_int_equal(out.tier, 2);
    assert_int_equal(out.assignee_id, 0);
    assert_int_equal(fx_reload(f, t.id).tier, 2);
    e = last_audit(f);
    assert_string_equal(e.action, "ticket.update");
    before = json_loads(e.before, 0, NULL);
    after = json_loads(e.after, 0, NULL);
    assert_non_null(before);
    assert_non_null(after);
    assert_int_equal(json_integer_value(json_object_get(before, "tier")), 1);
    assert_int_equal(json_integer_value(json_object_get(after, "tier")), 2);
    assert_int_equal(json_integer_value(json_object_get(before, "assignee_id")), tf->member.id);
    assert_true(json_is_null(json_object_get(after, "assignee_id")));
    json_decref(before);
    json_decref(after);
    /* a pro holding it keeps it */
    ah_ticket_patch_init(&p);
    p.tier = 1;
    p.has_assignee = true;
    p.assignee_id = tf->pro.id;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    ah_ticket_patch_init(&p);
    p.tier = 2;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_int_equal(out.assignee_id, tf->pro.id);
    p.tier = 3;
    assert_code(AH_E_INVALID, ah_ticket_update(&f->cx, t.id, &p, &out, &err));
}

static void test_ticket_assignee_must_fit(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t1 = open_ticket(f, "One", "x", -1, 1);
    struct ah_ticket t2 = open_ticket(f, "Two", "x", -1, 2);
    struct ah_person gone = fx_person(f, "gone@example.com", "Gone", AH_ROLE_PRO, NULL);
    struct ah_person_input pin;
    struct ah_person pout;
    struct ah_ticket_patch p;
    struct ah_ticket out;

    ah_person_input_init(&pin);
    pin.active = 0;
    assert_ok(ah_people_update(&f->cx, gone.id, &pin, &pout, &err));
    fx_as(f, &tf->lead);
    ah_ticket_patch_init(&p);
    p.has_assignee = true;
    p.assignee_id = 98765;
    assert_code(AH_E_INVALID, ah_ticket_update(&f->cx, t1.id, &p, &out, &err));
    assert_non_null(strstr(err.msg, "98765"));
    p.assignee_id = gone.id;
    assert_code(AH_E_INVALID, ah_ticket_update(&f->cx, t1.id, &p, &out, &err));
    p.assignee_id = tf->member.id;
    assert_code(AH_E_INVALID, ah_ticket_update(&f->cx, t2.id, &p, &out, &err));
    assert_non_null(strstr(err.msg, "tier 2"));
    p.assignee_id = tf->pro.id;
    assert_ok(ah_ticket_update(&f->cx, t2.id, &p, &out, &err));
}

static void test_ticket_priority_change_moves_due(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Slow", "x", AH_PRIO_LOW, 0);
    struct ah_ticket_patch p;
    struct ah_ticket out;

    fx_as(f, &tf->member);
    f->cx.now = T0 + 30 * MINUTE;
    ah_ticket_patch_init(&p);
    p.priority = AH_PRIO_URGENT;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    /* the deadline counts from when the ticket came in, not from the change */
    assert_true(out.due_at == T0 + f->settings.sla_first_ms[AH_PRIO_URGENT]);
    assert_true(out.resolve_due_at == T0 + f->settings.sla_resolve_ms[AH_PRIO_URGENT]);
    assert_true(fx_reload(f, t.id).due_at == out.due_at);
    assert_true(fx_reload(f, t.id).updated_at == T0 + 30 * MINUTE);
}

/* ---- tags ---- */

static void test_ticket_tags_normalized(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket_input in = ticket_input("Tagged", "x");
    struct ah_ticket t;
    struct ah_ticket_filter fl = {.limit = 50, .tag = AH_STR_LIT("billing")};
    struct ah_ticket *items;
    size_t n;

    in.has_tags = true;
    in.ntags = 6;
    in.tags[0] = AH_STR_LIT("VIP");
    in.tags[1] = AH_STR_LIT("billing");
    in.tags[2] = AH_STR_LIT("Billing");
    in.tags[3] = AH_STR_LIT("a-1");
    in.tags[4] = AH_STR_LIT("x.y:z_w");
    in.tags[5] = AH_STR_LIT("BILLING");
    fx_as(f, &tf->member);
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    assert_string_equal(t.tags, "a-1 billing vip x.y:z_w");
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 1);
    fl.tag = AH_STR_LIT("vip");
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 1);
}

static void test_ticket_tags_bad_char_invalid(void **state)
{
    static const char *const bad[] = {"two words", "semi;colon", "slash/ed", "caf\xC3\xA9",
                                      "quote\"",   "star*",      "tab\t",    "comma,"};
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    const char *out = NULL;

    fx_as(f, &tf->member);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ah_str tags[2] = {AH_STR_LIT("fine"), ah_str_c(bad[i])};

        if (ah_ticket_tags_join(&f->cx, tags, 2, &out, &err) != AH_E_INVALID)
            fail_msg("tag '%s' was accepted", bad[i]);
    }
    {
        struct ah_str empty = AH_STR_LIT("");

        assert_code(AH_E_INVALID, ah_ticket_tags_join(&f->cx, &empty, 1, &out, &err));
    }
    assert_null(out);
}

static void test_ticket_tags_caps(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_str tags[AH_MAX_TAGS + 1];
    const char *out = NULL;
    struct ah_str one;

    fx_as(f, &tf->member);
    one = fx_repeat(f, 't', AH_MAX_TAG);
    assert_ok(ah_ticket_tags_join(&f->cx, &one, 1, &out, &err));
    assert_int_equal(strlen(out), AH_MAX_TAG);
    one = fx_repeat(f, 't', AH_MAX_TAG + 1);
    assert_code(AH_E_INVALID, ah_ticket_tags_join(&f->cx, &one, 1, &out, &err));
    for (size_t i = 0; i <= AH_MAX_TAGS; i++) {
        char *s = ah_arena_alloc(&f->arena, 8);

        snprintf(s, 8, "t%02zu", i);
        tags[i] = ah_str_c(s);
    }
    assert_ok(ah_ticket_tags_join(&f->cx, tags, AH_MAX_TAGS, &out, &err));
    assert_int_equal(strlen(out), AH_MAX_TAGS * 4 - 1);
    assert_code(AH_E_INVALID, ah_ticket_tags_join(&f->cx, tags, AH_MAX_TAGS + 1, &out, &err));
    assert_ok(ah_ticket_tags_join(&f->cx, tags, 0, &out, &err));
    assert_string_equal(out, "");
}

static void test_ticket_update_tags(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Tags", "x", -1, 1);
    struct ah_ticket_patch p;
    struct ah_ticket out, *items;
    struct ah_ticket_filter fl = {.limit = 50, .tag = AH_STR_LIT("old")};
    size_t n;

    fx_as(f, &tf->member);
    ah_ticket_patch_init(&p);
    p.has_tags = true;
    p.ntags = 1;
    p.tags[0] = AH_STR_LIT("OLD");
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_string_equal(out.tags, "old");
    p.ntags = 2;
    p.tags[0] = AH_STR_LIT("new");
    p.tags[1] = AH_STR_LIT("Newer");
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_string_equal(fx_reload(f, t.id).tags, "new newer");
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 0);
    fl.tag = AH_STR_LIT("newer");
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 1);
    p.tags[1] = AH_STR_LIT("bad tag");
    assert_code(AH_E_INVALID, ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    assert_string_equal(fx_reload(f, t.id).tags, "new newer");
}

/* ---- write: replies, notes and the send check ---- */

static void test_ticket_write_reply_needs_seen(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_message_input in = message(AH_MSG_REPLY, "On it", -1);
    struct ah_message out, *newer = NULL;
    size_t nnewer = 0;

    fx_as(f, &tf->member);
    assert_code(AH_E_INVALID, ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_non_null(strstr(err.msg, "seen_message_id"));
    assert_int_equal(fx_reload(f, t.id).message_count, 1);
    /* a note may go without */
    in = message(AH_MSG_NOTE, "internal remark", -1);
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_int_equal(out.kind, AH_MSG_NOTE);
    assert_int_equal(fx_reload(f, t.id).message_count, 2);
    in = message(AH_MSG_CUSTOMER, "pretending", t.last_message_id);
    assert_code(AH_E_INVALID, ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
}

static void test_ticket_write_seen_must_be_in_thread(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket a = open_ticket(f, "A", "a", -1, 1);
    struct ah_ticket b = open_ticket(f, "B", "b", -1, 1);
    struct ah_message_input in;
    struct ah_message out, *newer = NULL;
    size_t nnewer = 0;

    fx_as(f, &tf->member);
    /* b's message is newer than a's: claiming to have read it must not pass */
    in = message(AH_MSG_REPLY, "hi", b.last_message_id);
    assert_code(AH_E_INVALID, ah_ticket_write(&f->cx, a.id, &in, &out, &newer, &nnewer, &err));
    in = message(AH_MSG_REPLY, "hi", 0);
    assert_code(AH_E_INVALID, ah_ticket_write(&f->cx, a.id, &in, &out, &newer, &nnewer, &err));
    in = message(AH_MSG_REPLY, "hi", b.last_message_id + 100);
    assert_code(AH_E_INVALID, ah_ticket_write(&f->cx, b.id, &in, &out, &newer, &nnewer, &err));
    assert_int_equal(fx_reload(f, a.id).message_count, 1);
    in = message(AH_MSG_REPLY, "hi", a.last_message_id);
    assert_ok(ah_ticket_write(&f->cx, a.id, &in, &out, &newer, &nnewer, &err));
}

static void test_ticket_write_stale_seen_conflict(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    int64_t first = t.last_message_id;
    struct ah_message_input in;
    struct ah_message out, note, *newer = NULL;
    size_t nnewer = 0;
    int64_t cust;
    struct ah_ticket after;

    /* a colleague writes a note, then the customer writes again */
    fx_as(f, &tf->member2);
    f->cx.now = T0 + MINUTE;
    in = message(AH_MSG_NOTE, "I called them", first);
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &note, &newer, &nnewer, &err));
    f->cx.now = T0 + 2 * MINUTE;
    cust = customer_writes(f, t.id, "Any news?");
    /* a reply written having seen only the first message is refused */
    fx_as(f, &tf->member);
    f->cx.now = T0 + 3 * MINUTE;
    in = message(AH_MSG_REPLY, "We are looking into it", first);
    assert_code(AH_E_CONFLICT, ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_non_null(strstr(err.msg, "2 new message"));
    assert_int_equal(nnewer, 2);
    assert_int_equal(newer[0].id, note.id);
    assert_int_equal(newer[0].author_id, tf->member2.id);
    assert_string_equal(newer[0].body, "I called them");
    assert_int_equal(newer[1].id, cust);
    assert_int_equal(newer[1].kind, AH_MSG_CUSTOMER);
    /* and nothing was stored or changed */
    after = fx_reload(f, t.id);
    assert_int_equal(after.message_count, 3);
    assert_int_equal(after.status, AH_STATUS_NEW);
    assert_int_equal(after.first_response_at, 0);
    assert_int_equal(after.assignee_id, 0);
    /* having read them, the same reply goes through */
    in.seen_message_id = cust;
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_int_equal(fx_reload(f, t.id).message_count, 4);
    /* seen in the middle: only what came after it */
    fx_as(f, &tf->member2);
    in = message(AH_MSG_REPLY, "Again", note.id);
    assert_code(AH_E_CONFLICT, ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_int_equal(nnewer, 2);
    assert_int_equal(newer[0].id, cust);
    assert_int_equal(newer[1].author_id, tf->member.id);
}

static void test_ticket_write_own_newer_no_conflict(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_message_input in;
    struct ah_message note, out, *newer = NULL;
    size_t nnewer = 99;

    fx_as(f, &tf->member);
    in = message(AH_MSG_NOTE, "my own note", t.last_message_id);
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &note, &newer, &nnewer, &err));
    /* what I wrote myself I have seen */
    in = message(AH_MSG_REPLY, "reply", t.last_message_id);
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_true(out.id > note.id);
    assert_int_equal(fx_reload(f, t.id).message_count, 3);
    assert_int_equal(fx_reload(f, t.id).last_message_id, out.id);
}

static void test_ticket_write_reply_sets_pending_and_first_response(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_message_input in;
    struct ah_message out, *newer = NULL;
    struct ah_ticket after;
    size_t nnewer = 0;

    fx_as(f, &tf->member);
    f->cx.now = T0 + 10 * MINUTE;
    in = message(AH_MSG_REPLY, "Try turning it off and on", t.last_message_id);
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_int_equal(out.kind, AH_MSG_REPLY);
    assert_int_equal(out.author_id, tf->member.id);
    assert_true(out.created_at == T0 + 10 * MINUTE);
    after = fx_reload(f, t.id);
    assert_int_equal(after.status, AH_STATUS_PENDING);
    assert_true(after.first_response_at == T0 + 10 * MINUTE);
    assert_int_equal(after.assignee_id, tf->member.id);
    assert_int_equal(after.claim_until, 0);
    assert_int_equal(after.last_message_id, out.id);
    assert_true(after.updated_at == T0 + 10 * MINUTE);
    /* a later reply keeps the first response time; a status may come along */
    f->cx.now = T0 + 20 * MINUTE;
    in = message(AH_MSG_REPLY, "Fixed", out.id);
    in.status = AH_STATUS_SOLVED;
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    after = fx_reload(f, t.id);
    assert_int_equal(after.status, AH_STATUS_SOLVED);
    assert_true(after.first_response_at == T0 + 10 * MINUTE);
}

static void test_ticket_write_note_changes_no_state(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_message_input in = message(AH_MSG_NOTE, "thinking", -1);
    struct ah_message out, *newer = NULL;
    struct ah_ticket after;
    size_t nnewer = 0;

    fx_as(f, &tf->member);
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    after = fx_reload(f, t.id);
    assert_int_equal(after.status, AH_STATUS_NEW);
    assert_int_equal(after.first_response_at, 0);
    assert_int_equal(after.assignee_id, 0);
    assert_int_equal(after.message_count, 2);
}

static void test_ticket_write_reply_keeps_other_assignee(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_ticket_patch p;
    struct ah_ticket out;
    struct ah_message_input in;
    struct ah_message m, *newer = NULL;
    size_t nnewer = 0;

    fx_as(f, &tf->member2);
    ah_ticket_patch_init(&p);
    p.has_assignee = true;
    p.assignee_id = tf->member2.id;
    assert_ok(ah_ticket_update(&f->cx, t.id, &p, &out, &err));
    fx_as(f, &tf->member);
    in = message(AH_MSG_REPLY, "helping out", t.last_message_id);
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &m, &newer, &nnewer, &err));
    assert_int_equal(fx_reload(f, t.id).assignee_id, tf->member2.id);
    assert_int_equal(fx_reload(f, t.id).status, AH_STATUS_PENDING);
}

static void test_ticket_write_body_caps(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket t = open_ticket(f, "Help", "please", -1, 1);
    struct ah_message_input in = message(AH_MSG_NOTE, "", -1);
    struct ah_message out, *newer = NULL;
    size_t nnewer = 0;

    fx_as(f, &tf->member);
    assert_code(AH_E_INVALID, ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    in.body = AH_STR_LIT(" \n\t ");
    assert_code(AH_E_INVALID, ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    in.body = fx_repeat(f, 'w', AH_MAX_MESSAGE_BODY);
    assert_ok(ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_int_equal(strlen(out.body), AH_MAX_MESSAGE_BODY);
    in.body = fx_repeat(f, 'w', AH_MAX_MESSAGE_BODY + 1);
    assert_code(AH_E_INVALID, ah_ticket_write(&f->cx, t.id, &in, &out, &newer, &nnewer, &err));
    assert_int_equal(fx_reload(f, t.id).message_count, 2);
    in.body = AH_STR_LIT("fine");
    assert_code(AH_E_NOT_FOUND, ah_ticket_write(&f->cx, 999, &in, &out, &newer, &nnewer, &err));
}

/* ---- search ---- */

static void test_ticket_search_query_quotes_terms(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_str q;

    fx_as(f, &tf->member);
    assert_ok(ah_ticket_search_query(&f->cx, AH_STR_LIT("refund \"quoted\" OR * NEAR(a b) col:x"),
                                     &q, &err));
    assert_int_equal(q.len, strlen(q.p));
    assert_string_equal(q.p,
                        "\"refund\" \"\"\"quoted\"\"\" \"OR\" \"*\" \"NEAR(a\" \"b)\" \"col:x\"");
    assert_ok(ah_ticket_search_query(&f->cx, AH_STR_LIT("  \tspaced\t out  "), &q, &err));
    assert_string_equal(q.p, "\"spaced\" \"out\"");
    assert_code(AH_E_INVALID, ah_ticket_search_query(&f->cx, AH_STR_LIT(""), &q, &err));
    assert_code(AH_E_INVALID, ah_ticket_search_query(&f->cx, AH_STR_LIT(" \t "), &q, &err));
}

static void test_ticket_search_query_runs_safely(void **state)
{
    static const char *const nasty[] = {
        "\"", "\"\"\"", "*",     "OR",        "a OR b",    "NOT x",
        "-x", "^start", "col:x", "subject:x", "NEAR(a b)", "(",
        ")",  "{a b}",  "a AND", "x*",        "\"a\" \"b", "'; DROP TABLE tickets; --"};
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_ticket_filter fl;
    struct ah_ticket *items;
    size_t n;
    struct ah_ticket t = open_ticket(f, "Refund for order 42", "I was charged twice", -1, 1);

    open_ticket(f, "Printer", "It is on fire", -1, 1);
    fx_as(f, &tf->member);
    for (size_t i = 0; i < sizeof(nasty) / sizeof(nasty[0]); i++) {
        memset(&fl, 0, sizeof(fl));
        fl.limit = 50;
        assert_ok(ah_ticket_search_query(&f->cx, ah_str_c(nasty[i]), &fl.query, &err));
        if (ah_ticket_list(&f->cx, &fl, &items, &n, &err) != AH_OK)
            fail_msg("'%s' as %s: %s", nasty[i], fl.query.p, err.msg);
    }
    /* real words find the ticket by subject or by message, all terms required */
    memset(&fl, 0, sizeof(fl));
    fl.limit = 50;
    assert_ok(ah_ticket_search_query(&f->cx, AH_STR_LIT("REFUND"), &fl.query, &err));
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, t.id);
    assert_ok(ah_ticket_search_query(&f->cx, AH_STR_LIT("charged twice"), &fl.query, &err));
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 1);
    /* OR is a word here, not an operator */
    assert_ok(ah_ticket_search_query(&f->cx, AH_STR_LIT("refund OR fire"), &fl.query, &err));
    assert_ok(ah_ticket_list(&f->cx, &fl, &items, &n, &err));
    assert_int_equal(n, 0);
    /* the table is still there */
    assert_int_equal(fx_reload(f, t.id).id, t.id);
}

static void test_ticket_search_query_caps(void **state)
{
    struct ticket_fx *tf = *state;
    struct fx *f = &tf->fx;
    struct ah_error err = {0};
    struct ah_str q;
    struct ah_buf b;
    size_t quotes;

    fx_as(f, &tf->member);
    assert_ok(ah_ticket_search_query(&f->cx, fx_repeat(f, 'a', AH_MAX_QUERY), &q, &err));
    assert_int_equal(q.len, AH_MAX_QUERY + 2);
    assert_code(AH_E_INVALID,
                ah_ticket_search_query(&f->cx, fx_repeat(f, 'a', AH_MAX_QUERY + 1), &q, &err));
    /* the worst case for the output: every byte a quote */
    assert_ok(ah_ticket_search_query(&f->cx, fx_repeat(f, '"', AH_MAX_QUERY), &q, &err));
    assert_int_equal(q.len, 2 * AH_MAX_QUERY + 2);
    /* many one-letter words: the first 16 are kept */
    ah_buf_init(&b, 1000);
    for (int i = 0; i < 40; i++)
        assert_ok(ah_buf_appendf(&b, &err, "%c ", 'a' + i % 26));
    assert_ok(ah_ticket_search_query(&f->cx, ah_buf_str(&b), &q, &err));
    ah_buf_release(&b);
    quotes = 0;
    for (size_t i = 0; i < q.len; i++)
        quotes += q.p[i] == '"';
    assert_int_equal(quotes, 2 * 16);
}

/* ---- names ---- */

static void test_ticket_names_round_trip(void **state)
{
    enum ah_status s;
    enum ah_priority p;

    (void)state;
    for (int i = AH_STATUS_NEW; i <= AH_STATUS_CLOSED; i++) {
        assert_true(ah_ticket_status_parse(ah_str_c(ah_ticket_status_name((enum ah_status)i)), &s));
        assert_int_equal(s, i);
    }
    for (int i = AH_PRIO_URGENT; i <= AH_PRIO_LOW; i++) {
        assert_true(
            ah_ticket_priority_parse(ah_str_c(ah_ticket_priority_name((enum ah_priority)i)), &p));
        assert_int_equal(p, i);
    }
    assert_false(ah_ticket_status_parse(AH_STR_LIT("Open"), &s));
    assert_false(ah_ticket_status_parse(AH_STR_LIT(""), &s));
    assert_false(ah_ticket_priority_parse(AH_STR_LIT("critical"), &p));
    assert_string_equal(ah_ticket_kind_name(AH_MSG_CUSTOMER), "customer");
    assert_string_equal(ah_ticket_kind_name(AH_MSG_REPLY), "reply");
    assert_string_equal(ah_ticket_kind_name(AH_MSG_NOTE), "note");
    assert_true(ah_ticket_source_valid(AH_STR_LIT("email")));
    assert_false(ah_ticket_source_valid(AH_STR_LIT("Email")));
    assert_false(ah_ticket_source_valid(AH_STR_LIT("")));
}

/* A junior's reply is sampled for review by its id alone: the same id gives
 * the same answer every time, and the rate is honoured over many ids. */
static void test_review_sample_is_deterministic(void **state)
{
    int in = 0;

    (void)state;
    for (int64_t id = 1; id <= 10000; id++) {
        bool s = ah_review_sampled(id, 25);

        assert_true(s == ah_review_sampled(id, 25));
        assert_false(ah_review_sampled(id, 0));
        assert_true(ah_review_sampled(id, 100));
        in += s;
    }
    assert_in_range(in, 2300, 2700);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_review_sample_is_deterministic),
        T(test_ticket_create_sets_due_from_priority),
        T(test_ticket_create_fields),
        T(test_ticket_create_requester_defaults_to_actor),
        T(test_ticket_create_invalid_input),
        T(test_ticket_create_caps),
        T(test_ticket_create_tier_only_by_pro),
        T(test_ticket_member_cannot_see_tier2),
        T(test_ticket_get_missing),
        T(test_ticket_member_cannot_set_tier),
        T(test_ticket_member_cannot_reassign),
        T(test_ticket_pro_reassign_audited),
        T(test_ticket_pro_tier_change_audited),
        T(test_ticket_assignee_must_fit),
        T(test_ticket_priority_change_moves_due),
        T(test_ticket_tags_normalized),
        T(test_ticket_tags_bad_char_invalid),
        T(test_ticket_tags_caps),
        T(test_ticket_update_tags),
        T(test_ticket_write_reply_needs_seen),
        T(test_ticket_write_seen_must_be_in_thread),
        T(test_ticket_write_stale_seen_conflict),
        T(test_ticket_write_own_newer_no_conflict),
        T(test_ticket_write_reply_sets_pending_and_first_response),
        T(test_ticket_write_note_changes_no_state),
        T(test_ticket_write_reply_keeps_other_assignee),
        T(test_ticket_write_body_caps),
        T(test_ticket_search_query_quotes_terms),
        T(test_ticket_search_query_runs_safely),
        T(test_ticket_search_query_caps),
        T(test_ticket_names_round_trip),
    };

    return cmocka_run_group_tests_name("ticket", tests, fx_crypto_setup, NULL);
}
