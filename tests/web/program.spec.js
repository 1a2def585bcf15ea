// program.spec.js - the program's screens: My week (hours, the clock and its
// heartbeat, planned blocks, the calendar link, support weeks under the
// weeks-per-year cadence), the policy, exemptions, coverage and the
// compliance report. The server runs with --test-clock so
// an admin can move time on: half an hour between clocking in and out.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, HOLD_NOTHING, adminToken, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, openPage, screenshot, statusText, navTo } from './browser.js';
import { addDays, shiftWeek, todayIn } from '../../web/weeks.js';

let server;
let browser;
let member;
let lead;
let admin; // API token of the demo admin: moves the test clock

before(async () => {
  server = await startServer({ testClock: true });
  browser = await launch();
  member = await apiLogin(server.url, DEMO.member);
  lead = await apiLogin(server.url, DEMO.lead);
  admin = adminToken(server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Moves the server's clock on (admins, --test-clock only). */
async function advance(seconds) {
  const r = await fetch(`${server.url}/api/v1/test/clock`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ advance_seconds: seconds }),
  });
  assert.equal(r.status, 200, `the test clock moved (${await r.text()})`);
}

async function ledger(client, week) {
  const q = week ? `?week=${week}` : '';
  return (await client.must('GET', `/people/${client.person.id}/ledger${q}`)).weeks[0];
}

const hours = (minutes) => `${Math.round((minutes / 60) * 10) / 10} h`;
// Days as the pages (locale en-US) write them: "Nov 23 – 29, 2026", "Dec 2, 2026".
const dayOf = (ymd) => new Date(`${ymd}T00:00:00Z`);
const rangeFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const weekRange = (firstDay) => rangeFormat.formatRange(dayOf(firstDay), dayOf(addDays(firstDay, 6)));
const dateText = (ymd) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(dayOf(ymd));
const weekTitle = (page) => page.getByRole('heading', { level: 1, name: 'My week' });
const blockItems = (page) => page.locator('.block-list > li');

async function noSidewaysScroll(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `no sideways scrolling (page is ${w}px wide)`);
}

