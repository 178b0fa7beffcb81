/* util.h - small helpers shared by the runner and the stages: a growable byte buffer, UTF-8
 * handling (validation, repair, code-point offsets), time and hashing.
 */
#ifndef NEWSFLOW_UTIL_H
#define NEWSFLOW_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Growable, always NUL-terminated byte buffer. Zero-initialise ({0}) or nf_buf_init; free with
 * nf_buf_free. Appends return 0 or NF_ERR_NOMEM (the buffer then keeps its old content). */
struct nf_buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
};

void nf_buf_init(struct nf_buf *b);
void nf_buf_free(struct nf_buf *b);
void nf_buf_reset(struct nf_buf *b); /* len = 0, keeps memory */
int nf_buf_reserve(struct nf_buf *b, size_t extra);
int nf_buf_append(struct nf_buf *b, const char *s, size_t n);
int nf_buf_appends(struct nf_buf *b, const char *s);
int nf_buf_appendc(struct nf_buf *b, char c);
int nf_buf_appendf(struct nf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the data over to the caller (free() it); the buffer is reset to empty. Never NULL unless
 * allocation fails. */
char *nf_buf_steal(struct nf_buf *b);

/* UTF-8 */
/* Length in bytes of the valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated. Rejects
 * overlongs, surrogates and code points above U+10FFFF. */
size_t nf_utf8_seqlen(const unsigned char *s, size_t avail);

/* The 8 bytes at p as one word (any alignment), for scanning text a word at a time. */
static inline uint64_t nf_load64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    return w;
}

/* Whether a byte of w is below n (0 < n <= 128); exact (the SWAR "has less" test). */
static inline int nf_has_byte_below64(uint64_t w, unsigned n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    return ((w - ones * n) & ~w & (ones * 0x80)) != 0;
}

/* Whether a byte of w equals c. */
static inline int nf_has_byte64(uint64_t w, unsigned char c)
{
    return nf_has_byte_below64(w ^ (UINT64_C(0x0101010101010101) * c), 1);
}
int nf_utf8_valid(const char *s, size_t len);
/* Append s to out with every invalid byte replaced by U+FFFD and NUL bytes dropped. */
int nf_utf8_sanitize(struct nf_buf *out, const char *s, size_t len);
/* Number of code points in the first len bytes of valid UTF-8 s. */
size_t nf_utf8_cplen(const char *s, size_t len);
/* Decode one code point at s (valid UTF-8 assumed, avail > 0); *adv gets its byte length.
 * Returns U+FFFD on an invalid sequence and advances one byte. */
uint32_t nf_utf8_decode(const char *s, size_t avail, size_t *adv);
/* Encode cp into out (4 bytes room); returns bytes written. */
size_t nf_utf8_encode(uint32_t cp, char *out);

/* Time */
int64_t nf_now_ms(void);       /* wall clock, ms since the epoch */
int64_t nf_mono_ms(void);      /* monotonic clock, ms */
double nf_mono_sec(void);      /* monotonic clock, seconds with sub-ms precision */
/* RFC 3339 UTC with milliseconds: 2026-11-28T13:40:06.123Z; out must hold 32 bytes. */
void nf_rfc3339(int64_t ms, char *out, size_t out_size);

/* 64-bit FNV-1a: stable across platforms and versions (record ids are derived from it). */
uint64_t nf_hash64(const void *data, size_t len);

#endif
