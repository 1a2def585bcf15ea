/* test_textvec.c - src/core/textvec.c: a question as a term vector. Stems
 * and typos (reset/resetting, pasword), accents, folding and apostrophes,
 * the language guess and the stop words it drops, the caps (words read,
 * long words, numbers, a 1 MB text), empty and invalid UTF-8, terms that
 * never change, TF-IDF weights, dot, add, top, the text form and what its
 * reader refuses, and threads. No database. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/textvec.h"
#include "fixture.h"

/* ---- helpers ---- */

static int arena_setup(void **state)
{
    *state = fx_arena_new(sizeof(struct ah_arena));
    return 0;
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, arena_setup, fx_arena_teardown)

static struct ah_tv_doc parse(struct ah_arena *a, const char *text)
{
    struct ah_tv_doc d;

    ah_tv_parse(a, ah_str_c(text), &d);
    assert_non_null(d.lang);
    assert_true(d.nwords <= d.n);
    return d;
}

/* The labels of d's word terms, in order, joined by spaces, in a. */
static const char *words(struct ah_arena *a, const struct ah_tv_doc *d)
{
    struct ah_buf b;
    const char *s;

    ah_buf_init(&b, 1 << 20);
    for (size_t i = 0; i < d->nwords; i++) {
        assert_int_equal(d->terms[i].kind, AH_TV_WORD);
        assert_non_null(d->terms[i].word);
        assert_true(ah_buf_appendf(&b, NULL, "%s%s", i ? " " : "", d->terms[i].word) == AH_OK);
    }
    s = ah_arena_strdup(a, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return s;
}

/* The index of term in d, or -1. */
static long find(const struct ah_tv_doc *d, int64_t term)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->terms[i].term == term)
            return (long)i;
    return -1;
}

/* The word term labelled w in d; fails the test when there is none. */
static int64_t word_term(const struct ah_tv_doc *d, const char *w)
{
    for (size_t i = 0; i < d->nwords; i++)
        if (strcmp(d->terms[i].word, w) == 0)
            return d->terms[i].term;
    fail_msg("no word term labelled %s", w);
    return 0;
}

/* Gram terms of d also in e. */
static size_t shared_grams(const struct ah_tv_doc *d, const struct ah_tv_doc *e)
{
    size_t k = 0;

    for (size_t i = d->nwords; i < d->n; i++)
        k += find(e, d->terms[i].term) >= 0;
    return k;
}

/* Fails unless d and e hold the same terms, in the same order, with the same
 * counts, parents and labels. */
static void assert_same_terms(const struct ah_tv_doc *d, const struct ah_tv_doc *e)
{
    assert_int_equal(d->n, e->n);
    assert_int_equal(d->nwords, e->nwords);
    for (size_t i = 0; i < d->n; i++) {
        assert_int_equal(d->terms[i].term, e->terms[i].term);
        assert_int_equal(d->terms[i].tf, e->terms[i].tf);
        if (i < d->nwords)
            assert_string_equal(d->terms[i].word, e->terms[i].word);
        else
            assert_int_equal(d->terms[i].parent, e->terms[i].parent);
    }
}

static struct ah_tv_vec weigh(struct ah_arena *a, const struct ah_tv_doc *d, double gram_share)
{
    struct ah_tv_vec v;

    ah_tv_weigh(a, d, NULL, 0, gram_share, &v);
    return v;
}

static struct ah_tv_vec vec(struct ah_arena *a, size_t n, const int64_t *term, const float *w)
{
    struct ah_tv_vec v = {ah_arena_alloc(a, (n + 1) * sizeof(int64_t)),
                          ah_arena_alloc(a, (n + 1) * sizeof(float)), n};

    if (n) {
        memcpy(v.term, term, n * sizeof(*term));
        memcpy(v.w, w, n * sizeof(*w));
    }
    return v;
}

