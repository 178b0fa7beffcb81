/* warc.c - the WARC reader of newsflow-ingest (see warc.h).
 *
 * Two layers: a byte source that is either the plain file or its gzip members inflated one
 * after another (zlib, windowBits 16+MAX_WBITS, inflateReset at each member's end), and the
 * record parser on top of it: a "WARC/1.x" line, header lines up to a blank line, then
 * Content-Length bytes of block. Only the blocks of response records are kept in memory (up to
 * max_bytes); every other block is read past.
 */
#include "warc.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "newsflow/err.h"
#include "newsflow/util.h"

#define WARC_CHUNK 65536
#define WARC_MAX_WARC_HEADERS 1024 /* header lines of one WARC record */
#define WARC_MAX_BLANK 16          /* blank lines tolerated between records */

struct nf_warc {
    FILE *fp;
    int gz;        /* gzip members, inflated */
    int zinit;     /* zs needs inflateEnd */
    int in_member; /* inside a gzip member: running out of input here means truncated */
    int eof;       /* no more uncompressed bytes */
    z_stream zs;
    unsigned char in[WARC_CHUNK];
    unsigned char out[WARC_CHUNK];
    size_t opos, olen;      /* unread bytes: out[opos..olen) */
    unsigned long long pos; /* uncompressed bytes consumed */
    unsigned long long rec_start;
    size_t max_bytes;
    unsigned long skipped;
    char line[NF_WARC_MAX_LINE + 1];
    char type[64];
    char date[64];
    char uri[NF_WARC_MAX_LINE + 1];
    struct nf_buf block; /* the current response record's block */
    struct nf_buf body;  /* a Content-Encoding: gzip/deflate body, decoded */
    struct nf_warc_header hdrs[NF_WARC_MAX_HEADERS];
};

int nf_warc_open(const char *path, size_t max_bytes, struct nf_warc **out, char *errstr,
                 size_t errstr_size)
{
    *out = NULL;
    int rc = 0;
    struct nf_warc *w = calloc(1, sizeof(*w));
    if (!w) {
        return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
    }
    w->max_bytes = max_bytes;
    if (!(w->fp = fopen(path, "rb"))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "cannot open: %s", strerror(errno));
        goto done;
    }
    /* gzip or not, from the magic bytes */
    unsigned char magic[2];
    size_t k = fread(magic, 1, 2, w->fp);
    w->gz = k == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (ferror(w->fp) || fseek(w->fp, 0, SEEK_SET) != 0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (w->gz) {
        if (inflateInit2(&w->zs, 16 + MAX_WBITS) != Z_OK) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "inflateInit2 failed");
            goto done;
        }
        w->zinit = 1;
    }
done:
    if (rc) {
        nf_warc_close(w);
        return rc;
    }
    *out = w;
    return 0;
}

void nf_warc_close(struct nf_warc *w)
{
    if (!w) {
        return;
    }
    if (w->zinit) {
        inflateEnd(&w->zs);
    }
    if (w->fp) {
        fclose(w->fp);
    }
    nf_buf_free(&w->block);
    nf_buf_free(&w->body);
    free(w);
}

unsigned long nf_warc_skipped(const struct nf_warc *w)
{
    return w->skipped;
}

unsigned long long nf_warc_offset(const struct nf_warc *w)
{
    return w->rec_start;
}

/* Make unread bytes available: 1 when there are some, 0 at the end, or a negative nf_err. */
static int warc_fill(struct nf_warc *w, char *errstr, size_t errstr_size)
{
    if (w->opos < w->olen) {
        return 1;
    }
    w->opos = w->olen = 0;
    if (w->eof) {
        return 0;
    }
    if (!w->gz) {
        size_t k = fread(w->out, 1, sizeof(w->out), w->fp);
        if (k == 0) {
            if (ferror(w->fp)) {
                return nf_seterr(errstr, errstr_size, NF_ERR_IO, "read error");
            }
            w->eof = 1;
            return 0;
        }
        w->olen = k;
        return 1;
    }
    /* bounded: every pass reads input, produces output, or ends */
    for (;;) {
        if (w->zs.avail_in == 0) {
            size_t k = fread(w->in, 1, sizeof(w->in), w->fp);
            if (k == 0) {
                if (ferror(w->fp)) {
                    return nf_seterr(errstr, errstr_size, NF_ERR_IO, "read error");
                }
                if (w->in_member) {
                    return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "truncated gzip member");
                }
                w->eof = 1;
                return 0;
            }
            w->zs.next_in = w->in;
            w->zs.avail_in = (uInt)k;
        }
        w->in_member = 1; /* a new member starts with the next input byte */
        w->zs.next_out = w->out;
        w->zs.avail_out = sizeof(w->out);
        int z = inflate(&w->zs, Z_NO_FLUSH);
        size_t got = sizeof(w->out) - w->zs.avail_out;
        if (z == Z_STREAM_END) {
            /* one member (one record, in CC-NEWS) ends; the next one may follow */
            inflateReset(&w->zs);
            w->in_member = 0;
        } else if (z == Z_BUF_ERROR && w->zs.avail_in == 0) {
            /* needs more input: read on */
        } else if (z != Z_OK) {
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "corrupt gzip data (%s)",
                             w->zs.msg ? w->zs.msg : zError(z));
        }
        if (got) {
            w->olen = got;
            return 1;
        }
    }
}

