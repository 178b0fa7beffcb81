/* canon.c - canonical entities for the entities stage (see canon.h): groups mentions by
 * (type, lower-cased text) with a hash sort, attaches one-word mentions to the multi-word personal
 * name they abbreviate, and scores each entity's salience.
 */
#include "canon.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/util.h"
#include "tokenize.h"

struct group {
    size_t name_b0, name_b1; /* longest mention */
    int type;
    size_t mentions;
    size_t first_cp;
    int lead;
    int multi;     /* name has several words */
    size_t parent; /* index of the group this one was merged into, or itself */
};

struct mref {
    uint64_t key; /* hash of type + lower-cased text */
    size_t idx;   /* mention index */
};

static uint64_t text_key(const char *text, size_t b0, size_t b1, int type)
{
    char buf[512];
    size_t n = nf_ent_tok_lower(text, b0, b1, buf + 1, sizeof(buf) - 1);
    buf[0] = (char)('0' + type);
    if (n == 0) {
        /* too long to lower-case here: hash the raw bytes */
        return nf_hash64(text + b0, b1 - b0) ^ (uint64_t)type;
    }
    return nf_hash64(buf, n + 1);
}

static int mref_cmp(const void *a, const void *b)
{
    const struct mref *x = a, *y = b;
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int has_space(const char *s, size_t n)
{
    return memchr(s, ' ', n) != NULL;
}

/* Hash of the first or last space-separated word of text[b0, b1), lower-cased. */
static uint64_t word_key(const char *text, size_t b0, size_t b1, int last)
{
    size_t a = b0, z = b1, k;
    if (last) {
        for (k = b1; k > b0; k--) {
            if (text[k - 1] == ' ') {
                a = k;
                break;
            }
        }
    } else {
        for (k = b0; k < b1; k++) {
            if (text[k] == ' ') {
                z = k;
                break;
            }
        }
    }
    return text_key(text, a, z, NF_ENT_PERSON);
}

#define ACRO_MAX 8

/* The letters of an all-capitals word ("KCNA", "U.N."), 2..ACRO_MAX of them, into out; else 0. */
static size_t acronym(const char *s, size_t n, char *out)
{
    size_t k, m = 0;
    for (k = 0; k < n; k++) {
        if (s[k] >= 'A' && s[k] <= 'Z' && m < ACRO_MAX) {
            out[m++] = s[k];
        } else if (s[k] != '.') {
            return 0;
        }
    }
    return m >= 2 ? m : 0;
}

/* Initials of the capitalised words of a name ("Bank of England" -> "BE"), or 0 if more than
 * ACRO_MAX. */
static size_t initials(const char *s, size_t n, char *out)
{
    size_t k, m = 0;
    for (k = 0; k < n; k++) {
        if ((k == 0 || s[k - 1] == ' ' || s[k - 1] == '-') && s[k] >= 'A' && s[k] <= 'Z') {
            if (m == ACRO_MAX) {
                return 0;
            }
            out[m++] = s[k];
        }
    }
    return m;
}

static int in_lead(const struct nf_ent_doc *doc, const struct nf_ent_span *m)
{
    char buf[256];
    size_t n = m->b1 - m->b0;
    if (m->b0 < doc->lead_end) {
        return 1;
    }
    if (!doc->title || n >= sizeof(buf)) {
        return 0;
    }
    memcpy(buf, doc->text + m->b0, n);
    buf[n] = '\0';
    return strstr(doc->title, buf) != NULL;
}

static size_t root(struct group *g, size_t i)
{
    while (g[i].parent != i) {
        i = g[i].parent;
    }
    return i;
}

static int group_cmp_salience(const void *a, const void *b, const double *sal,
                              const struct group *g)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (sal[x] != sal[y]) {
        return sal[x] > sal[y] ? -1 : 1;
    }
    return g[x].first_cp < g[y].first_cp ? -1 : g[x].first_cp > g[y].first_cp;
}

