// groups.spec.js - repeated questions and fixes: a member sees "2 others
// asked this this week" beside a ticket and opens its group; a lead renames
// the group in place and links a fix (title, tracker URL, owner); the owner
// sees it on My fixes and marks it shipped, and a ticket that still comes
// after that says "After fix". Also the list (sparklines, filters, paging),
// merging, moving a ticket out, and the empty screens of a new company.
//
// The server groups tickets a moment after they arrive (about a second):
// grouped() polls GET /tickets/{id}/similar until it has.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, EMPTY_LEAD, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, logIn, openPage, screenshot, statusText, navTo } from './browser.js';

// One question, asked in other words each time.
const ASKED = [
  ['The Zorblax export button does nothing', 'When I click the Zorblax export button nothing happens at all. No file, no error.'],
  ['Zorblax export button not working', 'I press export in Zorblax and nothing happens, no download starts.'],
  ['Clicking export in Zorblax does nothing', 'The Zorblax export button does nothing when I click it. Please help, I need the export.'],
];
const AFTER_FIX = ['Zorblax export still does nothing', 'The export button in Zorblax still does nothing when I click it, even after your update.'];
const FIX = { title: 'Zorblax export works again', url: 'https://tracker.example/ZX-481' };
const NAME = 'Zorblax export button does nothing';

let server;
let browser;
let lead;
let member;
let tickets = []; // the ids of ASKED, in order
let groupId;

/** A tier-1 ticket from a customer, created by the lead. */
async function ask([subject, body]) {
  const t = await lead.must('POST', '/tickets', {
    subject, body, requester_email: 'casey@customer.example', requester_name: 'Casey Customer', tier: 1,
  });
  return t.id;
}

/** GET /tickets/{id}/similar once the server has grouped the ticket (with ok(s) true). */
function grouped(id, ok = () => true) {
  return eventually(async () => {
    const s = await lead.must('GET', `/tickets/${id}/similar`);
    return s.grouped && ok(s) ? s : null;
  }, `ticket ${id} is grouped`, 15_000);
}

async function noSidewaysScroll(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `no sideways scrolling (page is ${w}px wide)`);
}

before(async () => {
  server = await startServer();
  browser = await launch();
  lead = await apiLogin(server.url, DEMO.lead);
  member = await apiLogin(server.url, DEMO.member);
  for (const q of ASKED) tickets.push(await ask(q));
  const s = await grouped(tickets[2], (x) => x.others >= 2);
  groupId = s.group.id;
  assert.equal(s.others_this_week, 2, 'the three tickets are one group');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a member sees “2 others asked this this week” beside the ticket and opens its group', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto(`/#/tickets/${tickets[2]}`);
  await page.getByRole('heading', { level: 1, name: ASKED[2][0] }).waitFor();
  const panel = page.getByRole('complementary', { name: 'Similar questions' });
  const link = panel.getByRole('link', { name: '2 others asked this this week' });
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `#/groups/${groupId}`);
  assert.match(await panel.locator('.similar-count').innerText(), /2 others asked this this week · 2 in all/);
  const spark = panel.locator('svg.sparkline');
  assert.match(await spark.getAttribute('aria-label'), /tickets a week over the last 8 weeks, oldest first; 3 this week\.$/);
  assert.equal(await spark.getAttribute('role'), 'img');
  for (const i of [0, 1]) {
    const other = panel.getByRole('link', { name: ASKED[i][0], exact: true });
    assert.equal(await other.getAttribute('href'), `#/tickets/${tickets[i]}`, 'the open tickets asking the same are links');
  }
  assert.equal(await panel.getByRole('link', { name: ASKED[2][0], exact: true }).count(), 0, 'not the ticket itself');
  assert.equal(await panel.getByRole('button', { name: /Move out/ }).count(), 0, 'members do not regroup tickets');
  assert.equal(await page.locator('#app-nav a[aria-current=page]').getAttribute('data-screen'), 'queue');
  await screenshot(page, 'ticket-similar');

  await link.click();
  await page.waitForURL(new RegExp(`#/groups/${groupId}$`));
  const group = await member.must('GET', `/groups/${groupId}`);
  await page.getByRole('heading', { level: 1, name: group.name }).waitFor();
  assert.equal(await page.locator('#app-nav a[aria-current=page]').getAttribute('data-screen'), 'groups');
  assert.match(await page.locator('#group-stats').innerText(), /TICKETS\s+3\s+THIS WEEK\s+3/i);
  assert.equal(await page.locator('#group-met-by').innerText(), 'Met by: 0 engineers, 0 in sales, 0 founders');
  await page.locator('#group-no-fix').waitFor();
  for (const name of ['Rename', 'Mark as not a product issue', 'Link fix', 'Merge…']) {
    assert.equal(await page.getByRole('button', { name }).count(), 0, `a member has no “${name}”`);
  }
  const rows = page.locator('#group-tickets-table tbody tr');
  await rows.first().waitFor();
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.ticketId))), [...tickets].reverse(), 'its tickets, newest first');
  // The chart: a bar per week with its count, the weeks' first days, and the same numbers as a table.
  assert.equal(await page.locator('#group-trend .chart-bar').count(), 1, 'only this week has tickets');
  assert.deepEqual(await page.locator('#group-trend .chart-value').allTextContents(), ['0', '0', '0', '0', '0', '0', '0', '3']);
  assert.equal(await page.locator('#group-trend .chart-now').textContent(), 'This week');
  assert.equal(await page.locator('#group-trend-table tbody tr').count(), 8);
  assertClean(problems, dialogs);
  await context.close();
});

