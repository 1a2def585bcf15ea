/* access.h - signing in: password sessions and API tokens. Both are 256-bit
 * random secrets handed out once; the store keeps only their hash. */
#ifndef AH_DOMAIN_ACCESS_H
#define AH_DOMAIN_ACCESS_H

#include "core/crypto.h"
#include "domain/ctx.h"

/* "ahs_" or "aht_" + 43 base64url chars + NUL */
#define AH_SECRET_MAX 64

/* Checks email and password; on success opens a session and writes its
 * secret to token. AH_E_UNAUTHENTICATED with one message whether the email
 * or the password was wrong. The caller rate-limits attempts. */
enum ah_err ah_access_login(struct ah_ctx *cx, struct ah_str email, struct ah_str password,
                            char token[AH_SECRET_MAX], struct ah_person *who,
                            struct ah_error *err);
/* AH_E_RATE_LIMITED when client (an address) failed to log in AH_LOGIN_BURST
 * times in the last minute. Only failures count, so an office behind one
 * address can still sign in; the count lives in the store, so it holds
 * across servers. */
enum ah_err ah_access_login_allowed(struct ah_ctx *cx, const char *client, struct ah_error *err);
/* Counts a failed login from client. */
void ah_access_login_failed(struct ah_ctx *cx, const char *client);
/* The person a session or API token belongs to, if it is valid, unexpired and
 * the person active, and of the kind expected (a session secret is no API
 * token: it must come as a cookie, where the CSRF check applies). Renews the session and the person's queue lease at most
 * once a minute (activity keeps a claim alive). AH_E_UNAUTHENTICATED otherwise. */
enum ah_err ah_access_resolve(struct ah_ctx *cx, struct ah_str secret, enum ah_cred_kind kind,
                              struct ah_person *who, struct ah_credential *cred,
                              struct ah_error *err);
/* Ends the session cx's actor signed in with. */
enum ah_err ah_access_logout(struct ah_ctx *cx, const struct ah_credential *cred,
                             struct ah_error *err);
/* A new API token for cx's actor (or for person_id when cx is the command line). */
enum ah_err ah_access_token_create(struct ah_ctx *cx, int64_t person_id, struct ah_str name,
                                   char token[AH_SECRET_MAX], struct ah_credential *out,
                                   struct ah_error *err);
enum ah_err ah_access_token_list(struct ah_ctx *cx, struct ah_credential **items, size_t *n,
                                 struct ah_error *err);
enum ah_err ah_access_token_revoke(struct ah_ctx *cx, int64_t id, struct ah_error *err);
/* Deletes expired sessions (background upkeep). */
enum ah_err ah_access_purge(struct ah_ctx *cx, struct ah_error *err);
/* The CSRF token that goes with a session secret (a keyed hash of it). */
void ah_access_csrf(struct ah_str session_secret, char out[AH_HASH_HEX]);

#endif
