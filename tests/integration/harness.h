/* harness.h - helpers for the integration tests: a running Kafka broker (real Apache Kafka in
 * CI, address in NEWSFLOW_TEST_BOOTSTRAP), per-test topics, child processes for the stage
 * binaries, and producing / reading records. A test without a broker fails; it never passes
 * silently.
 */
#ifndef NEWSFLOW_TEST_HARNESS_H
#define NEWSFLOW_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The broker address, or fails the test with instructions when NEWSFLOW_TEST_BOOTSTRAP is
 * unset or the broker does not answer. */
const char *h_bootstrap(void);
/* Use another broker from now on (a test's own); NULL goes back to NEWSFLOW_TEST_BOOTSTRAP. */
void h_set_bootstrap(const char *bootstrap);

/* Topic names unique to this run: "<test>-<pid>-<n>-<base>". */
struct h_topics {
    char raw[128], cleaned[128], entities[128], summaries[128];
    char raw_dlq[132], cleaned_dlq[132], entities_dlq[132];
};
/* Only fill in the names (for a broker that creates its topics itself). */
void h_topics_name(struct h_topics *t, const char *test);
/* Create the four pipeline topics and three .dlq topics with `partitions` partitions. */
void h_topics_create(struct h_topics *t, const char *test, int partitions);

/* Start a binary from build/bin with arguments (NULL-terminated); its stdout and stderr go to
 * log_path. Returns the pid. */
pid_t h_spawn(const char *bin, const char *log_path, const char *const *args);
/* cmocka teardown: SIGKILL every child a failed test left running. Use
 * cmocka_unit_test_teardown(test, h_teardown). */
int h_teardown(void **state);
/* Send sig and wait up to timeout_ms; returns the exit status (0..255), 128+signal if killed
 * by a signal, or -1 on timeout (the child is then killed). */
int h_stop(pid_t pid, int sig, int timeout_ms);
/* Is the child still running? */
int h_alive(pid_t pid);

/* Queue one message (value may be binary) on the harness's producer; h_flush() waits until
 * everything queued is delivered and fails the test if anything was not. */
void h_produce(const char *topic, const char *key, const void *value, size_t len);
void h_flush(void);

/* A record read back. */
struct h_msg {
    char *key;
    char *value;
    size_t len;
    char *hdr_error; /* nf.error header, if any */
    char *hdr_class; /* nf.error.class header */
};
struct h_msgs {
    struct h_msg *v;
    size_t n;
};
/* Read topic from the beginning until `want` messages or timeout_ms. */
void h_read(const char *topic, size_t want, int timeout_ms, struct h_msgs *out);
void h_msgs_free(struct h_msgs *m);
/* Number of distinct keys; and whether key occurs. */
size_t h_distinct_keys(const struct h_msgs *m);
int h_has_key(const struct h_msgs *m, const char *key);

/* Start newsflow-<stage> against the test broker, reading `in`, writing `out`, dead letters to
 * `in`.dlq, in consumer group `group`; extra "-X k=v" pairs may follow (NULL-terminated). */
pid_t h_start_stage(const char *stage, const char *in, const char *out, const char *group,
                    const char *log_path, const char *const *extra);

/* Run a binary to completion with arguments; returns its exit status (-1 on timeout). */
int h_run(const char *bin, const char *log_path, const char *const *args, int timeout_ms);

/* HTTP GET http://127.0.0.1:port/path; returns the status code (-1 if unreachable) and the body
 * (malloc'ed, NUL-terminated) in *body. */
int h_http_get(int port, const char *path, char **body);

/* Path of a binary in build/bin. */
const char *h_bin(const char *name, char *buf, size_t n);

#endif
