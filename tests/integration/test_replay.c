/* test_replay.c - newsflow-replay against a real broker: a dry run changes nothing, --execute
 * refuses while the stage runs and naming its member, a reset makes summarize re-emit every id
 * (with the new trace label), --into-group with --to-datetime seeds a new group from a point in
 * time while the live group keeps running, and --shift-by / --to-offset on one partition.
 */
#include <librdkafka/rdkafka.h>
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

#define N 50
#define PARTS 3
#define LOG_REPLAY "/tmp/newsflow-itest-replay.log"

static const char *const sentences[] = {
    "The city council approved a new budget for public transport on Monday.",
    "Officials said the plan would add forty buses and extend two tram lines.",
    "Critics argued that the money should go to road repairs instead.",
    "The mayor promised a public hearing before the end of the month.",
    "Residents will be able to comment on the proposal online.",
};

/* {"id": "<prefix><i>", "text": ...} into topic, keyed by id */
static void produce_batch(const char *topic, const char *prefix, int from, int to)
{
    for (int i = from; i < to; i++) {
        char id[64];
        snprintf(id, sizeof(id), "%s%03d", prefix, i);
        char text[1024] = "";
        for (int s = 0; s < 5; s++) {
            strcat(text, sentences[(i + s) % 5]);
            strcat(text, " ");
        }
        json_t *rec = json_pack("{s:s, s:s}", "id", id, "text", text);
        char *v = json_dumps(rec, JSON_COMPACT);
        h_produce(topic, id, v, strlen(v));
        free(v);
        json_decref(rec);
    }
    h_flush();
}

static rd_kafka_t *client(const char *group)
{
    char err[512];
    char gid[200];
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    rd_kafka_conf_set(kc, "bootstrap.servers", h_bootstrap(), NULL, 0);
    rd_kafka_conf_set(kc, "log_level", "3", NULL, 0);
    /* never subscribes: only reads committed offsets of `group` */
    snprintf(gid, sizeof(gid), "%s", group ? group : "test-replay-reader");
    rd_kafka_conf_set(kc, "group.id", gid, NULL, 0);
    rd_kafka_conf_set(kc, "enable.auto.commit", "false", NULL, 0);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, err, sizeof(err));
    if (!rk) {
        fail_msg("rd_kafka_new: %s", err);
    }
    return rk;
}

/* committed offsets of group on topic's partitions 0..PARTS-1 (-1: none); returns their sum */
static int64_t committed(const char *group, const char *topic, int64_t out[PARTS])
{
    rd_kafka_t *rk = client(group);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(PARTS);
    for (int p = 0; p < PARTS; p++) {
        rd_kafka_topic_partition_list_add(l, topic, p);
    }
    assert_int_equal(rd_kafka_committed(rk, l, 30000), 0);
    int64_t sum = 0;
    for (int p = 0; p < PARTS; p++) {
        out[p] = l->elems[p].offset >= 0 ? l->elems[p].offset : -1;
        sum += out[p] > 0 ? out[p] : 0;
    }
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(rk);
    return sum;
}

static void watermarks(const char *topic, int64_t hi[PARTS])
{
    rd_kafka_t *rk = client(NULL);
    for (int p = 0; p < PARTS; p++) {
        int64_t lo = 0;
        assert_int_equal(rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi[p], 30000), 0);
    }
    rd_kafka_destroy(rk);
}

/* Run newsflow-replay with args (NULL-terminated); its output (stdout + stderr) into *out
 * (malloc'ed, caller frees). Returns the exit status. */
static int replay(char **out, const char *const *args)
{
    char bs[300];
    const char *argv[40];
    int n = 0;
    snprintf(bs, sizeof(bs), "kafka.bootstrap.servers=%s", h_bootstrap());
    argv[n++] = "-X";
    argv[n++] = bs;
    for (size_t i = 0; args[i] && n < 39; i++) {
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    unlink(LOG_REPLAY);
    int rc = h_run("newsflow-replay", LOG_REPLAY, argv, 60000);
    FILE *fp = fopen(LOG_REPLAY, "rb");
    assert_non_null(fp);
    struct nf_buf b = {0};
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        assert_int_equal(nf_buf_append(&b, chunk, k), 0);
    }
    fclose(fp);
    nf_buf_appendc(&b, '\0');
    *out = nf_buf_steal(&b);
    print_message("--- newsflow-replay exit %d\n%s", rc, *out);
    return rc;
}

