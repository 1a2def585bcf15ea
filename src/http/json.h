/* json.h - the one module wrapping jansson: request bodies decoded against a
 * field list into domain values, and domain values encoded as API objects. */
#ifndef AH_HTTP_JSON_H
#define AH_HTTP_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

enum ah_json_type {
    AH_JSON_STRING,
    AH_JSON_INT,        /* an integer (no fraction, no exponent) */
    AH_JSON_INT_OR_NULL,
    AH_JSON_BOOL,
    AH_JSON_STRINGS,    /* an array of strings */
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
    size_t n;
};

/* Decodes body, a JSON object, against fields (out[k] answers fields[k]).
 * AH_E_BAD_REQUEST for malformed JSON, invalid UTF-8, a duplicate or unknown
 * key, a missing required field or a wrong type; AH_E_INVALID for a string
 * over its max. An empty body is an empty object. Strings live in a. */
enum ah_err ah_json_decode(struct ah_str body, const struct ah_json_field *fields, size_t nfields,
                           struct ah_json_value *out, struct ah_arena *a, struct ah_error *err);

/* New references (the caller json_decref's them). */
json_t *ah_json_time(int64_t ms); /* null for 0 */
json_t *ah_json_person(const struct ah_person *p);
json_t *ah_json_ticket(const struct ah_ticket *t);
json_t *ah_json_message(const struct ah_message *m);
json_t *ah_json_messages(const struct ah_message *m, size_t n);
json_t *ah_json_credential(const struct ah_credential *c);
json_t *ah_json_audit(const struct ah_audit_entry *e);

#endif
