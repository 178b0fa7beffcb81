/* test_util.c - unit tests for libnewsflow's small helpers (common/src/util.c): the growable
 * byte buffer, UTF-8 validation/repair/code points, RFC 3339 time stamps and the FNV-1a hash
 * that record ids are derived from. Everything the stages and the runner build text with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsflow/err.h"
#include "newsflow/util.h"

/* seqlen over a byte string literal (without its terminating NUL) */
#define SEQLEN(lit) nf_utf8_seqlen((const unsigned char *)(lit), sizeof(lit) - 1)

static void test_buf_append_keeps_nul_terminated_content(void **state)
{
    (void)state;
    struct nf_buf b = {0};
    assert_null(b.data);
    assert_int_equal(nf_buf_append(&b, "abc", 3), 0);
    assert_int_equal(nf_buf_appends(&b, "def"), 0);
    assert_int_equal(nf_buf_appendc(&b, '!'), 0);
    assert_int_equal(nf_buf_append(&b, "xyz", 0), 0);
    assert_int_equal(b.len, 7);
    assert_string_equal(b.data, "abcdef!");
    assert_true(b.cap > b.len);
    nf_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_buf_append_grows_past_initial_capacity(void **state)
{
    (void)state;
    struct nf_buf b;
    nf_buf_init(&b);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(nf_buf_appendc(&b, (char)('a' + i % 26)), 0);
    }
    assert_int_equal(b.len, 1000);
    assert_int_equal(strlen(b.data), 1000);
    assert_int_equal(b.data[999], 'a' + 999 % 26);
    nf_buf_free(&b);
}

static void test_buf_appendf_formats_and_appends(void **state)
{
    (void)state;
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_appends(&b, "n="), 0);
    assert_int_equal(nf_buf_appendf(&b, "%d/%s", 42, "x"), 0);
    assert_string_equal(b.data, "n=42/x");
    assert_int_equal(b.len, 6);
    /* longer than the first allocation: the size is measured before writing */
    char big[300];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(nf_buf_appendf(&b, "[%s]", big), 0);
    assert_int_equal(b.len, 6 + 2 + 299);
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(b.data[b.len], '\0');
    nf_buf_free(&b);
}

static void test_buf_steal_hands_over_data_and_empties_buffer(void **state)
{
    (void)state;
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_appends(&b, "hello"), 0);
    char *s = nf_buf_steal(&b);
    assert_non_null(s);
    assert_string_equal(s, "hello");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(s);
    /* stealing an untouched buffer still gives an empty string, never NULL */
    s = nf_buf_steal(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    nf_buf_free(&b);
}

static void test_buf_reset_empties_but_keeps_memory(void **state)
{
    (void)state;
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_appends(&b, "some text"), 0);
    char *mem = b.data;
    size_t cap = b.cap;
    nf_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, mem);
    assert_int_equal(b.cap, cap);
    assert_string_equal(b.data, "");
    assert_int_equal(nf_buf_appends(&b, "new"), 0);
    assert_string_equal(b.data, "new");
    nf_buf_free(&b);
}

static void test_buf_reserve_on_empty_buffer_gives_empty_string(void **state)
{
    (void)state;
    /* regression: the first allocation was left unterminated, so data was garbage until the
     * first append (nf_buf_steal of an empty buffer, nf_utf8_sanitize of "") */
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_reserve(&b, 100), 0);
    assert_non_null(b.data);
    assert_true(b.cap >= 101);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    nf_buf_free(&b);
    assert_int_equal(nf_utf8_sanitize(&b, "", 0), 0);
    assert_string_equal(b.data ? b.data : "", "");
    assert_int_equal(b.len, 0);
    nf_buf_free(&b);
}