/* One line (without CR LF) into w->line: 1, 0 at the end before any byte, or an nf_err
 * (NF_ERR_LIMIT when longer than NF_WARC_MAX_LINE; truncated when the input ends mid-line). */
static int warc_line(struct nf_warc *w, size_t *len, char *errstr, size_t errstr_size)
{
    size_t n = 0;
    for (;;) { /* bounded by NF_WARC_MAX_LINE */
        int r = warc_fill(w, errstr, errstr_size);
        if (r < 0) {
            return r;
        }
        if (r == 0) {
            if (n == 0) {
                return 0;
            }
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "truncated header line");
        }
        const unsigned char *p = w->out + w->opos;
        size_t avail = w->olen - w->opos;
        const unsigned char *nl = memchr(p, '\n', avail);
        size_t take = nl ? (size_t)(nl - p) : avail;
        if (n + take > NF_WARC_MAX_LINE) {
            return nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "header line longer than %d bytes",
                             NF_WARC_MAX_LINE);
        }
        memcpy(w->line + n, p, take);
        n += take;
        w->opos += take + (nl ? 1 : 0);
        w->pos += take + (nl ? 1 : 0);
        if (nl) {
            break;
        }
    }
    if (n && w->line[n - 1] == '\r') {
        n--;
    }
    w->line[n] = '\0';
    *len = n;
    return 1;
}

/* Read len bytes of block into dst (NULL: read past them). */
static int warc_block(struct nf_warc *w, struct nf_buf *dst, unsigned long long len, char *errstr,
                      size_t errstr_size)
{
    while (len > 0) { /* bounded by len */
        int r = warc_fill(w, errstr, errstr_size);
        if (r < 0) {
            return r;
        }
        if (r == 0) {
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                             "truncated record (%llu bytes of its block missing)", len);
        }
        size_t avail = w->olen - w->opos;
        size_t take = len < avail ? (size_t)len : avail;
        if (dst && nf_buf_append(dst, (const char *)w->out + w->opos, take) != 0) {
            return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        }
        w->opos += take;
        w->pos += take;
        len -= take;
    }
    return 0;
}

static char *warc_trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
        s[--n] = '\0';
    }
    return s;
}

/* Is this Content-Type value HTML? */
static int warc_is_html(const char *ct)
{
    if (!ct) {
        return 0;
    }
    while (*ct == ' ') {
        ct++;
    }
    size_t n = strcspn(ct, "; \t");
    return (n == 9 && strncasecmp(ct, "text/html", 9) == 0) ||
           (n == 21 && strncasecmp(ct, "application/xhtml+xml", 21) == 0);
}

/* Decode a chunked body in place. 0, or -1 when it is malformed or cut short. */
static int warc_dechunk(char *b, size_t n, size_t *out_len)
{
    size_t r = 0;
    size_t o = 0;
    for (;;) { /* bounded: r grows every pass */
        size_t sz = 0;
        int digits = 0;
        while (r < n && isxdigit((unsigned char)b[r])) {
            if (sz > (SIZE_MAX >> 4)) {
                return -1;
            }
            int c = (unsigned char)b[r];
            sz = sz * 16 + (size_t)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
            r++;
            digits++;
        }
        if (!digits) {
            return -1;
        }
        while (r < n && b[r] != '\n') { /* chunk extensions */
            r++;
        }
        if (r >= n) {
            return -1;
        }
        r++;
        if (sz == 0) {
            break; /* trailers, if any, are ignored */
        }
        if (sz > n - r) {
            return -1;
        }
        memmove(b + o, b + r, sz);
        o += sz;
        r += sz;
        if (r < n && b[r] == '\r') {
            r++;
        }
        if (r >= n || b[r] != '\n') {
            return -1;
        }
        r++;
    }
    *out_len = o;
    return 0;
}

