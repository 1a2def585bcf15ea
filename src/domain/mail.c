/* mail.c - email in and out. A message received is parsed (core/mail.c),
 * its attachments written to disk by content hash, and then, in one
 * transaction: known already (by Message-ID) or threaded onto its ticket
 * (In-Reply-To and References against the Message-IDs allhands knows, then
 * a [#id] token in the subject or a support+t<id>@ address, from someone on
 * that ticket), or a new ticket. A reply is composed when it is committed
 * and waits in the mail outbox, which the background worker sends by SMTP
 * (core/mailx.c) with retries and backoff. */
#include "domain/mail.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/time.h"
#include "domain/intake.h"
#include "domain/people.h"
#include "domain/perm.h"
#include "domain/ticket.h"

#define HOUR_MS (3600 * 1000LL)
/* a message claimed for sending is not due again before this */
#define SEND_LEASE_MS (5 * 60 * 1000LL)
#define BACKOFF_FIRST_MS (30 * 1000LL)
#define BACKOFF_MAX_MS HOUR_MS
/* a temporary failure this many times over (about a day with the backoff
 * above) becomes a permanent one */
#define MAX_ATTEMPTS 30
/* References carry the first message and the newest ones: enough for
 * every client to thread, short enough for every server to take */
#define MAX_REFERENCES 10
#define MAX_THREAD_LOOKUPS 20
/* people copied on a reply besides the requester */
#define MAX_CC 50
#define RETRIES 3

void ah_mail_settings_default(struct ah_mail_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->name = "Support";
    s->attach_dir = "data/attachments";
    ah_mail_limits_default(&s->limits);
    s->sender_per_hour = 60;
    s->tickets_per_hour = 10;
}

static struct ah_mail_settings fallback;

static void fallback_init(void)
{
    ah_mail_settings_default(&fallback);
}

static const struct ah_mail_settings *settings(struct ah_ctx *cx)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    if (cx->settings && cx->settings->mail)
        return cx->settings->mail;
    /* only a context without mail settings (unit tests) gets the defaults */
    pthread_once(&once, fallback_init);
    return &fallback;
}

/* ---- small text helpers ---- */

static char *lower_dup(struct ah_arena *a, const char *s)
{
    char *d = ah_arena_strdup(a, s);

    ah_str_lower(d);
    return d;
}

static bool addr_eq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* The longest prefix of s no longer than max bytes that ends on a UTF-8
 * character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* "[#1234]" anywhere in the subject: the ticket number, or 0. */
static int64_t subject_token(const char *subject)
{
    for (const char *p = strstr(subject, "[#"); p; p = strstr(p + 2, "[#")) {
        int64_t id = 0;
        const char *q = p + 2;

        while (*q >= '0' && *q <= '9' && id < INT64_MAX / 10)
            id = id * 10 + (*q++ - '0');
        if (q > p + 2 && *q == ']' && id > 0)
            return id;
    }
    return 0;
}

/* local+t<id>@domain where local@domain is the support address: id, or 0. */
static int64_t plus_token(const char *support, const char *addr)
{
    const char *at = support ? strchr(support, '@') : NULL;
    const char *aat = strchr(addr, '@');
    size_t local;
    int64_t id = 0;
    const char *p;

    if (!at || !aat || strcasecmp(at, aat) != 0)
        return 0;
    local = (size_t)(at - support);
    if ((size_t)(aat - addr) <= local + 2 || strncasecmp(addr, support, local) != 0 ||
        addr[local] != '+' || (addr[local + 1] != 't' && addr[local + 1] != 'T'))
        return 0;
    for (p = addr + local + 2; p < aat && *p >= '0' && *p <= '9' && id < INT64_MAX / 10; p++)
        id = id * 10 + (*p - '0');
    return p == aat ? id : 0;
}

static bool valid_email(const char *s)
{
    struct ah_error e;

    return s && ah_people_check_email(ah_str_c(s), &e) == AH_OK;
}

static const char *id_from_hash(struct ah_ctx *cx, const char *hex)
{
    size_t n = strlen(hex) + 32;
    char *id = ah_arena_alloc(cx->arena, n);

    snprintf(id, n, "%s@hash.allhands.invalid", hex);
    return id;
}

static const char *domain_of(const char *addr)
{
    const char *at = addr ? strchr(addr, '@') : NULL;

    return at ? at + 1 : "allhands.invalid";
}

/* ---- attachments on disk ---- */

static const char *attach_path(struct ah_ctx *cx, const char *dir, const char *sha)
{
    size_t n = strlen(dir) + 80;
    char *p = ah_arena_alloc(cx->arena, n);

    snprintf(p, n, "%s/%.2s/%s", dir, sha, sha);
    return p;
}

static enum ah_err make_dir(const char *path, struct ah_error *err)
{
    if (mkdir(path, 0750) == 0 || errno == EEXIST)
        return AH_OK;
    return ah_error_set(err, AH_E_UNAVAILABLE, "cannot create %s: %s", path, strerror(errno));
}

/* Writes data under its hash (once: the same file twice is one file),
 * through a temporary name and a rename, so a reader never sees half of it. */
