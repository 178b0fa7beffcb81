/* test_entities.c - unit tests of the entities stage (stages/entities/): tokenizer, pattern
 * entities, the name finders (the statistical tagger of config/models/ner-en.bin by default,
 * the rule-based finder where a test sets entities.model empty), code-point offsets, canonical
 * grouping and limits, run through the stage's init/transform/destroy without a broker.
 * The tagger's own units (features, decoder, model file, trainer): test_entities_tagger.c.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "../../stages/entities/tokenize.h"
#include "newsflow/conf.h"
#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/stage.h"
#include "newsflow/util.h"

extern const struct nf_stage nf_stage_entities;

struct fx {
    struct nf_conf *conf;
    void *state;
};

static struct nf_conf *make_conf(void)
{
    const struct nf_prop *const tables[] = {nf_common_props, nf_stage_entities.props, NULL};
    struct nf_conf *conf = nf_conf_new(tables);
    char err[256];
    assert_non_null(conf);
    assert_int_equal(
        nf_conf_set(conf, "data.dir", NF_SOURCE_DIR "/config", "test", err, sizeof(err)), 0);
    return conf;
}

static int setup(void **state)
{
    struct fx *fx = calloc(1, sizeof(*fx));
    char err[256];
    fx->conf = make_conf();
    assert_int_equal(nf_stage_entities.init(fx->conf, &fx->state, err, sizeof(err)), 0);
    *state = fx;
    return 0;
}

/* The rule-based name finder only (no model): for tests of names.c's rules. */
static int setup_rules(void **state)
{
    struct fx *fx = calloc(1, sizeof(*fx));
    char err[256];
    fx->conf = make_conf();
    assert_int_equal(nf_conf_set(fx->conf, "entities.model", "", "test", err, sizeof(err)), 0);
    assert_int_equal(nf_stage_entities.init(fx->conf, &fx->state, err, sizeof(err)), 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    nf_stage_entities.destroy(fx->state);
    nf_conf_destroy(fx->conf);
    free(fx);
    return 0;
}

/* Byte offset of code point cp in s. */
static size_t cp_to_byte(const char *s, size_t len, size_t cp)
{
    size_t b = 0, adv;
    while (cp > 0 && b < len) {
        nf_utf8_decode(s + b, len - b, &adv);
        b += adv;
        cp--;
    }
    return b;
}

/* Every entity's [start, end) in code points must select exactly its text; sorted by start. */
static void check_offsets(const json_t *rec)
{
    const char *text = json_string_value(json_object_get(rec, "text"));
    size_t len = strlen(text), i, prev = 0;
    json_t *e, *ents = json_object_get(rec, "entities");
    assert_true(json_is_array(ents));
    json_array_foreach(ents, i, e)
    {
        size_t s = (size_t)json_integer_value(json_object_get(e, "start"));
        size_t en = (size_t)json_integer_value(json_object_get(e, "end"));
        const char *et = json_string_value(json_object_get(e, "text"));
        size_t b0 = cp_to_byte(text, len, s), b1 = cp_to_byte(text, len, en);
        assert_true(s < en);
        assert_true(s >= prev);
        prev = s;
        assert_int_equal(b1 - b0, strlen(et));
        assert_memory_equal(text + b0, et, b1 - b0);
    }
}

static json_t *run_rc(struct fx *fx, json_t *rec, int want_rc)
{
    char err[256] = "";
    int rc = nf_stage_entities.transform(fx->state, rec, err, sizeof(err));
    assert_int_equal(rc, want_rc);
    if (rc == 0) {
        check_offsets(rec);
    }
    return rec;
}

static json_t *run(struct fx *fx, const char *text)
{
    json_t *rec = json_pack("{s:s,s:s}", "id", "t1", "text", text);
    assert_non_null(rec);
    return run_rc(fx, rec, 0);
}

/* The entity with exactly this text (first one), or NULL. */
static json_t *find(const json_t *rec, const char *text)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "entities"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "text")), text) == 0) {
            return e;
        }
    }
    return NULL;
}

static void assert_entity(const json_t *rec, const char *text, const char *type)
{
    json_t *e = find(rec, text);
    if (!e) {
        fail_msg("no entity \"%s\"", text);
    }
    assert_string_equal(json_string_value(json_object_get(e, "type")), type);
}

static void assert_no_entity(const json_t *rec, const char *text)
{
    if (find(rec, text)) {
        fail_msg("unexpected entity \"%s\"", text);
    }
}

static json_t *find_canon(const json_t *rec, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "entities_canonical"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0) {
            return e;
        }
    }
    return NULL;
}

/* ---- tokenizer ---- */

static void tok_text(const char *s, const struct nf_ent_tok *t, char *out, size_t size)
{
    size_t n = t->b1 - t->b0 < size - 1 ? t->b1 - t->b0 : size - 1;
    memcpy(out, s + t->b0, n);
    out[n] = '\0';
}

