/* intake.c - internal escalations (see intake.h). */
#include "domain/intake.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/limits.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/program.h"
#include "domain/ticket.h"

static const char *const channels[] = {"email", "chat", "phone", "meeting", "social", "other"};

bool ah_intake_channel_valid(struct ah_str channel)
{
    int i;

    return ah_str_index(channel, channels, sizeof(channels) / sizeof(channels[0]), &i);
}

/* The text's first line, cut to a subject's length on a character. */
static struct ah_str first_line(struct ah_str text)
{
    struct ah_str t = ah_str_trim(text);
    size_t n = 0;

    while (n < t.len && t.p[n] != '\n' && t.p[n] != '\r')
        n++;
    if (n > 120) {
        n = 120;
        while (n > 0 && ((unsigned char)t.p[n] & 0xC0) == 0x80)
            n--;
    }
    return ah_str_trim((struct ah_str){t.p, n});
}

static bool sees_all(const struct ah_ctx *cx)
{
    return ah_perm_has(cx, AH_PERM_COACH) || (cx->actor && cx->actor->leader);
}

enum ah_err ah_intake_open(struct ah_ctx *cx, const struct ah_intake_input *in,
                           struct ah_intake *out, struct ah_error *err)
{
    struct ah_ticket_input ti;
    struct ah_ticket t;
    struct ah_intake i = {0};
    struct ah_str why = ah_str_trim(in->why);
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    if (!cx->actor)
        return ah_error_set(err, AH_E_FORBIDDEN, "an escalation is filed by a person");
    if (!in->channel.p || !ah_intake_channel_valid(in->channel))
        return ah_error_set(err, AH_E_INVALID, "channel: email, chat, phone, meeting, social "
                                               "or other");
    if (!in->text.p || !ah_str_trim(in->text).len)
        return ah_error_set(err, AH_E_INVALID, "text: what the customer wrote or said is "
                                               "required");
    if (!in->customer_email.p || !in->customer_email.len)
        return ah_error_set(err, AH_E_INVALID, "customer_email: whose message it is is required");
    if (why.len && (!ah_utf8_valid(why.p, why.len) ||
                    ah_utf8_count(why.p, why.len) > AH_INTAKE_WHY_MAX))
        return ah_error_set(err, AH_E_INVALID, "why: at most %d characters",
                            AH_INTAKE_WHY_MAX);
    ah_ticket_input_init(&ti);
    ti.subject = in->subject.p && ah_str_trim(in->subject).len ? in->subject
                                                                : first_line(in->text);
    ti.body = in->text;
    ti.requester_email = in->customer_email;
    ti.requester_name = in->customer_name.p ? in->customer_name : ah_str_c("");
    ti.source = ah_str_c("escalation");
    ti.intake = true;
    rc = ah_ticket_open(cx, &ti, &t, NULL, err);
    if (rc)
        return rc;
    i.ticket_id = t.id;
    i.filer_id = cx->actor->id;
    i.channel = ah_arena_strndup(cx->arena, in->channel.p, in->channel.len);
    i.why = ah_arena_strndup(cx->arena, why.p ? why.p : "", why.len);
    i.created_at = cx->now;
    rc = ah_store_intake_insert(cx->store, &i, err);
    if (!rc)
        rc = ah_store_intake_get(cx->store, i.id, 0, cx->arena, out, err);
    return rc;
}

enum ah_err ah_intake_file(struct ah_ctx *cx, const struct ah_intake_input *in,
                           struct ah_intake *out, struct ah_error *err)
{
    enum ah_err rc = ah_store_begin(cx->store, err);

    return rc ? rc : ah_store_end(cx->store, ah_intake_open(cx, in, out, err), err);
}

enum ah_err ah_intake_get(struct ah_ctx *cx, int64_t id, struct ah_intake *out,
                          struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_intake_get(cx->store, id, 0, cx->arena, out, err);
    if (!rc && !sees_all(cx) && !(cx->actor && out->filer_id == cx->actor->id))
        return ah_error_set(err, AH_E_NOT_FOUND, "escalation %" PRId64 " does not exist", id);
    return rc;
}

