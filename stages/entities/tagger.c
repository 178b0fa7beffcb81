/* tagger.c - the entities stage's statistical name tagger (see tagger.h): greedy BILOU decoding
 * with a hashed linear model, tag sequence -> typed byte spans, and the model file (save, load
 * with validation). The weights are int16 rows of NF_TAG_N; a token's score for each tag is the
 * sum of the rows of its features.
 */
#include "tagger.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"

#define MODEL_MAGIC "NFNERMDL"
#define HEADER_SIZE 64
#define MODEL_MAX_BYTES ((size_t)1 << 28)

struct nf_ent_model *nf_ent_model_new(unsigned bits, unsigned gaz_mask)
{
    struct nf_ent_model *m;
    if (bits < NF_MODEL_BITS_MIN || bits > NF_MODEL_BITS_MAX) {
        return NULL;
    }
    if (!(m = calloc(1, sizeof(*m)))) {
        return NULL;
    }
    m->bits = bits;
    m->featset = NF_FEATSET_ID;
    m->gaz_mask = gaz_mask;
    m->scale = 1.0f;
    if (!(m->w = calloc((size_t)NF_TAG_N << bits, sizeof(*m->w)))) {
        free(m);
        return NULL;
    }
    return m;
}

void nf_ent_model_destroy(struct nf_ent_model *m)
{
    if (!m) {
        return;
    }
    free(m->w);
    free(m->rows);
    free(m->index);
    free(m->present);
    free(m);
}

static int row_empty(const int16_t *r)
{
    int t;
    for (t = 0; t < NF_TAG_N; t++) {
        if (r[t] != 0) {
            return 0;
        }
    }
    return 1;
}

static size_t slot_of(uint32_t r, size_t cap)
{
    return (size_t)((r * 0x9E3779B1u) >> 7) & (cap - 1);
}

/* Make room for n rows and an empty index. */
static int compact_alloc(struct nf_ent_model *m, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n) {
        cap *= 2;
    }
    free(m->rows);
    free(m->index);
    free(m->present);
    m->rows = malloc((n ? n : 1) * NF_TAG_N * sizeof(*m->rows));
    m->index = calloc(cap, sizeof(*m->index));
    m->present = calloc((((size_t)1 << m->bits) + 63) / 64, sizeof(*m->present));
    m->nrows = 0;
    m->index_cap = cap;
    return m->rows && m->index && m->present ? 0 : NF_ERR_NOMEM;
}

/* Append row r (ids added in any order, each once). */
static void compact_add(struct nf_ent_model *m, uint32_t r, const int16_t *w)
{
    size_t i = slot_of(r, m->index_cap);
    while (m->index[i].key != 0) {
        i = (i + 1) & (m->index_cap - 1);
    }
    m->index[i].key = r + 1;
    m->index[i].pos = (uint32_t)m->nrows;
    m->present[r / 64] |= 1ULL << (r % 64);
    memcpy(m->rows + m->nrows * NF_TAG_N, w, NF_TAG_N * sizeof(*w));
    m->nrows++;
}

const int16_t *nf_ent_model_row(const struct nf_ent_model *m, uint32_t r)
{
    size_t i = slot_of(r, m->index_cap);
    if (!(m->present[r / 64] & (1ULL << (r % 64)))) {
        return NULL;
    }
    /* the index is at most half full: an empty slot ends every probe */
    for (;;) {
        uint32_t k = m->index[i].key;
        if (k == r + 1) {
            return m->rows + (size_t)m->index[i].pos * NF_TAG_N;
        }
        if (k == 0) {
            return NULL;
        }
        i = (i + 1) & (m->index_cap - 1);
    }
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;
    for (i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }
    return h;
}

