/* test_clean_parse.c - unit tests of what the clean stage does around libxml2's parse: the
 * pre-parse strip of scripts, styles and comments (strip.c) and the per-page arena behind
 * libxml2's allocator (arena.c).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlmemory.h>

#include "../../stages/clean/arena.h"
#include "../../stages/clean/strip.h"

/* strip(in) as a NUL-terminated string (test_free it) */
static char *strip(const char *in)
{
    size_t len = strlen(in);
    char *out = test_malloc(len + 1);
    size_t n = nf_html_strip(in, len, out);
    assert_true(n <= len);
    out[n] = '\0';
    return out;
}

static void expect_strip(const char *in, const char *want)
{
    char *got = strip(in);
    assert_string_equal(got, want);
    test_free(got);
}

static void test_strip_scripts_styles_comments(void **ctx)
{
    (void)ctx;
    expect_strip("<p>a</p><script>var x = '<p>no</p>';</script><p>b</p>",
                 "<p>a</p><script></script><p>b</p>");
    expect_strip("<style type=\"text/css\">p { color: red }</style>x", "<style type=\"text/css\"></style>x");
    expect_strip("a<!-- <p>hidden</p> -->b", "ab");
    /* end tags in any case; "</script" ends the script even inside a string, as in libxml2 */
    expect_strip("<SCRIPT>if (a < b) x();</ScRiPt>t", "<SCRIPT></ScRiPt>t");
    expect_strip("<script>s = \"</script>\";</script>", "<script></script>\";</script>");
    /* a script within a comment is part of the comment */
    expect_strip("<!-- <script> -->text<script>x</script>", "text<script></script>");
}

static void test_strip_svg(void **ctx)
{
    (void)ctx;
    /* SVG markup only: the contents go, nested svgs included */
    expect_strip("<p>a</p><svg viewBox=\"0 0 9 9\"><title>Share</title><path d=\"M0 0L9 9\"/>"
                 "<svg><circle r=\"1\"/></svg><g><text>x</text></g></svg><p>b</p>",
                 "<p>a</p><svg viewBox=\"0 0 9 9\"></svg><p>b</p>");
    expect_strip("<SVG><use href=\"#i\"/></Svg>t", "<SVG></Svg>t");
    /* HTML inside (foreignObject, or an svg left open before the page goes on): kept whole */
    expect_strip("<svg><foreignObject><p>text</p></foreignObject></svg>",
                 "<svg><foreignObject><p>text</p></foreignObject></svg>");
    expect_strip("<div><svg><path d=\"M0\"/></div><p>article</p>",
                 "<div><svg><path d=\"M0\"/></div><p>article</p>");
    /* no closing tag, or self-closing: kept */
    expect_strip("<svg><path/>", "<svg><path/>");
    expect_strip("<svg/><p>t</p>", "<svg/><p>t</p>");
    /* "</svg>" inside a quoted attribute does not close it */
    expect_strip("<svg><g data-x=\"</svg>\"><path/></g></svg>z", "<svg></svg>z");
}

static void test_strip_keeps_json_ld(void **ctx)
{
    (void)ctx;
    const char *in = "<script type=\"application/ld+json\">{\"headline\":\"H\"}</script>"
                     "<script type='text/javascript'>x()</script>";
    expect_strip(in, "<script type=\"application/ld+json\">{\"headline\":\"H\"}</script>"
                     "<script type='text/javascript'></script>");
    expect_strip("<script TYPE=\"Application/LD+JSON\">{}</script>",
                 "<script TYPE=\"Application/LD+JSON\">{}</script>");
}

