/* api_tickets.c - /api/v1/tickets and their messages. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "domain/mail.h"
#include "domain/ticket.h"
#include "http/api.h"
#include "http/server.h"

static void reply_thread(struct ah_req *r, int status, const struct ah_ticket *t,
                         const struct ah_message *m, size_t n)
{
    ah_api_reply_thread(r, status, t, m, n);
}

static void copy_tags(const struct ah_json_value *v, struct ah_str *tags, size_t *n)
{
    for (size_t i = 0; i < v->n && i < AH_MAX_TAGS; i++)
        tags[i] = v->items[i];
    *n = v->n;
}

static bool parse_priority(struct ah_req *r, const struct ah_json_value *v, int *out)
{
    enum ah_priority p;

    if (!v->present)
        return true;
    if (!ah_ticket_priority_parse(v->s, &p)) {
        ah_http_reply_fail(r, AH_E_INVALID, "priority must be urgent, high, normal or low");
        return false;
    }
    *out = (int)p;
    return true;
}

static bool parse_status(struct ah_req *r, const struct ah_json_value *v, int *out)
{
    enum ah_status s;

    if (!v->present)
        return true;
    if (!ah_ticket_status_parse(v->s, &s)) {
        ah_http_reply_fail(r, AH_E_INVALID,
                           "status must be new, open, pending, solved or closed");
        return false;
    }
    *out = (int)s;
    return true;
}

enum { C_SUBJECT, C_BODY, C_EMAIL, C_NAME, C_PRIORITY, C_TAGS, C_SOURCE, C_TIER, C_N };

const struct ah_json_field ah_api_tickets_create_fields[] = {
    [C_SUBJECT] = {"subject", AH_JSON_STRING, true, AH_MAX_SUBJECT},
    [C_BODY] = {"body", AH_JSON_STRING, true, AH_MAX_MESSAGE_BODY},
    [C_EMAIL] = {"requester_email", AH_JSON_STRING, false, AH_MAX_EMAIL},
    [C_NAME] = {"requester_name", AH_JSON_STRING, false, AH_MAX_NAME},
    [C_PRIORITY] = {"priority", AH_JSON_STRING, false, 16},
    [C_TAGS] = {"tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
    [C_SOURCE] = {"source", AH_JSON_STRING, false, 16},
    [C_TIER] = {"tier", AH_JSON_INT, false, 0},
};
const size_t ah_api_tickets_create_nfields = C_N;

void ah_api_tickets_create(struct ah_req *r)
{
    struct ah_json_value v[C_N];
    struct ah_ticket_input in;
    struct ah_ticket t;
    struct ah_message first;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_tickets_create_fields, C_N, v))
        return;
    ah_ticket_input_init(&in);
    in.subject = v[C_SUBJECT].s;
    in.body = v[C_BODY].s;
    if (v[C_EMAIL].present)
        in.requester_email = v[C_EMAIL].s;
    if (v[C_NAME].present)
        in.requester_name = v[C_NAME].s;
    if (v[C_SOURCE].present)
        in.source = v[C_SOURCE].s;
    if (v[C_TIER].present)
        in.tier = v[C_TIER].i < 1 || v[C_TIER].i > 2 ? 99 : (int)v[C_TIER].i;
    if (v[C_TAGS].present) {
        in.has_tags = true;
        copy_tags(&v[C_TAGS], in.tags, &in.ntags);
    }
    if (!parse_priority(r, &v[C_PRIORITY], &in.priority))
        return;
    if (ah_ticket_create(&r->cx, &in, &t, &first, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_metrics_count(ah_server_metrics(r->srv), AH_COUNT_TICKETS_CREATED, 1);
    reply_thread(r, 201, &t, &first, 1);
}

void ah_api_tickets_get(struct ah_req *r)
{
    struct ah_ticket t;
    struct ah_message *m;
    size_t n;
    struct ah_error err;

    if (ah_ticket_get(&r->cx, r->id, &t, &m, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_thread(r, 200, &t, m, n);
}

/* ?status=open,pending into a bit mask */
static bool status_filter(struct ah_req *r, unsigned *mask)
{
    struct ah_str v = ah_router_query(r->query, r->nquery, "status");
    size_t i = 0;

    *mask = 0;
    while (v.p && i <= v.len) {
        size_t end = i;
        enum ah_status s;

        while (end < v.len && v.p[end] != ',')
            end++;
        if (!ah_ticket_status_parse((struct ah_str){v.p + i, end - i}, &s)) {
            ah_http_reply_fail(r, AH_E_BAD_REQUEST,
                               "status must list new, open, pending, solved or closed");
            return false;
        }
        *mask |= AH_STATUS_MASK(s);
        i = end + 1;
    }
    return true;
}

static bool assignee_filter(struct ah_req *r, int64_t *out)
{
    struct ah_str v = ah_router_query(r->query, r->nquery, "assignee");

    *out = 0;
    if (!v.p)
        return true;
    if (ah_str_eq_c(v, "me"))
        *out = r->actor.id;
    else if (ah_str_eq_c(v, "none"))
        *out = -1;
    else if (ah_parse_i64(v, 1, INT64_MAX, out, NULL)) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "assignee must be me, none or a person id");
        return false;
    }
    return true;
}