int nf_ent_model_compact(struct nf_ent_model *m)
{
    size_t rows = (size_t)1 << m->bits, r, nz = 0;
    for (r = 0; r < rows; r++) {
        nz += !row_empty(m->w + r * NF_TAG_N);
    }
    if (compact_alloc(m, nz) != 0) {
        return NF_ERR_NOMEM;
    }
    for (r = 0; r < rows; r++) {
        if (!row_empty(m->w + r * NF_TAG_N)) {
            compact_add(m, (uint32_t)r, m->w + r * NF_TAG_N);
        }
    }
    return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int nf_ent_model_save(const struct nf_ent_model *m, const char *path, char *errstr,
                      size_t errstr_size)
{
    size_t rows = (size_t)1 << m->bits, r, nz = 0, size, off;
    unsigned char *buf = NULL;
    uint64_t sum;
    uint32_t fbits;
    FILE *f = NULL;
    int rc = 0, t;

    nz = m->nrows;
    size = HEADER_SIZE + rows / 8 + nz * NF_TAG_N * 2 + 8;
    if (!(buf = calloc(1, size))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "model: out of memory");
        goto done;
    }
    memcpy(buf, MODEL_MAGIC, 8);
    put32(buf + 8, NF_MODEL_VERSION);
    put32(buf + 12, m->featset);
    put32(buf + 16, NF_TAG_N);
    put32(buf + 20, m->bits);
    put32(buf + 24, m->gaz_mask);
    memcpy(&fbits, &m->scale, 4);
    put32(buf + 28, fbits);
    put32(buf + 32, (uint32_t)nz);
    off = HEADER_SIZE + rows / 8;
    for (r = 0; r < rows; r++) {
        const int16_t *row = nf_ent_model_row(m, (uint32_t)r);
        if (!row) {
            continue;
        }
        buf[HEADER_SIZE + r / 8] |= (unsigned char)(1u << (r % 8));
        for (t = 0; t < NF_TAG_N; t++) {
            uint16_t v = (uint16_t)row[t];
            buf[off++] = (unsigned char)v;
            buf[off++] = (unsigned char)(v >> 8);
        }
    }
    sum = fnv1a(buf, off);
    put32(buf + off, (uint32_t)sum);
    put32(buf + off + 4, (uint32_t)(sum >> 32));
    if (!(f = fopen(path, "wb"))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (fwrite(buf, 1, size, f) != size) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: write failed", path);
        goto done;
    }
done:
    if (f && fclose(f) != 0 && rc == 0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: %s", path, strerror(errno));
    }
    free(buf);
    return rc;
}

/* Read a whole file of at most MODEL_MAX_BYTES. */
static int read_file(const char *path, unsigned char **out, size_t *len, char *errstr,
                     size_t errstr_size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long size;
    int rc = 0;

    if (!f) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "model %s: %s", path, strerror(errno));
        goto done;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "model %s: cannot seek", path);
        goto done;
    }
    if ((size_t)size > MODEL_MAX_BYTES) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "model %s: %ld bytes, too large",
                       path, size);
        goto done;
    }
    if (!(buf = malloc((size_t)size + 1))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "model %s: out of memory", path);
        goto done;
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "model %s: read failed", path);
        goto done;
    }
    *out = buf;
    *len = (size_t)size;
    buf = NULL;
done:
    if (f) {
        fclose(f);
    }
    free(buf);
    return rc;
}

