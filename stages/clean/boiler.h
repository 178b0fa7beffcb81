/* boiler.h - boilerplate recognisers for the clean stage: class/id/role names of site chrome
 * (menus, share bars, cookie notices...) and whole text lines that are chrome ("Read more",
 * view counters, image credits). The lists come from files (config/clean/ (class_*.txt,
 * line_*.txt)) loaded once; the loaded struct nf_boiler is read-only afterwards and may be shared
 * by threads.
 */
#ifndef NF_CLEAN_BOILER_H
#define NF_CLEAN_BOILER_H

#include <stddef.h>

struct nf_boiler;

/* Load the lists from dir (class_chrome.txt, class_weak.txt, class_content.txt, class_body.txt,
 * line_exact.txt,
 * line_prefix.txt, line_credit.txt, line_promo.txt, line_cta.txt, class_overlay.txt). Returns 0 and *out (free
 * with nf_boiler_free), or a negative nf_err with errstr filled. */
int nf_boiler_load(const char *dir, struct nf_boiler **out, char *errstr, size_t errstr_size);
void nf_boiler_free(struct nf_boiler *b); /* NULL is fine */

/* Judge an element's class and id attributes (either may be NULL). Returns 1 when a class name
 * or the id names chrome (menu, share, related, cookie...) and no other name names content
 * ("article", "entry-content"); then the element should be dropped. *weight (may be NULL) gets
 * Readability's class weight: -25 / +25 for a negative / positive class, the same for the id. */
int nf_boiler_classify(const struct nf_boiler *b, const char *cls, const char *id, int *weight);

/* The same in two steps, so that a caller can cache the verdict on a class attribute (pages
 * repeat the same few class strings on many elements). */
struct nf_boiler_verdict {
    unsigned char drop, weak, pos; /* a name marks chrome / weakly chrome / content */
    unsigned char overlay;         /* a chrome name is an overlay's (cookie, popup, modal) */
    unsigned char body;            /* a content name is an article body's (class_body.txt) */
};
void nf_boiler_judge(const struct nf_boiler *b, const char *attr,
                     struct nf_boiler_verdict *v); /* attr may be NULL */
int nf_boiler_combine(const struct nf_boiler_verdict *cls, const struct nf_boiler_verdict *id,
                      int *weight);

/* Is the element an overlay (cookie banner, popup, modal: class_overlay.txt) that never holds
 * the article, so that even the relaxed second pass drops it? */
int nf_boiler_overlay(const struct nf_boiler_verdict *cls, const struct nf_boiler_verdict *id);

/* Is an ARIA role one of the chrome roles (navigation, banner, complementary, dialog...)? */
int nf_boiler_role_drops(const char *role);

/* Is this paragraph (whitespace-normalised UTF-8, len bytes) a chrome line: share prompts,
 * "Read more", view counters, "Advertisement", image credits, search overlay labels? */
int nf_boiler_line(const struct nf_boiler *b, const char *s, size_t len);

/* Is this short paragraph (at most 300 bytes) a call to action (subscribe, follow us, get the
 * app)? Only meaningful at the end of an article, where extract.c asks. */
int nf_boiler_promo(const struct nf_boiler *b, const char *s, size_t len);

/* Does this paragraph (at most 300 bytes) hold a call-to-action phrase specific enough to drop
 * it anywhere in an article ("sign up to our newsletter", "folgen Sie uns")? */
int nf_boiler_cta(const struct nf_boiler *b, const char *s, size_t len);

/* Is this line the title of an author or press-contact box ("Autor", "Über den Autor:", "About
 * the author", "Pressekontakt")? */
int nf_boiler_author_label(const char *s, size_t len);

#endif
