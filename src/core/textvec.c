/* textvec.c - a customer's question as a weighted term vector, for the
 * online grouping of repeated questions. Owns the reading of words (folding,
 * splitting, caps), the stop lists and the language guess made from them,
 * the term hashes, the TF-IDF weights, and the sparse vector arithmetic and
 * text form. libstemmer.h and utf8proc.h stay inside this file.
 *
 * Libraries do the hard parts: Snowball stems a word for its language and
 * utf8proc folds Unicode (NFKC, case, accents, letter classes). The rest is
 * written here because it is small and specific. Stop lists are a hundred-odd
 * words per language, plus the greetings every mail has; Snowball publishes
 * lists, but as text files, and no Debian library ships them for C. Debian's
 * one C language guesser, libexttextcat, reads n-gram profiles from data
 * files and is unreliable on a ten-word question; counting stop words is
 * enough to pick one of the seven stemmers we use. Nothing in Debian builds
 * TF-IDF vectors one text at a time against document frequencies that the
 * caller keeps in its own store (Xapian is a C++ engine that owns its index),
 * and the vector arithmetic is a merge of sorted arrays, shorter than the glue
 * to any library would be. */
#include "core/textvec.h"

#include <assert.h>
#include <float.h>
#include <inttypes.h>
#include <libstemmer.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/mem.h"

/* A word longer than this is a hash, a key or base64, not a word: dropped.
 * German compounds stay under it. */
#define MAX_WORD_CPS 64
#define MAX_WORD_BYTES (MAX_WORD_CPS * 4)
/* Code points a run of letters may fold into; a longer run is dropped whole. */
#define MAX_RUN_CPS 256
/* Longest number kept: a year, an error code; longer is an order number or an amount. */
#define MAX_DIGITS 4
/* A word this short gives no trigrams: its grams would be little more than the word. */
#define MIN_GRAM_CPS 3
/* gram_share past this would overflow the norm; nobody wants grams a million times a word */
#define MAX_GRAM_SHARE 1e6

#define FOLD_OPTIONS                                                                         \
    (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |              \
     UTF8PROC_IGNORE)
#define STRIP_OPTIONS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK)

/* FNV-1a with a fixed start per kind, so that a word and a gram with the same
 * bytes differ; terms are stored, so these never change. */
#define FNV_PRIME UINT64_C(0x100000001b3)
#define SEED_WORD UINT64_C(0xcbf29ce484222325)
#define SEED_GRAM (SEED_WORD ^ UINT64_C(0x9e3779b97f4a7c15))

/* 16 characters of base64 are exactly one entry: 8 bytes of term, 4 of weight */
#define ENTRY_BYTES 12
#define ENTRY_CHARS 16

/* ---- stop lists ---- */

/* Folded (NFKC, case-folded) as the language writes them, plus the spelling
 * without accents that people type; sorted by bytes. Function words, the
 * greetings and thanks every mail has, and (English) the filler of a support
 * request that says nothing of what it is about: "pls help asap", "I need
 * to know", "urgent". */
