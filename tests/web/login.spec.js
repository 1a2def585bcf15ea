// login.spec.js - the log-in screen and logging out, as a member sees them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, startServer } from './server.js';
import { assertClean, launch, logIn, openPage, screenshot, statusText } from './browser.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a wrong password shows the server’s message, the right one opens the queue', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url);
  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  await page.locator('#login-email').focus();
  await screenshot(page, 'login');

  await page.getByLabel('Email').fill(DEMO.member);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: /\S/ }).waitFor();
  const shown = (await alert.innerText()).trim();
  const r = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: DEMO.member, password: 'not-the-password' }),
  });
  assert.equal(r.status, 401);
  const { error } = await r.json();
  assert.equal(shown.toLowerCase().replace(/\.$/, ''), error.message.toLowerCase().replace(/\.$/, ''),
    'the alert repeats the server’s message');
  assert.equal(await page.getByLabel('Password').inputValue(), '', 'the wrong password is cleared');
  await screenshot(page, 'login-error');

  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  const who = await page.locator('#who').innerText();
  const session = await page.request.get('/api/v1/session');
  assert.equal(session.status(), 200);
  const { person } = await session.json();
  assert.ok(who.includes(person.name), `header shows the name (${who})`);
  assert.match(who, /member/i, 'header shows the role');
  assert.equal(await page.getByRole('alert').count(), 0, 'no error left on the queue screen');
  assertClean(problems, dialogs);
  await context.close();
});

test('log out returns to the log-in screen and the old session is dead', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url);
  await logIn(page, DEMO.member, DEMO.password);
  const [cookie] = (await context.cookies()).filter((c) => c.name === 'ah_session');
  assert.ok(cookie, 'the session cookie is set');
  assert.ok(cookie.httpOnly, 'the session cookie is HttpOnly');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  assert.match(await statusText(page), /logged out/i);
  assert.ok(await page.locator('#app-header').isHidden(), 'the header with the name is gone');

  const now = await page.request.get('/api/v1/session');
  assert.equal(now.status(), 401, 'the browser has no session any more');
  const replay = await fetch(`${server.url}/api/v1/queue`, { headers: { Cookie: `ah_session=${cookie.value}` } });
  assert.equal(replay.status, 401, 'the old cookie value no longer works');

  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  assertClean(problems, dialogs);
  await context.close();
});

test('opening a ticket link while logged out asks to log in, then opens it', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url);
  await page.goto('/#/tickets/1');
  await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  await page.getByLabel('Email').fill(DEMO.lead);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('Ticket #1', { exact: true }).waitFor();
  assert.match(page.url(), /#\/tickets\/1$/);
  assertClean(problems, dialogs);
  await context.close();
});

test('the server’s CSP is in force and these tests would notice a violation', { timeout: 60_000 }, async () => {
  const res = await fetch(`${server.url}/`);
  const csp = res.headers.get('content-security-policy') || '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /style-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const { context, page, problems } = await openPage(browser, server.url);
  await page.goto('/');
  await page.getByLabel('Email').waitFor();
  assert.deepEqual(problems, [], 'the app itself breaks nothing');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true';
    document.body.append(s);
  });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.inlineRan), undefined, 'inline script blocked');
  assert.ok(problems.some((p) => p.startsWith('csp: script-src')), `violation recorded: ${problems.join(' | ')}`);
  await context.close();
});