test('a lead renames the group in place and links a fix with a tracker link and an owner', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto(`/#/groups/${groupId}`);
  const before = await lead.must('GET', `/groups/${groupId}`);
  await page.getByRole('heading', { level: 1, name: before.name }).waitFor();

  // Esc keeps the old name; Enter saves the new one.
  await page.getByRole('button', { name: `Rename “${before.name}”` }).click();
  const name = page.getByLabel('Name of this question');
  assert.equal(await name.evaluate((el) => el === document.activeElement), true, 'the field takes focus');
  await name.fill('Something else entirely');
  await name.press('Escape');
  await page.getByRole('heading', { level: 1, name: before.name }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'group-rename', 'focus back on Rename');
  await page.keyboard.press('Enter');
  await name.fill(NAME);
  await screenshot(page, 'group-rename');
  await name.press('Enter');
  await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
  await eventually(async () => /Renamed to “Zorblax export button does nothing”/.test(await statusText(page)), 'the rename is announced');
  const renamed = await lead.must('GET', `/groups/${groupId}`);
  assert.equal(renamed.name, NAME);
  assert.equal(renamed.named, true, 'a person named it');

  // Link a fix: labelled fields, the owner from a list of people.
  const fix = page.locator('#group-fix');
  await fix.getByRole('heading', { name: 'Link a fix' }).waitFor();
  await fix.getByRole('button', { name: 'Link fix' }).click();
  assert.match(await page.locator('#fix-new-error').innerText(), /Write the fix’s title/);
  await screenshot(page, 'group-link-fix');
  assert.equal(await page.getByLabel('Title', { exact: true }).getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Title', { exact: true }).fill(FIX.title);
  await page.getByLabel('Tracker URL').fill('tracker.example/ZX-481');
  await page.getByLabel('Owner', { exact: true }).selectOption(String(member.person.id));
  await fix.getByRole('button', { name: 'Link fix' }).click();
  assert.match(await page.locator('#fix-new-error').innerText(), /starts with https:\/\//, 'a tracker URL is a web address');
  await page.getByLabel('Tracker URL').fill(FIX.url);
  await fix.getByRole('button', { name: 'Link fix' }).click();

  await page.locator('#fix-linked').waitFor();
  await eventually(async () => /Fix “Zorblax export works again” linked, owned by Mina Member/.test(await statusText(page)), 'the link is announced');
  assert.equal(await page.locator('#fix-name').innerText(), FIX.title);
  assert.equal(await page.locator('#fix-owner').innerText(), member.person.name);
  assert.equal(await page.locator('#fix-state').innerText(), 'In progress');
  const tracker = fix.getByRole('link', { name: 'Open in the tracker (opens in a new tab)' });
  assert.equal(await tracker.getAttribute('href'), FIX.url);
  assert.equal(await tracker.getAttribute('target'), '_blank');
  assert.match(await tracker.getAttribute('rel'), /\bnoopener\b/);
  assert.ok(await fix.getByRole('button', { name: 'Mark shipped' }).isVisible(), 'pros and leads may mark it shipped');
  assert.ok(await fix.getByRole('button', { name: 'Unlink' }).isVisible());
  const g = await lead.must('GET', `/groups/${groupId}`);
  assert.equal(g.fix.title, FIX.title);
  assert.equal(g.fix.owner_id, member.person.id);
  await screenshot(page, 'group');
  assertClean(problems, dialogs);
  await context.close();

  const dark = await openPage(browser, server.url, { session: lead, colorScheme: 'dark' });
  await dark.page.goto(`/#/groups/${groupId}`);
  await dark.page.locator('#fix-linked').waitFor();
  await dark.page.locator('#group-tickets-table').waitFor();
  await screenshot(dark.page, 'group-dark');
  assertClean(dark.problems, dark.dialogs);
  await dark.context.close();
});

test('the owner sees the fix on My fixes and marks it shipped; a ticket that still comes says “After fix”', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await navTo(page, 'My fixes');
  await page.getByRole('heading', { level: 1, name: 'My fixes' }).waitFor();
  const card = page.locator('.fix-item').filter({ hasText: FIX.title });
  await card.waitFor();
  assert.equal(await page.locator('.fix-item').count(), 1, 'only the fixes I own');
  const text = await card.innerText();
  assert.match(text, /In progress/);
  assert.match(text, /3 tickets in 1 question/);
  assert.equal(await card.getByRole('link', { name: NAME }).getAttribute('href'), `#/groups/${groupId}`);
  assert.equal(await card.getByRole('link', { name: /Open in the tracker/ }).getAttribute('href'), FIX.url);
  assert.match(await card.locator('svg.sparkline').getAttribute('aria-label'), /3 this week/);
  await screenshot(page, 'fixes');

  await card.getByRole('button', { name: 'Mark shipped' }).click();
  await eventually(async () => /“Zorblax export works again” is marked shipped/.test(await statusText(page)), 'shipping is announced');
  await eventually(async () => /Shipped/.test(await card.innerText()), 'the card says shipped');
  const fixes = await member.must('GET', '/fixes?owner=me');
  assert.equal(fixes.items[0].state, 'shipped');
  assert.ok(fixes.items[0].shipped_at, 'with the time it shipped');

  // The same question, asked again after the fix shipped.
  const late = await ask(AFTER_FIX);
  const s = await grouped(late);
  assert.equal(s.group.id, groupId, 'it joins the group');
  assert.equal(s.after_fix, true);
  await page.goto(`/#/tickets/${late}`);
  const note = page.locator('#similar-after-fix');
  await note.waitFor();
  assert.match(await note.innerText(), /After fix\s+This came in after the fix “Zorblax export works again” shipped on /);
  assert.match(await page.locator('#similar .similar-count').innerText(), /3 others asked this this week/);
  await screenshot(page, 'ticket-after-fix');

  await page.goto(`/#/groups/${groupId}`);
  const row = page.locator(`#group-tickets-table tr[data-ticket-id="${late}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /After fix/);
  assert.match(await page.locator('#fix-after').innerText(), /^1 ticket came in after it shipped: the fix may not answer the question fully\.$/);
  assert.equal(await page.locator('#fix-state').innerText().then((t) => t.startsWith('Shipped ')), true);
  assert.equal(await page.getByRole('button', { name: 'Unlink' }).count(), 0, 'the owner, a member, does not unlink');

  await page.goto('/#/fixes');
  await eventually(async () => /1 ticket after fix/.test(await page.locator('.fix-item').innerText()), 'My fixes counts it');
  await screenshot(page, 'fixes-shipped');
  assertClean(problems, dialogs);
  await context.close();
});

test('the list: a sparkline per group, the fix and its after-fix count, filters, paging, and a phone', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await navTo(page, 'Repeated questions');
  await page.getByRole('heading', { level: 1, name: 'Repeated questions' }).waitFor();
  const all = (await member.must('GET', '/groups?limit=200')).items;
  const rows = page.locator('#groups-table tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), all.length, 'one row per group');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.groupId))), all.map((g) => g.id), 'biggest first, as the server sends them');
  for (const [i, g] of all.entries()) {
    const spark = rows.nth(i).locator('svg.sparkline');
    const counts = g.trend.map((w) => w.tickets);
    assert.equal(await spark.getAttribute('aria-label'),
      `${counts.join(', ')} tickets a week over the last 8 weeks, oldest first; ${counts.at(-1)} this week.`, `group ${g.id}'s trend in words`);
    assert.equal(await spark.locator('rect').count(), counts.filter(Boolean).length, 'a bar for each week with tickets');
  }
  const ours = page.locator(`#groups-table tr[data-group-id="${groupId}"]`);
  const cells = await ours.locator('th, td').allInnerTexts();
  assert.equal(cells[0].trim(), `${NAME} #${groupId}`);
  assert.equal(cells[1], '4');
  assert.equal(cells[2], '4');
  assert.match(cells[5], /Shipped\s+Zorblax export works again\s+1 ticket after fix/);
  assert.equal(await ours.locator('.after-fix-count').evaluate((el) => getComputedStyle(el).color), 'rgb(122, 62, 0)', 'in the warning colour');
  await screenshot(page, 'groups');

  // Only mine: the groups whose fix I own.
  await page.getByLabel('Only mine').check();
  await eventually(async () => (await rows.count()) === 1, 'only my group');
  assert.equal(await rows.first().getAttribute('data-group-id'), String(groupId));
  assert.match(page.url(), /#\/groups\?mine=1$/, 'the address keeps the filter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'groups-mine', 'focus stays on the filter');
  await page.getByLabel('Only mine').uncheck();
  await page.getByLabel('Status').selectOption('not_product_issue');
  await page.locator('#groups-empty').waitFor();
  assert.match(await page.locator('#groups-empty').innerText(), /No groups match these filters/);
  await page.getByRole('button', { name: 'Show every group' }).click();
  await eventually(async () => (await rows.count()) === all.length, 'every group again');
  assert.equal(await page.getByLabel('Status').inputValue(), '');

  // Paging: ask for 5 at a time (the real server pages them; next_cursor says there are more).
  const groupsList = (url) => url.pathname === '/api/v1/groups';
  await page.route(groupsList, (route) => route.continue({ url: route.request().url().replace('limit=50', 'limit=5') }));
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Repeated questions' }).waitFor();
  await eventually(async () => (await rows.count()) === 5, 'the first page');
  assert.equal(await page.locator('#groups-count').innerText(), 'Showing the first 5 groups.');
  await page.getByRole('button', { name: 'Load more' }).click();
  await eventually(async () => (await rows.count()) === Math.min(10, all.length), 'the second page');
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.dataset.groupId), String(all[5].id), 'focus on the first new row');
  await page.unroute(groupsList);

  // The biggest question of the demo: who met it, by department and by person.
  await rows.first().getByRole('link').click();
  const big = await member.must('GET', `/groups/${all[0].id}`);
  await page.getByRole('heading', { level: 1, name: big.name }).waitFor();
  const m = big.met_by;
  assert.equal(await page.locator('#group-met-by').innerText(),
    `Met by: ${m.engineers} engineer${m.engineers === 1 ? '' : 's'}, ${m.sales} in sales, ${m.founders} founder${m.founders === 1 ? '' : 's'}`);
  assert.equal(await page.locator('#group-departments tbody tr').count(), big.departments.length);
  assert.equal(await page.locator('#group-answerers tbody tr').count(), big.answerers.length);
  await screenshot(page, 'group-answered');
  assertClean(problems, dialogs);
  await context.close();

  const dark = await openPage(browser, server.url, { session: member, colorScheme: 'dark' });
  await dark.page.goto('/#/groups');
  await dark.page.locator('#groups-table tbody tr').first().waitFor();
  await screenshot(dark.page, 'groups-dark');
  assertClean(dark.problems, dark.dialogs);
  await dark.context.close();

  const phone = await openPage(browser, server.url, { session: member, viewport: { width: 390, height: 844 } });
  await phone.page.goto('/#/groups');
  await phone.page.locator('#groups-table tbody tr').first().waitFor();
  await noSidewaysScroll(phone.page, 390);
  await screenshot(phone.page, 'groups-mobile');
  await phone.page.goto(`/#/groups/${groupId}`);
  await phone.page.locator('#group-tickets-table').waitFor();
  await noSidewaysScroll(phone.page, 390);
  await screenshot(phone.page, 'group-mobile');
  await phone.page.goto(`/#/tickets/${tickets[2]}`);
  await phone.page.locator('#similar-link').waitFor();
  await noSidewaysScroll(phone.page, 390);
  await screenshot(phone.page, 'ticket-similar-mobile');
  assertClean(phone.problems, phone.dialogs);
  await phone.context.close();
});