static bool list_filter(struct ah_req *r, struct ah_ticket_filter *f)
{
    int64_t tier;
    struct ah_str q = ah_router_query(r->query, r->nquery, "q");
    struct ah_error err;

    memset(f, 0, sizeof(*f));
    if (!ah_api_page(r, &f->limit, &f->before_id) || !status_filter(r, &f->status_mask) ||
        !assignee_filter(r, &f->assignee_id) || !ah_api_query_int(r, "tier", 1, 2, 0, &tier))
        return false;
    f->tier = (int)tier;
    f->tag = ah_router_query(r->query, r->nquery, "tag");
    if (q.p && ah_str_trim(q).len && ah_ticket_search_query(&r->cx, q, &f->query, &err)) {
        err.code = AH_E_BAD_REQUEST;
        ah_http_reply_error(r, &err, NULL);
        return false;
    }
    return true;
}

void ah_api_tickets_list(struct ah_req *r)
{
    struct ah_ticket_filter f;
    struct ah_ticket *items;
    size_t n;
    struct ah_error err;

    if (!list_filter(r, &f))
        return;
    if (ah_ticket_list(&r->cx, &f, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_ticket,
                       ah_http_id_cursor(r, n ? items[n - 1].id : 0, n, f.limit));
}

enum { P_STATUS, P_PRIORITY, P_TAGS, P_ASSIGNEE, P_TIER, P_N };

const struct ah_json_field ah_api_tickets_update_fields[] = {
    [P_STATUS] = {"status", AH_JSON_STRING, false, 16},
    [P_PRIORITY] = {"priority", AH_JSON_STRING, false, 16},
    [P_TAGS] = {"tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
    [P_ASSIGNEE] = {"assignee_id", AH_JSON_INT_OR_NULL, false, 0},
    [P_TIER] = {"tier", AH_JSON_INT, false, 0},
};
const size_t ah_api_tickets_update_nfields = P_N;

void ah_api_tickets_update(struct ah_req *r)
{
    struct ah_json_value v[P_N];
    struct ah_ticket_patch p;
    struct ah_ticket t;
    struct ah_message *m;
    size_t n;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_tickets_update_fields, P_N, v))
        return;
    ah_ticket_patch_init(&p);
    if (!parse_status(r, &v[P_STATUS], &p.status) ||
        !parse_priority(r, &v[P_PRIORITY], &p.priority))
        return;
    if (v[P_TAGS].present) {
        p.has_tags = true;
        copy_tags(&v[P_TAGS], p.tags, &p.ntags);
    }
    if (v[P_ASSIGNEE].present) {
        p.has_assignee = true;
        p.assignee_id = v[P_ASSIGNEE].is_null ? 0 : v[P_ASSIGNEE].i;
        if (p.assignee_id < 0)
            p.assignee_id = INT64_MAX; /* no such person */
    }
    if (v[P_TIER].present)
        p.tier = v[P_TIER].i < 1 || v[P_TIER].i > 2 ? 99 : (int)v[P_TIER].i;
    if (ah_ticket_update(&r->cx, r->id, &p, &t, &err) ||
        ah_ticket_get(&r->cx, r->id, &t, &m, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_thread(r, 200, &t, m, n);
}

enum { W_KIND, W_BODY, W_SEEN, W_STATUS, W_OVERRIDE, W_N };

const struct ah_json_field ah_api_tickets_write_fields[] = {
    [W_KIND] = {"kind", AH_JSON_STRING, true, 16},
    [W_BODY] = {"body", AH_JSON_STRING, true, AH_MAX_MESSAGE_BODY},
    [W_SEEN] = {"seen_message_id", AH_JSON_INT, false, 0},
    [W_STATUS] = {"status", AH_JSON_STRING, false, 16},
    [W_OVERRIDE] = {"override_reason", AH_JSON_STRING, false, AH_MAX_REASON * 2},
};
const size_t ah_api_tickets_write_nfields = W_N;

void ah_api_tickets_write(struct ah_req *r)
{
    struct ah_json_value v[W_N];
    struct ah_write_outcome out = {0};
    struct ah_message_input in = {.status = -1, .outcome = &out};
    struct ah_message m, *newer = NULL;
    size_t nnewer = 0;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_tickets_write_fields, W_N, v))
        return;
    if (ah_str_eq_c(v[W_KIND].s, "reply"))
        in.kind = AH_MSG_REPLY;
    else if (ah_str_eq_c(v[W_KIND].s, "note"))
        in.kind = AH_MSG_NOTE;
    else {
        ah_http_reply_fail(r, AH_E_INVALID, "kind must be reply or note");
        return;
    }
    in.body = v[W_BODY].s;
    in.has_seen = v[W_SEEN].present;
    in.seen_message_id = v[W_SEEN].i;
    if (!parse_status(r, &v[W_STATUS], &in.status))
        return;
    if (v[W_OVERRIDE].present)
        in.override_reason = v[W_OVERRIDE].s;
    if (ah_ticket_write(&r->cx, r->id, &in, &m, &newer, &nnewer, &err)) {
        if (err.code == AH_E_INVALID && out.blocked_by) {
            struct ah_buf extra;

            ah_buf_init(&extra, AH_MAX_RESPONSE);
            ah_buf_appends(&extra, "\"rule\":", NULL);
            ah_json_put_str(&extra, out.blocked_by);
            ah_buf_appends(&extra, ",\"hits\":", NULL);
            ah_json_put_hits(&extra, out.hits, out.nhits, in.body.p);
            ah_http_reply_error(r, &err, ah_buf_cstr(&extra));
            ah_buf_release(&extra);
            return;
        }
        if (err.code == AH_E_CONFLICT) {
            ah_metrics_count(ah_server_metrics(r->srv), AH_COUNT_CONFLICTS, 1);
            struct ah_buf extra;

            ah_buf_init(&extra, AH_MAX_RESPONSE);
            ah_buf_appends(&extra, "\"messages\":", NULL);
            ah_json_put_messages(&extra, newer, nnewer);
            ah_http_reply_error(r, &err, ah_buf_cstr(&extra));
            ah_buf_release(&extra);
            return;
        }
        ah_api_fail(r, &err);
        return;
    }
    if (out.held) {
        struct ah_buf *b = ah_http_body(r);

        ah_buf_appends(b, "{\"review\":", NULL);
        ah_json_put_review(b, &out.review, r->cx.now);
        ah_buf_appends(b, "}", NULL);
        ah_http_reply_body(r, 202);
        return;
    }
    ah_metrics_count(ah_server_metrics(r->srv), AH_COUNT_MESSAGES_ADDED, 1);
    ah_json_put_message(ah_http_body(r), &m);
    ah_http_reply_body(r, 201);
}

