/* boiler.c - recognisers for site chrome, used by the clean stage's extractor (extract.c):
 * class/id names of menus, share bars, cookie notices and the like, ARIA roles, and whole
 * paragraphs that are chrome ("Read more", "Visited 12 times", "Photo: Reuters").
 * The phrase and name lists are loaded from config/clean/ (class_*.txt, line_*.txt)
 * (nf_boiler_load) in the stage's init; date words, counters and ARIA roles describe fixed
 * conventions and stay in code.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boiler.h"
#include "newsflow/err.h"

#define MAX_LIST 4096     /* entries per list file at most */
#define MAX_ENTRY 200     /* bytes per entry at most */
#define MAX_LINE_LEN 1024 /* bytes per file line at most */

/* A pattern matched as a substring of one lower-cased class name (or the id). word = 1: only
 * where it starts a word (at the start or after '-', '_', ':', '.'), for short patterns that
 * occur inside ordinary words ("nav" in "canvas", "search" in "research"). */
struct pat {
    char *s;
    size_t len;
    size_t maxlen; /* line_prefix.txt only: the longest paragraph the prefix marks */
    int word;
    int number; /* line_prefix.txt only: a '#' in the prefix stands for a figure's number */
};

/* Lower-case len bytes of UTF-8 from s into dst, keeping the length: ASCII, Latin-1 and Latin
 * Extended-A letters ("Über" -> "über", "Łódź" -> "łódź"); other bytes are copied. */
static void lower_utf8(char *dst, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            dst[i] = (char)tolower(c);
            continue;
        }
        unsigned char c2 = i + 1 < len ? (unsigned char)s[i + 1] : 0;
        if (c < 0xC3 || c > 0xC5 || (c2 & 0xC0) != 0x80) {
            dst[i] = (char)c;
            continue;
        }
        unsigned cp = ((unsigned)(c & 0x1F) << 6) | (c2 & 0x3F), lo = cp;
        if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) {
            lo = cp + 0x20;
        } else if (cp == 0x178) {
            lo = 0xFF; /* Ÿ */
        } else if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) {
            lo = cp | 1;
        } else if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
            lo = cp + (cp & 1);
        }
        dst[i] = (char)(0xC0 | (lo >> 6));
        dst[i + 1] = (char)(0x80 | (lo & 0x3F));
        i++;
    }
}

/* One list file. Class patterns are sorted by their first byte, with first[c] .. first[c+1]
 * the range starting with byte c, so that a name is scanned once instead of once per pattern. */
struct patset {
    struct pat *p;
    size_t n;
    unsigned short first[257];
};

struct nf_boiler {
    struct patset drop, weak, pos; /* class_chrome.txt, class_weak.txt, class_content.txt */
    struct patset overlay;         /* class_overlay.txt */
    struct patset body;            /* class_body.txt */
    struct patset exact;           /* line_exact.txt, sorted for bsearch */
    struct patset prefix;          /* line_prefix.txt */
    struct patset credit;          /* line_credit.txt */
    struct patset promo;           /* line_promo.txt */
    struct patset cta;             /* line_cta.txt */
};

static int cmp_pat_first(const void *a, const void *b)
{
    const struct pat *x = a, *y = b;
    return (unsigned char)x->s[0] - (unsigned char)y->s[0];
}

static int cmp_pat_str(const void *a, const void *b)
{
    return strcmp(((const struct pat *)a)->s, ((const struct pat *)b)->s);
}

enum list_kind { L_NAMES, L_PHRASES, L_PREFIX };

