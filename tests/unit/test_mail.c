/* test_mail.c - src/core/mail.c: the messages of tests/mail/corpus/ as a
 * help desk reads them (decoded subjects and names in five charsets, the body
 * chosen among parts, attachments with their names, sizes and types, quoted
 * history and signatures set apart, the signs of automatic mail, broken MIME
 * read as far as it goes), the refusals (too large, no From, no header), a
 * reply composed and read back, HTML made text, quote stripping alone, and
 * mbox files split. No database. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/mail.h"
#include "core/str.h"
#include "fixture.h"

#ifndef AH_SOURCE_ROOT
#define AH_SOURCE_ROOT "."
#endif
#define CORPUS AH_SOURCE_ROOT "/tests/mail/corpus/"

/* ---- helpers ---- */

struct mfx {
    struct ah_arena a;
    struct ah_mail_limits lim;
    char *raw;
    size_t len;
};

static int setup(void **state)
{
    struct mfx *f = calloc(1, sizeof(*f));

    ah_mail_init();
    ah_arena_init(&f->a);
    ah_mail_limits_default(&f->lim);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct mfx *f = *state;

    ah_arena_release(&f->a);
    free(f->raw);
    free(f);
    return 0;
}

/* The corpus file name, read whole into f->raw (NUL-terminated). */
static void load(struct mfx *f, const char *name)
{
    char path[512];
    FILE *fp;
    long n;

    snprintf(path, sizeof(path), "%s%s", CORPUS, name);
    fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    free(f->raw);
    f->raw = malloc((size_t)n + 1);
    assert_int_equal(fread(f->raw, 1, (size_t)n, fp), (size_t)n);
    f->raw[n] = '\0';
    fclose(fp);
    f->len = (size_t)n;
}

/* Parses corpus file name; fails the test if refused or if any string of
 * the result is not valid UTF-8. */
static struct ah_mail parse_file(struct mfx *f, const char *name)
{
    struct ah_error err = {0};
    struct ah_mail m;

    load(f, name);
    assert_ok(ah_mail_parse(f->raw, f->len, &f->lim, &f->a, &m, &err));
    assert_true(ah_utf8_valid(m.subject, strlen(m.subject)));
    assert_true(ah_utf8_valid(m.body, strlen(m.body)));
    assert_true(ah_utf8_valid(m.quoted, strlen(m.quoted)));
    assert_true(ah_utf8_valid(m.from.name, strlen(m.from.name)));
    for (size_t i = 0; i < m.nparts; i++)
        assert_true(ah_utf8_valid(m.parts[i].name, strlen(m.parts[i].name)));
    return m;
}

static struct ah_mail parse_text(struct mfx *f, const char *raw)
{
    struct ah_error err = {0};
    struct ah_mail m;

    assert_ok(ah_mail_parse(raw, strlen(raw), &f->lim, &f->a, &m, &err));
    return m;
}

#define assert_contains(hay, needle)                                                     \
    do {                                                                                 \
        if (!strstr((hay), (needle)))                                                    \
            fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));                 \
    } while (0)
#define assert_lacks(hay, needle)                                                        \
    do {                                                                                 \
        if (strstr((hay), (needle)))                                                     \
            fail_msg("\"%s\" contains \"%s\"", (hay), (needle));                         \
    } while (0)

static const struct ah_mail_part *part_named(const struct ah_mail *m, const char *name)
{
    for (size_t i = 0; i < m->nparts; i++)
        if (strcmp(m->parts[i].name, name) == 0)
            return &m->parts[i];
    fail_msg("no part named %s", name);
    return NULL;
}

/* ---- encoded words and charsets ---- */

static void test_mail_utf8_b_words(void **state)
{
    struct ah_mail m = parse_file(*state, "encoded_utf8_b.eml");

    assert_string_equal(m.subject, "R\xC3\xBC" "ckerstattung f\xC3\xBCr Bestellung #4711 \xE2\x9C\x93");
    assert_string_equal(m.from.name, "Jos\xC3\xA9 M\xC3\xBCller");
    /* only the domain is lower-cased: the local part may be case-sensitive */
    assert_string_equal(m.from.email, "Jose.Mueller@example.com");
    assert_int_equal(m.date, 1767600900000LL);
    assert_string_equal(m.message_id, "CAF3x7k1@mail.example.com");
    assert_int_equal(m.nto, 1);
    assert_string_equal(m.to[0].name, "Support");
    assert_string_equal(m.to[0].email, "support@help.example.org");
    assert_contains(m.body, "R\xC3\xBC" "ckerstattung f\xC3\xBCr Bestellung #4711.\nK\xC3\xB6nnten");
    assert_string_equal(m.quoted, "");
    assert_false(m.auto_submitted || m.from_daemon || m.is_bounce || m.body_from_html);
    assert_int_equal(m.nparts, 0);
}

static void test_mail_latin1_q_words_joined(void **state)
{
    struct ah_mail m = parse_file(*state, "encoded_latin1_q.eml");

    assert_string_equal(m.subject, "Probl\xC3\xA8me de connexion \xC3\xA0 mon compte");
    assert_string_equal(m.from.name, "Fran\xC3\xA7oise Lef\xC3\xA8vre");
}

