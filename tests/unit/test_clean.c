/* test_clean.c - unit tests of the clean stage (raw-html -> cleaned): the sample pages come out
 * with exactly their expected text, each kind of chrome is dropped, metadata is found, and bad
 * input (empty, huge, deeply nested, binary, other charsets) is handled within bounds.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "../../stages/clean/boiler.h"
#include "../../stages/clean/meta.h"
#include "newsflow/conf.h"
#include "newsflow/err.h"
#include "newsflow/stage.h"
#include "newsflow/util.h"

extern const struct nf_stage nf_stage_clean;

struct fixture {
    struct nf_conf *conf;
    void *state;
};

static int setup_conf(void **ctx, const char *key, const char *value)
{
    static const struct nf_prop *tables[3];
    tables[0] = nf_common_props;
    tables[1] = nf_stage_clean.props;
    tables[2] = NULL;
    struct fixture *f = calloc(1, sizeof(*f));
    char err[256];
    assert_non_null(f);
    f->conf = nf_conf_new(tables);
    assert_non_null(f->conf);
    if (key) {
        assert_int_equal(nf_conf_set(f->conf, key, value, "test", err, sizeof(err)), 0);
    }
    assert_int_equal(nf_stage_clean.init(f->conf, &f->state, err, sizeof(err)), 0);
    *ctx = f;
    return 0;
}

static int setup(void **ctx)
{
    return setup_conf(ctx, NULL, NULL);
}

static int setup_small_limit(void **ctx)
{
    return setup_conf(ctx, "clean.max_html_bytes", "1024");
}

static int setup_small_node_budget(void **ctx)
{
    return setup_conf(ctx, "clean.max_nodes", "1000");
}

static int teardown(void **ctx)
{
    struct fixture *f = *ctx;
    nf_stage_clean.destroy(f->state);
    nf_conf_destroy(f->conf);
    free(f);
    return 0;
}

/* The boilerplate lists of config/clean, for the tests of single lines. */
static int setup_boiler(void **ctx)
{
    struct nf_boiler *b = NULL;
    char err[256];
    assert_int_equal(nf_boiler_load(NF_SOURCE_DIR "/config/clean", &b, err, sizeof(err)), 0);
    *ctx = b;
    return 0;
}

static int teardown_boiler(void **ctx)
{
    nf_boiler_free(*ctx);
    return 0;
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fail_msg("cannot open %s", path);
    }
    struct nf_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        assert_int_equal(nf_buf_append(&b, chunk, n), 0);
    }
    fclose(fp);
    return nf_buf_steal(&b);
}

/* Run the transform over a record with this html (and optional extra fields, a JSON object
 * text). Returns the transform's result; *out gets the record (caller json_decref). */
static int run_rec(struct fixture *f, json_t *rec, json_t **out, char *err, size_t errsize)
{
    int r = nf_stage_clean.transform(f->state, rec, err, errsize);
    if (r == 0) {
        /* every string the stage writes must be valid UTF-8 */
        const char *key;
        json_t *v;
        json_object_foreach(rec, key, v)
        {
            if (json_is_string(v)) {
                assert_true(nf_utf8_valid(json_string_value(v), json_string_length(v)));
            }
        }
        const char *text = json_string_value(json_object_get(rec, "text"));
        assert_non_null(text);
    }
    *out = rec;
    return r;
}

static json_t *run_html(struct fixture *f, const char *html, const char *extra)
{
    json_t *rec = extra ? json_loads(extra, 0, NULL) : json_object();
    char err[256] = "";
    assert_non_null(rec);
    json_object_set_new(rec, "id", json_string("t1"));
    json_object_set_new(rec, "url", json_string("https://news.example/world/story-1"));
    json_object_set_new(rec, "fetched_at", json_string("2025-03-23T03:00:00Z"));
    json_object_set_new(rec, "html", json_string(html));
    json_t *out = NULL;
    int r = run_rec(f, rec, &out, err, sizeof(err));
    if (r != 0) {
        fail_msg("transform failed: %d %s", r, err);
    }
    return out;
}

static const char *text_of(const json_t *rec)
{
    return json_string_value(json_object_get(rec, "text"));
}

/* ---- the sample pages ---- */

static void check_sample(struct fixture *f, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/config/samples/%s.html", NF_SOURCE_DIR, name);
    char *html = read_file(path);
    snprintf(path, sizeof(path), "%s/tests/fixtures/clean/%s.expected.txt", NF_SOURCE_DIR, name);
    char *expected = read_file(path);
    size_t el = strlen(expected);
    while (el > 0 && expected[el - 1] == '\n') {
        expected[--el] = '\0';
    }
    json_t *rec = run_html(f, html, NULL);
    assert_string_equal(text_of(rec), expected);
    assert_non_null(json_string_value(json_object_get(rec, "title")));
    json_decref(rec);
    free(html);
    free(expected);
}

static void test_clean_sample_harbor_gazette(void **ctx)
{
    check_sample(*ctx, "harbor-gazette-ferry");
}

static void test_clean_sample_valley_courier_table_layout(void **ctx)
{
    check_sample(*ctx, "valley-courier-oldsite");
}

static void test_clean_sample_bytefield_blog(void **ctx)
{
    check_sample(*ctx, "bytefield-blog-cache");
}

static void test_clean_sample_northern_sport_microdata(void **ctx)
{
    check_sample(*ctx, "northern-sport-relay");
}

static void test_clean_sample_le_littoral_french(void **ctx)
{
    check_sample(*ctx, "le-littoral-marais");
}

static void test_clean_seed_article_exact_without_chrome(void **ctx)
{
    struct fixture *f = *ctx;
    check_sample(f, "seed-article");
    /* and none of the chrome lines of the scraped original */
    char path[1024];
    snprintf(path, sizeof(path), "%s/config/samples/seed-article.html", NF_SOURCE_DIR);
    char *html = read_file(path);
    json_t *rec = run_html(f, html, NULL);
    const char *t = text_of(rec);
    assert_null(strstr(t, "Written by"));
    assert_null(strstr(t, "11:34 AM"));
    assert_null(strstr(t, "Visited"));
    assert_null(strstr(t, "visit(s) today"));
    assert_null(strstr(t, "Close Search Window"));
    assert_null(strstr(t, "Putin Delivers")); /* the headline is the title, not the text */
    assert_string_equal(json_string_value(json_object_get(rec, "title")),
                        "Putin Delivers \xe2\x80\x98Important Letter\xe2\x80\x99 to North "
                        "Korea\xe2\x80\x99s Kim Jong-un; Discussion on Additional Troop "
                        "Deployment Seemingly Held");
    assert_string_equal(json_string_value(json_object_get(rec, "published_at")),
                        "2025-03-23T02:34:00+00:00");
    assert_string_equal(json_string_value(json_object_get(rec, "lang")), "en-US");
    assert_string_equal(json_string_value(json_object_get(rec, "site_name")), "Korea Wire Daily");
    json_decref(rec);
    free(html);
}

/* ---- boilerplate kinds: each inside the article container, next to three paragraphs ---- */

#define P1 "The harbour authority approved the new breakwater on Monday after a two-year review."
#define P2 "Engineers said the structure would cut wave damage to the quay by about a third."
#define P3 "Construction is due to start in the spring, weather permitting, and last a year."
#define ARTICLE_EXPECTED P1 "\n\n" P2 "\n\n" P3

static json_t *run_with_chrome(struct fixture *f, const char *chrome)
{
    struct nf_buf b = {0};
    assert_int_equal(
        nf_buf_appendf(&b,
                       "<html><head><title>Breakwater approved | Coast News</title></head><body>"
                       "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
                       "<div class='article-body'><p>%s</p><p>%s</p>%s<p>%s</p></div>"
                       "<footer>Coast News 2025</footer></body></html>",
                       P1, P2, chrome, P3),
        0);
    json_t *rec = run_html(f, b.data, NULL);
    nf_buf_free(&b);
    return rec;
}

