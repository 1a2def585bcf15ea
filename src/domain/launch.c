/* launch.c - launch heads-ups (see launch.h). */
#include "domain/launch.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/tz.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/program.h"
#include "domain/ticket.h"

static const char *const readiness_names[] = {"unjudged", "ready", "not_ready"};
static const char *const missing_names[] = {"help_article", "saved_reply", "training"};

const char *ah_readiness_name(enum ah_readiness r)
{
    return (unsigned)r < 3 ? readiness_names[r] : "unjudged";
}

bool ah_readiness_parse(struct ah_str s, int *out)
{
    return ah_str_index(s, readiness_names, 3, out);
}

void ah_launch_input_init(struct ah_launch_input *in)
{
    memset(in, 0, sizeof(*in));
    in->readiness = -1;
}

static enum ah_err check_text(const char *field, struct ah_str s, bool required,
                              struct ah_error *err)
{
    struct ah_str t = ah_str_trim(s);

    if (required && !t.len)
        return ah_error_set(err, AH_E_INVALID, "%s: is required", field);
    if (!ah_utf8_valid(t.p ? t.p : "", t.len) || ah_utf8_count(t.p, t.len) > AH_LAUNCH_TEXT_MAX)
        return ah_error_set(err, AH_E_INVALID, "%s: at most %d characters", field,
                            AH_LAUNCH_TEXT_MAX);
    return AH_OK;
}

static const char *dup_trim(struct ah_ctx *cx, struct ah_str s)
{
    struct ah_str t = ah_str_trim(s);

    return ah_arena_strndup(cx->arena, t.p ? t.p : "", t.len);
}

/* "help_article saved_reply" from the names given, each known and once. */
static enum ah_err join_missing(struct ah_ctx *cx, const struct ah_launch_input *in,
                                const char **out, struct ah_error *err)
{
    struct ah_buf b;
    bool seen[3] = {false, false, false};

    for (size_t i = 0; i < in->nmissing; i++) {
        int k;

        if (!ah_str_index(in->missing[i], missing_names, 3, &k))
            return ah_error_set(err, AH_E_INVALID, "missing: saved_reply, help_article or "
                                                   "training");
        seen[k] = true;
    }
    ah_buf_init(&b, 64);
    for (size_t k = 0; k < 3; k++)
        if (seen[k]) {
            if (ah_buf_str(&b).len)
                ah_buf_appends(&b, " ", NULL);
            ah_buf_appends(&b, missing_names[k], NULL);
        }
    *out = ah_arena_strdup(cx->arena, ah_buf_str(&b).len ? ah_buf_cstr(&b) : "");
    ah_buf_release(&b);
    return AH_OK;
}

static enum ah_err apply(struct ah_ctx *cx, const struct ah_launch_input *in,
                         struct ah_launch *l, bool creating, struct ah_error *err)
{
    enum ah_err rc = AH_OK;

    if (in->title.p || creating) {
        rc = check_text("title", in->title, true, err);
        if (!rc && ah_utf8_count(in->title.p, ah_str_trim(in->title).len) > 200)
            rc = ah_error_set(err, AH_E_INVALID, "title: at most 200 characters");
        if (!rc)
            l->title = dup_trim(cx, in->title);
    }
    if (!rc && (in->day.p || creating)) {
        if (!in->day.p || !ah_day_parse(in->day, &l->launch_day))
            rc = ah_error_set(err, AH_E_INVALID, "day: a date, YYYY-MM-DD");
    }
    if (!rc && (in->changes.p || creating)) {
        rc = check_text("changes", in->changes, true, err);
        if (!rc)
            l->changes = dup_trim(cx, in->changes);
    }
    if (!rc && (in->impact.p || creating)) {
        rc = check_text("impact", in->impact, true, err);
        if (!rc)
            l->impact = dup_trim(cx, in->impact);
    }
    if (!rc && (in->has_tags || creating)) {
        if (!in->ntags)
            rc = ah_error_set(err, AH_E_INVALID, "tags: the ticket tags it will touch, at "
                                                 "least one");
        if (!rc)
            rc = ah_ticket_tags_join(cx, in->tags, in->ntags, &l->tags, err);
    }
    return rc;
}

