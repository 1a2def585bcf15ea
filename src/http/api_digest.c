/* api_digest.c - /api/v1/digest: the weekly program digest as JSON, CSV
 * tables, SVG charts and an HTML page, and who gets it by mail. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/tz.h"
#include "domain/digest.h"
#include "http/api.h"
#include "http/router.h"

/* ?key= checked against names (absent: dflt, which may be NULL); false
 * when it replied 400. */
static bool query_name(struct ah_req *r, const char *key, const char *const *names, size_t n,
                       const char *dflt, const char **out)
{
    struct ah_str v = ah_router_query(r->query, r->nquery, key);
    char msg[160];
    int i;

    *out = dflt;
    if (!v.p && dflt)
        return true;
    if (v.p && ah_str_index(v, names, n, &i)) {
        *out = names[i];
        return true;
    }
    snprintf(msg, sizeof(msg), "%s: one of %s", key,
             strcmp(key, "format") == 0 ? "json, csv, html or text"
             : strcmp(key, "table") == 0 ? "the digest's \"tables\" (see its JSON)"
                                         : "the digest's \"charts\" (see its JSON)");
    ah_http_reply_fail(r, AH_E_BAD_REQUEST, msg);
    return false;
}

static void put_ms(struct ah_buf *b, const char *key, int64_t ms, int64_t n)
{
    ah_buf_appendf(b, NULL, ",\"%s\":", key);
    if (n)
        ah_buf_appendf(b, NULL, "%" PRId64, ms / 1000);
    else
        ah_buf_appends(b, "null", NULL);
}

