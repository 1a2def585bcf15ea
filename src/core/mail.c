/* mail.c - email as data: RFC 5322 messages parsed into struct ah_mail,
 * replies composed for sending, mbox files split. Owns the choice of the body
 * among a message's parts, the repair of text into UTF-8 (Windows-1252 when a
 * charset lies or is unknown), the heuristic that finds quoted history and
 * signatures, and HTML made readable. GMime, libxml2 and cmark stay inside
 * this file. */
#include "core/mail.h"

#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <string.h>

#include <cmark.h>
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/mem.h"

/* multiparts and forwarded messages nested deeper are not read: no real
 * client nests more than a handful, and each level costs a stack frame */
#define MAX_DEPTH 32
/* "> " prefixes for quotes in HTML nested deeper than this are not repeated,
 * so that nesting cannot make the text grow with the square of the input */
#define MAX_QUOTE_PREFIX 8
/* a file name, bytes: enough for any real one, short enough to show */
#define MAX_NAME AH_MAX_NAME
/* how far back an attribution may start before "wrote:" (it wraps at most once) */
#define MAX_ATTRIBUTION 300

static const char FORWARD_MARK[] = "---------- Forwarded message ----------";

/* ---- text ---- */

/* Windows-1252's 0x80..0x9F; 0 where it defines nothing (latin1's C1 then). */
static const uint16_t CP1252[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* Length of the well-formed UTF-8 sequence at s[i] (no NUL), or 0. */
static size_t seq_len(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];

    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n - i >= 2 && (s[i + 1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

        return n - i >= 3 && s[i + 1] >= lo && s[i + 1] <= hi && (s[i + 2] & 0xC0) == 0x80 ? 3
                                                                                            : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

        return n - i >= 4 && s[i + 1] >= lo && s[i + 1] <= hi && (s[i + 2] & 0xC0) == 0x80 &&
                       (s[i + 3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

static size_t put_cp(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static uint32_t cp1252(unsigned char c)
{
    if (c >= 0x80 && c < 0xA0)
        return CP1252[c - 0x80] ? CP1252[c - 0x80] : 0xFFFD;
    return c;
}

/* p[0..n) as UTF-8 in a, NUL bytes dropped. Whole: every byte is read as
 * Windows-1252 (a body whose charset lied); otherwise well-formed UTF-8 is
 * kept and only the bytes that break it are read so (a header mixing both). */
static char *repair(struct ah_arena *a, const char *p, size_t n, bool whole, size_t *outlen)
{
    const unsigned char *s = (const unsigned char *)p;
    char *o = ah_arena_alloc(a, ah_size_add(n * 3, 1));
    size_t j = 0;

    for (size_t i = 0; i < n;) {
        size_t k = whole ? 0 : seq_len(s, n, i);

        if (k) {
            memcpy(o + j, s + i, k);
            j += k;
            i += k;
            continue;
        }
        if (s[i])
            j += put_cp(o + j, cp1252(s[i]));
        i++;
    }
    o[j] = '\0';
    if (outlen)
        *outlen = j;
    return o;
}

/* Whether p[0..n) is well-formed UTF-8 but for NUL bytes. */
static bool utf8_but_nul(const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = seq_len((const unsigned char *)p, n, i);

        if (!k && p[i])
            return false;
        i += k ? k : 1;
    }
    return true;
}

/* p[0..n) as valid UTF-8 without NUL in a: as is when it already is; else
 * see repair (whole applies only when the bytes are not UTF-8 with NULs). */
static char *utf8_in(struct ah_arena *a, const char *p, size_t n, bool whole, size_t *outlen)
{
    if (ah_utf8_valid(p, n)) {
        if (outlen)
            *outlen = n;
        return ah_arena_strndup(a, p, n);
    }
    return repair(a, p, n, whole && !utf8_but_nul(p, n), outlen);
}

/* s in place: CRLF and lone CR become LF; returns the new length. */
static size_t to_lf(char *s, size_t n)
{
    size_t j = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            s[j++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else {
            s[j++] = s[i];
        }
    }
    s[j] = '\0';
    return j;
}

/* A header's text in a: UTF-8, line breaks removed (unfolded), other control
 * characters as spaces, trimmed. "" for NULL. */
static const char *header_text(struct ah_arena *a, const char *v)
{
    size_t n, j = 0, start = 0;
    char *s;

    if (!v)
        return "";
    s = utf8_in(a, v, strlen(v), false, &n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\r' || c == '\n')
            continue;
        s[j++] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
    }
    while (j > 0 && s[j - 1] == ' ')
        j--;
    while (start < j && s[start] == ' ')
        start++;
    s[j] = '\0';
    return s + start;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower(*a) != lower(*b))
            return false;
    return *a == *b;
}

/* Whether s[0..n) starts with the ASCII prefix p, ignoring case. */
static bool istarts(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);

    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++)
        if (lower(s[i]) != lower(p[i]))
            return false;
    return true;
}

static const char *rtrim_dup(struct ah_arena *a, const char *p, size_t n);

/* ---- setup ---- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init(void)
{
    g_mime_init();
    xmlInitParser();
}

void ah_mail_init(void)
{
    pthread_once(&init_once, init);
}

void ah_mail_limits_default(struct ah_mail_limits *lim)
{
    lim->max_message = 25u * 1024 * 1024;
    lim->max_part = 10u * 1024 * 1024;
    lim->max_parts = 100;
}

/* ---- streams ---- */

/* A new memory stream's bytes, copied into a (NUL-terminated). */
static unsigned char *stream_bytes(GMimeStream *mem, struct ah_arena *a, size_t *n)
{
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));

    *n = ba ? ba->len : 0;
    return (unsigned char *)ah_arena_strndup(a, ba ? (const char *)ba->data : "", *n);
}

/* The decoded content of a part (transfer encoding undone; with charset,
 * converted from it to UTF-8 when GMime knows it) in a. */
static unsigned char *part_bytes(GMimePart *p, const char *charset, struct ah_arena *a,
                                 size_t *n)
{
    GMimeDataWrapper *content = g_mime_part_get_content(p);
    GMimeStream *mem, *filtered = NULL;
    unsigned char *bytes;

    *n = 0;
    if (!content)
        return (unsigned char *)ah_arena_strdup(a, "");
    mem = g_mime_stream_mem_new();
    if (charset) {
        GMimeFilter *f = g_mime_filter_charset_new(charset, "utf-8");

        if (f) {
            filtered = g_mime_stream_filter_new(mem);
            g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), f);
            g_object_unref(f);
        }
    }
    g_mime_data_wrapper_write_to_stream(content, filtered ? filtered : mem);
    if (filtered) {
        g_mime_stream_flush(filtered);
        g_object_unref(filtered);
    }
    bytes = stream_bytes(mem, a, n);
    g_object_unref(mem);
    return bytes;
}

