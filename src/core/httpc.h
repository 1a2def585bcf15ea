/* httpc.h - the one outgoing HTTP request allhands makes: a JSON POST to a
 * webhook, with libcurl. Nothing else sees libcurl. */
#ifndef AH_CORE_HTTPC_H
#define AH_CORE_HTTPC_H

#include <stddef.h>

#include "core/err.h"

/* How long one delivery may take, connecting included. */
#define AH_HTTPC_TIMEOUT_MS 5000
/* Headers a POST carries besides Content-Type. */
#define AH_HTTPC_MAX_HEADERS 8

/* Initializes libcurl once per process (before any thread posts). */
enum ah_err ah_httpc_init(struct ah_error *err);

/* POSTs body as application/json to url (http or https only, no redirects
 * followed) with headers ("Name: value"). *status is the response's HTTP
 * status, 0 if none came. AH_E_UNAVAILABLE when the receiver could not be
 * reached or timed out; the status decides the rest (the caller's call). */
enum ah_err ah_httpc_post(const char *url, const char *const *headers, size_t nheaders,
                          const char *body, size_t len, long *status, struct ah_error *err);

#endif
