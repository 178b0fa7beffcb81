/* runner.c - the Kafka loop every stage runs: consume -> transform -> produce, at-least-once.
 *
 * Data flow: consumer_poll() hands us an input message; nf_process() turns it into an output
 * record (or a dead-letter reason); we produce it keyed by id, keeping the input message as the
 * produce opaque. Only when the broker acknowledges the output (delivery report) is the input
 * marked done; per input partition, the highest *contiguous* done offset is stored, and
 * librdkafka's auto-commit commits stored offsets. So an input is committed only after its
 * output (or dead letter) is durable: a crash at any point means reprocessing, never loss.
 *
 * processing.guarantee = exactly_once swaps the commit path: nf_runner_complete() stores
 * nothing, and txn.c commits outputs and consumer positions together in Kafka transactions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsflow/err.h"
#include "newsflow/kafka.h"
#include "newsflow/log.h"
#include "newsflow/util.h"
#include "metrics.h"
#include "runner_int.h"
#include "runner_kafka.h"

static struct nf_track *nf_runner_track(struct nf_runner *r, int32_t partition)
{
    if (partition < 0 || partition > 100000) {
        return NULL;
    }
    if ((size_t)partition >= r->ntracks) {
        size_t n = (size_t)partition + 1;
        struct nf_track *t = realloc(r->tracks, n * sizeof(*t));
        if (!t) {
            return NULL;
        }
        memset(t + r->ntracks, 0, (n - r->ntracks) * sizeof(*t));
        r->tracks = t;
        r->ntracks = n;
    }
    struct nf_track *t = &r->tracks[partition];
    if (!t->slots && !(t->slots = calloc(r->max_inflight, sizeof(*t->slots)))) {
        return NULL;
    }
    return t;
}

/* An input is done (output acknowledged, dead-lettered or skipped): advance the partition's
 * contiguous done mark and store it for commit. Completions of a revoked assignment are
 * ignored: the partition's new owner reprocesses those inputs. */
static void nf_runner_complete(struct nf_runner *r, int32_t partition, uint64_t epoch,
                               uint64_t seq)
{
    r->inflight--;
    if (r->eos) {
        return; /* offsets go with the transaction (txn.c) */
    }
    if ((size_t)partition >= r->ntracks) {
        return;
    }
    struct nf_track *t = &r->tracks[partition];
    if (!t->assigned || t->epoch != epoch || seq < t->head || seq >= t->tail) {
        return;
    }
    t->slots[seq % r->max_inflight].done = 1;
    int64_t store = -1;
    while (t->head < t->tail && t->slots[t->head % r->max_inflight].done) {
        store = t->slots[t->head % r->max_inflight].offset;
        t->head++;
    }
    if (store < 0) {
        return;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, r->in_topic, partition)->offset = store + 1;
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(r->consumer, l);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && l->elems[0].err) {
        err = l->elems[0].err;
    }
    /* _STATE: the partition was revoked meanwhile; its new owner will redo the input */
    if (err && err != RD_KAFKA_RESP_ERR__STATE) {
        nf_log_warn("storing offset %s[%d]@%lld failed: %s", r->in_topic, (int)partition,
                    (long long)(store + 1), rd_kafka_err2str(err));
    }
    rd_kafka_topic_partition_list_destroy(l);
}

static void nf_pending_free(struct nf_pending *pd)
{
    if (pd) {
        rd_kafka_message_destroy(pd->in);
        free(pd);
    }
}

/* Produce with the broker-side queue as back-pressure: on QUEUE_FULL serve delivery reports and
 * try again. Returns 0 or the librdkafka error (the message was not enqueued). */
static rd_kafka_resp_err_t nf_runner_produce(struct nf_runner *r, const char *topic,
                                             const void *key, size_t key_len, const void *val,
                                             size_t val_len, rd_kafka_headers_t *hdrs,
                                             struct nf_pending *pd)
{
    for (;;) {
        rd_kafka_resp_err_t err;
        if (hdrs) {
            err = rd_kafka_producev(r->producer, RD_KAFKA_V_TOPIC(topic),
                                    RD_KAFKA_V_KEY(key, key_len),
                                    RD_KAFKA_V_VALUE((void *)val, val_len),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(pd), RD_KAFKA_V_END);
        } else {
            err = rd_kafka_producev(r->producer, RD_KAFKA_V_TOPIC(topic),
                                    RD_KAFKA_V_KEY(key, key_len),
                                    RD_KAFKA_V_VALUE((void *)val, val_len),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_OPAQUE(pd), RD_KAFKA_V_END);
        }
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            return err;
        }
        rd_kafka_poll(r->producer, 100);
    }
}

