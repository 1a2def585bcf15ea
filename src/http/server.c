/* server.c - libmicrohttpd glue. Owns the route table, the per-thread store
 * connections, authentication and CSRF checks before any handler runs, body
 * caps, security headers, the request log line and background upkeep. The
 * only file that includes microhttpd.h. */
#include "http/server.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/time.h"
#include "domain/access.h"
#include "domain/mail.h"
#include "domain/program.h"
#include "domain/rules.h"
#include "domain/report.h"
#include "domain/queue.h"
#include "domain/ticket.h"
#include "domain/digest.h"
#include "domain/groups.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/web.h"

#define MAX_STORES 128
#define UPKEEP_EVERY_MS 1000
/* the mail outbox is looked at this often */
#define MAIL_EVERY_MS 1000
/* new tickets are grouped into repeated questions this soon after they arrive */
#define GROUP_EVERY_MS 200
/* a request whose transaction lost a race to another runs at most this often */
#define MAX_ATTEMPTS 3
/* a chunked body past the cap is read and dropped up to this, then cut off */
#define MAX_DISCARD (64 * 1024 * 1024)
#define CSP                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "         \
    "form-action 'self'"

static const struct ah_route routes[] = {
    {"POST", "/api/v1/session", ah_api_session_create, AH_ROUTE_PUBLIC},
    {"GET", "/api/v1/session", ah_api_session_get, 0},
    {"DELETE", "/api/v1/session", ah_api_session_delete, 0},
    {"POST", "/api/v1/tokens", ah_api_tokens_create, 0},
    {"GET", "/api/v1/tokens", ah_api_tokens_list, 0},
    {"DELETE", "/api/v1/tokens/{id}", ah_api_tokens_delete, 0},
    {"GET", "/api/v1/people", ah_api_people_list, 0},
    {"POST", "/api/v1/people", ah_api_people_create, 0},
    {"GET", "/api/v1/people/{id}", ah_api_people_get, 0},
    {"PATCH", "/api/v1/people/{id}", ah_api_people_update, 0},
    {"POST", "/api/v1/tickets", ah_api_tickets_create, 0},
    {"GET", "/api/v1/tickets", ah_api_tickets_list, 0},
    {"GET", "/api/v1/tickets/{id}", ah_api_tickets_get, 0},
    {"PATCH", "/api/v1/tickets/{id}", ah_api_tickets_update, 0},
    {"POST", "/api/v1/tickets/{id}/messages", ah_api_tickets_write, 0},
    {"GET", "/api/v1/queue", ah_api_queue_list, 0},
    {"POST", "/api/v1/queue/next", ah_api_queue_next, 0},
    {"POST", "/api/v1/queue/release", ah_api_queue_release, 0},
    {"POST", "/api/v1/queue/skip", ah_api_queue_skip, 0},
    {"GET", "/api/v1/audit", ah_api_audit_list, 0},
    {"GET", "/api/v1/policy", ah_api_policy_get, 0},
    {"PATCH", "/api/v1/policy", ah_api_policy_update, 0},
    {"GET", "/api/v1/exemptions", ah_api_exemptions_list, 0},
    {"POST", "/api/v1/exemptions", ah_api_exemptions_create, 0},
    {"POST", "/api/v1/exemptions/{id}/end", ah_api_exemptions_end, 0},
    {"GET", "/api/v1/clock", ah_api_clock_get, 0},
    {"POST", "/api/v1/clock/in", ah_api_clock_in, 0},
    {"POST", "/api/v1/clock/out", ah_api_clock_out, 0},
    {"POST", "/api/v1/clock/heartbeat", ah_api_clock_heartbeat, 0},
    {"GET", "/api/v1/people/{id}/ledger", ah_api_ledger, 0},
    {"GET", "/api/v1/people/{id}/sessions", ah_api_work_list, 0},
    {"POST", "/api/v1/people/{id}/sessions", ah_api_work_add, 0},
    {"PATCH", "/api/v1/sessions/{id}", ah_api_work_correct, 0},
    {"GET", "/api/v1/blocks", ah_api_blocks_list, 0},
    {"POST", "/api/v1/blocks", ah_api_blocks_create, 0},
    {"PATCH", "/api/v1/blocks/{id}", ah_api_blocks_update, 0},
    {"DELETE", "/api/v1/blocks/{id}", ah_api_blocks_delete, 0},
    {"POST", "/api/v1/calendar", ah_api_calendar_rotate, 0},
    {"GET", "/api/v1/calendar.ics", ah_api_calendar_feed, AH_ROUTE_PUBLIC},
    {"GET", "/api/v1/support-weeks", ah_api_support_weeks_list, 0},
    {"POST", "/api/v1/support-weeks", ah_api_support_weeks_book, 0},
    {"DELETE", "/api/v1/support-weeks", ah_api_support_weeks_cancel, 0},
    {"GET", "/api/v1/reports/compliance", ah_api_report_compliance, 0},
    {"GET", "/api/v1/coverage", ah_api_coverage, 0},
    {"GET", "/api/v1/notifications", ah_api_notifications_list, 0},
    {"POST", "/api/v1/notifications/{id}/read", ah_api_notifications_read, 0},
    {"GET", "/api/v1/webhooks", ah_api_webhooks_list, 0},
    {"POST", "/api/v1/webhooks", ah_api_webhooks_create, 0},
    {"DELETE", "/api/v1/webhooks/{id}", ah_api_webhooks_delete, 0},
    {"GET", "/api/v1/people/{id}/training", ah_api_people_training, 0},
    {"GET", "/api/v1/levels/suggestions", ah_api_level_suggestions, 0},
    {"POST", "/api/v1/tickets/{id}/escalate", ah_api_tickets_escalate, 0},
    {"GET", "/api/v1/tickets/{id}/similar", ah_api_tickets_similar, 0},
    {"POST", "/api/v1/tickets/{id}/group", ah_api_tickets_move_group, 0},
    {"GET", "/api/v1/groups", ah_api_groups_list, 0},
    {"GET", "/api/v1/groups/{id}", ah_api_groups_get, 0},
    {"PATCH", "/api/v1/groups/{id}", ah_api_groups_update, 0},
    {"GET", "/api/v1/groups/{id}/tickets", ah_api_groups_tickets, 0},
    {"POST", "/api/v1/groups/{id}/merge", ah_api_groups_merge, 0},
    {"PUT", "/api/v1/groups/{id}/fix", ah_api_groups_fix_link, 0},
    {"DELETE", "/api/v1/groups/{id}/fix", ah_api_groups_fix_unlink, 0},
    {"GET", "/api/v1/fixes", ah_api_fixes_list, 0},
    {"GET", "/api/v1/fixes/{id}", ah_api_fixes_get, 0},
    {"PATCH", "/api/v1/fixes/{id}", ah_api_fixes_update, 0},
    {"POST", "/api/v1/escalations", ah_api_escalations_create, 0},
    {"GET", "/api/v1/escalations", ah_api_escalations_list, 0},
    {"GET", "/api/v1/escalations/{id}", ah_api_escalations_get, 0},
    {"GET", "/api/v1/reports/escalations", ah_api_report_escalations, 0},
    {"POST", "/api/v1/tickets/{id}/route-backs", ah_api_route_backs_create, 0},
    {"GET", "/api/v1/tickets/{id}/route-backs", ah_api_route_backs_list, 0},
    {"GET", "/api/v1/reports/route-backs", ah_api_report_route_backs, 0},
    {"POST", "/api/v1/launches", ah_api_launches_create, 0},
    {"GET", "/api/v1/launches", ah_api_launches_list, 0},
    {"GET", "/api/v1/launches/{id}", ah_api_launches_get, 0},
    {"PATCH", "/api/v1/launches/{id}", ah_api_launches_update, 0},
    {"GET", "/api/v1/tickets/{id}/launches", ah_api_tickets_launches, 0},
    {"POST", "/api/v1/tickets/{id}/kudos", ah_api_kudos_create, 0},
    {"GET", "/api/v1/kudos", ah_api_kudos_list, 0},
    {"GET", "/api/v1/digest", ah_api_digest_get, 0},
    {"GET", "/api/v1/digest/chart", ah_api_digest_chart, 0},
    {"GET", "/api/v1/digest/subscription", ah_api_digest_subscription_get, 0},
    {"PUT", "/api/v1/digest/subscription", ah_api_digest_subscription_put, 0},
    {"GET", "/api/v1/attachments/{id}", ah_api_attachments_get, 0},
    {"GET", "/api/v1/routing-rules", ah_api_route_rules_list, 0},
    {"POST", "/api/v1/routing-rules", ah_api_route_rules_create, 0},
    {"PUT", "/api/v1/routing-rules/order", ah_api_route_rules_order, 0},
    {"POST", "/api/v1/routing-rules/test", ah_api_route_rules_test, 0},
    {"PATCH", "/api/v1/routing-rules/{id}", ah_api_route_rules_update, 0},
    {"DELETE", "/api/v1/routing-rules/{id}", ah_api_route_rules_delete, 0},
    {"GET", "/api/v1/style-rules", ah_api_style_rules_list, 0},
    {"POST", "/api/v1/style-rules", ah_api_style_rules_create, 0},
    {"POST", "/api/v1/style-rules/starter", ah_api_style_rules_starter, 0},
    {"PATCH", "/api/v1/style-rules/{id}", ah_api_style_rules_update, 0},
    {"DELETE", "/api/v1/style-rules/{id}", ah_api_style_rules_delete, 0},
    {"POST", "/api/v1/lint", ah_api_lint, 0},
    {"GET", "/api/v1/style-hits", ah_api_style_hits, 0},
    {"GET", "/api/v1/reviews", ah_api_reviews_list, 0},
    {"GET", "/api/v1/reviews/{id}", ah_api_reviews_get, 0},
    {"POST", "/api/v1/reviews/{id}/approve", ah_api_reviews_approve, 0},
    {"POST", "/api/v1/reviews/{id}/return", ah_api_reviews_return, 0},
    {"GET", "/api/v1/modules", ah_api_modules_list, 0},
    {"POST", "/api/v1/modules", ah_api_modules_create, 0},
    {"PATCH", "/api/v1/modules/{id}", ah_api_modules_update, 0},
    {"DELETE", "/api/v1/modules/{id}", ah_api_modules_delete, 0},
    {"POST", "/api/v1/modules/{id}/complete", ah_api_modules_complete, 0},
    {"POST", "/api/v1/pairings", ah_api_pairings_create, 0},
    {"GET", "/api/v1/pairings", ah_api_pairings_list, 0},
    {"GET", "/api/v1/macros", ah_api_macros_list, 0},
    {"POST", "/api/v1/macros", ah_api_macros_create, 0},
    {"PATCH", "/api/v1/macros/{id}", ah_api_macros_update, 0},
    {"DELETE", "/api/v1/macros/{id}", ah_api_macros_delete, 0},
    {"POST", "/api/v1/macros/{id}/render", ah_api_macros_render, 0},
    {"PUT", "/api/v1/test/clock", ah_api_test_clock, 0},
    {"GET", "/healthz", ah_api_ops_health, AH_ROUTE_PUBLIC | AH_ROUTE_NO_STORE},
    {"GET", "/metrics", ah_api_ops_metrics, AH_ROUTE_PUBLIC | AH_ROUTE_NO_STORE},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))
