/* access.c - sessions and API tokens. Owns session lifetime, the rule that a
 * deactivated person's credentials stop working at once, and renewal of the
 * queue lease by activity. */
#include "domain/access.h"

#include <pthread.h>
#include <string.h>

#include "core/limits.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/program.h"

/* renew the session and the lease at most this often, so reads stay reads */
#define TOUCH_EVERY_MS (60 * 1000)

static char dummy_hash[AH_PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
    ah_crypto_password_hash(AH_STR_LIT("no such person, no such password"), dummy_hash, NULL);
}

enum ah_err ah_access_login(struct ah_ctx *cx, struct ah_str email, struct ah_str password,
                            char token[AH_SECRET_MAX], struct ah_person *who,
                            struct ah_error *err)
{
    struct ah_person p;
    const char *hash = NULL;
    struct ah_credential c = {0};
    char secret[AH_SECRET_MAX], h[AH_HASH_HEX];
    bool found;
    enum ah_err rc;

    if (email.len > AH_MAX_EMAIL || password.len > AH_MAX_PASSWORD)
        return ah_error_set(err, AH_E_UNAUTHENTICATED, "email or password is wrong");
    rc = ah_store_person_get_by_email(cx->store, email, cx->arena, &p, &hash, err);
    if (rc && rc != AH_E_NOT_FOUND)
        return rc;
    found = rc == AH_OK && hash && p.active;
    pthread_once(&dummy_once, dummy_init);
    /* verify against a dummy when there is no such person, so timing does not
     * tell which emails exist */
    if (!ah_crypto_password_verify(found ? hash : dummy_hash, password) || !found)
        return ah_error_set(err, AH_E_UNAUTHENTICATED, "email or password is wrong");
    ah_crypto_token("ahs_", secret, sizeof(secret));
    ah_crypto_token_hash(ah_str_c(secret), h);
    c.person_id = p.id;
    c.kind = AH_CRED_SESSION;
    c.name = "session";
    c.created_at = c.last_used_at = cx->now;
    c.expires_at = cx->now + cx->settings->session_idle_ms;
    rc = ah_store_begin(cx->store, err);
    if (!rc)
        rc = ah_store_end(cx->store, ah_store_cred_insert(cx->store, &c, h, err), err);
    if (!rc) {
        memcpy(token, secret, sizeof(secret));
        *who = p;
    }
    ah_crypto_wipe(secret, sizeof(secret));
    return rc;
}

enum ah_err ah_access_login_allowed(struct ah_ctx *cx, const char *client, struct ah_error *err)
{
    int64_t n = 0;
    enum ah_err rc = ah_store_login_failures(cx->store, client, cx->now - 60000, &n, err);

    if (rc)
        return rc;
    if (n >= AH_LOGIN_BURST)
        return ah_error_set(err, AH_E_RATE_LIMITED,
                            "too many failed sign-ins from your address: wait a minute");
    return AH_OK;
}

void ah_access_login_failed(struct ah_ctx *cx, const char *client)
{
    /* a failure to count a failure must not change the answer */
    if (ah_store_begin(cx->store, NULL))
        return;
    ah_store_end(cx->store, ah_store_login_failure_add(cx->store, client, cx->now, NULL), NULL);
}

static bool looks_like_secret(struct ah_str s, enum ah_cred_kind kind)
{
    return s.len == 4 + AH_TOKEN_CHARS &&
           memcmp(s.p, kind == AH_CRED_SESSION ? "ahs_" : "aht_", 4) == 0;
}

/* Extends the session and the person's claim; at most once a minute. */
static void touch(struct ah_ctx *cx, const struct ah_credential *c)
{
    int64_t every = cx->settings->lease_ms / 4;
    if (every > TOUCH_EVERY_MS)
        every = TOUCH_EVERY_MS;
    enum ah_err rc;

    if (cx->now - c->last_used_at < every)
        return;
    /* failures here cost a renewal, not the request: a busy database must not
     * turn a read into an error */
    if (ah_store_begin(cx->store, NULL))
        return;
    rc = ah_store_cred_touch(cx->store, c->id, cx->now,
                             c->kind == AH_CRED_SESSION ? cx->now + cx->settings->session_idle_ms
                                                        : 0,
                             NULL);
    if (!rc)
        rc = ah_store_queue_renew(cx->store, c->person_id, cx->now,
                                  cx->now + cx->settings->lease_ms, NULL);
    ah_store_end(cx->store, rc, NULL);
}

enum ah_err ah_access_resolve(struct ah_ctx *cx, struct ah_str secret, enum ah_cred_kind kind,
                              struct ah_person *who, struct ah_credential *cred,
                              struct ah_error *err)
{
    char h[AH_HASH_HEX];
    enum ah_err rc;