enum ah_err ah_launch_create(struct ah_ctx *cx, const struct ah_launch_input *in,
                             struct ah_launch *out, struct ah_error *err)
{
    struct ah_launch l = {.readiness = AH_READY_UNJUDGED, .missing = "", .readiness_note = ""};
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !cx->actor)
        rc = ah_error_set(err, AH_E_FORBIDDEN, "a launch is announced by a person");
    if (!rc && (in->readiness != -1 || in->has_missing || in->note.p))
        rc = ah_error_set(err, AH_E_INVALID, "readiness is the support team's to say, after "
                                             "the announcement");
    if (!rc)
        rc = apply(cx, in, &l, true, err);
    if (rc)
        return rc;
    l.created_by = cx->actor->id;
    l.created_at = l.updated_at = cx->now;
    rc = ah_store_begin(cx->store, err);
    if (!rc)
        rc = ah_store_end(cx->store, ah_store_launch_insert(cx->store, &l, err), err);
    return rc ? rc : ah_store_launch_get(cx->store, l.id, cx->arena, out, err);
}

enum ah_err ah_launch_update(struct ah_ctx *cx, int64_t id, const struct ah_launch_input *in,
                             struct ah_launch *out, struct ah_error *err)
{
    struct ah_launch l;
    bool edits = in->title.p || in->day.p || in->changes.p || in->impact.p || in->has_tags;
    bool judges = in->readiness != -1 || in->has_missing || in->note.p;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_launch_get(cx->store, id, cx->arena, &l, err);
    if (!rc && edits && !(cx->actor && cx->actor->id == l.created_by) &&
        !ah_perm_has(cx, AH_PERM_COACH))
        rc = ah_error_set(err, AH_E_FORBIDDEN, "only who announced it changes a launch");
    if (!rc && judges && !ah_perm_has(cx, AH_PERM_COACH))
        rc = ah_error_set(err, AH_E_FORBIDDEN, "only the support team (pros and leads) says "
                                               "whether it is ready");
    if (!rc)
        rc = apply(cx, in, &l, false, err);
    if (!rc && judges) {
        if (in->readiness != -1) {
            if (in->readiness != AH_READY_YES && in->readiness != AH_READY_NO)
                rc = ah_error_set(err, AH_E_INVALID, "readiness: ready or not_ready");
            else
                l.readiness = (enum ah_readiness)in->readiness;
        }
        if (!rc && in->has_missing)
            rc = join_missing(cx, in, &l.missing, err);
        if (!rc && in->note.p) {
            rc = check_text("note", in->note, false, err);
            l.readiness_note = dup_trim(cx, in->note);
        }
        if (!rc && l.readiness == AH_READY_YES)
            l.missing = "";
        l.judged_by = cx->actor ? cx->actor->id : 0;
        l.judged_at = cx->now;
    }
    l.updated_at = cx->now;
    if (!rc)
        rc = ah_store_launch_update(cx->store, &l, err);
    if (!rc && judges && l.created_by != l.judged_by) {
        char body[600];
        struct ah_notification nt = {.person_id = l.created_by, .kind = "launch.readiness",
                                     .week_day = cx->now / 86400000, .ref_id = l.id,
                                     .body = body, .created_at = cx->now};
        bool inserted = false;

        snprintf(body, sizeof(body), "Support says \"%s\" is %s%s%s.", l.title,
                 l.readiness == AH_READY_YES ? "ready" : l.readiness == AH_READY_NO
                                                            ? "not ready" : "not judged yet",
                 *l.missing ? "; missing: " : "", l.missing);
        rc = ah_store_notification_insert(cx->store, &nt, &inserted, err);
    }
    if (!rc && judges)
        rc = ah_audit_record(cx, "launch.readiness", ah_audit_target(cx, "launch", id), NULL,
                             NULL, err);
    rc = ah_store_end(cx->store, rc, err);
    return rc ? rc : ah_store_launch_get(cx->store, id, cx->arena, out, err);
}

