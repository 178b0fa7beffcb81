/* extract.c - the clean stage's main-text extractor (see extract.h).
 *
 * Parses the page with libxml2, walks it once (walk.c: text blocks, scored candidates,
 * metadata), then picks the article as Readability does: the best-scoring container after link
 * density, an ancestor shared by several strong candidates, qualifying siblings. Its blocks,
 * minus link-heavy lines and boxes, chrome lines, the repeated title and weak edge lines, are
 * the text. Pages with little text get a second, relaxed walk.
 */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "boiler.h"
#include "extract.h"
#include "newsflow/err.h"
#include "newsflow/util.h"
#include "strip.h"
#include "walk.h"

#ifdef NF_CLEAN_TRACE
#include <stdio.h>
/* Trace builds (-DNF_CLEAN_TRACE) print the candidates and block verdicts to stderr. */
static void trace_node(const char *what, const xmlNode *n, double score)
{
    const char *cls = NULL, *id = NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (a->children && a->children->type == XML_TEXT_NODE) {
            if (!strcmp((const char *)a->name, "class")) {
                cls = (const char *)a->children->content;
            } else if (!strcmp((const char *)a->name, "id")) {
                id = (const char *)a->children->content;
            }
        }
    }
    fprintf(stderr, "%s <%s class=\"%s\" id=\"%s\"> %.1f\n", what, (const char *)n->name,
            cls ? cls : "", id ? id : "", score);
}
#define TRACE_NODE(what, n, score) trace_node(what, n, score)
static const xmlNode *trace_root;
static int is_ancestor(const xmlNode *anc, const xmlNode *n);
/* Levels from n up to the lowest ancestor it shares with the chosen root. */
static int trace_lca(const xmlNode *n)
{
    int d = 0;
    for (const xmlNode *p = n; p && trace_root; p = p->parent, d++) {
        if (is_ancestor(p, trace_root)) {
            return d;
        }
    }
    return -1;
}
#else
#define TRACE_NODE(what, n, score) ((void)0)
#endif

#define RETRY_BELOW_BYTES 1000   /* shorter results trigger a second, relaxed pass */
#define RETRY_MIN_GAIN 100       /* bytes the relaxed pass must add to be preferred */
#define WEAK_BELOW_BYTES 60      /* shorter lines without a sentence end are weak */
#define PARTS_LEVELS 6           /* how far up parts of a cut article may meet */
#define LD_BODY_BELOW_BYTES 1000 /* less text than this: try the JSON-LD articleBody */
#define LINE_LINK_NUM 5  /* a line is navigation above this share of link text (NUM / DEN): */
#define LINE_LINK_DEN 8  /* ... a sentence with a long linked title in it is still prose */
#define BOX_MIN_BLOCKS 2 /* a box of the article needs this many lines to be judged */
#define BOX_LINK_NUM 1   /* ... and is chrome above this link density (NUM / DEN) */
#define BOX_LINK_DEN 2
#define BODY_MIN_BYTES 250        /* a body-named container needs this much text to be chosen */
#define BODY_MIN_PROSE 2          /* ... and this many prose paragraphs (one: a teaser box) */
#define UNCLE_LEVELS 2            /* paragraphs beside the root's ancestors this far up may join */
#define UNCLE_MIN_BYTES 200       /* ... when they have this much text and few links */
#define PROMO_LAST_BLOCKS 3       /* closing calls to action are looked for this far back */
#define PROMO_MAX_BYTES 300       /* ... in paragraphs shorter than this */
#define BIO_MAX_BYTES 600         /* longer paragraphs naming the author are not a bio */
#define PROSE_BLOCK_BYTES 80      /* a prose block, when counting a candidate's paragraphs */
#define SINGLE_TOP_NUM 1          /* a one-paragraph top candidate gives way to a rival of */
#define SINGLE_TOP_DEN 2          /* ... this share of its score (NUM / DEN) ... */
#define SINGLE_TOP_RIVAL_BLOCKS 3 /* ... with this many prose blocks */
#define SINGLE_TOP_APART 2        /* ... not under its parent or grandparent */
#define REPEAT_BELOW_BYTES 200    /* a shorter line right after the same line is a duplicate */
#define CTA_MAX_BYTES 300         /* a call to action inside the article is shorter than this */
#define RIVAL_LEVELS 3            /* one of the best candidates before the root, this far up */
#define RIVAL_BLOCKS 2            /* ... this many paragraphs ... */
#define RIVAL_BLOCK_BYTES 150     /* ... this long, and at most 1 / LINK_DEN of ... */
#define RIVAL_LINK_DEN 4          /* ... its text in links is the article's start */
#define LEAD_LONG_BYTES 150       /* a lead line this long needs no final stop */
#define LINKED_PROSE_BYTES 120    /* a sentence this long stays prose with links up to ... */
#define LINKED_PROSE_NUM 3        /* ... this share of its text (NUM / DEN) */
#define LINKED_PROSE_DEN 4        /* (names, sources, titles linked in a sentence) */
#define SUBTITLE_MIN_BYTES 40     /* a heading right under the headline this long is its subtitle */

static double final_score(const struct cand *c)
{
    double ld = c->bytes ? (double)c->link / (double)c->bytes : 0.0;
    return c->score * (1.0 - ld);
}

static int is_ancestor(const xmlNode *anc, const xmlNode *n)
{
    int guard = 0;
    for (const xmlNode *p = n; p && guard < MAX_DEPTH + 8; p = p->parent, guard++) {
        if (p == anc) {
            return 1;
        }
    }
    return 0;
}

static const char *attr_class(const xmlNode *n)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (!strcmp((const char *)a->name, "class") && a->children &&
            a->children->type == XML_TEXT_NODE) {
            return (const char *)a->children->content;
        }
    }
    return NULL;
}

/* Length of the first class name of a class attribute (0 if none). */
static size_t first_class(const char *cls, const char **start)
{
    while (*cls == ' ' || *cls == '\t' || *cls == '\n') {
        cls++;
    }
    size_t n = 0;
    while (cls[n] && cls[n] != ' ' && cls[n] != '\t' && cls[n] != '\n') {
        n++;
    }
    *start = cls;
    return n;
}

/* Is n an <h1>..<h6> element? */
static int is_heading_el(const xmlNode *n)
{
    const char *nm = (const char *)n->name;
    return n->type == XML_ELEMENT_NODE && (nm[0] == 'h' || nm[0] == 'H') && nm[1] >= '1' &&
           nm[1] <= '6' && !nm[2];
}

/* Is n an <a href> element that leads away from the page (not to an anchor in it)? */
static int is_href_link(const xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || strcasecmp((const char *)n->name, "a")) {
        return 0;
    }
    struct nf_attrs a;
    nf_attrs_read(n, &a);
    return a.href && *a.href && *a.href != '#';
}