static void test_mail_iso2022jp(void **state)
{
    struct ah_mail m = parse_file(*state, "encoded_iso2022jp.eml");

    assert_string_equal(m.subject, "\xE8\xAB\x8B\xE6\xB1\x82\xE6\x9B\xB8\xE3\x81\xAB\xE3\x81\xA4"
                                   "\xE3\x81\x84\xE3\x81\xA6"); /* 請求書について */
    assert_string_equal(m.from.name, "\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E");
    assert_contains(m.body, "\xE8\xAB\x8B\xE6\xB1\x82\xE6\x9B\xB8"); /* 請求書 */
}

static void test_mail_koi8r(void **state)
{
    struct ah_mail m = parse_file(*state, "encoded_koi8r.eml");

    assert_string_equal(m.subject, "\xD0\x92\xD0\xBE\xD0\xBF\xD1\x80\xD0\xBE\xD1\x81 \xD0\xBF\xD0"
                                   "\xBE \xD1\x81\xD1\x87\xD1\x91\xD1\x82\xD1\x83"); /* Вопрос по счёту */
    assert_string_equal(m.from.name, "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD \xD0\x9F\xD0\xB5\xD1\x82"
                                     "\xD1\x80\xD0\xBE\xD0\xB2"); /* Иван Петров */
    assert_contains(m.body, "\xD1\x81\xD1\x87\xD1\x91\xD1\x82"); /* счёт */
}

static void test_mail_windows_1252(void **state)
{
    struct ah_mail m = parse_file(*state, "encoded_cp1252.eml");

    assert_string_equal(m.subject, "\xE2\x80\x9CSmart quotes\xE2\x80\x9D \xE2\x80\x93 charged "
                                   "\xE2\x82\xAC" "20 twice");
    assert_string_equal(m.from.name, "Zo\xC3\xAB O\xE2\x80\x99" "Brien");
    assert_contains(m.body, "\xE2\x82\xAC" "20 twice \xE2\x80\x93 please");
}

static void test_mail_latin1_8bit_body(void **state)
{
    struct ah_mail m = parse_file(*state, "latin1_8bit.eml");

    assert_string_equal(m.from.name, "J\xC3\xBCrgen");
    assert_string_equal(m.body, "Sch\xC3\xB6ne Gr\xC3\xBC\xC3\x9F" "e aus K\xC3\xB6ln, die "
                                "Gr\xC3\xB6\xC3\x9F" "e passt nicht.");
}

static void test_mail_unknown_charset_read_as_1252(void **state)
{
    struct ah_mail m = parse_file(*state, "unknown_charset.eml");

    assert_string_equal(m.body, "D\xC3\xA9j\xC3\xA0 vu: the caf\xC3\xA9\xE2\x80\x99s menu.");
}

static void test_mail_utf8_declared_but_latin1(void **state)
{
    struct ah_mail m = parse_text(*state, "From: a@example.com\nSubject: x\n"
                                          "Content-Type: text/plain; charset=utf-8\n\n"
                                          "caf\xE9 cr\xE8me\r\nline two\r\n");

    assert_string_equal(m.body, "caf\xC3\xA9 cr\xC3\xA8me\nline two");
}

static void test_mail_nul_bytes_dropped(void **state)
{
    struct mfx *f = *state;
    static const char raw[] = "From: a@example.com\n\nab\0cd\n";
    struct ah_error err = {0};
    struct ah_mail m;

    assert_ok(ah_mail_parse(raw, sizeof(raw) - 1, &f->lim, &f->a, &m, &err));
    assert_string_equal(m.body, "abcd");
}

/* ---- body and parts ---- */

static void test_mail_html_only(void **state)
{
    struct ah_mail m = parse_file(*state, "html_only.eml");

    assert_true(m.body_from_html);
    assert_contains(m.body, "Hello team,");
    assert_contains(m.body, "the invoices page (https://billing.example.com/invoices)");
    assert_contains(m.body, "gives an error & nothing happens.");
    assert_contains(m.body, "- Browser: Firefox\n- Account: 8812");
    assert_contains(m.body, "Caf\xC3\xA9 <3 \xE2\x82\xAC" "5");
    assert_lacks(m.body, "script-must-vanish");
    assert_lacks(m.body, "hidden-style-rule");
    assert_lacks(m.body, "Ignore this title");
    assert_lacks(m.body, "<p>");
}

static void test_mail_alternative_prefers_plain(void **state)
{
    struct ah_mail m = parse_file(*state, "alternative.eml");

    assert_string_equal(m.body, "The reset link expired before I could use it (plain part).");
    assert_false(m.body_from_html);
    assert_int_equal(m.nparts, 0);
}

