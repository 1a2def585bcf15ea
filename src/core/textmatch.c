/* textmatch.c - many phrases and regular expressions over one text. Owns the
 * folding of text for phrase matching (case, white space, apostrophes), the
 * Aho-Corasick automaton over all phrases and the literals regexes need (so
 * that a regex runs only on texts that can match it), the PCRE2 handles and
 * the mapping of hits back to byte and UTF-16 offsets of the original text.
 * utf8proc and pcre2.h stay inside this file. */
#include "core/textmatch.h"

#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

#include "core/mem.h"

#define NONE UINT32_MAX
/* a transition's target row offset carries this bit when the target state
 * ends a key, so the hot loop tests one bit instead of loading a table */
#define HAS_OUT 0x80000000u
#define ROW_MASK 0x7fffffffu
/* in outs: the key is a regex's literal, not a phrase */
#define KEY_GATE 0x80000000u
/* \C would match half a code point: hits, and the next search's start,
 * must stay on whole ones */
#define RE_OPTIONS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C)
/* code points one code point folds into at most (utf8proc needs 3 or 4) */
#define FOLD_CPS 16
/* bytes a single code point may fold into, with room to spare */
#define FOLD_SLACK (FOLD_CPS * 4 * 2)

/* A literal for the automaton: a phrase, or one a regex needs (a key). */
struct key {
    uint32_t len;
    char *s; /* folded */
};

struct pat {
    enum ah_tm_kind kind;
    uint32_t flen;    /* phrase: length of its folded form */
    bool left, right; /* phrase: needs a word boundary before / after it */
    /* until the automaton is built: the phrase, or the literals of a regex */
    struct key *keys;
    uint32_t nkeys;
    pcre2_code *re;   /* regular expression */
    bool jit;
    bool gated;       /* runs only when one of its literals is in the text */
    bool starts;      /* gated by literals every match starts with: tried only there */
    pcre2_code *anch; /* anchored copy, tried only where a match can start; NULL: none */
    bool anch_jit, lead_b;
    uint8_t first[32]; /* with anch: the bytes a match starts with */
};

struct ah_tm_set {
    size_t n;
    struct pat *pat;
    uint32_t *regexes; /* indices of the regular expressions, in order */
    size_t nregex;
    /* the automaton over the folded keys: bytes no key holds share class 0 */
    uint8_t cls[256];
    uint32_t ncls, nstates;
    uint32_t *delta; /* [row + class]: the next state's row (state * ncls), | HAS_OUT */
    uint32_t *own;   /* keys ending at state s: outs[own[s] .. own[s + 1]) */
    uint32_t *outs;  /* pattern index, | KEY_GATE for a regex's literal */
    uint32_t *outlen; /* the key's length */
    uint32_t *dict;  /* the longest proper suffix state with keys of its own; NONE */
};

/* ---- UTF-8 ---- */

static bool utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint64_t w;

        if (n - i >= 8) {
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
        } else if (c >= 0xC2 && c <= 0xDF) {
            if (n - i < 2 || (s[i + 1] & 0xC0) != 0x80)
                return false;
            i += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

            if (n - i < 3 || s[i + 1] < lo || s[i + 1] > hi || (s[i + 2] & 0xC0) != 0x80)
                return false;
            i += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

            if (n - i < 4 || s[i + 1] < lo || s[i + 1] > hi || (s[i + 2] & 0xC0) != 0x80 ||
                (s[i + 3] & 0xC0) != 0x80)
                return false;
            i += 4;
        } else {
            return false;
        }
    }
    return true;
}

/* The code point at s[*i] of valid UTF-8; moves *i past it. */
static int32_t decode(const uint8_t *s, size_t *i)
{
    uint8_t c = s[*i];

    if (c < 0x80) {
        *i += 1;
        return c;
    }
    if (c < 0xE0) {
        *i += 2;
        return (int32_t)(((c & 0x1Fu) << 6) | (s[*i - 1] & 0x3Fu));
    }
    if (c < 0xF0) {
        *i += 3;
        return (int32_t)(((c & 0x0Fu) << 12) | ((s[*i - 2] & 0x3Fu) << 6) | (s[*i - 1] & 0x3Fu));
    }
    *i += 4;
    return (int32_t)(((c & 0x07u) << 18) | ((s[*i - 3] & 0x3Fu) << 12) |
                     ((s[*i - 2] & 0x3Fu) << 6) | (s[*i - 1] & 0x3Fu));
}

/* The code point that ends just before s[at] (at > 0), of valid UTF-8. */
static int32_t decode_before(const uint8_t *s, size_t at)
{
    size_t i = at - 1;

    while (i > 0 && at - i < 4 && (s[i] & 0xC0) == 0x80)
        i--;
    return decode(s, &i);
}

/* ---- character classes ---- */