static enum ah_err store_file(struct ah_ctx *cx, const char *dir, const unsigned char *data,
                              size_t size, char sha[AH_HASH_HEX], struct ah_error *err)
{
    struct ah_sha256 h;
    const char *path;
    char sub[4096], tmp[4200];
    struct stat st;
    int fd;
    size_t off = 0;

    ah_crypto_sha256_init(&h);
    ah_crypto_sha256_update(&h, data, size);
    ah_crypto_sha256_final(&h, sha);
    path = attach_path(cx, dir, sha);
    if (stat(path, &st) == 0 && (size_t)st.st_size == size)
        return AH_OK;
    snprintf(sub, sizeof(sub), "%s/%.2s", dir, sha);
    if (make_dir(dir, err) || make_dir(sub, err))
        return err->code;
    snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-%ld", sub, sha, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return ah_error_set(err, AH_E_UNAVAILABLE, "cannot write %s: %s", tmp, strerror(errno));
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;

            close(fd);
            unlink(tmp);
            return ah_error_set(err, AH_E_UNAVAILABLE, "cannot write %s: %s", tmp, strerror(e));
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        int e = errno;

        unlink(tmp);
        return ah_error_set(err, AH_E_UNAVAILABLE, "cannot store %s: %s", path, strerror(e));
    }
    return AH_OK;
}

/* ---- receiving ---- */

/* A message parsed, with what receiving adds: its key and its files. */
struct incoming {
    struct ah_mail m;
    const char *msgid;        /* the Message-ID, or one made from the bytes' hash */
    const char *sender;       /* From, lower case */
    const char *sender_name;
    const char *requester;    /* Reply-To if given, else From */
    const char *requester_name;
    const char *body;         /* at most AH_MAX_MESSAGE_BODY bytes */
    const char *subject;      /* at most AH_MAX_SUBJECT bytes, never empty */
    char (*sha)[AH_HASH_HEX]; /* per part */
    bool truncated;           /* the body was cut: the whole message is a part */
};

static enum ah_err take(struct ah_ctx *cx, const char *raw, size_t len, struct incoming *in,
                        struct ah_error *err)
{
    const struct ah_mail_settings *ms = settings(cx);
    struct ah_mail *m = &in->m;
    enum ah_err rc;
    size_t blen, slen;

    memset(in, 0, sizeof(*in));
    rc = ah_mail_parse(raw, len, &ms->limits, cx->arena, m, err);
    if (rc)
        return rc;
    if (!m->has_from)
        return ah_error_set(err, AH_E_INVALID, "the message has no From address");
    if (m->message_id && *m->message_id && strlen(m->message_id) < 900) {
        in->msgid = m->message_id;
    } else {
        /* no Message-ID: the same bytes delivered twice are still one message */
        struct ah_sha256 h;
        char hex[AH_HASH_HEX];

        ah_crypto_sha256_init(&h);
        ah_crypto_sha256_update(&h, raw, len);
        ah_crypto_sha256_final(&h, hex);
        in->msgid = id_from_hash(cx, hex);
    }
    in->sender = lower_dup(cx->arena, m->from.email);
    in->sender_name = m->from.name;
    in->requester = m->has_reply_to ? lower_dup(cx->arena, m->reply_to.email) : in->sender;
    in->requester_name = m->has_reply_to && *m->reply_to.name ? m->reply_to.name : m->from.name;
    if (!valid_email(in->requester))
        in->requester = in->sender;
    if (!valid_email(in->sender))
        return ah_error_set(err, AH_E_INVALID, "the From address %s is not one allhands can answer",
                            in->sender);
    slen = utf8_cut(m->subject, strlen(m->subject), AH_MAX_SUBJECT);
    in->subject = slen ? ah_arena_strndup(cx->arena, m->subject, slen) : "(no subject)";
    if (!ah_str_trim(ah_str_c(in->subject)).len)
        in->subject = "(no subject)";
    blen = strlen(m->body);
    if (blen > AH_MAX_MESSAGE_BODY - 200) {
        size_t cut = utf8_cut(m->body, blen, AH_MAX_MESSAGE_BODY - 200);
        size_t n = cut + 200;
        char *b = ah_arena_alloc(cx->arena, n);

        snprintf(b, n, "%.*s\n\n[The message goes on: it is attached whole as original.eml.]",
                 (int)cut, m->body);
        in->body = b;
        in->truncated = true;
    } else {
        in->body = m->body;
    }
    if (!ah_str_trim(ah_str_c(in->body)).len)
        in->body = m->nparts ? "(attachments only)" : "(no text)";
    if (in->truncated) {
        struct ah_mail_part *p = ah_arena_alloc(cx->arena, (m->nparts + 1) * sizeof(*p));

        if (m->nparts)
            memcpy(p, m->parts, m->nparts * sizeof(*p));
        p[m->nparts] = (struct ah_mail_part){.name = "original.eml", .type = "message/rfc822",
                                             .content_id = "", .data = (const void *)raw,
                                             .size = len};
        m->parts = p;
        m->nparts++;
    }
    in->sha = m->nparts ? ah_arena_alloc(cx->arena, m->nparts * sizeof(*in->sha)) : NULL;
    for (size_t i = 0; i < m->nparts; i++) {
        rc = store_file(cx, ms->attach_dir, m->parts[i].data, m->parts[i].size, in->sha[i], err);
        if (rc)
            return rc;
    }
    return AH_OK;
}

static enum ah_err on_ticket(struct ah_ctx *cx, const struct ah_ticket *t, const char *who,
                             bool *yes, struct ah_error *err)
{
    struct ah_participant *p;
    size_t n = 0;
    enum ah_err rc;

    *yes = addr_eq(t->requester_email, who);
    if (*yes)
        return AH_OK;
    rc = ah_store_participant_list(cx->store, t->id, cx->arena, &p, &n, err);
    for (size_t i = 0; !rc && i < n && !*yes; i++)
        *yes = addr_eq(p[i].email, who);
    return rc;
}

