/* summarize.c - the summarize stage: topic "entities" -> topic "summaries".
 *
 * Adds to each article an extractive "summary" (N sentences copied from "text", whitespace
 * collapsed, in article order), "keyphrases" ([{text, score}], best first) and, when the record
 * has no title, a "headline". Splitting, ranking and key phrases live in sibling files.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "idf.h"
#include "keyphrase.h"
#include "lexicon.h"
#include "newsflow/err.h"
#include "newsflow/stage.h"
#include "newsflow/util.h"
#include "rank.h"
#include "splitter.h"

#define SUM_MAX_ENTITIES 100000 /* more entity mentions than this are ignored */

struct sum_state {
    struct nf_lex_table stop; /* read-only after init */
    struct nf_idf idf;        /* read-only after init */
    struct nf_rank_params rank;
    struct nf_split_opts split;
    size_t keyphrases;
    size_t headline_words; /* 0 = no headline */
    size_t max_text_bytes;
};

static const char *const summarize_required[] = {"text", NULL};

static const struct nf_prop summarize_props[] = {
    {"summarize.sentences", NF_PROP_INT, "3", 1, 50, NULL, "sentences in the summary"},
    {"summarize.max_text_bytes", NF_PROP_INT, "8388608", 1024, 1073741824, NULL,
     "records whose text is longer than this (bytes) go to the DLQ"},
    {"summarize.max_words", NF_PROP_INT, "0", 0, 100000, NULL,
     "word budget of the summary (0 = none; the best sentence is kept even if longer)"},
    {"summarize.keyphrases", NF_PROP_INT, "10", 0, 10, NULL,
     "key phrases per article (the summaries schema allows at most 10)"},
    {"summarize.stopwords", NF_PROP_STR, "summarize/stopwords.txt", 0, 0, NULL,
     "stopword list, one word a line (relative to data.dir)"},
    {"summarize.mode", NF_PROP_ENUM, "rank", 0, 0, "rank|lead",
     "rank: score and pick sentences; lead: the first N sentences (the Lead-N baseline)"},
    {"summarize.idf", NF_PROP_STR, "summarize/idf.tsv", 0, 0, NULL,
     "document-frequency table (relative to data.dir; see config/summarize/README.md)"},
    {"summarize.graph_weight", NF_PROP_DOUBLE, "0.6", 0, 100, NULL,
     "weight of the TF-IDF similarity-graph centrality"},
    {"summarize.graph_backward", NF_PROP_DOUBLE, "-0.5", -10, 10, NULL,
     "graph centrality counts similarity to earlier sentences this much (later ones count 1)"},
    {"summarize.min_words", NF_PROP_INT, "6", 0, 10000, NULL,
     "shorter sentences are chosen only when nothing else is left"},
    {"summarize.long_words", NF_PROP_INT, "60", 1, 100000, NULL,
     "longer sentences are chosen only when nothing else is left"},
    {"summarize.redundancy", NF_PROP_DOUBLE, "0.6", 0, 1, NULL,
     "skip a sentence sharing more than this share of its content words with a chosen one"},
    {"summarize.position_weight", NF_PROP_DOUBLE, "1.0", 0, 100, NULL,
     "weight of the lead-position prior"},
    {"summarize.position_decay", NF_PROP_DOUBLE, "0.3", 0, 100, NULL,
     "position prior = 1 / (1 + decay * sentences after the plateau)"},
    {"summarize.position_plateau", NF_PROP_INT, "1", 1, 1000, NULL,
     "the first this many sentences get the full position prior; it decays after them"},
    {"summarize.centrality_weight", NF_PROP_DOUBLE, "0.3", 0, 100, NULL,
     "weight of word-frequency centrality"},
    {"summarize.entity_weight", NF_PROP_DOUBLE, "0.2", 0, 100, NULL,
     "weight of entity mentions (capitalised words when the record has no entities)"},
    {"summarize.quote_weight", NF_PROP_DOUBLE, "-0.1", -100, 100, NULL,
     "weight of the share of a sentence inside quotation marks (negative = penalty)"},
    {"summarize.personal_weight", NF_PROP_DOUBLE, "-0.2", -100, 100, NULL,
     "weight of first/second-person speech (I, we, you; negative = penalty)"},
    {"summarize.diversity", NF_PROP_DOUBLE, "0", 0, 100, NULL,
     "MMR: penalty times a candidate's similarity to the closest chosen sentence"},
    {"summarize.max_sentences", NF_PROP_INT, "2000", 1, 10000000, NULL,
     "only the first this many sentences of an article are considered"},
    {"summarize.max_sentence_bytes", NF_PROP_INT, "2000", 16, 1048576, NULL,
     "a sentence without punctuation is cut at this many bytes"},
    {"summarize.headline_words", NF_PROP_INT, "24", 0, 1000, NULL,
     "headline (records without a title) = best sentence cut to this many words; 0 = none"},
    NF_PROP_END,
};

