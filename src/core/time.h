/* time.h - wall-clock milliseconds and their ISO 8601 form. Domain calls
 * take "now" from struct ah_ctx, so only edges read the clock. */
#ifndef AH_CORE_TIME_H
#define AH_CORE_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/str.h"

/* Milliseconds since the Unix epoch, UTC. */
int64_t ah_time_now_ms(void);
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
