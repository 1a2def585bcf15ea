// feedback.spec.js - the feedback loops' screens: a sales member files an
// escalation through "Escalate a customer" and follows it in My
// escalations until support solves it (and is told); a pro routes a ticket
// back to the seller whose promise caused it, whose reply then goes to
// review; an engineer announces a launch, a pro says support is not ready
// and what is missing, and a ticket with its tag shows the heads-up; a
// member gives kudos on a pro's reply, a pro turns a customer's thanks into
// kudos, and the pros see them on Kudos. Also the header's "More", the
// empty screens, and phones and dark mode.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, navTo, openPage, screenshot, statusText } from './browser.js';

const PASSWORD = 'feedback-spec-password';
const SELLER = { email: 'sam.seller@demo.allhands.test', name: 'Sam Seller', department: 'Sales' };
const ENGINEER = { email: 'erin.engineer@demo.allhands.test', name: 'Erin Engineer', department: 'Engineering' };
const PRO2 = { email: 'rosa.resolver@demo.allhands.test', name: 'Rosa Resolver', department: 'Support', role: 'pro' };
const CUSTOMER = { email: 'dana@acme.example', name: 'Dana Customer' };
const LAUNCH = {
  title: 'New invoice layout',
  changes: 'Invoices move to a new layout with the VAT number on top.',
  impact: 'Expect questions from accountants about the VAT field for a week.',
  tag: 'billing-vat',
};

let server;
let browser;
let lead;
let pro;
let pro2;
let member;
let seller;
let engineer;
let escalation; // the one the seller files
let launchId;

const DAY_MS = 86400000;
const ymd = (ms) => new Date(ms).toISOString().slice(0, 10);
const monthDay = (day) => new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

/** A colleague made by the lead, logged in through the API. */
async function colleague(p) {
  await lead.must('POST', '/people', { role: 'member', level: 'tier1', ...p, password: PASSWORD });
  return apiLogin(server.url, p.email, PASSWORD);
}

/** A tier-1 ticket from a customer, made by a pro. */
async function ticket(subject, body, extra = {}) {
  return pro.must('POST', '/tickets', {
    subject, body, requester_email: 'alex@customer.example', requester_name: 'Alex Accountant', tier: 1, ...extra,
  });
}

/** A reply by who on ticket t (answers 201, or 202 when held for review). */
async function reply(who, t, body) {
  const now = await who.must('GET', `/tickets/${t.id}`);
  return who.must('POST', `/tickets/${t.id}/messages`, { kind: 'reply', body, seen_message_id: now.last_message_id }, [201, 202]);
}

