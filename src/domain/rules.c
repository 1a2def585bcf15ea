/* rules.c - routing rules and the style guide: checks, changes, the
 * compiled-set cache, linting and routing. */
#include "domain/rules.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/textmatch.h"
#include "domain/audit.h"
#include "domain/people.h"
#include "domain/perm.h"
#include "domain/ticket.h"

/* ---- the cache of compiled sets ----
 * A compiled set lives while the cache or a request holds it: the cache
 * swaps in a newer one under the mutex, and the last holder frees the old. */

enum set_kind { SET_ROUTING, SET_STYLE };

struct compiled {
    int64_t version;
    int refs;
    enum set_kind kind;
    void *obj; /* struct ah_router or struct ah_style_guide */
};

struct ah_rules_cache {
    pthread_mutex_t mu;
    struct compiled *sets[2];
};

static const char *const set_names[] = {"routing", "style"};

static void compiled_free(struct compiled *c)
{
    if (!c)
        return;
    if (c->kind == SET_ROUTING)
        ah_router_free(c->obj);
    else
        ah_style_free(c->obj);
    free(c);
}

struct ah_rules_cache *ah_rules_cache_new(void)
{
    struct ah_rules_cache *c = ah_xcalloc(1, sizeof(*c));

    pthread_mutex_init(&c->mu, NULL);
    return c;
}

void ah_rules_cache_free(struct ah_rules_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < 2; i++)
        compiled_free(c->sets[i]);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static enum ah_err build(struct ah_ctx *cx, enum set_kind kind, int64_t version,
                         struct compiled **out, struct ah_error *err)
{
    struct compiled *c = ah_xcalloc(1, sizeof(*c));
    enum ah_err rc;

    c->version = version;
    c->kind = kind;
    c->refs = 1;
    if (kind == SET_ROUTING) {
        struct ah_route_rule *rules;
        size_t n;

        rc = ah_store_route_rule_list(cx->store, cx->arena, &rules, &n, err);
        if (!rc)
            rc = ah_router_compile(rules, n, (struct ah_router **)&c->obj, err);
    } else {
        struct ah_style_rule *rules;
        size_t n;

        rc = ah_store_style_rule_list(cx->store, false, cx->arena, &rules, &n, err);
        if (!rc)
            rc = ah_style_compile(rules, n, (struct ah_style_guide **)&c->obj, err);
    }
    if (rc) {
        free(c);
        return rc;
    }
    *out = c;
    return AH_OK;
}

/* The compiled set of kind as the store has it now; give it back with release. */
static enum ah_err acquire(struct ah_ctx *cx, enum set_kind kind, struct compiled **out,
                           struct ah_error *err)
{
    struct ah_rules_cache *cache = cx->rules;
    struct compiled *c, *old = NULL;
    int64_t version;
    enum ah_err rc = ah_store_rules_version(cx->store, set_names[kind], &version, err);

    if (rc)
        return rc;
    if (cache) {
        pthread_mutex_lock(&cache->mu);
        c = cache->sets[kind];
        if (c && c->version == version) {
            c->refs++;
            pthread_mutex_unlock(&cache->mu);
            *out = c;
            return AH_OK;
        }
        pthread_mutex_unlock(&cache->mu);
    }
    rc = build(cx, kind, version, &c, err);
    if (rc || !cache) {
        *out = rc ? NULL : c;
        return rc;
    }
    pthread_mutex_lock(&cache->mu);
    if (!cache->sets[kind] || cache->sets[kind]->version < version) {
        old = cache->sets[kind];
        cache->sets[kind] = c;
        c->refs++;
        if (old && --old->refs > 0)
            old = NULL;
    }
    pthread_mutex_unlock(&cache->mu);
    compiled_free(old);
    *out = c;
    return AH_OK;
}

static void release(struct ah_ctx *cx, struct compiled *c)
{
    bool last;

    if (!c)
        return;
    if (!cx->rules) {
        compiled_free(c);
        return;
    }
    pthread_mutex_lock(&cx->rules->mu);
    last = --c->refs == 0;
    pthread_mutex_unlock(&cx->rules->mu);
    if (last)
        compiled_free(c);
}

