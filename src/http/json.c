/* json.c - request decoding and response encoding with jansson. The decoder
 * is strict: a client's typo in a field name is an error, not a silent no-op. */
#include "http/json.h"

#include <jansson.h>

#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "core/time.h"
#include "core/tz.h"
#include "domain/groups.h"
#include "domain/program.h"
#include "domain/mail.h"
#include "domain/people.h"
#include "domain/ticket.h"

static const char *type_name(enum ah_json_type t)
{
    switch (t) {
    case AH_JSON_STRING:
        return "a string";
    case AH_JSON_INT:
        return "an integer";
    case AH_JSON_INT_OR_NULL:
        return "an integer or null";
    case AH_JSON_BOOL:
        return "true or false";
    case AH_JSON_STRINGS:
        return "an array of strings";
    case AH_JSON_INTS:
        return "an array of integers";
    case AH_JSON_STRING_OR_NULL:
        return "a string or null";
    }
    return "something else";
}

static struct ah_str copy(struct ah_arena *a, const char *p, size_t n)
{
    struct ah_str s = {ah_arena_strndup(a, p, n), n};

    return s;
}

static enum ah_err decode_strings(const struct ah_json_field *f, json_t *v,
                                  struct ah_json_value *out, struct ah_arena *a,
                                  struct ah_error *err)
{
    size_t n = json_array_size(v);

    if (n > f->max)
        return ah_error_set(err, AH_E_INVALID, "%s has more than %zu items", f->name, f->max);
    out->items = ah_arena_alloc(a, sizeof(*out->items) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);

        if (!json_is_string(e))
            return ah_error_set(err, AH_E_BAD_REQUEST, "%s must be %s", f->name,
                                type_name(f->type));
        out->items[i] = copy(a, json_string_value(e), json_string_length(e));
    }
    out->n = n;
    return AH_OK;
}

static enum ah_err decode_one(const struct ah_json_field *f, json_t *v, struct ah_json_value *out,
                              struct ah_arena *a, struct ah_error *err)
{
    out->present = true;
    if (json_is_null(v) && (f->type == AH_JSON_INT_OR_NULL || f->type == AH_JSON_STRING_OR_NULL)) {
        out->is_null = true;
        return AH_OK;
    }
    switch (f->type) {
    case AH_JSON_STRING:
    case AH_JSON_STRING_OR_NULL:
        if (!json_is_string(v))
            break;
        if (json_string_length(v) > f->max)
            return ah_error_set(err, AH_E_INVALID, "%s is longer than %zu bytes", f->name,
                                f->max);
        out->s = copy(a, json_string_value(v), json_string_length(v));
        return AH_OK;
    case AH_JSON_INT:
    case AH_JSON_INT_OR_NULL:
        if (!json_is_integer(v))
            break;
        out->i = (int64_t)json_integer_value(v);
        return AH_OK;
    case AH_JSON_BOOL:
        if (!json_is_boolean(v))
            break;
        out->b = json_is_true(v);
        return AH_OK;
    case AH_JSON_STRINGS:
        if (!json_is_array(v))
            break;
        return decode_strings(f, v, out, a, err);
    case AH_JSON_INTS: {
        size_t i;
        json_t *e;

        if (!json_is_array(v))
            break;
        if (json_array_size(v) > f->max)
            return ah_error_set(err, AH_E_INVALID, "%s has more than %zu items", f->name,
                                f->max);
        out->ints = ah_arena_alloc(a, (json_array_size(v) + 1) * sizeof(int64_t));
        json_array_foreach(v, i, e) {
            if (!json_is_integer(e))
                return ah_error_set(err, AH_E_BAD_REQUEST, "%s must be an array of integers",
                                    f->name);
            out->ints[i] = (int64_t)json_integer_value(e);
        }
        out->n = json_array_size(v);
        return AH_OK;
    }
    }
    return ah_error_set(err, AH_E_BAD_REQUEST, "%s must be %s", f->name, type_name(f->type));
}

static bool too_deep(json_t *v, int depth)
{
    const char *k;
    json_t *e;
    size_t i;

    if (depth > AH_MAX_JSON_DEPTH)
        return true;
    if (json_is_object(v)) {
        json_object_foreach(v, k, e) if (too_deep(e, depth + 1)) return true;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, e) if (too_deep(e, depth + 1)) return true;
    }
    return false;
}

enum ah_err ah_json_decode(struct ah_str body, const struct ah_json_field *fields, size_t nfields,
                           struct ah_json_value *out, struct ah_arena *a, struct ah_error *err)
{
    json_error_t je;
    json_t *root;
    const char *key;
    json_t *v;
    enum ah_err rc = AH_OK;

