/* patterns.c - the entities stage's pattern entities: dates ("August 30, 1996", "the 21st",
 * "December last year"), times ("10:30 a.m."), money ("$5 million"), percentages ("3.5%") and
 * quantities ("11,000 troops", "up to 4,000"), as PCRE2 regular expressions (see patterns.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "patterns.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"

/* Building blocks. Numbers are atomic so a failed look-ahead cannot shorten "4,000" to "4". */
#define NUM "(?>\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)"
#define MAG "(?:thousand|million|billion|trillion|mln|bln|bn)"
#define MONTHF                                                                                     \
    "(?:January|February|March|April|June|July|August|September|October|November|December)"
#define MONTH "(?:" MONTHF "|May|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?)"
#define WEEKDAY "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
#define YEAR "(?:1[5-9]\\d{2}|20\\d{2})"
#define RELUNIT "(?:year|month|week|weekend|decade|century|spring|summer|autumn|fall|winter)"
#define ZONE "(?:GMT|UTC|EST|EDT|CST|CDT|PST|PDT|CET|CEST|BST|KST|JST|MSK)"
#define AMPM "(?:[ap]\\.m\\.|[AP]\\.M\\.|(?:am|pm|AM|PM)\\b)"
#define CURWORD                                                                                    \
    "(?:dollars?|euros?|pounds?(?: sterling)?|yen|yuan|renminbi|rubles?|roubles?|won|francs?|"     \
    "marks?|rupees?|pesos?|cents?|pence|lire|lira|rand|baht|ringgit|crowns?|kronor|krona|kroner|"  \
    "shekels?|dinars?|riyals?|dirhams?)"
#define CURCODE "(?:USD|EUR|GBP|JPY|CNY|CHF|RUB|KRW|INR|AUD|CAD|HKD)"
#define MOD                                                                                        \
    "(?:up to|more than|less than|fewer than|at least|at most|as many as|as much as|about|"        \
    "around|approximately|roughly|nearly|almost|over|some|an estimated)"
#define UNIT                                                                                       \
    "(?:troops|soldiers|people|persons|civilians|residents|refugees|migrants|workers|employees|"   \
    "jobs|students|children|men|women|casualties|deaths|dead|victims|prisoners|hostages|votes|"    \
    "seats|homes|houses|buildings|vehicles|cars|tanks|aircraft|planes|jets|ships|missiles|drones|" \
    "rockets|shells|tonnes|tons|tonne|ton|barrels|kilometres|kilometers|km|miles|metres|meters|"   \
    "feet|ft|inches|cm|mm|centimetres|centimeters|millimetres|millimeters|kilograms|kg|grams|"     \
    "pounds|lbs|litres|liters|gallons|hectares|acres|"                                             \
    "square (?:kilometres|kilometers|km|miles|metres|meters|feet)|megawatts|MW|gigawatts|GW|"      \
    "degrees|units|copies|cases|infections|visitors|tourists|passengers|members|delegates|"        \
    "participants|protesters|demonstrators|officers|fighters|militants|rebels|households|"         \
    "families|villages|countries)"
#define NOT_PCT                                                                                    \
    "(?!\\h*(?:%|percent\\b|per cent\\b|" MAG "|" CURWORD "\\b|" UNIT "\\b|[.:]\\d|" AMPM "))"

