/* buf.h - struct ah_buf: owned, growable, NUL-terminated bytes with a cap.
 * An append past the cap returns AH_E_TOO_LARGE and changes nothing. */
#ifndef AH_CORE_BUF_H
#define AH_CORE_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/str.h"

struct ah_buf {
    char *p; /* NUL-terminated when len > 0 or after any append; may be NULL */
    size_t len;
    size_t cap; /* allocated */
    size_t max; /* the cap on len */
    bool full;  /* an append was refused: later ones are too, so a writer
                   can check once at the end instead of after every piece */
};

/* Fills b as empty, capped at max bytes. Allocates nothing. */
void ah_buf_init(struct ah_buf *b, size_t max);
/* Frees the contents; b may be reused after ah_buf_init. */
void ah_buf_release(struct ah_buf *b);
/* Empties b, keeping its memory. */
void ah_buf_reset(struct ah_buf *b);
/* Appends n bytes. AH_E_TOO_LARGE past the cap, and after any refused
 * append until the next reset (err may be NULL). */
enum ah_err ah_buf_append(struct ah_buf *b, const void *p, size_t n, struct ah_error *err);
enum ah_err ah_buf_appends(struct ah_buf *b, const char *s, struct ah_error *err);
enum ah_err ah_buf_appendf(struct ah_buf *b, struct ah_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The contents as a view, valid until the next change to b. */
struct ah_str ah_buf_str(const struct ah_buf *b);
/* The contents as a C string ("" when empty); valid until the next change. */
const char *ah_buf_cstr(const struct ah_buf *b);
/* Hands the bytes to the caller (free() them) and empties b. Never NULL. */
char *ah_buf_take(struct ah_buf *b, size_t *len);

#endif