/** Pipes a customer's email to `allhands mail-in`; the ticket number it printed. */
function mailIn({ from, subject, id, inReplyTo, body }) {
  const lines = [`From: ${from}`, 'To: help@company.example', `Subject: ${subject}`, `Message-ID: ${id}`,
    'Date: Tue, 24 Nov 2026 10:00:00 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];
  if (inReplyTo) lines.push(`In-Reply-To: ${inReplyTo}`);
  const out = server.cli(['mail-in'], { input: Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}\r\n`) });
  const m = /^ticket (\d+)/.exec(out);
  assert.ok(m, `mail-in printed: ${out}`);
  return Number(m[1]);
}

async function noSidewaysScroll(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `no sideways scrolling (page is ${w}px wide)`);
}

before(async () => {
  server = await startServer();
  browser = await launch();
  lead = await apiLogin(server.url, DEMO.lead);
  pro = await apiLogin(server.url, DEMO.pro);
  member = await apiLogin(server.url, DEMO.member);
  seller = await colleague(SELLER);
  engineer = await colleague(ENGINEER);
  pro2 = await colleague(PRO2);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a sales member files an escalation through the form and sees it in My escalations', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: seller });
  // Nothing filed yet: the list says what it is for.
  await page.goto('/#/escalations');
  const empty = page.locator('#escalations-empty');
  await empty.waitFor();
  assert.match(await empty.innerText(), /You have not escalated a customer yet\.\s+When a customer reaches you directly/);
  assert.equal(await page.getByRole('radio', { name: 'Everyone’s' }).count(), 0, 'members see only their own');

  // The header's Escalate link, for everyone.
  await page.locator('#app-nav').getByRole('link', { name: 'Escalate', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Escalate a customer' }).waitFor();
  assert.equal(await page.locator('#app-nav a[aria-current=page]').getAttribute('data-screen'), 'escalate');
  assert.equal(await page.getByLabel(/priority|tier/i).count(), 0, 'support sets priority and tier: no field for them');
  assert.match(await page.locator('#intake-why-hint').innerText(), /the support team sets the priority and the tier/);

  // Sent empty: each required field says what it needs; focus on the first.
  await page.getByRole('button', { name: 'File the escalation' }).click();
  assert.match(await page.locator('#intake-email-error').innerText(), /Write the customer’s email address/);
  assert.match(await page.locator('#intake-text-error').innerText(), /Write what the customer wrote or said/);
  assert.match(await page.locator('#intake-channel-error').innerText(), /Choose how the customer reached you/);
  assert.equal(await page.getByLabel('Customer’s email').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'intake-email');

  await page.getByLabel('Customer’s email').fill(CUSTOMER.email);
  assert.equal(await page.getByLabel('Customer’s email').getAttribute('aria-invalid'), null, 'typing clears the mark');
  await page.getByLabel('Customer’s name').fill(CUSTOMER.name);
  await page.getByLabel('Subject').fill('Invoices wrong for Acme');
  await page.getByLabel('What the customer wrote or said').fill('Hi Sam, our invoices show last month’s VAT number again.\nCan you get this fixed before our audit?');
  await page.getByLabel('How it reached you').selectOption('chat');
  await page.getByLabel('Why it matters').fill('Acme renews next week; their CFO wrote to me directly.');
  await screenshot(page, 'escalation-form');
  // Ctrl+Enter in a text box files it.
  await page.getByLabel('Why it matters').press('Control+Enter');

  await page.waitForURL(/#\/escalations$/);
  await page.getByRole('heading', { level: 1, name: 'My escalations' }).waitFor();
  const mine = await seller.must('GET', '/escalations?mine=1');
  assert.equal(mine.items.length, 1);
  escalation = mine.items[0];
  assert.equal(escalation.channel, 'chat');
  assert.equal(escalation.ticket.subject, 'Invoices wrong for Acme');
  await eventually(async () => (await statusText(page)).includes(`Filed as ticket #${escalation.ticket_id}.`), 'the filing is announced');
  assert.match(await statusText(page), /you’ll be told when it is solved/);
  const item = page.locator(`#escalation-${escalation.id}`);
  const text = await item.innerText();
  assert.match(text, /Invoices wrong for Acme\s*#\d+/);
  assert.match(text, /Just filed/);
  assert.match(text, /STATUS\s+New/i);
  assert.match(text, /PRIORITY\s+Normal/i);
  assert.match(text, /Came by\s+Chat or DM/i);
  assert.match(text, /Why it matters: Acme renews next week/);
  assert.match(text, /With the support team\. You’ll be told when it is solved\./);
  assert.equal(await page.locator('#app-nav a[aria-current=page]').getAttribute('data-screen'), 'escalations');
  assert.ok(await page.locator('#nav-more').evaluate((b) => b.classList.contains('is-current')), '“More” shows the screen is behind it');
  assertClean(problems, dialogs);
  await context.close();
});

test('a pro marks it solved through the API and the member sees “Solved” after reload', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: seller });
  await page.goto('/#/escalations');
  const item = page.locator(`#escalation-${escalation.id}`);
  await item.waitFor();
  assert.doesNotMatch(await item.innerText(), /Just filed/, 'only right after filing');

  await pro.must('PATCH', `/tickets/${escalation.ticket_id}`, { priority: 'urgent' });
  await pro.must('PATCH', `/tickets/${escalation.ticket_id}`, { status: 'solved' });
  const told = await seller.must('GET', `/escalations/${escalation.id}`);
  assert.ok(told.told_at, 'the filer was told');

  await page.reload();
  await item.waitFor();
  const text = await item.innerText();
  assert.match(text, /STATUS\s+Solved/i);
  assert.match(text, /PRIORITY\s+Urgent/i, 'the priority support set');
  assert.match(await page.locator(`#escalation-${escalation.id}-told`).innerText(), /^✓ Solved — you were told on Nov \d+, 20\d\d, \d+:\d\d [AP]M\.$/);
  await screenshot(page, 'my-escalations');
  // The inbox says it too, in words, with the way back.
  await page.goto('/#/inbox');
  const notice = page.locator('.inbox-item[data-kind="escalation.solved"]');
  await notice.waitFor();
  assert.match(await notice.locator('.inbox-title').innerText(), /^A customer you escalated is solved$/);
  assert.equal(await notice.getByRole('link', { name: 'My escalations' }).getAttribute('href'), '#/escalations');
  assertClean(problems, dialogs);
  await context.close();

  // The lead sees everyone's, and the week's report counts it for Sales, urgent.
  const l = await openPage(browser, server.url, { session: lead });
  await l.page.goto('/#/escalations');
  await l.page.getByRole('radio', { name: 'Everyone’s' }).check();
  await l.page.getByRole('heading', { level: 1, name: 'Everyone’s escalations' }).waitFor();
  assert.match(l.page.url(), /#\/escalations\?all=1$/);
  await l.page.locator('#esc-by-department').waitFor();
  assert.equal(await l.page.locator('#esc-filed').innerText(), '1');
  assert.equal(await l.page.locator('#esc-urgent').innerText(), '1');
  assert.match(await l.page.locator('#esc-by-department tbody').innerText(), /Sales\s+1\s+1/);
  assert.match(await l.page.locator('#esc-by-filer tbody').innerText(), /Sam Seller\s+Sales\s+1\s+1/);
  assert.match(await l.page.locator(`#escalation-${escalation.id}`).innerText(), /by Sam Seller/);
  assert.match(await l.page.locator(`#escalation-${escalation.id}-told`).innerText(), /Solved — Sam Seller was told on/);
  await screenshot(l.page, 'escalations-everyone');
  const week = await l.page.locator('#esc-report-title').innerText();
  await l.page.getByRole('button', { name: 'Previous week' }).click();
  await l.page.locator('#esc-report-empty').waitFor();
  assert.notEqual(await l.page.locator('#esc-report-title').innerText(), week);
  assert.match(l.page.url(), /week=\d{4}-W\d\d/);
  assert.equal(await l.page.evaluate(() => document.activeElement.id), 'esc-week-prev', 'focus stays on the button');
  await l.page.getByRole('button', { name: 'This week' }).click();
  await l.page.locator('#esc-by-department').waitFor();
  assertClean(l.problems, l.dialogs);
  await l.context.close();
});