static void summarize_destroy(void *state)
{
    struct sum_state *st = state;
    if (!st) {
        return;
    }
    nf_lex_table_free(&st->stop);
    nf_idf_free(&st->idf);
    free(st);
}

static int summarize_init(const struct nf_conf *conf, void **statep, char *errstr,
                          size_t errstr_size)
{
    char path[4096];
    int err = 0;
    struct sum_state *st = calloc(1, sizeof(*st));
    if (!st) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    err = nf_conf_path(conf, "summarize.stopwords", path, sizeof(path));
    if (err) {
        nf_seterr(errstr, errstr_size, err, "summarize.stopwords: cannot resolve path");
        goto done;
    }
    err = nf_lex_load_stopwords(path, &st->stop, errstr, errstr_size);
    if (err) {
        goto done;
    }
    err = nf_conf_path(conf, "summarize.idf", path, sizeof(path));
    if (err) {
        nf_seterr(errstr, errstr_size, err, "summarize.idf: cannot resolve path");
        goto done;
    }
    err = nf_idf_load(path, &st->idf, errstr, errstr_size);
    if (err) {
        goto done;
    }
    struct nf_rank_params *rp = &st->rank;
    rp->lead = strcmp(nf_conf_get_str(conf, "summarize.mode"), "lead") == 0;
    rp->graph_backward = nf_conf_get_double(conf, "summarize.graph_backward");
    rp->weight[NF_RANK_GRAPH] = nf_conf_get_double(conf, "summarize.graph_weight");
    rp->sentences = (size_t)nf_conf_get_int(conf, "summarize.sentences");
    rp->max_words = (size_t)nf_conf_get_int(conf, "summarize.max_words");
    rp->min_words = (size_t)nf_conf_get_int(conf, "summarize.min_words");
    rp->long_words = (size_t)nf_conf_get_int(conf, "summarize.long_words");
    rp->redundancy = nf_conf_get_double(conf, "summarize.redundancy");
    rp->position_decay = nf_conf_get_double(conf, "summarize.position_decay");
    rp->position_plateau = (size_t)nf_conf_get_int(conf, "summarize.position_plateau");
    rp->weight[NF_RANK_POSITION] = nf_conf_get_double(conf, "summarize.position_weight");
    rp->weight[NF_RANK_CENTRALITY] = nf_conf_get_double(conf, "summarize.centrality_weight");
    rp->weight[NF_RANK_ENTITY] = nf_conf_get_double(conf, "summarize.entity_weight");
    rp->weight[NF_RANK_QUOTE] = nf_conf_get_double(conf, "summarize.quote_weight");
    rp->weight[NF_RANK_PERSONAL] = nf_conf_get_double(conf, "summarize.personal_weight");
    rp->diversity = nf_conf_get_double(conf, "summarize.diversity");
    st->split.max_bytes = (size_t)nf_conf_get_int(conf, "summarize.max_sentence_bytes");
    st->split.max_spans = (size_t)nf_conf_get_int(conf, "summarize.max_sentences");
    st->keyphrases = (size_t)nf_conf_get_int(conf, "summarize.keyphrases");
    st->max_text_bytes = (size_t)nf_conf_get_int(conf, "summarize.max_text_bytes");
    st->headline_words = (size_t)nf_conf_get_int(conf, "summarize.headline_words");
done:
    if (err) {
        summarize_destroy(st);
        st = NULL;
    }
    *statep = st;
    return err;
}

