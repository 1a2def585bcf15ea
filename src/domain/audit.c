/* audit.c - writing and reading the audit log. Owns the rule that only leads
 * and admins read it; every privileged change in the domain calls record. */
#include "domain/audit.h"

#include <inttypes.h>
#include <stdio.h>

#include "domain/perm.h"

enum ah_err ah_audit_record(struct ah_ctx *cx, const char *action, const char *target,
                            const char *before, const char *after, struct ah_error *err)
{
    struct ah_audit_entry e = {
        .at = cx->now,
        .actor_id = cx->actor ? cx->actor->id : 0,
        .action = action,
        .target = target,
        .before = before,
        .after = after,
    };

    return ah_store_audit_insert(cx->store, &e, err);
}

enum ah_err ah_audit_list(struct ah_ctx *cx, int64_t before_id, int limit,
                          struct ah_audit_entry **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_AUDIT_READ, err);

    if (rc)
        return rc;
    return ah_store_audit_list(cx->store, before_id, limit, cx->arena, items, n, err);
}

const char *ah_audit_target(struct ah_ctx *cx, const char *kind, int64_t id)
{
    char t[64];

    snprintf(t, sizeof(t), "%s:%" PRId64, kind, id);
    return ah_arena_strdup(cx->arena, t);
}
