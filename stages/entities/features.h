/* features.h - the feature extractor of the entities stage's statistical tagger (tagger.c):
 * per-token hashed features (word forms, affixes, shapes, neighbours, word lists, document-level
 * case and earlier predictions) for a greedy left-to-right BILOU decoder. Used at run time and by
 * the trainer (trainer.c), so both see exactly the same features.
 */
#ifndef NF_ENT_FEATURES_H
#define NF_ENT_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "docmap.h"
#include "gazetteer.h"
#include "tokenize.h"

/* Bump when a feature changes meaning: a model records the id it was trained with. */
#define NF_FEATSET_ID 7u

#define NF_FEAT_MAX 112 /* features of one token, at most */

/* Tags: 0 = O, then for each name type (PER, ORG, LOC, MISC) B, I, L, U. */
#define NF_TAG_O 0
#define NF_TAG_N 17
#define NF_TAG_START NF_TAG_N /* "before the line": only a feature value, never a tag */
#define NF_TAG_B 0
#define NF_TAG_I 1
#define NF_TAG_L 2
#define NF_TAG_U 3
/* tag of type t (NF_ENT_PERSON..NF_ENT_MISC) at position p (NF_TAG_B..NF_TAG_U) */
#define NF_TAG(t, p) (1 + ((t) - 1) * 4 + (p))
#define NF_TAG_TYPE(tag) ((tag) == 0 ? 0 : 1 + ((tag) - 1) / 4) /* enum nf_ent_type */
#define NF_TAG_POS(tag) (((tag) - 1) % 4)

/* Can tag cur follow tag prev (NF_TAG_START at a line start)? BILOU: after B/I of a type only
 * I/L of that type; elsewhere only O, B or U. */
int nf_ent_tag_valid(int prev, int cur);

/* Word-list categories the tagger may use by default: the hand-written lists and
 * common_words.txt. The known_*.txt lists are derived from the training text, so a model trained
 * with them learns to trust memorised names; the trainer adds them only on request. */
#define NF_FEAT_GAZ_DEFAULT                                                                     \
    (NF_GAZ_FIRST | NF_GAZ_TITLE | NF_GAZ_ORGSUF | NF_GAZ_ORG | NF_GAZ_LOC | NF_GAZ_DEMONYM |    \
     NF_GAZ_MISC | NF_GAZ_STOP | NF_GAZ_MISCSUF | NF_GAZ_LOCSUF | NF_GAZ_COMMON | NF_GAZ_COUNTRY)

/* In a model's gaz_mask: the rule-based name finder (names.c) runs first and its spans are
 * features. It then uses the same word lists as the tagger (load them with
 * nf_ent_gaz_load_skip(dir, NF_GAZ_KNOWN_ALL & ~gaz_mask, ...)). */
#define NF_FEAT_RULES 0x80000000u

struct nf_ent_tokinfo {
    uint64_t lw;     /* hash of the lower-cased word */
    uint64_t w;      /* hash of the word as written */
    uint64_t shape;  /* hash of the long shape (Xxxx, dd-dd; runs capped at 4) */
    uint64_t bshape; /* hash of the brief shape (Xx, d-d) */
    uint64_t pre[4], suf[4]; /* lower-cased prefixes / suffixes of 1..4 code points, 0 = none */
    uint64_t phrase; /* multi-word list matches: bit (category * 3 + B/I/L) */
    unsigned gaz;    /* word-list bits of the token itself (masked) */
    unsigned flags;  /* NF_TOKF_* */
    unsigned docc;   /* how the document writes this word elsewhere (DOCC_* in features.c) */
    unsigned line0;  /* first token of a new line */
    uint64_t hyph;   /* hash of the lower-cased part after the last inner hyphen, 0 = none */
    /* the capitalised run the token is in ("Asan Institute for Policy Studies"): capitalised
     * words on one line, joined over of/for/and/de/&; run_pos 0 = not in a run */
    unsigned rule;    /* tag the rule-based finder gives the token (NF_FEAT_RULES), 0 = O */
    unsigned no_ent;  /* punctuation that never is part of a name: always O */
    unsigned run_pos; /* 1 + NF_TAG_B/I/L/U */
    unsigned run_len;
    size_t run_first, run_last;
};

/* One document being tagged. Fill with nf_ent_fdoc_init, free with nf_ent_fdoc_free. */
struct nf_ent_fdoc {
    const char *text;
    const struct nf_ent_tok *t;
    size_t n;
    struct nf_ent_tokinfo *ti;
    unsigned char *tags;         /* decided tags, filled by nf_ent_fdoc_commit */
    unsigned numeric;            /* 0..3: share of number tokens (results tables are 2-3) */
    int drop_word; /* training only: leave out the token's word-identity features (dropout) */
    unsigned last_type;  /* type of the last name committed on the current line, 0 = none */
    size_t last_end;     /* its last token */
    struct nf_ent_docmap hist;   /* lower-cased word -> types the tagger gave it so far */
};

/* Precompute the token-level features of a tokenized text (borrowed: text, toks and gaz must
 * outlive d). gaz_mask selects the word-list categories (NF_GAZ_*) used, and NF_FEAT_RULES the
 * rule-based finder's output. 0 or NF_ERR_NOMEM (d is then freed). */
int nf_ent_fdoc_init(struct nf_ent_fdoc *d, const struct nf_ent_gaz *gaz, unsigned gaz_mask,
                     const char *text, const struct nf_ent_toks *toks);
void nf_ent_fdoc_free(struct nf_ent_fdoc *d);

/* The hashed features of token i, given the tags committed for tokens before i. Writes at most
 * NF_FEAT_MAX hashes to out and returns their number. */
size_t nf_ent_feats(struct nf_ent_fdoc *d, size_t i, uint64_t *out);
/* Record the tag decided for token i (tokens are committed in order). */
void nf_ent_fdoc_commit(struct nf_ent_fdoc *d, size_t i, int tag);

/* Word shape of s[0..n): upper -> X, lower -> x, digit -> d, other letters -> a, punctuation
 * kept (non-ASCII as '?'). brief collapses runs to one character, else runs are capped at 4
 * ("Xxxxx" for "Shoigu", "Xx" brief). NUL-terminated, truncated to size-1; returns the length. */
size_t nf_ent_word_shape(const char *s, size_t n, int brief, char *out, size_t size);
/* Byte length of the first (suffix = 0) or last (suffix = 1) k code points of s[0..n), or 0 if
 * s has fewer than k code points. */
size_t nf_ent_affix_len(const char *s, size_t n, size_t k, int suffix);

#endif
