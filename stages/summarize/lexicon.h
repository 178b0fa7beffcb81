/* lexicon.h - words for the summarize stage: a string-interning table, the stopword list, and a
 * tokenizer that turns a sentence into word tokens with normalised, lightly stemmed term ids.
 *
 * Terms are interned per article (ids in first-seen order, so everything built on them is
 * deterministic); the stopword table is built once in init() and only read afterwards.
 */
#ifndef NF_SUMMARIZE_LEXICON_H
#define NF_SUMMARIZE_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "newsflow/util.h"

#define NF_LEX_NONE UINT32_MAX /* term id of a token that is not a content word */

/* Open-addressing string table; ids are 0..n-1 in insertion order. Zero-initialise, then use;
 * free with nf_lex_table_free. */
struct nf_lex_table {
    uint32_t *slots; /* id + 1, 0 = empty */
    size_t nslots;   /* power of two */
    struct nf_buf keys;
    size_t *off; /* key i is keys.data + off[i], len[i] bytes */
    uint32_t *len;
    uint64_t *hash; /* hash of key i */
    size_t n;
    size_t cap;
};

/* Find or add key; *id gets its id. Returns 0 or NF_ERR_NOMEM / NF_ERR_LIMIT (2^31 keys). */
int nf_lex_table_intern(struct nf_lex_table *t, const char *key, size_t n, uint32_t *id);
/* Make room for n keys without rehashing. Returns 0 or NF_ERR_NOMEM. */
int nf_lex_table_reserve(struct nf_lex_table *t, size_t n);
/* Id of key, or NF_LEX_NONE. Safe on a zeroed table. Does not modify t. */
uint32_t nf_lex_table_find(const struct nf_lex_table *t, const char *key, size_t n);
/* Borrowed key of id (not NUL-terminated), its length in *n. */
const char *nf_lex_table_key(const struct nf_lex_table *t, uint32_t id, size_t *n);
void nf_lex_table_free(struct nf_lex_table *t);

/* Load a stopword file (one word a line, '#' comments, case-insensitive) into set. */
int nf_lex_load_stopwords(const char *path, struct nf_lex_table *set, char *errstr,
                          size_t errstr_size);

/* Token flags */
#define NF_LEX_STOP 0x01u  /* a stopword */
#define NF_LEX_CAP 0x02u   /* starts with an upper-case letter */
#define NF_LEX_NUM 0x04u   /* starts with a digit */
#define NF_LEX_GAP 0x08u   /* punctuation, not only whitespace, since the previous token */
#define NF_LEX_FIRST 0x10u /* first token of its sentence */
#define NF_LEX_LONG 0x20u  /* too long to be a term (runs of CJK, junk) */
#define NF_LEX_WEAK                                                                                \
    0x40u                  /* lower-case -ly/-ing/-ed form: a poor first or last word of a phrase  \
                            */
#define NF_LEX_SHOUT 0x80u /* all capitals, two letters or more ("LONDON" in a dateline) */
#define NF_LEX_PERSON 0x100u /* first- or second-person pronoun: I, we, my, our, me, us, you... */

struct nf_lex_tok {
    size_t start; /* byte offsets into the text */
    size_t end;
    uint32_t term; /* content-word term id, or NF_LEX_NONE (stopword, number, long token) */
    uint32_t sent; /* sentence index */
    unsigned flags;
};

struct nf_lex_toks {
    struct nf_lex_tok *v; /* owned; free with nf_lex_toks_free */
    size_t n;
    size_t cap;
};

/* An article's vocabulary: its content terms, and a cache from each raw word form to its term,
 * so that normalising, stopword lookup and stemming happen once per distinct form. Zero-initialise;
 * free with nf_lex_vocab_free. */
struct nf_lex_vocab {
    struct nf_lex_table terms; /* normalised, stemmed content terms */
    struct nf_lex_table forms; /* raw word forms */
    uint32_t *form_term;       /* per form: term id or NF_LEX_NONE */
    uint16_t *form_flags;      /* per form: NF_LEX_STOP, _LONG, _WEAK, _SHOUT, _PERSON */
    size_t form_cap;
};

/* Tokenize text[a, b) (sentence number sent), appending tokens to out and interning content
 * terms into vocab. stop may be a zeroed table (no stopwords). Returns 0 or NF_ERR_NOMEM. */
int nf_lex_tokenize(const char *text, size_t a, size_t b, uint32_t sent,
                    const struct nf_lex_table *stop, struct nf_lex_vocab *vocab,
                    struct nf_lex_toks *out);
void nf_lex_vocab_free(struct nf_lex_vocab *vocab);
void nf_lex_toks_free(struct nf_lex_toks *toks);

/* Normalised key of a word: lower-cased (ASCII, Latin-1, Cyrillic), curly apostrophes straight,
 * possessive 's dropped. Writes at most out_size - 1 bytes plus NUL; returns the key length, or 0
 * when the word does not fit. */
size_t nf_lex_key(const char *word, size_t n, char *out, size_t out_size);
/* Light English suffix stripping in place on an ASCII lower-case key; returns the new length. */
size_t nf_lex_stem(char *key, size_t n);

#endif
