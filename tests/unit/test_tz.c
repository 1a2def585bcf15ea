/* test_tz.c - src/core/tz.c: zones from the system tz database checked
 * against glibc's localtime second by second at every change of offset,
 * POSIX footers alone, skipped and repeated local times, days and weeks
 * across changes, ISO week labels, the calendar, malformed names and TZif
 * files, and the cache under threads. No database. glibc is asked through
 * the TZ variable, which is fine here: one thread at a time uses it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/tz.h"
#include "fixture.h"

#define MS 1000LL
#define HOUR_MS (3600 * MS)

/* the temporary directory for hand-made TZif files, from the group setup */
static char dir[256];

static const char *const zones[] = {
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Sao_Paulo",
    "Pacific/Apia",
    "Asia/Tokyo",
    "Africa/Casablanca",
    "UTC",
    "America/Havana",
    "Asia/Jerusalem",
    "America/Nuuk",
    "Europe/Dublin",
    "America/Santiago",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

static const struct ah_tz *zone(const char *name)
{
    struct ah_error err = {0};
    const struct ah_tz *z = ah_tz_get(name, &err);

    if (!z)
        fail_msg("ah_tz_get(%s): %s", name, err.msg);
    return z;
}

static int64_t secs_of(int y, int mo, int d, int h, int mi)
{
    return ah_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static int64_t utc_ms(int y, int mo, int d, int h, int mi)
{
    return secs_of(y, mo, d, h, mi) * MS;
}

static void use_glibc_zone(const char *spec)
{
    setenv("TZ", spec, 1);
    tzset();
}

static long glibc_off(time_t t)
{
    struct tm tm;

    localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}

static int64_t civil_secs(const struct ah_civil *c)
{
    return secs_of(c->year, c->month, c->day, c->hour, c->minute) + c->second;
}

/* Fails unless z and glibc agree on t; returns the offset. */
static long check_instant(const struct ah_tz *z, const char *what, time_t t)
{
    struct tm tm;
    struct ah_civil c;

    localtime_r(&t, &tm);
    ah_tz_to_local(z, (int64_t)t * MS, &c);
    if (c.utoff != tm.tm_gmtoff || c.year != tm.tm_year + 1900 || c.month != tm.tm_mon + 1 ||
        c.day != tm.tm_mday || c.hour != tm.tm_hour || c.minute != tm.tm_min ||
        c.second != tm.tm_sec || c.wday != tm.tm_wday || c.yday != tm.tm_yday)
        fail_msg("%s at %lld: ours %04d-%02d-%02d %02d:%02d:%02d %+d, glibc "
                 "%04d-%02d-%02d %02d:%02d:%02d %+ld",
                 what, (long long)t, c.year, c.month, c.day, c.hour, c.minute, c.second, c.utoff,
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 tm.tm_gmtoff);
    return tm.tm_gmtoff;
}

/* Every step in [from, to) against glibc (set to the same zone); where the
 * offset changed between two steps, also the exact second of the change
 * (found with glibc), the second before, and the milliseconds at each side.
 * Returns how many changes it saw. */
static int check_range(const struct ah_tz *z, const char *what, time_t from, time_t to, time_t step)
{
    long prev_off = glibc_off(from);
    int changes = 0;

    for (time_t t = from, prev = from; t < to; prev = t, t += step) {
        long off = check_instant(z, what, t);

        if (off != prev_off) {
            time_t lo = prev, hi = t;

            while (hi - lo > 1) {
                time_t mid = lo + (hi - lo) / 2;

                if (glibc_off(mid) == prev_off)
                    lo = mid;
                else
                    hi = mid;
            }
            check_instant(z, what, lo);
            check_instant(z, what, hi);
            assert_int_equal(ah_tz_offset(z, (int64_t)hi * MS - 1), prev_off);
            assert_int_equal(ah_tz_offset(z, (int64_t)hi * MS + 999), off);
            changes++;
        }
        prev_off = off;
    }
    return changes;
}

/* ---- against glibc ---- */

static void test_tz_system_zones_match_glibc(void **state)
{
    char spec[80];

    (void)state;
    for (size_t i = 0; i < NZONES; i++) {
        const struct ah_tz *z = zone(zones[i]);

        snprintf(spec, sizeof(spec), ":%s", zones[i]);
        use_glibc_zone(spec);
        check_range(z, zones[i], (time_t)secs_of(1890, 1, 1, 0, 0),
                    (time_t)secs_of(1970, 1, 1, 0, 0), 47917);
        check_range(z, zones[i], (time_t)secs_of(1970, 1, 1, 0, 0),
                    (time_t)secs_of(2041, 1, 1, 0, 0), 2 * 3600 + 1);
        check_range(z, zones[i], (time_t)secs_of(2041, 1, 1, 0, 0),
                    (time_t)secs_of(2101, 1, 1, 0, 0), 6 * 3600 + 7);
    }
}

/* A zone with no transitions, only the footer rule (RFC 8536: then the
 * footer governs all time). */
static struct ah_tz *footer_zone(const char *rule)
{
    struct ah_error err = {0};
    struct ah_tz *z = NULL;
    char path[300];
    unsigned char hdr[44] = "TZif3";
    FILE *f;

    snprintf(path, sizeof(path), "%s/footer", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    hdr[39] = 1; /* one type, one char, in both blocks */
    hdr[43] = 1;
    for (int k = 0; k < 2; k++) {
        fwrite(hdr, 1, sizeof(hdr), f);
        fwrite("\0\0\0\0\0\0\0", 1, 7, f);
    }
    fprintf(f, "\n%s\n", rule);
    fclose(f);
    if (ah_tz_load_file(path, rule, &z, &err) != AH_OK)
        fail_msg("%s: %s", rule, err.msg);
    unlink(path);
    return z;
}

/* Footers alone against glibc reading the same POSIX string from TZ,
 * 1970..2100. */
static void test_tz_footer_only_matches_glibc(void **state)
{
    static const char *const rules[] = {
        "CET-1CEST,M3.5.0,M10.5.0/3",
        "EST5EDT,M3.2.0,M11.1.0",
        "AEST-10AEDT,M10.1.0,M4.1.0/3",         /* south: DST over the new year */
        "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", /* Lord Howe: 30 minutes */
        "<-03>3<-02>,M11.1.0/0,M2.3.0/0",       /* Sao Paulo 2018: skips midnight */
        "<+13>-13<+14>,M9.5.0/3,M4.1.0/4",      /* Apia 2020 */
        "CST5CDT,M3.2.0/0,M11.1.0/1",           /* Havana */
        "IST-2IDT,M3.4.4/26,M10.5.0",           /* Jerusalem: hour 26 */
        "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",      /* Nuuk: hour -1 */
        "<+00>0<+01>,M3.5.0/167,M10.5.0/-100",  /* RFC 8536 extremes */
        "<-01>1<+00>0,M3.1.0/-167,M10.5.6/167",
        "XXX3YYY,J60/2,J300/2", /* Jn skips 29 February */
        "XXX3YYY,59/2,299/2",   /* n counts it */
        "XXX3YYY,J1/2,J365/20",
        "XXX-1:02:03YYY-2:03:04,M3.5.0/1:30:45,M10.5.0/2:00:01",
        "<+0545>-5:45",
        "<-03>3",
        "JST-9",
        "UTC0",
        "<-12>12",
        "<+14>-14",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        struct ah_tz *z = footer_zone(rules[i]);

        int changes;

        use_glibc_zone(rules[i]);
        changes = check_range(z, rules[i], (time_t)secs_of(1970, 1, 1, 0, 0),
                              (time_t)secs_of(2101, 1, 1, 0, 0), 6 * 3600 + 1);
        /* two a year where there is daylight time, none elsewhere */
        assert_int_equal(changes, strchr(rules[i], ',') ? 2 * 131 : 0);
        ah_tz_free(z);
    }
}

/* Changes reckoned past the end of their year: glibc looks only at the rules
 * of the instant's UTC year and misses them, so no comparison here. */
static void test_tz_footer_change_past_new_year(void **state)
{
    struct ah_tz *z = footer_zone("XXX3YYY,J1/0,J365/23");
    struct ah_civil c;

    (void)state;
    /* 1969's daylight time ends 31 December 23:00 YYY, 1970-01-01T01:00Z */
    ah_tz_to_local(z, 0, &c);
    assert_int_equal(c.utoff, -7200);
    assert_int_equal(c.hour, 22);
    assert_int_equal(ah_tz_offset(z, utc_ms(1970, 1, 1, 1, 0) - 1), -7200);
    assert_int_equal(ah_tz_offset(z, utc_ms(1970, 1, 1, 1, 0)), -10800);
    /* and 1970's starts 1 January 00:00 XXX, 03:00Z */
    assert_int_equal(ah_tz_offset(z, utc_ms(1970, 1, 1, 3, 0) - 1), -10800);
    assert_int_equal(ah_tz_offset(z, utc_ms(1970, 1, 1, 3, 0)), -7200);
    ah_tz_free(z);
    /* 167 hours past the last Sunday of December lands in January */
    z = footer_zone("<+00>0<+01>,M12.5.0/167,M3.5.0/1");
    assert_int_equal(ah_tz_offset(z, utc_ms(2027, 1, 2, 22, 59)), 0); /* 27 Dec + 167 h */
    assert_int_equal(ah_tz_offset(z, utc_ms(2027, 1, 2, 23, 0)), 3600);
    assert_int_equal(ah_tz_offset(z, utc_ms(2027, 3, 27, 23, 59)), 3600);
    assert_int_equal(ah_tz_offset(z, utc_ms(2027, 3, 28, 0, 0)), 0);
    ah_tz_free(z);
    /* tzcode's way of writing daylight time all year: each year's end meets
     * the next year's start */
    z = footer_zone("EST5EDT4,0/0,J365/25");
    for (int64_t t = utc_ms(1970, 1, 1, 0, 0); t < utc_ms(2040, 1, 1, 0, 0); t += 3607 * MS)
        assert_int_equal(ah_tz_offset(z, t), -4 * 3600);
    ah_tz_free(z);
}

/* ---- local to UTC ---- */

static void test_tz_local_round_trip(void **state)
{
    static const int years[] = {1985, 2011, 2026, 2050};
    struct ah_civil c, r;

    (void)state;
    for (size_t i = 0; i < NZONES; i++) {
        const struct ah_tz *z = zone(zones[i]);

        for (size_t k = 0; k < 4; k++) {
            int64_t from = utc_ms(years[k], 1, 1, 0, 0), to = utc_ms(years[k] + 1, 1, 1, 0, 0);

            for (int64_t t = from; t < to; t += HOUR_MS / 2) {
                int64_t back;

                ah_tz_to_local(z, t, &c);
                back = ah_tz_local_to_utc(z, c.year, c.month, c.day, c.hour, c.minute, c.second);
                if (back == t)
                    continue;
                /* the second time of a repeated wall time gives the first */
                ah_tz_to_local(z, back, &r);
                if (back > t || civil_secs(&r) != civil_secs(&c) || r.utoff <= c.utoff)
                    fail_msg("%s: %lld gives back %lld", zones[i], (long long)t, (long long)back);
            }
        }
    }
}

/* Every half hour of wall time in 2026 (2011 for Apia): a time that exists
 * comes back as its earliest instant; a skipped one is read with the offset
 * before the change. */
static void test_tz_wall_times_earliest_or_shifted(void **state)
{
    struct ah_civil c, e;
    int skipped = 0;

    (void)state;
    for (size_t i = 0; i < NZONES; i++) {
        const struct ah_tz *z = zone(zones[i]);
        int year = strcmp(zones[i], "Pacific/Apia") == 0 ? 2011 : 2026;

        for (int64_t w = secs_of(year, 1, 1, 0, 0); w < secs_of(year + 1, 1, 1, 0, 0); w += 1800) {
            int y, mo, d, h = (int)(w % 86400 / 3600), mi = (int)(w % 3600 / 60);
            int64_t t;

            ah_civil_from_days(w / 86400, &y, &mo, &d);
            t = ah_tz_local_to_utc(z, y, mo, d, h, mi, 0);
            ah_tz_to_local(z, t, &c);
            if (civil_secs(&c) == w) {
                for (int64_t back = 900; back <= 3 * 3600; back += 900) {
                    ah_tz_to_local(z, t - back * MS, &e);
                    if (civil_secs(&e) == w)
                        fail_msg("%s: %lld is not the first instant", zones[i], (long long)t);
                }
            } else {
                /* the offset read with was in effect before the change */
                int64_t before = w - t / MS;

                if (c.utoff <= before || ah_tz_offset(z, (w - c.utoff) * MS - 1) != before)
                    fail_msg("%s: skipped %04d-%02d-%02d %02d:%02d gives %lld", zones[i], y, mo, d,
                             h, mi, (long long)t);
                skipped++;
            }
        }
    }
    assert_true(skipped > 50); /* Apia alone skips 48 */
}

/* glibc's mktime with tm_isdst = -1 agrees on an ordinary spring forward
 * (not everywhere: it reads Apia's skipped day and Casablanca's return from
 * Ramadan time with the offset after the change). */
static int64_t glibc_mktime(const char *zone_name, int y, int mo, int d, int h, int mi)
{
    char spec[80];
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_isdst = -1};

    snprintf(spec, sizeof(spec), ":%s", zone_name);
    use_glibc_zone(spec);
    return (int64_t)mktime(&tm) * MS;
}

static void test_tz_gap_and_overlap_2026(void **state)
{
    const struct ah_tz *ber = zone("Europe/Berlin"), *ny = zone("America/New_York");

    (void)state;
    /* Berlin, 29 March: 02:00 CET becomes 03:00 CEST at 01:00Z */
    assert_true(ah_tz_local_to_utc(ber, 2026, 3, 29, 1, 59, 59) ==
                utc_ms(2026, 3, 29, 0, 59) + 59 * MS);
    assert_true(ah_tz_local_to_utc(ber, 2026, 3, 29, 2, 0, 0) == utc_ms(2026, 3, 29, 1, 0));
    assert_true(ah_tz_local_to_utc(ber, 2026, 3, 29, 2, 30, 0) == utc_ms(2026, 3, 29, 1, 30));
    assert_true(glibc_mktime("Europe/Berlin", 2026, 3, 29, 2, 30) == utc_ms(2026, 3, 29, 1, 30));
    assert_true(ah_tz_local_to_utc(ber, 2026, 3, 29, 3, 0, 0) == utc_ms(2026, 3, 29, 1, 0));
    assert_true(ah_tz_local_to_utc(ber, 2026, 3, 29, 3, 30, 0) == utc_ms(2026, 3, 29, 1, 30));
    /* 25 October: 02:00..02:59 twice (CEST, then CET), the first wins */
    assert_true(ah_tz_local_to_utc(ber, 2026, 10, 25, 2, 30, 0) == utc_ms(2026, 10, 25, 0, 30));
    assert_true(ah_tz_local_to_utc(ber, 2026, 10, 25, 1, 59, 0) == utc_ms(2026, 10, 24, 23, 59));
    assert_true(ah_tz_local_to_utc(ber, 2026, 10, 25, 3, 0, 0) == utc_ms(2026, 10, 25, 2, 0));
    /* New York, 8 March: 02:00 EST becomes 03:00 EDT at 07:00Z */
    assert_true(ah_tz_local_to_utc(ny, 2026, 3, 8, 2, 30, 0) == utc_ms(2026, 3, 8, 7, 30));
    assert_true(glibc_mktime("America/New_York", 2026, 3, 8, 2, 30) == utc_ms(2026, 3, 8, 7, 30));
    assert_true(ah_tz_local_to_utc(ny, 2026, 3, 8, 3, 0, 0) == utc_ms(2026, 3, 8, 7, 0));
    /* 1 November: 01:00..01:59 twice (EDT, then EST) */
    assert_true(ah_tz_local_to_utc(ny, 2026, 11, 1, 1, 30, 0) == utc_ms(2026, 11, 1, 5, 30));
    assert_true(ah_tz_local_to_utc(ny, 2026, 11, 1, 2, 0, 0) == utc_ms(2026, 11, 1, 7, 0));
    /* fields out of range carry as in mktime */
    assert_true(ah_tz_local_to_utc(ber, 2026, 13, 1, 0, 0, 0) == utc_ms(2026, 12, 31, 23, 0));
    assert_true(ah_tz_local_to_utc(ber, 2026, 3, 28, 24, 0, 0) == utc_ms(2026, 3, 28, 23, 0));
}

/* ---- days and weeks ---- */

static void test_tz_week_lengths_2026(void **state)
{
    const struct ah_tz *ber = zone("Europe/Berlin"), *ny = zone("America/New_York");
    int64_t t = utc_ms(2026, 3, 29, 10, 0), s, e;

    (void)state;
    s = ah_tz_week_start(ber, t, 1);
    e = ah_tz_week_end(ber, t, 1);
    assert_true(s == utc_ms(2026, 3, 22, 23, 0));
    assert_true(e == utc_ms(2026, 3, 29, 22, 0));
    assert_true(e - s == 167 * HOUR_MS);
    /* the boundaries belong to the week they start */
    assert_true(ah_tz_week_start(ber, s, 1) == s);
    assert_true(ah_tz_week_end(ber, s, 1) == e);
    assert_true(ah_tz_week_start(ber, e - 1, 1) == s);
    assert_true(ah_tz_week_start(ber, e, 1) == e);
    assert_true(ah_tz_week_start(ber, s - 1, 1) == s - 168 * HOUR_MS);

    t = utc_ms(2026, 10, 25, 10, 0);
    s = ah_tz_week_start(ber, t, 1);
    e = ah_tz_week_end(ber, t, 1);
    assert_true(s == utc_ms(2026, 10, 18, 22, 0));
    assert_true(e == utc_ms(2026, 10, 25, 23, 0));
    assert_true(e - s == 169 * HOUR_MS);

    t = utc_ms(2026, 3, 10, 15, 0); /* Sunday weeks in New York */
    s = ah_tz_week_start(ny, t, 0);
    e = ah_tz_week_end(ny, t, 0);
    assert_true(s == utc_ms(2026, 3, 8, 5, 0));
    assert_true(e == utc_ms(2026, 3, 15, 4, 0));
    assert_true(e - s == 167 * HOUR_MS);
    assert_true(ah_tz_week_start(ny, s, 0) == s);
    assert_true(ah_tz_week_start(ny, s - 1, 0) == utc_ms(2026, 3, 1, 5, 0));
}

static void test_tz_day_start_skipped_midnight(void **state)
{
    const struct ah_tz *sp = zone("America/Sao_Paulo"), *hav = zone("America/Havana");
    const struct ah_tz *apia = zone("Pacific/Apia");
    struct ah_civil c;
    int64_t s;

    (void)state;
    /* Brazil's clocks went from 00:00 to 01:00 on 4 November 2018 */
    s = ah_tz_day_start(sp, utc_ms(2018, 11, 4, 15, 0));
    assert_true(s == utc_ms(2018, 11, 4, 3, 0));
    ah_tz_to_local(sp, s, &c);
    assert_int_equal(c.day, 4);
    assert_int_equal(c.hour, 1);
    ah_tz_to_local(sp, s - 1, &c);
    assert_int_equal(c.day, 3);
    /* Havana: 00:00 CST becomes 01:00 CDT on the second Sunday of March */
    s = ah_tz_day_start(hav, utc_ms(2026, 3, 8, 15, 0));
    assert_true(s == utc_ms(2026, 3, 8, 5, 0));
    ah_tz_to_local(hav, s, &c);
    assert_int_equal(c.hour, 1);
    assert_true(ah_tz_local_to_utc(hav, 2026, 3, 8, 0, 0, 0) == s);
    /* Apia skipped Friday 30 December 2011: that week is 144 hours */
    s = ah_tz_week_start(apia, utc_ms(2011, 12, 31, 0, 0), 1);
    assert_true(s == utc_ms(2011, 12, 26, 10, 0));
    assert_true(ah_tz_week_end(apia, s, 1) - s == 144 * HOUR_MS);
    assert_true(ah_tz_day_start(apia, utc_ms(2011, 12, 31, 0, 0)) == utc_ms(2011, 12, 30, 10, 0));
    assert_true(ah_tz_local_to_utc(apia, 2011, 12, 30, 12, 0, 0) == utc_ms(2011, 12, 30, 22, 0));
}

static void test_tz_day_start_in_gap_across_midnight(void **state)
{
    /* clocks go from 23:30 to 00:30 on the last Saturday night of March */
    struct ah_tz *z = footer_zone("<+0030>-0:30<+0130>-1:30,M3.5.6/23:30,M10.5.0");
    int64_t change = utc_ms(2026, 3, 28, 23, 0);
    struct ah_civil c;

    (void)state;
    assert_true(ah_tz_day_start(z, utc_ms(2026, 3, 29, 12, 0)) == change);
    assert_true(ah_tz_week_start(z, utc_ms(2026, 3, 31, 12, 0), 0) == change);
    assert_true(ah_tz_week_end(z, utc_ms(2026, 3, 25, 12, 0), 0) == change);
    ah_tz_to_local(z, change, &c);
    assert_int_equal(c.day * 10000 + c.hour * 100 + c.minute, 290030);
    /* midnight itself is read with +00:30, so it comes out at 01:00 */
    assert_true(ah_tz_local_to_utc(z, 2026, 3, 29, 0, 0, 0) == change + 30 * 60 * MS);
    ah_tz_free(z);
}

static int64_t local_days(const struct ah_tz *z, int64_t t)
{
    struct ah_civil c;

    ah_tz_to_local(z, t, &c);
    return ah_days_from_civil(c.year, c.month, c.day);
}

/* Each day 1970..2040 in every zone: day_start is the first instant of the
 * day, week_start the first of a week beginning on the right day. */
static void test_tz_days_and_weeks_everywhere(void **state)
{
    (void)state;
    for (size_t i = 0; i < NZONES; i++) {
        const struct ah_tz *z = zone(zones[i]);

        for (int64_t d = ah_days_from_civil(1970, 1, 2); d < ah_days_from_civil(2041, 1, 1); d++) {
            int64_t t = (d * 86400 + (d * 3607) % 86400) * MS, day = local_days(z, t);
            int64_t s = ah_tz_day_start(z, t);

            if (s > t || local_days(z, s) != day || local_days(z, s - 1) >= day)
                fail_msg("%s: day_start %lld of %lld", zones[i], (long long)s, (long long)t);
            for (int dow = 0; dow <= 1; dow++) {
                int64_t ws = ah_tz_week_start(z, t, dow), we = ah_tz_week_end(z, t, dow);
                int64_t first = local_days(z, ws);

                if (ws > t || we <= t || ah_weekday_from_days(first) != dow ||
                    local_days(z, ws - 1) >= first || day - first > 6 ||
                    local_days(z, we) - first != 7 || ah_tz_week_start(z, we, dow) != we ||
                    ah_tz_week_start(z, we - 1, dow) != ws)
                    fail_msg("%s: week %d %lld..%lld of %lld", zones[i], dow, (long long)ws,
                             (long long)we, (long long)t);
            }
        }
    }
}

/* ---- the calendar and ISO weeks ---- */

static void test_tz_calendar(void **state)
{
    int y, m, d, want_y = 1, want_m = 1, want_d = 1;

    (void)state;
    assert_int_equal(ah_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(ah_days_from_civil(2000, 3, 1), 11017);
    assert_true(ah_days_from_civil(1, 1, 1) == -719162);
    assert_int_equal(ah_days_from_civil(9999, 12, 31), 2932896);
    assert_int_equal(ah_days_from_civil(2026, 13, 1), ah_days_from_civil(2027, 1, 1));
    assert_int_equal(ah_days_from_civil(2026, 0, 1), ah_days_from_civil(2025, 12, 1));
    assert_int_equal(ah_days_from_civil(2024, 3, 0), ah_days_from_civil(2024, 2, 29));
    assert_int_equal(ah_days_from_civil(2026, -23, 1), ah_days_from_civil(2024, 1, 1));
    assert_int_equal(ah_weekday_from_days(0), 4);
    assert_int_equal(ah_weekday_from_days(-1), 3);
    assert_int_equal(ah_weekday_from_days(ah_days_from_civil(2026, 3, 29)), 0);
    assert_int_equal(ah_weekday_from_days(ah_days_from_civil(1, 1, 1)), 1);
    for (int64_t n = ah_days_from_civil(1, 1, 1); n <= ah_days_from_civil(9999, 12, 31); n++) {
        int len = want_m == 2 ? 28 + ((want_y % 4 == 0 && want_y % 100 != 0) || want_y % 400 == 0)
                              : 30 + ((want_m + (want_m > 7)) % 2);

        ah_civil_from_days(n, &y, &m, &d);
        if (y != want_y || m != want_m || d != want_d || ah_days_from_civil(y, m, d) != n)
            fail_msg("day %lld: %d-%d-%d", (long long)n, y, m, d);
        if (++want_d > len) {
            want_d = 1;
            if (++want_m > 12) {
                want_m = 1;
                want_y++;
            }
        }
    }
}

static void test_tz_iso_weeks(void **state)
{
    int y = 0, w = 0;
    char out[16];

    (void)state;
    assert_int_equal(ah_iso_weeks_in_year(2026), 53); /* 1 January 2026 is a Thursday */
    assert_int_equal(ah_iso_weeks_in_year(2025), 52);
    assert_int_equal(ah_iso_weeks_in_year(2020), 53); /* leap, starting on a Wednesday */
    assert_int_equal(ah_iso_weeks_in_year(2021), 52);
    assert_true(ah_iso_week_parse("2026-W53", 8, &y, &w));
    assert_int_equal(y, 2026);
    assert_int_equal(w, 53);
    assert_true(ah_iso_week_parse("2026-W01", 8, &y, &w));
    assert_int_equal(w, 1);
    static const char *const bad[] = {"2025-W53", "2026-W00", "2026-W54", "2026-w01", "2026W01x",
                                      "2026-W1x", "0000-W01", "+026-W01", "2026-X01", "2026/W01"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(ah_iso_week_parse(bad[i], 8, &y, &w));
    assert_false(ah_iso_week_parse("2026-W011", 9, &y, &w));
    assert_false(ah_iso_week_parse("2026-W1", 7, &y, &w));
    assert_int_equal(ah_iso_week_monday(2026, 53), ah_days_from_civil(2026, 12, 28));
    assert_int_equal(ah_iso_week_monday(2026, 1), ah_days_from_civil(2025, 12, 29));
    ah_iso_week_of_days(ah_days_from_civil(2021, 1, 3), &y, &w);
    assert_int_equal(y * 100 + w, 202053);
    ah_iso_week_of_days(ah_days_from_civil(2008, 12, 29), &y, &w);
    assert_int_equal(y * 100 + w, 200901);
    ah_iso_week_format(2026, 5, out);
    assert_string_equal(out, "2026-W05");

    for (int year = 2000; year <= 2100; year++) {
        for (int week = 1; week <= ah_iso_weeks_in_year(year); week++) {
            int64_t mon = ah_iso_week_monday(year, week);

            assert_int_equal(ah_weekday_from_days(mon), 1);
            ah_iso_week_of_days(mon, &y, &w);
            assert_int_equal(y * 100 + w, year * 100 + week);
            ah_iso_week_of_days(mon + 6, &y, &w);
            assert_int_equal(y * 100 + w, year * 100 + week);
            ah_iso_week_format(year, week, out);
            assert_true(ah_iso_week_parse(out, strlen(out), &y, &w));
            assert_int_equal(y * 100 + w, year * 100 + week);
        }
    }
    /* every day against strftime's %G-W%V */
    for (int64_t d = ah_days_from_civil(2000, 1, 1); d <= ah_days_from_civil(2100, 12, 31); d++) {
        time_t t = (time_t)(d * 86400);
        struct tm tm;
        char want[16];

        gmtime_r(&t, &tm);
        strftime(want, sizeof(want), "%G-W%V", &tm);
        ah_iso_week_of_days(d, &y, &w);
        ah_iso_week_format(y, w, out);
        assert_string_equal(out, want);
    }
}

/* ---- names ---- */

static void test_tz_bad_names(void **state)
{
    struct ah_error err = {0};
    char big[101];
    static const char *const bad[] = {"../etc/passwd",
                                      "",
                                      "Europe/Nowhere",
                                      "/etc/passwd",
                                      "Europe//Berlin",
                                      "Europe/Berlin/",
                                      "Europe",
                                      "zone.tab",
                                      "Europe/Berlin\n",
                                      "Europe/ Berlin",
                                      "right/Europe/Berlin",
                                      "Europe/Berlin;"};

    (void)state;
    memset(big, 'A', 100);
    big[100] = '\0';
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err.code = AH_OK;
        if (ah_tz_get(bad[i], &err) || err.code != AH_E_INVALID)
            fail_msg("ah_tz_get(\"%s\"): %s", bad[i], ah_err_name(err.code));
    }
    assert_null(ah_tz_get(big, &err));
    assert_int_equal(err.code, AH_E_INVALID);
    err.code = AH_OK;
    assert_null(ah_tz_get(NULL, &err));
    assert_int_equal(err.code, AH_E_INVALID);
    /* the shape: 64 is the cap */
    assert_true(ah_tz_valid_name(big, 64));
    assert_false(ah_tz_valid_name(big, 65));
    assert_false(ah_tz_valid_name("Europe/Berlin", 0));
    assert_true(ah_tz_valid_name("Etc/GMT+5", 9));
    assert_true(ah_tz_valid_name("America/Port-au-Prince", 22));
    assert_false(ah_tz_valid_name("a/../b", 6));
    assert_false(ah_tz_valid_name("a/./b", 5));
    assert_false(ah_tz_valid_name("Europe\0Berlin", 13));
}

static void test_tz_builtin_and_fixed_zones(void **state)
{
    const struct ah_tz *utc = zone("UTC"), *etc = zone("Etc/UTC"), *plus = zone("Etc/GMT-14");
    struct ah_civil c;

    (void)state;
    assert_ptr_equal(utc, zone("UTC"));
    assert_string_equal(ah_tz_name(etc), "Etc/UTC");
    assert_int_equal(ah_tz_offset(utc, utc_ms(2026, 6, 1, 0, 0)), 0);
    assert_int_equal(ah_tz_offset(etc, -1), 0);
    assert_int_equal(ah_tz_offset(plus, utc_ms(2026, 6, 1, 0, 0)), 14 * 3600);
    ah_tz_to_local(utc, -1, &c); /* a millisecond before the epoch */
    assert_int_equal(c.year, 1969);
    assert_int_equal(c.second, 59);
    assert_int_equal(c.wday, 3);
    assert_int_equal(c.yday, 364);
    assert_true(ah_tz_day_start(utc, -1) == -86400 * MS);
}

/* ---- TZif files ---- */

static void put32(unsigned char **p, uint32_t v)
{
    for (int i = 3; i >= 0; i--)
        *(*p)++ = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char **p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p, (uint32_t)v);
}

/* A TZif file: version 0 (v1 data only) or '2'..'4' (a minimal v1 block,
 * then 64-bit data and the footer); type k has offset utoff[k], DST when odd. */
static size_t tzif(unsigned char *out, char version, const int64_t *at, const unsigned char *idx,
                   uint32_t ntrans, const int32_t *utoff, uint32_t ntypes, const char *footer)
{
    unsigned char *p = out;

    for (int pass = version ? 0 : 1; pass < 2; pass++) {
        bool real = pass == 1;
        uint32_t nt = real ? ntrans : 0, ny = real ? ntypes : 1;

        memcpy(p, "TZif", 4);
        p[4] = (unsigned char)version;
        memset(p + 5, 0, 15);
        p += 20;
        put32(&p, 0);
        put32(&p, 0);
        put32(&p, 0);
        put32(&p, nt);
        put32(&p, ny);
        put32(&p, 4);
        for (uint32_t i = 0; i < nt; i++) {
            if (version)
                put64(&p, (uint64_t)at[i]);
            else
                put32(&p, (uint32_t)at[i]);
        }
        memcpy(p, idx, nt);
        p += nt;
        for (uint32_t i = 0; i < ny; i++) {
            put32(&p, real ? (uint32_t)utoff[i] : 0);
            *p++ = (unsigned char)(real ? i % 2 : 0);
            *p++ = 0;
        }
        memcpy(p, "ABC", 4);
        p += 4;
    }
    if (version) {
        size_t n = strlen(footer);

        *p++ = '\n';
        memcpy(p, footer, n);
        p += n;
        *p++ = '\n';
    }
    return (size_t)(p - out);
}

/* Writes n bytes to a file in dir and loads it as zone "test". */
static enum ah_err load_bytes(const void *p, size_t n, struct ah_tz **z, struct ah_error *err)
{
    char path[300];
    FILE *f;
    enum ah_err rc;

    snprintf(path, sizeof(path), "%s/zone", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
    rc = ah_tz_load_file(path, "test", z, err);
    unlink(path);
    return rc;
}

static const int64_t sample_at[] = {-100000, 0, 86400};
static const unsigned char sample_idx[] = {1, 0, 1};
static const int32_t sample_utoff[] = {0, 3600};

static size_t sample(unsigned char *out, char version, const char *footer)
{
    return tzif(out, version, sample_at, sample_idx, 3, sample_utoff, 2, footer);
}

static void test_tz_file_versions(void **state)
{
    struct ah_error err = {0};
    unsigned char buf[1024];
    struct ah_tz *z = NULL;
    static const char versions[] = {0, '2', '3', '4', '5'};

    (void)state;
    for (size_t i = 0; i < sizeof(versions); i++) {
        z = NULL;
        assert_ok(load_bytes(buf, sample(buf, versions[i], "<+02>-2"), &z, &err));
        assert_string_equal(ah_tz_name(z), "test");
        assert_int_equal(ah_tz_offset(z, -200000 * MS), 0); /* before the first: type 0 */
        assert_int_equal(ah_tz_offset(z, -100000 * MS), 3600);
        assert_int_equal(ah_tz_offset(z, -1), 3600);
        assert_int_equal(ah_tz_offset(z, 0), 0);
        assert_int_equal(ah_tz_offset(z, 86400 * MS - 1), 0);
        /* version 1 has no footer: the last type goes on */
        assert_int_equal(ah_tz_offset(z, 86400 * MS * 1000), versions[i] ? 7200 : 3600);
        assert_true(ah_tz_local_to_utc(z, 1970, 1, 1, 0, 30, 0) == -30 * 60 * MS); /* repeated */
        ah_tz_free(z);
    }
    /* a footer with daylight time governs after the last transition */
    z = NULL;
    assert_ok(load_bytes(buf, sample(buf, '2', "CET-1CEST,M3.5.0,M10.5.0/3"), &z, &err));
    assert_int_equal(ah_tz_offset(z, utc_ms(2026, 7, 1, 0, 0)), 7200);
    assert_int_equal(ah_tz_offset(z, utc_ms(2026, 12, 1, 0, 0)), 3600);
    ah_tz_free(z);
    /* an empty footer: none, so the last type goes on */
    z = NULL;
    assert_ok(load_bytes(buf, sample(buf, '3', ""), &z, &err));
    assert_int_equal(ah_tz_offset(z, utc_ms(2026, 7, 1, 0, 0)), 3600);
    ah_tz_free(z);
}

static void expect_invalid(const void *p, size_t n, const char *what)
{
    struct ah_error err = {0};
    struct ah_tz *z = NULL;
    enum ah_err rc = load_bytes(p, n, &z, &err);

    if (rc != AH_E_INVALID || z)
        fail_msg("%s: want invalid, got %s", what, ah_err_name(rc));
}

/* the second header of sample(.., '2', ..) starts after the minimal v1 block */
#define HDR2 (44 + 6 + 4)

static void test_tz_malformed_files(void **state)
{
    static const char *const footers[] = {
        "CET-1CEST",
        "CET-1CEST,M13.5.0,M10.5.0",
        "C-1",
        "<AB>-1",
        "CET-25",
        "CET",
        "CET-1CEST,M3.5.0/168,M10.5.0",
        "CET-1CEST,J0,J365",
        "CET-1CEST,366,0",
        "CET-1:60",
        "CET-1CEST,M3.5.0,M10.5.0x",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "<+01",
        "CET-1CEST,M3.5.0,",
        "CET-1CEST-2-3,M3.5.0,M10.5.0",
        "CET-1234",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-"
        "1",
    };
    static const int64_t same[] = {0, 0, 86400}, down[] = {0, -1, 86400};
    static const unsigned char idx_bad[] = {1, 0, 2};
    static const int32_t far[] = {0, 93600}, far_west[] = {-93600, 0};
    unsigned char buf[1024], bad[1024];
    size_t n = sample(buf, '2', "<+01>-1");
    struct {
        size_t at;
        unsigned char v;
        const char *what;
    } pokes[] = {
        {3, 'F', "magic"},
        {4, '1', "version 1"},
        {4, 'X', "version X"},
        {HDR2 + 4, 0, "second header version 0"},
        {HDR2 + 31, 1, "leap seconds"},
        {HDR2 + 32, 0xff, "huge timecnt"},
        {HDR2 + 39, 0, "no types"},
        {HDR2 + 43, 0, "no chars"},
        {HDR2 + 42, 1, "many chars"},
        {HDR2 + 23, 1, "isutcnt not typecnt"},
        {HDR2 + 27, 3, "isstdcnt not typecnt"},
        {35, 9, "v1 timecnt past the file"},
        {HDR2 + 44 + 24 + 3 + 4, 2, "isdst 2"},
        {HDR2 + 44 + 24 + 3 + 5, 4, "desigidx past chars"},
        {n - 1, 'x', "footer unterminated"},
        {HDR2 + 44 + 24 + 3 + 6 + 6 + 4, 'x', "footer without newline"},
        {n - 3, 0, "NUL in footer"},
    };

    (void)state;
    for (size_t k = 0; k < n; k++) /* every truncation */
        expect_invalid(buf, k, "truncated");
    for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
        memcpy(bad, buf, n);
        bad[pokes[i].at] = pokes[i].v;
        expect_invalid(bad, n, pokes[i].what);
    }
    for (size_t i = 0; i < sizeof(footers) / sizeof(footers[0]); i++)
        expect_invalid(bad, sample(bad, '2', footers[i]), footers[i]);
    expect_invalid(bad, tzif(bad, '2', same, sample_idx, 3, sample_utoff, 2, ""), "same time");
    expect_invalid(bad, tzif(bad, '2', down, sample_idx, 3, sample_utoff, 2, ""), "descending");
    expect_invalid(bad, tzif(bad, '2', sample_at, idx_bad, 3, sample_utoff, 2, ""), "type index");
    expect_invalid(bad, tzif(bad, '2', sample_at, sample_idx, 3, far, 2, ""), "offset east");
    expect_invalid(bad, tzif(bad, '2', sample_at, sample_idx, 3, far_west, 2, ""), "offset west");
    expect_invalid(bad, tzif(bad, 0, same, sample_idx, 3, sample_utoff, 2, ""), "v1 same time");
}

static void query_everything(const struct ah_tz *z)
{
    struct ah_civil c;

    for (int64_t t = -4000000000LL; t < 5000000000LL; t += 123456789)
        ah_tz_to_local(z, t * MS, &c);
    ah_tz_to_local(z, INT64_MAX, &c);
    ah_tz_to_local(z, INT64_MIN, &c);
    for (int y = 1800; y < 2100; y += 7)
        (void)ah_tz_local_to_utc(z, y, 3, 29, 2, 30, 0);
    (void)ah_tz_week_start(z, utc_ms(2026, 3, 29, 10, 0), 1);
    (void)ah_tz_day_start(z, utc_ms(1900, 3, 29, 10, 0));
}

/* The real Berlin file cut at every length and with every byte flipped: an
 * error or a zone that answers, never a crash (run under ASan and UBSan). */
static void test_tz_damaged_system_file(void **state)
{
    struct ah_error err = {0};
    unsigned char *buf = malloc(AH_TZ_MAX_FILE);
    FILE *f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
    size_t n;
    int loaded = 0;

    (void)state;
    assert_non_null(f);
    n = fread(buf, 1, AH_TZ_MAX_FILE, f);
    fclose(f);
    assert_true(n > 44);
    for (size_t k = 0; k < n; k++)
        expect_invalid(buf, k, "Berlin truncated");
    for (size_t k = 0; k < n; k++) {
        for (int flip = 1; flip <= 0x80; flip <<= 7) {
            struct ah_tz *z = NULL;

            buf[k] ^= (unsigned char)flip;
            if (load_bytes(buf, n, &z, &err) == AH_OK) {
                query_everything(z);
                ah_tz_free(z);
                loaded++;
            }
            buf[k] ^= (unsigned char)flip;
        }
    }
    assert_true(loaded > 0 && loaded < (int)(2 * n)); /* some flips hit only names */
    free(buf);
}

static void test_tz_file_size_cap(void **state)
{
    struct ah_error err = {0};
    unsigned char *buf = calloc(1, AH_TZ_MAX_FILE + 1);
    struct ah_tz *z = NULL;
    char path[300];

    (void)state;
    sample(buf, '2', "<+01>-1"); /* whatever follows the footer is padding */
    assert_ok(load_bytes(buf, AH_TZ_MAX_FILE, &z, &err));
    ah_tz_free(z);
    assert_code(AH_E_TOO_LARGE, load_bytes(buf, AH_TZ_MAX_FILE + 1, &z, &err));
    free(buf);
    snprintf(path, sizeof(path), "%s/missing", dir);
    assert_code(AH_E_INVALID, ah_tz_load_file(path, "missing", &z, &err));
    assert_code(AH_E_INVALID, ah_tz_load_file(dir, "dir", &z, &err));
}

/* ---- the cache under threads ---- */

static const char *const thread_zones[8] = {
    "Europe/Berlin",    "Asia/Tokyo",   "America/New_York", "UTC",
    "Australia/Sydney", "Pacific/Apia", "Asia/Kathmandu",   "Africa/Casablanca"};

struct worker {
    pthread_barrier_t *go;
    int id, bad;
    const struct ah_tz *got[8];
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct ah_error err;

    pthread_barrier_wait(w->go);
    for (int round = 0; round < 200; round++) {
        for (int k = 0; k < 8; k++) {
            /* even threads all want the same zone at once, odd ones each a different one */
            int n = w->id % 2 ? (k + w->id) % 8 : k;
            const struct ah_tz *z = ah_tz_get(thread_zones[n], &err);

            if (!z || (round && w->got[n] != z)) {
                w->bad++;
                continue;
            }
            w->got[n] = z;
            if (n == 1 && ah_tz_offset(z, utc_ms(2026, 1, 1, 0, 0) + round) != 9 * 3600)
                w->bad++;
        }
    }
    return NULL;
}

static void test_tz_cache_threads(void **state)
{
    pthread_barrier_t go;
    pthread_t th[8];
    struct worker w[8];

    (void)state;
    ah_tz_cache_clear(); /* so that the threads race to load */
    pthread_barrier_init(&go, NULL, 8);
    for (int i = 0; i < 8; i++) {
        w[i] = (struct worker){.go = &go, .id = i};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(w[i].bad, 0);
        for (int n = 0; n < 8; n++)
            assert_ptr_equal(w[i].got[n], zone(thread_zones[n]));
    }
}

static int setup(void **state)
{
    const char *tmp = getenv("TMPDIR");

    (void)state;
    snprintf(dir, sizeof(dir), "%s/ah_tz_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ah_tz_cache_clear();
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tz_system_zones_match_glibc),
        cmocka_unit_test(test_tz_footer_only_matches_glibc),
        cmocka_unit_test(test_tz_footer_change_past_new_year),
        cmocka_unit_test(test_tz_local_round_trip),
        cmocka_unit_test(test_tz_wall_times_earliest_or_shifted),
        cmocka_unit_test(test_tz_gap_and_overlap_2026),
        cmocka_unit_test(test_tz_week_lengths_2026),
        cmocka_unit_test(test_tz_day_start_skipped_midnight),
        cmocka_unit_test(test_tz_day_start_in_gap_across_midnight),
        cmocka_unit_test(test_tz_days_and_weeks_everywhere),
        cmocka_unit_test(test_tz_calendar),
        cmocka_unit_test(test_tz_iso_weeks),
        cmocka_unit_test(test_tz_bad_names),
        cmocka_unit_test(test_tz_builtin_and_fixed_zones),
        cmocka_unit_test(test_tz_file_versions),
        cmocka_unit_test(test_tz_malformed_files),
        cmocka_unit_test(test_tz_damaged_system_file),
        cmocka_unit_test(test_tz_file_size_cap),
        cmocka_unit_test(test_tz_cache_threads),
    };

    return cmocka_run_group_tests_name("tz", tests, setup, teardown);
}
