/* kafka.c - librdkafka set-up shared by the runner and the tools (see newsflow/kafka.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsflow/err.h"
#include "newsflow/kafka.h"
#include "newsflow/log.h"
#include "newsflow/util.h"

int nf_kafka_defaults(struct nf_conf *conf)
{
    return nf_conf_kafka_default(conf, "bootstrap.servers", NF_KAFKA_DEFAULT_BOOTSTRAP);
}

void nf_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    /* syslog levels: 0-4 warning (librdkafka calls a refused connection an error; whether it
     * is one - the broker gone for good - is the runner's call), 5-6 info, 7 debug */
    nf_log_level_t l = level <= 4   ? NF_LOG_WARN
                       : level <= 6 ? NF_LOG_INFO
                                    : NF_LOG_DEBUG;
    if (nf_log_enabled(l)) {
        nf_log(l, "librdkafka %s: %s", fac, buf);
    }
}

rd_kafka_conf_t *nf_kafka_conf_new(const struct nf_conf *conf, char *errstr, size_t errstr_size)
{
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(kc, nf_kafka_log_cb);
    char rderr[512];
    for (size_t i = 0; i < nf_conf_kafka_count(conf); i++) {
        const char *name;
        const char *value;
        nf_conf_kafka_get(conf, i, &name, &value);
        if (rd_kafka_conf_set(kc, name, value, rderr, sizeof(rderr)) != RD_KAFKA_CONF_OK) {
            nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "kafka.%s: %s", name, rderr);
            rd_kafka_conf_destroy(kc);
            return NULL;
        }
    }
    return kc;
}

rd_kafka_t *nf_kafka_producer_new(const struct nf_conf *conf,
                                  void (*dr_msg_cb)(rd_kafka_t *, const rd_kafka_message_t *,
                                                    void *),
                                  void *opaque, char *errstr, size_t errstr_size)
{
    /* Defaults first, so that kafka.* from the user override them. */
    static const char *const defaults[][2] = {
        {"enable.idempotence", "true"},
        /* the Java client's partitioner: an id lands in the same partition whoever produces */
        {"partitioner", "murmur2_random"},
        {"message.max.bytes", "16777216"},
        /* batches of 20 ms: a third of the broker's CPU per article at 300 articles/s over
         * librdkafka's 5 ms (one request per record and partition), for at most 20 ms more
         * latency per hop */
        {"linger.ms", "20"},
        {"compression.type", "lz4"},
    };
    char rderr[512];
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(kc, nf_kafka_log_cb);
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        if (rd_kafka_conf_set(kc, defaults[i][0], defaults[i][1], rderr, sizeof(rderr)) !=
            RD_KAFKA_CONF_OK) {
            nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s: %s", defaults[i][0], rderr);
            rd_kafka_conf_destroy(kc);
            return NULL;
        }
    }
    for (size_t i = 0; i < nf_conf_kafka_count(conf); i++) {
        const char *name;
        const char *value;
        nf_conf_kafka_get(conf, i, &name, &value);
        /* consumer-only keys are shared in one file with the producer: skip them quietly */
        if (strcmp(name, "group.id") == 0 || strcmp(name, "auto.offset.reset") == 0 ||
            strcmp(name, "isolation.level") == 0 || strcmp(name, "enable.auto.commit") == 0 ||
            strcmp(name, "session.timeout.ms") == 0 ||
            strcmp(name, "partition.assignment.strategy") == 0 ||
            strcmp(name, "queued.max.messages.kbytes") == 0 ||
            strcmp(name, "queued.min.messages") == 0 ||
            strcmp(name, "fetch.max.bytes") == 0 || strcmp(name, "fetch.wait.max.ms") == 0) {
            continue;
        }
        if (rd_kafka_conf_set(kc, name, value, rderr, sizeof(rderr)) != RD_KAFKA_CONF_OK) {
            nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "kafka.%s: %s", name, rderr);
            rd_kafka_conf_destroy(kc);
            return NULL;
        }
    }
    if (dr_msg_cb) {
        rd_kafka_conf_set_dr_msg_cb(kc, dr_msg_cb);
    }
    rd_kafka_conf_set_opaque(kc, opaque);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, rderr, sizeof(rderr));
    if (!rk) {
        nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "cannot create producer: %s", rderr);
        rd_kafka_conf_destroy(kc); /* rd_kafka_new only takes ownership on success */
        return NULL;
    }
    return rk;
}

