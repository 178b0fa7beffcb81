/* test_conf.c - unit tests for configuration (common/src/conf.c) and the shared command line
 * (common/src/cli.c): typed tables, layered sources defaults < file < env < -X, file:line errors,
 * kafka.* pass-through, foreign scopes, secrets masking and data.dir-relative paths.
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

#include "newsflow/cli.h"
#include "newsflow/conf.h"
#include "newsflow/err.h"

/* A stage-like table owning the "clean" scope, one key per type. */
static const struct nf_prop test_props[] = {
    {"clean.max_html_bytes", NF_PROP_INT, "8388608", 1024, 1073741824, NULL, "page size cap"},
    {"clean.min_ratio", NF_PROP_DOUBLE, "0.25", 0, 1, NULL, "text/markup ratio"},
    {"clean.keep_links", NF_PROP_BOOL, "false", 0, 0, NULL, "keep anchors"},
    {"clean.mode", NF_PROP_ENUM, "article", 0, 0, "article|full|none", "extraction mode"},
    {"clean.stopwords", NF_PROP_STR, "clean/stopwords.txt", 0, 0, NULL, "word list"},
    {"clean.model", NF_PROP_STR, NULL, 0, 0, NULL, "optional model path"},
    {"clean.api_password", NF_PROP_STR, NULL, 0, 0, NULL, "a secret"},
    NF_PROP_END,
};

static const struct nf_prop *const test_tables[] = {nf_common_props, test_props, NULL};

/* Every test gets a fresh conf and, if it writes one, a temporary file removed afterwards. */
struct fixture {
    struct nf_conf *conf;
    char path[64];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || !(f->conf = nf_conf_new(test_tables))) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (f->path[0]) {
        unlink(f->path);
    }
    nf_conf_destroy(f->conf);
    free(f);
    return 0;
}

/* Write text to a new mkstemp file under /tmp; its name goes to f->path. */
static void write_conf(struct fixture *f, const char *text)
{
    snprintf(f->path, sizeof(f->path), "/tmp/nf_test_conf_XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* Load text as a config file and expect failure with "<path>:<line>: <want...>". */
static void assert_file_error(struct fixture *f, const char *text, int line, const char *want)
{
    char err[512] = "";
    char prefix[128];
    write_conf(f, text);
    assert_int_equal(nf_conf_load_file(f->conf, f->path, err, sizeof(err)), NF_ERR_CONFIG);
    snprintf(prefix, sizeof(prefix), "%s:%d: ", f->path, line);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want)) {
        fail_msg("error \"%s\" is not \"%s...%s...\"", err, prefix, want);
    }
}

/* nf_conf_set must fail with NF_ERR_CONFIG and an error containing want. */
static void assert_set_error(struct nf_conf *conf, const char *key, const char *value,
                             const char *want)
{
    char err[512] = "";
    assert_int_equal(nf_conf_set(conf, key, value, "-X", err, sizeof(err)), NF_ERR_CONFIG);
    if (!strstr(err, want)) {
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
    }
}

static void test_conf_defaults_are_typed_and_marked_default(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(nf_conf_get_int(f->conf, "clean.max_html_bytes"), 8388608);
    assert_true(nf_conf_get_double(f->conf, "clean.min_ratio") == 0.25);
    assert_int_equal(nf_conf_get_bool(f->conf, "clean.keep_links"), 0);
    assert_string_equal(nf_conf_get_str(f->conf, "clean.mode"), "article");
    assert_string_equal(nf_conf_get_str(f->conf, "log.level"), "info");
    assert_null(nf_conf_get_str(f->conf, "clean.model"));
    assert_string_equal(nf_conf_origin(f->conf, "clean.mode"), "default");
    assert_true(nf_conf_has(f->conf, "data.dir"));
    assert_false(nf_conf_has(f->conf, "summarize.sentences"));
    assert_int_equal(nf_conf_kafka_count(f->conf), 0);
}

