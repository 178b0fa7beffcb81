/* test_runner_faults.c - the runner against a real broker: bad records go to the dead-letter
 * topic with their reason while good ones flow; SIGTERM mid-stream exits 0 promptly and a
 * restarted stage finishes the job with nothing lost.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "harness.h"
#include "newsflow/util.h"

static void produce_page(const char *topic, const char *id, const char *body)
{
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "url", "https://example.test/a",
                            "fetched_at", "2026-11-28T10:00:00Z", "html", body);
    char *s = json_dumps(rec, JSON_COMPACT);
    h_produce(topic, id, s, strlen(s));
    free(s);
    json_decref(rec);
}

static const struct h_msg *find(const struct h_msgs *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->v[i].key, key) == 0) {
            return &m->v[i];
        }
    }
    return NULL;
}

static void test_runner_dead_letters_bad_records_and_keeps_going(void **st)
{
    (void)st;
    struct h_topics t;
    h_topics_create(&t, "dlq", 3);
    const char *page = "<html><head><title>Good page</title></head><body><article>"
                       "<p>The council approved the new budget on Monday after a long debate "
                       "about schools, roads and the future of the harbour.</p></article>"
                       "</body></html>";
    produce_page(t.raw, "good-1", page);
    static const char bad_json[] = "{\"id\": \"bad-json\", \"html\": ";
    static const char bad_utf8[] = "{\"id\":\"bad-utf8\",\"html\":\"\xff\xfe\"}";
    static const char no_html[] = "{\"id\":\"no-html\",\"url\":\"https://x.test/\"}";
    h_produce(t.raw, "bad-json", bad_json, strlen(bad_json));
    h_produce(t.raw, "bad-utf8", bad_utf8, strlen(bad_utf8));
    h_produce(t.raw, "no-html", no_html, strlen(no_html));
    h_produce(t.raw, "not-object", "[1,2,3]", 7);
    h_produce(t.raw, "empty", "", 0);
    /* over max.record.bytes (set to 4096 below) */
    char *big = malloc(20000);
    memset(big, 'a', 19999);
    big[19999] = '\0';
    produce_page(t.raw, "too-big", big);
    free(big);
    produce_page(t.raw, "good-2", page);
    h_flush();

    /* a port of our own: other test runs may share this machine */
    int port = 20000 + (int)(getpid() % 20000);
    char port_kv[64];
    snprintf(port_kv, sizeof(port_kv), "metrics.port=%d", port);
    const char *extra[] = {"max.record.bytes=4096", port_kv, "metrics.stats_interval_ms=1000",
                           NULL};
    char group[160];
    snprintf(group, sizeof(group), "%s-g", t.raw);
    unlink("/tmp/newsflow-itest-dlq.log");
    pid_t pid = h_start_stage("clean", t.raw, t.cleaned, group, "/tmp/newsflow-itest-dlq.log",
                              extra);
    struct h_msgs good, dead;
    h_read(t.cleaned, 2, 60000, &good);
    h_read(t.raw_dlq, 6, 60000, &dead);
    assert_true(h_alive(pid)); /* bad input never kills the stage */

    /* the counters say the same, on /metrics; the stage is alive and ready */
    char *body = NULL;
    assert_int_equal(h_http_get(port, "/healthz", &body), 200);
    free(body);
    assert_int_equal(h_http_get(port, "/readyz", &body), 200);
    free(body);
    assert_int_equal(h_http_get(port, "/nope", &body), 404);
    free(body);
    char wantm[4][512];
    snprintf(wantm[0], sizeof(wantm[0]),
             "newsflow_records_consumed_total{stage=\"clean\",topic=\"%s\"} 8\n", t.raw);
    snprintf(wantm[1], sizeof(wantm[1]),
             "newsflow_records_produced_total{stage=\"clean\",topic=\"%s\"} 2\n", t.cleaned);
    snprintf(wantm[2], sizeof(wantm[2]),
             "newsflow_records_dead_lettered_total{stage=\"clean\",topic=\"%s\",class=\"decode\"}"
             " 5\n", t.raw);
    snprintf(wantm[3], sizeof(wantm[3]), "newsflow_processing_seconds_count{stage=\"clean\"} 8\n");
    /* delivery reports reach the counters a moment after consumers see the records */
    int64_t deadline = nf_mono_ms() + 10000;
    int ok = 0;
    body = NULL;
    while (!ok && nf_mono_ms() < deadline) {
        free(body);
        assert_int_equal(h_http_get(port, "/metrics", &body), 200);
        ok = 1;
        for (int i = 0; i < 4; i++) {
            ok &= strstr(body, wantm[i]) != NULL;
        }
        if (!ok) {
            usleep(200 * 1000);
        }
    }
    if (!ok) {
        fail_msg("/metrics lacks an expected line:\n%s", body);
    }
    assert_non_null(strstr(body, "# TYPE newsflow_processing_seconds histogram"));
    free(body);
    assert_int_equal(h_stop(pid, SIGTERM, 60000), 0);

    assert_int_equal(good.n, 2);
    assert_true(h_has_key(&good, "good-1"));
    assert_true(h_has_key(&good, "good-2"));
    assert_int_equal(dead.n, 6);
    struct {
        const char *key, *cls, *reason;
    } want[] = {
        {"bad-json", "decode", "invalid JSON"},
        {"bad-utf8", "decode", "invalid JSON"}, /* jansson reports bad UTF-8 as a parse error */
        /* clean accepts html or html_base64, so it checks that itself */
        {"no-html", "transform", "\"html\""},
        {"not-object", "decode", "not a JSON object"},
        {"empty", "decode", "empty record"},
        {"too-big", "decode", "exceeds max.record.bytes"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct h_msg *m = find(&dead, want[i].key);
        assert_non_null(m);
        assert_non_null(m->hdr_error);
        assert_non_null(m->hdr_class);
        assert_string_equal(m->hdr_class, want[i].cls);
        if (!strstr(m->hdr_error, want[i].reason)) {
            fail_msg("%s: reason \"%s\" lacks \"%s\"", want[i].key, m->hdr_error, want[i].reason);
        }
    }
    /* the original bytes are untouched */
    const struct h_msg *bj = find(&dead, "bad-json");
    assert_int_equal(bj->len, strlen(bad_json));
    assert_memory_equal(bj->value, bad_json, strlen(bad_json));
    h_msgs_free(&good);
    h_msgs_free(&dead);
}