/* Inflate a gzip or zlib body into w->body, at most max bytes. */
static int warc_decode_body(struct nf_warc *w, const char *p, size_t n, char *errstr,
                            size_t errstr_size)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    nf_buf_reset(&w->body);
    if (inflateInit2(&zs, 32 + MAX_WBITS) != Z_OK) { /* 32: gzip or zlib header */
        return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "inflateInit2 failed");
    }
    int rc = 0;
    unsigned char out[WARC_CHUNK];
    zs.next_in = (unsigned char *)(uintptr_t)p;
    zs.avail_in = (uInt)n;
    for (;;) { /* bounded by max_bytes of output and n of input */
        zs.next_out = out;
        zs.avail_out = sizeof(out);
        int z = inflate(&zs, Z_NO_FLUSH);
        size_t got = sizeof(out) - zs.avail_out;
        if (w->body.len + got > w->max_bytes) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                           "decoded body larger than ingest.max_bytes (%zu)", w->max_bytes);
            break;
        }
        if (got && nf_buf_append(&w->body, (const char *)out, got) != 0) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
            break;
        }
        if (z == Z_STREAM_END) {
            break;
        }
        if (z != Z_OK) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                           "Content-Encoding body cannot be decoded (%s)",
                           zs.msg ? zs.msg : zError(z));
            break;
        }
    }
    inflateEnd(&zs);
    return rc;
}

/* Split the HTTP response in w->block into status, headers and body. NF_WARC_PAGE,
 * NF_WARC_FAILED (errstr set) or -1 for "skip it" (not HTTP, not 2xx, not HTML). */
static int warc_http(struct nf_warc *w, struct nf_warc_record *rec, char *errstr,
                     size_t errstr_size)
{
    char *b = w->block.data;
    size_t n = w->block.len;
    if (n < 5 || memcmp(b, "HTTP/", 5) != 0) {
        return -1; /* e.g. a dns: response */
    }
    size_t p = 0;
    size_t nh = 0;
    int line_no = 0;
    const char *ctype = NULL;
    const char *tenc = NULL;
    const char *cenc = NULL;
    for (;;) { /* bounded by n */
        char *nl = memchr(b + p, '\n', n - p);
        if (!nl) {
            nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "HTTP headers do not end");
            return NF_WARC_FAILED;
        }
        size_t end = (size_t)(nl - b);
        if (end - p > NF_WARC_MAX_LINE) {
            nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "HTTP header line longer than %d bytes",
                      NF_WARC_MAX_LINE);
            return NF_WARC_FAILED;
        }
        char *s = b + p;
        *nl = '\0';
        if (nl > s && nl[-1] == '\r') {
            nl[-1] = '\0';
        }
        p = end + 1;
        if (line_no++ == 0) {
            /* status line: HTTP/1.1 200 OK */
            char *sp = strchr(s, ' ');
            rec->status = sp ? atoi(sp + 1) : 0;
            continue;
        }
        if (*s == '\0') {
            break; /* end of the headers */
        }
        if (*s == ' ' || *s == '\t') {
            continue; /* obsolete line folding: the continuation is dropped */
        }
        char *colon = strchr(s, ':');
        if (!colon || colon == s) {
            continue; /* not a header; tolerated as browsers do */
        }
        if (nh == NF_WARC_MAX_HEADERS) {
            nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "more than %d HTTP headers",
                      NF_WARC_MAX_HEADERS);
            return NF_WARC_FAILED;
        }
        *colon = '\0';
        for (char *c = s; *c; c++) {
            *c = (char)tolower((unsigned char)*c);
        }
        char *name = warc_trim(s);
        char *value = warc_trim(colon + 1);
        w->hdrs[nh].name = name;
        w->hdrs[nh].value = value;
        nh++;
        if (strcmp(name, "content-type") == 0) {
            ctype = value;
        } else if (strcmp(name, "transfer-encoding") == 0) {
            tenc = value;
        } else if (strcmp(name, "content-encoding") == 0) {
            cenc = value;
        }
    }
    if (rec->status < 200 || rec->status > 299 || !warc_is_html(ctype)) {
        return -1;
    }
    rec->headers = w->hdrs;
    rec->nheaders = nh;
    rec->content_type = ctype;
    rec->body = b + p;
    rec->body_len = n - p;
    if (tenc && strstr(tenc, "chunked")) {
        size_t len = 0;
        if (warc_dechunk(b + p, n - p, &len) != 0) {
            nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "malformed chunked body");
            return NF_WARC_FAILED;
        }
        rec->body_len = len;
    }
    if (cenc && *cenc && strcasecmp(cenc, "identity") != 0) {
        if (strcasecmp(cenc, "gzip") != 0 && strcasecmp(cenc, "x-gzip") != 0 &&
            strcasecmp(cenc, "deflate") != 0) {
            nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "unsupported Content-Encoding %s", cenc);
            return NF_WARC_FAILED;
        }
        if (warc_decode_body(w, rec->body, rec->body_len, errstr, errstr_size) != 0) {
            return NF_WARC_FAILED;
        }
        rec->body = w->body.data ? w->body.data : "";
        rec->body_len = w->body.len;
    }
    return NF_WARC_PAGE;
}

