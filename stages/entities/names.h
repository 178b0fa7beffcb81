/* names.h - the entities stage's name finder: tokens -> PERSON/ORG/LOC/MISC spans.
 * This is the rule-based first version (capitalised runs + word lists + context, names.c). A
 * statistical tagger can replace it behind the same call: entities.c only sees the spans.
 */
#ifndef NF_ENT_NAMES_H
#define NF_ENT_NAMES_H

#include <stddef.h>

#include "gazetteer.h"
#include "spans.h"
#include "tokenize.h"

/* Append one span per name found in text (tokenized into toks) to out, sorted and not
 * overlapping each other. gaz is shared read-only; per-call memory is freed before returning.
 * Returns 0 or NF_ERR_NOMEM. */
int nf_ent_names_find(const struct nf_ent_gaz *gaz, const char *text,
                      const struct nf_ent_toks *toks, struct nf_ent_spans *out);

#endif
