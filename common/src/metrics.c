/* metrics.c - a stage's metrics and health, and the HTTP endpoint serving them (see metrics.h).
 * Metric names follow Prometheus conventions: newsflow_<what>_<unit>[_total].
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "newsflow/err.h"

#define NF_M_MAX_PARTITIONS 4096
#define NF_M_ALIVE_MS 60000

/* Upper bounds (seconds) of the processing-time histogram buckets; +Inf is implicit. */
static const double nf_m_buckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                      0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5,
                                      5,      10};
#define NF_M_NBUCKETS (sizeof(nf_m_buckets) / sizeof(nf_m_buckets[0]))

static const char *const nf_m_classes[] = {"decode", "validate", "transform", "retries",
                                           "produce"};
#define NF_M_NCLASSES (sizeof(nf_m_classes) / sizeof(nf_m_classes[0]))

struct nf_metrics {
    pthread_mutex_t lock;
    char *stage, *version, *in_topic, *out_topic;
    uint64_t counters[NF_M_COUNTERS];
    uint64_t dead[NF_M_NCLASSES + 1]; /* + "other" */
    uint64_t hist[NF_M_NBUCKETS + 1];
    uint64_t hist_count;
    double hist_sum;
    int64_t last_error_ms; /* wall clock; 0 = never */
    int64_t last_loop_mono;
    size_t inflight;
    int assigned;    /* partitions, -1 before the first assignment */
    int broker_up;   /* from the last statistics; 1 until the first ones arrive */
    int fatal;
    int64_t lag[NF_M_MAX_PARTITIONS]; /* -1 = unknown or not ours */
    int nlag;
};

struct nf_metrics *nf_metrics_new(const char *stage, const char *version, const char *in_topic,
                                  const char *out_topic)
{
    struct nf_metrics *m = calloc(1, sizeof(*m));
    if (!m) {
        return NULL;
    }
    pthread_mutex_init(&m->lock, NULL);
    m->stage = strdup(stage);
    m->version = strdup(version);
    m->in_topic = strdup(in_topic);
    m->out_topic = strdup(out_topic);
    if (!m->stage || !m->version || !m->in_topic || !m->out_topic) {
        nf_metrics_destroy(m);
        return NULL;
    }
    m->assigned = -1;
    m->broker_up = 1;
    m->last_loop_mono = nf_mono_ms();
    for (int i = 0; i < NF_M_MAX_PARTITIONS; i++) {
        m->lag[i] = -1;
    }
    return m;
}

void nf_metrics_destroy(struct nf_metrics *m)
{
    if (!m) {
        return;
    }
    pthread_mutex_destroy(&m->lock);
    free(m->stage);
    free(m->version);
    free(m->in_topic);
    free(m->out_topic);
    free(m);
}

void nf_metrics_add(struct nf_metrics *m, enum nf_counter c, uint64_t n)
{
    pthread_mutex_lock(&m->lock);
    m->counters[c] += n;
    pthread_mutex_unlock(&m->lock);
}

uint64_t nf_metrics_get(struct nf_metrics *m, enum nf_counter c)
{
    pthread_mutex_lock(&m->lock);
    uint64_t v = m->counters[c];
    pthread_mutex_unlock(&m->lock);
    return v;
}

void nf_metrics_dead(struct nf_metrics *m, const char *cls)
{
    size_t i = 0;
    while (i < NF_M_NCLASSES && strcmp(nf_m_classes[i], cls) != 0) {
        i++;
    }
    pthread_mutex_lock(&m->lock);
    m->dead[i]++;
    pthread_mutex_unlock(&m->lock);
}

void nf_metrics_observe(struct nf_metrics *m, double seconds)
{
    size_t b = 0;
    while (b < NF_M_NBUCKETS && seconds > nf_m_buckets[b]) {
        b++;
    }
    pthread_mutex_lock(&m->lock);
    m->hist[b]++;
    m->hist_count++;
    m->hist_sum += seconds;
    pthread_mutex_unlock(&m->lock);
}

void nf_metrics_error(struct nf_metrics *m)
{
    int64_t now = nf_now_ms();
    pthread_mutex_lock(&m->lock);
    m->last_error_ms = now;
    pthread_mutex_unlock(&m->lock);
}

