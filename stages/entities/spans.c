/* spans.c - the typed span vector used throughout the entities stage (see spans.h): append,
 * sort and overlap resolution. Everything here is per-call memory; nothing is shared.
 */
#include "spans.h"

#include <stdlib.h>

#include "newsflow/err.h"

static const char *const type_names[NF_ENT_NTYPES] = {
    "NONE", "PERSON", "ORG", "LOC", "MISC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY",
};

const char *nf_ent_type_name(int type)
{
    if (type <= NF_ENT_NONE || type >= NF_ENT_NTYPES) {
        return "NONE";
    }
    return type_names[type];
}

int nf_ent_type_is_name(int type)
{
    return type >= NF_ENT_PERSON && type <= NF_ENT_MISC;
}

int nf_ent_spans_push(struct nf_ent_spans *s, size_t b0, size_t b1, int type)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        struct nf_ent_span *v = realloc(s->v, cap * sizeof(*v));
        if (!v) {
            return NF_ERR_NOMEM;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].b0 = b0;
    s->v[s->n].b1 = b1;
    s->v[s->n].type = type;
    s->n++;
    return 0;
}

void nf_ent_spans_free(struct nf_ent_spans *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static int span_cmp(const void *a, const void *b)
{
    const struct nf_ent_span *x = a, *y = b;
    if (x->b0 != y->b0) {
        return x->b0 < y->b0 ? -1 : 1;
    }
    if (x->b1 != y->b1) {
        return x->b1 > y->b1 ? -1 : 1; /* longer first */
    }
    return x->type - y->type;
}

void nf_ent_spans_sort(struct nf_ent_spans *s)
{
    if (s->n > 1) {
        qsort(s->v, s->n, sizeof(*s->v), span_cmp);
    }
}

void nf_ent_spans_resolve(struct nf_ent_spans *s)
{
    size_t out = 0, i;
    size_t last_end = 0;

    nf_ent_spans_sort(s);
    for (i = 0; i < s->n; i++) {
        if (out > 0 && s->v[i].b0 < last_end) {
            continue;
        }
        s->v[out++] = s->v[i];
        last_end = s->v[i].b1;
    }
    s->n = out;
}

int nf_ent_spans_merge(struct nf_ent_spans *dst, const struct nf_ent_spans *src)
{
    size_t i, j = 0, n0 = dst->n;
    int rc;

    for (i = 0; i < src->n; i++) {
        const struct nf_ent_span *x = &src->v[i];
        int clash = 0;
        /* dst's first n0 spans are sorted and disjoint: skip those ending before x starts */
        while (j < n0 && dst->v[j].b1 <= x->b0) {
            j++;
        }
        if (j < n0 && dst->v[j].b0 < x->b1) {
            clash = 1;
        }
        if (!clash && (rc = nf_ent_spans_push(dst, x->b0, x->b1, x->type)) != 0) {
            return rc;
        }
    }
    nf_ent_spans_sort(dst);
    return 0;
}