static bool is_utf8_name(const char *cs)
{
    return ieq(cs, "utf-8") || ieq(cs, "utf8") || ieq(cs, "us-ascii") || ieq(cs, "ascii");
}

/* A text part's text as UTF-8 with LF line ends, in a. This is what
 * g_mime_text_part_get_text does, but keeping the length (a NUL in the text
 * would cut its C string) and with a Windows-1252 reading when the charset is
 * unknown or the bytes are not what it declares. */
static char *part_text(GMimePart *p, struct ah_arena *a, size_t *n)
{
    const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(p), "charset");
    size_t len;
    unsigned char *b;
    char *t;

    if (cs && is_utf8_name(cs))
        cs = NULL;
    b = part_bytes(p, cs, a, &len);
    if (cs && !ah_utf8_valid((const char *)b, len)) /* the conversion failed or half did */
        b = part_bytes(p, NULL, a, &len);
    t = utf8_in(a, (const char *)b, len, true, &len);
    *n = to_lf(t, len);
    return t;
}

/* ---- addresses and headers ---- */

/* email in a: UTF-8 without spaces or control characters, its domain part
 * lower case; NULL when nothing is left. */
static const char *clean_email(struct ah_arena *a, const char *addr)
{
    size_t n, j = 0;
    char *s, *at;

    if (!addr)
        return NULL;
    s = utf8_in(a, addr, strlen(addr), false, &n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] > 0x20 && s[i] != 0x7F)
            s[j++] = s[i];
    s[j] = '\0';
    if (!j)
        return NULL;
    at = strrchr(s, '@');
    for (char *c = at; c && *c; c++)
        *c = lower(*c);
    return s;
}

struct addr_vec {
    struct ah_mail_addr *v;
    size_t n, cap;
};

static void addr_push(struct addr_vec *vec, struct ah_arena *a, const char *name,
                      const char *email)
{
    if (vec->n == vec->cap) {
        size_t cap = vec->cap ? 2 * vec->cap : 4;
        struct ah_mail_addr *v = ah_arena_alloc(a, cap * sizeof(*v));

        if (vec->n)
            memcpy(v, vec->v, vec->n * sizeof(*v));
        vec->v = v;
        vec->cap = cap;
    }
    vec->v[vec->n++] = (struct ah_mail_addr){name, email};
}

/* The mailboxes of list (groups flattened) appended to vec. */
static void addr_list(InternetAddressList *list, struct ah_arena *a, struct addr_vec *vec,
                      int depth)
{
    int n = list ? internet_address_list_length(list) : 0;

    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);

        if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            if (depth < 2)
                addr_list(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), a,
                          vec, depth + 1);
        } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            const char *email = clean_email(
                a, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));

            if (email)
                addr_push(vec, a, header_text(a, internet_address_get_name(ia)), email);
        }
    }
}

/* The first mailbox of list into *out; false when there is none. */
static bool first_addr(InternetAddressList *list, struct ah_arena *a, struct ah_mail_addr *out)
{
    struct addr_vec v = {0};

    addr_list(list, a, &v, 0);
    if (!v.n)
        return false;
    *out = v.v[0];
    return true;
}

/* A msg-id from GMime in a, or NULL when it is empty. */
static const char *clean_id(struct ah_arena *a, const char *id)
{
    const char *s = header_text(a, id);

    return *s ? s : NULL;
}

/* The msg-ids of header h, in order, in a. */
static const char **id_list(GMimeObject *o, const char *h, struct ah_arena *a, size_t *n)
{
    const char *v = g_mime_object_get_header(o, h);
    GMimeReferences *refs;
    const char **ids;
    int len;

    *n = 0;
    if (!v)
        return NULL;
    refs = g_mime_references_parse(NULL, v);
    if (!refs)
        return NULL;
    len = g_mime_references_length(refs);
    ids = ah_arena_alloc(a, (size_t)(len > 0 ? len : 1) * sizeof(*ids));
    for (int i = 0; i < len; i++) {
        const char *id = clean_id(a, g_mime_references_get_message_id(refs, i));

        if (id)
            ids[(*n)++] = id;
    }
    g_mime_references_free(refs);
    return ids;
}

static bool daemon_local(const char *email)
{
    const char *at = email ? strchr(email, '@') : NULL;
    size_t n = at ? (size_t)(at - email) : (email ? strlen(email) : 0);

    return email && ((n == 13 && istarts(email, n, "mailer-daemon")) ||
                     (n == 10 && istarts(email, n, "postmaster")));
}

/* The signs that no automatic answer may go back (RFC 3834 and practice). */
static void loop_signs(GMimeObject *o, struct ah_arena *a, struct ah_mail *m)
{
    const char *auto_sub = g_mime_object_get_header(o, "Auto-Submitted");
    const char *prec = g_mime_object_get_header(o, "Precedence");
    const char *rp = g_mime_object_get_header(o, "Return-Path");

    if (auto_sub) {
        const char *v = header_text(a, auto_sub);
        size_t n = strcspn(v, " \t;(");

        m->auto_submitted |= !(n == 2 && istarts(v, n, "no"));
    }
    if (prec) {
        const char *v = header_text(a, prec);

        m->auto_submitted |= ieq(v, "bulk") || ieq(v, "list") || ieq(v, "junk");
    }
    m->auto_submitted |= g_mime_object_get_header(o, "X-Autoreply") != NULL ||
                         g_mime_object_get_header(o, "X-Autorespond") != NULL ||
                         g_mime_object_get_header(o, "List-Id") != NULL;
    m->from_daemon = daemon_local(m->from.email);
    if (rp) {
        const char *v = header_text(a, rp);

        v += *v == '<';
        m->from_daemon |= daemon_local(v);
    }
}

static int64_t date_ms(GMimeMessage *msg)
{
    GDateTime *d = g_mime_message_get_date(msg);

    return d ? g_date_time_to_unix(d) * 1000 + g_date_time_get_microsecond(d) / 1000 : 0;
}

/* ---- the MIME tree ---- */

static bool is_type(GMimeObject *o, const char *type, const char *sub)
{
    GMimeContentType *ct = g_mime_object_get_content_type(o);

    return ct && g_mime_content_type_is_type(ct, type, sub);
}

/* A text/plain or text/html part meant to be read, not saved. */
static bool is_body_text(GMimeObject *o)
{
    GMimeContentDisposition *d;

    if (!GMIME_IS_PART(o) || !(is_type(o, "text", "plain") || is_type(o, "text", "html")))
        return false;
    if (g_mime_part_get_filename(GMIME_PART(o)))
        return false;
    d = g_mime_object_get_content_disposition(o);
    return !(d && g_mime_content_disposition_is_attachment(d));
}