int nf_ent_model_load(const char *path, struct nf_ent_model **out, char *errstr,
                      size_t errstr_size)
{
    unsigned char *buf = NULL;
    struct nf_ent_model *m = NULL;
    size_t len = 0, rows, nz, r, off, t, seen = 0;
    int16_t row[NF_TAG_N];
    uint32_t bits, fbits;
    uint64_t sum;
    int rc;

    *out = NULL;
    if ((rc = read_file(path, &buf, &len, errstr, errstr_size)) != 0) {
        goto done;
    }
    rc = NF_ERR_INVALID;
    if (len < HEADER_SIZE + 8 || memcmp(buf, MODEL_MAGIC, 8) != 0) {
        nf_seterr(errstr, errstr_size, rc, "model %s: not a newsflow NER model", path);
        goto done;
    }
    if (get32(buf + 8) != NF_MODEL_VERSION) {
        nf_seterr(errstr, errstr_size, rc, "model %s: file version %u, this build reads %u",
                  path, get32(buf + 8), NF_MODEL_VERSION);
        goto done;
    }
    if (get32(buf + 12) != NF_FEATSET_ID || get32(buf + 16) != NF_TAG_N) {
        nf_seterr(errstr, errstr_size, rc,
                  "model %s: trained for feature set %u with %u tags, this build has %u with %u "
                  "(retrain with newsflow-train-ner)",
                  path, get32(buf + 12), get32(buf + 16), NF_FEATSET_ID, NF_TAG_N);
        goto done;
    }
    bits = get32(buf + 20);
    nz = get32(buf + 32);
    if (bits < NF_MODEL_BITS_MIN || bits > NF_MODEL_BITS_MAX) {
        nf_seterr(errstr, errstr_size, rc, "model %s: bad table size 2^%u", path, bits);
        goto done;
    }
    rows = (size_t)1 << bits;
    if (nz > rows || len != HEADER_SIZE + rows / 8 + nz * NF_TAG_N * 2 + 8) {
        nf_seterr(errstr, errstr_size, rc, "model %s: truncated or wrong size (%zu bytes)", path,
                  len);
        goto done;
    }
    sum = fnv1a(buf, len - 8);
    if (get32(buf + len - 8) != (uint32_t)sum || get32(buf + len - 4) != (uint32_t)(sum >> 32)) {
        nf_seterr(errstr, errstr_size, rc, "model %s: checksum mismatch (corrupt file)", path);
        goto done;
    }
    if ((m = calloc(1, sizeof(*m))) != NULL) {
        m->bits = bits;
    }
    if (!m || compact_alloc(m, nz) != 0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "model %s: out of memory", path);
        goto done;
    }
    m->featset = NF_FEATSET_ID;
    m->gaz_mask = get32(buf + 24);
    fbits = get32(buf + 28);
    memcpy(&m->scale, &fbits, 4);
    off = HEADER_SIZE + rows / 8;
    for (r = 0; r < rows; r++) {
        if (!(buf[HEADER_SIZE + r / 8] & (1u << (r % 8)))) {
            continue;
        }
        if (++seen > nz) {
            break;
        }
        for (t = 0; t < NF_TAG_N; t++, off += 2) {
            row[t] = (int16_t)(uint16_t)(buf[off] | buf[off + 1] << 8);
        }
        if (row_empty(row)) {
            nf_seterr(errstr, errstr_size, rc, "model %s: empty row %zu in the file", path, r);
            goto done;
        }
        compact_add(m, (uint32_t)r, row);
    }
    if (seen != nz) {
        nf_seterr(errstr, errstr_size, rc, "model %s: row bitmap does not match the row count",
                  path);
        goto done;
    }
    *out = m;
    m = NULL;
    rc = 0;
done:
    nf_ent_model_destroy(m);
    free(buf);
    return rc;
}

int nf_ent_tagger_best(const int32_t *scores, int prev)
{
    int t, best = -1;
    for (t = 0; t < NF_TAG_N; t++) {
        if (nf_ent_tag_valid(prev, t) && (best < 0 || scores[t] > scores[best])) {
            best = t;
        }
    }
    return best;
}

void nf_ent_tagger_decode(const struct nf_ent_model *m, struct nf_ent_fdoc *d)
{
    uint64_t feats[NF_FEAT_MAX];
    uint32_t hit[NF_FEAT_MAX];
    const int16_t *rows[NF_FEAT_MAX];
    unsigned shift = 64 - m->bits;
    size_t i, k, nf, nh;
    for (i = 0; i < d->n; i++) {
        int32_t sc[NF_TAG_N] = {0};
        int prev = d->ti[i].line0 ? NF_TAG_START : d->tags[i - 1], t;
        if (d->ti[i].no_ent) {
            nf_ent_fdoc_commit(d, i, NF_TAG_O);
            continue;
        }
        nf = nf_ent_feats(d, i, feats);
        /* keep the features that have a row and start fetching their index slots: the
         * lookups then overlap instead of waiting for memory one by one */
        for (k = 0, nh = 0; k < nf; k++) {
            uint32_t r = (uint32_t)(feats[k] >> shift);
            if (m->present[r / 64] & (1ULL << (r % 64))) {
                hit[nh++] = r;
                __builtin_prefetch(&m->index[slot_of(r, m->index_cap)]);
            }
        }
        for (k = 0; k < nh; k++) {
            rows[k] = nf_ent_model_row(m, hit[k]);
            __builtin_prefetch(rows[k]);
            __builtin_prefetch(rows[k] + NF_TAG_N - 1);
        }
        for (k = 0; k < nh; k++) {
            const int16_t *row = rows[k];
            for (t = 0; t < NF_TAG_N; t++) {
                sc[t] += row[t];
            }
        }
        nf_ent_fdoc_commit(d, i, nf_ent_tagger_best(sc, prev));
    }
}

