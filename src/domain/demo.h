/* demo.h - a plausible company to try allhands on, and the bulk path the
 * benchmark uses to make a million tickets without a million requests. */
#ifndef AH_DOMAIN_DEMO_H
#define AH_DOMAIN_DEMO_H

#include <stdint.h>

#include "domain/ctx.h"

#define AH_DEMO_PASSWORD "allhands-demo"

struct ah_demo_options {
    int64_t people;       /* at least 8 */
    int64_t tickets;
    int64_t avg_messages; /* per ticket, 1 to 20 */
    int64_t weeks;        /* weeks of measured queue time before this one, 0 to 260 */
    uint64_t seed;
    /* called every few thousand tickets; may be NULL */
    void (*progress)(void *arg, int64_t done, int64_t total);
    void *arg;
};

/* Fills an empty database (no people yet) with departments, managers,
 * founders flagged as leaders, support pros and leads, customers and tickets
 * with realistic threads, some of them the same question asked again, and
 * the program: weeks of queue sessions (most people meet their hours, some
 * fall behind, a few never show up), a few exemptions, and blocks planned
 * for this week and the next.
 * The demo logins lead@, pro@, member@ and admin@demo.allhands.test have the
 * password AH_DEMO_PASSWORD. AH_E_CONFLICT when the database has people. */
enum ah_err ah_demo_generate(struct ah_ctx *cx, const struct ah_demo_options *o,
                             struct ah_error *err);

#endif
