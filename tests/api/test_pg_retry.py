"""A request whose PostgreSQL transaction loses a race runs again, whole.

PostgreSQL breaks a deadlock by aborting one of its transactions (SQLSTATE
40P01); the server rolls that request's transaction back and runs the request
again (src/http/server.c, should_retry). Here a psql session provokes a real
deadlock with a person update:

  1. psql locks the acting lead's row (FOR UPDATE);
  2. PATCH /people/X updates X's row, then writes its audit row, whose
     foreign key to the lead must wait for psql;
  3. psql, seeing the server wait, updates X's row: each waits for the other.

The server's backend waited first, so its deadlock check (deadlock_timeout,
1 s) fires first and aborts the server's transaction; psql's own check is set
far later, so psql is the one that goes on and commits. The client must see
one 200, the change made once, one audit row, and the retry in the log.

PostgreSQL only (make test-pg); SQLite has one writer and no such race.
"""
import os
import subprocess
import time

import pytest

import ahtest
from ahtest import API, PSQL, audit_items, create_person, login_lead, ok

pytestmark = pytest.mark.skipif(not ahtest.PG_MODE,
                                reason="needs PostgreSQL (AH_TEST_PG): run make test-pg")

LOCKER = "ahtest-locker"  # psql's application_name

LOCKER_SQL = """
BEGIN;
SELECT 1 FROM people WHERE id = %(lead)d FOR UPDATE;
DO $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  LOOP
    PERFORM pg_stat_clear_snapshot();
    PERFORM 1 FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'allhands'
        AND wait_event_type = 'Lock';
    EXIT WHEN FOUND;
    IF clock_timestamp() - t0 > interval '30 s' THEN
      RAISE EXCEPTION 'the server never waited for the lead''s row';
    END IF;
    PERFORM pg_sleep(0.005);
  END LOOP;
END $$;
SET LOCAL deadlock_timeout = '60s';
UPDATE people SET name = name WHERE id = %(target)d;
COMMIT;
"""


def psql_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGAPPNAME"] = LOCKER
    env["PGCONNECT_TIMEOUT"] = "10"
    return env


def locker_holds_lock(db):
    """True once the locker has its row lock and is watching for the server."""
    p = subprocess.run(
        [PSQL, db, "-X", "-qAt", "-c",
         "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'"
         " AND state = 'active' AND query LIKE '%%pg_stat_clear_snapshot%%'"
         " AND pid <> pg_backend_pid()" % LOCKER],
        capture_output=True, text=True, env=psql_env(), timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip() == "1"


def test_deadlocked_update_is_retried_once(start_server):
    srv = start_server()
    lead = login_lead(srv)
    target = create_person(lead)
    before = len([a for a in audit_items(lead) if a["action"] == "person.update"])

    locker = subprocess.Popen(
        [PSQL, srv.db, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=psql_env())
    try:
        locker.stdin.write(LOCKER_SQL % {"lead": lead.id, "target": target["id"]})
        locker.stdin.close()
        deadline = time.monotonic() + 30
        while not locker_holds_lock(srv.db):
            assert locker.poll() is None, locker.stderr.read()
            assert time.monotonic() < deadline, "psql never took its lock"
            time.sleep(0.02)

        r = lead.patch("%s/people/%d" % (API, target["id"]), {"name": "Raced Twice"})
        got = ok(r)
        assert got["name"] == "Raced Twice"
        locker.wait(timeout=60)
        errs = locker.stderr.read()  # a few lines at most: the pipe never filled
        assert locker.returncode == 0, "psql: %s" % errs  # psql won the deadlock
    finally:
        if locker.poll() is None:
            locker.kill()
            locker.wait()

    assert ok(lead.get("%s/people/%d" % (API, target["id"])))["name"] == "Raced Twice"
    updates = [a for a in audit_items(lead) if a["action"] == "person.update"]
    assert len(updates) == before + 1, updates  # the aborted attempt left nothing
    log = srv.log_tail()
    assert "http.retry" in log and "attempt=1" in log, log[-3000:]
