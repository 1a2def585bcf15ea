/* api_ops.c - /healthz and /metrics, for load balancers and Prometheus. */
#include "core/buf.h"
#include "core/time.h"
#include "http/api.h"
#include "http/server.h"

void ah_api_ops_health(struct ah_req *r)
{
    struct ah_error err;

    if (!r->cx.store || ah_ctx_ping(&r->cx, &err)) {
        ah_buf_appends(ah_http_body(r), "{\"status\":\"unavailable\",\"database\":\"unreachable\"}",
                       NULL);
        ah_http_reply_body(r, 503);
        return;
    }
    ah_buf_appends(ah_http_body(r), "{\"status\":\"ok\",\"database\":\"ok\"", NULL);
    if (ah_clock_is_test()) { /* announced: this server's time is not the world's */
        ah_buf_appends(ah_http_body(r), ",\"test_clock\":", NULL);
        ah_json_put_time(ah_http_body(r), ah_clock_now());
    }
    ah_buf_appends(ah_http_body(r), "}", NULL);
    ah_http_reply_body(r, 200);
}

void ah_api_ops_metrics(struct ah_req *r)
{
    struct ah_buf b;
    size_t n;
    const struct ah_route *routes = ah_server_routes(&n);

    ah_buf_init(&b, 1024 * 1024);
    if (ah_metrics_render(ah_server_metrics(r->srv), routes, n, ah_time_now_ms(), &b, NULL)) {
        ah_buf_release(&b);
        ah_http_reply_fail(r, AH_E_INTERNAL, "metrics did not fit");
        return;
    }
    ah_http_reply_text(r, 200, &b, "text/plain; version=0.0.4; charset=utf-8");
}
