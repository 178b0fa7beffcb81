/* replay.c - newsflow-replay: move a stage's consumer group to another point of its input topic,
 * like kafka-consumer-groups.sh --reset-offsets, so that the stage reprocesses (or skips) records.
 *
 * Computes, per partition, the new offset from one spec (earliest, latest, a time, a shift or an
 * explicit offset), clamps it to the partition's watermarks and prints the plan: current offset,
 * new offset, lag before and after. Nothing changes without --execute, and --execute refuses
 * while the group has members. --into-group writes the plan into another (inactive) group
 * instead, leaving the live group alone.
 */
/* timegm: _GNU_SOURCE comes from the build */
#include <errno.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "groups.h"
#include "newsflow/cli.h"
#include "newsflow/err.h"
#include "newsflow/kafka.h"
#include "newsflow/log.h"

#define REPLAY_MAX_PARTS 4096
#define REPLAY_EXIT_REFUSED 3

static const struct nf_prop replay_props[] = {
    {"replay.stage", NF_PROP_STR, NULL, 0, 0, NULL,
     "clean|entities|summarize: group newsflow-<stage> on the stage's input topic"},
    {"replay.group", NF_PROP_STR, NULL, 0, 0, NULL, "consumer group to reset"},
    {"replay.topic", NF_PROP_STR, NULL, 0, 0, NULL,
     "topic, or topic:0,1,2 for some partitions (default: the stage's input)"},
    {"replay.into_group", NF_PROP_STR, NULL, 0, 0, NULL,
     "write the new offsets into this group instead (source group untouched)"},
    {"replay.to_earliest", NF_PROP_BOOL, "false", 0, 0, NULL, "spec: the low watermark"},
    {"replay.to_latest", NF_PROP_BOOL, "false", 0, 0, NULL, "spec: the high watermark"},
    {"replay.to_datetime", NF_PROP_STR, NULL, 0, 0, NULL,
     "spec: first record at or after this RFC 3339 time (2026-01-01T00:00:00Z)"},
    {"replay.shift_by", NF_PROP_STR, NULL, 0, 0, NULL,
     "spec: committed offset + N (negative: back)"},
    {"replay.to_offset", NF_PROP_STR, NULL, 0, 0, NULL, "spec: this offset"},
    {"replay.timeout_ms", NF_PROP_INT, "30000", 100, 600000, NULL,
     "timeout of each request to the cluster"},
    NF_PROP_END,
};

/* --flag VALUE (or --flag=VALUE) and --flag shortcuts, rewritten into -X key=value */
static const struct {
    const char *flag;
    const char *key;
    int takes_value;
} replay_flags[] = {
    {"--stage", "replay.stage", 1},
    {"--group", "replay.group", 1},
    {"--topic", "replay.topic", 1},
    {"--into-group", "replay.into_group", 1},
    {"--to-earliest", "replay.to_earliest", 0},
    {"--to-latest", "replay.to_latest", 0},
    {"--to-datetime", "replay.to_datetime", 1},
    {"--shift-by", "replay.shift_by", 1},
    {"--to-offset", "replay.to_offset", 1},
};
#define REPLAY_NFLAGS (sizeof(replay_flags) / sizeof(replay_flags[0]))

