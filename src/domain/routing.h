/* routing.h - routing rules, compiled: what an arriving ticket's tier,
 * priority and tags become. Built once per rule-set version, shared
 * read-only between threads. */
#ifndef AH_DOMAIN_ROUTING_H
#define AH_DOMAIN_ROUTING_H

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#define AH_ROUTE_MAX_MATCHED 64

struct ah_router;

/* Compiles the enabled rules of rules[0..n) in their array order (the
 * caller passes them in position order); copies what it keeps. The caller
 * frees the router with ah_router_free (NULL: nothing). AH_E_INVALID names
 * the rule whose pattern ah_tm_check refuses, or whose match kind is none
 * of enum ah_match_kind. A match_in of 0 reads as AH_IN_BOTH. */
enum ah_err ah_router_compile(const struct ah_route_rule *rules, size_t n,
                              struct ah_router **out, struct ah_error *err);
void ah_router_free(struct ah_router *r);

struct ah_route_input {
    const char *subject;
    size_t subject_len;
    const char *body;
    size_t body_len;
    const char *source;          /* "api", "email", "web", ... */
    const char *requester_email; /* NULL: none */
    enum ah_priority priority;
    const char *tags;            /* the ticket's tags as given, "a b" (NULL: none) */
};

struct ah_route_result {
    int tier;         /* 0: no rule set one */
    int priority;     /* enum ah_priority: the input's unless a rule set it */
    const char *tags; /* the input's tags plus those rules added, "a b" sorted unique, in a */
    int64_t matched[AH_ROUTE_MAX_MATCHED]; /* ids of the rules that applied, in order
                                            * (the first AH_ROUTE_MAX_MATCHED; later
                                            * ones still apply) */
    size_t nmatched;
};

/* Runs the rules in order: a rule applies when every condition it sets
 * holds (its text condition on the subject, the body or either; if_tag
 * among the tags so far, those earlier rules added included; if_source;
 * if_domain equal to the requester's email domain or a parent of it,
 * case-insensitively; if_priority equal to the priority so far). An
 * applying rule's set_tier and set_priority override earlier ones, its
 * add_tags add up, and stop ends the run. Text conditions are read last,
 * only for rules whose other conditions hold, and each text is scanned at
 * most once (ah_tm_which over the rules still to come). Tags compare
 * exactly; if_source ignores ASCII case. AH_E_INVALID (subject or body not
 * UTF-8) or AH_E_TOO_LARGE (over AH_TM_TEXT_MAX) from the scan; out is
 * written only on success. Thread-safe. */
enum ah_err ah_router_apply(const struct ah_router *r, const struct ah_route_input *in,
                            struct ah_arena *a, struct ah_route_result *out,
                            struct ah_error *err);

#endif
