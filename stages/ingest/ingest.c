/* ingest.c - newsflow-ingest: feed scraped pages into the raw-html topic (the head of the
 * pipeline). Sources, given as arguments: HTML files, folders (recursive, *.html / *.htm),
 * JSONL files (*.jsonl, one {url, html, ...} record per line) and WARC files (*.warc,
 * *.warc.gz; the HTML responses in them, read by warc.c). Each page becomes one raw-html
 * record keyed by its id; counts of sent and failed are printed at the end, and the exit code is
 * non-zero if anything failed. With --print the records go to stdout instead of Kafka, ready to
 * pipe into a stage's --stdio mode.
 *
 * Pages that are not valid UTF-8 (a windows-1252 or EUC-KR page) cannot travel as a JSON string
 * unchanged; their exact bytes go base64-encoded in "html_base64" so that clean can decode them
 * with the right charset.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newsflow/cli.h"
#include "newsflow/err.h"
#include "newsflow/kafka.h"
#include "newsflow/log.h"
#include "newsflow/record.h"
#include "newsflow/util.h"
#include "warc.h"

#define INGEST_MAX_DEPTH 32

static const struct nf_prop ingest_props[] = {
    {"ingest.topic", NF_PROP_STR, "raw-html", 0, 0, NULL, "topic to publish to"},
    {"ingest.source", NF_PROP_STR, NULL, 0, 0, NULL, "value of the records' \"source\" field"},
    {"ingest.base_url", NF_PROP_STR, NULL, 0, 0, NULL,
     "URL prefix for files (default file://<absolute path>)"},
    {"ingest.max_bytes", NF_PROP_INT, "16777216", 1, 1073741824, NULL,
     "pages, lines or WARC records larger than this are counted as failed"},
    {"ingest.rate", NF_PROP_DOUBLE, "0", 0, 1e9, NULL,
     "records per second at most (0: as fast as the broker takes them); for load tests"},
    {"ingest.repeat", NF_PROP_INT, "1", 1, 1000000, NULL,
     "send every input this many times; copy n > 0 gets \"#n\" appended to its url (and so a "
     "new id); for load tests"},
    {"ingest.flush_timeout_ms", NF_PROP_INT, "60000", 0, 3600000, NULL,
     "how long to wait for the broker to acknowledge everything at the end"},
    NF_PROP_END,
};

struct ingest {
    struct nf_conf *conf;
    rd_kafka_t *rk; /* NULL with --print */
    const char *topic;
    size_t max_bytes;
    unsigned long sent;    /* acknowledged by the broker (or printed) */
    unsigned long failed;  /* unreadable, invalid, or not acknowledged */
    unsigned long skipped; /* WARC records that are not HTML pages */
    unsigned long queued;
    double rate;      /* ingest.rate */
    double t0;        /* monotonic time of the first record, for the rate */
    unsigned long emitted;
    int copy;         /* current ingest.repeat round */
    volatile sig_atomic_t *stop; /* SIGINT/SIGTERM: stop reading more input */
};

static void ingest_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    struct ingest *in = opaque;
    if (m->err) {
        in->failed++;
        nf_log_error("id=%.*s not delivered: %s", (int)m->key_len, (const char *)m->key,
                     rd_kafka_err2str(m->err));
    } else {
        in->sent++;
    }
}

