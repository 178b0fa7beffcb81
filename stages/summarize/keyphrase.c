/* keyphrase.c - key phrase extraction for the summarize stage (see keyphrase.h).
 *
 * Candidates are the n-grams (n <= KP_MAX_WORDS) of runs of content words inside a sentence with
 * nothing but whitespace between them, so a phrase never spans a stopword, a number or
 * punctuation. Identical term sequences are one candidate, counted over the article.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keyphrase.h"
#include "newsflow/err.h"

#define KP_MAX_WORDS 4

struct kp_cand {
    size_t tok;         /* first token of the occurrence shown (the first not in all capitals) */
    size_t ntok;        /* words */
    uint32_t count;     /* occurrences */
    uint32_t as_prefix; /* occurrences as the prefix of a longer recurring candidate */
    uint32_t as_suffix; /* ... as its suffix */
    double score;
};

static int kp_cmp(const void *a, const void *b)
{
    const struct kp_cand *x = a;
    const struct kp_cand *y = b;
    if (x->score != y->score) {
        return x->score < y->score ? 1 : -1;
    }
    if (x->tok != y->tok) {
        return (x->tok > y->tok) - (x->tok < y->tok);
    }
    return (x->ntok > y->ntok) - (x->ntok < y->ntok);
}

/* Does phrase a (term sequence) occur contiguously inside phrase b? */
static int kp_contains(const struct nf_rank_doc *d, const struct kp_cand *b,
                       const struct kp_cand *a)
{
    if (a->ntok > b->ntok) {
        return 0;
    }
    for (size_t off = 0; off + a->ntok <= b->ntok; off++) {
        size_t k = 0;
        while (k < a->ntok && d->toks.v[b->tok + off + k].term == d->toks.v[a->tok + k].term) {
            k++;
        }
        if (k == a->ntok) {
            return 1;
        }
    }
    return 0;
}

/* Greedy pick from cands[from, to) (sorted best first) into chosen (n already there, room for
 * max): skip a phrase that contains or is contained in a chosen one ("kim" after "kim jong-un",
 * "north korean troops" after "north korean"). Returns the new count. */
static size_t kp_choose(const struct nf_rank_doc *d, const struct kp_cand *cands, size_t from,
                        size_t to, size_t *chosen, size_t n, size_t max)
{
    for (size_t c = from; c < to && n < max; c++) {
        if (cands[c].score <= 0) {
            break; /* sorted: the rest have no own occurrences either */
        }
        int overlap = 0;
        for (size_t j = 0; j < n && !overlap; j++) {
            overlap = kp_contains(d, &cands[chosen[j]], &cands[c]) ||
                      kp_contains(d, &cands[c], &cands[chosen[j]]);
        }
        if (!overlap) {
            chosen[n++] = c;
        }
    }
    return n;
}

/* Lower-cased, whitespace-collapsed key of text[a, b) into out; returns its length (0 = none). */
static size_t kp_text_key(const char *text, size_t a, size_t b, char *out, size_t out_size)
{
    char tmp[256];
    size_t n = 0;
    int space = 0;
    for (size_t i = a; i < b && n + 1 < sizeof(tmp);) {
        size_t sp = nf_split_space_len(text + i, b - i);
        if (sp) {
            space = 1;
            i += sp;
            continue;
        }
        if (space && n) {
            tmp[n++] = ' ';
        }
        space = 0;
        if (n + 1 < sizeof(tmp)) {
            tmp[n++] = text[i];
        }
        i++;
    }
    return nf_lex_key(tmp, n, out, out_size);
}

/* Can token t start or end a phrase? Not a lower-case adverb or verb form ("quickly",
 * "deploying", "suffered"): without part-of-speech tags, these suffixes are a cheap stand-in. */
static int kp_edge_ok(const struct nf_rank_doc *d, size_t t)
{
    return !(d->toks.v[t].flags & NF_LEX_WEAK);
}

/* Specificity of a phrase: the mean IDF of its words to the power KP_IDF_POWER ("police" is
 * everywhere in news, "Gallipoli" is not). 1 when the article has no IDF weights. */
#define KP_IDF_POWER 1.0
static double kp_idf(const struct nf_rank_doc *d, const struct kp_cand *k)
{
    if (!d->idf) {
        return 1.0;
    }
    double sum = 0;
    for (size_t w = 0; w < k->ntok; w++) {
        sum += d->idf[d->toks.v[k->tok + w].term];
    }
    double mean = sum / (double)k->ntok;
    return mean > 0 ? pow(mean, KP_IDF_POWER) : 0.0;
}

/* Candidates live in one array: single words at their term id (cands[0, nterms)), longer
 * n-grams at nterms + their id in the keys table. */
struct kp_set {
    struct nf_lex_table keys; /* term sequences of the n-grams with n >= 2 */
    struct kp_cand *v;
    size_t nterms;
    size_t cap;
};

