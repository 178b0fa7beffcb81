/* log.c - logfmt / JSON-lines logging to stderr. One write(2) per line so that lines from
 * several threads (librdkafka's callbacks run on ours, but its log_cb may not) never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "newsflow/log.h"
#include "newsflow/util.h"

static struct {
    char component[64];
    nf_log_level_t level;
    nf_log_format_t format;
} nf_log_cfg = {"newsflow", NF_LOG_INFO, NF_LOG_LOGFMT};

static const char *const nf_log_names[] = {"error", "warn", "info", "debug"};

void nf_log_setup(const char *component, nf_log_level_t level, nf_log_format_t format)
{
    if (component) {
        snprintf(nf_log_cfg.component, sizeof(nf_log_cfg.component), "%s", component);
    }
    nf_log_cfg.level = level;
    nf_log_cfg.format = format;
}

int nf_log_level_parse(const char *s, nf_log_level_t *out)
{
    for (int i = 0; i <= NF_LOG_DEBUG; i++) {
        if (strcmp(s, nf_log_names[i]) == 0) {
            *out = (nf_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

int nf_log_format_parse(const char *s, nf_log_format_t *out)
{
    if (strcmp(s, "logfmt") == 0) {
        *out = NF_LOG_LOGFMT;
    } else if (strcmp(s, "json") == 0) {
        *out = NF_LOG_JSON;
    } else {
        return -1;
    }
    return 0;
}

int nf_log_enabled(nf_log_level_t level)
{
    return level <= nf_log_cfg.level;
}

/* Quote msg for logfmt ("..." with \" and \\ escaped) or JSON (also control characters). */
static void nf_log_quote(char *dst, size_t dst_size, const char *src)
{
    size_t o = 0;
    if (dst_size < 3) {
        return;
    }
    dst[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)src; *p && o + 8 < dst_size; p++) {
        if (*p == '"' || *p == '\\') {
            dst[o++] = '\\';
            dst[o++] = (char)*p;
        } else if (*p == '\n') {
            dst[o++] = '\\';
            dst[o++] = 'n';
        } else if (*p < 0x20 || *p == 0x7F) {
            o += (size_t)snprintf(dst + o, dst_size - o, "\\u%04x", *p);
        } else if (*p >= 0x80) {
            /* keep valid UTF-8, replace anything else: a JSON log line must stay valid */
            size_t n = nf_utf8_seqlen(p, strlen((const char *)p));
            if (n == 0) {
                memcpy(dst + o, "\xEF\xBF\xBD", 3);
                o += 3;
            } else {
                memcpy(dst + o, p, n);
                o += n;
                p += n - 1;
            }
        } else {
            dst[o++] = (char)*p;
        }
    }
    dst[o++] = '"';
    dst[o] = '\0';
}

void nf_log(nf_log_level_t level, const char *fmt, ...)
{
    if (!nf_log_enabled(level)) {
        return;
    }
    char msg[2048];
    char quoted[4200];
    char line[4600];
    char ts[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    nf_rfc3339(nf_now_ms(), ts, sizeof(ts));
    nf_log_quote(quoted, sizeof(quoted), msg);
    int n;
    if (nf_log_cfg.format == NF_LOG_JSON) {
        n = snprintf(line, sizeof(line), "{\"ts\":\"%s\",\"level\":\"%s\",\"component\":\"%s\","
                     "\"msg\":%s}\n", ts, nf_log_names[level], nf_log_cfg.component, quoted);
    } else {
        n = snprintf(line, sizeof(line), "ts=%s level=%s component=%s msg=%s\n", ts,
                     nf_log_names[level], nf_log_cfg.component, quoted);
    }
    if (n > 0) {
        size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
        ssize_t w = write(STDERR_FILENO, line, len);
        (void)w; /* nothing sensible to do if stderr is gone */
    }
}
