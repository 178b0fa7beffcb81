/* extract.c - the clean stage's main-text extractor (see extract.h).
 *
 * One iterative walk over libxml2's DOM does everything: it reads metadata (meta.c), skips
 * chrome (script/nav/footer..., hidden elements, boilerplate class names: boiler.c), cuts the
 * visible text into blocks (one per paragraph-like element or <br>-separated run), and scores
 * the ancestors of every paragraph as Readability does (commas, length, class weight, link
 * density). The best container and its qualifying siblings give the article; their blocks, minus
 * link-heavy and chrome lines and the repeated title, are the text.
 */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boiler.h"
#include "extract.h"
#include "newsflow/err.h"
#include "newsflow/util.h"

#define MAX_DEPTH 512        /* deeper elements are ignored (libxml2 already caps at 256) */
#define MIN_PARA_BYTES 25    /* shorter blocks do not score their ancestors */
#define SCORE_LEVELS 5       /* ancestors that receive a paragraph's score */
#define RETRY_BELOW_BYTES 500 /* shorter results trigger a second, relaxed pass */
#define RETRY_MIN_GAIN 100    /* bytes the relaxed pass must add to be preferred */
#define WEAK_BELOW_BYTES 60   /* shorter lines without a sentence end are weak */

/* ---- tags ---- */

enum tag {
    T_OTHER = 0, T_A, T_ARTICLE, T_BLOCKQUOTE, T_BODY, T_BR, T_DD, T_DIV, T_DL, T_DT, T_FORM,
    T_H1, T_H2, T_H3, T_H4, T_H5, T_H6, T_HR, T_HTML, T_LI, T_MAIN, T_OL, T_P, T_PRE, T_SECTION,
    T_TD, T_TH, T_UL, T_ADDRESS, T_IMG, T_HEADER,
};

#define F_BLOCK 1u  /* ends the current text block */
#define F_SKIP 2u   /* not entered at all (no text, no metadata below) */
#define F_QUIET 4u  /* entered for metadata only: its text is chrome */
#define F_RELAX 8u  /* with F_QUIET: chrome only in the first pass (the relaxed one keeps it) */

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
    {"aside", T_OTHER, F_BLOCK | F_QUIET | F_RELAX},
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
    {"figcaption", T_OTHER, F_BLOCK},
    {"figure", T_OTHER, F_BLOCK},
    {"footer", T_OTHER, F_BLOCK | F_QUIET | F_RELAX},
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