static const char *const stop_english[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "anyone", "are", "aren", "as", "asap", "at", "be", "because", "been", "before", "being",
    "below", "between", "both", "but", "by", "can", "cannot", "could", "couldn", "d", "dear",
    "did", "didn", "do", "does", "doesn", "doing", "don", "down", "during", "each", "either",
    "else", "even", "ever", "every", "few", "for", "from", "further", "get", "got", "guys",
    "had", "hadn", "has", "hasn", "have", "haven", "having", "he", "hello", "help", "her",
    "here", "hers", "herself", "hey", "hi", "hii", "him", "himself", "his", "hiya", "how",
    "however", "i", "if", "in", "into", "is", "isn", "it", "its", "itself", "just", "know",
    "like", "ll", "m", "me", "might", "more", "most", "must", "mustn", "my", "myself", "need",
    "neither", "no", "nor", "not", "now", "of", "off", "ok", "okay", "on", "once", "only", "or",
    "other", "our", "ours", "ourselves", "out", "over", "own", "please", "pls", "plz", "re",
    "regards", "s", "same", "shall", "shan", "she", "should", "shouldn", "so", "some",
    "someone", "such", "t", "tell", "than", "thank", "thanks", "that", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "thx",
    "to", "too", "ty", "um", "under", "until", "up", "urgent", "us", "ve", "very", "want",
    "was", "wasn", "we", "were", "weren", "what", "when", "where", "which", "while", "who",
    "whom", "whose", "why", "will", "with", "won", "would", "wouldn", "yet", "you", "your",
    "yours", "yourself", "yourselves",
};
static const char *const stop_french[] = {
    "a", "afin", "ai", "aie", "aient", "ainsi", "alors", "as", "au", "aucun", "aucune", "aussi",
    "autre", "autres", "aux", "avais", "avait", "avec", "avez", "avoir", "avons", "bonjour", "c",
    "ca", "car", "ce", "ceci", "cela", "celle", "celles", "celui", "ces", "cet", "cette", "chez",
    "ci", "comme", "comment", "cordialement", "d", "dans", "de", "des", "donc", "dont", "du",
    "elle", "elles", "en", "encore", "es", "est", "et", "etaient", "etais", "etait", "ete", "etre",
    "eu", "eux", "faire", "fais", "fait", "il", "ils", "j", "je", "jusqu", "l", "la", "le", "les",
    "leur", "leurs", "lorsqu", "lui", "m", "ma", "madame", "mais", "me", "meme", "merci", "mes",
    "moi", "mon", "monsieur", "même", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou",
    "où", "par", "parce", "pas", "peu", "peut", "peux", "plus", "pour", "pourquoi", "pouvez",
    "puis", "puisqu", "qu", "quand", "que", "quel", "quelle", "quelles", "quels", "qui", "quoi",
    "s", "sa", "salut", "sans", "se", "ses", "si", "son", "sont", "sous", "suis", "sur", "svp",
    "t", "ta", "te", "tes", "toi", "ton", "tous", "tout", "toute", "toutes", "tres", "très", "tu",
    "un", "une", "vos", "votre", "vous", "y", "à", "ça", "étaient", "étais", "était", "été",
    "être",
};
static const char *const stop_german[] = {
    "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am", "an", "andere",
    "anderen", "auch", "auf", "aus", "bei", "beim", "bin", "bis", "bist", "bitte", "da", "damit",
    "danke", "dann", "das", "dass", "dein", "deine", "dem", "den", "denn", "der", "des", "dich",
    "die", "dies", "diese", "diesem", "diesen", "dieser", "dieses", "dir", "doch", "dort", "du",
    "durch", "ein", "eine", "einem", "einen", "einer", "eines", "er", "es", "etwas", "euch",
    "euer", "freundlichen", "fuer", "fur", "für", "gegen", "gewesen", "gruesse", "gruss", "grusse",
    "grüsse", "hab", "habe", "haben", "haette", "hallo", "hat", "hatte", "hier", "hätte", "ich",
    "ihm", "ihn", "ihnen", "ihr", "ihre", "im", "in", "ist", "ja", "jede", "jedem", "jeden",
    "jeder", "jetzt", "kann", "kein", "keine", "keinen", "koennen", "konnen", "können", "mein",
    "meine", "meinem", "meinen", "meiner", "mfg", "mich", "mir", "mit", "muessen", "muss",
    "mussen", "müssen", "nach", "nicht", "nichts", "noch", "nun", "nur", "ob", "oder", "ohne",
    "schon", "sehr", "sein", "seine", "seit", "sich", "sie", "sind", "so", "soll", "sollte",
    "uber", "ueber", "um", "und", "uns", "unser", "unsere", "unter", "viel", "vom", "von", "vor",
    "war", "waren", "warum", "was", "weil", "welche", "wenn", "wer", "werde", "werden", "wie",
    "wieder", "will", "wir", "wird", "wo", "wuerde", "wurde", "würde", "zu", "zum", "zur",
    "zwischen", "über",
};
static const char *const stop_spanish[] = {
    "a", "al", "algo", "algun", "alguna", "algunos", "algún", "ante", "antes", "aqui", "aquí",
    "asi", "así", "aun", "aún", "buenas", "buenos", "como", "con", "contra", "cual", "cuando",
    "cuál", "cuándo", "cómo", "de", "del", "desde", "donde", "durante", "dónde", "e", "el", "ella",
    "ellas", "ellos", "en", "entre", "era", "eres", "es", "esa", "ese", "eso", "esta", "estan",
    "estas", "este", "esto", "estos", "estoy", "está", "están", "favor", "fue", "fueron",
    "gracias", "ha", "habia", "había", "han", "hasta", "hay", "he", "hola", "la", "las", "le",
    "les", "lo", "los", "mas", "me", "mi", "mis", "mucho", "muy", "más", "mí", "nada", "ni", "no",
    "nos", "nosotros", "o", "os", "otra", "otro", "para", "pero", "poco", "por", "porque", "que",
    "quien", "quién", "qué", "saludos", "se", "sea", "ser", "si", "sin", "sobre", "solo", "son",
    "soy", "su", "sus", "sí", "sólo", "tambien", "también", "te", "tengo", "tiene", "tienen",
    "todo", "todos", "tu", "tus", "tú", "un", "una", "uno", "unos", "usted", "y", "ya", "yo", "él",
};
static const char *const stop_italian[] = {
    "a", "ad", "agli", "ai", "al", "all", "alla", "alle", "allo", "anche", "avere", "buongiorno",
    "c", "che", "chi", "ci", "ciao", "come", "con", "cordiali", "cosa", "cosi", "così", "cui",
    "da", "dal", "dall", "dalla", "dalle", "degli", "dei", "del", "dell", "della", "delle",
    "dello", "di", "dove", "e", "ed", "era", "erano", "essere", "gli", "grazie", "ha", "hai",
    "hanno", "ho", "i", "il", "in", "io", "l", "la", "le", "lei", "li", "lo", "loro", "lui", "ma",
    "me", "mi", "mia", "mie", "miei", "mio", "ne", "nei", "nel", "nell", "nella", "nelle", "no",
    "noi", "non", "o", "per", "perche", "perché", "piu", "più", "po", "puo", "può", "qual",
    "quale", "quando", "quanto", "quel", "quella", "quelle", "quelli", "quello", "questa",
    "queste", "questi", "questo", "saluti", "salve", "se", "si", "sia", "siamo", "sono", "sta",
    "stato", "su", "sua", "sue", "sui", "sul", "sull", "sulla", "suo", "suoi", "te", "ti", "tra",
    "tu", "tutti", "tutto", "un", "una", "uno", "vi", "voi", "è",
};
static const char *const stop_portuguese[] = {
    "a", "ao", "aos", "as", "ate", "até", "boa", "bom", "com", "como", "da", "das", "de", "dela",
    "dele", "deles", "do", "dos", "e", "ela", "elas", "ele", "eles", "em", "entre", "era", "essa",
    "esse", "esta", "estao", "este", "está", "estão", "eu", "foi", "foram", "ha", "há", "isso",
    "isto", "ja", "já", "lhe", "mais", "mas", "me", "meu", "minha", "muito", "na", "nao", "nas",
    "nem", "no", "nos", "não", "nós", "o", "obrigada", "obrigado", "ola", "olá", "os", "ou",
    "para", "pela", "pelo", "por", "porque", "qual", "quando", "que", "quem", "se", "sem", "ser",
    "seu", "seus", "so", "sua", "suas", "só", "tambem", "também", "te", "tem", "tenho", "ter",
    "tudo", "têm", "um", "uma", "voce", "voces", "você", "vocês", "à", "às", "é",
};
static const char *const stop_dutch[] = {
    "aan", "al", "alles", "als", "alvast", "bedankt", "ben", "bij", "dag", "dan", "dank", "dat",
    "de", "deze", "die", "dit", "doen", "door", "dus", "een", "en", "er", "geen", "graag",
    "groeten", "had", "hallo", "heb", "hebben", "heeft", "hem", "het", "hier", "hij", "hoe", "hoi",
    "hun", "ik", "in", "is", "ja", "je", "jij", "jou", "kan", "kon", "kunnen", "maar", "me",
    "meer", "met", "mij", "mijn", "moet", "na", "naar", "niet", "niets", "nog", "nu", "of", "om",
    "omdat", "onder", "ons", "ook", "op", "over", "te", "tegen", "toch", "toen", "tot", "u", "uit",
    "uw", "van", "veel", "voor", "waar", "wanneer", "want", "was", "wat", "we", "wel", "werd",
    "wie", "wij", "wil", "word", "worden", "wordt", "zal", "ze", "zei", "zich", "zij", "zijn",
    "zo", "zonder", "zou",
};