/* ---- checks shared by both sets ---- */

static enum ah_err check_name(const char *field, const char *s, size_t max, struct ah_error *err)
{
    size_t len = s ? strlen(s) : 0;

    if (len == 0 || ah_str_trim(ah_str_c(s)).len == 0)
        return ah_error_set(err, AH_E_INVALID, "%s must not be empty", field);
    if (len > max)
        return ah_error_set(err, AH_E_INVALID, "%s is longer than %zu bytes", field, max);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20)
            return ah_error_set(err, AH_E_INVALID, "%s must be one line of text", field);
    return AH_OK;
}

/* tags as "a b" normalized in place (into cx->arena) */
static enum ah_err norm_tags(struct ah_ctx *cx, const char *field, const char **tags,
                             struct ah_error *err)
{
    struct ah_str list[AH_MAX_TAGS];
    size_t n = 0;
    const char *p = *tags ? *tags : "";
    enum ah_err rc;

    while (*p) {
        size_t len;

        while (*p == ' ')
            p++;
        len = strcspn(p, " ");
        if (!len)
            break;
        if (n == AH_MAX_TAGS)
            return ah_error_set(err, AH_E_INVALID, "%s: at most %d tags", field, AH_MAX_TAGS);
        list[n].p = p;
        list[n++].len = len;
        p += len;
    }
    rc = ah_ticket_tags_join(cx, list, n, tags, err);
    if (rc) {
        char msg[sizeof(err->msg)];

        memcpy(msg, err->msg, sizeof(msg));
        return ah_error_set(err, AH_E_INVALID, "%s: %s", field, msg);
    }
    return AH_OK;
}

static enum ah_err check_pattern(enum ah_match_kind kind, const char *pattern, long *offset,
                                 struct ah_error *err)
{
    enum ah_err rc;

    *offset = -1;
    if (kind != AH_MATCH_PHRASE && kind != AH_MATCH_REGEX)
        return ah_error_set(err, AH_E_INVALID, "kind must be phrase or regex");
    if (!pattern || !*pattern)
        return ah_error_set(err, AH_E_INVALID, "pattern must not be empty");
    if (!ah_utf8_valid(pattern, strlen(pattern)))
        return ah_error_set(err, AH_E_INVALID, "pattern is not valid UTF-8");
    rc = ah_tm_check(kind == AH_MATCH_PHRASE ? AH_TM_PHRASE : AH_TM_REGEX, pattern, offset,
                     err);
    if (rc) {
        char msg[sizeof(err->msg)];

        memcpy(msg, err->msg, sizeof(msg));
        return ah_error_set(err, rc, "pattern: %s", msg);
    }
    return AH_OK;
}

static enum ah_err bump(struct ah_ctx *cx, enum set_kind kind, struct ah_error *err)
{
    return ah_store_rules_bump(cx->store, set_names[kind], err);
}

