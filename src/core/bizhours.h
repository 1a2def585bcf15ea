/* bizhours.h - business-hours durations: how much of a span of time fell
 * within working hours (the same local hours on chosen weekdays, in one zone),
 * for response-time targets that stop the clock at night and at weekends. */
#ifndef AH_CORE_BIZHOURS_H
#define AH_CORE_BIZHOURS_H

#include <stdint.h>

#include "core/tz.h"

/* Weekday bits of days_mask: bit 0 Sunday .. bit 6 Saturday. */
#define AH_BIZ_MON_FRI 0x3e
#define AH_BIZ_ALL_DAYS 0x7f

/* The milliseconds of [from_ms, to_ms) that fall within working hours: on the
 * local days in z whose weekday bit is set in days_mask, from the instant the
 * clocks show start_min minutes after midnight to the instant they show end_min
 * (0 <= start_min < end_min <= 1440; 1440 is the next midnight). The window is
 * what the clocks say: a 09:00-17:00 day is 8 hours unless the offset changes
 * inside it (7 or 9 hours for a one-hour change); a bound the clocks skip is
 * read as the first instant they show a later time.
 *
 * Gives 0 when from_ms >= to_ms, when no weekday bit is set, or when the
 * minutes are out of range or start_min >= end_min: callers then fall back on
 * wall-clock time. Instants are clamped to the years 2..9998. Bits above 6
 * are ignored. Whole weeks in the middle of a long span are counted at once,
 * so a year takes some 52 steps and 370 offset look-ups (microseconds): a
 * week counts as whole when the offset is the same at every UTC midnight
 * around it, which misses only two changes within one day that cancel out
 * (tzdata's closest pair, Freetown 1939, is 4 days apart). z must not be NULL. Pure: safe from any thread. */
int64_t ah_business_ms(const struct ah_tz *z, int days_mask, int64_t start_min, int64_t end_min,
                       int64_t from_ms, int64_t to_ms);

#endif
