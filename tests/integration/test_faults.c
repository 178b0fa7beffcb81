/* test_faults.c - the whole pipeline keeps every record through faults (at-least-once):
 *   (a) the real broker stops for 30 s mid-stream and comes back (a broker of the test's own,
 *       so that nothing else on the machine loses its broker);
 *   (b) each stage is killed with SIGKILL once mid-stream and restarted;
 *   (c) a slow broker (the mock cluster answering every request after 1.5 s) fills the stages'
 *       output queues.
 * Each prints lost (must be 0) and duplicated counts; no stage may exit but the killed one.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"
#include "newsflow/util.h"

static const char *const stage_names[3] = {"clean", "entities", "summarize"};

struct pipeline {
    struct h_topics t;
    pid_t pids[3];
    char groups[3][200];
    char logs[3][128];
    const char *const *extra;
};

static void pipeline_start_stage(struct pipeline *p, int i)
{
    const char *ins[3] = {p->t.raw, p->t.cleaned, p->t.entities};
    const char *outs[3] = {p->t.cleaned, p->t.entities, p->t.summaries};
    p->pids[i] = h_start_stage(stage_names[i], ins[i], outs[i], p->groups[i], p->logs[i],
                               p->extra);
}

/* partitions 0: the topics exist already (p->t named by the caller) */
static void pipeline_start(struct pipeline *p, const char *name, int partitions,
                           const char *const *extra)
{
    if (partitions > 0) {
        h_topics_create(&p->t, name, partitions);
    }
    p->extra = extra;
    for (int i = 0; i < 3; i++) {
        snprintf(p->groups[i], sizeof(p->groups[i]), "%s-g-%s", p->t.raw, stage_names[i]);
        snprintf(p->logs[i], sizeof(p->logs[i]), "/tmp/newsflow-itest-%s-%s.log", name,
                 stage_names[i]);
        unlink(p->logs[i]);
        pipeline_start_stage(p, i);
    }
}

static void produce_pages(const char *topic, int n, const char *prefix)
{
    for (int i = 0; i < n; i++) {
        char id[48];
        char html[1200];
        snprintf(id, sizeof(id), "%s-%05d", prefix, i);
        snprintf(html, sizeof(html),
                 "<html><head><title>Harbour report %d</title></head><body><nav>Home</nav>"
                 "<article><h1>Harbour report %d</h1><p>The Port Authority of Calder said on "
                 "Monday that traffic through the harbour rose by %d percent last year, helped "
                 "by new ferry routes to Norway and Iceland.</p><p>Chief executive Maria "
                 "Lindqvist told reporters in Calder that the authority would invest $40 "
                 "million in a second container berth.</p><p>Dock workers' unions welcomed "
                 "the plan but warned about staffing.</p></article></body></html>",
                 i, i, i % 50);
        json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "url", "https://example.test/",
                                "fetched_at", "2026-11-28T10:00:00Z", "html", html);
        char *s = json_dumps(rec, JSON_COMPACT);
        h_produce(topic, id, s, strlen(s));
        free(s);
        json_decref(rec);
    }
    h_flush();
}

/* Wait until every input id is in summaries; print and check lost / duplicates; stop. */
static void pipeline_finish(struct pipeline *p, const char *what, int n, const char *prefix,
                            int timeout_ms)
{
    struct h_msgs all;
    memset(&all, 0, sizeof(all));
    size_t distinct = 0;
    int64_t deadline = nf_mono_ms() + timeout_ms;
    while (nf_mono_ms() < deadline) {
        h_msgs_free(&all);
        h_read(p->t.summaries, (size_t)n * 3, 3000, &all);
        distinct = h_distinct_keys(&all);
        if (distinct >= (size_t)n) {
            break;
        }
    }
    size_t lost = 0;
    for (int i = 0; i < n; i++) {
        char id[48];
        snprintf(id, sizeof(id), "%s-%05d", prefix, i);
        lost += !h_has_key(&all, id);
    }
    print_message("%s: %d inputs, %zu summaries, lost %zu, duplicated %zu\n", what, n, all.n,
                  lost, all.n - distinct);
    for (int i = 0; i < 3; i++) {
        if (!h_alive(p->pids[i])) {
            fail_msg("%s exited during the fault (see %s)", stage_names[i], p->logs[i]);
        }
    }
    for (int i = 0; i < 3; i++) {
        assert_int_equal(h_stop(p->pids[i], SIGTERM, 60000), 0);
    }
    assert_int_equal(lost, 0);
    struct h_msgs dead;
    h_read(p->t.raw_dlq, 1, 500, &dead);
    assert_int_equal(dead.n, 0);
    h_msgs_free(&dead);
    h_msgs_free(&all);
}

/* Records flowing: wait until at least `want` summaries exist. */
static void wait_summaries(struct pipeline *p, size_t want)
{
    struct h_msgs some;
    h_read(p->t.summaries, want, 120000, &some);
    assert_true(some.n >= want);
    h_msgs_free(&some);
}

