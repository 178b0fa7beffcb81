/* test_bad_input.c - a corpus of malformed inputs through every stage, by --stdio and through
 * Kafka: each input yields either a correct output or an error line / dead letter with a reason,
 * the stage process never dies, and inputs == outputs + dead letters. Prints the outcome table.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"
#include "newsflow/util.h"

#define MIB (1024 * 1024)
#define MAX_INPUTS 80

/* What an input must produce. */
enum expect {
    EXPECT_EITHER = 0, /* an output or a rejection, both with the invariants checked */
    EXPECT_REJECT,     /* an error line / a dead letter */
};

struct input {
    char name[48]; /* also the record id and the Kafka key */
    struct nf_buf buf;
    enum expect expect;
    int stdio_only; /* too large for a Kafka message */
};

struct corpus {
    struct input v[MAX_INPUTS];
    size_t n;
};

/* Outcome of one input in one mode. */
struct outcome {
    int outputs;
    int rejects;
    char reason[96];
};

static struct input *add(struct corpus *c, const char *name, enum expect expect)
{
    assert_true(c->n < MAX_INPUTS);
    struct input *in = &c->v[c->n];
    snprintf(in->name, sizeof(in->name), "%02zu-%s", c->n + 1, name);
    nf_buf_init(&in->buf);
    in->expect = expect;
    c->n++;
    return in;
}

static void addf(struct input *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct input *in, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof(tmp));
    assert_int_equal(nf_buf_append(&in->buf, tmp, (size_t)n), 0);
}

static void addn(struct input *in, const void *p, size_t n)
{
    assert_int_equal(nf_buf_append(&in->buf, p, n), 0);
}

/* A record {"id": name, field: <text>} with text already JSON-escaped by the caller. */
static void open_rec(struct input *in, const char *field)
{
    addf(in, "{\"id\":\"%s\",\"%s\":\"", in->name, field);
}

static void close_rec(struct input *in)
{
    addn(in, "\"}", 2);
}

/* Pseudo-random bytes, reproducible. */
static uint32_t rng_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Binary bytes as a JSON string: each byte one code point U+0001..U+00FF (how a fetcher that
 * could not decode a page may pass it on); control characters as \u00XX, NUL bytes left out
 * (the nul-escaped case covers \u0000, which the decoder turns into U+FFFD). */
static void add_latin1_json(struct input *in, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] == 0) {
            continue;
        }
        if (b[i] < 0x20 || b[i] == '"' || b[i] == '\\') {
            addf(in, "\\u%04x", b[i]);
        } else if (b[i] < 0x80) {
            addn(in, &b[i], 1);
        } else {
            char u[2] = {(char)(0xC0 | (b[i] >> 6)), (char)(0x80 | (b[i] & 0x3F))};
            addn(in, u, 2);
        }
    }
}

static void add_base64(struct input *in, const unsigned char *d, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) |
                     (i + 2 < n ? d[i + 2] : 0);
        char q[4] = {abc[(v >> 18) & 63], abc[(v >> 12) & 63], i + 1 < n ? abc[(v >> 6) & 63] : '=',
                     i + 2 < n ? abc[v & 63] : '='};
        addn(in, q, 4);
    }
}

/* A binary file: magic header then n pseudo-random bytes. */
static unsigned char *binary_file(const unsigned char *magic, size_t mlen, size_t n, uint32_t seed)
{
    unsigned char *b = malloc(mlen + n);
    assert_non_null(b);
    memcpy(b, magic, mlen);
    for (size_t i = 0; i < n; i++) {
        b[mlen + i] = (unsigned char)rng_next(&seed);
    }
    return b;
}

static const char utf8_page[] =
    "<html><head><meta charset=\\\"%s\\\"><title>Caf\xc3\xa9 news</title></head><body><article>"
    "<h1>Zo\xc3\xab opens a caf\xc3\xa9 in Z\xc3\xbcrich</h1><p>The na\xc3\xafve owner, "
    "Zo\xc3\xab Dupont, said on Monday that the caf\xc3\xa9 would open in June. Prices in "
    "Z\xc3\xbcrich are high \xe2\x80\x94 \xe2\x82\xac" "5 for a coffee.</p><p>Residents of the old "
    "town welcomed the news. \xe6\x9d\xb1\xe4\xba\xac and \xec\x84\x9c\xec\x9a\xb8 visitors are "
    "expected too.</p></article></body></html>";

