/* test_textmatch.c - src/core/textmatch.c: phrases and regular expressions
 * over one text, as a lint or a routing rule sees them: offsets in bytes and
 * UTF-16 over emoji, accents and CJK, case and word boundaries, white space
 * and apostrophes, regex hits and their empty matches, refusals (bad UTF-8,
 * bad regex, caps), the want filter, max_hits, ah_tm_which and threads. No
 * database. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/textmatch.h"
#include "fixture.h"

/* ---- helpers ---- */

/* A set of phrases (kinds[i] 'p') and regexes ('r'); fails the test if refused. */
static struct ah_tm_set *compile(const char *kinds, const char *const *texts)
{
    struct ah_error err = {0};
    struct ah_tm_pattern p[64];
    struct ah_tm_set *set = NULL;
    size_t n = strlen(kinds);

    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++)
        p[i] = (struct ah_tm_pattern){kinds[i] == 'r' ? AH_TM_REGEX : AH_TM_PHRASE, texts[i]};
    assert_ok(ah_tm_compile(p, n, &set, &err));
    assert_int_equal(ah_tm_count(set), n);
    return set;
}

static struct ah_tm_set *phrase(const char *text)
{
    return compile("p", (const char *const[]){text});
}

static struct ah_tm_set *regex(const char *text)
{
    return compile("r", (const char *const[]){text});
}

/* All hits of set in text, in a. */
static size_t scan(const struct ah_tm_set *set, const char *text, struct ah_arena *a,
                   struct ah_tm_hit **hits)
{
    struct ah_error err = {0};
    size_t n = 99;

    assert_ok(ah_tm_scan(set, text, strlen(text), NULL, 1000, a, hits, &n, &err));
    return n;
}

/* UTF-16 units in the first n bytes of s, counted the slow way. */
static size_t u16_of(const char *s, size_t n)
{
    size_t u = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c & 0xC0) != 0x80)
            u += c >= 0xF0 ? 2 : 1;
    }
    return u;
}

/* Fails unless h covers text[bs..be) and its UTF-16 offsets agree. */
static void assert_hit(const char *text, const struct ah_tm_hit *h, uint32_t pattern, size_t bs,
                       size_t be)
{
    assert_int_equal(h->pattern, pattern);
    assert_int_equal(h->byte_start, bs);
    assert_int_equal(h->byte_end, be);
    assert_int_equal(h->u16_start, u16_of(text, bs));
    assert_int_equal(h->u16_end, u16_of(text, be));
}

/* Byte offset of the first needle in text. */
static size_t at(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);

    assert_non_null(p);
    return (size_t)(p - text);
}

/* ---- offsets ---- */

