/* strip.h - drop what the article walk never reads (the contents of <script>, <style> and
 * <svg>, and comments) from UTF-8 HTML before libxml2 parses it. A fifth to a half of a news
 * page's bytes are inline scripts and styles; scanning them with memchr costs far less than
 * parsing them. JSON-LD scripts are kept (meta.c reads them). Private to stages/clean/.
 */
#ifndef NF_CLEAN_STRIP_H
#define NF_CLEAN_STRIP_H

#include <stddef.h>

/* Copy html[0..len) to out (room for len bytes), leaving out comments and the contents of
 * script (except JSON-LD), style and svg elements (an svg holding HTML stays whole); the
 * elements' tags stay. Where the input is
 * unterminated (a comment or script running to the end) the rest is copied unchanged, for the
 * parser to recover as it would. Returns the length written (<= len). */
size_t nf_html_strip(const char *html, size_t len, char *out);

#endif