/* The corpus for one stage; field is "html" (clean) or "text"; with_huge adds the 50 MiB line. */
static void build_corpus(struct corpus *c, const char *field, int with_huge)
{
    struct input *in;
    memset(c, 0, sizeof(*c));

    /* JSON that is not a record */
    in = add(c, "invalid-json", EXPECT_REJECT);
    addf(in, "{\"id\":\"%s\",\"%s\":\"<p>unterminated", in->name, field);
    in = add(c, "not-json", EXPECT_REJECT);
    addf(in, "hello, world");
    in = add(c, "id-number", EXPECT_REJECT);
    addf(in, "{\"id\":5,\"%s\":\"Hello there.\"}", field);
    in = add(c, "field-array", EXPECT_REJECT);
    addf(in, "{\"id\":\"%s\",\"%s\":[1]}", in->name, field);
    in = add(c, "field-number", EXPECT_REJECT);
    addf(in, "{\"id\":\"%s\",\"%s\":12.5}", in->name, field);
    in = add(c, "json-array", EXPECT_REJECT);
    addf(in, "[{\"id\":\"x\",\"%s\":\"a\"}]", field);
    in = add(c, "json-string", EXPECT_REJECT);
    addf(in, "\"just a string\"");
    in = add(c, "json-null", EXPECT_REJECT);
    addf(in, "null");
    in = add(c, "duplicate-keys", EXPECT_REJECT);
    addf(in, "{\"id\":\"%s\",\"id\":\"other\",\"%s\":\"a\"}", in->name, field);
    in = add(c, "id-too-long", EXPECT_REJECT);
    addf(in, "{\"id\":\"%0300d\",\"%s\":\"a\"}", 7, field);
    in = add(c, "deep-json", EXPECT_REJECT);
    addf(in, "{\"id\":\"%s\",\"%s\":\"a\",\"x\":", in->name, field);
    for (int i = 0; i < 5000; i++) {
        addn(in, "[", 1);
    }
    for (int i = 0; i < 5000; i++) {
        addn(in, "]", 1);
    }
    addn(in, "}", 1);

    /* encoding and NUL bytes */
    in = add(c, "invalid-utf8", EXPECT_REJECT);
    open_rec(in, field);
    addf(in, "caf\xe9 \xff\xfe na\xc3");
    close_rec(in);
    in = add(c, "nul-raw", EXPECT_REJECT);
    open_rec(in, field);
    addn(in, "a\0b", 3);
    close_rec(in);
    /* the decoder turns an escaped NUL into U+FFFD: an ordinary output */
    in = add(c, "nul-escaped", EXPECT_EITHER);
    open_rec(in, field);
    addf(in, "a\\u0000b");
    close_rec(in);

    /* empty */
    in = add(c, "empty-record", EXPECT_REJECT);
    in = add(c, "empty-object", EXPECT_REJECT);
    addf(in, "{}");
    in = add(c, "empty-field", EXPECT_EITHER);
    open_rec(in, field);
    close_rec(in);

    /* size and shape */
    in = add(c, "nested-1m-tags", EXPECT_EITHER);
    open_rec(in, field);
    for (int i = 0; i < 1000000; i++) {
        addn(in, "<div>", 5);
    }
    addf(in, "Deep text at the bottom.");
    close_rec(in);
    in = add(c, "attribute-10mib", EXPECT_EITHER);
    open_rec(in, field);
    addf(in, "<p title=\\\"");
    char *a = malloc(10 * MIB);
    assert_non_null(a);
    memset(a, 'a', 10 * MIB);
    addn(in, a, 10 * MIB);
    free(a);
    addf(in, "\\\">A short paragraph after a long attribute.</p>");
    close_rec(in);

    /* binary files as html: bytes as code points, and as html_base64 */
    static const unsigned char pdf[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>";
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0};
    static const unsigned char gzip[] = {0x1F, 0x8B, 0x08, 0x00, 0x00,
                                         0x00, 0x00, 0x00, 0x00, 0x03};
    const struct {
        const char *name;
        const unsigned char *magic;
        size_t mlen;
    } bins[] = {{"pdf", pdf, sizeof(pdf) - 1}, {"jpeg", jpeg, sizeof(jpeg)},
                {"gzip", gzip, sizeof(gzip)}};
    for (size_t k = 0; k < sizeof(bins) / sizeof(bins[0]); k++) {
        unsigned char *b = binary_file(bins[k].magic, bins[k].mlen, 64 * 1024, (uint32_t)k + 1);
        char name[40];
        snprintf(name, sizeof(name), "%s-as-text", bins[k].name);
        in = add(c, name, EXPECT_EITHER);
        open_rec(in, field);
        add_latin1_json(in, b, bins[k].mlen + 64 * 1024);
        close_rec(in);
        snprintf(name, sizeof(name), "%s-as-base64", bins[k].name);
        /* only clean reads html_base64; the text stages must reject the record without text */
        in = add(c, name, strcmp(field, "html") == 0 ? EXPECT_EITHER : EXPECT_REJECT);
        addf(in, "{\"id\":\"%s\",\"html_base64\":\"", in->name);
        add_base64(in, b, bins[k].mlen + 64 * 1024);
        close_rec(in);
        free(b);
    }
    in = add(c, "pdf-raw-record", EXPECT_REJECT);
    {
        unsigned char *b = binary_file(pdf, sizeof(pdf) - 1, 4096, 99);
        for (size_t i = 0; i < sizeof(pdf) - 1 + 4096; i++) {
            if (b[i] == '\n') {
                b[i] = ' '; /* one line per input for --stdio */
            }
        }
        addn(in, b, sizeof(pdf) - 1 + 4096);
        free(b);
    }

    /* a UTF-8 page with a misdeclared charset: in <meta> (as "html"), as the record's charset
     * hint for its bytes in html_base64, and in <meta> only for its bytes */
    static const char *const labels[] = {"Shift_JIS", "EUC-KR", "windows-1252", "UTF-16",
                                         "x-bogus-charset", ""};
    for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
        char name[48];
        snprintf(name, sizeof(name), "meta-%s", *labels[k] ? labels[k] : "empty");
        in = add(c, name, EXPECT_EITHER);
        open_rec(in, field);
        addf(in, utf8_page, labels[k]);
        close_rec(in);
        snprintf(name, sizeof(name), "hint-%s", *labels[k] ? labels[k] : "empty");
        in = add(c, name, strcmp(field, "html") == 0 ? EXPECT_EITHER : EXPECT_REJECT);
        char page[2048];
        /* the raw page bytes: the template without JSON escapes */
        snprintf(page, sizeof(page), utf8_page, labels[k]);
        size_t o = 0;
        for (size_t i = 0; page[i]; i++) {
            if (page[i] != '\\') {
                page[o++] = page[i];
            }
        }
        addf(in, "{\"id\":\"%s\",\"charset\":\"%s\",\"html_base64\":\"", in->name, labels[k]);
        add_base64(in, (const unsigned char *)page, o);
        close_rec(in);
        /* the bytes with no hint: only the page's own <meta> misdeclares them */
        snprintf(name, sizeof(name), "bytes-%s", *labels[k] ? labels[k] : "empty");
        in = add(c, name, strcmp(field, "html") == 0 ? EXPECT_EITHER : EXPECT_REJECT);
        addf(in, "{\"id\":\"%s\",\"html_base64\":\"", in->name);
        add_base64(in, (const unsigned char *)page, o);
        close_rec(in);
    }

    /* really UTF-16 pages (bytes with NULs): LE with a BOM and no hint, BE by its hint */
    for (int be = 0; be <= 1; be++) {
        char page[2048];
        unsigned char wide[4096];
        size_t o = 0, w = 0;
        snprintf(page, sizeof(page), utf8_page, "utf-8");
        for (size_t i = 0; page[i]; i++) {
            if (page[i] != '\\') {
                page[o++] = page[i];
            }
        }
        if (!be) {
            wide[w++] = 0xFF;
            wide[w++] = 0xFE;
        }
        for (size_t i = 0; i < o;) {
            size_t adv = 0;
            uint32_t cp = nf_utf8_decode(page + i, o - i, &adv);
            i += adv;
            assert_true(cp < 0x10000 && w + 2 <= sizeof(wide));
            wide[w++] = (unsigned char)(be ? cp >> 8 : cp & 0xFF);
            wide[w++] = (unsigned char)(be ? cp & 0xFF : cp >> 8);
        }
        in = add(c, be ? "bytes-utf16be-hinted" : "bytes-utf16le-bom",
                 strcmp(field, "html") == 0 ? EXPECT_EITHER : EXPECT_REJECT);
        addf(in, "{\"id\":\"%s\",%s\"html_base64\":\"", in->name,
             be ? "\"charset\":\"UTF-16BE\"," : "");
        add_base64(in, wide, w);
        close_rec(in);
    }

    /* text stress */
    static const char *const words[] = {"river", "council", "harbour", "budget", "morning",
                                        "school", "road", "market", "winter", "ferry"};
    uint32_t seed = 7;
    in = add(c, "no-sentence-boundary", EXPECT_EITHER);
    open_rec(in, field);
    for (int i = 0; i < 40000; i++) {
        addf(in, "%s ", words[rng_next(&seed) % 10]);
    }
    close_rec(in);
    static const char *const caps[] = {"Alder", "Birch", "Cedar", "Dover", "Elm",  "Fenwick",
                                       "Grant", "Hale",  "Irving", "Jones", "Kent", "Lowell",
                                       "Moss",  "Nash",  "Orton",  "Price", "Quinn", "Reyes"};
    in = add(c, "capitalised-100k", EXPECT_EITHER);
    open_rec(in, field);
    for (int i = 0; i < 100000; i++) {
        const char *w1 = caps[rng_next(&seed) % 18];
        const char *w2 = caps[rng_next(&seed) % 18];
        addf(in, "%s %s%s", w1, w2, i % 10 == 9 ? ". " : ", ");
    }
    close_rec(in);

    if (with_huge) {
        in = add(c, "record-50mib", EXPECT_REJECT);
        in->stdio_only = 1;
        open_rec(in, field);
        char *h = malloc(50 * MIB);
        assert_non_null(h);
        memset(h, 'x', 50 * MIB);
        addn(in, h, 50 * MIB);
        free(h);
        close_rec(in);
    }
}