static void put_digest(struct ah_buf *b, const struct ah_digest *d)
{
    ah_buf_appends(b, "{\"week\":", NULL);
    ah_json_put_str(b, d->week.label);
    ah_buf_appends(b, ",\"first_day\":", NULL);
    ah_json_put_day(b, d->week.first_day);
    ah_buf_appends(b, ",\"start\":", NULL);
    ah_json_put_time(b, d->week.start);
    ah_buf_appends(b, ",\"end\":", NULL);
    ah_json_put_time(b, d->week.end);
    ah_buf_appends(b, ",\"timezone\":", NULL);
    ah_json_put_str(b, d->timezone);
    ah_buf_appendf(b, NULL, ",\"in_progress\":%s,\"business_hours\":%s",
                   d->in_progress ? "true" : "false", d->business_hours ? "true" : "false");
    ah_buf_appendf(b, NULL,
                   ",\"program\":{\"required\":%" PRId64 ",\"met\":%" PRId64 ",\"behind\":%"
                   PRId64 ",\"exempt\":%" PRId64 ",\"worked_minutes\":%" PRId64 "}",
                   d->required, d->met, d->behind, d->exempt, d->worked_ms / 60000);
    ah_buf_appendf(b, NULL,
                   ",\"answered\":{\"tickets\":%" PRId64 ",\"by_members\":%" PRId64
                   ",\"replies\":%" PRId64 ",\"member_replies\":%" PRId64 "}",
                   d->tickets_answered, d->answered_by_members, d->replies, d->member_replies);
    ah_buf_appendf(b, NULL,
                   ",\"reviews\":{\"approved\":%" PRId64 ",\"edited\":%" PRId64
                   ",\"returned\":%" PRId64 "},\"style\":[",
                   d->reviews.approved, d->reviews.edited, d->reviews.returned);
    for (size_t i = 0; i < d->nstyle; i++) {
        ah_buf_appends(b, i ? ",{\"rule\":" : "{\"rule\":", NULL);
        ah_json_put_str(b, d->style[i].rule);
        ah_buf_appendf(b, NULL, ",\"hits\":%" PRId64 ",\"overrides\":%" PRId64 "}",
                       d->style[i].hits, d->style[i].overrides);
    }
    ah_buf_appends(b, "],\"questions\":[", NULL);
    for (size_t i = 0; i < d->nquestions; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        ah_buf_appendf(b, NULL, "{\"this_week\":%" PRId64 ",\"after_fix\":%" PRId64
                       ",\"group\":", d->questions[i].this_week, d->questions[i].after_fix);
        ah_json_put_group(b, &d->questions[i].v);
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appendf(b, NULL, "],\"after_fix\":%" PRId64 ",\"regressions\":[", d->after_fix);
    for (size_t i = 0; i < d->nregressions; i++) {
        const struct ah_digest_regression *x = &d->regressions[i];

        ah_buf_appendf(b, NULL, "%s{\"group_id\":%" PRId64 ",\"group\":", i ? "," : "",
                       x->group_id);
        ah_json_put_str(b, x->group);
        ah_buf_appendf(b, NULL, ",\"fix_id\":%" PRId64 ",\"fix\":", x->fix_id);
        ah_json_put_str(b, x->fix);
        ah_buf_appends(b, ",\"owner\":", NULL);
        ah_json_put_str(b, x->owner);
        ah_buf_appendf(b, NULL, ",\"tickets\":%" PRId64 "}", x->tickets);
    }
    ah_buf_appendf(b, NULL, "],\"escalations\":{\"filed\":%" PRId64 ",\"urgent\":%" PRId64
                   ",\"by_filer\":[", d->escalations.filed, d->escalations.urgent);
    for (size_t i = 0; i < d->escalations.nfilers; i++) {
        const struct ah_intake_count *c = &d->escalations.by_filer[i];

        ah_buf_appendf(b, NULL, "%s{\"person_id\":%" PRId64 ",\"name\":", i ? "," : "",
                       c->filer_id);
        ah_json_put_str(b, c->name);
        ah_buf_appends(b, ",\"department\":", NULL);
        ah_json_put_str(b, c->department);
        ah_buf_appendf(b, NULL, ",\"filed\":%" PRId64 ",\"urgent\":%" PRId64 "}", c->filed,
                       c->urgent);
    }
    ah_buf_appends(b, "],\"by_department\":[", NULL);
    for (size_t i = 0; i < d->escalations.ndepartments; i++) {
        ah_buf_appends(b, i ? ",{\"department\":" : "{\"department\":", NULL);
        ah_json_put_str(b, d->escalations.by_department[i].department);
        ah_buf_appendf(b, NULL, ",\"filed\":%" PRId64 ",\"urgent\":%" PRId64 "}",
                       d->escalations.by_department[i].filed,
                       d->escalations.by_department[i].urgent);
    }
    ah_buf_appends(b, "]},\"route_backs\":[", NULL);
    for (size_t i = 0; i < d->nroute_backs; i++) {
        ah_buf_appends(b, i ? ",{\"department\":" : "{\"department\":", NULL);
        ah_json_put_str(b, d->route_backs[i].department);
        ah_buf_appendf(b, NULL, ",\"promises\":%" PRId64 ",\"changes\":%" PRId64 "}",
                       d->route_backs[i].promises, d->route_backs[i].changes);
    }
    ah_buf_appends(b, "],\"launches\":[", NULL);
    for (size_t i = 0; i < d->nlaunches; i++) {
        const struct ah_launch *l = &d->launches[i].l;

        ah_buf_appendf(b, NULL, "%s{\"id\":%" PRId64 ",\"title\":", i ? "," : "", l->id);
        ah_json_put_str(b, l->title);
        ah_buf_appends(b, ",\"day\":", NULL);
        ah_json_put_day(b, l->launch_day);
        ah_buf_appends(b, ",\"readiness\":", NULL);
        ah_json_put_str(b, ah_readiness_name(l->readiness));
        ah_buf_appends(b, ",\"tags\":", NULL);
        ah_json_put_words(b, l->tags);
        ah_buf_appendf(b, NULL, ",\"tickets\":%" PRId64 "}", d->launches[i].cost);
    }
    ah_buf_appends(b, "],\"kudos\":[", NULL);
    for (size_t i = 0; i < d->nkudos; i++) {
        const struct ah_kudos *k = &d->kudos[i];

        ah_buf_appendf(b, NULL, "%s{\"id\":%" PRId64 ",\"ticket_id\":%" PRId64
                       ",\"person_id\":%" PRId64 ",\"person_name\":", i ? "," : "", k->id,
                       k->ticket_id, k->person_id);
        ah_json_put_str(b, k->person_name ? k->person_name : "");
        ah_buf_appends(b, ",\"giver_name\":", NULL);
        ah_json_put_str(b, k->giver_name ? k->giver_name : "");
        ah_buf_appendf(b, NULL, ",\"from_customer\":%s,\"text\":",
                       k->from_customer ? "true" : "false");
        ah_json_put_str(b, k->text);
        ah_buf_appends(b, ",\"quote\":", NULL);
        ah_json_put_str(b, k->quote);
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appendf(b, NULL, "],\"health\":{\"responses\":%" PRId64, d->responses);
    put_ms(b, "first_response_median_s", d->fr_median_ms, d->responses);
    put_ms(b, "first_response_p90_s", d->fr_p90_ms, d->responses);
    ah_buf_appendf(b, NULL, ",\"solved\":%" PRId64, d->solved);
    put_ms(b, "resolution_median_s", d->res_median_ms, d->solved);
    put_ms(b, "resolution_p90_s", d->res_p90_ms, d->solved);
    ah_buf_appendf(b, NULL,
                   ",\"breaches\":{\"first_response_due\":%" PRId64 ",\"first_response_missed\":%"
                   PRId64 ",\"resolution_due\":%" PRId64 ",\"resolution_missed\":%" PRId64 "}",
                   d->breaches.first_due, d->breaches.first_missed, d->breaches.resolve_due,
                   d->breaches.resolve_missed);
    ah_buf_appends(b, ",\"backlog\":[", NULL);
    for (int t = 0; t < 2; t++) {
        static const char *const ages[] = {"under_1d", "1d_3d", "3d_7d", "7d_plus"};

        ah_buf_appendf(b, NULL, "%s{\"tier\":%d", t ? "," : "", t + 1);
        for (int a = 0; a < AH_BACKLOG_AGES; a++)
            ah_buf_appendf(b, NULL, ",\"%s\":%" PRId64, ages[a], d->backlog.tickets[t][a]);
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appends(b, "]},\"departments\":[", NULL);
    for (size_t i = 0; i < d->ndepartments; i++) {
        const struct ah_digest_department *x = &d->departments[i];

        ah_buf_appends(b, i ? ",{\"department\":" : "{\"department\":", NULL);
        ah_json_put_str(b, x->department);
        ah_buf_appendf(b, NULL, ",\"people\":%" PRId64 ",\"required\":%" PRId64 ",\"met\":%"
                       PRId64 ",\"worked_minutes\":%" PRId64 ",\"replies\":%" PRId64
                       ",\"member_replies\":%" PRId64 ",\"responses\":%" PRId64,
                       x->people, x->required, x->met, x->worked_ms / 60000, x->replies,
                       x->member_replies, x->responses);
        put_ms(b, "first_response_median_s", x->fr_median_ms, x->responses);
        put_ms(b, "first_response_p90_s", x->fr_p90_ms, x->responses);
        ah_buf_appendf(b, NULL, ",\"solved\":%" PRId64, x->solved);
        put_ms(b, "resolution_median_s", x->res_median_ms, x->solved);
        put_ms(b, "resolution_p90_s", x->res_p90_ms, x->solved);
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appends(b, "],\"tables\":", NULL);
    {
        struct ah_buf names;

        ah_buf_init(&names, 4096);
        for (size_t i = 0; i < ah_digest_ntables; i++)
            ah_buf_appendf(&names, NULL, "%s%s", i ? " " : "", ah_digest_tables[i]);
        ah_json_put_words(b, ah_buf_cstr(&names));
        ah_buf_reset(&names);
        for (size_t i = 0; i < ah_digest_ncharts; i++)
            ah_buf_appendf(&names, NULL, "%s%s", i ? " " : "", ah_digest_charts[i]);
        ah_buf_appends(b, ",\"charts\":", NULL);
        ah_json_put_words(b, ah_buf_cstr(&names));
        ah_buf_release(&names);
    }
    ah_buf_appends(b, "}", NULL);
}

void ah_api_digest_get(struct ah_req *r)
{
    static const char *const formats[] = {"json", "csv", "html", "text"};
    struct ah_digest d;
    struct ah_buf *b;
    const char *format = NULL, *table = NULL;
    int year, week;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week) ||
        !query_name(r, "format", formats, 4, "json", &format))
        return;
    if (strcmp(format, "csv") == 0 &&
        !query_name(r, "table", ah_digest_tables, ah_digest_ntables, "summary", &table))
        return;
    if (ah_digest_week(&r->cx, year, week, &d, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    if (strcmp(format, "json") == 0) {
        put_digest(b, &d);
        ah_http_reply_body(r, 200);
        return;
    }
    if (strcmp(format, "csv") == 0) {
        char disp[160];

        (void)ah_digest_csv(&d, table, b, &err);
        snprintf(disp, sizeof(disp), "attachment; filename=\"allhands-digest-%s-%s.csv\"",
                 d.week.label, table);
        ah_http_reply_header(r, "Content-Disposition", disp);
        ah_http_reply_text(r, 200, b, "text/csv; charset=utf-8");
        return;
    }
    if (strcmp(format, "html") == 0) {
        (void)ah_digest_html(&d, b, &err);
        /* the page is the email's HTML: its style is inline, nothing runs */
        ah_http_reply_header(r, "Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                             "frame-ancestors 'none'");
        ah_http_reply_text(r, 200, b, "text/html; charset=utf-8");
        return;
    }
    (void)ah_digest_text(&d, b, &err);
    ah_http_reply_text(r, 200, b, "text/plain; charset=utf-8");
}

void ah_api_digest_chart(struct ah_req *r)
{
    struct ah_digest d;
    const char *name = NULL;
    int year, week;
    struct ah_buf *b;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week) ||
        !query_name(r, "name", ah_digest_charts, ah_digest_ncharts, NULL, &name))
        return;
    if (ah_digest_week(&r->cx, year, week, &d, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    if (ah_digest_svg(&d, name, b, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_text(r, 200, b, "image/svg+xml; charset=utf-8");
}

static void reply_subscription(struct ah_req *r)
{
    bool on = false;
    struct ah_error err;

    if (ah_digest_subscription(&r->cx, &on, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_buf_appendf(ah_http_body(r), NULL, "{\"subscribed\":%s}", on ? "true" : "false");
    ah_http_reply_body(r, 200);
}

void ah_api_digest_subscription_get(struct ah_req *r)
{
    reply_subscription(r);
}

enum { S_ON, S_N };

const struct ah_json_field ah_api_digest_subscription_fields[] = {
    [S_ON] = {"subscribed", AH_JSON_BOOL, true, 0},
};
const size_t ah_api_digest_subscription_nfields = S_N;

void ah_api_digest_subscription_put(struct ah_req *r)
{
    struct ah_json_value v[S_N];
    struct ah_error err;

    if (!ah_api_body(r, ah_api_digest_subscription_fields, S_N, v))
        return;
    if (ah_digest_subscribe(&r->cx, v[S_ON].b, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_subscription(r);
}