static int run_script(const char *cmd)
{
    char full[1024];
    snprintf(full, sizeof(full),
             "NEWSFLOW_LOCAL_KAFKA_PORT=19392 NEWSFLOW_LOCAL_KAFKA_CONTROLLER_PORT=19393 "
             "NEWSFLOW_LOCAL_KAFKA_DIR=/tmp/newsflow-fault-kafka bash %s/deploy/kafka.sh %s "
             ">>/tmp/newsflow-itest-fault-kafka.log 2>&1", NF_SOURCE_DIR, cmd);
    return system(full);
}

static void test_fault_broker_down_30s_loses_nothing(void **st)
{
    (void)st;
    /* a broker of our own: stopping the shared one would break everything else */
    unlink("/tmp/newsflow-itest-fault-kafka.log");
    if (run_script("start") != 0) {
        fail_msg("could not start the test's own broker (see /tmp/newsflow-itest-fault-kafka.log)");
    }
    h_set_bootstrap("127.0.0.1:19392");
    struct pipeline p;
    const char *extra[] = {"max.inflight=20", "kafka.linger.ms=20", NULL};
    pipeline_start(&p, "fault-down", 3, extra);
    produce_pages(p.t.raw, 1500, "d");
    wait_summaries(&p, 100);
    assert_int_equal(run_script("stop --keep-data"), 0);
    print_message("broker stopped; waiting 30 s\n");
    sleep(30);
    for (int i = 0; i < 3; i++) {
        assert_true(h_alive(p.pids[i])); /* no crash while the broker is away */
    }
    assert_int_equal(run_script("start --keep-data"), 0);
    pipeline_finish(&p, "broker down 30 s", 1500, "d", 240000);
    h_set_bootstrap(NULL);
    run_script("stop");
}

static void test_fault_kill9_each_stage_loses_nothing(void **st)
{
    (void)st;
    struct pipeline p;
    const char *extra[] = {"max.inflight=5", "kafka.linger.ms=20",
                           "kafka.session.timeout.ms=6000", "kafka.heartbeat.interval.ms=1000",
                           NULL};
    pipeline_start(&p, "fault-kill", 3, extra);
    produce_pages(p.t.raw, 1500, "k");
    size_t seen = 50;
    for (int i = 0; i < 3; i++) {
        wait_summaries(&p, seen);
        assert_int_equal(h_stop(p.pids[i], SIGKILL, 10000), 128 + SIGKILL);
        pipeline_start_stage(&p, i);
        seen += 150;
    }
    pipeline_finish(&p, "kill -9 of each stage", 1500, "k", 240000);
}

static void test_fault_slow_broker_fills_queues_loses_nothing(void **st)
{
    (void)st;
    const char *bfile = "/tmp/newsflow-itest-mock.bootstrap";
    unlink(bfile);
    /* the mock has no CreateTopics API: newsflow-broker creates the test's topics itself */
    struct pipeline p;
    h_topics_name(&p.t, "fault-slow");
    char topics[700];
    snprintf(topics, sizeof(topics), "broker.topics=%s,%s,%s,%s", p.t.raw, p.t.cleaned,
             p.t.entities, p.t.summaries);
    const char *bargs[] = {"-X", "broker.bootstrap_file=/tmp/newsflow-itest-mock.bootstrap",
                           "-X", "broker.slow_rtt_ms=1500", "-X", topics, NULL};
    pid_t broker = h_spawn("newsflow-broker", "/tmp/newsflow-itest-mock.log", bargs);
    char addr[128] = "";
    for (int i = 0; i < 100 && !addr[0]; i++) {
        FILE *fp = fopen(bfile, "r");
        if (fp) {
            if (!fgets(addr, sizeof(addr), fp)) {
                addr[0] = '\0';
            }
            fclose(fp);
        }
        usleep(100 * 1000);
    }
    addr[strcspn(addr, "\n")] = '\0';
    assert_true(addr[0] != '\0');
    h_set_bootstrap(addr);
    /* a producer queue far smaller than max.inflight: a slow broker fills it (QUEUE_FULL) */
    const char *extra[] = {"kafka.queue.buffering.max.messages=20", NULL};
    pipeline_start(&p, "fault-slow", 0, extra);
    produce_pages(p.t.raw, 800, "q");
    wait_summaries(&p, 50);
    kill(broker, SIGUSR1); /* slow */
    print_message("broker slow for 15 s\n");
    sleep(15);
    kill(broker, SIGUSR1); /* normal again */
    pipeline_finish(&p, "slow broker", 800, "q", 180000);
    h_set_bootstrap(NULL);
    assert_int_equal(h_stop(broker, SIGTERM, 30000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_fault_kill9_each_stage_loses_nothing, h_teardown),
        cmocka_unit_test_teardown(test_fault_slow_broker_fills_queues_loses_nothing,
                                  h_teardown),
        cmocka_unit_test_teardown(test_fault_broker_down_30s_loses_nothing, h_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