int nf_kafka_create_topics(rd_kafka_t *rk, const char *const *topics, size_t n, int partitions,
                           int replication, int timeout_ms, char *errstr, size_t errstr_size)
{
    int err = 0;
    char rderr[512];
    rd_kafka_NewTopic_t **nt = calloc(n, sizeof(*nt));
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_event_t *ev = NULL;
    if (!nt || !q || !opts) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, rderr, sizeof(rderr));
    rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, rderr, sizeof(rderr));
    for (size_t i = 0; i < n; i++) {
        nt[i] = rd_kafka_NewTopic_new(topics[i], partitions, replication, rderr, sizeof(rderr));
        if (!nt[i]) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "topic %s: %s", topics[i], rderr);
            goto done;
        }
        /* pages up to 16 MiB: the broker default max.message.bytes is about 1 MB */
        rd_kafka_NewTopic_set_config(nt[i], "max.message.bytes", "16777216");
    }
    rd_kafka_CreateTopics(rk, nt, n, opts, q);
    ev = rd_kafka_queue_poll(q, timeout_ms + 5000);
    if (!ev) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "CreateTopics timed out");
        goto done;
    }
    if (rd_kafka_event_error(ev)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "CreateTopics: %s",
                        rd_kafka_event_error_string(ev));
        goto done;
    }
    size_t cnt = 0;
    const rd_kafka_topic_result_t **res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
    for (size_t i = 0; i < cnt; i++) {
        rd_kafka_resp_err_t terr = rd_kafka_topic_result_error(res[i]);
        if (terr && terr != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "create topic %s: %s",
                            rd_kafka_topic_result_name(res[i]),
                            rd_kafka_topic_result_error_string(res[i])
                                ? rd_kafka_topic_result_error_string(res[i])
                                : rd_kafka_err2str(terr));
            goto done;
        }
    }
    /* The controller has committed the topics, but the broker creates their logs a little
     * later, one partition after another. Return only when every new partition answers a
     * ListOffsets from its leader: a producer that starts at once then finds them ready (under
     * CPU load, an idempotent producer writing into partitions still being created was seen to
     * lose a few acknowledged records). */
    int64_t deadline = nf_mono_ms() + timeout_ms;
    for (size_t i = 0; i < cnt; i++) {
        if (rd_kafka_topic_result_error(res[i])) {
            continue; /* it existed before */
        }
        const char *name = rd_kafka_topic_result_name(res[i]);
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, name, NULL);
        for (int p = 0; rkt && p < partitions; p++) {
            int64_t lo, hi;
            rd_kafka_resp_err_t werr;
            while ((werr = rd_kafka_query_watermark_offsets(rk, name, p, &lo, &hi, 1000)) != 0) {
                if (nf_mono_ms() >= deadline) {
                    err = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA,
                                    "topic %s partition %d not ready: %s", name, p,
                                    rd_kafka_err2str(werr));
                    rd_kafka_topic_destroy(rkt);
                    goto done;
                }
                /* the client may not know the new partitions yet: refresh its metadata */
                const struct rd_kafka_metadata *md = NULL;
                if (rd_kafka_metadata(rk, 0, rkt, &md, 1000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                    rd_kafka_metadata_destroy(md);
                }
                usleep(50 * 1000);
            }
        }
        if (rkt) {
            rd_kafka_topic_destroy(rkt);
        }
    }
done:
    if (ev) {
        rd_kafka_event_destroy(ev);
    }
    for (size_t i = 0; nt && i < n; i++) {
        if (nt[i]) {
            rd_kafka_NewTopic_destroy(nt[i]);
        }
    }
    free(nt);
    if (opts) {
        rd_kafka_AdminOptions_destroy(opts);
    }
    if (q) {
        rd_kafka_queue_destroy(q);
    }
    return err;
}

int nf_kafka_defaults_hook(struct nf_conf *conf, const void *opaque)
{
    (void)opaque;
    return nf_kafka_defaults(conf);
}

int nf_kafka_delete_topics(rd_kafka_t *rk, const char *const *topics, size_t n, int timeout_ms,
                           char *errstr, size_t errstr_size)
{
    int err = 0;
    char rderr[512];
    rd_kafka_DeleteTopic_t **dt = calloc(n ? n : 1, sizeof(*dt));
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS);
    rd_kafka_event_t *ev = NULL;
    if (!dt || !q || !opts) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, rderr, sizeof(rderr));
    rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, rderr, sizeof(rderr));
    for (size_t i = 0; i < n; i++) {
        if (!(dt[i] = rd_kafka_DeleteTopic_new(topics[i]))) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    rd_kafka_DeleteTopics(rk, dt, n, opts, q);
    if (!(ev = rd_kafka_queue_poll(q, timeout_ms + 5000))) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "DeleteTopics timed out");
        goto done;
    }
    if (rd_kafka_event_error(ev)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "DeleteTopics: %s",
                        rd_kafka_event_error_string(ev));
        goto done;
    }
    size_t cnt = 0;
    const rd_kafka_topic_result_t **res =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &cnt);
    for (size_t i = 0; i < cnt; i++) {
        rd_kafka_resp_err_t terr = rd_kafka_topic_result_error(res[i]);
        if (terr && terr != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "delete topic %s: %s",
                            rd_kafka_topic_result_name(res[i]), rd_kafka_err2str(terr));
            goto done;
        }
    }
done:
    if (ev) {
        rd_kafka_event_destroy(ev);
    }
    for (size_t i = 0; dt && i < n; i++) {
        if (dt[i]) {
            rd_kafka_DeleteTopic_destroy(dt[i]);
        }
    }
    free(dt);
    if (opts) {
        rd_kafka_AdminOptions_destroy(opts);
    }
    if (q) {
        rd_kafka_queue_destroy(q);
    }
    return err;
}

int nf_kafka_wait_ready(rd_kafka_t *rk, int timeout_ms, char *errstr, size_t errstr_size)
{
    int64_t deadline = nf_mono_ms() + timeout_ms;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    while (nf_mono_ms() < deadline) {
        const struct rd_kafka_metadata *md = NULL;
        e = rd_kafka_metadata(rk, 0, NULL, &md, 2000);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            int nb = md->broker_cnt;
            rd_kafka_metadata_destroy(md);
            if (nb > 0) {
                return 0;
            }
        }
    }
    return nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "cluster not reachable after %d ms: %s",
                     timeout_ms, rd_kafka_err2str(e));
}
