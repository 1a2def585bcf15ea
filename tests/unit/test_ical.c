/* test_ical.c - src/core/ical.c: the iCalendar feed. Each feed is read back
 * with libical and its raw lines checked against RFC 5545 (CRLF, 75 octets,
 * no fold inside a UTF-8 character). No database. */
#include <inttypes.h>
#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/ical.h"
#include "core/limits.h"
#include "core/str.h"
#include "fixture.h"

#define HOUR (60 * MINUTE)
#define FEED_MAX (64 * 1024 * 1024)

static const char *const tricky = "Überstunden 😀 ünd some long text that forces folding over "
                                  "several lines … with, commas; semis\\ and\nnewlines";

/* Fails unless every line of s ends with CRLF, no other CR or LF is in it,
 * each line is at most 75 octets and valid UTF-8 on its own: a fold that
 * split a character would leave both halves invalid. */
static void check_lines(const char *s, size_t n)
{
    size_t start = 0;

    for (size_t i = 0; i < n; i++) {
        const char *line = s + start;
        size_t len = i - start;

        if (s[i] == '\n')
            fail_msg("bare LF at byte %zu", i);
        if (s[i] != '\r')
            continue;
        if (i + 1 == n || s[i + 1] != '\n')
            fail_msg("bare CR at byte %zu", i);
        if (len > 75)
            fail_msg("line at byte %zu is %zu octets", start, len);
        if (len && line[0] == ' ') {
            line++;
            len--;
        }
        if (!ah_utf8_valid(line, len))
            fail_msg("line at byte %zu is not valid UTF-8 alone", start);
        start = ++i + 1;
    }
    assert_int_equal(start, n); /* the last line ends with CRLF too */
}

/* s without its folds (CRLF then a space); the caller frees it. */
static char *unfolded(const char *s, size_t n)
{
    char *u = malloc(n + 1);
    size_t w = 0;

    assert_non_null(u);
    for (size_t r = 0; r < n; r++) {
        if (s[r] == '\r' && r + 2 < n && s[r + 1] == '\n' && s[r + 2] == ' ')
            r += 2;
        else
            u[w++] = s[r];
    }
    u[w] = '\0';
    assert_true(ah_utf8_valid(u, w));
    return u;
}

/* Fails unless got is want as a reader sees it: without leading and trailing
 * spaces and tabs (the writer drops them), and absent when nothing is left. */
static void assert_text(const char *got, const char *want)
{
    size_t n = strlen(want);

    while (n && (want[n - 1] == ' ' || want[n - 1] == '\t'))
        n--;
    while (n && (*want == ' ' || *want == '\t')) {
        want++;
        n--;
    }
    if (!n) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_int_equal(strlen(got), n);
    assert_memory_equal(got, want, n);
}

static int64_t secs_ms(struct icaltimetype t)
{
    assert_true(icaltime_is_utc(t));
    return (int64_t)icaltime_as_timet(t) * 1000;
}

/* Fails unless v, read back by libical, holds what e said. */
static void check_event(icalcomponent *v, const struct ah_ical_event *e)
{
    icalproperty *p;

    assert_string_equal(icalcomponent_get_uid(v), e->uid);
    assert_int_equal(secs_ms(icalcomponent_get_dtstart(v)), e->start_ms);
    assert_int_equal(secs_ms(icalcomponent_get_dtend(v)), e->end_ms);
    assert_int_equal(secs_ms(icalcomponent_get_dtstamp(v)), e->stamp_ms);
    p = icalcomponent_get_first_property(v, ICAL_SUMMARY_PROPERTY);
    assert_text(p ? icalproperty_get_summary(p) : NULL, e->summary);
    assert_int_equal(icalcomponent_get_sequence(v), e->sequence);
    assert_int_equal(icalcomponent_get_status(v), ICAL_STATUS_CONFIRMED);
    p = icalcomponent_get_first_property(v, ICAL_LASTMODIFIED_PROPERTY);
    assert_non_null(p);
    assert_int_equal(secs_ms(icalproperty_get_lastmodified(p)), e->stamp_ms);
    p = icalcomponent_get_first_property(v, ICAL_TRANSP_PROPERTY);
    assert_non_null(p);
    assert_int_equal(icalproperty_get_transp(p), ICAL_TRANSP_OPAQUE);
    p = icalcomponent_get_first_property(v, ICAL_DESCRIPTION_PROPERTY);
    if (e->description)
        assert_text(p ? icalproperty_get_description(p) : NULL, e->description);
    else
        assert_null(p);
    p = icalcomponent_get_first_property(v, ICAL_URL_PROPERTY);
    if (e->url)
        assert_string_equal(icalproperty_get_url(p), e->url);
    else
        assert_null(p);
}

