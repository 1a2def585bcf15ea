/* launch.h - launch heads-ups: any team announces an upcoming change (its
 * day, what changes, the support impact it expects, the ticket tags it will
 * touch); the support team says whether it is ready and what is missing. On
 * and after launch day the heads-up shows beside tickets with those tags,
 * and the tickets that arrive in the week after count as its cost. */
#ifndef AH_DOMAIN_LAUNCH_H
#define AH_DOMAIN_LAUNCH_H

#include "domain/ctx.h"

#define AH_LAUNCH_TEXT_MAX 4000
#define AH_LAUNCH_SHOWN_DAYS 30 /* shown beside tickets this long after the day */

struct ah_launch_input {
    struct ah_str title;       /* p NULL: unchanged (updates) */
    struct ah_str day;         /* "YYYY-MM-DD" */
    struct ah_str changes;
    struct ah_str impact;
    bool has_tags;
    size_t ntags;
    struct ah_str tags[20];
    /* support's word (pros and leads): -1 unchanged */
    int readiness;             /* enum ah_readiness */
    bool has_missing;
    size_t nmissing;
    struct ah_str missing[3];  /* saved_reply, help_article, training */
    struct ah_str note;
};
void ah_launch_input_init(struct ah_launch_input *in);

/* What a launch cost: the tickets with its tags in the week from its day. */
struct ah_launch_cost {
    int64_t tickets;
    struct ah_ticket_brief *recent; /* the newest of them */
    size_t nrecent;
};

/* Anyone signed in announces. */
enum ah_err ah_launch_create(struct ah_ctx *cx, const struct ah_launch_input *in,
                             struct ah_launch *out, struct ah_error *err);
/* The announcer changes what they announced; pros and leads judge readiness
 * (the announcer is told). */
enum ah_err ah_launch_update(struct ah_ctx *cx, int64_t id, const struct ah_launch_input *in,
                             struct ah_launch *out, struct ah_error *err);
enum ah_err ah_launch_get(struct ah_ctx *cx, int64_t id, struct ah_launch *out,
                          struct ah_launch_cost *cost, struct ah_error *err);
/* Launches with days in [from_day, to_day), by day. */
enum ah_err ah_launch_list(struct ah_ctx *cx, int64_t from_day, int64_t to_day,
                           struct ah_launch **items, size_t *n, struct ah_error *err);
/* The heads-ups to show beside a ticket: launched, up to AH_LAUNCH_SHOWN_DAYS
 * ago, sharing a tag with it. */
enum ah_err ah_launch_for_ticket(struct ah_ctx *cx, int64_t ticket_id, struct ah_launch **items,
                                 size_t *n, struct ah_error *err);
/* The week after a launch day, as instants in the organization's zone. */
enum ah_err ah_launch_window(struct ah_ctx *cx, int64_t day, int64_t *from, int64_t *to,
                             struct ah_error *err);

const char *ah_readiness_name(enum ah_readiness r);
bool ah_readiness_parse(struct ah_str s, int *out);

#endif
