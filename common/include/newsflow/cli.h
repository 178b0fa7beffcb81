/* cli.h - the command line every newsflow binary shares:
 *   -c FILE, -X key=value (repeatable), --list-config, --help, --version, and binary-specific
 *   flags. Precedence does not depend on argument order: defaults < -c FILE < env < -X.
 */
#ifndef NEWSFLOW_CLI_H
#define NEWSFLOW_CLI_H

#include <signal.h>
#include <stddef.h>

#include "newsflow/conf.h"

#define NEWSFLOW_VERSION "0.1.0"

/* A binary-specific flag without argument (e.g. "--stdio"); *set becomes 1 when given. */
struct nf_cli_flag {
    const char *name; /* "--stdio" */
    int *set;
    const char *doc;
};

struct nf_cli {
    const char *prog;     /* "newsflow-clean" */
    const char *synopsis; /* one line after the name in --help */
    const char *usage;    /* extra paragraphs for --help (may be NULL) */
    const struct nf_prop *const *tables;
    const struct nf_cli_flag *flags; /* terminated by a NULL name; may be NULL */
    /* Optional: set computed defaults (origin "default") before any source is applied, e.g.
     * group.id = "newsflow-<stage>". Returns 0 or an nf_err. */
    int (*set_defaults)(struct nf_conf *conf, const void *opaque);
    /* Optional: derive values from others once every source is applied (before
     * --list-config prints), e.g. dlq.topic = <input.topic>.dlq when not set. */
    int (*finalize)(struct nf_conf *conf, const void *opaque);
    const void *opaque;
};

/* Outcome of nf_cli_parse. */
enum {
    NF_CLI_RUN = 0,  /* go on: *confp is set, positional args are argv[*argi..argc) */
    NF_CLI_EXIT = 1, /* --help/--version/--list-config printed: exit 0 */
};

/* Parse argv and build the conf. Returns NF_CLI_RUN, NF_CLI_EXIT, or a negative nf_err with
 * errstr filled (the caller prints it and exits 2). *confp is owned by the caller. */
int nf_cli_parse(const struct nf_cli *cli, int argc, char **argv, struct nf_conf **confp,
                 int *argi, char *errstr, size_t errstr_size);

/* The usual start of a binary: nf_cli_parse, errors printed on stderr as "prog: message",
 * then logging set up from log.level / log.format with `component` as its name. Returns -1 when
 * the binary should go on (*confp set, positional args from argv[*argi]), else the exit code to
 * return at once: 0 after --help/--version/--list-config, 2 on a usage error. */
int nf_cli_start(const struct nf_cli *cli, const char *component, int argc, char **argv,
                 struct nf_conf **confp, int *argi);

/* Install SIGINT/SIGTERM handlers that set the returned flag (and ignore SIGPIPE). The flag is
 * process-wide: every call returns the same one. */
volatile sig_atomic_t *nf_cli_stop_flag(void);

#endif