test('a pro routes a ticket back to a member through the ticket screen form', { timeout: 60_000 }, async () => {
  const t = await pro.must('POST', '/tickets', {
    subject: 'Where is the Gantt view you promised?', body: 'Your salesperson promised a Gantt view in November. Where is it?',
    requester_email: 'pat@bigco.example', requester_name: 'Pat Planner', tier: 2,
  });
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: pro });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const open = page.getByRole('button', { name: 'Caused by a promise or change…' });
  await open.click();
  assert.equal(await open.getAttribute('aria-expanded'), 'true');
  const form = page.locator('#route-back-form');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'route-person', 'the form takes focus');
  await form.getByRole('button', { name: 'Route back' }).click();
  assert.match(await page.locator('#route-person-error').innerText(), /Choose whose promise or change it was/);
  assert.match(await page.locator('#route-cause-error').innerText(), /Choose a promise or a change/);
  assert.match(await page.locator('#route-reason-error').innerText(), /Say what was promised or changed/);
  // Esc closes it and gives focus back; it opens again as it was.
  await page.keyboard.press('Escape');
  assert.equal(await form.isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'route-back-open');
  await open.click();

  const sellerId = seller.person.id;
  await eventually(async () => (await page.locator('#route-person option').count()) > 2, 'the people are listed');
  await page.getByLabel('Whose promise or change').selectOption(String(sellerId));
  await page.getByLabel('A promise — something the product does not do').check();
  await page.getByLabel('What was promised or changed').fill('Promised the Gantt view for November on the sales call');
  assert.equal(await page.getByLabel('Assign the follow-up to them').isChecked(), true, 'on by default');
  await screenshot(page, 'route-back');
  await form.getByRole('button', { name: 'Route back' }).click();

  const note = page.locator('#route-backs');
  await eventually(async () => (await note.isVisible()) && (await note.innerText()).includes('Sam Seller'), 'the note shows');
  assert.equal(await note.innerText(), '↩ Routed back to Sam Seller (Sales): promise — Promised the Gantt view for November on the sales call. Their reply is reviewed before it is sent.');
  assert.match(await statusText(page), /Routed back to Sam Seller \(Sales\): they are told, and the follow-up is theirs/);
  assert.equal(await form.isVisible(), false);
  const listed = await pro.must('GET', `/tickets/${t.id}/route-backs`);
  assert.equal(listed.items.length, 1);
  assert.equal(listed.items[0].cause, 'promise');
  assert.equal((await pro.must('GET', `/tickets/${t.id}`)).assignee_id, sellerId, 'the follow-up is theirs');
  assert.equal(await page.locator('.holder').innerText(), 'Assigned to Sam Seller.');
  assertClean(problems, dialogs);
  await context.close();

  // The seller: the note speaks to them, and their reply goes to review.
  const s = await openPage(browser, server.url, { session: seller });
  await s.page.goto(`/#/tickets/${t.id}`);
  await s.page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  await s.page.locator('#routed-to-me').waitFor();
  assert.match(await s.page.locator('#routed-to-me').innerText(), /This ticket was routed back to you\.\s+Your reply goes to the support team for review before the customer gets it/);
  assert.match(await s.page.locator('#route-backs').innerText(), /Routed back to you: promise — .* Your reply goes to the support team for review/);
  assert.equal(await s.page.getByRole('button', { name: 'Caused by a promise or change…' }).count(), 0, 'only pros and leads route back');
  await s.page.getByLabel('Your reply to the customer').fill('Hi Pat, I got ahead of our roadmap: the Gantt view ships in the first quarter. I am sorry for the confusion.');
  await s.page.getByRole('button', { name: 'Send', exact: true }).click();
  await eventually(async () => /Sent for review — a pro will look at it\./.test(await statusText(s.page)), 'the reply is held for review');
  await s.page.locator('#review-pending').waitFor();
  const held = await pro.must('GET', '/reviews?status=held&limit=200');
  assert.ok(held.items.some((r) => r.ticket_id === t.id), 'a pro has it to review');
  await screenshot(s.page, 'route-back-seller');
  assertClean(s.problems, s.dialogs);
  await s.context.close();
});