/* Parse one entry of a list file (a trimmed line) into *pt. Returns 0, or -1 if malformed. */
static int parse_entry(char *line, enum list_kind kind, struct pat *pt)
{
    memset(pt, 0, sizeof(*pt));
    if (kind == L_PREFIX) {
        char *end = NULL;
        long ml = strtol(line, &end, 10);
        if (end == line || ml <= 0 || ml > 100000 || *end != ' ') {
            return -1;
        }
        pt->maxlen = (size_t)ml;
        line = end + 1;
    } else if (kind == L_NAMES && line[0] == '^') {
        pt->word = 1;
        line++;
    }
    size_t len = strlen(line);
    if (len == 0 || len > MAX_ENTRY) {
        return -1;
    }
    if (kind == L_NAMES) {
        for (size_t i = 0; i < len; i++) {
            line[i] = (char)tolower((unsigned char)line[i]);
        }
    } else {
        lower_utf8(line, line, len);
        if (kind == L_PREFIX && line[len - 1] == '_') {
            line[len - 1] = ' '; /* a trailing '_' stands for a space */
        }
        pt->number = kind == L_PREFIX && memchr(line, '#', len) != NULL;
    }
    pt->s = strdup(line);
    pt->len = len;
    return pt->s ? 0 : NF_ERR_NOMEM;
}

static void patset_free(struct patset *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->p[i].s);
    }
    free(ps->p);
    memset(ps, 0, sizeof(*ps));
}

/* Load dir/name into *ps. Returns 0 or a negative nf_err with errstr filled. */
static int patset_load(const char *dir, const char *name, enum list_kind kind, struct patset *ps,
                       char *errstr, size_t errstr_size)
{
    int err = 0;
    char path[4096], line[MAX_LINE_LEN + 2];
    size_t cap = 0, lineno = 0;
    FILE *f = NULL;
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "clean: path too long: %s", dir);
        goto done;
    }
    if (!(f = fopen(path, "r"))) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_NOENT, "clean: cannot open %s: %s", path,
                        strerror(errno));
        goto done;
    }
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        size_t len = strlen(line);
        if (len > MAX_LINE_LEN) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "clean: %s:%zu: line too long",
                            path, lineno);
            goto done;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                       line[len - 1] == '\t')) {
            line[--len] = '\0';
        }
        char *l = line;
        while (*l == ' ' || *l == '\t') {
            l++;
        }
        if (!*l || *l == '#') {
            continue;
        }
        if (ps->n == MAX_LIST) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "clean: %s: more than %d entries",
                            path, MAX_LIST);
            goto done;
        }
        if (ps->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct pat *np = realloc(ps->p, nc * sizeof(*np));
            if (!np) {
                err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "clean: out of memory");
                goto done;
            }
            ps->p = np;
            cap = nc;
        }
        int rc = parse_entry(l, kind, &ps->p[ps->n]);
        if (rc == NF_ERR_NOMEM) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "clean: out of memory");
            goto done;
        }
        if (rc) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "clean: %s:%zu: bad entry", path,
                            lineno);
            goto done;
        }
        ps->n++;
    }
    if (ferror(f)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_IO, "clean: cannot read %s", path);
        goto done;
    }
    if ((kind == L_NAMES || kind == L_PREFIX) && ps->n) {
        qsort(ps->p, ps->n, sizeof(ps->p[0]), cmp_pat_first);
    } else if (kind == L_PHRASES && ps->n) {
        qsort(ps->p, ps->n, sizeof(ps->p[0]), cmp_pat_str);
    }
    /* first[c]: the first pattern whose first byte is >= c */
    size_t k = 0;
    for (int c = 0; c < 256; c++) {
        while (k < ps->n && (unsigned char)ps->p[k].s[0] < c) {
            k++;
        }
        ps->first[c] = (unsigned short)k;
    }
    ps->first[256] = (unsigned short)ps->n;
done:
    if (f) {
        fclose(f);
    }
    return err;
}

