/* test_config_example.c - the annotated config/newsflow.conf stays loadable by every stage:
 * each key it sets is known (to the stage, the runner, or another component's scope) and every
 * value is valid. Keeps the example honest when keys change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsflow/conf.h"
#include "newsflow/stage.h"

extern const struct nf_stage nf_stage_clean;
extern const struct nf_stage nf_stage_entities;
extern const struct nf_stage nf_stage_summarize;
/* the runner's table is private to common/; the stage binaries combine the same three */
extern const struct nf_prop nf_runner_props[];

static void load_with(const struct nf_stage *stage)
{
    const struct nf_prop *tables[] = {nf_common_props, nf_runner_props, stage->props, NULL};
    struct nf_conf *conf = nf_conf_new(tables);
    char err[512] = "";
    assert_non_null(conf);
    int rc = nf_conf_load_file(conf, NF_SOURCE_DIR "/config/newsflow.conf", err, sizeof(err));
    if (rc != 0) {
        fail_msg("%s: %s", stage->name, err);
    }
    /* the file's Kafka address reaches librdkafka */
    int found = 0;
    for (size_t i = 0; i < nf_conf_kafka_count(conf); i++) {
        const char *k;
        const char *v;
        nf_conf_kafka_get(conf, i, &k, &v);
        found |= strcmp(k, "bootstrap.servers") == 0;
    }
    assert_true(found);
    nf_conf_destroy(conf);
}

static void test_example_config_loads_in_clean(void **st)
{
    (void)st;
    load_with(&nf_stage_clean);
}

static void test_example_config_loads_in_entities(void **st)
{
    (void)st;
    load_with(&nf_stage_entities);
}

static void test_example_config_loads_in_summarize(void **st)
{
    (void)st;
    load_with(&nf_stage_summarize);
}

/* a typo in a stage's own scope is caught, with the line */
static void test_example_config_typo_is_reported_with_line(void **st)
{
    (void)st;
    char path[] = "/tmp/newsflow-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fprintf(fp, "# comment\nsummarize.sentencez = 3\n");
    fclose(fp);
    const struct nf_prop *tables[] = {nf_common_props, nf_runner_props, nf_stage_summarize.props,
                                      NULL};
    struct nf_conf *conf = nf_conf_new(tables);
    char err[512] = "";
    assert_int_not_equal(nf_conf_load_file(conf, path, err, sizeof(err)), 0);
    assert_non_null(strstr(err, ":2: unknown property \"summarize.sentencez\""));
    nf_conf_destroy(conf);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_config_loads_in_clean),
        cmocka_unit_test(test_example_config_loads_in_entities),
        cmocka_unit_test(test_example_config_loads_in_summarize),
        cmocka_unit_test(test_example_config_typo_is_reported_with_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