/* The next element after n in document order within the subtree of top (NULL at its end). */
static const xmlNode *next_in(const xmlNode *n, const xmlNode *top)
{
    if (n->children) {
        return n->children;
    }
    int guard = 0;
    while (n && n != top && guard++ < MAX_DEPTH + 8) {
        if (n->next) {
            return n->next;
        }
        n = n->parent;
    }
    return NULL;
}

#define LINKED_HEADING_SCAN 4000 /* nodes of an item looked at for a linked heading */

/* Does the subtree of item hold a linked heading (<h2><a href>, <a href><h3>): the title of a
 * post or teaser that links to its own page (a table of contents' anchor does not count)? */
static int holds_linked_heading(const xmlNode *item)
{
    int seen = 0;
    for (const xmlNode *n = item->children; n && seen < LINKED_HEADING_SCAN;
         n = next_in(n, item), seen++) {
        if (!is_href_link(n)) {
            continue;
        }
        int guard = 0;
        for (const xmlNode *p = n->parent; p && p != item && guard++ < MAX_DEPTH; p = p->parent) {
            if (is_heading_el(p)) {
                return 1;
            }
        }
        for (const xmlNode *c = n->children; c; c = next_in(c, n)) {
            if (seen++ > LINKED_HEADING_SCAN) {
                break;
            }
            if (is_heading_el(c)) {
                return 1;
            }
        }
    }
    return 0;
}

/* The first text block inside node n, or NULL. */
static const struct block *first_block_in(const struct walker *w, const xmlNode *n)
{
    for (size_t i = 0; i < w->nblocks; i++) {
        if (is_ancestor(n, w->blocks[i].owner)) {
            return &w->blocks[i];
        }
    }
    return NULL;
}

/* Is candidate c's text also another element's (same size, same links, same first block)? A
 * box the page repeats for another layout (a fact box for mobile and desktop) is no part of
 * the article's continuation. */
static int is_duplicate(const struct walker *w, const struct cand *c)
{
    const struct block *a = NULL;
    for (size_t i = 0; i < w->ncands; i++) {
        const struct cand *d = &w->cands[i];
        if (d == c || d->bytes != c->bytes || d->link != c->link || is_ancestor(d->node, c->node) ||
            is_ancestor(c->node, d->node)) {
            continue;
        }
        const struct block *b = first_block_in(w, d->node);
        if (!a) {
            a = first_block_in(w, c->node);
        }
        if (a && b && a->len == b->len &&
            !memcmp(w->text.data + a->off, w->text.data + b->off, a->len)) {
            return 1;
        }
    }
    return 0;
}

/* An article cut into several containers with the same class ("story-text" between ad slots,
 * "story-body-1", "story-body-2"): other prose containers whose first class name is the top
 * candidate's, under a near common ancestor, are parts of it too. */
static void include_parts(struct walker *w, const xmlNode *tn)
{
    const char *tcls = attr_class(tn), *tstart;
    size_t tlen = tcls ? first_class(tcls, &tstart) : 0;
    if (tlen < 3) {
        return;
    }
    /* the region: the top candidate's ancestor PARTS_LEVELS up */
    const xmlNode *region = tn;
    for (int i = 0; i < PARTS_LEVELS && region->parent && region->parent->type == XML_ELEMENT_NODE;
         i++) {
        region = region->parent;
    }
    for (size_t i = 0; i < w->ncands; i++) {
        struct cand *c = &w->cands[i];
        const char *cls, *start;
        if (c->included || !c->scored || c->bytes <= 80 || c->link * 4 > c->bytes ||
            !(cls = attr_class(c->node)) || first_class(cls, &start) != tlen ||
            strncmp(start, tstart, tlen) || !is_ancestor(region, c->node) ||
            is_ancestor(tn, c->node) || is_ancestor(c->node, tn)) {
            continue;
        }
        /* a repeated box is no continuation; nor is an item titled by a linked heading (below
         * the ancestor the part shares with the root): another post or a teaser (a blog's
         * index, a comment thread) */
        const xmlNode *item = c->node;
        int guard = 0;
        while (item->parent && !is_ancestor(item->parent, tn) && guard++ < MAX_DEPTH) {
            item = item->parent;
        }
        if (is_duplicate(w, c) || holds_linked_heading(item)) {
            TRACE_NODE("part-", c->node, (double)c->bytes);
            continue;
        }
        c->included = 1;
        TRACE_NODE("part", c->node, (double)c->bytes);
    }
}

/* Whether an ancestor of a, up to `levels` levels above it, holds b. */
static int near_ancestor(const xmlNode *a, const xmlNode *b, int levels)
{
    const xmlNode *p = a->parent;
    for (int i = 0; i < levels && p && p->type == XML_ELEMENT_NODE; i++, p = p->parent) {
        if (is_ancestor(p, b)) {
            return 1;
        }
    }
    return 0;
}

/* Blocks of at least min bytes with few links inside node n. */
static size_t long_blocks(const struct walker *w, const xmlNode *n, size_t min)
{
    size_t k = 0;
    for (size_t i = 0; i < w->nblocks; i++) {
        const struct block *b = &w->blocks[i];
        if (b->len >= min && b->link * 4 < b->len && is_ancestor(n, b->owner)) {
            k++;
        }
    }
    return k;
}

/* Prose blocks (PROSE_BLOCK_BYTES or longer, few links) inside node n. */
static size_t prose_blocks(const struct walker *w, const xmlNode *n)
{
    return long_blocks(w, n, PROSE_BLOCK_BYTES);
}

/* Does the block end like a sentence (. ! ? or a closing quote)? */
static int ends_sentence(const struct walker *w, const struct block *b)
{
    const unsigned char *s = (const unsigned char *)w->text.data + b->off;
    unsigned char last = s[b->len - 1];
    if (last == '.' || last == '!' || last == '?' || last == '"' || last == ')') {
        return 1;
    }
    /* closing quotes and guillemets: U+201D, U+00BB */
    if (b->len >= 3 && s[b->len - 3] == 0xE2 && s[b->len - 2] == 0x80 && last == 0x9D) {
        return 1;
    }
    return b->len >= 2 && s[b->len - 2] == 0xC2 && last == 0xBB;
}

/* Does the text of element n end a sentence (a standfirst, not a date line, a breadcrumb or a
 * byline)? */
static int ends_prose(const struct walker *w, const xmlNode *n)
{
    for (size_t i = w->nblocks; i-- > 0;) {
        if (is_ancestor(n, w->blocks[i].owner)) {
            return ends_sentence(w, &w->blocks[i]);
        }
    }
    return 0;
}

/* Does the text of element a start before that of element b? */
static int precedes(const struct walker *w, const xmlNode *a, const xmlNode *b)
{
    for (size_t i = 0; i < w->nblocks; i++) {
        if (is_ancestor(a, w->blocks[i].owner)) {
            return 1;
        }
        if (is_ancestor(b, w->blocks[i].owner)) {
            return 0;
        }
    }
    return 0;
}