/* Publish one record (ensuring id and fetched_at). Returns 0, or -1 (counted as failed). */
static int ingest_emit(struct ingest *in, json_t *rec, const char *where)
{
    char err[512];
    if (nf_record_ensure_id(rec, err, sizeof(err)) != 0) {
        nf_log_error("%s: %s", where, err);
        in->failed++;
        return -1;
    }
    if (!nf_record_str(rec, "html") && !nf_record_str(rec, "html_base64")) {
        nf_log_error("%s: record has no \"html\" string", where);
        in->failed++;
        return -1;
    }
    if (!json_object_get(rec, "fetched_at")) {
        char ts[40];
        nf_rfc3339(nf_now_ms(), ts, sizeof(ts));
        json_object_set_new(rec, "fetched_at", json_string(ts));
    }
    const char *source = nf_conf_get_str(in->conf, "ingest.source");
    if (source && !json_object_get(rec, "source")) {
        json_object_set_new(rec, "source", json_string(source));
    }
    if (in->copy > 0) {
        /* a distinct record per round: the id follows the url */
        const char *url = nf_record_str(rec, "url");
        char *u = NULL;
        if (url && asprintf(&u, "%s#%d", url, in->copy) > 0) {
            json_object_set_new(rec, "url", json_string(u));
            json_object_del(rec, "id");
            nf_record_ensure_id(rec, err, sizeof(err));
        }
        free(u);
    }
    if (in->rate > 0) {
        /* pace: record k leaves at t0 + k / rate */
        if (in->emitted == 0) {
            in->t0 = nf_mono_sec();
        }
        double due = in->t0 + (double)in->emitted / in->rate;
        double now;
        while ((now = nf_mono_sec()) < due && !*in->stop) {
            int ms = (int)((due - now) * 1000.0);
            if (in->rk) {
                rd_kafka_poll(in->rk, ms > 0 ? ms : 0);
            } else if (ms > 0) {
                usleep((useconds_t)ms * 1000);
            }
            if (ms <= 0) {
                break;
            }
        }
    }
    in->emitted++;
    size_t len = 0;
    char *val = nf_record_encode(rec, &len);
    if (!val) {
        nf_log_error("%s: out of memory", where);
        in->failed++;
        return -1;
    }
    const char *id = nf_record_str(rec, "id");
    int rc = 0;
    if (!in->rk) {
        fwrite(val, 1, len, stdout);
        putchar('\n');
        in->sent++;
        goto done;
    }
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            in->rk, RD_KAFKA_V_TOPIC(in->topic), RD_KAFKA_V_KEY(id, strlen(id)),
            RD_KAFKA_V_VALUE(val, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(in->rk, 100);
            continue;
        }
        if (e) {
            nf_log_error("%s: produce failed: %s", where, rd_kafka_err2str(e));
            in->failed++;
            rc = -1;
        } else {
            in->queued++;
        }
        break;
    }
    rd_kafka_poll(in->rk, 0);
done:
    free(val);
    return rc;
}

static char *ingest_base64(const unsigned char *p, size_t n)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1);
    size_t o = 0;
    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n) {
            v |= (uint32_t)p[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= p[i + 2];
        }
        out[o++] = tbl[(v >> 18) & 63];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tbl[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/* Read a whole file of at most max bytes; *data is malloc'ed. */
static int ingest_slurp(const char *path, size_t max, char **data, size_t *len, char *err,
                        size_t errsz)
{
    *data = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        return nf_seterr(err, errsz, NF_ERR_IO, "cannot open: %s", strerror(errno));
    }
    struct nf_buf b = {0};
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (b.len + n > max) {
            rc = nf_seterr(err, errsz, NF_ERR_LIMIT, "larger than ingest.max_bytes (%zu)", max);
            break;
        }
        if (nf_buf_append(&b, chunk, n) != 0) {
            rc = nf_seterr(err, errsz, NF_ERR_NOMEM, "out of memory");
            break;
        }
    }
    if (!rc && ferror(fp)) {
        rc = nf_seterr(err, errsz, NF_ERR_IO, "read error");
    }
    fclose(fp);
    if (rc) {
        nf_buf_free(&b);
        return rc;
    }
    *len = b.len;
    *data = nf_buf_steal(&b);
    return *data ? 0 : nf_seterr(err, errsz, NF_ERR_NOMEM, "out of memory");
}

/* The "html" (UTF-8 without NUL) or "html_base64" field of a page. */
static void ingest_set_html(json_t *rec, const char *data, size_t len)
{
    if (nf_utf8_valid(data, len) && !memchr(data, '\0', len)) {
        /* validated just now: jansson's own check would double the cost of a page */
        json_object_set_new(rec, "html", json_stringn_nocheck(data, len));
    } else {
        char *b64 = ingest_base64((const unsigned char *)data, len);
        json_object_set_new(rec, "html_base64", b64 ? json_string(b64) : json_null());
        free(b64);
    }
}

static void ingest_html_file(struct ingest *in, const char *path)
{
    char err[512];
    char *data = NULL;
    size_t len = 0;
    if (ingest_slurp(path, in->max_bytes, &data, &len, err, sizeof(err)) != 0) {
        nf_log_error("%s: %s", path, err);
        in->failed++;
        return;
    }
    char abs[PATH_MAX];
    char url[PATH_MAX + 256];
    const char *base = nf_conf_get_str(in->conf, "ingest.base_url");
    if (!realpath(path, abs)) {
        snprintf(abs, sizeof(abs), "%s", path);
    }
    if (base) {
        const char *slash = strrchr(path, '/');
        snprintf(url, sizeof(url), "%s%s", base, slash ? slash + 1 : path);
    } else {
        snprintf(url, sizeof(url), "file://%s", abs);
    }
    json_t *rec = json_object();
    json_object_set_new(rec, "url", json_string(url));
    ingest_set_html(rec, data, len);
    struct stat st;
    if (stat(path, &st) == 0) {
        char ts[40];
        nf_rfc3339((int64_t)st.st_mtime * 1000, ts, sizeof(ts));
        json_object_set_new(rec, "fetched_at", json_string(ts));
    }
    ingest_emit(in, rec, path);
    json_decref(rec);
    free(data);
}

