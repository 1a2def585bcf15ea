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
/* Sends the text in b (taken: b is left empty) as type, which must outlive
 * the request (a literal): CSV, iCalendar, metrics. */
void ah_http_reply_text(struct ah_req *r, int status, struct ah_buf *b, const char *type);
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
/* Writes one item of a list (one of the writers in json.h). */
typedef void (*ah_http_item_writer)(struct ah_buf *b, const void *item);
/* Sends {"items":[...],"next_cursor":cursor or null} with 200, the n items
 * of size bytes each at items written by put. */
void ah_http_reply_page(struct ah_req *r, const void *items, size_t n, size_t size,
                        ah_http_item_writer put, const char *cursor);
/* The cursor of a page ordered by id: the last id when the page is full
 * (more may follow), else NULL. In r->arena. */
const char *ah_http_id_cursor(struct ah_req *r, int64_t last_id, size_t n, int limit);

#endif