static void test_mail_attachments(void **state)
{
    struct ah_mail m = parse_file(*state, "mixed_attachments.eml");
    const struct ah_mail_part *pdf, *txt, *img;

    assert_string_equal(m.body,
                        "Export fails every time, see the screenshot and the attached files.");
    assert_int_equal(m.nparts, 3);
    pdf = part_named(&m, "invoice-2026-01.pdf");
    assert_string_equal(pdf->type, "application/pdf");
    assert_int_equal(pdf->size, 314);
    assert_memory_equal(pdf->data, "%PDF-1.4\n", 9);
    assert_false(pdf->is_inline);
    /* "../../etc/notes.txt": the directories go */
    txt = part_named(&m, "notes.txt");
    assert_string_equal(txt->type, "text/plain");
    assert_int_equal(txt->size, 52);
    assert_memory_equal(txt->data, "Steps to reproduce:\n", 20);
    img = &m.parts[0];
    assert_string_equal(img->type, "image/png");
    assert_string_equal(img->content_id, "shot1@example.com");
    assert_true(img->is_inline);
    assert_int_equal(img->size, 69);
    assert_memory_equal(img->data, "\x89PNG", 4);
    assert_int_equal(m.parts_bytes, 314 + 52 + 69);
    assert_int_equal(m.ncc, 2);
    assert_string_equal(m.cc[0].name, "Mulder, Fox");
    assert_string_equal(m.cc[0].email, "fox@example.com");
    assert_string_equal(m.cc[1].name, "");
    assert_string_equal(m.cc[1].email, "walter@example.com");
}

static void test_mail_forwarded(void **state)
{
    struct ah_mail m = parse_file(*state, "forwarded.eml");
    const struct ah_mail_part *p = part_named(&m, "Server down.eml");

    assert_string_equal(m.body, "Can someone look at this customer's problem?\n\n"
                                "---------- Forwarded message ----------\n"
                                "From: Alice Customer <alice@customer.example>\n"
                                "Subject: Server down\n\n"
                                "Our server has been down since 7 o'clock.");
    assert_string_equal(p->type, "message/rfc822");
    assert_true(p->size > 100);
    assert_non_null(strstr((const char *)p->data, "Message-ID: <inner-1@customer.example>"));
    assert_non_null(strstr((const char *)p->data, "down since 7"));
}

static void test_mail_bounce(void **state)
{
    struct ah_mail m = parse_file(*state, "bounce.eml");

    assert_true(m.is_bounce);
    assert_true(m.from_daemon);
    assert_true(m.auto_submitted);
    assert_contains(m.body, "could not\nbe delivered");
    assert_contains(m.body, "550 5.1.1 User unknown");
    assert_lacks(m.body, "Reporting-MTA");
    assert_int_equal(m.nparts, 2);
    assert_string_equal(m.parts[0].type, "message/delivery-status");
    assert_string_equal(m.parts[1].type, "text/rfc822-headers");
    assert_non_null(strstr((const char *)m.parts[1].data, "<reply-9@help.example.org>"));
}

static void test_mail_loop_signs(void **state)
{
    struct mfx *f = *state;
    struct ah_mail m = parse_file(f, "auto_reply.eml");

    assert_true(m.auto_submitted);
    assert_false(m.from_daemon);
    assert_string_equal(m.in_reply_to, "ticket-12-msg-3@help.example.org");
    m = parse_file(f, "list_bulk.eml");
    assert_true(m.auto_submitted);
    m = parse_text(f, "From: a@example.com\nAuto-Submitted: No\n\nhi\n");
    assert_false(m.auto_submitted);
    m = parse_text(f, "From: a@example.com\nX-Autoreply: yes\n\nhi\n");
    assert_true(m.auto_submitted);
    m = parse_text(f, "From: a@example.com\nPrecedence: junk\n\nhi\n");
    assert_true(m.auto_submitted);
    m = parse_text(f, "From: a@example.com\nPrecedence: first-class\n\nhi\n");
    assert_false(m.auto_submitted);
    m = parse_text(f, "From: a@example.com\nReturn-Path: <Postmaster@example.com>\n\nhi\n");
    assert_true(m.from_daemon);
    m = parse_text(f, "From: postmaster-team@example.com\n\nhi\n");
    assert_false(m.from_daemon);
}

static void test_mail_no_message_id(void **state)
{
    struct ah_mail m = parse_file(*state, "no_message_id.eml");

    assert_null(m.message_id);
    assert_null(m.in_reply_to);
    assert_int_equal(m.nreferences, 0);
    assert_string_equal(m.from.name, "");
    assert_string_equal(m.from.email, "old.client@example.com");
    assert_false(m.has_reply_to);
}

static void test_mail_bad_date_is_zero(void **state)
{
    struct ah_mail m = parse_file(*state, "bad_date.eml");

    assert_int_equal(m.date, 0);
    assert_string_equal(m.body, "The date on this one is nonsense.");
}

static void test_mail_missing_boundary_recovered(void **state)
{
    struct ah_mail m = parse_file(*state, "broken_no_boundary.eml");
    const struct ah_mail_part *p;

    assert_string_equal(m.body, "The text of a message whose boundary went missing.");
    p = part_named(&m, "data.bin");
    assert_int_equal(p->size, 10);
    assert_memory_equal(p->data, "\0\1\2\3\4\5\6\7\x08\x09", 10);
}

static void test_mail_truncated_base64_kept(void **state)
{
    struct ah_mail m = parse_file(*state, "broken_truncated_base64.eml");
    const struct ah_mail_part *p = part_named(&m, "logs.zip");

    assert_string_equal(m.body, "The attachment below was cut off in transit.");
    /* what came through: 1000 base64 characters, less the line breaks */
    assert_true(p->size > 700 && p->size <= 750);
    for (size_t i = 0; i < p->size; i++)
        assert_int_equal(p->data[i], (unsigned char)((i * 7) % 256));
}