/* Writes ev into a fresh buffer, checks its lines and reads it back: the
 * events come back in order and whole. The caller releases *b. */
static void write_and_check(const struct ah_ical_event *ev, size_t n, struct ah_buf *b)
{
    struct ah_error err = {0};
    icalcomponent *cal, *v;
    size_t count = 0;
    size_t i = 0;

    ah_buf_init(b, FEED_MAX);
    assert_ok(ah_ical_write("Ops, on call; \\ team", ev, n, b, &err));
    check_lines(b->p, b->len);
    assert_true(ah_ical_parse_check(b->p, b->len, &count));
    assert_int_equal(count, n);
    cal = icalparser_parse_string(b->p);
    assert_non_null(cal);
    assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    assert_int_equal(icalcomponent_count_errors(cal), 0);
    for (v = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); v;
         v = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
        check_event(v, &ev[i++]);
    assert_int_equal(i, n);
    icalcomponent_free(cal);
}

static struct ah_ical_event event(const char *uid, const char *summary)
{
    struct ah_ical_event e = {uid, T0 + 9 * HOUR, T0 + 17 * HOUR, T0 - HOUR, 0, summary, NULL,
                              NULL};

    return e;
}

static void test_ical_empty_feed(void **state)
{
    struct ah_buf b;
    const char *want = "BEGIN:VCALENDAR\r\n"
                       "PRODID:-//allhands//allhands//EN\r\n"
                       "VERSION:2.0\r\n"
                       "CALSCALE:GREGORIAN\r\n"
                       "METHOD:PUBLISH\r\n"
                       "X-WR-CALNAME:Ops, on call; \\\\ team\r\n"
                       "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"
                       "X-PUBLISHED-TTL:PT1H\r\n"
                       "END:VCALENDAR\r\n";

    (void)state;
    write_and_check(NULL, 0, &b);
    assert_string_equal(b.p, want);
    ah_buf_release(&b);
}

static void test_ical_one_event(void **state)
{
    struct ah_ical_event e = {"block-42@allhands", T0 + 9 * HOUR, T0 + 17 * HOUR + 30 * MINUTE,
                              T0 - 5 * MINUTE, 3, tricky, "Bring the pager,\nand coffee; ☕",
                              "https://help.example.com/blocks/42?view=week&a=b,c"};
    struct ah_buf b;
    char *u;

    (void)state;
    write_and_check(&e, 1, &b);
    u = unfolded(b.p, b.len);
    assert_non_null(strstr(u, "\r\nBEGIN:VEVENT\r\n"
                              "UID:block-42@allhands\r\n"
                              "DTSTAMP:20251231T235500Z\r\n"
                              "DTSTART:20260101T090000Z\r\n"
                              "DTEND:20260101T173000Z\r\n"
                              "SUMMARY:Überstunden 😀 ünd some long text that forces folding over "
                              "several lines … with\\, commas\\; semis\\\\ and\\nnewlines\r\n"
                              "DESCRIPTION:Bring the pager\\,\\nand coffee\\; ☕\r\n"
                              "URL:https://help.example.com/blocks/42?view=week&a=b,c\r\n"
                              "SEQUENCE:3\r\n"
                              "LAST-MODIFIED:20251231T235500Z\r\n"
                              "STATUS:CONFIRMED\r\n"
                              "TRANSP:OPAQUE\r\n"
                              "END:VEVENT\r\n"));
    /* the summary really was folded, and not only at ASCII */
    assert_non_null(strstr(b.p, "\r\n "));
    free(u);
    ah_buf_release(&b);
}

