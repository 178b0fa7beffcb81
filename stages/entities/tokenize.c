/* tokenize.c - the entities stage's word tokenizer: UTF-8 text -> words, numbers and punctuation
 * with byte offsets and case flags (see tokenize.h). Hyphenated names (Kim Jong-un, Wonsan-Kalma)
 * stay one token, a possessive 's is split off (Ukraine's -> Ukraine + 's), and initials and
 * abbreviations keep their period (U.S., Dr., a.m.). Case is judged for Latin, Greek and Cyrillic.
 */
#include "tokenize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"
#include "newsflow/util.h"

enum cp_class { C_SPACE, C_NEWLINE, C_PUNCT, C_DIGIT, C_UPPER, C_LOWER, C_LETTER };

/* Abbreviations that keep their period (lower case, without the period). Single letters are
 * handled separately (initials and U.S.-style chains). */
static const char *const abbrevs[] = {
    "mr",   "mrs",  "ms",   "dr",  "prof",  "st",     "jr",   "sr",   "corp", "inc",  "ltd",
    "co",   "gen",  "sen",  "rep", "gov",   "lt",     "col",  "capt", "sgt",  "adm",  "maj",
    "rev",  "mt",   "ft",   "no",  "vs",    "jan",    "feb",  "mar",  "apr",  "aug",  "sep",
    "sept", "oct",  "nov",  "dec", "bros",  "messrs", "cmdr", "supt", "insp", "est",  "approx",
    "dept", "univ", "assn", "fla", "calif", "mich",   "ariz", "conn", "okla", "tenn", "colo",
    "minn", "wis",  "nev",  "neb", "ky",    "md",     NULL,
};

static enum cp_class classify(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') {
            return C_NEWLINE;
        }
        if (cp == ' ' || cp == '\t') {
            return C_SPACE;
        }
        if (cp >= '0' && cp <= '9') {
            return C_DIGIT;
        }
        if (cp >= 'A' && cp <= 'Z') {
            return C_UPPER;
        }
        if (cp >= 'a' && cp <= 'z') {
            return C_LOWER;
        }
        return C_PUNCT;
    }
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        return C_NEWLINE;
    }
    if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F ||
        cp == 0x3000 || cp == 0xFEFF) {
        return C_SPACE;
    }
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
        (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFFFD || (cp >= 0xFE30 && cp <= 0xFE6F)) {
        return C_PUNCT;
    }
    if (cp <= 0xDE) {
        return C_UPPER;
    }
    if (cp <= 0xFF) {
        return C_LOWER;
    }
    if (cp <= 0x17F) {
        /* Latin Extended-A alternates upper/lower (close enough for name finding) */
        return (cp & 1) ? C_LOWER : C_UPPER;
    }
    if (cp >= 0x391 && cp <= 0x3A9) {
        return C_UPPER;
    }
    if (cp >= 0x3AA && cp <= 0x3FF) {
        return C_LOWER;
    }
    if (cp >= 0x400 && cp <= 0x42F) {
        return C_UPPER;
    }
    if (cp >= 0x430 && cp <= 0x45F) {
        return C_LOWER;
    }
    if (cp >= 0x460 && cp <= 0x4FF) {
        return (cp & 1) ? C_LOWER : C_UPPER;
    }
    if (cp >= 0x180 && cp <= 0x24F) {
        return C_LOWER;
    }
    return C_LETTER; /* caseless scripts: CJK, Arabic, Hebrew, ... */
}

static int is_alnum(enum cp_class c)
{
    return c == C_DIGIT || c == C_UPPER || c == C_LOWER || c == C_LETTER;
}

static int is_alpha(enum cp_class c)
{
    return c == C_UPPER || c == C_LOWER || c == C_LETTER;
}

/* Decode at i (bounded by len): class and byte length; class C_PUNCT, length 1 on junk. */
static enum cp_class peek(const char *s, size_t len, size_t i, uint32_t *cpp, size_t *adv)
{
    uint32_t cp;
    if (i >= len) {
        *adv = 0;
        if (cpp) {
            *cpp = 0;
        }
        return C_SPACE;
    }
    if (nf_utf8_seqlen((const unsigned char *)s + i, len - i) == 0) {
        *adv = 1;
        if (cpp) {
            *cpp = 0xFFFD;
        }
        return C_PUNCT;
    }
    cp = nf_utf8_decode(s + i, len - i, adv);
    if (cpp) {
        *cpp = cp;
    }
    return classify(cp);
}

static int is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

static int is_hyphen(uint32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

static int push(struct nf_ent_toks *t, size_t b0, size_t b1, unsigned kind, unsigned flags)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        struct nf_ent_tok *v = realloc(t->v, cap * sizeof(*v));
        if (!v) {
            return NF_ERR_NOMEM;
        }
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n].b0 = b0;
    t->v[t->n].b1 = b1;
    t->v[t->n].kind = kind;
    t->v[t->n].flags = flags;
    t->n++;
    return 0;
}

