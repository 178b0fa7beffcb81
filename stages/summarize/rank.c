/* rank.c - article model, sentence features and redundancy-aware selection for the summarize
 * stage (see rank.h). Deterministic: term ids are assigned in text order, every sort breaks ties
 * by sentence index, and nothing depends on hash iteration order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"
#include "newsflow/util.h"
#include "rank.h"

static int rank_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a;
    uint32_t y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int nf_rank_doc_build(struct nf_rank_doc *doc, const char *text, size_t len,
                      const struct nf_split_opts *split, const struct nf_lex_table *stop)
{
    struct nf_split_list spans = {0};
    int err = nf_split_text(text, len, split, &spans);
    if (err) {
        goto done;
    }
    doc->text = text;
    doc->len = len;
    doc->truncated = spans.truncated;
    /* an English article has about one distinct word form per 12 bytes; sizing the tables
     * once saves the rehashes (capped: a huge text grows them as needed) */
    size_t used = len; /* at most the bytes the sentence bound lets through */
    if (split && split->max_spans && split->max_bytes &&
        split->max_spans <= SIZE_MAX / split->max_bytes &&
        split->max_spans * split->max_bytes < used) {
        used = split->max_spans * split->max_bytes;
    }
    size_t forms = used / 12 < 65536 ? used / 12 : 65536;
    err = nf_lex_table_reserve(&doc->vocab.forms, forms);
    if (!err) {
        err = nf_lex_table_reserve(&doc->vocab.terms, forms);
    }
    if (err) {
        goto done;
    }
    /* about one word per 5.5 bytes of English */
    size_t ntok = used / 5 + 16 < ((size_t)1 << 20) ? used / 5 + 16 : ((size_t)1 << 20);
    doc->toks.v = malloc(ntok * sizeof(*doc->toks.v));
    if (!doc->toks.v) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    doc->toks.cap = ntok;
    doc->sent = calloc(spans.n ? spans.n : 1, sizeof(*doc->sent));
    if (!doc->sent) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < spans.n; i++) {
        struct nf_rank_sent *s = &doc->sent[i];
        s->start = spans.v[i].start;
        s->end = spans.v[i].end;
        s->para = spans.v[i].para;
        s->tok0 = doc->toks.n;
        err = nf_lex_tokenize(text, s->start, s->end, (uint32_t)i, stop, &doc->vocab, &doc->toks);
        if (err) {
            goto done;
        }
        s->ntok = doc->toks.n - s->tok0;
        doc->nsent = i + 1;
    }
    doc->tf = calloc(doc->vocab.terms.n ? doc->vocab.terms.n : 1, sizeof(*doc->tf));
    doc->sets = malloc((doc->toks.n ? doc->toks.n : 1) * sizeof(*doc->sets));
    if (!doc->tf || !doc->sets) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    size_t nsets = 0;
    for (size_t i = 0; i < doc->nsent; i++) {
        struct nf_rank_sent *s = &doc->sent[i];
        s->set0 = nsets;
        for (size_t t = s->tok0; t < s->tok0 + s->ntok; t++) {
            uint32_t term = doc->toks.v[t].term;
            if (term != NF_LEX_NONE) {
                doc->tf[term]++;
                doc->ncontent++;
                doc->sets[nsets++] = term;
            }
        }
        uint32_t *set = doc->sets + s->set0;
        size_t n = nsets - s->set0;
        if (n > 24) {
            qsort(set, n, sizeof(*set), rank_cmp_u32);
        } else {
            for (size_t a = 1; a < n; a++) { /* insertion sort: sentences are short */
                uint32_t v = set[a];
                size_t b = a;
                for (; b > 0 && set[b - 1] > v; b--) {
                    set[b] = set[b - 1];
                }
                set[b] = v;
            }
        }
        size_t u = 0;
        for (size_t k = 0; k < n; k++) {
            if (u == 0 || set[u - 1] != set[k]) {
                set[u++] = set[k];
            }
        }
        s->nset = u;
        nsets = s->set0 + u;
    }
done:
    nf_split_free(&spans);
    return err;
}

void nf_rank_doc_free(struct nf_rank_doc *doc)
{
    free(doc->sent);
    nf_lex_toks_free(&doc->toks);
    nf_lex_vocab_free(&doc->vocab);
    free(doc->tf);
    free(doc->idf);
    free(doc->sets);
    memset(doc, 0, sizeof(*doc));
}

