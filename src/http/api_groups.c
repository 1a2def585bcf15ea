/* api_groups.c - /api/v1/groups (repeated questions), a ticket's similar
 * tickets and its group, and /api/v1/fixes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "domain/groups.h"
#include "domain/program.h"
#include "http/api.h"
#include "http/router.h"

static void reply_group(struct ah_req *r, const struct ah_group_view *v, int status)
{
    ah_json_put_group(ah_http_body(r), v);
    ah_http_reply_body(r, status);
}

static void reply_fix(struct ah_req *r, const struct ah_fix *f, int status)
{
    ah_json_put_fix(ah_http_body(r), f);
    ah_http_reply_body(r, status);
}

/* ?owner=me or a person id (absent: 0, anyone); replies 400 on junk. */
static bool query_owner(struct ah_req *r, int64_t *owner)
{
    struct ah_str o = ah_router_query(r->query, r->nquery, "owner");

    *owner = 0;
    if (!o.p)
        return true;
    if (ah_str_eq_c(o, "me")) {
        *owner = r->cx.actor ? r->cx.actor->id : 0;
        return true;
    }
    if (ah_parse_i64(o, 1, INT64_MAX, owner, NULL)) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "owner must be me or a person id");
        return false;
    }
    return true;
}

void ah_api_groups_list(struct ah_req *r)
{
    struct ah_qgroup_filter f = {.status = -1};
    struct ah_str status = ah_router_query(r->query, r->nquery, "status");
    struct ah_group_view *items;
    size_t n;
    int64_t limit, offset, fix;
    struct ah_error err;
    char next[24];

    if (!ah_api_query_int(r, "limit", 1, AH_MAX_PAGE, AH_DEFAULT_PAGE, &limit) ||
        !ah_api_query_int(r, "cursor", 0, 1000000, 0, &offset) ||
        !ah_api_query_int(r, "fix", 0, INT64_MAX, 0, &fix) || !query_owner(r, &f.owner_id))
        return;
    if (status.p && !ah_str_eq_c(status, "all") && !ah_group_status_parse(status, &f.status)) {
        ah_http_reply_fail(r, AH_E_BAD_REQUEST, "status must be open, not_product_issue or all");
        return;
    }
    f.limit = (int)limit;
    f.offset = (int)offset;
    f.fix_id = fix;
    if (ah_groups_list(&r->cx, &f, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    snprintf(next, sizeof(next), "%" PRId64, offset + (int64_t)n);
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_group,
                       n == (size_t)limit ? next : NULL);
}

void ah_api_groups_get(struct ah_req *r)
{
    struct ah_group_detail d;
    struct ah_error err;

    if (ah_groups_get(&r->cx, r->id, &d, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_group_detail(ah_http_body(r), &d);
    ah_http_reply_body(r, 200);
}

enum { G_NAME, G_STATUS, G_N };

const struct ah_json_field ah_api_group_fields[] = {
    [G_NAME] = {"name", AH_JSON_STRING, false, AH_GROUP_NAME_MAX * 4},
    [G_STATUS] = {"status", AH_JSON_STRING, false, 40},
};
const size_t ah_api_group_nfields = G_N;

void ah_api_groups_update(struct ah_req *r)
{
    struct ah_json_value v[G_N];
    struct ah_group_patch p;
    struct ah_group_view out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_group_fields, G_N, v))
        return;
    ah_group_patch_init(&p);
    if (v[G_NAME].present)
        p.name = v[G_NAME].s;
    if (v[G_STATUS].present && !ah_group_status_parse(v[G_STATUS].s, &p.status)) {
        ah_http_reply_fail(r, AH_E_INVALID, "status must be open or not_product_issue");
        return;
    }
    if (ah_groups_update(&r->cx, r->id, &p, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_group(r, &out, 200);
}

void ah_api_groups_tickets(struct ah_req *r)
{
    struct ah_qgroup_member *items;
    size_t n;
    int limit;
    int64_t before;
    struct ah_error err;

    if (!ah_api_page(r, &limit, &before))
        return;
    if (ah_groups_members(&r->cx, r->id, before, limit, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_group_member,
                       ah_http_id_cursor(r, n ? items[n - 1].ticket_id : 0, n, limit));
}

enum { M_GROUP, M_N };

const struct ah_json_field ah_api_group_merge_fields[] = {
    [M_GROUP] = {"group_id", AH_JSON_INT, true, 0},
};
const size_t ah_api_group_merge_nfields = M_N;

void ah_api_groups_merge(struct ah_req *r)
{
    struct ah_json_value v[M_N];
    struct ah_group_view out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_group_merge_fields, M_N, v))
        return;
    if (ah_groups_merge(&r->cx, r->id, v[M_GROUP].i, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_group(r, &out, 200);
}

enum { L_FIX, L_TITLE, L_URL, L_OWNER, L_N };

const struct ah_json_field ah_api_group_fix_fields[] = {
    [L_FIX] = {"fix_id", AH_JSON_INT, false, 0},
    [L_TITLE] = {"title", AH_JSON_STRING, false, AH_FIX_TITLE_MAX * 4},
    [L_URL] = {"url", AH_JSON_STRING, false, AH_FIX_URL_MAX},
    [L_OWNER] = {"owner_id", AH_JSON_INT, false, 0},
};
const size_t ah_api_group_fix_nfields = L_N;

void ah_api_groups_fix_link(struct ah_req *r)
{
    struct ah_json_value v[L_N];
    struct ah_fix_input in = {0};
    struct ah_fix out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_group_fix_fields, L_N, v))
        return;
    if (v[L_FIX].present && (v[L_TITLE].present || v[L_URL].present || v[L_OWNER].present)) {
        ah_http_reply_fail(r, AH_E_INVALID,
                           "give fix_id to link an existing fix, or title, url and owner_id "
                           "for a new one, not both");
        return;
    }
    in.fix_id = v[L_FIX].present ? v[L_FIX].i : 0;
    if (v[L_FIX].present && in.fix_id <= 0) {
        ah_http_reply_fail(r, AH_E_INVALID, "fix_id: must be a fix's id");
        return;
    }
    if (v[L_TITLE].present)
        in.title = v[L_TITLE].s;
    if (v[L_URL].present)
        in.url = v[L_URL].s;
    in.owner_id = v[L_OWNER].present ? v[L_OWNER].i : 0;
    if (ah_fix_link(&r->cx, r->id, &in, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_fix(r, &out, 200);
}

void ah_api_groups_fix_unlink(struct ah_req *r)
{
    struct ah_error err;

    if (ah_fix_unlink(&r->cx, r->id, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}

void ah_api_tickets_similar(struct ah_req *r)
{
    struct ah_group_similar s;
    struct ah_error err;

    if (ah_groups_similar(&r->cx, r->id, &s, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_group_similar(ah_http_body(r), r->id, &s);
    ah_http_reply_body(r, 200);
}

enum { T_GROUP, T_N };

const struct ah_json_field ah_api_ticket_group_fields[] = {
    [T_GROUP] = {"group_id", AH_JSON_INT_OR_NULL, true, 0},
};
const size_t ah_api_ticket_group_nfields = T_N;

void ah_api_tickets_move_group(struct ah_req *r)
{
    struct ah_json_value v[T_N];
    struct ah_group_view out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_ticket_group_fields, T_N, v))
        return;
    if (!v[T_GROUP].is_null && v[T_GROUP].i <= 0) {
        ah_http_reply_fail(r, AH_E_INVALID, "group_id: a group's id, or null for a new group");
        return;
    }
    if (ah_groups_move_ticket(&r->cx, r->id, v[T_GROUP].is_null ? 0 : v[T_GROUP].i, &out,
                              &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_group(r, &out, 200);
}

/* A fix with its groups: {..., "groups": [...], "tickets": n, "after_fix": n} */
static void put_fix_groups(struct ah_buf *b, const struct ah_fix *f,
                           const struct ah_group_view *g, const size_t *of, size_t ng, size_t i)
{
    int64_t tickets = 0, after = 0;
    bool first = true;
    struct ah_buf fix;

    /* the fix's object, left open for its groups */
    ah_buf_init(&fix, 64 * 1024);
    ah_json_put_fix(&fix, f);
    ah_buf_append(b, ah_buf_str(&fix).p, ah_buf_str(&fix).len - 1, NULL);
    ah_buf_release(&fix);
    ah_buf_appends(b, ",\"groups\":[", NULL);
    for (size_t j = 0; j < ng; j++) {
        if (of && of[j] != i)
            continue;
        if (!first)
            ah_buf_appends(b, ",", NULL);
        first = false;
        ah_json_put_group(b, &g[j]);
        tickets += g[j].g.size;
        after += g[j].g.after_fix;
    }
    ah_buf_appendf(b, NULL, "],\"tickets\":%" PRId64 ",\"after_fix\":%" PRId64 "}", tickets,
                   after);
}

void ah_api_fixes_list(struct ah_req *r)
{
    struct ah_fix *fixes;
    struct ah_group_view *groups;
    size_t *of, n, ng;
    int64_t owner;
    struct ah_buf *b;
    struct ah_error err;

    if (!query_owner(r, &owner))
        return;
    if (ah_fix_list(&r->cx, owner, &fixes, &n, &groups, &of, &ng, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    b = ah_http_body(r);
    ah_buf_appends(b, "{\"items\":[", NULL);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ah_buf_appends(b, ",", NULL);
        put_fix_groups(b, &fixes[i], groups, of, ng, i);
    }
    ah_buf_appends(b, "],\"next_cursor\":null}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_fixes_get(struct ah_req *r)
{
    struct ah_fix f;
    struct ah_group_view *groups;
    size_t ng;
    struct ah_error err;

    if (ah_fix_get(&r->cx, r->id, &f, &groups, &ng, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    put_fix_groups(ah_http_body(r), &f, groups, NULL, ng, 0);
    ah_http_reply_body(r, 200);
}

enum { F_TITLE, F_URL, F_OWNER, F_STATE, F_SHIPPED, F_N };

const struct ah_json_field ah_api_fix_fields[] = {
    [F_TITLE] = {"title", AH_JSON_STRING, false, AH_FIX_TITLE_MAX * 4},
    [F_URL] = {"url", AH_JSON_STRING, false, AH_FIX_URL_MAX},
    [F_OWNER] = {"owner_id", AH_JSON_INT, false, 0},
    [F_STATE] = {"state", AH_JSON_STRING, false, 20},
    [F_SHIPPED] = {"shipped_at", AH_JSON_STRING, false, 64},
};
const size_t ah_api_fix_nfields = F_N;

void ah_api_fixes_update(struct ah_req *r)
{
    struct ah_json_value v[F_N];
    struct ah_fix_patch p;
    struct ah_fix out;
    struct ah_error err;

    if (!ah_api_body(r, ah_api_fix_fields, F_N, v))
        return;
    ah_fix_patch_init(&p);
    if (v[F_TITLE].present)
        p.title = v[F_TITLE].s;
    if (v[F_URL].present)
        p.url = v[F_URL].s;
    if (v[F_OWNER].present) {
        if (v[F_OWNER].i <= 0) {
            ah_http_reply_fail(r, AH_E_INVALID, "owner_id: must be a person's id");
            return;
        }
        p.owner_id = v[F_OWNER].i;
    }
    if (v[F_STATE].present && !ah_fix_state_parse(v[F_STATE].s, &p.state)) {
        ah_http_reply_fail(r, AH_E_INVALID, "state must be open or shipped");
        return;
    }
    if (v[F_SHIPPED].present) {
        if (p.state != AH_FIX_SHIPPED) {
            ah_http_reply_fail(r, AH_E_INVALID, "shipped_at goes with state \"shipped\"");
            return;
        }
        if (ah_time_parse_in("UTC", "shipped_at", v[F_SHIPPED].s, &p.shipped_at, &err)) {
            ah_api_fail(r, &err);
            return;
        }
    }
    if (ah_fix_update(&r->cx, r->id, &p, &out, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    reply_fix(r, &out, 200);
}
