/* err.h - error codes shared by every newsflow module.
 *
 * Functions return 0 on success or a negative nf_err; the human-readable detail goes into a
 * caller-supplied errstr buffer. Only a binary's top level decides whether to print or exit.
 */
#ifndef NEWSFLOW_ERR_H
#define NEWSFLOW_ERR_H

#include <stddef.h>

typedef enum nf_err {
    NF_OK = 0,
    NF_ERR_INVALID = -1, /* invalid argument or input (permanent) */
    NF_ERR_NOMEM = -2,   /* allocation failed */
    NF_ERR_IO = -3,      /* file or stream I/O */
    NF_ERR_CONFIG = -4,  /* unknown key, bad value */
    NF_ERR_KAFKA = -5,   /* a librdkafka call failed */
    NF_ERR_LIMIT = -6,   /* a size, depth or time bound was hit */
    NF_ERR_RETRY = -7,   /* transient: try again later */
    NF_ERR_NOENT = -8,   /* not found */
} nf_err_t;

/* Static string naming the error; never NULL. */
const char *nf_strerror(int err);

/* printf into errstr (always NUL-terminated, truncated if needed); returns err for chaining:
 *   return nf_seterr(errstr, errstr_size, NF_ERR_INVALID, "bad %s", what); */
int nf_seterr(char *errstr, size_t errstr_size, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