json_t *nf_ent_canon_build(const struct nf_ent_doc *doc, const struct nf_ent_spans *ms,
                           const size_t *cp0)
{
    struct mref *refs = NULL;
    struct group *g = NULL;
    size_t *order = NULL;
    double *sal = NULL;
    uint64_t *wkeys = NULL; /* per group: last word, first word (multi-word PERSON only) */
    json_t *arr = json_array(), *res = NULL;
    size_t nref = 0, ng = 0, i, j;

    if (!arr) {
        goto done;
    }
    refs = malloc((ms->n + 1) * sizeof(*refs));
    g = malloc((ms->n + 1) * sizeof(*g));
    order = malloc((ms->n + 1) * sizeof(*order));
    sal = malloc((ms->n + 1) * sizeof(*sal));
    wkeys = malloc((ms->n + 1) * 2 * sizeof(*wkeys));
    if (!refs || !g || !order || !sal || !wkeys) {
        goto done;
    }
    for (i = 0; i < ms->n; i++) {
        if (nf_ent_type_is_name(ms->v[i].type)) {
            refs[nref].key = text_key(doc->text, ms->v[i].b0, ms->v[i].b1, ms->v[i].type);
            refs[nref].idx = i;
            nref++;
        }
    }
    qsort(refs, nref, sizeof(*refs), mref_cmp);
    /* same type and text: one group; refs are in mention order within a key */
    for (i = 0; i < nref; i++) {
        const struct nf_ent_span *m = &ms->v[refs[i].idx];
        if (i == 0 || refs[i].key != refs[i - 1].key) {
            struct group *x = &g[ng];
            x->name_b0 = m->b0;
            x->name_b1 = m->b1;
            x->type = m->type;
            x->mentions = 0;
            x->first_cp = cp0[refs[i].idx];
            x->lead = 0;
            x->multi = has_space(doc->text + m->b0, m->b1 - m->b0);
            x->parent = ng;
            ng++;
        }
        g[ng - 1].mentions++;
        g[ng - 1].lead |= in_lead(doc, m);
    }
    for (i = 0; i < ng; i++) {
        if (g[i].multi && g[i].type == NF_ENT_PERSON) {
            wkeys[2 * i] = word_key(doc->text, g[i].name_b0, g[i].name_b1, 1);
            wkeys[2 * i + 1] = word_key(doc->text, g[i].name_b0, g[i].name_b1, 0);
        }
    }
    /* an acronym joins the multi-word name it abbreviates: KCNA -> Korean Central News Agency */
    for (i = 0; i < ng; i++) {
        char a[ACRO_MAX + 1], b[ACRO_MAX + 1];
        size_t na, best = ng;
        if (g[i].multi || g[i].type == NF_ENT_PERSON ||
            (na = acronym(doc->text + g[i].name_b0, g[i].name_b1 - g[i].name_b0, a)) == 0) {
            continue;
        }
        for (j = 0; j < ng; j++) {
            if (g[j].multi && g[j].type != NF_ENT_PERSON &&
                initials(doc->text + g[j].name_b0, g[j].name_b1 - g[j].name_b0, b) == na &&
                memcmp(a, b, na) == 0 && (best == ng || g[j].mentions > g[best].mentions)) {
                best = j;
            }
        }
        if (best < ng) {
            g[i].parent = best;
        }
    }
    /* one-word PERSON/ORG groups join the multi-word PERSON they abbreviate: by last word
     * ("Putin"), else by first word ("Kim"); the most mentioned candidate wins */
    for (i = 0; i < ng; i++) {
        uint64_t wk;
        size_t best = ng;
        int pass;
        if (g[i].multi || (g[i].type != NF_ENT_PERSON && g[i].type != NF_ENT_ORG)) {
            continue;
        }
        wk = text_key(doc->text, g[i].name_b0, g[i].name_b1, NF_ENT_PERSON);
        for (pass = 0; pass < 2 && best == ng; pass++) {
            for (j = 0; j < ng; j++) {
                if (g[j].multi && g[j].type == NF_ENT_PERSON && wkeys[2 * j + pass] == wk &&
                    (best == ng || g[j].mentions > g[best].mentions)) {
                    best = j;
                }
            }
        }
        if (best < ng) {
            g[i].parent = best;
        }
    }
    for (i = 0; i < ng; i++) {
        size_t r = root(g, i);
        if (r == i) {
            continue;
        }
        g[r].mentions += g[i].mentions;
        g[r].lead |= g[i].lead;
        if (g[i].first_cp < g[r].first_cp) {
            g[r].first_cp = g[i].first_cp;
        }
    }
    for (i = 0, j = 0; i < ng; i++) {
        if (root(g, i) == i) {
            double early = doc->cp_len ? 1.0 - (double)g[i].first_cp / (double)doc->cp_len : 1.0;
            sal[i] = (double)g[i].mentions + 2.0 * g[i].lead + early;
            sal[i] = round(sal[i] * 1000.0) / 1000.0;
            order[j++] = i;
        }
    }
    /* insertion sort keeps it simple and stable; the entity count is bounded by the caller */
    for (i = 1; i < j; i++) {
        size_t v = order[i], k = i;
        while (k > 0 && group_cmp_salience(&v, &order[k - 1], sal, g) < 0) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = v;
    }
    for (i = 0; i < j; i++) {
        const struct group *x = &g[order[i]];
        json_t *o = json_pack("{s:s%,s:s,s:I,s:I,s:f}", "name", doc->text + x->name_b0,
                              x->name_b1 - x->name_b0, "type", nf_ent_type_name(x->type),
                              "mentions", (json_int_t)x->mentions, "first", (json_int_t)x->first_cp,
                              "salience", sal[order[i]]);
        if (!o || json_array_append_new(arr, o) != 0) {
            goto done;
        }
    }
    res = arr;
    arr = NULL;
done:
    json_decref(arr);
    free(refs);
    free(g);
    free(order);
    free(sal);
    free(wkeys);
    return res;
}
