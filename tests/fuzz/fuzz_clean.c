/* fuzz_clean.c - libFuzzer target: the clean stage's transform, the input as the "html" field of
 * a record and, separately, as a whole raw record through the runner's per-input path.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

extern const struct nf_stage nf_stage_clean;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct nf_fuzz_stage fs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (nf_fuzz_stage_init(&fs, &nf_stage_clean, "html", NF_FUZZ_DATA_DIR) != 0) {
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nf_fuzz_stage_one(&fs, data, size);
    return 0;
}