/* Does newsflow-summarize know the runner key trace.label (being added on main)? */
static int have_trace_label(void)
{
    const char *args[] = {"--list-config", NULL};
    const char *logp = "/tmp/newsflow-itest-replay-listconfig.log";
    unlink(logp);
    assert_int_equal(h_run("newsflow-summarize", logp, args, 30000), 0);
    FILE *fp = fopen(logp, "rb");
    assert_non_null(fp);
    char line[1024];
    int found = 0;
    while (fgets(line, sizeof(line), fp)) {
        found |= strstr(line, "trace.label") != NULL;
    }
    fclose(fp);
    return found;
}

/* the last trace entry of a record (borrowed from rec) */
static json_t *last_trace(json_t *rec)
{
    json_t *tr = json_object_get(rec, "trace");
    assert_true(json_array_size(tr) >= 1);
    return json_array_get(tr, json_array_size(tr) - 1);
}

static void test_replay_reprocesses_everything_with_a_new_summarize(void **st)
{
    (void)st;
    struct h_topics t;
    h_topics_create(&t, "replay", PARTS);
    char group[200];
    snprintf(group, sizeof(group), "%s-g-summarize", t.raw);
    produce_batch(t.entities, "doc", 0, N);

    const char *logp = "/tmp/newsflow-itest-replay-summarize.log";
    unlink(logp);
    pid_t pid = h_start_stage("summarize", t.entities, t.summaries, group, logp, NULL);
    struct h_msgs first;
    h_read(t.summaries, N, 90000, &first);
    assert_int_equal(first.n, N);
    assert_int_equal(h_distinct_keys(&first), N);
    h_msgs_free(&first);

    char scope[200];
    snprintf(scope, sizeof(scope), "%s", t.entities);
    char *out = NULL;

    /* running: --execute refuses and names the member (client.id newsflow-summarize-<host>) */
    int64_t c0[PARTS], c1[PARTS];
    int64_t live = 0;
    for (int i = 0; i < 100 && live != N; i++) { /* commits lag the outputs a little */
        live = committed(group, t.entities, c0);
        if (live != N) {
            usleep(200 * 1000);
        }
    }
    assert_int_equal(live, N);
    const char *exec_live[] = {"--group",       group,       "--topic", scope,
                               "--to-earliest", "--execute", NULL};
    assert_int_equal(replay(&out, exec_live), 3);
    assert_non_null(strstr(out, "refused"));
    assert_non_null(strstr(out, "newsflow-summarize-"));
    assert_non_null(strstr(out, "active member"));
    free(out);
    assert_int_equal(committed(group, t.entities, c1), N);

    assert_true(h_alive(pid));
    assert_int_equal(h_stop(pid, SIGTERM, 60000), 0);

    /* dry run (the default): prints the plan, changes nothing */
    const char *dry[] = {"--group", group, "--topic", scope, "--to-earliest", NULL};
    assert_int_equal(replay(&out, dry), 0);
    assert_non_null(strstr(out, "PARTITION"));
    assert_non_null(strstr(out, "LAG-BEFORE"));
    assert_non_null(strstr(out, "dry run: nothing changed"));
    /* one row per partition: "<topic>  <p>  <current>  0  <lag 0>  <lag current>" */
    for (int p = 0; p < PARTS; p++) {
        char row[512];
        snprintf(row, sizeof(row), "%s  %9d  %12lld  %12d  %10d  %10lld", t.entities, p,
                 (long long)c0[p], 0, 0, (long long)c0[p]);
        assert_non_null(strstr(out, row));
    }
    free(out);
    assert_int_equal(committed(group, t.entities, c1), N);
    assert_memory_equal(c0, c1, sizeof(c0));

    /* stopped: --execute resets to the beginning */
    int64_t t0 = nf_mono_ms();
    assert_int_equal(replay(&out, exec_live), 0);
    int64_t reset_ms = nf_mono_ms() - t0;
    assert_non_null(strstr(out, "applied"));
    free(out);
    assert_int_equal(committed(group, t.entities, c1), 0);
    for (int p = 0; p < PARTS; p++) {
        assert_int_equal(c1[p], 0);
    }

    /* the "new version": every id again, told apart by its trace */
    int labelled = have_trace_label();
    int64_t restart_ms = nf_now_ms(); /* wall clock, as in the trace entries */
    int64_t restart_mono = nf_mono_ms();
    const char *v2[] = {"trace.label=v2", NULL};
    pid = h_start_stage("summarize", t.entities, t.summaries, group, logp, labelled ? v2 : NULL);
    struct h_msgs all;
    h_read(t.summaries, 2 * N, 90000, &all);
    print_message("timings: newsflow-replay --execute %lld ms; restart to %d re-emitted "
                  "summaries %lld ms\n",
                  (long long)reset_ms, N, (long long)(nf_mono_ms() - restart_mono));
    struct h_msgs more;
    h_read(t.summaries, 2 * N + 1, 2000, &more);
    assert_int_equal(h_stop(pid, SIGTERM, 60000), 0);
    print_message("summaries after the replay: %zu (label key %s)\n", all.n,
                  labelled ? "present" : "absent: checked by trace time");
    assert_int_equal(all.n, 2 * N);
    assert_int_equal(more.n, 2 * N);
    assert_int_equal(h_distinct_keys(&all), N);
    for (int i = 0; i < N; i++) {
        char id[64];
        snprintf(id, sizeof(id), "doc%03d", i);
        int seen = 0;
        for (size_t k = 0; k < all.n; k++) {
            if (strcmp(all.v[k].key, id) != 0) {
                continue;
            }
            /* same key -> same partition -> first and second run in order */
            json_t *rec = json_loads(all.v[k].value, 0, NULL);
            assert_non_null(rec);
            json_t *e = last_trace(rec);
            assert_string_equal(json_string_value(json_object_get(e, "stage")), "summarize");
            const char *label = json_string_value(json_object_get(e, "label"));
            if (seen == 0) {
                assert_null(label);
            } else if (labelled) {
                assert_non_null(label);
                assert_string_equal(label, "v2");
            } else {
                /* the second run's entry was made after the restart */
                char ts[40];
                nf_rfc3339(restart_ms - 1000, ts, sizeof(ts));
                assert_true(strcmp(json_string_value(json_object_get(e, "at")), ts) >= 0);
            }
            seen++;
            json_decref(rec);
        }
        assert_int_equal(seen, 2);
    }
    h_msgs_free(&all);
    h_msgs_free(&more);
}