static int is_abbrev(const char *s, size_t b0, size_t b1)
{
    char low[16];
    size_t i;
    if (nf_ent_tok_lower(s, b0, b1, low, sizeof(low)) == 0) {
        return 0;
    }
    for (i = 0; abbrevs[i]; i++) {
        if (strcmp(low, abbrevs[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Scan a word or number starting at i; returns its end and sets *flags (case, digit, hyphen,
 * period, possessive). */
static size_t scan_word(const char *s, size_t len, size_t i, unsigned *flags)
{
    size_t j = i, adv, adv2, nletters = 0, nupper = 0, ncp = 0;
    uint32_t cp, cp2;
    enum cp_class c, c2, prev = C_SPACE;
    unsigned f = 0;

    for (;;) {
        c = peek(s, len, j, &cp, &adv);
        if (adv == 0) {
            break;
        }
        if (is_alnum(c)) {
            if (ncp == 0) {
                f |= c == C_UPPER ? NF_TOKF_CAP : c == C_LOWER ? NF_TOKF_LOWER : 0;
            }
            if (is_alpha(c)) {
                nletters++;
                nupper += c == C_UPPER;
            } else {
                f |= NF_TOKF_DIGIT;
            }
            prev = c;
            ncp++;
            j += adv;
            continue;
        }
        c2 = peek(s, len, j + adv, &cp2, &adv2);
        if (is_hyphen(cp) && is_alnum(prev) && is_alnum(c2)) {
            f |= NF_TOKF_HYPHEN;
        } else if (is_apostrophe(cp) && is_alpha(prev) && is_alpha(c2)) {
            size_t adv3;
            enum cp_class c3 = peek(s, len, j + adv + adv2, NULL, &adv3);
            if ((cp2 == 's' || cp2 == 'S') && !is_alnum(c3)) {
                f |= NF_TOKF_POSS; /* Ukraine's: the 's is not part of the name */
                break;
            }
        } else if ((cp == ',' || cp == '.' || cp == ':' || cp == '/') && prev == C_DIGIT &&
                   c2 == C_DIGIT) {
            /* 11,000  3.5  10:30  1996/97 */
        } else {
            break;
        }
        prev = c;
        ncp++;
        j += adv + adv2;
        if (is_alpha(c2)) {
            nletters++;
            nupper += c2 == C_UPPER;
        } else if (c2 == C_DIGIT) {
            f |= NF_TOKF_DIGIT;
        }
        prev = c2;
        ncp++;
    }
    /* Keep the period of initials, U.S.-style chains and known abbreviations. */
    if (j < len && s[j] == '.' && !(f & NF_TOKF_DIGIT)) {
        if (nletters == 1 && ncp == 1) {
            j++;
            /* U.S.A. / a.m.: single letters each followed by a period */
            for (;;) {
                c = peek(s, len, j, &cp, &adv);
                if (!is_alpha(c) || j + adv >= len || s[j + adv] != '.') {
                    break;
                }
                c2 = peek(s, len, j + adv + 1, NULL, &adv2);
                if (is_alnum(c2)) {
                    break;
                }
                nletters++;
                nupper += c == C_UPPER;
                j += adv + 1;
            }
            f |= NF_TOKF_PERIOD;
        } else if (is_abbrev(s, i, j) && j + 1 < len && s[j + 1] != '\n' && s[j + 1] != '\r') {
            /* at the end of a line or text the period rather ends the sentence */
            j++;
            f |= NF_TOKF_PERIOD;
        }
    }
    if (nletters >= 2 && nupper == nletters) {
        f |= NF_TOKF_ALLCAPS;
    }
    *flags = f;
    return j;
}

/* Words that stay lower case in Title Case headlines. */
static int is_function_word(const char *s, const struct nf_ent_toks *t, size_t k)
{
    static const char *const fw[] = {"a",    "an",   "the", "of",   "to",    "in",   "on",
                                     "at",   "by",   "for", "and",  "or",    "as",   "with",
                                     "from", "into", "vs",  "over", "after", "amid", NULL};
    size_t i, n = t->v[k].b1 - t->v[k].b0;
    for (i = 0; fw[i]; i++) {
        if (strlen(fw[i]) == n && memcmp(fw[i], s + t->v[k].b0, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Mark tokens on lines written mostly in capitals (headlines, datelines). */
static void mark_caps_lines(const char *s, struct nf_ent_toks *t)
{
    size_t line0 = 0, i, k;
    for (i = 0; i <= t->n; i++) {
        if (i < t->n && (i == line0 || !(t->v[i].flags & NF_TOKF_NEWLINE))) {
            continue;
        }
        /* tokens line0 .. i-1 form one line: a headline if mostly in capitals, or in Title
         * Case (4+ capitalised words, every lower-case word a function word; not a list or a
         * results line: no numbers, at most one comma) */
        size_t words = 0, allcaps = 0, cap = 0, longlower = 0, nums = 0, commas = 0;
        for (k = line0; k < i; k++) {
            unsigned f = t->v[k].flags;
            nums += t->v[k].kind == NF_TOK_NUM;
            commas += t->v[k].kind == NF_TOK_PUNCT && s[t->v[k].b0] == ',';
            if (t->v[k].kind == NF_TOK_WORD && (f & (NF_TOKF_CAP | NF_TOKF_LOWER))) {
                words++;
                allcaps += (f & NF_TOKF_ALLCAPS) != 0;
                cap += (f & NF_TOKF_CAP) != 0;
                longlower += (f & NF_TOKF_LOWER) && !is_function_word(s, t, k);
            }
        }
        if ((allcaps > 0 && allcaps * 10 >= words * 6) ||
            (cap >= 4 && longlower == 0 && cap * 10 >= words * 6 && nums == 0 && commas <= 1)) {
            for (k = line0; k < i; k++) {
                t->v[k].flags |= NF_TOKF_CAPS_LINE;
            }
        }
        line0 = i;
    }
}

int nf_ent_tokenize(const char *s, size_t len, size_t max_tokens, struct nf_ent_toks *out)
{
    size_t i = 0, adv, end;
    unsigned pend = NF_TOKF_NEWLINE; /* flags for the next token: space / newline before */
    int sent = 1, rc = 0;
    int lead_paren = 0; /* a "(" opened the line: "(CNN) Atop the list..." */
    uint32_t cp;
    enum cp_class c;

    out->n = 0;
    while (i < len) {
        unsigned f;
        c = peek(s, len, i, &cp, &adv);
        if (c == C_SPACE || c == C_NEWLINE) {
            pend |= NF_TOKF_SPACE;
            if (c == C_NEWLINE) {
                pend |= NF_TOKF_NEWLINE;
                sent = 1;
            }
            i += adv;
            continue;
        }
        if (out->n >= max_tokens) {
            rc = NF_ERR_LIMIT;
            goto done;
        }
        if (is_alnum(c)) {
            end = scan_word(s, len, i, &f);
            f |= pend | (sent ? NF_TOKF_SENT_START : 0);
            sent = 0;
            if ((rc = push(out, i, end, c == C_DIGIT ? NF_TOK_NUM : NF_TOK_WORD, f)) != 0) {
                goto done;
            }
            i = end;
            if (f & NF_TOKF_POSS) {
                /* the 's: apostrophe plus one letter */
                peek(s, len, i, NULL, &adv);
                end = i + adv + 1;
                if ((rc = push(out, i, end, NF_TOK_PUNCT, 0)) != 0) {
                    goto done;
                }
                i = end;
            }
        } else {
            if ((rc = push(out, i, i + adv, NF_TOK_PUNCT, pend)) != 0) {
                goto done;
            }
            /* a sentence also starts after a colon or a spaced dash ("ITALY - Bond futures") */
            if (cp == '(' && (pend & NF_TOKF_NEWLINE)) {
                lead_paren = 1;
            } else if (cp == ')' && lead_paren) {
                lead_paren = 0;
                sent = 1; /* after a "(CNN)"-style dateline a sentence starts */
            }
            if (cp == '.' || cp == '!' || cp == '?' || cp == ':' ||
                ((cp == '-' || cp == 0x2013 || cp == 0x2014) && (pend & NF_TOKF_SPACE) &&
                 i + adv < len && (s[i + adv] == ' ' || s[i + adv] == '-'))) {
                sent = 1;
            }
            i += adv;
        }
        pend = 0;
    }
    mark_caps_lines(s, out);
done:
    return rc;
}

void nf_ent_toks_free(struct nf_ent_toks *t)
{
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

size_t nf_ent_tok_lower(const char *text, size_t b0, size_t b1, char *out, size_t out_size)
{
    size_t n = b1 - b0, k;
    if (b1 < b0 || n + 1 > out_size) {
        return 0;
    }
    for (k = 0; k < n; k++) {
        unsigned char ch = (unsigned char)text[b0 + k];
        if (ch >= 'A' && ch <= 'Z') {
            ch = (unsigned char)(ch + 32);
        } else if (ch == 0xC3 && k + 1 < n) {
            /* Latin-1 capitals U+00C0..U+00DE (not U+00D7) are C3 80..9E: lower is +0x20 */
            unsigned char nx = (unsigned char)text[b0 + k + 1];
            out[k] = (char)ch;
            k++;
            out[k] = (char)((nx >= 0x80 && nx <= 0x9E && nx != 0x97) ? nx + 0x20 : nx);
            continue;
        }
        out[k] = (char)ch;
    }
    out[n] = '\0';
    return n;
}