/* The ticket in reaches, in t, and how (out->thread); *found false: none. */
static enum ah_err find_ticket(struct ah_ctx *cx, const struct incoming *in, struct ah_ticket *t,
                               bool *found, struct ah_mail_outcome *out, struct ah_error *err)
{
    const struct ah_mail *m = &in->m;
    const struct ah_mail_settings *ms = settings(cx);
    int64_t tid = 0, mid;
    enum ah_err rc = AH_OK;
    int looked = 0;

    *found = false;
    if (m->in_reply_to) {
        rc = ah_store_mail_id_get(cx->store, m->in_reply_to, &tid, &mid, err);
        if (rc == AH_E_NOT_FOUND)
            rc = AH_OK, tid = 0;
        out->thread = "in-reply-to";
    }
    /* newest reference first: the one the writer answered */
    for (size_t i = m->nreferences; !rc && !tid && i-- > 0 && looked++ < MAX_THREAD_LOOKUPS;) {
        rc = ah_store_mail_id_get(cx->store, m->references[i], &tid, &mid, err);
        if (rc == AH_E_NOT_FOUND)
            rc = AH_OK, tid = 0;
        out->thread = "references";
    }
    if (rc)
        return rc;
    if (tid) {
        rc = ah_store_ticket_get(cx->store, tid, cx->arena, t, err);
        *found = !rc;
        return rc == AH_E_NOT_FOUND ? AH_OK : rc;
    }
    /* a number anyone can type: only for someone the ticket already has */
    tid = subject_token(m->subject);
    out->thread = "subject";
    for (size_t i = 0; !tid && i < m->nto + m->ncc; i++) {
        const struct ah_mail_addr *a = i < m->nto ? &m->to[i] : &m->cc[i - m->nto];

        tid = plus_token(ms->address, a->email);
        out->thread = "plus-address";
    }
    if (!tid)
        return AH_OK;
    rc = ah_store_ticket_get(cx->store, tid, cx->arena, t, err);
    if (rc == AH_E_NOT_FOUND)
        return AH_OK;
    if (rc)
        return rc;
    return on_ticket(cx, t, in->sender, found, err);
}

static bool is_us(struct ah_ctx *cx, const char *addr)
{
    const struct ah_mail_settings *ms = settings(cx);

    return addr_eq(addr, ms->address) || (ms->address && plus_token(ms->address, addr));
}

static enum ah_err add_person(struct ah_ctx *cx, const struct ah_ticket *t, const char *email,
                              const char *name, struct ah_error *err)
{
    struct ah_participant p = {.ticket_id = t->id, .added_at = cx->now};
    bool inserted;

    if (addr_eq(email, t->requester_email) || is_us(cx, email) || !valid_email(email))
        return AH_OK;
    p.email = lower_dup(cx->arena, email);
    p.name = name ? name : "";
    return ah_store_participant_add(cx->store, &p, &inserted, err);
}

static enum ah_err queue_ack(struct ah_ctx *cx, const struct ah_ticket *t,
                             const struct incoming *in, struct ah_error *err);

/* Everything receiving writes, inside the caller's transaction. */
static enum ah_err receive_tx(struct ah_ctx *cx, const struct incoming *in, bool bulk,
                              struct ah_mail_outcome *out, struct ah_error *err)
{
    const struct ah_mail_settings *ms = settings(cx);
    const struct ah_mail *m = &in->m;
    struct ah_ticket t;
    struct ah_message msg;
    struct ah_mail_in_row row = {0};
    int64_t tid, mid, count = 0, opened = 0;
    bool found = false, inserted;
    enum ah_err rc = ah_store_mail_id_get(cx->store, in->msgid, &tid, &mid, err);

