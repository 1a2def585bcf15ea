/* mailx_probe.c - src/core/mailx.c from the command line, for
 * tests/api/test_mailservers.py against real SMTP and IMAP servers:
 *
 *   mailx_probe [-p] [-n N] smtp URL USER PASS CAFILE FROM RCPT[,RCPT...] < message
 *   mailx_probe [-p] [-m MAX] imap URL USER PASS CAFILE list | fetch UID | seen UID | dump
 *
 * -p: no STARTTLS (conf.tls false); -n N: send the message N times over the
 * one connection; -m MAX: fetch at most MAX bytes. USER "-": no login; CAFILE "-": the system's certificates.
 * smtp prints "sent N in X ms", list the unseen UIDs one a line, fetch the
 * message's bytes, dump every unseen message over the one connection, each as
 * "UID LENGTH\n" and its bytes; a failure prints "error: ..." and, for smtp, "permanent" or
 * "temporary" on stderr, and exits 1. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/httpc.h"
#include "core/mailx.h"
#include "core/str.h"

#define MAX_MESSAGE (64 * 1024 * 1024)
#define MAX_RCPT 50

static int usage(void)
{
    fputs("usage: mailx_probe [-p] [-n N] smtp URL USER PASS CAFILE FROM RCPT[,RCPT] < message\n"
          "       mailx_probe [-p] [-m MAX] imap URL USER PASS CAFILE list|fetch UID|seen UID|dump\n",
          stderr);
    return 2;
}

static int fail(const struct ah_error *err)
{
    fprintf(stderr, "error: %s: %s\n", ah_err_name(err->code), err->msg);
    return 1;
}

static int64_t now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int read_stdin(struct ah_buf *b)
{
    char chunk[65536];
    size_t n;

    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        if (ah_buf_append(b, chunk, n, NULL))
            return -1;
    return ferror(stdin) ? -1 : 0;
}

static int smtp(const struct ah_mailx_conf *conf, int64_t times, const char *from, char *rcpts)
{
    const char *rcpt[MAX_RCPT];
    size_t nrcpt = 0;
    struct ah_buf msg;
    struct ah_error err = {0};
    struct ah_smtp *s = NULL;
    bool permanent = false;
    int64_t t0, i;
    int rc = 1;

    for (char *p = rcpts, *comma; p && nrcpt < MAX_RCPT; p = comma ? comma + 1 : NULL) {
        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        rcpt[nrcpt++] = p;
    }
    ah_buf_init(&msg, MAX_MESSAGE);
    if (read_stdin(&msg)) {
        fputs("error: could not read the message from stdin\n", stderr);
        goto cleanup;
    }
    if (ah_smtp_open(conf, &s, &err)) {
        rc = fail(&err);
        goto cleanup;
    }
    t0 = now_us();
    for (i = 0; i < times; i++) {
        if (ah_smtp_send(s, from, rcpt, nrcpt, msg.p ? msg.p : "", msg.len, &permanent, &err)) {
            fprintf(stderr, "after %" PRId64 " sent\n", i);
            rc = fail(&err);
            fputs(permanent ? "permanent\n" : "temporary\n", stderr);
            goto cleanup;
        }
    }
    printf("sent %" PRId64 " in %.1f ms\n", times, (double)(now_us() - t0) / 1000.0);
    rc = 0;
cleanup:
    ah_smtp_close(s);
    ah_buf_release(&msg);
    return rc;
}

static int parse_uid(const char *s, uint32_t *uid)
{
    int64_t v;

    if (ah_parse_i64(ah_str_c(s), 1, UINT32_MAX, &v, NULL))
        return -1;
    *uid = (uint32_t)v;
    return 0;
}

static int imap(const struct ah_mailx_conf *conf, size_t max, int argc, char **argv)
{
    struct ah_error err = {0};
    struct ah_imap *m = NULL;
    struct ah_buf msg;
    uint32_t uid = 0, *uids = NULL;
    size_t n = 0;
    int rc = 1;

    if (argc < 1 || (strcmp(argv[0], "list") != 0 && strcmp(argv[0], "dump") != 0 &&
                     (argc < 2 || parse_uid(argv[1], &uid))))
        return usage();
    ah_buf_init(&msg, max);
    if (ah_imap_open(conf, &m, &err)) {
        rc = fail(&err);
        goto cleanup;
    }
    if (strcmp(argv[0], "list") == 0) {
        if (ah_imap_unseen(m, &uids, &n, &err))
            goto failed;
        for (size_t i = 0; i < n; i++)
            printf("%" PRIu32 "\n", uids[i]);
    } else if (strcmp(argv[0], "dump") == 0) {
        if (ah_imap_unseen(m, &uids, &n, &err))
            goto failed;
        for (size_t i = 0; i < n; i++) {
            if (ah_imap_fetch(m, uids[i], &msg, &err))
                goto failed;
            printf("%" PRIu32 " %zu\n", uids[i], msg.len);
            fwrite(msg.p ? msg.p : "", 1, msg.len, stdout);
        }
    } else if (strcmp(argv[0], "fetch") == 0) {
        if (ah_imap_fetch(m, uid, &msg, &err))
            goto failed;
        fwrite(msg.p ? msg.p : "", 1, msg.len, stdout);
    } else if (strcmp(argv[0], "seen") == 0) {
        if (ah_imap_mark_seen(m, uid, &err))
            goto failed;
    } else {
        rc = usage();
        goto cleanup;
    }
    rc = 0;
    goto cleanup;
failed:
    rc = fail(&err);
cleanup:
    free(uids);
    ah_imap_close(m);
    ah_buf_release(&msg);
    return rc;
}

int main(int argc, char **argv)
{
    struct ah_mailx_conf conf = {.tls = true, .timeout_ms = 10000};
    struct ah_error err = {0};
    int64_t times = 1, max = MAX_MESSAGE;
    int i = 1;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-p") == 0)
            conf.tls = false;
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc &&
                 !ah_parse_i64(ah_str_c(argv[i + 1]), 1, 1000000, &times, NULL))
            i++;
        else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc &&
                 !ah_parse_i64(ah_str_c(argv[i + 1]), 1, MAX_MESSAGE, &max, NULL))
            i++;
        else
            return usage();
    }
    if (argc - i < 5)
        return usage();
    conf.url = argv[i + 1];
    conf.user = strcmp(argv[i + 2], "-") == 0 ? NULL : argv[i + 2];
    conf.password = argv[i + 3];
    conf.ca_file = strcmp(argv[i + 4], "-") == 0 ? NULL : argv[i + 4];
    if (ah_httpc_init(&err))
        return fail(&err);
    if (strcmp(argv[i], "smtp") == 0 && argc - i == 7)
        return smtp(&conf, times, argv[i + 5], argv[i + 6]);
    if (strcmp(argv[i], "imap") == 0)
        return imap(&conf, (size_t)max, argc - i - 5, argv + i + 5);
    return usage();
}
