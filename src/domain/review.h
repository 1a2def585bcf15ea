/* review.h - reply review: a trainee's replies, and a sample of a junior's,
 * wait for a pro, who approves them (as written or edited: both kept) or
 * returns them with a coaching comment. */
#ifndef AH_DOMAIN_REVIEW_H
#define AH_DOMAIN_REVIEW_H

#include "domain/ctx.h"

#define AH_MAX_REVIEW_COMMENT 10000

/* Inside the reply's transaction: whether cx's actor's reply on t is held.
 * A member who is a trainee always; a junior for their first
 * policy.review_first replies, then when the reply's review id falls in
 * policy.review_rate percent (ah_review_sampled). Writes the review row
 * (out->id; 0 when the writer is not reviewed at all): held, or waiting
 * for ah_review_passed once the reply is a message. */
enum ah_err ah_review_hold(struct ah_ctx *cx, const struct ah_ticket *t, struct ah_str body,
                           struct ah_review *out, bool *held, struct ah_error *err);
/* The reply r (not held by the sample) became message_id. */
enum ah_err ah_review_passed(struct ah_ctx *cx, struct ah_review *r, int64_t message_id,
                             struct ah_error *err);
/* Whether review id is in a sample of rate percent: the same answer for the
 * same id, always (a hash of the id, not a random draw). */
bool ah_review_sampled(int64_t id, int64_t rate);

/* Reviews f allows: pros and leads any, a member their own (f->author_id is
 * set to them). */
enum ah_err ah_review_list(struct ah_ctx *cx, struct ah_review_filter *f,
                           struct ah_review **items, size_t *n, struct ah_error *err);
enum ah_err ah_review_get(struct ah_ctx *cx, int64_t id, struct ah_review *out,
                          struct ah_error *err);
/* A pro sends held review id as the member's reply; edited (not null) is
 * what is sent, the member's text stays in the review. *msg is the message. */
enum ah_err ah_review_approve(struct ah_ctx *cx, int64_t id, struct ah_str edited,
                              struct ah_review *out, struct ah_message *msg,
                              struct ah_error *err);
/* A pro hands held review id back to its author with a coaching comment. */
enum ah_err ah_review_return(struct ah_ctx *cx, int64_t id, struct ah_str comment,
                             struct ah_review *out, struct ah_error *err);

/* A person suggested for promotion to tier1. */
struct ah_level_suggestion {
    struct ah_person person;
    struct ah_review_stats stats;
};
/* Juniors with at least policy.promote_approved approved replies and none
 * returned in the last policy.promote_clean_days days. Pros and leads. */
enum ah_err ah_level_suggestions(struct ah_ctx *cx, struct ah_level_suggestion **items,
                                 size_t *n, struct ah_error *err);

#endif
