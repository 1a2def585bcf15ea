/* digest.c - the weekly program digest (see digest.h). */
#include "domain/digest.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bizhours.h"
#include "core/limits.h"
#include "core/svg.h"
#include "core/tz.h"
#include "domain/kudos.h"
#include "domain/mail.h"
#include "domain/perm.h"
#include "domain/report.h"
#include "domain/routeback.h"

#define WEEK_MS (7 * 86400000LL)
#define DAY_MS 86400000LL

static bool may_read(const struct ah_ctx *cx)
{
    return cx->system || ah_perm_has(cx, AH_PERM_PROGRAM) || (cx->actor && cx->actor->leader);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int64_t ah_digest_percentile(int64_t *v, size_t n, double p)
{
    size_t rank;

    if (!n)
        return 0;
    qsort(v, n, sizeof(*v), cmp_i64);
    rank = (size_t)ceil(p * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

/* ---- departments ---- */

struct depts {
    struct ah_digest_department *d;
    size_t n, cap;
    struct ah_arena *a;
};

static struct ah_digest_department *dept(struct depts *ds, const char *name)
{
    if (!name || !*name)
        name = "No department";
    for (size_t i = 0; i < ds->n; i++)
        if (strcmp(ds->d[i].department, name) == 0)
            return &ds->d[i];
    if (ds->n == ds->cap) {
        size_t cap = ds->cap ? ds->cap * 2 : 16;
        struct ah_digest_department *d = ah_arena_alloc(ds->a, cap * sizeof(*d));

        if (ds->n)
            memcpy(d, ds->d, ds->n * sizeof(*d));
        ds->d = d;
        ds->cap = cap;
    }
    ds->d[ds->n] = (struct ah_digest_department){.department = name};
    return &ds->d[ds->n++];
}

static int by_department(const void *x, const void *y)
{
    const struct ah_digest_department *a = x, *b = y;

    return strcmp(a->department, b->department);
}

/* ---- people, by id ---- */

static int person_by_id(const void *x, const void *y)
{
    const struct ah_report_person *a = x, *b = y;

    return (a->person.id > b->person.id) - (a->person.id < b->person.id);
}

static const struct ah_person *find_person(const struct ah_report *rep, int64_t id)
{
    struct ah_report_person key = {.person = {.id = id}};
    const struct ah_report_person *p = bsearch(&key, rep->people, rep->npeople,
                                               sizeof(*rep->people), person_by_id);

    return p ? &p->person : NULL;
}

/* ---- the figures ---- */

/* The week year-Www, or the one that ended last. */
static enum ah_err week_of(struct ah_ctx *cx, const struct ah_policy *pol, int year, int week,
                           struct ah_week *out, struct ah_error *err)
{
    struct ah_week now;
    enum ah_err rc;

    if (year)
        return ah_week_get(pol, NULL, year, week, out, err);
    rc = ah_week_at(pol, NULL, cx->now, &now, err);
    return rc ? rc : ah_week_fill(pol, NULL, now.first_day - 7, out, err);
}

static int64_t elapsed(const struct ah_policy *pol, const struct ah_tz *z, int64_t from,
                       int64_t to)
{
    if (to <= from)
        return 0;
    if (pol->business_days && z && pol->business_start < pol->business_end)
        return ah_business_ms(z, pol->business_days, pol->business_start, pol->business_end,
                              from, to);
    return to - from;
}

struct pair {
    int64_t ticket;
    int member;
};

static int by_ticket(const void *x, const void *y)
{
    const struct pair *a = x, *b = y;

    if (a->ticket != b->ticket)
        return (a->ticket > b->ticket) - (a->ticket < b->ticket);
    return a->member - b->member;
}

/* Replies of the week: who wrote them, which tickets members answered. */
static enum ah_err who_answered(struct ah_ctx *cx, const struct ah_report *rep,
                                struct ah_digest *d, struct depts *ds, struct ah_error *err)
{
    struct ah_authored *m = NULL;
    struct pair *p;
    size_t n = 0, np = 0;
    enum ah_err rc = ah_store_authored_list(cx->store, d->week.start, d->week.end, 10000000,
                                            cx->arena, &m, &n, err);

    if (rc)
        return rc;
    p = ah_arena_alloc(cx->arena, (n + 1) * sizeof(*p));
    for (size_t i = 0; i < n; i++) {
        const struct ah_person *who;
        struct ah_digest_department *dp;
        bool member;

        if (m[i].kind != AH_MSG_REPLY)
            continue;
        who = find_person(rep, m[i].author_id);
        member = who && who->role == AH_ROLE_MEMBER;
        dp = dept(ds, who ? who->department : NULL);
        d->replies++;
        dp->replies++;
        if (member) {
            d->member_replies++;
            dp->member_replies++;
        }
        p[np++] = (struct pair){m[i].ticket_id, member};
    }
    qsort(p, np, sizeof(*p), by_ticket);
    for (size_t i = 0; i < np; i++) {
        bool first = i == 0 || p[i].ticket != p[i - 1].ticket;

        d->tickets_answered += first;
        /* sorted members last within a ticket: count the ticket once if any */
        if ((i + 1 == np || p[i + 1].ticket != p[i].ticket) && p[i].member)
            d->answered_by_members++;
    }
    return AH_OK;
}

/* First responses and solutions of the week: medians and 90th percentiles,
 * overall and by department. */
static enum ah_err health(struct ah_ctx *cx, const struct ah_policy *pol, struct ah_digest *d,
                          struct depts *ds, struct ah_error *err)
{
    struct ah_digest_timing *r = NULL, *s = NULL;
    size_t nr = 0, ns = 0;
    const struct ah_tz *z = NULL;
    struct ah_error zerr;
    int64_t *all, *one;
    enum ah_err rc = ah_store_digest_responses(cx->store, d->week.start, d->week.end, cx->arena,
                                               &r, &nr, err);

    if (!rc)
        rc = ah_store_digest_solved(cx->store, d->week.start, d->week.end, cx->arena, &s, &ns,
                                    err);
    if (!rc)
        rc = ah_store_digest_breaches(cx->store, d->week.start, d->week.end, cx->now,
                                      &d->breaches, err);
    if (!rc)
        rc = ah_store_digest_backlog(cx->store, cx->now < d->week.end ? cx->now : d->week.end,
                                     &d->backlog, err);
    if (rc)
        return rc;
    if (pol->business_days)
        z = ah_tz_get(pol->timezone, &zerr);
    d->business_hours = z != NULL;
    /* every department first: the rows must not move while they are filled */
    for (size_t i = 0; i < nr; i++)
        dept(ds, r[i].department);
    for (size_t i = 0; i < ns; i++)
        dept(ds, s[i].department);
    all = ah_arena_alloc(cx->arena, (nr + ns + 1) * sizeof(*all));
    one = ah_arena_alloc(cx->arena, (nr + ns + 1) * sizeof(*one));
    for (size_t i = 0; i < nr; i++)
        all[i] = elapsed(pol, z, r[i].created_at, r[i].at);
    d->responses = (int64_t)nr;
    for (size_t k = 0; k < ds->n; k++) {
        size_t m = 0;

        for (size_t i = 0; i < nr; i++)
            if (dept(ds, r[i].department) == &ds->d[k])
                one[m++] = all[i];
        ds->d[k].responses = (int64_t)m;
        ds->d[k].fr_median_ms = ah_digest_percentile(one, m, 0.5);
        ds->d[k].fr_p90_ms = ah_digest_percentile(one, m, 0.9);
    }
    d->fr_median_ms = ah_digest_percentile(all, nr, 0.5);
    d->fr_p90_ms = ah_digest_percentile(all, nr, 0.9);
    for (size_t i = 0; i < ns; i++)
        all[i] = elapsed(pol, z, s[i].created_at, s[i].at);
    d->solved = (int64_t)ns;
    for (size_t k = 0; k < ds->n; k++) {
        size_t m = 0;

        for (size_t i = 0; i < ns; i++)
            if (dept(ds, s[i].department) == &ds->d[k])
                one[m++] = all[i];
        ds->d[k].solved = (int64_t)m;
        ds->d[k].res_median_ms = ah_digest_percentile(one, m, 0.5);
        ds->d[k].res_p90_ms = ah_digest_percentile(one, m, 0.9);
    }
    d->res_median_ms = ah_digest_percentile(all, ns, 0.5);
    d->res_p90_ms = ah_digest_percentile(all, ns, 0.9);
    return AH_OK;
}

static int by_hits(const void *x, const void *y)
{
    const struct ah_digest_style *a = x, *b = y;

    if (a->hits != b->hits)
        return a->hits < b->hits ? 1 : -1;
    return strcmp(a->rule, b->rule);
}

static enum ah_err style(struct ah_ctx *cx, struct ah_digest *d, struct ah_error *err)
{
    struct ah_style_hit_row *h = NULL;
    struct ah_style_rule *rules = NULL;
    size_t nh = 0, nrules = 0;
    enum ah_err rc = ah_store_style_hits_sum(cx->store, d->week.first_day, d->week.first_day + 6,
                                             cx->arena, &h, &nh, err);

    if (!rc)
        rc = ah_store_style_rule_list(cx->store, true, cx->arena, &rules, &nrules, err);
    if (rc)
        return rc;
    d->style = ah_arena_alloc(cx->arena, (nrules + 1) * sizeof(*d->style));
    for (size_t i = 0; i < nh; i++) {
        const char *name = NULL;
        size_t k = 0;

        for (size_t j = 0; j < nrules && !name; j++)
            if (rules[j].id == h[i].rule_id)
                name = rules[j].name;
        if (!name)
            continue;
        while (k < d->nstyle && strcmp(d->style[k].rule, name) != 0)
            k++;
        if (k == d->nstyle)
            d->style[d->nstyle++] = (struct ah_digest_style){name, 0, 0};
        d->style[k].hits += h[i].hits;
        d->style[k].overrides += h[i].overrides;
    }
    qsort(d->style, d->nstyle, sizeof(*d->style), by_hits);
    return AH_OK;
}

/* The week's top questions with their trends up to this week, and the
 * tickets that came after a fix shipped. */
static enum ah_err questions(struct ah_ctx *cx, struct ah_digest *d, struct ah_error *err)
{
    struct ah_qgroup_week *top = NULL, *w = NULL;
    struct ah_after_fix_count *af = NULL;
    size_t ntop = 0, nw = 0, naf = 0;
    int64_t from = d->week.first_day - 7 * (AH_GROUP_TREND_WEEKS - 1), *ids;
    struct ah_qgroup *g;
    enum ah_err rc = ah_store_group_top_week(cx->store, d->week.first_day, AH_DIGEST_TOP,
                                             cx->arena, &top, &ntop, err);

    if (!rc)
        rc = ah_store_after_fix_counts(cx->store, d->week.start, d->week.end, cx->arena, &af,
                                       &naf, err);
    if (rc)
        return rc;
    ids = ah_arena_alloc(cx->arena, (ntop + naf + 1) * sizeof(*ids));
    for (size_t i = 0; i < ntop; i++)
        ids[i] = top[i].group_id;
    for (size_t i = 0; i < naf; i++)
        ids[ntop + i] = af[i].group_id;
    g = ah_arena_alloc(cx->arena, (ntop + naf + 1) * sizeof(*g));
    rc = ah_store_group_load(cx->store, ids, ntop + naf, cx->arena, g, err);
    if (!rc && ntop)
        rc = ah_store_group_weeks(cx->store, ids, ntop, from, d->week.first_day + 7, cx->arena,
                                  &w, &nw, err);
    if (rc)
        return rc;
    d->questions = ah_arena_alloc(cx->arena, (ntop + 1) * sizeof(*d->questions));
    for (size_t i = 0; i < ntop; i++) {
        struct ah_digest_question *q = &d->questions[d->nquestions++];

        memset(q, 0, sizeof(*q));
        q->v.g = g[i];
        q->v.trend_from = from;
        q->this_week = top[i].n;
        for (size_t j = 0; j < nw; j++) {
            int64_t k = (w[j].week_day - from) / 7;

            if (w[j].group_id == ids[i] && k >= 0 && k < AH_GROUP_TREND_WEEKS)
                q->v.trend[k] += w[j].n;
        }
        for (size_t j = 0; j < naf; j++)
            if (af[j].group_id == ids[i])
                q->after_fix = af[j].tickets;
    }
    d->regressions = ah_arena_alloc(cx->arena, (naf + 1) * sizeof(*d->regressions));
    for (size_t i = 0; i < naf; i++) {
        const struct ah_qgroup *x = &g[ntop + i];

        d->regressions[d->nregressions++] = (struct ah_digest_regression){
            .group_id = af[i].group_id, .group = x->name ? x->name : "",
            .fix_id = x->fix.id, .fix = x->fix.id ? x->fix.title : "",
            .owner = x->fix.id && x->fix.owner_name ? x->fix.owner_name : "",
            .tickets = af[i].tickets};
        d->after_fix += af[i].tickets;
    }
    return AH_OK;
}

static enum ah_err launches(struct ah_ctx *cx, struct ah_digest *d, struct ah_error *err)
{
    struct ah_launch *l = NULL;
    size_t n = 0;
    enum ah_err rc = ah_store_launch_list(cx->store, d->week.first_day, d->week.first_day + 7,
                                          cx->arena, &l, &n, err);

    d->launches = ah_arena_alloc(cx->arena, (n + 1) * sizeof(*d->launches));
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t from, to, total = 0;
        const char *tags[AH_MAX_TAGS];
        size_t nt = 0;
        struct ah_ticket_brief *none;
        size_t nnone;

        for (const char *p = l[i].tags; *p && nt < AH_MAX_TAGS;) {
            size_t k = strcspn(p, " ");

            if (k)
                tags[nt++] = ah_arena_strndup(cx->arena, p, k);
            p += k + (p[k] == ' ');
        }
        rc = ah_launch_window(cx, l[i].launch_day, &from, &to, err);
        if (!rc)
            rc = ah_store_tagged_tickets(cx->store, tags, nt, from, to, 0, cx->arena, &total,
                                         &none, &nnone, err);
        if (!rc)
            d->launches[d->nlaunches++] = (struct ah_digest_launch){l[i], total};
    }
    return rc;
}

enum ah_err ah_digest_week(struct ah_ctx *cx, int year, int week, struct ah_digest *out,
                           struct ah_error *err)
{
    struct ah_digest d = {0};
    struct ah_policy pol;
    struct ah_week w;
    struct ah_report rep;
    struct ah_ctx sx = *cx;
    struct depts ds = {.a = cx->arena};
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !may_read(cx))
        rc = ah_error_set(err, AH_E_FORBIDDEN, "the digest is for leads and the company's "
                                               "leaders");
    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = week_of(cx, &pol, year, week, &w, err);
    if (rc)
        return rc;
    /* the parts read what the digest's reader may read as a whole */
    sx.system = true;
    d.week = (struct ah_week_span){.start = w.start_ms, .end = w.end_ms,
                                   .first_day = w.first_day};
    memcpy(d.week.label, w.label, sizeof(d.week.label));
    d.timezone = pol.timezone;
    d.in_progress = cx->now < w.end_ms;
    rc = ah_report_compliance(&sx, w.iso_year, w.iso_week, &rep, err);
    if (rc)
        return rc;
    d.required = rep.required;
    d.met = rep.met;
    d.behind = rep.behind;
    d.exempt = rep.exempt;
    for (size_t i = 0; i < rep.ndepartments; i++) {
        struct ah_digest_department *dp = dept(&ds, rep.departments[i].name);

        dp->required = rep.departments[i].required;
        dp->met = rep.departments[i].met;
    }
    for (size_t i = 0; i < rep.npeople; i++) {
        struct ah_digest_department *dp = dept(&ds, rep.people[i].person.department);

        dp->people++;
        dp->worked_ms += rep.people[i].ledger.worked_ms;
        d.worked_ms += rep.people[i].ledger.worked_ms;
    }
    qsort(rep.people, rep.npeople, sizeof(*rep.people), person_by_id);
    rc = who_answered(cx, &rep, &d, &ds, err);
    if (!rc)
        rc = ah_store_review_outcomes(cx->store, w.start_ms, w.end_ms, &d.reviews, err);
    if (!rc)
        rc = style(cx, &d, err);
    if (!rc)
        rc = questions(cx, &d, err);
    if (!rc)
        rc = ah_intake_report(&sx, w.iso_year, w.iso_week, &d.escalations, err);
    if (!rc)
        rc = ah_route_back_counts(&sx, w.start_ms, w.end_ms, &d.route_backs, &d.nroute_backs,
                                  err);
    if (!rc)
        rc = launches(cx, &d, err);
    if (!rc)
        rc = ah_store_kudos_list(cx->store, 0, w.start_ms, w.end_ms, 0, AH_DIGEST_TOP,
                                 cx->arena, &d.kudos, &d.nkudos, err);
    if (!rc)
        rc = health(cx, &pol, &d, &ds, err);
    if (rc)
        return rc;
    qsort(ds.d, ds.n, sizeof(*ds.d), by_department);
    d.departments = ds.d;
    d.ndepartments = ds.n;
    *out = d;
    return AH_OK;
}

/* ---- CSV ---- */

const char *const ah_digest_tables[] = {"summary", "departments", "questions", "regressions",
                                        "escalations", "route_backs", "launches", "kudos",
                                        "style"};
const size_t ah_digest_ntables = sizeof(ah_digest_tables) / sizeof(ah_digest_tables[0]);

/* A CSV field: quoted when it holds a comma, quote or line break; a leading
 * = + - @ is prefixed with ' so a spreadsheet does not run it. */
static void csv_str(struct ah_buf *b, const char *s, bool last)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;

    if (quote)
        ah_buf_appends(b, "\"", NULL);
    if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
        ah_buf_appends(b, "'", NULL);
    for (const char *p = s; *p; p++) {
        ah_buf_append(b, p, 1, NULL);
        if (*p == '"')
            ah_buf_append(b, "\"", 1, NULL); /* "" inside quotes */
    }
    if (quote)
        ah_buf_appends(b, "\"", NULL);
    ah_buf_appends(b, last ? "\r\n" : ",", NULL);
}

