/* walk.c - the clean stage's DOM walk (see walk.h).
 *
 * One iterative pass over libxml2's tree does the heavy lifting: it reads metadata (meta.c),
 * skips chrome (script/nav/footer..., hidden elements, boilerplate class names: boiler.c), cuts
 * the visible text into blocks (one per paragraph-like element or <br>-separated run), and gives
 * every paragraph's score to its ancestors as Readability does (commas, length, class weight),
 * recording each candidate's text and link bytes for the link density.
 */
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef NF_CLEAN_TRACE
#include <stdio.h>
#endif

#include "boiler.h"
#include "meta.h"
#include "newsflow/err.h"
#include "newsflow/util.h"
#include "walk.h"

#define MIN_PARA_BYTES 25 /* shorter blocks do not score their ancestors */
#define SCORE_LEVELS 5    /* ancestors that receive a paragraph's score */
#define HOLDS_PAGE_NUM 1  /* a chrome-named element with more than NUM/DEN of the page's text */
#define HOLDS_PAGE_DEN 2  /* ... is a layout wrapper */
#define SLUG_MIN_WORDS 5  /* an id of this many words is a heading's anchor */
#define CAPTION_PROSE_BYTES 300 /* a figcaption with more visible text than this is prose */

#define F_BLOCK 1u /* ends the current text block */
#define F_SKIP 2u  /* not entered at all (no text, no metadata below) */
#define F_QUIET 4u /* entered for metadata only: its text is chrome */
#define F_RELAX 8u /* with F_QUIET: chrome only in the first pass (the relaxed one keeps it) */
#define F_HOLD 16u /* with F_RELAX: the relaxed pass drops it too, unless it holds the page */

struct tagdef {
    const char *name;
    enum tag tag;
    unsigned flags;
};