#define SLOT_STATIC NROUTES
#define SLOT_UNMATCHED (NROUTES + 1)

struct ah_server {
    struct MHD_Daemon *daemon;
    struct ah_server_config cfg;
    struct ah_web web;
    struct ah_metrics metrics;
    uint16_t port;
    pthread_mutex_t lock; /* stores */
    struct ah_store *stores[MAX_STORES];
    size_t nstores;
    pthread_t upkeep;
    pthread_t mailer;
    pthread_t grouper;
    pthread_cond_t wake;
    bool stopping;
    struct ah_rules_cache *rules; /* compiled routing rules and style guide */
};

/* one store connection per worker thread, opened on its first request */
static _Thread_local struct ah_store *thread_store;

struct conn {
    struct ah_req req;
    struct ah_buf body;
    char *target; /* the raw request target, as the client sent it */
    bool started;
    bool rejected;  /* answered before the body */
    bool too_large; /* a body without Content-Length grew past the cap */
    size_t discarded;
    int64_t t0;
    char client[48];
};

const struct ah_route *ah_server_routes(size_t *n)
{
    *n = NROUTES;
    return routes;
}

struct ah_metrics *ah_server_metrics(struct ah_server *s)
{
    return &s->metrics;
}

uint16_t ah_server_port(const struct ah_server *s)
{
    return s->port;
}

