"""test_copy.py - `allhands copy`: a demo company SQLite -> PostgreSQL ->
SQLite gives identical API answers for every ticket and person; SQLite ->
SQLite without PostgreSQL; a non-empty destination is refused untouched."""
import re
import subprocess

import pytest

from ahtest import BIN, PG_MODE, Server, base_env, pg_create_database, pg_drop_database


def run(*args, check=True):
    p = subprocess.run([str(BIN)] + [str(a) for a in args], capture_output=True, text=True,
                       env=base_env(), timeout=300)
    if check and p.returncode != 0:
        raise AssertionError("allhands %s exited %d\n%s\n%s" % (
            " ".join(map(str, args)), p.returncode, p.stdout, p.stderr))
    return p


def demo(path):
    run("demo", "--db", path, "--people", 20, "--tickets", 60)
    lead = None
    for line in run("user", "list", "--db", path).stdout.splitlines()[1:]:
        f = line.split()
        m = re.search(r"\S+@\S+", line)
        if len(f) > 2 and f[1] in ("lead", "admin") and m:
            lead = m.group(0)
            break
    assert lead, "the demo company has no lead"
    out = run("user", "token", "--db", path, "--email", lead, "--name", "copy").stdout
    return re.search(r"aht_\S+", out).group(0)


def answers(workdir, db, token):
    """Every ticket and person as the API gives them, by path."""
    srv = Server(workdir, db=db).start()
    try:
        c = srv.client(token)
        got = {}
        people = c.get("/api/v1/people?limit=200")
        assert people.status == 200, people
        for p in people.json["items"] if isinstance(people.json, dict) else people.json:
            r = c.get("/api/v1/people/%d" % p["id"])
            assert r.status == 200, r
            got["p%d" % p["id"]] = r.json
        for tid in range(1, 61):
            r = c.get("/api/v1/tickets/%d" % tid)
            assert r.status == 200, r
            got["t%d" % tid] = r.json  # with its thread
        return got
    finally:
        srv.stop()


def check_ok(p):
    assert "table" in p.stdout and "checksum" in p.stdout, p.stdout
    rows = [l.split() for l in p.stdout.splitlines()[1:] if l and not l.startswith("copied")]
    assert rows and all(r[-1] == "ok" for r in rows), p.stdout


def test_sqlite_to_sqlite(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    token = demo(a)
    p = run("copy", "--from", a, "--to", b)
    check_ok(p)
    assert answers(tmp_path / "sa", a, token) == answers(tmp_path / "sb", b, token)


def test_refuses_non_empty_destination(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    demo(a)
    run("demo", "--db", b, "--people", 8, "--tickets", 3)
    before = run("copy", "--from", b, "--to", tmp_path / "b2.db").stdout
    p = run("copy", "--from", a, "--to", b, check=False)
    assert p.returncode == 1, p
    assert "not empty" in p.stderr and "nothing was written" in p.stderr, p.stderr
    (tmp_path / "b3.db").unlink(missing_ok=True)
    after = run("copy", "--from", b, "--to", tmp_path / "b3.db").stdout
    assert [l for l in before.splitlines() if not l.startswith("copied")] == \
        [l for l in after.splitlines() if not l.startswith("copied")]


def test_help():
    p = run("copy", "--help")
    assert "usage: allhands copy" in p.stdout


@pytest.mark.skipif(not PG_MODE, reason="needs AH_TEST_PG")
def test_sqlite_postgres_sqlite(tmp_path):
    a, c = tmp_path / "a.db", tmp_path / "c.db"
    token = demo(a)
    name, url = pg_create_database()
    try:
        check_ok(run("copy", "--from", a, "--to", url))
        check_ok(run("copy", "--from", url, "--to", c))
        want = answers(tmp_path / "sa", a, token)
        assert answers(tmp_path / "sp", url, token) == want
        assert answers(tmp_path / "sc", c, token) == want
        # PostgreSQL refuses a second copy into it, and PG -> PG works
        p = run("copy", "--from", a, "--to", url, check=False)
        assert p.returncode == 1 and "not empty" in p.stderr
        name2, url2 = pg_create_database()
        try:
            check_ok(run("copy", "--from", url, "--to", url2))
            # sequences moved past the copied ids: a new ticket gets a fresh id
            srv = Server(tmp_path / "s2", db=url2).start()
            try:
                r = srv.client(token).post("/api/v1/tickets", {
                    "subject": "after copy", "body": "hello",
                    "requester_email": "x@example.test", "requester_name": "X"})
                assert r.status == 201, r
                assert r.json["id"] > 60, r.json  # the demo's tickets are 1..60
            finally:
                srv.stop()
        finally:
            pg_drop_database(name2)
    finally:
        pg_drop_database(name)


@pytest.mark.skipif(not PG_MODE, reason="needs AH_TEST_PG")
def test_copy_keeps_awkward_text(tmp_path):
    """COPY's text format escapes: tabs, newlines, backslashes, a literal \\N and
    non-ASCII arrive byte for byte, both ways."""
    a, c = tmp_path / "a.db", tmp_path / "c.db"
    token = demo(a)
    awkward = "tab\there\nnew line\r\nback\\slash \\N \\\\N end\\ é 😀 \"q\" 'q'"
    srv = Server(tmp_path / "s0", db=a).start()
    try:
        r = srv.client(token).post("/api/v1/tickets", {
            "subject": "awkward\tsubject \\N", "body": awkward,
            "requester_email": "odd@example.test", "requester_name": "O\\dd\tName"})
        assert r.status == 201, r
        tid = r.json["id"]
    finally:
        srv.stop()
    name, url = pg_create_database()
    try:
        check_ok(run("copy", "--from", a, "--to", url))
        check_ok(run("copy", "--from", url, "--to", c))
        for db, work in ((url, "sp"), (c, "sc")):
            srv = Server(tmp_path / work, db=db).start()
            try:
                t = srv.client(token).get("/api/v1/tickets/%d" % tid)
                assert t.status == 200, t
                assert t.json["subject"] == "awkward\tsubject \\N"
                assert t.json["messages"][0]["body"] == awkward
            finally:
                srv.stop()
    finally:
        pg_drop_database(name)