int nf_boiler_load(const char *dir, struct nf_boiler **out, char *errstr, size_t errstr_size)
{
    int err = 0;
    struct nf_boiler *b = calloc(1, sizeof(*b));
    *out = NULL;
    if (!b) {
        return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "clean: out of memory");
    }
    if ((err = patset_load(dir, "class_chrome.txt", L_NAMES, &b->drop, errstr, errstr_size)) ||
        (err = patset_load(dir, "class_weak.txt", L_NAMES, &b->weak, errstr, errstr_size)) ||
        (err = patset_load(dir, "class_content.txt", L_NAMES, &b->pos, errstr, errstr_size)) ||
        (err = patset_load(dir, "class_overlay.txt", L_NAMES, &b->overlay, errstr, errstr_size)) ||
        (err = patset_load(dir, "class_body.txt", L_NAMES, &b->body, errstr, errstr_size)) ||
        (err = patset_load(dir, "line_exact.txt", L_PHRASES, &b->exact, errstr, errstr_size)) ||
        (err = patset_load(dir, "line_prefix.txt", L_PREFIX, &b->prefix, errstr, errstr_size)) ||
        (err = patset_load(dir, "line_credit.txt", L_PHRASES, &b->credit, errstr, errstr_size)) ||
        (err = patset_load(dir, "line_promo.txt", L_PHRASES, &b->promo, errstr, errstr_size)) ||
        (err = patset_load(dir, "line_cta.txt", L_PHRASES, &b->cta, errstr, errstr_size))) {
        goto done;
    }
    *out = b;
    b = NULL;
done:
    nf_boiler_free(b);
    return err;
}

void nf_boiler_free(struct nf_boiler *b)
{
    if (!b) {
        return;
    }
    patset_free(&b->drop);
    patset_free(&b->weak);
    patset_free(&b->pos);
    patset_free(&b->overlay);
    patset_free(&b->body);
    patset_free(&b->exact);
    patset_free(&b->prefix);
    patset_free(&b->credit);
    patset_free(&b->promo);
    patset_free(&b->cta);
    free(b);
}

static int word_start(const char *name, const char *at)
{
    if (at == name) {
        return 1;
    }
    char c = at[-1];
    return c == '-' || c == '_' || c == ':' || c == '.';
}

/* Does a pattern of ps occur in name (len bytes, lower-cased)? One scan of the name. */
static int match_any(const char *name, size_t len, const struct patset *ps)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        for (size_t k = ps->first[c]; k < ps->first[c + 1]; k++) {
            const struct pat *pt = &ps->p[k];
            if (pt->len <= len - i && !memcmp(name + i, pt->s, pt->len) &&
                (!pt->word || word_start(name, name + i))) {
                return 1;
            }
        }
    }
    return 0;
}

/* Does a phrase of ps occur in the NUL-terminated lower-cased s? */
static int contains_any(const char *s, const struct patset *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        if (strstr(s, ps->p[i].s)) {
            return 1;
        }
    }
    return 0;
}

/* Advertising names: "ad", "ads", "ad-slot", "top-ad", "adsbygoogle", "dfp-...". */
static int is_ad_name(const char *name, size_t len)
{
    if (!strcmp(name, "ad") || !strcmp(name, "ads") || !strncmp(name, "ad-", 3) ||
        !strncmp(name, "ads-", 4) || !strncmp(name, "ad_", 3) ||
        !strncmp(name, "adsbygoogle", 11) || !strncmp(name, "dfp", 3) || strstr(name, "-ad-") ||
        strstr(name, "_ad_") || strstr(name, "-ads-")) {
        return 1;
    }
    return (len > 3 && (!strcmp(name + len - 3, "-ad") || !strcmp(name + len - 3, "_ad"))) ||
           (len > 4 && !strcmp(name + len - 4, "-ads"));
}