static void expect_dropped(struct fixture *f, const char *chrome)
{
    json_t *rec = run_with_chrome(f, chrome);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

static void test_clean_drops_share_bar(void **ctx)
{
    expect_dropped(*ctx, "<div class='share-buttons'><span>Share this article</span> "
                         "<a href='#'>Facebook</a> <a href='#'>Twitter</a></div>");
    expect_dropped(*ctx, "<p>Share this:</p>");
}

static void test_clean_drops_related_links(void **ctx)
{
    expect_dropped(*ctx, "<div class='related-stories'><h3>Related stories</h3><ul>"
                         "<li><a href='/a'>Lighthouse keeper retires after forty years</a></li>"
                         "<li><a href='/b'>Fishing quota talks resume in Brussels</a></li>"
                         "</ul></div>");
    /* an unmarked list of links is dropped too */
    expect_dropped(*ctx, "<ul><li><a href='/a'>Lighthouse keeper retires after forty years</a>"
                         "</li><li><a href='/b'>Fishing quota talks resume</a></li></ul>");
}

/* An unmarked teaser box inside the article: its linkless teaser sentence goes with its links,
 * while a box of prose with one link in it stays. */
static void test_clean_drops_link_box_inside_article(void **ctx)
{
    expect_dropped(*ctx, "<div class='box'><div><a href='/a'>Lighthouse keeper retires after "
                         "forty years on the rock</a></div><div>He looked after the light.</div>"
                         "<div><a href='/b'>Fishing quota talks resume in Brussels today</a></div>"
                         "</div>");
    json_t *rec = run_with_chrome(*ctx, "<div class='box'><p>The council will publish the plans "
                                        "on <a href='/plans'>its website</a> next week.</p><p>"
                                        "Residents can comment until the end of March.</p></div>");
    assert_string_equal(text_of(rec),
                        P1 "\n\n" P2 "\n\nThe council will publish the plans on "
                           "its website next week.\n\nResidents can comment until the "
                           "end of March.\n\n" P3);
    json_decref(rec);
}

/* A line that is one linked web or mail address (or a short label before one) is a reference
 * the text gives, not navigation; a line with a short linked name in it is still navigation. */
static void test_clean_keeps_linked_address_line(void **ctx)
{
    json_t *rec = run_with_chrome(*ctx, "<p>The full report can be read online:</p><p><a "
                                        "href='https://example.org/r.pdf'>"
                                        "https://example.org/report-2025.pdf</a></p>");
    assert_string_equal(text_of(rec), P1 "\n\n" P2 "\n\nThe full report can be read online:"
                                         "\n\nhttps://example.org/report-2025.pdf\n\n" P3);
    json_decref(rec);
    /* a short label before one linked address is a reference too */
    rec = run_with_chrome(*ctx, "<p>[1] <a href='https://example.org/r.pdf'>"
                                "https://example.org/report-2025.pdf</a></p>");
    assert_string_equal(text_of(rec), P1 "\n\n" P2 "\n\n[1] https://example.org/report-2025.pdf"
                                         "\n\n" P3);
    json_decref(rec);
    expect_dropped(*ctx, "<p><a href='/a'>Lighthouse keeper retires</a> | Home</p>");
    /* a linked table cell is a field of its row */
    rec = run_with_chrome(*ctx, "<table><tr><td><a href='/p/1'>Harbour crane, type B</a></td>"
                                "<td>12 tonnes, delivered in May</td></tr></table>");
    assert_string_equal(text_of(rec), P1 "\n\n" P2 "\n\nHarbour crane, type B\n\n12 tonnes, "
                                         "delivered in May\n\n" P3);
    json_decref(rec);
    /* an <a> without href is an anchor, not a link */
    rec = run_with_chrome(*ctx, "<p><a name='terms'>The terms of the agreement follow.</a></p>");
    assert_string_equal(text_of(rec), P1 "\n\n" P2 "\n\nThe terms of the agreement follow."
                                         "\n\n" P3);
    json_decref(rec);
}

/* Drupal wraps every page in "dialog-off-canvas-main-canvas": "off-canvas" is a chrome word,
 * but this name is the main canvas, so the article inside must survive the first pass. */
static void test_clean_keeps_drupal_main_canvas(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><div class='dialog-off-canvas-main-canvas'><main>"
                           "<article><p>" P1 "</p><p>" P2 "</p><p>" P3 "</p></article></main>"
                           "</div><div class='off-canvas'><p>Menu</p></div></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
    int weight = 0;
    struct nf_boiler *b = NULL;
    char err[256];
    assert_int_equal(nf_boiler_load(NF_SOURCE_DIR "/config/clean", &b, err, sizeof(err)), 0);
    assert_false(nf_boiler_classify(b, "dialog-off-canvas-main-canvas", NULL, &weight));
    assert_true(nf_boiler_classify(b, "off-canvas-menu", NULL, &weight));
    nf_boiler_free(b);
}

/* The relaxed second pass (the article's own container has a chrome name) still drops a consent
 * banner inside it and a dialog. */
static void test_clean_relaxed_pass_drops_consent_banner(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><div class='layout-sidebar-wrap'><p>" P1 "</p><p>" P2
                           "</p><div id='cookie-consent-box'><p>This website stores data such as "
                           "cookies to enable essential site functionality, as well as "
                           "analytics.</p></div><div role='dialog'><p>Before you continue "
                           "reading, please confirm your age to see this content.</p></div><p>" P3
                           "</p></div></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

/* A list of teaser cards (a linked title over a blurb) inside the article goes, blurbs and
 * all; a list whose items are not titled by links to other pages stays. */
static void test_clean_drops_teaser_cards(void **ctx)
{
    expect_dropped(*ctx, "<ul class='more'><li><h3><a href='/a'>Lighthouse keeper retires</a></h3>"
                         "<p>After forty years on the rock, the keeper hands over the light to a "
                         "machine.</p></li><li><h3><a href='/b'>Quota talks resume</a></h3><p>"
                         "Fishing ministers meet again in Brussels to settle next year's catch."
                         "</p></li></ul>");
    json_t *rec = run_with_chrome(*ctx, "<ul class='more'><li><h3>Lighthouse</h3><p>After forty "
                                        "years on the rock, the keeper hands over the light.</p>"
                                        "</li><li><h3>Quota</h3><p>Fishing ministers meet again "
                                        "in Brussels.</p></li></ul>");
    assert_string_equal(text_of(rec), P1 "\n\n" P2 "\n\nLighthouse\n\nAfter forty years on the "
                                         "rock, the keeper hands over the light.\n\nQuota\n\n"
                                         "Fishing ministers meet again in Brussels.\n\n" P3);
    json_decref(rec);
}

/* A short titled box closing the article that ends with a "More..." link is a promo, however
 * many lines it has. */
static void test_clean_drops_closing_box_ending_in_link(void **ctx)
{
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='article-body'><p>" P1 " " P2 "</p><p>" P2 " " P3 "</p><p>" P3
        " " P1 "</p><div class='box'><h3>Our partners</h3><p>The Harbour Trust looks after the "
        "old quay.</p><p>The sailing school teaches children by the pier.</p><p>The museum shows "
        "the history of the port.</p><p><a href='/partners'>More...</a></p></div></div>"
        "</body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
}

/* A titled closing section of the article with more text than a bio or a promo box has is
 * the article's last section. */
static void test_clean_keeps_long_closing_section(void **ctx)
{
#define LONG P1 " " P2 " " P3 " " P1 " " P2 " " P3 " " P1 " " P2 " " P3
    json_t *rec = run_html(*ctx,
                           "<html><body><div class='article-body'><p>" P1 " " P2 "</p><p>" P2 " " P3
                           "</p><p>" P3 " " P1 "</p><div class='box'><h2>The works</h2>"
                           "<p>" LONG "</p><p>" LONG "</p></div></div></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1
                                         "\n\nThe works\n\n" LONG "\n\n" LONG);
#undef LONG
    json_decref(rec);
}

static void test_clean_drops_cookie_notice(void **ctx)
{
    expect_dropped(*ctx, "<div id='cookie-notice'><p>We use cookies to give you the best "
                         "experience on our website, as described in our policy.</p>"
                         "<button>Accept</button></div>");
}

static void test_clean_drops_newsletter_box(void **ctx)
{
    expect_dropped(*ctx, "<div class='newsletter-signup'><h3>Get our morning briefing</h3>"
                         "<p>The day's most important stories, in your inbox by seven, every "
                         "weekday.</p><input type='email'></div>");
}

static void test_clean_drops_view_counter(void **ctx)
{
    expect_dropped(*ctx, "<p>Visited 1 times, 1 visit(s) today</p>");
    expect_dropped(*ctx, "<div class='views'>1,204 views</div>");
}

static void test_clean_drops_comment_widget(void **ctx)
{
    expect_dropped(*ctx, "<section id='comments'><h3>3 comments</h3><div class='comment'><p>"
                         "Great news for the town, finally something is being done about it."
                         "</p></div></section>");
}

static void test_clean_drops_read_more(void **ctx)
{
    expect_dropped(*ctx, "<p><a href='/more'>Read more</a></p>");
    expect_dropped(*ctx, "<p>Continue reading &raquo;</p>");
}

static void test_clean_drops_search_overlay_and_credit(void **ctx)
{
    expect_dropped(*ctx, "<p>Close Search Window</p>");
    expect_dropped(*ctx, "<p>Photo: Coast News / Ann Lee</p>");
}

static void test_clean_drops_hidden_elements(void **ctx)
{
    expect_dropped(*ctx, "<p hidden>Secret text that nobody should ever see in the output.</p>");
    expect_dropped(*ctx, "<p aria-hidden='true'>Screen-reader hidden paragraph of some "
                         "length.</p>");
    expect_dropped(*ctx, "<div style='display: none'><p>Subscriber-only teaser paragraph "
                         "text.</p></div>");
    expect_dropped(*ctx, "<p style='visibility:hidden'>Invisible paragraph, still long "
                         "enough.</p>");
}

static void test_clean_drops_orphan_heading_over_links(void **ctx)
{
    /* no class names give the box away: the heading goes because what follows is links */
    expect_dropped(*ctx, "<h3>More on this story</h3><ul><li><a href='/a'>Lighthouse keeper "
                         "retires after forty years</a></li><li><a href='/b'>Fishing quota talks"
                         " resume</a></li></ul>");
}

static void test_clean_keeps_heading_before_prose(void **ctx)
{
    json_t *rec = run_with_chrome(*ctx, "<h2>What happens next</h2>");
    assert_string_equal(text_of(rec), P1 "\n\n" P2 "\n\nWhat happens next\n\n" P3);
    json_decref(rec);
}

static void test_clean_relaxed_pass_finds_article_in_chrome_named_container(void **ctx)
{
    /* "two-col-sidebar-layout" names chrome, yet it wraps the whole page */
    json_t *rec = run_html(*ctx,
                           "<html><body><div class='two-col-sidebar-layout'><div class='main'>"
                           "<p>" P1 " " P2 "</p><p>" P2 " " P3 "</p><p>" P3 " " P1 "</p>"
                           "</div></div></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
}

/* A chrome-named element that holds most of the page's text is a layout wrapper: the first pass
 * keeps it, and so still drops the real chrome inside it (which the relaxed pass would keep). */
static void test_clean_chrome_named_wrapper_of_the_page_is_kept(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><div class='content-sidebar-wrap'><div class='main'>"
                           "<p>" P1 "</p><p>" P2 "</p><div class='related-box'><p>The mayor also "
                           "opened a new playground in the northern district last week, officials "
                           "said.</p></div><p>" P3 "</p></div></div></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

/* Ids made from headings ("sharing-with-a-single-developer") are anchors, not chrome names. */
static void test_clean_heading_anchor_ids_are_not_chrome(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><div class='body'><div class='section' id='intro'><p>" P1
                           "</p></div><div class='section' id='sharing-with-a-single-developer'>"
                           "<p>" P2 "</p></div><div class='section' id='notes'><p>" P3
                           "</p></div></div></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

/* A container named as the article's body (here by itemprop) wins over the best-scoring box inside
 * it, so the subheading and the table below the first paragraphs stay. */
static void test_clean_prefers_body_named_container(void **ctx)
{
    json_t *rec =
        run_html(*ctx,
                 "<html><body><div class='x' itemprop='articleBody'><div class='lead'><p>" P1 " " P2
                 "</p><p>" P2 " " P3 "</p><p>" P3 " " P1 "</p></div><h2>Timetable</h2>"
                 "<table><tr><td>Spring: the first stones are laid</td></tr></table>"
                 "</div></body></html>",
                 NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1
                                         "\n\nTimetable\n\nSpring: the first stones are laid");
    json_decref(rec);
}

/* A long paragraph that the markup left beside the article's container's parent is text. */
static void test_clean_keeps_long_paragraph_beside_the_container(void **ctx)
{
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='page'><div class='wrap'><div class='text'><p>" P1 " " P2
        "</p><p>" P2 " " P3 "</p><p>" P3 " " P1 "</p></div><div class='tools'><a href='/p'>"
        "Print</a></div></div><p>" P1 " " P2 " " P3 "</p></div><div class='foot'><a href='/'>"
        "Home</a></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec),
                        P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1 "\n\n" P1 " " P2 " " P3);
    json_decref(rec);
}

/* A call to action near the end goes even when a real paragraph follows it. */
static void test_clean_drops_promo_before_last_paragraph(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 "</p><p>" P2 "</p><p>Our free "
                           "newsletter brings you the day's stories every morning.</p><p>" P3
                           "</p></article></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

/* A call to action the site inserted between the article's paragraphs goes wherever it stands;
 * a paragraph reporting on a newsletter stays. */
/* A call to action is dropped also when it runs long (a support pitch of several sentences). */
static void test_clean_drops_long_inline_call_to_action(void **ctx)
{
#define PITCH                                                                                      \
    "Independent reporting costs money. We do not put our stories behind a paywall, because we "   \
    "want every reader in the valley to be informed. If you value our work, become a member "      \
    "today and help us keep the presses running for another year."
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 "</p><p>" PITCH "</p><p>" P2 "</p><p>" P3
                           "</p><p>" P1 " " P2 "</p><p>" P2 " " P3 "</p></article></body></html>",
                           NULL);
    assert_true(strlen(PITCH) > 200);
    assert_string_equal(text_of(rec), P1 "\n\n" P2 "\n\n" P3 "\n\n" P1 " " P2 "\n\n" P2 " " P3);
#undef PITCH
    json_decref(rec);
}

static void test_clean_drops_inline_call_to_action(void **ctx)
{
#define P4 "The trust's newsletter first reported the plan in March, a spokeswoman said."
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 "</p><p>Never miss a story: sign up "
                           "to our newsletter today!</p><p>" P4 "</p><p>" P2 "</p><p>" P3
                           "</p><p>" P1 " " P2 "</p><p>" P2 " " P3 "</p></article></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), P1 "\n\n" P4 "\n\n" P2 "\n\n" P3 "\n\n" P1 " " P2
                                         "\n\n" P2 " " P3);
#undef P4
    json_decref(rec);
}

/* A chrome-named element around the page's <main> landmark is a layout column, even when the
 * menus elsewhere hold more text than the article and a photo gallery outside it would give
 * the first pass enough text to stop at. */
static void test_clean_keeps_main_inside_chrome_named_column(void **ctx)
{
#define PPP P1 " " P2 " " P3
    struct nf_buf html = {0}, want = {0};
    assert_int_equal(nf_buf_appends(&html, "<html><body><nav><ul>"), 0);
    for (int i = 0; i < 80; i++) {
        char item[160];
        snprintf(item, sizeof(item),
                 "<li><a href='/topic/%d'>Harbour and coast topic page number %d</a></li>", i, i);
        assert_int_equal(nf_buf_appends(&html, item), 0);
    }
    assert_int_equal(nf_buf_appends(&html, "</ul></nav><div class='sidebar-navigation-wrapper'>"
                                           "<main>"),
                     0);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(nf_buf_appends(&html, "<p>" PPP "</p>"), 0);
        assert_int_equal(nf_buf_appends(&want, i ? "\n\n" PPP : PPP), 0);
    }
    assert_int_equal(nf_buf_appends(&html, "</main></div><div class='more'><div class='gallery'>"),
                     0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(nf_buf_appends(&html, "<div class='slide'><p>Photo of the quay at dawn, "
                                               "taken from the lighthouse, with the fishing fleet "
                                               "leaving the harbour for the day, the old warehouse "
                                               "behind it, and the ferry waiting at its berth for "
                                               "the first crossing of the morning.</p></div>"),
                         0);
    }
    assert_int_equal(nf_buf_appends(&html, "</div></div></body></html>"), 0);
    json_t *rec = run_html(*ctx, html.data, NULL);
    assert_string_equal(text_of(rec), want.data);
    json_decref(rec);
    nf_buf_free(&html);
    nf_buf_free(&want);
#undef PPP
}

/* The relaxed pass (the article's container has a chrome name) still drops a <footer> inside
 * the article. */
static void test_clean_relaxed_pass_drops_footer(void **ctx)
{
    json_t *rec = run_html(
        *ctx,
        "<html><body><nav><a href='/a'>Lighthouse keeper retires after forty years on the rock"
        "</a> <a href='/b'>Fishing quota talks resume in Brussels after the summer break</a> "
        "<a href='/c'>Ferry timetable changes for the winter season on all island routes</a> "
        "<a href='/d'>Harbour festival returns with boats, music and food stalls</a> "
        "<a href='/e'>New lifeboat station opens at the northern end of the bay</a> "
        "<a href='/f'>Council publishes plans for the old fish market building</a> "
        "<a href='/g'>Storm warning issued for the coast as gales are expected</a> "
        "<a href='/h'>Island school celebrates its hundredth anniversary with a fair</a> "
        "<a href='/i'>Sailing club wins the regional championship for the third time</a> "
        "<a href='/j'>Bridge repairs will close the coast road for two weeks in May</a> "
        "<a href='/k'>Museum shows photographs of the harbour from a century ago</a></nav>"
        "<div class='share-story'><p>" P1 " " P2 "</p><p>" P2 " " P3 "</p><p>" P3 " " P1
        "</p><footer><p>The Harbour Gazette is published every Thursday by the harbour "
        "community trust.</p></footer></div>"
        "</body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
}

/* The author's bio after the article (its first words are the byline) is not article text. */
static void test_clean_drops_author_bio(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><head><meta name='author' content='Jane Roe'></head><body>"
                           "<article><p>" P1 "</p><p>" P2 "</p><p>" P3 "</p><p>Jane Roe is a "
                           "reporter who has covered the harbour and the coast since 2010.</p>"
                           "</article></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

/* A box of its own that closes the article and starts with a heading (an author box, a promo)
 * is not article text; an article cut into titled sections keeps its last section. */
/* A closing box titled with a chrome label ("About the author") goes also when the article
 * before it is cut into titled sections. */
static void test_clean_drops_closing_box_with_chrome_title(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><article><section><h2>The plan</h2><p>" P1 " " P2
                           "</p><p>" P2 " " P3 "</p></section><section><h2>The cost</h2><p>" P3
                           " " P1 "</p><p>" P1 "</p></section><section><h2>About the author</h2>"
                           "<p>She writes about the coast and its people.</p></section></article>"
                           "</body></html>",
                           NULL);
    assert_string_equal(text_of(rec), "The plan\n\n" P1 " " P2 "\n\n" P2 " " P3
                                      "\n\nThe cost\n\n" P3 " " P1 "\n\n" P1);
    json_decref(rec);
}

/* An author box under its title closes the article: the title, the name and the bio go. */
static void test_clean_drops_titled_author_box(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 " " P2 "</p><p>" P2 " " P3 "</p><p>" P3
                           " " P1 "</p><div>AUTOR</div><h3>Erika Muster</h3><p>leitet das "
                           "Hafenressort und schreibt \xc3\xbc"
                           "ber Schiffe.</p></article>"
                           "</body></html>",
                           NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
}

/* A paragraph that ends with a "read more" link is a teaser's excerpt of another page; the
 * same words unlinked end a sentence of the article. */
static void test_clean_drops_excerpt_ending_in_more_link(void **ctx)
{
#define TEASER                                                                                     \
    "The ferry service to the islands resumes next week after the storm damage was repaired"
#define UNLINKED "The report runs to four hundred pages, and few residents will read more."
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 " " P2 "</p><p>" P2 " " P3 "</p><p>" P3
                           " " P1 "</p><p>" UNLINKED "</p><p>" TEASER " <a href=\"/f\">Read "
                           "more</a></p></article></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1 "\n\n" UNLINKED);
#undef TEASER
#undef UNLINKED
    json_decref(rec);
}

static void test_clean_drops_closing_titled_box(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 " " P2 "</p><p>" P2 " " P3 "</p><p>" P3
                           " " P1 "</p><div><h3>About the author</h3><p>She writes about the "
                           "coast and its people for the paper.</p></div></article></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
    rec = run_html(*ctx,
                   "<html><body><article><section><h2>The plan</h2><p>" P1 " " P2 "</p><p>" P2
                   " " P3 "</p></section><section><h2>The cost</h2><p>" P3 " " P1 "</p><p>" P1
                   "</p></section></article></body></html>",
                   NULL);
    assert_string_equal(text_of(rec), "The plan\n\n" P1 " " P2 "\n\n" P2 " " P3
                                      "\n\nThe cost\n\n" P3 " " P1 "\n\n" P1);
    json_decref(rec);
}

/* One paragraph elsewhere in the page (a site description) that outscores a container of
 * several paragraphs is not the article. */
static void test_clean_prefers_several_paragraphs_to_one(void **ctx)
{
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='wrap'><div class='col'><div class='x'><p>" P1 "</p><p>" P2
        "</p><p>" P3 "</p></div></div></div><div class='low'><div class='box'><div><p>The Coast "
        "Gazette, founded in 1901, covers the harbour, the fleet, the towns, the weather and the "
        "people of the coast, in print and online, every day of the week, for readers at home "
        "and abroad, with news, reports and pictures.</p></div></div></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

/* Ruby annotations (<rt>, <rp>: the readings printed over the characters) are not the text. */
static void test_clean_drops_ruby_readings(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 "</p><p><ruby>\xe6\xbc\xa2<rp>(</rp>"
                           "<rt>\xe3\x81\x8b\xe3\x82\x93</rt><rp>)</rp>\xe5\xad\x97<rt>"
                           "\xe3\x81\x98</rt></ruby> " P2 "</p><p>" P3 "</p></article></body>"
                           "</html>",
                           NULL);
    assert_string_equal(text_of(rec), P1 "\n\n\xe6\xbc\xa2\xe5\xad\x97 " P2 "\n\n" P3);
    json_decref(rec);
}

static void test_clean_strips_nul_characters(void **ctx)
{
    struct fixture *f = *ctx;
    static const char page[] = "<html><body><article><p>Harbour\0 works begin on Monday.</p><p>" P1
                               "</p></article></body></html>";
    json_t *rec = json_object();
    json_object_set_new(rec, "id", json_string("nul"));
    json_object_set_new(rec, "html", json_stringn(page, sizeof(page) - 1));
    char err[256] = "";
    json_t *out = NULL;
    assert_int_equal(run_rec(f, rec, &out, err, sizeof(err)), 0);
    assert_string_equal(text_of(out), "Harbour works begin on Monday.\n\n" P1);
    json_decref(out);
}

static void test_clean_trims_weak_trailing_lines(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 "</p><p>" P2 "</p><p>" P3 "</p>"
                           "<p>Filed in Harbour works</p><div>Jane Roe, Coast News</div>"
                           "</article></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

static void test_clean_uses_json_ld_article_body_of_script_pages(void **ctx)
{
    /* the page is an empty shell filled by scripts; the article is only in its JSON-LD */
    json_t *rec =
        run_html(*ctx,
                 "<html><head><script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
                 "\"headline\": \"Breakwater approved\", \"articleBody\": \"" P1 "\\n" P2
                 "\\n\\n" P3 "\"}</script></head><body><div id='app'>Loading...</div>"
                 "<script>render()</script></body></html>",
                 NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    assert_string_equal(json_string_value(json_object_get(rec, "title")), "Breakwater approved");
    assert_null(json_object_get(rec, "reason"));
    json_decref(rec);
}

static void test_clean_drops_closing_call_to_action(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><article><p>" P1 "</p><p>" P2 "</p><p>" P3 "</p>"
                           "<p>Follow us on Twitter and Facebook for the latest harbour news, "
                           "and sign up for our weekly newsletter.</p></article></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), ARTICLE_EXPECTED);
    json_decref(rec);
}

static void test_clean_rescues_lead_matching_description(void **ctx)
{
    /* the lead sits in a teaser box outside the body container; the description names it */
    json_t *rec = run_html(
        *ctx,
        "<html><head><meta name='description' content='The harbour authority approved the new "
        "breakwater on Monday.'></head><body><div class='top'><div class='teaser'><p>The "
        "harbour authority approved the new breakwater on Monday after a two-year review, "
        "ending a long dispute.</p></div><div class='tools'><a href='/x'>Home</a></div></div>"
        "<div class='main'><div class='story'><p>" P2 " " P3 "</p><p>" P3 " " P2 "</p><p>" P2
        "</p></div><div class='more'><a href='/y'>Other harbour stories</a></div></div>"
        "</body></html>",
        NULL);
    assert_string_equal(text_of(rec),
                        "The harbour authority approved the new breakwater on Monday after a "
                        "two-year review, ending a long dispute.\n\n" P2 " " P3 "\n\n" P3 " " P2
                        "\n\n" P2);
    json_decref(rec);
}

static void test_clean_joins_article_cut_by_ad_rows(void **ctx)
{
    /* the body continues in a second row of the layout after an ad row: not a sibling */
    json_t *rec = run_html(
        *ctx,
        "<html><body><main><div class='row'><div class='col'><div class='story-text'><p>" P1 " " P2
        "</p><p>" P2 " " P3 "</p><p>" P3 " " P1 "</p></div></div></div>"
        "<div class='row'><div class='ad-slot'>Advertisement</div></div>"
        "<div class='row'><div class='col'><div class='story-text story-text--end'><p>" P3 " " P2
        "</p></div></div></div></main></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1 "\n\n" P3 " " P2);
    json_decref(rec);
}

/* A blog's index page: the other posts share the body's class but each sits under its own
 * linked title; they are other pages, not parts of the first post. */
static void test_clean_parts_skip_posts_under_linked_titles(void **ctx)
{
    json_t *rec = run_html(
        *ctx,
        "<html><body><main><div class='post'><h2><a href='/p/1'>Breakwater approved</a></h2>"
        "<div class='entry-content'><p>" P1 " " P2 "</p><p>" P2 " " P3 "</p><p>" P3 " " P1
        "</p></div></div><div class='post'><h2><a href='/p/2'>Ferry timetable</a></h2>"
        "<div class='entry-content'><p>The winter ferry timetable starts next week with two "
        "fewer crossings on weekdays.</p></div></div></main></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
}

/* A part titled by a link to an anchor in the page (a table of contents' target) is still a
 * part: only a title that leads to another page makes an item a teaser. */
static void test_clean_parts_keep_anchor_titled_part(void **ctx)
{
    json_t *rec = run_html(
        *ctx,
        "<html><body><main><div class='row'><div class='col'><div class='story-text'><p>" P1 " " P2
        "</p><p>" P2 " " P3 "</p><p>" P3 " " P1 "</p></div></div></div>"
        "<div class='row'><div class='ad-slot'>Advertisement</div></div>"
        "<div class='row'><div class='col'><h2><a href='#costs'>Costs</a></h2><div "
        "class='story-text'><p>" P3 " " P2 "</p></div></div></div>"
        "<div class='row'><div class='col'><div class='story-text'><p>" P1 " " P3
        "</p></div></div></div></main></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1 "\n\n" P3 " " P2
                                         "\n\n" P1 " " P3);
    json_decref(rec);
}

/* A box the page repeats (a fact box for the mobile and the desktop layout) that shares the
 * body's class is no part of the article. */
static void test_clean_parts_skip_repeated_box(void **ctx)
{
#define FACT_BOX                                                                                   \
    "<div class='row'><div class='col'><div class='story-text'><p>The harbour authority was "      \
    "founded in 1902 and runs the port, the ferry quay and the marina.</p></div></div></div>"
    json_t *rec = run_html(
        *ctx,
        "<html><body><main><div class='row'><div class='col'><div class='story-text'><p>" P1 " " P2
        "</p><p>" P2 " " P3 "</p><p>" P3 " " P1 "</p></div></div></div>"
        "<div class='row'><div class='ad-slot'>Advertisement</div></div>" FACT_BOX FACT_BOX
        "</main></body></html>",
        NULL);
#undef FACT_BOX
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
}

/* A standfirst in a container named as the body ("post-text") does not outweigh the
 * unnamed container that holds the article's paragraphs. */
static void test_clean_body_named_standfirst_gives_way(void **ctx)
{
#define LEAD                                                                                       \
    "The harbour needs a new breakwater: storms have grown stronger, the old wall is a century "   \
    "old, and the insurers have warned the town twice. We explain what the authority decided, "    \
    "what the work will cost and who is going to pay for all of it in the end."
    json_t *rec = run_html(*ctx,
                           "<html><body><div class='head'><h1>Breakwater approved</h1><div "
                           "class='inner'><span>Harbour</span><div class='post-text'><p>" LEAD
                           "</p></div></div></div><div class='wrap'><div class='box'><p>" P1 " " P2
                           "</p><p>" P2 " " P3 "</p><p>" P3 " " P1 "</p><p>" P1 " " P3
                           "</p></div></div></body></html>",
                           NULL);
    assert_string_equal(text_of(rec),
                        LEAD "\n\n" P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1 "\n\n" P1 " " P3);
#undef LEAD
    json_decref(rec);
}

static void test_clean_keeps_lead_between_headline_and_body(void **ctx)
{
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='head'><h1>Breakwater approved</h1><div class='intro'><p>The "
        "harbour authority approved the new breakwater on Monday after a two-year review.</p>"
        "</div><a href='/share'>Share</a></div><div class='main'><div class='body'><p>" P2 " " P3
        "</p><p>" P3 " " P2 "</p><p>" P2 "</p></div><div class='more'><a href='/y'>"
        "Other harbour stories</a></div></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 "\n\n" P2 " " P3 "\n\n" P3 " " P2 "\n\n" P2);
    json_decref(rec);
}

static void test_clean_keeps_standfirst_div_before_body(void **ctx)
{
    /* the standfirst is a div of text only, the body container's sibling, under an h2 that is
     * not the page's headline; a date line and a script notice beside it stay out */
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='story'><div class='date'>12 May 2025</div><h2>Breakwater</h2>"
        "<div class='lede'>The harbour authority approved the new breakwater on Monday after a "
        "two-year review.</div><div>This site needs scripts. Please enable "
        "JavaScript in your browser and reload the page.</div><div class='text'><div><p>" P2 " " P3
        "</p><p>" P3 " " P2 "</p><p>" P2 "</p></div></div></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 "\n\n" P2 " " P3 "\n\n" P3 " " P2 "\n\n" P2);
    json_decref(rec);
}

static void test_clean_keeps_lead_at_head_of_article_element(void **ctx)
{
    /* no h1: the headline is a styled div; the lead opens the <article> that holds the body */
    json_t *rec = run_html(
        *ctx,
        "<html><body><article><div class='head'><div class='headline'>Breakwater approved</div>"
        "<p class='excerpt'>The harbour authority approved the new breakwater on Monday after a "
        "two-year review.</p><span>12 May 2025</span></div><div class='main'><div class='body'>"
        "<p>" P2 " " P3 "</p><p>" P3 " " P2 "</p><p>" P2 "</p></div><div class='more'><a "
        "href='/y'>Other harbour stories</a></div></div></article></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 "\n\n" P2 " " P3 "\n\n" P3 " " P2 "\n\n" P2);
    json_decref(rec);
}

static void test_clean_aside_filling_main_is_the_article(void **ctx)
{
    /* the article sits in an <aside> that is all of <main>; the page's menus hold more text */
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_appends(&b, "<html><body><nav>"), 0);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(nf_buf_appendf(&b, "<a href='/s%d'>Harbour section number %d</a> ", i, i),
                         0);
    }
    assert_int_equal(nf_buf_appends(&b, "</nav><main><aside class='content-box'><h1>Breakwater "
                                        "approved</h1><div class='text'><p>" P1 " " P2 "</p><p>" P2
                                        " " P3 "</p><p>" P3 " " P1
                                        "</p></div></aside></main><footer>Coast News 2025"
                                        "</footer></body></html>"),
                     0);
    json_t *rec = run_html(*ctx, b.data, NULL);
    nf_buf_free(&b);
    assert_string_equal(text_of(rec), P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
}

static void test_clean_lead_repeated_by_body_is_kept_once(void **ctx)
{
    /* the teaser under the headline opens the body again: it is not rescued a second time */
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='head'><h1>Breakwater approved</h1><div class='intro'><p>" P1 " " P2
        " " P3 "</p></div><a href='/a'>Share this story on your favourite network</a> <a "
        "href='/b'>Send this story to a friend by mail</a> <a href='/c'>Print this story</a> <a "
        "href='/d'>More stories about the coast and its harbours</a></div><div class='main'><div "
        "class='body'><p>" P1 " " P2 " " P3 "</p><p>" P2 " " P3 "</p><p>" P3 " " P2 "</p><p>" P2
        "</p></div></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 " " P2 " " P3 "\n\n" P2 " " P3 "\n\n" P3 " " P2 "\n\n" P2);
    json_decref(rec);
}

static void test_clean_keeps_long_dek_without_final_stop(void **ctx)
{
    /* the dek under the headline is an h2 that ends without a stop; the date line stays out */
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='head'><h1>Breakwater approved</h1><h2>The harbour authority "
        "approved the new breakwater on Monday after a two-year review, and the work on the quay "
        "will start in the spring if the weather permits</h2><div class='date'>12 May 2025</div>"
        "</div><div class='main'><div class='body'><p>" P2 " " P3 "</p><p>" P3 " " P2 "</p><p>" P2
        "</p></div></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec),
                        "The harbour authority approved the new breakwater on Monday after a "
                        "two-year review, and the work on the quay will start in the spring if "
                        "the weather permits\n\n" P2 " " P3 "\n\n" P3 " " P2 "\n\n" P2);
    json_decref(rec);
}

static void test_clean_keeps_caption_of_several_sentences(void **ctx)
{
    /* the lead set as the caption of the article's photo is prose; a photo's credit is not
     * (the article is long enough for no relaxed second pass) */
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='story'><figure><img src='a.jpg'><figcaption>" P1 " " P2 " " P3
        " " P1 " " P2 "</figcaption></figure><p>" P2 " " P3 "</p><figure><img src='b.jpg'>"
        "<figcaption>The quay at dawn. Photo: Coast News</figcaption></figure><p>" P3 " " P2
        "</p><p>" P1 " " P2 " " P3 "</p><p>" P3 " " P1 " " P2 "</p><p>" P2 " " P1 " " P3
        "</p></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec),
                        P1 " " P2 " " P3 " " P1 " " P2 "\n\n" P2 " " P3 "\n\n" P3 " " P2 "\n\n" P1
                           " " P2 " " P3 "\n\n" P3 " " P1 " " P2 "\n\n" P2 " " P1 " " P3);
    json_decref(rec);
}

static void test_clean_joins_intro_box_before_body(void **ctx)
{
    /* the article starts in a box of its own in the row above the body's: a cousin of the
     * body container, not its sibling; the box of the same kind after the body stays out */
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='r1'><div class='c1'><div class='x1'><p>" P1 " " P3 "</p><p>" P3
        " " P1 "</p></div></div></div><div class='r2'><div class='c2'><div class='x2'><p>" P2 " " P3
        "</p><p>" P3 " " P2 "</p><p>" P1 " " P3 "</p></div></div><div class='tools'><a "
        "href='/a'>Share</a> <a href='/b'>Print</a></div></div><div class='r3'><div "
        "class='c3'><div class='x3'><p>" P3 " " P2 "</p><p>" P2 " " P3
        "</p></div></div></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 " " P3 "\n\n" P3 " " P1 "\n\n" P2 " " P3 "\n\n" P3 " " P2
                                         "\n\n" P1 " " P3);
    json_decref(rec);
}

static void test_clean_keeps_subtitle_over_photo_credit(void **ctx)
{
    /* the heading right under the headline is its subtitle, also when the photo's credit
     * (chrome) follows it; a box title over a credit stays a label */
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='story'><h1>Breakwater approved</h1><h3>The new breakwater will "
        "protect the quay</h3><div>Photo: Jane Roe</div><p>" P1 "</p><p>" P2 "</p><p>" P3
        "</p><h3>Gallery</h3><div>Photo: Jane Roe</div></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec),
                        "The new breakwater will protect the quay\n\n" ARTICLE_EXPECTED);
    json_decref(rec);
}

static void test_clean_joins_short_intro_box_before_long_body(void **ctx)
{
    /* two lead paragraphs in a box above a body of seven: far below the body's score, still
     * among the best candidates and the article's start */
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_appends(&b, "<html><body><div class='r1'><div class='c1'><div "
                                        "class='x1'><p>" P1 " " P3 "</p><p>" P3 " " P1
                                        "</p></div></div></div><div class='r2'><div "
                                        "class='c2'><div class='x2'>"),
                     0);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(nf_buf_appends(&b, "<p>" P2 " " P3 "</p>"), 0);
    }
    assert_int_equal(nf_buf_appends(&b, "</div></div><div class='tools'><a href='/a'>Share</a> "
                                        "<a href='/b'>Print</a></div></div></body></html>"),
                     0);
    json_t *rec = run_html(*ctx, b.data, NULL);
    nf_buf_free(&b);
    assert_non_null(strstr(text_of(rec), P1 " " P3 "\n\n" P3 " " P1 "\n\n" P2 " " P3));
    json_decref(rec);
}

static void test_clean_one_paragraph_body_name_is_a_teaser(void **ctx)
{
    /* a container named as the body that holds one paragraph (a teaser box among links) does
     * not win over the scored container of the article's paragraphs; it stays as a standfirst */
    json_t *rec = run_html(
        *ctx,
        "<html><body><div class='a'><div class='a2'><div class='a3'><div class='post-text'><p>" P1
        " " P2 " " P3 " " P1 "</p></div></div><a href='/x'>Other stories from the harbour and the "
        "coast</a> <a href='/y'>More from the quay and the breakwater</a> <a href='/z'>All the "
        "news from the harbour authority</a></div></div><div class='b'><div class='b2'><div "
        "class='x'><p>" P2 " " P3 "</p><p>" P3 " " P2 "</p><p>" P1 " " P3 "</p><p>" P3 " " P1
        "</p></div></div></div></body></html>",
        NULL);
    assert_string_equal(text_of(rec), P1 " " P2 " " P3 " " P1 "\n\n" P2 " " P3 "\n\n" P3 " " P2
                                         "\n\n" P1 " " P3 "\n\n" P3 " " P1);
    json_decref(rec);
}

static void test_clean_keeps_sentence_with_linked_names(void **ctx)
{
    /* a long sentence linking most of its words (names, sources) is prose; a "read also" line
     * of a linked title is not */
    json_t *rec = run_with_chrome(
        *ctx, "<p><a href='/p/1'>Harbour master Jane Roe</a> and <a href='/p/2'>the engineer "
              "John Doe of the port authority</a> presented <a href='/r/9'>the breakwater "
              "report of the coastal commission</a> on Monday.</p><p>Read also: <a href='/s/2'>"
              "Storm closes the coast road for a week after the floods</a></p>");
    assert_string_equal(text_of(rec),
                        P1 "\n\n" P2 "\n\nHarbour master Jane Roe and the engineer John Doe of "
                           "the port authority presented the breakwater report of the coastal "
                           "commission on Monday.\n\n" P3);
    json_decref(rec);
}

/* ---- metadata ---- */

static void test_clean_title_strips_site_suffix(void **ctx)
{
    struct fixture *f = *ctx;
    json_t *rec = run_with_chrome(f, "");
    assert_string_equal(json_string_value(json_object_get(rec, "title")), "Breakwater approved");
    json_decref(rec);

    rec = run_html(f,
                   "<html><head><title>Storm closes the coast road for a week - The Coast "
                   "Herald</title></head><body><p>" P1 "</p></body></html>",
                   NULL);
    assert_string_equal(json_string_value(json_object_get(rec, "title")),
                        "Storm closes the coast road for a week");
    json_decref(rec);

    /* the h1 inside a decorated title is the headline */
    rec = run_html(f,
                   "<html><head><title>Breakwater approved: what happens next - Coast News "
                   "Online</title></head><body><h1>Breakwater approved</h1><p>" P1
                   "</p></body></html>",
                   NULL);
    assert_string_equal(json_string_value(json_object_get(rec, "title")), "Breakwater approved");
    json_decref(rec);

    /* og:title equal to <title>: the same suffix goes */
    rec = run_html(f,
                   "<html><head><title>Storm closes the coast road | Coast Herald</title>"
                   "<meta property='og:title' content='Storm closes the coast road | Coast "
                   "Herald'></head><body><p>" P1 "</p></body></html>",
                   NULL);
    assert_string_equal(json_string_value(json_object_get(rec, "title")),
                        "Storm closes the coast road");
    json_decref(rec);

    /* og:title loses only a known site name; a hyphen inside the headline stays */
    rec = run_html(f,
                   "<html><head><meta property='og:site_name' content='Coast Herald'>"
                   "<meta property='og:title' content='Ferry row - what happens next | Coast "
                   "Herald'></head><body><p>" P1 "</p></body></html>",
                   NULL);
    assert_string_equal(json_string_value(json_object_get(rec, "title")),
                        "Ferry row - what happens next");
    json_decref(rec);
}

static void test_clean_text_does_not_repeat_title(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><head><title>Breakwater approved after long review | Coast "
                           "News</title></head><body><article><h1>Breakwater approved after "
                           "long review</h1><p>" P1 "</p><p>" P2 "</p></article></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), P1 "\n\n" P2);
    json_decref(rec);
}

static void test_clean_finds_metadata_and_drops_input_fields(void **ctx)
{
    json_t *rec =
        run_html(*ctx,
                 "<html lang='de'><head><title>T</title>"
                 "<meta name='author' content='By Jane Roe'>"
                 "<meta property='article:published_time' content='2024-05-01T08:30:00+0200'>"
                 "<meta name='description' content='A short summary.'>"
                 "<link rel='canonical' href='/world/story-1?amp=0'></head><body><article><p>" P1
                 "</p></article></body></html>",
                 "{\"headers\": {\"Server\": \"x\"}, \"source\": \"feed-1\"}");
    assert_string_equal(json_string_value(json_object_get(rec, "byline")), "Jane Roe");
    assert_string_equal(json_string_value(json_object_get(rec, "published_at")),
                        "2024-05-01T08:30:00+02:00");
    assert_string_equal(json_string_value(json_object_get(rec, "lang")), "de");
    assert_string_equal(json_string_value(json_object_get(rec, "description")), "A short summary.");
    assert_string_equal(json_string_value(json_object_get(rec, "canonical_url")),
                        "https://news.example/world/story-1?amp=0");
    assert_string_equal(json_string_value(json_object_get(rec, "fetched_at")),
                        "2025-03-23T03:00:00Z");
    assert_string_equal(json_string_value(json_object_get(rec, "source")), "feed-1");
    assert_null(json_object_get(rec, "html"));
    assert_null(json_object_get(rec, "headers"));
    assert_null(json_object_get(rec, "reason"));
    json_decref(rec);
}

static void test_clean_lang_is_a_bcp47_tag(void **ctx)
{
    json_t *rec = run_html(*ctx, "<html lang='en_US'><body><p>" P1 "</p></body></html>", NULL);
    assert_string_equal(json_string_value(json_object_get(rec, "lang")), "en-US");
    json_decref(rec);
    rec = run_html(*ctx,
                   "<html><head><meta http-equiv='Content-Language' content='de, en'></head>"
                   "<body><p>" P1 "</p></body></html>",
                   NULL);
    assert_string_equal(json_string_value(json_object_get(rec, "lang")), "de");
    json_decref(rec);
}

static void test_clean_date_normalisation(void **ctx)
{
    (void)ctx;
    char out[48];
    assert_int_equal(nf_meta_date_rfc3339("2025-03-04T10:00:00+0100", out, sizeof(out)), 0);
    assert_string_equal(out, "2025-03-04T10:00:00+01:00");
    assert_int_equal(nf_meta_date_rfc3339("2025-03-04 10:00", out, sizeof(out)), 0);
    assert_string_equal(out, "2025-03-04T10:00:00Z");
    assert_int_equal(nf_meta_date_rfc3339("2025-03-04T10:00:00.123Z", out, sizeof(out)), 0);
    assert_string_equal(out, "2025-03-04T10:00:00.123Z");
    assert_int_equal(nf_meta_date_rfc3339("Tue, 04 Mar 2025 10:00:00 GMT", out, sizeof(out)), 0);
    assert_string_equal(out, "2025-03-04T10:00:00Z");
    assert_int_equal(nf_meta_date_rfc3339("2025-13-04", out, sizeof(out)), -1);
    assert_int_equal(nf_meta_date_rfc3339("yesterday", out, sizeof(out)), -1);
}

static void test_clean_boiler_lines(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const chrome[] = {"Visited 1 times, 1 visit(s) today",
                                         "Read more \xc2\xbb",
                                         "Share this article",
                                         "Advertisement",
                                         "1,204 views",
                                         "Sunday 16 February 2025",
                                         "Close Search Window",
                                         NULL};
    for (size_t i = 0; chrome[i]; i++) {
        assert_true(nf_boiler_line(b, chrome[i], strlen(chrome[i])));
    }
    assert_false(nf_boiler_line(b, P1, strlen(P1)));
    /* a caption that closes with its credit in brackets; other brackets are text */
    static const char *const caption = "The stoat wears a white coat in winter and is hard to "
                                       "see in the snow. (Jane Roe / iStock.com)";
    assert_true(nf_boiler_line(b, caption, strlen(caption)));
    static const char *const aside = "The stoat wears a white coat in winter and is hard to "
                                     "see in the snow (as the rangers say).";
    assert_false(nf_boiler_line(b, aside, strlen(aside)));
    int weight = 0;
    assert_true(nf_boiler_classify(b, "share-bar", NULL, &weight));
    assert_false(nf_boiler_classify(b, "entry-content", NULL, &weight));
    assert_int_equal(weight, 25);
    assert_false(nf_boiler_classify(b, "research-paper", NULL, NULL)); /* not "search" */
    assert_false(nf_boiler_classify(b, "post hentry comments-open", NULL, NULL));
    assert_true(nf_boiler_classify(b, NULL, "Site-Nav", NULL)); /* "^nav" starts a word */
    assert_false(nf_boiler_classify(b, "canvas-wrap", NULL, NULL));
    assert_true(nf_boiler_classify(b, "wp-caption-text", NULL, NULL)); /* captions, as figcaption */
    assert_true(nf_boiler_classify(b, "editorial-disclaimer", NULL, NULL));
    assert_true(nf_boiler_classify(b, "affiliate-disclosure", NULL, NULL));
    assert_true(nf_boiler_classify(b, "image-legend", NULL, NULL)); /* a caption */
    assert_true(nf_boiler_classify(b, "article-cta", NULL, NULL));
    assert_false(nf_boiler_classify(b, "factas", NULL, NULL)); /* "^cta" starts a word */
    /* prefixes: "posted_" needs the space, and the paragraph must be short */
    assert_true(nf_boiler_line(b, "Posted by admin", 15));
    assert_false(nf_boiler_line(b, "Postedition rules", 17));
    assert_true(nf_boiler_line(b, "Weitere Informationen:", 22)); /* a box label */
    assert_true(nf_boiler_line(b, "Schon gelesen?", 14));         /* '?' ends chrome too */
    /* non-ASCII capitals compare lower-cased too */
    assert_true(nf_boiler_line(b, "\xc3\x9c" "ber den Autor", 15));           /* Über */
    assert_true(nf_boiler_line(b, "\xc5\xb9r\xc3\xb3" "d\xc5\x82o: PAP", 14)); /* Źródło: */
    assert_true(nf_boiler_promo(b, "Follow us on Mastodon", 21));
    static const char *const promo[] = {"Sie m\xc3\xbcssen eingeloggt sein, um zu kommentieren.",
                                        "If you enjoyed this post, consider supporting our work.",
                                        "S\xc3\xadguenos en Telegram para recibir las noticias.",
                                        NULL};
    for (size_t i = 0; promo[i]; i++) {
        assert_true(nf_boiler_promo(b, promo[i], strlen(promo[i])));
    }
    static const char *const cta[] = {"Get the latest news straight to your phone with our app.",
                                      "Unterst\xc3\xbctzen Sie unsere Arbeit mit einem Abo.",
                                      "\xc2\xa1Mira lo que tiene nuestro canal de YouTube!", NULL};
    for (size_t i = 0; cta[i]; i++) {
        assert_true(nf_boiler_cta(b, cta[i], strlen(cta[i])));
    }
    /* a single promo word is not enough anywhere in the article */
    static const char *const news = "The newsletter was first published in 1998.";
    assert_false(nf_boiler_cta(b, news, strlen(news)));
    /* an article's own last sentence may name an app store */
    static const char *const store = "The app costs 50 euros in the Mac App Store.";
    assert_false(nf_boiler_promo(b, store, strlen(store)));
    /* ... or report a donation, and French donors are not a call to donate */
    static const char *const gift = "The clinic was glad to donate these supplies to the shelter.";
    assert_false(nf_boiler_promo(b, gift, strlen(gift)));
    static const char *const donors =
        "Un questionnaire a \xc3\xa9t\xc3\xa9 envoy\xc3\xa9 aux donateurs.";
    assert_false(nf_boiler_promo(b, donors, strlen(donors)));
    static const char *const ask = "Please donate to keep our reporting free for everyone.";
    assert_true(nf_boiler_promo(b, ask, strlen(ask)));
}

/* "Read also: <headline>" in several languages: the label and the teased headline are one line
 * of chrome, which a link-less teaser keeps out of the link-density test. */
static void test_clean_boiler_read_also_prefixes(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const teaser[] = {"Czytaj te\xc5\xbc: Nowy most otwarty", /* Czytaj też: */
                                         "LE PUEDE INTERESAR: El puerto abre una nueva terminal",
                                         "Read also: The harbour opens a new terminal",
                                         "Leggi anche: Il porto apre un nuovo terminal", NULL};
    for (size_t i = 0; teaser[i]; i++) {
        assert_true(nf_boiler_line(b, teaser[i], strlen(teaser[i])));
    }
    /* the words without the label's colon start a sentence */
    static const char *const prose = "Also read the small print, the minister told buyers.";
    assert_false(nf_boiler_line(b, prose, strlen(prose)));
}

/* A numbered figure caption ("Abbildung 4: ...", "Figure 2.1: ...") outside a figcaption is a
 * line of chrome; a sentence that refers to the figure is text. */
static void test_clean_boiler_figure_captions(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const caption[] = {"Abbildung 4: Aufbau der Schneedecke im Januar.",
                                          "Abbildung: Schneeh\xc3\xb6he im Tal",
                                          "Figure 10: Harbour traffic by month.",
                                          "Fig. 2.1: The new terminal",
                                          "Rys. 3: Nowy most",
                                          NULL};
    for (size_t i = 0; caption[i]; i++) {
        assert_true(nf_boiler_line(b, caption[i], strlen(caption[i])));
    }
    static const char *const text[] = {"Abbildung 4 zeigt den Aufbau der Schneedecke im Januar.",
                                       "Figures: the harbour handled more ships than ever.",
                                       "Figure skating returns to the harbour rink.", NULL};
    for (size_t i = 0; text[i]; i++) {
        assert_false(nf_boiler_line(b, text[i], strlen(text[i])));
    }
}

/* A paragraph that starts with the copyright sign is the site's notice, however long its
 * reprint terms run. */
static void test_clean_boiler_long_copyright_notice(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const notice =
        "\xc2\xa9 2024, Harbour Gazette. This article is the copyrighted property of the Harbour "
        "Gazette. Written permission must be obtained before reprint in online or print media. "
        "Republishing without permission is an infringement.";
    assert_true(strlen(notice) > 160);
    assert_true(nf_boiler_line(b, notice, strlen(notice)));
}

/* A cookie notice in the site's own voice ("we use cookies") is chrome wherever it stands; a
 * report about cookies is text. */
static void test_clean_boiler_cookie_notice_lines(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const notice[] = {
        "Zapraszamy ponownie. Informujemy, \xc5\xbc"
        "e korzystamy z cookies.",
        "Auf dieser Seite: Wir verwenden Cookies, um die Seite zu verbessern.",
        "We use cookies to give you the best experience on our site.", NULL};
    for (size_t i = 0; notice[i]; i++) {
        assert_true(nf_boiler_cta(b, notice[i], strlen(notice[i])));
    }
    static const char *const news =
        "The browser will stop accepting third-party cookies next year.";
    assert_false(nf_boiler_cta(b, news, strlen(news)));
}

/* The suggested citation that closes a blog post or a paper's page is not its text. */
static void test_clean_boiler_suggested_citation(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const cite[] = {
        "SUGGESTED CITATION Roe, Jane: The harbour in winter, Harbour Blog, 2024/1/2, "
        "https://example.org/harbour-in-winter/.",
        "Zitiervorschlag: Roe, Jane, Der Hafen im Winter, Hafenblog, 2. Januar 2024.", NULL};
    for (size_t i = 0; cite[i]; i++) {
        assert_true(nf_boiler_line(b, cite[i], strlen(cite[i])));
    }
}

/* A blog's post footer ("Erstellt am <date> und abgelegt unter <categories>. ...") runs long
 * with its categories and feed notes, and is still not text. */
static void test_clean_boiler_long_post_footer(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const footer =
        "Erstellt am Montag 3. Juni 2024 um 10:15 und abgelegt unter Hafen, Schifffahrt, Winter, "
        "Allgemein. Kommentare zu diesem Eintrag im RSS 2.0 Feed. Kommentare und Pings sind "
        "derzeit "
        "nicht erlaubt.";
    assert_true(strlen(footer) > 100);
    assert_true(nf_boiler_line(b, footer, strlen(footer)));
}

/* An affiliate or advertising disclosure is not the article's text, wherever it stands. */
static void test_clean_boiler_affiliate_disclosures(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const disclosure[] = {
        "Our editors pick every product. We may earn a commission when you buy through our links.",
        "Dieser Beitrag enth\xc3\xa4lt Affiliate-Links: Kaufst du dar\xc3\xbc"
        "ber ein, erhalten wir eine Provision.",
        NULL};
    for (size_t i = 0; disclosure[i]; i++) {
        assert_true(nf_boiler_cta(b, disclosure[i], strlen(disclosure[i])));
    }
    static const char *const news = "The retailer pays bloggers a commission on every sale.";
    assert_false(nf_boiler_cta(b, news, strlen(news)));
}

/* A screenshot's credit starts its caption ("Screenshot: <source>", "Screenshot,<source>");
 * a sentence about screenshots is text. */
static void test_clean_boiler_screenshot_credits(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const credit[] = {
        "Screenshot: Harbour App", "Screenshot,Harbour App The new map shows every berth.", NULL};
    for (size_t i = 0; credit[i]; i++) {
        assert_true(nf_boiler_line(b, credit[i], strlen(credit[i])));
    }
    static const char *const text = "Screenshots of the chat were shown in court on Monday.";
    assert_false(nf_boiler_line(b, text, strlen(text)));
}

/* The lines that close a press release: where to find more, whom to ask, the disclaimer. */
static void test_clean_boiler_press_release_closers(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const closer[] = {"Weitere Infos unter www.example.org.",
                                         "Mehr Informationen unter: hafen.example.org",
                                         "IHR ANSPRECHPARTNER F\xc3\x9cR PRESSEANFRAGEN",
                                         "Ansprechpartnerin zum Thema:",
                                         "(Alle Angaben ohne Gew\xc3\xa4hr)",
                                         NULL};
    for (size_t i = 0; closer[i]; i++) {
        assert_true(nf_boiler_line(b, closer[i], strlen(closer[i])));
    }
    /* a long sentence that starts with the same words is text */
    static const char *const text = "Weitere Infos unter der Hand bekam die Polizei von Anwohnern, "
                                    "die den Wagen in der Nacht gesehen hatten.";
    assert_false(nf_boiler_line(b, text, strlen(text)));
}

/* "Mehr zu <Thema>" alone on a line labels a box of links; a sentence starting so is text. */
static void test_clean_boiler_more_on_topic_label(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const label = "Mehr zu Hafen und Schifffahrt";
    assert_true(nf_boiler_line(b, label, strlen(label)));
    static const char *const text =
        "Mehr zu tun gab es f\xc3\xbcr die Feuerwehr am Sonntag, als ein "
        "Sturm aufzog.";
    assert_false(nf_boiler_line(b, text, strlen(text)));
}

/* A document's link line with its type and size is chrome; a sentence about a PDF is text. */
static void test_clean_boiler_file_links(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const link[] = {"Jahresbericht 2024 (PDF, 245 KB)",
                                       "Merkblatt Hafengeb\xc3\xbchren PDF | 1,2 MB | barrierefrei",
                                       NULL};
    for (size_t i = 0; link[i]; i++) {
        assert_true(nf_boiler_line(b, link[i], strlen(link[i])));
    }
    static const char *const text[] = {"The 40 MB PDF reached reporters on Monday.",
                                       "The PDF lists 12 berths for ships over 300 metres", NULL};
    for (size_t i = 0; text[i]; i++) {
        assert_false(nf_boiler_line(b, text[i], strlen(text[i])));
    }
}

/* Support pitches and newsletter teasers that close a post are calls to action. */
static void test_clean_boiler_closing_pitches(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const pitch[] = {
        "Gef\xc3\xa4llt dir unser Hafenmagazin? Wir verzichten bewusst auf Werbung.",
        "Help us continue to bring harbour news to readers everywhere",
        "Ab 2025 nichts mehr vers\xc3\xa4umen!", NULL};
    for (size_t i = 0; pitch[i]; i++) {
        assert_true(nf_boiler_promo(b, pitch[i], strlen(pitch[i])));
    }
}

/* Comment and view counters in German, Spanish, French and Polish are chrome lines. */
static void test_clean_boiler_counters_in_more_languages(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const counter[] = {"0 Kommentare",   "1.234 Aufrufe", "12 comentarios",
                                          "3 commentaires", "5 komentarzy",  NULL};
    for (size_t i = 0; counter[i]; i++) {
        assert_true(nf_boiler_line(b, counter[i], strlen(counter[i])));
    }
    static const char *const text = "3 Kommentare zur Lage am Hafen";
    assert_false(nf_boiler_line(b, text, strlen(text)));
}

/* An author box's "View all posts by" link and a page's revision line are chrome. */
static void test_clean_boiler_author_box_links(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const line[] = {
        "Jane Roe writes about ports. View all posts by Jane Roe",
        "Sie schreibt zu Schiffen. Zeige alle Beitr\xc3\xa4ge von Erika",
        "harbour.html - Last Modified: 03-10-2004 2:20pm", NULL};
    for (size_t i = 0; line[i]; i++) {
        assert_true(nf_boiler_cta(b, line[i], strlen(line[i])));
    }
    /* a law's revision date in a report is text */
    static const char *const law = "Die Verordnung wurde zuletzt ge\xc3\xa4ndert am 1. Mai 2020.";
    assert_false(nf_boiler_cta(b, law, strlen(law)));
}

/* A short line of " | "-separated fields (a breadcrumb, tabs, a post's meta line) is chrome;
 * a sentence or a line with one bar is not. */
static void test_clean_boiler_field_lines(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const fields[] = {
        "Freitag | 14. Juni 2019 | 15:49 VON Jane Roe IN Mode | 0 COMMENTS",
        "Hafen | Schifffahrt | Video", "Aktuell | 30 Tage | 3 Monate | 12 Monate", NULL};
    for (size_t i = 0; fields[i]; i++) {
        assert_true(nf_boiler_line(b, fields[i], strlen(fields[i])));
    }
    static const char *const text[] = {"Ports | Ships", "The menu read: fish | chips | peas.",
                                       NULL};
    for (size_t i = 0; text[i]; i++) {
        assert_false(nf_boiler_line(b, text[i], strlen(text[i])));
    }
}

/* The placeholders of embedded posts and players (consent notes, "enable JavaScript", "view
 * this post on Instagram") are chrome wherever they stand. */
static void test_clean_boiler_embed_placeholders(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const placeholder[] = {
        "View this post on Instagram",
        "Aktivieren Sie JavaScript um das Video zu sehen.",
        "Klicken Sie auf den Button, um den Inhalt nachzuladen.",
        "Wenn Sie dieses Video abspielen, erfolgt eine Daten\xc3\xbc"
        "bertragung an den Anbieter.",
        "Wir stellen ohne dein Einverst\xc3\xa4ndnis keine Verbindung zu Twitter her.",
        NULL};
    for (size_t i = 0; placeholder[i]; i++) {
        assert_true(nf_boiler_cta(b, placeholder[i], strlen(placeholder[i])));
    }
    /* the same words about a page that loads slowly are text */
    static const char *const text = "Der Browser braucht l\xc3\xa4nger, um den Inhalt zu laden.";
    assert_false(nf_boiler_cta(b, text, strlen(text)));
}

/* The titles of author and press-contact boxes, in any case and with a colon. */
static void test_clean_boiler_box_titles(void **ctx)
{
    (void)ctx;
    static const char *const title[] = {"AUTOR",
                                        "\xc3\x9c"
                                        "ber die Autorin:",
                                        "About the author", "Pressekontakt:", NULL};
    for (size_t i = 0; title[i]; i++) {
        assert_true(nf_boiler_author_label(title[i], strlen(title[i])));
    }
    static const char *const text = "Kontaktdaten der Polizei";
    assert_false(nf_boiler_author_label(text, strlen(text)));
}

/* A short line that only points to a link ("... finden Sie hier.") is chrome; a sentence in
 * which the words stand elsewhere is text. */
static void test_clean_boiler_pointer_lines(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const pointer[] = {"Alle Ergebnisse findest du HIER.",
                                          "Weitere Informationen zum Hafenfest finden Sie hier.",
                                          NULL};
    for (size_t i = 0; pointer[i]; i++) {
        assert_true(nf_boiler_line(b, pointer[i], strlen(pointer[i])));
    }
    /* "hier" as a place, in a quote or a sentence, is text */
    static const char *const text[] = {"Antworten finden Sie hier im Hafen nicht, sagt der Lotse.",
                                       "\xe2\x80\x9eSo eine Gemeinschaft gibt es hier.\xe2\x80\x9c",
                                       NULL};
    for (size_t i = 0; text[i]; i++) {
        assert_false(nf_boiler_line(b, text[i], strlen(text[i])));
    }
}

/* The review note of a health or guide page ("Medically reviewed by ...") is chrome. */
static void test_clean_boiler_review_notes(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const note[] = {
        "Medically reviewed by Jane Roe, MD - Written by John Doe on March 3, 2024",
        "Dieser Text folgt den Leitlinien und wurde von Medizinern gepr\xc3\xbc"
        "ft.",
        NULL};
    for (size_t i = 0; note[i]; i++) {
        assert_true(nf_boiler_cta(b, note[i], strlen(note[i])));
    }
    static const char *const text = "Die Studie wurde von \xc3\x84rzten gepr\xc3\xbc"
                                    "ft.";
    assert_false(nf_boiler_cta(b, text, strlen(text)));
}

/* A subscription pitch's promise ("cancel anytime") marks a closing call to action. */
static void test_clean_boiler_subscription_promise(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const pitch[] = {
        "Read the harbour news for 3 dollars. Cancel anytime.",
        "Hazlo posible desde 5 d\xc3\xb3lares. Cancela cuando quieras.",
        "Alle Artikel lesen, jederzeit k\xc3\xbcndbar.", NULL};
    for (size_t i = 0; pitch[i]; i++) {
        assert_true(nf_boiler_promo(b, pitch[i], strlen(pitch[i])));
    }
}

/* A book's editor line ("hg. von ...", "Edited by ...") is a reference, not the article. */
static void test_clean_boiler_editor_credits(void **ctx)
{
    const struct nf_boiler *b = *ctx;
    static const char *const credit[] = {"hg. von der Hafenstiftung, Hafenverlag, Kiel 2011",
                                         "Hrsg. von Erika Muster, Kiel 2020",
                                         "Edited by Jane Roe, Harbour Press, 2019", NULL};
    for (size_t i = 0; credit[i]; i++) {
        assert_true(nf_boiler_line(b, credit[i], strlen(credit[i])));
    }
}

/* The lists are files: a missing directory fails init with the path in the reason, and a
 * directory of one's own lists replaces the defaults. */
static void test_clean_lists_dir_is_configurable(void **ctx)
{
    (void)ctx;
    static const struct nf_prop *tables[3];
    tables[0] = nf_common_props;
    tables[1] = nf_stage_clean.props;
    tables[2] = NULL;
    char err[512] = "";
    void *state = NULL;
    struct nf_conf *conf = nf_conf_new(tables);
    assert_non_null(conf);
    assert_int_equal(
        nf_conf_set(conf, "clean.lists_dir", "/nonexistent/clean-lists", "test", err, sizeof(err)),
        0);
    assert_true(nf_stage_clean.init(conf, &state, err, sizeof(err)) < 0);
    assert_null(state);
    assert_non_null(strstr(err, "/nonexistent/clean-lists/"));
    nf_conf_destroy(conf);

    char dir[] = "/tmp/test_clean_lists.XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const char *const names[] = {"class_chrome.txt",  "class_weak.txt",
                                        "class_content.txt", "line_exact.txt",
                                        "line_prefix.txt",   "line_credit.txt",
                                        "line_promo.txt",    "class_overlay.txt",
                                        "class_body.txt",    "line_cta.txt",
                                        NULL};
    for (size_t i = 0; names[i]; i++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(i == 3 ? "# only one line\nzebra crossing\n" : i == 4 ? "12 gnu_\n" : "", f);
        fclose(f);
    }
    struct nf_boiler *b = NULL;
    assert_int_equal(nf_boiler_load(dir, &b, err, sizeof(err)), 0);
    assert_true(nf_boiler_line(b, "Zebra crossing.", 15));
    assert_false(nf_boiler_line(b, "Read more", 9)); /* not in these lists */
    assert_true(nf_boiler_line(b, "GNU slow", 8));
    assert_false(nf_boiler_line(b, "GNU is a long line", 18)); /* over its 12 bytes */
    assert_false(nf_boiler_classify(b, "share-bar", NULL, NULL));
    nf_boiler_free(b);
    /* a malformed prefix line is an error naming the file and line */
    char path[256];
    snprintf(path, sizeof(path), "%s/line_prefix.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# comment\nno-length-here\n", f);
    fclose(f);
    assert_true(nf_boiler_load(dir, &b, err, sizeof(err)) < 0);
    assert_null(b);
    assert_non_null(strstr(err, "line_prefix.txt:2"));
    for (size_t i = 0; names[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
}

/* ---- bad input ---- */

static void test_clean_no_article_gives_empty_text_and_reason(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav>"
                           "<ul><li><a href='/x'>Some link</a></li><li><a href='/y'>Another "
                           "link</a></li></ul><footer>(c) 2025 Example</footer></body></html>",
                           NULL);
    assert_string_equal(text_of(rec), "");
    assert_string_equal(json_string_value(json_object_get(rec, "reason")), "no article text found");
    json_decref(rec);
}

static void test_clean_empty_html(void **ctx)
{
    json_t *rec = run_html(*ctx, "", NULL);
    assert_string_equal(text_of(rec), "");
    assert_non_null(json_string_value(json_object_get(rec, "reason")));
    json_decref(rec);
}

static void test_clean_only_script(void **ctx)
{
    json_t *rec = run_html(*ctx, "<script>var s = '<p>not text</p>'; alert(s);</script>", NULL);
    assert_string_equal(text_of(rec), "");
    assert_non_null(json_string_value(json_object_get(rec, "reason")));
    json_decref(rec);
}

static void test_clean_over_limit_is_error_limit(void **ctx)
{
    struct fixture *f = *ctx;
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_appends(&b, "<html><body>"), 0);
    while (b.len < 2000) {
        assert_int_equal(nf_buf_appends(&b, "<p>" P1 "</p>"), 0);
    }
    json_t *rec = json_object();
    json_object_set_new(rec, "id", json_string("big"));
    json_object_set_new(rec, "html", json_string(b.data));
    char err[256] = "";
    json_t *out = NULL;
    assert_int_equal(run_rec(f, rec, &out, err, sizeof(err)), NF_ERR_LIMIT);
    assert_non_null(strstr(err, "clean.max_html_bytes"));
    json_decref(out);
    nf_buf_free(&b);
}

