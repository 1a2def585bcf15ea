/* routing.c - routing rules, compiled, and their run over an arriving ticket.
 * Owns the order of evaluation (cheap conditions first, text last and only
 * when needed) and the tag set a run builds. Matching is core/textmatch's;
 * the rules come from the store through domain/rules.c. */
#include "domain/routing.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "core/textmatch.h"

#define NONE UINT32_MAX

struct rrule {
    int64_t id;
    uint32_t pat; /* its text condition in the set; NONE: none */
    int match_in; /* enum ah_match_in */
    char *if_tag, *if_source, *if_domain; /* NULL: any */
    int if_priority, set_tier, set_priority;
    char *add_tags; /* "a b"; NULL: none */
    bool stop;
};

struct ah_router {
    struct ah_tm_set *set;
    struct rrule *rules;
    size_t n;
    size_t max_added; /* tags all rules together may add */
};

/* A copy of s without spaces around it; NULL for NULL or blank. */
static char *copy_opt(const char *s)
{
    struct ah_str t = ah_str_trim(ah_str_c(s));

    return t.len ? ah_xstrndup(t.p, t.len) : NULL;
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

static size_t count_words(const char *s)
{
    size_t i = 0, n = 0;

    while (s && next_word(s, &i).len)
        n++;
    return n;
}

static enum ah_err keep_rule(const struct ah_route_rule *r, struct rrule *k,
                             struct ah_error *err)
{
    if (r->match_kind != AH_MATCH_NONE && r->match_kind != AH_MATCH_PHRASE &&
        r->match_kind != AH_MATCH_REGEX)
        return ah_error_set(err, AH_E_INVALID, "routing rule '%s' has match kind %d",
                            r->name ? r->name : "", (int)r->match_kind);
    k->id = r->id;
    k->pat = NONE;
    k->match_in = (r->match_in & AH_IN_BOTH) ? (r->match_in & AH_IN_BOTH) : AH_IN_BOTH;
    k->if_tag = copy_opt(r->if_tag);
    k->if_source = copy_opt(r->if_source);
    k->if_domain = copy_opt(r->if_domain);
    k->if_priority = r->if_priority;
    k->set_tier = r->set_tier;
    k->set_priority = r->set_priority;
    k->add_tags = copy_opt(r->add_tags);
    k->stop = r->stop;
    return AH_OK;
}

/* The text conditions of the kept rules, in their order, as one set. */
static enum ah_err compile_text(struct ah_router *ro, const struct ah_route_rule *rules,
                                const size_t *from, struct ah_error *err)
{
    struct ah_tm_pattern *pats = ah_xcalloc(ro->n ? ro->n : 1, sizeof(*pats));
    size_t np = 0;
    enum ah_err rc = AH_OK;

    for (size_t i = 0; i < ro->n && !rc; i++) {
        const struct ah_route_rule *r = &rules[from[i]];
        struct ah_error e1 = {0};
        long off;

        if (r->match_kind == AH_MATCH_NONE)
            continue;
        pats[np].kind = r->match_kind == AH_MATCH_PHRASE ? AH_TM_PHRASE : AH_TM_REGEX;
        pats[np].text = r->pattern;
        rc = ah_tm_check(pats[np].kind, pats[np].text, &off, &e1);
        if (rc)
            ah_error_set(err, rc, "routing rule '%s': %s", r->name ? r->name : "", e1.msg);
        ro->rules[i].pat = (uint32_t)np++;
    }
    if (!rc)
        rc = ah_tm_compile(pats, np, &ro->set, err);
    free(pats);
    return rc;
}

enum ah_err ah_router_compile(const struct ah_route_rule *rules, size_t n,
                              struct ah_router **out, struct ah_error *err)
{
    struct ah_router *ro = ah_xcalloc(1, sizeof(*ro));
    size_t *from = ah_xcalloc(n ? n : 1, sizeof(*from));
    enum ah_err rc = AH_OK;

    ro->rules = ah_xcalloc(n ? n : 1, sizeof(*ro->rules));
    for (size_t i = 0; i < n; i++) {
        if (!rules[i].enabled)
            continue;
        rc = keep_rule(&rules[i], &ro->rules[ro->n], err);
        if (rc)
            goto cleanup;
        ro->max_added = ah_size_add(ro->max_added, count_words(ro->rules[ro->n].add_tags));
        from[ro->n++] = i;
    }
    rc = compile_text(ro, rules, from, err);
cleanup:
    free(from);
    if (rc) {
        ah_router_free(ro);
        return rc;
    }
    *out = ro;
    return AH_OK;
}

void ah_router_free(struct ah_router *r)
{
    if (!r)
        return;
    ah_tm_free(r->set);
    for (size_t i = 0; i < r->n; i++) {
        free(r->rules[i].if_tag);
        free(r->rules[i].if_source);
        free(r->rules[i].if_domain);
        free(r->rules[i].add_tags);
    }
    free(r->rules);
    free(r);
}

/* ---- a run ---- */

/* The tags so far: sorted, unique, borrowed from the input and the rules. */
struct tagset {
    struct ah_str *v;
    size_t n, cap;
};

static int tag_cmp(struct ah_str a, struct ah_str b)
{
    int c = memcmp(a.p, b.p, a.len < b.len ? a.len : b.len);

    return c ? c : (a.len > b.len) - (a.len < b.len);
}

/* Where t is or would go in s. */
static size_t tag_find(const struct tagset *s, struct ah_str t, bool *found)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = tag_cmp(s->v[mid], t);

        if (!c) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static bool tags_have(const struct tagset *s, const char *tag)
{
    bool found;

    tag_find(s, ah_str_c(tag), &found);
    return found;
}

static void tags_add(struct tagset *s, const char *list)
{
    size_t i = 0;
    struct ah_str w;

    while (list && (w = next_word(list, &i)).len) {
        bool found;
        size_t at = tag_find(s, w, &found);

        if (found)
            continue;
        assert(s->n < s->cap);
        memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof(*s->v));
        s->v[at] = w;
        s->n++;
    }
}

