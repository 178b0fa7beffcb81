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

/* The dead-letter topic follows the input topic unless set itself. */
static int nf_stage_finalize(struct nf_conf *conf, const void *opaque)
{
    (void)opaque;
    if (strcmp(nf_conf_origin(conf, "dlq.topic"), "default") != 0) {
        return 0;
    }
    char buf[512];
    snprintf(buf, sizeof(buf), "%s.dlq", nf_conf_get_str(conf, "input.topic"));
    return nf_conf_set(conf, "dlq.topic", buf, "default", NULL, 0);
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
        .finalize = nf_stage_finalize,
        .opaque = stage,
    };
    struct nf_conf *conf = NULL;
    void *state = NULL;
    int argi = 0;
    int rc = 2;
    int r = nf_cli_start(&cli, stage->name, argc, argv, &conf, &argi);
    if (r >= 0) {
        return r;
    }
    if (argi < argc) {
        fprintf(stderr, "%s: unexpected argument \"%s\" (see --help)\n", prog, argv[argi]);
        goto done;
    }
    if (stage->init && stage->init(conf, &state, errstr, sizeof(errstr)) != 0) {
        nf_log_error("init failed: %s", errstr);
        goto done;
    }
    volatile sig_atomic_t *stop = nf_cli_stop_flag();
    rc = use_stdio ? nf_runner_run_stdio(stage, conf, state, stop)
                   : nf_runner_run_kafka(stage, conf, state, stop);
done:
    if (stage->destroy) {
        stage->destroy(state);
    }
    nf_conf_destroy(conf);
    return rc;
}
