/* reply.h - building responses: JSON bodies, the one error shape, headers. */
#ifndef AH_HTTP_REPLY_H
#define AH_HTTP_REPLY_H

#include <jansson.h>

#include "core/err.h"
#include "http/req.h"

/* Sends v (reference stolen) as JSON with status. */
void ah_http_reply_json(struct ah_req *r, int status, json_t *v);
/* Sends status with no body (204). */
void ah_http_reply_empty(struct ah_req *r, int status);
/* Sends {"error":{"code":..,"message":..}} with the status of err->code.
 * extra (stolen, may be NULL) is merged into the error object. */
void ah_http_reply_error(struct ah_req *r, const struct ah_error *err, json_t *extra);
/* Shorthand: builds the error from code and a message. */
void ah_http_reply_fail(struct ah_req *r, enum ah_err code, const char *msg);
/* The HTTP status for an error code. */
int ah_http_status(enum ah_err code);
/* Adds a response header; name and value must outlive the request
 * (literals or r->arena). */
void ah_http_reply_header(struct ah_req *r, const char *name, const char *value);
/* A list page: {"items": items, "next_cursor": cursor or null}. */
void ah_http_reply_page(struct ah_req *r, json_t *items, const char *cursor);

#endif