static void test_textmatch_emoji_offsets(void **state)
{
    struct ah_tm_set *set = phrase("just");
    struct ah_arena a;
    struct ah_tm_hit *h;

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, "😀 just do it", &a, &h), 1);
    assert_int_equal(h[0].byte_start, 5);
    assert_int_equal(h[0].byte_end, 9);
    assert_int_equal(h[0].u16_start, 3);
    assert_int_equal(h[0].u16_end, 7);
    /* two emoji, one of them a sequence with a joiner */
    const char *t = "👩‍💻😀 just";
    assert_int_equal(scan(set, t, &a, &h), 1);
    assert_hit(t, &h[0], 0, at(t, "just"), at(t, "just") + 4);
    assert_int_equal(h[0].u16_start, 8); /* 2 + 1 + 2 + 2 + 1 */
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_accent_offsets(void **state)
{
    struct ah_tm_set *set = compile("pp", (const char *const[]){"just", "café"});
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *pre = "Déjà vu: just a café";       /* precomposed */
    const char *comb = "De\u0301ja\u0300 vu: just a cafe\u0301"; /* combining marks */

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, pre, &a, &h), 2);
    assert_hit(pre, &h[0], 0, at(pre, "just"), at(pre, "just") + 4);
    assert_int_equal(h[0].u16_start, 9);
    assert_hit(pre, &h[1], 1, at(pre, "café"), strlen(pre));
    assert_int_equal(scan(set, comb, &a, &h), 2);
    assert_hit(comb, &h[0], 0, at(comb, "just"), at(comb, "just") + 4);
    assert_int_equal(h[0].u16_start, 11); /* each mark is a unit of its own */
    /* the combining form of café matches the precomposed phrase, mark included */
    assert_hit(comb, &h[1], 1, at(comb, "cafe"), strlen(comb));
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_cjk_and_mixed_offsets(void **state)
{
    struct ah_tm_set *set = compile("ppr", (const char *const[]){"just", "退款", "\\bwait\\b"});
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *cjk = "你好 just 好";
    const char *mixed = "Ça va 😀 申请「退款」 — just wait 🎉 naïve WAIT";

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, cjk, &a, &h), 1);
    assert_int_equal(h[0].byte_start, 7);
    assert_int_equal(h[0].byte_end, 11);
    assert_int_equal(h[0].u16_start, 3);
    assert_int_equal(h[0].u16_end, 7);
    assert_int_equal(scan(set, mixed, &a, &h), 4);
    assert_hit(mixed, &h[0], 1, at(mixed, "退款"), at(mixed, "退款") + 6);
    assert_hit(mixed, &h[1], 0, at(mixed, "just"), at(mixed, "just") + 4);
    assert_hit(mixed, &h[2], 2, at(mixed, "wait"), at(mixed, "wait") + 4);
    assert_hit(mixed, &h[3], 2, at(mixed, "WAIT"), at(mixed, "WAIT") + 4);
    /* CJK has no spaces: a phrase inside a run of ideographs has no boundary */
    assert_int_equal(scan(set, "申请退款了", &a, &h), 0);
    ah_arena_release(&a);
    ah_tm_free(set);
}

/* ---- case, boundaries, white space, apostrophes ---- */

static void test_textmatch_case_insensitive(void **state)
{
    struct ah_tm_set *set = compile("pp", (const char *const[]){"just", "été"});
    struct ah_tm_set *upper = phrase("ÉTÉ");
    struct ah_tm_set *ss = phrase("strasse");
    struct ah_tm_set *stras = phrase("stras");
    struct ah_arena a;
    struct ah_tm_hit *h;

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, "JUST. Just. just. jUsT", &a, &h), 4);
    assert_int_equal(scan(set, "ÉTÉ, Été, été", &a, &h), 3);
    assert_hit("ÉTÉ, Été, été", &h[0], 1, 0, 5);
    assert_int_equal(scan(upper, "cet été", &a, &h), 1);
    assert_hit("cet été", &h[0], 0, 4, 9);
    /* full case folding: ß is ss */
    assert_int_equal(scan(ss, "Straße 5, STRASSE, Hauptstraße", &a, &h), 2);
    assert_hit("Straße 5, STRASSE, Hauptstraße", &h[0], 0, 0, 7);
    assert_hit("Straße 5, STRASSE, Hauptstraße", &h[1], 0, 11, 18);
    /* a hit never ends inside what one code point folded into */
    assert_int_equal(scan(stras, "straße", &a, &h), 0);
    ah_arena_release(&a);
    ah_tm_free(set);
    ah_tm_free(upper);
    ah_tm_free(ss);
    ah_tm_free(stras);
}