static void assert_sorted(const struct ah_tv_vec *v)
{
    for (size_t i = 0; i < v->n; i++) {
        assert_true(v->term[i] > 0);
        assert_true(i == 0 || v->term[i] > v->term[i - 1]);
    }
}

/* ---- words, stems and grams ---- */

static void test_textvec_reset_and_resetting_share_the_stem(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "Password reset");
    struct ah_tv_doc e = parse(a, "password resetting");

    assert_string_equal(words(a, &d), "password reset");
    assert_string_equal(words(a, &e), "password resetting");
    assert_int_equal(d.terms[0].term, e.terms[0].term);
    assert_int_equal(d.terms[1].term, e.terms[1].term);
    assert_string_equal(d.lang, "english");
}

static void test_textvec_typo_shares_most_trigrams(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "pasword");
    struct ah_tv_doc e = parse(a, "password");
    struct ah_tv_vec x, y;

    /* ^pa pas asw swo wor ord rd$ against ^pa pas ass ssw swo wor ord rd$ */
    assert_int_equal(d.nwords, 1);
    assert_int_equal(d.n - d.nwords, 7);
    assert_int_equal(e.n - e.nwords, 8);
    assert_int_equal(shared_grams(&d, &e), 6);
    assert_true(d.terms[0].term != e.terms[0].term);
    for (size_t i = d.nwords; i < d.n; i++) {
        assert_int_equal(d.terms[i].kind, AH_TV_GRAM);
        assert_true(ah_tv_is_gram(d.terms[i].term));
        assert_int_equal(d.terms[i].parent, 0);
        assert_null(d.terms[i].word);
    }
    /* the grams make the two alike; without them they have nothing in common */
    x = weigh(a, &d, 1.0);
    y = weigh(a, &e, 1.0);
    assert_true(ah_tv_dot(&x, &y) > 0.3);
    x = weigh(a, &d, 0);
    y = weigh(a, &e, 0);
    assert_true(ah_tv_dot(&x, &y) == 0);
}

static void test_textvec_grams_count_repeats_and_skip_short_words(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "login login go 404");
    struct ah_tv_doc e = parse(a, "blog login");
    long i;

    /* go and 404 are words, but give no grams: too short, and a number */
    assert_string_equal(words(a, &d), "login go 404");
    assert_int_equal(d.terms[0].tf, 2);
    assert_int_equal(d.n - d.nwords, 5); /* ^lo log ogi gin in$ */
    for (size_t k = d.nwords; k < d.n; k++) {
        assert_int_equal(d.terms[k].tf, 2);
        assert_int_equal(d.terms[k].parent, 0);
    }
    /* "log" comes from blog first: login's copy counts, with blog as parent */
    i = find(&e, d.terms[d.nwords + 1].term);
    assert_true(i >= (long)e.nwords);
    assert_int_equal(e.terms[i].tf, 2);
    assert_int_equal(e.terms[i].parent, 0);
}

static void test_textvec_terms_never_change(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "password");

    /* stored in the terms table and in group vectors: a change here orphans them.
     * FNV-1a of "password" and of "^pa" (its first gram), then MurmurHash3's finaliser */
    assert_int_equal(d.terms[0].term, INT64_C(2815101350437380988));
    assert_int_equal(d.terms[1].term, INT64_C(7943596456284536252));
    assert_true((d.terms[0].term & AH_TV_GRAM_BIT) == 0 && d.terms[0].term > 0);
}

/* ---- folding ---- */

static void test_textvec_french_accents_give_the_same_terms(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d =
        parse(a, "Je n'arrive pas à réinitialiser mon mot de passe, le problème persiste");
    struct ah_tv_doc e =
        parse(a, "je n arrive pas a reinitialiser mon mot de passe, le probleme persiste");
    struct ah_tv_doc f = parse(a, "J'ai oublié mon mot de passe");
    struct ah_tv_doc g = parse(a, "J'ai oublie mon mot de passe");

    assert_string_equal(d.lang, "french");
    assert_string_equal(e.lang, "french");
    assert_string_equal(words(a, &d), "arrive reinitialiser mot passe probleme persiste");
    assert_same_terms(&d, &e);
    /* Snowball stems oublié and oublie apart (accents go after the stem), so
     * those two share only their grams, which are made without accents */
    assert_int_equal(f.n - f.nwords, g.n - g.nwords);
    assert_int_equal(shared_grams(&f, &g), f.n - f.nwords);
}

