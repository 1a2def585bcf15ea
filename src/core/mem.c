/* mem.c - aborting allocators. */
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "allhands: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ah_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        oom(n);
    return p;
}

void *ah_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        oom(n * size);
    return p;
}

void *ah_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        oom(n);
    return q;
}

char *ah_xstrndup(const char *s, size_t n)
{
    char *p = ah_xmalloc(ah_size_add(n, 1));

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ah_xstrdup(const char *s)
{
    return ah_xstrndup(s, strlen(s));
}

size_t ah_size_add(size_t a, size_t b)
{
    if (a > (size_t)-1 - b) {
        fprintf(stderr, "allhands: size overflow\n");
        abort();
    }
    return a + b;
}
