/* test_entities_tagger.c - unit tests of the entities stage's statistical tagger
 * (stages/entities/features.c, tagger.c, trainer.c): word shapes and affixes, BILOU constraints,
 * greedy decoding with a hand-made model, tags -> spans, the model file (round trip, corruption)
 * and trainer determinism on a tiny corpus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../stages/entities/features.h"
#include "../../stages/entities/gazetteer.h"
#include "../../stages/entities/tagger.h"
#include "../../stages/entities/tokenize.h"
#include "../../stages/entities/trainer.h"
#include "newsflow/err.h"

static void assert_shape(const char *word, const char *lng, const char *brief)
{
    char out[64];
    nf_ent_word_shape(word, strlen(word), 0, out, sizeof(out));
    assert_string_equal(out, lng);
    nf_ent_word_shape(word, strlen(word), 1, out, sizeof(out));
    assert_string_equal(out, brief);
}

static void test_tagger_word_shapes(void **state)
{
    char small[4];
    (void)state;
    assert_shape("Shoigu", "Xxxxx", "Xx");
    assert_shape("Jong-un", "Xxxx-xx", "Xx-x");
    assert_shape("U.S.", "X.X.", "X.X.");
    assert_shape("KCNA", "XXXX", "X");
    assert_shape("1996-08-30", "dddd-dd-dd", "d-d-d");
    assert_shape("M\xc3\xbcller", "Xxxxx", "Xx");      /* Müller: ü is a lower-case letter */
    assert_shape("\xe2\x80\x99", "'", "'");             /* a curly apostrophe reads as ASCII */
    assert_int_equal(nf_ent_word_shape("Pyongyang", 9, 0, small, sizeof(small)), 3);
    assert_string_equal(small, "Xxx"); /* truncated, still terminated */
}

static void test_tagger_affixes_count_code_points(void **state)
{
    const char *m = "m\xc3\xbcller"; /* müller: 6 code points, 7 bytes */
    (void)state;
    assert_int_equal(nf_ent_affix_len("shoigu", 6, 2, 0), 2);
    assert_int_equal(nf_ent_affix_len("shoigu", 6, 3, 1), 3);
    assert_int_equal(nf_ent_affix_len(m, 7, 2, 0), 3);
    assert_int_equal(nf_ent_affix_len(m, 7, 4, 1), 4);
    assert_int_equal(nf_ent_affix_len(m, 7, 6, 0), 7);
    assert_int_equal(nf_ent_affix_len("kim", 3, 4, 0), 0);
    assert_int_equal(nf_ent_affix_len("kim", 3, 4, 1), 0);
}

static void test_tagger_bilou_constraints(void **state)
{
    int bper = NF_TAG(1, NF_TAG_B), iper = NF_TAG(1, NF_TAG_I), lper = NF_TAG(1, NF_TAG_L);
    int iorg = NF_TAG(2, NF_TAG_I), uloc = NF_TAG(3, NF_TAG_U);
    (void)state;
    assert_true(nf_ent_tag_valid(bper, iper));
    assert_true(nf_ent_tag_valid(bper, lper));
    assert_false(nf_ent_tag_valid(bper, NF_TAG_O));
    assert_false(nf_ent_tag_valid(bper, iorg));
    assert_false(nf_ent_tag_valid(bper, uloc));
    assert_false(nf_ent_tag_valid(NF_TAG_O, lper));
    assert_true(nf_ent_tag_valid(NF_TAG_START, uloc));
    assert_true(nf_ent_tag_valid(lper, bper));
    assert_int_equal(NF_TAG_TYPE(uloc), 3);
    assert_int_equal(NF_TAG_POS(lper), NF_TAG_L);
}

struct doc {
    struct nf_ent_gaz *gaz;
    struct nf_ent_toks toks;
    struct nf_ent_fdoc fd;
    const char *text;
};

static void doc_open(struct doc *d, const char *text)
{
    char err[256];
    memset(d, 0, sizeof(*d));
    d->text = text;
    assert_int_equal(nf_ent_gaz_load(NF_SOURCE_DIR "/config/entities", &d->gaz, err, sizeof(err)),
                     0);
    assert_int_equal(nf_ent_tokenize(text, strlen(text), 1000, &d->toks), 0);
    assert_int_equal(nf_ent_fdoc_init(&d->fd, d->gaz, NF_FEAT_GAZ_DEFAULT, text, &d->toks), 0);
}

static void doc_close(struct doc *d)
{
    nf_ent_fdoc_free(&d->fd);
    nf_ent_toks_free(&d->toks);
    nf_ent_gaz_destroy(d->gaz);
}

/* A hand-made model whose only non-empty row is the bias row (B-PER 10, L-PER 5, I-PER 1): the
 * greedy decoder must alternate B-PER, L-PER under the BILOU constraints, and a line break
 * closes an open name. */
