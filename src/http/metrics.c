/* metrics.c - request counters and a latency histogram, rendered as
 * Prometheus text exposition format 0.0.4. */
#include "http/metrics.h"

#include <inttypes.h>

/* upper bounds in microseconds */
static const uint64_t bounds[AH_METRICS_BUCKETS] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000,
};

static const char *const counter_names[AH_COUNT_MAX][2] = {
    {"allhands_tickets_created_total", "Tickets created through the API"},
    {"allhands_messages_added_total", "Replies and notes written through the API"},
    {"allhands_queue_claims_total", "Tickets claimed through next ticket"},
    {"allhands_logins_total", "Successful logins"},
    {"allhands_login_failures_total", "Failed logins"},
    {"allhands_login_throttled_total", "Logins refused by the rate limit"},
    {"allhands_send_conflicts_total", "Replies refused because the thread changed"},
    {"allhands_db_unavailable_total", "Requests answered 503 because the database was busy"},
    {"allhands_leases_expired_total",
     "Claims the background upkeep returned after their lease ended (a next-ticket call may return one first)"},
};

void ah_metrics_request(struct ah_metrics *m, size_t slot, int status, int64_t us)
{
    int cls = status / 100 - 1;

    if (slot >= AH_METRICS_SLOTS)
        slot = AH_METRICS_SLOTS - 1;
    if (cls < 0 || cls > 4)
        cls = 4;
    atomic_fetch_add_explicit(&m->requests[slot][cls], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->duration_us[slot], (uint64_t)us, memory_order_relaxed);
    for (int b = 0; b < AH_METRICS_BUCKETS; b++)
        if ((uint64_t)us <= bounds[b]) {
            atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
            break;
        }
}

void ah_metrics_count(struct ah_metrics *m, enum ah_counter c, uint64_t n)
{
    atomic_fetch_add_explicit(&m->counters[c], n, memory_order_relaxed);
}

static const char *slot_name(const struct ah_route *routes, size_t n, size_t slot,
                             const char **method)
{
    if (slot < n) {
        *method = routes[slot].method;
        return routes[slot].pattern;
    }
    *method = "GET";
    return slot == n ? "static" : "unmatched";
}

enum ah_err ah_metrics_render(struct ah_metrics *m, const struct ah_route *routes, size_t n,
                              int64_t now_ms, struct ah_buf *out, struct ah_error *err)
{
    uint64_t total = 0, cum = 0, sum = 0;
    enum ah_err rc = ah_buf_appends(
        out,
        "# HELP allhands_http_requests_total HTTP requests by route and status class\n"
        "# TYPE allhands_http_requests_total counter\n", err);

    for (size_t s = 0; !rc && s < n + 2 && s < AH_METRICS_SLOTS; s++) {
        const char *method, *name = slot_name(routes, n, s, &method);

        for (int c = 0; !rc && c < 5; c++) {
            uint64_t v = atomic_load_explicit(&m->requests[s][c], memory_order_relaxed);

            total += v;
            if (v)
                rc = ah_buf_appendf(out, err,
                                    "allhands_http_requests_total{method=\"%s\",route=\"%s\","
                                    "code=\"%dxx\"} %" PRIu64 "\n",
                                    method, name, c + 1, v);
        }
        sum += atomic_load_explicit(&m->duration_us[s], memory_order_relaxed);
    }
    if (!rc)
        rc = ah_buf_appends(out,
                            "# HELP allhands_http_request_duration_seconds Time to answer\n"
                            "# TYPE allhands_http_request_duration_seconds histogram\n", err);
    for (int b = 0; !rc && b < AH_METRICS_BUCKETS; b++) {
        cum += atomic_load_explicit(&m->buckets[b], memory_order_relaxed);
        rc = ah_buf_appendf(out, err,
                            "allhands_http_request_duration_seconds_bucket{le=\"%g\"} %" PRIu64
                            "\n",
                            (double)bounds[b] / 1e6, cum);
    }
    if (!rc)
        rc = ah_buf_appendf(out, err,
                            "allhands_http_request_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64
                            "\nallhands_http_request_duration_seconds_sum %.6f\n"
                            "allhands_http_request_duration_seconds_count %" PRIu64 "\n",
                            total, (double)sum / 1e6, total);
    for (int c = 0; !rc && c < AH_COUNT_MAX; c++)
        rc = ah_buf_appendf(out, err, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n",
                            counter_names[c][0], counter_names[c][1], counter_names[c][0],
                            counter_names[c][0],
                            (uint64_t)atomic_load_explicit(&m->counters[c], memory_order_relaxed));
    if (!rc)
        rc = ah_buf_appendf(out, err,
                            "# HELP allhands_uptime_seconds Seconds since the server started\n"
                            "# TYPE allhands_uptime_seconds gauge\nallhands_uptime_seconds %.3f\n",
                            (double)(now_ms - m->started_ms) / 1000.0);
    return rc;
}
