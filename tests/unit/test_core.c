/* test_core.c - src/core: capped buffers, integer parsing, UTF-8 checks,
 * timestamps, the arena and the flat JSON writer. No database. */
#include <jansson.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/jsonw.h"
#include "core/str.h"
#include "core/time.h"
#include "fixture.h"

/* ---- ah_buf ---- */

static void test_core_buf_append_at_cap(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    ah_buf_init(&b, 8);
    assert_ok(ah_buf_appends(&b, "1234", &err));
    assert_ok(ah_buf_appends(&b, "5678", &err));
    assert_int_equal(b.len, 8);
    assert_string_equal(ah_buf_cstr(&b), "12345678");
    assert_ok(ah_buf_append(&b, "", 0, &err)); /* nothing more at the cap is fine */
    ah_buf_release(&b);
}

static void test_core_buf_append_past_cap_changes_nothing(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    ah_buf_init(&b, 8);
    assert_ok(ah_buf_appends(&b, "12345678", &err));
    assert_code(AH_E_TOO_LARGE, ah_buf_appends(&b, "9", &err));
    assert_int_equal(err.code, AH_E_TOO_LARGE);
    assert_non_null(strstr(err.msg, "8 bytes"));
    assert_int_equal(b.len, 8);
    assert_string_equal(ah_buf_cstr(&b), "12345678");
    /* a part that would fit is not appended either */
    ah_buf_reset(&b);
    assert_ok(ah_buf_appends(&b, "abcdef", &err));
    assert_code(AH_E_TOO_LARGE, ah_buf_appends(&b, "xyz", &err));
    assert_string_equal(ah_buf_cstr(&b), "abcdef");
    ah_buf_release(&b);
}

static void test_core_buf_past_cap_on_empty_allocates_nothing(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    ah_buf_init(&b, 3);
    assert_code(AH_E_TOO_LARGE, ah_buf_appends(&b, "abcd", &err));
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_string_equal(ah_buf_cstr(&b), "");
    assert_int_equal(ah_buf_str(&b).len, 0);
    /* a huge n must not wrap around the cap check */
    assert_code(AH_E_TOO_LARGE, ah_buf_append(&b, "x", SIZE_MAX, &err));
    ah_buf_release(&b);
}

static void test_core_buf_cap_zero(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    ah_buf_init(&b, 0);
    assert_ok(ah_buf_append(&b, "", 0, &err));
    assert_string_equal(ah_buf_cstr(&b), "");
    assert_code(AH_E_TOO_LARGE, ah_buf_appends(&b, "a", &err));
    ah_buf_release(&b);
}

static void test_core_buf_appendf_long(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;
    char *big = malloc(5001);

    (void)state;
    memset(big, 'x', 5000);
    big[5000] = '\0';
    ah_buf_init(&b, 10000);
    /* longer than appendf's 256-byte stack buffer */
    assert_ok(ah_buf_appendf(&b, &err, "<%s|%d>", big, 42));
    assert_int_equal(b.len, 5000 + 5);
    assert_int_equal(b.p[0], '<');
    assert_int_equal(b.p[5000], 'x');
    assert_memory_equal(b.p + 5001, "|42>", 5);
    ah_buf_release(&b);

    /* exactly at the cap, then one past it */
    ah_buf_init(&b, 300);
    assert_ok(ah_buf_appendf(&b, &err, "%.300s", big));
    assert_int_equal(b.len, 300);
    ah_buf_release(&b);
    ah_buf_init(&b, 299);
    assert_ok(ah_buf_appends(&b, "keep", &err));
    assert_code(AH_E_TOO_LARGE, ah_buf_appendf(&b, &err, "%.296s", big));
    assert_string_equal(ah_buf_cstr(&b), "keep");
    /* a refusal sticks, so a writer can check once at the end */
    assert_true(b.full);
    assert_code(AH_E_TOO_LARGE, ah_buf_appendf(&b, &err, "%.1s", big));
    assert_string_equal(ah_buf_cstr(&b), "keep");
    ah_buf_reset(&b);
    assert_false(b.full);
    assert_ok(ah_buf_appendf(&b, &err, "%.299s", big));
    assert_int_equal(b.len, 299);
    ah_buf_release(&b);
    free(big);
}

