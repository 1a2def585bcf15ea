/* training.c - the curriculum, completions, promotion's precondition and
 * pairing sessions. */
#include "domain/training.h"

#include <cmark.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/style.h"

#define MAX_PAIRINGS 2000

const char *ah_markdown_html(struct ah_ctx *cx, const char *md)
{
    /* CMARK_OPT_DEFAULT leaves raw HTML and unsafe links out (cmark >= 0.29) */
    char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
    const char *out;

    if (!html)
        return "";
    out = ah_arena_strdup(cx->arena, html);
    free(html);
    return out;
}

enum ah_err ah_module_list(struct ah_ctx *cx, int64_t person_id, struct ah_module **items,
                           size_t *n, int64_t **done, struct ah_error *err)
{
    struct ah_completion *c = NULL;
    size_t nc = 0;
    int64_t *d;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_module_list(cx->store, false, cx->arena, items, n, err);
    if (!rc && person_id)
        rc = ah_store_completion_list(cx->store, person_id, cx->arena, &c, &nc, err);
    if (rc)
        return rc;
    d = ah_arena_alloc(cx->arena, (*n + 1) * sizeof(*d));
    for (size_t i = 0; i < *n; i++) {
        d[i] = 0;
        for (size_t j = 0; j < nc; j++)
            if (c[j].module_id == (*items)[i].id)
                d[i] = c[j].completed_at;
    }
    *done = d;
    return AH_OK;
}

enum ah_err ah_module_get(struct ah_ctx *cx, int64_t id, struct ah_module *out,
                          struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = ah_store_module_get(cx->store, id, cx->arena, out, err);
    if (!rc && out->retired_at)
        rc = ah_error_set(err, AH_E_NOT_FOUND, "module %" PRId64 " was retired", id);
    return rc;
}

