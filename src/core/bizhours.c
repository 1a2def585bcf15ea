/* bizhours.c - business-hours durations. Owns the rule for working hours on
 * days when the clocks change: each day's window runs between the instants
 * the clocks show its start and its end. Zones and calendars are core/tz.c's. */
#include "core/bizhours.h"

#include <stdbool.h>

#define DAY_MS INT64_C(86400000)
#define MIN_MS INT64_C(60000)

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

/* years 2..9998, so that a local day around either end stays within the
 * 1..9999 ah_tz_local_to_utc takes */
static int64_t clamp_ms(int64_t t)
{
    int64_t lo = ah_days_from_civil(2, 1, 1) * DAY_MS, hi = ah_days_from_civil(9998, 1, 1) * DAY_MS;

    return t < lo ? lo : t > hi ? hi : t;
}

static int64_t local_day(const struct ah_tz *z, int64_t utc_ms)
{
    return floor_div(floor_div(utc_ms, 1000) + ah_tz_offset(z, utc_ms), 86400);
}

/* Seconds as if UTC that z's clocks show at the instant t (seconds). */
static int64_t wall_at(const struct ah_tz *z, int64_t t)
{
    return t + ah_tz_offset(z, t * 1000);
}

/* The first instant (ms) at which z's clocks show minute min of local day day,
 * or a later time when they skip it. */
static int64_t reach(const struct ah_tz *z, int64_t day, int64_t min)
{
    int64_t wall = day * 86400 + min * 60, t, lo, hi;
    int y, m, d;

    ah_civil_from_days(day, &y, &m, &d);
    t = ah_tz_local_to_utc(z, y, m, d, (int)(min / 60), (int)(min % 60), 0) / 1000;
    if (wall_at(z, t) == wall)
        return t * 1000;
    /* skipped: read with the offset before the change, t shows a later time,
     * and the change is the first instant showing wall or later; no gap is
     * near two days, so t - 2 days still shows an earlier time */
    lo = t - 2 * 86400;
    hi = t;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;

        if (wall_at(z, mid) >= wall)
            hi = mid;
        else
            lo = mid;
    }
    return hi * 1000;
}

/* The part of [from, to) within the working window of local day day. */
static int64_t day_ms(const struct ah_tz *z, int64_t day, int64_t start_min, int64_t end_min,
                      int64_t from, int64_t to)
{
    int64_t lo = reach(z, day, start_min), hi = reach(z, day, end_min);

    if (lo < from)
        lo = from;
    if (hi > to)
        hi = to;
    return hi > lo ? hi - lo : 0;
}

/* UTC days first..last whose midnights all have offset off. */
struct run {
    int64_t first, last;
    int32_t off;
};

/* True when the offset is the same at every UTC midnight from two days
 * before local day day to two after day + 6: every window of the week then
 * lies in one offset, unless two changes fall between two midnights. Each
 * midnight is looked at once over a span: r carries the run so far. */
static bool steady_week(const struct ah_tz *z, int64_t day, struct run *r)
{
    if (r->last < day - 3) {
        r->first = r->last = day - 2;
        r->off = ah_tz_offset(z, r->first * DAY_MS);
    }
    while (r->last < day + 9) {
        int32_t off = ah_tz_offset(z, (r->last + 1) * DAY_MS);

        r->last++;
        if (off != r->off) {
            r->first = r->last;
            r->off = off;
        }
    }
    return r->first <= day - 2;
}

static int weekdays(int mask)
{
    int n = 0;

    for (int i = 0; i < 7; i++)
        n += (mask >> i) & 1;
    return n;
}

int64_t ah_business_ms(const struct ah_tz *z, int days_mask, int64_t start_min, int64_t end_min,
                       int64_t from_ms, int64_t to_ms)
{
    int mask = days_mask & AH_BIZ_ALL_DAYS;
    int64_t from, to, first, last, week, total = 0;
    struct run run = {0, INT64_MIN, 0};

    if (from_ms >= to_ms || !mask || start_min < 0 || end_min > 1440 || start_min >= end_min)
        return 0;
    from = clamp_ms(from_ms);
    to = clamp_ms(to_ms);
    first = local_day(z, from);
    last = local_day(z, to);
    week = weekdays(mask) * (end_min - start_min) * MIN_MS;
    /* days strictly between first and last lie wholly inside [from, to) */
    for (int64_t d = first; d <= last;) {
        if (d > first && d + 6 < last && steady_week(z, d, &run)) {
            total += week;
            d += 7;
            continue;
        }
        if (mask >> ah_weekday_from_days(d) & 1)
            total += day_ms(z, d, start_min, end_min, from, to);
        d++;
    }
    return total;
}
