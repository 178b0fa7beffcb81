/* lexicon.c - interning table, stopword list and word tokenizer for the summarize stage
 * (see lexicon.h). Everything here is byte-exact and order-stable: no locale, no hash seeds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexicon.h"
#include "newsflow/err.h"
#include "splitter.h"

#define LEX_KEY_MAX 96 /* longer words are not terms */

/* A fixed, seedless hash (8 bytes a step): slot order never leaks into the output, but keeping
 * it seedless keeps runs reproducible under a debugger too. */
static uint64_t lex_hash(const char *key, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, key + i, 8);
        h = (h ^ v) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    uint64_t v = 0;
    if (i < n && n >= 8) {
        memcpy(&v, key + n - 8, 8); /* the last 8 bytes, overlapping the ones already mixed */
    } else if (n >= 4) {
        /* 4..7 bytes: the first four and the last four cover them all (wyhash's trick) */
        uint32_t lo;
        uint32_t hi;
        memcpy(&lo, key, 4);
        memcpy(&hi, key + n - 4, 4);
        v = lo | (uint64_t)hi << 32;
    } else if (n > 0) {
        const unsigned char *k = (const unsigned char *)key;
        v = k[0] | (uint64_t)k[n / 2] << 8 | (uint64_t)k[n - 1] << 16;
    }
    h = (h ^ v) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
    return h;
}

static int lex_rehash(struct nf_lex_table *t, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof(*slots));
    if (!slots) {
        return NF_ERR_NOMEM;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    for (uint32_t id = 0; id < t->n; id++) {
        size_t h = (size_t)t->hash[id] & (nslots - 1);
        while (t->slots[h]) {
            h = (h + 1) & (nslots - 1);
        }
        t->slots[h] = id + 1;
    }
    return 0;
}

/* Slot holding key (hash h), or the empty slot where it would go; *id gets the id or NONE. */
static size_t lex_probe(const struct nf_lex_table *t, const char *key, size_t n, uint64_t h,
                        uint32_t *id)
{
    /* the load factor stays <= 1/2, so an empty slot always ends the probe */
    size_t at = (size_t)h & (t->nslots - 1);
    while (t->slots[at]) {
        uint32_t cand = t->slots[at] - 1;
        if (t->hash[cand] == h && t->len[cand] == n &&
            memcmp(t->keys.data + t->off[cand], key, n) == 0) {
            *id = cand;
            return at;
        }
        at = (at + 1) & (t->nslots - 1);
    }
    *id = NF_LEX_NONE;
    return at;
}

static int lex_grow(struct nf_lex_table *t, size_t cap)
{
    size_t *off = realloc(t->off, cap * sizeof(*off));
    if (!off) {
        return NF_ERR_NOMEM;
    }
    t->off = off;
    uint32_t *len = realloc(t->len, cap * sizeof(*len));
    if (!len) {
        return NF_ERR_NOMEM;
    }
    t->len = len;
    uint64_t *hash = realloc(t->hash, cap * sizeof(*hash));
    if (!hash) {
        return NF_ERR_NOMEM;
    }
    t->hash = hash;
    t->cap = cap;
    return 0;
}

int nf_lex_table_reserve(struct nf_lex_table *t, size_t n)
{
    size_t nslots = 256;
    while (nslots < 2 * n && nslots < ((size_t)1 << 31)) {
        nslots *= 2;
    }
    int err = nslots > t->nslots ? lex_rehash(t, nslots) : 0;
    if (!err && n > t->cap) {
        err = lex_grow(t, n);
    }
    if (!err) {
        err = nf_buf_reserve(&t->keys, n * 8); /* keys average under 8 bytes */
    }
    return err;
}

uint32_t nf_lex_table_find(const struct nf_lex_table *t, const char *key, size_t n)
{
    uint32_t id = NF_LEX_NONE;
    if (t->nslots) {
        lex_probe(t, key, n, lex_hash(key, n), &id);
    }
    return id;
}

