/* api_feedback.c - the feedback loops' smaller resources: internal
 * escalations (/api/v1/escalations), route-backs, launch heads-ups and
 * kudos, and the escalation and route-back reports. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "core/tz.h"
#include "domain/intake.h"
#include "domain/kudos.h"
#include "domain/launch.h"
#include "domain/program.h"
#include "domain/routeback.h"
#include "domain/ticket.h"
#include "http/api.h"
#include "http/router.h"

/* ---- escalations ---- */

static void put_brief(struct ah_buf *b, const struct ah_ticket_brief *t)
{
    ah_buf_appendf(b, NULL, "{\"id\":%" PRId64 ",\"subject\":", t->id);
    ah_json_put_str(b, t->subject);
    ah_buf_appends(b, ",\"status\":", NULL);
    ah_json_put_str(b, ah_ticket_status_name(t->status));
    ah_buf_appends(b, ",\"priority\":", NULL);
    ah_json_put_str(b, ah_ticket_priority_name(t->priority));
    ah_buf_appendf(b, NULL, ",\"tier\":%d,\"created_at\":", t->tier);
    ah_json_put_time(b, t->created_at);
    ah_buf_appends(b, "}", NULL);
}

static void put_intake(struct ah_buf *b, const void *item)
{
    const struct ah_intake *i = item;

    ah_buf_appendf(b, NULL, "{\"id\":%" PRId64 ",\"ticket_id\":%" PRId64 ",\"ticket\":", i->id,
                   i->ticket_id);
    put_brief(b, &i->ticket);
    ah_buf_appendf(b, NULL, ",\"filer_id\":%" PRId64 ",\"filer_name\":", i->filer_id);
    ah_json_put_str(b, i->filer_name ? i->filer_name : "");
    ah_buf_appends(b, ",\"channel\":", NULL);
    ah_json_put_str(b, i->channel);
    ah_buf_appends(b, ",\"why\":", NULL);
    ah_json_put_str(b, i->why);
    ah_buf_appends(b, ",\"created_at\":", NULL);
    ah_json_put_time(b, i->created_at);
    ah_buf_appends(b, ",\"told_at\":", NULL);
    ah_json_put_time(b, i->told_at);
    ah_buf_appends(b, "}", NULL);
}

enum { E_EMAIL, E_NAME, E_SUBJECT, E_TEXT, E_CHANNEL, E_WHY, E_N };

const struct ah_json_field ah_api_escalation_fields[] = {
    [E_EMAIL] = {"customer_email", AH_JSON_STRING, true, AH_MAX_EMAIL},
    [E_NAME] = {"customer_name", AH_JSON_STRING, false, AH_MAX_NAME * 4},
    [E_SUBJECT] = {"subject", AH_JSON_STRING, false, AH_MAX_SUBJECT},
    [E_TEXT] = {"text", AH_JSON_STRING, true, AH_MAX_MESSAGE_BODY},
    [E_CHANNEL] = {"channel", AH_JSON_STRING, true, 20},
    [E_WHY] = {"why", AH_JSON_STRING, false, AH_INTAKE_WHY_MAX * 4},
};
const size_t ah_api_escalation_nfields = E_N;

