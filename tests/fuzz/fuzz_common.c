/* fuzz_common.c - per-input code of the fuzz targets (see fuzz_common.h). Compiled into each
 * libFuzzer binary by tests/fuzz/build.sh and #included by tests/unit/test_fuzz_regressions.c.
 * Invariants that must hold for every input are checked with nf_fuzz_check(), which aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/src/runner_int.h"
#include "fuzz_common.h"
#include "newsflow/cli.h"
#include "newsflow/err.h"
#include "newsflow/record.h"
#include "newsflow/util.h"

extern const struct nf_stage nf_stage_clean;
extern const struct nf_stage nf_stage_entities;
extern const struct nf_stage nf_stage_summarize;

#define NF_FUZZ_ARGV_MAX 64

static void nf_fuzz_check(int ok, const char *what, const char *detail)
{
    if (!ok) {
        fprintf(stderr, "fuzz invariant broken: %s%s%s\n", what, detail ? ": " : "",
                detail ? detail : "");
        abort();
    }
}

void nf_fuzz_record(const uint8_t *data, size_t size)
{
    char errstr[512];
    json_t *rec = NULL;
    json_t *again = NULL;
    char *enc = NULL;
    char *enc2 = NULL;
    size_t len = 0;
    size_t len2 = 0;
    if (nf_record_decode((const char *)data, size, 1 << 20, &rec, errstr, sizeof(errstr)) != 0) {
        nf_fuzz_check(errstr[0] != '\0', "decode failed without a reason", NULL);
        goto done;
    }
    nf_fuzz_check(json_is_object(rec), "decode returned a non-object", NULL);
    if (nf_record_ensure_id(rec, errstr, sizeof(errstr)) == 0) {
        const char *id = nf_record_str(rec, "id");
        nf_fuzz_check(id && *id && strlen(id) <= NF_ID_MAX, "ensure_id left a bad id", id);
    }
    enc = nf_record_encode(rec, &len);
    nf_fuzz_check(enc != NULL, "encode failed", NULL);
    nf_fuzz_check(len == strlen(enc), "encoded length", NULL);
    /* what we encode, any stage must be able to decode */
    nf_fuzz_check(nf_record_decode(enc, len, 0, &again, errstr, sizeof(errstr)) == 0,
                  "re-decoding an encoded record", errstr);
    enc2 = nf_record_encode(again, &len2);
    nf_fuzz_check(enc2 && len2 == len && memcmp(enc, enc2, len) == 0,
                  "encode(decode(encode(x))) != encode(x)", enc);
done:
    free(enc2);
    free(enc);
    json_decref(again);
    json_decref(rec);
}

/* A file the config input is written to; created once per process. */
static const char *nf_fuzz_conf_path(void)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof(path), "/tmp/nf-fuzz-conf-%ld.conf", (long)getpid());
    }
    return path;
}

static const struct nf_prop *const *nf_fuzz_conf_tables(void)
{
    static const struct nf_prop *tables[6];
    if (!tables[0]) {
        tables[0] = nf_common_props;
        tables[1] = nf_runner_props;
        tables[2] = nf_stage_clean.props;
        tables[3] = nf_stage_entities.props;
        tables[4] = nf_stage_summarize.props;
        tables[5] = NULL;
    }
    return tables;
}

/* Read back every key of a table so getters run over whatever the parser stored. */
static void nf_fuzz_conf_read(const struct nf_conf *conf, const struct nf_prop *const *tables)
{
    for (size_t t = 0; tables[t]; t++) {
        for (const struct nf_prop *p = tables[t]; p->name; p++) {
            nf_fuzz_check(nf_conf_has(conf, p->name), "table key missing", p->name);
            nf_fuzz_check(nf_conf_origin(conf, p->name) != NULL, "no origin", p->name);
            char path[4096];
            switch (p->type) {
            case NF_PROP_STR:
                (void)nf_conf_get_str(conf, p->name);
                (void)nf_conf_path(conf, p->name, path, sizeof(path));
                break;
            case NF_PROP_INT: {
                int64_t v = nf_conf_get_int(conf, p->name);
                nf_fuzz_check(v >= (int64_t)p->min && v <= (int64_t)p->max, "int out of range",
                              p->name);
                break;
            }
            case NF_PROP_DOUBLE: {
                double v = nf_conf_get_double(conf, p->name);
                nf_fuzz_check(v >= p->min && v <= p->max, "double out of range", p->name);
                break;
            }
            case NF_PROP_BOOL:
                (void)nf_conf_get_bool(conf, p->name);
                break;
            case NF_PROP_ENUM:
                nf_fuzz_check(nf_conf_get_str(conf, p->name) != NULL, "enum unset", p->name);
                break;
            }
        }
    }
    for (size_t i = 0; i < nf_conf_kafka_count(conf); i++) {
        const char *name = NULL;
        const char *value = NULL;
        nf_conf_kafka_get(conf, i, &name, &value);
        nf_fuzz_check(name && value, "kafka pair", NULL);
    }
}

