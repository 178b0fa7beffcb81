/* boiler.h - boilerplate recognisers for the clean stage: class/id/role names of site chrome
 * (menus, share bars, cookie notices...) and whole text lines that are chrome ("Read more",
 * view counters, image credits). Pure functions on borrowed strings; no state.
 */
#ifndef NF_CLEAN_BOILER_H
#define NF_CLEAN_BOILER_H

#include <stddef.h>

/* Judge an element's class and id attributes (either may be NULL). Returns 1 when a class name
 * or the id names chrome (menu, share, related, cookie...) and no other name names content
 * ("article", "entry-content"); then the element should be dropped. *weight (may be NULL) gets
 * Readability's class weight: -25 / +25 for a negative / positive class, the same for the id. */
int nf_boiler_classify(const char *cls, const char *id, int *weight);

/* The same in two steps, so that a caller can cache the verdict on a class attribute (pages
 * repeat the same few class strings on many elements). */
struct nf_boiler_verdict {
    unsigned char drop, weak, pos; /* a name marks chrome / weakly chrome / content */
};
void nf_boiler_judge(const char *attr, struct nf_boiler_verdict *v); /* attr may be NULL */
int nf_boiler_combine(const struct nf_boiler_verdict *cls, const struct nf_boiler_verdict *id,
                      int *weight);

/* Is an ARIA role one of the chrome roles (navigation, banner, complementary, dialog...)? */
int nf_boiler_role_drops(const char *role);

/* Is this paragraph (whitespace-normalised UTF-8, len bytes) a chrome line: share prompts,
 * "Read more", view counters, "Advertisement", image credits, search overlay labels? */
int nf_boiler_line(const char *s, size_t len);

/* Is this short paragraph (at most 300 bytes) a call to action (subscribe, follow us, get the
 * app)? Only meaningful at the end of an article, where extract.c asks. */
int nf_boiler_promo(const char *s, size_t len);

#endif