static void test_textvec_folds_case_width_ligatures_and_soft_hyphens(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "Straße ﬁle ＰＡＳＳＷＯＲＤ pass\xC2\xADword CAFE\xCC\x81");
    struct ah_tv_doc e = parse(a, "STRASSE file password password café");

    assert_string_equal(words(a, &d), "strasse file password cafe");
    assert_same_terms(&d, &e);
}

static void test_textvec_apostrophes_and_short_words(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "I can't log in: the app’s l'ordinateur x y 7");

    /* can't: "can" (a stop word) and "t" (one letter); app’s: "app" and "s" */
    assert_string_equal(words(a, &d), "log app ordinateur");
}

static void test_textvec_long_numbers_dropped(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "order 1234567 of 2024 error 404 amount 12345 code 0042");

    assert_string_equal(words(a, &d), "order 2024 error 404 amount code 0042");
}

/* A word of n ASCII letters, in a. */
static char *letters(struct ah_arena *a, size_t n)
{
    char *s = ah_arena_alloc(a, n + 1);

    for (size_t i = 0; i < n; i++)
        s[i] = (char)('b' + i % 3);
    s[n] = '\0';
    return s;
}

static void test_textvec_word_of_64_kept_65_dropped(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, letters(a, 64));
    struct ah_tv_doc e = parse(a, letters(a, 65));

    assert_int_equal(d.nwords, 1);
    assert_int_equal(strlen(d.terms[0].word), 64);
    assert_int_equal(e.n, 0);
}

/* ---- language and stop words ---- */

static void test_textvec_guesses_the_language(void **state)
{
    struct ah_arena *a = *state;
    static const char *const cases[][2] = {
        {"german", "Ich kann mein Passwort nicht zurücksetzen, wenn ich auf den Link klicke"},
        {"english", "I cannot reset my password when I click the link"},
        {"french", "Je ne peux pas réinitialiser mon mot de passe quand je clique sur le lien"},
        {"spanish", "No puedo cambiar mi contraseña cuando hago clic en el enlace"},
        {"italian", "Non riesco a reimpostare la password quando clicco sul link"},
        {"portuguese", "Não consigo redefinir a minha senha quando clico no link"},
        {"dutch", "Ik kan mijn wachtwoord niet resetten als ik op de link klik"},
        {"german", "Hallo, mein Konto ist gesperrt. Danke und Grüße"},
        {"english", "Passwort"}, /* no stop word at all */
        {"english", ""},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ah_tv_doc d = parse(a, cases[i][1]);

        if (strcmp(d.lang, cases[i][0]) != 0)
            fail_msg("\"%s\": want %s, got %s", cases[i][1], cases[i][0], d.lang);
    }
}

static void test_textvec_german_text_is_stemmed_as_german(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "Ich kann mein Passwort nicht zurücksetzen, wenn ich auf den "
                                  "Link klicke");
    struct ah_tv_doc e = parse(a, "Das Zurücksetzen des Passworts");

    assert_string_equal(d.lang, "german");
    assert_string_equal(words(a, &d), "passwort zurucksetzen link klicke");
    assert_string_equal(e.lang, "german");
    /* German stems: Passworts is Passwort */
    assert_int_equal(word_term(&e, "passworts"), word_term(&d, "passwort"));
    assert_int_equal(word_term(&e, "zurucksetzen"), word_term(&d, "zurucksetzen"));
}

