"""ahtest.py - what the API tests share: the real allhands server on a free
loopback port, a small HTTP client, and helpers that make people and tickets
through the API. Standard library only (plus pytest in conftest.py).

The server is the built binary (env ALLHANDS_BIN, default build/allhands);
nothing here talks to anything but 127.0.0.1.

Database: a SQLite file in the Server's directory, or, when AH_TEST_PG is set
to a PostgreSQL base URL (postgresql://postgres@127.0.0.1:PORT), a database
of its own in that cluster: made with psql on first use of Server.db and
dropped by Server.cleanup() (see conftest.py).
"""
import collections
import http.client
import http.server
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("ALLHANDS_BIN") or REPO / "build" / "allhands").resolve()

LEAD_EMAIL = "lead@example.com"
LEAD_NAME = "Lee Lead"
LEAD_PASSWORD = "lead-password-42"
PASSWORD = "member-password-42"  # every person the tests create

START_TIMEOUT = 10.0  # seconds for /healthz to answer after serve starts
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL
# what AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer print
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
REQUEST_TIMEOUT = 15.0  # one HTTP request
CLI_TIMEOUT = 30.0

# PostgreSQL mode: AH_TEST_PG is the base URL of a cluster the tests may make
# and drop databases in; unset or empty means SQLite files.
PG_BASE = (os.environ.get("AH_TEST_PG") or "").strip().rstrip("/")
PG_MODE = bool(PG_BASE)
PSQL = os.environ.get("AH_TEST_PSQL") or "/usr/bin/psql"
PSQL_TIMEOUT = 30.0  # one CREATE DATABASE or DROP DATABASE

API = "/api/v1"
_NOBODY = object()
_counter = itertools.count(1)
_counter_lock = threading.Lock()


def unique(prefix="x"):
    """A short string no other call returns: prefix + counter + random."""
    with _counter_lock:
        n = next(_counter)
    return "%s%d%s" % (prefix, n, uuid.uuid4().hex[:8])


def unique_email(prefix="person"):
    return "%s@example.com" % unique(prefix + "-")


def unique_word():
    """A word full-text search can find and nothing else contains."""
    return unique("zq")


def free_port():
    """A port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(extra=None):
    """The environment for every allhands process: no inherited ALLHANDS_*
    settings, cheap argon2 parameters, plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLHANDS_")}
    env["AH_PWHASH_FAST"] = "1"
    for k, v in (extra or {}).items():
        env[k] = str(v)
    return env


class ServerError(Exception):
    pass


# -- PostgreSQL mode ------------------------------------------------------------

_pg_counter = itertools.count(1)


def pg_url(dbname):
    """PG_BASE with dbname as the database (a query string stays at the end)."""
    parts = urllib.parse.urlsplit(PG_BASE)
    return urllib.parse.urlunsplit(parts._replace(path="/" + dbname))


