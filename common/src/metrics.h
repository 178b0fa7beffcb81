/* metrics.h - private to the runner: a stage's counters, latency histogram, consumer lag and
 * health, rendered in the Prometheus text format and served (with /healthz and /readyz) by a
 * small HTTP server on libmicrohttpd's own thread.
 *
 * The runner's thread updates; the HTTP thread reads: every access takes the one mutex.
 */
#ifndef NEWSFLOW_METRICS_H
#define NEWSFLOW_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "newsflow/util.h"

enum nf_counter {
    NF_M_CONSUMED = 0, /* inputs read */
    NF_M_PRODUCED,     /* outputs acknowledged by the broker */
    NF_M_SKIPPED,      /* dropped by the stage */
    NF_M_RETRIES,      /* transient transform failures retried */
    NF_M_ABANDONED,    /* left uncommitted at shutdown or revoke: redone later */
    NF_M_REBALANCES,   /* assignments and revocations */
    NF_M_BYTES_IN,
    NF_M_BYTES_OUT,
    NF_M_COUNTERS
};

struct nf_metrics;

/* Names are copied. Returns NULL on allocation failure. */
struct nf_metrics *nf_metrics_new(const char *stage, const char *version, const char *in_topic,
                                  const char *out_topic);
void nf_metrics_destroy(struct nf_metrics *m);

void nf_metrics_add(struct nf_metrics *m, enum nf_counter c, uint64_t n);
uint64_t nf_metrics_get(struct nf_metrics *m, enum nf_counter c);
/* A dead letter of class cls ("decode", "validate", "transform", "retries", "produce"). */
void nf_metrics_dead(struct nf_metrics *m, const char *cls);
/* Processing time of one input, in seconds. */
void nf_metrics_observe(struct nf_metrics *m, double seconds);
/* Something went wrong (logged at warn or error): remember when. */
void nf_metrics_error(struct nf_metrics *m);
/* The runner's loop is alive (for /healthz) and its state (for /readyz and gauges). */
void nf_metrics_heartbeat(struct nf_metrics *m, size_t inflight);
void nf_metrics_set_assigned(struct nf_metrics *m, int partitions); /* after each rebalance */
void nf_metrics_set_fatal(struct nf_metrics *m);
/* librdkafka statistics JSON (consumer): per-partition consumer lag of the input topic and
 * whether any broker is up. */
void nf_metrics_stats(struct nf_metrics *m, const char *json, size_t len);

/* Prometheus text exposition format, version 0.0.4. */
int nf_metrics_render(struct nf_metrics *m, struct nf_buf *out);
/* Health: alive = the loop ran within the last 60 s and no fatal error; ready = alive, the
 * consumer has joined its group, and a broker is reachable. Reason in why when not. */
int nf_metrics_alive(struct nf_metrics *m, char *why, size_t why_size);
int nf_metrics_ready(struct nf_metrics *m, char *why, size_t why_size);

/* The HTTP endpoint: GET /metrics, /healthz, /readyz on bind:port (port 0 = off). */
struct nf_httpd;
struct nf_httpd *nf_httpd_start(struct nf_metrics *m, const char *bind, int port, char *errstr,
                                size_t errstr_size);
void nf_httpd_stop(struct nf_httpd *h); /* accepts NULL */

#endif