    memset(out, 0, sizeof(*out));
    if (rc == AH_OK) {
        out->duplicate = true;
        out->ticket_id = tid;
        out->message_id = mid;
        out->thread = "duplicate";
        return AH_OK;
    }
    if (rc != AH_E_NOT_FOUND)
        return rc;
    if (!bulk && (ms->sender_per_hour || ms->tickets_per_hour)) {
        rc = ah_store_mail_in_count(cx->store, in->sender, cx->now - HOUR_MS, &count, &opened,
                                    err);
        if (rc)
            return rc;
        if (ms->sender_per_hour && count >= ms->sender_per_hour)
            return ah_error_set(err, AH_E_RATE_LIMITED,
                                "%s sent %" PRId64 " messages in the last hour; the limit is %"
                                PRId64 ": try again later",
                                in->sender, count, ms->sender_per_hour);
    }
    rc = find_ticket(cx, in, &t, &found, out, err);
    if (rc)
        return rc;
    if (found && t.status == AH_STATUS_CLOSED)
        found = false; /* a closed ticket stays closed: this is a new question */
    if (found) {
        rc = ah_ticket_add_customer(cx, &t, ah_str_c(in->body), &msg, err);
        if (!rc && !addr_eq(in->sender, t.requester_email))
            rc = add_person(cx, &t, in->sender, in->sender_name, err);
    } else {
        struct ah_ticket_input ti;

        if (!bulk && ms->tickets_per_hour && opened >= ms->tickets_per_hour)
            return ah_error_set(err, AH_E_RATE_LIMITED,
                                "%s opened %" PRId64 " tickets in the last hour; the limit is %"
                                PRId64 ": try again later",
                                in->sender, opened, ms->tickets_per_hour);
        ah_ticket_input_init(&ti);
        ti.subject = ah_str_c(in->subject);
        ti.body = ah_str_c(in->body);
        ti.requester_email = ah_str_c(in->requester);
        ti.requester_name = ah_str_c(utf8_cut(in->requester_name, strlen(in->requester_name),
                                              AH_MAX_NAME) == strlen(in->requester_name)
                                         ? in->requester_name
                                         : "");
        ti.source = ah_str_c("email");
        if (m->is_bounce || m->from_daemon)
            ti.tags[ti.ntags++] = ah_str_c("bounce");
        else if (m->auto_submitted)
            ti.tags[ti.ntags++] = ah_str_c("auto-submitted");
        rc = ah_ticket_open(cx, &ti, &t, &msg, err);
        out->new_ticket = !rc;
        out->thread = "new";
        if (!rc && !addr_eq(in->sender, t.requester_email))
            rc = add_person(cx, &t, in->sender, in->sender_name, err);
    }
    /* whoever was copied hears the answers too */
    for (size_t i = 0; !rc && i < m->ncc; i++)
        rc = add_person(cx, &t, m->cc[i].email, m->cc[i].name, err);
    if (rc)
        return rc;
    row.message_id = msg.id;
    row.msgid = in->msgid;
    row.sender = in->sender;
    row.sender_name = in->sender_name;
    row.quoted = m->quoted;
    row.new_ticket = out->new_ticket;
    row.created_at = cx->now;
    rc = ah_store_mail_in_insert(cx->store, &row, err);
    if (!rc)
        rc = ah_store_mail_id_insert(cx->store, in->msgid, t.id, msg.id, false, cx->now,
                                     &inserted, err);
    /* another server stored the same message a moment ago: undo this one */
    if (!rc && !inserted)
        return ah_error_set(err, AH_E_CONFLICT, "message %s is stored already", in->msgid);
    for (size_t i = 0; !rc && i < m->nparts; i++) {
        struct ah_attachment a = {0};

        a.message_id = msg.id;
        a.sha256 = in->sha[i];
        a.name = m->parts[i].name;
        a.type = m->parts[i].type;
        a.size = (int64_t)m->parts[i].size;
        a.content_id = m->parts[i].content_id ? m->parts[i].content_id : "";
        a.is_inline = m->parts[i].is_inline;
        a.created_at = cx->now;
        rc = ah_store_attachment_insert(cx->store, &a, err);
    }
    out->ticket_id = t.id;
    out->message_id = msg.id;
    /* never answer a machine: that is how mail loops start */
    if (!rc && !bulk && out->new_ticket && ms->ack && ms->address && !m->auto_submitted &&
        !m->from_daemon && !m->is_bounce) {
        rc = queue_ack(cx, &t, in, err);
        out->acknowledged = !rc;
    }
    return rc;
}

/* ---- internal escalations by mail ---- */

static bool addressed_to(const struct ah_mail *m, const char *addr)
{
    for (size_t i = 0; i < m->nto; i++)
        if (addr_eq(m->to[i].email, addr))
            return true;
    for (size_t i = 0; i < m->ncc; i++)
        if (addr_eq(m->cc[i].email, addr))
            return true;
    return false;
}

/* The customer of a forwarded message: the first "From:" line (Gmail's,
 * Outlook's, Apple Mail's forward headers; "De:" and "Von:" too) with an
 * address in it. *before: what the colleague wrote above it. */
static bool forwarded_from(struct ah_ctx *cx, const char *text, const char **email,
                           const char **name, const char **before)
{
    static const char *const keys[] = {"from:", "de:", "de :", "von:"};

    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        const char *p = line, *end = line + len;

        while (p < end && (*p == '>' || *p == ' ' || *p == '*' || *p == '\t'))
            p++;
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            size_t kl = strlen(keys[k]);
            const char *lt, *gt, *at;

            if ((size_t)(end - p) <= kl || strncasecmp(p, keys[k], kl) != 0)
                continue;
            p += kl;
            lt = memchr(p, '<', (size_t)(end - p));
            gt = lt ? memchr(lt, '>', (size_t)(end - lt)) : NULL;
            if (lt && gt) {
                const char *a = lt + 1;

                if ((size_t)(gt - a) > 7 && strncasecmp(a, "mailto:", 7) == 0)
                    a += 7;
                *email = lower_dup(cx->arena, ah_arena_strndup(cx->arena, a, (size_t)(gt - a)));
                *name = ah_arena_strndup(cx->arena, p, (size_t)(lt - p));
            } else if ((at = memchr(p, '@', (size_t)(end - p))) != NULL) {
                const char *a = at, *b = at;

                while (a > p && a[-1] != ' ' && a[-1] != '\t' && a[-1] != '"')
                    a--;
                while (b < end && *b != ' ' && *b != '\r' && *b != '"')
                    b++;
                *email = lower_dup(cx->arena, ah_arena_strndup(cx->arena, a, (size_t)(b - a)));
                *name = "";
            } else {
                continue;
            }
            if (!valid_email(*email))
                continue;
            {
                struct ah_str n = ah_str_trim(ah_str_c(*name));

                while (n.len && (n.p[0] == '"' || n.p[0] == '\''))
                    n.p++, n.len--;
                while (n.len && (n.p[n.len - 1] == '"' || n.p[n.len - 1] == '\''))
                    n.len--;
                *name = ah_arena_strndup(cx->arena, n.p, n.len);
            }
            *before = ah_arena_strndup(cx->arena, text, (size_t)(line - text));
            return true;
        }
        line = *end ? end + 1 : end;
    }
    return false;
}