def _psql(sql, timeout=PSQL_TIMEOUT):
    """Runs one statement as the cluster's superuser on its postgres database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGCONNECT_TIMEOUT"] = "10"
    return subprocess.run([PSQL, pg_url("postgres"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                           "-c", sql], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, env=env, timeout=timeout)


def pg_create_database():
    """A fresh, empty database in the AH_TEST_PG cluster: (name, url)."""
    name = "ah_%d_%d_%s" % (os.getpid(), next(_pg_counter), uuid.uuid4().hex[:6])
    try:
        p = _psql('CREATE DATABASE "%s"' % name)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ServerError("cannot create PostgreSQL database %s with %s: %r" % (name, PSQL, e))
    if p.returncode != 0:
        raise ServerError("cannot create PostgreSQL database %s in %s (psql exited %d): %s"
                          % (name, PG_BASE, p.returncode, p.stderr.strip()))
    return name, pg_url(name)


def pg_drop_database(name, timeout=PSQL_TIMEOUT):
    """Drops name, whoever is connected; bounded in time; errors ignored."""
    try:
        _psql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        pass


class Server:
    """One allhands database and the serve process over it. The serve logs are
    in workdir; the database is workdir/allhands.db, or in PostgreSQL mode
    (AH_TEST_PG) a database of its own, made when Server.db is first used.
    With db=other.db the Server serves another Server's database instead (a
    second server on one PostgreSQL database): it neither makes nor drops it."""

    all = []  # every server of this test session, for failure reports

    def __init__(self, workdir, name="allhands", lease_seconds=None, env=None, threads=4,
                 db=None, args=()):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        if db is not None:
            self._db = db
        else:
            self._db = None if PG_MODE else self.dir / "allhands.db"
        self.pg_name = None  # the PostgreSQL database, once made
        self.name = name
        self.threads = threads
        self.args = [str(a) for a in args]  # more flags for serve
        extra = dict(env or {})
        if lease_seconds is not None:
            extra["ALLHANDS_LEASE_SECONDS"] = lease_seconds
        self.env = base_env(extra)
        self.proc = None
        self.port = None
        self.starts = 0
        self.stopped_at = None
        self.log_paths = []
        Server.all.append(self)

    @property
    def db(self):
        """What --db gets: the SQLite file (a Path) or the PostgreSQL URL (a str)."""
        if self._db is None:
            self.pg_name, self._db = pg_create_database()
        return self._db

    def cleanup(self):
        """Stops serve and drops the PostgreSQL database (if one was made); the
        database is dropped even when stopping reports a problem."""
        try:
            self.stop()
        finally:
            self.drop_database()

    def drop_database(self):
        if self.pg_name is not None:
            if self.proc is not None:
                self._reap()
            pg_drop_database(self.pg_name)
            self.pg_name = None

    # -- command line -------------------------------------------------------
    def cli(self, *args, input=None, check=True):
        """Runs `allhands args...`; returns the CompletedProcess (text)."""
        if not BIN.exists():
            raise ServerError("no server binary at %s: run `make build` first "
                              "(or set ALLHANDS_BIN)" % BIN)
        p = subprocess.run([str(BIN)] + [str(a) for a in args], input=input,
                           capture_output=True, text=True, env=self.env,
                           timeout=CLI_TIMEOUT)
        for marker in SANITIZER_MARKERS:
            if marker in (p.stderr or ""):
                raise ServerError("sanitizer report from allhands %s:\n%s" % (
                    " ".join(map(str, args)), p.stderr[-4000:]))
        if check and p.returncode != 0:
            raise ServerError("allhands %s exited %d\nstdout: %s\nstderr: %s" % (
                " ".join(map(str, args)), p.returncode, p.stdout, p.stderr))
        return p

    def init(self, default_tier=1):
        """A new company. Tests that predate tiers have members work the
        tickets they create: their servers start with new tickets in tier 1;
        default_tier=None keeps the product's default (tier 2)."""
        tier = () if default_tier is None else ("--default-tier", str(default_tier))
        self.cli("init", "--db", self.db, "--email", LEAD_EMAIL, "--name", LEAD_NAME, *tier,
                 input=LEAD_PASSWORD + "\n")
        return self

    def add_user(self, email, name, role="member", password=PASSWORD, level="tier1"):
        """Adds a person through the CLI (the only way to make an admin);
        an independent member unless level says otherwise."""
        self.cli("user", "add", "--db", self.db, "--email", email, "--name", name,
                 "--role", role, "--level", level, "--password-stdin", input=password + "\n")

    def token_for(self, email, name="tests"):
        """A new API token for email, made by `allhands user token`."""
        out = self.cli("user", "token", "--db", self.db, "--email", email,
                       "--name", name).stdout
        m = re.search(r"aht_\S+", out)
        if not m:
            raise ServerError("`allhands user token` printed no aht_ token: %r" % out)
        return m.group(0)

    # -- serve ----------------------------------------------------------------
    def start(self):
        """Starts serve on a free port and waits for /healthz (bounded)."""
        assert self.proc is None, "already running"
        if not BIN.exists():
            raise ServerError("no server binary at %s: run `make build` first "
                              "(or set ALLHANDS_BIN)" % BIN)
        last = ""
        for _attempt in range(3):  # a port taken between probe and bind: retry
            self.port = free_port()
            self.starts += 1
            log = self.dir / ("serve-%d.log" % self.starts)
            self.log_paths.append(log)
            with open(log, "wb") as err:
                self.proc = subprocess.Popen(
                    [str(BIN), "serve", "--db", str(self.db), "--listen",
                     "127.0.0.1:%d" % self.port, "--threads", str(self.threads)] + self.args,
                    stdin=subprocess.DEVNULL, stdout=err, stderr=subprocess.STDOUT,
                    env=self.env)
            self.stopped_at = None
            if self._wait_healthy():
                return self
            last = self.log_tail()
            self._reap()
        raise ServerError("allhands serve did not become healthy within %.0f s\n%s" % (
            START_TIMEOUT, last))

    def _wait_healthy(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def _reap(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None
        self.stopped_at = time.monotonic()

    def stop(self):
        """SIGTERM, wait, SIGKILL if it does not go. Returns the exit status."""
        if self.proc is None:
            return None
        rc = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait(timeout=STOP_TIMEOUT)
        else:
            rc = self.proc.returncode
        self.proc = None
        self.stopped_at = time.monotonic()
        self.check_sanitizers()
        return rc

    def check_sanitizers(self):
        """Under ASan/UBSan a report in the server's log fails the test that stopped it."""
        for p in self.log_paths:
            try:
                text = p.read_text(errors="replace")
            except OSError:
                continue
            for marker in SANITIZER_MARKERS:
                if marker in text:
                    i = text.index(marker)
                    raise ServerError("sanitizer report in %s:\n%s" % (p.name, text[i:i + 4000]))

    def kill(self):
        """SIGKILL: the crash a power cut or the OOM killer causes."""
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=STOP_TIMEOUT)
        self.proc = None
        self.stopped_at = time.monotonic()

    def restart(self):
        self.stop()
        return self.start()

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, limit=20000):
        out = []
        for p in self.log_paths:
            try:
                data = p.read_bytes()
            except OSError:
                continue
            out.append("--- %s ---\n%s" % (p.name, data[-limit:].decode("utf-8", "replace")))
        return "\n".join(out)[-limit:]

    def client(self, token=None):
        return Client(self, token=token)


