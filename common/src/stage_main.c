/* stage_main.c - nf_stage_main(): what every stage binary does before and after its loop:
 * command line and configuration, logging, stage init, signals, then the Kafka or --stdio loop.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "newsflow/cli.h"
#include "newsflow/err.h"
#include "newsflow/kafka.h"
#include "newsflow/log.h"
#include "runner_int.h"

static volatile sig_atomic_t nf_stop;

static void nf_on_signal(int sig)
{
    (void)sig;
    nf_stop = 1;
}

static int nf_stage_defaults(struct nf_conf *conf, const void *opaque)
{
    const struct nf_stage *stage = opaque;
    char buf[512];
    int err = nf_conf_set(conf, "input.topic", stage->input, "default", NULL, 0);
    err = err ? err : nf_conf_set(conf, "output.topic", stage->output, "default", NULL, 0);
    snprintf(buf, sizeof(buf), "%s.dlq", stage->input);
    err = err ? err : nf_conf_set(conf, "dlq.topic", buf, "default", NULL, 0);
    snprintf(buf, sizeof(buf), "newsflow-%s", stage->name);
    err = err ? err : nf_conf_set(conf, "group.id", buf, "default", NULL, 0);
    return err ? err : nf_kafka_defaults(conf);
}

int nf_stage_main(const struct nf_stage *stage, int argc, char **argv)
{
    char errstr[1024];
    char prog[128];
    char synopsis[256];
    int use_stdio = 0;
    snprintf(prog, sizeof(prog), "newsflow-%s", stage->name);
    snprintf(synopsis, sizeof(synopsis),
             "[--stdio] [-c FILE] [-X key=value]...\n\n"
             "The %s stage (version %s): consumes %s, produces %s.", stage->name, stage->version,
             stage->input, stage->output);
    const struct nf_cli_flag flags[] = {
        {"--stdio", &use_stdio,
         "read one JSON record per line on stdin, write one line per input on stdout, no "
         "broker"},
        {NULL, NULL, NULL},
    };
    const struct nf_prop *tables[] = {nf_common_props, nf_runner_props, stage->props, NULL};
    const struct nf_cli cli = {
        .prog = prog,
        .synopsis = synopsis,
        .usage = "Each input's offset is committed only after its output (or dead letter) is\n"
                 "acknowledged by the broker. Rejected inputs go to the dead-letter topic with\n"
                 "nf.error* headers. SIGINT/SIGTERM: finish in-flight records, commit, exit 0.",
        .tables = tables,
        .flags = flags,
        .set_defaults = nf_stage_defaults,
        .opaque = stage,
    };
    struct nf_conf *conf = NULL;
    void *state = NULL;
    int argi = 0;
    int rc = 2;
    int r = nf_cli_parse(&cli, argc, argv, &conf, &argi, errstr, sizeof(errstr));
    if (r == NF_CLI_EXIT) {
        return 0;
    }
    if (r < 0) {
        fprintf(stderr, "%s: %s\n", prog, errstr);
        return 2;
    }
    if (argi < argc) {
        fprintf(stderr, "%s: unexpected argument \"%s\" (see --help)\n", prog, argv[argi]);
        goto done;
    }
    nf_log_level_t level = NF_LOG_INFO;
    nf_log_format_t format = NF_LOG_LOGFMT;
    nf_log_level_parse(nf_conf_get_str(conf, "log.level"), &level);
    nf_log_format_parse(nf_conf_get_str(conf, "log.format"), &format);
    nf_log_setup(stage->name, level, format);

    if (stage->init && stage->init(conf, &state, errstr, sizeof(errstr)) != 0) {
        nf_log_error("init failed: %s", errstr);
        goto done;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = nf_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = use_stdio ? nf_runner_run_stdio(stage, conf, state, &nf_stop)
                   : nf_runner_run_kafka(stage, conf, state, &nf_stop);
done:
    if (stage->destroy) {
        stage->destroy(state);
    }
    nf_conf_destroy(conf);
    return rc;
}