/* "Fwd: Re: x" -> "Re: x": the forward's own prefixes go. */
static const char *unforward(const char *subject)
{
    static const char *const pre[] = {"fwd:", "fw:", "tr:", "wg:", "rv:", "enc:"};
    bool again = true;

    while (again) {
        again = false;
        while (*subject == ' ')
            subject++;
        for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
            if (strncasecmp(subject, pre[i], strlen(pre[i])) == 0) {
                subject += strlen(pre[i]);
                again = true;
            }
    }
    return *subject ? subject : "(no subject)";
}

/* A colleague forwarded a customer's mail to the escalation address: it
 * becomes an internal escalation they filed, channel email. */
static enum ah_err escalate(struct ah_ctx *cx, const struct incoming *in,
                            struct ah_mail_outcome *out, struct ah_error *err)
{
    const struct ah_mail_settings *ms = settings(cx);
    struct ah_person p;
    struct ah_ctx ax = *cx;
    struct ah_intake_input ii = {0};
    struct ah_intake intake;
    const char *hash, *email = NULL, *name = "", *before = "", *text;
    int64_t tid, mid;
    bool inserted = false;
    enum ah_err rc = ah_store_person_get_by_email(cx->store, ah_str_c(in->sender), cx->arena, &p,
                                                  &hash, err);

    if (rc == AH_E_NOT_FOUND || (!rc && !p.active))
        return ah_error_set(err, AH_E_INVALID, "%s takes escalations from colleagues; %s is not "
                            "one of them", ms->escalation_address, in->sender);
    if (rc)
        return rc;
    text = in->body;
    if (*in->m.quoted) {
        size_t a = strlen(in->body), b = strlen(in->m.quoted);
        char *t = ah_arena_alloc(cx->arena, a + b + 2);

        memcpy(t, in->body, a);
        t[a] = '\n';
        memcpy(t + a + 1, in->m.quoted, b + 1);
        text = t;
    }
    if (!forwarded_from(cx, text, &email, &name, &before) || addr_eq(email, in->sender))
        return ah_error_set(err, AH_E_INVALID, "no customer address in the forwarded message: "
                            "forward the customer's own mail, or use the escalation form");
    ax.actor = &p;
    ax.system = false;
    ii.customer_email = ah_str_c(email);
    ii.customer_name = ah_str_c(utf8_cut(name, strlen(name), AH_MAX_NAME) == strlen(name) ? name
                                                                                         : "");
    ii.subject = ah_str_c(unforward(in->subject));
    ii.text = ah_str_c(text + strlen(before));
    ii.channel = ah_str_c("email");
    ii.why = ah_str_c(ah_arena_strndup(cx->arena, before,
                                       utf8_cut(before, strlen(before), AH_INTAKE_WHY_MAX)));
    memset(out, 0, sizeof(*out));
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = ah_store_mail_id_get(cx->store, in->msgid, &tid, &mid, err);
    if (rc == AH_OK) {
        out->duplicate = true;
        out->ticket_id = tid;
        out->thread = "duplicate";
        return ah_store_end(cx->store, AH_OK, err);
    }
    if (rc == AH_E_NOT_FOUND)
        rc = ah_intake_open(&ax, &ii, &intake, err);
    if (!rc)
        rc = ah_store_mail_id_insert(cx->store, in->msgid, intake.ticket_id, 0, false, cx->now,
                                     &inserted, err);
    rc = ah_store_end(cx->store, rc, err);
    if (rc)
        return rc;
    out->ticket_id = intake.ticket_id;
    out->new_ticket = true;
    out->thread = "escalation";
    return AH_OK;
}

enum ah_err ah_mail_receive(struct ah_ctx *cx, const char *raw, size_t len,
                            struct ah_mail_outcome *out, struct ah_error *err)
{
    struct incoming in;
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    if (!rc)
        rc = take(cx, raw, len, &in, err);
    if (!rc && settings(cx)->escalation_address &&
        addressed_to(&in.m, settings(cx)->escalation_address))
        return escalate(cx, &in, out, err);
    for (int i = 0; !rc && i < RETRIES; i++) {
        rc = ah_store_begin(cx->store, err);
        if (!rc)
            rc = ah_store_end(cx->store, receive_tx(cx, &in, false, out, err), err);
        if (rc == AH_E_CONFLICT) {
            memset(out, 0, sizeof(*out));
            out->duplicate = true;
            out->thread = "duplicate";
            return AH_OK;
        }
        if (!rc || !ah_ctx_should_retry(cx))
            break;
        rc = AH_OK;
    }
    return rc;
}

enum ah_err ah_mail_poll(struct ah_ctx *cx, const struct ah_mailx_conf *imap, int64_t max,
                         struct ah_mail_poll_stats *st, struct ah_error *err)
{
    struct ah_imap *box = NULL;
    uint32_t *uids = NULL;
    size_t n = 0;
    struct ah_buf raw;
    struct ah_arena *outer = cx->arena;
    enum ah_err rc = ah_imap_open(imap, &box, err);