/* Pick the article root(s) and mark them included. Returns 0 or NF_ERR_NOMEM. */
static int select_article(struct walker *w, xmlNode *body)
{
    int err = 0;
    struct cand *top = NULL;
    double best = 0;
    /* the five best, for Readability's shared-ancestor check */
    struct cand *tops[5] = {NULL};
    for (size_t i = 0; i < w->ncands; i++) {
        struct cand *c = &w->cands[i];
        if (!c->scored) {
            continue;
        }
        double s = final_score(c);
        c->score = s;
        for (int j = 0; j < 5; j++) {
            if (!tops[j] || s > tops[j]->score) {
                memmove(&tops[j + 1], &tops[j], (size_t)(4 - j) * sizeof(tops[0]));
                tops[j] = c;
                break;
            }
        }
    }
    top = tops[0];
#ifdef NF_CLEAN_TRACE
    trace_root = NULL;
#endif
    for (int j = 0; j < 5 && tops[j]; j++) {
        TRACE_NODE("top", tops[j]->node, tops[j]->score);
    }
    if (!top) {
        if (!body) {
            return 0;
        }
        top = nf_walk_cand(w, body, 0, &err);
        if (!top) {
            return err;
        }
        top->included = 1;
        return 0;
    }
    /* one paragraph (a site description, a teaser) outscoring a container of several is not the
     * article: take the best of those within reach */
    if (prose_blocks(w, top->node) <= 1) {
        for (int j = 1; j < 5 && tops[j]; j++) {
            if (tops[j]->score * SINGLE_TOP_DEN >= top->score * SINGLE_TOP_NUM &&
                !is_ancestor(tops[j]->node, top->node) && !is_ancestor(top->node, tops[j]->node) &&
                !near_ancestor(top->node, tops[j]->node, SINGLE_TOP_APART) &&
                prose_blocks(w, tops[j]->node) >= SINGLE_TOP_RIVAL_BLOCKS) {
                TRACE_NODE("single-", top->node, top->score);
                top = tops[j];
                break;
            }
        }
    }
    best = top->score;
    xmlNode *tn = top->node;
    /* several strong candidates under one ancestor: the ancestor is the article */
    int guard = 0;
    for (xmlNode *anc = tn->parent;
         anc && anc != body && anc->type == XML_ELEMENT_NODE && guard < MAX_DEPTH;
         anc = anc->parent, guard++) {
        int shared = 0;
        for (int j = 1; j < 5; j++) {
            if (tops[j] && tops[j]->score >= 0.75 * best && is_ancestor(anc, tops[j]->node)) {
                shared++;
            }
        }
        if (shared >= 3) {
            tn = anc;
            break;
        }
    }
    /* climb while the parent scores better (its score holds more of the article) */
    double last = cand_index(tn) ? w->cands[cand_index(tn) - 1].score : best;
    double threshold = last / 3;
    guard = 0;
    for (xmlNode *p = tn->parent;
         p && p != body && p->type == XML_ELEMENT_NODE && guard < MAX_DEPTH;
         p = p->parent, guard++) {
        size_t pi = cand_index(p);
        if (!pi || !w->cands[pi - 1].scored) {
            continue;
        }
        double ps = w->cands[pi - 1].score;
        if (ps < threshold) {
            break;
        }
        if (ps > last) {
            tn = p;
            break;
        }
        last = ps;
    }
    /* an only child says nothing: use the parent */
    guard = 0;
    while (tn->parent && tn->parent != body && tn->parent->type == XML_ELEMENT_NODE &&
           guard++ < MAX_DEPTH) {
        int elems = 0;
        for (xmlNode *c = tn->parent->children; c && elems < 2; c = c->next) {
            elems += c->type == XML_ELEMENT_NODE;
        }
        if (elems != 1) {
            break;
        }
        tn = tn->parent;
    }
    /* a container named as the article's body ("entry-content", itemprop=articleBody) that holds
     * paragraphs of prose is the article: above the scored root it adds the parts the scores
     * missed, apart from it the scores went astray; inside it, it is the same text without the
     * edges */
    struct cand *bc = NULL;
    for (size_t i = 0; i < w->ncands; i++) {
        struct cand *c = &w->cands[i];
        if (c->body && c->bytes >= BODY_MIN_BYTES && c->link * 4 < c->bytes &&
            (!bc || c->bytes > bc->bytes) && prose_blocks(w, c->node) >= BODY_MIN_PROSE) {
            bc = c;
        }
    }
    if (bc && bc->node != tn) {
        size_t tb = cand_index(tn) ? w->cands[cand_index(tn) - 1].bytes : 0;
        if (!is_ancestor(tn, bc->node) || bc->bytes * 10 >= tb * 7) {
            TRACE_NODE("body", bc->node, bc->score);
            tn = bc->node;
        }
    }
    /* nf_walk_cand may move w->cands: the best candidates are kept by node across it */
    xmlNode *top_nodes[5] = {NULL};
    for (int j = 0; j < 5 && tops[j]; j++) {
        top_nodes[j] = tops[j]->node;
    }
    struct cand *tc = nf_walk_cand(w, tn, 0, &err);
    if (!tc) {
        return err;
    }
    tc->included = 1;
    TRACE_NODE("chosen", tn, tc->score);
#ifdef NF_CLEAN_TRACE
    trace_root = tn;
#endif
    double top_score = tc->scored ? tc->score : best;
    /* siblings that look like more of the article */
    if (!tn->parent || tn == body) {
        return 0;
    }
    double sib_threshold = top_score * 0.2 > 10 ? top_score * 0.2 : 10;
    const char *tcls = attr_class(tn);
    guard = 0;
    int before = 1; /* s comes before the top candidate */
    for (xmlNode *s = tn->parent->children; s && guard < 4096; s = s->next, guard++) {
        if (s == tn) {
            before = 0;
        }
        if (s == tn || s->type != XML_ELEMENT_NODE) {
            continue;
        }
        size_t si = cand_index(s);
        if (!si) {
            continue;
        }
        struct cand *sc = &w->cands[si - 1];
        double bonus = 0;
        const char *scls = attr_class(s);
        if (tcls && scls && *tcls && !strcmp(tcls, scls)) {
            bonus = top_score * 0.2;
        }
        int take = 0;
        double ld = sc->bytes ? (double)sc->link / (double)sc->bytes : 0;
        if (sc->scored && sc->score + bonus >= sib_threshold) {
            take = 1;
        } else if (sc->bytes > 80 && ld < 0.25 &&
                   (!strcmp((const char *)s->name, "p") ||
                    (before && sc->bytes < 1000 && (sc->scored || sc->body || ends_prose(w, s))))) {
            /* prose next to the article: a paragraph, or a standfirst just before it (a box of
             * paragraphs, or a div of text ending a sentence, not a date line or a breadcrumb) */
            take = 1;
        } else if (!strcmp((const char *)s->name, "p") && sc->bytes > 0 && sc->link == 0) {
            take = 1; /* short linkless paragraphs between the article's parts */
        }
        sc->included |= take;
        TRACE_NODE(take ? "sibling+" : "sibling-", s, sc->scored ? sc->score : -(double)sc->bytes);
    }
    include_parts(w, tn);
    /* one of the best candidates, of long paragraphs, just before the root in a box of its own
     * nearby (an intro section, the lead's column): the article's start. Only before it: after
     * the root come the next article and the comments */
    for (int j = 0; j < 5 && top_nodes[j]; j++) {
        struct cand *c = &w->cands[cand_index(top_nodes[j]) - 1];
        if (c->node == tn || c->included || is_ancestor(c->node, tn) || is_ancestor(tn, c->node) ||
            !near_ancestor(tn, c->node, RIVAL_LEVELS) || c->link * RIVAL_LINK_DEN > c->bytes ||
            !precedes(w, c->node, tn) ||
            long_blocks(w, c->node, RIVAL_BLOCK_BYTES) < RIVAL_BLOCKS) {
            continue;
        }
        c->included = 1;
        TRACE_NODE("rival+", c->node, c->score);
    }
    /* long prose paragraphs next to the root's parent or grandparent: the article's text
     * that the markup left outside its container */
    xmlNode *anc = tn->parent;
    for (int l = 0; l < UNCLE_LEVELS && anc && anc->parent && anc != body; l++, anc = anc->parent) {
        guard = 0;
        for (xmlNode *s = anc->parent->children; s && guard < 4096; s = s->next, guard++) {
            size_t si;
            if (s == anc || s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name, "p") ||
                !(si = cand_index(s))) {
                continue;
            }
            struct cand *sc = &w->cands[si - 1];
            if (sc->bytes >= UNCLE_MIN_BYTES && sc->link * 10 < sc->bytes) {
                sc->included = 1;
                TRACE_NODE("uncle", s, (double)sc->bytes);
            }
        }
    }
    return 0;
}

