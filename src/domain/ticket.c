/* ticket.c - tickets and threads. Owns visibility by tier, the send check
 * (no reply over a message its writer has not seen), SLA due times, and which
 * ticket changes are privileged. SQL is in store/, HTTP in http/. */
#include "domain/ticket.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "domain/audit.h"
#include "domain/intake.h"
#include "domain/mail.h"
#include "domain/perm.h"
#include "domain/program.h"
#include "domain/review.h"
#include "domain/routeback.h"
#include "domain/rules.h"
#include "domain/people.h"

/* a thread longer than this is cut to its newest part */
#define MAX_THREAD 1000
#define MAX_SEARCH_TERMS 16
/* the text indexer's unit of work (small, so writers interleave with it), and
 * how many it does in one go */
#define INDEX_BATCH 2000
#define INDEX_ROUNDS 5000

static const char *const status_names[] = {"new", "open", "pending", "solved", "closed"};
static const char *const priority_names[] = {"urgent", "high", "normal", "low"};
static const char *const kind_names[] = {"customer", "reply", "note"};
static const char *const sources[] = {"api", "web", "email", "phone", "chat", "escalation"};

const char *ah_ticket_status_name(enum ah_status s)
{
    return (unsigned)s < 5 ? status_names[s] : "open";
}

bool ah_ticket_status_parse(struct ah_str s, enum ah_status *out)
{
    for (int i = 0; i < 5; i++)
        if (ah_str_eq_c(s, status_names[i])) {
            *out = (enum ah_status)i;
            return true;
        }
    return false;
}

const char *ah_ticket_priority_name(enum ah_priority p)
{
    return (unsigned)p < 4 ? priority_names[p] : "normal";
}

bool ah_ticket_priority_parse(struct ah_str s, enum ah_priority *out)
{
    for (int i = 0; i < 4; i++)
        if (ah_str_eq_c(s, priority_names[i])) {
            *out = (enum ah_priority)i;
            return true;
        }
    return false;
}

const char *ah_ticket_kind_name(enum ah_msg_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : "note";
}

bool ah_ticket_source_valid(struct ah_str s)
{
    for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
        if (ah_str_eq_c(s, sources[i]))
            return true;
    return false;
}

void ah_ticket_input_init(struct ah_ticket_input *in)
{
    memset(in, 0, sizeof(*in));
    in->priority = -1;
}

void ah_ticket_patch_init(struct ah_ticket_patch *p)
{
    memset(p, 0, sizeof(*p));
    p->status = -1;
    p->priority = -1;
    p->tier = -1;
}

static int cmp_str(const void *a, const void *b)
{
    const struct ah_str *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, n);

    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static bool tag_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':';
}

enum ah_err ah_ticket_tags_join(struct ah_ctx *cx, const struct ah_str *tags, size_t n,
                                const char **out, struct ah_error *err)
{
    struct ah_str sorted[AH_MAX_TAGS];
    char *p, *q;
    size_t total = 1;

    if (n > AH_MAX_TAGS)
        return ah_error_set(err, AH_E_INVALID, "a ticket has at most %d tags", AH_MAX_TAGS);
    for (size_t i = 0; i < n; i++) {
        char *low;

        if (tags[i].len == 0 || tags[i].len > AH_MAX_TAG)
            return ah_error_set(err, AH_E_INVALID, "a tag is 1 to %d characters", AH_MAX_TAG);
        low = ah_arena_strndup(cx->arena, tags[i].p, tags[i].len);
        for (size_t j = 0; j < tags[i].len; j++) {
            if (low[j] >= 'A' && low[j] <= 'Z')
                low[j] = (char)(low[j] + 32);
            if (!tag_char(low[j]))
                return ah_error_set(err, AH_E_INVALID,
                                    "tag '%.*s' may hold only a-z, 0-9, '-', '_', '.' and ':'",
                                    (int)tags[i].len, tags[i].p);
        }
        sorted[i] = (struct ah_str){low, tags[i].len};
        total += tags[i].len + 1;
    }
    if (n)
        qsort(sorted, n, sizeof(sorted[0]), cmp_str);
    p = q = ah_arena_alloc(cx->arena, total);
    for (size_t i = 0; i < n; i++) {
        if (i && ah_str_eq(sorted[i], sorted[i - 1]))
            continue;
        if (q != p)
            *q++ = ' ';
        memcpy(q, sorted[i].p, sorted[i].len);
        q += sorted[i].len;
    }
    *q = '\0';
    *out = p;
    return AH_OK;
}

