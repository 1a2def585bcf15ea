// ratelimit.spec.js - the log-in screen when the server refuses more tries
// (429). Its own server: the limit is per address and would block the other
// tests' log-ins for a minute.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, startServer } from './server.js';
import { assertClean, launch, openPage, screenshot } from './browser.js';

let server;
let browser;

before(async () => {
  server = await startServer({ people: 8, tickets: 1 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('too many tries show the rate-limit message', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url);
  await page.goto('/');
  let last = null;
  for (let i = 0; i < 12 && (!last || last.status !== 429); i++) {
    const r = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: DEMO.member, password: `wrong-${i}-password` }),
    });
    last = { status: r.status, body: await r.json() };
  }
  assert.equal(last.status, 429, 'the server limits log-in attempts');

  await page.getByLabel('Email').fill(DEMO.member);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  const alert = page.getByRole('alert').filter({ hasText: /\S/ });
  await alert.waitFor();
  const text = (await alert.innerText()).toLowerCase();
  assert.ok(text.includes(last.body.error.message.toLowerCase().replace(/\.$/, '')),
    `the alert shows the server’s message (${text})`);
  assert.match(text, /wait/, 'it says to wait');
  assert.equal(text.match(/wait a minute/g)?.length ?? 1, 1, 'and says it once');
  assert.ok(await page.getByRole('heading', { level: 1, name: 'Log in' }).isVisible(), 'still on the log-in screen');
  await screenshot(page, 'login-rate-limited');
  assertClean(problems, dialogs);
  await context.close();
});