static enum ah_err get_store(struct ah_server *s, struct ah_store **out, struct ah_error *err)
{
    enum ah_err rc;

    if (thread_store) {
        *out = thread_store;
        return AH_OK;
    }
    pthread_mutex_lock(&s->lock);
    if (s->nstores == MAX_STORES)
        rc = ah_error_set(err, AH_E_INTERNAL, "more than %d worker threads", MAX_STORES);
    else
        rc = ah_store_open(s->cfg.db, false, &thread_store, err);
    if (!rc)
        s->stores[s->nstores++] = thread_store;
    pthread_mutex_unlock(&s->lock);
    if (!rc)
        *out = thread_store;
    return rc;
}

/* ---- per-request steps ---- */

static struct ah_str header(struct MHD_Connection *c, const char *name)
{
    return ah_str_c(MHD_lookup_connection_value(c, MHD_HEADER_KIND, name));
}

static bool unsafe_method(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

/* Signs the request in from its Bearer token or session cookie. */
static enum ah_err authenticate(struct ah_req *r, struct ah_error *err)
{
    bool by_cookie = false;
    enum ah_err rc;

    if (r->authorization.p) {
        r->secret = ah_auth_bearer(r->authorization);
        if (!r->secret.p)
            return ah_error_set(err, AH_E_UNAUTHENTICATED,
                                "Authorization must be 'Bearer <token>'");
    } else {
        r->secret = ah_auth_cookie(r->cookie, AH_SESSION_COOKIE);
        by_cookie = true;
    }
    if (!r->secret.p)
        return ah_error_set(err, AH_E_UNAUTHENTICATED, "sign in first");
    rc = ah_access_resolve(&r->cx, r->secret, by_cookie ? AH_CRED_SESSION : AH_CRED_TOKEN,
                           &r->actor, &r->cred, err);
    if (rc)
        return rc;
    r->cx.actor = &r->actor;
    if (by_cookie && unsafe_method(r->method)) {
        char want[AH_HASH_HEX];

        /* a cross-site page can send the cookie but cannot read this token */
        ah_access_csrf(r->secret, want);
        if (!r->csrf.p || !ah_crypto_equal(r->csrf, ah_str_c(want)))
            return ah_error_set(err, AH_E_FORBIDDEN,
                                "X-CSRF-Token is missing or wrong: reload the page");
    }
    return AH_OK;
}

static bool json_body_ok(struct ah_req *r, struct ah_error *err)
{
    struct ah_str ct = r->content_type;

    if (r->body.len == 0)
        return true;
    if (ct.len >= 16 && ah_str_ieq_c((struct ah_str){ct.p, 16}, "application/json"))
        return true;
    ah_error_set(err, AH_E_BAD_REQUEST, "send the body as Content-Type: application/json");
    return false;
}

static void serve_static(struct ah_server *s, struct ah_req *r)
{
    const struct ah_web_file *f = ah_web_find(&s->web, r->path);

    if (!f || strcmp(r->method, "GET") != 0) {
        ah_http_reply_fail(r, AH_E_NOT_FOUND, "no such page");
        return;
    }
    r->status = 200;
    r->out = f->data;
    r->out_len = f->len;
    r->out_static = true;
    r->out_type = f->type;
    ah_http_reply_header(r, "Cache-Control", "no-cache");
}

static void reset_reply(struct ah_req *r)
{
    if (r->out && !r->out_static)
        free(r->out);
    r->out = NULL;
    r->out_len = 0;
    r->out_static = false;
    r->out_type = NULL;
    r->nheaders = 0;
    r->status = 500;
    ah_buf_reset(&r->body_out);
}

static void dispatch(struct ah_server *s, struct MHD_Connection *c, struct conn *cn,
                     const char *method, size_t *slot)
{
    struct ah_req *r = &cn->req;
    struct ah_error err = {0};
    enum ah_err rc;

    r->method = method;
    r->srv = s;
    r->client = cn->client;
    r->body = ah_buf_str(&cn->body);
    r->content_type = header(c, "Content-Type");
    r->cookie = header(c, "Cookie");
    r->authorization = header(c, "Authorization");
    r->csrf = header(c, "X-CSRF-Token");
    *slot = SLOT_UNMATCHED;
    rc = ah_router_parse_target(ah_str_c(cn->target), &r->arena, &r->path, r->query, &r->nquery,
                                &err);
    if (!rc)
        rc = ah_router_match(routes, NROUTES, method, r->path, &r->route, &r->id, &err);
    if (rc == AH_E_NOT_FOUND && !(r->path.len >= 5 && memcmp(r->path.p, "/api/", 5) == 0) &&
        strcmp(method, "GET") == 0) {
        *slot = SLOT_STATIC;
        serve_static(s, r);
        return;
    }
    if (!rc) {
        *slot = (size_t)(r->route - routes);
        rc = get_store(s, &r->cx.store, &err);
        if (rc == AH_E_UNAVAILABLE && (r->route->flags & AH_ROUTE_NO_STORE))
            rc = AH_OK;
    }
    r->cx.arena = &r->arena;
    r->cx.now = ah_clock_now();
    r->cx.settings = &s->cfg.settings;
    r->cx.rules = s->rules;
    if (!rc && !(r->route->flags & AH_ROUTE_PUBLIC))
        rc = authenticate(r, &err);
    if (!rc && !json_body_ok(r, &err))
        rc = err.code;
    if (rc) {
        ah_api_fail(r, &err);
        return;
    }
    for (int attempt = 1;; attempt++) {
        r->route->handler(r);
        /* a transaction that lost a race was rolled back whole: run it again */
        if (r->status != 503 || attempt == MAX_ATTEMPTS || !ah_ctx_should_retry(&r->cx))
            break;
        ah_log(AH_LOG_INFO, "http.retry", "route=%s attempt=%d", r->route->pattern, attempt);
        reset_reply(r);
    }
}

static void add_headers(struct MHD_Response *resp, const struct ah_req *r)
{
    bool own_csp = false;

    /* a handler may narrow the policy for its page (the digest's, styled inline) */
    for (size_t i = 0; i < r->nheaders; i++)
        own_csp |= strcmp(r->headers[i][0], "Content-Security-Policy") == 0;
    if (!own_csp)
        MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (r->out_type)
        MHD_add_response_header(resp, "Content-Type", r->out_type);
    if (!r->out_static)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    for (size_t i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct ah_req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ok;

    if (r->out && !r->out_static) {
        resp = MHD_create_response_from_buffer(r->out_len, r->out, MHD_RESPMEM_MUST_FREE);
        r->out = NULL; /* libmicrohttpd frees it */
    } else {
        resp = MHD_create_response_from_buffer(r->out_len, r->out ? r->out : (char *)"",
                                               MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    add_headers(resp, r);
    ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void log_request(struct ah_server *s, const char *method, const struct conn *cn,
                        size_t slot)
{
    int64_t us = ah_time_mono_us() - cn->t0;
    size_t plen = strcspn(cn->target, "?");

    ah_metrics_request(&s->metrics, slot, cn->req.status, us);
    if (cn->req.status == 503)
        ah_metrics_count(&s->metrics, AH_COUNT_DB_UNAVAILABLE, 1);
    ah_log(AH_LOG_INFO, "http.request", "method=%s path=%.*s status=%d us=%" PRId64
                                        " actor=%" PRId64,
           method, (int)(plen > 200 ? 200 : plen), cn->target, cn->req.status, us,
           cn->req.cx.actor ? cn->req.cx.actor->id : 0);
}

static enum MHD_Result reject_large(struct ah_server *s, struct MHD_Connection *c,
                                    struct conn *cn, const char *method, size_t cap)
{
    char msg[96];

    snprintf(msg, sizeof(msg), "the request body is larger than %zu bytes", cap);
    cn->rejected = true;
    ah_http_reply_fail(&cn->req, AH_E_TOO_LARGE, msg);
    log_request(s, method, cn, SLOT_UNMATCHED);
    return send_reply(c, &cn->req);
}

/* Behind a load balancer every request comes from its address; when the
 * peer is the trusted proxy, the client is the last address it appended to
 * X-Forwarded-For (earlier entries come from the client and prove nothing). */
static void forwarded_client(const struct ah_server *s, struct MHD_Connection *c,
                             char *client, size_t size)
{
    struct ah_str xff = header(c, "X-Forwarded-For");
    const char *comma;
    struct ah_str last;

    if (!s->cfg.trusted_proxy || strcmp(client, s->cfg.trusted_proxy) != 0 || !xff.p ||
        xff.len > AH_MAX_HEADER)
        return;
    comma = memrchr(xff.p, ',', xff.len);
    last = comma ? (struct ah_str){comma + 1, xff.len - (size_t)(comma + 1 - xff.p)} : xff;
    last = ah_str_trim(last);
    if (last.len == 0 || last.len >= size || last.len > 45)
        return;
    for (size_t i = 0; i < last.len; i++) {
        char ch = last.p[i];

        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') ||
              ch == '.' || ch == ':'))
            return; /* not an address: keep the proxy's */
    }
    memcpy(client, last.p, last.len);
    client[last.len] = '\0';
}

static size_t body_cap(struct MHD_Connection *c)
{
    /* before sign-in the only body is a login: keep it tiny */
    if (header(c, "Authorization").p || header(c, "Cookie").p)
        return AH_MAX_BODY;
    return AH_MAX_BODY_ANON;
}

static struct conn *conn_new(const char *target)
{
    struct conn *cn = ah_xcalloc(1, sizeof(*cn));

    cn->target = ah_xstrdup(target ? target : "/");
    ah_arena_init(&cn->req.arena);
    ah_buf_init(&cn->body, AH_MAX_BODY);
    ah_buf_init(&cn->req.body_out, AH_MAX_RESPONSE);
    cn->req.status = 500;
    return cn;
}

static enum MHD_Result start(struct ah_server *s, struct MHD_Connection *c, struct conn *cn,
                             const char *method)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    struct ah_str len = header(c, "Content-Length");
    size_t cap = body_cap(c);
    int64_t n = 0;

    cn->started = true;
    cn->t0 = ah_time_mono_us();
    snprintf(cn->client, sizeof(cn->client), "unknown");
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
                  cn->client, sizeof(cn->client));
    else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6,
                  &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
                  cn->client, sizeof(cn->client));
    forwarded_client(s, c, cn->client, sizeof(cn->client));
    ah_buf_init(&cn->body, cap);
    /* a declared size over the cap is refused before a byte of it is read */
    if (len.p && (ah_parse_i64(len, 0, INT64_MAX, &n, NULL) || (uint64_t)n > cap))
        return reject_large(s, c, cn, method, cap);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct ah_server *s = cls;
    struct conn *cn = *con_cls;
    size_t slot = SLOT_UNMATCHED;

    (void)version;
    if (!cn)
        *con_cls = cn = conn_new(url);
    if (!cn->started)
        return start(s, c, cn, method);
    if (*upload_size) {
        size_t n = *upload_size;

        *upload_size = 0;
        if (cn->too_large) {
            /* libmicrohttpd cannot answer mid-body: drain, within reason */
            cn->discarded += n;
            return cn->discarded > MAX_DISCARD ? MHD_NO : MHD_YES;
        }
        if (ah_buf_append(&cn->body, upload_data, n, NULL))
            cn->too_large = true;
        return MHD_YES;
    }
    if (cn->rejected)
        return MHD_YES;
    if (cn->too_large)
        return reject_large(s, c, cn, method, cn->body.max);
    /* answered on this second call, never the first: libmicrohttpd 0.9.75 ends
     * keep-alive when the first call queues a response */
    dispatch(s, c, cn, method, &slot);
    log_request(s, method, cn, slot);
    return send_reply(c, &cn->req);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    return conn_new(uri);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn *cn = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (!cn)
        return;
    if (cn->req.out && !cn->req.out_static)
        free(cn->req.out);
    ah_arena_release(&cn->req.arena);
    ah_buf_release(&cn->body);
    ah_buf_release(&cn->req.body_out);
    free(cn->target);
    free(cn);
    *con_cls = NULL;
}