/* A WARC (or .warc.gz) file: one raw-html record per HTML response. */
static void ingest_warc_file(struct ingest *in, const char *path)
{
    char err[1024];
    struct nf_warc *w = NULL;
    if (nf_warc_open(path, in->max_bytes, &w, err, sizeof(err)) != 0) {
        nf_log_error("%s: %s", path, err);
        in->failed++;
        return;
    }
    char where[PATH_MAX + 64];
    struct nf_warc_record r;
    int rc;
    while (!*in->stop && (rc = nf_warc_next(w, &r, err, sizeof(err))) != NF_WARC_END) {
        if (rc < 0) {
            nf_log_error("%s: %s (rest of the file not read)", path, err);
            in->failed++;
            break;
        }
        if (rc == NF_WARC_FAILED) {
            nf_log_error("%s: %s", path, err);
            in->failed++;
            continue;
        }
        snprintf(where, sizeof(where), "%s@%llu", path, nf_warc_offset(w));
        json_t *rec = json_object();
        json_t *hdrs = json_object();
        json_object_set_new(rec, "url", json_string(r.uri));
        if (r.date) {
            json_object_set_new(rec, "fetched_at", json_string(r.date));
        }
        /* repeated headers are joined as HTTP allows ("a, b") */
        for (size_t i = 0; i < r.nheaders; i++) {
            const char *name = r.headers[i].name;
            const char *value = r.headers[i].value;
            if (!nf_utf8_valid(name, strlen(name)) || !nf_utf8_valid(value, strlen(value))) {
                continue; /* JSON strings must be UTF-8; such headers carry nothing we use */
            }
            const char *old = json_string_value(json_object_get(hdrs, name));
            if (old) {
                struct nf_buf b = {0};
                nf_buf_appendf(&b, "%s, %s", old, value);
                json_object_set_new(hdrs, name, json_string(b.data ? b.data : ""));
                nf_buf_free(&b);
            } else {
                json_object_set_new(hdrs, name, json_string(value));
            }
        }
        json_object_set_new(rec, "headers", hdrs);
        ingest_set_html(rec, r.body, r.body_len);
        ingest_emit(in, rec, where);
        json_decref(rec);
    }
    in->skipped += nf_warc_skipped(w);
    nf_warc_close(w);
}

static void ingest_jsonl_file(struct ingest *in, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        nf_log_error("%s: cannot open: %s", path, strerror(errno));
        in->failed++;
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    char where[PATH_MAX + 32];
    char err[512];
    while (!*in->stop && (n = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        snprintf(where, sizeof(where), "%s:%lu", path, lineno);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            n--;
        }
        if (n == 0) {
            continue; /* blank lines separate nothing; skip them */
        }
        json_t *rec = NULL;
        if (nf_record_decode(line, (size_t)n, in->max_bytes, &rec, err, sizeof(err)) != 0) {
            nf_log_error("%s: %s", where, err);
            in->failed++;
            continue;
        }
        ingest_emit(in, rec, where);
        json_decref(rec);
    }
    free(line);
    fclose(fp);
}

static int ingest_has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s);
    size_t b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int ingest_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ingest_path(struct ingest *in, const char *path, int depth, int explicit);

/* Folders: entries in sorted order (a stable ingest order), recursion bounded. */
static void ingest_dir(struct ingest *in, const char *path, int depth)
{
    if (depth > INGEST_MAX_DEPTH) {
        nf_log_error("%s: deeper than %d folders, skipped", path, INGEST_MAX_DEPTH);
        in->failed++;
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        nf_log_error("%s: cannot open folder: %s", path, strerror(errno));
        in->failed++;
        return;
    }
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof(*nn));
            if (!nn) {
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) {
            break;
        }
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), ingest_cmp);
    for (size_t i = 0; i < n; i++) {
        char child[PATH_MAX];
        snprintf(child, sizeof(child), "%s/%s", path, names[i]);
        if (!*in->stop) {
            ingest_path(in, child, depth + 1, 0);
        }
        free(names[i]);
    }
    free(names);
}

static void ingest_path(struct ingest *in, const char *path, int depth, int explicit)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        nf_log_error("%s: %s", path, strerror(errno));
        in->failed++;
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        ingest_dir(in, path, depth);
    } else if (ingest_has_suffix(path, ".jsonl") || ingest_has_suffix(path, ".ndjson")) {
        ingest_jsonl_file(in, path);
    } else if (ingest_has_suffix(path, ".warc") || ingest_has_suffix(path, ".warc.gz")) {
        ingest_warc_file(in, path);
    } else if (explicit || ingest_has_suffix(path, ".html") || ingest_has_suffix(path, ".htm")) {
        ingest_html_file(in, path);
    }
}