/* The input split into lines (NUL-terminated copies) as an environment. */
static void nf_fuzz_conf_env(const struct nf_prop *const *tables, const char *s, size_t size)
{
    char errstr[512];
    char *copy = malloc(size + 1);
    char *envp[NF_FUZZ_ARGV_MAX + 1];
    size_t n = 0;
    struct nf_conf *conf = nf_conf_new(tables);
    nf_fuzz_check(copy && conf, "out of memory", NULL);
    memcpy(copy, s, size);
    copy[size] = '\0';
    for (char *line = copy; line && n < NF_FUZZ_ARGV_MAX;) {
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
        }
        envp[n++] = line;
        line = nl ? nl + 1 : NULL;
    }
    envp[n] = NULL;
    if (nf_conf_load_env(conf, envp, errstr, sizeof(errstr)) == 0) {
        nf_fuzz_conf_read(conf, tables);
    }
    nf_conf_destroy(conf);
    free(copy);
}

/* The input split on white space into argv for nf_cli_parse. Options that print and exit or
 * read another file (-c) are dropped: the file parser is fuzzed directly. */
static void nf_fuzz_conf_cli(const struct nf_prop *const *tables, const char *s, size_t size)
{
    static const char *const skip[] = {"-h", "--help", "-V", "--version", "--list-config",
                                       "-c", "--config", NULL};
    char errstr[512];
    char *copy = malloc(size + 1);
    char *argv[NF_FUZZ_ARGV_MAX + 2];
    int argc = 0;
    int flag = 0;
    nf_fuzz_check(copy != NULL, "out of memory", NULL);
    memcpy(copy, s, size);
    copy[size] = '\0';
    argv[argc++] = "newsflow-fuzz";
    char *save = NULL;
    for (char *tok = strtok_r(copy, " \t\r\n", &save); tok && argc <= NF_FUZZ_ARGV_MAX;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        int dropped = 0;
        for (size_t i = 0; skip[i]; i++) {
            dropped |= strcmp(tok, skip[i]) == 0;
        }
        if (!dropped) {
            argv[argc++] = tok;
        }
    }
    argv[argc] = NULL;
    const struct nf_cli_flag flags[] = {{"--stdio", &flag, "doc"}, {NULL, NULL, NULL}};
    const struct nf_cli cli = {
        .prog = "newsflow-fuzz", .synopsis = "fuzz", .tables = tables, .flags = flags,
    };
    struct nf_conf *conf = NULL;
    int argi = 0;
    int r = nf_cli_parse(&cli, argc, argv, &conf, &argi, errstr, sizeof(errstr));
    if (r == NF_CLI_RUN) {
        nf_fuzz_check(conf != NULL && argi >= 1 && argi <= argc, "cli result", NULL);
        nf_fuzz_conf_read(conf, tables);
    }
    nf_conf_destroy(conf);
    free(copy);
}

