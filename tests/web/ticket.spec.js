// ticket.spec.js - the ticket screen: thread, replying, notes, the "someone
// wrote while you were typing" conflict, release / done-next, and server
// text that looks like HTML staying text.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { DEMO, HOLD_NOTHING, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, openPage, screenshot, statusText } from './browser.js';

const CONFLICT = 'Someone wrote while you were typing — read the new message(s) and send again';
const EVIL_SUBJECT = '<img src=x onerror=alert(1)><script>alert(2)</script>';

let server;
let browser;
let member;
let lead;

before(async () => {
  server = await startServer();
  browser = await launch();
  member = await apiLogin(server.url, DEMO.member);
  lead = await apiLogin(server.url, DEMO.lead);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async () => {
  await member.must('POST', '/queue/release', undefined, HOLD_NOTHING); // each test starts holding nothing
});

/** A fresh tier-1 ticket from a customer, created by the lead. */
function newTicket(subject, body = 'Hello, can you help me with this?') {
  return lead.must('POST', '/tickets', {
    subject, body, requester_email: 'casey@customer.example', requester_name: 'Casey Customer', tier: 1,
  });
}

const ticketIdFromUrl = (page) => Number(page.url().match(/#\/tickets\/(\d+)$/)[1]);
const threadItems = (page) => page.locator('ol.thread > li');

test('take the next ticket, read it, reply, and see the reply in the thread', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.getByRole('button', { name: 'Next ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);
  const id = ticketIdFromUrl(page);
  const t = await member.must('GET', `/tickets/${id}`);

  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  assert.equal(await threadItems(page).count(), t.messages.length, 'every message is in the thread');
  const firstText = await threadItems(page).first().innerText();
  assert.ok(firstText.includes(t.messages[0].body.split('\n').find((l) => l.trim()).trim()), 'oldest message first');
  assert.ok(firstText.includes(t.messages[0].author_name), 'author shown');
  const facts = await page.locator('.facts').innerText();
  for (const word of [t.status, t.priority, `Tier ${t.tier}`]) {
    assert.ok(facts.toLowerCase().includes(String(word).toLowerCase()), `facts show ${word}`);
  }
  assert.ok((await page.locator('.requester').innerText()).includes(t.requester.name || t.requester.email));
  await screenshot(page, 'ticket');

  const text = `Hi ${t.requester.name || 'there'},\n\nthanks for writing in — I have looked into this and fixed it.\n\nBest, Max`;
  await page.getByLabel('Your reply to the customer').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await eventually(async () => /Reply sent/.test(await statusText(page)), 'Reply sent is announced');
  const reply = threadItems(page).last();
  await eventually(async () => (await reply.innerText()).includes('I have looked into this and fixed it'),
    'the reply is the newest message of the thread');
  assert.equal(await threadItems(page).count(), t.messages.length + 1);
  assert.match(await reply.getAttribute('class'), /msg-reply/, 'shown as a reply');
  assert.ok((await reply.innerText()).includes(member.person.name), 'with my name');
  assert.equal(await page.getByLabel('Your reply to the customer').inputValue(), '', 'the composer is empty again');

  const after = await member.must('GET', `/tickets/${id}`);
  const stored = after.messages[after.messages.length - 1];
  assert.equal(stored.kind, 'reply');
  assert.equal(stored.body, text, 'the server stored exactly what was typed');
  await screenshot(page, 'ticket-replied');
  assertClean(problems, dialogs);
  await context.close();
});

test('an internal note sent with Ctrl+Enter looks different from a reply', { timeout: 60_000 }, async () => {
  const t = await newTicket('Where can I download my invoices?');
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  await page.getByLabel('Internal note (only colleagues see it)').check();
  const box = page.getByLabel('Your internal note');
  await box.fill('Checked billing: invoices live under Settings → Billing.');
  await box.press('Control+Enter');
  await eventually(async () => /Note added/.test(await statusText(page)), 'Note added is announced');
  const note = threadItems(page).last();
  await eventually(async () => (await note.innerText()).includes('invoices live under Settings'), 'note in thread');
  assert.match(await note.getAttribute('class'), /msg-note/);
  assert.match(await note.innerText(), /internal note/i, 'labelled as an internal note');
  const [customerBg, noteBg] = await Promise.all([
    threadItems(page).first().locator('article').evaluate((e) => getComputedStyle(e).backgroundColor),
    note.locator('article').evaluate((e) => getComputedStyle(e).backgroundColor),
  ]);
  assert.notEqual(customerBg, noteBg, 'a note does not look like the customer’s message');
  const stored = (await member.must('GET', `/tickets/${t.id}`)).messages.pop();
  assert.equal(stored.kind, 'note');
  assertClean(problems, dialogs);
  await context.close();
});

test('someone wrote while you were typing: the new message is shown, then sending works', { timeout: 60_000 }, async () => {
  const t = await newTicket('The mobile app logs me out every hour');
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const before = await threadItems(page).count();
  const box = page.getByLabel('Your reply to the customer');
  await box.fill('Hi Casey, could you tell me which phone you use?');

  // Meanwhile a colleague answers through the API.
  const fresh = await lead.must('GET', `/tickets/${t.id}`);
  const theirs = await lead.must('POST', `/tickets/${t.id}/messages`, {
    kind: 'reply', body: 'Hi Casey, this is a known issue; a fix ships on Monday.', seen_message_id: fresh.last_message_id,
  });

  await page.getByRole('button', { name: 'Send' }).click();
  const notice = page.locator('#composer-notice');
  await eventually(async () => (await notice.innerText()).includes(CONFLICT), 'the conflict notice is shown');
  assert.equal(await notice.getAttribute('role'), 'alert');
  const newMsg = page.locator(`#message-${theirs.id}`);
  await newMsg.waitFor();
  assert.ok((await newMsg.innerText()).includes('a fix ships on Monday'), 'the newer message is in the thread');
  assert.match(await newMsg.innerText(), /new/i, 'and marked as new');
  assert.equal(await threadItems(page).count(), before + 1);
  assert.equal(await box.inputValue(), 'Hi Casey, could you tell me which phone you use?', 'the draft is kept');
  const mid = await member.must('GET', `/tickets/${t.id}`);
  assert.equal(mid.messages.length, before + 1, 'nothing of mine was stored');
  await newMsg.scrollIntoViewIfNeeded();
  await screenshot(page, 'ticket-conflict');

  await box.fill('Hi Casey, as my colleague said, the fix ships on Monday. Sorry for the trouble!');
  await page.getByRole('button', { name: 'Send' }).click();
  await eventually(async () => (await threadItems(page).last().innerText()).includes('as my colleague said'),
    'sending again after reading works');
  assert.equal(await notice.innerText(), '', 'the notice is gone');
  const done = await member.must('GET', `/tickets/${t.id}`);
  assert.equal(done.messages.length, before + 2);
  assertClean(problems, dialogs);
  await context.close();
});

test('a subject and body that look like HTML are shown as text', { timeout: 60_000 }, async () => {
  const body = '<b>bold?</b> <a href="javascript:alert(3)">click</a> <img src=x onerror=alert(4)>';
  // tier 1, so the member may open it: a ticket no routing rule classifies is tier 2 (policy default_tier)
  const t = await lead.must('POST', '/tickets', { subject: EVIL_SUBJECT, body, priority: 'urgent', tier: 1 });
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto(`/#/tickets/${t.id}`);
  const h1 = page.locator('h1');
  await eventually(async () => (await h1.textContent()) === EVIL_SUBJECT, 'the subject is shown literally');
  assert.ok(await page.getByText(EVIL_SUBJECT, { exact: true }).isVisible());
  assert.ok(await page.getByText(body, { exact: true }).isVisible(), 'the body is shown literally');
  assert.equal(await page.locator('main img, main b, main script').count(), 0, 'no element was injected');
  assert.equal(await page.locator('main a[href^="javascript:"]').count(), 0);
  await screenshot(page, 'ticket-html-subject');

  await page.goto('/#/queue');
  await page.getByRole('link', { name: EVIL_SUBJECT }).waitFor();
  assert.equal(await page.locator('main img, main script').count(), 0, 'the queue injects nothing either');
  await page.getByLabel('Search tickets').fill('onerror');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: /Search results/ }).waitFor();
  await page.waitForTimeout(500); // give a script every chance to run
  assert.deepEqual(dialogs, [], 'no alert() ran');
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  await screenshot(page, 'queue-html-search');
  assertClean(problems, dialogs);
  await context.close();
});

test('"Release" gives the ticket back to the queue', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.getByRole('button', { name: 'Next ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);
  const id = ticketIdFromUrl(page);
  await page.getByRole('button', { name: 'Release' }).click();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  assert.match(await statusText(page), new RegExp(`released ticket #${id}`, 'i'));
  const t = await member.must('GET', `/tickets/${id}`);
  assert.equal(t.claimed_until, null, 'the claim ended');
  assert.notEqual(t.assignee_id, member.person.id);
  assertClean(problems, dialogs);
  await context.close();
});

test('"Next ticket" on a held ticket hands it back and opens the next one', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.getByRole('button', { name: 'Next ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);
  const first = ticketIdFromUrl(page);
  await page.locator('.holder').getByText('You hold this ticket').waitFor();
  await page.getByRole('button', { name: /next ticket/i }).click();
  await eventually(async () => /#\/tickets\/\d+$/.test(page.url()) && ticketIdFromUrl(page) !== first,
    'a different ticket is opened');
  const second = ticketIdFromUrl(page);
  const t = await member.must('GET', `/tickets/${second}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const back = await member.must('GET', `/tickets/${first}`);
  assert.equal(back.claimed_until, null, 'the first ticket is no longer held');
  assertClean(problems, dialogs);
  await context.close();
});

test('leaving a held ticket with an unsent draft asks once, by button or by "n"', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.getByRole('button', { name: 'Next ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);
  const first = ticketIdFromUrl(page);
  await page.getByLabel('Your reply to the customer').fill('Half-written answer');
  await page.getByRole('heading', { level: 1 }).click(); // leave the text box
  await page.keyboard.press('n');
  const notice = page.locator('#composer-notice');
  await eventually(async () => /unsent message/.test(await notice.innerText()), 'the unsent-draft warning');
  assert.equal(ticketIdFromUrl(page), first, 'still on the same ticket');
  await page.keyboard.press('n');
  await eventually(async () => ticketIdFromUrl(page) !== first, 'the second "n" moves on');
  assertClean(problems, dialogs);
  await context.close();
});

test('when the claim ended behind the page, Release and Next still do the sensible thing', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.getByRole('button', { name: 'Next ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);
  const first = ticketIdFromUrl(page);
  await page.getByRole('button', { name: 'Release' }).waitFor();
  await member.must('POST', '/queue/release'); // as if the lease ran out
  await page.getByRole('button', { name: 'Release' }).click();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  assert.match(await statusText(page), new RegExp(`no longer hold ticket #${first}`));

  await page.getByRole('button', { name: 'Next ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);
  const second = ticketIdFromUrl(page);
  await page.getByRole('button', { name: /next ticket/i }).waitFor();
  await member.must('POST', '/queue/release');
  await page.getByRole('button', { name: /next ticket/i }).click();
  await eventually(async () => /Ticket #\d+ is yours|You took ticket/.test(await statusText(page))
    && /#\/tickets\/\d+$/.test(page.url()), 'a ticket is opened anyway');
  assert.equal(await page.locator('#announcer[data-tone=error]').count(), 0, 'no error shown');
  const now = await member.must('GET', `/tickets/${ticketIdFromUrl(page)}`);
  assert.equal(now.assignee_id, member.person.id, `holding a ticket again (was ${second})`);
  assertClean(problems, dialogs);
  await context.close();
});

test('a ticket that does not exist says so', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/tickets/987654');
  await page.getByRole('heading', { level: 1, name: 'Ticket #987654 was not found' }).waitFor();
  await page.getByRole('link', { name: '← Back to the queue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  assertClean(problems, dialogs);
  await context.close();
});

test('the ticket screen on a phone', { timeout: 60_000 }, async () => {
  const t = await newTicket('Can I change the email address on my account?',
    'Hi,\n\nI moved to a new company and would like to keep my account but use my new address. Is that possible?\n\nThanks, Casey');
  await member.must('POST', `/tickets/${t.id}/messages`, { kind: 'note', body: 'Account emails can be changed by the customer under Profile.', seen_message_id: t.last_message_id });
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member, viewport: { width: 390, height: 844 } });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
  await screenshot(page, 'ticket-mobile');
  assertClean(problems, dialogs);
  await context.close();
});
