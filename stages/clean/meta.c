/* meta.c - metadata for the clean stage (see meta.h): collects candidates for the title,
 * byline, date, language, site name, canonical URL and description while extract.c walks the
 * DOM, and picks the most trusted one of each (meta tags, then microdata/JSON-LD, then markup).
 */
#include <ctype.h>
#include <jansson.h>
#include <libxml/uri.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "meta.h"
#include "newsflow/err.h"

#define META_MAX_TEXT 4096  /* longer candidates are not metadata */
#define LD_MAX_BYTES 262144 /* JSON-LD blocks larger than this are skipped */
#define LD_MAX_DEPTH 6

void nf_attrs_read(const xmlNode *el, struct nf_attrs *a)
{
    memset(a, 0, sizeof(*a));
    int guard = 0;
    for (const xmlAttr *at = el->properties; at && guard < 64; at = at->next, guard++) {
        const char *n = (const char *)at->name;
        const char *v = "";
        if (at->children && at->children->type == XML_TEXT_NODE && at->children->content) {
            v = (const char *)at->children->content;
        }
        switch (n[0]) {
        case 'a':
            if (!strcmp(n, "aria-hidden")) {
                a->aria_hidden = v;
            }
            break;
        case 'c':
            if (!strcmp(n, "class")) {
                a->cls = v;
            } else if (!strcmp(n, "content")) {
                a->content = v;
            }
            break;
        case 'd':
            if (!strcmp(n, "datetime")) {
                a->datetime = v;
            }
            break;
        case 'h':
            if (!strcmp(n, "href")) {
                a->href = v;
            } else if (!strcmp(n, "hidden")) {
                a->hidden = v;
            } else if (!strcmp(n, "http-equiv")) {
                a->http_equiv = v;
            }
            break;
        case 'i':
            if (!strcmp(n, "id")) {
                a->id = v;
            } else if (!strcmp(n, "itemprop")) {
                a->itemprop = v;
            }
            break;
        case 'l':
            if (!strcmp(n, "lang")) {
                a->lang = v;
            }
            break;
        case 'n':
            if (!strcmp(n, "name")) {
                a->name = v;
            }
            break;
        case 'p':
            if (!strcmp(n, "property")) {
                a->property = v;
            }
            break;
        case 'r':
            if (!strcmp(n, "role")) {
                a->role = v;
            } else if (!strcmp(n, "rel")) {
                a->rel = v;
            }
            break;
        case 's':
            if (!strcmp(n, "style")) {
                a->style = v;
            }
            break;
        case 't':
            if (!strcmp(n, "type")) {
                a->type = v;
            }
            break;
        default:
            break;
        }
    }
}

char *nf_meta_squash(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(len + 1);
    if (!out) {
        return NULL;
    }
    size_t n = 0;
    int space = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
            ws = 1;
            i++;
        }
        if (ws) {
            space = n > 0;
            continue;
        }
        if (space) {
            out[n++] = ' ';
            space = 0;
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return out;
}

/* Keep the first non-empty candidate: *slot is set once. Returns 0 or NF_ERR_NOMEM. */
static int set_once(char **slot, const char *v)
{
    if (*slot || !v) {
        return 0;
    }
    if (strlen(v) > META_MAX_TEXT) {
        return 0;
    }
    char *s = nf_meta_squash(v);
    if (!s) {
        return NF_ERR_NOMEM;
    }
    if (!*s) {
        free(s);
        return 0;
    }
    *slot = s;
    return 0;
}

/* Same, with the element's text content. */
static int set_once_text(char **slot, const xmlNode *el)
{
    if (*slot) {
        return 0;
    }
    xmlChar *t = xmlNodeGetContent(el);
    if (!t) {
        return 0; /* an element with no text, or out of memory: either way nothing to keep */
    }
    int err = set_once(slot, (const char *)t);
    xmlFree(t);
    return err;
}

static int has_token(const char *list, const char *tok)
{
    size_t tl = strlen(tok);
    const char *p = list;
    while (p && *p) {
        while (*p && isspace((unsigned char)*p)) {
            p++;
        }
        const char *s = p;
        while (*p && !isspace((unsigned char)*p)) {
            p++;
        }
        if ((size_t)(p - s) == tl && !strncasecmp(s, tok, tl)) {
            return 1;
        }
    }
    return 0;
}

