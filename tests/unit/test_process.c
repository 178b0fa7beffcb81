/* test_process.c - white-box tests of the runner's per-record path (common/src/process.c) and
 * the --stdio loop (common/src/stdio.c): decode, validate, transform with bounded retries,
 * trace, encode - the contract every stage gets for free, Kafka or pipe alike. Uses a tiny
 * uppercasing test stage defined here and the runner's private header.
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

#include "../../common/src/runner_int.h"
#include "newsflow/err.h"
#include "newsflow/log.h"
#include "newsflow/record.h"

/* --- the test stage ----------------------------------------------------------------------- */

/* Shared, read-only from the transform's view; calls points at test-owned storage so a test can
 * count attempts and make a transient error go away after a few of them. */
struct upper_state {
    int *calls;
    int fail_first; /* "flaky": NF_ERR_RETRY for the first fail_first calls */
};

static const char *const upper_required[] = {"text", NULL};

static int upper_transform(const void *vstate, json_t *rec, char *errstr, size_t errstr_size)
{
    const struct upper_state *st = vstate;
    int call = (*st->calls)++;
    const char *text = nf_record_str(rec, "text");
    if (strcmp(text, "retry") == 0) {
        return nf_seterr(errstr, errstr_size, NF_ERR_RETRY, "backend unavailable");
    }
    if (strcmp(text, "flaky") == 0 && call < st->fail_first) {
        return nf_seterr(errstr, errstr_size, NF_ERR_RETRY, "backend busy");
    }
    if (strcmp(text, "scribble") == 0 && call < st->fail_first) {
        /* a transform that has already started rewriting the record when it hits a transient
         * error: the retry must see the original input again */
        int err = nf_record_set_str(rec, "text", "half-done");
        json_object_set_new(rec, "junk", json_true());
        return err ? err : nf_seterr(errstr, errstr_size, NF_ERR_RETRY, "backend busy");
    }
    if (strcmp(text, "bad") == 0) {
        return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "text is bad");
    }
    if (strcmp(text, "silent") == 0) {
        return NF_ERR_LIMIT; /* no reason given: the runner names the error */
    }
    if (strcmp(text, "skip") == 0) {
        return NF_XFORM_SKIP;
    }
    if (strcmp(text, "newid") == 0) {
        return nf_record_set_str(rec, "id", "another-id");
    }
    if (strcmp(text, "noid") == 0) {
        json_object_del(rec, "id");
        return 0;
    }
    char up[256];
    size_t n = strlen(text);
    if (n >= sizeof(up)) {
        return nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "text too long");
    }
    for (size_t i = 0; i <= n; i++) {
        up[i] = (text[i] >= 'a' && text[i] <= 'z') ? (char)(text[i] - 'a' + 'A') : text[i];
    }
    return nf_record_set_str(rec, "text", up);
}

static const struct nf_stage upper_stage = {
    .name = "upper",
    .version = "9.9.9",
    .input = "raw",
    .output = "upper",
    .required = upper_required,
    .props = NULL,
    .init = NULL,
    .transform = upper_transform,
    .destroy = NULL,
};

/* --- fixture -------------------------------------------------------------------------------- */

struct fixture {
    int calls;
    struct upper_state st;
    struct nf_processor p;
    struct nf_processed res;
    volatile sig_atomic_t stop;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f) {
        return -1;
    }
    f->st.calls = &f->calls;
    f->st.fail_first = 2;
    f->p.stage = &upper_stage;
    f->p.state = &f->st;
    f->p.max_record_bytes = 1024;
    f->p.retry_max = 2;
    f->p.retry_backoff_ms = 1;
    f->p.retry_backoff_max_ms = 2;
    f->p.stop = &f->stop;
    /* retries log warnings: keep the test output readable */
    nf_log_setup("test", NF_LOG_ERROR, NF_LOG_LOGFMT);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    free(f->res.out);
    free(f);
    return 0;
}

static const struct nf_source test_src = {"raw", 3, 42};

static void process(struct fixture *f, const char *in)
{
    free(f->res.out);
    nf_process(&f->p, in, strlen(in), &test_src, &f->res);
}

/* Expect a dead letter of class cls whose reason contains want. */
static void assert_dead(const struct fixture *f, const char *cls, const char *want)
{
    assert_int_equal(f->res.outcome, NF_OUT_DEAD);
    assert_null(f->res.out);
    assert_non_null(f->res.err_class);
    assert_string_equal(f->res.err_class, cls);
    if (!strstr(f->res.reason, want)) {
        fail_msg("reason \"%s\" does not contain \"%s\"", f->res.reason, want);
    }
}

