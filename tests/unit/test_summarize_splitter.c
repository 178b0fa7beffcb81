/* test_summarize_splitter.c - unit tests of the summarize stage's sentence splitter
 * (stages/summarize/splitter.c): a table of tricky cases, paragraph boundaries, length bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../stages/summarize/splitter.h"

#define MAXS 8

struct split_case {
    const char *name;
    const char *text;
    const char *want[MAXS]; /* NULL-terminated */
};

static const struct split_case split_cases[] = {
    {"plain",
     "The cat sat. The dog ran! Did it? Yes.",
     {"The cat sat.", "The dog ran!", "Did it?", "Yes.", NULL}},
    {"titles",
     "Mr. Smith met Mrs. Jones and Dr. Who. Then Gen. Lee and Sen. Warren left.",
     {"Mr. Smith met Mrs. Jones and Dr. Who.", "Then Gen. Lee and Sen. Warren left.", NULL}},
    {"dotted acronyms",
     "U.S. troops entered the U.K. on Monday. The U.S. Army said so.",
     {"U.S. troops entered the U.K. on Monday.", "The U.S. Army said so.", NULL}},
    {"acronym at sentence end",
     "He moved to the U.S. The move was quick.",
     {"He moved to the U.S.", "The move was quick.", NULL}},
    {"e.g. and i.e.",
     "Use fruit, e.g. Apples or pears. Avoid nuts, i.e. Peanuts. Done.",
     {"Use fruit, e.g. Apples or pears.", "Avoid nuts, i.e. Peanuts.", "Done.", NULL}},
    {"initials",
     "The Hobbit was written by J. R. R. Tolkien in 1937. It sold well.",
     {"The Hobbit was written by J. R. R. Tolkien in 1937.", "It sold well.", NULL}},
    {"decimals and thousands",
     "Prices rose 3.5 percent to 11,000.50 dollars. Sales fell 2.1%.",
     {"Prices rose 3.5 percent to 11,000.50 dollars.", "Sales fell 2.1%.", NULL}},
    {"months and No.",
     "On Dec. 5 he lived at No. 10 Downing St. London. It was cold.",
     {"On Dec. 5 he lived at No. 10 Downing St. London.", "It was cold.", NULL}},
    {"company at end",
     "Shares of Acme Inc. rose. He works for Acme Inc. The firm grew.",
     {"Shares of Acme Inc. rose.", "He works for Acme Inc.", "The firm grew.", NULL}},
    {"closing quote",
     "\"I am leaving,\" he said. \"Goodbye.\" Then he left.",
     {"\"I am leaving,\" he said.", "\"Goodbye.\"", "Then he left.", NULL}},
    {"quote then capital",
     "He left.\" Then she arrived.",
     {"He left.\"", "Then she arrived.", NULL}},
    {"parenthesis",
     "Read the notes (see below.) Next comes the plan.",
     {"Read the notes (see below.)", "Next comes the plan.", NULL}},
    {"curly quotes",
     "She said \xE2\x80\x9CNo.\xE2\x80\x9D Then she left.",
     {"She said \xE2\x80\x9CNo.\xE2\x80\x9D", "Then she left.", NULL}},
    {"ellipsis mid-sentence",
     "He paused... then went on. Wait\xE2\x80\xA6 What now?",
     {"He paused... then went on.", "Wait\xE2\x80\xA6", "What now?", NULL}},
    {"ellipsis before capital",
     "It was over... The end came.",
     {"It was over...", "The end came.", NULL}},
    {"no final punctuation",
     "First sentence here. Second one has no end",
     {"First sentence here.", "Second one has no end", NULL}},
    {"question exclamation run",
     "Really?! Yes. Wow!!! Fine.",
     {"Really?!", "Yes.", "Wow!!!", "Fine.", NULL}},
    {"lowercase continuation",
     "The Yahoo! search engine works. Good.",
     {"The Yahoo! search engine works.", "Good.", NULL}},
    {"paragraphs are hard boundaries",
     "Headline without a stop\n\nBody starts here. More text",
     {"Headline without a stop", "Body starts here.", "More text", NULL}},
    {"single newline is a space",
     "A line that\ncontinues here. Next one.",
     {"A line that\ncontinues here.", "Next one.", NULL}},
    {"blank line with spaces", "One para\n  \t \nTwo para.", {"One para", "Two para.", NULL}},
    {"whitespace only", " \n\n \t ", {NULL}},
    {"no-break and ideographic spaces",
     "\xE3\x80\x80"
     "First one.\xC2\xA0"
     "Second one.\xE3\x80\x80",
     {"First one.", "Second one.", NULL}},
    {"empty", "", {NULL}},
    {"korean",
     "\xEC\x95\x88\xEB\x85\x95\xED\x95\x98\xEC\x84\xB8\xEC\x9A\x94. "
     "\xEC\x98\xA4\xEB\x8A\x98\xEC\x9D\x80 \xEC\xA2\x8B\xEC\x95\x84\xEC\x9A\x94.",
     {"\xEC\x95\x88\xEB\x85\x95\xED\x95\x98\xEC\x84\xB8\xEC\x9A\x94.",
      "\xEC\x98\xA4\xEB\x8A\x98\xEC\x9D\x80 \xEC\xA2\x8B\xEC\x95\x84\xEC\x9A\x94.", NULL}},
    {"russian",
     "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82. "
     "\xD0\x9A\xD0\xB0\xD0\xBA \xD0\xB4\xD0\xB5\xD0\xBB\xD0\xB0?",
     {"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82.",
      "\xD0\x9A\xD0\xB0\xD0\xBA \xD0\xB4\xD0\xB5\xD0\xBB\xD0\xB0?", NULL}},
    {"cjk full stop needs no space",
     "\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82\xE5\x86\x8D\xE8\xA7\x81",
     {"\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82", "\xE5\x86\x8D\xE8\xA7\x81", NULL}},
    {"number after stop",
     "It happened in 2015. 3,000 people came.",
     {"It happened in 2015.", "3,000 people came.", NULL}},
};