/* sorted by name for bsearch */
static const struct tagdef tagdefs[] = {
    {"a", T_A, 0},
    {"address", T_ADDRESS, F_BLOCK},
    {"applet", T_OTHER, F_SKIP},
    {"article", T_ARTICLE, F_BLOCK},
    {"aside", T_OTHER, F_BLOCK | F_QUIET | F_RELAX | F_HOLD},
    {"audio", T_OTHER, F_SKIP},
    {"blockquote", T_BLOCKQUOTE, F_BLOCK},
    {"body", T_BODY, F_BLOCK},
    {"br", T_BR, F_BLOCK},
    {"button", T_OTHER, F_SKIP},
    {"canvas", T_OTHER, F_SKIP},
    {"caption", T_OTHER, F_BLOCK},
    {"center", T_DIV, F_BLOCK},
    {"datalist", T_OTHER, F_SKIP},
    {"dd", T_DD, F_BLOCK},
    {"details", T_OTHER, F_BLOCK},
    {"dialog", T_OTHER, F_BLOCK | F_QUIET},
    {"div", T_DIV, F_BLOCK},
    {"dl", T_DL, F_BLOCK},
    {"dt", T_DT, F_BLOCK},
    {"embed", T_OTHER, F_SKIP},
    {"fieldset", T_OTHER, F_BLOCK},
    {"figcaption", T_FIGCAPTION, F_BLOCK | F_QUIET | F_RELAX},
    {"figure", T_OTHER, F_BLOCK},
    {"footer", T_OTHER, F_BLOCK | F_QUIET | F_RELAX | F_HOLD},
    {"form", T_FORM, F_BLOCK},
    {"frame", T_OTHER, F_SKIP},
    {"frameset", T_OTHER, F_SKIP},
    {"h1", T_H1, F_BLOCK},
    {"h2", T_H2, F_BLOCK},
    {"h3", T_H3, F_BLOCK},
    {"h4", T_H4, F_BLOCK},
    {"h5", T_H5, F_BLOCK},
    {"h6", T_H6, F_BLOCK},
    {"head", T_OTHER, F_BLOCK | F_QUIET},
    {"header", T_HEADER, F_BLOCK | F_QUIET | F_RELAX},
    {"hgroup", T_OTHER, F_BLOCK},
    {"hr", T_HR, F_BLOCK},
    {"html", T_HTML, F_BLOCK},
    {"iframe", T_OTHER, F_SKIP},
    {"img", T_IMG, 0},
    {"input", T_OTHER, F_SKIP},
    {"legend", T_OTHER, F_BLOCK},
    {"li", T_LI, F_BLOCK},
    {"main", T_MAIN, F_BLOCK},
    {"map", T_OTHER, F_SKIP},
    {"math", T_OTHER, F_SKIP},
    {"menu", T_UL, F_BLOCK | F_QUIET | F_RELAX},
    {"nav", T_OTHER, F_BLOCK | F_QUIET | F_RELAX},
    {"noscript", T_OTHER, F_BLOCK | F_QUIET | F_RELAX},
    {"object", T_OTHER, F_SKIP},
    {"ol", T_OL, F_BLOCK},
    {"option", T_OTHER, F_SKIP},
    {"p", T_P, F_BLOCK},
    {"pre", T_PRE, F_BLOCK},
    {"rp", T_OTHER, F_SKIP}, /* ruby annotations: the readings over the text, not the text */
    {"rt", T_OTHER, F_SKIP},
    {"script", T_OTHER, F_SKIP},
    {"section", T_SECTION, F_BLOCK},
    {"select", T_OTHER, F_SKIP},
    {"style", T_OTHER, F_SKIP},
    {"summary", T_OTHER, F_BLOCK},
    {"svg", T_OTHER, F_SKIP},
    {"table", T_OTHER, F_BLOCK},
    {"tbody", T_OTHER, F_BLOCK},
    {"td", T_TD, F_BLOCK},
    {"template", T_OTHER, F_SKIP},
    {"textarea", T_OTHER, F_SKIP},
    {"tfoot", T_OTHER, F_BLOCK},
    {"th", T_TH, F_BLOCK},
    {"thead", T_OTHER, F_BLOCK},
    {"title", T_OTHER, F_SKIP},
    {"tr", T_OTHER, F_BLOCK},
    {"ul", T_UL, F_BLOCK},
    {"video", T_OTHER, F_SKIP},
};

static int tagdef_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct tagdef *)elem)->name);
}

static const struct tagdef *tag_lookup(const char *name)
{
    static const struct tagdef other = {"", T_OTHER, 0};
    const struct tagdef *d = bsearch(name, tagdefs, sizeof(tagdefs) / sizeof(tagdefs[0]),
                                     sizeof(tagdefs[0]), tagdef_cmp);
    return d ? d : &other;
}

/* Readability's starting score for a container by its tag. */
static double tag_score(enum tag t)
{
    switch (t) {
    case T_DIV:
    case T_ARTICLE:
    case T_MAIN:
        return 5;
    case T_PRE:
    case T_TD:
    case T_BLOCKQUOTE:
        return 3;
    case T_ADDRESS:
    case T_OL:
    case T_UL:
    case T_DL:
    case T_DD:
    case T_DT:
    case T_LI:
    case T_FORM:
        return -3;
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
    case T_TH:
        return -5;
    default:
        return 0;
    }
}

struct cand *nf_walk_cand(struct walker *w, xmlNode *n, double init, int *err)
{
    size_t i = cand_index(n);
    if (i) {
        return &w->cands[i - 1];
    }
    if (w->ncands == w->capcands) {
        size_t cap = w->capcands ? w->capcands * 2 : 64;
        struct cand *c = realloc(w->cands, cap * sizeof(*c));
        if (!c) {
            *err = NF_ERR_NOMEM;
            return NULL;
        }
        w->cands = c;
        w->capcands = cap;
    }
    struct cand *c = &w->cands[w->ncands++];
    memset(c, 0, sizeof(*c));
    c->node = n;
    c->score = init;
    n->_private = (void *)(uintptr_t)w->ncands;
    return c;
}