/* ---- JSON-LD ---- */

static int ld_is_article_type(const char *t)
{
    size_t n = strlen(t);
    return (n >= 7 && !strcmp(t + n - 7, "Article")) || (n >= 7 && !strcmp(t + n - 7, "Posting")) ||
           !strcmp(t, "ReportageNews") || !strcmp(t, "Report");
}

static int ld_type_matches(const json_t *obj, int (*pred)(const char *))
{
    const json_t *t = json_object_get(obj, "@type");
    if (json_is_string(t)) {
        return pred(json_string_value(t));
    }
    if (json_is_array(t)) {
        size_t i;
        const json_t *v;
        json_array_foreach(t, i, v)
        {
            if (json_is_string(v) && pred(json_string_value(v))) {
                return 1;
            }
        }
    }
    return 0;
}

static int ld_is_site_type(const char *t)
{
    return !strcmp(t, "WebSite") || !strcmp(t, "NewsMediaOrganization") ||
           !strcmp(t, "Organization");
}

/* A name from a string, an object with "name", or an array of those (joined with ", "). */
static int ld_name(const json_t *v, char **slot)
{
    if (*slot) {
        return 0;
    }
    if (json_is_string(v)) {
        return set_once(slot, json_string_value(v));
    }
    if (json_is_object(v)) {
        const json_t *n = json_object_get(v, "name");
        return json_is_string(n) ? set_once(slot, json_string_value(n)) : 0;
    }
    if (json_is_array(v)) {
        char buf[512];
        size_t len = 0;
        size_t i;
        const json_t *e;
        buf[0] = '\0';
        json_array_foreach(v, i, e)
        {
            const json_t *n = json_is_object(e) ? json_object_get(e, "name") : e;
            if (i >= 6 || !json_is_string(n)) {
                continue;
            }
            int w = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? ", " : "",
                             json_string_value(n));
            if (w < 0 || (size_t)w >= sizeof(buf) - len) {
                break;
            }
            len += (size_t)w;
        }
        return len ? set_once(slot, buf) : 0;
    }
    return 0;
}

static int ld_visit(struct nf_meta *m, const json_t *v, int depth)
{
    int err = 0;
    if (depth > LD_MAX_DEPTH) {
        return 0;
    }
    if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
        {
            if (i >= 64 || (err = ld_visit(m, e, depth + 1))) {
                break;
            }
        }
        return err;
    }
    if (!json_is_object(v)) {
        return 0;
    }
    if (ld_type_matches(v, ld_is_article_type)) {
        const json_t *h = json_object_get(v, "headline");
        if (!json_is_string(h)) {
            h = json_object_get(v, "name");
        }
        if (json_is_string(h) && (err = set_once(&m->ld_headline, json_string_value(h)))) {
            return err;
        }
        if ((err = ld_name(json_object_get(v, "author"), &m->ld_author))) {
            return err;
        }
        const json_t *d = json_object_get(v, "datePublished");
        if (json_is_string(d) && (err = set_once(&m->ld_date, json_string_value(d)))) {
            return err;
        }
        const json_t *p = json_object_get(v, "publisher");
        if (json_is_object(p) && (err = ld_name(p, &m->ld_site))) {
            return err;
        }
        const json_t *l = json_object_get(v, "inLanguage");
        if (json_is_string(l) && (err = set_once(&m->ld_lang, json_string_value(l)))) {
            return err;
        }
        const json_t *b = json_object_get(v, "articleBody");
        if (json_is_string(b) && !m->ld_body && json_string_length(b) <= LD_MAX_BYTES) {
            /* kept verbatim: its line breaks are the paragraph breaks */
            if (!(m->ld_body = strdup(json_string_value(b)))) {
                return NF_ERR_NOMEM;
            }
        }
    } else if (ld_type_matches(v, ld_is_site_type)) {
        const json_t *n = json_object_get(v, "name");
        if (json_is_string(n) && (err = set_once(&m->ld_site, json_string_value(n)))) {
            return err;
        }
    }
    const json_t *g = json_object_get(v, "@graph");
    if (g) {
        err = ld_visit(m, g, depth + 1);
    }
    return err;
}

