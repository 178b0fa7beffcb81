/* entities.c - the entities stage: `cleaned` -> `entities`. Adds to each record the named
 * entities of its "text" (PERSON/ORG/LOC/MISC from the name finder, DATE/TIME/MONEY/PERCENT/
 * QUANTITY from PCRE2 patterns) with code-point offsets, and the canonical entities with salience.
 * Helpers: tokenize.c, gazetteer.c, tagger.c + features.c (statistical names, entities.model)
 * or names.c (rule-based names, no model), patterns.c, canon.c.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "gazetteer.h"
#include "names.h"
#include "newsflow/conf.h"
#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/stage.h"
#include "newsflow/util.h"
#include "patterns.h"
#include "spans.h"
#include "tagger.h"
#include "tokenize.h"

struct entities_state {
    struct nf_ent_gaz *gaz;
    struct nf_ent_model *model; /* NULL: the rule-based name finder */
    struct nf_ent_patterns *patterns;
    size_t max_text_bytes;
    size_t max_entities;
    char no_names_langs[256]; /* ",de," - commas around each tag, lower case */
};

static const char *const entities_required[] = {"text", NULL};

static const struct nf_prop entities_props[] = {
    {"entities.gazetteer_dir", NF_PROP_STR, "entities", 0, 0, NULL,
     "directory of the word lists (first_names.txt, locations.txt, ...), relative to data.dir"},
    {"entities.model", NF_PROP_STR, "models/ner-en.bin", 0, 0, NULL,
     "statistical name tagger model (newsflow-train-ner), relative to data.dir; empty: the "
     "rule-based name finder"},
    {"entities.max_text_bytes", NF_PROP_INT, "4194304", 1024, 1073741824, NULL,
     "records whose text is longer than this go to the DLQ"},
    {"entities.max_entities", NF_PROP_INT, "5000", 1, 1000000, NULL,
     "at most this many entity mentions per record (the first ones in the text are kept)"},
    {"entities.match_limit", NF_PROP_INT, "1000000", 1000, 100000000, NULL,
     "PCRE2 match limit per pattern call; a pattern hitting it is skipped for that record"},
    {"entities.no_names_langs", NF_PROP_STR, "de", 0, 0, NULL,
     "comma-separated languages (record \"lang\", BCP 47 primary tag) whose capitals do not "
     "mark names (German capitalises every noun): only pattern entities there"},
    NF_PROP_END,
};

/* "de, NL" -> ",de,nl," (so a tag is found as ",tag,"). */
static int lang_list(const char *v, char *out, size_t size)
{
    size_t n = 0;
    out[n++] = ',';
    for (; v && *v; v++) {
        char c = *v;
        if (c == ' ') {
            continue;
        }
        if (n + 2 >= size) {
            return NF_ERR_LIMIT;
        }
        out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    if (out[n - 1] != ',') {
        out[n++] = ',';
    }
    out[n] = '\0';
    return 0;
}

/* Does the record's language (primary subtag of "lang") have names we cannot see by capitals? */
static int names_unmarked(const struct entities_state *st, const json_t *rec)
{
    const char *lang = nf_record_str(rec, "lang");
    char tag[16];
    size_t n = 0;
    if (!lang) {
        return 0;
    }
    tag[n++] = ',';
    for (; *lang && *lang != '-' && *lang != '_' && n < sizeof(tag) - 2; lang++) {
        tag[n++] = (*lang >= 'A' && *lang <= 'Z') ? (char)(*lang + 32) : *lang;
    }
    tag[n++] = ',';
    tag[n] = '\0';
    return n > 2 && strstr(st->no_names_langs, tag) != NULL;
}

static void entities_destroy(void *statep)
{
    struct entities_state *st = statep;
    if (!st) {
        return;
    }
    nf_ent_gaz_destroy(st->gaz);
    nf_ent_model_destroy(st->model);
    nf_ent_patterns_destroy(st->patterns);
    free(st);
}

static int entities_init(const struct nf_conf *conf, void **statep, char *errstr,
                         size_t errstr_size)
{
    struct entities_state *st = calloc(1, sizeof(*st));
    const char *model;
    char dir[4096];
    int rc;

    *statep = NULL;
    if (!st) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "entities: out of memory");
        goto done;
    }
    st->max_text_bytes = (size_t)nf_conf_get_int(conf, "entities.max_text_bytes");
    st->max_entities = (size_t)nf_conf_get_int(conf, "entities.max_entities");
    if ((rc = lang_list(nf_conf_get_str(conf, "entities.no_names_langs"), st->no_names_langs,
                        sizeof(st->no_names_langs))) != 0) {
        nf_seterr(errstr, errstr_size, rc, "entities.no_names_langs: too long");
        goto done;
    }
    model = nf_conf_get_str(conf, "entities.model");
    if (model && *model) {
        if ((rc = nf_conf_path(conf, "entities.model", dir, sizeof(dir))) != 0) {
            nf_seterr(errstr, errstr_size, rc, "entities.model: %s", nf_strerror(rc));
            goto done;
        }
        if ((rc = nf_ent_model_load(dir, &st->model, errstr, errstr_size)) != 0) {
            goto done;
        }
    }
    if ((rc = nf_conf_path(conf, "entities.gazetteer_dir", dir, sizeof(dir))) != 0) {
        nf_seterr(errstr, errstr_size, rc, "entities.gazetteer_dir: %s", nf_strerror(rc));
        goto done;
    }
    /* a model sees exactly the lists it was trained with (its rule features too) */
    rc = nf_ent_gaz_load_skip(dir, st->model ? NF_GAZ_KNOWN_ALL & ~st->model->gaz_mask : 0,
                              &st->gaz, errstr, errstr_size);
    if (rc != 0) {
        goto done;
    }
    rc = nf_ent_patterns_new((uint32_t)nf_conf_get_int(conf, "entities.match_limit"), &st->patterns,
                             errstr, errstr_size);
    if (rc != 0) {
        goto done;
    }
    *statep = st;
    st = NULL;
