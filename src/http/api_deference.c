/* api_deference.c - what the support team runs the program with: routing
 * rules, the style guide and lint, reply review, levels, the curriculum,
 * pairing and saved replies. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "core/time.h"
#include "domain/macro.h"
#include "domain/people.h"
#include "domain/perm.h"
#include "domain/program.h"
#include "domain/review.h"
#include "domain/rules.h"
#include "domain/ticket.h"
#include "domain/training.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"

/* ---- shared ---- */

/* words[0..n) as "a b" in r's arena */
static const char *join_words(struct ah_req *r, const struct ah_str *words, size_t n)
{
    size_t len = 0;
    char *out, *p;

    for (size_t i = 0; i < n; i++)
        len += words[i].len + 1;
    p = out = ah_arena_alloc(&r->arena, len + 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ' ';
        memcpy(p, words[i].p, words[i].len);
        p += words[i].len;
    }
    *p = '\0';
    return out;
}

/* A 422 for a bad pattern carries where PCRE2 stopped. */
static void fail_pattern(struct ah_req *r, const struct ah_error *err, long offset)
{
    char extra[96];

    if (err->code != AH_E_INVALID || strncmp(err->msg, "pattern", 7) != 0) {
        ah_api_fail(r, err);
        return;
    }
    if (offset >= 0)
        snprintf(extra, sizeof(extra), "\"field\":\"pattern\",\"offset\":%ld", offset);
    else
        snprintf(extra, sizeof(extra), "\"field\":\"pattern\"");
    ah_http_reply_error(r, err, extra);
}

static bool parse_priority_or_any(struct ah_req *r, const struct ah_json_value *v, int *out)
{
    enum ah_priority p;

    if (!v->present)
        return true;
    if (v->is_null || v->s.len == 0) {
        *out = -1;
        return true;
    }
    if (!ah_ticket_priority_parse(v->s, &p)) {
        ah_http_reply_fail(r, AH_E_INVALID, "priority must be urgent, high, normal or low");
        return false;
    }
    *out = (int)p;
    return true;
}

static bool parse_match_kind(struct ah_req *r, const struct ah_json_value *v, bool allow_none,
                             enum ah_match_kind *out)
{
    if (!v->present)
        return true;
    if (allow_none && (v->is_null || ah_str_eq_c(v->s, "none") || v->s.len == 0))
        *out = AH_MATCH_NONE;
    else if (!v->is_null && ah_str_eq_c(v->s, "phrase"))
        *out = AH_MATCH_PHRASE;
    else if (!v->is_null && ah_str_eq_c(v->s, "regex"))
        *out = AH_MATCH_REGEX;
    else {
        ah_http_reply_fail(r, AH_E_INVALID, allow_none ? "match_kind must be phrase, regex or null"
                                                       : "kind must be phrase or regex");
        return false;
    }
    return true;
}

static const char *opt_str(const struct ah_json_value *v, const char *cur)
{
    if (!v->present)
        return cur;
    return v->is_null ? "" : v->s.p;
}

/* DELETE of the resource r->id through remove: 204, or the domain's error. */
static void reply_removed(struct ah_req *r,
                          enum ah_err (*remove)(struct ah_ctx *, int64_t, struct ah_error *))
{
    struct ah_error err;