static int ld_script(struct nf_meta *m, const xmlNode *el)
{
    int err = 0;
    xmlChar *t = xmlNodeGetContent(el);
    if (!t) {
        return 0;
    }
    size_t len = strlen((const char *)t);
    if (len > 0 && len <= LD_MAX_BYTES) {
        json_error_t jerr;
        json_t *root = json_loadb((const char *)t, len, JSON_DECODE_ANY, &jerr);
        if (root) {
            /* malformed JSON-LD is common and simply ignored */
            err = ld_visit(m, root, 0);
            json_decref(root);
        }
    }
    xmlFree(t);
    return err;
}

/* ---- collection ---- */

static int meta_tag(struct nf_meta *m, const struct nf_attrs *a)
{
    int err = 0;
    const char *key = a->property ? a->property : a->name;
    const char *c = a->content;
    if (a->http_equiv && c && !strcasecmp(a->http_equiv, "content-language")) {
        return set_once(&m->meta_lang, c);
    }
    if (a->itemprop && c) {
        if (!strcmp(a->itemprop, "datePublished")) {
            err = set_once(&m->itemprop_date, c);
        } else if (!strcmp(a->itemprop, "author")) {
            err = set_once(&m->itemprop_author, c);
        }
        if (err) {
            return err;
        }
    }
    if (!key || !c) {
        return 0;
    }
    if (!strcasecmp(key, "og:title")) {
        err = set_once(&m->og_title, c);
    } else if (!strcasecmp(key, "og:site_name")) {
        err = set_once(&m->og_site, c);
    } else if (!strcasecmp(key, "application-name")) {
        err = set_once(&m->app_name, c);
    } else if (!strcasecmp(key, "og:url")) {
        err = set_once(&m->og_url, c);
    } else if (!strcasecmp(key, "description")) {
        err = set_once(&m->description, c);
    } else if (!strcasecmp(key, "og:description")) {
        err = set_once(&m->og_description, c);
    } else if (!strcasecmp(key, "author") || !strcasecmp(key, "article:author") ||
               !strcasecmp(key, "dc.creator") || !strcasecmp(key, "byl") ||
               !strcasecmp(key, "sailthru.author") || !strcasecmp(key, "parsely-author")) {
        /* article:author is often a profile URL, not a name */
        if (strncmp(c, "http", 4)) {
            err = set_once(&m->meta_author, c);
        }
    } else if (!strcasecmp(key, "article:published_time") ||
               !strcasecmp(key, "og:article:published_time") || !strcasecmp(key, "datePublished") ||
               !strcasecmp(key, "pubdate") || !strcasecmp(key, "publishdate") ||
               !strcasecmp(key, "dc.date.issued") || !strcasecmp(key, "dc.date") ||
               !strcasecmp(key, "date") || !strcasecmp(key, "sailthru.date") ||
               !strcasecmp(key, "parsely-pub-date")) {
        err = set_once(&m->meta_date, c);
    } else if (!strcasecmp(key, "language") || !strcasecmp(key, "dc.language")) {
        err = set_once(&m->meta_lang, c);
    }
    return err;
}

int nf_meta_element(struct nf_meta *m, const xmlNode *el, const struct nf_attrs *a)
{
    const char *n = (const char *)el->name;
    int err = 0;
    switch (n[0]) {
    case 'h':
        if (!strcmp(n, "html") && a->lang) {
            err = set_once(&m->html_lang, a->lang);
        } else if (!strcmp(n, "h1")) {
            err = set_once_text(&m->h1, el);
        }
        break;
    case 'l':
        if (!strcmp(n, "link") && a->rel && a->href) {
            if (has_token(a->rel, "canonical")) {
                err = set_once(&m->canonical, a->href);
            } else if (has_token(a->rel, "author") && !strncmp(a->href, "http", 4)) {
                /* a <link rel=author> names a profile, not a person: ignored */
            }
        }
        break;
    case 'm':
        if (!strcmp(n, "meta")) {
            err = meta_tag(m, a);
        }
        break;
    case 's':
        if (!strcmp(n, "script") && a->type && !strcasecmp(a->type, "application/ld+json")) {
            err = ld_script(m, el);
        }
        break;
    case 't':
        if (!strcmp(n, "title") && !m->title_tag && el->parent && el->parent->name &&
            !strcmp((const char *)el->parent->name, "head")) {
            err = set_once_text(&m->title_tag, el);
        } else if (!strcmp(n, "time") && (a->datetime || a->content)) {
            err = set_once(&m->time_date, a->datetime ? a->datetime : a->content);
        }
        break;
    default:
        break;
    }
    if (err || !strcmp(n, "meta")) {
        return err;
    }
    if (a->itemprop) {
        if (has_token(a->itemprop, "author") || has_token(a->itemprop, "creator")) {
            err = a->content ? set_once(&m->itemprop_author, a->content)
                             : set_once_text(&m->itemprop_author, el);
        } else if (has_token(a->itemprop, "datePublished")) {
            const char *v = a->datetime ? a->datetime : a->content;
            err = v ? set_once(&m->itemprop_date, v) : set_once_text(&m->itemprop_date, el);
        }
    }
    if (!err && a->rel && has_token(a->rel, "author") && strcmp(n, "link")) {
        err = set_once_text(&m->rel_author, el);
    }
    if (!err && a->cls && !m->class_byline &&
        (has_token(a->cls, "byline") || has_token(a->cls, "author") ||
         has_token(a->cls, "author-name") || has_token(a->cls, "byline-name"))) {
        err = set_once_text(&m->class_byline, el);
    }
    return err;
}