static void test_clean_node_budget_truncates(void **ctx)
{
    struct nf_buf b = {0};
    assert_int_equal(nf_buf_appends(&b, "<html><body><article>"), 0);
    for (int i = 0; i < 3000; i++) {
        assert_int_equal(nf_buf_appendf(&b, "<p>Paragraph %d. " P1 "</p>", i), 0);
    }
    assert_int_equal(nf_buf_appends(&b, "</article></body></html>"), 0);
    json_t *rec = run_html(*ctx, b.data, NULL);
    const char *t = text_of(rec);
    assert_non_null(strstr(t, "Paragraph 0. "));
    assert_null(strstr(t, "Paragraph 2999. ")); /* beyond the budget */
    assert_true(json_is_true(json_object_get(rec, "truncated")));
    json_decref(rec);
    nf_buf_free(&b);
}

static void test_clean_deep_nesting_is_bounded(void **ctx)
{
    struct nf_buf b = {0};
    for (int i = 0; i < 100000; i++) {
        assert_int_equal(nf_buf_appends(&b, "<div>"), 0);
    }
    assert_int_equal(nf_buf_appends(&b, "<p>" P1 "</p>"), 0);
    for (int i = 0; i < 100000; i++) {
        assert_int_equal(nf_buf_appends(&b, "</div>"), 0);
    }
    double t0 = nf_mono_sec();
    json_t *rec = run_html(*ctx, b.data, NULL);
    double dt = nf_mono_sec() - t0;
    assert_true(dt < 5.0);
    assert_non_null(text_of(rec));
    json_decref(rec);
    nf_buf_free(&b);
}

