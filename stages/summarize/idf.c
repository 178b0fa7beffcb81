/* idf.c - document-frequency table of the summarize stage (see idf.h): loading the shipped
 * config/summarize/idf.tsv in init(), the IDF weight used by centrality and key phrases, and the
 * builder behind the newsflow-build-idf tool (stages/summarize/tools/).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "idf.h"
#include "newsflow/err.h"

#define IDF_MAX_LINES 10000000 /* a table over 10M lines is a mistake, not statistics */
#define IDF_MAX_LINE 1024      /* a term line: key (<= LEX_KEY_MAX bytes), tab, number */

static double idf_formula(uint32_t docs, uint32_t df)
{
    return log(((double)docs + 1.0) / ((double)df + 0.5));
}

void nf_idf_free(struct nf_idf *idf)
{
    nf_lex_table_free(&idf->terms);
    free(idf->df);
    free(idf->w);
    memset(idf, 0, sizeof(*idf));
}

/* Parse a decimal count in [1, UINT32_MAX] ending at the line end; returns 0 on success. */
static int idf_parse_count(const char *s, uint32_t *out)
{
    char *end = NULL;
    if (*s < '0' || *s > '9') {
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    while (*end == '\r' || *end == '\n') {
        end++;
    }
    if (errno || *end != '\0' || v == 0 || v > UINT32_MAX) {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int nf_idf_load(const char *path, struct nf_idf *idf, char *errstr, size_t errstr_size)
{
    int err = 0;
    char line[IDF_MAX_LINE];
    unsigned long lineno = 0;
    size_t cap = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: %s", path, strerror(errno));
    }
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        size_t n = strlen(line);
        if (lineno > IDF_MAX_LINES || (n == sizeof(line) - 1 && line[n - 1] != '\n')) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                            "%s:%lu: line too long or too many lines", path, lineno);
            goto done;
        }
        if (line[0] == '#' || line[0] == '\n' || (line[0] == '\r' && line[1] == '\n')) {
            continue;
        }
        char *tab = strchr(line, '\t');
        uint32_t count = 0;
        if (!tab || tab == line || idf_parse_count(tab + 1, &count) != 0) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                            "%s:%lu: expected \"term<TAB>count\" with a count >= 1", path, lineno);
            goto done;
        }
        size_t kn = (size_t)(tab - line);
        if (idf->docs == 0) {
            if (kn != 4 || memcmp(line, "docs", 4) != 0) {
                err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                                "%s:%lu: the first entry must be \"docs<TAB>N\"", path, lineno);
                goto done;
            }
            idf->docs = count;
            continue;
        }
        if (count > idf->docs) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                            "%s:%lu: document frequency %u exceeds docs %u", path, lineno, count,
                            idf->docs);
            goto done;
        }
        size_t before = idf->terms.n;
        uint32_t id;
        err = nf_lex_table_intern(&idf->terms, line, kn, &id);
        if (err) {
            nf_seterr(errstr, errstr_size, err, "%s:%lu: out of memory", path, lineno);
            goto done;
        }
        if (idf->terms.n == before) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "%s:%lu: duplicate term", path,
                            lineno);
            goto done;
        }
        if (id >= cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            uint32_t *df = realloc(idf->df, ncap * sizeof(*df));
            if (!df) {
                err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "%s: out of memory", path);
                goto done;
            }
            idf->df = df;
            cap = ncap;
        }
        idf->df[id] = count;
    }
    if (ferror(fp)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: read error", path);
    } else if (idf->docs == 0) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "%s: no \"docs<TAB>N\" line", path);
    } else if (!(idf->w = malloc((idf->terms.n ? idf->terms.n : 1) * sizeof(*idf->w)))) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "%s: out of memory", path);
    } else {
        for (size_t t = 0; t < idf->terms.n; t++) {
            idf->w[t] = (float)idf_formula(idf->docs, idf->df[t]);
        }
        idf->unseen = idf_formula(idf->docs, 0);
    }
done:
    fclose(fp);
    if (err) {
        nf_idf_free(idf);
    }
    return err;
}

double nf_idf_weight(const struct nf_idf *idf, const char *key, size_t n)
{
    if (idf->docs == 0) {
        return 1.0;
    }
    uint32_t id = nf_lex_table_find(&idf->terms, key, n);
    return id == NF_LEX_NONE ? idf->unseen : (double)idf->w[id];
}

/* ---- builder */

struct idf_sort {
    const struct nf_lex_table *t;
    uint32_t *ids;
};