static const char *module_json(struct ah_ctx *cx, const struct ah_module *m)
{
    struct ah_buf b;
    const char *out;

    ah_buf_init(&b, 1024);
    ah_jsonw_str(&b, "title", m->title, NULL);
    ah_jsonw_int(&b, "position", m->position, NULL);
    ah_jsonw_str(&b, "level", ah_level_name(m->level), NULL);
    ah_jsonw_end(&b, NULL);
    out = ah_arena_strdup(cx->arena, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return out;
}

static enum ah_err check_module(const struct ah_module *m, struct ah_error *err)
{
    size_t tl = m->title ? strlen(m->title) : 0;

    if (tl == 0 || tl > AH_MAX_MODULE_TITLE)
        return ah_error_set(err, AH_E_INVALID, "title must be 1 to %d bytes",
                            AH_MAX_MODULE_TITLE);
    if (!m->body || strlen(m->body) > AH_MAX_MODULE_BODY)
        return ah_error_set(err, AH_E_INVALID, "body must be at most %d bytes",
                            AH_MAX_MODULE_BODY);
    if (m->position < 0 || m->position > 1000000)
        return ah_error_set(err, AH_E_INVALID, "position must be from 0 to 1000000");
    /* a tier1 member needs no module: nothing comes after them */
    if (m->level != AH_LEVEL_TRAINEE && m->level != AH_LEVEL_JUNIOR)
        return ah_error_set(err, AH_E_INVALID,
                            "level must be trainee or junior: the level a module is done at");
    return AH_OK;
}

enum ah_err ah_module_save(struct ah_ctx *cx, struct ah_module *m, struct ah_error *err)
{
    struct ah_module before;
    bool create = m->id == 0;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = check_module(m, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    m->updated_at = cx->now;
    if (create) {
        m->created_at = cx->now;
        rc = ah_store_module_insert(cx->store, m, err);
    } else {
        rc = ah_store_module_get(cx->store, m->id, cx->arena, &before, err);
        if (!rc && before.retired_at)
            rc = ah_error_set(err, AH_E_NOT_FOUND, "module %" PRId64 " was retired", m->id);
        m->created_at = before.created_at;
        if (!rc)
            rc = ah_store_module_update(cx->store, m, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, create ? "module.create" : "module.update",
                             ah_audit_target(cx, "module", m->id),
                             create ? NULL : module_json(cx, &before), module_json(cx, m), err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_module_retire(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    struct ah_module m;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_PROGRAM, err);

    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_module_get(cx->store, id, cx->arena, &m, err);
    if (!rc && m.retired_at)
        rc = ah_error_set(err, AH_E_NOT_FOUND, "module %" PRId64 " was retired already", id);
    if (!rc) {
        m.retired_at = m.updated_at = cx->now;
        rc = ah_store_module_update(cx->store, &m, err);
    }
    if (!rc)
        rc = ah_audit_record(cx, "module.retire", ah_audit_target(cx, "module", id),
                             module_json(cx, &m), NULL, err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_module_complete(struct ah_ctx *cx, int64_t id, int64_t person_id, int64_t *at,
                               struct ah_error *err)
{
    struct ah_module m;
    struct ah_person p;
    struct ah_completion c = {0};
    bool inserted = false;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && person_id == 0)
        person_id = cx->actor ? cx->actor->id : 0;
    if (!rc && (!cx->actor || person_id != cx->actor->id))
        rc = ah_perm_require(cx, AH_PERM_COACH, err);
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_module_get(cx->store, id, cx->arena, &m, err);
    if (!rc && m.retired_at)
        rc = ah_error_set(err, AH_E_NOT_FOUND, "module %" PRId64 " was retired", id);
    if (!rc)
        rc = ah_store_person_get(cx->store, person_id, cx->arena, &p, err);
    c.person_id = person_id;
    c.module_id = id;
    c.completed_at = cx->now;
    if (!rc)
        rc = ah_store_completion_add(cx->store, &c, &inserted, err);
    *at = cx->now;
    if (!rc && !inserted) {
        struct ah_completion *all;
        size_t n;

        rc = ah_store_completion_list(cx->store, person_id, cx->arena, &all, &n, err);
        for (size_t i = 0; !rc && i < n; i++)
            if (all[i].module_id == id)
                *at = all[i].completed_at;
    }
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_training_check_promotion(struct ah_ctx *cx, const struct ah_person *p,
                                        enum ah_level to, int64_t **missing, size_t *nmissing,
                                        struct ah_error *err)
{
    struct ah_module *mods;
    struct ah_completion *c;
    size_t nm, nc, k = 0;
    int64_t *miss;
    enum ah_err rc = ah_store_module_list(cx->store, false, cx->arena, &mods, &nm, err);

    if (!rc)
        rc = ah_store_completion_list(cx->store, p->id, cx->arena, &c, &nc, err);
    if (rc)
        return rc;
    miss = ah_arena_alloc(cx->arena, (nm + 1) * sizeof(*miss));
    for (size_t i = 0; i < nm; i++) {
        bool done = false;

        if (mods[i].level < p->level || mods[i].level >= to)
            continue;
        for (size_t j = 0; j < nc && !done; j++)
            done = c[j].module_id == mods[i].id;
        if (!done)
            miss[k++] = mods[i].id;
    }
    if (missing) {
        *missing = miss;
        *nmissing = k;
    }
    if (k)
        return ah_error_set(err, AH_E_INVALID,
                            "%s has %zu module(s) of the curriculum to complete before "
                            "becoming %s",
                            p->name, k, ah_level_name(to));
    return AH_OK;
}

enum ah_err ah_pairing_log(struct ah_ctx *cx, int64_t member_id, int64_t started_at,
                           int64_t minutes, struct ah_str notes, struct ah_pairing *out,
                           struct ah_error *err)
{
    struct ah_person m;
    struct ah_work_session w = {0};
    struct ah_pairing p = {0};
    char buf[64];
    enum ah_err rc = ah_perm_require(cx, AH_PERM_COACH, err);

    if (!rc && (minutes < 1 || minutes > AH_MAX_PAIRING_MINUTES))
        rc = ah_error_set(err, AH_E_INVALID, "minutes must be from 1 to %d",
                          AH_MAX_PAIRING_MINUTES);
    if (!rc && notes.len > 10000)
        rc = ah_error_set(err, AH_E_INVALID, "notes are longer than 10000 bytes");
    if (!rc && (started_at <= 0 || started_at + minutes * 60000 > cx->now + 60000))
        rc = ah_error_set(err, AH_E_INVALID, "started_at must be a time in the past");
    if (!rc && cx->actor && member_id == cx->actor->id)
        rc = ah_error_set(err, AH_E_INVALID, "pairing takes two: member_id is yourself");
    if (!rc)
        rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_person_get(cx->store, member_id, cx->arena, &m, err);
    if (rc == AH_E_NOT_FOUND || (!rc && !m.active))
        rc = ah_error_set(err, AH_E_INVALID, "member %" PRId64 " is not an active person",
                          member_id);
    w.person_id = member_id;
    w.started_at = started_at;
    w.last_active_at = w.ended_at = started_at + minutes * 60000;
    w.source = "pairing";
    snprintf(buf, sizeof(buf), "pairing with person %" PRId64, cx->actor ? cx->actor->id : 0);
    w.note = buf;
    if (!rc)
        rc = ah_store_work_insert(cx->store, &w, err);
    p.pro_id = cx->actor ? cx->actor->id : 0;
    p.member_id = member_id;
    p.started_at = started_at;
    p.minutes = minutes;
    p.notes = ah_arena_strndup(cx->arena, notes.p ? notes.p : "", notes.len);
    p.work_session_id = w.id;
    p.created_at = cx->now;
    if (!rc)
        rc = ah_store_pairing_insert(cx->store, &p, err);
    if (!rc)
        rc = ah_audit_record(cx, "pairing.log", ah_audit_target(cx, "person", member_id), NULL,
                             NULL, err);
    rc = ah_store_end(cx->store, rc, err);
    if (!rc)
        *out = p;
    return rc;
}

enum ah_err ah_pairing_list(struct ah_ctx *cx, int64_t person_id, int64_t from, int64_t to,
                            struct ah_pairing **items, size_t *n, struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc && (!cx->actor || person_id != cx->actor->id))
        rc = ah_perm_require(cx, AH_PERM_COACH, err);
    if (rc)
        return rc;
    return ah_store_pairing_list(cx->store, person_id, from, to, MAX_PAIRINGS, cx->arena,
                                 items, n, err);
}