enum ah_err ah_ticket_search_query(struct ah_ctx *cx, struct ah_str text, struct ah_str *out,
                                   struct ah_error *err)
{
    struct ah_buf b;
    size_t i = 0, terms = 0;
    enum ah_err rc = AH_OK;

    if (text.len > AH_MAX_QUERY)
        return ah_error_set(err, AH_E_INVALID, "search text is longer than %d bytes",
                            AH_MAX_QUERY);
    ah_buf_init(&b, AH_MAX_QUERY * 2 + MAX_SEARCH_TERMS * 3);
    while (!rc && i < text.len && terms < MAX_SEARCH_TERMS) {
        size_t start;

        while (i < text.len && (text.p[i] == ' ' || text.p[i] == '\t'))
            i++;
        start = i;
        while (i < text.len && text.p[i] != ' ' && text.p[i] != '\t')
            i++;
        if (i == start)
            break;
        /* each term a quoted FTS5 string: no operator or column syntax leaks */
        rc = ah_buf_appends(&b, terms ? " \"" : "\"", err);
        for (size_t j = start; !rc && j < i; j++)
            rc = ah_buf_append(&b, text.p[j] == '"' ? "\"\"" : &text.p[j],
                               text.p[j] == '"' ? 2 : 1, err);
        if (!rc)
            rc = ah_buf_appends(&b, "\"", err);
        terms++;
    }
    if (!rc && terms == 0)
        rc = ah_error_set(err, AH_E_INVALID, "search text holds no word");
    if (!rc) {
        out->p = ah_arena_strndup(cx->arena, b.p, b.len);
        out->len = b.len;
    }
    ah_buf_release(&b);
    return rc;
}

static void set_due(struct ah_ctx *cx, struct ah_ticket *t)
{
    t->due_at = t->created_at + cx->settings->sla_first_ms[t->priority];
    t->resolve_due_at = t->created_at + cx->settings->sla_resolve_ms[t->priority];
}

static enum ah_err check_text(const char *field, struct ah_str s, size_t max,
                              struct ah_error *err)
{
    if (!s.p || ah_str_trim(s).len == 0)
        return ah_error_set(err, AH_E_INVALID, "%s must not be empty", field);
    if (s.len > max)
        return ah_error_set(err, AH_E_INVALID, "%s is longer than %zu bytes", field, max);
    return AH_OK;
}

static enum ah_err check_create(struct ah_ctx *cx, const struct ah_ticket_input *in,
                                struct ah_error *err)
{
    enum ah_err rc = check_text("subject", in->subject, AH_MAX_SUBJECT, err);

    if (!rc)
        rc = check_text("body", in->body, AH_MAX_MESSAGE_BODY, err);
    if (!rc && in->requester_email.p)
        rc = ah_people_check_email(in->requester_email, err);
    if (!rc && in->requester_name.p && in->requester_name.len > AH_MAX_NAME)
        rc = ah_error_set(err, AH_E_INVALID, "requester_name is longer than %d bytes",
                          AH_MAX_NAME);
    if (!rc && in->source.p && !ah_ticket_source_valid(in->source))
        rc = ah_error_set(err, AH_E_INVALID, "source must be api, web, email, phone or chat");
    /* an escalation is filed through POST /escalations, which records who brought it */
    if (!rc && in->source.p && ah_str_eq_c(in->source, "escalation") && !in->intake)
        rc = ah_error_set(err, AH_E_INVALID, "source escalation: file it through "
                                             "/api/v1/escalations, which records who brought it");
    if (!rc && in->tier && in->tier != 1 && in->tier != 2)
        rc = ah_error_set(err, AH_E_INVALID, "tier must be 1 or 2");
    if (!rc && in->tier)
        rc = ah_perm_require(cx, AH_PERM_TICKET_TIER, err);
    return rc;
}

