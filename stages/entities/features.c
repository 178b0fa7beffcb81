/* features.c - feature extraction for the entities stage's statistical tagger (see features.h):
 * token forms, affixes and shapes, +-2 neighbours, word-list membership (single words and
 * multi-word phrases), line position, how the document writes the same word elsewhere, and the
 * tags given so far (previous two tags, earlier tags of the same word in the document).
 * Every feature is a 64-bit hash; the model reduces it to a row of its weight table.
 */
#include "features.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "newsflow/err.h"
#include "newsflow/util.h"

/* Feature templates: the first argument of fh1/fh2 (never renumber without NF_FEATSET_ID). */
enum {
    T_BIAS = 1,
    T_LW,
    T_W,
    T_PRE,          /* + 0..3 */
    T_SUF = T_PRE + 4, /* + 0..3 */
    T_SHAPE = T_SUF + 4,
    T_BSHAPE,
    T_LW_M1,
    T_LW_P1,
    T_LW_M2,
    T_LW_P2,
    T_BS_M1,
    T_BS_P1,
    T_BS_M2,
    T_BS_P2,
    T_BI_M1,
    T_BI_P1,
    T_BS3,
    T_POS,
    T_GAZ,
    T_GAZ_M1,
    T_GAZ_P1,
    T_PHR,
    T_DOCC,
    T_CAPCTX,
    T_P1,
    T_P12,
    T_P1_LW,
    T_P1_BS,
    T_HIST,
    T_HIST_BS,
    T_SH_M1_P1,
    T_LW_SUF_P1,
    T_RUN_POS,
    T_RUN_LAST_GAZ,
    T_RUN_FIRST_GAZ,
    T_RUN_HEAD,
    T_RUN_AHEAD_GAZ,
    T_HYPH,
    T_RULE,
    T_RULE_BS,
    T_RULE_P1,
    T_RUN_CONN,
    T_RUN_NEXT_CONN,
    T_DOC_NUM_GAZ,
    T_DOC_NUM_BS,
    T_LW_M1_BS,
    T_BS_LW_P1,
    T_LAST_TYPE,
};

/* Word-list bits that say something about a capitalised run's type. */
#define RUN_GAZ_MASK                                                                            \
    (NF_GAZ_FIRST | NF_GAZ_TITLE | NF_GAZ_ORGSUF | NF_GAZ_LOC | NF_GAZ_DEMONYM | NF_GAZ_MISCSUF | \
     NF_GAZ_LOCSUF | NF_GAZ_COUNTRY | NF_GAZ_ORG | NF_GAZ_MISC)

/* How the document writes a word (docc bits), counted over all its occurrences. */
#define DOCC_CAP_MID 1   /* capitalised inside a sentence of running text */
#define DOCC_LOWER 2     /* starting with a lower-case letter */
#define DOCC_ALLCAPS 4   /* all capitals outside a headline */
#define DOCC_CAP_START 8 /* capitalised at a sentence start */

#define HIST_O_CAP 16 /* a capitalised occurrence was tagged O */

/* Features emitted after the word-list loops, at most (see nf_ent_feats). */
#define TAIL_FEATS 24

#define H_BOS 0x5b5b3c733e5d5dULL /* "<s>": a neighbour beyond the line */
#define H_EOS 0x5b5b3c2f733e5dULL

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t fh1(unsigned t, uint64_t a)
{
    return mix(a + 0x9e3779b97f4a7c15ULL * (t + 1));
}

static uint64_t fh2(unsigned t, uint64_t a, uint64_t b)
{
    return mix(fh1(t, a) ^ (b * 0xc2b2ae3d27d4eb4fULL));
}

int nf_ent_tag_valid(int prev, int cur)
{
    int open = prev != NF_TAG_O && prev != NF_TAG_START &&
               (NF_TAG_POS(prev) == NF_TAG_B || NF_TAG_POS(prev) == NF_TAG_I);
    if (cur == NF_TAG_O) {
        return !open;
    }
    if (NF_TAG_POS(cur) == NF_TAG_B || NF_TAG_POS(cur) == NF_TAG_U) {
        return !open;
    }
    return open && NF_TAG_TYPE(prev) == NF_TAG_TYPE(cur);
}

