/* splitter.c - sentence splitter for the summarize stage (see splitter.h).
 *
 * One pass over the text: paragraphs at blank lines, then sentence candidates at terminators,
 * each accepted or rejected by looking at the word before and the word after. Every loop moves
 * forward by at least one byte, and a sentence never grows past opts->max_bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "newsflow/err.h"
#include "newsflow/util.h"
#include "splitter.h"

/* Never sentence-final: a title or a word that always precedes something. */
static const char *const split_titles[] = {
    "mr",    "mrs",  "ms",   "dr",     "prof", "gen",  "sen", "rep", "gov",  "lt",
    "col",   "sgt",  "capt", "cmdr",   "adm",  "maj",  "cpl", "pvt", "st",   "rev",
    "hon",   "pres", "supt", "messrs", "mme",  "mt",   "ft",  "fr",  "vs",   "v",
    "cf",    "al",   "eg",   "ie",     "viz",  "insp", "det", "gov", "atty", "brig",
    "lieut", "sgt",  "hr",   "mssrs",  "ald",  "cllr", "rt",  "esq", NULL};

/* Usually not final, but can end a sentence ("... bought by Acme Inc. The deal"): a boundary
 * only when the next word is a typical sentence opener. */
static const char *const split_maybe_final[] = {
    "inc", "ltd", "co",  "corp",   "jr",  "sr",   "bros", "llc",  "plc",  "dept", "univ",
    "no",  "nos", "jan", "feb",    "mar", "apr",  "jun",  "jul",  "aug",  "sep",  "sept",
    "oct", "nov", "dec", "approx", "est", "fig",  "vol",  "ave",  "rd",   "blvd", "etc",
    "pp",  "op",  "ch",  "sq",     "oz",  "lb",   "lbs",  "yr",   "yrs",  "min",  "mins",
    "hrs", "km",  "cm",  "mm",     "kg",  "govt", "assn", "natl", "intl", NULL};

/* Capitalised words that commonly open a sentence (case-sensitive match on the next word). */
static const char *const split_openers[] = {
    "The",       "A",         "An",    "He",     "She",    "It",        "They",   "We",
    "I",         "You",       "But",   "And",    "In",     "On",        "At",     "This",
    "That",      "These",     "Those", "There",  "His",    "Her",       "Its",    "Their",
    "Our",       "My",        "As",    "After",  "When",   "If",        "While",  "However",
    "Meanwhile", "Yet",       "So",    "For",    "Some",   "Many",      "One",    "Two",
    "Three",     "Mr",        "Mrs",   "Ms",     "Dr",     "Officials", "Police", "Shares",
    "Last",      "Earlier",   "Later", "Now",    "Then",   "Both",      "Most",   "Other",
    "Another",   "According", "Since", "During", "Before", "Although",  "What",   "Who",
    "Why",       "How",       "Where", "No",     "Not",    "Such",      "Even",   "Still",
    "Also",      "Here",      "To",    "By",     "With",   "From",      "Under",  "Over",
    "Despite",   NULL};

void nf_split_opts_default(struct nf_split_opts *opts)
{
    opts->max_bytes = 2000;
    opts->max_spans = 0;
}

static int split_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int nf_split_is_space_cp(uint32_t cp)
{
    if (cp < 0x80) {
        return split_is_space((unsigned char)cp) || (cp >= 0x1C && cp <= 0x1F);
    }
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

size_t nf_split_space_len(const char *s, size_t avail)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0x80) {
        return nf_split_is_space_cp(p[0]) ? 1 : 0;
    }
    /* every non-ASCII space starts with C2, E1, E2 or E3: decode only those */
    if (p[0] != 0xC2 && p[0] != 0xE1 && p[0] != 0xE2 && p[0] != 0xE3) {
        return 0;
    }
    size_t adv;
    uint32_t cp = nf_utf8_decode(s, avail, &adv);
    return nf_split_is_space_cp(cp) ? adv : 0;
}