/* libmicrohttpd would decode the path and query itself; we keep the raw
 * target and decode it in router.c, where it is validated and fuzzed */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

/* ---- background upkeep: expired leases and sessions ---- */

/* Waits ms for the next round of a background thread; false once the
 * server is stopping (a stop wakes it at once). */
static bool rest(struct ah_server *s, int64_t ms)
{
    struct timespec until;
    bool go;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    until.tv_sec += (time_t)(ms / 1000) + until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&s->lock);
    if (!s->stopping)
        pthread_cond_timedwait(&s->wake, &s->lock, &until);
    go = !s->stopping;
    pthread_mutex_unlock(&s->lock);
    return go;
}

static void upkeep_once(struct ah_server *s, struct ah_store *st, int64_t *last_purge,
                        int64_t *last_ladder, int64_t *last_digest)
{
    struct ah_arena arena;
    struct ah_ctx cx = {.store = st, .arena = &arena, .system = true,
                        .now = ah_clock_now(), .settings = &s->cfg.settings,
                        .rules = s->rules};
    struct ah_error err;
    int64_t n = 0;

    ah_arena_init(&arena);
    if (ah_ticket_index_text(&cx, &err))
        ah_log(AH_LOG_WARN, "upkeep.index", "error=%s", err.msg);
    if (ah_ctx_checkpoint(&cx, &err))
        ah_log(AH_LOG_WARN, "upkeep.checkpoint", "error=%s", err.msg);
    if (ah_queue_expire(&cx, &n, &err) == AH_OK && n) {
        ah_metrics_count(&s->metrics, AH_COUNT_LEASES_EXPIRED, (uint64_t)n);
        ah_log(AH_LOG_INFO, "queue.expired", "returned=%" PRId64, n);
    }
    /* idempotent: two servers doing it at once end the same sessions alike */
    if (ah_clock_close_idle(&cx, &n, &err) == AH_OK && n)
        ah_log(AH_LOG_INFO, "clock.idle", "ended=%" PRId64, n);
    /* once per week, once across servers (see ah_ladder_run), then the
     * events it queued and any waiting for their receiver */
    if (ah_ladder_due(&cx, last_ladder, &err))
        ah_log(AH_LOG_WARN, "upkeep.ladder", "error=%s", err.msg);
    {
        int64_t sent = 0;

        if (ah_digest_send_due(&cx, last_digest, &sent, &err))
            ah_log(AH_LOG_WARN, "upkeep.digest", "error=\"%s\"", err.msg);
        else if (sent)
            ah_log(AH_LOG_INFO, "digest.queued", "recipients=%" PRId64, sent);
    }
    {
        int64_t sent = 0, failed = 0;

        if (ah_webhook_deliver(&cx, &sent, &failed, &err))
            ah_log(AH_LOG_WARN, "upkeep.webhooks", "error=%s", err.msg);
        if (sent || failed)
            ah_log(AH_LOG_INFO, "webhook.delivery", "sent=%" PRId64 " failed=%" PRId64, sent,
                   failed);
    }
    if (cx.now - *last_purge > 600000) {
        ah_access_purge(&cx, NULL);
        *last_purge = cx.now;
    }
    ah_arena_release(&arena);
}