static void test_strip_reads_tags(void **ctx)
{
    (void)ctx;
    /* '<script>' and '>' inside quoted attribute values are not markup */
    expect_strip("<a title=\"<script>\" href='x>y'>link</a><p>text</p>",
                 "<a title=\"<script>\" href='x>y'>link</a><p>text</p>");
    /* <script/> is an empty element to libxml2: what follows is page text */
    expect_strip("<script src=\"a.js\"/><p>text</p>", "<script src=\"a.js\"/><p>text</p>");
    /* names that only start like script/style are other elements */
    expect_strip("<scripts>a</scripts><styles>b</styles>", "<scripts>a</scripts><styles>b</styles>");
    /* attributes survive */
    expect_strip("<script async src=\"x.js\" data-a='1'>code</script>",
                 "<script async src=\"x.js\" data-a='1'></script>");
    /* "<" that starts no tag is text */
    expect_strip("1 < 2 <= 3 <!x> <?y?>", "1 < 2 <= 3 <!x> <?y?>");
}

static void test_strip_unterminated_copies(void **ctx)
{
    (void)ctx;
    /* where the end is missing, the rest goes to the parser unchanged */
    expect_strip("a<!-- open comment <p>b</p>", "a<!-- open comment <p>b</p>");
    expect_strip("a<script>x = 1; <p>b</p>", "a<script>x = 1; <p>b</p>");
    expect_strip("a<p class=\"open>b", "a<p class=\"open>b");
    expect_strip("a<p", "a<p");
    expect_strip("", "");
    expect_strip("<", "<");
    expect_strip("<script>", "<script>");
    expect_strip("<!--", "<!--");
}