/* Byte length of the whitespace character that ends at b (after a), or 0. */
static size_t split_space_before(const char *text, size_t a, size_t b)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t p = b - 1;
    while (p > a && b - p < 4 && (t[p] & 0xC0) == 0x80) {
        p--;
    }
    size_t n = nf_split_space_len(text + p, b - p);
    return n == b - p ? n : 0;
}

static int split_is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static int split_is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int split_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int split_is_alpha(unsigned char c)
{
    return split_is_lower(c) || split_is_upper(c);
}

/* Bytes that can start a terminator: . ! ? and the lead bytes of "…" (E2) and "。！？" (E3, EF).
 * A table, because the splitter tests every byte of the text against it. */
static const unsigned char split_lead_byte[256] = {
    ['.'] = 1, ['!'] = 1, ['?'] = 1, [0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
};

/* Can a terminator start with byte c? */
static int split_term_lead(unsigned char c)
{
    return split_lead_byte[c];
}

/* Byte length of a terminator at p ('.', '!', '?', U+2026 ellipsis, CJK 。！？), else 0.
 * *cjk is set for the full-width ones, which end a sentence without a following space. */
static size_t split_terminator(const unsigned char *p, size_t avail, int *cjk)
{
    *cjk = 0;
    if (p[0] == '.' || p[0] == '!' || p[0] == '?') {
        return 1;
    }
    if (avail >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xA6) {
        return 3;
    }
    if (avail >= 3 && ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82) ||
                       (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x81 || p[2] == 0x9F)))) {
        *cjk = 1;
        return 3;
    }
    return 0;
}

/* Byte length of a closing quote or bracket at p, else 0. */
static size_t split_closer(const unsigned char *p, size_t avail)
{
    if (p[0] == '"' || p[0] == '\'' || p[0] == ')' || p[0] == ']' || p[0] == '}') {
        return 1;
    }
    if (avail >= 2 && p[0] == 0xC2 && p[1] == 0xBB) { /* » */
        return 2;
    }
    if (avail >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] == 0x99 || p[2] == 0x9D || p[2] == 0xBA)) { /* ’ ” › */
        return 3;
    }
    if (avail >= 3 && p[0] == 0xE3 && p[1] == 0x80 && (p[2] == 0x8D || p[2] == 0x8F)) { /* 」』 */
        return 3;
    }
    return 0;
}

/* Byte length of an opening quote or bracket at p, else 0. */
static size_t split_opener_punct(const unsigned char *p, size_t avail)
{
    if (p[0] == '"' || p[0] == '\'' || p[0] == '(' || p[0] == '[' || p[0] == '{') {
        return 1;
    }
    if (avail >= 2 && p[0] == 0xC2 && p[1] == 0xAB) { /* « */
        return 2;
    }
    if (avail >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] == 0x98 || p[2] == 0x9C || p[2] == 0xB9)) { /* ‘ “ ‹ */
        return 3;
    }
    return 0;
}

/* The lists hold short words: longer candidates are rejected before any comparison. */
#define SPLIT_WORD_MAX 10

static int split_in_list(const char *const *list, const char *w, size_t n)
{
    if (n > SPLIT_WORD_MAX) {
        return 0;
    }
    for (size_t i = 0; list[i]; i++) {
        if ((list[i][0] | 0x20) == (w[0] | 0x20) && strncasecmp(list[i], w, n) == 0 &&
            list[i][n] == '\0') {
            return 1;
        }
    }
    return 0;
}

static int split_in_list_exact(const char *const *list, const char *w, size_t n)
{
    if (n > SPLIT_WORD_MAX) {
        return 0;
    }
    for (size_t i = 0; list[i]; i++) {
        if (list[i][0] == w[0] && strncmp(list[i], w, n) == 0 && list[i][n] == '\0') {
            return 1;
        }
    }
    return 0;
}

