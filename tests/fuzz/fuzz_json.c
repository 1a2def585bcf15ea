/* fuzz_json.c - a request body against the field lists the handlers decode
 * with, then the pure domain checks the handlers run on what came out. A
 * decoded string must be valid UTF-8 within its cap; a refusal must be
 * bad_request or invalid; nothing may crash or leak. No store is opened. A
 * draft to lint goes through the starter style guide; a rule's pattern
 * through the PCRE2 check. */
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/textmatch.h"
#include "domain/ctx.h"
#include "domain/groups.h"
#include "domain/intake.h"
#include "domain/launch.h"
#include "domain/routeback.h"
#include "domain/people.h"
#include "domain/style.h"
#include "domain/ticket.h"
#include "fuzz.h"
#include "http/api.h"
#include "http/json.h"

#define MAX_FIELDS 16 /* more than any request shape has */

/* What one decode gave: v[k] answers fields[k]. */
struct decoded {
    const struct ah_json_field *fields;
    size_t n;
    const struct ah_json_value *v;
};

/* The value of the field called name. The handlers index their tables by
 * enums private to their files, so the checks find a field by its name. */
static const struct ah_json_value *get(const struct decoded *d, const char *name)
{
    for (size_t k = 0; k < d->n; k++)
        if (strcmp(d->fields[k].name, name) == 0)
            return &d->v[k];
    fprintf(stderr, "no field '%s' in the handler's table\n", name);
    fuzz_fail("a field the checks read is in the table", __FILE__, __LINE__);
}

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

static void after_ticket_create(struct ah_ctx *cx, const struct decoded *d)
{
    const struct ah_json_value *source = get(d, "source");

    check_names(NULL, get(d, "priority"));
    check_tags(cx, get(d, "tags"));
    check_email(get(d, "requester_email"));
    if (source->present)
        (void)ah_ticket_source_valid(source->s);
    search_if(cx, get(d, "subject"));
}

static void after_ticket_update(struct ah_ctx *cx, const struct decoded *d)
{
    check_names(get(d, "status"), get(d, "priority"));
    check_tags(cx, get(d, "tags"));
}

static void after_message_write(struct ah_ctx *cx, const struct decoded *d)
{
    check_names(get(d, "status"), NULL);
    search_if(cx, get(d, "body"));
}

static void after_people_create(struct ah_ctx *cx, const struct decoded *d)
{
    const struct ah_json_value *role = get(d, "role");
    enum ah_role r;

    (void)cx;
    check_email(get(d, "email"));
    if (role->present && ah_people_role_parse(role->s, &r))
        CHECK(ah_str_eq_c(role->s, ah_people_role_name(r)));
}

static void after_session_create(struct ah_ctx *cx, const struct decoded *d)
{
    (void)cx;
    check_email(get(d, "email"));
}

static void after_queue_skip(struct ah_ctx *cx, const struct decoded *d)
{
    search_if(cx, get(d, "reason"));
}

/* The starter guide, compiled once: every lint of a decoded text must give
 * hits inside the text, in order, with UTF-16 offsets no larger than bytes. */
static void after_lint(struct ah_ctx *cx, const struct decoded *d)
{
    static struct ah_style_guide *guide;
    const struct ah_json_value *text = get(d, "text");
    struct ah_style_hit *hits;
    size_t n = 0;
    struct ah_error err;

    if (!guide) {
        CHECK(ah_style_compile(ah_style_starter, ah_style_nstarter, &guide, &err) == AH_OK);
    }
    if (ah_style_check(guide, text->s.p, text->s.len, AH_ROLE_MEMBER, AH_LEVEL_TRAINEE,
                       "data-loss", cx->arena, &hits, &n, &err))
        return;
    for (size_t i = 0; i < n; i++) {
        CHECK(hits[i].byte_start < hits[i].byte_end && hits[i].byte_end <= text->s.len);
        CHECK(hits[i].u16_start < hits[i].u16_end && hits[i].u16_end <= hits[i].byte_end);
        CHECK(i == 0 || hits[i - 1].byte_start <= hits[i].byte_start);
    }
}

static void after_rule(struct ah_ctx *cx, const struct decoded *d)
{
    const struct ah_json_value *pattern = get(d, "pattern");
    long offset;
    struct ah_error err;

    (void)cx;
    if (!pattern->present)
        return;
    if (ah_tm_check(AH_TM_REGEX, pattern->s.p, &offset, &err) == AH_OK)
        CHECK(offset == -1);
    else
        CHECK(err.code == AH_E_INVALID && offset <= (long)pattern->s.len);
    (void)ah_tm_check(AH_TM_PHRASE, pattern->s.p, &offset, &err);
}

