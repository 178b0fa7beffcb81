/* runner_int.h - private to the runner: the pieces shared by the Kafka loop (runner.c), the
 * --stdio loop (stdio.c) and the binary entry point (stage_main.c). Stages never include it.
 */
#ifndef NEWSFLOW_RUNNER_INT_H
#define NEWSFLOW_RUNNER_INT_H

#include <jansson.h>
#include <signal.h>
#include <stdint.h>

#include "newsflow/conf.h"
#include "newsflow/record.h"
#include "newsflow/stage.h"

/* The runner's configuration table (keys without a stage prefix). */
extern const struct nf_prop nf_runner_props[];

/* Where an input came from, for the trace and the dead-letter headers. */
struct nf_source {
    const char *topic;
    int32_t partition;
    int64_t offset;
};

/* What happened to one input. */
enum nf_outcome {
    NF_OUT_PUBLISH = 0, /* *out holds the encoded output record */
    NF_OUT_SKIP,        /* transform asked to drop it */
    NF_OUT_DEAD,        /* reason/class filled: dead-letter it */
    NF_OUT_ABANDON,     /* shutting down mid-retry: neither publish nor commit */
};

struct nf_processor {
    const struct nf_stage *stage;
    const void *state;
    size_t max_record_bytes;
    int retry_max;
    int retry_backoff_ms;
    int retry_backoff_max_ms;
    volatile sig_atomic_t *stop; /* polled during retry back-off */
    const char *trace_label;     /* trace.label, or NULL */
};

/* Result of nf_process(); out (malloc'ed) belongs to the caller. */
struct nf_processed {
    enum nf_outcome outcome;
    char *out;
    size_t out_len;
    char id[NF_ID_MAX + 1]; /* the record id when known, else "" */
    const char *err_class;  /* "decode" | "validate" | "transform" | "retries" */
    char reason[512];
    double ms;   /* processing time */
    int retries; /* transient failures retried */
};

/* Decode, validate, transform (with retries) and encode one input; appends the trace entry. */
void nf_process(const struct nf_processor *p, const char *buf, size_t len,
                const struct nf_source *src, struct nf_processed *res);

/* The two loops; both return a process exit code. */
int nf_runner_run_kafka(const struct nf_stage *stage, struct nf_conf *conf, void *state,
                        volatile sig_atomic_t *stop);
int nf_runner_run_stdio(const struct nf_stage *stage, struct nf_conf *conf, void *state,
                        volatile sig_atomic_t *stop);

/* Fill a processor from the configuration. */
void nf_processor_init(struct nf_processor *p, const struct nf_stage *stage,
                       const struct nf_conf *conf, const void *state,
                       volatile sig_atomic_t *stop);

#endif
