"""conftest.py - fixtures for the API tests: the real allhands binary on a
free loopback port over a fresh database, and logged-in people.

`server` is one server per test module (fast); `start_server(...)` starts a
separate one for a test that needs its own settings (a short claim lease), an
empty queue, or to kill it. When a test fails, the log of every server that
was running during the test is added to its report.

Run: /usr/bin/python3 -m pytest tests/api
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
                rep.sections.append(("allhands log (%s, %s)" % (srv.name, srv.dir),
                                     srv.log_tail()))


def _module_tag(request):
    return request.module.__name__.rsplit(".", 1)[-1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    """One allhands server with a fresh database for the whole module."""
    srv = Server(tmp_path_factory.mktemp("ah-" + _module_tag(request)),
                 name=_module_tag(request))
    srv.init().start()
    yield srv
    srv.stop()


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
    for srv in started:
        srv.stop()


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