/* The routing rules on an arriving ticket: tier, priority and tags. What
 * a pro gave explicitly wins over the rules; a tier nobody set is the
 * policy's default. */
static enum ah_err route(struct ah_ctx *cx, const struct ah_ticket_input *in, struct ah_str email,
                         struct ah_ticket *t, struct ah_error *err)
{
    struct ah_route_input ri = {0};
    struct ah_route_result res;
    struct ah_policy pol;
    enum ah_err rc;

    ri.subject = in->subject.p;
    ri.subject_len = in->subject.len;
    ri.body = in->body.p;
    ri.body_len = in->body.len;
    ri.source = t->source;
    ri.requester_email = ah_arena_strndup(cx->arena, email.p, email.len);
    ri.priority = t->priority;
    ri.tags = t->tags;
    rc = ah_route_apply(cx, &ri, &res, err);
    if (rc)
        return rc;
    if (in->priority < 0 && res.priority >= 0)
        t->priority = (enum ah_priority)res.priority;
    if (!t->tier)
        t->tier = res.tier;
    t->tags = res.tags;
    if (t->tier)
        return AH_OK;
    rc = ah_policy_read(cx, &pol, err);
    t->tier = pol.default_tier == 1 ? 1 : 2;
    return rc;
}

enum ah_err ah_ticket_open(struct ah_ctx *cx, const struct ah_ticket_input *in,
                           struct ah_ticket *out, struct ah_message *first,
                           struct ah_error *err)
{
    struct ah_ticket t = {0};
    struct ah_message m = {0};
    struct ah_str email = in->requester_email, name = in->requester_name;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = check_create(cx, in, err);
    if (!rc)
        rc = ah_ticket_tags_join(cx, in->tags, in->ntags, &t.tags, err);
    if (rc)
        return rc;
    if (!email.p && cx->actor) {
        email = ah_str_c(cx->actor->email);
        name = ah_str_c(cx->actor->name);
    }
    if (!email.p)
        return ah_error_set(err, AH_E_INVALID, "requester_email is required");
    t.subject = ah_arena_strndup(cx->arena, in->subject.p, in->subject.len);
    t.status = AH_STATUS_NEW;
    t.priority = in->priority >= 0 ? (enum ah_priority)in->priority : AH_PRIO_NORMAL;
    t.tier = in->tier;
    t.source = in->source.p ? ah_arena_strndup(cx->arena, in->source.p, in->source.len) : "api";
    t.created_at = t.updated_at = cx->now;
    m.kind = AH_MSG_CUSTOMER;
    m.body = ah_arena_strndup(cx->arena, in->body.p, in->body.len);
    m.created_at = cx->now;
    rc = route(cx, in, email, &t, err);
    set_due(cx, &t);
    if (!rc)
        rc = ah_store_customer_upsert(cx->store, email, name, cx->now, cx->arena, &t.requester_id,
                                      &t.requester_name, err);
    if (!rc)
        rc = ah_store_ticket_insert(cx->store, &t, err);
    m.ticket_id = t.id;
    if (!rc)
        rc = ah_store_message_insert(cx->store, &m, err);
    if (rc)
        return rc;
    t.requester_email = ah_arena_strndup(cx->arena, email.p, email.len);
    t.last_message_id = m.id;
    t.message_count = 1;
    t.updated_at = m.created_at;
    m.author_name = t.requester_name;
    *out = t;
    if (first)
        *first = m;
    return AH_OK;
}

enum ah_err ah_ticket_create(struct ah_ctx *cx, const struct ah_ticket_input *in,
                             struct ah_ticket *out, struct ah_message *first,
                             struct ah_error *err)
{
    enum ah_err rc = ah_store_begin(cx->store, err);

    if (rc)
        return rc;
    return ah_store_end(cx->store, ah_ticket_open(cx, in, out, first, err), err);
}

enum ah_err ah_ticket_add_customer(struct ah_ctx *cx, struct ah_ticket *t, struct ah_str body,
                                   struct ah_message *out, struct ah_error *err)
{
    struct ah_message m = {0};
    enum ah_err rc = check_text("body", body, AH_MAX_MESSAGE_BODY, err);