/* The parse of stripped input has the same text as the parse of the original. */
static void test_strip_parses_alike(void **ctx)
{
    (void)ctx;
    const char *in =
        "<html><head><title>T</title><style>.a{}</style>"
        "<script>document.write('<p>w</p>')</script></head><body><!-- c -->"
        "<div class=\"x\"><p>One <b>two</b></p><script>var a = \"<div>\";</script>"
        "<p>Three<!-- x --> four</p></div></body></html>";
    char *out = strip(in);
    htmlDocPtr a = htmlReadMemory(in, (int)strlen(in), NULL, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    htmlDocPtr b = htmlReadMemory(out, (int)strlen(out), NULL, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    assert_non_null(a);
    assert_non_null(b);
    xmlNode *body_a = xmlDocGetRootElement(a)->children->next;
    xmlNode *body_b = xmlDocGetRootElement(b)->children->next;
    xmlChar *ta = xmlNodeGetContent(xmlFirstElementChild(body_a)); /* the div */
    xmlChar *tb = xmlNodeGetContent(xmlFirstElementChild(body_b));
    /* the original's text includes the script's source; the stripped one's does not */
    assert_non_null(strstr((const char *)ta, "One two"));
    assert_string_equal((const char *)tb, "One twoThree four");
    xmlFree(ta);
    xmlFree(tb);
    xmlFreeDoc(a);
    xmlFreeDoc(b);
    test_free(out);
}

/* ---- arena ---- */

static int setup_arena(void **ctx)
{
    (void)ctx;
    assert_int_equal(nf_xml_arena_install(), 0);
    assert_true(nf_xml_arena_installed());
    xmlInitParser();
    return 0;
}

static void test_arena_scope(void **ctx)
{
    (void)ctx;
    void *before = xmlMalloc(100); /* outside any scope: malloc */
    assert_non_null(before);
    assert_int_equal(nf_xml_arena_begin(), 0);
    assert_int_equal(nf_xml_arena_used(), 0);
    char *p = xmlMalloc(10);
    assert_non_null(p);
    assert_true(nf_xml_arena_used() >= 10);
    memcpy(p, "123456789", 10);
    /* the newest block grows in place and keeps its bytes */
    char *q = xmlRealloc(p, 1000);
    assert_ptr_equal(q, p);
    assert_string_equal(q, "123456789");
    /* an older block moves, with its bytes */
    char *r = xmlMalloc(8);
    assert_non_null(r);
    char *s = xmlRealloc(q, 5000);
    assert_non_null(s);
    assert_ptr_not_equal(s, q);
    assert_string_equal(s, "123456789");
    xmlFree(r);
    /* a block from before the scope is malloc's: realloc and free go there */
    before = xmlRealloc(before, 200000);
    assert_non_null(before);
    xmlFree(before);
    xmlChar *d = xmlStrdup((const xmlChar *)"dup");
    assert_string_equal((const char *)d, "dup");
    xmlFree(d);
    /* larger than a chunk, and larger than the arena may grow: both still served */
    void *big = xmlMalloc((size_t)3 << 20);
    assert_non_null(big);
    memset(big, 1, (size_t)3 << 20);
    void *huge = xmlMalloc((size_t)300 << 20); /* beyond the arena's cap: malloc */
    assert_non_null(huge);
    xmlFree(huge);
    xmlFree(s);
    nf_xml_arena_end();
    /* the next scope starts empty */
    assert_int_equal(nf_xml_arena_begin(), 0);
    assert_int_equal(nf_xml_arena_used(), 0);
    nf_xml_arena_end();
}

static htmlDocPtr parse(const char *html)
{
    return htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                          HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                              HTML_PARSE_NONET);
}

/* Documents parsed in scopes, one after another, read back right; errors libxml2 records in
 * a scope (its global last error) do not outlive it. */
static void test_arena_documents(void **ctx)
{
    (void)ctx;
    size_t first = 0;
    for (int i = 0; i < 200; i++) {
        assert_int_equal(nf_xml_arena_begin(), 0);
        /* broken markup: libxml2 records errors with strings from the scope */
        htmlDocPtr doc = parse("<html><body><p>para <b>bold</i> &bogus; <div>x</p></table>"
                               "<p>second</p></body></html>");
        assert_non_null(doc);
        xmlChar *t = xmlNodeGetContent(xmlDocGetRootElement(doc));
        assert_non_null(strstr((const char *)t, "para bold"));
        assert_non_null(strstr((const char *)t, "second"));
        xmlFree(t);
        xmlFreeDoc(doc);
        if (i == 0) {
            first = nf_xml_arena_used();
            assert_true(first > 0);
        } else {
            assert_int_equal(nf_xml_arena_used(), first); /* the same page costs the same */
        }
        nf_xml_arena_end();
    }
    /* outside a scope, libxml2 works on malloc as before */
    htmlDocPtr doc = parse("<p>after</p>");
    assert_non_null(doc);
    xmlFreeDoc(doc);
}

static void *thread_parse(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20; i++) {
        if (nf_xml_arena_begin()) {
            return "begin";
        }
        htmlDocPtr doc = parse("<div><p>in a thread</p></div>");
        xmlChar *t = doc ? xmlNodeGetContent(xmlDocGetRootElement(doc)) : NULL;
        int ok = t && !strcmp((const char *)t, "in a thread");
        xmlFree(t);
        xmlFreeDoc(doc);
        nf_xml_arena_end();
        if (!ok) {
            return "text";
        }
    }
    return NULL; /* the thread's arena goes with the thread (LeakSanitizer checks) */
}

static void test_arena_threads(void **ctx)
{
    (void)ctx;
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, thread_parse, NULL), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *res = NULL;
        assert_int_equal(pthread_join(th[i], &res), 0);
        assert_null(res);
    }
}

static int teardown_arena(void **ctx)
{
    (void)ctx;
    nf_xml_arena_thread_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest strip_tests[] = {
        cmocka_unit_test(test_strip_scripts_styles_comments),
        cmocka_unit_test(test_strip_svg),
        cmocka_unit_test(test_strip_keeps_json_ld),
        cmocka_unit_test(test_strip_reads_tags),
        cmocka_unit_test(test_strip_unterminated_copies),
        cmocka_unit_test(test_strip_parses_alike),
    };
    const struct CMUnitTest arena_tests[] = {
        cmocka_unit_test(test_arena_scope),
        cmocka_unit_test(test_arena_documents),
        cmocka_unit_test(test_arena_threads),
    };
    int failed = cmocka_run_group_tests_name("strip", strip_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("arena", arena_tests, setup_arena, teardown_arena);
    return failed;
}