int nf_lex_table_intern(struct nf_lex_table *t, const char *key, size_t n, uint32_t *id)
{
    uint64_t h = lex_hash(key, n);
    uint32_t found = NF_LEX_NONE;
    size_t slot = SIZE_MAX;
    if (t->nslots) {
        slot = lex_probe(t, key, n, h, &found);
    }
    if (found != NF_LEX_NONE) {
        *id = found;
        return 0;
    }
    if (t->n >= 0x7fffffff || n > UINT32_MAX) {
        return NF_ERR_LIMIT;
    }
    if (t->n == t->cap) {
        int err = lex_grow(t, t->cap ? t->cap * 2 : 128);
        if (err) {
            return err;
        }
    }
    size_t at = t->keys.len;
    int err = 0;
    if (t->keys.cap > at + n) { /* the common case: room reserved up front; keys need no NUL */
        memcpy(t->keys.data + at, key, n);
        t->keys.len = at + n;
    } else if ((err = nf_buf_append(&t->keys, key, n)) != 0) {
        return err;
    }
    uint32_t nid = (uint32_t)t->n;
    t->off[nid] = at;
    t->len[nid] = (uint32_t)n;
    t->hash[nid] = h;
    t->n++;
    if (t->n * 2 > t->nslots) {
        err = lex_rehash(t, t->nslots ? t->nslots * 2 : 256);
        if (err) {
            t->n--; /* not reachable through the slots: forget it */
            return err;
        }
    } else {
        t->slots[slot] = nid + 1; /* the empty slot the probe above ended on */
    }
    *id = nid;
    return 0;
}

const char *nf_lex_table_key(const struct nf_lex_table *t, uint32_t id, size_t *n)
{
    *n = t->len[id];
    return t->keys.data + t->off[id];
}

void nf_lex_table_free(struct nf_lex_table *t)
{
    free(t->slots);
    nf_buf_free(&t->keys);
    free(t->off);
    free(t->len);
    free(t->hash);
    memset(t, 0, sizeof(*t));
}

int nf_lex_load_stopwords(const char *path, struct nf_lex_table *set, char *errstr,
                          size_t errstr_size)
{
    int err = 0;
    char line[512];
    unsigned lineno = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: %s", path, strerror(errno));
    }
    /* bounded: a stopword file over 100k lines is a mistake, not a list */
    while (fgets(line, sizeof(line), fp) && lineno < 100000) {
        lineno++;
        char *p = line;
        char *hash = strchr(p, '#');
        if (hash) {
            *hash = '\0';
        }
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        size_t n = strcspn(p, " \t\r\n");
        if (n == 0) {
            continue;
        }
        char key[LEX_KEY_MAX + 1];
        size_t kn = nf_lex_key(p, n, key, sizeof(key));
        uint32_t id;
        if (kn && (err = nf_lex_table_intern(set, key, kn, &id)) != 0) {
            nf_seterr(errstr, errstr_size, err, "%s:%u: out of memory", path, lineno);
            goto done;
        }
    }
    if (ferror(fp)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: read error", path);
    }
done:
    fclose(fp);
    return err;
}

/* Characters that are never part of a word: ASCII non-alphanumerics and the punctuation and
 * symbol blocks (general punctuation, currency, arrows, box drawing, CJK punctuation, emoji). */
static int lex_is_word_cp(uint32_t cp)
{
    if (cp < 0x80) {
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || (cp >= '0' && cp <= '9');
    }
    if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7) {
        return 0;
    }
    if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
        (cp >= 0xFF1A && cp <= 0xFF20) || cp >= 0xFFF0) {
        return 0;
    }
    return 1;
}

static int lex_is_upper_cp(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
           (cp >= 0x400 && cp <= 0x42F);
}

static uint32_t lex_lower_cp(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
        (cp >= 0x410 && cp <= 0x42F)) {
        return cp + 0x20;
    }
    if (cp >= 0x400 && cp <= 0x40F) {
        return cp + 0x50;
    }
    if (cp == 0x2019) {
        return '\'';
    }
    return cp;
}

size_t nf_lex_key(const char *word, size_t n, char *out, size_t out_size)
{
    size_t o = 0;
    size_t i = 0;
    /* fast path for the ASCII prefix */
    while (i < n && (unsigned char)word[i] < 0x80 && o + 1 < out_size) {
        char c = word[i++];
        out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    if (i < n && (unsigned char)word[i] < 0x80) {
        return 0; /* out of room */
    }
    while (i < n) {
        size_t adv;
        uint32_t cp = lex_lower_cp(nf_utf8_decode(word + i, n - i, &adv));
        i += adv;
        if (o + 4 >= out_size) {
            return 0;
        }
        o += nf_utf8_encode(cp, out + o);
    }
    /* possessives: "putin's" -> "putin", "leaders'" -> "leaders" */
    if (o > 2 && out[o - 2] == '\'' && out[o - 1] == 's') {
        o -= 2;
    } else if (o > 1 && out[o - 1] == '\'') {
        o -= 1;
    }
    out[o] = '\0';
    return o;
}

static int lex_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

size_t nf_lex_stem(char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (k[i] < 'a' || k[i] > 'z') {
            return n; /* only plain ASCII words are stemmed */
        }
    }
    if (n > 4 && memcmp(k + n - 3, "ies", 3) == 0) {
        n -= 2;
        k[n - 1] = 'y';
    } else if (n > 4 && memcmp(k + n - 4, "sses", 4) == 0) {
        n -= 2;
    } else if (n > 3 && k[n - 1] == 's' && k[n - 2] != 's' && k[n - 2] != 'u' && k[n - 2] != 'i') {
        n -= 1;
    }
    size_t cut = 0;
    if (n > 5 && memcmp(k + n - 3, "ing", 3) == 0) {
        cut = 3;
    } else if (n > 4 && memcmp(k + n - 2, "ed", 2) == 0 && k[n - 3] != 'e') {
        cut = 2;
    }
    if (cut) {
        size_t m = n - cut;
        int has_vowel = 0;
        for (size_t i = 0; i < m; i++) {
            has_vowel |= lex_vowel(k[i]);
        }
        if (has_vowel && m >= 3) {
            n = m;
            /* "running" -> "runn" -> "run"; but keep "fall", "miss", "buzz" */
            if (k[n - 1] == k[n - 2] && !lex_vowel(k[n - 1]) && k[n - 1] != 'l' &&
                k[n - 1] != 's' && k[n - 1] != 'z') {
                n--;
            }
        }
    }
    k[n] = '\0';
    return n;
}

