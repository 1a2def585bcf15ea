/* json.c - request decoding and response encoding with jansson. The decoder
 * is strict: a client's typo in a field name is an error, not a silent no-op. */
#include "http/json.h"

#include <string.h>

#include "core/limits.h"
#include "core/time.h"
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
    if (json_is_null(v) && f->type == AH_JSON_INT_OR_NULL) {
        out->is_null = true;
        return AH_OK;
    }
    switch (f->type) {
    case AH_JSON_STRING:
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

json_t *ah_json_time(int64_t ms)
{
    char buf[40];

    if (!ms)
        return json_null();
    ah_time_format(ms, buf);
    return json_string(buf);
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

json_t *ah_json_person(const struct ah_person *p)
{
    return json_pack("{sI ss ss ss so ss sb ss sb so so}", "id", (json_int_t)p->id, "email",
                     p->email, "name", p->name, "department", p->department, "manager_id",
                     id_or_null(p->manager_id), "role", ah_people_role_name(p->role), "leader",
                     p->leader, "timezone", p->timezone, "active", p->active, "created_at",
                     ah_json_time(p->created_at), "updated_at", ah_json_time(p->updated_at));
}

static json_t *tags_array(const char *tags)
{
    json_t *a = json_array();
    const char *p = tags ? tags : "";

    while (*p) {
        size_t n = strcspn(p, " ");

        if (n)
            json_array_append_new(a, json_stringn(p, n));
        p += n;
        while (*p == ' ')
            p++;
    }
    return a;
}

json_t *ah_json_ticket(const struct ah_ticket *t)
{
    json_t *o = json_pack("{sI ss s{sI ss ss} ss ss si so ss}", "id", (json_int_t)t->id,
                          "subject", t->subject, "requester", "id", (json_int_t)t->requester_id,
                          "email", t->requester_email, "name", t->requester_name, "status",
                          ah_ticket_status_name(t->status), "priority",
                          ah_ticket_priority_name(t->priority), "tier", t->tier, "tags",
                          tags_array(t->tags), "source", t->source);

    json_object_set_new(o, "assignee_id", id_or_null(t->assignee_id));
    json_object_set_new(o, "claimed_until", ah_json_time(t->claim_until));
    json_object_set_new(o, "due_at", ah_json_time(t->due_at));
    json_object_set_new(o, "resolve_due_at", ah_json_time(t->resolve_due_at));
    json_object_set_new(o, "first_response_at", ah_json_time(t->first_response_at));
    json_object_set_new(o, "created_at", ah_json_time(t->created_at));
    json_object_set_new(o, "updated_at", ah_json_time(t->updated_at));
    json_object_set_new(o, "last_message_id", json_integer(t->last_message_id));
    json_object_set_new(o, "message_count", json_integer(t->message_count));
    return o;
}

json_t *ah_json_message(const struct ah_message *m)
{
    return json_pack("{sI sI ss so ss ss so}", "id", (json_int_t)m->id, "ticket_id",
                     (json_int_t)m->ticket_id, "kind", ah_ticket_kind_name(m->kind), "author_id",
                     id_or_null(m->author_id), "author_name", m->author_name ? m->author_name : "",
                     "body", m->body, "created_at", ah_json_time(m->created_at));
}

json_t *ah_json_messages(const struct ah_message *m, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, ah_json_message(&m[i]));
    return a;
}

json_t *ah_json_credential(const struct ah_credential *c)
{
    return json_pack("{sI ss so so}", "id", (json_int_t)c->id, "name", c->name, "created_at",
                     ah_json_time(c->created_at), "last_used_at", ah_json_time(c->last_used_at));
}

static json_t *raw_json(const char *text)
{
    json_t *v;

    if (!text)
        return json_null();
    v = json_loads(text, 0, NULL);
    return v ? v : json_string(text);
}

json_t *ah_json_audit(const struct ah_audit_entry *e)
{
    return json_pack("{sI so so ss ss so so}", "id", (json_int_t)e->id, "at", ah_json_time(e->at),
                     "actor_id", id_or_null(e->actor_id), "action", e->action, "target",
                     e->target, "before", raw_json(e->before), "after", raw_json(e->after));
}
