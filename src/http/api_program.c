/* api_program.c - the program: /api/v1/policy, /exemptions, /clock, /blocks,
 * /calendar, a person's /ledger and /sessions, and the test clock. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "core/tz.h"
#include "domain/people.h"
#include "domain/program.h"
#include "domain/report.h"
#include "http/api.h"
#include "http/server.h"

/* ---- shared ---- */

static void reply_list(struct ah_req *r, const void *items, size_t n, size_t size,
                       ah_http_item_writer put)
{
    ah_http_reply_page(r, items, n, size, put, NULL);
}

/* ---- policy ---- */

/* "HH:MM" as minutes after midnight, 00:00 to 24:00. */
static bool clock_minutes(struct ah_str s, int64_t *out)
{
    int h, m;

    if (s.len != 5 || s.p[2] != ':' || s.p[0] < '0' || s.p[0] > '9' || s.p[1] < '0' ||
        s.p[1] > '9' || s.p[3] < '0' || s.p[3] > '5' || s.p[4] < '0' || s.p[4] > '9')
        return false;
    h = (s.p[0] - '0') * 10 + (s.p[1] - '0');
    m = (s.p[3] - '0') * 10 + (s.p[4] - '0');
    if (h > 24 || (h == 24 && m))
        return false;
    *out = h * 60 + m;
    return true;
}

enum { P_CADENCE, P_WEEKLY, P_WPY, P_ONBOARD, P_TZ, P_WSTART, P_IDLE, P_REMIND, P_MANAGER,
       P_REPORT, P_MAXEX, P_DTIER, P_RESERVE, P_RESAGE, P_RFIRST, P_RRATE, P_PAPPR,
       P_PCLEAN, P_BDAYS, P_BSTART, P_BEND, P_N };

const struct ah_json_field ah_api_policy_fields[] = {
    [P_CADENCE] = {"cadence", AH_JSON_STRING, false, 16},
    [P_WEEKLY] = {"weekly_minutes", AH_JSON_INT, false, 0},
    [P_WPY] = {"weeks_per_year", AH_JSON_INT, false, 0},
    [P_ONBOARD] = {"onboarding_week", AH_JSON_BOOL, false, 0},
    [P_TZ] = {"timezone", AH_JSON_STRING, false, 64},
    [P_WSTART] = {"week_start", AH_JSON_INT, false, 0},
    [P_IDLE] = {"idle_timeout_seconds", AH_JSON_INT, false, 0},
    [P_REMIND] = {"ladder_remind_weeks", AH_JSON_INT, false, 0},
    [P_MANAGER] = {"ladder_manager_weeks", AH_JSON_INT, false, 0},
    [P_REPORT] = {"ladder_report_weeks", AH_JSON_INT, false, 0},
    [P_MAXEX] = {"max_exemption_weeks", AH_JSON_INT, false, 0},
    [P_DTIER] = {"default_tier", AH_JSON_INT, false, 0},
    [P_RESERVE] = {"reserve_on", AH_JSON_BOOL, false, 0},
    [P_RESAGE] = {"reserve_age_minutes", AH_JSON_INT, false, 0},
    [P_RFIRST] = {"review_first", AH_JSON_INT, false, 0},
    [P_RRATE] = {"review_rate_percent", AH_JSON_INT, false, 0},
    [P_PAPPR] = {"promote_approved", AH_JSON_INT, false, 0},
    [P_PCLEAN] = {"promote_clean_days", AH_JSON_INT, false, 0},
    [P_BDAYS] = {"business_days", AH_JSON_STRINGS, false, 7},
    [P_BSTART] = {"business_start", AH_JSON_STRING, false, 5},
    [P_BEND] = {"business_end", AH_JSON_STRING, false, 5},
};
const size_t ah_api_policy_nfields = P_N;