static void test_entities_tokenizer_keeps_hyphenated_names(void **state)
{
    const char *s = "Kim Jong-un met Lee Hak-mu at Wonsan-Kalma.";
    struct nf_ent_toks t = {0};
    char w[64];
    (void)state;
    assert_int_equal(nf_ent_tokenize(s, strlen(s), 100, &t), 0);
    assert_int_equal(t.n, 8);
    tok_text(s, &t.v[1], w, sizeof(w));
    assert_string_equal(w, "Jong-un");
    assert_true(t.v[1].flags & NF_TOKF_HYPHEN);
    tok_text(s, &t.v[4], w, sizeof(w));
    assert_string_equal(w, "Hak-mu");
    tok_text(s, &t.v[6], w, sizeof(w));
    assert_string_equal(w, "Wonsan-Kalma");
    assert_int_equal(t.v[7].kind, NF_TOK_PUNCT);
    assert_true(t.v[0].flags & NF_TOKF_SENT_START);
    assert_false(t.v[3].flags & NF_TOKF_SENT_START);
    nf_ent_toks_free(&t);
}

static void test_entities_tokenizer_splits_possessives(void **state)
{
    const char *s = "Ukraine's army and Russia\xe2\x80\x99s navy; O'Brien didn't.";
    struct nf_ent_toks t = {0};
    char w[64];
    (void)state;
    assert_int_equal(nf_ent_tokenize(s, strlen(s), 100, &t), 0);
    tok_text(s, &t.v[0], w, sizeof(w));
    assert_string_equal(w, "Ukraine");
    assert_true(t.v[0].flags & NF_TOKF_POSS);
    tok_text(s, &t.v[1], w, sizeof(w));
    assert_string_equal(w, "'s");
    tok_text(s, &t.v[4], w, sizeof(w));
    assert_string_equal(w, "Russia");
    assert_true(t.v[4].flags & NF_TOKF_POSS);
    tok_text(s, &t.v[8], w, sizeof(w));
    assert_string_equal(w, "O'Brien");
    tok_text(s, &t.v[9], w, sizeof(w));
    assert_string_equal(w, "didn't");
    nf_ent_toks_free(&t);
}

static void test_entities_tokenizer_keeps_abbreviation_periods(void **state)
{
    const char *s = "The U.S. envoy Dr. Smith left at 10:30 a.m. with 11,000 men.";
    struct nf_ent_toks t = {0};
    char w[64];
    (void)state;
    assert_int_equal(nf_ent_tokenize(s, strlen(s), 100, &t), 0);
    tok_text(s, &t.v[1], w, sizeof(w));
    assert_string_equal(w, "U.S.");
    assert_true(t.v[1].flags & NF_TOKF_ALLCAPS);
    tok_text(s, &t.v[3], w, sizeof(w));
    assert_string_equal(w, "Dr.");
    tok_text(s, &t.v[7], w, sizeof(w));
    assert_string_equal(w, "10:30");
    assert_int_equal(t.v[7].kind, NF_TOK_NUM);
    tok_text(s, &t.v[8], w, sizeof(w));
    assert_string_equal(w, "a.m.");
    tok_text(s, &t.v[10], w, sizeof(w));
    assert_string_equal(w, "11,000");
    /* the sentence's last period stays punctuation */
    assert_int_equal(t.v[t.n - 1].kind, NF_TOK_PUNCT);
    nf_ent_toks_free(&t);
}

static void test_entities_tokenizer_respects_token_limit(void **state)
{
    const char *s = "one two three four five";
    struct nf_ent_toks t = {0};
    (void)state;
    assert_int_equal(nf_ent_tokenize(s, strlen(s), 3, &t), NF_ERR_LIMIT);
    assert_int_equal(t.n, 3);
    nf_ent_toks_free(&t);
}

static void test_entities_tokenizer_marks_headlines(void **state)
{
    const char *s = "SOCCER - JAPAN BEAT SYRIA.\nJapan beat Syria on Friday.";
    struct nf_ent_toks t = {0};
    (void)state;
    assert_int_equal(nf_ent_tokenize(s, strlen(s), 100, &t), 0);
    assert_true(t.v[0].flags & NF_TOKF_CAPS_LINE);
    assert_true(t.v[6].flags & NF_TOKF_NEWLINE);
    assert_false(t.v[6].flags & NF_TOKF_CAPS_LINE);
    nf_ent_toks_free(&t);
}

/* ---- patterns ---- */

static void test_entities_finds_dates(void **state)
{
    json_t *rec = run(*state, "They met on the 21st and spoke again the 22nd. Troops went in "
                              "December last year. The match was on August 30, 1996 (1996-08-30).");
    assert_entity(rec, "the 21st", "DATE");
    assert_entity(rec, "the 22nd", "DATE");
    assert_entity(rec, "December last year", "DATE");
    assert_entity(rec, "August 30, 1996", "DATE");
    assert_entity(rec, "1996-08-30", "DATE");
    json_decref(rec);
}

