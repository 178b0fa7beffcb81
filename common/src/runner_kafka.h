/* runner_kafka.h - private to the runner's Kafka loop: its state (runner.c) and the
 * transactional, exactly-once commit path (txn.c) that replaces offset storing when
 * processing.guarantee = exactly_once.
 */
#ifndef NEWSFLOW_RUNNER_KAFKA_H
#define NEWSFLOW_RUNNER_KAFKA_H

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdint.h>

#include "metrics.h"
#include "runner_int.h"

/* One slot per consumed, not yet completed input, in consume order. */
struct nf_slot {
    int64_t offset;
    int done;
};

/* Progress of one assigned input partition: a ring of in-flight offsets [head, tail). */
struct nf_track {
    int assigned;
    uint64_t epoch; /* changes on every assignment: late completions of a previous one are stale */
    uint64_t head;
    uint64_t tail;
    struct nf_slot *slots; /* cap = max.inflight: a partition never has more in flight */
};

/* The opaque of every produced message: what to complete when the broker acknowledges it. */
struct nf_pending {
    rd_kafka_message_t *in; /* the input, kept for dead-lettering its original bytes */
    int32_t partition;
    uint64_t epoch;
    uint64_t seq;
    int is_dlq;
    int attempts;
};

/* A stage's Kafka loop: its clients, progress tracking and state. */
struct nf_runner {
    const struct nf_stage *stage;
    struct nf_conf *conf;
    struct nf_processor proc;
    rd_kafka_t *consumer;
    rd_kafka_t *producer;
    const char *in_topic;
    const char *out_topic;
    char dlq_topic[512];
    struct nf_track *tracks;
    size_t ntracks;
    size_t max_inflight;
    size_t inflight;
    uint64_t epoch;
    int closing; /* no more dead-lettering from delivery reports */
    int fatal;
    volatile sig_atomic_t *stop;
    int64_t last_broker_warn;
    struct nf_metrics *metrics; /* counters, lag and health; served when metrics.port is set */
    uint64_t dead;              /* dead letters sent, for the log summary */

    /* processing.guarantee = exactly_once (txn.c) */
    int eos;
    int txn_open;
    int txn_abort; /* a delivery failed inside the open transaction: abort and rewind */
    int64_t txn_started_ms;
    size_t txn_inputs;
    int64_t txn_interval_ms;
    uint64_t txn_commits, txn_aborts;
    int txn_refused;   /* the broker refused a record of the open transaction for itself */
    size_t txn_careful; /* transactions still to run with one input each, after a refusal */
    /* the input whose output the broker refused for itself (too large, invalid) in a
     * transaction of its own, and how many times in a row: at NF_TXN_POISON_ABORTS it is
     * dead-lettered instead of aborting forever */
    int32_t poison_partition;
    int64_t poison_offset;
    int poison_count;
    char poison_err[256];
};

#define NF_TXN_POISON_ABORTS 3

/* Exactly-once (txn.c). All no-ops unless r->eos. */
/* After the producer exists: init_transactions. 0 or an nf_err with errstr. */
int nf_txn_init(struct nf_runner *r, char *errstr, size_t errstr_size);
/* Before handling an input: make sure a transaction is open (abort + rewind first if a delivery
 * failed in the current one). */
void nf_txn_ensure(struct nf_runner *r);
/* Commit the open transaction with the consumer's positions when it is due (commit interval,
 * back-pressure) or force is set. */
void nf_txn_tick(struct nf_runner *r, int force);
/* From the rebalance callback, before partitions are revoked: commit what they produced, or
 * abort when the assignment was lost. */
void nf_txn_revoke(struct nf_runner *r, int lost);

#endif