static void csv_int(struct ah_buf *b, int64_t v, bool last)
{
    ah_buf_appendf(b, NULL, "%" PRId64 "%s", v, last ? "\r\n" : ",");
}

static void csv_seconds(struct ah_buf *b, int64_t ms, bool last)
{
    csv_int(b, ms / 1000, last);
}

static void csv_row(struct ah_buf *b, const char *key, int64_t v)
{
    csv_str(b, key, false);
    csv_int(b, v, true);
}

enum ah_err ah_digest_csv(const struct ah_digest *d, const char *table, struct ah_buf *out,
                          struct ah_error *err)
{
    if (strcmp(table, "summary") == 0) {
        ah_buf_appends(out, "figure,value\r\n", NULL);
        csv_str(out, "week", false);
        csv_str(out, d->week.label, true);
        csv_row(out, "required", d->required);
        csv_row(out, "met", d->met);
        csv_row(out, "behind", d->behind);
        csv_row(out, "exempt", d->exempt);
        csv_row(out, "worked_minutes", d->worked_ms / 60000);
        csv_row(out, "tickets_answered", d->tickets_answered);
        csv_row(out, "answered_by_members", d->answered_by_members);
        csv_row(out, "replies", d->replies);
        csv_row(out, "member_replies", d->member_replies);
        csv_row(out, "reviews_approved", d->reviews.approved);
        csv_row(out, "reviews_edited", d->reviews.edited);
        csv_row(out, "reviews_returned", d->reviews.returned);
        csv_row(out, "after_fix", d->after_fix);
        csv_row(out, "escalations", d->escalations.filed);
        csv_row(out, "escalations_urgent", d->escalations.urgent);
        csv_row(out, "responses", d->responses);
        csv_row(out, "first_response_median_s", d->fr_median_ms / 1000);
        csv_row(out, "first_response_p90_s", d->fr_p90_ms / 1000);
        csv_row(out, "solved", d->solved);
        csv_row(out, "resolution_median_s", d->res_median_ms / 1000);
        csv_row(out, "resolution_p90_s", d->res_p90_ms / 1000);
        csv_row(out, "first_response_due", d->breaches.first_due);
        csv_row(out, "first_response_missed", d->breaches.first_missed);
        csv_row(out, "resolution_due", d->breaches.resolve_due);
        csv_row(out, "resolution_missed", d->breaches.resolve_missed);
        for (int t = 0; t < 2; t++)
            for (int a = 0; a < AH_BACKLOG_AGES; a++) {
                static const char *const ages[] = {"under_1d", "1d_3d", "3d_7d", "7d_plus"};
                char key[48];

                snprintf(key, sizeof(key), "backlog_tier%d_%s", t + 1, ages[a]);
                csv_row(out, key, d->backlog.tickets[t][a]);
            }
    } else if (strcmp(table, "departments") == 0) {
        ah_buf_appends(out, "department,people,required,met,worked_minutes,replies,"
                            "member_replies,responses,first_response_median_s,"
                            "first_response_p90_s,solved,resolution_median_s,"
                            "resolution_p90_s\r\n", NULL);
        for (size_t i = 0; i < d->ndepartments; i++) {
            const struct ah_digest_department *x = &d->departments[i];

            csv_str(out, x->department, false);
            csv_int(out, x->people, false);
            csv_int(out, x->required, false);
            csv_int(out, x->met, false);
            csv_int(out, x->worked_ms / 60000, false);
            csv_int(out, x->replies, false);
            csv_int(out, x->member_replies, false);
            csv_int(out, x->responses, false);
            csv_seconds(out, x->fr_median_ms, false);
            csv_seconds(out, x->fr_p90_ms, false);
            csv_int(out, x->solved, false);
            csv_seconds(out, x->res_median_ms, false);
            csv_seconds(out, x->res_p90_ms, true);
        }
    } else if (strcmp(table, "questions") == 0) {
        ah_buf_appends(out, "group_id,question,this_week,after_fix,size,fix,fix_state\r\n",
                       NULL);
        for (size_t i = 0; i < d->nquestions; i++) {
            const struct ah_digest_question *q = &d->questions[i];

            csv_int(out, q->v.g.id, false);
            csv_str(out, q->v.g.name, false);
            csv_int(out, q->this_week, false);
            csv_int(out, q->after_fix, false);
            csv_int(out, q->v.g.size, false);
            csv_str(out, q->v.g.fix.id ? q->v.g.fix.title : "", false);
            csv_str(out, q->v.g.fix.id ? ah_fix_state_name(q->v.g.fix.state) : "", true);
        }
    } else if (strcmp(table, "regressions") == 0) {
        ah_buf_appends(out, "group_id,question,fix_id,fix,owner,tickets\r\n", NULL);
        for (size_t i = 0; i < d->nregressions; i++) {
            const struct ah_digest_regression *r = &d->regressions[i];

            csv_int(out, r->group_id, false);
            csv_str(out, r->group, false);
            csv_int(out, r->fix_id, false);
            csv_str(out, r->fix, false);
            csv_str(out, r->owner, false);
            csv_int(out, r->tickets, true);
        }
    } else if (strcmp(table, "escalations") == 0) {
        ah_buf_appends(out, "person_id,name,department,filed,urgent\r\n", NULL);
        for (size_t i = 0; i < d->escalations.nfilers; i++) {
            const struct ah_intake_count *c = &d->escalations.by_filer[i];

            csv_int(out, c->filer_id, false);
            csv_str(out, c->name, false);
            csv_str(out, c->department, false);
            csv_int(out, c->filed, false);
            csv_int(out, c->urgent, true);
        }
    } else if (strcmp(table, "route_backs") == 0) {
        ah_buf_appends(out, "department,promises,changes\r\n", NULL);
        for (size_t i = 0; i < d->nroute_backs; i++) {
            csv_str(out, d->route_backs[i].department, false);
            csv_int(out, d->route_backs[i].promises, false);
            csv_int(out, d->route_backs[i].changes, true);
        }
    } else if (strcmp(table, "launches") == 0) {
        ah_buf_appends(out, "launch_id,title,day,readiness,tags,tickets_week_after\r\n", NULL);
        for (size_t i = 0; i < d->nlaunches; i++) {
            const struct ah_digest_launch *l = &d->launches[i];
            char day[16];
            int y, m, dd;

            ah_civil_from_days(l->l.launch_day, &y, &m, &dd);
            snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, dd);
            csv_int(out, l->l.id, false);
            csv_str(out, l->l.title, false);
            csv_str(out, day, false);
            csv_str(out, ah_readiness_name(l->l.readiness), false);
            csv_str(out, l->l.tags, false);
            csv_int(out, l->cost, true);
        }
    } else if (strcmp(table, "kudos") == 0) {
        ah_buf_appends(out, "kudos_id,ticket_id,person,giver,from_customer,text,quote\r\n",
                       NULL);
        for (size_t i = 0; i < d->nkudos; i++) {
            const struct ah_kudos *k = &d->kudos[i];

            csv_int(out, k->id, false);
            csv_int(out, k->ticket_id, false);
            csv_str(out, k->person_name ? k->person_name : "", false);
            csv_str(out, k->giver_name ? k->giver_name : "", false);
            csv_int(out, k->from_customer, false);
            csv_str(out, k->text, false);
            csv_str(out, k->quote, true);
        }
    } else if (strcmp(table, "style") == 0) {
        ah_buf_appends(out, "rule,hits,overrides\r\n", NULL);
        for (size_t i = 0; i < d->nstyle; i++) {
            csv_str(out, d->style[i].rule, false);
            csv_int(out, d->style[i].hits, false);
            csv_int(out, d->style[i].overrides, true);
        }
    } else {
        return ah_error_set(err, AH_E_NOT_FOUND, "the digest has no table %.40s", table);
    }
    return AH_OK;
}

