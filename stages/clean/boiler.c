/* boiler.c - recognisers for site chrome, used by the clean stage's extractor (extract.c):
 * class/id names of menus, share bars, cookie notices and the like, ARIA roles, and whole
 * paragraphs that are chrome ("Read more", "Visited 12 times", "Photo: Reuters").
 * Word lists are small, generic and in code on purpose: they describe HTML conventions, not data.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boiler.h"

/* A pattern matched as a substring of one lower-cased class name (or the id). word = 1: only
 * where it starts a word (at the start or after '-', '_', ':'), for short patterns that occur
 * inside ordinary words ("nav" in "canvas", "search" in "research"). */
struct pat {
    const char *s;
    int word;
};

/* Names that mark chrome: the element is dropped unless another name marks content. */
static const struct pat drop_pats[] = {
    {"nav", 1},
    {"menu", 0},
    {"share", 0},
    {"sharing", 0},
    {"social", 0},
    {"related", 0},
    {"comment", 0},
    {"promo", 0},
    {"footer", 0},
    {"cookie", 0},
    {"consent", 0},
    {"gdpr", 0},
    {"newsletter", 0},
    {"subscri", 0},
    {"signup", 0},
    {"sign-up", 0},
    {"sidebar", 0},
    {"breadcrumb", 0},
    {"banner", 0},
    {"widget", 0},
    {"search", 1},
    {"popup", 0},
    {"modal", 0},
    {"overlay", 0},
    {"sponsor", 0},
    {"advert", 0},
    {"masthead", 0},
    {"pagination", 0},
    {"pager", 1},
    {"disqus", 0},
    {"outbrain", 0},
    {"taboola", 0},
    {"toolbar", 0},
    {"recirc", 0},
    {"trending", 0},
    {"most-read", 0},
    {"mostread", 0},
    {"popular", 0},
    {"byline", 0},
    {"skip-link", 0},
    {"skiplink", 0},
    {"screen-reader", 0},
    {"sr-only", 0},
    {"visually-hidden", 0},
    {"visuallyhidden", 0},
    {"login", 0},
    {"paywall", 0},
    {"follow", 1},
    {"tooltip", 0},
    {"dropdown", 0},
    {"offcanvas", 0},
    {"off-canvas", 0},
    {"shoutbox", 0},
    {"rss", 1},
    {"topbar", 0},
    {"top-bar", 0},
    {"author", 0},
    {"meta", 1},
    {"tags", 1},
    {"tag-list", 0},
    {"credit", 0},
    {"print", 1},
    {"donate", 0},
    {"lightbox", 0},
    {"carousel", 0},
    {"ticker", 0},
    {"alert", 1},
    {"notice", 1},
    {"skyscraper", 0},
    {"combx", 0},
    {"agegate", 0},
    {"rating", 0},
    {"jump-link", 0},
    {"toc", 1},
};

/* Names that only lower the score (Readability's negative hints that are not dropped). */
static const struct pat weak_pats[] = {
    {"header", 0}, /* a site header, or an article's: headline and lead */
    {"hid", 1},      {"media", 0}, {"contact", 0}, {"scroll", 0},
    {"shopping", 0}, {"extra", 0}, {"com-", 1},    {"aside", 0},
};

/* Names that mark content. */
static const struct pat pos_pats[] = {
    {"article", 0}, {"body", 0}, {"content", 0}, {"entry", 0}, {"hentry", 0}, {"h-entry", 0},
    {"main", 1},    {"page", 1}, {"post", 1},    {"text", 0},  {"blog", 0},   {"story", 0},
};

#define NPATS(a) (sizeof(a) / sizeof((a)[0]))

static int word_start(const char *name, const char *at)
{
    if (at == name) {
        return 1;
    }
    char c = at[-1];
    return c == '-' || c == '_' || c == ':' || c == '.';
}

static int match_any(const char *name, const struct pat *pats, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *at = strstr(name, pats[i].s);
        while (at) {
            if (!pats[i].word || word_start(name, at)) {
                return 1;
            }
            at = strstr(at + 1, pats[i].s);
        }
    }
    return 0;
}

