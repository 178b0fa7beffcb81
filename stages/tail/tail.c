/* tail.c - newsflow-tail: read a topic and print its records, for people and scripts.
 *
 * Reads every partition of one topic from the beginning (or the end, with tail.from = end)
 * without joining a consumer group or committing anything, and prints each record as a JSON
 * line or, with tail.format = summary, as "title: summary sentences". Stops after tail.count
 * records, or when nothing new has arrived for tail.idle_ms, or on SIGINT/SIGTERM.
 */
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsflow/cli.h"
#include "newsflow/err.h"
#include "newsflow/kafka.h"
#include "newsflow/log.h"
#include "newsflow/record.h"
#include "newsflow/util.h"

static const struct nf_prop tail_props[] = {
    {"tail.topic", NF_PROP_STR, "summaries", 0, 0, NULL, "topic to read"},
    {"tail.from", NF_PROP_ENUM, "beginning", 0, 0, "beginning|end", "where to start"},
    {"tail.count", NF_PROP_INT, "0", 0, 1e12, NULL, "stop after this many records (0: no limit)"},
    {"tail.idle_ms", NF_PROP_INT, "0", 0, 86400000, NULL,
     "stop when no record arrived for this long (0: never)"},
    {"tail.timeout_ms", NF_PROP_INT, "0", 0, 86400000, NULL,
     "give up after this long in total, exit 3 if tail.count was not reached (0: never)"},
    {"tail.format", NF_PROP_ENUM, "json", 0, 0, "json|summary|key|timestamp",
     "json: the record; summary: title and summary; key: the message key; timestamp: key, "
     "tab, the message's timestamp in ms (benchmarks)"},
    NF_PROP_END,
};

/* "Title: sentence one sentence two" */
static void tail_print_summary(const char *buf, size_t len)
{
    json_t *rec = NULL;
    char err[256];
    if (nf_record_decode(buf, len, 0, &rec, err, sizeof(err)) != 0) {
        printf("(undecodable record: %s)\n", err);
        return;
    }
    const char *title = nf_record_str(rec, "title");
    const char *id = nf_record_str(rec, "id");
    printf("%s:", title && *title ? title : (id ? id : "(untitled)"));
    json_t *s = json_object_get(rec, "summary");
    size_t i;
    json_t *v;
    json_array_foreach(s, i, v)
    {
        if (json_is_string(v)) {
            printf(" %s", json_string_value(v));
        }
    }
    putchar('\n');
    json_decref(rec);
}

int main(int argc, char **argv)
{
    char errstr[1024];
    const struct nf_prop *tables[] = {nf_common_props, tail_props, NULL};
    const struct nf_cli cli = {
        .prog = "newsflow-tail",
        .synopsis = "[-c FILE] [-X key=value]...",
        .usage = "Prints the records of a topic (default: summaries) without committing.\n"
                 "Example: newsflow-tail -X tail.format=summary -X tail.count=6",
        .tables = tables,
        .set_defaults = nf_kafka_defaults_hook,
    };
    struct nf_conf *conf = NULL;
    int argi = 0;
    int r = nf_cli_start(&cli, "tail", argc, argv, &conf, &argi);
    if (r >= 0) {
        return r;
    }
    int rc = 1;
    rd_kafka_t *rk = NULL;
    rd_kafka_topic_partition_list_t *parts = NULL;
    const struct rd_kafka_metadata *md = NULL;
    const char *topic = nf_conf_get_str(conf, "tail.topic");
    const char *format = nf_conf_get_str(conf, "tail.format");
    int64_t count = nf_conf_get_int(conf, "tail.count");
    int64_t idle_ms = nf_conf_get_int(conf, "tail.idle_ms");
    int64_t timeout_ms = nf_conf_get_int(conf, "tail.timeout_ms");
    int from_end = strcmp(nf_conf_get_str(conf, "tail.from"), "end") == 0;

    rd_kafka_conf_t *kc = nf_kafka_conf_new(conf, errstr, sizeof(errstr));
    if (!kc) {
        nf_log_error("%s", errstr);
        goto done;
    }
    /* a throw-away group id: required by the consumer API, never committed to */
    char group[64];
    snprintf(group, sizeof(group), "newsflow-tail-%d", (int)getpid());
    rd_kafka_conf_set(kc, "group.id", group, NULL, 0);
    rd_kafka_conf_set(kc, "enable.auto.commit", "false", NULL, 0);
    rd_kafka_conf_set(kc, "enable.partition.eof", "false", NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, errstr, sizeof(errstr));
    if (!rk) {
        rd_kafka_conf_destroy(kc);
        nf_log_error("cannot create consumer: %s", errstr);
        goto done;
    }
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    rd_kafka_topic_destroy(rkt);
    if (err || md->topic_cnt != 1 || md->topics[0].err) {
        nf_log_error("topic %s: %s", topic,
                     rd_kafka_err2str(err ? err : md->topic_cnt ? md->topics[0].err
                                                                : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
        goto done;
    }
    parts = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
    for (int i = 0; i < md->topics[0].partition_cnt; i++) {
        rd_kafka_topic_partition_list_add(parts, topic, md->topics[0].partitions[i].id)->offset =
            from_end ? RD_KAFKA_OFFSET_END : RD_KAFKA_OFFSET_BEGINNING;
    }
    if ((err = rd_kafka_assign(rk, parts))) {
        nf_log_error("assign: %s", rd_kafka_err2str(err));
        goto done;
    }
    volatile sig_atomic_t *stop = nf_cli_stop_flag();

    int64_t seen = 0;
    int64_t start = nf_mono_ms();
    int64_t last = start;
    rc = 0;
    while (!*stop && (!count || seen < count)) {
        int64_t now = nf_mono_ms();
        if (idle_ms && now - last >= idle_ms) {
            break;
        }
        if (timeout_ms && now - start >= timeout_ms) {
            break;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        if (!m) {
            continue;
        }
        if (m->err) {
            nf_log_warn("%s", rd_kafka_message_errstr(m));
        } else {
            seen++;
            last = nf_mono_ms();
            if (strcmp(format, "summary") == 0) {
                tail_print_summary(m->payload, m->len);
            } else if (strcmp(format, "key") == 0) {
                printf("%.*s\n", (int)m->key_len, (const char *)m->key);
            } else if (strcmp(format, "timestamp") == 0) {
                printf("%.*s\t%lld\n", (int)m->key_len, (const char *)m->key,
                       (long long)rd_kafka_message_timestamp(m, NULL));
            } else {
                fwrite(m->payload, 1, m->len, stdout);
                putchar('\n');
            }
            fflush(stdout);
        }
        rd_kafka_message_destroy(m);
    }
    if (count && seen < count) {
        nf_log_warn("read %lld of %lld records", (long long)seen, (long long)count);
        rc = 3;
    }
done:
    if (parts) {
        rd_kafka_topic_partition_list_destroy(parts);
    }
    if (md) {
        rd_kafka_metadata_destroy(md);
    }
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    nf_conf_destroy(conf);
    return rc;
}