/* Decode the published output (caller decrefs). */
static json_t *output(const struct fixture *f)
{
    char err[256];
    json_t *rec = NULL;
    assert_int_equal(f->res.outcome, NF_OUT_PUBLISH);
    assert_non_null(f->res.out);
    assert_int_equal(f->res.out_len, strlen(f->res.out));
    assert_int_equal(nf_record_decode(f->res.out, f->res.out_len, 0, &rec, err, sizeof(err)), 0);
    return rec;
}

/* --- tests ----------------------------------------------------------------------------------- */

static void test_process_publishes_transformed_record_with_trace(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":\"hello w\xC3\xB6rld\",\"extra\":[1]}");
    json_t *out = output(f);
    assert_string_equal(f->res.id, "r1");
    assert_string_equal(nf_record_str(out, "id"), "r1");
    assert_string_equal(nf_record_str(out, "text"), "HELLO W\xC3\xB6RLD");
    assert_non_null(json_object_get(out, "extra"));
    json_t *trace = json_object_get(out, "trace");
    assert_true(json_is_array(trace));
    assert_int_equal(json_array_size(trace), 1);
    json_t *e = json_array_get(trace, 0);
    assert_string_equal(nf_record_str(e, "stage"), "upper");
    assert_string_equal(nf_record_str(e, "version"), "9.9.9");
    assert_string_equal(nf_record_str(e, "topic"), "raw");
    assert_int_equal(json_integer_value(json_object_get(e, "partition")), 3);
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), 42);
    const char *at = nf_record_str(e, "at");
    assert_non_null(at);
    assert_int_equal(strlen(at), 24); /* 2026-11-28T13:40:06.123Z */
    assert_int_equal(at[23], 'Z');
    assert_true(json_is_number(json_object_get(e, "processing_ms")));
    assert_true(json_number_value(json_object_get(e, "processing_ms")) >= 0);
    json_decref(out);
}

static void test_process_appends_to_existing_trace(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":\"a\",\"trace\":[{\"stage\":\"clean\"}]}");
    json_t *out = output(f);
    json_t *trace = json_object_get(out, "trace");
    assert_int_equal(json_array_size(trace), 2);
    assert_string_equal(nf_record_str(json_array_get(trace, 0), "stage"), "clean");
    assert_string_equal(nf_record_str(json_array_get(trace, 1), "stage"), "upper");
    json_decref(out);
}

static void test_process_derives_id_from_url(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"url\":\"https://example.com/a\",\"text\":\"x\"}");
    json_t *out = output(f);
    assert_string_equal(f->res.id, "u046a4934057f51cf");
    assert_string_equal(nf_record_str(out, "id"), "u046a4934057f51cf");
    json_decref(out);
}

static void test_process_invalid_json_is_dead_decode(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":");
    assert_dead(f, "decode", "invalid JSON at line 1");
    assert_string_equal(f->res.id, "");
    assert_int_equal(f->calls, 0);
    process(f, "[1]");
    assert_dead(f, "decode", "not a JSON object");
    process(f, "{\"id\":\"r1\",\"text\":\"a\"} trailing");
    assert_dead(f, "decode", "invalid JSON");
}

static void test_process_oversized_is_dead_decode(void **state)
{
    struct fixture *f = *state;
    f->p.max_record_bytes = 16;
    process(f, "{\"id\":\"r1\",\"text\":\"a long enough text\"}");
    assert_dead(f, "decode", "exceeds max.record.bytes (16)");
    assert_int_equal(f->calls, 0);
}

static void test_process_missing_required_field_is_dead_validate(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"body\":\"x\"}");
    assert_dead(f, "validate", "missing field \"text\"");
    assert_string_equal(f->res.id, "r1"); /* known: reported with the dead letter */
    process(f, "{\"id\":\"r2\",\"text\":7}");
    assert_dead(f, "validate", "field \"text\" is not a string");
    assert_int_equal(f->calls, 0);
}

static void test_process_unusable_id_is_dead_validate(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"text\":\"x\"}");
    assert_dead(f, "validate", "neither \"id\" nor \"url\"");
    process(f, "{\"id\":\"a\\u0001b\",\"text\":\"x\"}");
    assert_dead(f, "validate", "control characters");
    assert_string_equal(f->res.id, "a\x01" "b"); /* kept for the report, even if unusable */
    process(f, "{\"id\":12,\"text\":\"x\"}");
    assert_dead(f, "validate", "\"id\" is not a string");
    assert_int_equal(f->calls, 0);
}