static void test_replay_into_new_group_from_datetime_while_live_group_runs(void **st)
{
    (void)st;
    struct h_topics t;
    h_topics_create(&t, "replayts", PARTS);
    char live[200], fresh[200];
    snprintf(live, sizeof(live), "%s-g-live", t.raw);
    snprintf(fresh, sizeof(fresh), "%s-g-fresh", t.raw);
    produce_batch(t.entities, "old", 0, 20);
    int64_t hi1[PARTS];
    watermarks(t.entities, hi1);
    usleep(1500 * 1000);
    char when[40];
    nf_rfc3339(nf_now_ms(), when, sizeof(when));
    usleep(1500 * 1000);
    produce_batch(t.entities, "new", 0, 20);

    /* the live group runs through everything and keeps running */
    const char *logp = "/tmp/newsflow-itest-replay-live.log";
    unlink(logp);
    pid_t pid = h_start_stage("summarize", t.entities, t.summaries, live, logp, NULL);
    struct h_msgs m;
    h_read(t.summaries, 40, 90000, &m);
    assert_int_equal(m.n, 40);
    h_msgs_free(&m);

    char *out = NULL;
    const char *into[] = {"--group", live,           "--topic", t.entities,  "--to-datetime",
                          when,      "--into-group", fresh,     "--execute", NULL};
    assert_int_equal(replay(&out, into), 0);
    assert_non_null(strstr(out, "applied"));
    free(out);
    int64_t got[PARTS];
    committed(fresh, t.entities, got);
    for (int p = 0; p < PARTS; p++) {
        assert_int_equal(got[p], hi1[p]); /* the first record of the second batch */
    }
    /* the target of --into-group must be inactive too */
    const char *bad[] = {"--group",      fresh, "--topic",   t.entities, "--to-earliest",
                         "--into-group", live,  "--execute", NULL};
    assert_int_equal(replay(&out, bad), 3);
    assert_non_null(strstr(out, "newsflow-summarize-"));
    free(out);

    assert_true(h_alive(pid));
    assert_int_equal(h_stop(pid, SIGTERM, 60000), 0);
    int64_t lc[PARTS];
    assert_int_equal(committed(live, t.entities, lc), 40); /* untouched */

    /* the new group reprocesses only the second batch */
    const char *logq = "/tmp/newsflow-itest-replay-fresh.log";
    unlink(logq);
    pid = h_start_stage("summarize", t.entities, t.cleaned, fresh, logq, NULL);
    struct h_msgs again;
    h_read(t.cleaned, 20, 90000, &again);
    struct h_msgs more;
    h_read(t.cleaned, 21, 2000, &more);
    assert_int_equal(h_stop(pid, SIGTERM, 60000), 0);
    assert_int_equal(again.n, 20);
    assert_int_equal(more.n, 20);
    for (size_t k = 0; k < again.n; k++) {
        assert_memory_equal(again.v[k].key, "new", 3);
    }
    h_msgs_free(&again);
    h_msgs_free(&more);
}

