// queue.spec.js - the queue screen: the list, "Load more", search, "Next
// ticket" by button and by the "n" key, and the empty queue.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, HOLD_NOTHING, EMPTY_LEAD, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, openPage, screenshot, statusText } from './browser.js';

let server;
let browser;
let member;
let pro;
let lead;

before(async () => {
  server = await startServer();
  browser = await launch();
  member = await apiLogin(server.url, DEMO.member);
  pro = await apiLogin(server.url, DEMO.pro);
  lead = await apiLogin(server.url, DEMO.lead);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function queueTotal(client) {
  const r = await client.must('GET', '/queue?limit=200');
  return r.items.length;
}

const rows = (page) => page.locator('table.tickets tbody tr');

test('the queue lists what the member may take, most urgent first', { timeout: 60_000 }, async () => {
  await member.must('POST', '/queue/release', undefined, HOLD_NOTHING);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  await rows(page).first().waitFor();

  const api = await member.must('GET', '/queue?limit=50');
  assert.ok(api.items.length > 0, 'the demo queue has tickets for a member');
  assert.equal(await rows(page).count(), api.items.length, 'one row per ticket of the first page');
  const headers = await page.locator('table.tickets thead th').allInnerTexts();
  assert.deepEqual(headers.map((t) => t.trim().toLowerCase()),
    ['subject', 'requester', 'priority', 'tier', 'status', 'due']);

  const first = api.items[0];
  const firstRow = rows(page).first();
  const cells = await firstRow.locator('td').allInnerTexts();
  assert.ok(cells[0].includes(first.subject), `first row is the most urgent ticket (${cells[0]})`);
  assert.ok(cells[1].includes(first.requester.name || first.requester.email), 'requester shown');
  assert.equal(cells[2].trim().toLowerCase(), first.priority);
  assert.equal(cells[3].trim(), `Tier ${first.tier}`);
  assert.equal(cells[4].trim().toLowerCase(), first.status);
  assert.match(cells[5], /\b(in|ago|now|overdue)\b/i, 'due is shown in words');
  for (const t of api.items) assert.equal(t.tier, 1, 'a member is only offered tier-1 tickets');
  await screenshot(page, 'queue');

  await firstRow.locator('td').nth(4).click(); // a click anywhere on the row opens it
  await page.getByRole('heading', { level: 1, name: first.subject }).waitFor();
  assert.match(page.url(), new RegExp(`#/tickets/${first.id}$`));
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  assertClean(problems, dialogs);
  await context.close();
});

test('narrow screens and the dark scheme still read well', { timeout: 60_000 }, async () => {
  const phone = await openPage(browser, server.url, { session: member, viewport: { width: 390, height: 844 } });
  await phone.page.goto('/#/queue');
  await rows(phone.page).first().waitFor();
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling on a phone (page is ${width}px wide)`);
  await screenshot(phone.page, 'queue-mobile');
  assertClean(phone.problems, phone.dialogs);
  await phone.context.close();

  const dark = await openPage(browser, server.url, { session: member, colorScheme: 'dark' });
  await dark.page.goto('/#/queue');
  await rows(dark.page).first().waitFor();
  await screenshot(dark.page, 'queue-dark');
  assertClean(dark.problems, dark.dialogs);
  await dark.context.close();
});

test('"Load more" fetches the next 50', { timeout: 120_000 }, async () => {
  // Fill the queue past one page with tier-1 tickets.
  let total = await queueTotal(pro);
  for (let i = 0; total <= 60 && i < 80; i++) {
    await lead.must('POST', '/tickets', {
      subject: `Load-more filler ${i}: question about seat pricing`,
      body: 'How much does one more seat cost on the yearly plan?',
      requester_email: `filler${i}@customer.example`,
      requester_name: `Filler Customer ${i}`,
      tier: 1,
    });
    total = await queueTotal(pro);
  }
  assert.ok(total > 60, `the queue has more than one page (${total})`);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: pro });
  await page.goto('/#/queue');
  await rows(page).first().waitFor();
  assert.equal(await rows(page).count(), 50, 'the first page has 50 rows');
  const more = page.getByRole('button', { name: 'Load more' });
  await more.click();
  await eventually(async () => (await rows(page).count()) === Math.min(total, 100), 'rows after Load more');
  const ids = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.ticketId));
  assert.equal(new Set(ids).size, ids.length, 'no ticket is listed twice');
  if (total <= 100) assert.ok(await more.isHidden(), 'no "Load more" after the last page');
  assertClean(problems, dialogs);
  await context.close();
});

test('search finds tickets by words and says when nothing matches', { timeout: 60_000 }, async () => {
  const created = await lead.must('POST', '/tickets', {
    subject: 'Quokka integration stopped syncing',
    body: 'Our quokka connector has not synced since Tuesday.',
    requester_email: 'sam@customer.example',
    requester_name: 'Sam Searcher',
    tier: 1,
  });
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  await page.getByLabel('Search tickets').fill('quokka');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: /Search results for “quokka”/ }).waitFor();
  await page.getByRole('link', { name: created.subject }).waitFor();
  await screenshot(page, 'queue-search');

  await page.getByLabel('Search tickets').fill('xylophonezebra');
  await page.getByLabel('Search tickets').press('Enter');
  await page.getByText('No tickets match “xylophonezebra”.').waitFor();
  await page.getByRole('link', { name: 'Back to the queue' }).click();
  await page.getByRole('heading', { name: 'Waiting for someone' }).waitFor();
  assertClean(problems, dialogs);
  await context.close();
});

test('"Next ticket" claims the most urgent ticket and opens it', { timeout: 60_000 }, async () => {
  await member.must('POST', '/queue/release', undefined, HOLD_NOTHING);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await rows(page).first().waitFor();
  await page.getByRole('button', { name: 'Next ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);
  const id = Number(page.url().match(/(\d+)$/)[1]);
  const t = await member.must('GET', `/tickets/${id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  assert.equal(t.assignee_id, member.person.id, 'the ticket is claimed by the member');
  assert.ok(t.claimed_until, 'with a lease');
  assert.match(await statusText(page), new RegExp(`ticket #${id}`, 'i'));
  assert.match(await page.locator('.holder').innerText(), /You hold this ticket/);
  await member.must('POST', '/queue/release', undefined, HOLD_NOTHING);
  assertClean(problems, dialogs);
  await context.close();
});

test('pressing "n" takes the next ticket, but not while typing', { timeout: 60_000 }, async () => {
  await pro.must('POST', '/queue/release', undefined, HOLD_NOTHING);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: pro });
  await page.goto('/#/queue');
  await rows(page).first().waitFor();

  await page.getByLabel('Search tickets').click();
  await page.keyboard.type('n');
  await new Promise((r) => setTimeout(r, 300));
  assert.match(page.url(), /#\/queue$/, 'typing "n" in the search box does not take a ticket');
  assert.equal(await page.getByLabel('Search tickets').inputValue(), 'n');

  await page.getByRole('heading', { level: 1, name: 'Queue' }).click();
  await page.keyboard.press('n');
  await page.waitForURL(/#\/tickets\/\d+$/);
  const id = Number(page.url().match(/(\d+)$/)[1]);
  const t = await pro.must('GET', `/tickets/${id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  assert.equal(t.assignee_id, pro.person.id, 'claimed by the person who pressed "n"');
  await pro.must('POST', '/queue/release', undefined, HOLD_NOTHING);
  assertClean(problems, dialogs);
  await context.close();
});

test('an empty queue says so calmly, and "Next ticket" finds nothing', { timeout: 90_000 }, async () => {
  const empty = await startServer({ empty: true });
  try {
    const first = await apiLogin(empty.url, EMPTY_LEAD.email, EMPTY_LEAD.password);
    const { context, page, problems, dialogs } = await openPage(browser, empty.url, { session: first });
    await page.goto('/#/queue');
    await page.getByRole('heading', { name: 'The queue is empty — nothing to take right now.' }).waitFor();
    assert.match(await page.locator('.empty-state').innerText(), /Next ticket/, 'it says what to do');
    assert.equal(await page.locator('table.tickets').count(), 0, 'no empty table');
    await page.getByRole('button', { name: 'Next ticket' }).click();
    await eventually(async () => /Nothing to take right now/.test(await statusText(page)), 'calm message after Next ticket');
    assert.match(page.url(), /#\/queue$/, 'stays on the queue');
    assert.equal(await page.locator('[role=alert]').filter({ hasText: /\S/ }).count(), 0, 'no error alert');
    await screenshot(page, 'queue-empty');
    assertClean(problems, dialogs);
    await context.close();
  } finally {
    await empty.stop();
  }
});