static bool is_word(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
               cp == '_';
    utf8proc_category_t c = utf8proc_category(cp);
    /* L* (1-5), M* (6-8), N* (9-11) */
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

/* Unicode White_Space beyond ASCII */
static bool is_uspace(int32_t cp)
{
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* ASCII folded: letters lowered, white space to ' ', the rest unchanged */
static const uint8_t ascii_fold[128] = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   ' ', ' ', ' ', ' ', ' ', 14,  15,
    16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  26,  27,  28,  29,  30,  31,
    ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
    '@', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '[', '\\', ']', '^', '_',
    '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 127,
};

/* ---- folding ---- */

/* Text as phrases see it: map[i] is the offset in the original text of the
 * code point folded byte i came from; map[len] is the text's length. */
struct fold {
    uint8_t *s;
    uint32_t *map;
    size_t len, cap;
};

static void fold_release(struct fold *f)
{
    free(f->s);
    free(f->map);
}

static void fold_grow(struct fold *f, size_t need)
{
    while (f->cap < need)
        f->cap = ah_size_add(f->cap, f->cap);
    f->s = ah_xrealloc(f->s, f->cap);
    f->map = ah_xrealloc(f->map, ah_size_add(f->cap, 1) * sizeof(*f->map));
}

/* Folds one non-ASCII, non-space code point cp (from text offset at) into f. */
static void fold_cp(struct fold *f, int32_t cp, size_t at)
{
    utf8proc_int32_t out[FOLD_CPS];
    utf8proc_ssize_t k = 1;

    if (cp == 0x2019) {
        out[0] = '\'';
    } else {
        k = utf8proc_decompose_char(cp, out, FOLD_CPS, UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE,
                                    NULL);
        if (k <= 0 || k > FOLD_CPS) {
            out[0] = cp;
            k = 1;
        }
    }
    for (utf8proc_ssize_t j = 0; j < k; j++) {
        utf8proc_ssize_t b = utf8proc_encode_char(out[j], f->s + f->len);

        for (utf8proc_ssize_t m = 0; m < b; m++)
            f->map[f->len + (size_t)m] = (uint32_t)at;
        f->len += (size_t)b;
    }
}

static void fold_init(struct fold *f, size_t n)
{
    f->cap = ah_size_add(n, 2 * FOLD_SLACK);
    f->s = ah_xmalloc(f->cap);
    f->map = ah_xmalloc(ah_size_add(f->cap, 1) * sizeof(*f->map));
    f->len = 0;
}

/* Folds the code point at t[*i], which is past ASCII, into f and moves *i
 * past it. f keeps cap - len >= (n - *i) + FOLD_SLACK, so that the ASCII
 * that follows never needs a check: it never grows. */
static void fold_wide(struct fold *f, const uint8_t *t, size_t n, size_t *i, bool *space)
{
    size_t at = *i;
    int32_t cp = decode(t, i);

    if (is_uspace(cp)) {
        if (!*space) {
            f->s[f->len] = ' ';
            f->map[f->len++] = (uint32_t)at;
        }
        *space = true;
        return;
    }
    if (f->cap - f->len < (n - at) + 2 * FOLD_SLACK)
        fold_grow(f, ah_size_add(f->len, ah_size_add(n - at, 2 * FOLD_SLACK)));
    fold_cp(f, cp, at);
    *space = false;
}

/* Folds valid UTF-8 t[0..n) (n < 4 GB) into f, which it initializes: case
 * folded and canonically decomposed per code point, runs of white space as
 * one ' ', U+2019 as '\''. */
static void fold_text(const uint8_t *t, size_t n, struct fold *f)
{
    size_t i = 0;
    bool space = false;

    fold_init(f, n);
    while (i < n) {
        if (t[i] >= 0x80) {
            fold_wide(f, t, n, &i, &space);
            continue;
        }
        uint8_t d = ascii_fold[t[i]];

        f->s[f->len] = d;
        f->map[f->len] = (uint32_t)i++;
        f->len += d != ' ' || !space;
        space = d == ' ';
    }
    f->map[f->len] = (uint32_t)n;
}

static bool bit(const uint8_t *m, size_t i)
{
    return (m[i / 8] >> (i % 8)) & 1;
}

/* ---- what a regular expression needs: literals and first bytes ----
 *
 * Most texts fail most regular expressions, and PCRE2 has to try each one
 * at every position when UCP leaves it no start bitmap (\d, \w, \s are
 * Unicode properties then). So each regex is read once, conservatively, for
 * (1) a set of literals one of which every match contains: they join the
 * phrase automaton, and the regex runs only on texts holding one; (2) the
 * bytes a match can start with, and whether it starts at a word boundary:
 * then an anchored copy is tried only at those positions; or (3) literals
 * every match starts with: the anchored copy is tried only where the
 * automaton found them. Anything the reader does not know gives no
 * information, never a wrong one: the regex then simply runs as usual. */

#define LIT_MAX 24 /* bytes of a literal */
#define SET_MAX 8  /* literals in a set */
#define RX_DEPTH 16

struct litset {
    bool ok; /* false: nothing known */
    uint8_t n;
    uint8_t len[SET_MAX];
    char s[SET_MAX][LIT_MAX];
};

/* What a piece of a regex matches. */
struct rxinfo {
    struct litset exact; /* ok: exactly these strings */
    struct litset req;   /* ok: every match holds one of these */
    struct litset pre;   /* ok: every match starts with one of these */
    uint8_t first[32];   /* bytes a non-empty match may start with */
    bool nullable;       /* may match the empty string */
    bool zw;             /* matches only the empty string */
    bool lead_b;         /* every match starts at a word boundary */
};

struct rx {
    const char *p;
    size_t i, n;
    int depth;
    bool bad; /* something not understood: no information at all */
};

static void set_one(struct litset *s, const char *p, size_t len)
{
    s->ok = true;
    s->n = 1;
    s->len[0] = (uint8_t)len;
    memcpy(s->s[0], p, len);
}

/* The shortest literal's length: 0 for no information or an empty one. */
static size_t set_score(const struct litset *s)
{
    size_t m = SIZE_MAX;

    if (!s->ok || !s->n)
        return 0;
    for (size_t k = 0; k < s->n; k++)
        if (s->len[k] < m)
            m = s->len[k];
    return m;
}

static const struct litset *set_best(const struct litset *a, const struct litset *b)
{
    size_t x = set_score(a), y = set_score(b);

    if (x != y)
        return x > y ? a : b;
    return (!b->ok || (a->ok && a->n <= b->n)) ? a : b;
}

/* a x b into out; false when it would be too many or too long. */
static bool set_cross(const struct litset *a, const struct litset *b, struct litset *out)
{
    struct litset r = {.ok = true};

    if (!a->ok || !b->ok || (size_t)a->n * b->n > SET_MAX)
        return false;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++) {
            if (a->len[i] + b->len[j] > LIT_MAX)
                return false;
            memcpy(r.s[r.n], a->s[i], a->len[i]);
            memcpy(r.s[r.n] + a->len[i], b->s[j], b->len[j]);
            r.len[r.n++] = (uint8_t)(a->len[i] + b->len[j]);
        }
    *out = r;
    return true;
}

static void set_union(const struct litset *a, const struct litset *b, struct litset *out)
{
    struct litset r = {.ok = a->ok && b->ok && a->n + b->n <= SET_MAX};

    if (r.ok) {
        r = *a;
        for (size_t j = 0; j < b->n; j++) {
            memcpy(r.s[r.n], b->s[j], b->len[j]);
            r.len[r.n++] = b->len[j];
        }
    }
    *out = r;
}

static void first_add(uint8_t *f, unsigned lo, unsigned hi)
{
    for (unsigned b = lo; b <= hi; b++)
        f[b / 8] |= (uint8_t)(1u << (b % 8));
}

static void first_all(uint8_t *f)
{
    memset(f, 0xff, 32);
}

/* Lead bytes of code points past ASCII: any of them may fold to or from
 * anything (U+212A KELVIN SIGN matches k), so they always come together. */
static void first_nonascii(uint8_t *f)
{
    first_add(f, 0xC2, 0xF4);
}

static void first_letters(uint8_t *f)
{
    first_add(f, 'a', 'z');
    first_add(f, 'A', 'Z');
    first_nonascii(f);
}

/* One code point c (the first byte of its UTF-8), matched caselessly: a
 * letter in either case, or as a sign past ASCII (U+212A is k); past ASCII,
 * anything (U+212A also matches k). */
static void first_char(uint8_t *f, unsigned c)
{
    if (c >= 0x80) {
        first_letters(f);
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
        first_add(f, c | 0x20, c | 0x20);
        first_add(f, c & ~0x20u, c & ~0x20u);
        first_nonascii(f);
    } else {
        first_add(f, c, c);
    }
}

static void first_class_escape(uint8_t *f, char e)
{
    switch (e) {
    case 'd':
        first_add(f, '0', '9');
        break;
    case 'w':
        first_add(f, '0', '9');
        first_add(f, '_', '_');
        first_letters(f);
        break;
    case 's':
        first_add(f, '\t', '\r');
        first_add(f, ' ', ' ');
        break;
    case 'h':
        first_add(f, '\t', '\t');
        first_add(f, ' ', ' ');
        break;
    case 'v':
    case 'R':
        first_add(f, '\n', '\r');
        break;
    default:
        first_all(f);
    }
    first_nonascii(f);
}