static void test_entities_finds_time_money_percent_quantity(void **state)
{
    json_t *rec = run(*state, "At 10:30 a.m. the army sent 11,000 troops and up to 4,000 more. "
                              "It cost $5 million, 3.5% of the budget.");
    assert_entity(rec, "10:30 a.m.", "TIME");
    assert_entity(rec, "11,000 troops", "QUANTITY");
    assert_entity(rec, "up to 4,000", "QUANTITY");
    assert_entity(rec, "$5 million", "MONEY");
    assert_entity(rec, "3.5%", "PERCENT");
    json_decref(rec);
    /* a modifier before a clock time does not make a quantity */
    rec = run(*state, "She left at around 1.30 pm, about 150 cm of snow later.");
    assert_entity(rec, "1.30 pm", "TIME");
    assert_entity(rec, "about 150 cm", "QUANTITY");
    json_decref(rec);
}

static void test_entities_ordinal_before_noun_is_not_a_date(void **state)
{
    json_t *rec = run(*state, "It was the 21st century. He finished in the 3rd round.");
    assert_no_entity(rec, "the 21st");
    assert_no_entity(rec, "the 3rd");
    json_decref(rec);
}

/* ---- names ---- */

static void test_entities_offsets_are_code_points(void **state)
{
    const char *text = "Caf\xc3\xa9 owners in Z\xc3\xbcrich \xe2\x80\x94 and the \xe2\x80\x9c"
                       "best\xe2"
                       "\x80\x9d \xf0\x9f\x98\x80 coffee \xe2\x80\x94 met in Berlin on Monday.";
    json_t *rec = run(*state, text), *e;
    assert_entity(rec, "Z\xc3\xbcrich", "LOC");
    e = find(rec, "Berlin");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "type")), "LOC");
    /* "Café owners in Zürich — and the “best” 😀 coffee — met in " is 57 code points */
    assert_int_equal(json_integer_value(json_object_get(e, "start")), 57);
    assert_int_equal(json_integer_value(json_object_get(e, "end")), 63);
    assert_entity(rec, "Monday", "DATE");
    json_decref(rec);
}

static void test_entities_possessive_is_not_part_of_name(void **state)
{
    json_t *rec = run(*state, "Ukraine's defence chief visited Russia\xe2\x80\x99s border.");
    assert_entity(rec, "Ukraine", "LOC");
    assert_entity(rec, "Russia", "LOC");
    assert_no_entity(rec, "Ukraine's");
    json_decref(rec);
}

static void test_entities_title_splits_person_from_demonym(void **state)
{
    json_t *rec = run(*state, "Russian President Vladimir Putin met Defense Minister Sergei Shoigu "
                              "and Dr. Jane Smith in Moscow.");
    assert_entity(rec, "Russian", "MISC");
    assert_entity(rec, "Vladimir Putin", "PERSON");
    assert_entity(rec, "Sergei Shoigu", "PERSON");
    assert_entity(rec, "Jane Smith", "PERSON");
    assert_entity(rec, "Moscow", "LOC");
    assert_no_entity(rec, "President");
    assert_no_entity(rec, "Defense");
    json_decref(rec);
}

static void test_entities_org_suffix_and_connector(void **state)
{
    json_t *rec = run(*state, "Economists at the Bank of England and the Asan Institute for "
                              "Policy Studies disagreed with Acme Corp. and the Korean Central "
                              "News Agency.");
    assert_entity(rec, "Bank of England", "ORG");
    assert_entity(rec, "Asan Institute for Policy Studies", "ORG");
    assert_entity(rec, "Acme Corp.", "ORG");
    assert_entity(rec, "Korean Central News Agency", "ORG");
    json_decref(rec);
}

static void test_entities_name_suffixes_plurals_and_clitics(void **state)
{
    json_t *rec = run(*state, "Shares of Douglas & Lomason rose on Wall Street while Serbs "
                              "watched the U.S. Open and Air France flew in. I've said Peter Such "
                              "played, N / A. I\xe2\x80\x99m sure.");
    assert_entity(rec, "Douglas & Lomason", "ORG");
    assert_entity(rec, "Wall Street", "LOC");
    assert_entity(rec, "Serbs", "MISC");
    assert_entity(rec, "U.S. Open", "MISC");
    assert_entity(rec, "Air France", "ORG");
    assert_entity(rec, "Peter Such", "PERSON");
    assert_no_entity(rec, "I've");
    assert_no_entity(rec, "I\xe2\x80\x99m");
    assert_no_entity(rec, "N");
    json_decref(rec);
}