int nf_rank_doc_weigh(struct nf_rank_doc *doc, const struct nf_idf *idf)
{
    size_t n = doc->vocab.terms.n;
    free(doc->idf);
    doc->idf = malloc((n ? n : 1) * sizeof(*doc->idf));
    if (!doc->idf) {
        return NF_ERR_NOMEM;
    }
    for (uint32_t t = 0; t < n; t++) {
        size_t kn;
        const char *key = nf_lex_table_key(&doc->vocab.terms, t, &kn);
        doc->idf[t] = (float)nf_idf_weight(idf, key, kn);
    }
    return 0;
}

/* ---- features: each fills feat[k] for every sentence, raw; rank_normalise scales to [0, 1] */

struct rank_ctx {
    struct nf_rank_doc *doc;
    const struct nf_rank_params *p;
    const struct nf_rank_entity *ents;
    size_t nents;
};

static int rank_feat_position(struct rank_ctx *c, int k)
{
    for (size_t i = 0; i < c->doc->nsent; i++) {
        double from = (double)i + 1.0 - (double)c->p->position_plateau;
        c->doc->sent[i].feat[k] = 1.0 / (1.0 + c->p->position_decay * (from > 0 ? from : 0.0));
    }
    return 0;
}

/* Sum over the sentence's distinct content words of how often each occurs elsewhere in the
 * article, damped by sentence length so long sentences do not win by size alone. */
static int rank_feat_centrality(struct rank_ctx *c, int k)
{
    struct nf_rank_doc *d = c->doc;
    for (size_t i = 0; i < d->nsent; i++) {
        struct nf_rank_sent *s = &d->sent[i];
        double sum = 0;
        for (size_t j = 0; j < s->nset; j++) {
            uint32_t tf = d->tf[d->sets[s->set0 + j]];
            if (tf > 1) { /* log(1) = 0: most words occur once, skip the call */
                sum += log((double)tf);
            }
        }
        s->feat[k] = s->nset ? sum / sqrt((double)s->nset + 4.0) : 0.0;
    }
    return 0;
}

/* Degree of each sentence in the graph whose edges are the TF-IDF cosine similarities of the
 * sentences' content-word sets (LexRank's centrality without the power iteration: beside a
 * position prior the plain degree ranks as well, and costs one pass).
 *
 * Pairwise, sim(i, j) = sum over shared terms t of w_t^2 / (|i| |j|), with w_t the IDF and |i| the
 * norm of sentence i. Summed over the later sentences j, that is |i|^-1 * sum over t in i of
 * w_t^2 * (sum of 1/|j| over the later sentences holding t): one running sum per term instead of
 * a merge per pair, so the cost is linear in the article. Sentences past RANK_GRAPH_MAX are left
 * out of the graph (score 0): a summary of news comes from the top. */