/* Advertising names: "ad", "ads", "ad-slot", "top-ad", "adsbygoogle", "dfp-...". */
static int is_ad_name(const char *name, size_t len)
{
    if (!strcmp(name, "ad") || !strcmp(name, "ads") || !strncmp(name, "ad-", 3) ||
        !strncmp(name, "ads-", 4) || !strncmp(name, "ad_", 3) ||
        !strncmp(name, "adsbygoogle", 11) || !strncmp(name, "dfp", 3) || strstr(name, "-ad-") ||
        strstr(name, "_ad_") || strstr(name, "-ads-")) {
        return 1;
    }
    return (len > 3 && (!strcmp(name + len - 3, "-ad") || !strcmp(name + len - 3, "_ad"))) ||
           (len > 4 && !strcmp(name + len - 4, "-ads"));
}

/* Classify one name: *neg / *pos / *weak set when it matches. */
static void classify_name(const char *raw, size_t len, int *drop, int *weak, int *pos)
{
    char name[80];
    if (len >= sizeof(name)) {
        len = sizeof(name) - 1;
    }
    for (size_t i = 0; i < len; i++) {
        name[i] = (char)tolower((unsigned char)raw[i]);
    }
    name[len] = '\0';
    /* a chrome word in the same name wins over a content word: "related-content",
     * "comment-body", "article-share" are chrome; "subheadline" is not a header */
    if ((match_any(name, drop_pats, NPATS(drop_pats)) || is_ad_name(name, len)) &&
        !strstr(name, "subhead") && strcmp(name, "hentry") && !strstr(name, "main-content")) {
        *drop = 1;
    } else if (match_any(name, weak_pats, NPATS(weak_pats))) {
        *weak = 1;
    } else if (match_any(name, pos_pats, NPATS(pos_pats))) {
        *pos = 1;
    }
}

/* Class names are split on whitespace; each is judged alone. */
static void classify_attr(const char *v, int *drop, int *weak, int *pos)
{
    const char *p = v;
    int guard = 0;
    while (*p && guard++ < 32) {
        while (*p && isspace((unsigned char)*p)) {
            p++;
        }
        const char *s = p;
        while (*p && !isspace((unsigned char)*p)) {
            p++;
        }
        if (p > s) {
            classify_name(s, (size_t)(p - s), drop, weak, pos);
        }
    }
}

void nf_boiler_judge(const char *attr, struct nf_boiler_verdict *v)
{
    int drop = 0, weak = 0, pos = 0;
    if (attr) {
        classify_attr(attr, &drop, &weak, &pos);
    }
    v->drop = (unsigned char)drop;
    v->weak = (unsigned char)weak;
    v->pos = (unsigned char)pos;
}

int nf_boiler_combine(const struct nf_boiler_verdict *cls, const struct nf_boiler_verdict *id,
                      int *weight)
{
    int w = 0;
    w += (cls->drop || cls->weak) ? -25 : 0;
    w += cls->pos ? 25 : 0;
    w += (id->drop || id->weak) ? -25 : 0;
    w += id->pos ? 25 : 0;
    if (weight) {
        *weight = w;
    }
    return (cls->drop || id->drop) && !cls->pos && !id->pos;
}

int nf_boiler_classify(const char *cls, const char *id, int *weight)
{
    struct nf_boiler_verdict c, i;
    nf_boiler_judge(cls, &c);
    nf_boiler_judge(id, &i);
    return nf_boiler_combine(&c, &i, weight);
}

int nf_boiler_role_drops(const char *role)
{
    static const char *const roles[] = {
        "navigation",  "menu",   "menubar", "complementary", "banner",  "contentinfo", "alert",
        "alertdialog", "dialog", "search",  "toolbar",       "tooltip", NULL};
    for (size_t i = 0; roles[i]; i++) {
        if (!strcasecmp(role, roles[i])) {
            return 1;
        }
    }
    return 0;
}

/* Lines that are chrome when they are the whole paragraph (compared lower-cased, with trailing
 * punctuation and arrows removed). */
