/* reply.c - the one place responses and error bodies are made. */
#include "http/reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/json.h"

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

static void set_out(struct ah_req *r, int status, char *text, size_t len, const char *type)
{
    if (r->out && !r->out_static)
        free(r->out);
    r->status = status;
    r->out = text;
    r->out_len = len;
    r->out_static = false;
    r->out_type = type;
}

void ah_http_reply_text(struct ah_req *r, int status, struct ah_buf *b, const char *type)
{
    size_t len;
    char *text = ah_buf_take(b, &len);

    set_out(r, status, text, len, type);
}

struct ah_buf *ah_http_body(struct ah_req *r)
{
    return &r->body_out;
}

void ah_http_reply_body(struct ah_req *r, int status)
{
    size_t len;
    char *text;

    if (r->body_out.full) {
        ah_buf_reset(&r->body_out);
        ah_http_reply_fail(r, AH_E_INTERNAL, "the response is too large to send");
        return;
    }
    text = ah_buf_take(&r->body_out, &len);
    set_out(r, status, text, len, "application/json");
}

void ah_http_reply_empty(struct ah_req *r, int status)
{
    ah_buf_reset(&r->body_out);
    set_out(r, status, NULL, 0, NULL);
}

void ah_http_reply_error(struct ah_req *r, const struct ah_error *err, const char *extra)
{
    struct ah_buf *b = &r->body_out;

    ah_buf_reset(b);
    ah_buf_appends(b, "{\"error\":{\"code\":", NULL);
    ah_json_put_str(b, ah_err_name(err->code));
    ah_buf_appends(b, ",\"message\":", NULL);
    ah_json_put_str(b, err->msg);
    if (extra) {
        ah_buf_appends(b, ",", NULL);
        ah_buf_appends(b, extra, NULL);
    }
    ah_buf_appends(b, "}}", NULL);
    ah_http_reply_body(r, ah_http_status(err->code));
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

void ah_http_reply_page(struct ah_req *r, const void *items, size_t n, size_t size,
                        ah_http_item_writer put, const char *cursor)
{
    struct ah_buf *b = &r->body_out;

    ah_buf_reset(b);
    ah_buf_appends(b, "{\"items\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        put(b, (const char *)items + i * size);
    }
    ah_buf_appends(b, "],\"next_cursor\":", NULL);
    ah_json_put_str(b, cursor);
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, 200);
}

const char *ah_http_id_cursor(struct ah_req *r, int64_t last_id, size_t n, int limit)
{
    char *c;

    if (n == 0 || n < (size_t)limit)
        return NULL;
    c = ah_arena_alloc(&r->arena, 24);
    snprintf(c, 24, "%" PRId64, last_id);
    return c;
}
