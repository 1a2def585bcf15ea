// browser.js - headless Debian Chromium through playwright-core, pages that
// record console errors, uncaught exceptions, CSP violations and dialogs, and
// the few steps every screen test shares (log in, screenshots, waiting).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.join(here, 'screenshots');

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** chromium.launch gives each browser a fresh temporary profile. */
export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

// A fetch that gets an error status the app expects and handles (401 on the
// session probe, 409 on a conflicting reply, 400, 403 and 422 whose message
// the screen shows...) makes Chromium log "Failed to load resource: ... status of
// 4xx". That is not an app error.
const EXPECTED_HTTP = /^Failed to load resource: the server responded with a status of (400|401|403|404|409|422|429)\b/;

/**
 * A new context + page (opts: viewport, colorScheme, session). Returns {context, page, problems, dialogs}:
 * problems collects console errors/warnings, page errors and CSP violations.
 */
export async function openPage(browser, baseURL, opts = {}) {
  const context = await browser.newContext({
    baseURL,
    viewport: opts.viewport || { width: 1280, height: 860 },
    colorScheme: opts.colorScheme || 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
  });
  if (opts.session) {
    // opts.session: an apiLogin() client; the page shares its session cookie.
    const { cookie } = opts.session;
    const name = cookie.slice(0, cookie.indexOf('='));
    const value = cookie.slice(cookie.indexOf('=') + 1);
    await context.addCookies([{ name, value, url: baseURL, httpOnly: true, sameSite: 'Lax' }]);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  const dialogs = [];
  page.on('console', (msg) => {
    const type = msg.type();
    if (type !== 'error' && type !== 'warning') return;
    const text = msg.text();
    if (type === 'error' && EXPECTED_HTTP.test(text)) return;
    problems.push(`console.${type}: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  // Report CSP violations even if Chromium stops logging them to the console.
  await page.exposeFunction('__ahCspViolation', (v) => problems.push(`csp: ${v}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__ahCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return { context, page, problems, dialogs };
}

/** Fails the test if the page logged errors, threw, or broke the CSP. */
export function assertClean(problems, dialogs = []) {
  assert.deepEqual(problems, [], `page problems:\n${problems.join('\n')}`);
  assert.deepEqual(dialogs, [], `unexpected dialogs:\n${dialogs.join('\n')}`);
}

export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Logs in through the log-in screen and waits for the queue. */
export async function logIn(page, email, password) {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
}

/**
 * Follows the header link named name: the everyday screens are in view,
 * the rest behind "More", which this opens first when it has to.
 */
export async function navTo(page, name) {
  const nav = page.locator('#app-nav');
  await nav.getByRole('link', { name: 'Queue', exact: true }).waitFor(); // the header is drawn
  const link = nav.getByRole('link', { name, exact: true });
  const more = nav.getByRole('button', { name: 'More' });
  if (!(await link.isVisible()) && (await more.getAttribute('aria-expanded')) !== 'true') await more.click();
  await link.click();
}

/** Waits until fn() returns a truthy value (polling), or fails with msg. */
export async function eventually(fn, msg, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) assert.fail(`${msg} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The text of the page's live status banner. */
export function statusText(page) {
  return page.locator('#announcer').innerText();
}
