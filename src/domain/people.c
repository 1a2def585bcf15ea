/* people.c - the roster. Owns who may add and change people, the rule that
 * only admins make admins, and the audit trail of every change. */
#include "domain/people.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/jsonw.h"
#include "domain/program.h"
#include "core/limits.h"
#include "core/time.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/style.h"
#include "domain/training.h"

static const char *const role_names[] = {"member", "pro", "lead", "admin"};

const char *ah_people_role_name(enum ah_role r)
{
    return (unsigned)r < 4 ? role_names[r] : "member";
}

bool ah_people_role_parse(struct ah_str s, enum ah_role *out)
{
    for (int i = 0; i < 4; i++)
        if (ah_str_eq_c(s, role_names[i])) {
            *out = (enum ah_role)i;
            return true;
        }
    return false;
}

void ah_person_input_init(struct ah_person_input *in)
{
    memset(in, 0, sizeof(*in));
    in->role = -1;
    in->leader = -1;
    in->active = -1;
    in->start_day = INT64_MIN;
    in->level = -1;
}

enum ah_err ah_people_check_email(struct ah_str s, struct ah_error *err)
{
    const char *at = s.len ? memchr(s.p, '@', s.len) : NULL;
    size_t local, domain;

    if (s.len == 0 || s.len > AH_MAX_EMAIL || !at)
        goto bad;
    local = (size_t)(at - s.p);
    domain = s.len - local - 1;
    if (local == 0 || domain < 3 || memchr(at + 1, '@', domain) || !memchr(at + 1, '.', domain))
        goto bad;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];

        if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == '"' || c == 0x7f)
            goto bad;
    }
    return AH_OK;
bad:
    return ah_error_set(err, AH_E_INVALID, "email is not an address like name@example.com");
}

static enum ah_err check_label(const char *field, struct ah_str s, bool required,
                               struct ah_error *err)
{
    if (!s.p)
        return required ? ah_error_set(err, AH_E_INVALID, "%s is required", field) : AH_OK;
    if (required && ah_str_trim(s).len == 0)
        return ah_error_set(err, AH_E_INVALID, "%s must not be empty", field);
    if (s.len > AH_MAX_NAME)
        return ah_error_set(err, AH_E_INVALID, "%s is longer than %d bytes", field, AH_MAX_NAME);
    for (size_t i = 0; i < s.len; i++)
        if ((unsigned char)s.p[i] < 0x20)
            return ah_error_set(err, AH_E_INVALID, "%s must be one line of text", field);
    return AH_OK;
}

static enum ah_err check_timezone(struct ah_str s, struct ah_error *err)
{
    return s.p ? ah_zone_check(s, err) : AH_OK;
}

static enum ah_err check_password(struct ah_str s, struct ah_error *err)
{
    if (s.len < AH_MIN_PASSWORD || s.len > AH_MAX_PASSWORD)
        return ah_error_set(err, AH_E_INVALID, "password must be %d to %d bytes long",
                            AH_MIN_PASSWORD, AH_MAX_PASSWORD);
    return AH_OK;
}

static enum ah_err check_input(const struct ah_person_input *in, bool create,
                               struct ah_error *err)
{
    enum ah_err rc = AH_OK;

    if (create || in->email.p)
        rc = ah_people_check_email(in->email, err);
    if (!rc)
        rc = check_label("name", in->name, create, err);
    if (!rc && !create && in->name.p && ah_str_trim(in->name).len == 0)
        rc = ah_error_set(err, AH_E_INVALID, "name must not be empty");
    if (!rc)
        rc = check_label("department", in->department, false, err);
    if (!rc)
        rc = check_timezone(in->timezone, err);
    if (!rc && in->password.p)
        rc = check_password(in->password, err);
    return rc;
}

#define DIFF(field) (!o || p->field != o->field)
#define DIFF_STR(field) (!o || strcmp(p->field, o->field) != 0)

/* The fields of p that differ from o (all of them when o is NULL), as the API
 * shows them. */
