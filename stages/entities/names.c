/* names.c - rule-based name finder of the entities stage (see names.h).
 *
 * Pass 1 groups capitalised tokens into runs (split at punctuation, line breaks, possessives and
 * stopwords; joined over "of"/"for" after an organisation word: "Bank of England"), splits runs
 * at titles ("Russian President Vladimir Putin" -> Russian | Vladimir Putin), and types each
 * segment from the word lists and its context. Single unknown words are deferred to pass 2,
 * which types them from what pass 1 learnt about the document ("Putin" after "Vladimir Putin")
 * and drops sentence-initial words the document also uses in lower case.
 */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docmap.h"
#include "newsflow/err.h"
#include "newsflow/util.h"

#define MAX_RUN 12   /* longer capitalised runs are headings, handled like headlines */
#define MAX_PHRASE 4 /* tokens in a word-list phrase looked up on headlines */

/* Document facts, per token key (lower case) or phrase key. */
#define DOC_LOWER 0x01  /* the word occurs in lower case */
#define DOC_MIDCAP 0x02 /* the word occurs capitalised in mid-sentence */
#define DOC_TYPE_SHIFT 4

struct seg {
    size_t s, e;  /* token indexes, inclusive */
    int type;     /* NF_ENT_NONE = deferred to pass 2 */
    int headline; /* 1: a headline or over-long run, expanded by do_headline_run; 2: from it;
                   * 3: a quoted title (not learnt: the film "Senna" is not Ayrton Senna) */
    int weak;     /* typed by the last-resort default, without evidence */
};

/* classify() adds this to a type chosen only by default */
#define WEAK 0x100

struct finder {
    const struct nf_ent_gaz *gaz;
    const char *text;
    const struct nf_ent_tok *t;
    size_t n;
    struct nf_ent_docmap doc;
    struct seg *segs;
    size_t nsegs, capsegs;
};

static const char *const connectors[] = {"of", "for", "on", "de", "del", "du", NULL};
static const char *const particles[] = {"van", "von", "der",   "den", "de",  "da",  "di",
                                        "du",  "del", "della", "dos", "bin", "ibn", "al",
                                        "le",  "la",  "ter",   "ten", NULL};
static const char *const loc_preps[] = {"in",      "at",         "from",   "near",
                                        "outside", "across",     "into",   "toward",
                                        "towards", "throughout", "inside", NULL};
static const char *const loc_nouns[] = {
    "region",  "province", "city",      "state",  "county",  "district", "river", "valley",
    "island",  "islands",  "peninsula", "oblast", "border",  "coast",    "area",  "stadium",
    "airport", "town",     "village",   "port",   "capital", NULL};
static const char *const loc_heads[] = {"lake", "mount", "mt",        "mt.", "cape",
                                        "gulf", "isle",  "mountains", NULL};
static const char *const person_verbs[] = {"said",     "says",      "told",     "added",
                                           "wrote",    "explained", "insisted", "admitted",
                                           "recalled", "who",       NULL};
static const char *const directions[] = {"north",    "south",   "east",    "west",    "northern",
                                         "southern", "eastern", "western", "central", "upper",
                                         "lower",    "greater", NULL};

/* ---- small helpers ---- */

static uint64_t key_hash(const char *s, size_t n)
{
    uint64_t h = nf_hash64(s, n);
    return h ? h : 1;
}

static int in_list(const char *w, const char *const *list)
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
static size_t phrase_key(const struct finder *f, size_t s, size_t e, char *out, size_t size)
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

static unsigned gaz_phrase(const struct finder *f, size_t s, size_t e)
{
    char key[NF_GAZ_KEY_MAX + 1];
    size_t n = phrase_key(f, s, e, key, sizeof(key));
    return n ? nf_ent_gaz_get(f->gaz, key, n) : 0;
}

static uint64_t phrase_hash(const struct finder *f, size_t s, size_t e)
{
    char key[NF_GAZ_KEY_MAX + 1];
    size_t n = phrase_key(f, s, e, key, sizeof(key));
    return n ? key_hash(key, n) : 0;
}

static int tok_is(const struct finder *f, size_t i, const char *const *list)
{
    char key[32];
    if (i >= f->n || f->t[i].kind != NF_TOK_WORD || !(f->t[i].flags & NF_TOKF_LOWER)) {
        return 0;
    }
    if (nf_ent_tok_lower(f->text, f->t[i].b0, f->t[i].b1, key, sizeof(key)) == 0) {
        return 0;
    }
    return in_list(key, list);
}

