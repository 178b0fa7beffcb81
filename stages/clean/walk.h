/* walk.h - the clean stage's DOM walk, shared by walk.c (which builds it) and extract.c (which
 * selects the article from it): blocks of visible text, scored candidate containers, metadata.
 * Private to stages/clean/.
 */
#ifndef NF_CLEAN_WALK_H
#define NF_CLEAN_WALK_H

#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

#include "boiler.h"
#include "meta.h"
#include "newsflow/util.h"

#define MAX_DEPTH 512 /* deeper elements are ignored (libxml2 already caps at 256) */

/* The tags the extractor tells apart. */
enum tag {
    T_OTHER = 0,
    T_A,
    T_ARTICLE,
    T_BLOCKQUOTE,
    T_BODY,
    T_BR,
    T_DD,
    T_DIV,
    T_DL,
    T_DT,
    T_FORM,
    T_H1,
    T_H2,
    T_H3,
    T_H4,
    T_H5,
    T_H6,
    T_HR,
    T_HTML,
    T_LI,
    T_MAIN,
    T_OL,
    T_P,
    T_PRE,
    T_SECTION,
    T_TD,
    T_TH,
    T_UL,
    T_ADDRESS,
    T_IMG,
    T_HEADER,
    T_FIGCAPTION,
};

static inline int is_heading(enum tag t)
{
    return t >= T_H1 && t <= T_H6;
}

struct block {
    size_t off, len; /* in walker.text */
    size_t link;     /* bytes of it inside <a> */
    xmlNode *owner;  /* the innermost block element holding it */
    enum tag tag;    /* owner's tag */
};

struct cand {
    xmlNode *node;
    double score;
    size_t bytes, link; /* visible text of the subtree, and the part inside links */
    int scored;         /* received paragraph scores (else: a bare <p> kept for its totals) */
    int included;
    int body; /* named as an article body (class_body.txt, itemprop=articleBody) */
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
    const struct nf_boiler *boiler; /* the chrome lists (borrowed) */
    struct cls_entry cls_cache[CLS_CACHE];
    struct nf_meta meta;
    struct nf_buf text; /* all block texts, back to back */
    struct block *blocks;
    size_t nblocks, capblocks;
    struct cand *cands;
    size_t ncands, capcands;
    struct frame *frames;
    size_t nframes;
    size_t cur_start, cur_link; /* the block being collected */
    size_t total_bytes, total_link;
    size_t page_bytes;      /* text under the root (first pass), to tell wrappers from chrome */
    const xmlNode *main_el; /* the page's <main> or role=main landmark, or NULL */
    size_t main_bytes;      /* text under main_el, as page_bytes (relaxed pass) */
    int quiet, in_link, in_pre, in_article, pending_space;
    size_t nodes, max_nodes;
    int truncated;
    int relaxed;      /* second pass: class, id and role names do not drop elements */
    int collect_meta; /* first pass only */
};

static inline size_t cand_index(const xmlNode *n)
{
    return (size_t)(uintptr_t)n->_private; /* index + 1; 0 = none */
}

/* The candidate record of element n, created with score init if it has none; NULL and *err set
 * on allocation failure. The pointer is valid until the next call. */
struct cand *nf_walk_cand(struct walker *w, xmlNode *n, double init, int *err);

/* Set up an empty walker (zeroed by the caller) that visits at most max_nodes nodes and judges
 * class names with boiler's lists. Returns 0
 * or NF_ERR_NOMEM. */
int nf_walk_init(struct walker *w, size_t max_nodes, const struct nf_boiler *boiler);

/* Walk the tree under root: collect blocks, score candidates, gather metadata (if
 * w->collect_meta). Returns 0 or NF_ERR_NOMEM. */
int nf_walk_run(struct walker *w, xmlNode *root);

/* Forget blocks and candidates (not the metadata) for another pass over the same document. */
void nf_walk_reset(struct walker *w);

void nf_walk_free(struct walker *w);

#endif
