/* arena.c - bump allocation for libxml2 within one page's scope (see arena.h).
 *
 * Each thread owns one arena: a list of chunks, newest first, each allocation preceded by a
 * 16-byte header with its size (for realloc). A pointer is the arena's when it lies in one of
 * the thread's chunks; anything else came from malloc and goes back to free. When the arena
 * cannot grow (no memory, or ARENA_MAX reached by a huge page) allocations fall back to malloc.
 */
#include "arena.h"

#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "newsflow/err.h"

#if defined(__SANITIZE_ADDRESS__)
#define NF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NF_ASAN 1
#endif
#endif
#ifdef NF_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define CHUNK_MIN ((size_t)1 << 20)    /* first chunk */
#define CHUNK_KEEP ((size_t)16 << 20)  /* the largest chunk up to this size survives a scope */
#define ARENA_MAX ((size_t)256 << 20)  /* beyond this, malloc */
#define ALIGN 16

struct hdr {
    size_t size;
    size_t pad; /* keeps the payload 16-byte aligned */
};

struct chunk {
    struct chunk *next;
    size_t size, used; /* of data */
    size_t pad;
    char data[];
};

struct arena {
    struct chunk *head; /* allocations come from here */
    struct hdr *last;   /* the newest allocation in head, which realloc may grow in place */
    size_t total;       /* bytes of all chunks */
    size_t used;        /* bytes handed out in this scope */
    int active;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static int key_err;
static int installed;
static _Thread_local struct arena *mine;

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static int owns(const struct arena *a, const void *p)
{
    for (const struct chunk *c = a ? a->head : NULL; c; c = c->next) {
        if ((const char *)p >= c->data && (const char *)p < c->data + c->size) {
            return 1;
        }
    }
    return 0;
}

static void arena_destroy(void *arg)
{
    struct arena *a = arg;
    if (!a) {
        return;
    }
    struct chunk *c = a->head;
    while (c) {
        struct chunk *next = c->next;
        UNPOISON(c->data, c->size);
        free(c);
        c = next;
    }
    free(a);
}

/* A new head chunk with room for need bytes; 0 or -1. */
static int grow(struct arena *a, size_t need)
{
    size_t size = a->head ? a->head->size * 2 : CHUNK_MIN;
    while (size < need) {
        size *= 2;
    }
    if (a->total + size > ARENA_MAX) {
        return -1;
    }
    struct chunk *c = malloc(sizeof(*c) + size);
    if (!c) {
        return -1;
    }
    c->size = size;
    c->used = 0;
    c->next = a->head;
    POISON(c->data, size);
    a->head = c;
    a->last = NULL;
    a->total += size;
    return 0;
}

static void *arena_alloc(struct arena *a, size_t n)
{
    if (n > ARENA_MAX) {
        return NULL;
    }
    size_t need = round_up(sizeof(struct hdr) + (n ? n : 1));
    struct chunk *c = a->head;
    if ((!c || c->size - c->used < need) && grow(a, need)) {
        return NULL;
    }
    c = a->head;
    struct hdr *h = (struct hdr *)(c->data + c->used);
    UNPOISON(h, sizeof(*h) + n);
    h->size = n;
    c->used += need;
    a->used += need;
    a->last = h;
    return h + 1;
}

static void *hook_malloc(size_t n)
{
    struct arena *a = mine;
    if (a && a->active) {
        void *p = arena_alloc(a, n);
        if (p) {
            return p;
        }
    }
    return malloc(n);
}

static void hook_free(void *p)
{
    if (p && !owns(mine, p)) {
        free(p);
    }
}

static void *hook_realloc(void *p, size_t n)
{
    struct arena *a = mine;
    if (!p) {
        return hook_malloc(n);
    }
    if (!owns(a, p)) {
        return realloc(p, n);
    }
    struct hdr *h = (struct hdr *)p - 1;
    if (n <= h->size) {
        return p; /* shrinking keeps the block */
    }
    struct chunk *c = a->head;
    if (a->active && h == a->last && n <= ARENA_MAX) {
        /* the newest block: grow it in place when the chunk has room */
        size_t start = (size_t)((char *)h - c->data);
        size_t need = round_up(sizeof(struct hdr) + n);
        if (need <= c->size - start) {
            UNPOISON(h, sizeof(*h) + n);
            a->used += start + need - c->used;
            c->used = start + need;
            h->size = n;
            return p;
        }
    }
    void *q = hook_malloc(n);
    if (q) {
        memcpy(q, p, h->size);
    }
    return q;
}

static char *hook_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = hook_malloc(n);
    if (d) {
        memcpy(d, s, n);
    }
    return d;
}

static void init_once(void)
{
    key_err = pthread_key_create(&key, arena_destroy);
    if (!key_err) {
        key_err = xmlMemSetup(hook_free, hook_malloc, hook_realloc, hook_strdup);
    }
    installed = !key_err;
}

int nf_xml_arena_install(void)
{
    pthread_once(&once, init_once);
    return installed ? 0 : NF_ERR_NOMEM;
}

int nf_xml_arena_installed(void)
{
    return installed;
}

int nf_xml_arena_begin(void)
{
    if (!installed) {
        return 0;
    }
    struct arena *a = mine;
    if (!a) {
        if (!(a = calloc(1, sizeof(*a)))) {
            return NF_ERR_NOMEM;
        }
        if (pthread_setspecific(key, a)) {
            free(a);
            return NF_ERR_NOMEM;
        }
        mine = a;
    }
    a->used = 0;
    a->active = 1;
    return 0;
}

void nf_xml_arena_end(void)
{
    struct arena *a = mine;
    if (!a || !a->active) {
        return;
    }
    /* libxml2 keeps a copy of the last parse error (with strings from this scope) in a global:
     * drop it before its strings go */
    xmlResetLastError();
    a->active = 0;
    a->last = NULL;
    /* keep the largest chunk, if not too large, for the next page */
    struct chunk *keep = NULL;
    for (struct chunk *c = a->head; c; c = c->next) {
        if (c->size <= CHUNK_KEEP && (!keep || c->size > keep->size)) {
            keep = c;
        }
    }
    struct chunk *c = a->head;
    while (c) {
        struct chunk *next = c->next;
        if (c != keep) {
            UNPOISON(c->data, c->size);
            free(c);
        }
        c = next;
    }
    a->head = keep;
    a->total = keep ? keep->size : 0;
    if (keep) {
        keep->next = NULL;
        POISON(keep->data, keep->used);
        keep->used = 0;
    }
}

void nf_xml_arena_thread_free(void)
{
    struct arena *a = mine;
    if (a && !a->active) {
        mine = NULL;
        pthread_setspecific(key, NULL);
        arena_destroy(a);
    }
}

size_t nf_xml_arena_used(void)
{
    return mine ? mine->used : 0;
}