static void test_core_buf_appendf_255_256_257(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    /* around appendf's stack buffer: 255 fits it, 256 and up take the heap path */
    for (int n = 254; n <= 258; n++) {
        ah_buf_init(&b, 1000);
        assert_ok(ah_buf_appendf(&b, &err, "%0*d", n, 7));
        assert_int_equal(b.len, (size_t)n);
        assert_int_equal(b.p[n - 1], '7');
        assert_int_equal(b.p[0], '0');
        assert_int_equal(b.p[n], '\0');
        ah_buf_release(&b);
    }
}

static void test_core_buf_take_and_reset(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;
    size_t len = 99;
    char *p;

    (void)state;
    ah_buf_init(&b, 100);
    p = ah_buf_take(&b, &len); /* empty: still a string to free */
    assert_non_null(p);
    assert_string_equal(p, "");
    assert_int_equal(len, 0);
    free(p);

    assert_ok(ah_buf_appends(&b, "hello", &err));
    p = ah_buf_take(&b, &len);
    assert_string_equal(p, "hello");
    assert_int_equal(len, 5);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    free(p);

    assert_ok(ah_buf_appends(&b, "again", &err));
    ah_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(ah_buf_cstr(&b), "");
    assert_ok(ah_buf_appends(&b, "x", &err));
    assert_string_equal(ah_buf_cstr(&b), "x");
    ah_buf_release(&b);
}

/* ---- ah_parse_i64 ---- */

static enum ah_err parse(const char *s, int64_t min, int64_t max, int64_t *out,
                         struct ah_error *err)
{
    return ah_parse_i64(ah_str_c(s), min, max, out, err);
}

static void test_core_parse_i64_valid(void **state)
{
    struct ah_error err = {0};
    int64_t v = 0;

    (void)state;
    assert_ok(parse("0", INT64_MIN, INT64_MAX, &v, &err));
    assert_int_equal(v, 0);
    assert_ok(parse("-0", INT64_MIN, INT64_MAX, &v, &err));
    assert_int_equal(v, 0);
    assert_ok(parse("42", INT64_MIN, INT64_MAX, &v, &err));
    assert_int_equal(v, 42);
    assert_ok(parse("-17", INT64_MIN, INT64_MAX, &v, &err));
    assert_true(v == -17);
    assert_ok(parse("9223372036854775807", INT64_MIN, INT64_MAX, &v, &err));
    assert_true(v == INT64_MAX);
    assert_ok(parse("-9223372036854775808", INT64_MIN, INT64_MAX, &v, &err));
    assert_true(v == INT64_MIN);
    assert_ok(parse("007", INT64_MIN, INT64_MAX, &v, &err));
    assert_int_equal(v, 7);
}

static void test_core_parse_i64_bounds(void **state)
{
    struct ah_error err = {0};
    int64_t v = 0;

    (void)state;
    assert_ok(parse("1", 1, 200, &v, &err));
    assert_int_equal(v, 1);
    assert_ok(parse("200", 1, 200, &v, &err));
    assert_int_equal(v, 200);
    v = 5;
    assert_code(AH_E_INVALID, parse("0", 1, 200, &v, &err));
    assert_code(AH_E_INVALID, parse("201", 1, 200, &v, &err));
    assert_code(AH_E_INVALID, parse("-1", 1, 200, &v, &err));
    assert_int_equal(v, 5); /* out-params only on success */
    assert_non_null(strstr(err.msg, "'-1'"));
    assert_non_null(strstr(err.msg, "from 1 to 200"));
}

