/* conf.c - layered, table-driven configuration (see newsflow/conf.h).
 *
 * Values are kept as validated text; getters convert on demand (configuration is read once at
 * start-up, never on the per-record path).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/conf.h"
#include "newsflow/err.h"
#include "runner_int.h"

#ifndef NEWSFLOW_DEFAULT_DATA_DIR
#define NEWSFLOW_DEFAULT_DATA_DIR "/usr/share/newsflow"
#endif

#define NF_CONF_LINE_MAX 8192

const struct nf_prop nf_common_props[] = {
    {"log.level", NF_PROP_ENUM, "info", 0, 0, "error|warn|info|debug", "least severe level logged"},
    {"log.format", NF_PROP_ENUM, "logfmt", 0, 0, "logfmt|json", "log line format on stderr"},
    {"data.dir", NF_PROP_STR, NEWSFLOW_DEFAULT_DATA_DIR, 0, 0, NULL,
     "directory that relative data paths (word lists, models) are resolved against"},
    NF_PROP_END,
};

/* Components whose keys a shared config file may hold; a binary ignores the scopes it does not
 * own (it owns a scope when one of its tables has a key in it). */
static const char *const nf_conf_scopes[] = {"clean", "entities", "summarize", "ingest",
                                             "replay", "broker", "tail", "topics", "metrics", NULL};

struct nf_conf_entry {
    const struct nf_prop *prop; /* NULL for kafka.* pass-through */
    char *name;                 /* kafka.*: name without prefix; else borrowed prop->name */
    char *value;                /* NULL = unset */
    char *origin;
};

struct nf_conf {
    struct nf_conf_entry *props;
    size_t nprops;
    struct nf_conf_entry *kafka;
    size_t nkafka;
    size_t kafka_cap;
};

static int nf_conf_str_replace(char **dst, const char *src)
{
    char *copy = NULL;
    if (src && !(copy = strdup(src))) {
        return NF_ERR_NOMEM;
    }
    free(*dst);
    *dst = copy;
    return 0;
}

struct nf_conf *nf_conf_new(const struct nf_prop *const *tables)
{
    struct nf_conf *conf = calloc(1, sizeof(*conf));
    if (!conf) {
        return NULL;
    }
    size_t n = 0;
    for (size_t t = 0; tables && tables[t]; t++) {
        for (const struct nf_prop *p = tables[t]; p->name; p++) {
            n++;
        }
    }
    conf->props = calloc(n ? n : 1, sizeof(*conf->props));
    if (!conf->props) {
        free(conf);
        return NULL;
    }
    for (size_t t = 0; tables && tables[t]; t++) {
        for (const struct nf_prop *p = tables[t]; p->name; p++) {
            struct nf_conf_entry *e = &conf->props[conf->nprops++];
            e->prop = p;
            e->name = (char *)p->name;
            if (nf_conf_str_replace(&e->value, p->def) ||
                nf_conf_str_replace(&e->origin, "default")) {
                nf_conf_destroy(conf);
                return NULL;
            }
        }
    }
    return conf;
}

void nf_conf_destroy(struct nf_conf *conf)
{
    if (!conf) {
        return;
    }
    for (size_t i = 0; i < conf->nprops; i++) {
        free(conf->props[i].value);
        free(conf->props[i].origin);
    }
    for (size_t i = 0; i < conf->nkafka; i++) {
        free(conf->kafka[i].name);
        free(conf->kafka[i].value);
        free(conf->kafka[i].origin);
    }
    free(conf->props);
    free(conf->kafka);
    free(conf);
}

static struct nf_conf_entry *nf_conf_find(const struct nf_conf *conf, const char *key)
{
    for (size_t i = 0; i < conf->nprops; i++) {
        if (strcmp(conf->props[i].name, key) == 0) {
            return &conf->props[i];
        }
    }
    return NULL;
}

int nf_conf_has(const struct nf_conf *conf, const char *key)
{
    return nf_conf_find(conf, key) != NULL;
}

