/* canon.h - groups an article's name mentions into canonical entities with a salience score
 * (stages/entities/canon.c): "Vladimir Putin" and a later "Putin" become one PERSON.
 */
#ifndef NF_ENT_CANON_H
#define NF_ENT_CANON_H

#include <jansson.h>
#include <stddef.h>

#include "spans.h"

struct nf_ent_doc {
    const char *text;  /* the article text (valid UTF-8) */
    size_t len;        /* bytes */
    size_t cp_len;     /* code points */
    size_t lead_end;   /* byte offset where the first paragraph ends */
    const char *title; /* the record's title, or NULL */
};

/* Build the "entities_canonical" array from the sorted, non-overlapping mentions (spans; only
 * PERSON/ORG/LOC/MISC are grouped) whose code-point starts are cp0[i]. Grouping: mentions with
 * the same type and the same text (case-insensitive) are one entity; then a one-word PERSON or
 * ORG mention joins the multi-word PERSON whose last (else first) word it is - "Putin" joins
 * "Vladimir Putin", "Kim" joins "Kim Jong-un" - preferring the most mentioned; an all-capitals
 * acronym joins the multi-word non-person name whose initials it spells (KCNA).
 * The name is the longest mention. Salience (documented in the stage README):
 *     mentions + 2 * lead + (1 - first / cp_len)
 * where lead is 1 if a mention is in the first paragraph or its text occurs in the title, and
 * first is the code-point offset of the first mention. Sorted by salience, then first.
 * Returns a new array reference, or NULL on allocation failure. */
json_t *nf_ent_canon_build(const struct nf_ent_doc *doc, const struct nf_ent_spans *mentions,
                           const size_t *cp0);

#endif