static void test_textmatch_word_boundaries(void **state)
{
    struct ah_tm_set *set = phrase("just");
    struct ah_tm_set *paren = compile("pp", (const char *const[]){"(beta)", "e.g."});
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *ok = "just, (just) \"just\" just. just";

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, "justice adjust unjust just_ just1 justé 1just", &a, &h), 0);
    assert_int_equal(scan(set, ok, &a, &h), 5);
    assert_hit(ok, &h[0], 0, 0, 4);
    assert_hit(ok, &h[1], 0, 7, 11);
    assert_hit(ok, &h[4], 0, strlen(ok) - 4, strlen(ok));
    /* a combining mark after the word belongs to it */
    assert_int_equal(scan(set, "juste\u0301 just\u0301", &a, &h), 0);
    /* a phrase edged by punctuation needs no boundary on that side */
    assert_int_equal(scan(paren, "v2(beta)x and e.g.x, but not ie.g.", &a, &h), 2);
    assert_hit("v2(beta)x and e.g.x, but not ie.g.", &h[0], 0, 2, 8);
    assert_hit("v2(beta)x and e.g.x, but not ie.g.", &h[1], 1, 14, 18);
    ah_arena_release(&a);
    ah_tm_free(set);
    ah_tm_free(paren);
}

static void test_textmatch_white_space_runs(void **state)
{
    struct ah_tm_set *set = phrase("sorry for the inconvenience");
    struct ah_tm_set *padded = phrase("  sorry \t for  ");
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *t = "We are Sorry  for\nthe \t\r\n inconvenience!";
    const char *nbsp = "sorry\u00a0for\u2003the inconvenience";

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, t, &a, &h), 1);
    assert_hit(t, &h[0], 0, at(t, "Sorry"), strlen(t) - 1);
    assert_int_equal(scan(set, nbsp, &a, &h), 1);
    assert_hit(nbsp, &h[0], 0, 0, strlen(nbsp));
    assert_int_equal(scan(set, "sorry forthe inconvenience", &a, &h), 0);
    /* the phrase's own white space is folded and trimmed the same way */
    assert_int_equal(scan(padded, "so sorry\nfor that", &a, &h), 1);
    assert_hit("so sorry\nfor that", &h[0], 0, 3, 12);
    ah_arena_release(&a);
    ah_tm_free(set);
    ah_tm_free(padded);
}

static void test_textmatch_typographic_apostrophe(void **state)
{
    struct ah_tm_set *set = phrase("you didn't");
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *t = "You didn\u2019t; you didn't; you didnt";

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, t, &a, &h), 2);
    assert_hit(t, &h[0], 0, 0, 12); /* U+2019 is 3 bytes, 1 unit */
    assert_int_equal(h[0].u16_end, 10);
    assert_hit(t, &h[1], 0, 14, 24);
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_phrases_sharing_suffixes(void **state)
{
    /* "york" ends inside "new york"; "ha ha" overlaps itself */
    struct ah_tm_set *set = compile("ppp", (const char *const[]){"new york", "york", "ha ha"});
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *t = "New York, york. ha ha ha ha ha";

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, t, &a, &h), 5);
    assert_hit(t, &h[0], 0, 0, 8);
    assert_hit(t, &h[1], 1, 4, 8);
    assert_hit(t, &h[2], 1, 10, 14);
    /* leftmost, non-overlapping: ha ha | ha ha | ha */
    assert_hit(t, &h[3], 2, 16, 21);
    assert_hit(t, &h[4], 2, 22, 27);
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_same_phrase_twice(void **state)
{
    struct ah_tm_set *set = compile("pp", (const char *const[]){"Just", "JUST"});
    struct ah_arena a;
    struct ah_tm_hit *h;

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, "just", &a, &h), 2);
    assert_hit("just", &h[0], 0, 0, 4);
    assert_hit("just", &h[1], 1, 0, 4);
    ah_arena_release(&a);
    ah_tm_free(set);
}

/* ---- regular expressions ---- */

static void test_textmatch_regex_hits(void **state)
{
    struct ah_tm_set *set = regex("\\bnext (week|month)\\b");
    struct ah_tm_set *many = regex("\\d+");
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *t = "😀 NEXT WEEK or next month, not nextweek";

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, t, &a, &h), 2);
    assert_hit(t, &h[0], 0, 5, 14);
    assert_int_equal(h[0].u16_start, 3);
    assert_hit(t, &h[1], 0, at(t, "next month"), at(t, "next month") + 10);
    assert_int_equal(scan(many, "a1 22 é333 4444", &a, &h), 4);
    assert_hit("a1 22 é333 4444", &h[0], 0, 1, 2);
    assert_hit("a1 22 é333 4444", &h[1], 0, 3, 5);
    assert_hit("a1 22 é333 4444", &h[2], 0, 8, 11);
    assert_hit("a1 22 é333 4444", &h[3], 0, 12, 16);
    ah_arena_release(&a);
    ah_tm_free(set);
    ah_tm_free(many);
}

