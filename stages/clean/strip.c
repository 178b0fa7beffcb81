/* strip.c - skip scripts, styles and comments before the parse (see strip.h).
 *
 * The scanner follows libxml2's HTML tokenizer only as far as needed to know where it stands:
 * text, a tag (whose quoted attribute values may hold '<' and '>'), a comment (to the first
 * "-->"), or the raw contents of <script>/<style> (to the first "</script" / "</style", any
 * case, as libxml2 ends them in recovery mode). The contents of an <svg> go up to its matching
 * "</svg" when they hold only SVG markup. Whenever it is unsure, it copies.
 */
#include "strip.h"

#include <string.h>
#include <strings.h>

static int is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_name(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == ':' || c == '_';
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* One past the '>' closing the tag that starts at p ("<" + letter), or NULL if it has none.
 * *self_closing: the tag ends in "/>", which libxml2 takes as an empty element. */
static const char *tag_end(const char *p, const char *e, int *self_closing)
{
    int value_next = 0; /* after '=': a quote here opens a quoted value */
    for (const char *q = p + 1; q < e; q++) {
        unsigned char c = (unsigned char)*q;
        if (c == '>') {
            *self_closing = q[-1] == '/';
            return q + 1;
        }
        if (c == '=') {
            value_next = 1;
        } else if ((c == '"' || c == '\'') && value_next) {
            const char *close = memchr(q + 1, c, (size_t)(e - q - 1));
            if (!close) {
                return NULL;
            }
            q = close;
            value_next = 0;
        } else if (!is_space(c)) {
            value_next = 0;
        }
    }
    return NULL;
}

/* The first "</" + name (any case) at or after p, or NULL. */
static const char *find_close(const char *p, const char *e, const char *name, size_t n)
{
    while (p < e) {
        const char *lt = memchr(p, '<', (size_t)(e - p));
        if (!lt || (size_t)(e - lt) < n + 2) {
            return NULL;
        }
        if (lt[1] == '/' && !strncasecmp(lt + 2, name, n)) {
            return lt;
        }
        p = lt + 1;
    }
    return NULL;
}

/* Whether [p, e) contains needle (lower case) in any case. */
static int contains_ci(const char *p, const char *e, const char *needle)
{
    size_t n = strlen(needle);
    for (; (size_t)(e - p) >= n; p++) {
        if (!strncasecmp(p, needle, n)) {
            return 1;
        }
    }
    return 0;
}

/* Whether the tag name at p (n bytes) is HTML that never belongs inside an <svg> (or is
 * foreignObject, which holds HTML): seeing one, the svg is malformed or mixed, and kept. */
static int html_in_svg(const char *p, size_t n)
{
    static const char *const names[] = {
        "div",     "p",      "section", "article", "main",   "body",       "html", "li",
        "ul",      "ol",     "table",   "h1",      "h2",     "h3",         "h4",   "h5",
        "h6",      "header", "footer",  "nav",     "aside",  "blockquote", "br",   "span",
        "form",    "td",     "tr",      "head",    "script", "foreignobject"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == n && !strncasecmp(p, names[i], n)) {
            return 1;
        }
    }
    return 0;
}

/* The "</svg" closing the svg whose contents start at p, or NULL when it has none or holds
 * HTML (see html_in_svg): then the element is copied whole. */
static const char *svg_close(const char *p, const char *e)
{
    int depth = 1;
    while (p < e) {
        const char *lt = memchr(p, '<', (size_t)(e - p));
        if (!lt || e - lt < 2) {
            return NULL;
        }
        if (e - lt >= 4 && lt[1] == '!' && lt[2] == '-' && lt[3] == '-') {
            const char *end = memmem(lt + 4, (size_t)(e - lt - 4), "-->", 3);
            if (!end) {
                return NULL;
            }
            p = end + 3;
            continue;
        }
        int closing = lt[1] == '/';
        const char *name = lt + 1 + closing;
        size_t n = 0;
        while (name + n < e && is_name((unsigned char)name[n])) {
            n++;
        }
        if (n == 0) {
            p = lt + 1;
            continue;
        }
        if (html_in_svg(name, n)) {
            return NULL;
        }
        int svg = n == 3 && !strncasecmp(name, "svg", 3);
        if (closing) {
            if (svg && --depth == 0) {
                return lt;
            }
            p = name + n;
            continue;
        }
        int self_closing = 0;
        const char *te = tag_end(lt, e, &self_closing);
        if (!te) {
            return NULL;
        }
        depth += svg && !self_closing;
        p = te;
    }
    return NULL;
}

size_t nf_html_strip(const char *html, size_t len, char *out)
{
    const char *p = html, *e = html + len;
    char *o = out;
    while (p < e) {
        const char *lt = memchr(p, '<', (size_t)(e - p));
        if (!lt) {
            break;
        }
        memcpy(o, p, (size_t)(lt - p));
        o += lt - p;
        p = lt;
        size_t left = (size_t)(e - p);
        if (left >= 4 && p[1] == '!' && p[2] == '-' && p[3] == '-') {
            const char *end = memmem(p + 4, left - 4, "-->", 3);
            if (!end) {
                break; /* unterminated: the parser sees it as before */
            }
            p = end + 3;
            continue;
        }
        if (left < 2 || !is_alpha((unsigned char)p[1])) {
            *o++ = *p++;
            continue;
        }
        int self_closing = 0;
        const char *te = tag_end(p, e, &self_closing);
        if (!te) {
            break;
        }
        size_t nlen = 1;
        while (p + 1 + nlen < te && is_name((unsigned char)p[1 + nlen])) {
            nlen++;
        }
        const char *raw = NULL;
        if (nlen == 6 && !strncasecmp(p + 1, "script", 6)) {
            raw = "script";
        } else if (nlen == 5 && !strncasecmp(p + 1, "style", 5)) {
            raw = "style";
        }
        memcpy(o, p, (size_t)(te - p));
        o += te - p;
        const char *tag = p;
        p = te;
        if (nlen == 3 && !strncasecmp(tag + 1, "svg", 3) && !self_closing) {
            /* icons and charts: paths and shapes, no article text */
            const char *close = svg_close(te, e);
            if (close) {
                p = close;
            }
            continue;
        }
        if (!raw || self_closing) {
            continue;
        }
        const char *close = find_close(te, e, raw, nlen);
        if (!close) {
            break;
        }
        if (nlen == 6 && contains_ci(tag, te, "ld+json")) {
            memcpy(o, te, (size_t)(close - te));
            o += close - te;
        }
        p = close;
    }
    memcpy(o, p, (size_t)(e - p));
    o += e - p;
    return (size_t)(o - out);
}
