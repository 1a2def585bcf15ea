"""docs/openapi.yaml documents every route the server registers
(`allhands routes`), with its method."""
import re
import subprocess

import pytest

from ahtest import BIN, REPO, base_env

SPEC = REPO / "docs" / "openapi.yaml"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def norm(path):
    """/api/v1/tickets/{ticket_id} and /api/v1/tickets/{id} compare equal."""
    return re.sub(r"\{[^}/]*\}", "{}", path.rstrip("/") or "/")


def server_routes():
    if not BIN.exists():
        pytest.fail("no server binary at %s: run `make build` first" % BIN)
    p = subprocess.run([str(BIN), "routes"], capture_output=True, text=True, timeout=30,
                       env=base_env())
    assert p.returncode == 0, p.stderr
    routes = []
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        m = re.match(r"^([A-Z]+)\s+(/\S*)$", line.strip())
        assert m and m.group(1) in METHODS, "`allhands routes` printed %r" % line
        routes.append((m.group(1), m.group(2)))
    assert routes, "`allhands routes` printed nothing"
    return routes


def spec_operations(spec):
    """{(METHOD, normalized full path)} of the document, with servers' path
    prefixes (e.g. /api/v1) applied as well as not."""
    prefixes = {""}
    for s in spec.get("servers") or []:
        m = re.match(r"^(?:[a-z]+://[^/]+)?(/.*)?$", str(s.get("url", "")))
        if m and m.group(1):
            prefixes.add(m.group(1).rstrip("/"))
    ops = set()
    for path, item in (spec.get("paths") or {}).items():
        for method in item or {}:
            if method.upper() in METHODS:
                for pre in prefixes:
                    ops.add((method.upper(), norm(pre + path)))
    return ops


def test_every_route_is_documented():
    if not SPEC.exists():
        pytest.skip("docs/openapi.yaml does not exist yet (written by someone else)")
    yaml = pytest.importorskip("yaml")
    with open(SPEC, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    assert isinstance(spec, dict) and "paths" in spec, "not an OpenAPI document"
    assert str(spec.get("openapi", "")).startswith("3"), "want OpenAPI 3.x"
    documented = spec_operations(spec)
    missing = [("%s %s" % r) for r in server_routes() if (r[0], norm(r[1])) not in documented]
    assert not missing, "routes missing from docs/openapi.yaml:\n  " + "\n  ".join(missing)


def test_routes_cover_the_contract():
    have = {(m, norm(p)) for m, p in server_routes()}
    want = [("POST", "/api/v1/session"), ("GET", "/api/v1/session"),
            ("DELETE", "/api/v1/session"), ("POST", "/api/v1/tokens"),
            ("GET", "/api/v1/tokens"), ("DELETE", "/api/v1/tokens/{}"),
            ("GET", "/api/v1/people"), ("POST", "/api/v1/people"),
            ("GET", "/api/v1/people/{}"), ("PATCH", "/api/v1/people/{}"),
            ("GET", "/api/v1/tickets"), ("POST", "/api/v1/tickets"),
            ("GET", "/api/v1/tickets/{}"), ("PATCH", "/api/v1/tickets/{}"),
            ("POST", "/api/v1/tickets/{}/messages"), ("POST", "/api/v1/queue/next"),
            ("POST", "/api/v1/queue/release"), ("POST", "/api/v1/queue/skip"),
            ("GET", "/api/v1/queue"), ("GET", "/api/v1/audit"), ("GET", "/healthz"),
            ("GET", "/metrics")]
    missing = ["%s %s" % w for w in want if w not in have]
    assert not missing, "`allhands routes` lacks: %s" % missing
