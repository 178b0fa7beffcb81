/* txn.c - the exactly-once mode of the runner (processing.guarantee = exactly_once): Kafka's
 * transactional consume-transform-produce, after librdkafka's examples/transactions.c.
 *
 * Outputs and dead letters of a batch of inputs are produced inside one transaction, and the
 * consumer's positions are committed *with* that transaction (send_offsets_to_transaction), so
 * a read_committed reader of the output sees each input's result exactly once: either the whole
 * batch and its offsets commit, or neither does and the batch is consumed again. A failure that
 * requires an abort rewinds the consumer to its last committed offsets.
 */
#include <stdio.h>
#include <string.h>

#include "newsflow/err.h"
#include "newsflow/log.h"
#include "newsflow/util.h"
#include "runner_kafka.h"

/* Handle a transactional API error: returns 1 to retry the call, 0 when it was dealt with
 * (abort needed -> r->txn_abort; fatal -> r->fatal). Takes ownership of e. */
static int nf_txn_error(struct nf_runner *r, rd_kafka_error_t *e, const char *what)
{
    int retry = 0;
    if (rd_kafka_error_is_retriable(e)) {
        nf_log_warn("%s: %s; retrying", what, rd_kafka_error_string(e));
        retry = 1;
    } else if (rd_kafka_error_txn_requires_abort(e)) {
        nf_log_warn("%s: %s; aborting the transaction", what, rd_kafka_error_string(e));
        r->txn_abort = 1;
    } else {
        /* fatal, or unclassified (rdkafka.h: treat as fatal) */
        nf_log_error("%s: %s; stopping", what, rd_kafka_error_string(e));
        r->fatal = 1;
        nf_metrics_set_fatal(r->metrics);
    }
    nf_metrics_error(r->metrics);
    rd_kafka_error_destroy(e);
    return retry;
}

int nf_txn_init(struct nf_runner *r, char *errstr, size_t errstr_size)
{
    if (!r->eos) {
        return 0;
    }
    for (int attempt = 0; attempt < 10; attempt++) {
        rd_kafka_error_t *e = rd_kafka_init_transactions(r->producer, 30000);
        if (!e) {
            return 0;
        }
        if (!rd_kafka_error_is_retriable(e)) {
            nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "init_transactions: %s",
                      rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
            return NF_ERR_KAFKA;
        }
        nf_log_warn("init_transactions: %s; retrying", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    }
    return nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "init_transactions kept timing out");
}

/* Abort the open transaction and rewind every assigned partition to its committed offset, so
 * that the aborted batch is consumed again. */
