/* api_audit.c - /api/v1/audit: the log of privileged changes. */
#include <inttypes.h>
#include <stdio.h>

#include "domain/audit.h"
#include "http/api.h"

void ah_api_audit_list(struct ah_req *r)
{
    struct ah_audit_entry *items;
    size_t n;
    int limit;
    int64_t cursor;
    struct ah_error err;
    char next[24];
    struct ah_buf *b;

    if (!ah_api_page(r, &limit, &cursor))
        return;
    if (ah_audit_list(&r->cx, cursor, limit, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_page_begin(r);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        ah_json_put_audit(b, &items[i]);
    }
    snprintf(next, sizeof(next), "%" PRId64, n ? items[n - 1].id : 0);
    ah_http_page_end(r, n == (size_t)limit ? next : NULL);
}