static void test_textvec_stop_words_dropped(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "Hello, the invoice of the order is wrong. Thanks!");
    struct ah_tv_doc e = parse(a, "Bonjour, la facture de the order est fausse, merci");
    struct ah_tv_doc f = parse(a, "the invoice and le order and die Rechnung");

    assert_string_equal(words(a, &d), "invoice order wrong");
    /* French text: French and English stop words go */
    assert_string_equal(e.lang, "french");
    assert_string_equal(words(a, &e), "facture order fausse");
    /* English text: only English ones; the others are words like any */
    assert_string_equal(f.lang, "english");
    assert_string_equal(words(a, &f), "invoice le order die rechnung");
}

static void test_textvec_all_stop_words_give_nothing(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "Is it that you have?");
    struct ah_tv_vec v = weigh(a, &d, 0.5);

    assert_int_equal(d.n, 0);
    assert_int_equal(v.n, 0);
    assert_true(ah_tv_norm(&v) == 0);
}

/* ---- bad and big input ---- */

static void test_textvec_empty_and_invalid_utf8(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d;

    ah_tv_parse(a, AH_STR_NULL, &d);
    assert_int_equal(d.n, 0);
    assert_string_equal(d.lang, "english");
    d = parse(a, "\xFF\xFE\xC3 \xED\xA0\x80 \xC0\xAF \xF4\x90\x80\x80 \xE2\x82");
    assert_int_equal(d.n, 0);
    /* an invalid byte is skipped and ends a word; what is around it stays */
    d = parse(a, "pass\xFFkey r\xC3\xA9gl\xC3" "age caf\xE9 r\xC3\xA9sum\xC3\xA9");
    assert_string_equal(words(a, &d), "pass key regl age caf resume");
}

/* The i-th of many distinct words that no language stops or stems together. */
static void nth_word(size_t i, char out[5])
{
    static const char c[] = "bcdfghjkmnpqrtvwxz";

    out[0] = 'q';
    out[1] = c[i % 18];
    out[2] = c[i / 18 % 18];
    out[3] = c[i / 324 % 18];
    out[4] = ' ';
}

static void test_textvec_reads_at_most_max_words(void **state)
{
    struct ah_arena *a = *state;
    size_t size = 1 << 20, n = size / 5;
    char *t = malloc(size + 1);
    char w[5];
    struct ah_tv_doc d;

    for (size_t i = 0; i < n; i++)
        nth_word(i, t + 5 * i);
    t[5 * n] = '\0';
    ah_tv_parse(a, (struct ah_str){t, 5 * n}, &d);
    assert_int_equal(d.nwords, AH_TV_MAX_WORDS);
    nth_word(AH_TV_MAX_WORDS - 1, w);
    assert_memory_equal(d.terms[AH_TV_MAX_WORDS - 1].word, w, 4);
    /* at the cap and one past it */
    ah_tv_parse(a, (struct ah_str){t, 5 * AH_TV_MAX_WORDS}, &d);
    assert_int_equal(d.nwords, AH_TV_MAX_WORDS);
    ah_tv_parse(a, (struct ah_str){t, 5 * (AH_TV_MAX_WORDS - 1)}, &d);
    assert_int_equal(d.nwords, AH_TV_MAX_WORDS - 1);
    /* dropped words count too: the cap bounds the work, not the terms */
    memcpy(t, "the ", 4);
    ah_tv_parse(a, (struct ah_str){t, 5 * n}, &d);
    assert_int_equal(d.nwords, AH_TV_MAX_WORDS - 1);
    /* one word of 1 MB, and 1 MB of separators before a word */
    memset(t, 'a', size);
    t[size] = '\0';
    d = parse(a, t);
    assert_int_equal(d.n, 0);
    memset(t, '!', size);
    memcpy(t + size - 6, "refund", 6);
    d = parse(a, t);
    assert_string_equal(words(a, &d), "refund");
    free(t);
}

/* ---- weights and arithmetic ---- */

