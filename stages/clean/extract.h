/* extract.h - main-text extraction for the clean stage: parse a page with libxml2's HTML
 * parser, drop chrome, score candidate containers (Readability-style) in one DOM walk, and
 * return the article's paragraphs plus the page metadata. Used by clean.c's transform.
 */
#ifndef NF_CLEAN_EXTRACT_H
#define NF_CLEAN_EXTRACT_H

#include <stddef.h>

#include "boiler.h"
#include "meta.h"

struct nf_extract_opts {
    size_t max_nodes; /* DOM nodes visited at most; the rest of a larger page is ignored */
    const struct nf_boiler *boiler; /* the chrome lists (nf_boiler_load) */
};

struct nf_extract_result {
    char *text;         /* malloc'ed UTF-8, paragraphs separated by "\n\n"; "" if none */
    const char *reason; /* static: why text is empty, else NULL */
    int truncated;      /* the node budget was hit */
    struct nf_meta_out meta;
};

/* Extract from html (len bytes). encoding: the name libxml2 should decode the bytes with
 * ("UTF-8", "windows-1252"...), which overrides any <meta charset> in the page; NULL lets
 * libxml2 detect it (BOM, <meta charset>, else UTF-8 falling back to ISO-8859-1). url (may be NULL)
 * is the base for relative links. Returns 0 and fills *res (free with
 * nf_extract_result_free), or a negative nf_err with errstr filled. */
int nf_extract_run(const char *html, size_t len, const char *encoding, const char *url,
                   const struct nf_extract_opts *opts, struct nf_extract_result *res, char *errstr,
                   size_t errstr_size);

void nf_extract_result_free(struct nf_extract_result *res);

#endif
