// inbox.spec.js - the in-app inbox: the header's unread count (on start, on
// navigation, every few minutes while the tab is visible, not while hidden),
// the list of the consequence ladder's notifications, marking them read one
// by one (mouse and keyboard) and all at once, "Load older", the empty inbox
// and a failed load.
//
// The notifications come from the ladder, run with the CLI (`allhands report
// week`) as the server runs it each week. Each step is taken once per run of
// weeks behind, however late the ladder first sees it; the demo's people who
// are behind have been for weeks, so a run for a week the server has not run
// yet gives a demo login who is behind the reminder and the leadership report,
// and, made the manager of a few others who are behind, word of them too.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, openPage, screenshot, statusText } from './browser.js';
import { shiftWeek, weekNumber, weekOfFirstDay } from '../../web/weeks.js';

const TITLES = {
  'ladder.remind': 'Reminder: you are behind on queue time',
  'ladder.manager': 'Someone you manage is behind',
  'ladder.report': 'You are on the leadership report',
};
const REFRESH_MS = 3 * 60_000; // inbox.js INBOX_REFRESH_MS
const MANAGED = 5; // people made the login's reports, for more than one page of news

let server;
let browser;
let lead;
let behind; // apiLogin of the demo login with notifications
let quiet; // apiLogin of a demo login without any

/** Runs the ladder as described above, for a week the server has not run. */
async function makeNotifications() {
  const thisWeek = (await lead.must('GET', '/coverage')).week;
  const first = shiftWeek(thisWeek, -3);
  const r1 = await lead.must('GET', `/reports/compliance?week=${first}`);
  const still = r1.people.filter((p) => p.status === 'behind');
  const logins = [DEMO.member, DEMO.pro, DEMO.lead, DEMO.admin];
  const who = still.find((p) => logins.includes(p.email));
  assert.ok(who, `a demo login is behind in ${first}: ${still.map((p) => p.email).join(', ')}`);
  const reports = still.filter((p) => p.person_id !== who.person_id && !logins.includes(p.email))
    .slice(0, MANAGED);
  assert.ok(reports.length > 0, 'others behind, to be managed by the login');
  for (const p of reports) await lead.must('PATCH', `/people/${p.person_id}`, { manager_id: who.person_id });
  const out = server.cli(['report', 'week', '--week', first]);
  assert.match(out, /ladder: ran now, [1-9]\d* notification/, out);
  behind = await apiLogin(server.url, who.email);
  const mine = (await behind.must('GET', '/notifications?limit=200')).items;
  assert.ok(mine.some((n) => n.kind === 'ladder.manager'), 'word of the people the login manages');
  for (const email of logins) {
    if (email === who.email) continue;
    const c = email === DEMO.lead ? lead : await apiLogin(server.url, email);
    if ((await c.must('GET', '/notifications')).items.length === 0) {
      quiet = c;
      break;
    }
  }
  assert.ok(quiet, 'a demo login has an empty inbox');
}