/* How much of an input of len bytes to keep in its dead letter after `keep` bytes were too large
 * for a message: first all but 64 KiB (room for the nf.* headers), then half each time, then 0. */
static size_t nf_dlq_shrink(size_t keep, size_t len)
{
    if (keep == len && len > 65536) {
        return len - 65536;
    }
    return keep > 1024 ? keep / 2 : 0;
}

/* Dead-letter pd->in: original key and headers untouched, plus nf.* headers saying why, and the
 * input's first `keep` bytes as the value: all of them, unless the input plus the headers is over
 * the message size limit; then what fits, with nf.truncated = the input's full length (the input
 * stays readable at its source offset until retention). `again`: pd was counted already.
 * Takes ownership of pd (completed through the DLQ delivery report). */
static void nf_runner_dead_letter_n(struct nf_runner *r, struct nf_pending *pd, const char *cls,
                                    const char *reason, size_t keep, int again)
{
    const rd_kafka_message_t *in = pd->in;
    rd_kafka_headers_t *orig = NULL;
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(in, &orig) == RD_KAFKA_RESP_ERR_NO_ERROR && orig) {
        h = rd_kafka_headers_copy(orig);
    } else {
        h = rd_kafka_headers_new(8);
    }
    char num[32];
    char ts[40];
    nf_rfc3339(nf_now_ms(), ts, sizeof(ts));
    rd_kafka_header_add(h, "nf.error", -1, reason, -1);
    rd_kafka_header_add(h, "nf.error.class", -1, cls, -1);
    rd_kafka_header_add(h, "nf.stage", -1, r->stage->name, -1);
    rd_kafka_header_add(h, "nf.stage.version", -1, r->stage->version, -1);
    rd_kafka_header_add(h, "nf.source.topic", -1, rd_kafka_topic_name(in->rkt), -1);
    snprintf(num, sizeof(num), "%d", (int)in->partition);
    rd_kafka_header_add(h, "nf.source.partition", -1, num, -1);
    snprintf(num, sizeof(num), "%lld", (long long)in->offset);
    rd_kafka_header_add(h, "nf.source.offset", -1, num, -1);
    rd_kafka_header_add(h, "nf.failed.at", -1, ts, -1);
    if (keep < in->len) {
        snprintf(num, sizeof(num), "%zu", in->len);
        rd_kafka_header_add(h, "nf.truncated", -1, num, -1);
    }
    pd->is_dlq = 1;
    rd_kafka_resp_err_t err = nf_runner_produce(r, r->dlq_topic, in->key, in->key_len, in->payload,
                                                keep, h, pd);
    if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE && keep > 0) {
        /* over message.max.bytes with the headers: dead-letter what fits rather than stop */
        rd_kafka_headers_destroy(h);
        nf_runner_dead_letter_n(r, pd, cls, reason, nf_dlq_shrink(keep, in->len), again);
        return;
    }
    if (err) {
        /* nowhere left to put it: stop without committing it, so nothing is lost */
        rd_kafka_headers_destroy(h);
        nf_log_error("cannot dead-letter %s[%d]@%lld to %s: %s; stopping so it is not lost",
                     rd_kafka_topic_name(in->rkt), (int)in->partition, (long long)in->offset,
                     r->dlq_topic, rd_kafka_err2str(err));
        r->fatal = 1;
        r->inflight--;
        nf_pending_free(pd);
        return;
    }
    if (keep < in->len) {
        nf_log_warn("dead letter of %s[%d]@%lld truncated to %zu of %zu bytes (message size "
                    "limit)",
                    rd_kafka_topic_name(in->rkt), (int)in->partition, (long long)in->offset,
                    keep, in->len);
    }
    if (!again) {
        r->dead++;
        nf_metrics_dead(r->metrics, cls);
        nf_metrics_error(r->metrics);
    }
}

static void nf_runner_dead_letter(struct nf_runner *r, struct nf_pending *pd, const char *cls,
                                  const char *reason)
{
    nf_runner_dead_letter_n(r, pd, cls, reason, pd->in->len, 0);
}

/* Errors after which sending the same message again can succeed. */
static int nf_err_retriable(rd_kafka_resp_err_t err)
{
    switch (err) {
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
        return 1;
    default:
        return 0;
    }
}

