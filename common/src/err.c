/* err.c - nf_err names and the errstr helper used across libnewsflow. */
#include <stdarg.h>
#include <stdio.h>

#include "newsflow/err.h"

const char *nf_strerror(int err)
{
    switch (err) {
    case NF_OK:
        return "success";
    case NF_ERR_INVALID:
        return "invalid input";
    case NF_ERR_NOMEM:
        return "out of memory";
    case NF_ERR_IO:
        return "I/O error";
    case NF_ERR_CONFIG:
        return "configuration error";
    case NF_ERR_KAFKA:
        return "Kafka error";
    case NF_ERR_LIMIT:
        return "limit exceeded";
    case NF_ERR_RETRY:
        return "transient failure";
    case NF_ERR_NOENT:
        return "not found";
    default:
        return "unknown error";
    }
}

int nf_seterr(char *errstr, size_t errstr_size, int err, const char *fmt, ...)
{
    if (errstr && errstr_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
    }
    return err;
}