/* ---- charts ---- */

const char *const ah_digest_charts[] = {"questions", "trends", "backlog", "departments",
                                        "escalations"};
const size_t ah_digest_ncharts = sizeof(ah_digest_charts) / sizeof(ah_digest_charts[0]);

static const char *week_label(struct ah_arena *a, int64_t day)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[16];
    int y, m, d;

    ah_civil_from_days(day, &y, &m, &d);
    snprintf(buf, sizeof(buf), "%s %d", months[(m - 1) % 12], d);
    return ah_arena_strdup(a, buf);
}

enum ah_err ah_digest_svg(const struct ah_digest *d, const char *chart, struct ah_buf *out,
                          struct ah_error *err)
{
    struct ah_arena a;
    struct ah_svg_chart c = {.integer = true, .value_labels = true};
    enum ah_err rc;

    ah_arena_init(&a);
    if (strcmp(chart, "questions") == 0) {
        const char **labels = ah_arena_alloc(&a, (d->nquestions + 1) * sizeof(*labels));
        double *v = ah_arena_alloc(&a, (d->nquestions + 1) * sizeof(*v));
        struct ah_svg_series s = {"tickets", v, d->nquestions};

        for (size_t i = 0; i < d->nquestions; i++) {
            labels[i] = d->questions[i].v.g.name;
            v[i] = (double)d->questions[i].this_week;
        }
        c.title = "Top repeated questions this week";
        c.desc = "Tickets this week for each of the most asked questions";
        c.labels = labels;
        c.nlabels = d->nquestions;
        c.series = &s;
        c.nseries = 1;
        c.unit = "tickets";
        c.horizontal = true;
        rc = ah_svg_bar(&c, out, err);
    } else if (strcmp(chart, "trends") == 0) {
        size_t ns = d->nquestions < 5 ? d->nquestions : 5;
        const char **labels = ah_arena_alloc(&a, AH_GROUP_TREND_WEEKS * sizeof(*labels));
        struct ah_svg_series *s = ah_arena_alloc(&a, (ns + 1) * sizeof(*s));

        for (int k = 0; k < AH_GROUP_TREND_WEEKS; k++)
            labels[k] = week_label(&a, d->week.first_day - 7 * (AH_GROUP_TREND_WEEKS - 1 - k));
        for (size_t i = 0; i < ns; i++) {
            double *v = ah_arena_alloc(&a, AH_GROUP_TREND_WEEKS * sizeof(*v));

            for (int k = 0; k < AH_GROUP_TREND_WEEKS; k++)
                v[k] = (double)d->questions[i].v.trend[k];
            s[i] = (struct ah_svg_series){d->questions[i].v.g.name, v, AH_GROUP_TREND_WEEKS};
        }
        c.title = "Top questions, tickets a week";
        c.desc = "The eight weeks up to this one for the five most asked questions";
        c.labels = labels;
        c.nlabels = AH_GROUP_TREND_WEEKS;
        c.series = s;
        c.nseries = ns;
        c.unit = "tickets";
        rc = ah_svg_line(&c, out, err);
    } else if (strcmp(chart, "backlog") == 0) {
        static const char *const labels[] = {
            "tier 1, under a day", "tier 1, 1-3 days", "tier 1, 3-7 days", "tier 1, a week+",
            "tier 2, under a day", "tier 2, 1-3 days", "tier 2, 3-7 days", "tier 2, a week+"};
        double v[2 * AH_BACKLOG_AGES];
        struct ah_svg_series s = {"open tickets", v, 2 * AH_BACKLOG_AGES};

        for (int k = 0; k < AH_BACKLOG_AGES; k++) {
            v[k] = (double)d->backlog.tickets[0][k];
            v[AH_BACKLOG_AGES + k] = (double)d->backlog.tickets[1][k];
        }
        c.title = "Open tickets by tier and age";
        c.desc = "Tickets not yet solved, by tier and by how long they have waited";
        c.labels = labels;
        c.nlabels = 2 * AH_BACKLOG_AGES;
        c.series = &s;
        c.nseries = 1;
        c.unit = "tickets";
        c.horizontal = true;
        rc = ah_svg_bar(&c, out, err);
    } else if (strcmp(chart, "departments") == 0) {
        const char **labels = ah_arena_alloc(&a, (d->ndepartments + 1) * sizeof(*labels));
        double *all = ah_arena_alloc(&a, (d->ndepartments + 1) * sizeof(*all));
        struct ah_svg_series s = {"replies", all, d->ndepartments};

        for (size_t i = 0; i < d->ndepartments; i++) {
            labels[i] = d->departments[i].department;
            all[i] = (double)d->departments[i].replies;
        }
        c.title = "Replies by department";
        c.desc = "Replies written this week by the people of each department";
        c.labels = labels;
        c.nlabels = d->ndepartments;
        c.series = &s;
        c.nseries = 1;
        c.unit = "replies";
        c.horizontal = true;
        rc = ah_svg_bar(&c, out, err);
    } else if (strcmp(chart, "escalations") == 0) {
        size_t n = d->escalations.ndepartments;
        const char **labels = ah_arena_alloc(&a, (n + 1) * sizeof(*labels));
        double *f = ah_arena_alloc(&a, (n + 1) * sizeof(*f));
        struct ah_svg_series s = {"escalations", f, n};

        for (size_t i = 0; i < n; i++) {
            labels[i] = *d->escalations.by_department[i].department
                            ? d->escalations.by_department[i].department
                            : "No department";
            f[i] = (double)d->escalations.by_department[i].filed;
        }
        c.title = "Escalations by department";
        c.desc = "Escalations colleagues filed this week, by the filer's department";
        c.labels = labels;
        c.nlabels = n;
        c.series = &s;
        c.nseries = 1;
        c.unit = "escalations";
        c.horizontal = true;
        rc = ah_svg_bar(&c, out, err);
    } else {
        rc = ah_error_set(err, AH_E_NOT_FOUND, "the digest has no chart %.40s", chart);
    }
    ah_arena_release(&a);
    return rc;
}

