/* cues.c - token-level cues for the entities stage's name finder (see cues.h): what a token or
 * phrase is according to the word lists and its shape. No state: everything is read from the
 * document view and the read-only gazetteer.
 */
#include "cues.h"

#include <stdint.h>
#include <string.h>

#include "newsflow/util.h"
#include "spans.h"

const char *const nf_cue_connectors[] = {"of", "for", "on", "de", "del", "du", NULL};

const char *const nf_cue_particles[] = {"van", "von", "der",   "den", "de",  "da",  "di",
                                        "du",  "del", "della", "dos", "bin", "ibn", "al",
                                        "le",  "la",  "ter",   "ten", NULL};

const char *const nf_cue_loc_preps[] = {"in",      "at",         "from",   "near",
                                        "outside", "across",     "into",   "toward",
                                        "towards", "throughout", "inside", NULL};

const char *const nf_cue_loc_nouns[] = {
    "region",  "province", "city",      "state",  "county",  "district", "river", "valley",
    "island",  "islands",  "peninsula", "oblast", "border",  "coast",    "area",  "stadium",
    "airport", "town",     "village",   "port",   "capital", NULL};

const char *const nf_cue_loc_heads[] = {"lake", "mount", "mt",        "mt.", "cape",
                                        "gulf", "isle",  "mountains", NULL};

const char *const nf_cue_person_verbs[] = {"said",     "says",      "told",     "added",
                                           "wrote",    "explained", "insisted", "admitted",
                                           "recalled", "who",       NULL};

const char *const nf_cue_directions[] = {"north",    "south",   "east",    "west",    "northern",
                                         "southern", "eastern", "western", "central", "upper",
                                         "lower",    "greater", NULL};

uint64_t nf_cue_key_hash(const char *s, size_t n)
{
    uint64_t h = nf_hash64(s, n);
    return h ? h : 1;
}