/* Is [w, w+n) a dotted acronym without its final dot: "U.S", "e.g", "a.m", "U.K"? */
static int split_dotted(const unsigned char *w, size_t n)
{
    if (n < 3) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if ((i % 2 == 0 && !split_is_alpha(w[i])) || (i % 2 == 1 && w[i] != '.')) {
            return 0;
        }
    }
    return 1;
}

/* The word after the whitespace at k, skipping opening punctuation: is it a sentence opener? */
static int split_next_is_opener(const unsigned char *t, size_t k, size_t end)
{
    size_t n = k;
    while (n < end && split_is_alpha(t[n])) {
        n++;
    }
    return n > k && split_in_list_exact(split_openers, (const char *)t + k, n - k);
}

/* Decide a candidate boundary. s: sentence start; term: terminator start; k: first byte after
 * the whitespace that follows the terminator (k < end). ndots: the terminator run is exactly one
 * '.'. */
static int split_is_boundary(const unsigned char *t, size_t s, size_t term, int single_dot,
                             size_t k, size_t end)
{
    /* skip opening quotes/brackets to the first real character of the next sentence */
    size_t m = k;
    for (int guard = 0; guard < 4 && m < end; guard++) {
        size_t o = split_opener_punct(t + m, end - m);
        if (!o) {
            break;
        }
        m += o;
    }
    if (m >= end) {
        return 1;
    }
    unsigned char nc = t[m];
    if (split_is_lower(nc) || nc == ',' || nc == ';' || nc == ':' || nc == '%') {
        return 0; /* "e.g. the", "he paused... then", "Yahoo! said" */
    }
    if (!single_dot) {
        return 1;
    }
    /* the word before the dot: back to whitespace or an opening bracket/quote */
    size_t w = term;
    while (w > s && !split_is_space(t[w - 1]) && t[w - 1] != '(' && t[w - 1] != '"' &&
           t[w - 1] != '[' && t[w - 1] != '\'') {
        w--;
    }
    size_t wn = term - w;
    const unsigned char *wp = t + w;
    if (wn == 0) {
        return 1;
    }
    if (wn == 1 && split_is_upper(wp[0])) {
        return 0; /* an initial: "J. R. R. Tolkien" */
    }
    if (split_dotted(wp, wn)) {
        if (wn == 3 && ((wp[0] == 'e' && wp[2] == 'g') || (wp[0] == 'i' && wp[2] == 'e'))) {
            return 0;
        }
        return split_next_is_opener(t, m, end); /* "the U.S. The" ends, "U.S. troops" not */
    }
    if (split_in_list(split_titles, (const char *)wp, wn)) {
        return 0;
    }
    if (split_in_list(split_maybe_final, (const char *)wp, wn)) {
        if (split_is_digit(nc)) {
            return 0; /* "No. 10", "Dec. 5" */
        }
        return split_next_is_opener(t, m, end);
    }
    return 1;
}

static int split_push(struct nf_split_list *out, const char *text, size_t a, size_t b,
                      unsigned para, unsigned flags)
{
    size_t n;
    while (a < b && (n = nf_split_space_len(text + a, b - a)) != 0) {
        a += n;
    }
    while (b > a && (n = split_space_before(text, a, b)) != 0) {
        b -= n;
    }
    if (a == b) {
        return 0;
    }
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        struct nf_split_span *v = realloc(out->v, cap * sizeof(*v));
        if (!v) {
            return NF_ERR_NOMEM;
        }
        out->v = v;
        out->cap = cap;
    }
    out->v[out->n].start = a;
    out->v[out->n].end = b;
    out->v[out->n].para = para;
    out->v[out->n].flags = flags;
    out->n++;
    return 0;
}

/* Where to cut a sentence [s, i) that reached the bound (i < paragraph end): the last whitespace
 * in its second half, else i moved back to a UTF-8 character boundary. Always > s. */
static size_t split_cut_point(const unsigned char *t, size_t s, size_t i)
{
    for (size_t p = i; p > s + (i - s) / 2; p--) {
        if (split_is_space(t[p - 1])) {
            return p - 1;
        }
    }
    size_t p = i;
    while (p > s + 1 && (t[p] & 0xC0) == 0x80) {
        p--;
    }
    return p;
}