static void *upkeep(void *arg)
{
    struct ah_server *s = arg;
    struct ah_store *st = NULL;
    struct ah_error err;
    int64_t last_purge = 0, last_ladder = 0, last_digest = 0;

    do {
        if (!st && ah_store_open(s->cfg.db, false, &st, &err))
            ah_log(AH_LOG_WARN, "upkeep.store", "error=%s", err.msg);
        if (st)
            upkeep_once(s, st, &last_purge, &last_ladder, &last_digest);
    } while (rest(s, UPKEEP_EVERY_MS));
    ah_store_close(st);
    return NULL;
}

/* ---- repeated questions: arriving tickets grouped behind the writes ---- */

static void *grouper(void *arg)
{
    struct ah_server *s = arg;
    struct ah_store *st = NULL;
    struct ah_error err;

    do {
        struct ah_arena arena;
        struct ah_ctx cx = {.arena = &arena, .system = true, .settings = &s->cfg.settings};
        int64_t done = 0;

        if (!st && ah_store_open(s->cfg.db, false, &st, &err))
            ah_log(AH_LOG_WARN, "groups.store", "error=%s", err.msg);
        if (!st)
            continue;
        ah_arena_init(&arena);
        cx.store = st;
        cx.now = ah_clock_now();
        if (ah_groups_run(&cx, 5000, &done, NULL, &err))
            ah_log(AH_LOG_WARN, "groups.run", "error=\"%s\"", err.msg);
        else if (done)
            ah_log(AH_LOG_DEBUG, "groups.run", "grouped=%" PRId64, done);
        ah_arena_release(&arena);
    } while (rest(s, GROUP_EVERY_MS));
    ah_store_close(st);
    return NULL;
}

