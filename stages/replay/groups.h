/* groups.h - the consumer-group side of newsflow-replay, over librdkafka 2.0.2's Admin API:
 * describe a group (state and members), read its committed offsets, and write new ones.
 * Each call is synchronous (a temporary queue, waited on up to timeout_ms).
 */
#ifndef NEWSFLOW_REPLAY_GROUPS_H
#define NEWSFLOW_REPLAY_GROUPS_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

struct rg_group {
    rd_kafka_consumer_group_state_t state;
    size_t members;
    char who[1024]; /* "client.id/host, client.id/host" of the members (truncated with "...") */
};

/* Is a group in this state safe to rewrite (no member can commit over it)? Empty, Dead and
 * unknown groups (never used) are; Stable and rebalancing ones are not. */
int rg_inactive(const struct rg_group *g);

/* DescribeConsumerGroups for one group. Returns 0 or an nf_err with errstr set. */
int rg_describe(rd_kafka_t *rk, const char *group, int timeout_ms, struct rg_group *out,
                char *errstr, size_t errstr_size);

/* ListConsumerGroupOffsets: for each (topic, partition) of parts, sets .offset to the group's
 * committed offset (RD_KAFKA_OFFSET_INVALID when it has none). parts stays the caller's. */
int rg_committed(rd_kafka_t *rk, const char *group, rd_kafka_topic_partition_list_t *parts,
                 int timeout_ms, char *errstr, size_t errstr_size);

/* AlterConsumerGroupOffsets: commit parts' offsets (all >= 0) for group. Fails (with the first
 * partition error) if the broker rejects any partition, e.g. because the group became active. */
int rg_alter(rd_kafka_t *rk, const char *group, const rd_kafka_topic_partition_list_t *parts,
             int timeout_ms, char *errstr, size_t errstr_size);

#endif
