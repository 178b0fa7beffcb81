/* harness.c - see harness.h. Uses librdkafka directly (not the runner) so that the tests
 * observe the pipeline from outside, as a user's consumer would.
 */
#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "newsflow/kafka.h"
#include "newsflow/util.h"

static int h_counter;
static void h_producer_destroy_now(void);

/* children started by h_spawn and not yet stopped: killed by h_teardown if a test fails */
#define H_MAX_CHILDREN 64
static pid_t h_children[H_MAX_CHILDREN];

static void h_child_forget(pid_t pid)
{
    for (int i = 0; i < H_MAX_CHILDREN; i++) {
        if (h_children[i] == pid) {
            h_children[i] = 0;
        }
    }
}

int h_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < H_MAX_CHILDREN; i++) {
        if (h_children[i] > 0) {
            kill(h_children[i], SIGKILL);
            waitpid(h_children[i], NULL, 0);
            h_children[i] = 0;
        }
    }
    return 0;
}

static char h_override[256];

void h_set_bootstrap(const char *bootstrap)
{
    snprintf(h_override, sizeof(h_override), "%s", bootstrap ? bootstrap : "");
    h_producer_destroy_now();
}

const char *h_bootstrap(void)
{
    static char checked[256];
    const char *b = h_override[0] ? h_override : getenv("NEWSFLOW_TEST_BOOTSTRAP");
    if (!b || !*b) {
        fail_msg("NEWSFLOW_TEST_BOOTSTRAP is not set: integration tests need a running broker "
                 "(deploy/kafka.sh start, or run the suite with deploy/test.sh)");
    }
    if (strcmp(checked, b) == 0) {
        return b;
    }
    char err[512];
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    rd_kafka_conf_set(kc, "bootstrap.servers", b, NULL, 0);
    rd_kafka_conf_set(kc, "log_level", "0", NULL, 0);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, err, sizeof(err));
    assert_non_null(rk);
    int rc = nf_kafka_wait_ready(rk, 30000, err, sizeof(err));
    rd_kafka_destroy(rk);
    if (rc) {
        fail_msg("broker %s does not answer: %s", b, err);
    }
    snprintf(checked, sizeof(checked), "%s", b);
    return b;
}

static rd_kafka_t *h_client(rd_kafka_type_t type, const char *group)
{
    char err[512];
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    rd_kafka_conf_set(kc, "bootstrap.servers", h_bootstrap(), NULL, 0);
    rd_kafka_conf_set(kc, "log_level", "3", NULL, 0);
    if (type == RD_KAFKA_CONSUMER) {
        rd_kafka_conf_set(kc, "group.id", group, NULL, 0);
        rd_kafka_conf_set(kc, "enable.auto.commit", "false", NULL, 0);
    } else {
        rd_kafka_conf_set(kc, "message.max.bytes", "16777216", NULL, 0);
        rd_kafka_conf_set(kc, "partitioner", "murmur2_random", NULL, 0);
    }
    rd_kafka_t *rk = rd_kafka_new(type, kc, err, sizeof(err));
    if (!rk) {
        fail_msg("rd_kafka_new: %s", err);
    }
    return rk;
}

void h_topics_name(struct h_topics *t, const char *test)
{
    char prefix[96];
    snprintf(prefix, sizeof(prefix), "%s-%d-%d-%ld", test, (int)getpid(), ++h_counter,
             (long)(time(NULL) % 100000));
    snprintf(t->raw, sizeof(t->raw), "%s-raw-html", prefix);
    snprintf(t->cleaned, sizeof(t->cleaned), "%s-cleaned", prefix);
    snprintf(t->entities, sizeof(t->entities), "%s-entities", prefix);
    snprintf(t->summaries, sizeof(t->summaries), "%s-summaries", prefix);
    snprintf(t->raw_dlq, sizeof(t->raw_dlq), "%s.dlq", t->raw);
    snprintf(t->cleaned_dlq, sizeof(t->cleaned_dlq), "%s.dlq", t->cleaned);
    snprintf(t->entities_dlq, sizeof(t->entities_dlq), "%s.dlq", t->entities);
}

