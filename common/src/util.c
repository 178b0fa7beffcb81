/* util.c - byte buffer, UTF-8, time and hash helpers (see newsflow/util.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsflow/err.h"
#include "newsflow/util.h"

void nf_buf_init(struct nf_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void nf_buf_free(struct nf_buf *b)
{
    free(b->data);
    nf_buf_init(b);
}

void nf_buf_reset(struct nf_buf *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

int nf_buf_reserve(struct nf_buf *b, size_t extra)
{
    if (extra > SIZE_MAX / 2 - b->len) {
        return NF_ERR_NOMEM;
    }
    size_t need = b->len + extra + 1; /* +1: the terminating NUL */
    if (need <= b->cap) {
        return 0;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        return NF_ERR_NOMEM;
    }
    p[b->len] = '\0'; /* a first allocation must already be a valid (empty) string */
    b->data = p;
    b->cap = cap;
    return 0;
}

int nf_buf_append(struct nf_buf *b, const char *s, size_t n)
{
    int err = nf_buf_reserve(b, n);
    if (err) {
        return err;
    }
    if (n) {
        memcpy(b->data + b->len, s, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int nf_buf_appends(struct nf_buf *b, const char *s)
{
    return nf_buf_append(b, s, strlen(s));
}

int nf_buf_appendc(struct nf_buf *b, char c)
{
    return nf_buf_append(b, &c, 1);
}

int nf_buf_appendf(struct nf_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NF_ERR_INVALID;
    }
    int err = nf_buf_reserve(b, (size_t)n);
    if (err) {
        return err;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *nf_buf_steal(struct nf_buf *b)
{
    if (!b->data && nf_buf_reserve(b, 0) != 0) {
        return NULL;
    }
    char *p = b->data;
    nf_buf_init(b);
    return p;
}

size_t nf_utf8_seqlen(const unsigned char *s, size_t avail)
{
    if (avail == 0) {
        return 0;
    }
    unsigned char c = s[0];
    if (c < 0x80) {
        return 1;
    }
    size_t n;
    uint32_t min;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        n = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

int nf_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* ASCII eight bytes at a time: most of a page */
        while (len - i >= 8 && !(nf_load64(p + i) & UINT64_C(0x8080808080808080))) {
            i += 8;
        }
        if (i == len) {
            break;
        }
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = nf_utf8_seqlen(p + i, len - i);
        if (n == 0) {
            return 0;
        }
        i += n;
    }
    return 1;
}

int nf_utf8_sanitize(struct nf_buf *out, const char *s, size_t len)
{
    static const char repl[] = "\xEF\xBF\xBD";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int err = nf_buf_reserve(out, len);
    while (!err && i < len) {
        /* copy the longest valid run in one go */
        size_t start = i;
        while (i < len) {
            if (p[i] == 0) {
                break;
            }
            if (p[i] < 0x80) {
                i++;
                continue;
            }
            size_t n = nf_utf8_seqlen(p + i, len - i);
            if (n == 0) {
                break;
            }
            i += n;
        }
        err = nf_buf_append(out, s + start, i - start);
        if (!err && i < len) {
            if (p[i] != 0) {
                err = nf_buf_append(out, repl, 3);
            }
            i++;
        }
    }
    return err;
}

size_t nf_utf8_cplen(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

uint32_t nf_utf8_decode(const char *s, size_t avail, size_t *adv)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = nf_utf8_seqlen(p, avail);
    if (n == 0) {
        *adv = 1;
        return 0xFFFD;
    }
    *adv = n;
    if (n == 1) {
        return p[0];
    }
    uint32_t cp = p[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    return cp;
}

size_t nf_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        cp = 0xFFFD;
    }
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int64_t nf_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t nf_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double nf_mono_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void nf_rfc3339(int64_t ms, char *out, size_t out_size)
{
    /* floor division: -1 ms is 23:59:59.999 of the day before, not ".-01" */
    int64_t rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
    }
    time_t secs = (time_t)((ms - rem) / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)rem);
}

uint64_t nf_hash64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
