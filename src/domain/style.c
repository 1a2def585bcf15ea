/* style.c - the style guide, compiled. Owns which rule applies to whom (role,
 * level, ticket tags) and the names of levels and severities; the matching
 * itself is core/textmatch's, the starter guide is in style_starter.c. */
#include "domain/style.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/textmatch.h"
#include "domain/people.h"

/* One compiled rule: what a hit reports and to whom the rule applies. */
struct srule {
    int64_t id;
    char *name, *why, *better;
    enum ah_severity severity;
    unsigned levels; /* bit per enum ah_level; 0: every level */
    unsigned roles;  /* bit per enum ah_role; 0: every role */
    char *tags;      /* "a b"; NULL: any ticket */
    char *lifted;    /* "a b"; NULL: none */
};

struct ah_style_guide {
    struct ah_tm_set *set; /* pattern i is rules[i] */
    struct srule *rules;
    size_t n;
};

static const char *const level_names[] = {"trainee", "junior", "tier1"};
static const char *const severity_names[] = {"block", "warn", "tip"};

#define NLEVELS (sizeof(level_names) / sizeof(level_names[0]))
#define NSEVERITIES (sizeof(severity_names) / sizeof(severity_names[0]))

static bool name_index(const char *const *names, size_t nnames, const char *s, size_t len,
                       size_t *out)
{
    for (size_t i = 0; i < nnames; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
            *out = i;
            return true;
        }
    return false;
}

const char *ah_level_name(enum ah_level l)
{
    return (size_t)l < NLEVELS ? level_names[l] : "trainee";
}

bool ah_level_parse(const char *s, size_t len, enum ah_level *out)
{
    size_t i;

    if (!s || !name_index(level_names, NLEVELS, s, len, &i))
        return false;
    *out = (enum ah_level)i;
    return true;
}

const char *ah_severity_name(enum ah_severity s)
{
    return (size_t)s < NSEVERITIES ? severity_names[s] : "warn";
}

bool ah_severity_parse(const char *s, size_t len, enum ah_severity *out)
{
    size_t i;

    if (!s || !name_index(severity_names, NSEVERITIES, s, len, &i))
        return false;
    *out = (enum ah_severity)i;
    return true;
}

/* The next space-separated word of s from *i; its length is 0 at the end. */
static struct ah_str next_word(const char *s, size_t *i)
{
    size_t start;

    while (s[*i] == ' ')
        (*i)++;
    start = *i;
    while (s[*i] && s[*i] != ' ')
        (*i)++;
    return (struct ah_str){s + start, *i - start};
}

static bool blank(const char *s)
{
    size_t i = 0;

    return !s || next_word(s, &i).len == 0;
}

/* True when the lists a and b ("x y") share a word. */
static bool share_word(const char *a, const char *b)
{
    size_t i = 0;
    struct ah_str w;

    while ((w = next_word(a, &i)).len) {
        size_t j = 0;
        struct ah_str v;

        while ((v = next_word(b, &j)).len)
            if (ah_str_eq(v, w))
                return true;
    }
    return false;
}

/* The bits of the levels (or roles) named in list; AH_E_INVALID names an unknown one. */
static enum ah_err parse_levels(const struct ah_style_rule *r, unsigned *out,
                                struct ah_error *err)
{
    size_t i = 0, k;
    struct ah_str w;

    *out = 0;
    while (r->levels && (w = next_word(r->levels, &i)).len) {
        if (!name_index(level_names, NLEVELS, w.p, w.len, &k))
            return ah_error_set(err, AH_E_INVALID, "style rule '%s': no level '%.*s'", r->name,
                                (int)w.len, w.p);
        *out |= 1u << k;
    }
    return AH_OK;
}

static enum ah_err parse_roles(const struct ah_style_rule *r, unsigned *out,
                               struct ah_error *err)
{
    size_t i = 0;
    struct ah_str w;
    enum ah_role role;

    *out = 0;
    while (r->roles && (w = next_word(r->roles, &i)).len) {
        if (!ah_people_role_parse(w, &role))
            return ah_error_set(err, AH_E_INVALID, "style rule '%s': no role '%.*s'", r->name,
                                (int)w.len, w.p);
        *out |= 1u << role;
    }
    return AH_OK;
}

enum ah_err ah_style_check_lists(const struct ah_style_rule *r, struct ah_error *err)
{
    unsigned bits;
    enum ah_err rc = parse_levels(r, &bits, err);

    return rc ? rc : parse_roles(r, &bits, err);
}

/* Copies what a hit reports and the applicability of r into s. */
static enum ah_err keep_rule(const struct ah_style_rule *r, struct srule *s,
                             struct ah_error *err)
{
    enum ah_err rc = parse_levels(r, &s->levels, err);