enum { X_NOTE, X_N };

const struct ah_json_field ah_api_tickets_escalate_fields[] = {
    [X_NOTE] = {"note", AH_JSON_STRING, true, AH_MAX_ESCALATION_NOTE},
};
const size_t ah_api_tickets_escalate_nfields = X_N;

void ah_api_tickets_escalate(struct ah_req *r)
{
    struct ah_json_value v[X_N];
    struct ah_ticket t;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_tickets_escalate_fields, X_N, v))
        return;
    if (ah_ticket_escalate(&r->cx, r->id, v[X_NOTE].s, &t, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_ticket(ah_http_body(r), &t, false, NULL, 0);
    ah_http_reply_body(r, 200);
}

void ah_api_reply_thread(struct ah_req *r, int status, const struct ah_ticket *t,
                         const struct ah_message *m, size_t n)
{
    struct ah_mail_thread mt;
    struct ah_error err;

    if (ah_mail_thread_get(&r->cx, t->id, &mt, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_ticket_mail(ah_http_body(r), t, true, m, n, &mt);
    ah_http_reply_body(r, status);
}

/* The types a browser may show in place; anything else is a download, so
 * that a file someone mailed in never runs as a page of ours. */
static const char *shown_type(const char *type, bool *in_place)
{
    static const char *const images[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};

    for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
        if (strcmp(type, images[i]) == 0) {
            *in_place = true;
            return images[i];
        }
    *in_place = false;
    return strcmp(type, "text/plain") == 0 ? "text/plain; charset=utf-8"
                                           : "application/octet-stream";
}

/* RFC 6266 filename*: the name percent-encoded, so no byte of it can end
 * the header. */
static const char *disposition(struct ah_req *r, bool in_place, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(name);
    size_t cap = n * 3 + 64;
    char *out = ah_arena_alloc(&r->arena, cap);
    char *p = out + snprintf(out, cap, "%s; filename*=UTF-8''",
                             in_place ? "inline" : "attachment");

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c)) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return out;
}

void ah_api_attachments_get(struct ah_req *r)
{
    struct ah_attachment a;
    const char *path, *type;
    struct ah_error err;
    struct ah_buf b;
    FILE *f;
    char chunk[65536];
    size_t got;
    bool in_place, ok = true;

    if (ah_mail_attachment(&r->cx, r->id, &a, &path, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    f = fopen(path, "rb");
    if (!f) {
        ah_log(AH_LOG_ERROR, "attachment.missing", "id=%" PRId64 " path=%s", a.id, path);
        ah_http_reply_fail(r, AH_E_UNAVAILABLE,
                           "the file of this attachment is not on this server's disk");
        return;
    }
    ah_buf_init(&b, (size_t)a.size + 1);
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (ah_buf_append(&b, chunk, got, NULL))
            ok = false;
    fclose(f);
    if (!ok || b.len != (size_t)a.size) {
        ah_buf_release(&b);
        ah_http_reply_fail(r, AH_E_INTERNAL, "the attachment's file does not match its record");
        return;
    }
    type = shown_type(a.type, &in_place);
    ah_http_reply_header(r, "Content-Disposition", disposition(r, in_place, a.name));
    ah_http_reply_header(r, "Cache-Control", "private, max-age=3600");
    ah_http_reply_text(r, 200, &b, type);
    ah_buf_release(&b);
}