/* Classify one name: *neg / *pos / *weak set when it matches. */
static void classify_name(const struct nf_boiler *b, const char *raw, size_t len, int *drop,
                          int *weak, int *pos, int *overlay, int *body)
{
    char name[80];
    if (len >= sizeof(name)) {
        len = sizeof(name) - 1;
    }
    for (size_t i = 0; i < len; i++) {
        name[i] = (char)tolower((unsigned char)raw[i]);
    }
    name[len] = '\0';
    /* a chrome word in the same name wins over a content word: "related-content",
     * "comment-body", "article-share" are chrome; "subheadline" is not a header */
    if ((match_any(name, len, &b->drop) || is_ad_name(name, len)) && !strstr(name, "subhead") &&
        strcmp(name, "hentry") && !strstr(name, "main-content") && !strstr(name, "main-canvas")) {
        *drop = 1;
        *overlay |= match_any(name, len, &b->overlay);
    } else if (match_any(name, len, &b->weak)) {
        *weak = 1;
    } else if (match_any(name, len, &b->pos)) {
        *pos = 1;
        *body |= match_any(name, len, &b->body);
    }
}

/* Class names are split on whitespace; each is judged alone. */
static void classify_attr(const struct nf_boiler *b, const char *v, int *drop, int *weak, int *pos,
                          int *overlay, int *body)
{
    const char *p = v;
    int guard = 0;
    while (*p && guard++ < 32) {
        while (*p && isspace((unsigned char)*p)) {
            p++;
        }
        const char *s = p;
        while (*p && !isspace((unsigned char)*p)) {
            p++;
        }
        if (p > s) {
            classify_name(b, s, (size_t)(p - s), drop, weak, pos, overlay, body);
        }
    }
}

void nf_boiler_judge(const struct nf_boiler *b, const char *attr, struct nf_boiler_verdict *v)
{
    int drop = 0, weak = 0, pos = 0, overlay = 0, body = 0;
    if (attr) {
        classify_attr(b, attr, &drop, &weak, &pos, &overlay, &body);
    }
    v->body = (unsigned char)body;
    v->overlay = (unsigned char)overlay;
    v->drop = (unsigned char)drop;
    v->weak = (unsigned char)weak;
    v->pos = (unsigned char)pos;
}

int nf_boiler_combine(const struct nf_boiler_verdict *cls, const struct nf_boiler_verdict *id,
                      int *weight)
{
    int w = 0;
    w += (cls->drop || cls->weak) ? -25 : 0;
    w += cls->pos ? 25 : 0;
    w += (id->drop || id->weak) ? -25 : 0;
    w += id->pos ? 25 : 0;
    if (weight) {
        *weight = w;
    }
    return (cls->drop || id->drop) && !cls->pos && !id->pos;
}

int nf_boiler_overlay(const struct nf_boiler_verdict *cls, const struct nf_boiler_verdict *id)
{
    return (cls->overlay || id->overlay) && !cls->pos && !id->pos;
}

int nf_boiler_classify(const struct nf_boiler *b, const char *cls, const char *id, int *weight)
{
    struct nf_boiler_verdict c, i;
    nf_boiler_judge(b, cls, &c);
    nf_boiler_judge(b, id, &i);
    return nf_boiler_combine(&c, &i, weight);
}

int nf_boiler_role_drops(const char *role)
{
    static const char *const roles[] = {
        "navigation",  "menu",   "menubar", "complementary", "banner",  "contentinfo", "alert",
        "alertdialog", "dialog", "search",  "toolbar",       "tooltip", NULL};
    for (size_t i = 0; roles[i]; i++) {
        if (!strcasecmp(role, roles[i])) {
            return 1;
        }
    }
    return 0;
}

/* Month and weekday names (English, German, French, Spanish: the first letters are enough) for
 * recognising a line that is only a date ("Sunday 16 February 2025", "27. Mai 2024, 14:00"). */