/* A JSON string of text[a, b) with runs of whitespace (nf_split_is_space_cp) collapsed to one
 * ASCII space. Returns a new
 * reference or NULL on allocation failure. */
static json_t *sum_text_json(const char *text, size_t a, size_t b)
{
    struct nf_buf buf = {0};
    struct nf_buf fixed = {0};
    json_t *js = NULL;
    int space = 0;
    if (nf_buf_reserve(&buf, b - a) != 0) {
        goto done;
    }
    for (size_t i = a; i < b;) {
        unsigned char c = (unsigned char)text[i];
        if (c > ' ' && c < 0x80) { /* printable ASCII: never whitespace */
            if (space && buf.len) {
                buf.data[buf.len++] = ' ';
            }
            space = 0;
            buf.data[buf.len++] = (char)c;
            i++;
            continue;
        }
        size_t sp = nf_split_space_len(text + i, b - i);
        if (sp) {
            space = 1;
            i += sp;
            continue;
        }
        if (space && buf.len) {
            buf.data[buf.len++] = ' '; /* never longer than the run it replaces */
        }
        space = 0;
        buf.data[buf.len++] = text[i++];
    }
    buf.data[buf.len] = '\0';
    if (nf_utf8_valid(buf.data, buf.len)) {
        js = json_stringn_nocheck(buf.data, buf.len); /* checked just above */
    } else if (nf_utf8_sanitize(&fixed, buf.data, buf.len) == 0) {
        js = json_stringn_nocheck(fixed.data ? fixed.data : "", fixed.len);
    }
done:
    nf_buf_free(&buf);
    nf_buf_free(&fixed);
    return js;
}

/* Is an entity type one of the numeric ones (OntoNotes DATE, TIME, MONEY, PERCENT, QUANTITY,
 * CARDINAL, ORDINAL)? type may be NULL. */