void ah_api_policy_get(struct ah_req *r)
{
    struct ah_policy p;
    struct ah_error err;

    if (ah_policy_get(&r->cx, &p, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_policy(ah_http_body(r), &p);
    ah_http_reply_body(r, 200);
}

/* A number the domain range-checks; one that is negative or huge here is
 * out of every range, so it is clamped to stay "given" and fail there. */
static int64_t given(const struct ah_json_value *v)
{
    if (!v->present)
        return -1;
    return v->i < 0 ? INT32_MAX : v->i;
}

void ah_api_policy_update(struct ah_req *r)
{
    struct ah_json_value v[P_N];
    struct ah_policy_input in;
    struct ah_policy p;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_policy_fields, P_N, v))
        return;
    ah_policy_input_init(&in);
    if (v[P_CADENCE].present) {
        enum ah_cadence c;

        if (!ah_cadence_parse(v[P_CADENCE].s, &c)) {
            ah_http_reply_fail(r, AH_E_INVALID, "cadence must be weekly or weeks_per_year");
            return;
        }
        in.cadence = (int)c;
    }
    in.weekly_minutes = given(&v[P_WEEKLY]);
    in.weeks_per_year = given(&v[P_WPY]);
    if (v[P_ONBOARD].present)
        in.onboarding_week = v[P_ONBOARD].b;
    if (v[P_TZ].present)
        in.timezone = v[P_TZ].s;
    in.week_start = v[P_WSTART].present ? (int)(given(&v[P_WSTART]) > 6 ? 7 : v[P_WSTART].i) : -1;
    in.idle_timeout_s = given(&v[P_IDLE]);
    in.ladder_remind = given(&v[P_REMIND]);
    in.ladder_manager = given(&v[P_MANAGER]);
    in.ladder_report = given(&v[P_REPORT]);
    in.max_exemption_weeks = given(&v[P_MAXEX]);
    in.default_tier = v[P_DTIER].present ? (int)(given(&v[P_DTIER]) > 9 ? 9 : v[P_DTIER].i) : -1;
    if (v[P_RESERVE].present)
        in.reserve_on = v[P_RESERVE].b;
    in.reserve_age_s = v[P_RESAGE].present ? given(&v[P_RESAGE]) * 60 : -1;
    in.review_first = given(&v[P_RFIRST]);
    in.review_rate = given(&v[P_RRATE]);
    in.promote_approved = given(&v[P_PAPPR]);
    in.promote_clean_days = given(&v[P_PCLEAN]);
    if (v[P_BDAYS].present) {
        static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

        in.business_days = 0;
        for (size_t i = 0; i < v[P_BDAYS].n; i++) {
            int d;

            if (!ah_str_index(v[P_BDAYS].items[i], days, 7, &d)) {
                ah_http_reply_fail(r, AH_E_INVALID, "business_days: mon, tue, wed, thu, fri, "
                                                    "sat or sun");
                return;
            }
            in.business_days |= 1 << d;
        }
    }
    if ((v[P_BSTART].present && !clock_minutes(v[P_BSTART].s, &in.business_start)) ||
        (v[P_BEND].present && !clock_minutes(v[P_BEND].s, &in.business_end))) {
        ah_http_reply_fail(r, AH_E_INVALID, "business_start and business_end: a time of day, "
                                            "HH:MM (24:00 ends the day)");
        return;
    }
    if (ah_policy_update(&r->cx, &in, &p, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_policy(ah_http_body(r), &p);
    ah_http_reply_body(r, 200);
}

/* ---- exemptions ---- */

enum { E_PERSON, E_REASON, E_STARTS, E_ENDS, E_N };

const struct ah_json_field ah_api_exemption_fields[] = {
    [E_PERSON] = {"person_id", AH_JSON_INT, true, 0},
    [E_REASON] = {"reason", AH_JSON_STRING, true, AH_MAX_REASON},
    [E_STARTS] = {"starts_on", AH_JSON_STRING, false, 10},
    [E_ENDS] = {"ends_on", AH_JSON_STRING, false, 10},
};
const size_t ah_api_exemption_nfields = E_N;

void ah_api_exemptions_create(struct ah_req *r)
{
    struct ah_json_value v[E_N];
    struct ah_exemption e;
    struct ah_error err;
    int64_t starts = INT64_MIN, ends = INT64_MIN;

    if (!ah_api_body(r, ah_api_exemption_fields, E_N, v))
        return;
    if ((v[E_STARTS].present && !ah_day_parse(v[E_STARTS].s, &starts)) ||
        (v[E_ENDS].present && !ah_day_parse(v[E_ENDS].s, &ends))) {
        ah_http_reply_fail(r, AH_E_INVALID, "starts_on and ends_on are dates like 2026-11-30");
        return;
    }
    if (ah_exemption_grant(&r->cx, v[E_PERSON].i, v[E_REASON].s, starts, ends, &e, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_exemption(ah_http_body(r), &e);
    ah_http_reply_body(r, 201);
}

void ah_api_exemptions_end(struct ah_req *r)
{
    struct ah_exemption e;
    struct ah_error err;

    if (ah_exemption_end(&r->cx, r->id, &e, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_exemption(ah_http_body(r), &e);
    ah_http_reply_body(r, 200);
}

/* ?person_id=, and ?from= / ?to= days (default: today's and later ones) */
void ah_api_exemptions_list(struct ah_req *r)
{
    struct ah_exemption *items;
    size_t n = 0;
    int64_t person, from, to, today = ah_clock_now() / 86400000;
    struct ah_error err;

    if (!ah_api_query_int(r, "person_id", 1, INT64_MAX, 0, &person) ||
        !ah_api_query_day(r, "from", today - 1, &from) || !ah_api_query_day(r, "to", INT64_MAX / 2, &to))
        return;
    if (ah_exemption_list(&r->cx, person, from, to, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_list(r, items, n, sizeof(*items), ah_json_item_exemption);
}

/* ---- the clock ---- */

static void reply_clock(struct ah_req *r, int status)
{
    struct ah_work_session w;
    struct ah_buf *b = ah_http_body(r);
    bool open = false;
    struct ah_error err;

    if (ah_clock_state(&r->cx, &w, &open, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_buf_appends(b, open ? "{\"clocked_in\":true,\"session\":" : "{\"clocked_in\":false,"
                                                                    "\"session\":", NULL);
    if (w.id)
        ah_json_put_work_session(b, &w);
    else
        ah_buf_appends(b, "null", NULL);
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, status);
}

void ah_api_clock_get(struct ah_req *r)
{
    reply_clock(r, 200);
}

/* Clocks in or out with act, then answers the clock's state. */
static void clock_act(struct ah_req *r,
                      enum ah_err (*act)(struct ah_ctx *, struct ah_work_session *,
                                         struct ah_error *))
{
    struct ah_work_session w;
    struct ah_error err;

    if (act(&r->cx, &w, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_clock(r, 200);
}

void ah_api_clock_in(struct ah_req *r)
{
    clock_act(r, ah_clock_in);
}

void ah_api_clock_out(struct ah_req *r)
{
    clock_act(r, ah_clock_out);
}

/* The request itself was the activity (see ah_access_resolve): answer the state. */
void ah_api_clock_heartbeat(struct ah_req *r)
{
    reply_clock(r, 200);
}

/* ---- the ledger and sessions ---- */

static void put_csv_row(struct ah_buf *b, const struct ah_ledger_week *w)
{
    char day[16];
    int y, m, d;

    ah_civil_from_days(w->week.first_day, &y, &m, &d);
    snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
    ah_buf_appendf(b, NULL, "%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
                   ",%" PRId64 ",%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
                   "\r\n",
                   w->week.label, day, w->required_min, w->planned_ms / 60000,
                   w->worked_ms / 60000, w->tickets, w->replies, w->exempt_days,
                   w->met ? "met" : "behind", w->escalations, w->reviews.given,
                   w->reviews.held, w->reviews.approved, w->reviews.returned);
}

/* ?week=YYYY-Www (default: the current one) &weeks=N back from it when no
 * week is given, forward from it otherwise; &format=csv */
void ah_api_ledger(struct ah_req *r)
{
    struct ah_ledger_week *rows;
    struct ah_str format = ah_router_query(r->query, r->nquery, "format");
    int64_t count;
    int year, week;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week) ||
        !ah_api_query_int(r, "weeks", 1, AH_LEDGER_MAX_WEEKS, 1, &count))
        return;
    if (format.p && !ah_str_eq_c(format, "csv") && !ah_str_eq_c(format, "json")) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "format must be json or csv");
        return;
    }
    rows = ah_arena_alloc(&r->arena, (size_t)count * sizeof(*rows));
    if (ah_ledger(&r->cx, r->id, year, week, (int)count, rows, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (format.p && ah_str_eq_c(format, "csv")) {
        struct ah_buf b;

        ah_buf_init(&b, AH_MAX_RESPONSE);
        ah_buf_appends(&b, "week,first_day,required_minutes,planned_minutes,worked_minutes,"
                           "tickets,replies,exempt_days,status,escalations,reviews_given,"
                           "replies_held,replies_approved,replies_returned\r\n",
                       NULL);
        for (int64_t i = 0; i < count; i++)
            put_csv_row(&b, &rows[i]);
        ah_http_reply_header(r, "Content-Disposition", "attachment; filename=\"ledger.csv\"");
        ah_http_reply_text(r, 200, &b, "text/csv; charset=utf-8");
        ah_buf_release(&b);
        return;
    }
    ah_buf_appends(ah_http_body(r), "{\"person_id\":", NULL);
    ah_buf_appendf(ah_http_body(r), NULL, "%" PRId64 ",\"weeks\":[", r->id);
    for (int64_t i = 0; i < count; i++) {
        if (i)
            ah_buf_appends(ah_http_body(r), ",", NULL);
        ah_json_put_ledger_week(ah_http_body(r), &rows[i]);
    }
    ah_buf_appends(ah_http_body(r), "]}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_work_list(struct ah_req *r)
{
    struct ah_work_session *items;
    struct ah_week w;
    size_t n = 0;
    int year, week;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week))
        return;
    if (ah_person_week(&r->cx, r->id, year, week, &w, &err) ||
        ah_work_list(&r->cx, r->id, w.start_ms, w.end_ms, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_list(r, items, n, sizeof(*items), ah_json_item_work_session);
}

enum { W_START, W_END, W_REASON, W_N };

const struct ah_json_field ah_api_work_fields[] = {
    [W_START] = {"start", AH_JSON_STRING, true, 40},
    [W_END] = {"end", AH_JSON_STRING, true, 40},
    [W_REASON] = {"reason", AH_JSON_STRING, true, AH_MAX_REASON},
};
const size_t ah_api_work_nfields = W_N;

/* start and end of a body: local times read in the actor's zone */
static bool body_span(struct ah_req *r, const struct ah_json_value *start,
                      const struct ah_json_value *end, int64_t *s, int64_t *e)
{
    struct ah_error err;
    const char *tz = r->actor.timezone;

    if (ah_time_parse_in(tz, "start", start->s, s, &err) ||
        ah_time_parse_in(tz, "end", end->s, e, &err)) {
        ah_api_fail(r, &err);
        return false;
    }
    return true;
}

/* A lead's time entry: added to person {id} (act is ah_work_add) or
 * correcting session {id} (ah_work_correct), answered with status. */
static void work_entry(struct ah_req *r,
                       enum ah_err (*act)(struct ah_ctx *, int64_t, int64_t, int64_t,
                                          struct ah_str, struct ah_work_session *,
                                          struct ah_error *),
                       int status)
{
    struct ah_json_value v[W_N];
    struct ah_work_session w;
    int64_t s, e;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_work_fields, W_N, v) ||
        !body_span(r, &v[W_START], &v[W_END], &s, &e))
        return;
    if (act(&r->cx, r->id, s, e, v[W_REASON].s, &w, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_work_session(ah_http_body(r), &w);
    ah_http_reply_body(r, status);
}

void ah_api_work_add(struct ah_req *r)
{
    work_entry(r, ah_work_add, 201);
}

void ah_api_work_correct(struct ah_req *r)
{
    work_entry(r, ah_work_correct, 200);
}

/* ---- blocks ---- */

enum { B_START, B_END, B_N };

const struct ah_json_field ah_api_block_fields[] = {
    [B_START] = {"start", AH_JSON_STRING, true, 40},
    [B_END] = {"end", AH_JSON_STRING, true, 40},
};
const size_t ah_api_block_nfields = B_N;

static void reply_block(struct ah_req *r, const struct ah_block *b, int status)
{
    ah_json_put_block(ah_http_body(r), b, r->actor.timezone);
    ah_http_reply_body(r, status);
}

void ah_api_blocks_create(struct ah_req *r)
{
    struct ah_json_value v[B_N];
    struct ah_block b;
    int64_t s, e;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_block_fields, B_N, v) ||
        !body_span(r, &v[B_START], &v[B_END], &s, &e))
        return;
    if (ah_block_add(&r->cx, s, e, &b, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_block(r, &b, 201);
}

void ah_api_blocks_update(struct ah_req *r)
{
    struct ah_json_value v[B_N];
    struct ah_block b;
    int64_t s, e;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_block_fields, B_N, v) ||
        !body_span(r, &v[B_START], &v[B_END], &s, &e))
        return;
    if (ah_block_move(&r->cx, r->id, s, e, &b, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_block(r, &b, 200);
}

void ah_api_blocks_delete(struct ah_req *r)
{
    struct ah_error err;

    if (ah_block_remove(&r->cx, r->id, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}

/* ?person_id= (default: one's own) &week=YYYY-Www (default: the current one) */
void ah_api_blocks_list(struct ah_req *r)
{
    struct ah_block *items;
    struct ah_week w;
    struct ah_buf *b = ah_http_body(r);
    size_t n = 0;
    int64_t person;
    int year, week;
    struct ah_error err;

    if (!ah_api_query_int(r, "person_id", 1, INT64_MAX, r->actor.id, &person) ||
        !ah_api_query_week(r, "week", &year, &week))
        return;
    if (ah_person_week(&r->cx, person, year, week, &w, &err) ||
        ah_block_list(&r->cx, person, w.start_ms, w.end_ms, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_buf_appends(b, "{\"week\":", NULL);
    ah_json_put_str(b, w.label);
    ah_buf_appends(b, ",\"start\":", NULL);
    ah_json_put_time(b, w.start_ms);
    ah_buf_appends(b, ",\"end\":", NULL);
    ah_json_put_time(b, w.end_ms);
    ah_buf_appends(b, ",\"items\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        ah_json_put_block(b, &items[i], r->actor.timezone);
    }
    ah_buf_appends(b, "]}", NULL);
    ah_http_reply_body(r, 200);
}

/* ---- the calendar feed ---- */

void ah_api_calendar_rotate(struct ah_req *r)
{
    char secret[AH_SECRET_MAX];
    struct ah_buf *b = ah_http_body(r);
    struct ah_error err;

    if (ah_calendar_rotate(&r->cx, secret, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_buf_appends(b, "{\"path\":", NULL);
    ah_buf_appendf(b, NULL, "\"/api/v1/calendar.ics?token=%s\"", secret);
    ah_buf_appends(b, ",\"token\":", NULL);
    ah_json_put_str(b, secret);
    ah_buf_appends(b, "}", NULL);
    ah_crypto_wipe(secret, sizeof(secret));
    ah_http_reply_body(r, 201);
}

void ah_api_calendar_feed(struct ah_req *r)
{
    struct ah_buf b;
    struct ah_error err;

    ah_buf_init(&b, AH_MAX_RESPONSE);
    if (ah_calendar_feed(&r->cx, ah_router_query(r->query, r->nquery, "token"), &b, &err)) {
        ah_buf_release(&b);
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_text(r, 200, &b, "text/calendar; charset=utf-8");
    ah_buf_release(&b);
}

/* ---- the test clock ---- */

enum { C_NOW, C_ADVANCE, C_N };

const struct ah_json_field ah_api_test_clock_fields[] = {
    [C_NOW] = {"now", AH_JSON_STRING, false, 40},
    [C_ADVANCE] = {"advance_seconds", AH_JSON_INT, false, 0},
};
const size_t ah_api_test_clock_nfields = C_N;

/* Only under `serve --test-clock`: elsewhere the route answers as if it did
 * not exist. Admins set the time or move it on. */
void ah_api_test_clock(struct ah_req *r)
{
    struct ah_json_value v[C_N];
    int64_t t = ah_clock_now();
    struct ah_error err;

    if (!ah_clock_is_test()) {
        ah_http_reply_fail(r, AH_E_NOT_FOUND, "no such resource");
        return;
    }
    if (r->actor.role != AH_ROLE_ADMIN) {
        ah_http_reply_fail(r, AH_E_FORBIDDEN, "only admins move the test clock");
        return;
    }
    if (!ah_api_body(r, ah_api_test_clock_fields, C_N, v))
        return;
    if (v[C_NOW].present && ah_time_parse_in("UTC", "now", v[C_NOW].s, &t, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (v[C_ADVANCE].present) {
        if (v[C_ADVANCE].i < 0 || v[C_ADVANCE].i > 366LL * 86400) {
            ah_http_reply_fail(r, AH_E_INVALID,
                               "advance_seconds must be from 0 to a year: time only moves on");
            return;
        }
        t += v[C_ADVANCE].i * 1000;
    }
    ah_clock_set(t);
    ah_buf_appends(ah_http_body(r), "{\"now\":", NULL);
    ah_json_put_time(ah_http_body(r), t);
    ah_buf_appends(ah_http_body(r), "}", NULL);
    ah_http_reply_body(r, 200);
}

/* ---- reports, coverage, the inbox, webhooks ---- */

static const char *status_name(enum ah_week_status s)
{
    switch (s) {
    case AH_WEEK_MET:
        return "met";
    case AH_WEEK_BEHIND:
        return "behind";
    case AH_WEEK_EXEMPT:
        return "exempt";
    case AH_WEEK_NOT_REQUIRED:
        break;
    }
    return "not_required";
}

static void put_share(struct ah_buf *b, int64_t met, int64_t required)
{
    if (required)
        ah_buf_appendf(b, NULL, "%.4f", (double)met / (double)required);
    else
        ah_buf_appends(b, "null", NULL);
}

static void put_rollups(struct ah_buf *b, const char *key, const struct ah_report_rollup *r,
                        size_t n, bool managers)
{
    ah_buf_appendf(b, NULL, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        ah_buf_appends(b, i ? ",{" : "{", NULL);
        if (managers)
            ah_buf_appendf(b, NULL, "\"manager_id\":%" PRId64 ",", r[i].manager_id);
        ah_buf_appends(b, managers ? "\"name\":" : "\"department\":", NULL);
        ah_json_put_str(b, r[i].name);
        ah_buf_appendf(b, NULL,
                       ",\"required\":%" PRId64 ",\"met\":%" PRId64 ",\"behind\":%" PRId64
                       ",\"exempt\":%" PRId64 ",\"share\":",
                       r[i].required, r[i].met, r[i].behind, r[i].exempt);
        put_share(b, r[i].met, r[i].required);
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appends(b, "]", NULL);
}

/* CSV cells are ours or names: quoted, quotes doubled; a leading = + - @ is
 * defused so a spreadsheet does not run it */
static void csv_cell(struct ah_buf *b, const char *s)
{
    ah_buf_appends(b, "\"", NULL);
    if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
        ah_buf_appends(b, "'", NULL);
    for (; *s; s++)
        ah_buf_append(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1, NULL);
    ah_buf_appends(b, "\"", NULL);
}

static void report_csv(struct ah_req *r, const struct ah_report *rep)
{
    struct ah_buf b;
    char disposition[64];

    ah_buf_init(&b, AH_MAX_RESPONSE);
    ah_buf_appends(&b, "week,person_id,name,email,department,leader,status,required_minutes,"
                       "worked_minutes,planned_minutes,weeks_behind,ladder,exemption,escalations\r\n",
                   NULL);
    for (size_t i = 0; i < rep->npeople; i++) {
        const struct ah_report_person *p = &rep->people[i];

        ah_buf_appendf(&b, NULL, "%s,%" PRId64 ",", rep->week.label, p->person.id);
        csv_cell(&b, p->person.name);
        ah_buf_appends(&b, ",", NULL);
        csv_cell(&b, p->person.email);
        ah_buf_appends(&b, ",", NULL);
        csv_cell(&b, p->person.department);
        ah_buf_appendf(&b, NULL, ",%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,",
                       p->person.leader ? "yes" : "no", status_name(p->status),
                       p->ledger.required_min, p->ledger.worked_ms / 60000,
                       p->ledger.planned_ms / 60000, p->weeks_behind,
                       p->ladder ? p->ladder : "");
        csv_cell(&b, p->exemption ? p->exemption->reason : "");
        ah_buf_appendf(&b, NULL, ",%" PRId64 "\r\n", p->ledger.escalations);
    }
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"compliance-%s.csv\"",
             rep->week.label);
    ah_http_reply_header(r, "Content-Disposition", ah_arena_strdup(&r->arena, disposition));
    ah_http_reply_text(r, 200, &b, "text/csv; charset=utf-8");
    ah_buf_release(&b);
}

/* ?week=YYYY-Www (default: the week that ended last) &format=csv */
void ah_api_report_compliance(struct ah_req *r)
{
    struct ah_report rep;
    struct ah_buf *b = ah_http_body(r);
    struct ah_str format = ah_router_query(r->query, r->nquery, "format");
    int year, week;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week))
        return;
    if (format.p && !ah_str_eq_c(format, "csv") && !ah_str_eq_c(format, "json")) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "format must be json or csv");
        return;
    }
    if (ah_report_compliance(&r->cx, year, week, &rep, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    if (format.p && ah_str_eq_c(format, "csv")) {
        report_csv(r, &rep);
        return;
    }
    ah_buf_appends(b, "{\"week\":", NULL);
    ah_json_put_str(b, rep.week.label);
    ah_buf_appends(b, ",\"first_day\":", NULL);
    ah_json_put_day(b, rep.week.first_day);
    ah_buf_appends(b, ",\"timezone\":", NULL);
    ah_json_put_str(b, rep.timezone);
    ah_buf_appendf(b, NULL, ",\"in_progress\":%s", rep.in_progress ? "true" : "false");
    ah_buf_appends(b, ",\"start\":", NULL);
    ah_json_put_time(b, rep.week.start_ms);
    ah_buf_appends(b, ",\"end\":", NULL);
    ah_json_put_time(b, rep.week.end_ms);
    ah_buf_appendf(b, NULL,
                   ",\"totality\":{\"required\":%" PRId64 ",\"met\":%" PRId64
                   ",\"behind\":%" PRId64 ",\"exempt\":%" PRId64 ",\"share\":",
                   rep.required, rep.met, rep.behind, rep.exempt);
    put_share(b, rep.met, rep.required);
    ah_buf_appends(b, "},\"people\":[", NULL);
    for (size_t i = 0; i < rep.npeople; i++) {
        const struct ah_report_person *p = &rep.people[i];

        ah_buf_appendf(b, NULL, "%s{\"person_id\":%" PRId64 ",\"name\":", i ? "," : "",
                       p->person.id);
        ah_json_put_str(b, p->person.name);
        ah_buf_appends(b, ",\"email\":", NULL);
        ah_json_put_str(b, p->person.email);
        ah_buf_appends(b, ",\"department\":", NULL);
        ah_json_put_str(b, p->person.department);
        ah_buf_appendf(b, NULL, ",\"manager_id\":");
        if (p->person.manager_id)
            ah_buf_appendf(b, NULL, "%" PRId64, p->person.manager_id);
        else
            ah_buf_appends(b, "null", NULL);
        ah_buf_appendf(b, NULL, ",\"leader\":%s,\"role\":", p->person.leader ? "true" : "false");
        ah_json_put_str(b, ah_people_role_name(p->person.role));
        ah_buf_appendf(b, NULL,
                       ",\"status\":\"%s\",\"required_minutes\":%" PRId64
                       ",\"worked_minutes\":%" PRId64 ",\"planned_minutes\":%" PRId64
                       ",\"escalations\":%" PRId64 ",\"weeks_behind\":%" PRId64 ",\"ladder\":",
                       status_name(p->status), p->ledger.required_min,
                       p->ledger.worked_ms / 60000, p->ledger.planned_ms / 60000,
                       p->ledger.escalations, p->weeks_behind);
        ah_json_put_str(b, p->ladder);
        ah_buf_appends(b, ",\"support_weeks\":", NULL);
        if (p->yearly)
            ah_buf_appendf(b, NULL,
                           "{\"year\":%d,\"required\":%" PRId64 ",\"booked\":%" PRId64
                           ",\"onboarding_booked\":%s}",
                           p->support.year, p->support.required, p->support.booked,
                           !p->support.onboarding       ? "null"
                           : p->support.onboarding_booked ? "true"
                                                          : "false");
        else
            ah_buf_appends(b, "null", NULL);
        ah_buf_appends(b, ",\"exemption\":", NULL);
        if (p->exemption) {
            ah_buf_appends(b, "{\"id\":", NULL);
            ah_buf_appendf(b, NULL, "%" PRId64 ",\"reason\":", p->exemption->id);
            ah_json_put_str(b, p->exemption->reason);
            ah_buf_appends(b, ",\"ends_on\":", NULL);
            ah_json_put_day(b, p->exemption->ends_on);
            ah_buf_appends(b, "}", NULL);
        } else {
            ah_buf_appends(b, "null", NULL);
        }
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appends(b, "]", NULL);
    put_rollups(b, "departments", rep.departments, rep.ndepartments, false);
    put_rollups(b, "managers", rep.managers, rep.nmanagers, true);
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_coverage(struct ah_req *r)
{
    int64_t counts[AH_WEEK_HOURS_MAX];
    struct ah_week w;
    struct ah_buf *b = ah_http_body(r);
    const struct ah_tz *z;
    const char *timezone = NULL;
    int year, week, nhours = 0;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week))
        return;
    if (ah_coverage(&r->cx, year, week, &w, &timezone, counts, &nhours, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    z = ah_tz_get(timezone, &err);
    ah_buf_appends(b, "{\"week\":", NULL);
    ah_json_put_str(b, w.label);
    ah_buf_appends(b, ",\"timezone\":", NULL);
    ah_json_put_str(b, timezone);
    ah_buf_appends(b, ",\"start\":", NULL);
    ah_json_put_time(b, w.start_ms);
    ah_buf_appends(b, ",\"end\":", NULL);
    ah_json_put_time(b, w.end_ms);
    ah_buf_appends(b, ",\"hours\":[", NULL);
    for (int h = 0; h < nhours; h++) {
        int64_t t = w.start_ms + (int64_t)h * 3600000;
        struct ah_civil c = {0};

        if (z)
            ah_tz_to_local(z, t, &c);
        ah_buf_appends(b, h ? ",{\"start\":" : "{\"start\":", NULL);
        ah_json_put_time(b, t);
        ah_buf_appendf(b, NULL,
                       ",\"local\":\"%04d-%02d-%02dT%02d:%02d\",\"planned\":%" PRId64 "}",
                       c.year, c.month, c.day, c.hour, c.minute, counts[h]);
    }
    ah_buf_appends(b, "]}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_notifications_list(struct ah_req *r)
{
    struct ah_notification *items;
    struct ah_buf *b = ah_http_body(r);
    size_t n = 0;
    int limit;
    int64_t cursor;
    struct ah_error err;

    if (!ah_api_page(r, &limit, &cursor))
        return;
    if (ah_notification_list(&r->cx, cursor, limit, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_buf_appends(b, "{\"items\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        ah_buf_appendf(b, NULL, "%s{\"id\":%" PRId64 ",\"kind\":", i ? "," : "", items[i].id);
        ah_json_put_str(b, items[i].kind);
        ah_buf_appends(b, ",\"subject_id\":", NULL);
        if (items[i].subject_id)
            ah_buf_appendf(b, NULL, "%" PRId64, items[i].subject_id);
        else
            ah_buf_appends(b, "null", NULL);
        ah_buf_appends(b, ",\"week_first_day\":", NULL);
        if (items[i].week_day)
            ah_json_put_day(b, items[i].week_day);
        else
            ah_buf_appends(b, "null", NULL);
        ah_buf_appends(b, ",\"body\":", NULL);
        ah_json_put_str(b, items[i].body);
        ah_buf_appends(b, ",\"created_at\":", NULL);
        ah_json_put_time(b, items[i].created_at);
        ah_buf_appends(b, ",\"read_at\":", NULL);
        ah_json_put_time(b, items[i].read_at);
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appends(b, "],\"next_cursor\":", NULL);
    ah_json_put_str(b, ah_http_id_cursor(r, n ? items[n - 1].id : 0, n, limit));
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_notifications_read(struct ah_req *r)
{
    struct ah_error err;

    if (ah_notification_read(&r->cx, r->id, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}

enum { H_URL, H_N };

const struct ah_json_field ah_api_webhook_fields[] = {
    [H_URL] = {"url", AH_JSON_STRING, true, AH_MAX_URL},
};
const size_t ah_api_webhook_nfields = H_N;

static void put_webhook(struct ah_buf *b, const struct ah_webhook *w, const char *secret)
{
    ah_buf_appendf(b, NULL, "{\"id\":%" PRId64 ",\"url\":", w->id);
    ah_json_put_str(b, w->url);
    ah_buf_appends(b, ",\"created_at\":", NULL);
    ah_json_put_time(b, w->created_at);
    ah_buf_appendf(b, NULL, ",\"pending\":%" PRId64, w->pending);
    if (secret) {
        ah_buf_appends(b, ",\"secret\":", NULL);
        ah_json_put_str(b, secret);
    }
    ah_buf_appends(b, "}", NULL);
}

void ah_api_webhooks_create(struct ah_req *r)
{
    struct ah_json_value v[H_N];
    struct ah_webhook w;
    char secret[AH_WEBHOOK_SECRET_MAX];
    struct ah_error err;

    if (!ah_api_body(r, ah_api_webhook_fields, H_N, v))
        return;
    if (ah_webhook_create(&r->cx, v[H_URL].s, &w, secret, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_webhook(ah_http_body(r), &w, secret);
    ah_crypto_wipe(secret, sizeof(secret));
    ah_http_reply_body(r, 201);
}

void ah_api_webhooks_list(struct ah_req *r)
{
    struct ah_webhook *items;
    struct ah_buf *b = ah_http_body(r);
    size_t n = 0;
    struct ah_error err;

    if (ah_webhook_list(&r->cx, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_buf_appends(b, "{\"items\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        put_webhook(b, &items[i], NULL);
    }
    ah_buf_appends(b, "],\"next_cursor\":null}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_webhooks_delete(struct ah_req *r)
{
    struct ah_error err;

    if (ah_webhook_delete(&r->cx, r->id, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}

/* ---- support weeks ---- */

static void put_support_year(struct ah_buf *b, const struct ah_support_year *y)
{
    ah_buf_appendf(b, NULL, "{\"year\":%d,\"cadence\":", y->year);
    ah_json_put_str(b, ah_cadence_name(y->cadence));
    ah_buf_appendf(b, NULL, ",\"required\":%" PRId64 ",\"booked\":%" PRId64 ",\"onboarding\":",
                   y->required, y->booked);
    if (y->onboarding) {
        ah_buf_appends(b, "{\"by\":", NULL);
        ah_json_put_day(b, y->onboarding_by);
        ah_buf_appendf(b, NULL, ",\"booked\":%s}", y->onboarding_booked ? "true" : "false");
    } else {
        ah_buf_appends(b, "null", NULL);
    }
    ah_buf_appends(b, ",\"items\":[", NULL);
    for (size_t i = 0; i < y->nweeks; i++) {
        char label[16];

        ah_support_week_label(y, i, label);
        ah_buf_appends(b, i ? ",{\"week\":" : "{\"week\":", NULL);
        ah_json_put_str(b, label);
        ah_buf_appends(b, ",\"first_day\":", NULL);
        ah_json_put_day(b, y->weeks[i].week_day);
        ah_buf_appends(b, "}", NULL);
    }
    ah_buf_appends(b, "]}", NULL);
}

/* ?person_id= (default: one's own) &year= (default: this one) */
void ah_api_support_weeks_list(struct ah_req *r)
{
    struct ah_support_year y;
    int64_t person, year;
    struct ah_error err;

    if (!ah_api_query_int(r, "person_id", 1, INT64_MAX, r->actor.id, &person) ||
        !ah_api_query_int(r, "year", 1970, 9999, 0, &year))
        return;
    if (ah_support_year_get(&r->cx, person, (int)year, &y, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_support_year(ah_http_body(r), &y);
    ah_http_reply_body(r, 200);
}

enum { S_WEEK, S_N };

const struct ah_json_field ah_api_support_week_fields[] = {
    [S_WEEK] = {"week", AH_JSON_STRING, true, 8},
};
const size_t ah_api_support_week_nfields = S_N;

void ah_api_support_weeks_book(struct ah_req *r)
{
    struct ah_json_value v[S_N];
    struct ah_week w;
    int year, week;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_support_week_fields, S_N, v))
        return;
    if (!ah_iso_week_parse(v[S_WEEK].s.p, v[S_WEEK].s.len, &year, &week)) {
        ah_http_reply_fail(r, AH_E_INVALID, "week must be an ISO week like 2026-W50");
        return;
    }
    if (ah_support_week_book(&r->cx, year, week, &w, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_buf_appends(ah_http_body(r), "{\"week\":", NULL);
    ah_json_put_str(ah_http_body(r), w.label);
    ah_buf_appends(ah_http_body(r), ",\"first_day\":", NULL);
    ah_json_put_day(ah_http_body(r), w.first_day);
    ah_buf_appends(ah_http_body(r), "}", NULL);
    ah_http_reply_body(r, 201);
}

/* ?week=YYYY-Www */
void ah_api_support_weeks_cancel(struct ah_req *r)
{
    int year, week;
    struct ah_error err;

    if (!ah_api_query_week(r, "week", &year, &week))
        return;
    if (!year) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "say which week: ?week=2026-W50");
        return;
    }
    if (ah_support_week_cancel(&r->cx, year, week, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}