static void test_core_parse_i64_overflow(void **state)
{
    struct ah_error err = {0};
    int64_t v = 3;

    (void)state;
    assert_code(AH_E_INVALID, parse("9223372036854775808", INT64_MIN, INT64_MAX, &v, &err));
    assert_code(AH_E_INVALID, parse("-9223372036854775809", INT64_MIN, INT64_MAX, &v, &err));
    assert_code(AH_E_INVALID, parse("18446744073709551616", INT64_MIN, INT64_MAX, &v, &err));
    assert_code(AH_E_INVALID, parse("99999999999999999999", INT64_MIN, INT64_MAX, &v, &err));
    assert_code(AH_E_INVALID, parse("100000000000000000000000000", INT64_MIN, INT64_MAX, &v, &err));
    assert_int_equal(v, 3);
}

static void test_core_parse_i64_junk(void **state)
{
    static const char *const bad[] = {"",   "-",    "--1", "+1",  " 1", "1 ", "1a",
                                      "a1", "0x10", "1e3", "1.0", "٣",  "-a", "1-"};
    struct ah_error err = {0};
    int64_t v = 11;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err.code = AH_OK;
        if (parse(bad[i], INT64_MIN, INT64_MAX, &v, &err) != AH_E_INVALID)
            fail_msg("'%s' parsed", bad[i]);
        assert_int_equal(err.code, AH_E_INVALID);
    }
    /* a null view is empty, not a crash */
    assert_code(AH_E_INVALID, ah_parse_i64(AH_STR_NULL, 0, 10, &v, &err));
    /* a view stops at its length, not at a NUL */
    assert_ok(ah_parse_i64((struct ah_str){"12345", 2}, 0, 100, &v, &err));
    assert_int_equal(v, 12);
    assert_code(AH_E_INVALID, ah_parse_i64((struct ah_str){"1\0002", 3}, 0, 100, &v, &err));
}

/* ---- UTF-8 ---- */

static bool utf8(const char *s)
{
    return ah_utf8_valid(s, strlen(s));
}

