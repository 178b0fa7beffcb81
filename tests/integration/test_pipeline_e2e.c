/* test_pipeline_e2e.c - the whole pipeline over a real broker: ingest the sample pages, run
 * clean, entities and summarize, and read back exactly one summary per page, ids matching.
 */
#include <dirent.h>
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
#include "newsflow/record.h"

#define COPIES 3 /* each sample is ingested under COPIES base URLs: distinct ids */

static void test_pipeline_summarizes_every_sample_once(void **st)
{
    (void)st;
    struct h_topics t;
    h_topics_create(&t, "e2e", 3);

    /* expected ids: ingest derives them from base_url + file name */
    char ids[256][32];
    size_t n = 0;
    DIR *d = opendir(NF_SOURCE_DIR "/config/samples");
    assert_non_null(d);
    struct dirent *e;
    char names[64][256];
    size_t nnames = 0;
    while ((e = readdir(d)) && nnames < 64) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".html") == 0) {
            snprintf(names[nnames++], sizeof(names[0]), "%s", e->d_name);
        }
    }
    closedir(d);
    assert_true(nnames >= 6);
    char bases[COPIES][64];
    for (int c = 0; c < COPIES; c++) {
        snprintf(bases[c], sizeof(bases[c]), "https://copy%d.samples.newsflow.test/", c);
        for (size_t i = 0; i < nnames; i++) {
            char url[512];
            snprintf(url, sizeof(url), "%s%s", bases[c], names[i]);
            nf_record_id_from_url(url, ids[n++], sizeof(ids[0]));
        }
    }

    char group[3][64];
    const char *stages[3] = {"clean", "entities", "summarize"};
    const char *ins[3] = {t.raw, t.cleaned, t.entities};
    const char *outs[3] = {t.cleaned, t.entities, t.summaries};
    pid_t pids[3];
    for (int i = 0; i < 3; i++) {
        char logp[128];
        snprintf(group[i], sizeof(group[i]), "%s-g-%s", t.raw, stages[i]);
        snprintf(logp, sizeof(logp), "/tmp/newsflow-itest-e2e-%s.log", stages[i]);
        unlink(logp);
        pids[i] = h_start_stage(stages[i], ins[i], outs[i], group[i], logp, NULL);
    }
    for (int c = 0; c < COPIES; c++) {
        char a1[600], a2[600], a3[600];
        snprintf(a1, sizeof(a1), "kafka.bootstrap.servers=%s", h_bootstrap());
        snprintf(a2, sizeof(a2), "ingest.topic=%s", t.raw);
        snprintf(a3, sizeof(a3), "ingest.base_url=%s", bases[c]);
        const char *args[] = {"-X", a1, "-X", a2, "-X", a3, NF_SOURCE_DIR "/config/samples",
                              NULL};
        assert_int_equal(h_run("newsflow-ingest", "/tmp/newsflow-itest-e2e-ingest.log", args,
                               60000),
                         0);
    }

    struct h_msgs out;
    h_read(t.summaries, n, 90000, &out);
    /* a little longer: nothing beyond n may arrive in a clean run */
    struct h_msgs more;
    h_read(t.summaries, n + 1, 3000, &more);
    for (int i = 0; i < 3; i++) {
        assert_true(h_alive(pids[i]));
        assert_int_equal(h_stop(pids[i], SIGTERM, 60000), 0);
    }
    print_message("summaries: %zu records for %zu pages\n", out.n, n);
    assert_int_equal(out.n, n);
    assert_int_equal(more.n, n);
    assert_int_equal(h_distinct_keys(&out), n);
    for (size_t i = 0; i < n; i++) {
        assert_true(h_has_key(&out, ids[i]));
    }
    /* each summary record carries the whole lineage and a non-empty summary */
    for (size_t i = 0; i < out.n; i++) {
        json_error_t je;
        json_t *rec = json_loads(out.v[i].value, 0, &je);
        assert_non_null(rec);
        assert_string_equal(json_string_value(json_object_get(rec, "id")), out.v[i].key);
        assert_true(json_array_size(json_object_get(rec, "summary")) >= 1);
        assert_true(json_is_array(json_object_get(rec, "entities")));
        assert_true(json_is_string(json_object_get(rec, "text")));
        json_t *trace = json_object_get(rec, "trace");
        assert_int_equal(json_array_size(trace), 3);
        assert_string_equal(json_string_value(json_object_get(json_array_get(trace, 0), "stage")),
                            "clean");
        assert_string_equal(json_string_value(json_object_get(json_array_get(trace, 2), "stage")),
                            "summarize");
        json_decref(rec);
    }
    h_msgs_free(&out);
    h_msgs_free(&more);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_pipeline_summarizes_every_sample_once, h_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