static void test_entities_place_before_score_is_a_team(void **state)
{
    json_t *rec = run(*state, "BASEBALL - RESULTS\nBOSTON 1996-08-30\nAtlanta 4 Chicago 3\n"
                              "Settlers on the West Bank said 30 people in Moscow 30 times.");
    assert_entity(rec, "BOSTON", "LOC");
    assert_entity(rec, "Atlanta", "ORG");
    assert_entity(rec, "Chicago", "ORG");
    assert_entity(rec, "West Bank", "LOC");
    assert_entity(rec, "Moscow", "LOC");
    json_decref(rec);
    rec = run(*state, "Division one\nGreenock Vexton 3 2 0 1 5 2 6\nHe wrote to the "
                      "International Red Cross and to Zandolo SpA.");
    assert_entity(rec, "Greenock Vexton", "ORG");
    assert_entity(rec, "International Red Cross", "ORG");
    assert_entity(rec, "Zandolo SpA", "ORG");
    json_decref(rec);
    /* a country before a score is the national team, kept a place */
    rec = run(*state, "Belarus beat Estonia 1-0 (halftime 1-0) on Friday.");
    assert_entity(rec, "Belarus", "LOC");
    assert_entity(rec, "Estonia", "LOC");
    json_decref(rec);
}

static void test_entities_context_cues(void **state)
{
    json_t *rec =
        run(*state, "TAVILDARA, Tajikistan 1996-08-30\n"
                    "Police in the town of Zolbat met the Moscow-backed leader and "
                    "Kim Jong-un. Later Gorvath told reporters the Vexa region was calm.");
    assert_entity(rec, "TAVILDARA", "LOC");
    assert_entity(rec, "Tajikistan", "LOC");
    assert_entity(rec, "Zolbat", "LOC");
    assert_entity(rec, "Moscow-backed", "MISC");
    assert_entity(rec, "Kim Jong-un", "PERSON");
    assert_entity(rec, "Gorvath", "PERSON");
    assert_entity(rec, "Vexa", "LOC");
    json_decref(rec);
}

static void test_entities_initials_compounds_and_dashes(void **state)
{
    json_t *rec = run(*state, "Hove: Sussex 363 (P. Tufnell 8-118)\n"
                              "The Minneapolis-based First Bank System Inc. said so.\n"
                              "ITALY - Bond futures fell in Naples, Fla. on Friday.");
    assert_entity(rec, "P. Tufnell", "PERSON");
    assert_entity(rec, "Minneapolis-based", "MISC");
    assert_entity(rec, "First Bank System Inc.", "ORG");
    assert_entity(rec, "Fla.", "LOC");
    assert_no_entity(rec, "Bond");
    json_decref(rec);
}

static void test_entities_titles_and_name_lists(void **state)
{
    json_t *rec = run(*state, "Lieutenant-Colonel Max Marriner met Secretary of State John "
                              "Kornblum.\nSquad: Tiger Woods, Didier Deschamps, Hakan Sukur, Ivo "
                              "Brand\nShares of TD Securities Inc.\n");
    assert_entity(rec, "Max Marriner", "PERSON");
    assert_entity(rec, "John Kornblum", "PERSON");
    assert_entity(rec, "Tiger Woods", "PERSON");
    assert_entity(rec, "Hakan Sukur", "PERSON");
    assert_entity(rec, "TD Securities Inc", "ORG");
    json_decref(rec);
    /* unknown one-word members of a list of people are people */
    rec = run(*state, "The team is: John Given, Breenak, Stauntor, Peter Irwin and Quinnel.");
    assert_entity(rec, "Breenak", "PERSON");
    assert_entity(rec, "Stauntor", "PERSON");
    assert_entity(rec, "Quinnel", "PERSON");
    json_decref(rec);
    /* cricket scorecards: fielder after "c", bowler after "b" */
    rec = run(*state, "Healy c Ranatungo b Muralitharo 8");
    assert_entity(rec, "Ranatungo", "PERSON");
    assert_entity(rec, "Muralitharo", "PERSON");
    assert_no_entity(rec, "State John Kornblum");
    json_decref(rec);
}

static void test_entities_news_style_cues(void **state)
{
    json_t *rec = run(*state, "(CNN) Atop the list sat \xe2\x80\x9cSecret Garden: An Inky "
                              "Treasure Hunt\xe2\x80\x9d (No. 3) and the film \"Senna\" about "
                              "Ayrton Senna, who loved Buddhism. \"I think it is fine,\" Senna "
                              "said at Lake Eildon with Sgt Walker.");
    assert_entity(rec, "CNN", "ORG");
    assert_no_entity(rec, "Atop");
    assert_entity(rec, "Secret Garden: An Inky Treasure Hunt", "MISC");
    assert_no_entity(rec, "No.");
    assert_entity(rec, "Ayrton Senna", "PERSON");
    assert_entity(rec, "Buddhism", "MISC");
    assert_entity(rec, "Lake Eildon", "LOC");
    assert_entity(rec, "Walker", "PERSON");
    /* the quoted title is MISC, the later single "Senna" is still the person */
    {
        size_t i, n_person = 0;
        json_t *e;
        json_array_foreach(json_object_get(rec, "entities"), i, e)
        {
            if (!strcmp(json_string_value(json_object_get(e, "text")), "Senna")) {
                n_person += !strcmp(json_string_value(json_object_get(e, "type")), "PERSON");
            }
        }
        assert_int_equal(n_person, 1);
    }
    json_decref(rec);
}