/* Errors with which the broker refuses one record for what it is (not the topic, not the
 * connection): sending it again can never succeed. */
static int nf_runner_record_refused(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE || err == RD_KAFKA_RESP_ERR_INVALID_MSG ||
           err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_INVALID_RECORD || err == RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP;
}

static void nf_runner_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    struct nf_runner *r = opaque;
    struct nf_pending *pd = m->_private;
    if (!pd) {
        return;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (r->poison_count && pd->in && r->poison_partition == pd->in->partition &&
            r->poison_offset == pd->in->offset) {
            r->poison_count = 0; /* delivered at last (or its dead letter was) */
        }
        if (!pd->is_dlq) {
            nf_metrics_add(r->metrics, NF_M_PRODUCED, 1);
            nf_metrics_add(r->metrics, NF_M_BYTES_OUT, m->len);
        }
        nf_runner_complete(r, pd->partition, pd->epoch, pd->seq);
        nf_pending_free(pd);
        return;
    }
    if (r->eos && !r->closing && m->err != RD_KAFKA_RESP_ERR__PURGE_QUEUE &&
        m->err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        /* inside a transaction a failed delivery dooms the batch: abort, consume it again */
        nf_log_warn("delivery to %s failed in a transaction: %s", rd_kafka_topic_name(m->rkt),
                    rd_kafka_err2str(m->err));
        int refused = nf_runner_record_refused(m->err);
        if (refused) {
            /* sending it again would abort every transaction from now on: the aborted inputs
             * are retried one per transaction (txn.c), which tells the culprit, and a culprit
             * refused NF_TXN_POISON_ABORTS times alone is dead-lettered */
            r->txn_refused = 1;
        }
        if (refused && pd->in && r->txn_inputs == 1) {
            if (r->poison_count && r->poison_partition == pd->in->partition &&
                r->poison_offset == pd->in->offset) {
                r->poison_count++;
            } else {
                r->poison_partition = pd->in->partition;
                r->poison_offset = pd->in->offset;
                r->poison_count = 1;
            }
            snprintf(r->poison_err, sizeof(r->poison_err), "%s", rd_kafka_err2str(m->err));
            if (pd->is_dlq && r->poison_count >= 2 * NF_TXN_POISON_ABORTS) {
                nf_log_error("%s[%d]@%lld: even its dead letter is refused (%s); stopping",
                             rd_kafka_topic_name(pd->in->rkt), (int)pd->in->partition,
                             (long long)pd->in->offset, r->poison_err);
                r->fatal = 1;
            }
        }
        r->txn_abort = 1;
        r->inflight--;
        nf_pending_free(pd);
        return;
    }
    if (r->closing || m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
        m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        /* given up at shutdown: not committed, so reprocessed after restart */
        r->inflight--;
        nf_metrics_add(r->metrics, NF_M_ABANDONED, 1);
        nf_pending_free(pd);
        return;
    }
    if (nf_err_retriable(m->err) && pd->attempts < 1000) {
        pd->attempts++;
        nf_log_warn("delivery to %s failed (%s), sending again (attempt %d)",
                    rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err), pd->attempts + 1);
        rd_kafka_headers_t *h = NULL;
        rd_kafka_headers_t *mh = NULL;
        if (rd_kafka_message_headers(m, &mh) == RD_KAFKA_RESP_ERR_NO_ERROR && mh) {
            h = rd_kafka_headers_copy(mh);
        }
        rd_kafka_resp_err_t err = nf_runner_produce(r, rd_kafka_topic_name(m->rkt), m->key,
                                                    m->key_len, m->payload, m->len, h, pd);
        if (!err) {
            return;
        }
        if (h) {
            rd_kafka_headers_destroy(h);
        }
    }
    if (pd->is_dlq && m->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE && m->len > 0 &&
        pd->attempts < 32) {
        /* the broker's limit is below ours: send less of the input, same reason */
        char cls[64] = "produce";
        char reason[512] = "dead letter over the broker's message size limit";
        rd_kafka_headers_t *mh = NULL;
        const void *v;
        size_t vlen;
        if (rd_kafka_message_headers(m, &mh) == RD_KAFKA_RESP_ERR_NO_ERROR && mh) {
            if (rd_kafka_header_get_last(mh, "nf.error.class", &v, &vlen) == 0 && v) {
                snprintf(cls, sizeof(cls), "%.*s", (int)vlen, (const char *)v);
            }
            if (rd_kafka_header_get_last(mh, "nf.error", &v, &vlen) == 0 && v) {
                snprintf(reason, sizeof(reason), "%.*s", (int)vlen, (const char *)v);
            }
        }
        pd->attempts++;
        nf_runner_dead_letter_n(r, pd, cls, reason, nf_dlq_shrink(m->len, pd->in->len), 1);
        return;
    }
    if (!pd->is_dlq) {
        char why[512];
        snprintf(why, sizeof(why), "producing the output to %s failed: %s",
                 rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
        nf_log_warn("id=%.*s %s; dead-lettering the input", (int)m->key_len,
                    (const char *)m->key, why);
        nf_runner_dead_letter(r, pd, "produce", why);
        return;
    }
    nf_log_error("dead letter for %s[%d]@%lld not delivered to %s: %s; stopping so it is not lost",
                 rd_kafka_topic_name(pd->in->rkt), (int)pd->in->partition,
                 (long long)pd->in->offset, r->dlq_topic, rd_kafka_err2str(m->err));
    r->fatal = 1;
    r->inflight--;
    nf_pending_free(pd);
}

