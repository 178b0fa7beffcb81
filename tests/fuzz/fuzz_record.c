/* fuzz_record.c - libFuzzer target: the record codec (nf_record_decode, nf_record_ensure_id,
 * nf_record_encode and the decode/encode round trip). Built by tests/fuzz/build.sh.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nf_fuzz_record(data, size);
    return 0;
}
