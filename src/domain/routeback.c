/* routeback.c - route-back (see routeback.h). */
#include "domain/routeback.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/ticket.h"

static const char *const causes[] = {"promise", "change"};

const char *ah_route_cause_name(enum ah_route_cause c)
{
    return (unsigned)c < 2 ? causes[c] : "promise";
}

bool ah_route_cause_parse(struct ah_str s, int *out)
{
    return ah_str_index(s, causes, 2, out);
}

enum ah_err ah_route_back_to(struct ah_ctx *cx, int64_t ticket_id, int64_t person_id,
                             bool *found, struct ah_error *err)
{
    struct ah_route_back *r;
    size_t n = 0;
    enum ah_err rc = ah_store_route_back_list(cx->store, ticket_id, cx->arena, &r, &n, err);

    *found = false;
    for (size_t i = 0; !rc && i < n; i++)
        *found |= r[i].person_id == person_id;
    return rc;
}

static const char *mark_json(struct ah_ctx *cx, const struct ah_route_back *r, bool assigned)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 4096);
    ah_jsonw_int(&b, "person_id", r->person_id, NULL);
    ah_jsonw_str(&b, "cause", ah_route_cause_name(r->cause), NULL);
    ah_jsonw_str(&b, "reason", r->reason, NULL);
    ah_jsonw_bool(&b, "assigned", assigned, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

enum ah_err ah_route_back_mark(struct ah_ctx *cx, int64_t ticket_id,
                               const struct ah_route_back_input *in, struct ah_route_back *out,
                               struct ah_error *err)
{
    struct ah_ticket t;
    struct ah_person p;
    struct ah_route_back r = {0};
    struct ah_str reason = ah_str_trim(in->reason);
    char body[600];
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (rc)
        return rc;
    if (in->cause != AH_CAUSE_PROMISE && in->cause != AH_CAUSE_CHANGE)
        return ah_error_set(err, AH_E_INVALID, "cause: promise or change");
    if (!reason.len)
        return ah_error_set(err, AH_E_INVALID, "reason: say what was promised or changed");
    if (!ah_utf8_valid(reason.p, reason.len) ||
        ah_utf8_count(reason.p, reason.len) > AH_MAX_REASON)
        return ah_error_set(err, AH_E_INVALID, "reason: at most %d characters", AH_MAX_REASON);
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_ticket_get(cx->store, ticket_id, cx->arena, &t, err);
    if (rc == AH_E_NOT_FOUND)
        rc = ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " does not exist", ticket_id);
    if (!rc) {
        rc = ah_store_person_get(cx->store, in->person_id, cx->arena, &p, err);
        if (rc == AH_E_NOT_FOUND || (!rc && !p.active))
            rc = ah_error_set(err, AH_E_INVALID, "person_id: person %" PRId64
                              " does not exist or is not active", in->person_id);
    }
    if (!rc) {
        r.ticket_id = ticket_id;
        r.person_id = p.id;
        r.cause = (enum ah_route_cause)in->cause;
        r.reason = ah_arena_strndup(cx->arena, reason.p, reason.len);
        r.marked_by = cx->actor ? cx->actor->id : 0;
        r.created_at = cx->now;
        rc = ah_store_route_back_insert(cx->store, &r, err);
    }
    /* the follow-up is theirs whatever the tier: no tier check here, and
     * their reply is held for review (ah_review_hold) */
    if (!rc && in->assign) {
        t.assignee_id = p.id;
        t.claim_until = 0;
        t.updated_at = cx->now;
        rc = ah_store_ticket_update(cx->store, &t, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, "ticket.route_back", ah_audit_target(cx, "ticket", ticket_id),
                             NULL, mark_json(cx, &r, in->assign), err);
    if (!rc) {
        struct ah_notification nt = {.person_id = p.id, .kind = "route_back", .ref_id = r.id,
                                     .body = body, .created_at = cx->now};
        bool inserted = false;

        snprintf(body, sizeof(body), "Ticket #%" PRId64 " \"%s\" came from your %s: %s.%s",
                 ticket_id, t.subject, ah_route_cause_name(r.cause), r.reason,
                 in->assign ? " The follow-up is yours; support reviews it before it is sent."
                            : "");
        rc = ah_store_notification_insert(cx->store, &nt, &inserted, err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (rc)
        return rc;
    r.person_name = p.name;
    r.department = p.department;
    *out = r;
    return AH_OK;
}

enum ah_err ah_route_back_list(struct ah_ctx *cx, int64_t ticket_id, struct ah_route_back **items,
                               size_t *n, struct ah_error *err)
{
    struct ah_ticket t;
    enum ah_err rc = ah_ticket_peek(cx, ticket_id, &t, err);

    return rc ? rc : ah_store_route_back_list(cx->store, ticket_id, cx->arena, items, n, err);
}

enum ah_err ah_route_back_counts(struct ah_ctx *cx, int64_t from, int64_t to,
                                 struct ah_route_back_count **items, size_t *n,
                                 struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !ah_perm_has(cx, AH_PERM_COACH) && !(cx->actor && cx->actor->leader))
        rc = ah_error_set(err, AH_E_FORBIDDEN, "only pros, leads and leaders read reports");
    return rc ? rc : ah_store_route_back_counts(cx->store, from, to, cx->arena, items, n, err);
}