static void test_entities_sentence_initial_common_word_dropped(void **state)
{
    json_t *rec = run(*state, "Analysts said Gromov would win. Experts agree. Gromov denied it.");
    assert_no_entity(rec, "Analysts");
    assert_no_entity(rec, "Experts");
    /* the same word capitalised mid-sentence makes the sentence-initial one a name too */
    assert_non_null(find(rec, "Gromov"));
    assert_int_equal(json_array_size(json_object_get(rec, "entities")), 2);
    json_decref(rec);
}

static void test_entities_headline_uses_word_lists_only(void **state)
{
    json_t *rec = run(*state, "SOCCER - JAPAN BEAT SYRIA IN ASIAN CUP\nTOKYO 1996-08-30\n"
                              "Japan beat Syria 2-1 on Friday.");
    assert_entity(rec, "JAPAN", "LOC");
    assert_entity(rec, "SYRIA", "LOC");
    assert_entity(rec, "TOKYO", "LOC");
    assert_entity(rec, "1996-08-30", "DATE");
    assert_no_entity(rec, "SOCCER");
    assert_no_entity(rec, "BEAT");
    json_decref(rec);
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void test_entities_seed_article(void **state)
{
    char *text = read_file(NF_SOURCE_DIR "/tests/fixtures/seed-article.txt");
    json_t *rec = run(*state, text), *c;
    assert_entity(rec, "Putin", "PERSON");
    assert_entity(rec, "Vladimir Putin", "PERSON");
    assert_entity(rec, "Kim Jong-un", "PERSON");
    assert_entity(rec, "Sergei Shoigu", "PERSON");
    assert_entity(rec, "Shoigu", "PERSON");
    assert_entity(rec, "Lee Hak-mu", "PERSON");
    assert_entity(rec, "North Korea", "LOC");
    assert_entity(rec, "Russia", "LOC");
    assert_entity(rec, "Ukraine", "LOC");
    assert_entity(rec, "Pyongyang", "LOC");
    assert_entity(rec, "Bulgaria", "LOC");
    assert_entity(rec, "Korean Central News Agency", "ORG");
    assert_entity(rec, "Asan Institute for Policy Studies", "ORG");
    assert_entity(rec, "the 21st", "DATE");
    assert_entity(rec, "the 22nd", "DATE");
    assert_entity(rec, "the 23rd", "DATE");
    assert_entity(rec, "December last year", "DATE");
    assert_entity(rec, "up to 4,000", "QUANTITY");
    assert_no_entity(rec, "Ukraine's");
    assert_no_entity(rec, "Ukraine\xe2\x80\x99s");

    /* canonical grouping: Vladimir Putin / Putin and Sergei Shoigu / Shoigu are one each */
    c = find_canon(rec, "Vladimir Putin");
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "type")), "PERSON");
    assert_true(json_integer_value(json_object_get(c, "mentions")) >= 2);
    assert_null(find_canon(rec, "Putin"));
    c = find_canon(rec, "Sergei Shoigu");
    assert_non_null(c);
    assert_true(json_integer_value(json_object_get(c, "mentions")) >= 4);
    assert_null(find_canon(rec, "Shoigu"));
    c = find_canon(rec, "Kim Jong-un");
    assert_non_null(c);
    assert_null(find_canon(rec, "Kim"));
    json_decref(rec);
    free(text);
}

/* The same article through the rule-based finder (no model). */
static void test_entities_seed_article_rules(void **state)
{
    test_entities_seed_article(state);
}

struct thread_job {
    const void *state;
    const char *text;
    const char *want; /* encoded reference output */
    int mismatches;
};

static void *thread_main(void *arg)
{
    struct thread_job *job = arg;
    char err[256];
    int i;
    for (i = 0; i < 5; i++) {
        json_t *rec = json_pack("{s:s,s:s}", "id", "t1", "text", job->text);
        size_t n;
        char *got;
        if (!rec || nf_stage_entities.transform(job->state, rec, err, sizeof(err)) != 0) {
            job->mismatches++;
            json_decref(rec);
            continue;
        }
        got = nf_record_encode(rec, &n);
        if (!got || strcmp(got, job->want) != 0) {
            job->mismatches++;
        }
        free(got);
        json_decref(rec);
    }
    return NULL;
}