    memset(out, 0, sizeof(*out) * nfields);
    if (body.len == 0 || ah_str_trim(body).len == 0)
        root = json_object();
    else
        root = json_loadb(body.p, body.len, JSON_REJECT_DUPLICATES,
                          &je);
    if (!root)
        return ah_error_set(err, AH_E_BAD_REQUEST, "body is not valid JSON: %s at byte %d",
                            je.text, je.position);
    if (!json_is_object(root)) {
        rc = ah_error_set(err, AH_E_BAD_REQUEST, "body must be a JSON object");
        goto cleanup;
    }
    if (too_deep(root, 0)) {
        rc = ah_error_set(err, AH_E_BAD_REQUEST, "body is nested too deeply");
        goto cleanup;
    }
    json_object_foreach(root, key, v)
    {
        size_t k = 0;

        while (k < nfields && strcmp(fields[k].name, key) != 0)
            k++;
        if (k == nfields) {
            rc = ah_error_set(err, AH_E_BAD_REQUEST, "unknown field '%.60s'", key);
            goto cleanup;
        }
        rc = decode_one(&fields[k], v, &out[k], a, err);
        if (rc)
            goto cleanup;
    }
    for (size_t k = 0; k < nfields; k++)
        if (fields[k].required && !out[k].present) {
            rc = ah_error_set(err, AH_E_BAD_REQUEST, "%s is required", fields[k].name);
            goto cleanup;
        }
cleanup:
    json_decref(root);
    return rc;
}

/* ---- writing ---- */

#define PUT(b, lit) ah_buf_append((b), (lit), sizeof(lit) - 1, NULL)

void ah_json_put_strn(struct ah_buf *b, const char *s, size_t n)
{
    size_t run = 0;

    PUT(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        ah_buf_append(b, s + run, i - run, NULL);
        run = i + 1;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            ah_buf_append(b, esc, 2, NULL);
        } else if (c == '\n') {
            PUT(b, "\\n");
        } else if (c == '\t') {
            PUT(b, "\\t");
        } else if (c == '\r') {
            PUT(b, "\\r");
        } else {
            static const char hex[] = "0123456789abcdef";

            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            ah_buf_append(b, esc, 6, NULL);
        }
    }
    ah_buf_append(b, s + run, n - run, NULL);
    PUT(b, "\"");
}

void ah_json_put_str(struct ah_buf *b, const char *s)
{
    if (!s)
        PUT(b, "null");
    else
        ah_json_put_strn(b, s, strlen(s));
}

void ah_json_put_time(struct ah_buf *b, int64_t ms)
{
    char t[40];

    if (!ms) {
        PUT(b, "null");
        return;
    }
    ah_time_format(ms, t);
    PUT(b, "\"");
    ah_buf_append(b, t, strlen(t), NULL);
    PUT(b, "\"");
}

static void put_int(struct ah_buf *b, int64_t v);

void ah_json_put_day(struct ah_buf *b, int64_t day)
{
    char t[16];
    int y, m, d;

    ah_civil_from_days(day, &y, &m, &d);
    snprintf(t, sizeof(t), "\"%04d-%02d-%02d\"", y, m, d);
    ah_buf_append(b, t, strlen(t), NULL);
}