static void test_mail_reply_history_stripped(void **state)
{
    struct ah_mail m = parse_file(*state, "reply_gmail.eml");

    assert_string_equal(m.body, "Thanks, clearing the cookies fixed it.");
    assert_contains(m.quoted, "Sam Lee\nProduct Manager");
    assert_contains(m.quoted, "support@help.example.org> wrote:");
    assert_contains(m.quoted, "> Please try clearing your cookies.");
    assert_string_equal(m.in_reply_to, "ticket-123-msg-2@help.example.org");
    assert_int_equal(m.nreferences, 2);
    assert_string_equal(m.references[0], "ticket-123-msg-1@help.example.org");
    assert_string_equal(m.references[1], "ticket-123-msg-2@help.example.org");
}

static void test_mail_outlook_reply(void **state)
{
    struct ah_mail m = parse_file(*state, "reply_outlook.eml");

    assert_string_equal(m.body, "Hi,\n\nThe VPN works again after the update.\n\nRegards,\nMaria");
    assert_lacks(m.body, "\r");
    assert_contains(m.quoted, "Sent: Tuesday, January 20, 2026 5:00 PM");
    assert_contains(m.quoted, "Please install the update");
    assert_string_equal(m.from.name, "Garcia, Maria");
    assert_string_equal(m.from.email, "Maria.Garcia@corp.example.com");
}

/* ---- refusals and limits ---- */

static void test_mail_refuses_50mb(void **state)
{
    struct mfx *f = *state;
    size_t n = 50u * 1024 * 1024;
    char *raw = malloc(n);
    struct ah_error err = {0};
    struct ah_mail m;
    static const char head[] = "From: big@example.com\nSubject: big\n\n";

    memcpy(raw, head, sizeof(head) - 1);
    memset(raw + sizeof(head) - 1, 'x', n - (sizeof(head) - 1));
    assert_code(AH_E_TOO_LARGE, ah_mail_parse(raw, n, &f->lim, &f->a, &m, &err));
    assert_string_equal(err.msg, "the message is 52428800 bytes; the limit is 26214400");
    free(raw);
}

/* a message of exactly max_message bytes is taken, one more is not */
static void test_mail_message_limit_edge(void **state)
{
    struct mfx *f = *state;
    static const char raw[] = "From: a@example.com\n\nhello\n";
    struct ah_error err = {0};
    struct ah_mail m;

    f->lim.max_message = sizeof(raw) - 1;
    assert_ok(ah_mail_parse(raw, sizeof(raw) - 1, &f->lim, &f->a, &m, &err));
    f->lim.max_message = sizeof(raw) - 2;
    assert_code(AH_E_TOO_LARGE, ah_mail_parse(raw, sizeof(raw) - 1, &f->lim, &f->a, &m, &err));
}

static void test_mail_part_limits(void **state)
{
    struct mfx *f = *state;
    struct ah_error err = {0};
    struct ah_mail m;

    load(f, "mixed_attachments.eml");
    f->lim.max_part = 314;
    assert_ok(ah_mail_parse(f->raw, f->len, &f->lim, &f->a, &m, &err));
    f->lim.max_part = 313;
    assert_code(AH_E_TOO_LARGE, ah_mail_parse(f->raw, f->len, &f->lim, &f->a, &m, &err));
    assert_string_equal(err.msg, "attachment \"invoice-2026-01.pdf\" is 314 bytes; the limit is 313");
    f->lim.max_part = 1000;
    f->lim.max_parts = 3;
    assert_ok(ah_mail_parse(f->raw, f->len, &f->lim, &f->a, &m, &err));
    f->lim.max_parts = 2;
    assert_code(AH_E_TOO_LARGE, ah_mail_parse(f->raw, f->len, &f->lim, &f->a, &m, &err));
    assert_string_equal(err.msg, "the message has more than 2 attachments");
}

static void test_mail_refuses_without_from(void **state)
{
    struct mfx *f = *state;
    struct ah_error err = {0};
    struct ah_mail m = {0};
    static const char *bad[] = {
        "To: a@example.com\nSubject: who sent this\n\nbody\n",
        "From: \nSubject: empty from\n\nbody\n",
        "From: Just A Name\n\nbody\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_code(AH_E_INVALID, ah_mail_parse(bad[i], strlen(bad[i]), &f->lim, &f->a, &m, &err));
        assert_string_equal(err.msg, "the message has no From address");
    }
    assert_null(m.body); /* untouched on failure */
}

static void test_mail_refuses_without_header(void **state)
{
    struct mfx *f = *state;
    struct ah_error err = {0};
    struct ah_mail m;
    static const char text[] = "hello, this is not an email at all\nreally\n";

    assert_code(AH_E_INVALID, ah_mail_parse(text, strlen(text), &f->lim, &f->a, &m, &err));
    assert_code(AH_E_INVALID, ah_mail_parse("", 0, &f->lim, &f->a, &m, &err));
}

