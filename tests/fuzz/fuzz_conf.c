/* fuzz_conf.c - libFuzzer target: the configuration parser (a config file, NEWSFLOW_*
 * environment lines and a command line, over the tables of the runner and the three stages).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nf_fuzz_conf(data, size);
    return 0;
}