static unsigned gaz_tok(const struct finder *f, size_t i);

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
static int tok_is_any(const struct finder *f, size_t i, const char *const *list)
{
    char key[32];
    if (i >= f->n || f->t[i].kind != NF_TOK_WORD ||
        nf_ent_tok_lower(f->text, f->t[i].b0, f->t[i].b1, key, sizeof(key)) == 0) {
        return 0;
    }
    return in_list(key, list);
}

/* A capitalised word that can be part of a name. */
static int is_cand(const struct finder *f, size_t i)
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
    bits = gaz_phrase(f, i, i);
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
          (gaz_tok(f, i - 1) & NF_GAZ_FIRST))) {
        return 0;
    }
    return 1;
}

static unsigned gaz_tok(const struct finder *f, size_t i)
{
    return gaz_phrase(f, i, i);
}

/* A title, also hyphenated: "Lieutenant-Colonel", "Major-General", "Vice-Premier". */
static int is_title(const struct finder *f, size_t i)
{
    char key[NF_GAZ_KEY_MAX + 1];
    size_t n, k;
    if (gaz_tok(f, i) & NF_GAZ_TITLE) {
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

static int add_seg(struct finder *f, size_t s, size_t e, int type, int headline)
{
    if (f->nsegs == f->capsegs) {
        size_t cap = f->capsegs ? f->capsegs * 2 : 64;
        struct seg *v = realloc(f->segs, cap * sizeof(*v));
        if (!v) {
            return NF_ERR_NOMEM;
        }
        f->segs = v;
        f->capsegs = cap;
    }
    f->segs[f->nsegs].s = s;
    f->segs[f->nsegs].e = e;
    f->segs[f->nsegs].type = type & ~WEAK;
    f->segs[f->nsegs].weak = (type & WEAK) != 0;
    f->segs[f->nsegs].headline = headline;
    f->nsegs++;
    return 0;
}

/* ---- typing ---- */

/* Word-list bits of token i, adding DEMONYM for plurals of demonyms (Serbs, Moslems). */
static unsigned gaz_tok_plural(const struct finder *f, size_t i)
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

static int type_from_bits(unsigned bits)
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
static int ends_in_lower_part(const struct finder *f, size_t i)
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
static int is_date_number(const struct finder *f, size_t i)
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
static int is_dateline_place(const struct finder *f, size_t s, size_t e)
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
    return k < f->n && !(f->t[k].flags & NF_TOKF_NEWLINE) && is_date_number(f, k) &&
           (k + 1 >= f->n || (f->t[k + 1].flags & NF_TOKF_NEWLINE));
}

/* Does token i end with the lower-case suffix suf (and have more before it)? */
static int ends_with(const struct finder *f, size_t i, const char *suf)
{
    size_t n = f->t[i].b1 - f->t[i].b0, m = strlen(suf);
    return n > m + 2 && memcmp(f->text + f->t[i].b1 - m, suf, m) == 0;
}

/* An initial: one capital and its period ("P."). */
static int is_initial(const struct finder *f, size_t i)
{
    return (f->t[i].flags & NF_TOKF_PERIOD) && f->t[i].b1 - f->t[i].b0 == 2;
}

/* "the town of X", "the city of X" */
static int after_place_of(const struct finder *f, size_t s)
{
    return s >= 2 && tok_is(f, s - 1, (const char *const[]){"of", NULL}) &&
           tok_is(f, s - 2, loc_nouns);
}

/* Type of segment s..e from the word lists and its context; NF_ENT_NONE defers it. */
static int classify(const struct finder *f, size_t s, size_t e, int after_title)
{
    size_t n = e - s + 1, k;
    unsigned bits = gaz_phrase(f, s, e), first = gaz_tok(f, s), last = gaz_tok(f, e);
    int type;
    char w[32];

    if (ends_in_lower_part(f, e)) {
        return NF_ENT_MISC; /* Moscow-backed, New York-based */
    }
    if (n <= 4 && is_dateline_place(f, s, e)) {
        return NF_ENT_LOC;
    }
    if (n >= 2 && (type = type_from_bits(bits)) != NF_ENT_NONE) {
        return type; /* West Bank is a place, though it ends in "Bank" */
    }
    if (n >= 2 && (last & NF_GAZ_ORGSUF)) {
        return NF_ENT_ORG;
    }
    for (k = s; k + 1 < e; k++) {
        if ((gaz_tok(f, k) & NF_GAZ_ORGSUF) && tok_is(f, k + 1, connectors)) {
            return NF_ENT_ORG; /* Asan Institute for Policy Studies */
        }
        if ((gaz_tok(f, k) & NF_GAZ_MISCSUF) && tok_is(f, k + 1, connectors)) {
            return NF_ENT_MISC; /* World Series of Golf */
        }
    }
    for (k = s; k < e; k++) {
        if (f->t[k + 1].kind == NF_TOK_PUNCT && f->text[f->t[k + 1].b0] == '&') {
            return NF_ENT_ORG; /* Douglas & Lomason */
        }
    }
    if (n == 1) {
        bits = gaz_tok_plural(f, s);
    }
    if ((type = type_from_bits(bits)) != NF_ENT_NONE) {
        return type;
    }
    if (n == 1 && ends_with(f, s, "ism")) {
        return NF_ENT_MISC; /* Buddhism, Communism */
    }
    if (n >= 2 && (last & NF_GAZ_MISCSUF)) {
        return NF_ENT_MISC; /* U.S. Open, World Series */
    }
    if (n >= 2 && ((last & NF_GAZ_LOCSUF) || tok_is_any(f, s, loc_heads))) {
        return NF_ENT_LOC; /* Wall Street, Lake Eildon */
    }
    if (n == 1 && (bits & NF_GAZ_FIRST)) {
        return NF_ENT_PERSON;
    }
    if (after_title) {
        return NF_ENT_PERSON;
    }
    if (n >= 2 && ((first & NF_GAZ_FIRST) || is_initial(f, s))) {
        return NF_ENT_PERSON; /* Kim Jong-un, P. Tufnell */
    }
    if (n >= 2 && nf_ent_tok_lower(f->text, f->t[s].b0, f->t[s].b1, w, sizeof(w)) &&
        in_list(w, directions) && (gaz_phrase(f, s + 1, e) & NF_GAZ_LOC)) {
        return NF_ENT_LOC; /* Eastern Ukraine */
    }
    if (n >= 2 && (first & NF_GAZ_DEMONYM)) {
        return NF_ENT_MISC; /* Korean War */
    }
    for (k = s + 1; n >= 2 && k <= e; k++) {
        if (gaz_phrase(f, k, e) & NF_GAZ_ORG) {
            return NF_ENT_ORG; /* International Red Cross, Lola Honda */
        }
    }
    for (k = s; n >= 2 && k <= e; k++) {
        if ((gaz_tok(f, k) & NF_GAZ_LOC) || (k < e && (gaz_phrase(f, k, k + 1) & NF_GAZ_LOC))) {
            return NF_ENT_ORG; /* a place in a longer name: Air France, New York Yankees */
        }
    }
    if ((e + 1 < f->n && tok_is(f, e + 1, loc_nouns)) || after_place_of(f, s)) {
        return NF_ENT_LOC; /* the Kursk region, the town of Tacambaro */
    }
    if (n == 1 && (f->t[s].flags & NF_TOKF_ALLCAPS) && f->t[s].b1 - f->t[s].b0 <= 6) {
        return NF_ENT_ORG; /* acronym in running text: HUR, NATO */
    }
    for (k = s; n >= 2 && k <= e; k++) {
        if (gaz_tok(f, k) & NF_GAZ_COMMON) {
            return NF_ENT_MISC; /* a common word in it: Normative References */
        }
    }
    if (n >= 2) {
        return NF_ENT_PERSON | WEAK;
    }
    return NF_ENT_NONE;
}

/* Split a run at titles and record its typed segments. title_before: the run follows
 * "<title> of" ("Secretary of State John Kornblum"): its first word still belongs to the title. */
static int do_run(struct finder *f, size_t s, size_t e, int title_before)
{
    size_t k, seg0 = s;
    int after_title = 0, rc;

    if (title_before && e > s && type_from_bits(gaz_tok(f, s)) == NF_ENT_NONE &&
        type_from_bits(gaz_phrase(f, s, e)) == NF_ENT_NONE) {
        seg0 = ++s;
        after_title = 1;
    }
    unsigned last = gaz_tok(f, e);

    /* a whole-run word-list hit or organisation name is never split */
    if (type_from_bits(gaz_phrase(f, s, e)) != NF_ENT_NONE || (e > s && (last & NF_GAZ_ORGSUF))) {
        return add_seg(f, s, e, classify(f, s, e, 0), 0);
    }
    /* a leading nationality or place before a person or event is its own name:
     * "American | Dennis Mitchell", "U.S. | Labor Day" */
    if (e > s && (gaz_tok(f, s) & (NF_GAZ_DEMONYM | NF_GAZ_LOC))) {
        int rest = classify(f, s + 1, e, 0) & ~WEAK;
        if (rest == NF_ENT_PERSON || rest == NF_ENT_MISC ||
            type_from_bits(gaz_phrase(f, s + 1, e)) != NF_ENT_NONE) {
            if ((rc = add_seg(f, s, s, type_from_bits(gaz_tok(f, s)), 0)) != 0) {
                return rc;
            }
            return do_run(f, s + 1, e, 0);
        }
    }
    for (k = s; k <= e + 1; k++) {
        int title = k <= e && is_title(f, k);
        /* a trailing title after a first name is a surname (Martin Luther King) */
        if (title && k == e && k > seg0 && (gaz_tok(f, seg0) & NF_GAZ_FIRST)) {
            title = 0;
        }
        if (!title && k <= e) {
            continue;
        }
        if (k > seg0) {
            int type = classify(f, seg0, k - 1, after_title);
            /* "Defense Minister": an unknown word before a title belongs to the title */
            if (k <= e && !after_title &&
                type_from_bits(gaz_phrase(f, seg0, k - 1)) == NF_ENT_NONE) {
                type = -1;
            }
            if (type >= 0 && (rc = add_seg(f, seg0, k - 1, type, 0)) != 0) {
                return rc;
            }
        }
        if (title) {
            after_title = 1;
        }
        seg0 = k + 1;
    }
    return 0;
}

/* Type of phrase s..e from the word lists, then from what the document taught (pass 1). */
static int known_type(struct finder *f, size_t s, size_t e)
{
    int type = type_from_bits(e == s ? gaz_tok_plural(f, s) : gaz_phrase(f, s, e));
    unsigned facts;
    if (type != NF_ENT_NONE) {
        return type;
    }
    if (e > s && (gaz_tok(f, e) & NF_GAZ_ORGSUF)) {
        return NF_ENT_ORG;
    }
    if (e > s && (gaz_tok(f, e) & NF_GAZ_MISCSUF)) {
        return NF_ENT_MISC;
    }
    facts = nf_ent_docmap_get(&f->doc, phrase_hash(f, s, e));
    if (facts >> DOC_TYPE_SHIFT) {
        return (int)(facts >> DOC_TYPE_SHIFT);
    }
    if (e == s && (gaz_tok(f, s) & NF_GAZ_FIRST)) {
        return NF_ENT_PERSON;
    }
    return NF_ENT_NONE;
}

/* Headline run (after learn()): greedy longest known phrase at each token; unknown words are
 * dropped, since capitals say nothing on a headline. */
static int do_headline_run(struct finder *f, size_t s, size_t e)
{
    size_t k = s, len;
    int rc, type = NF_ENT_NONE;
    while (k <= e) {
        for (len = e - k + 1 < MAX_PHRASE ? e - k + 1 : MAX_PHRASE; len >= 1; len--) {
            if ((type = known_type(f, k, k + len - 1)) != NF_ENT_NONE) {
                break;
            }
        }
        if (len == 0 && is_initial(f, k) && k < e) {
            len = 1; /* "P. Tufnell" on a score line */
            type = NF_ENT_PERSON;
        }
        if (len == 0) {
            k++;
            continue;
        }
        /* a first name takes the unknown words after it: "2. Michael Johnson (U.S.)" */
        if (len == 1 && type == NF_ENT_PERSON &&
            ((gaz_tok(f, k) & NF_GAZ_FIRST) || is_initial(f, k))) {
            int t2;
            while (len < 3 && k + len <= e &&
                   ((t2 = known_type(f, k + len, k + len)) == NF_ENT_NONE || t2 == NF_ENT_PERSON) &&
                   !(gaz_tok(f, k + len) & (NF_GAZ_TITLE | NF_GAZ_STOP))) {
                len++;
            }
            if (len == 1 && is_initial(f, k)) {
                k++; /* a lone initial is no name */
                continue;
            }
        }
        if ((rc = add_seg(f, k, k + len - 1, type, 2)) != 0) {
            return rc;
        }
        k += len;
    }
    return 0;
}

static int is_quote(const struct finder *f, size_t i)
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
static size_t quoted_title(const struct finder *f, size_t i, size_t *last)
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
            } else if (!tok_is(f, k, fw)) {
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
    if (*last == i + 1 && type_from_bits(gaz_tok(f, i + 1)) != NF_ENT_NONE) {
        return 0;
    }
    return k;
}

