/* keyphrase.h - key phrases of an article for the summarize stage: runs of up to four content
 * words, scored by frequency, length and entity matches, de-duplicated, best first.
 */
#ifndef NF_SUMMARIZE_KEYPHRASE_H
#define NF_SUMMARIZE_KEYPHRASE_H

#include <stddef.h>

#include "rank.h"

struct nf_keyphrase {
    size_t start; /* bytes into doc->text of the first occurrence (whitespace not normalised) */
    size_t end;
    double score; /* (0, 1], the best phrase has 1 */
};

/* Extract up to max phrases into out (room for max), best first; *nout gets the count.
 * ents (may be NULL) lift phrases that are also entity names. */
int nf_keyphrase_extract(const struct nf_rank_doc *doc, const struct nf_rank_entity *ents,
                         size_t nents, struct nf_keyphrase *out, size_t max, size_t *nout);

#endif