/* Does a div-like element hold block elements (then its own text runs are paragraphs inside
 * it; otherwise it is itself a paragraph, as Readability converts it)? */
static int has_block_child(const xmlNode *n)
{
    int guard = 0;
    for (const xmlNode *c = n->children; c && guard < 256; c = c->next, guard++) {
        if (c->type == XML_ELEMENT_NODE) {
            const struct tagdef *d = tag_lookup((const char *)c->name);
            if ((d->flags & F_BLOCK) && d->tag != T_BR) {
                return 1;
            }
        }
    }
    return 0;
}

static size_t count_commas(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ',') {
            n++;
        } else if ((unsigned char)s[i] == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBC &&
                   (unsigned char)s[i + 2] == 0x8C) {
            n++; /* U+FF0C fullwidth comma */
        }
    }
    return n;
}

/* Give a paragraph's score to its ancestors (frames below owner index k). */
static int score_block(struct walker *w, size_t k, const struct block *b)
{
    int err = 0;
    const char *s = w->text.data + b->off;
    double score = 1.0 + (double)count_commas(s, b->len);
    score += (b->len / 100 > 3) ? 3.0 : (double)(b->len / 100);
    const struct frame *owner = &w->frames[k];
    long start = (long)k - 1;
    if ((owner->tag == T_DIV || owner->tag == T_SECTION || owner->tag == T_ARTICLE ||
         owner->tag == T_MAIN || owner->tag == T_BODY) &&
        has_block_child(owner->node)) {
        start = (long)k;
    }
    for (int level = 0; level < SCORE_LEVELS && start - level >= 1; level++) {
        const struct frame *f = &w->frames[start - level];
        if (f->tag == T_HTML) {
            break;
        }
        struct cand *c = nf_walk_cand(w, f->node, 0, &err);
        if (!c) {
            break;
        }
        if (!c->scored) {
            c->scored = 1;
            c->score = tag_score(f->tag) + f->weight;
        }
        c->score += level == 0 ? score : level == 1 ? score / 2 : score / (level * 3);
    }
    return err;
}

/* End the block being collected; its owner is the innermost open block element. */
static int flush(struct walker *w)
{
    size_t end = w->text.len;
    if (end == w->cur_start) {
        w->pending_space = 0;
        return 0;
    }
    long k = (long)w->nframes - 1;
    while (k >= 0 && !w->frames[k].block) {
        k--;
    }
    if (k < 0) {
        w->cur_start = end;
        w->cur_link = 0;
        return 0;
    }
    if (w->nblocks == w->capblocks) {
        size_t cap = w->capblocks ? w->capblocks * 2 : 128;
        struct block *nb = realloc(w->blocks, cap * sizeof(*nb));
        if (!nb) {
            return NF_ERR_NOMEM;
        }
        w->blocks = nb;
        w->capblocks = cap;
    }
    struct block *b = &w->blocks[w->nblocks++];
    b->off = w->cur_start;
    b->len = end - w->cur_start;
    b->link = w->cur_link;
    b->owner = w->frames[k].node;
    b->tag = w->frames[k].tag;
    w->cur_start = end;
    w->cur_link = 0;
    w->pending_space = 0;
    /* list items count when they are prose, not links (menus, link lists) */
    if (b->len >= MIN_PARA_BYTES && !is_heading(b->tag) && b->tag != T_DT && b->tag != T_TH &&
        b->tag != T_ADDRESS && (b->tag != T_LI || (b->len >= 80 && b->link * 10 < b->len))) {
        struct block copy = *b; /* score_block may not move blocks, but keep it simple */
        return score_block(w, (size_t)k, &copy);
    }
    return 0;
}

