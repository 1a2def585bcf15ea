/* mailx.c - the mail transports (see mailx.h). libcurl speaks the protocols:
 * connecting, STARTTLS, AUTH and LOGIN, SELECT, dot-stuffing, and keeping the
 * connection open across calls on the one easy handle each side holds. Only
 * two IMAP responses are parsed by hand: the "* SEARCH" line of UID SEARCH
 * and the literal of UID FETCH.
 *
 * The FETCH literal comes through the header callback, not the write callback:
 * for a custom request libcurl 7.88 writes only the lines that start with
 * "* " (so "* 1 FETCH (UID 1 BODY[] {98}" and any body line that happens to
 * start with "* ", nothing else), but it hands every line it reads, verbatim
 * and in order, to the header callback. So the literal's N bytes are taken
 * from there, after the line ending in "{N}". libcurl's own FETCH (a ;UID=
 * URL) is no use: it asks for BODY[], which sets \Seen.
 *
 * libcurl 7.88 fails a transfer whose header bytes pass 300 KB ("Too large
 * response headers"), and here every reply line counts. So a message comes in
 * pieces, BODY.PEEK[]<offset.FETCH_CHUNK>, one transfer each, until a piece
 * comes back short (the first also asks RFC822.SIZE, to refuse a message too
 * big before reading it); and "* SEARCH" with more than about 30000 unseen UIDs
 * fails the same way (NEEDSWORK: search a UID range at a time).
 *
 * libcurl ends a reply at the first line that starts with its tag, even inside
 * the literal (a message quoting an IMAP log: "A006 OK"); fetch_piece() sees
 * the literal cut short and fetches on from there over a new connection. */
#include "core/mailx.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "core/str.h"

/* the server's last line, kept for err->msg; a reply line is short */
#define SAID_MAX 160
/* the "* n FETCH (... {N}" line and the lines before it; longer ones are
 * capability lists and the like, never the FETCH line */
#define FETCH_LINE_MAX 1024
/* "* SEARCH" with every unseen UID; libcurl stops at 300 KB anyway */
#define SEARCH_MAX (512 * 1024)
/* one piece of a message: under libcurl's 300 KB of reply lines a transfer,
 * with room for a new connection's greeting, CAPABILITY and SELECT */
#define FETCH_CHUNK (192 * 1024)
/* pieces of one message cut short by lines that look like libcurl's tag,
 * each a new connection: a message made of nothing else gives up */
#define FETCH_MAX_CUTS 100
/* libcurl reads reply lines into a buffer this big and keeps only the first
 * 40 bytes of a line over half of it (pingpong.c); a line of a message here
 * is at most a FETCH_CHUNK piece (real mail has base64 without line breaks) */
#define IMAP_BUFFER (1024 * 1024)

#define DEFAULT_TIMEOUT_MS 30000L

/* ---- shared by both sides ---- */

/* What the server said, for err->msg: its first refusal in a transfer, else
 * its last line (after a refusal libcurl says QUIT, and "221 Bye" says
 * nothing). */
struct said {
    char line[SAID_MAX];
    bool refusal;
};

static void said_reset(struct said *s)
{
    s->line[0] = '\0';
    s->refusal = false;
}

/* Keeps line p[0..n) without its CRLF, unless a refusal is kept already. */
static void said_keep(struct said *s, const char *p, size_t n, bool refusal)
{
    if (s->refusal)
        return;
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    if (n >= sizeof s->line)
        n = sizeof s->line - 1;
    memcpy(s->line, p, n);
    s->line[n] = '\0';
    s->refusal = refusal;
}

static bool has_scheme(const char *url, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    return url && (strncasecmp(url, a, la) == 0 || strncasecmp(url, b, lb) == 0);
}

