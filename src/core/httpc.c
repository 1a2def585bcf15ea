/* httpc.c - webhook POSTs with libcurl (see httpc.h). One easy handle per
 * call: deliveries are a few a minute, not a hot path. */
#include "core/httpc.h"

#include <curl/curl.h>
#include <stdbool.h>

/* the response body is not read: only the status matters */
static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

enum ah_err ah_httpc_init(struct ah_error *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ah_error_set(err, AH_E_INTERNAL, "libcurl did not initialize");
    return AH_OK;
}

enum ah_err ah_httpc_post(const char *url, const char *const *headers, size_t nheaders,
                          const char *body, size_t len, long *status, struct ah_error *err)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL, *next;
    CURLcode rc = CURLE_OK;
    bool ok = true;

    *status = 0;
    if (!c)
        return ah_error_set(err, AH_E_INTERNAL, "libcurl: out of memory");
    next = curl_slist_append(h, "Content-Type: application/json");
    ok = next != NULL;
    h = next ? next : h;
    for (size_t i = 0; ok && i < nheaders && i < AH_HTTPC_MAX_HEADERS; i++) {
        next = curl_slist_append(h, headers[i]);
        ok = next != NULL;
        h = next ? next : h;
    }
    /* no "Expect: 100-continue" round trip for a small body */
    next = ok ? curl_slist_append(h, "Expect:") : NULL;
    ok = next != NULL;
    h = next ? next : h;
    if (!ok) {
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        return ah_error_set(err, AH_E_INTERNAL, "libcurl: out of memory");
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)AH_HTTPC_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "allhands-webhook/1");
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        return ah_error_set(err, AH_E_UNAVAILABLE, "%s", curl_easy_strerror(rc));
    return AH_OK;
}
