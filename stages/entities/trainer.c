/* trainer.c - averaged-perceptron training of the entities stage's tagger (see trainer.h):
 * reads annotated JSONL, aligns the entity offsets to the stage's tokens as BILOU tags, runs
 * greedy decoding with the current weights (as at run time, so the previous-tag and history
 * features see the tagger's own mistakes), updates on each wrong tag, and after every epoch
 * scores the averaged, int16-quantised model on the dev file to keep the best epoch.
 */
#include "trainer.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"
#include "newsflow/util.h"

#define MAX_DOC_BYTES ((size_t)4 << 20)

struct tdoc {
    char *text;
    size_t len;
    struct nf_ent_toks toks;
    unsigned char *gold;       /* gold tag per token */
    struct nf_ent_spans spans; /* gold name spans (bytes), sorted */
};

struct tset {
    struct tdoc *v;
    size_t n, cap;
};

static void tdoc_free(struct tdoc *d)
{
    free(d->text);
    nf_ent_toks_free(&d->toks);
    free(d->gold);
    nf_ent_spans_free(&d->spans);
}

static void tset_free(struct tset *s)
{
    size_t i;
    for (i = 0; i < s->n; i++) {
        tdoc_free(&s->v[i]);
    }
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static int type_of(const char *t)
{
    static const struct {
        const char *name;
        int type;
    } map[] = {{"PER", NF_ENT_PERSON},  {"PERSON", NF_ENT_PERSON}, {"ORG", NF_ENT_ORG},
               {"ORGANIZATION", NF_ENT_ORG}, {"ORGANISATION", NF_ENT_ORG}, {"LOC", NF_ENT_LOC},
               {"LOCATION", NF_ENT_LOC}, {"GPE", NF_ENT_LOC},       {"MISC", NF_ENT_MISC}};
    size_t i;
    for (i = 0; t && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(t, map[i].name) == 0) {
            return map[i].type;
        }
    }
    return NF_ENT_NONE;
}

/* Tag the tokens starting inside each gold span with BILOU tags. */
static void gold_tags(struct tdoc *d)
{
    size_t e, i = 0, first, last;
    for (e = 0; e < d->spans.n; e++) {
        const struct nf_ent_span *s = &d->spans.v[e];
        while (i < d->toks.n && d->toks.v[i].b0 < s->b0) {
            i++;
        }
        first = i;
        while (i < d->toks.n && d->toks.v[i].b0 < s->b1) {
            i++;
        }
        if (i == first) {
            continue; /* no token starts inside: the span cannot be learnt */
        }
        last = i - 1;
        if (first == last) {
            d->gold[first] = NF_TAG(s->type, NF_TAG_U);
            continue;
        }
        d->gold[first] = NF_TAG(s->type, NF_TAG_B);
        for (size_t k = first + 1; k < last; k++) {
            d->gold[k] = NF_TAG(s->type, NF_TAG_I);
        }
        d->gold[last] = NF_TAG(s->type, NF_TAG_L);
    }
}