static int block_included(const struct walker *w, const struct block *b)
{
    int guard = 0;
    for (const xmlNode *p = b->owner; p && guard < MAX_DEPTH + 8; p = p->parent, guard++) {
        size_t i = cand_index(p);
        if (i && w->cands[i - 1].included) {
            return 1;
        }
    }
    return 0;
}

/* Case-insensitive (ASCII) equality ignoring trailing punctuation and spaces. */
static int same_text(const char *a, size_t al, const char *b)
{
    size_t bl = strlen(b);
    while (al && strchr(" .:!?", a[al - 1])) {
        al--;
    }
    while (bl && strchr(" .:!?", b[bl - 1])) {
        bl--;
    }
    return al == bl && al > 0 && !strncasecmp(a, b, al);
}

/* A short line naming the byline ("By Jane Doe", "Jane Doe | Reporter"). */
static int is_byline_line(const char *s, size_t len, const char *byline)
{
    if (!byline || !*byline || len > strlen(byline) + 40) {
        return 0;
    }
    char buf[256];
    if (len >= sizeof(buf)) {
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return strstr(buf, byline) != NULL;
}

#define CLOSING_BOX_BLOCKS 2       /* a closing titled box: its heading and this many blocks */
#define CLOSING_BOX_MIN_BEFORE 400 /* ... after this much article text */
#define CLOSING_BOX_MAX_BYTES 1200 /* ... holding less than two bios: more is a section */
#define ADDRESS_PREFIX_MAX 40      /* a reference line: this much text before its one address */

/* One web or mail address ("https://example.org/report.pdf", "www.example.org",
 * "name@example.org"), without spaces. */
static int is_one_address(const char *s, size_t len)
{
    if (len < 8 || memchr(s, ' ', len)) {
        return 0;
    }
    if (!strncasecmp(s, "www.", 4) || memchr(s, '@', len)) {
        return 1;
    }
    for (size_t i = 0; i + 3 <= len; i++) {
        if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
            return 1;
        }
    }
    return 0;
}

/* A line that is one web or mail address, or a short label before one ("via
 * https://example.org/x", "[1] www.example.org"): a reference the text gives, linked, not a
 * navigation link, whose text is a name. */
static int is_address(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0 && s[i - 1] != ' ') {
        i--;
    }
    if (i > ADDRESS_PREFIX_MAX + 1 || !is_one_address(s + i, len - i)) {
        return 0;
    }
    /* the label holds no address of its own */
    for (size_t k = 0; k < i; k++) {
        if (s[k] == '@' || (s[k] == '/' && k + 1 < i && s[k + 1] == '/') ||
            (k + 4 <= i && !strncasecmp(s + k, "www.", 4))) {
            return 0;
        }
    }
    return 1;
}

#define MORE_LINK_MIN_BYTES 4 /* link text at least as long as the shortest "read more" */

/* Does a paragraph end with a "read more" link ("... Weiterlesen", "... [więcej]", "... Read
 * more »")? Then it is a teaser's excerpt of another page, cut where the link continues it. */
static int ends_with_more_link(const struct block *b, const char *s)
{
    static const char *const more[] = {"weiterlesen",   "read more",         "[more]",
                                       "[mehr]",        "[więcej]",          "[czytaj więcej]",
                                       "lire la suite", "leer más",          "continue reading",
                                       "czytaj więcej", "continuar leyendo", NULL};
    size_t n = b->len;
    /* trailing arrows, ellipses and spaces: "» ", "…", "..." */
    for (int guard = 0; n > 0 && guard < 8; guard++) {
        unsigned char c = (unsigned char)s[n - 1];
        if (c == ' ' || c == '.' || c == '>') {
            n--;
        } else if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && c == 0xBB) {
            n -= 2; /* » */
        } else if (n >= 3 && (unsigned char)s[n - 3] == 0xE2) {
            n -= 3; /* › → … */
        } else {
            break;
        }
    }
    if (b->link < MORE_LINK_MIN_BYTES) {
        return 0;
    }
    for (size_t i = 0; more[i]; i++) {
        size_t ml = strlen(more[i]);
        if (n > ml && (s[n - ml - 1] == ' ' || s[n - ml - 1] == '.') &&
            !strncasecmp(s + n - ml, more[i], ml)) {
            return 1;
        }
    }
    return 0;
}

/* Why a block of the article is left out of the text (0: it is kept). */
enum verdict { KEEP = 0, OUTSIDE, LINKS, CHROME, TITLE, BYLINE, REPEAT };