/* ---- mail: the outbox sent, the mailbox polled ---- */

/* A thread of its own: a mail server that hangs must not hold up the
 * upkeep. Sends whatever is due each second (all of it, in rounds), and
 * polls IMAP when that is configured. */
static void mail_once(struct ah_server *s, struct ah_store *st, struct ah_smtp **smtp,
                      int64_t *last_poll)
{
    const struct ah_mail_settings *ms = s->cfg.settings.mail;
    struct ah_error err;

    if (ms->smtp.url && !*smtp && ah_smtp_open(&ms->smtp, smtp, &err))
        ah_log(AH_LOG_WARN, "mail.smtp", "error=\"%s\"", err.msg);
    for (int round = 0; *smtp && round < 100; round++) {
        struct ah_arena arena;
        struct ah_ctx cx = {.store = st, .arena = &arena, .system = true,
                            .now = ah_clock_now(), .settings = &s->cfg.settings};
        int64_t sent = 0, failed = 0;
        enum ah_err rc;

        ah_arena_init(&arena);
        rc = ah_mail_send_due(&cx, *smtp, 50, &sent, &failed, &err);
        ah_arena_release(&arena);
        if (rc)
            ah_log(AH_LOG_WARN, "mail.send", "error=\"%s\"", err.msg);
        if (sent || failed)
            ah_log(AH_LOG_INFO, "mail.sent", "sent=%" PRId64 " failed=%" PRId64, sent, failed);
        if (rc || sent == 0)
            break;
    }
    if (ms->imap.url && ms->poll_ms > 0 && ah_clock_now() - *last_poll >= ms->poll_ms) {
        struct ah_arena arena;
        struct ah_ctx cx = {.store = st, .arena = &arena, .system = true,
                            .now = ah_clock_now(), .settings = &s->cfg.settings,
                            .rules = s->rules};
        struct ah_mail_poll_stats ps;

        ah_arena_init(&arena);
        if (ah_mail_poll(&cx, &ms->imap, 1000, &ps, &err))
            ah_log(AH_LOG_WARN, "mail.poll", "error=\"%s\"", err.msg);
        else if (ps.stored || ps.refused || ps.deferred)
            ah_log(AH_LOG_INFO, "mail.poll", "stored=%" PRId64 " duplicates=%" PRId64
                   " refused=%" PRId64 " deferred=%" PRId64,
                   ps.stored, ps.duplicates, ps.refused, ps.deferred);
        ah_arena_release(&arena);
        *last_poll = ah_clock_now();
    }
}

