/* rules.h - the rule sets the support team writes: routing rules (what an
 * arriving ticket's tier, priority and tags become) and the style guide
 * (what a reply should not say). Their changes are checked, audited and
 * bump the set's version in the store; servers keep the compiled sets in a
 * cache and compile again when the version moves. */
#ifndef AH_DOMAIN_RULES_H
#define AH_DOMAIN_RULES_H

#include "core/limits.h"
#include "domain/ctx.h"
#include "domain/routing.h"
#include "domain/style.h"

#define AH_MAX_RULES 1000
#define AH_MAX_LINT_TEXT AH_MAX_MESSAGE_BODY

struct ah_rules_cache *ah_rules_cache_new(void);
void ah_rules_cache_free(struct ah_rules_cache *c);

/* ---- routing ---- */
/* Pros and leads read them; leads write them. */
enum ah_err ah_route_rule_list(struct ah_ctx *cx, struct ah_route_rule **items, size_t *n,
                               struct ah_error *err);
enum ah_err ah_route_rule_get(struct ah_ctx *cx, int64_t id, struct ah_route_rule *out,
                              struct ah_error *err);
/* Creates (r->id 0: at the end when r->position is 0) or rewrites rule r.
 * A bad regular expression is AH_E_INVALID with PCRE2's message and its
 * offset in *offset (else -1). */
enum ah_err ah_route_rule_save(struct ah_ctx *cx, struct ah_route_rule *r, long *offset,
                               struct ah_error *err);
enum ah_err ah_route_rule_delete(struct ah_ctx *cx, int64_t id, struct ah_error *err);
/* Puts the rules in the order of ids, which names each exactly once. */
enum ah_err ah_route_rule_order(struct ah_ctx *cx, const int64_t *ids, size_t n,
                                struct ah_error *err);
/* What the rules make of a ticket like in (pros and leads: the try-it box). */
enum ah_err ah_route_test(struct ah_ctx *cx, const struct ah_route_input *in,
                          struct ah_route_result *out, struct ah_error *err);
/* The same with no permission check, inside the creating transaction. */
enum ah_err ah_route_apply(struct ah_ctx *cx, const struct ah_route_input *in,
                           struct ah_route_result *out, struct ah_error *err);

/* ---- the style guide ---- */
/* Everyone reads the guide (its deleted rules too when with_deleted: the
 * hit counts still name them); leads write it. */
enum ah_err ah_style_rule_list(struct ah_ctx *cx, bool with_deleted, struct ah_style_rule **items,
                               size_t *n, struct ah_error *err);
enum ah_err ah_style_rule_get(struct ah_ctx *cx, int64_t id, struct ah_style_rule *out,
                              struct ah_error *err);
enum ah_err ah_style_rule_save(struct ah_ctx *cx, struct ah_style_rule *r, long *offset,
                               struct ah_error *err);
enum ah_err ah_style_rule_delete(struct ah_ctx *cx, int64_t id, struct ah_error *err);
/* Adds the starter guide's rules whose names are free; *added counts them.
 * Leads, or the command line (init). */
enum ah_err ah_style_load_starter(struct ah_ctx *cx, int64_t *added, struct ah_error *err);

/* The hits of the guide in text for a writer of role and level on a ticket
 * with tags (no permission check beyond being signed in). */
enum ah_err ah_lint(struct ah_ctx *cx, const char *text, size_t len, enum ah_role role,
                    enum ah_level level, const char *tags, struct ah_style_hit **hits,
                    size_t *n, struct ah_error *err);
/* Hits summed per rule and per person over days [from_day, to_day]: pros and leads. */
enum ah_err ah_style_hits(struct ah_ctx *cx, int64_t from_day, int64_t to_day,
                          struct ah_style_hit_row **rows, size_t *n, struct ah_error *err);

#endif