/* The state is shared read-only: concurrent transforms give the single-threaded result. */
static void test_entities_transform_is_thread_safe(void **state)
{
    struct fx *fx = *state;
    char *text = read_file(NF_SOURCE_DIR "/tests/fixtures/seed-article.txt");
    json_t *rec = run(fx, text);
    size_t n;
    char *want = nf_record_encode(rec, &n);
    struct thread_job jobs[4];
    pthread_t th[4];
    int i;
    assert_non_null(want);
    for (i = 0; i < 4; i++) {
        jobs[i] = (struct thread_job){fx->state, text, want, 0};
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].mismatches, 0);
    }
    free(want);
    json_decref(rec);
    free(text);
}

static void test_entities_canonical_joins_acronyms(void **state)
{
    json_t *rec = run(*state, "The Korean Central News Agency (KCNA) said so. KCNA added that the "
                              "European Union and the EU agreed, unlike NATO.");
    json_t *c = find_canon(rec, "Korean Central News Agency");
    assert_non_null(c);
    assert_int_equal(json_integer_value(json_object_get(c, "mentions")), 3);
    assert_null(find_canon(rec, "KCNA"));
    c = find_canon(rec, "European Union");
    assert_non_null(c);
    assert_int_equal(json_integer_value(json_object_get(c, "mentions")), 2);
    assert_non_null(find_canon(rec, "NATO"));
    /* mentions keep their own text */
    assert_entity(rec, "KCNA", "ORG");
    json_decref(rec);
}

static void test_entities_canonical_sorted_by_salience(void **state)
{
    json_t *rec = json_pack("{s:s,s:s,s:s}", "id", "t2", "title", "Oslo talks end", "text",
                            "Talks in Oslo ended.\n\nLater, Jane Smith flew to Paris. "
                            "Smith met Smith's rival Tom Brown in Paris, then Paris again.");
    json_t *canon, *e, *prev = NULL;
    size_t i;
    run_rc(*state, rec, 0);
    canon = json_object_get(rec, "entities_canonical");
    assert_true(json_array_size(canon) >= 4);
    json_array_foreach(canon, i, e)
    {
        if (prev) {
            assert_true(json_real_value(json_object_get(prev, "salience")) >=
                        json_real_value(json_object_get(e, "salience")));
        }
        prev = e;
    }
    /* Oslo: 1 mention in title and first paragraph (1 + 2 + ~1) outranks Paris: 3 mentions
     * later on (3 + 0 + ~0.6) */
    e = json_array_get(canon, 0);
    assert_string_equal(json_string_value(json_object_get(e, "name")), "Oslo");
    e = find_canon(rec, "Paris");
    assert_non_null(e);
    assert_int_equal(json_integer_value(json_object_get(e, "mentions")), 3);
    assert_true(json_real_value(json_object_get(e, "salience")) > 3.0);
    assert_true(json_real_value(json_object_get(e, "salience")) < 4.0);
    e = find_canon(rec, "Jane Smith");
    assert_non_null(e);
    assert_int_equal(json_integer_value(json_object_get(e, "mentions")), 3);
    e = find_canon(rec, "Oslo");
    assert_non_null(e);
    assert_true(json_real_value(json_object_get(e, "salience")) > 3.0);
    /* other fields pass through */
    assert_string_equal(json_string_value(json_object_get(rec, "title")), "Oslo talks end");
    json_decref(rec);
}

/* ---- invalid input and limits ---- */

/* German capitalises every noun: by default only pattern entities for lang "de" */
static void test_entities_no_names_for_german(void **state)
{
    const char *text = "Der Hund von Angela Merkel lief am 30. August 1996 durch Berlin.";
    json_t *rec = json_pack("{s:s,s:s,s:s}", "id", "t7", "lang", "de-DE", "text", text);
    struct nf_conf *conf;
    char err[256];
    void *st = NULL;
    run_rc(*state, rec, 0);
    assert_entity(rec, "August 1996", "DATE");
    assert_no_entity(rec, "Berlin");
    assert_int_equal(json_array_size(json_object_get(rec, "entities")), 1);
    json_decref(rec);
    /* with the list emptied, names are searched again */
    conf = make_conf();
    assert_int_equal(nf_conf_set(conf, "entities.no_names_langs", "", "test", err, sizeof(err)), 0);
    assert_int_equal(nf_stage_entities.init(conf, &st, err, sizeof(err)), 0);
    rec = json_pack("{s:s,s:s,s:s}", "id", "t7", "lang", "de", "text", text);
    assert_int_equal(nf_stage_entities.transform(st, rec, err, sizeof(err)), 0);
    assert_entity(rec, "Berlin", "LOC");
    json_decref(rec);
    nf_stage_entities.destroy(st);
    nf_conf_destroy(conf);
    /* English records are unaffected */
    rec =
        json_pack("{s:s,s:s,s:s}", "id", "t8", "lang", "en-GB", "text", "Vladimir Putin met her.");
    run_rc(*state, rec, 0);
    assert_entity(rec, "Vladimir Putin", "PERSON");
    json_decref(rec);
}

