/* names.c - rule-based name finder of the entities stage (see names.h).
 *
 * Pass 1 groups capitalised tokens into runs (split at punctuation, line breaks, possessives and
 * stopwords; joined over "of"/"for" after an organisation word: "Bank of England"), splits runs
 * at titles ("Russian President Vladimir Putin" -> Russian | Vladimir Putin), and types each
 * segment from the word lists and its context. Single unknown words are deferred to pass 2,
 * which types them from what pass 1 learnt about the document ("Putin" after "Vladimir Putin")
 * and drops sentence-initial words the document also uses in lower case. Headline runs are
 * expanded after pass 1 from word lists and document knowledge only. Last, names in lists take
 * the list's majority type and places before a score become teams (ORG). Token-level tests live
 * in cues.c; stages/entities/README.md lists the rules in order.
 */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cues.h"
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
    struct nf_cue_view v; /* gazetteer, text and tokens */
    struct nf_ent_docmap doc;
    struct seg *segs;
    size_t nsegs, capsegs;
};

/* ---- small helpers ---- */

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

/* Type of segment s..e from the word lists and its context; NF_ENT_NONE defers it. */
static int classify(const struct finder *f, size_t s, size_t e, int after_title)
{
    size_t n = e - s + 1, k;
    unsigned bits = nf_cue_gaz_phrase(&f->v, s, e), first = nf_cue_gaz_tok(&f->v, s),
             last = nf_cue_gaz_tok(&f->v, e);
    int type;
    char w[32];

    if (nf_cue_ends_in_lower_part(&f->v, e)) {
        return NF_ENT_MISC; /* Moscow-backed, New York-based */
    }
    if (n <= 4 && nf_cue_is_dateline_place(&f->v, s, e)) {
        return NF_ENT_LOC;
    }
    if (n >= 2 && (type = nf_cue_type_from_bits(bits)) != NF_ENT_NONE) {
        return type; /* West Bank is a place, though it ends in "Bank" */
    }
    if (n >= 2 && (last & NF_GAZ_ORGSUF)) {
        return NF_ENT_ORG;
    }
    for (k = s; k + 1 < e; k++) {
        if ((nf_cue_gaz_tok(&f->v, k) & NF_GAZ_ORGSUF) &&
            nf_cue_tok_is(&f->v, k + 1, nf_cue_connectors)) {
            return NF_ENT_ORG; /* Asan Institute for Policy Studies */
        }
        if ((nf_cue_gaz_tok(&f->v, k) & NF_GAZ_MISCSUF) &&
            nf_cue_tok_is(&f->v, k + 1, nf_cue_connectors)) {
            return NF_ENT_MISC; /* World Series of Golf */
        }
    }
    for (k = s; k < e; k++) {
        if (f->v.t[k + 1].kind == NF_TOK_PUNCT && f->v.text[f->v.t[k + 1].b0] == '&') {
            return NF_ENT_ORG; /* Douglas & Lomason */
        }
    }
    if (n == 1) {
        bits = nf_cue_gaz_tok_plural(&f->v, s);
    }
    if ((type = nf_cue_type_from_bits(bits)) != NF_ENT_NONE) {
        return type;
    }
    if (n == 1 && nf_cue_ends_with(&f->v, s, "ism")) {
        return NF_ENT_MISC; /* Buddhism, Communism */
    }
    if (n >= 2 && (last & NF_GAZ_MISCSUF)) {
        return NF_ENT_MISC; /* U.S. Open, World Series */
    }
    if (n >= 2 && ((last & NF_GAZ_LOCSUF) || nf_cue_tok_is_any(&f->v, s, nf_cue_loc_heads))) {
        return NF_ENT_LOC; /* Wall Street, Lake Eildon */
    }
    if (n == 1 && (bits & NF_GAZ_FIRST)) {
        return NF_ENT_PERSON;
    }
    if (after_title) {
        return NF_ENT_PERSON;
    }
    if (n >= 2 && ((first & NF_GAZ_FIRST) || nf_cue_is_initial(&f->v, s))) {
        return NF_ENT_PERSON; /* Kim Jong-un, P. Tufnell */
    }
    if (n >= 2 && nf_ent_tok_lower(f->v.text, f->v.t[s].b0, f->v.t[s].b1, w, sizeof(w)) &&
        nf_cue_in_list(w, nf_cue_directions) && (nf_cue_gaz_phrase(&f->v, s + 1, e) & NF_GAZ_LOC)) {
        return NF_ENT_LOC; /* Eastern Ukraine */
    }
    if (n >= 2 && (first & NF_GAZ_DEMONYM)) {
        return NF_ENT_MISC; /* Korean War */
    }
    for (k = s + 1; n >= 2 && k <= e; k++) {
        if (nf_cue_gaz_phrase(&f->v, k, e) & NF_GAZ_ORG) {
            return NF_ENT_ORG; /* International Red Cross, Lola Honda */
        }
    }
    for (k = s; n >= 2 && k <= e; k++) {
        if ((nf_cue_gaz_tok(&f->v, k) & NF_GAZ_LOC) ||
            (k < e && (nf_cue_gaz_phrase(&f->v, k, k + 1) & NF_GAZ_LOC))) {
            return NF_ENT_ORG; /* a place in a longer name: Air France, New York Yankees */
        }
    }
    if ((e + 1 < f->v.n && nf_cue_tok_is(&f->v, e + 1, nf_cue_loc_nouns)) ||
        nf_cue_after_place_of(&f->v, s)) {
        return NF_ENT_LOC; /* the Kursk region, the town of Tacambaro */
    }
    if (n == 1 && (f->v.t[s].flags & NF_TOKF_ALLCAPS) && f->v.t[s].b1 - f->v.t[s].b0 <= 6) {
        return NF_ENT_ORG; /* acronym in running text: HUR, NATO */
    }
    for (k = s; n >= 2 && k <= e; k++) {
        if (nf_cue_gaz_tok(&f->v, k) & NF_GAZ_COMMON) {
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

    if (title_before && e > s && nf_cue_type_from_bits(nf_cue_gaz_tok(&f->v, s)) == NF_ENT_NONE &&
        nf_cue_type_from_bits(nf_cue_gaz_phrase(&f->v, s, e)) == NF_ENT_NONE) {
        seg0 = ++s;
        after_title = 1;
    }
    unsigned last = nf_cue_gaz_tok(&f->v, e);

    /* a whole-run word-list hit or organisation name is never split */
    if (nf_cue_type_from_bits(nf_cue_gaz_phrase(&f->v, s, e)) != NF_ENT_NONE ||
        (e > s && (last & NF_GAZ_ORGSUF))) {
        return add_seg(f, s, e, classify(f, s, e, 0), 0);
    }
    /* a leading nationality or place before a person or event is its own name:
     * "American | Dennis Mitchell", "U.S. | Labor Day" */
    if (e > s && (nf_cue_gaz_tok(&f->v, s) & (NF_GAZ_DEMONYM | NF_GAZ_LOC))) {
        int rest = classify(f, s + 1, e, 0) & ~WEAK;
        if (rest == NF_ENT_PERSON || rest == NF_ENT_MISC ||
            nf_cue_type_from_bits(nf_cue_gaz_phrase(&f->v, s + 1, e)) != NF_ENT_NONE) {
            if ((rc = add_seg(f, s, s, nf_cue_type_from_bits(nf_cue_gaz_tok(&f->v, s)), 0)) != 0) {
                return rc;
            }
            return do_run(f, s + 1, e, 0);
        }
    }
    for (k = s; k <= e + 1; k++) {
        int title = k <= e && nf_cue_is_title(&f->v, k);
        /* a trailing title after a first name is a surname (Martin Luther King) */
        if (title && k == e && k > seg0 && (nf_cue_gaz_tok(&f->v, seg0) & NF_GAZ_FIRST)) {
            title = 0;
        }
        if (!title && k <= e) {
            continue;
        }
        if (k > seg0) {
            int type = classify(f, seg0, k - 1, after_title);
            /* "Defense Minister": an unknown word before a title belongs to the title */
            if (k <= e && !after_title &&
                nf_cue_type_from_bits(nf_cue_gaz_phrase(&f->v, seg0, k - 1)) == NF_ENT_NONE) {
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
    int type = nf_cue_type_from_bits(e == s ? nf_cue_gaz_tok_plural(&f->v, s)
                                            : nf_cue_gaz_phrase(&f->v, s, e));
    unsigned facts;
    if (type != NF_ENT_NONE) {
        return type;
    }
    if (e > s && (nf_cue_gaz_tok(&f->v, e) & NF_GAZ_ORGSUF)) {
        return NF_ENT_ORG;
    }
    if (e > s && (nf_cue_gaz_tok(&f->v, e) & NF_GAZ_MISCSUF)) {
        return NF_ENT_MISC;
    }
    facts = nf_ent_docmap_get(&f->doc, nf_cue_phrase_hash(&f->v, s, e));
    if (facts >> DOC_TYPE_SHIFT) {
        return (int)(facts >> DOC_TYPE_SHIFT);
    }
    if (e == s && (nf_cue_gaz_tok(&f->v, s) & NF_GAZ_FIRST)) {
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
        if (len == 0 && nf_cue_is_initial(&f->v, k) && k < e) {
            len = 1; /* "P. Tufnell" on a score line */
            type = NF_ENT_PERSON;
        }
        if (len == 0) {
            k++;
            continue;
        }
        /* a first name takes the unknown words after it: "2. Michael Johnson (U.S.)" */
        if (len == 1 && type == NF_ENT_PERSON &&
            ((nf_cue_gaz_tok(&f->v, k) & NF_GAZ_FIRST) || nf_cue_is_initial(&f->v, k))) {
            int t2;
            while (len < 3 && k + len <= e &&
                   ((t2 = known_type(f, k + len, k + len)) == NF_ENT_NONE || t2 == NF_ENT_PERSON) &&
                   !(nf_cue_gaz_tok(&f->v, k + len) & (NF_GAZ_TITLE | NF_GAZ_STOP))) {
                len++;
            }
            if (len == 1 && nf_cue_is_initial(&f->v, k)) {
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

/* Pass 1: runs of candidates -> segments. */
static int pass1(struct finder *f)
{
    size_t i = 0, j, k;
    int rc;
    while (i < f->v.n) {
        if ((k = nf_cue_quoted_title(&f->v, i, &j)) != 0) {
            if ((rc = add_seg(f, i + 1, j, NF_ENT_MISC, 3)) != 0) {
                return rc;
            }
            i = k + 1;
            continue;
        }
        if (!nf_cue_is_cand(&f->v, i)) {
            i++;
            continue;
        }
        j = i;
        for (;;) {
            /* extend over adjacent candidates on the same line, stopping after a possessive */
            while (j + 1 < f->v.n && !(f->v.t[j].flags & NF_TOKF_POSS) &&
                   !(f->v.t[j + 1].flags & NF_TOKF_NEWLINE) && nf_cue_is_cand(&f->v, j + 1) &&
                   !nf_cue_ends_in_lower_part(&f->v, j)) {
                j++;
            }
            if (f->v.t[j].flags & (NF_TOKF_POSS | NF_TOKF_CAPS_LINE)) {
                break;
            }
            /* join over a connector after an organisation word (Bank of England), or over
             * name nf_cue_particles inside a personal name (Nikolaus van der Pas) */
            k = j + 1;
            if (k + 1 < f->v.n && f->v.t[k].kind == NF_TOK_PUNCT &&
                f->v.text[f->v.t[k].b0] == '&' && f->v.t[k].b1 - f->v.t[k].b0 == 1) {
                k++; /* Douglas & Lomason, AT & T */
            } else if ((nf_cue_gaz_tok(&f->v, j) & (NF_GAZ_ORGSUF | NF_GAZ_MISCSUF)) &&
                       nf_cue_tok_is(&f->v, k, nf_cue_connectors)) {
                k++;
                if (k < f->v.n && (f->v.t[k].flags & NF_TOKF_LOWER) &&
                    f->v.t[k].b1 - f->v.t[k].b0 == 3 &&
                    strncmp(f->v.text + f->v.t[k].b0, "the", 3) == 0) {
                    k++;
                }
            } else if (!(nf_cue_gaz_tok(&f->v, j) & NF_GAZ_ORGSUF) &&
                       nf_cue_tok_is(&f->v, k, nf_cue_particles)) {
                k++;
                if (nf_cue_tok_is(&f->v, k, nf_cue_particles)) {
                    k++;
                }
            } else {
                break;
            }
            if (k >= f->v.n || k - j > 3 || (f->v.t[k].flags & NF_TOKF_NEWLINE) ||
                !nf_cue_is_cand(&f->v, k)) {
                break;
            }
            j = k;
        }
        if ((f->v.t[i].flags & NF_TOKF_CAPS_LINE) || j - i + 1 > MAX_RUN) {
            rc = add_seg(f, i, j, NF_ENT_NONE, 1); /* expanded after pass 1 */
        } else {
            rc = do_run(f, i, j,
                        i >= 2 && nf_cue_tok_is(&f->v, i - 1, (const char *const[]){"of", NULL}) &&
                            nf_cue_is_title(&f->v, i - 2));
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
    for (i = 0; i < f->v.n; i++) {
        const struct nf_ent_tok *t = &f->v.t[i];
        size_t n;
        unsigned char *v;
        if (t->kind != NF_TOK_WORD) {
            continue;
        }
        n = nf_ent_tok_lower(f->v.text, t->b0, t->b1, key, sizeof(key));
        if (n == 0 || !(v = nf_ent_docmap_slot(&f->doc, nf_cue_key_hash(key, n), 1))) {
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
        if ((h = nf_cue_phrase_hash(&f->v, g->s, g->e)) &&
            (v = nf_ent_docmap_slot(&f->doc, h, 1)) && (*v >> DOC_TYPE_SHIFT) == 0) {
            *v |= (unsigned char)(g->type << DOC_TYPE_SHIFT);
        }
        /* each word of a multi-word personal name stands for the person later on */
        if (g->type == NF_ENT_PERSON && g->e > g->s) {
            for (k = g->s; k <= g->e; k++) {
                if (nf_cue_is_initial(&f->v, k)) {
                    continue;
                }
                if ((h = nf_cue_phrase_hash(&f->v, k, k)) &&
                    (v = nf_ent_docmap_slot(&f->doc, h, 1)) && (*v >> DOC_TYPE_SHIFT) == 0 &&
                    !(nf_cue_gaz_tok(&f->v, k) & NF_GAZ_STOP)) {
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
        const struct nf_ent_tok *t = &f->v.t[g->s];
        unsigned facts;
        if (g->type != NF_ENT_NONE) {
            continue;
        }
        if (g->headline == 1) {
            if (g->e - g->s < 4 && nf_cue_is_dateline_place(&f->v, g->s, g->e)) {
                g->type = NF_ENT_LOC;
                continue;
            }
            /* add_seg may move f->segs: use indexes only */
            if ((rc = do_headline_run(f, f->segs[i].s, f->segs[i].e)) != 0) {
                return rc;
            }
            continue;
        }
        facts = nf_ent_docmap_get(&f->doc, nf_cue_phrase_hash(&f->v, g->s, g->e));
        if (facts >> DOC_TYPE_SHIFT) {
            g->type = (int)(facts >> DOC_TYPE_SHIFT);
            continue;
        }
        if ((t->flags & NF_TOKF_SENT_START) && ((facts & DOC_LOWER) || !(facts & DOC_MIDCAP))) {
            continue; /* "Analysts suggest": a common word, not a name */
        }
        if (g->e == g->s && (nf_cue_gaz_tok(&f->v, g->s) & NF_GAZ_COMMON) &&
            !(t->flags & NF_TOKF_ALLCAPS)) {
            continue; /* "the Stadium court", "First Half": a common word alone is no name */
        }
        if (g->s > 0 && nf_cue_tok_is_any(&f->v, g->s - 1, nf_cue_loc_preps)) {
            g->type = NF_ENT_LOC;
            continue;
        }
        if ((g->e + 1 < f->v.n && nf_cue_tok_is(&f->v, g->e + 1, nf_cue_person_verbs)) ||
            (g->s > 0 && nf_cue_tok_is(&f->v, g->s - 1, (const char *const[]){"said", NULL}))) {
            g->type = NF_ENT_PERSON; /* "Duran told Reuters", "said Duran" */
            continue;
        }
        if (g->s > 0 &&
            nf_cue_tok_is(&f->v, g->s - 1, (const char *const[]){"c", "b", "st", NULL})) {
            g->type = NF_ENT_PERSON; /* cricket scorecards: "Healy c Ranatunga b Vaas" */
            continue;
        }
        g->type = NF_ENT_ORG;
        g->weak = 1;
    }
    return 0;
}

static int seg_cmp(const void *a, const void *b)
{
    const struct seg *x = *(const struct seg *const *)a, *y = *(const struct seg *const *)b;
    return x->s < y->s ? -1 : x->s > y->s;
}

/* In a list of names ("Given, Breen, Staunton, Irwin and Quinn") the members typed only by
 * default take the type most members have on evidence. */
static int propagate_lists(struct finder *f)
{
    struct seg **v = malloc((f->nsegs + 1) * sizeof(*v));
    size_t i, n = 0, a, b;
    if (!v) {
        return NF_ERR_NOMEM;
    }
    for (i = 0; i < f->nsegs; i++) {
        if (f->segs[i].type != NF_ENT_NONE && f->segs[i].headline != 1) {
            v[n++] = &f->segs[i];
        }
    }
    qsort(v, n, sizeof(*v), seg_cmp);
    for (a = 0; a < n; a = b) {
        size_t votes[NF_ENT_NTYPES] = {0}, members = 1, best = NF_ENT_NONE;
        for (b = a + 1; b < n; b++) {
            size_t sep = v[b - 1]->e + 1;
            if (v[b]->s != sep + 1 || (f->v.t[v[b]->s].flags & NF_TOKF_NEWLINE) ||
                !((f->v.t[sep].kind == NF_TOK_PUNCT && f->v.text[f->v.t[sep].b0] == ',') ||
                  nf_cue_tok_is(&f->v, sep, (const char *const[]){"and", NULL}))) {
                break;
            }
            members++;
        }
        if (members < 3) {
            continue;
        }
        for (i = a; i < b; i++) {
            if (!v[i]->weak && v[i]->type < NF_ENT_NTYPES) {
                votes[v[i]->type]++;
            }
        }
        for (i = 1; i < NF_ENT_NTYPES; i++) {
            if (votes[i] > votes[best]) {
                best = i;
            }
        }
        for (i = a; best != NF_ENT_NONE && votes[best] * 2 > members - votes[best] && i < b; i++) {
            if (v[i]->weak) {
                v[i]->type = (int)best;
            }
        }
    }
    free(v);
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
        if (!((g->type == NF_ENT_LOC && !(nf_cue_gaz_phrase(&f->v, g->s, g->e) & NF_GAZ_COUNTRY)) ||
              (g->type == NF_ENT_PERSON && g->weak)) ||
            nx >= f->v.n || f->v.t[nx].kind != NF_TOK_NUM || (f->v.t[nx].flags & NF_TOKF_NEWLINE) ||
            nf_cue_is_date_number(&f->v, nx) ||
            (g->s > 0 && nf_cue_tok_is(&f->v, g->s - 1, nf_cue_loc_preps))) {
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

    f.v.gaz = gaz;
    f.v.text = text;
    f.v.t = toks->v;
    f.v.n = toks->n;
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
    if ((rc = propagate_lists(&f)) != 0) {
        goto done;
    }
    retype_teams(&f);
    for (i = 0; i < f.nsegs; i++) {
        const struct seg *g = &f.segs[i];
        if (g->type != NF_ENT_NONE &&
            (rc = nf_ent_spans_push(out, f.v.t[g->s].b0, f.v.t[g->e].b1, g->type)) != 0) {
            goto done;
        }
    }
done:
    nf_ent_docmap_free(&f.doc);
    free(f.segs);
    return rc;
}
