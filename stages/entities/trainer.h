/* trainer.h - training of the entities stage's tagger model (tagger.h) from annotated JSONL:
 * an averaged perceptron over the same features and greedy decoder as run time, with a dev file
 * for early stopping. The core of newsflow-train-ner (stages/entities/train/), kept in the stage
 * library so unit tests can train tiny models.
 */
#ifndef NF_ENT_TRAINER_H
#define NF_ENT_TRAINER_H

#include <stddef.h>
#include <stdint.h>

#include "gazetteer.h"
#include "tagger.h"

struct nf_ent_train_opts {
    const char *train_path; /* JSONL: {"text", "entities": [{"start","end","type"}]} */
    const char *dev_path;   /* same format, only to pick the epoch; NULL: keep the last epoch */
    const struct nf_ent_gaz *gaz;
    unsigned gaz_mask; /* word-list categories used as features (NF_FEAT_GAZ_DEFAULT) */
    unsigned bits;     /* weight table rows = 1 << bits */
    unsigned epochs;   /* at most this many passes over the training set */
    unsigned patience; /* stop after this many epochs without a better dev F1 */
    uint64_t seed;     /* document order of each epoch; same seed and input -> same model */
    /* per mille of capitalised training tokens whose word-identity features are left out, so
     * the model also learns names from shape and context (unseen names) */
    unsigned word_dropout;
    /* 0 or 1: one run; N > 1: N runs with seeds seed .. seed+N-1, each stopped early on dev,
     * and the model is the average of their weights (same size, same speed) */
    unsigned ensemble;
    /* optional: one line of progress per epoch (library code never prints) */
    void (*progress)(void *ctx, const char *line);
    void *progress_ctx;
};

struct nf_ent_train_result {
    unsigned best_epoch; /* 1-based (of the last run of an ensemble) */
    double dev_f1, dev_p, dev_r;
    size_t train_docs, train_tokens, train_entities;
};

/* Train a model; 0 and *out (free with nf_ent_model_destroy), or an nf_err with errstr
 * ("file:line: ..." for bad input). Offsets in the files are Unicode code points; entity types
 * PER/PERSON, ORG/ORGANIZATION, LOC/LOCATION/GPE and MISC are learnt, others are ignored. */
int nf_ent_train(const struct nf_ent_train_opts *o, struct nf_ent_model **out,
                 struct nf_ent_train_result *res, char *errstr, size_t errstr_size);

#endif