static void *mailer(void *arg)
{
    struct ah_server *s = arg;
    struct ah_store *st = NULL;
    struct ah_smtp *smtp = NULL;
    struct ah_error err;
    int64_t last_poll = 0;

    do {
        if (!st && ah_store_open(s->cfg.db, false, &st, &err))
            ah_log(AH_LOG_WARN, "mail.store", "error=%s", err.msg);
        if (st)
            mail_once(s, st, &smtp, &last_poll);
    } while (rest(s, MAIL_EVERY_MS));
    ah_smtp_close(smtp);
    ah_store_close(st);
    return NULL;
}

static bool mail_on(const struct ah_server *s)
{
    const struct ah_mail_settings *ms = s->cfg.settings.mail;

    return ms && (ms->smtp.url || (ms->imap.url && ms->poll_ms > 0));
}

/* ---- start and stop ---- */

static enum ah_err parse_listen(const char *listen, struct sockaddr_in *sa, struct ah_error *err)
{
    const char *colon = strrchr(listen, ':');
    char host[64];
    int64_t port;

    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - listen) >= sizeof(host) ||
        ah_parse_i64(ah_str_c(colon + 1), 0, 65535, &port, NULL))
        return ah_error_set(err, AH_E_INVALID, "listen address '%s' is not ADDR:PORT", listen);
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return ah_error_set(err, AH_E_INVALID, "listen address '%s' is not an IPv4 address",
                            host);
    sa->sin_port = htons((uint16_t)port);
    return AH_OK;
}