void h_topics_create(struct h_topics *t, const char *test, int partitions)
{
    h_topics_name(t, test);
    const char *names[] = {t->raw,     t->cleaned,     t->entities,    t->summaries,
                           t->raw_dlq, t->cleaned_dlq, t->entities_dlq};
    rd_kafka_t *rk = h_client(RD_KAFKA_PRODUCER, NULL);
    char err[512];
    int rc = nf_kafka_create_topics(rk, names, 7, partitions, 1, 30000, err, sizeof(err));
    rd_kafka_destroy(rk);
    if (rc) {
        fail_msg("creating topics: %s", err);
    }
}

const char *h_bin(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", NF_BIN_DIR, name);
    return buf;
}

pid_t h_spawn(const char *bin, const char *log_path, const char *const *args)
{
    char path[1024];
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)h_bin(bin, path, sizeof(path));
    for (size_t i = 0; args && args[i] && argc < 63; i++) {
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *lf = fopen(log_path, "a");
        if (lf) {
            dup2(fileno(lf), 1);
            dup2(fileno(lf), 2);
        }
        execv(path, argv);
        _exit(127);
    }
    for (int i = 0; i < H_MAX_CHILDREN; i++) {
        if (h_children[i] == 0) {
            h_children[i] = pid;
            break;
        }
    }
    return pid;
}

int h_alive(pid_t pid)
{
    int st;
    return waitpid(pid, &st, WNOHANG) == 0;
}

int h_stop(pid_t pid, int sig, int timeout_ms)
{
    int st = 0;
    kill(pid, sig);
    int64_t deadline = nf_mono_ms() + timeout_ms;
    while (nf_mono_ms() < deadline) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            h_child_forget(pid);
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        usleep(50 * 1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    h_child_forget(pid);
    return -1;
}

static int h_delivered;
static int h_failed;
static rd_kafka_t *h_producer;

static void h_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) {
        fprintf(stderr, "harness: delivery failed: %s\n", rd_kafka_err2str(m->err));
        h_failed++;
    } else {
        h_delivered++;
    }
}

static void h_producer_destroy_now(void)
{
    if (h_producer) {
        rd_kafka_destroy(h_producer); /* a test switching brokers: drop the old client */
        h_producer = NULL;
    }
}

static void h_producer_destroy(void)
{
    if (h_producer) {
        rd_kafka_flush(h_producer, 10000);
        rd_kafka_destroy(h_producer);
        h_producer = NULL;
    }
}

void h_produce(const char *topic, const char *key, const void *value, size_t len)
{
    char err[512];
    if (!h_producer) {
        rd_kafka_conf_t *kc = rd_kafka_conf_new();
        rd_kafka_conf_set(kc, "bootstrap.servers", h_bootstrap(), NULL, 0);
        rd_kafka_conf_set(kc, "message.max.bytes", "16777216", NULL, 0);
        rd_kafka_conf_set(kc, "partitioner", "murmur2_random", NULL, 0);
        rd_kafka_conf_set(kc, "enable.idempotence", "true", NULL, 0);
        rd_kafka_conf_set_dr_msg_cb(kc, h_dr);
        h_producer = rd_kafka_new(RD_KAFKA_PRODUCER, kc, err, sizeof(err));
        assert_non_null(h_producer);
        atexit(h_producer_destroy);
    }
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            h_producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, key ? strlen(key) : 0),
            RD_KAFKA_V_VALUE((void *)value, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(h_producer, 100);
            continue;
        }
        assert_int_equal(e, RD_KAFKA_RESP_ERR_NO_ERROR);
        break;
    }
    rd_kafka_poll(h_producer, 0);
}