static const char *const date_words[] = {
    "jan",     "feb",      "mar",  "apr",    "may",      "jun",      "jul",        "aug",
    "sep",     "oct",      "nov",  "dec",    "mon",      "tue",      "wed",        "thu",
    "fri",     "sat",      "sun",  "januar", "februar",  "märz",     "mai",        "juni",
    "juli",    "okt",      "dez",  "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
    "samstag", "sonntag",  "janv", "févr",   "mars",     "avr",      "juin",       "juil",
    "août",    "sept",     "déc",  "lundi",  "mardi",    "mercredi", "jeudi",      "vendredi",
    "samedi",  "dimanche", "ene",  "abr",    "ago",      "dic",      "am",         "pm",
    "at",      "um",       "uhr",  "à",      "h",        "de",       "del",        "le",
    "utc",     "gmt",      "est",  "cet",    "cest",     NULL,
};

/* "1,234 views", "12 shares", "5 comments": a number then one counter word. */
static int is_counter_line(const char *s)
{
    const char *p = s;
    if (!isdigit((unsigned char)*p)) {
        return 0;
    }
    while (isdigit((unsigned char)*p) || *p == ',' || *p == '.' || *p == 'k') {
        p++;
    }
    while (*p == ' ') {
        p++;
    }
    static const char *const words[] = {
        "views",      "view",         "reads",       "shares",     "share",       "comments",
        "comment",    "likes",        "visits",      "min read",   "minute read", "minutes read",
        "kb",         "mb",           "kommentare",  "kommentar",  "aufrufe",     "comentarios",
        "comentario", "commentaires", "commentaire", "komentarze", "komentarzy",  NULL};
    for (size_t i = 0; words[i]; i++) {
        if (!strcmp(p, words[i])) {
            return 1;
        }
    }
    return 0;
}

/* A short line made only of numbers, month/weekday names and separators, with a digit. */
static int is_date_line(const char *low, size_t n)
{
    if (n > 60) {
        return 0;
    }
    int digits = 0, words = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)low[i];
        if (isdigit(c)) {
            digits++;
            i++;
        } else if (isalpha(c) || c >= 0x80) {
            size_t s = i;
            while (i < n && (isalpha((unsigned char)low[i]) || (unsigned char)low[i] >= 0x80)) {
                i++;
            }
            int ok = 0;
            for (size_t k = 0; date_words[k] && !ok; k++) {
                size_t kl = strlen(date_words[k]);
                /* a name or its start: "feb", "february", "sonntag" */
                ok = i - s >= kl && !memcmp(low + s, date_words[k], kl) && (kl >= 3 || i - s == kl);
            }
            if (!ok) {
                return 0;
            }
            words++;
        } else {
            i++;
        }
    }
    /* a date needs a name or enough digits; "19:49" (a time) counts too */
    return digits > 0 && (words > 0 || digits >= 6 || (digits == 4 && n <= 5));
}

static int has_alnum(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c >= 0x80) {
            /* any non-ASCII byte might be a letter; only pure ASCII punctuation is dropped */
            if (c >= 0x80) {
                /* common symbol-only sequences: bullets, arrows, middle dot, NBSP */
                if (c == 0xC2 && i + 1 < len &&
                    ((unsigned char)s[i + 1] == 0xA0 || (unsigned char)s[i + 1] == 0xB7 ||
                     (unsigned char)s[i + 1] == 0xBB || (unsigned char)s[i + 1] == 0xAB)) {
                    i++;
                    continue;
                }
                if (c == 0xE2) {
                    i += 2;
                    continue;
                }
            }
            return 1;
        }
    }
    return 0;
}

#define FILE_LINK_MAX_BYTES 150 /* a document's link line: its title, type and size */

/* A link to a document with its type and size ("Report 2024 (PDF, 245 KB)", "Merkblatt PDF |
 * 38 KB | barrierefrei"): "pdf" and a number of kilo- or megabytes in one short line that is
 * not a sentence ("The 40 MB PDF reached reporters." is text). */
