// server.js - runs a real allhands server for the web tests: a fresh
// database in a temp dir (`allhands demo`, or `allhands init` for an empty
// one), a free loopback port, `allhands serve --web <repo>/web`, and a stop()
// that ends exactly that process (SIGTERM, SIGKILL after 5 s).
// Also a small API client (session cookie + CSRF) for setting the scene.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../..');
export const BIN = process.env.ALLHANDS_BIN
  ? path.resolve(process.env.ALLHANDS_BIN)
  : path.join(REPO, 'build', 'allhands');
export const WEB = path.join(REPO, 'web');

/** The logins `allhands demo` creates. */
export const DEMO = {
  password: 'allhands-demo',
  member: 'member@demo.allhands.test',
  pro: 'pro@demo.allhands.test',
  lead: 'lead@demo.allhands.test',
  admin: 'admin@demo.allhands.test',
};

/** The first lead of an empty database (startServer({empty: true})). */
export const EMPTY_LEAD = { email: 'first.lead@example.test', name: 'Robin First', password: 'first-lead-password' };

/** POST /queue/release answers 204, or 404 when the caller held nothing. */
export const HOLD_NOTHING = [204, 404];

const HEALTH_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const LOG_KEEP = 200; // lines of server output kept for failure messages

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function cleanEnv() {
  const env = { ...process.env, AH_PWHASH_FAST: '1' };
  for (const k of ['ALLHANDS_DB', 'ALLHANDS_LISTEN', 'ALLHANDS_WEB', 'ALLHANDS_THREADS']) delete env[k];
  if (!env.ALLHANDS_LOG_LEVEL) env.ALLHANDS_LOG_LEVEL = 'warn';
  return env;
}

/** Runs one CLI command to completion; throws with its output on failure. */
export function cli(args, { input, timeoutMs = 60_000 } = {}) {
  const r = spawnSync(BIN, args, { env: cleanEnv(), input, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw new Error(`allhands ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`allhands ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts a server on a fresh database. Options:
 *   people, tickets: demo size (default 30 people, 40 tickets)
 *   empty: true -> `allhands init` only (one lead, no tickets)
 *   testClock: true -> `serve --test-clock`: the server's clock stands still
 *     until an admin moves it (PUT /api/v1/test/clock; see adminToken())
 * Returns {url, db, dir, stop(), log(), cli(args, opts)}.
 */
export async function startServer({ people = 30, tickets = 40, empty = false, testClock = false } = {}) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`allhands binary not found at ${BIN}: run \`make build\` or set ALLHANDS_BIN`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allhands-web-'));
  const db = path.join(dir, 'allhands.db');
  try {
    if (empty) {
      cli(['init', '--db', db, '--email', EMPTY_LEAD.email, '--name', EMPTY_LEAD.name],
        { input: `${EMPTY_LEAD.password}\n` });
    } else {
      cli(['demo', '--db', db, '--people', String(people), '--tickets', String(tickets)]);
    }
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lines = [];
  const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', WEB];
  const env = cleanEnv();
  if (testClock) {
    args.push('--test-clock');
    env.ALLHANDS_ALLOW_TEST_CLOCK = '1';
  }
  const child = spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > LOG_KEEP) lines.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  // If the test process dies without calling stop(), do not leave the server behind.
  const killOnExit = () => {
    if (!exited) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  };
  process.once('exit', killOnExit);

  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });

  async function stop() {
    if (!exited) {
      process.kill(child.pid, 'SIGTERM');
      const timer = sleep(STOP_GRACE_MS).then(() => 'timeout');
      if ((await Promise.race([exitPromise, timer])) === 'timeout' && !exited) {
        process.kill(child.pid, 'SIGKILL');
        await exitPromise;
      }
    }
    process.removeListener('exit', killOnExit);
    removeDir();
  }

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      removeDir();
      throw new Error(`allhands serve exited early (${JSON.stringify(exited)}):\n${lines.join('\n')}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`allhands serve not healthy after ${HEALTH_TIMEOUT_MS} ms:\n${lines.join('\n')}`);
    }
    await sleep(100);
  }

  return {
    url,
    db,
    dir,
    stop,
    log: () => lines.join('\n'),
    cli: (args, opts) => cli([...args, '--db', db], opts),
  };
}

/** A new API token of the demo admin (`allhands user token`), e.g. to move the test clock. */
export function adminToken(server, email = DEMO.admin) {
  return server.cli(['user', 'token', '--email', email, '--name', 'web-test']).trim();
}

/**
 * A scripted API user: logs in with POST /session, then sends the cookie and
 * the CSRF token like the browser does. call() returns {status, body}.
 */
export async function apiLogin(baseUrl, email, password = DEMO.password) {
  const res = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json().catch(() => null);
  if (res.status !== 200) throw new Error(`log-in as ${email}: ${res.status} ${JSON.stringify(body)}`);
  const setCookie = res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie')];
  const cookie = setCookie.map((c) => String(c).split(';')[0]).find((c) => c.startsWith('ah_session='));
  if (!cookie) throw new Error(`log-in as ${email}: no ah_session cookie in ${JSON.stringify(setCookie)}`);
  const { csrf, person } = body;

  async function call(method, p, data) {
    const headers = { Cookie: cookie, Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
    if (data !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(`${baseUrl}/api/v1${p}`, {
      method, headers, body: data === undefined ? undefined : JSON.stringify(data),
    });
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch { json = text; }
    return { status: r.status, body: json };
  }

  /** Like call() but throws unless the status is one of `ok`. */
  async function must(method, p, data, ok = [200, 201, 204]) {
    const r = await call(method, p, data);
    if (!ok.includes(r.status)) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  return { person, csrf, cookie, call, must };
}