    if (!looks_like_secret(secret, kind))
        return ah_error_set(err, AH_E_UNAUTHENTICATED, "session or token is not valid");
    ah_crypto_token_hash(secret, h);
    rc = ah_store_cred_lookup(cx->store, h, cx->arena, cred, who, err);
    if (rc == AH_E_NOT_FOUND || (!rc && cred->kind != kind))
        return ah_error_set(err, AH_E_UNAUTHENTICATED, "session or token is not valid");
    if (rc)
        return rc;
    if (cred->expires_at && cred->expires_at <= cx->now)
        return ah_error_set(err, AH_E_UNAUTHENTICATED, "session expired: sign in again");
    if (!who->active)
        return ah_error_set(err, AH_E_UNAUTHENTICATED, "this account is deactivated");
    touch(cx, cred);
    /* activity keeps queue time counting; like touch, never fails the request
     * (the upkeep ends idle sessions on its own) */
    ah_clock_touch(cx, cred, NULL);
    return AH_OK;
}

enum ah_err ah_access_logout(struct ah_ctx *cx, const struct ah_credential *cred,
                             struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    if (cred->kind != AH_CRED_SESSION)
        return ah_error_set(err, AH_E_BAD_REQUEST, "an API token is revoked, not logged out");
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    return ah_store_end(cx->store, ah_store_cred_delete(cx->store, cred->id, cred->person_id, err),
                        err);
}

static enum ah_err count_tokens(struct ah_ctx *cx, int64_t person_id, struct ah_error *err)
{
    struct ah_credential *items;
    size_t n = 0;
    enum ah_err rc = ah_store_cred_list(cx->store, person_id, AH_CRED_TOKEN, cx->arena, &items,
                                        &n, err);

    if (!rc && n >= AH_MAX_TOKENS)
        return ah_error_set(err, AH_E_INVALID, "you have %d API tokens: revoke one first",
                            AH_MAX_TOKENS);
    return rc;
}

enum ah_err ah_access_token_create(struct ah_ctx *cx, int64_t person_id, struct ah_str name,
                                   char token[AH_SECRET_MAX], struct ah_credential *out,
                                   struct ah_error *err)
{
    struct ah_credential c = {0};
    char secret[AH_SECRET_MAX], h[AH_HASH_HEX];
    bool in_tx = false;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    if (!cx->system)
        person_id = cx->actor->id;
    name = ah_str_trim(name);
    if (name.len == 0 || name.len > AH_MAX_NAME)
        return ah_error_set(err, AH_E_INVALID, "name must be 1 to %d bytes", AH_MAX_NAME);
    ah_crypto_token("aht_", secret, sizeof(secret));
    ah_crypto_token_hash(ah_str_c(secret), h);
    c.person_id = person_id;
    c.kind = AH_CRED_TOKEN;
    c.name = ah_arena_strndup(cx->arena, name.p, name.len);
    c.created_at = cx->now; /* last_used_at 0: never used */
    rc = ah_store_begin(cx->store, err);
    if (rc)
        goto cleanup;
    in_tx = true;
    rc = count_tokens(cx, person_id, err);
    if (!rc)
        rc = ah_store_cred_insert(cx->store, &c, h, err);
    if (!rc)
        rc = ah_audit_record(cx, "token.create", ah_audit_target(cx, "person", person_id), NULL,
                             NULL, err);
    if (!rc)
        rc = ah_store_commit(cx->store, err);
    if (!rc) {
        memcpy(token, secret, sizeof(secret));
        *out = c;
    }
cleanup:
    if (rc && in_tx)
        ah_store_rollback(cx->store);
    ah_crypto_wipe(secret, sizeof(secret));
    return rc;
}

enum ah_err ah_access_token_list(struct ah_ctx *cx, struct ah_credential **items, size_t *n,
                                 struct ah_error *err)
{
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (rc)
        return rc;
    return ah_store_cred_list(cx->store, cx->actor->id, AH_CRED_TOKEN, cx->arena, items, n, err);
}

enum ah_err ah_access_token_revoke(struct ah_ctx *cx, int64_t id, struct ah_error *err)
{
    struct ah_credential *items;
    size_t n;
    bool mine = false;
    enum ah_err rc = ah_access_token_list(cx, &items, &n, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        mine |= items[i].id == id;
    if (!mine)
        return ah_error_set(err, AH_E_NOT_FOUND, "you have no token %lld", (long long)id);
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_cred_delete(cx->store, id, cx->actor->id, err);
    if (!rc)
        rc = ah_audit_record(cx, "token.revoke", ah_audit_target(cx, "token", id), NULL, NULL,
                             err);
    return ah_store_end(cx->store, rc, err);
}

enum ah_err ah_access_purge(struct ah_ctx *cx, struct ah_error *err)
{
    bool leader = false;
    enum ah_err rc = ah_store_begin(cx->store, err);

    if (rc)
        return rc;
    rc = ah_store_try_lead(cx->store, &leader, err);
    if (!rc && leader)
        rc = ah_store_cred_purge(cx->store, cx->now, err);
    return ah_store_end(cx->store, rc, err);
}

void ah_access_csrf(struct ah_str session_secret, char out[AH_HASH_HEX])
{
    ah_crypto_derive("allhands csrf token v1", session_secret, out);
}
