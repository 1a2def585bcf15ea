"""mailservers.py - real mail servers for the mail tests, on free loopback
ports, each in a temporary directory of its own: an SMTP server (aiosmtpd, in a
subprocess) that requires STARTTLS and AUTH and keeps every message it accepts
as files, and an IMAP server (Debian's dovecot) over one Maildir. Standard
library plus Debian's python3-aiosmtpd, dovecot-imapd and openssl; no PyPI.

    with SmtpServer(user="relay", password="pw") as smtp:
        ... send to smtp.url trusting smtp.cafile ...
        env, msg, raw = smtp.wait_for(1)[0]

    with ImapServer() as imap:
        imap.deliver(b"From: a@example.com\\r\\n...")
        ... fetch from imap.url as imap.user / imap.password ...

Both work when the tests run as root (CI does): dovecot then reads the
Maildir as the `dovecot` user, never as root. Each stops only the process it
started, by its PID.
"""
import email
import email.policy
import grp
import imaplib
import json
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START_TIMEOUT = 15.0  # seconds for a server's port to answer
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL
DOVECOT = "/usr/sbin/dovecot"
# Debian's aiosmtpd is for Debian's python3, whatever runs the tests
SMTP_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(dir):
    """A self-signed certificate for 127.0.0.1 and localhost, valid two days,
    in dir; returns (cert_path, key_path)."""
    cert, key = Path(dir) / "cert.pem", Path(dir) / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return str(cert), str(key)


def wait_port(port, proc, log_path, greeting=None, timeout=START_TIMEOUT):
    """Waits until 127.0.0.1:port accepts (and, given greeting, its first line
    starts with it); raises with the log if proc exits or time runs out."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s:\n%s" % (proc.returncode, read_log(log_path)))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if greeting is None:
                    return
                line = s.makefile("rb").readline()
                if line.startswith(greeting):
                    return
                last = line
        except OSError as e:
            last = e
        time.sleep(0.05)
    raise RuntimeError("port %d did not answer (%r):\n%s" % (port, last, read_log(log_path)))


def read_log(path):
    try:
        return Path(path).read_text(errors="replace")[-4000:]
    except OSError:
        return ""


def stop(proc):
    """Stops proc, which we started: SIGTERM, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# The SMTP server's program, run by SMTP_PYTHON with its JSON settings file.
SMTP_SCRIPT = r'''
import asyncio, json, os, signal, ssl, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

conf = json.load(open(sys.argv[1]))
fail_rcpt = {a.lower() for a in conf["fail_rcpt"]}
state = {"data": 0, "n": 0}
lock = threading.Lock()


def authenticator(server, session, envelope, mechanism, auth_data):
    login = getattr(auth_data, "login", b"") or b""
    password = getattr(auth_data, "password", b"") or b""
    ok = login.decode() == conf["user"] and password.decode() == conf["password"]
    # handled=False: aiosmtpd then answers 535 itself (True means "already answered")
    return AuthResult(success=ok, handled=False)


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in fail_rcpt:
            return "550 5.1.1 <%s>: no such mailbox here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with lock:
            state["data"] += 1
            if state["data"] <= conf["tempfail_first"]:
                return "451 4.3.0 try again later (test tempfail %d)" % state["data"]
            state["n"] += 1
            n = state["n"]
        base = os.path.join(conf["dir"], "%06d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json.tmp", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "peer": list(session.peer)[:2]}, f)
        # the .json last: a reader that sees it sees the whole message
        os.rename(base + ".eml.tmp", base + ".eml")
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 accepted as %06d" % n


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(conf["cert"], conf["key"])
controller = Controller(Handler(), hostname="127.0.0.1", port=conf["port"],
                        require_starttls=True, tls_context=ctx, auth_required=True,
                        auth_require_tls=True, authenticator=authenticator)
controller.start()
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
done.wait()
controller.stop()
'''


class _Served:
    """A server process of the tests with a temporary directory of its own:
    started by _start() on entering, stopped by its PID and the directory
    removed on leaving."""

    prefix = "ah-"

    def __enter__(self):
        self.dir = Path(tempfile.mkdtemp(prefix=self.prefix))
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def log(self):
        return read_log(self.log_path)

    def close(self):
        stop(self.proc)
        self.proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __exit__(self, *exc):
        self.close()


class SmtpServer(_Served):
    """aiosmtpd on 127.0.0.1:port requiring STARTTLS, then AUTH (PLAIN or
    LOGIN) as user/password. fail_rcpt: addresses refused with 550;
    tempfail_first: the first N DATA commands get 451."""

    prefix = "ah-smtp-"

    def __init__(self, user="relay", password="relay-password-1", fail_rcpt=(), tempfail_first=0):
        self.user, self.password = user, password
        self.fail_rcpt = set(fail_rcpt)
        self.tempfail_first = tempfail_first
        self.dir = None
        self.proc = None


    def _start(self):
        self.maildir = self.dir / "messages"
        self.maildir.mkdir()
        self.cafile, key = make_cert(self.dir)
        self.port = free_port()
        self.url = "smtp://127.0.0.1:%d" % self.port
        conf = self.dir / "smtp.json"
        conf.write_text(json.dumps({
            "port": self.port, "cert": self.cafile, "key": key, "dir": str(self.maildir),
            "user": self.user, "password": self.password, "fail_rcpt": sorted(self.fail_rcpt),
            "tempfail_first": self.tempfail_first}))
        script = self.dir / "smtpd.py"
        script.write_text(SMTP_SCRIPT)
        self.log_path = self.dir / "smtpd.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([SMTP_PYTHON, str(script), str(conf)],
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        wait_port(self.port, self.proc, self.log_path, greeting=b"220")

    def messages(self):
        """What the server accepted, in order: (envelope, EmailMessage, raw)."""
        out = []
        for j in sorted(self.maildir.glob("*.json")):
            raw = j.with_suffix(".eml").read_bytes()
            env = json.loads(j.read_text())
            out.append((env, email.message_from_bytes(raw, policy=email.policy.default), raw))
        return out

    def wait_for(self, n, timeout=10.0):
        """The messages once there are at least n; AssertionError after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.messages()
            if len(got) >= n or time.monotonic() > deadline:
                assert len(got) >= n, "%d of %d messages arrived:\n%s" % (
                    len(got), n, read_log(self.log_path))
                return got
            time.sleep(0.05)



def mailbox_owner():
    """(uid, gid) the mailbox belongs to: ours, or dovecot's (else nobody's)
    when we are root, because dovecot refuses to read mail as root."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    for name in ("dovecot", "nobody"):
        try:
            pw = pwd.getpwnam(name)
            return pw.pw_uid, pw.pw_gid
        except KeyError:
            continue
    raise RuntimeError("no dovecot or nobody user to own the mailbox")


