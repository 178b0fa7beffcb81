/* test_summarize_idf.c - unit tests of the summarize stage's IDF statistics
 * (stages/summarize/idf.c): loading config/summarize/idf.tsv, rejecting missing or corrupt tables
 * at init with the file named, and the builder behind newsflow-build-idf on a tiny input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsflow/conf.h"
#include "newsflow/err.h"
#include "newsflow/stage.h"

#include "../../stages/summarize/idf.h"

extern const struct nf_stage nf_stage_summarize;

/* Write content to a fresh temporary file; its path goes to path (room for 64 bytes). */
static void write_tmp(char *path, const char *content)
{
    strcpy(path, "/tmp/nf-idf-test.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(content, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static void test_idf_loads_table_and_orders_weights(void **state)
{
    (void)state;
    char path[64];
    write_tmp(path, "# comment\n\ndocs\t100\nminist\t40\nparliament\t5\nthe\t100\n");
    struct nf_idf idf = {0};
    char err[512] = "";
    assert_int_equal(nf_idf_load(path, &idf, err, sizeof(err)), 0);
    assert_int_equal(idf.docs, 100);
    assert_int_equal(idf.terms.n, 3);
    double common = nf_idf_weight(&idf, "the", 3);
    double mid = nf_idf_weight(&idf, "minist", 6);
    double rare = nf_idf_weight(&idf, "parliament", 10);
    double unseen = nf_idf_weight(&idf, "zeppelin", 8);
    assert_true(common < mid && mid < rare && rare < unseen);
    assert_true(common > -0.01 && common < 0.02); /* in every document: almost no weight */
    nf_idf_free(&idf);
    assert_int_equal(idf.docs, 0);
    /* no statistics: every term weighs 1 */
    assert_true(nf_idf_weight(&idf, "the", 3) == 1.0);
    unlink(path);
}

static void test_idf_rejects_corrupt_tables_naming_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *content;
        const char *where; /* expected in the message after the path */
    } cases[] = {
        {"# only a comment\n", "no \"docs"},
        {"minist\t4\ndocs\t10\n", ":1:"},            /* terms before the docs line */
        {"docs\t10\nminist\t11\n", ":2:"},           /* df over docs */
        {"docs\t10\nminist\tfour\n", ":2:"},         /* not a number */
        {"docs\t10\nminist 4\n", ":2:"},             /* no tab */
        {"docs\t10\nminist\t0\n", ":2:"},            /* df 0 */
        {"docs\t10\nminist\t4\nminist\t5\n", ":3:"}, /* duplicate */
        {"docs\t10\nminist\t4x\n", ":2:"},           /* trailing junk */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[64];
        write_tmp(path, cases[i].content);
        struct nf_idf idf = {0};
        char err[512] = "";
        assert_int_equal(nf_idf_load(path, &idf, err, sizeof(err)), NF_ERR_INVALID);
        if (!strstr(err, path) || !strstr(err, cases[i].where)) {
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err, cases[i].where);
        }
        assert_int_equal(idf.docs, 0);
        assert_null(idf.df);
        unlink(path);
    }
}

/* init with summarize.idf = path: returns init's code, message in err */
static int init_with_idf(const char *path, char *err, size_t err_size)
{
    const struct nf_prop *const tables[] = {nf_common_props, nf_stage_summarize.props, NULL};
    struct nf_conf *conf = nf_conf_new(tables);
    assert_non_null(conf);
    assert_int_equal(nf_conf_set(conf, "summarize.idf", path, "test", err, err_size), 0);
    void *st = (void *)1;
    int rc = nf_stage_summarize.init(conf, &st, err, err_size);
    if (rc != 0) {
        assert_null(st);
    }
    nf_stage_summarize.destroy(st);
    nf_conf_destroy(conf);
    return rc;
}

