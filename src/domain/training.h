/* training.h - onboarding: the curriculum of modules a member works through
 * level by level, their completions, and pairing sessions with a pro. */
#ifndef AH_DOMAIN_TRAINING_H
#define AH_DOMAIN_TRAINING_H

#include "domain/ctx.h"

#define AH_MAX_MODULE_TITLE 200
#define AH_MAX_MODULE_BODY (64 * 1024)
#define AH_MAX_PAIRING_MINUTES 480

/* Live modules by position, each with whether person_id (0: nobody) has
 * completed it: done[i] is 0 or the time. Anyone signed in. */
enum ah_err ah_module_list(struct ah_ctx *cx, int64_t person_id, struct ah_module **items,
                           size_t *n, int64_t **done, struct ah_error *err);
enum ah_err ah_module_get(struct ah_ctx *cx, int64_t id, struct ah_module *out,
                          struct ah_error *err);
/* Creates (m->id 0) or rewrites module m: leads. Audited. */
enum ah_err ah_module_save(struct ah_ctx *cx, struct ah_module *m, struct ah_error *err);
/* Retires module id: it leaves the curriculum, its completions stay. Leads. */
enum ah_err ah_module_retire(struct ah_ctx *cx, int64_t id, struct ah_error *err);
/* person_id (0: the actor) completed module id; for someone else, pros and
 * leads. *at is when (the first time, when done before). */
enum ah_err ah_module_complete(struct ah_ctx *cx, int64_t id, int64_t person_id, int64_t *at,
                               struct ah_error *err);
/* Markdown to safe HTML (cmark, raw HTML left out), in cx->arena. */
const char *ah_markdown_html(struct ah_ctx *cx, const char *md);

/* Inside a transaction: AH_E_INVALID unless p has completed every live
 * module of each level from theirs up to (not including) to; the missing
 * ids go to *missing (in cx->arena) when it is not NULL. */
enum ah_err ah_training_check_promotion(struct ah_ctx *cx, const struct ah_person *p,
                                        enum ah_level to, int64_t **missing, size_t *nmissing,
                                        struct ah_error *err);

/* A pro (the actor) logs pairing with member_id: the minutes become a work
 * session of the member's (source "pairing"), so they count toward the
 * member's queue hours. Pros and leads. */
enum ah_err ah_pairing_log(struct ah_ctx *cx, int64_t member_id, int64_t started_at,
                           int64_t minutes, struct ah_str notes, struct ah_pairing *out,
                           struct ah_error *err);
/* Pairings person_id took part in (0: all; others' are for pros and leads). */
enum ah_err ah_pairing_list(struct ah_ctx *cx, int64_t person_id, int64_t from, int64_t to,
                            struct ah_pairing **items, size_t *n, struct ah_error *err);

#endif