static void test_textvec_weigh_gives_unit_norm(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "refund refund for a broken charger, the charger broke");
    int64_t *df = ah_arena_alloc(a, d.n * sizeof(*df));
    struct ah_tv_vec v, u;
    long refund, charger;

    for (double share = 0; share <= 2; share += 0.5) {
        v = weigh(a, &d, share);
        assert_sorted(&v);
        assert_true(fabs(ah_tv_norm(&v) - 1) < 1e-6);
        assert_int_equal(v.n, share > 0 ? d.n : d.nwords);
    }
    /* a word every document has weighs less than a rare one */
    for (size_t i = 0; i < d.n; i++)
        df[i] = strcmp(d.terms[i].word ? d.terms[i].word : "", "refund") == 0 ? 1000 : 1;
    ah_tv_weigh(a, &d, df, 1000, 0, &v);
    ah_tv_weigh(a, &d, NULL, 1000, 0, &u);
    assert_true(fabs(ah_tv_norm(&v) - 1) < 1e-6);
    refund = -1;
    charger = -1;
    for (size_t i = 0; i < v.n; i++) {
        if (v.term[i] == word_term(&d, "refund"))
            refund = (long)i;
        if (v.term[i] == word_term(&d, "charger"))
            charger = (long)i;
    }
    assert_true(refund >= 0 && charger >= 0);
    assert_true(v.w[refund] < v.w[charger]); /* tf 2 but in every document */
    assert_true(u.w[refund] > u.w[charger] * 0.99); /* with no df: tf alone */
    /* counts that raced (df past docs, below 0) still give a unit vector */
    for (size_t i = 0; i < d.n; i++)
        df[i] = i % 2 ? -5 : INT64_MAX;
    ah_tv_weigh(a, &d, df, 10, 0.5, &v);
    assert_true(fabs(ah_tv_norm(&v) - 1) < 1e-6);
    ah_tv_weigh(a, &d, df, -1, NAN, &v);
    assert_int_equal(v.n, d.nwords);
    assert_true(fabs(ah_tv_norm(&v) - 1) < 1e-6);
}

static void test_textvec_dot_of_identical_is_one(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "My invoice shows the wrong VAT number for my company");
    struct ah_tv_doc e = parse(a, "Cancel my subscription");
    struct ah_tv_vec x = weigh(a, &d, 0.5), y = weigh(a, &d, 0.5), z = weigh(a, &e, 0.5);

    assert_true(fabs(ah_tv_dot(&x, &y) - 1) < 1e-6);
    assert_true(ah_tv_dot(&x, &z) < 0.2);
    assert_true(fabs(ah_tv_dot(&x, &z) - ah_tv_dot(&z, &x)) < 1e-12);
}

static void test_textvec_add_scales_drops_and_cuts(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_vec x = vec(a, 3, (int64_t[]){1, 5, 9}, (float[]){1, 2, 3});
    struct ah_tv_vec y = vec(a, 3, (int64_t[]){2, 5, 9}, (float[]){4, 1, 3});
    struct ah_tv_vec tie = vec(a, 2, (int64_t[]){4, 3}, (float[]){1, 1});
    struct ah_tv_vec out;

    ah_tv_add(a, &x, &y, 1, 0, &out);
    assert_int_equal(out.n, 4);
    assert_memory_equal(out.term, ((int64_t[]){1, 2, 5, 9}), 4 * sizeof(int64_t));
    assert_memory_equal(out.w, ((float[]){1, 4, 3, 6}), 4 * sizeof(float));
    /* x - y: 9 cancels, 2 goes negative, both dropped */
    ah_tv_add(a, &x, &y, -1, 0, &out);
    assert_int_equal(out.n, 2);
    assert_memory_equal(out.term, ((int64_t[]){1, 5}), 2 * sizeof(int64_t));
    assert_memory_equal(out.w, ((float[]){1, 1}), 2 * sizeof(float));
    /* the heaviest of 1, 4, 3, 6, still by term; a tie keeps the smaller term */
    ah_tv_add(a, &x, &y, 1, 2, &out);
    assert_int_equal(out.n, 2);
    assert_memory_equal(out.term, ((int64_t[]){2, 9}), 2 * sizeof(int64_t));
    assert_memory_equal(out.w, ((float[]){4, 6}), 2 * sizeof(float));
    ah_tv_add(a, &x, &y, 1, 3, &out);
    assert_memory_equal(out.term, ((int64_t[]){2, 5, 9}), 3 * sizeof(int64_t));
    ah_tv_add(a, &tie, &(struct ah_tv_vec){0}, 1, 1, &out);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.term[0], 3);
    /* onto nothing */
    ah_tv_add(a, &(struct ah_tv_vec){0}, &y, 2, 0, &out);
    assert_memory_equal(out.w, ((float[]){8, 2, 6}), 3 * sizeof(float));
    /* a float holds no more than FLT_MAX */
    ah_tv_add(a, &x, &y, 1e300, 0, &out);
    assert_true(isfinite(out.w[0]) && isfinite(out.w[1]));
}