static void info_unknown(struct rxinfo *x)
{
    memset(x, 0, sizeof(*x));
}

static void info_empty(struct rxinfo *x)
{
    info_unknown(x);
    set_one(&x->exact, "", 0);
    set_one(&x->pre, "", 0);
    x->nullable = x->zw = true;
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static bool is_alnum_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A class "[...]" from after its '['; only its first bytes are kept. */
static void rx_class(struct rx *r, struct rxinfo *x)
{
    const char *p = r->p;

    info_unknown(x);
    if (r->i < r->n && p[r->i] == '^') {
        first_all(x->first);
        r->i++;
    }
    if (r->i < r->n && p[r->i] == ']') {
        first_char(x->first, ']');
        r->i++;
    }
    while (!r->bad && r->i < r->n && p[r->i] != ']') {
        unsigned char c = (unsigned char)p[r->i];

        if (c == '[' && r->i + 1 < r->n && p[r->i + 1] == ':') {
            const char *end = memmem(p + r->i, r->n - r->i, ":]", 2);

            if (!end) {
                r->bad = true;
                return;
            }
            first_all(x->first);
            r->i = (size_t)(end - p) + 2;
        } else if (c == '\\') {
            char e = r->i + 1 < r->n ? p[r->i + 1] : '\0';

            if (strchr("dwshvDWSHVN", e) && e)
                first_class_escape(x->first, e);
            else if (e && !is_alnum_ascii(e))
                first_char(x->first, (unsigned char)e);
            else
                r->bad = true; /* \x, \p, octal, ...: not read here */
            r->i += 1 + (e ? utf8_len((unsigned char)e) : 1);
            if (r->i + 1 < r->n && p[r->i] == '-' && p[r->i + 1] != ']')
                r->bad = true; /* a range from an escape */
        } else if (r->i + 2 < r->n && p[r->i + 1] == '-' && p[r->i + 2] == '\\') {
            r->bad = true; /* a range to an escape */
        } else if (r->i + 2 < r->n && p[r->i + 1] == '-' && p[r->i + 2] != ']') {
            unsigned char hi = (unsigned char)p[r->i + 2];

            if (c < 0x80 && hi < 0x80 && hi >= c)
                for (unsigned b = c; b <= hi; b++)
                    first_char(x->first, b);
            else
                first_all(x->first);
            r->i += 2 + utf8_len(hi);
        } else {
            first_char(x->first, c);
            r->i += utf8_len(c);
        }
    }
    if (r->i >= r->n)
        r->bad = true;
    r->i++;
}

/* An escape outside a class, from after its '\'. */
static void rx_escape(struct rx *r, struct rxinfo *x)
{
    char e = r->i < r->n ? r->p[r->i] : '\0';

    info_unknown(x);
    if (!e) {
        r->bad = true;
        return;
    }
    r->i++;
    if (strchr("bBAZz", e)) { /* not \G: it knows where a search began */
        info_empty(x);
        x->lead_b = e == 'b';
    } else if (strchr("dwshvRDWSHVXC", e)) {
        first_class_escape(x->first, e);
    } else if (strchr("ntrfea", e) || (e >= '1' && e <= '9' && !(r->i < r->n &&
                                                                  r->p[r->i] >= '0' &&
                                                                  r->p[r->i] <= '9'))) {
        first_all(x->first); /* a control character, or a back reference */
    } else if (e == 'N' && !(r->i < r->n && r->p[r->i] == '{')) {
        first_all(x->first);
    } else if (e == 'p' || e == 'P') {
        if (r->i < r->n && r->p[r->i] == '{') {
            const char *end = memchr(r->p + r->i, '}', r->n - r->i);

            if (!end)
                r->bad = true;
            else
                r->i = (size_t)(end - r->p) + 1;
        } else {
            r->i++;
        }
        first_all(x->first);
    } else if (!is_alnum_ascii(e)) {
        size_t k = utf8_len((unsigned char)e);

        set_one(&x->exact, r->p + r->i - 1, k);
        x->pre = x->exact;
        first_char(x->first, (unsigned char)e);
        r->i += k - 1;
    } else {
        r->bad = true;
    }
}

static void rx_alt(struct rx *r, struct rxinfo *x);

/* A group from after its '('. */
static void rx_group(struct rx *r, struct rxinfo *x)
{
    const char *p = r->p + r->i;
    size_t left = r->n - r->i;
    bool zero = false;

    if (++r->depth > RX_DEPTH) {
        r->bad = true;
        return;
    }
    if (left >= 2 && p[0] == '?' && strchr(":>|", p[1])) {
        r->i += 2;
    } else if (left >= 2 && p[0] == '?' && (p[1] == '=' || p[1] == '!')) {
        r->i += 2;
        zero = true;
    } else if (left >= 3 && p[0] == '?' && p[1] == '<' && (p[2] == '=' || p[2] == '!')) {
        r->i += 3;
        zero = true;
    } else if (left >= 2 && p[0] == '?') {
        /* a named group: (?<n>, (?P<n>, (?'n'; flags and the rest are not read */
        size_t k = p[1] == 'P' ? 2 : 1;
        char close = k < left && p[k] == '\'' ? '\'' : '>';

        if (k >= left || (p[k] != '<' && p[k] != '\'') || k + 1 >= left ||
            !((p[k + 1] | 0x20) >= 'a' && (p[k + 1] | 0x20) <= 'z')) {
            r->bad = true;
            return;
        }
        const char *end = memchr(p + k + 1, close, left - k - 1);
        if (!end) {
            r->bad = true;
            return;
        }
        r->i += (size_t)(end - p) + 1;
    } else if (left >= 1 && p[0] == '*') {
        r->bad = true;
        return;
    }
    rx_alt(r, x);
    if (r->i >= r->n || r->p[r->i] != ')')
        r->bad = true;
    r->i++;
    r->depth--;
    if (zero)
        info_empty(x);
}

/* A quantifier after an atom, if one follows: min and max (SIZE_MAX: none). */
static bool rx_quant(struct rx *r, size_t *min, size_t *max)
{
    char c = r->i < r->n ? r->p[r->i] : '\0';

    if (c == '?' || c == '*' || c == '+') {
        *min = c == '+';
        *max = c == '?' ? 1 : SIZE_MAX;
        r->i++;
    } else if (c == '{') {
        size_t j = r->i + 1, a = 0, b;
        bool digits = false;

        while (j < r->n && r->p[j] >= '0' && r->p[j] <= '9' && a < 100000) {
            a = a * 10 + (size_t)(r->p[j++] - '0');
            digits = true;
        }
        b = a;
        if (j < r->n && r->p[j] == ',') {
            b = SIZE_MAX;
            j++;
            if (j < r->n && r->p[j] >= '0' && r->p[j] <= '9')
                for (b = 0; j < r->n && r->p[j] >= '0' && r->p[j] <= '9' && b < 100000; j++)
                    b = b * 10 + (size_t)(r->p[j] - '0');
        }
        if (!digits || j >= r->n || r->p[j] != '}') {
            r->bad = true; /* PCRE2 reads it as a literal; not worth following */
            return false;
        }
        *min = a;
        *max = b;
        r->i = j + 1;
    } else {
        return false;
    }
    if (r->i < r->n && (r->p[r->i] == '?' || r->p[r->i] == '+'))
        r->i++;
    return true;
}

static void info_quant(struct rxinfo *x, size_t min, size_t max)
{
    struct litset best = *set_best(&x->exact, &x->req);

    if (min == 0) {
        struct litset e;

        set_one(&e, "", 0);
        if (max == 1)
            set_union(&e, &x->exact, &x->exact);
        else
            x->exact.ok = false;
        x->pre = x->exact;
        x->req.ok = false;
        x->nullable = true;
        x->lead_b = false;
    } else {
        if (min != 1 || max != 1)
            x->exact.ok = false;
        x->req = best;
    }
}

/* One atom with its quantifier. */
static void rx_piece(struct rx *r, struct rxinfo *x)
{
    unsigned char c = (unsigned char)r->p[r->i];
    size_t min, max;

    r->i++;
    switch (c) {
    case '(':
        rx_group(r, x);
        break;
    case '[':
        rx_class(r, x);
        break;
    case '\\':
        rx_escape(r, x);
        break;
    case '.':
        info_unknown(x);
        first_all(x->first);
        break;
    case '^':
    case '$':
        info_empty(x);
        break;
    case '*':
    case '+':
    case '?':
    case '{':
        r->bad = true;
        return;
    default: {
        size_t k = utf8_len(c);

        info_unknown(x);
        set_one(&x->exact, r->p + r->i - 1, k);
        x->pre = x->exact;
        first_char(x->first, c);
        r->i += k - 1;
    }
    }
    if (!r->bad && rx_quant(r, &min, &max))
        info_quant(x, min, max);
}

/* A sequence up to '|', ')' or the end: runs of exactly known pieces make
 * the literals; the longest one found is kept as the requirement. */
static void rx_seq(struct rx *r, struct rxinfo *x)
{
    struct litset run, best = {0};
    bool exact = true, open = true; /* open: run is still the start of every match */

    info_empty(x);
    x->lead_b = false;
    run = x->exact;
    while (!r->bad && r->i < r->n && r->p[r->i] != '|' && r->p[r->i] != ')') {
        struct rxinfo y;

        rx_piece(r, &y);
        if (r->bad)
            return;
        if (x->zw)
            x->lead_b = x->lead_b || y.lead_b;
        if (x->nullable)
            for (size_t b = 0; b < 32; b++)
                x->first[b] |= y.first[b];
        x->nullable = x->nullable && y.nullable;
        x->zw = x->zw && y.zw;
        if (y.exact.ok && set_cross(&run, &y.exact, &run))
            continue;
        if (open) {
            x->pre = run;
            if (!y.exact.ok && y.pre.ok)
                set_cross(&run, &y.pre, &x->pre);
            open = false;
        }
        exact = false;
        if (y.exact.ok) {
            best = *set_best(&best, &run);
            run = y.exact;
        } else {
            best = *set_best(set_best(&best, &run), &y.req);
            set_one(&run, "", 0);
        }
    }
    if (open)
        x->pre = run;
    x->req = *set_best(&best, &run);
    x->exact = run;
    x->exact.ok = exact;
}

static void rx_alt(struct rx *r, struct rxinfo *x)
{
    rx_seq(r, x);
    while (!r->bad && r->i < r->n && r->p[r->i] == '|') {
        struct rxinfo y;
        struct litset a = *set_best(&x->exact, &x->req), b;

        r->i++;
        rx_seq(r, &y);
        b = *set_best(&y.exact, &y.req);
        set_union(&x->exact, &y.exact, &x->exact);
        set_union(&x->pre, &y.pre, &x->pre);
        if (set_score(&a) && set_score(&b))
            set_union(&a, &b, &x->req);
        else
            x->req.ok = false;
        for (size_t k = 0; k < 32; k++)
            x->first[k] |= y.first[k];
        x->nullable = x->nullable || y.nullable;
        x->zw = x->zw && y.zw;
        x->lead_b = x->lead_b && y.lead_b;
    }
}

/* Reads pattern p[0..n); false when it could not (then nothing is known). */
static bool rx_read(const char *p, size_t n, struct rxinfo *x)
{
    struct rx r = {.p = p, .n = n};

    rx_alt(&r, x);
    return !r.bad && r.i == n;
}

/* ---- patterns ---- */

static enum ah_err check_phrase(const char *text, size_t len, struct pat *p,
                                struct ah_error *err)
{
    struct fold f;
    size_t a = 0, b, i;
    bool word = false;

    if (!utf8_ok((const uint8_t *)text, len))
        return ah_error_set(err, AH_E_INVALID, "phrase is not valid UTF-8");
    fold_text((const uint8_t *)text, len, &f);
    b = f.len;
    while (a < b && f.s[a] == ' ')
        a++;
    while (b > a && f.s[b - 1] == ' ')
        b--;
    for (i = a; i < b && !word;)
        word = is_word(decode(f.s, &i));
    if (!word) {
        fold_release(&f);
        return ah_error_set(err, AH_E_INVALID, "phrase '%.*s' has no word in it",
                            (int)(len > 60 ? 60 : len), text);
    }
    if (p) {
        i = a;
        p->kind = AH_TM_PHRASE;
        p->left = is_word(decode(f.s, &i));
        p->right = is_word(decode_before(f.s, b));
        p->flen = (uint32_t)(b - a);
        p->keys = ah_xmalloc(sizeof(*p->keys));
        p->keys[0] = (struct key){(uint32_t)(b - a), ah_xstrndup((const char *)f.s + a, b - a)};
        p->nkeys = 1;
    }
    fold_release(&f);
    return AH_OK;
}

/* The folded literals of set l as p's keys. */
static void keep_literals(struct pat *p, const struct litset *l)
{
    p->keys = ah_xmalloc(l->n * sizeof(*p->keys));
    for (size_t k = 0; k < l->n; k++) {
        struct fold f;

        fold_text((const uint8_t *)l->s[k], l->len[k], &f);
        p->keys[k] = (struct key){(uint32_t)f.len, ah_xstrndup((const char *)f.s, f.len)};
        fold_release(&f);
    }
    p->nkeys = l->n;
    p->gated = true;
}

/* True when PCRE2 found no way to skip ahead to where a match can start. */
static bool tries_everywhere(const pcre2_code *re)
{
    uint32_t type = 0;
    const uint8_t *bitmap = NULL;

    pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &type);
    pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &bitmap);
    return type == 0 && !bitmap;
}

