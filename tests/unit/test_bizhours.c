/* test_bizhours.c - src/core/bizhours.c: working hours between two instants.
 * Same day, overnight, weekends, whole weeks, the arguments that give 0,
 * Berlin's spring and autumn days inside and outside the window, skipped and
 * repeated bounds, UTC, and long spans against a day-by-day reference in
 * zones with changes at midnight, a skipped day and a week of DST (Recife,
 * 2000), and the time a year takes. No database. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/bizhours.h"
#include "core/tz.h"
#include "fixture.h"

#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

static const struct ah_tz *zone(const char *name)
{
    struct ah_error err = {0};
    const struct ah_tz *z = ah_tz_get(name, &err);

    if (!z)
        fail_msg("ah_tz_get(%s): %s", name, err.msg);
    return z;
}

/* The instant z's clocks show y-mo-d h:mi. */
static int64_t at(const struct ah_tz *z, int y, int mo, int d, int h, int mi)
{
    return ah_tz_local_to_utc(z, y, mo, d, h, mi, 0);
}

static int64_t biz(const struct ah_tz *z, int mask, int64_t from, int64_t to)
{
    return ah_business_ms(z, mask, 9 * 60, 17 * 60, from, to);
}

/* ---- the reference: every local day on its own ---- */

/* What z's clocks show at t, in minutes as if UTC. */
static int64_t wall_min(const struct ah_tz *z, int64_t t)
{
    return (t + ah_tz_offset(z, t) * 1000LL) / MINUTE;
}

/* The first instant z's clocks show minute min of local day day or later:
 * midnight (0 or 1440) as ah_tz_day_start has it; a skipped time found by
 * walking back a minute at a time from where ah_tz_local_to_utc puts it. */
static int64_t ref_reach(const struct ah_tz *z, int64_t day, int64_t min)
{
    int y, m, d;
    int64_t t;

    if (min == 1440)
        return ref_reach(z, day + 1, 0);
    ah_civil_from_days(day, &y, &m, &d);
    if (min == 0)
        return ah_tz_day_start(z, at(z, y, m, d, 12, 0));
    t = at(z, y, m, d, (int)(min / 60), (int)(min % 60));
    while (wall_min(z, t - MINUTE) >= day * 1440 + min)
        t -= MINUTE;
    return t;
}

static int64_t reference(const struct ah_tz *z, int mask, int64_t smin, int64_t emin, int64_t from,
                         int64_t to)
{
    int64_t total = 0;
    int64_t first = (from + ah_tz_offset(z, from) * 1000LL) / DAY - 1;
    int64_t last = (to + ah_tz_offset(z, to) * 1000LL) / DAY + 1;

    for (int64_t day = first; day <= last; day++) {
        int64_t lo = ref_reach(z, day, smin), hi = ref_reach(z, day, emin);

        if (!(mask >> ah_weekday_from_days(day) & 1))
            continue;
        lo = lo < from ? from : lo;
        hi = hi > to ? to : hi;
        total += hi > lo ? hi - lo : 0;
    }
    return total;
}

/* ---- tests ---- */

/* 2026-01-05 is a Monday. */
static void test_bizhours_same_day(void **state)
{
    const struct ah_tz *z = zone("UTC");

    (void)state;
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 5, 10, 0), at(z, 2026, 1, 5, 12, 30)),
                     150 * MINUTE);
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 5, 7, 0), at(z, 2026, 1, 5, 19, 0)),
                     8 * HOUR);
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 5, 7, 0), at(z, 2026, 1, 5, 9, 0)), 0);
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 5, 17, 0), at(z, 2026, 1, 5, 23, 0)),
                     0);
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 5, 16, 59), at(z, 2026, 1, 5, 17, 1)),
                     MINUTE);
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, T0 + 1, T0 + 2), 0); /* a Thursday's midnight */
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 5, 12, 0) + 1,
                         at(z, 2026, 1, 5, 12, 0) + 2),
                     1);
}

static void test_bizhours_overnight_and_weekend(void **state)
{
    const struct ah_tz *z = zone("UTC");

    (void)state;
    /* Monday 16:00 to Tuesday 10:00 */
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 5, 16, 0), at(z, 2026, 1, 6, 10, 0)),
                     2 * HOUR);
    /* Friday 16:00 to Monday 10:00 */
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 9, 16, 0), at(z, 2026, 1, 12, 10, 0)),
                     2 * HOUR);
    /* the whole weekend, and with Saturday a working day */
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 10, 0, 0), at(z, 2026, 1, 12, 0, 0)), 0);
    assert_int_equal(biz(z, AH_BIZ_MON_FRI | 1 << 6, at(z, 2026, 1, 10, 0, 0),
                         at(z, 2026, 1, 12, 0, 0)),
                     8 * HOUR);
    /* Sunday only (bit 0) */
    assert_int_equal(biz(z, 1, at(z, 2026, 1, 5, 0, 0), at(z, 2026, 1, 19, 0, 0)), 2 * 8 * HOUR);
}

