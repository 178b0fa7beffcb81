/* clean.c - the "clean" stage: raw-html -> cleaned. Turns a fetched page into its article text
 * and metadata (title, byline, date, language, site name, canonical URL, description).
 * The extraction itself is in extract.c (DOM walk and scoring), meta.c and boiler.c.
 */
#include <libxml/parser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/stage.h"
#include "newsflow/util.h"

struct clean_state {
    size_t max_html_bytes;
    size_t max_nodes;
};

static int clean_init(const struct nf_conf *conf, void **statep, char *errstr,
                      size_t errstr_size)
{
    struct clean_state *st = calloc(1, sizeof(*st));
    if (!st) {
        return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
    }
    st->max_html_bytes = (size_t)nf_conf_get_int(conf, "clean.max_html_bytes");
    st->max_nodes = (size_t)nf_conf_get_int(conf, "clean.max_nodes");
    /* libxml2 must be initialised once before parsers run in several threads */
    xmlInitParser();
    *statep = st;
    return 0;
}

static void clean_destroy(void *state)
{
    free(state);
}

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

/* The charset hint of a record: its "charset" field, else the charset of a Content-Type
 * header (any case) in its "headers" object. Returns 0 with the name in out, or -1. */
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
    json_object_foreach((json_t *)headers, key, v) {
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

/* Records are JSON, so "html" is Unicode text. A fetcher that could not decode a page stores its
 * bytes one per code point (U+0000-U+00FF, "binary as ISO-8859-1") with the charset in a hint.
 * If every code point fits in a byte, turn them back into the page's bytes (malloc'ed into
 * *bytes) so libxml2 can decode them with the real charset. Returns 1 if converted, 0 if the
 * text holds wider code points (it is already decoded), NF_ERR_NOMEM. */
static int latin1_bytes(const char *s, size_t len, char **bytes, size_t *blen)
{
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

/* Set field to a string, or to null when the value is missing. */
static int set_or_null(json_t *rec, const char *field, const char *value)
{
    if (value) {
        return nf_record_set_str(rec, field, value);
    }
    return json_object_set_new(rec, field, json_null()) ? NF_ERR_NOMEM : 0;
}

static int set_if(json_t *rec, const char *field, const char *value)
{
    return value ? nf_record_set_str(rec, field, value) : 0;
}

static int clean_transform(const void *state, json_t *rec, char *errstr, size_t errstr_size)
{
    const struct clean_state *st = state;
    int err = 0;
    char *bytes = NULL;
    struct nf_extract_result res;
    memset(&res, 0, sizeof(res));
    const json_t *hv = json_object_get(rec, "html");
    if (!json_is_string(hv)) {
        return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "field \"html\" is not a string");
    }
    const char *html = json_string_value(hv);
    size_t len = json_string_length(hv);
    if (len > st->max_html_bytes) {
        return nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                         "html is %zu bytes, over clean.max_html_bytes (%zu)", len,
                         st->max_html_bytes);
    }
    if (strlen(html) != len) {
        /* NUL characters (\u0000 in the JSON) would end libxml2's input early: drop them */
        bytes = malloc(len + 1);
        if (!bytes) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
            goto done;
        }
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
            if (html[i]) {
                bytes[n++] = html[i];
            }
        }
        bytes[n] = '\0';
        html = bytes;
        len = n;
    }
    const char *encoding = "UTF-8";
    char cs[64];
    if (record_charset(rec, cs, sizeof(cs)) == 0 && !is_utf8_name(cs)) {
        size_t blen = 0;
        char *raw = NULL;
        int r = latin1_bytes(html, len, &raw, &blen);
        if (r < 0) {
            err = nf_seterr(errstr, errstr_size, r, "out of memory");
            goto done;
        }
        if (r == 1) {
            free(bytes); /* html may point into it: replaced just below */
            bytes = raw;
            html = bytes;
            len = blen;
            encoding = cs;
        }
    }
    const char *url = nf_record_str(rec, "url");
    struct nf_extract_opts opts = {.max_nodes = st->max_nodes};
    if ((err = nf_extract_run(html, len, encoding, url && *url ? url : NULL, &opts, &res, errstr,
                              errstr_size))) {
        goto done;
    }
    /* the page is no longer needed: drop it before adding the (smaller) results */
    json_object_del(rec, "html");
    json_object_del(rec, "headers");
    json_object_del(rec, "charset");
    html = NULL;
    const struct nf_meta_out *m = &res.meta;
    if ((err = set_or_null(rec, "title", m->title)) ||
        (err = set_or_null(rec, "byline", m->byline)) ||
        (err = set_or_null(rec, "published_at", m->published_at)) ||
        (err = set_or_null(rec, "lang", m->lang)) ||
        (err = set_if(rec, "site_name", m->site_name)) ||
        (err = set_if(rec, "canonical_url", m->canonical_url)) ||
        (err = set_if(rec, "description", m->description)) ||
        (err = nf_record_set_str(rec, "text", res.text))) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (res.reason && (err = nf_record_set_str(rec, "reason", res.reason))) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (res.truncated && json_object_set_new(rec, "truncated", json_true())) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
done:
    nf_extract_result_free(&res);
    free(bytes);
    return err;
}

static const char *const clean_required[] = {"html", NULL};

static const struct nf_prop clean_props[] = {
    {"clean.max_html_bytes", NF_PROP_INT, "8388608", 1024, 1073741824, NULL,
     "pages larger than this (bytes of HTML) go to the DLQ"},
    {"clean.max_nodes", NF_PROP_INT, "2000000", 1000, 100000000, NULL,
     "DOM nodes visited per page at most; the rest of a larger page is ignored"},
    NF_PROP_END,
};

const struct nf_stage nf_stage_clean = {
    .name = "clean",
    .version = "0.1.0",
    .input = "raw-html",
    .output = "cleaned",
    .required = clean_required,
    .props = clean_props,
    .init = clean_init,
    .transform = clean_transform,
    .destroy = clean_destroy,
};

NF_STAGE_MAIN(nf_stage_clean)
