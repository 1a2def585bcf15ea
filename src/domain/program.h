/* program.h - the program: frequency and totality. The policy leads set;
 * exemptions, which only a lead grants, never to themselves, always with an
 * end; the blocks each person plans; queue time measured by clocking in,
 * with idle time cut; and the weekly ledger built from them. Every person
 * who is active is in the program from their start day, whatever their role. */
#ifndef AH_DOMAIN_PROGRAM_H
#define AH_DOMAIN_PROGRAM_H

#include <stdbool.h>

#include "core/buf.h"
#include "domain/access.h"
#include "domain/ctx.h"

/* An open work session is kept alive by activity at most this often (one
 * write per person per quarter minute, not one per request). */
#define AH_CLOCK_TOUCH_MS (15 * 1000)
/* A work session longer than this is ended and a new one begun, so that no
 * session reaches AH_WORK_SESSION_MAX_MS. */
#define AH_CLOCK_SPLIT_MS (12 * 3600 * 1000LL)
/* A support week under the weeks-per-year cadence: five working days in the
 * queue. */
#define AH_SUPPORT_WEEK_MINUTES (5 * 8 * 60)
/* The onboarding support week falls within this many days of the start. */
#define AH_ONBOARDING_DAYS 30
/* Weeks a ledger covers at most in one request. */
#define AH_LEDGER_MAX_WEEKS 106

/* AH_OK when tz names a zone of the tz database that can be read: the one
 * check for every time zone a person or the policy gives. */
enum ah_err ah_zone_check(struct ah_str tz, struct ah_error *err);

/* ---- policy ---- */

/* allhands' defaults: 8 hours a week, Monday weeks in UTC, 10 minutes idle,
 * the ladder at 1, 2 and 3 weeks behind, exemptions of up to 12 weeks. */
void ah_policy_default(struct ah_policy *p);
/* The policy in force (the defaults until a lead changes it). Anyone signed in. */
enum ah_err ah_policy_get(struct ah_ctx *cx, struct ah_policy *out, struct ah_error *err);

/* Fields to change: negative numbers and null strings mean "not given". */
struct ah_policy_input {
    int cadence; /* enum ah_cadence */
    int64_t weekly_minutes;
    int64_t weeks_per_year;
    int onboarding_week;
    struct ah_str timezone;
    int week_start;
    int64_t idle_timeout_s;
    int64_t ladder_remind;
    int64_t ladder_manager;
    int64_t ladder_report;
    int64_t max_exemption_weeks;
    int default_tier;
    int reserve_on;
    int64_t reserve_age_s;
    int64_t review_first;
    int64_t review_rate;
    int64_t promote_approved;
    int64_t promote_clean_days;
    int business_days;        /* bit 0 Sunday .. 6 Saturday; 0: no business hours */
    int64_t business_start;   /* minutes after local midnight */
    int64_t business_end;
};
void ah_policy_input_init(struct ah_policy_input *in);
/* Leads only. Checks every value, writes the policy and an audit row with
 * what changed. */
enum ah_err ah_policy_update(struct ah_ctx *cx, const struct ah_policy_input *in,
                             struct ah_policy *out, struct ah_error *err);
const char *ah_cadence_name(enum ah_cadence c);
bool ah_cadence_parse(struct ah_str s, enum ah_cadence *out);

/* ---- exemptions ---- */

/* A lead exempts person_id from starts_on to ends_on (days, inclusive; the
 * person's calendar). Never to oneself; reason and end are required; no
 * longer than the policy's maximum; no start in the past. Audited. */
enum ah_err ah_exemption_grant(struct ah_ctx *cx, int64_t person_id, struct ah_str reason,
                               int64_t starts_on, int64_t ends_on, struct ah_exemption *out,
                               struct ah_error *err);
/* A lead ends exemption id early: its last day becomes yesterday (the
 * person's calendar), or it is cut to nothing if it had not begun. Audited. */
enum ah_err ah_exemption_end(struct ah_ctx *cx, int64_t id, struct ah_exemption *out,
                             struct ah_error *err);
/* Exemptions with a day in [from_day, to_day]: person_id's, or everyone's
 * when 0. Visible to everyone signed in: an exemption is never a secret. */
enum ah_err ah_exemption_list(struct ah_ctx *cx, int64_t person_id, int64_t from_day,
                              int64_t to_day, struct ah_exemption **items, size_t *n,
                              struct ah_error *err);

/* ---- measured queue time ---- */

/* The actor's clock: *open is false when clocked out; *out is then the last
 * session, if any (id 0 otherwise). */