static void test_utf8_seqlen_accepts_valid_sequences(void **state)
{
    (void)state;
    assert_int_equal(SEQLEN("A"), 1);
    assert_int_equal(SEQLEN("\xC2\x80"), 2);         /* U+0080, smallest 2-byte */
    assert_int_equal(SEQLEN("\xC3\xA9"), 2);         /* é */
    assert_int_equal(SEQLEN("\xE0\xA0\x80"), 3);     /* U+0800, smallest 3-byte */
    assert_int_equal(SEQLEN("\xE6\x97\xA5"), 3);     /* 日 */
    assert_int_equal(SEQLEN("\xED\x9F\xBF"), 3);     /* U+D7FF, just below surrogates */
    assert_int_equal(SEQLEN("\xEF\xBF\xBD"), 3);     /* U+FFFD */
    assert_int_equal(SEQLEN("\xF0\x90\x80\x80"), 4); /* U+10000 */
    assert_int_equal(SEQLEN("\xF4\x8F\xBF\xBF"), 4); /* U+10FFFF, the last code point */
}

static void test_utf8_seqlen_rejects_overlongs(void **state)
{
    (void)state;
    assert_int_equal(SEQLEN("\xC0\x80"), 0);         /* overlong NUL */
    assert_int_equal(SEQLEN("\xC1\xBF"), 0);         /* overlong U+007F */
    assert_int_equal(SEQLEN("\xE0\x80\x80"), 0);     /* overlong NUL, 3 bytes */
    assert_int_equal(SEQLEN("\xE0\x9F\xBF"), 0);     /* overlong U+07FF */
    assert_int_equal(SEQLEN("\xF0\x8F\xBF\xBF"), 0); /* overlong U+FFFF */
}

static void test_utf8_seqlen_rejects_surrogates(void **state)
{
    (void)state;
    assert_int_equal(SEQLEN("\xED\xA0\x80"), 0); /* U+D800 */
    assert_int_equal(SEQLEN("\xED\xBF\xBF"), 0); /* U+DFFF */
}

static void test_utf8_seqlen_rejects_above_max_code_point(void **state)
{
    (void)state;
    assert_int_equal(SEQLEN("\xF4\x90\x80\x80"), 0); /* U+110000 */
    assert_int_equal(SEQLEN("\xF5\x80\x80\x80"), 0);
    assert_int_equal(SEQLEN("\xF8\x88\x80\x80"), 0); /* old 5-byte lead */
    assert_int_equal(SEQLEN("\xFF"), 0);
}

static void test_utf8_seqlen_rejects_truncated_and_stray_bytes(void **state)
{
    (void)state;
    assert_int_equal(SEQLEN("\xC3"), 0);
    assert_int_equal(SEQLEN("\xE6\x97"), 0);
    assert_int_equal(SEQLEN("\xF0\x90\x80"), 0);
    assert_int_equal(SEQLEN("\xE6\x97" "A"), 0); /* continuation replaced by ASCII */
    assert_int_equal(SEQLEN("\x80"), 0);         /* lone continuation byte */
    /* a full sequence is rejected when avail cuts it */
    assert_int_equal(nf_utf8_seqlen((const unsigned char *)"\xE6\x97\xA5", 2), 0);
    assert_int_equal(nf_utf8_seqlen((const unsigned char *)"A", 0), 0);
}

static void test_utf8_valid_checks_whole_string(void **state)
{
    (void)state;
    assert_true(nf_utf8_valid("plain ascii", 11));
    assert_true(nf_utf8_valid("caf\xC3\xA9 \xE6\x97\xA5", 9));
    assert_true(nf_utf8_valid("", 0));
    assert_false(nf_utf8_valid("caf\xC3", 4));
    assert_false(nf_utf8_valid("a\xED\xA0\x80z", 5));
}

static void test_utf8_sanitize_replaces_invalid_bytes_and_drops_nul(void **state)
{
    (void)state;
    struct nf_buf b = {0};
    static const char in[] = "a\xFF" "b\0c\xC3\xA9\xE6\x97";
    assert_int_equal(nf_utf8_sanitize(&b, in, sizeof(in) - 1), 0);
    /* 0xFF -> U+FFFD, NUL dropped, é kept, the truncated 日 becomes two U+FFFD (one per byte) */
    assert_string_equal(b.data, "a\xEF\xBF\xBD" "bc\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_true(nf_utf8_valid(b.data, b.len));
    assert_null(memchr(b.data, '\0', b.len));
    nf_buf_free(&b);
}

static void test_utf8_sanitize_keeps_valid_text_and_appends(void **state)
{
    (void)state;
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_appends(&b, ">"), 0);
    static const char in[] = "Z\xC3\xBCrich \xF0\x9F\x98\x80";
    assert_int_equal(nf_utf8_sanitize(&b, in, sizeof(in) - 1), 0);
    assert_int_equal(b.len, 1 + sizeof(in) - 1);
    assert_string_equal(b.data, ">Z\xC3\xBCrich \xF0\x9F\x98\x80");
    nf_buf_free(&b);
}