static const char *one_line_json(struct ah_ctx *cx, const char *key, const char *value)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 256);
    ah_jsonw_str(&b, key, value, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

/* ---- routing ---- */

static const char *route_json(struct ah_ctx *cx, const struct ah_route_rule *r)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 1024);
    ah_jsonw_str(&b, "name", r->name, NULL);
    ah_jsonw_int(&b, "position", r->position, NULL);
    ah_jsonw_int(&b, "match_kind", r->match_kind, NULL);
    ah_jsonw_str(&b, "pattern", r->pattern, NULL);
    ah_jsonw_int(&b, "match_in", r->match_in, NULL);
    ah_jsonw_str(&b, "if_tag", r->if_tag, NULL);
    ah_jsonw_str(&b, "if_source", r->if_source, NULL);
    ah_jsonw_str(&b, "if_domain", r->if_domain, NULL);
    ah_jsonw_int(&b, "if_priority", r->if_priority, NULL);
    ah_jsonw_int(&b, "set_tier", r->set_tier, NULL);
    ah_jsonw_int(&b, "set_priority", r->set_priority, NULL);
    ah_jsonw_words(&b, "add_tags", r->add_tags, NULL);
    ah_jsonw_bool(&b, "stop", r->stop, NULL);
    ah_jsonw_bool(&b, "enabled", r->enabled, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

enum ah_err ah_route_rule_list(struct ah_ctx *cx, struct ah_route_rule **items, size_t *n,
                               struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    return rc ? rc : ah_store_route_rule_list(cx->store, cx->arena, items, n, err);
}

enum ah_err ah_route_rule_get(struct ah_ctx *cx, int64_t id, struct ah_route_rule *out,
                              struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    return rc ? rc : ah_store_route_rule_get(cx->store, id, cx->arena, out, err);
}

static enum ah_err check_route(struct ah_ctx *cx, struct ah_route_rule *r, long *offset,
                               struct ah_error *err)
{
    enum ah_err rc = check_name("name", r->name, 200, err);

    *offset = -1;
    if (!rc && r->match_kind != AH_MATCH_NONE)
        rc = check_pattern(r->match_kind, r->pattern, offset, err);
    if (!rc && r->match_kind == AH_MATCH_NONE)
        r->pattern = "";
    if (!rc && (r->match_in < AH_IN_SUBJECT || r->match_in > AH_IN_BOTH))
        rc = ah_error_set(err, AH_E_INVALID, "match_in must be subject, body or both");
    if (!rc && r->if_tag && *r->if_tag) {
        const char *t = r->if_tag;

        rc = norm_tags(cx, "if_tag", &t, err);
        if (!rc && strchr(t, ' '))
            rc = ah_error_set(err, AH_E_INVALID, "if_tag is one tag");
        r->if_tag = t;
    }
    if (!rc && r->if_source && *r->if_source && !ah_ticket_source_valid(ah_str_c(r->if_source)))
        rc = ah_error_set(err, AH_E_INVALID,
                          "if_source must be api, web, email, phone, chat or escalation");
    if (!rc && r->if_domain && *r->if_domain) {
        size_t len = strlen(r->if_domain);
        char *d = ah_arena_strndup(cx->arena, r->if_domain, len);

        if (len > 253)
            rc = ah_error_set(err, AH_E_INVALID, "if_domain is longer than 253 bytes");
        for (size_t i = 0; !rc && i < len; i++) {
            char c = d[i];

            if (c >= 'A' && c <= 'Z')
                d[i] = (char)(c - 'A' + 'a');
            else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '-'))
                rc = ah_error_set(err, AH_E_INVALID,
                                  "if_domain must be a domain like example.com");
        }
        r->if_domain = d;
    }
    if (!rc && r->set_tier != 0 && r->set_tier != 1 && r->set_tier != 2)
        rc = ah_error_set(err, AH_E_INVALID, "set_tier must be 1 or 2");
    if (!rc && (r->if_priority < -1 || r->if_priority > AH_PRIO_LOW))
        rc = ah_error_set(err, AH_E_INVALID, "if_priority is not a priority");
    if (!rc && (r->set_priority < -1 || r->set_priority > AH_PRIO_LOW))
        rc = ah_error_set(err, AH_E_INVALID, "set_priority is not a priority");
    if (!rc)
        rc = norm_tags(cx, "add_tags", &r->add_tags, err);
    if (!r->if_tag)
        r->if_tag = "";
    if (!r->if_source)
        r->if_source = "";
    if (!r->if_domain)
        r->if_domain = "";
    return rc;
}