/* A multipart whose boundary is missing (or never seen) holds its whole
 * content in the prologue: read it again as a multipart when a line looks
 * like a boundary, else as one text/plain part. */
static void recover_multipart(GMimeMultipart *mp)
{
    const char *pro = g_mime_multipart_get_prologue(mp);
    const char *line = pro;
    GString *s;
    GMimeStream *st;
    GMimeParser *parser;
    GMimeObject *o;

    if (!pro || !*pro || g_mime_multipart_get_count(mp) > 0)
        return;
    s = g_string_new(NULL);
    while (line && *line) {
        size_t n = strcspn(line, "\r\n");

        if (n > 2 && line[0] == '-' && line[1] == '-' && !memchr(line, '"', n) &&
            !memchr(line, '\\', n)) {
            size_t e = n;

            while (e > 2 && (line[e - 1] == ' ' || line[e - 1] == '\t'))
                e--;
            g_string_append(s, "Content-Type: multipart/mixed; boundary=\"");
            g_string_append_len(s, line + 2, (gssize)(e - 2));
            g_string_append(s, "\"\n\n");
            break;
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    if (!s->len)
        g_string_append(s, "Content-Type: text/plain\n\n");
    g_string_append(s, pro);
    st = g_mime_stream_mem_new_with_buffer(s->str, s->len);
    parser = g_mime_parser_new_with_stream(st);
    o = g_mime_parser_construct_part(parser, NULL);
    if (o && GMIME_IS_MULTIPART(o)) {
        int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));

        for (int i = 0; i < n; i++)
            g_mime_multipart_add(mp, g_mime_multipart_get_part(GMIME_MULTIPART(o), i));
    } else if (o) {
        g_mime_multipart_add(mp, o);
    }
    if (g_mime_multipart_get_count(mp) > 0)
        g_mime_multipart_set_prologue(mp, NULL);
    if (o)
        g_object_unref(o);
    g_object_unref(parser);
    g_object_unref(st);
    g_string_free(s, TRUE);
}

/* Recovers every multipart under o that lost its boundary. */
static void repair_tree(GMimeObject *o, int depth)
{
    if (depth > MAX_DEPTH || !GMIME_IS_MULTIPART(o))
        return;
    recover_multipart(GMIME_MULTIPART(o));
    for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(o)); i++)
        repair_tree(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), depth + 1);
}

/* The part to read as the body under o: in an alternative text/plain over
 * text/html; in any other multipart the first with a body; NULL if none. */
static GMimeObject *body_leaf(GMimeObject *o, int depth)
{
    GMimeMultipart *mp;
    GMimeObject *html = NULL;
    bool alt;
    int n;

    if (depth > MAX_DEPTH)
        return NULL;
    if (!GMIME_IS_MULTIPART(o))
        return is_body_text(o) ? o : NULL;
    mp = GMIME_MULTIPART(o);
    alt = is_type(o, "multipart", "alternative");
    n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; i++) {
        GMimeObject *b = body_leaf(g_mime_multipart_get_part(mp, i), depth + 1);

        if (!b)
            continue;
        if (!alt || is_type(b, "text", "plain"))
            return b;
        if (!html)
            html = b;
    }
    return html;
}

struct part_vec {
    struct ah_mail_part *v;
    size_t n, cap;
};

/* What a walk over the tree gathers besides the body. */
struct walk {
    const struct ah_mail_limits *lim;
    struct ah_arena *a;
    GMimeObject *chosen;    /* the body part */
    struct part_vec parts;
    struct ah_buf extra;    /* text/plain parts of a mixed after the body */
    struct ah_buf fwd;      /* forwarded messages' text */
    struct ah_buf html;     /* every HTML part, where cid: references are looked for */
    bool is_bounce;
};

/* A file name fit to show and to save: after the last '/' or '\', no control
 * characters, UTF-8, at most max bytes on a code point; fallback if empty. */