/* 73 letters: libical 3.0.16 alone folds this property between its CR and LF */
static void test_ical_fold_libical_splits_crlf(void **state)
{
    char text[74];
    struct ah_ical_event e = event("a@b", "x");
    struct ah_buf b;

    (void)state;
    memset(text, 'a', 73);
    text[73] = '\0';
    e.description = text;
    write_and_check(&e, 1, &b);
    assert_null(strstr(b.p, "\r\r"));
    ah_buf_release(&b);
}

static void test_ical_500_events(void **state)
{
    enum { N = 500 };
    static const char *const piece[] = {"a", "ü", "…", "😀", ",", ";", "\\", "\n", " "};
    struct ah_ical_event *ev = calloc(N, sizeof(*ev));
    char(*uid)[32] = calloc(N, sizeof(*uid));
    char(*text)[400] = calloc(N, sizeof(*text));
    struct ah_buf b;

    (void)state;
    assert_non_null(ev);
    assert_non_null(uid);
    assert_non_null(text);
    for (size_t i = 0; i < N; i++) {
        size_t len = 0;

        /* text of every length and mix, so folds land at every offset */
        for (size_t k = 0; k < i % 97; k++) {
            const char *p = piece[(i * 7 + k * (i % 5 + 1)) % (i % 2 ? 4 : 9)];

            memcpy(text[i] + len, p, strlen(p));
            len += strlen(p);
        }
        snprintf(uid[i], sizeof(uid[i]), "block-%zu@allhands", i);
        ev[i] = event(uid[i], i % 10 ? text[i] : tricky);
        ev[i].start_ms = T0 + (int64_t)i * HOUR;
        ev[i].end_ms = ev[i].start_ms + (int64_t)(i % 7 + 1) * 15 * MINUTE;
        ev[i].stamp_ms = T0 - (int64_t)i * 1000;
        ev[i].sequence = (int64_t)i;
        ev[i].description = i % 3 ? text[N - 1 - i] : NULL;
        ev[i].url = i % 4 ? NULL : "https://help.example.com/b";
    }
    write_and_check(ev, N, &b);
    ah_buf_release(&b);
    free(text);
    free(uid);
    free(ev);
}

static void test_ical_same_input_same_bytes(void **state)
{
    struct ah_ical_event ev[2] = {event("a@allhands", tricky), event("b@allhands", "b")};
    struct ah_error err = {0};
    struct ah_buf one, two;

    (void)state;
    ev[1].description = tricky;
    ah_buf_init(&one, FEED_MAX);
    ah_buf_init(&two, FEED_MAX);
    assert_ok(ah_ical_write("cal", ev, 2, &one, &err));
    assert_ok(ah_buf_appends(&two, "kept:", &err));
    assert_ok(ah_ical_write("cal", ev, 2, &two, &err));
    assert_int_equal(two.len, 5 + one.len);
    assert_memory_equal(two.p, "kept:", 5);
    assert_memory_equal(two.p + 5, one.p, one.len);
    ah_buf_release(&one);
    ah_buf_release(&two);
}

/* Fails unless writing e (as the second event) is refused with want and
 * leaves the buffer as it was. */
