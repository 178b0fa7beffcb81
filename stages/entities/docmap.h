/* docmap.h - a small per-call hash map from 64-bit word/phrase hashes to one byte of facts,
 * used by the entities stage's name finder (names.c) to remember what a document says about its
 * words. Sized once for the document, never grown.
 */
#ifndef NF_ENT_DOCMAP_H
#define NF_ENT_DOCMAP_H

#include <stddef.h>
#include <stdint.h>

struct nf_ent_docmap {
    uint64_t *keys; /* 0 = empty: callers never use 0 as a key */
    unsigned char *vals;
    size_t cap; /* power of two */
};

/* Room for at least n keys at half load. 0 or NF_ERR_NOMEM (free with nf_ent_docmap_free). */
int nf_ent_docmap_init(struct nf_ent_docmap *m, size_t n);
void nf_ent_docmap_free(struct nf_ent_docmap *m);
/* Value slot of key h; inserted as 0 when create. NULL for h == 0, if absent and not created,
 * or if the map is full. */
unsigned char *nf_ent_docmap_slot(struct nf_ent_docmap *m, uint64_t h, int create);
/* Value of h, 0 if absent. */
unsigned nf_ent_docmap_get(struct nf_ent_docmap *m, uint64_t h);

#endif