static void test_textmatch_regex_ucp(void **state)
{
    struct ah_tm_set *set = regex("\\bcaf\\w\\b");
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *t = "CAFÉ, café, cafés";

    (void)state;
    ah_arena_init(&a);
    /* caseless and UCP: \w takes É and é, \b sees the s after é as a letter */
    assert_int_equal(scan(set, t, &a, &h), 2);
    assert_hit(t, &h[0], 0, 0, 5);
    assert_hit(t, &h[1], 0, 7, 12);
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_overlapping_patterns(void **state)
{
    struct ah_tm_set *set = compile("rpp", (const char *const[]){"sorry\\s+for\\s+\\w+", "sorry",
                                                                "for the inconvenience"});
    struct ah_arena a;
    struct ah_tm_hit *h;
    const char *t = "Sorry for the inconvenience. sorry";

    (void)state;
    ah_arena_init(&a);
    assert_int_equal(scan(set, t, &a, &h), 4);
    /* sorted by start, then by pattern */
    assert_hit(t, &h[0], 0, 0, 13);
    assert_hit(t, &h[1], 1, 0, 5);
    assert_hit(t, &h[2], 2, 6, 27);
    assert_hit(t, &h[3], 1, 29, 34);
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_empty_matches_are_safe(void **state)
{
    struct ah_tm_set *set = compile("rrrr", (const char *const[]){"x*", "a*", "(?=é)", "\\b"});
    struct ah_arena a;
    struct ah_tm_hit *h;
    struct ah_error err = {0};
    uint8_t m[1];
    const char *t = "bé aa 😀 b";

    (void)state;
    ah_arena_init(&a);
    /* only "aa" is a non-empty match; the empty ones move on, code point by code point */
    assert_int_equal(scan(set, t, &a, &h), 1);
    assert_hit(t, &h[0], 1, 4, 6);
    assert_int_equal(scan(set, "", &a, &h), 0);
    assert_ok(ah_tm_which(set, t, strlen(t), NULL, m, &err));
    assert_int_equal(m[0], 0x2);
    ah_arena_release(&a);
    ah_tm_free(set);
}

/* The scan skips a regex whose literals are not in the text and tries one
 * whose matches start with a literal only there: every match must still be
 * found, whatever case, white space, sign or form the text uses. */
static void test_textmatch_regex_shortcuts_miss_nothing(void **state)
{
    static const char *const pats[] = {
        "\\bnext\\s+week\\b", " the", "kelvin", "\\b(mon|fri)day\\b", "\\d+\\s*(%|percent)",
        "secret", "stra\u00dfe", "don['\\x{2019}]t", "(?:we|you) will", "\\bv?\\d+\\.\\d+\\b",
    };
    static const struct {
        const char *text;
        size_t hits;
    } cases[] = {
        {"NEXT\tWEEK, next\n\nweek", 2},
        {"see  the   the", 2},         /* after a run of spaces: the last one starts it */
        {"\u212aelvin and KELVIN", 2},  /* the Kelvin sign is a k */
        {"FRIDAY monday sunday", 2},
        {"50 percent, 10%", 2},
        {"\u017fecret SECRET", 2},       /* long s */
        {"STRASSE stra\u00dfe STRA\u1e9eE", 2}, /* simple folding: not SS, but capital sharp s */
        {"don\u2019t DON'T", 2},
        {"You will; we   will", 1},
        {"v1.2 and 3.4.5", 2},
    };
    const char *kinds = "rrrrrrrrrr";
    struct ah_tm_set *set = compile(kinds, pats);
    struct ah_arena a;
    struct ah_tm_hit *h;

    (void)state;
    ah_arena_init(&a);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = scan(set, cases[i].text, &a, &h);

        if (n != cases[i].hits)
            fail_msg("\"%s\": want %zu hits, got %zu", cases[i].text, cases[i].hits, n);
    }
    ah_arena_release(&a);
    ah_tm_free(set);
}

/* Hits of re in t by a plain PCRE2 loop (non-empty, non-overlapping): what
 * the scan must find, shortcuts or not. */
static size_t plain_pcre2(const char *re_text, const char *t, size_t *out, size_t max)
{
    int code;
    PCRE2_SIZE off, from = 0, n = strlen(t);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)re_text, PCRE2_ZERO_TERMINATED,
                                   PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP, &code, &off, NULL);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    size_t k = 0;

    assert_non_null(re);
    while (from <= n && k < max && pcre2_match(re, (PCRE2_SPTR)t, n, from, 0, md, NULL) >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

        if (ov[1] > ov[0]) {
            out[2 * k] = ov[0];
            out[2 * k + 1] = ov[1];
            k++;
            from = ov[1];
        } else {
            from = ov[0] + 1;
            while (from < n && (t[from] & 0xC0) == 0x80)
                from++;
        }
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return k;
}

