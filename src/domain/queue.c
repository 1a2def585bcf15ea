/* queue.c - "next ticket": picks, claims and leases. Owns the rule that a
 * person holds at most one claimed ticket, and that an idle claim returns to
 * the queue. SQL is in store/, HTTP in http/. */
#include "domain/queue.h"

#include <inttypes.h>

#include "core/limits.h"
#include "domain/perm.h"
#include "domain/program.h"
#include "domain/ticket.h"

/* Puts ticket id, claimed by the actor, back in the queue. */
static enum ah_err unclaim(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    return ah_store_queue_unclaim(cx->store, id, cx->now, err);
}

/* The reserve: while a member is clocked in, tier-1 tickets younger than the
 * policy's age are theirs, so a pro's "next" passes over them; older ones
 * go to anyone, so no customer waits on the program. */
static enum ah_err reserve(struct ah_ctx *cx, struct ah_queue_filter *f, struct ah_error *err)
{
    struct ah_policy pol;
    int64_t members = 0;
    enum ah_err rc = ah_policy_read(cx, &pol, err);

    if (rc || !pol.reserve_on)
        return rc;
    rc = ah_store_members_clocked_in(cx->store, &members, err);
    if (!rc && members > 0)
        f->young_after = cx->now - pol.reserve_age_s * 1000;
    return rc;
}

static enum ah_err claim(struct ah_ctx *cx, int64_t done, int64_t *id, bool *found,
                         struct ah_error *err)
{
    struct ah_queue_filter f = {
        .max_tier = ah_perm_max_tier(cx),
        .person_id = cx->actor->id,
    };
    int64_t held = 0;
    enum ah_err rc = ah_store_queue_expire(cx->store, cx->now, NULL, err);

    if (!rc)
        rc = ah_store_queue_held(cx->store, cx->actor->id, cx->now, &held, err);
    if (rc == AH_E_NOT_FOUND)
        rc = AH_OK;
    if (rc)
        return rc;
    if (held && held != done) {
        *id = held;
        *found = true;
        return AH_OK;
    }
    if (held) {
        rc = unclaim(cx, held, err);
        f.exclude_id = held;
    }
    if (!rc && f.max_tier == 2)
        rc = reserve(cx, &f, err);
    if (!rc)
        rc = ah_store_queue_claim_next(cx->store, &f, cx->now + cx->settings->lease_ms, cx->now,
                                       id, err);
    *found = rc == AH_OK;
    return rc == AH_E_NOT_FOUND ? AH_OK : rc;
}

enum ah_err ah_queue_next(struct ah_ctx *cx, int64_t done, struct ah_ticket *out,
                          struct ah_message **msgs, size_t *nmsgs, bool *found,
                          struct ah_error *err)
{
    int64_t id = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = claim(cx, done, &id, found, err);
    rc = ah_store_end(cx->store, rc, err);
    if (rc)
        return rc;
    if (!*found)
        return AH_OK;
    return ah_ticket_get(cx, id, out, msgs, nmsgs, err);
}

/* The ticket the actor holds: id itself if they hold it, else NOT_FOUND. */
static enum ah_err held_by_me(struct ah_ctx *cx, int64_t id, int64_t *out, struct ah_error *err)
{
    int64_t held = 0;
    enum ah_err rc = ah_store_queue_held(cx->store, cx->actor->id, cx->now, &held, err);

    if (rc == AH_E_NOT_FOUND || (!rc && id && id != held))
        return id ? ah_error_set(err, AH_E_NOT_FOUND, "you hold no claim on ticket %" PRId64, id)
                  : ah_error_set(err, AH_E_NOT_FOUND, "you hold no claimed ticket");
    if (!rc)
        *out = held;
    return rc;
}

enum ah_err ah_queue_release(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    int64_t held = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = held_by_me(cx, id, &held, err);
    if (!rc)
        rc = unclaim(cx, held, err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_queue_skip(struct ah_ctx *cx, int64_t id, struct ah_str reason,
                          struct ah_error *err)
{
    int64_t held = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    reason = ah_str_trim(reason);
    if (reason.len == 0 || reason.len > AH_MAX_REASON)
        return ah_error_set(err, AH_E_INVALID, "a skip needs a reason of 1 to %d bytes",
                            AH_MAX_REASON);
    if (id <= 0)
        return ah_error_set(err, AH_E_INVALID, "ticket_id is required");
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = held_by_me(cx, id, &held, err);
    if (!rc)
        rc = ah_store_queue_skip(cx->store, held, cx->actor->id, reason, cx->now, err);
    if (!rc)
        rc = unclaim(cx, held, err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_queue_list(struct ah_ctx *cx, struct ah_queue_filter *f, struct ah_ticket **items,
                          size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    f->max_tier = ah_perm_max_tier(cx);
    f->person_id = cx->actor->id;
    f->exclude_id = 0;
    return ah_store_queue_list(cx->store, f, cx->arena, items, n, err);
}

enum ah_err ah_queue_expire(struct ah_ctx *cx, int64_t *returned, struct ah_error *err)
{
    bool leader = false;
    enum ah_err rc = ah_store_begin(cx->store, err);

    if (rc)
        return rc;
    *returned = 0;
    /* several servers on one database: one of them returns the claims */
    rc = ah_store_try_lead(cx->store, &leader, err);
    if (!rc && leader)
        rc = ah_store_queue_expire(cx->store, cx->now, returned, err);
    return ah_store_end(cx->store, rc, err);
}