/* Append a text node's content, collapsing whitespace (also U+00A0) to single spaces. */
static int add_text(struct walker *w, const char *s)
{
    size_t len = strlen(s);
    int err = nf_buf_reserve(&w->text, len + 1);
    if (err) {
        return err;
    }
    char *out = w->text.data;
    size_t n = w->text.len;
    size_t added_link = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int ws = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
        if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
            ws = 1;
            i++;
        }
        if (ws && w->in_pre) {
            /* preformatted text keeps its lines and indentation */
            if (c == '\r') {
                continue;
            }
            if (n > w->cur_start || c != '\n') {
                out[n++] = c == '\n' ? '\n' : ' ';
            }
            w->pending_space = 0;
            continue;
        }
        if (ws) {
            w->pending_space = 1;
            continue;
        }
        if (w->pending_space) {
            if (n > w->cur_start && out[n - 1] != '\n') {
                out[n++] = ' ';
            }
            w->pending_space = 0;
        }
        out[n++] = (char)c;
        added_link += w->in_link > 0;
    }
    size_t added = n - w->text.len;
    w->text.len = n;
    out[n] = '\0';
    w->total_bytes += added;
    w->total_link += added_link;
    w->cur_link += added_link;
    return 0;
}

static int is_hidden(const struct nf_attrs *a)
{
    if (a->hidden || (a->aria_hidden && !strcasecmp(a->aria_hidden, "true"))) {
        return 1;
    }
    if (a->style) {
        /* "display:none" / "display: none" / "visibility:hidden" */
        const char *p = strstr(a->style, "display");
        if (p) {
            p += 7;
            while (*p == ' ' || *p == ':') {
                p++;
            }
            if (!strncasecmp(p, "none", 4)) {
                return 1;
            }
        }
        p = strstr(a->style, "visibility");
        if (p) {
            p += 10;
            while (*p == ' ' || *p == ':') {
                p++;
            }
            if (!strncasecmp(p, "hidden", 6)) {
                return 1;
            }
        }
    }
    return 0;
}

/* Does a class attribute name an article's part ("article-header", "entry-header")? */
static int names_article(const char *cls)
{
    return cls && (strcasestr(cls, "article") || strcasestr(cls, "entry") ||
                   strcasestr(cls, "story") || strcasestr(cls, "post"));
}

static void judge_class(struct walker *w, const char *cls, struct nf_boiler_verdict *v)
{
    uint32_t h = 2166136261u;
    for (const char *p = cls; *p; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    struct cls_entry *e = &w->cls_cache[h % CLS_CACHE];
    if (e->cls && !strcmp(e->cls, cls)) {
        *v = e->v;
        return;
    }
    nf_boiler_judge(w->boiler, cls, v);
    e->cls = cls;
    e->v = *v;
}

/* Is element n the page's <main> landmark (<main>, or role=main)? */
static int is_main_landmark(const xmlNode *n)
{
    if (!strcmp((const char *)n->name, "main")) {
        return 1;
    }
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (!strcmp((const char *)a->name, "role") && a->children &&
            a->children->type == XML_TEXT_NODE &&
            !strcasecmp((const char *)a->children->content, "main")) {
            return 1;
        }
    }
    return 0;
}

/* Bytes of text under n (whitespace included unless ink, scripts and styles left out), counting
 * stops once past limit. With main_el, also finds the first <main> landmark below n. */
static size_t count_text(const xmlNode *n, size_t limit, int ink, const xmlNode **main_el)
{
    size_t total = 0;
    const xmlNode *c = n->children;
    while (c && total <= limit) {
        if (c->type == XML_TEXT_NODE && c->content && !ink) {
            total += strlen((const char *)c->content);
        } else if (c->type == XML_TEXT_NODE && c->content) {
            for (const unsigned char *t = c->content; *t; t++) {
                total += *t != ' ' && *t != '\n' && *t != '\t' && *t != '\r';
            }
        }
        if (main_el && !*main_el && c->type == XML_ELEMENT_NODE && is_main_landmark(c)) {
            *main_el = c;
        }
        if (c->type == XML_ELEMENT_NODE && c->children &&
            !(tag_lookup((const char *)c->name)->flags & F_SKIP)) {
            c = c->children;
            continue;
        }
        while (c && !c->next && c != n) {
            c = c->parent;
        }
        if (!c || c == n) {
            break;
        }
        c = c->next;
    }
    return total;
}