/* Regexes in syntax the literal reader follows, half follows or refuses:
 * each finds what PCRE2 alone finds. */
static void test_textmatch_regex_reader_agrees_with_pcre2(void **state)
{
    static const char *const pats[] = {
        "[!-\\]]+", "[\\]-z]+x", "[a-\\x{7a}]q", "[\\w.-]+@\\w+", "[é-ü]+", "(?i)NEXT",
        "(?-i)Next", "(?<=by )q[1-4]", "(?<w>the)\\s+\\k<w>", "\\Qa.b\\E", "a{2,}", "a{,2}",
        "\\p{Lu}\\w+", "(?:x|y)?z", "a|", "\\Gthe", "th(?=e)", "[[:upper:]]{2}", "\\x{212a}elvin",
        "\\d+(?:st|nd)\\b", "(refund){2}", "[^a-z ]{2}",
    };
    static const char *const texts[] = {
        "Next week: the the 1st and 2nd by Q3, a.b aaa zz-top [x] \u212aelvin R\u00e9sum\u00e9 XY!",
        "xz yz z, ] ^_` ~~ bob-x@mail.example, refundrefund, NEXT next Next, \u00e9t\u00e9 \u00fc\u00e0",
        "",
    };
    struct ah_arena a;

    (void)state;
    ah_arena_init(&a);
    for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
        struct ah_tm_set *set = regex(pats[i]);

        for (size_t j = 0; j < sizeof(texts) / sizeof(texts[0]); j++) {
            size_t want[200], nw = plain_pcre2(pats[i], texts[j], want, 100);
            struct ah_tm_hit *h;
            size_t n = scan(set, texts[j], &a, &h);

            if (n != nw)
                fail_msg("/%s/ in \"%s\": want %zu hits, got %zu", pats[i], texts[j], nw, n);
            for (size_t k = 0; k < n; k++)
                if (h[k].byte_start != want[2 * k] || h[k].byte_end != want[2 * k + 1])
                    fail_msg("/%s/ in \"%s\": hit %zu differs", pats[i], texts[j], k);
        }
        ah_tm_free(set);
    }
    ah_arena_release(&a);
}

/* ---- refusals ---- */