static const char replay_usage[] =
    "Resets a consumer group's committed offsets so that a stage reprocesses its input (like\n"
    "kafka-consumer-groups.sh --reset-offsets). Dry run by default: prints, per partition,\n"
    "the topic, partition, current committed offset, new offset and lag (high watermark -\n"
    "offset) before and after, and changes nothing.\n"
    "\n"
    "Which group and topic:\n"
    "  --stage NAME          clean|entities|summarize: group newsflow-NAME on the stage's\n"
    "                        input topic (raw-html, cleaned, entities)\n"
    "  --group G             the consumer group (overrides the one --stage implies)\n"
    "  --topic T[:P,P...]    the topic, optionally only some partitions (T:0,2)\n"
    "Exactly one spec:\n"
    "  --to-earliest         each partition's low watermark: reprocess everything kept\n"
    "  --to-latest           each partition's high watermark: skip everything so far\n"
    "  --to-datetime T       the first record at or after T, RFC 3339 (2026-01-01T00:00:00Z,\n"
    "                        2026-01-01T01:00:00.5+01:00); none after T: high watermark\n"
    "  --shift-by N          committed offset + N (N < 0: back); partitions without a\n"
    "                        committed offset are left alone\n"
    "  --to-offset N         offset N on every partition in scope\n"
    "New offsets outside a partition's [low, high] watermarks are clamped; the plan says so.\n"
    "Applying:\n"
    "  --execute             commit the new offsets. Refused (exit 3, naming each member's\n"
    "                        client.id/host) while the group has active members: stop every\n"
    "                        copy of the stage first.\n"
    "  --into-group G        write the new offsets into group G instead; G must be inactive,\n"
    "                        the source group is only read and may keep running. Then run\n"
    "                        the stage with -X group.id=G to reprocess from that point.\n"
    "Each flag sets a key, so a file or -X works too: --stage replay.stage, --group\n"
    "replay.group, --topic replay.topic, --into-group replay.into_group, --to-earliest\n"
    "replay.to_earliest=true, --to-latest replay.to_latest=true, --to-datetime\n"
    "replay.to_datetime, --shift-by replay.shift_by, --to-offset replay.to_offset.\n"
    "Exit status: 0 planned or applied, 1 error, 2 usage error, 3 refused (active members).\n"
    "Example: newsflow-replay --stage summarize --to-earliest            # look\n"
    "         newsflow-replay --stage summarize --to-earliest --execute  # apply\n"
    "         newsflow-summarize -X trace.label=v2                       # reprocess";

/* the stages' groups and input topics (their descriptors are not linked into this tool) */
static const struct {
    const char *stage, *input;
} replay_stages[] = {
    {"clean", "raw-html"},
    {"entities", "cleaned"},
    {"summarize", "entities"},
};

enum replay_spec { SPEC_EARLIEST, SPEC_LATEST, SPEC_DATETIME, SPEC_SHIFT, SPEC_OFFSET };

/* one partition of the plan */
struct replay_row {
    int32_t partition;
    int64_t lo, hi;
    int64_t current; /* committed offset of the group written to; < 0: none */
    int64_t base;    /* --shift-by: the source group's committed offset; < 0: none */
    int64_t target;  /* new offset; < 0: left alone */
    const char *note;
};

/* Rewrite the value flags into "-X key=value" pairs. *out is a new argv (the caller frees it
 * and each strings[i] it lists). Returns 0 or -1 with errstr set. */
static int replay_rewrite_args(int argc, char **argv, char ***out, char ***strings, int *nstrings,
                               char *errstr, size_t errstr_size)
{
    char **nv = calloc((size_t)argc * 2 + 1, sizeof(*nv));
    char **keep = calloc((size_t)argc + 1, sizeof(*keep));
    int n = 0;
    int ns = 0;
    int rc = 0;
    if (!nv || !keep) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    nv[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t f;
        size_t alen = strlen(a);
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : alen;
        if (strcmp(a, "-X") == 0 || strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            nv[n++] = argv[i];
            if (i + 1 < argc) {
                nv[n++] = argv[++i];
            }
            continue;
        }
        for (f = 0; f < REPLAY_NFLAGS; f++) {
            if (strlen(replay_flags[f].flag) == nlen &&
                strncmp(a, replay_flags[f].flag, nlen) == 0) {
                break;
            }
        }
        if (f == REPLAY_NFLAGS) {
            nv[n++] = argv[i];
            continue;
        }
        const char *val = "true";
        if (replay_flags[f].takes_value) {
            if (eq) {
                val = eq + 1;
            } else if (i + 1 < argc) {
                val = argv[++i];
            } else {
                rc = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s needs an argument",
                               replay_flags[f].flag);
                goto done;
            }
        } else if (eq) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "%s takes no argument",
                           replay_flags[f].flag);
            goto done;
        }
        size_t sz = strlen(replay_flags[f].key) + strlen(val) + 2;
        char *kv = malloc(sz);
        if (!kv) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
            goto done;
        }
        snprintf(kv, sz, "%s=%s", replay_flags[f].key, val);
        keep[ns++] = kv;
        nv[n++] = "-X";
        nv[n++] = kv;
    }