int nf_warc_next(struct nf_warc *w, struct nf_warc_record *rec, char *errstr, size_t errstr_size)
{
    memset(rec, 0, sizeof(*rec));
    for (;;) { /* one pass per record; bounded by the file */
        size_t len = 0;
        int r;
        int blank = 0;
        /* the version line, after the blank lines that end the previous record */
        for (;;) {
            w->rec_start = w->pos;
            if ((r = warc_line(w, &len, errstr, errstr_size)) <= 0) {
                return r; /* end of input, or an error */
            }
            if (len > 0) {
                break;
            }
            if (++blank > WARC_MAX_BLANK) {
                return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                                 "offset %llu: blank lines instead of a WARC record", w->pos);
            }
        }
        if (strncmp(w->line, "WARC/", 5) != 0) {
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                             "offset %llu: not a WARC record (\"%.40s\")", w->rec_start, w->line);
        }
        unsigned long long clen = 0;
        int have_len = 0;
        w->type[0] = w->date[0] = w->uri[0] = '\0';
        int nlines = 0;
        for (;;) {
            if ((r = warc_line(w, &len, errstr, errstr_size)) < 0) {
                return r;
            }
            if (r == 0) {
                return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                                 "offset %llu: truncated WARC headers", w->rec_start);
            }
            if (len == 0) {
                break;
            }
            if (++nlines > WARC_MAX_WARC_HEADERS) {
                return nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                                 "offset %llu: more than %d WARC header lines", w->rec_start,
                                 WARC_MAX_WARC_HEADERS);
            }
            char *colon = strchr(w->line, ':');
            if (!colon) {
                continue;
            }
            *colon = '\0';
            const char *name = warc_trim(w->line);
            char *value = warc_trim(colon + 1);
            if (strcasecmp(name, "WARC-Type") == 0) {
                snprintf(w->type, sizeof(w->type), "%s", value);
            } else if (strcasecmp(name, "WARC-Date") == 0) {
                snprintf(w->date, sizeof(w->date), "%s", value);
            } else if (strcasecmp(name, "WARC-Target-URI") == 0) {
                size_t vl = strlen(value);
                if (vl >= 2 && value[0] == '<' && value[vl - 1] == '>') { /* WARC 1.0 errata */
                    value[vl - 1] = '\0';
                    value++;
                }
                snprintf(w->uri, sizeof(w->uri), "%s", value);
            } else if (strcasecmp(name, "Content-Length") == 0) {
                char *end = NULL;
                errno = 0;
                clen = strtoull(value, &end, 10);
                if (errno || end == value || *end || value[0] == '-') {
                    return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                                     "offset %llu: bad Content-Length \"%s\"", w->rec_start, value);
                }
                have_len = 1;
            }
        }
        if (!have_len) {
            return nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                             "offset %llu: WARC record without Content-Length", w->rec_start);
        }
        if (strcasecmp(w->type, "response") != 0) {
            if ((r = warc_block(w, NULL, clen, errstr, errstr_size)) != 0) {
                return r;
            }
            w->skipped++;
            continue;
        }
        if (clen > w->max_bytes) {
            if ((r = warc_block(w, NULL, clen, errstr, errstr_size)) != 0) {
                return r;
            }
            nf_seterr(errstr, errstr_size, NF_ERR_LIMIT,
                      "%s: record of %llu bytes, larger than ingest.max_bytes (%zu)", w->uri, clen,
                      w->max_bytes);
            return NF_WARC_FAILED;
        }
        nf_buf_reset(&w->block);
        if ((r = warc_block(w, &w->block, clen, errstr, errstr_size)) != 0) {
            return r;
        }
        /* nf_buf keeps a NUL after the block: header parsing never runs off its end */
        if (!w->uri[0]) {
            nf_seterr(errstr, errstr_size, NF_ERR_INVALID,
                      "offset %llu: response without WARC-Target-URI", w->rec_start);
            return NF_WARC_FAILED;
        }
        r = warc_http(w, rec, errstr, errstr_size);
        if (r < 0) {
            w->skipped++;
            memset(rec, 0, sizeof(*rec));
            continue;
        }
        if (r == NF_WARC_FAILED) {
            /* name the record in the message */
            char why[512];
            snprintf(why, sizeof(why), "%s", errstr);
            nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "%s: %s", w->uri, why);
            return r;
        }
        rec->uri = w->uri;
        rec->date = w->date[0] ? w->date : NULL;
        return NF_WARC_PAGE;
    }
}