void nf_fuzz_conf(const uint8_t *data, size_t size)
{
    char errstr[512];
    const struct nf_prop *const *tables = nf_fuzz_conf_tables();
    const char *path = nf_fuzz_conf_path();
    FILE *fp = fopen(path, "wb");
    nf_fuzz_check(fp != NULL, "cannot write", path);
    nf_fuzz_check(fwrite(data, 1, size, fp) == size && fclose(fp) == 0, "cannot write", path);
    struct nf_conf *conf = nf_conf_new(tables);
    nf_fuzz_check(conf != NULL, "out of memory", NULL);
    errstr[0] = '\0';
    if (nf_conf_load_file(conf, path, errstr, sizeof(errstr)) == 0) {
        nf_fuzz_conf_read(conf, tables);
        FILE *devnull = fopen("/dev/null", "w");
        if (devnull) {
            nf_conf_print(conf, devnull);
            fclose(devnull);
        }
    } else {
        nf_fuzz_check(errstr[0] != '\0', "config error without a message", NULL);
    }
    nf_conf_destroy(conf);
    unlink(path);
    nf_fuzz_conf_env(tables, (const char *)data, size);
    nf_fuzz_conf_cli(tables, (const char *)data, size);
}

int nf_fuzz_stage_init(struct nf_fuzz_stage *fs, const struct nf_stage *stage, const char *field,
                       const char *data_dir)
{
    char errstr[1024];
    static const struct nf_prop *tables[4];
    memset(fs, 0, sizeof(*fs));
    fs->stage = stage;
    fs->field = field;
    tables[0] = nf_common_props;
    tables[1] = nf_runner_props;
    tables[2] = stage->props;
    tables[3] = NULL;
    fs->conf = nf_conf_new(tables);
    if (!fs->conf ||
        nf_conf_set(fs->conf, "data.dir", data_dir, "fuzz", errstr, sizeof(errstr)) != 0 ||
        nf_conf_set(fs->conf, "retry.max", "0", "fuzz", errstr, sizeof(errstr)) != 0 ||
        stage->init(fs->conf, &fs->state, errstr, sizeof(errstr)) != 0) {
        fprintf(stderr, "fuzz: %s init failed: %s\n", stage->name, fs->conf ? errstr : "nomem");
        nf_fuzz_stage_destroy(fs);
        return -1;
    }
    return 0;
}

void nf_fuzz_stage_destroy(struct nf_fuzz_stage *fs)
{
    if (fs->stage && fs->stage->destroy) {
        fs->stage->destroy(fs->state);
    }
    nf_conf_destroy(fs->conf);
    memset(fs, 0, sizeof(*fs));
}

/* Pass 1: the input as the stage's text field of a well-formed record. */
static void nf_fuzz_stage_field(const struct nf_fuzz_stage *fs, const uint8_t *data, size_t size)
{
    char errstr[512];
    json_t *back = NULL;
    char *enc = NULL;
    size_t len = 0;
    json_t *rec = json_object();
    nf_fuzz_check(rec != NULL, "out of memory", NULL);
    nf_fuzz_check(nf_record_set_str(rec, "id", "f") == 0 &&
                      nf_record_set_strn(rec, fs->field, (const char *)data, size) == 0,
                  "building the record", NULL);
    errstr[0] = '\0';
    int err = fs->stage->transform(fs->state, rec, errstr, sizeof(errstr));
    if (err < 0) {
        nf_fuzz_check(err != NF_ERR_NOMEM, "transform ran out of memory", errstr);
        nf_fuzz_check(errstr[0] != '\0', "transform failed without a reason", nf_strerror(err));
        goto done;
    }
    nf_fuzz_check(err == 0 || err == NF_XFORM_SKIP, "transform returned", nf_strerror(err));
    if (err == 0) {
        const char *id = nf_record_str(rec, "id");
        nf_fuzz_check(id && strcmp(id, "f") == 0, "transform changed the id", id);
        enc = nf_record_encode(rec, &len);
        nf_fuzz_check(enc != NULL, "encoding the output", NULL);
        /* the next stage must be able to read what this one wrote */
        nf_fuzz_check(nf_record_decode(enc, len, 0, &back, errstr, sizeof(errstr)) == 0,
                      "output does not decode", errstr);
    }
done:
    free(enc);
    json_decref(back);
    json_decref(rec);
}