void ah_api_escalations_create(struct ah_req *r)
{
    struct ah_json_value v[E_N];
    struct ah_intake_input in = {0};
    struct ah_intake out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_escalation_fields, E_N, v))
        return;
    in.customer_email = v[E_EMAIL].s;
    in.customer_name = v[E_NAME].present ? v[E_NAME].s : ah_str_c("");
    if (v[E_SUBJECT].present)
        in.subject = v[E_SUBJECT].s;
    in.text = v[E_TEXT].s;
    in.channel = v[E_CHANNEL].s;
    if (v[E_WHY].present)
        in.why = v[E_WHY].s;
    if (ah_intake_file(&r->cx, &in, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_intake(ah_http_body(r), &out);
    ah_http_reply_body(r, 201);
}

void ah_api_escalations_list(struct ah_req *r)
{
    struct ah_intake *items;
    size_t n;
    int limit;
    int64_t before, mine;
    struct ah_error err;

    if (!ah_api_page(r, &limit, &before) || !ah_api_query_int(r, "mine", 0, 1, 0, &mine))
        return;
    if (ah_intake_list(&r->cx, mine == 1, before, limit, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), put_intake,
                       ah_http_id_cursor(r, n ? items[n - 1].id : 0, n, limit));
}

void ah_api_escalations_get(struct ah_req *r)
{
    struct ah_intake i;
    struct ah_error err;

    if (ah_intake_get(&r->cx, r->id, &i, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_intake(ah_http_body(r), &i);
    ah_http_reply_body(r, 200);
}

static void put_week(struct ah_buf *b, const struct ah_week_span *w)
{
    ah_buf_appends(b, "{\"week\":", NULL);
    ah_json_put_str(b, w->label);
    ah_buf_appends(b, ",\"first_day\":", NULL);
    ah_json_put_day(b, w->first_day);
    ah_buf_appends(b, ",\"start\":", NULL);
    ah_json_put_time(b, w->start);
    ah_buf_appends(b, ",\"end\":", NULL);
    ah_json_put_time(b, w->end);
}

void ah_api_report_escalations(struct ah_req *r)
{
    struct ah_intake_report rep;
    struct ah_buf *b;
    int year, week;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week))
        return;
    if (ah_intake_report(&r->cx, year, week, &rep, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    put_week(b, &rep.week);
    ah_buf_appendf(b, NULL, ",\"filed\":%" PRId64 ",\"urgent\":%" PRId64 ",\"by_filer\":[",
                   rep.filed, rep.urgent);
    for (size_t i = 0; i < rep.nfilers; i++) {
        const struct ah_intake_count *c = &rep.by_filer[i];

        ah_buf_appendf(b, NULL, "%s{\"person_id\":%" PRId64 ",\"name\":", i ? "," : "",
                       c->filer_id);
        ah_json_put_str(b, c->name);
        ah_buf_appends(b, ",\"department\":", NULL);
        ah_json_put_str(b, c->department);
        ah_buf_appendf(b, NULL, ",\"filed\":%" PRId64 ",\"urgent\":%" PRId64 "}", c->filed,
                       c->urgent);
    }
    ah_buf_appends(b, "],\"by_department\":[", NULL);
    for (size_t i = 0; i < rep.ndepartments; i++) {
        ah_buf_appends(b, i ? ",{\"department\":" : "{\"department\":", NULL);
        ah_json_put_str(b, rep.by_department[i].department);
        ah_buf_appendf(b, NULL, ",\"filed\":%" PRId64 ",\"urgent\":%" PRId64 "}",
                       rep.by_department[i].filed, rep.by_department[i].urgent);
    }
    ah_buf_appends(b, "]}", NULL);
    ah_http_reply_body(r, 200);
}

/* ---- route-backs ---- */

static void put_route_back(struct ah_buf *b, const void *item)
{
    const struct ah_route_back *x = item;

    ah_buf_appendf(b, NULL, "{\"id\":%" PRId64 ",\"ticket_id\":%" PRId64
                   ",\"person_id\":%" PRId64 ",\"person_name\":",
                   x->id, x->ticket_id, x->person_id);
    ah_json_put_str(b, x->person_name ? x->person_name : "");
    ah_buf_appends(b, ",\"department\":", NULL);
    ah_json_put_str(b, x->department ? x->department : "");
    ah_buf_appends(b, ",\"cause\":", NULL);
    ah_json_put_str(b, ah_route_cause_name(x->cause));
    ah_buf_appends(b, ",\"reason\":", NULL);
    ah_json_put_str(b, x->reason);
    ah_buf_appendf(b, NULL, ",\"marked_by\":%" PRId64 ",\"created_at\":", x->marked_by);
    ah_json_put_time(b, x->created_at);
    ah_buf_appends(b, "}", NULL);
}

enum { R_PERSON, R_CAUSE, R_REASON, R_ASSIGN, R_N };

const struct ah_json_field ah_api_route_back_fields[] = {
    [R_PERSON] = {"person_id", AH_JSON_INT, true, 0},
    [R_CAUSE] = {"cause", AH_JSON_STRING, true, 20},
    [R_REASON] = {"reason", AH_JSON_STRING, true, AH_MAX_REASON * 4},
    [R_ASSIGN] = {"assign", AH_JSON_BOOL, false, 0},
};
const size_t ah_api_route_back_nfields = R_N;

void ah_api_route_backs_create(struct ah_req *r)
{
    struct ah_json_value v[R_N];
    struct ah_route_back_input in = {.assign = true};
    struct ah_route_back out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_route_back_fields, R_N, v))
        return;
    in.person_id = v[R_PERSON].i;
    if (!ah_route_cause_parse(v[R_CAUSE].s, &in.cause)) {
        ah_http_reply_fail(r, AH_E_INVALID, "cause must be promise or change");
        return;
    }
    in.reason = v[R_REASON].s;
    if (v[R_ASSIGN].present)
        in.assign = v[R_ASSIGN].b;
    if (ah_route_back_mark(&r->cx, r->id, &in, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_route_back(ah_http_body(r), &out);
    ah_http_reply_body(r, 201);
}

void ah_api_route_backs_list(struct ah_req *r)
{
    struct ah_route_back *items;
    size_t n;
    struct ah_error err;

    if (ah_route_back_list(&r->cx, r->id, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), put_route_back, NULL);
}

void ah_api_report_route_backs(struct ah_req *r)
{
    struct ah_week_span w;
    struct ah_route_back_count *items;
    size_t n;
    struct ah_buf *b;
    int year, week;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week))
        return;
    if (ah_intake_week(&r->cx, year, week, &w, &err) ||
        ah_route_back_counts(&r->cx, w.start, w.end, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    put_week(b, &w);
    ah_buf_appends(b, ",\"by_department\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        ah_buf_appends(b, i ? ",{\"department\":" : "{\"department\":", NULL);
        ah_json_put_str(b, items[i].department);
        ah_buf_appendf(b, NULL, ",\"promises\":%" PRId64 ",\"changes\":%" PRId64 "}",
                       items[i].promises, items[i].changes);
    }
    ah_buf_appends(b, "]}", NULL);
    ah_http_reply_body(r, 200);
}

/* ---- launches ---- */

static void put_launch(struct ah_buf *b, const void *item)
{
    const struct ah_launch *l = item;

    ah_buf_appendf(b, NULL, "{\"id\":%" PRId64 ",\"title\":", l->id);
    ah_json_put_str(b, l->title);
    ah_buf_appends(b, ",\"day\":", NULL);
    ah_json_put_day(b, l->launch_day);
    ah_buf_appends(b, ",\"changes\":", NULL);
    ah_json_put_str(b, l->changes);
    ah_buf_appends(b, ",\"impact\":", NULL);
    ah_json_put_str(b, l->impact);
    ah_buf_appends(b, ",\"tags\":", NULL);
    ah_json_put_words(b, l->tags);
    ah_buf_appendf(b, NULL, ",\"created_by\":%" PRId64 ",\"creator_name\":", l->created_by);
    ah_json_put_str(b, l->creator_name ? l->creator_name : "");
    ah_buf_appends(b, ",\"readiness\":", NULL);
    ah_json_put_str(b, ah_readiness_name(l->readiness));
    ah_buf_appends(b, ",\"missing\":", NULL);
    ah_json_put_words(b, l->missing);
    ah_buf_appends(b, ",\"readiness_note\":", NULL);
    ah_json_put_str(b, l->readiness_note);
    ah_buf_appends(b, ",\"judged_by\":", NULL);
    if (l->judged_by)
        ah_buf_appendf(b, NULL, "%" PRId64, l->judged_by);
    else
        ah_buf_appends(b, "null", NULL);
    ah_buf_appends(b, ",\"judged_at\":", NULL);
    ah_json_put_time(b, l->judged_at);
    ah_buf_appends(b, ",\"created_at\":", NULL);
    ah_json_put_time(b, l->created_at);
    ah_buf_appends(b, ",\"updated_at\":", NULL);
    ah_json_put_time(b, l->updated_at);
    ah_buf_appends(b, "}", NULL);
}

enum { L_TITLE, L_DAY, L_CHANGES, L_IMPACT, L_TAGS, L_READY, L_MISSING, L_NOTE, L_N };

const struct ah_json_field ah_api_launch_fields[] = {
    [L_TITLE] = {"title", AH_JSON_STRING, false, 800},
    [L_DAY] = {"day", AH_JSON_STRING, false, 10},
    [L_CHANGES] = {"changes", AH_JSON_STRING, false, AH_LAUNCH_TEXT_MAX * 4},
    [L_IMPACT] = {"impact", AH_JSON_STRING, false, AH_LAUNCH_TEXT_MAX * 4},
    [L_TAGS] = {"tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
    [L_READY] = {"readiness", AH_JSON_STRING, false, 20},
    [L_MISSING] = {"missing", AH_JSON_STRINGS, false, 3},
    [L_NOTE] = {"note", AH_JSON_STRING, false, AH_LAUNCH_TEXT_MAX * 4},
};
const size_t ah_api_launch_nfields = L_N;

/* The body as a launch input; false when it replied. */
static bool launch_input(struct ah_req *r, const struct ah_json_value *v,
                         struct ah_launch_input *in)
{
    ah_launch_input_init(in);
    if (v[L_TITLE].present)
        in->title = v[L_TITLE].s;
    if (v[L_DAY].present)
        in->day = v[L_DAY].s;
    if (v[L_CHANGES].present)
        in->changes = v[L_CHANGES].s;
    if (v[L_IMPACT].present)
        in->impact = v[L_IMPACT].s;
    if (v[L_TAGS].present) {
        in->has_tags = true;
        in->ntags = v[L_TAGS].n;
        for (size_t i = 0; i < in->ntags; i++)
            in->tags[i] = v[L_TAGS].items[i];
    }
    if (v[L_READY].present && !ah_readiness_parse(v[L_READY].s, &in->readiness)) {
        ah_http_reply_fail(r, AH_E_INVALID, "readiness must be ready or not_ready");
        return false;
    }
    if (v[L_MISSING].present) {
        in->has_missing = true;
        in->nmissing = v[L_MISSING].n;
        for (size_t i = 0; i < in->nmissing; i++)
            in->missing[i] = v[L_MISSING].items[i];
    }
    if (v[L_NOTE].present)
        in->note = v[L_NOTE].s;
    return true;
}

void ah_api_launches_create(struct ah_req *r)
{
    struct ah_json_value v[L_N];
    struct ah_launch_input in;
    struct ah_launch out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_launch_fields, L_N, v) || !launch_input(r, v, &in))
        return;
    if (ah_launch_create(&r->cx, &in, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_launch(ah_http_body(r), &out);
    ah_http_reply_body(r, 201);
}

void ah_api_launches_update(struct ah_req *r)
{
    struct ah_json_value v[L_N];
    struct ah_launch_input in;
    struct ah_launch out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_launch_fields, L_N, v) || !launch_input(r, v, &in))
        return;
    if (ah_launch_update(&r->cx, r->id, &in, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_launch(ah_http_body(r), &out);
    ah_http_reply_body(r, 200);
}

void ah_api_launches_get(struct ah_req *r)
{
    struct ah_launch l;
    struct ah_launch_cost cost;
    struct ah_buf *b;
    struct ah_error err;

    if (ah_launch_get(&r->cx, r->id, &l, &cost, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    {
        /* the launch's object, left open for its cost */
        struct ah_buf one;

        ah_buf_init(&one, 256 * 1024);
        put_launch(&one, &l);
        ah_buf_append(b, ah_buf_str(&one).p, ah_buf_str(&one).len - 1, NULL);
        ah_buf_release(&one);
    }
    ah_buf_appendf(b, NULL, ",\"cost\":{\"tickets\":%" PRId64 ",\"recent\":[", cost.tickets);
    for (size_t i = 0; i < cost.nrecent; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        put_brief(b, &cost.recent[i]);
    }
    ah_buf_appends(b, "]}}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_launches_list(struct ah_req *r)
{
    struct ah_launch *items;
    size_t n;
    int64_t from, to, today = ah_clock_now() / 86400000;
    struct ah_error err;

    if (!ah_api_query_day(r, "from", today - 30, &from) ||
        !ah_api_query_day(r, "to", today + 366, &to))
        return;
    if (ah_launch_list(&r->cx, from, to, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), put_launch, NULL);
}

void ah_api_tickets_launches(struct ah_req *r)
{
    struct ah_launch *items;
    size_t n;
    struct ah_error err;

    if (ah_launch_for_ticket(&r->cx, r->id, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), put_launch, NULL);
}

/* ---- kudos ---- */

static void put_kudos(struct ah_buf *b, const void *item)
{
    const struct ah_kudos *k = item;

    ah_buf_appendf(b, NULL, "{\"id\":%" PRId64 ",\"ticket_id\":%" PRId64 ",\"message_id\":%"
                   PRId64 ",\"subject\":", k->id, k->ticket_id, k->message_id);
    ah_json_put_str(b, k->subject ? k->subject : "");
    ah_buf_appendf(b, NULL, ",\"person_id\":%" PRId64 ",\"person_name\":", k->person_id);
    ah_json_put_str(b, k->person_name ? k->person_name : "");
    ah_buf_appendf(b, NULL, ",\"giver_id\":%" PRId64 ",\"giver_name\":", k->giver_id);
    ah_json_put_str(b, k->giver_name ? k->giver_name : "");
    ah_buf_appendf(b, NULL, ",\"from_customer\":%s,\"text\":", k->from_customer ? "true"
                                                                                 : "false");
    ah_json_put_str(b, k->text);
    ah_buf_appends(b, ",\"quote\":", NULL);
    ah_json_put_str(b, k->quote);
    ah_buf_appends(b, ",\"created_at\":", NULL);
    ah_json_put_time(b, k->created_at);
    ah_buf_appends(b, "}", NULL);
}

enum { K_MESSAGE, K_TEXT, K_CUSTOMER, K_N };

const struct ah_json_field ah_api_kudos_fields[] = {
    [K_MESSAGE] = {"message_id", AH_JSON_INT, true, 0},
    [K_TEXT] = {"text", AH_JSON_STRING, false, AH_KUDOS_TEXT_MAX * 4},
    [K_CUSTOMER] = {"customer_message_id", AH_JSON_INT, false, 0},
};
const size_t ah_api_kudos_nfields = K_N;

void ah_api_kudos_create(struct ah_req *r)
{
    struct ah_json_value v[K_N];
    struct ah_kudos_input in = {0};
    struct ah_kudos out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_kudos_fields, K_N, v))
        return;
    in.ticket_id = r->id;
    in.message_id = v[K_MESSAGE].i;
    if (v[K_TEXT].present)
        in.text = v[K_TEXT].s;
    in.customer_message_id = v[K_CUSTOMER].present ? v[K_CUSTOMER].i : 0;
    if (ah_kudos_give(&r->cx, &in, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_kudos(ah_http_body(r), &out);
    ah_http_reply_body(r, 201);
}

void ah_api_kudos_list(struct ah_req *r)
{
    struct ah_str who = ah_router_query(r->query, r->nquery, "person");
    struct ah_kudos *items;
    size_t n;
    int limit;
    int64_t before, person = r->cx.actor ? r->cx.actor->id : 0;
    struct ah_error err;

    if (!ah_api_page(r, &limit, &before))
        return;
    if (who.p && ah_str_eq_c(who, "all"))
        person = 0;
    else if (who.p && !ah_str_eq_c(who, "me") &&
             ah_parse_i64(who, 1, INT64_MAX, &person, NULL)) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "person must be me, all or a person id");
        return;
    }
    if (ah_kudos_list(&r->cx, person, 0, 0, before, limit, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), put_kudos,
                       ah_http_id_cursor(r, n ? items[n - 1].id : 0, n, limit));
}