void nf_metrics_heartbeat(struct nf_metrics *m, size_t inflight)
{
    int64_t now = nf_mono_ms();
    pthread_mutex_lock(&m->lock);
    m->last_loop_mono = now;
    m->inflight = inflight;
    pthread_mutex_unlock(&m->lock);
}

void nf_metrics_set_assigned(struct nf_metrics *m, int partitions)
{
    pthread_mutex_lock(&m->lock);
    m->assigned = partitions;
    if (partitions == 0) {
        for (int i = 0; i < m->nlag; i++) {
            m->lag[i] = -1;
        }
    }
    pthread_mutex_unlock(&m->lock);
}

void nf_metrics_set_fatal(struct nf_metrics *m)
{
    pthread_mutex_lock(&m->lock);
    m->fatal = 1;
    pthread_mutex_unlock(&m->lock);
}

void nf_metrics_stats(struct nf_metrics *m, const char *json, size_t len)
{
    json_t *root = json_loadb(json, len, 0, NULL);
    if (!root) {
        return;
    }
    int up = 0;
    const char *name;
    json_t *b;
    json_object_foreach(json_object_get(root, "brokers"), name, b)
    {
        /* the bootstrap pseudo-brokers have nodeid -1; real ones count */
        json_t *st = json_object_get(b, "state");
        json_t *id = json_object_get(b, "nodeid");
        if (json_is_string(st) && strcmp(json_string_value(st), "UP") == 0 &&
            json_integer_value(id) >= 0) {
            up = 1;
        }
    }
    json_t *parts = json_object_get(json_object_get(json_object_get(root, "topics"), m->in_topic),
                                    "partitions");
    int64_t lag[NF_M_MAX_PARTITIONS];
    int nlag = 0;
    json_t *p;
    json_object_foreach(parts, name, p)
    {
        json_int_t id = json_integer_value(json_object_get(p, "partition"));
        if (id < 0 || id >= NF_M_MAX_PARTITIONS) {
            continue; /* -1 is librdkafka's unassigned-messages pseudo partition */
        }
        while (nlag <= id) {
            lag[nlag++] = -1;
        }
        json_t *cl = json_object_get(p, "consumer_lag");
        lag[id] = json_is_integer(cl) ? json_integer_value(cl) : -1;
    }
    pthread_mutex_lock(&m->lock);
    m->broker_up = up;
    for (int i = 0; i < nlag || i < m->nlag; i++) {
        m->lag[i] = i < nlag ? lag[i] : -1;
    }
    if (nlag > m->nlag) {
        m->nlag = nlag;
    }
    pthread_mutex_unlock(&m->lock);
    json_decref(root);
}

/* Label values are topic and stage names: escape \, " and newlines per the text format. */
static void nf_m_label(struct nf_buf *o, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"') {
            nf_buf_appendc(o, '\\');
            nf_buf_appendc(o, *v);
        } else if (*v == '\n') {
            nf_buf_appends(o, "\\n");
        } else {
            nf_buf_appendc(o, *v);
        }
    }
}

