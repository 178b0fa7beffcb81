/* input.h - the page of a raw-html record as bytes plus the charset to parse them with, for the
 * clean stage: "html" (Unicode text) or "html_base64" (the exact bytes of a page in another
 * charset), a "charset" hint or a Content-Type header in "headers", size limit, NUL removal.
 */
#ifndef NF_CLEAN_INPUT_H
#define NF_CLEAN_INPUT_H

#include <jansson.h>
#include <stddef.h>

struct nf_clean_page {
    const char *data; /* the bytes: borrowed from the record, or owned below */
    size_t len;
    const char *encoding; /* "UTF-8", a charset name (in enc), or NULL: let libxml2 detect */
    char *owned;          /* malloc'ed bytes data points to, if any */
    char enc[64];
};

/* Fill *page from rec. Pages over max_bytes give NF_ERR_LIMIT; a record without html or with
 * bad base64 gives NF_ERR_INVALID; errstr says why. page borrows from rec: use it before rec
 * changes. Free with nf_clean_page_free (also after an error). */
int nf_clean_page_get(const json_t *rec, size_t max_bytes, struct nf_clean_page *page, char *errstr,
                      size_t errstr_size);

void nf_clean_page_free(struct nf_clean_page *page);

#endif
