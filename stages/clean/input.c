/* input.c - turn a raw-html record into page bytes and a charset for the clean stage's parser
 * (see input.h). Records are JSON, so "html" is already Unicode text and is parsed as UTF-8; a
 * page in another charset travels as "html_base64" and is decoded with the record's charset
 * hint, its Content-Type header, or else the page's own <meta charset> (libxml2 detects it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"
#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/util.h"

/* The charset named by a Content-Type value ("text/html; charset=EUC-KR"), copied into out. */
static int content_type_charset(const char *ct, char *out, size_t out_size)
{
    const char *p = strcasestr(ct, "charset=");
    if (!p) {
        return -1;
    }
    p += 8;
    while (*p == '"' || *p == '\'' || *p == ' ') {
        p++;
    }
    size_t n = 0;
    while (p[n] && p[n] != ';' && p[n] != '"' && p[n] != '\'' && p[n] != ' ' && n + 1 < out_size) {
        n++;
    }
    if (n == 0) {
        return -1;
    }
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

/* The charset hint of a record: its "charset" field, else the charset of a Content-Type header
 * (any case) in its "headers" object. Returns 0 with the name in out, or -1. */
static int record_charset(const json_t *rec, char *out, size_t out_size)
{
    const char *cs = nf_record_str(rec, "charset");
    if (cs && *cs && strlen(cs) < out_size) {
        snprintf(out, out_size, "%s", cs);
        return 0;
    }
    const json_t *headers = json_object_get(rec, "headers");
    if (!json_is_object(headers)) {
        return -1;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)headers, key, v)
    {
        if (!strcasecmp(key, "content-type") && json_is_string(v)) {
            return content_type_charset(json_string_value(v), out, out_size);
        }
    }
    return -1;
}

static int is_utf8_name(const char *cs)
{
    return !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") || !strcasecmp(cs, "us-ascii") ||
           !strcasecmp(cs, "ascii");
}

/* A fetcher that could not decode a page may have put its bytes one per code point into "html"
 * (U+0000-U+00FF). Properly decoded text never holds C1 controls (U+0080-U+009F), the bytes of
 * a windows-125x or CJK page usually do: only then are the code points turned back into bytes
 * (malloc'ed into *bytes) for the hinted charset. Returns 1 if converted, 0 if not, or
 * NF_ERR_NOMEM. */
static int latin1_bytes(const char *s, size_t len, char **bytes, size_t *blen)
{
    int c1 = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xC4) {
            return 0; /* a code point above U+00FF: this is text */
        }
        if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] < 0xA0) {
            c1 = 1;
        }
    }
    if (!c1) {
        return 0;
    }
    char *out = malloc(len + 1);
    if (!out) {
        return NF_ERR_NOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out[n++] = (char)c;
            i++;
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < len) {
            out[n++] = (char)(((c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F));
            i += 2;
        } else {
            free(out);
            return 0;
        }
    }
    out[n] = '\0';
    *bytes = out;
    *blen = n;
    return 1;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
        return 62;
    }
    if (c == '/' || c == '_') {
        return 63;
    }
    return -1;
}

/* Decode base64 (standard or URL alphabet, whitespace and padding allowed) into a malloc'ed
 * buffer. Returns 0, NF_ERR_INVALID on a bad character, NF_ERR_NOMEM. */
static int base64_decode(const char *s, size_t len, char **out, size_t *outlen)
{
    char *buf = malloc(len / 4 * 3 + 4);
    if (!buf) {
        return NF_ERR_NOMEM;
    }
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            continue;
        }
        int v = b64_value(c);
        if (v < 0) {
            free(buf);
            return NF_ERR_INVALID;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[n++] = (char)((acc >> bits) & 0xFF);
        }
    }
    buf[n] = '\0';
    *out = buf;
    *outlen = n;
    return 0;
}

/* Bytes that are valid UTF-8 with at least one multi-byte sequence are UTF-8 whatever the page
 * or the record declares: legacy-charset text (windows-125x, Shift_JIS, EUC-*) with non-ASCII
 * bytes is practically never valid UTF-8, while UTF-8 pages with a wrong declaration are common
 * (decoding them as declared garbles every accented letter). Likewise bytes without a NUL cannot
 * be the UTF-16/UTF-32 a declaration claims. */
