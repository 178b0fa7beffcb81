/* record.h - the record codec: one JSON object per Kafka message (UTF-8), key = record "id".
 *
 * The runner decodes every input with nf_record_decode, the stage mutates the object into its
 * output, and the runner encodes it back. Schemas for each topic live in config/schemas/.
 */
#ifndef NEWSFLOW_RECORD_H
#define NEWSFLOW_RECORD_H

#include <jansson.h>
#include <stddef.h>

#define NF_ID_MAX 256 /* ids longer than this (in bytes) are rejected */

/* Decode buf (len bytes, not NUL-terminated) into a JSON object. Rejects: more than max_bytes
 * (0 = no limit), invalid JSON or UTF-8, NUL characters, nesting deeper than jansson's bound,
 * anything but an object. On success *out is a new reference owned by the caller. */
int nf_record_decode(const char *buf, size_t len, size_t max_bytes, json_t **out, char *errstr,
                     size_t errstr_size);

/* Compact JSON, UTF-8 kept as is, keys in insertion order. Returns a malloc'ed string (caller
 * frees with free()) and its length in *lenp, or NULL on allocation failure. */
char *nf_record_encode(const json_t *rec, size_t *lenp);

/* Borrowed string value of a field, or NULL if absent or not a string. */
const char *nf_record_str(const json_t *rec, const char *field);

/* Each named field must be present and a string: NF_ERR_INVALID naming the first that is not. */
int nf_record_require(const json_t *rec, const char *const *fields, char *errstr,
                      size_t errstr_size);

/* Make sure rec has a usable string "id": keep a valid one, else derive it from "url"
 * deterministically (nf_record_id_from_url), else fail. An id must be 1..NF_ID_MAX bytes with no
 * control characters. */
int nf_record_ensure_id(json_t *rec, char *errstr, size_t errstr_size);

/* "u" + 16 lower-case hex digits of the FNV-1a 64 hash of the URL; out holds >= 18 bytes. */
void nf_record_id_from_url(const char *url, char *out, size_t out_size);

/* Set field to a new string value (copied; invalid UTF-8 is repaired). Returns 0 or error. */
int nf_record_set_str(json_t *rec, const char *field, const char *value);
int nf_record_set_strn(json_t *rec, const char *field, const char *value, size_t len);

#endif
