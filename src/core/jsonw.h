/* jsonw.h - writes small JSON objects into a struct ah_buf (audit before/after
 * values). Written by hand because jansson belongs to http/ alone; this only
 * writes flat objects of strings, integers and booleans. */
#ifndef AH_CORE_JSONW_H
#define AH_CORE_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

/* Each call appends one member; the first opens the object ("{"),
 * ah_jsonw_end closes it. Errors only when the buffer cap is reached. */
enum ah_err ah_jsonw_str(struct ah_buf *b, const char *key, const char *value,
                         struct ah_error *err);
enum ah_err ah_jsonw_int(struct ah_buf *b, const char *key, int64_t value, struct ah_error *err);
enum ah_err ah_jsonw_bool(struct ah_buf *b, const char *key, bool value, struct ah_error *err);
/* An id: null when 0, as the API writes "no one". */
enum ah_err ah_jsonw_id(struct ah_buf *b, const char *key, int64_t value, struct ah_error *err);
/* Space-separated words as an array of strings. */
enum ah_err ah_jsonw_words(struct ah_buf *b, const char *key, const char *words,
                           struct ah_error *err);
enum ah_err ah_jsonw_end(struct ah_buf *b, struct ah_error *err);

#endif