static void test_tagger_decodes_hand_made_model(void **state)
{
    struct nf_ent_model *m = nf_ent_model_new(10, NF_FEAT_GAZ_DEFAULT);
    struct nf_ent_spans sp = {0};
    uint64_t feats[NF_FEAT_MAX];
    struct doc d;
    int16_t *bias;
    (void)state;
    assert_non_null(m);
    doc_open(&d, "Anna Berg Carl Dahl Erik\nFrida");
    assert_int_equal(d.fd.n, 6);
    assert_true(nf_ent_feats(&d.fd, 0, feats) > 10);
    bias = m->w + (size_t)(feats[0] >> (64 - m->bits)) * NF_TAG_N; /* feats[0]: the bias */
    bias[NF_TAG(NF_ENT_PERSON, NF_TAG_B)] = 10;
    bias[NF_TAG(NF_ENT_PERSON, NF_TAG_L)] = 5;
    bias[NF_TAG(NF_ENT_PERSON, NF_TAG_I)] = 1;
    assert_int_equal(nf_ent_model_compact(m), 0);
    assert_int_equal(m->nrows, 1);

    nf_ent_tagger_decode(m, &d.fd);
    assert_int_equal(d.fd.tags[0], NF_TAG(NF_ENT_PERSON, NF_TAG_B));
    assert_int_equal(d.fd.tags[1], NF_TAG(NF_ENT_PERSON, NF_TAG_L));
    assert_int_equal(d.fd.tags[2], NF_TAG(NF_ENT_PERSON, NF_TAG_B));
    assert_int_equal(d.fd.tags[3], NF_TAG(NF_ENT_PERSON, NF_TAG_L));
    assert_int_equal(d.fd.tags[4], NF_TAG(NF_ENT_PERSON, NF_TAG_B));
    assert_int_equal(d.fd.tags[5], NF_TAG(NF_ENT_PERSON, NF_TAG_B)); /* new line: starts over */
    assert_int_equal(nf_ent_tagger_spans(&d.fd, &sp), 0);
    assert_int_equal(sp.n, 4);
    assert_int_equal(sp.v[0].b0, 0);
    assert_int_equal(sp.v[0].b1, 9); /* "Anna Berg" */
    assert_int_equal(sp.v[1].b0, 10);
    assert_int_equal(sp.v[1].b1, 19); /* "Carl Dahl" */
    assert_int_equal(sp.v[2].b0, 20);
    assert_int_equal(sp.v[2].b1, 24); /* "Erik": the line break closes it */
    assert_int_equal(sp.v[3].b0, 25);
    assert_int_equal(sp.v[3].type, NF_ENT_PERSON);
    nf_ent_spans_free(&sp);
    doc_close(&d);
    nf_ent_model_destroy(m);
}

/* Quotes and brackets are never inside a name, whatever the weights say. */
static void test_tagger_quotes_break_names(void **state)
{
    struct nf_ent_model *m = nf_ent_model_new(10, NF_FEAT_GAZ_DEFAULT);
    uint64_t feats[NF_FEAT_MAX];
    struct doc d;
    int16_t *bias;
    (void)state;
    doc_open(&d, "Putin \xe2\x80\x98Letter");
    assert_int_equal(d.fd.n, 3);
    nf_ent_feats(&d.fd, 0, feats);
    bias = m->w + (size_t)(feats[0] >> (64 - m->bits)) * NF_TAG_N;
    bias[NF_TAG(NF_ENT_PERSON, NF_TAG_U)] = 10;
    assert_int_equal(nf_ent_model_compact(m), 0);
    nf_ent_tagger_decode(m, &d.fd);
    assert_int_equal(d.fd.tags[0], NF_TAG(NF_ENT_PERSON, NF_TAG_U));
    assert_int_equal(d.fd.tags[1], NF_TAG_O);
    assert_int_equal(d.fd.tags[2], NF_TAG(NF_ENT_PERSON, NF_TAG_U));
    doc_close(&d);
    nf_ent_model_destroy(m);
}