static int is_utf8_anyway(const char *s, size_t len, const char *declared)
{
    if (memchr(s, '\0', len) || !nf_utf8_valid(s, len)) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80) {
            return 1;
        }
    }
    if (!declared) {
        return 0;
    }
    return !strncasecmp(declared, "utf-16", 6) || !strncasecmp(declared, "utf-32", 6) ||
           !strncasecmp(declared, "utf16", 5) || !strncasecmp(declared, "ucs-", 4);
}

/* Is the page UTF-16 or UTF-32, by its declared encoding or its byte order mark? */
static int is_wide(const struct nf_clean_page *page)
{
    const unsigned char *d = (const unsigned char *)page->data;
    if (page->encoding) {
        return !strncasecmp(page->encoding, "utf-16", 6) ||
               !strncasecmp(page->encoding, "utf-32", 6) ||
               !strncasecmp(page->encoding, "utf16", 5) || !strncasecmp(page->encoding, "ucs-", 4);
    }
    return page->len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF));
}

/* Drop NUL bytes (they would end libxml2's input early) into an owned copy. In UTF-16/32 a
 * NUL byte is half of a character: those pages go to the parser's decoder as they are. */
static int strip_nul(struct nf_clean_page *page)
{
    if (memchr(page->data, '\0', page->len) == NULL || is_wide(page)) {
        return 0;
    }
    char *copy = malloc(page->len + 1);
    if (!copy) {
        return NF_ERR_NOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < page->len; i++) {
        if (page->data[i]) {
            copy[n++] = page->data[i];
        }
    }
    copy[n] = '\0';
    free(page->owned);
    page->owned = copy;
    page->data = copy;
    page->len = n;
    return 0;
}

int nf_clean_page_get(const json_t *rec, size_t max_bytes, struct nf_clean_page *page, char *errstr,
                      size_t errstr_size)
{
    int err = 0;
    memset(page, 0, sizeof(*page));
    int hinted = record_charset(rec, page->enc, sizeof(page->enc)) == 0;
    const json_t *hv = json_object_get(rec, "html");
    const json_t *bv = json_object_get(rec, "html_base64");
    if (json_is_string(hv)) {
        page->data = json_string_value(hv);
        page->len = json_string_length(hv);
        page->encoding = "UTF-8";
        if (page->len > max_bytes) {
            return nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                             "html is %zu bytes, over clean.max_html_bytes (%zu)", page->len,
                             max_bytes);
        }
        if (hinted && !is_utf8_name(page->enc)) {
            char *raw = NULL;
            size_t rawlen = 0;
            int r = latin1_bytes(page->data, page->len, &raw, &rawlen);
            if (r < 0) {
                return nf_seterr(errstr, errstr_size, r, "out of memory");
            }
            if (r == 1) {
                page->owned = raw;
                page->data = raw;
                page->len = rawlen;
                /* UTF-8 bytes passed on as code points: the classic double encoding */
                page->encoding = is_utf8_anyway(raw, rawlen, page->enc) ? "UTF-8" : page->enc;
            }
        }
    } else if (json_is_string(bv)) {
        size_t blen = json_string_length(bv);
        if (blen / 4 * 3 > max_bytes + 3) {
            return nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                             "html_base64 holds about %zu bytes, over clean.max_html_bytes (%zu)",
                             blen / 4 * 3, max_bytes);
        }
        err = base64_decode(json_string_value(bv), blen, &page->owned, &page->len);
        if (err) {
            return nf_seterr(errstr, errstr_size, err, "%s",
                             err == NF_ERR_NOMEM ? "out of memory" : "html_base64 is not base64");
        }
        page->data = page->owned;
        if (page->len > max_bytes) {
            return nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                             "html is %zu bytes, over clean.max_html_bytes (%zu)", page->len,
                             max_bytes);
        }
        /* no hint: NULL lets libxml2 use a BOM or the page's <meta charset> */
        page->encoding = hinted ? (is_utf8_name(page->enc) ? "UTF-8" : page->enc) : NULL;
        /* with no hint this also overrides a wrong <meta charset> */
        if ((!page->encoding || strcmp(page->encoding, "UTF-8") != 0) &&
            is_utf8_anyway(page->data, page->len, page->encoding)) {
            page->encoding = "UTF-8";
        }
    } else {
        return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                         "record has no string \"html\" or \"html_base64\"");
    }
    if ((err = strip_nul(page))) {
        return nf_seterr(errstr, errstr_size, err, "out of memory");
    }
    return 0;
}

void nf_clean_page_free(struct nf_clean_page *page)
{
    free(page->owned);
    page->owned = NULL;
    page->data = NULL;
}
