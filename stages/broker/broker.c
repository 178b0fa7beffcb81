/* broker.c - newsflow-broker: an embedded Kafka "cluster" for the demo and for development,
 * using librdkafka's built-in mock cluster on 127.0.0.1, so the pipeline runs on a machine with
 * no Kafka installed. It creates the pipeline's topics (and their .dlq topics), prints the
 * bootstrap address and serves until SIGINT/SIGTERM.
 *
 * The mock cluster listens on ephemeral ports; --port P adds a plain TCP forwarder on
 * 127.0.0.1:P to it, so clients can bootstrap from a fixed address (they then talk to the
 * brokers at the addresses the cluster advertises, which are also on 127.0.0.1).
 * Limits of the mock (librdkafka 2.0.2): no CreateTopics API, no transactions' read_committed
 * filtering, no ListOffsets by timestamp, first group join waits ~3 s. Not for production.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "newsflow/cli.h"
#include "newsflow/err.h"
#include "newsflow/log.h"

#define NF_BROKER_MAX_CONNS 256

static const struct nf_prop broker_props[] = {
    {"broker.port", NF_PROP_INT, "0", 0, 65535, NULL,
     "fixed bootstrap port on 127.0.0.1 (0: only the mock's ephemeral port)"},
    {"broker.partitions", NF_PROP_INT, "3", 1, 1000, NULL, "partitions per topic"},
    {"broker.topics", NF_PROP_STR, "raw-html,cleaned,entities,summaries", 0, 0, NULL,
     "comma-separated topics to create; each also gets a <topic>.dlq"},
    {"broker.bootstrap_file", NF_PROP_STR, NULL, 0, 0, NULL,
     "write the bootstrap address to this file once ready (removed on exit)"},
    {"broker.slow_rtt_ms", NF_PROP_INT, "1500", 0, 600000, NULL,
     "fault injection: round-trip time of every request while slow (SIGUSR1 toggles slow)"},
    NF_PROP_END,
};

/* Set when the forwarder threads must end (on shutdown). */
static volatile sig_atomic_t broker_stop;

/* Fault injection for tests and experiments: SIGUSR1 toggles a slow broker (every request
 * answered after broker.slow_rtt_ms), SIGUSR2 toggles the broker down (connections refused). */
static volatile sig_atomic_t broker_toggle_slow;
static volatile sig_atomic_t broker_toggle_down;

static void broker_on_usr(int sig)
{
    if (sig == SIGUSR1) {
        broker_toggle_slow = 1;
    } else {
        broker_toggle_down = 1;
    }
}

/* The forwarder: one thread accepts; each connection gets a thread copying both ways. */
struct fwd {
    int listen_fd;
    struct sockaddr_in target;
    int active;
    pthread_mutex_t lock;
};

struct fwd_conn {
    struct fwd *fwd;
    int a;
    int b;
};

static void *fwd_conn_main(void *arg)
{
    struct fwd_conn *c = arg;
    char buf[65536];
    struct pollfd p[2] = {{c->a, POLLIN, 0}, {c->b, POLLIN, 0}};
    while (!broker_stop) {
        int n = poll(p, 2, 500);
        if (n < 0 && errno != EINTR) {
            break;
        }
        int closed = 0;
        for (int i = 0; i < 2 && n > 0; i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            ssize_t r = read(p[i].fd, buf, sizeof(buf));
            if (r <= 0) {
                closed = 1;
                break;
            }
            for (ssize_t off = 0; off < r;) {
                ssize_t w = write(p[1 - i].fd, buf + off, (size_t)(r - off));
                if (w <= 0) {
                    closed = 1;
                    break;
                }
                off += w;
            }
        }
        if (closed) {
            break;
        }
    }
    close(c->a);
    close(c->b);
    pthread_mutex_lock(&c->fwd->lock);
    c->fwd->active--;
    pthread_mutex_unlock(&c->fwd->lock);
    free(c);
    return NULL;
}