/* Shape class of one code point. */
static char shape_char(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') {
            return 'X';
        }
        if (cp >= 'a' && cp <= 'z') {
            return 'x';
        }
        if (cp >= '0' && cp <= '9') {
            return 'd';
        }
        return (char)cp;
    }
    /* typographic quotes and dashes read as their ASCII forms (the training text is ASCII) */
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x201A || cp == 0x2032) {
        return '\'';
    }
    if (cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0xAB || cp == 0xBB) {
        return '"';
    }
    if (cp == 0x2013 || cp == 0x2014 || cp == 0x2212) {
        return '-';
    }
    if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3A9) ||
        (cp >= 0x400 && cp <= 0x42F) || (cp >= 0x100 && cp <= 0x17F && !(cp & 1))) {
        return 'X';
    }
    if ((cp >= 0xDF && cp <= 0xFF && cp != 0xF7) || (cp >= 0x3AA && cp <= 0x3FF) ||
        (cp >= 0x430 && cp <= 0x45F) || (cp >= 0x100 && cp <= 0x17F)) {
        return 'x';
    }
    return (cp >= 0x2000 && cp <= 0x2BFF) ? '?' : 'a';
}

size_t nf_ent_word_shape(const char *s, size_t n, int brief, char *out, size_t size)
{
    size_t i = 0, len = 0, run = 0, adv;
    char prev = 0;
    if (size == 0) {
        return 0;
    }
    while (i < n && len + 1 < size) {
        uint32_t cp = nf_utf8_decode(s + i, n - i, &adv);
        char c = shape_char(cp);
        if (adv == 0) {
            break;
        }
        i += adv;
        run = c == prev ? run + 1 : 1;
        prev = c;
        if ((brief && run > 1) || run > 4) {
            continue;
        }
        out[len++] = c;
    }
    out[len] = '\0';
    return len;
}

size_t nf_ent_affix_len(const char *s, size_t n, size_t k, int suffix)
{
    size_t i, cps = 0;
    if (k == 0) {
        return 0;
    }
    if (!suffix) {
        for (i = 0; i < n; i++) {
            /* count code point starts (bytes that are not 10xxxxxx) */
            if (((unsigned char)s[i] & 0xC0) != 0x80 && cps++ == k) {
                return i;
            }
        }
        return cps == k ? n : 0;
    }
    for (i = n; i > 0; i--) {
        if (((unsigned char)s[i - 1] & 0xC0) != 0x80 && ++cps == k) {
            return n - (i - 1);
        }
    }
    return 0;
}

/* Per-token precomputation that needs no document context. */
static void token_info(const struct nf_ent_gaz *gaz, unsigned gaz_mask, const char *text,
                       const struct nf_ent_tok *t, struct nf_ent_tokinfo *ti)
{
    char low[96], sh[40];
    const char *w = text + t->b0;
    size_t n = t->b1 - t->b0, ln, k, a;

    ti->flags = t->flags;
    if (t->kind == NF_TOK_PUNCT && n > 1 && (unsigned char)w[0] >= 0x80) {
        /* one non-ASCII punctuation mark: as its ASCII look-alike if it has one */
        size_t adv;
        char c = shape_char(nf_utf8_decode(w, n, &adv));
        if (c != '?' && c != 'a' && c != 'X' && c != 'x') {
            sh[0] = c;
            w = sh;
            n = 1;
        }
    }
    ti->w = nf_hash64(w, n) ^ 0x77;
    ln = n == 1 && w == sh ? (low[0] = sh[0], low[1] = '\0', 1)
                           : nf_ent_tok_lower(text, t->b0, t->b1, low, sizeof(low));
    if (ln == 0) {
        /* too long for the buffer: affixes and list lookups from the raw word */
        ln = n < sizeof(low) - 1 ? n : sizeof(low) - 1;
        memcpy(low, w, ln);
        low[ln] = '\0';
        ti->gaz = 0;
    } else {
        ti->gaz = nf_ent_gaz_get(gaz, low, ln) & gaz_mask;
    }
    ti->lw = nf_hash64(low, ln);
    for (k = 0; k < 4; k++) {
        a = nf_ent_affix_len(low, ln, k + 1, 0);
        ti->pre[k] = a && a < ln ? nf_hash64(low, a) : 0;
        a = nf_ent_affix_len(low, ln, k + 1, 1);
        ti->suf[k] = a && a < ln ? nf_hash64(low + ln - a, a) : 0;
    }
    if (t->flags & NF_TOKF_HYPHEN) {
        for (k = ln; k > 0 && low[k - 1] != '-'; k--) {
        }
        ti->hyph = k > 0 && k < ln ? nf_hash64(low + k, ln - k) : 0;
    }
    ti->shape = nf_hash64(sh, nf_ent_word_shape(w, n, 0, sh, sizeof(sh)));
    ti->bshape = nf_hash64(sh, nf_ent_word_shape(w, n, 1, sh, sizeof(sh)));
}

