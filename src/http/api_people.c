/* api_people.c - /api/v1/people: the roster. */
#include <inttypes.h>
#include <stdio.h>

#include "domain/people.h"
#include "domain/style.h"
#include "domain/program.h"
#include "http/api.h"

enum { F_EMAIL, F_NAME, F_DEPT, F_MANAGER, F_ROLE, F_LEADER, F_TZ, F_PASSWORD, F_ACTIVE, F_START,
       F_LEVEL, F_N };

const struct ah_json_field ah_api_people_create_fields[] = {
    [F_EMAIL] = {"email", AH_JSON_STRING, true, AH_MAX_EMAIL},
    [F_NAME] = {"name", AH_JSON_STRING, true, AH_MAX_NAME},
    [F_DEPT] = {"department", AH_JSON_STRING, false, AH_MAX_NAME},
    [F_MANAGER] = {"manager_id", AH_JSON_INT_OR_NULL, false, 0},
    [F_ROLE] = {"role", AH_JSON_STRING, false, 16},
    [F_LEADER] = {"leader", AH_JSON_BOOL, false, 0},
    [F_TZ] = {"timezone", AH_JSON_STRING, false, 64},
    [F_PASSWORD] = {"password", AH_JSON_STRING, false, AH_MAX_PASSWORD},
    [F_ACTIVE] = {"active", AH_JSON_BOOL, false, 0},
    [F_START] = {"start_date", AH_JSON_STRING, false, 10},
    [F_LEVEL] = {"level", AH_JSON_STRING, false, 16},
};
const size_t ah_api_people_create_nfields = F_N;

/* the same fields, none required, no email or password: what PATCH takes */
enum { U_NAME, U_DEPT, U_MANAGER, U_ROLE, U_LEADER, U_TZ, U_ACTIVE, U_START, U_LEVEL, U_N };

static const struct ah_json_field update_fields[] = {
    [U_NAME] = {"name", AH_JSON_STRING, false, AH_MAX_NAME},
    [U_DEPT] = {"department", AH_JSON_STRING, false, AH_MAX_NAME},
    [U_MANAGER] = {"manager_id", AH_JSON_INT_OR_NULL, false, 0},
    [U_ROLE] = {"role", AH_JSON_STRING, false, 16},
    [U_LEADER] = {"leader", AH_JSON_BOOL, false, 0},
    [U_TZ] = {"timezone", AH_JSON_STRING, false, 64},
    [U_ACTIVE] = {"active", AH_JSON_BOOL, false, 0},
    [U_START] = {"start_date", AH_JSON_STRING, false, 10},
    [U_LEVEL] = {"level", AH_JSON_STRING, false, 16},
};

static bool parse_level(struct ah_req *r, const struct ah_json_value *v, struct ah_person_input *in)
{
    enum ah_level l;

    if (!v->present)
        return true;
    if (!ah_level_parse(v->s.p, v->s.len, &l)) {
        ah_http_reply_fail(r, AH_E_INVALID, "level must be trainee, junior or tier1");
        return false;
    }
    in->level = (int)l;
    return true;
}

/* Moves decoded values into in; false (and a reply) on a bad role. */
static bool to_input(struct ah_req *r, const struct ah_json_value *name,
                     const struct ah_json_value *dept, const struct ah_json_value *manager,
                     const struct ah_json_value *role, const struct ah_json_value *leader,
                     const struct ah_json_value *tz, const struct ah_json_value *active,
                     const struct ah_json_value *start, struct ah_person_input *in)
{
    if (start->present && !ah_day_parse(start->s, &in->start_day)) {
        ah_http_reply_fail(r, AH_E_INVALID, "start_date must be a date like 2026-11-30");
        return false;
    }
    if (name->present)
        in->name = name->s;
    if (dept->present)
        in->department = dept->s;
    if (tz->present)
        in->timezone = tz->s;
    if (manager->present) {
        in->has_manager = true;
        in->manager_id = manager->is_null ? 0 : manager->i;
    }
    if (role->present) {
        enum ah_role ro;

        if (!ah_people_role_parse(role->s, &ro)) {
            ah_http_reply_fail(r, AH_E_INVALID, "role must be member, pro, lead or admin");
            return false;
        }
        in->role = (int)ro;
    }
    if (leader->present)
        in->leader = leader->b;
    if (active->present)
        in->active = active->b;
    return true;
}

void ah_api_people_create(struct ah_req *r)
{
    struct ah_json_value v[F_N];
    struct ah_person_input in;
    struct ah_person p;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_people_create_fields, F_N, v))
        return;
    ah_person_input_init(&in);
    in.email = v[F_EMAIL].s;
    if (v[F_PASSWORD].present)
        in.password = v[F_PASSWORD].s;
    if (!to_input(r, &v[F_NAME], &v[F_DEPT], &v[F_MANAGER], &v[F_ROLE], &v[F_LEADER], &v[F_TZ],
                  &v[F_ACTIVE], &v[F_START], &in) ||
        !parse_level(r, &v[F_LEVEL], &in))
        return;
    if (ah_people_create(&r->cx, &in, &p, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_person(ah_http_body(r), &p);
    ah_http_reply_body(r, 201);
}

void ah_api_people_update(struct ah_req *r)
{
    struct ah_json_value v[U_N];
    struct ah_person_input in;
    struct ah_person p;
    int64_t *missing = NULL;
    size_t nmissing = 0;
    struct ah_error err;

    if (!ah_api_body(r, update_fields, U_N, v))
        return;
    ah_person_input_init(&in);
    if (!to_input(r, &v[U_NAME], &v[U_DEPT], &v[U_MANAGER], &v[U_ROLE], &v[U_LEADER], &v[U_TZ],
                  &v[U_ACTIVE], &v[U_START], &in) ||
        !parse_level(r, &v[U_LEVEL], &in))
        return;
    if (ah_people_update_ex(&r->cx, r->id, &in, &p, &missing, &nmissing, &err)) {
        if (err.code == AH_E_INVALID && nmissing) {
            struct ah_buf extra;

            ah_buf_init(&extra, 4096);
            ah_buf_appends(&extra, "\"field\":\"level\",\"missing\":[", NULL);
            for (size_t i = 0; i < nmissing; i++) {
                char num[24];

                snprintf(num, sizeof(num), "%s%" PRId64, i ? "," : "", missing[i]);
                ah_buf_appends(&extra, num, NULL);
            }
            ah_buf_appends(&extra, "]", NULL);
            ah_http_reply_error(r, &err, ah_buf_cstr(&extra));
            ah_buf_release(&extra);
            return;
        }
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_person(ah_http_body(r), &p);
    ah_http_reply_body(r, 200);
}

void ah_api_people_get(struct ah_req *r)
{
    struct ah_person p;
    struct ah_error err;

    if (ah_people_get(&r->cx, r->id, &p, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_person(ah_http_body(r), &p);
    ah_http_reply_body(r, 200);
}

void ah_api_people_list(struct ah_req *r)
{
    struct ah_person *items;
    size_t n;
    int limit;
    int64_t cursor;
    struct ah_error err;

    if (!ah_api_page(r, &limit, &cursor))
        return;
    if (ah_people_list(&r->cx, cursor, limit, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_person,
                       ah_http_id_cursor(r, n ? items[n - 1].id : 0, n, limit));
}