static void free_corpus(struct corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        nf_buf_free(&c->v[i].buf);
    }
}

/* The output a stage must write: its own field, of the right type. */
static void check_output(const char *stage, const char *name, const char *s, size_t len,
                         int check_id)
{
    json_error_t jerr;
    json_t *rec = json_loadb(s, len, 0, &jerr);
    if (!rec || !json_is_object(rec)) {
        fail_msg("%s %s: output is not a JSON object: %s", stage, name, jerr.text);
    }
    if (check_id) {
        assert_string_equal(json_string_value(json_object_get(rec, "id")), name);
    }
    if (strcmp(stage, "clean") == 0) {
        assert_true(json_is_string(json_object_get(rec, "text")));
        /* a UTF-8 page comes out as the same text whatever charset it was declared in */
        if (strstr(name, "-meta-") || strstr(name, "-hint-") || strstr(name, "-bytes-")) {
            const char *text = json_string_value(json_object_get(rec, "text"));
            if (!strstr(text, "Z\xc3\xbcrich") || !strstr(text, "\xe6\x9d\xb1\xe4\xba\xac")) {
                fail_msg("clean %s: page text garbled: %.80s", name, text);
            }
        }
    } else if (strcmp(stage, "entities") == 0) {
        assert_true(json_is_array(json_object_get(rec, "entities")));
    } else {
        assert_true(json_is_array(json_object_get(rec, "summary")));
    }
    assert_true(json_is_array(json_object_get(rec, "trace")));
    json_decref(rec);
}