static void test_mail_attachment_names_sanitized(void **state)
{
    struct ah_mail m = parse_text(
        *state, "From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n"
                "--b\nContent-Type: text/plain\n\nsee files\n"
                "--b\nContent-Type: application/octet-stream\n"
                "Content-Disposition: attachment; filename=\"C:\\\\Users\\\\me\\\\evil\x01.exe\"\n\nx\n"
                "--b\nContent-Type: Image/PNG\nContent-Disposition: attachment\n\ny\n"
                "--b\nContent-Type: application/octet-stream\n"
                "Content-Disposition: attachment; filename*=utf-8''%C3%A9t%C3%A9.txt\n\nz\n"
                "--b--\n");

    assert_int_equal(m.nparts, 3);
    assert_string_equal(m.parts[0].name, "evil.exe");
    assert_string_equal(m.parts[1].name, "attachment");
    assert_string_equal(m.parts[1].type, "image/png");
    assert_string_equal(m.parts[2].name, "\xC3\xA9t\xC3\xA9.txt");
}

static void test_mail_long_name_cut(void **state)
{
    struct mfx *f = *state;
    char raw[2000];
    char name[400];
    struct ah_mail m;

    memset(name, 'a', 300);
    memcpy(name + 300, ".pdf", 5);
    snprintf(raw, sizeof(raw),
             "From: a@example.com\nContent-Type: application/pdf\n"
             "Content-Disposition: attachment; filename=\"%s\"\n\n%%PDF\n",
             name);
    m = parse_text(f, raw);
    assert_int_equal(m.nparts, 1);
    assert_int_equal(strlen(m.parts[0].name), 200);
    assert_string_equal(m.body, "");
}

/* ---- compose ---- */

static void test_mail_compose_round_trip(void **state)
{
    struct mfx *f = *state;
    static const char *const refs[] = {"root-1@example.com", "mid-2@example.com"};
    static const struct ah_mail_addr to[] = {{"Ren\xC3\xA9" "e Fa\xC3\xA7on", "renee@example.fr"}};
    struct ah_mail_draft d = {
        .from = {"Support \xE2\x80\x93 \xC3\x9C" "bersicht", "support@help.example.org"},
        .reply_to = "reply+123@help.example.org",
        .to = to,
        .nto = 1,
        .subject = "Re: Probl\xC3\xA8me de connexion \xE2\x9C\x93 \xE8\xAB\x8B\xE6\xB1\x82",
        .message_id = "ticket-9-msg-4@help.example.org",
        .in_reply_to = "mid-2@example.com",
        .references = refs,
        .nreferences = 2,
        .date = 1767225600000LL,
        .text = "Bonjour Ren\xC3\xA9" "e,\n\nvoici la r\xC3\xA9ponse. "
                "A long line that goes on and on and on and on and on and on and on and on and "
                "on and on and on and on to force soft line breaks.\n\nFrom the team\n",
        .html = "<p>Bonjour Ren\xC3\xA9" "e,</p><p>voici la r\xC3\xA9ponse.</p>",
        .auto_replied = false,
    };
    struct ah_error err = {0};
    struct ah_mail m;
    char *out;
    size_t len;

    assert_ok(ah_mail_compose(&d, &f->a, &out, &len, &err));
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)out[i] >= 0x80 || (out[i] == '\n' && (i == 0 || out[i - 1] != '\r')))
            fail_msg("byte %zu (0x%02x) is not 7-bit CRLF text", i, (unsigned char)out[i]);
    assert_non_null(strstr(out, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(out, "multipart/alternative"));
    assert_non_null(strstr(out, "charset=utf-8"));
    assert_null(strstr(out, "Auto-Submitted"));
    assert_ok(ah_mail_parse(out, len, &f->lim, &f->a, &m, &err));
    assert_string_equal(m.subject, d.subject);
    assert_string_equal(m.from.name, d.from.name);
    assert_string_equal(m.from.email, d.from.email);
    assert_string_equal(m.reply_to.email, d.reply_to);
    assert_string_equal(m.to[0].name, to[0].name);
    assert_string_equal(m.message_id, d.message_id);
    assert_string_equal(m.in_reply_to, d.in_reply_to);
    assert_int_equal(m.nreferences, 2);
    assert_string_equal(m.references[0], refs[0]);
    assert_string_equal(m.references[1], refs[1]);
    assert_int_equal(m.date, d.date);
    assert_false(m.body_from_html);
    assert_string_equal(m.body, "Bonjour Ren\xC3\xA9" "e,\n\nvoici la r\xC3\xA9ponse. "
                                "A long line that goes on and on and on and on and on and on and "
                                "on and on and on and on and on and on to force soft line "
                                "breaks.\n\nFrom the team");
    assert_false(m.auto_submitted);
}