static void test_entities_empty_text(void **state)
{
    json_t *rec = run(*state, "");
    assert_int_equal(json_array_size(json_object_get(rec, "entities")), 0);
    assert_true(json_is_array(json_object_get(rec, "entities_canonical")));
    assert_int_equal(json_array_size(json_object_get(rec, "entities_canonical")), 0);
    json_decref(rec);
}

static void test_entities_rejects_missing_or_bad_text(void **state)
{
    json_t *rec = json_pack("{s:s}", "id", "t3");
    run_rc(*state, rec, NF_ERR_INVALID);
    json_decref(rec);
    rec = json_pack("{s:s,s:i}", "id", "t4", "text", 42);
    run_rc(*state, rec, NF_ERR_INVALID);
    json_decref(rec);
}

static void test_entities_rejects_text_over_limit(void **state)
{
    struct nf_conf *conf = make_conf();
    char err[256], *big = malloc(4096);
    void *st = NULL;
    json_t *rec;
    (void)state;
    assert_int_equal(nf_conf_set(conf, "entities.max_text_bytes", "2048", "test", err, sizeof(err)),
                     0);
    assert_int_equal(nf_stage_entities.init(conf, &st, err, sizeof(err)), 0);
    memset(big, 'a', 4095);
    big[4095] = '\0';
    rec = json_pack("{s:s,s:s}", "id", "t5", "text", big);
    assert_int_equal(nf_stage_entities.transform(st, rec, err, sizeof(err)), NF_ERR_LIMIT);
    assert_non_null(strstr(err, "max_text_bytes"));
    json_decref(rec);
    free(big);
    nf_stage_entities.destroy(st);
    nf_conf_destroy(conf);
}

static void test_entities_init_fails_without_word_lists(void **state)
{
    struct nf_conf *conf = make_conf();
    char err[256] = "";
    void *st = NULL;
    (void)state;
    assert_int_equal(nf_conf_set(conf, "entities.gazetteer_dir", "/nonexistent/entities", "test",
                                 err, sizeof(err)),
                     0);
    assert_int_equal(nf_stage_entities.init(conf, &st, err, sizeof(err)), NF_ERR_IO);
    assert_null(st);
    assert_non_null(strstr(err, "/nonexistent/entities"));
    nf_conf_destroy(conf);
}

/* A missing or corrupt model file fails init with the file named in errstr. */
static void test_entities_init_fails_on_bad_model(void **state)
{
    struct nf_conf *conf = make_conf();
    char err[256] = "", path[] = "/tmp/nf_ent_badmodelXXXXXX";
    void *st = NULL;
    int fd;
    (void)state;
    assert_int_equal(
        nf_conf_set(conf, "entities.model", "/nonexistent/ner.bin", "test", err, sizeof(err)), 0);
    assert_int_equal(nf_stage_entities.init(conf, &st, err, sizeof(err)), NF_ERR_IO);
    assert_null(st);
    assert_non_null(strstr(err, "/nonexistent/ner.bin"));
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not a model, just text\n", 23), 23);
    close(fd);
    assert_int_equal(nf_conf_set(conf, "entities.model", path, "test", err, sizeof(err)), 0);
    assert_int_equal(nf_stage_entities.init(conf, &st, err, sizeof(err)), NF_ERR_INVALID);
    assert_null(st);
    assert_non_null(strstr(err, "not a newsflow NER model"));
    unlink(path);
    nf_conf_destroy(conf);
}

/* The generated known_*.txt / common_words.txt lists are optional; the hand-written ones are not.
 */
