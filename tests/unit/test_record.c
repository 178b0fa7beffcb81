/* test_record.c - unit tests for the record codec (common/src/record.c): what the runner accepts
 * from a topic before any stage sees it (decode), how outputs are written (encode), and the id
 * every Kafka message is keyed by (ensure_id).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/util.h"

/* Decode a string literal; returns the nf_err, *out set on success. */
static int decode_lit(const char *s, size_t max_bytes, json_t **out, char *errstr, size_t n)
{
    return nf_record_decode(s, strlen(s), max_bytes, out, errstr, n);
}

/* Assert that s is rejected with NF_ERR_INVALID and an error containing want. */
static void assert_rejected(const char *buf, size_t len, const char *want)
{
    char err[256] = "";
    json_t *rec = (json_t *)0x1;
    assert_int_equal(nf_record_decode(buf, len, 0, &rec, err, sizeof(err)), NF_ERR_INVALID);
    assert_null(rec);
    if (!strstr(err, want)) {
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
    }
}

static void test_record_decode_valid_object(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = NULL;
    const char *in = "{\"id\":\"a1\",\"url\":\"https://x.test/\",\"n\":3,\"t\":\"caf\xC3\xA9\"}";
    assert_int_equal(decode_lit(in, 0, &rec, err, sizeof(err)), 0);
    assert_non_null(rec);
    assert_true(json_is_object(rec));
    assert_string_equal(nf_record_str(rec, "id"), "a1");
    assert_string_equal(nf_record_str(rec, "t"), "caf\xC3\xA9");
    assert_null(nf_record_str(rec, "n")); /* present but not a string */
    assert_null(nf_record_str(rec, "nope"));
    json_decref(rec);
}

static void test_record_decode_does_not_read_past_len(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = NULL;
    /* the buffer is a Kafka payload: not NUL-terminated, length given */
    const char buf[] = {'{', '"', 'a', '"', ':', '1', '}', 'X', 'Y'};
    assert_int_equal(nf_record_decode(buf, 7, 0, &rec, err, sizeof(err)), 0);
    assert_int_equal(json_integer_value(json_object_get(rec, "a")), 1);
    json_decref(rec);
}

static void test_record_decode_invalid_json_names_line_and_column(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = NULL;
    assert_int_equal(decode_lit("{\"a\": 1,\n  \"b\": }", 0, &rec, err, sizeof(err)),
                     NF_ERR_INVALID);
    assert_null(rec);
    assert_non_null(strstr(err, "invalid JSON at line 2 col"));
    assert_rejected("{\"a\": 1", 7, "invalid JSON");
    assert_rejected("not json", 8, "invalid JSON");
}

static void test_record_decode_rejects_non_object(void **state)
{
    (void)state;
    assert_rejected("[1,2]", 5, "not a JSON object");
    assert_rejected("[]", 2, "not a JSON object");
    /* jansson refuses bare scalars at the top level already (no JSON_DECODE_ANY) */
    assert_rejected("\"text\"", 6, "JSON");
    assert_rejected("42", 2, "JSON");
    assert_rejected("null", 4, "JSON");
}

static void test_record_decode_rejects_invalid_utf8(void **state)
{
    (void)state;
    assert_rejected("{\"t\":\"a\xFF" "b\"}", 10, "invalid JSON");
    assert_rejected("{\"t\":\"\xED\xA0\x80\"}", 11, "invalid JSON");  /* surrogate */
    assert_rejected("{\"t\":\"\xC0\x80\"}", 10, "invalid JSON");      /* overlong NUL */
    assert_rejected("{\"t\xC3\":\"x\"}", 10, "invalid JSON");         /* truncated, in a key */
}

static void test_record_decode_rejects_raw_nul_and_replaces_escaped_nul(void **state)
{
    (void)state;
    /* a raw NUL byte is not JSON */
    const char raw[] = {'{', '"', 't', '"', ':', '"', 'a', '\0', 'b', '"', '}'};
    assert_rejected(raw, sizeof(raw), "invalid JSON");
    /* an escaped one (scraped pages carry them) becomes U+FFFD, the string is not cut short */
    json_t *rec = NULL;
    char err[256];
    const char *in = "{\"t\":\"a\\u0000b\",\"u\":\"c\\\\u0000d\"}";
    assert_int_equal(nf_record_decode(in, strlen(in), 0, &rec, err, sizeof(err)), 0);
    assert_string_equal(json_string_value(json_object_get(rec, "t")), "a\xEF\xBF\xBD" "b");
    /* an escaped backslash followed by the text "u0000" is left alone */
    assert_string_equal(json_string_value(json_object_get(rec, "u")), "c\\u0000d");
    json_decref(rec);
}