/* Pass 2: the raw bytes as a record, through the runner's per-input path. */
static void nf_fuzz_stage_raw(const struct nf_fuzz_stage *fs, const uint8_t *data, size_t size)
{
    struct nf_processor p;
    struct nf_processed res;
    struct nf_source src = {"fuzz", 0, 0};
    static volatile sig_atomic_t stop;
    nf_processor_init(&p, fs->stage, fs->conf, fs->state, &stop);
    nf_process(&p, (const char *)data, size, &src, &res);
    switch (res.outcome) {
    case NF_OUT_PUBLISH: {
        json_t *back = NULL;
        char errstr[512];
        nf_fuzz_check(res.out && res.out_len == strlen(res.out), "published output", NULL);
        nf_fuzz_check(nf_record_decode(res.out, res.out_len, 0, &back, errstr, sizeof(errstr)) ==
                          0,
                      "published output does not decode", errstr);
        json_decref(back);
        break;
    }
    case NF_OUT_SKIP:
        break;
    case NF_OUT_DEAD:
        nf_fuzz_check(res.reason[0] != '\0' && res.err_class, "dead letter without reason", NULL);
        break;
    case NF_OUT_ABANDON:
        nf_fuzz_check(0, "abandoned without a stop", NULL);
        break;
    }
    free(res.out);
}

/* Standard base64 of data into out. */
static void nf_fuzz_base64(struct nf_buf *out, const uint8_t *data, size_t size)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < size; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        v |= i + 1 < size ? (uint32_t)data[i + 1] << 8 : 0;
        v |= i + 2 < size ? (uint32_t)data[i + 2] : 0;
        char q[4] = {abc[(v >> 18) & 63], abc[(v >> 12) & 63],
                     i + 1 < size ? abc[(v >> 6) & 63] : '=', i + 2 < size ? abc[v & 63] : '='};
        nf_fuzz_check(nf_buf_append(out, q, 4) == 0, "out of memory", NULL);
    }
}

/* Pass 3 (clean only): the bytes after the first as "html_base64", the first byte choosing the
 * record's charset hint (none, right, wrong or bogus), so the charset decoding is fuzzed. */
static void nf_fuzz_stage_base64(const struct nf_fuzz_stage *fs, const uint8_t *data,
                                 size_t size)
{
    static const char *const labels[] = {NULL, "utf-8", "windows-1252", "iso-8859-1",
                                         "shift_jis", "euc-kr", "euc-jp", "gb2312", "big5",
                                         "koi8-r", "utf-16", "utf-16le", "utf-32", "utf-7",
                                         "x-bogus", "", "iso-2022-jp", "gb18030"};
    char errstr[512];
    struct nf_buf b64 = {0};
    json_t *back = NULL;
    char *enc = NULL;
    size_t len = 0;
    if (size == 0) {
        return;
    }
    const char *label = labels[data[0] % (sizeof(labels) / sizeof(labels[0]))];
    nf_fuzz_base64(&b64, data + 1, size - 1);
    json_t *rec = json_object();
    nf_fuzz_check(rec && nf_record_set_str(rec, "id", "f") == 0 &&
                      nf_record_set_strn(rec, "html_base64", b64.data ? b64.data : "",
                                         b64.len) == 0 &&
                      (!label || nf_record_set_str(rec, "charset", label) == 0),
                  "building the record", NULL);
    errstr[0] = '\0';
    int err = fs->stage->transform(fs->state, rec, errstr, sizeof(errstr));
    if (err < 0) {
        nf_fuzz_check(err != NF_ERR_NOMEM, "transform ran out of memory", errstr);
        nf_fuzz_check(errstr[0] != '\0', "transform failed without a reason", nf_strerror(err));
    } else if (err == 0) {
        enc = nf_record_encode(rec, &len);
        nf_fuzz_check(enc != NULL, "encoding the output", NULL);
        nf_fuzz_check(nf_record_decode(enc, len, 0, &back, errstr, sizeof(errstr)) == 0,
                      "output does not decode", errstr);
    }
    free(enc);
    json_decref(back);
    json_decref(rec);
    nf_buf_free(&b64);
}

void nf_fuzz_stage_one(const struct nf_fuzz_stage *fs, const uint8_t *data, size_t size)
{
    nf_fuzz_stage_field(fs, data, size);
    nf_fuzz_stage_raw(fs, data, size);
    if (strcmp(fs->field, "html") == 0) {
        nf_fuzz_stage_base64(fs, data, size);
    }
}
