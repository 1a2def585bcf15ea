/* reply.c - the one place responses and error bodies are made. */
#include "http/reply.h"

#include <stdlib.h>
#include <string.h>

int ah_http_status(enum ah_err code)
{
    switch (code) {
    case AH_OK:
        return 200;
    case AH_E_BAD_REQUEST:
        return 400;
    case AH_E_UNAUTHENTICATED:
        return 401;
    case AH_E_FORBIDDEN:
        return 403;
    case AH_E_NOT_FOUND:
        return 404;
    case AH_E_CONFLICT:
        return 409;
    case AH_E_TOO_LARGE:
        return 413;
    case AH_E_INVALID:
        return 422;
    case AH_E_RATE_LIMITED:
        return 429;
    case AH_E_UNAVAILABLE:
        return 503;
    case AH_E_INTERNAL:
        return 500;
    }
    return 500;
}

static void set_body(struct ah_req *r, int status, char *text, const char *type)
{
    if (r->out && !r->out_static)
        free(r->out);
    r->status = status;
    r->out = text;
    r->out_len = text ? strlen(text) : 0;
    r->out_static = false;
    r->out_type = type;
}

void ah_http_reply_json(struct ah_req *r, int status, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);

    json_decref(v);
    set_body(r, text ? status : 500, text, "application/json");
}

void ah_http_reply_empty(struct ah_req *r, int status)
{
    set_body(r, status, NULL, NULL);
}

void ah_http_reply_error(struct ah_req *r, const struct ah_error *err, json_t *extra)
{
    json_t *e = json_pack("{ss ss}", "code", ah_err_name(err->code), "message", err->msg);

    if (!e) /* a message that is not UTF-8: never expected, still answer */
        e = json_pack("{ss ss}", "code", ah_err_name(err->code), "message", "error");
    if (extra)
        json_object_update_new(e, extra);
    ah_http_reply_json(r, ah_http_status(err->code), json_pack("{so}", "error", e));
}

void ah_http_reply_fail(struct ah_req *r, enum ah_err code, const char *msg)
{
    struct ah_error err;

    ah_error_set(&err, code, "%s", msg);
    ah_http_reply_error(r, &err, NULL);
}

void ah_http_reply_header(struct ah_req *r, const char *name, const char *value)
{
    if (r->nheaders < AH_MAX_RESPONSE_HEADERS) {
        r->headers[r->nheaders][0] = name;
        r->headers[r->nheaders][1] = value;
        r->nheaders++;
    }
}

void ah_http_reply_page(struct ah_req *r, json_t *items, const char *cursor)
{
    ah_http_reply_json(r, 200,
                       json_pack("{so so}", "items", items, "next_cursor",
                                 cursor ? json_string(cursor) : json_null()));
}
