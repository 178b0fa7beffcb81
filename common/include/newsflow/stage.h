/* stage.h - the contract between a stage and the runner.
 *
 * A stage file holds its helpers and ends with one const descriptor; main() is NF_STAGE_MAIN.
 * The runner (common/src/runner.c) owns everything else: configuration, the consumer and
 * producer, the poll loop, delivery reports, offset commits after delivery, dead-lettering,
 * retries, signals, shutdown, logging, metrics - and the --stdio mode, which feeds the same
 * transform from stdin with no broker.
 */
#ifndef NEWSFLOW_STAGE_H
#define NEWSFLOW_STAGE_H

#include <jansson.h>
#include <stddef.h>

#include "newsflow/conf.h"
#include "newsflow/err.h"

/* Return value of transform(), besides 0 (OK: publish the mutated record):
 *   NF_XFORM_SKIP  drop the record (nothing published), commit its offset;
 *   NF_ERR_RETRY   transient failure: back off and call again (bounded by retry.max, then DLQ);
 *   any other negative nf_err: permanent failure, dead-letter with errstr as the reason. */
#define NF_XFORM_SKIP 1

struct nf_stage {
    const char *name;    /* "clean": log component, default group "newsflow-clean", conf scope */
    const char *version; /* the stage's own version, written into every output's trace */
    const char *input;   /* default input topic */
    const char *output;  /* default output topic */
    const char *const *required; /* NULL-terminated string fields the input must have (besides
                                    "id", which the runner guarantees) */
    const struct nf_prop *props; /* the stage's config table (keys "<name>.*"); may be NULL */

    /* Build the stage state from the final configuration. Returns 0 and sets *statep, or a
     * negative nf_err with errstr filled. Paths in the configuration are relative to the working
     * directory. */
    int (*init)(const struct nf_conf *conf, void **statep, char *errstr, size_t errstr_size);

    /* Turn the input record into the output record, in place: the runner has decoded it,
     * ensured "id" and checked the required fields; it adds "trace" and encodes it afterwards.
     * rec is owned by the runner. The state is shared and must be treated as read-only: the
     * runner may call transform concurrently from several threads. */
    int (*transform)(const void *state, json_t *rec, char *errstr, size_t errstr_size);

    /* Free the state; accepts NULL. */
    void (*destroy)(void *state);
};

/* Run a stage binary: parse the command line, build the configuration, then run either the Kafka
 * loop or the --stdio loop. Returns the process exit code. */
int nf_stage_main(const struct nf_stage *stage, int argc, char **argv);

/* Stage sources are also built into a library for the tests, with NF_STAGE_NO_MAIN defined. */
#ifdef NF_STAGE_NO_MAIN
#define NF_STAGE_MAIN(desc)
#else
#define NF_STAGE_MAIN(desc)                                                                        \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return nf_stage_main(&(desc), argc, argv);                                                 \
    }
#endif

#endif