static int is_heading(enum tag t)
{
    return t >= T_H1 && t <= T_H6;
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

/* ---- walker state ---- */

struct block {
    size_t off, len;  /* in walker.text */
    size_t link;      /* bytes of it inside <a> */
    xmlNode *owner;   /* the innermost block element holding it */
    enum tag tag;     /* owner's tag */
};

struct cand {
    xmlNode *node;
    double score;
    size_t bytes, link; /* visible text of the subtree, and the part inside links */
    int scored;         /* received paragraph scores (else: a bare <p> kept for its totals) */
    int included;
};

struct frame {
    xmlNode *node;
    size_t enter_bytes, enter_link;
    enum tag tag;
    int weight;
    unsigned block : 1, quiet : 1, link : 1, pre : 1, article : 1;
};

/* Verdicts on class attributes seen in this document, by hash (direct-mapped). The key
 * points into the document, which outlives the walk. */
#define CLS_CACHE 512
struct cls_entry {
    const char *cls;
    struct nf_boiler_verdict v;
};

struct walker {
    struct cls_entry cls_cache[CLS_CACHE];
    struct nf_meta meta;
    struct nf_buf text;       /* all block texts, back to back */
    struct block *blocks;
    size_t nblocks, capblocks;
    struct cand *cands;
    size_t ncands, capcands;
    struct frame *frames;
    size_t nframes;
    size_t cur_start, cur_link; /* the block being collected */
    size_t total_bytes, total_link;
    int quiet, in_link, in_pre, in_article, pending_space;
    size_t nodes, max_nodes;
    int truncated;
    int relaxed;      /* second pass: class, id and role names do not drop elements */
    int collect_meta; /* first pass only */
};

static size_t cand_index(const xmlNode *n)
{
    return (size_t)(uintptr_t)n->_private; /* index + 1; 0 = none */
}

static struct cand *cand_get(struct walker *w, xmlNode *n, double init, int *err)
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
        } else if ((unsigned char)s[i] == 0xEF && i + 2 < len &&
                   (unsigned char)s[i + 1] == 0xBC && (unsigned char)s[i + 2] == 0x8C) {
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
         owner->tag == T_MAIN || owner->tag == T_BODY) && has_block_child(owner->node)) {
        start = (long)k;
    }
    for (int level = 0; level < SCORE_LEVELS && start - level >= 1; level++) {
        const struct frame *f = &w->frames[start - level];
        if (f->tag == T_HTML) {
            break;
        }
        struct cand *c = cand_get(w, f->node, 0, &err);
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
    if (b->len >= MIN_PARA_BYTES && !is_heading(b->tag) && b->tag != T_LI && b->tag != T_DT &&
        b->tag != T_TH && b->tag != T_ADDRESS) {
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
    nf_boiler_judge(cls, v);
    e->cls = cls;
    e->v = *v;
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
    int weight = 0;
    int quiet = (d->flags & F_QUIET) && !(w->relaxed && (d->flags & F_RELAX));
    if (d->tag == T_HEADER && w->in_article) {
        /* inside an article a <header> holds its headline and lead, sometimes its text: the
         * headline and byline lines are filtered later */
        quiet = 0;
    }
    if (d->tag != T_HTML && d->tag != T_BODY) {
        struct nf_boiler_verdict vc = {0, 0, 0}, vi = {0, 0, 0};
        if (a.cls) {
            judge_class(w, a.cls, &vc);
        }
        if (a.id) {
            nf_boiler_judge(a.id, &vi);
        }
        /* headings are judged by what follows them (assemble), not by their names: ids
         * like "nav_section_2" are anchors for a table of contents */
        if (nf_boiler_combine(&vc, &vi, &weight) && d->tag != T_MAIN && !is_heading(d->tag) &&
            !w->relaxed) {
            quiet = 1;
        }
        if (is_hidden(&a) || (a.role && !w->relaxed && nf_boiler_role_drops(a.role))) {
            quiet = 1;
        }
        /* a form around the whole page (ASP.NET) is not chrome; other forms are */
        if (d->tag == T_FORM && !w->relaxed && node->parent && node->parent->name &&
            strcmp((const char *)node->parent->name, "body")) {
            quiet = 1;
        }
    }
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
    f->link = d->tag == T_A;
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
    if (!ci && f->tag == T_P && !w->quiet && !err) {
        /* plain paragraphs keep their totals for the sibling check in select_article */
        if (cand_get(w, f->node, 0, &err)) {
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

static int walk(struct walker *w, xmlNode *root)
{
    int err = 0;
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

/* ---- selection ---- */

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
    if (!top) {
        if (!body) {
            return 0;
        }
        top = cand_get(w, body, 0, &err);
        if (!top) {
            return err;
        }
        top->included = 1;
        return 0;
    }
    best = top->score;
    xmlNode *tn = top->node;
    /* several strong candidates under one ancestor: the ancestor is the article */
    int guard = 0;
    for (xmlNode *anc = tn->parent; anc && anc != body && anc->type == XML_ELEMENT_NODE &&
                                    guard < MAX_DEPTH;
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
    for (xmlNode *p = tn->parent; p && p != body && p->type == XML_ELEMENT_NODE &&
                                  guard < MAX_DEPTH;
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
    struct cand *tc = cand_get(w, tn, 0, &err);
    if (!tc) {
        return err;
    }
    tc->included = 1;
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
                   (!strcmp((const char *)s->name, "p") || (before && sc->bytes < 1000))) {
            /* prose next to the article: a paragraph, or a standfirst just before it */
            take = 1;
        } else if (!strcmp((const char *)s->name, "p") && sc->bytes > 0 && sc->link == 0) {
            take = 1; /* short linkless paragraphs between the article's parts */
        }
        sc->included |= take;
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

/* Why a block of the article is left out of the text (0: it is kept). */
enum verdict { KEEP = 0, OUTSIDE, LINKS, CHROME, TITLE, BYLINE, REPEAT };

static enum verdict judge_block(const struct walker *w, const struct block *b,
                                const struct nf_meta_out *mo, const struct block *prev)
{
    const char *s = w->text.data + b->off;
    if (!block_included(w, b)) {
        return OUTSIDE;
    }
    if (b->link * 2 > b->len) {
        return LINKS; /* mostly links: navigation, related stories, tag lists */
    }
    if (nf_boiler_line(s, b->len)) {
        return CHROME;
    }
    if ((mo->title && same_text(s, b->len, mo->title)) ||
        (w->meta.og_title && same_text(s, b->len, w->meta.og_title)) ||
        (w->meta.title_tag && same_text(s, b->len, w->meta.title_tag))) {
        return TITLE;
    }
    if (is_byline_line(s, b->len, mo->byline)) {
        return BYLINE;
    }
    if (prev && prev->len == b->len && !memcmp(w->text.data + prev->off, s, b->len)) {
        return REPEAT;
    }
    return KEEP;
}

/* A heading, or a short line ending in a colon, that introduces what follows. */
static int is_label(const struct walker *w, const struct block *b)
{
    return is_heading(b->tag) || (b->len < 80 && w->text.data[b->off + b->len - 1] == ':');
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

/* A short line that does not end a sentence: a caption, a tag, a sign-off, a stray label. */
static int is_weak(const struct walker *w, const struct block *b)
{
    if (b->len >= WEAK_BELOW_BYTES || b->tag == T_LI || b->tag == T_TD || b->tag == T_PRE) {
        return 0;
    }
    const unsigned char *s = (const unsigned char *)w->text.data + b->off;
    unsigned char last = s[b->len - 1];
    if (last == '.' || last == '!' || last == '?' || last == '"' || last == ')') {
        return 0;
    }
    /* closing quotes and guillemets: U+201D, U+00BB */
    if (b->len >= 3 && s[b->len - 3] == 0xE2 && s[b->len - 2] == 0x80 && last == 0x9D) {
        return 0;
    }
    return !(b->len >= 2 && s[b->len - 2] == 0xC2 && last == 0xBB);
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
        if (!is_weak(w, &w->blocks[i])) {
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
        if (v[i] != KEEP || !is_label(w, &w->blocks[i])) {
            continue;
        }
        size_t j = i + 1;
        while (j < w->nblocks && v[j] == OUTSIDE) {
            j++;
        }
        if (j == w->nblocks || v[j] == LINKS || v[j] == CHROME) {
            v[i] = CHROME;
        }
    }
    rescue_lead(w, mo, v);
    trim_edges(w, v);
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

/* Walk the document from root and choose the article. */
static int extract_pass(struct walker *w, xmlNode *root)
{
    int err = walk(w, root);
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

/* Forget the extraction state (not the metadata) for another pass over the same document. */
static void walker_reset(struct walker *w)
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

static void walker_free(struct walker *w)
{
    nf_meta_free(&w->meta);
    nf_buf_free(&w->text);
    free(w->blocks);
    free(w->cands);
    free(w->frames);
}

int nf_extract_run(const char *html, size_t len, const char *encoding, const char *url,
                   const struct nf_extract_opts *opts, struct nf_extract_result *res,
                   char *errstr, size_t errstr_size)
{
    int err = 0;
    htmlDocPtr doc = NULL;
    struct walker w;
    struct nf_buf out = {0};
    memset(&w, 0, sizeof(w));
    memset(res, 0, sizeof(*res));
    w.max_nodes = opts->max_nodes;
    if (len > INT32_MAX) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "html too large for the parser");
        goto done;
    }
    w.frames = malloc(MAX_DEPTH * sizeof(*w.frames));
    if (!w.frames) {
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
        doc = htmlReadMemory(html, (int)len, url, encoding, popts);
    }
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
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
        walker_reset(&w);
        w.collect_meta = 0;
        w.relaxed = 1;
        if ((err = extract_pass(&w, root)) || (err = assemble(&w, &res->meta, &out2))) {
            nf_buf_free(&out2);
            err = nf_seterr(errstr, errstr_size, err, "extraction failed: %s",
                            nf_strerror(err));
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
    walker_free(&w);
    xmlFreeDoc(doc);
    return err;
}

void nf_extract_result_free(struct nf_extract_result *res)
{
    free(res->text);
    res->text = NULL;
    nf_meta_out_free(&res->meta);
}
