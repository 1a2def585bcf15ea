/* router.c - request targets to routes. Written by hand: libmicrohttpd hands
 * us the raw target (see server.c) and the route table is small and fixed. */
#include "http/router.h"

#include <string.h>

#include "core/limits.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s (and '+' as space when plus is set) into a. */
static enum ah_err decode(struct ah_str s, bool plus, struct ah_arena *a, struct ah_str *out,
                          struct ah_error *err)
{
    char *d = ah_arena_alloc(a, s.len + 1);
    size_t n = 0;

    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];

        if (c == '%') {
            int hi, lo;

            if (s.len - i < 3)
                return ah_error_set(err, AH_E_BAD_REQUEST, "bad %%-escape in the URL");
            hi = hexval(s.p[i + 1]);
            lo = hexval(s.p[i + 2]);
            if (hi < 0 || lo < 0)
                return ah_error_set(err, AH_E_BAD_REQUEST, "bad %%-escape in the URL");
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        d[n++] = c;
    }
    d[n] = '\0';
    if (!ah_utf8_valid(d, n))
        return ah_error_set(err, AH_E_BAD_REQUEST, "the URL is not valid UTF-8");
    out->p = d;
    out->len = n;
    return AH_OK;
}

static enum ah_err parse_query(struct ah_str q, struct ah_arena *a, struct ah_qparam *params,
                               size_t *nparams, struct ah_error *err)
{
    size_t i = 0, n = 0;

    while (i < q.len) {
        size_t end = i, eq;
        struct ah_str key, value;
        enum ah_err rc;

        while (end < q.len && q.p[end] != '&')
            end++;
        if (end > i) {
            if (n == AH_MAX_QUERY_PARAMS)
                return ah_error_set(err, AH_E_BAD_REQUEST, "more than %d query parameters",
                                    AH_MAX_QUERY_PARAMS);
            eq = i;
            while (eq < end && q.p[eq] != '=')
                eq++;
            key = (struct ah_str){q.p + i, eq - i};
            value = eq < end ? (struct ah_str){q.p + eq + 1, end - eq - 1}
                             : (struct ah_str){q.p + end, 0};
            rc = decode(key, true, a, &params[n].key, err);
            if (!rc)
                rc = decode(value, true, a, &params[n].value, err);
            if (rc)
                return rc;
            n++;
        }
        i = end + 1;
    }
    *nparams = n;
    return AH_OK;
}

enum ah_err ah_router_parse_target(struct ah_str target, struct ah_arena *a, struct ah_str *path,
                                   struct ah_qparam *params, size_t *nparams,
                                   struct ah_error *err)
{
    const char *qm;
    struct ah_str raw_path, raw_query = {"", 0};
    enum ah_err rc;

    if (target.len > AH_MAX_URL)
        return ah_error_set(err, AH_E_BAD_REQUEST, "the URL is longer than %d bytes", AH_MAX_URL);
    if (target.len == 0 || target.p[0] != '/')
        return ah_error_set(err, AH_E_BAD_REQUEST, "the URL path must start with /");
    qm = memchr(target.p, '?', target.len);
    raw_path = (struct ah_str){target.p, qm ? (size_t)(qm - target.p) : target.len};
    if (qm)
        raw_query = (struct ah_str){qm + 1, target.len - raw_path.len - 1};
    rc = decode(raw_path, false, a, path, err);
    if (!rc)
        rc = parse_query(raw_query, a, params, nparams, err);
    return rc;
}

/* Matches one pattern; {id} takes a positive integer of at most 18 digits. */
static bool match(const char *pattern, struct ah_str path, int64_t *id)
{
    size_t i = 0;
    const char *p = pattern;

    *id = 0;
    while (*p) {
        if (strncmp(p, "{id}", 4) == 0) {
            int64_t v = 0;
            size_t digits = 0;

            while (i < path.len && path.p[i] >= '0' && path.p[i] <= '9') {
                if (++digits > 18)
                    return false; /* before the multiply: 19 digits may overflow */
                v = v * 10 + (path.p[i] - '0');
                i++;
            }
            if (digits == 0 || v == 0 || path.p[i - digits] == '0')
                return false;
            *id = v;
            p += 4;
            continue;
        }
        if (i >= path.len || path.p[i] != *p)
            return false;
        i++;
        p++;
    }
    return i == path.len;
}

enum ah_err ah_router_match(const struct ah_route *routes, size_t n, const char *method,
                            struct ah_str path, const struct ah_route **route, int64_t *id,
                            struct ah_error *err)
{
    bool path_known = false;

    for (size_t k = 0; k < n; k++) {
        int64_t v;

        if (!match(routes[k].pattern, path, &v))
            continue;
        if (strcmp(routes[k].method, method) == 0) {
            *route = &routes[k];
            *id = v;
            return AH_OK;
        }
        path_known = true;
    }
    int plen = (int)(path.len > 200 ? 200 : path.len);

    if (path_known)
        return ah_error_set(err, AH_E_NOT_FOUND, "%.10s is not allowed on %.*s", method, plen,
                            path.p);
    return ah_error_set(err, AH_E_NOT_FOUND, "no such resource: %.*s", plen, path.p);
}

struct ah_str ah_router_query(const struct ah_qparam *params, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (ah_str_eq_c(params[i].key, key))
            return params[i].value;
    return AH_STR_NULL;
}