static void nf_runner_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    struct nf_runner *r = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[512];
        rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof(buf));
        nf_log_error("fatal Kafka error: %s: %s", rd_kafka_err2name(orig), buf);
        r->fatal = 1;
        nf_metrics_set_fatal(r->metrics);
        return;
    }
    nf_metrics_error(r->metrics);
    /* transient: librdkafka reconnects with back-off by itself; say so, at most every 10 s */
    int64_t now = nf_mono_ms();
    if (now - r->last_broker_warn >= 10000) {
        r->last_broker_warn = now;
        nf_log_warn("%s: %s (%s); retrying with back-off, nothing is committed meanwhile",
                    rd_kafka_name(rk), rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
    }
}

static int nf_runner_stats_cb(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    (void)rk;
    struct nf_runner *r = opaque;
    nf_metrics_stats(r->metrics, json, len);
    return 0; /* librdkafka frees json */
}

/* Drain outputs of the partitions being taken away, then commit what they completed. */
static void nf_runner_revoke(struct nf_runner *r, rd_kafka_topic_partition_list_t *parts)
{
    int64_t t0 = nf_mono_ms();
    rd_kafka_resp_err_t ferr =
        rd_kafka_flush(r->producer, (int)nf_conf_get_int(r->conf, "shutdown.timeout.ms"));
    if (ferr) {
        nf_log_warn("revoke: outputs still in flight after flush (%s); their inputs will be "
                    "reprocessed by the partitions' next owner", rd_kafka_err2str(ferr));
    }
    rd_kafka_resp_err_t cerr = rd_kafka_commit(r->consumer, NULL, 0);
    if (cerr && cerr != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        nf_log_warn("revoke: commit failed: %s", rd_kafka_err2str(cerr));
    }
    for (int i = 0; i < parts->cnt; i++) {
        int32_t p = parts->elems[i].partition;
        if ((size_t)p < r->ntracks) {
            r->tracks[p].assigned = 0;
        }
    }
    nf_log_info("revoked %d partition(s) of %s in %lld ms", parts->cnt, r->in_topic,
                (long long)(nf_mono_ms() - t0));
}