static void test_bizhours_whole_weeks(void **state)
{
    const struct ah_tz *z = zone("UTC");
    int64_t mon = at(z, 2026, 1, 5, 9, 0);

    (void)state;
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, mon, mon + 7 * DAY), 40 * HOUR);
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, mon, mon + 52 * 7 * DAY), 52 * 40 * HOUR);
    assert_int_equal(biz(z, AH_BIZ_ALL_DAYS, mon, mon + 52 * 7 * DAY), 52 * 56 * HOUR);
    /* Wednesday noon to Wednesday noon ten weeks on */
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, mon + 2 * DAY + 3 * HOUR, mon + 72 * DAY + 3 * HOUR),
                     10 * 40 * HOUR);
    /* the whole day, every day: wall-clock time */
    assert_int_equal(ah_business_ms(z, AH_BIZ_ALL_DAYS, 0, 1440, mon + 123, mon + 400 * DAY + 7),
                     400 * DAY + 7 - 123);
}

static void test_bizhours_zero_cases(void **state)
{
    const struct ah_tz *z = zone("UTC");
    int64_t mon = at(z, 2026, 1, 5, 9, 0);

    (void)state;
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, mon + HOUR, mon), 0); /* from after to */
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, mon, mon), 0);
    assert_int_equal(biz(z, 0, mon, mon + 7 * DAY), 0);
    assert_int_equal(biz(z, 1 << 7, mon, mon + 7 * DAY), 0); /* no weekday bit */
    assert_int_equal(ah_business_ms(z, AH_BIZ_MON_FRI, 17 * 60, 9 * 60, mon, mon + 7 * DAY), 0);
    assert_int_equal(ah_business_ms(z, AH_BIZ_MON_FRI, 9 * 60, 9 * 60, mon, mon + 7 * DAY), 0);
    assert_int_equal(ah_business_ms(z, AH_BIZ_MON_FRI, -1, 9 * 60, mon, mon + 7 * DAY), 0);
    assert_int_equal(ah_business_ms(z, AH_BIZ_MON_FRI, 0, 1441, mon, mon + 7 * DAY), 0);
    /* instants far outside the calendar are clamped, not trusted */
    assert_true(biz(z, AH_BIZ_MON_FRI, INT64_MIN, INT64_MAX) > 0);
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, INT64_MAX - 1, INT64_MAX), 0);
}

static void test_bizhours_berlin_spring_day(void **state)
{
    const struct ah_tz *z = zone("Europe/Berlin");
    int64_t from = at(z, 2026, 3, 28, 0, 0), to = at(z, 2026, 3, 31, 0, 0);

    (void)state;
    /* 29 March 2026, a Sunday: 02:00 CET becomes 03:00 CEST at 01:00Z */
    assert_int_equal(biz(z, 1, from, to), 8 * HOUR);
    assert_int_equal(biz(z, AH_BIZ_ALL_DAYS, from, to), 3 * 8 * HOUR);
    assert_int_equal(ah_business_ms(z, 1, 0, 1440, from, to), 23 * HOUR);
    /* a window holding the change: what the clocks say */
    assert_int_equal(ah_business_ms(z, 1, 60, 240, from, to), 2 * HOUR);
    /* a start the clocks skip: from the change on */
    assert_int_equal(ah_business_ms(z, 1, 150, 240, from, to), HOUR);
    assert_int_equal(ah_business_ms(z, 1, 150, 165, from, to), 0);
    /* an end they skip: up to the change */
    assert_int_equal(ah_business_ms(z, 1, 60, 150, from, to), HOUR);
}

static void test_bizhours_berlin_autumn_day(void **state)
{
    const struct ah_tz *z = zone("Europe/Berlin");
    int64_t from = at(z, 2026, 10, 24, 0, 0), to = at(z, 2026, 10, 27, 0, 0);

    (void)state;
    /* 25 October 2026, a Sunday: 03:00 CEST becomes 02:00 CET at 01:00Z */
    assert_int_equal(biz(z, 1, from, to), 8 * HOUR);
    assert_int_equal(ah_business_ms(z, 1, 0, 1440, from, to), 25 * HOUR);
    assert_int_equal(ah_business_ms(z, 1, 60, 240, from, to), 4 * HOUR);
    /* a repeated bound is its first showing */
    assert_int_equal(ah_business_ms(z, 1, 150, 165, from, to), 15 * MINUTE);
    assert_int_equal(ah_business_ms(z, 1, 150, 180, from, to), 90 * MINUTE);
    /* a span starting in the repeated hour, second time round */
    assert_int_equal(ah_business_ms(z, 1, 0, 1440, at(z, 2026, 10, 25, 2, 30) + HOUR, to),
                     to - at(z, 2026, 10, 25, 2, 30) - HOUR - 24 * HOUR);
}