static enum verdict judge_block(const struct walker *w, const struct block *b,
                                const struct nf_meta_out *mo, const struct block *prev)
{
    const char *s = w->text.data + b->off;
    if (!block_included(w, b)) {
        return OUTSIDE;
    }
    /* mostly links: navigation, related stories, tag lists; but a table cell is one field of a
     * row (a product, a source), and tables of links go as a box (drop_link_boxes); a long
     * sentence may link most of its words (names, sources) and stay prose */
    if (b->link * LINE_LINK_DEN > b->len * LINE_LINK_NUM && !is_address(s, b->len) &&
        b->tag != T_TD && b->tag != T_TH &&
        !(b->len >= LINKED_PROSE_BYTES && b->link * LINKED_PROSE_DEN < b->len * LINKED_PROSE_NUM &&
          ends_sentence(w, b))) {
        return LINKS;
    }
    if (nf_boiler_line(w->boiler, s, b->len)) {
        return CHROME;
    }
    if (ends_with_more_link(b, s)) {
        return LINKS;
    }
    if ((mo->title && same_text(s, b->len, mo->title)) ||
        (w->meta.og_title && same_text(s, b->len, w->meta.og_title)) ||
        (w->meta.title_tag && same_text(s, b->len, w->meta.title_tag))) {
        return TITLE;
    }
    if (is_byline_line(s, b->len, mo->byline)) {
        return BYLINE;
    }
    if (b->len < CTA_MAX_BYTES && nf_boiler_cta(w->boiler, s, b->len)) {
        return CHROME;
    }
    if (prev && prev->len == b->len && b->len < REPEAT_BELOW_BYTES &&
        !memcmp(w->text.data + prev->off, s, b->len)) {
        return REPEAT;
    }
    return KEEP;
}

/* The element just below the article root that holds block b (its "box"): NULL when the block
 * is owned by the root itself or lies outside the article. */
static const xmlNode *box_of(const struct walker *w, const struct block *b)
{
    int guard = 0;
    const xmlNode *below = NULL;
    for (const xmlNode *p = b->owner; p && guard < MAX_DEPTH + 8; p = p->parent, guard++) {
        size_t i = cand_index(p);
        if (i && w->cands[i - 1].included) {
            return below;
        }
        below = p;
    }
    return NULL;
}

/* A box inside the article made mostly of links (a related-stories list, a teaser strip, a tag
 * cloud without a telling class) is chrome as a whole: its few linkless lines (teaser
 * sentences, dates, bylines) go with the links. */
static void drop_link_boxes(const struct walker *w, unsigned char *v)
{
    size_t i = 0;
    while (i < w->nblocks) {
        const xmlNode *box = v[i] == OUTSIDE ? NULL : box_of(w, &w->blocks[i]);
        size_t j = i + 1, bytes = w->blocks[i].len, link = w->blocks[i].link;
        while (box && j < w->nblocks && v[j] != OUTSIDE && box_of(w, &w->blocks[j]) == box) {
            bytes += w->blocks[j].len;
            link += w->blocks[j].link;
            j++;
        }
        if (box && j - i >= BOX_MIN_BLOCKS && link * BOX_LINK_DEN > bytes * BOX_LINK_NUM) {
            for (size_t k = i; k < j; k++) {
                if (v[k] == KEEP) {
                    v[k] = LINKS;
                }
            }
        }
        i = j;
    }
}

#define CARD_LEVELS 4      /* a teaser card: at most this far above its linked title */
#define CARD_MAX_BYTES 600 /* ... with at most this much text */
#define CARD_SCAN 50000    /* nodes of the page looked at for teaser cards */
#define CARD_CHECKS 256    /* neighbours searched for a linked title, per page */
#define MAX_CARDS 128      /* teaser cards judged per page */

/* Items of one list: the same element name and class attribute (list items may have none;
 * other elements without a class say nothing of their kind). */
static int same_shape(const xmlNode *a, const xmlNode *b)
{
    if (a->type != XML_ELEMENT_NODE || b->type != XML_ELEMENT_NODE ||
        strcmp((const char *)a->name, (const char *)b->name)) {
        return 0;
    }
    const char *ca = attr_class(a), *cb = attr_class(b);
    if (!ca && !cb) {
        return !strcmp((const char *)a->name, "li");
    }
    return ca && cb && !strcmp(ca, cb);
}

/* The element sibling before (dir < 0) or after n (NULL if none close by). */
static const xmlNode *elem_sibling(const xmlNode *n, int dir)
{
    int guard = 0;
    for (const xmlNode *s = dir < 0 ? n->prev : n->next; s && guard < 64;
         s = dir < 0 ? s->prev : s->next, guard++) {
        if (s->type == XML_ELEMENT_NODE) {
            return s;
        }
    }
    return NULL;
}

/* A heading that links to another page (<h3><a href>, <a href><h3>). */
static int is_linked_heading(const xmlNode *h)
{
    if (!is_heading_el(h)) {
        return 0;
    }
    int guard = 0;
    for (const xmlNode *p = h->parent; p && guard < CARD_LEVELS; p = p->parent, guard++) {
        if (is_href_link(p)) {
            return 1;
        }
    }
    int seen = 0;
    for (const xmlNode *c = h->children; c && seen < 64; c = next_in(c, h), seen++) {
        if (is_href_link(c)) {
            return 1;
        }
    }
    return 0;
}

/* Teaser cards (a linked title, a date, a blurb, a "more" link) come in lists of same-shaped
 * items: an element up to CARD_LEVELS above a linked heading whose neighbour has its name and
 * class and a linked heading too is a card, and its few lines are another page's teaser (the
 * related posts under a blog post, a list of threads, the other posts of an index). The card
 * that holds the article's first line is the article itself, a post among posts. This runs
 * after the edge rules, which judge the article's closing lines as the page lays them out. */
static void drop_teaser_cards(const struct walker *w, unsigned char *v)
{
    size_t first = 0;
    while (first < w->nblocks && v[first] != KEEP) {
        first++;
    }
    if (first == w->nblocks) {
        return;
    }
    const xmlNode *top = xmlDocGetRootElement(w->blocks[0].owner->doc);
    const xmlNode *cards[MAX_CARDS];
    size_t ncards = 0;
    int seen = 0, checks = 0;
    for (const xmlNode *n = top;
         n && seen < CARD_SCAN && ncards < MAX_CARDS && checks < CARD_CHECKS;
         n = next_in(n, top), seen++) {
        if (!is_linked_heading(n)) {
            continue;
        }
        const xmlNode *c = n;
        for (int l = 0; l < CARD_LEVELS && c && c != top; l++, c = c->parent) {
            const xmlNode *prev = elem_sibling(c, -1), *next = elem_sibling(c, 1);
            int card = 0;
            if (prev && same_shape(prev, c)) {
                checks++;
                card = holds_linked_heading(prev);
            }
            if (!card && next && same_shape(next, c)) {
                checks++;
                card = holds_linked_heading(next);
            }
            if (card) {
                cards[ncards++] = c;
                break;
            }
        }
    }
    for (size_t k = 0; k < ncards; k++) {
        if (is_ancestor(cards[k], w->blocks[first].owner)) {
            continue;
        }
        size_t bytes = 0;
        for (size_t i = 0; i < w->nblocks && bytes <= CARD_MAX_BYTES; i++) {
            if (is_ancestor(cards[k], w->blocks[i].owner)) {
                bytes += w->blocks[i].len;
            }
        }
        for (size_t i = 0; i < w->nblocks && bytes <= CARD_MAX_BYTES; i++) {
            if (v[i] == KEEP && is_ancestor(cards[k], w->blocks[i].owner)) {
                v[i] = LINKS;
            }
        }
    }
}

