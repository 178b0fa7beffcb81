/* stdio.c - the --stdio loop: one JSON record per line on stdin, exactly one line per input on
 * stdout, in input order, no broker. The contract benchmarks and quality scoring rely on; a
 * rejected input becomes {"id": ..., "error": "reason"} in its place (plus a log line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsflow/err.h"
#include "newsflow/log.h"
#include "newsflow/util.h"
#include "runner_int.h"

/* Read one line (without '\n') into buf, keeping at most max bytes: a longer line is consumed
 * to its end and *too_long set. Returns 1 for a line, 0 at end of input. */
static int nf_read_line(FILE *in, struct nf_buf *buf, size_t max, int *too_long, size_t *total)
{
    nf_buf_reset(buf);
    *too_long = 0;
    *total = 0;
    int c = 0;
    int any = 0;
    char chunk[65536];
    size_t n = 0;
    while ((c = getc_unlocked(in)) != EOF) {
        any = 1;
        if (c == '\n') {
            break;
        }
        (*total)++;
        if (*too_long) {
            continue;
        }
        chunk[n++] = (char)c;
        if (n == sizeof(chunk)) {
            if (buf->len + n > max) {
                *too_long = 1;
            } else if (nf_buf_append(buf, chunk, n) != 0) {
                *too_long = 1; /* out of memory: report it as too large, keep going */
            }
            n = 0;
        }
    }
    if (!*too_long && n) {
        if (buf->len + n > max || nf_buf_append(buf, chunk, n) != 0) {
            *too_long = 1;
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
    while (!*stop && nf_read_line(stdin, &line, p.max_record_bytes, &too_long, &total)) {
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
    nf_buf_free(&line);
    double secs = nf_mono_sec() - t0;
    nf_log_info("stdio done: %lu records in %.3f s, %lu rejected", n_in, secs, n_err);
    return ferror(stdout) ? 1 : 0;
}