static void test_textmatch_invalid_utf8_refused(void **state)
{
    struct ah_tm_set *set = compile("pr", (const char *const[]){"just", "j"});
    static const char *const bad[] = {
        "just \xff",        /* never in UTF-8 */
        "\xc0\xaf just",    /* overlong */
        "just \xed\xa0\x80", /* a surrogate */
        "just \xe2\x82",    /* cut short */
        "just \xf4\x90\x80\x80", /* past U+10FFFF */
        "\x80 just",        /* a lone continuation byte */
    };
    struct ah_error err = {0};
    struct ah_arena a;
    struct ah_tm_hit *h = (struct ah_tm_hit *)&err;
    size_t n = 7;
    uint8_t m[1];

    (void)state;
    ah_arena_init(&a);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_code(AH_E_INVALID, ah_tm_scan(set, bad[i], strlen(bad[i]), NULL, 10, &a, &h, &n,
                                             &err));
        assert_non_null(strstr(err.msg, "UTF-8"));
        assert_code(AH_E_INVALID, ah_tm_which(set, bad[i], strlen(bad[i]), NULL, m, &err));
    }
    assert_int_equal(n, 7); /* out-params untouched */
    /* a NUL byte is valid UTF-8 and ends no word */
    assert_ok(ah_tm_scan(set, "a\0just", 6, NULL, 10, &a, &h, &n, &err));
    assert_int_equal(n, 2); /* "just" and the regex's j */
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_bad_regex(void **state)
{
    struct ah_error err = {0};
    struct ah_tm_pattern p[] = {{AH_TM_PHRASE, "fine"}, {AH_TM_REGEX, "(ab"}};
    struct ah_tm_set *set = NULL;
    long off = 99;

    (void)state;
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_REGEX, "(ab", &off, &err));
    assert_int_equal(err.code, AH_E_INVALID);
    assert_string_equal(err.msg, "PCRE2 error at offset 3: missing closing parenthesis");
    assert_int_equal(off, 3);
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_REGEX, "a{2,1}", &off, &err));
    assert_int_equal(off, 5);
    assert_non_null(strstr(err.msg, "PCRE2 error at offset 5: "));
    /* \C would match half of a character */
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_REGEX, "x|\\C", &off, &err));
    assert_int_equal(off, 4);
    /* a regex that is not UTF-8 */
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_REGEX, "ab\xff", &off, &err));
    assert_int_equal(off, 2);
    assert_ok(ah_tm_check(AH_TM_REGEX, "\\bnext\\s+week\\b", &off, &err));
    assert_int_equal(off, -1);
    /* compile says which pattern */
    assert_code(AH_E_INVALID, ah_tm_compile(p, 2, &set, &err));
    assert_null(set);
    assert_string_equal(err.msg, "pattern 1: PCRE2 error at offset 3: missing closing parenthesis");
}

static void test_textmatch_phrase_refusals(void **state)
{
    struct ah_error err = {0};
    long off = 99;
    char *big = malloc(AH_TM_PATTERN_MAX + 2);

    (void)state;
    assert_non_null(big);
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_PHRASE, "!!! ...", &off, &err));
    assert_non_null(strstr(err.msg, "no word"));
    assert_int_equal(off, -1);
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_PHRASE, "  ", &off, &err));
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_PHRASE, "", &off, &err));
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_PHRASE, "a\xff", &off, &err));
    assert_ok(ah_tm_check(AH_TM_PHRASE, "(ok)", &off, &err));
    assert_ok(ah_tm_check(AH_TM_PHRASE, "_", &off, &err));
    /* the cap: at it and one past it, for both kinds */
    memset(big, 'a', AH_TM_PATTERN_MAX);
    big[AH_TM_PATTERN_MAX] = '\0';
    assert_ok(ah_tm_check(AH_TM_PHRASE, big, &off, &err));
    assert_ok(ah_tm_check(AH_TM_REGEX, big, &off, &err));
    big[AH_TM_PATTERN_MAX] = 'a';
    big[AH_TM_PATTERN_MAX + 1] = '\0';
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_PHRASE, big, &off, &err));
    assert_non_null(strstr(err.msg, "1001 bytes"));
    assert_code(AH_E_INVALID, ah_tm_check(AH_TM_REGEX, big, &off, &err));
    assert_int_equal(off, -1);
    free(big);
}

