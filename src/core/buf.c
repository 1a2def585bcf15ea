/* buf.c - capped growable buffers. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

void ah_buf_init(struct ah_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->full = false;
}

void ah_buf_release(struct ah_buf *b)
{
    free(b->p);
    ah_buf_init(b, b->max);
}

void ah_buf_reset(struct ah_buf *b)
{
    b->len = 0;
    b->full = false;
    if (b->p)
        b->p[0] = '\0';
}

static void grow(struct ah_buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 64;

    while (cap < need)
        cap = ah_size_add(cap, cap);
    b->p = ah_xrealloc(b->p, cap);
    b->cap = cap;
}

enum ah_err ah_buf_append(struct ah_buf *b, const void *p, size_t n, struct ah_error *err)
{
    size_t need;

    if (b->full || n > b->max || b->len > b->max - n) {
        b->full = true;
        return ah_error_set(err, AH_E_TOO_LARGE, "text longer than %zu bytes", b->max);
    }
    need = ah_size_add(ah_size_add(b->len, n), 1);
    if (need > b->cap)
        grow(b, need);
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return AH_OK;
}

enum ah_err ah_buf_appends(struct ah_buf *b, const char *s, struct ah_error *err)
{
    return ah_buf_append(b, s, strlen(s), err);
}

enum ah_err ah_buf_appendf(struct ah_buf *b, struct ah_error *err, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;
    enum ah_err rc;
    char *big;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return ah_error_set(err, AH_E_INTERNAL, "format failed");
    if ((size_t)n < sizeof(small))
        return ah_buf_append(b, small, (size_t)n, err);
    big = ah_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rc = ah_buf_append(b, big, (size_t)n, err);
    free(big);
    return rc;
}

struct ah_str ah_buf_str(const struct ah_buf *b)
{
    struct ah_str s = {b->p ? b->p : "", b->len};

    return s;
}

const char *ah_buf_cstr(const struct ah_buf *b)
{
    return b->p ? b->p : "";
}

char *ah_buf_take(struct ah_buf *b, size_t *len)
{
    char *p = b->p;

    if (!p)
        p = ah_xstrdup("");
    if (len)
        *len = b->len;
    ah_buf_init(b, b->max);
    return p;
}