static int idf_cmp_key(const struct nf_lex_table *t, uint32_t a, uint32_t b)
{
    size_t na;
    size_t nb;
    const char *ka = nf_lex_table_key(t, a, &na);
    const char *kb = nf_lex_table_key(t, b, &nb);
    int c = memcmp(ka, kb, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

/* Heap sort of ids by key: qsort has no context argument in C11, and the table is not global. */
static void idf_sift(const struct nf_lex_table *t, uint32_t *v, size_t root, size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n) {
            return;
        }
        if (c + 1 < n && idf_cmp_key(t, v[c], v[c + 1]) < 0) {
            c++;
        }
        if (idf_cmp_key(t, v[root], v[c]) >= 0) {
            return;
        }
        uint32_t tmp = v[root];
        v[root] = v[c];
        v[c] = tmp;
        root = c;
    }
}

static void idf_sort_ids(const struct nf_lex_table *t, uint32_t *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) {
        idf_sift(t, v, i, n);
    }
    for (size_t end = n; end-- > 1;) {
        uint32_t tmp = v[0];
        v[0] = v[end];
        v[end] = tmp;
        idf_sift(t, v, 0, end);
    }
}

/* Count the distinct terms of one document into all/df. */
static int idf_count_doc(const char *text, size_t len, const struct nf_lex_table *stop,
                         struct nf_lex_table *all, uint32_t **df, size_t *cap)
{
    struct nf_lex_vocab vocab = {0};
    struct nf_lex_toks toks = {0};
    int err = nf_lex_tokenize(text, 0, len, 0, stop, &vocab, &toks);
    for (uint32_t t = 0; !err && t < vocab.terms.n; t++) {
        size_t kn;
        const char *key = nf_lex_table_key(&vocab.terms, t, &kn);
        uint32_t id;
        err = nf_lex_table_intern(all, key, kn, &id);
        if (!err && id >= *cap) {
            size_t ncap = *cap ? *cap * 2 : 4096;
            uint32_t *v = realloc(*df, ncap * sizeof(*v));
            if (!v) {
                err = NF_ERR_NOMEM;
                break;
            }
            memset(v + *cap, 0, (ncap - *cap) * sizeof(*v));
            *df = v;
            *cap = ncap;
        }
        if (!err) {
            (*df)[id]++;
        }
    }
    nf_lex_vocab_free(&vocab);
    nf_lex_toks_free(&toks);
    return err;
}

int nf_idf_build(FILE *in, FILE *out, const struct nf_lex_table *stop, uint32_t min_df,
                 size_t max_line, size_t *ndocs, size_t *nterms, char *errstr, size_t errstr_size)
{
    struct nf_lex_table all = {0};
    uint32_t *df = NULL;
    uint32_t *ids = NULL;
    size_t cap = 0;
    char *line = NULL;
    size_t linecap = 0;
    unsigned long lineno = 0;
    int err = 0;
    *ndocs = 0;
    *nterms = 0;
    ssize_t got;
    while ((got = getline(&line, &linecap, in)) > 0) {
        lineno++;
        if ((size_t)got > max_line || *ndocs >= UINT32_MAX - 1) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "input line %lu: over %zu bytes",
                            lineno, max_line);
            goto done;
        }
        if (strspn(line, " \t\r\n") == (size_t)got) {
            continue; /* a blank line */
        }
        json_error_t jerr;
        json_t *rec = json_loadb(line, (size_t)got, 0, &jerr);
        if (!rec) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "input line %lu: %s", lineno,
                            jerr.text);
            goto done;
        }
        const json_t *text = json_object_get(rec, "text");
        if (json_is_string(text)) {
            err = idf_count_doc(json_string_value(text), json_string_length(text), stop, &all, &df,
                                &cap);
            (*ndocs)++;
        }
        json_decref(rec);
        if (err) {
            nf_seterr(errstr, errstr_size, err, "input line %lu: out of memory", lineno);
            goto done;
        }
    }
    if (ferror(in)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_IO, "read error on the input");
        goto done;
    }
    ids = malloc((all.n ? all.n : 1) * sizeof(*ids));
    if (!ids) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t n = 0;
    for (uint32_t t = 0; t < all.n; t++) {
        if (df[t] >= min_df) {
            ids[n++] = t;
        }
    }
    idf_sort_ids(&all, ids, n); /* byte order: the file does not depend on input order */
    fprintf(out, "docs\t%zu\n", *ndocs);
    for (size_t i = 0; i < n; i++) {
        size_t kn;
        const char *key = nf_lex_table_key(&all, ids[i], &kn);
        fprintf(out, "%.*s\t%u\n", (int)kn, key, df[ids[i]]);
    }
    *nterms = n;
    if (fflush(out) != 0 || ferror(out)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_IO, "write error: %s", strerror(errno));
    }
done:
    nf_lex_table_free(&all);
    free(df);
    free(ids);
    free(line);
    return err;
}
