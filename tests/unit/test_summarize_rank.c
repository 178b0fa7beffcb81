/* test_summarize_rank.c - unit tests of the summarize stage's sentence features and selection
 * (stages/summarize/rank.c): the TF-IDF similarity graph, the first/second-person penalty, the
 * entity feature from entity mentions, and the Lead-N mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsflow/conf.h"
#include "newsflow/err.h"
#include "newsflow/stage.h"

#include "../../stages/summarize/rank.h"

extern const struct nf_stage nf_stage_summarize;

/* The similarity graph: with only the graph feature, the sentence that shares the most weighted
 * words with the others wins; a sentence sharing nothing scores 0. */
static void test_graph_centrality_prefers_the_connected_sentence(void **state)
{
    (void)state;
    static const char text[] = "Cats purr loudly at night. "
                               "Volcanoes erupt rarely in winter. "
                               "Cats and dogs purr, bark and sleep at night. "
                               "Dogs bark at night.";
    struct nf_rank_doc doc = {0};
    const struct nf_lex_table nostop = {0};
    struct nf_idf flat = {0};
    assert_int_equal(nf_rank_doc_build(&doc, text, strlen(text), NULL, &nostop), 0);
    assert_int_equal(nf_rank_doc_weigh(&doc, &flat), 0);
    assert_int_equal(doc.nsent, 4);
    struct nf_rank_params p = {
        .sentences = 1, .redundancy = 1, .graph_backward = 1, .position_plateau = 1};
    p.weight[NF_RANK_GRAPH] = 1;
    assert_int_equal(nf_rank_score(&doc, &p, NULL, 0), 0);
    assert_int_equal(nf_rank_best(&doc), 2);
    assert_true(doc.sent[1].feat[NF_RANK_GRAPH] == 0.0);
    assert_true(doc.sent[2].feat[NF_RANK_GRAPH] == 1.0); /* normalised to the best */
    /* looking only forward (backward 0), the last sentence has no later neighbour */
    p.graph_backward = 0;
    assert_int_equal(nf_rank_score(&doc, &p, NULL, 0), 0);
    assert_true(doc.sent[3].feat[NF_RANK_GRAPH] == 0.0);
    assert_true(doc.sent[0].feat[NF_RANK_GRAPH] > 0.0);
    nf_rank_doc_free(&doc);
}

static void test_summarize_lead_mode_takes_first_sentences(void **state)
{
    (void)state;
    const struct nf_prop *const tables[] = {nf_common_props, nf_stage_summarize.props, NULL};
    struct nf_conf *conf = nf_conf_new(tables);
    char err[512] = "";
    assert_int_equal(nf_conf_set(conf, "summarize.mode", "lead", "test", err, sizeof(err)), 0);
    assert_int_equal(nf_conf_set(conf, "summarize.sentences", "2", "test", err, sizeof(err)), 0);
    void *st = NULL;
    assert_int_equal(nf_stage_summarize.init(conf, &st, err, sizeof(err)), 0);
    json_t *rec = json_pack("{s:s, s:s}", "id", "t", "text",
                            "Short. The second sentence is here. The third one is the "
                            "longest and most central sentence about sentences.");
    assert_int_equal(nf_stage_summarize.transform(st, rec, err, sizeof(err)), 0);
    const json_t *sum = json_object_get(rec, "summary");
    assert_int_equal(json_array_size(sum), 2);
    assert_string_equal(json_string_value(json_array_get(sum, 0)), "Short.");
    assert_string_equal(json_string_value(json_array_get(sum, 1)), "The second sentence is here.");
    json_decref(rec);
    nf_stage_summarize.destroy(st);
    nf_conf_destroy(conf);
}

/* Score text with only feature k weighted; doc is built, weighed with no IDF, and scored. */
static void score_only(struct nf_rank_doc *doc, const char *text, int k,
                       const struct nf_rank_entity *ents, size_t nents)
{
    static const struct nf_lex_table nostop = {0};
    static const struct nf_idf flat = {0};
    assert_int_equal(nf_rank_doc_build(doc, text, strlen(text), NULL, &nostop), 0);
    assert_int_equal(nf_rank_doc_weigh(doc, &flat), 0);
    struct nf_rank_params p = {
        .sentences = 1, .redundancy = 1, .graph_backward = 1, .position_plateau = 1};
    p.weight[k] = 1;
    assert_int_equal(nf_rank_score(doc, &p, ents, nents), 0);
}

static void test_personal_feature_flags_first_and_second_person_only(void **state)
{
    (void)state;
    static const char text[] = "I think the vote was rigged. "
                               "The US embassy closed on Monday. "
                               "We will appeal, said the lawyer. "
                               "Police said your car was found. "
                               "Imports rose by a third.";
    struct nf_rank_doc doc = {0};
    score_only(&doc, text, NF_RANK_PERSONAL, NULL, 0);
    assert_int_equal(doc.nsent, 5);
    assert_true(doc.sent[0].feat[NF_RANK_PERSONAL] == 1.0); /* I */
    assert_true(doc.sent[1].feat[NF_RANK_PERSONAL] == 0.0); /* "US" is the country */
    assert_true(doc.sent[2].feat[NF_RANK_PERSONAL] == 1.0); /* We */
    assert_true(doc.sent[3].feat[NF_RANK_PERSONAL] == 1.0); /* your */
    assert_true(doc.sent[4].feat[NF_RANK_PERSONAL] == 0.0); /* "Imports" is not "I" */
    nf_rank_doc_free(&doc);
}

/* Offsets of entity mentions count code points: the "é" before them must not shift them. */
static void test_entity_feature_joins_full_and_short_names(void **state)
{
    (void)state;
    static const char text[] = "Café owners met Maria Lopez on Friday. "
                               "Lopez promised lower taxes. "
                               "The weather stayed warm all week. "
                               "Many owners doubt the promise made by Lopez.";
    /* code points: "Café owners met " = 16, "Maria Lopez" 16..27; "Lopez" at 39 and 139 */
    const struct nf_rank_entity ents[] = {
        {.start = 16, .end = 27, .text = "Maria Lopez", .len = 11},
        {.start = 39, .end = 44, .text = "Lopez", .len = 5},
        {.start = 139, .end = 144, .text = "Lopez", .len = 5},
    };
    assert_int_equal(strncmp(text + 17, "Maria Lopez", 11), 0); /* one byte more than cps */
    assert_int_equal(strncmp(text + 40, "Lopez", 5), 0);
    assert_int_equal(strncmp(text + 140, "Lopez", 5), 0);
    struct nf_rank_doc doc = {0};
    score_only(&doc, text, NF_RANK_ENTITY, ents, 3);
    assert_int_equal(doc.nsent, 4);
    /* "lopez" occurs 3 times: every sentence naming him scores the same, the weather none;
     * "owners" (twice, but no entity) adds nothing */
    assert_true(doc.sent[0].feat[NF_RANK_ENTITY] == 1.0);
    assert_true(doc.sent[1].feat[NF_RANK_ENTITY] == 1.0);
    assert_true(doc.sent[2].feat[NF_RANK_ENTITY] == 0.0);
    assert_true(doc.sent[3].feat[NF_RANK_ENTITY] == 1.0);
    nf_rank_doc_free(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph_centrality_prefers_the_connected_sentence),
        cmocka_unit_test(test_personal_feature_flags_first_and_second_person_only),
        cmocka_unit_test(test_entity_feature_joins_full_and_short_names),
        cmocka_unit_test(test_summarize_lead_mode_takes_first_sentences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
