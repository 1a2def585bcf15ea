/* mail.h - email as data: an RFC 5322 message parsed into what a help desk
 * keeps (GMime does the MIME, charsets and encoded words; libxml2 reads an
 * HTML-only body), a reply composed for sending, and an mbox file split into
 * its messages. Nothing here touches the store or the network. */
#ifndef AH_CORE_MAIL_H
#define AH_CORE_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

/* An address as written: name may be "" (never NULL); email is the
 * addr-spec, lower-cased in its domain part only, never "". */
struct ah_mail_addr {
    const char *name;
    const char *email;
};

/* An attachment or an inline image, with its decoded content. */
struct ah_mail_part {
    const char *name;       /* the file name given (sanitized: no '/', no control characters), or "attachment" */
    const char *type;       /* "image/png", lower case */
    const char *content_id; /* without <>, "" if none */
    bool is_inline;         /* Content-Disposition inline, or referenced by cid: */
    const unsigned char *data;
    size_t size;
};

/* What parsing keeps; every string is UTF-8 in the arena, never NULL unless said. */
struct ah_mail {
    bool has_from;
    struct ah_mail_addr from;
    bool has_reply_to;
    struct ah_mail_addr reply_to;
    struct ah_mail_addr *to;
    size_t nto;
    struct ah_mail_addr *cc;
    size_t ncc;
    const char *subject;     /* encoded words decoded, folded whitespace joined; "" if none */
    int64_t date;            /* ms since the epoch; 0 when missing or malformed */
    const char *message_id;  /* without <>; NULL when the message has none */
    const char *in_reply_to; /* the first msg-id in In-Reply-To, without <>; NULL if none */
    const char **references; /* References' msg-ids in order, without <> */
    size_t nreferences;
    const char *body;        /* the text: text/plain chosen over text/html; quoted history and
                              * signature stripped; "" when there is no text part */
    const char *quoted;      /* what was stripped from body, "" if nothing */
    bool body_from_html;     /* body is readable text made from the only (HTML) part */
    struct ah_mail_part *parts;
    size_t nparts;
    size_t parts_bytes;      /* sum of parts[].size */
    /* signs that no automatic answer may go back */
    bool auto_submitted;     /* Auto-Submitted other than "no", X-Autoreply, X-Autorespond,
                              * Precedence bulk/list/junk, List-Id */
    bool from_daemon;        /* From (or Return-Path) mailer-daemon@ or postmaster@ */
    bool is_bounce;          /* a delivery status notification (multipart/report;
                              * report-type=delivery-status) */
};

/* Limits on what parsing accepts. */
struct ah_mail_limits {
    size_t max_message; /* the raw message, bytes */
    size_t max_part;    /* one attachment, decoded bytes */
    size_t max_parts;   /* attachments and inline images */
};

/* The defaults: 25 MB a message, 10 MB an attachment, 100 parts. */
void ah_mail_limits_default(struct ah_mail_limits *lim);

/* Initializes GMime once per process, before any thread parses. */
void ah_mail_init(void);

/* Parses raw[0..len) into *out (in a). AH_E_TOO_LARGE over a limit (the raw
 * size is checked before anything is read); AH_E_INVALID for a message never
 * to be taken: no header at all, no From address; err->msg says which in
 * words a person can read. Broken MIME (a missing boundary, truncated
 * base64) still parses: what can be read is kept. A forwarded message
 * (message/rfc822) is kept as an attachment named after its subject, and its
 * text is appended to body under "---------- Forwarded message ----------". */
enum ah_err ah_mail_parse(const char *raw, size_t len, const struct ah_mail_limits *lim,
                          struct ah_arena *a, struct ah_mail *out, struct ah_error *err);

/* Readable text from HTML (libxml2's forgiving parser): block elements end
 * lines, <br> breaks, links keep their target as "text (url)", script and
 * style vanish, entities are decoded; whitespace is collapsed. The result is
 * text, to be escaped by whoever shows it. */
enum ah_err ah_mail_html_text(const char *html, size_t len, struct ah_arena *a, const char **out,
                              struct ah_error *err);

/* Splits a reply's text into what the person wrote and what came before:
 * the quoted history ("On ... wrote:" and the "> " lines after it, Outlook's
 * "-----Original Message-----" or "From: ... Sent: ..." block) and a
 * signature after "-- ". *body and *quoted are in a; *quoted "" if none. */
void ah_mail_strip_quoted(const char *text, struct ah_arena *a, const char **body,
                          const char **quoted);

/* A message allhands sends. */
struct ah_mail_draft {
    struct ah_mail_addr from;     /* the support address, with a display name */
    const char *reply_to;         /* an address, or NULL */
    const struct ah_mail_addr *to;
    size_t nto;
    const struct ah_mail_addr *cc;
    size_t ncc;
    const char *subject;          /* UTF-8: encoded words are made as needed */
    const char *message_id;       /* without <> */
    const char *in_reply_to;      /* without <>, or NULL */
    const char *const *references; /* without <>, oldest first */
    size_t nreferences;
    int64_t date;                 /* ms since the epoch */
    const char *text;             /* the text/plain part */
    const char *html;             /* the text/html part, or NULL for text only */
    bool auto_replied;            /* adds Auto-Submitted: auto-replied (and X-Autoreply) */
};

/* The whole RFC 5322 message for d, CRLF line ends, 7-bit clean (quoted-
 * printable or base64 bodies, encoded-word headers), in a. */
enum ah_err ah_mail_compose(const struct ah_mail_draft *d, struct ah_arena *a, char **out,
                            size_t *len, struct ah_error *err);

/* Markdown (what an agent writes) as HTML for a reply's HTML part, with
 * cmark's safe mode (raw HTML and unsafe links dropped), in a. */
const char *ah_mail_markdown_html(const char *md, struct ah_arena *a);

/* mbox files (mboxo and mboxrd): each message starts at a line "From ".
 * Returns the next message from *pos on (">From " lines unescaped one level,
 * the separator line dropped) in *msg (in a), advancing *pos; false at the end. */
bool ah_mbox_next(const char *buf, size_t len, size_t *pos, struct ah_arena *a,
                  struct ah_str *msg);

#endif