/* Parse one JSONL record into d. */
static int parse_doc(const char *line, size_t n, const char *path, size_t ln, struct tdoc *d,
                     char *errstr, size_t errstr_size)
{
    json_error_t jerr;
    json_t *rec = json_loadb(line, n, 0, &jerr), *ents, *e;
    size_t *cp2b = NULL, ncp, i, b, adv;
    int rc = NF_ERR_INVALID;

    memset(d, 0, sizeof(*d));
    if (!rec) {
        nf_seterr(errstr, errstr_size, rc, "%s:%zu: bad JSON: %s", path, ln, jerr.text);
        goto done;
    }
    if (!json_is_string(json_object_get(rec, "text"))) {
        nf_seterr(errstr, errstr_size, rc, "%s:%zu: no \"text\" string", path, ln);
        goto done;
    }
    d->len = json_string_length(json_object_get(rec, "text"));
    if (d->len > MAX_DOC_BYTES) {
        nf_seterr(errstr, errstr_size, rc, "%s:%zu: text longer than %zu bytes", path, ln,
                  MAX_DOC_BYTES);
        goto done;
    }
    if (!(d->text = malloc(d->len + 1))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    memcpy(d->text, json_string_value(json_object_get(rec, "text")), d->len + 1);
    if (!nf_utf8_valid(d->text, d->len) || memchr(d->text, '\0', d->len)) {
        nf_seterr(errstr, errstr_size, rc, "%s:%zu: text is not valid UTF-8", path, ln);
        goto done;
    }
    /* code point -> byte offsets */
    ncp = nf_utf8_cplen(d->text, d->len);
    if (!(cp2b = malloc((ncp + 1) * sizeof(*cp2b)))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (i = 0, b = 0; i < ncp; i++, b += adv) {
        cp2b[i] = b;
        nf_utf8_decode(d->text + b, d->len - b, &adv);
    }
    cp2b[ncp] = d->len;
    ents = json_object_get(rec, "entities");
    json_array_foreach(ents, i, e)
    {
        json_t *js = json_object_get(e, "start"), *je = json_object_get(e, "end");
        int type = type_of(json_string_value(json_object_get(e, "type")));
        json_int_t s, en;
        if (!json_is_integer(js) || !json_is_integer(je)) {
            nf_seterr(errstr, errstr_size, rc, "%s:%zu: entity %zu without integer start/end",
                      path, ln, i);
            goto done;
        }
        s = json_integer_value(js);
        en = json_integer_value(je);
        if (s < 0 || en <= s || (size_t)en > ncp) {
            nf_seterr(errstr, errstr_size, rc, "%s:%zu: entity %zu offsets %lld..%lld outside "
                      "the text", path, ln, i, (long long)s, (long long)en);
            goto done;
        }
        if (type != NF_ENT_NONE &&
            nf_ent_spans_push(&d->spans, cp2b[s], cp2b[en], type) != 0) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    nf_ent_spans_resolve(&d->spans);
    if ((rc = nf_ent_tokenize(d->text, d->len, d->len + 1, &d->toks)) != 0) {
        nf_seterr(errstr, errstr_size, rc, "%s:%zu: tokenizer: %s", path, ln, nf_strerror(rc));
        goto done;
    }
    if (!(d->gold = calloc(d->toks.n + 1, 1))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    gold_tags(d);
    rc = 0;
done:
    json_decref(rec);
    free(cp2b);
    return rc;
}

static int load_set(const char *path, struct tset *s, char *errstr, size_t errstr_size)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, ln = 0;
    ssize_t n;
    int rc = 0;

    if (!f) {
        return nf_seterr(errstr, errstr_size, NF_ERR_IO, "cannot open %s", path);
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        ln++;
        if (n <= 1 && (line[0] == '\n' || line[0] == '\r')) {
            continue;
        }
        if (s->n == s->cap) {
            size_t nc = s->cap ? s->cap * 2 : 256;
            struct tdoc *v = realloc(s->v, nc * sizeof(*v));
            if (!v) {
                rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
                goto done;
            }
            s->v = v;
            s->cap = nc;
        }
        if ((rc = parse_doc(line, (size_t)n, path, ln, &s->v[s->n], errstr, errstr_size)) != 0) {
            tdoc_free(&s->v[s->n]); /* the half-parsed record */
            goto done;
        }
        s->n++;
    }
    if (s->n == 0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "%s: no records", path);
    }
done:
    free(line);
    fclose(f);
    return rc;
}

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: small, deterministic on every platform */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* Averaged weights (w - u / c), quantised to int16 into m. */
static void average_into(const int32_t *w, const int64_t *u, uint64_t c, size_t nw,
                         struct nf_ent_model *m)
{
    double maxabs = 0.0, scale, v;
    size_t i;
    for (i = 0; i < nw; i++) {
        v = fabs((double)w[i] - (double)u[i] / (double)c);
        maxabs = v > maxabs ? v : maxabs;
    }
    scale = maxabs > 0.0 ? 32000.0 / maxabs : 1.0;
    for (i = 0; i < nw; i++) {
        v = ((double)w[i] - (double)u[i] / (double)c) * scale;
        m->w[i] = (int16_t)lrint(v);
    }
    m->scale = (float)scale;
}

/* Exact typed span match of the model on a document set. */
static int evaluate(const struct nf_ent_model *m, const struct nf_ent_gaz *gaz,
                    const struct tset *s, double *p, double *r, double *f1)
{
    size_t tp = 0, np = 0, ng = 0, i, a, b;
    for (i = 0; i < s->n; i++) {
        struct nf_ent_spans pred = {0};
        const struct nf_ent_spans *g = &s->v[i].spans;
        if (nf_ent_tagger_find(m, gaz, s->v[i].text, &s->v[i].toks, &pred) != 0) {
            nf_ent_spans_free(&pred);
            return NF_ERR_NOMEM;
        }
        np += pred.n;
        ng += g->n;
        for (a = 0, b = 0; a < pred.n && b < g->n;) {
            if (pred.v[a].b0 < g->v[b].b0) {
                a++;
            } else if (pred.v[a].b0 > g->v[b].b0) {
                b++;
            } else {
                tp += pred.v[a].b1 == g->v[b].b1 && pred.v[a].type == g->v[b].type;
                a++;
                b++;
            }
        }
        nf_ent_spans_free(&pred);
    }
    *p = np ? (double)tp / (double)np : 0.0;
    *r = ng ? (double)tp / (double)ng : 0.0;
    *f1 = *p + *r > 0.0 ? 2.0 * *p * *r / (*p + *r) : 0.0;
    return 0;
}

/* One epoch over train in the given order: decode with w, update on each wrong tag. */
static uint64_t rng_next(uint64_t *s);

static int train_epoch(const struct nf_ent_train_opts *o, const struct tset *train,
                       const size_t *order, int32_t *w, int64_t *u, uint64_t *c, size_t *errors,
                       uint64_t *rng)
{
    uint64_t feats[NF_FEAT_MAX];
    unsigned shift = 64 - o->bits;
    size_t di, i, k, nf;
    for (di = 0; di < train->n; di++) {
        const struct tdoc *td = &train->v[order[di]];
        struct nf_ent_fdoc d;
        if (nf_ent_fdoc_init(&d, o->gaz, o->gaz_mask, td->text, &td->toks) != 0) {
            return NF_ERR_NOMEM;
        }
        for (i = 0; i < d.n; i++) {
            int32_t sc[NF_TAG_N] = {0};
            int prev = d.ti[i].line0 ? NF_TAG_START : d.tags[i - 1], t, pred, gold = td->gold[i];
            if (d.ti[i].no_ent) {
                nf_ent_fdoc_commit(&d, i, NF_TAG_O); /* as at run time; nothing to learn */
                continue;
            }
            d.drop_word = o->word_dropout && (d.t[i].flags & (NF_TOKF_CAP | NF_TOKF_ALLCAPS)) &&
                          rng_next(rng) % 1000 < o->word_dropout;
            nf = nf_ent_feats(&d, i, feats);
            d.drop_word = 0;
            for (k = 0; k < nf; k++) {
                const int32_t *row = w + (size_t)(feats[k] >> shift) * NF_TAG_N;
                for (t = 0; t < NF_TAG_N; t++) {
                    sc[t] += row[t];
                }
            }
            pred = nf_ent_tagger_best(sc, prev);
            if (pred != gold) {
                (*errors)++;
                for (k = 0; k < nf; k++) {
                    size_t r = (size_t)(feats[k] >> shift) * NF_TAG_N;
                    w[r + gold]++;
                    u[r + gold] += (int64_t)*c;
                    w[r + pred]--;
                    u[r + pred] -= (int64_t)*c;
                }
            }
            (*c)++;
            nf_ent_fdoc_commit(&d, i, pred);
        }
        nf_ent_fdoc_free(&d);
    }
    return 0;
}

/* One training run with one seed over the loaded sets: the best epoch's model in *out (with its
 * dense table), its figures in res. */
static int train_run(const struct nf_ent_train_opts *o, uint64_t seed, unsigned run,
                     const struct tset *train, const struct tset *dev,
                     struct nf_ent_model **out, struct nf_ent_train_result *res, char *errstr,
                     size_t errstr_size)
{
    struct nf_ent_model *best = NULL, *cur = NULL, *tmp;
    int32_t *w = NULL;
    int64_t *u = NULL;
    size_t *order = NULL, nw, i, j, errors;
    uint64_t c = 1, rng = seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL;
    unsigned epoch;
    char line[256];
    int rc = 0;

    *out = NULL;
    nw = (size_t)NF_TAG_N << o->bits;
    w = calloc(nw, sizeof(*w));
    u = calloc(nw, sizeof(*u));
    order = malloc(train->n * sizeof(*order));
    best = nf_ent_model_new(o->bits, o->gaz_mask);
    cur = nf_ent_model_new(o->bits, o->gaz_mask);
    if (!w || !u || !order || !best || !cur) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory (2^%u rows)", o->bits);
        goto done;
    }
    for (i = 0; i < train->n; i++) {
        order[i] = i;
    }
    rng = rng ? rng : 1;
    res->dev_f1 = -1.0;
    for (epoch = 1; epoch <= o->epochs; epoch++) {
        double p = 0.0, r = 0.0, f1 = 0.0;
        for (i = train->n; i > 1; i--) {
            size_t tmpi;
            j = (size_t)(rng_next(&rng) % i);
            tmpi = order[i - 1];
            order[i - 1] = order[j];
            order[j] = tmpi;
        }
        errors = 0;
        if ((rc = train_epoch(o, train, order, w, u, &c, &errors, &rng)) != 0) {
            nf_seterr(errstr, errstr_size, rc, "out of memory");
            goto done;
        }
        average_into(w, u, c, nw, cur);
        if (nf_ent_model_compact(cur) != 0) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
            goto done;
        }
        if (o->dev_path && (rc = evaluate(cur, o->gaz, dev, &p, &r, &f1)) != 0) {
            nf_seterr(errstr, errstr_size, rc, "out of memory");
            goto done;
        }
        if (o->progress) {
            snprintf(line, sizeof(line),
                     "run %u epoch %u: %zu wrong tags of %zu tokens; dev P %.4f R %.4f F1 %.4f",
                     run, epoch, errors, res->train_tokens, p, r, f1);
            o->progress(o->progress_ctx, line);
        }
        if (!o->dev_path || f1 > res->dev_f1) {
            tmp = best;
            best = cur;
            cur = tmp;
            res->best_epoch = epoch;
            res->dev_f1 = f1;
            res->dev_p = p;
            res->dev_r = r;
        } else if (epoch - res->best_epoch >= o->patience) {
            break;
        }
    }
    *out = best;
    best = NULL;
done:
    free(w);
    free(u);
    free(order);
    nf_ent_model_destroy(best);
    nf_ent_model_destroy(cur);
    return rc;
}

