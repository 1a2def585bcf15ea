/* test_program.c - the program's rules below the API: the ledger's
 * arithmetic (a start mid-week, a half-exempt week, a session over the week
 * boundary, DST weeks), local times read in a person's zone, and the
 * iCalendar feed of a person's blocks parsed back with libical. */
#include <string.h>

#include "core/buf.h"
#include "core/ical.h"
#include "core/tz.h"
#include "domain/program.h"
#include "fixture.h"

#define HOUR (3600 * 1000LL)
#define DAY_MS (24 * HOUR)
#define NOV24_0800Z 1795507200000LL /* 2026-11-24T08:00:00Z: 09:00 in Berlin */

static int setup(void **state)
{
    return fx_setup(state, sizeof(struct fx), "program");
}

/* 2026-11-23 (a Monday) as a day count */
static int64_t nov23(void)
{
    return ah_days_from_civil(2026, 11, 23);
}

static struct ah_person someone(const char *tz, int64_t start_day)
{
    struct ah_person p = {.id = 7, .name = "Pat", .timezone = tz, .active = true,
                          .start_day = start_day};

    return p;
}

static void test_program_week_lengths_and_labels(void **state)
{
    struct ah_policy pol;
    struct ah_week w;
    struct ah_error err;

    (void)state;
    ah_policy_default(&pol);
    assert_ok(ah_week_get(&pol, "Europe/Berlin", 2026, 13, &w, &err));
    assert_string_equal(w.label, "2026-W13");
    assert_int_equal((w.end_ms - w.start_ms) / HOUR, 167);
    assert_ok(ah_week_get(&pol, "Europe/Berlin", 2026, 43, &w, &err));
    assert_int_equal((w.end_ms - w.start_ms) / HOUR, 169);
    assert_ok(ah_week_get(&pol, "America/New_York", 2026, 10, &w, &err));
    assert_int_equal((w.end_ms - w.start_ms) / HOUR, 167);
    assert_ok(ah_week_get(&pol, "America/New_York", 2026, 44, &w, &err));
    assert_int_equal((w.end_ms - w.start_ms) / HOUR, 169);
    /* Sunday weeks: the week named W48 starts the Sunday before its Monday */
    pol.week_start = 0;
    assert_ok(ah_week_get(&pol, "UTC", 2026, 48, &w, &err));
    assert_int_equal(w.first_day, nov23() - 1);
    assert_string_equal(w.label, "2026-W48");
}

static void test_program_ledger_pro_rates(void **state)
{
    struct ah_policy pol;
    struct ah_week w;
    struct ah_ledger_week l;
    struct ah_person p = someone("UTC", nov23() + 2); /* starts on Wednesday */
    struct ah_exemption half = {.starts_on = nov23(), .ends_on = nov23() + 2}; /* Mon-Wed */
    struct ah_error err;

    (void)state;
    ah_policy_default(&pol);
    assert_ok(ah_week_get(&pol, "UTC", 2026, 48, &w, &err));
    ah_ledger_fill(&p, &pol, &w, false, NULL, 0, NULL, 0, NULL, 0, &l);
    assert_int_equal(l.enrolled_days, 5);
    assert_int_equal(l.required_min, (480 * 5 + 3) / 7);
    p.start_day = nov23() - 100;
    ah_ledger_fill(&p, &pol, &w, false, &half, 1, NULL, 0, NULL, 0, &l);
    assert_int_equal(l.exempt_days, 3);
    assert_int_equal(l.required_min, (480 * 4 + 3) / 7);
    /* weeks per year: only a booked week asks anything, five working days */
    pol.cadence = AH_CADENCE_YEARLY;
    ah_ledger_fill(&p, &pol, &w, false, NULL, 0, NULL, 0, NULL, 0, &l);
    assert_int_equal(l.required_min, 0);
    ah_ledger_fill(&p, &pol, &w, true, NULL, 0, NULL, 0, NULL, 0, &l);
    assert_int_equal(l.required_min, AH_SUPPORT_WEEK_MINUTES);
    pol.cadence = AH_CADENCE_WEEKLY;
    /* a deactivated person owes nothing */
    p.active = false;
    ah_ledger_fill(&p, &pol, &w, false, NULL, 0, NULL, 0, NULL, 0, &l);
    assert_int_equal(l.required_min, 0);
}