static void nf_txn_abort_rewind(struct nf_runner *r)
{
    if (r->txn_open) {
        rd_kafka_error_t *e;
        while ((e = rd_kafka_abort_transaction(r->producer, 30000))) {
            if (!nf_txn_error(r, e, "abort_transaction") || r->fatal) {
                return;
            }
        }
        r->txn_open = 0;
        r->txn_aborts++;
    }
    r->txn_abort = 0;
    if (r->txn_refused) {
        /* the broker refused a record as such: retry the batch one input per transaction,
         * so that the refused one is found (and, refused again and again, dead-lettered) */
        r->txn_refused = 0;
        if (r->txn_careful < r->txn_inputs + 1) {
            r->txn_careful = r->txn_inputs + 1;
        }
    }
    rd_kafka_topic_partition_list_t *parts = NULL;
    if (rd_kafka_assignment(r->consumer, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return;
    }
    if (parts->cnt > 0) {
        rd_kafka_resp_err_t err = rd_kafka_committed(r->consumer, parts, 30000);
        if (err) {
            nf_log_error("rewind after abort: reading committed offsets failed: %s; stopping",
                         rd_kafka_err2str(err));
            r->fatal = 1;
        } else {
            for (int i = 0; i < parts->cnt; i++) {
                if (parts->elems[i].offset < 0) {
                    parts->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
                }
            }
            /* timeout -1: 2.0.2's finite timeouts are 1000x too short (#4230) */
            rd_kafka_error_t *e = rd_kafka_seek_partitions(r->consumer, parts, -1);
            if (e) {
                nf_log_error("rewind after abort: %s; stopping", rd_kafka_error_string(e));
                rd_kafka_error_destroy(e);
                r->fatal = 1;
            }
        }
        nf_log_warn("transaction aborted: %d partition(s) rewound to their committed offsets",
                    parts->cnt);
    }
    rd_kafka_topic_partition_list_destroy(parts);
}

void nf_txn_ensure(struct nf_runner *r)
{
    if (!r->eos || r->fatal) {
        return;
    }
    if (r->txn_abort) {
        nf_txn_abort_rewind(r);
    }
    if (r->txn_open || r->fatal) {
        return;
    }
    rd_kafka_error_t *e = rd_kafka_begin_transaction(r->producer);
    if (e) {
        nf_txn_error(r, e, "begin_transaction");
        return;
    }
    r->txn_open = 1;
    r->txn_inputs = 0;
    r->txn_started_ms = nf_mono_ms();
}

/* Send the consumer's positions with the transaction and commit it. */
static void nf_txn_commit(struct nf_runner *r)
{
    rd_kafka_topic_partition_list_t *pos = NULL;
    rd_kafka_consumer_group_metadata_t *cgmd = NULL;
    rd_kafka_error_t *e;
    if (rd_kafka_assignment(r->consumer, &pos) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        r->txn_abort = 1;
        goto done;
    }
    if (pos->cnt > 0) {
        rd_kafka_position(r->consumer, pos);
        /* drop partitions with nothing consumed yet (position -1001): nothing to commit */
        rd_kafka_topic_partition_list_t *have = rd_kafka_topic_partition_list_new(pos->cnt);
        for (int i = 0; i < pos->cnt; i++) {
            if (pos->elems[i].offset >= 0) {
                rd_kafka_topic_partition_list_add(have, pos->elems[i].topic,
                                                  pos->elems[i].partition)
                    ->offset = pos->elems[i].offset;
            }
        }
        rd_kafka_topic_partition_list_destroy(pos);
        pos = have;
    }
    if (pos->cnt > 0) {
        cgmd = rd_kafka_consumer_group_metadata(r->consumer);
        while ((e = rd_kafka_send_offsets_to_transaction(r->producer, pos, cgmd, -1))) {
            if (!nf_txn_error(r, e, "send_offsets_to_transaction") || r->fatal) {
                goto done;
            }
        }
    }
    while ((e = rd_kafka_commit_transaction(r->producer, -1))) {
        if (!nf_txn_error(r, e, "commit_transaction") || r->fatal) {
            goto done;
        }
    }
    r->txn_open = 0;
    r->txn_commits++;
    if (r->txn_careful > 0) {
        r->txn_careful--;
    }
    nf_log_debug("transaction committed: %zu input(s)", r->txn_inputs);
done:
    if (cgmd) {
        rd_kafka_consumer_group_metadata_destroy(cgmd);
    }
    if (pos) {
        rd_kafka_topic_partition_list_destroy(pos);
    }
    if (r->txn_abort && !r->fatal) {
        nf_txn_abort_rewind(r);
    }
}

void nf_txn_tick(struct nf_runner *r, int force)
{
    if (!r->eos || !r->txn_open || r->fatal) {
        return;
    }
    if (r->txn_abort) {
        nf_txn_abort_rewind(r);
        return;
    }
    int due = force || r->inflight >= r->max_inflight ||
              (r->txn_careful > 0 && r->txn_inputs > 0) ||
              (r->txn_inputs > 0 && nf_mono_ms() - r->txn_started_ms >= r->txn_interval_ms);
    if (due) {
        nf_txn_commit(r);
    }
}

void nf_txn_revoke(struct nf_runner *r, int lost)
{
    if (!r->eos || !r->txn_open) {
        return;
    }
    if (lost) {
        /* another member owns these partitions now: our batch must not commit */
        r->txn_abort = 1;
        nf_txn_abort_rewind(r);
        return;
    }
    nf_txn_commit(r);
}