static void test_clean_binary_garbage(void **ctx)
{
    struct fixture *f = *ctx;
    uint64_t x = 88172645463325252ULL;
    for (int round = 0; round < 8; round++) {
        char raw[20000];
        for (size_t i = 0; i < sizeof(raw); i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            raw[i] = (char)(x & 0xFF);
            if (round & 1) {
                /* half the rounds: markup-ish garbage */
                raw[i] = "<>/=\"' apdivscript\x80\xff&#;"[x % 24];
            }
        }
        struct nf_buf b = {0};
        assert_int_equal(nf_utf8_sanitize(&b, raw, sizeof(raw)), 0);
        json_t *rec = run_html(f, b.data, round == 2 ? "{\"charset\": \"windows-1252\"}" : NULL);
        json_decref(rec);
        nf_buf_free(&b);
    }
}

/* bytes of a windows-1252 page carried as one code point per byte, with a charset hint */
static void test_clean_windows1252_hint_decodes(void **ctx)
{
    /* “Caf\xe9” costs \x805 -> U+201C Café U+201D costs €5 */
    static const unsigned char page[] =
        "<html><body><article><p>\x93"
        "Caf\xe9\x94 costs \x80"
        "5 in the old town "
        "square, said the na\xefve owner.</p></article></body></html>";
    struct nf_buf b = {0};
    for (size_t i = 0; i + 1 < sizeof(page); i++) {
        char enc[4];
        size_t n = nf_utf8_encode(page[i], enc);
        assert_int_equal(nf_buf_append(&b, enc, n), 0);
    }
    const char *expect = "\xe2\x80\x9c"
                         "Caf\xc3\xa9\xe2\x80\x9d costs \xe2\x82\xac"
                         "5 in the old town square, said the na\xc3\xafve owner.";
    json_t *rec = run_html(*ctx, b.data, "{\"charset\": \"windows-1252\"}");
    assert_string_equal(text_of(rec), expect);
    assert_null(json_object_get(rec, "charset"));
    json_decref(rec);
    rec = run_html(*ctx, b.data,
                   "{\"headers\": {\"content-type\": \"text/html; charset=Windows-1252\"}}");
    assert_string_equal(text_of(rec), expect);
    json_decref(rec);
    nf_buf_free(&b);
}