enum ah_err ah_launch_window(struct ah_ctx *cx, int64_t day, int64_t *from, int64_t *to,
                             struct ah_error *err)
{
    struct ah_policy pol;
    const struct ah_tz *z;
    int y, m, d;
    enum ah_err rc = ah_policy_read(cx, &pol, err);

    if (rc)
        return rc;
    z = ah_tz_get(pol.timezone, err);
    if (!z)
        return err->code;
    ah_civil_from_days(day, &y, &m, &d);
    *from = ah_tz_local_to_utc(z, y, m, d, 0, 0, 0);
    ah_civil_from_days(day + 7, &y, &m, &d);
    *to = ah_tz_local_to_utc(z, y, m, d, 0, 0, 0);
    return AH_OK;
}

/* Splits space-separated tags into an array (in cx's arena). */
static size_t split_tags(struct ah_ctx *cx, const char *tags, const char ***out)
{
    const char **v = ah_arena_alloc(cx->arena, (strlen(tags) / 2 + 2) * sizeof(*v));
    size_t n = 0;

    for (const char *p = tags; *p;) {
        size_t k = strcspn(p, " ");

        if (k)
            v[n++] = ah_arena_strndup(cx->arena, p, k);
        p += k + (p[k] == ' ');
    }
    *out = v;
    return n;
}

enum ah_err ah_launch_get(struct ah_ctx *cx, int64_t id, struct ah_launch *out,
                          struct ah_launch_cost *cost, struct ah_error *err)
{
    const char **tags;
    size_t ntags;
    int64_t from = 0, to = 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_launch_get(cx->store, id, cx->arena, out, err);
    if (!rc)
        rc = ah_launch_window(cx, out->launch_day, &from, &to, err);
    if (rc)
        return rc;
    memset(cost, 0, sizeof(*cost));
    ntags = split_tags(cx, out->tags, &tags);
    rc = ah_store_tagged_tickets(cx->store, tags, ntags, from, to, 20, cx->arena,
                                 &cost->tickets, &cost->recent, &cost->nrecent, err);
    if (!rc) {
        /* all of them count; only those the reader may open are listed */
        size_t k = 0;
        int max = ah_perm_max_tier(cx);

        for (size_t i = 0; i < cost->nrecent; i++)
            if (cost->recent[i].tier <= max)
                cost->recent[k++] = cost->recent[i];
        cost->nrecent = k;
    }
    return rc;
}

enum ah_err ah_launch_list(struct ah_ctx *cx, int64_t from_day, int64_t to_day,
                           struct ah_launch **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc : ah_store_launch_list(cx->store, from_day, to_day, cx->arena, items, n, err);
}

static bool share_tag(const char *a, const char *b)
{
    size_t la = strlen(a);

    for (const char *p = b; *p;) {
        size_t k = strcspn(p, " ");

        for (const char *q = a; q < a + la;) {
            size_t j = strcspn(q, " ");

            if (j == k && strncmp(p, q, k) == 0)
                return true;
            q += j + (q[j] == ' ');
        }
        p += k + (p[k] == ' ');
    }
    return false;
}

enum ah_err ah_launch_for_ticket(struct ah_ctx *cx, int64_t ticket_id, struct ah_launch **items,
                                 size_t *n, struct ah_error *err)
{
    struct ah_ticket t;
    struct ah_policy pol;
    struct ah_launch *all = NULL;
    size_t nall = 0, k = 0;
    int64_t today = 0;
    enum ah_err rc = ah_ticket_peek(cx, ticket_id, &t, err);

    if (!rc)
        rc = ah_policy_read(cx, &pol, err);
    if (!rc)
        rc = ah_today(pol.timezone, cx->now, &today, err);
    if (!rc)
        rc = ah_store_launch_list(cx->store, today - AH_LAUNCH_SHOWN_DAYS, today + 1, cx->arena,
                                  &all, &nall, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < nall; i++)
        if (*t.tags && share_tag(t.tags, all[i].tags))
            all[k++] = all[i];
    *items = all;
    *n = k;
    return AH_OK;
}