    memset(st, 0, sizeof(*st));
    if (!rc)
        rc = ah_imap_unseen(box, &uids, &n, err);
    ah_buf_init(&raw, settings(cx)->limits.max_message + 1);
    for (size_t i = 0; !rc && i < n && (int64_t)i < max; i++) {
        struct ah_arena a;
        struct ah_mail_outcome o;
        struct ah_error e;
        enum ah_err r;
        bool seen = true;

        rc = ah_imap_fetch(box, uids[i], &raw, err);
        if (rc == AH_E_TOO_LARGE) {
            /* past the limit: refused for good, like mail-in's exit 65 */
            ah_log(AH_LOG_WARN, "mail.refused", "uid=%u reason=\"over %zu bytes\"", uids[i],
                   settings(cx)->limits.max_message);
            st->refused++;
            rc = ah_imap_mark_seen(box, uids[i], err);
            continue;
        }
        if (rc)
            break;
        ah_arena_init(&a);
        cx->arena = &a;
        cx->now = ah_clock_now();
        r = ah_mail_receive(cx, raw.p ? raw.p : "", raw.len, &o, &e);
        cx->arena = outer;
        if (!r && o.duplicate) {
            st->duplicates++;
        } else if (!r) {
            st->stored++;
            ah_log(AH_LOG_INFO, "mail.stored", "uid=%u ticket=%" PRId64 " thread=%s", uids[i],
                   o.ticket_id, o.thread);
        } else if (r == AH_E_INVALID || r == AH_E_TOO_LARGE) {
            st->refused++;
            ah_log(AH_LOG_WARN, "mail.refused", "uid=%u reason=\"%s\"", uids[i], e.msg);
        } else {
            /* busy or over a rate: the next poll takes it */
            seen = false;
            st->deferred++;
            ah_log(AH_LOG_INFO, "mail.deferred", "uid=%u reason=\"%s\"", uids[i], e.msg);
        }
        ah_arena_release(&a);
        if (seen)
            rc = ah_imap_mark_seen(box, uids[i], err);
        else if (r == AH_E_UNAVAILABLE)
            break;
    }
    ah_buf_release(&raw);
    free(uids);
    ah_imap_close(box);
    return rc;
}

enum ah_err ah_mail_import(struct ah_ctx *cx, const char *const *raw, const size_t *len,
                           size_t n, struct ah_mail_import_stats *stats, struct ah_error *err)
{
    struct incoming *in = ah_arena_alloc(cx->arena, (n ? n : 1) * sizeof(*in));
    bool *ok = ah_arena_alloc(cx->arena, n ? n : 1);
    enum ah_err rc = ah_perm_require(cx, AH_PERM_SIGNED_IN, err);

    memset(stats, 0, sizeof(*stats));
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct ah_error e;

        ok[i] = take(cx, raw[i], len[i], &in[i], &e) == AH_OK;
        if (!ok[i] && e.code == AH_E_UNAVAILABLE)
            return ah_error_set(err, e.code, "%s", e.msg);
        if (!ok[i]) {
            stats->refused++;
            ah_log(AH_LOG_WARN, "mail.import.refused", "reason=\"%s\"", e.msg);
        }
    }
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    for (size_t i = 0; !rc && i < n; i++) {
        struct ah_mail_outcome o;

        if (!ok[i])
            continue;
        rc = receive_tx(cx, &in[i], true, &o, err);
        if (!rc && o.duplicate)
            stats->duplicates++;
        else if (!rc)
            stats->stored++;
    }
    return ah_store_end(cx->store, rc, err);
}

/* ---- sending ---- */

/* A new Message-ID on the support address's domain. */
static const char *new_msgid(struct ah_ctx *cx, const struct ah_ticket *t)
{
    char tok[48];
    size_t n;
    char *id;

    ah_crypto_token("", tok, sizeof(tok));
    n = strlen(tok) + strlen(domain_of(settings(cx)->address)) + 48;
    id = ah_arena_alloc(cx->arena, n);
    snprintf(id, n, "allhands.%" PRId64 ".%s@%s", t->id, tok, domain_of(settings(cx)->address));
    return id;
}

/* The ticket's mail so far, oldest first: received and sent Message-IDs. */
static enum ah_err thread_ids(struct ah_ctx *cx, int64_t ticket_id, const char ***ids,
                              size_t *n, const char **last_in, struct ah_error *err)
{
    struct ah_mail_in_row *in;
    struct ah_mail_out *out;
    size_t nin = 0, nout = 0, i = 0, j = 0, k = 0;
    enum ah_err rc = ah_store_mail_in_list(cx->store, ticket_id, cx->arena, &in, &nin, err);

    if (!rc)
        rc = ah_store_mail_out_list(cx->store, ticket_id, cx->arena, &out, &nout, err);
    if (rc)
        return rc;
    *ids = ah_arena_alloc(cx->arena, (nin + nout + 1) * sizeof(**ids));
    while (i < nin || j < nout) {
        bool take_in = j >= nout || (i < nin && in[i].created_at <= out[j].created_at);

        (*ids)[k++] = take_in ? in[i++].msgid : out[j++].msgid;
    }
    *n = k;
    *last_in = nin ? in[nin - 1].msgid : NULL;
    return AH_OK;
}

/* Keeps the first and the newest MAX_REFERENCES - 1 of ids. */
static void trim_refs(const char **ids, size_t *n)
{
    size_t drop;

    if (*n <= MAX_REFERENCES)
        return;
    drop = *n - MAX_REFERENCES;
    memmove(ids + 1, ids + 1 + drop, (MAX_REFERENCES - 1) * sizeof(*ids));
    *n = MAX_REFERENCES;
}

static const char *reply_subject(struct ah_ctx *cx, const struct ah_ticket *t)
{
    const char *s = t->subject;
    size_t n = strlen(s) + 40;
    char *out = ah_arena_alloc(cx->arena, n);
    bool re = strncasecmp(s, "re:", 3) == 0;

    if (subject_token(s) == t->id)
        snprintf(out, n, "%s%s", re ? "" : "Re: ", s);
    else
        snprintf(out, n, "%s%s [#%" PRId64 "]", re ? "" : "Re: ", s, t->id);
    return out;
}

