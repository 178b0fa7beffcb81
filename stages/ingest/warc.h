/* warc.h - a streaming reader of WARC files (ISO 28500; *.warc, and *.warc.gz compressed one
 * gzip member per record as Common Crawl publishes CC-NEWS) that yields the HTML pages in them.
 *
 * Only `response` records whose HTTP payload is HTML (Content-Type text/html or
 * application/xhtml+xml) with a 2xx status come out; other record types (warcinfo, request,
 * metadata, ...) and other responses are counted as skipped. The HTTP headers are split from
 * the body (names lower-cased) and a chunked body is decoded. Sizes are bounded: a record larger
 * than max_bytes, an over-long header line or too many headers fail that record (reading goes
 * on); corrupt or truncated input ends the file with an error.
 */
#ifndef NEWSFLOW_INGEST_WARC_H
#define NEWSFLOW_INGEST_WARC_H

#include <stddef.h>

#define NF_WARC_MAX_LINE 16384  /* longest WARC or HTTP header line */
#define NF_WARC_MAX_HEADERS 256 /* headers kept per HTTP response */

struct nf_warc;

struct nf_warc_header {
    const char *name; /* lower case */
    const char *value;
};

/* One HTML page. Every pointer is borrowed from the reader, valid until the next call. */
struct nf_warc_record {
    const char *uri;  /* WARC-Target-URI */
    const char *date; /* WARC-Date (RFC 3339 in WARC 1.0/1.1) */
    int status;       /* HTTP status code */
    const struct nf_warc_header *headers;
    size_t nheaders;
    const char *content_type; /* the HTTP Content-Type value (borrowed from headers) */
    const char *body;         /* the payload, de-chunked; not NUL-terminated */
    size_t body_len;
};

/* Outcomes of nf_warc_next (besides a negative nf_err: the file cannot be read on) */
enum {
    NF_WARC_END = 0,    /* no more records */
    NF_WARC_PAGE = 1,   /* *rec holds an HTML page */
    NF_WARC_FAILED = 2, /* one record was unusable (reason in errstr); call again for the next */
};

/* Open path (gzip detected from the content, not the name). max_bytes bounds one record's
 * block. Returns 0 or an nf_err with errstr set; *out is the caller's (nf_warc_close). */
int nf_warc_open(const char *path, size_t max_bytes, struct nf_warc **out, char *errstr,
                 size_t errstr_size);

/* The next HTML page: NF_WARC_PAGE, NF_WARC_FAILED, NF_WARC_END, or a negative nf_err (corrupt
 * or truncated input, I/O error) after which only nf_warc_close is allowed. */
int nf_warc_next(struct nf_warc *w, struct nf_warc_record *rec, char *errstr, size_t errstr_size);

/* Records passed over so far (other types, non-HTML or non-2xx responses). */
unsigned long nf_warc_skipped(const struct nf_warc *w);

/* Byte offset of the current record in the uncompressed stream (for messages). */
unsigned long long nf_warc_offset(const struct nf_warc *w);

void nf_warc_close(struct nf_warc *w); /* accepts NULL */

#endif
