/* groups.c - repeated questions (see groups.h).
 *
 * The grouper reads tickets in arrival order behind the writes, as the
 * full-text index does, so that creating a ticket costs nothing more. Each
 * ticket's subject and first message become a unit TF-IDF vector of word
 * stems and character trigrams (core/textvec). Its heaviest terms are looked
 * up in an inverted index over every group's heaviest centroid terms
 * (group_terms, a few postings per term read, heaviest first): that bounds
 * the work by the terms of one question, not by the number of groups. The
 * few best candidates by that partial score are loaded and compared by
 * cosine with their whole centroid; the ticket joins the best at or above
 * the threshold, or starts a group of its own. A group's centroid is the
 * sum of its tickets' vectors cut to its heaviest terms, so merging two
 * groups adds two centroids and moving a ticket out subtracts its vector.
 *
 * Written here, not taken from a library: the index and the centroids live
 * in the store's own tables, so that they change in the same transaction as
 * the tickets, survive a crash with them and are shared by every server on
 * PostgreSQL. Debian's nearest-neighbour library (libfaiss, C++ with a C
 * wrapper) searches dense vectors in an index it keeps in memory or in files
 * of its own; these vectors are sparse (a few dozen terms of 2^63), and what
 * is needed is a dot product over a few hundred postings, which SQL and a
 * sort already do. */
#include "domain/groups.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/textvec.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/program.h"
#include "domain/ticket.h"

/* tickets grouped in one transaction: small, so that the write lock is
 * held a few milliseconds and ticket creation goes on beside the grouper */
#define BATCH 32
/* ids looked back over for a ticket that committed after a later one (on
 * PostgreSQL ids are handed out before commit): still grouped, late */
#define LOOKBACK 1000
#define QUERY_TERMS 16     /* a question's heaviest terms looked up in the index */
#define PER_TERM 24        /* postings read for each */
#define CANDIDATES 8       /* groups compared in full */
#define CENTROID_MAX 96    /* terms kept in a centroid */
#define POSTINGS 24        /* a group's terms in the index */
#define GRAM_SHARE 1.0     /* a word's trigrams weigh as much as the word (L2) */
/* two groups whose centroids come this much closer than a question must be
 * to join are one question asked two ways: the grouper merges them */
#define MERGE_OVER 0.10
#define NAME_WORDS 3

static const char *const status_names[] = {"open", "not_product_issue", "merged"};
static const char *const fix_state_names[] = {"open", "shipped"};

const char *ah_group_status_name(enum ah_qgroup_status s)
{
    return (unsigned)s < 3 ? status_names[s] : "open";
}

bool ah_group_status_parse(struct ah_str s, int *out)
{
    return ah_str_index(s, status_names, 2, out); /* "merged" is not set by hand */
}

const char *ah_fix_state_name(enum ah_fix_state s)
{
    return (unsigned)s < 2 ? fix_state_names[s] : "open";
}

bool ah_fix_state_parse(struct ah_str s, int *out)
{
    return ah_str_index(s, fix_state_names, 2, out);
}

void ah_group_patch_init(struct ah_group_patch *p)
{
    memset(p, 0, sizeof(*p));
    p->status = -1;
}

void ah_fix_patch_init(struct ah_fix_patch *p)
{
    memset(p, 0, sizeof(*p));
    p->state = -1;
}

static double threshold(const struct ah_ctx *cx)
{
    double t = cx->settings ? cx->settings->group_threshold : 0;

    return t > 0 ? t : AH_GROUP_THRESHOLD_DEFAULT;
}

/* The first day of the organization's week holding at. */
static enum ah_err week_of(const struct ah_policy *pol, int64_t at, int64_t *day,
                           struct ah_error *err)
{
    struct ah_week w;
    enum ah_err rc = ah_week_at(pol, NULL, at, &w, err);

    if (!rc)
        *day = w.first_day;
    return rc;
}

/* ---- vectors ---- */

/* The question's text as a unit vector against the current frequencies;
 * with count, its words are counted in (it is a new document). */
static enum ah_err vectorize(struct ah_ctx *cx, const struct ah_qgroup_input *in, bool count,
                             int64_t *docs, struct ah_tv_doc *d, struct ah_tv_vec *v,
                             struct ah_error *err)
{
    size_t ls = strlen(in->subject), lb = strlen(in->body);
    char *text = ah_arena_alloc(cx->arena, ls + lb + 2);
    int64_t *terms, *df;
    const char **words;
    enum ah_err rc;

    memcpy(text, in->subject, ls);
    text[ls] = '\n';
    memcpy(text + ls + 1, in->body, lb + 1);
    ah_tv_parse(cx->arena, (struct ah_str){text, ls + lb + 1}, d);
    terms = ah_arena_alloc(cx->arena, (d->nwords + 1) * sizeof(*terms));
    df = ah_arena_alloc(cx->arena, (d->n + 1) * sizeof(*df));
    words = ah_arena_alloc(cx->arena, (d->nwords + 1) * sizeof(*words));
    memset(df, 0, (d->n + 1) * sizeof(*df));
    for (size_t i = 0; i < d->nwords; i++) {
        terms[i] = d->terms[i].term;
        words[i] = d->terms[i].word;
    }
    rc = d->nwords ? ah_store_term_df(cx->store, terms, d->nwords, df, err) : AH_OK;
    if (rc)
        return rc;
    ah_tv_weigh(cx->arena, d, df, *docs, GRAM_SHARE, v);
    if (!count)
        return AH_OK;
    rc = d->nwords ? ah_store_term_add(cx->store, terms, words, d->nwords, err) : AH_OK;
    if (!rc)
        (*docs)++;
    return rc;
}

static enum ah_err encode(struct ah_ctx *cx, const struct ah_tv_vec *v, const char **out,
                          struct ah_error *err)
{
    struct ah_buf b;
    enum ah_err rc;

    ah_buf_init(&b, 64 * 1024);
    rc = ah_tv_encode(v, &b, err);
    if (!rc)
        *out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return rc;
}

