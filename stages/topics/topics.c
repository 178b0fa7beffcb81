/* topics.c - newsflow-topics: create the pipeline's topics on a Kafka cluster (Admin API), so
 * that setting up a cluster needs no Java tools. Topics that exist already are left as they are.
 * With topics.delete = true it deletes them instead (benchmarks and tests clean up with it).
 *
 *   newsflow-topics -X kafka.bootstrap.servers=kafka:9092 -X topics.partitions=6
 *   newsflow-topics -X topics.prefix=bench- -X topics.replication=3
 *   newsflow-topics my-extra-topic other-topic           (explicit names instead)
 *   newsflow-topics -X topics.prefix=bench- -X topics.delete=true
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/cli.h"
#include "newsflow/err.h"
#include "newsflow/kafka.h"
#include "newsflow/log.h"

static const struct nf_prop topics_props[] = {
    {"topics.partitions", NF_PROP_INT, "6", 1, 10000, NULL,
     "partitions per topic: the most copies of a stage that can share the work"},
    {"topics.replication", NF_PROP_INT, "1", 1, 100, NULL, "replication factor"},
    {"topics.prefix", NF_PROP_STR, "", 0, 0, NULL,
     "prefix of the default topic names (raw-html, cleaned, entities, summaries and the three "
     ".dlq topics)"},
    {"topics.timeout_ms", NF_PROP_INT, "30000", 1000, 600000, NULL, "how long to wait"},
    {"topics.delete", NF_PROP_BOOL, "false", 0, 0, NULL,
     "delete the topics (and all their records) instead of creating them"},
    NF_PROP_END,
};

int main(int argc, char **argv)
{
    static const char *const base[] = {"raw-html",     "cleaned",     "entities",    "summaries",
                                       "raw-html.dlq", "cleaned.dlq", "entities.dlq"};
    const struct nf_prop *tables[] = {nf_common_props, topics_props, NULL};
    const struct nf_cli cli = {
        .prog = "newsflow-topics",
        .synopsis = "[-c FILE] [-X key=value]... [TOPIC...]",
        .usage = "Creates the pipeline's topics (or the TOPICs given), each with\n"
                 "max.message.bytes = 16 MiB for large pages; existing topics are kept.\n"
                 "With -X topics.delete=true, deletes them (and their records) instead.",
        .tables = tables,
        .set_defaults = nf_kafka_defaults_hook,
    };
    struct nf_conf *conf = NULL;
    int argi = 0;
    int r = nf_cli_start(&cli, "topics", argc, argv, &conf, &argi);
    if (r >= 0) {
        return r;
    }
    char errstr[1024];
    char names[7][256];
    const char *list[7];
    const char **topics = list;
    size_t n = 7;
    int rc = 1;
    if (argi < argc) {
        topics = (const char **)argv + argi;
        n = (size_t)(argc - argi);
    } else {
        for (size_t i = 0; i < 7; i++) {
            snprintf(names[i], sizeof(names[i]), "%s%s", nf_conf_get_str(conf, "topics.prefix"),
                     base[i]);
            list[i] = names[i];
        }
    }
    rd_kafka_conf_t *kc = nf_kafka_conf_new(conf, errstr, sizeof(errstr));
    rd_kafka_t *rk = NULL;
    if (!kc) {
        nf_log_error("%s", errstr);
        goto done;
    }
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, errstr, sizeof(errstr));
    if (!rk) {
        rd_kafka_conf_destroy(kc);
        nf_log_error("cannot create a client: %s", errstr);
        goto done;
    }
    int timeout = (int)nf_conf_get_int(conf, "topics.timeout_ms");
    if (nf_conf_get_bool(conf, "topics.delete")) {
        if (nf_kafka_wait_ready(rk, timeout, errstr, sizeof(errstr)) != 0 ||
            nf_kafka_delete_topics(rk, topics, n, timeout, errstr, sizeof(errstr)) != 0) {
            nf_log_error("%s", errstr);
            goto done;
        }
    } else if (nf_kafka_wait_ready(rk, timeout, errstr, sizeof(errstr)) != 0 ||
        nf_kafka_create_topics(rk, topics, n, (int)nf_conf_get_int(conf, "topics.partitions"),
                               (int)nf_conf_get_int(conf, "topics.replication"), timeout, errstr,
                               sizeof(errstr)) != 0) {
        nf_log_error("%s", errstr);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        printf("%s\n", topics[i]);
    }
    rc = 0;
done:
    if (rk) {
        rd_kafka_destroy(rk);
    }
    nf_conf_destroy(conf);
    return rc;
}
