/* textvec.h - a customer's question as a weighted vector of terms, for
 * grouping repeated questions (domain/groups.c).
 *
 * A text is case-folded, split into words, its language guessed from its
 * stop words, stop words dropped, each word stemmed by Snowball for that
 * language and stripped of accents; every word also gives its character
 * trigrams, so that a typo still shares most of its terms with the word
 * meant. Terms are positive 62-bit hashes, with bit 62 set for trigrams
 * (ah_tv_is_gram). Weights are TF-IDF with document
 * frequencies the caller keeps (the store's terms table). */
#ifndef AH_CORE_TEXTVEC_H
#define AH_CORE_TEXTVEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"

#define AH_TV_MAX_WORDS 256  /* words read from a text; the rest is ignored */
#define AH_TV_GRAM_BIT (INT64_C(1) << 62)

enum ah_tv_kind { AH_TV_WORD, AH_TV_GRAM };

struct ah_tv_term {
    int64_t term;          /* > 0 */
    enum ah_tv_kind kind;
    uint32_t tf;           /* times in the text */
    uint32_t parent;       /* AH_TV_GRAM: the index in terms of one word it came from */
    const char *word;      /* AH_TV_WORD: the word first seen for it, folded, without
                              accents, not stemmed (a label); AH_TV_GRAM: NULL */
};

/* Word terms first (in order of first appearance), then gram terms; each
 * term once. */
struct ah_tv_doc {
    struct ah_tv_term *terms;
    size_t n;
    size_t nwords;         /* terms[0 .. nwords) are words */
    const char *lang;      /* the Snowball language used: "english", "french", ... */
};

/* A sparse vector, sorted by term, each term once. */
struct ah_tv_vec {
    int64_t *term;
    float *w;
    size_t n;
};

static inline bool ah_tv_is_gram(int64_t term) { return (term & AH_TV_GRAM_BIT) != 0; }

/* Parses text (UTF-8; an invalid byte is skipped and ends a word) into out,
 * allocated from a. Never fails on content: an empty or all-stop-word text
 * gives n == 0 (lang is then "english"; it is never NULL).
 *
 * A word is a run of letters, digits and marks after NFKC and case folding;
 * anything else splits words ("can't": "can", "t"). At most AH_TV_MAX_WORDS
 * words are read, dropped ones included. Dropped: words of one character,
 * numbers of more than 4 digits, words over 64 characters (keys, hashes),
 * and the stop words of the guessed language and of English. The language is
 * the one of english, french, german, spanish, italian, portuguese, dutch
 * with most stop words in the text; English on a tie with it.
 *
 * A word term is the hash of the word's Snowball stem with accents then
 * stripped. A word with a letter and 3 characters or more also gives the
 * trigrams of "^word$", word folded and without accents (not stemmed); a
 * gram in several words has the first as parent; tf counts every repeat.
 * Terms are the same on every run and machine: they are stored. Safe to call
 * from several threads at once. */
void ah_tv_parse(struct ah_arena *a, struct ah_str text, struct ah_tv_doc *out);

/* Weighs d into out (from a), L2-normalised. df[i] is the document
 * frequency of d->terms[i] for word terms (gram entries are ignored; df may
 * be NULL: all 0), docs the number of documents counted: a word weighs
 * (1 + ln tf) * idf^1.5 with idf = ln((docs + 1) / (df + 1)) + 1, df clamped to
 * [0, docs]. The grams of a word share gram_share times its weight, in L2
 * norm: a gram weighs gram_share * w * tf / sqrt(S), S the sum of tf² over
 * the grams with the same parent.
 * gram_share <= 0 (or NaN) leaves grams out; past 1e6 it is 1e6. */
void ah_tv_weigh(struct ah_arena *a, const struct ah_tv_doc *d, const int64_t *df, int64_t docs,
                 double gram_share, struct ah_tv_vec *out);

/* The dot product of x and y, and the L2 norm of x, summed in double. */
double ah_tv_dot(const struct ah_tv_vec *x, const struct ah_tv_vec *y);
double ah_tv_norm(const struct ah_tv_vec *x);

/* out = x + scale * y (from a), summed in double, entries <= 0 dropped and
 * past FLT_MAX held at it, cut to the max heaviest (max 0: no cut; ties
 * keep the smaller term). out may not alias x or y. */
void ah_tv_add(struct ah_arena *a, const struct ah_tv_vec *x, const struct ah_tv_vec *y,
               double scale, size_t max, struct ah_tv_vec *out);

/* Writes into idx (room for k) the indexes of x's k heaviest entries (fewer
 * if x is shorter), heaviest first, ties by smaller term; words_only skips
 * grams. Returns how many. */
size_t ah_tv_top(const struct ah_tv_vec *x, size_t k, bool words_only, size_t *idx);

/* A compact text form for the store, and back: base64 (RFC 4648, no
 * padding) of each entry's term as 8 bytes and weight as a float's 4 bytes,
 * little-endian, so 16 characters an entry, exact; the empty vector is "".
 * encode appends to out: AH_E_INVALID when x is not a vector as above
 * (terms > 0 rising, weights finite), AH_E_TOO_LARGE past out's cap, out
 * unchanged on either. decode reads a whole C string into out (from a), set
 * only on success; it rejects anything encode did not write (AH_E_INVALID). */
enum ah_err ah_tv_encode(const struct ah_tv_vec *x, struct ah_buf *out, struct ah_error *err);
enum ah_err ah_tv_decode(struct ah_arena *a, const char *s, struct ah_tv_vec *out,
                         struct ah_error *err);

#endif