/* Add one occurrence of the n-gram toks[t0, t0 + n). */
static int kp_add(const struct nf_rank_doc *d, struct kp_set *cs, size_t t0, size_t n)
{
    size_t at;
    if (n == 1) {
        at = d->toks.v[t0].term; /* single words need no table: the term id is the key */
    } else {
        uint32_t seq[KP_MAX_WORDS];
        for (size_t k = 0; k < n; k++) {
            seq[k] = d->toks.v[t0 + k].term;
        }
        uint32_t id;
        int err = nf_lex_table_intern(&cs->keys, (const char *)seq, n * sizeof(seq[0]), &id);
        if (err) {
            return err;
        }
        at = cs->nterms + id;
        if (at >= cs->cap) {
            size_t ncap = cs->cap * 2;
            struct kp_cand *v = realloc(cs->v, ncap * sizeof(*v));
            if (!v) {
                return NF_ERR_NOMEM;
            }
            memset(v + cs->cap, 0, (ncap - cs->cap) * sizeof(*v));
            cs->v = v;
            cs->cap = ncap;
        }
    }
    struct kp_cand *c = &cs->v[at];
    if (c->count == 0) {
        *c = (struct kp_cand){.tok = t0, .ntok = n, .count = 1};
        return 0;
    }
    c->count++;
    /* show the phrase as written in running text, not from an all-caps dateline or title */
    if ((d->toks.v[c->tok].flags & NF_LEX_SHOUT) && !(d->toks.v[t0].flags & NF_LEX_SHOUT)) {
        c->tok = t0;
    }
    return 0;
}

/* Index of the candidate for term sequence seq[0, n) (n >= 1), or SIZE_MAX. */
static size_t kp_find(const struct kp_set *cs, const uint32_t *seq, size_t n)
{
    if (n == 1) {
        return seq[0];
    }
    uint32_t id = nf_lex_table_find(&cs->keys, (const char *)seq, n * sizeof(seq[0]));
    return id == NF_LEX_NONE ? SIZE_MAX : cs->nterms + id;
}

/* Is every word of toks[a, a + n) recurring (tf >= 2)? Only such n-grams can recur. */
static int kp_recurring_words(const struct nf_rank_doc *d, size_t a, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (d->tf[d->toks.v[a + k].term] < 2) {
            return 0;
        }
    }
    return 1;
}

/* One extraction pass. all = 0 skips multi-word n-grams that contain a one-off word (they cannot
 * recur, and are needed only when fewer than max recurring phrases exist): *skipped is set when
 * it did. names: lower-cased entity names (may be empty). */