enum ah_err ah_clock_state(struct ah_ctx *cx, struct ah_work_session *out, bool *open,
                           struct ah_error *err);
/* Clocks the actor in; AH_E_CONFLICT if already in. */
enum ah_err ah_clock_in(struct ah_ctx *cx, struct ah_work_session *out, struct ah_error *err);
/* Clocks the actor out now; AH_E_CONFLICT if not clocked in. */
enum ah_err ah_clock_out(struct ah_ctx *cx, struct ah_work_session *out, struct ah_error *err);
/* Activity of the actor signed in with c (any request, a heartbeat): keeps
 * an open session alive, or ends it at its last activity if it sat idle
 * past the policy's timeout, so idle time never counts. */
enum ah_err ah_clock_touch(struct ah_ctx *cx, const struct ah_credential *c,
                           struct ah_error *err);
/* Background upkeep: ends every session idle past the timeout. */
enum ah_err ah_clock_close_idle(struct ah_ctx *cx, int64_t *closed, struct ah_error *err);

/* A lead adds queue time person_id worked without clocking in, or corrects
 * session id; a reason is required. Audited. */
enum ah_err ah_work_add(struct ah_ctx *cx, int64_t person_id, int64_t start, int64_t end,
                        struct ah_str reason, struct ah_work_session *out,
                        struct ah_error *err);
enum ah_err ah_work_correct(struct ah_ctx *cx, int64_t id, int64_t start, int64_t end,
                            struct ah_str reason, struct ah_work_session *out,
                            struct ah_error *err);
/* person_id's sessions overlapping [from, to): their own, or any for those
 * who may read the program (leads, their manager). */
enum ah_err ah_work_list(struct ah_ctx *cx, int64_t person_id, int64_t from, int64_t to,
                         struct ah_work_session **items, size_t *n, struct ah_error *err);

/* ---- planned blocks ---- */

/* The actor plans [start, end): in the future, at most 24 hours, not
 * overlapping another of their blocks. A block can be moved or removed until
 * it starts. */
enum ah_err ah_block_add(struct ah_ctx *cx, int64_t start, int64_t end, struct ah_block *out,
                         struct ah_error *err);
enum ah_err ah_block_move(struct ah_ctx *cx, int64_t id, int64_t start, int64_t end,
                          struct ah_block *out, struct ah_error *err);
enum ah_err ah_block_remove(struct ah_ctx *cx, int64_t id, struct ah_error *err);
enum ah_err ah_block_list(struct ah_ctx *cx, int64_t person_id, int64_t from, int64_t to,
                          struct ah_block **items, size_t *n, struct ah_error *err);

struct ah_week;

/* ---- support weeks (the weeks-per-year cadence) ---- */

/* A person's support weeks in a calendar year, and what the policy asks. */
struct ah_support_year {
    int year;
    enum ah_cadence cadence; /* the policy's, which says whether any of this asks anything */
    int week_start;
    int64_t required; /* weeks_per_year, and one more the year someone starts */
    int64_t booked;
    bool onboarding;         /* this year holds their onboarding week */
    int64_t onboarding_by;   /* its last possible first day (start + 30 days) */
    bool onboarding_booked;  /* a booked week starts between the start and then */
    struct ah_support_week *weeks;
    size_t nweeks;
};

/* The actor books the week labelled year-Www as a support week; a week that
 * has ended cannot be. AH_E_CONFLICT if booked already. */
enum ah_err ah_support_week_book(struct ah_ctx *cx, int iso_year, int iso_week,
                                 struct ah_week *out, struct ah_error *err);
/* The actor cancels one, until it starts. */
enum ah_err ah_support_week_cancel(struct ah_ctx *cx, int iso_year, int iso_week,
                                   struct ah_error *err);
/* person_id's support weeks of a calendar year (0: this one): theirs, their
 * manager's and leads' to read. */
enum ah_err ah_support_year_get(struct ah_ctx *cx, int64_t person_id, int year,
                                struct ah_support_year *out, struct ah_error *err);
/* "2026-W48": the label of weeks[i] of y. */
void ah_support_week_label(const struct ah_support_year *y, size_t i, char out[16]);
/* The same from rows already read (reports). */
void ah_support_year_fill(const struct ah_person *p, const struct ah_policy *pol, int year,
                          const struct ah_support_week *weeks, size_t n,
                          struct ah_support_year *out);

/* ---- the calendar feed ---- */

/* Gives the actor a new private feed secret ("ahc_..."), shown this once;
 * any earlier one stops working. */
