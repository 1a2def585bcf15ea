/* review.c - holding, approving and returning replies; who is ready for
 * tier1. */
#include "domain/review.h"
#include "domain/routeback.h"

#include <inttypes.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "domain/audit.h"
#include "domain/mail.h"
#include "domain/perm.h"
#include "domain/program.h"

bool ah_review_sampled(int64_t id, int64_t rate)
{
    /* splitmix64: neighbouring ids land far apart */
    uint64_t z = (uint64_t)id + 0x9e3779b97f4a7c15ULL;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (int64_t)(z % 100) < rate;
}

enum ah_err ah_review_hold(struct ah_ctx *cx, const struct ah_ticket *t, struct ah_str body,
                           struct ah_review *out, bool *held, struct ah_error *err)
{
    const struct ah_person *me = cx->actor;
    struct ah_policy pol;
    struct ah_review_stats *st;
    size_t nst = 0;
    bool routed = false;
    enum ah_err rc;

    *held = false;
    memset(out, 0, sizeof(*out));
    if (!me || me->role != AH_ROLE_MEMBER)
        return AH_OK;
    /* a follow-up routed back to its cause is always reviewed, whatever the level */
    rc = ah_route_back_to(cx, t->id, me->id, &routed, err);
    if (rc)
        return rc;
    if (me->level == AH_LEVEL_TIER1 && !routed)
        return AH_OK;
    rc = ah_policy_read(cx, &pol, err);
    if (!rc && me->level == AH_LEVEL_JUNIOR)
        rc = ah_store_review_stats(cx->store, me->id, cx->arena, &st, &nst, err);
    if (rc)
        return rc;
    out->ticket_id = t->id;
    out->author_id = me->id;
    out->body = ah_arena_strndup(cx->arena, body.p, body.len);
    out->status = AH_REVIEW_HELD;
    out->created_at = cx->now;
    out->ticket_subject = t->subject;
    out->author_name = me->name;
    rc = ah_store_review_insert(cx->store, out, err);
    if (rc)
        return rc;
    if (me->level == AH_LEVEL_TRAINEE || routed)
        *held = true;
    else
        *held = (nst ? st[0].total : 0) < pol.review_first ||
                ah_review_sampled(out->id, pol.review_rate);
    return AH_OK;
}

enum ah_err ah_review_passed(struct ah_ctx *cx, struct ah_review *r, int64_t message_id,
                             struct ah_error *err)
{
    r->status = AH_REVIEW_PASSED;
    r->message_id = message_id;
    return ah_store_review_update(cx->store, r, err);
}

enum ah_err ah_review_list(struct ah_ctx *cx, struct ah_review_filter *f,
                           struct ah_review **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    if (!ah_perm_has(cx, AH_PERM_COACH))
        f->author_id = cx->actor ? cx->actor->id : -1;
    return ah_store_review_list(cx->store, f, cx->arena, items, n, err);
}

enum ah_err ah_review_get(struct ah_ctx *cx, int64_t id, struct ah_review *out,
                          struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_review_get(cx->store, id, cx->arena, out, err);
    if (!rc && !ah_perm_has(cx, AH_PERM_COACH) && (!cx->actor || out->author_id != cx->actor->id))
        rc = ah_error_set(err, AH_E_NOT_FOUND, "review %" PRId64 " does not exist", id);
    return rc;
}

static enum ah_err held_review(struct ah_ctx *cx, int64_t id, struct ah_review *r,
                               struct ah_error *err)
{
    enum ah_err rc = ah_store_review_get(cx->store, id, cx->arena, r, err);

    if (!rc && r->status != AH_REVIEW_HELD)
        rc = ah_error_set(err, AH_E_CONFLICT, "review %" PRId64 " was decided already", id);
    if (!rc && cx->actor && r->author_id == cx->actor->id)
        rc = ah_error_set(err, AH_E_FORBIDDEN, "a reply is reviewed by someone else");
    return rc;
}