static void test_summarize_init_fails_on_missing_or_corrupt_idf(void **state)
{
    (void)state;
    char err[512] = "";
    assert_int_equal(init_with_idf("/nonexistent/idf.tsv", err, sizeof(err)), NF_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent/idf.tsv"));
    char path[64];
    write_tmp(path, "docs\t3\nword\n");
    assert_int_equal(init_with_idf(path, err, sizeof(err)), NF_ERR_INVALID);
    assert_non_null(strstr(err, path));
    unlink(path);
}

static void test_idf_shipped_table_loads(void **state)
{
    (void)state;
    struct nf_idf idf = {0};
    char err[512] = "";
    int rc = nf_idf_load(NF_SOURCE_DIR "/config/summarize/idf.tsv", &idf, err, sizeof(err));
    if (rc != 0) {
        fail_msg("%s", err);
    }
    assert_int_equal(idf.docs, 946);
    assert_true(idf.terms.n > 5000);
    /* stemmed like the stage: "governments" -> "government", a common Reuters word */
    assert_true(nf_idf_weight(&idf, "government", 10) < nf_idf_weight(&idf, "zeppelin", 8));
    nf_idf_free(&idf);
}

static void test_idf_build_counts_each_term_once_per_document(void **state)
{
    (void)state;
    static const char input[] =
        "{\"id\": \"a\", \"text\": \"Ministers met. The ministers argued about farms.\"}\n"
        "{\"id\": \"b\", \"text\": \"Farm ministers resigned.\"}\n"
        "{\"id\": \"c\", \"no_text\": 1}\n"
        "\n"
        "{\"id\": \"d\", \"text\": \"Farms, farms and farming.\"}\n";
    FILE *in = fmemopen((void *)input, sizeof(input) - 1, "r");
    char *outbuf = NULL;
    size_t outlen = 0;
    FILE *out = open_memstream(&outbuf, &outlen);
    assert_non_null(in);
    assert_non_null(out);
    struct nf_lex_table stop = {0};
    uint32_t id;
    assert_int_equal(nf_lex_table_intern(&stop, "the", 3, &id), 0);
    assert_int_equal(nf_lex_table_intern(&stop, "and", 3, &id), 0);
    assert_int_equal(nf_lex_table_intern(&stop, "about", 5, &id), 0);
    size_t ndocs = 0;
    size_t nterms = 0;
    char err[512] = "";
    int rc = nf_idf_build(in, out, &stop, 2, 1 << 20, &ndocs, &nterms, err, sizeof(err));
    if (rc != 0) {
        fail_msg("%s", err);
    }
    fclose(out);
    /* farm: a, b, d; minister: a, b; one-document terms (met, argu, resign) are dropped; sorted */
    assert_string_equal(outbuf, "docs\t3\nfarm\t3\nminister\t2\n");
    assert_int_equal(ndocs, 3);
    assert_int_equal(nterms, 2);
    free(outbuf);
    fclose(in);

    /* a line that is not JSON: an error naming the line */
    static const char bad[] = "{\"text\": \"x\"}\n{oops\n";
    in = fmemopen((void *)bad, sizeof(bad) - 1, "r");
    out = open_memstream(&outbuf, &outlen);
    assert_int_equal(nf_idf_build(in, out, &stop, 1, 1 << 20, &ndocs, &nterms, err, sizeof(err)),
                     NF_ERR_INVALID);
    assert_non_null(strstr(err, "line 2"));
    fclose(out);
    free(outbuf);
    fclose(in);
    nf_lex_table_free(&stop);
}

static void test_idf_built_table_round_trips_through_load(void **state)
{
    (void)state;
    static const char input[] = "{\"text\": \"Rain fell on Paris.\"}\n"
                                "{\"text\": \"Paris slept.\"}\n";
    char path[64];
    write_tmp(path, "");
    FILE *in = fmemopen((void *)input, sizeof(input) - 1, "r");
    FILE *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    struct nf_lex_table stop = {0};
    size_t ndocs = 0;
    size_t nterms = 0;
    char err[512] = "";
    assert_int_equal(nf_idf_build(in, out, &stop, 1, 1 << 20, &ndocs, &nterms, err, sizeof(err)),
                     0);
    fclose(out);
    fclose(in);
    struct nf_idf idf = {0};
    assert_int_equal(nf_idf_load(path, &idf, err, sizeof(err)), 0);
    assert_int_equal(idf.docs, 2);
    assert_int_equal(idf.terms.n, nterms);
    assert_true(nf_idf_weight(&idf, "paris", 5) < nf_idf_weight(&idf, "rain", 4));
    nf_idf_free(&idf);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idf_loads_table_and_orders_weights),
        cmocka_unit_test(test_idf_rejects_corrupt_tables_naming_file_and_line),
        cmocka_unit_test(test_summarize_init_fails_on_missing_or_corrupt_idf),
        cmocka_unit_test(test_idf_shipped_table_loads),
        cmocka_unit_test(test_idf_build_counts_each_term_once_per_document),
        cmocka_unit_test(test_idf_built_table_round_trips_through_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
