/* docmap.c - per-document hash map (64-bit key -> byte) for the entities stage's name finder
 * (see docmap.h): open addressing with linear probing, bounded probes.
 */
#include "docmap.h"

#include <stdlib.h>

#include "newsflow/err.h"

int nf_ent_docmap_init(struct nf_ent_docmap *m, size_t n)
{
    size_t cap = 64;
    while (cap < n * 2) {
        cap *= 2;
    }
    m->keys = calloc(cap, sizeof(*m->keys));
    m->vals = calloc(cap, 1);
    m->cap = cap;
    return (m->keys && m->vals) ? 0 : NF_ERR_NOMEM;
}

void nf_ent_docmap_free(struct nf_ent_docmap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = 0;
}

unsigned char *nf_ent_docmap_slot(struct nf_ent_docmap *m, uint64_t h, int create)
{
    size_t mask = m->cap - 1, i = (size_t)h & mask, probes;
    if (h == 0 || m->cap == 0) {
        return NULL; /* 0 marks empty slots */
    }
    for (probes = 0; probes < m->cap; probes++) {
        if (m->keys[i] == h) {
            return &m->vals[i];
        }
        if (m->keys[i] == 0) {
            if (!create) {
                return NULL;
            }
            m->keys[i] = h;
            return &m->vals[i];
        }
        i = (i + 1) & mask;
    }
    return NULL;
}

unsigned nf_ent_docmap_get(struct nf_ent_docmap *m, uint64_t h)
{
    unsigned char *v = nf_ent_docmap_slot(m, h, 0);
    return v ? *v : 0;
}