struct lang {
    const char *name; /* Snowball's */
    const char *const *stop;
    size_t n;
};

#define LANG(l) {#l, stop_##l, sizeof(stop_##l) / sizeof(stop_##l[0])}
/* English first: it wins ties, and its stop words are dropped in any language */
static const struct lang langs[] = {
    LANG(english), LANG(french), LANG(german),  LANG(spanish),
    LANG(italian), LANG(portuguese), LANG(dutch),
};
#undef LANG
#define NLANGS (sizeof(langs) / sizeof(langs[0]))
#define ENGLISH 0

/* The lists merged into one hash table, built once: a word is looked up once,
 * not once per language. Twice the words of all lists, as a power of two. */
#define STOP_SLOTS 2048
static struct stop_slot {
    const char *w;
    unsigned mask; /* bit l: a stop word of langs[l] */
} stop_index[STOP_SLOTS];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

/* The slot of w[0 .. n): its own, or the empty one where it goes. */
static struct stop_slot *stop_slot(const char *w, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a, 32 bits */
    size_t i;

    for (size_t k = 0; k < n; k++)
        h = (h ^ (unsigned char)w[k]) * 16777619u;
    i = h & (STOP_SLOTS - 1);
    while (stop_index[i].w &&
           (strncmp(stop_index[i].w, w, n) != 0 || stop_index[i].w[n] != '\0'))
        i = (i + 1) & (STOP_SLOTS - 1);
    return &stop_index[i];
}

static void index_stops(void)
{
    size_t total = 0;

    for (size_t l = 0; l < NLANGS; l++) {
        for (size_t i = 0; i < langs[l].n; i++) {
            struct stop_slot *s = stop_slot(langs[l].stop[i], strlen(langs[l].stop[i]));

            /* the lists are edited by hand: keep them sorted, for whoever reads them */
            assert(i == 0 || strcmp(langs[l].stop[i - 1], langs[l].stop[i]) < 0);
            s->w = langs[l].stop[i];
            s->mask |= 1u << l;
        }
        total += langs[l].n;
    }
    assert(2 * total <= STOP_SLOTS);
    (void)total;
}

/* Bit l set: w[0 .. n) is a stop word of langs[l]. */
static unsigned stop_mask(const char *w, size_t n)
{
    return stop_slot(w, n)->mask;
}

/* ---- reading words ---- */

struct tok {
    size_t off;  /* of its folded text in scan.text, NUL-terminated */
    size_t len;  /* bytes */
    size_t cps;  /* code points */
    bool letter; /* holds a letter */
    bool digits; /* only decimal digits */
    unsigned stop;
};

struct scan {
    struct ah_buf text;
    struct tok tok[AH_TV_MAX_WORDS];
    size_t n;    /* kept in tok */
    size_t read; /* words read, dropped ones too: the cap counts these */
};

