/* api_audit.c - /api/v1/audit: the log of privileged changes. */
#include "domain/audit.h"
#include "http/api.h"

void ah_api_audit_list(struct ah_req *r)
{
    struct ah_audit_entry *items;
    size_t n;
    int limit;
    int64_t cursor;
    struct ah_error err;

    if (!ah_api_page(r, &limit, &cursor))
        return;
    if (ah_audit_list(&r->cx, cursor, limit, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_audit,
                       ah_http_id_cursor(r, n ? items[n - 1].id : 0, n, limit));
}
