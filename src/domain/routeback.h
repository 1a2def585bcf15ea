/* routeback.h - route-back: a pro marks a ticket as caused by a person's
 * promise (a sales promise of an unreleased feature) or change (a launch
 * that broke something). The follow-up can be assigned to that person,
 * whatever their level or the ticket's tier; a member's reply on it is
 * always held for support's review before it is sent. */
#ifndef AH_DOMAIN_ROUTEBACK_H
#define AH_DOMAIN_ROUTEBACK_H

#include "domain/ctx.h"

struct ah_route_back_input {
    int64_t person_id;
    int cause;            /* enum ah_route_cause */
    struct ah_str reason;
    bool assign;          /* the follow-up is theirs: the ticket is assigned to them */
};

/* Pros and leads; audited, and the person is told. */
enum ah_err ah_route_back_mark(struct ah_ctx *cx, int64_t ticket_id,
                               const struct ah_route_back_input *in, struct ah_route_back *out,
                               struct ah_error *err);
enum ah_err ah_route_back_list(struct ah_ctx *cx, int64_t ticket_id, struct ah_route_back **items,
                               size_t *n, struct ah_error *err);
/* Per department, route-backs marked in [from, to); pros, leads and leaders. */
enum ah_err ah_route_back_counts(struct ah_ctx *cx, int64_t from, int64_t to,
                                 struct ah_route_back_count **items, size_t *n,
                                 struct ah_error *err);
/* Whether ticket_id was routed back to person_id (no permission check: the
 * ticket and review rules ask). */
enum ah_err ah_route_back_to(struct ah_ctx *cx, int64_t ticket_id, int64_t person_id,
                             bool *found, struct ah_error *err);

const char *ah_route_cause_name(enum ah_route_cause c);
bool ah_route_cause_parse(struct ah_str s, int *out);

#endif