/* utf8proc_category, without the table walk for ASCII (most words) */
static utf8proc_category_t category(utf8proc_int32_t cp)
{
    if (cp >= 'a' && cp <= 'z')
        return UTF8PROC_CATEGORY_LL;
    if (cp >= '0' && cp <= '9')
        return UTF8PROC_CATEGORY_ND;
    return utf8proc_category(cp);
}

static bool is_letter(utf8proc_category_t c)
{
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

/* Letters, digits and the marks that go on them make words (after folding). */
static bool is_word(utf8proc_category_t c)
{
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

static bool is_ascii_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Adds one folded word, cps[0 .. n), unless too long. */
static void add_word(struct scan *s, const utf8proc_int32_t *cps, size_t n)
{
    char w[MAX_WORD_BYTES + 1];
    struct tok t = {.off = s->text.len, .cps = n, .digits = true};
    enum ah_err rc;

    assert(s->read < AH_TV_MAX_WORDS); /* so s->tok has room */
    s->read++;
    if (n > MAX_WORD_CPS)
        return;
    for (size_t i = 0; i < n; i++) {
        utf8proc_category_t c = category(cps[i]);

        t.letter |= is_letter(c);
        t.digits &= c == UTF8PROC_CATEGORY_ND;
        t.len += (size_t)utf8proc_encode_char(cps[i], (utf8proc_uint8_t *)w + t.len);
    }
    w[t.len] = '\0';
    t.stop = stop_mask(w, t.len);
    rc = ah_buf_append(&s->text, w, t.len + 1, NULL);
    assert(rc == AH_OK); /* the cap holds AH_TV_MAX_WORDS words of MAX_WORD_BYTES */
    (void)rc;
    s->tok[s->n++] = t;
}

/* Adds the words of folded code points: folding may have made separators. */
static void split_folded(struct scan *s, const utf8proc_int32_t *cps, size_t n)
{
    size_t i = 0;

    while (i < n && s->read < AH_TV_MAX_WORDS) {
        size_t start;

        while (i < n && !is_word(category(cps[i])))
            i++;
        start = i;
        while (i < n && is_word(category(cps[i])))
            i++;
        if (i > start)
            add_word(s, cps + start, i - start);
    }
}

/* Folds one run of word characters p[0 .. n) (valid UTF-8) and adds its words. */
static void add_run(struct scan *s, const char *p, size_t n, bool ascii)
{
    utf8proc_int32_t cps[MAX_RUN_CPS];
    utf8proc_ssize_t k;

    if (n > MAX_RUN_CPS * 4) {
        s->read++;
        return;
    }
    if (ascii) {
        if (n > MAX_RUN_CPS) {
            s->read++;
            return;
        }
        for (size_t i = 0; i < n; i++)
            cps[i] = p[i] >= 'A' && p[i] <= 'Z' ? p[i] + ('a' - 'A') : p[i];
        add_word(s, cps, n); /* ASCII letters and digits fold to themselves */
        return;
    }
    k = utf8proc_decompose_custom((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, cps,
                                  MAX_RUN_CPS, FOLD_OPTIONS, NULL, NULL);
    if (k >= 0 && k <= MAX_RUN_CPS)
        k = utf8proc_normalize_utf32(cps, k, FOLD_OPTIONS);
    if (k < 0 || k > MAX_RUN_CPS) {
        s->read++;
        return;
    }
    split_folded(s, cps, (size_t)k);
}

/* The code point at p[*i], moving *i past it; -1 for an invalid byte (skipped). */
static utf8proc_int32_t next_cp(struct ah_str text, size_t *i)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)text.p + *i,
                                             (utf8proc_ssize_t)(text.len - *i), &cp);

    if (step <= 0 || !utf8proc_codepoint_valid(cp)) {
        (*i)++;
        return -1;
    }
    *i += (size_t)step;
    return cp;
}

/* Reads the words of text, before folding: letters, digits, marks and
 * format characters (soft hyphens and joiners, which folding removes). An
 * invalid byte ends a word. */
static void read_words(struct scan *s, struct ah_str text)
{
    size_t i = 0, start = 0, end;
    bool in = false, ascii = true;

    while (i < text.len && s->read < AH_TV_MAX_WORDS) {
        unsigned char c = (unsigned char)text.p[i];
        bool word;

        end = i;
        if (c < 0x80) {
            word = is_ascii_word(c);
            i++;
        } else {
            utf8proc_int32_t cp = next_cp(text, &i);
            utf8proc_category_t cat = cp < 0 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);

            word = is_word(cat) || cat == UTF8PROC_CATEGORY_CF;
        }
        if (word && !in) {
            in = true;
            ascii = true;
            start = end;
        }
        if (word) {
            ascii &= c < 0x80;
        } else if (in) {
            in = false;
            add_run(s, text.p + start, end - start, ascii);
        }
    }
    if (in && s->read < AH_TV_MAX_WORDS)
        add_run(s, text.p + start, i - start, ascii);
}

/* ---- language, stems, accents ---- */

/* The language with most stop words in s; English on a tie with it, else the
 * first in langs. */
static size_t guess_lang(const struct scan *s)
{
    size_t hits[NLANGS] = {0}, best = ENGLISH;

    for (size_t i = 0; i < s->n; i++)
        for (size_t l = 0; l < NLANGS; l++)
            hits[l] += (s->tok[i].stop >> l) & 1u;
    for (size_t l = 1; l < NLANGS; l++)
        if (hits[l] > hits[best])
            best = l;
    return best;
}