static void test_mail_compose_auto_reply_text_only(void **state)
{
    struct mfx *f = *state;
    static const struct ah_mail_addr to[] = {{"", "someone@example.com"}};
    struct ah_mail_draft d = {
        .from = {"Help", "help@example.org"},
        .to = to,
        .nto = 1,
        .subject = "We got your message",
        .message_id = "auto-1@example.org",
        .date = 0,
        .text = "Thanks, we will answer soon.",
        .auto_replied = true,
    };
    struct ah_error err = {0};
    struct ah_mail m;
    char *out;
    size_t len;

    assert_ok(ah_mail_compose(&d, &f->a, &out, &len, &err));
    assert_non_null(strstr(out, "Auto-Submitted: auto-replied\r\n"));
    assert_non_null(strstr(out, "X-Autoreply: yes\r\n"));
    assert_null(strstr(out, "multipart"));
    assert_null(strstr(out, "In-Reply-To"));
    assert_ok(ah_mail_parse(out, len, &f->lim, &f->a, &m, &err));
    assert_true(m.auto_submitted);
    assert_string_equal(m.body, "Thanks, we will answer soon.");
    assert_null(m.in_reply_to);
}

static void test_mail_compose_refuses_header_injection(void **state)
{
    struct mfx *f = *state;
    static const struct ah_mail_addr to[] = {{"", "x@example.com\r\nBcc: evil@example.com"}};
    struct ah_mail_draft d = {
        .from = {"Help", "help@example.org"},
        .to = to,
        .nto = 1,
        .subject = "hi\r\nBcc: evil@example.com",
        .message_id = "inj-1@example.org",
        .text = "x",
    };
    struct ah_error err = {0};
    struct ah_mail m;
    char *out;
    size_t len;

    assert_code(AH_E_INVALID, ah_mail_compose(&d, &f->a, &out, &len, &err));
    d.nto = 0;
    d.message_id = "bad id@example.org";
    assert_code(AH_E_INVALID, ah_mail_compose(&d, &f->a, &out, &len, &err));
    d.message_id = "ok@example.org";
    /* a line break in the subject cannot add a header */
    assert_ok(ah_mail_compose(&d, &f->a, &out, &len, &err));
    assert_null(strstr(out, "\r\nBcc:"));
    assert_ok(ah_mail_parse(out, len, &f->lim, &f->a, &m, &err));
    assert_string_equal(m.subject, "hi  Bcc: evil@example.com");
}

static void test_mail_markdown_safe(void **state)
{
    struct mfx *f = *state;
    const char *h = ah_mail_markdown_html("**Hi** <script>alert(1)</script>\n\n"
                                          "[x](javascript:alert(1)) [ok](https://e.example/)\n",
                                          &f->a);

    assert_contains(h, "<strong>Hi</strong>");
    assert_lacks(h, "<script>");
    assert_lacks(h, "javascript:");
    assert_contains(h, "<a href=\"https://e.example/\">ok</a>");
}

/* ---- HTML as text ---- */

static const char *html(struct mfx *f, const char *h)
{
    struct ah_error err = {0};
    const char *t;

    assert_ok(ah_mail_html_text(h, strlen(h), &f->a, &t, &err));
    assert_true(ah_utf8_valid(t, strlen(t)));
    return t;
}

