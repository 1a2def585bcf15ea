/* mailx.h - the mail transports, with libcurl: SMTP out (a connection kept
 * open across messages) and IMAP in (unseen messages fetched without marking
 * them, marked seen only when the caller says). Nothing else sees libcurl's
 * mail protocols. */
#ifndef AH_CORE_MAILX_H
#define AH_CORE_MAILX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Where and how to connect. url: smtp://host:port, smtps://host:port,
 * imap://host:port/MAILBOX or imaps://host:port/MAILBOX. With smtp:// or
 * imap://, STARTTLS is required unless tls is false (then plain text, for a
 * relay on the same machine). ca_file: a PEM file of certificates to trust
 * instead of the system's (NULL: the system's). */
struct ah_mailx_conf {
    const char *url;
    const char *user;     /* NULL: no authentication */
    const char *password;
    const char *ca_file;
    bool tls;
    long timeout_ms;      /* connecting and each exchange; 0: 30 s */
};

struct ah_smtp;

/* An SMTP sender; nothing is connected until the first send. */
enum ah_err ah_smtp_open(const struct ah_mailx_conf *c, struct ah_smtp **out,
                         struct ah_error *err);
/* Sends data (a whole RFC 5322 message, CRLF lines) from the envelope sender
 * to each recipient, reusing the open connection. On failure *permanent says
 * whether the server refused for good (5xx: do not try again) or not
 * (connection, timeout, 4xx: try later), and err->msg carries the server's
 * words. */
enum ah_err ah_smtp_send(struct ah_smtp *s, const char *from, const char *const *rcpt,
                         size_t nrcpt, const char *data, size_t len, bool *permanent,
                         struct ah_error *err);
void ah_smtp_close(struct ah_smtp *s);

struct ah_imap;

enum ah_err ah_imap_open(const struct ah_mailx_conf *c, struct ah_imap **out,
                         struct ah_error *err);
/* UIDs of the mailbox's messages without \Seen, ascending, malloc'd in *uids
 * (free with free()); *n may be 0. */
enum ah_err ah_imap_unseen(struct ah_imap *m, uint32_t **uids, size_t *n, struct ah_error *err);
/* The whole message uid (BODY.PEEK[]: it stays unseen) into out, which it
 * resets first; AH_E_TOO_LARGE past out's limit, AH_E_NOT_FOUND when the
 * mailbox has no message uid. */
enum ah_err ah_imap_fetch(struct ah_imap *m, uint32_t uid, struct ah_buf *out,
                          struct ah_error *err);
/* Marks message uid \Seen. */
enum ah_err ah_imap_mark_seen(struct ah_imap *m, uint32_t uid, struct ah_error *err);
void ah_imap_close(struct ah_imap *m);

#endif