static void test_process_permanent_error_is_dead_transform_with_reason(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":\"bad\"}");
    assert_dead(f, "transform", "text is bad");
    assert_string_equal(f->res.id, "r1");
    assert_int_equal(f->calls, 1); /* permanent: never retried */
}

static void test_process_error_without_reason_is_named(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":\"silent\"}");
    assert_dead(f, "transform", "limit exceeded");
}

static void test_process_retries_exhausted_is_dead_retries(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":\"retry\"}");
    assert_dead(f, "retries", "gave up after 3 attempts: backend unavailable");
    assert_int_equal(f->calls, 3); /* the first attempt + retry.max retries */
}

static void test_process_retry_max_zero_means_one_attempt(void **state)
{
    struct fixture *f = *state;
    f->p.retry_max = 0;
    process(f, "{\"id\":\"r1\",\"text\":\"retry\"}");
    assert_dead(f, "retries", "gave up after 1 attempts");
    assert_int_equal(f->calls, 1);
}

static void test_process_transient_error_then_success_publishes(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":\"flaky\"}");
    json_t *out = output(f);
    assert_string_equal(nf_record_str(out, "text"), "FLAKY");
    assert_int_equal(f->calls, 3);
    json_decref(out);
}

static void test_process_retry_starts_from_the_original_input(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"url\":\"https://example.com/a\",\"text\":\"scribble\"}");
    json_t *out = output(f);
    assert_int_equal(f->calls, 3);
    assert_string_equal(nf_record_str(out, "text"), "SCRIBBLE");
    assert_null(json_object_get(out, "junk"));
    assert_string_equal(nf_record_str(out, "id"), "u046a4934057f51cf");
    json_decref(out);
}

static void test_process_stop_during_retry_abandons(void **state)
{
    struct fixture *f = *state;
    f->stop = 1;
    process(f, "{\"id\":\"r1\",\"text\":\"retry\"}");
    assert_int_equal(f->res.outcome, NF_OUT_ABANDON);
    assert_null(f->res.out);
    assert_int_equal(f->calls, 1);
}

static void test_process_skip_publishes_nothing(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":\"skip\"}");
    assert_int_equal(f->res.outcome, NF_OUT_SKIP);
    assert_null(f->res.out);
    assert_string_equal(f->res.id, "r1");
}

static void test_process_transform_cannot_change_id(void **state)
{
    struct fixture *f = *state;
    process(f, "{\"id\":\"r1\",\"text\":\"newid\"}");
    assert_dead(f, "transform", "removed or changed the record id");
    assert_string_equal(f->res.id, "r1");
    process(f, "{\"id\":\"r2\",\"text\":\"noid\"}");
    assert_dead(f, "transform", "removed or changed the record id");
}