/* Pass 1: runs of candidates -> segments. */
static int pass1(struct finder *f)
{
    size_t i = 0, j, k;
    int rc;
    while (i < f->n) {
        if ((k = quoted_title(f, i, &j)) != 0) {
            if ((rc = add_seg(f, i + 1, j, NF_ENT_MISC, 3)) != 0) {
                return rc;
            }
            i = k + 1;
            continue;
        }
        if (!is_cand(f, i)) {
            i++;
            continue;
        }
        j = i;
        for (;;) {
            /* extend over adjacent candidates on the same line, stopping after a possessive */
            while (j + 1 < f->n && !(f->t[j].flags & NF_TOKF_POSS) &&
                   !(f->t[j + 1].flags & NF_TOKF_NEWLINE) && is_cand(f, j + 1) &&
                   !ends_in_lower_part(f, j)) {
                j++;
            }
            if (f->t[j].flags & (NF_TOKF_POSS | NF_TOKF_CAPS_LINE)) {
                break;
            }
            /* join over a connector after an organisation word (Bank of England), or over
             * name particles inside a personal name (Nikolaus van der Pas) */
            k = j + 1;
            if (k + 1 < f->n && f->t[k].kind == NF_TOK_PUNCT && f->text[f->t[k].b0] == '&' &&
                f->t[k].b1 - f->t[k].b0 == 1) {
                k++; /* Douglas & Lomason, AT & T */
            } else if ((gaz_tok(f, j) & (NF_GAZ_ORGSUF | NF_GAZ_MISCSUF)) &&
                       tok_is(f, k, connectors)) {
                k++;
                if (k < f->n && (f->t[k].flags & NF_TOKF_LOWER) && f->t[k].b1 - f->t[k].b0 == 3 &&
                    strncmp(f->text + f->t[k].b0, "the", 3) == 0) {
                    k++;
                }
            } else if (!(gaz_tok(f, j) & NF_GAZ_ORGSUF) && tok_is(f, k, particles)) {
                k++;
                if (tok_is(f, k, particles)) {
                    k++;
                }
            } else {
                break;
            }
            if (k >= f->n || k - j > 3 || (f->t[k].flags & NF_TOKF_NEWLINE) || !is_cand(f, k)) {
                break;
            }
            j = k;
        }
        if ((f->t[i].flags & NF_TOKF_CAPS_LINE) || j - i + 1 > MAX_RUN) {
            rc = add_seg(f, i, j, NF_ENT_NONE, 1); /* expanded after pass 1 */
        } else {
            rc = do_run(f, i, j,
                        i >= 2 && tok_is(f, i - 1, (const char *const[]){"of", NULL}) &&
                            is_title(f, i - 2));
        }
        if (rc != 0) {
            return rc;
        }
        i = j + 1;
    }
    return 0;
}