enum ah_err ah_intake_list(struct ah_ctx *cx, bool mine, int64_t before_id, int limit,
                           struct ah_intake **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    if (!mine && !sees_all(cx))
        return ah_error_set(err, AH_E_FORBIDDEN, "only pros, leads and leaders see everyone's "
                                                 "escalations; ask for ?mine=1");
    return ah_store_intake_list(cx->store, mine && cx->actor ? cx->actor->id : 0, before_id,
                                limit, cx->arena, items, n, err);
}

enum ah_err ah_intake_counts(struct ah_ctx *cx, int64_t from, int64_t to,
                             struct ah_intake_count **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && !sees_all(cx))
        rc = ah_error_set(err, AH_E_FORBIDDEN, "only pros, leads and leaders read reports");
    return rc ? rc : ah_store_intake_counts(cx->store, from, to, cx->arena, items, n, err);
}

enum ah_err ah_intake_status_changed(struct ah_ctx *cx, const struct ah_ticket *t,
                                     struct ah_error *err)
{
    struct ah_intake i;
    bool first = false;
    char body[600];
    enum ah_err rc;

    if (t->status != AH_STATUS_SOLVED && t->status != AH_STATUS_CLOSED)
        return AH_OK;
    rc = ah_store_intake_get(cx->store, 0, t->id, cx->arena, &i, err);
    if (rc == AH_E_NOT_FOUND)
        return AH_OK;
    if (!rc)
        rc = ah_store_intake_told(cx->store, i.id, cx->now, &first, err);
    if (rc || !first)
        return rc;
    snprintf(body, sizeof(body), "The escalation you brought in is solved: ticket #%" PRId64
             " \"%s\".", t->id, t->subject);
    {
        struct ah_notification nt = {.person_id = i.filer_id, .kind = "escalation.solved",
                                     .ref_id = i.id, .body = body, .created_at = cx->now};
        bool inserted = false;

        return ah_store_notification_insert(cx->store, &nt, &inserted, err);
    }
}

enum ah_err ah_intake_check_triage(struct ah_ctx *cx, const struct ah_ticket *t,
                                   struct ah_error *err)
{
    struct ah_intake i;
    enum ah_err rc;

    if (!cx->actor || t->source == NULL || strcmp(t->source, "escalation") != 0)
        return AH_OK;
    rc = ah_store_intake_get(cx->store, 0, t->id, cx->arena, &i, err);
    if (rc == AH_E_NOT_FOUND)
        return AH_OK;
    if (!rc && i.filer_id == cx->actor->id)
        return ah_error_set(err, AH_E_FORBIDDEN, "you brought this escalation in: the support "
                                                 "team sets its priority and tier; say why it "
                                                 "matters in a note");
    return rc;
}

enum ah_err ah_intake_week(struct ah_ctx *cx, int year, int week, struct ah_week_span *out,
                           struct ah_error *err)
{
    struct ah_policy pol;
    struct ah_week w;
    enum ah_err rc = ah_policy_read(cx, &pol, err);

    if (!rc)
        rc = year ? ah_week_get(&pol, NULL, year, week, &w, err)
                  : ah_week_at(&pol, NULL, cx->now, &w, err);
    if (rc)
        return rc;
    out->start = w.start_ms;
    out->end = w.end_ms;
    out->first_day = w.first_day;
    memcpy(out->label, w.label, sizeof(out->label));
    return AH_OK;
}

enum ah_err ah_intake_report(struct ah_ctx *cx, int year, int week, struct ah_intake_report *out,
                             struct ah_error *err)
{
    struct ah_intake_report r = {0};
    enum ah_err rc = ah_intake_week(cx, year, week, &r.week, err);

    if (!rc)
        rc = ah_intake_counts(cx, r.week.start, r.week.end, &r.by_filer, &r.nfilers, err);
    if (rc)
        return rc;
    r.by_department = ah_arena_alloc(cx->arena, (r.nfilers + 1) * sizeof(*r.by_department));
    for (size_t i = 0; i < r.nfilers; i++) {
        const struct ah_intake_count *c = &r.by_filer[i];
        size_t k = 0;

        while (k < r.ndepartments && strcmp(r.by_department[k].department, c->department) != 0)
            k++;
        if (k == r.ndepartments)
            r.by_department[r.ndepartments++] = (struct ah_intake_department){c->department, 0,
                                                                              0};
        r.by_department[k].filed += c->filed;
        r.by_department[k].urgent += c->urgent;
        r.filed += c->filed;
        r.urgent += c->urgent;
    }
    *out = r;
    return AH_OK;
}
