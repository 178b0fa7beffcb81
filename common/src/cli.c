/* cli.c - the command line shared by every newsflow binary (see newsflow/cli.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/cli.h"
#include "newsflow/err.h"
#include "newsflow/log.h"

extern char **environ;

static void nf_cli_help(const struct nf_cli *cli, FILE *fp)
{
    fprintf(fp, "Usage: %s %s\n\n", cli->prog, cli->synopsis);
    if (cli->usage) {
        fprintf(fp, "%s\n\n", cli->usage);
    }
    fprintf(fp, "Options:\n"
                "  -c, --config FILE     read \"key = value\" lines from FILE\n"
                "  -X KEY=VALUE          set a property (repeatable); kafka.* go to librdkafka\n"
                "      --list-config     print every property, its value and where it came from\n"
                "  -h, --help            this text\n"
                "  -V, --version         print the version\n");
    for (const struct nf_cli_flag *f = cli->flags; f && f->name; f++) {
        fprintf(fp, "      %-18s%s\n", f->name, f->doc);
    }
    fprintf(fp, "\nPrecedence: defaults < -c FILE < NEWSFLOW_* environment < -X.\n"
                "Environment: NEWSFLOW_<KEY> with '.' as '_' (NEWSFLOW_LOG_LEVEL=debug,\n"
                "NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS=host:9092).\n");
}

int nf_cli_parse(const struct nf_cli *cli, int argc, char **argv, struct nf_conf **confp,
                 int *argi, char *errstr, size_t errstr_size)
{
    *confp = NULL;
    const char *file = NULL;
    int list = 0;
    int err = 0;
    int i;
    /* first pass: find flags, the file and where positional arguments start */
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            nf_cli_help(cli, stdout);
            return NF_CLI_EXIT;
        }
        if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            printf("%s %s\n", cli->prog, NEWSFLOW_VERSION);
            return NF_CLI_EXIT;
        }
        if (strcmp(a, "--list-config") == 0) {
            list = 1;
            continue;
        }
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0 || strcmp(a, "-X") == 0) {
            if (i + 1 >= argc) {
                return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s needs an argument", a);
            }
            if (a[1] != 'X') {
                file = argv[i + 1];
            }
            i++;
            continue;
        }
        int matched = 0;
        for (const struct nf_cli_flag *f = cli->flags; f && f->name; f++) {
            if (strcmp(a, f->name) == 0) {
                *f->set = 1;
                matched = 1;
            }
        }
        if (matched) {
            continue;
        }
        if (a[0] == '-' && a[1] != '\0') {
            return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                             "unknown option \"%s\" (see --help)", a);
        }
        break; /* first positional argument */
    }
    *argi = i;

    struct nf_conf *conf = nf_conf_new(cli->tables);
    if (!conf) {
        return nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
    }
    if (cli->set_defaults && (err = cli->set_defaults(conf, cli->opaque))) {
        nf_seterr(errstr, errstr_size, err, "cannot set defaults: %s", nf_strerror(err));
        goto done;
    }
    if (file && (err = nf_conf_load_file(conf, file, errstr, errstr_size))) {
        goto done;
    }
    if ((err = nf_conf_load_env(conf, environ, errstr, errstr_size))) {
        goto done;
    }
    for (int j = 1; j < *argi; j++) {
        if (strcmp(argv[j], "-c") == 0 || strcmp(argv[j], "--config") == 0) {
            j++;
            continue;
        }
        if (strcmp(argv[j], "-X") != 0) {
            continue;
        }
        const char *kv = argv[++j];
        const char *eq = strchr(kv, '=');
        if (!eq || eq == kv) {
            err = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "-X %s: expected KEY=VALUE", kv);
            goto done;
        }
        char key[256];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
        if ((err = nf_conf_set(conf, key, eq + 1, "-X", errstr, errstr_size))) {
            goto done;
        }
    }
    if (cli->finalize && (err = cli->finalize(conf, cli->opaque))) {
        nf_seterr(errstr, errstr_size, err, "cannot derive settings: %s", nf_strerror(err));
        goto done;
    }
    if (list) {
        nf_conf_print(conf, stdout);
        nf_conf_destroy(conf);
        return NF_CLI_EXIT;
    }
done:
    if (err) {
        nf_conf_destroy(conf);
        return err;
    }
    *confp = conf;
    return NF_CLI_RUN;
}

int nf_cli_start(const struct nf_cli *cli, const char *component, int argc, char **argv,
                 struct nf_conf **confp, int *argi)
{
    char errstr[1024];
    int r = nf_cli_parse(cli, argc, argv, confp, argi, errstr, sizeof(errstr));
    if (r == NF_CLI_EXIT) {
        return 0;
    }
    if (r < 0) {
        fprintf(stderr, "%s: %s\n", cli->prog, errstr);
        return 2;
    }
    nf_log_level_t level = NF_LOG_INFO;
    nf_log_format_t format = NF_LOG_LOGFMT;
    /* both keys are in nf_common_props, which every binary's tables include */
    nf_log_level_parse(nf_conf_get_str(*confp, "log.level"), &level);
    nf_log_format_parse(nf_conf_get_str(*confp, "log.format"), &format);
    nf_log_setup(component, level, format);
    return -1;
}

static volatile sig_atomic_t nf_cli_stop;

static void nf_cli_on_signal(int sig)
{
    (void)sig;
    nf_cli_stop = 1;
}

volatile sig_atomic_t *nf_cli_stop_flag(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = nf_cli_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return &nf_cli_stop;
}