static void print_table(const char *stage, const char *mode, const struct corpus *c,
                        const struct outcome *o)
{
    print_message("bad input through %s (%s):\n", stage, mode);
    for (size_t i = 0; i < c->n; i++) {
        if (o[i].outputs + o[i].rejects == 0) {
            print_message("  %-26s %8zu B  (not sent)\n", c->v[i].name, c->v[i].buf.len);
            continue;
        }
        print_message("  %-26s %8zu B  %s%s\n", c->v[i].name, c->v[i].buf.len,
                      o[i].outputs ? "output" : "REJECTED: ", o[i].outputs ? "" : o[i].reason);
    }
}

/* Every input has exactly one outcome, matching what it must produce. */
static void check_outcomes(const char *stage, const struct corpus *c, const struct outcome *o,
                           int kafka)
{
    for (size_t i = 0; i < c->n; i++) {
        if (kafka && c->v[i].stdio_only) {
            continue;
        }
        if (o[i].outputs + o[i].rejects != 1) {
            fail_msg("%s %s: %d outputs + %d rejections, want exactly one", stage, c->v[i].name,
                     o[i].outputs, o[i].rejects);
        }
        if (c->v[i].expect == EXPECT_REJECT && !o[i].rejects) {
            fail_msg("%s %s: accepted, must be rejected", stage, c->v[i].name);
        }
        if (o[i].rejects && !o[i].reason[0]) {
            fail_msg("%s %s: rejected without a reason", stage, c->v[i].name);
        }
    }
}