/* Mark multi-word word-list phrases (2..4 tokens on one line) on their tokens. */
static void phrase_marks(struct nf_ent_fdoc *d, const struct nf_ent_gaz *gaz, unsigned gaz_mask)
{
    char key[NF_GAZ_KEY_MAX + 1];
    size_t s, e, k, len, n;
    for (s = 0; s < d->n; s++) {
        /* the multi-word entries that matter are names: they start with a capital */
        if (d->t[s].kind != NF_TOK_WORD || !(d->t[s].flags & (NF_TOKF_CAP | NF_TOKF_ALLCAPS))) {
            continue;
        }
        len = nf_ent_tok_lower(d->text, d->t[s].b0, d->t[s].b1, key, sizeof(key));
        for (e = s + 1; len && e < d->n && e < s + 4 && !d->ti[e].line0; e++) {
            unsigned bits, b;
            if (len + 2 > sizeof(key)) {
                break;
            }
            key[len++] = ' ';
            n = nf_ent_tok_lower(d->text, d->t[e].b0, d->t[e].b1, key + len, sizeof(key) - len);
            if (n == 0) {
                break;
            }
            len += n;
            bits = nf_ent_gaz_get(gaz, key, len) & gaz_mask;
            for (b = 0; bits && b < 16; b++) {
                if (!(bits & (1u << b))) {
                    continue;
                }
                for (k = s; k <= e; k++) {
                    unsigned pos = k == s ? 0 : k == e ? 2 : 1;
                    d->ti[k].phrase |= 1ULL << (b * 3 + pos);
                }
            }
        }
    }
}

static int is_cap_word(const struct nf_ent_tok *t)
{
    return t->kind == NF_TOK_WORD && (t->flags & (NF_TOKF_CAP | NF_TOKF_ALLCAPS));
}