static int is_file_link(const char *low, size_t n)
{
    if (n >= FILE_LINK_MAX_BYTES || !n || strchr(".!?", low[n - 1]) || !strstr(low, "pdf")) {
        return 0;
    }
    for (size_t i = 0; i + 2 < n; i++) {
        if (!isdigit((unsigned char)low[i])) {
            continue;
        }
        size_t k = i + 1;
        if (low[k] == ' ') {
            k++;
        }
        if (k + 2 <= n && (low[k] == 'k' || low[k] == 'm') && low[k + 1] == 'b' &&
            (k + 2 == n || !isalpha((unsigned char)low[k + 2]))) {
            return 1;
        }
    }
    return 0;
}

#define FIELDS_MAX_BYTES 150 /* a line of fields: a post's date, author, section, counters */
#define FIELDS_MIN_BARS 2    /* ... separated by this many " | " at least */

/* A short line of fields separated by " | " that is not a sentence: a breadcrumb, a row of
 * tabs, a post's meta line ("Freitag | 14. Juni 2019 | VON Jane Roe IN Mode | 0 Kommentare"). */
static int is_field_line(const char *low, size_t n)
{
    if (n >= FIELDS_MAX_BYTES || !n || memchr(low, '\n', n) || strchr(".!?", low[n - 1])) {
        return 0;
    }
    int bars = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        bars += low[i] == '|' && low[i - 1] == ' ' && low[i + 1] == ' ';
    }
    return bars >= FIELDS_MIN_BARS;
}

#define POINTER_MAX_BYTES 120 /* a line that only points to a link is shorter */

/* A short line that only points to a link ("Weitere Informationen finden Sie hier", "Alle
 * Ergebnisse findest du hier"): its end, the trailing punctuation already cut, says so. */
static int is_pointer_line(const char *low, size_t n)
{
    static const char *const ends[] = {" finden sie hier", " findest du hier", " findet ihr hier",
                                       NULL};
    if (n >= POINTER_MAX_BYTES) {
        return 0;
    }
    for (size_t i = 0; ends[i]; i++) {
        size_t el = strlen(ends[i]);
        if (n > el && !memcmp(low + n - el, ends[i], el)) {
            return 1;
        }
    }
    return 0;
}

/* Does the lower-cased line (n bytes) start with the prefix pattern pt? A '#' in the pattern
 * takes a number, or none: spaces, digits and the dots or dashes inside "4.1" or "6-2"
 * ("abbildung#:" matches "Abbildung:" and "Abbildung 12:"). */
static int prefix_match(const char *low, size_t n, const struct pat *pt)
{
    if (n > pt->maxlen) {
        return 0;
    }
    if (!pt->number) {
        return n >= pt->len && !memcmp(low, pt->s, pt->len);
    }
    size_t i = 0;
    for (size_t k = 0; k < pt->len; k++) {
        if (pt->s[k] != '#') {
            if (i >= n || low[i] != pt->s[k]) {
                return 0;
            }
            i++;
            continue;
        }
        while (i < n && (low[i] == ' ' || isdigit((unsigned char)low[i]) ||
                         ((low[i] == '.' || low[i] == '-') && i > 0 &&
                          isdigit((unsigned char)low[i - 1])))) {
            i++;
        }
    }
    return 1;
}