#define RANK_GRAPH_MAX 500
static int rank_feat_graph(struct rank_ctx *c, int k)
{
    struct nf_rank_doc *d = c->doc;
    size_t n = d->nsent < RANK_GRAPH_MAX ? d->nsent : RANK_GRAPH_MAX;
    size_t nterms = d->vocab.terms.n;
    double *inv = malloc((n ? n : 1) * sizeof(*inv));            /* 1 / |i|, 0 if empty */
    double *total = calloc(nterms ? nterms : 1, sizeof(*total)); /* sum of 1/|j| holding t */
    double *seen = calloc(nterms ? nterms : 1, sizeof(*seen));   /* ... over j before i */
    int err = 0;
    if (!inv || !total || !seen) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < d->nsent; i++) {
        d->sent[i].feat[k] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        const struct nf_rank_sent *s = &d->sent[i];
        double sq = 0;
        for (size_t j = 0; j < s->nset; j++) {
            double w = d->idf ? d->idf[d->sets[s->set0 + j]] : 1.0;
            sq += w * w;
        }
        inv[i] = sq > 0 ? 1.0 / sqrt(sq) : 0.0;
        for (size_t j = 0; j < s->nset; j++) {
            total[d->sets[s->set0 + j]] += inv[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct nf_rank_sent *s = &d->sent[i];
        double fwd = 0;
        double back = 0;
        for (size_t j = 0; j < s->nset; j++) {
            uint32_t t = d->sets[s->set0 + j];
            double w = d->idf ? d->idf[t] : 1.0;
            back += w * w * seen[t];
            fwd += w * w * (total[t] - seen[t] - inv[i]);
            seen[t] += inv[i];
        }
        double v = inv[i] * (fwd + c->p->graph_backward * back);
        d->sent[i].feat[k] = v > 1e-12 ? v : 0.0; /* rounding must not make "no link" positive */
    }
done:
    free(inv);
    free(total);
    free(seen);
    return err;
}

/* With entities: the content words inside entity mentions ("putin" of "Vladimir Putin"), so that
 * a full name and its later short forms count as one; then as rank_feat_capitals with those
 * words in place of the capitalised ones. Word-level matching beat counting whole mention
 * strings on the dev set (names recur in varying forms). */
static int rank_feat_entities(struct rank_ctx *c, int k)
{
    struct nf_rank_doc *d = c->doc;
    size_t *tcp = malloc((d->toks.n ? d->toks.n : 1) * sizeof(*tcp));
    unsigned char *named = calloc(d->vocab.terms.n ? d->vocab.terms.n : 1, 1);
    int err = 0;
    if (!tcp || !named) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    /* code-point offset of every token (entity offsets count code points): one forward walk */
    size_t cp = 0;
    size_t at = 0;
    for (size_t t = 0; t < d->toks.n; t++) {
        const struct nf_lex_tok *tok = &d->toks.v[t];
        cp += nf_utf8_cplen(d->text + at, tok->start - at);
        tcp[t] = cp;
        cp += nf_utf8_cplen(d->text + tok->start, tok->end - tok->start);
        at = tok->end;
    }
    for (size_t e = 0; e < c->nents; e++) {
        size_t lo = 0;
        size_t hi = d->toks.n;
        while (lo < hi) { /* first token starting at or after the mention */
            size_t mid = lo + (hi - lo) / 2;
            if (tcp[mid] < c->ents[e].start) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (size_t t = lo; t < d->toks.n && tcp[t] < c->ents[e].end; t++) {
            if (d->toks.v[t].term != NF_LEX_NONE) {
                named[d->toks.v[t].term] = 1;
            }
        }
    }
    for (size_t i = 0; i < d->nsent; i++) {
        struct nf_rank_sent *s = &d->sent[i];
        double sum = 0;
        for (size_t j = 0; j < s->nset; j++) {
            uint32_t term = d->sets[s->set0 + j];
            if (named[term] && d->tf[term] >= 2) {
                sum += log(1.0 + (double)d->tf[term]);
            }
        }
        s->feat[k] = sum;
    }
done:
    free(tcp);
    free(named);
    return err;
}

/* Without entities: capitalised content words not at a sentence start stand in for names. */
static int rank_feat_capitals(struct rank_ctx *c, int k)
{
    struct nf_rank_doc *d = c->doc;
    uint32_t *capf = calloc(d->vocab.terms.n ? d->vocab.terms.n : 1, sizeof(*capf));
    if (!capf) {
        return NF_ERR_NOMEM;
    }
    for (size_t t = 0; t < d->toks.n; t++) {
        const struct nf_lex_tok *tok = &d->toks.v[t];
        if (tok->term != NF_LEX_NONE && (tok->flags & NF_LEX_CAP) && !(tok->flags & NF_LEX_FIRST)) {
            capf[tok->term]++;
        }
    }
    for (size_t i = 0; i < d->nsent; i++) {
        struct nf_rank_sent *s = &d->sent[i];
        double sum = 0;
        for (size_t j = 0; j < s->nset; j++) {
            uint32_t f = capf[d->sets[s->set0 + j]];
            if (f >= 2) {
                sum += log(1.0 + (double)f);
            }
        }
        s->feat[k] = sum;
    }
    free(capf);
    return 0;
}

static int rank_feat_entity(struct rank_ctx *c, int k)
{
    return c->nents ? rank_feat_entities(c, k) : rank_feat_capitals(c, k);
}

/* Classify a quotation mark at text[p] (len bytes) inside a sentence starting at s: 1 opens a
 * quote, -1 closes one, 0 is not a quotation mark. Straight quotes open after whitespace, an
 * opening bracket or the sentence start, and close otherwise; apostrophes inside words never get
 * here (the tokenizer keeps them in the word). */
static int rank_quote_mark(const char *text, size_t s, size_t p, size_t *len)
{
    const unsigned char *t = (const unsigned char *)text;
    *len = 1;
    if (t[p] == '"' || t[p] == '\'') {
        unsigned char b = p > s ? t[p - 1] : ' ';
        return (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '(' || b == '[') ? 1 : -1;
    }
    if (t[p] == 0xE2 && t[p + 1] == 0x80 && (t[p + 2] == 0x9C || t[p + 2] == 0x98)) {
        *len = 3;
        return 1; /* “ ‘ */
    }
    if (t[p] == 0xE2 && t[p + 1] == 0x80 && (t[p + 2] == 0x9D || t[p + 2] == 0x99)) {
        *len = 3;
        return -1; /* ” ’ */
    }
    return 0;
}

/* Scan text[a, b) for quotation marks: updates *inside; a closing mark seen while outside means
 * the sentence began inside a quote that opened in an earlier sentence. */
static void rank_quote_gap(const char *text, size_t s, size_t a, size_t b, int *inside,
                           int *closed_outside)
{
    for (size_t p = a; p < b;) {
        size_t len;
        int m =
            (b - p >= 3 || (unsigned char)text[p] < 0x80) ? rank_quote_mark(text, s, p, &len) : 0;
        if (m == 0) {
            p++;
            continue;
        }
        if (m > 0) {
            *inside = 1;
        } else if (*inside) {
            *inside = 0;
        } else {
            *closed_outside = 1;
        }
        p += len;
    }
}

/* Share of the sentence's words inside quotation marks. Quoted speech is colour, rarely the news
 * itself, so this feature normally carries a negative weight. */
static int rank_feat_quote(struct rank_ctx *c, int k)
{
    struct nf_rank_doc *d = c->doc;
    for (size_t i = 0; i < d->nsent; i++) {
        struct nf_rank_sent *s = &d->sent[i];
        int inside = 0;
        size_t quoted = 0;
        size_t prev = s->start;
        for (size_t t = s->tok0; t < s->tok0 + s->ntok; t++) {
            int closed_outside = 0;
            rank_quote_gap(d->text, s->start, prev, d->toks.v[t].start, &inside, &closed_outside);
            if (closed_outside) {
                quoted = t - s->tok0; /* everything so far was the tail of a quote */
            }
            quoted += inside ? 1 : 0;
            prev = d->toks.v[t].end;
        }
        int closed_outside = 0;
        rank_quote_gap(d->text, s->start, prev, s->end, &inside, &closed_outside);
        if (closed_outside) {
            quoted = s->ntok;
        }
        s->feat[k] = s->ntok ? (double)quoted / (double)s->ntok : 0.0;
    }
    return 0;
}

/* 1 when the sentence speaks in the first or second person: that is quoted speech or address to
 * the reader (even when the quotation marks were lost), rarely the news itself. */
static int rank_feat_personal(struct rank_ctx *c, int k)
{
    struct nf_rank_doc *d = c->doc;
    for (size_t i = 0; i < d->nsent; i++) {
        struct nf_rank_sent *s = &d->sent[i];
        s->feat[k] = 0;
        for (size_t t = s->tok0; t < s->tok0 + s->ntok; t++) {
            if (d->toks.v[t].flags & NF_LEX_PERSON) {
                s->feat[k] = 1;
                break;
            }
        }
    }
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(struct rank_ctx *c, int k);
    int normalise; /* scale to max 1 over the article */
} rank_features[NF_RANK_NFEAT] = {
    [NF_RANK_POSITION] = {"position", rank_feat_position, 1},
    [NF_RANK_CENTRALITY] = {"centrality", rank_feat_centrality, 1},
    [NF_RANK_ENTITY] = {"entity", rank_feat_entity, 1},
    [NF_RANK_QUOTE] = {"quote", rank_feat_quote, 0},
    [NF_RANK_GRAPH] = {"graph", rank_feat_graph, 1},
    [NF_RANK_PERSONAL] = {"personal", rank_feat_personal, 0},
};

static void rank_normalise(struct nf_rank_doc *d, int k)
{
    double max = 0;
    for (size_t i = 0; i < d->nsent; i++) {
        if (d->sent[i].feat[k] > max) {
            max = d->sent[i].feat[k];
        }
    }
    for (size_t i = 0; i < d->nsent; i++) {
        d->sent[i].feat[k] = max > 0 ? d->sent[i].feat[k] / max : 0.0;
    }
}

int nf_rank_score(struct nf_rank_doc *doc, const struct nf_rank_params *p,
                  const struct nf_rank_entity *ents, size_t nents)
{
    struct rank_ctx c = {.doc = doc, .p = p, .ents = ents, .nents = nents};
    for (int k = 0; k < NF_RANK_NFEAT; k++) {
        if (p->weight[k] == 0) {
            for (size_t i = 0; i < doc->nsent; i++) {
                doc->sent[i].feat[k] = 0;
            }
            continue;
        }
        int err = rank_features[k].fn(&c, k);
        if (err) {
            return err;
        }
        if (rank_features[k].normalise) {
            rank_normalise(doc, k);
        }
    }
    for (size_t i = 0; i < doc->nsent; i++) {
        double s = 0;
        for (int k = 0; k < NF_RANK_NFEAT; k++) {
            s += p->weight[k] * doc->sent[i].feat[k];
        }
        doc->sent[i].score = s;
    }
    return 0;
}

/* ---- selection */

struct rank_order {
    double score;
    size_t idx;
};

static int rank_cmp_order(const void *a, const void *b)
{
    const struct rank_order *x = a;
    const struct rank_order *y = b;
    if (x->score != y->score) {
        return x->score < y->score ? 1 : -1;
    }
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int rank_cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a;
    size_t y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Similarity of two sentences' content-term sets (sorted), in [0, 1]. Two sentences without
 * content words are compared by their bytes. */
static double rank_similarity(const struct nf_rank_doc *d, size_t a, size_t b)
{
    const struct nf_rank_sent *x = &d->sent[a];
    const struct nf_rank_sent *y = &d->sent[b];
    if (x->nset == 0 || y->nset == 0) {
        size_t n = x->end - x->start;
        return (x->nset == y->nset && n == y->end - y->start &&
                memcmp(d->text + x->start, d->text + y->start, n) == 0)
                   ? 1.0
                   : 0.0;
    }
    const uint32_t *p = d->sets + x->set0;
    const uint32_t *q = d->sets + y->set0;
    size_t i = 0;
    size_t j = 0;
    size_t inter = 0;
    while (i < x->nset && j < y->nset) {
        if (p[i] == q[j]) {
            inter++;
            i++;
            j++;
        } else if (p[i] < q[j]) {
            i++;
        } else {
            j++;
        }
    }
    /* overlap coefficient: a short sentence (a caption) that repeats most of a longer one is
     * redundant even though their Jaccard similarity is low */
    return (double)inter / (double)(x->nset < y->nset ? x->nset : y->nset);
}

size_t nf_rank_best(const struct nf_rank_doc *doc)
{
    size_t best = 0;
    for (size_t i = 1; i < doc->nsent; i++) {
        if (doc->sent[i].score > doc->sent[best].score) {
            best = i;
        }
    }
    return best;
}

void nf_rank_skip_title(struct nf_rank_doc *doc, const char *title, size_t len)
{
    uint32_t terms[64];
    size_t nt = 0;
    size_t nwords = 0;
    struct nf_lex_toks toks = {0};
    struct nf_lex_vocab scratch = {0};
    const struct nf_lex_table nostop = {0};
    /* tokenize the title on its own, then map its word forms to the article's terms without
     * adding to the article's vocabulary (a form the article lacks is a miss) */
    if (nf_lex_tokenize(title, 0, len, 0, &nostop, &scratch, &toks) != 0) {
        goto done;
    }
    for (size_t t = 0; t < toks.n && nt < 64; t++) {
        uint32_t form = nf_lex_table_find(&doc->vocab.forms, title + toks.v[t].start,
                                          toks.v[t].end - toks.v[t].start);
        uint32_t term = form == NF_LEX_NONE ? NF_LEX_NONE : doc->vocab.form_term[form];
        if (form != NF_LEX_NONE && (doc->vocab.form_flags[form] & NF_LEX_STOP)) {
            continue;
        }
        nwords++;
        int seen = 0;
        for (size_t k = 0; k < nt && !seen; k++) {
            seen = terms[k] == term;
        }
        if (term != NF_LEX_NONE && !seen) {
            terms[nt++] = term;
        }
    }
    if (nt == 0) {
        goto done;
    }
    for (size_t i = 0; i < doc->nsent; i++) {
        struct nf_rank_sent *s = &doc->sent[i];
        size_t inter = 0;
        for (size_t j = 0; j < s->nset; j++) {
            for (size_t k = 0; k < nt; k++) {
                inter += doc->sets[s->set0 + j] == terms[k];
            }
        }
        size_t big = s->nset > nwords ? s->nset : nwords;
        if (inter * 5 >= big * 4) {
            s->flags |= NF_RANK_SKIP;
        }
    }
done:
    nf_lex_toks_free(&toks);
    nf_lex_vocab_free(&scratch);
}

size_t nf_rank_find_headline(struct nf_rank_doc *doc)
{
    if (doc->nsent < 2 || doc->sent[1].para == 0 || doc->sent[0].ntok > 30) {
        return SIZE_MAX;
    }
    struct nf_rank_sent *s = &doc->sent[0];
    /* punctuated (. ! ? : ; quotes, brackets, and the last bytes of ” ’ … 。) = a real sentence */
    static const unsigned char ends[] = {'.',  '!', '?',  ':',  ';',  '"',
                                         '\'', ')', 0x9D, 0x99, 0xA6, 0x82};
    unsigned char last = (unsigned char)doc->text[s->end - 1];
    for (size_t k = 0; k < sizeof(ends); k++) {
        if (last == ends[k]) {
            return SIZE_MAX;
        }
    }
    s->flags |= NF_RANK_SKIP;
    return 0;
}

int nf_rank_select(const struct nf_rank_doc *doc, const struct nf_rank_params *p, size_t *out,
                   size_t *nout)
{
    *nout = 0;
    if (doc->nsent == 0 || p->sentences == 0) {
        return 0;
    }
    if (p->lead) {
        /* Lead-N: the first sentences in article order, the title and headline line excepted */
        for (size_t i = 0; i < doc->nsent && *nout < p->sentences; i++) {
            if (!(doc->sent[i].flags & NF_RANK_SKIP)) {
                out[(*nout)++] = i;
            }
        }
        if (*nout == 0) {
            out[(*nout)++] = 0;
        }
        return 0;
    }
    struct rank_order *ord = malloc(doc->nsent * sizeof(*ord));
    if (!ord) {
        return NF_ERR_NOMEM;
    }
    for (size_t i = 0; i < doc->nsent; i++) {
        ord[i].score = doc->sent[i].score;
        ord[i].idx = i;
    }
    qsort(ord, doc->nsent, sizeof(*ord), rank_cmp_order);
    unsigned char *dead = calloc(doc->nsent, 1); /* chosen, redundant or over the budget */
    if (!dead) {
        free(ord);
        return NF_ERR_NOMEM;
    }
    size_t n = 0;
    size_t words = 0;
    /* pass 0: sentences of a sensible length; pass 1: anything, so short articles still get a
     * summary. Each step takes the best score minus the diversity penalty (MMR), skipping
     * redundant and over-budget sentences; the penalty only lowers a score, so the scan in score
     * order stops as soon as no later sentence can win. */
    for (int pass = 0; pass < 2; pass++) {
        while (n < p->sentences) {
            size_t best = SIZE_MAX;
            double best_eff = 0;
            for (size_t r = 0; r < doc->nsent; r++) {
                size_t i = ord[r].idx;
                const struct nf_rank_sent *s = &doc->sent[i];
                if (dead[i] || (s->flags & NF_RANK_SKIP)) {
                    continue;
                }
                if (best != SIZE_MAX && ord[r].score <= best_eff) {
                    break;
                }
                int sized = s->ntok >= p->min_words && s->ntok <= p->long_words;
                if ((pass == 0 && !sized) || (pass == 1 && sized)) {
                    continue;
                }
                if (p->max_words && words + s->ntok > p->max_words) {
                    dead[i] = 1; /* the budget only shrinks */
                    continue;
                }
                double maxsim = 0;
                for (size_t c = 0; c < n; c++) {
                    double sim = rank_similarity(doc, i, out[c]);
                    maxsim = sim > maxsim ? sim : maxsim;
                }
                if (maxsim > p->redundancy) {
                    dead[i] = 1;
                    continue;
                }
                double eff = ord[r].score - p->diversity * maxsim;
                if (best == SIZE_MAX || eff > best_eff) {
                    best = i;
                    best_eff = eff;
                }
            }
            if (best == SIZE_MAX) {
                break;
            }
            dead[best] = 1;
            out[n++] = best;
            words += doc->sent[best].ntok;
        }
    }
    free(dead);
    if (n == 0) {
        out[n++] = ord[0].idx; /* nothing fits the word budget: the best sentence alone */
    }
    free(ord);
    qsort(out, n, sizeof(*out), rank_cmp_size);
    *nout = n;
    return 0;
}