static void nf_runner_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    struct nf_runner *r = opaque;
    int coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    rd_kafka_error_t *e = NULL;
    rd_kafka_resp_err_t aerr = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        for (int i = 0; i < parts->cnt; i++) {
            struct nf_track *t = nf_runner_track(r, parts->elems[i].partition);
            if (!t) {
                nf_log_error("out of memory tracking partition %d", parts->elems[i].partition);
                r->fatal = 1;
                continue;
            }
            t->assigned = 1;
            t->epoch = ++r->epoch;
            t->head = t->tail = 0;
        }
        nf_log_info("assigned %d partition(s) of %s", parts->cnt, r->in_topic);
        nf_metrics_add(r->metrics, NF_M_REBALANCES, 1);
        if (coop) {
            e = rd_kafka_incremental_assign(rk, parts);
        } else {
            aerr = rd_kafka_assign(rk, parts);
        }
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        if (rd_kafka_assignment_lost(rk)) {
            nf_log_warn("assignment lost (session timed out?): in-flight inputs will be "
                        "reprocessed");
        }
        if (r->eos) {
            nf_txn_revoke(r, rd_kafka_assignment_lost(rk));
            for (int i = 0; i < parts->cnt; i++) {
                if ((size_t)parts->elems[i].partition < r->ntracks) {
                    r->tracks[parts->elems[i].partition].assigned = 0;
                }
            }
        } else {
            nf_runner_revoke(r, parts);
        }
        nf_metrics_add(r->metrics, NF_M_REBALANCES, 1);
        if (coop) {
            e = rd_kafka_incremental_unassign(rk, parts);
        } else {
            aerr = rd_kafka_assign(rk, NULL);
        }
    } else {
        nf_log_error("rebalance error: %s", rd_kafka_err2str(err));
        aerr = rd_kafka_assign(rk, NULL);
    }
    rd_kafka_topic_partition_list_t *now = NULL;
    if (rd_kafka_assignment(rk, &now) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        nf_metrics_set_assigned(r->metrics, now->cnt);
        rd_kafka_topic_partition_list_destroy(now);
    }
    if (e) {
        nf_log_error("incremental (un)assign failed: %s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    } else if (aerr) {
        nf_log_error("assign failed: %s", rd_kafka_err2str(aerr));
    }
}

/* Consumer with at-least-once settings; user kafka.* keys applied on top of the defaults. */
static rd_kafka_t *nf_runner_consumer_new(struct nf_runner *r, char *errstr, size_t errstr_size)
{
    char rderr[512];
    char client_id[300];
    char host[128] = "localhost";
    gethostname(host, sizeof(host) - 1);
    snprintf(client_id, sizeof(client_id), "newsflow-%s-%s", r->stage->name, host);
    const char *group = nf_conf_get_str(r->conf, "group.id");
    const char *const defaults[][2] = {
        {"group.id", group},
        {"client.id", client_id},
        {"auto.offset.reset", "earliest"},
        /* exactly_once: offsets are committed by the transactions, never by the consumer */
        {"enable.auto.commit", r->eos ? "false" : "true"},
        {"isolation.level", "read_committed"},
        {"enable.auto.offset.store", "false"}, /* we store after delivery */
        {"enable.partition.eof", "false"},
        /* eager range/roundrobin: cooperative-sticky can crash on close in 2.0.2 (#4312) */
        {"partition.assignment.strategy", "range,roundrobin"},
        /* prefetch up to 64 MiB (librdkafka's default, said here because it matters): once
         * the queue is full, librdkafka 2.0.2 decides to fetch again only when its broker
         * thread next wakes, up to a second later. With 120 KB pages a 16 MiB queue held half
         * a second of clean's work, and clean idled half the time (226 pages/s at 48 % CPU;
         * 470/s with 64 MiB). The price is up to 64 MiB more RSS under a backlog. */
        {"queued.max.messages.kbytes", "65536"},
    };
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        if (rd_kafka_conf_set(kc, defaults[i][0], defaults[i][1], rderr, sizeof(rderr))) {
            nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s: %s", defaults[i][0], rderr);
            rd_kafka_conf_destroy(kc);
            return NULL;
        }
    }
    static const char *const producer_only[] = {
        "enable.idempotence", "partitioner", "linger.ms", "compression.type", "acks",
        "message.timeout.ms", "queue.buffering.max.messages", "queue.buffering.max.kbytes",
        "batch.num.messages", "batch.size", "transactional.id", "message.send.max.retries",
        NULL};
    for (size_t i = 0; i < nf_conf_kafka_count(r->conf); i++) {
        const char *name;
        const char *value;
        nf_conf_kafka_get(r->conf, i, &name, &value);
        int skip = 0;
        for (size_t j = 0; producer_only[j]; j++) {
            skip |= strcmp(name, producer_only[j]) == 0;
        }
        if (!skip && rd_kafka_conf_set(kc, name, value, rderr, sizeof(rderr))) {
            nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "kafka.%s: %s", name, rderr);
            rd_kafka_conf_destroy(kc);
            return NULL;
        }
    }
    rd_kafka_conf_set_opaque(kc, r);
    rd_kafka_conf_set_rebalance_cb(kc, nf_runner_rebalance_cb);
    rd_kafka_conf_set_error_cb(kc, nf_runner_error_cb);
    rd_kafka_conf_set_log_cb(kc, nf_kafka_log_cb);
    if (nf_conf_get_int(r->conf, "metrics.port") > 0) {
        /* consumer lag and broker state for /metrics and /readyz */
        char iv[32];
        snprintf(iv, sizeof(iv), "%lld",
                 (long long)nf_conf_get_int(r->conf, "metrics.stats_interval_ms"));
        rd_kafka_conf_set(kc, "statistics.interval.ms", iv, NULL, 0);
        rd_kafka_conf_set_stats_cb(kc, nf_runner_stats_cb);
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, rderr, sizeof(rderr));
    if (!rk) {
        nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "cannot create consumer: %s", rderr);
        rd_kafka_conf_destroy(kc);
        return NULL;
    }
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

