/* report.c - the compliance report, the ladder, coverage, the inbox and
 * webhooks (see report.h). A report reads each kind of row once for the whole
 * company (sessions, blocks, exemptions and messages of the week) and sorts
 * them out per person in memory: per-person queries would be 5,000 of each. */
#include "domain/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/httpc.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/time.h"
#include "core/tz.h"
#include "domain/audit.h"
#include "domain/perm.h"

#define DAY_MS (86400 * 1000LL)
#define HOUR_MS (3600 * 1000LL)
/* the most rows of one kind a week's report reads */
#define ROWS_MAX 5000000
#define PEOPLE_MAX 1000000
/* a delivery in flight is not taken again for this long */
#define DELIVERY_LEASE_MS (60 * 1000)
/* the upkeep sends a few a round, and stops a round at a receiver that hangs:
 * it also expires leases and ends idle sessions, which must not wait long */
#define DELIVERIES_PER_ROUND 8
#define SLOW_FAILURE_US (2 * 1000 * 1000)
#define BACKOFF_FIRST_MS (10 * 1000)
#define BACKOFF_MAX_MS (3600 * 1000)

/* ---- building a week's results ---- */

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int by_author_ticket(const void *x, const void *y)
{
    const struct ah_authored *a = x, *b = y;
    int c = cmp_i64(a->author_id, b->author_id);

    return c ? c : cmp_i64(a->ticket_id, b->ticket_id);
}

/* The index of the person with id in people (sorted by id), or -1. */
static long find_person(const struct ah_person *people, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (people[mid].id < id)
            lo = mid + 1;
        else if (people[mid].id > id)
            hi = mid;
        else
            return (long)mid;
    }
    return -1;
}

/* Rows of one kind, grouped by person: first[i] .. first[i + 1] index the
 * rows of people[i] in order[]. */
struct groups {
    size_t *first; /* npeople + 1 */
    size_t *order;
};

static void group(struct ah_arena *a, const struct ah_person *people, size_t np,
                  const void *rows, size_t n, size_t size, size_t person_off, struct groups *g)
{
    size_t *count = ah_arena_alloc(a, (np + 1) * sizeof(*count));
    long *who = ah_arena_alloc(a, (n ? n : 1) * sizeof(*who));

    memset(count, 0, (np + 1) * sizeof(*count));
    for (size_t i = 0; i < n; i++) {
        int64_t id;

        memcpy(&id, (const char *)rows + i * size + person_off, sizeof(id));
        who[i] = find_person(people, np, id);
        if (who[i] >= 0)
            count[who[i] + 1]++;
    }
    for (size_t i = 0; i < np; i++)
        count[i + 1] += count[i];
    g->first = count;
    g->order = ah_arena_alloc(a, (n ? n : 1) * sizeof(*g->order));
    {
        size_t *fill = ah_arena_alloc(a, (np + 1) * sizeof(*fill));

        memcpy(fill, count, (np + 1) * sizeof(*fill));
        for (size_t i = 0; i < n; i++)
            if (who[i] >= 0)
                g->order[fill[who[i]]++] = i;
    }
}

/* Gathers the g-rows of person i into a contiguous array of the row type. */
static void *gather(struct ah_arena *a, const struct groups *g, size_t i, const void *rows,
                    size_t size, size_t *n)
{
    size_t k = g->first[i + 1] - g->first[i];
    char *out = ah_arena_alloc(a, (k ? k : 1) * size);

    for (size_t j = 0; j < k; j++)
        memcpy(out + j * size, (const char *)rows + g->order[g->first[i] + j] * size, size);
    *n = k;
    return out;
}

static enum ah_week_status status_of(const struct ah_ledger_week *l)
{
    if (l->required_min > 0)
        return l->met ? AH_WEEK_MET : AH_WEEK_BEHIND;
    return l->exempt_days > 0 && l->enrolled_days > 0 ? AH_WEEK_EXEMPT : AH_WEEK_NOT_REQUIRED;
}

