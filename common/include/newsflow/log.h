/* log.h - process-wide structured logging to stderr (logfmt or JSON lines).
 *
 * The log is the one piece of process state in libnewsflow: level, format and the component
 * name are set once by the binary at start-up (nf_log_setup) and only read afterwards.
 */
#ifndef NEWSFLOW_LOG_H
#define NEWSFLOW_LOG_H

typedef enum nf_log_level {
    NF_LOG_ERROR = 0,
    NF_LOG_WARN = 1,
    NF_LOG_INFO = 2,
    NF_LOG_DEBUG = 3,
} nf_log_level_t;

typedef enum nf_log_format {
    NF_LOG_LOGFMT = 0,
    NF_LOG_JSON = 1,
} nf_log_format_t;

/* component: e.g. "clean"; copied. */
void nf_log_setup(const char *component, nf_log_level_t level, nf_log_format_t format);
/* Parse "error|warn|info|debug" / "logfmt|json"; return 0 or NF_ERR_INVALID. */
int nf_log_level_parse(const char *s, nf_log_level_t *out);
int nf_log_format_parse(const char *s, nf_log_format_t *out);
int nf_log_enabled(nf_log_level_t level);

/* One log line: msg is printf-formatted text. Thread-safe (one write(2) per line). */
void nf_log(nf_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define nf_log_error(...) nf_log(NF_LOG_ERROR, __VA_ARGS__)
#define nf_log_warn(...) nf_log(NF_LOG_WARN, __VA_ARGS__)
#define nf_log_info(...) nf_log(NF_LOG_INFO, __VA_ARGS__)
#define nf_log_debug(...)                                                                          \
    do {                                                                                           \
        if (nf_log_enabled(NF_LOG_DEBUG)) {                                                        \
            nf_log(NF_LOG_DEBUG, __VA_ARGS__);                                                     \
        }                                                                                          \
    } while (0)

#endif