/* Wait until the input, output and dead-letter topics exist (they are not auto-created: a
 * typo must not silently create a topic nobody reads). */
static int nf_runner_wait_topics(struct nf_runner *r, char *errstr, size_t errstr_size)
{
    const char *topics[3] = {r->in_topic, r->out_topic, r->dlq_topic};
    int timeout = (int)nf_conf_get_int(r->conf, "startup.timeout.ms");
    int64_t deadline = nf_mono_ms() + timeout;
    const char *missing = NULL;
    int64_t last_log = 0;
    while (!*r->stop) {
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t err = rd_kafka_metadata(r->producer, 1, NULL, &md, 5000);
        missing = "(cluster unreachable)";
        if (!err) {
            missing = NULL;
            for (int i = 0; i < 3 && !missing; i++) {
                int found = 0;
                for (int t = 0; t < md->topic_cnt; t++) {
                    if (strcmp(md->topics[t].topic, topics[i]) == 0 && !md->topics[t].err) {
                        found = 1;
                    }
                }
                if (!found) {
                    missing = topics[i];
                }
            }
            rd_kafka_metadata_destroy(md);
            if (!missing) {
                return 0;
            }
        }
        if (timeout && nf_mono_ms() >= deadline) {
            break;
        }
        if (nf_mono_ms() - last_log > 10000) {
            last_log = nf_mono_ms();
            nf_log_warn("waiting for topic %s%s", missing,
                        err ? " (broker not reachable yet)" : "");
        }
        usleep(500 * 1000);
    }
    return nf_seterr(errstr, errstr_size, NF_ERR_KAFKA,
                     "topic %s not available (create %s, %s and %s first)",
                     missing ? missing : "?", r->in_topic, r->out_topic, r->dlq_topic);
}

/* Handle one consumed message. Takes ownership of m. */
static void nf_runner_handle(struct nf_runner *r, rd_kafka_message_t *m)
{
    struct nf_track *t = nf_runner_track(r, m->partition);
    if (!t || !t->assigned) {
        rd_kafka_message_destroy(m); /* not ours (anymore): do not process, do not commit */
        return;
    }
    struct nf_pending *pd = calloc(1, sizeof(*pd));
    if (!pd) {
        nf_log_error("out of memory");
        r->fatal = 1;
        rd_kafka_message_destroy(m);
        return;
    }
    pd->in = m;
    pd->partition = m->partition;
    pd->epoch = t->epoch;
    pd->seq = t->tail++;
    t->slots[pd->seq % r->max_inflight] = (struct nf_slot){m->offset, 0};
    r->inflight++;
    nf_metrics_add(r->metrics, NF_M_CONSUMED, 1);
    nf_metrics_add(r->metrics, NF_M_BYTES_IN, m->len);

    struct nf_source src = {rd_kafka_topic_name(m->rkt), m->partition, m->offset};
    nf_txn_ensure(r);
    if (r->fatal) {
        /* no transaction to put it in: leave it uncommitted */
        r->inflight--;
        nf_pending_free(pd);
        return;
    }
    r->txn_inputs++;
    struct nf_processed res;
    nf_process(&r->proc, m->payload ? m->payload : "", m->len, &src, &res);
    nf_metrics_observe(r->metrics, res.ms / 1000.0);
    if (res.retries) {
        nf_metrics_add(r->metrics, NF_M_RETRIES, (uint64_t)res.retries);
    }
    if (res.outcome == NF_OUT_PUBLISH && r->eos && r->poison_count >= NF_TXN_POISON_ABORTS &&
        r->poison_partition == m->partition && r->poison_offset == m->offset) {
        char why[512];
        snprintf(why, sizeof(why), "the broker refused the output in %d transactions: %s",
                 r->poison_count, r->poison_err);
        nf_log_warn("%s[%d]@%lld id=%s dead-lettered (produce): %s", src.topic,
                    (int)src.partition, (long long)src.offset, res.id, why);
        nf_runner_dead_letter(r, pd, "produce", why);
        free(res.out);
        return;
    }
    switch (res.outcome) {
    case NF_OUT_PUBLISH: {
        rd_kafka_resp_err_t err = nf_runner_produce(r, r->out_topic, res.id, strlen(res.id),
                                                    res.out, res.out_len, NULL, pd);
        if (err) {
            char why[512];
            snprintf(why, sizeof(why), "producing the output to %s failed: %s", r->out_topic,
                     rd_kafka_err2str(err));
            nf_runner_dead_letter(r, pd, "produce", why);
        }
        break;
    }
    case NF_OUT_SKIP:
        nf_metrics_add(r->metrics, NF_M_SKIPPED, 1);
        nf_runner_complete(r, pd->partition, pd->epoch, pd->seq);
        nf_pending_free(pd);
        break;
    case NF_OUT_DEAD:
        /* an undecodable record has no id: name it by its message key */
        nf_log_warn("%s[%d]@%lld id=%.*s dead-lettered (%s): %s", src.topic, (int)src.partition,
                    (long long)src.offset, res.id[0] ? (int)strlen(res.id) : (int)m->key_len,
                    res.id[0] ? res.id : m->key ? (const char *)m->key : "", res.err_class,
                    res.reason);
        nf_runner_dead_letter(r, pd, res.err_class, res.reason);
        break;
    case NF_OUT_ABANDON:
        /* stopping mid-retry: leave it uncommitted (the partition's mark stops before it) */
        r->inflight--;
        nf_metrics_add(r->metrics, NF_M_ABANDONED, 1);
        nf_pending_free(pd);
        break;
    }
    free(res.out);
}