/* Everyone's results for the week whose first day is week_day, each in their
 * own zone; the streak of a behind person builds on the week before (its
 * stored results, or computed back at most depth weeks). people are all of
 * the company by id; out[i] answers people[i]. */
static enum ah_err build(struct ah_ctx *cx, const struct ah_policy *pol,
                         const struct ah_person *people, size_t np, int64_t week_day, int depth,
                         struct ah_report_person *out, struct ah_error *err)
{
    struct ah_exemption *ex;
    struct ah_work_session *ws;
    struct ah_block *bl;
    struct ah_authored *msg;
    struct ah_support_week *sw = NULL;
    struct ah_week *weeks = ah_arena_alloc(cx->arena, (np ? np : 1) * sizeof(*weeks));
    size_t nex = 0, nws = 0, nbl = 0, nmsg = 0, nsw = 0, nesc = 0;
    struct ah_person_count *esc = NULL;
    struct ah_week org;
    struct groups gex, gws, gbl, gmsg, gsw;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    bool any_behind = false;
    enum ah_err rc = AH_OK;

    for (size_t i = 0; !rc && i < np; i++) {
        /* a company has a few zones: each week is worked out once per zone */
        size_t j = i < 8 ? 0 : i - 8;

        while (j < i && strcmp(people[j].timezone, people[i].timezone) != 0)
            j++;
        if (j < i)
            weeks[i] = weeks[j];
        else
            rc = ah_week_fill(pol, people[i].timezone, week_day, &weeks[i], err);
        lo = !rc && weeks[i].start_ms < lo ? weeks[i].start_ms : lo;
        hi = !rc && weeks[i].end_ms > hi ? weeks[i].end_ms : hi;
    }
    if (rc || np == 0)
        return rc;
    rc = ah_store_exemption_list(cx->store, 0, week_day, week_day + 6, cx->arena, &ex, &nex,
                                 err);
    if (!rc)
        rc = ah_store_work_spans(cx->store, lo, hi, ROWS_MAX, cx->arena, &ws, &nws, err);
    if (!rc)
        rc = ah_store_block_list(cx->store, 0, lo, hi, ROWS_MAX, cx->arena, &bl, &nbl, err);
    if (!rc)
        rc = ah_store_authored_list(cx->store, lo, hi, ROWS_MAX, cx->arena, &msg, &nmsg, err);
    if (!rc && pol->cadence == AH_CADENCE_YEARLY)
        rc = ah_store_support_week_list(cx->store, 0, week_day, week_day, cx->arena, &sw, &nsw,
                                        err);
    /* escalations count in the organization's week: a good sign, reported */
    if (!rc)
        rc = ah_week_fill(pol, NULL, week_day, &org, err);
    if (!rc)
        rc = ah_store_escalation_counts(cx->store, 0, org.start_ms, org.end_ms, cx->arena, &esc,
                                        &nesc, err);
    if (rc)
        return rc;
    group(cx->arena, people, np, sw, nsw, sizeof(*sw),
          offsetof(struct ah_support_week, person_id), &gsw);
    group(cx->arena, people, np, ex, nex, sizeof(*ex), offsetof(struct ah_exemption, person_id),
          &gex);
    group(cx->arena, people, np, ws, nws, sizeof(*ws),
          offsetof(struct ah_work_session, person_id), &gws);
    group(cx->arena, people, np, bl, nbl, sizeof(*bl), offsetof(struct ah_block, person_id),
          &gbl);
    qsort(msg, nmsg, sizeof(*msg), by_author_ticket);
    group(cx->arena, people, np, msg, nmsg, sizeof(*msg),
          offsetof(struct ah_authored, author_id), &gmsg);
    for (size_t i = 0; i < np; i++) {
        struct ah_report_person *r = &out[i];
        size_t k1, k2, k3;
        const struct ah_exemption *pe = gather(cx->arena, &gex, i, ex, sizeof(*ex), &k1);
        const struct ah_work_session *pw = gather(cx->arena, &gws, i, ws, sizeof(*ws), &k2);
        const struct ah_block *pb = gather(cx->arena, &gbl, i, bl, sizeof(*bl), &k3);
        int64_t last_ticket = 0;

        memset(r, 0, sizeof(*r));
        r->person = people[i];
        ah_ledger_fill(&people[i], pol, &weeks[i], gsw.first[i + 1] > gsw.first[i], pe, k1, pw,
                       k2, pb, k3, &r->ledger);
        /* sorted by ticket: distinct tickets are changes of ticket */
        for (size_t j = gmsg.first[i]; j < gmsg.first[i + 1]; j++) {
            const struct ah_authored *m = &msg[gmsg.order[j]];

            if (m->created_at < weeks[i].start_ms || m->created_at >= weeks[i].end_ms ||
                m->kind == AH_MSG_CUSTOMER)
                continue;
            r->ledger.replies += m->kind == AH_MSG_REPLY;
            r->ledger.tickets += m->ticket_id != last_ticket;
            last_ticket = m->ticket_id;
        }
        for (size_t j = 0; j < nesc; j++)
            if (esc[j].person_id == people[i].id)
                r->ledger.escalations = esc[j].n;
        r->status = status_of(&r->ledger);
        r->exemption = k1 ? &pe[0] : NULL;
        r->weeks_behind = r->status == AH_WEEK_BEHIND;
        any_behind |= r->status == AH_WEEK_BEHIND;
    }
    if (!any_behind)
        return AH_OK;
    {
        /* the streaks: the week before's stored results, or worked out */
        struct ah_compliance_row *prev;
        size_t nprev = 0;

        rc = ah_store_compliance_get(cx->store, week_day - 7, cx->arena, &prev, &nprev, err);
        if (!rc && nprev) {
            for (size_t j = 0; j < nprev; j++) {
                long i = find_person(people, np, prev[j].person_id);

                if (i >= 0 && out[i].status == AH_WEEK_BEHIND)
                    out[i].weeks_behind = prev[j].streak + 1;
            }
        } else if (!rc && depth > 0) {
            struct ah_report_person *before = ah_arena_alloc(cx->arena, np * sizeof(*before));

            rc = build(cx, pol, people, np, week_day - 7, depth - 1, before, err);
            for (size_t i = 0; !rc && i < np; i++)
                if (out[i].status == AH_WEEK_BEHIND && before[i].status == AH_WEEK_BEHIND)
                    out[i].weeks_behind = before[i].weeks_behind + 1;
        }
    }
    return rc;
}

