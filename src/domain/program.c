/* program.c - the program (see program.h): policy, exemptions, blocks,
 * measured queue time and the weekly ledger. Time zones come from core/tz;
 * every rule reads cx->now, the one clock (a test clock in tests). */
#include "domain/program.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/ical.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/time.h"
#include "core/tz.h"
#include "domain/audit.h"
#include "domain/perm.h"

#define DAY_MS (86400 * 1000LL)
#define MINUTE_MS (60 * 1000LL)
/* a block or a lead's added session: one sitting, at most a day */
#define MAX_SPAN_MS (24 * 3600 * 1000LL)
/* idle timeouts from a minute to four hours (sessions stay under AH_WORK_SESSION_MAX_MS) */
#define MIN_IDLE_S 60
#define MAX_IDLE_S (4 * 3600)
/* rows one ledger or list reads at most: two years of a busy person */
#define MAX_ROWS 20000

/* ---- policy ---- */

void ah_policy_default(struct ah_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->cadence = AH_CADENCE_WEEKLY;
    p->weekly_minutes = 8 * 60;
    p->weeks_per_year = 1;
    p->onboarding_week = true;
    p->timezone = "UTC";
    p->week_start = 1;
    p->idle_timeout_s = 600;
    p->ladder_remind = 1;
    p->ladder_manager = 2;
    p->ladder_report = 3;
    p->max_exemption_weeks = 12;
    p->default_tier = 2;
    p->reserve_on = false;
    p->reserve_age_s = 30 * 60;
    p->review_first = 20;
    p->review_rate = 25;
    p->promote_approved = 20;
    p->promote_clean_days = 14;
    p->business_days = 0;
    p->business_start = 9 * 60;
    p->business_end = 17 * 60;
}

const char *ah_cadence_name(enum ah_cadence c)
{
    return c == AH_CADENCE_YEARLY ? "weeks_per_year" : "weekly";
}

bool ah_cadence_parse(struct ah_str s, enum ah_cadence *out)
{
    if (ah_str_eq_c(s, "weekly"))
        *out = AH_CADENCE_WEEKLY;
    else if (ah_str_eq_c(s, "weeks_per_year"))
        *out = AH_CADENCE_YEARLY;
    else
        return false;
    return true;
}

/* The policy in the store, or the defaults; no permission check. */
enum ah_err ah_policy_read(struct ah_ctx *cx, struct ah_policy *out, struct ah_error *err)
{
    enum ah_err rc = ah_store_policy_get(cx->store, cx->arena, out, err);

    if (rc == AH_E_NOT_FOUND) {
        ah_policy_default(out);
        return AH_OK;
    }
    return rc;
}

enum ah_err ah_policy_get(struct ah_ctx *cx, struct ah_policy *out, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc : ah_policy_read(cx, out, err);
}

void ah_policy_input_init(struct ah_policy_input *in)
{
    memset(in, 0, sizeof(*in));
    in->cadence = in->onboarding_week = in->week_start = -1;
    in->weekly_minutes = in->weeks_per_year = in->idle_timeout_s = -1;
    in->ladder_remind = in->ladder_manager = in->ladder_report = -1;
    in->max_exemption_weeks = -1;
    in->default_tier = in->reserve_on = -1;
    in->reserve_age_s = in->review_first = in->review_rate = -1;
    in->promote_approved = in->promote_clean_days = -1;
    in->business_days = -1;
    in->business_start = in->business_end = -1;
}

static enum ah_err check_range(const char *field, int64_t v, int64_t lo, int64_t hi,
                               struct ah_error *err)
{
    if (v < lo || v > hi)
        return ah_error_set(err, AH_E_INVALID, "%s must be from %" PRId64 " to %" PRId64,
                            field, lo, hi);
    return AH_OK;
}

enum ah_err ah_zone_check(struct ah_str tz, struct ah_error *err)
{
    char name[AH_TZ_NAME_MAX + 1];

    if (!ah_tz_valid_name(tz.p, tz.len))
        return ah_error_set(err, AH_E_INVALID, "timezone must be an IANA name like Europe/Berlin");
    memcpy(name, tz.p, tz.len);
    name[tz.len] = '\0';
    /* ah_time_zone_known turns away the database's files that are no zone
     * (localtime, posixrules, Factory...); ah_tz_get proves the rest readable */
    if (!ah_time_zone_known(tz) || !ah_tz_get(name, err))
        return ah_error_set(err, AH_E_INVALID,
                            "timezone '%s' is not in the time zone database", name);
    return AH_OK;
}