/* p[0 .. n) without accents into out (cap bytes); its length, 0 when it does
 * not fit (never for a word under MAX_WORD_CPS). */
static size_t strip_accents(const char *p, size_t n, char *out, size_t cap)
{
    utf8proc_int32_t cps[MAX_RUN_CPS];
    utf8proc_ssize_t k;
    size_t len = 0;
    bool ascii = true;

    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)p[i] < 0x80;
    if (ascii) {
        if (n >= cap)
            return 0;
        memcpy(out, p, n);
        return n;
    }
    k = utf8proc_decompose_custom((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, cps,
                                  MAX_RUN_CPS, STRIP_OPTIONS, NULL, NULL);
    if (k < 0 || k > MAX_RUN_CPS)
        return 0;
    k = utf8proc_normalize_utf32(cps, k, STRIP_OPTIONS);
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        if (cap - len < 5)
            return 0;
        len += (size_t)utf8proc_encode_char(cps[i], (utf8proc_uint8_t *)out + len);
    }
    return len;
}

static size_t count_cps(const char *p, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)p[i] & 0xC0) != 0x80;
    return k;
}

/* ---- terms ---- */

static int64_t term_of(uint64_t seed, const char *p, size_t n, bool gram)
{
    uint64_t h = seed;
    int64_t t;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= FNV_PRIME;
    }
    /* FNV-1a leaves short keys' high bits poorly mixed: MurmurHash3's finaliser spreads them */
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    t = (int64_t)(h & (uint64_t)(AH_TV_GRAM_BIT - 1));
    if (!t)
        t = 1;
    return gram ? t | AH_TV_GRAM_BIT : t;
}

/* The terms of one text as they are found: words and grams apart, one hash
 * table over both (terms are well mixed: their low bits index it). */
struct build {
    struct ah_arena *a;
    struct ah_tv_term *word, *gram;
    size_t nword, ngram, cap_gram;
    struct slot {
        int64_t term; /* 0: empty */
        size_t at;
    } *slot;
    size_t mask;
};

/* The slot of term: its own, or the empty one where it goes. */
static struct slot *find(struct build *b, int64_t term)
{
    size_t i = (size_t)term & b->mask;

    while (b->slot[i].term && b->slot[i].term != term)
        i = (i + 1) & b->mask;
    return &b->slot[i];
}

/* Counts the word term of a word seen as label; its index in b->word. */
static size_t add_word_term(struct build *b, int64_t term, const char *label, size_t len)
{
    struct slot *s = find(b, term);

    if (s->term) {
        b->word[s->at].tf++;
        return s->at;
    }
    s->term = term;
    s->at = b->nword;
    b->word[b->nword] = (struct ah_tv_term){.term = term, .kind = AH_TV_WORD, .tf = 1,
                                            .word = ah_arena_strndup(b->a, label, len)};
    return b->nword++;
}

/* Counts the trigrams of ^label$ (label of cps code points), of word parent. */
static void add_grams(struct build *b, const char *label, size_t len, size_t cps, size_t parent)
{
    char w[MAX_WORD_BYTES * 2 + 2];
    size_t at[MAX_WORD_CPS * 2 + 3], k = 0;

    if (cps < MIN_GRAM_CPS || cps > MAX_WORD_CPS * 2)
        return;
    w[0] = '^';
    memcpy(w + 1, label, len);
    w[len + 1] = '$';
    for (size_t i = 0; i < len + 2; i++)
        if (((unsigned char)w[i] & 0xC0) != 0x80)
            at[k++] = i;
    at[k] = len + 2;
    for (size_t i = 0; i + 3 <= k && b->ngram < b->cap_gram; i++) {
        int64_t term = term_of(SEED_GRAM, w + at[i], at[i + 3] - at[i], true);
        struct slot *s = find(b, term);

        if (s->term) {
            b->gram[s->at].tf++;
            continue;
        }
        s->term = term;
        s->at = b->ngram;
        b->gram[b->ngram++] = (struct ah_tv_term){
            .term = term, .kind = AH_TV_GRAM, .tf = 1, .parent = (uint32_t)parent};
    }
}

/* True when the word t is not worth a term in language lang. */
static bool dropped(const struct tok *t, size_t lang)
{
    return t->cps < 2 || (t->digits && t->cps > MAX_DIGITS) ||
           (t->stop & ((1u << lang) | (1u << ENGLISH)));
}

/* Adds the terms of one word w (token t): its stem, then its trigrams. */
static void add_token(struct build *b, struct sb_stemmer *st, const struct tok *t,
                      const char *w)
{
    char label[MAX_WORD_BYTES + 1], stem[MAX_WORD_BYTES * 2 + 1];
    size_t llen = strip_accents(w, t->len, label, sizeof(label)), slen = llen, at;

    if (!llen)
        return;
    if (t->letter) {
        /* Snowball expects the accents; they go after */
        const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)w, (int)t->len);

        if (!r)
            abort(); /* out of memory */
        slen = strip_accents((const char *)r, (size_t)sb_stemmer_length(st), stem,
                             sizeof(stem));
        if (!slen)
            return;
    } else {
        memcpy(stem, label, llen);
    }
    at = add_word_term(b, term_of(SEED_WORD, stem, slen, false), label, llen);
    if (t->letter)
        add_grams(b, label, llen, count_cps(label, llen), at);
}