static size_t text_bytes(const xmlNode *n, size_t limit)
{
    return count_text(n, limit, 0, NULL);
}

/* The page's text bytes (as text_bytes) and its first <main> element or role=main landmark,
 * in one scan of the tree under root. */
static size_t scan_page(const xmlNode *root, const xmlNode **main_el)
{
    *main_el = NULL;
    return count_text(root, SIZE_MAX, 0, main_el);
}

/* Is element n inside the page's <main> landmark, holding most of its text? An <aside> or a
 * <footer> that is all of <main> is the main column, not the page's chrome. */
static int fills_main(const struct walker *w, const xmlNode *n)
{
    int guard = 0;
    for (const xmlNode *p = n->parent; p && guard < MAX_DEPTH + 8; p = p->parent, guard++) {
        if (p == w->main_el) {
            size_t limit = w->main_bytes / HOLDS_PAGE_DEN * HOLDS_PAGE_NUM;
            return text_bytes(n, limit) > limit;
        }
    }
    return 0;
}

/* Does an element that its name, role or tag marks as chrome hold the page's <main> landmark?
 * Then it is a layout wrapper ("left-navigation-wrapper--margin" around the main column). */
static int holds_main(const struct walker *w, const xmlNode *n)
{
    int guard = 0;
    for (const xmlNode *p = w->main_el; p && guard < MAX_DEPTH + 8; p = p->parent, guard++) {
        if (p == n) {
            return 1;
        }
    }
    return 0;
}

/* Does an element that its name, role or tag marks as chrome hold most of the page's text?
 * Then it is a layout wrapper ("content-sidebar-wrap", "off-canvas-wrap", a <header> left
 * open around the page) and not chrome. */
static int holds_page(const struct walker *w, const xmlNode *n)
{
    size_t limit = w->page_bytes / HOLDS_PAGE_DEN * HOLDS_PAGE_NUM;
    return w->page_bytes > 0 && text_bytes(n, limit) > limit;
}

/* An id made of many words ("sharing-with-a-single-developer") is an anchor made from a
 * heading (documentation generators, wikis), not the name of a chrome box. */
static int is_slug(const char *id)
{
    int words = 1;
    for (const char *p = id; *p; p++) {
        if (*p == ' ') {
            return 0;
        }
        words += (*p == '-' || *p == '_') && p[1] && p[1] != '-' && p[1] != '_';
    }
    return words >= SLUG_MIN_WORDS;
}