test('a lead moves a ticket that asks something else out, and merges another group in', { timeout: 60_000 }, async () => {
  const stray = await ask(['Zorblax export button does nothing on save', 'Clicking the Zorblax export button does nothing, the export never starts.']);
  const s = await grouped(stray);
  assert.equal(s.group.id, groupId, 'it joined the group');
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto(`/#/tickets/${stray}`);
  const move = page.getByRole('button', { name: 'Not the same question? Move out' });
  await move.click();
  assert.match(await page.locator('#similar-confirm-text').innerText(), new RegExp(`Move ticket #${stray} out of “${NAME}”\\? It starts a group of its own\\.`));
  await page.keyboard.press('Escape');
  await move.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'similar-move-out', 'Esc cancels, focus back');
  await move.click();
  await page.getByRole('button', { name: 'Move out', exact: true }).click();
  await eventually(async () => new RegExp(`Ticket #${stray} left “${NAME}”. It is now in a group of its own`).test(await statusText(page)), 'the move is announced');
  await page.getByText('Nobody else has asked this yet.').waitFor();
  const now = await lead.must('GET', `/tickets/${stray}/similar`);
  assert.notEqual(now.group.id, groupId);
  assert.equal(now.others, 0);

  // Merge that new group back in, by its number, after a confirmation.
  const other = now.group.id;
  await page.goto(`/#/groups/${groupId}`);
  await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
  await page.getByLabel('Group to merge in').fill(String(groupId));
  await page.getByRole('button', { name: 'Merge…' }).click();
  await eventually(async () => /That is this group/.test(await page.locator('#merge-error').innerText()),
    'merging a group into itself is refused');
  await page.getByLabel('Group to merge in').fill(`#${other}`);
  await page.getByRole('button', { name: 'Merge…' }).click();
  await page.locator('#merge-confirm-text').waitFor();
  const confirmText = await page.locator('#merge-confirm-text').innerText();
  assert.match(confirmText, new RegExp(`\\(#${other}, 1 ticket\\) into “${NAME}”\\? Its tickets move here\\.`));
  await screenshot(page, 'group-merge');
  await page.getByRole('button', { name: 'Merge', exact: true }).click();
  await eventually(async () => /it now has 5 tickets/.test(await statusText(page)), 'the merge is announced');
  await page.locator(`#group-tickets-table tr[data-ticket-id="${stray}"]`).waitFor();
  const merged = await lead.must('GET', `/groups/${other}`);
  assert.equal(merged.status, 'merged');
  assert.equal(merged.merged_into, groupId);
  await page.goto(`/#/groups/${other}`);
  await page.locator('#group-merged').waitFor();
  assert.equal(await page.locator('#group-merged a').getAttribute('href'), `#/groups/${groupId}`);
  assert.equal(await page.getByRole('button', { name: /Rename/ }).count(), 0, 'a merged group is only a pointer');
  assertClean(problems, dialogs);
  await context.close();
});