/* Record what the document says about words and pass-1 names. */
static void learn(struct finder *f)
{
    size_t i, k;
    char key[NF_GAZ_KEY_MAX + 1];
    for (i = 0; i < f->n; i++) {
        const struct nf_ent_tok *t = &f->t[i];
        size_t n;
        unsigned char *v;
        if (t->kind != NF_TOK_WORD) {
            continue;
        }
        n = nf_ent_tok_lower(f->text, t->b0, t->b1, key, sizeof(key));
        if (n == 0 || !(v = nf_ent_docmap_slot(&f->doc, key_hash(key, n), 1))) {
            continue;
        }
        if (t->flags & NF_TOKF_LOWER) {
            *v |= DOC_LOWER;
        } else if ((t->flags & NF_TOKF_CAP) &&
                   !(t->flags & (NF_TOKF_SENT_START | NF_TOKF_CAPS_LINE))) {
            *v |= DOC_MIDCAP;
        }
    }
    for (i = 0; i < f->nsegs; i++) {
        const struct seg *g = &f->segs[i];
        uint64_t h;
        unsigned char *v;
        if (g->type == NF_ENT_NONE || g->headline == 3) {
            continue;
        }
        if ((h = phrase_hash(f, g->s, g->e)) && (v = nf_ent_docmap_slot(&f->doc, h, 1)) &&
            (*v >> DOC_TYPE_SHIFT) == 0) {
            *v |= (unsigned char)(g->type << DOC_TYPE_SHIFT);
        }
        /* each word of a multi-word personal name stands for the person later on */
        if (g->type == NF_ENT_PERSON && g->e > g->s) {
            for (k = g->s; k <= g->e; k++) {
                if (is_initial(f, k)) {
                    continue;
                }
                if ((h = phrase_hash(f, k, k)) && (v = nf_ent_docmap_slot(&f->doc, h, 1)) &&
                    (*v >> DOC_TYPE_SHIFT) == 0 && !(gaz_tok(f, k) & NF_GAZ_STOP)) {
                    *v |= (unsigned char)(NF_ENT_PERSON << DOC_TYPE_SHIFT);
                }
            }
        }
    }
}