static const char *clean_name(struct ah_arena *a, const char *name, size_t max,
                              const char *fallback)
{
    const char *base = name;
    size_t n, j = 0;
    char *s;

    if (!name)
        return fallback;
    for (const char *c = name; *c; c++)
        if (*c == '/' || *c == '\\')
            base = c + 1;
    s = utf8_in(a, base, strlen(base), false, &n);
    for (size_t i = 0; i < n;) {
        size_t k = seq_len((const unsigned char *)s, n, i);
        unsigned char c = (unsigned char)s[i];
        bool ctl = c < 0x20 || c == 0x7F || (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0);

        assert(k);
        if (j + k > max)
            break;
        if (!ctl) {
            memmove(s + j, s + i, k);
            j += k;
        }
        i += k;
    }
    while (j > 0 && s[j - 1] == ' ')
        j--;
    s[j] = '\0';
    if (!j || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return fallback;
    return s;
}

static const char *mime_type(GMimeObject *o, struct ah_arena *a)
{
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    char *t = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    const char *out = t ? header_text(a, t) : "application/octet-stream";

    for (char *c = (char *)out; *c; c++)
        *c = lower(*c);
    g_free(t);
    return out;
}

/* Room for one more part, or AH_E_TOO_LARGE past lim->max_parts. */
static enum ah_err part_add(struct walk *w, const struct ah_mail_part *p, struct ah_error *err)
{
    if (p->size > w->lim->max_part)
        return ah_error_set(err, AH_E_TOO_LARGE, "attachment \"%.80s\" is %zu bytes; the limit is %zu",
                            p->name, p->size, w->lim->max_part);
    if (w->parts.n >= w->lim->max_parts)
        return ah_error_set(err, AH_E_TOO_LARGE,
                            "the message has more than %zu attachments", w->lim->max_parts);
    if (w->parts.n == w->parts.cap) {
        size_t cap = w->parts.cap ? 2 * w->parts.cap : 8;
        struct ah_mail_part *v = ah_arena_alloc(w->a, cap * sizeof(*v));

        if (w->parts.n)
            memcpy(v, w->parts.v, w->parts.n * sizeof(*v));
        w->parts.v = v;
        w->parts.cap = cap;
    }
    w->parts.v[w->parts.n++] = *p;
    return AH_OK;
}

static enum ah_err leaf_part(struct walk *w, GMimePart *p, struct ah_error *err)
{
    GMimeContentDisposition *d = g_mime_object_get_content_disposition(GMIME_OBJECT(p));
    const char *disp = d ? g_mime_content_disposition_get_disposition(d) : NULL;
    struct ah_mail_part part = {0};

    part.name = clean_name(w->a, g_mime_part_get_filename(p), MAX_NAME, "attachment");
    part.type = mime_type(GMIME_OBJECT(p), w->a);
    part.content_id = header_text(w->a, g_mime_part_get_content_id(p));
    part.is_inline = disp && ieq(disp, "inline");
    part.data = part_bytes(p, NULL, w->a, &part.size);
    return part_add(w, &part, err);
}

/* Readable text of the body part under o (HTML made text), LF line ends. */
static char *text_of(GMimeObject *leaf, struct ah_arena *a, bool *from_html)
{
    size_t n;
    char *t;
    const char *h;
    struct ah_error e;

    *from_html = false;
    if (!leaf)
        return ah_arena_strdup(a, "");
    t = part_text(GMIME_PART(leaf), a, &n);
    if (!is_type(leaf, "text", "html"))
        return t;
    *from_html = true;
    if (ah_mail_html_text(t, n, a, &h, &e))
        return ah_arena_strdup(a, "");
    return (char *)h;
}

/* A forwarded message: kept whole as NAME.eml, its text appended to fwd. */
static enum ah_err forwarded(struct walk *w, GMimeMessagePart *mp, struct ah_error *err)
{
    GMimeMessage *inner = g_mime_message_part_get_message(mp);
    GMimeStream *mem;
    struct ah_mail_part part = {0};
    struct ah_mail_addr from;
    const char *subject, *name;
    GMimeObject *body;
    char *text, *eml;
    bool html;

    if (!inner)
        return AH_OK;
    subject = header_text(w->a, g_mime_message_get_subject(inner));
    name = clean_name(w->a, subject, MAX_NAME - 4, "forwarded message");
    part.name = eml = ah_arena_alloc(w->a, strlen(name) + 5);
    memcpy(eml, name, strlen(name));
    memcpy(eml + strlen(name), ".eml", 5);
    part.type = "message/rfc822";
    part.content_id = "";
    mem = g_mime_stream_mem_new();
    g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
    part.data = stream_bytes(mem, w->a, &part.size);
    g_object_unref(mem);
    if (!first_addr(g_mime_message_get_from(inner), w->a, &from))
        from = (struct ah_mail_addr){"", ""};
    body = g_mime_message_get_mime_part(inner);
    if (body)
        repair_tree(body, 0);
    text = text_of(body ? body_leaf(body, 0) : NULL, w->a, &html);
    ah_buf_appendf(&w->fwd, NULL, "\n\n%s\nFrom: %s%s%s%s\nSubject: %s\n\n", FORWARD_MARK,
                   from.name, *from.name ? " <" : "", from.email, *from.name ? ">" : "",
                   subject);
    ah_buf_appends(&w->fwd, text, NULL);
    return part_add(w, &part, err);
}

/* Gathers the parts under o that are not the body (parent: o's multipart). */
static enum ah_err walk_parts(struct walk *w, GMimeObject *o, GMimeObject *parent, int depth,
                              struct ah_error *err)
{
    enum ah_err rc = AH_OK;

    if (depth > MAX_DEPTH)
        return AH_OK;
    if (GMIME_IS_MULTIPART(o)) {
        const char *rt = g_mime_object_get_content_type_parameter(o, "report-type");
        int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));

        if (is_type(o, "multipart", "report") && rt && ieq(rt, "delivery-status"))
            w->is_bounce = true;
        for (int i = 0; i < n && !rc; i++)
            rc = walk_parts(w, g_mime_multipart_get_part(GMIME_MULTIPART(o), i), o, depth + 1,
                            err);
        return rc;
    }
    if (GMIME_IS_MESSAGE_PART(o))
        return forwarded(w, GMIME_MESSAGE_PART(o), err);
    if (!GMIME_IS_PART(o) || o == w->chosen)
        return AH_OK;
    if (is_body_text(o)) {
        size_t n;
        char *t = part_text(GMIME_PART(o), w->a, &n);

        if (is_type(o, "text", "html"))
            ah_buf_append(&w->html, t, n, NULL);
        else if (parent && is_type(parent, "multipart", "mixed") && n)
            ah_buf_appendf(&w->extra, NULL, "\n\n%s", t);
        return AH_OK;
    }
    return leaf_part(w, GMIME_PART(o), err);
}

/* Parts whose Content-ID the HTML names as cid: are shown inline. */
static void mark_inline(struct walk *w)
{
    for (size_t i = 0; i < w->parts.n; i++) {
        struct ah_mail_part *p = &w->parts.v[i];
        char *ref;

        if (!*p->content_id || !w->html.len)
            continue;
        ref = g_strconcat("cid:", p->content_id, NULL);
        if (strstr(w->html.p, ref))
            p->is_inline = true;
        g_free(ref);
    }
}

/* ---- parsing ---- */

static enum ah_err read_headers(GMimeMessage *msg, struct ah_arena *a, struct ah_mail *m,
                                struct ah_error *err)
{
    GMimeObject *o = GMIME_OBJECT(msg);
    struct addr_vec to = {0}, cc = {0};
    size_t n;
    const char **irt;

    if (!first_addr(g_mime_message_get_from(msg), a, &m->from))
        return ah_error_set(err, AH_E_INVALID, "the message has no From address");
    m->has_from = true;
    m->has_reply_to = first_addr(g_mime_message_get_reply_to(msg), a, &m->reply_to);
    addr_list(g_mime_message_get_to(msg), a, &to, 0);
    addr_list(g_mime_message_get_cc(msg), a, &cc, 0);
    m->to = to.v;
    m->nto = to.n;
    m->cc = cc.v;
    m->ncc = cc.n;
    m->subject = header_text(a, g_mime_message_get_subject(msg));
    m->date = date_ms(msg);
    m->message_id = clean_id(a, g_mime_message_get_message_id(msg));
    irt = id_list(o, "In-Reply-To", a, &n);
    m->in_reply_to = n ? irt[0] : NULL;
    m->references = id_list(o, "References", a, &m->nreferences);
    loop_signs(o, a, m);
    return AH_OK;
}

/* The body: the chosen part's text and the extra text parts with history
 * stripped, then the forwarded messages. */
static void assemble_body(struct walk *w, struct ah_mail *m)
{
    char *text = text_of(w->chosen, w->a, &m->body_from_html);
    struct ah_buf b;
    const char *body;

    ah_buf_init(&b, SIZE_MAX);
    ah_buf_appends(&b, text, NULL);
    ah_buf_append(&b, w->extra.p, w->extra.len, NULL);
    ah_mail_strip_quoted(ah_buf_cstr(&b), w->a, &body, &m->quoted);
    if (w->fwd.len) {
        ah_buf_reset(&b);
        ah_buf_appends(&b, body, NULL);
        ah_buf_append(&b, w->fwd.p, w->fwd.len, NULL);
        body = ah_buf_cstr(&b);
        while (*body == '\n')
            body++;
        body = rtrim_dup(w->a, body, strlen(body));
    }
    m->body = body;
    ah_buf_release(&b);
}