/* Is token i a connector inside a name (of, for, and, de, van, &)? */
static int is_connector(const char *text, const struct nf_ent_tok *t)
{
    static const char *const conn[] = {"of", "for", "and", "de", "del", "da", "van", "von",
                                       "der", "the", "&", NULL};
    size_t n = t->b1 - t->b0, k;
    for (k = 0; conn[k]; k++) {
        if (strlen(conn[k]) == n && memcmp(conn[k], text + t->b0, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Find the capitalised runs and record them on their tokens. */
static void mark_runs(struct nf_ent_fdoc *d)
{
    size_t s = 0, e, k, j;
    while (s < d->n) {
        if (!is_cap_word(&d->t[s])) {
            s++;
            continue;
        }
        e = s;
        for (;;) {
            /* extend over capitalised words, or 1-2 connectors followed by one */
            if (e + 1 < d->n && !d->ti[e + 1].line0 && is_cap_word(&d->t[e + 1])) {
                e++;
                continue;
            }
            for (j = e + 1; j < d->n && j < e + 3 && !d->ti[j].line0 &&
                            is_connector(d->text, &d->t[j]);
                 j++) {
            }
            /* "the" may follow "of" but not start the join */
            if (j > e + 1 && j < d->n && !d->ti[j].line0 && is_cap_word(&d->t[j]) &&
                !(d->t[e + 1].b1 - d->t[e + 1].b0 == 3 &&
                  memcmp(d->text + d->t[e + 1].b0, "the", 3) == 0)) {
                e = j;
                continue;
            }
            break;
        }
        for (k = s; k <= e; k++) {
            unsigned pos = s == e ? NF_TAG_U : k == s ? NF_TAG_B : k == e ? NF_TAG_L : NF_TAG_I;
            d->ti[k].run_pos = 1 + pos;
            d->ti[k].run_len = (unsigned)(e - s + 1);
            d->ti[k].run_first = s;
            d->ti[k].run_last = e;
        }
        s = e + 1;
    }
}

/* Run the rule-based finder and record its tags on the tokens. */
static int rule_marks(struct nf_ent_fdoc *d, const struct nf_ent_gaz *gaz,
                      const struct nf_ent_toks *toks)
{
    struct nf_ent_spans sp = {0};
    size_t k, i = 0;
    int rc = nf_ent_names_find(gaz, d->text, toks, &sp);
    if (rc != 0) {
        goto done;
    }
    nf_ent_spans_resolve(&sp);
    for (k = 0; k < sp.n; k++) {
        size_t first, last;
        if (!nf_ent_type_is_name(sp.v[k].type)) {
            continue;
        }
        while (i < d->n && d->t[i].b0 < sp.v[k].b0) {
            i++;
        }
        first = i;
        while (i < d->n && d->t[i].b0 < sp.v[k].b1) {
            i++;
        }
        if (i == first) {
            continue;
        }
        last = i - 1;
        for (size_t j = first; j <= last; j++) {
            unsigned pos = first == last ? NF_TAG_U
                           : j == first  ? NF_TAG_B
                           : j == last   ? NF_TAG_L
                                         : NF_TAG_I;
            d->ti[j].rule = NF_TAG(sp.v[k].type, pos);
        }
    }
done:
    nf_ent_spans_free(&sp);
    return rc;
}

/* Quotes, brackets and sentence punctuation: never inside a name. */
static int breaks_names(const char *text, const struct nf_ent_tok *t)
{
    static const char brk[] = "\"()[]{},;:!?";
    size_t adv;
    uint32_t cp;
    if (t->kind != NF_TOK_PUNCT) {
        return 0;
    }
    cp = nf_utf8_decode(text + t->b0, t->b1 - t->b0, &adv);
    if (cp < 0x80) {
        return cp != 0 && strchr(brk, (int)cp) != NULL;
    }
    return (cp >= 0x2018 && cp <= 0x201F) || cp == 0xAB || cp == 0xBB;
}

int nf_ent_fdoc_init(struct nf_ent_fdoc *d, const struct nf_ent_gaz *gaz, unsigned gaz_mask,
                     const char *text, const struct nf_ent_toks *toks)
{
    struct nf_ent_docmap caps = {0};
    size_t i;
    int rc = 0;

    memset(d, 0, sizeof(*d));
    d->text = text;
    d->t = toks->v;
    d->n = toks->n;
    d->ti = calloc(d->n + 1, sizeof(*d->ti));
    d->tags = calloc(d->n + 1, 1);
    if (!d->ti || !d->tags || nf_ent_docmap_init(&d->hist, d->n + 1) != 0 ||
        nf_ent_docmap_init(&caps, d->n + 1) != 0) {
        rc = NF_ERR_NOMEM;
        goto done;
    }
    for (i = 0; i < d->n; i++) {
        unsigned f = d->t[i].flags, bit = 0;
        unsigned char *v;
        token_info(gaz, gaz_mask, text, &d->t[i], &d->ti[i]);
        d->ti[i].line0 = i == 0 || (f & NF_TOKF_NEWLINE);
        d->ti[i].no_ent = breaks_names(text, &d->t[i]);
        if (d->t[i].kind != NF_TOK_WORD) {
            continue;
        }
        if (f & NF_TOKF_LOWER) {
            bit = DOCC_LOWER;
        } else if ((f & NF_TOKF_ALLCAPS) && !(f & NF_TOKF_CAPS_LINE)) {
            bit = DOCC_ALLCAPS;
        } else if ((f & NF_TOKF_CAP) && !(f & NF_TOKF_CAPS_LINE)) {
            bit = (f & NF_TOKF_SENT_START) ? DOCC_CAP_START : DOCC_CAP_MID;
        }
        /* lw is a hash: 0 is possible in theory, docmap then ignores the word */
        if (bit && (v = nf_ent_docmap_slot(&caps, d->ti[i].lw, 1)) != NULL) {
            *v |= (unsigned char)bit;
        }
    }
    {
        size_t nums = 0;
        for (i = 0; i < d->n; i++) {
            nums += d->t[i].kind == NF_TOK_NUM;
        }
        /* under 5%, 5-15%, 15-30%, over 30% */
        d->numeric = nums * 20 < d->n ? 0 : nums * 20 < d->n * 3 ? 1 : nums * 10 < d->n * 3 ? 2 : 3;
    }
    for (i = 0; i < d->n; i++) {
        d->ti[i].docc = d->t[i].kind == NF_TOK_WORD ? nf_ent_docmap_get(&caps, d->ti[i].lw) : 0;
    }
    phrase_marks(d, gaz, gaz_mask);
    mark_runs(d);
    if ((gaz_mask & NF_FEAT_RULES) && (rc = rule_marks(d, gaz, toks)) != 0) {
        goto done;
    }
done:
    nf_ent_docmap_free(&caps);
    if (rc != 0) {
        nf_ent_fdoc_free(d);
    }
    return rc;
}

void nf_ent_fdoc_free(struct nf_ent_fdoc *d)
{
    free(d->ti);
    free(d->tags);
    nf_ent_docmap_free(&d->hist);
    d->ti = NULL;
    d->tags = NULL;
}

void nf_ent_fdoc_commit(struct nf_ent_fdoc *d, size_t i, int tag)
{
    unsigned char *v;
    d->tags[i] = (unsigned char)tag;
    if (d->ti[i].line0) {
        d->last_type = 0;
    }
    if (tag != NF_TAG_O) {
        d->last_type = (unsigned)NF_TAG_TYPE(tag);
        d->last_end = i;
    }
    if (d->t[i].kind != NF_TOK_WORD) {
        return;
    }
    if (tag != NF_TAG_O) {
        if ((v = nf_ent_docmap_slot(&d->hist, d->ti[i].lw, 1)) != NULL) {
            *v |= (unsigned char)(1u << (NF_TAG_TYPE(tag) - 1));
        }
    } else if (d->t[i].flags & (NF_TOKF_CAP | NF_TOKF_ALLCAPS)) {
        if ((v = nf_ent_docmap_slot(&d->hist, d->ti[i].lw, 1)) != NULL) {
            *v |= HIST_O_CAP;
        }
    }
}

/* Case class of a token for the document features. */
static unsigned case_class(unsigned f)
{
    if (f & NF_TOKF_CAPS_LINE) {
        return 3;
    }
    if (f & NF_TOKF_ALLCAPS) {
        return 4;
    }
    if (f & NF_TOKF_CAP) {
        return (f & NF_TOKF_SENT_START) ? 2 : 1;
    }
    return (f & NF_TOKF_LOWER) ? 0 : 5;
}

size_t nf_ent_feats(struct nf_ent_fdoc *d, size_t i, uint64_t *out)
{
    const struct nf_ent_tokinfo *x = &d->ti[i];
    const struct nf_ent_tokinfo *m1 = NULL, *m2 = NULL, *p1 = NULL, *p2 = NULL;
    uint64_t lw_m1 = H_BOS, lw_m2 = H_BOS, lw_p1 = H_EOS, lw_p2 = H_EOS;
    uint64_t bs_m1 = H_BOS, bs_m2 = H_BOS, bs_p1 = H_EOS, bs_p2 = H_EOS;
    unsigned prev = NF_TAG_START, prev2 = NF_TAG_START, b, k, cc, hist;
    size_t n = 0;

    if (!x->line0) {
        m1 = &d->ti[i - 1];
        prev = d->tags[i - 1];
        if (!m1->line0) {
            m2 = &d->ti[i - 2];
            prev2 = d->tags[i - 2];
        }
    }
    if (i + 1 < d->n && !d->ti[i + 1].line0) {
        p1 = &d->ti[i + 1];
        if (i + 2 < d->n && !d->ti[i + 2].line0) {
            p2 = &d->ti[i + 2];
        }
    }
    if (m1) {
        lw_m1 = m1->lw;
        bs_m1 = m1->bshape;
    }
    if (m2) {
        lw_m2 = m2->lw;
        bs_m2 = m2->bshape;
    }
    if (p1) {
        lw_p1 = p1->lw;
        bs_p1 = p1->bshape;
    }
    if (p2) {
        lw_p2 = p2->lw;
        bs_p2 = p2->bshape;
    }
    cc = case_class(x->flags);

    out[n++] = fh1(T_BIAS, 0);
    if (!d->drop_word) {
        out[n++] = fh1(T_LW, x->lw);
        out[n++] = fh1(T_W, x->w);
    }
    for (k = 0; k < 4; k++) {
        if (x->pre[k]) {
            out[n++] = fh1(T_PRE + k, x->pre[k]);
        }
        if (x->suf[k]) {
            out[n++] = fh1(T_SUF + k, x->suf[k]);
        }
    }
    out[n++] = fh1(T_SHAPE, x->shape);
    out[n++] = fh1(T_BSHAPE, x->bshape);
    out[n++] = fh1(T_LW_M1, lw_m1);
    out[n++] = fh1(T_LW_P1, lw_p1);
    out[n++] = fh1(T_LW_M2, lw_m2);
    out[n++] = fh1(T_LW_P2, lw_p2);
    out[n++] = fh1(T_BS_M1, bs_m1);
    out[n++] = fh1(T_BS_P1, bs_p1);
    out[n++] = fh1(T_BS_M2, bs_m2);
    out[n++] = fh1(T_BS_P2, bs_p2);
    if (!d->drop_word) {
        out[n++] = fh2(T_BI_M1, lw_m1, x->lw);
        out[n++] = fh2(T_BI_P1, x->lw, lw_p1);
    }
    out[n++] = fh2(T_BS3, fh2(0, bs_m1, x->bshape), bs_p1);
    out[n++] = fh2(T_SH_M1_P1, bs_m1, bs_p1);
    out[n++] = fh2(T_LW_SUF_P1, x->bshape, p1 ? p1->suf[2] : H_EOS);
    out[n++] = fh2(T_POS, (x->line0 ? 1 : 0) | ((x->flags & NF_TOKF_SENT_START) ? 2 : 0) |
                              ((x->flags & NF_TOKF_CAPS_LINE) ? 4 : 0),
                   x->bshape);
    /* the list loops leave room for the features after them (at most TAIL_FEATS) */
    for (b = 0; b < 16 && n + 3 + TAIL_FEATS <= NF_FEAT_MAX; b++) {
        if (x->gaz & (1u << b)) {
            out[n++] = fh2(T_GAZ, b, cc);
        }
        if (m1 && (m1->gaz & (1u << b))) {
            out[n++] = fh1(T_GAZ_M1, b);
        }
        if (p1 && (p1->gaz & (1u << b))) {
            out[n++] = fh1(T_GAZ_P1, b);
        }
    }
    for (b = 0; x->phrase && b < 48 && n + 1 + TAIL_FEATS <= NF_FEAT_MAX; b++) {
        if (x->phrase & (1ULL << b)) {
            out[n++] = fh1(T_PHR, b);
        }
    }
    out[n++] = fh2(T_DOCC, x->docc, cc);
    if (x->flags & (NF_TOKF_CAP | NF_TOKF_ALLCAPS)) {
        /* in results tables a city is a club: ORG */
        out[n++] = fh2(T_DOC_NUM_GAZ, d->numeric, x->gaz & (NF_GAZ_LOC | NF_GAZ_COUNTRY));
        out[n++] = fh2(T_DOC_NUM_BS, d->numeric, fh2(0, x->bshape, bs_p1));
    }
    if (x->hyph) {
        out[n++] = fh1(T_HYPH, x->hyph);
    }
    if (x->rule || (m1 && m1->rule) || (p1 && p1->rule)) {
        out[n++] = fh1(T_RULE, x->rule);
        out[n++] = fh2(T_RULE_BS, x->rule, x->bshape);
        out[n++] = fh2(T_RULE_P1, x->rule, prev);
    }
    if (x->run_pos) {
        const struct nf_ent_tokinfo *rf = &d->ti[x->run_first], *rl = &d->ti[x->run_last];
        unsigned len = x->run_len < 6 ? x->run_len : 6, ahead = 0;
        out[n++] = fh2(T_RUN_POS, x->run_pos, len);
        out[n++] = fh2(T_RUN_LAST_GAZ, rl->gaz & RUN_GAZ_MASK, x->run_pos);
        out[n++] = fh2(T_RUN_FIRST_GAZ, rf->gaz & RUN_GAZ_MASK, x->run_pos);
        if (x->run_last != i) {
            out[n++] = fh1(T_RUN_HEAD, rl->lw);
            for (k = (unsigned)(i + 1); k <= x->run_last && k < i + 8; k++) {
                ahead |= d->ti[k].gaz & (NF_GAZ_ORGSUF | NF_GAZ_LOCSUF | NF_GAZ_MISCSUF);
            }
            out[n++] = fh1(T_RUN_AHEAD_GAZ, ahead);
            if (x->flags & NF_TOKF_LOWER) {
                out[n++] = fh2(T_RUN_CONN, x->lw, rl->gaz & RUN_GAZ_MASK);
            } else if (p1 && (p1->flags & NF_TOKF_LOWER)) {
                /* the run goes on over a connector: "Institute | for Policy Studies" */
                out[n++] = fh2(T_RUN_NEXT_CONN, p1->lw, x->gaz & RUN_GAZ_MASK);
            }
        }
    }
    if ((x->flags & (NF_TOKF_CAP | NF_TOKF_ALLCAPS)) && !(x->flags & NF_TOKF_SENT_START)) {
        unsigned ctx = (m1 && (m1->flags & NF_TOKF_LOWER) ? 1 : 0) |
                       (p1 && (p1->flags & NF_TOKF_LOWER) ? 2 : 0);
        out[n++] = fh2(T_CAPCTX, ctx, cc);
    }
    out[n++] = fh2(T_LW_M1_BS, lw_m1, x->bshape);
    out[n++] = fh2(T_BS_LW_P1, x->bshape, lw_p1);
    if (d->last_type && !x->line0 && i > d->last_end + 1 && i <= d->last_end + 3 &&
        (x->flags & (NF_TOKF_CAP | NF_TOKF_ALLCAPS))) {
        /* coordination: "Russia and Ukraine", "Given, Breen" share a type */
        out[n++] = fh2(T_LAST_TYPE, d->last_type, lw_m1);
    }
    out[n++] = fh1(T_P1, prev);
    out[n++] = fh2(T_P12, prev2, prev);
    if (!d->drop_word) {
        out[n++] = fh2(T_P1_LW, prev, x->lw);
    }
    out[n++] = fh2(T_P1_BS, prev, x->bshape);
    hist = d->t[i].kind == NF_TOK_WORD ? nf_ent_docmap_get(&d->hist, x->lw) : 0;
    if (hist) {
        out[n++] = fh1(T_HIST, hist);
        out[n++] = fh2(T_HIST_BS, hist, x->bshape);
    }
    return n;
}
