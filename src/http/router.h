/* router.h - request paths and query strings: parsing raw, untrusted text
 * into a route and its parameters. Pure functions, fuzzed in tests/fuzz. */
#ifndef AH_HTTP_ROUTER_H
#define AH_HTTP_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

struct ah_req;

typedef void (*ah_handler)(struct ah_req *r);

enum ah_route_flags {
    AH_ROUTE_PUBLIC = 1,  /* no sign-in needed */
    AH_ROUTE_NO_STORE = 2, /* answers even when the database cannot be reached
                              (the handler finds cx.store NULL) */
};

struct ah_route {
    const char *method;
    const char *pattern; /* "/api/v1/tickets/{id}/messages": {id} is an integer >= 1 */
    ah_handler handler;
    unsigned flags;
};

struct ah_qparam {
    struct ah_str key;
    struct ah_str value;
};

/* Splits a raw request target ("/a/b?x=1&y=%20") into its decoded path and
 * decoded query parameters, in a. AH_E_BAD_REQUEST for a target over
 * AH_MAX_URL, bad percent-escapes, invalid UTF-8 or NUL, more than
 * AH_MAX_QUERY_PARAMS parameters, or a path that does not start with '/'. */
enum ah_err ah_router_parse_target(struct ah_str target, struct ah_arena *a, struct ah_str *path,
                                   struct ah_qparam *params, size_t *nparams,
                                   struct ah_error *err);

/* Finds the route for method and path in routes[0..n). On success *route is
 * set and *id holds the {id} segment (0 when the pattern has none).
 * AH_E_NOT_FOUND when no pattern matches, naming the method when only the
 * method is wrong. */
enum ah_err ah_router_match(const struct ah_route *routes, size_t n, const char *method,
                            struct ah_str path, const struct ah_route **route, int64_t *id,
                            struct ah_error *err);

/* The value of query parameter key, or the null view. */
struct ah_str ah_router_query(const struct ah_qparam *params, size_t n, const char *key);

#endif