done:
    entities_destroy(st);
    return rc;
}

/* Where the first paragraph ends: the first blank line, else the first line break. */
static size_t lead_end(const char *text, size_t len)
{
    const char *p = memmem(text, len, "\n\n", 2);
    if (!p) {
        p = memchr(text, '\n', len);
    }
    return p ? (size_t)(p - text) : len;
}

/* Find all mentions: patterns first, then (if names) names where they do not overlap a pattern. */
static int find_mentions(const struct entities_state *st, const char *text, size_t len, int names,
                         struct nf_ent_spans *out)
{
    struct nf_ent_toks toks = {0};
    struct nf_ent_spans found = {0};
    unsigned limited = 0; /* patterns abandoned at the match limit: the rest still counts */
    int rc;

    if ((rc = nf_ent_patterns_find(st->patterns, text, len, out, &limited)) != 0 || !names) {
        goto done;
    }
    /* a token takes at least one byte, so len bounds the token count */
    if ((rc = nf_ent_tokenize(text, len, len + 1, &toks)) != 0) {
        goto done;
    }
    rc = st->model ? nf_ent_tagger_find(st->model, st->gaz, text, &toks, &found)
                   : nf_ent_names_find(st->gaz, text, &toks, &found);
    if (rc != 0) {
        goto done;
    }
    nf_ent_spans_resolve(&found);
    rc = nf_ent_spans_merge(out, &found);
done:
    nf_ent_toks_free(&toks);
    nf_ent_spans_free(&found);
    return rc;
}

static int entities_transform(const void *statep, json_t *rec, char *errstr, size_t errstr_size)
{
    const struct entities_state *st = statep;
    struct nf_ent_spans ms = {0};
    struct nf_ent_doc doc = {0};
    json_t *jtext = json_object_get(rec, "text"), *arr = NULL, *canon = NULL;
    size_t *cp0 = NULL, i, cur_b = 0, cur_cp = 0;
    int rc;

    if (!json_is_string(jtext)) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "\"text\" is missing or not a string");
        goto done;
    }
    doc.text = json_string_value(jtext);
    doc.len = json_string_length(jtext);
    if (doc.len > st->max_text_bytes) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                       "text of %zu bytes exceeds entities.max_text_bytes (%zu)", doc.len,
                       st->max_text_bytes);
        goto done;
    }
    if (!nf_utf8_valid(doc.text, doc.len) || memchr(doc.text, '\0', doc.len)) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "\"text\" is not valid UTF-8");
        goto done;
    }
    doc.cp_len = nf_utf8_cplen(doc.text, doc.len);
    doc.lead_end = lead_end(doc.text, doc.len);
    doc.title = nf_record_str(rec, "title");

    if ((rc = find_mentions(st, doc.text, doc.len, !names_unmarked(st, rec), &ms)) != 0) {
        nf_seterr(errstr, errstr_size, rc, "entities: %s", nf_strerror(rc));
        goto done;
    }
    if (ms.n > st->max_entities) {
        ms.n = st->max_entities;
    }
    arr = json_array();
    cp0 = malloc((ms.n + 1) * sizeof(*cp0));
    if (!arr || !cp0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "entities: out of memory");
        goto done;
    }
    /* spans are sorted and disjoint: one forward walk converts bytes to code points */
    for (i = 0; i < ms.n; i++) {
        const struct nf_ent_span *m = &ms.v[i];
        size_t start, end;
        json_t *o;
        cur_cp += nf_utf8_cplen(doc.text + cur_b, m->b0 - cur_b);
        cur_b = m->b0;
        start = cur_cp;
        end = start + nf_utf8_cplen(doc.text + m->b0, m->b1 - m->b0);
        cp0[i] = start;
        o = json_pack("{s:s%,s:s,s:I,s:I}", "text", doc.text + m->b0, m->b1 - m->b0, "type",
                      nf_ent_type_name(m->type), "start", (json_int_t)start, "end",
                      (json_int_t)end);
        if (!o || json_array_append_new(arr, o) != 0) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "entities: out of memory");
            goto done;
        }
    }
    if (!(canon = nf_ent_canon_build(&doc, &ms, cp0))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "entities: out of memory");
        goto done;
    }
    /* json_object_set_new steals the references, also on failure */
    rc = json_object_set_new(rec, "entities", arr);
    arr = NULL;
    rc |= json_object_set_new(rec, "entities_canonical", canon);
    canon = NULL;
    if (rc != 0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "entities: out of memory");
    }
done:
    json_decref(arr);
    json_decref(canon);
    free(cp0);
    nf_ent_spans_free(&ms);
    return rc;
}

const struct nf_stage nf_stage_entities = {
    .name = "entities",
    .version = "0.1.0",
    .input = "cleaned",
    .output = "entities",
    .required = entities_required,
    .props = entities_props,
    .init = entities_init,
    .transform = entities_transform,
    .destroy = entities_destroy,
};

NF_STAGE_MAIN(nf_stage_entities)
