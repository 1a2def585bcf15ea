/* api_session.c - /api/v1/session and /api/v1/tokens: signing in and out,
 * and API tokens. */
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "domain/access.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/server.h"

/* {"person":..., "csrf":...}: who is signed in, and the token their page
 * sends back with every change */
static void reply_session(struct ah_req *r, const struct ah_person *p, struct ah_str secret)
{
    char csrf[AH_HASH_HEX] = "";
    struct ah_buf *b = ah_http_body(r);

    if (secret.len > 4 && memcmp(secret.p, "ahs_", 4) == 0)
        ah_access_csrf(secret, csrf);
    ah_buf_appends(b, "{\"person\":", NULL);
    ah_json_put_person(b, p);
    ah_buf_appends(b, ",\"csrf\":", NULL);
    ah_json_put_str(b, csrf);
    ah_buf_appends(b, "}", NULL);
    ah_http_reply_body(r, 200);
}

const struct ah_json_field ah_api_session_create_fields[] = {
    {"email", AH_JSON_STRING, true, AH_MAX_EMAIL},
    {"password", AH_JSON_STRING, true, AH_MAX_PASSWORD},
};
const size_t ah_api_session_create_nfields = 2;

void ah_api_session_create(struct ah_req *r)
{
    struct ah_json_value v[2];
    struct ah_person who;
    struct ah_error err;
    char token[AH_SECRET_MAX];
    char *cookie;

    if (ah_access_login_allowed(&r->cx, r->client, &err)) {
        if (err.code == AH_E_RATE_LIMITED)
            ah_metrics_count(ah_server_metrics(r->srv), AH_COUNT_LOGIN_THROTTLED, 1);
        ah_api_fail(r, &err);
        return;
    }
    if (!ah_api_body(r, ah_api_session_create_fields, 2, v))
        return;
    if (ah_access_login(&r->cx, v[0].s, v[1].s, token, &who, &err)) {
        if (err.code == AH_E_UNAUTHENTICATED) {
            ah_metrics_count(ah_server_metrics(r->srv), AH_COUNT_LOGIN_FAILURES, 1);
            ah_access_login_failed(&r->cx, r->client);
        }
        ah_api_fail(r, &err);
        return;
    }
    ah_metrics_count(ah_server_metrics(r->srv), AH_COUNT_LOGINS, 1);
    cookie = ah_arena_alloc(&r->arena, 160);
    snprintf(cookie, 160, AH_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld",
             token, (long long)(r->cx.settings->session_idle_ms / 1000));
    ah_http_reply_header(r, "Set-Cookie", cookie);
    reply_session(r, &who, ah_str_c(token));
    ah_crypto_wipe(token, sizeof(token));
}

void ah_api_session_get(struct ah_req *r)
{
    reply_session(r, &r->actor, r->secret);
}

void ah_api_session_delete(struct ah_req *r)
{
    struct ah_error err;

    if (ah_access_logout(&r->cx, &r->cred, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_header(r, "Set-Cookie",
                         AH_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    ah_http_reply_empty(r, 204);
}

void ah_api_tokens_create(struct ah_req *r)
{
    static const struct ah_json_field fields[] = {{"name", AH_JSON_STRING, true, AH_MAX_NAME}};
    struct ah_json_value v[1];
    struct ah_credential c;
    struct ah_error err;
    char token[AH_SECRET_MAX];

    if (!ah_api_body(r, fields, 1, v))
        return;
    if (ah_access_token_create(&r->cx, 0, v[0].s, token, &c, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_json_put_credential(ah_http_body(r), &c, token);
    ah_crypto_wipe(token, sizeof(token));
    ah_http_reply_body(r, 201);
}

void ah_api_tokens_list(struct ah_req *r)
{
    struct ah_credential *items;
    size_t n;
    struct ah_error err;

    if (ah_access_token_list(&r->cx, &items, &n, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_page(r, items, n, sizeof(*items), ah_json_item_credential, NULL);
}

void ah_api_tokens_delete(struct ah_req *r)
{
    struct ah_error err;

    if (ah_access_token_revoke(&r->cx, r->id, &err)) {
        ah_api_fail(r, &err);
        return;
    }
    ah_http_reply_empty(r, 204);
}