int nf_ent_train(const struct nf_ent_train_opts *o, struct nf_ent_model **out,
                 struct nf_ent_train_result *res, char *errstr, size_t errstr_size)
{
    struct tset train = {0}, dev = {0};
    struct nf_ent_model *m = NULL, *avg = NULL;
    float *sum = NULL;
    size_t i, nw;
    unsigned k, runs = o->ensemble ? o->ensemble : 1;
    char line[256];
    int rc;

    *out = NULL;
    memset(res, 0, sizeof(*res));
    if (o->bits < NF_MODEL_BITS_MIN || o->bits > NF_MODEL_BITS_MAX || o->epochs == 0 ||
        runs > 16) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                       "bits must be %u..%u, epochs >= 1, ensemble <= 16", NF_MODEL_BITS_MIN,
                       NF_MODEL_BITS_MAX);
        goto done;
    }
    if ((rc = load_set(o->train_path, &train, errstr, errstr_size)) != 0 ||
        (o->dev_path && (rc = load_set(o->dev_path, &dev, errstr, errstr_size)) != 0)) {
        goto done;
    }
    res->train_docs = train.n;
    for (i = 0; i < train.n; i++) {
        res->train_tokens += train.v[i].toks.n;
        res->train_entities += train.v[i].spans.n;
    }
    if (runs == 1) {
        rc = train_run(o, o->seed, 1, &train, &dev, out, res, errstr, errstr_size);
        goto done;
    }
    /* an ensemble: the average of the runs' (descaled) weights, seeds seed .. seed+runs-1 */
    nw = (size_t)NF_TAG_N << o->bits;
    avg = nf_ent_model_new(o->bits, o->gaz_mask);
    if (!avg || !(sum = calloc(nw, sizeof(*sum)))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory (2^%u rows)", o->bits);
        goto done;
    }
    for (k = 0; k < runs; k++) {
        if ((rc = train_run(o, o->seed + k, k + 1, &train, &dev, &m, res, errstr,
                            errstr_size)) != 0) {
            goto done;
        }
        for (i = 0; i < nw; i++) {
            sum[i] += (float)m->w[i] / m->scale;
        }
        nf_ent_model_destroy(m);
        m = NULL;
    }
    {
        float maxabs = 0.0f, scale;
        for (i = 0; i < nw; i++) {
            maxabs = fabsf(sum[i]) > maxabs ? fabsf(sum[i]) : maxabs;
        }
        scale = maxabs > 0.0f ? 32000.0f / maxabs : 1.0f;
        for (i = 0; i < nw; i++) {
            avg->w[i] = (int16_t)lrintf(sum[i] * scale);
        }
        avg->scale = scale * (float)runs;
    }
    if (nf_ent_model_compact(avg) != 0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (o->dev_path &&
        (rc = evaluate(avg, o->gaz, &dev, &res->dev_p, &res->dev_r, &res->dev_f1)) != 0) {
        nf_seterr(errstr, errstr_size, rc, "out of memory");
        goto done;
    }
    if (o->progress) {
        snprintf(line, sizeof(line), "ensemble of %u runs: dev P %.4f R %.4f F1 %.4f", runs,
                 res->dev_p, res->dev_r, res->dev_f1);
        o->progress(o->progress_ctx, line);
    }
    *out = avg;
    avg = NULL;
done:
    tset_free(&train);
    tset_free(&dev);
    free(sum);
    nf_ent_model_destroy(m);
    nf_ent_model_destroy(avg);
    return rc;
}