/* ---- the page and the mail ---- */

static void h(struct ah_buf *b, const char *text)
{
    ah_svg_escape(b, text ? text : "");
}

static void h_int(struct ah_buf *b, int64_t v)
{
    ah_buf_appendf(b, NULL, "%" PRId64, v);
}

static void h_share(struct ah_buf *b, int64_t part, int64_t whole)
{
    if (whole)
        ah_buf_appendf(b, NULL, "%" PRId64 "%%", (part * 100 + whole / 2) / whole);
    else
        ah_buf_appends(b, "-", NULL);
}

static void h_duration(struct ah_buf *b, int64_t ms, int64_t n)
{
    if (!n)
        ah_buf_appends(b, "-", NULL);
    else if (ms < 3600000)
        ah_buf_appendf(b, NULL, "%" PRId64 " min", (ms + 30000) / 60000);
    else
        ah_buf_appendf(b, NULL, "%.1f h", (double)ms / 3600000.0);
}

static void h_chart(struct ah_buf *b, const struct ah_digest *d, const char *name)
{
    struct ah_buf svg;
    struct ah_error err;
    struct ah_str s;

    ah_buf_init(&svg, 512 * 1024);
    if (ah_digest_svg(d, name, &svg, &err) == AH_OK) {
        s = ah_buf_str(&svg);
        /* inline: skip the XML declaration a standalone file carries */
        if (s.len > 5 && strncmp(s.p, "<?xml", 5) == 0) {
            const char *gt = memchr(s.p, '>', s.len);

            if (gt) {
                s.len -= (size_t)(gt + 1 - s.p);
                s.p = gt + 1;
            }
        }
        ah_buf_appends(b, "<div class=\"chart\">", NULL);
        ah_buf_append(b, s.p, s.len, NULL);
        ah_buf_appends(b, "</div>\n", NULL);
    }
    ah_buf_release(&svg);
}