static enum ah_err read_tree(GMimeMessage *msg, const struct ah_mail_limits *lim,
                             struct ah_arena *a, struct ah_mail *m, struct ah_error *err)
{
    GMimeObject *root = g_mime_message_get_mime_part(msg);
    struct walk w = {.lim = lim, .a = a};
    enum ah_err rc = AH_OK;

    ah_buf_init(&w.extra, SIZE_MAX);
    ah_buf_init(&w.fwd, SIZE_MAX);
    ah_buf_init(&w.html, SIZE_MAX);
    if (root) {
        repair_tree(root, 0);
        w.chosen = body_leaf(root, 0);
        if (w.chosen && is_type(w.chosen, "text", "html")) {
            size_t n;
            char *t = part_text(GMIME_PART(w.chosen), a, &n);

            ah_buf_append(&w.html, t, n, NULL);
        }
        rc = walk_parts(&w, root, NULL, 0, err);
    }
    if (rc)
        goto cleanup;
    mark_inline(&w);
    assemble_body(&w, m);
    m->parts = w.parts.v;
    m->nparts = w.parts.n;
    for (size_t i = 0; i < w.parts.n; i++)
        m->parts_bytes += w.parts.v[i].size;
    m->is_bounce = w.is_bounce;
cleanup:
    ah_buf_release(&w.extra);
    ah_buf_release(&w.fwd);
    ah_buf_release(&w.html);
    return rc;
}

enum ah_err ah_mail_parse(const char *raw, size_t len, const struct ah_mail_limits *lim,
                          struct ah_arena *a, struct ah_mail *out, struct ah_error *err)
{
    struct ah_mail m = {0};
    GByteArray *ba;
    GMimeStream *st;
    GMimeParser *parser;
    GMimeMessage *msg;
    enum ah_err rc;

    if (len > lim->max_message)
        return ah_error_set(err, AH_E_TOO_LARGE, "the message is %zu bytes; the limit is %zu",
                            len, lim->max_message);
    if (len > G_MAXUINT)
        return ah_error_set(err, AH_E_TOO_LARGE, "the message is %zu bytes", len);
    ah_mail_init();
    /* the stream reads raw in place: the array is handed back, not freed */
    ba = g_byte_array_new_take((guint8 *)(uintptr_t)raw, len);
    st = g_mime_stream_mem_new_with_byte_array(ba);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
    parser = g_mime_parser_new_with_stream(st);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    msg = g_mime_parser_construct_message(parser, NULL);
    if (!msg) {
        rc = ah_error_set(err, AH_E_INVALID, "the message has no header");
        goto cleanup;
    }
    rc = read_headers(msg, a, &m, err);
    if (!rc)
        rc = read_tree(msg, lim, a, &m, err);
    if (!rc)
        *out = m;
cleanup:
    if (msg)
        g_object_unref(msg);
    g_object_unref(parser);
    g_object_unref(st);
    g_byte_array_free(ba, FALSE);
    return rc;
}

/* ---- HTML as text ---- */

/* The text being written: pending line breaks and a space are written only
 * before the next visible character, so that none trail and runs collapse. */
struct html_out {
    struct ah_buf b;
    int nl;         /* line breaks owed: 0, 1 or 2 (a blank line) */
    bool sp;        /* a space owed */
    int quote;      /* blockquote depth */
    int last_quote; /* the depth of the last line written */
    int pre;        /* inside <pre> */
};

static void emit_pending(struct html_out *h)
{
    if (h->b.len && h->nl) {
        for (int i = 0; i < h->nl; i++) {
            ah_buf_append(&h->b, "\n", 1, NULL);
            /* a blank line is quoted only inside one quote, not at its edges */
            for (int q = 0; q < h->quote && q < h->last_quote && q < MAX_QUOTE_PREFIX &&
                            i + 1 < h->nl;
                 q++)
                ah_buf_append(&h->b, ">", 1, NULL);
        }
    } else if (h->b.len && h->sp) {
        ah_buf_append(&h->b, " ", 1, NULL);
    }
    if ((!h->b.len || h->nl) && h->quote) {
        for (int q = 0; q < h->quote && q < MAX_QUOTE_PREFIX; q++)
            ah_buf_append(&h->b, ">", 1, NULL);
        ah_buf_append(&h->b, " ", 1, NULL);
    }
    h->nl = 0;
    h->sp = false;
    h->last_quote = h->quote;
}

static void emit(struct html_out *h, const char *p, size_t n)
{
    emit_pending(h);
    ah_buf_append(&h->b, p, n, NULL);
}

static void owe_lines(struct html_out *h, int n)
{
    if (h->nl < n)
        h->nl = n;
    h->sp = false;
}

/* A text node: white space collapses (U+00A0 included) outside <pre>. */
static void html_chars(struct html_out *h, const char *s)
{
    size_t i = 0, n = strlen(s);

    while (i < n) {
        unsigned char c = (unsigned char)s[i];

        if (h->pre) {
            if (c == '\n')
                h->nl = h->nl < 2 ? h->nl + 1 : 2;
            else if (c != '\r')
                emit(h, s + i, 1);
            i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            h->sp = true;
            i++;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            h->sp = true;
            i += 2;
        } else {
            size_t j = i + 1;

            while (j < n && (unsigned char)s[j] > ' ' && (unsigned char)s[j] != 0xC2)
                j++;
            emit(h, s + i, j - i);
            i = j;
        }
    }
}

static bool name_is(const xmlNode *n, const char *name)
{
    return n->name && ieq((const char *)n->name, name);
}

static bool name_in(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (name_is(n, *names))
            return true;
    return false;
}

static const char *const SKIP[] = {"script", "style", "head", "title", "template", NULL};
static const char *const PARA[] = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                                   "table", "pre", "ul", "ol", "dl", NULL};
static const char *const LINE[] = {"div", "li", "tr", "section", "article", "header", "footer",
                                   "address", "hr", "dt", "dd", "form", "fieldset", "center",
                                   "main", "nav", "aside", "figure", "caption", NULL};

