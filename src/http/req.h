/* req.h - one HTTP request as the handlers see it: decoded input, the
 * signed-in person, request memory, and the response being built. Handlers
 * never see libmicrohttpd; server.c fills this and sends what they set. */
#ifndef AH_HTTP_REQ_H
#define AH_HTTP_REQ_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "domain/ctx.h"
#include "http/router.h"

#define AH_MAX_RESPONSE_HEADERS 8

struct ah_server;

struct ah_req {
    /* request */
    const char *method;
    struct ah_str path;
    struct ah_qparam query[AH_MAX_QUERY_PARAMS];
    size_t nquery;
    int64_t id; /* the {id} of the route, 0 if none */
    struct ah_str body;
    struct ah_str content_type;
    struct ah_str cookie;
    struct ah_str authorization;
    struct ah_str csrf;
    const char *client; /* the peer address, for rate limits */
    const struct ah_route *route;
    struct ah_server *srv;
    struct ah_arena arena;
    /* who */
    struct ah_ctx cx;
    struct ah_person actor;
    struct ah_credential cred;
    struct ah_str secret; /* the session or token secret presented */
    /* response */
    struct ah_buf body_out; /* JSON written by the handler, see reply.h */
    int status;
    char *out;         /* malloc'd unless out_static */
    size_t out_len;
    bool out_static;
    const char *out_type;
    const char *headers[AH_MAX_RESPONSE_HEADERS][2];
    size_t nheaders;
};

#endif
