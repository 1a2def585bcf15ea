/* mem.h - allocation that aborts on exhaustion, and checked size arithmetic.
 * Out of memory is not an error allhands recovers from; a cap is. */
#ifndef AH_CORE_MEM_H
#define AH_CORE_MEM_H

#include <stddef.h>

/* Like malloc/calloc/realloc/strdup but never return NULL (abort instead).
 * The caller frees the result with free(). */
void *ah_xmalloc(size_t n);
void *ah_xcalloc(size_t n, size_t size);
void *ah_xrealloc(void *p, size_t n);
char *ah_xstrdup(const char *s);
char *ah_xstrndup(const char *s, size_t n);

/* a + b, aborting on overflow: sizes from input are capped before this. */
size_t ah_size_add(size_t a, size_t b);

#endif