static void test_utf8_sanitize_replaces_surrogate_and_overlong(void **state)
{
    (void)state;
    struct nf_buf b = {0};
    static const char in[] = "\xED\xA0\x80|\xC0\x80";
    assert_int_equal(nf_utf8_sanitize(&b, in, sizeof(in) - 1), 0);
    assert_true(nf_utf8_valid(b.data, b.len));
    /* every byte of an invalid sequence is replaced: 3 + 2 replacement characters */
    assert_int_equal(nf_utf8_cplen(b.data, b.len), 6);
    assert_null(strstr(b.data, "\xED"));
    assert_non_null(strchr(b.data, '|'));
    nf_buf_free(&b);
}

static void test_utf8_cplen_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(nf_utf8_cplen("", 0), 0);
    assert_int_equal(nf_utf8_cplen("abc", 3), 3);
    assert_int_equal(nf_utf8_cplen("caf\xC3\xA9", 5), 4);
    assert_int_equal(nf_utf8_cplen("\xE6\x97\xA5\xE6\x9C\xAC", 6), 2);
    assert_int_equal(nf_utf8_cplen("\xF0\x9F\x98\x80!", 5), 2);
    /* a prefix: only the bytes given are counted */
    assert_int_equal(nf_utf8_cplen("caf\xC3\xA9 au lait", 6), 5);
}

static void test_utf8_decode_encode_round_trip(void **state)
{
    (void)state;
    static const uint32_t cps[] = {0x0, 0x41, 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0x65E5, 0xD7FF,
                                   0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
    static const size_t lens[] = {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4};
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        char out[4];
        size_t n = nf_utf8_encode(cps[i], out);
        assert_int_equal(n, lens[i]);
        if (cps[i] != 0) {
            assert_int_equal(nf_utf8_seqlen((const unsigned char *)out, n), n);
        }
        size_t adv = 0;
        assert_int_equal(nf_utf8_decode(out, n, &adv), cps[i]);
        assert_int_equal(adv, n);
    }
}

static void test_utf8_decode_known_bytes(void **state)
{
    (void)state;
    size_t adv = 0;
    assert_int_equal(nf_utf8_decode("\xC3\xA9x", 3, &adv), 0xE9);
    assert_int_equal(adv, 2);
    assert_int_equal(nf_utf8_decode("\xF0\x9F\x98\x80", 4, &adv), 0x1F600);
    assert_int_equal(adv, 4);
}

static void test_utf8_decode_invalid_gives_replacement_and_advances_one(void **state)
{
    (void)state;
    size_t adv = 0;
    assert_int_equal(nf_utf8_decode("\xFFz", 2, &adv), 0xFFFD);
    assert_int_equal(adv, 1);
    assert_int_equal(nf_utf8_decode("\xE6\x97", 2, &adv), 0xFFFD);
    assert_int_equal(adv, 1);
}

static void test_utf8_encode_replaces_surrogates_and_out_of_range(void **state)
{
    (void)state;
    char out[4];
    assert_int_equal(nf_utf8_encode(0xD800, out), 3);
    assert_memory_equal(out, "\xEF\xBF\xBD", 3);
    assert_int_equal(nf_utf8_encode(0x110000, out), 3);
    assert_memory_equal(out, "\xEF\xBF\xBD", 3);
}

