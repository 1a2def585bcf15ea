/* audit.h - the audit log: who changed what, from what, to what, when. */
#ifndef AH_DOMAIN_AUDIT_H
#define AH_DOMAIN_AUDIT_H

#include "domain/ctx.h"

/* Records one privileged change inside the caller's transaction. before and
 * after are JSON objects or NULL. */
enum ah_err ah_audit_record(struct ah_ctx *cx, const char *action, const char *target,
                            const char *before, const char *after, struct ah_error *err);
/* "kind:id", the target of an audit row, in cx->arena. */
const char *ah_audit_target(struct ah_ctx *cx, const char *kind, int64_t id);
/* A page of the log, newest first, for leads and admins. Items in cx->arena. */
enum ah_err ah_audit_list(struct ah_ctx *cx, int64_t before_id, int limit,
                          struct ah_audit_entry **items, size_t *n, struct ah_error *err);

#endif