/* A heading, or a short line ending in a colon, that introduces what follows. */
static int is_label(const struct walker *w, const struct block *b)
{
    if (is_heading(b->tag)) {
        /* a long heading that reads as a sentence is a pull quote, not a box title */
        return b->len < 60 || !ends_sentence(w, b);
    }
    return b->len < 80 && w->text.data[b->off + b->len - 1] == ':';
}

/* Compare the starts of two texts, ASCII case-insensitively, over n bytes. */
static int same_start(const char *a, size_t al, const char *b, size_t bl, size_t n)
{
    return al >= n && bl >= n && !strncasecmp(a, b, n);
}

/* The page description is often the article's lead paragraph, which sites put in a teaser
 * box outside the body container. If a block before the article starts like the description
 * and the article does not already hold it, keep it (it is prepended in document order). */
static void rescue_lead(const struct walker *w, const struct nf_meta_out *mo, unsigned char *v)
{
    const size_t n = 40;
    if (!mo->description || strlen(mo->description) < n) {
        return;
    }
    const char *d = mo->description;
    size_t dl = strlen(d);
    size_t first = w->nblocks;
    for (size_t i = 0; i < w->nblocks; i++) {
        if (v[i] == KEEP) {
            if (first == w->nblocks) {
                first = i;
            }
            if (same_start(w->text.data + w->blocks[i].off, w->blocks[i].len, d, dl, n)) {
                return; /* already in */
            }
        }
    }
    for (size_t i = 0; i < first; i++) {
        const struct block *b = &w->blocks[i];
        if (v[i] == OUTSIDE && b->link * 4 < b->len && !is_heading(b->tag) &&
            same_start(w->text.data + b->off, b->len, d, dl, n)) {
            v[i] = KEEP;
            return;
        }
    }
}

/* Does the article already hold a kept block of the same text as b (a teaser that the body
 * repeats as its first paragraph)? */
static int kept_copy(const struct walker *w, const unsigned char *v, const struct block *b)
{
    for (size_t i = 0; i < w->nblocks; i++) {
        const struct block *k = &w->blocks[i];
        if (v[i] == KEEP && k->len == b->len &&
            !memcmp(w->text.data + k->off, w->text.data + b->off, b->len)) {
            return 1;
        }
    }
    return 0;
}

/* The lead paragraph often sits in the article's head, between the headline (h1) and the body
 * container, or without an h1 between the start of the <article> element and the body: keep
 * prose found there (at most two paragraphs). */
static void rescue_head_prose(const struct walker *w, unsigned char *v)
{
    size_t first = 0, h1 = w->nblocks;
    while (first < w->nblocks && v[first] != KEEP) {
        first++;
    }
    for (size_t i = first; i-- > 0;) {
        if (w->blocks[i].tag == T_H1 || v[i] == TITLE) {
            h1 = i;
            break;
        }
    }
    if (first == w->nblocks) {
        return;
    }
    size_t from = h1 + 1;
    if (h1 == w->nblocks) {
        /* no headline line (a div, or left in the chrome): the head of the <article> element
         * that holds the body begins the article */
        const xmlNode *art = w->blocks[first].owner;
        int guard = 0;
        while (art && guard++ < MAX_DEPTH &&
               (art->type != XML_ELEMENT_NODE || strcmp((const char *)art->name, "article"))) {
            art = art->parent;
        }
        from = first;
        while (art && from > 0 && is_ancestor(art, w->blocks[from - 1].owner)) {
            from--;
        }
    }
    if (from > first || first - from > 12) {
        return;
    }
    int taken = 0;
    for (size_t i = from; i < first && taken < 2; i++) {
        const struct block *b = &w->blocks[i];
        /* a long line is prose also without a final stop (a dek, a standfirst set as a
         * heading) */
        if (v[i] == OUTSIDE && b->len >= 80 && b->link * 10 < b->len &&
            (ends_sentence(w, b) || b->len >= LEAD_LONG_BYTES) && !kept_copy(w, v, b)) {
            v[i] = KEEP;
            taken++;
        }
    }
}

/* A short line that does not end a sentence: a caption, a tag, a sign-off, a stray label. */
static int is_weak(const struct walker *w, const struct block *b)
{
    if (b->len >= WEAK_BELOW_BYTES || b->tag == T_LI || b->tag == T_TD || b->tag == T_PRE) {
        return 0;
    }
    return !ends_sentence(w, b);
}

/* Weak lines at the end of the article are the chrome that follows it (sign-offs, credits,
 * "Tags", box titles): drop them back to the last real paragraph. */
static void trim_edges(const struct walker *w, unsigned char *v)
{
    size_t strong = 0;
    for (size_t i = 0; i < w->nblocks && !strong; i++) {
        strong = v[i] == KEEP && !is_weak(w, &w->blocks[i]);
    }
    if (!strong) {
        return; /* a page of short lines only: nothing to measure them against */
    }
    for (size_t i = w->nblocks; i-- > 0;) {
        if (v[i] != KEEP) {
            continue;
        }
        if (!is_weak(w, &w->blocks[i]) &&
            !nf_boiler_promo(w->boiler, w->text.data + w->blocks[i].off, w->blocks[i].len)) {
            break;
        }
        v[i] = CHROME;
    }
    for (size_t i = 0; i < w->nblocks; i++) {
        if (v[i] != KEEP) {
            continue;
        }
        if (!is_weak(w, &w->blocks[i]) || is_heading(w->blocks[i].tag)) {
            break;
        }
        v[i] = CHROME;
    }
}

/* Calls to action among the article's last three paragraphs (subscribe, get the app, support
 * us), also when a real paragraph follows them: trim_edges stops at the first of those. */
static void drop_closing_promos(const struct walker *w, unsigned char *v)
{
    int seen = 0;
    for (size_t i = w->nblocks; i-- > 0 && seen < PROMO_LAST_BLOCKS;) {
        if (v[i] != KEEP) {
            continue;
        }
        seen++;
        const struct block *b = &w->blocks[i];
        if (b->len < PROMO_MAX_BYTES && nf_boiler_promo(w->boiler, w->text.data + b->off, b->len)) {
            v[i] = CHROME;
        }
    }
}