static void html_enter(struct html_out *h, const xmlNode *n, size_t *link_at)
{
    if (name_in(n, PARA))
        owe_lines(h, 2);
    else if (name_in(n, LINE))
        owe_lines(h, 1);
    if (name_is(n, "br"))
        h->nl = h->nl < 2 ? h->nl + 1 : 2;
    if (name_is(n, "blockquote"))
        h->quote++;
    if (name_is(n, "pre"))
        h->pre++;
    if (name_is(n, "li"))
        emit(h, "- ", 2);
    if (name_is(n, "td") || name_is(n, "th"))
        h->sp = true;
    *link_at = h->b.len;
}

/* The link's target after its text, unless they say the same. */
static void html_link(struct html_out *h, const xmlNode *n, size_t at)
{
    xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
    const char *u = (const char *)href, *text;
    size_t tn;

    if (!u)
        return;
    if (istarts(u, strlen(u), "http://") || istarts(u, strlen(u), "https://") ||
        istarts(u, strlen(u), "mailto:")) {
        text = at <= h->b.len && h->b.p ? h->b.p + at : "";
        tn = at <= h->b.len ? h->b.len - at : 0;
        while (tn && (*text == ' ' || *text == '\n' || *text == '>')) {
            text++;
            tn--;
        }
        bool same = (tn == strlen(u) && memcmp(text, u, tn) == 0) ||
                    (istarts(u, strlen(u), "mailto:") && tn == strlen(u) - 7 &&
                     memcmp(text, u + 7, tn) == 0);

        if (!same && !strpbrk(u, "\r\n")) {
            h->sp = tn > 0;
            emit(h, "(", 1);
            ah_buf_appends(&h->b, u, NULL);
            ah_buf_append(&h->b, ")", 1, NULL);
        }
    }
    xmlFree(href);
}

static void html_leave(struct html_out *h, const xmlNode *n, size_t link_at)
{
    if (name_is(n, "a"))
        html_link(h, n, link_at);
    if (name_is(n, "blockquote") && h->quote)
        h->quote--;
    if (name_is(n, "pre") && h->pre)
        h->pre--;
    if (name_in(n, PARA))
        owe_lines(h, 2);
    else if (name_in(n, LINE))
        owe_lines(h, 1);
}

/* Walks the tree without recursion: the depth is the input's to choose. */
static void html_walk(struct html_out *h, xmlNode *root)
{
    /* where each open element's text starts in the output, by depth, for
     * links; deeper ones share the last slot */
    size_t link_at[64] = {0};
    size_t depth = 0;
    xmlNode *n = root;

    for (;;) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                html_chars(h, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE && !name_in(n, SKIP)) {
            size_t at;

            html_enter(h, n, &at);
            link_at[depth < 63 ? depth : 63] = at;
            if (n->children) {
                n = n->children;
                depth++;
                continue;
            }
            html_leave(h, n, at);
        }
        while (n != root && !n->next) {
            n = n->parent;
            depth--;
            html_leave(h, n, link_at[depth < 63 ? depth : 63]);
        }
        if (n == root)
            return;
        n = n->next;
    }
}

enum ah_err ah_mail_html_text(const char *html, size_t len, struct ah_arena *a, const char **out,
                              struct ah_error *err)
{
    struct html_out h = {0};
    htmlDocPtr doc;
    const char *in = html;
    size_t n = len;

    if (len > INT32_MAX)
        return ah_error_set(err, AH_E_TOO_LARGE, "the HTML is %zu bytes", len);
    ah_mail_init();
    if (!ah_utf8_valid(html, len))
        in = utf8_in(a, html, len, true, &n);
    /* quote prefixes make at most ~2.5 bytes of text per byte of markup */
    ah_buf_init(&h.b, ah_size_add(4 * n, 4096));
    doc = htmlReadMemory(in, (int)n, NULL, "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET);
    if (doc) {
        xmlNode *root = xmlDocGetRootElement(doc);

        if (root)
            html_walk(&h, root);
        xmlFreeDoc(doc);
    }
    /* the cap only guards against a bug: what was written is kept */
    *out = utf8_in(a, h.b.p ? h.b.p : "", h.b.len, false, NULL);
    ah_buf_release(&h.b);
    return AH_OK;
}

/* ---- quoted history ---- */

/* What follows is a hand-written heuristic, not a grammar: it knows the
 * shapes common clients give a reply (Gmail and Apple's "On ... wrote:" with
 * "> " lines, Outlook's "-----Original Message-----" or "From: / Sent:"
 * block under a rule of underscores, the "-- " signature line) and strips
 * only what trails the new text; quotes interleaved with answers stay. */

struct line {
    const char *p;
    size_t n; /* without the line end */
};

static bool blank(struct line l)
{
    for (size_t i = 0; i < l.n; i++)
        if (l.p[i] != ' ' && l.p[i] != '\t')
            return false;
    return true;
}

static struct line trimmed(struct line l)
{
    while (l.n && (l.p[0] == ' ' || l.p[0] == '\t')) {
        l.p++;
        l.n--;
    }
    while (l.n && (l.p[l.n - 1] == ' ' || l.p[l.n - 1] == '\t'))
        l.n--;
    return l;
}

static bool quote_line(struct line l)
{
    l = trimmed(l);
    return l.n && l.p[0] == '>';
}

static bool sig_line(struct line l)
{
    return (l.n == 3 && memcmp(l.p, "-- ", 3) == 0) || (l.n == 2 && memcmp(l.p, "--", 2) == 0);
}

static bool contains_ci(struct line l, const char *w)
{
    size_t k = strlen(w);

    for (size_t i = 0; i + k <= l.n; i++)
        if (istarts(l.p + i, l.n - i, w))
            return true;
    return false;
}

static bool outlook_line(struct line l)
{
    l = trimmed(l);
    return istarts(l.p, l.n, "-----") && contains_ci(l, "original message");
}

static bool rule_line(struct line l)
{
    l = trimmed(l);
    if (l.n < 20)
        return false;
    for (size_t i = 0; i < l.n; i++)
        if (l.p[i] != '_')
            return false;
    return true;
}

static bool ends_ci(struct line l, const char *w)
{
    size_t k = strlen(w);

    l = trimmed(l);
    return l.n >= k && istarts(l.p + l.n - k, k, w);
}

static bool wrote_line(struct line l)
{
    static const char *const ends[] = {"wrote:", "a \xC3\xA9" "crit :", "a \xC3\xA9" "crit:",
                                       "schrieb:", "escribi\xC3\xB3:", "ha scritto:", "skrev:",
                                       NULL};

    for (const char *const *e = ends; *e; e++)
        if (ends_ci(l, *e))
            return l.n <= MAX_ATTRIBUTION;
    return false;
}

static bool attribution_start(struct line l)
{
    static const char *const starts[] = {"On ", "Le ", "Am ", "El ", "Il ", "Den ", NULL};

    l = trimmed(l);
    for (const char *const *s = starts; *s; s++)
        if (istarts(l.p, l.n, *s))
            return l.n <= MAX_ATTRIBUTION;
    return false;
}

/* Whether lines[i] starts a "From: / Sent: (or Date:) / To: / Subject:"
 * block, and no "Forwarded message" line announces it (a forward is content). */
static bool header_block(const struct line *ls, size_t n, size_t i)
{
    bool sent = false, to = false;
    size_t j;

    if (!istarts(trimmed(ls[i]).p, trimmed(ls[i]).n, "From:"))
        return false;
    for (j = i + 1; j < n && j <= i + 6; j++) {
        struct line t = trimmed(ls[j]);

        sent |= istarts(t.p, t.n, "Sent:") || istarts(t.p, t.n, "Date:");
        to |= istarts(t.p, t.n, "To:") || istarts(t.p, t.n, "Subject:");
    }
    for (j = i; j > 0 && blank(ls[j - 1]); j--)
        ;
    if (j > 0 && (contains_ci(ls[j - 1], "forwarded message") ||
                  contains_ci(ls[j - 1], "original message")))
        return sent && to && outlook_line(ls[j - 1]);
    return sent && to;
}

/* The first line where a signature or a whole quoted message begins. */
static size_t first_marker(const struct line *ls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = i + 1;

        if (sig_line(ls[i]) || outlook_line(ls[i]) || header_block(ls, n, i))
            return i;
        while (j < n && blank(ls[j]))
            j++;
        if (rule_line(ls[i]) && j < n && header_block(ls, n, j))
            return i;
    }
    return n;
}