static void test_entities_generated_lists_are_optional(void **state)
{
    static const char *const required[] = {
        "first_names.txt",   "titles.txt",    "org_suffixes.txt", "orgs.txt",
        "locations.txt",     "demonyms.txt",  "misc.txt",         "stopwords.txt",
        "misc_suffixes.txt", "countries.txt", "loc_suffixes.txt", NULL};
    struct nf_conf *conf = make_conf();
    char dir[] = "/tmp/nf_ent_gazXXXXXX", path[512], err[256] = "";
    void *st = NULL;
    size_t i;
    FILE *fp;
    (void)state;
    assert_non_null(mkdtemp(dir));
    for (i = 0; required[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, required[i]);
        fp = fopen(path, "w");
        assert_non_null(fp);
        fputs("# empty list\nparis\n", fp);
        fclose(fp);
    }
    assert_int_equal(nf_conf_set(conf, "entities.gazetteer_dir", dir, "test", err, sizeof(err)), 0);
    assert_int_equal(nf_stage_entities.init(conf, &st, err, sizeof(err)), 0);
    nf_stage_entities.destroy(st);
    st = NULL;
    snprintf(path, sizeof(path), "%s/%s", dir, "titles.txt");
    assert_int_equal(remove(path), 0);
    assert_int_equal(nf_stage_entities.init(conf, &st, err, sizeof(err)), NF_ERR_IO);
    assert_non_null(strstr(err, "titles.txt"));
    /* an entry longer than NF_GAZ_KEY_MAX is reported with file:line */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("# titles\n", fp);
    for (i = 0; i < 200; i++) {
        fputc('x', fp);
    }
    fputc('\n', fp);
    fclose(fp);
    assert_int_equal(nf_stage_entities.init(conf, &st, err, sizeof(err)), NF_ERR_CONFIG);
    assert_non_null(strstr(err, "titles.txt:2"));
    assert_null(st);
    for (i = 0; required[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, required[i]);
        remove(path);
    }
    assert_int_equal(rmdir(dir), 0);
    nf_conf_destroy(conf);
}

static void test_entities_common_sentence_start_word_is_not_a_name(void **state)
{
    /* without common_words.txt "Officials Tom Brown" would be one name */
    json_t *rec = run(*state, "Shares in Acme Corp. fell. Officials Tom Brown and Jo Lee "
                              "agreed.");
    assert_no_entity(rec, "Shares");
    assert_entity(rec, "Acme Corp.", "ORG");
    assert_entity(rec, "Tom Brown", "PERSON");
    assert_no_entity(rec, "Officials Tom Brown");
    json_decref(rec);
    /* a common word capitalised alone is no name; in a longer name it still counts */
    rec = run(*state, "They met for the Session round at the First Bank Arena.");
    assert_no_entity(rec, "Session");
    assert_entity(rec, "First Bank Arena", "LOC");
    json_decref(rec);
}

static void test_entities_large_capitalised_input_is_bounded(void **state)
{
    static const char *const words[] = {"Alpha", "Kim",  "Bravo", "Moscow",  "Charlie",
                                        "Delta", "Echo", "Putin", "Foxtrot", "Agency"};
    size_t cap = 1 << 20, len = 0, i = 0;
    char *text = malloc(cap + 16);
    json_t *rec;
    while (len + 10 < cap) {
        size_t n = strlen(words[i % 10]);
        memcpy(text + len, words[i % 10], n);
        len += n;
        text[len++] = (i % 97 == 96) ? '\n' : ' ';
        i++;
    }
    text[len] = '\0';
    rec = json_pack("{s:s,s:s}", "id", "t6", "text", text);
    /* bounded work, not a timing: the mention cap holds (ctest's TIMEOUT bounds the time; speed
     * is measured by tests/bench/entities.sh, not by a unit test on a shared machine) */
    run_rc(*state, rec, 0);
    assert_true(json_array_size(json_object_get(rec, "entities")) <= 5000);
    json_decref(rec);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entities_tokenizer_keeps_hyphenated_names),
        cmocka_unit_test(test_entities_tokenizer_splits_possessives),
        cmocka_unit_test(test_entities_tokenizer_keeps_abbreviation_periods),
        cmocka_unit_test(test_entities_tokenizer_respects_token_limit),
        cmocka_unit_test(test_entities_tokenizer_marks_headlines),
        cmocka_unit_test_setup_teardown(test_entities_finds_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_finds_time_money_percent_quantity, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_ordinal_before_noun_is_not_a_date, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_offsets_are_code_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_possessive_is_not_part_of_name, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_title_splits_person_from_demonym, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_org_suffix_and_connector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_name_suffixes_plurals_and_clitics, setup_rules,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_place_before_score_is_a_team, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_context_cues, setup_rules, teardown),
        cmocka_unit_test_setup_teardown(test_entities_initials_compounds_and_dashes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_titles_and_name_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_news_style_cues, setup_rules, teardown),
        cmocka_unit_test_setup_teardown(test_entities_seed_article_rules, setup_rules, teardown),
        cmocka_unit_test_setup_teardown(test_entities_sentence_initial_common_word_dropped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_headline_uses_word_lists_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_seed_article, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_transform_is_thread_safe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_canonical_joins_acronyms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_canonical_sorted_by_salience, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entities_no_names_for_german, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_empty_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_rejects_missing_or_bad_text, setup, teardown),
        cmocka_unit_test(test_entities_rejects_text_over_limit),
        cmocka_unit_test(test_entities_init_fails_without_word_lists),
        cmocka_unit_test(test_entities_generated_lists_are_optional),
        cmocka_unit_test(test_entities_init_fails_on_bad_model),
        cmocka_unit_test_setup_teardown(test_entities_common_sentence_start_word_is_not_a_name,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities_large_capitalised_input_is_bounded, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
