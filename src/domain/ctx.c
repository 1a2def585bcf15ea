/* ctx.c - the defaults of struct ah_settings, and the health of a context. */
#include "domain/ctx.h"

enum ah_err ah_ctx_ping(struct ah_ctx *cx, struct ah_error *err)
{
    return ah_store_ping(cx->store, err);
}

bool ah_ctx_should_retry(struct ah_ctx *cx)
{
    return cx->store && ah_store_should_retry(cx->store);
}

enum ah_err ah_ctx_checkpoint(struct ah_ctx *cx, struct ah_error *err)
{
    return ah_store_checkpoint(cx->store, err);
}

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
}