/* A group's index entries: its heaviest terms, weights over its norm. */
static enum ah_err index_group(struct ah_ctx *cx, int64_t id, const struct ah_tv_vec *c,
                               struct ah_error *err)
{
    size_t idx[POSTINGS], k = ah_tv_top(c, POSTINGS, false, idx);
    int64_t terms[POSTINGS];
    double w[POSTINGS], norm = ah_tv_norm(c);

    for (size_t i = 0; i < k; i++) {
        terms[i] = c->term[idx[i]];
        w[i] = norm > 0 ? c->w[idx[i]] / norm : 0;
    }
    return ah_store_group_terms_put(cx->store, id, terms, w, k, err);
}

/* A name from the centroid's heaviest words; words[] known for a new group. */
static enum ah_err suggest_name(struct ah_ctx *cx, const struct ah_tv_vec *c,
                                const struct ah_tv_doc *d, const char *fallback,
                                const char **out, struct ah_error *err)
{
    size_t idx[NAME_WORDS], k = ah_tv_top(c, NAME_WORDS, true, idx);
    int64_t terms[NAME_WORDS];
    const char *words[NAME_WORDS] = {0};
    struct ah_buf b;
    enum ah_err rc = AH_OK;

    for (size_t i = 0; i < k; i++) {
        terms[i] = c->term[idx[i]];
        for (size_t j = 0; d && j < d->nwords; j++)
            if (d->terms[j].term == terms[i])
                words[i] = d->terms[j].word;
    }
    if (!d && k)
        rc = ah_store_term_words(cx->store, terms, k, cx->arena, words, err);
    if (rc)
        return rc;
    ah_buf_init(&b, AH_GROUP_NAME_MAX * 4);
    for (size_t i = 0; i < k; i++)
        if (words[i] && *words[i]) {
            if (ah_buf_str(&b).len)
                ah_buf_appends(&b, ", ", NULL);
            ah_buf_appends(&b, words[i], NULL);
        }
    if (!ah_buf_str(&b).len) {
        size_t n = strlen(fallback);

        /* a question of no words at all: its subject, cut on a character */
        while (n > 60 && (fallback[n] & 0xC0) == 0x80)
            n--;
        ah_buf_append(&b, fallback, n > 60 ? 60 : n, NULL);
    }
    *out = ah_arena_strdup(cx->arena, ah_buf_str(&b).len ? ah_buf_cstr(&b) : "(no words)");
    ah_buf_release(&b);
    return AH_OK;
}

/* A group this size rewrites its index entries and looks for its twin at
 * each join; bigger ones at sizes that double: a big centroid moves little
 * with one more ticket, and the rewrite is most of a join's writes. */
static bool checkpoint(int64_t size)
{
    return size <= 16 || (size & (size - 1)) == 0;
}

/* Whether a's and b's k heaviest terms are the same terms. */
static bool same_top(const struct ah_tv_vec *a, const struct ah_tv_vec *b, size_t k)
{
    size_t ia[POSTINGS], ib[POSTINGS];
    size_t ka = ah_tv_top(a, k, false, ia), kb = ah_tv_top(b, k, false, ib);

    if (ka != kb)
        return false;
    for (size_t i = 0; i < ka; i++)
        if (a->term[ia[i]] != b->term[ib[i]])
            return false;
    return true;
}

static bool same_top_words(const struct ah_tv_vec *a, const struct ah_tv_vec *b)
{
    size_t ia[NAME_WORDS], ib[NAME_WORDS];
    size_t ka = ah_tv_top(a, NAME_WORDS, true, ia), kb = ah_tv_top(b, NAME_WORDS, true, ib);

    if (ka != kb)
        return false;
    for (size_t i = 0; i < ka; i++)
        if (a->term[ia[i]] != b->term[ib[i]])
            return false;
    return true;
}