static const char *const exact_lines[] = {
    "read more",
    "read more here",
    "continue reading",
    "read the full story",
    "read full article",
    "read the full article",
    "more",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share this post",
    "share on facebook",
    "share on twitter",
    "share on linkedin",
    "tweet",
    "email",
    "print",
    "comments",
    "leave a comment",
    "leave a reply",
    "close",
    "close search window",
    "search",
    "advertisement",
    "sponsored",
    "sponsored content",
    "anzeige",
    "werbung",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related content",
    "you may also like",
    "recommended",
    "recommended for you",
    "most read",
    "most popular",
    "trending",
    "back to top",
    "skip to content",
    "skip to main content",
    "menu",
    "toggle navigation",
    "subscribe",
    "sign up",
    "log in",
    "login",
    "follow us",
    "copy link",
    "link copied",
    "loading",
    "show comments",
    "view comments",
    "next article",
    "previous article",
    "top stories",
    "latest news",
    "click to share",
    "open menu",
    "close menu",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "pinterest",
    "reddit",
    "x",
    "reply",
    "like this",
    "like",
    "rate this",
    "share this with",
    "also read",
    "see also",
    /* German, French, Spanish, Italian equivalents of the same chrome */
    "weiterlesen",
    "mehr lesen",
    "mehr",
    "teilen",
    "artikel teilen",
    "diesen artikel teilen",
    "drucken",
    "kommentare",
    "kommentar schreiben",
    "kommentare schreiben",
    "schreibe einen kommentar",
    "kommentar verfassen",
    "kommentare geschlossen",
    "antworten",
    "gefällt mir",
    "bewerten",
    "sharen mit",
    "teilen mit",
    "anzeige",
    "- anzeige -",
    "- anzeige",
    "werbung",
    "mehr zum thema",
    "auch interessant",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "lesen sie auch",
    "lies auch",
    "weitere artikel",
    "ähnliche artikel",
    "ähnliche beiträge",
    "verwandte artikel",
    "zurück",
    "nach oben",
    "partager",
    "lire aussi",
    "à lire aussi",
    "voir aussi",
    "lire la suite",
    "commentaires",
    "publicité",
    "leer más",
    "compartir",
    "ver también",
    "publicidad",
    "comentarios",
    "condividi",
    "leggi anche",
    "pubblicità",
    "commenti",
    NULL,
};

/* Short lines that name a stock-photo agency are image credits. */
static const char *const credit_words[] = {
    "shutterstock",     "getty images", "istock",
    "adobe stock",      "clipdealer",   "pixabay",
    "unsplash",         "imago images", "picture alliance",
    "picture-alliance", "fotolia",      "dreamstime",
    "depositphotos",    NULL,
};

/* Prefixes that mark chrome when the paragraph is short (at most maxlen bytes). */
struct prefix_rule {
    const char *prefix;
    size_t maxlen;
};
static const struct prefix_rule prefix_lines[] = {
    {"visited ", 60},
    {"share this", 60},
    {"share on ", 40},
    {"share:", 80},
    {"photo:", 160},
    {"photo by ", 120},
    {"photo credit", 160},
    {"photograph:", 160},
    {"image:", 160},
    {"image credit", 160},
    {"image source", 160},
    {"picture:", 160},
    {"credit:", 120},
    {"foto:", 160},
    {"bild:", 160},
    {"(photo", 160},
    {"\xc2\xa9 ", 120},
    {"(c) ", 120},
    {"copyright \xc2\xa9", 160},
    {"written by ", 60},
    {"posted by ", 60},
    {"read more:", 200},
    {"read more at", 120},
    {"related:", 200},
    {"see also:", 200},
    {"more from ", 60},
    {"follow us on", 80},
    {"follow @", 60},
    {"sign up for", 140},
    {"subscribe to", 140},
    {"we use cookies", 300},
    {"this site uses cookies", 300},
    {"this website uses cookies", 300},
    {"by continuing to use", 300},
    {"accept cookies", 60},
    {"click here to", 100},
    {"tap here to", 100},
    {"listen to this article", 60},
    {"download the app", 80},
    {"share article", 60},
    {"reading time", 40},
    {"min read", 20},
    {"previous post", 200},
    {"next post", 200},
    {"filed under", 160},
    {"tags:", 200},
    {"topics:", 200},
    {"all rights reserved", 120},
    {"posted ", 100},
    {"published ", 80},
    {"updated ", 80},
    {"last updated", 80},
    {"first published", 80},
    {"this entry was posted", 300},
    {"category:", 200},
    {"categories:", 200},
    {"kuva:", 160},
    {"fotos:", 160},
    {"foto \xc2\xa9", 160},
    {"bildquelle", 160},
    {"crédits photo", 160},
    {"crédit photo", 160},
    {"erstellt am", 100},
    {"veröffentlicht am", 100},
    {"der beitrag wurde", 200},
    {"kategorie:", 200},
    {"kategorien:", 200},
    {"schlagwörter:", 200},
    {"schlagworte:", 200},
    {"verwandte themen", 200},
    {"lesen sie auch:", 200},
    {"mehr zum thema:", 200},
    {"auch interessant:", 200},
    {"à lire aussi :", 200},
    {"lire aussi :", 200},
    {"your email address will not be published", 200},
    {"ihre e-mail-adresse wird nicht veröffentlicht", 200},
    {"deine e-mail-adresse wird nicht veröffentlicht", 200},
    {"you must be logged in", 120},
    {"sie sind aktuell nicht eingeloggt", 80},
    {"follow us", 200},
    {"folgen sie uns", 200},
    {"source:", 80},
    {"quelle:", 80},
    {"źródło:", 80},
    {"fuente:", 80},
    {"aktualisiert am", 60},
    {"aktualisiert:", 60},
    {"vergrößern", 200},
    {"(quelle", 160},
    {"(source", 160},
    {"publié le", 80},
    {"mis à jour le", 80},
};

