/* fuzz_common.h - the per-input code of the libFuzzer targets, shared with the cmocka test that
 * replays tests/fuzz/regressions/ (tests/unit/test_fuzz_regressions.c) so a crash found by the
 * fuzzer stays a plain unit test once fixed. Each function aborts on a broken invariant.
 */
#ifndef NEWSFLOW_FUZZ_COMMON_H
#define NEWSFLOW_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "newsflow/conf.h"
#include "newsflow/stage.h"

/* The record codec: decode, ensure_id, encode, and decode the encoding again (must succeed and
 * encode to the same bytes). */
void nf_fuzz_record(const uint8_t *data, size_t size);

/* The config parser: the input as a config file (nf_conf_load_file over the tables of the
 * runner and all three stages), as NEWSFLOW_* environment lines, and split on white space into
 * an argv for nf_cli_parse. */
void nf_fuzz_conf(const uint8_t *data, size_t size);

/* One stage, built once with data.dir = data_dir. */
struct nf_fuzz_stage {
    const struct nf_stage *stage;
    const char *field; /* "html" or "text": where the input goes */
    struct nf_conf *conf;
    void *state;
};

/* Build the stage state; returns 0 or prints the init error and returns -1. */
int nf_fuzz_stage_init(struct nf_fuzz_stage *fs, const struct nf_stage *stage, const char *field,
                       const char *data_dir);
void nf_fuzz_stage_destroy(struct nf_fuzz_stage *fs);

/* Passes per input: (1) {"id":"f", field: input with invalid UTF-8 repaired} straight into
 * the transform, whose output must encode to a record that decodes again; (2) the raw bytes as
 * a record through the runner's own per-input path (nf_process: decode, validate, transform,
 * trace, encode), so the JSON layer is fuzzed together with the stage; (3) for field "html"
 * (clean) the input after its first byte as "html_base64", the first byte picking a charset
 * hint, so charset conversion is fuzzed too. */
void nf_fuzz_stage_one(const struct nf_fuzz_stage *fs, const uint8_t *data, size_t size);

#endif
