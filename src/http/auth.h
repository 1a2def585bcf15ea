/* auth.h - finding the secret in a request: the session cookie or a Bearer
 * token. Pure parsers of untrusted header text, fuzzed in tests/fuzz. */
#ifndef AH_HTTP_AUTH_H
#define AH_HTTP_AUTH_H

#include <stdbool.h>

#include "core/str.h"

#define AH_SESSION_COOKIE "ah_session"

/* The value of cookie name in a Cookie header ("a=1; ah_session=xyz"), or
 * the null view. Headers over AH_MAX_HEADER give the null view. */
struct ah_str ah_auth_cookie(struct ah_str header, const char *name);
/* The token of "Bearer <token>" (scheme case-insensitive), or the null view. */
struct ah_str ah_auth_bearer(struct ah_str header);

#endif
