/* queue.h - "next ticket": the queue hands each person the most urgent ticket
 * they may take and claims it for them with a lease. */
#ifndef AH_DOMAIN_QUEUE_H
#define AH_DOMAIN_QUEUE_H

#include <stdbool.h>

#include "domain/ctx.h"

/* Claims the most urgent open, unassigned ticket cx's actor may take, with a
 * lease of settings->lease_ms. A person holds at most one claim: while they
 * hold one, "next" gives it back (so a double click takes one ticket), unless
 * done names it: then it returns to the queue and the next one is claimed.
 * *found is false when nothing is left; out and its thread live in cx->arena. */
enum ah_err ah_queue_next(struct ah_ctx *cx, int64_t done, struct ah_ticket *out,
                          struct ah_message **msgs, size_t *nmsgs, bool *found,
                          struct ah_error *err);
/* Ends the actor's claim (on ticket id, or whatever they hold when id is 0);
 * the ticket returns to the queue. AH_E_NOT_FOUND when they hold none. */
enum ah_err ah_queue_release(struct ah_ctx *cx, int64_t id, struct ah_error *err);
/* Releases ticket id with a recorded reason; it is never offered to the
 * actor again. The actor must hold it. */
enum ah_err ah_queue_skip(struct ah_ctx *cx, int64_t id, struct ah_str reason,
                          struct ah_error *err);
/* The tickets the actor may take, most urgent first; f's tier and person are
 * set here. */
enum ah_err ah_queue_list(struct ah_ctx *cx, struct ah_queue_filter *f, struct ah_ticket **items,
                          size_t *n, struct ah_error *err);
/* Returns every expired claim to the queue; the count in *returned. With
 * several servers on one database only one does it at a time (0 elsewhere). */
enum ah_err ah_queue_expire(struct ah_ctx *cx, int64_t *returned, struct ah_error *err);

#endif