#define RESTART_N 3000

static void test_runner_sigterm_midstream_then_restart_loses_nothing(void **st)
{
    (void)st;
    struct h_topics t;
    h_topics_create(&t, "restart", 3);
    /* many small records through one producer */
    for (int i = 0; i < RESTART_N; i++) {
        char id[32];
        char body[512];
        snprintf(id, sizeof(id), "r-%04d", i);
        snprintf(body, sizeof(body),
                 "<html><body><article><p>Record %d: the harbour authority said traffic grew "
                 "again this year, with more ships calling at the port.</p></article></body>"
                 "</html>", i);
        produce_page(t.raw, id, body);
    }
    h_flush();
    char group[160];
    snprintf(group, sizeof(group), "%s-g", t.raw);
    const char *log = "/tmp/newsflow-itest-restart.log";
    unlink(log);
    /* slow the first run down (one record in flight, each waiting for a lingering batch) so
     * that SIGTERM surely lands mid-stream */
    const char *slow[] = {"max.inflight=1", "kafka.linger.ms=20", NULL};
    pid_t pid = h_start_stage("clean", t.raw, t.cleaned, group, log, slow);
    struct h_msgs first;
    h_read(t.cleaned, 20, 60000, &first);
    assert_true(first.n >= 20);
    int64_t t0 = nf_mono_ms();
    int rc = h_stop(pid, SIGTERM, 30000);
    int64_t stop_ms = nf_mono_ms() - t0;
    print_message("SIGTERM: exit %d after %lld ms\n", rc, (long long)stop_ms);
    assert_int_equal(rc, 0);
    struct h_msgs mid;
    h_read(t.cleaned, RESTART_N * 2, 3000, &mid);
    print_message("before restart: %zu outputs\n", mid.n);
    assert_true(mid.n < RESTART_N); /* it really stopped mid-stream */

    pid = h_start_stage("clean", t.raw, t.cleaned, group, log, NULL);
    struct h_msgs all;
    int64_t deadline = nf_mono_ms() + 90000;
    size_t distinct = 0;
    do {
        h_read(t.cleaned, RESTART_N * 2, 2000, &all);
        distinct = h_distinct_keys(&all);
        if (distinct < RESTART_N) {
            h_msgs_free(&all);
        }
    } while (distinct < RESTART_N && nf_mono_ms() < deadline);
    assert_int_equal(h_stop(pid, SIGTERM, 30000), 0);
    print_message("after restart: %zu outputs, %zu distinct ids, %zu duplicates\n", all.n,
                  distinct, all.n - distinct);
    assert_int_equal(distinct, RESTART_N);
    for (int i = 0; i < RESTART_N; i++) {
        char id[32];
        snprintf(id, sizeof(id), "r-%04d", i);
        assert_true(h_has_key(&all, id));
    }
    h_msgs_free(&first);
    h_msgs_free(&mid);
    h_msgs_free(&all);
}

