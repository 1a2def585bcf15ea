/* fuzz_textmatch.c - a regular expression, a phrase and a text from the
 * input, one line each (the text is the rest). The set compiles, or refuses
 * with invalid; a scan of valid UTF-8 finds exactly the hits a plain PCRE2
 * loop finds for the regex (the literal shortcuts miss nothing); every hit
 * lies inside the text on code points, with UTF-16 offsets that agree; and
 * ah_tm_which reports the patterns the scan found. No store is opened. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "core/textmatch.h"
#include "fuzz.h"

#define MAX_REF 600

/* The regex's non-empty, non-overlapping matches, as the scan defines them;
 * -1 when PCRE2 gave up (its limits): then nothing is compared. */
static long reference(const char *re_text, const char *t, size_t n, size_t *out)
{
    int code;
    PCRE2_SIZE off, from = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)re_text, PCRE2_ZERO_TERMINATED,
                                   PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP, &code, &off, NULL);
    pcre2_match_data *md;
    long k = 0;

    CHECK(re != NULL); /* ah_tm_compile took it */
    md = pcre2_match_data_create(1, NULL);
    CHECK(md != NULL);
    while (from <= n && k < MAX_REF) {
        int rc = pcre2_match(re, (PCRE2_SPTR)t, n, from, 0, md, NULL);
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

        if (rc < 0) {
            if (rc != PCRE2_ERROR_NOMATCH)
                k = -1;
            break;
        }
        if (ov[1] > ov[0]) {
            out[2 * k] = ov[0];
            out[2 * k + 1] = ov[1];
            k++;
            from = ov[1];
            continue;
        }
        if (ov[0] >= n)
            break;
        from = ov[0] + 1;
        while (from < n && (t[from] & 0xC0) == 0x80)
            from++;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return k;
}

static size_t u16_of(const char *s, size_t n)
{
    size_t u = 0;

    for (size_t i = 0; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            u += (unsigned char)s[i] >= 0xF0 ? 2 : 1;
    return u;
}

static void check_hits(const char *t, size_t n, const struct ah_tm_hit *h, size_t nh,
                       size_t npat)
{
    for (size_t i = 0; i < nh; i++) {
        CHECK(h[i].pattern < npat);
        CHECK(h[i].byte_start < h[i].byte_end && h[i].byte_end <= n);
        CHECK((t[h[i].byte_start] & 0xC0) != 0x80);
        CHECK(h[i].byte_end == n || (t[h[i].byte_end] & 0xC0) != 0x80);
        CHECK(h[i].u16_start == u16_of(t, h[i].byte_start));
        CHECK(h[i].u16_end == u16_of(t, h[i].byte_end));
        CHECK(!i || h[i - 1].byte_start < h[i].byte_start ||
              (h[i - 1].byte_start == h[i].byte_start && h[i - 1].pattern < h[i].pattern));
    }
}

static void check_regex(const char *re_text, const char *t, size_t n,
                        const struct ah_tm_hit *h, size_t nh)
{
    static size_t ref[2 * MAX_REF];
    long k = reference(re_text, t, n, ref);
    size_t j = 0;

    if (k < 0 || k >= MAX_REF)
        return;
    for (size_t i = 0; i < nh; i++) {
        if (h[i].pattern != 0)
            continue;
        CHECK((long)j < k && h[i].byte_start == ref[2 * j] && h[i].byte_end == ref[2 * j + 1]);
        j++;
    }
    CHECK((long)j == k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1), *re_text, *phrase, *text, *nl;
    struct ah_tm_pattern p[2];
    struct ah_tm_set *set = NULL;
    struct ah_error err;
    struct ah_arena a;
    struct ah_tm_hit *h = NULL;
    size_t nh = 0, n, np = 0;
    uint8_t m[1];
    enum ah_err rc;

    CHECK(in != NULL);
    memcpy(in, data, size);
    in[size] = '\0';
    re_text = in;
    nl = strchr(re_text, '\n');
    phrase = nl ? nl + 1 : in + size;
    if (nl)
        *nl = '\0';
    nl = strchr(phrase, '\n');
    text = nl ? nl + 1 : in + size;
    if (nl)
        *nl = '\0';
    n = (size_t)(in + size - text);
    p[np++] = (struct ah_tm_pattern){AH_TM_REGEX, re_text};
    if (ah_tm_check(AH_TM_PHRASE, phrase, NULL, &err) == AH_OK)
        p[np++] = (struct ah_tm_pattern){AH_TM_PHRASE, phrase};
    rc = ah_tm_compile(p, np, &set, &err);
    if (rc) {
        CHECK(rc == AH_E_INVALID && err.code == rc && set == NULL);
        free(in);
        return 0;
    }
    ah_arena_init(&a);
    rc = ah_tm_scan(set, text, n, NULL, SIZE_MAX, &a, &h, &nh, &err);
    if (rc) {
        CHECK(rc == AH_E_INVALID && !ah_utf8_valid(text, n));
    } else {
        check_hits(text, n, h, nh, np);
        check_regex(re_text, text, n, h, nh);
        CHECK(ah_tm_which(set, text, n, NULL, m, &err) == AH_OK);
        for (size_t i = 0; i < np; i++) {
            bool found = false;

            for (size_t k = 0; k < nh && !found; k++)
                found = h[k].pattern == i;
            CHECK(found == (bool)((m[0] >> i) & 1));
        }
    }
    ah_arena_release(&a);
    ah_tm_free(set);
    free(in);
    return 0;
}
