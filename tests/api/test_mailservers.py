"""The mail test servers of mailservers.py, and src/core/mailx.c talking to
them through the mailx_probe program: SMTP with STARTTLS and AUTH to aiosmtpd,
IMAP over STARTTLS and imaps to dovecot. What a user checks: the message
arrives whole, a refusal says whether to try again, a fetch leaves the message
unseen.

The probe is env MAILX_PROBE, default mailx_probe beside ALLHANDS_BIN.
Run: MAILX_PROBE=/tmp/b/mailx_probe /usr/bin/python3 -m pytest tests/api/test_mailservers.py
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import ahtest
from ahtest import SANITIZER_MARKERS
from mailservers import DOVECOT, ImapServer, SmtpServer

REPO = Path(__file__).resolve().parents[2]
# beside the allhands binary under test (build/, build-asan/), unless named
PROBE = Path(os.environ.get("MAILX_PROBE") or
             ahtest.BIN.parent / "mailx_probe").resolve()
PROBE_TIMEOUT = 60.0  # seconds for one probe run (200 messages take well under 1)

try:
    import aiosmtpd  # noqa: F401  (Debian's python3-aiosmtpd; the server runs it)
    HAVE_AIOSMTPD = True
except ImportError:
    HAVE_AIOSMTPD = os.path.exists("/usr/lib/python3/dist-packages/aiosmtpd")

needs_smtpd = pytest.mark.skipif(not HAVE_AIOSMTPD, reason="python3-aiosmtpd is not installed")
needs_dovecot = pytest.mark.skipif(not os.path.exists(DOVECOT), reason="dovecot-imapd is not installed")
pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")

MESSAGE = (b"From: Ada Agent <ada@desk.example.com>\r\n"
           b"To: Carl Customer <carl@example.org>\r\n"
           b"Subject: =?UTF-8?Q?Your_ticket_=E2=80=94_42?=\r\n"
           b"Message-ID: <t42.1@desk.example.com>\r\n"
           b"Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
           b"MIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n"
           b"\r\n"
           b"Hello Carl,\r\n"
           b".\r\n"
           b"..a line that starts with dots\r\n"
           b"-- \r\nAda\r\n")


def probe(*args, stdin=b""):
    if not PROBE.exists():
        pytest.fail("no mailx_probe at %s: build it (ninja) or set MAILX_PROBE" % PROBE)
    r = subprocess.run([str(PROBE), *map(str, args)], input=stdin, capture_output=True,
                       timeout=PROBE_TIMEOUT)
    # an ASan/UBSan build of the probe: a report fails the test, whatever it expected
    err = r.stderr.decode(errors="replace")
    assert not any(m in err for m in SANITIZER_MARKERS), err
    return r


def send(smtp, rcpt="carl@example.org", password=None, n=1, plain=False, message=MESSAGE):
    opts = (["-n", n] if n != 1 else []) + (["-p"] if plain else [])
    return probe(*opts, "smtp", smtp.url, smtp.user, password or smtp.password, smtp.cafile,
                 "ada@desk.example.com", rcpt, stdin=message)


def imap(server, *cmd, url=None, password=None, max=None):
    return probe(*(["-m", max] if max else []), "imap", url or server.url, server.user, password or server.password,
                 server.cafile, *cmd)


def failure(r):
    """(stderr text, "permanent"/"temporary"/None) of a failed probe run."""
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    text = r.stderr.decode(errors="replace")
    last = text.strip().splitlines()[-1]
    return text, last if last in ("permanent", "temporary") else None


# ---- SMTP ----

@needs_smtpd
def test_smtp_starttls_and_auth_deliver_the_message_whole():
    with SmtpServer() as smtp:
        r = send(smtp, rcpt="carl@example.org,dana@example.org")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(b"sent 1 in ")
        [(env, msg, raw)] = smtp.wait_for(1)
    assert env["mail_from"] == "ada@desk.example.com"
    assert env["rcpt_tos"] == ["carl@example.org", "dana@example.org"]
    assert raw == MESSAGE  # dot-stuffing undone, CRLF kept, nothing added
    assert msg["Subject"] == "Your ticket \u2014 42"
    assert msg["Message-ID"] == "<t42.1@desk.example.com>"
    assert msg["To"] == "Carl Customer <carl@example.org>"
    assert msg.get_content().startswith("Hello Carl,\r\n.\r\n..a line")


@needs_smtpd
def test_smtp_wrong_password_fails_for_now_not_for_good():
    with SmtpServer() as smtp:
        text, kind = failure(send(smtp, password="not-the-password"))
        assert smtp.messages() == []
    assert kind == "temporary"  # a setting to fix; the mail goes out after
    assert "535" in text and "not-the-password" not in text


@needs_smtpd
def test_smtp_refused_recipient_fails_for_good():
    with SmtpServer(fail_rcpt={"gone@example.org"}) as smtp:
        text, kind = failure(send(smtp, rcpt="gone@example.org"))
        assert smtp.messages() == []
    assert kind == "permanent"
    assert "550 5.1.1 <gone@example.org>: no such mailbox here" in text


@needs_smtpd
def test_smtp_451_fails_for_now_and_the_retry_goes_through():
    with SmtpServer(tempfail_first=1) as smtp:
        text, kind = failure(send(smtp))
        assert kind == "temporary"
        assert "451 4.3.0 try again later" in text
        assert smtp.messages() == []
        r = send(smtp)
        assert r.returncode == 0, r.stderr
        assert [raw for _, _, raw in smtp.wait_for(1)] == [MESSAGE]


@needs_smtpd
def test_smtp_200_messages_share_one_connection():
    with SmtpServer() as smtp:
        r = send(smtp, n=200)
        assert r.returncode == 0, r.stderr
        got = smtp.wait_for(200)
    assert len(got) == 200
    assert {tuple(env["peer"]) for env, _, _ in got} == {tuple(got[0][0]["peer"])}
    assert all(raw == MESSAGE for _, _, raw in got)


@needs_smtpd
def test_smtp_without_starttls_is_refused_by_a_server_that_requires_it():
    with SmtpServer() as smtp:
        text, kind = failure(send(smtp, plain=True))
        assert smtp.messages() == []
    assert "530" in text and "STARTTLS" in text
    assert kind == "temporary"


@needs_smtpd
def test_smtp_address_with_a_line_break_is_refused_before_sending():
    with SmtpServer() as smtp:
        text, kind = failure(send(smtp, rcpt="carl@example.org\r\nRCPT TO:<x@example.org>"))
        assert smtp.messages() == []
    assert kind == "permanent" and "invalid" in text


# ---- IMAP ----

def message(i):
    return (b"From: carl@example.org\r\nTo: help@desk.example.com\r\n"
            b"Subject: question %d\r\nMessage-ID: <q%d@example.org>\r\n\r\n"
            b"* %d FETCH (not a real response)\r\nline two\r\n" % (i, i, i))


@needs_dovecot
def test_imap_lists_fetches_without_marking_and_marks_seen():
    with ImapServer() as box:
        for i in (1, 2, 3):
            box.deliver(message(i))
        r = imap(box, "list")
        assert r.returncode == 0, (r.stderr, box.log())
        uids = r.stdout.decode().split()
        assert uids == ["1", "2", "3"]

        r = imap(box, "fetch", 2)
        assert r.returncode == 0, (r.stderr, box.log())
        assert r.stdout == message(2)
        assert box.unseen_count() == 3 and box.seen_count() == 0  # BODY.PEEK[]

        r = imap(box, "seen", 2)
        assert r.returncode == 0, r.stderr
        assert box.unseen_count() == 2 and box.seen_count() == 1
        assert imap(box, "list").stdout.decode().split() == ["1", "3"]


@needs_dovecot
def test_imap_fetch_of_a_missing_uid_is_not_found():
    with ImapServer() as box:
        box.deliver(message(1))
        text, _ = failure(imap(box, "fetch", 7))
    assert "not_found" in text


@needs_dovecot
def test_imap_fetch_keeps_a_big_message_with_a_long_line_whole():
    # over libcurl's 300 KB of reply lines a transfer: it comes in pieces
    long = (b"Subject: one line of base64\r\n\r\n" + b"QUJD" * 100000 + b"\r\n" +
            b"".join(b"line %07d of the attachment\r\n" % i for i in range(40000)))
    with ImapServer() as box:
        box.deliver(long)
        r = imap(box, "fetch", 1)
    assert r.returncode == 0, r.stderr
    assert r.stdout == long


@needs_dovecot
def test_imap_message_over_the_cap_is_refused_unread():
    big = b"Subject: big\r\n\r\n" + b"line of a big message\r\n" * 40000  # ~ 900 KB
    with ImapServer() as box:
        box.deliver(big)
        text, _ = failure(imap(box, "fetch", 1, max=500000))
        ok = imap(box, "fetch", 1, max=len(big))
        assert box.unseen_count() == 1
    assert "too_large" in text and "over 500000 bytes" in text
    assert ok.returncode == 0 and ok.stdout == big  # exactly at the cap


@needs_dovecot
def test_imaps_works_too():
    with ImapServer() as box:
        box.deliver(message(1))
        r = imap(box, "list", url=box.imaps_url)
        assert r.returncode == 0, (r.stderr, box.log())
        assert r.stdout.split() == [b"1"]
        r = imap(box, "fetch", 1, url=box.imaps_url)
        assert r.stdout == message(1)
        assert box.unseen_count() == 1


@needs_dovecot
def test_imap_bad_password_fails_cleanly():
    with ImapServer() as box:
        box.deliver(message(1))
        text, _ = failure(imap(box, "list", password="not-the-password"))
        assert box.unseen_count() == 1
    assert "AUTHENTICATIONFAILED" in text and "not-the-password" not in text


@needs_dovecot
def test_imap_fetch_of_exactly_one_piece():
    head = b"Subject: exactly 192 KiB\r\n\r\n"
    body = head + b"x" * (192 * 1024 - len(head) - 2) + b"\r\n"
    with ImapServer() as box:
        box.deliver(body)
        r = imap(box, "fetch", 1)
    assert r.returncode == 0, r.stderr
    assert r.stdout == body


@needs_dovecot
def test_imap_body_lines_that_look_like_the_tagged_reply_come_through_whole():
    # libcurl ends a reply at a line starting with its own tag (A001 ...), as
    # in a pasted IMAP log; mailx fetches on from there over a new connection
    spoof = (b"Subject: an IMAP log\r\n\r\n" +
             b"".join(b"A%03d OK done\r\nA%03d NO nope\r\n* SEARCH 99\r\n" % (i, i)
                      for i in range(1, 30)) + b"A005 OK")
    with ImapServer() as box:
        box.deliver(spoof)
        box.deliver(message(2))
        r = imap(box, "fetch", 1)
        assert r.returncode == 0, r.stderr
        assert r.stdout == spoof
        assert box.unseen_count() == 2
        assert imap(box, "fetch", 2).stdout == message(2)
        box.deliver(message(3))
        # all three over one connection: the one after the cut is not confused
        r = imap(box, "dump")
        assert r.returncode == 0, r.stderr
        assert r.stdout == b"".join(b"%d %d\n%s" % (i, len(m), m)
                                    for i, m in ((1, spoof), (2, message(2)), (3, message(3))))
        assert box.unseen_count() == 3