/* ---- resolution ---- */

static const char *first(const char *a, const char *b, const char *c, const char *d)
{
    return a ? a : b ? b : c ? c : d;
}

static int copy(char **dst, const char *s)
{
    if (!s) {
        return 0;
    }
    *dst = strdup(s);
    return *dst ? 0 : NF_ERR_NOMEM;
}

/* A language tag in BCP 47 form: the first of a list ("de, en"), '_' as '-' ("en_US"); NULL
 * when it is not made of letters, digits and hyphens. */
static int copy_lang(char **dst, const char *s)
{
    if (!s) {
        return 0;
    }
    char buf[36];
    size_t n = 0;
    for (; s[n] && s[n] != ',' && s[n] != ';' && s[n] != ' ' && n + 1 < sizeof(buf); n++) {
        char c = s[n] == '_' ? '-' : s[n];
        if (!isalnum((unsigned char)c) && c != '-') {
            return 0;
        }
        buf[n] = c;
    }
    buf[n] = '\0';
    return n ? copy(dst, buf) : 0;
}

/* "By Jane Doe" -> "Jane Doe"; URLs and long texts are not bylines (NULL). */
static char *clean_byline(const char *s)
{
    if (!s || !strncmp(s, "http", 4) || strlen(s) > 120) {
        return NULL;
    }
    static const char *const pre[] = {"written by", "posted by", "by", "von", "par", "por", NULL};
    for (size_t i = 0; pre[i]; i++) {
        size_t n = strlen(pre[i]);
        if (!strncasecmp(s, pre[i], n) && (s[n] == ' ' || s[n] == ':' || s[n] == '\0')) {
            s += n;
            break;
        }
    }
    while (*s == ' ' || *s == ':') {
        s++;
    }
    return *s ? strdup(s) : NULL;
}

static size_t count_words(const char *s, size_t len)
{
    size_t n = 0;
    int in = 0;
    for (size_t i = 0; i < len; i++) {
        int sp = s[i] == ' ';
        if (!sp && !in) {
            n++;
        }
        in = !sp;
    }
    return n;
}

char *nf_meta_title_strip(const char *title, const char *site, int generic)
{
    static const char *const seps[] = {
        " | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " :: ", " \xc2\xbb ", " \xc2\xb7 ",
        " / ", " ~ ", " \xe2\x80\xba ", " \xc2\xab ",     NULL};
    size_t len = strlen(title);
    /* the last separator: the site name is usually a suffix */
    const char *best = NULL;
    size_t bestlen = 0;
    for (size_t i = 0; seps[i]; i++) {
        const char *at = title;
        const char *found = NULL;
        while ((at = strstr(at, seps[i])) != NULL) {
            found = at;
            at++;
        }
        if (found && (!best || found > best)) {
            best = found;
            bestlen = strlen(seps[i]);
        }
    }
    if (best) {
        const char *tail = best + bestlen;
        size_t headlen = (size_t)(best - title);
        int tail_is_site = site && !strcasecmp(tail, site);
        int head_is_site = site && strlen(site) == headlen && !strncasecmp(title, site, headlen);
        if (head_is_site) {
            return strdup(tail);
        }
        /* take the head when the tail is the site, or when the tail is short (a site name)
         * and the head is longer and still reads like a headline */
        if (tail_is_site || (generic && count_words(tail, strlen(tail)) <= 4 &&
                             count_words(title, headlen) >= 2 && headlen >= strlen(tail))) {
            return strndup(title, headlen);
        }
    }
    if (site && len > strlen(site) + 2) {
        size_t sl = strlen(site);
        /* "Site: Headline" */
        if (!strncasecmp(title, site, sl) && title[sl] == ':' && title[sl + 1] == ' ') {
            return strdup(title + sl + 2);
        }
    }
    return strdup(title);
}