    if (remove(&r->cx, r->id, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}

/* ---- routing rules ---- */

enum { R_NAME, R_KIND, R_PATTERN, R_IN, R_TAG, R_SOURCE, R_DOMAIN, R_IFPRIO, R_TIER, R_SETPRIO,
       R_ADD, R_STOP, R_ENABLED, R_POSITION, R_N };

const struct ah_json_field ah_api_route_rule_fields[] = {
    [R_NAME] = {"name", AH_JSON_STRING, false, 200},
    [R_KIND] = {"match_kind", AH_JSON_STRING_OR_NULL, false, 16},
    [R_PATTERN] = {"pattern", AH_JSON_STRING, false, 1000},
    [R_IN] = {"match_in", AH_JSON_STRING, false, 16},
    [R_TAG] = {"if_tag", AH_JSON_STRING_OR_NULL, false, AH_MAX_TAG},
    [R_SOURCE] = {"if_source", AH_JSON_STRING_OR_NULL, false, 16},
    [R_DOMAIN] = {"if_domain", AH_JSON_STRING_OR_NULL, false, 253},
    [R_IFPRIO] = {"if_priority", AH_JSON_STRING_OR_NULL, false, 16},
    [R_TIER] = {"set_tier", AH_JSON_INT_OR_NULL, false, 0},
    [R_SETPRIO] = {"set_priority", AH_JSON_STRING_OR_NULL, false, 16},
    [R_ADD] = {"add_tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
    [R_STOP] = {"stop", AH_JSON_BOOL, false, 0},
    [R_ENABLED] = {"enabled", AH_JSON_BOOL, false, 0},
    [R_POSITION] = {"position", AH_JSON_INT, false, 0},
};
const size_t ah_api_route_rule_nfields = R_N;

/* Lays the given fields over rule; false (and a reply) on a bad value. */
static bool route_from_json(struct ah_req *r, const struct ah_json_value *v,
                            struct ah_route_rule *rule)
{
    if (v[R_NAME].present)
        rule->name = v[R_NAME].s.p;
    if (!parse_match_kind(r, &v[R_KIND], true, &rule->match_kind))
        return false;
    if (v[R_PATTERN].present)
        rule->pattern = v[R_PATTERN].s.p;
    if (v[R_IN].present) {
        if (ah_str_eq_c(v[R_IN].s, "subject"))
            rule->match_in = AH_IN_SUBJECT;
        else if (ah_str_eq_c(v[R_IN].s, "body"))
            rule->match_in = AH_IN_BODY;
        else if (ah_str_eq_c(v[R_IN].s, "both"))
            rule->match_in = AH_IN_BOTH;
        else {
            ah_http_reply_fail(r, AH_E_INVALID, "match_in must be subject, body or both");
            return false;
        }
    }
    rule->if_tag = opt_str(&v[R_TAG], rule->if_tag);
    rule->if_source = opt_str(&v[R_SOURCE], rule->if_source);
    rule->if_domain = opt_str(&v[R_DOMAIN], rule->if_domain);
    if (!parse_priority_or_any(r, &v[R_IFPRIO], &rule->if_priority) ||
        !parse_priority_or_any(r, &v[R_SETPRIO], &rule->set_priority))
        return false;
    if (v[R_TIER].present)
        rule->set_tier = v[R_TIER].is_null ? 0 : v[R_TIER].i < 0 || v[R_TIER].i > 2 ? 9
                                                                                  : (int)v[R_TIER].i;
    if (v[R_ADD].present)
        rule->add_tags = join_words(r, v[R_ADD].items, v[R_ADD].n);
    if (v[R_STOP].present)
        rule->stop = v[R_STOP].b;
    if (v[R_ENABLED].present)
        rule->enabled = v[R_ENABLED].b;
    if (v[R_POSITION].present)
        rule->position = v[R_POSITION].i < 1 ? 1 : v[R_POSITION].i;
    return true;
}

void ah_api_route_rules_list(struct ah_req *r)
{
    struct ah_route_rule *items;
    size_t n;
    struct ah_error err;

    if (ah_route_rule_list(&r->cx, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_route_rule, NULL);
}

static void route_save(struct ah_req *r, struct ah_route_rule *rule, int status)
{
    struct ah_error err;
    long offset = -1;

    if (ah_route_rule_save(&r->cx, rule, &offset, &err)) {
        fail_pattern(r, &err, offset);
        return;
    }
    ah_json_put_route_rule(ah_http_body(r), rule);
    ah_http_reply_body(r, status);
}

void ah_api_route_rules_create(struct ah_req *r)
{
    struct ah_json_value v[R_N];
    struct ah_route_rule rule = {.match_in = AH_IN_BOTH, .if_priority = -1, .set_priority = -1,
                                 .enabled = true, .if_tag = "", .if_source = "",
                                 .if_domain = "", .add_tags = "", .pattern = ""};

    if (!ah_api_body(r, ah_api_route_rule_fields, R_N, v) || !route_from_json(r, v, &rule))
        return;
    if (!v[R_NAME].present) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "name is required");
        return;
    }
    route_save(r, &rule, 201);
}

void ah_api_route_rules_update(struct ah_req *r)
{
    struct ah_json_value v[R_N];
    struct ah_route_rule rule;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_route_rule_fields, R_N, v))
        return;
    if (ah_route_rule_get(&r->cx, r->id, &rule, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (route_from_json(r, v, &rule))
        route_save(r, &rule, 200);
}

void ah_api_route_rules_delete(struct ah_req *r)
{
    reply_removed(r, ah_route_rule_delete);
}

enum { O_IDS, O_N };

const struct ah_json_field ah_api_route_order_fields[] = {
    [O_IDS] = {"ids", AH_JSON_INTS, true, AH_MAX_RULES},
};
const size_t ah_api_route_order_nfields = O_N;

void ah_api_route_rules_order(struct ah_req *r)
{
    struct ah_json_value v[O_N];
    struct ah_error err;

    if (!ah_api_body(r, ah_api_route_order_fields, O_N, v))
        return;
    if (ah_route_rule_order(&r->cx, v[O_IDS].ints, v[O_IDS].n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_api_route_rules_list(r);
}

enum { T_SUBJECT, T_BODY, T_EMAIL, T_SOURCE, T_PRIORITY, T_TAGS, T_N };

const struct ah_json_field ah_api_route_test_fields[] = {
    [T_SUBJECT] = {"subject", AH_JSON_STRING, false, AH_MAX_SUBJECT},
    [T_BODY] = {"body", AH_JSON_STRING, false, AH_MAX_MESSAGE_BODY},
    [T_EMAIL] = {"requester_email", AH_JSON_STRING, false, AH_MAX_EMAIL},
    [T_SOURCE] = {"source", AH_JSON_STRING, false, 16},
    [T_PRIORITY] = {"priority", AH_JSON_STRING, false, 16},
    [T_TAGS] = {"tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
};
const size_t ah_api_route_test_nfields = T_N;

void ah_api_route_rules_test(struct ah_req *r)
{
    struct ah_json_value v[T_N];
    struct ah_route_input in = {0};
    struct ah_route_result res;
    struct ah_policy pol;
    struct ah_buf *b;
    int prio = AH_PRIO_NORMAL;
    const char *tags = "";
    struct ah_error err;

    if (!ah_api_body(r, ah_api_route_test_fields, T_N, v) ||
        !parse_priority_or_any(r, &v[T_PRIORITY], &prio))
        return;
    if (v[T_TAGS].present &&
        ah_ticket_tags_join(&r->cx, v[T_TAGS].items, v[T_TAGS].n, &tags, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    in.subject = v[T_SUBJECT].present ? v[T_SUBJECT].s.p : "";
    in.subject_len = v[T_SUBJECT].s.len;
    in.body = v[T_BODY].present ? v[T_BODY].s.p : "";
    in.body_len = v[T_BODY].s.len;
    in.requester_email = v[T_EMAIL].present ? v[T_EMAIL].s.p : NULL;
    in.source = v[T_SOURCE].present ? v[T_SOURCE].s.p : "api";
    in.priority = prio < 0 ? AH_PRIO_NORMAL : (enum ah_priority)prio;
    in.tags = tags;
    if (ah_route_test(&r->cx, &in, &res, &err) || ah_policy_get(&r->cx, &pol, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"tier\":", NULL);
    ah_buf_appendf(b, NULL, "%d", res.tier ? res.tier : pol.default_tier);
    ah_buf_appends(b, ",\"tier_from_rule\":", NULL);
    ah_buf_appends(b, res.tier ? "true" : "false", NULL);
    ah_buf_appends(b, ",\"priority\":", NULL);
    ah_json_put_str(b, ah_ticket_priority_name((enum ah_priority)res.priority));
    ah_buf_appends(b, ",\"tags\":[", NULL);
    for (const char *p = res.tags; p && *p;) {
        size_t len = strcspn(p, " ");

        if (p != res.tags)
            ah_buf_appends(b, ",", NULL);
        ah_json_put_strn(b, p, len);
        p += len;
        while (*p == ' ')
            p++;
    }
    ah_buf_appends(b, "],\"matched\":[", NULL);
    for (size_t i = 0; i < res.nmatched; i++)
        ah_buf_appendf(b, NULL, "%s%" PRId64, i ? "," : "", res.matched[i]);
    ah_buf_appends(b, "]}", NULL);
    ah_http_reply_body(r, 200);
}

/* ---- the style guide ---- */

enum { S_NAME, S_KIND, S_PATTERN, S_SEVERITY, S_WHY, S_BETTER, S_LEVELS, S_ROLES, S_TAGS,
       S_LIFTED, S_ENABLED, S_N };

const struct ah_json_field ah_api_style_rule_fields[] = {
    [S_NAME] = {"name", AH_JSON_STRING, false, 64},
    [S_KIND] = {"kind", AH_JSON_STRING, false, 16},
    [S_PATTERN] = {"pattern", AH_JSON_STRING, false, 1000},
    [S_SEVERITY] = {"severity", AH_JSON_STRING, false, 16},
    [S_WHY] = {"why", AH_JSON_STRING, false, 1000},
    [S_BETTER] = {"better", AH_JSON_STRING, false, 1000},
    [S_LEVELS] = {"levels", AH_JSON_STRINGS, false, 3},
    [S_ROLES] = {"roles", AH_JSON_STRINGS, false, 4},
    [S_TAGS] = {"tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
    [S_LIFTED] = {"lifted_tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
    [S_ENABLED] = {"enabled", AH_JSON_BOOL, false, 0},
};
const size_t ah_api_style_rule_nfields = S_N;

static bool style_from_json(struct ah_req *r, const struct ah_json_value *v,
                            struct ah_style_rule *rule)
{
    if (v[S_NAME].present)
        rule->name = v[S_NAME].s.p;
    if (!parse_match_kind(r, &v[S_KIND], false, &rule->kind))
        return false;
    if (v[S_PATTERN].present)
        rule->pattern = v[S_PATTERN].s.p;
    if (v[S_SEVERITY].present &&
        !ah_severity_parse(v[S_SEVERITY].s.p, v[S_SEVERITY].s.len, &rule->severity)) {
        ah_http_reply_fail(r, AH_E_INVALID, "severity must be block, warn or tip");
        return false;
    }
    if (v[S_WHY].present)
        rule->why = v[S_WHY].s.p;
    if (v[S_BETTER].present)
        rule->better = v[S_BETTER].s.p;
    if (v[S_LEVELS].present)
        rule->levels = join_words(r, v[S_LEVELS].items, v[S_LEVELS].n);
    if (v[S_ROLES].present)
        rule->roles = join_words(r, v[S_ROLES].items, v[S_ROLES].n);
    if (v[S_TAGS].present)
        rule->tags = join_words(r, v[S_TAGS].items, v[S_TAGS].n);
    if (v[S_LIFTED].present)
        rule->lifted_tags = join_words(r, v[S_LIFTED].items, v[S_LIFTED].n);
    if (v[S_ENABLED].present)
        rule->enabled = v[S_ENABLED].b;
    return true;
}

void ah_api_style_rules_list(struct ah_req *r)
{
    struct ah_style_rule *items;
    size_t n;
    struct ah_error err;

    if (ah_style_rule_list(&r->cx, false, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_style_rule, NULL);
}

static void style_save(struct ah_req *r, struct ah_style_rule *rule, int status)
{
    struct ah_error err;
    long offset = -1;

    if (ah_style_rule_save(&r->cx, rule, &offset, &err)) {
        fail_pattern(r, &err, offset);
        return;
    }
    ah_json_put_style_rule(ah_http_body(r), rule);
    ah_http_reply_body(r, status);
}

void ah_api_style_rules_create(struct ah_req *r)
{
    struct ah_json_value v[S_N];
    struct ah_style_rule rule = {.kind = AH_MATCH_PHRASE, .severity = AH_SEV_WARN,
                                 .enabled = true, .better = "", .levels = "", .roles = "",
                                 .tags = "", .lifted_tags = ""};

    if (!ah_api_body(r, ah_api_style_rule_fields, S_N, v) || !style_from_json(r, v, &rule))
        return;
    for (int k = S_NAME; k <= S_WHY; k++)
        if (k != S_KIND && k != S_SEVERITY && !v[k].present) {
            char msg[64];

            snprintf(msg, sizeof(msg), "%s is required", ah_api_style_rule_fields[k].name);
            ah_http_reply_fail(r, AH_E_BAD_REQUEST, msg);
            return;
        }
    style_save(r, &rule, 201);
}

void ah_api_style_rules_update(struct ah_req *r)
{
    struct ah_json_value v[S_N];
    struct ah_style_rule rule;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_style_rule_fields, S_N, v))
        return;
    if (ah_style_rule_get(&r->cx, r->id, &rule, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (style_from_json(r, v, &rule))
        style_save(r, &rule, 200);
}

void ah_api_style_rules_delete(struct ah_req *r)
{
    reply_removed(r, ah_style_rule_delete);
}

void ah_api_style_rules_starter(struct ah_req *r)
{
    int64_t added = 0;
    struct ah_error err;

    if (ah_style_load_starter(&r->cx, &added, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_buf_appendf(ah_http_body(r), NULL, "{\"added\":%" PRId64 "}", added);
    ah_http_reply_body(r, 200);
}

enum { L_TEXT, L_TICKET, L_LEVEL, L_ROLE, L_TAGS, L_N };

const struct ah_json_field ah_api_lint_fields[] = {
    [L_TEXT] = {"text", AH_JSON_STRING, true, AH_MAX_LINT_TEXT},
    [L_TICKET] = {"ticket_id", AH_JSON_INT_OR_NULL, false, 0},
    [L_LEVEL] = {"level", AH_JSON_STRING, false, 16},
    [L_ROLE] = {"role", AH_JSON_STRING, false, 16},
    [L_TAGS] = {"tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
};
const size_t ah_api_lint_nfields = L_N;

void ah_api_lint(struct ah_req *r)
{
    struct ah_json_value v[L_N];
    const struct ah_person *me = r->cx.actor;
    enum ah_role role = me ? me->role : AH_ROLE_MEMBER;
    enum ah_level level = me ? me->level : AH_LEVEL_TRAINEE;
    const char *tags = NULL;
    struct ah_style_hit *hits;
    size_t n;
    bool blocked = false;
    struct ah_buf *b;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_lint_fields, L_N, v))
        return;
    /* previews for another level, role or tags: the guide's writers */
    if ((v[L_LEVEL].present || v[L_ROLE].present || v[L_TAGS].present) &&
        ah_perm_require(&r->cx, AH_PERM_COACH, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (v[L_LEVEL].present && !ah_level_parse(v[L_LEVEL].s.p, v[L_LEVEL].s.len, &level)) {
        ah_http_reply_fail(r, AH_E_INVALID, "level must be trainee, junior or tier1");
        return;
    }
    if (v[L_ROLE].present && !ah_people_role_parse(v[L_ROLE].s, &role)) {
        ah_http_reply_fail(r, AH_E_INVALID, "role must be member, pro, lead or admin");
        return;
    }
    if (v[L_TICKET].present && !v[L_TICKET].is_null) {
        struct ah_ticket t;

        if (ah_ticket_peek(&r->cx, v[L_TICKET].i, &t, &err)) {
            ah_api_fail(r, &err);
            return;
        }
        tags = t.tags;
    }
    if (v[L_TAGS].present && ah_ticket_tags_join(&r->cx, v[L_TAGS].items, v[L_TAGS].n, &tags,
                                                 &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (ah_lint(&r->cx, v[L_TEXT].s.p, v[L_TEXT].s.len, role, level, tags, &hits, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    for (size_t i = 0; i < n; i++)
        blocked |= hits[i].severity == AH_SEV_BLOCK;
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"hits\":", NULL);
    ah_json_put_hits(b, hits, n, v[L_TEXT].s.p);
    ah_buf_appends(b, blocked ? ",\"blocked\":true}" : ",\"blocked\":false}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_style_hits(struct ah_req *r)
{
    int64_t today = r->cx.now / 86400000, from, to;
    struct ah_style_hit_row *rows;
    struct ah_style_rule *rules;
    struct ah_person *people;
    size_t n, nrules = 0, npeople = 0;
    struct ah_buf *b;
    struct ah_error err;
    bool first = true;

    if (!ah_api_query_day(r, "from", today - 6, &from) || !ah_api_query_day(r, "to", today, &to))
        return;
    if (ah_style_hits(&r->cx, from, to, &rows, &n, &err) ||
        ah_style_rule_list(&r->cx, true, &rules, &nrules, &err) ||
        ah_people_list(&r->cx, 0, 1000000, &people, &npeople, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"rules\":[", NULL);
    for (size_t i = 0; i < nrules; i++) {
        int64_t hits = 0, overrides = 0;

        for (size_t j = 0; j < n; j++)
            if (rows[j].rule_id == rules[i].id) {
                hits += rows[j].hits;
                overrides += rows[j].overrides;
            }
        if (!hits && !overrides)
            continue;
        ah_buf_appendf(b, NULL, "%s{\"rule_id\":%" PRId64 ",\"name\":", first ? "" : ",", rules[i].id);
        ah_json_put_str(b, rules[i].name);
        ah_buf_appendf(b, NULL, ",\"hits\":%" PRId64 ",\"overrides\":%" PRId64 "}", hits, overrides);
        first = false;
    }
    ah_buf_appends(b, "],\"people\":[", NULL);
    first = true;
    for (size_t i = 0; i < npeople; i++) {
        int64_t hits = 0, overrides = 0;

        for (size_t j = 0; j < n; j++)
            if (rows[j].person_id == people[i].id) {
                hits += rows[j].hits;
                overrides += rows[j].overrides;
            }
        if (!hits && !overrides)
            continue;
        ah_buf_appendf(b, NULL, "%s{\"person_id\":%" PRId64 ",\"name\":", first ? "" : ",",
                      people[i].id);
        ah_json_put_str(b, people[i].name);
        ah_buf_appendf(b, NULL, ",\"hits\":%" PRId64 ",\"overrides\":%" PRId64 "}", hits, overrides);
        first = false;
    }
    ah_buf_appends(b, "]}", NULL);
    ah_http_reply_body(r, 200);
}

/* ---- reviews ---- */

void ah_api_reviews_list(struct ah_req *r)
{
    struct ah_review_filter f = {.status = -1};
    struct ah_str status = ah_router_query(r->query, r->nquery, "status");
    struct ah_review *items;
    size_t n;
    int limit;
    int64_t cursor;
    struct ah_buf *b;
    struct ah_error err;

    if (!ah_api_page(r, &limit, &cursor) ||
        !ah_api_query_int(r, "author_id", 0, INT64_MAX, 0, &f.author_id) ||
        !ah_api_query_int(r, "ticket_id", 0, INT64_MAX, 0, &f.ticket_id))
        return;
    if (status.p) {
        enum ah_review_status s;

        if (!ah_json_review_status_parse(status, &s)) {
            ah_http_reply_fail(r, AH_E_BAD_REQUEST,
                               "status must be held, approved, returned or passed");
            return;
        }
        f.status = (int)s;
    }
    /* the review queue: the oldest held reply first */
    f.oldest_first = f.status == AH_REVIEW_HELD;
    f.before_id = cursor;
    f.limit = limit;
    if (ah_review_list(&r->cx, &f, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"items\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        ah_json_put_review(b, &items[i], r->cx.now);
    }
    ah_buf_appends(b, "],\"next_cursor\":", NULL);
    ah_json_put_str(b, f.oldest_first ? NULL
                                      : ah_http_id_cursor(r, n ? items[n - 1].id : 0, n, limit));
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_reviews_get(struct ah_req *r)
{
    struct ah_review rv;
    struct ah_error err;

    if (ah_review_get(&r->cx, r->id, &rv, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_review(ah_http_body(r), &rv, r->cx.now);
    ah_http_reply_body(r, 200);
}

enum { A_BODY, A_N };

const struct ah_json_field ah_api_review_approve_fields[] = {
    [A_BODY] = {"body", AH_JSON_STRING, false, AH_MAX_MESSAGE_BODY},
};
const size_t ah_api_review_approve_nfields = A_N;

void ah_api_reviews_approve(struct ah_req *r)
{
    struct ah_json_value v[A_N];
    struct ah_review rv;
    struct ah_message m;
    struct ah_buf *b;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_review_approve_fields, A_N, v))
        return;
    if (ah_review_approve(&r->cx, r->id, v[A_BODY].present ? v[A_BODY].s : (struct ah_str){0},
                          &rv, &m, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_metrics_count(ah_server_metrics(r->srv), AH_COUNT_MESSAGES_ADDED, 1);
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"review\":", NULL);
    ah_json_put_review(b, &rv, r->cx.now);
    ah_buf_appends(b, ",\"message\":", NULL);
    ah_json_put_message(b, &m);
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, 200);
}

enum { C_COMMENT, C_N };

const struct ah_json_field ah_api_review_return_fields[] = {
    [C_COMMENT] = {"comment", AH_JSON_STRING, true, AH_MAX_REVIEW_COMMENT},
};
const size_t ah_api_review_return_nfields = C_N;

void ah_api_reviews_return(struct ah_req *r)
{
    struct ah_json_value v[C_N];
    struct ah_review rv;
    struct ah_buf *b;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_review_return_fields, C_N, v))
        return;
    if (ah_review_return(&r->cx, r->id, v[C_COMMENT].s, &rv, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"review\":", NULL);
    ah_json_put_review(b, &rv, r->cx.now);
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, 200);
}

/* ---- levels and training ---- */

void ah_api_level_suggestions(struct ah_req *r)
{
    struct ah_level_suggestion *items;
    size_t n;
    struct ah_buf *b;
    struct ah_error err;

    if (ah_level_suggestions(&r->cx, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"items\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        ah_buf_appends(b, i ? ",{\"person\":" : "{\"person\":", NULL);
        ah_json_put_person(b, &items[i].person);
        ah_buf_appendf(b, NULL, ",\"approved\":%" PRId64 ",\"returned\":%" PRId64
                         ",\"last_returned_at\":",
                      items[i].stats.approved, items[i].stats.returned);
        ah_json_put_time(b, items[i].stats.last_returned_at);
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appends(b, "]}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_people_training(struct ah_req *r)
{
    struct ah_person p;
    struct ah_module *mods;
    int64_t *done;
    size_t n;
    struct ah_buf *b;
    bool first = true, can = true;
    struct ah_error err;

    if (r->cx.actor && r->cx.actor->id != r->id &&
        ah_perm_require(&r->cx, AH_PERM_COACH, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (ah_people_get(&r->cx, r->id, &p, &err) ||
        ah_module_list(&r->cx, p.id, &mods, &n, &done, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appendf(b, NULL, "{\"person_id\":%" PRId64 ",\"level\":", p.id);
    ah_json_put_str(b, ah_level_name(p.level));
    ah_buf_appends(b, ",\"modules\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        ah_buf_appendf(b, NULL, "%s{\"id\":%" PRId64 ",\"title\":", i ? "," : "", mods[i].id);
        ah_json_put_str(b, mods[i].title);
        ah_buf_appends(b, ",\"level\":", NULL);
        ah_json_put_str(b, ah_level_name(mods[i].level));
        ah_buf_appends(b, done[i] ? ",\"done\":true,\"completed_at\":" : ",\"done\":false,"
                                                                         "\"completed_at\":",
                       NULL);
        ah_json_put_time(b, done[i]);
        ah_buf_appends(b, "}", NULL);
    }
    /* what stands between them and the next level */
    ah_buf_appends(b, "],\"missing\":[", NULL);
    for (size_t i = 0; i < n; i++)
        if (!done[i] && mods[i].level == p.level) {
            ah_buf_appendf(b, NULL, "%s%" PRId64, first ? "" : ",", mods[i].id);
            first = false;
            can = false;
        }
    ah_buf_appends(b, "],\"can_promote\":", NULL);
    ah_buf_appends(b, p.level < AH_LEVEL_TIER1 && can ? "true}" : "false}", NULL);
    ah_http_reply_body(r, 200);
}

enum { M_TITLE, M_BODY, M_POSITION, M_LEVEL, M_N };

const struct ah_json_field ah_api_module_fields[] = {
    [M_TITLE] = {"title", AH_JSON_STRING, false, AH_MAX_MODULE_TITLE},
    [M_BODY] = {"body", AH_JSON_STRING, false, AH_MAX_MODULE_BODY},
    [M_POSITION] = {"position", AH_JSON_INT, false, 0},
    [M_LEVEL] = {"level", AH_JSON_STRING, false, 16},
};
const size_t ah_api_module_nfields = M_N;

static void put_module(struct ah_req *r, const struct ah_module *m, int64_t done, int status)
{
    ah_json_put_module(ah_http_body(r), m, ah_markdown_html(&r->cx, m->body), done);
    ah_http_reply_body(r, status);
}

static bool module_from_json(struct ah_req *r, const struct ah_json_value *v, struct ah_module *m)
{
    if (v[M_TITLE].present)
        m->title = v[M_TITLE].s.p;
    if (v[M_BODY].present)
        m->body = v[M_BODY].s.p;
    if (v[M_POSITION].present)
        m->position = v[M_POSITION].i;
    if (v[M_LEVEL].present && !ah_level_parse(v[M_LEVEL].s.p, v[M_LEVEL].s.len, &m->level)) {
        ah_http_reply_fail(r, AH_E_INVALID, "level must be trainee or junior");
        return false;
    }
    return true;
}

void ah_api_modules_list(struct ah_req *r)
{
    struct ah_module *mods;
    int64_t *done;
    size_t n;
    struct ah_buf *b;
    struct ah_error err;

    if (ah_module_list(&r->cx, r->cx.actor ? r->cx.actor->id : 0, &mods, &n, &done, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"items\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        ah_json_put_module(b, &mods[i], ah_markdown_html(&r->cx, mods[i].body), done[i]);
    }
    ah_buf_appends(b, "]}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_modules_create(struct ah_req *r)
{
    struct ah_json_value v[M_N];
    struct ah_module m = {.body = "", .level = AH_LEVEL_TRAINEE};
    struct ah_error err;

    if (!ah_api_body(r, ah_api_module_fields, M_N, v) || !module_from_json(r, v, &m))
        return;
    if (!v[M_TITLE].present) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "title is required");
        return;
    }
    if (ah_module_save(&r->cx, &m, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_module(r, &m, 0, 201);
}

void ah_api_modules_update(struct ah_req *r)
{
    struct ah_json_value v[M_N];
    struct ah_module m;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_module_fields, M_N, v))
        return;
    if (ah_module_get(&r->cx, r->id, &m, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (!module_from_json(r, v, &m))
        return;
    if (ah_module_save(&r->cx, &m, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_module(r, &m, 0, 200);
}

void ah_api_modules_delete(struct ah_req *r)
{
    reply_removed(r, ah_module_retire);
}

enum { K_PERSON, K_N };

const struct ah_json_field ah_api_module_complete_fields[] = {
    [K_PERSON] = {"person_id", AH_JSON_INT, false, 0},
};
const size_t ah_api_module_complete_nfields = K_N;

void ah_api_modules_complete(struct ah_req *r)
{
    struct ah_json_value v[K_N];
    struct ah_module m;
    int64_t at = 0;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_module_complete_fields, K_N, v))
        return;
    if (ah_module_complete(&r->cx, r->id, v[K_PERSON].present ? v[K_PERSON].i : 0, &at, &err) ||
        ah_module_get(&r->cx, r->id, &m, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_module(r, &m, at, 200);
}

enum { G_MEMBER, G_START, G_MINUTES, G_NOTES, G_N };

const struct ah_json_field ah_api_pairing_fields[] = {
    [G_MEMBER] = {"member_id", AH_JSON_INT, true, 0},
    [G_START] = {"started_at", AH_JSON_STRING, true, 40},
    [G_MINUTES] = {"minutes", AH_JSON_INT, true, 0},
    [G_NOTES] = {"notes", AH_JSON_STRING, false, 10000},
};
const size_t ah_api_pairing_nfields = G_N;

void ah_api_pairings_create(struct ah_req *r)
{
    struct ah_json_value v[G_N];
    struct ah_pairing p;
    int64_t start;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_pairing_fields, G_N, v))
        return;
    if (ah_time_parse_in(r->cx.actor ? r->cx.actor->timezone : "UTC", "started_at",
                         v[G_START].s, &start, &err) ||
        ah_pairing_log(&r->cx, v[G_MEMBER].i, start, v[G_MINUTES].i, v[G_NOTES].s, &p, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_pairing(ah_http_body(r), &p);
    ah_http_reply_body(r, 201);
}

void ah_api_pairings_list(struct ah_req *r)
{
    struct ah_pairing *items;
    size_t n;
    int64_t person, from, to;
    struct ah_error err;

    if (!ah_api_query_int(r, "person_id", 1, INT64_MAX, r->cx.actor ? r->cx.actor->id : 0,
                          &person) ||
        !ah_api_query_day(r, "from", -1000000, &from) || !ah_api_query_day(r, "to", 1000000, &to))
        return;
    if (ah_pairing_list(&r->cx, person, from * 86400000, (to + 1) * 86400000, &items, &n,
                        &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_pairing, NULL);
}

/* ---- saved replies ---- */

enum { Y_NAME, Y_BODY, Y_N };

const struct ah_json_field ah_api_macro_fields[] = {
    [Y_NAME] = {"name", AH_JSON_STRING, false, AH_MAX_MACRO_NAME},
    [Y_BODY] = {"body", AH_JSON_STRING, false, AH_MAX_MESSAGE_BODY},
};
const size_t ah_api_macro_nfields = Y_N;

/* {"macro":..., "hits":[...]}: the guide's word on the text as saved */
static void put_macro_checked(struct ah_req *r, const struct ah_macro *m, int status)
{
    const struct ah_person *me = r->cx.actor;
    struct ah_style_hit *hits = NULL;
    size_t n = 0;
    struct ah_buf *b;
    struct ah_error err;

    if (ah_lint(&r->cx, m->body, strlen(m->body), me ? me->role : AH_ROLE_MEMBER,
                me ? me->level : AH_LEVEL_TIER1, NULL, &hits, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"macro\":", NULL);
    ah_json_put_macro(b, m);
    ah_buf_appends(b, ",\"hits\":", NULL);
    ah_json_put_hits(b, hits, n, m->body);
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, status);
}

void ah_api_macros_list(struct ah_req *r)
{
    struct ah_macro *items;
    size_t n;
    struct ah_error err;

    if (ah_macro_list(&r->cx, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_macro, NULL);
}

void ah_api_macros_create(struct ah_req *r)
{
    struct ah_json_value v[Y_N];
    struct ah_macro m = {0};
    struct ah_error err;

    if (!ah_api_body(r, ah_api_macro_fields, Y_N, v))
        return;
    m.name = v[Y_NAME].present ? v[Y_NAME].s.p : NULL;
    m.body = v[Y_BODY].present ? v[Y_BODY].s.p : NULL;
    if (ah_macro_save(&r->cx, &m, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_macro_checked(r, &m, 201);
}

void ah_api_macros_update(struct ah_req *r)
{
    struct ah_json_value v[Y_N];
    struct ah_macro m;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_macro_fields, Y_N, v))
        return;
    if (ah_macro_get(&r->cx, r->id, &m, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (v[Y_NAME].present)
        m.name = v[Y_NAME].s.p;
    if (v[Y_BODY].present)
        m.body = v[Y_BODY].s.p;
    if (ah_macro_save(&r->cx, &m, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_macro_checked(r, &m, 200);
}

void ah_api_macros_delete(struct ah_req *r)
{
    reply_removed(r, ah_macro_delete);
}

enum { Z_TICKET, Z_N };

const struct ah_json_field ah_api_macro_render_fields[] = {
    [Z_TICKET] = {"ticket_id", AH_JSON_INT, true, 0},
};
const size_t ah_api_macro_render_nfields = Z_N;

void ah_api_macros_render(struct ah_req *r)
{
    struct ah_json_value v[Z_N];
    const struct ah_person *me = r->cx.actor;
    struct ah_ticket t;
    struct ah_style_hit *hits = NULL;
    size_t n = 0;
    const char *text;
    struct ah_buf *b;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_macro_render_fields, Z_N, v))
        return;
    if (ah_macro_render(&r->cx, r->id, v[Z_TICKET].i, &text, &t, &err) ||
        ah_lint(&r->cx, text, strlen(text), me ? me->role : AH_ROLE_MEMBER,
                me ? me->level : AH_LEVEL_TRAINEE, t.tags, &hits, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"body\":", NULL);
    ah_json_put_str(b, text);
    ah_buf_appends(b, ",\"hits\":", NULL);
    ah_json_put_hits(b, hits, n, text);
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, 200);
}
