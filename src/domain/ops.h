/* ops.h - running the database as a whole: what a restore leaves behind in
 * the audit log. The copying itself is the store's (ah_store_backup,
 * ah_store_restore): it works on the database, not through a context. */
#ifndef AH_DOMAIN_OPS_H
#define AH_DOMAIN_OPS_H

#include "domain/ctx.h"

/* Records, in its own transaction on cx->store, that the operator (cx acts as
 * the system) restored the database from the backup file from, described by
 * info: audit "database.restore" on target "database", with the file and the
 * backup's facts in "after". */
enum ah_err ah_ops_record_restore(struct ah_ctx *cx, const char *from,
                                  const struct ah_backup_info *info, struct ah_error *err);

#endif