static const struct {
    int type;
    const char *re;
} pattern_src[] = {
    /* 1996-08-30, 30/08/1996 */
    {NF_ENT_DATE, "\\b\\d{4}-\\d{2}-\\d{2}\\b"},
    {NF_ENT_DATE, "\\b\\d{1,2}/\\d{1,2}/(?:\\d{4}|\\d{2})\\b"},
    /* August 30, 1996 / Aug. 30 / 30 August 1996 / the 30th of August */
    {NF_ENT_DATE, "\\b" MONTH "\\h+\\d{1,2}(?:st|nd|rd|th)?\\b(?:,?\\h+" YEAR "\\b)?"},
    {NF_ENT_DATE,
     "\\b(?:the\\h+)?\\d{1,2}(?:st|nd|rd|th)?\\h+(?:of\\h+)?" MONTH "\\b(?:,?\\h+" YEAR "\\b)?"},
    /* May 1996, September of 2023, December last year, bare month names (not "May") */
    {NF_ENT_DATE, "\\b(?:" MONTHF "|May)\\h+(?:of\\h+)?" YEAR "\\b"},
    {NF_ENT_DATE, "\\b(?:" MONTHF "|May)\\h+(?:of\\h+)?(?:last|next|this)\\h+(?:year|month)\\b"},
    {NF_ENT_DATE, "\\b" MONTHF "\\b"},
    /* last year, this week, early next month */
    {NF_ENT_DATE, "\\b(?:(?:[Ee]arly|[Ll]ate|[Mm]id)[- ])?(?:[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|"
                  "[Pp]revious|[Cc]oming)\\h+" RELUNIT "\\b"},
    /* the 21st (of this month); not "the 21st century", "the 3rd Division" */
    {NF_ENT_DATE, "\\b(?:[Tt]he\\h+)?\\d{1,2}(?:st|nd|rd|th)\\b(?!\\h+(?:century|centuries|"
                  "anniversary|minute|round|place|time|floor|birthday|division|straight|"
                  "consecutive|term|session|seed|hole|lap|inning|innings|[A-Z]))"},
    {NF_ENT_DATE, "\\b" WEEKDAY "s?\\b(?:\\h+(?:morning|afternoon|evening|night)\\b)?"},
    {NF_ENT_DATE, "\\b(?:today|yesterday|tomorrow)\\b"},
    /* in 1996, since 2014, the 1990s, 1996/97 */
    {NF_ENT_DATE, "\\b(?i:in|since|by|until|till|from|during|before|after|of|early|late|mid|"
                  "around|through)\\h+\\K" YEAR "(?:/\\d{2}(?:\\d{2})?)?\\b"},
    {NF_ENT_DATE, "\\b(?:[Tt]he\\h+)?(?:1[5-9]|20)\\d0s\\b"},
    {NF_ENT_DATE, "\\b\\d{1,3}\\h+(?:years?|months?|weeks?|days?|decades?)\\h+(?:ago|earlier|"
                  "later)\\b"},
    /* 10:30 a.m., 11:34 AM, 14:00 GMT, 10 p.m., noon */
    {NF_ENT_TIME, "\\b\\d{1,2}(?:[:.]\\d{2}){1,2}\\h*" AMPM "(?:\\h+" ZONE "\\b)?"},
    {NF_ENT_TIME, "\\b\\d{1,2}:\\d{2}(?::\\d{2})?\\b(?:\\h+" ZONE "\\b)?"},
    {NF_ENT_TIME, "\\b\\d{1,2}\\h*" AMPM "(?:\\h+" ZONE "\\b)?"},
    {NF_ENT_TIME, "\\b(?:noon|midnight|tonight|(?:this|yesterday|tomorrow)\\h+(?:morning|"
                  "afternoon|evening))\\b"},
    /* $5 million, US$ 3.2 bln, €20, 40 million dollars, USD 5, 5 bln yen */
    {NF_ENT_MONEY, "(?:\\b(?:US|A|C|HK|NZ|S)\\h?)?[$\xe2\x82\xac\xc2\xa3\xc2\xa5\xe2\x82\xa9"
                   "\xe2\x82\xbd]\\h?" NUM "(?:\\h*" MAG "\\b)?"},
    {NF_ENT_MONEY, "\\b" NUM "(?:\\h+" MAG ")?\\h+(?:(?:US|U\\.S\\.|Canadian|Australian|"
                   "Hong Kong|Singapore|New Zealand)\\h+)?" CURWORD "\\b"},
    {NF_ENT_MONEY, "\\b" CURCODE "\\h?" NUM "(?:\\h*" MAG "\\b)?"},
    {NF_ENT_MONEY, "\\b" NUM "(?:\\h*" MAG ")?\\h+" CURCODE "\\b"},
    /* 3.5%, 12 percent, 2 percentage points */
    {NF_ENT_PERCENT, "\\b" NUM "\\h?(?:%|percent\\b|per cent\\b|percentage points?\\b)"},
    /* 11,000 troops, up to 4,000, 3 million barrels */
    {NF_ENT_QUANTITY, "\\b(?:" MOD "\\h+)?" NUM "(?:\\h+" MAG ")?(?:\\h+(?:more|additional|"
                      "other|new|extra))?\\h+" UNIT "\\b"},
    {NF_ENT_QUANTITY,
     "\\b(?i:" MOD ")\\h+(?!(?:1[89]|20)\\d\\d\\b|0\\d\\b)" NUM "(?:\\h+" MAG "\\b)?" NOT_PCT},
    {NF_ENT_QUANTITY, "\\b" NUM "\\h+" MAG "\\b" NOT_PCT},
};

