/* fuzz_mail.c - the input is a raw message. It parses, or refuses with
 * invalid or too_large; a parsed one has a From address and nothing but
 * valid UTF-8 in every string (names, addresses, subject, ids, body, quoted,
 * part names and types), its parts fit the limits and add up to parts_bytes,
 * and none is larger than the input could decode to. The body run through
 * ah_mail_strip_quoted and ah_mail_html_text over the input keep the same
 * promises, and the input split as an mbox gives back no more bytes than it
 * holds. No store is opened. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/mail.h"
#include "core/str.h"
#include "fuzz.h"

static bool cstr_ok(const char *s)
{
    return s && ah_utf8_valid(s, strlen(s));
}

static void check_addr(const struct ah_mail_addr *a)
{
    CHECK(cstr_ok(a->name));
    CHECK(cstr_ok(a->email) && a->email[0] != '\0');
}

static void check_mail(const struct ah_mail *m, size_t size, const struct ah_mail_limits *lim)
{
    size_t sum = 0;

    CHECK(m->has_from);
    check_addr(&m->from);
    if (m->has_reply_to)
        check_addr(&m->reply_to);
    for (size_t i = 0; i < m->nto; i++)
        check_addr(&m->to[i]);
    for (size_t i = 0; i < m->ncc; i++)
        check_addr(&m->cc[i]);
    CHECK(cstr_ok(m->subject) && cstr_ok(m->body) && cstr_ok(m->quoted));
    CHECK(!m->message_id || (cstr_ok(m->message_id) && m->message_id[0]));
    CHECK(!m->in_reply_to || (cstr_ok(m->in_reply_to) && m->in_reply_to[0]));
    for (size_t i = 0; i < m->nreferences; i++)
        CHECK(cstr_ok(m->references[i]) && m->references[i][0]);
    CHECK(m->nparts <= lim->max_parts);
    for (size_t i = 0; i < m->nparts; i++) {
        const struct ah_mail_part *p = &m->parts[i];

        CHECK(cstr_ok(p->name) && p->name[0] && strlen(p->name) <= 204);
        CHECK(!strchr(p->name, '/') && !strchr(p->name, '\\'));
        CHECK(cstr_ok(p->type) && cstr_ok(p->content_id));
        CHECK(p->size <= lim->max_part && (p->data || !p->size));
        /* decoding never makes more bytes than it reads, but a forwarded
         * message is written back with its headers folded afresh */
        CHECK(p->size <= 2 * size + 4096);
        sum += p->size;
    }
    CHECK(sum == m->parts_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ah_mail_limits lim;
    struct ah_arena a;
    struct ah_error err;
    struct ah_mail m;
    const char *body, *quoted, *text;
    struct ah_str msg;
    size_t pos = 0, total = 0;
    enum ah_err rc;

    ah_mail_init();
    ah_mail_limits_default(&lim);
    lim.max_part = 64 * 1024;
    lim.max_parts = 20;
    ah_arena_init(&a);
    rc = ah_mail_parse((const char *)data, size, &lim, &a, &m, &err);
    if (rc) {
        CHECK((rc == AH_E_INVALID || rc == AH_E_TOO_LARGE) && err.code == rc);
    } else {
        check_mail(&m, size, &lim);
        ah_mail_strip_quoted(m.body, &a, &body, &quoted);
        CHECK(cstr_ok(body) && cstr_ok(quoted));
        CHECK(strlen(body) + strlen(quoted) <= strlen(m.body));
    }
    CHECK(ah_mail_html_text((const char *)data, size, &a, &text, &err) == AH_OK);
    CHECK(cstr_ok(text));
    while (ah_mbox_next((const char *)data, size, &pos, &a, &msg)) {
        CHECK(msg.p && msg.p[msg.len] == '\0' && msg.len > 0);
        total += msg.len;
        CHECK(total <= size && pos <= size);
    }
    CHECK(pos == size);
    ah_arena_release(&a);
    return 0;
}
