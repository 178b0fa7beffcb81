/* gazetteer.c - loads the entities stage's word lists into one open-addressing hash table
 * (lower-cased key -> category bits). Built in init, read-only afterwards (see gazetteer.h).
 */
#include "gazetteer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"
#include "newsflow/util.h"
#include "tokenize.h"

#define GAZ_MAX_ENTRIES 1000000 /* bound on the total size of the lists */

struct gaz_slot {
    char *key; /* NULL = empty */
    size_t len;
    unsigned bits;
};

struct nf_ent_gaz {
    struct gaz_slot *slots;
    size_t cap; /* power of two */
    size_t n;
};

static const struct {
    const char *file;
    unsigned bits;
    int optional;
} gaz_files[] = {
    {"first_names.txt", NF_GAZ_FIRST, 0},     {"titles.txt", NF_GAZ_TITLE, 0},
    {"org_suffixes.txt", NF_GAZ_ORGSUF, 0},   {"orgs.txt", NF_GAZ_ORG, 0},
    {"locations.txt", NF_GAZ_LOC, 0},         {"countries.txt", NF_GAZ_LOC | NF_GAZ_COUNTRY, 0},
    {"demonyms.txt", NF_GAZ_DEMONYM, 0},      {"misc.txt", NF_GAZ_MISC, 0},
    {"stopwords.txt", NF_GAZ_STOP, 0},        {"misc_suffixes.txt", NF_GAZ_MISCSUF, 0},
    {"loc_suffixes.txt", NF_GAZ_LOCSUF, 0},   {"known_per.txt", NF_GAZ_KNOWN_PER, 1},
    {"known_org.txt", NF_GAZ_KNOWN_ORG, 1},   {"known_loc.txt", NF_GAZ_KNOWN_LOC, 1},
    {"known_misc.txt", NF_GAZ_KNOWN_MISC, 1}, {"common_words.txt", NF_GAZ_COMMON, 1},
    {"given_names.txt", NF_GAZ_FIRST, 1},
};

static struct gaz_slot *find_slot(const struct nf_ent_gaz *g, const char *key, size_t n)
{
    size_t mask = g->cap - 1;
    size_t i = (size_t)nf_hash64(key, n) & mask;
    for (;;) {
        struct gaz_slot *s = &g->slots[i];
        if (!s->key || (s->len == n && memcmp(s->key, key, n) == 0)) {
            return s;
        }
        i = (i + 1) & mask;
    }
}

static int grow(struct nf_ent_gaz *g)
{
    size_t cap = g->cap ? g->cap * 2 : 1024, i;
    struct gaz_slot *old = g->slots;
    size_t oldcap = g->cap;
    g->slots = calloc(cap, sizeof(*g->slots));
    if (!g->slots) {
        g->slots = old;
        return NF_ERR_NOMEM;
    }
    g->cap = cap;
    for (i = 0; i < oldcap; i++) {
        if (old[i].key) {
            *find_slot(g, old[i].key, old[i].len) = old[i];
        }
    }
    free(old);
    return 0;
}

static int add(struct nf_ent_gaz *g, const char *key, size_t n, unsigned bits)
{
    struct gaz_slot *s;
    if ((g->n + 1) * 2 > g->cap && grow(g) != 0) {
        return NF_ERR_NOMEM;
    }
    s = find_slot(g, key, n);
    if (!s->key) {
        s->key = malloc(n + 1);
        if (!s->key) {
            return NF_ERR_NOMEM;
        }
        memcpy(s->key, key, n);
        s->key[n] = '\0';
        s->len = n;
        g->n++;
    }
    s->bits |= bits;
    return 0;
}

/* Normalise one line into key: strip comment and edges, collapse spaces, lower-case.
 * Returns key length (0 for a blank line) or (size_t)-1 if too long. */