static const char *ladder_step(const struct ah_policy *pol, int64_t weeks_behind)
{
    if (weeks_behind >= pol->ladder_report)
        return "leadership_report";
    if (weeks_behind >= pol->ladder_manager)
        return "manager";
    if (weeks_behind >= pol->ladder_remind)
        return "reminder";
    return NULL;
}

/* The first day of the organization's week that ended last. */
static enum ah_err last_closed_week(struct ah_ctx *cx, const struct ah_policy *pol,
                                    int64_t *day, struct ah_error *err)
{
    struct ah_week w;
    enum ah_err rc = ah_week_at(pol, NULL, cx->now, &w, err);

    if (!rc)
        *day = w.first_day - 7;
    return rc;
}

static enum ah_err all_people(struct ah_ctx *cx, struct ah_person **people, size_t *n,
                              struct ah_error *err)
{
    return ah_store_person_list(cx->store, 0, PEOPLE_MAX, cx->arena, people, n, err);
}

/* ---- the report ---- */

static int by_leaders_then_department(const void *x, const void *y)
{
    const struct ah_report_person *a = x, *b = y;
    int c;

    if (a->person.leader != b->person.leader)
        return a->person.leader ? -1 : 1;
    c = strcmp(a->person.department, b->person.department);
    if (c)
        return c;
    c = strcmp(a->person.name, b->person.name);
    return c ? c : cmp_i64(a->person.id, b->person.id);
}

static void count_into(struct ah_report_rollup *r, enum ah_week_status s)
{
    r->required += s == AH_WEEK_MET || s == AH_WEEK_BEHIND;
    r->met += s == AH_WEEK_MET;
    r->behind += s == AH_WEEK_BEHIND;
    r->exempt += s == AH_WEEK_EXEMPT;
}