static void test_rfc3339_formats_known_timestamp(void **state)
{
    (void)state;
    char out[32];
    nf_rfc3339(1795873206123LL, out, sizeof(out));
    assert_string_equal(out, "2026-11-28T13:40:06.123Z");
    nf_rfc3339(0, out, sizeof(out));
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
    nf_rfc3339(951782400005LL, out, sizeof(out)); /* leap day 2000 */
    assert_string_equal(out, "2000-02-29T00:00:00.005Z");
}

static void test_clocks_move_forward(void **state)
{
    (void)state;
    int64_t wall = nf_now_ms();
    assert_true(wall > 1700000000000LL); /* after 2023: the wall clock is in ms, not s */
    int64_t m0 = nf_mono_ms();
    double s0 = nf_mono_sec();
    int64_t m1 = nf_mono_ms();
    double s1 = nf_mono_sec();
    assert_true(m1 >= m0);
    assert_true(s1 >= s0);
    /* both monotonic clocks read the same clock, in different units */
    assert_true(s0 * 1000.0 >= (double)m0 - 1.0 && s0 * 1000.0 <= (double)m1 + 1.0);
}

static void test_hash64_is_fnv1a_64(void **state)
{
    (void)state;
    assert_true(nf_hash64("", 0) == 0xcbf29ce484222325ULL);
    assert_true(nf_hash64("a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(nf_hash64("https://example.com/a", 21) == 0x046a4934057f51cfULL);
    /* only len bytes are hashed */
    assert_true(nf_hash64("ab", 1) == nf_hash64("a", 1));
}

static void test_seterr_truncates_and_returns_code(void **state)
{
    (void)state;
    char err[8];
    memset(err, 'x', sizeof(err));
    assert_int_equal(nf_seterr(err, sizeof(err), NF_ERR_LIMIT, "value %d too big", 12345),
                     NF_ERR_LIMIT);
    assert_string_equal(err, "value 1"); /* truncated, always terminated */
    assert_int_equal(nf_seterr(NULL, 0, NF_ERR_IO, "ignored"), NF_ERR_IO);
    assert_string_equal(nf_strerror(NF_ERR_RETRY), "transient failure");
    assert_string_equal(nf_strerror(NF_OK), "success");
    assert_string_equal(nf_strerror(-999), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_append_keeps_nul_terminated_content),
        cmocka_unit_test(test_buf_append_grows_past_initial_capacity),
        cmocka_unit_test(test_buf_appendf_formats_and_appends),
        cmocka_unit_test(test_buf_steal_hands_over_data_and_empties_buffer),
        cmocka_unit_test(test_buf_reset_empties_but_keeps_memory),
        cmocka_unit_test(test_buf_reserve_on_empty_buffer_gives_empty_string),
        cmocka_unit_test(test_utf8_seqlen_accepts_valid_sequences),
        cmocka_unit_test(test_utf8_seqlen_rejects_overlongs),
        cmocka_unit_test(test_utf8_seqlen_rejects_surrogates),
        cmocka_unit_test(test_utf8_seqlen_rejects_above_max_code_point),
        cmocka_unit_test(test_utf8_seqlen_rejects_truncated_and_stray_bytes),
        cmocka_unit_test(test_utf8_valid_checks_whole_string),
        cmocka_unit_test(test_utf8_sanitize_replaces_invalid_bytes_and_drops_nul),
        cmocka_unit_test(test_utf8_sanitize_keeps_valid_text_and_appends),
        cmocka_unit_test(test_utf8_sanitize_replaces_surrogate_and_overlong),
        cmocka_unit_test(test_utf8_cplen_counts_code_points),
        cmocka_unit_test(test_utf8_decode_encode_round_trip),
        cmocka_unit_test(test_utf8_decode_known_bytes),
        cmocka_unit_test(test_utf8_decode_invalid_gives_replacement_and_advances_one),
        cmocka_unit_test(test_utf8_encode_replaces_surrogates_and_out_of_range),
        cmocka_unit_test(test_rfc3339_formats_known_timestamp),
        cmocka_unit_test(test_clocks_move_forward),
        cmocka_unit_test(test_hash64_is_fnv1a_64),
        cmocka_unit_test(test_seterr_truncates_and_returns_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
