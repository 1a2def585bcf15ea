/* fuzz_router.c - a raw request target through the router as the server
 * runs it: split and percent-decoded, matched against the real route table
 * for each method, then its query parameters read and parsed the way the
 * list handlers do. The matcher is compared with an independent reading of
 * the patterns and ah_parse_i64 with 128-bit arithmetic. No store is opened. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"
#include "domain/ctx.h"
#include "domain/ticket.h"
#include "fuzz.h"
#include "http/router.h"
#include "http/server.h"

static const char *const methods[] = {"GET", "POST", "PATCH", "DELETE", "HEAD"};

/* An independent reading of a pattern: prefix, then {id} as 1 to 18 digits
 * without a leading zero, then suffix; at most one {id} per pattern. */
static bool ref_match(const char *pattern, struct ah_str path, int64_t *id)
{
    const char *brace = strstr(pattern, "{id}");
    size_t pre, suf, digits;
    int64_t v = 0;

    *id = 0;
    if (!brace)
        return ah_str_eq_c(path, pattern);
    CHECK(!strstr(brace + 4, "{id}"));
    pre = (size_t)(brace - pattern);
    suf = strlen(brace + 4);
    if (path.len < pre + suf + 1 || memcmp(path.p, pattern, pre) != 0 ||
        memcmp(path.p + path.len - suf, brace + 4, suf) != 0)
        return false;
    digits = path.len - pre - suf;
    if (digits > 18 || path.p[pre] == '0')
        return false;
    for (size_t i = pre; i < pre + digits; i++) {
        if (path.p[i] < '0' || path.p[i] > '9')
            return false;
        v = v * 10 + (path.p[i] - '0');
    }
    *id = v;
    return true;
}

/* ah_router_match must find the first route the reference finds, or none. */
static void check_match(const struct ah_route *routes, size_t n, const char *method,
                        struct ah_str path)
{
    const struct ah_route *want = NULL, *got = NULL;
    int64_t want_id = 0, got_id = -1, id;
    struct ah_error err;
    enum ah_err rc;

    for (size_t k = 0; k < n && !want; k++)
        if (strcmp(routes[k].method, method) == 0 && ref_match(routes[k].pattern, path, &id)) {
            want = &routes[k];
            want_id = id;
        }
    rc = ah_router_match(routes, n, method, path, &got, &got_id, &err);
    if (rc) {
        CHECK(rc == AH_E_NOT_FOUND && err.code == rc);
        CHECK(!want);
        return;
    }
    CHECK(got == want && got_id == want_id);
}

/* What ah_parse_i64 must answer, worked out in 128 bits. */
static bool ref_i64(struct ah_str s, int64_t min, int64_t max, int64_t *out)
{
    __int128 v = 0;
    bool neg;
    size_t i;

    if (s.len == 0 || s.len > 20)
        return false;
    neg = s.p[0] == '-';
    i = neg ? 1 : 0;
    if (i == s.len)
        return false;
    for (; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (s.p[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < min || v > max)
        return false;
    *out = (int64_t)v;
    return true;
}

static void check_i64(struct ah_str s, int64_t min, int64_t max)
{
    int64_t got = 0, want = 0;
    struct ah_error err;
    bool ok = ref_i64(s, min, max, &want);
    enum ah_err rc = ah_parse_i64(s, min, max, &got, &err);

    CHECK(rc == AH_OK || (rc == AH_E_INVALID && err.code == rc));
    CHECK((rc == AH_OK) == ok);
    CHECK(!ok || got == want);
}

/* ?status=open,pending: each item a status name, as api_tickets.c reads it. */
static void check_status_list(struct ah_str v)
{
    size_t i = 0;

    while (v.p && i <= v.len) {
        size_t end = i;
        enum ah_status s;
        struct ah_str item;

        while (end < v.len && v.p[end] != ',')
            end++;
        item = (struct ah_str){v.p + i, end - i};
        if (ah_ticket_status_parse(item, &s))
            CHECK(ah_str_eq_c(item, ah_ticket_status_name(s)));
        i = end + 1;
    }
}

/* The queue's cursor "due.id", as api_queue.c splits it. */
static void check_queue_cursor(struct ah_str c)
{
    const char *dot = c.p ? memchr(c.p, '.', c.len) : NULL;

    if (!dot)
        return;
    check_i64((struct ah_str){c.p, (size_t)(dot - c.p)}, INT64_MIN, INT64_MAX);
    check_i64((struct ah_str){dot + 1, c.len - (size_t)(dot - c.p) - 1}, 1, INT64_MAX);
}

/* ah_router_query answers the first parameter named key. */
static struct ah_str query(const struct ah_qparam *params, size_t n, const char *key)
{
    struct ah_str v = ah_router_query(params, n, key);
    size_t k = 0;

    while (k < n && !ah_str_eq_c(params[k].key, key))
        k++;
    CHECK(k < n ? v.p == params[k].value.p && v.len == params[k].value.len : !v.p);
    return v;
}

static void check_query(struct ah_ctx *cx, const struct ah_qparam *params, size_t n)
{
    struct ah_str v;

    for (size_t k = 0; k < n; k++)
        CHECK(fuzz_text_ok(params[k].key) && fuzz_text_ok(params[k].value));
    if ((v = query(params, n, "limit")).p)
        check_i64(v, 1, AH_MAX_PAGE);
    if ((v = query(params, n, "cursor")).p) {
        check_i64(v, 1, INT64_MAX);
        check_queue_cursor(v);
    }
    if ((v = query(params, n, "tier")).p)
        check_i64(v, 1, 2);
    if ((v = query(params, n, "assignee")).p)
        check_i64(v, 1, INT64_MAX);
    check_status_list(query(params, n, "status"));
    (void)query(params, n, "tag");
    if ((v = query(params, n, "q")).p && ah_str_trim(v).len)
        fuzz_check_search(cx, v);
}

static void route(struct ah_ctx *cx, struct ah_str target)
{
    struct ah_qparam params[AH_MAX_QUERY_PARAMS];
    struct ah_str path = AH_STR_NULL;
    size_t nparams = 0, nroutes;
    const struct ah_route *routes = ah_server_routes(&nroutes);
    struct ah_error err;
    enum ah_err rc = ah_router_parse_target(target, cx->arena, &path, params, &nparams, &err);

    if (rc) {
        CHECK(rc == AH_E_BAD_REQUEST && err.code == rc);
        return;
    }
    CHECK(target.len <= AH_MAX_URL);
    CHECK(fuzz_text_ok(path) && path.len >= 1 && path.p[0] == '/' && path.len <= target.len);
    CHECK(nparams <= AH_MAX_QUERY_PARAMS);
    for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++)
        check_match(routes, nroutes, methods[m], path);
    check_query(cx, params, nparams);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ah_arena arena;
    struct ah_settings settings;
    struct ah_ctx cx = {.arena = &arena, .settings = &settings};
    char *copy = malloc(size + 1);

    CHECK(copy);
    if (size)
        memcpy(copy, data, size);
    copy[size] = '\0';
    ah_settings_default(&settings);
    ah_arena_init(&arena);
    /* the whole input, embedded NULs too; the server passes the C string */
    route(&cx, (struct ah_str){copy, size});
    if (strlen(copy) != size)
        route(&cx, ah_str_c(copy));
    ah_arena_release(&arena);
    free(copy);
    return 0;
}