/* found by fuzz_record: a huge number must not be converted to an integer (undefined) */
static void test_record_decode_handles_huge_numbers(void **state)
{
    (void)state;
    json_t *rec = NULL;
    char err[256];
    const char *in = "{\"a\":1.5e300,\"b\":-9223372036854775807,\"c\":9007199254740992}";
    assert_int_equal(nf_record_decode(in, strlen(in), 0, &rec, err, sizeof(err)), 0);
    assert_true(json_is_real(json_object_get(rec, "a")));
    assert_true(json_is_real(json_object_get(rec, "b")));
    assert_true(json_is_integer(json_object_get(rec, "c")));
    json_decref(rec);
    assert_rejected("{\"n\":1e999}", 11, "number out of range");
}

static void test_record_decode_rejects_oversized_record(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = (json_t *)0x1;
    const char *in = "{\"t\":\"0123456789\"}";
    assert_int_equal(decode_lit(in, 10, &rec, err, sizeof(err)), NF_ERR_LIMIT);
    assert_null(rec);
    assert_non_null(strstr(err, "exceeds max.record.bytes (10)"));
    /* exactly at the limit is fine */
    assert_int_equal(decode_lit(in, strlen(in), &rec, err, sizeof(err)), 0);
    json_decref(rec);
}

static void test_record_decode_rejects_empty_record(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = (json_t *)0x1;
    assert_int_equal(nf_record_decode("", 0, 0, &rec, err, sizeof(err)), NF_ERR_INVALID);
    assert_null(rec);
    assert_string_equal(err, "empty record");
}

static void test_record_decode_rejects_duplicate_keys(void **state)
{
    (void)state;
    assert_rejected("{\"id\":\"a\",\"id\":\"b\"}", 19, "invalid JSON");
}

static void test_record_decode_rejects_deep_nesting(void **state)
{
    (void)state;
    /* 5000 nested arrays inside an object: jansson's depth bound must stop it */
    size_t depth = 5000;
    size_t len = 5 + 2 * depth + 1;
    char *buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, "{\"a\":", 5);
    memset(buf + 5, '[', depth);
    memset(buf + 5 + depth, ']', depth);
    buf[len - 1] = '}';
    assert_rejected(buf, len, "invalid JSON");
    free(buf);
}

static void test_record_encode_keeps_utf8_and_key_order(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = NULL;
    /* escaped \u00e9 comes out as the raw UTF-8 bytes, keys stay in input order */
    const char *in = "{ \"z\": \"\\u00e9\xE6\x97\xA5\", \"a\": 1, \"m\": [true, null] }";
    assert_int_equal(decode_lit(in, 0, &rec, err, sizeof(err)), 0);
    assert_int_equal(json_object_set_new(rec, "b", json_string("\xF0\x9F\x98\x80")), 0);
    size_t len = 0;
    char *out = nf_record_encode(rec, &len);
    assert_non_null(out);
    assert_string_equal(out, "{\"z\":\"\xC3\xA9\xE6\x97\xA5\",\"a\":1,\"m\":[true,null],"
                             "\"b\":\"\xF0\x9F\x98\x80\"}");
    assert_int_equal(len, strlen(out));
    free(out);
    json_decref(rec);
}

static void test_record_encode_decode_round_trip(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = NULL;
    const char *in = "{\"id\":\"x\",\"text\":\"line\\nbreak \\\"quoted\\\" \xC3\xA9\",\"n\":-1.5}";
    assert_int_equal(decode_lit(in, 0, &rec, err, sizeof(err)), 0);
    size_t len = 0;
    char *out = nf_record_encode(rec, &len);
    assert_non_null(out);
    json_t *again = NULL;
    assert_int_equal(nf_record_decode(out, len, 0, &again, err, sizeof(err)), 0);
    assert_true(json_equal(rec, again));
    json_decref(again);
    json_decref(rec);
    free(out);
}

static void test_record_ensure_id_keeps_valid_id(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = json_pack("{s:s, s:s}", "id", "my-id 42", "url", "https://example.com/a");
    assert_int_equal(nf_record_ensure_id(rec, err, sizeof(err)), 0);
    assert_string_equal(nf_record_str(rec, "id"), "my-id 42");
    json_decref(rec);
}

static void test_record_ensure_id_derives_id_from_url(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *rec = json_pack("{s:s}", "url", "https://example.com/a");
    assert_int_equal(nf_record_ensure_id(rec, err, sizeof(err)), 0);
    const char *id = nf_record_str(rec, "id");
    assert_non_null(id);
    /* "u" + 16 lower-case hex digits of FNV-1a 64("https://example.com/a") */
    assert_string_equal(id, "u046a4934057f51cf");
    json_decref(rec);
}