/* Per mille of the bytes of English prose that are in first (ASCII only:
 * what is past it is rare in what a help desk reads). */
static unsigned start_share(const uint8_t *first)
{
    /* letter frequencies in English, per mille of letters; letters are
     * about four fifths of the bytes, spaces a sixth */
    static const unsigned short letters[26] = {82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24,
                                               67, 75, 19, 1,  60, 63, 91, 28, 10, 24, 2, 20, 1};
    unsigned total = 0;

    for (unsigned c = 0; c < 128; c++) {
        if (!bit(first, c))
            continue;
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            total += letters[(c | 0x20) - 'a'] * 4 / 5 / 2; /* each case half */
        else
            total += c == ' ' ? 160 : c == '\n' || c == '.' || c == ',' ? 15 : 3;
    }
    return total;
}

/* True when a literal of l begins with white space: folded text keeps
 * only where a run of it starts, so a match's start there is not known. */
static bool leading_space(const struct litset *l)
{
    for (size_t k = 0; k < l->n; k++) {
        size_t i = 0;
        int32_t c = l->len[k] ? decode((const uint8_t *)l->s[k], &i) : 'x';

        if (c < 0x80 ? ascii_fold[c] == ' ' : is_uspace(c))
            return true;
    }
    return false;
}

static pcre2_code *compile_anchored(const char *text, size_t len, bool *jit)
{
    int code;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)text, len,
                                   RE_OPTIONS | PCRE2_ANCHORED,
                                   &code, &at, NULL);

    if (re)
        *jit = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
    return re;
}