static const char *plus_reply_to(struct ah_ctx *cx, const struct ah_ticket *t)
{
    const char *addr = settings(cx)->address;
    const char *at = strchr(addr, '@');
    size_t n = strlen(addr) + 32;
    char *out;

    if (!settings(cx)->plus_address || !at)
        return NULL;
    out = ah_arena_alloc(cx->arena, n);
    snprintf(out, n, "%.*s+t%" PRId64 "%s", (int)(at - addr), addr, t->id, at);
    return out;
}

/* Composes d and queues it to the requester and the ticket's people. */
static enum ah_err queue(struct ah_ctx *cx, const struct ah_ticket *t, int64_t message_id,
                         enum ah_mail_kind kind, struct ah_mail_draft *d, struct ah_error *err)
{
    struct ah_participant *p;
    size_t np = 0, len;
    struct ah_mail_out o = {0};
    struct ah_mail_addr to = {.name = t->requester_name ? t->requester_name : "",
                              .email = t->requester_email};
    struct ah_mail_addr *cc;
    struct ah_buf rcpt;
    char *data;
    bool inserted;
    enum ah_err rc = kind == AH_MAIL_REPLY
                         ? ah_store_participant_list(cx->store, t->id, cx->arena, &p, &np, err)
                         : AH_OK;

    if (rc)
        return rc;
    if (np > MAX_CC)
        np = MAX_CC; /* the first to join: a thread is not a mailing list */
    cc = ah_arena_alloc(cx->arena, (np ? np : 1) * sizeof(*cc));
    ah_buf_init(&rcpt, 64 * 1024);
    rc = ah_buf_appends(&rcpt, t->requester_email, err);
    for (size_t i = 0; i < np; i++) {
        cc[i].name = p[i].name;
        cc[i].email = p[i].email;
        if (!rc)
            rc = ah_buf_appendf(&rcpt, err, " %s", p[i].email);
    }
    d->to = &to;
    d->nto = 1;
    d->cc = cc;
    d->ncc = np;
    d->date = cx->now;
    if (!rc)
        rc = ah_mail_compose(d, cx->arena, &data, &len, err);
    if (!rc) {
        o.ticket_id = t->id;
        o.message_id = message_id;
        o.kind = kind;
        o.msgid = d->message_id;
        o.mail_from = settings(cx)->address;
        o.rcpt = ah_arena_strdup(cx->arena, ah_buf_cstr(&rcpt));
        o.data = data;
        o.created_at = o.next_at = cx->now;
        rc = ah_store_mail_out_insert(cx->store, &o, err);
    }
    ah_buf_release(&rcpt);
    if (!rc)
        rc = ah_store_mail_id_insert(cx->store, d->message_id, t->id, message_id, true, cx->now,
                                     &inserted, err);
    return rc;
}

enum ah_err ah_mail_queue_reply(struct ah_ctx *cx, const struct ah_ticket *t,
                                const struct ah_message *m, struct ah_error *err)
{
    const struct ah_mail_settings *ms = settings(cx);
    struct ah_mail_draft d = {0};
    const char **refs, *last_in;
    size_t nrefs;
    enum ah_err rc;

    if (!ms->address || !t->requester_email || !*t->requester_email)
        return AH_OK;
    rc = thread_ids(cx, t->id, &refs, &nrefs, &last_in, err);
    if (rc)
        return rc;
    d.in_reply_to = last_in ? last_in : (nrefs ? refs[nrefs - 1] : NULL);
    trim_refs(refs, &nrefs);
    d.references = refs;
    d.nreferences = nrefs;
    /* the writer's name, the team's address: replies come back to the desk */
    d.from.name = m->author_name && *m->author_name ? m->author_name : ms->name;
    d.from.email = ms->address;
    d.reply_to = plus_reply_to(cx, t);
    d.subject = reply_subject(cx, t);
    d.message_id = new_msgid(cx, t);
    d.text = m->body;
    d.html = ah_mail_markdown_html(m->body, cx->arena);
    return queue(cx, t, m->id, AH_MAIL_REPLY, &d, err);
}

static enum ah_err queue_ack(struct ah_ctx *cx, const struct ah_ticket *t,
                             const struct incoming *in, struct ah_error *err)
{
    const struct ah_mail_settings *ms = settings(cx);
    struct ah_mail_draft d = {0};
    const char *refs[1] = {in->msgid};
    size_t n = strlen(t->subject) + 600;
    char *text = ah_arena_alloc(cx->arena, n);

    snprintf(text, n,
             "Hello,\n\nWe have your message \"%s\" and it is ticket #%" PRId64
             ". Someone will answer it soon; a reply to this email adds to the same ticket.\n\n"
             "-- \n%s\n",
             t->subject, t->id, ms->name);
    d.from.name = ms->name;
    d.from.email = ms->address;
    d.reply_to = plus_reply_to(cx, t);
    d.subject = reply_subject(cx, t);
    d.message_id = new_msgid(cx, t);
    d.in_reply_to = in->msgid;
    d.references = refs;
    d.nreferences = 1;
    d.text = text;
    d.auto_replied = true;
    return queue(cx, t, 0, AH_MAIL_ACK, &d, err);
}

