/* api.h - the handlers of /api/v1 and the operational endpoints, one file per
 * resource (api_<resource>.c), and the helpers they share. */
#ifndef AH_HTTP_API_H
#define AH_HTTP_API_H

#include "core/buf.h"
#include "http/json.h"
#include "http/reply.h"
#include "http/req.h"

void ah_api_session_create(struct ah_req *r);
void ah_api_session_get(struct ah_req *r);
void ah_api_session_delete(struct ah_req *r);
void ah_api_tokens_create(struct ah_req *r);
void ah_api_tokens_list(struct ah_req *r);
void ah_api_tokens_delete(struct ah_req *r);
void ah_api_people_list(struct ah_req *r);
void ah_api_people_get(struct ah_req *r);
void ah_api_people_create(struct ah_req *r);
void ah_api_people_update(struct ah_req *r);
void ah_api_tickets_create(struct ah_req *r);
void ah_api_tickets_list(struct ah_req *r);
void ah_api_tickets_get(struct ah_req *r);
void ah_api_tickets_update(struct ah_req *r);
void ah_api_tickets_write(struct ah_req *r);
void ah_api_queue_list(struct ah_req *r);
void ah_api_queue_next(struct ah_req *r);
void ah_api_queue_release(struct ah_req *r);
void ah_api_queue_skip(struct ah_req *r);
void ah_api_audit_list(struct ah_req *r);
void ah_api_ops_health(struct ah_req *r);
void ah_api_ops_metrics(struct ah_req *r);

/* The request shapes; the fuzzer decodes against these same tables. Each is
 * the field list its handler decodes the body against, with its length; the
 * handler reads the values by positions kept in its own file. */
extern const struct ah_json_field ah_api_tickets_create_fields[];
extern const size_t ah_api_tickets_create_nfields;
extern const struct ah_json_field ah_api_tickets_update_fields[];
extern const size_t ah_api_tickets_update_nfields;
extern const struct ah_json_field ah_api_tickets_write_fields[];
extern const size_t ah_api_tickets_write_nfields;
extern const struct ah_json_field ah_api_people_create_fields[];
extern const size_t ah_api_people_create_nfields;
extern const struct ah_json_field ah_api_session_create_fields[];
extern const size_t ah_api_session_create_nfields;
extern const struct ah_json_field ah_api_queue_skip_fields[];
extern const size_t ah_api_queue_skip_nfields;

/* Decodes r's body against fields into out; on failure replies and returns false. */
bool ah_api_body(struct ah_req *r, const struct ah_json_field *fields, size_t n,
                 struct ah_json_value *out);
/* ?limit= (1..AH_MAX_PAGE, default AH_DEFAULT_PAGE) and ?cursor= as an id;
 * on failure replies 400 and returns false. */
bool ah_api_page(struct ah_req *r, int *limit, int64_t *cursor);
/* Reads an integer query parameter (absent: dflt); replies 400 and returns false on junk. */
bool ah_api_query_int(struct ah_req *r, const char *key, int64_t min, int64_t max, int64_t dflt,
                      int64_t *out);
/* Replies with err (from a domain call) and counts what the metrics track. */
void ah_api_fail(struct ah_req *r, const struct ah_error *err);

#endif
