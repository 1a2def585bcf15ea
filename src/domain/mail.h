/* mail.h - email in and out: a message received becomes a ticket or joins
 * one, a reply becomes a message in the mail outbox, and the outbox is sent
 * by SMTP. Parsing is core/mail.c's, the transports core/mailx.c's. */
#ifndef AH_DOMAIN_MAIL_H
#define AH_DOMAIN_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/mail.h"
#include "core/mailx.h"
#include "domain/ctx.h"

/* How this installation does mail; read-only after start. */
struct ah_mail_settings {
    const char *address;      /* the support address ("support@example.com"): the From of
                               * every reply; NULL: replies are not mailed */
    const char *name;         /* the team's name, for acknowledgements ("Support") */
    bool plus_address;        /* replies carry Reply-To: local+t<id>@domain */
    const char *attach_dir;   /* where attachments are kept, by content hash */
    struct ah_mail_limits limits;
    int64_t sender_per_hour;  /* mail taken from one address an hour; 0: no limit */
    int64_t tickets_per_hour; /* tickets one address may open an hour; 0: no limit */
    bool ack;                 /* answer a new ticket with its number */
    struct ah_mailx_conf smtp; /* url NULL: this process sends nothing */
    struct ah_mailx_conf imap; /* url NULL: nothing to poll */
    int64_t poll_ms;          /* serve polls IMAP this often; 0: never */
    const char *escalation_address; /* colleagues forward customers' mail here: it becomes
                               * an internal escalation (domain/intake.h); NULL: none */
};

/* Fills s with the defaults: mail off, limits of ah_mail_limits_default,
 * 60 messages and 10 new tickets per sender an hour, no acknowledgement. */
void ah_mail_settings_default(struct ah_mail_settings *s);

/* What became of a message received. */
struct ah_mail_outcome {
    int64_t ticket_id;
    int64_t message_id;
    bool duplicate;     /* its Message-ID was stored already: nothing changed */
    bool new_ticket;
    bool acknowledged;  /* an acknowledgement was queued */
    const char *thread; /* how it found its ticket: "in-reply-to", "references",
                         * "subject", "plus-address" or "new" */
};

/* Takes one RFC 5322 message: parses it, stores its attachments, and in one
 * transaction threads it onto its ticket or opens one, adds Cc writers to
 * the ticket, and queues an acknowledgement when configured. A message
 * whose Message-ID is known is a duplicate (AH_OK, nothing changes); one
 * without a Message-ID is known by the hash of its bytes.
 * AH_E_INVALID / AH_E_TOO_LARGE: never to be taken (err says why);
 * AH_E_RATE_LIMITED: the sender is over a limit (take it again later);
 * AH_E_UNAVAILABLE: the store is busy or away (again later). */
enum ah_err ah_mail_receive(struct ah_ctx *cx, const char *raw, size_t len,
                            struct ah_mail_outcome *out, struct ah_error *err);

/* Counts of a bulk import. */
struct ah_mail_import_stats {
    int64_t stored;
    int64_t duplicates;
    int64_t refused; /* never to be taken: skipped, each logged */
};

/* Stores the n messages raw[i] (len[i] bytes) as ah_mail_receive would,
 * in one transaction, without rate limits or acknowledgements (an import
 * of old mail answers nobody). A store error rolls the whole batch back. */
enum ah_err ah_mail_import(struct ah_ctx *cx, const char *const *raw, const size_t *len,
                           size_t n, struct ah_mail_import_stats *stats, struct ah_error *err);

/* Inside the caller's transaction, after reply m was stored on ticket t:
 * composes its mail and queues it, when mail is configured. */
enum ah_err ah_mail_queue_reply(struct ah_ctx *cx, const struct ah_ticket *t,
                                const struct ah_message *m, struct ah_error *err);

/* Counts of one IMAP poll. */
struct ah_mail_poll_stats {
    int64_t stored;
    int64_t duplicates;
    int64_t refused;  /* never to be taken: marked seen, each logged */
    int64_t deferred; /* rate-limited or the store busy: left unseen for the next poll */
};

/* Fetches up to max unseen messages of the mailbox (oldest first) without
 * marking them, receives each, and marks it seen only once it is stored
 * (or known, or refused for good): stopped at any point, nothing is lost
 * and a second run stores nothing twice. */
enum ah_err ah_mail_poll(struct ah_ctx *cx, const struct ah_mailx_conf *imap, int64_t max,
                         struct ah_mail_poll_stats *st, struct ah_error *err);

/* Mail details of a ticket's thread, for showing it. */
struct ah_mail_thread {
    struct ah_mail_in_row *in;      /* by message */
    size_t nin;
    struct ah_attachment *files;    /* by message then id */
    size_t nfiles;
    struct ah_mail_out *out;        /* by id, without data */
    size_t nout;
    struct ah_participant *people;
    size_t npeople;
};

/* The mail details of ticket id; the caller has checked that cx's actor
 * may see it. */
enum ah_err ah_mail_thread_get(struct ah_ctx *cx, int64_t id, struct ah_mail_thread *out,
                               struct ah_error *err);

/* Attachment id and the path of its bytes, if cx's actor may see its ticket. */
enum ah_err ah_mail_attachment(struct ah_ctx *cx, int64_t id, struct ah_attachment *out,
                               const char **path, struct ah_error *err);

/* Sends what is due in the mail outbox with sender (one connection):
 * up to limit messages; a refusal for good marks the message failed (it
 * shows on its ticket), anything else is tried again with backoff.
 * *sent and *failed count this round. */
enum ah_err ah_mail_send_due(struct ah_ctx *cx, struct ah_smtp *sender, int limit,
                             int64_t *sent, int64_t *failed, struct ah_error *err);

/* Queues a message about no ticket (the weekly digest) to one person in the
 * caller's transaction; nothing when no support address is configured. */
enum ah_err ah_mail_queue_digest(struct ah_ctx *cx, const char *to_email, const char *to_name,
                                 const char *subject, const char *text, const char *html,
                                 struct ah_error *err);

#endif