static void test_conf_set_validates_and_records_origin(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    assert_int_equal(nf_conf_set(f->conf, "clean.max_html_bytes", "2048", "-X", err, sizeof(err)),
                     0);
    assert_int_equal(nf_conf_get_int(f->conf, "clean.max_html_bytes"), 2048);
    assert_string_equal(nf_conf_origin(f->conf, "clean.max_html_bytes"), "-X");
    assert_int_equal(nf_conf_set(f->conf, "clean.keep_links", "on", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_get_bool(f->conf, "clean.keep_links"), 1);
    assert_int_equal(nf_conf_set(f->conf, "clean.keep_links", "no", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_get_bool(f->conf, "clean.keep_links"), 0);
    assert_int_equal(nf_conf_set(f->conf, "clean.min_ratio", "1", "-X", err, sizeof(err)), 0);
    assert_true(nf_conf_get_double(f->conf, "clean.min_ratio") == 1.0);
    assert_int_equal(nf_conf_set(f->conf, "clean.mode", "none", "-X", err, sizeof(err)), 0);
    assert_string_equal(nf_conf_get_str(f->conf, "clean.mode"), "none");
}

static void test_conf_rejects_bad_int_naming_key(void **state)
{
    struct fixture *f = *state;
    assert_set_error(f->conf, "clean.max_html_bytes", "12abc",
                     "-X: property \"clean.max_html_bytes\": \"12abc\" is not an integer");
    assert_set_error(f->conf, "clean.max_html_bytes", "", "is not an integer");
    assert_set_error(f->conf, "clean.max_html_bytes", "1.5", "is not an integer");
    assert_set_error(f->conf, "clean.max_html_bytes", "99999999999999999999",
                     "is not an integer");
    /* the old value survives a rejected set */
    assert_int_equal(nf_conf_get_int(f->conf, "clean.max_html_bytes"), 8388608);
    assert_string_equal(nf_conf_origin(f->conf, "clean.max_html_bytes"), "default");
}

static void test_conf_rejects_out_of_range_naming_key(void **state)
{
    struct fixture *f = *state;
    assert_set_error(f->conf, "clean.max_html_bytes", "1023",
                     "property \"clean.max_html_bytes\": 1023 is out of range [1024, 1073741824]");
    assert_set_error(f->conf, "clean.max_html_bytes", "1073741825", "is out of range");
    assert_set_error(f->conf, "clean.max_html_bytes", "-5", "is out of range");
    assert_set_error(f->conf, "clean.min_ratio", "1.01",
                     "property \"clean.min_ratio\": 1.01 is out of range [0, 1]");
    assert_set_error(f->conf, "clean.min_ratio", "nan", "\"clean.min_ratio\": \"nan\" is not a");
    assert_set_error(f->conf, "clean.min_ratio", "x", "is not a number");
}

static void test_conf_rejects_bad_enum_naming_key_and_choices(void **state)
{
    struct fixture *f = *state;
    assert_set_error(f->conf, "clean.mode", "articles",
                     "property \"clean.mode\": \"articles\" is not one of article|full|none");
    assert_set_error(f->conf, "clean.mode", "", "is not one of");
    assert_set_error(f->conf, "clean.mode", "art", "is not one of");
    assert_set_error(f->conf, "log.level", "verbose", "property \"log.level\"");
    assert_string_equal(nf_conf_get_str(f->conf, "clean.mode"), "article");
}

static void test_conf_rejects_bad_bool_naming_key(void **state)
{
    struct fixture *f = *state;
    assert_set_error(f->conf, "clean.keep_links", "maybe",
                     "property \"clean.keep_links\": \"maybe\" is not a boolean");
    assert_set_error(f->conf, "clean.keep_links", "TRUE", "is not a boolean");
}

static void test_conf_unknown_key_in_owned_scope_suggests_nearest(void **state)
{
    struct fixture *f = *state;
    assert_set_error(f->conf, "clean.max_htm_bytes", "5",
                     "-X: unknown property \"clean.max_htm_bytes\" "
                     "(did you mean \"clean.max_html_bytes\"?)");
    assert_set_error(f->conf, "log.levle", "debug", "(did you mean \"log.level\"?)");
    /* nothing close: no suggestion, but still an error */
    assert_set_error(f->conf, "clean.something_else_entirely", "1",
                     "unknown property \"clean.something_else_entirely\" (--list-config");
    assert_set_error(f->conf, "bogus", "1", "unknown property \"bogus\"");
}

static void test_conf_ignores_keys_of_foreign_scope(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    /* the tables have no summarize.* key: a shared file may configure the summarizer */
    assert_int_equal(nf_conf_set(f->conf, "summarize.sentences", "3", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_set(f->conf, "entities.x", "y", "-X", err, sizeof(err)), 0);
    assert_false(nf_conf_has(f->conf, "summarize.sentences"));
    /* but only known component scopes are foreign; anything else is a typo */
    assert_set_error(f->conf, "sumarize.sentences", "3", "unknown property");
}

static void test_conf_file_sets_values_with_file_line_origin(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    char origin[128];
    write_conf(f, "# newsflow test config\n"
                  "\n"
                  "   clean.mode   =   full   \n"
                  "clean.max_html_bytes=4096\n"
                  "\t# indented comment\n"
                  "clean.stopwords = words/a b.txt\n");
    assert_int_equal(nf_conf_load_file(f->conf, f->path, err, sizeof(err)), 0);
    assert_string_equal(nf_conf_get_str(f->conf, "clean.mode"), "full");
    assert_int_equal(nf_conf_get_int(f->conf, "clean.max_html_bytes"), 4096);
    assert_string_equal(nf_conf_get_str(f->conf, "clean.stopwords"), "words/a b.txt");
    snprintf(origin, sizeof(origin), "%s:3", f->path);
    assert_string_equal(nf_conf_origin(f->conf, "clean.mode"), origin);
    snprintf(origin, sizeof(origin), "%s:4", f->path);
    assert_string_equal(nf_conf_origin(f->conf, "clean.max_html_bytes"), origin);
}

static void test_conf_file_strips_trailing_comment(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    write_conf(f, "clean.mode = full   # the whole page\n"
                  "clean.stopwords = list#1.txt\n"
                  "clean.max_html_bytes = 2048\t# tab before the hash\n");
    assert_int_equal(nf_conf_load_file(f->conf, f->path, err, sizeof(err)), 0);
    assert_string_equal(nf_conf_get_str(f->conf, "clean.mode"), "full");
    /* a '#' inside a value (no white space before it) is kept */
    assert_string_equal(nf_conf_get_str(f->conf, "clean.stopwords"), "list#1.txt");
    assert_int_equal(nf_conf_get_int(f->conf, "clean.max_html_bytes"), 2048);
}

static void test_conf_file_unknown_key_names_file_line_and_suggestion(void **state)
{
    struct fixture *f = *state;
    assert_file_error(f,
                      "# comment\n"
                      "clean.mode = full\n"
                      "clean.max_htm_bytes = 5000\n"
                      "clean.mode = none\n",
                      3,
                      "unknown property \"clean.max_htm_bytes\" "
                      "(did you mean \"clean.max_html_bytes\"?)");
    /* lines before the error were applied, the ones after were not */
    assert_string_equal(nf_conf_get_str(f->conf, "clean.mode"), "full");
}

static void test_conf_file_bad_value_names_file_line_and_key(void **state)
{
    struct fixture *f = *state;
    assert_file_error(f, "\nclean.max_html_bytes = lots\n", 2,
                      "property \"clean.max_html_bytes\": \"lots\" is not an integer");
}

static void test_conf_file_line_without_equals_is_an_error(void **state)
{
    struct fixture *f = *state;
    assert_file_error(f, "clean.mode = full\nclean.mode full\n", 2,
                      "expected \"key = value\"");
}

static void test_conf_file_empty_key_is_an_error(void **state)
{
    struct fixture *f = *state;
    assert_file_error(f, "  = full\n", 1, "empty key");
}

static void test_conf_file_overlong_line_is_an_error(void **state)
{
    struct fixture *f = *state;
    size_t n = 9000;
    char *text = malloc(n + 64);
    assert_non_null(text);
    strcpy(text, "clean.mode = full\nclean.stopwords = ");
    size_t len = strlen(text);
    memset(text + len, 'w', n);
    strcpy(text + len + n, "\n");
    assert_file_error(f, text, 2, "line longer than 8190 bytes");
    free(text);
}

static void test_conf_file_missing_is_io_error_naming_file(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    assert_int_equal(nf_conf_load_file(f->conf, "/nonexistent/newsflow.conf", err, sizeof(err)),
                     NF_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent/newsflow.conf: cannot open"));
}

static void test_conf_file_foreign_scope_ignored_owned_typo_rejected(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    write_conf(f, "summarize.sentences = 3\n"
                  "entities.model = x.bin\n"
                  "clean.mode = none\n");
    assert_int_equal(nf_conf_load_file(f->conf, f->path, err, sizeof(err)), 0);
    assert_string_equal(nf_conf_get_str(f->conf, "clean.mode"), "none");
    unlink(f->path);
    assert_file_error(f, "summarize.sentences = 3\nclean.mdoe = none\n", 2,
                      "unknown property \"clean.mdoe\" (did you mean \"clean.mode\"?)");
}

static void test_conf_kafka_passthrough_keeps_order_and_replaces_in_place(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    const char *name = NULL;
    const char *value = NULL;
    assert_int_equal(nf_conf_set(f->conf, "kafka.bootstrap.servers", "a:9092", "f:1", err,
                                 sizeof(err)), 0);
    assert_int_equal(nf_conf_set(f->conf, "kafka.acks", "all", "f:2", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_set(f->conf, "kafka.linger.ms", "5", "f:3", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_set(f->conf, "kafka.bootstrap.servers", "b:9093", "-X", err,
                                 sizeof(err)), 0);
    assert_int_equal(nf_conf_kafka_count(f->conf), 3);
    nf_conf_kafka_get(f->conf, 0, &name, &value);
    assert_string_equal(name, "bootstrap.servers");
    assert_string_equal(value, "b:9093");
    nf_conf_kafka_get(f->conf, 1, &name, &value);
    assert_string_equal(name, "acks");
    assert_string_equal(value, "all");
    nf_conf_kafka_get(f->conf, 2, &name, &value);
    assert_string_equal(name, "linger.ms");
    assert_string_equal(value, "5");
}

static void test_conf_kafka_default_does_not_override(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    const char *name = NULL;
    const char *value = NULL;
    assert_int_equal(nf_conf_set(f->conf, "kafka.acks", "1", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_kafka_default(f->conf, "acks", "all"), 0);
    assert_int_equal(nf_conf_kafka_default(f->conf, "client.id", "nf"), 0);
    assert_int_equal(nf_conf_kafka_count(f->conf), 2);
    nf_conf_kafka_get(f->conf, 0, &name, &value);
    assert_string_equal(value, "1");
    nf_conf_kafka_get(f->conf, 1, &name, &value);
    assert_string_equal(name, "client.id");
    assert_string_equal(value, "nf");
}

static void test_conf_kafka_passthrough_grows_past_initial_capacity(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    char key[64];
    char val[16];
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof(key), "kafka.k%d", i);
        snprintf(val, sizeof(val), "%d", i);
        assert_int_equal(nf_conf_set(f->conf, key, val, "-X", err, sizeof(err)), 0);
    }
    assert_int_equal(nf_conf_kafka_count(f->conf), 40);
    const char *name = NULL;
    const char *value = NULL;
    nf_conf_kafka_get(f->conf, 39, &name, &value);
    assert_string_equal(name, "k39");
    assert_string_equal(value, "39");
}

static void test_conf_env_maps_keys_and_kafka_names(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    char *envp[] = {
        "PATH=/usr/bin",
        "NEWSFLOW_CLEAN_MAX_HTML_BYTES=65536",
        "NEWSFLOW_LOG_LEVEL=debug",
        "NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS=broker:9092",
        "NEWSFLOW_SUMMARIZE_SENTENCES=4", /* another binary's key: ignored */
        "NEWSFLOW_LOG_LEVELX=error",      /* not an exact name: ignored */
        NULL,
    };
    assert_int_equal(nf_conf_load_env(f->conf, envp, err, sizeof(err)), 0);
    assert_int_equal(nf_conf_get_int(f->conf, "clean.max_html_bytes"), 65536);
    assert_string_equal(nf_conf_origin(f->conf, "clean.max_html_bytes"),
                        "env NEWSFLOW_CLEAN_MAX_HTML_BYTES");
    assert_string_equal(nf_conf_get_str(f->conf, "log.level"), "debug");
    assert_int_equal(nf_conf_kafka_count(f->conf), 1);
    const char *name = NULL;
    const char *value = NULL;
    nf_conf_kafka_get(f->conf, 0, &name, &value);
    assert_string_equal(name, "bootstrap.servers");
    assert_string_equal(value, "broker:9092");
}

static void test_conf_env_bad_value_names_variable(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    char *envp[] = {"NEWSFLOW_CLEAN_MODE=sideways", NULL};
    assert_int_equal(nf_conf_load_env(f->conf, envp, err, sizeof(err)), NF_ERR_CONFIG);
    assert_non_null(strstr(err, "env NEWSFLOW_CLEAN_MODE: property \"clean.mode\""));
}

/* Print the conf into a string (caller frees). */
static char *print_conf(const struct nf_conf *conf)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    assert_non_null(fp);
    nf_conf_print(conf, fp);
    assert_int_equal(fclose(fp), 0);
    return text;
}

static void test_conf_print_masks_secrets(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    assert_int_equal(nf_conf_set(f->conf, "kafka.sasl.password", "hunter2", "-X", err,
                                 sizeof(err)), 0);
    assert_int_equal(nf_conf_set(f->conf, "kafka.sasl.username", "alice", "-X", err,
                                 sizeof(err)), 0);
    assert_int_equal(nf_conf_set(f->conf, "clean.api_password", "s3cr3t", "-X", err,
                                 sizeof(err)), 0);
    char *text = print_conf(f->conf);
    assert_null(strstr(text, "hunter2"));
    assert_null(strstr(text, "s3cr3t"));
    assert_non_null(strstr(text, "kafka.sasl.password"));
    assert_non_null(strstr(text, "********"));
    /* other values are shown with their origin */
    assert_non_null(strstr(text, "alice"));
    assert_non_null(strstr(text, "clean.max_html_bytes"));
    assert_non_null(strstr(text, "8388608"));
    assert_non_null(strstr(text, "[default]"));
    free(text);
}

static void test_conf_path_resolves_relative_against_data_dir(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    char out[256];
    assert_int_equal(nf_conf_set(f->conf, "data.dir", "/srv/nf", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_path(f->conf, "clean.stopwords", out, sizeof(out)), 0);
    assert_string_equal(out, "/srv/nf/clean/stopwords.txt");
    assert_int_equal(nf_conf_set(f->conf, "clean.stopwords", "/etc/words.txt", "-X", err,
                                 sizeof(err)), 0);
    assert_int_equal(nf_conf_path(f->conf, "clean.stopwords", out, sizeof(out)), 0);
    assert_string_equal(out, "/etc/words.txt");
}

static void test_conf_path_unset_and_too_small(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    char out[256];
    assert_int_equal(nf_conf_path(f->conf, "clean.model", out, sizeof(out)), NF_ERR_NOENT);
    assert_int_equal(nf_conf_set(f->conf, "clean.model", "", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_path(f->conf, "clean.model", out, sizeof(out)), NF_ERR_NOENT);
    assert_int_equal(nf_conf_set(f->conf, "data.dir", "/srv/nf", "-X", err, sizeof(err)), 0);
    char small[10];
    assert_int_equal(nf_conf_path(f->conf, "clean.stopwords", small, sizeof(small)),
                     NF_ERR_LIMIT);
}

/* --- nf_cli_parse: the precedence every binary gets --------------------------------------- */

static const struct nf_cli test_cli = {
    .prog = "newsflow-test",
    .synopsis = "[options]",
    .tables = test_tables,
};

/* NEWSFLOW_* variables the cli tests set; cleared before and after each of them. */
static const char *const test_env[] = {"NEWSFLOW_CLEAN_MODE", "NEWSFLOW_CLEAN_MAX_HTML_BYTES",
                                       "NEWSFLOW_LOG_LEVEL", "NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS",
                                       NULL};

static int cli_setup(void **state)
{
    for (size_t i = 0; test_env[i]; i++) {
        unsetenv(test_env[i]);
    }
    return setup(state);
}

static int cli_teardown(void **state)
{
    for (size_t i = 0; test_env[i]; i++) {
        unsetenv(test_env[i]);
    }
    return teardown(state);
}

static void test_cli_precedence_defaults_file_env_x(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    char origin[128];
    struct nf_conf *conf = NULL;
    int argi = 0;
    /* each key is set by one more source than the previous one */
    write_conf(f, "log.level = warn\n"
                  "clean.mode = full\n"
                  "clean.max_html_bytes = 2048\n");
    setenv("NEWSFLOW_CLEAN_MODE", "none", 1);
    setenv("NEWSFLOW_CLEAN_MAX_HTML_BYTES", "4096", 1);
    /* -X comes before -c on purpose: precedence does not depend on argument order */
    char *argv[] = {"newsflow-test", "-X", "clean.max_html_bytes=8192", "-c", f->path, "input",
                    NULL};
    assert_int_equal(nf_cli_parse(&test_cli, 6, argv, &conf, &argi, err, sizeof(err)),
                     NF_CLI_RUN);
    assert_non_null(conf);
    assert_int_equal(argi, 5); /* the positional argument */
    assert_string_equal(nf_conf_get_str(conf, "log.format"), "logfmt");
    assert_string_equal(nf_conf_origin(conf, "log.format"), "default");
    assert_string_equal(nf_conf_get_str(conf, "log.level"), "warn");
    snprintf(origin, sizeof(origin), "%s:1", f->path);
    assert_string_equal(nf_conf_origin(conf, "log.level"), origin);
    assert_string_equal(nf_conf_get_str(conf, "clean.mode"), "none");
    assert_string_equal(nf_conf_origin(conf, "clean.mode"), "env NEWSFLOW_CLEAN_MODE");
    assert_int_equal(nf_conf_get_int(conf, "clean.max_html_bytes"), 8192);
    assert_string_equal(nf_conf_origin(conf, "clean.max_html_bytes"), "-X");
    nf_conf_destroy(conf);
}

static void test_cli_last_x_wins_and_kafka_env_maps(void **state)
{
    (void)state;
    char err[512] = "";
    struct nf_conf *conf = NULL;
    int argi = 0;
    setenv("NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS", "envhost:9092", 1);
    char *argv[] = {"newsflow-test", "-X", "clean.mode=full", "-X", "clean.mode=none",
                    "-X", "kafka.acks=all", NULL};
    assert_int_equal(nf_cli_parse(&test_cli, 7, argv, &conf, &argi, err, sizeof(err)),
                     NF_CLI_RUN);
    assert_int_equal(argi, 7);
    assert_string_equal(nf_conf_get_str(conf, "clean.mode"), "none");
    assert_int_equal(nf_conf_kafka_count(conf), 2);
    const char *name = NULL;
    const char *value = NULL;
    nf_conf_kafka_get(conf, 0, &name, &value);
    assert_string_equal(name, "bootstrap.servers");
    assert_string_equal(value, "envhost:9092");
    nf_conf_kafka_get(conf, 1, &name, &value);
    assert_string_equal(name, "acks");
    nf_conf_destroy(conf);
}

static void test_cli_x_overrides_kafka_env(void **state)
{
    (void)state;
    char err[512] = "";
    struct nf_conf *conf = NULL;
    int argi = 0;
    setenv("NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS", "envhost:9092", 1);
    char *argv[] = {"newsflow-test", "-X", "kafka.bootstrap.servers=xhost:9092", NULL};
    assert_int_equal(nf_cli_parse(&test_cli, 3, argv, &conf, &argi, err, sizeof(err)),
                     NF_CLI_RUN);
    const char *name = NULL;
    const char *value = NULL;
    assert_int_equal(nf_conf_kafka_count(conf), 1);
    nf_conf_kafka_get(conf, 0, &name, &value);
    assert_string_equal(value, "xhost:9092");
    nf_conf_destroy(conf);
}

static void test_cli_rejects_bad_x_and_unknown_option(void **state)
{
    (void)state;
    char err[512] = "";
    struct nf_conf *conf = (struct nf_conf *)0x1;
    int argi = 0;
    char *bad_value[] = {"newsflow-test", "-X", "clean.mode=sideways", NULL};
    assert_int_equal(nf_cli_parse(&test_cli, 3, bad_value, &conf, &argi, err, sizeof(err)),
                     NF_ERR_CONFIG);
    assert_null(conf);
    assert_non_null(strstr(err, "-X: property \"clean.mode\""));
    char *no_eq[] = {"newsflow-test", "-X", "clean.mode", NULL};
    assert_int_equal(nf_cli_parse(&test_cli, 3, no_eq, &conf, &argi, err, sizeof(err)),
                     NF_ERR_CONFIG);
    assert_non_null(strstr(err, "expected KEY=VALUE"));
    char *missing_arg[] = {"newsflow-test", "-X", NULL};
    assert_int_equal(nf_cli_parse(&test_cli, 2, missing_arg, &conf, &argi, err, sizeof(err)),
                     NF_ERR_CONFIG);
    assert_non_null(strstr(err, "-X needs an argument"));
    char *unknown[] = {"newsflow-test", "--frobnicate", NULL};
    assert_int_equal(nf_cli_parse(&test_cli, 2, unknown, &conf, &argi, err, sizeof(err)),
                     NF_ERR_CONFIG);
    assert_non_null(strstr(err, "unknown option \"--frobnicate\""));
}

static void test_cli_file_error_names_file_and_line(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    char want[128];
    struct nf_conf *conf = (struct nf_conf *)0x1;
    int argi = 0;
    write_conf(f, "clean.mode = full\nclean.moed = none\n");
    char *argv[] = {"newsflow-test", "--config", f->path, NULL};
    assert_int_equal(nf_cli_parse(&test_cli, 3, argv, &conf, &argi, err, sizeof(err)),
                     NF_ERR_CONFIG);
    assert_null(conf);
    snprintf(want, sizeof(want), "%s:2: unknown property \"clean.moed\"", f->path);
    assert_non_null(strstr(err, want));
}

static void test_cli_flags_and_double_dash(void **state)
{
    (void)state;
    char err[512] = "";
    struct nf_conf *conf = NULL;
    int argi = 0;
    int stdio_mode = 0;
    const struct nf_cli_flag flags[] = {{"--stdio", &stdio_mode, "no broker"}, {NULL, NULL, NULL}};
    struct nf_cli cli = test_cli;
    cli.flags = flags;
    char *argv[] = {"newsflow-test", "--stdio", "--", "-X", NULL};
    assert_int_equal(nf_cli_parse(&cli, 4, argv, &conf, &argi, err, sizeof(err)), NF_CLI_RUN);
    assert_int_equal(stdio_mode, 1);
    assert_int_equal(argi, 3); /* "-X" after "--" is positional */
    nf_conf_destroy(conf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_conf_defaults_are_typed_and_marked_default, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_set_validates_and_records_origin, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_rejects_bad_int_naming_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_rejects_out_of_range_naming_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_rejects_bad_enum_naming_key_and_choices, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_rejects_bad_bool_naming_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_unknown_key_in_owned_scope_suggests_nearest,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_ignores_keys_of_foreign_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_sets_values_with_file_line_origin, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_strips_trailing_comment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_unknown_key_names_file_line_and_suggestion,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_bad_value_names_file_line_and_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_line_without_equals_is_an_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_empty_key_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_overlong_line_is_an_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_missing_is_io_error_naming_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_file_foreign_scope_ignored_owned_typo_rejected,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_conf_kafka_passthrough_keeps_order_and_replaces_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_kafka_default_does_not_override, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_kafka_passthrough_grows_past_initial_capacity,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_env_maps_keys_and_kafka_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_env_bad_value_names_variable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_print_masks_secrets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_path_resolves_relative_against_data_dir, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf_path_unset_and_too_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_precedence_defaults_file_env_x, cli_setup,
                                        cli_teardown),
        cmocka_unit_test_setup_teardown(test_cli_last_x_wins_and_kafka_env_maps, cli_setup,
                                        cli_teardown),
        cmocka_unit_test_setup_teardown(test_cli_x_overrides_kafka_env, cli_setup, cli_teardown),
        cmocka_unit_test_setup_teardown(test_cli_rejects_bad_x_and_unknown_option, cli_setup,
                                        cli_teardown),
        cmocka_unit_test_setup_teardown(test_cli_file_error_names_file_and_line, cli_setup,
                                        cli_teardown),
        cmocka_unit_test_setup_teardown(test_cli_flags_and_double_dash, cli_setup, cli_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