/* Builds out from the words read: word terms, then gram terms. */
static void build_terms(struct ah_arena *a, const struct scan *s, size_t lang,
                        struct ah_tv_doc *out)
{
    struct build b = {.a = a};
    struct sb_stemmer *st;
    size_t cps = 0, slots = 16;

    for (size_t i = 0; i < s->n; i++)
        cps += s->tok[i].cps; /* a word gives at most one gram per code point */
    while (slots < 2 * (s->n + cps))
        slots *= 2;
    b.slot = ah_xcalloc(slots, sizeof(*b.slot));
    b.mask = slots - 1;
    b.word = ah_xmalloc((s->n + 1) * sizeof(*b.word));
    b.gram = ah_xmalloc((cps + 1) * sizeof(*b.gram));
    b.cap_gram = cps;
    /* a few hundred ns: cheaper than a per-thread cache that must be freed at thread exit */
    st = sb_stemmer_new(langs[lang].name, "UTF_8");
    if (!st)
        abort(); /* out of memory: the names are Snowball's own */
    for (size_t i = 0; i < s->n; i++)
        if (!dropped(&s->tok[i], lang))
            add_token(&b, st, &s->tok[i], s->text.p + s->tok[i].off);
    sb_stemmer_delete(st);
    *out = (struct ah_tv_doc){.terms = ah_arena_alloc(a, (b.nword + b.ngram + 1) *
                                                             sizeof(*out->terms)),
                              .n = b.nword + b.ngram,
                              .nwords = b.nword,
                              .lang = langs[lang].name};
    memcpy(out->terms, b.word, b.nword * sizeof(*b.word));
    memcpy(out->terms + b.nword, b.gram, b.ngram * sizeof(*b.gram));
    free(b.gram);
    free(b.word);
    free(b.slot);
}

void ah_tv_parse(struct ah_arena *a, struct ah_str text, struct ah_tv_doc *out)
{
    struct scan *s = ah_xmalloc(sizeof(*s));
    size_t lang;

    assert(text.p || !text.len);
    pthread_once(&stop_once, index_stops);
    s->n = s->read = 0;
    ah_buf_init(&s->text, AH_TV_MAX_WORDS * (MAX_WORD_BYTES + 1));
    read_words(s, text);
    lang = guess_lang(s);
    build_terms(a, s, lang, out);
    ah_buf_release(&s->text);
    free(s);
}

/* ---- weights ---- */

struct pair {
    int64_t term;
    float w;
};

static void insertion_sort(struct pair *p, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct pair x = p[i];
        size_t j = i;

        for (; j > 0 && p[j - 1].term > x.term; j--)
            p[j] = p[j - 1];
        p[j] = x;
    }
}

/* p by term: LSD radix on the bytes of the key, linear in n whatever the
 * terms; tmp has room for n. */
static void radix_sort(struct pair *p, size_t n, struct pair *tmp)
{
    struct pair *from = p, *to = tmp, *swap;

    for (unsigned shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};

        for (size_t i = 0; i < n; i++)
            count[(((uint64_t)from[i].term >> shift) & 0xFF) + 1]++;
        if (n == 0 || count[(((uint64_t)from[0].term >> shift) & 0xFF) + 1] == n)
            continue; /* one value in this byte: nothing moves */
        for (size_t d = 1; d < 257; d++)
            count[d] += count[d - 1];
        for (size_t i = 0; i < n; i++)
            to[count[((uint64_t)from[i].term >> shift) & 0xFF]++] = from[i];
        swap = from;
        from = to;
        to = swap;
    }
    if (from != p)
        memcpy(p, from, n * sizeof(*p));
}

/* p by term; tmp has room for n. Terms are hashes, so their top byte spreads
 * them over 256 buckets of about n / 256 each: those are sorted in place, and
 * a bucket that is not small (chosen words) by radix, so never quadratic. */