static int64_t backoff(int64_t attempts)
{
    int64_t ms = BACKOFF_FIRST_MS;

    for (int64_t i = 1; i < attempts && ms < BACKOFF_MAX_MS; i++)
        ms *= 2;
    return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

enum ah_err ah_mail_send_due(struct ah_ctx *cx, struct ah_smtp *sender, int limit,
                             int64_t *sent, int64_t *failed, struct ah_error *err)
{
    struct ah_mail_out *items;
    size_t n = 0;
    enum ah_err rc = ah_store_begin(cx->store, err);

    *sent = *failed = 0;
    if (rc)
        return rc;
    /* taken in one short transaction; sent outside any */
    rc = ah_store_mail_out_claim(cx->store, cx->now, cx->now + SEND_LEASE_MS, limit, cx->arena,
                                 &items, &n, err);
    rc = ah_store_end(cx->store, rc, err);
    for (size_t i = 0; !rc && i < n; i++) {
        const char *rcpt[MAX_CC + 1];
        size_t nrcpt = 0;
        char *list = ah_arena_strdup(cx->arena, items[i].rcpt), *save = NULL;
        bool permanent = false;
        struct ah_error e;
        enum ah_err sr;
        int64_t now = ah_clock_now();
        int64_t sent_at = 0, failed_at = 0, next = 0;

        for (char *tok = strtok_r(list, " ", &save); tok && nrcpt < MAX_CC + 1;
             tok = strtok_r(NULL, " ", &save))
            rcpt[nrcpt++] = tok;
        sr = ah_smtp_send(sender, items[i].mail_from, rcpt, nrcpt, items[i].data,
                          strlen(items[i].data), &permanent, &e);
        if (!sr) {
            sent_at = now;
        } else if (permanent || items[i].attempts >= MAX_ATTEMPTS) {
            failed_at = now;
            ah_log(AH_LOG_WARN, "mail.failed", "mail=%" PRId64 " ticket=%" PRId64 " error=\"%s\"",
                   items[i].id, items[i].ticket_id, e.msg);
        } else {
            next = now + backoff(items[i].attempts);
            ah_log(AH_LOG_INFO, "mail.retry", "mail=%" PRId64 " attempts=%" PRId64 " error=\"%s\"",
                   items[i].id, items[i].attempts, e.msg);
        }
        rc = ah_store_begin(cx->store, err);
        if (!rc)
            rc = ah_store_end(cx->store,
                              ah_store_mail_out_settle(cx->store, items[i].id, sent_at, failed_at,
                                                       next, sr ? e.msg : NULL, err),
                              err);
        *sent += !sr;
        *failed += sr != AH_OK;
        /* a server that is away now is away for the rest of the round */
        if (sr && !permanent)
            break;
    }
    return rc;
}

enum ah_err ah_mail_queue_digest(struct ah_ctx *cx, const char *to_email, const char *to_name,
                                 const char *subject, const char *text, const char *html,
                                 struct ah_error *err)
{
    const struct ah_mail_settings *ms = settings(cx);
    struct ah_mail_addr to = {.name = to_name ? to_name : "", .email = to_email};
    struct ah_mail_draft d = {0};
    struct ah_mail_out o = {0};
    char tok[48], *id, *data;
    size_t n, len;
    enum ah_err rc;

    if (!ms->address)
        return AH_OK;
    ah_crypto_token("", tok, sizeof(tok));
    n = strlen(tok) + strlen(domain_of(ms->address)) + 32;
    id = ah_arena_alloc(cx->arena, n);
    snprintf(id, n, "allhands.digest.%s@%s", tok, domain_of(ms->address));
    d.from = (struct ah_mail_addr){.name = ms->name, .email = ms->address};
    d.to = &to;
    d.nto = 1;
    d.subject = subject;
    d.message_id = id;
    d.date = cx->now;
    d.text = text;
    d.html = html;
    rc = ah_mail_compose(&d, cx->arena, &data, &len, err);
    if (rc)
        return rc;
    o.kind = AH_MAIL_DIGEST;
    o.msgid = id;
    o.mail_from = ms->address;
    o.rcpt = to_email;
    o.data = data;
    o.created_at = o.next_at = cx->now;
    return ah_store_mail_out_insert(cx->store, &o, err);
}

/* ---- showing ---- */

enum ah_err ah_mail_thread_get(struct ah_ctx *cx, int64_t id, struct ah_mail_thread *out,
                               struct ah_error *err)
{
    enum ah_err rc;

    memset(out, 0, sizeof(*out));
    rc = ah_store_mail_in_list(cx->store, id, cx->arena, &out->in, &out->nin, err);
    if (!rc)
        rc = ah_store_attachment_list(cx->store, id, cx->arena, &out->files, &out->nfiles, err);
    if (!rc)
        rc = ah_store_mail_out_list(cx->store, id, cx->arena, &out->out, &out->nout, err);
    if (!rc)
        rc = ah_store_participant_list(cx->store, id, cx->arena, &out->people, &out->npeople,
                                       err);
    return rc;
}

enum ah_err ah_mail_attachment(struct ah_ctx *cx, int64_t id, struct ah_attachment *out,
                               const char **path, struct ah_error *err)
{
    struct ah_ticket t;
    enum ah_err rc = ah_store_attachment_get(cx->store, id, cx->arena, out, err);

    /* a file is as visible as its ticket */
    if (!rc)
        rc = ah_ticket_peek(cx, out->ticket_id, &t, err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "attachment %" PRId64 " does not exist", id);
    if (!rc)
        *path = attach_path(cx, settings(cx)->attach_dir, out->sha256);
    return rc;
}
