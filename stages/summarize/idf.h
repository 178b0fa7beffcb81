/* idf.h - document-frequency statistics for the summarize stage: a table of term -> number of
 * training documents containing it, loaded once in init() from config/summarize/idf.tsv and only
 * read afterwards; and the builder the newsflow-build-idf tool uses to make that file.
 *
 * File format (UTF-8 text): '#' comment lines; one "docs<TAB>N" line giving the number of
 * documents counted; then "term<TAB>df" lines, terms as the stage's tokenizer produces them
 * (normalised, stemmed content words), 1 <= df <= N, each term once.
 */
#ifndef NF_SUMMARIZE_IDF_H
#define NF_SUMMARIZE_IDF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lexicon.h"

struct nf_idf {
    struct nf_lex_table terms; /* owned */
    uint32_t *df;              /* per term id */
    float *w;                  /* per term id: its IDF, computed once at load */
    double unseen;             /* the IDF of a term the table lacks */
    uint32_t docs;             /* N; 0 = no statistics (every term weighs the same) */
};

/* Load path into idf (zero-initialised). On error idf is left empty and errstr names the file
 * and, for a malformed line, its line number. Free with nf_idf_free. */
int nf_idf_load(const char *path, struct nf_idf *idf, char *errstr, size_t errstr_size);
void nf_idf_free(struct nf_idf *idf);

/* Inverse document frequency of a term key (as in doc->vocab.terms): log((N + 1) / (df + 0.5)),
 * df = 0 for a term the table lacks; 1.0 for every term when the table is empty. */
double nf_idf_weight(const struct nf_idf *idf, const char *key, size_t n);

/* Builder: read JSONL records from in (one object a line, its string "text" = one document;
 * other keys ignored; blank lines and records without "text" skipped), count each content term once per document
 * with the stage's tokenizer and stopwords, and write the table to out with the terms whose df
 * >= min_df, sorted by byte order. Lines longer than max_line bytes are an error. *ndocs and
 * *nterms get the counts. Returns 0 or an nf_err with errstr set. */
int nf_idf_build(FILE *in, FILE *out, const struct nf_lex_table *stop, uint32_t min_df,
                 size_t max_line, size_t *ndocs, size_t *nterms, char *errstr, size_t errstr_size);

#endif