int nf_boiler_line(const struct nf_boiler *b, const char *s, size_t len)
{
    if (!has_alnum(s, len)) {
        return 1;
    }
    if (len > 300) {
        return 0;
    }
    char low[304];
    size_t n = len;
    lower_utf8(low, s, len);
    low[n] = '\0';
    /* the "visit(s) today" counter of WordPress's post-views plugins, anywhere in a short line */
    if (n < 120 && strstr(low, "visit(s) today")) {
        return 1;
    }
    /* a download link */
    if (n < 100 && (strstr(low, "als pdf herunterladen") || strstr(low, "download pdf") ||
                    strstr(low, "download as pdf"))) {
        return 1;
    }
    if (is_file_link(low, n) || is_field_line(low, n)) {
        return 1;
    }
    if (n) {
        unsigned char c = (unsigned char)low[0];
        for (size_t k = b->prefix.first[c]; k < b->prefix.first[c + 1]; k++) {
            if (prefix_match(low, n, &b->prefix.p[k])) {
                return 1;
            }
        }
    }
    /* strip trailing punctuation, arrows and ellipses for the exact comparisons */
    while (n > 0) {
        unsigned char c = (unsigned char)low[n - 1];
        if (c == ' ' || c == ':' || c == '.' || c == '!' || c == '?' || c == '>' || c == '|' ||
            c == ')' || c == '(' || c == '+') {
            n--;
        } else if (n >= 2 && (unsigned char)low[n - 2] == 0xC2 && (c == 0xBB || c == 0xA0)) {
            n -= 2; /* » or NBSP */
        } else if (n >= 3 && (unsigned char)low[n - 3] == 0xE2) {
            n -= 3; /* arrows, ellipsis, single guillemets */
        } else {
            break;
        }
    }
    low[n] = '\0';
    if (is_pointer_line(low, n)) {
        return 1;
    }
    struct pat key = {.s = low};
    if (b->exact.n && bsearch(&key, b->exact.p, b->exact.n, sizeof(key), cmp_pat_str)) {
        return 1;
    }
    if (n < 250) {
        /* a caption ending in its credit: "... Photograph: Jane Roe/Agency" */
        static const char *const tails[] = {"photograph:", "photo:", "foto:", "bild:", "credit:",
                                            "\xc2\xa9",    "(photo", "(foto", NULL};
        const char *from = n > 70 ? low + n - 70 : low;
        for (size_t i = 0; tails[i]; i++) {
            if (strstr(from, tails[i])) {
                return 1;
            }
        }
    }
    if (n < 80) {
        if (contains_any(low, &b->credit)) {
            return 1;
        }
    } else if (n < 250 && len > 0 && s[len - 1] == ')') {
        /* a caption that closes with its credit in brackets: "... (Name / iStock.com)" */
        char *open = strrchr(low, '(');
        if (open && low + n - open < 60 && contains_any(open, &b->credit)) {
            return 1;
        }
    }
    return (n < 40 && is_counter_line(low)) || is_date_line(low, n);
}

/* Whether the lower-cased line holds a phrase of ps (lines over 300 bytes never do). */
static int line_has(const struct patset *ps, const char *s, size_t len)
{
    if (len > 300) {
        return 0;
    }
    char low[304];
    lower_utf8(low, s, len);
    low[len] = '\0';
    return contains_any(low, ps);
}

int nf_boiler_promo(const struct nf_boiler *b, const char *s, size_t len)
{
    return line_has(&b->promo, s, len);
}

int nf_boiler_cta(const struct nf_boiler *b, const char *s, size_t len)
{
    return line_has(&b->cta, s, len);
}

#define AUTHOR_LABEL_MAX_BYTES 40 /* an author box's title is short */

int nf_boiler_author_label(const char *s, size_t len)
{
    static const char *const labels[] = {
        "autor",          "autorin",         "autoren",          "author",
        "authors",        "der autor",       "die autorin",      "die autoren",
        "the author",     "über den autor",  "über die autorin", "über die autoren",
        "zum autor",      "zur autorin",     "about the author", "about the authors",
        "sobre el autor", "sobre la autora", "l'auteur",         "à propos de l'auteur",
        "o autorze",      "kontakt",         "pressekontakt",    "medienkontakt",
        "press contact",  "media contact",   "contact presse",   NULL};
    if (len > AUTHOR_LABEL_MAX_BYTES) {
        return 0;
    }
    char low[AUTHOR_LABEL_MAX_BYTES + 1];
    lower_utf8(low, s, len);
    while (len > 0 && (low[len - 1] == ':' || low[len - 1] == ' ')) {
        len--;
    }
    low[len] = '\0';
    for (size_t i = 0; labels[i]; i++) {
        if (!strcmp(low, labels[i])) {
            return 1;
        }
    }
    return 0;
}