int nf_meta_resolve(const struct nf_meta *m, const char *url, struct nf_meta_out *out)
{
    int err = 0;
    memset(out, 0, sizeof(*out));
    const char *site = first(m->og_site, m->ld_site, m->app_name, NULL);
    if ((err = copy(&out->site_name, site))) {
        goto done;
    }
    /* title: og:title (only a site suffix removed), then <title> (any suffix), then JSON-LD
     * headline, then the first h1 */
    if (m->og_title) {
        /* an og:title that repeats the <title> carries its site suffix too */
        int same = m->title_tag && !strcmp(m->og_title, m->title_tag);
        out->title = nf_meta_title_strip(m->og_title, site, same);
    } else if (m->title_tag) {
        out->title = nf_meta_title_strip(m->title_tag, site, 1);
    } else if (m->ld_headline || m->h1) {
        out->title = strdup(m->ld_headline ? m->ld_headline : m->h1);
    }
    if ((m->og_title || m->title_tag || m->ld_headline || m->h1) && !out->title) {
        err = NF_ERR_NOMEM;
        goto done;
    }
    /* the page's own headline inside a longer title ("Headline: kicker - Site") is the
     * headline without the decoration */
    if (out->title && m->h1 && strlen(m->h1) >= 10 && strlen(m->h1) < strlen(out->title) &&
        strcasestr(out->title, m->h1)) {
        char *h = strdup(m->h1);
        if (!h) {
            err = NF_ERR_NOMEM;
            goto done;
        }
        free(out->title);
        out->title = h;
    }
    const char *by = NULL;
    const char *cands[] = {m->meta_author, m->itemprop_author, m->ld_author, m->rel_author,
                           m->class_byline};
    for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]) && !out->byline; i++) {
        by = cands[i];
        out->byline = clean_byline(by);
    }
    const char *dates[] = {m->meta_date, m->itemprop_date, m->ld_date, m->time_date};
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]) && !out->published_at; i++) {
        char buf[48];
        if (dates[i] && !nf_meta_date_rfc3339(dates[i], buf, sizeof(buf))) {
            if ((err = copy(&out->published_at, buf))) {
                goto done;
            }
        }
    }
    if ((err = copy_lang(&out->lang, first(m->html_lang, m->meta_lang, m->ld_lang, NULL))) ||
        (err = copy(&out->description, first(m->description, m->og_description, NULL, NULL)))) {
        goto done;
    }
    const char *canon = first(m->canonical, m->og_url, NULL, NULL);
    if (canon) {
        xmlChar *abs = url ? xmlBuildURI((const xmlChar *)canon, (const xmlChar *)url) : NULL;
        err = copy(&out->canonical_url, abs ? (const char *)abs : canon);
        xmlFree(abs);
    }
done:
    if (err) {
        nf_meta_out_free(out);
    }
    return err;
}

void nf_meta_free(struct nf_meta *m)
{
    char **fields[] = {&m->og_title,        &m->title_tag,      &m->h1,
                       &m->ld_headline,     &m->meta_author,    &m->ld_author,
                       &m->itemprop_author, &m->rel_author,     &m->class_byline,
                       &m->meta_date,       &m->itemprop_date,  &m->ld_date,
                       &m->time_date,       &m->html_lang,      &m->meta_lang,
                       &m->ld_lang,         &m->og_site,        &m->ld_site,
                       &m->app_name,        &m->canonical,      &m->og_url,
                       &m->description,     &m->og_description, &m->ld_body};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        free(*fields[i]);
        *fields[i] = NULL;
    }
}

void nf_meta_out_free(struct nf_meta_out *o)
{
    free(o->title);
    free(o->byline);
    free(o->published_at);
    free(o->lang);
    free(o->site_name);
    free(o->canonical_url);
    free(o->description);
    memset(o, 0, sizeof(*o));
}
