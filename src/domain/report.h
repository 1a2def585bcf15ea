/* report.h - what the program tells the company: the weekly compliance
 * report, the consequence ladder run at each week's end, the coverage of
 * planned hours, the in-app inbox, and the outgoing webhooks that carry the
 * ladder's events, signed and kept until delivered. */
#ifndef AH_DOMAIN_REPORT_H
#define AH_DOMAIN_REPORT_H

#include <stdbool.h>

#include "domain/ctx.h"
#include "domain/program.h"

/* Upper bound of hours in a week: 168 and one DST hour. */
#define AH_WEEK_HOURS_MAX 169
/* A webhook secret: "whsec_" and a random token. */
#define AH_WEBHOOK_SECRET_MAX 64

struct ah_report_person {
    struct ah_person person;
    struct ah_ledger_week ledger;
    enum ah_week_status status;
    int64_t weeks_behind;              /* this week included; 0 unless behind */
    const struct ah_exemption *exemption; /* one covering the week, or NULL */
    const char *ladder;                /* the step reached: "reminder", "manager",
                                          "leadership_report", or NULL */
    bool yearly;                        /* the weeks-per-year cadence: support is filled */
    struct ah_support_year support;     /* their support weeks in the week's year */
};

struct ah_report_rollup {
    const char *name;   /* the department, or the manager's name */
    int64_t manager_id; /* manager roll-ups; 0 for departments and "no manager" */
    int64_t required, met, behind, exempt;
};

struct ah_report {
    struct ah_week week; /* in the organization's zone */
    struct ah_report_person *people; /* leaders and founders first, then by department */
    size_t npeople;
    struct ah_report_rollup *departments;
    size_t ndepartments;
    struct ah_report_rollup *managers;
    size_t nmanagers;
    int64_t required, met, behind, exempt; /* people required this week and how they did */
    bool in_progress; /* the week has not ended: "behind" means "not yet", and no step of
                         the ladder is taken until it ends */
    const char *timezone; /* the organization's, which the week is in */
};

/* The compliance report for the week labelled year-Www (iso_year 0: the one
 * that ended last). Leads and leaders (founders, executives) read it. */
enum ah_err ah_report_compliance(struct ah_ctx *cx, int iso_year, int iso_week,
                                 struct ah_report *out, struct ah_error *err);

/* Runs the consequence ladder for the week whose first day is week_day (0:
 * the one that ended last), once: it writes each person's result, and for
 * everyone behind as many weeks in a row as a step of the ladder, a
 * notification (the person, their manager, the leadership report) and a
 * webhook event. *ran is false when it had run already, whoever ran it. */
enum ah_err ah_ladder_run(struct ah_ctx *cx, int64_t week_day, bool *ran, int64_t *notified,
                          struct ah_error *err);
/* Background upkeep: runs the ladder for the week that ended last unless it
 * ran; *last caches the week it last saw run (0 at first). */
enum ah_err ah_ladder_due(struct ah_ctx *cx, int64_t *last, struct ah_error *err);

/* People planned for each hour of the organization's week labelled
 * year-Www (0: the current one): counts[h] for h below *nhours; *timezone
 * (in cx->arena) is the organization's zone the week is in. Leads. */
enum ah_err ah_coverage(struct ah_ctx *cx, int iso_year, int iso_week, struct ah_week *w,
                        const char **timezone, int64_t counts[AH_WEEK_HOURS_MAX], int *nhours,
                        struct ah_error *err);

/* The actor's inbox, newest first, and marking one read. */
enum ah_err ah_notification_list(struct ah_ctx *cx, int64_t before_id, int limit,
                                 struct ah_notification **items, size_t *n,
                                 struct ah_error *err);
enum ah_err ah_notification_read(struct ah_ctx *cx, int64_t id, struct ah_error *err);

/* Webhooks (admins: a technical setting). A new one gets a secret, shown
 * once, that signs every event sent to it. Audited. */
enum ah_err ah_webhook_create(struct ah_ctx *cx, struct ah_str url, struct ah_webhook *out,
                              char secret[AH_WEBHOOK_SECRET_MAX], struct ah_error *err);
enum ah_err ah_webhook_list(struct ah_ctx *cx, struct ah_webhook **items, size_t *n,
                            struct ah_error *err);
enum ah_err ah_webhook_delete(struct ah_ctx *cx, int64_t id, struct ah_error *err);
/* Background upkeep: sends the events that are due, each POSTed with an
 * X-Allhands-Signature: sha256=<HMAC-SHA256 of the body under the secret>;
 * one that fails is tried again later, backing off to an hour, and never
 * dropped. */
enum ah_err ah_webhook_deliver(struct ah_ctx *cx, int64_t *sent, int64_t *failed,
                               struct ah_error *err);

#endif