static void nf_m_head(struct nf_buf *o, const char *name, const char *type, const char *help)
{
    nf_buf_appendf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{stage="...",topic="..."} value */
static void nf_m_line(struct nf_buf *o, const struct nf_metrics *m, const char *name,
                      const char *topic, const char *extra, double value)
{
    nf_buf_appendf(o, "%s{stage=\"", name);
    nf_m_label(o, m->stage);
    nf_buf_appends(o, "\"");
    if (topic) {
        nf_buf_appends(o, ",topic=\"");
        nf_m_label(o, topic);
        nf_buf_appends(o, "\"");
    }
    if (extra) {
        nf_buf_appendf(o, ",%s", extra);
    }
    nf_buf_appendf(o, "} %.17g\n", value);
}

int nf_metrics_render(struct nf_metrics *m, struct nf_buf *o)
{
    static const struct {
        enum nf_counter c;
        const char *name, *help;
        int out; /* labelled with the output topic */
    } counters[] = {
        {NF_M_CONSUMED, "newsflow_records_consumed_total", "Input records read.", 0},
        {NF_M_PRODUCED, "newsflow_records_produced_total",
         "Output records acknowledged by the broker.", 1},
        {NF_M_SKIPPED, "newsflow_records_skipped_total", "Input records the stage dropped.", 0},
        {NF_M_RETRIES, "newsflow_transform_retries_total",
         "Transient transform failures that were retried.", 0},
        {NF_M_ABANDONED, "newsflow_records_abandoned_total",
         "Inputs left uncommitted at shutdown or revocation (processed again later).", 0},
        {NF_M_BYTES_IN, "newsflow_input_bytes_total", "Bytes of input records read.", 0},
        {NF_M_BYTES_OUT, "newsflow_output_bytes_total", "Bytes of output records acknowledged.",
         1},
    };
    char extra[128];
    pthread_mutex_lock(&m->lock);
    nf_m_head(o, "newsflow_build_info", "gauge", "Stage name and version.");
    snprintf(extra, sizeof(extra), "version=\"%s\"", m->version);
    nf_m_line(o, m, "newsflow_build_info", NULL, extra, 1);
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
        nf_m_head(o, counters[i].name, "counter", counters[i].help);
        nf_m_line(o, m, counters[i].name, counters[i].out ? m->out_topic : m->in_topic, NULL,
                  (double)m->counters[counters[i].c]);
    }
    nf_m_head(o, "newsflow_records_dead_lettered_total", "counter",
              "Input records sent to the dead-letter topic, by class of failure.");
    for (size_t i = 0; i <= NF_M_NCLASSES; i++) {
        snprintf(extra, sizeof(extra), "class=\"%s\"", i < NF_M_NCLASSES ? nf_m_classes[i]
                                                                         : "other");
        nf_m_line(o, m, "newsflow_records_dead_lettered_total", m->in_topic, extra,
                  (double)m->dead[i]);
    }
    nf_m_head(o, "newsflow_records_failed_total", "counter",
              "Input records the stage's transform rejected (a subset of the dead-lettered).");
    nf_m_line(o, m, "newsflow_records_failed_total", m->in_topic, NULL,
              (double)(m->dead[2] + m->dead[3]));
    nf_m_head(o, "newsflow_processing_seconds", "histogram",
              "Time to decode, transform and encode one input.");
    uint64_t cum = 0;
    for (size_t b = 0; b <= NF_M_NBUCKETS; b++) {
        cum += m->hist[b];
        if (b < NF_M_NBUCKETS) {
            snprintf(extra, sizeof(extra), "le=\"%g\"", nf_m_buckets[b]);
        } else {
            snprintf(extra, sizeof(extra), "le=\"+Inf\"");
        }
        nf_m_line(o, m, "newsflow_processing_seconds_bucket", NULL, extra, (double)cum);
    }
    nf_m_line(o, m, "newsflow_processing_seconds_sum", NULL, NULL, m->hist_sum);
    nf_m_line(o, m, "newsflow_processing_seconds_count", NULL, NULL, (double)m->hist_count);
    nf_m_head(o, "newsflow_consumer_lag", "gauge",
              "Messages behind the partition's end (librdkafka statistics, committed offset).");
    for (int i = 0; i < m->nlag; i++) {
        if (m->lag[i] >= 0) {
            snprintf(extra, sizeof(extra), "partition=\"%d\"", i);
            nf_m_line(o, m, "newsflow_consumer_lag", m->in_topic, extra, (double)m->lag[i]);
        }
    }
    nf_m_head(o, "newsflow_rebalances_total", "counter", "Partition assignments and revocations.");
    nf_m_line(o, m, "newsflow_rebalances_total", NULL, NULL,
              (double)m->counters[NF_M_REBALANCES]);
    nf_m_head(o, "newsflow_assigned_partitions", "gauge", "Input partitions assigned now.");
    nf_m_line(o, m, "newsflow_assigned_partitions", m->in_topic, NULL,
              m->assigned < 0 ? 0 : m->assigned);
    nf_m_head(o, "newsflow_inflight_records", "gauge",
              "Inputs consumed whose output the broker has not acknowledged yet.");
    nf_m_line(o, m, "newsflow_inflight_records", NULL, NULL, (double)m->inflight);
    nf_m_head(o, "newsflow_last_error_timestamp_seconds", "gauge",
              "Unix time of the last logged warning or error (0: none yet).");
    nf_m_line(o, m, "newsflow_last_error_timestamp_seconds", NULL, NULL,
              (double)m->last_error_ms / 1000.0);
    pthread_mutex_unlock(&m->lock);
    return o->data ? 0 : NF_ERR_NOMEM;
}