/* --stdio: one line per input, in order, exit status 0. */
static void run_stdio(const char *stage, const char *field)
{
    static struct corpus c;
    struct outcome o[MAX_INPUTS];
    char in_path[256], out_path[256], log_path[256], bin[1024], prog[64];
    build_corpus(&c, field, 1);
    snprintf(in_path, sizeof(in_path), "/tmp/nf-bad-%d-%s.in", (int)getpid(), stage);
    snprintf(out_path, sizeof(out_path), "/tmp/nf-bad-%d-%s.out", (int)getpid(), stage);
    snprintf(log_path, sizeof(log_path), "/tmp/nf-bad-%d-%s.log", (int)getpid(), stage);
    FILE *fp = fopen(in_path, "wb");
    assert_non_null(fp);
    for (size_t i = 0; i < c.n; i++) {
        assert_null(memchr(c.v[i].buf.data ? c.v[i].buf.data : "", '\n', c.v[i].buf.len));
        if (c.v[i].buf.len) {
            assert_int_equal(fwrite(c.v[i].buf.data, 1, c.v[i].buf.len, fp), c.v[i].buf.len);
        }
        fputc('\n', fp);
    }
    assert_int_equal(fclose(fp), 0);

    snprintf(prog, sizeof(prog), "newsflow-%s", stage);
    h_bin(prog, bin, sizeof(bin));
    fflush(NULL);
    double t0 = nf_mono_sec();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fin = open(in_path, O_RDONLY);
        int fout = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int flog = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fin < 0 || fout < 0 || flog < 0) {
            _exit(126);
        }
        dup2(fin, 0);
        dup2(fout, 1);
        dup2(flog, 2);
        execl(bin, bin, "--stdio", "-X", "log.level=error", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fail_msg("%s --stdio died: status %d (log %s)", stage, st, log_path);
    }

    memset(o, 0, sizeof(o));
    fp = fopen(out_path, "rb");
    assert_non_null(fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    size_t n = 0;
    while ((len = getline(&line, &cap, fp)) > 0) {
        assert_true(n < c.n);
        assert_int_equal(line[len - 1], '\n');
        json_t *rec = json_loadb(line, (size_t)len - 1, 0, NULL);
        assert_non_null(rec);
        json_t *err = json_object_get(rec, "error");
        if (err) {
            o[n].rejects = 1;
            snprintf(o[n].reason, sizeof(o[n].reason), "%s", json_string_value(err));
            /* the id is reported when the input had a usable one */
            json_t *id = json_object_get(rec, "id");
            assert_true(json_is_null(id) || json_is_string(id));
        } else {
            o[n].outputs = 1;
            check_output(stage, c.v[n].name, line, (size_t)len - 1, 1);
        }
        json_decref(rec);
        n++;
    }
    free(line);
    fclose(fp);
    print_table(stage, "--stdio", &c, o);
    print_message("  %s --stdio: %zu inputs, %zu lines, %.1f s\n", stage, c.n, n,
                  nf_mono_sec() - t0);
    assert_int_equal(n, c.n);
    check_outcomes(stage, &c, o, 0);
    unlink(in_path);
    unlink(out_path);
    unlink(log_path);
    free_corpus(&c);
}

static void test_bad_input_stdio_clean(void **st)
{
    (void)st;
    run_stdio("clean", "html");
}

static void test_bad_input_stdio_entities(void **st)
{
    (void)st;
    run_stdio("entities", "text");
}

static void test_bad_input_stdio_summarize(void **st)
{
    (void)st;
    run_stdio("summarize", "text");
}

static int index_of(const struct corpus *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->v[i].name, key) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* Through Kafka: every input keyed by its name, read back from the output and .dlq topics (the
 * harness reads read_committed); extra: more -X settings for the stage (NULL-terminated). */