/* Enter an element. Returns 1 if a frame was pushed (descend), 0 if skipped, or an error. */
static int enter(struct walker *w, xmlNode *node)
{
    struct nf_attrs a;
    nf_attrs_read(node, &a);
    int err = w->collect_meta ? nf_meta_element(&w->meta, node, &a) : 0;
    if (err) {
        return err;
    }
    const struct tagdef *d = tag_lookup((const char *)node->name);
    if (d->tag == T_BR || d->tag == T_HR) {
        return w->quiet ? 0 : flush(w);
    }
    if ((d->flags & F_SKIP) || w->nframes >= MAX_DEPTH) {
        return 0;
    }
    int weight = 0, body_named = 0;
    int quiet = (d->flags & F_QUIET) && !(w->relaxed && (d->flags & F_RELAX));
    if (quiet && d->tag == T_FIGCAPTION &&
        count_text(node, CAPTION_PROSE_BYTES, 1, NULL) > CAPTION_PROSE_BYTES) {
        /* a caption of several sentences is prose: sites set the article's lead, or a figure's
         * explanation, in a figcaption; photo captions and credits are shorter */
        quiet = 0;
    }
    if (d->tag == T_HEADER && (w->in_article || names_article(a.cls))) {
        /* an article's <header> holds its headline and lead, sometimes its text: the headline
         * and byline lines are filtered later */
        quiet = 0;
    }
    if (d->tag != T_HTML && d->tag != T_BODY) {
        struct nf_boiler_verdict vc = {0, 0, 0, 0, 0}, vi = {0, 0, 0, 0, 0};
        if (a.cls) {
            judge_class(w, a.cls, &vc);
        }
        if (a.id && !is_slug(a.id)) {
            nf_boiler_judge(w->boiler, a.id, &vi);
        }
        body_named = ((vc.body || vi.body) && !vc.drop && !vi.drop) ||
                     (a.itemprop && !strcasecmp(a.itemprop, "articleBody"));
        /* headings are judged by what follows them (assemble), not by their names: ids
         * like "nav_section_2" are anchors for a table of contents */
        int overlay = 0;
        if (nf_boiler_combine(&vc, &vi, &weight) && d->tag != T_MAIN && !is_heading(d->tag) &&
            (!w->relaxed || (overlay = nf_boiler_overlay(&vc, &vi)))) {
            quiet = 1; /* the relaxed pass still drops overlays: they never hold the article */
        }
        if (a.role && !w->relaxed && nf_boiler_role_drops(a.role)) {
            quiet = 1;
        }
        if (quiet && !overlay && !w->quiet && !w->relaxed && d->tag != T_FORM &&
            (d->flags & (F_QUIET | F_RELAX)) != F_QUIET &&
            (holds_main(w, node) || holds_page(w, node))) {
            quiet = 0;
        }
        if (is_hidden(&a) ||
            (a.role && w->relaxed &&
             (!strcasecmp(a.role, "dialog") || !strcasecmp(a.role, "alertdialog")))) {
            quiet = 1;
        }
        if (w->relaxed && (d->flags & F_HOLD) && !w->quiet && !holds_page(w, node) &&
            !fills_main(w, node)) {
            /* footers, asides: never the article, unless left open around it or all of <main> */
            quiet = 1;
        }
        /* a form around the whole page (ASP.NET) is not chrome; other forms are */
        if (d->tag == T_FORM && !w->relaxed && node->parent && node->parent->name &&
            strcmp((const char *)node->parent->name, "body")) {
            quiet = 1;
        }
    }
    if (!quiet && !w->quiet && body_named) {
        struct cand *c = nf_walk_cand(w, node, 0, &err);
        if (!c) {
            return err;
        }
        c->body = 1;
    }
#ifdef NF_CLEAN_TRACE
    if (quiet && !w->quiet && !w->relaxed) {
        xmlChar *t = xmlNodeGetContent(node);
        size_t tl = t ? strlen((const char *)t) : 0;
        if (tl > 400) {
            fprintf(stderr, "QUIET %zu <%s class=\"%s\" id=\"%s\" role=\"%s\"> hidden=%d\n", tl,
                    (const char *)node->name, a.cls ? a.cls : "", a.id ? a.id : "",
                    a.role ? a.role : "", is_hidden(&a));
        }
        xmlFree(t);
    }
#endif
    if ((d->flags & F_BLOCK) && !w->quiet && (err = flush(w))) {
        return err;
    }
    struct frame *f = &w->frames[w->nframes++];
    f->node = node;
    f->tag = d->tag;
    f->weight = weight;
    f->enter_bytes = w->total_bytes;
    f->enter_link = w->total_link;
    f->block = (d->flags & F_BLOCK) != 0;
    f->quiet = quiet;
    f->link = d->tag == T_A && a.href; /* <a name=...> or <a id=...> without href: an anchor */
    f->pre = d->tag == T_PRE;
    f->article = d->tag == T_ARTICLE || d->tag == T_MAIN;
    w->quiet += quiet;
    w->in_link += f->link;
    w->in_pre += f->pre;
    w->in_article += f->article;
    if (d->tag == T_IMG) {
        /* inline images separate words like a space would */
        w->pending_space = 1;
    }
    return 1;
}