static void test_textvec_add_cut_keeps_term_order_at_any_size(void **state)
{
    struct ah_arena *a = *state;
    int64_t term[300];
    float w[300];
    struct ah_tv_vec x, out;

    /* small terms share their top byte: the sort's fallback for a crowded bucket */
    for (int i = 0; i < 300; i++) {
        term[i] = i + 1;
        w[i] = (float)((i * 37) % 300 + 1);
    }
    x = vec(a, 300, term, w);
    ah_tv_add(a, &x, &(struct ah_tv_vec){0}, 1, 200, &out);
    assert_int_equal(out.n, 200);
    assert_sorted(&out);
    for (size_t i = 0; i < out.n; i++)
        assert_true(out.w[i] > 100); /* the 200 heaviest of 1 .. 300 */
}

static void test_textvec_top_heaviest_first(void **state)
{
    struct ah_arena *a = *state;
    int64_t g = AH_TV_GRAM_BIT;
    struct ah_tv_vec x = vec(a, 6, (int64_t[]){3, 4, 7, 8, g | 1, g | 2},
                             (float[]){0.5f, 0.9f, 0.9f, 0.1f, 2, 0.6f});
    size_t idx[6];

    assert_int_equal(ah_tv_top(&x, 3, false, idx), 3);
    assert_memory_equal(idx, ((size_t[]){4, 1, 2}), 3 * sizeof(size_t));
    assert_int_equal(ah_tv_top(&x, 3, true, idx), 3);
    assert_memory_equal(idx, ((size_t[]){1, 2, 0}), 3 * sizeof(size_t));
    assert_int_equal(ah_tv_top(&x, 6, true, idx), 4);
    assert_memory_equal(idx, ((size_t[]){1, 2, 0, 3}), 4 * sizeof(size_t));
    assert_int_equal(ah_tv_top(&x, 0, false, NULL), 0);
}

static void test_textvec_add_and_top_on_parsed_questions(void **state)
{
    struct ah_arena *a = *state;
    struct ah_tv_doc d = parse(a, "refund for my broken charger");
    struct ah_tv_doc e = parse(a, "the charger I got is broken, I want a refund");
    struct ah_tv_vec x = weigh(a, &d, 0.3), y = weigh(a, &e, 0.3), sum;
    size_t idx[3], n;

    /* a group's centroid: the sum of its questions, names from its top words */
    ah_tv_add(a, &x, &y, 1, 40, &sum);
    assert_true(sum.n <= 40);
    assert_sorted(&sum);
    n = ah_tv_top(&sum, 3, true, idx);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        int64_t t = sum.term[idx[i]];

        assert_true(t == word_term(&d, "refund") || t == word_term(&d, "broken") ||
                    t == word_term(&d, "charger"));
    }
}

/* ---- text form ---- */

