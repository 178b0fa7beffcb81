/* splitter.h - sentence splitter for the summarize stage (cleaned text -> sentence spans).
 *
 * Blank lines are hard paragraph boundaries; inside a paragraph a sentence ends at . ! ? or an
 * ellipsis (plus closing quotes/brackets) followed by whitespace, unless the context says it is an
 * abbreviation, an initial or a dotted acronym. Sentences longer than a byte bound are cut.
 */
#ifndef NF_SUMMARIZE_SPLITTER_H
#define NF_SUMMARIZE_SPLITTER_H

#include <stddef.h>
#include <stdint.h>

#define NF_SPLIT_CUT 0x1u /* the span ended at the length bound, not at punctuation */

/* One sentence: byte offsets [start, end) into the text, trimmed of ASCII whitespace, never
 * empty, always on UTF-8 character boundaries. */
struct nf_split_span {
    size_t start;
    size_t end;
    unsigned para;  /* paragraph index, 0-based, counting non-empty paragraphs */
    unsigned flags; /* NF_SPLIT_CUT */
};

struct nf_split_list {
    struct nf_split_span *v; /* owned; free with nf_split_free */
    size_t n;
    size_t cap;
    int truncated; /* 1 when max_spans stopped the split before the end of the text */
};

struct nf_split_opts {
    size_t max_bytes; /* longest sentence in bytes before a forced cut; clamped to >= 16 */
    size_t max_spans; /* stop after this many sentences; 0 = no limit */
};

/* Defaults: max_bytes 2000, max_spans 0. */
void nf_split_opts_default(struct nf_split_opts *opts);

/* Split text (len bytes, valid UTF-8 expected; invalid bytes are treated as letters) into
 * sentences appended to out (zero-initialise it first). opts may be NULL for the defaults.
 * Returns 0 or NF_ERR_NOMEM (out then holds the spans found so far). */
int nf_split_text(const char *text, size_t len, const struct nf_split_opts *opts,
                  struct nf_split_list *out);

/* Whitespace, as Python's str.split() sees it: ASCII space and \t \n \v \f \r, U+001C..U+001F,
 * U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. Sentences are
 * trimmed of it and the summary collapses its runs to one space. */
int nf_split_is_space_cp(uint32_t cp);
/* Byte length of the whitespace character at s (avail > 0 bytes), or 0. */
size_t nf_split_space_len(const char *s, size_t avail);

/* Free the spans; accepts a zeroed list, leaves it zeroed. */
void nf_split_free(struct nf_split_list *list);

#endif
