/* digest.h - the weekly program digest: what the program did in a week of
 * the organization and what the queue taught the company, as one document
 * (JSON, a web page, CSV tables, SVG charts, and an email sent through the
 * mail outbox to everyone who subscribes: leads and leaders by default).
 * Any past week can be opened. */
#ifndef AH_DOMAIN_DIGEST_H
#define AH_DOMAIN_DIGEST_H

#include "core/buf.h"
#include "domain/ctx.h"
#include "domain/groups.h"
#include "domain/intake.h"
#include "domain/launch.h"
#include "domain/program.h"

#define AH_DIGEST_TOP 10   /* repeated questions, kudos quotes */

/* Per department of the company (the department of whoever did it). */
struct ah_digest_department {
    const char *department;
    int64_t people, required, met; /* the program: people required this week, and met */
    int64_t worked_ms;
    int64_t replies, member_replies; /* replies written, of them by members (not pros) */
    int64_t responses;               /* first responses, and how long they took */
    int64_t fr_median_ms, fr_p90_ms;
    int64_t solved;                  /* solved by an assignee of the department */
    int64_t res_median_ms, res_p90_ms;
};

struct ah_digest_question {
    struct ah_group_view v;
    int64_t this_week;       /* tickets this week */
    int64_t after_fix;       /* of them, after its fix shipped */
};

struct ah_digest_regression {
    int64_t group_id;
    const char *group;
    int64_t fix_id;
    const char *fix;
    const char *owner;
    int64_t tickets;
};

struct ah_digest_style {
    const char *rule;
    int64_t hits, overrides;
};

struct ah_digest_launch {
    struct ah_launch l;
    int64_t cost;            /* tickets with its tags in the week from its day */
};

struct ah_digest {
    struct ah_week_span week;
    const char *timezone;
    bool in_progress;        /* the week has not ended */
    bool business_hours;     /* times below are in business hours, else wall-clock */
    /* the program: compliance and totality, hours */
    int64_t required, met, behind, exempt;
    int64_t worked_ms;
    /* who answered */
    int64_t tickets_answered, answered_by_members;
    int64_t replies, member_replies;
    struct ah_review_outcomes reviews;
    struct ah_digest_style *style;
    size_t nstyle;
    /* what the queue taught */
    struct ah_digest_question *questions;
    size_t nquestions;
    struct ah_digest_regression *regressions;
    size_t nregressions;
    int64_t after_fix;
    struct ah_intake_report escalations;
    struct ah_route_back_count *route_backs;
    size_t nroute_backs;
    struct ah_digest_launch *launches;
    size_t nlaunches;
    struct ah_kudos *kudos;
    size_t nkudos;
    /* queue health */
    int64_t responses, fr_median_ms, fr_p90_ms;
    int64_t solved, res_median_ms, res_p90_ms;
    struct ah_digest_breaches breaches;
    struct ah_digest_backlog backlog; /* now, for the current week; at its end, else
                                         (tickets open now that were open then) */
    struct ah_digest_department *departments;
    size_t ndepartments;
};

/* The digest of the week labelled year-Www (year 0: the week that ended
 * last). Leads and leaders. */
enum ah_err ah_digest_week(struct ah_ctx *cx, int year, int week, struct ah_digest *out,
                           struct ah_error *err);

/* Nearest-rank percentile (p in (0, 1]) of n values sorted in place: the
 * value at rank ceil(p * n); 0 for none. */
int64_t ah_digest_percentile(int64_t *v, size_t n, double p);

/* The tables of a digest, each also a CSV download. */
extern const char *const ah_digest_tables[];
extern const size_t ah_digest_ntables;
/* One table as CSV (RFC 4180, header row first); AH_E_NOT_FOUND for an
 * unknown name. */
enum ah_err ah_digest_csv(const struct ah_digest *d, const char *table, struct ah_buf *out,
                          struct ah_error *err);

/* Its charts, as SVG drawn here: "questions", "backlog", "departments",
 * "escalations". */
extern const char *const ah_digest_charts[];
extern const size_t ah_digest_ncharts;
enum ah_err ah_digest_svg(const struct ah_digest *d, const char *chart, struct ah_buf *out,
                          struct ah_error *err);

/* The digest as a self-contained HTML page (the email's HTML part). */
enum ah_err ah_digest_html(const struct ah_digest *d, struct ah_buf *out, struct ah_error *err);
/* ... and as plain text (the email's text part). */
enum ah_err ah_digest_text(const struct ah_digest *d, struct ah_buf *out, struct ah_error *err);

/* Whether cx's actor gets the digest by mail, and the change of it. Only
 * who may read the digest subscribes. */
enum ah_err ah_digest_subscription(struct ah_ctx *cx, bool *subscribed, struct ah_error *err);
enum ah_err ah_digest_subscribe(struct ah_ctx *cx, bool subscribed, struct ah_error *err);

/* Background upkeep: once the week is over (and once across servers), the
 * digest of the week that ended last goes to every subscriber through the
 * mail outbox. *last_sent caches the week (its first day) known to have gone
 * out (0 at first): nothing is read again until the next week. *sent:
 * messages queued (0 when it went out already, or mail is not configured). */
enum ah_err ah_digest_send_due(struct ah_ctx *cx, int64_t *last_sent, int64_t *sent,
                               struct ah_error *err);

#endif