DOVECOT_CONF = """\
# written by tests/api/mailservers.py; nothing from /etc/dovecot is read
protocols = imap
listen = 127.0.0.1
base_dir = {base}
state_dir = {state}
log_path = {log}
instance_name = ah-test-{port}
{users}
first_valid_uid = 1
first_valid_gid = 1
last_valid_uid = 0
mail_location = maildir:{maildir}
auth_mechanisms = plain login
disable_plaintext_auth = yes
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
{imaps_listener}}}
{extra}
"""

# when not root, nothing may chroot or change user
IMAPS_LISTENER = """\
  inet_listener imaps {
    address = 127.0.0.1
    port = %d
    ssl = yes
  }
"""

DOVECOT_NONROOT = """\
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
service auth {
  user = $default_internal_user
}
service auth-worker {
  user = $default_internal_user
}
"""


class ImapServer(_Served):
    """dovecot on 127.0.0.1: imap (STARTTLS required) on .port and imaps on
    .imaps_port, one user, one Maildir INBOX."""

    prefix = "ah-imap-"

    def __init__(self, user="agent", password="imap-password-1", imaps=True):
        self.user, self.password = user, password
        self.imaps = imaps
        self.dir = None
        self.proc = None


    def _start(self):
        # the mail processes run as the mailbox owner and must reach in here
        os.chmod(self.dir, 0o755)
        self.uid, self.gid = mailbox_owner()
        self.cafile, key = make_cert(self.dir)
        os.chmod(key, 0o600)
        self.maildir = self.dir / "Maildir"
        home = self.dir / "home"
        for d in (home, self.maildir, self.maildir / "cur", self.maildir / "new",
                  self.maildir / "tmp"):
            d.mkdir()
            os.chown(d, self.uid, self.gid)
        passwd = self.dir / "passwd"
        passwd.write_text("%s:{PLAIN}%s\n" % (self.user, self.password))
        self.port = free_port()
        self.imaps_port = free_port() if self.imaps else 0
        self.url = "imap://127.0.0.1:%d/INBOX" % self.port
        self.imaps_url = "imaps://127.0.0.1:%d/INBOX" % self.imaps_port if self.imaps else None
        root = os.getuid() == 0
        me = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(os.getgid()).gr_name
        users = ("default_internal_user = dovecot\ndefault_login_user = dovenull" if root else
                 "default_internal_user = %s\ndefault_login_user = %s\n"
                 "default_internal_group = %s" % (me, me, group))
        base = self.dir / "run"
        state = self.dir / "state"
        for d in (base, state):
            d.mkdir()
        self.log_path = self.dir / "dovecot.log"
        conf = self.dir / "dovecot.conf"
        conf.write_text(DOVECOT_CONF.format(
            base=base, state=state, log=self.log_path, port=self.port, users=users,
            maildir=self.maildir, cert=self.cafile, key=key, passwd=passwd, uid=self.uid,
            gid=self.gid, home=home,
            imaps_listener=IMAPS_LISTENER % self.imaps_port if self.imaps else "",
            extra="" if root else DOVECOT_NONROOT))
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(self.dir / "dovecot.stderr", "wb"))
        wait_port(self.port, self.proc, self.log_path, greeting=b"* OK")

    def deliver(self, raw):
        """Puts raw (a whole message) into INBOX as a new, unseen message:
        written under tmp/, then renamed into new/, as Maildir wants."""
        name = "%d.P%dQ%d.ah-test" % (time.time_ns(), os.getpid(), next(_serial))
        tmp = self.maildir / "tmp" / name
        with open(tmp, "wb") as f:
            f.write(raw)
        os.chown(tmp, self.uid, self.gid)
        os.rename(tmp, self.maildir / "new" / name)

    def client(self):
        """A logged-in imaplib client over STARTTLS, INBOX selected read-only."""
        ctx = ssl.create_default_context(cafile=self.cafile)
        c = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        c.starttls(ssl_context=ctx)
        c.login(self.user, self.password)
        c.select("INBOX", readonly=True)
        return c

    def _count(self, criterion):
        c = self.client()
        try:
            typ, data = c.search(None, criterion)
            assert typ == "OK", data
            return len(data[0].split())
        finally:
            c.logout()

    def seen_count(self):
        return self._count("SEEN")

    def unseen_count(self):
        return self._count("UNSEEN")



def _counter():
    n = 0
    while True:
        n += 1
        yield n


_serial = _counter()