done:
    if (rc) {
        for (int i = 0; i < ns; i++) {
            free(keep[i]);
        }
        free(keep);
        free(nv);
        return rc;
    }
    *out = nv;
    *strings = keep;
    *nstrings = n; /* argc of the new argv */
    return 0;
}

/* A whole signed decimal integer. */
static int replay_parse_i64(const char *s, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || errno || *end) {
        return -1;
    }
    *out = v;
    return 0;
}

/* RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); 't', ' ' and 'z' accepted)
 * into ms since the epoch. */
static int replay_parse_time(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19) {
        return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
        return -1;
    }
    const char *p = s + n;
    int64_t frac = 0;
    if (*p == '.') {
        int digits = 0;
        p++;
        while (*p >= '0' && *p <= '9') {
            if (digits < 3) {
                frac = frac * 10 + (*p - '0');
            }
            digits++;
            p++;
        }
        if (!digits) {
            return -1;
        }
        for (int k = digits; k < 3; k++) {
            frac *= 10;
        }
    }
    int64_t off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5 || oh > 23 || om > 59) {
            return -1;
        }
        off = (int64_t)(oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -1; /* RFC 3339 needs the offset: say Z for UTC */
    }
    if (*p) {
        return -1;
    }
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    *ms = ((int64_t)t - off) * 1000 + frac;
    return 0;
}

/* "topic" or "topic:0,2,5": the topic into topic[], the partitions (if listed) into want[]. */
static int replay_parse_scope(const char *spec, char *topic, size_t topic_size, int32_t *want,
                              int *nwant, char *errstr, size_t errstr_size)
{
    const char *colon = strchr(spec, ':');
    size_t tl = colon ? (size_t)(colon - spec) : strlen(spec);
    *nwant = 0;
    if (tl == 0 || tl >= topic_size) {
        return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG, "replay.topic \"%s\": bad topic",
                         spec);
    }
    memcpy(topic, spec, tl);
    topic[tl] = '\0';
    if (!colon) {
        return 0;
    }
    const char *p = colon + 1;
    while (*p && *nwant < REPLAY_MAX_PARTS) {
        char *end = NULL;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 0 || v > INT32_MAX || (*end && *end != ',')) {
            return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                             "replay.topic \"%s\": expected topic:0,1,2", spec);
        }
        want[(*nwant)++] = (int32_t)v;
        p = *end ? end + 1 : end;
    }
    if (*nwant == 0) {
        return nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                         "replay.topic \"%s\": no partition after ':'", spec);
    }
    return 0;
}

/* The partitions of topic (all, or those in want[] which must exist) into *rows. */
static int replay_partitions(rd_kafka_t *rk, const char *topic, const int32_t *want, int nwant,
                             int timeout_ms, struct replay_row **rows, int *nrows, char *errstr,
                             size_t errstr_size)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    int rc = 0;
    *rows = NULL;
    *nrows = 0;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
    if (err || md->topic_cnt != 1 || md->topics[0].err) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "topic %s: %s", topic,
                       rd_kafka_err2str(err             ? err
                                        : md->topic_cnt ? md->topics[0].err
                                                        : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
        goto done;
    }
    int pc = md->topics[0].partition_cnt;
    if (pc <= 0 || pc > REPLAY_MAX_PARTS) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "topic %s: %d partitions", topic, pc);
        goto done;
    }
    *rows = calloc((size_t)pc, sizeof(**rows));
    if (!*rows) {
        rc = nf_seterr(errstr, errstr_size, NF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int32_t p = 0; p < pc; p++) {
        int in = nwant == 0;
        for (int k = 0; k < nwant && !in; k++) {
            in = want[k] == p;
        }
        if (in) {
            (*rows)[(*nrows)++].partition = p;
        }
    }
    for (int k = 0; k < nwant; k++) {
        if (want[k] >= pc) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_CONFIG,
                           "topic %s has no partition %d (partitions 0..%d)", topic, (int)want[k],
                           pc - 1);
            goto done;
        }
    }
