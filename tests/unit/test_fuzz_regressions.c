/* test_fuzz_regressions.c - replays, without libFuzzer, every input the fuzzers once crashed on
 * (tests/fuzz/regressions/<target>/) and the seed corpora (tests/fuzz/corpus/<target>/) through
 * the same per-input code as the fuzz targets (tests/fuzz/fuzz_common.c, included here because
 * CMake builds one executable per tests/unit/test_*.c). A broken invariant aborts the test.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fuzz/fuzz_common.c"

extern const struct nf_stage nf_stage_clean;
extern const struct nf_stage nf_stage_entities;
extern const struct nf_stage nf_stage_summarize;

typedef void (*replay_fn)(const void *ctx, const uint8_t *data, size_t size);

static void replay_record(const void *ctx, const uint8_t *data, size_t size)
{
    (void)ctx;
    nf_fuzz_record(data, size);
}

static void replay_conf(const void *ctx, const uint8_t *data, size_t size)
{
    (void)ctx;
    nf_fuzz_conf(data, size);
}

static void replay_stage(const void *ctx, const uint8_t *data, size_t size)
{
    nf_fuzz_stage_one(ctx, data, size);
}

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    struct nf_buf b = {0};
    char chunk[65536];
    size_t n;
    assert_non_null(fp);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        assert_int_equal(nf_buf_append(&b, chunk, n), 0);
    }
    fclose(fp);
    *size = b.len;
    if (!b.data) {
        return calloc(1, 1); /* an empty input is a valid one */
    }
    return (uint8_t *)b.data;
}

/* Every regular file of dir (dot files excepted) through fn; returns how many. */
static int replay_dir(const char *dir, replay_fn fn, const void *ctx)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) {
        return 0; /* no regression for this target yet */
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[4096];
        size_t size = 0;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        uint8_t *data = slurp(path, &size);
        fn(ctx, data, size);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void replay_target(const char *target, replay_fn fn, const void *ctx)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/regressions/%s", NF_SOURCE_DIR, target);
    int regressions = replay_dir(dir, fn, ctx);
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", NF_SOURCE_DIR, target);
    int seeds = replay_dir(dir, fn, ctx);
    if (strcmp(target, "clean") == 0) {
        /* the sample pages are clean's seeds too (not copied into the corpus) */
        seeds += replay_dir(NF_SOURCE_DIR "/config/samples", fn, ctx);
    }
    print_message("%s: %d regression inputs, %d seeds replayed\n", target, regressions, seeds);
    assert_true(seeds > 0);
}

static void replay_stage_target(const char *target, const struct nf_stage *stage,
                                const char *field)
{
    struct nf_fuzz_stage fs;
    assert_int_equal(nf_fuzz_stage_init(&fs, stage, field, NF_SOURCE_DIR "/config"), 0);
    replay_target(target, replay_stage, &fs);
    nf_fuzz_stage_destroy(&fs);
}

static void test_fuzz_record(void **state)
{
    (void)state;
    replay_target("record", replay_record, NULL);
}

static void test_fuzz_conf(void **state)
{
    (void)state;
    replay_target("conf", replay_conf, NULL);
}

static void test_fuzz_clean(void **state)
{
    (void)state;
    replay_stage_target("clean", &nf_stage_clean, "html");
}

static void test_fuzz_entities(void **state)
{
    (void)state;
    replay_stage_target("entities", &nf_stage_entities, "text");
}

static void test_fuzz_summarize(void **state)
{
    (void)state;
    replay_stage_target("summarize", &nf_stage_summarize, "text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_record),   cmocka_unit_test(test_fuzz_conf),
        cmocka_unit_test(test_fuzz_clean),    cmocka_unit_test(test_fuzz_entities),
        cmocka_unit_test(test_fuzz_summarize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