/* The roll-up named key in *list (grown in a), added if new. */
static struct ah_report_rollup *rollup(struct ah_arena *a, struct ah_report_rollup **list,
                                       size_t *n, size_t *cap, const char *name, int64_t mid)
{
    for (size_t i = 0; i < *n; i++)
        if ((*list)[i].manager_id == mid && strcmp((*list)[i].name, name) == 0)
            return &(*list)[i];
    if (*n == *cap) {
        struct ah_report_rollup *bigger;

        *cap = *cap ? *cap * 2 : 16;
        bigger = ah_arena_alloc(a, *cap * sizeof(*bigger));
        if (*n)
            memcpy(bigger, *list, *n * sizeof(*bigger));
        *list = bigger;
    }
    memset(&(*list)[*n], 0, sizeof(**list));
    (*list)[*n].name = name;
    (*list)[*n].manager_id = mid;
    return &(*list)[(*n)++];
}

enum ah_err ah_report_compliance(struct ah_ctx *cx, int iso_year, int iso_week,
                                 struct ah_report *out, struct ah_error *err)
{
    struct ah_policy pol;
    struct ah_person *people;
    size_t np = 0, kept = 0, cap_d = 0, cap_m = 0;
    int64_t day = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->system && !ah_perm_has(cx, AH_PERM_PROGRAM) && !cx->actor->leader)
        rc = ah_error_set(err, AH_E_FORBIDDEN,
                          "the compliance report is for leads and the company's leaders");
    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    if (iso_year)
        rc = ah_week_get(&pol, NULL, iso_year, iso_week, &out->week, err);
    else if (!(rc = last_closed_week(cx, &pol, &day, err)))
        rc = ah_week_fill(&pol, NULL, day, &out->week, err);
    if (!rc)
        rc = all_people(cx, &people, &np, err);
    if (rc)
        return rc;
    out->people = ah_arena_alloc(cx->arena, (np ? np : 1) * sizeof(*out->people));
    rc = build(cx, &pol, people, np, out->week.first_day, (int)pol.ladder_report, out->people,
               err);
    if (!rc && pol.cadence == AH_CADENCE_YEARLY) {
        /* each person's support weeks of the year: booked against asked */
        struct ah_support_week *sw;
        struct groups g;
        size_t nsw = 0;
        int y, m, d;

        ah_civil_from_days(out->week.first_day, &y, &m, &d);
        rc = ah_store_support_week_list(cx->store, 0, ah_days_from_civil(y, 1, 1) - 6,
                                        ah_days_from_civil(y, 12, 31), cx->arena, &sw, &nsw, err);
        if (!rc)
            group(cx->arena, people, np, sw, nsw, sizeof(*sw),
                  offsetof(struct ah_support_week, person_id), &g);
        for (size_t i = 0; !rc && i < np; i++) {
            size_t k;
            const struct ah_support_week *mine = gather(cx->arena, &g, i, sw, sizeof(*sw), &k);

            out->people[i].yearly = true;
            ah_support_year_fill(&people[i], &pol, y, mine, k, &out->people[i].support);
        }
    }
    if (rc)
        return rc;
    out->in_progress = out->week.end_ms > cx->now;
    out->timezone = pol.timezone;
    for (size_t i = 0; i < np; i++) {
        struct ah_report_person *r = &out->people[i];
        const char *manager = "(no manager)";
        long m;

        if (!r->person.active)
            continue;
        r->ladder = r->status == AH_WEEK_BEHIND && !out->in_progress
                        ? ladder_step(&pol, r->weeks_behind)
                        : NULL;
        count_into(rollup(cx->arena, &out->departments, &out->ndepartments, &cap_d,
                          r->person.department[0] ? r->person.department : "(none)", 0),
                   r->status);
        m = r->person.manager_id ? find_person(people, np, r->person.manager_id) : -1;
        if (m >= 0)
            manager = people[m].name;
        count_into(rollup(cx->arena, &out->managers, &out->nmanagers, &cap_m, manager,
                          r->person.manager_id),
                   r->status);
        out->required += r->status == AH_WEEK_MET || r->status == AH_WEEK_BEHIND;
        out->met += r->status == AH_WEEK_MET;
        out->behind += r->status == AH_WEEK_BEHIND;
        out->exempt += r->status == AH_WEEK_EXEMPT;
        out->people[kept++] = *r;
    }
    out->npeople = kept;
    qsort(out->people, kept, sizeof(*out->people), by_leaders_then_department);
    return AH_OK;
}