static void test_core_utf8_valid_text(void **state)
{
    (void)state;
    assert_true(ah_utf8_valid("", 0));
    assert_true(utf8("plain ascii"));
    assert_true(utf8("h\xC3\xA9llo"));     /* é */
    assert_true(utf8("\xC2\x80"));         /* U+0080, smallest 2-byte */
    assert_true(utf8("\xDF\xBF"));         /* U+07FF */
    assert_true(utf8("\xE0\xA0\x80"));     /* U+0800, smallest 3-byte */
    assert_true(utf8("\xE2\x82\xAC"));     /* € */
    assert_true(utf8("\xED\x9F\xBF"));     /* U+D7FF, below the surrogates */
    assert_true(utf8("\xEE\x80\x80"));     /* U+E000, above them */
    assert_true(utf8("\xEF\xBF\xBF"));     /* U+FFFF */
    assert_true(utf8("\xF0\x90\x80\x80")); /* U+10000, smallest 4-byte */
    assert_true(utf8("\xF0\x9F\x98\x80")); /* an emoji */
    assert_true(utf8("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
    assert_int_equal(ah_utf8_count("h\xC3\xA9\xF0\x9F\x98\x80", 7), 3);
}

static void test_core_utf8_overlong(void **state)
{
    (void)state;
    assert_false(utf8("\xC0\xAF")); /* '/' in 2 bytes */
    assert_false(utf8("\xC1\xBF"));
    assert_false(ah_utf8_valid("\xC0\x80", 2)); /* "modified UTF-8" NUL */
    assert_false(utf8("\xE0\x80\xAF"));         /* '/' in 3 bytes */
    assert_false(utf8("\xE0\x9F\xBF"));         /* U+07FF in 3 bytes */
    assert_false(utf8("\xF0\x80\x80\xAF"));     /* '/' in 4 bytes */
    assert_false(utf8("\xF0\x8F\xBF\xBF"));     /* U+FFFF in 4 bytes */
}

static void test_core_utf8_surrogates(void **state)
{
    (void)state;
    assert_false(utf8("\xED\xA0\x80"));             /* U+D800 */
    assert_false(utf8("\xED\xBF\xBF"));             /* U+DFFF */
    assert_false(utf8("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
}

static void test_core_utf8_past_max(void **state)
{
    (void)state;
    assert_false(utf8("\xF4\x90\x80\x80")); /* U+110000 */
    assert_false(utf8("\xF5\x80\x80\x80"));
    assert_false(utf8("\xF7\xBF\xBF\xBF"));
    assert_false(utf8("\xF8\x88\x80\x80\x80")); /* 5-byte form */
    assert_false(utf8("\xFE"));
    assert_false(utf8("\xFF"));
}

static void test_core_utf8_truncated_and_stray(void **state)
{
    (void)state;
    assert_false(utf8("\xC3"));
    assert_false(utf8("\xE2\x82"));
    assert_false(utf8("\xF0\x9F\x98"));
    assert_false(utf8("abc\xE2\x82"));
    assert_false(utf8("\x80")); /* a continuation byte alone */
    assert_false(utf8("a\xBF"));
    assert_false(utf8("\xC3\x28")); /* lead byte, then no continuation */
    assert_false(utf8("\xE2\x28\xA1"));
    /* the length bounds the check: the euro sign cut by n */
    assert_false(ah_utf8_valid("\xE2\x82\xAC", 2));
    assert_true(ah_utf8_valid("\xE2\x82\xAC", 3));
}

static void test_core_utf8_nul(void **state)
{
    (void)state;
    assert_false(ah_utf8_valid("\0", 1));
    assert_false(ah_utf8_valid("a\0b", 3));
    assert_false(ah_utf8_valid("\xC3\xA9\0", 3));
    assert_true(ah_utf8_valid("ab\0", 2));
}

/* ---- time ---- */

static void test_core_time_format_known(void **state)
{
    char out[40];

    (void)state;
    ah_time_format(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
    ah_time_format(1767225600000LL, out);
    assert_string_equal(out, "2026-01-01T00:00:00.000Z");
    ah_time_format(1709210096789LL, out);
    assert_string_equal(out, "2024-02-29T12:34:56.789Z");
    ah_time_format(-1, out);
    assert_string_equal(out, "1969-12-31T23:59:59.999Z");
    ah_time_format(951782400000LL, out); /* 2000 is a leap year */
    assert_string_equal(out, "2000-02-29T00:00:00.000Z");
    ah_time_format(253402300799999LL, out);
    assert_string_equal(out, "9999-12-31T23:59:59.999Z");
}

static void test_core_time_round_trip(void **state)
{
    static const int64_t samples[] = {0,
                                      1,
                                      999,
                                      1000,
                                      -1,
                                      -1000,
                                      -86400000LL - 1,
                                      951868799999LL,  /* 2000-02-29T23:59:59.999 */
                                      4107542400000LL, /* 2100-03-01, not a leap year */
                                      1767225600000LL,
                                      1798761599999LL,
                                      253402300799999LL};
    char out[40];
    int64_t back;

    (void)state;
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        ah_time_format(samples[i], out);
        assert_int_equal(strlen(out), 24);
        if (!ah_time_parse(ah_str_c(out), &back))
            fail_msg("%s does not parse", out);
        if (back != samples[i])
            fail_msg("%lld -> %s -> %lld", (long long)samples[i], out, (long long)back);
    }
    /* every day of a leap year and a common one */
    for (int64_t ms = 1704067200123LL; ms < 1767225600000LL; ms += 86400000LL + 3601001LL) {
        ah_time_format(ms, out);
        assert_true(ah_time_parse(ah_str_c(out), &back));
        assert_true(back == ms);
    }
}

static void test_core_time_parse_forms(void **state)
{
    int64_t v = 7;

    (void)state;
    assert_true(ah_time_parse(AH_STR_LIT("2026-01-01T00:00:00Z"), &v));
    assert_true(v == 1767225600000LL);
    assert_true(ah_time_parse(AH_STR_LIT("2026-01-01T00:00:01.500Z"), &v));
    assert_true(v == 1767225601500LL);
    v = 7;
    assert_false(ah_time_parse(AH_STR_LIT(""), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01T00:00:00"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01T00:00:00.000"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01 00:00:00.000Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01T00:00:00.00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01T00:00:00+00:00"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-13-01T00:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-00-01T00:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-00T00:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-32T00:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01T24:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01T00:60:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01T00:00:61Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2O26-01-01T00:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-01-01T00:00:00.0a0Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("-026-01-01T00:00:00Z"), &v));
    assert_int_equal(v, 7);
}

static void test_core_time_parse_impossible_dates(void **state)
{
    int64_t v = 7;

    (void)state;
    assert_true(ah_time_parse(AH_STR_LIT("2024-02-29T00:00:00Z"), &v)); /* a leap day */
    assert_true(ah_time_parse(AH_STR_LIT("2026-04-30T00:00:00Z"), &v));
    v = 7;
    /* days the month does not have are malformed, not the next month */
    assert_false(ah_time_parse(AH_STR_LIT("2025-02-29T00:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-02-30T00:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2026-04-31T00:00:00Z"), &v));
    assert_false(ah_time_parse(AH_STR_LIT("2100-02-29T00:00:00Z"), &v));
    assert_int_equal(v, 7);
}

/* ---- arena ---- */

static bool aligned(const void *p)
{
    return (uintptr_t)p % alignof(max_align_t) == 0;
}

static void test_core_arena_small_allocs(void **state)
{
    struct ah_arena a;
    unsigned char *ptrs[2000];

    (void)state;
    ah_arena_init(&a);
    /* many more than fit in the first block: they spill into chunks */
    for (size_t i = 0; i < 2000; i++) {
        size_t n = 1 + i % 37;

        ptrs[i] = ah_arena_alloc(&a, n);
        assert_true(aligned(ptrs[i]));
        memset(ptrs[i], (int)(i & 0xff), n);
    }
    assert_non_null(a.head);
    for (size_t i = 0; i < 2000; i++) {
        size_t n = 1 + i % 37;

        for (size_t j = 0; j < n; j++)
            if (ptrs[i][j] != (unsigned char)(i & 0xff))
                fail_msg("allocation %zu was overwritten", i);
    }
    ah_arena_release(&a);
    assert_null(a.head);
    assert_int_equal(a.first_used, 0);
}

static void test_core_arena_first_block_then_chunk(void **state)
{
    struct ah_arena a;
    char *p, *q;

    (void)state;
    ah_arena_init(&a);
    p = ah_arena_alloc(&a, 100);
    assert_true(p >= a.first && p < a.first + sizeof(a.first));
    assert_null(a.head);
    q = ah_arena_alloc(&a, 5000); /* does not fit in first */
    assert_non_null(a.head);
    assert_true(aligned(q));
    memset(q, 'q', 5000);
    memset(p, 'p', 100);
    assert_int_equal(q[4999], 'q');
    ah_arena_release(&a);
}

static void test_core_arena_big_allocs(void **state)
{
    struct ah_arena a;
    char *small1, *big, *small2, *huge;

    (void)state;
    ah_arena_init(&a);
    small1 = ah_arena_alloc(&a, 5000);
    big = ah_arena_alloc(&a, 100000); /* a one-off chunk of its own */
    small2 = ah_arena_alloc(&a, 64);  /* still served from the current chunk */
    huge = ah_arena_alloc(&a, 3u << 20);
    assert_true(aligned(big) && aligned(small2) && aligned(huge));
    memset(small1, 1, 5000);
    memset(big, 2, 100000);
    memset(small2, 3, 64);
    memset(huge, 4, 3u << 20);
    assert_true(small2 > small1 && small2 < small1 + 16384);
    assert_int_equal(small1[4999], 1);
    assert_int_equal(big[0], 2);
    assert_int_equal(big[99999], 2);
    assert_int_equal(small2[63], 3);
    assert_int_equal(huge[(3u << 20) - 1], 4);
    ah_arena_release(&a);
    /* reusable after release */
    small1 = ah_arena_alloc(&a, 10);
    assert_true(small1 >= a.first && small1 < a.first + sizeof(a.first));
    ah_arena_release(&a);
}

static void test_core_arena_zero_and_strdup(void **state)
{
    struct ah_arena a;
    char *p, *q, *s;

    (void)state;
    ah_arena_init(&a);
    p = ah_arena_alloc(&a, 0);
    q = ah_arena_alloc(&a, 0);
    assert_non_null(p);
    assert_ptr_not_equal(p, q); /* distinct even when empty */
    s = ah_arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    s = ah_arena_strndup(&a, NULL, 0);
    assert_string_equal(s, "");
    s = ah_arena_strdup(&a, "copy");
    assert_string_equal(s, "copy");
    ah_arena_release(&a);
}

static void test_core_arena_absurd_size_aborts(void **state)
{
    pid_t pid;
    int status = 0;

    (void)state;
    /* a size that cannot be met must abort like any exhausted allocation,
     * not wrap around while rounding up and hand out a short block */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct ah_arena a;
        char *p;

        ah_arena_init(&a);
        p = ah_arena_alloc(&a, SIZE_MAX - 8);
        p[0] = 1;
        _exit(0); /* survived: the size wrapped */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        fail_msg("ah_arena_alloc(SIZE_MAX - 8) returned a block");
}

/* ---- jsonw ---- */

static void test_core_jsonw_escaping(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;
    json_t *v;
    json_error_t je;

    (void)state;
    ah_buf_init(&b, 4096);
    assert_ok(ah_jsonw_str(&b, "s", "q\"b\\c\n\t\x01\x1f\x7f \xC3\xA9/", &err));
    assert_ok(ah_jsonw_int(&b, "n", -9223372036854775807LL - 1, &err));
    assert_ok(ah_jsonw_bool(&b, "t", true, &err));
    assert_ok(ah_jsonw_bool(&b, "f", false, &err));
    assert_ok(ah_jsonw_str(&b, "z", NULL, &err));
    assert_ok(ah_jsonw_str(&b, "e", "", &err));
    assert_ok(ah_jsonw_end(&b, &err));
    assert_string_equal(ah_buf_cstr(&b),
                        "{\"s\":\"q\\\"b\\\\c\\u000a\\u0009\\u0001\\u001f\x7f \xC3\xA9/\","
                        "\"n\":-9223372036854775808,\"t\":true,\"f\":false,\"z\":null,"
                        "\"e\":\"\"}");
    /* and a real parser reads back the same values */
    v = json_loads(ah_buf_cstr(&b), JSON_REJECT_DUPLICATES, &je);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "s")),
                        "q\"b\\c\n\t\x01\x1f\x7f \xC3\xA9/");
    assert_true(json_integer_value(json_object_get(v, "n")) == INT64_MIN);
    assert_true(json_is_true(json_object_get(v, "t")));
    assert_true(json_is_null(json_object_get(v, "z")));
    json_decref(v);
    ah_buf_release(&b);
}

static void test_core_jsonw_empty_object(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    ah_buf_init(&b, 16);
    assert_ok(ah_jsonw_end(&b, &err));
    assert_string_equal(ah_buf_cstr(&b), "{}");
    ah_buf_release(&b);
}

static void test_core_jsonw_cap(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    /* {"k":"abc"} is 11 bytes: fits a cap of 11, not of 10 */
    ah_buf_init(&b, 11);
    assert_ok(ah_jsonw_str(&b, "k", "abc", &err));
    assert_ok(ah_jsonw_end(&b, &err));
    assert_string_equal(ah_buf_cstr(&b), "{\"k\":\"abc\"}");
    ah_buf_release(&b);
    ah_buf_init(&b, 10);
    assert_ok(ah_jsonw_str(&b, "k", "abc", &err));
    assert_code(AH_E_TOO_LARGE, ah_jsonw_end(&b, &err));
    assert_string_equal(ah_buf_cstr(&b), "{\"k\":\"abc\"");
    ah_buf_release(&b);
    /* an escape that does not fit fails as a whole */
    ah_buf_init(&b, 8);
    assert_code(AH_E_TOO_LARGE, ah_jsonw_str(&b, "k", "\n", &err));
    ah_buf_release(&b);
}

/* ---- errors ---- */

static void test_core_err_names(void **state)
{
    struct ah_error err = {0};

    (void)state;
    assert_string_equal(ah_err_name(AH_OK), "ok");
    assert_string_equal(ah_err_name(AH_E_BAD_REQUEST), "bad_request");
    assert_string_equal(ah_err_name(AH_E_NOT_FOUND), "not_found");
    assert_string_equal(ah_err_name(AH_E_CONFLICT), "conflict");
    assert_string_equal(ah_err_name(AH_E_TOO_LARGE), "too_large");
    assert_string_equal(ah_err_name(AH_E_UNAVAILABLE), "unavailable");
    assert_string_equal(ah_err_name(AH_E_INTERNAL), "internal");
    assert_int_equal(ah_error_set(NULL, AH_E_CONFLICT, "x"), AH_E_CONFLICT);
    assert_int_equal(ah_error_set(&err, AH_E_INVALID, "value %d", 7), AH_E_INVALID);
    assert_int_equal(err.code, AH_E_INVALID);
    assert_string_equal(err.msg, "value 7");
}

static void test_core_err_message_truncated(void **state)
{
    struct ah_error err = {0};
    char big[600];

    (void)state;
    memset(big, 'm', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ah_error_set(&err, AH_E_INVALID, "%s", big);
    assert_int_equal(strlen(err.msg), AH_ERROR_MSG_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_buf_append_at_cap),
        cmocka_unit_test(test_core_buf_append_past_cap_changes_nothing),
        cmocka_unit_test(test_core_buf_past_cap_on_empty_allocates_nothing),
        cmocka_unit_test(test_core_buf_cap_zero),
        cmocka_unit_test(test_core_buf_appendf_long),
        cmocka_unit_test(test_core_buf_appendf_255_256_257),
        cmocka_unit_test(test_core_buf_take_and_reset),
        cmocka_unit_test(test_core_parse_i64_valid),
        cmocka_unit_test(test_core_parse_i64_bounds),
        cmocka_unit_test(test_core_parse_i64_overflow),
        cmocka_unit_test(test_core_parse_i64_junk),
        cmocka_unit_test(test_core_utf8_valid_text),
        cmocka_unit_test(test_core_utf8_overlong),
        cmocka_unit_test(test_core_utf8_surrogates),
        cmocka_unit_test(test_core_utf8_past_max),
        cmocka_unit_test(test_core_utf8_truncated_and_stray),
        cmocka_unit_test(test_core_utf8_nul),
        cmocka_unit_test(test_core_time_format_known),
        cmocka_unit_test(test_core_time_round_trip),
        cmocka_unit_test(test_core_time_parse_forms),
        cmocka_unit_test(test_core_time_parse_impossible_dates),
        cmocka_unit_test(test_core_arena_small_allocs),
        cmocka_unit_test(test_core_arena_first_block_then_chunk),
        cmocka_unit_test(test_core_arena_big_allocs),
        cmocka_unit_test(test_core_arena_zero_and_strdup),
        cmocka_unit_test(test_core_arena_absurd_size_aborts),
        cmocka_unit_test(test_core_jsonw_escaping),
        cmocka_unit_test(test_core_jsonw_empty_object),
        cmocka_unit_test(test_core_jsonw_cap),
        cmocka_unit_test(test_core_err_names),
        cmocka_unit_test(test_core_err_message_truncated),
    };

    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