enum ah_err ah_route_rule_save(struct ah_ctx *cx, struct ah_route_rule *r, long *offset,
                               struct ah_error *err)
{
    struct ah_route_rule before = {0};
    bool create = r->id == 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    *offset = -1;
    if (!rc)
        rc = check_route(cx, r, offset, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    r->updated_at = cx->now;
    r->updated_by = cx->actor ? cx->actor->id : 0;
    if (create) {
        struct ah_route_rule *all;
        size_t n;

        rc = ah_store_route_rule_list(cx->store, cx->arena, &all, &n, err);
        if (!rc && n >= AH_MAX_RULES)
            rc = ah_error_set(err, AH_E_INVALID, "there are %d routing rules already",
                              AH_MAX_RULES);
        if (!rc && r->position <= 0)
            r->position = n ? all[n - 1].position + 1 : 1;
        r->created_at = cx->now;
        if (!rc)
            rc = ah_store_route_rule_insert(cx->store, r, err);
    } else {
        rc = ah_store_route_rule_get(cx->store, r->id, cx->arena, &before, err);
        r->created_at = before.created_at;
        if (!rc)
            rc = ah_store_route_rule_update(cx->store, r, err);
    }
    if (!rc)
        rc = bump(cx, SET_ROUTING, err);
    if (!rc)
        rc = ah_audit_record(cx, create ? "routing_rule.create" : "routing_rule.update",
                             ah_audit_target(cx, "routing_rule", r->id),
                             create ? NULL : route_json(cx, &before), route_json(cx, r), err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_route_rule_delete(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    struct ah_route_rule r;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_route_rule_get(cx->store, id, cx->arena, &r, err);
    if (!rc)
        rc = ah_store_route_rule_delete(cx->store, id, err);
    if (!rc)
        rc = bump(cx, SET_ROUTING, err);
    if (!rc)
        rc = ah_audit_record(cx, "routing_rule.delete", ah_audit_target(cx, "routing_rule", id),
                             route_json(cx, &r), NULL, err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_route_rule_order(struct ah_ctx *cx, const int64_t *ids, size_t n,
                                struct ah_error *err)
{
    struct ah_route_rule *all;
    size_t count;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_route_rule_list(cx->store, cx->arena, &all, &count, err);
    if (!rc && count != n)
        rc = ah_error_set(err, AH_E_INVALID, "ids must name each of the %zu rules once", count);
    for (size_t i = 0; !rc && i < n; i++) {
        size_t j = 0;

        for (size_t k = 0; k < i; k++)
            if (ids[k] == ids[i])
                rc = ah_error_set(err, AH_E_INVALID, "ids names rule %" PRId64 " twice", ids[i]);
        while (!rc && j < count && all[j].id != ids[i])
            j++;
        if (!rc && j == count)
            rc = ah_error_set(err, AH_E_INVALID, "there is no rule %" PRId64, ids[i]);
        if (!rc && all[j].position != (int64_t)i + 1) {
            all[j].position = (int64_t)i + 1;
            all[j].updated_at = cx->now;
            all[j].updated_by = cx->actor ? cx->actor->id : 0;
            rc = ah_store_route_rule_update(cx->store, &all[j], err);
        }
    }
    if (!rc)
        rc = bump(cx, SET_ROUTING, err);
    if (!rc)
        rc = ah_audit_record(cx, "routing_rule.order", "routing_rules", NULL, NULL, err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_route_apply(struct ah_ctx *cx, const struct ah_route_input *in,
                           struct ah_route_result *out, struct ah_error *err)
{
    struct compiled *c;
    enum ah_err rc = acquire(cx, SET_ROUTING, &c, err);

    if (rc)
        return rc;
    rc = ah_router_apply(c->obj, in, cx->arena, out, err);
    release(cx, c);
    return rc;
}

enum ah_err ah_route_test(struct ah_ctx *cx, const struct ah_route_input *in,
                          struct ah_route_result *out, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc && (in->subject_len > AH_MAX_SUBJECT || in->body_len > AH_MAX_MESSAGE_BODY))
        rc = ah_error_set(err, AH_E_INVALID, "subject or body is too long");
    return rc ? rc : ah_route_apply(cx, in, out, err);
}

/* ---- the style guide ---- */

static const char *style_json(struct ah_ctx *cx, const struct ah_style_rule *r)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 1024);
    ah_jsonw_str(&b, "name", r->name, NULL);
    ah_jsonw_str(&b, "kind", r->kind == AH_MATCH_REGEX ? "regex" : "phrase", NULL);
    ah_jsonw_str(&b, "pattern", r->pattern, NULL);
    ah_jsonw_str(&b, "severity", ah_severity_name(r->severity), NULL);
    ah_jsonw_str(&b, "why", r->why, NULL);
    ah_jsonw_str(&b, "better", r->better, NULL);
    ah_jsonw_words(&b, "levels", r->levels, NULL);
    ah_jsonw_words(&b, "roles", r->roles, NULL);
    ah_jsonw_words(&b, "tags", r->tags, NULL);
    ah_jsonw_words(&b, "lifted_tags", r->lifted_tags, NULL);
    ah_jsonw_bool(&b, "enabled", r->enabled, NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

enum ah_err ah_style_rule_list(struct ah_ctx *cx, bool with_deleted, struct ah_style_rule **items,
                               size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc
              : ah_store_style_rule_list(cx->store, with_deleted, cx->arena, items, n, err);
}

enum ah_err ah_style_rule_get(struct ah_ctx *cx, int64_t id, struct ah_style_rule *out,
                              struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_style_rule_get(cx->store, id, cx->arena, out, err);
    if (!rc && out->deleted_at)
        rc = ah_error_set(err, AH_E_NOT_FOUND, "style rule %" PRId64 " was deleted", id);
    return rc;
}

static enum ah_err check_style(struct ah_ctx *cx, struct ah_style_rule *r, long *offset,
                               struct ah_error *err)
{
    enum ah_err rc = check_name("name", r->name, 64, err);

    *offset = -1;
    for (const char *p = r->name; !rc && p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            rc = ah_error_set(err, AH_E_INVALID,
                              "name is lower-case letters, digits and dashes, like no-just");
    if (!rc)
        rc = check_pattern(r->kind, r->pattern, offset, err);
    if (!rc && (r->severity < AH_SEV_BLOCK || r->severity > AH_SEV_TIP))
        rc = ah_error_set(err, AH_E_INVALID, "severity must be block, warn or tip");
    if (!rc)
        rc = check_name("why", r->why, 1000, err);
    if (!rc && r->better && strlen(r->better) > 1000)
        rc = ah_error_set(err, AH_E_INVALID, "better is longer than 1000 bytes");
    if (!rc)
        rc = ah_style_check_lists(r, err);
    if (!rc)
        rc = norm_tags(cx, "tags", &r->tags, err);
    if (!rc)
        rc = norm_tags(cx, "lifted_tags", &r->lifted_tags, err);
    if (!r->better)
        r->better = "";
    if (!r->levels)
        r->levels = "";
    if (!r->roles)
        r->roles = "";
    return rc;
}

enum ah_err ah_style_rule_save(struct ah_ctx *cx, struct ah_style_rule *r, long *offset,
                               struct ah_error *err)
{
    struct ah_style_rule before = {0};
    bool create = r->id == 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    *offset = -1;
    if (!rc)
        rc = check_style(cx, r, offset, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    r->updated_at = cx->now;
    r->updated_by = cx->actor ? cx->actor->id : 0;
    r->deleted_at = 0;
    if (create) {
        struct ah_style_rule *all;
        size_t n;

        rc = ah_store_style_rule_list(cx->store, false, cx->arena, &all, &n, err);
        if (!rc && n >= AH_MAX_RULES)
            rc = ah_error_set(err, AH_E_INVALID, "the guide has %d rules already",
                              AH_MAX_RULES);
        r->created_at = cx->now;
        if (!rc)
            rc = ah_store_style_rule_insert(cx->store, r, err);
    } else {
        rc = ah_store_style_rule_get(cx->store, r->id, cx->arena, &before, err);
        if (!rc && before.deleted_at)
            rc = ah_error_set(err, AH_E_NOT_FOUND, "style rule %" PRId64 " was deleted", r->id);
        r->created_at = before.created_at;
        if (!rc)
            rc = ah_store_style_rule_update(cx->store, r, err);
    }
    if (rc == AH_E_CONFLICT)
        ah_error_set(err, AH_E_CONFLICT, "a rule named %s exists already", r->name);
    if (!rc)
        rc = bump(cx, SET_STYLE, err);
    if (!rc)
        rc = ah_audit_record(cx, create ? "style_rule.create" : "style_rule.update",
                             ah_audit_target(cx, "style_rule", r->id),
                             create ? NULL : style_json(cx, &before), style_json(cx, r), err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_style_rule_delete(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    struct ah_style_rule r;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_style_rule_get(cx->store, id, cx->arena, &r, err);
    if (!rc && r.deleted_at)
        rc = ah_error_set(err, AH_E_NOT_FOUND, "style rule %" PRId64 " was deleted already", id);
    if (!rc) {
        /* the row stays: the hits counted for it still name it */
        r.deleted_at = r.updated_at = cx->now;
        r.updated_by = cx->actor ? cx->actor->id : 0;
        rc = ah_store_style_rule_update(cx->store, &r, err);
    }
    if (!rc)
        rc = bump(cx, SET_STYLE, err);
    if (!rc)
        rc = ah_audit_record(cx, "style_rule.delete", ah_audit_target(cx, "style_rule", id),
                             style_json(cx, &r), NULL, err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_style_load_starter(struct ah_ctx *cx, int64_t *added, struct ah_error *err)
{
    struct ah_style_rule *all;
    size_t n;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    *added = 0;
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_style_rule_list(cx->store, false, cx->arena, &all, &n, err);
    for (size_t i = 0; !rc && i < ah_style_nstarter; i++) {
        struct ah_style_rule r = ah_style_starter[i];
        bool taken = false;

        for (size_t j = 0; j < n && !taken; j++)
            taken = strcmp(all[j].name, r.name) == 0;
        if (taken)
            continue;
        r.id = 0;
        r.enabled = true;
        r.created_at = r.updated_at = cx->now;
        r.updated_by = cx->actor ? cx->actor->id : 0;
        r.levels = r.levels ? r.levels : "";
        r.roles = r.roles ? r.roles : "";
        r.tags = r.tags ? r.tags : "";
        r.lifted_tags = r.lifted_tags ? r.lifted_tags : "";
        r.better = r.better ? r.better : "";
        rc = ah_store_style_rule_insert(cx->store, &r, err);
        if (!rc)
            (*added)++;
    }
    if (!rc && *added)
        rc = bump(cx, SET_STYLE, err);
    if (!rc && *added)
        rc = ah_audit_record(cx, "style_rule.starter", "style_rules", NULL,
                             one_line_json(cx, "loaded", "starter guide"), err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_lint(struct ah_ctx *cx, const char *text, size_t len, enum ah_role role,
                    enum ah_level level, const char *tags, struct ah_style_hit **hits,
                    size_t *n, struct ah_error *err)
{
    struct compiled *c;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && len > AH_MAX_LINT_TEXT)
        rc = ah_error_set(err, AH_E_INVALID, "text is longer than %d bytes", AH_MAX_LINT_TEXT);
    if (!rc)
        rc = acquire(cx, SET_STYLE, &c, err);
    if (rc)
        return rc;
    rc = ah_style_check(c->obj, text, len, role, level, tags, cx->arena, hits, n, err);
    /* the guide may be freed once released: the hits keep copies */
    for (size_t i = 0; !rc && i < *n; i++) {
        (*hits)[i].rule = ah_arena_strdup(cx->arena, (*hits)[i].rule);
        (*hits)[i].why = ah_arena_strdup(cx->arena, (*hits)[i].why);
        (*hits)[i].better = ah_arena_strdup(cx->arena, (*hits)[i].better);
    }
    release(cx, c);
    return rc;
}

enum ah_err ah_style_hits(struct ah_ctx *cx, int64_t from_day, int64_t to_day,
                          struct ah_style_hit_row **rows, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc && (to_day < from_day || to_day - from_day > 366))
        rc = ah_error_set(err, AH_E_INVALID, "from must come before to, at most a year apart");
    return rc ? rc : ah_store_style_hits_sum(cx->store, from_day, to_day, cx->arena, rows, n,
                                             err);
}