static int sum_numeric_type(const char *type)
{
    static const char *const numeric[] = {"DATE",     "TIME",     "MONEY",  "PERCENT",
                                          "QUANTITY", "CARDINAL", "ORDINAL"};
    for (size_t i = 0; type && i < sizeof(numeric) / sizeof(numeric[0]); i++) {
        if (strcmp(type, numeric[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Entity mentions of the record, borrowed from rec; *n gets the count. Malformed items are
 * skipped: the summary does not depend on them. */
static struct nf_rank_entity *sum_entities(const json_t *rec, size_t *n, int *err)
{
    *n = 0;
    *err = 0;
    const json_t *arr = json_object_get(rec, "entities");
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        return NULL;
    }
    size_t cap = json_array_size(arr);
    if (cap > SUM_MAX_ENTITIES) {
        cap = SUM_MAX_ENTITIES;
    }
    struct nf_rank_entity *v = malloc(cap * sizeof(*v));
    if (!v) {
        *err = NF_ERR_NOMEM;
        return NULL;
    }
    for (size_t i = 0; i < cap; i++) {
        const json_t *e = json_array_get(arr, i);
        const json_t *t = json_object_get(e, "text");
        const json_t *s = json_object_get(e, "start");
        const json_t *x = json_object_get(e, "end");
        if (sum_numeric_type(json_string_value(json_object_get(e, "type")))) {
            continue; /* dates and amounts say when and how much, not who or what */
        }
        if (!json_is_string(t) || !json_is_integer(s) || !json_is_integer(x) ||
            json_integer_value(s) < 0 || json_integer_value(x) < json_integer_value(s)) {
            continue;
        }
        v[*n] = (struct nf_rank_entity){.start = (size_t)json_integer_value(s),
                                        .end = (size_t)json_integer_value(x),
                                        .text = json_string_value(t),
                                        .len = json_string_length(t)};
        (*n)++;
    }
    return v;
}

static int sum_set(json_t *rec, const char *key, json_t *val)
{
    return (val && json_object_set_new(rec, key, val) == 0) ? 0 : NF_ERR_NOMEM;
}

static int summarize_transform(const void *state, json_t *rec, char *errstr, size_t errstr_size)
{
    const struct sum_state *st = state;
    struct nf_rank_doc doc = {0};
    struct nf_rank_entity *ents = NULL;
    struct nf_keyphrase *kps = NULL;
    size_t *pick = NULL;
    size_t nents = 0;
    int err = 0;
    const json_t *jtext = json_object_get(rec, "text");
    if (!json_is_string(jtext)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "record has no string \"text\"");
        goto done;
    }
    if (json_string_length(jtext) > st->max_text_bytes) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                        "text of %zu bytes exceeds summarize.max_text_bytes (%zu)",
                        json_string_length(jtext), st->max_text_bytes);
        goto done;
    }
    ents = sum_entities(rec, &nents, &err);
    pick = malloc(st->rank.sentences * sizeof(*pick));
    kps = malloc((st->keyphrases ? st->keyphrases : 1) * sizeof(*kps));
    if (err || !pick || !kps) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    const char *text = json_string_value(jtext);
    err = nf_rank_doc_build(&doc, text, json_string_length(jtext), &st->split, &st->stop);
    const json_t *title = json_object_get(rec, "title");
    int untitled = !json_is_string(title) || json_string_length(title) == 0;
    size_t headline = SIZE_MAX;
    if (!err && !untitled) {
        nf_rank_skip_title(&doc, json_string_value(title), json_string_length(title));
    }
    if (!err) {
        err = nf_rank_doc_weigh(&doc, &st->idf);
    }
    if (!err) {
        headline = nf_rank_find_headline(&doc);
        err = nf_rank_score(&doc, &st->rank, ents, nents);
    }
    size_t npick = 0;
    if (!err) {
        err = nf_rank_select(&doc, &st->rank, pick, &npick);
    }
    size_t nkp = 0;
    if (!err) {
        err = nf_keyphrase_extract(&doc, ents, nents, kps, st->keyphrases, &nkp);
    }
    if (err) {
        nf_seterr(errstr, errstr_size, err, "summarize: %s", nf_strerror(err));
        goto done;
    }
    json_t *summary = json_array();
    for (size_t i = 0; summary && i < npick; i++) {
        const struct nf_rank_sent *s = &doc.sent[pick[i]];
        if (json_array_append_new(summary, sum_text_json(text, s->start, s->end)) != 0) {
            json_decref(summary);
            summary = NULL;
        }
    }
    json_t *kpa = json_array();
    for (size_t i = 0; kpa && i < nkp; i++) {
        /* 4 decimals: enough to rank, and stable across platforms */
        json_t *o = json_pack("{s:o, s:f}", "text", sum_text_json(text, kps[i].start, kps[i].end),
                              "score", round(kps[i].score * 10000.0) / 10000.0);
        if (json_array_append_new(kpa, o) != 0) {
            json_decref(kpa);
            kpa = NULL;
        }
    }
    err = sum_set(rec, "summary", summary);
    if (!err) {
        err = sum_set(rec, "keyphrases", kpa);
    } else {
        json_decref(kpa);
    }
    if (!err && untitled && st->headline_words && doc.nsent > 0) {
        /* the text's own headline line if it has one, else the best sentence, shortened */
        const struct nf_rank_sent *s =
            &doc.sent[headline != SIZE_MAX ? headline : nf_rank_best(&doc)];
        size_t end = s->end;
        if (s->ntok > st->headline_words) {
            /* cut after a content word, not on "the" or "of" */
            size_t t = s->tok0 + st->headline_words - 1;
            while (t > s->tok0 && (doc.toks.v[t].flags & NF_LEX_STOP)) {
                t--;
            }
            end = doc.toks.v[t].end;
        }
        err = sum_set(rec, "headline", sum_text_json(text, s->start, end));
    }
    if (err) {
        nf_seterr(errstr, errstr_size, err, "summarize: out of memory building the output");
    }
done:
    nf_rank_doc_free(&doc);
    free(ents);
    free(kps);
    free(pick);
    return err;
}

const struct nf_stage nf_stage_summarize = {
    .name = "summarize",
    .version = "0.1.0",
    .input = "entities",
    .output = "summaries",
    .required = summarize_required,
    .props = summarize_props,
    .init = summarize_init,
    .transform = summarize_transform,
    .destroy = summarize_destroy,
};

NF_STAGE_MAIN(nf_stage_summarize)