/* Reads regex text for what lets a scan skip it or most of the text. */
static void regex_gates(const char *text, size_t len, struct pat *p)
{
    struct rxinfo x;
    const struct litset *l;
    size_t all = 0, pre;

    if (!rx_read(text, len, &x))
        return;
    l = set_best(&x.exact, &x.req);
    pre = set_score(&x.pre);
    if (pre && (pre >= 3 || pre >= set_score(l)) && !leading_space(&x.pre)) {
        p->anch = compile_anchored(text, len, &p->anch_jit);
        if (p->anch) {
            keep_literals(p, &x.pre);
            p->starts = true;
            return;
        }
    }
    if (set_score(l))
        keep_literals(p, l);
    for (size_t b = 0; b < 32; b++)
        all += x.first[b] == 0xff;
    /* a JIT call costs about what its own scan of 5-10 bytes does: worth it
     * only where PCRE2 tries everywhere and few positions are candidates */
    if (x.nullable || all == 32 || !tries_everywhere(p->re) || start_share(x.first) > 60)
        return;
    p->anch = compile_anchored(text, len, &p->anch_jit);
    p->lead_b = x.lead_b;
    memcpy(p->first, x.first, sizeof(p->first));
}

static enum ah_err check_regex(const char *text, size_t len, struct pat *p, long *offset,
                               struct ah_error *err)
{
    int code;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)text, len,
                                   RE_OPTIONS, &code, &at, NULL);

    if (!re) {
        PCRE2_UCHAR msg[160];

        if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
            memcpy(msg, "unknown error", sizeof("unknown error"));
        if (offset)
            *offset = (long)at;
        return ah_error_set(err, AH_E_INVALID, "PCRE2 error at offset %zu: %s", (size_t)at,
                            (const char *)msg);
    }
    if (!p) {
        pcre2_code_free(re);
        return AH_OK;
    }
    p->kind = AH_TM_REGEX;
    p->re = re;
    p->jit = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
    regex_gates(text, len, p);
    return AH_OK;
}

/* ah_tm_check's work; fills p when it is not NULL. */
static enum ah_err check_one(enum ah_tm_kind kind, const char *text, struct pat *p,
                             long *offset, struct ah_error *err)
{
    size_t len = text ? strlen(text) : 0;

    if (offset)
        *offset = -1;
    if (!text)
        return ah_error_set(err, AH_E_INVALID, "pattern is missing");
    if (len > AH_TM_PATTERN_MAX)
        return ah_error_set(err, AH_E_INVALID, "pattern of %zu bytes is over the %d-byte cap",
                            len, AH_TM_PATTERN_MAX);
    switch (kind) {
    case AH_TM_PHRASE:
        return check_phrase(text, len, p, err);
    case AH_TM_REGEX:
        return check_regex(text, len, p, offset, err);
    }
    return ah_error_set(err, AH_E_INVALID, "pattern kind %d is neither phrase nor regex",
                        (int)kind);
}

enum ah_err ah_tm_check(enum ah_tm_kind kind, const char *text, long *offset,
                        struct ah_error *err)
{
    return check_one(kind, text, NULL, offset, err);
}

/* ---- the automaton ---- */

/* Assigns byte classes and makes the trie of every pattern's keys; term[k]
 * is the state the k-th key ends in. AH_E_TOO_LARGE when the table would
 * not fit row offsets. */
static enum ah_err ac_trie(struct ah_tm_set *set, uint32_t *term, struct ah_error *err)
{
    size_t total = 1, k = 0;
    uint32_t next = 1;

    memset(set->cls, 0, sizeof(set->cls));
    for (size_t i = 0; i < set->n; i++)
        for (uint32_t j = 0; j < set->pat[i].nkeys; j++) {
            const struct key *y = &set->pat[i].keys[j];

            total = ah_size_add(total, y->len);
            for (uint32_t c = 0; c < y->len; c++)
                if (!set->cls[(uint8_t)y->s[c]])
                    set->cls[(uint8_t)y->s[c]] = (uint8_t)next++;
        }
    set->ncls = next; /* at most 256: NUL is never in a key */
    if (total > ROW_MASK / set->ncls)
        return ah_error_set(err, AH_E_TOO_LARGE, "%zu patterns make too large an automaton",
                            set->n);
    set->delta = ah_xcalloc(total * set->ncls, sizeof(*set->delta));
    set->nstates = 1;
    for (size_t i = 0; i < set->n; i++)
        for (uint32_t j = 0; j < set->pat[i].nkeys; j++) {
            const struct key *y = &set->pat[i].keys[j];
            uint32_t st = 0;

            for (uint32_t c = 0; c < y->len; c++) {
                uint32_t *slot = &set->delta[(size_t)st * set->ncls + set->cls[(uint8_t)y->s[c]]];

                if (!*slot)
                    *slot = set->nstates++;
                st = *slot;
            }
            term[k++] = st;
        }
    return AH_OK;
}

/* Each state's own keys as ranges of outs, in pattern order. */
static void ac_outputs(struct ah_tm_set *set, const uint32_t *term, size_t nkeys)
{
    uint32_t *fill;
    size_t k = 0;

    set->own = ah_xcalloc((size_t)set->nstates + 1, sizeof(*set->own));
    set->outs = ah_xmalloc((nkeys ? nkeys : 1) * sizeof(*set->outs));
    set->outlen = ah_xmalloc((nkeys ? nkeys : 1) * sizeof(*set->outlen));
    for (k = 0; k < nkeys; k++)
        set->own[term[k] + 1]++;
    for (uint32_t s = 0; s < set->nstates; s++)
        set->own[s + 1] += set->own[s];
    fill = ah_xmalloc((size_t)set->nstates * sizeof(*fill));
    memcpy(fill, set->own, (size_t)set->nstates * sizeof(*fill));
    k = 0;
    for (size_t i = 0; i < set->n; i++)
        for (uint32_t j = 0; j < set->pat[i].nkeys; j++) {
            uint32_t o = fill[term[k++]]++;

            set->outs[o] = (uint32_t)i | (set->pat[i].kind == AH_TM_REGEX ? KEY_GATE : 0);
            set->outlen[o] = set->pat[i].keys[j].len;
        }
    free(fill);
}

