/* train_ner.c - newsflow-train-ner: trains the entities stage's tagger model from annotated JSONL
 * (stages/entities/trainer.c) and writes the model file that entities.model points to. Offline
 * tool: not part of the Kafka pipeline.
 *   newsflow-train-ner --train T.jsonl --dev D.jsonl --out config/models/ner-en.bin [--seed N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../gazetteer.h"
#include "../trainer.h"

/* CMake may point this at the installed word lists (like newsflow-build-idf's stopwords) */
#ifndef NF_ENTITIES_DEFAULT_GAZETTEER
#define NF_ENTITIES_DEFAULT_GAZETTEER "config/entities"
#endif

static void usage(FILE *out)
{
    fprintf(out,
            "usage: newsflow-train-ner --train FILE --out MODEL [options]\n"
            "  --train FILE      annotated JSONL: {\"text\", \"entities\": [{\"start\", \"end\", "
            "\"type\"}]}\n"
            "                    (code-point offsets, end exclusive; PER ORG LOC MISC)\n"
            "  --dev FILE        same format, used only to pick the best epoch (early stopping)\n"
            "  --out MODEL       model file to write\n"
            "  --gazetteer DIR   word lists (default " NF_ENTITIES_DEFAULT_GAZETTEER "); use the\n"
            "                    entities.gazetteer_dir of the deployment\n"
            "  --seed N          shuffle seed (default 1): same seed and data -> same model\n"
            "  --epochs N        at most N epochs (default 30)\n"
            "  --patience N      stop after N epochs without a better dev F1 (default 4)\n"
            "  --bits N          weight table of 2^N rows (default 20)\n"
            "  --ensemble N      average the weights of N runs (seeds SEED..SEED+N-1; default 1)\n"
            "  --word-dropout N  per mille of capitalised tokens trained without their word\n"
            "                    features, to learn names from shape and context (default 0)\n"
            "  --known-lists     also use the known_*.txt lists as features (derived from the\n"
            "                    training text: memorises names; off by default)\n"
            "  --no-rules        do not use the rule-based name finder's output as features\n");
}

static void progress(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno == 0 && *s && !*end && *out <= max;
}

int main(int argc, char **argv)
{
    struct nf_ent_train_opts o = {0};
    struct nf_ent_train_result res;
    struct nf_ent_model *model = NULL;
    struct nf_ent_gaz *gaz = NULL;
    const char *out = NULL, *gaz_dir = NF_ENTITIES_DEFAULT_GAZETTEER;
    unsigned long long v;
    char err[512];
    struct timespec t0, t1;
    int i, rc = 2, no_rules = 0;

    o.gaz_mask = NF_FEAT_GAZ_DEFAULT;
    o.bits = 20;
    o.epochs = 30;
    o.patience = 4;
    o.seed = 1;
    o.word_dropout = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--known-lists") == 0) {
            o.gaz_mask |= NF_GAZ_KNOWN_ALL;
            continue;
        } else if (strcmp(a, "--no-rules") == 0) {
            no_rules = 1;
            continue;
        } else if (!val) {
            usage(stderr);
            return 2;
        } else if (strcmp(a, "--train") == 0) {
            o.train_path = val;
        } else if (strcmp(a, "--dev") == 0) {
            o.dev_path = val;
        } else if (strcmp(a, "--out") == 0) {
            out = val;
        } else if (strcmp(a, "--gazetteer") == 0) {
            gaz_dir = val;
        } else if (strcmp(a, "--seed") == 0 && parse_uint(val, UINT64_MAX, &v)) {
            o.seed = v;
        } else if (strcmp(a, "--epochs") == 0 && parse_uint(val, 1000, &v) && v > 0) {
            o.epochs = (unsigned)v;
        } else if (strcmp(a, "--patience") == 0 && parse_uint(val, 1000, &v) && v > 0) {
            o.patience = (unsigned)v;
        } else if (strcmp(a, "--ensemble") == 0 && parse_uint(val, 16, &v) && v > 0) {
            o.ensemble = (unsigned)v;
        } else if (strcmp(a, "--word-dropout") == 0 && parse_uint(val, 1000, &v)) {
            o.word_dropout = (unsigned)v;
        } else if (strcmp(a, "--bits") == 0 && parse_uint(val, NF_MODEL_BITS_MAX, &v) &&
                   v >= NF_MODEL_BITS_MIN) {
            o.bits = (unsigned)v;
        } else {
            fprintf(stderr, "newsflow-train-ner: bad option or value: %s %s\n", a, val);
            return 2;
        }
        i++;
    }
    if (!o.train_path || !out) {
        usage(stderr);
        return 2;
    }
    if (!no_rules) {
        o.gaz_mask |= NF_FEAT_RULES;
    }
    /* the lists the features do not use are not loaded: the rule finder must not see them */
    if (nf_ent_gaz_load_skip(gaz_dir, NF_GAZ_KNOWN_ALL & ~o.gaz_mask, &gaz, err, sizeof(err)) !=
        0) {
        fprintf(stderr, "newsflow-train-ner: %s\n", err);
        goto done;
    }
    o.gaz = gaz;
    o.progress = progress;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (nf_ent_train(&o, &model, &res, err, sizeof(err)) != 0) {
        fprintf(stderr, "newsflow-train-ner: %s\n", err);
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (nf_ent_model_save(model, out, err, sizeof(err)) != 0) {
        fprintf(stderr, "newsflow-train-ner: %s\n", err);
        goto done;
    }
    fprintf(stderr,
            "trained on %zu documents, %zu tokens, %zu entities in %.1f s; best epoch %u "
            "(dev P %.4f R %.4f F1 %.4f); wrote %s\n",
            res.train_docs, res.train_tokens, res.train_entities,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            res.best_epoch, res.dev_p, res.dev_r, res.dev_f1, out);
    rc = 0;
done:
    nf_ent_model_destroy(model);
    nf_ent_gaz_destroy(gaz);
    return rc;
}
