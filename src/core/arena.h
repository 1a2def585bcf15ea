/* arena.h - request memory: many small allocations freed at once.
 * What a request handler allocates here dies with the request; never free it. */
#ifndef AH_CORE_ARENA_H
#define AH_CORE_ARENA_H

#include <stddef.h>

#include "core/str.h"

struct ah_arena_chunk;

struct ah_arena {
    struct ah_arena_chunk *head;
    char first[4096]; /* most requests never leave this */
    size_t first_used;
};

/* Fills a as empty. */
void ah_arena_init(struct ah_arena *a);
/* Frees everything allocated from a; a may be reused after ah_arena_init. */
void ah_arena_release(struct ah_arena *a);
/* n bytes aligned for any type; aborts when memory is exhausted. */
void *ah_arena_alloc(struct ah_arena *a, size_t n);
/* A NUL-terminated copy of p[0..n). */
char *ah_arena_strndup(struct ah_arena *a, const char *p, size_t n);
char *ah_arena_strdup(struct ah_arena *a, const char *s);

#endif
