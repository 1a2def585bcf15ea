/* auth.c - Cookie (RFC 6265 section 5.4) and Authorization (RFC 6750)
 * header parsing. */
#include "http/auth.h"

#include <string.h>

#include "core/limits.h"

struct ah_str ah_auth_cookie(struct ah_str h, const char *name)
{
    size_t nl = strlen(name), i = 0;

    if (!h.p || h.len > AH_MAX_HEADER)
        return AH_STR_NULL;
    while (i < h.len) {
        size_t start, eq, end;

        while (i < h.len && (h.p[i] == ' ' || h.p[i] == ';'))
            i++;
        start = i;
        while (i < h.len && h.p[i] != ';')
            i++;
        end = i;
        eq = start;
        while (eq < end && h.p[eq] != '=')
            eq++;
        if (eq < end && eq - start == nl && memcmp(h.p + start, name, nl) == 0) {
            struct ah_str v = {h.p + eq + 1, end - eq - 1};

            v = ah_str_trim(v);
            if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
                v.p++;
                v.len -= 2;
            }
            return v;
        }
    }
    return AH_STR_NULL;
}

struct ah_str ah_auth_bearer(struct ah_str h)
{
    struct ah_str t;

    if (!h.p || h.len > AH_MAX_HEADER || h.len < 7)
        return AH_STR_NULL;
    if (!ah_str_ieq_c((struct ah_str){h.p, 7}, "bearer "))
        return AH_STR_NULL;
    t = ah_str_trim((struct ah_str){h.p + 7, h.len - 7});
    for (size_t i = 0; i < t.len; i++)
        if (t.p[i] == ' ' || t.p[i] == '\t')
            return AH_STR_NULL;
    return t.len ? t : AH_STR_NULL;
}