static void put_int(struct ah_buf *b, int64_t v)
{
    char d[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        d[sizeof(d) - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        d[sizeof(d) - 1 - n++] = '-';
    ah_buf_append(b, d + sizeof(d) - n, (size_t)n, NULL);
}

static void put_id(struct ah_buf *b, int64_t id)
{
    if (id)
        put_int(b, id);
    else
        PUT(b, "null");
}

static void put_bool(struct ah_buf *b, bool v)
{
    if (v)
        PUT(b, "true");
    else
        PUT(b, "false");
}

/* ,"key": — keys are literals */
#define KEY(b, k) PUT(b, ",\"" k "\":")

void ah_json_put_person(struct ah_buf *b, const struct ah_person *p)
{
    PUT(b, "{\"id\":");
    put_int(b, p->id);
    KEY(b, "email");
    ah_json_put_str(b, p->email);
    KEY(b, "name");
    ah_json_put_str(b, p->name);
    KEY(b, "department");
    ah_json_put_str(b, p->department);
    KEY(b, "manager_id");
    put_id(b, p->manager_id);
    KEY(b, "role");
    ah_json_put_str(b, ah_people_role_name(p->role));
    KEY(b, "leader");
    put_bool(b, p->leader);
    KEY(b, "timezone");
    ah_json_put_str(b, p->timezone);
    KEY(b, "active");
    put_bool(b, p->active);
    KEY(b, "start_date");
    ah_json_put_day(b, p->start_day);
    KEY(b, "level");
    ah_json_put_str(b, ah_level_name(p->level));
    KEY(b, "created_at");
    ah_json_put_time(b, p->created_at);
    KEY(b, "updated_at");
    ah_json_put_time(b, p->updated_at);
    PUT(b, "}");
}

void ah_json_put_words(struct ah_buf *b, const char *tags)
{
    const char *p = tags ? tags : "";
    bool first = true;

    PUT(b, "[");
    while (*p) {
        size_t n = strcspn(p, " ");

        if (n) {
            if (!first)
                PUT(b, ",");
            ah_json_put_strn(b, p, n);
            first = false;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    PUT(b, "]");
}

static void put_thread_mail(struct ah_buf *b, const struct ah_message *m, size_t n,
                            const struct ah_mail_thread *mt);

void ah_json_put_ticket(struct ah_buf *b, const struct ah_ticket *t, bool thread,
                        const struct ah_message *m, size_t n)
{
    ah_json_put_ticket_mail(b, t, thread, m, n, NULL);
}

void ah_json_put_ticket_mail(struct ah_buf *b, const struct ah_ticket *t, bool thread,
                             const struct ah_message *m, size_t n,
                             const struct ah_mail_thread *mt)
{
    PUT(b, "{\"id\":");
    put_int(b, t->id);
    KEY(b, "subject");
    ah_json_put_str(b, t->subject);
    PUT(b, ",\"requester\":{\"id\":");
    put_int(b, t->requester_id);
    KEY(b, "email");
    ah_json_put_str(b, t->requester_email);
    KEY(b, "name");
    ah_json_put_str(b, t->requester_name);
    PUT(b, "}");
    KEY(b, "status");
    ah_json_put_str(b, ah_ticket_status_name(t->status));
    KEY(b, "priority");
    ah_json_put_str(b, ah_ticket_priority_name(t->priority));
    KEY(b, "tier");
    put_int(b, t->tier);
    KEY(b, "tags");
    ah_json_put_words(b, t->tags);
    KEY(b, "source");
    ah_json_put_str(b, t->source);
    KEY(b, "assignee_id");
    put_id(b, t->assignee_id);
    KEY(b, "claimed_until");
    ah_json_put_time(b, t->claim_until);
    KEY(b, "due_at");
    ah_json_put_time(b, t->due_at);
    KEY(b, "resolve_due_at");
    ah_json_put_time(b, t->resolve_due_at);
    KEY(b, "first_response_at");
    ah_json_put_time(b, t->first_response_at);
    KEY(b, "solved_at");
    ah_json_put_time(b, t->solved_at);
    KEY(b, "created_at");
    ah_json_put_time(b, t->created_at);
    KEY(b, "updated_at");
    ah_json_put_time(b, t->updated_at);
    KEY(b, "last_message_id");
    put_int(b, t->last_message_id);
    KEY(b, "message_count");
    put_int(b, t->message_count);
    if (thread) {
        KEY(b, "in_review");
        put_bool(b, t->in_review);
        KEY(b, "messages");
        if (mt)
            put_thread_mail(b, m, n, mt);
        else
            ah_json_put_messages(b, m, n);
    }
    if (mt) {
        KEY(b, "participants");
        PUT(b, "[");
        for (size_t i = 0; i < mt->npeople; i++) {
            if (i)
                PUT(b, ",");
            PUT(b, "{\"email\":");
            ah_json_put_str(b, mt->people[i].email);
            KEY(b, "name");
            ah_json_put_str(b, mt->people[i].name);
            KEY(b, "added_at");
            ah_json_put_time(b, mt->people[i].added_at);
            PUT(b, "}");
        }
        PUT(b, "]");
    }
    PUT(b, "}");
}

static void message_head(struct ah_buf *b, const struct ah_message *m)
{
    PUT(b, "{\"id\":");
    put_int(b, m->id);
    KEY(b, "ticket_id");
    put_int(b, m->ticket_id);
    KEY(b, "kind");
    ah_json_put_str(b, ah_ticket_kind_name(m->kind));
    KEY(b, "author_id");
    put_id(b, m->author_id);
    KEY(b, "author_name");
    ah_json_put_str(b, m->author_name ? m->author_name : "");
    KEY(b, "body");
    ah_json_put_str(b, m->body);
    KEY(b, "created_at");
    ah_json_put_time(b, m->created_at);
}

void ah_json_put_message(struct ah_buf *b, const struct ah_message *m)
{
    message_head(b, m);
    PUT(b, "}");
}

static const char *delivery_status(const struct ah_mail_out *o)
{
    return o->sent_at ? "sent" : o->failed_at ? "failed" : "queued";
}

/* A message with what mail added: who sent it and what was folded away,
 * its files, and for a reply how its email fared. The three lists are in
 * message order, so one pass walks them all. */
static void put_thread_mail(struct ah_buf *b, const struct ah_message *m, size_t n,
                            const struct ah_mail_thread *mt)
{
    size_t in = 0, f = 0;

    PUT(b, "[");
    for (size_t i = 0; i < n; i++) {
        const struct ah_mail_out *o = NULL;

        if (i)
            PUT(b, ",");
        message_head(b, &m[i]);
        while (in < mt->nin && mt->in[in].message_id < m[i].id)
            in++;
        KEY(b, "mail");
        if (in < mt->nin && mt->in[in].message_id == m[i].id) {
            PUT(b, "{\"from\":{\"email\":");
            ah_json_put_str(b, mt->in[in].sender);
            KEY(b, "name");
            ah_json_put_str(b, mt->in[in].sender_name);
            PUT(b, "}");
            KEY(b, "quoted");
            ah_json_put_str(b, mt->in[in].quoted);
            PUT(b, "}");
        } else {
            PUT(b, "null");
        }
        KEY(b, "attachments");
        PUT(b, "[");
        while (f < mt->nfiles && mt->files[f].message_id < m[i].id)
            f++;
        for (bool first = true; f < mt->nfiles && mt->files[f].message_id == m[i].id; f++) {
            const struct ah_attachment *a = &mt->files[f];

            if (!first)
                PUT(b, ",");
            PUT(b, "{\"id\":");
            first = false;
            put_int(b, a->id);
            KEY(b, "name");
            ah_json_put_str(b, a->name);
            KEY(b, "type");
            ah_json_put_str(b, a->type);
            KEY(b, "size");
            put_int(b, a->size);
            KEY(b, "inline");
            put_bool(b, a->is_inline);
            KEY(b, "content_id");
            ah_json_put_str(b, a->content_id);
            PUT(b, "}");
        }
        PUT(b, "]");
        for (size_t k = 0; k < mt->nout; k++)
            if (mt->out[k].message_id == m[i].id && mt->out[k].kind == AH_MAIL_REPLY)
                o = &mt->out[k];
        KEY(b, "delivery");
        if (o) {
            PUT(b, "{\"status\":");
            ah_json_put_str(b, delivery_status(o));
            KEY(b, "attempts");
            put_int(b, o->attempts);
            KEY(b, "error");
            ah_json_put_str(b, o->last_error && *o->last_error ? o->last_error : NULL);
            KEY(b, "sent_at");
            ah_json_put_time(b, o->sent_at);
            KEY(b, "failed_at");
            ah_json_put_time(b, o->failed_at);
            PUT(b, "}");
        } else {
            PUT(b, "null");
        }
        PUT(b, "}");
    }
    PUT(b, "]");
}

void ah_json_put_messages(struct ah_buf *b, const struct ah_message *m, size_t n)
{
    PUT(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            PUT(b, ",");
        ah_json_put_message(b, &m[i]);
    }
    PUT(b, "]");
}

void ah_json_put_credential(struct ah_buf *b, const struct ah_credential *c, const char *secret)
{
    PUT(b, "{\"id\":");
    put_int(b, c->id);
    KEY(b, "name");
    ah_json_put_str(b, c->name);
    KEY(b, "created_at");
    ah_json_put_time(b, c->created_at);
    KEY(b, "last_used_at");
    ah_json_put_time(b, c->last_used_at);
    if (secret) {
        KEY(b, "token");
        ah_json_put_str(b, secret);
    }
    PUT(b, "}");
}

/* before/after are JSON the domain wrote (core/jsonw.c): copied as they are */
static void put_raw(struct ah_buf *b, const char *json)
{
    if (json)
        ah_buf_append(b, json, strlen(json), NULL);
    else
        PUT(b, "null");
}

void ah_json_put_audit(struct ah_buf *b, const struct ah_audit_entry *e)
{
    PUT(b, "{\"id\":");
    put_int(b, e->id);
    KEY(b, "at");
    ah_json_put_time(b, e->at);
    KEY(b, "actor_id");
    put_id(b, e->actor_id);
    KEY(b, "action");
    ah_json_put_str(b, e->action);
    KEY(b, "target");
    ah_json_put_str(b, e->target);
    KEY(b, "before");
    put_raw(b, e->before);
    KEY(b, "after");
    put_raw(b, e->after);
    PUT(b, "}");
}

void ah_json_item_person(struct ah_buf *b, const void *p)
{
    ah_json_put_person(b, p);
}

void ah_json_item_ticket(struct ah_buf *b, const void *t)
{
    ah_json_put_ticket(b, t, false, NULL, 0);
}

void ah_json_item_credential(struct ah_buf *b, const void *c)
{
    ah_json_put_credential(b, c, NULL);
}

void ah_json_item_audit(struct ah_buf *b, const void *e)
{
    ah_json_put_audit(b, e);
}

/* ---- the program ---- */

void ah_json_put_policy(struct ah_buf *b, const struct ah_policy *p)
{
    PUT(b, "{\"cadence\":");
    ah_json_put_str(b, ah_cadence_name(p->cadence));
    KEY(b, "weekly_minutes");
    put_int(b, p->weekly_minutes);
    KEY(b, "weeks_per_year");
    put_int(b, p->weeks_per_year);
    KEY(b, "onboarding_week");
    put_bool(b, p->onboarding_week);
    KEY(b, "timezone");
    ah_json_put_str(b, p->timezone);
    KEY(b, "week_start");
    put_int(b, p->week_start);
    KEY(b, "idle_timeout_seconds");
    put_int(b, p->idle_timeout_s);
    KEY(b, "ladder_remind_weeks");
    put_int(b, p->ladder_remind);
    KEY(b, "ladder_manager_weeks");
    put_int(b, p->ladder_manager);
    KEY(b, "ladder_report_weeks");
    put_int(b, p->ladder_report);
    KEY(b, "max_exemption_weeks");
    put_int(b, p->max_exemption_weeks);
    KEY(b, "default_tier");
    put_int(b, p->default_tier);
    KEY(b, "reserve_on");
    put_bool(b, p->reserve_on);
    KEY(b, "reserve_age_minutes");
    put_int(b, p->reserve_age_s / 60);
    KEY(b, "review_first");
    put_int(b, p->review_first);
    KEY(b, "review_rate_percent");
    put_int(b, p->review_rate);
    KEY(b, "promote_approved");
    put_int(b, p->promote_approved);
    KEY(b, "promote_clean_days");
    put_int(b, p->promote_clean_days);
    {
        static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
        char t[16];
        bool first = true;

        KEY(b, "business_days");
        PUT(b, "[");
        for (int d = 0; d < 7; d++)
            if (p->business_days & (1 << ((d + 1) % 7))) {
                if (!first)
                    PUT(b, ",");
                ah_json_put_str(b, days[(d + 1) % 7]);
                first = false;
            }
        PUT(b, "]");
        snprintf(t, sizeof(t), "%02d:%02d", (int)(p->business_start / 60),
                 (int)(p->business_start % 60));
        KEY(b, "business_start");
        ah_json_put_str(b, t);
        snprintf(t, sizeof(t), "%02d:%02d", (int)(p->business_end / 60),
                 (int)(p->business_end % 60));
        KEY(b, "business_end");
        ah_json_put_str(b, t);
    }
    KEY(b, "updated_at");
    ah_json_put_time(b, p->updated_at);
    KEY(b, "updated_by");
    put_id(b, p->updated_by);
    PUT(b, "}");
}

void ah_json_put_exemption(struct ah_buf *b, const struct ah_exemption *e)
{
    PUT(b, "{\"id\":");
    put_int(b, e->id);
    KEY(b, "person_id");
    put_int(b, e->person_id);
    KEY(b, "granted_by");
    put_id(b, e->granted_by);
    KEY(b, "reason");
    ah_json_put_str(b, e->reason);
    KEY(b, "starts_on");
    ah_json_put_day(b, e->starts_on);
    KEY(b, "ends_on");
    ah_json_put_day(b, e->ends_on);
    KEY(b, "created_at");
    ah_json_put_time(b, e->created_at);
    KEY(b, "ended_at");
    ah_json_put_time(b, e->ended_at);
    KEY(b, "ended_by");
    put_id(b, e->ended_by);
    PUT(b, "}");
}

void ah_json_item_exemption(struct ah_buf *b, const void *e)
{
    ah_json_put_exemption(b, e);
}

void ah_json_put_work_session(struct ah_buf *b, const struct ah_work_session *w)
{
    PUT(b, "{\"id\":");
    put_int(b, w->id);
    KEY(b, "person_id");
    put_int(b, w->person_id);
    KEY(b, "started_at");
    ah_json_put_time(b, w->started_at);
    KEY(b, "last_active_at");
    ah_json_put_time(b, w->last_active_at);
    KEY(b, "ended_at");
    ah_json_put_time(b, w->ended_at);
    KEY(b, "worked_seconds");
    put_int(b, (w->last_active_at - w->started_at) / 1000);
    KEY(b, "source");
    ah_json_put_str(b, w->source);
    KEY(b, "reason");
    ah_json_put_str(b, w->note);
    PUT(b, "}");
}

void ah_json_item_work_session(struct ah_buf *b, const void *w)
{
    ah_json_put_work_session(b, w);
}

/* start and end also as the wall clock of tz ("2026-11-26T09:00"), which is
 * how their owner planned them */
void ah_json_put_block(struct ah_buf *b, const struct ah_block *k, const char *tz)
{
    struct ah_error err;
    const struct ah_tz *z = ah_tz_get(tz && *tz ? tz : "UTC", &err);

    PUT(b, "{\"id\":");
    put_int(b, k->id);
    KEY(b, "person_id");
    put_int(b, k->person_id);
    KEY(b, "start");
    ah_json_put_time(b, k->start_at);
    KEY(b, "end");
    ah_json_put_time(b, k->end_at);
    for (int i = 0; z && i < 2; i++) {
        struct ah_civil c;
        char t[40];

        ah_tz_to_local(z, i ? k->end_at : k->start_at, &c);
        snprintf(t, sizeof(t), "\"%04d-%02d-%02dT%02d:%02d\"", c.year, c.month, c.day, c.hour,
                 c.minute);
        if (i)
            KEY(b, "local_end");
        else
            KEY(b, "local_start");
        ah_buf_append(b, t, strlen(t), NULL);
    }
    KEY(b, "minutes");
    put_int(b, (k->end_at - k->start_at) / 60000);
    KEY(b, "updated_at");
    ah_json_put_time(b, k->updated_at);
    PUT(b, "}");
}

void ah_json_put_ledger_week(struct ah_buf *b, const struct ah_ledger_week *w)
{
    PUT(b, "{\"week\":");
    ah_json_put_str(b, w->week.label);
    KEY(b, "first_day");
    ah_json_put_day(b, w->week.first_day);
    KEY(b, "start");
    ah_json_put_time(b, w->week.start_ms);
    KEY(b, "end");
    ah_json_put_time(b, w->week.end_ms);
    KEY(b, "hours_in_week");
    put_int(b, (w->week.end_ms - w->week.start_ms) / 3600000);
    KEY(b, "required_minutes");
    put_int(b, w->required_min);
    KEY(b, "planned_minutes");
    put_int(b, w->planned_ms / 60000);
    KEY(b, "worked_minutes");
    put_int(b, w->worked_ms / 60000);
    KEY(b, "worked_seconds");
    put_int(b, w->worked_ms / 1000);
    KEY(b, "enrolled_days");
    put_int(b, w->enrolled_days);
    KEY(b, "exempt_days");
    put_int(b, w->exempt_days);
    KEY(b, "tickets");
    put_int(b, w->tickets);
    KEY(b, "replies");
    put_int(b, w->replies);
    KEY(b, "escalations");
    put_int(b, w->escalations);
    PUT(b, ",\"reviews\":{\"given\":");
    put_int(b, w->reviews.given);
    KEY(b, "held");
    put_int(b, w->reviews.held);
    KEY(b, "approved");
    put_int(b, w->reviews.approved);
    KEY(b, "returned");
    put_int(b, w->reviews.returned);
    PUT(b, "}");
    KEY(b, "met");
    put_bool(b, w->met);
    PUT(b, "}");
}

/* ---- deference ---- */

static const char *match_kind_name(enum ah_match_kind k)
{
    return k == AH_MATCH_REGEX ? "regex" : k == AH_MATCH_PHRASE ? "phrase" : NULL;
}

static void put_str_or_null(struct ah_buf *b, const char *s)
{
    ah_json_put_str(b, s && *s ? s : NULL);
}

void ah_json_put_route_rule(struct ah_buf *b, const struct ah_route_rule *r)
{
    static const char *const in_names[] = {"both", "subject", "body", "both"};

    PUT(b, "{\"id\":");
    put_int(b, r->id);
    KEY(b, "position");
    put_int(b, r->position);
    KEY(b, "name");
    ah_json_put_str(b, r->name);
    KEY(b, "match_kind");
    ah_json_put_str(b, match_kind_name(r->match_kind));
    KEY(b, "pattern");
    ah_json_put_str(b, r->pattern);
    KEY(b, "match_in");
    ah_json_put_str(b, in_names[r->match_in & 3]);
    KEY(b, "if_tag");
    put_str_or_null(b, r->if_tag);
    KEY(b, "if_source");
    put_str_or_null(b, r->if_source);
    KEY(b, "if_domain");
    put_str_or_null(b, r->if_domain);
    KEY(b, "if_priority");
    ah_json_put_str(b, r->if_priority >= 0 ? ah_ticket_priority_name((enum ah_priority)r->if_priority)
                                           : NULL);
    KEY(b, "set_tier");
    put_id(b, r->set_tier);
    KEY(b, "set_priority");
    ah_json_put_str(b, r->set_priority >= 0
                           ? ah_ticket_priority_name((enum ah_priority)r->set_priority)
                           : NULL);
    KEY(b, "add_tags");
    ah_json_put_words(b, r->add_tags);
    KEY(b, "stop");
    put_bool(b, r->stop);
    KEY(b, "enabled");
    put_bool(b, r->enabled);
    KEY(b, "created_at");
    ah_json_put_time(b, r->created_at);
    KEY(b, "updated_at");
    ah_json_put_time(b, r->updated_at);
    PUT(b, "}");
}

void ah_json_item_route_rule(struct ah_buf *b, const void *r)
{
    ah_json_put_route_rule(b, r);
}

void ah_json_put_style_rule(struct ah_buf *b, const struct ah_style_rule *r)
{
    PUT(b, "{\"id\":");
    put_int(b, r->id);
    KEY(b, "name");
    ah_json_put_str(b, r->name);
    KEY(b, "kind");
    ah_json_put_str(b, match_kind_name(r->kind));
    KEY(b, "pattern");
    ah_json_put_str(b, r->pattern);
    KEY(b, "severity");
    ah_json_put_str(b, ah_severity_name(r->severity));
    KEY(b, "why");
    ah_json_put_str(b, r->why);
    KEY(b, "better");
    ah_json_put_str(b, r->better);
    KEY(b, "levels");
    ah_json_put_words(b, r->levels);
    KEY(b, "roles");
    ah_json_put_words(b, r->roles);
    KEY(b, "tags");
    ah_json_put_words(b, r->tags);
    KEY(b, "lifted_tags");
    ah_json_put_words(b, r->lifted_tags);
    KEY(b, "enabled");
    put_bool(b, r->enabled);
    KEY(b, "created_at");
    ah_json_put_time(b, r->created_at);
    KEY(b, "updated_at");
    ah_json_put_time(b, r->updated_at);
    PUT(b, "}");
}

void ah_json_item_style_rule(struct ah_buf *b, const void *r)
{
    ah_json_put_style_rule(b, r);
}

void ah_json_put_hits(struct ah_buf *b, const struct ah_style_hit *h, size_t n, const char *text)
{
    PUT(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            PUT(b, ",");
        PUT(b, "{\"rule_id\":");
        put_int(b, h[i].rule_id);
        KEY(b, "rule");
        ah_json_put_str(b, h[i].rule);
        KEY(b, "severity");
        ah_json_put_str(b, ah_severity_name(h[i].severity));
        KEY(b, "message");
        ah_json_put_str(b, h[i].why);
        KEY(b, "better");
        ah_json_put_str(b, h[i].better);
        KEY(b, "start");
        put_int(b, (int64_t)h[i].u16_start);
        KEY(b, "end");
        put_int(b, (int64_t)h[i].u16_end);
        KEY(b, "byte_start");
        put_int(b, (int64_t)h[i].byte_start);
        KEY(b, "byte_end");
        put_int(b, (int64_t)h[i].byte_end);
        if (text) {
            KEY(b, "match");
            ah_json_put_strn(b, text + h[i].byte_start, h[i].byte_end - h[i].byte_start);
        }
        PUT(b, "}");
    }
    PUT(b, "]");
}

static const char *review_status_name(enum ah_review_status s)
{
    static const char *const names[] = {"held", "approved", "returned", "passed"};

    return (unsigned)s < 4 ? names[s] : "held";
}

bool ah_json_review_status_parse(struct ah_str s, enum ah_review_status *out)
{
    for (int i = 0; i < 4; i++)
        if (ah_str_eq_c(s, review_status_name((enum ah_review_status)i))) {
            *out = (enum ah_review_status)i;
            return true;
        }
    return false;
}

void ah_json_put_review(struct ah_buf *b, const struct ah_review *r, int64_t now)
{
    PUT(b, "{\"id\":");
    put_int(b, r->id);
    KEY(b, "ticket_id");
    put_int(b, r->ticket_id);
    KEY(b, "ticket_subject");
    ah_json_put_str(b, r->ticket_subject);
    KEY(b, "author_id");
    put_int(b, r->author_id);
    KEY(b, "author_name");
    ah_json_put_str(b, r->author_name);
    KEY(b, "body");
    ah_json_put_str(b, r->body);
    KEY(b, "status");
    ah_json_put_str(b, review_status_name(r->status));
    KEY(b, "reviewer_id");
    put_id(b, r->reviewer_id);
    KEY(b, "final_body");
    ah_json_put_str(b, r->final_body);
    KEY(b, "comment");
    ah_json_put_str(b, r->comment);
    KEY(b, "message_id");
    put_id(b, r->message_id);
    KEY(b, "created_at");
    ah_json_put_time(b, r->created_at);
    KEY(b, "decided_at");
    ah_json_put_time(b, r->decided_at);
    KEY(b, "age_ms");
    put_int(b, (r->decided_at ? r->decided_at : now) - r->created_at);
    PUT(b, "}");
}

void ah_json_put_module(struct ah_buf *b, const struct ah_module *m, const char *html,
                        int64_t done_at)
{
    PUT(b, "{\"id\":");
    put_int(b, m->id);
    KEY(b, "title");
    ah_json_put_str(b, m->title);
    KEY(b, "body");
    ah_json_put_str(b, m->body);
    KEY(b, "html");
    ah_json_put_str(b, html);
    KEY(b, "position");
    put_int(b, m->position);
    KEY(b, "level");
    ah_json_put_str(b, ah_level_name(m->level));
    KEY(b, "done");
    put_bool(b, done_at != 0);
    KEY(b, "completed_at");
    ah_json_put_time(b, done_at);
    PUT(b, "}");
}

void ah_json_put_pairing(struct ah_buf *b, const struct ah_pairing *p)
{
    PUT(b, "{\"id\":");
    put_int(b, p->id);
    KEY(b, "pro_id");
    put_int(b, p->pro_id);
    KEY(b, "member_id");
    put_int(b, p->member_id);
    KEY(b, "started_at");
    ah_json_put_time(b, p->started_at);
    KEY(b, "minutes");
    put_int(b, p->minutes);
    KEY(b, "notes");
    ah_json_put_str(b, p->notes);
    KEY(b, "created_at");
    ah_json_put_time(b, p->created_at);
    PUT(b, "}");
}

void ah_json_item_pairing(struct ah_buf *b, const void *p)
{
    ah_json_put_pairing(b, p);
}

void ah_json_put_macro(struct ah_buf *b, const struct ah_macro *m)
{
    PUT(b, "{\"id\":");
    put_int(b, m->id);
    KEY(b, "owner_id");
    put_int(b, m->owner_id);
    KEY(b, "name");
    ah_json_put_str(b, m->name);
    KEY(b, "body");
    ah_json_put_str(b, m->body);
    KEY(b, "created_at");
    ah_json_put_time(b, m->created_at);
    KEY(b, "updated_at");
    ah_json_put_time(b, m->updated_at);
    PUT(b, "}");
}

void ah_json_item_macro(struct ah_buf *b, const void *m)
{
    ah_json_put_macro(b, m);
}

/* ---- repeated questions and fixes ---- */

static void put_double(struct ah_buf *b, double v)
{
    char t[32];

    snprintf(t, sizeof(t), "%.4f", v);
    ah_buf_append(b, t, strlen(t), NULL);
}

void ah_json_put_fix(struct ah_buf *b, const struct ah_fix *f)
{
    PUT(b, "{\"id\":");
    put_int(b, f->id);
    KEY(b, "title");
    ah_json_put_str(b, f->title);
    KEY(b, "url");
    ah_json_put_str(b, f->url);
    KEY(b, "owner_id");
    put_int(b, f->owner_id);
    KEY(b, "owner_name");
    ah_json_put_str(b, f->owner_name ? f->owner_name : "");
    KEY(b, "state");
    ah_json_put_str(b, ah_fix_state_name(f->state));
    KEY(b, "shipped_at");
    ah_json_put_time(b, f->shipped_at);
    KEY(b, "created_at");
    ah_json_put_time(b, f->created_at);
    KEY(b, "updated_at");
    ah_json_put_time(b, f->updated_at);
    PUT(b, "}");
}

/* The group's fields, without the closing brace. */
static void open_group(struct ah_buf *b, const struct ah_group_view *v)
{
    const struct ah_qgroup *g = &v->g;

    PUT(b, "{\"id\":");
    put_int(b, g->id);
    KEY(b, "name");
    ah_json_put_str(b, g->name);
    KEY(b, "named");
    put_bool(b, g->named);
    KEY(b, "status");
    ah_json_put_str(b, ah_group_status_name(g->status));
    KEY(b, "merged_into");
    put_id(b, g->merged_into);
    KEY(b, "size");
    put_int(b, g->size);
    KEY(b, "after_fix");
    put_int(b, g->after_fix);
    KEY(b, "first_at");
    ah_json_put_time(b, g->first_at);
    KEY(b, "last_at");
    ah_json_put_time(b, g->last_at);
    KEY(b, "fix");
    if (g->fix.id)
        ah_json_put_fix(b, &g->fix);
    else
        PUT(b, "null");
    KEY(b, "trend");
    PUT(b, "[");
    for (int i = 0; i < AH_GROUP_TREND_WEEKS; i++) {
        if (i)
            PUT(b, ",");
        PUT(b, "{\"week\":");
        ah_json_put_day(b, v->trend_from + 7 * i);
        KEY(b, "tickets");
        put_int(b, v->trend[i]);
        PUT(b, "}");
    }
    PUT(b, "]");
}

void ah_json_put_group(struct ah_buf *b, const struct ah_group_view *v)
{
    open_group(b, v);
    PUT(b, "}");
}

void ah_json_item_group(struct ah_buf *b, const void *v)
{
    ah_json_put_group(b, v);
}

void ah_json_put_group_detail(struct ah_buf *b, const struct ah_group_detail *d)
{
    open_group(b, &d->v);
    KEY(b, "met_by");
    PUT(b, "{\"engineers\":");
    put_int(b, d->engineers);
    KEY(b, "sales");
    put_int(b, d->sales);
    KEY(b, "founders");
    put_int(b, d->founders);
    PUT(b, "}");
    KEY(b, "departments");
    PUT(b, "[");
    for (size_t i = 0; i < d->ndepartments; i++) {
        if (i)
            PUT(b, ",");
        PUT(b, "{\"department\":");
        ah_json_put_str(b, d->departments[i].department);
        KEY(b, "people");
        put_int(b, d->departments[i].people);
        KEY(b, "tickets");
        put_int(b, d->departments[i].tickets);
        PUT(b, "}");
    }
    PUT(b, "]");
    KEY(b, "answerers");
    PUT(b, "[");
    for (size_t i = 0; i < d->nanswerers; i++) {
        const struct ah_qgroup_answerer *a = &d->answerers[i];

        if (i)
            PUT(b, ",");
        PUT(b, "{\"person_id\":");
        put_int(b, a->person_id);
        KEY(b, "name");
        ah_json_put_str(b, a->name);
        KEY(b, "department");
        ah_json_put_str(b, a->department);
        KEY(b, "leader");
        put_bool(b, a->leader);
        KEY(b, "tickets");
        put_int(b, a->tickets);
        PUT(b, "}");
    }
    PUT(b, "]}");
}

void ah_json_put_group_member(struct ah_buf *b, const struct ah_qgroup_member *m)
{
    PUT(b, "{\"id\":");
    put_int(b, m->ticket_id);
    KEY(b, "subject");
    ah_json_put_str(b, m->subject);
    KEY(b, "status");
    ah_json_put_str(b, ah_ticket_status_name(m->status));
    KEY(b, "tier");
    put_int(b, m->tier);
    KEY(b, "created_at");
    ah_json_put_time(b, m->created_at);
    KEY(b, "score");
    put_double(b, m->score);
    KEY(b, "after_fix");
    put_bool(b, m->after_fix);
    PUT(b, "}");
}

void ah_json_item_group_member(struct ah_buf *b, const void *m)
{
    ah_json_put_group_member(b, m);
}

void ah_json_put_group_similar(struct ah_buf *b, int64_t ticket_id,
                               const struct ah_group_similar *s)
{
    PUT(b, "{\"ticket_id\":");
    put_int(b, ticket_id);
    KEY(b, "grouped");
    put_bool(b, s->grouped);
    KEY(b, "group");
    if (s->grouped)
        ah_json_put_group(b, &s->v);
    else
        PUT(b, "null");
    KEY(b, "score");
    if (s->grouped)
        put_double(b, s->place.score);
    else
        PUT(b, "null");
    KEY(b, "after_fix");
    put_bool(b, s->grouped && s->place.after_fix);
    KEY(b, "others");
    put_int(b, s->others);
    KEY(b, "others_this_week");
    put_int(b, s->others_this_week);
    KEY(b, "open");
    PUT(b, "[");
    for (size_t i = 0; i < s->nopen; i++) {
        if (i)
            PUT(b, ",");
        ah_json_put_group_member(b, &s->open[i]);
    }
    PUT(b, "]}");
}