/* Pass 2: type the deferred segments from the document, or drop them; expand headlines. */
static int pass2(struct finder *f)
{
    size_t i, n0 = f->nsegs;
    int rc;
    for (i = 0; i < n0; i++) {
        struct seg *g = &f->segs[i];
        const struct nf_ent_tok *t = &f->t[g->s];
        unsigned facts;
        if (g->type != NF_ENT_NONE) {
            continue;
        }
        if (g->headline == 1) {
            if (g->e - g->s < 4 && is_dateline_place(f, g->s, g->e)) {
                g->type = NF_ENT_LOC;
                continue;
            }
            /* add_seg may move f->segs: use indexes only */
            if ((rc = do_headline_run(f, f->segs[i].s, f->segs[i].e)) != 0) {
                return rc;
            }
            continue;
        }
        facts = nf_ent_docmap_get(&f->doc, phrase_hash(f, g->s, g->e));
        if (facts >> DOC_TYPE_SHIFT) {
            g->type = (int)(facts >> DOC_TYPE_SHIFT);
            continue;
        }
        if ((t->flags & NF_TOKF_SENT_START) && ((facts & DOC_LOWER) || !(facts & DOC_MIDCAP))) {
            continue; /* "Analysts suggest": a common word, not a name */
        }
        if (g->s > 0 && tok_is_any(f, g->s - 1, loc_preps)) {
            g->type = NF_ENT_LOC;
            continue;
        }
        if ((g->e + 1 < f->n && tok_is(f, g->e + 1, person_verbs)) ||
            (g->s > 0 && tok_is(f, g->s - 1, (const char *const[]){"said", NULL}))) {
            g->type = NF_ENT_PERSON; /* "Duran told Reuters", "said Duran" */
            continue;
        }
        g->type = NF_ENT_ORG;
    }
    return 0;
}