static void refused(enum ah_err want, struct ah_ical_event e, const char *msg)
{
    struct ah_ical_event ev[2] = {event("ok@allhands", "fine"), e};
    struct ah_error err = {0};
    struct ah_buf b;

    ah_buf_init(&b, FEED_MAX);
    assert_ok(ah_buf_appends(&b, "keep", &err));
    assert_code(want, ah_ical_write("cal", ev, 2, &b, &err));
    assert_string_equal(ah_buf_cstr(&b), "keep");
    if (!strstr(err.msg, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
    ah_buf_release(&b);
}

static void test_ical_invalid_events(void **state)
{
    struct ah_ical_event e = event("x@allhands", "x");

    (void)state;
    e.end_ms = e.start_ms;
    refused(AH_E_INVALID, e, "event 1 ends at");
    e.end_ms = e.start_ms - 1;
    refused(AH_E_INVALID, e, "not after its start");
    e = event("x@allhands", "bad \xc3\x28 byte");
    refused(AH_E_INVALID, e, "summary is not valid UTF-8");
    e = event("x@allhands", "split 😀");
    e.summary = "cut \xf0\x9f\x98";
    refused(AH_E_INVALID, e, "summary is not valid UTF-8");
    e = event(NULL, "x");
    refused(AH_E_INVALID, e, "has no uid");
    e = event("", "x");
    refused(AH_E_INVALID, e, "has no uid");
    e = event("x@allhands", NULL);
    refused(AH_E_INVALID, e, "has no summary");
    e = event("x@allhands", "bell \a");
    refused(AH_E_INVALID, e, "summary holds a control character");
    e = event("x\n@allhands", "x");
    refused(AH_E_INVALID, e, "uid holds a control character");
    e = event("x@allhands", "x");
    e.url = "https://a.example/\r\nX-INJECTED:1";
    refused(AH_E_INVALID, e, "url holds a control character");
    e.url = "";
    refused(AH_E_INVALID, e, "url is empty");
    e = event("x@allhands", "x");
    e.description = "\xff";
    refused(AH_E_INVALID, e, "description is not valid UTF-8");
    e = event("x@allhands", "x");
    e.sequence = -1;
    refused(AH_E_INVALID, e, "sequence -1");
    e.sequence = (int64_t)INT32_MAX + 1;
    refused(AH_E_INVALID, e, "sequence 2147483648");
    e = event("x@allhands", "x");
    e.start_ms = -1000;
    refused(AH_E_INVALID, e, "outside 1970 to 3000");
    e = event("x@allhands", "x");
    e.end_ms = AH_ICAL_MAX_MS + 1;
    refused(AH_E_INVALID, e, "outside 1970 to 3000");
}

static void test_ical_invalid_calendar_name(void **state)
{
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    ah_buf_init(&b, FEED_MAX);
    assert_code(AH_E_INVALID, ah_ical_write(NULL, NULL, 0, &b, &err));
    assert_code(AH_E_INVALID, ah_ical_write("", NULL, 0, &b, &err));
    assert_code(AH_E_INVALID, ah_ical_write(" \t ", NULL, 0, &b, &err));
    assert_code(AH_E_INVALID, ah_ical_write("a\nb", NULL, 0, &b, &err));
    assert_code(AH_E_INVALID, ah_ical_write("\xc0\xaf", NULL, 0, &b, &err));
    assert_int_equal(b.len, 0);
    ah_buf_release(&b);
}

static void test_ical_time_bounds_and_rounding(void **state)
{
    struct ah_ical_event ev[2] = {event("first@allhands", "epoch"),
                                  event("last@allhands", "year 3000")};
    struct ah_error err = {0};
    struct ah_buf b;
    char *u;

    (void)state;
    ev[0].start_ms = 0;
    ev[0].stamp_ms = 0;
    ev[0].end_ms = 1; /* a millisecond rounds out to a whole second */
    ev[1].start_ms = AH_ICAL_MAX_MS - 1500;
    ev[1].end_ms = AH_ICAL_MAX_MS;
    ev[1].stamp_ms = AH_ICAL_MAX_MS;
    ah_buf_init(&b, FEED_MAX);
    assert_ok(ah_ical_write("cal", ev, 2, &b, &err));
    assert_true(ah_ical_parse_check(b.p, b.len, NULL));
    u = unfolded(b.p, b.len);
    assert_non_null(strstr(u, "DTSTAMP:19700101T000000Z\r\n"
                              "DTSTART:19700101T000000Z\r\n"
                              "DTEND:19700101T000001Z\r\n"));
    assert_non_null(strstr(u, "DTSTAMP:30001231T235959Z\r\n"
                              "DTSTART:30001231T235957Z\r\n"
                              "DTEND:30001231T235959Z\r\n"));
    free(u);
    ah_buf_release(&b);
}

static void test_ical_cr_is_dropped(void **state)
{
    struct ah_ical_event e = event("a@allhands", "line one\r\nline two\tend");
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    ah_buf_init(&b, FEED_MAX);
    assert_ok(ah_ical_write("cal", &e, 1, &b, &err));
    check_lines(b.p, b.len);
    assert_non_null(strstr(b.p, "SUMMARY:line one\\nline two\tend\r\n"));
    ah_buf_release(&b);
}

static void test_ical_blank_text_trimmed_or_left_out(void **state)
{
    struct ah_ical_event e = event("a@allhands", " \t ");
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    e.description = "  keep inner  spaces\n ";
    ah_buf_init(&b, FEED_MAX);
    assert_ok(ah_ical_write("  Team  ", &e, 1, &b, &err));
    assert_null(strstr(b.p, "SUMMARY"));
    assert_non_null(strstr(b.p, "\r\nX-WR-CALNAME:Team\r\n"));
    assert_non_null(strstr(b.p, "\r\nDESCRIPTION:keep inner  spaces\\n\r\n"));
    ah_buf_reset(&b);
    e.summary = "";
    e.description = "";
    assert_ok(ah_ical_write("cal", &e, 1, &b, &err));
    assert_null(strstr(b.p, "SUMMARY"));
    assert_null(strstr(b.p, "DESCRIPTION"));
    ah_buf_release(&b);
    write_and_check(&e, 1, &b);
    ah_buf_release(&b);
}

static void test_ical_text_cap(void **state)
{
    struct ah_ical_event e = event("a@allhands", "x");
    char *big = malloc(AH_MAX_MESSAGE_BODY + 2);
    struct ah_error err = {0};
    struct ah_buf b;

    (void)state;
    assert_non_null(big);
    memset(big, 'd', AH_MAX_MESSAGE_BODY + 1);
    big[AH_MAX_MESSAGE_BODY] = '\0';
    e.description = big;
    ah_buf_init(&b, FEED_MAX);
    assert_ok(ah_ical_write("cal", &e, 1, &b, &err));
    check_lines(b.p, b.len);
    assert_true(ah_ical_parse_check(b.p, b.len, NULL));
    big[AH_MAX_MESSAGE_BODY] = 'd';
    big[AH_MAX_MESSAGE_BODY + 1] = '\0';
    refused(AH_E_INVALID, e, "description is longer than");
    ah_buf_release(&b);
    free(big);
}

static void test_ical_event_cap(void **state)
{
    struct ah_ical_event *ev = calloc(AH_ICAL_MAX_EVENTS + 1, sizeof(*ev));
    struct ah_error err = {0};
    struct ah_buf b;
    size_t n = 0;

    (void)state;
    assert_non_null(ev);
    for (size_t i = 0; i <= AH_ICAL_MAX_EVENTS; i++)
        ev[i] = event("same@allhands", "s");
    ah_buf_init(&b, FEED_MAX);
    assert_ok(ah_ical_write("cal", ev, AH_ICAL_MAX_EVENTS, &b, &err));
    assert_true(ah_ical_parse_check(b.p, b.len, &n));
    assert_int_equal(n, AH_ICAL_MAX_EVENTS);
    ah_buf_reset(&b);
    assert_code(AH_E_TOO_LARGE, ah_ical_write("cal", ev, AH_ICAL_MAX_EVENTS + 1, &b, &err));
    assert_non_null(strstr(err.msg, "5001 events"));
    assert_int_equal(b.len, 0);
    ah_buf_release(&b);
    free(ev);
}

static void test_ical_out_cap(void **state)
{
    struct ah_ical_event e = event("a@allhands", tricky);
    struct ah_error err = {0};
    struct ah_buf b;
    size_t need;

    (void)state;
    ah_buf_init(&b, FEED_MAX);
    assert_ok(ah_ical_write("cal", &e, 1, &b, &err));
    need = b.len;
    ah_buf_release(&b);
    ah_buf_init(&b, need);
    assert_ok(ah_ical_write("cal", &e, 1, &b, &err));
    assert_int_equal(b.len, need);
    ah_buf_release(&b);
    ah_buf_init(&b, need + 3);
    assert_ok(ah_buf_appends(&b, "abcd", &err));
    assert_code(AH_E_TOO_LARGE, ah_ical_write("cal", &e, 1, &b, &err));
    assert_string_equal(ah_buf_cstr(&b), "abcd");
    ah_buf_release(&b);
}

static void test_ical_parse_check_refuses(void **state)
{
    static const char two[] = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
                              "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    static const char nul[] = "BEGIN:VCALENDAR\r\nX-A:\0\r\nEND:VCALENDAR\r\n";
    static const char vevent[] = "BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n";
    size_t n = 99;

    (void)state;
    assert_false(ah_ical_parse_check("", 0, &n));
    assert_false(ah_ical_parse_check("garbage", 7, &n));
    assert_false(ah_ical_parse_check(two, sizeof(two) - 1, &n));
    assert_false(ah_ical_parse_check(nul, sizeof(nul) - 1, &n));
    assert_false(ah_ical_parse_check(vevent, sizeof(vevent) - 1, &n));
    assert_int_equal(n, 99);
}

struct writer {
    pthread_t thread;
    const struct ah_buf *want;
    int failures;
};

static void *write_many(void *arg)
{
    struct writer *w = arg;
    struct ah_ical_event ev[3] = {event("a@allhands", tricky), event("b@allhands", "b"),
                                  event("c@allhands", "c")};
    struct ah_buf b;

    ah_buf_init(&b, FEED_MAX);
    for (int i = 0; i < 50; i++) {
        ah_buf_reset(&b);
        if (ah_ical_write("cal", ev, 3, &b, NULL) || b.len != w->want->len ||
            memcmp(b.p, w->want->p, b.len))
            w->failures++;
    }
    ah_buf_release(&b);
    return NULL;
}

static void test_ical_threads_at_once(void **state)
{
    struct ah_ical_event ev[3] = {event("a@allhands", tricky), event("b@allhands", "b"),
                                  event("c@allhands", "c")};
    struct writer w[4] = {{0}};
    struct ah_error err = {0};
    struct ah_buf want;

    (void)state;
    ah_buf_init(&want, FEED_MAX);
    assert_ok(ah_ical_write("cal", ev, 3, &want, &err));
    for (size_t i = 0; i < 4; i++) {
        w[i].want = &want;
        assert_int_equal(pthread_create(&w[i].thread, NULL, write_many, &w[i]), 0);
    }
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(w[i].thread, NULL), 0);
        assert_int_equal(w[i].failures, 0);
    }
    ah_buf_release(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ical_empty_feed),
        cmocka_unit_test(test_ical_one_event),
        cmocka_unit_test(test_ical_fold_libical_splits_crlf),
        cmocka_unit_test(test_ical_500_events),
        cmocka_unit_test(test_ical_same_input_same_bytes),
        cmocka_unit_test(test_ical_invalid_events),
        cmocka_unit_test(test_ical_invalid_calendar_name),
        cmocka_unit_test(test_ical_time_bounds_and_rounding),
        cmocka_unit_test(test_ical_cr_is_dropped),
        cmocka_unit_test(test_ical_blank_text_trimmed_or_left_out),
        cmocka_unit_test(test_ical_text_cap),
        cmocka_unit_test(test_ical_event_cap),
        cmocka_unit_test(test_ical_out_cap),
        cmocka_unit_test(test_ical_parse_check_refuses),
        cmocka_unit_test(test_ical_threads_at_once),
    };

    return cmocka_run_group_tests_name("ical", tests, NULL, NULL);
}