enum ah_err ah_server_start(const struct ah_server_config *cfg, struct ah_server **out,
                            struct ah_error *err)
{
    struct ah_server *s;
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *di;
    enum ah_err rc = parse_listen(cfg->listen, &sa, err);

    if (rc)
        return rc;
    if (cfg->threads < 1 || cfg->threads > 64)
        return ah_error_set(err, AH_E_INVALID, "threads must be 1 to 64");
    s = ah_xcalloc(1, sizeof(*s));
    s->cfg = *cfg;
    s->metrics.started_ms = ah_time_now_ms();
    pthread_mutex_init(&s->lock, NULL);
    s->rules = ah_rules_cache_new();
    pthread_cond_init(&s->wake, NULL);
    ah_web_load(&s->web, cfg->web_dir, err);
    s->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)1000, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_URI_LOG_CALLBACK,
        on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_UNESCAPE_CALLBACK,
        no_unescape, s, MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (!s->daemon) {
        rc = ah_error_set(err, AH_E_UNAVAILABLE, "cannot listen on %s (in use?)", cfg->listen);
        ah_web_release(&s->web);
        ah_rules_cache_free(s->rules);
        free(s);
        return rc;
    }
    di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : ntohs(sa.sin_port);
    pthread_create(&s->upkeep, NULL, upkeep, s);
    pthread_create(&s->grouper, NULL, grouper, s);
    if (mail_on(s))
        pthread_create(&s->mailer, NULL, mailer, s);
    *out = s;
    return AH_OK;
}

void ah_server_stop(struct ah_server *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->upkeep, NULL);
    pthread_join(s->grouper, NULL);
    if (mail_on(s))
        pthread_join(s->mailer, NULL);
    MHD_stop_daemon(s->daemon);
    /* the worker threads are gone; their connections are ours to close */
    for (size_t i = 0; i < s->nstores; i++)
        ah_store_close(s->stores[i]);
    ah_web_release(&s->web);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    ah_rules_cache_free(s->rules);
    free(s);
}