/* Sports tables and results: a city or region (or an unknown name) directly followed by a score
 * or a standing ("Atlanta 4 Chicago 3", "Greenock Morton 3 2 0 1") is the club, an organisation;
 * a country there is a national team and stays a place, as do datelines ("LONDON 1996-08-30")
 * and "in Moscow 30 people". */
static void retype_teams(struct finder *f)
{
    size_t i;
    for (i = 0; i < f->nsegs; i++) {
        struct seg *g = &f->segs[i];
        size_t nx = g->e + 1;
        if (!((g->type == NF_ENT_LOC && !(gaz_phrase(f, g->s, g->e) & NF_GAZ_COUNTRY)) ||
              (g->type == NF_ENT_PERSON && g->weak)) ||
            nx >= f->n || f->t[nx].kind != NF_TOK_NUM || (f->t[nx].flags & NF_TOKF_NEWLINE) ||
            is_date_number(f, nx) || (g->s > 0 && tok_is(f, g->s - 1, loc_preps))) {
            continue;
        }
        g->type = NF_ENT_ORG;
    }
}

int nf_ent_names_find(const struct nf_ent_gaz *gaz, const char *text,
                      const struct nf_ent_toks *toks, struct nf_ent_spans *out)
{
    struct finder f = {0};
    size_t i;
    int rc;

    f.gaz = gaz;
    f.text = text;
    f.t = toks->v;
    f.n = toks->n;
    if ((rc = nf_ent_docmap_init(&f.doc, 2 * toks->n + 16)) != 0) {
        goto done;
    }
    if ((rc = pass1(&f)) != 0) {
        goto done;
    }
    retype_teams(&f); /* before learn(): a team's words are not a person's */
    learn(&f);
    if ((rc = pass2(&f)) != 0) {
        goto done;
    }
    retype_teams(&f);
    for (i = 0; i < f.nsegs; i++) {
        const struct seg *g = &f.segs[i];
        if (g->type != NF_ENT_NONE &&
            (rc = nf_ent_spans_push(out, f.t[g->s].b0, f.t[g->e].b1, g->type)) != 0) {
            goto done;
        }
    }
done:
    nf_ent_docmap_free(&f.doc);
    free(f.segs);
    return rc;
}
