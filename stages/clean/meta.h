/* meta.h - page metadata for the clean stage: title, byline, publication date, language, site
 * name, canonical URL and description, gathered from <meta>/<link>/<title>, microdata, <time>
 * and JSON-LD while extract.c walks the DOM, then resolved into the "cleaned" record's fields.
 */
#ifndef NF_CLEAN_META_H
#define NF_CLEAN_META_H

#include <libxml/tree.h>
#include <stddef.h>

/* The attributes of one element the extractor and the metadata look at, read in one pass over
 * its attribute list. Values are borrowed from the document ("" for a valueless attribute). */
struct nf_attrs {
    const char *cls, *id, *role, *style, *hidden, *aria_hidden, *itemprop, *rel, *name, *property,
        *content, *href, *datetime, *type, *lang, *http_equiv;
};

void nf_attrs_read(const xmlNode *el, struct nf_attrs *a);

/* Candidates seen so far, each kept once (the first occurrence wins): every string malloc'ed and
 * owned by the struct. Zero-initialise, feed with nf_meta_element, free with nf_meta_free. */
struct nf_meta {
    char *og_title, *title_tag, *h1, *ld_headline;
    char *meta_author, *ld_author, *itemprop_author, *rel_author, *class_byline;
    char *meta_date, *itemprop_date, *ld_date, *time_date;
    char *html_lang, *meta_lang, *ld_lang;
    char *og_site, *ld_site, *app_name;
    char *ld_body; /* JSON-LD articleBody as it is (not squashed), up to 256 KiB */
    char *canonical, *og_url;
    char *description, *og_description;
};

/* The resolved fields, malloc'ed or NULL when not found; free with nf_meta_out_free. */
struct nf_meta_out {
    char *title, *byline, *published_at, *lang, *site_name, *canonical_url, *description;
};

/* Look at one element (name lower-case, as libxml2's HTML parser gives it) for metadata. Called
 * for every element the extractor visits, including the ones it drops from the text. Returns 0 or
 * NF_ERR_NOMEM. */
int nf_meta_element(struct nf_meta *m, const xmlNode *el, const struct nf_attrs *a);

/* Resolve the candidates in order of trust; url (may be NULL) resolves a relative canonical
 * link. Returns 0 or NF_ERR_NOMEM. */
int nf_meta_resolve(const struct nf_meta *m, const char *url, struct nf_meta_out *out);

void nf_meta_free(struct nf_meta *m);
void nf_meta_out_free(struct nf_meta_out *o);

/* Normalise a date to RFC 3339 ("2025-03-04T10:00:00Z", offset kept; a date alone becomes
 * midnight UTC). Accepts ISO 8601 variants and RFC 2822 dates. Returns 0, or -1 when the text
 * is not a recognisable date. out must hold at least 40 bytes. */
int nf_meta_date_rfc3339(const char *in, char *out, size_t out_size);

/* Remove a site-name suffix or prefix (" | Site", " - Site", "Site: ") from a page title.
 * site may be NULL. generic = 1 also removes any short suffix after the last separator when the
 * rest still reads like a headline (for <title>; og:title only loses a known site name).
 * Returns a malloc'ed string or NULL on allocation failure. */
char *nf_meta_title_strip(const char *title, const char *site, int generic);

/* Copy s collapsing runs of whitespace (ASCII and U+00A0) into one space, trimmed. Returns a
 * malloc'ed string or NULL on allocation failure. */
char *nf_meta_squash(const char *s);

#endif
