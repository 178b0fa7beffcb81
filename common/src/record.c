/* record.c - the JSON record codec (see newsflow/record.h): records are jansson trees; decoding
 * parses with cJSON for speed, encoding writes the tree directly. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/util.h"

/* Decoding: cJSON parses (about 15x faster than jansson's parser on page-sized records), then
 * the tree is converted to jansson, the API the stages use. cJSON is lenient where we are not,
 * so the checks it lacks come first: valid UTF-8 (which also rules out raw NUL bytes), escaped
 * \u0000 turned into U+FFFD (cJSON would silently cut the string there), and afterwards no
 * trailing garbage and no duplicate keys. Nesting is bounded by CJSON_NESTING_LIMIT (1000). */

/* Position of the first invalid UTF-8 sequence or NUL byte, or len if none. */
static size_t nf_first_bad_byte(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* ASCII fast path, eight bytes at a time */
        while (i + 8 <= len) {
            uint64_t w = nf_load64(p + i);
            /* any byte >= 0x80 or == 0x00 stops the fast path */
            if ((w & UINT64_C(0x8080808080808080)) || nf_has_byte_below64(w, 1)) {
                break;
            }
            i += 8;
        }
        if (i >= len) {
            break;
        }
        if (p[i] == 0) {
            return i;
        }
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = nf_utf8_seqlen(p + i, len - i);
        if (n == 0) {
            return i;
        }
        i += n;
    }
    return len;
}

/* Replace every escaped NUL (\u0000) in buf with \ufffd, the replacement character: same
 * length, and no C string cut short (cJSON would end the string there; scraped pages do carry
 * NULs). A backslash run of odd length makes an escape. Returns the number replaced. */
static size_t nf_replace_escaped_nul(char *buf, size_t len)
{
    char *p = buf;
    char *end = buf + len;
    size_t n = 0;
    while ((p = memmem(p, (size_t)(end - p), "u0000", 5)) != NULL) {
        size_t bs = 0;
        for (const char *q = p - 1; q >= buf && *q == '\\'; q--) {
            bs++;
        }
        if (bs % 2 == 1) {
            memcpy(p + 1, "fffd", 4);
            n++;
        }
        p += 5;
    }
    return n;
}

static int nf_decode_error(const char *buf, size_t len, size_t at, char *errstr,
                           size_t errstr_size, const char *what)
{
    int line = 1;
    int col = 1;
    for (size_t i = 0; i < at && i < len; i++) {
        if (buf[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    char near[24] = "";
    size_t n = 0;
    for (size_t i = at; i < len && n < 16; i++) {
        unsigned char c = (unsigned char)buf[i];
        near[n++] = (c >= 0x20 && c < 0x7F && c != '\'') ? (char)c : '?';
    }
    near[n] = '\0';
    return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                     "invalid JSON at line %d col %d (byte %zu): %s%s%s%s", line, col, at, what,
                     n ? " near '" : "", near, n ? "'" : "");
}

/* cJSON value -> new jansson reference, or NULL (with errstr) on a duplicate key or no memory. */
static json_t *nf_from_cjson(const cJSON *c, char *errstr, size_t errstr_size)
{
    if (cJSON_IsString(c)) {
        /* valid UTF-8: the whole input was validated and escapes decode to valid UTF-8 */
        return json_stringn_nocheck(c->valuestring, strlen(c->valuestring));
    }
    if (cJSON_IsNumber(c)) {
        double d = c->valuedouble;
        if (!isfinite(d)) {
            nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "invalid JSON: number out of range");
            return NULL;
        }
        /* integral values within the exactly representable range become integers (range first:
         * converting a larger double to an integer is undefined) */
        if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == floor(d)) {
            return json_integer((json_int_t)d);
        }
        return json_real(d);
    }
    if (cJSON_IsBool(c)) {
        return json_boolean(cJSON_IsTrue(c));
    }
    if (cJSON_IsNull(c)) {
        return json_null();
    }
    if (cJSON_IsArray(c)) {
        json_t *a = json_array();
        for (const cJSON *e = c->child; a && e; e = e->next) {
            json_t *v = nf_from_cjson(e, errstr, errstr_size);
            if (!v || json_array_append_new(a, v) != 0) {
                json_decref(a);
                return NULL;
            }
        }
        return a;
    }
    if (cJSON_IsObject(c)) {
        json_t *o = json_object();
        for (const cJSON *e = c->child; o && e; e = e->next) {
            if (json_object_get(o, e->string)) {
                nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                          "invalid JSON: duplicate object key \"%.100s\"", e->string);
                json_decref(o);
                return NULL;
            }
            json_t *v = nf_from_cjson(e, errstr, errstr_size);
            if (!v || json_object_set_new_nocheck(o, e->string, v) != 0) {
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "invalid JSON: unexpected value");
    return NULL;
}

int nf_record_decode(const char *buf, size_t len, size_t max_bytes, json_t **out, char *errstr,
                     size_t errstr_size)
{
    *out = NULL;
    if (max_bytes && len > max_bytes) {
        return nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                         "record of %zu bytes exceeds max.record.bytes (%zu)", len, max_bytes);
    }
    if (len == 0) {
        return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "empty record");
    }
    size_t bad = nf_first_bad_byte(buf, len);
    if (bad < len) {
        return nf_decode_error(buf, len, bad, errstr, errstr_size,
                               buf[bad] ? "invalid UTF-8" : "NUL byte");
    }
    char *copy = NULL;
    if (memmem(buf, len, "u0000", 5)) {
        if (!(copy = malloc(len))) {
            return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        }
        memcpy(copy, buf, len);
        if (nf_replace_escaped_nul(copy, len) > 0) {
            buf = copy;
        }
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!root) {
        size_t at = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : 0;
        int e = nf_decode_error(buf, len, at, errstr, errstr_size,
                                at >= len ? "unexpected end of input" : "syntax error");
        free(copy);
        return e;
    }
    int err = 0;
    json_t *rec = NULL;
    size_t at = (size_t)(end - buf);
    while (at < len && (buf[at] == ' ' || buf[at] == '\t' || buf[at] == '\n' || buf[at] == '\r')) {
        at++;
    }
    if (at < len) {
        err = nf_decode_error(buf, len, at, errstr, errstr_size, "trailing data after the record");
        goto done;
    }
    if (!cJSON_IsObject(root)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "record is not a JSON object");
        goto done;
    }
    errstr[0] = '\0';
    if (!(rec = nf_from_cjson(root, errstr, errstr_size))) {
        err = errstr[0] ? NF_ERR_INVALID : nf_seterr(errstr, errstr_size, NF_ERR_NOMEM,
                                                     "out of memory decoding the record");
        goto done;
    }
    *out = rec;