void h_flush(void)
{
    if (h_producer) {
        assert_int_equal(rd_kafka_flush(h_producer, 60000), RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    assert_int_equal(h_failed, 0);
}

static char *h_strndup(const void *p, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    if (n) {
        memcpy(s, p, n);
    }
    s[n] = '\0';
    return s;
}

void h_read(const char *topic, size_t want, int timeout_ms, struct h_msgs *out)
{
    memset(out, 0, sizeof(*out));
    char group[128];
    snprintf(group, sizeof(group), "harness-%d-%d", (int)getpid(), ++h_counter);
    rd_kafka_t *rk = h_client(RD_KAFKA_CONSUMER, group);
    rd_kafka_poll_set_consumer(rk);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    assert_int_equal(rd_kafka_metadata(rk, 0, rkt, &md, 10000), 0);
    rd_kafka_topic_destroy(rkt);
    assert_int_equal(md->topic_cnt, 1);
    rd_kafka_topic_partition_list_t *parts =
        rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
    for (int i = 0; i < md->topics[0].partition_cnt; i++) {
        rd_kafka_topic_partition_list_add(parts, topic, md->topics[0].partitions[i].id)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_metadata_destroy(md);
    assert_int_equal(rd_kafka_assign(rk, parts), 0);
    rd_kafka_topic_partition_list_destroy(parts);
    size_t cap = 0;
    int64_t deadline = nf_mono_ms() + timeout_ms;
    while (out->n < want && nf_mono_ms() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        if (!m) {
            continue;
        }
        if (!m->err) {
            if (out->n == cap) {
                cap = cap ? cap * 2 : 64;
                out->v = realloc(out->v, cap * sizeof(*out->v));
                assert_non_null(out->v);
            }
            struct h_msg *hm = &out->v[out->n++];
            memset(hm, 0, sizeof(*hm));
            hm->key = h_strndup(m->key, m->key_len);
            hm->value = h_strndup(m->payload, m->len);
            hm->len = m->len;
            rd_kafka_headers_t *hdrs = NULL;
            const void *v;
            size_t vlen;
            if (rd_kafka_message_headers(m, &hdrs) == 0) {
                if (rd_kafka_header_get_last(hdrs, "nf.error", &v, &vlen) == 0) {
                    hm->hdr_error = h_strndup(v, vlen);
                }
                if (rd_kafka_header_get_last(hdrs, "nf.error.class", &v, &vlen) == 0) {
                    hm->hdr_class = h_strndup(v, vlen);
                }
            }
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

void h_msgs_free(struct h_msgs *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].key);
        free(m->v[i].value);
        free(m->v[i].hdr_error);
        free(m->v[i].hdr_class);
    }
    free(m->v);
    memset(m, 0, sizeof(*m));
}

int h_has_key(const struct h_msgs *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->v[i].key, key) == 0) {
            return 1;
        }
    }
    return 0;
}

size_t h_distinct_keys(const struct h_msgs *m)
{
    size_t d = 0;
    for (size_t i = 0; i < m->n; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) {
            dup = strcmp(m->v[i].key, m->v[j].key) == 0;
        }
        d += !dup;
    }
    return d;
}

pid_t h_start_stage(const char *stage, const char *in, const char *out, const char *group,
                    const char *log_path, const char *const *extra)
{
    static char a[8][600];
    char bin[64];
    const char *args[40];
    int n = 0;
    snprintf(bin, sizeof(bin), "newsflow-%s", stage);
    snprintf(a[0], sizeof(a[0]), "kafka.bootstrap.servers=%s", h_bootstrap());
    snprintf(a[1], sizeof(a[1]), "input.topic=%s", in);
    snprintf(a[2], sizeof(a[2]), "output.topic=%s", out);
    snprintf(a[3], sizeof(a[3]), "dlq.topic=%s.dlq", in);
    snprintf(a[4], sizeof(a[4]), "group.id=%s", group);
    for (int i = 0; i < 5; i++) {
        args[n++] = "-X";
        args[n++] = a[i];
    }
    for (size_t i = 0; extra && extra[i] && n < 38; i++) {
        args[n++] = "-X";
        args[n++] = extra[i];
    }
    args[n] = NULL;
    return h_spawn(bin, log_path, args);
}

int h_run(const char *bin, const char *log_path, const char *const *args, int timeout_ms)
{
    pid_t pid = h_spawn(bin, log_path, args);
    int st = 0;
    int64_t deadline = nf_mono_ms() + timeout_ms;
    while (nf_mono_ms() < deadline) {
        if (waitpid(pid, &st, WNOHANG) == pid) {
            h_child_forget(pid);
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        usleep(50 * 1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    h_child_forget(pid);
    return -1;
}

int h_http_get(int port, const char *path, char **body)
{
    *body = NULL;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    char req[512];
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);
    if (write(fd, req, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    struct nf_buf b = {0};
    char chunk[4096];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof(chunk))) > 0) {
        nf_buf_append(&b, chunk, (size_t)r);
    }
    close(fd);
    int status = -1;
    if (!b.data || sscanf(b.data, "HTTP/1.%*d %d", &status) != 1) {
        nf_buf_free(&b);
        return -1;
    }
    const char *sep = strstr(b.data, "\r\n\r\n");
    *body = strdup(sep ? sep + 4 : "");
    nf_buf_free(&b);
    return status;
}