enum ah_err ah_calendar_rotate(struct ah_ctx *cx, char secret[AH_SECRET_MAX],
                               struct ah_error *err);
/* The iCalendar feed behind secret: its owner's blocks from 30 days ago to
 * a year ahead, one VEVENT each with a stable UID. AH_E_NOT_FOUND for a
 * wrong, rotated or deactivated secret. No session needed: calendar
 * clients fetch it on their own. */
enum ah_err ah_calendar_feed(struct ah_ctx *cx, struct ah_str secret, struct ah_buf *out,
                             struct ah_error *err);

/* ---- weeks and the ledger ---- */

/* The week of person_id labelled year-Www, or their current week when
 * iso_year is 0. */
enum ah_err ah_person_week(struct ah_ctx *cx, int64_t person_id, int iso_year, int iso_week,
                           struct ah_week *out, struct ah_error *err);

/* A week of one person: local days in their time zone, starting on the
 * policy's week day, labelled by the ISO week of the Monday in it. */
struct ah_week {
    int iso_year, iso_week;
    char label[16];    /* "2026-W48" */
    int64_t first_day; /* days since 1970-01-01 */
    int64_t start_ms;  /* local midnight of first_day */
    int64_t end_ms;    /* local midnight seven days on: 167 to 169 hours later */
};

/* The week of zone tz (NULL: the policy's) labelled year-Www. */
enum ah_err ah_week_get(const struct ah_policy *pol, const char *tz, int iso_year, int iso_week,
                        struct ah_week *out, struct ah_error *err);
/* The week of zone tz holding the instant at. */
enum ah_err ah_week_at(const struct ah_policy *pol, const char *tz, int64_t at,
                       struct ah_week *out, struct ah_error *err);
/* Parses "YYYY-MM-DD" into a day count; false when malformed or no such day. */
bool ah_day_parse(struct ah_str s, int64_t *day);
/* Parses a time for zone tz: "YYYY-MM-DDTHH:MM[:SS]" on its wall clock, or
 * an instant with its offset ("...Z", "...+01:00"). AH_E_INVALID naming
 * field when malformed. */
enum ah_err ah_time_parse_in(const char *tz, const char *field, struct ah_str s, int64_t *ms,
                             struct ah_error *err);
/* Today in zone tz, as a day count. */
enum ah_err ah_today(const char *tz, int64_t now, int64_t *day, struct ah_error *err);

struct ah_ledger_week {
    struct ah_week week;
    int64_t required_min; /* policy, pro-rated for a start mid-week and exempt days */
    int64_t exempt_days;  /* days of the week under an exemption */
    int64_t enrolled_days; /* days on or after the start day */
    int64_t planned_ms;
    int64_t worked_ms;
    int64_t tickets;
    int64_t replies;
    int64_t escalations;            /* tickets handed to the pros: a good sign */
    struct ah_review_counts reviews; /* reviews given, and of their replies */
    bool met; /* worked covers required */
};

/* person_id's ledger for count weeks from the one labelled year-Www (iso_year
 * 0: the count weeks up to their current one), oldest first. Their own, or
 * for leads and their manager. */
enum ah_err ah_ledger(struct ah_ctx *cx, int64_t person_id, int iso_year, int iso_week,
                      int count, struct ah_ledger_week *rows, struct ah_error *err);
/* The policy without a permission check (background work, reports). */
enum ah_err ah_policy_read(struct ah_ctx *cx, struct ah_policy *out, struct ah_error *err);
/* The week of zone tz (NULL: the policy's) whose first day is first_day. */
enum ah_err ah_week_fill(const struct ah_policy *pol, const char *tz, int64_t first_day,
                         struct ah_week *out, struct ah_error *err);
/* The length of [a0, a1) within [b0, b1). */
int64_t ah_overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1);
/* The ledger arithmetic on rows already read: required (pro-rated by the days
 * p was in and not exempt), planned, worked, met. Under the weeks-per-year
 * cadence only a week p booked (booked) requires anything: a support week.
 * Replies and tickets are the caller's. */
void ah_ledger_fill(const struct ah_person *p, const struct ah_policy *pol,
                    const struct ah_week *w, bool booked, const struct ah_exemption *ex,
                    size_t nex, const struct ah_work_session *ws, size_t nws,
                    const struct ah_block *bl, size_t nbl, struct ah_ledger_week *out);
/* The same for a person and policy already read, from the store. */
enum ah_err ah_ledger_compute(struct ah_ctx *cx, const struct ah_person *p,
                              const struct ah_policy *pol, const struct ah_week *w,
                              struct ah_ledger_week *out, struct ah_error *err);

#endif
