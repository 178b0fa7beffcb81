/* cues.h - token-level cues for the entities stage's rule-based name finder (names.c): word-list
 * lookups of tokens and phrases, capitalisation and shape tests (initials, titles, "-based"
 * compounds, datelines, quoted titles). Pure functions over a read-only view of one document.
 */
#ifndef NF_ENT_CUES_H
#define NF_ENT_CUES_H

#include <stddef.h>
#include <stdint.h>

#include "gazetteer.h"
#include "tokenize.h"

/* One document as the name finder sees it; everything borrowed. */
struct nf_cue_view {
    const struct nf_ent_gaz *gaz;
    const char *text;
    const struct nf_ent_tok *t;
    size_t n;
};

/* Small closed word classes (lower case, NULL-terminated), used with nf_cue_tok_is():
 * connectors join organisation names (Bank of England), particles personal names (van der),
 * loc_preps / loc_nouns / loc_heads / directions mark places, person_verbs mark people. */
extern const char *const nf_cue_connectors[];
extern const char *const nf_cue_particles[];
extern const char *const nf_cue_loc_preps[];
extern const char *const nf_cue_loc_nouns[];
extern const char *const nf_cue_loc_heads[];
extern const char *const nf_cue_person_verbs[];
extern const char *const nf_cue_directions[];

/* Hash of a lower-cased key, never 0 (0 marks empty docmap slots). */
uint64_t nf_cue_key_hash(const char *s, size_t n);
/* Is w one of list's words? */
int nf_cue_in_list(const char *w, const char *const *list);
/* Lower-case key of tokens s..e joined by single spaces; 0 if too long. */
size_t nf_cue_phrase_key(const struct nf_cue_view *f, size_t s, size_t e, char *out, size_t size);
/* Word-list bits (NF_GAZ_*) of the phrase s..e, of token i. */
unsigned nf_cue_gaz_phrase(const struct nf_cue_view *f, size_t s, size_t e);
unsigned nf_cue_gaz_tok(const struct nf_cue_view *f, size_t i);
/* nf_cue_key_hash of the phrase s..e, or 0 if it is too long. */
uint64_t nf_cue_phrase_hash(const struct nf_cue_view *f, size_t s, size_t e);
/* Is token i a lower-case word of list? */
int nf_cue_tok_is(const struct nf_cue_view *f, size_t i, const char *const *list);
/* Like nf_cue_tok_is, but the word may be capitalised ("In Moscow, ...") */
int nf_cue_tok_is_any(const struct nf_cue_view *f, size_t i, const char *const *list);
/* A capitalised word that can be part of a name. */
int nf_cue_is_cand(const struct nf_cue_view *f, size_t i);
/* A title, also hyphenated: "Lieutenant-Colonel", "Major-General", "Vice-Premier". */
int nf_cue_is_title(const struct nf_cue_view *f, size_t i);
/* Word-list bits of token i, adding DEMONYM for plurals of demonyms (Serbs, Moslems). */
unsigned nf_cue_gaz_tok_plural(const struct nf_cue_view *f, size_t i);
/* The entity type word-list bits stand for (hand-written lists first), or NF_ENT_NONE. */
int nf_cue_type_from_bits(unsigned bits);
/* Does token i end in a lower-case hyphenated part ("Moscow-backed")? */
int nf_cue_ends_in_lower_part(const struct nf_cue_view *f, size_t i);
/* A number token that reads as a date or year: 1996-08-30, 1996. */
int nf_cue_is_date_number(const struct nf_cue_view *f, size_t i);
/* A dateline: the place at the start of a line, before a date ("LONDON 1996-08-30",
 * "NABLUS, West Bank 1996-08-30"). */
int nf_cue_is_dateline_place(const struct nf_cue_view *f, size_t s, size_t e);
/* Does token i end with the lower-case suffix suf (and have more before it)? */
int nf_cue_ends_with(const struct nf_cue_view *f, size_t i, const char *suf);
/* An initial: one capital and its period ("P."). */
int nf_cue_is_initial(const struct nf_cue_view *f, size_t i);
/* "the town of X", "the city of X" */
int nf_cue_after_place_of(const struct nf_cue_view *f, size_t s);
/* A quoted title ("Secret Garden: An Inky Treasure Hunt", "Rehab") starting after the quote at
 * i: capitalised words, function words and light punctuation up to a closing quote on the same
 * line. Returns the index of the closing quote and sets *last to the title's last token, or 0. */
size_t nf_cue_quoted_title(const struct nf_cue_view *f, size_t i, size_t *last);

#endif