    if (rc)
        return rc;
    m.ticket_id = t->id;
    m.kind = AH_MSG_CUSTOMER;
    m.body = ah_arena_strndup(cx->arena, body.p, body.len);
    m.created_at = cx->now;
    m.author_name = t->requester_name;
    rc = ah_store_message_insert(cx->store, &m, err);
    if (rc)
        return rc;
    /* the customer wrote back: the ticket needs someone again */
    if (t->status == AH_STATUS_PENDING || t->status == AH_STATUS_SOLVED) {
        t->status = AH_STATUS_OPEN;
        t->solved_at = 0;
    }
    t->updated_at = cx->now;
    t->last_message_id = m.id;
    t->message_count++;
    rc = ah_store_ticket_update(cx->store, t, err);
    if (!rc)
        *out = m;
    return rc;
}

/* The ticket if cx's actor may see it; a hidden ticket is "not found". */
static enum ah_err visible(struct ah_ctx *cx, int64_t id, struct ah_ticket *t,
                           struct ah_error *err)
{
    enum ah_err rc = ah_store_ticket_get(cx->store, id, cx->arena, t, err);

    if (!rc && t->tier > ah_perm_max_tier(cx)) {
        bool routed = false;

        /* a ticket routed back to someone is theirs to follow up, whatever its tier */
        if (cx->actor)
            rc = ah_route_back_to(cx, id, cx->actor->id, &routed, err);
        if (!rc && !routed)
            return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " does not exist", id);
    }
    return rc;
}

enum ah_err ah_ticket_get(struct ah_ctx *cx, int64_t id, struct ah_ticket *out,
                          struct ah_message **msgs, size_t *nmsgs, struct ah_error *err)
{
    struct ah_ticket t;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = visible(cx, id, &t, err);
    if (rc)
        return rc;
    /* NEEDSWORK: a thread past MAX_THREAD messages shows its first MAX_THREAD */
    rc = ah_store_message_list(cx->store, id, 0, MAX_THREAD, cx->arena, msgs, nmsgs, err);
    if (!rc) {
        struct ah_review_filter rf = {.status = AH_REVIEW_HELD, .ticket_id = id, .limit = 1};
        struct ah_review *held;
        size_t nheld = 0;

        rc = ah_store_review_list(cx->store, &rf, cx->arena, &held, &nheld, err);
        t.in_review = nheld > 0;
    }
    if (!rc)
        *out = t;
    return rc;
}

enum ah_err ah_ticket_peek(struct ah_ctx *cx, int64_t id, struct ah_ticket *out,
                           struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc : visible(cx, id, out, err);
}

enum ah_err ah_ticket_index_text(struct ah_ctx *cx, struct ah_error *err)
{
    bool more = true;
    enum ah_err rc = AH_OK;

    /* bounded: a writer faster than the indexer must not hold a search forever */
    for (int i = 0; !rc && more && i < INDEX_ROUNDS; i++)
        rc = ah_store_text_index(cx->store, INDEX_BATCH, &more, err);
    return rc;
}

enum ah_err ah_ticket_list(struct ah_ctx *cx, struct ah_ticket_filter *f,
                           struct ah_ticket **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && f->query.p)
        rc = ah_ticket_index_text(cx, err); /* a search sees every ticket written before it */
    if (rc)
        return rc;
    f->max_tier = ah_perm_max_tier(cx);
    if (f->tier > f->max_tier)
        return ah_error_set(err, AH_E_FORBIDDEN, "only pros and leads see tier-%d tickets",
                            f->tier);
    return ah_store_ticket_list(cx->store, f, cx->arena, items, n, err);
}