static void test_mail_html_text(void **state)
{
    struct mfx *f = *state;

    assert_string_equal(html(f, "<p>a &amp; b &lt;c&gt; &eacute;&#233;&#x20AC;</p>"),
                        "a & b <c> \xC3\xA9\xC3\xA9\xE2\x82\xAC");
    assert_string_equal(html(f, "<div>x<script>var s='<p>no</p>';</script>y</div>"
                                "<style>p{}</style>"),
                        "xy");
    assert_string_equal(html(f, "<a href=\"https://e.example/x\">the page</a>"),
                        "the page (https://e.example/x)");
    assert_string_equal(html(f, "<a href=\"https://e.example/x\">https://e.example/x</a>"),
                        "https://e.example/x");
    assert_string_equal(html(f, "<a href=\"mailto:a@example.com\">a@example.com</a>"),
                        "a@example.com");
    assert_string_equal(html(f, "<a href=\"javascript:alert(1)\">click</a>"), "click");
    assert_string_equal(html(f, "one<br>two<br><br><br><br>three"), "one\ntwo\n\nthree");
    assert_string_equal(html(f, "<p>  lots   of\n\n  space  </p>\n\n\n<p>next</p>"),
                        "lots of space\n\nnext");
    assert_string_equal(html(f, "<ul><li>one</li><li>two</li></ul>after"),
                        "- one\n- two\n\nafter");
    assert_string_equal(html(f, "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
                        "a b\nc");
    assert_string_equal(html(f, "<pre>  keep\n    this</pre>"), "  keep\n    this");
    assert_string_equal(html(f, "<p>new</p><blockquote><p>old</p><p>older</p></blockquote>"),
                        "new\n\n> old\n>\n> older");
    assert_string_equal(html(f, "<h1>Title</h1><p>para</p>"), "Title\n\npara");
    /* not UTF-8: read as Windows-1252 */
    assert_string_equal(html(f, "<p>caf\xE9</p>"), "caf\xC3\xA9");
    assert_string_equal(html(f, ""), "");
    assert_string_equal(html(f, "<unclosed <b>bold<i>x"), "boldx");
}

static void test_mail_html_deep_nesting(void **state)
{
    struct mfx *f = *state;
    size_t depth = 20000;
    char *h = malloc(depth * 12 + 100);
    size_t n = 0;

    for (size_t i = 0; i < depth; i++) {
        memcpy(h + n, "<blockquote>", 12);
        n += 12;
    }
    memcpy(h + n, "deep", 5);
    /* libxml2 stops at its depth cap; it must neither crash nor grow the text */
    assert_true(strlen(html(f, h)) < 100);
    free(h);
}

/* ---- quote stripping ---- */

static void strip(struct mfx *f, const char *text, const char *body, const char *quoted)
{
    const char *b, *q;

    ah_mail_strip_quoted(text, &f->a, &b, &q);
    assert_string_equal(b, body);
    assert_string_equal(q, quoted);
}

static void test_mail_strip_quoted(void **state)
{
    struct mfx *f = *state;

    strip(f, "Yes.\n\nOn Mon, 5 Jan 2026, Bob <b@x.org> wrote:\n> Is it done?\n> \n", "Yes.",
          "On Mon, 5 Jan 2026, Bob <b@x.org> wrote:\n> Is it done?\n>");
    /* an attribution wrapped onto two lines */
    strip(f, "Fine.\n\nOn Mon, Jan 5, 2026 at 10:00 AM Bob Smith <\nbob@x.org> wrote:\n\n> q\n",
          "Fine.", "On Mon, Jan 5, 2026 at 10:00 AM Bob Smith <\nbob@x.org> wrote:\n\n> q");
    strip(f, "Thanks\n-- \nBob\nCEO\n", "Thanks", "-- \nBob\nCEO");
    strip(f, "Thanks\n--\nBob\n", "Thanks", "--\nBob");
    strip(f, "ok\n> tail one\n>tail two\n", "ok", "> tail one\n>tail two");
    /* inline answers stay: only what trails the new text is history */
    strip(f, "> question one\nanswer one\n> question two\nanswer two\n",
          "> question one\nanswer one\n> question two\nanswer two", "");
    strip(f, "Done.\n\n-----Original Message-----\nFrom: A\nSent: today\nTo: B\n\nold\n",
          "Done.", "-----Original Message-----\nFrom: A\nSent: today\nTo: B\n\nold");
    strip(f, "Done.\r\n\r\nFrom: A <a@x.org>\r\nSent: Monday\r\nTo: B\r\nSubject: s\r\n\r\nold\r\n",
          "Done.", "From: A <a@x.org>\r\nSent: Monday\r\nTo: B\r\nSubject: s\r\n\r\nold");
    strip(f, "Hi\n\n________________________________\nFrom: A\nSent: x\nSubject: y\n\nold",
          "Hi", "________________________________\nFrom: A\nSent: x\nSubject: y\n\nold");
    /* stripping everything would leave nothing: keep it all */
    strip(f, "> only a quote\n> and more\n", "> only a quote\n> and more", "");
    strip(f, "-- \nsig only\n", "-- \nsig only", "");
    /* a forward typed into the body is content, not history */
    strip(f, "see below\n\n---------- Forwarded message ---------\nFrom: A\nDate: x\nSubject: y\n"
             "To: z\n\nthe problem\n",
          "see below\n\n---------- Forwarded message ---------\nFrom: A\nDate: x\nSubject: y\n"
          "To: z\n\nthe problem",
          "");
    strip(f, "plain text   \n\n\n", "plain text", "");
    strip(f, "", "", "");
    /* "wrote:" with no quote after it is text */
    strip(f, "She wrote:\nthe report is late\n", "She wrote:\nthe report is late", "");
}

/* ---- mbox ---- */

static void test_mail_mbox_split(void **state)
{
    struct mfx *f = *state;
    static const char box[] = "From alice@example.com Mon Jan  5 10:00:00 2026\n"
                              "From: alice@example.com\nSubject: one\n\nline\n>From here\n"
                              ">>From there\n> From not escaped\n\n"
                              "From bob@example.com Mon Jan  5 11:00:00 2026\n"
                              "From: bob@example.com\nSubject: two\n\nA From in the middle of "
                              "a line is text: >From\n\n"
                              "From carol@example.com Mon Jan  5 12:00:00 2026\n"
                              "From: carol@example.com\n\nlast\n";
    size_t pos = 0;
    struct ah_str msg;

    assert_true(ah_mbox_next(box, sizeof(box) - 1, &pos, &f->a, &msg));
    assert_true(ah_str_eq_c(msg, "From: alice@example.com\nSubject: one\n\nline\nFrom here\n"
                                 ">From there\n> From not escaped\n"));
    assert_true(ah_mbox_next(box, sizeof(box) - 1, &pos, &f->a, &msg));
    assert_true(ah_str_eq_c(msg, "From: bob@example.com\nSubject: two\n\nA From in the middle "
                                 "of a line is text: >From\n"));
    assert_true(ah_mbox_next(box, sizeof(box) - 1, &pos, &f->a, &msg));
    assert_true(ah_str_eq_c(msg, "From: carol@example.com\n\nlast\n"));
    assert_false(ah_mbox_next(box, sizeof(box) - 1, &pos, &f->a, &msg));
    assert_int_equal(pos, sizeof(box) - 1);
}

static void test_mail_mbox_crlf(void **state)
{
    struct mfx *f = *state;
    static const char box[] = "From a@x Mon Jan  5 10:00:00 2026\r\n"
                              "From: a@x.org\r\n\r\none\r\n>From x\r\n\r\n"
                              "From b@x Mon Jan  5 10:00:00 2026\r\n"
                              "From: b@x.org\r\n\r\ntwo\r\n";
    size_t pos = 0;
    struct ah_str msg;
    struct ah_error err = {0};
    struct ah_mail m;

    assert_true(ah_mbox_next(box, sizeof(box) - 1, &pos, &f->a, &msg));
    assert_true(ah_str_eq_c(msg, "From: a@x.org\r\n\r\none\r\nFrom x\r\n"));
    assert_ok(ah_mail_parse(msg.p, msg.len, &f->lim, &f->a, &m, &err));
    assert_string_equal(m.body, "one\nFrom x");
    assert_true(ah_mbox_next(box, sizeof(box) - 1, &pos, &f->a, &msg));
    assert_true(ah_str_eq_c(msg, "From: b@x.org\r\n\r\ntwo\r\n"));
    assert_false(ah_mbox_next(box, sizeof(box) - 1, &pos, &f->a, &msg));
}

static void test_mail_mbox_empty_and_junk(void **state)
{
    struct mfx *f = *state;
    size_t pos = 0;
    struct ah_str msg;
    static const char two_seps[] = "From a Mon\nFrom b Tue\nFrom: b@x.org\n\nbody\n";

    assert_false(ah_mbox_next("", 0, &pos, &f->a, &msg));
    pos = 0;
    assert_false(ah_mbox_next("From only-a-separator", 21, &pos, &f->a, &msg));
    pos = 0;
    /* an empty message between two separators is skipped */
    assert_true(ah_mbox_next(two_seps, sizeof(two_seps) - 1, &pos, &f->a, &msg));
    assert_true(ah_str_eq_c(msg, "From: b@x.org\n\nbody\n"));
    assert_false(ah_mbox_next(two_seps, sizeof(two_seps) - 1, &pos, &f->a, &msg));
}

/* splitting and parsing 5,000 messages: fast enough for a big import */
static void test_mail_mbox_many(void **state)
{
    struct mfx *f = *state;
    size_t n = 5000, len = 0, pos = 0, count = 0;
    char *box = malloc(n * 200);
    struct ah_str msg;

    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(box + len, 200,
                                "From u%zu@x Mon Jan  5 10:00:00 2026\nFrom: u%zu@example.com\n"
                                "Subject: m%zu\n\nbody %zu\n>From x\n\n",
                                i, i, i, i);
    while (ah_mbox_next(box, len, &pos, &f->a, &msg)) {
        struct ah_error err = {0};
        struct ah_mail m;

        assert_ok(ah_mail_parse(msg.p, msg.len, &f->lim, &f->a, &m, &err));
        count++;
    }
    assert_int_equal(count, n);
    free(box);
}

/* ---- threads ---- */

static void *parse_many(void *arg)
{
    const char *raw = arg;
    struct ah_mail_limits lim;

    ah_mail_limits_default(&lim);
    for (int i = 0; i < 200; i++) {
        struct ah_arena a;
        struct ah_error err = {0};
        struct ah_mail m;

        ah_arena_init(&a);
        if (ah_mail_parse(raw, strlen(raw), &lim, &a, &m, &err) || m.nparts != 3)
            return (void *)1;
        ah_arena_release(&a);
    }
    return NULL;
}

static void test_mail_threads(void **state)
{
    struct mfx *f = *state;
    pthread_t t[4];

    load(f, "mixed_attachments.eml");
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, parse_many, f->raw), 0);
    for (int i = 0; i < 4; i++) {
        void *r;

        pthread_join(t[i], &r);
        assert_null(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_mail_utf8_b_words),
        T(test_mail_latin1_q_words_joined),
        T(test_mail_iso2022jp),
        T(test_mail_koi8r),
        T(test_mail_windows_1252),
        T(test_mail_latin1_8bit_body),
        T(test_mail_unknown_charset_read_as_1252),
        T(test_mail_utf8_declared_but_latin1),
        T(test_mail_nul_bytes_dropped),
        T(test_mail_html_only),
        T(test_mail_alternative_prefers_plain),
        T(test_mail_attachments),
        T(test_mail_forwarded),
        T(test_mail_bounce),
        T(test_mail_loop_signs),
        T(test_mail_no_message_id),
        T(test_mail_bad_date_is_zero),
        T(test_mail_missing_boundary_recovered),
        T(test_mail_truncated_base64_kept),
        T(test_mail_reply_history_stripped),
        T(test_mail_outlook_reply),
        T(test_mail_refuses_50mb),
        T(test_mail_message_limit_edge),
        T(test_mail_part_limits),
        T(test_mail_refuses_without_from),
        T(test_mail_refuses_without_header),
        T(test_mail_attachment_names_sanitized),
        T(test_mail_long_name_cut),
        T(test_mail_compose_round_trip),
        T(test_mail_compose_auto_reply_text_only),
        T(test_mail_compose_refuses_header_injection),
        T(test_mail_markdown_safe),
        T(test_mail_html_text),
        T(test_mail_html_deep_nesting),
        T(test_mail_strip_quoted),
        T(test_mail_mbox_split),
        T(test_mail_mbox_crlf),
        T(test_mail_mbox_empty_and_junk),
        T(test_mail_mbox_many),
        T(test_mail_threads),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
