/* test_scaling.c - several copies of a stage share its input through the consumer group, and
 * losing one (kill -9) mid-stream loses nothing: at-least-once delivers every input (duplicates
 * reported), exactly-once delivers every input once to a read_committed reader.
 * Scenario of both: 6 partitions, 3 copies of newsflow-clean, 2,000 pages, kill -9 one copy
 * after some output appeared, start a fourth, wait for every id.
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

#define N_PAGES 2000
#define N_PARTS 6

static void produce_pages(const char *topic)
{
    for (int i = 0; i < N_PAGES; i++) {
        char id[32];
        char html[1024];
        snprintf(id, sizeof(id), "s-%05d", i);
        snprintf(html, sizeof(html),
                 "<html><head><title>Story %d</title></head><body><nav>Home | World</nav>"
                 "<article><h1>Story %d</h1><p>Officials in district %d said on Tuesday that "
                 "the new water plant would open next spring, two years later than planned, "
                 "after a review of its costs.</p><p>The delay, they said, was caused by the "
                 "rising price of steel and a shortage of engineers.</p></article>"
                 "<footer>Copyright</footer></body></html>", i, i, i % 97);
        json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "url", "https://example.test/",
                                "fetched_at", "2026-11-28T10:00:00Z", "html", html);
        char *s = json_dumps(rec, JSON_COMPACT);
        h_produce(topic, id, s, strlen(s));
        free(s);
        json_decref(rec);
    }
    h_flush();
}

/* Run the scenario; returns outputs read once every id was seen (or the deadline passed). */
static void run_scenario(const char *name, const char *guarantee, struct h_msgs *all,
                         size_t *distinct)
{
    struct h_topics t;
    h_topics_create(&t, name, N_PARTS);
    produce_pages(t.raw);
    char group[160];
    char guarantee_kv[64];
    snprintf(group, sizeof(group), "%s-g", t.raw);
    snprintf(guarantee_kv, sizeof(guarantee_kv), "processing.guarantee=%s", guarantee);
    /* throttled (one output in flight, lingering batches) so the kill lands mid-stream; a short
     * session timeout so the group notices the dead copy quickly */
    const char *extra[] = {guarantee_kv,
                           "max.inflight=1",
                           "kafka.linger.ms=20",
                           "kafka.session.timeout.ms=6000",
                           "kafka.heartbeat.interval.ms=1000",
                           NULL};
    char logp[4][128];
    pid_t pids[4];
    for (int i = 0; i < 3; i++) {
        snprintf(logp[i], sizeof(logp[i]), "/tmp/newsflow-itest-%s-%d.log", name, i);
        unlink(logp[i]);
        pids[i] = h_start_stage("clean", t.raw, t.cleaned, group, logp[i], extra);
    }
    struct h_msgs first;
    h_read(t.cleaned, 300, 120000, &first);
    assert_true(first.n >= 300);
    h_msgs_free(&first);
    int rc = h_stop(pids[0], SIGKILL, 10000);
    assert_int_equal(rc, 128 + SIGKILL);
    snprintf(logp[3], sizeof(logp[3]), "/tmp/newsflow-itest-%s-3.log", name);
    unlink(logp[3]);
    const char *fast[] = {guarantee_kv, "kafka.session.timeout.ms=6000",
                          "kafka.heartbeat.interval.ms=1000", NULL};
    pids[3] = h_start_stage("clean", t.raw, t.cleaned, group, logp[3], fast);

    int64_t deadline = nf_mono_ms() + 240000;
    *distinct = 0;
    memset(all, 0, sizeof(*all));
    while (nf_mono_ms() < deadline) {
        h_msgs_free(all);
        h_read(t.cleaned, N_PAGES * 2, 3000, all);
        *distinct = h_distinct_keys(all);
        if (*distinct >= N_PAGES) {
            break;
        }
    }
    /* let stragglers (redone inputs) arrive, then read the final state */
    sleep(3);
    h_msgs_free(all);
    h_read(t.cleaned, N_PAGES * 2, 5000, all);
    *distinct = h_distinct_keys(all);
    for (int i = 1; i < 4; i++) {
        assert_true(h_alive(pids[i])); /* only the killed copy ever exits */
        assert_int_equal(h_stop(pids[i], SIGTERM, 60000), 0);
    }
    struct h_msgs dead;
    h_read(t.raw_dlq, 1, 1000, &dead);
    assert_int_equal(dead.n, 0);
    h_msgs_free(&dead);
}

static void test_scaling_at_least_once_kill9_loses_nothing(void **st)
{
    (void)st;
    struct h_msgs all;
    size_t distinct = 0;
    run_scenario("scale-alo", "at_least_once", &all, &distinct);
    print_message("at_least_once: %zu outputs, %zu distinct of %d inputs, %zu duplicates\n",
                  all.n, distinct, N_PAGES, all.n - distinct);
    assert_int_equal(distinct, N_PAGES);
    for (int i = 0; i < N_PAGES; i++) {
        char id[32];
        snprintf(id, sizeof(id), "s-%05d", i);
        assert_true(h_has_key(&all, id));
    }
    h_msgs_free(&all);
}

static void test_scaling_exactly_once_kill9_delivers_each_once(void **st)
{
    (void)st;
    struct h_msgs all;
    size_t distinct = 0;
    run_scenario("scale-eos", "exactly_once", &all, &distinct);
    print_message("exactly_once (read_committed): %zu outputs, %zu distinct of %d inputs, "
                  "%zu duplicates\n", all.n, distinct, N_PAGES, all.n - distinct);
    assert_int_equal(distinct, N_PAGES);
    assert_int_equal(all.n, N_PAGES);
    h_msgs_free(&all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_scaling_at_least_once_kill9_loses_nothing, h_teardown),
        cmocka_unit_test_teardown(test_scaling_exactly_once_kill9_delivers_each_once,
                                  h_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
