/* ctx.h - what every domain call receives first: who acts, on which store,
 * with which request memory, at what time, under which settings. */
#ifndef AH_DOMAIN_CTX_H
#define AH_DOMAIN_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

struct ah_mail_settings;

/* Server-wide settings the rules depend on; read-only after start. */
struct ah_settings {
    int64_t lease_ms;          /* a claim from "next" lasts this long without activity */
    int64_t session_idle_ms;   /* a session ends after this long unused */
    int64_t sla_first_ms[4];   /* first response target per priority */
    int64_t sla_resolve_ms[4]; /* resolution target per priority */
    const struct ah_mail_settings *mail; /* email (domain/mail.h); NULL: none */
    double group_threshold;    /* repeated questions: cosine to join a group; 0: default */
};

/* Fills s with allhands' defaults (15-minute lease, 12-hour sessions, ...). */
void ah_settings_default(struct ah_settings *s);

struct ah_ctx;
struct ah_rules_cache;

/* AH_OK when cx's store answers (for health checks). */
enum ah_err ah_ctx_ping(struct ah_ctx *cx, struct ah_error *err);
/* True when cx's last transaction was rolled back only because it raced
 * another one (PostgreSQL: serialization failure or deadlock): the caller
 * may run the same operation again from its start. */
bool ah_ctx_should_retry(struct ah_ctx *cx);
/* Lets the store fold its write-ahead log back (background upkeep). */
enum ah_err ah_ctx_checkpoint(struct ah_ctx *cx, struct ah_error *err);

struct ah_ctx {
    struct ah_store *store;
    struct ah_arena *arena;
    const struct ah_person *actor; /* NULL: nobody signed in */
    bool system;                   /* the command line: the machine's operator */
    int64_t now;                   /* milliseconds since the epoch */
    const struct ah_settings *settings;
    struct ah_rules_cache *rules;  /* compiled rule sets; NULL: compiled for each use */
};

#endif