static void h_row(struct ah_buf *b, const char *label, int64_t v)
{
    ah_buf_appends(b, "<tr><th scope=\"row\">", NULL);
    h(b, label);
    ah_buf_appends(b, "</th><td>", NULL);
    h_int(b, v);
    ah_buf_appends(b, "</td></tr>\n", NULL);
}

enum ah_err ah_digest_html(const struct ah_digest *d, struct ah_buf *out, struct ah_error *err)
{
    struct ah_buf *b = out;

    ah_buf_appends(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<title>allhands digest ", NULL);
    h(b, d->week.label);
    ah_buf_appends(b, "</title><style>body{font-family:Helvetica,Arial,sans-serif;color:#111;"
                      "max-width:720px;margin:0 auto;padding:16px;line-height:1.4}"
                      "table{border-collapse:collapse;margin:8px 0 16px}"
                      "th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}"
                      "td{text-align:right}h2{margin-top:28px}"
                      "blockquote{border-left:3px solid #999;margin:8px 0;padding:4px 12px}"
                      "</style></head><body>\n<h1>The week in support: ", NULL);
    h(b, d->week.label);
    ah_buf_appends(b, "</h1>\n", NULL);
    if (d->in_progress)
        ah_buf_appends(b, "<p>This week is not over yet: the figures are so far.</p>\n", NULL);
    ah_buf_appends(b, "<h2>The program</h2><table>", NULL);
    h_row(b, "People required this week", d->required);
    h_row(b, "Met their hours", d->met);
    h_row(b, "Behind", d->behind);
    h_row(b, "Exempt", d->exempt);
    h_row(b, "Hours worked in the queue", d->worked_ms / 3600000);
    ah_buf_appends(b, "</table><p>Totality: ", NULL);
    h_share(b, d->met, d->required);
    ah_buf_appends(b, " of the people required met their hours.</p>\n<h2>Who answered</h2>"
                      "<table>", NULL);
    h_row(b, "Tickets answered", d->tickets_answered);
    h_row(b, "Answered by members", d->answered_by_members);
    h_row(b, "Replies", d->replies);
    h_row(b, "Replies by members", d->member_replies);
    h_row(b, "Reviews approved as written", d->reviews.approved);
    h_row(b, "Reviews approved with edits", d->reviews.edited);
    h_row(b, "Reviews returned", d->reviews.returned);
    ah_buf_appends(b, "</table>\n", NULL);
    h_chart(b, d, "departments");
    if (d->nstyle) {
        ah_buf_appends(b, "<h3>Style rules hit</h3><table><tr><th>Rule</th><th>Hits</th>"
                          "<th>Sent anyway</th></tr>", NULL);
        for (size_t i = 0; i < d->nstyle && i < AH_DIGEST_TOP; i++) {
            ah_buf_appends(b, "<tr><th scope=\"row\">", NULL);
            h(b, d->style[i].rule);
            ah_buf_appends(b, "</th><td>", NULL);
            h_int(b, d->style[i].hits);
            ah_buf_appends(b, "</td><td>", NULL);
            h_int(b, d->style[i].overrides);
            ah_buf_appends(b, "</td></tr>", NULL);
        }
        ah_buf_appends(b, "</table>\n", NULL);
    }
    ah_buf_appends(b, "<h2>Repeated questions</h2>\n", NULL);
    if (!d->nquestions)
        ah_buf_appends(b, "<p>No tickets this week.</p>\n", NULL);
    else {
        h_chart(b, d, "questions");
        h_chart(b, d, "trends");
        ah_buf_appends(b, "<table><tr><th>Question</th><th>This week</th><th>Fix</th></tr>",
                       NULL);
        for (size_t i = 0; i < d->nquestions; i++) {
            const struct ah_digest_question *q = &d->questions[i];

            ah_buf_appends(b, "<tr><th scope=\"row\">", NULL);
            h(b, q->v.g.name);
            ah_buf_appends(b, "</th><td>", NULL);
            h_int(b, q->this_week);
            ah_buf_appends(b, "</td><td>", NULL);
            if (q->v.g.fix.id) {
                h(b, q->v.g.fix.title);
                ah_buf_appends(b, q->v.g.fix.state == AH_FIX_SHIPPED ? " (shipped)" : " (open)",
                               NULL);
            } else {
                ah_buf_appends(b, "-", NULL);
            }
            ah_buf_appends(b, "</td></tr>", NULL);
        }
        ah_buf_appends(b, "</table>\n", NULL);
    }
    if (d->nregressions) {
        ah_buf_appends(b, "<h3>Still asked after the fix shipped</h3><table><tr><th>Question"
                          "</th><th>Fix</th><th>Owner</th><th>Tickets</th></tr>", NULL);
        for (size_t i = 0; i < d->nregressions; i++) {
            ah_buf_appends(b, "<tr><th scope=\"row\">", NULL);
            h(b, d->regressions[i].group);
            ah_buf_appends(b, "</th><td>", NULL);
            h(b, d->regressions[i].fix);
            ah_buf_appends(b, "</td><td>", NULL);
            h(b, d->regressions[i].owner);
            ah_buf_appends(b, "</td><td>", NULL);
            h_int(b, d->regressions[i].tickets);
            ah_buf_appends(b, "</td></tr>", NULL);
        }
        ah_buf_appends(b, "</table>\n", NULL);
    }
    ah_buf_appends(b, "<h2>Escalations, route-backs and launches</h2><table>", NULL);
    h_row(b, "Escalations filed by colleagues", d->escalations.filed);
    h_row(b, "... that support made urgent", d->escalations.urgent);
    ah_buf_appends(b, "</table>\n", NULL);
    if (d->escalations.ndepartments)
        h_chart(b, d, "escalations");
    if (d->nroute_backs) {
        ah_buf_appends(b, "<table><tr><th>Routed back to</th><th>Promises</th><th>Changes</th>"
                          "</tr>", NULL);
        for (size_t i = 0; i < d->nroute_backs; i++) {
            ah_buf_appends(b, "<tr><th scope=\"row\">", NULL);
            h(b, *d->route_backs[i].department ? d->route_backs[i].department : "No department");
            ah_buf_appends(b, "</th><td>", NULL);
            h_int(b, d->route_backs[i].promises);
            ah_buf_appends(b, "</td><td>", NULL);
            h_int(b, d->route_backs[i].changes);
            ah_buf_appends(b, "</td></tr>", NULL);
        }
        ah_buf_appends(b, "</table>\n", NULL);
    }
    for (size_t i = 0; i < d->nlaunches; i++) {
        ah_buf_appends(b, "<p><strong>Launched: ", NULL);
        h(b, d->launches[i].l.title);
        ah_buf_appends(b, "</strong> - ", NULL);
        h_int(b, d->launches[i].cost);
        ah_buf_appends(b, " tickets with its tags in the week after; support said ", NULL);
        h(b, ah_readiness_name(d->launches[i].l.readiness));
        ah_buf_appends(b, ".</p>\n", NULL);
    }
    if (d->nkudos) {
        ah_buf_appends(b, "<h2>Kudos</h2>\n", NULL);
        for (size_t i = 0; i < d->nkudos; i++) {
            ah_buf_appends(b, "<blockquote><p>", NULL);
            h(b, d->kudos[i].text);
            ah_buf_appends(b, "</p><p>- for ", NULL);
            h(b, d->kudos[i].person_name);
            ah_buf_appends(b, d->kudos[i].from_customer ? ", from a customer" : ", from ", NULL);
            if (!d->kudos[i].from_customer)
                h(b, d->kudos[i].giver_name);
            ah_buf_appends(b, "</p></blockquote>\n", NULL);
        }
    }
    ah_buf_appends(b, "<h2>Queue health</h2><table>", NULL);
    ah_buf_appends(b, "<tr><th scope=\"row\">First response, median / 90th percentile</th><td>",
                   NULL);
    h_duration(b, d->fr_median_ms, d->responses);
    ah_buf_appends(b, " / ", NULL);
    h_duration(b, d->fr_p90_ms, d->responses);
    ah_buf_appends(b, "</td></tr><tr><th scope=\"row\">Resolution, median / 90th percentile"
                      "</th><td>", NULL);
    h_duration(b, d->res_median_ms, d->solved);
    ah_buf_appends(b, " / ", NULL);
    h_duration(b, d->res_p90_ms, d->solved);
    ah_buf_appends(b, "</td></tr>", NULL);
    h_row(b, "First-response deadlines missed", d->breaches.first_missed);
    h_row(b, "Resolution deadlines missed", d->breaches.resolve_missed);
    ah_buf_appends(b, "</table><p>", NULL);
    ah_buf_appends(b, d->business_hours ? "Times are in business hours." :
                                          "Times are wall-clock hours.", NULL);
    ah_buf_appends(b, "</p>\n", NULL);
    h_chart(b, d, "backlog");
    ah_buf_appends(b, "</body></html>\n", NULL);
    (void)err;
    return AH_OK;
}

enum ah_err ah_digest_text(const struct ah_digest *d, struct ah_buf *out, struct ah_error *err)
{
    (void)err;
    ah_buf_appendf(out, NULL, "The week in support: %s%s\n\n", d->week.label,
                   d->in_progress ? " (so far)" : "");
    ah_buf_appendf(out, NULL, "The program: %" PRId64 " of %" PRId64 " people met their hours"
                   " (%" PRId64 " behind, %" PRId64 " exempt); %" PRId64 " hours in the queue.\n",
                   d->met, d->required, d->behind, d->exempt, d->worked_ms / 3600000);
    ah_buf_appendf(out, NULL, "Who answered: %" PRId64 " tickets, %" PRId64 " of them by members;"
                   " %" PRId64 " replies, %" PRId64 " by members.\n",
                   d->tickets_answered, d->answered_by_members, d->replies, d->member_replies);
    ah_buf_appendf(out, NULL, "Reviews: %" PRId64 " approved, %" PRId64 " edited, %" PRId64
                   " returned.\n", d->reviews.approved, d->reviews.edited, d->reviews.returned);
    if (d->nquestions) {
        ah_buf_appends(out, "\nRepeated questions this week:\n", NULL);
        for (size_t i = 0; i < d->nquestions; i++)
            ah_buf_appendf(out, NULL, "  %4" PRId64 "  %s%s\n", d->questions[i].this_week,
                           d->questions[i].v.g.name,
                           d->questions[i].v.g.fix.id ? " (a fix is linked)" : "");
    }
    if (d->after_fix)
        ah_buf_appendf(out, NULL, "Asked again after a fix shipped: %" PRId64 " tickets.\n",
                       d->after_fix);
    ah_buf_appendf(out, NULL, "\nEscalations filed: %" PRId64 " (%" PRId64 " made urgent).\n",
                   d->escalations.filed, d->escalations.urgent);
    for (size_t i = 0; i < d->nkudos; i++)
        ah_buf_appendf(out, NULL, "Kudos for %s: \"%s\"\n",
                       d->kudos[i].person_name ? d->kudos[i].person_name : "",
                       d->kudos[i].text);
    ah_buf_appendf(out, NULL, "\nQueue health: %" PRId64 " first responses, %" PRId64
                   " solved; %" PRId64 " first-response and %" PRId64
                   " resolution deadlines missed.\n", d->responses, d->solved,
                   d->breaches.first_missed, d->breaches.resolve_missed);
    return AH_OK;
}

/* ---- subscribing and sending ---- */

enum ah_err ah_digest_subscription(struct ah_ctx *cx, bool *subscribed, struct ah_error *err)
{
    bool set = false;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_digest_subscription_get(cx->store, cx->actor->id, &set, subscribed, err);
    if (!rc && !set)
        *subscribed = cx->actor->role == AH_ROLE_LEAD || cx->actor->leader;
    return rc;
}

enum ah_err ah_digest_subscribe(struct ah_ctx *cx, bool subscribed, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !may_read(cx))
        rc = ah_error_set(err, AH_E_FORBIDDEN, "the digest is for leads and the company's "
                                               "leaders");
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (!rc)
        rc = ah_store_end(cx->store,
                          ah_store_digest_subscription_put(cx->store, cx->actor->id, subscribed,
                                                           cx->now, err),
                          err);
    return rc;
}