/* A group's status, a fix's state, a launch's readiness, a route-back's
 * cause, an escalation's channel: one of the names, or refused. */
static void after_group(struct ah_ctx *cx, const struct decoded *d)
{
    for (size_t k = 0; k < d->n; k++) {
        int out = -1;

        (void)cx;
        if (!d->v[k].present || d->fields[k].type != AH_JSON_STRING)
            continue;
        if (ah_group_status_parse(d->v[k].s, &out))
            CHECK(out == AH_QGROUP_OPEN || out == AH_QGROUP_NOT_PRODUCT);
        if (ah_fix_state_parse(d->v[k].s, &out))
            CHECK(out == AH_FIX_OPEN || out == AH_FIX_SHIPPED);
        if (ah_readiness_parse(d->v[k].s, &out))
            CHECK(out >= AH_READY_UNJUDGED && out <= AH_READY_NO);
        if (ah_route_cause_parse(d->v[k].s, &out))
            CHECK(out == AH_CAUSE_PROMISE || out == AH_CAUSE_CHANGE);
        (void)ah_intake_channel_valid(d->v[k].s);
    }
}

/* A handler's table, its length (defined beside it, so read at run time) and
 * the checks for what it decodes. */
struct table {
    const struct ah_json_field *fields;
    const size_t *n;
    void (*then)(struct ah_ctx *cx, const struct decoded *d);
};

static const struct table tables[] = {
    {ah_api_tickets_create_fields, &ah_api_tickets_create_nfields, after_ticket_create},
    {ah_api_tickets_update_fields, &ah_api_tickets_update_nfields, after_ticket_update},
    {ah_api_tickets_write_fields, &ah_api_tickets_write_nfields, after_message_write},
    {ah_api_people_create_fields, &ah_api_people_create_nfields, after_people_create},
    {ah_api_session_create_fields, &ah_api_session_create_nfields, after_session_create},
    {ah_api_queue_skip_fields, &ah_api_queue_skip_nfields, after_queue_skip},
    {ah_api_lint_fields, &ah_api_lint_nfields, after_lint},
    {ah_api_route_rule_fields, &ah_api_route_rule_nfields, after_rule},
    {ah_api_style_rule_fields, &ah_api_style_rule_nfields, after_rule},
    {ah_api_group_fields, &ah_api_group_nfields, after_group},
    {ah_api_group_merge_fields, &ah_api_group_merge_nfields, after_group},
    {ah_api_group_fix_fields, &ah_api_group_fix_nfields, after_group},
    {ah_api_ticket_group_fields, &ah_api_ticket_group_nfields, after_group},
    {ah_api_fix_fields, &ah_api_fix_nfields, after_group},
    {ah_api_escalation_fields, &ah_api_escalation_nfields, after_group},
    {ah_api_route_back_fields, &ah_api_route_back_nfields, after_group},
    {ah_api_launch_fields, &ah_api_launch_nfields, after_group},
    {ah_api_kudos_fields, &ah_api_kudos_nfields, after_group},
};

/* What a successful decode promises about one field. */
static void check_value(const struct ah_json_field *f, const struct ah_json_value *v)
{
    CHECK(v->present || !f->required);
    if (!v->present)
        return;
    CHECK(!v->is_null || f->type == AH_JSON_INT_OR_NULL || f->type == AH_JSON_STRING_OR_NULL);
    if (f->type == AH_JSON_STRING || (f->type == AH_JSON_STRING_OR_NULL && !v->is_null))
        CHECK(fuzz_text_ok(v->s) && v->s.len <= f->max);
    if (f->type == AH_JSON_INTS)
        CHECK(v->n <= f->max && v->ints);
    if (f->type != AH_JSON_STRINGS)
        return;
    CHECK(v->n <= f->max && v->items);
    for (size_t i = 0; i < v->n; i++)
        CHECK(fuzz_text_ok(v->items[i]));
}

static void decode(struct ah_ctx *cx, struct ah_str body, const struct table *t)
{
    struct ah_json_value v[MAX_FIELDS];
    struct decoded d = {t->fields, *t->n, v};
    struct ah_error err;
    enum ah_err rc;

    CHECK(d.n <= MAX_FIELDS);
    rc = ah_json_decode(body, d.fields, d.n, v, cx->arena, &err);
    if (rc) {
        CHECK((rc == AH_E_BAD_REQUEST || rc == AH_E_INVALID) && err.code == rc);
        CHECK(memchr(err.msg, '\0', sizeof(err.msg)));
        return;
    }
    for (size_t k = 0; k < d.n; k++)
        check_value(&d.fields[k], &v[k]);
    t->then(cx, &d);
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
