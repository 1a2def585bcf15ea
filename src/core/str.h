/* str.h - struct ah_str, a borrowed (pointer, length) view that is never
 * freed, and the parsers and checks for text that enters from outside. */
#ifndef AH_CORE_STR_H
#define AH_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct ah_str {
    const char *p;
    size_t len;
};

#define AH_STR_LIT(s) ((struct ah_str){(s), sizeof(s) - 1})
#define AH_STR_NULL ((struct ah_str){NULL, 0})

/* A view of a C string; NULL gives the null view. */
struct ah_str ah_str_c(const char *s);
bool ah_str_eq(struct ah_str a, struct ah_str b);
bool ah_str_eq_c(struct ah_str a, const char *s);
bool ah_str_is_null(struct ah_str s);
/* Case-insensitive ASCII comparison. */
bool ah_str_ieq_c(struct ah_str a, const char *s);
/* Lower-cases the ASCII letters of the NUL-terminated s in place. */
void ah_str_lower(char *s);
/* s without leading and trailing ASCII white space. */
struct ah_str ah_str_trim(struct ah_str s);

/* Parses a whole decimal integer (optional leading '-') within [min, max].
 * AH_E_INVALID names the text when it is empty, not a number or out of range. */
enum ah_err ah_parse_i64(struct ah_str s, int64_t min, int64_t max, int64_t *out,
                         struct ah_error *err);

/* True when p[0..n) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF) and holds no NUL byte. */
bool ah_utf8_valid(const char *p, size_t n);
/* Number of code points in valid UTF-8. */
size_t ah_utf8_count(const char *p, size_t n);

/* The index of s among names[0..n), in *out; false when it is none of them. */
bool ah_str_index(struct ah_str s, const char *const *names, size_t n, int *out);

#endif
