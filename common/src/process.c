/* process.c - one input record through a stage: decode, validate, transform with bounded
 * retries, trace, encode. Shared by the Kafka loop and --stdio so both behave identically.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "newsflow/err.h"
#include "newsflow/log.h"
#include "newsflow/record.h"
#include "newsflow/util.h"
#include "runner_int.h"

const struct nf_prop nf_runner_props[] = {
    {"input.topic", NF_PROP_STR, NULL, 0, 0, NULL, "topic to consume (default: the stage's)"},
    {"output.topic", NF_PROP_STR, NULL, 0, 0, NULL, "topic to produce to (default: the stage's)"},
    {"dlq.topic", NF_PROP_STR, NULL, 0, 0, NULL,
     "dead-letter topic for rejected inputs (default: <input.topic>.dlq)"},
    {"group.id", NF_PROP_STR, NULL, 0, 0, NULL,
     "consumer group shared by all copies of the stage (default: newsflow-<stage>)"},
    {"max.record.bytes", NF_PROP_INT, "16777216", 1, 1073741824, NULL,
     "inputs larger than this are dead-lettered unread"},
    {"max.inflight", NF_PROP_INT, "1000", 1, 1000000, NULL,
     "records consumed but not yet acknowledged by the broker; above it, consuming pauses"},
    {"retry.max", NF_PROP_INT, "5", 0, 1000, NULL,
     "attempts for a transform reporting a transient error, then dead-letter"},
    {"retry.backoff.ms", NF_PROP_INT, "100", 1, 3600000, NULL, "first retry delay (doubles)"},
    {"retry.backoff.max.ms", NF_PROP_INT, "10000", 1, 3600000, NULL, "retry delay cap"},
    {"shutdown.timeout.ms", NF_PROP_INT, "30000", 0, 3600000, NULL,
     "on SIGTERM, how long to wait for in-flight outputs before giving up on them (they are "
     "then reprocessed after restart)"},
    {"startup.timeout.ms", NF_PROP_INT, "60000", 0, 3600000, NULL,
     "how long to wait for the cluster and the topics at start-up; 0 = forever"},
    {"trace.label", NF_PROP_STR, NULL, 0, 0, NULL,
     "a deployment label added to this stage's trace entries (e.g. \"v2-reprocess\"), so "
     "consumers can tell results of a replay apart"},
    {"metrics.port", NF_PROP_INT, "0", 0, 65535, NULL,
     "serve /metrics (Prometheus), /healthz and /readyz on this port (0: off)"},
    {"metrics.bind", NF_PROP_STR, "0.0.0.0", 0, 0, NULL, "IPv4 address the metrics port binds"},
    {"metrics.stats_interval_ms", NF_PROP_INT, "5000", 1000, 3600000, NULL,
     "how often librdkafka statistics (consumer lag, broker state) refresh the metrics"},
    {"processing.guarantee", NF_PROP_ENUM, "at_least_once", 0, 0, "at_least_once|exactly_once",
     "at_least_once: an input's offset is committed after its output is acknowledged; "
     "exactly_once: outputs and offsets commit together in Kafka transactions (readers use "
     "isolation.level=read_committed)"},
    {"commit.interval.ms", NF_PROP_INT, "100", 1, 600000, NULL,
     "exactly_once: how often the open transaction (outputs + offsets) is committed"},
    NF_PROP_END,
};

void nf_processor_init(struct nf_processor *p, const struct nf_stage *stage,
                       const struct nf_conf *conf, const void *state,
                       volatile sig_atomic_t *stop)
{
    p->stage = stage;
    p->state = state;
    p->max_record_bytes = (size_t)nf_conf_get_int(conf, "max.record.bytes");
    p->retry_max = (int)nf_conf_get_int(conf, "retry.max");
    p->retry_backoff_ms = (int)nf_conf_get_int(conf, "retry.backoff.ms");
    p->retry_backoff_max_ms = (int)nf_conf_get_int(conf, "retry.backoff.max.ms");
    p->stop = stop;
    p->trace_label = nf_conf_get_str(conf, "trace.label");
}

/* Sleep ms, waking early (returns 1) when a stop is requested. */
static int nf_sleep_unless_stopped(volatile sig_atomic_t *stop, int ms)
{
    while (ms > 0) {
        if (stop && *stop) {
            return 1;
        }
        int step = ms < 50 ? ms : 50;
        struct timespec ts = {0, (long)step * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        ms -= step;
    }
    return stop && *stop;
}

/* Append this stage's entry to the record's "trace" array (replacing a non-array). */
static int nf_trace_append(json_t *rec, const struct nf_processor *p,
                           const struct nf_source *src, double ms)
{
    char ts[40];
    nf_rfc3339(nf_now_ms(), ts, sizeof(ts));
    json_t *trace = json_object_get(rec, "trace");
    if (!json_is_array(trace)) {
        trace = json_array();
        if (!trace || json_object_set_new(rec, "trace", trace) != 0) {
            return NF_ERR_NOMEM;
        }
    }
    double rounded = floor(ms * 1000.0 + 0.5) / 1000.0; /* microseconds are plenty */
    json_t *e = json_pack("{s:s, s:s, s:s, s:f, s:s, s:i, s:I}", "stage", p->stage->name,
                          "version", p->stage->version, "at", ts, "processing_ms", rounded,
                          "topic", src->topic, "partition", (int)src->partition, "offset",
                          (json_int_t)src->offset);
    if (e && p->trace_label && json_object_set_new(e, "label", json_string(p->trace_label))) {
        json_decref(e);
        e = NULL;
    }
    if (!e || json_array_append_new(trace, e) != 0) {
        return NF_ERR_NOMEM;
    }
    return 0;
}

static void nf_dead(struct nf_processed *res, const char *cls, const char *reason)
{
    res->outcome = NF_OUT_DEAD;
    res->err_class = cls;
    if (reason != res->reason) {
        snprintf(res->reason, sizeof(res->reason), "%s", reason);
    }
}

void nf_process(const struct nf_processor *p, const char *buf, size_t len,
                const struct nf_source *src, struct nf_processed *res)
{
    memset(res, 0, sizeof(*res));
    double t0 = nf_mono_sec();
    json_t *rec = NULL;
    int err = nf_record_decode(buf, len, p->max_record_bytes, &rec, res->reason,
                               sizeof(res->reason));
    if (err) {
        nf_dead(res, "decode", res->reason);
        goto done;
    }
    /* keep whatever id the input has for the error report, even if it is unusable */
    const char *id = nf_record_str(rec, "id");
    if (nf_record_ensure_id(rec, res->reason, sizeof(res->reason)) != 0) {
        if (id) {
            snprintf(res->id, sizeof(res->id), "%.*s", NF_ID_MAX, id);
        }
        nf_dead(res, "validate", res->reason);
        goto done;
    }
    snprintf(res->id, sizeof(res->id), "%s", nf_record_str(rec, "id"));
    if (nf_record_require(rec, p->stage->required, res->reason, sizeof(res->reason)) != 0) {
        nf_dead(res, "validate", res->reason);
        goto done;
    }

    int backoff = p->retry_backoff_ms;
    for (int attempt = 0;; attempt++) {
        res->reason[0] = '\0';
        err = p->stage->transform(p->state, rec, res->reason, sizeof(res->reason));
        if (err != NF_ERR_RETRY) {
            break;
        }
        if (attempt >= p->retry_max) {
            char why[sizeof(res->reason)];
            snprintf(why, sizeof(why), "gave up after %d attempts: %s", attempt + 1,
                     res->reason[0] ? res->reason : "transient error");
            nf_dead(res, "retries", why);
            goto done;
        }
        res->retries++;
        nf_log_warn("id=%s transient error (attempt %d of %d), retrying in %d ms: %s", res->id,
                    attempt + 1, p->retry_max + 1, backoff, res->reason);
        if (nf_sleep_unless_stopped(p->stop, backoff)) {
            res->outcome = NF_OUT_ABANDON;
            goto done;
        }
        /* the failed attempt may have half-rewritten rec: retry on the input as it came in */
        json_decref(rec);
        if (nf_record_decode(buf, len, p->max_record_bytes, &rec, res->reason,
                             sizeof(res->reason)) != 0 ||
            nf_record_ensure_id(rec, res->reason, sizeof(res->reason)) != 0) {
            nf_dead(res, "decode", res->reason); /* cannot happen: it decoded before */
            goto done;
        }
        backoff = backoff * 2 > p->retry_backoff_max_ms ? p->retry_backoff_max_ms : backoff * 2;
    }
    if (err == NF_XFORM_SKIP) {
        res->outcome = NF_OUT_SKIP;
        goto done;
    }
    if (err != 0) {
        if (!res->reason[0]) {
            snprintf(res->reason, sizeof(res->reason), "%s", nf_strerror(err));
        }
        nf_dead(res, "transform", res->reason);
        goto done;
    }
    /* the transform may not drop or change the id: the output is keyed by it */
    const char *oid = nf_record_str(rec, "id");
    if (!oid || strcmp(oid, res->id) != 0) {
        nf_dead(res, "transform", "transform removed or changed the record id");
        goto done;
    }
    res->ms = (nf_mono_sec() - t0) * 1000.0;
    if (nf_trace_append(rec, p, src, res->ms) != 0 ||
        !(res->out = nf_record_encode(rec, &res->out_len))) {
        nf_dead(res, "transform", "out of memory encoding the output");
        goto done;
    }
    res->outcome = NF_OUT_PUBLISH;
done:
    res->ms = (nf_mono_sec() - t0) * 1000.0;
    json_decref(rec);
}