/* A titled box closing the article (an author box, a "support us" or newsletter promo): the
 * last kept blocks share a box of their own that starts with a heading and holds at most
 * CLOSING_BOX_BLOCKS more blocks (or more, up to CARD_MAX_BYTES of text, when it ends with a
 * line that is one link) and at most CLOSING_BOX_MAX_BYTES of text, when no earlier box of the
 * article starts with a heading (an article cut into titled sections keeps its last section). */
static void drop_closing_box(const struct walker *w, unsigned char *v)
{
    size_t last = w->nblocks;
    while (last > 0 && v[last - 1] != KEEP) {
        last--;
    }
    if (!last) {
        return;
    }
    const xmlNode *box = box_of(w, &w->blocks[last - 1]);
    if (!box) {
        return;
    }
    size_t first = last - 1, n = 1; /* kept blocks in the box */
    for (size_t i = last - 1; i-- > 0;) {
        if (v[i] == OUTSIDE) {
            continue;
        }
        if (box_of(w, &w->blocks[i]) != box) {
            break;
        }
        first = i; /* its title may be gone already (a chrome line) */
        n += v[i] == KEEP;
    }
    /* a short box that ends with a line that is one link ("More...", "Read the article") is a
     * teaser or a promo however many lines it has */
    int teaser = 0;
    for (size_t i = last; i < w->nblocks; i++) {
        if (v[i] == OUTSIDE) {
            continue;
        }
        if (box_of(w, &w->blocks[i]) != box) {
            break;
        }
        teaser = w->blocks[i].link == w->blocks[i].len;
    }
    size_t kept = 0;
    for (size_t i = first; i < last; i++) {
        kept += v[i] == KEEP ? w->blocks[i].len : 0;
    }
    if (!is_heading(w->blocks[first].tag) ||
        (n - (v[first] == KEEP) > CLOSING_BOX_BLOCKS && (!teaser || kept > CARD_MAX_BYTES)) ||
        kept > CLOSING_BOX_MAX_BYTES) {
        return;
    }
    /* a box titled with a chrome label ("Artikel von", "Kommentare") is chrome however the
     * article is cut into sections */
    int chrome_title = v[first] == CHROME;
    /* the article before it: some kept text, no other heading-led box */
    size_t before = 0;
    const xmlNode *cur = NULL;
    for (size_t i = 0; i < first; i++) {
        if (v[i] != KEEP) {
            continue;
        }
        const xmlNode *bx = box_of(w, &w->blocks[i]);
        if (bx && bx != cur && is_heading(w->blocks[i].tag) && !chrome_title) {
            return;
        }
        cur = bx;
        before += w->blocks[i].len;
    }
    if (before < CLOSING_BOX_MIN_BEFORE) {
        return;
    }
    for (size_t i = first; i < last; i++) {
        if (v[i] == KEEP) {
            v[i] = CHROME;
        }
    }
}

/* An author's bio closes many articles: a paragraph among the last three that starts with the
 * byline's name ("Jane Roe is a reporter...") goes, with what follows it. */
static void drop_author_bio(const struct walker *w, const struct nf_meta_out *mo, unsigned char *v)
{
    const char *by = mo->byline;
    size_t bl = by ? strlen(by) : 0;
    if (bl < 5 || !strchr(by, ' ')) {
        return; /* a person's name has two words */
    }
    int seen = 0;
    for (size_t i = w->nblocks; i-- > 0 && seen < 3;) {
        if (v[i] != KEEP) {
            continue;
        }
        seen++;
        const struct block *b = &w->blocks[i];
        const char *s = w->text.data + b->off;
        if (b->len > bl + 20 && b->len < BIO_MAX_BYTES && !strncmp(s, by, bl) && s[bl] == ' ') {
            for (size_t k = i; k < w->nblocks; k++) {
                if (v[k] == KEEP) {
                    v[k] = BYLINE;
                }
            }
            return;
        }
    }
}

#define AUTHOR_BOX_BLOCKS 3 /* an author box after its title: this many paragraphs at most */

/* An author or press-contact box closing the article under its title ("Autor", "About the
 * author", "Pressekontakt"): the name, the bio and the contact lines after the title go, when
 * they are few and short and follow a real article. */
static void drop_author_box(const struct walker *w, unsigned char *v)
{
    size_t after = 0, bytes = 0;
    for (size_t i = w->nblocks; i-- > 0;) {
        if (v[i] == OUTSIDE) {
            continue;
        }
        const struct block *b = &w->blocks[i];
        if (nf_boiler_author_label(w->text.data + b->off, b->len)) {
            if (!after) {
                return;
            }
            size_t before = 0;
            for (size_t k = 0; k < i; k++) {
                before += v[k] == KEEP ? w->blocks[k].len : 0;
            }
            if (before < CLOSING_BOX_MIN_BEFORE) {
                return;
            }
            for (size_t k = i; k < w->nblocks; k++) {
                if (v[k] == KEEP) {
                    v[k] = BYLINE;
                }
            }
            return;
        }
        if (v[i] == KEEP) {
            after++;
            bytes += b->len;
            if (after > AUTHOR_BOX_BLOCKS || bytes > BIO_MAX_BYTES) {
                return;
            }
        }
    }
}

static int assemble(struct walker *w, const struct nf_meta_out *mo, struct nf_buf *out)
{
    int err = 0;
    unsigned char *v = malloc(w->nblocks ? w->nblocks : 1);
    if (!v) {
        return NF_ERR_NOMEM;
    }
    const struct block *prev = NULL;
    for (size_t i = 0; i < w->nblocks; i++) {
        v[i] = (unsigned char)judge_block(w, &w->blocks[i], mo, prev);
        if (v[i] == KEEP) {
            prev = &w->blocks[i];
        }
    }
    /* a label introduces the next block of the article: when that block is chrome, or there is
     * none, the label belongs to the chrome ("Related stories" over a list of links) */
    for (size_t i = w->nblocks; i-- > 0;) {
        if (v[i] != KEEP || !is_label(w, &w->blocks[i]) ||
            (i > 0 && (w->blocks[i - 1].tag == T_H1 || v[i - 1] == TITLE) &&
             is_heading(w->blocks[i].tag) && w->blocks[i].len >= SUBTITLE_MIN_BYTES)) {
            continue; /* right under the headline: its subtitle, not a box's title */
        }
        size_t j = i + 1;
        while (j < w->nblocks && v[j] == OUTSIDE) {
            j++;
        }
        if (j == w->nblocks || v[j] == LINKS || v[j] == CHROME) {
            v[i] = CHROME;
        }
    }
    drop_link_boxes(w, v);
    rescue_lead(w, mo, v);
    rescue_head_prose(w, v);
    trim_edges(w, v);
    drop_author_bio(w, mo, v);
    drop_author_box(w, v);
    drop_closing_promos(w, v);
    drop_closing_box(w, v);
    drop_teaser_cards(w, v);
#ifdef NF_CLEAN_TRACE
    for (size_t i = 0; i < w->nblocks; i++) {
        const struct block *b = &w->blocks[i];
        const xmlNode *box = v[i] == OUTSIDE ? NULL : box_of(w, b);
        fprintf(stderr, "  [%d] %-8s l%-4zu k%-4zu b%05x d%d %.*s\n", v[i],
                (const char *)b->owner->name, b->len, b->link,
                (unsigned)((uintptr_t)box >> 4) & 0xfffffu, trace_lca(b->owner), (int)b->len,
                w->text.data + b->off);
    }
#endif
    for (size_t i = 0; i < w->nblocks && !err; i++) {
        if (v[i] != KEEP) {
            continue;
        }
        if (out->len) {
            err = nf_buf_append(out, "\n\n", 2);
        }
        if (!err) {
            err = nf_buf_append(out, w->text.data + w->blocks[i].off, w->blocks[i].len);
        }
    }
    free(v);
    return err;
}

