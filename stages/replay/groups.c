/* groups.c - describe a consumer group, read and write its committed offsets with the Admin
 * API of librdkafka 2.0.2 (DescribeConsumerGroups, ListConsumerGroupOffsets,
 * AlterConsumerGroupOffsets). Each call waits on its own temporary queue for its result event.
 */
#include "groups.h"

#include <stdio.h>
#include <string.h>

#include "newsflow/err.h"

int rg_inactive(const struct rg_group *g)
{
    return g->members == 0 && (g->state == RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY ||
                               g->state == RD_KAFKA_CONSUMER_GROUP_STATE_DEAD ||
                               g->state == RD_KAFKA_CONSUMER_GROUP_STATE_UNKNOWN);
}

/* Options for `op` with request and operation timeouts; NULL with errstr set on failure. */
static rd_kafka_AdminOptions_t *rg_options(rd_kafka_t *rk, rd_kafka_admin_op_t op, int timeout_ms,
                                           char *errstr, size_t errstr_size)
{
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, op);
    if (!o) {
        nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    char e[256];
    if (rd_kafka_AdminOptions_set_request_timeout(o, timeout_ms, e, sizeof(e))) {
        nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "admin options: %s", e);
        rd_kafka_AdminOptions_destroy(o);
        return NULL;
    }
    return o;
}

/* Wait for the result event of type `type` on q (the admin call was made with q). The event is
 * the caller's (rd_kafka_event_destroy). */
static rd_kafka_event_t *rg_wait(rd_kafka_queue_t *q, int type, int timeout_ms, const char *what,
                                 char *errstr, size_t errstr_size)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 2000);
    if (!ev) {
        nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: no answer within %d ms", what,
                  timeout_ms);
        return NULL;
    }
    if (rd_kafka_event_type(ev) != type || rd_kafka_event_error(ev)) {
        nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: %s", what,
                  rd_kafka_event_error(ev) ? rd_kafka_event_error_string(ev) : "unexpected event");
        rd_kafka_event_destroy(ev);
        return NULL;
    }
    return ev;
}

int rg_describe(rd_kafka_t *rk, const char *group, int timeout_ms, struct rg_group *out,
                char *errstr, size_t errstr_size)
{
    int rc = 0;
    rd_kafka_event_t *ev = NULL;
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o =
        rg_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout_ms, errstr, errstr_size);
    memset(out, 0, sizeof(*out));
    if (!o) {
        rc = NF_ERR_INVALID;
        goto done;
    }
    const char *groups[1] = {group};
    rd_kafka_DescribeConsumerGroups(rk, groups, 1, o, q);
    char what[300];
    snprintf(what, sizeof(what), "describe group %s", group);
    ev = rg_wait(q, RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT, timeout_ms, what, errstr,
                 errstr_size);
    if (!ev) {
        rc = NF_ERR_KAFKA;
        goto done;
    }
    size_t n = 0;
    const rd_kafka_ConsumerGroupDescription_t **d = rd_kafka_DescribeConsumerGroups_result_groups(
        rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
    if (n != 1) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: %zu results", what, n);
        goto done;
    }
    const rd_kafka_error_t *gerr = rd_kafka_ConsumerGroupDescription_error(d[0]);
    if (gerr) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: %s", what,
                       rd_kafka_error_string(gerr));
        goto done;
    }
    out->state = rd_kafka_ConsumerGroupDescription_state(d[0]);
    out->members = rd_kafka_ConsumerGroupDescription_member_count(d[0]);
    size_t used = 0;
    /* bounded by the member count and by the size of `who` */
    for (size_t i = 0; i < out->members && used < sizeof(out->who); i++) {
        const rd_kafka_MemberDescription_t *m = rd_kafka_ConsumerGroupDescription_member(d[0], i);
        const char *cid = rd_kafka_MemberDescription_client_id(m);
        const char *host = rd_kafka_MemberDescription_host(m);
        if (!host || !*host) {
            host = "?";
        }
        /* Kafka reports the host as "/127.0.0.1": "client.id/host" either way */
        int w = snprintf(out->who + used, sizeof(out->who) - used, "%s%s%s%s", i ? ", " : "",
                         cid ? cid : "?", host[0] == '/' ? "" : "/", host);
        if (w < 0 || (size_t)w >= sizeof(out->who) - used) {
            memcpy(out->who + sizeof(out->who) - 4, "...", 4);
            break;
        }
        used += (size_t)w;
    }
done:
    if (ev) {
        rd_kafka_event_destroy(ev);
    }
    if (o) {
        rd_kafka_AdminOptions_destroy(o);
    }
    rd_kafka_queue_destroy(q);
    return rc;
}