static void run_kafka(const char *stage, const char *field, const char *const *extra)
{
    static struct corpus c;
    struct outcome o[MAX_INPUTS];
    struct h_topics t;
    char log_path[256], group[128];
    build_corpus(&c, field, 0);
    h_topics_create(&t, stage, 2);
    /* each stage gets its own topic set: its input topic is fed by this test only */
    const char *in = strcmp(stage, "clean") == 0      ? t.raw
                     : strcmp(stage, "entities") == 0 ? t.cleaned
                                                      : t.entities;
    const char *out = strcmp(stage, "clean") == 0      ? t.cleaned
                      : strcmp(stage, "entities") == 0 ? t.entities
                                                       : t.summaries;
    char dlq[160];
    snprintf(dlq, sizeof(dlq), "%s.dlq", in);
    snprintf(log_path, sizeof(log_path), "/tmp/nf-bad-kafka-%d-%s.log", (int)getpid(), stage);
    snprintf(group, sizeof(group), "bad-%d-%s", (int)getpid(), stage);
    double t0 = nf_mono_sec();
    pid_t pid = h_start_stage(stage, in, out, group, log_path, extra);

    size_t sent = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (c.v[i].stdio_only) {
            continue;
        }
        h_produce(in, c.v[i].name, c.v[i].buf.data ? c.v[i].buf.data : "", c.v[i].buf.len);
        sent++;
    }
    h_flush();

    struct h_msgs outs = {0}, dead = {0};
    int64_t deadline = nf_mono_ms() + 180000;
    for (;;) {
        h_read(out, sent, 3000, &outs);
        h_read(dlq, sent - outs.n, 3000, &dead);
        if (outs.n + dead.n >= sent || nf_mono_ms() > deadline || !h_alive(pid)) {
            break;
        }
        h_msgs_free(&outs);
        h_msgs_free(&dead);
    }
    /* anything more than one outcome per input would show up now */
    h_msgs_free(&outs);
    h_msgs_free(&dead);
    h_read(out, sent + 1, 2000, &outs);
    h_read(dlq, sent + 1, 2000, &dead);

    memset(o, 0, sizeof(o));
    for (size_t i = 0; i < outs.n; i++) {
        int k = index_of(&c, outs.v[i].key);
        if (k < 0) {
            fail_msg("%s: output with unknown key \"%s\"", stage, outs.v[i].key);
        }
        check_output(stage, c.v[k].name, outs.v[i].value, outs.v[i].len, 1);
        o[k].outputs++;
    }
    for (size_t i = 0; i < dead.n; i++) {
        int k = index_of(&c, dead.v[i].key);
        if (k < 0) {
            fail_msg("%s: dead letter with unknown key \"%s\"", stage, dead.v[i].key);
        }
        /* the dead letter is the input, untouched, with its reason in the headers */
        assert_int_equal(dead.v[i].len, c.v[k].buf.len);
        assert_memory_equal(dead.v[i].value, c.v[k].buf.data ? c.v[k].buf.data : "",
                            c.v[k].buf.len);
        assert_non_null(dead.v[i].hdr_error);
        assert_non_null(dead.v[i].hdr_class);
        o[k].rejects++;
        snprintf(o[k].reason, sizeof(o[k].reason), "[%s] %s", dead.v[i].hdr_class,
                 dead.v[i].hdr_error);
    }
    print_table(stage, extra ? extra[0] : "Kafka", &c, o);
    print_message("  %s Kafka: %zu sent, %zu outputs + %zu dead letters, %.1f s\n", stage, sent,
                  outs.n, dead.n, nf_mono_sec() - t0);
    int alive = h_alive(pid);
    int rc = h_stop(pid, SIGTERM, 60000);
    if (!alive || rc != 0) {
        fail_msg("%s died or exited badly (alive %d, exit %d): see %s", stage, alive, rc,
                 log_path);
    }
    assert_int_equal(outs.n + dead.n, sent);
    check_outcomes(stage, &c, o, 1);
    h_msgs_free(&outs);
    h_msgs_free(&dead);
    unlink(log_path);
    free_corpus(&c);
}

static void test_bad_input_kafka_clean(void **st)
{
    (void)st;
    run_kafka("clean", "html", NULL);
}