static void nf_runner_log_counters(struct nf_runner *r, const char *what)
{
    nf_log_info("%s: consumed=%llu produced=%llu dead_lettered=%llu skipped=%llu "
                "abandoned=%llu in_flight=%zu",
                what, (unsigned long long)nf_metrics_get(r->metrics, NF_M_CONSUMED),
                (unsigned long long)nf_metrics_get(r->metrics, NF_M_PRODUCED),
                (unsigned long long)r->dead,
                (unsigned long long)nf_metrics_get(r->metrics, NF_M_SKIPPED),
                (unsigned long long)nf_metrics_get(r->metrics, NF_M_ABANDONED), r->inflight);
}

int nf_runner_run_kafka(const struct nf_stage *stage, struct nf_conf *conf, void *state,
                        volatile sig_atomic_t *stop)
{
    char errstr[1024];
    int rc = 1;
    struct nf_runner r;
    memset(&r, 0, sizeof(r));
    r.stage = stage;
    r.conf = conf;
    r.stop = stop;
    r.in_topic = nf_conf_get_str(conf, "input.topic");
    r.out_topic = nf_conf_get_str(conf, "output.topic");
    snprintf(r.dlq_topic, sizeof(r.dlq_topic), "%s", nf_conf_get_str(conf, "dlq.topic"));
    r.max_inflight = (size_t)nf_conf_get_int(conf, "max.inflight");
    nf_processor_init(&r.proc, stage, conf, state, stop);
    struct nf_httpd *httpd = NULL;
    r.metrics = nf_metrics_new(stage->name, stage->version, r.in_topic, r.out_topic);
    if (!r.metrics) {
        nf_log_error("out of memory");
        goto done;
    }
    int mport = (int)nf_conf_get_int(conf, "metrics.port");
    if (mport > 0) {
        httpd = nf_httpd_start(r.metrics, nf_conf_get_str(conf, "metrics.bind"), mport, errstr,
                               sizeof(errstr));
        if (!httpd) {
            nf_log_error("%s", errstr);
            goto done;
        }
        nf_log_info("metrics on http://%s:%d/metrics (/healthz, /readyz)",
                    nf_conf_get_str(conf, "metrics.bind"), mport);
    }

    r.eos = strcmp(nf_conf_get_str(conf, "processing.guarantee"), "exactly_once") == 0;
    r.txn_interval_ms = nf_conf_get_int(conf, "commit.interval.ms");
    if (r.eos) {
        /* one transactional.id per process (KIP-447 fences zombies by group generation); a
         * stable kafka.transactional.id, e.g. a StatefulSet pod name, lets a restarted copy
         * abort its predecessor's open transaction at once instead of after its timeout */
        char tid[300];
        char host[128] = "localhost";
        gethostname(host, sizeof(host) - 1);
        snprintf(tid, sizeof(tid), "newsflow-%s-%s-%d", stage->name, host, (int)getpid());
        if (nf_conf_kafka_default(conf, "transactional.id", tid) ||
            nf_conf_kafka_default(conf, "transaction.timeout.ms", "10000")) {
            nf_log_error("out of memory");
            goto done;
        }
    }
    r.producer = nf_kafka_producer_new(conf, nf_runner_dr_cb, &r, errstr, sizeof(errstr));
    if (!r.producer) {
        nf_log_error("%s", errstr);
        goto done;
    }
    if (nf_txn_init(&r, errstr, sizeof(errstr)) != 0) {
        nf_log_error("%s", errstr);
        goto done;
    }
    if (nf_runner_wait_topics(&r, errstr, sizeof(errstr)) != 0) {
        nf_log_error("%s", errstr);
        goto done;
    }
    if (!(r.consumer = nf_runner_consumer_new(&r, errstr, sizeof(errstr)))) {
        nf_log_error("%s", errstr);
        goto done;
    }
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, r.in_topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t serr = rd_kafka_subscribe(r.consumer, sub);
    rd_kafka_topic_partition_list_destroy(sub);
    if (serr) {
        nf_log_error("subscribe to %s failed: %s", r.in_topic, rd_kafka_err2str(serr));
        goto done;
    }
    nf_log_info("%s %s running: %s -> %s (dead letters: %s), group %s, %s", stage->name,
                stage->version, r.in_topic, r.out_topic, r.dlq_topic,
                nf_conf_get_str(conf, "group.id"), r.eos ? "exactly once" : "at least once");

    int64_t last_report = nf_mono_ms();
    while (!*stop && !r.fatal) {
        nf_metrics_heartbeat(r.metrics, r.inflight);
        /* back-pressure: too much unacknowledged output, serve delivery reports only */
        if (r.inflight >= r.max_inflight) {
            if (r.eos) {
                nf_txn_tick(&r, 1); /* committing flushes the outputs */
            }
            rd_kafka_poll(r.producer, 100);
            continue;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(r.consumer, 100);
        rd_kafka_poll(r.producer, 0);
        if (m) {
            if (m->err) {
                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                    nf_log_warn("consumer: %s", rd_kafka_message_errstr(m));
                }
                rd_kafka_message_destroy(m);
            } else {
                nf_runner_handle(&r, m);
            }
        }
        nf_txn_tick(&r, 0);
        if (nf_mono_ms() - last_report >= 60000) {
            last_report = nf_mono_ms();
            nf_runner_log_counters(&r, "progress");
        }
    }

    /* shutdown: finish in-flight outputs, commit, leave the group */
    nf_log_info("stopping: flushing %zu in-flight record(s)", r.inflight);
    rc = r.fatal ? 1 : 0;
    nf_txn_tick(&r, 1);
    rd_kafka_resp_err_t ferr =
        rd_kafka_flush(r.producer, (int)nf_conf_get_int(conf, "shutdown.timeout.ms"));
    if (ferr) {
        nf_log_warn("shutdown: %d output(s) not acknowledged in time; their inputs stay "
                    "uncommitted and will be reprocessed", rd_kafka_outq_len(r.producer));
    }
    if (!r.eos) {
        rd_kafka_resp_err_t cerr = rd_kafka_commit(r.consumer, NULL, 0);
        if (cerr && cerr != RD_KAFKA_RESP_ERR__NO_OFFSET) {
            nf_log_warn("final commit failed: %s", rd_kafka_err2str(cerr));
        }
    }
done:
    r.closing = 1;
    if (r.consumer) {
        rd_kafka_consumer_close(r.consumer); /* revoke (flush + commit) and leave the group */
        rd_kafka_destroy(r.consumer);
    }
    if (r.producer) {
        rd_kafka_purge(r.producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(r.producer, 1000); /* serve the purged delivery reports: frees opaques */
        rd_kafka_destroy(r.producer);
    }
    if (r.metrics) {
        nf_runner_log_counters(&r, "stopped");
    }
    nf_httpd_stop(httpd);
    nf_metrics_destroy(r.metrics);
    for (size_t i = 0; i < r.ntracks; i++) {
        free(r.tracks[i].slots);
    }
    free(r.tracks);
    return rc;
}
