/* server.h - the HTTP server: libmicrohttpd with a thread pool, one store
 * connection per worker thread, the route table, and background upkeep. */
#ifndef AH_HTTP_SERVER_H
#define AH_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/ctx.h"
#include "http/metrics.h"
#include "http/router.h"

struct ah_server_config {
    const char *db;        /* the store location */
    const char *listen;    /* "127.0.0.1:8080" */
    int threads;           /* worker threads, 1..64 */
    const char *web_dir;   /* the web UI's files */
    const char *trusted_proxy; /* a load balancer's address whose X-Forwarded-For
                                  names the client; NULL: none */
    struct ah_settings settings;
};

struct ah_server;

/* Binds, loads the web files and starts serving. The database must already
 * be migrated. Caller stops with ah_server_stop. */
enum ah_err ah_server_start(const struct ah_server_config *cfg, struct ah_server **out,
                            struct ah_error *err);
/* Stops serving, waits for requests in flight, frees everything. */
void ah_server_stop(struct ah_server *s);
/* The port actually bound (useful with port 0). */
uint16_t ah_server_port(const struct ah_server *s);

/* The route table, for `allhands routes` and the metrics. */
const struct ah_route *ah_server_routes(size_t *n);
struct ah_metrics *ah_server_metrics(struct ah_server *s);


#endif
