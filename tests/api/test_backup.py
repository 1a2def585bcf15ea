"""Backups and restores: `allhands backup` copies a database a server is
writing, consistently; `allhands restore` puts a backup in place, under a
running server too; both refuse what would lose data and change nothing then."""
import http.client
import os
import sqlite3
import threading
import time

import pytest

from ahtest import (API, Client, Server, as_obj, assert_error, audit_items,
                    create_person, create_ticket, get_ticket, login_as, login_lead, ok, unique)

WRITERS = 4
LOAD_SECONDS = 2.0
BACKUP_AT = 0.8  # seconds into the load
# bodies long enough that the database outgrows one step of the copy (256 pages)
FILLER = " ".join("word%d" % i for i in range(250))


def read_only(path):
    """A sqlite3 connection that can change nothing at path."""
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True)


def integrity(path):
    with read_only(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def one(path, sql):
    db = read_only(path)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def restores_in(lead):
    return [e for e in audit_items(lead) if e["action"] == "database.restore"]


@pytest.mark.sqlite_only("`allhands backup` of the SQLite file, read back with sqlite3")
def test_backup_under_write_load_holds_every_acknowledged_ticket(start_server, tmp_path):
    srv = start_server(name="backup-load")
    lead = login_lead(srv)
    token = ok(lead.post(API + "/tokens", {"name": "load"}), 201)["token"]
    acked, errors, lock = [], [], threading.Lock()
    t0 = time.monotonic()

    def write(n):
        c = Client(srv, token=token)
        for i in range(1000000):
            if time.monotonic() - t0 > LOAD_SECONDS:
                return
            subject = "Backed up %d-%d %s" % (n, i, unique())
            try:
                r = c.post(API + "/tickets", {"subject": subject, "body": "%d-%d %s" % (n, i, FILLER)})
            except (OSError, http.client.HTTPException) as e:
                errors.append(repr(e))
                return
            if r.status != 201:
                errors.append(repr(r))
                return
            with lock:
                acked.append((r.json["id"], subject, time.monotonic()))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(BACKUP_AT)
    target = tmp_path / "nightly.db"
    started = time.monotonic()
    p = srv.cli("backup", "--db", srv.db, "--to", target)
    finished = time.monotonic()
    for t in threads:
        t.join(30)
    assert not errors, "the server stopped serving during the backup: %s" % errors[:3]
    before = [(i, s) for i, s, at in acked if at < started]
    assert len(before) > 50, "too little load before the backup: %d tickets" % len(before)
    assert any(at > finished for _, _, at in acked), "no writes after the backup"

    assert integrity(target) == "ok"
    version = one(srv.db, "PRAGMA user_version")
    assert one(target, "PRAGMA user_version") == version
    with read_only(target) as db:
        stored = dict(db.execute("SELECT id, subject FROM tickets"))
    missing = [i for i, s in before if stored.get(i) != s]
    assert not missing, "%d of %d acknowledged tickets not in the backup: %s" % (
        len(missing), len(before), missing[:10])
    # it says what it did: the path, size, schema version, tickets, seconds
    out = p.stdout
    assert str(target) in out and "%d bytes" % target.stat().st_size in out, out
    assert "schema version %d" % version in out and "%d tickets" % len(stored) in out, out
    assert " s)" in out, out
    assert sorted(os.listdir(tmp_path)) == ["nightly.db", "srv0"]  # nothing left beside it


@pytest.mark.sqlite_only("`allhands backup`/`restore` of SQLite files")
def test_restore_to_a_new_path_serves_the_same_data(start_server, tmp_path):
    srv = start_server(name="backup-source")
    lead = login_lead(srv)
    person = create_person(lead, role="pro")
    tickets = [create_ticket(lead) for _ in range(5)]
    backup = tmp_path / "before-upgrade.db"
    srv.cli("backup", "--db", srv.db, "--to", backup)
    create_ticket(lead, subject="After the backup " + unique())

    copy = Server(tmp_path / "restored", name="restored")
    p = copy.cli("restore", "--from", backup, "--db", copy.db)
    assert "restored %s into %s" % (backup, copy.db) in p.stdout, p.stdout
    assert "5 tickets" in p.stdout and "schema version" in p.stdout, p.stdout
    try:
        copy.start()
        lead2 = login_lead(copy)
        for t in tickets:
            assert get_ticket(lead2, t["id"])["subject"] == t["subject"]
        assert len(ok(lead2.get(API + "/tickets?limit=50"))["items"]) == len(tickets)
        assert ok(lead2.get("%s/people/%d" % (API, person["id"])))["email"] == person["email"]
        login_as(copy, person["email"])  # with the password the backup holds
        made = restores_in(lead2)
        assert len(made) == 1, made
        assert made[0]["actor_id"] in (None, 0), made[0]  # the system: the command line
        assert as_obj(made[0]["after"]).get("file") == str(backup), made[0]
    finally:
        copy.stop()


@pytest.mark.sqlite_only("`allhands backup`/`restore` of the SQLite file")
def test_restore_under_a_running_server(start_server, tmp_path):
    srv = start_server(name="live-restore")
    lead = login_lead(srv)  # the session is in the backup too
    kept = create_ticket(lead)
    backup = tmp_path / "live.db"
    srv.cli("backup", "--db", srv.db, "--to", backup)
    gone = create_ticket(lead)

    srv.cli("restore", "--from", backup, "--db", srv.db, "--force")
    # the server's open connections read the restored database
    assert get_ticket(lead, kept["id"])["subject"] == kept["subject"]
    assert_error(lead.get("%s/tickets/%d" % (API, gone["id"])), 404, "not_found")
    assert len(restores_in(lead)) == 1
    assert create_ticket(lead)["id"] > kept["id"]  # and writes go on


@pytest.mark.sqlite_only("`allhands backup` of the SQLite file")
def test_backup_refuses_an_existing_file(start_server, tmp_path):
    srv = start_server(name="backup-exists")
    target = tmp_path / "taken.db"
    target.write_bytes(b"yesterday's backup")
    p = srv.cli("backup", "--db", srv.db, "--to", target, check=False)
    assert p.returncode == 1, p
    assert "%s already exists" % target in p.stderr, p.stderr
    assert "taken-1.db" in p.stderr, p.stderr  # a name to use instead
    assert target.read_bytes() == b"yesterday's backup"
    assert sorted(os.listdir(tmp_path)) == ["srv0", "taken.db"]


@pytest.mark.sqlite_only("`allhands backup`/`restore` of the SQLite file")
def test_restore_refuses_to_replace_a_database_without_force(start_server, tmp_path):
    srv = start_server(name="restore-noforce")
    lead = login_lead(srv)
    backup = tmp_path / "b.db"
    srv.cli("backup", "--db", srv.db, "--to", backup)
    t = create_ticket(lead)
    p = srv.cli("restore", "--from", backup, "--db", srv.db, check=False)
    assert p.returncode == 1, p
    assert "%s already exists" % srv.db in p.stderr and "--force" in p.stderr, p.stderr
    assert get_ticket(lead, t["id"])["subject"] == t["subject"]
    assert restores_in(lead) == []


@pytest.mark.sqlite_only("`allhands restore` of corrupt SQLite files made with sqlite3")
def test_restore_refuses_a_corrupt_file(start_server, tmp_path):
    srv = start_server(name="restore-corrupt")
    lead = login_lead(srv)
    good = tmp_path / "good.db"
    srv.cli("backup", "--db", srv.db, "--to", good)
    t = create_ticket(lead)

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(64 * 1024))
    torn = tmp_path / "torn.db"
    data = bytearray(good.read_bytes())
    data[4096:len(data)] = os.urandom(len(data) - 4096)  # page 1 intact, the rest noise
    torn.write_bytes(bytes(data))
    newer = tmp_path / "newer.db"
    newer.write_bytes(good.read_bytes())
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 999")
    db.close()

    for bad, why in ((garbage, "not a usable allhands database"), (torn, ""),
                     (newer, "schema version 999, newer than this allhands"),
                     (tmp_path / "missing.db", "no backup file")):
        before = bad.read_bytes() if bad.exists() else None
        p = srv.cli("restore", "--from", bad, "--db", srv.db, "--force", check=False)
        assert p.returncode == 1, (bad, p)
        assert str(bad) in p.stderr and why in p.stderr, p.stderr
        assert (bad.read_bytes() if bad.exists() else None) == before
        # into a new path: nothing made there either
        fresh = tmp_path / ("fresh-" + bad.name)
        p = srv.cli("restore", "--from", bad, "--db", fresh, check=False)
        assert p.returncode == 1 and not fresh.exists(), p
    assert get_ticket(lead, t["id"])["subject"] == t["subject"]
    assert restores_in(lead) == []


def test_postgres_is_backed_up_with_pg_dump(tmp_path):
    cli = Server(tmp_path, name="pg").cli
    p = cli("backup", "--db", "postgres://allhands@db.internal/allhands", "--to",
            tmp_path / "x.dump", check=False)
    assert p.returncode == 2 and "pg_dump" in p.stderr, p
    p = cli("restore", "--db", "postgres://allhands@db.internal/allhands", "--from",
            tmp_path / "x.dump", check=False)
    assert p.returncode == 2 and "pg_restore" in p.stderr, p
    assert os.listdir(tmp_path) == []


def test_backup_and_restore_explain_themselves(tmp_path):
    cli = Server(tmp_path, name="help").cli
    for cmd, flag in (("backup", "--to FILE"), ("restore", "--from FILE")):
        p = cli(cmd, "--help")
        assert p.returncode == 0 and flag in p.stdout, p
        p = cli(cmd, check=False)  # the required flag missing
        assert p.returncode == 2 and flag in p.stderr, p