static const char *policy_json(struct ah_ctx *cx, const struct ah_policy *p,
                               const struct ah_policy *o)
{
    struct ah_buf b;
    const char *out;

#define PDIFF(f) (!o || p->f != o->f)
    ah_buf_init(&b, 4096);
    if (PDIFF(cadence))
        ah_jsonw_str(&b, "cadence", ah_cadence_name(p->cadence), NULL);
    if (PDIFF(weekly_minutes))
        ah_jsonw_int(&b, "weekly_minutes", p->weekly_minutes, NULL);
    if (PDIFF(weeks_per_year))
        ah_jsonw_int(&b, "weeks_per_year", p->weeks_per_year, NULL);
    if (PDIFF(onboarding_week))
        ah_jsonw_bool(&b, "onboarding_week", p->onboarding_week, NULL);
    if (!o || strcmp(p->timezone, o->timezone) != 0)
        ah_jsonw_str(&b, "timezone", p->timezone, NULL);
    if (PDIFF(week_start))
        ah_jsonw_int(&b, "week_start", p->week_start, NULL);
    if (PDIFF(idle_timeout_s))
        ah_jsonw_int(&b, "idle_timeout_seconds", p->idle_timeout_s, NULL);
    if (PDIFF(ladder_remind))
        ah_jsonw_int(&b, "ladder_remind_weeks", p->ladder_remind, NULL);
    if (PDIFF(ladder_manager))
        ah_jsonw_int(&b, "ladder_manager_weeks", p->ladder_manager, NULL);
    if (PDIFF(ladder_report))
        ah_jsonw_int(&b, "ladder_report_weeks", p->ladder_report, NULL);
    if (PDIFF(max_exemption_weeks))
        ah_jsonw_int(&b, "max_exemption_weeks", p->max_exemption_weeks, NULL);
    if (PDIFF(default_tier))
        ah_jsonw_int(&b, "default_tier", p->default_tier, NULL);
    if (PDIFF(reserve_on))
        ah_jsonw_bool(&b, "reserve_on", p->reserve_on, NULL);
    if (PDIFF(reserve_age_s))
        ah_jsonw_int(&b, "reserve_age_minutes", p->reserve_age_s / 60, NULL);
    if (PDIFF(review_first))
        ah_jsonw_int(&b, "review_first", p->review_first, NULL);
    if (PDIFF(review_rate))
        ah_jsonw_int(&b, "review_rate_percent", p->review_rate, NULL);
    if (PDIFF(promote_approved))
        ah_jsonw_int(&b, "promote_approved", p->promote_approved, NULL);
    if (PDIFF(promote_clean_days))
        ah_jsonw_int(&b, "promote_clean_days", p->promote_clean_days, NULL);
    if (PDIFF(business_days))
        ah_jsonw_int(&b, "business_days", p->business_days, NULL);
    if (PDIFF(business_start))
        ah_jsonw_int(&b, "business_start_minute", p->business_start, NULL);
    if (PDIFF(business_end))
        ah_jsonw_int(&b, "business_end_minute", p->business_end, NULL);
#undef PDIFF
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

static enum ah_err policy_apply(struct ah_ctx *cx, const struct ah_policy_input *in,
                                struct ah_policy *p, struct ah_error *err)
{
    enum ah_err rc = AH_OK;

    if (in->cadence >= 0)
        p->cadence = (enum ah_cadence)in->cadence;
    if (in->weekly_minutes >= 0)
        rc = check_range("weekly_minutes", p->weekly_minutes = in->weekly_minutes, 0,
                         40 * 60, err);
    if (!rc && in->weeks_per_year >= 0)
        rc = check_range("weeks_per_year", p->weeks_per_year = in->weeks_per_year, 0, 12, err);
    if (in->onboarding_week >= 0)
        p->onboarding_week = in->onboarding_week == 1;
    if (!rc && in->timezone.p) {
        rc = ah_zone_check(in->timezone, err);
        p->timezone = ah_arena_strndup(cx->arena, in->timezone.p, in->timezone.len);
    }
    if (!rc && in->week_start >= 0)
        rc = check_range("week_start", p->week_start = in->week_start, 0, 6, err);
    if (!rc && in->idle_timeout_s >= 0)
        rc = check_range("idle_timeout_seconds", p->idle_timeout_s = in->idle_timeout_s,
                         MIN_IDLE_S, MAX_IDLE_S, err);
    if (!rc && in->ladder_remind >= 0)
        rc = check_range("ladder_remind_weeks", p->ladder_remind = in->ladder_remind, 1, 52,
                         err);
    if (!rc && in->ladder_manager >= 0)
        rc = check_range("ladder_manager_weeks", p->ladder_manager = in->ladder_manager, 1, 52,
                         err);
    if (!rc && in->ladder_report >= 0)
        rc = check_range("ladder_report_weeks", p->ladder_report = in->ladder_report, 1, 52,
                         err);
    if (!rc && in->max_exemption_weeks >= 0)
        rc = check_range("max_exemption_weeks", p->max_exemption_weeks = in->max_exemption_weeks,
                         1, 104, err);
    if (!rc && in->default_tier >= 0)
        rc = check_range("default_tier", p->default_tier = in->default_tier, 1, 2, err);
    if (in->reserve_on >= 0)
        p->reserve_on = in->reserve_on == 1;
    if (!rc && in->reserve_age_s >= 0)
        rc = check_range("reserve_age_minutes", (p->reserve_age_s = in->reserve_age_s) / 60, 1,
                         24 * 60, err);
    if (!rc && in->review_first >= 0)
        rc = check_range("review_first", p->review_first = in->review_first, 0, 1000, err);
    if (!rc && in->review_rate >= 0)
        rc = check_range("review_rate_percent", p->review_rate = in->review_rate, 0, 100, err);
    if (!rc && in->promote_approved >= 0)
        rc = check_range("promote_approved", p->promote_approved = in->promote_approved, 1,
                         10000, err);
    if (!rc && in->promote_clean_days >= 0)
        rc = check_range("promote_clean_days", p->promote_clean_days = in->promote_clean_days,
                         0, 365, err);
    if (!rc && in->business_days >= 0)
        rc = check_range("business_days", p->business_days = in->business_days, 0, 127, err);
    if (!rc && in->business_start >= 0)
        rc = check_range("business_start", p->business_start = in->business_start, 0, 1440,
                         err);
    if (!rc && in->business_end >= 0)
        rc = check_range("business_end", p->business_end = in->business_end, 0, 1440, err);
    if (!rc && p->business_start >= p->business_end)
        rc = ah_error_set(err, AH_E_INVALID, "business_start must be before business_end");
    if (!rc && !(p->ladder_remind <= p->ladder_manager && p->ladder_manager <= p->ladder_report))
        rc = ah_error_set(err, AH_E_INVALID,
                          "the ladder's steps must not go down: ladder_remind_weeks <= "
                          "ladder_manager_weeks <= ladder_report_weeks");
    return rc;
}

enum ah_err ah_policy_update(struct ah_ctx *cx, const struct ah_policy_input *in,
                             struct ah_policy *out, struct ah_error *err)
{
    struct ah_policy before, after;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_policy_read(cx, &before, err);
    after = before;
    if (!rc)
        rc = policy_apply(cx, in, &after, err);
    if (!rc) {
        after.updated_at = cx->now;
        after.updated_by = cx->actor ? cx->actor->id : 0;
        rc = ah_store_policy_put(cx->store, &after, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, "policy.update", "policy", policy_json(cx, &before, &after),
                             policy_json(cx, &after, &before), err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = after;
    return rc;
}

/* ---- days and weeks ---- */

static const struct ah_tz *zone(const char *name, struct ah_error *err)
{
    const struct ah_tz *z = ah_tz_get(name && *name ? name : "UTC", err);

    if (!z)
        ah_error_set(err, AH_E_INTERNAL, "time zone %s cannot be read", name);
    return z;
}

/* n digits at p as a number; -1 if any is not a digit */
static int digits(const char *p, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static bool date_fields(const char *p, int *y, int *m, int *d)
{
    int64_t day;
    int y2, m2, d2;

    if (p[4] != '-' || p[7] != '-')
        return false;
    *y = digits(p, 4);
    *m = digits(p + 5, 2);
    *d = digits(p + 8, 2);
    if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > 31)
        return false;
    /* no 31 February: the day must come back as itself */
    day = ah_days_from_civil(*y, *m, *d);
    ah_civil_from_days(day, &y2, &m2, &d2);
    return y2 == *y && m2 == *m && d2 == *d;
}

bool ah_day_parse(struct ah_str s, int64_t *day)
{
    int y, m, d;

    if (s.len != 10 || !date_fields(s.p, &y, &m, &d))
        return false;
    *day = ah_days_from_civil(y, m, d);
    return true;
}

enum ah_err ah_time_parse_in(const char *tz, const char *field, struct ah_str s, int64_t *ms,
                             struct ah_error *err)
{
    const struct ah_tz *z;
    int y, m, d, h, mi, sec = 0;
    size_t n = s.len;

    if (n >= 17 && n <= 30 && ((s.p[n - 1] == 'Z') || s.p[n - 6] == '+' || s.p[n - 6] == '-')) {
        /* an instant: ah_time_parse reads the Z form; an offset is applied here */
        char buf[40];
        int64_t off = 0;
        size_t base = n;

        if (s.p[n - 1] != 'Z') {
            int oh = digits(s.p + n - 5, 2), om = digits(s.p + n - 2, 2);

            if (oh < 0 || om < 0 || s.p[n - 3] != ':' || oh > 14 || om > 59)
                goto bad;
            off = (oh * 60 + om) * MINUTE_MS * (s.p[n - 6] == '-' ? -1 : 1);
            base = n - 6;
        } else {
            base = n - 1;
        }
        if (base == 16) { /* no seconds */
            snprintf(buf, sizeof(buf), "%.16s:00Z", s.p);
        } else if (base >= 19 && base < sizeof(buf) - 1) {
            snprintf(buf, sizeof(buf), "%.*sZ", (int)base, s.p);
        } else {
            goto bad;
        }
        if (!ah_time_parse(ah_str_c(buf), ms))
            goto bad;
        *ms -= off;
        return AH_OK;
    }
    if ((n != 16 && n != 19) || s.p[10] != 'T' || s.p[13] != ':' || !date_fields(s.p, &y, &m, &d))
        goto bad;
    h = digits(s.p + 11, 2);
    mi = digits(s.p + 14, 2);
    if (n == 19 && (s.p[16] != ':' || (sec = digits(s.p + 17, 2)) < 0 || sec > 59))
        goto bad;
    if (h < 0 || h > 23 || mi < 0 || mi > 59)
        goto bad;
    z = zone(tz, err);
    if (!z)
        return AH_E_INTERNAL;
    *ms = ah_tz_local_to_utc(z, y, m, d, h, mi, sec);
    return AH_OK;
bad:
    return ah_error_set(err, AH_E_INVALID,
                        "%s must be a time like 2026-11-26T09:00 (your time zone) or "
                        "2026-11-26T08:00:00Z",
                        field);
}

enum ah_err ah_today(const char *tz, int64_t now, int64_t *day, struct ah_error *err)
{
    const struct ah_tz *z = zone(tz, err);
    struct ah_civil c;

    if (!z)
        return AH_E_INTERNAL;
    ah_tz_to_local(z, now, &c);
    *day = ah_days_from_civil(c.year, c.month, c.day);
    return AH_OK;
}

/* The first instant of local day `day` in z. */
static int64_t day_start(const struct ah_tz *z, int64_t day)
{
    int y, m, d;

    ah_civil_from_days(day, &y, &m, &d);
    /* noon always exists; its day's start is midnight or the change that skipped it */
    return ah_tz_day_start(z, ah_tz_local_to_utc(z, y, m, d, 12, 0, 0));
}

/* Days from a week's first day to the Monday that names it. */
static int monday_offset(int week_start)
{
    return (1 - week_start + 7) % 7;
}

/* The ISO label of the week that starts on first_day (see struct ah_week). */
static void week_name(int week_start, int64_t first_day, struct ah_week *out)
{
    ah_iso_week_of_days(first_day + monday_offset(week_start), &out->iso_year, &out->iso_week);
    ah_iso_week_format(out->iso_year, out->iso_week, out->label);
}

enum ah_err ah_week_fill(const struct ah_policy *pol, const char *tz, int64_t first_day,
                         struct ah_week *out, struct ah_error *err)
{
    const struct ah_tz *z = zone(tz ? tz : pol->timezone, err);

    if (!z)
        return AH_E_INTERNAL;
    out->first_day = first_day;
    week_name(pol->week_start, first_day, out);
    out->start_ms = day_start(z, first_day);
    out->end_ms = day_start(z, first_day + 7);
    return AH_OK;
}

enum ah_err ah_week_get(const struct ah_policy *pol, const char *tz, int iso_year, int iso_week,
                        struct ah_week *out, struct ah_error *err)
{
    int64_t monday = ah_iso_week_monday(iso_year, iso_week);

    return ah_week_fill(pol, tz, monday - monday_offset(pol->week_start), out, err);
}

enum ah_err ah_week_at(const struct ah_policy *pol, const char *tz, int64_t at,
                       struct ah_week *out, struct ah_error *err)
{
    int64_t day;
    enum ah_err rc = ah_today(tz ? tz : pol->timezone, at, &day, err);

    if (rc)
        return rc;
    return ah_week_fill(pol, tz, day - (ah_weekday_from_days(day) - pol->week_start + 7) % 7, out,
                     err);
}

/* ---- who may see whose numbers ---- */

static enum ah_err may_read(struct ah_ctx *cx, const struct ah_person *p, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc || cx->system || ah_perm_has(cx, AH_PERM_PROGRAM) || cx->actor->id == p->id ||
        cx->actor->id == p->manager_id)
        return rc;
    return ah_error_set(err, AH_E_FORBIDDEN,
                        "only the person, their manager and leads see someone's queue time");
}

/* ---- exemptions ---- */

static const char *exemption_json(struct ah_ctx *cx, const struct ah_exemption *e)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 4096);
    ah_jsonw_int(&b, "person_id", e->person_id, NULL);
    ah_jsonw_str(&b, "reason", e->reason, NULL);
    ah_jsonw_int(&b, "starts_on_day", e->starts_on, NULL);
    ah_jsonw_int(&b, "ends_on_day", e->ends_on, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

static enum ah_err check_text(const char *field, struct ah_str s, struct ah_error *err)
{
    if (!s.p || ah_str_trim(s).len == 0)
        return ah_error_set(err, AH_E_INVALID, "%s is required", field);
    if (s.len > AH_MAX_REASON)
        return ah_error_set(err, AH_E_INVALID, "%s is longer than %d bytes", field,
                            AH_MAX_REASON);
    return AH_OK;
}

enum ah_err ah_exemption_grant(struct ah_ctx *cx, int64_t person_id, struct ah_str reason,
                               int64_t starts_on, int64_t ends_on, struct ah_exemption *out,
                               struct ah_error *err)
{
    struct ah_policy pol;
    struct ah_person p;
    struct ah_exemption e = {0};
    int64_t today = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc && cx->actor && cx->actor->id == person_id)
        rc = ah_error_set(err, AH_E_FORBIDDEN,
                          "nobody exempts themselves: ask another lead");
    if (!rc)
        rc = check_text("reason", reason, err);
    if (!rc && ends_on == INT64_MIN)
        rc = ah_error_set(err, AH_E_INVALID,
                          "ends_on is required: an exemption always has an end date");
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_person_get(cx->store, person_id, cx->arena, &p, err);
    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = ah_today(p.timezone, cx->now, &today, err);
    if (!rc && starts_on == INT64_MIN)
        starts_on = today;
    if (!rc && starts_on < today)
        rc = ah_error_set(err, AH_E_INVALID, "starts_on is in the past: an exemption "
                                             "begins today or later");
    if (!rc && ends_on < starts_on)
        rc = ah_error_set(err, AH_E_INVALID, "ends_on is before starts_on");
    if (!rc && ends_on - starts_on + 1 > pol.max_exemption_weeks * 7)
        rc = ah_error_set(err, AH_E_INVALID,
                          "an exemption lasts at most %" PRId64 " weeks (the policy's "
                          "max_exemption_weeks); this one is %" PRId64 " days",
                          pol.max_exemption_weeks, ends_on - starts_on + 1);
    if (!rc) {
        e.person_id = person_id;
        e.granted_by = cx->actor ? cx->actor->id : 0;
        e.reason = ah_arena_strndup(cx->arena, reason.p, reason.len);
        e.starts_on = starts_on;
        e.ends_on = ends_on;
        e.created_at = cx->now;
        rc = ah_store_exemption_insert(cx->store, &e, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, "exemption.grant", ah_audit_target(cx, "exemption", e.id),
                             NULL, exemption_json(cx, &e), err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = e;
    return rc;
}

enum ah_err ah_exemption_end(struct ah_ctx *cx, int64_t id, struct ah_exemption *out,
                             struct ah_error *err)
{
    struct ah_exemption before, e;
    struct ah_person p;
    int64_t today = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_exemption_get(cx->store, id, cx->arena, &before, err);
    if (!rc)
        rc = ah_store_person_get(cx->store, before.person_id, cx->arena, &p, err);
    if (!rc)
        rc = ah_today(p.timezone, cx->now, &today, err);
    if (!rc && before.ends_on < today)
        rc = ah_error_set(err, AH_E_CONFLICT, "exemption %" PRId64 " is already over", id);
    e = before;
    if (!rc) {
        /* from today on the person is required again; one not yet begun ends
         * the day before it would have */
        e.ends_on = before.starts_on > today ? before.starts_on - 1 : today - 1;
        e.ended_at = cx->now;
        e.ended_by = cx->actor ? cx->actor->id : 0;
        rc = ah_store_exemption_end(cx->store, id, e.ends_on, e.ended_at, e.ended_by, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, "exemption.end", ah_audit_target(cx, "exemption", id),
                             exemption_json(cx, &before), exemption_json(cx, &e), err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = e;
    return rc;
}

enum ah_err ah_exemption_list(struct ah_ctx *cx, int64_t person_id, int64_t from_day,
                              int64_t to_day, struct ah_exemption **items, size_t *n,
                              struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc : ah_store_exemption_list(cx->store, person_id, from_day, to_day, cx->arena,
                                             items, n, err);
}

/* ---- measured queue time ---- */

static int64_t idle_ms(int64_t idle_timeout_s)
{
    return (idle_timeout_s > 0 ? idle_timeout_s : 600) * 1000;
}

enum ah_err ah_clock_state(struct ah_ctx *cx, struct ah_work_session *out, bool *open,
                           struct ah_error *err)
{
    struct ah_work_session *last;
    size_t n = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc || !cx->actor)
        return rc ? rc : ah_error_set(err, AH_E_INVALID, "the command line has no clock");
    memset(out, 0, sizeof(*out));
    rc = ah_store_work_current(cx->store, cx->actor->id, cx->arena, out, err);
    *open = rc == AH_OK;
    if (rc != AH_E_NOT_FOUND)
        return rc;
    /* the latest of the last day: what "clocked out" follows */
    rc = ah_store_work_list(cx->store, cx->actor->id, cx->now - AH_WORK_SESSION_MAX_MS,
                            cx->now + 1, MAX_ROWS, cx->arena, &last, &n, err);
    if (!rc && n)
        *out = last[n - 1];
    return rc;
}

enum ah_err ah_clock_in(struct ah_ctx *cx, struct ah_work_session *out, struct ah_error *err)
{
    struct ah_work_session w = {0};
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->actor)
        rc = ah_error_set(err, AH_E_INVALID, "the command line has no clock");
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    w.person_id = cx->actor->id;
    w.started_at = w.last_active_at = cx->now;
    w.source = "clock";
    rc = ah_store_work_insert(cx->store, &w, err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = w;
    return rc;
}

enum ah_err ah_clock_out(struct ah_ctx *cx, struct ah_work_session *out, struct ah_error *err)
{
    struct ah_work_session w;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->actor)
        rc = ah_error_set(err, AH_E_INVALID, "the command line has no clock");
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_work_current(cx->store, cx->actor->id, cx->arena, &w, err);
    if (rc == AH_E_NOT_FOUND)
        rc = ah_error_set(err, AH_E_CONFLICT, "not clocked in");
    if (!rc) {
        /* touch already ended a session idle past the timeout: this one was
         * active within it, so it ends now */
        w.last_active_at = w.ended_at = cx->now > w.started_at ? cx->now : w.started_at;
        rc = ah_store_work_update(cx->store, &w, err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = w;
    return rc;
}

enum ah_err ah_clock_touch(struct ah_ctx *cx, const struct ah_credential *c,
                           struct ah_error *err)
{
    struct ah_work_session w;
    enum ah_err rc;

    /* the common case costs nothing: clocked out, or touched moments ago */
    if (!c->clock_id || cx->now - c->clock_active_at < AH_CLOCK_TOUCH_MS)
        return AH_OK;
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_work_current(cx->store, c->person_id, cx->arena, &w, err);
    if (rc == AH_E_NOT_FOUND) { /* clocked out meanwhile */
        ah_store_rollback(cx->store);
        return AH_OK;
    }
    if (!rc && cx->now - w.last_active_at < AH_CLOCK_TOUCH_MS) {
        ah_store_rollback(cx->store); /* another request touched it */
        return AH_OK;
    }
    if (!rc && cx->now - w.last_active_at > idle_ms(c->idle_timeout_s)) {
        /* idle past the timeout: it ended at the last activity */
        w.ended_at = w.last_active_at;
        rc = ah_store_work_update(cx->store, &w, err);
    } else if (!rc && cx->now - w.started_at >= AH_CLOCK_SPLIT_MS) {
        /* a long sitting goes on in a new session: none outgrows the bound
         * the store finds sessions by */
        struct ah_work_session next = {.person_id = w.person_id, .started_at = cx->now,
                                       .last_active_at = cx->now, .source = "clock"};

        w.last_active_at = w.ended_at = cx->now;
        rc = ah_store_work_update(cx->store, &w, err);
        if (!rc)
            rc = ah_store_work_insert(cx->store, &next, err);
    } else if (!rc) {
        w.last_active_at = cx->now;
        rc = ah_store_work_update(cx->store, &w, err);
    }
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_clock_close_idle(struct ah_ctx *cx, int64_t *closed, struct ah_error *err)
{
    struct ah_policy pol;
    enum ah_err rc = ah_store_begin(cx->store, err);

    if (rc)
        return rc;
    rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = ah_store_work_close_idle(cx->store, cx->now - idle_ms(pol.idle_timeout_s), closed,
                                      err);
    return ah_store_end(cx->store, rc, err);
}

static const char *work_json(struct ah_ctx *cx, const struct ah_work_session *w)
{
    struct ah_buf b;
    const char *out;
    char t[40];

    ah_buf_init(&b, 4096);
    ah_jsonw_int(&b, "person_id", w->person_id, NULL);
    ah_time_format(w->started_at, t);
    ah_jsonw_str(&b, "start", t, NULL);
    ah_time_format(w->last_active_at, t);
    ah_jsonw_str(&b, "end", t, NULL);
    ah_jsonw_str(&b, "source", w->source, NULL);
    if (w->note)
        ah_jsonw_str(&b, "reason", w->note, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

static enum ah_err check_span(const char *what, int64_t start, int64_t end,
                              struct ah_error *err)
{
    if (end <= start)
        return ah_error_set(err, AH_E_INVALID, "%s must end after it starts", what);
    if (end - start > MAX_SPAN_MS)
        return ah_error_set(err, AH_E_INVALID, "%s is at most 24 hours long", what);
    return AH_OK;
}

/* A lead's entry of time worked: checked, then its transaction begun. */
static enum ah_err begin_entry(struct ah_ctx *cx, struct ah_str reason, int64_t start,
                               int64_t end, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = check_text("reason", reason, err);
    if (!rc)
        rc = check_span("the session", start, end, err);
    if (!rc && end > cx->now)
        rc = ah_error_set(err, AH_E_INVALID, "time worked cannot end in the future");
    return rc ? rc : ah_store_begin(cx->store, err);
}

enum ah_err ah_work_add(struct ah_ctx *cx, int64_t person_id, int64_t start, int64_t end,
                        struct ah_str reason, struct ah_work_session *out,
                        struct ah_error *err)
{
    struct ah_person p;
    struct ah_work_session w = {0};
    enum ah_err rc = begin_entry(cx, reason, start, end, err);

    if (rc)
        return rc;
    rc = ah_store_person_get(cx->store, person_id, cx->arena, &p, err);
    if (!rc) {
        w.person_id = person_id;
        w.started_at = start;
        w.last_active_at = w.ended_at = end;
        w.source = "manual";
        w.note = ah_arena_strndup(cx->arena, reason.p, reason.len);
        rc = ah_store_work_insert(cx->store, &w, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, "work.add", ah_audit_target(cx, "work_session", w.id), NULL,
                             work_json(cx, &w), err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = w;
    return rc;
}

enum ah_err ah_work_correct(struct ah_ctx *cx, int64_t id, int64_t start, int64_t end,
                            struct ah_str reason, struct ah_work_session *out,
                            struct ah_error *err)
{
    struct ah_work_session before, w;
    enum ah_err rc = begin_entry(cx, reason, start, end, err);

    if (rc)
        return rc;
    rc = ah_store_work_get(cx->store, id, cx->arena, &before, err);
    if (!rc && !before.ended_at)
        rc = ah_error_set(err, AH_E_CONFLICT,
                          "session %" PRId64 " is still open: correct it once it ends", id);
    w = before;
    if (!rc) {
        w.started_at = start;
        w.last_active_at = w.ended_at = end;
        w.note = ah_arena_strndup(cx->arena, reason.p, reason.len);
        rc = ah_store_work_update(cx->store, &w, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, "work.correct", ah_audit_target(cx, "work_session", id),
                             work_json(cx, &before), work_json(cx, &w), err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = w;
    return rc;
}

enum ah_err ah_work_list(struct ah_ctx *cx, int64_t person_id, int64_t from, int64_t to,
                         struct ah_work_session **items, size_t *n, struct ah_error *err)
{
    struct ah_person p;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_person_get(cx->store, person_id, cx->arena, &p, err);
    if (!rc)
        rc = may_read(cx, &p, err);
    if (!rc && (to <= from || to - from > AH_LEDGER_MAX_WEEKS * 7 * DAY_MS))
        rc = ah_error_set(err, AH_E_INVALID, "the span must be positive and at most %d weeks",
                          AH_LEDGER_MAX_WEEKS);
    return rc ? rc : ah_store_work_list(cx->store, person_id, from, to, MAX_ROWS, cx->arena,
                                        items, n, err);
}

/* ---- planned blocks ---- */

/* AH_E_CONFLICT if [start, end) overlaps one of person's blocks other than id. */
static enum ah_err check_overlap(struct ah_ctx *cx, int64_t person_id, int64_t id, int64_t start,
                                 int64_t end, struct ah_error *err)
{
    struct ah_block *b;
    size_t n = 0;
    enum ah_err rc = ah_store_block_list(cx->store, person_id, start, end, 2, cx->arena, &b, &n,
                                         err);

    for (size_t i = 0; !rc && i < n; i++) {
        char t[40];

        if (b[i].id == id)
            continue;
        ah_time_format(b[i].start_at, t);
        return ah_error_set(err, AH_E_CONFLICT,
                            "that overlaps your block %" PRId64 " starting %s", b[i].id, t);
    }
    return rc;
}

static enum ah_err check_block(struct ah_ctx *cx, int64_t start, int64_t end,
                               struct ah_error *err)
{
    enum ah_err rc = check_span("a block", start, end, err);

    if (!rc && start < cx->now)
        rc = ah_error_set(err, AH_E_INVALID, "a block is planned for the future");
    return rc;
}

enum ah_err ah_block_add(struct ah_ctx *cx, int64_t start, int64_t end, struct ah_block *out,
                         struct ah_error *err)
{
    struct ah_block b = {0};
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->actor)
        rc = ah_error_set(err, AH_E_INVALID, "blocks belong to a person");
    if (!rc)
        rc = check_block(cx, start, end, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = check_overlap(cx, cx->actor->id, 0, start, end, err);
    if (!rc) {
        b.person_id = cx->actor->id;
        b.start_at = start;
        b.end_at = end;
        b.created_at = b.updated_at = cx->now;
        rc = ah_store_block_insert(cx->store, &b, err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = b;
    return rc;
}

/* Block id of the actor, not yet started, inside the caller's transaction. */
static enum ah_err own_future_block(struct ah_ctx *cx, int64_t id, struct ah_block *b,
                                    struct ah_error *err)
{
    enum ah_err rc = ah_store_block_get(cx->store, id, b, err);

    if (!rc && (!cx->actor || b->person_id != cx->actor->id))
        rc = ah_error_set(err, AH_E_NOT_FOUND, "no such block");
    if (!rc && b->start_at <= cx->now)
        rc = ah_error_set(err, AH_E_CONFLICT,
                          "block %" PRId64 " has started: it can no longer change", id);
    return rc;
}

enum ah_err ah_block_move(struct ah_ctx *cx, int64_t id, int64_t start, int64_t end,
                          struct ah_block *out, struct ah_error *err)
{
    struct ah_block b;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = check_block(cx, start, end, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = own_future_block(cx, id, &b, err);
    if (!rc)
        rc = check_overlap(cx, b.person_id, id, start, end, err);
    if (!rc) {
        b.start_at = start;
        b.end_at = end;
        b.updated_at = cx->now;
        b.sequence++;
        rc = ah_store_block_update(cx->store, &b, err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = b;
    return rc;
}

enum ah_err ah_block_remove(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    struct ah_block b;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = own_future_block(cx, id, &b, err);
    if (!rc)
        rc = ah_store_block_delete(cx->store, id, err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_block_list(struct ah_ctx *cx, int64_t person_id, int64_t from, int64_t to,
                          struct ah_block **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    /* plans are not private: the coverage view shows everyone's */
    if (!rc && (to <= from || to - from > AH_LEDGER_MAX_WEEKS * 7 * DAY_MS))
        rc = ah_error_set(err, AH_E_INVALID, "the span must be positive and at most %d weeks",
                          AH_LEDGER_MAX_WEEKS);
    return rc ? rc : ah_store_block_list(cx->store, person_id, from, to, MAX_ROWS, cx->arena,
                                         items, n, err);
}

/* ---- the ledger ---- */

int64_t ah_overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

    return hi > lo ? hi - lo : 0;
}

void ah_ledger_fill(const struct ah_person *p, const struct ah_policy *pol,
                    const struct ah_week *w, bool booked, const struct ah_exemption *ex,
                    size_t nex, const struct ah_work_session *ws, size_t nws,
                    const struct ah_block *bl, size_t nbl, struct ah_ledger_week *out)
{
    int64_t required_days = 0;

    memset(out, 0, sizeof(*out));
    out->week = *w;
    for (int64_t d = w->first_day; d < w->first_day + 7; d++) {
        bool exempt = false;

        for (size_t i = 0; i < nex && !exempt; i++)
            exempt = ex[i].starts_on <= d && d <= ex[i].ends_on;
        out->exempt_days += exempt;
        if (d >= p->start_day && p->active) {
            out->enrolled_days++;
            required_days += !exempt;
        }
    }
    /* the week's hours for the days one was in and not exempt: every week,
     * or under the weeks-per-year cadence, a week one booked */
    if (pol->cadence == AH_CADENCE_WEEKLY)
        out->required_min = (pol->weekly_minutes * required_days + 3) / 7;
    else if (booked)
        out->required_min = (AH_SUPPORT_WEEK_MINUTES * required_days + 3) / 7;
    for (size_t i = 0; i < nws; i++)
        out->worked_ms += ah_overlap(ws[i].started_at, ws[i].last_active_at, w->start_ms, w->end_ms);
    for (size_t i = 0; i < nbl; i++)
        out->planned_ms += ah_overlap(bl[i].start_at, bl[i].end_at, w->start_ms, w->end_ms);
    out->met = out->worked_ms >= out->required_min * MINUTE_MS;
}

enum ah_err ah_ledger_compute(struct ah_ctx *cx, const struct ah_person *p,
                              const struct ah_policy *pol, const struct ah_week *w,
                              struct ah_ledger_week *out, struct ah_error *err)
{
    struct ah_exemption *ex;
    struct ah_work_session *ws;
    struct ah_block *bl;
    struct ah_activity act = {0};
    struct ah_support_week *sw;
    size_t nex = 0, nws = 0, nbl = 0, nsw = 0;
    enum ah_err rc;

    rc = ah_store_exemption_list(cx->store, p->id, w->first_day, w->first_day + 6, cx->arena,
                                 &ex, &nex, err);
    if (!rc && pol->cadence == AH_CADENCE_YEARLY)
        rc = ah_store_support_week_list(cx->store, p->id, w->first_day, w->first_day,
                                        cx->arena, &sw, &nsw, err);
    if (!rc)
        rc = ah_store_work_list(cx->store, p->id, w->start_ms, w->end_ms, MAX_ROWS, cx->arena,
                                &ws, &nws, err);
    if (!rc)
        rc = ah_store_block_list(cx->store, p->id, w->start_ms, w->end_ms, MAX_ROWS, cx->arena,
                                 &bl, &nbl, err);
    if (!rc)
        rc = ah_store_activity(cx->store, p->id, w->start_ms, w->end_ms, &act, err);
    if (rc)
        return rc;
    ah_ledger_fill(p, pol, w, nsw > 0, ex, nex, ws, nws, bl, nbl, out);
    out->replies = act.replies;
    out->tickets = act.tickets;
    {
        struct ah_person_count *esc;
        size_t nesc = 0;

        rc = ah_store_escalation_counts(cx->store, p->id, w->start_ms, w->end_ms, cx->arena, &esc,
                                        &nesc, err);
        out->escalations = !rc && nesc ? esc[0].n : 0;
    }
    if (!rc)
        rc = ah_store_review_counts(cx->store, p->id, w->start_ms, w->end_ms, &out->reviews, err);
    return rc;
}

enum ah_err ah_ledger(struct ah_ctx *cx, int64_t person_id, int iso_year, int iso_week,
                      int count, struct ah_ledger_week *rows, struct ah_error *err)
{
    struct ah_person p;
    struct ah_policy pol;
    struct ah_week w;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && (count < 1 || count > AH_LEDGER_MAX_WEEKS))
        rc = ah_error_set(err, AH_E_INVALID, "weeks must be from 1 to %d", AH_LEDGER_MAX_WEEKS);
    if (!rc)
        rc = ah_store_person_get(cx->store, person_id, cx->arena, &p, err);
    if (!rc)
        rc = may_read(cx, &p, err);
    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc && iso_year)
        rc = ah_week_get(&pol, p.timezone, iso_year, iso_week, &w, err);
    if (!rc && !iso_year) {
        rc = ah_week_at(&pol, p.timezone, cx->now, &w, err);
        if (!rc && count > 1)
            rc = ah_week_fill(&pol, p.timezone, w.first_day - 7 * (count - 1), &w, err);
    }
    for (int i = 0; !rc && i < count; i++) {
        if (i)
            rc = ah_week_fill(&pol, p.timezone, rows[i - 1].week.first_day + 7, &w, err);
        if (!rc)
            rc = ah_ledger_compute(cx, &p, &pol, &w, &rows[i], err);
    }
    return rc;
}

enum ah_err ah_person_week(struct ah_ctx *cx, int64_t person_id, int iso_year, int iso_week,
                           struct ah_week *out, struct ah_error *err)
{
    struct ah_person p;
    struct ah_policy pol;
    enum ah_err rc = ah_store_person_get(cx->store, person_id, cx->arena, &p, err);

    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (rc)
        return rc;
    if (iso_year)
        return ah_week_get(&pol, p.timezone, iso_year, iso_week, out, err);
    return ah_week_at(&pol, p.timezone, cx->now, out, err);
}

/* ---- the calendar feed ---- */

enum ah_err ah_calendar_rotate(struct ah_ctx *cx, char secret[AH_SECRET_MAX],
                               struct ah_error *err)
{
    struct ah_credential *old, c = {0};
    char h[AH_HASH_HEX];
    size_t n = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->actor)
        rc = ah_error_set(err, AH_E_INVALID, "a calendar belongs to a person");
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_cred_list(cx->store, cx->actor->id, AH_CRED_CALENDAR, cx->arena, &old, &n,
                            err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = ah_store_cred_delete(cx->store, old[i].id, cx->actor->id, err);
    if (!rc) {
        ah_crypto_token("ahc_", secret, AH_SECRET_MAX);
        ah_crypto_token_hash(ah_str_c(secret), h);
        c.person_id = cx->actor->id;
        c.kind = AH_CRED_CALENDAR;
        c.name = "calendar";
        c.created_at = c.last_used_at = cx->now;
        rc = ah_store_cred_insert(cx->store, &c, h, err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (rc)
        ah_crypto_wipe(secret, AH_SECRET_MAX);
    return rc;
}

enum ah_err ah_calendar_feed(struct ah_ctx *cx, struct ah_str secret, struct ah_buf *out,
                             struct ah_error *err)
{
    struct ah_credential c;
    struct ah_person p;
    struct ah_block *b;
    struct ah_ical_event *ev;
    char h[AH_HASH_HEX];
    size_t n = 0;
    enum ah_err rc;

    if (secret.len != 4 + AH_TOKEN_CHARS || memcmp(secret.p, "ahc_", 4) != 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no such calendar");
    ah_crypto_token_hash(secret, h);
    rc = ah_store_cred_lookup(cx->store, h, cx->arena, &c, &p, err);
    if (rc == AH_E_NOT_FOUND || (!rc && (c.kind != AH_CRED_CALENDAR || !p.active)))
        return ah_error_set(err, AH_E_NOT_FOUND, "no such calendar");
    if (!rc)
        rc = ah_store_block_list(cx->store, p.id, cx->now - 30 * DAY_MS, cx->now + 366 * DAY_MS,
                                 AH_ICAL_MAX_EVENTS, cx->arena, &b, &n, err);
    if (rc)
        return rc;
    ev = ah_arena_alloc(cx->arena, (n ? n : 1) * sizeof(*ev));
    for (size_t i = 0; i < n; i++) {
        char uid[64];

        snprintf(uid, sizeof(uid), "block-%" PRId64 "@allhands", b[i].id);
        ev[i] = (struct ah_ical_event){.uid = ah_arena_strdup(cx->arena, uid),
                                       .start_ms = b[i].start_at, .end_ms = b[i].end_at,
                                       .stamp_ms = b[i].updated_at, .sequence = b[i].sequence,
                                       .summary = "Queue time (allhands)",
                                       .description = "A block you planned for the support "
                                                      "queue."};
    }
    return ah_ical_write(ah_arena_strdup(cx->arena, p.name), ev, n, out, err);
}

/* ---- support weeks ---- */

static enum ah_err actor_week(struct ah_ctx *cx, int iso_year, int iso_week, struct ah_week *w,
                              struct ah_error *err)
{
    struct ah_policy pol;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->actor)
        rc = ah_error_set(err, AH_E_INVALID, "support weeks belong to a person");
    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    return rc ? rc : ah_week_get(&pol, cx->actor->timezone, iso_year, iso_week, w, err);
}

enum ah_err ah_support_week_book(struct ah_ctx *cx, int iso_year, int iso_week,
                                 struct ah_week *out, struct ah_error *err)
{
    struct ah_week w;
    struct ah_support_week sw = {0};
    enum ah_err rc = actor_week(cx, iso_year, iso_week, &w, err);

    if (!rc && w.end_ms <= cx->now)
        rc = ah_error_set(err, AH_E_INVALID, "%s has ended: book this week or a later one",
                          w.label);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    sw.person_id = cx->actor->id;
    sw.week_day = w.first_day;
    sw.created_at = cx->now;
    rc = ah_store_end(cx->store, ah_store_support_week_add(cx->store, &sw, err), err);
    if (!rc)
        *out = w;
    return rc;
}

enum ah_err ah_support_week_cancel(struct ah_ctx *cx, int iso_year, int iso_week,
                                   struct ah_error *err)
{
    struct ah_week w;
    enum ah_err rc = actor_week(cx, iso_year, iso_week, &w, err);

    if (!rc && w.start_ms <= cx->now)
        rc = ah_error_set(err, AH_E_CONFLICT, "%s has begun: it can no longer be cancelled",
                          w.label);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    return ah_store_end(cx->store,
                        ah_store_support_week_remove(cx->store, cx->actor->id, w.first_day, err),
                        err);
}

void ah_support_year_fill(const struct ah_person *p, const struct ah_policy *pol, int year,
                          const struct ah_support_week *weeks, size_t n,
                          struct ah_support_year *out)
{
    int sy, sm, sd;

    memset(out, 0, sizeof(*out));
    out->year = year;
    out->cadence = pol->cadence;
    out->week_start = pol->week_start;
    ah_civil_from_days(p->start_day, &sy, &sm, &sd);
    out->onboarding = pol->onboarding_week && sy == year;
    out->onboarding_by = p->start_day + AH_ONBOARDING_DAYS;
    out->required = pol->weeks_per_year + out->onboarding;
    for (size_t i = 0; i < n; i++) {
        int y, m, d;

        ah_civil_from_days(weeks[i].week_day, &y, &m, &d);
        if (y != year)
            continue;
        out->booked++;
        if (weeks[i].week_day >= p->start_day - 6 && weeks[i].week_day <= out->onboarding_by)
            out->onboarding_booked = true;
    }
}

void ah_support_week_label(const struct ah_support_year *y, size_t i, char out[16])
{
    struct ah_week w;

    week_name(y->week_start, y->weeks[i].week_day, &w);
    memcpy(out, w.label, sizeof(w.label));
}

enum ah_err ah_support_year_get(struct ah_ctx *cx, int64_t person_id, int year,
                                struct ah_support_year *out, struct ah_error *err)
{
    struct ah_person p;
    struct ah_policy pol;
    struct ah_support_week *sw;
    size_t n = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_person_get(cx->store, person_id, cx->arena, &p, err);
    if (!rc)
        rc = may_read(cx, &p, err);
    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc && year == 0) {
        int64_t today;
        int m, d;

        rc = ah_today(p.timezone, cx->now, &today, err);
        if (!rc)
            ah_civil_from_days(today, &year, &m, &d);
    }
    if (!rc && (year < 1970 || year > 9999))
        rc = ah_error_set(err, AH_E_INVALID, "year must be from 1970 to 9999");
    /* weeks starting from the last days of the year before to the year's end */
    if (!rc)
        rc = ah_store_support_week_list(cx->store, person_id,
                                        ah_days_from_civil(year, 1, 1) - 6,
                                        ah_days_from_civil(year, 12, 31), cx->arena, &sw, &n,
                                        err);
    if (rc)
        return rc;
    ah_support_year_fill(&p, &pol, year, sw, n, out);
    out->weeks = sw;
    out->nweeks = n;
    return AH_OK;
}