/* Split one paragraph [ps, pe). */
static int split_paragraph(const char *text, size_t ps, size_t pe, unsigned para,
                           const struct nf_split_opts *o, struct nf_split_list *out)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t s = ps;
    size_t i = ps;
    int err = 0;
    while (!err && i < pe) {
        if (o->max_spans && out->n >= o->max_spans) {
            out->truncated = 1;
            return 0;
        }
        if (i - s >= o->max_bytes) {
            size_t cut = split_cut_point(t, s, s + o->max_bytes);
            err = split_push(out, text, s, cut, para, NF_SPLIT_CUT);
            s = i = cut;
            continue;
        }
        /* skip ahead to the next byte that can start a terminator, within the length bound */
        size_t stop = s + o->max_bytes < pe ? s + o->max_bytes : pe;
        while (i < stop && !split_term_lead(t[i])) {
            i++;
        }
        if (i >= stop) {
            continue;
        }
        int cjk;
        size_t tl = split_terminator(t + i, pe - i, &cjk);
        if (!tl) {
            i++;
            continue;
        }
        /* the whole run of terminators ("?!", "...", "…") and the closers after it */
        size_t term = i;
        size_t j = i;
        int cjk_any = 0;
        size_t nterm = 0;
        while (j < pe && (tl = split_terminator(t + j, pe - j, &cjk)) != 0 && nterm < 64) {
            cjk_any |= cjk;
            j += tl;
            nterm++;
        }
        for (int guard = 0; guard < 4 && j < pe; guard++) {
            size_t c = split_closer(t + j, pe - j);
            if (!c) {
                break;
            }
            j += c;
        }
        int single_dot = (nterm == 1 && t[term] == '.');
        if (j >= pe) {
            i = j;
            break;
        }
        size_t sp = nf_split_space_len(text + j, pe - j);
        if (!sp) {
            if (cjk_any) {
                err = split_push(out, text, s, j, para, 0);
                s = j;
            }
            i = j;
            continue;
        }
        size_t k = j + sp;
        while (k < pe && (sp = nf_split_space_len(text + k, pe - k)) != 0) {
            k += sp;
        }
        if (k < pe && split_is_boundary(t, s, term, single_dot, k, pe)) {
            err = split_push(out, text, s, j, para, 0);
            s = k;
        }
        i = k;
    }
    if (!err && s < pe && !(o->max_spans && out->n >= o->max_spans)) {
        err = split_push(out, text, s, pe, para, 0);
    } else if (!err && s < pe) {
        out->truncated = 1;
    }
    return err;
}

int nf_split_text(const char *text, size_t len, const struct nf_split_opts *opts,
                  struct nf_split_list *out)
{
    struct nf_split_opts o;
    if (opts) {
        o = *opts;
    } else {
        nf_split_opts_default(&o);
    }
    if (o.max_bytes < 16) {
        o.max_bytes = 16;
    }
    const unsigned char *t = (const unsigned char *)text;
    size_t ps = 0;
    unsigned para = 0;
    int err = 0;
    while (!err && ps < len && !out->truncated) {
        /* the paragraph ends at "\n" [ \t\r]* "\n" */
        size_t pe = ps;
        size_t next = len;
        while (pe < len) {
            const unsigned char *nl = memchr(t + pe, '\n', len - pe);
            if (!nl) {
                pe = len;
                break;
            }
            pe = (size_t)(nl - t);
            size_t q = pe + 1;
            while (q < len && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r')) {
                q++;
            }
            if (q < len && t[q] == '\n') {
                next = q + 1;
                break;
            }
            pe++;
        }
        size_t before = out->n;
        err = split_paragraph(text, ps, pe, para, &o, out);
        if (out->n > before) {
            para++;
        }
        ps = next;
    }
    return err;
}

void nf_split_free(struct nf_split_list *list)
{
    free(list->v);
    memset(list, 0, sizeof(*list));
}