done:
    if (rc) {
        free(*rows);
        *rows = NULL;
        *nrows = 0;
    }
    if (md) {
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return rc;
}

/* A partition list of topic with the rows' partitions: all of them without offsets, or
 * (targets_only) those with a new offset, set to it. */
static rd_kafka_topic_partition_list_t *
replay_list(const char *topic, const struct replay_row *rows, int nrows, int targets_only)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(nrows);
    for (int i = 0; i < nrows; i++) {
        if (targets_only && rows[i].target < 0) {
            continue;
        }
        rd_kafka_topic_partition_list_add(l, topic, rows[i].partition)->offset =
            targets_only ? rows[i].target : RD_KAFKA_OFFSET_INVALID;
    }
    return l;
}

/* Committed offsets of group into rows[].current (or .base when into_base). */
static int replay_read_committed(rd_kafka_t *rk, const char *group, const char *topic,
                                 struct replay_row *rows, int nrows, int into_base, int timeout_ms,
                                 char *errstr, size_t errstr_size)
{
    rd_kafka_topic_partition_list_t *l = replay_list(topic, rows, nrows, 0);
    int rc = rg_committed(rk, group, l, timeout_ms, errstr, errstr_size);
    for (int i = 0; !rc && i < nrows; i++) {
        int64_t o = l->elems[i].offset;
        if (into_base) {
            rows[i].base = o;
        } else {
            rows[i].current = o;
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

/* The new offset of every row from the spec, clamped to the watermarks. */
static int replay_compute(rd_kafka_t *rk, const char *topic, struct replay_row *rows, int nrows,
                          enum replay_spec spec, int64_t value, int timeout_ms, char *errstr,
                          size_t errstr_size)
{
    int rc = 0;
    rd_kafka_topic_partition_list_t *times = NULL;
    if (spec == SPEC_DATETIME) {
        times = replay_list(topic, rows, nrows, 0);
        for (int i = 0; i < times->cnt; i++) {
            times->elems[i].offset = value;
        }
        rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(rk, times, timeout_ms);
        if (e) {
            rc = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "offsets for time: %s",
                           rd_kafka_err2str(e));
            goto done;
        }
    }
    for (int i = 0; i < nrows; i++) {
        struct replay_row *r = &rows[i];
        r->note = "";
        switch (spec) {
        case SPEC_EARLIEST:
            r->target = r->lo;
            break;
        case SPEC_LATEST:
            r->target = r->hi;
            break;
        case SPEC_OFFSET:
            r->target = value;
            break;
        case SPEC_SHIFT:
            if (r->base < 0) {
                r->target = -1;
                r->note = "no committed offset to shift: left alone";
                continue;
            }
            r->target = r->base + value;
            break;
        case SPEC_DATETIME:
            if (times->elems[i].err) {
                rc = nf_seterr(errstr, errstr_size, NF_ERR_KAFKA, "offsets for time: %s [%d]: %s",
                               topic, (int)r->partition, rd_kafka_err2str(times->elems[i].err));
                goto done;
            }
            r->target = times->elems[i].offset;
            if (r->target < 0) {
                r->target = r->hi;
                r->note = "no record at or after the time: high watermark";
                continue;
            }
            break;
        }
        if (r->target < r->lo) {
            r->target = r->lo;
            r->note = "clamped to the low watermark";
        } else if (r->target > r->hi) {
            r->target = r->hi;
            r->note = "clamped to the high watermark";
        }
    }
done:
    if (times) {
        rd_kafka_topic_partition_list_destroy(times);
    }
    return rc;
}

static void replay_fmt_off(int64_t v, char *buf, size_t n)
{
    if (v < 0) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%" PRId64, v);
    }
}

static void replay_print(const char *topic, const struct replay_row *rows, int nrows)
{
    int tw = (int)strlen(topic);
    if (tw < 5) {
        tw = 5;
    }
    printf("%-*s  %9s  %12s  %12s  %10s  %10s  %s\n", tw, "TOPIC", "PARTITION", "CURRENT", "NEW",
           "LAG-BEFORE", "LAG-AFTER", "NOTE");
    for (int i = 0; i < nrows; i++) {
        const struct replay_row *r = &rows[i];
        char cur[24], nw[24], lb[24], la[24];
        replay_fmt_off(r->current, cur, sizeof(cur));
        replay_fmt_off(r->target, nw, sizeof(nw));
        replay_fmt_off(r->current >= 0 ? r->hi - r->current : -1, lb, sizeof(lb));
        replay_fmt_off(r->target >= 0 ? r->hi - r->target : -1, la, sizeof(la));
        int has_note = r->note && *r->note;
        printf("%-*s  %9d  %12s  %12s  %10s  %10s%s%s\n", tw, topic, (int)r->partition, cur, nw,
               lb, la, has_note ? "  " : "", has_note ? r->note : "");
    }
}

static const char *replay_state_name(const struct rg_group *g)
{
    return rd_kafka_consumer_group_state_name(g->state);
}

int main(int argc, char **argv)
{
    char errstr[1024];
    int execute = 0;
    const struct nf_cli_flag flags[] = {
        {"--execute", &execute, "apply the plan (default: dry run, nothing changes)"},
        {NULL, NULL, NULL},
    };
    const struct nf_prop *tables[] = {nf_common_props, replay_props, NULL};
    const struct nf_cli cli = {
        .prog = "newsflow-replay",
        .synopsis = "(--stage NAME | --group G --topic T[:P,...]) SPEC [--into-group G] "
                    "[--execute] [-c FILE] [-X key=value]...",
        .usage = replay_usage,
        .tables = tables,
        .flags = flags,
        .set_defaults = nf_kafka_defaults_hook,
    };
    char **nargv = NULL;
    char **strs = NULL;
    int nargc = 0;
    if (replay_rewrite_args(argc, argv, &nargv, &strs, &nargc, errstr, sizeof(errstr)) != 0) {
        fprintf(stderr, "newsflow-replay: %s\n", errstr);
        return 2;
    }
    struct nf_conf *conf = NULL;
    int argi = 0;
    int rc = nf_cli_start(&cli, "replay", nargc, nargv, &conf, &argi);
    rd_kafka_t *rk = NULL;
    struct replay_row *rows = NULL;
    int nrows = 0;
    rd_kafka_topic_partition_list_t *apply = NULL;
    int32_t *want = NULL;
    if (rc >= 0) {
        goto done;
    }
    rc = 2; /* usage errors until the plan is ready */
    if (argi < nargc) {
        fprintf(stderr, "newsflow-replay: unexpected argument \"%s\" (see --help)\n", nargv[argi]);
        goto done;
    }
    const char *stage = nf_conf_get_str(conf, "replay.stage");
    const char *group = nf_conf_get_str(conf, "replay.group");
    const char *scope = nf_conf_get_str(conf, "replay.topic");
    const char *into = nf_conf_get_str(conf, "replay.into_group");
    int timeout_ms = (int)nf_conf_get_int(conf, "replay.timeout_ms");
    char stage_group[128];
    if (stage) {
        size_t s;
        for (s = 0; s < sizeof(replay_stages) / sizeof(replay_stages[0]); s++) {
            if (strcmp(stage, replay_stages[s].stage) == 0) {
                break;
            }
        }
        if (s == sizeof(replay_stages) / sizeof(replay_stages[0])) {
            fprintf(stderr,
                    "newsflow-replay: unknown stage \"%s\" (clean, entities or summarize)\n",
                    stage);
            goto done;
        }
        snprintf(stage_group, sizeof(stage_group), "newsflow-%s", stage);
        group = group ? group : stage_group;
        scope = scope ? scope : replay_stages[s].input;
    }
    if (!group || !scope) {
        fprintf(stderr, "newsflow-replay: say which group and topic: --stage NAME, or --group G "
                        "and --topic T (see --help)\n");
        goto done;
    }
    if (into && strcmp(into, group) == 0) {
        fprintf(stderr,
                "newsflow-replay: --into-group names the source group itself; leave it "
                "out to reset %s\n",
                group);
        goto done;
    }

    /* exactly one spec */
    enum replay_spec spec = SPEC_EARLIEST;
    int64_t value = 0;
    int nspec = 0;
    const char *spec_text = "";
    char spec_buf[160];
    if (nf_conf_get_bool(conf, "replay.to_earliest")) {
        spec = SPEC_EARLIEST;
        spec_text = "--to-earliest";
        nspec++;
    }
    if (nf_conf_get_bool(conf, "replay.to_latest")) {
        spec = SPEC_LATEST;
        spec_text = "--to-latest";
        nspec++;
    }
    const char *s;
    if ((s = nf_conf_get_str(conf, "replay.to_datetime"))) {
        spec = SPEC_DATETIME;
        nspec++;
        if (replay_parse_time(s, &value) != 0) {
            fprintf(stderr,
                    "newsflow-replay: --to-datetime \"%s\": expected RFC 3339 such as "
                    "2026-01-01T00:00:00Z or 2026-01-01T02:00:00+02:00\n",
                    s);
            goto done;
        }
        snprintf(spec_buf, sizeof(spec_buf), "--to-datetime %s", s);
        spec_text = spec_buf;
    }
    if ((s = nf_conf_get_str(conf, "replay.shift_by"))) {
        spec = SPEC_SHIFT;
        nspec++;
        if (replay_parse_i64(s, &value) != 0) {
            fprintf(stderr, "newsflow-replay: --shift-by \"%s\": expected an integer\n", s);
            goto done;
        }
        snprintf(spec_buf, sizeof(spec_buf), "--shift-by %s", s);
        spec_text = spec_buf;
    }
    if ((s = nf_conf_get_str(conf, "replay.to_offset"))) {
        spec = SPEC_OFFSET;
        nspec++;
        if (replay_parse_i64(s, &value) != 0 || value < 0) {
            fprintf(stderr, "newsflow-replay: --to-offset \"%s\": expected an offset >= 0\n", s);
            goto done;
        }
        snprintf(spec_buf, sizeof(spec_buf), "--to-offset %s", s);
        spec_text = spec_buf;
    }
    if (nspec != 1) {
        fprintf(stderr,
                "newsflow-replay: give exactly one of --to-earliest, --to-latest, "
                "--to-datetime, --shift-by, --to-offset (%d given)\n",
                nspec);
        goto done;
    }
    char topic[256];
    int nwant = 0;
    want = calloc(REPLAY_MAX_PARTS, sizeof(*want));
    if (!want) {
        goto done;
    }
    if (replay_parse_scope(scope, topic, sizeof(topic), want, &nwant, errstr, sizeof(errstr))) {
        fprintf(stderr, "newsflow-replay: %s\n", errstr);
        goto done;
    }

    /* from here on, failures are the cluster's: exit 1 */
    rc = 1;
    rd_kafka_conf_t *kc = nf_kafka_conf_new(conf, errstr, sizeof(errstr));
    if (!kc) {
        nf_log_error("%s", errstr);
        goto done;
    }
    /* a plain client: no group membership, no transactions, only metadata and admin requests */
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, errstr, sizeof(errstr));
    if (!rk) {
        rd_kafka_conf_destroy(kc);
        nf_log_error("cannot create client: %s", errstr);
        goto done;
    }
    if (replay_partitions(rk, topic, want, nwant, timeout_ms, &rows, &nrows, errstr,
                          sizeof(errstr))) {
        nf_log_error("%s", errstr);
        goto done;
    }
    for (int i = 0; i < nrows; i++) {
        rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
            rk, topic, rows[i].partition, &rows[i].lo, &rows[i].hi, timeout_ms);
        if (e) {
            nf_log_error("watermarks of %s [%d]: %s", topic, (int)rows[i].partition,
                         rd_kafka_err2str(e));
            goto done;
        }
    }
    const char *dest = into ? into : group;
    struct rg_group src_g, dst_g;
    if (rg_describe(rk, group, timeout_ms, &src_g, errstr, sizeof(errstr)) ||
        (into && rg_describe(rk, into, timeout_ms, &dst_g, errstr, sizeof(errstr)))) {
        nf_log_error("%s", errstr);
        goto done;
    }
    if (!into) {
        dst_g = src_g;
    }
    if (replay_read_committed(rk, dest, topic, rows, nrows, 0, timeout_ms, errstr,
                              sizeof(errstr)) ||
        replay_read_committed(rk, group, topic, rows, nrows, 1, timeout_ms, errstr,
                              sizeof(errstr))) {
        nf_log_error("%s", errstr);
        goto done;
    }
    if (replay_compute(rk, topic, rows, nrows, spec, value, timeout_ms, errstr, sizeof(errstr))) {
        nf_log_error("%s", errstr);
        goto done;
    }

    printf("group %s (%s, %zu member%s), topic %s, %s\n", group, replay_state_name(&src_g),
           src_g.members, src_g.members == 1 ? "" : "s", topic, spec_text);
    if (into) {
        printf("into group %s (%s, %zu member%s): CURRENT is %s's; %s is only read\n", into,
               replay_state_name(&dst_g), dst_g.members, dst_g.members == 1 ? "" : "s", into,
               group);
    }
    replay_print(topic, rows, nrows);
    fflush(stdout);

    if (!rg_inactive(&dst_g)) {
        const char *what = execute ? "refused" : "note";
        fprintf(stderr,
                "newsflow-replay: %s: group %s is %s with %zu active member%s (%s); stop %s "
                "first%s\n",
                what, dest, replay_state_name(&dst_g), dst_g.members, dst_g.members == 1 ? "" : "s",
                dst_g.who, dst_g.members == 1 ? "it" : "them",
                into ? "" : ", or use --into-group G to reprocess in a new group");
        if (execute) {
            rc = REPLAY_EXIT_REFUSED;
            goto done;
        }
    }
    if (!execute) {
        printf("dry run: nothing changed (add --execute to apply)\n");
        rc = 0;
        goto done;
    }
    apply = replay_list(topic, rows, nrows, 1);
    if (apply->cnt == 0) {
        printf("nothing to apply\n");
        rc = 0;
        goto done;
    }
    if (rg_alter(rk, dest, apply, timeout_ms, errstr, sizeof(errstr))) {
        nf_log_error("%s", errstr);
        goto done;
    }
    /* read back: the broker's word, not ours */
    if (replay_read_committed(rk, dest, topic, rows, nrows, 0, timeout_ms, errstr,
                              sizeof(errstr))) {
        nf_log_error("%s", errstr);
        goto done;
    }
    int bad = 0;
    for (int i = 0; i < nrows; i++) {
        if (rows[i].target >= 0 && rows[i].current != rows[i].target) {
            nf_log_error("%s [%d]: committed %" PRId64 " after the reset, not %" PRId64, topic,
                         (int)rows[i].partition, rows[i].current, rows[i].target);
            bad = 1;
        }
    }
    if (!bad) {
        printf("applied: group %s now at the NEW offsets on %d partition%s of %s\n", dest,
               apply->cnt, apply->cnt == 1 ? "" : "s", topic);
        rc = 0;
    }
done:
    if (apply) {
        rd_kafka_topic_partition_list_destroy(apply);
    }
    free(rows);
    free(want);
    if (rk) {
        rd_kafka_destroy(rk);
    }
    nf_conf_destroy(conf);
    for (int i = 0; strs && strs[i]; i++) {
        free(strs[i]);
    }
    free(strs);
    free(nargv);
    return rc;
}