int nf_cue_in_list(const char *w, const char *const *list)
{
    size_t i;
    for (i = 0; list[i]; i++) {
        if (strcmp(w, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Lower-case key of tokens s..e joined by single spaces; 0 if too long. */
size_t nf_cue_phrase_key(const struct nf_cue_view *f, size_t s, size_t e, char *out, size_t size)
{
    size_t len = 0, k, n;
    for (k = s; k <= e; k++) {
        if (k > s) {
            if (len + 2 > size) {
                return 0;
            }
            out[len++] = ' ';
        }
        n = nf_ent_tok_lower(f->text, f->t[k].b0, f->t[k].b1, out + len, size - len);
        if (n == 0) {
            return 0;
        }
        len += n;
    }
    return len;
}

unsigned nf_cue_gaz_phrase(const struct nf_cue_view *f, size_t s, size_t e)
{
    char key[NF_GAZ_KEY_MAX + 1];
    size_t n = nf_cue_phrase_key(f, s, e, key, sizeof(key));
    return n ? nf_ent_gaz_get(f->gaz, key, n) : 0;
}

uint64_t nf_cue_phrase_hash(const struct nf_cue_view *f, size_t s, size_t e)
{
    char key[NF_GAZ_KEY_MAX + 1];
    size_t n = nf_cue_phrase_key(f, s, e, key, sizeof(key));
    return n ? nf_cue_key_hash(key, n) : 0;
}

int nf_cue_tok_is(const struct nf_cue_view *f, size_t i, const char *const *list)
{
    char key[32];
    if (i >= f->n || f->t[i].kind != NF_TOK_WORD || !(f->t[i].flags & NF_TOKF_LOWER)) {
        return 0;
    }
    if (nf_ent_tok_lower(f->text, f->t[i].b0, f->t[i].b1, key, sizeof(key)) == 0) {
        return 0;
    }
    return nf_cue_in_list(key, list);
}

/* Does the word end in a clitic ('ve 'm 're 'll 'd 't, also with a curly apostrophe)? */
static int has_clitic(const char *text, const struct nf_ent_tok *t)
{
    static const char *const clitics[] = {"'ve",
                                          "'m",
                                          "'re",
                                          "'ll",
                                          "'d",
                                          "'t",
                                          "\xe2\x80\x99ve",
                                          "\xe2\x80\x99m",
                                          "\xe2\x80\x99re",
                                          "\xe2\x80\x99ll",
                                          "\xe2\x80\x99"
                                          "d",
                                          "\xe2\x80\x99t",
                                          NULL};
    size_t i, n = t->b1 - t->b0, m;
    for (i = 0; clitics[i]; i++) {
        m = strlen(clitics[i]);
        if (n > m && memcmp(text + t->b1 - m, clitics[i], m) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Like tok_is, but the word may be capitalised ("In Moscow, ...") */
int nf_cue_tok_is_any(const struct nf_cue_view *f, size_t i, const char *const *list)
{
    char key[32];
    if (i >= f->n || f->t[i].kind != NF_TOK_WORD ||
        nf_ent_tok_lower(f->text, f->t[i].b0, f->t[i].b1, key, sizeof(key)) == 0) {
        return 0;
    }
    return nf_cue_in_list(key, list);
}

/* A capitalised word that can be part of a name. */
int nf_cue_is_cand(const struct nf_cue_view *f, size_t i)
{
    const struct nf_ent_tok *t = &f->t[i];
    unsigned bits;
    if (t->kind != NF_TOK_WORD || !(t->flags & NF_TOKF_CAP) || (t->flags & NF_TOKF_DIGIT)) {
        return 0;
    }
    /* a lone capital without a period ("N / A") is not a name */
    if (t->b1 - t->b0 == 1) {
        return 0;
    }
    if (has_clitic(f->text, t)) {
        return 0; /* I've, I'm, We'll */
    }
    bits = nf_cue_gaz_phrase(f, i, i);
    if ((t->flags & NF_TOKF_PERIOD) && t->b1 - t->b0 > 2) {
        /* "No.": look the abbreviation up without its period too */
        char key[16];
        size_t n = nf_ent_tok_lower(f->text, t->b0, t->b1 - 1, key, sizeof(key));
        if (n && (nf_ent_gaz_get(f->gaz, key, n) & NF_GAZ_STOP)) {
            return 0;
        }
    }
    if ((bits & NF_GAZ_COMMON) && (t->flags & NF_TOKF_SENT_START) &&
        !(t->flags & NF_TOKF_ALLCAPS)) {
        return 0; /* "Shares rose": lower case except at a sentence start */
    }
    /* "WHO"/"US" in running text are acronyms, not the stopwords "who"/"us"; "Peter Such":
     * a capitalised stopword right after a first name is a surname */
    if ((bits & NF_GAZ_STOP) &&
        !((t->flags & NF_TOKF_ALLCAPS) && !(t->flags & NF_TOKF_CAPS_LINE)) &&
        !(i > 0 && !(t->flags & (NF_TOKF_SENT_START | NF_TOKF_NEWLINE | NF_TOKF_CAPS_LINE)) &&
          f->t[i - 1].kind == NF_TOK_WORD && (f->t[i - 1].flags & NF_TOKF_CAP) &&
          (nf_cue_gaz_tok(f, i - 1) & NF_GAZ_FIRST))) {
        return 0;
    }
    return 1;
}

unsigned nf_cue_gaz_tok(const struct nf_cue_view *f, size_t i)
{
    return nf_cue_gaz_phrase(f, i, i);
}

/* A title, also hyphenated: "Lieutenant-Colonel", "Major-General", "Vice-Premier". */
int nf_cue_is_title(const struct nf_cue_view *f, size_t i)
{
    char key[NF_GAZ_KEY_MAX + 1];
    size_t n, k;
    if (nf_cue_gaz_tok(f, i) & NF_GAZ_TITLE) {
        return 1;
    }
    if (!(f->t[i].flags & NF_TOKF_HYPHEN) ||
        (n = nf_ent_tok_lower(f->text, f->t[i].b0, f->t[i].b1, key, sizeof(key))) == 0) {
        return 0;
    }
    for (k = 0; k < n && key[k] != '-'; k++) {
    }
    return k < n && (nf_ent_gaz_get(f->gaz, key + k + 1, n - k - 1) & NF_GAZ_TITLE) &&
           (nf_ent_gaz_get(f->gaz, key, k) & NF_GAZ_TITLE || (k == 4 && !memcmp(key, "vice", 4)));
}

/* Word-list bits of token i, adding DEMONYM for plurals of demonyms (Serbs, Moslems). */
unsigned nf_cue_gaz_tok_plural(const struct nf_cue_view *f, size_t i)
{
    char key[NF_GAZ_KEY_MAX + 1];
    size_t n = nf_ent_tok_lower(f->text, f->t[i].b0, f->t[i].b1, key, sizeof(key));
    unsigned bits = n ? nf_ent_gaz_get(f->gaz, key, n) : 0;
    if (!bits && n > 3 && key[n - 1] == 's' &&
        (nf_ent_gaz_get(f->gaz, key, n - 1) & NF_GAZ_DEMONYM)) {
        bits = NF_GAZ_DEMONYM;
    }
    return bits;
}

int nf_cue_type_from_bits(unsigned bits)
{
    if (bits & NF_GAZ_ORG) {
        return NF_ENT_ORG;
    }
    if (bits & NF_GAZ_LOC) {
        return NF_ENT_LOC;
    }
    if (bits & (NF_GAZ_DEMONYM | NF_GAZ_MISC)) {
        return NF_ENT_MISC;
    }
    /* names learnt from annotated text come after the hand-written lists */
    if (bits & NF_GAZ_KNOWN_PER) {
        return NF_ENT_PERSON;
    }
    if (bits & NF_GAZ_KNOWN_ORG) {
        return NF_ENT_ORG;
    }
    if (bits & NF_GAZ_KNOWN_LOC) {
        return NF_ENT_LOC;
    }
    if (bits & NF_GAZ_KNOWN_MISC) {
        return NF_ENT_MISC;
    }
    return NF_ENT_NONE;
}

/* Does token i end in a lower-case hyphenated part ("Moscow-backed")? */
int nf_cue_ends_in_lower_part(const struct nf_cue_view *f, size_t i)
{
    const char *p = f->text + f->t[i].b0;
    size_t n = f->t[i].b1 - f->t[i].b0, k;
    if (!(f->t[i].flags & NF_TOKF_HYPHEN)) {
        return 0;
    }
    for (k = n; k > 1; k--) {
        if (p[k - 1] == '-') {
            /* a participle or -style adjective, not a Korean given name (Kim Jong-un) */
            size_t m = n - k;
            const char *q = p + k;
            if (m < 3 || q[0] < 'a' || q[0] > 'z') {
                return 0;
            }
            return (q[m - 2] == 'e' && q[m - 1] == 'd') || (m == 4 && memcmp(q, "born", 4) == 0) ||
                   (m == 5 && memcmp(q, "style", 5) == 0) ||
                   (m == 8 && memcmp(q, "speaking", 8) == 0);
        }
    }
    return 0;
}

/* A number token that reads as a date or year: 1996-08-30, 1996. */
int nf_cue_is_date_number(const struct nf_cue_view *f, size_t i)
{
    const char *p = f->text + f->t[i].b0;
    size_t n = f->t[i].b1 - f->t[i].b0;
    if (f->t[i].kind != NF_TOK_NUM) {
        return 0;
    }
    if (n == 4 && (p[0] == '1' || p[0] == '2')) {
        return 1;
    }
    return n >= 8 && memchr(p, '-', n) != NULL;
}

/* A dateline: the place at the start of a line, before a date ("LONDON 1996-08-30",
 * "NABLUS, West Bank 1996-08-30"). */
int nf_cue_is_dateline_place(const struct nf_cue_view *f, size_t s, size_t e)
{
    size_t k = e + 1, words = 0;
    if (!(f->t[s].flags & NF_TOKF_NEWLINE) && !(s > 0 && f->text[f->t[s - 1].b0] == ',')) {
        return 0;
    }
    if (k < f->n && f->t[k].kind == NF_TOK_PUNCT && f->text[f->t[k].b0] == ',') {
        for (k++; k < f->n && words < 4 && f->t[k].kind == NF_TOK_WORD &&
                  (f->t[k].flags & NF_TOKF_CAP) && !(f->t[k].flags & NF_TOKF_NEWLINE);
             k++) {
            words++;
        }
        if (words == 0) {
            return 0;
        }
    }
    return k < f->n && !(f->t[k].flags & NF_TOKF_NEWLINE) && nf_cue_is_date_number(f, k) &&
           (k + 1 >= f->n || (f->t[k + 1].flags & NF_TOKF_NEWLINE));
}

/* Does token i end with the lower-case suffix suf (and have more before it)? */
int nf_cue_ends_with(const struct nf_cue_view *f, size_t i, const char *suf)
{
    size_t n = f->t[i].b1 - f->t[i].b0, m = strlen(suf);
    return n > m + 2 && memcmp(f->text + f->t[i].b1 - m, suf, m) == 0;
}

/* An initial: one capital and its period ("P."). */
int nf_cue_is_initial(const struct nf_cue_view *f, size_t i)
{
    return (f->t[i].flags & NF_TOKF_PERIOD) && f->t[i].b1 - f->t[i].b0 == 2;
}

/* "the town of X", "the city of X" */
int nf_cue_after_place_of(const struct nf_cue_view *f, size_t s)
{
    return s >= 2 && nf_cue_tok_is(f, s - 1, (const char *const[]){"of", NULL}) &&
           nf_cue_tok_is(f, s - 2, nf_cue_loc_nouns);
}

int is_quote(const struct nf_cue_view *f, size_t i)
{
    const char *p = f->text + f->t[i].b0;
    size_t n = f->t[i].b1 - f->t[i].b0;
    return f->t[i].kind == NF_TOK_PUNCT &&
           ((n == 1 && *p == '"') ||
            (n == 3 && !memcmp(p, "\xe2\x80", 2) &&
             (p[2] == '\x9c' || p[2] == '\x9d' || p[2] == '\x98' || p[2] == '\x99')));
}

/* A quoted title ("Secret Garden: An Inky Treasure Hunt", "Rehab") starting after the quote at
 * i: capitalised words, function words and light punctuation up to a closing quote on the same
 * line. Returns the index of the closing quote and sets *last to the title's last token, or 0. */
size_t nf_cue_quoted_title(const struct nf_cue_view *f, size_t i, size_t *last)
{
    static const char *const fw[] = {"a",   "an",   "the", "of", "and",  "in", "on", "to",
                                     "for", "with", "at",  "by", "from", "or", "is", NULL};
    size_t k, mixed = 0;
    if (i + 1 >= f->n || !is_quote(f, i) || f->t[i + 1].kind != NF_TOK_WORD ||
        !(f->t[i + 1].flags & NF_TOKF_CAP)) {
        return 0;
    }
    for (k = i + 1; k < f->n && k <= i + 12; k++) {
        const struct nf_ent_tok *t = &f->t[k];
        if (t->flags & NF_TOKF_NEWLINE) {
            return 0;
        }
        if (is_quote(f, k)) {
            break;
        }
        if (t->kind == NF_TOK_WORD) {
            if (t->flags & NF_TOKF_CAP) {
                mixed += !(t->flags & NF_TOKF_ALLCAPS);
            } else if (!nf_cue_tok_is(f, k, fw)) {
                return 0; /* a lower-case word: speech, not a title */
            }
        } else if (t->kind == NF_TOK_PUNCT && !strchr(":,&-!?.", f->text[t->b0])) {
            return 0;
        }
    }
    if (k >= f->n || k > i + 12 || !is_quote(f, k) || mixed == 0) {
        return 0;
    }
    *last = k - 1;
    while (*last > i + 1 && f->t[*last].kind == NF_TOK_PUNCT) {
        (*last)--;
    }
    /* one known name in quotes stays that name */
    if (*last == i + 1 && nf_cue_type_from_bits(nf_cue_gaz_tok(f, i + 1)) != NF_ENT_NONE) {
        return 0;
    }
    return k;
}