/* ---- the ladder ---- */

/* The first week of r's run of weeks behind: what a step of the ladder is
 * kept once for. */
static int64_t streak_start(const struct ah_week *w, const struct ah_report_person *r)
{
    return w->first_day - 7 * (r->weeks_behind > 1 ? r->weeks_behind - 1 : 0);
}

static const char *event_json(struct ah_ctx *cx, const char *type, const struct ah_week *w,
                              const struct ah_report_person *r, int64_t notification_id)
{
    struct ah_buf b;
    const char *out;
    char id[96];

    snprintf(id, sizeof(id), "evt_%s_%" PRId64 "_%" PRId64, type, streak_start(w, r),
             r->person.id);
    ah_buf_init(&b, 8192);
    ah_jsonw_str(&b, "id", id, NULL);
    ah_jsonw_str(&b, "type", type, NULL);
    ah_jsonw_str(&b, "week", w->label, NULL);
    ah_jsonw_int(&b, "person_id", r->person.id, NULL);
    ah_jsonw_str(&b, "name", r->person.name, NULL);
    ah_jsonw_str(&b, "email", r->person.email, NULL);
    ah_jsonw_str(&b, "department", r->person.department, NULL);
    ah_jsonw_id(&b, "manager_id", r->person.manager_id, NULL);
    ah_jsonw_int(&b, "weeks_behind", r->weeks_behind, NULL);
    ah_jsonw_int(&b, "required_minutes", r->ledger.required_min, NULL);
    ah_jsonw_int(&b, "worked_minutes", r->ledger.worked_ms / 60000, NULL);
    ah_jsonw_id(&b, "notification_id", notification_id, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

/* One step of the ladder for r: a notification to whom, once per run of
 * weeks behind (keyed by its first week), and its event. */
static enum ah_err notify(struct ah_ctx *cx, const struct ah_week *w,
                          const struct ah_report_person *r, const char *kind, int64_t to,
                          const char *body, int64_t *notified, struct ah_error *err)
{
    struct ah_notification n = {.person_id = to, .kind = kind, .subject_id = r->person.id,
                                .week_day = streak_start(w, r), .body = body,
                                .created_at = cx->now};
    bool inserted = false;
    enum ah_err rc = ah_store_notification_insert(cx->store, &n, &inserted, err);

    if (!rc && inserted) {
        (*notified)++;
        rc = ah_store_outbox_add(cx->store, kind, event_json(cx, kind, w, r, n.id), cx->now,
                                 err);
    }
    return rc;
}

static const char *say(struct ah_ctx *cx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *say(struct ah_ctx *cx, const char *fmt, ...)
{
    char buf[600];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return ah_arena_strdup(cx->arena, buf);
}

#define SAY_ARGS(r, w) \
    (r)->person.name, (r)->weeks_behind, (w)->label, (r)->ledger.worked_ms / 60000, \
        (r)->ledger.required_min

static enum ah_err climb(struct ah_ctx *cx, const struct ah_policy *pol, const struct ah_week *w,
                         const struct ah_report_person *r, int64_t *notified,
                         struct ah_error *err)
{
    enum ah_err rc = AH_OK;
    int64_t s = r->weeks_behind;

    /* each step once per run of weeks behind: the week it is reached, or the
     * first run of the ladder that finds it passed (a company that starts
     * the program with people long behind); the notification's key makes a
     * step already taken a no-op */
    if (s >= pol->ladder_remind)
        rc = notify(cx, w, r, "ladder.remind", r->person.id,
                    say(cx, "%s: you are behind on queue time (%" PRId64 " week(s) in a row, "
                            "%s: %" PRId64 " of %" PRId64 " minutes). Plan your blocks for "
                            "this week.", SAY_ARGS(r, w)),
                    notified, err);
    if (!rc && s >= pol->ladder_manager && r->person.manager_id)
        rc = notify(cx, w, r, "ladder.manager", r->person.manager_id,
                    say(cx, "%s has been behind on queue time %" PRId64 " weeks in a row "
                            "(%s: %" PRId64 " of %" PRId64 " minutes).", SAY_ARGS(r, w)),
                    notified, err);
    if (!rc && s >= pol->ladder_report)
        rc = notify(cx, w, r, "ladder.report", r->person.id,
                    say(cx, "%s: after %" PRId64 " weeks behind you are listed on the "
                            "leadership report (%s: %" PRId64 " of %" PRId64 " minutes).",
                        SAY_ARGS(r, w)),
                    notified, err);
    return rc;
}

enum ah_err ah_ladder_run(struct ah_ctx *cx, int64_t week_day, bool *ran, int64_t *notified,
                          struct ah_error *err)
{
    struct ah_policy pol;
    struct ah_person *people;
    struct ah_report_person *res;
    struct ah_compliance_row *rows;
    struct ah_week w;
    size_t np = 0, nrows = 0;
    bool claimed = false;
    enum ah_err rc = ah_store_begin(cx->store, err);

    *ran = false;
    *notified = 0;
    if (rc)
        return rc;
    rc = ah_policy_read(cx, &pol, err);
    if (!rc && week_day == 0)
        rc = last_closed_week(cx, &pol, &week_day, err);
    if (!rc)
        rc = ah_week_fill(&pol, NULL, week_day, &w, err);
    /* the claim first: a second server waits here, then finds it taken */
    if (!rc)
        rc = ah_store_ladder_claim(cx->store, week_day, cx->now, &claimed, err);
    if (!rc && !claimed) {
        ah_store_rollback(cx->store);
        return AH_OK;
    }
    if (!rc)
        rc = all_people(cx, &people, &np, err);
    if (!rc) {
        res = ah_arena_alloc(cx->arena, (np ? np : 1) * sizeof(*res));
        rows = ah_arena_alloc(cx->arena, (np ? np : 1) * sizeof(*rows));
        rc = build(cx, &pol, people, np, week_day, (int)pol.ladder_report, res, err);
    }
    for (size_t i = 0; !rc && i < np; i++) {
        if (!res[i].person.active)
            continue;
        rows[nrows++] = (struct ah_compliance_row){
            .person_id = res[i].person.id, .week_day = week_day, .status = res[i].status,
            .required_min = res[i].ledger.required_min, .worked_ms = res[i].ledger.worked_ms,
            .streak = res[i].weeks_behind};
        if (res[i].status == AH_WEEK_BEHIND)
            rc = climb(cx, &pol, &w, &res[i], notified, err);
    }
    if (!rc)
        rc = ah_store_compliance_put(cx->store, rows, nrows, err);
    rc = ah_store_end(cx->store, rc, err);
    *ran = rc == AH_OK;
    return rc;
}

enum ah_err ah_ladder_due(struct ah_ctx *cx, int64_t *last, struct ah_error *err)
{
    struct ah_policy pol;
    int64_t day = 0, notified = 0;
    bool ran = false;
    enum ah_err rc = ah_policy_read(cx, &pol, err);

    if (!rc)
        rc = last_closed_week(cx, &pol, &day, err);
    if (rc || day == *last)
        return rc;
    rc = ah_ladder_run(cx, day, &ran, &notified, err);
    if (!rc)
        *last = day;
    return rc;
}

/* ---- coverage ---- */

static int by_person(const void *x, const void *y)
{
    const struct ah_block *a = x, *b = y;
    int c = cmp_i64(a->person_id, b->person_id);

    return c ? c : cmp_i64(a->start_at, b->start_at);
}

enum ah_err ah_coverage(struct ah_ctx *cx, int iso_year, int iso_week, struct ah_week *w,
                        const char **timezone, int64_t counts[AH_WEEK_HOURS_MAX], int *nhours,
                        struct ah_error *err)
{
    struct ah_policy pol;
    struct ah_block *bl;
    int64_t last[AH_WEEK_HOURS_MAX];
    size_t n = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = iso_year ? ah_week_get(&pol, NULL, iso_year, iso_week, w, err)
                      : ah_week_at(&pol, NULL, cx->now, w, err);
    if (!rc)
        rc = ah_store_block_list(cx->store, 0, w->start_ms, w->end_ms, ROWS_MAX, cx->arena, &bl,
                                 &n, err);
    if (rc)
        return rc;
    *timezone = pol.timezone;
    *nhours = (int)((w->end_ms - w->start_ms + HOUR_MS - 1) / HOUR_MS);
    if (*nhours > AH_WEEK_HOURS_MAX)
        *nhours = AH_WEEK_HOURS_MAX;
    memset(counts, 0, AH_WEEK_HOURS_MAX * sizeof(*counts));
    memset(last, 0, sizeof(last));
    /* a person's blocks together, so one with two blocks in an hour counts once */
    qsort(bl, n, sizeof(*bl), by_person);
    for (size_t i = 0; i < n; i++) {
        for (int h = 0; h < *nhours; h++) {
            int64_t h0 = w->start_ms + h * HOUR_MS;

            if (ah_overlap(bl[i].start_at, bl[i].end_at, h0, h0 + HOUR_MS) > 0 &&
                last[h] != bl[i].person_id) {
                counts[h]++;
                last[h] = bl[i].person_id;
            }
        }
    }
    return AH_OK;
}

/* ---- the inbox ---- */

enum ah_err ah_notification_list(struct ah_ctx *cx, int64_t before_id, int limit,
                                 struct ah_notification **items, size_t *n,
                                 struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->actor)
        rc = ah_error_set(err, AH_E_INVALID, "an inbox belongs to a person");
    return rc ? rc : ah_store_notification_list(cx->store, cx->actor->id, before_id, limit,
                                                cx->arena, items, n, err);
}

enum ah_err ah_notification_read(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->actor)
        rc = ah_error_set(err, AH_E_INVALID, "an inbox belongs to a person");
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    return ah_store_end(cx->store,
                        ah_store_notification_read(cx->store, id, cx->actor->id, cx->now, err),
                        err);
}

/* ---- webhooks ---- */

static enum ah_err check_url(struct ah_str url, struct ah_error *err)
{
    bool http = url.len > 7 && strncmp(url.p, "http://", 7) == 0;
    bool https = url.len > 8 && strncmp(url.p, "https://", 8) == 0;

    if (!http && !https)
        return ah_error_set(err, AH_E_INVALID, "url must start with http:// or https://");
    if (url.len > AH_MAX_URL)
        return ah_error_set(err, AH_E_INVALID, "url is longer than %d bytes", AH_MAX_URL);
    for (size_t i = 0; i < url.len; i++)
        if ((unsigned char)url.p[i] <= ' ' || url.p[i] == 0x7f)
            return ah_error_set(err, AH_E_INVALID, "url must not hold spaces or control "
                                                   "characters");
    return AH_OK;
}

enum ah_err ah_webhook_create(struct ah_ctx *cx, struct ah_str url, struct ah_webhook *out,
                              char secret[AH_WEBHOOK_SECRET_MAX], struct ah_error *err)
{
    struct ah_webhook w = {0};
    struct ah_buf b;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_GRANT_ADMIN, err);

    if (!rc)
        rc = check_url(url, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    ah_crypto_token("whsec_", secret, AH_WEBHOOK_SECRET_MAX);
    w.url = ah_arena_strndup(cx->arena, url.p, url.len);
    w.secret = secret;
    w.active = true;
    w.created_at = cx->now;
    w.created_by = cx->actor ? cx->actor->id : 0;
    rc = ah_store_webhook_insert(cx->store, &w, err);
    ah_buf_init(&b, 4096);
    ah_jsonw_str(&b, "url", w.url, NULL);
    ah_jsonw_end(&b, NULL);
    if (!rc)
        rc = ah_audit_record(cx, "webhook.create", ah_audit_target(cx, "webhook", w.id), NULL,
                             ah_buf_cstr(&b), err);
    ah_buf_release(&b);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc) {
        w.secret = NULL; /* shown once, by the caller, from secret */
        *out = w;
    }
    return rc;
}