static void test_textvec_encode_decode_round_trip(void **state)
{
    struct ah_arena *a = *state;
    struct ah_error err = {0};
    struct ah_tv_doc d = parse(a, "Réinitialiser le mot de passe, s'il vous plaît");
    struct ah_tv_vec v = weigh(a, &d, 0.5), back, empty = {0};
    struct ah_buf b;

    ah_buf_init(&b, 1 << 20);
    assert_ok(ah_tv_encode(&v, &b, &err));
    assert_int_equal(b.len, 16 * v.n);
    assert_ok(ah_tv_decode(a, ah_buf_cstr(&b), &back, &err));
    assert_int_equal(back.n, v.n);
    assert_memory_equal(back.term, v.term, v.n * sizeof(*v.term));
    assert_memory_equal(back.w, v.w, v.n * sizeof(*v.w)); /* exact, to the bit */
    /* the empty vector is "" */
    ah_buf_reset(&b);
    assert_ok(ah_tv_encode(&empty, &b, &err));
    assert_int_equal(b.len, 0);
    assert_ok(ah_tv_decode(a, "", &back, &err));
    assert_int_equal(back.n, 0);
    /* one known entry: term 1, weight 1.0f */
    v = vec(a, 1, (int64_t[]){1}, (float[]){1});
    assert_ok(ah_tv_encode(&v, &b, &err));
    assert_string_equal(ah_buf_cstr(&b), "AQAAAAAAAAAAAIA/");
    ah_buf_release(&b);
}

static void test_textvec_encode_refuses_and_leaves_out_unchanged(void **state)
{
    struct ah_arena *a = *state;
    struct ah_error err = {0};
    struct ah_tv_vec unsorted = vec(a, 2, (int64_t[]){5, 3}, (float[]){1, 1});
    struct ah_tv_vec nan = vec(a, 1, (int64_t[]){5}, (float[]){NAN});
    struct ah_tv_vec zero = vec(a, 1, (int64_t[]){0}, (float[]){1});
    struct ah_tv_vec two = vec(a, 2, (int64_t[]){3, 5}, (float[]){1, 1});
    struct ah_buf b;

    ah_buf_init(&b, 32);
    assert_ok(ah_buf_appends(&b, "x", &err));
    assert_code(AH_E_INVALID, ah_tv_encode(&unsorted, &b, &err));
    assert_code(AH_E_INVALID, ah_tv_encode(&nan, &b, &err));
    assert_code(AH_E_INVALID, ah_tv_encode(&zero, &b, &err));
    assert_string_equal(ah_buf_cstr(&b), "x");
    /* "x" and two entries: 33 bytes, one past a cap of 32, then at a cap of 33 */
    assert_code(AH_E_TOO_LARGE, ah_tv_encode(&two, &b, &err));
    assert_string_equal(ah_buf_cstr(&b), "x");
    ah_buf_release(&b);
    ah_buf_init(&b, 33);
    assert_ok(ah_buf_appends(&b, "x", &err));
    assert_ok(ah_tv_encode(&two, &b, &err));
    assert_int_equal(b.len, 33);
    ah_buf_release(&b);
}

