/* spans.h - entity types and a growable vector of typed byte spans, shared by the entities
 * stage's tokenizer, pattern matcher, name finder and canonical grouping (stages/entities/).
 * Spans are byte offsets into the record's UTF-8 text; entities.c converts them to code points.
 */
#ifndef NF_ENT_SPANS_H
#define NF_ENT_SPANS_H

#include <stddef.h>

enum nf_ent_type {
    NF_ENT_NONE = 0,
    NF_ENT_PERSON,
    NF_ENT_ORG,
    NF_ENT_LOC,
    NF_ENT_MISC,
    NF_ENT_DATE,
    NF_ENT_TIME,
    NF_ENT_MONEY,
    NF_ENT_PERCENT,
    NF_ENT_QUANTITY,
    NF_ENT_NTYPES
};

struct nf_ent_span {
    size_t b0, b1; /* byte offsets, end exclusive */
    int type;      /* enum nf_ent_type */
};

/* Zero-initialise; free with nf_ent_spans_free. */
struct nf_ent_spans {
    struct nf_ent_span *v;
    size_t n, cap;
};

/* "PERSON", "DATE", ... ; "NONE" for anything out of range. */
const char *nf_ent_type_name(int type);
/* Is the type found by the name finder (PERSON, ORG, LOC, MISC)? */
int nf_ent_type_is_name(int type);

/* Append one span; 0 or NF_ERR_NOMEM. */
int nf_ent_spans_push(struct nf_ent_spans *s, size_t b0, size_t b1, int type);
void nf_ent_spans_free(struct nf_ent_spans *s);
/* Sort by start, longer first on equal starts. */
void nf_ent_spans_sort(struct nf_ent_spans *s);
/* Keep a non-overlapping subset: walk in sorted order and drop any span that overlaps one kept
 * before it (so on overlap the earlier, then longer, span wins). Sorts first. */
void nf_ent_spans_resolve(struct nf_ent_spans *s);
/* Add to dst (sorted, non-overlapping) every span of src (sorted, non-overlapping) that overlaps
 * none of dst's, keeping dst sorted: dst has priority. 0 or NF_ERR_NOMEM. */
int nf_ent_spans_merge(struct nf_ent_spans *dst, const struct nf_ent_spans *src);

#endif