/* A week of Monday to Friday, 9 to 17, in Berlin is 40 hours whichever week,
 * and a year is the sum of its weeks. */
static void test_bizhours_berlin_weeks_across_changes(void **state)
{
    const struct ah_tz *z = zone("Europe/Berlin");
    int64_t total = 0;

    (void)state;
    for (int64_t d = ah_days_from_civil(2026, 1, 5); d < ah_days_from_civil(2027, 1, 4); d += 7) {
        int y, m, dd;
        int64_t from, to;

        ah_civil_from_days(d, &y, &m, &dd);
        from = at(z, y, m, dd, 0, 0);
        ah_civil_from_days(d + 7, &y, &m, &dd);
        to = at(z, y, m, dd, 0, 0);
        assert_int_equal(biz(z, AH_BIZ_MON_FRI, from, to), 40 * HOUR);
        total += to - from;
    }
    assert_int_equal(biz(z, AH_BIZ_MON_FRI, at(z, 2026, 1, 5, 0, 0), at(z, 2027, 1, 4, 0, 0)),
                     52 * 40 * HOUR);
    assert_int_equal(ah_business_ms(z, AH_BIZ_ALL_DAYS, 0, 1440, at(z, 2026, 1, 5, 0, 0),
                                    at(z, 2027, 1, 4, 0, 0)),
                     total);
}

/* A small deterministic generator, so a failure can be replayed. */
static uint64_t next_rand(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 33;
}

struct window {
    int mask;
    int64_t smin, emin;
};

/* Two years from from0, then spans at random within them, against the
 * reference, for each window. */
static void against_reference(const char *name, int64_t from0)
{
    static const struct window windows[] = {
        {AH_BIZ_MON_FRI, 9 * 60, 17 * 60},
        {AH_BIZ_ALL_DAYS, 0, 1440},
        {0x41, 0, 1440},
        {0x2a, 60, 240},
        {AH_BIZ_MON_FRI, 8 * 60 + 30, 18 * 60 + 15},
        {AH_BIZ_ALL_DAYS, 150, 1439},
    };
    const struct ah_tz *z = zone(name);
    int64_t span = 2 * 365 * DAY + 17 * HOUR;
    uint64_t seed = 42;

    for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
        const struct window *wi = &windows[w];

        assert_int_equal(ah_business_ms(z, wi->mask, wi->smin, wi->emin, from0, from0 + span),
                         reference(z, wi->mask, wi->smin, wi->emin, from0, from0 + span));
        for (int k = 0; k < 300; k++) {
            int64_t a = from0 + (int64_t)(next_rand(&seed) % (uint64_t)(span / MINUTE)) * MINUTE;
            int64_t b = a + (int64_t)(next_rand(&seed) % (uint64_t)(120 * DAY / MINUTE)) * MINUTE;
            int64_t got = ah_business_ms(z, wi->mask, wi->smin, wi->emin, a, b);

            if (got != reference(z, wi->mask, wi->smin, wi->emin, a, b))
                fail_msg("%s window %zu, %" PRId64 "..%" PRId64 ": got %" PRId64 ", want %" PRId64,
                         name, w, a, b, got, reference(z, wi->mask, wi->smin, wi->emin, a, b));
        }
    }
}

static void test_bizhours_two_years_match_day_by_day(void **state)
{
    (void)state;
    against_reference("UTC", T0);
    against_reference("Europe/Berlin", T0 - 3 * DAY);
    against_reference("America/New_York", T0);
    against_reference("Australia/Lord_Howe", T0); /* half-hour changes */
    against_reference("America/Santiago", T0);    /* changes at midnight */
    against_reference("America/Havana", T0);      /* changes at midnight */
    /* 8 and 15 October 2000: a week of daylight saving, changes at midnight */
    against_reference("America/Recife", 946684800000LL);
    /* 30 December 2011 was skipped */
    against_reference("Pacific/Apia", 1293840000000LL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bizhours_same_day),
        cmocka_unit_test(test_bizhours_overnight_and_weekend),
        cmocka_unit_test(test_bizhours_whole_weeks),
        cmocka_unit_test(test_bizhours_zero_cases),
        cmocka_unit_test(test_bizhours_berlin_spring_day),
        cmocka_unit_test(test_bizhours_berlin_autumn_day),
        cmocka_unit_test(test_bizhours_berlin_weeks_across_changes),
        cmocka_unit_test(test_bizhours_two_years_match_day_by_day),
    };

    return cmocka_run_group_tests_name("bizhours", tests, NULL, NULL);
}
