/* textmatch.h - many phrases and regular expressions matched over one text
 * at once. Phrases match case-insensitively (Unicode case folding, through
 * utf8proc), on word boundaries, with any run of white space in the text
 * matching one space of the phrase and a typographic apostrophe (U+2019)
 * matching "'"; they are found in one pass of an Aho-Corasick automaton over
 * the folded text. Folding is utf8proc's, per code point: full case folding
 * ("ß" matches "ss") and canonical decomposition (a precomposed "é" matches
 * "e" + U+0301). A word boundary is where the code point on that side is not
 * a letter, mark, digit or '_' (or is the end of the text); a phrase that
 * begins or ends with another character, as "(beta)", needs none on that
 * side. A hit starts and ends on code points of the text. Regular
 * expressions are PCRE2, compiled caseless, UTF and UCP, with JIT (\C, one
 * byte of a character, is refused). A set is
 * built once and is then read-only: threads share it. Texts must be valid
 * UTF-8 (ah_tm_scan checks and refuses others). */
#ifndef AH_CORE_TEXTMATCH_H
#define AH_CORE_TEXTMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

enum ah_tm_kind { AH_TM_PHRASE = 1, AH_TM_REGEX = 2 };

struct ah_tm_pattern {
    enum ah_tm_kind kind;
    const char *text; /* NUL-terminated UTF-8 */
};

struct ah_tm_set;

/* Checks one pattern as ah_tm_compile would: AH_E_INVALID with a message
 * such as "PCRE2 error at offset 3: missing closing parenthesis" and the
 * offset (in bytes, -1 when none applies) for a bad regular expression; for
 * a phrase with no word in it, or a pattern over AH_TM_PATTERN_MAX bytes. */
#define AH_TM_PATTERN_MAX 1000
enum ah_err ah_tm_check(enum ah_tm_kind kind, const char *text, long *offset,
                        struct ah_error *err);

/* The longest text ah_tm_scan and ah_tm_which take (AH_E_TOO_LARGE past
 * it): a message body is at most 128 KB; the scan keeps a folded copy and
 * an offset map, about 5 bytes per byte of text. */
#define AH_TM_TEXT_MAX (1024 * 1024)

/* Builds a set of n patterns (n may be 0); pattern i is reported as i. The
 * caller frees the set with ah_tm_free (NULL: nothing). AH_E_INVALID as
 * ah_tm_check says, with "pattern i: " before the message. */
enum ah_err ah_tm_compile(const struct ah_tm_pattern *p, size_t n, struct ah_tm_set **out,
                          struct ah_error *err);
void ah_tm_free(struct ah_tm_set *set);
size_t ah_tm_count(const struct ah_tm_set *set);

struct ah_tm_hit {
    uint32_t pattern;
    size_t byte_start, byte_end; /* end exclusive */
    size_t u16_start, u16_end;   /* the same span in UTF-16 code units */
};

/* Every match in text of the patterns whose bit is set in want (NULL: all;
 * bit i is want[i / 8] & (1 << (i % 8))): per pattern the leftmost
 * non-overlapping matches, at most max_hits in all; hits sorted by
 * byte_start then pattern, in a (*hits NULL when none). A regular
 * expression's empty matches are not hits (the search moves on by one code
 * point), nor are its matches after PCRE2 gives up at its match limit.
 * AH_E_INVALID for text that is not UTF-8 (NUL bytes are fine),
 * AH_E_TOO_LARGE for text over AH_TM_TEXT_MAX. Thread-safe. */
enum ah_err ah_tm_scan(const struct ah_tm_set *set, const char *text, size_t len,
                       const uint8_t *want, size_t max_hits, struct ah_arena *a,
                       struct ah_tm_hit **hits, size_t *nhits, struct ah_error *err);

/* Which of the wanted patterns (NULL: all) match text at least once: sets
 * bit i of matched (which holds (count + 7) / 8 bytes, cleared here) for
 * each. Stops scanning a regular expression at its first match (not empty),
 * and the phrases once all the wanted ones matched. Errors as ah_tm_scan. */
enum ah_err ah_tm_which(const struct ah_tm_set *set, const char *text, size_t len,
                        const uint8_t *want, uint8_t *matched, struct ah_error *err);

#endif