class Response:
    """status, headers (case-insensitive), json (parsed body or None), raw."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        self.json = None
        if raw:
            try:
                self.json = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                self.json = None

    def __iter__(self):
        return iter((self.status, self.headers, self.json))

    @property
    def error(self):
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"]
        return None

    def __repr__(self):
        return "<Response %s %r>" % (self.status, self.raw[:600])


class Client:
    """HTTP client for one person: keeps cookies, sends X-CSRF-Token on
    writes once logged in, or a Bearer token. One connection per request."""

    def __init__(self, server, token=None):
        self.server = server
        self.token = token
        self.cookies = {}
        self.csrf = None
        self.person = None

    def auth_headers(self, method="GET", csrf=True):
        h = {}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if csrf and self.csrf and method in ("POST", "PATCH", "PUT", "DELETE"):
            h["X-CSRF-Token"] = self.csrf
        return h

    def request(self, method, path, body=_NOBODY, *, raw=None, headers=None, csrf=True,
                auth=True, content_type="application/json"):
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        elif body is not _NOBODY:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        h = self.auth_headers(method, csrf) if auth else {}
        if data is not None and content_type is not None:
            h["Content-Type"] = content_type
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                          timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            payload = r.read()
        finally:
            conn.close()
        self._keep_cookies(r.headers)
        return Response(r.status, r.headers, payload)

    def _keep_cookies(self, headers):
        for line in headers.get_all("Set-Cookie") or []:
            parts = [p.strip() for p in line.split(";")]
            name, _, value = parts[0].partition("=")
            attrs = {}
            for a in parts[1:]:
                k, _, v = a.partition("=")
                attrs[k.strip().lower()] = v.strip()
            expired = value == "" or attrs.get("max-age") == "0"
            if "expires" in attrs and _in_the_past(attrs["expires"]):
                expired = True
            if expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=_NOBODY, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=_NOBODY, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body=_NOBODY, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, email, password):
        r = self.post(API + "/session", {"email": email, "password": password})
        if r.status == 200:
            self.csrf = r.json["csrf"]
            self.person = r.json["person"]
        return r

    @property
    def id(self):
        return self.person["id"]


def _in_the_past(http_date):
    from email.utils import parsedate_to_datetime
    try:
        return parsedate_to_datetime(http_date).timestamp() < time.time()
    except (TypeError, ValueError, IndexError):
        return False


# -- assertions ---------------------------------------------------------------

def assert_error(resp, status, code):
    """resp is status with body {"error":{"code":code,"message":"..."}}."""
    assert resp.status == status, "want %d %s, got %r" % (status, code, resp)
    err = resp.error
    assert err is not None, "error body is not {\"error\":{...}}: %r" % resp
    assert err.get("code") == code, "want code %r, got %r" % (code, resp)
    assert isinstance(err.get("message"), str) and err["message"], \
        "error without a message: %r" % resp
    ctype = resp.headers.get("Content-Type", "")
    assert ctype.startswith("application/json"), "error Content-Type %r" % ctype
    return err


def ok(resp, status=200):
    assert resp.status == status, "want %d, got %r" % (status, resp)
    return resp.json


# -- making things through the API --------------------------------------------

def login_as(server, email, password=PASSWORD):
    c = Client(server)
    r = c.login(email, password)
    assert r.status == 200, "login as %s: %r" % (email, r)
    return c


def login_lead(server):
    return login_as(server, LEAD_EMAIL, LEAD_PASSWORD)


def create_person(lead, role="member", password=PASSWORD, **fields):
    """Person made by lead through POST /people; returns the Person."""
    body = {"email": unique_email(role), "name": "Test %s" % role.title(),
            "role": role, "password": password, "level": "tier1"}
    body.update(fields)
    r = lead.post(API + "/people", body)
    assert r.status == 201, "create %s: %r" % (role, r)
    return r.json


def person_client(server, lead, role="member", **fields):
    """A new person (create_person's fields) logged in: a client with .person."""
    p = create_person(lead, role=role, **fields)
    c = login_as(server, p["email"])
    c.person = p
    return c


def new_person(server, lead, role="member", **fields):
    """A person created through the API and logged in: (Client, Person)."""
    p = create_person(lead, role=role, **fields)
    return login_as(server, p["email"]), p


def create_ticket(client, subject=None, body=None, **fields):
    """Ticket made through POST /tickets (asserts 201); returns the Ticket."""
    req = {"subject": subject or "Cannot log in " + unique("s"),
           "body": body or "Hello, I cannot log in since this morning.",
           "requester_email": "customer-%s@example.org" % unique("c"),
           "requester_name": "Carla Customer"}
    req.update(fields)
    r = client.post(API + "/tickets", req)
    assert r.status == 201, "create ticket: %r" % r
    return r.json


def get_ticket(client, tid):
    return ok(client.get("%s/tickets/%d" % (API, tid)))


def list_all(client, path, limit=200, max_pages=100):
    """Every item of a paged list, following next_cursor (bounded)."""
    items = []
    sep = "&" if "?" in path else "?"
    url = "%s%slimit=%d" % (path, sep, limit)
    for _ in range(max_pages):
        page = ok(client.get(url))
        items.extend(page["items"])
        cur = page.get("next_cursor")
        if not cur:
            return items
        url = "%s%slimit=%d&cursor=%s" % (path, sep, limit, quote(cur))
    raise AssertionError("%s: more than %d pages" % (path, max_pages))


def quote(s):
    """s as one query parameter value."""
    return urllib.parse.quote(s, safe="")


def ticket_ids(items):
    return [t["id"] for t in items]


def newest_ticket_id(client):
    """The id of the newest ticket client can see, or None: proves that a
    refused request stored nothing."""
    items = ok(client.get(API + "/tickets?limit=1"))["items"]
    return items[0]["id"] if items else None


def as_obj(v):
    """An audit before/after value as a dict (it may be a JSON string)."""
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError:
            return {}
    return v if isinstance(v, dict) else {}


def mentions_id(target, id_):
    """Whether an audit target names the object with this id."""
    if target == id_:
        return True
    return re.search(r"(?<![0-9])%d(?![0-9])" % id_, json.dumps(target)) is not None


def audit_items(lead):
    return list_all(lead, API + "/audit")


def raw_http(port, head, body=b"", timeout=5.0):
    """Sends head (text up to the blank line, CRLFs added) and body on a raw
    socket; returns (status, headers dict lowercased, body bytes) of the
    response, reading until the server closes or Content-Length is met."""
    lines = head.strip("\r\n").split("\n")
    data = ("\r\n".join(line.rstrip("\r") for line in lines) + "\r\n\r\n").encode("latin-1") + body
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before taking it all
        buf, why = b"", "no response within %.0f s" % timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                why = "connection reset, no response"
                break
            if not chunk:
                why = "connection closed, no response"
                break
            buf += chunk
            hdr_end = buf.find(b"\r\n\r\n")
            if hdr_end >= 0:
                m = re.search(rb"(?im)^content-length:\s*(\d+)", buf[:hdr_end])
                if m and len(buf) >= hdr_end + 4 + int(m.group(1)):
                    break
    if not buf:
        raise AssertionError(why)
    head_b, _, rest = buf.partition(b"\r\n\r\n")
    hl = head_b.decode("latin-1").split("\r\n")
    status = int(hl[0].split()[1])
    headers = {}
    for line in hl[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, rest


def drain_queue(workers, created, deadline_s):
    """Each (person, client) in workers takes next and replies (which makes the
    ticket theirs and ends the claim) until the queue answers 204, all at once.
    Asserts no worker failed or hung and every ticket in created was handed out
    exactly once; returns person id -> ticket ids, in the order they got them."""
    claims = collections.defaultdict(list)
    errors = []
    gate = threading.Barrier(len(workers))
    deadline = time.monotonic() + deadline_s

    def work(person, client):
        try:
            gate.wait(10)
            prev = None
            for _ in range(len(created) + 5):
                if time.monotonic() > deadline:
                    errors.append("%d: out of time" % person["id"])
                    return
                r = client.post(API + "/queue/next")
                if r.status == 204:
                    return
                if r.status != 200:
                    errors.append("%d: next -> %r" % (person["id"], r))
                    return
                t = r.json
                if t["id"] == prev:
                    errors.append("%d: next returned ticket %d again after the reply"
                                  % (person["id"], prev))
                    return
                claims[person["id"]].append(t["id"])
                rr = client.post("%s/tickets/%d/messages" % (API, t["id"]),
                                 {"kind": "reply", "body": "Handled by %d" % person["id"],
                                  "seen_message_id": t["last_message_id"]})
                if rr.status != 201:
                    errors.append("%d: reply to %d -> %r" % (person["id"], t["id"], rr))
                    return
                prev = t["id"]
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append("%d: %r" % (person["id"], e))

    threads = [threading.Thread(target=work, args=w) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(deadline_s + 15)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert not errors, "%d errors, first: %s" % (len(errors), errors[:5])
    handed = [tid for ids in claims.values() for tid in ids]
    twice = [tid for tid, n in collections.Counter(handed).items() if n > 1]
    assert not twice, "tickets handed out more than once: %s" % twice[:20]
    assert sorted(handed) == sorted(created), "lost: %s" % sorted(set(created) - set(handed))[:20]
    return claims


# ---- a server with a test clock (the program's tests) ----

TEST_CLOCK_ENV = {"ALLHANDS_ALLOW_TEST_CLOCK": "1"}


def token_client(server, email):
    """A client with an API token for email: tokens do not expire when a test
    clock jumps days, as a cookie session idle for 12 hours does."""
    c = Client(server, server.token_for(email))
    c.person = ok(c.get(API + "/session"))["person"]
    return c


def clock_server(workdir):
    """A started server with a test clock, its lead and an admin (who moves
    the clock), both as token clients: (server, lead, admin)."""
    srv = Server(workdir, env=TEST_CLOCK_ENV, args=["--test-clock"])
    srv.init()
    srv.add_user("admin@example.com", "Ada Admin", role="admin")
    srv.start()
    return srv, token_client(srv, LEAD_EMAIL), token_client(srv, "admin@example.com")


def set_clock(admin, when=None, advance=None):
    """Sets the test clock to when (ISO 8601) or moves it on advance seconds;
    returns the time it now shows."""
    body = {"now": when} if when else {"advance_seconds": advance}
    return ok(admin.request("PUT", API + "/test/clock", body))["now"]


def wait_for(what, check, deadline=20.0):
    end = time.monotonic() + deadline
    while True:
        got = check()
        if got:
            return got
        assert time.monotonic() < end, "timed out waiting for " + what
        time.sleep(0.1)


class Receiver:
    """A webhook receiver: a real HTTP server on a loopback port that keeps
    every request; `up` False answers 503, and stop() closes the port."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.got = []
        self.up = True
        self.hang = 0.0  # seconds to sit on a request before answering it
        self.hung = 0    # requests sat on
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                if rec.hang:
                    rec.hung += 1
                    time.sleep(rec.hang)
                    return  # no answer: the sender gives up
                if rec.up:
                    rec.got.append((dict(self.headers), body))
                self.send_response(200 if rec.up else 503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self):
        return "http://127.0.0.1:%d/hook" % self.port
