/* time.h - wall-clock milliseconds and their ISO 8601 form. Domain calls
 * take "now" from struct ah_ctx, so only edges read the clock. */
#ifndef AH_CORE_TIME_H
#define AH_CORE_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/str.h"

/* Milliseconds since the Unix epoch, UTC. */
int64_t ah_time_now_ms(void);
/* The time every rule of the product reads (leases, idle cuts, weeks, the
 * ladder, retries): the wall clock, or under a test clock the time it was
 * set to. Logs and metrics keep the wall clock. */
int64_t ah_clock_now(void);
/* Turns the test clock on, stopped at start_ms: from then on ah_clock_now
 * returns what ah_clock_set last gave it, until the process ends. */
void ah_clock_test_enable(int64_t start_ms);
bool ah_clock_is_test(void);
/* Under the test clock: sets it to ms. False when there is no test clock. */
bool ah_clock_set(int64_t ms);
/* Monotonic microseconds, for durations. */
int64_t ah_time_mono_us(void);
/* Writes "2026-11-23T17:10:34.123Z" (24 chars + NUL) into out. */
void ah_time_format(int64_t ms, char out[40]);
/* True when name (a checked IANA name) is in the system's tz database, or
 * when the machine has no tz database to ask. */
bool ah_time_zone_known(struct ah_str name);
/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z"; false when malformed. */
bool ah_time_parse(struct ah_str s, int64_t *ms);

#endif