static int kp_extract(const struct nf_rank_doc *doc, const struct nf_lex_table *names, int all,
                      struct nf_keyphrase *out, size_t max, size_t *nout, int *skipped)
{
    struct kp_set cs = {.nterms = doc->vocab.terms.n};
    struct kp_cand *cands = NULL;
    size_t *chosen = NULL;
    int err = 0;
    *nout = 0;
    *skipped = 0;
    cs.cap = cs.nterms + 64;
    cs.v = calloc(cs.cap, sizeof(*cs.v));
    if (!cs.v) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    /* candidates: every 1..KP_MAX_WORDS-gram inside a run of content words; a run ends at a
     * stopword, a number, punctuation or the end of the sentence */
    for (size_t i = 0; i < doc->nsent && !err; i++) {
        const struct nf_rank_sent *s = &doc->sent[i];
        size_t end = s->tok0 + s->ntok;
        size_t t = s->tok0;
        while (t < end && !err) {
            if (doc->toks.v[t].term == NF_LEX_NONE) {
                t++;
                continue;
            }
            size_t r = t + 1;
            while (r < end && doc->toks.v[r].term != NF_LEX_NONE &&
                   !(doc->toks.v[r].flags & NF_LEX_GAP)) {
                r++;
            }
            for (size_t a = t; a < r && !err; a++) {
                for (size_t n = 1; n <= KP_MAX_WORDS && a + n <= r && !err; n++) {
                    if (!kp_edge_ok(doc, a) || !kp_edge_ok(doc, a + n - 1)) {
                        continue;
                    }
                    if (!all && n > 1 && !kp_recurring_words(doc, a, n)) {
                        *skipped = 1;
                        continue;
                    }
                    err = kp_add(doc, &cs, a, n);
                }
            }
            t = r;
        }
    }
    cands = cs.v;
    size_t ncand = cs.nterms + cs.keys.n;
    if (err || ncand == 0) {
        goto done;
    }
    /* nesting (C-value style): an n-gram seen mostly inside a recurring longer phrase ("north"
     * inside "north korea") owes its count to that phrase */
    for (size_t c = cs.nterms; c < ncand; c++) {
        const struct kp_cand *k = &cands[c];
        if (k->count < 2) {
            continue;
        }
        uint32_t seq[KP_MAX_WORDS];
        for (size_t w = 0; w < k->ntok; w++) {
            seq[w] = doc->toks.v[k->tok + w].term;
        }
        size_t pre = kp_find(&cs, seq, k->ntok - 1);
        size_t suf = kp_find(&cs, seq + 1, k->ntok - 1);
        if (pre != SIZE_MAX) {
            cands[pre].as_prefix += k->count;
        }
        if (suf != SIZE_MAX) {
            cands[suf].as_suffix += k->count;
        }
    }
    /* score: own frequency, preferring longer phrases */
    for (size_t c = 0; c < ncand; c++) {
        struct kp_cand *k = &cands[c];
        if (k->count == 0) {
            continue; /* a term seen only in positions no phrase may start or end */
        }
        uint32_t nested = k->as_prefix > k->as_suffix ? k->as_prefix : k->as_suffix;
        double own = nested < k->count ? (double)(k->count - nested) : 0.0;
        k->score = own * (1.0 + 0.5 * (double)(k->ntok - 1)) * kp_idf(doc, k);
        if (names->n) {
            char key[256];
            size_t kn = kp_text_key(doc->text, doc->toks.v[k->tok].start,
                                    doc->toks.v[k->tok + k->ntok - 1].end, key, sizeof(key));
            if (kn && nf_lex_table_find(names, key, kn) != NF_LEX_NONE) {
                k->score *= 1.5;
            }
        }
    }
    chosen = malloc(max * sizeof(*chosen));
    if (!chosen) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    /* recurring phrases first: sorting only them is much cheaper than sorting every n-gram, and
     * the one-off ones are needed only when fewer than max recurring phrases were found */
    size_t nrec = 0;
    for (size_t c = 0; c < ncand; c++) {
        if (cands[c].count >= 2) {
            struct kp_cand tmp = cands[nrec];
            cands[nrec++] = cands[c];
            cands[c] = tmp;
        }
    }
    qsort(cands, nrec, sizeof(*cands), kp_cmp);
    size_t n = kp_choose(doc, cands, 0, nrec, chosen, 0, max);
    if (n < max && *skipped) {
        goto done; /* the one-off tier is incomplete: the caller runs the full pass */
    }
    if (n < max) {
        qsort(cands + nrec, ncand - nrec, sizeof(*cands), kp_cmp);
        n = kp_choose(doc, cands, nrec, ncand, chosen, n, max);
    }
    /* best first across both tiers (a one-off 4-gram can outscore a recurring word) */
    for (size_t a = 1; a < n; a++) {
        size_t v = chosen[a];
        size_t b = a;
        for (; b > 0 && kp_cmp(&cands[chosen[b - 1]], &cands[v]) > 0; b--) {
            chosen[b] = chosen[b - 1];
        }
        chosen[b] = v;
    }
    double top = n ? cands[chosen[0]].score : 1.0;
    for (size_t j = 0; j < n; j++) {
        const struct kp_cand *k = &cands[chosen[j]];
        out[j].start = doc->toks.v[k->tok].start;
        out[j].end = doc->toks.v[k->tok + k->ntok - 1].end;
        /* show "Korea", not the possessive "Korea's" the first occurrence may have had */
        const char *e = doc->text + out[j].end;
        if (out[j].end - out[j].start > 4 && memcmp(e - 4, "\xE2\x80\x99s", 4) == 0) {
            out[j].end -= 4;
        } else if (out[j].end - out[j].start > 2 && memcmp(e - 2, "'s", 2) == 0) {
            out[j].end -= 2;
        }
        out[j].score = top > 0 ? k->score / top : 0.0;
    }
    *nout = n;
done:
    nf_lex_table_free(&cs.keys);
    free(cs.v);
    free(chosen);
    return err;
}

int nf_keyphrase_extract(const struct nf_rank_doc *doc, const struct nf_rank_entity *ents,
                         size_t nents, struct nf_keyphrase *out, size_t max, size_t *nout)
{
    struct nf_lex_table names = {0};
    int err = 0;
    int skipped = 0;
    *nout = 0;
    if (max == 0) {
        goto done;
    }
    for (size_t e = 0; e < nents; e++) {
        char key[256];
        size_t kn = nf_lex_key(ents[e].text, ents[e].len, key, sizeof(key));
        uint32_t id;
        if (kn && (err = nf_lex_table_intern(&names, key, kn, &id)) != 0) {
            goto done;
        }
    }
    /* the cheap pass finds every recurring phrase; a short article needs the full one */
    err = kp_extract(doc, &names, 0, out, max, nout, &skipped);
    if (!err && *nout < max && skipped) { /* *nout is 0 then */
        err = kp_extract(doc, &names, 1, out, max, nout, &skipped);
    }
done:
    nf_lex_table_free(&names);
    return err;
}
