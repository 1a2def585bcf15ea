/* perm.c - roles to permissions. Admin is a technical role: it runs the
 * server and its accounts, and works the queue like a member. */
#include "domain/perm.h"

static bool role_has(enum ah_role r, enum ah_perm p)
{
    switch (p) {
    case AH_PERM_SIGNED_IN:
        return true;
    case AH_PERM_PEOPLE_WRITE:
    case AH_PERM_AUDIT_READ:
        return r == AH_ROLE_LEAD || r == AH_ROLE_ADMIN;
    case AH_PERM_GRANT_ADMIN:
        return r == AH_ROLE_ADMIN;
    case AH_PERM_TICKET_REASSIGN:
    case AH_PERM_TICKET_TIER:
    case AH_PERM_SEE_TIER2:
    case AH_PERM_COACH:
        return r == AH_ROLE_PRO || r == AH_ROLE_LEAD;
    case AH_PERM_PROGRAM:
        return r == AH_ROLE_LEAD;
    }
    return false;
}

static const char *perm_name(enum ah_perm p)
{
    switch (p) {
    case AH_PERM_SIGNED_IN:
        return "sign in";
    case AH_PERM_PEOPLE_WRITE:
        return "manage people (leads and admins)";
    case AH_PERM_GRANT_ADMIN:
        return "grant the admin role (admins)";
    case AH_PERM_AUDIT_READ:
        return "read the audit log (leads and admins)";
    case AH_PERM_TICKET_REASSIGN:
        return "reassign tickets (pros and leads)";
    case AH_PERM_TICKET_TIER:
        return "change a ticket's tier (pros and leads)";
    case AH_PERM_SEE_TIER2:
        return "work tier-2 tickets (pros and leads)";
    case AH_PERM_PROGRAM:
        return "run the program: policy, exemptions, time corrections, rules and "
               "the curriculum (leads)";
    case AH_PERM_COACH:
        return "coach: review replies, change levels, log pairing (pros and leads)";
    }
    return "do that";
}

bool ah_perm_has(const struct ah_ctx *cx, enum ah_perm p)
{
    if (cx->system)
        return true;
    return cx->actor && cx->actor->active && role_has(cx->actor->role, p);
}

enum ah_err ah_perm_require(const struct ah_ctx *cx, enum ah_perm p, struct ah_error *err)
{
    if (cx->system)
        return AH_OK;
    if (!cx->actor || !cx->actor->active)
        return ah_error_set(err, AH_E_UNAUTHENTICATED, "sign in first");
    if (!role_has(cx->actor->role, p))
        return ah_error_set(err, AH_E_FORBIDDEN, "only some roles may %s", perm_name(p));
    return AH_OK;
}

int ah_perm_max_tier(const struct ah_ctx *cx)
{
    return ah_perm_has(cx, AH_PERM_SEE_TIER2) ? 2 : 1;
}