static void test_record_ensure_id_is_deterministic_per_url(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *a = json_pack("{s:s}", "url", "https://example.com/story?id=1");
    json_t *b = json_pack("{s:s}", "url", "https://example.com/story?id=1");
    json_t *c = json_pack("{s:s}", "url", "https://example.com/story?id=2");
    assert_int_equal(nf_record_ensure_id(a, err, sizeof(err)), 0);
    assert_int_equal(nf_record_ensure_id(b, err, sizeof(err)), 0);
    assert_int_equal(nf_record_ensure_id(c, err, sizeof(err)), 0);
    const char *ia = nf_record_str(a, "id");
    assert_string_equal(ia, nf_record_str(b, "id"));
    assert_string_not_equal(ia, nf_record_str(c, "id"));
    const char *ids[] = {ia, nf_record_str(c, "id")};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(strlen(ids[i]), 17);
        assert_int_equal(ids[i][0], 'u');
        assert_int_equal(strspn(ids[i] + 1, "0123456789abcdef"), 16);
    }
    char buf[32];
    nf_record_id_from_url("https://example.com/story?id=1", buf, sizeof(buf));
    assert_string_equal(buf, ia);
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

/* ensure_id must fail with NF_ERR_INVALID, err containing want, and leave rec's id alone */
static void assert_id_rejected(json_t *rec, const char *want)
{
    char err[256] = "";
    json_t *before = json_deep_copy(rec);
    assert_int_equal(nf_record_ensure_id(rec, err, sizeof(err)), NF_ERR_INVALID);
    if (!strstr(err, want)) {
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
    }
    assert_true(json_equal(rec, before));
    json_decref(before);
    json_decref(rec);
}

static void test_record_ensure_id_rejects_non_string_id(void **state)
{
    (void)state;
    /* a url is present, but a broken id is an error, not silently replaced */
    assert_id_rejected(json_pack("{s:i, s:s}", "id", 7, "url", "https://x.test/"),
                       "\"id\" is not a string");
    assert_id_rejected(json_pack("{s:n}", "id"), "\"id\" is not a string");
}

static void test_record_ensure_id_rejects_empty_id(void **state)
{
    (void)state;
    assert_id_rejected(json_pack("{s:s, s:s}", "id", "", "url", "https://x.test/"),
                       "must be 1..256 bytes");
}

static void test_record_ensure_id_rejects_control_characters(void **state)
{
    (void)state;
    assert_id_rejected(json_pack("{s:s}", "id", "a\nb"), "without control characters");
    assert_id_rejected(json_pack("{s:s}", "id", "a\tb"), "without control characters");
    assert_id_rejected(json_pack("{s:s}", "id", "a\x7f"), "without control characters");
}

static void test_record_ensure_id_rejects_overlong_id(void **state)
{
    (void)state;
    char id[NF_ID_MAX + 2];
    memset(id, 'k', sizeof(id) - 1);
    id[sizeof(id) - 1] = '\0';
    assert_id_rejected(json_pack("{s:s}", "id", id), "must be 1..256 bytes");
    /* exactly NF_ID_MAX bytes is accepted */
    id[NF_ID_MAX] = '\0';
    char err[256] = "";
    json_t *rec = json_pack("{s:s}", "id", id);
    assert_int_equal(nf_record_ensure_id(rec, err, sizeof(err)), 0);
    json_decref(rec);
}

static void test_record_ensure_id_rejects_missing_id_and_url(void **state)
{
    (void)state;
    assert_id_rejected(json_pack("{s:s}", "text", "hello"), "neither \"id\" nor \"url\"");
    assert_id_rejected(json_pack("{s:s}", "url", ""), "neither \"id\" nor \"url\"");
    assert_id_rejected(json_pack("{s:i}", "url", 5), "neither \"id\" nor \"url\"");
}

static void test_record_require_names_missing_field(void **state)
{
    (void)state;
    char err[256] = "";
    static const char *const fields[] = {"url", "html", NULL};
    json_t *rec = json_pack("{s:s, s:s}", "id", "a", "url", "https://x.test/");
    assert_int_equal(nf_record_require(rec, fields, err, sizeof(err)), NF_ERR_INVALID);
    assert_string_equal(err, "missing field \"html\"");
    json_decref(rec);
}

static void test_record_require_names_non_string_field(void **state)
{
    (void)state;
    char err[256] = "";
    static const char *const fields[] = {"url", "html", NULL};
    json_t *rec = json_pack("{s:s, s:i}", "url", "https://x.test/", "html", 3);
    assert_int_equal(nf_record_require(rec, fields, err, sizeof(err)), NF_ERR_INVALID);
    assert_string_equal(err, "field \"html\" is not a string");
    json_decref(rec);
}

