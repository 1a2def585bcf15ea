"""conftest.py - fixtures for the API tests: the real allhands binary on a
free loopback port over a fresh database, and logged-in people.

`server` is one server per test module (fast); `start_server(...)` starts a
separate one for a test that needs its own settings (a short claim lease), an
empty queue, or to kill it. When a test fails, the log of every server that
was running during the test is added to its report.

Two modes, the same tests:
- SQLite (default): every Server's database is a file, allhands.db, in the
  Server's own temporary directory.
- PostgreSQL: with AH_TEST_PG set to a cluster's base URL
  (postgresql://postgres@127.0.0.1:PORT), every Server gets a fresh database
  ah_<pid>_<n>_<random> in that cluster, made with psql (/usr/bin/psql, or
  AH_TEST_PSQL) and passed as --db $AH_TEST_PG/ah_... to init, user, serve and
  every other command; it is dropped (WITH (FORCE)) when the Server is cleaned
  up. Tests marked sqlite_only (they open, lock or back up the SQLite file)
  are skipped in this mode; nothing else is.

Run: /usr/bin/python3 -m pytest tests/api
     AH_TEST_PG=postgresql://postgres@127.0.0.1:5432 /usr/bin/python3 -m pytest tests/api
"""
import time

import pytest

import ahtest
from ahtest import Server


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "server_bug(text): the server disagrees with the contract here; the test "
        "keeps asserting the contract (see the final report)")
    config.addinivalue_line(
        "markers",
        "sqlite_only(why): the test is about the SQLite database file itself; "
        "skipped when AH_TEST_PG selects PostgreSQL")


def pytest_report_header(config):
    if ahtest.PG_MODE:
        return "allhands database: PostgreSQL, a fresh database per server in %s" % ahtest.PG_BASE
    return "allhands database: SQLite, a fresh file per server"


def pytest_collection_modifyitems(config, items):
    if not ahtest.PG_MODE:
        return
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark is not None:
            why = mark.args[0] if mark.args else "uses the SQLite database file"
            item.add_marker(pytest.mark.skip(
                reason="sqlite_only: %s; AH_TEST_PG selects PostgreSQL" % why))


def pytest_sessionfinish(session, exitstatus):
    """Drops every PostgreSQL database a Server made and nothing cleaned up
    (a Server a test made itself, a fixture torn down by an error)."""
    for srv in Server.all:
        if srv.pg_name is not None:
            srv.drop_database()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item._ah_started = time.monotonic()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    since = getattr(item, "_ah_started", 0)
    for srv in Server.all:
        if srv.stopped_at is None or srv.stopped_at >= since:
            if srv.log_paths:
                where = "%s, %s" % (srv.dir, srv._db) if ahtest.PG_MODE and srv._db else srv.dir
                rep.sections.append(("allhands log (%s, %s)" % (srv.name, where),
                                     srv.log_tail()))


def _module_tag(request):
    return request.module.__name__.rsplit(".", 1)[-1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    """One allhands server with a fresh database for the whole module."""
    srv = Server(tmp_path_factory.mktemp("ah-" + _module_tag(request)),
                 name=_module_tag(request))
    try:
        srv.init().start()
        yield srv
    finally:
        srv.cleanup()


@pytest.fixture
def start_server(tmp_path):
    """start_server(lease_seconds=None, env=None, init=True) -> a running
    Server of its own; every one is stopped after the test."""
    started = []

    def start(lease_seconds=None, env=None, init=True, name="separate"):
        srv = Server(tmp_path / ("srv%d" % len(started)), name=name,
                     lease_seconds=lease_seconds, env=env)
        started.append(srv)
        if init:
            srv.init()
        return srv.start()

    yield start
    errors = []
    for srv in started:
        try:
            srv.cleanup()
        except ahtest.ServerError as e:
            errors.append(e)
    if errors:
        raise errors[0]


@pytest.fixture(scope="module")
def lead(server):
    """The lead made by `allhands init`, logged in with a cookie."""
    return ahtest.login_lead(server)


@pytest.fixture(scope="module")
def member(server, lead):
    """A member created through the API, logged in."""
    return ahtest.new_person(server, lead, role="member")[0]


@pytest.fixture(scope="module")
def pro(server, lead):
    """A support professional created through the API, logged in."""
    return ahtest.new_person(server, lead, role="pro")[0]
