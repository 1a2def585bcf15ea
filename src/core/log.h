/* log.h - one way to log: one event, one key=value line on stderr. */
#ifndef AH_CORE_LOG_H
#define AH_CORE_LOG_H

#include <stdbool.h>

enum ah_log_level { AH_LOG_DEBUG, AH_LOG_INFO, AH_LOG_WARN, AH_LOG_ERROR };

/* Lines below level are dropped (default AH_LOG_INFO). */
void ah_log_set_level(enum ah_log_level level);
bool ah_log_enabled(enum ah_log_level level);
/* Parses "debug", "info", "warn", "error"; false if none. */
bool ah_log_parse_level(const char *s, enum ah_log_level *out);
/* Writes "ts=... level=... event=<event> <fmt...>\n" in one write; control
 * bytes in the formatted part are escaped so one event stays one line. */
void ah_log_write(enum ah_log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define ah_log(level, ...)                                                     \
    do {                                                                       \
        if (ah_log_enabled(level))                                             \
            ah_log_write(level, __VA_ARGS__);                                  \
    } while (0)

#endif
