/* reply.h - building responses: JSON bodies, the one error shape, headers. */
#ifndef AH_HTTP_REPLY_H
#define AH_HTTP_REPLY_H

#include "core/buf.h"
#include "core/err.h"
#include "http/req.h"

/* The response body to write JSON into (see the writers in json.h). */
struct ah_buf *ah_http_body(struct ah_req *r);
/* Sends what was written into ah_http_body as JSON with status; a body that
 * hit its cap (AH_MAX_RESPONSE) becomes a 500 instead. */
void ah_http_reply_body(struct ah_req *r, int status);
/* Sends status with no body (204). */
void ah_http_reply_empty(struct ah_req *r, int status);
/* Sends {"error":{"code":..,"message":..}} with the status of err->code.
 * extra (may be NULL) is more members of the error object, already JSON:
 * "messages":[...] for a send check's conflict. */
void ah_http_reply_error(struct ah_req *r, const struct ah_error *err, const char *extra);
/* Shorthand: builds the error from code and a message. */
void ah_http_reply_fail(struct ah_req *r, enum ah_err code, const char *msg);
/* The HTTP status for an error code. */
int ah_http_status(enum ah_err code);
/* Adds a response header; name and value must outlive the request
 * (literals or r->arena). */
void ah_http_reply_header(struct ah_req *r, const char *name, const char *value);
/* A list page: ah_http_page_begin writes {"items":[ and returns the body;
 * the caller writes the items, comma-separated; ah_http_page_end closes it
 * with "next_cursor" (NULL: null) and sends it with 200. */
struct ah_buf *ah_http_page_begin(struct ah_req *r);
void ah_http_page_end(struct ah_req *r, const char *cursor);

#endif
