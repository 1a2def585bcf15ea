/* arena.c - chunked bump allocator for request memory. */
#include "core/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct ah_arena_chunk {
    struct ah_arena_chunk *next;
    size_t used, size;
    alignas(max_align_t) char data[];
};

#define ALIGN(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

void ah_arena_init(struct ah_arena *a)
{
    a->head = NULL;
    a->first_used = 0;
}

void ah_arena_release(struct ah_arena *a)
{
    struct ah_arena_chunk *c = a->head;

    while (c) {
        struct ah_arena_chunk *next = c->next;

        free(c);
        c = next;
    }
    ah_arena_init(a);
}

void *ah_arena_alloc(struct ah_arena *a, size_t n)
{
    struct ah_arena_chunk *c;
    size_t size;

    n = ALIGN(ah_size_add(n, alignof(max_align_t))); /* the add aborts before ALIGN wraps */
    if (!a->head && sizeof(a->first) - a->first_used >= n) {
        /* first is not max-aligned by itself: align the offset from a real address */
        uintptr_t base = (uintptr_t)(a->first + a->first_used);
        size_t pad = (size_t)(ALIGN(base) - base);

        if (sizeof(a->first) - a->first_used >= n + pad) {
            void *p = a->first + a->first_used + pad;

            a->first_used += n + pad;
            return p;
        }
    }
    c = a->head;
    if (c && c->size - c->used >= n) {
        void *p = c->data + c->used;

        c->used += n;
        return p;
    }
    size = n > 16384 ? n : 16384;
    c = ah_xmalloc(ah_size_add(sizeof(*c), size));
    c->size = size;
    c->used = n;
    if (a->head && n > 16384) {
        /* a big one-off: keep the current chunk in front for small ones */
        c->next = a->head->next;
        a->head->next = c;
    } else {
        c->next = a->head;
        a->head = c;
    }
    return c->data;
}

char *ah_arena_strndup(struct ah_arena *a, const char *p, size_t n)
{
    char *s = ah_arena_alloc(a, n + 1);

    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

char *ah_arena_strdup(struct ah_arena *a, const char *s)
{
    return ah_arena_strndup(a, s, strlen(s));
}