/* Where the run of "> " lines (and blank ones) ending at cut starts, moved up
 * to the attribution line above it; cut when there is no such run. */
static size_t trailing_quote(const struct line *ls, size_t cut)
{
    size_t q = cut, first = cut, k;

    while (q > 0 && (blank(ls[q - 1]) || quote_line(ls[q - 1]))) {
        q--;
        if (!blank(ls[q]))
            first = q;
    }
    if (first == cut)
        return cut;
    for (k = first; k > 0 && blank(ls[k - 1]); k--)
        ;
    if (k == 0 || !wrote_line(ls[k - 1]))
        return first;
    k--;
    if (!attribution_start(ls[k]) && k > 0 && attribution_start(ls[k - 1]) &&
        ls[k - 1].n + ls[k].n <= MAX_ATTRIBUTION)
        k--;
    return k;
}

/* text[0..n) without trailing white space, in a. */
static const char *rtrim_dup(struct ah_arena *a, const char *p, size_t n)
{
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    return ah_arena_strndup(a, p, n);
}

void ah_mail_strip_quoted(const char *text, struct ah_arena *a, const char **body,
                          const char **quoted)
{
    size_t len = strlen(text), n = 0, cap = 64, cut, at;
    struct line *ls = ah_xmalloc(cap * sizeof(*ls));
    const char *p = text;

    while (p < text + len) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t k = nl ? (size_t)(nl - p) : (size_t)(text + len - p);

        if (n == cap) {
            cap *= 2;
            ls = ah_xrealloc(ls, cap * sizeof(*ls));
        }
        ls[n++] = (struct line){p, k && p[k - 1] == '\r' ? k - 1 : k};
        p += nl ? k + 1 : k;
    }
    cut = trailing_quote(ls, first_marker(ls, n));
    at = cut < n ? (size_t)(ls[cut].p - text) : len;
    *body = rtrim_dup(a, text, at);
    *quoted = rtrim_dup(a, text + at, len - at);
    if (!**body) {
        *body = rtrim_dup(a, text, len);
        *quoted = "";
    }
    free(ls);
}

/* ---- composing ---- */

/* A msg-id or address fit for a header: printable ASCII without spaces, angle
 * brackets or quotes, not empty. */
static bool token_ok(const char *s, size_t max)
{
    size_t n = 0;

    if (!s || !*s)
        return false;
    for (; *s; s++, n++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7F || strchr("<>\"\\,;()", *s))
            return false;
    return n <= max;
}

static bool email_ok(const char *s)
{
    return token_ok(s, AH_MAX_EMAIL) && strchr(s, '@');
}

/* s on one line (control characters as spaces), in a; "" for NULL. */
static const char *one_line(struct ah_arena *a, const char *s)
{
    char *t;

    if (!s)
        return "";
    t = ah_arena_strdup(a, s);
    for (char *c = t; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7F)
            *c = ' ';
    return t;
}

static enum ah_err draft_check(const struct ah_mail_draft *d, struct ah_error *err)
{
    if (!email_ok(d->from.email))
        return ah_error_set(err, AH_E_INVALID, "the From address is not an address");
    if (d->reply_to && !email_ok(d->reply_to))
        return ah_error_set(err, AH_E_INVALID, "the Reply-To address is not an address");
    for (size_t i = 0; i < d->nto + d->ncc; i++) {
        const struct ah_mail_addr *r = i < d->nto ? &d->to[i] : &d->cc[i - d->nto];

        if (!email_ok(r->email))
            return ah_error_set(err, AH_E_INVALID, "recipient %zu is not an address", i + 1);
    }
    if (!token_ok(d->message_id, 250))
        return ah_error_set(err, AH_E_INVALID, "the Message-ID is not a msg-id");
    if (d->in_reply_to && !token_ok(d->in_reply_to, 250))
        return ah_error_set(err, AH_E_INVALID, "the In-Reply-To is not a msg-id");
    for (size_t i = 0; i < d->nreferences; i++)
        if (!token_ok(d->references[i], 250))
            return ah_error_set(err, AH_E_INVALID, "reference %zu is not a msg-id", i + 1);
    if (!d->text || !ah_utf8_valid(d->text, strlen(d->text)) ||
        (d->html && !ah_utf8_valid(d->html, strlen(d->html))))
        return ah_error_set(err, AH_E_INVALID, "the text is not UTF-8");
    if ((d->subject && !ah_utf8_valid(d->subject, strlen(d->subject))) ||
        (d->from.name && !ah_utf8_valid(d->from.name, strlen(d->from.name))))
        return ah_error_set(err, AH_E_INVALID, "the subject or a name is not UTF-8");
    return AH_OK;
}

static void add_mailbox(InternetAddressList *list, struct ah_arena *a, const char *name,
                        const char *email)
{
    const char *nm = one_line(a, name);
    InternetAddress *ia;

    if (!ah_utf8_valid(nm, strlen(nm)))
        nm = "";
    ia = internet_address_mailbox_new(nm, email);
    internet_address_set_charset(ia, "utf-8");
    internet_address_list_add(list, ia);
    g_object_unref(ia);
}