static void test_bad_input_kafka_clean_exactly_once(void **st)
{
    (void)st;
    static const char *const eos[] = {"processing.guarantee=exactly_once", NULL};
    run_kafka("clean", "html", eos);
}

static void test_bad_input_kafka_entities(void **st)
{
    (void)st;
    run_kafka("entities", "text", NULL);
}

static void test_bad_input_kafka_summarize(void **st)
{
    (void)st;
    run_kafka("summarize", "text", NULL);
}

/* The largest record a producer can send (message.max.bytes 16 MiB, as the broker's limit),
 * rejected by clean (over clean.max_html_bytes): its dead letter is the same bytes plus the
 * nf.* headers, so it no longer fits in a message. The stage must still dead-letter it - what
 * fits of it, with its reason - and keep running (it used to stop, and stop again on restart). A 50 MiB record cannot be sent through Kafka at
 * all: the producer refuses it (MSG_SIZE_TOO_LARGE) and so would the broker. */
static void test_bad_input_kafka_near_message_limit(void **st)
{
    (void)st;
    struct h_topics t;
    char log_path[256], group[128];
    h_topics_create(&t, "nearlimit", 1);
    snprintf(log_path, sizeof(log_path), "/tmp/nf-bad-kafka-%d-nearlimit.log", (int)getpid());
    snprintf(group, sizeof(group), "bad-%d-nearlimit", (int)getpid());
    pid_t pid = h_start_stage("clean", t.raw, t.cleaned, group, log_path, NULL);
    static const char key[] = "near-limit";
    /* key + value within the harness producer's 16777216 bytes, with room for batch overhead */
    size_t len = 16777216 - 128;
    char *v = malloc(len);
    assert_non_null(v);
    int head = snprintf(v, len, "{\"id\":\"%s\",\"html\":\"<p>", key);
    memset(v + head, 'a', len - (size_t)head - 2);
    memcpy(v + len - 2, "\"}", 2);
    h_produce(t.raw, key, v, len);
    static const char after[] = "{\"id\":\"after\",\"html\":\"<p>Still here.</p>\"}";
    h_produce(t.raw, "after", after, strlen(after));
    h_flush();
    struct h_msgs outs = {0}, dead = {0};
    h_read(t.cleaned, 1, 60000, &outs);
    h_read(t.raw_dlq, 1, 10000, &dead);
    int alive = h_alive(pid);
    int rc = h_stop(pid, SIGTERM, 60000);
    print_message("near-limit record of %zu bytes: %zu dead letters, next record %s, stage %s "
                  "(exit %d)\n",
                  len, dead.n, outs.n ? "processed" : "NOT processed", alive ? "alive" : "DIED",
                  rc);
    if (!alive || rc != 0) {
        fail_msg("clean died on a record near the message size limit (exit %d): see %s", rc,
                 log_path);
    }
    assert_int_equal(dead.n, 1);
    assert_int_equal(outs.n, 1);
    /* what fits of the input, with its reason */
    print_message("  dead letter: %zu bytes, [%s] %s\n", dead.v[0].len, dead.v[0].hdr_class,
                  dead.v[0].hdr_error);
    assert_true(dead.v[0].len > 0 && dead.v[0].len < len);
    assert_memory_equal(dead.v[0].value, v, dead.v[0].len);
    assert_non_null(strstr(dead.v[0].hdr_error, "clean.max_html_bytes"));
    h_msgs_free(&outs);
    h_msgs_free(&dead);
    free(v);
    unlink(log_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_bad_input_stdio_clean, h_teardown),
        cmocka_unit_test_teardown(test_bad_input_stdio_entities, h_teardown),
        cmocka_unit_test_teardown(test_bad_input_stdio_summarize, h_teardown),
        cmocka_unit_test_teardown(test_bad_input_kafka_clean, h_teardown),
        cmocka_unit_test_teardown(test_bad_input_kafka_clean_exactly_once, h_teardown),
        cmocka_unit_test_teardown(test_bad_input_kafka_entities, h_teardown),
        cmocka_unit_test_teardown(test_bad_input_kafka_summarize, h_teardown),
        cmocka_unit_test_teardown(test_bad_input_kafka_near_message_limit, h_teardown),
    };
    /* NF_TEST_FILTER=pattern runs only the matching tests (cmocka wildcards) */
    if (getenv("NF_TEST_FILTER")) {
        cmocka_set_test_filter(getenv("NF_TEST_FILTER"));
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
