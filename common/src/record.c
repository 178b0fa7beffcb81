/* record.c - JSON record codec on jansson (see newsflow/record.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/util.h"

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
    /* jansson validates UTF-8, rejects \u0000 without JSON_ALLOW_NUL and bounds nesting depth
     * (JSON_PARSER_MAX_DEPTH, 2048) */
    json_error_t jerr;
    json_t *rec = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!rec) {
        return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "invalid JSON at line %d col %d: %s",
                         jerr.line, jerr.column, jerr.text);
    }
    if (!json_is_object(rec)) {
        json_decref(rec);
        return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "record is not a JSON object");
    }
    *out = rec;
    return 0;
}

char *nf_record_encode(const json_t *rec, size_t *lenp)
{
    char *s = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (s && lenp) {
        *lenp = strlen(s);
    }
    return s;
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