enum ah_err ah_digest_send_due(struct ah_ctx *cx, int64_t *last_sent, int64_t *sent,
                               struct ah_error *err)
{
    const struct ah_mail_settings *ms = cx->settings ? cx->settings->mail : NULL;
    struct ah_policy pol;
    struct ah_week now, last;
    struct ah_digest d;
    struct ah_digest_subscriber *to = NULL;
    struct ah_buf html, text;
    size_t n = 0;
    bool first = false;
    char subject[64];
    enum ah_err rc;

    *sent = 0;
    if (!ms || !ms->address)
        return AH_OK;
    rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = ah_week_at(&pol, NULL, cx->now, &now, err);
    if (!rc)
        rc = ah_week_fill(&pol, NULL, now.first_day - 7, &last, err);
    if (rc || *last_sent == last.first_day)
        return rc;
    {
        /* a week that ended before the company's first person came is not
         * the program's: nothing to tell */
        struct ah_person *first_person = NULL;
        size_t np = 0;

        rc = ah_store_person_list(cx->store, 0, 1, cx->arena, &first_person, &np, err);
        if (rc)
            return rc;
        if (!np || first_person[0].created_at >= last.end_ms) {
            *last_sent = last.first_day;
            return AH_OK;
        }
    }
    /* composed before the claim: a write transaction is not held that long */
    rc = ah_digest_week(cx, last.iso_year, last.iso_week, &d, err);
    ah_buf_init(&html, 8 * 1024 * 1024);
    ah_buf_init(&text, 1024 * 1024);
    if (!rc)
        rc = ah_digest_html(&d, &html, err);
    if (!rc)
        rc = ah_digest_text(&d, &text, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc) {
        ah_buf_release(&html);
        ah_buf_release(&text);
        return rc;
    }
    rc = ah_store_digest_claim(cx->store, last.first_day, cx->now, &first, err);
    if (!rc && first)
        rc = ah_store_digest_subscribers(cx->store, cx->arena, &to, &n, err);
    snprintf(subject, sizeof(subject), "The week in support: %s", d.week.label);
    for (size_t i = 0; !rc && first && i < n; i++)
        rc = ah_mail_queue_digest(cx, to[i].email, to[i].name, subject, ah_buf_cstr(&text),
                                  ah_buf_cstr(&html), err);
    if (!rc && first)
        rc = ah_store_digest_done(cx->store, last.first_day, (int64_t)n, err);
    ah_buf_release(&html);
    ah_buf_release(&text);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc) {
        *sent = (int64_t)n;
        *last_sent = last.first_day; /* by this server or another */
    }
    return rc;
}