static void test_replay_shift_by_and_to_offset_on_one_partition(void **st)
{
    (void)st;
    struct h_topics t;
    h_topics_create(&t, "replaysh", PARTS);
    char group[200];
    snprintf(group, sizeof(group), "%s-g-shift", t.raw);
    produce_batch(t.entities, "s", 0, 60);
    int64_t hi[PARTS], c[PARTS];
    watermarks(t.entities, hi);
    char *out = NULL;

    /* a group that never ran: --to-latest gives it offsets */
    const char *latest[] = {"--group",     group,       "--topic", t.entities,
                            "--to-latest", "--execute", NULL};
    assert_int_equal(replay(&out, latest), 0);
    free(out);
    committed(group, t.entities, c);
    assert_memory_equal(c, hi, sizeof(c));

    const char *shift[] = {"--group",    group, "--topic",   t.entities,
                           "--shift-by", "-10", "--execute", NULL};
    assert_int_equal(replay(&out, shift), 0);
    free(out);
    committed(group, t.entities, c);
    for (int p = 0; p < PARTS; p++) {
        assert_int_equal(c[p], hi[p] >= 10 ? hi[p] - 10 : 0);
    }
    int64_t before[PARTS];
    memcpy(before, c, sizeof(c));

    /* one partition only, explicit offset */
    char scope[300];
    snprintf(scope, sizeof(scope), "%s:1", t.entities);
    const char *to3[] = {"--group", group, "--topic", scope, "--to-offset", "3", "--execute", NULL};
    assert_int_equal(replay(&out, to3), 0);
    free(out);
    committed(group, t.entities, c);
    assert_int_equal(c[0], before[0]);
    assert_int_equal(c[1], 3);
    assert_int_equal(c[2], before[2]);

    /* beyond the end: clamped, and said so */
    const char *far[] = {"--group", group, "--topic", scope, "--to-offset", "1000000", NULL};
    assert_int_equal(replay(&out, far), 0);
    assert_non_null(strstr(out, "clamped to the high watermark"));
    free(out);
    const char *twospecs[] = {"--group",     group,        "--topic", scope,
                              "--to-latest", "--shift-by", "1",       NULL};
    assert_int_equal(replay(&out, twospecs), 2);
    assert_non_null(strstr(out, "exactly one"));
    free(out);
    committed(group, t.entities, c);
    assert_int_equal(c[1], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_reprocesses_everything_with_a_new_summarize),
        cmocka_unit_test(test_replay_into_new_group_from_datetime_while_live_group_runs),
        cmocka_unit_test(test_replay_shift_by_and_to_offset_on_one_partition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
