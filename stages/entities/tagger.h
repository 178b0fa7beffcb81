/* tagger.h - the entities stage's statistical name tagger: a hashed linear model over the
 * features of features.c, decoded greedily left to right under BILOU constraints, and its binary
 * model file (config/models/ner-en.bin). Replaces the rule-based names.c when entities.model is
 * set; the trainer (trainer.c, newsflow-train-ner) writes the model.
 */
#ifndef NF_ENT_TAGGER_H
#define NF_ENT_TAGGER_H

#include <stddef.h>
#include <stdint.h>

#include "features.h"
#include "gazetteer.h"
#include "spans.h"
#include "tokenize.h"

#define NF_MODEL_VERSION 1u
#define NF_MODEL_BITS_MIN 8u
#define NF_MODEL_BITS_MAX 22u

/* One non-empty row of the compact index. */
struct nf_ent_model_slot {
    uint32_t key; /* row id + 1; 0 = empty slot */
    uint32_t pos; /* row index into rows */
};

/* A model: (1 << bits) rows of NF_TAG_N int16 weights; a feature hash h uses row
 * h >> (64 - bits). Most rows are empty, so decoding reads a compact copy: the non-empty rows
 * and an open-addressing index from row id to row (a few MB, cache friendly). The dense table
 * exists only while training. Read-only once built (shared by transform threads). */
struct nf_ent_model {
    unsigned bits;
    unsigned featset;  /* NF_FEATSET_ID it was trained with */
    unsigned gaz_mask; /* word-list categories its features use */
    float scale;       /* weight = w / scale (for reports only: decoding compares sums) */
    int16_t *w;        /* dense rows, or NULL (a loaded model) */
    int16_t *rows;     /* compact: nrows rows of NF_TAG_N */
    size_t nrows;
    struct nf_ent_model_slot *index;
    size_t index_cap; /* power of two, at least 2 * nrows */
    uint64_t *present; /* bitmap of the non-empty rows: most features have none, and this
                        * 128 KB (2^20 rows) stays in cache where the index would not */
};

/* A zeroed model with a dense table of 1 << bits rows (bits within NF_MODEL_BITS_MIN..MAX),
 * or NULL. Fill m->w, then call nf_ent_model_compact before decoding. */
struct nf_ent_model *nf_ent_model_new(unsigned bits, unsigned gaz_mask);
void nf_ent_model_destroy(struct nf_ent_model *m);
/* (Re)build the compact rows and index from the dense table. 0 or NF_ERR_NOMEM. */
int nf_ent_model_compact(struct nf_ent_model *m);
/* The weights of row r, or NULL if the row is empty. */
const int16_t *nf_ent_model_row(const struct nf_ent_model *m, uint32_t r);

/* File format (little endian): "NFNERMDL", u32 version, u32 featset, u32 ntags, u32 bits,
 * u32 gaz_mask, f32 scale, u32 nonzero row count, 28 reserved zero bytes (64-byte header); a
 * bitmap of the non-empty rows ((1 << bits) / 8 bytes); the non-empty rows (ntags int16 each);
 * u64 FNV-1a of everything before it. Returns 0 or NF_ERR_IO / NF_ERR_NOMEM with errstr. */
int nf_ent_model_save(const struct nf_ent_model *m, const char *path, char *errstr,
                      size_t errstr_size);
/* Load and validate (size, magic, version, feature set, tag count, checksum): 0 and *out, or
 * NF_ERR_IO (unreadable), NF_ERR_INVALID (not a model, corrupt, or made for other features)
 * or NF_ERR_NOMEM, with errstr naming the file and the problem. */
int nf_ent_model_load(const char *path, struct nf_ent_model **out, char *errstr,
                      size_t errstr_size);

/* Tag an initialised document: fills d->tags by greedy decoding. 0 (cannot fail). */
void nf_ent_tagger_decode(const struct nf_ent_model *m, struct nf_ent_fdoc *d);
/* Best valid tag after prev for the scores of NF_TAG_N tags. */
int nf_ent_tagger_best(const int32_t *scores, int prev);
/* Append the PERSON/ORG/LOC/MISC spans of a tagged document to out. 0 or NF_ERR_NOMEM. */
int nf_ent_tagger_spans(const struct nf_ent_fdoc *d, struct nf_ent_spans *out);

/* The whole run-time path: features, decoding, spans (sorted, disjoint) appended to out.
 * 0 or NF_ERR_NOMEM. */
int nf_ent_tagger_find(const struct nf_ent_model *m, const struct nf_ent_gaz *gaz,
                       const char *text, const struct nf_ent_toks *toks, struct nf_ent_spans *out);

#endif
