/* metrics.h - counters for GET /metrics (Prometheus text format). Lock-free:
 * every request adds with relaxed atomics. */
#ifndef AH_HTTP_METRICS_H
#define AH_HTTP_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/router.h"

#define AH_METRICS_SLOTS 64 /* routes, plus "static" and "unmatched" */
#define AH_METRICS_BUCKETS 12

enum ah_counter {
    AH_COUNT_TICKETS_CREATED,
    AH_COUNT_MESSAGES_ADDED,
    AH_COUNT_CLAIMS,
    AH_COUNT_LOGINS,
    AH_COUNT_LOGIN_FAILURES,
    AH_COUNT_LOGIN_THROTTLED,
    AH_COUNT_CONFLICTS,
    AH_COUNT_DB_UNAVAILABLE,
    AH_COUNT_LEASES_EXPIRED,
    AH_COUNT_MAX
};

struct ah_metrics {
    atomic_uint_fast64_t requests[AH_METRICS_SLOTS][5]; /* by status class 1xx..5xx */
    atomic_uint_fast64_t duration_us[AH_METRICS_SLOTS];
    atomic_uint_fast64_t buckets[AH_METRICS_BUCKETS]; /* cumulative at render */
    atomic_uint_fast64_t counters[AH_COUNT_MAX];
    int64_t started_ms;
};

/* Records one request on slot (a route index, or the two extra slots). */
void ah_metrics_request(struct ah_metrics *m, size_t slot, int status, int64_t us);
void ah_metrics_count(struct ah_metrics *m, enum ah_counter c, uint64_t n);
/* Appends the exposition text; slot names come from routes (n of them), then
 * "static" and "unmatched". */
enum ah_err ah_metrics_render(struct ah_metrics *m, const struct ah_route *routes, size_t n,
                              int64_t now_ms, struct ah_buf *out, struct ah_error *err);

#endif