#define NPATTERNS (sizeof(pattern_src) / sizeof(pattern_src[0]))

struct nf_ent_patterns {
    pcre2_code *re[NPATTERNS];
    pcre2_match_context *mctx;
    uint32_t max_pairs; /* largest capture count + 1 over all patterns */
    int jit;
};

int nf_ent_patterns_new(uint32_t match_limit, struct nf_ent_patterns **out, char *errstr,
                        size_t errstr_size)
{
    struct nf_ent_patterns *p = calloc(1, sizeof(*p));
    uint32_t have_jit = 0, cap;
    size_t i;
    int rc = 0, err;
    PCRE2_SIZE erroff;

    *out = NULL;
    if (!p || !(p->mctx = pcre2_match_context_create(NULL))) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "patterns: out of memory");
        goto done;
    }
    pcre2_set_match_limit(p->mctx, match_limit);
    pcre2_set_depth_limit(p->mctx, match_limit < 10000 ? match_limit : 10000);
    if (pcre2_config(PCRE2_CONFIG_JIT, &have_jit) < 0) {
        have_jit = 0;
    }
    p->jit = have_jit != 0;
    p->max_pairs = 1;
    for (i = 0; i < NPATTERNS; i++) {
        p->re[i] = pcre2_compile((PCRE2_SPTR)pattern_src[i].re, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
                                 &err, &erroff, NULL);
        if (!p->re[i]) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof(msg));
            rc = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "pattern %zu (%s) at %zu: %s", i,
                           nf_ent_type_name(pattern_src[i].type), (size_t)erroff, (char *)msg);
            goto done;
        }
        /* JIT failure (no executable memory, say) falls back to the interpreter */
        if (p->jit && pcre2_jit_compile(p->re[i], PCRE2_JIT_COMPLETE) != 0) {
            p->jit = 0;
        }
        if (pcre2_pattern_info(p->re[i], PCRE2_INFO_CAPTURECOUNT, &cap) == 0 &&
            cap + 1 > p->max_pairs) {
            p->max_pairs = cap + 1;
        }
    }
    *out = p;
    p = NULL;
done:
    nf_ent_patterns_destroy(p);
    return rc;
}

void nf_ent_patterns_destroy(struct nf_ent_patterns *p)
{
    size_t i;
    if (!p) {
        return;
    }
    for (i = 0; i < NPATTERNS; i++) {
        pcre2_code_free(p->re[i]);
    }
    pcre2_match_context_free(p->mctx);
    free(p);
}

int nf_ent_patterns_jit(const struct nf_ent_patterns *p)
{
    return p->jit;
}

int nf_ent_patterns_find(const struct nf_ent_patterns *p, const char *text, size_t len,
                         struct nf_ent_spans *out, unsigned *limited)
{
    struct nf_ent_spans found = {0};
    pcre2_match_data *md = pcre2_match_data_create(p->max_pairs, NULL);
    size_t i, k;
    int rc = 0;

    if (!md) {
        rc = NF_ERR_NOMEM;
        goto done;
    }
    for (i = 0; i < NPATTERNS; i++) {
        PCRE2_SIZE off = 0;
        while (off < len) {
            /* the caller validated the UTF-8 once; re-checking per call would be quadratic */
            int m =
                pcre2_match(p->re[i], (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, p->mctx);
            PCRE2_SIZE *ov;
            if (m == PCRE2_ERROR_NOMATCH) {
                break;
            }
            if (m < 0) {
                (*limited)++;
                break;
            }
            ov = pcre2_get_ovector_pointer(md);
            if (ov[1] <= off || ov[1] <= ov[0]) {
                /* empty match (or \K oddity): step one code point */
                off++;
                while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80) {
                    off++;
                }
                continue;
            }
            if ((rc = nf_ent_spans_push(&found, ov[0], ov[1], pattern_src[i].type)) != 0) {
                goto done;
            }
            off = ov[1];
        }
    }
    nf_ent_spans_resolve(&found);
    for (k = 0; k < found.n; k++) {
        if ((rc = nf_ent_spans_push(out, found.v[k].b0, found.v[k].b1, found.v[k].type)) != 0) {
            goto done;
        }
    }
done:
    pcre2_match_data_free(md);
    nf_ent_spans_free(&found);
    return rc;
}