test('My week shows the hours and warns when fewer are planned than required', { timeout: 60_000 }, async () => {
  const now = await ledger(member);
  assert.ok(now.planned_minutes < now.required_minutes && !now.met, 'the demo member has planned too little this week');
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto('/#/queue');
  await page.locator('#app-nav').getByRole('link', { name: 'My week' }).click();
  await weekTitle(page).waitFor();
  assert.match(page.url(), /#\/week$/);
  assert.equal(await page.locator('#app-nav a[aria-current=page]').innerText(), 'My week', 'the header says where we are');
  assert.equal(await page.locator('#app-nav').getByRole('link', { name: 'Policy' }).count(), 0, 'members have no Policy link');

  assert.match(await page.locator('.week-label').innerText(), new RegExp(`Week ${Number(now.week.slice(6))}\\b`));
  assert.ok((await page.locator('#stat-required').innerText()).includes(hours(now.required_minutes)), 'required hours shown');
  assert.ok((await page.locator('#stat-planned').innerText()).includes(hours(now.planned_minutes)), 'planned hours shown');
  const warning = page.locator('#plan-warning');
  assert.ok(await warning.isVisible(), 'planned < required: a warning');
  const text = await warning.innerText();
  assert.match(text, /not enough time planned/i);
  assert.ok(text.includes(`${hours(now.planned_minutes)} of the ${hours(now.required_minutes)}`), text);
  assert.ok(await page.getByRole('button', { name: 'Clock in' }).isVisible());
  assert.equal(await page.locator('#week-progress').getAttribute('max'), String(now.required_minutes));
  await screenshot(page, 'week');

  // "Plan a block" takes the keyboard to the form.
  await warning.getByRole('button', { name: 'Plan a block' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'block-date');

  // The week moves with the arrows and the [ ] keys, and the hash says which.
  await page.getByRole('link', { name: 'Next week' }).click();
  const next = shiftWeek(now.week, 1);
  await page.waitForURL(new RegExp(`#/week\\?week=${next}$`));
  await page.locator('.week-label', { hasText: `Week ${Number(next.slice(6))}` }).waitFor();
  assert.ok(await page.getByRole('link', { name: 'This week' }).isVisible(), 'a way back to this week');
  await page.locator('h1').click();
  await page.keyboard.press('[');
  await page.locator('.week-label', { hasText: `Week ${Number(now.week.slice(6))}` }).waitFor();
  await page.keyboard.press('[');
  await page.waitForURL(new RegExp(`#/week\\?week=${shiftWeek(now.week, -1)}$`));
  await page.locator('.week-label', { hasText: `Week ${Number(now.week.slice(6)) - 1 || 52}` }).waitFor();
  assert.ok(await warning.isHidden(), 'no planning warning for a week that is over');
  await page.getByText('This week is over, so there is nothing left to plan in it.').waitFor();
  await page.getByRole('link', { name: 'This week' }).click();
  await page.waitForURL(/#\/week$/);
  await page.locator('#plan-warning').waitFor();

  // A week that is not a week says so, with a way out.
  await page.goto('/#/week?week=2026-W99');
  await page.getByRole('heading', { level: 1, name: 'Could not load week 2026-W99' }).waitFor();
  assert.match(await page.getByRole('alert').innerText(), /ISO week/);
  await page.getByRole('link', { name: 'Go to this week' }).click();
  await weekTitle(page).waitFor();
  assertClean(problems, dialogs);
  await context.close();
});

test('a lead edits the policy, the change shows, and a bad value is refused by its field', { timeout: 60_000 }, async () => {
  const before = await lead.must('GET', '/policy');
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto('/#/queue');
  await navTo(page, 'Policy');
  await page.getByRole('heading', { level: 1, name: 'Policy' }).waitFor();
  const weekly = page.getByLabel('Hours every week');
  assert.equal(await weekly.inputValue(), String(before.weekly_minutes / 60), 'weekly time in hours');
  assert.equal(await page.getByLabel('Idle timeout').inputValue(), String(before.idle_timeout_seconds / 60), 'idle timeout in minutes');
  await screenshot(page, 'policy');

  const patches = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().endsWith('/api/v1/policy')) patches.push(r.postDataJSON());
  });
  await weekly.fill('6.5');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await eventually(async () => /Policy saved/.test(await statusText(page)), 'Policy saved is announced');
  assert.deepEqual(patches, [{ weekly_minutes: 390 }], 'only the changed field is sent, in minutes');
  const saved = await lead.must('GET', '/policy');
  assert.equal(saved.weekly_minutes, 390);
  await page.locator('#policy-updated', { hasText: `by ${lead.person.name}` }).waitFor();

  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Policy' }).waitFor();
  assert.equal(await page.getByLabel('Hours every week').inputValue(), '6.5', 'the change is there after a reload');

  // My week follows the policy.
  await page.goto('/#/week');
  await weekTitle(page).waitFor();
  const mine = await ledger(lead);
  assert.ok((await page.locator('#stat-required').innerText()).includes(hours(mine.required_minutes)));

  // 50 hours is past the server's range: its message, said in hours, by the field.
  await page.goto('/#/policy');
  await page.getByLabel('Hours every week').fill('50');
  await page.getByRole('button', { name: 'Save policy' }).click();
  const fieldError = page.locator('#policy-weekly-hours-error');
  await eventually(async () => /must be from 0 to 40 hours/.test(await fieldError.innerText()), 'the range is shown by the field');
  assert.equal(await page.getByLabel('Hours every week').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#policy-error').innerText(), /Not saved: see “Hours every week”/, 'the form points to the field');
  assert.equal((await lead.must('GET', '/policy')).weekly_minutes, 390, 'nothing changed');

  // A ladder that goes down: the server's words.
  await page.getByLabel('Hours every week').fill('6.5');
  await page.getByLabel('Reminder after').fill('5');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await eventually(async () => /ladder’s steps must not go down: “Reminder after” <= “Manager told after”/.test(
    (await page.locator('#policy-ladder-remind-error').innerText()).replace("'", '’')), 'the ladder message, in the form’s words');
  await screenshot(page, 'policy-error');
  assertClean(problems, dialogs);
  await context.close();

  // Everyone may read it; only leads get the form.
  const m = await openPage(browser, server.url, { session: member });
  await m.page.goto('/#/policy');
  await m.page.getByRole('heading', { level: 1, name: 'Policy' }).waitFor();
  const facts = await m.page.locator('#policy-facts').innerText();
  assert.match(facts, /6\.5 h/, 'members see the new weekly hours');
  assert.equal(await m.page.locator('form').count(), 0, 'and cannot edit');
  await screenshot(m.page, 'policy-readonly');
  assertClean(m.problems, m.dialogs);
  await m.context.close();
  await lead.must('PATCH', '/policy', { weekly_minutes: before.weekly_minutes });
});

test('a lead grants an exemption, it shows with its reason, and ends it; not to oneself', { timeout: 60_000 }, async () => {
  const reason = 'Parental leave — back in the new year';
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto('/#/week');
  await navTo(page, 'Exemptions');
  await page.getByRole('heading', { level: 1, name: 'Exemptions' }).waitFor();
  await page.locator('#exemption-person-hint', { hasText: /Pick from \d+ people/ }).waitFor();
  const listed = (await lead.must('GET', '/exemptions')).items;
  if (listed.length === 0) {
    await page.locator('#exemptions-empty').waitFor();
    await screenshot(page, 'exemptions-empty');
  }

  // Granting to oneself: the server refuses, and the form says its words.
  const self = await lead.call('POST', '/exemptions', { person_id: lead.person.id, reason: 'x', ends_on: addDays(todayIn(lead.person.timezone), 7) });
  assert.equal(self.status, 403);
  await page.getByLabel('Person').fill(`${lead.person.name} (${lead.person.email})`);
  await page.getByLabel('Reason').fill('Conference week');
  await page.getByLabel('Ends on').fill(addDays(todayIn(lead.person.timezone), 7));
  await page.getByRole('button', { name: 'Grant exemption' }).click();
  const error = page.locator('#exemption-error');
  await eventually(async () => (await error.innerText()).length > 0, 'the refusal is shown');
  const said = (await error.innerText()).trim().toLowerCase().replace(/\.$/, '');
  assert.equal(said, self.body.error.message.toLowerCase(), 'the form shows the server’s message');
  await screenshot(page, 'exemptions-self');

  // Granting to a member.
  const ends = addDays(todayIn(member.person.timezone), 14);
  await page.getByLabel('Person').fill(`${member.person.name} (${member.person.email})`);
  await page.getByLabel('Person').dispatchEvent('change');
  assert.equal(await page.getByLabel('Starts on').inputValue(), todayIn(member.person.timezone), 'starts today on the person’s calendar');
  await page.getByLabel('Reason').fill(reason);
  await page.getByLabel('Ends on').fill(ends);
  await page.getByRole('button', { name: 'Grant exemption' }).click();
  await eventually(async () => new RegExp(`Exemption granted to ${member.person.name}`).test(await statusText(page)), 'the grant is announced');
  assert.equal(await error.innerText(), '', 'no error left');
  const granted = (await lead.must('GET', '/exemptions')).items.find((e) => e.person_id === member.person.id && e.reason === reason);
  assert.ok(granted, 'the server has it');
  const row = page.locator(`tr[data-exemption-id="${granted.id}"]`);
  await row.waitFor();
  const cells = await row.innerText();
  for (const want of [member.person.name, reason, lead.person.name, 'Active']) assert.ok(cells.includes(want), `row shows ${want}: ${cells}`);
  await screenshot(page, 'exemptions');

  // Everyone sees it; only leads can end it.
  const m = await openPage(browser, server.url, { session: member });
  await m.page.goto('/#/exemptions');
  await m.page.locator(`tr[data-exemption-id="${granted.id}"]`, { hasText: reason }).waitFor();
  assert.equal(await m.page.getByRole('button', { name: /End now/ }).count(), 0);
  assert.equal(await m.page.locator('form').count(), 0, 'no grant form for members');
  assertClean(m.problems, m.dialogs);
  await m.context.close();

  await row.getByRole('button', { name: /End now/ }).click();
  await eventually(async () => /exemption has ended/.test(await statusText(page)), 'ending is announced');
  await row.getByText(/Ended early|Cancelled/).waitFor();
  const ended = (await lead.must('GET', '/exemptions?from=2000-01-01')).items.find((e) => e.id === granted.id);
  assert.ok(ended.ended_at, 'ended on the server');
  assertClean(problems, dialogs);
  await context.close();
});

test('coverage is a table of people planned per hour, with its counts in words', { timeout: 60_000 }, async () => {
  const api = await lead.must('GET', '/coverage');
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto('/#/queue');
  await navTo(page, 'Coverage');
  await page.getByRole('heading', { level: 1, name: 'Coverage' }).waitFor();
  const grid = page.locator('#coverage-grid');
  assert.equal(await grid.locator('thead th[scope=col]').count(), 7, 'a column per day');
  assert.equal(await grid.locator('tbody tr').count(), 24, 'a row per hour');
  assert.equal(await grid.locator('tbody th[scope=row]').count(), 24, 'each hour is a row header');
  assert.match(await grid.locator('caption').innerText(), new RegExp(api.timezone));
  for (const i of [0, 9, 33, 100, 167]) {
    const hr = api.hours[i];
    const day = Math.floor(i / 24);
    const cell = grid.locator('tbody tr').nth(Number(hr.local.slice(11, 13))).locator('td').nth(day);
    assert.equal((await cell.innerText()).replace(/\(now\)/, '').trim(), String(hr.planned), `hour ${hr.local}`);
  }
  const max = Math.max(...api.hours.map((x) => x.planned));
  assert.match(await page.locator('.stats-row').innerText(), new RegExp(`Most people in one hour\\s+${max}\\b`, 'i'));
  await screenshot(page, 'coverage');
  await page.getByRole('link', { name: 'Next week' }).click();
  await page.waitForURL(/#\/coverage\?week=\d{4}-W\d{2}$/);
  await page.locator('#coverage-grid').waitFor();
  assertClean(problems, dialogs);
  await context.close();

  const m = await openPage(browser, server.url, { session: member });
  await m.page.goto('/#/coverage');
  await m.page.getByRole('heading', { level: 1, name: 'Coverage is for support leads' }).waitFor();
  assertClean(m.problems, m.dialogs);
  await m.context.close();
});

test('the compliance report: totality first, leaders first, exemptions and roll-ups, CSV', { timeout: 90_000 }, async () => {
  // An exemption this week, to see it on the report.
  const pro = await apiLogin(server.url, DEMO.pro);
  const ex = await lead.must('POST', '/exemptions', {
    person_id: pro.person.id, reason: 'Medical leave', ends_on: addDays(todayIn(pro.person.timezone), 20),
  });
  const week = (await lead.must('GET', '/coverage')).week; // the organization's current week
  const api = await lead.must('GET', `/reports/compliance?week=${week}`);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto('/#/week');
  await navTo(page, 'Report');
  await page.getByRole('heading', { level: 1, name: 'Compliance report' }).waitFor();
  const latest = await lead.must('GET', '/reports/compliance');
  assert.match(await page.locator('.week-label').innerText(), new RegExp(`Week ${Number(latest.week.slice(6))}\\b`), 'the week that ended last');
  assert.equal(await page.locator('#totality-figure').innerText(), `${Math.round(latest.totality.share * 100)}%`);
  assert.equal(latest.in_progress, false);
  const spaced = (t) => t.replace(/\s+/g, ' '); // ICU's thin spaces around the dash differ between node and Chromium
  const label = spaced(await page.locator('.week-label').innerText());
  assert.ok(label.includes(spaced(weekRange(latest.first_day))), `the week’s days, from the report’s first_day: ${label}`);
  assert.equal(await page.locator('#report-in-progress').count(), 0, 'a week that is over has no in-progress banner');
  await screenshot(page, 'report');

  await page.goto(`/#/report?week=${week}`);
  await page.locator('.week-label', { hasText: `Week ${Number(week.slice(6))}` }).waitFor();
  assert.equal(api.in_progress, true, 'this week is not over');
  assert.ok(api.people.every((p) => p.ladder === null), 'no step of the ladder while the week is in progress');
  assert.match(await page.locator('#report-in-progress').innerText(), /This week is not over yet: “Behind” means “not yet”/);
  assert.match(await page.locator('.week-label').innerText(), /In progress/);
  assert.equal(await page.locator('#totality-figure').innerText(), `${Math.round(api.totality.share * 100)}%`, 'the totality figure');
  const rows = page.locator('#report-people tbody tr');
  assert.equal(await rows.count(), api.people.length, 'everyone is listed');
  const leaders = api.people.findIndex((p) => !p.leader);
  assert.ok(leaders > 0, 'the demo has leaders');
  for (let i = 0; i < leaders; i++) assert.match(await rows.nth(i).innerText(), /Leader/i, 'leaders first');
  const exRow = page.locator(`#report-people tr[data-person-id="${pro.person.id}"]`);
  const exText = await exRow.innerText();
  const exStatus = api.people.find((p) => p.person_id === pro.person.id).status;
  assert.ok(exText.includes({ met: 'Met', behind: 'Behind', exempt: 'Exempt' }[exStatus]), 'status in words');
  assert.match(exText, /Medical leave/, 'the exemption’s reason');
  assert.match(exText, /until /, 'and its end');
  const behind = api.people.find((p) => p.status === 'behind');
  if (behind) assert.match(await page.locator(`#report-people tr[data-person-id="${behind.person_id}"]`).innerText(), /Behind/);
  assert.equal(await page.locator('#report-departments tbody tr').count(), api.departments.length);
  assert.equal(await page.locator('#report-managers tbody tr').count(), api.managers.length);
  await page.getByLabel('Show only people behind').check();
  assert.equal(await rows.count(), api.people.filter((p) => p.status === 'behind').length);
  await page.getByLabel('Show only people behind').uncheck();
  await screenshot(page, 'report-this-week');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  assert.equal(download.suggestedFilename(), `compliance-${week}.csv`);
  const served = await fetch(`${server.url}/api/v1/reports/compliance?week=${week}&format=csv`, { headers: { Cookie: lead.cookie } });
  assert.match(served.headers.get('content-disposition') || '', new RegExp(`filename="compliance-${week}\\.csv"`), 'the server names it the same');
  const csv = await download.createReadStream().then(async (s) => {
    let out = '';
    for await (const chunk of s) out += chunk;
    return out;
  });
  assert.match(csv, /^week,person_id,name/);
  assert.ok(csv.includes('Medical leave'));
  assertClean(problems, dialogs);
  await context.close();
  await lead.must('POST', `/exemptions/${ex.id}/end`);

  // A leader who is not a lead reads the report too, and has no Coverage link.
  const email = 'vp@demo.allhands.test';
  server.cli(['user', 'add', '--email', email, '--name', 'Vera VP', '--role', 'member', '--department', 'Sales', '--leader', '--password-stdin'],
    { input: `${DEMO.password}\n` });
  const vp = await apiLogin(server.url, email);
  const v = await openPage(browser, server.url, { session: vp });
  await v.page.goto('/#/queue');
  await navTo(v.page, 'Report');
  await v.page.getByRole('heading', { level: 1, name: 'Compliance report' }).waitFor();
  await v.page.locator('#totality-figure').waitFor();
  assert.equal(await v.page.locator('#app-nav').getByRole('link', { name: 'Coverage' }).count(), 0);
  assertClean(v.problems, v.dialogs);
  await v.context.close();

  const m = await openPage(browser, server.url, { session: member });
  await m.page.goto('/#/report');
  await m.page.getByRole('heading', { level: 1, name: 'The compliance report is for leads and leaders' }).waitFor();
  assertClean(m.problems, m.dialogs);
  await m.context.close();
});

test('a member plans blocks, clocks in, works a ticket, clocks out, and sees the hours on My week', { timeout: 90_000 }, async () => {
  // Half an hour will pass at once: keep the idle timeout above it.
  await lead.must('PATCH', '/policy', { idle_timeout_seconds: 3600 });
  await member.must('POST', '/queue/release', undefined, HOLD_NOTHING);
  const start = await ledger(member);
  const next = shiftWeek(start.week, 1);
  for (const b of (await member.must('GET', `/blocks?week=${next}`)).items) {
    await member.must('DELETE', `/blocks/${b.id}`); // the demo's plans: start from a clean week
  }
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });

  // Plan next week: every hour of it is in the future.
  await page.goto(`/#/week?week=${next}`);
  await page.locator('.week-label', { hasText: `Week ${Number(next.slice(6))}` }).waitFor();
  await page.locator('#blocks-empty').waitFor();
  const nextRow = await ledger(member, next);
  assert.equal(await page.getByLabel('Date').inputValue(), nextRow.first_day, 'the form starts on the week’s first day');
  await page.getByLabel('Start time').fill('09:00');
  await page.getByLabel('End time').fill('11:00');
  await page.getByRole('button', { name: 'Add block' }).click();
  await eventually(async () => /Block added/.test(await statusText(page)), 'Block added is announced');
  await eventually(async () => (await blockItems(page).count()) === 1, 'the block is listed');
  assert.match(await blockItems(page).first().innerText(), /9:00 AM – 11:00 AM/);
  await eventually(async () => (await page.locator('#stat-planned').innerText()).includes('2 h'), 'planned is 2 h');

  // Overlap and end-before-start: the server's message next to the form.
  const clash = await member.call('POST', '/blocks', { start: `${nextRow.first_day}T10:00`, end: `${nextRow.first_day}T12:00` });
  assert.equal(clash.status, 409);
  await page.getByLabel('Start time').fill('10:00');
  await page.getByLabel('End time').fill('12:00');
  await page.getByRole('button', { name: 'Add block' }).click();
  const blockError = page.locator('#block-error');
  await eventually(async () => (await blockError.innerText()).toLowerCase().includes(clash.body.error.message.toLowerCase()), 'the overlap message');
  await page.getByLabel('Start time').fill('14:00');
  await page.getByLabel('End time').fill('13:00');
  await page.getByRole('button', { name: 'Add block' }).click();
  await eventually(async () => /must end after it starts/.test(await blockError.innerText()), 'the end-before-start message');
  await screenshot(page, 'week-block-error');

  await page.getByLabel('Start time').fill('13:00');
  await page.getByLabel('End time').fill('15:30');
  await page.getByRole('button', { name: 'Add block' }).click();
  await eventually(async () => (await blockItems(page).count()) === 2, 'two blocks');
  assert.equal(await blockError.innerText(), '', 'the error is gone');
  assert.ok((await page.locator('#stat-planned').innerText()).includes('4.5 h'));
  await blockItems(page).nth(1).getByRole('button', { name: /Remove/ }).click();
  await eventually(async () => (await blockItems(page).count()) === 1, 'removed');
  assert.equal((await member.must('GET', `/blocks?week=${next}`)).items.length, 1);

  // The calendar link, shown once as a full URL.
  await page.getByRole('button', { name: 'Get calendar link' }).click();
  const url = await page.getByLabel('Your calendar link').inputValue();
  assert.ok(url.startsWith(`${server.url}/api/v1/calendar.ics?token=ahc_`), url);
  const feed = await fetch(url);
  assert.equal(feed.status, 200);
  assert.match(await feed.text(), /BEGIN:VCALENDAR[\s\S]*BEGIN:VEVENT/);
  assert.match(await page.locator('#calendar-once').innerText(), /new link turns off/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.locator('.copy-status').filter({ hasText: /Copied|Ctrl\+C/ }).waitFor();
  await page.getByRole('button', { name: 'Get a new link' }).click();
  await eventually(async () => (await page.getByLabel('Your calendar link').inputValue()) !== url, 'a new link');
  assert.equal((await fetch(url)).status, 404, 'the old link is off');
  await screenshot(page, 'week-planned');

  // Clock in, work a ticket.
  await page.getByRole('link', { name: 'This week' }).click();
  await weekTitle(page).waitFor();
  await page.getByRole('button', { name: 'Clock in' }).click();
  await page.locator('#clock-status', { hasText: 'You are clocked in' }).waitFor();
  assert.ok(await page.locator('#clock-pill').isVisible(), 'the header says so on every screen');
  assert.match(await page.locator('#session-worked').innerText(), /counted so far/);
  await page.getByRole('link', { name: 'Go to the queue' }).click();
  await page.getByRole('button', { name: 'Next ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);
  assert.ok(await page.locator('#clock-pill').isVisible(), 'still on the clock while working');
  await page.getByLabel('Your reply to the customer').fill('Hi, thanks for writing in. I have sorted this out for you — it should work now.');
  await page.getByRole('button', { name: 'Send' }).click();
  await eventually(async () => /Reply sent/.test(await statusText(page)), 'Reply sent');

  await advance(1800); // half an hour of work

  await page.locator('#app-nav').getByRole('link', { name: 'My week' }).click();
  await weekTitle(page).waitFor();
  await page.getByRole('button', { name: 'Clock out' }).click();
  await page.locator('#clock-status', { hasText: 'You are clocked out.' }).waitFor();
  assert.match(await page.locator('#session-worked').innerText(), /30 minutes/, 'the session’s minutes');
  await eventually(async () => (await page.locator('#stat-worked').innerText()).includes('0.5 h'), 'worked 0.5 h this week');
  assert.ok(await page.locator('#clock-pill').isHidden());
  const end = await ledger(member);
  assert.ok(end.worked_seconds >= start.worked_seconds + 1800, `worked time counted (${end.worked_seconds}s)`);
  assert.ok(end.replies > start.replies, 'the reply counts');
  assert.match(await page.locator('.week-counts').innerText(), new RegExp(`${end.replies} repl`));
  await screenshot(page, 'week-worked');
  assertClean(problems, dialogs);
  await context.close();
});

test('the heartbeat keeps a visible tab counted; idle time ends the session and says so', { timeout: 90_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  const beats = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/clock/heartbeat')) beats.push(r.method());
  });
  await page.clock.install();
  await page.goto('/#/week');
  await weekTitle(page).waitFor();
  await page.getByRole('button', { name: 'Clock in' }).click();
  await page.locator('#clock-status', { hasText: 'You are clocked in' }).waitFor();
  assert.match(await page.locator('.clock-hint').innerText(), /60 minutes without activity/, 'the hint names the idle timeout');

  await page.clock.runFor(61_000);
  await eventually(async () => beats.length === 1, 'one heartbeat a minute');
  assert.deepEqual(beats, ['POST']);

  // A hidden tab sends nothing.
  const setVisibility = (state) => page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
  await setVisibility('hidden');
  await page.clock.runFor(5 * 60_000);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(beats.length, 1, 'no heartbeat while hidden');

  // Away longer than the idle timeout: back, the heartbeat learns the session ended.
  await advance(3700);
  await setVisibility('visible');
  await eventually(async () => beats.length === 2, 'a heartbeat on coming back');
  await page.locator('#clock-status', { hasText: 'You are clocked out.' }).waitFor();
  await page.locator('#idle-notice').waitFor();
  assert.match(await statusText(page), /session ended .*idle/i, 'the banner says what happened');
  assert.ok(await page.getByRole('button', { name: 'Clock in' }).isVisible(), 'and offers to clock in again');
  assert.equal((await member.must('GET', '/clock')).clocked_in, false);
  await screenshot(page, 'week-idle');
  await page.clock.runFor(3 * 60_000);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(beats.length, 2, 'no heartbeat once clocked out');
  assertClean(problems, dialogs);
  await context.close();
});

test('weeks per year: a member books support weeks on My week, cancels one, and the report counts them', { timeout: 90_000 }, async () => {
  const before = await lead.must('GET', '/policy');
  const yearWeeks = (client, year) => client.must('GET', `/support-weeks?year=${year}`);
  try {
    // A lead switches the cadence on the policy screen.
    const l = await openPage(browser, server.url, { session: lead });
    const patches = [];
    l.page.on('request', (r) => {
      if (r.method() === 'PATCH' && r.url().endsWith('/api/v1/policy')) patches.push(r.postDataJSON());
    });
    await l.page.goto('/#/policy');
    await l.page.getByRole('heading', { level: 1, name: 'Policy' }).waitFor();
    await l.page.getByLabel('Every year, a number of whole support weeks').check();
    await l.page.getByLabel('Support weeks each year').fill('2');
    await l.page.getByRole('button', { name: 'Save policy' }).click();
    await eventually(async () => /Policy saved/.test(await statusText(l.page)), 'Policy saved is announced');
    assert.deepEqual(patches, [{ cadence: 'weeks_per_year', weeks_per_year: 2 }]);
    const policy = await lead.must('GET', '/policy');
    assert.equal(policy.cadence, 'weeks_per_year');

    // This week is not one of the member's support weeks: nothing is required.
    const now = await ledger(member);
    const year = Number(now.first_day.slice(0, 4));
    const mine = await yearWeeks(member, year);
    assert.equal(mine.cadence, 'weeks_per_year');
    assert.equal(mine.booked, 0, 'the demo member has booked nothing yet');
    assert.equal(now.required_minutes, 0, 'a week not booked asks nothing');
    const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
    await page.goto('/#/week');
    await weekTitle(page).waitFor();
    const card = page.locator('#support-weeks');
    await card.waitFor();
    assert.match(await page.locator('#week-status').innerText(), /Not one of your support weeks: nothing is required this week\./);
    assert.ok(await page.locator('#plan-warning').isHidden(), 'no planning warning when nothing is required');
    assert.match(await page.locator('#stat-required').innerText(), /0 h\s+Not a support week/);
    assert.match(await page.locator('#support-count').innerText(), new RegExp(`0 of ${mine.required}[\\s\\S]*booked 0 of the ${mine.required} support weeks asked of you in ${year}`));
    await page.locator('#support-list-empty', { hasText: `No support weeks booked in ${year} yet.` }).waitFor();
    await screenshot(page, 'week-support-unbooked');

    // She books this week: five working days, 40 h.
    const n = Number(now.week.slice(6));
    await card.getByRole('button', { name: `Book week ${n} as a support week` }).click();
    await eventually(async () => new RegExp(`Week ${n} is booked as one of your support weeks: 40 h`).test(await statusText(page)), 'the booking is announced');
    await eventually(async () => /40 h\s+Your support week/.test(await page.locator('#stat-required').innerText()), 'Required: 40 h');
    const booked = await ledger(member);
    assert.equal(booked.required_minutes, 2400, 'a booked week requires 2,400 minutes');
    assert.ok(await page.locator('#support-badge').isVisible(), 'the week is marked a support week');
    assert.equal(await page.locator('#week-progress').getAttribute('max'), '2400');
    const warning = page.locator('#plan-warning');
    assert.ok(await warning.isVisible(), 'planned < 40 h: the warning');
    assert.ok((await warning.innerText()).includes(`${hours(booked.planned_minutes)} of the 40 h your support week asks for`));
    assert.equal(await card.getByRole('button', { name: /Cancel/ }).count(), 0, 'a week that has begun cannot be cancelled');
    assert.match(await page.locator('#support-action').innerText(), /It has begun, so it can no longer be cancelled/);
    assert.match(await page.locator('#support-count').innerText(), new RegExp(`booked 1 of the ${mine.required}`));
    const items = page.locator('#support-list li');
    assert.equal(await items.count(), 1);
    assert.equal(await items.first().getByRole('link').getAttribute('href'), `#/week?week=${now.week}`);
    assert.equal((await yearWeeks(member, year)).booked, 1);
    await screenshot(page, 'week-support-booked');

    // A week ahead: booked, then cancelled before it begins.
    const later = shiftWeek(now.week, 2);
    const m = Number(later.slice(6));
    await page.goto(`/#/week?week=${later}`);
    await page.locator('.week-label', { hasText: `Week ${m}` }).waitFor();
    await card.getByRole('button', { name: `Book week ${m} as a support week` }).click();
    const cancel = card.getByRole('button', { name: `Cancel support week ${m}` });
    await cancel.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'support-cancel', 'the keyboard stays on the card');
    const laterRow = await ledger(member, later);
    assert.equal(laterRow.required_minutes, 2400);
    assert.ok((await yearWeeks(member, Number(laterRow.first_day.slice(0, 4)))).items.some((w) => w.week === later), 'booked on the server');
    await screenshot(page, 'week-support-future');
    await cancel.click();
    await eventually(async () => new RegExp(`Support week ${m} is cancelled`).test(await statusText(page)), 'the cancellation is announced');
    await card.getByRole('button', { name: `Book week ${m} as a support week` }).waitFor();
    assert.match(await page.locator('#week-status').innerText(), new RegExp(`Not one of your support weeks: nothing is required in week ${m}\\.`));
    assert.ok(!(await yearWeeks(member, Number(laterRow.first_day.slice(0, 4)))).items.some((w) => w.week === later), 'cancelled on the server');
    assert.equal((await ledger(member, later)).required_minutes, 0);

    // The list of booked weeks leads to them.
    await page.locator('#support-list a', { hasText: `Week ${n} ` }).click();
    await page.waitForURL(new RegExp(`#/week\\?week=${now.week}$`));
    await page.locator('#support-badge').waitFor();
    assertClean(problems, dialogs);
    await context.close();

    // Someone who started this year has an onboarding week to book.
    const email = 'new.hire@demo.allhands.test';
    server.cli(['user', 'add', '--email', email, '--name', 'Noor Newhire', '--role', 'member', '--department', 'Sales', '--password-stdin'],
      { input: `${DEMO.password}\n` });
    const hire = await apiLogin(server.url, email);
    const theirs = await hire.must('GET', '/support-weeks');
    assert.ok(theirs.onboarding && !theirs.onboarding.booked, 'an onboarding week is due');
    const nh = await openPage(browser, server.url, { session: hire });
    await nh.page.goto('/#/week');
    const note = nh.page.locator('#support-onboarding');
    await note.waitFor();
    assert.match(await note.innerText(), new RegExp(`Your onboarding week: book one starting by ${dateText(theirs.onboarding.by)}`));
    assert.match(await nh.page.locator('#support-count').innerText(), new RegExp(`0 of ${theirs.required}`));
    await screenshot(nh.page, 'week-support-onboarding');
    assertClean(nh.problems, nh.dialogs);
    await nh.context.close();

    // The report: booked of asked, and this week is not over.
    const week = (await lead.must('GET', '/coverage')).week;
    const report = await lead.must('GET', `/reports/compliance?week=${week}`);
    assert.equal(report.in_progress, true);
    const row = report.people.find((p) => p.person_id === member.person.id);
    assert.deepEqual({ booked: row.support_weeks.booked, required: row.support_weeks.required }, { booked: 1, required: mine.required });
    await l.page.goto(`/#/report?week=${week}`);
    await l.page.locator('#report-people').waitFor();
    assert.match(await l.page.locator('#report-in-progress').innerText(), /This week is not over yet: “Behind” means “not yet”/);
    assert.ok(await l.page.locator('#report-people thead th', { hasText: 'Support weeks' }).isVisible());
    assert.match(await l.page.locator('.list-head > p.muted').innerText(), new RegExp(`booked of those asked in ${row.support_weeks.year}`));
    const cell = l.page.locator(`#report-people tr[data-person-id="${member.person.id}"] td.col-support`);
    assert.match(await cell.innerText(), new RegExp(`^1 of ${mine.required}`));
    const hireRow = report.people.find((p) => p.person_id === hire.person.id);
    if (hireRow && hireRow.support_weeks.onboarding_booked === false) {
      assert.match(await l.page.locator(`#report-people tr[data-person-id="${hire.person.id}"] td.col-support`).innerText(), /onboarding not booked/);
    }
    await screenshot(l.page, 'report-support-weeks');
    assert.ok(await l.page.locator('#report-people').evaluate((t) => t.parentElement.scrollWidth <= t.parentElement.clientWidth), 'the table fits without scrolling sideways');
    assertClean(l.problems, l.dialogs);
    await l.context.close();

    // On a phone and in the dark.
    const phone = await openPage(browser, server.url, { session: member, viewport: { width: 390, height: 844 } });
    await phone.page.goto('/#/week');
    await phone.page.locator('#support-list').waitFor();
    await noSidewaysScroll(phone.page, 390);
    await screenshot(phone.page, 'week-support-mobile');
    assertClean(phone.problems, phone.dialogs);
    await phone.context.close();
    const dark = await openPage(browser, server.url, { session: member, colorScheme: 'dark' });
    await dark.page.goto('/#/week');
    await dark.page.locator('#support-list').waitFor();
    await screenshot(dark.page, 'week-support-dark');
    assertClean(dark.problems, dark.dialogs);
    await dark.context.close();
    const phoneReport = await openPage(browser, server.url, { session: lead, viewport: { width: 390, height: 844 } });
    await phoneReport.page.goto(`/#/report?week=${week}`);
    await phoneReport.page.locator('#report-people').waitFor();
    await noSidewaysScroll(phoneReport.page, 390);
    await screenshot(phoneReport.page, 'report-support-mobile');
    assertClean(phoneReport.problems, phoneReport.dialogs);
    await phoneReport.context.close();
  } finally { // the other tests are under the weekly cadence
    await lead.must('PATCH', '/policy', { cadence: before.cadence, weeks_per_year: before.weeks_per_year });
  }
});

test('the program’s screens on a phone and in the dark', { timeout: 90_000 }, async () => {
  for (const [who, screen, ready] of [
    [member, 'week', '#clock-button'],
    [lead, 'exemptions', '#exemption-list table, #exemptions-empty'],
    [lead, 'coverage', '#coverage-grid'],
    [lead, 'report', '#totality-figure'],
    [lead, 'policy', '#policy-weekly-hours'],
  ]) {
    const phone = await openPage(browser, server.url, { session: who, viewport: { width: 390, height: 844 } });
    await phone.page.goto(`/#/${screen}`);
    await phone.page.locator(ready).first().waitFor();
    await noSidewaysScroll(phone.page, 390);
    await screenshot(phone.page, `${screen}-mobile`);
    assertClean(phone.problems, phone.dialogs);
    await phone.context.close();

    const dark = await openPage(browser, server.url, { session: who, colorScheme: 'dark' });
    await dark.page.goto(`/#/${screen}`);
    await dark.page.locator(ready).first().waitFor();
    await screenshot(dark.page, `${screen}-dark`);
    assertClean(dark.problems, dark.dialogs);
    await dark.context.close();
  }
});