static const char *tags_join(const struct tagset *s, struct ah_arena *a)
{
    size_t len = 0, o = 0;
    char *out;

    for (size_t i = 0; i < s->n; i++)
        len = ah_size_add(len, s->v[i].len + 1);
    out = ah_arena_alloc(a, len + 1);
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            out[o++] = ' ';
        memcpy(out + o, s->v[i].p, s->v[i].len);
        o += s->v[i].len;
    }
    out[o] = '\0';
    return out;
}

/* True when host is domain or below it, ignoring case. */
static bool in_domain(struct ah_str host, const char *domain)
{
    size_t d = strlen(domain);

    if (host.len < d || strncasecmp(host.p + host.len - d, domain, d) != 0)
        return false;
    return host.len == d || host.p[host.len - d - 1] == '.';
}

struct run {
    const struct ah_router *r;
    const struct ah_route_input *in;
    struct ah_arena *a;
    struct ah_str host; /* the requester's email domain; p NULL: none */
    uint8_t *hit[2];    /* per text (subject, body): patterns that matched; NULL: not run */
};

/* The conditions that do not change during a run. */
static bool static_ok(const struct run *x, const struct rrule *k)
{
    if (k->if_source && !(x->in->source && strcasecmp(x->in->source, k->if_source) == 0))
        return false;
    return !k->if_domain || (x->host.p && in_domain(x->host, k->if_domain));
}

/* Runs the set once over one text (0: subject, 1: body) for the text
 * conditions of rules from i on that could still apply. */
static enum ah_err run_text(struct run *x, int which, size_t from, struct ah_error *err)
{
    size_t bytes = (ah_tm_count(x->r->set) + 7) / 8 + 1;
    uint8_t *want = ah_arena_alloc(x->a, bytes);
    int in = which ? AH_IN_BODY : AH_IN_SUBJECT;

    memset(want, 0, bytes);
    for (size_t i = from; i < x->r->n; i++) {
        const struct rrule *k = &x->r->rules[i];

        if (k->pat != NONE && (k->match_in & in) && static_ok(x, k))
            want[k->pat / 8] |= (uint8_t)(1u << (k->pat % 8));
    }
    x->hit[which] = ah_arena_alloc(x->a, bytes);
    if (which)
        return ah_tm_which(x->r->set, x->in->body ? x->in->body : "",
                           x->in->body ? x->in->body_len : 0, want, x->hit[1], err);
    return ah_tm_which(x->r->set, x->in->subject ? x->in->subject : "",
                       x->in->subject ? x->in->subject_len : 0, want, x->hit[0], err);
}

/* Whether rule i's text condition holds; runs the set over a text the first
 * time one is asked about. */
static enum ah_err text_ok(struct run *x, size_t i, bool *ok, struct ah_error *err)
{
    const struct rrule *k = &x->r->rules[i];

    *ok = false;
    for (int which = 0; which < 2 && !*ok; which++) {
        enum ah_err rc;

        if (!(k->match_in & (which ? AH_IN_BODY : AH_IN_SUBJECT)))
            continue;
        if (!x->hit[which] && (rc = run_text(x, which, i, err)))
            return rc;
        *ok = (x->hit[which][k->pat / 8] >> (k->pat % 8)) & 1;
    }
    return AH_OK;
}

static struct ah_str email_host(const char *email)
{
    const char *at = email ? strrchr(email, '@') : NULL;

    return at && at[1] ? ah_str_c(at + 1) : AH_STR_NULL;
}

enum ah_err ah_router_apply(const struct ah_router *r, const struct ah_route_input *in,
                            struct ah_arena *a, struct ah_route_result *out,
                            struct ah_error *err)
{
    struct run x = {.r = r, .in = in, .a = a, .host = email_host(in->requester_email)};
    struct tagset tags = {.cap = ah_size_add(count_words(in->tags), r->max_added)};
    int tier = 0, priority = (int)in->priority;
    int64_t matched[AH_ROUTE_MAX_MATCHED];
    size_t nmatched = 0;

    tags.v = ah_arena_alloc(a, (tags.cap ? tags.cap : 1) * sizeof(*tags.v));
    tags_add(&tags, in->tags);
    for (size_t i = 0; i < r->n; i++) {
        const struct rrule *k = &r->rules[i];
        bool ok = true;
        enum ah_err rc;

        if (!static_ok(&x, k) || (k->if_priority >= 0 && k->if_priority != priority))
            continue;
        if (k->if_tag && !tags_have(&tags, k->if_tag))
            continue;
        if (k->pat != NONE && (rc = text_ok(&x, i, &ok, err)))
            return rc;
        if (!ok)
            continue;
        if (k->set_tier)
            tier = k->set_tier;
        if (k->set_priority >= 0)
            priority = k->set_priority;
        tags_add(&tags, k->add_tags);
        if (nmatched < AH_ROUTE_MAX_MATCHED)
            matched[nmatched++] = k->id;
        if (k->stop)
            break;
    }
    out->tier = tier;
    out->priority = priority;
    out->tags = tags_join(&tags, a);
    memcpy(out->matched, matched, nmatched * sizeof(*matched));
    out->nmatched = nmatched;
    return AH_OK;
}