before(async () => {
  server = await startServer();
  browser = await launch();
  lead = await apiLogin(server.url, DEMO.lead);
  await makeNotifications();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The login's whole inbox, newest first, through the API. */
async function inbox(client = behind) {
  const out = [];
  let cursor = null;
  do {
    const page = await client.must('GET', `/notifications?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

async function unreadCount() {
  return (await inbox()).filter((n) => !n.read_at).length;
}

/** The header's count as the page shows it ('' when none). */
function headerCount(page) {
  return page.evaluate(() => (document.getElementById('inbox-unread')?.textContent || '').trim());
}

const items = (page) => page.locator('#inbox-list > li');

async function noSidewaysScroll(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `no sideways scrolling (page is ${w}px wide)`);
}

test('the header counts the unread notifications, and the inbox lists them newest first without marking them', { timeout: 60_000 }, async () => {
  const all = await inbox();
  const kinds = new Set(all.map((n) => n.kind));
  for (const k of Object.keys(TITLES)) assert.ok(kinds.has(k), `the login has a ${k} notification`);
  const unread = all.filter((n) => !n.read_at).length;
  assert.equal(unread, all.length, 'all unread to begin with');

  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: behind });
  await page.goto('/#/queue');
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  const link = page.locator('#app-nav').getByRole('link', { name: `Inbox, ${unread} unread`, exact: true });
  await link.waitFor();
  assert.equal(await headerCount(page), String(unread), 'the number is written beside “Inbox”');
  assert.equal((await link.innerText()).replace(/\s+/g, ' ').trim(), `Inbox ${unread}`);

  await link.click();
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  assert.match(page.url(), /#\/inbox$/);
  assert.equal(await page.locator('#app-nav a[aria-current=page]').getAttribute('data-screen'), 'inbox');
  await items(page).first().waitFor();
  assert.equal(await items(page).count(), all.length, 'one item per notification');
  const ids = await items(page).evaluateAll((lis) => lis.map((li) => Number(li.dataset.notificationId)));
  assert.deepEqual(ids, all.map((n) => n.id), 'newest first, as the server sends them');
  for (const [i, n] of all.entries()) {
    const li = items(page).nth(i);
    const text = await li.innerText();
    assert.equal(await li.locator('h2').innerText(), TITLES[n.kind], `item ${n.id} is titled by its kind`);
    assert.ok(text.includes(n.body), `item ${n.id} shows the body`);
    assert.ok(text.includes('New'), `item ${n.id} says it is new`);
    const week = weekOfFirstDay(n.week_first_day); // the first week of the run of weeks behind
    assert.ok(text.includes(`Week ${weekNumber(week)}`), `item ${n.id} names its week`);
    const weekLink = li.getByRole('link', { name: new RegExp(`^Week ${weekNumber(week)} · `) });
    if (n.kind === 'ladder.manager') assert.equal(await weekLink.count(), 0, 'someone else’s week is not a link to My week');
    else assert.equal(await weekLink.getAttribute('href'), `#/week?week=${week}`, 'one’s own week links to My week');
    assert.equal(await li.getByRole('button', { name: 'Mark as read' }).count(), 1);
  }
  assert.match(await page.locator('#inbox-count').innerText(), new RegExp(`^${all.length} notifications, ${unread} new\\.$`));
  assert.ok(await page.getByRole('button', { name: 'Mark all as read' }).isVisible());
  assert.ok(await page.locator('#inbox-older').isHidden(), 'one page: nothing older to load');
  await screenshot(page, 'inbox');

  assert.equal(await unreadCount(), unread, 'opening the inbox marks nothing read');
  assertClean(problems, dialogs);
  await context.close();
});

test('the inbox on a phone and in the dark', { timeout: 60_000 }, async () => {
  const phone = await openPage(browser, server.url, { session: behind, viewport: { width: 390, height: 844 } });
  await phone.page.goto('/#/inbox');
  await items(phone.page).first().waitFor();
  await phone.page.locator('#inbox-unread').waitFor();
  await noSidewaysScroll(phone.page, 390);
  await screenshot(phone.page, 'inbox-mobile');
  assertClean(phone.problems, phone.dialogs);
  await phone.context.close();

  const dark = await openPage(browser, server.url, { session: behind, colorScheme: 'dark' });
  await dark.page.goto('/#/inbox');
  await items(dark.page).first().waitFor();
  await dark.page.locator('#inbox-unread').waitFor();
  await screenshot(dark.page, 'inbox-dark');
  assertClean(dark.problems, dark.dialogs);
  await dark.context.close();
});

test('the count follows on navigation and every few minutes while visible, not while hidden', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: behind });
  await page.clock.install();
  await page.goto('/#/queue');
  let unread = await unreadCount();
  await eventually(async () => (await headerCount(page)) === String(unread), 'the count on start');
  const oldest = async () => (await inbox()).filter((n) => !n.read_at).at(-1);

  // Read elsewhere (another tab, the API): the next screen shows it.
  await behind.must('POST', `/notifications/${(await oldest()).id}/read`, undefined, [204]);
  unread--;
  await page.locator('#app-nav').getByRole('link', { name: 'My week' }).click();
  await page.getByRole('heading', { level: 1, name: 'My week' }).waitFor();
  await eventually(async () => (await headerCount(page)) === String(unread), 'the count after navigating');

  // Staying on one screen: the count is asked for again every few minutes.
  await behind.must('POST', `/notifications/${(await oldest()).id}/read`, undefined, [204]);
  unread--;
  await page.clock.runFor(REFRESH_MS + 1000);
  await eventually(async () => (await headerCount(page)) === String(unread), 'the count after a few minutes');

  // A hidden tab asks nothing; back, it counts again.
  const asked = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/notifications')) asked.push(r.url());
  });
  const setVisibility = (state) => page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
  await setVisibility('hidden');
  await behind.must('POST', `/notifications/${(await oldest()).id}/read`, undefined, [204]);
  unread--;
  await page.clock.runFor(2 * REFRESH_MS);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(asked, [], 'nothing asked while hidden');
  assert.equal(await headerCount(page), String(unread + 1), 'the old count stays meanwhile');
  await setVisibility('visible');
  await eventually(async () => (await headerCount(page)) === String(unread), 'the count on coming back');
  assertClean(problems, dialogs);
  await context.close();
});