static int leave(struct walker *w)
{
    int err = 0;
    struct frame *f = &w->frames[w->nframes - 1];
    if (f->block && !w->quiet) {
        err = flush(w);
    }
    size_t ci = cand_index(f->node);
    if (!ci && (f->tag == T_P || (f->tag == T_DIV && !has_block_child(f->node))) && !w->quiet &&
        !err) {
        /* plain paragraphs (and divs of text only, which Readability reads as paragraphs) keep
         * their totals for the sibling check in select_article */
        if (nf_walk_cand(w, f->node, 0, &err)) {
            ci = cand_index(f->node);
        }
    }
    if (ci) {
        w->cands[ci - 1].bytes = w->total_bytes - f->enter_bytes;
        w->cands[ci - 1].link = w->total_link - f->enter_link;
    }
    w->quiet -= f->quiet;
    w->in_link -= f->link;
    w->in_pre -= f->pre;
    w->in_article -= f->article;
    if (f->link || f->tag == T_OTHER) {
        /* inline elements: text after them continues the same block */
    }
    w->nframes--;
    return err;
}

int nf_walk_run(struct walker *w, xmlNode *root)
{
    int err = 0;
    w->page_bytes = scan_page(root, &w->main_el);
    /* only the relaxed pass asks fills_main */
    w->main_bytes = w->relaxed && w->main_el ? text_bytes(w->main_el, SIZE_MAX) : 0;
    xmlNode *node = root;
    while (node) {
        if (++w->nodes > w->max_nodes) {
            w->truncated = 1;
            break;
        }
        if (node->type == XML_ELEMENT_NODE) {
            int r = enter(w, node);
            if (r < 0) {
                err = r;
                break;
            }
            if (r == 1) {
                if (node->children) {
                    node = node->children;
                    continue;
                }
                if ((err = leave(w))) {
                    break;
                }
            }
        } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) &&
                   !w->quiet && node->content) {
            if ((err = add_text(w, (const char *)node->content))) {
                break;
            }
        }
        /* next: a sibling, or climb, closing the frames of the parents */
        for (;;) {
            if (node == root) {
                node = NULL;
                break;
            }
            if (node->next) {
                node = node->next;
                break;
            }
            node = node->parent;
            if ((err = leave(w))) {
                node = NULL;
                break;
            }
        }
    }
    if (!err && w->nframes == 0) {
        err = flush(w);
    }
    return err;
}

int nf_walk_init(struct walker *w, size_t max_nodes, const struct nf_boiler *boiler)
{
    w->boiler = boiler;
    w->max_nodes = max_nodes;
    w->frames = malloc(MAX_DEPTH * sizeof(*w->frames));
    return w->frames ? 0 : NF_ERR_NOMEM;
}

void nf_walk_reset(struct walker *w)
{
    for (size_t i = 0; i < w->ncands; i++) {
        w->cands[i].node->_private = NULL;
    }
    w->ncands = 0;
    w->nblocks = 0;
    w->nframes = 0;
    nf_buf_reset(&w->text);
    w->cur_start = w->cur_link = w->total_bytes = w->total_link = 0;
    w->quiet = w->in_link = w->in_pre = w->in_article = w->pending_space = 0;
    w->nodes = 0;
    w->truncated = 0;
}

void nf_walk_free(struct walker *w)
{
    nf_meta_free(&w->meta);
    nf_buf_free(&w->text);
    free(w->blocks);
    free(w->cands);
    free(w->frames);
}