/* Edit distance, for "did you mean"; keys are short so the O(n*m) table is tiny. */
static size_t nf_conf_distance(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    if (la > 64 || lb > 64) {
        return 99;
    }
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) {
                best = row[j] + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Is key in a scope of another component (and so ignored by this binary)? */
static int nf_conf_foreign(const struct nf_conf *conf, const char *key)
{
    /* the stages' runner keys, in a file a tool (ingest, tail) reads too */
    for (const struct nf_prop *p = nf_runner_props; p->name; p++) {
        if (strcmp(p->name, key) == 0) {
            return 1;
        }
    }
    const char *dot = strchr(key, '.');
    if (!dot) {
        return 0;
    }
    size_t plen = (size_t)(dot - key);
    int known = 0;
    for (size_t i = 0; nf_conf_scopes[i]; i++) {
        if (strlen(nf_conf_scopes[i]) == plen && strncmp(nf_conf_scopes[i], key, plen) == 0) {
            known = 1;
        }
    }
    if (!known) {
        return 0;
    }
    for (size_t i = 0; i < conf->nprops; i++) {
        if (strncmp(conf->props[i].name, key, plen + 1) == 0) {
            return 0; /* we own this scope: the key is a typo */
        }
    }
    return 1;
}

static int nf_conf_validate(const struct nf_prop *p, const char *value, const char *origin,
                            char *errstr, size_t errstr_size)
{
    char *end = NULL;
    switch (p->type) {
    case NF_PROP_STR:
        return 0;
    case NF_PROP_INT: {
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (errno || end == value || *end) {
            return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                             "%s: property \"%s\": \"%s\" is not an integer", origin, p->name,
                             value);
        }
        if ((double)v < p->min || (double)v > p->max) {
            return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                             "%s: property \"%s\": %lld is out of range [%.0f, %.0f]", origin,
                             p->name, v, p->min, p->max);
        }
        return 0;
    }
    case NF_PROP_DOUBLE: {
        errno = 0;
        double v = strtod(value, &end);
        if (errno || end == value || *end || !isfinite(v)) {
            return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                             "%s: property \"%s\": \"%s\" is not a number", origin, p->name,
                             value);
        }
        if (v < p->min || v > p->max) {
            return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                             "%s: property \"%s\": %g is out of range [%g, %g]", origin, p->name,
                             v, p->min, p->max);
        }
        return 0;
    }
    case NF_PROP_BOOL: {
        static const char *const ok[] = {"true", "false", "1", "0", "yes", "no", "on", "off",
                                         NULL};
        for (size_t i = 0; ok[i]; i++) {
            if (strcmp(value, ok[i]) == 0) {
                return 0;
            }
        }
        return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                         "%s: property \"%s\": \"%s\" is not a boolean (true|false)", origin,
                         p->name, value);
    }
    case NF_PROP_ENUM: {
        size_t vlen = strlen(value);
        for (const char *c = p->choices; c && *c;) {
            const char *bar = strchr(c, '|');
            size_t clen = bar ? (size_t)(bar - c) : strlen(c);
            if (clen == vlen && strncmp(c, value, vlen) == 0) {
                return 0;
            }
            c = bar ? bar + 1 : c + clen;
        }
        return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                         "%s: property \"%s\": \"%s\" is not one of %s", origin, p->name, value,
                         p->choices);
    }
    }
    return NF_ERR_CONFIG;
}

static int nf_conf_set_kafka(struct nf_conf *conf, const char *name, const char *value,
                             const char *origin, int only_default)
{
    for (size_t i = 0; i < conf->nkafka; i++) {
        if (strcmp(conf->kafka[i].name, name) == 0) {
            if (only_default) {
                return 0;
            }
            if (nf_conf_str_replace(&conf->kafka[i].value, value) ||
                nf_conf_str_replace(&conf->kafka[i].origin, origin)) {
                return NF_ERR_NOMEM;
            }
            return 0;
        }
    }
    if (conf->nkafka == conf->kafka_cap) {
        size_t cap = conf->kafka_cap ? conf->kafka_cap * 2 : 16;
        struct nf_conf_entry *k = realloc(conf->kafka, cap * sizeof(*k));
        if (!k) {
            return NF_ERR_NOMEM;
        }
        conf->kafka = k;
        conf->kafka_cap = cap;
    }
    struct nf_conf_entry *e = &conf->kafka[conf->nkafka];
    memset(e, 0, sizeof(*e));
    if (nf_conf_str_replace(&e->name, name) || nf_conf_str_replace(&e->value, value) ||
        nf_conf_str_replace(&e->origin, origin)) {
        free(e->name);
        free(e->value);
        free(e->origin);
        return NF_ERR_NOMEM;
    }
    conf->nkafka++;
    return 0;
}

int nf_conf_kafka_default(struct nf_conf *conf, const char *name, const char *value)
{
    return nf_conf_set_kafka(conf, name, value, "default", 1);
}