/* The options both sides set the same way; errbuf must outlive c. */
static void set_common(CURL *c, const struct ah_mailx_conf *conf, char *errbuf)
{
    long ms = conf->timeout_ms > 0 ? conf->timeout_ms : DEFAULT_TIMEOUT_MS;

    curl_easy_setopt(c, CURLOPT_URL, conf->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
    /* each command's reply; CURLOPT_SERVER_RESPONSE_TIMEOUT_MS is 8.6 */
    curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, (ms + 999) / 1000);
    /* a stalled body (a big message) has no reply to wait for */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (ms + 999) / 1000);
    curl_easy_setopt(c, CURLOPT_USE_SSL, conf->tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    if (conf->ca_file) {
        curl_easy_setopt(c, CURLOPT_CAINFO, conf->ca_file);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL); /* instead of the system's, not as well */
    }
    if (conf->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, conf->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, conf->password ? conf->password : "");
    }
}

/* err->msg for a failed transfer: what libcurl says, then the server. */
static enum ah_err transfer_error(struct ah_error *err, const char *what, CURLcode cc,
                                  const char *errbuf, const struct said *s)
{
    const char *why = errbuf[0] ? errbuf : curl_easy_strerror(cc);

    if (s->line[0])
        return ah_error_set(err, AH_E_UNAVAILABLE, "%s: %s (server: %s)", what, why, s->line);
    return ah_error_set(err, AH_E_UNAVAILABLE, "%s: %s", what, why);
}

/* ---- SMTP ---- */

struct ah_smtp {
    CURL *c;
    struct said said;
    char errbuf[CURL_ERROR_SIZE];
};

struct source {
    const char *p;
    size_t left;
};

static size_t read_source(char *out, size_t size, size_t n, void *arg)
{
    struct source *s = arg;
    size_t k = size * n < s->left ? size * n : s->left;

    memcpy(out, s->p, k);
    s->p += k;
    s->left -= k;
    return k;
}

/* Every reply line passes here (libcurl gives pingpong replies to the header
 * callback); the last one is what the server said. */