/* Little text in the page but the article in its JSON-LD (pages rendered by scripts): use the
 * articleBody, one paragraph per line, when it is clearly longer and plain text. */
static int ld_body_text(const struct walker *w, struct nf_buf *out)
{
    const char *body = w->meta.ld_body;
    size_t len = strlen(body);
    if (len < 2 * out->len + 200 || strstr(body, "</") || strstr(body, "<p")) {
        return 0;
    }
    struct nf_buf alt = {0};
    int err = 0;
    const char *p = body;
    while (*p && !err) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, n);
        char *sq = line ? nf_meta_squash(line) : NULL;
        if (!sq) {
            err = NF_ERR_NOMEM;
        } else if (*sq) {
            if (alt.len) {
                err = nf_buf_append(&alt, "\n\n", 2);
            }
            if (!err) {
                err = nf_buf_appends(&alt, sq);
            }
        }
        free(sq);
        free(line);
        p = nl ? nl + 1 : p + n;
    }
    if (!err && alt.len > out->len) {
        struct nf_buf tmp = *out;
        *out = alt;
        alt = tmp;
    }
    nf_buf_free(&alt);
    return err;
}

/* Walk the document from root and choose the article. */
static int extract_pass(struct walker *w, xmlNode *root)
{
    int err = nf_walk_run(w, root);
    if (err) {
        return err;
    }
    xmlNode *body = NULL;
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "body")) {
            body = c;
            break;
        }
    }
    return select_article(w, body ? body : root);
}

int nf_extract_run(const char *html, size_t len, const char *encoding, const char *url,
                   const struct nf_extract_opts *opts, struct nf_extract_result *res, char *errstr,
                   size_t errstr_size)
{
    int err = 0, arena = 0;
    htmlDocPtr doc = NULL;
    struct walker w;
    struct nf_buf out = {0};
    memset(&w, 0, sizeof(w));
    memset(res, 0, sizeof(*res));
    if (len > INT32_MAX) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "html too large for the parser");
        goto done;
    }
    if (nf_walk_init(&w, opts->max_nodes, opts->boiler)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (len > 0) {
        /* no HTML_PARSE_HUGE: libxml2 then bounds the tree depth and text node sizes */
        int popts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                    HTML_PARSE_NONET | HTML_PARSE_COMPACT;
        if (encoding && !strcasecmp(encoding, "UTF-8")) {
            /* UTF-8 is the parser's native input: no encoding handler (it copies every byte
             * through a converter, halving the parse speed), and IGNORE_ENC so that a stale
             * <meta charset> cannot make it re-decode text that is already UTF-8 */
            encoding = NULL;
            popts |= HTML_PARSE_IGNORE_ENC;
        }
        /* scripts and styles skipped in UTF-8 input (other charsets are parsed as they are:
         * the scanner reads bytes as ASCII) */
        char *skim = (popts & HTML_PARSE_IGNORE_ENC) ? malloc(len) : NULL;
        if (skim) {
            len = nf_html_strip(html, len, skim);
            html = skim;
        }
        arena = !nf_xml_arena_begin();
        doc = htmlReadMemory(html, (int)len, url, encoding, popts);
        free(skim);
    }
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
#ifdef NF_CLEAN_TRACE
    fprintf(stderr, "PAGE %s\n", url ? url : "");
#endif
    w.collect_meta = 1;
    if (root && (err = extract_pass(&w, root))) {
        err = nf_seterr(errstr, errstr_size, err, "extraction failed: %s", nf_strerror(err));
        goto done;
    }
    if ((err = nf_meta_resolve(&w.meta, url, &res->meta)) ||
        (err = assemble(&w, &res->meta, &out))) {
        err = nf_seterr(errstr, errstr_size, err, "out of memory");
        goto done;
    }
    if (root && out.len < RETRY_BELOW_BYTES && !w.truncated) {
        /* little or no text: the chrome filter may have hit the article's own container
         * ("page-with-sidebar"); walk again without class/id/role drops */
        struct nf_buf out2 = {0};
        nf_walk_reset(&w);
        w.collect_meta = 0;
        w.relaxed = 1;
#ifdef NF_CLEAN_TRACE
        fprintf(stderr, "RELAXED\n");
#endif
        if ((err = extract_pass(&w, root)) || (err = assemble(&w, &res->meta, &out2))) {
            nf_buf_free(&out2);
            err = nf_seterr(errstr, errstr_size, err, "extraction failed: %s", nf_strerror(err));
            goto done;
        }
        /* clearly more text, not just the chrome the first pass rightly dropped */
        if (out2.len >= 2 * out.len && out2.len >= out.len + RETRY_MIN_GAIN) {
            struct nf_buf tmp = out;
            out = out2;
            out2 = tmp;
        }
        nf_buf_free(&out2);
    }
    if (w.meta.ld_body && out.len < LD_BODY_BELOW_BYTES && (err = ld_body_text(&w, &out))) {
        err = nf_seterr(errstr, errstr_size, err, "out of memory");
        goto done;
    }
    /* an empty nf_buf is not stolen: a buffer that never grew has no terminated data */
    res->text = out.len ? nf_buf_steal(&out) : strdup("");
    if (!res->text) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    res->truncated = w.truncated;
    if (!*res->text) {
        res->reason = len == 0 ? "empty html" : !root ? "unparsable html" : "no article text found";
    }
done:
    if (err) {
        nf_extract_result_free(res);
    }
    nf_buf_free(&out);
    nf_walk_free(&w);
    xmlFreeDoc(doc);
    if (arena) {
        nf_xml_arena_end();
    }
    return err;
}

void nf_extract_result_free(struct nf_extract_result *res)
{
    free(res->text);
    res->text = NULL;
    nf_meta_out_free(&res->meta);
}