int nf_conf_set(struct nf_conf *conf, const char *key, const char *value, const char *origin,
                char *errstr, size_t errstr_size)
{
    if (strncmp(key, "kafka.", 6) == 0 && key[6]) {
        int err = nf_conf_set_kafka(conf, key + 6, value, origin, 0);
        return err ? nf_seterr(errstr, errstr_size, err, "out of memory") : 0;
    }
    struct nf_conf_entry *e = nf_conf_find(conf, key);
    if (!e) {
        if (nf_conf_foreign(conf, key)) {
            return 0;
        }
        const char *best = NULL;
        size_t bestd = 4;
        for (size_t i = 0; i < conf->nprops; i++) {
            size_t d = nf_conf_distance(key, conf->props[i].name);
            if (d < bestd) {
                bestd = d;
                best = conf->props[i].name;
            }
        }
        if (best) {
            return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                             "%s: unknown property \"%s\" (did you mean \"%s\"?)", origin, key,
                             best);
        }
        return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                         "%s: unknown property \"%s\" (--list-config shows them all)", origin,
                         key);
    }
    int err = nf_conf_validate(e->prop, value, origin, errstr, errstr_size);
    if (err) {
        return err;
    }
    if (nf_conf_str_replace(&e->value, value) || nf_conf_str_replace(&e->origin, origin)) {
        return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
    }
    return 0;
}

static char *nf_conf_trim(char *s)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) {
        s[--n] = '\0';
    }
    return s;
}

int nf_conf_load_file(struct nf_conf *conf, const char *path, char *errstr, size_t errstr_size)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: cannot open: %s", path,
                         strerror(errno));
    }
    char line[NF_CONF_LINE_MAX];
    char origin[512];
    int lineno = 0;
    int err = 0;
    while (!err && fgets(line, sizeof(line), fp)) {
        lineno++;
        snprintf(origin, sizeof(origin), "%s:%d", path, lineno);
        size_t len = strlen(line);
        if (len == sizeof(line) - 1 && line[len - 1] != '\n' && !feof(fp)) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s: line longer than %d bytes",
                            origin, NF_CONF_LINE_MAX - 2);
            break;
        }
        char *s = nf_conf_trim(line);
        if (*s == '\0' || *s == '#') {
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                            "%s: expected \"key = value\", got \"%.60s\"", origin, s);
            break;
        }
        *eq = '\0';
        char *key = nf_conf_trim(s);
        char *value = nf_conf_trim(eq + 1);
        /* a '#' preceded by white space starts a trailing comment */
        for (char *h = value; *h; h++) {
            if (*h == '#' && h > value && isspace((unsigned char)h[-1])) {
                *h = '\0';
                value = nf_conf_trim(value);
                break;
            }
        }
        if (!*key) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s: empty key", origin);
            break;
        }
        err = nf_conf_set(conf, key, value, origin, errstr, errstr_size);
    }
    if (!err && ferror(fp)) {
        err = nf_seterr(errstr, errstr_size, NF_ERR_IO, "%s: read error", path);
    }
    fclose(fp);
    return err;
}

/* NEWSFLOW_ name of a table key: upper case, '.' and '-' become '_'. */
static void nf_conf_env_name(const char *key, char *out, size_t out_size)
{
    size_t o = (size_t)snprintf(out, out_size, "NEWSFLOW_");
    for (const char *k = key; *k && o + 1 < out_size; k++) {
        out[o++] = (*k == '.' || *k == '-') ? '_' : (char)toupper((unsigned char)*k);
    }
    out[o] = '\0';
}

int nf_conf_load_env(struct nf_conf *conf, char *const *envp, char *errstr, size_t errstr_size)
{
    char name[256];
    char origin[300];
    for (size_t i = 0; i < conf->nprops; i++) {
        nf_conf_env_name(conf->props[i].name, name, sizeof(name));
        size_t nlen = strlen(name);
        for (size_t j = 0; envp && envp[j]; j++) {
            if (strncmp(envp[j], name, nlen) == 0 && envp[j][nlen] == '=') {
                snprintf(origin, sizeof(origin), "env %s", name);
                int err = nf_conf_set(conf, conf->props[i].name, envp[j] + nlen + 1, origin,
                                      errstr, errstr_size);
                if (err) {
                    return err;
                }
            }
        }
    }
    static const char kprefix[] = "NEWSFLOW_KAFKA_";
    for (size_t j = 0; envp && envp[j]; j++) {
        if (strncmp(envp[j], kprefix, sizeof(kprefix) - 1) != 0) {
            continue;
        }
        const char *rest = envp[j] + sizeof(kprefix) - 1;
        const char *eq = strchr(rest, '=');
        if (!eq || eq == rest || (size_t)(eq - rest) >= sizeof(name) - 7) {
            continue;
        }
        size_t o = (size_t)snprintf(name, sizeof(name), "kafka.");
        for (const char *c = rest; c < eq; c++) {
            name[o++] = *c == '_' ? '.' : (char)tolower((unsigned char)*c);
        }
        name[o] = '\0';
        snprintf(origin, sizeof(origin), "env %.*s", (int)(eq - envp[j]), envp[j]);
        int err = nf_conf_set(conf, name, eq + 1, origin, errstr, errstr_size);
        if (err) {
            return err;
        }
    }
    return 0;
}