static GMimeObject *text_part(const char *subtype, const char *text, struct ah_arena *a)
{
    GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);
    char *t = ah_arena_strdup(a, text);

    to_lf(t, strlen(t));
    g_mime_text_part_set_text(tp, t);
    g_mime_text_part_set_charset(tp, "utf-8");
    return GMIME_OBJECT(tp);
}

/* "<a> <b> ...", in a. */
static const char *id_header(struct ah_arena *a, const char *const *ids, size_t n)
{
    struct ah_buf b;
    const char *s;

    ah_buf_init(&b, SIZE_MAX);
    for (size_t i = 0; i < n; i++)
        ah_buf_appendf(&b, NULL, "%s<%s>", i ? " " : "", ids[i]);
    s = ah_arena_strdup(a, ah_buf_cstr(&b));
    ah_buf_release(&b);
    return s;
}

static void set_headers(GMimeMessage *msg, const struct ah_mail_draft *d, struct ah_arena *a)
{
    GMimeObject *o = GMIME_OBJECT(msg);
    int64_t s = d->date >= 0 ? d->date / 1000 : -((-d->date + 999) / 1000);
    GDateTime *dt = g_date_time_new_from_unix_utc(s);

    add_mailbox(g_mime_message_get_from(msg), a, d->from.name, d->from.email);
    if (d->reply_to)
        add_mailbox(g_mime_message_get_reply_to(msg), a, "", d->reply_to);
    for (size_t i = 0; i < d->nto; i++)
        add_mailbox(g_mime_message_get_to(msg), a, d->to[i].name, d->to[i].email);
    for (size_t i = 0; i < d->ncc; i++)
        add_mailbox(g_mime_message_get_cc(msg), a, d->cc[i].name, d->cc[i].email);
    g_mime_message_set_subject(msg, one_line(a, d->subject), "utf-8");
    if (dt) {
        g_mime_message_set_date(msg, dt);
        g_date_time_unref(dt);
    }
    g_mime_message_set_message_id(msg, d->message_id);
    if (d->in_reply_to)
        g_mime_object_set_header(o, "In-Reply-To", id_header(a, &d->in_reply_to, 1), NULL);
    if (d->nreferences)
        g_mime_object_set_header(o, "References", id_header(a, d->references, d->nreferences),
                                 NULL);
    g_mime_object_set_header(o, "MIME-Version", "1.0", NULL);
    if (d->auto_replied) {
        g_mime_object_set_header(o, "Auto-Submitted", "auto-replied", NULL);
        g_mime_object_set_header(o, "X-Autoreply", "yes", NULL);
    }
}

enum ah_err ah_mail_compose(const struct ah_mail_draft *d, struct ah_arena *a, char **out,
                            size_t *len, struct ah_error *err)
{
    enum ah_err rc = draft_check(d, err);
    GMimeMessage *msg;
    GMimeObject *body;
    GMimeFormatOptions *fo;
    GMimeStream *mem;
    size_t n;

    if (rc)
        return rc;
    ah_mail_init();
    msg = g_mime_message_new(TRUE);
    set_headers(msg, d, a);
    body = text_part("plain", d->text, a);
    if (d->html) {
        GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
        GMimeObject *html = text_part("html", d->html, a);

        g_mime_multipart_add(alt, body);
        g_mime_multipart_add(alt, html);
        g_object_unref(html);
        g_object_unref(body);
        body = GMIME_OBJECT(alt);
    }
    g_mime_message_set_mime_part(msg, body);
    g_object_unref(body);
    /* quoted-printable or base64 wherever 7bit would not do */
    g_mime_object_encode(GMIME_OBJECT(msg), GMIME_ENCODING_CONSTRAINT_7BIT);
    fo = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
    mem = g_mime_stream_mem_new();
    g_mime_object_write_to_stream(GMIME_OBJECT(msg), fo, mem);
    *out = (char *)stream_bytes(mem, a, &n);
    *len = n;
    g_object_unref(mem);
    g_mime_format_options_free(fo);
    g_object_unref(msg);
    return AH_OK;
}

const char *ah_mail_markdown_html(const char *md, struct ah_arena *a)
{
    /* without CMARK_OPT_UNSAFE: raw HTML and javascript: links are dropped */
    char *h = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
    const char *out = ah_arena_strdup(a, h ? h : "");

    free(h);
    return out;
}

/* ---- mbox ---- */

static bool is_sep(const char *buf, size_t len, size_t at)
{
    return len - at >= 5 && memcmp(buf + at, "From ", 5) == 0;
}

/* p[0..n) in a with each ">From ", ">>From "... line losing one '>' (mboxrd). */
static struct ah_str unescape(const char *p, size_t n, struct ah_arena *a)
{
    char *o = ah_arena_alloc(a, n + 1);
    size_t i = 0, j = 0;

    if (!memmem(p, n, ">From ", 6)) {
        memcpy(o, p, n);
        o[n] = '\0';
        return (struct ah_str){o, n};
    }
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) + 1 : n, k = i;

        while (k < e && p[k] == '>')
            k++;
        if (k > i && e - k >= 5 && memcmp(p + k, "From ", 5) == 0)
            i++;
        memcpy(o + j, p + i, e - i);
        j += e - i;
        i = e;
    }
    o[j] = '\0';
    return (struct ah_str){o, j};
}

static bool all_space(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

bool ah_mbox_next(const char *buf, size_t len, size_t *pos, struct ah_arena *a,
                  struct ah_str *msg)
{
    size_t at = *pos;

    while (at < len) {
        size_t start = at, end;
        const char *hit;

        if (is_sep(buf, len, at)) {
            const char *nl = memchr(buf + at, '\n', len - at);

            if (!nl)
                break;
            start = (size_t)(nl - buf) + 1;
        }
        /* from the '\n' before start, so that a separator right there is seen */
        hit = start > 0 ? memmem(buf + start - 1, len - start + 1, "\nFrom ", 6) : NULL;
        if (!hit && start == 0)
            hit = memmem(buf, len, "\nFrom ", 6);
        end = hit ? (size_t)(hit - buf) + 1 : len;
        at = end;
        /* the blank line a writer puts before the next separator */
        if (end - start >= 2 && buf[end - 1] == '\n' && buf[end - 2] == '\n')
            end--;
        else if (end - start >= 4 && memcmp(buf + end - 4, "\r\n\r\n", 4) == 0)
            end -= 2;
        if (all_space(buf + start, end - start))
            continue;
        *msg = unescape(buf + start, end - start, a);
        *pos = at;
        return true;
    }
    *pos = len;
    return false;
}
