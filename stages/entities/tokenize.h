/* tokenize.h - the entities stage's word tokenizer (stages/entities/tokenize.c): splits UTF-8
 * text into words, numbers and punctuation with byte offsets and case/position flags, the input
 * of the name finder (names.c today, a statistical tagger later).
 */
#ifndef NF_ENT_TOKENIZE_H
#define NF_ENT_TOKENIZE_H

#include <stddef.h>

enum nf_ent_tok_kind {
    NF_TOK_WORD = 1, /* letters (and digits), inner hyphens/apostrophes, abbreviation periods */
    NF_TOK_NUM,      /* starts with a digit: 11,000  3.5  10:30  1996-08-30 */
    NF_TOK_PUNCT,    /* one punctuation code point, or a possessive 's / ’s */
};

#define NF_TOKF_CAP 0x0001        /* first letter is upper case */
#define NF_TOKF_ALLCAPS 0x0002    /* at least two letters, all upper case */
#define NF_TOKF_LOWER 0x0004      /* first letter is lower case */
#define NF_TOKF_SENT_START 0x0008 /* first word of a sentence, line or paragraph */
#define NF_TOKF_POSS 0x0010       /* a possessive 's follows (it is a separate PUNCT token) */
#define NF_TOKF_DIGIT 0x0020      /* contains a digit */
#define NF_TOKF_CAPS_LINE 0x0040  /* on a headline: a line mostly in capitals or Title Case */
#define NF_TOKF_SPACE 0x0080      /* whitespace directly before */
#define NF_TOKF_NEWLINE 0x0100    /* a line break before (since the previous token) */
#define NF_TOKF_PERIOD 0x0200     /* ends with a '.' that belongs to it: U.S.  Dr.  J. */
#define NF_TOKF_HYPHEN 0x0400     /* has an inner hyphen: Jong-un, Wonsan-Kalma */

struct nf_ent_tok {
    size_t b0, b1;  /* byte offsets into the text, end exclusive */
    unsigned kind;  /* enum nf_ent_tok_kind */
    unsigned flags; /* NF_TOKF_* */
};

/* Zero-initialise; free with nf_ent_toks_free. */
struct nf_ent_toks {
    struct nf_ent_tok *v;
    size_t n, cap;
};

/* Tokenize len bytes of valid UTF-8 (invalid bytes are treated as punctuation). At most
 * max_tokens tokens are produced (NF_ERR_LIMIT beyond). Returns 0, NF_ERR_NOMEM or
 * NF_ERR_LIMIT; out is reset first. */
int nf_ent_tokenize(const char *text, size_t len, size_t max_tokens, struct nf_ent_toks *out);
void nf_ent_toks_free(struct nf_ent_toks *t);

/* Copy the token's text lower-cased (ASCII letters only) into out (NUL-terminated); returns the
 * length, or 0 if it does not fit in out_size. */
size_t nf_ent_tok_lower(const char *text, size_t b0, size_t b1, char *out, size_t out_size);

#endif