/* Month and weekday names (English, German, French, Spanish: the first letters are enough) for
 * recognising a line that is only a date ("Sunday 16 February 2025", "27. Mai 2024, 14:00"). */
static const char *const date_words[] = {
    "jan",     "feb",      "mar",  "apr",    "may",      "jun",      "jul",        "aug",
    "sep",     "oct",      "nov",  "dec",    "mon",      "tue",      "wed",        "thu",
    "fri",     "sat",      "sun",  "januar", "februar",  "märz",     "mai",        "juni",
    "juli",    "okt",      "dez",  "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
    "samstag", "sonntag",  "janv", "févr",   "mars",     "avr",      "juin",       "juil",
    "août",    "sept",     "déc",  "lundi",  "mardi",    "mercredi", "jeudi",      "vendredi",
    "samedi",  "dimanche", "ene",  "abr",    "ago",      "dic",      "am",         "pm",
    "at",      "um",       "uhr",  "à",      "h",        "de",       "del",        "le",
    "utc",     "gmt",      "est",  "cet",    "cest",     NULL,
};

/* "1,234 views", "12 shares", "5 comments": a number then one counter word. */
static int is_counter_line(const char *s)
{
    const char *p = s;
    if (!isdigit((unsigned char)*p)) {
        return 0;
    }
    while (isdigit((unsigned char)*p) || *p == ',' || *p == '.' || *p == 'k') {
        p++;
    }
    while (*p == ' ') {
        p++;
    }
    static const char *const words[] = {"views",  "view",     "reads",       "shares",
                                        "share",  "comments", "comment",     "likes",
                                        "visits", "min read", "minute read", "minutes read",
                                        "kb",     "mb",       NULL};
    for (size_t i = 0; words[i]; i++) {
        if (!strcmp(p, words[i])) {
            return 1;
        }
    }
    return 0;
}

/* A short line made only of numbers, month/weekday names and separators, with a digit. */
static int is_date_line(const char *low, size_t n)
{
    if (n > 60) {
        return 0;
    }
    int digits = 0, words = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)low[i];
        if (isdigit(c)) {
            digits++;
            i++;
        } else if (isalpha(c) || c >= 0x80) {
            size_t s = i;
            while (i < n && (isalpha((unsigned char)low[i]) || (unsigned char)low[i] >= 0x80)) {
                i++;
            }
            int ok = 0;
            for (size_t k = 0; date_words[k] && !ok; k++) {
                size_t kl = strlen(date_words[k]);
                /* a name or its start: "feb", "february", "sonntag" */
                ok = i - s >= kl && !memcmp(low + s, date_words[k], kl) && (kl >= 3 || i - s == kl);
            }
            if (!ok) {
                return 0;
            }
            words++;
        } else {
            i++;
        }
    }
    /* a date needs a name or enough digits; "19:49" (a time) counts too */
    return digits > 0 && (words > 0 || digits >= 6 || (digits == 4 && n <= 5));
}