static const char *decision_json(struct ah_ctx *cx, const struct ah_review *r)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 256);
    ah_jsonw_str(&b, "status", r->status == AH_REVIEW_APPROVED ? "approved" : "returned", NULL);
    ah_jsonw_bool(&b, "edited", r->final_body != NULL, NULL);
    ah_jsonw_int(&b, "ticket_id", r->ticket_id, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

enum ah_err ah_review_approve(struct ah_ctx *cx, int64_t id, struct ah_str edited,
                              struct ah_review *out, struct ah_message *msg,
                              struct ah_error *err)
{
    struct ah_review r;
    struct ah_ticket t;
    struct ah_person author;
    struct ah_message m = {0};
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc && edited.p && (ah_str_trim(edited).len == 0 || edited.len > AH_MAX_MESSAGE_BODY))
        rc = ah_error_set(err, AH_E_INVALID, "body must be 1 to %d bytes", AH_MAX_MESSAGE_BODY);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = held_review(cx, id, &r, err);
    if (!rc)
        rc = ah_store_ticket_get(cx->store, r.ticket_id, cx->arena, &t, err);
    if (!rc)
        rc = ah_store_person_get(cx->store, r.author_id, cx->arena, &author, err);
    if (rc)
        goto done;
    if (edited.p && !(edited.len == strlen(r.body) && memcmp(edited.p, r.body, edited.len) == 0))
        r.final_body = ah_arena_strndup(cx->arena, edited.p, edited.len);
    /* sent as the member's reply: it is their work, a pro vouched for it */
    m.ticket_id = t.id;
    m.kind = AH_MSG_REPLY;
    m.author_id = r.author_id;
    m.author_name = author.name;
    m.body = r.final_body ? r.final_body : r.body;
    m.created_at = cx->now;
    rc = ah_store_message_insert(cx->store, &m, err);
    if (!rc) {
        if (t.status < AH_STATUS_PENDING)
            t.status = AH_STATUS_PENDING;
        if (!t.first_response_at)
            t.first_response_at = cx->now;
        t.updated_at = cx->now;
        rc = ah_store_ticket_update(cx->store, &t, err);
    }
    if (!rc)
        rc = ah_mail_queue_reply(cx, &t, &m, err);
    r.status = AH_REVIEW_APPROVED;
    r.reviewer_id = cx->actor ? cx->actor->id : 0;
    r.message_id = m.id;
    r.decided_at = cx->now;
    if (!rc)
        rc = ah_store_review_update(cx->store, &r, err);
    if (!rc)
        rc = ah_audit_record(cx, "review.approve", ah_audit_target(cx, "review", id), NULL,
                             decision_json(cx, &r), err);
done:
    rc = ah_store_end(cx->store, rc, err);
    if (!rc) {
        *out = r;
        *msg = m;
    }
    return rc;
}

enum ah_err ah_review_return(struct ah_ctx *cx, int64_t id, struct ah_str comment,
                             struct ah_review *out, struct ah_error *err)
{
    struct ah_review r;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc && (!comment.p || ah_str_trim(comment).len == 0))
        rc = ah_error_set(err, AH_E_INVALID,
                          "comment is required: say what to change, the member reads it");
    if (!rc && comment.len > AH_MAX_REVIEW_COMMENT)
        rc = ah_error_set(err, AH_E_INVALID, "comment is longer than %d bytes",
                          AH_MAX_REVIEW_COMMENT);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = held_review(cx, id, &r, err);
    r.status = AH_REVIEW_RETURNED;
    r.reviewer_id = cx->actor ? cx->actor->id : 0;
    r.comment = ah_arena_strndup(cx->arena, comment.p, comment.len);
    r.decided_at = cx->now;
    if (!rc)
        rc = ah_store_review_update(cx->store, &r, err);
    if (!rc)
        rc = ah_audit_record(cx, "review.return", ah_audit_target(cx, "review", id), NULL,
                             decision_json(cx, &r), err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = r;
    return rc;
}

enum ah_err ah_level_suggestions(struct ah_ctx *cx, struct ah_level_suggestion **items,
                                 size_t *n, struct ah_error *err)
{
    struct ah_policy pol;
    struct ah_review_stats *st;
    struct ah_level_suggestion *out;
    size_t nst = 0, k = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = ah_store_review_stats(cx->store, 0, cx->arena, &st, &nst, err);
    if (rc)
        return rc;
    out = ah_arena_alloc(cx->arena, (nst + 1) * sizeof(*out));
    for (size_t i = 0; !rc && i < nst; i++) {
        struct ah_person p;

        if (st[i].approved < pol.promote_approved)
            continue;
        if (st[i].last_returned_at &&
            st[i].last_returned_at > cx->now - pol.promote_clean_days * 86400000)
            continue;
        rc = ah_store_person_get(cx->store, st[i].author_id, cx->arena, &p, err);
        if (rc || !p.active || p.role != AH_ROLE_MEMBER || p.level != AH_LEVEL_JUNIOR)
            continue;
        out[k].person = p;
        out[k++].stats = st[i];
    }
    if (rc)
        return rc;
    *items = out;
    *n = k;
    return AH_OK;
}
