/* rank.h - extractive sentence ranking for the summarize stage: an article model (sentences,
 * tokens, term frequencies), per-sentence features, a weighted score and a redundancy-aware
 * greedy selection of N sentences, returned in article order.
 *
 * Features are rows of one table (rank.c): each fills feat[k] in [0, 1] for every sentence and
 * the score is sum_k weight[k] * feat[k] (a weight may be negative: a penalty). Adding a feature
 * = one enum value + one function + one config key.
 */
#ifndef NF_SUMMARIZE_RANK_H
#define NF_SUMMARIZE_RANK_H

#include <stddef.h>
#include <stdint.h>

#include "idf.h"
#include "lexicon.h"
#include "splitter.h"

enum nf_rank_feature {
    NF_RANK_POSITION = 0, /* lead bias: early sentences score high */
    NF_RANK_CENTRALITY,   /* shares frequent content words with the rest of the article */
    NF_RANK_ENTITY,       /* mentions the article's recurring entities */
    NF_RANK_QUOTE,        /* share of the sentence inside quotation marks (weight < 0) */
    NF_RANK_GRAPH,        /* LexRank-style degree in the TF-IDF cosine similarity graph */
    NF_RANK_PERSONAL,     /* speaks in the first or second person (I, we, you): weight < 0 */
    NF_RANK_NFEAT
};

/* An entity mention from the entities stage: code-point offsets into the text. */
struct nf_rank_entity {
    size_t start;
    size_t end;
    const char *text; /* borrowed */
    size_t len;
};

struct nf_rank_params {
    size_t sentences;        /* how many to pick (>= 1) */
    size_t max_words;        /* word budget over the summary, 0 = none */
    size_t min_words;        /* shorter sentences only when nothing else is left */
    size_t long_words;       /* longer sentences only when nothing else is left */
    double redundancy;       /* skip a sentence whose content-word overlap with a chosen one is > */
    double position_decay;   /* position prior = 1 / (1 + decay * max(0, index + 1 - plateau)) */
    size_t position_plateau; /* the first this many sentences get the full prior (>= 1) */
    double diversity;        /* MMR: a candidate's score minus diversity * its similarity to the
                                closest chosen sentence */
    double graph_backward;   /* graph degree = sum of similarities to later sentences + this times
                                the sum to earlier ones (PacSum-style direction; 1 = undirected) */
    int lead;                /* 1: no scoring, the first `sentences` sentences (Lead-N baseline) */
    double weight[NF_RANK_NFEAT];
};

#define NF_RANK_SKIP 0x1u /* never chosen for the summary (the title, a headline line) */

struct nf_rank_sent {
    size_t start; /* bytes */
    size_t end;
    unsigned para;
    unsigned flags; /* NF_RANK_SKIP */
    size_t tok0;    /* first token in doc->toks */
    size_t ntok;    /* word count */
    size_t set0;    /* distinct content terms: doc->sets[set0 .. set0 + nset), sorted */
    size_t nset;
    double feat[NF_RANK_NFEAT];
    double score;
};

struct nf_rank_doc {
    const char *text; /* borrowed */
    size_t len;
    struct nf_rank_sent *sent;
    size_t nsent;
    int truncated; /* the sentence bound stopped the split early */
    struct nf_lex_toks toks;
    struct nf_lex_vocab vocab;
    uint32_t *tf;    /* per term: occurrences in the article */
    float *idf;      /* per term: IDF weight (nf_rank_doc_weigh), NULL until then */
    uint32_t *sets;  /* per-sentence distinct term ids, concatenated */
    size_t ncontent; /* content tokens in the article */
};

/* Build the article model: split, tokenize, count. doc must be zeroed; free it with
 * nf_rank_doc_free even on error. text is borrowed and must outlive doc. */
int nf_rank_doc_build(struct nf_rank_doc *doc, const char *text, size_t len,
                      const struct nf_split_opts *split, const struct nf_lex_table *stop);
void nf_rank_doc_free(struct nf_rank_doc *doc);

/* Look up every term of the article in idf (may hold no statistics: all weights 1). Call after
 * nf_rank_doc_build and before nf_rank_score. Returns 0 or NF_ERR_NOMEM. */
int nf_rank_doc_weigh(struct nf_rank_doc *doc, const struct nf_idf *idf);

/* Fill every sentence's features and score. ents may be NULL (nents 0): the entity feature then
 * uses capitalised words instead. */
int nf_rank_score(struct nf_rank_doc *doc, const struct nf_rank_params *p,
                  const struct nf_rank_entity *ents, size_t nents);

/* Pick up to p->sentences sentence indices into out (room for p->sentences), in article order;
 * *nout gets the count (0 only for an article without sentences). Call after nf_rank_score. */
int nf_rank_select(const struct nf_rank_doc *doc, const struct nf_rank_params *p, size_t *out,
                   size_t *nout);

/* Mark as NF_RANK_SKIP the sentences that repeat the title (title: the record's, len bytes):
 * same content words, give or take a fifth. Call after nf_rank_doc_build. */
void nf_rank_skip_title(struct nf_rank_doc *doc, const char *title, size_t len);

/* A headline line at the top of the text: a first paragraph made of one short sentence without
 * final punctuation, followed by more paragraphs. Returns its index (and marks it NF_RANK_SKIP),
 * or SIZE_MAX. */
size_t nf_rank_find_headline(struct nf_rank_doc *doc);

/* Sentence index with the highest score (first on ties); doc->nsent must be > 0. */
size_t nf_rank_best(const struct nf_rank_doc *doc);

#endif