int nf_metrics_alive(struct nf_metrics *m, char *why, size_t why_size)
{
    pthread_mutex_lock(&m->lock);
    int64_t idle = nf_mono_ms() - m->last_loop_mono;
    int fatal = m->fatal;
    pthread_mutex_unlock(&m->lock);
    if (fatal) {
        snprintf(why, why_size, "fatal error: the stage is stopping\n");
        return 0;
    }
    if (idle > NF_M_ALIVE_MS) {
        snprintf(why, why_size, "processing loop stuck for %lld ms\n", (long long)idle);
        return 0;
    }
    snprintf(why, why_size, "ok\n");
    return 1;
}

int nf_metrics_ready(struct nf_metrics *m, char *why, size_t why_size)
{
    if (!nf_metrics_alive(m, why, why_size)) {
        return 0;
    }
    pthread_mutex_lock(&m->lock);
    int assigned = m->assigned;
    int up = m->broker_up;
    pthread_mutex_unlock(&m->lock);
    if (assigned < 0) {
        snprintf(why, why_size, "not a member of the consumer group yet\n");
        return 0;
    }
    if (!up) {
        snprintf(why, why_size, "no broker reachable\n");
        return 0;
    }
    snprintf(why, why_size, "ok: %d partition(s) assigned\n", assigned);
    return 1;
}

struct nf_httpd {
    struct MHD_Daemon *d;
    struct nf_metrics *m;
};

static enum MHD_Result nf_httpd_reply(struct MHD_Connection *c, unsigned int status,
                                      const char *ctype, const char *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) {
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result nf_httpd_handle(void *cls, struct MHD_Connection *c, const char *url,
                                       const char *method, const char *version,
                                       const char *upload, size_t *upload_size, void **ptr)
{
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)ptr;
    struct nf_httpd *h = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        return nf_httpd_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "GET only\n", 9);
    }
    char why[256];
    if (strcmp(url, "/metrics") == 0) {
        struct nf_buf b = {0};
        if (nf_metrics_render(h->m, &b) != 0) {
            nf_buf_free(&b);
            return nf_httpd_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "oom\n", 4);
        }
        enum MHD_Result r =
            nf_httpd_reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", b.data,
                           b.len);
        nf_buf_free(&b);
        return r;
    }
    if (strcmp(url, "/healthz") == 0 || strcmp(url, "/readyz") == 0) {
        int ok = url[1] == 'h' ? nf_metrics_alive(h->m, why, sizeof(why))
                               : nf_metrics_ready(h->m, why, sizeof(why));
        return nf_httpd_reply(c, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain",
                              why, strlen(why));
    }
    static const char nf[] = "not found: try /metrics, /healthz or /readyz\n";
    return nf_httpd_reply(c, MHD_HTTP_NOT_FOUND, "text/plain", nf, sizeof(nf) - 1);
}

struct nf_httpd *nf_httpd_start(struct nf_metrics *m, const char *bind, int port, char *errstr,
                                size_t errstr_size)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
        nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "metrics.bind: \"%s\" is not an IPv4 address",
                  bind);
        return NULL;
    }
    struct nf_httpd *h = calloc(1, sizeof(*h));
    if (!h) {
        nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    h->m = m;
    /* one thread of its own, a handful of connections: a scraper and two probes */
    h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, NULL, NULL,
                            nf_httpd_handle, h, MHD_OPTION_SOCK_ADDR, &addr,
                            MHD_OPTION_CONNECTION_LIMIT, 16U, MHD_OPTION_CONNECTION_TIMEOUT, 10U,
                            MHD_OPTION_END);
    if (!h->d) {
        free(h);
        nf_seterr(errstr, errstr_size, NF_ERR_IO,
                  "cannot serve metrics on %s:%d (port in use?)", bind, port);
        return NULL;
    }
    return h;
}

void nf_httpd_stop(struct nf_httpd *h)
{
    if (!h) {
        return;
    }
    MHD_stop_daemon(h->d);
    free(h);
}