static void test_textvec_decode_rejects_garbage(void **state)
{
    struct ah_arena *a = *state;
    struct ah_error err = {0};
    struct ah_tv_vec out = {.n = 99};
    static const char *const bad[] = {
        "abc",                              /* not whole entries */
        "AQAAAAAAAAAAAIA/A",                /* one byte past one */
        "AQAAAAAAAAAAAIA=",                 /* padding */
        "AQAAAAAAAAAAAI /",                 /* space */
        "AQAAAAAAAAAAAIA\xC3",              /* not base64 */
        "AAAAAAAAAAAAAIA/",                 /* term 0 */
        "//////////8AAIA/",                 /* term -1 */
        "AQAAAAAAAAAAAMB/",                 /* NaN weight */
        "AQAAAAAAAAAAAIB/",                 /* infinite weight */
        "AgAAAAAAAAAAAIA/AQAAAAAAAAAAAIA/", /* 2 then 1 */
        "AQAAAAAAAAAAAIA/AQAAAAAAAAAAAIA/", /* 1 twice */
        "AQAAAAAAAAAAAIA/\nAgAAAAAAAAAAAIA",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err.code = AH_OK;
        if (ah_tv_decode(a, bad[i], &out, &err) != AH_E_INVALID)
            fail_msg("decoded \"%s\"", bad[i]);
        assert_int_equal(err.code, AH_E_INVALID);
        assert_int_equal(out.n, 99); /* untouched */
    }
    assert_code(AH_E_INVALID, ah_tv_decode(a, NULL, &out, &err));
    assert_ok(ah_tv_decode(a, "AQAAAAAAAAAAAIA/AgAAAAAAAAAAAIA/", &out, &err));
    assert_int_equal(out.n, 2);
}

/* ---- threads ---- */

struct job {
    const char *text;
    const struct ah_tv_doc *want;
    int failures;
};

static void *parse_many(void *arg)
{
    struct job *j = arg;

    for (int i = 0; i < 200; i++) {
        struct ah_arena a;
        struct ah_tv_doc d;

        ah_arena_init(&a);
        ah_tv_parse(&a, ah_str_c(j->text), &d);
        j->failures += d.n != j->want->n || strcmp(d.lang, j->want->lang) != 0;
        for (size_t k = 0; k < d.n && k < j->want->n; k++)
            j->failures += d.terms[k].term != j->want->terms[k].term;
        ah_arena_release(&a);
    }
    return NULL;
}

static void test_textvec_threads_parse_alike(void **state)
{
    struct ah_arena *a = *state;
    static const char *const texts[] = {
        "Ich kann mein Passwort nicht zurücksetzen",
        "Je n'arrive pas à réinitialiser mon mot de passe",
        "I can't reset my password",
        "No puedo cambiar mi contraseña",
    };
    struct ah_tv_doc want[4];
    pthread_t th[4];
    struct job jobs[4];

    for (int i = 0; i < 4; i++) {
        want[i] = parse(a, texts[i]);
        jobs[i] = (struct job){texts[i], &want[i], 0};
        assert_int_equal(pthread_create(&th[i], NULL, parse_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].failures, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_textvec_reset_and_resetting_share_the_stem),
        TEST(test_textvec_typo_shares_most_trigrams),
        TEST(test_textvec_grams_count_repeats_and_skip_short_words),
        TEST(test_textvec_terms_never_change),
        TEST(test_textvec_french_accents_give_the_same_terms),
        TEST(test_textvec_folds_case_width_ligatures_and_soft_hyphens),
        TEST(test_textvec_apostrophes_and_short_words),
        TEST(test_textvec_long_numbers_dropped),
        TEST(test_textvec_word_of_64_kept_65_dropped),
        TEST(test_textvec_guesses_the_language),
        TEST(test_textvec_german_text_is_stemmed_as_german),
        TEST(test_textvec_stop_words_dropped),
        TEST(test_textvec_all_stop_words_give_nothing),
        TEST(test_textvec_empty_and_invalid_utf8),
        TEST(test_textvec_reads_at_most_max_words),
        TEST(test_textvec_weigh_gives_unit_norm),
        TEST(test_textvec_dot_of_identical_is_one),
        TEST(test_textvec_add_scales_drops_and_cuts),
        TEST(test_textvec_add_cut_keeps_term_order_at_any_size),
        TEST(test_textvec_top_heaviest_first),
        TEST(test_textvec_add_and_top_on_parsed_questions),
        TEST(test_textvec_encode_decode_round_trip),
        TEST(test_textvec_encode_refuses_and_leaves_out_unchanged),
        TEST(test_textvec_decode_rejects_garbage),
        TEST(test_textvec_threads_parse_alike),
    };

    return cmocka_run_group_tests_name("textvec", tests, NULL, NULL);
}
