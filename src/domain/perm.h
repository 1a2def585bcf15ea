/* perm.h - the one place roles turn into permissions. Every domain operation
 * asks ah_perm_require before it reads or writes anything. */
#ifndef AH_DOMAIN_PERM_H
#define AH_DOMAIN_PERM_H

#include <stdbool.h>

#include "core/err.h"
#include "domain/ctx.h"

enum ah_perm {
    AH_PERM_SIGNED_IN,       /* any active person: work the queue, read people */
    AH_PERM_PEOPLE_WRITE,    /* create and update people */
    AH_PERM_GRANT_ADMIN,     /* give or take the admin role */
    AH_PERM_AUDIT_READ,      /* read the audit log */
    AH_PERM_TICKET_REASSIGN, /* assign a ticket to someone else */
    AH_PERM_TICKET_TIER,     /* classify tickets as tier 1 or 2 */
    AH_PERM_SEE_TIER2,       /* see and work tier-2 tickets */
    AH_PERM_PROGRAM,         /* own the program: policy, exemptions, time corrections,
                                anyone's ledger, routing rules, the style guide and the
                                curriculum (leads) */
    AH_PERM_COACH,           /* review replies, change levels, log pairing, write saved
                                replies (pros and leads) */
};

/* AH_OK if cx's actor holds p; AH_E_UNAUTHENTICATED without an actor,
 * AH_E_FORBIDDEN naming the permission otherwise. */
enum ah_err ah_perm_require(const struct ah_ctx *cx, enum ah_perm p, struct ah_error *err);
bool ah_perm_has(const struct ah_ctx *cx, enum ah_perm p);
/* The highest ticket tier cx's actor may see: 1 for members, 2 for pros. */
int ah_perm_max_tier(const struct ah_ctx *cx);

#endif