static const char *group_json(struct ah_ctx *cx, const struct ah_qgroup *g)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 4096);
    ah_jsonw_str(&b, "name", g->name, NULL);
    ah_jsonw_str(&b, "status", ah_group_status_name(g->status), NULL);
    ah_jsonw_int(&b, "size", g->size, NULL);
    ah_jsonw_id(&b, "fix_id", g->fix_id, NULL);
    ah_jsonw_id(&b, "merged_into", g->merged_into, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

/* Merges b into a (both loaded, centroids decoded), in the caller's
 * transaction holding the groups' turn; audited. */
static enum ah_err merge_rows(struct ah_ctx *cx, struct ah_qgroup *a, struct ah_qgroup *b,
                              const struct ah_tv_vec *ca, const struct ah_tv_vec *cb,
                              struct ah_error *err)
{
    const char *before_a = group_json(cx, a), *before_b = group_json(cx, b);
    struct ah_tv_vec sum;
    enum ah_err rc;

    ah_tv_add(cx->arena, ca, cb, 1.0, CENTROID_MAX, &sum);
    rc = encode(cx, &sum, &a->centroid, err);
    if (b->size && (!a->size || b->first_at < a->first_at))
        a->first_at = b->first_at;
    if (b->last_at > a->last_at)
        a->last_at = b->last_at;
    a->size += b->size;
    a->after_fix += b->after_fix;
    if (!a->fix_id) {
        a->fix_id = b->fix_id;
        a->fix = b->fix;
    }
    a->updated_at = b->updated_at = cx->now;
    b->status = AH_QGROUP_MERGED;
    b->merged_into = a->id;
    b->size = 0;
    b->after_fix = 0;
    if (!rc)
        rc = ah_store_group_move_all(cx->store, b->id, a->id, err);
    if (!rc)
        rc = ah_store_group_update(cx->store, a, err);
    if (!rc)
        rc = ah_store_group_update(cx->store, b, err);
    if (!rc)
        rc = index_group(cx, a->id, &sum, err);
    if (!rc)
        rc = ah_audit_record(cx, "group.merge", ah_audit_target(cx, "group", b->id), before_b,
                             group_json(cx, b), err);
    if (!rc)
        rc = ah_audit_record(cx, "group.merge", ah_audit_target(cx, "group", a->id), before_a,
                             group_json(cx, a), err);
    return rc;
}

/* ---- the grouper ---- */

struct cand {
    int64_t group_id;
    double partial;
};

static int by_group(const void *x, const void *y)
{
    const struct ah_qgroup_posting *a = x, *b = y;

    return (a->group_id > b->group_id) - (a->group_id < b->group_id);
}

static int by_partial(const void *x, const void *y)
{
    const struct cand *a = x, *b = y;

    if (a->partial != b->partial)
        return a->partial < b->partial ? 1 : -1;
    return (a->group_id > b->group_id) - (a->group_id < b->group_id);
}

/* The group v is closest to, by cosine with its centroid; *best id 0 when
 * no group shares a heavy term with it. */
static enum ah_err closest(struct ah_ctx *cx, const struct ah_tv_vec *v, int64_t exclude,
                          struct ah_qgroup *best, struct ah_tv_vec *best_c, double *score,
                          struct ah_error *err)
{
    size_t idx[QUERY_TERMS], k = ah_tv_top(v, QUERY_TERMS, false, idx);
    int64_t terms[QUERY_TERMS], ids[CANDIDATES];
    double qw[QUERY_TERMS];
    struct ah_qgroup_posting *p = NULL;
    struct ah_qgroup loaded[CANDIDATES];
    struct cand *c;
    size_t np = 0, nc = 0;
    enum ah_err rc;

    best->id = 0;
    *score = 0;
    if (!k)
        return AH_OK;
    for (size_t i = 0; i < k; i++) {
        terms[i] = v->term[idx[i]];
        qw[i] = v->w[idx[i]];
    }
    rc = ah_store_group_postings(cx->store, terms, k, PER_TERM, cx->arena, &p, &np, err);
    if (rc || !np)
        return rc;
    qsort(p, np, sizeof(*p), by_group);
    c = ah_arena_alloc(cx->arena, np * sizeof(*c));
    for (size_t i = 0; i < np; i++) {
        double w = 0;

        for (size_t j = 0; j < k; j++)
            if (terms[j] == p[i].term)
                w = qw[j];
        if (nc && c[nc - 1].group_id == p[i].group_id)
            c[nc - 1].partial += w * p[i].weight;
        else
            c[nc++] = (struct cand){p[i].group_id, w * p[i].weight};
    }
    qsort(c, nc, sizeof(*c), by_partial);
    if (nc > CANDIDATES)
        nc = CANDIDATES;
    for (size_t i = 0; i < nc; i++)
        ids[i] = c[i].group_id;
    rc = ah_store_group_load(cx->store, ids, nc, cx->arena, loaded, err);
    for (size_t i = 0; !rc && i < nc; i++) {
        struct ah_tv_vec cv;
        double norm, cos;
        struct ah_error derr;

        if (!loaded[i].id || loaded[i].status == AH_QGROUP_MERGED || loaded[i].id == exclude)
            continue;
        if (ah_tv_decode(cx->arena, loaded[i].centroid, &cv, &derr))
            continue; /* not the engine's: never joined, rebuilt by the next join */
        norm = ah_tv_norm(&cv);
        cos = norm > 0 ? ah_tv_dot(v, &cv) / norm : 0;
        if (cos > *score) {
            *score = cos;
            *best = loaded[i];
            *best_c = cv;
        }
    }
    return rc;
}

static const char *regression_event(struct ah_ctx *cx, const struct ah_qgroup *g,
                                    int64_t ticket_id)
{
    struct ah_buf b;
    const char *out;
    char id[64];

    /* one event per ticket: receivers drop a second delivery by id */
    snprintf(id, sizeof(id), "evt_fix.regression_%" PRId64, ticket_id);
    ah_buf_init(&b, 4096);
    ah_jsonw_str(&b, "id", id, NULL);
    ah_jsonw_str(&b, "type", "fix.regression", NULL);
    ah_jsonw_int(&b, "ticket_id", ticket_id, NULL);
    ah_jsonw_int(&b, "group_id", g->id, NULL);
    ah_jsonw_str(&b, "group", g->name, NULL);
    ah_jsonw_int(&b, "fix_id", g->fix.id, NULL);
    ah_jsonw_str(&b, "fix", g->fix.title, NULL);
    ah_jsonw_int(&b, "owner_id", g->fix.owner_id, NULL);
    ah_jsonw_int(&b, "after_fix", g->after_fix, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

/* A ticket arrived in g after g's fix shipped: the owner hears of it in
 * their inbox once a week for the fix, and by webhook for each ticket. */
static enum ah_err regression(struct ah_ctx *cx, const struct ah_qgroup *g, int64_t ticket_id,
                              int64_t week_day, struct ah_error *err)
{
    char body[600];
    struct ah_notification n = {.person_id = g->fix.owner_id, .kind = "fix.regression",
                                .week_day = week_day, .ref_id = g->fix.id, .body = body,
                                .created_at = cx->now};
    bool inserted = false;
    enum ah_err rc;

    snprintf(body, sizeof(body),
             "Ticket #%" PRId64 " asks \"%s\" again after your fix \"%s\" shipped",
             ticket_id, g->name, g->fix.title);
    rc = ah_store_notification_insert(cx->store, &n, &inserted, err);
    if (!rc)
        rc = ah_store_outbox_add(cx->store, "fix.regression", regression_event(cx, g, ticket_id),
                                 cx->now, err);
    return rc;
}

/* A group that grew may now ask what another asks: the two become one
 * (the smaller into the bigger) when their centroids are close enough.
 * Single-pass grouping splits an intent whose first questions happened to
 * differ; this heals it as the groups fill in. */
static enum ah_err absorb(struct ah_ctx *cx, struct ah_qgroup *g, const struct ah_tv_vec *c,
                          struct ah_error *err)
{
    double norm = ah_tv_norm(c), score = 0;
    struct ah_tv_vec u = *c, oc;
    struct ah_qgroup o = {0};
    enum ah_err rc;

    /* what a person shaped (named, linked to a fix, judged) stays as they left it */
    if (norm <= 0 || g->named || g->fix_id || g->status != AH_QGROUP_OPEN)
        return AH_OK;
    u.w = ah_arena_alloc(cx->arena, (c->n + 1) * sizeof(*u.w));
    for (size_t i = 0; i < c->n; i++)
        u.w[i] = (float)(c->w[i] / norm);
    rc = closest(cx, &u, g->id, &o, &oc, &score, err);
    if (rc || !o.id || score < threshold(cx) + MERGE_OVER || o.named || o.fix_id ||
        o.status != AH_QGROUP_OPEN)
        return rc;
    if (o.size > g->size)
        return merge_rows(cx, &o, g, &oc, c, err);
    return merge_rows(cx, g, &o, c, &oc, err);
}

/* Puts one arriving ticket in its group. */
static enum ah_err assign(struct ah_ctx *cx, const struct ah_policy *pol,
                          const struct ah_qgroup_input *in, int64_t *docs, struct ah_error *err)
{
    struct ah_tv_doc d;
    struct ah_tv_vec v, c = {0};
    struct ah_qgroup g = {0};
    struct ah_qgroup_ticket place = {.ticket_id = in->ticket_id, .joined_at = in->created_at};
    double score = 0;
    int64_t week_day;
    enum ah_err rc = vectorize(cx, in, true, docs, &d, &v, err);

    if (!rc)
        rc = week_of(pol, in->created_at, &week_day, err);
    if (!rc)
        rc = closest(cx, &v, 0, &g, &c, &score, err);
    if (rc)
        return rc;
    if (g.id && score >= threshold(cx)) {
        struct ah_tv_vec sum;

        ah_tv_add(cx->arena, &c, &v, 1.0, CENTROID_MAX, &sum);
        if (!g.named && !same_top_words(&c, &sum))
            rc = suggest_name(cx, &sum, NULL, in->subject, &g.name, err);
        if (!rc)
            rc = encode(cx, &sum, &g.centroid, err);
        g.size++;
        if (in->created_at > g.last_at)
            g.last_at = in->created_at;
        if (in->created_at < g.first_at)
            g.first_at = in->created_at;
        g.updated_at = cx->now;
        place.after_fix = g.fix.id && g.fix.state == AH_FIX_SHIPPED &&
                          in->created_at >= g.fix.shipped_at;
        if (place.after_fix)
            g.after_fix++;
        if (!rc)
            rc = ah_store_group_update(cx->store, &g, err);
        if (!rc && (checkpoint(g.size) || !same_top(&c, &sum, POSTINGS)))
            rc = index_group(cx, g.id, &sum, err);
        if (!rc && place.after_fix)
            rc = regression(cx, &g, in->ticket_id, week_day, err);
        if (!rc && checkpoint(g.size))
            rc = absorb(cx, &g, &sum, err);
    } else {
        score = 1.0;
        g = (struct ah_qgroup){.status = AH_QGROUP_OPEN, .size = 1,
                               .first_at = in->created_at, .last_at = in->created_at,
                               .created_at = cx->now, .updated_at = cx->now};
        rc = suggest_name(cx, &v, &d, in->subject, &g.name, err);
        if (!rc)
            rc = encode(cx, &v, &g.centroid, err);
        if (!rc)
            rc = ah_store_group_insert(cx->store, &g, err);
        if (!rc)
            rc = index_group(cx, g.id, &v, err);
    }
    place.group_id = g.id;
    place.score = score;
    if (!rc)
        rc = ah_store_group_ticket_put(cx->store, &place, err);
    if (!rc)
        rc = ah_store_group_week_add(cx->store, g.id, week_day, 1, err);
    return rc;
}

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One transaction of the grouper: up to want tickets; *got false when
 * another grouper has the turn. */
static enum ah_err run_batch(struct ah_ctx *cx, int want, int64_t *done, bool *got, bool *more,
                             double *per_ticket_us, struct ah_error *err)
{
    struct ah_policy pol;
    struct ah_qgroup_input *items = NULL;
    size_t n = 0;
    int64_t upto = 0, docs = 0;
    enum ah_err rc = ah_store_begin(cx->store, err);

    if (rc)
        return rc;
    rc = ah_store_group_turn(cx->store, false, got, &upto, &docs, err);
    if (!rc && *got)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc && *got)
        rc = ah_store_group_pending(cx->store, upto > LOOKBACK ? upto - LOOKBACK : 0, want,
                                    cx->arena, &items, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        double t0 = per_ticket_us ? now_us() : 0;

        rc = assign(cx, &pol, &items[i], &docs, err);
        if (items[i].ticket_id > upto)
            upto = items[i].ticket_id;
        if (per_ticket_us)
            per_ticket_us[*done + (int64_t)i] = now_us() - t0;
    }
    if (!rc && n)
        rc = ah_store_group_turn_end(cx->store, upto, docs, err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc) {
        *done += (int64_t)n;
        *more = n == (size_t)want;
    }
    return rc;
}

enum ah_err ah_groups_run(struct ah_ctx *cx, int limit, int64_t *done, double *per_ticket_us,
                          struct ah_error *err)
{
    enum ah_err rc = AH_OK;
    bool more = true, got = true;

    *done = 0;
    while (!rc && more && got && *done < limit) {
        struct ah_arena batch;
        struct ah_ctx bx = *cx;
        int want = limit - (int)*done < BATCH ? limit - (int)*done : BATCH;

        /* each batch's vectors die with it: a long run stays small */
        ah_arena_init(&batch);
        bx.arena = &batch;
        rc = run_batch(&bx, want, done, &got, &more, per_ticket_us, err);
        ah_arena_release(&batch);
    }
    return rc;
}

/* ---- reading ---- */

static enum ah_err fill_trends(struct ah_ctx *cx, struct ah_group_view *v, size_t n,
                               struct ah_error *err)
{
    struct ah_policy pol;
    struct ah_qgroup_week *w = NULL;
    size_t nw = 0;
    int64_t cur = 0, from, *ids;
    enum ah_err rc = ah_policy_read(cx, &pol, err);

    if (!rc)
        rc = week_of(&pol, cx->now, &cur, err);
    if (rc || !n)
        return rc;
    from = cur - 7 * (AH_GROUP_TREND_WEEKS - 1);
    ids = ah_arena_alloc(cx->arena, n * sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        ids[i] = v[i].g.id;
        memset(v[i].trend, 0, sizeof(v[i].trend));
        v[i].trend_from = from;
    }
    rc = ah_store_group_weeks(cx->store, ids, n, from, cur + 7, cx->arena, &w, &nw, err);
    for (size_t j = 0; !rc && j < nw; j++) {
        int64_t k = (w[j].week_day - from) / 7;

        if (k < 0 || k >= AH_GROUP_TREND_WEEKS)
            continue;
        for (size_t i = 0; i < n; i++)
            if (v[i].g.id == w[j].group_id)
                v[i].trend[k] += w[j].n;
    }
    return rc;
}

/* Groups are read after the grouper caught up with what was written. */
static void catch_up(struct ah_ctx *cx)
{
    int64_t done = 0;
    struct ah_error err;

    ah_groups_run(cx, 2000, &done, NULL, &err);
}

enum ah_err ah_groups_list(struct ah_ctx *cx, const struct ah_qgroup_filter *f,
                           struct ah_group_view **items, size_t *n, struct ah_error *err)
{
    struct ah_qgroup *g = NULL;
    struct ah_group_view *v;
    size_t ng = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_group_list(cx->store, f, cx->arena, &g, &ng, err);
    if (rc)
        return rc;
    v = ah_arena_alloc(cx->arena, (ng + 1) * sizeof(*v));
    for (size_t i = 0; i < ng; i++)
        v[i].g = g[i];
    rc = fill_trends(cx, v, ng, err);
    if (!rc) {
        *items = v;
        *n = ng;
    }
    return rc;
}

static enum ah_err load_one(struct ah_ctx *cx, int64_t id, struct ah_qgroup *out,
                            struct ah_error *err)
{
    enum ah_err rc = ah_store_group_load(cx->store, &id, 1, cx->arena, out, err);

    if (!rc && !out->id)
        return ah_error_set(err, AH_E_NOT_FOUND, "group %" PRId64 " does not exist", id);
    return rc;
}

static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; s && *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}

enum ah_err ah_groups_get(struct ah_ctx *cx, int64_t id, struct ah_group_detail *out,
                          struct ah_error *err)
{
    struct ah_group_detail d = {0};
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = load_one(cx, id, &d.v.g, err);
    if (!rc)
        rc = fill_trends(cx, &d.v, 1, err);
    if (!rc)
        rc = ah_store_group_answerers(cx->store, id, cx->arena, &d.answerers, &d.nanswerers,
                                      err);
    if (rc)
        return rc;
    d.departments = ah_arena_alloc(cx->arena, (d.nanswerers + 1) * sizeof(*d.departments));
    for (size_t i = 0; i < d.nanswerers; i++) {
        const struct ah_qgroup_answerer *a = &d.answerers[i];
        const char *dep = a->department && *a->department ? a->department : "(none)";
        size_t k = 0;

        while (k < d.ndepartments && strcasecmp(d.departments[k].department, dep) != 0)
            k++;
        if (k == d.ndepartments)
            d.departments[d.ndepartments++] = (struct ah_group_department){dep, 0, 0};
        d.departments[k].people++;
        d.departments[k].tickets += a->tickets;
        d.engineers += has_word(a->department, "engineer");
        d.sales += has_word(a->department, "sales");
        d.founders += a->leader;
    }
    *out = d;
    return AH_OK;
}

enum ah_err ah_groups_members(struct ah_ctx *cx, int64_t id, int64_t before_id, int limit,
                              struct ah_qgroup_member **items, size_t *n, struct ah_error *err)
{
    struct ah_qgroup g;
    struct ah_qgroup_member_filter f = {.max_tier = ah_perm_max_tier(cx),
                                        .before_id = before_id, .limit = limit};
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = load_one(cx, id, &g, err);
    return rc ? rc : ah_store_group_members(cx->store, id, &f, cx->arena, items, n, err);
}

enum ah_err ah_groups_similar(struct ah_ctx *cx, int64_t ticket_id,
                              struct ah_group_similar *out, struct ah_error *err)
{
    struct ah_group_similar s = {0};
    struct ah_ticket t;
    struct ah_policy pol;
    struct ah_qgroup_member_filter f = {.open_only = true, .max_tier = ah_perm_max_tier(cx),
                                        .exclude_id = ticket_id, .limit = 5};
    int64_t cur = 0, tweek = 0;
    enum ah_err rc = ah_ticket_peek(cx, ticket_id, &t, err);

    if (rc)
        return rc;
    rc = ah_store_group_ticket_get(cx->store, ticket_id, &s.place, err);
    if (rc == AH_E_NOT_FOUND) {
        catch_up(cx);
        rc = ah_store_group_ticket_get(cx->store, ticket_id, &s.place, err);
    }
    if (rc == AH_E_NOT_FOUND) {
        *out = s;
        return AH_OK;
    }
    s.grouped = true;
    if (!rc)
        rc = load_one(cx, s.place.group_id, &s.v.g, err);
    if (!rc)
        rc = fill_trends(cx, &s.v, 1, err);
    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = week_of(&pol, cx->now, &cur, err);
    if (!rc)
        rc = week_of(&pol, t.created_at, &tweek, err);
    if (!rc)
        rc = ah_store_group_members(cx->store, s.v.g.id, &f, cx->arena, &s.open, &s.nopen,
                                    err);
    if (rc)
        return rc;
    s.others_this_week = s.v.trend[AH_GROUP_TREND_WEEKS - 1] - (tweek == cur ? 1 : 0);
    if (s.others_this_week < 0)
        s.others_this_week = 0;
    s.others = s.v.g.size > 0 ? s.v.g.size - 1 : 0;
    *out = s;
    return AH_OK;
}

/* ---- pros and leads change groups ---- */

/* Starts a transaction holding the groups' turn (waiting for the grouper);
 * *docs: the documents counted in the terms' frequencies. */
static enum ah_err begin_turn(struct ah_ctx *cx, int64_t *docs, struct ah_error *err)
{
    bool got = false;
    int64_t upto;
    enum ah_err rc = ah_store_begin(cx->store, err);

    if (rc)
        return rc;
    rc = ah_store_group_turn(cx->store, true, &got, &upto, docs, err);
    if (!rc && !got)
        rc = ah_error_set(err, AH_E_UNAVAILABLE, "the groups are being changed; try again");
    if (rc)
        ah_store_rollback(cx->store);
    return rc;
}

static enum ah_err view_of(struct ah_ctx *cx, const struct ah_qgroup *g,
                           struct ah_group_view *out, struct ah_error *err)
{
    struct ah_group_view v = {.g = *g};
    enum ah_err rc = fill_trends(cx, &v, 1, err);

    if (!rc && out)
        *out = v;
    return rc;
}

enum ah_err ah_groups_update(struct ah_ctx *cx, int64_t id, const struct ah_group_patch *p,
                             struct ah_group_view *out, struct ah_error *err)
{
    struct ah_qgroup g;
    const char *before;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (rc)
        return rc;
    if (p->name.p) {
        struct ah_str name = ah_str_trim(p->name);

        if (!name.len)
            return ah_error_set(err, AH_E_INVALID, "name: must not be empty");
        if (ah_utf8_count(name.p, name.len) > AH_GROUP_NAME_MAX)
            return ah_error_set(err, AH_E_INVALID, "name: at most %d characters",
                                AH_GROUP_NAME_MAX);
    }
    if (p->status != -1 && p->status != AH_QGROUP_OPEN && p->status != AH_QGROUP_NOT_PRODUCT)
        return ah_error_set(err, AH_E_INVALID, "status: open or not_product_issue");
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = load_one(cx, id, &g, err);
    if (!rc && g.status == AH_QGROUP_MERGED)
        rc = ah_error_set(err, AH_E_CONFLICT, "group %" PRId64 " was merged into group %" PRId64
                          "; change that one", id, g.merged_into);
    if (!rc) {
        before = group_json(cx, &g);
        if (p->name.p) {
            struct ah_str name = ah_str_trim(p->name);

            g.name = ah_arena_strndup(cx->arena, name.p, name.len);
            g.named = true;
        }
        if (p->status != -1)
            g.status = (enum ah_qgroup_status)p->status;
        g.updated_at = cx->now;
        rc = ah_store_group_update(cx->store, &g, err);
        if (!rc)
            rc = ah_audit_record(cx, "group.update", ah_audit_target(cx, "group", id), before,
                                 group_json(cx, &g), err);
    }
    rc = ah_store_end(cx->store, rc, err);
    return rc ? rc : view_of(cx, &g, out, err);
}

enum ah_err ah_groups_merge(struct ah_ctx *cx, int64_t into, int64_t from,
                            struct ah_group_view *out, struct ah_error *err)
{
    struct ah_qgroup a, b;
    struct ah_tv_vec ca, cb;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (rc)
        return rc;
    if (into == from)
        return ah_error_set(err, AH_E_INVALID, "group_id: a group cannot be merged into itself");
    rc = begin_turn(cx, &(int64_t){0}, err);
    if (rc)
        return rc;
    rc = load_one(cx, into, &a, err);
    if (!rc)
        rc = load_one(cx, from, &b, err);
    if (!rc && (a.status == AH_QGROUP_MERGED || b.status == AH_QGROUP_MERGED))
        rc = ah_error_set(err, AH_E_CONFLICT, "group %" PRId64 " was already merged",
                          a.status == AH_QGROUP_MERGED ? into : from);
    if (!rc && ah_tv_decode(cx->arena, a.centroid, &ca, err) == AH_OK &&
        ah_tv_decode(cx->arena, b.centroid, &cb, err) == AH_OK)
        rc = merge_rows(cx, &a, &b, &ca, &cb, err);
    else if (!rc)
        rc = AH_E_INTERNAL;
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        rc = load_one(cx, into, &a, err);
    return rc ? rc : view_of(cx, &a, out, err);
}

enum ah_err ah_groups_move_ticket(struct ah_ctx *cx, int64_t ticket_id, int64_t to,
                                  struct ah_group_view *out, struct ah_error *err)
{
    struct ah_ticket t;
    struct ah_qgroup_ticket place;
    struct ah_qgroup from, dest = {0};
    struct ah_qgroup_input *in = NULL;
    struct ah_policy pol;
    struct ah_tv_doc d;
    struct ah_tv_vec v, cf, cd, nf, nd;
    int64_t docs = 0, week_day;
    char target[64];
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc)
        rc = ah_ticket_peek(cx, ticket_id, &t, err);
    if (rc)
        return rc;
    catch_up(cx);
    rc = begin_turn(cx, &docs, err);
    if (rc)
        return rc;
    rc = ah_store_group_ticket_get(cx->store, ticket_id, &place, err);
    if (!rc && place.group_id == to)
        rc = ah_error_set(err, AH_E_INVALID, "group_id: ticket %" PRId64 " is in group %"
                          PRId64 " already", ticket_id, to);
    if (!rc)
        rc = load_one(cx, place.group_id, &from, err);
    if (!rc && to)
        rc = load_one(cx, to, &dest, err);
    if (!rc && to && dest.status == AH_QGROUP_MERGED)
        rc = ah_error_set(err, AH_E_CONFLICT, "group %" PRId64 " was merged into group %"
                          PRId64 "; move the ticket there", to, dest.merged_into);
    if (!rc) {
        /* the text it was grouped by: its subject and first customer message */
        struct ah_message *m = NULL;
        size_t nm = 0;

        rc = ah_ticket_get(cx, ticket_id, &t, &m, &nm, err);
        in = ah_arena_alloc(cx->arena, sizeof(*in));
        in[0] = (struct ah_qgroup_input){.ticket_id = ticket_id, .subject = t.subject,
                                         .body = "", .created_at = t.created_at};
        for (size_t i = 0; !rc && i < nm; i++)
            if (m[i].kind == AH_MSG_CUSTOMER) {
                in[0].body = m[i].body;
                break;
            }
    }
    if (!rc)
        rc = vectorize(cx, &in[0], false, &docs, &d, &v, err);
    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = week_of(&pol, place.joined_at, &week_day, err);
    if (!rc && ah_tv_decode(cx->arena, from.centroid, &cf, err) == AH_OK) {
        ah_tv_add(cx->arena, &cf, &v, -1.0, CENTROID_MAX, &nf);
        rc = encode(cx, &nf, &from.centroid, err);
        from.size--;
        from.after_fix -= place.after_fix;
        from.updated_at = cx->now;
        if (!rc)
            rc = ah_store_group_update(cx->store, &from, err);
        if (!rc)
            rc = index_group(cx, from.id, &nf, err);
        if (!rc)
            rc = ah_store_group_week_add(cx->store, from.id, week_day, -1, err);
    } else if (!rc) {
        rc = AH_E_INTERNAL;
    }
    if (!rc && to) {
        if (ah_tv_decode(cx->arena, dest.centroid, &cd, err) == AH_OK) {
            ah_tv_add(cx->arena, &cd, &v, 1.0, CENTROID_MAX, &nd);
            rc = encode(cx, &nd, &dest.centroid, err);
            dest.size++;
            if (place.joined_at < dest.first_at || dest.size == 1)
                dest.first_at = place.joined_at;
            if (place.joined_at > dest.last_at)
                dest.last_at = place.joined_at;
            dest.updated_at = cx->now;
            if (!rc)
                rc = ah_store_group_update(cx->store, &dest, err);
        } else {
            rc = AH_E_INTERNAL;
        }
    } else if (!rc) {
        nd = v;
        /* named: a person made this group, the grouper will not fold it back */
        dest = (struct ah_qgroup){.status = AH_QGROUP_OPEN, .size = 1, .named = true,
                                  .first_at = place.joined_at, .last_at = place.joined_at,
                                  .created_at = cx->now, .updated_at = cx->now};
        rc = suggest_name(cx, &v, &d, in[0].subject, &dest.name, err);
        if (!rc)
            rc = encode(cx, &v, &dest.centroid, err);
        if (!rc)
            rc = ah_store_group_insert(cx->store, &dest, err);
    }
    if (!rc)
        rc = index_group(cx, dest.id, &nd, err);
    if (!rc)
        rc = ah_store_group_week_add(cx->store, dest.id, week_day, 1, err);
    if (!rc) {
        place.group_id = dest.id;
        place.after_fix = false;
        place.moved_by = cx->actor ? cx->actor->id : 0;
        rc = ah_store_group_ticket_put(cx->store, &place, err);
    }
    if (!rc) {
        char before[48], after[48];

        snprintf(target, sizeof(target), "ticket:%" PRId64, ticket_id);
        snprintf(before, sizeof(before), "{\"group_id\":%" PRId64 "}", from.id);
        snprintf(after, sizeof(after), "{\"group_id\":%" PRId64 "}", dest.id);
        rc = ah_audit_record(cx, "group.move_ticket", target, before, after, err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        rc = load_one(cx, dest.id, &dest, err);
    return rc ? rc : view_of(cx, &dest, out, err);
}

/* ---- fixes ---- */

static const char *fix_json(struct ah_ctx *cx, const struct ah_fix *f)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 4096);
    ah_jsonw_str(&b, "title", f->title, NULL);
    ah_jsonw_str(&b, "url", f->url, NULL);
    ah_jsonw_int(&b, "owner_id", f->owner_id, NULL);
    ah_jsonw_str(&b, "state", ah_fix_state_name(f->state), NULL);
    ah_jsonw_int(&b, "shipped_at", f->shipped_at, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

static enum ah_err check_url(struct ah_str url, struct ah_error *err)
{
    if (!url.len)
        return AH_OK;
    if (url.len > AH_FIX_URL_MAX || !ah_utf8_valid(url.p, url.len))
        return ah_error_set(err, AH_E_INVALID, "url: at most %d bytes of UTF-8",
                            AH_FIX_URL_MAX);
    if (!(url.len > 8 && strncmp(url.p, "https://", 8) == 0) &&
        !(url.len > 7 && strncmp(url.p, "http://", 7) == 0))
        return ah_error_set(err, AH_E_INVALID, "url: must start with https:// or http://");
    for (size_t i = 0; i < url.len; i++)
        if ((unsigned char)url.p[i] <= ' ')
            return ah_error_set(err, AH_E_INVALID, "url: must not contain spaces or controls");
    return AH_OK;
}

static enum ah_err check_title(struct ah_str title, struct ah_error *err)
{
    title = ah_str_trim(title);
    if (!title.len)
        return ah_error_set(err, AH_E_INVALID, "title: must not be empty");
    if (ah_utf8_count(title.p, title.len) > AH_FIX_TITLE_MAX)
        return ah_error_set(err, AH_E_INVALID, "title: at most %d characters",
                            AH_FIX_TITLE_MAX);
    return AH_OK;
}

static enum ah_err check_owner(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    struct ah_person p;
    enum ah_err rc = ah_store_person_get(cx->store, id, cx->arena, &p, err);

    if (rc == AH_E_NOT_FOUND || (!rc && !p.active))
        return ah_error_set(err, AH_E_INVALID, "owner_id: person %" PRId64
                            " does not exist or is not active", id);
    return rc;
}

enum ah_err ah_fix_link(struct ah_ctx *cx, int64_t group_id, const struct ah_fix_input *in,
                        struct ah_fix *out, struct ah_error *err)
{
    struct ah_qgroup g;
    struct ah_fix f = {0};
    const char *before;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc && !in->fix_id) {
        rc = check_title(in->title, err);
        if (!rc)
            rc = check_url(in->url, err);
        if (!rc && in->owner_id <= 0)
            rc = ah_error_set(err, AH_E_INVALID, "owner_id: who owns the fix is required");
    }
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = load_one(cx, group_id, &g, err);
    if (!rc && g.status == AH_QGROUP_MERGED)
        rc = ah_error_set(err, AH_E_CONFLICT, "group %" PRId64 " was merged into group %"
                          PRId64 "; link the fix there", group_id, g.merged_into);
    if (!rc && in->fix_id) {
        rc = ah_store_fix_get(cx->store, in->fix_id, cx->arena, &f, err);
        if (rc == AH_E_NOT_FOUND)
            rc = ah_error_set(err, AH_E_INVALID, "fix_id: fix %" PRId64 " does not exist",
                              in->fix_id);
    } else if (!rc) {
        struct ah_str title = ah_str_trim(in->title);

        rc = check_owner(cx, in->owner_id, err);
        f.title = ah_arena_strndup(cx->arena, title.p, title.len);
        f.url = in->url.p ? ah_arena_strndup(cx->arena, in->url.p, in->url.len) : "";
        f.owner_id = in->owner_id;
        f.state = AH_FIX_OPEN;
        f.created_by = cx->actor ? cx->actor->id : 0;
        f.created_at = f.updated_at = cx->now;
        if (!rc)
            rc = ah_store_fix_insert(cx->store, &f, err);
        if (!rc)
            rc = ah_audit_record(cx, "fix.create", ah_audit_target(cx, "fix", f.id), NULL,
                                 fix_json(cx, &f), err);
    }
    if (!rc) {
        before = group_json(cx, &g);
        g.fix_id = f.id;
        g.updated_at = cx->now;
        rc = ah_store_group_update(cx->store, &g, err);
        if (!rc)
            rc = ah_audit_record(cx, "group.link_fix", ah_audit_target(cx, "group", g.id),
                                 before, group_json(cx, &g), err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        rc = ah_store_fix_get(cx->store, f.id, cx->arena, out, err);
    return rc;
}

enum ah_err ah_fix_unlink(struct ah_ctx *cx, int64_t group_id, struct ah_error *err)
{
    struct ah_qgroup g;
    const char *before;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = load_one(cx, group_id, &g, err);
    if (!rc && !g.fix_id)
        rc = ah_error_set(err, AH_E_NOT_FOUND, "group %" PRId64 " has no fix", group_id);
    if (!rc) {
        before = group_json(cx, &g);
        g.fix_id = 0;
        g.updated_at = cx->now;
        rc = ah_store_group_update(cx->store, &g, err);
        if (!rc)
            rc = ah_audit_record(cx, "group.unlink_fix", ah_audit_target(cx, "group", g.id),
                                 before, group_json(cx, &g), err);
    }
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_fix_update(struct ah_ctx *cx, int64_t id, const struct ah_fix_patch *p,
                          struct ah_fix *out, struct ah_error *err)
{
    struct ah_fix f;
    const char *before;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && p->title.p)
        rc = check_title(p->title, err);
    if (!rc && p->url.p)
        rc = check_url(p->url, err);
    if (!rc && p->state != -1 && p->state != AH_FIX_OPEN && p->state != AH_FIX_SHIPPED)
        rc = ah_error_set(err, AH_E_INVALID, "state: open or shipped");
    if (!rc && p->shipped_at < 0)
        rc = ah_error_set(err, AH_E_INVALID, "shipped_at: must be a time");
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_fix_get(cx->store, id, cx->arena, &f, err);
    if (rc == AH_E_NOT_FOUND)
        rc = ah_error_set(err, AH_E_NOT_FOUND, "fix %" PRId64 " does not exist", id);
    if (!rc && !ah_perm_has(cx, AH_PERM_COACH) &&
        !(cx->actor && cx->actor->id == f.owner_id))
        rc = ah_error_set(err, AH_E_FORBIDDEN, "only the fix's owner, pros and leads change it");
    if (!rc && p->owner_id)
        rc = check_owner(cx, p->owner_id, err);
    if (!rc) {
        before = fix_json(cx, &f);
        if (p->title.p) {
            struct ah_str t = ah_str_trim(p->title);

            f.title = ah_arena_strndup(cx->arena, t.p, t.len);
        }
        if (p->url.p)
            f.url = ah_arena_strndup(cx->arena, p->url.p, p->url.len);
        if (p->owner_id)
            f.owner_id = p->owner_id;
        if (p->state == AH_FIX_SHIPPED && (f.state != AH_FIX_SHIPPED || p->shipped_at)) {
            f.shipped_at = p->shipped_at ? p->shipped_at : cx->now;
            f.state = AH_FIX_SHIPPED;
        } else if (p->state == AH_FIX_OPEN) {
            f.state = AH_FIX_OPEN;
            f.shipped_at = 0;
        }
        f.updated_at = cx->now;
        rc = ah_store_fix_update(cx->store, &f, err);
        if (!rc)
            rc = ah_audit_record(cx, "fix.update", ah_audit_target(cx, "fix", id), before,
                                 fix_json(cx, &f), err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        rc = ah_store_fix_get(cx->store, id, cx->arena, out, err);
    return rc;
}

static enum ah_err fix_groups(struct ah_ctx *cx, int64_t fix_id, struct ah_group_view **out,
                              size_t *n, struct ah_error *err)
{
    struct ah_qgroup_filter f = {.status = -1, .fix_id = fix_id, .limit = 200};

    return ah_groups_list(cx, &f, out, n, err);
}

enum ah_err ah_fix_get(struct ah_ctx *cx, int64_t id, struct ah_fix *out,
                       struct ah_group_view **groups, size_t *ngroups, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_fix_get(cx->store, id, cx->arena, out, err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "fix %" PRId64 " does not exist", id);
    return rc ? rc : fix_groups(cx, id, groups, ngroups, err);
}

enum ah_err ah_fix_list(struct ah_ctx *cx, int64_t owner_id, struct ah_fix **fixes, size_t *n,
                        struct ah_group_view **groups, size_t **owner_of, size_t *ngroups,
                        struct ah_error *err)
{
    struct ah_fix *f = NULL;
    size_t nf = 0, total = 0, cap = 16;
    struct ah_group_view *all = ah_arena_alloc(cx->arena, cap * sizeof(*all));
    size_t *of = ah_arena_alloc(cx->arena, cap * sizeof(*of));
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_fix_list(cx->store, owner_id, cx->arena, &f, &nf, err);
    for (size_t i = 0; !rc && i < nf; i++) {
        struct ah_group_view *g = NULL;
        size_t ng = 0;

        rc = fix_groups(cx, f[i].id, &g, &ng, err);
        if (!rc && total + ng > cap) {
            struct ah_group_view *a2;
            size_t *o2;

            while (total + ng > cap)
                cap *= 2;
            a2 = ah_arena_alloc(cx->arena, cap * sizeof(*a2));
            o2 = ah_arena_alloc(cx->arena, cap * sizeof(*o2));
            memcpy(a2, all, total * sizeof(*all));
            memcpy(o2, of, total * sizeof(*of));
            all = a2;
            of = o2;
        }
        for (size_t j = 0; !rc && j < ng; j++) {
            all[total] = g[j];
            of[total++] = i;
        }
    }
    if (rc)
        return rc;
    *fixes = f;
    *n = nf;
    *groups = all;
    *owner_of = of;
    *ngroups = total;
    return AH_OK;
}