static void test_textmatch_text_cap(void **state)
{
    struct ah_tm_set *set = phrase("end");
    struct ah_error err = {0};
    struct ah_arena a;
    struct ah_tm_hit *h;
    size_t n;
    uint8_t m[1];
    char *t = malloc(AH_TM_TEXT_MAX + 1);

    (void)state;
    assert_non_null(t);
    ah_arena_init(&a);
    memset(t, ' ', AH_TM_TEXT_MAX + 1);
    memcpy(t + AH_TM_TEXT_MAX - 3, "end", 3);
    assert_ok(ah_tm_scan(set, t, AH_TM_TEXT_MAX, NULL, 10, &a, &h, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(h[0].byte_end, AH_TM_TEXT_MAX);
    assert_int_equal(h[0].u16_end, AH_TM_TEXT_MAX);
    assert_code(AH_E_TOO_LARGE, ah_tm_scan(set, t, AH_TM_TEXT_MAX + 1, NULL, 10, &a, &h, &n,
                                           &err));
    assert_code(AH_E_TOO_LARGE, ah_tm_which(set, t, AH_TM_TEXT_MAX + 1, NULL, m, &err));
    ah_arena_release(&a);
    ah_tm_free(set);
    free(t);
}

/* ---- want, max_hits, which ---- */

static void test_textmatch_want_filters(void **state)
{
    struct ah_tm_set *set =
        compile("ppr", (const char *const[]){"just", "simply", "\\beasy\\b"});
    struct ah_error err = {0};
    struct ah_arena a;
    struct ah_tm_hit *h;
    size_t n;
    const char *t = "just simply easy";
    uint8_t want = 0x6, none = 0;

    (void)state;
    ah_arena_init(&a);
    assert_ok(ah_tm_scan(set, t, strlen(t), &want, 10, &a, &h, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(h[0].pattern, 1);
    assert_int_equal(h[1].pattern, 2);
    assert_ok(ah_tm_scan(set, t, strlen(t), &none, 10, &a, &h, &n, &err));
    assert_int_equal(n, 0);
    assert_null(h);
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_max_hits_keeps_the_first(void **state)
{
    struct ah_tm_set *set = compile("pr", (const char *const[]){"ab", "\\bcd\\b"});
    struct ah_error err = {0};
    struct ah_arena a;
    struct ah_tm_hit *h;
    size_t n;
    char t[4000];
    size_t len = 0;

    (void)state;
    ah_arena_init(&a);
    /* 500 x "ab cd ": 1000 hits, alternating patterns */
    for (int i = 0; i < 500; i++) {
        memcpy(t + len, "ab cd ", 6);
        len += 6;
    }
    assert_ok(ah_tm_scan(set, t, len, NULL, 7, &a, &h, &n, &err));
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(h[i].pattern, i % 2);
        assert_int_equal(h[i].byte_start, (i / 2) * 6 + (i % 2) * 3);
    }
    assert_ok(ah_tm_scan(set, t, len, NULL, 1000, &a, &h, &n, &err));
    assert_int_equal(n, 1000);
    assert_int_equal(h[999].byte_start, 499 * 6 + 3);
    assert_ok(ah_tm_scan(set, t, len, NULL, 0, &a, &h, &n, &err));
    assert_int_equal(n, 0);
    ah_arena_release(&a);
    ah_tm_free(set);
}

static void test_textmatch_which(void **state)
{
    struct ah_tm_set *set = compile("pprrp", (const char *const[]){"refund", "invoice", "\\bvat\\b",
                                                                  "urgent|asap", "chargeback"});
    struct ah_error err = {0};
    const char *t = "Need a REFUND asap, VAT included; refund again";
    uint8_t m[1] = {0xff}, want = 0x1D;

    (void)state;
    assert_ok(ah_tm_which(set, t, strlen(t), NULL, m, &err));
    assert_int_equal(m[0], 0x1 | 0x4 | 0x8);
    assert_ok(ah_tm_which(set, t, strlen(t), &want, m, &err));
    assert_int_equal(m[0], 0x1 | 0x4 | 0x8);
    want = 0x2;
    assert_ok(ah_tm_which(set, t, strlen(t), &want, m, &err));
    assert_int_equal(m[0], 0);
    ah_tm_free(set);
}

static void test_textmatch_empty_set(void **state)
{
    struct ah_tm_set *set = NULL;
    struct ah_error err = {0};
    struct ah_arena a;
    struct ah_tm_hit *h;
    size_t n;
    uint8_t m[1];

    (void)state;
    ah_arena_init(&a);
    assert_ok(ah_tm_compile(NULL, 0, &set, &err));
    assert_int_equal(ah_tm_count(set), 0);
    assert_ok(ah_tm_scan(set, "just", 4, NULL, 10, &a, &h, &n, &err));
    assert_int_equal(n, 0);
    assert_ok(ah_tm_which(set, "just", 4, NULL, m, &err));
    ah_tm_free(set);
    ah_tm_free(NULL);
    ah_arena_release(&a);
}

/* ---- threads ---- */

struct job {
    const struct ah_tm_set *set;
    const char *text;
    size_t want_hits;
    int failures;
};

static void *scan_many(void *arg)
{
    struct job *j = arg;
    struct ah_error err = {0};

    for (int i = 0; i < 300; i++) {
        struct ah_arena a;
        struct ah_tm_hit *h;
        size_t n = 0;

        ah_arena_init(&a);
        if (ah_tm_scan(j->set, j->text, strlen(j->text), NULL, 100, &a, &h, &n, &err) ||
            n != j->want_hits)
            j->failures++;
        ah_arena_release(&a);
    }
    return NULL;
}

static void test_textmatch_threads_share_a_set(void **state)
{
    struct ah_tm_set *set = compile("pprr", (const char *const[]){"just", "sorry", "\\bnext\\s+week\\b",
                                                                 "\\d+"});
    const char *t = "Sorry, just 2 things: next week, 😀 just 30 more. Sorry!";
    pthread_t th[4];
    struct job jobs[4];

    (void)state;
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){set, t, 7, 0};
        assert_int_equal(pthread_create(&th[i], NULL, scan_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].failures, 0);
    }
    ah_tm_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textmatch_emoji_offsets),
        cmocka_unit_test(test_textmatch_accent_offsets),
        cmocka_unit_test(test_textmatch_cjk_and_mixed_offsets),
        cmocka_unit_test(test_textmatch_case_insensitive),
        cmocka_unit_test(test_textmatch_word_boundaries),
        cmocka_unit_test(test_textmatch_white_space_runs),
        cmocka_unit_test(test_textmatch_typographic_apostrophe),
        cmocka_unit_test(test_textmatch_phrases_sharing_suffixes),
        cmocka_unit_test(test_textmatch_same_phrase_twice),
        cmocka_unit_test(test_textmatch_regex_hits),
        cmocka_unit_test(test_textmatch_regex_ucp),
        cmocka_unit_test(test_textmatch_overlapping_patterns),
        cmocka_unit_test(test_textmatch_empty_matches_are_safe),
        cmocka_unit_test(test_textmatch_regex_shortcuts_miss_nothing),
        cmocka_unit_test(test_textmatch_regex_reader_agrees_with_pcre2),
        cmocka_unit_test(test_textmatch_invalid_utf8_refused),
        cmocka_unit_test(test_textmatch_bad_regex),
        cmocka_unit_test(test_textmatch_phrase_refusals),
        cmocka_unit_test(test_textmatch_text_cap),
        cmocka_unit_test(test_textmatch_want_filters),
        cmocka_unit_test(test_textmatch_max_hits_keeps_the_first),
        cmocka_unit_test(test_textmatch_which),
        cmocka_unit_test(test_textmatch_empty_set),
        cmocka_unit_test(test_textmatch_threads_share_a_set),
    };

    return cmocka_run_group_tests_name("textmatch", tests, NULL, NULL);
}