static void test_program_session_split_at_the_boundary(void **state)
{
    struct ah_policy pol;
    struct ah_week w1, w2;
    struct ah_ledger_week l1, l2;
    struct ah_person p = someone("Europe/Berlin", 0);
    struct ah_work_session s = {.person_id = 7};
    struct ah_error err;

    (void)state;
    ah_policy_default(&pol);
    assert_ok(ah_week_get(&pol, "Europe/Berlin", 2026, 48, &w1, &err));
    assert_ok(ah_week_get(&pol, "Europe/Berlin", 2026, 49, &w2, &err));
    assert_int_equal(w1.end_ms, w2.start_ms);
    s.started_at = w1.end_ms - 40 * MINUTE;
    s.last_active_at = w1.end_ms + 20 * MINUTE;
    ah_ledger_fill(&p, &pol, &w1, false, NULL, 0, &s, 1, NULL, 0, &l1);
    ah_ledger_fill(&p, &pol, &w2, false, NULL, 0, &s, 1, NULL, 0, &l2);
    assert_int_equal(l1.worked_ms, 40 * MINUTE);
    assert_int_equal(l2.worked_ms, 20 * MINUTE);
    assert_false(l1.met);
}

static void test_program_local_times(void **state)
{
    int64_t t;
    struct ah_error err;

    (void)state;
    assert_ok(ah_time_parse_in("Europe/Berlin", "start", AH_STR_LIT("2026-11-24T09:00"), &t,
                               &err));
    assert_int_equal(t, NOV24_0800Z);
    assert_ok(ah_time_parse_in("Europe/Berlin", "start", AH_STR_LIT("2026-11-24T08:00:00Z"),
                               &t, &err));
    assert_int_equal(t, NOV24_0800Z);
    assert_ok(ah_time_parse_in("UTC", "start", AH_STR_LIT("2026-11-24T09:00+01:00"), &t, &err));
    assert_int_equal(t, NOV24_0800Z);
    assert_code(AH_E_INVALID,
                ah_time_parse_in("UTC", "start", AH_STR_LIT("2026-02-30T09:00"), &t, &err));
    assert_code(AH_E_INVALID, ah_time_parse_in("UTC", "end", AH_STR_LIT("tomorrow"), &t, &err));
    assert_non_null(strstr(err.msg, "end"));
}

static void test_program_calendar_feed_parses_back(void **state)
{
    struct fx *f = *state;
    struct ah_person p = fx_person(f, "cal@example.com", "Cal Endar", AH_ROLE_MEMBER, NULL);
    char secret[AH_SECRET_MAX];
    struct ah_buf out;
    struct ah_block b;
    size_t n = 0;
    struct ah_error err;

    fx_as(f, &p);
    for (int i = 1; i <= 3; i++)
        assert_ok(ah_block_add(&f->cx, T0 + i * DAY_MS, T0 + i * DAY_MS + 2 * HOUR, &b, &err));
    assert_ok(ah_calendar_rotate(&f->cx, secret, &err));
    ah_buf_init(&out, 1 << 20);
    assert_ok(ah_calendar_feed(&f->cx, ah_str_c(secret), &out, &err));
    assert_true(ah_ical_parse_check(out.p, out.len, &n));
    assert_int_equal(n, 3);
    assert_non_null(strstr(out.p, "UID:block-"));
    /* a rotated secret finds nothing */
    {
        char again[AH_SECRET_MAX];
        struct ah_buf none;

        assert_ok(ah_calendar_rotate(&f->cx, again, &err));
        ah_buf_init(&none, 1 << 20);
        assert_code(AH_E_NOT_FOUND, ah_calendar_feed(&f->cx, ah_str_c(secret), &none, &err));
        ah_buf_release(&none);
    }
    ah_buf_release(&out);
}

/* the zone cache lives as long as the process: freed here for LeakSanitizer */
static int clear_zones(void **state)
{
    (void)state;
    ah_tz_cache_clear();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_program_week_lengths_and_labels),
        cmocka_unit_test(test_program_ledger_pro_rates),
        cmocka_unit_test(test_program_session_split_at_the_boundary),
        cmocka_unit_test(test_program_local_times),
        cmocka_unit_test_setup_teardown(test_program_calendar_feed_parses_back, setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, fx_crypto_setup, clear_zones);
}