int main(int argc, char **argv)
{
    char errstr[1024];
    int print = 0;
    const struct nf_cli_flag flags[] = {
        {"--print", &print, "write the records to stdout as JSON lines instead of Kafka"},
        {NULL, NULL, NULL},
    };
    const struct nf_prop *tables[] = {nf_common_props, ingest_props, NULL};
    const struct nf_cli cli = {
        .prog = "newsflow-ingest",
        .synopsis = "[--print] [-c FILE] [-X key=value]... PATH...",
        .usage =
            "PATH: an HTML file, a folder (recursive: *.html, *.htm, *.jsonl, *.warc,\n"
            "*.warc.gz), a JSONL file of {\"url\", \"html\", ...} records, or a WARC file.\n"
            "Publishes one raw-html record per page, keyed by id (derived from the URL when\n"
            "absent), and prints the counts of sent, failed and skipped records.\n"
            "\n"
            "WARC (*.warc, or *.warc.gz compressed one gzip member per record as Common\n"
            "Crawl's CC-NEWS is): each `response` record with a 2xx HTTP status and an HTML\n"
            "Content-Type (text/html, application/xhtml+xml) becomes a page: url from\n"
            "WARC-Target-URI, fetched_at from WARC-Date, \"headers\" the HTTP response headers\n"
            "(names lower-cased; clean honours the Content-Type charset), the body de-chunked\n"
            "(and gzip/deflate Content-Encoding decoded). Other records (warcinfo, request,\n"
            "metadata, non-HTML or non-2xx responses) are counted as skipped. A record over\n"
            "ingest.max_bytes or with a malformed HTTP part is counted as failed; corrupt or\n"
            "truncated input fails the rest of that file. Pages that are not UTF-8 go as\n"
            "\"html_base64\" (their exact bytes).\n"
            "Exit status: 0 all sent, 1 some failed, 2 usage error.",
        .tables = tables,
        .flags = flags,
        .set_defaults = nf_kafka_defaults_hook,
    };
    struct nf_conf *conf = NULL;
    int argi = 0;
    int r = nf_cli_start(&cli, "ingest", argc, argv, &conf, &argi);
    if (r >= 0) {
        return r;
    }
    if (argi >= argc) {
        fprintf(stderr, "newsflow-ingest: no PATH given (see --help)\n");
        nf_conf_destroy(conf);
        return 2;
    }

    struct ingest in;
    memset(&in, 0, sizeof(in));
    in.conf = conf;
    in.topic = nf_conf_get_str(conf, "ingest.topic");
    in.max_bytes = (size_t)nf_conf_get_int(conf, "ingest.max_bytes");
    int rc = 1;
    if (!print) {
        in.rk = nf_kafka_producer_new(conf, ingest_dr_cb, &in, errstr, sizeof(errstr));
        if (!in.rk) {
            nf_log_error("%s", errstr);
            goto done;
        }
    }
    in.stop = nf_cli_stop_flag();
    in.rate = nf_conf_get_double(conf, "ingest.rate");
    int repeat = (int)nf_conf_get_int(conf, "ingest.repeat");
    for (in.copy = 0; in.copy < repeat && !*in.stop; in.copy++) {
        for (int i = argi; i < argc && !*in.stop; i++) {
            ingest_path(&in, argv[i], 0, 1);
        }
    }
    if (in.rk) {
        rd_kafka_resp_err_t e =
            rd_kafka_flush(in.rk, (int)nf_conf_get_int(conf, "ingest.flush_timeout_ms"));
        if (e) {
            int left = rd_kafka_outq_len(in.rk);
            nf_log_error("%d record(s) not acknowledged by the broker in time", left);
            in.failed += (unsigned long)left;
            rd_kafka_purge(in.rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            /* the purged ones come back as failed delivery reports: undo the double count */
            unsigned long before = in.failed;
            rd_kafka_flush(in.rk, 1000);
            in.failed = before;
        }
    } else {
        fflush(stdout);
    }
    fprintf(stderr, "newsflow-ingest: sent %lu, failed %lu, skipped %lu%s\n", in.sent, in.failed,
            in.skipped, *in.stop ? " (interrupted)" : "");
    rc = in.failed || *in.stop ? 1 : 0;
done:
    if (in.rk) {
        rd_kafka_destroy(in.rk);
    }
    nf_conf_destroy(conf);
    return rc;
}