static char *temp_path(char *tmpl)
{
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    close(fd);
    return tmpl;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void spit(const char *path, const unsigned char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
}

static void test_tagger_model_file_round_trip(void **state)
{
    struct nf_ent_model *m = nf_ent_model_new(10, NF_FEAT_GAZ_DEFAULT | NF_FEAT_RULES), *l = NULL;
    char p1[] = "/tmp/nf_ent_model1XXXXXX", p2[] = "/tmp/nf_ent_model2XXXXXX", err[256];
    unsigned char *a, *b;
    size_t la, lb, r;
    int t;
    (void)state;
    for (r = 0; r < 1024; r += 7) {
        for (t = 0; t < NF_TAG_N; t++) {
            m->w[r * NF_TAG_N + (size_t)t] = (int16_t)((int)(r * 31 + (size_t)t * 17) % 2001 - 1000);
        }
    }
    m->w[5 * NF_TAG_N + 3] = -32768;
    m->scale = 12.5f;
    assert_int_equal(nf_ent_model_compact(m), 0);
    assert_int_equal(nf_ent_model_save(m, temp_path(p1), err, sizeof(err)), 0);
    assert_int_equal(nf_ent_model_load(p1, &l, err, sizeof(err)), 0);
    assert_int_equal(l->bits, 10);
    assert_int_equal(l->gaz_mask, NF_FEAT_GAZ_DEFAULT | NF_FEAT_RULES);
    assert_true(l->scale == 12.5f);
    assert_null(l->w); /* a loaded model keeps only the compact rows */
    for (r = 0; r < 1024; r++) {
        const int16_t *x = nf_ent_model_row(m, (uint32_t)r), *y = nf_ent_model_row(l, (uint32_t)r);
        assert_true((x == NULL) == (y == NULL));
        if (x) {
            assert_memory_equal(x, y, NF_TAG_N * sizeof(*x));
        }
    }
    /* saving the loaded model gives the same bytes */
    assert_int_equal(nf_ent_model_save(l, temp_path(p2), err, sizeof(err)), 0);
    a = slurp(p1, &la);
    b = slurp(p2, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    unlink(p1);
    unlink(p2);
    nf_ent_model_destroy(l);
    nf_ent_model_destroy(m);
}

static void expect_load_error(const char *path, int want, const char *msg)
{
    struct nf_ent_model *l = (struct nf_ent_model *)1;
    char err[256] = "";
    assert_int_equal(nf_ent_model_load(path, &l, err, sizeof(err)), want);
    assert_null(l);
    if (!strstr(err, msg)) {
        fail_msg("error \"%s\" does not say \"%s\"", err, msg);
    }
}

static void test_tagger_corrupt_model_is_rejected(void **state)
{
    struct nf_ent_model *m = nf_ent_model_new(8, NF_FEAT_GAZ_DEFAULT);
    char p[] = "/tmp/nf_ent_modelcXXXXXX", err[256];
    unsigned char *buf;
    size_t len;
    (void)state;
    m->w[3] = 7;
    m->w[100] = -9;
    assert_int_equal(nf_ent_model_compact(m), 0);
    assert_int_equal(nf_ent_model_save(m, temp_path(p), err, sizeof(err)), 0);
    buf = slurp(p, &len);

    buf[len - 20] ^= 0x40; /* one bit in the weights */
    spit(p, buf, len);
    expect_load_error(p, NF_ERR_INVALID, "checksum");
    buf[len - 20] ^= 0x40;

    spit(p, buf, len - 3);
    expect_load_error(p, NF_ERR_INVALID, "truncated");

    buf[12] ^= 1; /* another feature set */
    spit(p, buf, len);
    expect_load_error(p, NF_ERR_INVALID, "feature set");
    buf[12] ^= 1;

    buf[0] = 'X';
    spit(p, buf, len);
    expect_load_error(p, NF_ERR_INVALID, "not a newsflow NER model");

    expect_load_error("/nonexistent/model.bin", NF_ERR_IO, "/nonexistent/model.bin");
    free(buf);
    unlink(p);
    nf_ent_model_destroy(m);
}

/* A tiny corpus: people, places and organisations in a few sentence frames. */
static void write_corpus(const char *path, int offset)
{
    static const char *const per[] = {"Anna Berg", "Carl Dahl", "Erik Holm", "Maria Lind",
                                      "Olof Nyberg", "Sara Ek"};
    static const char *const loc[] = {"Paris", "Oslo", "Madrid", "Lisbon", "Vienna"};
    static const char *const org[] = {"Volvo", "Reuters", "Nordea Bank", "Acme Corp"};
    FILE *f = fopen(path, "w");
    int i;
    assert_non_null(f);
    for (i = 0; i < 24; i++) {
        const char *p = per[(i + offset) % 6], *l = loc[(i + offset) % 5], *o = org[i % 4];
        char text[512];
        int pl, ll, ol;
        pl = snprintf(text, sizeof(text), "%s", p);
        ll = snprintf(text + pl, sizeof(text) - (size_t)pl, " flew to %s", l);
        ol = snprintf(text + pl + ll, sizeof(text) - (size_t)(pl + ll), " for %s on Monday.", o);
        (void)ol;
        fprintf(f,
                "{\"id\": \"d%d\", \"text\": \"%s\", \"entities\": [{\"start\": 0, \"end\": %d, "
                "\"type\": \"PER\"}, {\"start\": %d, \"end\": %d, \"type\": \"LOC\"}, "
                "{\"start\": %d, \"end\": %d, \"type\": \"ORG\"}]}\n",
                i, text, pl, pl + 9, pl + ll, pl + ll + 5, pl + ll + 5 + (int)strlen(o));
    }
    fclose(f);
}

static void train_once(const char *train, const char *dev, const char *out, uint64_t seed,
                       unsigned ensemble, struct nf_ent_train_result *res)
{
    struct nf_ent_train_opts o = {0};
    struct nf_ent_model *m = NULL;
    struct nf_ent_gaz *gaz = NULL;
    char err[256];
    assert_int_equal(nf_ent_gaz_load_skip(NF_SOURCE_DIR "/config/entities", NF_GAZ_KNOWN_ALL, &gaz,
                                          err, sizeof(err)),
                     0);
    o.train_path = train;
    o.dev_path = dev;
    o.gaz = gaz;
    o.gaz_mask = NF_FEAT_GAZ_DEFAULT | NF_FEAT_RULES;
    o.bits = 14;
    o.epochs = 4;
    o.patience = 2;
    o.seed = seed;
    o.ensemble = ensemble;
    if (nf_ent_train(&o, &m, res, err, sizeof(err)) != 0) {
        fail_msg("training failed: %s", err);
    }
    assert_int_equal(nf_ent_model_save(m, out, err, sizeof(err)), 0);
    nf_ent_model_destroy(m);
    nf_ent_gaz_destroy(gaz);
}

static void test_trainer_same_seed_same_model(void **state)
{
    char tr[] = "/tmp/nf_ent_trainXXXXXX", dv[] = "/tmp/nf_ent_devXXXXXX";
    char m1[] = "/tmp/nf_ent_m1XXXXXX", m2[] = "/tmp/nf_ent_m2XXXXXX";
    struct nf_ent_train_result r1, r2;
    unsigned char *a, *b;
    size_t la, lb;
    (void)state;
    write_corpus(temp_path(tr), 0);
    write_corpus(temp_path(dv), 3);
    train_once(tr, dv, temp_path(m1), 7, 1, &r1);
    train_once(tr, dv, temp_path(m2), 7, 1, &r2);
    assert_int_equal(r1.train_docs, 24);
    assert_int_equal(r1.train_entities, 72);
    assert_int_equal(r1.best_epoch, r2.best_epoch);
    if (r1.dev_f1 < 0.9) { /* the frames are easy: it did learn */
        fail_msg("dev F1 %.3f", r1.dev_f1);
    }
    a = slurp(m1, &la);
    b = slurp(m2, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    /* an averaged ensemble of runs is deterministic too */
    train_once(tr, dv, m1, 7, 2, &r1);
    train_once(tr, dv, m2, 7, 2, &r2);
    a = slurp(m1, &la);
    b = slurp(m2, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    if (r1.dev_f1 < 0.9) {
        fail_msg("ensemble dev F1 %.3f", r1.dev_f1);
    }
    free(a);
    free(b);
    unlink(tr);
    unlink(dv);
    unlink(m1);
    unlink(m2);
}

static void test_trainer_reports_bad_input_line(void **state)
{
    struct nf_ent_train_opts o = {0};
    struct nf_ent_model *m = NULL;
    struct nf_ent_train_result res;
    char tr[] = "/tmp/nf_ent_badXXXXXX", err[256] = "";
    FILE *f;
    (void)state;
    f = fopen(temp_path(tr), "w");
    assert_non_null(f);
    fprintf(f, "{\"text\": \"Anna Berg\", \"entities\": [{\"start\": 0, \"end\": 4, "
               "\"type\": \"PER\"}]}\n{\"text\": \"Oslo\", \"entities\": [{\"start\": 2, "
               "\"end\": 9, \"type\": \"LOC\"}]}\n");
    fclose(f);
    o.train_path = tr;
    o.bits = 10;
    o.epochs = 1;
    o.gaz_mask = NF_FEAT_GAZ_DEFAULT;
    assert_int_equal(nf_ent_train(&o, &m, &res, err, sizeof(err)), NF_ERR_INVALID);
    assert_null(m);
    assert_non_null(strstr(err, ":2:"));
    unlink(tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tagger_word_shapes),
        cmocka_unit_test(test_tagger_affixes_count_code_points),
        cmocka_unit_test(test_tagger_bilou_constraints),
        cmocka_unit_test(test_tagger_decodes_hand_made_model),
        cmocka_unit_test(test_tagger_quotes_break_names),
        cmocka_unit_test(test_tagger_model_file_round_trip),
        cmocka_unit_test(test_tagger_corrupt_model_is_rejected),
        cmocka_unit_test(test_trainer_same_seed_same_model),
        cmocka_unit_test(test_trainer_reports_bad_input_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
