/* fuzz.h - what the fuzz targets share: a check that holds under NDEBUG and
 * names the broken invariant, the test of a decoded string, and the oracle
 * for ah_ticket_search_query, which both the body and the URL reach. */
#ifndef AH_TESTS_FUZZ_H
#define AH_TESTS_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/limits.h"
#include "core/str.h"
#include "domain/ticket.h"

/* Words kept by ah_ticket_search_query: MAX_SEARCH_TERMS in domain/ticket.c. */
#define FUZZ_SEARCH_TERMS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) ((c) ? (void)0 : fuzz_fail(#c, __FILE__, __LINE__))

__attribute__((noreturn)) static inline void fuzz_fail(const char *what, const char *file,
                                                       int line)
{
    fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    abort();
}

/* True when s is set, NUL-terminated just past its length and valid UTF-8. */
static inline bool fuzz_text_ok(struct ah_str s)
{
    return s.p && s.p[s.len] == '\0' && ah_utf8_valid(s.p, s.len);
}

/* The next word of t from *i, split on space and tab as the query does. */
static inline struct ah_str fuzz_next_word(struct ah_str t, size_t *i)
{
    size_t start;

    while (*i < t.len && (t.p[*i] == ' ' || t.p[*i] == '\t'))
        (*i)++;
    start = *i;
    while (*i < t.len && t.p[*i] != ' ' && t.p[*i] != '\t')
        (*i)++;
    return (struct ah_str){t.p + start, *i - start};
}

/* Checks that q holds word at *at as "word" with each '"' doubled; moves *at past it. */
static inline void fuzz_check_quoted(struct ah_str q, size_t *at, struct ah_str word)
{
    size_t j = *at;

    CHECK(j < q.len && q.p[j] == '"');
    j++;
    for (size_t k = 0; k < word.len; k++) {
        CHECK(j < q.len && q.p[j] == word.p[k]);
        j++;
        if (word.p[k] == '"') {
            CHECK(j < q.len && q.p[j] == '"');
            j++;
        }
    }
    CHECK(j < q.len && q.p[j] == '"');
    *at = j + 1;
}

/* Runs the search query builder on text: it fails only for text over the cap
 * or without a word, and otherwise quotes the first words, nothing else. */
static inline void fuzz_check_search(struct ah_ctx *cx, struct ah_str text)
{
    struct ah_str q = AH_STR_NULL, w;
    struct ah_error err;
    size_t i = 0, at = 0, terms = 0;
    enum ah_err rc = ah_ticket_search_query(cx, text, &q, &err);

    if (rc) {
        CHECK(rc == AH_E_INVALID && err.code == rc);
        CHECK(text.len > AH_MAX_QUERY || fuzz_next_word(text, &i).len == 0);
        return;
    }
    CHECK(text.len <= AH_MAX_QUERY && q.p && q.p[q.len] == '\0');
    while (terms < FUZZ_SEARCH_TERMS && (w = fuzz_next_word(text, &i)).len) {
        if (terms) {
            CHECK(at < q.len && q.p[at] == ' ');
            at++;
        }
        fuzz_check_quoted(q, &at, w);
        terms++;
    }
    CHECK(terms > 0 && at == q.len);
}

#endif
