/* api_queue.c - /api/v1/queue: the list of what one may take, and "next". */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "domain/queue.h"
#include "http/api.h"
#include "http/server.h"

void ah_api_queue_next(struct ah_req *r)
{
    static const struct ah_json_field fields[] = {{"done", AH_JSON_INT, false, 0}};
    struct ah_json_value v[1];
    struct ah_ticket t;
    struct ah_message *m = NULL;
    size_t n = 0;
    bool found = false;
    struct ah_error err;

    if (!ah_api_body(r, fields, 1, v))
        return;
    if (ah_queue_next(&r->cx, v[0].present ? v[0].i : 0, &t, &m, &n, &found, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (!found) {
        ah_http_reply_empty(r, 204);
        return;
    }
    ah_metrics_count(ah_server_metrics(r->srv), AH_COUNT_CLAIMS, 1);
    ah_api_reply_thread(r, 200, &t, m, n);
}

void ah_api_queue_release(struct ah_req *r)
{
    static const struct ah_json_field fields[] = {{"ticket_id", AH_JSON_INT, false, 0}};
    struct ah_json_value v[1];
    struct ah_error err;

    if (!ah_api_body(r, fields, 1, v))
        return;
    if (ah_queue_release(&r->cx, v[0].present ? v[0].i : 0, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}

const struct ah_json_field ah_api_queue_skip_fields[] = {
    {"ticket_id", AH_JSON_INT, true, 0},
    {"reason", AH_JSON_STRING, true, AH_MAX_REASON},
};
const size_t ah_api_queue_skip_nfields = 2;

void ah_api_queue_skip(struct ah_req *r)
{
    struct ah_json_value v[2];
    struct ah_error err;

    if (!ah_api_body(r, ah_api_queue_skip_fields, 2, v))
        return;
    if (ah_queue_skip(&r->cx, v[0].i, v[1].s, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}

/* The cursor of the queue is "due.id" of the last row: the order is (due_at, id). */
static bool queue_cursor(struct ah_req *r, struct ah_queue_filter *f)
{
    struct ah_str c = ah_router_query(r->query, r->nquery, "cursor");
    const char *dot = c.p ? memchr(c.p, '.', c.len) : NULL;

    if (!c.p)
        return true;
    if (!dot || ah_parse_i64((struct ah_str){c.p, (size_t)(dot - c.p)}, INT64_MIN, INT64_MAX,
                             &f->after_due, NULL) ||
        ah_parse_i64((struct ah_str){dot + 1, c.len - (size_t)(dot - c.p) - 1}, 1, INT64_MAX,
                     &f->after_id, NULL)) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "cursor is not one this server gave");
        return false;
    }
    return true;
}

void ah_api_queue_list(struct ah_req *r)
{
    struct ah_queue_filter f = {0};
    struct ah_ticket *items;
    size_t n;
    int64_t limit;
    struct ah_error err;
    char next[48];

    if (!ah_api_query_int(r, "limit", 1, AH_MAX_PAGE, AH_DEFAULT_PAGE, &limit) ||
        !queue_cursor(r, &f))
        return;
    f.limit = (int)limit;
    if (ah_queue_list(&r->cx, &f, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (n)
        snprintf(next, sizeof(next), "%" PRId64 ".%" PRId64, items[n - 1].due_at,
                 items[n - 1].id);
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_ticket,
                       n == (size_t)limit ? next : NULL);
}