static void test_processor_init_reads_runner_config(void **state)
{
    struct fixture *f = *state;
    const struct nf_prop *const tables[] = {nf_common_props, nf_runner_props, NULL};
    struct nf_conf *conf = nf_conf_new(tables);
    char err[256] = "";
    assert_non_null(conf);
    assert_int_equal(nf_conf_set(conf, "retry.max", "7", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_set(conf, "max.record.bytes", "4096", "-X", err, sizeof(err)), 0);
    struct nf_processor p;
    nf_processor_init(&p, &upper_stage, conf, &f->st, &f->stop);
    assert_ptr_equal(p.stage, &upper_stage);
    assert_ptr_equal(p.state, &f->st);
    assert_int_equal(p.retry_max, 7);
    assert_int_equal(p.max_record_bytes, 4096);
    assert_int_equal(p.retry_backoff_ms, 100);
    assert_int_equal(p.retry_backoff_max_ms, 10000);
    nf_conf_destroy(conf);
}

/* --- the --stdio loop: one output line per input line, in order ------------------------------ */

/* Run nf_runner_run_stdio with stdin read from `input` and stdout captured; returns the output
 * (caller frees) and the loop's exit code in *rc. */
static char *run_stdio(struct fixture *f, const char *input, int *rc)
{
    char in_path[] = "/tmp/nf_test_stdin_XXXXXX";
    char out_path[] = "/tmp/nf_test_stdout_XXXXXX";
    int in_fd = mkstemp(in_path);
    int out_fd = mkstemp(out_path);
    assert_true(in_fd >= 0 && out_fd >= 0);
    assert_int_equal(write(in_fd, input, strlen(input)), (ssize_t)strlen(input));
    assert_int_equal(lseek(in_fd, 0, SEEK_SET), 0);

    const struct nf_prop *const tables[] = {nf_common_props, nf_runner_props, NULL};
    struct nf_conf *conf = nf_conf_new(tables);
    char err[256] = "";
    assert_non_null(conf);
    assert_int_equal(nf_conf_set(conf, "retry.max", "1", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_set(conf, "retry.backoff.ms", "1", "-X", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_set(conf, "max.record.bytes", "200", "-X", err, sizeof(err)), 0);

    fflush(stdout);
    int saved_in = dup(STDIN_FILENO);
    int saved_out = dup(STDOUT_FILENO);
    assert_true(saved_in >= 0 && saved_out >= 0);
    assert_true(dup2(in_fd, STDIN_FILENO) >= 0);
    assert_true(dup2(out_fd, STDOUT_FILENO) >= 0);
    clearerr(stdin);
    *rc = nf_runner_run_stdio(&upper_stage, conf, &f->st, &f->stop);
    fflush(stdout);
    setvbuf(stdout, NULL, _IOLBF, 0); /* drop the loop's static buffer */
    dup2(saved_in, STDIN_FILENO);
    dup2(saved_out, STDOUT_FILENO);
    clearerr(stdin);
    close(saved_in);
    close(saved_out);

    off_t size = lseek(out_fd, 0, SEEK_END);
    assert_true(size >= 0);
    char *text = calloc(1, (size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(pread(out_fd, text, (size_t)size, 0), size);
    close(in_fd);
    close(out_fd);
    unlink(in_path);
    unlink(out_path);
    nf_conf_destroy(conf);
    return text;
}

static void test_stdio_writes_one_line_per_input_in_order(void **state)
{
    struct fixture *f = *state;
    char big[400];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *input = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&input, &len);
    assert_non_null(fp);
    fprintf(fp, "{\"id\":\"a\",\"text\":\"one\"}\n");
    fprintf(fp, "not json\n");
    fprintf(fp, "{\"id\":\"b\",\"text\":\"skip\"}\n");
    fprintf(fp, "{\"id\":\"c\",\"text\":\"%s\"}\n", big); /* over max.record.bytes */
    fprintf(fp, "{\"id\":\"d\",\"text\":\"bad\"}\n");
    fprintf(fp, "{\"id\":\"e\",\"text\":\"two\"}"); /* no final newline */
    assert_int_equal(fclose(fp), 0);

    int rc = -1;
    char *out = run_stdio(f, input, &rc);
    assert_int_equal(rc, 0);
    static const char *const want[] = {
        "\"id\":\"a\",\"text\":\"ONE\",\"trace\":[{\"stage\":\"upper\"",
        "{\"id\":null,\"error\":\"invalid JSON at line 1",
        "{\"id\":\"b\",\"skipped\":\"dropped by the stage\"}",
        "{\"id\":null,\"error\":\"record of 419 bytes exceeds max.record.bytes (200)\"}",
        "{\"id\":\"d\",\"error\":\"text is bad\"}",
        "\"id\":\"e\",\"text\":\"TWO\"",
    };
    char *save = NULL;
    char *line = strtok_r(out, "\n", &save);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_non_null(line);
        if (!strstr(line, want[i])) {
            fail_msg("line %zu \"%s\" does not contain \"%s\"", i + 1, line, want[i]);
        }
        line = strtok_r(NULL, "\n", &save);
    }
    assert_null(line);
    free(out);
    free(input);
}

static void test_stdio_stdin_offset_is_line_number(void **state)
{
    struct fixture *f = *state;
    int rc = -1;
    char *out = run_stdio(f, "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}\n", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "\"topic\":\"stdin\",\"partition\":0,\"offset\":0}"));
    assert_non_null(strstr(out, "\"topic\":\"stdin\",\"partition\":0,\"offset\":1}"));
    free(out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_process_publishes_transformed_record_with_trace),
        T(test_process_appends_to_existing_trace),
        T(test_process_derives_id_from_url),
        T(test_process_invalid_json_is_dead_decode),
        T(test_process_oversized_is_dead_decode),
        T(test_process_missing_required_field_is_dead_validate),
        T(test_process_unusable_id_is_dead_validate),
        T(test_process_permanent_error_is_dead_transform_with_reason),
        T(test_process_error_without_reason_is_named),
        T(test_process_retries_exhausted_is_dead_retries),
        T(test_process_retry_max_zero_means_one_attempt),
        T(test_process_transient_error_then_success_publishes),
        T(test_process_retry_starts_from_the_original_input),
        T(test_process_stop_during_retry_abandons),
        T(test_process_skip_publishes_nothing),
        T(test_process_transform_cannot_change_id),
        T(test_processor_init_reads_runner_config),
        T(test_stdio_writes_one_line_per_input_in_order),
        T(test_stdio_stdin_offset_is_line_number),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
