/* json.h - JSON in and out: request bodies decoded with jansson (the one
 * module wrapping it) against a field list into domain values, and domain
 * values written as the API's objects. */
#ifndef AH_HTTP_JSON_H
#define AH_HTTP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "domain/groups.h"
#include "domain/style.h"
#include "store/store.h"

enum ah_json_type {
    AH_JSON_STRING,
    AH_JSON_INT,        /* an integer (no fraction, no exponent) */
    AH_JSON_INT_OR_NULL,
    AH_JSON_BOOL,
    AH_JSON_STRINGS,    /* an array of strings */
    AH_JSON_INTS,       /* an array of integers */
    AH_JSON_STRING_OR_NULL,
};

struct ah_json_field {
    const char *name;
    enum ah_json_type type;
    bool required;
    size_t max; /* strings: bytes; arrays: items */
};

struct ah_json_value {
    bool present;
    bool is_null;
    struct ah_str s; /* in the arena, NUL-terminated */
    int64_t i;
    bool b;
    struct ah_str *items; /* AH_JSON_STRINGS, in the arena */
    int64_t *ints;        /* AH_JSON_INTS, in the arena */
    size_t n;
};

/* Decodes body, a JSON object, against fields (out[k] answers fields[k]).
 * AH_E_BAD_REQUEST for malformed JSON, invalid UTF-8, a duplicate or unknown
 * key, a missing required field or a wrong type; AH_E_INVALID for a string
 * over its max. An empty body is an empty object. Strings live in a. */
enum ah_err ah_json_decode(struct ah_str body, const struct ah_json_field *fields, size_t nfields,
                           struct ah_json_value *out, struct ah_arena *a, struct ah_error *err);

/* Response writers. Each appends one JSON value to b; a buffer that hits its
 * cap sets b->full, which the reply checks once (see reply.h). Responses are
 * written straight into the buffer rather than built as jansson objects: a
 * queue page is 50 tickets of 20 fields, and a hash table per object cost
 * more than the database did. Strings are valid UTF-8 (checked where they
 * entered), so only quotes, backslashes and control bytes need escaping. */
void ah_json_put_str(struct ah_buf *b, const char *s); /* NULL: null */
void ah_json_put_strn(struct ah_buf *b, const char *s, size_t n);
void ah_json_put_time(struct ah_buf *b, int64_t ms); /* 0: null */
/* Space-separated words (tags) as an array of strings. */
void ah_json_put_words(struct ah_buf *b, const char *words);
void ah_json_put_person(struct ah_buf *b, const struct ah_person *p);
/* A ticket; with thread (m may be empty) it carries "messages". */
void ah_json_put_ticket(struct ah_buf *b, const struct ah_ticket *t, bool thread,
                        const struct ah_message *m, size_t n);
struct ah_mail_thread;
/* The same with each message's mail details ("mail", "attachments",
 * "delivery") and the ticket's "participants", from mt (domain/mail.h). */
void ah_json_put_ticket_mail(struct ah_buf *b, const struct ah_ticket *t, bool thread,
                             const struct ah_message *m, size_t n,
                             const struct ah_mail_thread *mt);
void ah_json_put_message(struct ah_buf *b, const struct ah_message *m);
void ah_json_put_messages(struct ah_buf *b, const struct ah_message *m, size_t n);
/* An API token's listing; secret (shown once, at creation) may be NULL. */
void ah_json_put_credential(struct ah_buf *b, const struct ah_credential *c, const char *secret);
void ah_json_put_audit(struct ah_buf *b, const struct ah_audit_entry *e);

/* A day count as "YYYY-MM-DD". */
void ah_json_put_day(struct ah_buf *b, int64_t day);
void ah_json_put_policy(struct ah_buf *b, const struct ah_policy *p);
void ah_json_put_exemption(struct ah_buf *b, const struct ah_exemption *e);
void ah_json_put_work_session(struct ah_buf *b, const struct ah_work_session *w);
/* A block, with its times also on the wall clock of zone tz. */
void ah_json_put_block(struct ah_buf *b, const struct ah_block *k, const char *tz);
struct ah_ledger_week;
void ah_json_put_ledger_week(struct ah_buf *b, const struct ah_ledger_week *w);

/* The same, as list items (const void *), for ah_http_reply_page. */
void ah_json_item_exemption(struct ah_buf *b, const void *e);
void ah_json_item_work_session(struct ah_buf *b, const void *w);
void ah_json_item_person(struct ah_buf *b, const void *p);
void ah_json_item_ticket(struct ah_buf *b, const void *t); /* without its thread */
void ah_json_item_credential(struct ah_buf *b, const void *c);
void ah_json_item_audit(struct ah_buf *b, const void *e);

/* deference */
void ah_json_put_route_rule(struct ah_buf *b, const struct ah_route_rule *r);
void ah_json_item_route_rule(struct ah_buf *b, const void *r);
void ah_json_put_style_rule(struct ah_buf *b, const struct ah_style_rule *r);
void ah_json_item_style_rule(struct ah_buf *b, const void *r);
/* The hits as an array; text (the linted text, may be NULL) adds each match. */
void ah_json_put_hits(struct ah_buf *b, const struct ah_style_hit *h, size_t n, const char *text);
void ah_json_put_review(struct ah_buf *b, const struct ah_review *r, int64_t now);
bool ah_json_review_status_parse(struct ah_str s, enum ah_review_status *out);
void ah_json_put_module(struct ah_buf *b, const struct ah_module *m, const char *html,
                        int64_t done_at);
void ah_json_put_pairing(struct ah_buf *b, const struct ah_pairing *p);
void ah_json_item_pairing(struct ah_buf *b, const void *p);
void ah_json_put_macro(struct ah_buf *b, const struct ah_macro *m);
void ah_json_item_macro(struct ah_buf *b, const void *m);

/* repeated questions and the fixes linked to them */
void ah_json_put_fix(struct ah_buf *b, const struct ah_fix *f);
void ah_json_put_group(struct ah_buf *b, const struct ah_group_view *v);
void ah_json_item_group(struct ah_buf *b, const void *v);
void ah_json_put_group_detail(struct ah_buf *b, const struct ah_group_detail *d);
void ah_json_put_group_member(struct ah_buf *b, const struct ah_qgroup_member *m);
void ah_json_item_group_member(struct ah_buf *b, const void *m);
void ah_json_put_group_similar(struct ah_buf *b, int64_t ticket_id,
                               const struct ah_group_similar *s);

#endif
