/* arena.h - a bump allocator for libxml2 while it parses one page and extract.c walks the tree.
 * Private to stages/clean/.
 *
 * Building a tree of a 100 KB page takes tens of thousands of small allocations and as many
 * frees; with malloc they cost about a third of the stage's time. Inside a scope
 * (nf_xml_arena_begin .. nf_xml_arena_end) libxml2 allocates from per-thread chunks instead and
 * its frees do nothing; the end of the scope takes everything back at once. Outside a scope,
 * and in threads that never opened one, libxml2 allocates with malloc as usual, so the hooks are
 * safe to install while other code uses libxml2.
 *
 * glibc's obstack was the library candidate: it returns its chunks to malloc on every reset
 * (page faults on every page again) and has no realloc, which libxml2 needs.
 */
#ifndef NF_CLEAN_ARENA_H
#define NF_CLEAN_ARENA_H

#include <stddef.h>

/* Route libxml2's allocations through the arena hooks (xmlMemSetup), once per process; later
 * calls do nothing. Returns 0 or NF_ERR_NOMEM (thread key). */
int nf_xml_arena_install(void);

/* Whether nf_xml_arena_install has run. */
int nf_xml_arena_installed(void);

/* Open the calling thread's scope: libxml2 allocations of this thread come from its arena
 * until nf_xml_arena_end. Scopes do not nest. Returns 0, or NF_ERR_NOMEM when the first chunk
 * cannot be allocated (libxml2 then simply uses malloc). */
int nf_xml_arena_begin(void);

/* Close the scope: everything libxml2 allocated in it is gone (the caller has freed the
 * document). Keeps up to a few MiB of chunks for the next page, returns the rest. */
void nf_xml_arena_end(void);

/* Free the calling thread's arena (other threads' go when they exit). Not within a scope. */
void nf_xml_arena_thread_free(void);

/* Bytes handed out in the calling thread's current (or last) scope, for tests. */
size_t nf_xml_arena_used(void);

#endif