static void sort_by_term(struct pair *p, size_t n, struct pair *tmp)
{
    size_t start[257] = {0}, at[256];

    if (n <= 32) {
        insertion_sort(p, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        start[((uint64_t)p[i].term >> 55) + 1]++; /* bits 55-62: bit 63 is clear */
    for (size_t d = 1; d < 257; d++)
        start[d] += start[d - 1];
    memcpy(at, start, sizeof(at));
    for (size_t i = 0; i < n; i++)
        tmp[at[(uint64_t)p[i].term >> 55]++] = p[i];
    for (size_t d = 0; d < 256; d++) {
        size_t k = start[d + 1] - start[d];

        if (k <= 32)
            insertion_sort(tmp + start[d], k);
        else
            radix_sort(tmp + start[d], k, p + start[d]);
    }
    memcpy(p, tmp, n * sizeof(*p));
}

/* Hands p[0 .. n), sorted by term, to out as arrays from a. */
static void to_vec(struct ah_arena *a, struct pair *p, size_t n, struct ah_tv_vec *out)
{
    struct pair *tmp = ah_xmalloc((n + 1) * sizeof(*tmp));

    sort_by_term(p, n, tmp);
    free(tmp);
    out->term = ah_arena_alloc(a, (n + 1) * sizeof(*out->term));
    out->w = ah_arena_alloc(a, (n + 1) * sizeof(*out->w));
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        out->term[i] = p[i].term;
        out->w[i] = p[i].w;
    }
}

static double idf(int64_t df, int64_t docs)
{
    /* a df past docs would make idf negative: the caller's counts raced */
    if (docs < 0)
        docs = 0;
    if (df < 0)
        df = 0;
    if (df > docs)
        df = docs;
    return log(((double)docs + 1.0) / ((double)df + 1.0)) + 1.0;
}

/* w[i] for each term of d, before normalising. */
static void raw_weights(const struct ah_tv_doc *d, const int64_t *df, int64_t docs,
                        double share, double *w)
{
    double *grams = ah_xcalloc(d->nwords + 1, sizeof(*grams)); /* sum of tf² per word */

    /* idf to the power 1.5: in a short question a word the whole queue uses
     * ("card", "account") must weigh well under the one that says what it is
     * about ("arrival", "abroad"); measured on the corpora in tests/groups and
     * bench/groups_heldout.tsv, 1.5 separates intents better than 1 or 2 */
    for (size_t i = 0; i < d->nwords; i++) {
        double f = idf(df ? df[i] : 0, docs);

        w[i] = (1.0 + log((double)d->terms[i].tf)) * f * sqrt(f);
    }
    for (size_t i = d->nwords; i < d->n; i++) {
        assert(d->terms[i].parent < d->nwords);
        grams[d->terms[i].parent] += (double)d->terms[i].tf * d->terms[i].tf;
    }
    /* a word's grams weigh share times the word in L2: each tf / sqrt(sum tf²) of it */
    for (size_t i = d->nwords; i < d->n; i++) {
        uint32_t p = d->terms[i].parent;

        w[i] = share * w[p] * d->terms[i].tf / sqrt(grams[p]);
    }
    free(grams);
}

void ah_tv_weigh(struct ah_arena *a, const struct ah_tv_doc *d, const int64_t *df, int64_t docs,
                 double gram_share, struct ah_tv_vec *out)
{
    double *w = ah_xmalloc((d->n + 1) * sizeof(*w)), sum = 0;
    struct pair *p = ah_xmalloc((d->n + 1) * sizeof(*p));
    size_t n = 0;

    if (!(gram_share > 0))
        gram_share = 0; /* NaN too */
    if (gram_share > MAX_GRAM_SHARE)
        gram_share = MAX_GRAM_SHARE;
    raw_weights(d, df, docs, gram_share, w);
    for (size_t i = 0; i < d->n; i++)
        sum += w[i] * w[i];
    for (size_t i = 0; i < d->n; i++)
        if (w[i] > 0)
            p[n++] = (struct pair){d->terms[i].term, (float)(w[i] / sqrt(sum))};
    to_vec(a, p, n, out);
    free(p);
    free(w);
}

/* ---- arithmetic ---- */

double ah_tv_dot(const struct ah_tv_vec *x, const struct ah_tv_vec *y)
{
    size_t i = 0, j = 0;
    double s = 0;

    while (i < x->n && j < y->n) {
        if (x->term[i] < y->term[j])
            i++;
        else if (x->term[i] > y->term[j])
            j++;
        else
            s += (double)x->w[i++] * y->w[j++];
    }
    return s;
}

double ah_tv_norm(const struct ah_tv_vec *x)
{
    double s = 0;

    for (size_t i = 0; i < x->n; i++)
        s += (double)x->w[i] * x->w[i];
    return sqrt(s);
}

/* True when entry a of x goes before entry b in a list heaviest first. */
static bool heavier(float wa, int64_t ta, float wb, int64_t tb)
{
    return wa > wb || (wa == wb && ta < tb);
}

static int cmp_heavier(const void *pa, const void *pb)
{
    const struct pair *a = pa, *b = pb;

    if (heavier(a->w, a->term, b->w, b->term))
        return -1;
    return heavier(b->w, b->term, a->w, a->term) ? 1 : 0;
}

/* Keeps entry v if positive; a float can't hold more than FLT_MAX. */
static void keep(struct pair *p, size_t *n, int64_t term, double v)
{
    if (!(v > 0))
        return;
    p[(*n)++] = (struct pair){term, (float)(v < FLT_MAX ? v : FLT_MAX)};
}

void ah_tv_add(struct ah_arena *a, const struct ah_tv_vec *x, const struct ah_tv_vec *y,
               double scale, size_t max, struct ah_tv_vec *out)
{
    struct pair *p = ah_xmalloc((x->n + y->n + 1) * sizeof(*p));
    size_t i = 0, j = 0, n = 0;

    assert(out != x && out != y);
    while (i < x->n || j < y->n) {
        if (j == y->n || (i < x->n && x->term[i] < y->term[j])) {
            keep(p, &n, x->term[i], x->w[i]);
            i++;
        } else if (i == x->n || y->term[j] < x->term[i]) {
            keep(p, &n, y->term[j], scale * y->w[j]);
            j++;
        } else {
            keep(p, &n, x->term[i], x->w[i] + scale * y->w[j]);
            i++;
            j++;
        }
    }
    if (max && n > max) {
        qsort(p, n, sizeof(*p), cmp_heavier);
        n = max;
    }
    to_vec(a, p, n, out);
    free(p);
}

size_t ah_tv_top(const struct ah_tv_vec *x, size_t k, bool words_only, size_t *idx)
{
    size_t n = 0;

    for (size_t i = 0; i < x->n && k; i++) {
        size_t lo = 0, hi = n;

        if (words_only && ah_tv_is_gram(x->term[i]))
            continue;
        /* idx[0 .. n) is heaviest first: find where i goes */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (heavier(x->w[idx[mid]], x->term[idx[mid]], x->w[i], x->term[i]))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == k)
            continue;
        if (n == k)
            n--; /* the lightest falls off */
        memmove(idx + lo + 1, idx + lo, (n - lo) * sizeof(*idx));
        idx[lo] = i;
        n++;
    }
    return n;
}