/* The one group result of a List/Alter offsets event, with its group-level error checked. */
static const rd_kafka_topic_partition_list_t *rg_group_parts(const rd_kafka_group_result_t **gr,
                                                             size_t n, const char *what,
                                                             char *errstr, size_t errstr_size)
{
    if (n != 1) {
        nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: %zu results", what, n);
        return NULL;
    }
    const rd_kafka_error_t *e = rd_kafka_group_result_error(gr[0]);
    if (e) {
        nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: %s", what, rd_kafka_error_string(e));
        return NULL;
    }
    const rd_kafka_topic_partition_list_t *p = rd_kafka_group_result_partitions(gr[0]);
    if (!p) {
        nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: no partitions in the answer", what);
    }
    return p;
}

int rg_committed(rd_kafka_t *rk, const char *group, rd_kafka_topic_partition_list_t *parts,
                 int timeout_ms, char *errstr, size_t errstr_size)
{
    int rc = 0;
    rd_kafka_event_t *ev = NULL;
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_ListConsumerGroupOffsets_t *req = NULL;
    rd_kafka_AdminOptions_t *o =
        rg_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout_ms, errstr, errstr_size);
    if (!o) {
        rc = NF_ERR_INVALID;
        goto done;
    }
    req = rd_kafka_ListConsumerGroupOffsets_new(group, parts); /* copies parts */
    rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, o, q);
    char what[300];
    snprintf(what, sizeof(what), "committed offsets of group %s", group);
    ev = rg_wait(q, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT, timeout_ms, what, errstr,
                 errstr_size);
    if (!ev) {
        rc = NF_ERR_KAFKA;
        goto done;
    }
    size_t n = 0;
    const rd_kafka_group_result_t **gr = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
    const rd_kafka_topic_partition_list_t *got = rg_group_parts(gr, n, what, errstr, errstr_size);
    if (!got) {
        rc = NF_ERR_KAFKA;
        goto done;
    }
    for (int i = 0; i < parts->cnt; i++) {
        rd_kafka_topic_partition_t *p = &parts->elems[i];
        const rd_kafka_topic_partition_t *g =
            rd_kafka_topic_partition_list_find(got, p->topic, p->partition);
        p->offset = RD_KAFKA_OFFSET_INVALID;
        if (g && g->err) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: %s [%d]: %s", what, p->topic,
                           (int)p->partition, rd_kafka_err2str(g->err));
            goto done;
        }
        if (g && g->offset >= 0) {
            p->offset = g->offset;
        }
    }
done:
    if (req) {
        rd_kafka_ListConsumerGroupOffsets_destroy(req);
    }
    if (ev) {
        rd_kafka_event_destroy(ev);
    }
    if (o) {
        rd_kafka_AdminOptions_destroy(o);
    }
    rd_kafka_queue_destroy(q);
    return rc;
}

int rg_alter(rd_kafka_t *rk, const char *group, const rd_kafka_topic_partition_list_t *parts,
             int timeout_ms, char *errstr, size_t errstr_size)
{
    int rc = 0;
    rd_kafka_event_t *ev = NULL;
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AlterConsumerGroupOffsets_t *req = NULL;
    rd_kafka_AdminOptions_t *o = rg_options(rk, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS,
                                            timeout_ms, errstr, errstr_size);
    if (!o) {
        rc = NF_ERR_INVALID;
        goto done;
    }
    req = rd_kafka_AlterConsumerGroupOffsets_new(group, parts); /* copies parts */
    rd_kafka_AlterConsumerGroupOffsets(rk, &req, 1, o, q);
    char what[300];
    snprintf(what, sizeof(what), "alter offsets of group %s", group);
    ev = rg_wait(q, RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT, timeout_ms, what, errstr,
                 errstr_size);
    if (!ev) {
        rc = NF_ERR_KAFKA;
        goto done;
    }
    size_t n = 0;
    const rd_kafka_group_result_t **gr = rd_kafka_AlterConsumerGroupOffsets_result_groups(
        rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &n);
    const rd_kafka_topic_partition_list_t *got = rg_group_parts(gr, n, what, errstr, errstr_size);
    if (!got) {
        rc = NF_ERR_KAFKA;
        goto done;
    }
    for (int i = 0; i < got->cnt; i++) {
        if (got->elems[i].err) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "%s: %s [%d]: %s", what,
                           got->elems[i].topic, (int)got->elems[i].partition,
                           rd_kafka_err2str(got->elems[i].err));
            goto done;
        }
    }
done:
    if (req) {
        rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    }
    if (ev) {
        rd_kafka_event_destroy(ev);
    }
    if (o) {
        rd_kafka_AdminOptions_destroy(o);
    }
    rd_kafka_queue_destroy(q);
    return rc;
}