test('a new company: no repeated questions and no fixes yet, each saying what to expect', { timeout: 60_000 }, async () => {
  const fresh = await startServer({ empty: true });
  try {
    const { context, page, problems, dialogs } = await openPage(browser, fresh.url);
    await logIn(page, EMPTY_LEAD.email, EMPTY_LEAD.password);
    await navTo(page, 'Repeated questions');
    const empty = page.locator('#groups-empty');
    await empty.waitFor();
    assert.match(await empty.innerText(), /No repeated questions yet\. They appear here as tickets arrive\./);
    assert.equal(await page.locator('#groups-table').count(), 0);
    assert.equal(await page.getByLabel('Status').isVisible(), false, 'nothing to filter yet');
    await screenshot(page, 'groups-empty');
    await navTo(page, 'My fixes');
    await page.locator('#fixes-empty').waitFor();
    assert.match(await page.locator('#fixes-empty').innerText(), /You own no fixes\./);
    await page.goto('/#/groups/999');
    await page.getByRole('heading', { level: 1, name: 'Repeated question #999 was not found' }).waitFor();
    assert.equal(await page.getByRole('link', { name: '← Repeated questions' }).getAttribute('href'), '#/groups');
    assertClean(problems, dialogs);
    await context.close();
  } finally {
    await fresh.stop();
  }
});
