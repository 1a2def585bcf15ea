/* log.c - key=value lines on stderr, written whole with one write(2). */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/time.h"

static atomic_int min_level = AH_LOG_INFO;

void ah_log_set_level(enum ah_log_level level)
{
    atomic_store(&min_level, (int)level);
}

bool ah_log_enabled(enum ah_log_level level)
{
    return (int)level >= atomic_load_explicit(&min_level, memory_order_relaxed);
}

bool ah_log_parse_level(const char *s, enum ah_log_level *out)
{
    static const char *names[] = {"debug", "info", "warn", "error"};

    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum ah_log_level)i;
            return true;
        }
    return false;
}

void ah_log_write(enum ah_log_level level, const char *event, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char raw[1024], line[2048], ts[40];
    size_t n = 0;
    int len;
    va_list ap;

    va_start(ap, fmt);
    len = vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    ah_time_format(ah_time_now_ms(), ts);
    len = snprintf(line, sizeof(line), "ts=%s level=%s event=%s ", ts, names[level], event);
    n = (size_t)len;
    for (const char *p = raw; *p && n < sizeof(line) - 5; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x20 || c == 0x7f) {
            n += (size_t)snprintf(line + n, sizeof(line) - n, "\\x%02x", c);
        } else {
            line[n++] = (char)c;
        }
    }
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, n) < 0)
        return; /* nowhere left to report it */
}
