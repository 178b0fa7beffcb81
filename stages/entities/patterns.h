/* patterns.h - DATE, TIME, MONEY, PERCENT and QUANTITY mentions found with PCRE2 patterns
 * (stages/entities/patterns.c). Compiled once in init (UTF mode, JIT when available); the
 * compiled set is read-only and each call uses its own match data, so threads may share it.
 */
#ifndef NF_ENT_PATTERNS_H
#define NF_ENT_PATTERNS_H

#include <stddef.h>
#include <stdint.h>

#include "spans.h"

struct nf_ent_patterns;

/* Compile every pattern. match_limit bounds the work of one pcre2_match call (and the JIT).
 * Returns 0 and *out, or NF_ERR_CONFIG/NF_ERR_NOMEM with errstr naming the pattern. */
int nf_ent_patterns_new(uint32_t match_limit, struct nf_ent_patterns **out, char *errstr,
                        size_t errstr_size);
void nf_ent_patterns_destroy(struct nf_ent_patterns *p);

/* Is the JIT in use? */
int nf_ent_patterns_jit(const struct nf_ent_patterns *p);

/* Append to out every pattern match in text (valid UTF-8, len bytes), resolved so that spans
 * do not overlap (earlier, then longer, wins). A pattern that hits the match limit is abandoned
 * for the rest of this text (*limited is incremented) rather than failing the record.
 * Returns 0 or NF_ERR_NOMEM. */
int nf_ent_patterns_find(const struct nf_ent_patterns *p, const char *text, size_t len,
                         struct nf_ent_spans *out, unsigned *limited);

#endif
