"""test_mail.py - email in and out against real mail servers on loopback:
`allhands mail-in` as an MTA pipes to it (exit 0 / 65 / 75), threading by
Message-ID, subject token and plus address, Cc writers joining a ticket,
replies sent by SMTP (STARTTLS and AUTH, aiosmtpd) through the durable
outbox, loop and abuse protection, the acknowledgement, attachments,
IMAP polling (dovecot) and `allhands import mbox`. Runs on SQLite and on
PostgreSQL (AH_TEST_PG)."""
import email
import email.policy
import json
import os
import signal
import sqlite3
import subprocess
import time
from email.utils import make_msgid
from pathlib import Path

import pytest

import ahtest
from ahtest import (API, BIN, LEAD_EMAIL, Server, assert_error, login_lead, new_person, ok,
                    set_clock, token_client, unique)
from mailservers import ImapServer, SmtpServer

SUPPORT = "support@help.test"
CORPUS = ahtest.REPO / "tests" / "mail" / "corpus"


def mail_env(srv_dir, smtp=None, **extra):
    env = {"ALLHANDS_MAIL_ADDRESS": SUPPORT, "ALLHANDS_MAIL_NAME": "Help Team",
           "ALLHANDS_ATTACHMENTS": str(Path(srv_dir) / "files")}
    if smtp is not None:
        env.update({"ALLHANDS_SMTP_URL": smtp.url, "ALLHANDS_SMTP_USER": smtp.user,
                    "ALLHANDS_SMTP_PASSWORD": smtp.password,
                    "ALLHANDS_MAIL_CA_FILE": smtp.cafile})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def message(subject, body="Hello, my order has not arrived.",
            frm="Carla Customer <carla@customer.test>", to=SUPPORT, msgid=True,
            in_reply_to=None, references=None, cc=None, headers=()):
    """A plain RFC 5322 message as bytes (CRLF)."""
    lines = ["From: %s" % frm, "To: %s" % to, "Subject: %s" % subject,
             "Date: Tue, 24 Nov 2026 10:00:00 +0000", "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    if msgid is True:
        msgid = make_msgid(domain="customer.test")
    if msgid:
        lines.append("Message-ID: %s" % msgid)
    if cc:
        lines.append("Cc: %s" % cc)
    if in_reply_to:
        lines.append("In-Reply-To: %s" % in_reply_to)
    if references:
        lines.append("References: %s" % references)
    lines.extend(headers)
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode()


def mail_in(srv, raw, check=None):
    """Runs `allhands mail-in` on raw as an MTA would; returns the process."""
    p = subprocess.run([str(BIN), "mail-in", "--db", str(srv.db)], input=raw,
                       capture_output=True, env=srv.env, timeout=60)
    for marker in ahtest.SANITIZER_MARKERS:
        assert marker.encode() not in p.stderr, p.stderr.decode(errors="replace")
    if check is not None:
        assert p.returncode == check, (p.returncode, p.stdout, p.stderr)
    return p


def ticket_of(p):
    """The ticket number mail-in printed."""
    out = p.stdout.decode()
    assert out.startswith("ticket "), out
    return int(out.split()[1].rstrip(":,"))


def thread(lead, tid):
    return ok(lead.get(API + "/tickets/%d" % tid))


def reply(client, tid, body):
    t = thread(client, tid)
    return client.post(API + "/tickets/%d/messages" % tid,
                       {"kind": "reply", "body": body,
                        "seen_message_id": t["last_message_id"]})


def wait_delivery(lead, tid, status="sent", timeout=15.0):
    """The ticket once its newest reply's mail has the status."""
    deadline = time.monotonic() + timeout
    while True:
        t = thread(lead, tid)
        replies = [m for m in t["messages"] if m["kind"] == "reply"]
        d = replies[-1]["delivery"] if replies else None
        if d and d["status"] == status:
            return t
        assert time.monotonic() < deadline, "delivery is %r, not %s" % (d, status)
        time.sleep(0.1)


@pytest.fixture(scope="module")
def smtp():
    with SmtpServer() as s:
        yield s


@pytest.fixture(scope="module")
def mserver(tmp_path_factory, smtp):
    """A server that mails replies through smtp."""
    d = tmp_path_factory.mktemp("ah-mail")
    # no rate limits here: every test writes as the same customer (the limits
    # have a test and a server of their own)
    srv = Server(d, name="mail", env=mail_env(d, smtp, ALLHANDS_MAIL_SENDER_PER_HOUR=0,
                                              ALLHANDS_MAIL_TICKETS_PER_HOUR=0))
    try:
        srv.init().start()
        yield srv
    finally:
        srv.cleanup()


@pytest.fixture(scope="module")
def lead(mserver):
    return login_lead(mserver)


# ---- inbound: a new ticket, and the same message twice ----

def test_mail_in_opens_a_ticket_with_the_senders_words(mserver, lead):
    subject = "Order " + unique()
    p = mail_in(mserver, message(subject, body="Where is my parcel?\nThanks"), check=0)
    tid = ticket_of(p)
    t = thread(lead, tid)
    assert t["subject"] == subject
    assert t["source"] == "email"
    assert t["requester"]["email"] == "carla@customer.test"
    assert t["requester"]["name"] == "Carla Customer"
    first = t["messages"][0]
    assert first["kind"] == "customer"
    assert first["body"] == "Where is my parcel?\nThanks"
    assert first["mail"]["from"] == {"email": "carla@customer.test", "name": "Carla Customer"}
    assert first["attachments"] == [] and first["delivery"] is None


def test_the_same_message_delivered_twice_is_stored_once(mserver, lead):
    raw = message("Twice " + unique())
    tid = ticket_of(mail_in(mserver, raw, check=0))
    p = mail_in(mserver, raw, check=0)
    assert b"stored before" in p.stdout
    assert ticket_of(p) == tid
    assert thread(lead, tid)["message_count"] == 1


def test_a_message_without_message_id_is_known_by_its_bytes(mserver, lead):
    subject = "No id " + unique()
    raw = message(subject, msgid=None)
    tid = ticket_of(mail_in(mserver, raw, check=0))
    mail_in(mserver, raw, check=0)
    found = ok(lead.get(API + "/tickets?limit=200"))["items"]
    assert [t["id"] for t in found if t["subject"] == subject] == [tid]


# ---- outbound: the reply as the customer's client sees it ----

def test_a_reply_is_mailed_with_threading_headers_and_both_parts(mserver, lead, smtp):
    cust_id = make_msgid(domain="customer.test")
    subject = "Refund " + unique()
    tid = ticket_of(mail_in(mserver, message(subject, msgid=cust_id), check=0))
    before = len(smtp.messages())
    ok(reply(lead, tid, "Hello Carla,\n\nYour refund is **on its way**."), 201)
    got = smtp.wait_for(before + 1)
    env, msg, raw = got[-1]
    assert env["rcpt_tos"] == ["carla@customer.test"]
    assert env["mail_from"] == SUPPORT
    # the writer's name, the desk's address: never the agent's own
    assert msg["From"].addresses[0].display_name == ahtest.LEAD_NAME
    assert msg["From"].addresses[0].addr_spec == SUPPORT
    assert LEAD_EMAIL.encode() not in raw
    assert msg["To"].addresses[0].addr_spec == "carla@customer.test"
    assert msg["Subject"] == "Re: %s [#%d]" % (subject, tid)
    assert msg["In-Reply-To"] == cust_id
    assert cust_id in msg["References"]
    assert msg["Message-ID"].endswith("@help.test>")
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "Your refund is **on its way**." in plain
    assert "<strong>on its way</strong>" in html
    # the ticket says it went
    t = wait_delivery(lead, tid, "sent")
    assert t["messages"][-1]["delivery"]["attempts"] == 1

    # the customer answers the reply: their client threads by our Message-ID
    ours = msg["Message-ID"]
    p = mail_in(mserver, message("Re: " + subject, body="Thanks!", in_reply_to=ours,
                                 references="%s %s" % (cust_id, ours)), check=0)
    assert ticket_of(p) == tid
    assert b"in-reply-to" in p.stdout
    t = thread(lead, tid)
    assert t["messages"][-1]["body"] == "Thanks!"
    assert t["status"] == "open"  # the customer wrote back: someone is needed again

    # the second reply carries the whole chain, oldest first
    ok(reply(lead, tid, "Anything else?"), 201)
    env, msg2, _ = smtp.wait_for(before + 2)[-1]
    refs = msg2["References"].split()
    assert refs[0] == cust_id and ours in refs
    assert msg2["In-Reply-To"] == refs[-1]


def test_quoted_history_is_folded_away_but_kept(mserver, lead):
    tid = ticket_of(mail_in(mserver, message("Quote " + unique()), check=0))
    body = ("Yes, that fixed it.\n\nOn Tue, 24 Nov 2026 at 10:00, Help Team <support@help.test>"
            " wrote:\n> Please restart the router.\n> Best\n")
    p = mail_in(mserver, message("Re: Quote [#%d]" % tid, body=body), check=0)
    assert ticket_of(p) == tid
    last = thread(lead, tid)["messages"][-1]
    assert last["body"] == "Yes, that fixed it."
    assert "> Please restart the router." in last["mail"]["quoted"]


def test_subject_token_and_plus_address_thread_only_for_people_on_the_ticket(mserver, lead):
    tid = ticket_of(mail_in(mserver, message("Token " + unique()), check=0))
    # the requester, with [#id]
    p = mail_in(mserver, message("About [#%d] again" % tid, body="more"), check=0)
    assert ticket_of(p) == tid and b"subject" in p.stdout
    # the requester, to support+t<id>@
    p = mail_in(mserver, message("no token here", to="support+t%d@help.test" % tid,
                                 body="even more"), check=0)
    assert ticket_of(p) == tid and b"plus-address" in p.stdout
    # a stranger typing the number gets a ticket of their own
    p = mail_in(mserver, message("About [#%d]" % tid, frm="Mallory <mallory@evil.test>"),
                check=0)
    assert ticket_of(p) != tid
    assert thread(lead, tid)["message_count"] == 3


def test_a_new_person_on_cc_joins_the_ticket_and_hears_the_replies(mserver, lead, smtp):
    cust_id = make_msgid(domain="customer.test")
    tid = ticket_of(mail_in(mserver, message("Team " + unique(), msgid=cust_id,
                                             cc="Bob Boss <bob@customer.test>"), check=0))
    # Bob answers the thread himself
    p = mail_in(mserver, message("Re: Team", frm="Bob Boss <bob@customer.test>",
                                 body="Please hurry.", in_reply_to=cust_id,
                                 cc="Dana <dana@customer.test>"), check=0)
    assert ticket_of(p) == tid
    t = thread(lead, tid)
    people = {x["email"] for x in t["participants"]}
    assert people == {"bob@customer.test", "dana@customer.test"}
    assert t["messages"][-1]["mail"]["from"]["email"] == "bob@customer.test"
    before = len(smtp.messages())
    ok(reply(lead, tid, "We are on it."), 201)
    env, msg, _ = smtp.wait_for(before + 1)[-1]
    assert sorted(env["rcpt_tos"]) == ["bob@customer.test", "carla@customer.test",
                                       "dana@customer.test"]
    assert {a.addr_spec for a in msg["Cc"].addresses} == {"bob@customer.test",
                                                          "dana@customer.test"}


def test_attachments_are_kept_and_served_only_to_who_may_see_the_ticket(mserver, lead):
    raw = (CORPUS / "mixed_attachments.eml").read_bytes()
    tid = ticket_of(mail_in(mserver, raw, check=0))
    first = thread(lead, tid)["messages"][0]
    files = first["attachments"]
    assert files, first
    for f in files:
        r = lead.get(API + "/attachments/%d" % f["id"])
        assert r.status == 200, r
        assert len(r.raw) == f["size"]
        disp = r.headers.get("Content-Disposition") or r.headers.get("content-disposition")
        assert disp.startswith("inline" if f["type"].startswith("image/") else "attachment")
        assert (r.headers.get("X-Content-Type-Options") or
                r.headers.get("x-content-type-options")) == "nosniff"
    # a member below the ticket's tier sees neither the ticket nor its files
    ok(lead.patch(API + "/tickets/%d" % tid, {"tier": 2}))
    member, _ = new_person(mserver, lead)
    r = member.get(API + "/attachments/%d" % files[0]["id"])
    assert_error(r, 404, "not_found")
    assert_error(lead.get(API + "/attachments/999999"), 404, "not_found")


def test_a_held_reply_is_mailed_only_once_approved(mserver, lead, smtp):
    tid = ticket_of(mail_in(mserver, message("Trainee " + unique()), check=0))
    trainee, _ = new_person(mserver, lead, level="trainee")
    before = len(smtp.messages())
    review = ok(reply(trainee, tid, "I think a restart helps."), 202)["review"]["id"]
    time.sleep(1.5)  # the mailer runs every second: nothing may have gone
    assert len(smtp.messages()) == before
    ok(lead.post(API + "/reviews/%d/approve" % review, {"body": "A restart helps."}))
    env, msg, _ = smtp.wait_for(before + 1)[-1]
    assert msg.get_body(preferencelist=("plain",)).get_content().strip() == "A restart helps."


# ---- outbox durability and failures ----

def test_a_refused_recipient_shows_on_the_ticket(tmp_path):
    with SmtpServer(fail_rcpt={"gone@customer.test"}) as s:
        srv = Server(tmp_path / "a", name="refused", env=mail_env(tmp_path / "a", s))
        try:
            srv.init().start()
            lead = login_lead(srv)
            tid = ticket_of(mail_in(srv, message("Gone " + unique(),
                                                 frm="Gone <gone@customer.test>"), check=0))
            ok(reply(lead, tid, "Hello?"), 201)
            t = wait_delivery(lead, tid, "failed")
            d = t["messages"][-1]["delivery"]
            assert "550" in d["error"] and d["failed_at"]
            assert s.messages() == []
        finally:
            srv.cleanup()


def test_a_restart_loses_nothing_and_sends_nothing_twice(tmp_path):
    d = tmp_path / "r"
    with SmtpServer(tempfail_first=1) as s:
        env = mail_env(d, s, ALLHANDS_ALLOW_TEST_CLOCK=1)
        env["ALLHANDS_SMTP_URL"] = "smtp://127.0.0.1:%d" % ahtest.free_port()  # nobody there
        srv = Server(d, name="restart", env=env, args=["--test-clock"])
        try:
            srv.init()
            srv.add_user("admin@example.com", "Ada Admin", role="admin")
            srv.start()
            lead = token_client(srv, LEAD_EMAIL)
            admin = token_client(srv, "admin@example.com")
            tid = ticket_of(mail_in(srv, message("Restart " + unique()), check=0))
            ok(reply(lead, tid, "First answer."), 201)
            wait_delivery(lead, tid, "queued")
            time.sleep(1.5)  # a try against the closed port
            srv.kill()
            # back with a real server: the reply is still waiting, and goes once
            srv.env["ALLHANDS_SMTP_URL"] = s.url
            srv.start()
            set_clock(admin, advance=3600)  # past any backoff
            time.sleep(1.5)
            set_clock(admin, advance=3600)  # the 451 on the first DATA: due again
            got = s.wait_for(1)
            wait_delivery(lead, tid, "sent")
            time.sleep(1.5)
            srv.stop()
            srv.start()
            time.sleep(1.5)
            got = s.messages()
            assert len(got) == 1, [m[1]["Message-ID"] for m in got]
            assert got[0][1].get_body(preferencelist=("plain",)).get_content().strip() == \
                "First answer."
        finally:
            srv.cleanup()


# ---- loops and abuse ----

AUTO = [
    ("Auto-Submitted: auto-replied",),
    ("Precedence: bulk",),
    ("X-Autoreply: yes",),
    ("Precedence: list", "List-Id: <news.customer.test>"),
]


def test_acknowledgement_goes_to_people_and_never_to_machines(tmp_path):
    d = tmp_path / "ack"
    with SmtpServer() as s:
        srv = Server(d, name="ack", env=mail_env(d, s, ALLHANDS_MAIL_ACK=1))
        try:
            srv.init().start()
            lead = login_lead(srv)
            subject = "Ack " + unique()
            tid = ticket_of(mail_in(srv, message(subject), check=0))
            env, ack, _ = s.wait_for(1)[0]
            assert ack["Auto-Submitted"] == "auto-replied"
            assert ("#%d" % tid) in ack.get_body(preferencelist=("plain",)).get_content()
            assert ack["Subject"] == "Re: %s [#%d]" % (subject, tid)
            assert env["rcpt_tos"] == ["carla@customer.test"]
            for headers in AUTO:
                mail_in(srv, message("Auto " + unique(), frm="bot@customer.test",
                                     headers=headers), check=0)
            mail_in(srv, message("Undelivered", frm="MAILER-DAEMON@mx.customer.test"), check=0)
            mail_in(srv, message("Postmaster", frm="postmaster@customer.test"), check=0)
            time.sleep(1.5)
            assert len(s.messages()) == 1
            tickets = ok(lead.get(API + "/tickets?limit=50"))["items"]
            assert len(tickets) == 7  # every one stored, only a person answered
            assert any("bounce" in t["tags"] for t in tickets)
        finally:
            srv.cleanup()


def test_rate_limits_per_sender_answer_75_and_take_the_message_later(tmp_path):
    d = tmp_path / "rate"
    srv = Server(d, name="rate", env=mail_env(d, ALLHANDS_MAIL_SENDER_PER_HOUR=4,
                                              ALLHANDS_MAIL_TICKETS_PER_HOUR=2))
    try:
        srv.init().start()
        lead = login_lead(srv)
        first = ticket_of(mail_in(srv, message("One"), check=0))
        mail_in(srv, message("Two"), check=0)
        p = mail_in(srv, message("Three"), check=75)  # a third new ticket in the hour
        assert b"tickets in the last hour" in p.stderr
        # answers to an open ticket still come in
        mail_in(srv, message("Re: One [#%d]" % first), check=0)
        mail_in(srv, message("Re: One [#%d]" % first), check=0)
        p = mail_in(srv, message("Re: One [#%d]" % first), check=75)  # a fifth message
        assert b"messages in the last hour" in p.stderr
        # someone else is not held up
        mail_in(srv, message("Other", frm="olga@other.test"), check=0)
        assert len(ok(lead.get(API + "/tickets"))["items"]) == 3
    finally:
        srv.cleanup()


# ---- what mail-in refuses, and when it says "later" ----

def test_mail_in_refuses_what_it_will_never_take_with_65(mserver):
    p = mail_in(mserver, b"this is not an email at all\r\n", check=65)
    assert p.stderr.strip()
    p = mail_in(mserver, b"Subject: nobody\r\nMessage-ID: <x@y>\r\n\r\nhi\r\n", check=65)
    assert b"From" in p.stderr
    big = message("Huge", body="x") + b"X" * (50 * 1024 * 1024)
    t0 = time.monotonic()
    p = mail_in(mserver, big, check=65)
    assert b"limit" in p.stderr
    assert time.monotonic() - t0 < 20


@pytest.mark.sqlite_only("locks the SQLite file")
def test_a_locked_database_is_75_and_the_message_is_stored_on_retry(mserver, lead):
    subject = "Locked " + unique()
    raw = message(subject)
    db = sqlite3.connect(str(mserver.db), timeout=1, isolation_level=None)
    try:
        db.execute("BEGIN EXCLUSIVE")
        p = mail_in(mserver, raw, check=75)
        assert b"busy" in p.stderr or b"locked" in p.stderr
    finally:
        db.execute("ROLLBACK")
        db.close()
    tid = ticket_of(mail_in(mserver, raw, check=0))  # the MTA's retry
    assert thread(lead, tid)["subject"] == subject


def test_every_corpus_message_is_taken_or_refused_cleanly(mserver, lead):
    files = sorted(CORPUS.glob("*.eml"))
    assert len(files) >= 12
    for f in files:
        p = mail_in(mserver, f.read_bytes())
        assert p.returncode in (0, 65), (f.name, p.returncode, p.stderr)
        if p.returncode == 0:
            t = thread(lead, ticket_of(p))
            assert t["subject"].strip(), f.name
            assert t["messages"][-1]["body"].strip(), f.name


# ---- IMAP ----

def poll(srv, imap, *args, check=None):
    env = dict(srv.env, ALLHANDS_IMAP_URL=imap.url, ALLHANDS_IMAP_USER=imap.user,
               ALLHANDS_IMAP_PASSWORD=imap.password, ALLHANDS_MAIL_CA_FILE=imap.cafile)
    p = subprocess.run([str(BIN), "mail-poll", "--db", str(srv.db)] + list(args),
                       capture_output=True, env=env, timeout=120)
    if check is not None:
        assert p.returncode == check, (p.stdout, p.stderr)
    return p


def subjects(lead, prefix):
    items = ahtest.list_all(lead, API + "/tickets")
    return sorted(t["subject"] for t in items if t["subject"].startswith(prefix))


def test_mail_poll_stores_each_message_once_even_when_killed_half_way(mserver, lead):
    tag = unique("imap")
    with ImapServer() as imap:
        raws = [message("%s %03d" % (tag, i), msgid=make_msgid(domain="imap.test"))
                for i in range(40)]
        for raw in raws:
            imap.deliver(raw)
        # a message stored but not yet marked seen (the moment a kill can hit)
        mail_in(mserver, raws[0], check=0)
        env = dict(mserver.env, ALLHANDS_IMAP_URL=imap.url, ALLHANDS_IMAP_USER=imap.user,
                   ALLHANDS_IMAP_PASSWORD=imap.password, ALLHANDS_MAIL_CA_FILE=imap.cafile)
        proc = subprocess.Popen([str(BIN), "mail-poll", "--db", str(mserver.db)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(subjects(lead, tag)) < 5 and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        p = poll(mserver, imap, check=0)
        assert b"stored" in p.stdout
        assert subjects(lead, tag) == ["%s %03d" % (tag, i) for i in range(40)]
        assert imap.unseen_count() == 0 and imap.seen_count() == 40
        # and a third run has nothing to do
        p = poll(mserver, imap, check=0)
        assert p.stdout.startswith(b"mail-poll: 0 stored, 0 stored before")


def test_mail_poll_over_imaps_and_a_wrong_password(mserver, lead):
    tag = unique("imaps")
    with ImapServer() as imap:
        imap.deliver(message(tag))
        env = dict(mserver.env, ALLHANDS_IMAP_URL=imap.imaps_url, ALLHANDS_IMAP_USER=imap.user,
                   ALLHANDS_IMAP_PASSWORD="wrong-password", ALLHANDS_MAIL_CA_FILE=imap.cafile)
        p = subprocess.run([str(BIN), "mail-poll", "--db", str(mserver.db)],
                           capture_output=True, env=env, timeout=60)
        assert p.returncode == 75, p
        assert imap.unseen_count() == 1
        env["ALLHANDS_IMAP_PASSWORD"] = imap.password
        p = subprocess.run([str(BIN), "mail-poll", "--db", str(mserver.db)],
                           capture_output=True, env=env, timeout=60)
        assert p.returncode == 0, p
        assert subjects(lead, tag) == [tag]


def test_serve_polls_the_mailbox(tmp_path):
    d = tmp_path / "poll"
    with ImapServer() as imap:
        srv = Server(d, name="poller", env=mail_env(
            d, ALLHANDS_IMAP_URL=imap.url, ALLHANDS_IMAP_USER=imap.user,
            ALLHANDS_IMAP_PASSWORD=imap.password, ALLHANDS_MAIL_CA_FILE=imap.cafile,
            ALLHANDS_MAIL_POLL_SECONDS=1))
        try:
            srv.init().start()
            lead = login_lead(srv)
            imap.deliver(message("Polled " + unique()))
            deadline = time.monotonic() + 15
            while not ok(lead.get(API + "/tickets"))["items"]:
                assert time.monotonic() < deadline, srv.log_tail()
                time.sleep(0.2)
            assert imap.unseen_count() == 0
        finally:
            srv.cleanup()


# ---- bulk import ----

def test_import_mbox_is_idempotent(tmp_path, mserver, lead):
    tag = unique("mbox")
    parts = []
    for i in range(30):
        body = "Line one\nFrom the start, this line began with From\n"
        raw = message("%s %02d" % (tag, i), body=body).replace(b"\r\n", b"\n")
        raw = raw.replace(b"\nFrom the start", b"\n>From the start")
        parts.append(b"From carla@customer.test Tue Nov 24 10:00:00 2026\n" + raw + b"\n")
    mbox = tmp_path / "old.mbox"
    mbox.write_bytes(b"".join(parts))
    p = subprocess.run([str(BIN), "import", "mbox", str(mbox), "--db", str(mserver.db)],
                       capture_output=True, env=mserver.env, timeout=120)
    assert p.returncode == 0, p
    assert b"30 stored" in p.stdout
    got = subjects(lead, tag)
    assert got == ["%s %02d" % (tag, i) for i in range(30)]
    t = [x for x in ahtest.list_all(lead, API + "/tickets") if x["subject"] == got[0]][0]
    assert "\nFrom the start" in thread(lead, t["id"])["messages"][0]["body"]
    p = subprocess.run([str(BIN), "import", "mbox", str(mbox), "--db", str(mserver.db)],
                       capture_output=True, env=mserver.env, timeout=120)
    assert p.returncode == 0 and b"0 stored, 30 stored before" in p.stdout, p


def test_mail_commands_explain_themselves(mserver):
    for cmd in (["mail-in"], ["mail-poll"], ["mail-send"], ["import"]):
        p = subprocess.run([str(BIN)] + cmd + ["--help"], capture_output=True,
                           env=mserver.env, timeout=30)
        assert p.returncode == 0 and b"usage: allhands" in p.stdout, (cmd, p)
    p = subprocess.run([str(BIN), "mail-poll", "--db", str(mserver.db)], capture_output=True,
                       env=mserver.env, timeout=30)
    assert p.returncode == 2 and b"ALLHANDS_IMAP_URL" in p.stderr