/* Decode the code point at text[i] (i < b), ASCII without a call. */
static inline uint32_t lex_cp(const char *text, size_t i, size_t b, size_t *adv)
{
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
        *adv = 1;
        return c;
    }
    return nf_utf8_decode(text + i, b - i, adv);
}

static int lex_push(struct nf_lex_toks *out, const struct nf_lex_tok *tok)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 256;
        struct nf_lex_tok *v = realloc(out->v, cap * sizeof(*v));
        if (!v) {
            return NF_ERR_NOMEM;
        }
        out->v = v;
        out->cap = cap;
    }
    out->v[out->n++] = *tok;
    return 0;
}

/* Is the code point at p a joiner inside a word (hyphen, apostrophe, or . , between digits)?
 * prev: the code point before it. */
static int lex_joiner(const char *text, size_t p, size_t b, uint32_t prev, size_t *jlen)
{
    size_t adv;
    uint32_t cp = lex_cp(text, p, b, &adv);
    if (p + adv >= b) {
        return 0;
    }
    size_t adv2;
    uint32_t next = lex_cp(text, p + adv, b, &adv2);
    *jlen = adv;
    if (cp == '-' || cp == '\'' || cp == 0x2019) {
        return lex_is_word_cp(prev) && lex_is_word_cp(next);
    }
    if (cp == '.' || cp == ',') {
        return prev >= '0' && prev <= '9' && next >= '0' && next <= '9';
    }
    return 0;
}

/* Is the word form a first- or second-person pronoun? "I" only as a capital, the others
 * lower-case or capitalised ("US" in capitals is the country). */
