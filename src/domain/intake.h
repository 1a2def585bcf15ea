/* intake.h - internal escalations: a customer's message a colleague brought
 * in (a founder's forwarded mail, a DM to an engineer, a sales "urgent")
 * enters the queue as a ticket like any other. The support team, not the
 * person who filed it, sets its priority and tier; the filer follows its
 * status and is told when it is solved. */
#ifndef AH_DOMAIN_INTAKE_H
#define AH_DOMAIN_INTAKE_H

#include "domain/ctx.h"

#define AH_INTAKE_WHY_MAX 1000

struct ah_intake_input {
    struct ah_str customer_email;
    struct ah_str customer_name;   /* may be empty */
    struct ah_str subject;         /* empty: the text's first line */
    struct ah_str text;
    struct ah_str channel;         /* email, chat, phone, meeting, social, other */
    struct ah_str why;             /* the filer's note: why it matters; may be empty */
};

/* Files an escalation as cx's actor (anyone signed in): a new ticket with
 * source "escalation", classified by the routing rules like any other. */
enum ah_err ah_intake_file(struct ah_ctx *cx, const struct ah_intake_input *in,
                           struct ah_intake *out, struct ah_error *err);
/* The same inside the caller's transaction. */
enum ah_err ah_intake_open(struct ah_ctx *cx, const struct ah_intake_input *in,
                           struct ah_intake *out, struct ah_error *err);
/* One escalation: its filer, pros and leads see it. */
enum ah_err ah_intake_get(struct ah_ctx *cx, int64_t id, struct ah_intake *out,
                          struct ah_error *err);
/* The actor's own (mine) or, for pros and leads, everyone's; newest first. */
enum ah_err ah_intake_list(struct ah_ctx *cx, bool mine, int64_t before_id, int limit,
                           struct ah_intake **items, size_t *n, struct ah_error *err);
/* Per filer, escalations filed in [from, to) and how many support made urgent;
 * leads, pros and leaders. */
enum ah_err ah_intake_counts(struct ah_ctx *cx, int64_t from, int64_t to,
                             struct ah_intake_count **items, size_t *n, struct ah_error *err);

/* Inside the caller's transaction, for a ticket whose status just changed:
 * when it is solved (or closed) and was an escalation, its filer is told,
 * once. */
enum ah_err ah_intake_status_changed(struct ah_ctx *cx, const struct ah_ticket *t,
                                     struct ah_error *err);
/* AH_E_FORBIDDEN when the actor filed ticket t as an escalation: the support
 * team sets its priority and tier. */
enum ah_err ah_intake_check_triage(struct ah_ctx *cx, const struct ah_ticket *t,
                                   struct ah_error *err);

bool ah_intake_channel_valid(struct ah_str channel);

/* A week of the organization: [start, end), "2026-W48", its first day. */
struct ah_week_span {
    int64_t start, end;
    char label[16];
    int64_t first_day;
};

/* Escalations filed in a week of the organization, by filer and department. */
struct ah_intake_department {
    const char *department;
    int64_t filed;
    int64_t urgent;
};
struct ah_intake_report {
    struct ah_week_span week;
    int64_t filed, urgent;
    struct ah_intake_count *by_filer;
    size_t nfilers;
    struct ah_intake_department *by_department;
    size_t ndepartments;
};
/* year/week 0: the current week. Pros, leads and leaders. */
enum ah_err ah_intake_report(struct ah_ctx *cx, int year, int week, struct ah_intake_report *out,
                             struct ah_error *err);
/* The organization's week year-Wweek (0: the one holding now). */
enum ah_err ah_intake_week(struct ah_ctx *cx, int year, int week, struct ah_week_span *out,
                           struct ah_error *err);

#endif