static const char *person_json(struct ah_ctx *cx, const struct ah_person *p,
                               const struct ah_person *o)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 4096);
    if (!o)
        ah_jsonw_str(&b, "email", p->email, NULL);
    if (DIFF_STR(name))
        ah_jsonw_str(&b, "name", p->name, NULL);
    if (DIFF_STR(department))
        ah_jsonw_str(&b, "department", p->department, NULL);
    if (DIFF(manager_id))
        ah_jsonw_id(&b, "manager_id", p->manager_id, NULL);
    if (DIFF(role))
        ah_jsonw_str(&b, "role", ah_people_role_name(p->role), NULL);
    if (DIFF(leader))
        ah_jsonw_bool(&b, "leader", p->leader, NULL);
    if (DIFF_STR(timezone))
        ah_jsonw_str(&b, "timezone", p->timezone, NULL);
    if (DIFF(active))
        ah_jsonw_bool(&b, "active", p->active, NULL);
    if (DIFF(start_day))
        ah_jsonw_int(&b, "start_day", p->start_day, NULL);
    if (DIFF(level))
        ah_jsonw_str(&b, "level", ah_level_name(p->level), NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

static enum ah_err check_manager(struct ah_ctx *cx, int64_t self, int64_t manager,
                                 struct ah_error *err)
{
    struct ah_person m;

    if (manager == 0)
        return AH_OK;
    if (manager == self)
        return ah_error_set(err, AH_E_INVALID, "a person cannot be their own manager");
    if (ah_store_person_get(cx->store, manager, cx->arena, &m, err))
        return ah_error_set(err, AH_E_INVALID, "manager %" PRId64 " does not exist", manager);
    return AH_OK;
}

static const char *arena_str(struct ah_ctx *cx, struct ah_str s, const char *dflt)
{
    return s.p ? ah_arena_strndup(cx->arena, s.p, s.len) : dflt;
}

enum ah_err ah_people_create(struct ah_ctx *cx, const struct ah_person_input *in,
                             struct ah_person *out, struct ah_error *err)
{
    struct ah_person p = {0};
    char hash[AH_PWHASH_MAX] = "";
    bool in_tx = false;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PEOPLE_WRITE, err);

    if (!rc)
        rc = check_input(in, true, err);
    if (!rc && in->role == AH_ROLE_ADMIN)
        rc = ah_perm_require(cx, AH_PERM_GRANT_ADMIN, err);
    if (rc)
        return rc;
    p.email = arena_str(cx, in->email, "");
    p.name = arena_str(cx, ah_str_trim(in->name), "");
    p.department = arena_str(cx, in->department, "");
    p.timezone = arena_str(cx, in->timezone, "UTC");
    p.manager_id = in->has_manager ? in->manager_id : 0;
    p.role = in->role >= 0 ? (enum ah_role)in->role : AH_ROLE_MEMBER;
    p.leader = in->leader == 1;
    p.active = in->active != 0;
    p.level = in->level >= 0 ? (enum ah_level)in->level : AH_LEVEL_TRAINEE;
    p.created_at = p.updated_at = cx->now;
    p.start_day = in->start_day;
    if (p.start_day == INT64_MIN)
        rc = ah_today(p.timezone, cx->now, &p.start_day, err);
    if (rc)
        return rc;
    /* hash before taking the write lock: argon2id is slow on purpose */
    if (in->password.p)
        rc = ah_crypto_password_hash(in->password, hash, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        goto cleanup;
    in_tx = true;
    rc = check_manager(cx, 0, p.manager_id, err);
    if (!rc)
        rc = ah_store_person_insert(cx->store, &p, hash[0] ? hash : NULL, err);
    if (!rc)
        rc = ah_audit_record(cx, "person.create", ah_audit_target(cx, "person", p.id), NULL,
                             person_json(cx, &p, NULL), err);
    if (!rc)
        rc = ah_store_commit(cx->store, err);
    if (!rc)
        *out = p;
cleanup:
    if (rc && in_tx)
        ah_store_rollback(cx->store);
    ah_crypto_wipe(hash, sizeof(hash));
    return rc;
}

static void apply(struct ah_ctx *cx, struct ah_person *p, const struct ah_person_input *in)
{
    if (in->name.p)
        p->name = arena_str(cx, ah_str_trim(in->name), p->name);
    if (in->department.p)
        p->department = arena_str(cx, in->department, p->department);
    if (in->timezone.p)
        p->timezone = arena_str(cx, in->timezone, p->timezone);
    if (in->has_manager)
        p->manager_id = in->manager_id;
    if (in->role >= 0)
        p->role = (enum ah_role)in->role;
    if (in->leader >= 0)
        p->leader = in->leader == 1;
    if (in->active >= 0)
        p->active = in->active == 1;
    if (in->start_day != INT64_MIN)
        p->start_day = in->start_day;
    if (in->level >= 0)
        p->level = (enum ah_level)in->level;
    p->updated_at = cx->now;
}

enum ah_err ah_people_update_ex(struct ah_ctx *cx, int64_t id,
                                const struct ah_person_input *in, struct ah_person *out,
                                int64_t **missing, size_t *nmissing, struct ah_error *err)
{
    struct ah_person before, after;
    bool in_tx = false;
    bool level_only = in->level >= 0 && !in->email.p && !in->name.p && !in->department.p &&
                      !in->timezone.p && !in->password.p && !in->has_manager && in->role < 0 &&
                      in->leader < 0 && in->active < 0 && in->start_day == INT64_MIN;
    enum ah_err rc = level_only ? AH_OK : ah_perm_require(cx, AH_PERM_PEOPLE_WRITE, err);

    /* levels are the support team's call: pros and leads */
    if (!rc && in->level >= 0)
        rc = ah_perm_require(cx, AH_PERM_COACH, err);
    if (!rc && in->email.p)
        rc = ah_error_set(err, AH_E_INVALID, "email cannot be changed");
    if (!rc && in->password.p)
        rc = ah_error_set(err, AH_E_INVALID, "password is changed by its owner");
    if (!rc)
        rc = check_input(in, false, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    in_tx = true;
    rc = ah_store_person_get(cx->store, id, cx->arena, &before, err);
    if (rc)
        goto cleanup;
    after = before;
    apply(cx, &after, in);
    if ((before.role == AH_ROLE_ADMIN) != (after.role == AH_ROLE_ADMIN))
        rc = ah_perm_require(cx, AH_PERM_GRANT_ADMIN, err);
    if (!rc && cx->actor && cx->actor->id == id && !after.active)
        rc = ah_error_set(err, AH_E_INVALID, "you cannot deactivate yourself");
    /* nobody raises or lowers their own role: it takes a second person */
    if (!rc && cx->actor && cx->actor->id == id && after.role != before.role)
        rc = ah_error_set(err, AH_E_FORBIDDEN, "you cannot change your own role: ask another lead");
    if (!rc && in->has_manager)
        rc = check_manager(cx, id, after.manager_id, err);
    if (!rc && after.level > before.level)
        rc = ah_training_check_promotion(cx, &before, after.level, missing, nmissing, err);
    if (!rc)
        rc = ah_store_person_update(cx->store, &after, err);
    if (!rc)
        rc = ah_audit_record(cx, "person.update", ah_audit_target(cx, "person", id),
                             person_json(cx, &before, &after), person_json(cx, &after, &before),
                             err);
    if (!rc)
        rc = ah_store_commit(cx->store, err);
    if (!rc)
        *out = after;
cleanup:
    if (rc && in_tx)
        ah_store_rollback(cx->store);
    return rc;
}

enum ah_err ah_people_get(struct ah_ctx *cx, int64_t id, struct ah_person *out,
                          struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc : ah_store_person_get(cx->store, id, cx->arena, out, err);
}

enum ah_err ah_people_list(struct ah_ctx *cx, int64_t after_id, int limit,
                           struct ah_person **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    return rc ? rc : ah_store_person_list(cx->store, after_id, limit, cx->arena, items, n, err);
}

enum ah_err ah_people_set_password(struct ah_ctx *cx, int64_t id, struct ah_str password,
                                   struct ah_error *err)
{
    char hash[AH_PWHASH_MAX];
    enum ah_err rc;

    if (!cx->system && !(cx->actor && cx->actor->id == id))
        return ah_error_set(err, AH_E_FORBIDDEN, "only its owner sets a password");
    rc = check_password(password, err);
    if (!rc)
        rc = ah_crypto_password_hash(password, hash, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        goto cleanup;
    rc = ah_store_person_set_password(cx->store, id, hash, err);
    if (!rc)
        rc = ah_audit_record(cx, "person.password", ah_audit_target(cx, "person", id), NULL,
                             NULL, err);
    rc = ah_store_end(cx->store, rc, err);
cleanup:
    ah_crypto_wipe(hash, sizeof(hash));
    return rc;
}