static int lex_personal(const char *word, size_t n)
{
    static const struct {
        const char *w;
        size_t n;
    } words[] = {{"we", 2},     {"my", 2},    {"our", 3},  {"me", 2},   {"us", 2},
                 {"you", 3},    {"your", 4},  {"i'm", 3},  {"i've", 4}, {"we're", 5},
                 {"you're", 6}, {"we've", 5}, {"ours", 4}, {"yours", 5}};
    if (n == 1) {
        return word[0] == 'I';
    }
    char c0 = (char)(word[0] | 0x20); /* every form starts with one of these letters */
    if (n > 6 || (word[1] >= 'A' && word[1] <= 'Z') ||
        (c0 != 'w' && c0 != 'm' && c0 != 'o' && c0 != 'u' && c0 != 'y' && c0 != 'i')) {
        return 0;
    }
    char w[8];
    for (size_t i = 0; i < n; i++) {
        char ch = word[i];
        w[i] = (char)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
    }
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (words[i].n == n && memcmp(w, words[i].w, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* First sight of word form id (word[0, n), token flags so far): decide its term and flags. */
static int lex_new_form(struct nf_lex_vocab *v, uint32_t id, const char *word, size_t n,
                        unsigned tflags, const struct nf_lex_table *stop)
{
    if (id >= v->form_cap) {
        size_t cap = v->form_cap ? v->form_cap * 2 : 256;
        uint32_t *term = realloc(v->form_term, cap * sizeof(*term));
        if (!term) {
            return NF_ERR_NOMEM;
        }
        v->form_term = term;
        uint16_t *flags = realloc(v->form_flags, cap * sizeof(*flags));
        if (!flags) {
            return NF_ERR_NOMEM;
        }
        v->form_flags = flags;
        v->form_cap = cap;
    }
    unsigned flags = 0;
    uint32_t term = NF_LEX_NONE;
    char key[LEX_KEY_MAX + 1];
    size_t kn = nf_lex_key(word, n, key, sizeof(key));
    if (kn == 0) {
        flags |= NF_LEX_LONG;
    } else if (nf_lex_table_find(stop, key, kn) != NF_LEX_NONE) {
        flags |= NF_LEX_STOP;
    } else if (!(tflags & NF_LEX_NUM) && kn >= 2 &&
               (kn > 4 || (unsigned char)key[0] < 0x80 || nf_utf8_cplen(key, kn) >= 2)) {
        /* two characters at least: an ASCII start or 5+ bytes settle it without decoding */
        kn = nf_lex_stem(key, kn);
        int err = nf_lex_table_intern(&v->terms, key, kn, &term);
        if (err) {
            return err;
        }
    }
    /* lower-case adverbs and verb forms ("quickly", "deploying", "suffered") */
    if (!(tflags & NF_LEX_CAP) && ((n > 4 && memcmp(word + n - 2, "ly", 2) == 0) ||
                                   (n > 5 && memcmp(word + n - 3, "ing", 3) == 0) ||
                                   (n > 4 && memcmp(word + n - 2, "ed", 2) == 0))) {
        flags |= NF_LEX_WEAK;
    }
    size_t upper = 0;
    size_t lower = 0;
    int lower_start = word[0] >= 'a' && word[0] <= 'z'; /* then never all capitals */
    for (size_t i = 0; !lower_start && i < n; i++) {
        upper += word[i] >= 'A' && word[i] <= 'Z';
        lower += word[i] >= 'a' && word[i] <= 'z';
    }
    if (upper >= 2 && lower == 0) {
        flags |= NF_LEX_SHOUT;
    }
    v->form_term[id] = term;
    if (lex_personal(word, n)) {
        flags |= NF_LEX_PERSON;
    }
    v->form_flags[id] = (uint16_t)flags;
    return 0;
}

int nf_lex_tokenize(const char *text, size_t a, size_t b, uint32_t sent,
                    const struct nf_lex_table *stop, struct nf_lex_vocab *vocab,
                    struct nf_lex_toks *out)
{
    size_t i = a;
    int gap = 0;
    int first = 1;
    while (i < b) {
        if (text[i] == ' ') {
            i++; /* the common case between words: not a gap, not a word */
            continue;
        }
        size_t adv;
        uint32_t cp = lex_cp(text, i, b, &adv);
        if (!lex_is_word_cp(cp)) {
            if (!nf_split_is_space_cp(cp)) {
                gap = 1;
            }
            i += adv;
            continue;
        }
        struct nf_lex_tok tok = {.start = i, .end = i, .term = NF_LEX_NONE, .sent = sent};
        if (lex_is_upper_cp(cp)) {
            tok.flags |= NF_LEX_CAP;
        } else if (cp >= '0' && cp <= '9') {
            tok.flags |= NF_LEX_NUM;
        }
        uint32_t prev = cp;
        i += adv;
        while (i < b) {
            /* fast path: a run of ASCII letters and digits */
            unsigned char c = (unsigned char)text[i];
            if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9')) {
                prev = c;
                i++;
                continue;
            }
            if (c < 0x80 && c != '-' && c != '\'' && c != '.' && c != ',') {
                break; /* ASCII punctuation or space that cannot join a word */
            }
            cp = lex_cp(text, i, b, &adv);
            size_t jl;
            if (lex_is_word_cp(cp)) {
                prev = cp;
                i += adv;
            } else if (lex_joiner(text, i, b, prev, &jl)) {
                prev = cp;
                i += jl;
            } else {
                break;
            }
        }
        tok.end = i;
        tok.flags |= (gap ? NF_LEX_GAP : 0u) | (first ? NF_LEX_FIRST : 0u);
        gap = 0;
        first = 0;
        uint32_t form;
        size_t nforms = vocab->forms.n;
        int err = nf_lex_table_intern(&vocab->forms, text + tok.start, tok.end - tok.start, &form);
        if (!err && vocab->forms.n > nforms) {
            err = lex_new_form(vocab, form, text + tok.start, tok.end - tok.start, tok.flags, stop);
        }
        if (err) {
            return err;
        }
        tok.term = vocab->form_term[form];
        tok.flags |= vocab->form_flags[form];
        err = lex_push(out, &tok);
        if (err) {
            return err;
        }
    }
    return 0;
}

void nf_lex_vocab_free(struct nf_lex_vocab *vocab)
{
    nf_lex_table_free(&vocab->terms);
    nf_lex_table_free(&vocab->forms);
    free(vocab->form_term);
    free(vocab->form_flags);
    memset(vocab, 0, sizeof(*vocab));
}

void nf_lex_toks_free(struct nf_lex_toks *toks)
{
    free(toks->v);
    memset(toks, 0, sizeof(*toks));
}