done:
    cJSON_Delete(root);
    free(copy);
    return err;
}

/* Encoding: our own writer over the jansson tree (jansson's json_dumps escapes byte by byte
 * through callbacks). Output: compact JSON, keys in insertion order, UTF-8 as is (strings in a
 * jansson tree are valid UTF-8), control characters, '"' and '\\' escaped. */
static int nf_enc_string(struct nf_buf *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    /* bytes that need an escape: control characters, '"' and '\\' */
    static const unsigned char esc_tbl[256] = {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, ['"'] = 1, ['\\'] = 1};
    const unsigned char *u = (const unsigned char *)s;
    int err = nf_buf_reserve(o, len + 2);
    size_t run = 0;
    err = err ? err : nf_buf_appendc(o, '"');
    for (size_t i = 0; !err && i < len; i++) {
        /* eight bytes at a time while none is below 0x20, '"' or '\\' */
        while (len - i >= 8) {
            uint64_t w = nf_load64(u + i);
            if (nf_has_byte_below64(w, 0x20) || nf_has_byte64(w, '"') || nf_has_byte64(w, '\\')) {
                break;
            }
            i += 8;
        }
        while (i < len && !esc_tbl[u[i]]) {
            i++;
        }
        if (i == len) {
            break;
        }
        unsigned char c = u[i];
        err = nf_buf_append(o, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
            n = 6;
        }
        err = err ? err : nf_buf_append(o, esc, n);
    }
    err = err ? err : nf_buf_append(o, s + run, len - run);
    return err ? err : nf_buf_appendc(o, '"');
}

