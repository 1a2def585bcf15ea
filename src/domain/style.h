/* style.h - the style guide, compiled: which rules apply to whom, and their
 * hits in a draft. Built from the store's rules once per rule-set version,
 * then shared read-only between threads. */
#ifndef AH_DOMAIN_STYLE_H
#define AH_DOMAIN_STYLE_H

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#define AH_STYLE_MAX_HITS 500

struct ah_style_guide;

/* Compiles the live, enabled rules of rules[0..n) (others are left out);
 * copies what it keeps, so rules may die afterwards. The caller frees the
 * guide with ah_style_free (NULL: nothing). AH_E_INVALID names the rule
 * ("style rule 'no-just': ...") whose pattern ah_tm_check refuses, or whose
 * levels or roles name no level or role. */
enum ah_err ah_style_compile(const struct ah_style_rule *rules, size_t n,
                             struct ah_style_guide **out, struct ah_error *err);
void ah_style_free(struct ah_style_guide *g);
/* AH_E_INVALID naming the first word of r's levels or roles that is no
 * level or role: what ah_style_compile would refuse. */
enum ah_err ah_style_check_lists(const struct ah_style_rule *r, struct ah_error *err);

struct ah_style_hit {
    int64_t rule_id;
    const char *rule; /* its name; these strings live as long as the guide */
    enum ah_severity severity;
    const char *why;
    const char *better;
    size_t byte_start, byte_end; /* end exclusive */
    size_t u16_start, u16_end;
};

/* The hits in text of the rules that apply to a writer of role and level
 * (level counts only for members) on a ticket with ticket_tags ("a b";
 * NULL or "": none): a rule applies when its roles are empty or hold role,
 * its levels are empty or hold level (members only), its tags are empty or
 * share one with the ticket, and its lifted_tags share none (tags compare
 * exactly). Hits sorted by start, at most AH_STYLE_MAX_HITS (the first), in
 * a; *hits NULL when none. AH_E_INVALID for text that is not UTF-8,
 * AH_E_TOO_LARGE past AH_TM_TEXT_MAX. Thread-safe. */
enum ah_err ah_style_check(const struct ah_style_guide *g, const char *text, size_t len,
                           enum ah_role role, enum ah_level level, const char *ticket_tags,
                           struct ah_arena *a, struct ah_style_hit **hits, size_t *n,
                           struct ah_error *err);

/* The starter guide that `allhands init` writes and leads may load later:
 * rules with names, patterns, severities, why and better filled (ids 0,
 * enabled; levels, roles, tags and lifted_tags "" but for the data-loss
 * rule, tagged "data-loss"). */
extern const struct ah_style_rule ah_style_starter[];
extern const size_t ah_style_nstarter;

/* "trainee", "junior", "tier1"; "block", "warn", "tip". A parse takes the
 * exact lower-case name and is false for anything else. */
const char *ah_level_name(enum ah_level l);
bool ah_level_parse(const char *s, size_t len, enum ah_level *out);
const char *ah_severity_name(enum ah_severity s);
bool ah_severity_parse(const char *s, size_t len, enum ah_severity *out);

#endif