static void *fwd_accept_main(void *arg)
{
    struct fwd *f = arg;
    while (!broker_stop) {
        struct pollfd p = {f->listen_fd, POLLIN, 0};
        if (poll(&p, 1, 500) <= 0) {
            continue;
        }
        int a = accept(f->listen_fd, NULL, NULL);
        if (a < 0) {
            continue;
        }
        pthread_mutex_lock(&f->lock);
        int full = f->active >= NF_BROKER_MAX_CONNS;
        pthread_mutex_unlock(&f->lock);
        int b = full ? -1 : socket(AF_INET, SOCK_STREAM, 0);
        if (b < 0 || connect(b, (struct sockaddr *)&f->target, sizeof(f->target)) != 0) {
            nf_log_warn("forwarder: dropping a connection (%s)",
                        full ? "too many connections" : strerror(errno));
            close(a);
            if (b >= 0) {
                close(b);
            }
            continue;
        }
        struct fwd_conn *c = malloc(sizeof(*c));
        pthread_t t;
        if (!c) {
            close(a);
            close(b);
            continue;
        }
        *c = (struct fwd_conn){f, a, b};
        pthread_mutex_lock(&f->lock);
        f->active++;
        pthread_mutex_unlock(&f->lock);
        if (pthread_create(&t, NULL, fwd_conn_main, c) != 0) {
            pthread_mutex_lock(&f->lock);
            f->active--;
            pthread_mutex_unlock(&f->lock);
            close(a);
            close(b);
            free(c);
            continue;
        }
        pthread_detach(t);
    }
    return NULL;
}

/* Listen on 127.0.0.1:port and forward to the first mock bootstrap address. */
static int fwd_start(struct fwd *f, int port, const char *bootstraps, pthread_t *thr, char *errstr,
                     size_t errstr_size)
{
    char host[64];
    int tport = 0;
    if (sscanf(bootstraps, "%63[^:]:%d", host, &tport) != 2) {
        return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "cannot parse %s", bootstraps);
    }
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->lock, NULL);
    f->target.sin_family = AF_INET;
    f->target.sin_port = htons((uint16_t)tport);
    inet_pton(AF_INET, host, &f->target.sin_addr);
    f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (f->listen_fd < 0 || bind(f->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(f->listen_fd, 64) != 0) {
        int e = errno;
        if (f->listen_fd >= 0) {
            close(f->listen_fd);
        }
        return nf_seterr(errstr, errstr_size, NF_ERR_IO, "cannot listen on 127.0.0.1:%d: %s",
                         port, strerror(e));
    }
    if (pthread_create(thr, NULL, fwd_accept_main, f) != 0) {
        close(f->listen_fd);
        return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "cannot start forwarder thread");
    }
    return 0;
}