/* Failure links by breadth-first order, completing delta into a DFA and
 * filling dict; then turns targets into row offsets flagged with HAS_OUT. */
static void ac_links(struct ah_tm_set *set)
{
    uint32_t nc = set->ncls, head = 0, tail = 0;
    uint32_t *fail = ah_xcalloc(set->nstates, sizeof(*fail));
    uint32_t *queue = ah_xmalloc((size_t)set->nstates * sizeof(*queue));

    set->dict = ah_xmalloc((size_t)set->nstates * sizeof(*set->dict));
    set->dict[0] = NONE;
    for (uint32_t c = 0; c < nc; c++) {
        uint32_t t = set->delta[c];

        if (t) {
            fail[t] = 0;
            set->dict[t] = NONE;
            queue[tail++] = t;
        }
    }
    while (head < tail) {
        uint32_t s = queue[head++];
        uint32_t *row = &set->delta[(size_t)s * nc];
        const uint32_t *frow = &set->delta[(size_t)fail[s] * nc];

        for (uint32_t c = 0; c < nc; c++) {
            uint32_t t = row[c];

            if (!t) {
                row[c] = frow[c];
                continue;
            }
            uint32_t f = frow[c];

            fail[t] = f;
            set->dict[t] = set->own[f + 1] > set->own[f] ? f : set->dict[f];
            queue[tail++] = t;
        }
    }
    for (size_t k = 0; k < (size_t)set->nstates * nc; k++) {
        uint32_t t = set->delta[k];
        bool out = set->own[t + 1] > set->own[t] || set->dict[t] != NONE;

        set->delta[k] = t * nc | (out ? HAS_OUT : 0);
    }
    free(queue);
    free(fail);
}

static enum ah_err ac_build(struct ah_tm_set *set, struct ah_error *err)
{
    size_t nkeys = 0;
    uint32_t *term;
    enum ah_err rc;

    for (size_t i = 0; i < set->n; i++)
        nkeys += set->pat[i].nkeys;
    term = ah_xmalloc((nkeys ? nkeys : 1) * sizeof(*term));
    rc = ac_trie(set, term, err);
    if (!rc) {
        ac_outputs(set, term, nkeys);
        ac_links(set);
    }
    free(term);
    return rc;
}

static void drop_keys(struct pat *p)
{
    for (uint32_t j = 0; j < p->nkeys; j++)
        free(p->keys[j].s);
    free(p->keys);
    p->keys = NULL;
    p->nkeys = 0;
}

/* ---- compile ---- */

enum ah_err ah_tm_compile(const struct ah_tm_pattern *p, size_t n, struct ah_tm_set **out,
                          struct ah_error *err)
{
    struct ah_tm_set *set = ah_xcalloc(1, sizeof(*set));
    enum ah_err rc = AH_OK;

    set->pat = ah_xcalloc(n ? n : 1, sizeof(*set->pat));
    set->regexes = ah_xmalloc((n ? n : 1) * sizeof(*set->regexes));
    for (size_t i = 0; i < n; i++) {
        struct ah_error e1 = {0};

        rc = check_one(p[i].kind, p[i].text, &set->pat[i], NULL, &e1);
        if (rc) {
            ah_error_set(err, rc, "pattern %zu: %s", i, e1.msg);
            goto cleanup;
        }
        set->n = i + 1; /* what ah_tm_free releases */
        if (p[i].kind == AH_TM_REGEX)
            set->regexes[set->nregex++] = (uint32_t)i;
    }
    set->n = n;
    rc = ac_build(set, err);
cleanup:
    for (size_t i = 0; i < set->n; i++)
        drop_keys(&set->pat[i]);
    if (rc) {
        ah_tm_free(set);
        return rc;
    }
    *out = set;
    return AH_OK;
}

void ah_tm_free(struct ah_tm_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++) {
        pcre2_code_free(set->pat[i].re); /* NULL for a phrase: nothing */
        pcre2_code_free(set->pat[i].anch);
    }
    free(set->pat);
    free(set->regexes);
    free(set->delta);
    free(set->own);
    free(set->outs);
    free(set->outlen);
    free(set->dict);
    free(set);
}

size_t ah_tm_count(const struct ah_tm_set *set)
{
    return set->n;
}

/* ---- scanning ---- */

static bool wanted(const uint8_t *want, size_t i)
{
    return !want || (want[i / 8] >> (i % 8)) & 1;
}

/* The hits so far, bounded: past twice max they are sorted and cut to max,
 * and what sorts after the last kept one is dropped from then on. */
struct hits {
    struct ah_tm_hit *v;
    size_t n, cap, max;
    bool cut;
    struct ah_tm_hit last; /* when cut: the last one kept */
};

static bool hit_before(const struct ah_tm_hit *a, const struct ah_tm_hit *b)
{
    return a->byte_start < b->byte_start ||
           (a->byte_start == b->byte_start && a->pattern < b->pattern);
}

static int hit_cmp(const void *a, const void *b)
{
    const struct ah_tm_hit *x = a, *y = b;

    return hit_before(x, y) ? -1 : hit_before(y, x) ? 1 : 0;
}

static void hits_push(struct hits *h, uint32_t pattern, size_t start, size_t end)
{
    struct ah_tm_hit x = {.pattern = pattern, .byte_start = start, .byte_end = end};

    if (h->cut && hit_before(&h->last, &x))
        return;
    if (h->n >= h->max && h->n - h->max >= h->max) {
        qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
        h->n = h->max;
        h->cut = true;
        h->last = h->v[h->max - 1];
        if (hit_before(&h->last, &x))
            return;
    }
    if (h->n == h->cap) {
        h->cap = h->cap ? ah_size_add(h->cap, h->cap) : 64;
        h->v = ah_xrealloc(h->v, h->cap * sizeof(*h->v));
    }
    h->v[h->n++] = x;
}

/* Where phrase and regex matches go: hits for a scan, bits for which. */
struct sink {
    const uint8_t *want;
    struct hits *hits;    /* scan */
    size_t *last_end;     /* scan: per pattern, the end of its last hit */
    uint8_t *matched;     /* which */
    uint8_t *seen;        /* gated regexes whose literal the text holds */
    size_t left;          /* which: wanted phrases and gated regexes not settled */
    struct start *starts; /* where regexes with starts may match */
    size_t nstarts, capstarts;
    bool starts_full;     /* too many: those regexes run as if only gated */
};