static void split_check(const struct split_case *c)
{
    struct nf_split_list l = {0};
    assert_int_equal(nf_split_text(c->text, strlen(c->text), NULL, &l), 0);
    size_t want = 0;
    while (want < MAXS && c->want[want]) {
        want++;
    }
    size_t n = l.n < want ? l.n : want;
    for (size_t i = 0; i < n; i++) {
        size_t len = l.v[i].end - l.v[i].start;
        if (len != strlen(c->want[i]) || memcmp(c->text + l.v[i].start, c->want[i], len) != 0) {
            fail_msg("case \"%s\": sentence %zu is \"%.*s\", want \"%s\"", c->name, i, (int)len,
                     c->text + l.v[i].start, c->want[i]);
        }
    }
    if (l.n != want) {
        fail_msg("case \"%s\": %zu sentences, want %zu", c->name, l.n, want);
    }
    nf_split_free(&l);
}

static void test_split_tricky_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
        split_check(&split_cases[i]);
    }
}

static void test_split_marks_paragraphs(void **state)
{
    (void)state;
    const char *t = "One. Two.\n\n\n\nThree.\n\nFour";
    struct nf_split_list l = {0};
    assert_int_equal(nf_split_text(t, strlen(t), NULL, &l), 0);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.v[0].para, 0);
    assert_int_equal(l.v[1].para, 0);
    assert_int_equal(l.v[2].para, 1);
    assert_int_equal(l.v[3].para, 2);
    nf_split_free(&l);
}

/* 5 MB with no punctuation at all: many bounded sentences, each on a word boundary. */
static void test_split_bounds_unpunctuated_text(void **state)
{
    (void)state;
    size_t len = 5 * 1024 * 1024;
    char *t = malloc(len + 1);
    assert_non_null(t);
    for (size_t i = 0; i < len; i++) {
        t[i] = (i % 7 == 6) ? ' ' : 'a' + (char)(i % 7);
    }
    t[len] = '\0';
    struct nf_split_opts o;
    nf_split_opts_default(&o);
    o.max_bytes = 1000;
    struct nf_split_list l = {0};
    assert_int_equal(nf_split_text(t, len, &o, &l), 0);
    assert_true(l.n > len / 1000);
    for (size_t i = 0; i < l.n; i++) {
        assert_true(l.v[i].end - l.v[i].start <= 1000);
        assert_true(l.v[i].end > l.v[i].start);
        assert_true(t[l.v[i].end - 1] != ' ');
        if (i + 1 < l.n) {
            assert_true(l.v[i].flags & NF_SPLIT_CUT);
            assert_true(l.v[i].end <= l.v[i + 1].start);
        }
    }
    nf_split_free(&l);
    free(t);
}

/* A run with no spaces at all is cut on UTF-8 character boundaries. */
static void test_split_cuts_on_utf8_boundaries(void **state)
{
    (void)state;
    size_t reps = 3000;
    char *t = malloc(reps * 3 + 1);
    assert_non_null(t);
    for (size_t i = 0; i < reps; i++) {
        memcpy(t + 3 * i, "\xED\x95\x9C", 3); /* 한 */
    }
    t[reps * 3] = '\0';
    struct nf_split_opts o = {.max_bytes = 100, .max_spans = 0};
    struct nf_split_list l = {0};
    assert_int_equal(nf_split_text(t, reps * 3, &o, &l), 0);
    assert_true(l.n >= reps * 3 / 100);
    size_t total = 0;
    for (size_t i = 0; i < l.n; i++) {
        assert_true(l.v[i].end - l.v[i].start <= 100);
        assert_int_equal(l.v[i].start % 3, 0);
        assert_int_equal(l.v[i].end % 3, 0);
        total += l.v[i].end - l.v[i].start;
    }
    assert_int_equal(total, reps * 3); /* nothing lost */
    nf_split_free(&l);
    free(t);
}

static void test_split_stops_at_max_spans(void **state)
{
    (void)state;
    const char *t = "One is here. Two is here. Three is here. Four is here.";
    struct nf_split_opts o = {.max_bytes = 2000, .max_spans = 2};
    struct nf_split_list l = {0};
    assert_int_equal(nf_split_text(t, strlen(t), &o, &l), 0);
    assert_int_equal(l.n, 2);
    assert_true(l.truncated);
    nf_split_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_tricky_cases),
        cmocka_unit_test(test_split_marks_paragraphs),
        cmocka_unit_test(test_split_bounds_unpunctuated_text),
        cmocka_unit_test(test_split_cuts_on_utf8_boundaries),
        cmocka_unit_test(test_split_stops_at_max_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