static const struct nf_conf_entry *nf_conf_need(const struct nf_conf *conf, const char *key)
{
    const struct nf_conf_entry *e = nf_conf_find(conf, key);
    if (!e) {
        fprintf(stderr, "newsflow: BUG: configuration key \"%s\" is in no table\n", key);
        abort();
    }
    return e;
}

const char *nf_conf_get_str(const struct nf_conf *conf, const char *key)
{
    return nf_conf_need(conf, key)->value;
}

int64_t nf_conf_get_int(const struct nf_conf *conf, const char *key)
{
    const char *v = nf_conf_need(conf, key)->value;
    return v ? strtoll(v, NULL, 10) : 0;
}

double nf_conf_get_double(const struct nf_conf *conf, const char *key)
{
    const char *v = nf_conf_need(conf, key)->value;
    return v ? strtod(v, NULL) : 0.0;
}

int nf_conf_get_bool(const struct nf_conf *conf, const char *key)
{
    const char *v = nf_conf_need(conf, key)->value;
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 ||
                 strcmp(v, "on") == 0);
}

const char *nf_conf_origin(const struct nf_conf *conf, const char *key)
{
    return nf_conf_need(conf, key)->origin;
}

int nf_conf_path(const struct nf_conf *conf, const char *key, char *out, size_t out_size)
{
    const char *v = nf_conf_get_str(conf, key);
    if (!v || !*v) {
        return NF_ERR_NOENT;
    }
    int n;
    if (v[0] == '/') {
        n = snprintf(out, out_size, "%s", v);
    } else {
        const char *dir = nf_conf_has(conf, "data.dir") ? nf_conf_get_str(conf, "data.dir") : ".";
        n = snprintf(out, out_size, "%s/%s", dir ? dir : ".", v);
    }
    return (n < 0 || (size_t)n >= out_size) ? NF_ERR_LIMIT : 0;
}

size_t nf_conf_kafka_count(const struct nf_conf *conf)
{
    return conf->nkafka;
}

void nf_conf_kafka_get(const struct nf_conf *conf, size_t i, const char **name, const char **value)
{
    *name = conf->kafka[i].name;
    *value = conf->kafka[i].value;
}

static int nf_conf_secret(const char *name)
{
    return strstr(name, "password") || strstr(name, "secret") || strstr(name, "key.pem");
}

static const char *const nf_prop_type_names[] = {"string", "int", "double", "bool", "enum"};

void nf_conf_print(const struct nf_conf *conf, FILE *fp)
{
    fprintf(fp, "# %-32s %-8s %-24s %s\n", "key", "type", "value", "origin / description");
    for (size_t i = 0; i < conf->nprops; i++) {
        const struct nf_conf_entry *e = &conf->props[i];
        const char *v = e->value ? e->value : "(unset)";
        if (e->value && nf_conf_secret(e->name)) {
            v = "********";
        }
        fprintf(fp, "%-34s %-8s %-24s [%s] %s", e->name, nf_prop_type_names[e->prop->type], v,
                e->origin, e->prop->doc ? e->prop->doc : "");
        if (e->prop->type == NF_PROP_ENUM) {
            fprintf(fp, " (%s)", e->prop->choices);
        } else if (e->prop->type == NF_PROP_INT) {
            fprintf(fp, " (%.0f..%.0f)", e->prop->min, e->prop->max);
        } else if (e->prop->type == NF_PROP_DOUBLE) {
            fprintf(fp, " (%g..%g)", e->prop->min, e->prop->max);
        }
        fputc('\n', fp);
    }
    for (size_t i = 0; i < conf->nkafka; i++) {
        const struct nf_conf_entry *e = &conf->kafka[i];
        fprintf(fp, "kafka.%-28s %-8s %-24s [%s] passed to librdkafka\n", e->name, "string",
                nf_conf_secret(e->name) ? "********" : e->value, e->origin);
    }
}
