/* fuzz_auth.c - a header value as the Cookie and the Authorization header.
 * What comes back is a view of the header: it must lie inside it and be
 * the part the grammar names. Resolving the secret needs the store, so it
 * is left to the unit and API tests. */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "fuzz.h"
#include "http/auth.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool inside(struct ah_str v, struct ah_str h)
{
    return v.p >= h.p && v.len <= h.len && (size_t)(v.p - h.p) <= h.len - v.len;
}

static bool all_space(const char *p, const char *end)
{
    for (; p < end; p++)
        if (!is_space(*p))
            return false;
    return true;
}

/* A found value sits after "name=" (and optional space and quote) at the
 * start of a cookie-pair, and holds no ';'. */
static void check_cookie(struct ah_str h, const char *name)
{
    struct ah_str v = ah_auth_cookie(h, name);
    size_t nl = strlen(name);
    const char *q;

    if (!v.p)
        return;
    CHECK(h.len <= AH_MAX_HEADER && inside(v, h));
    CHECK(!memchr(v.p, ';', v.len));
    q = v.p;
    if (q > h.p && q[-1] == '"') {
        CHECK(q + v.len < h.p + h.len && q[v.len] == '"');
        q--;
    }
    while (q > h.p && is_space(q[-1]))
        q--;
    CHECK(q > h.p && q[-1] == '=');
    q--;
    CHECK((size_t)(q - h.p) >= nl && memcmp(q - nl, name, nl) == 0);
    q -= nl;
    while (q > h.p && q[-1] == ' ')
        q--;
    CHECK(q == h.p || q[-1] == ';');
}

/* A found token follows "Bearer " in any case, is trimmed and has no blank. */
static void check_bearer(struct ah_str h)
{
    struct ah_str t = ah_auth_bearer(h);

    if (!t.p)
        return;
    CHECK(h.len <= AH_MAX_HEADER && h.len >= 7 && inside(t, h));
    CHECK(ah_str_ieq_c((struct ah_str){h.p, 7}, "bearer "));
    CHECK(t.len > 0 && !memchr(t.p, ' ', t.len) && !memchr(t.p, '\t', t.len));
    CHECK(t.p >= h.p + 7 && all_space(h.p + 7, t.p));
    CHECK(!is_space(t.p[0]) && !is_space(t.p[t.len - 1]));
    CHECK(all_space(t.p + t.len, h.p + h.len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly size bytes, so any read past the header is caught */
    char *copy = malloc(size ? size : 1);
    struct ah_str h = {copy, size};

    CHECK(copy);
    if (size)
        memcpy(copy, data, size);
    check_cookie(h, AH_SESSION_COOKIE);
    check_cookie(h, "a");
    check_bearer(h);
    free(copy);
    return 0;
}