/* The fields of t that differ from other, as the API shows them. */
static const char *ticket_json(struct ah_ctx *cx, const struct ah_ticket *t,
                               const struct ah_ticket *other)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 4096);
    if (t->status != other->status)
        ah_jsonw_str(&b, "status", ah_ticket_status_name(t->status), NULL);
    if (t->priority != other->priority)
        ah_jsonw_str(&b, "priority", ah_ticket_priority_name(t->priority), NULL);
    if (t->tier != other->tier)
        ah_jsonw_int(&b, "tier", t->tier, NULL);
    if (t->assignee_id != other->assignee_id)
        ah_jsonw_id(&b, "assignee_id", t->assignee_id, NULL);
    if (strcmp(t->tags, other->tags) != 0)
        ah_jsonw_words(&b, "tags", t->tags, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

/* Who may set the assignee to whom: pros and leads anyone; a member takes an
 * unassigned ticket or lets go of their own. */
static enum ah_err check_assign(struct ah_ctx *cx, const struct ah_ticket *t, int64_t to,
                                bool *privileged, struct ah_error *err)
{
    int64_t me = cx->actor ? cx->actor->id : 0;
    struct ah_person p;
    enum ah_err rc;

    *privileged = false;
    if (to == t->assignee_id)
        return AH_OK;
    if ((to == me && t->assignee_id == 0) || (to == 0 && t->assignee_id == me && me))
        return AH_OK;
    rc = ah_perm_require(cx, AH_PERM_TICKET_REASSIGN, err);
    if (rc)
        return rc;
    *privileged = true;
    if (to == 0)
        return AH_OK;
    rc = ah_store_person_get(cx->store, to, cx->arena, &p, err);
    if (rc == AH_E_NOT_FOUND || (!rc && !p.active))
        return ah_error_set(err, AH_E_INVALID, "assignee %" PRId64 " is not an active person",
                            to);
    if (!rc && t->tier == 2 && p.role != AH_ROLE_PRO && p.role != AH_ROLE_LEAD)
        return ah_error_set(err, AH_E_INVALID,
                            "ticket %" PRId64 " is tier 2: only a pro or lead can hold it", t->id);
    return rc;
}

/* A tier-2 ticket is for pros and leads: a member holding it lets go. */
static enum ah_err drop_member(struct ah_ctx *cx, struct ah_ticket *t, struct ah_error *err)
{
    struct ah_person p;
    enum ah_err rc;

    if (!t->assignee_id)
        return AH_OK;
    rc = ah_store_person_get(cx->store, t->assignee_id, cx->arena, &p, err);
    if (rc)
        return rc;
    if (p.role != AH_ROLE_PRO && p.role != AH_ROLE_LEAD) {
        t->assignee_id = 0;
        t->claim_until = 0;
    }
    return AH_OK;
}

/* solved_at follows the status: set when it becomes solved (or closed),
 * cleared when it opens again */
static void track_solved(struct ah_ticket *t, enum ah_status was, int64_t now)
{
    if (t->status >= AH_STATUS_SOLVED && (was < AH_STATUS_SOLVED || !t->solved_at))
        t->solved_at = now;
    else if (t->status < AH_STATUS_SOLVED)
        t->solved_at = 0;
}

static enum ah_err apply_patch(struct ah_ctx *cx, struct ah_ticket *t,
                               const struct ah_ticket_patch *p, bool *audit,
                               struct ah_error *err)
{
    enum ah_err rc = AH_OK;
    bool privileged = false;

    *audit = false;
    if ((p->tier >= 0 && p->tier != t->tier) ||
        (p->priority >= 0 && (enum ah_priority)p->priority != t->priority))
        rc = ah_intake_check_triage(cx, t, err);
    if (rc)
        return rc;
    if (p->tier >= 0 && p->tier != t->tier) {
        if (p->tier != 1 && p->tier != 2)
            return ah_error_set(err, AH_E_INVALID, "tier must be 1 or 2");
        rc = ah_perm_require(cx, AH_PERM_TICKET_TIER, err);
        if (rc)
            return rc;
        t->tier = p->tier;
        *audit = true;
        if (t->tier == 2 && !p->has_assignee)
            rc = drop_member(cx, t, err);
        if (rc)
            return rc;
    }
    if (p->has_assignee) {
        rc = check_assign(cx, t, p->assignee_id, &privileged, err);
        if (rc)
            return rc;
        t->claim_until = 0; /* an explicit assignment ends a claim, even to oneself */
        t->assignee_id = p->assignee_id;
        *audit |= privileged;
    }
    if (p->priority >= 0 && (enum ah_priority)p->priority != t->priority) {
        t->priority = (enum ah_priority)p->priority;
        set_due(cx, t);
    }
    if (p->status >= 0) {
        enum ah_status was = t->status;

        t->status = (enum ah_status)p->status;
        if (t->status >= AH_STATUS_PENDING)
            t->claim_until = 0;
        track_solved(t, was, cx->now);
    }
    if (p->has_tags)
        rc = ah_ticket_tags_join(cx, p->tags, p->ntags, &t->tags, err);
    t->updated_at = cx->now;
    return rc;
}

enum ah_err ah_ticket_update(struct ah_ctx *cx, int64_t id, const struct ah_ticket_patch *p,
                             struct ah_ticket *out, struct ah_error *err)
{
    struct ah_ticket before, after;
    bool audit = false;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = visible(cx, id, &before, err);
    after = before;
    if (!rc)
        rc = apply_patch(cx, &after, p, &audit, err);
    if (!rc)
        rc = ah_store_ticket_update(cx->store, &after, err);
    if (!rc && strcmp(before.tags, after.tags) != 0)
        rc = ah_store_ticket_set_tags(cx->store, id, after.tags, err);
    if (!rc && before.status != after.status)
        rc = ah_intake_status_changed(cx, &after, err);
    if (!rc && audit)
        rc = ah_audit_record(cx, "ticket.update", ah_audit_target(cx, "ticket", id),
                             ticket_json(cx, &before, &after), ticket_json(cx, &after, &before),
                             err);
    rc = ah_store_end(cx->store, rc, err);
    if (rc)
        return rc;
    *out = after;
    return AH_OK;
}

/* Messages after seen that someone other than cx's actor wrote. */
static enum ah_err newer_by_others(struct ah_ctx *cx, int64_t id, int64_t seen,
                                   struct ah_message **out, size_t *n, struct ah_error *err)
{
    struct ah_message *all;
    size_t count, k = 0;
    int64_t me = cx->actor ? cx->actor->id : -1;
    enum ah_err rc = ah_store_message_list(cx->store, id, seen, MAX_THREAD, cx->arena, &all,
                                           &count, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < count; i++)
        if (all[i].author_id != me || all[i].kind == AH_MSG_CUSTOMER)
            all[k++] = all[i];
    *out = all;
    *n = k;
    return AH_OK;
}

static void after_write(struct ah_ctx *cx, struct ah_ticket *t, const struct ah_message_input *in)
{
    int64_t me = cx->actor ? cx->actor->id : 0;

    if (in->status >= 0)
        t->status = (enum ah_status)in->status;
    if (in->kind != AH_MSG_REPLY)
        return;
    if (in->status < 0)
        t->status = AH_STATUS_PENDING;
    if (!t->first_response_at)
        t->first_response_at = cx->now;
    /* replying makes the ticket the writer's: a claim becomes an assignment */
    if (t->assignee_id == 0 || t->assignee_id == me) {
        t->assignee_id = me;
        t->claim_until = 0;
    }
}

/* The send check is only as good as its input: seen must be a message of
 * this very thread, or a client could claim to have read what it has not. */
static enum ah_err check_seen(struct ah_ctx *cx, const struct ah_ticket *t, int64_t seen,
                              struct ah_error *err)
{
    struct ah_message *m;
    size_t n = 0;
    enum ah_err rc = AH_OK;

    if (seen > 0 && seen <= t->last_message_id)
        rc = ah_store_message_list(cx->store, t->id, seen - 1, 1, cx->arena, &m, &n, err);
    if (rc)
        return rc;
    if (n == 0 || m[0].id != seen)
        return ah_error_set(err, AH_E_INVALID,
                            "seen_message_id %" PRId64 " is not a message of ticket %" PRId64,
                            seen, t->id);
    return AH_OK;
}

static enum ah_err check_write(const struct ah_message_input *in, struct ah_error *err)
{
    if (in->kind != AH_MSG_REPLY && in->kind != AH_MSG_NOTE)
        return ah_error_set(err, AH_E_INVALID, "kind must be reply or note");
    if (in->kind == AH_MSG_REPLY && !in->has_seen)
        return ah_error_set(err, AH_E_INVALID,
                            "a reply needs seen_message_id: the newest message you read");
    return check_text("body", in->body, AH_MAX_MESSAGE_BODY, err);
}

/* Day number of now (UTC) for the style hit counters. */
static int64_t utc_day(int64_t ms)
{
    return ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
}

/* The style guide on a reply, inside the write's transaction: a block hit
 * refuses it, but for a pro with a reason; every hit is counted. */
static enum ah_err check_style(struct ah_ctx *cx, const struct ah_ticket *t,
                               const struct ah_message_input *in, struct ah_error *err)
{
    const struct ah_person *me = cx->actor;
    struct ah_style_hit *hits;
    size_t n = 0;
    const char *block = NULL;
    bool override;
    enum ah_err rc;

    if (!me)
        return AH_OK;
    rc = ah_lint(cx, in->body.p, in->body.len, me->role, me->level, t->tags, &hits, &n, err);
    if (rc)
        return rc;
    if (in->outcome) {
        in->outcome->hits = hits;
        in->outcome->nhits = n;
    }
    for (size_t i = 0; i < n && !block; i++)
        if (hits[i].severity == AH_SEV_BLOCK)
            block = hits[i].rule;
    override = block && in->override_reason.p && ah_str_trim(in->override_reason).len > 0;
    if (block && !override) {
        const char *why = "";

        for (size_t i = 0; i < n; i++)
            if (hits[i].rule == block)
                why = hits[i].why;
        if (in->outcome)
            in->outcome->blocked_by = block;
        if (ah_perm_has(cx, AH_PERM_COACH))
            return ah_error_set(err, AH_E_INVALID,
                                "rule \"%s\" blocks this reply: %s Send it anyway with "
                                "override_reason if it is right here.",
                                block, why);
        return ah_error_set(err, AH_E_INVALID, "rule \"%s\" blocks this reply: %s", block, why);
    }
    if (override && !ah_perm_has(cx, AH_PERM_COACH))
        return ah_error_set(err, AH_E_FORBIDDEN,
                            "only pros and leads may send past the style guide: rule \"%s\" "
                            "blocks this reply",
                            block);
    if (override && in->override_reason.len > 1000)
        return ah_error_set(err, AH_E_INVALID, "override_reason is longer than 1000 bytes");
    /* counted once per rule and reply */
    for (size_t i = 0; !rc && i < n; i++) {
        bool seen = false;
        int64_t count = 0;

        for (size_t j = 0; j < i && !seen; j++)
            seen = hits[j].rule_id == hits[i].rule_id;
        if (seen)
            continue;
        for (size_t j = i; j < n; j++)
            count += hits[j].rule_id == hits[i].rule_id;
        rc = ah_store_style_hits_add(cx->store, hits[i].rule_id, me->id, utc_day(cx->now), count,
                                     override && hits[i].severity == AH_SEV_BLOCK, err);
    }
    if (!rc && override) {
        struct ah_buf b;

        ah_buf_init(&b, 2048);
        ah_jsonw_str(&b, "rule", block, NULL);
        ah_jsonw_str(&b, "reason", ah_arena_strndup(cx->arena, in->override_reason.p,
                                                    in->override_reason.len), NULL);
        ah_jsonw_end(&b, NULL);
        rc = ah_audit_record(cx, "reply.style_override", ah_audit_target(cx, "ticket", t->id),
                             NULL, ah_arena_strdup(cx->arena, ah_buf_cstr(&b)), err);
        ah_buf_release(&b);
    }
    return rc;
}

enum ah_err ah_ticket_escalate(struct ah_ctx *cx, int64_t id, struct ah_str note,
                               struct ah_ticket *out, struct ah_error *err)
{
    struct ah_ticket t, before;
    struct ah_message m = {0};
    struct ah_escalation e = {0};
    struct ah_buf b;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = check_text("note", note, AH_MAX_ESCALATION_NOTE, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = visible(cx, id, &t, err);
    if (!rc && t.tier == 2)
        rc = ah_error_set(err, AH_E_CONFLICT, "ticket %" PRId64 " is with the pros already", id);
    if (!rc)
        rc = ah_intake_check_triage(cx, &t, err); /* the tier is support's to set */
    if (rc)
        goto done;
    before = t;
    t.tier = 2;
    t.assignee_id = 0;
    t.claim_until = 0;
    if (t.status >= AH_STATUS_PENDING)
        t.status = AH_STATUS_OPEN;
    t.updated_at = cx->now;
    ah_buf_init(&b, note.len + 64);
    ah_buf_appends(&b, "Escalated to the pros: ", NULL);
    ah_buf_append(&b, note.p, note.len, NULL);
    m.ticket_id = id;
    m.kind = AH_MSG_NOTE;
    m.author_id = cx->actor ? cx->actor->id : 0;
    m.body = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    m.created_at = cx->now;
    ah_buf_release(&b);
    rc = ah_store_message_insert(cx->store, &m, err);
    t.last_message_id = m.id;
    t.message_count++;
    if (!rc)
        rc = ah_store_ticket_update(cx->store, &t, err);
    e.ticket_id = id;
    e.person_id = cx->actor ? cx->actor->id : 0;
    e.note = ah_arena_strndup(cx->arena, note.p, note.len);
    e.created_at = cx->now;
    if (!rc && e.person_id)
        rc = ah_store_escalation_insert(cx->store, &e, err);
    if (!rc)
        rc = ah_audit_record(cx, "ticket.escalate", ah_audit_target(cx, "ticket", id),
                             ticket_json(cx, &before, &t), ticket_json(cx, &t, &before), err);
done:
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = t;
    return rc;
}

enum ah_err ah_ticket_write(struct ah_ctx *cx, int64_t id, const struct ah_message_input *in,
                            struct ah_message *out, struct ah_message **newer, size_t *nnewer,
                            struct ah_error *err)
{
    struct ah_ticket t;
    struct ah_message m = {0};
    struct ah_review rv = {0};
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = check_write(in, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = visible(cx, id, &t, err);
    if (!rc && in->has_seen)
        rc = check_seen(cx, &t, in->seen_message_id, err);
    if (!rc && in->has_seen && in->seen_message_id < t.last_message_id) {
        rc = newer_by_others(cx, id, in->seen_message_id, newer, nnewer, err);
        if (!rc && *nnewer)
            rc = ah_error_set(err, AH_E_CONFLICT,
                              "ticket %" PRId64 " has %zu new message(s) since message %" PRId64
                              ": read them and send again",
                              id, *nnewer, in->seen_message_id);
    }
    if (!rc && in->kind == AH_MSG_REPLY)
        rc = check_style(cx, &t, in, err);
    if (!rc && in->kind == AH_MSG_REPLY) {
        bool held = false;

        rc = ah_review_hold(cx, &t, in->body, &rv, &held, err);
        if (!rc && held) {
            if (in->outcome) {
                in->outcome->held = true;
                in->outcome->review = rv;
            }
            /* the writer keeps the ticket while a pro looks at the reply */
            if (t.assignee_id == 0 || t.assignee_id == (cx->actor ? cx->actor->id : 0)) {
                t.assignee_id = cx->actor ? cx->actor->id : 0;
                t.claim_until = 0;
            }
            t.updated_at = cx->now;
            rc = ah_store_ticket_update(cx->store, &t, err);
            if (!rc)
                rc = ah_store_commit(cx->store, err);
            if (rc)
                ah_store_rollback(cx->store);
            return rc;
        }
    }
    if (rc)
        goto cleanup;
    m.ticket_id = id;
    m.kind = in->kind;
    m.author_id = cx->actor ? cx->actor->id : 0;
    m.author_name = cx->actor ? cx->actor->name : "";
    m.body = ah_arena_strndup(cx->arena, in->body.p, in->body.len);
    m.created_at = cx->now;
    {
        enum ah_status was = t.status;

        after_write(cx, &t, in);
        track_solved(&t, was, cx->now);
        t.updated_at = cx->now;
        rc = ah_store_message_insert(cx->store, &m, err);
        if (!rc)
            rc = ah_store_ticket_update(cx->store, &t, err);
        if (!rc && was != t.status)
            rc = ah_intake_status_changed(cx, &t, err);
    }
    if (!rc && m.kind == AH_MSG_REPLY)
        rc = ah_mail_queue_reply(cx, &t, &m, err);
    if (!rc && rv.id)
        rc = ah_review_passed(cx, &rv, m.id, err);
    if (!rc)
        rc = ah_store_commit(cx->store, err);
cleanup:
    if (rc) {
        ah_store_rollback(cx->store);
        return rc;
    }
    *out = m;
    return AH_OK;
}