static int has_alnum(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c >= 0x80) {
            /* any non-ASCII byte might be a letter; only pure ASCII punctuation is dropped */
            if (c >= 0x80) {
                /* common symbol-only sequences: bullets, arrows, middle dot, NBSP */
                if (c == 0xC2 && i + 1 < len &&
                    ((unsigned char)s[i + 1] == 0xA0 || (unsigned char)s[i + 1] == 0xB7 ||
                     (unsigned char)s[i + 1] == 0xBB || (unsigned char)s[i + 1] == 0xAB)) {
                    i++;
                    continue;
                }
                if (c == 0xE2) {
                    i += 2;
                    continue;
                }
            }
            return 1;
        }
    }
    return 0;
}

int nf_boiler_line(const char *s, size_t len)
{
    if (!has_alnum(s, len)) {
        return 1;
    }
    if (len > 300) {
        return 0;
    }
    char low[304];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        low[n++] = (char)tolower((unsigned char)s[i]);
    }
    low[n] = '\0';
    /* the "visit(s) today" counter of WordPress's post-views plugins, anywhere in a short line */
    if (n < 120 && strstr(low, "visit(s) today")) {
        return 1;
    }
    /* a download link */
    if (n < 100 && (strstr(low, "als pdf herunterladen") || strstr(low, "download pdf") ||
                    strstr(low, "download as pdf"))) {
        return 1;
    }
    for (size_t i = 0; i < NPATS(prefix_lines); i++) {
        size_t pl = strlen(prefix_lines[i].prefix);
        if (n <= prefix_lines[i].maxlen && n >= pl && !memcmp(low, prefix_lines[i].prefix, pl)) {
            return 1;
        }
    }
    /* strip trailing punctuation, arrows and ellipses for the exact comparisons */
    while (n > 0) {
        unsigned char c = (unsigned char)low[n - 1];
        if (c == ' ' || c == ':' || c == '.' || c == '!' || c == '>' || c == '|' || c == ')' ||
            c == '(' || c == '+') {
            n--;
        } else if (n >= 2 && (unsigned char)low[n - 2] == 0xC2 && (c == 0xBB || c == 0xA0)) {
            n -= 2; /* » or NBSP */
        } else if (n >= 3 && (unsigned char)low[n - 3] == 0xE2) {
            n -= 3; /* arrows, ellipsis, single guillemets */
        } else {
            break;
        }
    }
    low[n] = '\0';
    for (size_t i = 0; exact_lines[i]; i++) {
        if (!strcmp(low, exact_lines[i])) {
            return 1;
        }
    }
    if (n < 250) {
        /* a caption ending in its credit: "... Photograph: Jane Roe/Agency" */
        static const char *const tails[] = {"photograph:", "photo:", "foto:", "bild:", "credit:",
                                            "\xc2\xa9",    "(photo", "(foto", NULL};
        const char *from = n > 70 ? low + n - 70 : low;
        for (size_t i = 0; tails[i]; i++) {
            if (strstr(from, tails[i])) {
                return 1;
            }
        }
    }
    if (n < 80) {
        for (size_t i = 0; credit_words[i]; i++) {
            if (strstr(low, credit_words[i])) {
                return 1;
            }
        }
    }
    return (n < 40 && is_counter_line(low)) || is_date_line(low, n);
}

int nf_boiler_promo(const char *s, size_t len)
{
    /* words of the calls to action that close articles: follow us, get the app, subscribe */
    static const char *const words[] = {
        "newsletter", "subscribe",          "subscription",  "abonnieren",     "abonnement",
        "abonnez",    "download our",       "our app",       "unsere app",     "follow us",
        "follow the", "folgen sie",         "us on twitter", "us on facebook", "us on instagram",
        "uns auf",    "podcast abonnieren", "sign up",       "anmelden",       "inscrivez",
        "suscríbete", "gutschein",          "rabatt",        "coupon",         NULL,
    };
    if (len > 300) {
        return 0;
    }
    char low[304];
    for (size_t i = 0; i < len; i++) {
        low[i] = (char)tolower((unsigned char)s[i]);
    }
    low[len] = '\0';
    for (size_t i = 0; words[i]; i++) {
        if (strstr(low, words[i])) {
            return 1;
        }
    }
    return 0;
}
