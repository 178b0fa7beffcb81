/* stdio.c - the --stdio loop: one JSON record per line on stdin, exactly one line per input on
 * stdout, in input order, no broker. The contract benchmarks and quality scoring rely on; a
 * rejected input becomes {"id": ..., "error": "reason"} in its place (plus a log line).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsflow/err.h"
#include "newsflow/log.h"
#include "newsflow/util.h"
#include "runner_int.h"

/* A buffered line reader on a file descriptor: read(2) up to 64 KiB at a time (returning what
 * is there, so an interactive stdin is answered line by line) and find line ends with memchr
 * (a byte-at-a-time getc loop cost a tenth of a page's processing). */
struct nf_lines {
    int fd;
    char blk[65536];
    size_t pos, end;
    int eof;
};

/* Read one line (without '\n') into buf, keeping at most max bytes: a longer line is consumed
 * to its end and *too_long set. Returns 1 for a line, 0 at end of input. */
static int nf_read_line(struct nf_lines *r, struct nf_buf *buf, size_t max, int *too_long,
                        size_t *total)
{
    nf_buf_reset(buf);
    *too_long = 0;
    *total = 0;
    int any = 0;
    for (;;) {
        if (r->pos == r->end) {
            if (r->eof) {
                break;
            }
            r->pos = 0;
            ssize_t got;
            do {
                got = read(r->fd, r->blk, sizeof(r->blk));
            } while (got < 0 && errno == EINTR);
            if (got <= 0) {
                r->end = 0;
                r->eof = 1;
                break;
            }
            r->end = (size_t)got;
        }
        any = 1;
        const char *start = r->blk + r->pos;
        size_t avail = r->end - r->pos;
        const char *nl = memchr(start, '\n', avail);
        size_t n = nl ? (size_t)(nl - start) : avail;
        *total += n;
        if (!*too_long) {
            if (buf->len + n > max || nf_buf_append(buf, start, n) != 0) {
                *too_long = 1; /* too large (or out of memory): report it, keep reading */
                nf_buf_reset(buf);
            }
        }
        r->pos += n + (nl ? 1 : 0);
        if (nl) {
            break;
        }
    }
    if (*too_long) {
        nf_buf_reset(buf);
    }
    return any;
}

static void nf_stdio_error_line(FILE *out, const char *id, const char *field, const char *reason)
{
    json_t *e = json_object();
    /* json_string() refuses invalid UTF-8: such an id is reported as null */
    json_t *jid = id && *id ? json_string(id) : NULL;
    json_object_set_new(e, "id", jid ? jid : json_null());
    json_t *r = json_string(reason);
    json_object_set_new(e, field, r ? r : json_string("unprintable reason"));
    char *s = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (s) {
        fputs(s, out);
    } else {
        fputs("{\"id\":null,\"error\":\"out of memory\"}", out);
    }
    fputc('\n', out);
    free(s);
    json_decref(e);
}

int nf_runner_run_stdio(const struct nf_stage *stage, struct nf_conf *conf, void *state,
                        volatile sig_atomic_t *stop)
{
    struct nf_processor p;
    nf_processor_init(&p, stage, conf, state, stop);
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    int interactive = isatty(STDIN_FILENO);
    struct nf_buf line = {0};
    struct nf_source src = {"stdin", 0, 0};
    unsigned long n_in = 0;
    unsigned long n_err = 0;
    int too_long;
    size_t total;
    double t0 = nf_mono_sec();
    struct nf_lines *reader = calloc(1, sizeof(*reader));
    if (!reader) {
        nf_log_error("out of memory");
        return 1;
    }
    reader->fd = STDIN_FILENO;
    while (!*stop && nf_read_line(reader, &line, p.max_record_bytes, &too_long, &total)) {
        struct nf_processed res;
        src.offset = (int64_t)n_in++;
        if (too_long) {
            memset(&res, 0, sizeof(res));
            res.outcome = NF_OUT_DEAD;
            res.err_class = "decode";
            snprintf(res.reason, sizeof(res.reason),
                     "record of %zu bytes exceeds max.record.bytes (%zu)", total,
                     p.max_record_bytes);
        } else {
            nf_process(&p, line.data ? line.data : "", line.len, &src, &res);
        }
        switch (res.outcome) {
        case NF_OUT_PUBLISH:
            fwrite(res.out, 1, res.out_len, stdout);
            fputc('\n', stdout);
            break;
        case NF_OUT_SKIP:
            /* one line per input, always: a skipped record is reported as such */
            nf_stdio_error_line(stdout, res.id, "skipped", "dropped by the stage");
            break;
        case NF_OUT_DEAD:
        case NF_OUT_ABANDON:
            n_err++;
            if (res.outcome == NF_OUT_ABANDON) {
                snprintf(res.reason, sizeof(res.reason), "interrupted while retrying");
            }
            nf_log_warn("line %lu id=%s rejected (%s): %s", n_in, res.id[0] ? res.id : "-",
                        res.err_class ? res.err_class : "abandon", res.reason);
            nf_stdio_error_line(stdout, res.id, "error", res.reason);
            break;
        }
        free(res.out);
        if (interactive) {
            fflush(stdout);
        }
    }
    fflush(stdout);
    free(reader);
    nf_buf_free(&line);
    double secs = nf_mono_sec() - t0;
    nf_log_info("stdio done: %lu records in %.3f s, %lu rejected", n_in, secs, n_err);
    return ferror(stdout) ? 1 : 0;
}
