/* ctx.c - the defaults of struct ah_settings. */
#include "domain/ctx.h"

#define MINUTE (60 * 1000LL)
#define HOUR (60 * MINUTE)

void ah_settings_default(struct ah_settings *s)
{
    static const int64_t first[4] = {1 * HOUR, 4 * HOUR, 24 * HOUR, 48 * HOUR};
    static const int64_t resolve[4] = {8 * HOUR, 24 * HOUR, 72 * HOUR, 168 * HOUR};

    s->lease_ms = 15 * MINUTE;
    s->session_idle_ms = 12 * HOUR;
    for (int i = 0; i < 4; i++) {
        s->sla_first_ms[i] = first[i];
        s->sla_resolve_ms[i] = resolve[i];
    }
    s->default_tier = 1;
}
