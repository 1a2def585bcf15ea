/* tz.h - time zones from the system tz database, read by hand so that any
 * thread can ask about any zone (glibc's localtime follows the one
 * process-wide TZ), and the calendar arithmetic around them: civil dates,
 * local days and weeks, ISO 8601 week labels. Instants are int64 milliseconds
 * since the Unix epoch, UTC; offsets are seconds east of UTC. */
#ifndef AH_CORE_TZ_H
#define AH_CORE_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* A zone name: 1..64 of [A-Za-z0-9_+-/] ("America/Argentina/Buenos_Aires"). */
#define AH_TZ_NAME_MAX 64
/* A TZif file: the largest in tzdata 2025b is under 4 KiB even when "fat". */
#define AH_TZ_MAX_FILE (256 * 1024)

/* A loaded zone: read-only, so any thread may query it. Opaque. */
struct ah_tz;

/* A local civil time and the offset in effect. */
struct ah_civil {
    int year, month, day; /* month 1..12, day 1..31 */
    int hour, minute, second;
    int wday; /* 0 = Sunday .. 6 = Saturday */
    int yday; /* 0 = 1 January .. 365 */
    int32_t utoff;
};

/* True when name[0..len) has the shape of a zone name: 1..64 bytes of
 * [A-Za-z0-9_+-/], no empty component (so no leading, trailing or double
 * '/'). '.' is not allowed, so neither is a ".." component. */
bool ah_tz_valid_name(const char *name, size_t len);

/* The zone called name, loaded from /usr/share/zoneinfo/<name> on first use
 * and cached for the life of the process (until ah_tz_cache_clear). "UTC" and
 * "Etc/UTC" need no file. Safe from any number of threads; the same name
 * always gives the same pointer. Returns NULL and sets err: AH_E_INVALID for a
 * badly shaped or unknown name, a malformed file or one with leap seconds
 * (right/...), AH_E_TOO_LARGE for a file over AH_TZ_MAX_FILE, AH_E_UNAVAILABLE
 * when the file cannot be read. */
const struct ah_tz *ah_tz_get(const char *name, struct ah_error *err);
/* Frees every cached zone: pointers from ah_tz_get die here. For tests and a
 * clean shutdown; no other thread may be using a zone. */
void ah_tz_cache_clear(void);

/* Loads the TZif file at path (RFC 8536, versions 1 to 4) as a zone called
 * name, without the cache or the name check. Sets *out on success; the caller
 * frees it with ah_tz_free. Errors as for ah_tz_get. For tests. */
enum ah_err ah_tz_load_file(const char *path, const char *name, struct ah_tz **out,
                            struct ah_error *err);
void ah_tz_free(struct ah_tz *z);
/* The name z was loaded as. */
const char *ah_tz_name(const struct ah_tz *z);

/* Seconds east of UTC in effect in z at the instant utc_ms. */
int32_t ah_tz_offset(const struct ah_tz *z, int64_t utc_ms);
/* The local civil time in z at the instant utc_ms. */
void ah_tz_to_local(const struct ah_tz *z, int64_t utc_ms, struct ah_civil *out);
/* The instant (UTC ms) at which the clocks in z show y-mon-d h:mi:s. Fields
 * out of range carry over as in mktime (mon 13 is January of y + 1, h 24 is
 * the next day); y must lie in 1..9999. A time that occurs twice (clocks
 * turned back) gives the earlier instant. A time skipped (clocks turned
 * forward) is read with the offset in effect before the change, so it comes
 * out later by the size of the gap: 02:30 on a spring-forward day in Berlin is
 * 03:30 CEST, as glibc's mktime with tm_isdst = -1 has it (for ordinary
 * daylight saving; across Apia's skipped day mktime goes back instead). */
int64_t ah_tz_local_to_utc(const struct ah_tz *z, int y, int mon, int d, int h, int mi, int s);

/* The first instant (UTC ms) of the local day in z holding utc_ms (within
 * years 1..9999, as for the weeks below): local midnight, or when midnight
 * was skipped by a change of offset, the instant of that change. */
int64_t ah_tz_day_start(const struct ah_tz *z, int64_t utc_ms);
/* The first instant of the local week in z holding utc_ms, weeks beginning on
 * week_start_dow (0 = Sunday .. 6 = Saturday); ah_tz_week_end gives the first
 * instant of the week after, so a week holding a change of offset is not 168
 * hours long (167 or 169 for a one-hour change). */
int64_t ah_tz_week_start(const struct ah_tz *z, int64_t utc_ms, int week_start_dow);
int64_t ah_tz_week_end(const struct ah_tz *z, int64_t utc_ms, int week_start_dow);

/* Proleptic Gregorian calendar, days counted from 1970-01-01 (day 0). A month
 * outside 1..12 carries into the year, a day outside the month into the
 * months around it. */
int64_t ah_days_from_civil(int y, int m, int d);
void ah_civil_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Sunday .. 6 = Saturday. */
int ah_weekday_from_days(int64_t days);

/* ISO 8601 weeks: Monday to Sunday, week 1 holds the year's first Thursday,
 * so an ISO year has 52 or 53 weeks. */
/* Parses exactly "YYYY-Www" (year 0001..9999, week 01 to the year's last);
 * writes *year and *week only when it returns true. */
bool ah_iso_week_parse(const char *s, size_t len, int *year, int *week);
/* Writes "YYYY-Www" and a NUL. */
void ah_iso_week_format(int year, int week, char out[16]);
/* The ISO year and week of a day. */
void ah_iso_week_of_days(int64_t days, int *year, int *week);
/* The day of the Monday of that week. */
int64_t ah_iso_week_monday(int year, int week);
/* 52 or 53. */
int ah_iso_weeks_in_year(int year);

#endif