/* Set a topic's max.message.bytes (legacy AlterConfigs: the topic's other settings go back to
 * the broker's defaults, which is what this test's topics use anyway). */
static void set_max_message_bytes(const char *topic, const char *value)
{
    char err[512];
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    assert_int_equal(rd_kafka_conf_set(kc, "bootstrap.servers", h_bootstrap(), err, sizeof(err)),
                     RD_KAFKA_CONF_OK);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, err, sizeof(err));
    assert_non_null(rk);
    rd_kafka_ConfigResource_t *res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
    assert_int_equal(rd_kafka_ConfigResource_set_config(res, "max.message.bytes", value), 0);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AlterConfigs(rk, &res, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    assert_non_null(ev);
    assert_int_equal(rd_kafka_event_error(ev), 0);
    size_t n = 0;
    const rd_kafka_ConfigResource_t **out =
        rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev), &n);
    assert_int_equal(n, 1);
    assert_int_equal(rd_kafka_ConfigResource_error(out[0]), 0);
    rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_ConfigResource_destroy(res);
    rd_kafka_destroy(rk);
}

/* exactly_once: an output the broker refuses for its size would abort every transaction
 * forever. The runner retries the aborted inputs one per transaction, dead-letters the one
 * refused again and again, and delivers the others exactly once. */
static void test_runner_exactly_once_dead_letters_a_refused_output(void **st)
{
    (void)st;
    struct h_topics t;
    h_topics_create(&t, "txnrefuse", 1);
    set_max_message_bytes(t.cleaned, "4000"); /* a batch of the small outputs fits */
    const char *small = "<html><head><title>Small</title></head><body><article><p>The council "
                        "approved the budget on Monday after a long debate.</p></article>"
                        "</body></html>";
    struct nf_buf big = {0};
    assert_int_equal(nf_buf_appends(&big, "<html><head><title>Big</title></head><body>"
                                             "<article>"), 0);
    /* made-up words, so that the output does not compress below the topic's limit */
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 80; i++) {
        assert_int_equal(nf_buf_appends(&big, "<p>The harbour"), 0);
        for (int w = 0; w < 20; w++) {
            char word[9];
            for (int k = 0; k < 8; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                word[k] = (char)('a' + x % 26);
            }
            word[8] = '\0';
            assert_int_equal(nf_buf_appendf(&big, " %s", word), 0);
        }
        assert_int_equal(nf_buf_appends(&big, ".</p>"), 0);
    }
    assert_int_equal(nf_buf_appends(&big, "</article></body></html>"), 0);
    produce_page(t.raw, "small-1", small);
    produce_page(t.raw, "small-2", small);
    produce_page(t.raw, "big", big.data); /* 15 KB of text: over 4000 bytes compressed */
    produce_page(t.raw, "small-3", small);
    produce_page(t.raw, "small-4", small);
    h_flush();
    nf_buf_free(&big);

    const char *extra[] = {"processing.guarantee=exactly_once", NULL};
    char group[160];
    snprintf(group, sizeof(group), "%s-g", t.raw);
    unlink("/tmp/newsflow-itest-txnrefuse.log");
    pid_t pid = h_start_stage("clean", t.raw, t.cleaned, group, "/tmp/newsflow-itest-txnrefuse.log",
                              extra);
    struct h_msgs out, dead;
    h_read(t.raw_dlq, 1, 90000, &dead);
    h_read(t.cleaned, 4, 30000, &out);
    assert_true(h_alive(pid));
    assert_int_equal(h_stop(pid, SIGTERM, 30000), 0);
    print_message("refused output: %zu outputs (%zu distinct), %zu dead letters\n", out.n,
                  h_distinct_keys(&out), dead.n);
    assert_int_equal(dead.n, 1);
    assert_string_equal(dead.v[0].key, "big");
    assert_non_null(dead.v[0].hdr_class);
    assert_string_equal(dead.v[0].hdr_class, "produce");
    assert_non_null(strstr(dead.v[0].hdr_error, "refused"));
    /* the small ones, each exactly once (read_committed: aborted attempts are invisible) */
    assert_int_equal(out.n, 4);
    assert_int_equal(h_distinct_keys(&out), 4);
    assert_false(h_has_key(&out, "big"));
    h_msgs_free(&out);
    h_msgs_free(&dead);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_runner_dead_letters_bad_records_and_keeps_going, h_teardown),
        cmocka_unit_test_teardown(test_runner_sigterm_midstream_then_restart_loses_nothing, h_teardown),
        cmocka_unit_test_teardown(test_runner_exactly_once_dead_letters_a_refused_output,
                                  h_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
