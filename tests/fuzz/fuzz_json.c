/* fuzz_json.c - a request body against the field lists the handlers decode
 * with, then the pure domain checks the handlers run on what came out. A
 * decoded string must be valid UTF-8 within its cap; a refusal must be
 * bad_request or invalid; nothing may crash or leak. No store is opened. */
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"
#include "domain/ctx.h"
#include "domain/people.h"
#include "domain/ticket.h"
#include "fuzz.h"
#include "http/json.h"

/* Copies of the tables in src/http/api_tickets.c, api_people.c,
 * api_session.c and api_queue.c: keep them in step. */
enum { C_SUBJECT, C_BODY, C_EMAIL, C_NAME, C_PRIORITY, C_TAGS, C_SOURCE, C_TIER, C_N };
static const struct ah_json_field ticket_create[] = {
    [C_SUBJECT] = {"subject", AH_JSON_STRING, true, AH_MAX_SUBJECT},
    [C_BODY] = {"body", AH_JSON_STRING, true, AH_MAX_MESSAGE_BODY},
    [C_EMAIL] = {"requester_email", AH_JSON_STRING, false, AH_MAX_EMAIL},
    [C_NAME] = {"requester_name", AH_JSON_STRING, false, AH_MAX_NAME},
    [C_PRIORITY] = {"priority", AH_JSON_STRING, false, 16},
    [C_TAGS] = {"tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
    [C_SOURCE] = {"source", AH_JSON_STRING, false, 16},
    [C_TIER] = {"tier", AH_JSON_INT, false, 0},
};

enum { P_STATUS, P_PRIORITY, P_TAGS, P_ASSIGNEE, P_TIER, P_N };
static const struct ah_json_field ticket_update[] = {
    [P_STATUS] = {"status", AH_JSON_STRING, false, 16},
    [P_PRIORITY] = {"priority", AH_JSON_STRING, false, 16},
    [P_TAGS] = {"tags", AH_JSON_STRINGS, false, AH_MAX_TAGS},
    [P_ASSIGNEE] = {"assignee_id", AH_JSON_INT_OR_NULL, false, 0},
    [P_TIER] = {"tier", AH_JSON_INT, false, 0},
};

enum { W_KIND, W_BODY, W_SEEN, W_STATUS, W_N };
static const struct ah_json_field message_write[] = {
    [W_KIND] = {"kind", AH_JSON_STRING, true, 16},
    [W_BODY] = {"body", AH_JSON_STRING, true, AH_MAX_MESSAGE_BODY},
    [W_SEEN] = {"seen_message_id", AH_JSON_INT, false, 0},
    [W_STATUS] = {"status", AH_JSON_STRING, false, 16},
};

enum { F_EMAIL, F_NAME, F_DEPT, F_MANAGER, F_ROLE, F_LEADER, F_TZ, F_PASSWORD, F_ACTIVE, F_N };
static const struct ah_json_field people_create[] = {
    [F_EMAIL] = {"email", AH_JSON_STRING, true, AH_MAX_EMAIL},
    [F_NAME] = {"name", AH_JSON_STRING, true, AH_MAX_NAME},
    [F_DEPT] = {"department", AH_JSON_STRING, false, AH_MAX_NAME},
    [F_MANAGER] = {"manager_id", AH_JSON_INT_OR_NULL, false, 0},
    [F_ROLE] = {"role", AH_JSON_STRING, false, 16},
    [F_LEADER] = {"leader", AH_JSON_BOOL, false, 0},
    [F_TZ] = {"timezone", AH_JSON_STRING, false, 64},
    [F_PASSWORD] = {"password", AH_JSON_STRING, false, AH_MAX_PASSWORD},
    [F_ACTIVE] = {"active", AH_JSON_BOOL, false, 0},
};

enum { S_EMAIL, S_PASSWORD, S_N };
static const struct ah_json_field session_create[] = {
    [S_EMAIL] = {"email", AH_JSON_STRING, true, AH_MAX_EMAIL},
    [S_PASSWORD] = {"password", AH_JSON_STRING, true, AH_MAX_PASSWORD},
};

enum { K_TICKET, K_REASON, K_N };
static const struct ah_json_field queue_skip[] = {
    [K_TICKET] = {"ticket_id", AH_JSON_INT, true, 0},
    [K_REASON] = {"reason", AH_JSON_STRING, true, AH_MAX_REASON},
};

#define MAX_FIELDS F_N

static bool tag_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static bool tag_valid(struct ah_str t)
{
    if (t.len == 0 || t.len > AH_MAX_TAG)
        return false;
    for (size_t i = 0; i < t.len; i++)
        if (!tag_char(lower(t.p[i])))
            return false;
    return true;
}

/* True when joined holds t, lower-cased, as one of its space-separated words. */
static bool has_word(const char *joined, struct ah_str t)
{
    const char *p = joined;

    while (*p) {
        size_t n = strcspn(p, " "), k = 0;

        while (k < n && k < t.len && p[k] == lower(t.p[k]))
            k++;
        if (k == n && n == t.len)
            return true;
        p += n + (p[n] == ' ');
    }
    return false;
}

/* Joined tags are unique words of tag characters in ascending byte order. */
static void check_joined(const char *joined, size_t ntags)
{
    const char *p = joined, *prev = NULL;
    size_t prev_n = 0, words = 0;

    while (*p) {
        size_t n = strcspn(p, " ");

        CHECK(n >= 1 && n <= AH_MAX_TAG);
        for (size_t i = 0; i < n; i++)
            CHECK(tag_char(p[i]));
        if (prev) {
            int c = memcmp(prev, p, prev_n < n ? prev_n : n);

            CHECK(c < 0 || (c == 0 && prev_n < n));
        }
        prev = p;
        prev_n = n;
        words++;
        p += n;
        if (*p == ' ') {
            p++;
            CHECK(*p != '\0');
        }
    }
    CHECK(words <= ntags);
}

static void check_tags(struct ah_ctx *cx, const struct ah_json_value *v)
{
    const char *joined = NULL;
    struct ah_error err;
    bool valid = true;
    enum ah_err rc;

    if (!v->present)
        return;
    for (size_t i = 0; i < v->n; i++)
        valid = valid && tag_valid(v->items[i]);
    rc = ah_ticket_tags_join(cx, v->items, v->n, &joined, &err);
    CHECK(rc == AH_OK || rc == AH_E_INVALID);
    CHECK((rc == AH_OK) == valid);
    if (rc)
        return;
    check_joined(joined, v->n);
    for (size_t i = 0; i < v->n; i++)
        CHECK(has_word(joined, v->items[i]));
}

/* An accepted address has one '@' with text before it and a dot after, and
 * nothing that would end or split an address header. */
static void check_email(const struct ah_json_value *v)
{
    struct ah_error err;
    const char *at;

    if (!v->present)
        return;
    if (ah_people_check_email(v->s, &err)) {
        CHECK(err.code == AH_E_INVALID);
        return;
    }
    at = memchr(v->s.p, '@', v->s.len);
    CHECK(at && at > v->s.p && v->s.len <= AH_MAX_EMAIL);
    CHECK(!memchr(at + 1, '@', v->s.len - (size_t)(at - v->s.p) - 1));
    CHECK(memchr(at + 1, '.', v->s.len - (size_t)(at - v->s.p) - 1));
    for (size_t i = 0; i < v->s.len; i++) {
        unsigned char c = (unsigned char)v->s.p[i];

        CHECK(c > ' ' && c != 0x7f && !strchr("<>,\"", c));
    }
}

/* The enum parsers accept exactly the names they print. */
static void check_names(const struct ah_json_value *status, const struct ah_json_value *prio)
{
    enum ah_status s;
    enum ah_priority p;

    if (status && status->present && ah_ticket_status_parse(status->s, &s))
        CHECK(ah_str_eq_c(status->s, ah_ticket_status_name(s)));
    if (prio && prio->present && ah_ticket_priority_parse(prio->s, &p))
        CHECK(ah_str_eq_c(prio->s, ah_ticket_priority_name(p)));
}

static void search_if(struct ah_ctx *cx, const struct ah_json_value *v)
{
    if (v->present && v->s.len <= AH_MAX_QUERY)
        fuzz_check_search(cx, v->s);
}

static void after_ticket_create(struct ah_ctx *cx, const struct ah_json_value *v)
{
    check_names(NULL, &v[C_PRIORITY]);
    check_tags(cx, &v[C_TAGS]);
    check_email(&v[C_EMAIL]);
    if (v[C_SOURCE].present)
        (void)ah_ticket_source_valid(v[C_SOURCE].s);
    search_if(cx, &v[C_SUBJECT]);
}

static void after_ticket_update(struct ah_ctx *cx, const struct ah_json_value *v)
{
    check_names(&v[P_STATUS], &v[P_PRIORITY]);
    check_tags(cx, &v[P_TAGS]);
}

static void after_message_write(struct ah_ctx *cx, const struct ah_json_value *v)
{
    check_names(&v[W_STATUS], NULL);
    search_if(cx, &v[W_BODY]);
}

static void after_people_create(struct ah_ctx *cx, const struct ah_json_value *v)
{
    enum ah_role r;

    (void)cx;
    check_email(&v[F_EMAIL]);
    if (v[F_ROLE].present && ah_people_role_parse(v[F_ROLE].s, &r))
        CHECK(ah_str_eq_c(v[F_ROLE].s, ah_people_role_name(r)));
}

static void after_session_create(struct ah_ctx *cx, const struct ah_json_value *v)
{
    (void)cx;
    check_email(&v[S_EMAIL]);
}

static void after_queue_skip(struct ah_ctx *cx, const struct ah_json_value *v)
{
    search_if(cx, &v[K_REASON]);
}

struct table {
    const struct ah_json_field *fields;
    size_t n;
    void (*then)(struct ah_ctx *cx, const struct ah_json_value *v);
};

static const struct table tables[] = {
    {ticket_create, C_N, after_ticket_create},
    {ticket_update, P_N, after_ticket_update},
    {message_write, W_N, after_message_write},
    {people_create, F_N, after_people_create},
    {session_create, S_N, after_session_create},
    {queue_skip, K_N, after_queue_skip},
};

/* What a successful decode promises about one field. */
static void check_value(const struct ah_json_field *f, const struct ah_json_value *v)
{
    CHECK(v->present || !f->required);
    if (!v->present)
        return;
    CHECK(!v->is_null || f->type == AH_JSON_INT_OR_NULL);
    if (f->type == AH_JSON_STRING)
        CHECK(fuzz_text_ok(v->s) && v->s.len <= f->max);
    if (f->type != AH_JSON_STRINGS)
        return;
    CHECK(v->n <= f->max && v->items);
    for (size_t i = 0; i < v->n; i++)
        CHECK(fuzz_text_ok(v->items[i]));
}

static void decode(struct ah_ctx *cx, struct ah_str body, const struct table *t)
{
    struct ah_json_value v[MAX_FIELDS];
    struct ah_error err;
    enum ah_err rc;

    CHECK(t->n <= MAX_FIELDS);
    rc = ah_json_decode(body, t->fields, t->n, v, cx->arena, &err);
    if (rc) {
        CHECK((rc == AH_E_BAD_REQUEST || rc == AH_E_INVALID) && err.code == rc);
        CHECK(memchr(err.msg, '\0', sizeof(err.msg)));
        return;
    }
    for (size_t k = 0; k < t->n; k++)
        check_value(&t->fields[k], &v[k]);
    t->then(cx, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ah_arena arena;
    struct ah_settings settings;
    struct ah_ctx cx = {.arena = &arena, .settings = &settings};
    struct ah_str body = {(const char *)data, size};

    if (size > AH_MAX_BODY)
        return 0; /* the server answers 413 unread */
    ah_settings_default(&settings);
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        ah_arena_init(&arena);
        decode(&cx, body, &tables[i]);
        ah_arena_release(&arena);
    }
    ah_arena_init(&arena);
    fuzz_check_search(&cx, body);
    ah_arena_release(&arena);
    return 0;
}
