/* fuzz_textvec.c - the input as a question and as a stored vector. As a
 * question it parses (twice, alike) into terms that keep their contract:
 * words then grams, each term once, kinds by bit 62, grams' parents words,
 * labels valid UTF-8, at most AH_TV_MAX_WORDS words; it weighs (df all zero)
 * into a unit vector sorted by term, which encodes and decodes back to the
 * bit, cancels against itself and cuts to its heaviest. As a stored vector
 * (up to its first NUL) it decodes, or is refused as invalid; what decodes
 * encodes back to the same text. No store is opened. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/textvec.h"
#include "fuzz.h"

static int cmp_term(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static void check_doc(const struct ah_tv_doc *d)
{
    int64_t *seen = malloc((d->n + 1) * sizeof(*seen));

    CHECK(seen != NULL && d->lang != NULL);
    CHECK(d->nwords <= d->n && d->nwords <= AH_TV_MAX_WORDS);
    for (size_t i = 0; i < d->n; i++) {
        const struct ah_tv_term *t = &d->terms[i];

        CHECK(t->term > 0 && t->tf >= 1);
        if (i < d->nwords) {
            CHECK(t->kind == AH_TV_WORD && !ah_tv_is_gram(t->term) && t->word != NULL);
            CHECK(t->word[0] != '\0' && ah_utf8_valid(t->word, strlen(t->word)));
        } else {
            CHECK(t->kind == AH_TV_GRAM && ah_tv_is_gram(t->term) && t->word == NULL);
            CHECK(t->parent < d->nwords);
        }
        seen[i] = t->term;
    }
    qsort(seen, d->n, sizeof(*seen), cmp_term);
    for (size_t i = 1; i < d->n; i++)
        CHECK(seen[i] != seen[i - 1]);
    free(seen);
}

static void check_same_doc(const struct ah_tv_doc *d, const struct ah_tv_doc *e)
{
    CHECK(d->n == e->n && d->nwords == e->nwords && strcmp(d->lang, e->lang) == 0);
    for (size_t i = 0; i < d->n; i++)
        CHECK(d->terms[i].term == e->terms[i].term && d->terms[i].tf == e->terms[i].tf);
}

static void check_vec(const struct ah_tv_vec *v)
{
    for (size_t i = 0; i < v->n; i++) {
        CHECK(v->term[i] > 0 && (i == 0 || v->term[i] > v->term[i - 1]));
        CHECK(isfinite(v->w[i]) && v->w[i] > 0);
    }
}

/* Encodes v, decodes it back to the bit; then the arithmetic on it. */
static void check_round_trip(struct ah_arena *a, const struct ah_tv_vec *v)
{
    struct ah_error err;
    struct ah_buf b;
    struct ah_tv_vec back, sum;
    size_t idx[8], k;

    ah_buf_init(&b, SIZE_MAX / 2);
    CHECK(ah_tv_encode(v, &b, &err) == AH_OK && b.len == 16 * v->n);
    CHECK(ah_tv_decode(a, ah_buf_cstr(&b), &back, &err) == AH_OK && back.n == v->n);
    CHECK(v->n == 0 || (memcmp(back.term, v->term, v->n * sizeof(*v->term)) == 0 &&
                        memcmp(back.w, v->w, v->n * sizeof(*v->w)) == 0));
    ah_buf_release(&b);
    ah_tv_add(a, v, &back, -1, 0, &sum);
    CHECK(sum.n == 0);
    ah_tv_add(a, v, &back, 1, 5, &sum);
    CHECK(sum.n == (v->n < 5 ? v->n : 5));
    check_vec(&sum);
    k = ah_tv_top(v, 8, true, idx);
    CHECK(k <= 8 && k <= v->n);
    for (size_t i = 0; i < k; i++) {
        CHECK(idx[i] < v->n && !ah_tv_is_gram(v->term[idx[i]]));
        CHECK(i == 0 || v->w[idx[i - 1]] > v->w[idx[i]] ||
              (v->w[idx[i - 1]] == v->w[idx[i]] && v->term[idx[i - 1]] < v->term[idx[i]]));
    }
}

static void check_question(struct ah_arena *a, const uint8_t *data, size_t size)
{
    struct ah_tv_doc d, e;
    struct ah_tv_vec v;
    int64_t *df;

    ah_tv_parse(a, (struct ah_str){(const char *)data, size}, &d);
    check_doc(&d);
    df = calloc(d.n + 1, sizeof(*df));
    CHECK(df != NULL);
    ah_tv_parse(a, (struct ah_str){(const char *)data, size}, &e);
    check_same_doc(&d, &e);
    ah_tv_weigh(a, &d, df, 0, 0.5, &v);
    free(df);
    check_vec(&v);
    CHECK(v.n == d.n);
    CHECK(v.n == 0 || fabs(ah_tv_norm(&v) - 1) < 1e-5);
    CHECK(v.n == 0 || fabs(ah_tv_dot(&v, &v) - 1) < 1e-5);
    check_round_trip(a, &v);
}

/* The input up to its first NUL as a stored vector. */
static void check_stored(struct ah_arena *a, const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    struct ah_error err;
    struct ah_tv_vec v;
    struct ah_buf b;
    enum ah_err rc;

    CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    rc = ah_tv_decode(a, s, &v, &err);
    if (rc) {
        CHECK(rc == AH_E_INVALID && err.code == rc);
        free(s);
        return;
    }
    for (size_t i = 0; i < v.n; i++)
        CHECK(v.term[i] > 0 && (i == 0 || v.term[i] > v.term[i - 1]) && isfinite(v.w[i]));
    ah_buf_init(&b, SIZE_MAX / 2);
    CHECK(ah_tv_encode(&v, &b, &err) == AH_OK);
    CHECK(strcmp(ah_buf_cstr(&b), s) == 0);
    ah_buf_release(&b);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ah_arena a;

    ah_arena_init(&a);
    check_question(&a, data, size);
    check_stored(&a, data, size);
    ah_arena_release(&a);
    return 0;
}