test('“Mark as read” by mouse and keyboard, then “Mark all as read”: the count follows', { timeout: 60_000 }, async () => {
  let unread = await unreadCount();
  assert.ok(unread >= 3, `enough unread left (${unread})`);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: behind });
  await page.goto('/#/inbox');
  await items(page).first().waitFor();
  await eventually(async () => (await headerCount(page)) === String(unread), 'the count on the inbox');

  // The mouse: the first unread one.
  const first = page.locator('#inbox-list > li.is-unread').first();
  const firstId = Number(await first.getAttribute('data-notification-id'));
  await first.getByRole('button', { name: 'Mark as read' }).click();
  unread--;
  const firstNow = page.locator(`#inbox-list > li[data-notification-id="${firstId}"]`);
  await firstNow.getByText('Read', { exact: true }).waitFor();
  assert.equal(await firstNow.getByText('New', { exact: true }).count(), 0, '“New” is gone');
  await eventually(async () => (await headerCount(page)) === String(unread), 'the header count after one');
  assert.ok((await inbox()).find((n) => n.id === firstId).read_at, 'read on the server');
  assert.equal(await page.getByRole('link', { name: `Inbox, ${unread} unread`, exact: true }).count(), 1);

  // The keyboard: focus moved on to the next unread one's button; Enter marks it.
  const focused = await page.evaluate(() => ({
    text: document.activeElement.textContent,
    id: document.activeElement.closest('li')?.dataset.notificationId,
  }));
  assert.equal(focused.text, 'Mark as read', 'focus is on the next “Mark as read”');
  await page.keyboard.press('Enter');
  unread--;
  await page.locator(`#inbox-list > li[data-notification-id="${focused.id}"]`).getByText('Read', { exact: true }).waitFor();
  await eventually(async () => (await headerCount(page)) === String(unread), 'the header count after the keyboard');
  assert.match(await page.locator('#inbox-count').innerText(), new RegExp(`${unread} new\\.$`));

  // All the rest at once.
  await page.getByRole('button', { name: 'Mark all as read' }).click();
  await eventually(async () => /Marked \d+ notifications? as read/.test(await statusText(page)), 'the banner says so');
  await eventually(async () => (await headerCount(page)) === '', 'no count once all are read');
  assert.equal(await page.locator('#app-nav').getByRole('link', { name: 'Inbox', exact: true }).count(), 1, 'the link reads just “Inbox”');
  assert.equal(await page.locator('#inbox-list > li.is-unread').count(), 0);
  assert.ok(await page.getByRole('button', { name: 'Mark all as read' }).isHidden(), 'nothing left to mark');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'inbox-title', 'focus went to the heading, not lost');
  assert.equal(await unreadCount(), 0, 'all read on the server');
  assert.match(await page.locator('#inbox-count').innerText(), /none new\.$/);
  await screenshot(page, 'inbox-read');
  assertClean(problems, dialogs);
  await context.close();
});