enum ah_err ah_webhook_list(struct ah_ctx *cx, struct ah_webhook **items, size_t *n,
                            struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_GRANT_ADMIN, err);

    if (!rc)
        rc = ah_store_webhook_list(cx->store, cx->arena, items, n, err);
    for (size_t i = 0; !rc && i < *n; i++)
        (*items)[i].secret = NULL; /* never shown again */
    return rc;
}

enum ah_err ah_webhook_delete(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_GRANT_ADMIN, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_webhook_disable(cx->store, id, err);
    if (!rc)
        rc = ah_audit_record(cx, "webhook.delete", ah_audit_target(cx, "webhook", id), NULL,
                             NULL, err);
    return ah_store_end(cx->store, rc, err);
}

static int64_t backoff(int64_t attempts)
{
    int64_t ms = BACKOFF_FIRST_MS;

    for (int64_t i = 1; i < attempts && ms < BACKOFF_MAX_MS; i++)
        ms *= 2;
    return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

static enum ah_err send_one(const struct ah_outbox_item *o, long *status, struct ah_error *err)
{
    char sig[AH_HASH_HEX], h_sig[96], h_event[128], h_id[64];
    const char *headers[3] = {h_sig, h_event, h_id};

    ah_crypto_hmac_sha256(ah_str_c(o->secret), o->body, strlen(o->body), sig);
    snprintf(h_sig, sizeof(h_sig), "X-Allhands-Signature: sha256=%s", sig);
    snprintf(h_event, sizeof(h_event), "X-Allhands-Event: %s", o->event);
    snprintf(h_id, sizeof(h_id), "X-Allhands-Delivery: %" PRId64, o->id);
    return ah_httpc_post(o->url, headers, 3, o->body, strlen(o->body), status, err);
}

enum ah_err ah_webhook_deliver(struct ah_ctx *cx, int64_t *sent, int64_t *failed,
                               struct ah_error *err)
{
    struct ah_outbox_item *items;
    size_t n = 0;
    bool stalled = false;
    enum ah_err rc = ah_store_begin(cx->store, err);

    *sent = *failed = 0;
    if (rc)
        return rc;
    /* taken in one short transaction; sent outside any */
    rc = ah_store_outbox_claim(cx->store, cx->now, cx->now + DELIVERY_LEASE_MS,
                               DELIVERIES_PER_ROUND, cx->arena, &items, &n, err);
    rc = ah_store_end(cx->store, rc, err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct ah_error e;
        long status = 0;
        int64_t t0 = ah_time_mono_us();
        bool tried = !stalled;
        enum ah_err sr = tried ? send_one(&items[i], &status, &e) : AH_E_UNAVAILABLE;
        bool ok = !sr && status >= 200 && status < 300;
        int64_t next = cx->now + backoff(items[i].attempts + 1);
        char why[160];

        if (!tried) {
            /* a receiver before it hung: this one is due again at once */
            snprintf(why, sizeof(why), "not tried: a receiver before it did not answer in time");
            next = cx->now;
        } else if (!ok && sr) {
            snprintf(why, sizeof(why), "%.150s", e.msg);
        } else if (!ok) {
            snprintf(why, sizeof(why), "the receiver answered %ld", status);
        }
        if (tried && !ok && ah_time_mono_us() - t0 >= SLOW_FAILURE_US)
            stalled = true;
        rc = ah_store_begin(cx->store, err);
        if (!rc)
            rc = ah_store_end(cx->store,
                              ah_store_outbox_settle(cx->store, items[i].id, ok ? cx->now : 0,
                                                     ok ? cx->now : next, ok ? NULL : why, err),
                              err);
        *sent += ok;
        *failed += tried && !ok;
    }
    return rc;
}