/* ---- text form ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    return c == '/' ? 63 : -1;
}

/* What both ends hold a vector to: terms positive and rising, weights finite. */
static enum ah_err check_vec(const int64_t *term, const float *w, size_t n, struct ah_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (term[i] <= 0)
            return ah_error_set(err, AH_E_INVALID, "vector entry %zu has term %" PRId64, i,
                                term[i]);
        if (i && term[i] <= term[i - 1])
            return ah_error_set(err, AH_E_INVALID,
                                "vector entry %zu has term %" PRId64 " after %" PRId64, i,
                                term[i], term[i - 1]);
        if (!isfinite(w[i]))
            return ah_error_set(err, AH_E_INVALID, "vector entry %zu has a weight of %g", i,
                                (double)w[i]);
    }
    return AH_OK;
}

/* One entry as 16 base64 characters: the term, then the weight's bits, little-endian. */
static void encode_entry(int64_t term, float w, char *out)
{
    unsigned char b[ENTRY_BYTES];
    uint32_t bits;

    memcpy(&bits, &w, sizeof(bits));
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)term >> (8 * i));
    for (int i = 0; i < 4; i++)
        b[8 + i] = (unsigned char)(bits >> (8 * i));
    for (int g = 0; g < ENTRY_BYTES / 3; g++) {
        uint32_t v = (uint32_t)b[3 * g] << 16 | (uint32_t)b[3 * g + 1] << 8 | b[3 * g + 2];

        for (int c = 0; c < 4; c++)
            out[4 * g + c] = b64[(v >> (18 - 6 * c)) & 0x3F];
    }
}

enum ah_err ah_tv_encode(const struct ah_tv_vec *x, struct ah_buf *out, struct ah_error *err)
{
    char *text;
    enum ah_err rc = check_vec(x->term, x->w, x->n, err);

    if (rc)
        return rc;
    text = ah_xmalloc(x->n * ENTRY_CHARS + 1);
    for (size_t i = 0; i < x->n; i++)
        encode_entry(x->term[i], x->w[i], text + i * ENTRY_CHARS);
    rc = ah_buf_append(out, text, x->n * ENTRY_CHARS, err);
    free(text);
    return rc;
}

/* Reads the entry at s (16 characters); false at a character outside base64. */
static bool decode_entry(const char *s, int64_t *term, float *w)
{
    unsigned char b[ENTRY_BYTES];
    uint64_t t = 0;
    uint32_t bits = 0;

    for (int g = 0; g < ENTRY_BYTES / 3; g++) {
        uint32_t v = 0;

        for (int c = 0; c < 4; c++) {
            int d = b64_value((unsigned char)s[4 * g + c]);

            if (d < 0)
                return false;
            v = v << 6 | (uint32_t)d;
        }
        b[3 * g] = (unsigned char)(v >> 16);
        b[3 * g + 1] = (unsigned char)(v >> 8);
        b[3 * g + 2] = (unsigned char)v;
    }
    for (int i = 7; i >= 0; i--)
        t = t << 8 | b[i];
    for (int i = 3; i >= 0; i--)
        bits = bits << 8 | b[8 + i];
    *term = (int64_t)t;
    memcpy(w, &bits, sizeof(*w));
    return true;
}

enum ah_err ah_tv_decode(struct ah_arena *a, const char *s, struct ah_tv_vec *out,
                         struct ah_error *err)
{
    size_t len = s ? strlen(s) : 0, n = len / ENTRY_CHARS;
    int64_t *term;
    float *w;
    enum ah_err rc;

    if (!s)
        return ah_error_set(err, AH_E_INVALID, "no vector text");
    if (len % ENTRY_CHARS)
        return ah_error_set(err, AH_E_INVALID,
                            "vector text of %zu bytes is not whole %d-byte entries", len,
                            ENTRY_CHARS);
    term = ah_arena_alloc(a, (n + 1) * sizeof(*term));
    w = ah_arena_alloc(a, (n + 1) * sizeof(*w));
    for (size_t i = 0; i < n; i++)
        if (!decode_entry(s + i * ENTRY_CHARS, &term[i], &w[i]))
            return ah_error_set(err, AH_E_INVALID,
                                "vector entry %zu holds a character outside base64", i);
    rc = check_vec(term, w, n, err);
    if (rc)
        return rc;
    *out = (struct ah_tv_vec){.term = term, .w = w, .n = n};
    return AH_OK;
}
