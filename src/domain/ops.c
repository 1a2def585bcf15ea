/* ops.c - running the database as a whole. Owns the rule that a restore is
 * the operator's act, and that the restored database says so in its audit
 * log; SQL and files are in store/. */
#include "domain/ops.h"

#include <assert.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "domain/audit.h"

enum ah_err ah_ops_record_restore(struct ah_ctx *cx, const char *from,
                                  const struct ah_backup_info *info, struct ah_error *err)
{
    struct ah_buf after;
    bool in_tx = false;
    enum ah_err rc;

    assert(cx->system); /* only the command line restores */
    /* from is a path the restore just opened: at most PATH_MAX (4096)
     * bytes, each up to 6 when escaped, and room for the numbers */
    ah_buf_init(&after, 6 * 4096 + 256);
    rc = ah_jsonw_str(&after, "file", from, err);
    if (!rc)
        rc = ah_jsonw_int(&after, "schema_version", info->schema_version, err);
    if (!rc)
        rc = ah_jsonw_int(&after, "tickets", info->tickets, err);
    if (!rc)
        rc = ah_jsonw_int(&after, "people", info->people, err);
    if (!rc)
        rc = ah_jsonw_end(&after, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        goto cleanup;
    in_tx = true;
    rc = ah_audit_record(cx, "database.restore", "database", NULL, ah_buf_cstr(&after), err);
    if (!rc)
        rc = ah_store_commit(cx->store, err);
cleanup:
    if (rc && in_tx)
        ah_store_rollback(cx->store);
    ah_buf_release(&after);
    return rc;
}