static void test_record_require_accepts_complete_record(void **state)
{
    (void)state;
    char err[256] = "";
    static const char *const fields[] = {"url", "html", NULL};
    json_t *rec = json_pack("{s:s, s:s}", "url", "https://x.test/", "html", "");
    assert_int_equal(nf_record_require(rec, fields, err, sizeof(err)), 0);
    assert_int_equal(nf_record_require(rec, NULL, err, sizeof(err)), 0);
    json_decref(rec);
}

static void test_record_set_strn_keeps_valid_text(void **state)
{
    (void)state;
    json_t *rec = json_object();
    assert_int_equal(nf_record_set_strn(rec, "t", "caf\xC3\xA9 au lait", 6), 0);
    assert_string_equal(nf_record_str(rec, "t"), "caf\xC3\xA9 ");
    assert_int_equal(nf_record_set_str(rec, "t", "replaced"), 0);
    assert_string_equal(nf_record_str(rec, "t"), "replaced");
    json_decref(rec);
}

static void test_record_set_strn_repairs_invalid_utf8(void **state)
{
    (void)state;
    json_t *rec = json_object();
    static const char bad[] = "ab\xFF" "c\xED\xA0\x80" "d";
    assert_int_equal(nf_record_set_strn(rec, "t", bad, sizeof(bad) - 1), 0);
    const json_t *v = json_object_get(rec, "t");
    const char *s = json_string_value(v);
    assert_true(nf_utf8_valid(s, json_string_length(v)));
    assert_string_equal(s, "ab\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "d");
    /* the result encodes: jansson would refuse to dump invalid UTF-8 */
    char *out = nf_record_encode(rec, NULL);
    assert_non_null(out);
    free(out);
    json_decref(rec);
}

static void test_record_set_strn_drops_nul_bytes(void **state)
{
    (void)state;
    json_t *rec = json_object();
    assert_int_equal(nf_record_set_strn(rec, "t", "a\0b\0", 4), 0);
    const json_t *v = json_object_get(rec, "t");
    assert_int_equal(json_string_length(v), 2);
    assert_string_equal(json_string_value(v), "ab");
    assert_int_equal(nf_record_set_strn(rec, "e", "\xFF", 1), 0);
    assert_string_equal(nf_record_str(rec, "e"), "\xEF\xBF\xBD");
    assert_int_equal(nf_record_set_strn(rec, "z", "\0", 1), 0);
    assert_string_equal(nf_record_str(rec, "z"), "");
    json_decref(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_decode_valid_object),
        cmocka_unit_test(test_record_decode_does_not_read_past_len),
        cmocka_unit_test(test_record_decode_invalid_json_names_line_and_column),
        cmocka_unit_test(test_record_decode_rejects_non_object),
        cmocka_unit_test(test_record_decode_rejects_invalid_utf8),
        cmocka_unit_test(test_record_decode_rejects_raw_nul_and_replaces_escaped_nul),
        cmocka_unit_test(test_record_decode_handles_huge_numbers),
        cmocka_unit_test(test_record_decode_rejects_oversized_record),
        cmocka_unit_test(test_record_decode_rejects_empty_record),
        cmocka_unit_test(test_record_decode_rejects_duplicate_keys),
        cmocka_unit_test(test_record_decode_rejects_deep_nesting),
        cmocka_unit_test(test_record_encode_keeps_utf8_and_key_order),
        cmocka_unit_test(test_record_encode_decode_round_trip),
        cmocka_unit_test(test_record_ensure_id_keeps_valid_id),
        cmocka_unit_test(test_record_ensure_id_derives_id_from_url),
        cmocka_unit_test(test_record_ensure_id_is_deterministic_per_url),
        cmocka_unit_test(test_record_ensure_id_rejects_non_string_id),
        cmocka_unit_test(test_record_ensure_id_rejects_empty_id),
        cmocka_unit_test(test_record_ensure_id_rejects_control_characters),
        cmocka_unit_test(test_record_ensure_id_rejects_overlong_id),
        cmocka_unit_test(test_record_ensure_id_rejects_missing_id_and_url),
        cmocka_unit_test(test_record_require_names_missing_field),
        cmocka_unit_test(test_record_require_names_non_string_field),
        cmocka_unit_test(test_record_require_accepts_complete_record),
        cmocka_unit_test(test_record_set_strn_keeps_valid_text),
        cmocka_unit_test(test_record_set_strn_repairs_invalid_utf8),
        cmocka_unit_test(test_record_set_strn_drops_nul_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
