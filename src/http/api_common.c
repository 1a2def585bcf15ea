/* api_common.c - what every handler shares: body decoding, paging
 * parameters, and turning a domain error into the one error reply. */
#include "core/tz.h"
#include "http/api.h"

#include <inttypes.h>
#include <stdio.h>

#include "core/log.h"
#include "domain/program.h"
#include "http/metrics.h"
#include "http/server.h"

bool ah_api_body(struct ah_req *r, const struct ah_json_field *fields, size_t n,
                 struct ah_json_value *out)
{
    struct ah_error err;

    if (ah_json_decode(r->body, fields, n, out, &r->arena, &err)) {
        ah_http_reply_error(r, &err, NULL);
        return false;
    }
    return true;
}

bool ah_api_query_int(struct ah_req *r, const char *key, int64_t min, int64_t max, int64_t dflt,
                      int64_t *out)
{
    struct ah_str v = ah_router_query(r->query, r->nquery, key);
    struct ah_error err;

    if (!v.p) {
        *out = dflt;
        return true;
    }
    if (ah_parse_i64(v, min, max, out, &err)) {
        err.code = AH_E_BAD_REQUEST;
        ah_error_set(&err, AH_E_BAD_REQUEST, "query parameter %s must be a number from %" PRId64
                                             " to %" PRId64, key, min, max);
        ah_http_reply_error(r, &err, NULL);
        return false;
    }
    return true;
}

bool ah_api_query_day(struct ah_req *r, const char *name, int64_t dflt, int64_t *day)
{
    struct ah_str v = ah_router_query(r->query, r->nquery, name);
    char msg[96];

    *day = dflt;
    if (!v.p || ah_day_parse(v, day))
        return true;
    snprintf(msg, sizeof(msg), "%s must be a date like 2026-11-30", name);
    ah_http_reply_fail(r, AH_E_BAD_REQUEST, msg);
    return false;
}

bool ah_api_query_week(struct ah_req *r, const char *name, int *year, int *week)
{
    struct ah_str v = ah_router_query(r->query, r->nquery, name);
    char msg[96];

    *year = *week = 0;
    if (!v.p || ah_iso_week_parse(v.p, v.len, year, week))
        return true;
    snprintf(msg, sizeof(msg), "%s must be an ISO week like 2026-W48", name);
    ah_http_reply_fail(r, AH_E_BAD_REQUEST, msg);
    return false;
}

bool ah_api_page(struct ah_req *r, int *limit, int64_t *cursor)
{
    int64_t l;

    if (!ah_api_query_int(r, "limit", 1, AH_MAX_PAGE, AH_DEFAULT_PAGE, &l) ||
        !ah_api_query_int(r, "cursor", 1, INT64_MAX, 0, cursor))
        return false;
    *limit = (int)l;
    return true;
}

void ah_api_fail(struct ah_req *r, const struct ah_error *err)
{
    if (err->code == AH_E_INTERNAL)
        ah_log(AH_LOG_ERROR, "http.internal", "route=%s error=%s",
               r->route ? r->route->pattern : "-", err->msg);
    ah_http_reply_error(r, err, NULL);
}