test('an engineer announces a launch, a pro marks it not ready with what is missing, and a ticket with its tag shows the heads-up', { timeout: 90_000 }, async () => {
  const day = ymd(Date.now() - 2 * DAY_MS);
  const later = ymd(Date.now() + 10 * DAY_MS);
  const e = await openPage(browser, server.url, { session: engineer });
  await e.page.goto('/#/queue');
  await navTo(e.page, 'Launches');
  await e.page.getByRole('heading', { level: 1, name: 'Launches' }).waitFor();
  await e.page.locator('#launches-empty').waitFor();
  assert.match(await e.page.locator('#launches-empty').innerText(), /No launches announced yet\.\s+Shipping something customers will notice\?/);

  await e.page.getByRole('button', { name: 'Announce a launch' }).first().click();
  const form = e.page.locator('#launch-form');
  await form.waitFor();
  assert.equal(await e.page.evaluate(() => document.activeElement.id), 'launch-title');
  await form.getByRole('button', { name: 'Announce' }).click();
  assert.match(await e.page.locator('#launch-title-error').innerText(), /Write a title/);
  assert.match(await e.page.locator('#launch-tags-error').innerText(), /Name at least one ticket tag/);
  await e.page.getByLabel('Title').fill(LAUNCH.title);
  await e.page.getByLabel('Launch day').fill(day);
  await e.page.getByLabel('What changes').fill(LAUNCH.changes);
  await e.page.getByLabel('Expected support impact').fill('Expect questions from accountants.');
  await e.page.getByLabel('Affected ticket tags').fill(`${LAUNCH.tag}, invoices  ${LAUNCH.tag}`);
  await form.getByRole('button', { name: 'Announce' }).click();

  await e.page.waitForURL(/#\/launches\/\d+$/);
  launchId = Number(/#\/launches\/(\d+)$/.exec(e.page.url())[1]);
  await e.page.getByRole('heading', { level: 1, name: LAUNCH.title }).waitFor();
  assert.match(await statusText(e.page), /Announced “New invoice layout” for .*\. The support team will say whether they are ready\./);
  assert.match(await e.page.locator('#launch-readiness').innerText(), /Support has not said yet whether they are ready/);
  assert.equal(await e.page.locator('#app-nav a[aria-current=page]').getAttribute('data-screen'), 'launches');
  const created = await engineer.must('GET', `/launches/${launchId}`);
  assert.deepEqual(created.tags, [LAUNCH.tag, 'invoices'], 'commas and spaces, each tag once');
  // The announcer edits in place; Esc would keep it as it was.
  await e.page.getByRole('button', { name: 'Edit' }).click();
  assert.equal(await e.page.evaluate(() => document.activeElement.id), 'launch-edit-title');
  await e.page.getByRole('textbox', { name: 'Expected support impact' }).fill(LAUNCH.impact);
  await e.page.getByRole('button', { name: 'Save changes' }).click();
  await eventually(async () => (await e.page.locator('#launch-impact').innerText()) === LAUNCH.impact, 'the edit shows');
  assert.equal(await e.page.locator('#launch-edit-form').count(), 0, 'the form closes');
  assert.equal(await e.page.evaluate(() => document.activeElement.id), 'launch-edit', 'focus back on Edit');
  assert.equal(await e.page.locator('#readiness-form').count(), 0, 'only support says whether it is ready');
  await engineer.must('POST', '/launches', { title: 'Gantt view', day: later, changes: 'Projects get a Gantt view.', impact: 'A few how-to questions.', tags: ['projects'] });

  // A pro: not ready, missing a saved reply and training, with a note.
  const p = await openPage(browser, server.url, { session: pro });
  await p.page.goto(`/#/launches/${launchId}`);
  await p.page.getByRole('heading', { level: 1, name: LAUNCH.title }).waitFor();
  await p.page.getByLabel('Not ready').check();
  await p.page.getByLabel('Saved reply').check();
  await p.page.getByLabel('Training').check();
  await p.page.getByLabel('Note').fill('No saved reply for the new VAT field yet.');
  await p.page.getByRole('button', { name: 'Save' }).click();
  await eventually(async () => /Support: not ready\. Missing a saved reply and training\./.test(await p.page.locator('#launch-readiness').innerText()), 'the readiness shows');
  assert.match(await statusText(p.page), /Saved: support is not ready — missing a saved reply and training\. Erin Engineer is told\./);
  await eventually(async () => /Said by Paolo Pro on/.test(await p.page.locator('#launch-judged').innerText()), 'who said it');
  const judged = await pro.must('GET', `/launches/${launchId}`);
  assert.equal(judged.readiness, 'not_ready');
  assert.deepEqual(judged.missing, ['saved_reply', 'training']);

  // A ticket with its tag: the heads-up beside the thread, for a member too.
  const t = await ticket('Where did the VAT number go?', 'Hello, the VAT number moved on my invoice. Is that right?', { tags: [LAUNCH.tag] });
  const m = await openPage(browser, server.url, { session: member });
  await m.page.goto(`/#/tickets/${t.id}`);
  await m.page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const panel = m.page.getByRole('complementary', { name: 'Launch heads-up' });
  await panel.waitFor();
  assert.match(await panel.locator('.headsup-line').innerText(), new RegExp(`^Launched ${monthDay(day)}: New invoice layout — expect questions from accountants about the VAT field for a week\\.$`));
  assert.match(await panel.innerText(), /Support: not ready\s+Missing a saved reply and training\./);
  assert.equal(await panel.getByRole('link', { name: LAUNCH.title }).getAttribute('href'), `#/launches/${launchId}`);
  await screenshot(m.page, 'ticket-heads-up');
  const other = await ticket('Unrelated question', 'How do I add a second admin?', { tags: ['account'] });
  await m.page.goto(`/#/tickets/${other.id}`);
  await m.page.getByRole('heading', { level: 1, name: other.subject }).waitFor();
  await m.page.waitForTimeout(300);
  assert.equal(await m.page.locator('#launch-heads-up, #launch-headsup').isVisible(), false, 'no heads-up without its tags');
  assertClean(m.problems, m.dialogs);
  await m.context.close();

  // The list: upcoming and launched, readiness in words; the launch: what it cost.
  await e.page.goto('/#/launches');
  await e.page.locator('#launches-upcoming').waitFor();
  assert.match(await e.page.locator('#launches-upcoming').innerText(), /Upcoming \(1\)[\s\S]*Gantt view[\s\S]*Support: not judged yet/);
  const launched = await e.page.locator('#launches-launched').innerText();
  assert.match(launched, new RegExp(`Launched \\(1\\)[\\s\\S]*New invoice layout\\s+Launched ${monthDay(day)}, 20\\d\\d`));
  assert.match(launched, /Support: not ready\s+Missing a saved reply and training\./);
  await screenshot(e.page, 'launches');
  assertClean(e.problems, e.dialogs);
  await e.context.close();

  await p.page.reload();
  await p.page.locator('#launch-cost-count').waitFor();
  assert.equal(await p.page.locator('#launch-cost-count').innerText(), '1');
  assert.match(await p.page.locator('#launch-cost').innerText(), /1\s+ticket with these tags in the week after launch so far/);
  assert.equal(await p.page.locator('#launch-cost').getByRole('link', { name: t.subject }).getAttribute('href'), `#/tickets/${t.id}`);
  await screenshot(p.page, 'launch');
  assertClean(p.problems, p.dialogs);
  await p.context.close();
});

test('a member gives kudos on a pro’s reply and the pro sees it on Kudos', { timeout: 90_000 }, async () => {
  const t = await ticket('Export skips archived rows', 'My export is missing half of the projects.');
  const words = 'Hi Alex, the export leaves archived projects out by default. Tick “Include archived” and export again — all of them will be there.';
  await reply(pro, t, words);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const give = page.getByRole('button', { name: 'Give kudos to Paolo Pro for this reply' });
  await give.click();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
  const form = page.locator('.kudos-form');
  await form.getByRole('button', { name: 'Give kudos' }).click();
  assert.match(await form.locator('.field-error').innerText(), /Say what was good about the reply/);
  await page.getByLabel('Kudos for Paolo Pro’s reply').fill('Clear, kind, and it fixed it in one go.');
  await screenshot(page, 'kudos-give');
  await form.getByRole('button', { name: 'Give kudos' }).click();
  const done = page.locator('.kudos-done');
  await done.waitFor();
  assert.equal(await done.innerText(), '★ You gave kudos: “Clear, kind, and it fixed it in one go.”');
  assert.match(await statusText(page), /Kudos sent to Paolo Pro\. They and their manager are told\./);

  // A second time the server says 409: said kindly.
  await page.reload();
  await give.click();
  await page.getByLabel('Kudos for Paolo Pro’s reply').fill('Again!');
  await page.getByLabel('Kudos for Paolo Pro’s reply').press('Control+Enter');
  await done.waitFor();
  assert.equal(await done.innerText(), '★ You already gave Paolo Pro kudos for this reply — thank you, once is plenty.');
  // The member's own kudos: none yet, and someone else's are not theirs to see.
  await page.goto('/#/kudos');
  await page.locator('#kudos-empty').waitFor();
  assert.match(await page.locator('#kudos-empty').innerText(), /^No kudos yet\. When someone praises one of your replies, it shows here\./);
  await page.goto(`/#/kudos?person=${pro.person.id}`);
  await page.locator('#kudos-forbidden').waitFor();
  assert.match(await page.locator('#kudos-forbidden').innerText(), /These kudos are not yours to see\./);
  assertClean(problems, dialogs);
  await context.close();

  // A customer's thanks, turned into kudos by the pro for Rosa's reply.
  const first = '<export-1@customer.example>';
  const mailed = mailIn({ from: 'Tess Thanks <tess@customer.example>', subject: 'Export is empty', id: first, body: 'My export is empty.' });
  await reply(pro2, { id: mailed }, 'Hi Tess, the filter was set to last week. Choose “All time” and export again.');
  assert.equal(mailIn({ from: 'Tess Thanks <tess@customer.example>', subject: 'Re: Export is empty', id: '<export-2@customer.example>', inReplyTo: first, body: 'Thank you so much, that fixed it!' }), mailed);
  const p = await openPage(browser, server.url, { session: pro });
  await p.page.goto(`/#/tickets/${mailed}`);
  await p.page.getByRole('heading', { level: 1, name: 'Export is empty' }).waitFor();
  await p.page.getByRole('button', { name: 'Turn this thanks into kudos' }).click();
  assert.match(await p.page.getByLabel('Which reply does it thank?').locator('option:checked').innerText(), /^Rosa Resolver, /);
  await p.page.getByRole('button', { name: 'Turn into kudos' }).click();
  await eventually(async () => /The customer’s thanks went to Rosa Resolver as kudos/.test(await statusText(p.page)), 'the thanks is passed on');

  // The pro's Kudos: the quote, who gave it, the reply quoted, the ticket linked.
  await p.page.goto('/#/queue');
  await navTo(p.page, 'Kudos');
  await p.page.getByRole('heading', { level: 1, name: 'Kudos' }).waitFor();
  const item = p.page.locator('.kudos-item').first();
  await item.waitFor();
  assert.equal(await p.page.locator('.kudos-item').count(), 1);
  assert.equal(await item.locator('.kudos-text').innerText(), 'Clear, kind, and it fixed it in one go.');
  assert.equal(await item.locator('.kudos-giver').innerText(), '— Mina Member');
  assert.match(await item.locator('.kudos-about').innerText(), /^For your reply on Export skips archived rows #\d+ · /);
  assert.equal(await item.getByRole('link', { name: t.subject }).getAttribute('href'), `#/tickets/${t.id}`);
  assert.match(await item.locator('.kudos-quote').innerText(), /^Hi Alex, the export leaves archived projects out by default/);
  await screenshot(p.page, 'kudos');
  // ...and, as support, anyone's: Rosa's, from the customer.
  await p.page.getByLabel('Whose kudos').selectOption(String(pro2.person.id));
  await eventually(async () => /the customer, passed on by Paolo Pro/.test(await p.page.locator('#kudos-region').innerText()), 'Rosa’s kudos show');
  assert.equal(await p.page.locator('.kudos-item .kudos-text').first().innerText(), 'Thank you so much, that fixed it!');
  assert.match(p.page.url(), new RegExp(`#/kudos\\?person=${pro2.person.id}$`));
  assertClean(p.problems, p.dialogs);
  await p.context.close();
});

test('the header keeps the everyday screens in view and the rest behind “More”, by keyboard too', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  const more = page.locator('#nav-more');
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('#app-nav').getByRole('link', { name: 'Launches' }).count(), 0, 'hidden until opened');
  await more.focus();
  await page.keyboard.press('Enter');
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  const groups = await page.locator('#nav-more-menu .nav-group-title').allInnerTexts();
  assert.deepEqual(groups.map((g) => g.toLowerCase()), ['learn', 'feedback'], 'members have no program section');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Training');
  await page.keyboard.press('Escape');
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'nav-more', 'Esc gives focus back');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Training', 'ArrowDown opens it on the first link');
  await page.mouse.click(5, 600);
  assert.equal(await more.getAttribute('aria-expanded'), 'false', 'a click elsewhere closes it');
  await navTo(page, 'Launches');
  await page.getByRole('heading', { level: 1, name: 'Launches' }).waitFor();
  assert.equal(await more.getAttribute('aria-expanded'), 'false', 'following a link closes it');
  assertClean(problems, dialogs);
  await context.close();

  // A phone: the header's links take two rows at most; the forms and lists fit the width.
  const phone = await openPage(browser, server.url, { session: seller, viewport: { width: 390, height: 844 } });
  await phone.page.goto('/#/escalate');
  await phone.page.getByRole('heading', { level: 1, name: 'Escalate a customer' }).waitFor();
  const rows = await phone.page.locator('#app-nav ul.nav-main > li').evaluateAll((lis) => new Set(lis.map((li) => Math.round(li.getBoundingClientRect().top))).size);
  assert.ok(rows <= 2, `the header's links take at most two rows on a phone (${rows})`);
  await noSidewaysScroll(phone.page, 390);
  await screenshot(phone.page, 'escalation-form-phone');
  await phone.page.locator('#nav-more').click();
  await screenshot(phone.page, 'nav-more-phone');
  await noSidewaysScroll(phone.page, 390);
  await phone.page.goto('/#/escalations');
  await phone.page.locator(`#escalation-${escalation.id}`).waitFor();
  await noSidewaysScroll(phone.page, 390);
  await phone.page.goto(`/#/launches/${launchId}`);
  await phone.page.locator('#launch-cost').waitFor();
  await noSidewaysScroll(phone.page, 390);
  await screenshot(phone.page, 'launch-phone');
  assertClean(phone.problems, phone.dialogs);
  await phone.context.close();

  // Dark mode: the launch list and the kudos read well.
  const dark = await openPage(browser, server.url, { session: pro, colorScheme: 'dark' });
  await dark.page.goto('/#/launches');
  await dark.page.locator('#launches-launched').waitFor();
  await dark.page.locator('#nav-more').click();
  await screenshot(dark.page, 'launches-dark');
  await dark.page.goto('/#/kudos');
  await dark.page.locator('.kudos-item').first().waitFor();
  await screenshot(dark.page, 'kudos-dark');
  assertClean(dark.problems, dark.dialogs);
  await dark.context.close();
});
