/* clean.c - the "clean" stage: raw-html -> cleaned. Turns a fetched page into its article text
 * and metadata (title, byline, date, language, site name, canonical URL, description).
 * Input decoding is in input.c; the DOM walk and scoring in walk.c, the choice of the article
 * in extract.c, metadata in meta.c and date.c, chrome patterns in boiler.c.
 */
#include <libxml/parser.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "boiler.h"
#include "extract.h"
#include "input.h"
#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/stage.h"
#include "newsflow/util.h"

struct clean_state {
    size_t max_html_bytes;
    size_t max_nodes;
    struct nf_boiler *boiler;
};

static void clean_destroy(void *state);

static int clean_init(const struct nf_conf *conf, void **statep, char *errstr, size_t errstr_size)
{
    int err = 0;
    char dir[PATH_MAX];
    struct clean_state *st = calloc(1, sizeof(*st));
    *statep = NULL;
    if (!st) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    st->max_html_bytes = (size_t)nf_conf_get_int(conf, "clean.max_html_bytes");
    st->max_nodes = (size_t)nf_conf_get_int(conf, "clean.max_nodes");
    if ((err = nf_conf_path(conf, "clean.lists_dir", dir, sizeof(dir)))) {
        nf_seterr(errstr, errstr_size, err, "clean.lists_dir: %s", nf_strerror(err));
        goto done;
    }
    if ((err = nf_boiler_load(dir, &st->boiler, errstr, errstr_size))) {
        goto done;
    }
    /* the arena hooks go in before libxml2 allocates anything; libxml2 must be initialised
     * once before parsers run in several threads */
    if ((err = nf_xml_arena_install())) {
        nf_seterr(errstr, errstr_size, err, "cannot install libxml2's allocator");
        goto done;
    }
    xmlInitParser();
    *statep = st;
    st = NULL;
done:
    clean_destroy(st);
    return err;
}

static void clean_destroy(void *state)
{
    struct clean_state *st = state;
    if (st) {
        nf_boiler_free(st->boiler);
        nf_xml_arena_thread_free();
    }
    free(st);
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
    struct nf_clean_page page;
    struct nf_extract_result res;
    memset(&res, 0, sizeof(res));
    if ((err = nf_clean_page_get(rec, st->max_html_bytes, &page, errstr, errstr_size))) {
        goto done;
    }
    const char *url = nf_record_str(rec, "url");
    struct nf_extract_opts opts = {.max_nodes = st->max_nodes, .boiler = st->boiler};
    if ((err = nf_extract_run(page.data, page.len, page.encoding, url && *url ? url : NULL, &opts,
                              &res, errstr, errstr_size))) {
        goto done;
    }
    /* the page is no longer needed (page may point into "html": free it first) */
    nf_clean_page_free(&page);
    json_object_del(rec, "html");
    json_object_del(rec, "html_base64");
    json_object_del(rec, "headers");
    json_object_del(rec, "charset");
    const struct nf_meta_out *m = &res.meta;
    if ((err = set_or_null(rec, "title", m->title)) ||
        (err = set_or_null(rec, "byline", m->byline)) ||
        (err = set_or_null(rec, "published_at", m->published_at)) ||
        (err = set_or_null(rec, "lang", m->lang)) ||
        (err = set_if(rec, "site_name", m->site_name)) ||
        (err = set_if(rec, "canonical_url", m->canonical_url)) ||
        (err = set_if(rec, "description", m->description)) ||
        (err = nf_record_set_str(rec, "text", res.text)) ||
        (res.reason && (err = nf_record_set_str(rec, "reason", res.reason))) ||
        (res.truncated && json_object_set_new(rec, "truncated", json_true()))) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
done:
    nf_extract_result_free(&res);
    nf_clean_page_free(&page);
    return err;
}

static const struct nf_prop clean_props[] = {
    {"clean.max_html_bytes", NF_PROP_INT, "8388608", 1024, 1073741824, NULL,
     "pages larger than this (bytes of HTML) go to the DLQ"},
    {"clean.max_nodes", NF_PROP_INT, "2000000", 1000, 100000000, NULL,
     "DOM nodes visited per page at most; the rest of a larger page is ignored"},
    {"clean.lists_dir", NF_PROP_STR, "clean", 0, 0, NULL,
     "directory of the chrome name and phrase lists (class_*.txt, line_*.txt), relative to "
     "data.dir"},
    NF_PROP_END,
};

const struct nf_stage nf_stage_clean = {
    .name = "clean",
    .version = "0.1.0",
    .input = "raw-html",
    .output = "cleaned",
    .required = NULL, /* "html" or "html_base64": checked by nf_clean_page_get */
    .props = clean_props,
    .init = clean_init,
    .transform = clean_transform,
    .destroy = clean_destroy,
};

NF_STAGE_MAIN(nf_stage_clean)