int main(int argc, char **argv)
{
    char errstr[1024];
    const struct nf_prop *tables[] = {nf_common_props, broker_props, NULL};
    const struct nf_cli cli = {
        .prog = "newsflow-broker",
        .synopsis = "[-c FILE] [-X key=value]...",
        .usage = "Runs librdkafka's mock Kafka cluster on 127.0.0.1 for demos and development,\n"
                 "creates the pipeline's topics and their .dlq topics, prints the bootstrap\n"
                 "address and serves until SIGINT/SIGTERM. Example:\n"
                 "  newsflow-broker -X broker.port=9092 -X broker.partitions=6\n"
                 "Fault injection: SIGUSR1 toggles a slow broker (broker.slow_rtt_ms per\n"
                 "request), SIGUSR2 toggles the broker down and up.",
        .tables = tables,
    };
    struct nf_conf *conf = NULL;
    int argi = 0;
    int r = nf_cli_start(&cli, "broker", argc, argv, &conf, &argi);
    if (r >= 0) {
        return r;
    }
    int rc = 1;
    rd_kafka_t *rk = NULL;
    rd_kafka_mock_cluster_t *mc = NULL;
    pthread_t fwd_thr;
    int fwd_running = 0;
    struct fwd fwd;
    const char *bfile = nf_conf_get_str(conf, "broker.bootstrap_file");

    /* the mock cluster lives inside a client handle; any handle type will do */
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    rd_kafka_conf_set(kc, "log_level", "3", NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, errstr, sizeof(errstr));
    if (!rk) {
        rd_kafka_conf_destroy(kc);
        nf_log_error("cannot create client: %s", errstr);
        goto done;
    }
    if (!(mc = rd_kafka_mock_cluster_new(rk, 1))) {
        nf_log_error("cannot create the mock cluster");
        goto done;
    }
    int parts = (int)nf_conf_get_int(conf, "broker.partitions");
    char *topics = strdup(nf_conf_get_str(conf, "broker.topics"));
    int ntopics = 0;
    for (char *save = NULL, *t = strtok_r(topics, ", ", &save); t;
         t = strtok_r(NULL, ", ", &save)) {
        char dlq[512];
        snprintf(dlq, sizeof(dlq), "%s.dlq", t);
        if (rd_kafka_mock_topic_create(mc, t, parts, 1) ||
            rd_kafka_mock_topic_create(mc, dlq, parts, 1)) {
            nf_log_error("cannot create topic %s", t);
            free(topics);
            goto done;
        }
        ntopics += 2;
    }
    free(topics);
    const char *bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
    char addr[256];
    snprintf(addr, sizeof(addr), "%s", bootstraps);
    int port = (int)nf_conf_get_int(conf, "broker.port");
    if (port) {
        if (fwd_start(&fwd, port, bootstraps, &fwd_thr, errstr, sizeof(errstr)) != 0) {
            nf_log_error("%s", errstr);
            goto done;
        }
        fwd_running = 1;
        snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    }
    nf_log_info("mock cluster ready: %d topics with %d partitions, bootstrap %s", ntopics, parts,
                addr);
    printf("%s\n", addr);
    fflush(stdout);
    if (bfile) {
        /* write-then-rename so a reader never sees a half-written address */
        char tmp[1024];
        snprintf(tmp, sizeof(tmp), "%s.tmp", bfile);
        FILE *fp = fopen(tmp, "w");
        if (!fp || fprintf(fp, "%s\n", addr) < 0 || fclose(fp) != 0 || rename(tmp, bfile) != 0) {
            nf_log_error("cannot write %s: %s", bfile, strerror(errno));
            goto done;
        }
    }
    volatile sig_atomic_t *stop = nf_cli_stop_flag();
    struct sigaction usr;
    memset(&usr, 0, sizeof(usr));
    usr.sa_handler = broker_on_usr;
    sigaction(SIGUSR1, &usr, NULL);
    sigaction(SIGUSR2, &usr, NULL);
    int slow = 0;
    int down = 0;
    while (!*stop) {
        usleep(100 * 1000);
        if (broker_toggle_slow) {
            broker_toggle_slow = 0;
            slow = !slow;
            int rtt = slow ? (int)nf_conf_get_int(conf, "broker.slow_rtt_ms") : 0;
            rd_kafka_resp_err_t e = rd_kafka_mock_broker_set_rtt(mc, -1, rtt);
            nf_log_info("fault injection: broker %s (rtt %d ms)%s", slow ? "slow" : "normal", rtt,
                        e ? rd_kafka_err2str(e) : "");
        }
        if (broker_toggle_down) {
            broker_toggle_down = 0;
            down = !down;
            rd_kafka_resp_err_t e = down ? rd_kafka_mock_broker_set_down(mc, -1)
                                         : rd_kafka_mock_broker_set_up(mc, -1);
            nf_log_info("fault injection: broker %s%s", down ? "down" : "up",
                        e ? rd_kafka_err2str(e) : "");
        }
    }
    nf_log_info("stopping");
    rc = 0;
done:
    broker_stop = 1;
    if (fwd_running) {
        pthread_join(fwd_thr, NULL);
        close(fwd.listen_fd);
        /* connection threads notice broker_stop within 500 ms */
        for (int i = 0; i < 20; i++) {
            pthread_mutex_lock(&fwd.lock);
            int active = fwd.active;
            pthread_mutex_unlock(&fwd.lock);
            if (!active) {
                break;
            }
            usleep(100 * 1000);
        }
    }
    if (bfile) {
        unlink(bfile);
    }
    if (mc) {
        rd_kafka_mock_cluster_destroy(mc);
    }
    if (rk) {
        rd_kafka_destroy(rk);
    }
    nf_conf_destroy(conf);
    return rc;
}
