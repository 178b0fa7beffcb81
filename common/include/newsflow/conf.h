/* conf.h - configuration: one table of typed properties per scope, layered sources.
 *
 * Every binary has one nf_conf built from NULL-terminated property tables (the runner's, the
 * stage's, a tool's). Values are set, in order of precedence, from table defaults < a file
 * (-c FILE) < NEWSFLOW_* environment variables < -X key=value. Keys starting with "kafka." pass
 * through, prefix stripped, to librdkafka (which validates them when the client is created).
 * Keys scoped to another newsflow component ("summarize.*" seen by the clean binary) are accepted
 * and ignored so that one file can configure the whole pipeline; any other unknown key is an error.
 */
#ifndef NEWSFLOW_CONF_H
#define NEWSFLOW_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum nf_prop_type {
    NF_PROP_STR = 0,
    NF_PROP_INT,    /* int64, range [min, max] */
    NF_PROP_DOUBLE, /* range [min, max] */
    NF_PROP_BOOL,   /* true|false|1|0|yes|no|on|off */
    NF_PROP_ENUM,   /* one of choices, "a|b|c" */
} nf_prop_type_t;

/* One row of a property table. A table ends with a row whose name is NULL. */
struct nf_prop {
    const char *name;    /* "summarize.sentences" */
    nf_prop_type_t type;
    const char *def;     /* default, as text; NULL = unset (getters return NULL / 0) */
    double min, max;     /* INT, DOUBLE: inclusive range */
    const char *choices; /* ENUM: "a|b|c" */
    const char *doc;     /* one line */
};

#define NF_PROP_END {NULL, NF_PROP_STR, NULL, 0, 0, NULL, NULL}

struct nf_conf;

/* Keys every binary has: log.level, log.format, data.dir. */
extern const struct nf_prop nf_common_props[];

/* tables: NULL-terminated array of property tables (borrowed: must outlive the conf, normally
 * static const). Defaults are applied immediately. Returns NULL only on allocation failure. */
struct nf_conf *nf_conf_new(const struct nf_prop *const *tables);
void nf_conf_destroy(struct nf_conf *conf);

/* Set one key from a source ("-X", "env NEWSFLOW_X", "file.conf:12"). Validates type and range;
 * on error returns NF_ERR_CONFIG with "<origin>: <reason>" in errstr. */
int nf_conf_set(struct nf_conf *conf, const char *key, const char *value, const char *origin,
                char *errstr, size_t errstr_size);
/* Parse "key = value" lines, '#' comments, blank lines. Errors name file:line. */
int nf_conf_load_file(struct nf_conf *conf, const char *path, char *errstr, size_t errstr_size);
/* Apply NEWSFLOW_* variables from envp (NULL-terminated, e.g. environ). A table key maps to
 * NEWSFLOW_ + the key upper-cased with '.' and '-' as '_' (summarize.max_words ->
 * NEWSFLOW_SUMMARIZE_MAX_WORDS); NEWSFLOW_KAFKA_X_Y maps to kafka.x.y. Variables that match no
 * key are ignored (the environment is often shared by several binaries). */
int nf_conf_load_env(struct nf_conf *conf, char *const *envp, char *errstr, size_t errstr_size);

/* Getters abort() on a key missing from the tables: that is a programming error. */
const char *nf_conf_get_str(const struct nf_conf *conf, const char *key); /* NULL if unset */
int64_t nf_conf_get_int(const struct nf_conf *conf, const char *key);
double nf_conf_get_double(const struct nf_conf *conf, const char *key);
int nf_conf_get_bool(const struct nf_conf *conf, const char *key);
/* Where the current value came from: "default", "-X", "file.conf:3", "env NEWSFLOW_..." */
const char *nf_conf_origin(const struct nf_conf *conf, const char *key);
/* Is the key in this conf's tables? */
int nf_conf_has(const struct nf_conf *conf, const char *key);

/* Resolve a path-valued key: absolute paths as they are, relative ones against data.dir.
 * NF_ERR_NOENT if the key is unset, NF_ERR_LIMIT if out_size is too small. */
int nf_conf_path(const struct nf_conf *conf, const char *key, char *out, size_t out_size);

/* kafka.* pass-through, in the order set (later duplicates replace earlier values in place). */
size_t nf_conf_kafka_count(const struct nf_conf *conf);
/* i-th pair, name without the "kafka." prefix; borrowed. */
void nf_conf_kafka_get(const struct nf_conf *conf, size_t i, const char **name, const char **value);
/* Set a kafka.* default unless already set by any source (name without prefix). */
int nf_conf_kafka_default(struct nf_conf *conf, const char *name, const char *value);

/* --list-config: every key, type, current value and origin, doc. Secrets (names containing
 * "password", "secret") are masked. */
void nf_conf_print(const struct nf_conf *conf, FILE *fp);

#endif
