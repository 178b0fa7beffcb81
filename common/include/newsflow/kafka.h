/* kafka.h - librdkafka helpers for the runner and the tools (ingest, broker, tail).
 *
 * The conf table in NF_KAFKA_PROPS holds the keys every Kafka-using binary shares; kafka.* keys
 * pass through to librdkafka unchanged.
 */
#ifndef NEWSFLOW_KAFKA_H
#define NEWSFLOW_KAFKA_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

#include "newsflow/conf.h"

#define NF_KAFKA_DEFAULT_BOOTSTRAP "127.0.0.1:9092"

/* Set the Kafka defaults every binary shares (kafka.bootstrap.servers = 127.0.0.1:9092) unless a
 * source already set them. */
int nf_kafka_defaults(struct nf_conf *conf);

/* nf_kafka_defaults as an nf_cli set_defaults hook, for the tools that need nothing else. */
int nf_kafka_defaults_hook(struct nf_conf *conf, const void *opaque);

/* librdkafka log lines, routed through nf_log (set on every conf made here). */
void nf_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

/* A new rd_kafka_conf_t with every kafka.* pass-through applied (the caller owns it: hand it to
 * rd_kafka_new or free it with rd_kafka_conf_destroy). NULL with errstr set on a bad key. */
rd_kafka_conf_t *nf_kafka_conf_new(const struct nf_conf *conf, char *errstr, size_t errstr_size);

/* Producer with sane defaults (idempotent, murmur2_random partitioner so Java clients agree,
 * large messages) plus the pass-through keys. dr_msg_cb may be NULL. */
rd_kafka_t *nf_kafka_producer_new(const struct nf_conf *conf,
                                  void (*dr_msg_cb)(rd_kafka_t *, const rd_kafka_message_t *,
                                                    void *),
                                  void *opaque, char *errstr, size_t errstr_size);

/* Delete topics (ignoring "unknown topic") with the Admin API; waits up to timeout_ms. */
int nf_kafka_delete_topics(rd_kafka_t *rk, const char *const *topics, size_t n, int timeout_ms,
                           char *errstr, size_t errstr_size);

/* Create topics (ignoring "already exists") with the Admin API, each with max.message.bytes =
 * 16 MiB; waits up to timeout_ms. */
int nf_kafka_create_topics(rd_kafka_t *rk, const char *const *topics, size_t n, int partitions,
                           int replication, int timeout_ms, char *errstr, size_t errstr_size);

/* Wait until the cluster answers a metadata request, up to timeout_ms. */
int nf_kafka_wait_ready(rd_kafka_t *rk, int timeout_ms, char *errstr, size_t errstr_size);

#endif