static int nf_enc_value(struct nf_buf *o, const json_t *v, int depth)
{
    if (depth > 1000) {
        return NF_ERR_LIMIT;
    }
    int err = 0;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *e;
        int first = 1;
        err = nf_buf_appendc(o, '{');
        json_object_foreach((json_t *)v, k, e)
        {
            if (!first) {
                err = err ? err : nf_buf_appendc(o, ',');
            }
            first = 0;
            err = err ? err : nf_enc_string(o, k, strlen(k));
            err = err ? err : nf_buf_appendc(o, ':');
            err = err ? err : nf_enc_value(o, e, depth + 1);
            if (err) {
                return err;
            }
        }
        return nf_buf_appendc(o, '}');
    }
    case JSON_ARRAY: {
        err = nf_buf_appendc(o, '[');
        for (size_t i = 0; !err && i < json_array_size(v); i++) {
            if (i) {
                err = nf_buf_appendc(o, ',');
            }
            err = err ? err : nf_enc_value(o, json_array_get(v, i), depth + 1);
        }
        return err ? err : nf_buf_appendc(o, ']');
    }
    case JSON_STRING:
        return nf_enc_string(o, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: {
        /* by hand: printf costs more than the rest of a small entity object */
        char num[24];
        char *end = num + sizeof(num);
        char *p = end;
        json_int_t i = json_integer_value(v);
        unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (i < 0) {
            *--p = '-';
        }
        return nf_buf_append(o, p, (size_t)(end - p));
    }
    case JSON_REAL: {
        /* shortest text that reads back as the same double; integral values within 2^53 are
         * written as integers, as the decoder reads them: encoding is idempotent */
        char num[40];
        double d = json_real_value(v);
        if (d == 0) {
            snprintf(num, sizeof(num), "0");
        } else if (d == floor(d) && fabs(d) <= 9007199254740992.0) {
            snprintf(num, sizeof(num), "%.0f", d);
        } else {
            for (int prec = 15; prec <= 17; prec++) {
                snprintf(num, sizeof(num), "%.*g", prec, d);
                if (strtod(num, NULL) == d) {
                    break;
                }
            }
        }
        return nf_buf_appends(o, num);
    }
    case JSON_TRUE:
        return nf_buf_appends(o, "true");
    case JSON_FALSE:
        return nf_buf_appends(o, "false");
    case JSON_NULL:
        return nf_buf_appends(o, "null");
    }
    return NF_ERR_INVALID;
}

char *nf_record_encode(const json_t *rec, size_t *lenp)
{
    struct nf_buf o = {0};
    if (nf_enc_value(&o, rec, 0) != 0) {
        nf_buf_free(&o);
        return NULL;
    }
    if (lenp) {
        *lenp = o.len;
    }
    return nf_buf_steal(&o);
}

const char *nf_record_str(const json_t *rec, const char *field)
{
    const json_t *v = json_object_get(rec, field);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int nf_record_require(const json_t *rec, const char *const *fields, char *errstr,
                      size_t errstr_size)
{
    for (size_t i = 0; fields && fields[i]; i++) {
        const json_t *v = json_object_get(rec, fields[i]);
        if (!v) {
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "missing field \"%s\"",
                             fields[i]);
        }
        if (!json_is_string(v)) {
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "field \"%s\" is not a string",
                             fields[i]);
        }
    }
    return 0;
}

void nf_record_id_from_url(const char *url, char *out, size_t out_size)
{
    snprintf(out, out_size, "u%016" PRIx64, nf_hash64(url, strlen(url)));
}

static int nf_record_id_ok(const char *id, size_t len)
{
    if (len == 0 || len > NF_ID_MAX) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7F) {
            return 0;
        }
    }
    return 1;
}

int nf_record_ensure_id(json_t *rec, char *errstr, size_t errstr_size)
{
    json_t *id = json_object_get(rec, "id");
    if (id) {
        if (!json_is_string(id)) {
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "field \"id\" is not a string");
        }
        if (!nf_record_id_ok(json_string_value(id), json_string_length(id))) {
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                             "field \"id\" must be 1..%d bytes without control characters",
                             NF_ID_MAX);
        }
        return 0;
    }
    const char *url = nf_record_str(rec, "url");
    if (!url || !*url) {
        return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                         "record has neither \"id\" nor \"url\"");
    }
    char buf[32];
    nf_record_id_from_url(url, buf, sizeof(buf));
    if (json_object_set_new(rec, "id", json_string(buf)) != 0) {
        return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
    }
    return 0;
}

int nf_record_set_strn(json_t *rec, const char *field, const char *value, size_t len)
{
    json_t *v;
    if (nf_utf8_valid(value, len) && !memchr(value, '\0', len)) {
        v = json_stringn_nocheck(value, len);
    } else {
        struct nf_buf b = {0};
        if (nf_utf8_sanitize(&b, value, len) != 0) {
            nf_buf_free(&b);
            return NF_ERR_NOMEM;
        }
        v = json_stringn_nocheck(b.data ? b.data : "", b.len);
        nf_buf_free(&b);
    }
    if (!v || json_object_set_new(rec, field, v) != 0) {
        return NF_ERR_NOMEM;
    }
    return 0;
}

int nf_record_set_str(json_t *rec, const char *field, const char *value)
{
    return nf_record_set_strn(rec, field, value, strlen(value));
}
