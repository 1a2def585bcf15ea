/* str.c - borrowed string views, integer parsing and UTF-8 validation. */
#include "core/str.h"

#include <string.h>

struct ah_str ah_str_c(const char *s)
{
    struct ah_str v = {s, s ? strlen(s) : 0};

    return v;
}

bool ah_str_eq(struct ah_str a, struct ah_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool ah_str_eq_c(struct ah_str a, const char *s)
{
    return ah_str_eq(a, ah_str_c(s));
}

bool ah_str_is_null(struct ah_str s)
{
    return s.p == NULL;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

void ah_str_lower(char *s)
{
    for (; *s; s++)
        *s = lower(*s);
}

bool ah_str_ieq_c(struct ah_str a, const char *s)
{
    size_t n = strlen(s);

    if (a.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(a.p[i]) != lower(s[i]))
            return false;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct ah_str ah_str_trim(struct ah_str s)
{
    while (s.len && is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

enum ah_err ah_parse_i64(struct ah_str s, int64_t min, int64_t max, int64_t *out,
                         struct ah_error *err)
{
    size_t i = 0;
    bool neg = false;
    uint64_t v = 0, limit;

    if (s.len == 0 || s.len > 20)
        goto bad;
    if (s.p[0] == '-') {
        neg = true;
        i = 1;
        if (s.len == 1)
            goto bad;
    }
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < s.len; i++) {
        unsigned d;

        if (s.p[i] < '0' || s.p[i] > '9')
            goto bad;
        d = (unsigned)(s.p[i] - '0');
        if (v > (limit - d) / 10)
            goto bad;
        v = v * 10 + d;
    }
    {
        int64_t r = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v)
                        : (int64_t)v;

        if (r < min || r > max)
            goto bad;
        *out = r;
    }
    return AH_OK;
bad:
    return ah_error_set(err, AH_E_INVALID, "'%.*s' is not a number from %lld to %lld",
                        (int)(s.len > 40 ? 40 : s.len), s.p ? s.p : "", (long long)min,
                        (long long)max);
}

bool ah_utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp;

        if (c < 0x80) {
            if (c == 0)
                return false;
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

size_t ah_utf8_count(const char *p, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            c++;
    return c;
}

bool ah_str_index(struct ah_str s, const char *const *names, size_t n, int *out)
{
    for (size_t i = 0; i < n; i++)
        if (ah_str_eq_c(s, names[i])) {
            *out = (int)i;
            return true;
        }
    return false;
}