static size_t smtp_header(char *p, size_t size, size_t n, void *arg)
{
    struct ah_smtp *s = arg;

    said_keep(&s->said, p, size * n, size * n > 0 && (p[0] == '4' || p[0] == '5'));
    return size * n;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

enum ah_err ah_smtp_open(const struct ah_mailx_conf *conf, struct ah_smtp **out,
                         struct ah_error *err)
{
    struct ah_smtp *s;

    if (!has_scheme(conf->url, "smtp://", "smtps://"))
        /* the URL is not named: it may hold a password */
        return ah_error_set(err, AH_E_INVALID, "the SMTP url is not smtp:// or smtps://");
    s = ah_xcalloc(1, sizeof *s);
    s->c = curl_easy_init();
    if (!s->c) {
        free(s);
        return ah_error_set(err, AH_E_INTERNAL, "libcurl: out of memory");
    }
    set_common(s->c, conf, s->errbuf);
    curl_easy_setopt(s->c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(s->c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(s->c, CURLOPT_READFUNCTION, read_source);
    curl_easy_setopt(s->c, CURLOPT_HEADERFUNCTION, smtp_header);
    curl_easy_setopt(s->c, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, discard);
    *out = s;
    return AH_OK;
}

/* An address goes into "MAIL FROM:<...>" or "RCPT TO:<...>" as it is: a line
 * break or a bracket would let it write its own commands. */
static bool address_ok(const char *a)
{
    return a && !strpbrk(a, "\r\n<>");
}

/* Whether a failed send should never be tried again. A 5xx refuses the
 * message, except the ones about our login (530 authenticate first, 534, 535
 * bad credentials, 538): a wrong password or a missing STARTTLS is a setting
 * someone will fix, and the mail should go out then, not bounce now. */
static bool smtp_permanent(CURLcode cc, long code)
{
    if (cc == CURLE_LOGIN_DENIED || code == 530 || code == 534 || code == 535 || code == 538)
        return false;
    return code >= 500 && code <= 599;
}

static enum ah_err check_envelope(const char *from, const char *const *rcpt, size_t nrcpt,
                                  struct ah_error *err)
{
    if (!address_ok(from))
        return ah_error_set(err, AH_E_INVALID, "sender address has a line break or <>");
    if (nrcpt == 0)
        return ah_error_set(err, AH_E_INVALID, "a message needs at least one recipient");
    for (size_t i = 0; i < nrcpt; i++)
        if (!address_ok(rcpt[i]) || !rcpt[i][0])
            return ah_error_set(err, AH_E_INVALID,
                                "recipient %zu is empty or has a line break or <>", i + 1);
    return AH_OK;
}

/* All or nothing: one refused recipient fails the whole send (libcurl stops at
 * the first failed RCPT), so a reply never reaches half its addressees. */
enum ah_err ah_smtp_send(struct ah_smtp *s, const char *from, const char *const *rcpt,
                         size_t nrcpt, const char *data, size_t len, bool *permanent,
                         struct ah_error *err)
{
    struct curl_slist *to = NULL;
    struct source src = {data, len};
    CURLcode cc;
    long code = 0;
    enum ah_err rc = check_envelope(from, rcpt, nrcpt, err);

    if (rc) {
        *permanent = true;
        return rc;
    }
    for (size_t i = 0; i < nrcpt; i++) {
        struct curl_slist *next = curl_slist_append(to, rcpt[i]);

        if (!next) {
            curl_slist_free_all(to);
            *permanent = false;
            return ah_error_set(err, AH_E_INTERNAL, "libcurl: out of memory");
        }
        to = next;
    }
    s->errbuf[0] = '\0';
    said_reset(&s->said);
    curl_easy_setopt(s->c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(s->c, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(s->c, CURLOPT_READDATA, &src);
    cc = curl_easy_perform(s->c);
    curl_easy_setopt(s->c, CURLOPT_MAIL_RCPT, NULL); /* no dangling list in the handle */
    curl_easy_setopt(s->c, CURLOPT_READDATA, NULL);
    curl_slist_free_all(to);
    if (cc == CURLE_OK)
        return AH_OK;
    curl_easy_getinfo(s->c, CURLINFO_RESPONSE_CODE, &code);
    *permanent = smtp_permanent(cc, code);
    return transfer_error(err, "smtp send", cc, s->errbuf, &s->said);
}

void ah_smtp_close(struct ah_smtp *s)
{
    if (!s)
        return;
    curl_easy_cleanup(s->c); /* says QUIT on an open connection */
    free(s);
}

/* ---- IMAP ---- */

enum fetch_state { FETCH_WAIT, FETCH_LITERAL, FETCH_AFTER, FETCH_DONE, FETCH_BAD };

/* Where the header stream stands in an UID FETCH reply. */
struct fetch {
    enum fetch_state state;
    char line[FETCH_LINE_MAX];
    size_t len;       /* of line */
    bool overlong;    /* the current line outgrew line: not the FETCH line */
    uint64_t left;    /* literal bytes still to come */
    struct ah_buf *out;
    enum ah_err rc;   /* AH_E_TOO_LARGE when out refused the literal */
};

struct ah_imap {
    CURL *c;
    struct said said;
    char errbuf[CURL_ERROR_SIZE];
    struct ah_buf untagged; /* what the write callback gets: "* " lines */
    struct fetch *fetch;    /* during ah_imap_fetch only */
    CURLcode cc;            /* the last command's */
};

/* "{N}" at the end of a "* n FETCH (" line: N, or -1. */
static int64_t literal_size(const char *p, size_t n)
{
    const char *open;
    int64_t size;

    if (n < 4 || p[n - 1] != '}' || strncmp(p, "* ", 2) != 0 || !memmem(p, n, " FETCH (", 8))
        return -1;
    open = memrchr(p, '{', n);
    if (!open || ah_parse_i64((struct ah_str){open + 1, (size_t)(p + n - 1 - (open + 1))}, 0,
                              INT64_MAX, &size, NULL))
        return -1;
    return size;
}

/* The message's size as the FETCH line declares it ("RFC822.SIZE 1234"), or
 * 0 when it does not: checked before the rest is read. */
static uint64_t declared_size(const char *p, size_t n)
{
    const char *at = memmem(p, n, "RFC822.SIZE ", 12), *end;
    int64_t v;

    if (!at)
        return 0;
    at += 12;
    for (end = at; end < p + n && *end >= '0' && *end <= '9';)
        end++;
    if (ah_parse_i64((struct ah_str){at, (size_t)(end - at)}, 0, INT64_MAX, &v, NULL))
        return 0;
    return (uint64_t)v;
}

/* A whole line of the reply before the literal: the FETCH line starts it. */
static void fetch_line_end(struct fetch *f)
{
    size_t n = f->len;
    int64_t size;

    while (n && (f->line[n - 1] == '\n' || f->line[n - 1] == '\r'))
        n--;
    size = f->overlong ? -1 : literal_size(f->line, n);
    f->len = 0;
    f->overlong = false;
    /* past the end some servers send "" instead of {0} */
    if (size < 0 && n > 2 && strncmp(f->line, "* ", 2) == 0 && memmem(f->line, n, " BODY[]<", 8) &&
        memmem(f->line, n, "\"\"", 2))
        f->state = FETCH_DONE;
    if (size < 0)
        return;
    if ((uint64_t)size > f->out->max - f->out->len || declared_size(f->line, n) > f->out->max) {
        f->rc = AH_E_TOO_LARGE;
        f->state = FETCH_BAD;
        return;
    }
    f->left = (uint64_t)size;
    f->state = size ? FETCH_LITERAL : FETCH_AFTER;
}

/* Feeds n bytes of the header stream; false to stop the transfer. */
static bool fetch_feed(struct fetch *f, const char *p, size_t n)
{
    while (n && f->state != FETCH_DONE && f->state != FETCH_BAD) {
        if (f->state == FETCH_WAIT) {
            if (f->len < sizeof f->line)
                f->line[f->len++] = *p;
            else
                f->overlong = true;
            if (*p == '\n')
                fetch_line_end(f);
            p++, n--;
        } else if (f->state == FETCH_LITERAL) {
            size_t k = f->left < n ? (size_t)f->left : n;

            if (ah_buf_append(f->out, p, k, NULL)) {
                f->rc = AH_E_TOO_LARGE;
                f->state = FETCH_BAD;
                break;
            }
            f->left -= k;
            p += k, n -= k;
            if (!f->left)
                f->state = FETCH_AFTER;
        } else {
            /* the literal ends inside the FETCH list: ")" or " UID 7)" */
            f->state = *p == ')' || *p == ' ' ? FETCH_DONE : FETCH_BAD;
        }
    }
    return f->state != FETCH_BAD;
}

/* "A004 NO ...", "A004 BAD ...", "* BYE ...": the second word says no. */
static bool imap_refusal(const char *p, size_t n)
{
    const char *sp = memchr(p, ' ', n);
    size_t rest = sp ? n - (size_t)(sp + 1 - p) : 0;

    return rest >= 3 && (strncasecmp(sp + 1, "NO ", 3) == 0 || strncasecmp(sp + 1, "BAD", 3) == 0 ||
                         strncasecmp(sp + 1, "BYE", 3) == 0);
}

static size_t imap_header(char *p, size_t size, size_t n, void *arg)
{
    struct ah_imap *m = arg;
    /* a message's lines are never quoted in err->msg */
    bool body = m->fetch && m->fetch->state != FETCH_WAIT && m->fetch->state != FETCH_DONE;

    if (!body)
        said_keep(&m->said, p, size * n, imap_refusal(p, size * n));
    if (m->fetch && !fetch_feed(m->fetch, p, size * n))
        return 0;
    return size * n;
}

static size_t imap_write(char *p, size_t size, size_t n, void *arg)
{
    struct ah_imap *m = arg;

    /* a FETCH's untagged lines are read from the header stream instead */
    if (m->fetch)
        return size * n;
    return ah_buf_append(&m->untagged, p, size * n, NULL) ? 0 : size * n;
}

enum ah_err ah_imap_open(const struct ah_mailx_conf *conf, struct ah_imap **out,
                         struct ah_error *err)
{
    struct ah_imap *m;

    if (!has_scheme(conf->url, "imap://", "imaps://"))
        return ah_error_set(err, AH_E_INVALID, "the IMAP url is not imap:// or imaps://");
    m = ah_xcalloc(1, sizeof *m);
    m->c = curl_easy_init();
    if (!m->c) {
        free(m);
        return ah_error_set(err, AH_E_INTERNAL, "libcurl: out of memory");
    }
    ah_buf_init(&m->untagged, SEARCH_MAX);
    set_common(m->c, conf, m->errbuf);
    curl_easy_setopt(m->c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(m->c, CURLOPT_BUFFERSIZE, (long)IMAP_BUFFER);
    curl_easy_setopt(m->c, CURLOPT_HEADERFUNCTION, imap_header);
    curl_easy_setopt(m->c, CURLOPT_HEADERDATA, m);
    curl_easy_setopt(m->c, CURLOPT_WRITEFUNCTION, imap_write);
    curl_easy_setopt(m->c, CURLOPT_WRITEDATA, m);
    *out = m;
    return AH_OK;
}

/* Runs one command on the mailbox in the URL (libcurl SELECTs it first when
 * the connection is new); its "* " lines land in m->untagged. */
static enum ah_err imap_run(struct ah_imap *m, const char *cmd, struct ah_error *err)
{
    CURLcode cc;

    ah_buf_reset(&m->untagged);
    m->errbuf[0] = '\0';
    said_reset(&m->said);
    curl_easy_setopt(m->c, CURLOPT_CUSTOMREQUEST, cmd);
    cc = m->cc = curl_easy_perform(m->c);
    curl_easy_setopt(m->c, CURLOPT_CUSTOMREQUEST, NULL);
    if (cc == CURLE_OK)
        return AH_OK;
    if (m->untagged.full)
        return ah_error_set(err, AH_E_TOO_LARGE, "imap %s: the answer is over %d bytes", cmd,
                            SEARCH_MAX);
    return transfer_error(err, cmd, cc, m->errbuf, &m->said);
}

static int uid_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/* The numbers of the "* SEARCH" line in text, into a malloc'd array. */
static enum ah_err parse_search(struct ah_str text, uint32_t **uids, size_t *n,
                                struct ah_error *err)
{
    const char *p = text.p, *end = text.p + text.len, *eol;
    uint32_t *v = NULL;
    size_t count = 0, cap = 0;

    /* untagged lines: "* SEARCH 3 4 7", maybe "* 5 EXISTS" around it */
    while (p < end && !(end - p >= 8 && strncasecmp(p, "* SEARCH", 8) == 0)) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (p == end)
        return ah_error_set(err, AH_E_UNAVAILABLE, "imap UID SEARCH: no * SEARCH in the answer");
    eol = memchr(p, '\n', (size_t)(end - p));
    end = eol ? eol : end;
    if (end > p && end[-1] == '\r')
        end--;
    for (p += 8; p < end;) {
        const char *w;
        int64_t uid;

        while (p < end && *p == ' ')
            p++;
        for (w = p; p < end && *p != ' ';)
            p++;
        if (w == p)
            break;
        if (ah_parse_i64((struct ah_str){w, (size_t)(p - w)}, 1, UINT32_MAX, &uid, NULL)) {
            free(v);
            return ah_error_set(err, AH_E_UNAVAILABLE, "imap UID SEARCH: %.*s is not a UID",
                                (int)(p - w > 20 ? 20 : p - w), w);
        }
        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            v = ah_xrealloc(v, cap * sizeof *v);
        }
        v[count++] = (uint32_t)uid;
    }
    if (count)
        qsort(v, count, sizeof *v, uid_cmp);
    *uids = v;
    *n = count;
    return AH_OK;
}

enum ah_err ah_imap_unseen(struct ah_imap *m, uint32_t **uids, size_t *n, struct ah_error *err)
{
    enum ah_err rc = imap_run(m, "UID SEARCH UNSEEN", err);

    if (rc)
        return rc;
    return parse_search(ah_buf_str(&m->untagged), uids, n, err);
}

/* The same handle without its connection (curl_easy_duphandle copies the
 * options, not the connection cache). */
static void drop_connection(struct ah_imap *m)
{
    CURL *fresh = curl_easy_duphandle(m->c);

    if (!fresh) {
        /* NEEDSWORK: out of memory here keeps the connection mid-answer */
        return;
    }
    curl_easy_cleanup(m->c);
    m->c = fresh;
}

/* Appends the piece of message uid at off: FETCH_CHUNK bytes, fewer at the
 * end, or, when *cut, fewer because libcurl ended the reply early. */
static enum ah_err fetch_piece(struct ah_imap *m, uint32_t uid, size_t off, struct ah_buf *out,
                               bool *cut, struct ah_error *err)
{
    struct fetch f = {.state = FETCH_WAIT, .out = out};
    char cmd[80];
    enum ah_err rc;

    *cut = false;
    if (off == 0)
        snprintf(cmd, sizeof cmd, "UID FETCH %" PRIu32 " (RFC822.SIZE BODY.PEEK[]<0.%d>)", uid,
                 FETCH_CHUNK);
    else
        snprintf(cmd, sizeof cmd, "UID FETCH %" PRIu32 " BODY.PEEK[]<%zu.%d>", uid, off,
                 FETCH_CHUNK);
    m->fetch = &f;
    rc = imap_run(m, cmd, err);
    m->fetch = NULL;
    if ((f.state == FETCH_LITERAL || f.state == FETCH_AFTER) && out->len > off &&
        (m->cc == CURLE_OK || m->cc == CURLE_QUOTE_ERROR)) {
        /* A body line began with libcurl's tag ("A005 OK", "A005 NO": a
         * pasted IMAP log) and libcurl took it for the end of the reply. The
         * bytes so far are right, up to that line; the rest is still in
         * flight, and a "* " line in it must not pass for the next command's
         * answer: a new connection fetches on from there. */
        drop_connection(m);
        *cut = true;
        return AH_OK;
    }
    if (f.rc == AH_E_TOO_LARGE)
        return ah_error_set(err, AH_E_TOO_LARGE, "imap message uid %" PRIu32 " is over %zu bytes",
                            uid, out->max);
    if (rc)
        return rc;
    if (f.state == FETCH_WAIT)
        return ah_error_set(err, AH_E_NOT_FOUND, "imap message uid %" PRIu32
                            " is not in the mailbox", uid);
    if (f.state != FETCH_DONE) {
        drop_connection(m);
        return ah_error_set(err, AH_E_UNAVAILABLE,
                            "imap message uid %" PRIu32 ": the answer broke off in its body", uid);
    }
    return AH_OK;
}

enum ah_err ah_imap_fetch(struct ah_imap *m, uint32_t uid, struct ah_buf *out,
                          struct ah_error *err)
{
    enum ah_err rc;
    size_t got, cuts = 0;
    bool cut;

    ah_buf_reset(out);
    do {
        got = out->len;
        rc = fetch_piece(m, uid, got, out, &cut, err);
        if (!rc && cut && ++cuts > FETCH_MAX_CUTS)
            rc = ah_error_set(err, AH_E_UNAVAILABLE, "imap message uid %" PRIu32
                              ": over %d lines look like the end of the reply", uid,
                              FETCH_MAX_CUTS);
    } while (!rc && (cut || out->len - got == FETCH_CHUNK));
    if (rc)
        ah_buf_reset(out);
    return rc;
}

enum ah_err ah_imap_mark_seen(struct ah_imap *m, uint32_t uid, struct ah_error *err)
{
    char cmd[64];

    snprintf(cmd, sizeof cmd, "UID STORE %" PRIu32 " +FLAGS.SILENT (\\Seen)", uid);
    return imap_run(m, cmd, err);
}

void ah_imap_close(struct ah_imap *m)
{
    if (!m)
        return;
    curl_easy_cleanup(m->c); /* says LOGOUT on an open connection */
    ah_buf_release(&m->untagged);
    free(m);
}
