/* kudos.c - praise for one reply (see kudos.h). */
#include "domain/kudos.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "domain/perm.h"
#include "domain/ticket.h"

/* s cut to max characters (on a character), trimmed, in cx's arena. */
static const char *cut(struct ah_ctx *cx, const char *s, size_t max)
{
    struct ah_str t = ah_str_trim(ah_str_c(s));
    size_t n = 0, chars = 0;

    while (n < t.len && chars < max) {
        n++;
        while (n < t.len && ((unsigned char)t.p[n] & 0xC0) == 0x80)
            n++;
        chars++;
    }
    if (n < t.len) {
        char *out = ah_arena_alloc(cx->arena, n + 4);

        memcpy(out, t.p, n);
        memcpy(out + n, "\xe2\x80\xa6", 4); /* … */
        return out;
    }
    return ah_arena_strndup(cx->arena, t.p, t.len);
}

/* message id of ticket t's thread, or NULL. */
static const struct ah_message *find(const struct ah_message *m, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].id == id)
            return &m[i];
    return NULL;
}

static enum ah_err tell(struct ah_ctx *cx, int64_t to, const struct ah_kudos *k,
                        const char *body, struct ah_error *err)
{
    struct ah_notification nt = {.person_id = to, .kind = "kudos", .ref_id = k->id,
                                 .body = body, .created_at = cx->now};
    bool inserted = false;

    return ah_store_notification_insert(cx->store, &nt, &inserted, err);
}

enum ah_err ah_kudos_give(struct ah_ctx *cx, const struct ah_kudos_input *in,
                          struct ah_kudos *out, struct ah_error *err)
{
    struct ah_message *thread = NULL;
    const struct ah_message *reply, *thanks = NULL;
    struct ah_ticket t;
    struct ah_person author;
    struct ah_kudos k = {0};
    struct ah_str text = ah_str_trim(in->text);
    size_t n = 0;
    char body[800];
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    if (!cx->actor)
        return ah_error_set(err, AH_E_FORBIDDEN, "kudos come from a person");
    if (in->customer_message_id && !ah_perm_has(cx, AH_PERM_COACH))
        return ah_error_set(err, AH_E_FORBIDDEN, "only pros and leads turn a customer's thanks "
                                                 "into kudos");
    if (!in->customer_message_id && !text.len)
        return ah_error_set(err, AH_E_INVALID, "text: say what was good about the reply");
    if (text.len && (!ah_utf8_valid(text.p, text.len) ||
                     ah_utf8_count(text.p, text.len) > AH_KUDOS_TEXT_MAX))
        return ah_error_set(err, AH_E_INVALID, "text: at most %d characters",
                            AH_KUDOS_TEXT_MAX);
    /* the ticket as the giver sees it (a hidden one is not found) */
    rc = ah_ticket_get(cx, in->ticket_id, &t, &thread, &n, err);
    if (rc)
        return rc;
    reply = find(thread, n, in->message_id);
    if (!reply || reply->kind != AH_MSG_REPLY || !reply->author_id)
        return ah_error_set(err, AH_E_INVALID, "message_id: kudos go to a reply someone of the "
                                               "company wrote on ticket %" PRId64,
                            in->ticket_id);
    if (reply->author_id == cx->actor->id && !in->customer_message_id)
        return ah_error_set(err, AH_E_INVALID, "message_id: that reply is yours; kudos are for "
                                               "someone else's");
    if (in->customer_message_id) {
        thanks = find(thread, n, in->customer_message_id);
        if (!thanks || thanks->kind != AH_MSG_CUSTOMER)
            return ah_error_set(err, AH_E_INVALID, "customer_message_id: a customer's message "
                                                   "on the same ticket");
    }
    rc = ah_store_person_get(cx->store, reply->author_id, cx->arena, &author, err);
    if (rc)
        return rc;
    k.message_id = reply->id;
    k.ticket_id = t.id;
    k.person_id = reply->author_id;
    k.giver_id = cx->actor->id;
    k.from_customer = thanks != NULL;
    k.text = text.len ? ah_arena_strndup(cx->arena, text.p, text.len)
                      : cut(cx, thanks->body, AH_KUDOS_TEXT_MAX);
    k.quote = cut(cx, reply->body, AH_KUDOS_QUOTE_MAX);
    k.created_at = cx->now;
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_kudos_insert(cx->store, &k, err);
    snprintf(body, sizeof(body), "%s %s your reply on ticket #%" PRId64 ": \"%s\"",
             thanks ? "A customer thanked you for" : cx->actor->name,
             thanks ? "(passed on by a pro)" : "praised", t.id, k.text);
    if (!rc)
        rc = tell(cx, k.person_id, &k, body, err);
    if (!rc && author.manager_id && author.manager_id != cx->actor->id) {
        char mbody[800];

        snprintf(mbody, sizeof(mbody), "%s got kudos for a reply on ticket #%" PRId64 ": \"%s\"",
                 author.name, t.id, k.text);
        rc = tell(cx, author.manager_id, &k, mbody, err);
    }
    rc = ah_store_end(cx->store, rc, err);
    if (rc)
        return rc;
    k.person_name = author.name;
    k.giver_name = cx->actor->name;
    k.subject = t.subject;
    *out = k;
    return AH_OK;
}

enum ah_err ah_kudos_list(struct ah_ctx *cx, int64_t person_id, int64_t from, int64_t to,
                          int64_t before_id, int limit, struct ah_kudos **items, size_t *n,
                          struct ah_error *err)
{
    bool broad = ah_perm_has(cx, AH_PERM_COACH) || (cx->actor && cx->actor->leader);
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    if (!broad && person_id != (cx->actor ? cx->actor->id : -1)) {
        struct ah_person p;

        if (!person_id)
            return ah_error_set(err, AH_E_FORBIDDEN, "only pros, leads and leaders see "
                                                     "everyone's kudos");
        rc = ah_store_person_get(cx->store, person_id, cx->arena, &p, err);
        if (rc == AH_E_NOT_FOUND || (!rc && p.manager_id != (cx->actor ? cx->actor->id : -1)))
            return ah_error_set(err, AH_E_FORBIDDEN, "kudos are seen by the person, their "
                                                     "manager, pros, leads and leaders");
        if (rc)
            return rc;
    }
    return ah_store_kudos_list(cx->store, person_id, from, to, before_id, limit, cx->arena,
                               items, n, err);
}