test('“Load older” pages back through the inbox', { timeout: 60_000 }, async () => {
  const all = await inbox();
  assert.ok(all.length >= 4, `a few notifications (${all.length})`);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: behind });
  // Pages of 2 instead of 50, so that this inbox has several.
  await page.route('**/api/v1/notifications?*', (route) => {
    const u = new URL(route.request().url());
    u.searchParams.set('limit', '2');
    return route.continue({ url: u.toString() });
  });
  await page.goto('/#/inbox');
  await items(page).first().waitFor();
  assert.equal(await items(page).count(), 2);
  assert.match(await page.locator('#inbox-count').innerText(), /^The newest 2 notifications/);
  const older = page.locator('#inbox-older'); // its words change to "Loading…" meanwhile
  assert.equal(await older.innerText(), 'Load older');
  await older.click();
  await eventually(async () => (await items(page).count()) === 4, 'two more');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.notificationId), String(all[2].id),
    'focus on the first of the older ones');
  while (await older.isVisible()) {
    const n = await items(page).count();
    await older.click();
    await eventually(async () => (await items(page).count()) > n, 'more');
    await eventually(async () => (await older.isHidden()) || (await older.isEnabled()), 'loaded');
  }
  const ids = await items(page).evaluateAll((lis) => lis.map((li) => Number(li.dataset.notificationId)));
  assert.deepEqual(ids, all.map((n) => n.id), 'every notification once, newest first');
  assert.match(await page.locator('#inbox-count').innerText(), new RegExp(`^${all.length} notifications`));
  assertClean(problems, dialogs);
  await context.close();
});

test('an empty inbox says what would arrive there', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: quiet });
  await page.goto('/#/queue');
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  await page.locator('#app-nav').getByRole('link', { name: 'Inbox', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  const empty = page.locator('#inbox-empty');
  await empty.waitFor();
  assert.match(await empty.innerText(), /^Nothing here\.\s+Reminders about your queue hours and the people you manage arrive here\./);
  assert.equal(await headerCount(page), '', 'no count');
  assert.equal(await page.locator('#inbox-list').count(), 0, 'no empty list');
  assert.ok(await page.getByRole('button', { name: 'Mark all as read' }).isHidden());
  await screenshot(page, 'inbox-empty');
  assertClean(problems, dialogs);
  await context.close();

  const dark = await openPage(browser, server.url, { session: quiet, colorScheme: 'dark', viewport: { width: 390, height: 844 } });
  await dark.page.goto('/#/inbox');
  await dark.page.locator('#inbox-empty').waitFor();
  await noSidewaysScroll(dark.page, 390);
  await screenshot(dark.page, 'inbox-empty-dark-mobile');
  assertClean(dark.problems, dark.dialogs);
  await dark.context.close();
});

test('a reminder’s week opens My week at that week', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: behind });
  await page.goto('/#/inbox');
  const mine = (await inbox()).find((n) => n.kind === 'ladder.remind');
  const week = weekOfFirstDay(mine.week_first_day);
  const reminder = page.locator(`#inbox-list > li[data-notification-id="${mine.id}"]`);
  await reminder.getByRole('link', { name: new RegExp(`^Week ${weekNumber(week)} · `) }).click();
  await page.waitForURL(new RegExp(`#/week\\?week=${week}$`));
  await page.locator('.week-label', { hasText: `Week ${weekNumber(week)}` }).waitFor();
  assertClean(problems, dialogs);
  await context.close();
});

test('an inbox that cannot be loaded says so and offers to try again', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: behind });
  await page.goto('/#/queue');
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  let fail = true;
  await page.route('**/api/v1/notifications?*', (route) => (fail
    ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'the database is busy' } }) })
    : route.continue()));
  await page.locator('#app-nav').getByRole('link', { name: /^Inbox/ }).click();
  const alert = page.getByRole('alert').filter({ hasText: /\S/ });
  await alert.waitFor();
  assert.equal(await alert.innerText(), 'Could not load your inbox: The database is busy.');
  fail = false;
  await page.getByRole('button', { name: 'Try again' }).click();
  await items(page).first().waitFor();
  // Chromium logs the 503 it was handed; nothing else may go wrong.
  assertClean(problems.filter((p) => !/status of 503/.test(p)), dialogs);
  await context.close();
});
