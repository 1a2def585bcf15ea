/* macro.c - saved replies and their placeholders. */
#include "domain/macro.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/ticket.h"

static const char *const placeholders[] = {"customer.name", "customer.email", "ticket.id",
                                           "ticket.subject", "agent.name"};
#define NPLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

/* Walks the {{...}} of body: calls put for text between them and for each
 * placeholder's index; AH_E_INVALID for an unknown or unclosed one. */
static enum ah_err expand(const char *body, struct ah_buf *out, const char *const *values,
                          struct ah_error *err)
{
    const char *p = body;

    for (;;) {
        const char *open = strstr(p, "{{"), *close;
        size_t k = 0;

        if (out)
            ah_buf_append(out, p, open ? (size_t)(open - p) : strlen(p), NULL);
        if (!open)
            return AH_OK;
        close = strstr(open + 2, "}}");
        if (!close)
            return ah_error_set(err, AH_E_INVALID, "body: a placeholder opened with {{ is not "
                                                   "closed with }}");
        {
            struct ah_str name = ah_str_trim((struct ah_str){open + 2, (size_t)(close - open - 2)});

            while (k < NPLACEHOLDERS && !ah_str_eq_c(name, placeholders[k]))
                k++;
            if (k == NPLACEHOLDERS)
                return ah_error_set(err, AH_E_INVALID,
                                    "body: {{%.*s}} is not a placeholder; use customer.name, "
                                    "customer.email, ticket.id, ticket.subject or agent.name",
                                    (int)(name.len > 40 ? 40 : name.len), name.p);
        }
        if (out)
            ah_buf_appends(out, values[k], NULL);
        p = close + 2;
    }
}

enum ah_err ah_macro_list(struct ah_ctx *cx, struct ah_macro **items, size_t *n,
                          struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc : ah_store_macro_list(cx->store, cx->arena, items, n, err);
}

enum ah_err ah_macro_get(struct ah_ctx *cx, int64_t id, struct ah_macro *out,
                         struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc : ah_store_macro_get(cx->store, id, cx->arena, out, err);
}

static const char *macro_json(struct ah_ctx *cx, const struct ah_macro *m)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 1024);
    ah_jsonw_str(&b, "name", m->name, NULL);
    ah_jsonw_str(&b, "body", m->body, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

static enum ah_err may_change(struct ah_ctx *cx, const struct ah_macro *m, struct ah_error *err)
{
    if (cx->actor && m->owner_id != cx->actor->id)
        return ah_perm_require(cx, AH_PERM_PROGRAM, err);
    return AH_OK;
}

enum ah_err ah_macro_save(struct ah_ctx *cx, struct ah_macro *m, struct ah_error *err)
{
    struct ah_macro before = {0};
    bool create = m->id == 0;
    size_t nl = m->name ? strlen(m->name) : 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc && (nl == 0 || nl > AH_MAX_MACRO_NAME || ah_str_trim(ah_str_c(m->name)).len == 0))
        rc = ah_error_set(err, AH_E_INVALID, "name must be 1 to %d bytes", AH_MAX_MACRO_NAME);
    if (!rc && (!m->body || ah_str_trim(ah_str_c(m->body)).len == 0 ||
                strlen(m->body) > AH_MAX_MESSAGE_BODY))
        rc = ah_error_set(err, AH_E_INVALID, "body must be 1 to %d bytes", AH_MAX_MESSAGE_BODY);
    if (!rc)
        rc = expand(m->body, NULL, NULL, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    m->updated_at = cx->now;
    if (create) {
        struct ah_macro *all;
        size_t n;

        rc = ah_store_macro_list(cx->store, cx->arena, &all, &n, err);
        if (!rc && n >= AH_MAX_MACROS)
            rc = ah_error_set(err, AH_E_INVALID, "there are %d saved replies already",
                              AH_MAX_MACROS);
        m->owner_id = cx->actor ? cx->actor->id : 0;
        m->created_at = cx->now;
        if (!rc)
            rc = ah_store_macro_insert(cx->store, m, err);
    } else {
        rc = ah_store_macro_get(cx->store, m->id, cx->arena, &before, err);
        if (!rc)
            rc = may_change(cx, &before, err);
        m->owner_id = before.owner_id;
        m->created_at = before.created_at;
        if (!rc)
            rc = ah_store_macro_update(cx->store, m, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, create ? "macro.create" : "macro.update",
                             ah_audit_target(cx, "macro", m->id),
                             create ? NULL : macro_json(cx, &before), macro_json(cx, m), err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_macro_delete(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    struct ah_macro m;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_macro_get(cx->store, id, cx->arena, &m, err);
    if (!rc)
        rc = may_change(cx, &m, err);
    if (!rc)
        rc = ah_store_macro_delete(cx->store, id, err);
    if (!rc)
        rc = ah_audit_record(cx, "macro.delete", ah_audit_target(cx, "macro", id),
                             macro_json(cx, &m), NULL, err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_macro_render(struct ah_ctx *cx, int64_t id, int64_t ticket_id, const char **out,
                            struct ah_ticket *ticket, struct ah_error *err)
{
    struct ah_macro m;
    struct ah_message *msgs;
    size_t nmsgs;
    struct ah_buf b;
    char idbuf[24];
    const char *values[NPLACEHOLDERS];
    enum ah_err rc = ah_macro_get(cx, id, &m, err);

    if (!rc)
        rc = ah_ticket_get(cx, ticket_id, ticket, &msgs, &nmsgs, err);
    if (rc)
        return rc;
    snprintf(idbuf, sizeof(idbuf), "%" PRId64, ticket->id);
    values[0] = ticket->requester_name && *ticket->requester_name ? ticket->requester_name
                                                                  : "there";
    values[1] = ticket->requester_email ? ticket->requester_email : "";
    values[2] = idbuf;
    values[3] = ticket->subject;
    values[4] = cx->actor ? cx->actor->name : "";
    ah_buf_init(&b, strlen(m.body) + 256);
    rc = expand(m.body, &b, values, err);
    if (!rc)
        *out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return rc;
}