static size_t normalise(const char *line, char *key)
{
    char tmp[NF_GAZ_KEY_MAX + 1];
    size_t n = 0, i;
    int space = 0;
    for (i = 0; line[i] && line[i] != '#' && line[i] != '\n' && line[i] != '\r'; i++) {
        char ch = line[i];
        if (ch == ' ' || ch == '\t') {
            space = n > 0;
            continue;
        }
        if (n + 2 > NF_GAZ_KEY_MAX) {
            return (size_t)-1;
        }
        if (space) {
            tmp[n++] = ' ';
            space = 0;
        }
        tmp[n++] = ch;
    }
    if (n == 0) {
        return 0;
    }
    return nf_ent_tok_lower(tmp, 0, n, key, NF_GAZ_KEY_MAX + 1);
}

static int load_file(struct nf_ent_gaz *g, const char *dir, const char *file, unsigned bits,
                     int optional, char *errstr, size_t errstr_size)
{
    char path[4096], line[1024], key[NF_GAZ_KEY_MAX + 1];
    FILE *fp = NULL;
    int rc = 0, lineno = 0;
    size_t n;

    if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "%s: path too long", dir);
        goto done;
    }
    fp = fopen(path, "r");
    if (!fp && optional && errno == ENOENT) {
        goto done;
    }
    if (!fp) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: %s", path, strerror(errno));
        goto done;
    }
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            rc =
                nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s:%d: line too long", path, lineno);
            goto done;
        }
        n = normalise(line, key);
        if (n == (size_t)-1 || !nf_utf8_valid(key, n)) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s:%d: entry too long or not UTF-8",
                           path, lineno);
            goto done;
        }
        if (n == 0) {
            continue;
        }
        if (g->n >= GAZ_MAX_ENTRIES) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_LIMIT, "%s:%d: more than %d entries", path,
                           lineno, GAZ_MAX_ENTRIES);
            goto done;
        }
        if ((rc = add(g, key, n, bits)) != 0) {
            nf_seterr(errstr, errstr_size, rc, "%s: out of memory", path);
            goto done;
        }
    }
    if (ferror(fp)) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: read error", path);
    }
done:
    if (fp) {
        fclose(fp);
    }
    return rc;
}

int nf_ent_gaz_load(const char *dir, struct nf_ent_gaz **out, char *errstr, size_t errstr_size)
{
    return nf_ent_gaz_load_skip(dir, 0, out, errstr, errstr_size);
}

int nf_ent_gaz_load_skip(const char *dir, unsigned skip, struct nf_ent_gaz **out, char *errstr,
                         size_t errstr_size)
{
    struct nf_ent_gaz *g = calloc(1, sizeof(*g));
    size_t i;
    int rc = 0;

    *out = NULL;
    if (!g || grow(g) != 0) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "gazetteer: out of memory");
        goto done;
    }
    for (i = 0; i < sizeof(gaz_files) / sizeof(gaz_files[0]); i++) {
        if (gaz_files[i].optional && (gaz_files[i].bits & ~skip) == 0) {
            continue;
        }
        if ((rc = load_file(g, dir, gaz_files[i].file, gaz_files[i].bits, gaz_files[i].optional,
                            errstr, errstr_size)) != 0) {
            goto done;
        }
    }
    *out = g;
    g = NULL;
done:
    nf_ent_gaz_destroy(g);
    return rc;
}

void nf_ent_gaz_destroy(struct nf_ent_gaz *g)
{
    size_t i;
    if (!g) {
        return;
    }
    for (i = 0; i < g->cap; i++) {
        free(g->slots[i].key);
    }
    free(g->slots);
    free(g);
}

unsigned nf_ent_gaz_get(const struct nf_ent_gaz *g, const char *key, size_t n)
{
    const struct gaz_slot *s;
    if (!g || n == 0) {
        return 0;
    }
    s = find_slot(g, key, n);
    return s->key ? s->bits : 0;
}

size_t nf_ent_gaz_size(const struct nf_ent_gaz *g)
{
    return g ? g->n : 0;
}