struct start {
    uint32_t pattern, at;
};

static int start_cmp(const void *a, const void *b)
{
    const struct start *x = a, *y = b;

    if (x->pattern != y->pattern)
        return x->pattern < y->pattern ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

static void set_bit(uint8_t *m, size_t i)
{
    m[i / 8] |= (uint8_t)(1u << (i % 8));
}

/* A literal of gated regex p is in the text, at original offset at. */
static void gate_open(const struct ah_tm_set *set, struct sink *k, uint32_t p, size_t at)
{
    if (!wanted(k->want, p))
        return;
    if (set->pat[p].starts && !k->starts_full) {
        if (k->nstarts == k->capstarts) {
            if (k->capstarts >= AH_TM_TEXT_MAX) {
                k->starts_full = true; /* a key at nearly every byte: scan instead */
                goto seen;
            }
            k->capstarts = k->capstarts ? 2 * k->capstarts : 64;
            k->starts = ah_xrealloc(k->starts, k->capstarts * sizeof(*k->starts));
        }
        k->starts[k->nstarts++] = (struct start){p, (uint32_t)at};
    }
seen:
    if (bit(k->seen, p))
        return;
    set_bit(k->seen, p);
    if (k->matched && !set->pat[p].starts)
        k->left--;
}

/* A candidate of phrase p over folded [fs, fe), which ends where a code
 * point of the text does, at e: kept if it starts on one too and has its
 * word boundaries. */
static void phrase_hit(const struct ah_tm_set *set, const struct fold *f, const uint8_t *t,
                       size_t n, uint32_t p, size_t fe, size_t e, struct sink *k)
{
    const struct pat *pt = &set->pat[p];
    size_t fs = fe - pt->flen, s = f->map[fs];

    if (!wanted(k->want, p) || (fs && f->map[fs - 1] == s))
        return;
    if (pt->left && s && is_word(decode_before(t, s)))
        return;
    if (pt->right && e < n) {
        size_t i = e;

        if (is_word(decode(t, &i)))
            return;
    }
    if (k->matched) {
        if (!bit(k->matched, p)) {
            set_bit(k->matched, p);
            k->left--;
        }
        return;
    }
    if (s < k->last_end[p])
        return; /* overlaps the previous hit of this phrase */
    k->last_end[p] = e;
    hits_push(k->hits, p, s, e);
}

/* The keys ending in state st (a row offset), at folded fe: gates open;
 * phrases are candidates when fe ends a code point of the text, at e. */
static void keys_end(const struct ah_tm_set *set, const struct fold *f, const uint8_t *t,
                     size_t n, uint32_t st, size_t fe, size_t e, bool aligned, struct sink *k)
{
    for (st = (st & ROW_MASK) / set->ncls; st != NONE; st = set->dict[st])
        for (uint32_t o = set->own[st]; o < set->own[st + 1]; o++) {
            uint32_t p = set->outs[o];

            if (p & KEY_GATE)
                gate_open(set, k, p & ~KEY_GATE, f->map[fe - set->outlen[o]]);
            else if (aligned)
                phrase_hit(set, f, t, n, p, fe, e, k);
        }
}

/* One pass over the text, folding it and running the automaton over what
 * comes out: phrase hits, and the gates of regexes whose literals are there. */
static void run_keys(const struct ah_tm_set *set, const uint8_t *t, size_t n, struct sink *k)
{
    const uint32_t *delta = set->delta;
    const uint8_t *cls = set->cls;
    struct fold f;
    uint32_t st = 0;
    size_t i = 0;
    bool space = false;

    fold_init(&f, n);
    while (i < n && !(k->matched && !k->left)) {
        if (t[i] >= 0x80) {
            size_t o = f.len;

            fold_wide(&f, t, n, &i, &space);
            for (; o < f.len; o++) {
                st = delta[(st & ROW_MASK) + cls[f.s[o]]];
                if (st & HAS_OUT)
                    keys_end(set, &f, t, n, st, o + 1, i, o + 1 == f.len, k);
            }
            continue;
        }
        /* ASCII, the hot loop: locals, so that stores need no reloads */
        uint8_t *fs = f.s;
        uint32_t *fm = f.map;
        size_t o = f.len;

        while (i < n && t[i] < 0x80) {
            uint8_t d = ascii_fold[t[i]];
            bool keep = d != ' ' || !space;

            fs[o] = d;
            fm[o] = (uint32_t)i++;
            space = d == ' ';
            if (!keep)
                continue;
            o++;
            st = delta[(st & ROW_MASK) + cls[d]];
            if (st & HAS_OUT) {
                f.len = o;
                keys_end(set, &f, t, n, st, o, i, true, k);
                if (k->matched && !k->left)
                    break;
            }
        }
        f.len = o;
    }
    fold_release(&f);
}

/* One match attempt of p at from: a non-empty match as [*s, *e), or an
 * empty one as *s == *e; false for none (or when PCRE2 gives up at its
 * match limit). */
static bool regex_try(const pcre2_code *re, bool jit, const uint8_t *t, size_t n, size_t from,
                      pcre2_match_data *md, size_t *s, size_t *e)
{
    int rc = jit ? pcre2_jit_match(re, t, n, from, 0, md, NULL)
                 : pcre2_match(re, t, n, from, PCRE2_NO_UTF_CHECK, md, NULL);
    const PCRE2_SIZE *ov;

    if (rc < 0)
        return false;
    ov = pcre2_get_ovector_pointer(md);
    *s = ov[0];
    *e = ov[1];
    return true;
}

static bool ascii_word(uint8_t c)
{
    return c < 0x80 && is_word(c);
}

/* Whether a match of p (with an anchored copy) can start at t[c]: its first
 * byte, and its word boundary where both sides are ASCII. */
static bool may_start(const struct pat *p, const uint8_t *t, size_t c)
{
    if (!bit(p->first, t[c]))
        return false;
    if (!p->lead_b || t[c] >= 0x80 || (c && t[c - 1] >= 0x80))
        return true;
    return c ? ascii_word(t[c - 1]) != ascii_word(t[c]) : ascii_word(t[c]);
}

/* The first non-empty match of p in t[from..n) as [*s, *e); false when
 * none. An empty match moves on by one code point. With an anchored copy,
 * tries only where may_start holds, in order: the same leftmost match. */
static bool regex_next(const struct pat *p, const uint8_t *t, size_t n, size_t from,
                       pcre2_match_data *md, size_t *s, size_t *e)
{
    bool anch = p->anch && !p->starts;

    while (from < n || (from == n && !anch)) {
        if (anch) {
            while (from < n && !may_start(p, t, from))
                from++;
            if (from == n)
                return false;
            if (!regex_try(p->anch, p->anch_jit, t, n, from, md, s, e)) {
                from++;
                continue;
            }
        } else if (!regex_try(p->re, p->jit, t, n, from, md, s, e)) {
            return false;
        }
        if (*e > *s)
            return true;
        if (*s >= n)
            return false;
        from = *s + 1;
        while (from < n && (t[from] & 0xC0) == 0x80)
            from++;
    }
    return false;
}

/* Tries p's anchored copy at the starts c[0..nc) of its literals, in
 * order: its hits, or its first match when which. */
static void regex_at_starts(const struct pat *pt, uint32_t p, const uint8_t *t, size_t n,
                            const struct start *c, size_t nc, pcre2_match_data *md,
                            struct sink *k)
{
    size_t from = 0, s, e;

    for (size_t j = 0; j < nc; j++) {
        if (c[j].at < from || (j && c[j].at == c[j - 1].at))
            continue;
        if (!regex_try(pt->anch, pt->anch_jit, t, n, c[j].at, md, &s, &e) || e == s)
            continue;
        if (k->matched) {
            set_bit(k->matched, p);
            return;
        }
        if (k->hits->cut && s > k->hits->last.byte_start)
            return;
        hits_push(k->hits, p, s, e);
        from = e;
    }
}

static void run_regexes(const struct ah_tm_set *set, const uint8_t *t, size_t n,
                        struct sink *k)
{
    pcre2_match_data *md = NULL;
    size_t j = 0;

    if (k->nstarts > 1)
        qsort(k->starts, k->nstarts, sizeof(*k->starts), start_cmp);
    for (size_t r = 0; r < set->nregex; r++) {
        uint32_t p = set->regexes[r];
        const struct pat *pt = &set->pat[p];
        size_t from = 0, s, e, j0;

        if (!wanted(k->want, p) || (pt->gated && !bit(k->seen, p)))
            continue;
        if (!md)
            md = pcre2_match_data_create(1, NULL);
        if (!md)
            abort(); /* out of memory */
        if (pt->starts && !k->starts_full) {
            while (j < k->nstarts && k->starts[j].pattern < p)
                j++;
            for (j0 = j; j < k->nstarts && k->starts[j].pattern == p; j++)
                ;
            regex_at_starts(pt, p, t, n, k->starts + j0, j - j0, md, k);
            continue;
        }
        while (regex_next(pt, t, n, from, md, &s, &e)) {
            if (k->matched) {
                set_bit(k->matched, p);
                break;
            }
            if (k->hits->cut && s > k->hits->last.byte_start)
                break;
            hits_push(k->hits, p, s, e);
            from = e;
        }
    }
    pcre2_match_data_free(md);
}

/* Refuses text over the cap or not UTF-8. */
static enum ah_err check_text(const char *text, size_t len, struct ah_error *err)
{
    if (len > AH_TM_TEXT_MAX)
        return ah_error_set(err, AH_E_TOO_LARGE, "text of %zu bytes is over the %d-byte cap",
                            len, AH_TM_TEXT_MAX);
    if (len && !text)
        return ah_error_set(err, AH_E_INVALID, "text is missing");
    if (!utf8_ok((const uint8_t *)text, len))
        return ah_error_set(err, AH_E_INVALID, "text is not valid UTF-8");
    return AH_OK;
}

/* How many of the wanted patterns the automaton settles (phrases, regexes
 * gated by literals), and whether any wanted regex waits for its starts. */
static size_t wanted_keyed(const struct ah_tm_set *set, const uint8_t *want, bool *starts)
{
    size_t c = 0;

    *starts = false;
    for (size_t i = 0; i < set->n; i++) {
        const struct pat *p = &set->pat[i];

        if (!wanted(want, i))
            continue;
        c += p->kind == AH_TM_PHRASE || (p->gated && !p->starts);
        *starts = *starts || p->starts;
    }
    return c;
}

struct u16_slot {
    size_t off;
    size_t *dst;
};

static int slot_cmp(const void *a, const void *b)
{
    const struct u16_slot *x = a, *y = b;

    return x->off < y->off ? -1 : x->off > y->off;
}

/* Fills the UTF-16 offsets of h[0..n) by one walk over the text. */
static void fill_u16(const uint8_t *t, struct ah_tm_hit *h, size_t n)
{
    struct u16_slot *sl = ah_xmalloc(2 * n * sizeof(*sl));
    size_t at = 0, u = 0;

    for (size_t i = 0; i < n; i++) {
        sl[2 * i] = (struct u16_slot){h[i].byte_start, &h[i].u16_start};
        sl[2 * i + 1] = (struct u16_slot){h[i].byte_end, &h[i].u16_end};
    }
    qsort(sl, 2 * n, sizeof(*sl), slot_cmp);
    for (size_t i = 0; i < 2 * n; i++) {
        /* a lead byte starts a unit; one of 4 bytes (past U+FFFF) a second */
        for (; at < sl[i].off; at++)
            u += ((t[at] & 0xC0) != 0x80) + (t[at] >= 0xF0);
        *sl[i].dst = u;
    }
    free(sl);
}

enum ah_err ah_tm_scan(const struct ah_tm_set *set, const char *text, size_t len,
                       const uint8_t *want, size_t max_hits, struct ah_arena *a,
                       struct ah_tm_hit **hits, size_t *nhits, struct ah_error *err)
{
    const uint8_t *t = (const uint8_t *)text;
    struct hits h = {.max = max_hits};
    struct sink k = {.want = want, .hits = &h};
    struct ah_tm_hit *out = NULL;
    enum ah_err rc = check_text(text, len, err);

    if (rc)
        return rc;
    if (max_hits) {
        bool starts;

        k.seen = ah_xcalloc(set->n / 8 + 1, 1);
        if (wanted_keyed(set, want, &starts) || starts) {
            k.last_end = ah_xcalloc(set->n, sizeof(*k.last_end));
            run_keys(set, t, len, &k);
            free(k.last_end);
        }
        run_regexes(set, t, len, &k);
        free(k.seen);
        free(k.starts);
    }
    if (h.n > 1)
        qsort(h.v, h.n, sizeof(*h.v), hit_cmp);
    if (h.n > max_hits)
        h.n = max_hits;
    if (h.n) {
        fill_u16(t, h.v, h.n);
        out = ah_arena_alloc(a, h.n * sizeof(*out));
        memcpy(out, h.v, h.n * sizeof(*out));
    }
    free(h.v);
    *hits = out;
    *nhits = h.n;
    return AH_OK;
}

enum ah_err ah_tm_which(const struct ah_tm_set *set, const char *text, size_t len,
                        const uint8_t *want, uint8_t *matched, struct ah_error *err)
{
    const uint8_t *t = (const uint8_t *)text;
    struct sink k = {.want = want, .matched = matched};
    bool starts;
    enum ah_err rc = check_text(text, len, err);

    if (rc)
        return rc;
    memset(matched, 0, (set->n + 7) / 8);
    k.seen = ah_xcalloc(set->n / 8 + 1, 1);
    /* a regex with starts needs every one of them: the pass then goes on */
    k.left = wanted_keyed(set, want, &starts) + starts;
    if (k.left)
        run_keys(set, t, len, &k);
    run_regexes(set, t, len, &k);
    free(k.seen);
    free(k.starts);
    return AH_OK;
}
