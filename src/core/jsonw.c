/* jsonw.c - flat JSON object writer. */
#include "core/jsonw.h"

#include <inttypes.h>
#include <string.h>

static enum ah_err key(struct ah_buf *b, const char *k, struct ah_error *err)
{
    enum ah_err rc = ah_buf_appends(b, b->len ? "," : "{", err);

    if (!rc)
        rc = ah_buf_appendf(b, err, "\"%s\":", k); /* keys are literals */
    return rc;
}

static enum ah_err string(struct ah_buf *b, const char *v, size_t n, struct ah_error *err)
{
    enum ah_err rc = ah_buf_appends(b, "\"", err);

    for (const unsigned char *p = (const unsigned char *)v; !rc && p < (const unsigned char *)v + n;
         p++) {
        if (*p == '"' || *p == '\\')
            rc = ah_buf_appendf(b, err, "\\%c", *p);
        else if (*p < 0x20)
            rc = ah_buf_appendf(b, err, "\\u%04x", *p);
        else
            rc = ah_buf_append(b, p, 1, err);
    }
    if (!rc)
        rc = ah_buf_appends(b, "\"", err);
    return rc;
}

enum ah_err ah_jsonw_str(struct ah_buf *b, const char *k, const char *v, struct ah_error *err)
{
    enum ah_err rc = key(b, k, err);

    if (rc)
        return rc;
    return v ? string(b, v, strlen(v), err) : ah_buf_appends(b, "null", err);
}

enum ah_err ah_jsonw_id(struct ah_buf *b, const char *k, int64_t v, struct ah_error *err)
{
    enum ah_err rc = key(b, k, err);

    if (rc)
        return rc;
    return v ? ah_buf_appendf(b, err, "%" PRId64, v) : ah_buf_appends(b, "null", err);
}

enum ah_err ah_jsonw_words(struct ah_buf *b, const char *k, const char *words,
                           struct ah_error *err)
{
    enum ah_err rc = key(b, k, err);
    const char *p = words;
    bool first = true;

    if (!rc)
        rc = ah_buf_appends(b, "[", err);
    while (!rc && *p) {
        size_t n = strcspn(p, " ");

        if (n) {
            if (!first)
                rc = ah_buf_appends(b, ",", err);
            if (!rc)
                rc = string(b, p, n, err);
            first = false;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    return rc ? rc : ah_buf_appends(b, "]", err);
}

enum ah_err ah_jsonw_int(struct ah_buf *b, const char *k, int64_t v, struct ah_error *err)
{
    enum ah_err rc = key(b, k, err);

    return rc ? rc : ah_buf_appendf(b, err, "%" PRId64, v);
}

enum ah_err ah_jsonw_bool(struct ah_buf *b, const char *k, bool v, struct ah_error *err)
{
    enum ah_err rc = key(b, k, err);

    return rc ? rc : ah_buf_appends(b, v ? "true" : "false", err);
}

enum ah_err ah_jsonw_end(struct ah_buf *b, struct ah_error *err)
{
    return ah_buf_appends(b, b->len ? "}" : "{}", err);
}