    if (!rc)
        rc = parse_roles(r, &s->roles, err);
    if (rc)
        return rc;
    s->id = r->id;
    s->severity = r->severity;
    s->name = ah_xstrdup(r->name ? r->name : "");
    s->why = ah_xstrdup(r->why ? r->why : "");
    s->better = ah_xstrdup(r->better ? r->better : "");
    s->tags = blank(r->tags) ? NULL : ah_xstrdup(r->tags);
    s->lifted = blank(r->lifted_tags) ? NULL : ah_xstrdup(r->lifted_tags);
    return AH_OK;
}

static enum ah_err compile_patterns(struct ah_style_guide *g, const struct ah_tm_pattern *pats,
                                    struct ah_error *err)
{
    for (size_t i = 0; i < g->n; i++) {
        struct ah_error e1 = {0};
        long off;
        enum ah_err rc = ah_tm_check(pats[i].kind, pats[i].text, &off, &e1);

        if (rc)
            return ah_error_set(err, rc, "style rule '%s': %s", g->rules[i].name, e1.msg);
    }
    return ah_tm_compile(pats, g->n, &g->set, err);
}

enum ah_err ah_style_compile(const struct ah_style_rule *rules, size_t n,
                             struct ah_style_guide **out, struct ah_error *err)
{
    struct ah_style_guide *g = ah_xcalloc(1, sizeof(*g));
    struct ah_tm_pattern *pats = ah_xcalloc(n ? n : 1, sizeof(*pats));
    enum ah_err rc = AH_OK;

    g->rules = ah_xcalloc(n ? n : 1, sizeof(*g->rules));
    for (size_t i = 0; i < n; i++) {
        const struct ah_style_rule *r = &rules[i];

        if (!r->enabled || r->deleted_at)
            continue;
        if (r->kind != AH_MATCH_PHRASE && r->kind != AH_MATCH_REGEX) {
            rc = ah_error_set(err, AH_E_INVALID, "style rule '%s' has no pattern kind",
                              r->name ? r->name : "");
            goto cleanup;
        }
        rc = keep_rule(r, &g->rules[g->n], err);
        if (rc)
            goto cleanup;
        pats[g->n].kind = r->kind == AH_MATCH_PHRASE ? AH_TM_PHRASE : AH_TM_REGEX;
        pats[g->n++].text = r->pattern;
    }
    rc = compile_patterns(g, pats, err);
cleanup:
    free(pats);
    if (rc) {
        ah_style_free(g);
        return rc;
    }
    *out = g;
    return AH_OK;
}

void ah_style_free(struct ah_style_guide *g)
{
    if (!g)
        return;
    ah_tm_free(g->set);
    for (size_t i = 0; i < g->n; i++) {
        free(g->rules[i].name);
        free(g->rules[i].why);
        free(g->rules[i].better);
        free(g->rules[i].tags);
        free(g->rules[i].lifted);
    }
    free(g->rules);
    free(g);
}

static bool in_bits(unsigned bits, unsigned v)
{
    return v < 32 && (bits >> v) & 1;
}

static bool applies(const struct srule *r, enum ah_role role, enum ah_level level,
                    const char *tags)
{
    if (r->roles && !in_bits(r->roles, (unsigned)role))
        return false;
    if (role == AH_ROLE_MEMBER && r->levels && !in_bits(r->levels, (unsigned)level))
        return false;
    if (r->tags && !(tags && share_word(r->tags, tags)))
        return false;
    return !(r->lifted && tags && share_word(r->lifted, tags));
}

enum ah_err ah_style_check(const struct ah_style_guide *g, const char *text, size_t len,
                           enum ah_role role, enum ah_level level, const char *ticket_tags,
                           struct ah_arena *a, struct ah_style_hit **hits, size_t *n,
                           struct ah_error *err)
{
    uint8_t *want = ah_arena_alloc(a, (g->n + 7) / 8 + 1);
    struct ah_tm_hit *th;
    struct ah_style_hit *out = NULL;
    size_t nh;
    enum ah_err rc;

    memset(want, 0, (g->n + 7) / 8 + 1);
    for (size_t i = 0; i < g->n; i++)
        if (applies(&g->rules[i], role, level, ticket_tags))
            want[i / 8] |= (uint8_t)(1u << (i % 8));
    rc = ah_tm_scan(g->set, text, len, want, AH_STYLE_MAX_HITS, a, &th, &nh, err);
    if (rc)
        return rc;
    if (nh)
        out = ah_arena_alloc(a, nh * sizeof(*out));
    for (size_t i = 0; i < nh; i++) {
        const struct srule *r = &g->rules[th[i].pattern];

        out[i] = (struct ah_style_hit){
            .rule_id = r->id,
            .rule = r->name,
            .severity = r->severity,
            .why = r->why,
            .better = r->better,
            .byte_start = th[i].byte_start,
            .byte_end = th[i].byte_end,
            .u16_start = th[i].u16_start,
            .u16_end = th[i].u16_end,
        };
    }
    *hits = out;
    *n = nh;
    return AH_OK;
}