/* Where the rule finder joined a name over a lower-case connector ("Asan Institute for Policy
 * Studies", "Bank of England": only after an organisation or event word) and the tagger agrees
 * on both ends but split the name at the connector, keep the rule's name: the tagger learns the
 * join from few examples. Needs the rule features (NF_FEAT_RULES). */
static void join_split_names(struct nf_ent_fdoc *d)
{
    size_t s = 0, e, k;
    while (s < d->n) {
        int conn = 0, agree;
        unsigned r = d->ti[s].rule;
        if (r == 0 || NF_TAG_POS(r) != NF_TAG_B) {
            s++;
            continue;
        }
        for (e = s + 1; e < d->n && d->ti[e].rule == NF_TAG(NF_TAG_TYPE(r), NF_TAG_I); e++) {
            conn |= (d->t[e].flags & NF_TOKF_LOWER) != 0;
        }
        if (e >= d->n || d->ti[e].rule != NF_TAG(NF_TAG_TYPE(r), NF_TAG_L)) {
            s = e;
            continue;
        }
        /* the tagger starts a name of the rule's type at s and ends one (of any type) at e */
        agree = d->tags[s] == NF_TAG(NF_TAG_TYPE(r), NF_TAG_B) && d->tags[e] != NF_TAG_O &&
                (NF_TAG_POS(d->tags[e]) == NF_TAG_L || NF_TAG_POS(d->tags[e]) == NF_TAG_U);
        for (k = s + 1; agree && k < e; k++) {
            /* split only at the connectors: every other token inside is in a name */
            agree = d->tags[k] != NF_TAG_O || (d->t[k].flags & NF_TOKF_LOWER);
        }
        if (conn && agree) {
            for (k = s; k <= e; k++) {
                d->tags[k] = (unsigned char)d->ti[k].rule;
            }
        }
        s = e + 1;
    }
}

int nf_ent_tagger_spans(const struct nf_ent_fdoc *d, struct nf_ent_spans *out)
{
    size_t i, start = 0;
    int open = 0; /* type of the entity being read, 0 = none */
    for (i = 0; i <= d->n; i++) {
        int tag = i < d->n ? d->tags[i] : NF_TAG_O;
        int type = NF_TAG_TYPE(tag), pos = tag ? NF_TAG_POS(tag) : -1;
        /* close an open entity before a line break, an O, or a B/U/other type */
        if (open && (i == d->n || d->ti[i].line0 || tag == NF_TAG_O || pos == NF_TAG_B ||
                     pos == NF_TAG_U || type != open)) {
            if (nf_ent_spans_push(out, d->t[start].b0, d->t[i - 1].b1, open) != 0) {
                return NF_ERR_NOMEM;
            }
            open = 0;
        }
        if (tag == NF_TAG_O) {
            continue;
        }
        if (!open) {
            open = type;
            start = i;
        }
        if (pos == NF_TAG_L || pos == NF_TAG_U) {
            if (nf_ent_spans_push(out, d->t[start].b0, d->t[i].b1, open) != 0) {
                return NF_ERR_NOMEM;
            }
            open = 0;
        }
    }
    return 0;
}

int nf_ent_tagger_find(const struct nf_ent_model *m, const struct nf_ent_gaz *gaz,
                       const char *text, const struct nf_ent_toks *toks, struct nf_ent_spans *out)
{
    struct nf_ent_fdoc d;
    int rc;
    if ((rc = nf_ent_fdoc_init(&d, gaz, m->gaz_mask, text, toks)) != 0) {
        return rc;
    }
    nf_ent_tagger_decode(m, &d);
    if (m->gaz_mask & NF_FEAT_RULES) {
        join_split_names(&d);
    }
    rc = nf_ent_tagger_spans(&d, out);
    nf_ent_fdoc_free(&d);
    return rc;
}