static char *base64(const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(n / 3 * 4 + 5);
    size_t o = 0;
    assert_non_null(out);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        v |= i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0;
        v |= i + 2 < n ? p[i + 2] : 0;
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static json_t *run_base64(struct fixture *f, const unsigned char *page, size_t n,
                          const char *charset)
{
    char *b64 = base64(page, n);
    json_t *rec = json_object();
    json_object_set_new(rec, "id", json_string("b64"));
    json_object_set_new(rec, "html_base64", json_string(b64));
    if (charset) {
        json_object_set_new(rec, "charset", json_string(charset));
    }
    free(b64);
    char err[256] = "";
    json_t *out = NULL;
    if (run_rec(f, rec, &out, err, sizeof(err)) != 0) {
        fail_msg("transform failed: %s", err);
    }
    assert_null(json_object_get(out, "html_base64"));
    return out;
}

static void test_clean_euc_kr_base64_with_hint_decodes(void **ctx)
{
    /* "한국 뉴스" in EUC-KR: C7 D1 B1 B9 20 B4 BA BD BA */
    static const unsigned char page[] = "<html><body><p>\xc7\xd1\xb1\xb9 \xb4\xba\xbd\xba</p>"
                                        "</body></html>";
    json_t *rec = run_base64(*ctx, page, sizeof(page) - 1, "EUC-KR");
    assert_string_equal(text_of(rec), "\xed\x95\x9c\xea\xb5\xad \xeb\x89\xb4\xec\x8a\xa4");
    json_decref(rec);
}

static void test_clean_base64_uses_meta_charset_without_hint(void **ctx)
{
    static const unsigned char page[] =
        "<html><head><meta charset='windows-1252'></head><body><p>\x93"
        "Caf\xe9\x94 "
        "costs \x80"
        "5.</p></body></html>";
    json_t *rec = run_base64(*ctx, page, sizeof(page) - 1, NULL);
    assert_string_equal(text_of(rec), "\xe2\x80\x9c"
                                      "Caf\xc3\xa9\xe2\x80\x9d costs "
                                      "\xe2\x82\xac"
                                      "5.");
    json_decref(rec);
}

static void test_clean_bad_input_is_invalid(void **ctx)
{
    struct fixture *f = *ctx;
    char err[256] = "";
    json_t *out = NULL;
    json_t *rec = json_pack("{s:s, s:s}", "id", "x", "html_base64", "not*base64!");
    assert_int_equal(run_rec(f, rec, &out, err, sizeof(err)), NF_ERR_INVALID);
    json_decref(out);
    rec = json_pack("{s:s, s:i}", "id", "x", "html", 42);
    assert_int_equal(run_rec(f, rec, &out, err, sizeof(err)), NF_ERR_INVALID);
    assert_non_null(strstr(err, "html"));
    json_decref(out);
}

/* text with a non-Latin charset hint is still text: no re-decoding */
static void test_clean_text_with_cjk_hint_is_not_redecoded(void **ctx)
{
    json_t *rec = run_html(*ctx, "<html><body><p>Caf\xc3\xa9 cr\xc3\xa8me</p></body></html>",
                           "{\"charset\": \"EUC-KR\"}");
    assert_string_equal(text_of(rec), "Caf\xc3\xa9 cr\xc3\xa8me");
    json_decref(rec);
}

/* html in a record is already Unicode: a stale <meta charset> must not re-decode it */
static void test_clean_decoded_text_ignores_meta_charset(void **ctx)
{
    json_t *rec = run_html(*ctx,
                           "<html><head><meta charset='windows-1252'></head><body><article><p>"
                           "Caf\xc3\xa9 cr\xc3\xa8me, \xe2\x82\xac"
                           "5.</p></article></body>"
                           "</html>",
                           "{\"charset\": \"iso-8859-1\"}");
    assert_string_equal(text_of(rec), "Caf\xc3\xa9 cr\xc3\xa8me, \xe2\x82\xac"
                                      "5.");
    json_decref(rec);
}

/* ---- concurrency: the runner may call transform from several threads ---- */

struct worker_arg {
    struct fixture *f;
    const char *html;
    const char *expected;
    int ok;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    a->ok = 1;
    for (int i = 0; i < 20; i++) {
        json_t *rec = json_pack("{s:s, s:s}", "id", "w", "html", a->html);
        char err[256];
        if (!rec || nf_stage_clean.transform(a->f->state, rec, err, sizeof(err)) != 0 ||
            strcmp(json_string_value(json_object_get(rec, "text")), a->expected) != 0) {
            a->ok = 0;
        }
        json_decref(rec);
    }
    return NULL;
}

static void test_clean_concurrent_transforms_agree(void **ctx)
{
    struct fixture *f = *ctx;
    static const char *const names[] = {"seed-article", "harbor-gazette-ferry",
                                        "valley-courier-oldsite", "le-littoral-marais"};
    enum { N = 4 };
    char *html[N], *expected[N];
    pthread_t th[N];
    struct worker_arg args[N];
    for (int i = 0; i < N; i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/config/samples/%s.html", NF_SOURCE_DIR, names[i]);
        html[i] = read_file(path);
        snprintf(path, sizeof(path), "%s/tests/fixtures/clean/%s.expected.txt", NF_SOURCE_DIR,
                 names[i]);
        expected[i] = read_file(path);
        size_t el = strlen(expected[i]);
        while (el > 0 && expected[i][el - 1] == '\n') {
            expected[i][--el] = '\0';
        }
        args[i] = (struct worker_arg){f, html[i], expected[i], 0};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_true(args[i].ok);
        free(html[i]);
        free(expected[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_clean_seed_article_exact_without_chrome, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_sample_harbor_gazette, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_sample_valley_courier_table_layout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_sample_bytefield_blog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_sample_northern_sport_microdata, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_sample_le_littoral_french, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_share_bar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_related_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_link_box_inside_article, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_linked_address_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_drupal_main_canvas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_relaxed_pass_drops_consent_banner, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_teaser_cards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_closing_box_ending_in_link, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_long_closing_section, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_cookie_notice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_newsletter_box, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_view_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_comment_widget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_read_more, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_search_overlay_and_credit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_hidden_elements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_orphan_heading_over_links, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_heading_before_prose, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_clean_relaxed_pass_finds_article_in_chrome_named_container, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_chrome_named_wrapper_of_the_page_is_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_heading_anchor_ids_are_not_chrome, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_author_bio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_closing_titled_box, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_excerpt_ending_in_more_link, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_titled_author_box, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_closing_box_with_chrome_title, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_prefers_several_paragraphs_to_one, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_relaxed_pass_drops_footer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_inline_call_to_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_long_inline_call_to_action, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_main_inside_chrome_named_column, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_promo_before_last_paragraph, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_long_paragraph_beside_the_container, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_prefers_body_named_container, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_ruby_readings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_strips_nul_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_trims_weak_trailing_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_drops_closing_call_to_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_uses_json_ld_article_body_of_script_pages, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_rescues_lead_matching_description, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_joins_article_cut_by_ad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_parts_skip_posts_under_linked_titles, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_parts_skip_repeated_box, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_parts_keep_anchor_titled_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_body_named_standfirst_gives_way, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_lead_between_headline_and_body, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_standfirst_div_before_body, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_lead_at_head_of_article_element, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_aside_filling_main_is_the_article, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_lead_repeated_by_body_is_kept_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_long_dek_without_final_stop, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_caption_of_several_sentences, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_joins_intro_box_before_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_joins_short_intro_box_before_long_body, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_subtitle_over_photo_credit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_one_paragraph_body_name_is_a_teaser, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_keeps_sentence_with_linked_names, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_title_strips_site_suffix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_text_does_not_repeat_title, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_finds_metadata_and_drops_input_fields, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_lang_is_a_bcp47_tag, setup, teardown),
        cmocka_unit_test(test_clean_date_normalisation),
        cmocka_unit_test_setup_teardown(test_clean_boiler_lines, setup_boiler, teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_read_also_prefixes, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_figure_captions, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_long_copyright_notice, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_cookie_notice_lines, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_suggested_citation, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_long_post_footer, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_affiliate_disclosures, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_screenshot_credits, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_press_release_closers, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_more_on_topic_label, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_file_links, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_closing_pitches, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_counters_in_more_languages, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_author_box_links, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_field_lines, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_embed_placeholders, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test(test_clean_boiler_box_titles),
        cmocka_unit_test_setup_teardown(test_clean_boiler_pointer_lines, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_review_notes, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_subscription_promise, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test_setup_teardown(test_clean_boiler_editor_credits, setup_boiler,
                                        teardown_boiler),
        cmocka_unit_test(test_clean_lists_dir_is_configurable),
        cmocka_unit_test_setup_teardown(test_clean_no_article_gives_empty_text_and_reason, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_empty_html, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_only_script, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_over_limit_is_error_limit, setup_small_limit,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_deep_nesting_is_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_node_budget_truncates, setup_small_node_budget,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_binary_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_windows1252_hint_decodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_euc_kr_base64_with_hint_decodes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_base64_uses_meta_charset_without_hint, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_bad_input_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_text_with_cjk_hint_is_not_redecoded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_decoded_text_ignores_meta_charset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_concurrent_transforms_agree, setup, teardown),
    };
    return cmocka_run_group_tests_name("clean", tests, NULL, NULL);
}
